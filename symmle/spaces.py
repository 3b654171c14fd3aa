"""Parameter spaces and supports, and proofs of sign over them.

A parameter's :class:`Domain` is an interval of the real line, possibly restricted to the
integers; a density's :class:`Support` is an interval (continuous), a run of integers or a finite
set (discrete). Ends are SymPy expressions and may involve known constants or parameters.

:func:`prove_sign` decides the sign of an expression over declared domains by re-writing each
bounded variable as a function of a positive symbol (``p = u/(1+u)`` for ``p`` in ``(0, 1)``) so
that SymPy's assumption system, which only knows "positive", can do the work. It is
three-valued: ``True`` (proven), ``False`` (disproven) or ``None`` (undetermined).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Iterable, Literal, Mapping

import sympy as sp

oo = sp.oo


@dataclass(frozen=True)
class Domain:
    """An interval ``lower .. upper`` of the reals, open or closed at each end, optionally
    restricted to the integers.

    Examples
    --------
    >>> Domain.positive().describe()
    '(0, oo)'
    >>> Domain(sp.Integer(0), sp.Integer(1), True, True).contains(sp.Rational(1, 2))
    True
    """

    lower: sp.Expr = -oo
    upper: sp.Expr = oo
    left_open: bool = True
    right_open: bool = True
    integer: bool = False

    @classmethod
    def real(cls) -> "Domain":
        return cls()

    @classmethod
    def positive(cls) -> "Domain":
        return cls(sp.Integer(0), oo, True, True)

    @classmethod
    def nonnegative(cls) -> "Domain":
        return cls(sp.Integer(0), oo, False, True)

    @classmethod
    def positive_integer(cls) -> "Domain":
        return cls(sp.Integer(1), oo, False, True, integer=True)

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        return set(sp.sympify(self.lower).free_symbols) | set(sp.sympify(self.upper).free_symbols)

    def as_set(self) -> sp.Set:
        """The domain as a SymPy set (``Interval`` or ``Range``-like intersection)."""
        interval = sp.Interval(self.lower, self.upper, self.left_open, self.right_open)
        return sp.Intersection(interval, sp.S.Integers) if self.integer else interval

    def contains(self, value: sp.Expr) -> bool | None:
        """Whether ``value`` is in the domain: True, False or None (undetermined)."""
        try:
            result = self.as_set().contains(sp.sympify(value))
        except (TypeError, ValueError):
            return None
        if result is sp.true:
            return True
        if result is sp.false:
            return False
        return None

    def describe(self) -> str:
        """Short text such as ``(0, 1)``, ``[0, oo)``, ``{1, 2, ...}``."""
        if self.integer:
            lo = self.lower if not self.left_open else self.lower + 1
            if self.upper == oo:
                return f"{{{lo}, {lo + 1}, ...}}" if lo.is_number else f"{{{lo}, ...}}"
            return f"{{{lo}, ..., {self.upper}}}"
        left = "(" if self.left_open else "["
        right = ")" if self.right_open else "]"
        return f"{left}{self.lower}, {self.upper}{right}"

    def assumptions(self) -> dict[str, bool]:
        """SymPy assumptions implied by the domain (``positive=True`` for ``(0, oo)``, ...)."""
        out: dict[str, bool] = {"real": True}
        if self.integer:
            out["integer"] = True
        lo = sp.sympify(self.lower)
        if lo.is_number and lo != -oo:
            if lo > 0 or (lo == 0 and self.left_open):
                out["positive"] = True
            elif lo == 0:
                out["nonnegative"] = True
        hi = sp.sympify(self.upper)
        if hi.is_number and hi != oo:
            if hi < 0 or (hi == 0 and self.right_open):
                out["negative"] = True
            elif hi == 0:
                out["nonpositive"] = True
        return out

    def typical_values(self) -> list[sp.Expr]:
        """Three interior points used for numeric checks (only for numeric ends)."""
        lo, hi = sp.sympify(self.lower), sp.sympify(self.upper)
        if self.integer:
            start = (lo + (1 if self.left_open else 0)) if lo != -oo else sp.Integer(-2)
            start = max(start, sp.Integer(2)) if lo != -oo and lo <= 2 else start
            cands = [start, start + 1, start + 3]
            return [c for c in cands if hi == oo or c <= hi] or [start]
        if lo == -oo and hi == oo:
            return [sp.Rational(-7, 10), sp.Rational(3, 10), sp.Rational(17, 10)]
        if hi == oo:
            return [lo + sp.Rational(7, 10), lo + sp.Rational(13, 10), lo + sp.Rational(5, 2)]
        if lo == -oo:
            return [hi - sp.Rational(7, 10), hi - sp.Rational(13, 10), hi - sp.Rational(5, 2)]
        width = hi - lo
        return [lo + width * sp.Rational(k, 10) for k in (2, 5, 7)]


@dataclass(frozen=True)
class Support:
    """Where the density is positive.

    ``kind`` is ``"interval"`` (continuous, ends ``lower``/``upper``), ``"integers"`` (discrete:
    every integer from ``lower`` to ``upper`` inclusive, ``upper`` may be ``oo``) or ``"finite"``
    (discrete: exactly ``values``).

    Examples
    --------
    >>> Support.interval(0, 1).describe("x")
    '0 < x < 1'
    >>> Support.integers(0).describe("x")
    'x in {0, 1, 2, ...}'
    """

    kind: Literal["interval", "integers", "finite"]
    lower: sp.Expr = -oo
    upper: sp.Expr = oo
    left_open: bool = True
    right_open: bool = True
    values: tuple[sp.Expr, ...] = field(default=())

    @classmethod
    def interval(cls, lower: object = -oo, upper: object = oo, left_open: bool = True,
                 right_open: bool = True) -> "Support":
        return cls("interval", sp.sympify(lower), sp.sympify(upper), left_open, right_open)

    @classmethod
    def integers(cls, lower: object = 0, upper: object = oo) -> "Support":
        return cls("integers", sp.sympify(lower), sp.sympify(upper), False, upper == oo)

    @classmethod
    def finite(cls, values: Iterable[object]) -> "Support":
        vals = tuple(sorted({sp.sympify(v) for v in values}, key=sp.default_sort_key))
        return cls("finite", min(vals, key=lambda v: float(v)) if all(v.is_number for v in vals) else -oo,
                   max(vals, key=lambda v: float(v)) if all(v.is_number for v in vals) else oo,
                   False, False, vals)

    @property
    def discrete(self) -> bool:
        return self.kind != "interval"

    @property
    def free_symbols(self) -> set[sp.Symbol]:
        out: set[sp.Symbol] = set()
        for e in (self.lower, self.upper, *self.values):
            out |= set(sp.sympify(e).free_symbols)
        return out

    def subs(self, mapping: Mapping[sp.Basic, object]) -> "Support":
        """The support with symbols in its ends replaced."""
        return Support(self.kind, sp.sympify(self.lower).subs(mapping),
                       sp.sympify(self.upper).subs(mapping), self.left_open, self.right_open,
                       tuple(sp.sympify(v).subs(mapping) for v in self.values))

    def as_set(self) -> sp.Set:
        if self.kind == "interval":
            return sp.Interval(self.lower, self.upper, self.left_open, self.right_open)
        if self.kind == "finite":
            return sp.FiniteSet(*self.values)
        return sp.Range(self.lower, self.upper + 1 if self.upper != oo else oo)

    def describe(self, var: str = "x") -> str:
        if self.kind == "interval":
            if self.lower == -oo and self.upper == oo:
                return f"-oo < {var} < oo"
            if self.lower == -oo:
                return f"{var} {'<' if self.right_open else '<='} {self.upper}"
            if self.upper == oo:
                return f"{var} {'>' if self.left_open else '>='} {self.lower}"
            return (f"{self.lower} {'<' if self.left_open else '<='} {var} "
                    f"{'<' if self.right_open else '<='} {self.upper}")
        if self.kind == "finite":
            return f"{var} in {{{', '.join(str(v) for v in self.values)}}}"
        lo = self.lower
        if self.upper == oo:
            return f"{var} in {{{lo}, {lo + 1}, {lo + 2}, ...}}"
        return f"{var} in {{{lo}, {lo + 1}, ..., {self.upper}}}"

    def assumptions(self) -> dict[str, bool]:
        """Assumptions for the observation symbol implied by the support.

        For a continuous support an end has probability zero, so ``0 <= x <= 1`` gives the
        same assumptions as ``0 < x < 1`` (``positive``): the log-likelihood never sees x = 0,
        and log x^a splits into a log x as it does for the open interval.

        Examples
        --------
        >>> Support.interval(0, 1, False, False).assumptions()
        {'real': True, 'positive': True}
        >>> Support.integers(0).assumptions()
        {'real': True, 'integer': True, 'nonnegative': True}
        """
        out: dict[str, bool] = {"real": True}
        if self.discrete:
            if self.kind == "finite" and not all(sp.sympify(v).is_integer for v in self.values):
                pass
            else:
                out["integer"] = True
        lo = sp.sympify(self.lower)
        lo_sign = _known_sign(lo)
        if lo != -oo and lo_sign is not None:
            if lo_sign > 0 or (lo_sign == 0 and not self.discrete):
                out["positive"] = True
            elif lo_sign == 0:
                out["nonnegative"] = True
        hi = sp.sympify(self.upper)
        hi_sign = _known_sign(hi)
        if hi != oo and hi_sign is not None:
            if hi_sign < 0 or (hi_sign == 0 and not self.discrete):
                out["negative"] = True
            elif hi_sign == 0:
                out["nonpositive"] = True
        return out

    def sample_points(self, count: int = 7) -> list[sp.Expr]:
        """A few points of the support (numeric ends only) for numeric checks."""
        lo, hi = sp.sympify(self.lower), sp.sympify(self.upper)
        if self.kind == "finite":
            return list(self.values)
        if self.kind == "integers":
            top = hi if hi != oo else lo + 12
            return [lo + k for k in range(int(min(top - lo, 12)) + 1)]
        if lo == -oo and hi == oo:
            base = [-3, -1.6, -0.7, -0.1, 0.4, 1.1, 2.3, 3.7]
        elif hi == oo:
            base = [float(lo) + d for d in (0.05, 0.3, 0.8, 1.5, 2.6, 4.1, 7.3)]
        elif lo == -oo:
            base = [float(hi) - d for d in (0.05, 0.3, 0.8, 1.5, 2.6, 4.1, 7.3)]
        else:
            base = [float(lo) + (float(hi) - float(lo)) * t for t in (0.03, 0.15, 0.33, 0.5, 0.68, 0.86, 0.97)]
        return [sp.Float(v) for v in base[:max(count, 1) + 1]]


def _known_sign(e: sp.Expr) -> int | None:
    if e.is_positive:
        return 1
    if e.is_zero:
        return 0
    if e.is_negative:
        return -1
    return None


def positive_substitutions(symbol: sp.Symbol, domain: Domain) -> list[sp.Expr] | None:
    """Write ``symbol`` as functions of a fresh symbol ``u >= 0`` (``u > 0`` at an open end)
    that together cover ``domain``: ``(0, 1)`` → ``u/(1+u)``, ``(a, oo)`` → ``a + u``,
    ``(-oo, b)`` → ``b - u``. A closed end of a bounded interval needs a second map, since
    ``u/(1+u)`` never reaches 1. Returns ``None`` for the whole real line.

    Examples
    --------
    >>> p = sp.Symbol("p")
    >>> positive_substitutions(p, Domain(sp.Integer(0), sp.Integer(1)))
    [_u_p/(_u_p + 1)]
    """
    lo, hi = sp.sympify(domain.lower), sp.sympify(domain.upper)
    if lo == -oo and hi == oo:
        return None
    pos = sp.Symbol(f"_u_{symbol.name}", positive=True)
    nonneg = sp.Symbol(f"_v_{symbol.name}", nonnegative=True)
    if hi == oo:
        return [lo + (pos if domain.left_open else nonneg)]
    if lo == -oo:
        return [hi - (pos if domain.right_open else nonneg)]
    u = pos if domain.left_open else nonneg
    maps = [lo + (hi - lo) * u / (1 + u)]
    if not domain.right_open:  # u/(1+u) < 1: reach the closed upper end from the other side
        maps.append(hi - (hi - lo) * nonneg / (1 + nonneg))
    return maps


def prove_sign(expr: sp.Expr, domains: Mapping[sp.Symbol, Domain], want: str = "negative",
               simplices: Iterable[tuple[sp.Symbol, ...]] = ()) -> bool | None:
    """Decide whether ``expr`` is ``want`` ("negative", "positive", "nonzero", ...) for every value
    of its symbols in their ``domains`` (symbols without a domain keep their own assumptions).

    Returns True (proven), False (disproven: the opposite holds everywhere) or None.
    ``simplices`` are groups of symbols that are jointly positive with sum below 1
    (probabilities p1, p2 with p1 + p2 < 1); they are written p_j = u_j/(1 + Σ u).

    Examples
    --------
    >>> p, n = sp.Symbol("p"), sp.Symbol("n", positive=True)
    >>> prove_sign(-n / p - n / (1 - p), {p: Domain(sp.Integer(0), sp.Integer(1))})
    True
    >>> x = sp.Symbol("x")
    >>> prove_sign(x, {x: Domain(sp.Integer(0), sp.oo, left_open=False)}, "positive") is None
    True
    """
    expr = sp.sympify(expr)
    grouped: set[sp.Symbol] = set()
    for group in simplices:
        if not set(group) & expr.free_symbols:
            continue
        us = [sp.Symbol(f"_s_{g.name}", positive=True) for g in group]
        expr = expr.xreplace({g: u / (1 + sp.Add(*us)) for g, u in zip(group, us)})
        grouped |= set(group)
    choices: list[list[tuple[sp.Symbol, sp.Expr]]] = []
    for sym, dom in domains.items():
        if sym not in expr.free_symbols or sym in grouped:
            continue
        maps = positive_substitutions(sym, dom)
        if maps is None:
            maps = [sp.Symbol(sym.name + "_r", real=True)]
        choices.append([(sym, m) for m in maps])
    opposite = {"negative": "nonnegative", "positive": "nonpositive",
                "nonpositive": "positive", "nonnegative": "negative"}
    verdicts = []
    for combo in itertools.product(*choices):
        try:
            candidate = expr.xreplace(dict(combo)) if combo else expr
        except ValueError:  # Derivative(zeta(s), s) with s = 1 + u: not a variable any more
            return None
        verdict = None
        for form in _forms(candidate):
            if getattr(form, f"is_{want}") is True:
                verdict = True
                break
            if want in opposite and getattr(form, f"is_{opposite[want]}") is True:
                verdict = False
                break
        verdicts.append(verdict)
    if verdicts and all(v is True for v in verdicts):
        return True
    if verdicts and all(v is False for v in verdicts):
        return False
    return None


def _forms(expr: sp.Expr) -> Iterable[sp.Expr]:
    """The expression in a few cheap equivalent forms, for the assumption system."""
    yield expr
    for transform in (sp.together, sp.factor, sp.cancel):
        try:
            yield transform(expr)
        except (sp.PolynomialError, TypeError, ValueError, NotImplementedError):
            continue


def prove_condition(cond: sp.Basic, domains: Mapping[sp.Symbol, Domain]) -> bool | None:
    """Decide a SymPy condition (``Abs(1 - p) < 1``) for every value of its symbols in their
    domains: True, False, or None when SymPy cannot tell.

    Examples
    --------
    >>> p = sp.Symbol("p", positive=True)
    >>> prove_condition(sp.Abs(1 - p) < 1, {p: Domain(sp.Integer(0), sp.Integer(1))})
    True
    """
    if cond in (sp.true, True):
        return True
    if cond in (sp.false, False):
        return False
    choices = []
    for sym, dom in domains.items():
        if sym in cond.free_symbols:
            maps = positive_substitutions(sym, dom)
            if maps is not None:
                choices.append([(sym, m) for m in maps])
    verdicts = []
    for combo in itertools.product(*choices):
        c = cond.xreplace(dict(combo)) if combo else cond
        try:
            c = sp.simplify(c)
        except (TypeError, ValueError, NotImplementedError):
            return None
        verdicts.append(True if c in (sp.true, True) else False if c in (sp.false, False) else None)
    if verdicts and all(v is True for v in verdicts):
        return True
    if verdicts and all(v is False for v in verdicts):
        return False
    return None


def piecewise_branch(expr: sp.Expr, domains: Mapping[sp.Symbol, Domain]) -> sp.Expr | None:
    """The branch of a Piecewise that holds on the whole of ``domains`` (the first whose
    condition is proven, after those proven false); None when that cannot be decided."""
    if not isinstance(expr, sp.Piecewise):
        return expr
    for value, cond in expr.args:
        verdict = prove_condition(cond, domains)
        if verdict is True:
            return value
        if verdict is None:
            return None
    return None
