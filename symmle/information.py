"""The information stage: expected and observed Fisher information, standard errors, invariance.

Expected information needs E[h_k(X)] only for the statistics whose coefficient survives two
derivatives. Those means come first from the score identity E[∂ log f/∂θ] = 0, a linear system
in the unknown means (no integral at all: E[X] = mp for the binomial, E[log X] = ψ(α) − log β
for the gamma); an integral or sum over the support, bounded in time, is the fallback. A
support that depends on θ breaks the regularity conditions: the information is then reported as
not applicable, with that reason.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .bounded import bounded
from .errors import DerivationTimeout
from . import probe
from .likelihood import LogLikelihood
from .model import Model
from .latex import Inline, Prose, prose_str
from .notation import N, is_rational
from .spaces import piecewise_branch
from .transforms import expectation_by_transform

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
    prose
        The reason as prose parts, its mathematics as SymPy objects and :class:`Inline`
        fragments (for rendering); empty when ``reason`` has no mathematics.
    """

    expected: sp.Matrix | None
    reason: str
    prose: Prose = ()

    @classmethod
    def of(cls, expected: sp.Matrix | None, parts: Prose) -> "Information":
        """The information with its reason given as prose parts."""
        return cls(expected, prose_str(parts), tuple(parts))


SCORE_IDENTITY = Inline(r"\operatorname{E}\left[\frac{\partial \ell}{\partial \theta}\right] = 0",
                        "E[∂ℓ/∂θ] = 0")
SCORE_OUTER = Inline(r"\operatorname{E}\left[s s^{T}\right]", "E[s sᵀ]")


def _simplify(expr: sp.Expr, seconds: float) -> sp.Expr:
    try:
        return bounded(sp.simplify, expr, seconds=seconds, what="simplifying")
    except DerivationTimeout:
        return sp.cancel(expr)


def _normal(expr: sp.Expr) -> sp.Expr:
    """The entry as simplify is given it: a ratio of polynomials cancelled to p/q (what simplify
    does first itself, but on a sum of many fractions -- a table pmf's -- far more slowly);
    anything else expanded, so that terms which cancel disappear."""
    return sp.cancel(expr) if is_rational(expr) else sp.expand(expr)


def _tidy(expr: sp.Expr, seconds: float) -> sp.Expr:
    """cancel and factor under a square root (much cheaper than simplify on polygammas)."""
    def run(e: sp.Expr) -> sp.Expr:
        if isinstance(e, sp.Pow) and e.exp == sp.S.Half:
            return sp.sqrt(sp.factor(sp.cancel(e.base)))
        return sp.factor(sp.cancel(e))
    try:
        return bounded(run, expr, seconds=seconds, what="tidying")
    except DerivationTimeout:
        return expr


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
    # E[H]/n with each statistic T_k replaced by n·m_k, m_k = E[h_k(X)]; then the means (or
    # combinations of them) that the score identity fixes; what is left is integrated
    mean_syms = {s.symbol: sp.Dummy(f"m{j}") for j, s in enumerate(ll.statistics)}
    per_obs = hessian.xreplace({t: N * m for t, m in mean_syms.items()}) / N
    relations, how = _means_from_score(ll, mean_syms, seconds)
    # expand so that means which cancel disappear; sums over i keep their form (x − θ) for the
    # location shift below
    per_obs = per_obs.xreplace(relations).applyfunc(
        lambda e: e if e.has(sp.Sum) else sp.expand(e))
    integrated = False
    for t, m in mean_syms.items():
        if not per_obs.has(m):
            continue
        stat = next(s for s in ll.statistics if s.symbol == t)
        try:
            value = _expectation(ll, stat.h, seconds)
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError) as exc:
            return Information(None, f"E[{stat.h}] was not found in closed form ({exc})")
        per_obs = per_obs.xreplace({m: value})
        integrated = True
    if integrated:  # said once, however many means were found this way
        summed = ll.model.support.kind != "interval"
        how = ((f"by {'summing' if summed else 'integrating'} over the support",) if not how
               else (*how, f" and by {'summation' if summed else 'integration'}"))
    if per_obs.has(sp.Sum):
        try:  # each such integral gets at most 8 s: when SymPy can do one, it is quick
            found: dict[sp.Sum, sp.Expr] = {}  # the Hessian is symmetric: each sum once
            per_obs = per_obs.applyfunc(lambda e: _expect_sums(ll, e, min(seconds, 8.0), found))
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError) as exc:
            return Information(None, f"the expectation of the non-separable terms was not found "
                               f"in closed form ({exc}); the fit uses the observed information",
                               )
        how = (*how, "; " if how else "", "non-separable terms integrated over the support")
    info = (-per_obs).applyfunc(lambda e: _simplify(_normal(e), seconds / 2))
    if info.has(sp.Integral, sp.Sum, sp.Piecewise):
        return Information(None, "the expectation was not found in closed form; the fit uses the "
                           "observed information")
    return Information.of(info, how or ("the second derivatives do not involve the data",))


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
    why = ("log f is not twice differentiable in the parameters (the term ", rough, "), so the "
           "information is the variance of the score, ", SCORE_OUTER)
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
        return Information.of(None, (*why, f", which was not found in closed form ({exc}); the "
                                       "fit uses the observed information"))
    return Information.of(info, why)


def _means_from_score(ll: LogLikelihood, mean_syms: dict[sp.Symbol, sp.Dummy], seconds: float,
                      ) -> tuple[dict[sp.Dummy, sp.Expr], Prose]:
    """Solve E[score] = 0 for the means ``mean_syms`` of the statistics.

    There is one equation per parameter, so some means may stay free while the combination the
    Hessian needs is still fixed (E[Σ(x − μ)²] for the normal variance): the caller substitutes
    the returned relations and integrates only the means that are left.
    """
    if ll.nonseparable or not mean_syms:
        return {}, ()
    equations = [sp.expand(sp.diff(ll.expr, p).xreplace({t: N * m for t, m in mean_syms.items()}))
                 for p in ll.params]
    try:
        sol = bounded(sp.solve, equations, list(mean_syms.values()), dict=True, seconds=seconds,
                      what="solving E[score] = 0 for the means")
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
        return {}, ()
    if len(sol) != 1:
        return {}, ()
    return sol[0], ("from the score identity ", SCORE_IDENTITY)


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
        result = None
        if not piecewise:
            try:
                result = bounded(expectation_by_transform, integrand, model.density, x, s.lower,
                                 s.upper, seconds=seconds, what="the exponential transform")
            except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
                result = None
        if result is None:
            shifted, z = _shift_location(body, x, model.params, s)
            result = _integrate(shifted, z, s.lower, s.upper, seconds,
                                f"the integral of {integrand} times the density")
    result = piecewise_branch(result, model.domains)
    if result is None:
        raise NotImplementedError("SymPy's result depends on conditions it cannot decide")
    if result.has(sp.Integral, sp.Sum):
        raise NotImplementedError("SymPy left the integral unevaluated")
    if result.has(sp.I):
        raise NotImplementedError(f"SymPy gave a complex value ({result}) for a real expectation")
    _cross_check(model, body, result, seconds)
    return result


def _cross_check(model: Model, body: sp.Expr, result: sp.Expr, seconds: float) -> None:
    """Compare a symbolic sum/integral with mpmath at a typical parameter point: SymPy's
    integrate has returned wrong values (a complex number for a real Gumbel integral)."""
    from .normalization import parameter_points, numeric_total

    points = parameter_points(model, 1)
    if not points:
        return
    point = points[0]
    try:
        smooth = not body.has(sp.Piecewise, sp.Abs, sp.sign, sp.Heaviside)  # no kink: floats do
        numeric = bounded(numeric_total, model, body, point, smooth, seconds=min(seconds, 2.0),
                          what="the numeric check of an expectation")
    except DerivationTimeout:
        return
    symbolic = probe.to_float(result.subs(point))
    if numeric is None or symbolic is None:
        return
    if smooth and abs(symbolic - numeric) > 1e-6 * max(1.0, abs(numeric)):
        # the float Gauss–Legendre rule misses an integrable singularity at an end (x^(k−1)
        # log x of the Weibull with k < 1): mpmath's tanh–sinh rule decides
        try:
            numeric = bounded(numeric_total, model, body, point, False, seconds=min(seconds, 2.0),
                              what="the numeric check of an expectation")
        except DerivationTimeout:
            return
        if numeric is None:
            return
    if abs(symbolic - numeric) > 1e-6 * max(1.0, abs(numeric)):
        raise NotImplementedError(f"SymPy's value {result} disagrees with numeric quadrature "
                                  f"({symbolic:.10g} against {numeric:.10g} at "
                                  + ", ".join(f"{k} = {v}" for k, v in point.items()) + ")")


def _integrate(body: sp.Expr, z: sp.Symbol, lower: sp.Expr, upper: sp.Expr, seconds: float,
               what: str) -> sp.Expr:
    """∫ body dz over (lower, upper), within ``seconds``; a ratio of polynomials in z (the Cauchy
    family's terms) is split into partial fractions first, which SymPy integrates about five
    times faster than the fraction as the Hessian writes it. A split that does not give a
    finite value (terms that diverge one by one), or not within half the time, is set aside
    for the integral of ``body`` itself, in what is left of the time."""
    def run() -> sp.Expr:
        if body.is_rational_function(z):
            try:
                value = bounded(lambda: sp.integrate(sp.apart(sp.cancel(body), z),
                                                     (z, lower, upper)),
                                seconds=seconds / 2, what=what + " (in partial fractions)")
                if value.is_finite is not False and not value.has(sp.Integral, sp.nan, sp.zoo):
                    return value
            except (DerivationTimeout, sp.PolynomialError, NotImplementedError, ValueError,
                    TypeError):
                pass
        return sp.integrate(body, (z, lower, upper))
    return bounded(run, seconds=seconds, what=what)


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


def _expect_sums(ll: LogLikelihood, expr: sp.Expr, seconds: float,
                 found: dict[sp.Sum, sp.Expr] | None = None) -> sp.Expr:
    """Replace each Σ_i r(x_i) in ``expr`` by n·E[r(X)]; ``found`` keeps the values already
    computed (for the other entries of the same matrix)."""
    x = ll.model.var
    found = {} if found is None else found
    for s in expr.atoms(sp.Sum):
        if s not in found:
            body = s.function.xreplace({sp.IndexedBase(x.name)[s.limits[0][0]]: x})
            found[s] = N * _expectation(ll, body, seconds)
    return expr.xreplace({s: found[s] for s in expr.atoms(sp.Sum)})


def standard_errors(ll: LogLikelihood, info: sp.Matrix, seconds: float = 5.0
                    ) -> dict[sp.Symbol, sp.Expr] | None:
    """Asymptotic standard errors sqrt([(n I(θ))⁻¹]_jj), written in θ (evaluate at θ̂)."""
    try:
        inverse = _inverse(ll, info, seconds)
    except (DerivationTimeout, ValueError, ZeroDivisionError):  # NonInvertibleMatrixError is a ValueError
        return None
    domains = {s: ll.model.domains[s] for s in (*ll.params, *ll.model.known)}
    return {p: _without_abs(_tidy(sp.sqrt(inverse[j, j]), seconds / 2), domains, seconds / 4)
            for j, p in enumerate(ll.params)}


def _inverse(ll: LogLikelihood, info: sp.Matrix, seconds: float) -> sp.Matrix:
    """(n I(θ))⁻¹ as adj(n I)/det(n I), both division-free (Berkowitz); SymPy's Gauss–Jordan
    inverse simplifies at every pivot (1.7 s for the 2 × 2 Lomax information, against 0.03 s).
    The entries differ only in how they are written: the callers cancel and factor them.

    Raises ValueError when the determinant is zero: it is not when it is numerically away from
    0 at a typical parameter point, or else when simplify does not make it 0 (the test the
    pivots of Gauss–Jordan elimination make)."""
    def run(m: sp.Matrix) -> sp.Matrix:
        scaled = N * m
        det = sp.cancel(scaled.det(method="berkowitz"))
        if det == 0 or not (_nonzero_at_a_point(ll.model, det) or sp.simplify(det) != 0):
            raise ValueError("the Fisher information is singular")
        return scaled.adjugate(method="berkowitz").applyfunc(lambda e: e / det)
    return bounded(run, info, seconds=seconds, what="inverting the Fisher information")


def _nonzero_at_a_point(model: Model, value: sp.Expr) -> bool:
    """Whether ``value`` (in the parameters and n) is numerically away from 0 at one of the
    model's typical parameter points, with n = 10: a proof that it is not identically zero."""
    from .normalization import parameter_points

    for point in parameter_points(model):
        number = probe.to_float(value.subs({**point, N: 10}))
        if number is not None:
            return abs(number) > 1e-9
    return False


def _without_abs(expr: sp.Expr, domains: dict, seconds: float) -> sp.Expr:
    """|a| → a or −a where the sign of a is proven on the parameter space: the square root of
    (1 − θ)² is 1 − θ for θ in (0, 1), not |θ − 1|. Unchanged when that runs out of time."""
    from .spaces import prove_sign

    def unwrap(a: sp.Expr) -> sp.Expr:
        if prove_sign(a, domains, "positive") is True:
            return a
        if prove_sign(a, domains, "negative") is True:
            return -a
        return sp.Abs(a)
    if not expr.has(sp.Abs):
        return expr
    try:
        return bounded(lambda: expr.replace(lambda e: isinstance(e, sp.Abs),
                                            lambda e: unwrap(e.args[0])),
                       seconds=seconds, what="signs under the square root")
    except DerivationTimeout:
        return expr


def _shorter(expr: sp.Expr, seconds: float) -> sp.Expr:
    """``expr`` cancelled when that is shorter (θ̂/(1 + θ̂) with θ̂ = x̄/(m − x̄) is x̄/m)."""
    try:
        cancelled = bounded(sp.cancel, expr, seconds=seconds, what="cancelling")
    except (DerivationTimeout, sp.PolynomialError):
        return expr
    return cancelled if sp.count_ops(cancelled) < sp.count_ops(expr) else expr


def invariance(ll: LogLikelihood, g: sp.Expr, mle: dict[sp.Symbol, sp.Expr] | None,
               info: sp.Matrix | None, seconds: float = 5.0) -> tuple[sp.Expr | None, sp.Expr | None]:
    """MLE of g(θ) by invariance, g(θ̂), and its delta-method standard error (in θ)."""
    g_hat = None if mle is None else _shorter(g.xreplace(mle), seconds / 4)
    if info is None:
        return g_hat, None
    try:
        inverse = _inverse(ll, info, seconds)
    except (DerivationTimeout, ValueError, ZeroDivisionError):
        return g_hat, None
    grad = sp.Matrix([sp.diff(g, p) for p in ll.params])
    var = (grad.T * inverse * grad)[0, 0]
    return g_hat, _tidy(sp.sqrt(var), seconds / 2)
