"""Sample notation: sums over the observations, and deciding when two such expressions agree.

The engine solves with plain symbols ``T_k`` standing for sufficient statistics
``T_k = Σ_i h_k(x_i)``; people read and write the sums themselves. Sample notation uses one
:class:`~sympy.IndexedBase` ``x``, the index ``i`` and the sample size ``n``:
``Sum(log(x[i]), (i, 1, n))``. :func:`linearize` rewrites any expression with such sums so that
every sum is *atomic* (summand with no factor free of ``i``, no numeric coefficient, not a sum
itself), which makes structural comparison a sound test of equality: Σ(x_i − x̄)² and
Σx_i² − (Σx_i)²/n linearize to the same thing.

Examples
--------
>>> a = Sum((X[I] - Sum(X[I], (I, 1, N)) / N) ** 2, (I, 1, N)) / N
>>> b = Sum(X[I] ** 2, (I, 1, N)) / N - (Sum(X[I], (I, 1, N)) / N) ** 2
>>> equivalent(a, b)
True
"""
from __future__ import annotations

import math
from typing import Mapping

import sympy as sp
from sympy import Sum

X = sp.IndexedBase("x")
I = sp.Symbol("i", integer=True, positive=True)
N = sp.Symbol("n", integer=True, positive=True)


def order_statistics(var: sp.Symbol, assumptions: dict | None = None) -> tuple[sp.Symbol, sp.Symbol]:
    """The symbols for min_i x_i and max_i x_i (x₍₁₎ and x₍ₙ₎), named ``x_min`` and ``x_max``
    after the observation variable, with the support's assumptions.

    Examples
    --------
    >>> order_statistics(sp.Symbol("x"))
    (x_min, x_max)
    """
    assumptions = assumptions or {"real": True}
    return (sp.Symbol(f"{var.name}_min", **assumptions),
            sp.Symbol(f"{var.name}_max", **assumptions))

def median_statistic(var: sp.Symbol, assumptions: dict | None = None) -> sp.Symbol:
    """The symbol for the sample median of the observations, named ``x_med`` after the
    observation variable (printed x̃): the middle order statistic for odd n, the midpoint of the
    two middle ones for even n.

    Examples
    --------
    >>> median_statistic(sp.Symbol("x"))
    x_med
    """
    return sp.Symbol(f"{var.name}_med", **(assumptions or {"real": True}))


__all__ = ["X", "I", "N", "order_statistics", "median_statistic", "sample_sum", "linearize", "equivalent", "atomic_sums", "to_symbols",
           "realify", "is_rational", "nonzero_somewhere"]


def realify(expr: sp.Expr) -> sp.Expr:
    """Observations are real: SymPy, not knowing that ``x[i]`` is, differentiates |θ − x_i| to
    (θ − re(x_i))·sign(θ − x_i)/(θ − x_i). Here re(x_i) → x_i, im(x_i) → 0, the derivative of a
    sign → 0 (almost everywhere), and each sum's body is cancelled: −sign(θ − x_i)/b.

    Examples
    --------
    >>> mu, b = sp.symbols("mu b", positive=True)
    >>> realify(sp.diff(Sum(-sp.Abs(mu - X[I]) / b, (I, 1, N)), mu))
    Sum(-sign(mu - x[i])/b, (i, 1, n))
    """
    if not expr.has(sp.re, sp.im, sp.Derivative):
        return expr
    expr = expr.replace(lambda a: isinstance(a, sp.re) and isinstance(a.args[0], sp.Indexed),
                        lambda a: a.args[0])
    expr = expr.replace(lambda a: isinstance(a, sp.im) and isinstance(a.args[0], sp.Indexed),
                        lambda a: sp.Integer(0))
    expr = expr.replace(lambda a: isinstance(a, sp.Derivative) and isinstance(a.expr, sp.sign),
                        lambda a: sp.Integer(0))
    return expr.replace(lambda a: isinstance(a, Sum), lambda a: Sum(sp.cancel(a.function),
                                                                    *a.limits))


def sample_sum(h: sp.Expr, var: "sp.Symbol | tuple[sp.Symbol, ...]") -> sp.Expr:
    """``Σ_{i=1}^n h(x_i)`` for a function ``h`` of the observation symbol ``var``; with a
    tuple of symbols (a response and covariates) each one is indexed: ``h(y_i, x_i)``.

    Examples
    --------
    >>> sample_sum(sp.log(sp.Symbol("x")), sp.Symbol("x"))
    Sum(log(x[i]), (i, 1, n))
    >>> y, x = sp.symbols("y x")
    >>> sample_sum(x * y, (y, x))
    Sum(x[i]*y[i], (i, 1, n))
    """
    symbols = var if isinstance(var, (tuple, list)) else (var,)
    return Sum(sp.sympify(h).xreplace({v: sp.IndexedBase(v.name)[I] for v in symbols}),
               (I, 1, N))


def _canonical_index(s: Sum) -> Sum:
    """Rename the bound index of a one-index sum over 1..n to ``i``."""
    (idx, lo, hi), = s.limits
    body = s.function
    if idx != I:
        body = body.xreplace({idx: I})
    return body, lo, hi


def linearize(expr: sp.Expr, positive: bool = False) -> sp.Expr:
    """Rewrite every sum over ``i = 1..n`` into a linear combination of atomic sums.

    With ``positive=True`` the observations are taken to be positive so that logs of products
    and powers of ``x_i`` split (``log(x_i/c)`` → ``log x_i − log c``).

    Examples
    --------
    >>> linearize(Sum(2 * X[I] + 3, (I, 1, N)))
    3*n + 2*Sum(x[i], (i, 1, n))
    """
    expr = sp.sympify(expr)
    if not expr.has(Sum):
        return expr
    # innermost sums first: rebuild bottom-up
    if isinstance(expr, Sum):
        if len(expr.limits) != 1:
            return expr
        body, lo, hi = _canonical_index(expr)
        body = linearize(body, positive)
        return _linear_sum(body, lo, hi, positive)
    if not expr.args:
        return expr
    return expr.func(*[linearize(a, positive) for a in expr.args])


_POS = sp.Symbol("_xi_pos", positive=True)


def _linear_sum(body: sp.Expr, lo: sp.Expr, hi: sp.Expr, positive: bool) -> sp.Expr:
    if positive:
        body = sp.expand_log(body.xreplace({X[I]: _POS})).xreplace({_POS: X[I]})
    body = sp.expand(body)
    total = sp.Integer(0)
    count = hi - lo + 1
    for term in sp.Add.make_args(body):
        if I not in term.free_symbols:
            total += term * count
            continue
        outside, inside = [], []
        for factor in sp.Mul.make_args(term):
            (inside if I in factor.free_symbols else outside).append(factor)
        total += sp.Mul(*outside) * Sum(sp.Mul(*inside), (I, lo, hi))
    return total


def atomic_sums(expr: sp.Expr) -> list[Sum]:
    """The distinct sums in ``expr`` (after :func:`linearize`), in a stable order."""
    return sorted(sp.sympify(expr).atoms(Sum), key=sp.default_sort_key)


def to_symbols(expr: sp.Expr, positive: bool = False,
               table: dict[Sum, sp.Symbol] | None = None) -> tuple[sp.Expr, dict[Sum, sp.Symbol]]:
    """Linearize ``expr`` and replace each atomic sum by a plain symbol.

    ``table`` maps sums to symbols already chosen (it is extended and returned), so two
    expressions converted with the same table share symbols.
    """
    table = {} if table is None else table
    lin = linearize(expr, positive)
    for s in atomic_sums(lin):
        if s not in table:
            table[s] = sp.Symbol(f"_S{len(table)}")
    return lin.xreplace(table), table


def equivalent(a: sp.Expr, b: sp.Expr, positive: bool = False,
               substitutions: Mapping[sp.Basic, sp.Expr] | None = None) -> bool:
    """Whether two sample-notation expressions are equal for every sample.

    Sums are linearized and compared as independent quantities, which is sound: atomic sums
    of different functions of the observations vary independently.

    Examples
    --------
    >>> equivalent(N / Sum(X[I], (I, 1, N)), 1 / (Sum(X[I], (I, 1, N)) / N))
    True
    >>> equivalent(Sum(X[I], (I, 1, N)) / (N - 1), Sum(X[I], (I, 1, N)) / N)
    False
    """
    sa, table = to_symbols(sp.sympify(a), positive)
    sb, table = to_symbols(sp.sympify(b), positive, table)
    if substitutions:
        sa, sb = sa.subs(substitutions), sb.subs(substitutions)
    diff = sa - sb
    if diff == 0:
        return True
    for transform in (sp.expand, sp.cancel, sp.simplify):
        if transform is sp.simplify and nonzero_somewhere(diff):
            return False  # simplify (sound on the symbols' assumptions) could not find 0
        try:
            if transform(diff) == 0:
                return True
        except (sp.PolynomialError, TypeError, ValueError):
            continue
        if transform is sp.cancel and is_rational(diff):
            return False  # cancel decides a rational function: simplify could not find 0
    return False


def nonzero_somewhere(expr: sp.Expr) -> bool:
    """Whether ``expr`` is numerically away from 0 at one point that satisfies every assumption
    of its symbols (positive, integer, ...): then it is not identically 0 on them. False when
    that cannot be told (a pole there, a symbol whose assumptions the point does not meet).

    Examples
    --------
    >>> a, n = sp.Symbol("a", positive=True), sp.Symbol("n", integer=True, positive=True)
    >>> nonzero_somewhere(sp.sqrt(a**2) - a), nonzero_somewhere(sp.sqrt(a) - a / n)
    (False, True)
    """
    if expr.has(sp.Integral, sp.Sum, sp.Product, sp.Derivative):
        return False  # not a quick numeric evaluation
    point = {}
    for k, s in enumerate(sorted(expr.free_symbols, key=sp.default_sort_key)):
        if not isinstance(s, sp.Symbol):
            return False
        sign = -1 if (s.is_negative or s.is_nonpositive) else 1
        value = sign * (sp.Integer(k + 3) if s.is_integer else sp.Rational(2 * k + 7, 5))
        if any(getattr(value, f"is_{key}") is not holds
               for key, holds in s.assumptions0.items() if holds is not None):
            return False
        point[s] = value
    try:
        number = complex(sp.N(expr.xreplace(point), 30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return False
    return all(map(math.isfinite, (number.real, number.imag))) and abs(number) > 1e-12


def is_rational(expr: sp.Expr) -> bool:
    """Whether ``expr`` is a ratio of polynomials in its symbols, with rational coefficients:
    ``cancel`` writes it as p/q in lowest terms, so it is identically zero iff that is 0.

    Examples
    --------
    >>> t = sp.Symbol("theta")
    >>> is_rational(1 / (2 + t) + 2 / (1 - t)), is_rational(sp.sqrt(t)), is_rational(sp.pi * t)
    (True, False, False)
    """
    return (all(isinstance(a, (sp.Symbol, sp.Rational)) for a in expr.atoms())
            and expr.is_rational_function())
