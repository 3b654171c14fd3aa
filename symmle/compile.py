"""SymPy → NumPy, once per derivation: the boundary between symbolic and numeric code.

``lambdify`` is the slow part of applying a derivation to data (tens of milliseconds per
expression), so everything ``fit`` evaluates is compiled once and kept on the derivation:
the sufficient statistics h_k(x), the closed-form estimators, the separable part of ℓ with its
gradient and Hessian (in θ and the statistics), the per-observation terms that do not separate
(value, gradient and Hessian in one fused function with common subexpressions shared), and the
Fisher information. A :class:`Problem` then binds one data set: the data are reduced to the
statistics in one pass (discrete data to counts per value, by ``bincount``), and the raw data
are touched again only for terms that do not separate, and for sums inside a closed form that
depend on an order statistic (Σ|xᵢ − x̃| once the median x̃ is known).
"""
from __future__ import annotations

import math
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING, Any, Callable, Sequence

import mpmath
import numpy as np
import sympy as sp
from sympy.codegen.cfunctions import expm1
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.precedence import PRECEDENCE

from .notation import N

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation

__all__ = ["Compiled", "Problem", "compiled"]

CHUNK = 65536  # at most this many observations per block when a function of the data is summed


def _vec(fn: Callable[[float], float]) -> Callable[[Any], Any]:
    def apply(a: Any) -> Any:
        arr = np.asarray(a, dtype=float)
        if arr.ndim == 0:
            return fn(float(arr))
        return np.array([fn(float(v)) for v in arr.ravel()]).reshape(arr.shape)
    return apply


_LGAMMA = _vec(math.lgamma)

# Bernoulli numbers B_2, B_4, ..., B_16 for the asymptotic series of the polygamma functions
_B2J = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_SHIFT = 10.0  # the series is used at x >= 10, where its 8 terms are good to ~1e-16


def polygamma(k: int, a: Any) -> Any:
    """ψ⁽ᵏ⁾(a) in NumPy, vectorised: the recurrence ψ⁽ᵏ⁾(x) = ψ⁽ᵏ⁾(x+1) − (−1)ᵏ k!/x^(k+1)
    moves x ≥ 10, then the asymptotic series with Bernoulli numbers; relative error ~1e-15 for
    x > 0 (mpmath, elementwise, for x ≤ 0). ``k = 0`` is the digamma function.

    Examples
    --------
    >>> round(float(polygamma(0, 1.0)), 12), round(float(polygamma(1, 1.0)), 12)  # -γ, π²/6
    (-0.577215664902, 1.644934066848)
    """
    k = int(k)
    if isinstance(a, (float, int)) and a > 0:
        return _polygamma_scalar(k, float(a))
    x = np.array(a, dtype=float)
    scalar = x.ndim == 0
    x = np.atleast_1d(x)
    out = np.empty_like(x)
    good = x > 0
    if not np.all(good):
        out[~good] = [float(mpmath.polygamma(k, v)) if math.isfinite(v) else math.nan
                      for v in x[~good]]
    y = x[good]
    acc = np.zeros_like(y)
    sign = -1.0 if k % 2 else 1.0  # (−1)^k
    fact = float(math.factorial(k))
    small = y < _SHIFT
    while np.any(small):
        acc[small] -= sign * fact / y[small] ** (k + 1)
        y = np.where(small, y + 1, y)
        small = y < _SHIFT
    inv = 1.0 / y
    if k == 0:
        series = np.log(y) - 0.5 * inv
        inv2, power = inv * inv, inv * inv
        for j, b in enumerate(_B2J, 1):
            series -= b / (2 * j) * power
            power = power * inv2
    else:
        # (−1)^(k+1) [ (k−1)!/y^k + k!/(2 y^(k+1)) + Σ_j B_2j (2j+k−1)!/(2j)! / y^(2j+k) ]
        series = math.factorial(k - 1) * inv ** k + fact / 2 * inv ** (k + 1)
        for j, b in enumerate(_B2J, 1):
            series += b * math.factorial(2 * j + k - 1) / math.factorial(2 * j) * inv ** (2 * j + k)
        series *= -sign
    out[good] = acc + series
    return float(out[0]) if scalar else out


@lru_cache(maxsize=None)
def _series_coefficients(k: int) -> tuple[float, ...]:
    """The asymptotic series' coefficients of ψ⁽ᵏ⁾ (k ≥ 1), B₂ⱼ (2j+k−1)!/(2j)!, for j = 1..8."""
    return tuple(b * math.factorial(2 * j + k - 1) / math.factorial(2 * j)
                 for j, b in enumerate(_B2J, 1))


def _polygamma_scalar(k: int, y: float) -> float:
    """:func:`polygamma` for one positive float, in plain Python (no array overhead)."""
    acc = 0.0
    sign = -1.0 if k % 2 else 1.0
    fact = float(math.factorial(k))
    while y < _SHIFT:
        acc -= sign * fact / y ** (k + 1)
        y += 1.0
    inv = 1.0 / y
    inv2 = inv * inv
    if k == 0:
        series, power = math.log(y) - 0.5 * inv, inv2
        for j, b in enumerate(_B2J, 1):
            series -= b / (2 * j) * power
            power *= inv2
        return acc + series
    power = inv ** k
    series = math.factorial(k - 1) * power + fact / 2 * power * inv
    for c in _series_coefficients(k):
        power *= inv2
        series += c * power
    return acc - sign * series


EXTRA = {
    "factorial": _vec(lambda v: math.gamma(v + 1)),
    "gamma": _vec(math.gamma),
    "loggamma": _LGAMMA,
    "erf": _vec(math.erf),
    "erfc": _vec(math.erfc),
    "digamma": lambda a: polygamma(0, a),
    "polygamma": polygamma,
    "beta": lambda a, b: np.exp(_LGAMMA(a) + _LGAMMA(b) - _LGAMMA(np.asarray(a) + np.asarray(b))),
    "zeta": _vec(lambda v: float(mpmath.zeta(v))),
    # dᵏζ(s)/dsᵏ exactly: a central difference is off by ~1e-6 near the pole at s = 1, and so
    # was the fitted exponent of a zeta law
    "zeta_derivative": lambda s, k: _vec(lambda v: float(mpmath.zeta(v, 1, int(k))))(s),
}
_ZETA_DERIVATIVE = sp.Function("zeta_derivative")


def _finite_difference(d: sp.Derivative) -> sp.Expr:
    """A derivative that SymPy leaves unevaluated (d/ds ζ(s), of the Zeta distribution's
    normalising constant) as a central difference with the step h = 10⁻⁴(1 + |v|): the error
    is about h² relative (10⁻⁸; roundoff ε/h² for a second derivative is as small), enough
    for Newton's steps and the standard errors of a numeric fit."""
    if (isinstance(d.expr, sp.zeta) and len(d.expr.args) == 1 and len(d.variable_count) == 1
            and d.expr.args[0] == d.variable_count[0][0]):
        return _ZETA_DERIVATIVE(*d.variable_count[0])
    out = d.expr
    for v, k in d.variable_count:
        h = sp.Float(1e-4) * (1 + sp.Abs(v))
        for _ in range(int(k) // 2):
            out = (out.subs(v, v + h) - 2 * out + out.subs(v, v - h)) / h ** 2
        if int(k) % 2:
            out = (out.subs(v, v + h) - out.subs(v, v - h)) / (2 * h)
    return out


def prepare(expr: Any) -> Any:
    """log(factorial(.)), log(gamma(.)), log(binomial(.)) → loggamma (no overflow);
    DiracDelta → 0 (derivatives of |x − θ| are taken almost everywhere); a derivative SymPy
    cannot take → a central difference (:func:`_finite_difference`)."""
    if isinstance(expr, (list, tuple)):  # a matrix as nested lists (the information)
        return type(expr)(prepare(e) for e in expr)
    if not isinstance(expr, sp.Basic):
        return expr
    expr = expr.replace(sp.DiracDelta, lambda *args: sp.Integer(0))
    # d/dθ ζ(θ + 1) is Subs(Derivative(ζ(ξ), ξ), ξ, θ + 1): the difference in ξ, then ξ = θ + 1
    expr = expr.replace(lambda e: isinstance(e, sp.Subs), lambda e: e.expr.replace(
        lambda f: isinstance(f, sp.Derivative), _finite_difference).xreplace(
            dict(zip(e.variables, e.point))))
    expr = expr.replace(lambda e: isinstance(e, sp.Derivative), _finite_difference)
    expr = expr.replace(lambda e: isinstance(e, sp.Add), _with_expm1)
    # unevaluated: for an integer argument SymPy turns loggamma(x + 1) back into log(gamma(x + 1)),
    # which overflows for x > 170 (a Poisson count of 200)
    expr = expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.factorial),
                        lambda e: sp.loggamma(e.args[0].args[0] + 1, evaluate=False))
    expr = expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.binomial),
                        lambda e: _log_binomial(*e.args[0].args))
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                        lambda e: sp.loggamma(e.args[0].args[0], evaluate=False))


def _with_expm1(add: sp.Add) -> sp.Expr:
    """c − c·e^a as −c·expm1(a) (and e^a − 1 as expm1(a)): for small a, 1 − e^{−θ} in floats
    loses all but a few digits (θ = 10⁻⁹: seven), which the truncated exponential's
    θe^{−θx}/(1 − e^{−θ}) near θ = 0 turns into noise in ℓ that looks like growth without
    bound."""
    terms = list(add.args)
    for c in [t for t in terms if t.is_Number and t != 0]:
        for t in terms:
            coeff, rest = t.as_coeff_Mul()
            if isinstance(rest, sp.exp) and coeff == -c:
                terms.remove(c)
                terms.remove(t)
                return sp.Add(*terms, -c * expm1(rest.args[0]))
    return add


def _log_binomial(m: sp.Expr, k: sp.Expr) -> sp.Expr:
    lg = lambda a: sp.loggamma(a, evaluate=False)  # noqa: E731
    return lg(m + 1) - lg(k + 1) - lg(m - k + 1)


class _Printer(NumPyPrinter):
    """NumPy code with the cheap forms of small integer powers: ``1/b`` for b⁻¹ and ``b*b`` for
    the square of a symbol. SymPy writes ``b**(-1.0)`` and ``b**2.0`` (an integer array raised
    to a negative integer power is an error in NumPy), which NumPy computes with a general
    ``pow``: on 65536 floats ``x**(-1.0)`` takes 4× as long as ``1/x``, ``x**2.0`` 1.7× ``x*x``."""

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        b, e = expr.base, expr.exp
        if e == -1:
            return f"(1/{self.parenthesize(b, PRECEDENCE['Mul'] + 1)})"
        if e == 2 and isinstance(b, sp.Symbol):
            return f"({self._print(b)}*{self._print(b)})"
        if e == -2 and isinstance(b, sp.Symbol):
            return f"(1/({self._print(b)}*{self._print(b)}))"
        return super()._print_Pow(expr, rational=rational)


def _printer() -> _Printer:
    """The printer with the settings ``lambdify`` gives its own (EXTRA's functions by name)."""
    return _Printer({"fully_qualified_modules": False, "inline": True,
                     "allow_unknown_functions": True,
                     "user_functions": {k: k for k in EXTRA}})


def numpy_fn(args: Sequence[sp.Symbol], expr: Any) -> Callable:
    """A NumPy function of ``args`` (a list of expressions gives a list, sharing subexpressions).

    Its ``chunk`` is the block of observations :meth:`Problem._sums` gives it at a time: about
    1 MiB of temporaries in all (131072 floats shared among its operations, after common
    subexpressions; each NumPy operation makes a temporary array), so that they stay in a
    core's cache: 65536 for log x, 4096 for the logistic's value, gradient and Hessian."""
    if isinstance(expr, (list, tuple)):
        # common subexpressions once: lambdify prints them, and the block size counts them
        body = [prepare(e) for e in expr]
        replacements, reduced = sp.cse(body, list=False)
        fn = sp.lambdify(args, body, modules=[EXTRA, "numpy"], printer=_printer(),
                         cse=lambda _: (replacements, reduced))
        parts = [*(r for _, r in replacements), *reduced]
    else:
        body = prepare(expr)
        fn = sp.lambdify(args, body, modules=[EXTRA, "numpy"], printer=_printer())
        parts = [body]
    ops = max(1, sum(sp.count_ops(e) for e in parts if isinstance(e, sp.Basic)))
    fn.chunk = max(4096, min(CHUNK, 2 ** int(math.log2(131072 / ops))))  # type: ignore[attr-defined]
    return fn


def _body(s: sp.Sum, x: sp.Symbol) -> sp.Expr:
    indexed = s.function.atoms(sp.Indexed)
    return s.function.xreplace({indexed.pop(): x}) if indexed else s.function


_LOG_X = sp.Symbol("_log_x", real=True)


def _in_log_scale(per_obs: sp.Expr, x: sp.Symbol, model: Any) -> tuple[sp.Expr, bool]:
    """On a support inside (0, ∞), a term with x raised to a parameter power ((x/λ)^k for the
    Weibull) is cheaper in u = log x, computed once per data set: x^k = exp(k·u) is one exp per
    observation instead of a pow and a log, at every Newton step. Returns the term in u (the
    symbol ``_LOG_X``) when that removes every x, else the term unchanged."""
    params = set(model.params)
    if not (x.is_positive and any(a.base.has(x) and a.exp.free_symbols & params
                                  for a in per_obs.atoms(sp.Pow))):
        return per_obs, False
    def as_exp(p: sp.Pow) -> sp.Expr:  # b^e = exp(e·log b), log b expanded: x/λ stays as one
        return sp.exp(p.exp * sp.expand_log(sp.log(p.base), force=False))

    try:
        powers = {a: as_exp(a) for a in per_obs.atoms(sp.Pow)
                  if a.base.has(x) and a.exp.free_symbols & params and a.base.is_positive}
        rewritten = sp.expand_log(per_obs.xreplace(powers), force=False)
        rewritten = rewritten.xreplace({sp.log(x): _LOG_X}).xreplace({x: sp.exp(_LOG_X)})
    except (TypeError, ValueError):  # pragma: no cover - SymPy internals
        return per_obs, False
    if rewritten.has(x) or sp.count_ops(rewritten) > 4 * sp.count_ops(per_obs) + 10:
        return per_obs, False
    return rewritten, True


def _factored(arg: sp.Symbol, scalars: list[sp.Symbol], outputs: list[sp.Expr]
              ) -> tuple[Callable, Callable, int] | None:
    """ℓ's per-observation terms and their derivatives as Σⱼ cⱼ(θ)·Σᵢ φⱼ(xᵢ, θ): when the
    outputs share fewer distinct array factors φⱼ than there are outputs (the Weibull's seven
    are combinations of Σe^{ku}, Σu·e^{ku} and Σu²·e^{ku}), each factor is summed once and the
    outputs are combined in scalar arithmetic. Returns (the factors' function, the coefficients'
    function, the number of factors), or ``None`` when that saves nothing."""
    factors: dict[sp.Expr, int] = {}
    rows: list[dict[int, sp.Expr]] = []
    for e in outputs:
        row: dict[int, sp.Expr] = {}
        # exponentials are not split (e^{k(u − log λ)} stays whole: no overflow of e^{ku})
        for term in sp.Add.make_args(sp.expand(prepare(e), power_exp=False, log=False)):
            coef, fac = term.as_independent(arg, as_Add=False)
            j = factors.setdefault(fac, len(factors))
            row[j] = row.get(j, 0) + coef
        rows.append(row)
    if 2 * len(factors) > len(outputs) or any(f.is_number and f != 1 for f in factors):
        return None
    coefs = [row.get(j, sp.Integer(0)) for row in rows for j in range(len(factors))]
    arrays = [f if f != 1 else sp.Integer(1) + 0 * arg for f in factors]
    return (numpy_fn([arg, *scalars], arrays), numpy_fn(scalars, coefs), len(factors))


class Compiled:
    """Everything ``fit`` evaluates for one derivation, compiled once."""

    def __init__(self, d: "Derivation") -> None:
        ll, m = d.log_likelihood, d.model
        x, params, known = m.var, list(m.params), list(m.known)
        self.params, self.known, self.var = params, known, x
        self.statistics = [(s.symbol, numpy_fn([x, *known], s.h)) for s in ll.statistics]
        self.identity = [s.h == x for s in ll.statistics]  # Σxᵢ: fit's data check has it
        self.squares = [sp.expand(s.h - x ** 2) == 0 for s in ll.statistics]  # Σxᵢ²: einsum
        # Σ log u(xᵢ) as Σ log of products of eight u's (see sum_of_logs): u for each such
        self.log_args = [numpy_fn([x, *known], s.h.args[0])
                         if isinstance(s.h, sp.log) and s.h.args[0].has(x) else None
                         for s in ll.statistics]
        stat_syms = [s.symbol for s in ll.statistics]
        sums = list(ll.expr.atoms(sp.Sum))
        separable = sp.sympify(ll.expr.xreplace({s: 0 for s in sums}))
        grad = [sp.diff(separable, p) for p in params]
        hess = [sp.diff(g, q) for g in grad for q in params]
        self.separable_args = [*params, *stat_syms, N, *known]
        self.separable = numpy_fn(self.separable_args, [separable, *grad, *hess])
        self.separable_value = numpy_fn(self.separable_args, separable)
        per_obs = sp.Add(*[_body(s, x) for s in sums])
        self.has_terms = per_obs != 0
        self.terms_in_log = False
        if self.has_terms:
            per_obs, self.terms_in_log = _in_log_scale(per_obs, x, m)
            arg = _LOG_X if self.terms_in_log else x
            og = [sp.diff(per_obs, p) for p in params]
            oh = [sp.diff(g, q) for g in og for q in params]
            self.terms = numpy_fn([arg, *params, *known], [per_obs, *og, *oh])
            self.terms_value = numpy_fn([arg, *params, *known], per_obs)
            self.factored = _factored(arg, [*params, *known], [per_obs, *og, *oh])
        self.constants = []  # (function of x or None, coefficient expression of n and known)
        for c in sp.Add.make_args(ll.constant):
            if isinstance(c, sp.Sum):
                self.constants.append((numpy_fn([x, *known], _body(c, x)), None))
            elif c != 0:
                self.constants.append((None, numpy_fn([N, *known], c)))
        # order statistics by kind: fit computes each from the data ("min", "max", "median")
        self.order_statistics: list[tuple[sp.Symbol, str]] = []
        if d.solution.support is not None:
            self.order_statistics += list(zip(d.solution.support.order_statistics,
                                              ("min", "max")))
        self.median_of: list[sp.Symbol] = []  # the parameters estimated by the median
        if d.solution.median is not None:
            self.order_statistics.append((d.solution.median.median, "median"))
            self.median_of = list(d.solution.median.estimates)
        order_syms = [s for s, _ in self.order_statistics]
        self.mle = None
        # sums over the sample inside a closed form (Σ|xᵢ − x̃| once the median is known):
        # one pass over the data each, after the order statistics
        self.data_sums: list[Callable] = []
        self.value_at_mle = None  # ℓ at θ̂ without another pass over the data (median rule)
        self.mle_uses: set[sp.Symbol] = set()  # the statistics a closed form needs
        if d.solution.mle is not None:
            exprs = [d.solution.mle[p] for p in params]
            rule = d.solution.median
            reduced = None if rule is None or rule.reduced is None else (rule.reduced, rule.sums)
            inner = {s for e in exprs for s in e.atoms(sp.Sum)}
            if reduced is not None:
                inner |= set(reduced[1].values())
            inner = sorted(inner, key=sp.default_sort_key)
            table = {s: sp.Symbol(f"_data_sum{k}") for k, s in enumerate(inner)}
            self.data_sums = [numpy_fn([x, *known, *order_syms], _body(s, x)) for s in inner]
            args = [*stat_syms, N, *known, *order_syms, *table.values()]
            body = [e.xreplace(table) for e in exprs]
            # what the estimate (and, for the median rule, ℓ at it) needs from the data
            used = [*body, *(_body(s, x) for s in inner)]
            if reduced is not None:
                used.append(reduced[0])
            self.mle_uses = set().union(*(sp.sympify(e).free_symbols for e in used)) & set(args)
            # in mpmath, and the same in floats: a few µs where mpmath takes 10–20 (a square
            # root); fit falls back to mpmath where floats overflow or have no such function
            self.mle_float, self.mle = _float_and_mpmath(args, [prepare(e) for e in body])
            if reduced is not None:
                value = reduced[0].xreplace({k: table[v] for k, v in reduced[1].items()})
                self.value_at_mle = numpy_fn([*params, *args], value)
        self.information = None
        if d.fisher_information is not None:
            self.information_float, self.information = _float_and_mpmath(
                [*params, *known], prepare(d.fisher_information.tolist()))


def _float_and_mpmath(args: Sequence[sp.Symbol], exprs: Any) -> tuple[Callable, Callable]:
    """``exprs`` as a function of ``args`` in floats (``math``) and in mpmath, for
    ``numeric._float_first``."""
    return (sp.lambdify(args, exprs, modules=[EXTRA, "math"]),
            sp.lambdify(args, exprs, modules=[EXTRA, "mpmath"]))


def compiled(d: "Derivation") -> Compiled:
    """The compiled form of ``d``, built on first use and kept on the (immutable) derivation."""
    cache = d.__dict__
    if "_compiled" not in cache:
        cache["_compiled"] = Compiled(d)  # frozen dataclass: set in __dict__, as cached_property does
    return cache["_compiled"]


_LOG_RANGE = 2.0 ** 120  # u in [2⁻¹²⁰, 2¹²⁰]: a product of eight is a normal float, exactly rounded


def sum_of_logs(u: Callable, data: np.ndarray, *args: float) -> float:
    """Σᵢ log u(xᵢ, *args), in blocks, as the sum of the logs of products of eight u's: a
    product costs a multiplication where a log costs ~10, so the 10⁶ logs of a gamma fit take
    0.75 instead of 1.05 ms, and the result is as accurate (each product is rounded seven
    times, ~1e-15 relative; the logs of the n/8 products are summed pairwise). A block whose
    u are not all in [2⁻¹²⁰, 2¹²⁰] (where no product can leave the normal range) is summed
    log by log, so that a u ≤ 0, NaN or ∞ gives NaN or ±∞ exactly as Σ log would: the data
    check relies on it (see ``numeric._support_proofs``; a product of two negative u's is
    positive).

    Examples
    --------
    >>> x = np.random.default_rng(0).gamma(2.0, 1.0, 100_003)
    >>> bool(np.isclose(sum_of_logs(lambda v: v, x), np.log(x).sum(), rtol=1e-14, atol=0))
    True
    >>> sum_of_logs(lambda v: v, np.array([-1.0, -2.0, 3.0, 4.0, 1.0, 1.0, 1.0, 1.0]))
    nan
    """
    total = 0.0
    with np.errstate(all="ignore"):
        for start in range(0, max(data.shape[0], 1), CHUNK):
            block = np.asarray(u(data[start:start + CHUNK], *args), dtype=float)
            m = block.size - block.size % 8
            if m < 1024:  # a small block: its few logs cost less than the products' passes
                total += float(np.log(block).sum())
                continue
            low, high = block.min(), block.max()
            if not (1 / _LOG_RANGE <= low and high <= _LOG_RANGE):
                total += float(np.log(block).sum())
                continue
            half = m // 2
            p = block[:half] * block[half:m]
            p = p[:half // 2] * p[half // 2:]
            p = p[:half // 4] * p[half // 4:]
            total += float(np.log(p).sum()) + float(np.log(block[m:]).sum())
    return total


def sum_of_squares(data: np.ndarray) -> float:
    """Σᵢ xᵢ², block by block, each block's by ``einsum`` (no temporary array: 30% faster than
    ``(x*x).sum()``, to ~1e-16 relative; the block sums are then added pairwise). Integers are
    taken as floats block by block (no overflow of x²).

    Examples
    --------
    >>> sum_of_squares(np.array([1.0, 2.0, 3.0])), sum_of_squares(np.array([3, 4]))
    (14.0, 25.0)
    """
    parts = []
    for start in range(0, max(data.shape[0], 1), CHUNK):
        block = np.asarray(data[start:start + CHUNK], dtype=float)
        parts.append(float(np.einsum("i,i->", block, block)))
    return float(np.sum(parts))


def _floats(block: np.ndarray) -> np.ndarray:
    return np.asarray(block, dtype=float)


def reduce(data: np.ndarray, discrete: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Distinct values and their counts for discrete data (``bincount`` when the range is
    small, else ``unique``); the data themselves otherwise."""
    if not discrete:
        return data, None
    lo, hi = data.min(), data.max()
    if hi - lo < 1_000_000:
        # block by block: no shifted integer copy of the data (O(range) memory, not O(n))
        width = int(hi - lo) + 1
        counts = np.zeros(width, dtype=np.int64)
        for start in range(0, data.size, CHUNK):
            block = data[start:start + CHUNK]
            counts += np.bincount(np.asarray(block - lo if lo else block, dtype=np.int64),
                                  minlength=width)
        values = np.flatnonzero(counts) + lo
        return values.astype(float), counts[counts > 0].astype(float)
    values, counts = np.unique(data, return_counts=True)
    return values.astype(float), counts.astype(float)


class Problem:
    """ℓ, its gradient and Hessian at numeric θ for one data set.

    Everything is computed on first use: a closed-form estimate needs only the statistics it
    uses (:meth:`statistic`), so the reduction of discrete data to counts per value, the other
    statistics and the constants (Σ log xᵢ! for the Poisson) are left until ℓ itself is asked
    for. Integer data (``dtype`` int or bool) are kept as they are until a float is needed.
    """

    def __init__(self, comp: Compiled, data: np.ndarray, known: Sequence[float],
                 discrete: bool, data_sum: float | None = None,
                 feasible: Callable[[Sequence[float]], bool] | None = None) -> None:
        self.comp, self.n, self.known = comp, int(data.size), list(known)
        self.data, self.discrete, self.data_sum = data, discrete, data_sum
        # for a support that moves with θ: whether every observation of the whole sample lies
        # in the support at θ (ℓ = −∞ elsewhere, though the formula of f may be finite there)
        self.feasible = feasible
        self._last: tuple | None = None
        self._statistics: dict[sp.Symbol, float] = {}

    @cached_property
    def _reduced(self) -> tuple[np.ndarray, np.ndarray | None]:
        return reduce(self.data, self.discrete)

    @property
    def values(self) -> np.ndarray:
        """The distinct values (discrete data) or the data as floats."""
        return np.asarray(self._reduced[0], dtype=float)

    @property
    def counts(self) -> np.ndarray | None:
        return self._reduced[1]

    def statistic(self, sym: sp.Symbol) -> float:
        """T = Σ h(xᵢ) for the statistic named ``sym``: Σxᵢ from the data check when given,
        else one pass over the counts per value if discrete data were already reduced, or over
        the data."""
        if sym not in self._statistics:
            j = [s for s, _ in self.comp.statistics].index(sym)
            fn = self.comp.statistics[j][1]
            if self.comp.identity[j] and self.data_sum is not None:
                value = self.data_sum
            elif self.comp.squares[j] and not (self.discrete and "_reduced" in self.__dict__):
                value = sum_of_squares(self.data)
            elif self.discrete and "_reduced" not in self.__dict__:
                # a statistic or two of a closed form: over the data in blocks is cheaper than
                # the reduction to counts per value (a bincount of 10⁶ counts: ~1 ms)
                value = self._sums(fn, self.data, *self.known, transform=_floats, raw=True)
            elif not self.discrete and self.comp.log_args[j] is not None:
                value = sum_of_logs(self.comp.log_args[j], self.values, *self.known)
            else:
                value = self._sums(fn, self.values, *self.known)
            self._statistics[sym] = value
        return self._statistics[sym]

    @property
    def statistics(self) -> dict[sp.Symbol, float]:
        return {sym: self.statistic(sym) for sym, _ in self.comp.statistics}

    @cached_property
    def base(self) -> list[float]:
        return [*self.statistics.values(), self.n, *self.known]

    @cached_property
    def constant(self) -> float:
        """The terms of ℓ free of θ (Σ log xᵢ!, −n/2 log 2π, ...)."""
        total = 0.0
        for fn, coeff in self.comp.constants:
            total += (self._sums(fn, self.values, *self.known) if fn is not None
                      else float(coeff(self.n, *self.known)))
        return total

    def _terms(self, fn: Callable, *args: float) -> Any:
        """Σ of a per-observation term: in u = log x, block by block, where it was compiled so
        (no array of n logarithms is kept: memory beyond the data stays O(1) in n)."""
        return self._sums(fn, self.values, *args, transform=np.log if self.comp.terms_in_log
                          else None)

    def _sums(self, fn: Callable, arg: np.ndarray, *args: float,
              transform: Callable | None = None, raw: bool = False) -> Any:
        """Σᵢ fn(xᵢ, *args) (weighted by the counts of discrete data, unless ``raw``: the data
        themselves): one float, or an array when ``fn`` returns a list. The data are taken in
        blocks (``fn.chunk``, at most :data:`CHUNK`), so that NumPy's temporary arrays stay
        small and in cache instead of n floats each (a Newton step of the logistic went from
        ~35 to ~10 ms at n = 10⁶)."""
        counts, rows, single = None if raw else self.counts, [], False
        size = min(CHUNK, getattr(fn, "chunk", CHUNK))
        for start in range(0, max(arg.shape[0], 1), size):
            a = arg[start:start + size]
            if transform is not None:
                a = transform(a)
            w = None if counts is None else counts[start:start + size]
            out = fn(a, *args)
            single = not isinstance(out, (list, tuple))
            row = []
            for o in ([out] if single else out):
                o = np.asarray(o, dtype=float)
                if o.ndim == 0:  # free of x: the value times the number of observations
                    row.append(float(o) * (a.shape[0] if w is None else float(w.sum())))
                else:
                    row.append(float(o @ w) if w is not None else float(o.sum()))
            rows.append(row)
        sums = np.sum(rows, axis=0)
        return float(sums[0]) if single else sums

    def total(self, fn: Callable, *args: float) -> float:
        """Σᵢ fn(xᵢ, *args) over the data set, in blocks (see :meth:`_sums`)."""
        return self._sums(fn, self.values, *args)

    def value(self, theta: Sequence[float]) -> float:
        if self.feasible is not None and not self.feasible(theta):
            return -math.inf
        last = self._last
        if last is not None and last[0] == tuple(theta) and math.isfinite(last[1][0]):
            return last[1][0]  # ℓ at the point Newton stopped: no second pass over the data
        with np.errstate(all="ignore"):
            try:
                v = float(self.comp.separable_value(*theta, *self.base))
                if self.comp.has_terms:
                    v += self._terms(self.comp.terms_value, *theta, *self.known)
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return -math.inf
        return v if math.isfinite(v) else -math.inf

    def derivatives(self, theta: Sequence[float]) -> tuple[float, np.ndarray, np.ndarray]:
        """ℓ, ∇ℓ and ∇²ℓ in one pass over the data (the last point's are kept: the standard
        errors and the reported ℓ are taken where Newton stopped)."""
        key = tuple(float(t) for t in theta)
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        k = len(theta)
        if self.feasible is not None and not self.feasible(theta):
            return -math.inf, np.full(k, np.nan), np.full((k, k), np.nan)
        with np.errstate(all="ignore"):
            parts = [float(v) for v in self.comp.separable(*theta, *self.base)]
            if self.comp.has_terms and self.comp.factored is not None:
                arrays, coefs, m = self.comp.factored
                sums = self._terms(arrays, *theta, *self.known)
                c = np.array(coefs(*theta, *self.known), dtype=float).reshape(-1, m)
                parts = [p + float(e) for p, e in zip(parts, c @ sums)]
            elif self.comp.has_terms:
                extra = self._terms(self.comp.terms, *theta, *self.known)
                parts = [p + float(e) for p, e in zip(parts, extra)]
        value = parts[0]
        result = value, np.array(parts[1:1 + k]), np.array(parts[1 + k:]).reshape(k, k)
        self._last = (key, result)
        return result
