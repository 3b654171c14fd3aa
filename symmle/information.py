"""The information stage: expected and observed Fisher information, standard errors, invariance.

Expected information needs E[h_k(X)] only for the statistics whose coefficient survives two
derivatives. Those means come first from the score identity E[∂ log f/∂θ] = 0, a linear system
in the unknown means (no integral at all: E[X] = mp for the binomial, E[log X] = ψ(α) − log β
for the gamma); an integral or sum over the support, bounded in time, is the fallback. A
support that depends on θ breaks the regularity conditions: the information is then reported as
not applicable, with that reason.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .bounded import bounded
from .errors import DerivationTimeout
from .likelihood import LogLikelihood
from .notation import N
from .spaces import piecewise_branch

__all__ = ["Information", "expected_information", "standard_errors", "invariance"]


@dataclass(frozen=True)
class Information:
    """Fisher information of one observation and what follows from it.

    Attributes
    ----------
    expected
        I(θ) per observation (n·I(θ) for the sample), or ``None`` with ``reason``.
    reason
        How it was obtained, or why not.
    means
        E[h_k(X)] for the statistics used, keyed by the statistic symbol.
    """

    expected: sp.Matrix | None
    reason: str
    means: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)


def _simplify(expr: sp.Expr, seconds: float) -> sp.Expr:
    try:
        return bounded(sp.simplify, expr, seconds=seconds, what="simplifying")
    except DerivationTimeout:
        return sp.cancel(expr)


def expected_information(ll: LogLikelihood, hessian: sp.Matrix, seconds: float = 10.0
                         ) -> Information:
    """I(θ) = −E[∂² log f(X | θ)] for one observation.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> ll = log_likelihood(build_model("poisson"))
    >>> expected_information(ll, sp.hessian(ll.expr, ll.params)).expected
    Matrix([[1/lambda]])
    """
    model = ll.model
    if model.support_depends_on_params:
        return Information(None, "not applicable: the support depends on the parameter, so the "
                           "regularity conditions fail (the score does not have mean zero)")
    rough = _nonsmooth_terms(ll)
    if rough:
        return _outer_product_information(ll, rough[0], seconds)
    needed = sorted({t for t in hessian.free_symbols if t in {s.symbol for s in ll.statistics}},
                    key=sp.default_sort_key)
    means, how = _means_from_score(ll, needed, seconds)
    missing = [t for t in needed if t not in means]
    for t in missing:
        stat = next(s for s in ll.statistics if s.symbol == t)
        try:
            means[t] = _expectation(ll, stat.h, seconds)
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError) as exc:
            return Information(None, f"E[{stat.h}] was not found in closed form ({exc})")
        how = "by integrating over the support" if not how else how + " and by integration"
    per_obs = hessian.xreplace({t: N * m for t, m in means.items()}) / N
    if per_obs.has(sp.Sum):
        try:
            per_obs = per_obs.applyfunc(lambda e: _expect_sums(ll, e, seconds))
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError) as exc:
            return Information(None, f"the expectation of the non-separable terms was not found "
                               f"in closed form ({exc}); the fit uses the observed information",
                               means)
        how = (how + "; " if how else "") + "non-separable terms integrated over the support"
    info = (-per_obs).applyfunc(lambda e: _simplify(sp.expand(e), seconds / 2))
    if info.has(sp.Integral, sp.Sum, sp.Piecewise):
        return Information(None, "the expectation was not found in closed form; the fit uses the "
                           "observed information", means)
    return Information(info, how or "the second derivatives do not involve the data", means)


_NONSMOOTH = (sp.Abs, sp.sign, sp.Max, sp.Min, sp.floor, sp.ceiling, sp.Piecewise, sp.Heaviside)


def _nonsmooth_terms(ll: LogLikelihood) -> list[sp.Expr]:
    """Terms of log f with |·|, max, min, floor, ... of something that involves a parameter."""
    params = set(ll.params)
    out = []
    for term in sp.Add.make_args(ll.log_density):
        for node in sp.preorder_traversal(term):
            if isinstance(node, _NONSMOOTH) and node.free_symbols & params:
                out.append(term)
                break
    return out


def _outer_product_information(ll: LogLikelihood, rough: sp.Expr, seconds: float) -> Information:
    """I(θ) = E[s sᵀ] with s the score of one observation, for log densities that are
    differentiable only almost everywhere (|x − μ|): there −E[∂² log f] misses the kink."""
    why = (f"log f is not twice differentiable in the parameters ({rough}), so the information "
           "is the variance of the score, E[s sᵀ]")
    score = [sp.diff(ll.log_density, p).replace(sp.DiracDelta, lambda *a: sp.Integer(0))
             for p in ll.params]
    k = len(score)
    info = sp.zeros(k, k)
    try:
        for a in range(k):
            for b in range(a, k):
                body = (score[a] * score[b]).rewrite(sp.Piecewise)
                value = _expectation(ll, body, seconds, piecewise=True)
                info[a, b] = info[b, a] = value
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError) as exc:
        return Information(None, f"{why}, which was not found in closed form ({exc}); the fit "
                           "uses the observed information")
    return Information(info, why)


def _means_from_score(ll: LogLikelihood, needed: list[sp.Symbol], seconds: float
                      ) -> tuple[dict[sp.Symbol, sp.Expr], str]:
    """Solve E[score] = 0 for the means of the statistics (exact when it has a unique solution)."""
    if not needed or ll.nonseparable:
        return {}, ""
    stats = [s.symbol for s in ll.statistics]
    mean_syms = {t: sp.Dummy(f"m_{t.name}") for t in stats}
    equations = [sp.expand(sp.diff(ll.expr, p).xreplace({t: N * m for t, m in mean_syms.items()}))
                 for p in ll.params]
    try:
        sol = bounded(sp.solve, equations, list(mean_syms.values()), dict=True, seconds=seconds,
                      what="solving E[score] = 0 for the means")
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
        return {}, ""
    if len(sol) != 1:
        return {}, ""
    out = {}
    for t in needed:
        value = sol[0].get(mean_syms[t])
        if value is not None and not (value.free_symbols & set(mean_syms.values())):
            out[t] = value
    return out, "from the score identity E[∂ℓ/∂θ] = 0" if out else ""


def _density_measure(ll: LogLikelihood, integrand: sp.Expr, seconds: float,
                     piecewise: bool = False) -> sp.Expr:
    model = ll.model
    x, s = model.var, model.support
    density = model.density.rewrite(sp.Piecewise) if piecewise else model.density
    body = integrand * density
    if s.kind == "finite":
        return sp.Add(*[body.subs(x, v) for v in s.values])
    if s.kind == "integers":
        result = bounded(sp.summation, body, (x, s.lower, s.upper), seconds=seconds,
                         what=f"the sum of {integrand} times the pmf")
    else:
        body, x = _shift_location(body, x, model.params, s)
        result = bounded(sp.integrate, body, (x, s.lower, s.upper), seconds=seconds,
                         what=f"the integral of {integrand} times the density")
    result = piecewise_branch(result, model.domains)
    if result is None:
        raise NotImplementedError("SymPy's result depends on conditions it cannot decide")
    if result.has(sp.Integral, sp.Sum):
        raise NotImplementedError("SymPy left the integral unevaluated")
    return result


def _shift_location(body: sp.Expr, x: sp.Symbol, params: tuple, support) -> tuple:
    """On the whole real line, substitute x = z + θ for a location parameter θ (one that then
    disappears from the integrand): the integral no longer depends on θ, and SymPy finds it."""
    if not (support.lower == -sp.oo and support.upper == sp.oo):
        return body, x
    z = sp.Symbol("_z", real=True)
    for p in params:
        if p not in body.free_symbols:
            continue
        shifted = body.xreplace({x: z + p})
        if p not in shifted.free_symbols:
            return shifted, z
    return body, x


def _expectation(ll: LogLikelihood, h: sp.Expr, seconds: float, piecewise: bool = False,
                 ) -> sp.Expr:
    return _simplify(_density_measure(ll, h, seconds, piecewise), seconds / 2)


def _expect_sums(ll: LogLikelihood, expr: sp.Expr, seconds: float) -> sp.Expr:
    """Replace each Σ_i r(x_i) in ``expr`` by n·E[r(X)]."""
    x = ll.model.var
    reps = {}
    for s in expr.atoms(sp.Sum):
        body = s.function.xreplace({sp.IndexedBase(x.name)[s.limits[0][0]]: x})
        reps[s] = N * _expectation(ll, body, seconds)
    return expr.xreplace(reps)


def standard_errors(ll: LogLikelihood, info: sp.Matrix, seconds: float = 5.0
                    ) -> dict[sp.Symbol, sp.Expr] | None:
    """Asymptotic standard errors sqrt([(n I(θ))⁻¹]_jj), written in θ (evaluate at θ̂)."""
    try:
        inverse = bounded(lambda m: (N * m).inv(), info, seconds=seconds,
                          what="inverting the Fisher information")
    except (DerivationTimeout, ValueError, ZeroDivisionError):  # NonInvertibleMatrixError is a ValueError
        return None
    return {p: _simplify(sp.sqrt(inverse[j, j]), seconds / 2) for j, p in enumerate(ll.params)}


def invariance(ll: LogLikelihood, g: sp.Expr, mle: dict[sp.Symbol, sp.Expr] | None,
               info: sp.Matrix | None, seconds: float = 5.0) -> tuple[sp.Expr | None, sp.Expr | None]:
    """MLE of g(θ) by invariance, g(θ̂), and its delta-method standard error (in θ)."""
    g_hat = None if mle is None else g.xreplace(mle)
    if info is None:
        return g_hat, None
    try:
        inverse = bounded(lambda m: (N * m).inv(), info, seconds=seconds,
                          what="inverting the Fisher information")
    except (DerivationTimeout, ValueError, ZeroDivisionError):
        return g_hat, None
    grad = sp.Matrix([sp.diff(g, p) for p in ll.params])
    var = (grad.T * inverse * grad)[0, 0]
    return g_hat, _simplify(sp.sqrt(var), seconds / 2)
