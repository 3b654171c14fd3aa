"""Conditional models p(y | x, θ): regression, with the response ``y`` and covariates ``x``.

A conditional density is given like any other, with ``covariates`` naming the variables that are
observed but not modelled (``--covariate x``). The sample is (yᵢ, xᵢ), i = 1..n, independent
given the covariates, so ℓ(θ) = Σᵢ log f(yᵢ | xᵢ, θ). The same sufficient-statistic form as for
i.i.d. samples applies, with statistics that are sums of functions of (yᵢ, xᵢ): for Gaussian
linear regression Σyᵢ, Σxᵢyᵢ, Σxᵢ², ... and the normal equations are a finite linear system.
Terms in which the parameters and the data do not separate (logistic regression's
log(1 + e^{b0 + b1 xᵢ})) stay as sums over i: then there is no closed form and the derivation
gives the Newton (IRLS) update instead.

Examples
--------
>>> cm = build_conditional("exp(-(y - b*x)**2/2)/sqrt(2*pi)", var="y", covariates=["x"],
...                        params={"b": "real"}, support="real")
>>> cm.covariates, cm.params
((x,), (b,))
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp

from . import parsing
from .bounded import bounded
from .errors import (DerivationTimeout, ModelSpecError, NonIdentifiableError,
                     UnusedParameterError)
from .likelihood import Statistic, expand_log_proven, var_domain
from .model import Model, ParamSpec, build_model
from .notation import N, sample_sum
from .spaces import Domain, Support

__all__ = ["ConditionalModel", "ConditionalLogLikelihood", "build_conditional",
           "conditional_log_likelihood", "flat_direction", "describe_direction"]

REAL = Domain(-sp.oo, sp.oo, True, True)


@dataclass(frozen=True)
class ConditionalModel:
    """f(y | x, θ): a :class:`~symmle.model.Model` in the response, with covariates.

    The covariates are carried in ``base.known`` (as real constants) so that the model stage
    parses, declares and checks them like any other name; ``known`` leaves them out.

    Examples
    --------
    >>> cm = build_conditional("logistic_regression")
    >>> cm.var, cm.covariates, cm.discrete
    (y, (x,), True)
    """

    base: Model
    covariates: tuple[sp.Symbol, ...]
    name: str | None = None
    title: str | None = None
    parameterization: str | None = None

    density = property(lambda self: self.base.density)
    var = property(lambda self: self.base.var)
    params = property(lambda self: self.base.params)
    domains = property(lambda self: self.base.domains)
    support = property(lambda self: self.base.support)
    latex_names = property(lambda self: self.base.latex_names)
    notes = property(lambda self: self.base.notes)
    discrete = property(lambda self: self.base.discrete)

    @property
    def known(self) -> tuple[sp.Symbol, ...]:
        """Known constants other than the covariates."""
        return tuple(k for k in self.base.known if k not in self.covariates)

    @property
    def data_symbols(self) -> tuple[sp.Symbol, ...]:
        """The response, then the covariates."""
        return (self.base.var, *self.covariates)

    def describe(self) -> str:
        """One line: ``f(y | x; β₀, β₁) = ...``, in the model's names (σ² for ``sigma2``).

        Examples
        --------
        >>> build_conditional("exp(-(y - b*x)**2/2)/sqrt(2*pi)", var="y", covariates=["x"],
        ...                   params={"b": "real"}, support="real").describe()
        'f(y | x; b) = sqrt(2)*exp(-(y - b*x)^2/2)/(2*sqrt(pi))'
        """
        from .latex import names_of, text

        names = names_of(self.latex_names)
        given = ", ".join(text(s, names) for s in self.params)
        cov = ", ".join(text(c, names) for c in self.covariates)
        return f"f({text(self.var, names)} | {cov}; {given}) = {text(self.density, names)}"


def _covariate_names(covariates: Sequence[str] | str | None) -> list[str]:
    if covariates is None:
        return []
    if isinstance(covariates, str):
        covariates = [c for c in covariates.split(",") if c.strip()]
    out: list[str] = []
    for c in covariates:
        name, rest = parsing.parse_assignment(str(c).strip(), where="covariate")
        if rest is not None:
            raise ModelSpecError(f"a covariate is a name only, not {str(c)[:60]!r}",
                                 where="covariate")
        if name in out:
            raise ModelSpecError(f"covariate {name!r} is given twice", where="covariate")
        out.append(name)
    return out


def build_conditional(model: Any, *, var: str | None = None,
                      covariates: Sequence[str] | str | None = None, params: ParamSpec = None,
                      known: ParamSpec = None, support: "str | Support | None" = None,
                      latex_names: Mapping[str, str] | None = None) -> ConditionalModel:
    """Build a conditional model from a density string in the response ``var`` and the
    ``covariates``, or from a conditional catalog family (``"linear_regression"``).

    Raises
    ------
    ModelSpecError
        A covariate that is also the response, a parameter or a known constant, or that does
        not appear in the density.

    Examples
    --------
    >>> cm = build_conditional("exp(-mu)*mu**y/factorial(y)".replace("mu", "exp(b0 + b1*x)"),
    ...                        var="y", covariates=["x"], support="{0, 1, 2, ...}")
    >>> cm.params
    (b0, b1)
    """
    from . import families

    if isinstance(model, ConditionalModel):
        return model
    fam = families.conditional_family(model) if isinstance(model, str) else None
    if fam is not None:
        var, covariates = fam.var, list(covariates or fam.covariates)
        params, support = params or dict(fam.params), support or fam.support
        latex_names = latex_names or dict(fam.latex_names)
        known = known or (dict(fam.known) or None)
        model = fam.density
    names = _covariate_names(covariates)
    if not names:
        raise ModelSpecError("a conditional model needs at least one covariate (--covariate x)",
                             where="covariate")
    var_name = var or "y"
    known_specs: dict[str, Any] = {}
    if known is not None:
        from .model import _normalize_specs

        known_specs = dict(_normalize_specs(known, "known constant"))
    param_names = set()
    if params is not None:
        from .model import _normalize_specs

        param_names = set(_normalize_specs(params, "parameter"))
    for c in names:
        if c == var_name:
            raise ModelSpecError(f"{c!r} is the response; it cannot also be a covariate",
                                 where="covariate")
        if c in known_specs or c in param_names:
            raise ModelSpecError(f"{c!r} is declared both as a covariate and as a parameter or "
                                 "known constant", where="covariate")
    if isinstance(model, str) and params is None:
        for c in names:
            if c not in parsing.names_in(model):
                raise UnusedParameterError(f"covariate {c!r} does not appear in the density",
                                           where="density")
    try:
        base = build_model(model, var=var_name, params=params,
                           known={**{c: "real" for c in names}, **known_specs},
                           support=support, latex_names=latex_names)
    except UnusedParameterError as exc:
        for c in names:
            if f"'{c}'" in str(exc):
                raise UnusedParameterError(f"covariate {c!r} does not appear in the density",
                                           where="density") from None
        raise
    cov = tuple(base.symbol(c) for c in names)
    return ConditionalModel(base, cov, name=getattr(fam, "name", None),
                            title=getattr(fam, "title", None),
                            parameterization=getattr(fam, "parameterization", None))


# ---------------------------------------------------------------------------------------------
# the log-likelihood


@dataclass(frozen=True)
class DataStatistic(Statistic):
    """T = Σᵢ h(yᵢ, xᵢ): a statistic of the response and the covariates together."""

    data: tuple[sp.Symbol, ...] = ()

    @property
    def sum(self) -> sp.Expr:
        return sample_sum(self.h, self.data or self.var)


@dataclass(frozen=True)
class ConditionalLogLikelihood:
    """ℓ(θ) = Σᵢ log f(yᵢ | xᵢ, θ) in sufficient-statistic form.

    Attributes
    ----------
    model
        The conditional model.
    log_density
        log f(y | x, θ), logs split where positivity is proven (one observation).
    expr
        ℓ(θ) with statistic symbols; non-separable terms as ``Sum(..., (i, 1, n))``.
    statistics
        The sufficient statistics, each Σᵢ h(yᵢ, xᵢ).
    constant
        The part of ℓ free of θ, in sample notation.
    nonseparable
        Terms of log f in which the data and θ do not separate.
    """

    model: ConditionalModel
    log_density: sp.Expr
    expr: sp.Expr
    statistics: tuple[DataStatistic, ...]
    constant: sp.Expr
    nonseparable: tuple[sp.Expr, ...]

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return self.model.params

    @property
    def separable(self) -> bool:
        return not self.nonseparable

    def to_sample(self, expr: sp.Expr) -> sp.Expr:
        """Statistic symbols → their sums over the sample."""
        return sp.sympify(expr).xreplace({s.symbol: s.sum for s in self.statistics})

    def to_symbols(self, expr: sp.Expr) -> sp.Expr:
        """Sums over the sample that are statistics → their symbols (the reverse)."""
        return sp.sympify(expr).xreplace({s.sum: s.symbol for s in self.statistics})

    @property
    def sample_expr(self) -> sp.Expr:
        """ℓ(θ) in sample notation, constants included."""
        return self.to_sample(self.expr) + self.constant

    def sample(self, summand: sp.Expr) -> sp.Expr:
        """Σᵢ of a function of one observation (y, x) in sample notation."""
        return sample_sum(summand, self.model.data_symbols)


def data_domains(cm: ConditionalModel) -> dict[sp.Symbol, Domain]:
    """The domains of the parameters, the response (its support) and the covariates (real)."""
    domains = dict(cm.base.domains)
    domains[cm.var] = var_domain(cm.base)
    for c in cm.covariates:
        domains[c] = REAL
    return domains


def _tidy_logs(expr: sp.Expr, domains: Mapping[sp.Symbol, Domain]) -> sp.Expr:
    """``log(1 - 1/(1 + e^{-η}))`` → ``-η - log(1 + e^{-η})``: put the argument of a log over one
    denominator and split it again, so that the parts that separate do."""
    def tidy(node: sp.Expr) -> sp.Expr:
        if isinstance(node, sp.log) and isinstance(node.args[0], sp.Add):
            together = sp.factor(sp.together(node.args[0]))
            if together != node.args[0]:
                split = expand_log_proven(sp.log(together), domains, positive_argument=True)
                if not split.has(sp.log(together)):
                    return split
        return node
    return expr.replace(lambda e: isinstance(e, sp.log), tidy)


def _canonical_softplus(expr: sp.Expr) -> sp.Expr:
    """log(1 + e^{-u}) → log(1 + e^{u}) − u, so the linear predictor enters with its own sign."""
    def flip(node: sp.Expr) -> sp.Expr:
        arg = sp.powsimp(node.args[0])  # e^{-b0}·e^{-b1 x} → e^{-b0 - b1 x}
        if isinstance(arg, sp.Add) and len(arg.args) == 2 and sp.S.One in arg.args:
            e = next(a for a in arg.args if a != 1)
            if isinstance(e, sp.exp) and e.args[0].could_extract_minus_sign():
                u = -e.args[0]
                return sp.log(1 + sp.exp(sp.expand(u))) - u
        return node
    return expr.replace(lambda e: isinstance(e, sp.log), flip)


def _split(term: sp.Expr, params: set, data: set) -> tuple[sp.Expr, sp.Expr] | None:
    g, h = [], []
    for factor in sp.Mul.make_args(term):
        free = factor.free_symbols
        if free & data and free & params:
            return None
        (h if free & data else g).append(factor)
    return sp.Mul(*g), sp.Mul(*h)


def conditional_log_likelihood(cm: ConditionalModel) -> ConditionalLogLikelihood:
    """ℓ(θ) of a regression sample in sufficient-statistic form.

    Examples
    --------
    >>> cm = build_conditional("linear_regression")
    >>> ll = conditional_log_likelihood(cm)
    >>> [str(s.sum) for s in ll.statistics][:2]
    ['Sum(x[i], (i, 1, n))', 'Sum(x[i]**2, (i, 1, n))']
    """
    domains = data_domains(cm)
    logf = expand_log_proven(sp.log(cm.density), domains, positive_argument=True)
    logf = _canonical_softplus(_tidy_logs(logf, domains))
    # expand products and powers, but keep e^{b0 + b1 x} whole: it is the mean, not two factors
    logf = sp.expand(logf, power_exp=False, log=False)
    params, data = set(cm.params), set(cm.data_symbols)
    terms: list[sp.Expr] = []
    nonsep: list[sp.Expr] = []
    for top in sp.Add.make_args(logf):
        if _split(top, params, data) is not None:
            terms.append(top)
        else:
            nonsep.append(top)
    stats: dict[sp.Expr, sp.Symbol] = {}
    solve_expr = sp.Integer(0)
    constant = sp.Integer(0)
    for t in terms:
        g, h = _split(t, params, data)  # type: ignore[misc]
        if not g.free_symbols & params:
            constant += cm_sample(cm, t) if t.free_symbols & data else N * t
            continue
        if not h.free_symbols & data:
            solve_expr += N * t
            continue
        coeff = sp.Mul(*[f for f in sp.Mul.make_args(h) if not f.free_symbols & data])
        atom = sp.Mul(*[f for f in sp.Mul.make_args(h) if f.free_symbols & data])
        if atom not in stats:
            stats[atom] = sp.Symbol(f"_T{len(stats)}", real=True)
        solve_expr += g * coeff * stats[atom]
    nonsep_sum = sp.Add(*nonsep)
    if nonsep:
        solve_expr += cm_sample(cm, nonsep_sum)
    order = sorted(stats, key=sp.default_sort_key)
    rename = {stats[a]: sp.Symbol(f"_T{k}", real=True) for k, a in enumerate(order)}
    solve_expr = solve_expr.xreplace(rename)
    statistics = tuple(DataStatistic(rename[stats[a]], a, cm.var, cm.data_symbols) for a in order)
    return ConditionalLogLikelihood(cm, logf, solve_expr, statistics, constant, tuple(nonsep))


def cm_sample(cm: ConditionalModel, summand: sp.Expr) -> sp.Expr:
    """Σᵢ summand(yᵢ, xᵢ) in sample notation."""
    return sample_sum(summand, cm.data_symbols)


# ---------------------------------------------------------------------------------------------
# identifiability: a direction along which the score of every observation vanishes


def flat_direction(rows: np.ndarray, tol: float = 1e-9) -> np.ndarray | None:
    """A unit vector v with ``rows @ v ≈ 0`` (a flat direction of ℓ), or ``None``.

    ``rows`` holds one observation's score (or gradient of its mean) per row: when they all are
    orthogonal to v, moving θ along v changes no observation's likelihood.

    Examples
    --------
    >>> flat_direction(np.array([[1.0, 2.0], [3.0, 6.0]])).round(3).tolist()
    [-0.894, 0.447]
    >>> flat_direction(np.eye(2)) is None
    True
    """
    rows = np.asarray(rows, dtype=float)
    rows = rows[np.all(np.isfinite(rows), axis=1)]
    k = rows.shape[1]
    if rows.shape[0] < k:
        v = np.zeros(k)
        v[-1] = 1.0
        if rows.shape[0]:
            _, _, vt = np.linalg.svd(rows, full_matrices=True)
            v = vt[-1]
        return v
    scale = np.linalg.norm(rows, axis=0)
    scale[scale == 0] = 1.0
    _, s, vt = np.linalg.svd(rows / scale, full_matrices=False)
    if s[-1] > tol * max(s[0], 1e-300):
        return None
    v = vt[-1] / scale
    return v / np.linalg.norm(v)


def describe_direction(v: np.ndarray, params: Sequence[sp.Symbol]) -> sp.Expr:
    """The flat direction as ``c₁·dθ₁ + c₂·dθ₂``, coefficients made small integers or
    rationals where they are close to one.

    Examples
    --------
    >>> describe_direction(np.array([0.0, 0.7071, -0.7071]), sp.symbols("b0 b1 b2"))
    db1 - db2
    """
    v = np.asarray(v, dtype=float)
    v = v / np.max(np.abs(v))
    first = next(c for c in v if abs(c) > 1e-8)
    v = v * np.sign(first)
    out = sp.Integer(0)
    for c, p in zip(v, params):
        if abs(c) < 1e-8:
            continue
        coeff = sp.nsimplify(float(c), rational=True, tolerance=1e-6)
        if coeff.q > 12:
            coeff = sp.Float(float(c), 4)
        out += coeff * sp.Symbol(f"d{p.name}")
    return out


def _probe_values(cm: ConditionalModel, rng: random.Random) -> dict[sp.Symbol, float]:
    values: dict[sp.Symbol, float] = {}
    for p in (*cm.params, *cm.known):
        d = cm.base.domains[p]
        lo = float(d.lower) if d.lower.is_number and d.lower.is_finite else None
        hi = float(d.upper) if d.upper.is_number and d.upper.is_finite else None
        if lo is not None and hi is not None:
            values[p] = lo + (hi - lo) * rng.uniform(0.2, 0.8)
        elif lo is not None:
            values[p] = lo + rng.uniform(0.5, 2.0)
        elif hi is not None:
            values[p] = hi - rng.uniform(0.5, 2.0)
        else:
            values[p] = rng.uniform(-0.7, 0.7)
    return values


def _probe_response(cm: ConditionalModel, rng: random.Random) -> float:
    s = cm.support
    if s.discrete:
        if s.values:
            return float(rng.choice(list(s.values)))
        lo = int(s.lower) if s.lower.is_finite else 0
        hi = int(s.upper) if s.upper.is_finite else lo + 6
        return float(rng.randint(lo, hi))
    lo = float(s.lower) if s.lower.is_finite else None
    hi = float(s.upper) if s.upper.is_finite else None
    if lo is not None and hi is not None:
        return lo + (hi - lo) * rng.uniform(0.1, 0.9)
    if lo is not None:
        return lo + rng.uniform(0.2, 3.0)
    if hi is not None:
        return hi - rng.uniform(0.2, 3.0)
    return rng.uniform(-3.0, 3.0)


def check_identifiable(cm: ConditionalModel, score: Sequence[sp.Expr]) -> None:
    """Raise :class:`NonIdentifiableError` when the per-observation scores at random
    parameter values, responses and covariates all vanish along one direction.

    ``score`` is ∂ log f(y | x, θ)/∂θ for one observation. With y ~ N(b0 + b1·x + b2·x, σ²)
    every observation's score is orthogonal to (0, 1, −1, 0): the direction db1 − db2.
    """
    from .compile import numpy_fn

    args = [*cm.data_symbols, *cm.params, *cm.known]
    try:
        fn = numpy_fn(args, list(score))
    except Exception:  # noqa: BLE001 - a score NumPy cannot compile: no numeric verdict
        return
    rng = random.Random(20261122)
    k = len(cm.params)
    for _ in range(2):  # two parameter points: a singularity at one point only is not flatness
        theta = _probe_values(cm, rng)
        rows = []
        for _ in range(4 * k + 8):
            data = [_probe_response(cm, rng)] + [rng.gauss(0.0, 1.5) for _ in cm.covariates]
            with np.errstate(all="ignore"):
                rows.append([float(v) for v in fn(*data, *[theta[p] for p in
                                                           (*cm.params, *cm.known)])])
        v = flat_direction(np.array(rows), tol=1e-10)
        if v is None:
            return
    direction = describe_direction(v, cm.params)
    raise NonIdentifiableError(
        f"the model is not identifiable: the likelihood is flat along the direction "
        f"{direction} (moving the parameters along it changes no observation's density, for "
        f"any response and covariates)")


def bounded_simplify(expr: sp.Expr, seconds: float = 2.0) -> sp.Expr:
    """``sp.simplify`` under a time bound; the expression unchanged when it runs out."""
    try:
        return bounded(sp.simplify, expr, seconds=seconds, what="simplifying")
    except DerivationTimeout:
        return expr
