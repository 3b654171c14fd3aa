"""``derive`` for conditional models: the regression derivation and its immutable result.

model → ℓ(θ) = Σᵢ log f(yᵢ | xᵢ, θ) → score → normal (likelihood) equations → their solution, or
the Newton/IRLS update where there is none → second-order check → Fisher information given the
covariates, Σᵢ I(θ; xᵢ), and standard errors. Every long SymPy call is bounded.

A Gaussian linear regression with three or more covariates (four or more coefficients) is not
solved in the sums: it is derived in matrix form, y = Xβ + ε and β̂ = (XᵀX)⁻¹Xᵀy
(:mod:`symmle.regression_matrix`), and ``ConditionalDerivation.matrix_form`` is true.

Examples
--------
>>> d = derive_conditional("poisson_regression")
>>> d.closed_form
False
>>> d.score_summands[1]
x*(y - exp(b0 + b1*x))
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from .bounded import bounded, budget
from .checks import Check
from .conditional import (ConditionalLogLikelihood, ConditionalModel, bounded_simplify,
                          build_conditional, check_identifiable, conditional_log_likelihood,
                          data_domains)
from .errors import DerivationTimeout
from .latex import Prose, prose_str
from .model import ParamSpec
from .notation import N, to_symbols
from .render import RenderMixin
from .regression_checks import information_given_covariates, second_order_check
from .spaces import Support, prove_sign

__all__ = ["ConditionalDerivation", "derive_conditional"]


@dataclass(frozen=True)
class ConditionalDerivation(RenderMixin):
    """A derived regression MLE, with the same vocabulary as
    :class:`~symmle.derivation.Derivation` (``mle``, ``score``, ``fisher_information``, ...).

    Sample-notation results sum over i with ``y[i]`` and ``x[i]``. ``fisher_information`` is the
    information of the whole sample given the covariates, Σᵢ I(θ; xᵢ) (it depends on the xᵢ),
    not that of one observation.
    """

    model: ConditionalModel
    log_likelihood: ConditionalLogLikelihood
    score_symbols: tuple[sp.Expr, ...]
    score_summands: tuple[sp.Expr, ...]
    mean: sp.Expr | None
    mle_symbols: dict[sp.Symbol, sp.Expr] | None
    profile: dict[sp.Symbol, sp.Expr]
    reason: str
    hessian: sp.Matrix
    hessian_summand: sp.Matrix
    second_order: Check
    information_total: sp.Matrix | None
    information_reason: str
    standard_errors_: dict[sp.Symbol, sp.Expr] | None
    least_squares: dict[str, Any] | None
    checks: tuple[Check, ...] = ()
    warnings: tuple[str, ...] = ()
    design: Any = None  # a LinearDesign when derived in matrix form (y = Xβ + ε)
    information_prose: Prose = ()  # information_reason with its mathematics (for rendering)

    # -- the fixed vocabulary ------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.model.params)

    @property
    def covariates(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.model.covariates)

    @property
    def closed_form(self) -> bool:
        return self.mle_symbols is not None

    @property
    def matrix_form(self) -> bool:
        """Whether the derivation is in matrix form, β̂ = (XᵀX)⁻¹Xᵀy (Gaussian linear
        regression with many coefficients; :mod:`symmle.regression_matrix`)."""
        return self.design is not None

    @property
    def mle(self) -> dict[str, sp.Expr] | None:
        """Parameter name → MLE in sample notation, or ``None`` without a closed form."""
        if self.mle_symbols is None:
            return None
        return {p.name: self.log_likelihood.to_sample(v) for p, v in self.mle_symbols.items()}

    @property
    def method(self) -> dict[str, str]:
        how = "score" if self.closed_form else "numeric"
        return {p.name: how for p in self.model.params}

    @property
    def score(self) -> tuple[sp.Expr, ...]:
        """∂ℓ/∂θⱼ = Σᵢ ∂ log f(yᵢ | xᵢ, θ)/∂θⱼ in sample notation."""
        return tuple(self.log_likelihood.sample(s) for s in self.score_summands)

    @property
    def log_likelihood_sample(self) -> sp.Expr:
        return self.log_likelihood.sample_expr

    @property
    def fisher_information(self) -> sp.Matrix | None:
        return self.information_total

    @property
    def standard_errors(self) -> dict[str, sp.Expr] | None:
        if self.standard_errors_ is None:
            return None
        return {p.name: e for p, e in self.standard_errors_.items()}

    @property
    def irls(self) -> bool:
        """Whether the Hessian is free of the response: then Newton = Fisher scoring = IRLS."""
        return self.model.var not in self.hessian_summand.free_symbols

    @functools.cached_property
    def newton_update(self) -> dict[str, sp.Expr] | None:
        """Without a closed form: θ − H(θ)⁻¹ ∇ℓ(θ), in sample notation."""
        if self.closed_form:
            return None
        ll = self.log_likelihood
        return _update(self.model.params, ll.to_sample(self.hessian) * -1,
                       [ll.to_sample(s) for s in self.score_symbols])

    @functools.cached_property
    def fisher_scoring_update(self) -> dict[str, sp.Expr] | None:
        """Without a closed form: θ + I(θ)⁻¹ ∇ℓ(θ), with I the expected information."""
        if self.closed_form or self.information_total is None:
            return None
        if self.irls:
            return self.newton_update
        ll = self.log_likelihood
        return _update(self.model.params, self.information_total,
                       [ll.to_sample(s) for s in self.score_symbols])

    @functools.cached_property
    def steps(self) -> tuple:
        """The derivation's steps in textbook order (built on first use)."""
        from .steps.regression import build_regression_steps

        return build_regression_steps(self)

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the keys of :meth:`Derivation.to_dict` plus ``covariates``,
        ``conditional``, ``mean``, ``least_squares``, ``normal_equations`` and ``irls``."""
        m, info = self.model, self.fisher_information
        sq = self.least_squares
        return {
            "model": {"name": m.name, "density": str(m.density), "variable": m.var.name,
                      "covariates": list(self.covariates),
                      "support": m.support.describe(m.var.name), "discrete": m.discrete,
                      "parameters": {p.name: m.domains[p].describe() for p in m.params},
                      "known": {k.name: m.domains[k].describe() for k in m.known}},
            "parameters": list(self.parameters),
            "conditional": True,
            "covariates": list(self.covariates),
            "closed_form": self.closed_form,
            "mle": None if self.mle is None else {k: str(v) for k, v in self.mle.items()},
            "method": self.method,
            "reason": self.reason,
            "log_likelihood": str(self.log_likelihood_sample),
            "score": [str(s) for s in self.score],
            "normal_equations": [f"{s} = 0" for s in self.score],
            "mean": None if self.mean is None else str(self.mean),
            "least_squares": None if sq is None else
            {"residual_sum_of_squares": str(sq["rss"]), "coefficients": sq["coefficients"],
             "variance": sq.get("variance")},
            "fisher_information": None if info is None else
            [[str(info[i, j]) for j in range(info.shape[1])] for i in range(info.shape[0])],
            "fisher_information_reason": self.information_reason,
            "standard_errors": None if self.standard_errors is None else
            {k: str(v) for k, v in self.standard_errors.items()},
            "second_order": {"verdict": self.second_order.verdict,
                             "reason": self.second_order.reason},
            "invariance": [],
            "order_statistics": None,
            "newton_update": None if self.newton_update is None else
            {k: str(v) for k, v in self.newton_update.items()},
            "fisher_scoring_update": None if self.fisher_scoring_update is None else
            {k: str(v) for k, v in self.fisher_scoring_update.items()},
            "irls": (not self.closed_form) and self.irls,
            "checks": [c.to_dict() for c in self.checks],
            "warnings": list(self.warnings),
            "matrix_form": None if self.design is None else _matrix_dict(self.design),
        }


def _matrix_dict(dz: Any) -> dict[str, Any]:
    """The matrix form in plain data: the design's columns and the textbook formulas."""
    return {"design_columns": [str(c) for c in dz.columns],
            "coefficients": [b.name for b in dz.coefficients],
            "model": f"{dz.model.var.name} = X*beta + epsilon",
            "normal_equations": "X.T*X*beta = X.T*" + dz.model.var.name,
            "estimator": str(dz.estimator()),
            "variance": f"{dz.variance} = RSS/n",
            "covariance": f"{dz.variance}*(X.T*X)**(-1)",
            "condition": "X has full column rank"}


# ---------------------------------------------------------------------------------------------
# linear algebra on expressions with sums


def _solve_matrix(J: sp.Matrix, rhs: sp.Matrix, seconds: float = 5.0) -> sp.Matrix | None:
    """J⁻¹·rhs with every sum over i treated as one unknown quantity (adjugate over
    determinant); ``None`` when J is singular or time runs out."""
    table: dict = {}
    Js, table = _matrix_symbols(J, table)
    rs, table = _matrix_symbols(rhs, table)
    back = {v: k for k, v in table.items()}

    def work() -> sp.Matrix | None:
        det = sp.factor(Js.det(method="berkowitz"))
        if det == 0:
            return None
        out = (Js.adjugate() * rs).applyfunc(lambda e: sp.factor(sp.cancel(e / det)))
        return out.xreplace(back)
    try:
        return bounded(work, seconds=seconds, what="inverting the information")
    except (DerivationTimeout, ValueError, ZeroDivisionError):
        return None


def _matrix_symbols(M: sp.Matrix, table: dict) -> tuple[sp.Matrix, dict]:
    rows = []
    for i in range(M.shape[0]):
        row = []
        for j in range(M.shape[1]):
            e, table = to_symbols(M[i, j], table=table)
            row.append(e)
        rows.append(row)
    return sp.Matrix(rows), table


def _update(params: Sequence[sp.Symbol], J: sp.Matrix, score: Sequence[sp.Expr],
            ) -> dict[str, sp.Expr] | None:
    step = _solve_matrix(sp.Matrix(J), sp.Matrix(score))
    if step is None:
        return None
    return {p.name: p + step[j] for j, p in enumerate(params)}


# ---------------------------------------------------------------------------------------------
# the stages


def _mean(cm: ConditionalModel, summands: Sequence[sp.Expr]) -> sp.Expr | None:
    """E[y | x] from the score identity E[∂ log f/∂θ] = 0: a score a(x, θ)·y + b(x, θ) linear
    in y gives E[y | x] = −b/a."""
    y = cm.var
    found = None
    for s in summands:
        e = sp.expand(s, power_exp=False)
        if not e.has(y):
            continue
        a = e.coeff(y, 1)
        b = sp.expand(e - a * y, power_exp=False)
        if a == 0 or a.has(y) or b.has(y):
            continue
        mu = bounded_simplify(-b / a, 2.0)
        if found is None:
            found = mu
        elif sp.cancel(found - mu) != 0:
            return None
    return found


def _summand_forms(cm: ConditionalModel, logf: sp.Expr, mean: sp.Expr | None,
                   ) -> tuple[sp.Expr, ...]:
    """∂ log f/∂θⱼ for one observation, as (y − μ)·wⱼ where that is exact."""
    out = []
    for p in cm.params:
        s = sp.diff(logf, p)
        if mean is not None:
            w = bounded_simplify(sp.cancel(s / (cm.var - mean)), 2.0)
            if not w.has(cm.var) and sp.simplify(w * (cm.var - mean) - s) == 0:
                out.append(sp.Mul(w, cm.var - mean, evaluate=True))
                continue
        out.append(bounded_simplify(s, 2.0))
    return tuple(out)


def _solve(ll: ConditionalLogLikelihood, score: Sequence[sp.Expr], seconds: float,
           mean: sp.Expr | None = None) -> tuple[dict[sp.Symbol, sp.Expr] | None, str]:
    params = ll.params
    if ll.nonseparable:
        if mean is not None and any(sp.diff(mean, p, 2) != 0 for p in params):
            return None, ("the parameters enter the likelihood equations inside sums over the "
                          "observations (through a mean that is not linear in them), so the "
                          "equations are transcendental in the parameters: they have no "
                          "closed-form solution and are solved by Newton's method")
        term = ll.nonseparable[0]
        return None, ("the parameters enter the likelihood equations inside sums over the "
                      f"observations (log f has a term in which they and the data do not "
                      f"separate, {term}), so each equation involves every observation "
                      "separately: there is no closed-form solution in general, and they are "
                      "solved by Newton's method")
    try:
        roots = bounded(_solve_linear_first, list(score), list(params), seconds=seconds,
                        what="solving the normal equations")
    except DerivationTimeout:
        return None, "no closed form found within the time budget"
    except (NotImplementedError, ValueError, TypeError):
        return None, "SymPy could not solve the likelihood equations"
    domains = ll.model.domains
    kept = []
    for r in roots:
        if set(r) != set(params) or any(v.has(*params) for v in r.values()):
            continue
        if any(prove_sign(r[p], domains, "positive") is False for p in params
               if domains[p].lower == 0 and domains[p].left_open):
            continue
        kept.append(r)
    if not kept:
        return None, "the likelihood equations have no solution in closed form"
    return {p: sp.factor(kept[0][p]) for p in params}, "solved the likelihood equations"


def _solve_linear_first(score: list[sp.Expr], params: list[sp.Symbol]) -> list[dict]:
    """Solve the equations that are linear in some parameters first (the normal equations in
    the coefficients of a Gaussian regression), by linear algebra, then the rest."""
    nums = [sp.numer(sp.together(s)) for s in score]
    # the largest set B of parameters whose equations are linear in B and free of the others
    block = list(range(len(params)))
    while block:
        ps = [params[j] for j in block]
        others = [q for q in params if q not in ps]
        ok = all(not nums[j].has(*others) and sp.Poly(nums[j], *ps).total_degree() <= 1
                 if nums[j].is_polynomial(*ps) else False for j in block)
        if ok:
            break
        block = block[:-1]
    if not block or len(block) == len(params) and len(params) == 1:
        return sp.solve(score, params, dict=True)
    ps = [params[j] for j in block]
    lin = sp.linsolve([nums[j] for j in block], ps)
    if not lin or lin == sp.EmptySet:
        return []
    sol = dict(zip(ps, next(iter(lin))))
    if any(v.has(*ps) for v in sol.values()):  # a free parameter: singular system
        return []
    sol = {p: sp.factor(v) for p, v in sol.items()}
    rest = [params[j] for j in range(len(params)) if j not in block]
    if not rest:
        return [sol]
    eqs = [sp.together(score[j].xreplace(sol)) for j in range(len(params)) if j not in block]
    out = []
    for r in sp.solve(eqs, rest, dict=True):
        full = dict(sol)
        full.update({q: sp.factor(v) for q, v in r.items()})
        out.append(full)
    return out


def _profiles(ll: ConditionalLogLikelihood, score: Sequence[sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    """Each parameter from its own equation, in terms of the others (b0 = ȳ − b1·x̄)."""
    out = {}
    for p, s in zip(ll.params, score):
        try:
            sol = bounded(sp.solve, s, p, seconds=1.0, what="a profile")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            continue
        if len(sol) == 1 and sol[0].has(*[q for q in ll.params if q != p]):
            out[p] = sp.expand(sol[0])
    return out


def _least_squares(cm: ConditionalModel, ll: ConditionalLogLikelihood,
                   mle: Mapping[sp.Symbol, sp.Expr] | None) -> dict[str, Any] | None:
    """ℓ = −RSS(β)/(2σ²) + terms free of β: then maximising ℓ in β minimises Σ(yᵢ − ŷᵢ)²."""
    domains = data_domains(cm)
    from .likelihood import expand_log_proven

    logf = expand_log_proven(sp.log(cm.density), domains, positive_argument=True)
    y = cm.var
    for term in sp.Add.make_args(logf):
        squares = [f for f in sp.Mul.make_args(term) if isinstance(f, sp.Pow) and f.exp == 2
                   and f.base.has(y)]
        if len(squares) != 1:
            continue
        resid = squares[0].base
        coeff = sp.cancel(term / squares[0])
        coefs = [p for p in cm.params if resid.has(p)]
        rest = logf - term
        if (not coefs or coeff.has(y, *cm.covariates, *coefs) or rest.has(*coefs)
                or prove_sign(coeff, domains, "negative") is not True
                or sp.diff(resid, y) not in (1, -1)):
            continue
        resid = resid if sp.diff(resid, y) == 1 else -resid
        out: dict[str, Any] = {"rss": ll.sample(resid ** 2), "residual": resid,
                               "coefficients": [p.name for p in coefs], "weight": coeff}
        scale = [p for p in cm.params if p not in coefs]
        if mle is not None and len(scale) == 1:
            q = scale[0]
            rss = _in_statistics(ll, resid ** 2)
            fitted = None if rss is None else rss.xreplace({p: mle[p] for p in coefs})
            for k in (1, 2):  # σ² = RSS/n or σ = √(RSS/n)
                if fitted is not None and _same(mle[q] ** k, fitted / N):
                    out["variance"] = f"{q.name}" + ("" if k == 1 else "**2") + " = RSS/n"
                    out["scale"], out["power"] = q, k
        return out
    return None


def _in_statistics(ll: ConditionalLogLikelihood, summand: sp.Expr) -> sp.Expr | None:
    """Σᵢ summand(yᵢ, xᵢ) written with the statistic symbols, or ``None`` when it needs a
    statistic that ℓ does not have."""
    data = set(ll.model.data_symbols)
    table = {s.h: s.symbol for s in ll.statistics}
    total = sp.Integer(0)
    for t in sp.Add.make_args(sp.expand(summand)):
        coeff = sp.Mul(*[f for f in sp.Mul.make_args(t) if not f.free_symbols & data])
        atom = sp.Mul(*[f for f in sp.Mul.make_args(t) if f.free_symbols & data])
        if atom == 1:
            total += N * t
        elif atom in table:
            total += coeff * table[atom]
        else:
            return None
    return total


def _same(a: sp.Expr, b: sp.Expr, trials: int = 3) -> bool:
    """Whether two rational functions of the statistic symbols and n agree, by exact
    evaluation at random integer points (Schwartz–Zippel: a nonzero rational function vanishes
    at a random point with probability near 0); much faster than simplifying the difference."""
    import random

    syms = sorted((a - b).free_symbols, key=lambda s: s.name)
    rng = random.Random(7)
    for _ in range(trials):
        point = {s: sp.Integer(rng.randint(2, 10 ** 6)) for s in syms}
        try:
            if sp.nsimplify((a - b).xreplace(point)) != 0:
                return False
        except (ZeroDivisionError, TypeError):
            return False
    return True


def derive_conditional(model: Any, *, var: str | None = None,
                       covariates: Sequence[str] | str | None = None, params: ParamSpec = None,
                       known: ParamSpec = None, support: "str | Support | None" = None,
                       timeout: float = 30.0, latex_names: Mapping[str, str] | None = None,
                       ) -> ConditionalDerivation:
    """Derive the MLE of a conditional model f(y | x, θ) (regression).

    Parameters
    ----------
    model
        A density string in the response and the covariates, or a conditional catalog family
        (``"linear_regression"``, ``"logistic_regression"``, ``"poisson_regression"``).
    var, covariates
        The response (default ``y``) and the covariates (names).
    params, known, support, timeout
        As in :func:`symmle.derive`.

    Raises
    ------
    NonIdentifiableError
        When the likelihood is flat along a direction of the parameters (the message names it).

    Examples
    --------
    >>> d = derive_conditional("exp(-(y - b*x)**2/2)/sqrt(2*pi)", var="y", covariates=["x"],
    ...                        params={"b": "real"}, support="real")
    >>> d.mle["b"]
    Sum(x[i]*y[i], (i, 1, n))/Sum(x[i]**2, (i, 1, n))
    """
    with budget(timeout):
        return bounded(_derive, model, var, covariates, params, known, support, timeout,
                       latex_names, seconds=timeout, what="the derivation",
                       cpu=False)  # the wall-clock budget, as for derive


def _derive(model: Any, var: str | None, covariates: Any, params: ParamSpec, known: ParamSpec,
            support: Any, timeout: float, latex_names: Any) -> ConditionalDerivation:
    cm = build_conditional(model, var=var, covariates=covariates, params=params, known=known,
                           support=support, latex_names=latex_names)
    warnings = list(cm.notes)
    ll = conditional_log_likelihood(cm)
    raw_scores = [sp.diff(ll.log_density, p) for p in cm.params]
    check_identifiable(cm, raw_scores)
    score = tuple(sp.diff(ll.expr, p) for p in cm.params)
    from .regression_matrix import derive_matrix, linear_design, use_matrix_form

    squares = _least_squares(cm, ll, None)
    design = None if squares is None else linear_design(cm, ll, squares)
    if use_matrix_form(design):  # no solve in the sums: it would not finish (module docstring)
        return derive_matrix(cm, ll, design, squares, score, warnings)
    mean = _mean(cm, raw_scores)
    summands = _summand_forms(cm, ll.log_density, mean)
    mle, reason = _solve(ll, score, seconds=min(10.0, timeout / 3), mean=mean)
    if mle is None:
        warnings.append(f"no closed form: {reason}")
    profile = _profiles(ll, score) if mle is not None else {}
    H = sp.hessian(ll.expr, cm.params)
    H_summand = sp.hessian(ll.log_density, cm.params).applyfunc(lambda e: sp.factor(sp.cancel(e)))
    order = second_order_check(cm, ll, H_summand, H, mle)
    if order.verdict == "disproven":
        warnings.append("the root of the likelihood equations is not a maximum: " + order.reason)
    info, info_how = information_given_covariates(cm, ll, H_summand, mean, seconds=min(8.0, timeout / 4))
    info_reason = prose_str(info_how)
    ses = None
    if info is not None:
        inv = _solve_matrix(info, sp.eye(len(cm.params)))
        if inv is not None:
            ses = {p: sp.sqrt(sp.factor(inv[j, j])) for j, p in enumerate(cm.params)}
    squares = _least_squares(cm, ll, mle)
    return ConditionalDerivation(cm, ll, score, summands, mean, mle, profile, reason, H,
                                 H_summand, order, info, info_reason, ses, squares,
                                 (order,), tuple(warnings),
                                 information_prose=() if isinstance(info_how, str) else info_how)
