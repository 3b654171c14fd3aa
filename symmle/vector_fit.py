"""Fitting a vector model to data: one row per observation (x₁, …, x_k), by the closed form
that :func:`symmle.constrained.derive_vector` derived, or, where it found none, by maximising ℓ
on the constraint surface numerically (:mod:`symmle.vector_numeric`).

Grouped data (counts per category) is one vector observation: the counts n_AA, n_Aa, n_aa of a
genotype sample are one row, with m = the number of individuals. A known constant that appears
in a support equation (x₁ + x₂ + x₃ = m) and has no value is read from the data when every row
gives it the same value (and the result says so).

Examples
--------
>>> from symmle.constrained import derive_vector
>>> d = derive_vector("m!/(x1!*x2!)*p1**x1*p2**x2", var="x1,x2", params=["p1:(0, 1)", "p2:(0, 1)"],
...                   known=["m:positive integer"], support="x1 + x2 = m, x1, x2 in {0,1,...,m}",
...                   constraints=["p1 + p2 = 1"])
>>> r = fit_vector(d, {"x1": [3, 1, 2], "x2": [1, 3, 2]})
>>> r.estimates, r.known
({'p1': 0.5, 'p2': 0.5}, {'m': 4.0})
"""
from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np
import sympy as sp

from .compile import EXTRA, prepare
from .constrained import VectorDerivation
from .errors import DataError, EmptyDataError, OutOfSupportError
from .numeric import FitResult
from .notation import N

__all__ = ["fit_vector", "VectorFitResult"]


class VectorFitResult(FitResult):
    """A :class:`~symmle.numeric.FitResult` with the known constants used (``known``), and the
    constraints the estimates satisfy."""

    known: dict[str, float]
    constraints: tuple[str, ...]

    def to_text(self) -> str:
        lines = super().to_text().splitlines()
        if self.start is None:  # a closed form: nothing iterated
            lines = [ln for ln in lines if not ln.startswith("converged:")]
        if self.constraints:
            lines.insert(1, "constraints: " + "; ".join(self.constraints))
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["known"] = dict(self.known)
        out["constraints"] = list(self.constraints)
        return out


def _columns(d: VectorDerivation, data: Any) -> np.ndarray:
    names = [v.name for v in d.model.vars]
    if isinstance(data, Mapping):
        missing = [n for n in names if n not in data]
        if missing:
            raise DataError(f"the data has no column {missing[0]!r} (the components are "
                            f"{', '.join(names)})")
        try:
            cols = [np.asarray(data[n], dtype=float).ravel() for n in names]
        except (TypeError, ValueError):
            raise DataError("the data must be numbers") from None
        if len({c.size for c in cols}) != 1:
            raise DataError("the columns have different lengths")
        arr = np.column_stack(cols) if cols[0].size else np.empty((0, len(names)))
    else:
        try:
            arr = np.asarray(data, dtype=float)
        except (TypeError, ValueError):
            raise DataError("the data must be numbers") from None
        if arr.ndim == 1 and arr.size == len(names):
            arr = arr[None, :]
        if arr.ndim != 2 or arr.shape[1] != len(names):
            raise DataError(f"the data must have one row per observation and {len(names)} "
                            f"columns ({', '.join(names)})")
    if arr.shape[0] == 0:
        raise EmptyDataError("no observations")
    if not np.all(np.isfinite(arr)):
        row = int(np.argwhere(~np.isfinite(arr))[0][0])
        raise DataError(f"observation {row + 1} holds a value that is not a finite number")
    return arr


def _known(d: VectorDerivation, arr: np.ndarray, given: Mapping[str, float] | None,
           warnings: list[str]) -> dict[sp.Symbol, float]:
    vm = d.model
    given = dict(given or {})
    out: dict[sp.Symbol, float] = {}
    for k in vm.known:
        if k.name in given:
            out[k] = float(given.pop(k.name))
    if given:
        raise DataError(f"no known constant called {sorted(given)[0]!r} in this model")
    for e in vm.equations:
        missing = [k for k in vm.known if e.has(k) and k not in out]
        if len(missing) != 1:
            continue
        k = missing[0]
        sol = sp.solve(e, k)
        if len(sol) != 1:
            continue
        f = sp.lambdify(vm.vars, sol[0], "numpy")
        values = np.broadcast_to(np.asarray(f(*arr.T), dtype=float), (arr.shape[0],))
        if not np.all(values == values[0]):
            row = int(np.argmax(values != values[0]))
            raise OutOfSupportError(
                f"observation {row + 1} gives {k.name} = {values[row]:g} in "
                f"{sp.Add(*[t for t in sp.Add.make_args(e) if not t.has(k)])} = {k.name}, the "
                f"first gives {values[0]:g}: give {k.name} or rows with the same total")
        out[k] = float(values[0])
        warnings.append(f"{k.name} = {values[0]:g} was read from the data (every observation "
                        f"satisfies {_eq(e, k)})")
    for k in vm.known:
        if k not in out:
            raise DataError(f"the value of the known constant {k.name!r} is missing "
                            f"(give --known {k.name}=VALUE)")
    return out


def _eq(e: sp.Expr, k: sp.Symbol) -> str:
    return f"{sp.Add(*[t for t in sp.Add.make_args(e) if not t.has(k)])} = {k.name}"


def _check_support(d: VectorDerivation, arr: np.ndarray, known: Mapping[sp.Symbol, float]) -> None:
    vm = d.model
    s = vm.component
    lo = float(sp.sympify(s.lower).xreplace(known)) if s.lower.is_finite is not False else -math.inf
    hi = float(sp.sympify(s.upper).xreplace(known)) if s.upper.is_finite is not False else math.inf
    bad = (arr < lo) | (arr > hi)
    if s.discrete:
        bad |= arr != np.round(arr)
    if s.kind == "finite":
        bad |= ~np.isin(arr, [float(v) for v in s.values])
    for e in vm.equations:
        f = sp.lambdify(vm.vars, e.xreplace(known), "numpy")
        bad[:, 0] |= np.broadcast_to(np.abs(np.asarray(f(*arr.T), dtype=float)) > 1e-9,
                                     (arr.shape[0],))
    if bad.any():
        row = int(np.argwhere(bad.any(axis=1))[0][0])
        raise OutOfSupportError(f"observation {row + 1} ({', '.join(f'{v:g}' for v in arr[row])}) "
                                f"is outside the support {vm.describe_support()}")


def _numeric_standard_errors(d: VectorDerivation, theta: Mapping[sp.Symbol, float],
                             values: Mapping[sp.Symbol, float]) -> dict[str, float | None]:
    """√diag(G J⁻¹ Gᵀ) at θ̂, numerically: J = −∂²ℓ/∂φ² in the free parameters, G = ∂θ/∂φ."""
    vm = d.model
    free = list(d.free)
    h = sp.lambdify(free, d.hessian_free.xreplace(dict(values)).tolist(), "math")
    g = sp.lambdify(free, [[sp.diff(d.elimination.get(p, p), q) for q in free]
                           for p in vm.params], "math")
    phi = [theta[q] for q in free]
    try:
        j = -np.array(h(*phi), dtype=float).reshape(len(free), len(free))
        gm = np.array(g(*phi), dtype=float).reshape(len(vm.params), len(free))
        cov = gm @ np.linalg.inv(j) @ gm.T
    except (ValueError, ZeroDivisionError, OverflowError, np.linalg.LinAlgError):
        return {}
    out: dict[str, float | None] = {}
    for k, p in enumerate(vm.params):
        v = float(cov[k, k])
        out[p.name] = math.sqrt(v) if v >= 0 and math.isfinite(v) else None
    return out


def fit_vector(d: VectorDerivation, data: Any, *,
               known_values: Mapping[str, float] | None = None) -> VectorFitResult:
    """Estimates, standard errors and ℓ(θ̂) of a vector model from its observations.

    Parameters
    ----------
    d
        The derivation (:func:`symmle.constrained.derive_vector`).
    data
        A mapping component name → values, or an array with one row per observation.
    known_values
        Values of known constants; one fixed by a support equation may be left out.

    Raises
    ------
    DataError, OutOfSupportError
        With the observation's position.
    ConvergenceError
        Without a closed form, when ℓ is not finite at any start (the numeric route of
        :mod:`symmle.vector_numeric` maximises ℓ on the constraint surface otherwise, and says
        whether it converged).

    Examples
    --------
    >>> from symmle.constrained import derive_vector
    >>> d = derive_vector("p**x1*(1-p)**x2", var="x1,x2", params=["p:(0, 1)"],
    ...                   support="x1 + x2 = 1, x1, x2 in {0,1}")
    >>> fit_vector(d, [[1, 0], [1, 0], [0, 1], [1, 0]]).estimates
    {'p': 0.75}
    """
    arr = _columns(d, data)
    warnings: list[str] = []
    known = _known(d, arr, known_values, warnings)
    _check_support(d, arr, known)
    vm, ll = d.model, d.log_likelihood
    n = arr.shape[0]
    stats = {}
    for s in ll.statistics:
        h = sp.lambdify(vm.vars, s.h.xreplace(known), "numpy")
        stats[s.symbol] = float(np.sum(np.broadcast_to(np.asarray(h(*arr.T), dtype=float), (n,))))
    values = {**stats, N: n, **known}
    run, edge = None, []
    if d.estimates is None:
        from .vector_numeric import maximise

        run = maximise(d, stats, n, known)
        warnings.extend(run.warnings)
        estimates = dict(run.estimates)
        theta = {p: estimates[p.name] for p in vm.params}
        ses: dict[str, float | None] = dict(run.standard_errors)
    else:
        raw = {p: d.solution[p] for p in vm.params}
        estimates = {p.name: float(sp.sympify(e).xreplace(values)) for p, e in raw.items()}
        theta = {p: estimates[p.name] for p in vm.params}
        edge = [p.name for p in vm.params
                if vm.domains[p].contains(sp.Float(theta[p])) is not True]
        if edge:
            warnings.append(f"the estimate of {', '.join(edge)} is on the boundary of the "
                            "parameter space (a category with no observations): no standard "
                            "error there")
        ses = {p.name: None for p in vm.params}
        if not edge:
            ses.update(_numeric_standard_errors(d, theta, {**stats, N: n, **known}))
    try:
        # the statistics go in first, so that a category with no observations drops out
        # (0·log θ = 0, the limit): ℓ stays finite at an estimate on the boundary
        lfun = sp.lambdify(list(vm.params), ll.expr.xreplace({N: n, **known, **stats}), "math")
        value = float(lfun(*theta.values()))
        if ll.constant != 0:
            body = ll.constant.function.xreplace(
                {sp.IndexedBase(v.name)[ll.constant.limits[0][0]]: v for v in vm.vars})
            # log k! → loggamma(k + 1) before k gets its value (171! overflows a float): the
            # same preparation as every compiled function (compile.prepare)
            c = sp.lambdify(vm.vars, prepare(body).xreplace(known), [EXTRA, "math"])
            value += float(sum(c(*map(float, row)) for row in arr))
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        value = -math.inf
    if run is None:
        method = {p: ("boundary" if p in edge else "lagrange" if vm.constraints else "score")
                  for p in d.parameters}
        result = VectorFitResult(estimates, ses, value, method, True, n, 0, None,
                                 tuple(warnings), None)
    else:
        method = {p: "numeric" for p in d.parameters}
        result = VectorFitResult(estimates, ses, value, method, run.converged, n, run.iterations,
                                 run.start, tuple(warnings), None, run.start_method)
    object.__setattr__(result, "known", {k.name: v for k, v in known.items()})
    object.__setattr__(result, "constraints",
                       tuple(f"{c} = 0" for c in vm.constraints))
    return result
