"""The numeric route for a vector model without a closed-form MLE.

The derivation (:mod:`symmle.constrained`) has already solved each equality constraint for one
parameter, θ = θ(φ), so ℓ restricted to the constraint surface is a function of the free
parameters φ alone, written in the sufficient statistics:

    ℓ(φ) = n·g₀(θ(φ)) + Σ_k g_k(θ(φ))·T_k.

With the statistics of the data put in, ℓ(φ), its gradient and its Hessian are compiled once
(SymPy → Python floats) and maximised by Newton's method with step halving: a step is halved
until every parameter — the free ones and the eliminated ones θ_j(φ) — lies inside its domain and
ℓ does not decrease; where the Hessian is not negative definite the step is a scaled gradient
step instead. The start is the best, by ℓ, of a seeded set of points inside the parameter space
and on the constraint surface; Newton runs from the best three, and several distinct maxima are
reported.

The standard errors come from the observed information of the constrained problem: J = −∂²ℓ/∂φ²
at φ̂ (the Hessian projected on the tangent space of the constraints, in the coordinates φ) and
Cov(θ̂) = G J⁻¹ Gᵀ with G = ∂θ/∂φ — the same matrix as the parameter block of the inverse of the
bordered Hessian of the Lagrangian. Where J is not positive definite there is no standard error
(``None``), and the result says why.

Examples
--------
>>> from symmle.constrained import derive_vector
>>> d = derive_vector("m!/(x1!*x2!*x3!)*p1**x1*p2**x2*p3**x3", var="x1,x2,x3",
...                   params=["p1:(0, 1)", "p2:(0, 1)", "p3:(0, 1)"], known=["m:positive integer"],
...                   support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
...                   constraints=["p1 + p2 + p3 = 1"])
>>> stats = {s.symbol: v for s, v in zip(d.log_likelihood.statistics, (20.0, 30.0, 50.0))}
>>> run = maximise(d, stats, 1, {d.model.known[0]: 100.0})
>>> {k: round(v, 10) for k, v in run.estimates.items()}, run.converged
({'p1': 0.2, 'p2': 0.3, 'p3': 0.5}, True)
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np
import sympy as sp

from .errors import ConvergenceError
from .notation import N
from .numeric import backtrack

if TYPE_CHECKING:  # pragma: no cover
    from .constrained import VectorDerivation

__all__ = ["NumericRun", "maximise", "START_POINTS"]

START_POINTS = 40  # seeded points on the constraint surface compared as starts
MAX_ITER = 200


@dataclass(frozen=True)
class NumericRun:
    """The outcome of :func:`maximise`: θ̂ (every parameter), ℓ(θ̂) on the statistics (without
    the constant Σ c(x_i)), the start and how it was chosen, and the observed standard errors."""

    estimates: dict[str, float]
    value: float
    converged: bool
    iterations: int
    start: dict[str, float]
    start_method: str
    standard_errors: dict[str, float | None]
    warnings: tuple[str, ...]


class _Problem:
    """ℓ(φ), ∇ℓ(φ), ∇²ℓ(φ) on the statistics of one sample, and the parameter space in φ."""

    def __init__(self, d: "VectorDerivation", values: Mapping[sp.Symbol, float]) -> None:
        vm = d.model
        self.free = list(d.free)
        self.params = list(vm.params)
        lfree = d.log_likelihood.expr.xreplace(dict(d.elimination)).xreplace(
            {k: sp.Float(v) for k, v in values.items()})
        grad = [sp.diff(lfree, p) for p in self.free]
        hess = d.hessian_free.xreplace({k: sp.Float(v) for k, v in values.items()})
        self._value = _compile(self.free, lfree)
        self._grad = _compile(self.free, grad)
        self._hess = _compile(self.free, hess.tolist())
        self._theta = _compile(self.free, [d.elimination.get(p, p) for p in self.params])
        self._jac = _compile(self.free, [[sp.diff(d.elimination.get(p, p), q) for q in self.free]
                                         for p in self.params])
        self._bounds = []
        for p in self.params:
            dom = vm.domains[p]
            lo = float(dom.lower) if sp.sympify(dom.lower).is_number else -math.inf
            hi = float(dom.upper) if sp.sympify(dom.upper).is_number else math.inf
            self._bounds.append((lo, hi, dom.left_open, dom.right_open))

    def theta(self, phi: np.ndarray) -> np.ndarray:
        return np.asarray(self._theta(*phi), dtype=float).ravel()

    def inside(self, phi: np.ndarray) -> bool:
        """Every parameter, free or eliminated, strictly inside (or on a closed end of) its
        domain."""
        try:
            theta = self.theta(phi)
        except (ValueError, ZeroDivisionError, OverflowError):
            return False
        for v, (lo, hi, lopen, hopen) in zip(theta, self._bounds):
            if not math.isfinite(v) or v < lo or v > hi or (lopen and v == lo) or (
                    hopen and v == hi):
                return False
        return True

    def value(self, phi: np.ndarray) -> float:
        if not self.inside(phi):
            return -math.inf
        try:
            v = float(self._value(*phi))
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return -math.inf
        return v if math.isfinite(v) else -math.inf

    def derivatives(self, phi: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = len(self.free)
        try:
            g = np.asarray(self._grad(*phi), dtype=float).reshape(k)
            h = np.asarray(self._hess(*phi), dtype=float).reshape(k, k)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return np.full(k, np.nan), np.full((k, k), np.nan)
        return g, h

    def jacobian(self, phi: np.ndarray) -> np.ndarray:
        return np.asarray(self._jac(*phi), dtype=float).reshape(len(self.params), len(self.free))


def _compile(args: Sequence[sp.Symbol], expr: Any) -> Callable[..., Any]:
    return sp.lambdify(list(args), expr, "math")


def _starts(d: "VectorDerivation", prob: _Problem, count: int = START_POINTS,
            ) -> list[np.ndarray]:
    """Seeded points inside the parameter space on the constraint surface (the probe points of
    the derivation's normalization check), best first."""
    from .constrained import _probe_points

    points = _probe_points(d.model, d.elimination, d.free, count=count, seed=7)
    starts = [np.array([float(pt[q]) for q in d.free]) for pt in points]
    starts = [s for s in starts if math.isfinite(prob.value(s))]
    return sorted(starts, key=lambda s: -prob.value(s))


def _newton(prob: _Problem, start: np.ndarray) -> tuple[np.ndarray, bool, int]:
    """Damped Newton ascent with step halving; every iterate stays inside the space."""
    phi = start.copy()
    value = prob.value(phi)
    for it in range(1, MAX_ITER + 1):
        g, h = prob.derivatives(phi)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(h))):
            return phi, False, it
        try:
            step = np.linalg.solve(h, -g)
            newton_ok = float(g @ step) >= 0 and bool(
                np.all(np.linalg.eigvalsh((h + h.T) / 2) < 0))
        except np.linalg.LinAlgError:
            newton_ok = False
        if newton_ok:
            # the Newton decrement g·(−H)⁻¹g is twice ℓ(φ̂) − ℓ(φ) to second order: once it
            # is at rounding level, one last full step (quadratic convergence) finishes
            if float(g @ step) < 1e-12 * max(1.0, abs(value)):
                last = phi + step
                if prob.value(last) >= value - 1e-12 * max(1.0, abs(value)):
                    phi = last
                return phi, True, it
        else:
            step = g / np.maximum(np.abs(np.diag(h)), 1e-12)
        found = backtrack(lambda c, _: prob.value(c), phi, step, value)
        if found is None:
            return phi, False, it
        cand, v, t = found
        moved = float(np.max(np.abs(cand - phi) / (1 + np.abs(phi))))
        phi, value = cand, v
        if newton_ok and t == 1.0 and moved < 1e-13:
            return phi, True, it
    return phi, False, MAX_ITER


def _standard_errors(prob: _Problem, phi: np.ndarray, warnings: list[str],
                     ) -> dict[str, float | None]:
    """√diag(G J⁻¹ Gᵀ), J = −∂²ℓ/∂φ² at φ̂; ``None`` for all when J is not positive
    definite."""
    none: dict[str, float | None] = {p.name: None for p in prob.params}
    g, h = prob.derivatives(phi)
    j = -(h + h.T) / 2
    try:
        if not np.all(np.isfinite(j)) or np.any(np.linalg.eigvalsh(j) <= 0):
            raise np.linalg.LinAlgError
        cov = prob.jacobian(phi) @ np.linalg.inv(j) @ prob.jacobian(phi).T
    except (np.linalg.LinAlgError, ValueError, ZeroDivisionError, OverflowError):
        warnings.append("the observed information on the constraint surface is not positive "
                        "definite at the estimate: no standard errors")
        return none
    out = dict(none)
    for k, p in enumerate(prob.params):
        v = float(cov[k, k])
        # an estimate fixed by the constraints alone has variance 0 up to rounding
        out[p.name] = math.sqrt(max(v, 0.0)) if math.isfinite(v) and v > -1e-12 else None
    return out


def maximise(d: "VectorDerivation", statistics: Mapping[sp.Symbol, float], n: int,
             known: Mapping[sp.Symbol, float]) -> NumericRun:
    """Maximise ℓ on the constraint surface, numerically, for the given statistics.

    Parameters
    ----------
    d
        A derivation whose stationarity equations had no closed-form solution (any derivation
        works; the closed form is not used).
    statistics
        Each statistic's symbol → its value on the data (T_x1 = Σ x1_i, ...).
    n
        The number of observations.
    known
        The known constants' values.

    Raises
    ------
    ConvergenceError
        When ℓ is not finite at any start.
    """
    values = {**statistics, N: n, **known}
    prob = _Problem(d, values)
    warnings: list[str] = []
    starts = _starts(d, prob)
    if not starts:
        raise ConvergenceError("the log-likelihood is not finite at any starting point inside the "
                               "parameter space")
    runs = []
    for s in starts[:3]:
        phi, ok, its = _newton(prob, s)
        runs.append((prob.value(phi), ok, its, phi, s))
    good = [r for r in runs if r[1]] or runs
    top = max(r[0] for r in good)
    # the first (best-started) run that reaches the top, not whichever rounding favours
    best = next(r for r in good if r[0] >= top - 1e-9 * (1 + abs(top)))
    others = [r for r in good if r[1] and best[1]
              and float(np.max(np.abs(r[3] - best[3]) / (1 + np.abs(best[3])))) > 1e-6]
    if others:
        warnings.append(f"the likelihood has several local maxima on the constraint surface: "
                        f"Newton converged to {len(others) + 1} different points; the highest "
                        "is reported")
    value, ok, its, phi, start = best
    if not ok:
        warnings.append("the numeric maximisation did not converge (the maximum may be on the "
                        "boundary of the parameter space)")
        ses: dict[str, float | None] = {p.name: None for p in prob.params}
    else:
        ses = _standard_errors(prob, phi, warnings)
    theta = prob.theta(phi)
    full_start = prob.theta(start)
    method = (f"the best by ℓ of {len(starts)} seeded points inside the parameter space"
              + (" on the constraint surface" if d.model.constraints else ""))
    return NumericRun({p.name: float(v) for p, v in zip(prob.params, theta)}, float(value),
                      bool(ok), int(its),
                      {p.name: float(v) for p, v in zip(prob.params, full_start)}, method, ses,
                      tuple(warnings))
