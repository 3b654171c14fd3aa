"""Method-of-moments starting values for the numeric route.

Where the likelihood equations have no closed form, ``fit`` iterates Newton's method, and a
good start saves both time and the search over a grid of starts. The method of moments gives
one in closed form for many such models: with k parameters, equate the first k raw moments
E[Xʲ] (computed symbolically, each checked against quadrature) to the sample moments mⱼ and
solve for θ. Gamma: α̃ = m₁²/(m₂ − m₁²), β̃ = m₁/(m₂ − m₁²); beta; negative binomial; the
logistic location and scale. Where log x is a sufficient statistic, E[Xʲ] comes from a shift
of the parameters, without an integral (:func:`_moment_by_shift`: the beta's E[X] = a/(a + b),
whose integral SymPy takes ~10 s over). On a positive support where the raw moments give no
start, the moments of log x may (the Weibull). Where a moment does not exist (Cauchy),
involves a function with no closed-form inverse (Weibull: Γ(1 + 1/k)), or the equations have
no closed-form solution, :func:`moment_start` says why and the grid of starts is used instead.
Everything is bounded in time, and computed once per derivation (at its first fit), not during
``derive``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp

from .bounded import bounded
from .errors import DerivationTimeout

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation

__all__ = ["MomentStart", "moment_start"]

SECONDS = 2.0  # CPU seconds per moment, and for solving the moment equations (first fit only)


@dataclass(frozen=True)
class MomentStart:
    """The method-of-moments estimator, or why there is none.

    Attributes
    ----------
    moments
        The symbols ``m1, m2, ...`` standing for the sample moments (1/n) Σ xᵢʲ, or with
        ``of_log`` (1/n) Σ (log xᵢ)ʲ.
    roots
        Each root of the moment equations: parameter → expression in the ``m`` symbols (and
        the known constants). Several roots are evaluated at the data, and the one inside the
        parameter space is used.
    reason
        Why there is no method-of-moments start (``roots`` is then empty).
    """

    moments: tuple[sp.Symbol, ...]
    roots: tuple[dict[sp.Symbol, sp.Expr], ...]
    reason: str = ""
    of_log: bool = False  # the moments are of log x: E[(log X)ʲ] = (1/n) Σ (log xᵢ)ʲ


def moment_start(d: "Derivation", seconds: float = SECONDS) -> MomentStart:
    """Solve E[Xʲ] = mⱼ, j = 1..k, for the k parameters of ``d``'s model; where that fails
    on a support inside (0, ∞), E[(log X)ʲ] = mⱼ with the sample moments of log x (the
    Weibull's Γ(1 + 1/k) has no closed-form inverse, but E[log X] = log λ − γ/k and
    Var[log X] = π²/(6k²) solve at once). The reason given is the first route's.

    Examples
    --------
    >>> from symmle.derivation import derive
    >>> start = moment_start(derive("gamma"))
    >>> (root,) = start.roots
    >>> m1, m2 = start.moments
    >>> [sp.simplify(root[p] - want) for p, want in zip(root, (m1**2 / (m2 - m1**2),
    ...                                                         m1 / (m2 - m1**2)))]
    [0, 0]
    >>> moment_start(derive("cauchy")).reason
    'E[x] does not exist (the integral diverges)'
    """
    start = _solve_moments(d, seconds, of_log=False)
    supp = d.model.support
    if start.roots or supp.kind != "interval" or not (sp.sympify(supp.lower).is_nonnegative
                                                      and not d.model.support_depends_on_params):
        return start
    logs = _solve_moments(d, seconds, of_log=True)
    return logs if logs.roots else start


def _solve_moments(d: "Derivation", seconds: float, of_log: bool) -> MomentStart:
    from .information import _expectation

    ll, model = d.log_likelihood, d.model
    params = list(model.params)
    x = model.var
    ms = tuple(sp.Symbol(f"m{j}", real=True) for j in range(1, len(params) + 1))
    if model.support_depends_on_params:
        return MomentStart(ms, (), "the support moves with the parameters")
    equations = []
    for j, m in enumerate(ms, 1):
        h = sp.log(x) ** j if of_log else x ** j
        what = f"E[{h}]"
        try:
            moment = None if of_log else _moment_by_shift(d, j, seconds)
            if moment is None:
                moment = _expectation(ll, h, seconds)
        except DerivationTimeout:
            return MomentStart(ms, (), f"{what} was not found within {seconds:g} s")
        except (NotImplementedError, ValueError, TypeError, ZeroDivisionError) as exc:
            return MomentStart(ms, (), f"{what} was not found in closed form ({exc})")
        if moment.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
            return MomentStart(ms, (), f"{what} does not exist (the integral diverges)")
        if j == 2:  # the variance, E[X²] − E[X]² = m₂ − m₁²: often simpler, solved faster
            moment, m = sp.simplify(moment - first ** 2), m - ms[0] ** 2
        first = moment
        equations.append(sp.numer(sp.together(moment - m)))
    free = set().union(*(e.free_symbols for e in equations))
    unknowns = [p for p in params if p in free]
    if len(unknowns) < len(params):
        missing = ", ".join(str(p) for p in params if p not in free)
        return MomentStart(ms, (), f"the first {len(params)} moments do not involve {missing}")
    try:
        roots = bounded(sp.solve, equations, unknowns, dict=True, check=False, seconds=seconds,
                        what="solving the moment equations")
    except DerivationTimeout as exc:
        return MomentStart(ms, (), str(exc))
    except (NotImplementedError, ValueError, TypeError) as exc:
        return MomentStart(ms, (), f"the moment equations have no closed-form solution ({exc})")
    # without SymPy's checks (check=False: they took 2/3 of the time; a start is evaluated at the
    # data and kept only inside the parameter space), but a root free of the sample moments
    # (α = β = 0, where the equations' denominators vanish) is no estimator
    roots = [r for r in roots if set(r) == set(params)
             and not any(v.free_symbols & set(params) for v in r.values())
             and all(v.free_symbols & set(ms) for v in r.values())]
    if not roots:
        return MomentStart(ms, (), "the moment equations have no closed-form solution")
    return MomentStart(ms, tuple(roots), of_log=of_log)


def _moment_by_shift(d: "Derivation", j: int, seconds: float) -> sp.Expr | None:
    """E[Xʲ] without an integral, where log x is a sufficient statistic: with ℓ per
    observation Σₖ ηₖ(θ) hₖ(x) + A(θ) + c(x) and h₁ = log x, xʲ f(x; θ) is the density at
    the θ′ with η₁(θ′) = η₁(θ) + j (the other ηₖ unchanged) times e^{A(θ) − A(θ′)}, so
    E[Xʲ] = e^{A(θ) − A(θ′)}: a/(a + b) for the beta's E[X], whose integral SymPy takes ~10 s
    over. Only where θ′ is in the parameter space for every θ (else E[Xʲ] may not exist), and
    checked against quadrature at a typical point; ``None`` where it does not apply.

    Examples
    --------
    >>> from symmle.derivation import derive
    >>> a, b = derive("beta").model.params
    >>> _moment_by_shift(derive("beta"), 1, 5.0) == a / (a + b)
    True
    """
    from .information import _cross_check
    from .notation import N

    ll, model = d.log_likelihood, d.model
    x, params = model.var, list(model.params)
    stats = {s.symbol: sp.sympify(s.h) for s in ll.statistics}
    logs = [t for t, h in stats.items() if h == sp.log(x)]
    expr = sp.expand(ll.expr)
    if not logs or expr.has(sp.Sum) or model.support.kind != "interval":
        return None

    def work() -> sp.Expr | None:
        etas = {t: sp.diff(expr, t) for t in stats}
        rest = sp.expand((expr - sum(e * t for t, e in etas.items())) / N)
        if any(e.free_symbols & {*stats, N} for e in [*etas.values(), rest]):
            return None  # not linear in the statistics, or not n·A(θ)
        shifted = {p: sp.Dummy(p.name, **p.assumptions0) for p in params}
        equations = [sp.Eq(e.xreplace(shifted), e + (j if t == logs[0] else 0))
                     for t, e in etas.items() if e.has(*params)]
        roots = sp.solve(equations, list(shifted.values()), dict=True)
        if len(roots) != 1 or set(roots[0]) != set(shifted.values()):
            return None
        at = {p: roots[0][shifted[p]] for p in params}
        if not all(model.domains[p].contains(v) is True for p, v in at.items()):
            return None
        return sp.simplify(sp.gammasimp(sp.exp(rest - rest.xreplace(at))))
    moment = bounded(work, seconds=seconds, what=f"E[{x ** j}] by a shift of the parameters")
    if moment is None or moment.has(sp.loggamma, sp.log):
        return None
    try:
        _cross_check(model, x ** j * model.density, moment, seconds)
    except NotImplementedError:
        return None
    return moment
