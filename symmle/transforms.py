"""Exact expectations for densities of the form |g'(x)|·e^{−g(x)} (Weibull, Gumbel, exponential).

Substituting u = g(x), where g maps the support onto (0, ∞), turns E[h(X)] into
∫₀^∞ h(x(u)) e^{−u} du; a term c·u^a·log(u)^m of the integrand then integrates to
c·Γ⁽ᵐ⁾(a + 1), the m-th derivative of the gamma function, which brings in Euler's γ and π²/6
exactly. SymPy's integrate does not find these (and once returned a complex value for a real
Gumbel integral); the caller cross-checks every value with quadrature all the same.
"""
from __future__ import annotations

import functools

import sympy as sp

from .notation import nonzero_somewhere

__all__ = ["exponential_transform", "gamma_moment", "expectation_by_transform"]


def exponential_transform(density: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """g with density = ±g'(x)·e^{−g(x)}, or None.

    Examples
    --------
    >>> x, k, lam = sp.symbols("x k lambda", positive=True)
    >>> exponential_transform(k / lam * (x / lam)**(k - 1) * sp.exp(-(x / lam)**k), x)
    (x/lambda)**k
    """
    for node in sp.preorder_traversal(density):
        if not isinstance(node, sp.exp):
            continue
        exponent = node.args[0]
        for g in (-exponent, *[-t for t in sp.Add.make_args(exponent)]):
            if x not in g.free_symbols:
                continue
            slope = sp.diff(g, x)
            # a difference that is not 0 at one admissible point is not 0: simplify (sound on
            # the symbols' assumptions) is asked only about the candidates that may be
            signs = [s for s in (1, -1)
                     if not nonzero_somewhere(density * sp.exp(g) - s * slope)]
            if not signs:
                continue
            rest = sp.simplify(density * sp.exp(g))
            if any(sp.simplify(rest - s * slope) == 0 for s in signs):
                return g
    return None


def gamma_moment(expr: sp.Expr, u: sp.Symbol) -> sp.Expr | None:
    """∫₀^∞ expr(u)·e^{−u} du for a sum of terms c·u^a·log(u)^m (a > −1); None otherwise.

    Examples
    --------
    >>> u = sp.Symbol("u", positive=True)
    >>> gamma_moment(sp.log(u)**2, u)
    EulerGamma**2 + pi**2/6
    """
    s = sp.Symbol("_s", positive=True)
    total = sp.Integer(0)
    for term in sp.Add.make_args(sp.expand(sp.expand_log(expr))):
        coeff, power, logs = sp.Integer(1), sp.Integer(0), 0
        for f in sp.Mul.make_args(term):
            if f == u:
                power += 1
            elif isinstance(f, sp.Pow) and f.base == u and u not in f.exp.free_symbols:
                power += f.exp
            elif isinstance(f, sp.log) and f.args[0] == u:
                logs += 1
            elif (isinstance(f, sp.Pow) and isinstance(f.base, sp.log) and f.base.args[0] == u
                  and f.exp.is_Integer and f.exp > 0):
                logs += int(f.exp)
            elif u in f.free_symbols:
                return None
            else:
                coeff *= f
        if (power + 1).is_positive is not True:
            return None
        total += coeff * sp.diff(sp.gamma(s), s, logs).subs(s, power + 1)
    return sp.simplify(total)


def expectation_by_transform(h: sp.Expr, density: sp.Expr, x: sp.Symbol, lower: sp.Expr,
                             upper: sp.Expr) -> sp.Expr | None:
    """E[h(X)] through u = g(x) when the density is |g'|e^{−g} and g maps (lower, upper) onto
    (0, ∞); None when the form does not apply."""
    inverse = _inverse_transform(density, x, lower, upper)
    if inverse is None:
        return None
    u, root = inverse
    return gamma_moment(h.xreplace({x: root}), u)


@functools.lru_cache(maxsize=64)
def _inverse_transform(density: sp.Expr, x: sp.Symbol, lower: sp.Expr, upper: sp.Expr
                       ) -> tuple[sp.Symbol, sp.Expr] | None:
    """(u, x(u)) for the transform u = g(x) of :func:`expectation_by_transform`, or None.

    It depends on the density alone, and the information asks for one expectation per
    statistic: found once (a call that is interrupted caches nothing)."""
    g = exponential_transform(density, x)
    if g is None:
        return None
    ends = {sp.limit(g, x, lower, "+"), sp.limit(g, x, upper, "-")}
    if ends != {sp.Integer(0), sp.oo}:
        return None
    u = sp.Symbol("_u", positive=True)
    roots = sp.solve(sp.Eq(g, u), x)
    if len(roots) != 1:
        return None
    return u, roots[0]
