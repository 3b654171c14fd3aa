"""SymPy → NumPy, once per derivation: the boundary between symbolic and numeric code.

``lambdify`` is the slow part of applying a derivation to data (tens of milliseconds per
expression), so everything ``fit`` evaluates is compiled once and kept on the derivation:
the sufficient statistics h_k(x), the closed-form estimators, the separable part of ℓ with its
gradient and Hessian (in θ and the statistics), the per-observation terms that do not separate
(value, gradient and Hessian in one fused function with common subexpressions shared), and the
Fisher information. A :class:`Problem` then binds one data set: the data are reduced to the
statistics in one pass (discrete data to counts per value, by ``bincount``), and the raw data
are touched again only for terms that do not separate.
"""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, Callable, Sequence

import mpmath
import numpy as np
import sympy as sp

from .notation import N

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation

__all__ = ["Compiled", "Problem", "compiled"]


def _vec(fn: Callable[[float], float]) -> Callable[[Any], Any]:
    def apply(a: Any) -> Any:
        arr = np.asarray(a, dtype=float)
        if arr.ndim == 0:
            return fn(float(arr))
        return np.array([fn(float(v)) for v in arr.ravel()]).reshape(arr.shape)
    return apply


_LGAMMA = _vec(math.lgamma)
EXTRA = {
    "factorial": _vec(lambda v: math.gamma(v + 1)),
    "gamma": _vec(math.gamma),
    "loggamma": _LGAMMA,
    "erf": _vec(math.erf),
    "erfc": _vec(math.erfc),
    "digamma": _vec(lambda v: float(mpmath.digamma(v))),
    "polygamma": lambda k, a: _vec(lambda v: float(mpmath.polygamma(int(k), v)))(a),
    "beta": lambda a, b: np.exp(_LGAMMA(a) + _LGAMMA(b) - _LGAMMA(np.asarray(a) + np.asarray(b))),
}


def prepare(expr: Any) -> Any:
    """log(factorial(.)), log(gamma(.)) → loggamma (no overflow); DiracDelta → 0 (derivatives of
    |x − θ| are taken almost everywhere)."""
    if not isinstance(expr, sp.Basic):
        return expr
    expr = expr.replace(sp.DiracDelta, lambda *args: sp.Integer(0))
    expr = expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.factorial),
                        lambda e: sp.loggamma(e.args[0].args[0] + 1))
    return expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.gamma),
                        lambda e: sp.loggamma(e.args[0].args[0]))


def numpy_fn(args: Sequence[sp.Symbol], expr: Any) -> Callable:
    """A NumPy function of ``args`` (a list of expressions gives a list, sharing subexpressions)."""
    body = [prepare(e) for e in expr] if isinstance(expr, (list, tuple)) else prepare(expr)
    return sp.lambdify(args, body, modules=[EXTRA, "numpy"], cse=isinstance(expr, (list, tuple)))


def _body(s: sp.Sum, x: sp.Symbol) -> sp.Expr:
    indexed = s.function.atoms(sp.Indexed)
    return s.function.xreplace({indexed.pop(): x}) if indexed else s.function


class Compiled:
    """Everything ``fit`` evaluates for one derivation, compiled once."""

    def __init__(self, d: "Derivation") -> None:
        ll, m = d.log_likelihood, d.model
        x, params, known = m.var, list(m.params), list(m.known)
        self.params, self.known, self.var = params, known, x
        self.statistics = [(s.symbol, numpy_fn([x, *known], s.h)) for s in ll.statistics]
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
        if self.has_terms:
            og = [sp.diff(per_obs, p) for p in params]
            oh = [sp.diff(g, q) for g in og for q in params]
            self.terms = numpy_fn([x, *params, *known], [per_obs, *og, *oh])
            self.terms_value = numpy_fn([x, *params, *known], per_obs)
        self.constants = []  # (function of x or None, coefficient expression of n and known)
        for c in sp.Add.make_args(ll.constant):
            if isinstance(c, sp.Sum):
                self.constants.append((numpy_fn([x, *known], _body(c, x)), None))
            elif c != 0:
                self.constants.append((None, numpy_fn([N, *known], c)))
        self.order_statistics = (list(d.solution.support.order_statistics)
                                 if d.solution.support is not None else [])
        self.mle = None
        if d.solution.mle is not None:
            args = [*stat_syms, N, *known, *self.order_statistics]
            self.mle = sp.lambdify(args, [prepare(d.solution.mle[p]) for p in params],
                                   modules=[EXTRA, "mpmath"])
        self.information = None
        if d.fisher_information is not None:
            self.information = sp.lambdify([*params, *known], prepare(d.fisher_information.tolist()),
                                           modules=[EXTRA, "mpmath"])


def compiled(d: "Derivation") -> Compiled:
    """The compiled form of ``d``, built on first use and kept on the (immutable) derivation."""
    cache = d.__dict__
    if "_compiled" not in cache:
        cache["_compiled"] = Compiled(d)  # frozen dataclass: set in __dict__, as cached_property does
    return cache["_compiled"]


def reduce(data: np.ndarray, discrete: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Distinct values and their counts for discrete data (``bincount`` when the range is
    small, else ``unique``); the data themselves otherwise."""
    if not discrete:
        return data, None
    lo, hi = data.min(), data.max()
    if hi - lo < 1_000_000:
        counts = np.bincount((data - lo).astype(np.int64))
        values = np.flatnonzero(counts) + lo
        return values.astype(float), counts[counts > 0].astype(float)
    values, counts = np.unique(data, return_counts=True)
    return values, counts.astype(float)


class Problem:
    """ℓ, its gradient and Hessian at numeric θ for one data set."""

    def __init__(self, comp: Compiled, data: np.ndarray, known: Sequence[float],
                 discrete: bool) -> None:
        self.comp, self.n, self.known = comp, int(data.size), list(known)
        self.values, self.counts = reduce(data, discrete)
        self.statistics = {sym: self._total(fn(self.values, *known))
                           for sym, fn in comp.statistics}
        self.base = [*self.statistics.values(), self.n, *known]
        self.constant = 0.0
        for fn, coeff in comp.constants:
            self.constant += (self._total(fn(self.values, *known)) if fn is not None
                              else float(coeff(self.n, *known)))

    def _total(self, vals: Any) -> float:
        vals = np.broadcast_to(np.asarray(vals, dtype=float), self.values.shape)
        return float(vals @ self.counts if self.counts is not None else vals.sum())

    def value(self, theta: Sequence[float]) -> float:
        with np.errstate(all="ignore"):
            try:
                v = float(self.comp.separable_value(*theta, *self.base))
                if self.comp.has_terms:
                    v += self._total(self.comp.terms_value(self.values, *theta, *self.known))
            except (ValueError, ZeroDivisionError, OverflowError, TypeError):
                return -math.inf
        return v if math.isfinite(v) else -math.inf

    def derivatives(self, theta: Sequence[float]) -> tuple[float, np.ndarray, np.ndarray]:
        """ℓ, ∇ℓ and ∇²ℓ in one pass over the data."""
        k = len(theta)
        with np.errstate(all="ignore"):
            parts = [float(v) for v in self.comp.separable(*theta, *self.base)]
            if self.comp.has_terms:
                extra = self.comp.terms(self.values, *theta, *self.known)
                parts = [p + self._total(e) for p, e in zip(parts, extra)]
        value = parts[0]
        return value, np.array(parts[1:1 + k]), np.array(parts[1 + k:]).reshape(k, k)
