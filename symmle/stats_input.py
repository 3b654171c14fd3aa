"""A ``sympy.stats`` random variable read as a model: its density, its support and the domains
of its parameters.

The density is the distribution's own ``pdf``/``pmf`` at a symbol ``x``; a density that
``sympy.stats`` writes by cases ("this formula on the support, 0 elsewhere") keeps the formula,
and a finite table of values (Bernoulli, a ``FiniteRV``) becomes one expression, ``p**x*(1 -
p)**(1 - x)``. The support is the distribution's set. The domain of a parameter is, in order:
what the caller declares; else the assumptions of its symbol (``positive=True``, ``integer=True``)
narrowed by the conditions the distribution itself checks on its arguments (``s > 1`` for the Zeta
distribution, ``mu >= 1/2`` for Nakagami); else the guess by name of
:func:`symmle.model.default_domain`.
"""
from __future__ import annotations

import sys
from typing import Any, Mapping

import sympy as sp

from .errors import ModelSpecError, UnsupportedModelError
from .spaces import Domain, Support

__all__ = ["is_random_symbol", "read_random_symbol"]


def is_random_symbol(obj: Any) -> bool:
    """Whether ``obj`` is a ``sympy.stats`` random variable."""
    try:
        from sympy.stats.rv import RandomSymbol
    except ImportError:  # pragma: no cover
        return False
    return isinstance(obj, RandomSymbol)


def read_random_symbol(rv: Any, var: str = "x") -> tuple[sp.Expr, Support, dict[str, Domain]]:
    """The density of ``rv`` at a plain symbol ``var``, its support and the domains of its
    parameters that the random variable itself states, all in plain (assumption-free) symbols.

    Raises
    ------
    UnsupportedModelError
        For a joint, compound or otherwise unreadable random variable, or a support that is
        not an interval, a range of integers or a finite set.

    Examples
    --------
    >>> from sympy.stats import Zeta
    >>> expr, supp, domains = read_random_symbol(Zeta("X", sp.Symbol("s", positive=True)))
    >>> expr, supp.describe("x"), domains["s"].describe()
    (1/(x**s*zeta(s)), 'x in {1, 2, 3, ...}', '(1, oo)')
    """
    from sympy.stats.rv import SinglePSpace

    x = sp.Symbol(var)
    dist = getattr(rv.pspace, "distribution", None)
    density = getattr(dist, "pdf", None) or getattr(dist, "pmf", None)
    if (not isinstance(rv.pspace, SinglePSpace) or dist is None or density is None
            or not hasattr(dist, "set")):
        raise UnsupportedModelError("cannot read the density of this random variable (a joint "
                                    "or compound one?); give its density as an expression")
    the_set = dist.set
    if isinstance(the_set, (set, frozenset)):  # a finite distribution's set
        the_set = sp.FiniteSet(*the_set)
    if any(s.name == var for s in dist.free_symbols | the_set.free_symbols):
        raise ModelSpecError(f"the random variable's parameters use the name {var!r} of the "
                             "observation: rename that symbol or give var=...")
    try:
        expr = _one_formula(density(x), x)
    except (TypeError, ValueError, NotImplementedError, AttributeError) as exc:
        raise UnsupportedModelError(f"cannot read the density of {type(dist).__name__} "
                                    f"({type(exc).__name__}); give it as an expression") from None
    if expr is None or expr == 0:  # a finite distribution that keeps its pmf in a table
        table = getattr(dist, "dict", None)
        if not isinstance(table, Mapping) or not table:
            raise UnsupportedModelError(f"cannot read the density of {type(dist).__name__}; "
                                        "give it as an expression")
        expr = _table_density(dict(table), x)
    if not (expr.free_symbols | the_set.free_symbols) - {x}:
        raise ModelSpecError("this random variable has no parameter to estimate: the "
                             f"arguments of {type(dist).__name__} are all numbers")
    plain = {s: sp.Symbol(s.name) for s in expr.free_symbols | the_set.free_symbols}
    supp = _support_from_set(the_set.xreplace(plain))
    domains = {}
    conditions = _checked_conditions(dist)
    for sym in sorted(expr.free_symbols | the_set.free_symbols, key=lambda s: s.name):
        if sym == x:
            continue
        dom = _domain_of(sym, conditions)
        if dom is not None:
            domains[sym.name] = Domain(*(sp.sympify(e).xreplace(plain) for e in dom[:2]),
                                       *dom[2:])
    return expr.xreplace(plain), supp, domains


def _one_formula(value: sp.Expr, x: sp.Symbol) -> sp.Expr | None:
    """``Piecewise((f, x in support), (0, True))`` is ``f``; pieces ``Eq(x, v)`` a table; None
    for other cases."""
    if isinstance(value, sp.Lambda):
        value = value(x)
    if not isinstance(value, sp.Piecewise):
        return value
    pieces = [(e, c) for e, c in value.args if e != 0]
    if pieces and all(isinstance(c, sp.Eq) and x in c.free_symbols for _, c in pieces):
        table = {}
        for e, c in pieces:
            solved = sp.solve(c, x)
            if len(solved) != 1:
                return None
            table[solved[0]] = e
        return _table_density(table, x)
    if len(pieces) == 1 and value.args[-1][0] == 0:
        return pieces[0][0]
    return None


def _table_density(table: dict, x: sp.Symbol) -> sp.Expr:
    """P(X = v) = table[v] as one expression on the finite support: the product of
    table[v] ** L_v(x), L_v the Lagrange basis polynomial that is 1 at v and 0 at the others
    (``p**x*(1 - p)**(1 - x)`` for Bernoulli)."""
    values = sorted(table, key=lambda v: float(v))
    expr = sp.Integer(1)
    for v in values:
        basis = sp.Integer(1)
        for w in values:
            if w != v:
                basis *= (x - w) / (v - w)
        expr *= table[v] ** sp.factor(basis)
    return expr


def _support_from_set(s: sp.Set) -> Support:
    """A support from the distribution's set; an interval met with the integers (the set of a
    binomial with a symbolic n) is a range of integers."""
    if s == sp.S.Naturals0:
        return Support.integers(0)
    if s == sp.S.Naturals:
        return Support.integers(1)
    if s == sp.S.Integers:
        return Support.integers(-sp.oo)
    if isinstance(s, sp.Range):
        return Support.integers(s.inf, s.sup)
    if isinstance(s, sp.FiniteSet):
        return Support.finite(s.args)
    if isinstance(s, sp.Interval):
        return Support.interval(s.start, s.end, bool(s.left_open), bool(s.right_open))
    if s == sp.S.Reals:
        return Support.interval()
    if isinstance(s, sp.Intersection) and len(s.args) == 2:
        whole = [a for a in s.args if a in (sp.S.Naturals0, sp.S.Naturals, sp.S.Integers)]
        span = [a for a in s.args if isinstance(a, sp.Interval)]
        if whole and span:
            lo = sp.Max(span[0].start, whole[0].inf)
            hi = span[0].end
            lo = lo + 1 if span[0].left_open and lo == span[0].start else lo
            hi = hi - 1 if span[0].right_open else hi
            return Support.integers(sp.ceiling(lo), sp.floor(hi))
    raise UnsupportedModelError(f"cannot read the support {str(s)[:200]} of this random variable")


def _checked_conditions(dist: Any) -> list[sp.Basic]:
    """The conditions the distribution checks on its arguments (``s > 1``), as they are passed
    to ``sympy.stats``' ``_value_check``: its ``check`` runs again under a profile hook that
    records them. Nothing is recorded when a profiler is already active (it is not replaced)."""
    try:
        from sympy.stats.rv import _value_check
    except ImportError:  # pragma: no cover
        return []
    check = getattr(dist, "check", None)
    if check is None or sys.getprofile() is not None:
        return []
    target = _value_check.__code__
    found: list[Any] = []

    def hook(frame: Any, event: str, arg: Any) -> None:
        if event == "call" and frame.f_code is target:
            found.append(frame.f_locals.get("condition"))

    sys.setprofile(hook)
    try:
        check(*dist.args)
    except (ValueError, TypeError, AttributeError):  # a check that fails on its own arguments
        pass
    finally:
        sys.setprofile(None)
    out: list[sp.Basic] = []
    for cond in found:
        items = cond if isinstance(cond, (tuple, list)) else [cond]
        for item in items:
            if isinstance(item, sp.And):
                out.extend(item.args)
            elif isinstance(item, sp.core.relational.Relational):
                out.append(item)
    return out


def _domain_of(sym: sp.Symbol, conditions: list[sp.Basic]
               ) -> tuple[sp.Expr, sp.Expr, bool, bool, bool] | None:
    """The interval of ``sym`` from its assumptions and the checked conditions on it alone,
    as (lower, upper, left_open, right_open, integer); None when neither says anything."""
    r = sp.Dummy(real=True)
    known = False
    interval: sp.Set = sp.S.Reals
    if sym.is_positive:
        interval, known = sp.Interval.open(0, sp.oo), True
    elif sym.is_nonnegative:
        interval, known = sp.Interval(0, sp.oo), True
    elif sym.is_negative:
        interval, known = sp.Interval.open(-sp.oo, 0), True
    elif sym.is_real:
        known = True
    checked = False
    for cond in conditions:
        if cond.free_symbols != {sym}:
            continue
        try:  # a union (1/(1 + t) <= 1: t >= 0 or t < -1) is met with the other conditions
            got = cond.xreplace({sym: r}).as_set()
        except (NotImplementedError, TypeError, ValueError):
            continue
        if isinstance(got, sp.Set):
            interval, checked = interval.intersect(got), True
    if checked and isinstance(interval, sp.Interval) and not sym.is_integer:
        interval, known = interval.interior, True  # s >= 0 is s > 0 for estimation
    if not known or not isinstance(interval, sp.Interval):
        return None
    integer = bool(sym.is_integer)
    lo, hi = interval.start, interval.end
    left_open, right_open = bool(interval.left_open), bool(interval.right_open)
    if integer and lo.is_number and lo != -sp.oo:  # (0, oo) of the integers is [1, oo)
        lo, left_open = (sp.floor(lo) + 1 if left_open or not lo.is_integer
                         else lo), False
    return lo, hi, left_open, right_open, integer
