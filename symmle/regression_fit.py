"""``fit`` for conditional models: estimates from a table of responses and covariates.

A closed-form derivation (Gaussian linear regression) is applied to the data reduced to its
sufficient statistics (Σxᵢ, Σyᵢ, Σxᵢyᵢ, Σxᵢ², ...: one NumPy pass each); otherwise a damped
Newton iteration runs on vectorised NumPy versions of Σᵢ log f(yᵢ | xᵢ, θ), its gradient and its
Hessian (for a canonical link this is IRLS). Before either, the data are checked for a flat
direction (collinear or constant covariates); after a Newton run that drifts to infinity, for a
likelihood without a maximum (separated data in logistic regression).

Examples
--------
>>> import numpy as np
>>> x = np.array([0.0, 1.0, 2.0, 3.0]); y = np.array([1.0, 2.9, 5.1, 7.0])
>>> r = fit_conditional("linear_regression", {"y": y, "x": x})
>>> round(r.estimates["b1"], 6), r.method["b1"]
(2.02, 'score')
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np
import sympy as sp

from .compile import numpy_fn
from .conditional import describe_direction, flat_direction
from .errors import (ConvergenceError, DataError, EmptyDataError, ModelSpecError,
                     NonIdentifiableError, NonNumericDataError, NoMaximumError,
                     OutOfSupportError)
from .model import ParamSpec
from .notation import N
from .numeric import FitResult, _check_data, backtrack
from .regression import ConditionalDerivation, derive_conditional

__all__ = ["RegressionFit", "fit_conditional", "fit_table"]


@dataclass(frozen=True)
class RegressionFit(FitResult):
    """A :class:`~symmle.numeric.FitResult` with the covariates named, how the standard errors
    were found, and the time the fit took."""

    covariates: tuple[str, ...] = ()
    information: str = "observed"
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out.update(covariates=list(self.covariates), information=self.information)
        return out


def _arrays(d: ConditionalDerivation, data: Mapping[str, Any]) -> tuple[np.ndarray, list]:
    m = d.model
    names = [m.var.name, *(c.name for c in m.covariates)]
    out = []
    for name in names:
        if name not in data:
            raise DataError(f"the data have no column {name!r} (they have: "
                            f"{', '.join(map(str, data)) or 'none'})", where="data")
        a = np.asarray(data[name], dtype=float).ravel()
        out.append(a)
    n = out[0].size
    if n == 0:
        raise EmptyDataError("no observations: the data are empty")
    for name, a in zip(names, out):
        if a.size != n:
            raise DataError(f"column {name!r} has {a.size} values, the response {n}")
        bad = np.flatnonzero(~np.isfinite(a))
        if bad.size:
            raise NonNumericDataError(f"observation {bad[0] + 1} of {name!r} is {a[bad[0]]}: "
                                      "every value must be a finite number")
    return out[0], out[1:]


def _check_flat(d: ConditionalDerivation, grad: Any, y: np.ndarray, xs: list,
                thetas: Sequence[np.ndarray], known: Sequence[float]) -> None:
    """Non-identifiable on these data: the gradient of every observation's log-density is
    orthogonal to one direction (collinear covariates, a constant covariate, n < k)."""
    rows = []
    for theta in thetas:
        with np.errstate(all="ignore"):
            g = [np.broadcast_to(np.asarray(v, dtype=float), y.shape)
                 for v in grad(y, *xs, *theta, *known)]
        rows.append(np.column_stack(g))
    v = flat_direction(np.vstack(rows), tol=1e-10)
    if v is None:
        return
    params = d.model.params
    raise NonIdentifiableError(
        f"the model is not identifiable from these data: the likelihood is flat along the "
        f"direction {describe_direction(v, params)} (the covariates are collinear or constant, "
        f"or there are fewer observations ({y.size}) than parameters ({len(params)}))")


def _design_matrix(d: ConditionalDerivation, y: np.ndarray, xs: list) -> np.ndarray:
    """X: one row per observation, one column per coefficient (ones for an intercept)."""
    dz = d.design
    fn = numpy_fn(list(d.model.covariates), list(dz.columns))
    with np.errstate(all="ignore"):
        cols = [np.broadcast_to(np.asarray(c, dtype=float), y.shape) for c in fn(*xs)]
    return np.column_stack(cols)


def _check_design(d: ConditionalDerivation, X: np.ndarray) -> None:
    """X must have full column rank: otherwise its null space is a flat direction of ℓ."""
    v = flat_direction(X, tol=1e-10)
    if v is None:
        return
    coefs = d.design.coefficients
    raise NonIdentifiableError(
        f"the model is not identifiable from these data: the design matrix X does not have full "
        f"column rank, so the likelihood is flat along the direction "
        f"{describe_direction(v, coefs)} (the covariates are collinear or constant, or there "
        f"are fewer observations ({X.shape[0]}) than coefficients ({len(coefs)}))")


def _least_squares_fit(d: ConditionalDerivation, y: np.ndarray, xs: list) -> np.ndarray:
    """β̂ = argmin ‖y − Xβ‖² by ``numpy.linalg.lstsq`` (an orthogonal factorisation of X, not
    (XᵀX)⁻¹), then σ̂² = RSS/n (σ̂ = √(RSS/n) for a standard-deviation parameter)."""
    dz = d.design
    X = _design_matrix(d, y, xs)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    rss = float(np.sum((y - X @ beta) ** 2))
    if not rss > 0:
        raise NonIdentifiableError("the closed-form estimate is not finite on these data "
                                   "(a residual sum of squares of 0: the fit is exact)")
    variance = rss / y.size
    values = dict(zip(dz.coefficients, beta))
    values[dz.scale] = variance if dz.power == 1 else math.sqrt(variance)
    return np.array([float(values[p]) for p in d.model.params])


def _start(d: ConditionalDerivation) -> np.ndarray:
    out = []
    for p in d.model.params:
        dom = d.model.domains[p]
        lo, hi = dom.lower, dom.upper
        if lo.is_finite and hi.is_finite:
            out.append(float((lo + hi) / 2))
        elif lo.is_finite:
            out.append(float(lo) + 1.0)
        elif hi.is_finite:
            out.append(float(hi) - 1.0)
        else:
            out.append(0.0)
    return np.array(out)


def _inside(d: ConditionalDerivation, theta: np.ndarray) -> bool:
    for p, v in zip(d.model.params, theta):
        dom = d.model.domains[p]
        if not math.isfinite(v):
            return False
        if dom.lower.is_finite and (v < float(dom.lower) or (v == float(dom.lower)
                                                              and dom.left_open)):
            return False
        if dom.upper.is_finite and (v > float(dom.upper) or (v == float(dom.upper)
                                                              and dom.right_open)):
            return False
    return True


class _Problem:
    """Σᵢ log f, its gradient and Hessian on arrays (vectorised NumPy)."""

    def __init__(self, d: ConditionalDerivation, y: np.ndarray, xs: list,
                 known: Sequence[float]) -> None:
        m = d.model
        args = [*m.data_symbols, *m.params, *m.known]
        logf = d.log_likelihood.log_density
        self.params = m.params
        self.f = numpy_fn(args, logf)
        self.g = numpy_fn(args, [sp.diff(logf, p) for p in m.params])
        k = len(m.params)
        self.h = numpy_fn(args, [d.hessian_summand[a, b] for a in range(k) for b in range(k)])
        self.y, self.xs, self.known, self.k = y, xs, list(known), k

    def _sum(self, v: Any) -> float:
        return float(np.sum(np.broadcast_to(np.asarray(v, dtype=float), self.y.shape)))

    def value(self, theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            v = self._sum(self.f(self.y, *self.xs, *theta, *self.known))
        return v if math.isfinite(v) else -math.inf

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.array([self._sum(v) for v in self.g(self.y, *self.xs, *theta,
                                                          *self.known)])

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            flat = [self._sum(v) for v in self.h(self.y, *self.xs, *theta, *self.known)]
        return np.array(flat).reshape(self.k, self.k)


def _newton(d: ConditionalDerivation, prob: _Problem, theta: np.ndarray,
            max_iter: int = 200) -> tuple[np.ndarray, int, bool]:
    value = prob.value(theta)
    for it in range(1, max_iter + 1):
        g, h = prob.gradient(theta), prob.hessian(theta)
        try:
            step = np.linalg.solve(-h, g)
        except np.linalg.LinAlgError:
            step = g / max(1.0, float(np.max(np.abs(g))))
        if not np.all(np.isfinite(step)):
            return theta, it, False
        if g @ step <= 0:  # not an ascent direction: fall back to the gradient
            step = g / max(1.0, float(np.max(np.abs(g))))
        found = backtrack(lambda c, _: prob.value(c), theta, step, value,
                          lambda c: _inside(d, c), smallest=1e-12)
        if found is None:
            return theta, it, False
        theta, value, t = found
        if np.max(np.abs(t * step) / (1.0 + np.abs(theta))) < 1e-10:
            return theta, it, True
        if np.max(np.abs(theta)) > 1e3:
            return theta, it, False
    return theta, max_iter, False


def _no_maximum(d: ConditionalDerivation, prob: _Problem, theta: np.ndarray,
                start: np.ndarray) -> None:
    """Newton drifted away: if ℓ keeps rising along the drift, the MLE does not exist."""
    direction = theta - start
    norm = float(np.linalg.norm(direction))
    if norm == 0:
        return
    direction = direction / norm
    values = [prob.value(theta + t * direction) for t in (0.0, 1.0, 10.0, 100.0)]
    if all(b >= a - 1e-9 for a, b in zip(values, values[1:])):
        binary = d.model.discrete and set(float(v) for v in d.model.support.values) == {0.0, 1.0}
        what = (" (the data are separated: a linear combination of the covariates splits the "
                "0s from the 1s)" if binary else "")
        raise NoMaximumError(
            f"the MLE does not exist{what}: the log-likelihood increases towards its supremum "
            f"{values[-1]:.6g} as the parameters go to infinity along the direction "
            f"{describe_direction(direction, d.model.params)}")


def _edge_ends(d: ConditionalDerivation, theta: np.ndarray) -> list[float] | None:
    """For each parameter, +1 or −1 (the inward direction) when it sits on a finite end of its
    domain, 0 when inside; None when a parameter is outside or not finite."""
    out = []
    for p, v in zip(d.model.params, theta):
        dom = d.model.domains[p]
        lo, hi = (float(dom.lower) if dom.lower.is_finite else -math.inf,
                  float(dom.upper) if dom.upper.is_finite else math.inf)
        if not math.isfinite(v) or v < lo or v > hi:
            return None
        out.append(1.0 if v == lo else -1.0 if v == hi else 0.0)
    return out


def _edge_limit(d: ConditionalDerivation, prob: _Problem, theta: np.ndarray) -> float | None:
    """ℓ's limit at a closed form on the edge of the parameter space (λ̂ = Σyᵢ/Σtᵢ = 0 when
    every count is 0), when ℓ increases all the way to it; None when the estimate is not on
    an edge or ℓ does not approach it from below. Raises NoMaximumError when ℓ grows without
    bound there (log growth per decade closer)."""
    inward = _edge_ends(d, theta)
    if inward is None or not any(inward):
        return None
    step = np.array(inward)
    near, nearer, nearest = (prob.value(theta + eps * step) for eps in (1e-7, 1e-8, 1e-9))
    if not (math.isfinite(near) and math.isfinite(nearer) and nearer >= near):
        return None
    if (math.isfinite(nearest) and nearest - nearer > 0.5 * (nearer - near)
            and nearest - nearer > 1e-6 * (1 + abs(nearest))):
        names = ", ".join(f"{p.name} → {v:g}" for p, v, s in zip(d.model.params, theta, inward)
                          if s)
        raise NoMaximumError(f"no MLE for these data: the log-likelihood grows without bound "
                             f"as {names}")
    return nearer + (nearer - near) / 9


def _boundary_fit(d: ConditionalDerivation, theta: np.ndarray, value: float, n: int,
                  started: float) -> RegressionFit:
    """The fit at a closed form on the boundary: no Wald standard error there, and a note."""
    m = d.model
    inward = _edge_ends(d, theta) or [0.0] * len(theta)
    edge = [p.name for p, s in zip(m.params, inward) if s]
    names = ", ".join(f"{p.name} = {float(v):g}" for p, v, s in zip(m.params, theta, inward)
                      if s)
    return RegressionFit(
        estimates={p.name: float(v) for p, v in zip(m.params, theta)},
        standard_errors={p.name: None for p in m.params}, log_likelihood=value,
        method={p.name: ("boundary" if p.name in edge else "score") for p in m.params},
        converged=True, n=int(n), iterations=0, start=None,
        warnings=(f"the estimate {names} is on the boundary of the parameter space: the "
                  "log-likelihood increases all the way to it, so the MLE is the boundary "
                  "value; no Wald standard error there",),
        covariates=tuple(c.name for c in m.covariates),
        seconds=time.perf_counter() - started)


def _impossible_row(d: ConditionalDerivation, prob: _Problem, theta: np.ndarray) -> None:
    """ℓ is −∞ or undefined at the estimate: name the first observation whose density is zero,
    negative or undefined there (a negative exposure tᵢ in Poisson(λtᵢ)) and raise."""
    with np.errstate(all="ignore"):
        per_row = np.broadcast_to(np.asarray(prob.f(prob.y, *prob.xs, *theta, *prob.known),
                                             dtype=complex), prob.y.shape)
    bad = np.flatnonzero(~np.isfinite(per_row) | (np.abs(per_row.imag) > 0))
    if bad.size == 0:
        return
    i = int(bad[0])
    m = d.model
    row = ", ".join(f"{s.name} = {float(v[i]):g}"
                    for s, v in zip([m.var, *m.covariates], [prob.y, *prob.xs]))
    at = ", ".join(f"{p.name} = {float(t):g}" for p, t in zip(m.params, theta))
    raise OutOfSupportError(
        f"observation {i + 1} ({row}) has probability zero, or a density that is negative or "
        f"undefined, under the model at the estimate ({at}): these data are not a sample the "
        f"model allows (a covariate out of its range, such as a negative exposure?)")


def fit_conditional(model: Any, data: Mapping[str, Any], *, var: str | None = None,
                    covariates: Sequence[str] | str | None = None, params: ParamSpec = None,
                    known: ParamSpec = None, known_values: Mapping[str, float] | None = None,
                    support: Any = None, timeout: float = 30.0, normalize_check: bool = True,
                    max_iter: int = 200) -> RegressionFit:
    """Fit a conditional model to a table: ``data`` maps the response and each covariate to a
    1-D array.

    Returns
    -------
    RegressionFit
        Estimates, standard errors from the observed information, ℓ(θ̂), method (``score`` for
        a closed form, ``numeric`` for Newton/IRLS), iterations.

    Raises
    ------
    NonIdentifiableError
        Collinear or constant covariates: the message names the flat direction.
    NoMaximumError
        The likelihood has no maximum (separated data in logistic regression).

    Examples
    --------
    >>> import numpy as np
    >>> x = np.array([-1.0, 0.0, 1.0, 2.0]); y = np.array([0.0, 1.0, 0.0, 1.0])
    >>> r = fit_conditional("logistic_regression", {"y": y, "x": x})
    >>> r.converged, r.method["b1"]
    (True, 'numeric')
    """
    started = time.perf_counter()
    d = (model if isinstance(model, ConditionalDerivation) else
         derive_conditional(model, var=var, covariates=covariates, params=params, known=known,
                            support=support, timeout=timeout))
    m = d.model
    y, xs = _arrays(d, data)
    values = dict(known_values or {})
    missing = [k.name for k in m.known if k.name not in values]
    if missing:
        raise ModelSpecError(f"the value of the known constant {missing[0]!r} is needed "
                             f"(known_values={{{missing[0]!r}: ...}})")
    known_list = [float(values[k.name]) for k in m.known]
    _check_data(d, y, {k: values[k.name] for k in m.known})  # type: ignore[arg-type]
    prob = _Problem(d, y, xs, known_list)
    start = _start(d)
    if d.design is not None:
        _check_design(d, _design_matrix(d, y, xs))
    _check_flat(d, prob.g, y, xs, [start, start + 0.37], known_list)
    iterations, converged = 0, True
    if d.design is not None:  # matrix form: least squares on the design matrix
        theta = _least_squares_fit(d, y, xs)
        method = "score"
    elif d.closed_form:
        stats = d.log_likelihood.statistics
        args = [*m.data_symbols]
        totals = {}
        for s in stats:  # one pass over the data for each sufficient statistic
            v = numpy_fn(args, s.h)(y, *xs)
            totals[s.symbol] = float(np.sum(np.broadcast_to(v, y.shape)))
        estimator = numpy_fn([*(s.symbol for s in stats), N, *m.known],
                             [d.mle_symbols[p] for p in m.params])
        with np.errstate(all="ignore"):
            theta = np.array([float(v) for v in estimator(*totals.values(), y.size,
                                                          *known_list)])
        method = "score"
        if not (np.all(np.isfinite(theta)) and _inside(d, theta)):
            edge = _edge_limit(d, prob, theta)
            if edge is None:
                raise NonIdentifiableError("the closed-form estimate is not finite on these "
                                           "data (a residual sum of squares of 0, or a "
                                           "singular design)")
            return _boundary_fit(d, theta, edge, y.size, started)
    else:
        theta, iterations, converged = _newton(d, prob, start, max_iter)
        method = "numeric"
        eig = np.linalg.eigvalsh(-prob.hessian(theta)) if converged else np.zeros(1)
        if not converged or not np.all(eig > 1e-9 * max(1.0, float(np.max(np.abs(eig))))):
            _no_maximum(d, prob, theta, start)  # drifting away, or a flat top: no maximum?
        if not converged:
            raise ConvergenceError(f"Newton's method did not converge in {iterations} "
                                   "iterations")
    value = prob.value(theta)
    if not math.isfinite(value):
        _impossible_row(d, prob, theta)
    h = prob.hessian(theta)
    ses: dict[str, float | None] = {p.name: None for p in m.params}
    try:
        cov = np.linalg.inv(-h)
        ses = {p.name: (math.sqrt(cov[j, j]) if cov[j, j] > 0 else None)
               for j, p in enumerate(m.params)}
    except np.linalg.LinAlgError:
        pass
    return RegressionFit(
        estimates={p.name: float(v) for p, v in zip(m.params, theta)},
        standard_errors=ses, log_likelihood=value,
        method={p.name: method for p in m.params}, converged=converged, n=int(y.size),
        iterations=iterations, start=None if method == "score" else
        {p.name: float(v) for p, v in zip(m.params, start)},
        covariates=tuple(c.name for c in m.covariates),
        seconds=time.perf_counter() - started)


def fit_table(model: Any, path: str, *, var: str | None = None,
              covariates: Sequence[str] | None = None, **kwargs: Any) -> RegressionFit:
    """Read the response and covariate columns of a CSV with a header (``read_table``) and
    fit. ``var`` defaults to the family's response, else ``y``."""
    from .data import read_table
    from .families import conditional_family

    fam = conditional_family(model) if isinstance(model, str) else None
    var = var or (fam.var if fam else "y")
    covs = list(covariates or (fam.covariates if fam else ()))
    if not covs:
        raise ModelSpecError("a conditional model needs at least one covariate (--covariate x)",
                             where="covariate")
    table = read_table(path, [var, *covs])
    kwargs.pop("normalize_check", None)
    return fit_conditional(model, table, var=var, covariates=covs, **kwargs)
