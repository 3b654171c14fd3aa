"""``derive``: the whole pipeline, and the immutable :class:`Derivation` it returns.

model → likelihood → solve → check → information, under one wall-clock budget; each stage
that runs out of time degrades to a stated, weaker result rather than failing the derivation.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import sympy as sp

from . import guards, parsing
from .bounded import bounded, budget, remaining
from .checks import Check, interior_condition, median_variance, second_order
from .errors import DerivationTimeout, ModelSpecError, NonIdentifiableError
from .information import Information, expected_information, invariance, standard_errors
from .likelihood import LogLikelihood, log_likelihood
from .model import Model, ParamSpec, build_model
from .normalization import check_density
from .notation import realify
from .render import RenderMixin
from .solve import Solution, solve_likelihood
from .spaces import Support

__all__ = ["Derivation", "Step", "derive"]


@dataclass(frozen=True)
class Step:
    """One step of a derivation: a heading, the mathematics, and why."""

    kind: str
    heading: str
    math: tuple[sp.Basic, ...]
    text: str = ""


@dataclass(frozen=True)
class Transform:
    """The MLE of g(θ) by invariance: ``estimate`` in sample notation, as ``Derivation.mle``."""

    g: sp.Expr
    estimate: sp.Expr | None
    standard_error: sp.Expr | None


def _in_sample_notation(ll: LogLikelihood, t: Transform) -> Transform:
    """``t`` with its estimate written in the sample (Σᵢ xᵢ), not the solver's symbols."""
    return t if t.estimate is None else replace(t, estimate=ll.to_sample(t.estimate))


@dataclass(frozen=True)
class Derivation(RenderMixin):
    """A derived MLE with every intermediate result (statsmodels-style fixed vocabulary).

    Sample-notation results (``mle``, ``score``, ``log_likelihood_sample``) use
    ``Sum(h(x[i]), (i, 1, n))``; ``fisher_information`` and ``standard_errors`` are in the
    parameter symbols (evaluate them at θ̂).

    Examples
    --------
    >>> d = derive("poisson")
    >>> d.mle
    {'lambda': Sum(x[i], (i, 1, n))/n}
    >>> d.fisher_information
    Matrix([[1/lambda]])
    >>> d.second_order.verdict
    'proven'
    """

    model: Model
    log_likelihood: LogLikelihood
    solution: Solution
    hessian: sp.Matrix
    second_order: Check
    information: Information
    standard_errors_: dict[sp.Symbol, sp.Expr] | None
    transforms: tuple[Transform, ...] = ()
    checks: tuple[Check, ...] = ()
    warnings: tuple[str, ...] = ()

    @functools.cached_property
    def steps(self) -> tuple[Step, ...]:
        """The derivation's steps in textbook order (built on first use)."""
        from .steps import build_steps

        return build_steps(self)

    # -- the fixed vocabulary ------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.model.params)

    @property
    def closed_form(self) -> bool:
        return self.solution.closed_form

    @property
    def mle(self) -> dict[str, sp.Expr] | None:
        """Parameter name → MLE in sample notation, or ``None`` without a closed form."""
        if self.solution.mle is None:
            return None
        return {p.name: self.log_likelihood.to_sample(v) for p, v in self.solution.mle.items()}

    @property
    def method(self) -> dict[str, str]:
        return {p.name: m for p, m in self.solution.method.items()}

    @property
    def score(self) -> tuple[sp.Expr, ...]:
        return tuple(self.log_likelihood.to_sample(s) for s in self.solution.score)

    @property
    def log_likelihood_sample(self) -> sp.Expr:
        return self.log_likelihood.sample_expr

    @property
    def fisher_information(self) -> sp.Matrix | None:
        """Expected information of one observation, or ``None`` (reason in ``information``)."""
        return self.information.expected

    @property
    def observed_information(self) -> sp.Matrix | None:
        """−∂²ℓ at the MLE, in sample notation."""
        if self.solution.mle is None:
            return None
        at = (-self.hessian).xreplace(self.solution.mle)
        return at.applyfunc(lambda e: self.log_likelihood.to_sample(sp.cancel(e)))

    @functools.cached_property
    def newton_update(self) -> dict[str, sp.Expr] | None:
        """Without a closed form: one Newton step θ − H(θ)⁻¹ s(θ), in sample notation."""
        if self.closed_form:
            return None
        return _update(self, -self.hessian)

    @functools.cached_property
    def fisher_scoring_update(self) -> dict[str, sp.Expr] | None:
        """Without a closed form: one Fisher-scoring step θ + (n I(θ))⁻¹ s(θ), where the
        expected information is known."""
        if self.closed_form or self.fisher_information is None:
            return None
        from .notation import N

        return _update(self, N * self.fisher_information)

    @property
    def standard_errors(self) -> dict[str, sp.Expr] | None:
        if self.standard_errors_ is None:
            return None
        return {p.name: e for p, e in self.standard_errors_.items()}

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: expressions as SymPy-syntax strings."""
        m = self.model
        info = self.fisher_information
        return {
            "model": {
                "name": m.name,
                "density": str(m.density),
                "variable": m.var.name,
                "support": m.support.describe(m.var.name),
                "discrete": m.discrete,
                "parameters": {p.name: m.domains[p].describe() for p in m.params},
                "known": {k.name: m.domains[k].describe() for k in m.known},
            },
            "parameters": list(self.parameters),
            "closed_form": self.closed_form,
            "mle": None if self.mle is None else {k: str(v) for k, v in self.mle.items()},
            "method": self.method,
            "reason": self.solution.reason,
            "log_likelihood": str(self.log_likelihood_sample),
            "score": [str(s) for s in self.score],
            "fisher_information": None if info is None else
            [[str(info[i, j]) for j in range(info.shape[1])] for i in range(info.shape[0])],
            "fisher_information_reason": self.information.reason,
            "standard_errors": None if self.standard_errors is None else
            {k: str(v) for k, v in self.standard_errors.items()},
            "second_order": {"verdict": self.second_order.verdict,
                             "reason": self.second_order.reason},
            "invariance": [{"g": str(t.g), "mle": None if t.estimate is None else
                            str(self.log_likelihood.to_sample(t.estimate)),
                            "standard_error": None if t.standard_error is None else
                            str(t.standard_error)} for t in self.transforms],
            "order_statistics": _order_statistics(self.solution, m.var.name),
            "newton_update": None if self.newton_update is None else
            {k: str(v) for k, v in self.newton_update.items()},
            "fisher_scoring_update": None if self.fisher_scoring_update is None else
            {k: str(v) for k, v in self.fisher_scoring_update.items()},
            "checks": [c.to_dict() for c in self.checks],
            "warnings": list(self.warnings),
            **_counts(self),
        }


def _counts(d: Derivation) -> dict[str, Any]:
    """For a model read as a table of probabilities (:func:`symmle.counts.is_tabular`):
    ``counts``, each count's name → the value it counts, and ``mle_counts``, the MLE in them
    (``{"theta": "(n_0 + n_1)/n"}``); nothing otherwise."""
    from .counts import count_symbol, in_counts, is_tabular, support_values

    if not is_tabular(d):
        return {}
    counts = {count_symbol(v).name: float(v) if not v.is_Integer else int(v)
              for v in support_values(d.model)}
    mle = None if d.mle is None else {k: in_counts(v, d.model) for k, v in d.mle.items()}
    return {"counts": counts, "mle_counts": None if mle is None or None in mle.values() else
            {k: str(v) for k, v in mle.items()}}


def _order_statistics(solution: Solution, var: str) -> dict[str, str] | None:
    """The order statistics the closed form uses, named: ``x_min``, ``x_max``, ``x_med``."""
    out = {}
    if solution.support is not None:
        out.update({str(s): f"{'min' if k == 0 else 'max'}_i {var}[i]"
                    for k, s in enumerate(solution.support.order_statistics)})
    if solution.median is not None:
        out[str(solution.median.median)] = (f"median_i {var}[i] (the midpoint of the two middle "
                                            "observations for even n)")
    return out or None


def _update(d: "Derivation", information: sp.Matrix) -> dict[str, sp.Expr] | None:
    """θ + J⁻¹ s(θ) for an information matrix J, written out for each parameter."""
    from .bounded import bounded
    from .errors import DerivationTimeout

    score = sp.Matrix(d.solution.score)

    def solve_step() -> sp.Matrix | None:
        # adj(J)·s/det(J): Matrix.inv tests pivots for zero, which is slow on sums over i
        det = information.det(method="berkowitz")
        return None if det == 0 else information.adjugate() * score / det
    try:
        step = bounded(solve_step, seconds=5.0, what="the Newton step")
    except (DerivationTimeout, ValueError, ZeroDivisionError):
        return None
    if step is None:
        return None
    return {p.name: d.log_likelihood.to_sample(p + step[j]) for j, p in enumerate(d.model.params)}


def _parse_functions(functions: Sequence[str | sp.Expr] | None, model: Model) -> list[sp.Expr]:
    out = []
    symbols = {s.name: s for s in (*model.params, *model.known)}
    for g in functions or ():
        if isinstance(g, sp.Expr):
            guards.check_expression(g, where="function g")  # lambdify and LaTeX see its names
            expr = g.xreplace({sp.Symbol(s.name): s for s in symbols.values()})
        else:
            expr = parsing.parse_expression(str(g), symbols, where="function g")
        if not expr.free_symbols & set(model.params):
            raise ModelSpecError(f"the function {g} does not involve any parameter")
        out.append(expr)
    return out


def _check_identifiable(m: Model, info: sp.Matrix) -> None:
    """A Fisher information that is singular for every θ means a flat direction of the
    likelihood: the parameters are not identifiable, and no answer is given."""
    if info.shape[0] < 2:
        if sp.simplify(info[0, 0]) == 0:
            raise NonIdentifiableError(f"the model is not identifiable: the likelihood does not "
                                       f"depend on {m.params[0]} (zero Fisher information)")
        return
    try:
        det = bounded(lambda: sp.simplify(info.det()), seconds=5.0, what="the determinant")
        if det != 0:
            return
        null = bounded(info.nullspace, seconds=5.0, what="the flat direction")
    except DerivationTimeout:
        return
    if not null:
        return
    v = null[0]
    direction = sp.Add(*[sp.simplify(c) * sp.Symbol(f"d{p.name}") for c, p in zip(v, m.params)])
    raise NonIdentifiableError(
        "the model is not identifiable: the Fisher information is singular for every parameter "
        f"value, and the likelihood is flat along the direction {direction} "
        f"(moving the parameters along ({', '.join(str(sp.simplify(c)) for c in v)}) does not "
        "change the distribution of the data)")


def derive(model: Any, *, var: str | None = None, params: ParamSpec = None,
           known: ParamSpec = None, support: "str | Support | None" = None,
           functions: Sequence[str | sp.Expr] | None = None, timeout: float = 30.0,
           normalize_check: bool = True, latex_names: Mapping[str, str] | None = None,
           covariates: Sequence[str] | str | None = None,
           constraints: Sequence[str] | None = None) -> Derivation:
    """Derive the maximum likelihood estimator of a model, with its checks.

    Parameters
    ----------
    model
        A catalog name (``"poisson"``), a density string (``"theta*x**(theta-1)"``), a SymPy
        expression, a ``sympy.stats`` random variable or a :class:`~symmle.model.Model`.
    var, params, known, support
        As in :func:`symmle.model.build_model`.
    functions
        Functions g(θ) whose MLE is wanted by invariance (``["exp(-lambda)"]``).
    timeout
        Wall-clock budget in seconds for the whole derivation; every long SymPy call is bounded
        by what is left of it, and a step that runs out degrades to a stated weaker result.
    normalize_check
        Reject densities that are negative or not normalised (``False``: warn instead).
    covariates
        For a conditional model f(y | x, θ) (regression): the covariates; ``var`` is then the
        response (default ``y``). A conditional catalog family (``"linear_regression"``) needs
        none. The result is a :class:`~symmle.regression.ConditionalDerivation`.
    constraints
        Equality constraints on the parameters (``["p1 + p2 + p3 = 1"]``). With them, a vector
        observation (``var="x1,x2,x3"``) or a vector family (``"multinomial"``) the derivation
        is a :class:`symmle.constrained.VectorDerivation` (Lagrange multipliers).

    Returns
    -------
    Derivation

    Raises
    ------
    ModelSpecError, ParseError, NormalizationError, UnsupportedModelError

    Examples
    --------
    >>> d = derive("theta*x**(theta-1)", params={"theta": "positive"}, support="0 < x < 1")
    >>> d.mle["theta"]
    -n/Sum(log(x[i]), (i, 1, n))
    """
    from .families import conditional_family

    if covariates or (isinstance(model, str) and conditional_family(model) is not None):
        from .errors import UnsupportedModelError
        from .regression import derive_conditional

        if functions:
            raise UnsupportedModelError("functions of the parameters (--g) are not derived for "
                                        "conditional models yet")
        return derive_conditional(model, var=var, covariates=covariates, params=params,
                                  known=known, support=support, timeout=timeout,
                                  latex_names=latex_names)  # type: ignore[return-value]

    from .vector_api import derive_request, vector_request

    if vector_request(model, var, constraints):
        return derive_request(model, var=var, params=params, known=known, support=support,
                              constraints=constraints, timeout=timeout,
                              normalize_check=normalize_check)
    with budget(timeout):
        # every long SymPy call inside is bounded on its own and degrades to a weaker result;
        # this outer bound is the last line of defence for the calls that are not
        return bounded(_derive, model, var, params, known, support, functions, timeout,
                       normalize_check, latex_names, seconds=timeout, what="the derivation",
                       cpu=False)  # the wall-clock budget a caller (a web server) relies on


def _information_in_time(ll: LogLikelihood, hessian: sp.Matrix, timeout: float) -> Information:
    """The expected information, its integrals bounded in CPU time as everywhere, and the
    whole step also in wall-clock time, by what is left of the derivation's budget less a fifth
    of it for the steps after: on a loaded machine CPU seconds take longer than seconds, and
    an integral SymPy does not find (the folded normal's) used to run into the derivation's
    own deadline, failing all of it instead of this optional step."""
    left = remaining() - timeout / 5
    work = functools.partial(expected_information, ll, hessian, seconds=min(10.0, timeout / 4))
    try:
        if left == float("inf"):  # no budget set: the CPU bounds inside are the only ones
            return work()
        if left <= 0:
            raise DerivationTimeout("the Fisher information: no time was left for it")
        return bounded(work, seconds=left, what="the Fisher information", cpu=False)
    except DerivationTimeout as exc:
        return Information(None, f"not found within the time budget ({exc}); the fit uses the "
                           "observed information")


def _derive(model: Any, var: str | None, params: ParamSpec, known: ParamSpec,
            support: "str | Support | None", functions: Sequence[str | sp.Expr] | None,
            timeout: float, normalize_check: bool,
            latex_names: Mapping[str, str] | None) -> Derivation:
    m = build_model(model, var=var, params=params, known=known, support=support,
                    latex_names=latex_names)
    warnings = list(m.notes)
    checks: list[Check] = []
    try:
        checks.append(check_density(m, seconds=min(0.75, timeout / 10)))
    except ModelSpecError as exc:
        if normalize_check:
            raise
        warnings.append(f"{exc} (accepted because the normalization check is off)")
    gs = _parse_functions(functions, m)
    ll = log_likelihood(m)
    solution = solve_likelihood(ll, seconds=min(10.0, timeout / 3))
    if not solution.closed_form:
        warnings.append(f"no closed form: {solution.reason}")
    for p in m.params:  # N(θ, 1) with θ in ℤ: x̄ is the MLE only when it is an integer
        if m.domains[p].integer and solution.method.get(p) == "score":
            warnings.append(f"{p} is integer-valued: the root of the likelihood equation is the "
                            "MLE only where it is an integer; when it is the only critical "
                            "point, ℓ increases up to it and decreases after it, so the MLE is "
                            "the better of its floor and its ceiling (fit compares the two)")
    hessian = sp.hessian(ll.expr, ll.params).applyfunc(realify)
    order = second_order(ll, solution, hessian, seconds=min(5.0, timeout / 6))
    if order.verdict == "disproven":
        warnings.append("the root of the likelihood equations is not a maximum: "
                        + order.reason)
    info = _information_in_time(ll, hessian, timeout)
    ses = None
    if info.expected is not None:
        _check_identifiable(m, info.expected)
        ses = standard_errors(ll, info.expected, seconds=min(5.0, timeout / 6))
        if ses is None:
            warnings.append("the Fisher information could not be inverted: the standard "
                            "errors are not given")
    transforms = tuple(_in_sample_notation(ll, Transform(g, *invariance(ll, g, solution.mle,
                                                                         info.expected)))
                       for g in gs)
    checks.append(order)
    interior = interior_condition(ll, solution)
    if interior is not None:
        checks.append(interior)
    spread = median_variance(ll, solution, info.expected, seconds=min(5.0, timeout / 6))
    if spread is not None:
        checks.append(spread)
    return Derivation(m, ll, solution, hessian, order, info, ses, transforms, tuple(checks),
                      tuple(warnings))

