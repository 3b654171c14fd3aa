"""The numeric stage: apply a derivation to data.

The data are reduced once to the sufficient statistics T_k = Σ h_k(x_i) (NumPy; discrete data
through their distinct values and counts). A closed-form MLE is then one compiled expression of
the statistics, and of the order statistics it uses (min, max, or the median by an exact O(n)
selection) with any sum that involves them (Σ|xᵢ − x̃| for the Laplace scale: one more pass).
Without one, a damped Newton iteration on ℓ runs from the best of a grid of
starting values scaled to the data, keeping every iterate inside the parameter space, on the
statistics for the separable part and on the raw data only for terms that do not separate.
Standard errors come from the expected information at θ̂ where it is known in closed form, else
from the observed information.
"""
from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from typing import Any, Callable, Collection, Mapping, Sequence

import mpmath
import numpy as np
import sympy as sp

from .bounded import bounded
from .compile import EXTRA, Problem, compiled, prepare
from .derivation import Derivation, derive
from .errors import (ConvergenceError, DataError, DerivationTimeout, EmptyDataError,
                     ModelSpecError, NoMaximumError, NonNumericDataError, NonUniqueMLEError,
                     OutOfSupportError, SymmleError)
from .notation import N
from .render import strict_json

SUBSAMPLE = 4000  # observations used to compare starting values when terms do not separate
RANKING = 1000  # observations used to rank the grid of starting values

__all__ = ["FitResult", "fit"]


class _OnFirstUse:
    """A dataclass field whose value may be given as a function of no arguments, called on
    first access and then kept (its closure, which holds the data, is released). ℓ(θ̂) is
    such a field: a closed-form estimate needs only its own statistics, and the rest of ℓ
    (every other statistic, Σ log xᵢ!, ...) is computed only when it is read."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            raise AttributeError(self.slot)  # no class-level default: the field is required
        value = obj.__dict__[self.slot]
        if callable(value):
            value = value()
            obj.__dict__[self.slot] = value
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


@dataclass(frozen=True)
class FitResult:
    """Estimates from data.

    Attributes
    ----------
    estimates
        Parameter name → θ̂.
    standard_errors
        Parameter name → asymptotic standard error, or ``None`` where it cannot be computed.
    log_likelihood
        ℓ(θ̂), constants included; computed on first access for a closed form (from the data,
        which the result keeps until then; a :class:`DataError` is raised if they were changed
        in between).
    method
        Parameter name → ``"score"`` (closed form from the likelihood equations),
        ``"support"`` (an order statistic), ``"median"`` (the sample median),
        ``"boundary"`` or ``"numeric"`` (Newton, or Nelder–Mead where ℓ is not smooth).
    converged
        Whether the numeric route converged (always True for a closed form that is finite).
    n
        Number of observations.
    iterations
        Newton iterations (0 for a closed form).
    start
        Where the numeric route started (``None`` for a closed form).
    warnings
        Boundary estimates, several local maxima, no convergence, ...
    start_method
        How the start was chosen: ``"method of moments"`` (E[Xʲ] = mⱼ solved in closed form)
        or ``"grid"`` (the best of a data-scaled grid; the reason the method of moments was
        not used is then in ``derivation``'s moment start); ``None`` for a closed form.
    """

    estimates: dict[str, float]
    standard_errors: dict[str, float | None]
    log_likelihood: float = _OnFirstUse()  # type: ignore[assignment]
    method: dict[str, str]
    converged: bool
    n: int
    iterations: int = 0
    start: dict[str, float] | None = None
    warnings: tuple[str, ...] = ()
    derivation: Derivation | None = field(default=None, repr=False, compare=False)
    start_method: str | None = None

    def __getstate__(self) -> dict:
        """Pickled with ℓ computed (a function of the data cannot be pickled)."""
        state = dict(self.__dict__)
        state["_log_likelihood"] = self.log_likelihood
        return state

    def wald_intervals(self, level: float = 0.95) -> dict[str, tuple[float, float] | None]:
        """θ̂ ± z·se for each parameter.

        Examples
        --------
        >>> r = fit("poisson", [1, 2, 3, 4])
        >>> [round(v, 3) for v in r.wald_intervals()["lambda"]]
        [0.951, 4.049]
        """
        z = math.sqrt(2) * float(mpmath.erfinv(level))
        out: dict[str, tuple[float, float] | None] = {}
        for k, v in self.estimates.items():
            se = self.standard_errors.get(k)
            out[k] = None if se is None else (v - z * se, v + z * se)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {"estimates": self.estimates, "standard_errors": self.standard_errors,
                "log_likelihood": self.log_likelihood, "method": self.method,
                "converged": self.converged, "n": self.n, "iterations": self.iterations,
                "start": self.start, "start_method": self.start_method,
                "wald_intervals_95": {k: None if v is None else list(v)
                                      for k, v in self.wald_intervals().items()},
                "warnings": list(self.warnings)}

    def to_json(self, indent: int | None = 2) -> str:
        """The result as JSON; a number that is not finite (ℓ of a sample with no MLE) is
        ``null``, since JSON has no NaN or Infinity."""
        return json.dumps(strict_json(self.to_dict()), indent=indent, ensure_ascii=False,
                          allow_nan=False)

    def to_text(self) -> str:
        lines = [f"n = {self.n}", f"log-likelihood = {self.log_likelihood:.10g}",
                 f"{'parameter':<12} {'estimate':>16} {'std. error':>14}  method"]
        for k, v in self.estimates.items():
            se = self.standard_errors.get(k)
            lines.append(f"{k:<12} {v:>16.10g} {'n/a' if se is None else format(se, '.6g'):>14}"
                         f"  {self.method[k]}")
        if not all(m in ("score", "median") for m in self.method.values()):
            lines.append(f"converged: {self.converged} after {self.iterations} iterations")
        if self.start is not None:
            start = ", ".join(f"{k} = {v:.6g}" for k, v in self.start.items())
            lines.append(f"start: {start} ({self.start_method})")
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# the pieces of fit


def _known_values(d: Derivation, known_values: Mapping[str, float] | None
                  ) -> dict[sp.Symbol, float]:
    given = dict(known_values or {})
    out = {}
    for k in d.model.known:
        if k.name not in given:
            raise ModelSpecError(f"known constant {k.name!r} needs a value: give "
                                 f"--known {k.name}=VALUE (known_values={{'{k.name}': ...}})")
        try:
            value = float(given.pop(k.name))
        except (TypeError, ValueError):
            raise ModelSpecError(f"the value of {k.name!r} must be a number") from None
        if not math.isfinite(value) or not _known_inside(d, k, value):
            raise ModelSpecError(f"{k.name} = {value:g} is outside its domain "
                                 f"{d.model.domains[k].describe()}")
        out[k] = value
    if given:
        raise ModelSpecError(f"{sorted(given)[0]!r} is not a known constant of this model")
    return out


def _as_array(data: Any, discrete: bool) -> np.ndarray:
    """The data as a NumPy array: integers (and booleans) stay integers for a discrete model,
    which makes the check that they are whole numbers free; anything else becomes float."""
    if isinstance(data, np.ndarray) and discrete and data.dtype.kind in "biu":
        return data.astype(np.int64) if data.dtype.kind == "b" else data
    try:
        return np.asarray(data, dtype=float)
    except (TypeError, ValueError):
        raise DataError("the data must be numbers") from None


def _memo(d: Derivation, key: tuple, compute: Any) -> Any:
    """``compute()`` kept on the derivation under ``key``: the SymPy work that depends only on
    the known constants' values (a bounded table: a fit loop over many values stays small)."""
    table = d.__dict__.setdefault("_fit_memo", {})
    if key not in table:
        if len(table) > 256:
            table.clear()
        table[key] = compute()
    return table[key]


def _known_inside(d: Derivation, k: sp.Symbol, value: float) -> bool:
    return _memo(d, ("domain", k, value),
                 lambda: d.model.domains[k].contains(sp.Float(value)) is not False)


def _finite_values(supp: Any) -> np.ndarray | None:
    """A finite support's values, or ``None`` when it is consecutive integers (then checked as
    a range of whole numbers: a min and a max, not a search in a set)."""
    if supp.kind != "finite":
        return None
    values = np.array(sorted(float(v) for v in supp.values))
    whole = np.array_equal(values, np.floor(values))
    return None if whole and np.all(np.diff(values) == 1) else values


def _sum_and_range(data: np.ndarray) -> tuple[float, float | None, float | None]:
    """Σxᵢ, and for integers a value no observation is below (the minimum, or 0) and the
    maximum, which the sum needs: an integer sum is exact and fast, but wraps around on
    overflow. Read as unsigned, a negative integer is huge, so one pass gives the maximum and
    whether every x >= 0."""
    if data.dtype.kind not in "iu":
        return float(np.sum(data)), None, None
    top = float(data.view(np.dtype(f"u{data.dtype.itemsize}")).max())
    if top < 2.0 ** (8 * data.dtype.itemsize - 1):
        below = 0.0
    else:
        below, top = float(data.min()), float(data.max())
    big = max(abs(below), abs(top)) * data.size >= 2.0 ** 62
    return float(np.sum(data, dtype=float) if big else data.sum()), below, top


def _check_data(d: Derivation, data: np.ndarray, known: Mapping[sp.Symbol, float],
                seen: dict[str, float] | None = None, need_sum: bool = True,
                proved: Collection[str] = ()) -> float | None:
    """Finite numbers inside the support; fast when they are (a sum, a min and a max), and
    the first offending observation located only when there is one. Returns Σxᵢ (the
    finiteness test), which is also a sufficient statistic of many models; the minimum and
    maximum, where they were computed, go into ``seen`` (order statistics of the MLE). With
    ``need_sum=False`` (an estimator that does not use Σxᵢ: x_min, x_max, Σ log xᵢ), a finite
    minimum and maximum show that every observation is finite (NaN makes both NaN), and
    ``None`` is returned instead of a sum nobody needs.

    ``proved`` names what a statistic the caller computes anyway will prove: ends of an
    interval support ("lower", "upper"), every observation finite ("finite"; see
    :func:`_support_proofs`): these are not checked here, and the caller must confirm them
    (:func:`_confirm_proofs`)."""
    seen = {} if seen is None else seen
    if data.ndim != 1:
        raise DataError(f"the data must be one-dimensional, not of shape {data.shape}")
    if data.size == 0:
        raise EmptyDataError("no observations: the data are empty")
    if "finite" in proved and not need_sum and data.dtype.kind == "f":
        _check_support(d, data, known, seen, None, None, proved)
        return None
    if not need_sum and data.dtype.kind == "f":
        first, last = float(data.min()), float(data.max())
        if math.isfinite(first) and math.isfinite(last):
            seen.update(min=first, max=last)
            _check_support(d, data, known, seen, None, None)
            return None
    total, below, top = _sum_and_range(data)
    if not math.isfinite(total):  # NaN and inf propagate (or the sum overflows)
        bad = np.flatnonzero(~np.isfinite(data))
        if bad.size:
            raise NonNumericDataError(f"observation {bad[0] + 1} is {data[bad[0]]}: every "
                                      "observation must be a finite number")
    _check_support(d, data, known, seen, below, top, proved)
    return total


def _support_proofs(d: Derivation, known: Mapping[sp.Symbol, float],
                    computed: Collection[sp.Symbol]) -> dict[str, sp.Symbol]:
    """What the data check can leave to a statistic among ``computed`` (those the fit
    computes anyway), each with the statistic: "lower" and "upper", ends of an interval
    support, and "finite", every observation finite. Σ log(xᵢ − a) is finite only when every
    xᵢ is finite and above a (one xᵢ ≤ a or NaN makes it NaN or −∞, an infinite one +∞), and
    Σ log(b − xᵢ) likewise for xᵢ < b; a sum of a polynomial in x (Σxᵢ², ...), of its absolute
    value or of a positive power of it is finite only when every xᵢ is. Such a check needs no
    pass of its own over the data (the gamma's Σ log xᵢ shows x > 0, the beta's two
    statistics 0 < x < 1, the Rayleigh's Σxᵢ² that no xᵢ is NaN or infinite).

    Examples
    --------
    >>> from symmle import derive
    >>> d = derive("beta")
    >>> sorted(_support_proofs(d, {}, [s.symbol for s in d.log_likelihood.statistics]))
    ['finite', 'lower', 'upper']
    """
    def find() -> dict[str, sp.Symbol]:
        m = d.model
        subs = {k: _number(v) for k, v in known.items()}
        supp = _support_at(d, known)
        if supp.kind != "interval" or supp.free_symbols:
            return {}
        x, out = m.var, {}
        ends = {"lower": (supp.lower, lambda e: x - e), "upper": (supp.upper, lambda e: e - x)}

        def polynomial(e: sp.Expr) -> bool:  # of degree ≥ 1 in x: ±∞ or NaN at x = ±∞
            return e.has(x) and e.is_polynomial(x) and sp.degree(e, x) >= 1
        for s in d.log_likelihood.statistics:
            h = sp.sympify(s.h).xreplace(subs)
            if s.symbol not in computed:
                continue
            if polynomial(h) or (isinstance(h, (sp.Abs, sp.log)) and polynomial(h.args[0])) or (
                    isinstance(h, sp.Pow) and polynomial(h.base) and h.exp.is_number
                    and h.exp.is_positive):
                out.setdefault("finite", s.symbol)
            if h.func != sp.log:
                continue
            arg = h.args[0]
            if not (polynomial(arg) and sp.degree(arg, x) == 1):  # c·(x − a): cancel is enough
                continue
            for end, (at, gap) in ends.items():
                if end in out or not sp.sympify(at).is_finite:
                    continue
                ratio = sp.cancel(arg / gap(at))
                if ratio.is_number and ratio.is_positive:
                    out[end] = s.symbol
        return out
    return _memo(d, ("proofs", *known.items(), frozenset(computed)), find)


def _confirm_proofs(d: Derivation, prob: Problem, known: Mapping[sp.Symbol, float],
                    proofs: Mapping[str, sp.Symbol]) -> None:
    """Compute the statistics that stood for the data check's passes (see
    :func:`_support_proofs`); one that is not finite sends the data through the full check,
    which names the offending observation."""
    with np.errstate(all="ignore"):
        ok = all(math.isfinite(prob.statistic(sym)) for sym in set(proofs.values()))
    if not ok:
        _check_data(d, prob.data, known, {}, True)


def _whole(data: np.ndarray) -> bool:
    """Every observation a whole number, checked block by block (no copy of the data)."""
    from .compile import CHUNK

    return all(np.array_equal(block, np.floor(block))
               for block in (data[k:k + CHUNK] for k in range(0, data.size, CHUNK)))


def _number(v: float) -> sp.Expr:
    """A known constant's value as SymPy shows it: 3, not 3.00000000000000."""
    return sp.Integer(int(v)) if float(v).is_integer() else sp.Float(v)


def _support_at(d: Derivation, known: Mapping[sp.Symbol, float]) -> Any:
    """The support with the known constants' values in (kept per derivation and values)."""
    return _memo(d, ("support", *known.items()),
                 lambda: d.model.support.subs({k: _number(v) for k, v in known.items()}))


def _check_support(d: Derivation, data: np.ndarray, known: Mapping[sp.Symbol, float],
                   seen: dict[str, float], below: float | None, top: float | None,
                   proved: Collection[str] = ()) -> None:
    """The observations, known to be finite, inside the support (see :func:`_check_data`):
    ``below`` is a value no observation is below, ``top`` the maximum, where known; the ends
    in ``proved`` are left to the statistics that prove them."""
    m = d.model
    supp = _support_at(d, known)
    if _memo(d, ("moves", *known.items()), lambda: bool(supp.free_symbols)):
        # a support that moves with θ: the order statistics decide, but an end that does not
        # move (the 0 of 0 < x < θ) is checked here, rather than leaving no feasible θ
        if supp.kind != "interval":
            return
        for end, is_open, side in ((supp.lower, supp.left_open, "min"),
                                   (supp.upper, supp.right_open, "max")):
            end = sp.sympify(end)
            if end.free_symbols or not end.is_finite:
                continue
            if side not in seen:
                seen[side] = float(data.min() if side == "min" else data.max())
            first, bound = seen[side], float(end)
            if side == "min" and (first < bound or (first == bound and is_open)) or \
                    side == "max" and (first > bound or (first == bound and is_open)):
                k = int(np.argmin(data) if side == "min" else np.argmax(data))
                raise OutOfSupportError(f"observation {k + 1} (value {data[k]:g}) is outside "
                                        f"the support {supp.describe(m.var.name)}")
        return
    allowed = _memo(d, ("values", *known.items()), lambda: _finite_values(supp))
    if allowed is not None:
        outside = ~np.isin(data, allowed)
    else:  # an interval, the integers in one, or a finite set of consecutive integers
        lo, hi = _memo(d, ("ends", *known.items()), lambda: (
            (float(min(supp.values)), float(max(supp.values))) if supp.kind == "finite"
            else (float(supp.lower), float(supp.upper))))
        open_lo = supp.kind == "interval" and supp.left_open
        open_hi = supp.kind == "interval" and supp.right_open
        inside = True  # an infinite end needs no pass over the data (finiteness is checked)

        def above_lo(first: float) -> bool:
            return first > lo or (first == lo and not open_lo)
        if math.isfinite(lo) and "lower" not in proved:
            if below is not None and above_lo(below):
                inside = True
            else:
                if "min" not in seen:
                    seen["min"] = float(data.min())
                inside = above_lo(seen["min"])
        if top is not None:
            seen["max"] = top
        if inside and math.isfinite(hi) and "upper" not in proved:
            if "max" not in seen:
                seen["max"] = float(data.max())
            inside = seen["max"] < hi or (seen["max"] == hi and not open_hi)
        if inside and (supp.kind == "interval" or data.dtype.kind in "iu" or _whole(data)):
            return
        outside = (data < lo) | (data > hi) | ((data == lo) & open_lo) | ((data == hi) & open_hi)
        if supp.kind != "interval":
            outside |= data != np.floor(data)
    where = np.flatnonzero(outside)
    if where.size:
        k = where[0]
        raise OutOfSupportError(
            f"observation {k + 1} (value {data[k]:g}) is outside the support "
            f"{supp.describe(m.var.name)}" + (f" ({where.size} observations in all)"
                                              if where.size > 1 else ""))


def _in_domain(d: Derivation, theta: Sequence[float]) -> bool:
    ends = _memo(d, ("domain ends",), lambda: [
        (float(d.model.domains[p].lower), float(d.model.domains[p].upper)) for p in d.model.params])
    return all(lo < v < hi for (lo, hi), v in zip(ends, theta))


def _on_edge(d: Derivation, name: str, value: float) -> bool:
    dom = d.model.domains[d.model.symbol(name)]
    return any(math.isfinite(float(e)) and value == float(e) for e in (dom.lower, dom.upper))


def _no_maximum_at_infinity(d: Derivation, estimates: dict[str, float]) -> None:
    """A closed form that is ±∞ where the parameter's domain is open to infinity (θ̂ = log x̄
    on a sample of zeros): ℓ increases all the way out, its supremum is not attained, and
    there is no MLE. Raises NoMaximumError saying so; returns otherwise."""
    for p in d.model.params:
        v, dom = estimates[p.name], d.model.domains[p]
        end = dom.lower if v < 0 else dom.upper
        if math.isinf(v) and sp.sympify(end).is_infinite:
            raise NoMaximumError(
                f"no MLE for this sample: the closed form gives {p.name} = {v:g}, so the "
                f"log-likelihood increases without reaching a maximum as {p.name} → "
                f"{'-' if v < 0 else ''}oo (the condition of the derivation's boundary check "
                "fails: for instance, every observation at one end of the support, or all of "
                "them equal)")


def _snap_to_edge(d: Derivation, estimates: dict[str, float]) -> dict[str, float] | None:
    """A numeric estimate within 10⁻⁶ (relative) of a finite end of its parameter's domain, put
    on that end (p ≈ 4·10⁻⁹ → p = 0); None when no estimate is that close. Whether the maximum
    is there is for :func:`_boundary` to decide, from ℓ approaching the end."""
    snapped, moved = dict(estimates), False
    for p in d.model.params:
        dom, v = d.model.domains[p], estimates[p.name]
        for end in (dom.lower, dom.upper):
            e = float(end)
            if math.isfinite(e) and math.isfinite(v) and abs(v - e) < 1e-6 * (1 + abs(e)):
                snapped[p.name], moved = e, True
    return snapped if moved else None


def _edge_value(d: Derivation, prob: Problem, estimates: dict[str, float]) -> float | None:
    """ℓ (without its constant) at an estimate on the edge, exactly: the statistics go in
    first, so a term whose statistic is 0 drops out (0·log(1 − p) at p = 1 with every
    observation a success), then the parameters. None where ℓ has terms that do not separate
    or the value is not finite."""
    ll = d.log_likelihood
    if ll.nonseparable:
        return None
    try:
        values = {sym: sp.Rational(v) for sym, v in prob.statistics.items()}
        values.update({N: sp.Integer(prob.n)})
        values.update({k: sp.Rational(v) for k, v in zip(d.model.known, prob.known)})
        at = {p: sp.Rational(estimates[p.name]) for p in d.model.params}
        expr = ll.expr.xreplace(values)
        value = bounded(lambda: float(sp.N(expr.xreplace(at))), seconds=1.0,
                        what="ℓ on the boundary")
        edge = [p for p in d.model.params if _on_edge(d, p.name, estimates[p.name])]
        if not math.isfinite(value) and len(edge) == 1:  # 0·∞ there: the one-sided limit
            (p,) = edge
            side = "-" if estimates[p.name] == float(d.model.domains[p].upper) else "+"
            rest = expr.xreplace({q: v for q, v in at.items() if q != p})
            value = bounded(lambda: float(sp.N(sp.limit(rest, p, at[p], side))), seconds=2.0,
                            what="ℓ on the boundary")
    except (DerivationTimeout, TypeError, ValueError, ZeroDivisionError, OverflowError,
            NotImplementedError):
        return None
    return value if math.isfinite(value) else None


def _boundary(d: Derivation, prob: Problem, estimates: dict[str, float]
              ) -> tuple[float, str | None]:
    """A closed-form root on the edge of the parameter space (p̂ = 1 with all successes):
    ℓ there is a one-sided limit, and the score must point outward for it to be the maximum."""
    params = d.model.params
    if not all(math.isfinite(v) for v in estimates.values()):
        return math.nan, None
    edge = [p for p in params if _on_edge(d, p.name, estimates[p.name])]
    outside = [p for p in params if not _on_edge(d, p.name, estimates[p.name])
               and d.model.domains[p].contains(sp.Float(estimates[p.name])) is False]
    if not edge or outside:
        return math.nan, None
    eps = 1e-7
    theta = np.array([estimates[p.name] for p in params], dtype=float)
    inward = np.array([(-1.0 if estimates[p.name] == float(d.model.domains[p].upper) else 1.0)
                       if p in edge else 0.0 for p in params])
    near = prob.value(theta + eps * inward)
    nearer = prob.value(theta + eps / 10 * inward)
    if not (math.isfinite(near) and math.isfinite(nearer) and nearer >= near):
        return math.nan, None
    nearest = prob.value(theta + eps / 100 * inward)
    if (math.isfinite(nearest) and nearest - nearer > 0.5 * (nearer - near)
            and nearest - nearer > 1e-6 * (1 + abs(nearest))):
        # ℓ gains as much per decade closer as before (log growth, as for σ² → 0 when every
        # observation is equal): it has no finite supremum, so there is no MLE
        names = ", ".join(f"{p.name} → {estimates[p.name]:g}" for p in edge)
        raise NoMaximumError(
            f"no MLE for this sample: the log-likelihood grows without bound as {names} (it "
            f"gains {nearest - nearer:.3g} each time the distance to the boundary is divided "
            "by 10); the sample is degenerate for this model (for example, every observation "
            "equal, or too few observations)")
    exact = _edge_value(d, prob, estimates)
    # the limit of a linear-in-distance approach, where ℓ at the edge cannot be had exactly
    limit = exact if exact is not None else nearer + (nearer - near) / 9
    names = ", ".join(f"{p.name} = {estimates[p.name]:g}" for p in edge)
    return limit, (f"the estimate {names} is on the boundary of the parameter space: the "
                   "log-likelihood increases all the way to it (the score points outward), so "
                   "the interior condition of the derivation fails and the MLE is the boundary "
                   "value; no Wald standard error there")


def _inside_on_sample(d: Derivation, prob: Problem, root: dict) -> bool | None:
    """Whether a root of the likelihood equations (in the statistics) is a real point of the
    parameter space on this sample; ``None`` when it cannot be evaluated."""
    ll = d.log_likelihood
    values = {st.symbol: sp.Float(prob.statistic(st.symbol)) for st in ll.statistics}
    values[N] = sp.Integer(prob.n)
    values.update({k: sp.Float(v) for k, v in zip(d.model.known, prob.known)})
    for p in d.model.params:
        try:
            v = complex(sp.sympify(root[p]).xreplace(values).evalf(15))
        except (TypeError, ValueError, KeyError):
            return None
        if abs(v.imag) > 1e-9 * max(1.0, abs(v.real)):
            return False
        if d.model.domains[p].contains(sp.Float(v.real)) is False:
            return False
    return True


def _clamped(d: Derivation, prob: Problem, estimates: dict[str, float], value: float
             ) -> tuple[float, str | None, dict[str, float]]:
    """One parameter whose root of the likelihood equation lies beyond a closed end of its
    space (x̄ < 0 for Normal(θ, 1) with θ ∈ [0, 1]; x̄ < 2 for an exponential mean θ ≥ 2): the
    root is the only critical point, so ℓ is monotone on the space, and when the score at that
    end points out of the space the MLE is the end itself (θ̂ = max(x̄, 0)). Returns ℓ there,
    the reason and the estimates; ``(value, None, estimates)`` when this does not apply."""
    params = d.model.params
    sol = d.solution
    if len(params) != 1 or sol.support is not None:
        return value, None, estimates
    # the closed form must be the only critical point in the space: every other root SymPy
    # found is complex or proven outside the space for every sample, or, on this sample,
    # complex or outside it; the sample median of the median rule maximises −c·Σ|xᵢ − μ|,
    # which is concave in μ, so it is the only maximum (Laplace location with μ ≥ 0)
    if sol.median is None and not _only_critical_point(d, prob):
        return value, None, estimates
    (p,) = params
    root = estimates[p.name]
    dom = d.model.domains[p]
    lo, hi = float(dom.lower), float(dom.upper)
    if not math.isfinite(root):
        return value, None, estimates
    if root < lo and not dom.left_open and math.isfinite(lo):
        end, outward = lo, -1.0
    elif root > hi and not dom.right_open and math.isfinite(hi):
        end, outward = hi, 1.0
    else:
        return value, None, estimates
    if dom.integer and end != round(end):
        return value, None, estimates
    at_end, grad, _ = prob.derivatives([end])
    if not (math.isfinite(at_end) and math.isfinite(grad[0]) and grad[0] * outward >= 0):
        return value, None, estimates
    side = "below" if outward < 0 else "above"
    what = (f"the sample median {p.name} = {root:g}, where the log-likelihood (concave in "
            f"{p.name}) is largest," if sol.median is not None else
            f"the root {p.name} = {root:g} of the likelihood equation")
    note = (f"{what} lies {side} the parameter space {dom.describe()}"
            + (" and no other root lies in it" if sol.median is None else "")
            + f", so the log-likelihood is monotone on the space; its slope at {p.name} = "
            f"{end:g} points out of the space, "
            f"so the MLE is that end, {p.name} = {end:g} (a boundary maximum, no Wald standard "
            "error there)")
    return at_end, note, {p.name: end}


def _newton_on_face(d: Derivation, prob: Problem, theta: np.ndarray, free: list[int]
                    ) -> tuple[np.ndarray, bool, int]:
    """Newton's method in the parameters ``free`` with the others held where ``theta`` puts
    them, halving steps that leave the space or lower ℓ; (θ, converged, steps taken)."""
    params = d.model.params
    theta = np.array(theta, dtype=float)
    for its in range(200):
        current, g, h = prob.derivatives(theta)
        if not (math.isfinite(current) and np.isfinite(g).all() and np.isfinite(h).all()):
            return theta, False, its
        inverse, negative = _inverse(h[np.ix_(free, free)])
        if inverse is None or not negative:
            return theta, False, its
        step = np.zeros_like(theta)
        step[free] = -inverse @ g[free]
        if (np.abs(g[free]) * np.sqrt(np.abs(np.diag(inverse))) < 1e-9).all():
            return theta, True, its
        found = backtrack(lambda c, t: prob.value(c), theta, step, current,
                          lambda c: all(d.model.domains[params[j]].contains(sp.Float(c[j]))
                                        is not False for j in free))
        if found is None:
            return theta, False, its
        theta = found[0]
    return theta, False, 200


def _integer_root(d: Derivation, prob: Problem, estimates: dict[str, float]
                  ) -> tuple[float, str, dict[str, float], dict[str, float | None]] | None:
    """One integer-valued parameter whose root of the likelihood equations is not an integer
    (x̄ for N(θ, 1) or N(θ, σ²), θ in ℤ): the root is the only critical point in the space (as
    in :func:`_clamped`), so ℓ, or with other parameters its profile (whose critical points
    are ℓ's), increases up to it and decreases after it, and the MLE is the better of its
    floor and ceiling, the other parameters maximised there (by Newton's method, from the
    root). Returns ℓ there (without the constant), the reason, the estimates and the standard
    errors (none for the integer; the others' from the observed information with it held
    there); ``None`` when this does not apply."""
    params, sol = d.model.params, d.solution
    whole = [j for j, p in enumerate(params) if d.model.domains[p].integer]
    if len(whole) != 1 or sol.support is not None or sol.median is not None:
        return None
    (j,) = whole
    p = params[j]
    dom, root = d.model.domains[p], estimates[p.name]
    if not math.isfinite(root) or root == round(root):
        return None
    for q in params:  # the other parameters' roots start the search: inside their spaces
        lo, hi = float(d.model.domains[q].lower), float(d.model.domains[q].upper)
        if q != p and not lo < estimates[q.name] < hi:
            return None
    if not _only_critical_point(d, prob):
        return None
    free = [k for k in range(len(params)) if k != j]
    scored = []
    for c in (math.floor(root), math.ceil(root)):
        if dom.contains(sp.Integer(c)) is False:
            continue
        theta = np.array([estimates[q.name] for q in params], dtype=float)
        theta[j] = c
        ok = True
        if free:
            theta, ok, _ = _newton_on_face(d, prob, theta, free)
        value = prob.value(theta)
        if ok and math.isfinite(value):
            scored.append((value, c, theta))
    if not scored:
        return None
    value, best, theta = max(scored, key=lambda t: t[0])
    others = ", the other parameters maximised at each (Newton's method)" if free else ""
    note = (f"{p.name} is an integer: the root {p.name} = {root:g} of the likelihood equations "
            "is the only critical point, so the log-likelihood"
            + (" (profiled over the other parameters)" if free else "")
            + f" increases up to it and decreases after it; the MLE is whichever of "
            f"{math.floor(root)} and {math.ceil(root)} gives the larger likelihood{others}, "
            f"{p.name} = {best} (no Wald standard error for an integer parameter)")
    ses: dict[str, float | None] = {q.name: None for q in params}
    if free:
        cov, _ = _inverse(-prob.derivatives(theta)[2][np.ix_(free, free)])
        for a, k in enumerate(free):
            ses[params[k].name] = (math.sqrt(cov[a, a]) if cov is not None and cov[a, a] > 0
                                   else None)
    return value, note, {q.name: float(v) for q, v in zip(params, theta)}, ses


def _only_critical_point(d: Derivation, prob: Problem) -> bool:
    """Whether the root of the likelihood equations is their only critical point on this
    sample: every other root was rejected for leaving the parameter space or being complex,
    or falls outside the space here."""
    sol = d.solution
    if not all("parameter space" in why or "not real" in why for _, why in sol.rejected):
        return False
    rejected = [r for r, _ in sol.rejected]
    return not any(_inside_on_sample(d, prob, r) is not False
                   for r in sol.roots if r not in rejected and r != sol.mle)


def _clamped_face(d: Derivation, prob: Problem, estimates: dict[str, float], value: float
                  ) -> tuple[float, str | None, dict[str, float], dict[str, float | None], int]:
    """Several parameters, and the root of the likelihood equations lies beyond a closed end
    of some of their spaces (x̄ < 0 for N(θ, σ²) with θ ≥ 0): it is the only critical point
    (as in :func:`_clamped`), so the maximum over the space is on its boundary. Those
    parameters are put on their ends and ℓ is maximised over the others by Newton's method on
    that face (σ̂² = Σxᵢ²/n at θ = 0); the result is the MLE when the score of each fixed
    parameter points out of the space there (the Karush–Kuhn–Tucker condition of a maximum).
    Returns ℓ, the reason, the estimates, the standard errors (none for the parameters on
    their ends; for the others, the observed information of the face) and the number of
    Newton steps; ``(value, None, estimates, {}, 0)`` when this does not apply."""
    params = d.model.params
    sol = d.solution
    nothing = (value, None, estimates, {}, 0)
    if (len(params) < 2 or sol.support is not None
            or not all(math.isfinite(v) for v in estimates.values())):
        return nothing
    # (the median rule's ℓ is concave in μ: x̃ is its only maximum)
    if sol.median is None and not _only_critical_point(d, prob):
        return nothing
    theta = np.array([estimates[p.name] for p in params], dtype=float)
    fixed, outward = [], []
    for j, p in enumerate(params):
        dom = d.model.domains[p]
        lo, hi = float(dom.lower), float(dom.upper)
        if theta[j] < lo and not dom.left_open and math.isfinite(lo):
            theta[j], direction = lo, -1.0
        elif theta[j] > hi and not dom.right_open and math.isfinite(hi):
            theta[j], direction = hi, 1.0
        else:
            continue
        if dom.integer:
            return nothing
        fixed.append(j)
        outward.append(direction)
    free = [j for j in range(len(params)) if j not in fixed]
    if not fixed or not free:
        return nothing
    for j in free:  # the search starts inside the space (σ̂² = 0 when x₁ = x₂ < 0)
        dom = d.model.domains[params[j]]
        lo, hi = float(dom.lower), float(dom.upper)
        if not lo < theta[j] < hi:
            theta[j] = ((lo + hi) / 2 if math.isfinite(lo) and math.isfinite(hi)
                        else lo + 1.0 if math.isfinite(lo) else hi - 1.0 if math.isfinite(hi)
                        else 0.0)
    theta, ok, its = _newton_on_face(d, prob, theta, free)
    at, grad, hess = prob.derivatives(theta)
    if not (ok and math.isfinite(at)
            and all(grad[j] * o >= 0 for j, o in zip(fixed, outward))):
        return nothing
    cov, _ = _inverse(-hess[np.ix_(free, free)])
    ses: dict[str, float | None] = {p.name: None for p in params}
    if cov is not None:
        for a, j in enumerate(free):
            ses[params[j].name] = math.sqrt(cov[a, a]) if cov[a, a] > 0 else None
    ends = ", ".join(f"{params[j].name} = {theta[j]:g}" for j in fixed)
    found = ", ".join(f"{k} = {v:g}" for k, v in estimates.items())
    note = ((f"the root of the likelihood equations ({found}) lies outside the parameter space "
             "and is its only critical point" if sol.median is None else
             f"the sample median and the likelihood equations give {found}, outside the "
             "parameter space, and ℓ is concave in the median's parameter")
            + f", so the maximum is on the boundary: with {ends} (the nearest end of the "
            "space) ℓ was maximised numerically over "
            + ", ".join(params[j].name for j in free)
            + f", and there the score in {', '.join(params[j].name for j in fixed)} points "
            "out of the space (a boundary maximum; no Wald standard error for a parameter on "
            "its end, the others' from the observed information with it held there)")
    return at, note, {p.name: float(v) for p, v in zip(params, theta)}, ses, its


def _deferred(prob: Problem, data: np.ndarray, theta: Sequence[float],
              seen: Mapping[str, float]) -> Any:
    """ℓ(θ̂) as a function called on first access (see :class:`FitResult`), guarded against
    data changed in the meantime by their sum, or their minimum and maximum when the data
    check did not need the sum (computed anyway by the data check)."""
    def fingerprint() -> tuple:
        if prob.data_sum is not None:
            return (_sum_and_range(data)[0],)
        return tuple(float(f(data)) for k, f in (("min", np.min), ("max", np.max)) if k in seen)
    before = ((prob.data_sum,) if prob.data_sum is not None
              else tuple(seen[k] for k in ("min", "max") if k in seen))

    def value() -> float:
        if fingerprint() != before:
            raise DataError("the data array was changed after fit: the log-likelihood is "
                            "computed on first access; read it before changing the data, or "
                            "fit a copy")
        return prob.value(theta) + prob.constant
    return value


def _moment_starts(d: Derivation, data: np.ndarray, known: Mapping[sp.Symbol, float]
                   ) -> list[list[float]]:
    """The method-of-moments estimates inside the parameter space (usually one), computed
    from the sample moments; the symbolic solution is derived once per derivation."""
    from .bounded import remaining
    from .moments import SECONDS, moment_start

    cache = d.__dict__
    if "_moment_fns" not in cache:
        fns = []
        if remaining() > 3 * SECONDS:  # never at the cost of the caller's time budget
            start = moment_start(d)
            args = [*start.moments, *d.model.known]
            for root in start.roots:
                exprs = [prepare(root[p]) for p in d.model.params]
                fns.append(sp.lambdify(args, exprs, modules=[EXTRA, "mpmath"]))
            cache["_moment_of_log"] = start.of_log
        cache["_moment_fns"] = fns
    if not cache["_moment_fns"]:
        return []
    k = len(d.model.params)
    # a start: 2·10⁴ observations will do (moment estimates within ~1% of the sample's; Newton
    # polishes them), contiguous, so that the powers are cheap
    sub = np.ascontiguousarray(data[: 5 * SUBSAMPLE] if data.size <= 5 * SUBSAMPLE
                               else data[:: data.size // (5 * SUBSAMPLE)], dtype=float)
    if cache.get("_moment_of_log"):
        with np.errstate(all="ignore"):
            sub = np.log(sub)
    powers, power = [], sub
    for j in range(1, k + 1):
        power = power if j == 1 else power * sub  # products, not a general pow
        powers.append(float(power.sum()) / sub.size)
    out = []
    for fn in cache["_moment_fns"]:
        try:
            theta = [float(complex(v).real) if abs(complex(v).imag) < 1e-12 else math.nan
                     for v in fn(*powers, *known.values())]
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            continue
        if all(math.isfinite(v) for v in theta) and _in_domain(d, theta):
            out.append(theta)
    return out


def _feasibility(d: Derivation, data: np.ndarray, known: Mapping[sp.Symbol, float],
                 seen: dict[str, float] | None = None) -> Any:
    """For a support that moves with the parameters: θ ↦ whether the whole sample lies in
    the support at θ, from its minimum and maximum (taken on the first call, or the ones the
    data check and the order statistics took: ``seen``); ``None`` otherwise. Numeric search
    must stay in that set: the formula of f can be finite outside it (3(θ − x)²/θ³ at θ < x,
    2(θ − x)/θ² on (0, θ)); a closed form outside it means no θ fits the sample
    (Uniform(θ, 2θ) with x_max > 2·x_min)."""
    params = d.model.params
    supp = d.model.support
    if not supp.free_symbols & set(params) or data.size == 0:
        return None
    seen = {} if seen is None else seen
    args = [*params, *known]
    ends = _memo(d, ("support ends",), lambda: [sp.lambdify(args, sp.sympify(e), "math")
                                                for e in (supp.lower, supp.upper)])
    values = list(known.values())

    def feasible(theta: Sequence[float]) -> bool:
        try:
            lo, hi = (float(end(*theta, *values)) for end in ends)
        except (ValueError, ZeroDivisionError, OverflowError, TypeError):
            return False
        for side, f, end in (("min", np.min, lo), ("max", np.max, hi)):
            if side not in seen and math.isfinite(end):  # an infinite end: no pass needed
                seen[side] = float(f(data))
        # a few units in the last place of slack: the closed form θ̂ = √x₍ₙ₎ of Uniform(θ, θ²)
        # gives θ̂² one ulp below x₍ₙ₎
        return bool((lo == -math.inf or lo - 4 * math.ulp(lo) <= seen["min"])
                    and (hi == math.inf or seen["max"] <= hi + 4 * math.ulp(hi)))
    return feasible


def _candidates(d: Derivation, data: np.ndarray) -> list[list[float]]:
    moving = d.model.support.free_symbols
    # the whole sample's ends: a parameter of a moving support is feasible only beyond them
    lowest, highest = (float(data.min()), float(data.max())) if moving else (0.0, 0.0)
    data = data[:: max(1, data.size // SUBSAMPLE)]  # scales only: a subsample is plenty
    mean_abs = float(np.mean(np.abs(data))) or 1.0
    spread = float(np.std(data)) or 1.0
    center = float(np.median(data))
    per_param = []
    for p in d.model.params:
        dom = d.model.domains[p]
        lo, hi = float(dom.lower), float(dom.upper)
        if math.isfinite(lo) and math.isfinite(hi):
            vals = [lo + (hi - lo) * t for t in (0.1, 0.3, 0.5, 0.7, 0.9)]
        elif math.isfinite(lo):
            scales = {1.0, mean_abs, 1 / mean_abs, spread, 1 / spread}
            vals = sorted({lo + s * f for s in scales for f in (0.3, 1.0, 3.0)})
        elif math.isfinite(hi):
            vals = [hi - s for s in (0.3, 1.0, 3.0, mean_abs)]
        else:
            vals = sorted({center, float(np.mean(data)), 0.0, center - spread, center + spread})
        if p in moving:  # just beyond the sample's ends, where the feasible set starts
            steps = (1e-3, 0.01, 0.1, 0.5, 1.0, 3.0)
            near = [e + sign * f * s for e, sign in ((highest, 1), (lowest, -1))
                    for s in (spread, abs(e) or 1.0) for f in steps]
            vals = sorted({*vals, *(v for v in near if lo < v < hi)})
        per_param.append(vals)
    grid = list(itertools.product(*per_param))
    if len(grid) > 400:
        rng = np.random.default_rng(0)
        grid = [grid[i] for i in rng.choice(len(grid), 400, replace=False)]
    return [list(g) for g in grid]


def _inverse(h: np.ndarray) -> tuple[np.ndarray | None, bool]:
    """H⁻¹ (``None`` when H is singular) and whether H is negative definite; in closed form
    for one and two parameters, where LAPACK's calls cost more than the arithmetic (a Newton
    step of the gamma on its two statistics is a few microseconds of it)."""
    k = h.shape[0]
    if k == 1:
        a = float(h[0, 0])
        return (np.array([[1 / a]]) if a != 0 and math.isfinite(1 / a) else None), a < 0
    if k == 2:
        a, b, c, e = float(h[0, 0]), float(h[0, 1]), float(h[1, 0]), float(h[1, 1])
        det = a * e - b * c
        if det != 0 and math.isfinite(det) and abs(det) > 1e-14 * (abs(a * e) + abs(b * c)):
            sym = (b + c) / 2
            return np.array([[e, -b], [-c, a]]) / det, a < 0 and a * e - sym * sym > 0
        # singular to rounding, or entries whose products overflow: LAPACK decides
    try:
        inverse = np.linalg.inv(h)
        return inverse, bool(np.all(np.linalg.eigvalsh((h + h.T) / 2) < 0))
    except np.linalg.LinAlgError:
        return None, False


def backtrack(value_at: Callable[[np.ndarray, float], float], theta: np.ndarray,
              step: np.ndarray, value: float, inside: Callable[[np.ndarray], bool] | None = None,
              smallest: float = 1e-14) -> tuple[np.ndarray, float, float] | None:
    """The line search of the three Newton ascents (one sample, conditional, vector models):
    the first of θ + t·step, t = 1, 1/2, 1/4, ..., down to ``smallest``, that is ``inside`` the
    parameter space and does not lower ℓ (``value_at(θ', t)``) by more than rounding, as
    (θ', ℓ(θ'), t); ``None`` when no such t exists.

    Examples
    --------
    >>> f = lambda th, t: -float((th[0] - 1.0) ** 2)
    >>> backtrack(f, np.array([0.0]), np.array([3.0]), f(np.array([0.0]), 1.0))
    (array([1.5]), -0.25, 0.5)
    """
    t = 1.0
    while t > smallest:
        cand = theta + t * step
        if inside is None or inside(cand):
            v = value_at(cand, t)
            if v >= value - 1e-12 * abs(value):
                return cand, v, t
        t /= 2
    return None


def _newton(d: Derivation, prob: Problem, start: Sequence[float], max_iter: int = 200,
            ) -> tuple[np.ndarray, bool, int]:
    theta = np.array(start, dtype=float)
    for it in range(1, max_iter + 1):
        value, g, h = prob.derivatives(theta)
        if not (np.isfinite(g).all() and np.isfinite(h).all()):
            return theta, False, it
        inverse, negative = _inverse(h)
        newton_ok = False
        if inverse is not None:
            step = -inverse @ g
            # g·step = 0 exactly when g = 0: at the maximum, which is convergence, not failure
            newton_ok = float(g @ step) >= 0 and negative
        if not newton_ok:
            scale = np.maximum(np.abs(np.diag(h)), 1e-12)
            step = g / scale
        scale_se = (np.sqrt(np.abs(np.diag(inverse))) if inverse is not None
                    else np.full_like(theta, np.inf))
        # converged when the score is below 1e-8 standard errors: a finer test is below the
        # rounding noise of a sum of 10^6 terms (logistic never stopped at 1e-10)
        if newton_ok and (np.abs(g) * scale_se < 1e-8).all():
            return theta, True, it
        if newton_ok and (np.abs(step) < 1e-4 * scale_se).all() and _in_domain(d, theta + step):
            # a step below 1e-4 standard errors inside the region where the Hessian is negative
            # definite: Newton converges quadratically, so the error after it is of order
            # 1e-8 standard errors, the test above; take it without another pass over the data
            return theta + step, True, it
        # the full Newton step is nearly always taken: evaluate ℓ with its derivatives in one
        # fused pass, which the next iteration then reuses (Problem keeps it)
        found = backtrack(lambda c, t: (prob.derivatives(c)[0] if t == 1.0 and newton_ok
                                        else prob.value(c)),
                          theta, step, value, lambda c: _in_domain(d, c))
        if found is None:
            return theta, newton_ok and bool((np.abs(g) * scale_se < 1e-7).all()), it
        cand = found[0]
        moved = np.max(np.abs(cand - theta) / (1 + np.abs(theta)))
        theta = cand
        if newton_ok and moved < 1e-12:
            return theta, True, it
    return theta, False, max_iter


def _nelder_mead(d: Derivation, prob: Problem, start: Sequence[float], max_iter: int = 4000,
                 ) -> tuple[np.ndarray, bool, int]:
    """Derivative-free maximisation for log-likelihoods that are not smooth (|x − θ|)."""
    k = len(start)
    def f(t: np.ndarray) -> float:
        return -prob.value(t) if _in_domain(d, t) else math.inf
    simplex = [np.array(start, dtype=float)]
    for j in range(k):
        v = np.array(start, dtype=float)
        v[j] = v[j] * 1.1 if v[j] != 0 else 0.1
        simplex.append(v)
    values = [f(v) for v in simplex]
    for it in range(1, max_iter + 1):
        order = np.argsort(values)
        simplex = [simplex[i] for i in order]
        values = [values[i] for i in order]
        size = max(np.max(np.abs(v - simplex[0]) / (1 + np.abs(simplex[0]))) for v in simplex[1:])
        if size < 1e-13 and abs(values[-1] - values[0]) <= 1e-12 * (1 + abs(values[0])):
            return simplex[0], True, it
        centroid = np.mean(simplex[:-1], axis=0)
        worst = simplex[-1]
        refl = centroid + (centroid - worst)
        fr = f(refl)
        if fr < values[0]:
            exp = centroid + 2 * (centroid - worst)
            fe = f(exp)
            simplex[-1], values[-1] = (exp, fe) if fe < fr else (refl, fr)
        elif fr < values[-2]:
            simplex[-1], values[-1] = refl, fr
        else:
            contr = centroid + 0.5 * (worst - centroid)
            fc = f(contr)
            if fc < values[-1]:
                simplex[-1], values[-1] = contr, fc
            else:
                simplex = [simplex[0] + 0.5 * (v - simplex[0]) for v in simplex]
                values = [f(v) for v in simplex]
    return simplex[int(np.argmin(values))], False, max_iter


def _standard_errors(d: Derivation, prob: Problem | None, theta: Sequence[float],
                     known: Mapping[sp.Symbol, float], n: int) -> dict[str, float | None]:
    params = d.model.params
    moving = d.model.support.free_symbols & set(params)
    if d.solution.support is not None or moving:
        # estimates from order statistics converge at rate n, not sqrt(n), and a parameter of
        # a moving support fails the regularity conditions even at an interior root (2(θ − x)/θ²
        # converges at rate √(n log n)): no Wald standard error; the others from the observed
        # information of the reduced likelihood
        fixed = d.solution.support.estimates if d.solution.support is not None else {}
        keep = [j for j, p in enumerate(params) if p not in fixed and p not in moving]
        out: dict[str, float | None] = {p.name: None for p in params}
        if keep and prob is not None:
            h = -prob.derivatives(theta)[2][np.ix_(keep, keep)]
            cov, _ = _inverse(h)  # closed form for one or two parameters
            if cov is None:
                return out
            for a, j in enumerate(keep):
                out[params[j].name] = math.sqrt(cov[a, a]) if cov[a, a] > 0 else None
        return out
    matrix = None
    info = compiled(d).information
    if info is not None:
        try:
            per_obs = np.array(_float_first((compiled(d).information_float, info),
                                            [*theta, *known.values()]))
            matrix = n * per_obs
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            matrix = None
        if matrix is not None and not np.all(np.isfinite(matrix)):
            # a closed form that does not evaluate here (a Meijer G at 1, which mpmath gives
            # as nan): the observed information stands in, as where there is no closed form
            matrix = None
    if matrix is None and prob is not None:
        matrix = -prob.derivatives(theta)[2]
    if matrix is None or not np.all(np.isfinite(matrix)):
        return {p.name: None for p in params}
    if matrix.shape == (1, 1):  # one parameter: no LAPACK call for a reciprocal
        v = matrix[0, 0]
        return {params[0].name: math.sqrt(1 / v) if v > 0 else None}
    try:
        cov = np.linalg.inv(matrix)
    except np.linalg.LinAlgError:
        return {p.name: None for p in params}
    return {p.name: (math.sqrt(cov[j, j]) if cov[j, j] > 0 else None)
            for j, p in enumerate(params)}


def _middle(data: np.ndarray, ranks: list[int]) -> list[float]:
    """The order statistics of the given 0-based ranks (near the middle), O(n) without a sort
    or a partition of the whole sample: a strided subsample brackets the middle, one pass counts
    the observations below the bracket and keeps those inside it, and only those few are
    partitioned. Exact whatever the data (sorted, tied, ...): when the bracket misses a rank,
    the whole sample is partitioned instead."""
    n = data.size
    if n > 50_000:
        sub = np.sort(data[:: n // 10_000])
        m = sub.size
        half = int(4 * math.sqrt(m)) + 1  # the middle rank is within ±2 sd of m/2 all but ~1e-15
        a = sub[max(0, m // 2 - half)]
        b = sub[min(m - 1, m // 2 + half)]
        from .compile import CHUNK

        below, kept = 0, []
        for k in range(0, n, CHUNK):  # block by block: no n-long boolean masks
            block = data[k:k + CHUNK]
            below += int(np.count_nonzero(block < a))
            kept.append(block[(block >= a) & (block <= b)])
        inside = np.concatenate(kept)
        local = [r - below for r in ranks]
        if all(0 <= r < inside.size for r in local):
            part = np.partition(inside, local)
            return [float(part[r]) for r in local]
    part = np.partition(data, ranks)
    return [float(part[r]) for r in ranks]


def _median(data: np.ndarray) -> tuple[float, float, float]:
    """The sample median and the two middle order statistics (equal for odd n).

    Examples
    --------
    >>> _median(np.array([3.0, 1.0, 2.0])), _median(np.array([4.0, 1.0, 3.0, 2.0]))
    ((2.0, 2.0, 2.0), (2.5, 2.0, 3.0))
    """
    k = data.size // 2
    if data.size % 2:
        mid, = _middle(data, [k])
        return mid, mid, mid
    lo, hi = _middle(data, [k - 1, k])
    return lo + (hi - lo) / 2, lo, hi


def _float_first(pair: tuple[Callable, Callable], args: Sequence[float]) -> list[Any]:
    """A compiled list (of numbers, or of rows of numbers) as floats: from its float version
    (``pair[0]``, a few µs), and again from its mpmath version (``pair[1]``, 10–20 µs for a
    square root) where floats fail (an overflow, a function without a float version) or give
    a value that is not finite."""
    def floats(out: Any) -> list[Any]:
        return [[float(v) for v in e] if isinstance(e, (list, tuple)) else float(e) for e in out]
    try:
        out = floats(pair[0](*args))
        if all(math.isfinite(v) for e in out for v in (e if isinstance(e, list) else [e])):
            return out
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError,
            AttributeError):
        pass
    return floats(pair[1](*args))


def _with_ieee_division(d: Derivation, fn: Callable, args: Sequence[float]
                        ) -> dict[str, float]:
    """A closed form that divides by zero on this sample (θ̂ = x̄/(1 − x̄) when every
    observation is 1, τ̂ = 1/s² when all are equal) in IEEE arithmetic: ±inf where the
    estimate grows without bound (which the caller reports as no MLE), nan where it is 0/0.
    The sign of a zero denominator is rounding, so an infinite estimate is put at the infinite
    end of its parameter's domain when it has one only."""
    names = [p.name for p in d.model.params]
    try:
        with np.errstate(all="ignore"):
            out = [float(v) for v in fn(*(np.float64(a) for a in args))]
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, NameError,
            AttributeError):
        return {k: math.nan for k in names}
    for j, p in enumerate(d.model.params):
        ends = [sp.sympify(e).is_infinite for e in (d.model.domains[p].lower,
                                                    d.model.domains[p].upper)]
        if math.isinf(out[j]) and ends[0] != ends[1]:
            out[j] = math.inf if ends[1] else -math.inf
    return dict(zip(names, out))


def _order_statistics(comp: Any, data: np.ndarray, warnings: list[str],
                      seen: dict[str, float]) -> list[float]:
    """The values of the closed form's order statistics (min, max, median), in its order (NaN
    for one it does not use); the data check's min and max (``seen``) are reused; a median that
    is not unique (even n, two different middle values) is noted."""
    out = []
    for sym, kind in comp.order_statistics:
        if sym not in comp.mle_uses:
            out.append(math.nan)
        elif kind in ("min", "max"):
            if kind not in seen:
                seen[kind] = float(np.min(data) if kind == "min" else np.max(data))
            out.append(seen[kind])
        else:
            mid, lo, hi = _median(data)
            out.append(mid)
            if lo != hi:
                names = " and ".join(p.name for p in comp.median_of)
                warnings.append(f"the MLE of {names} is not unique: n is even, and every value "
                                f"between the two middle observations ({lo:.10g} and "
                                f"{hi:.10g}) maximises the likelihood; their midpoint, the "
                                "sample median, is reported")
    return out


def _non_unique_on(exc: NonUniqueMLEError, data: Any,
                   known_values: Mapping[str, float] | None) -> SymmleError:
    """The same error with the set of maximisers evaluated on the sample (``[2.31, 2.87]``),
    when its ends involve only the order statistics and known values; an
    :class:`OutOfSupportError` when that set is empty (no parameter value fits the sample)."""
    try:
        arr = np.asarray(data, dtype=float).ravel()
    except (TypeError, ValueError):
        return exc
    if arr.size == 0 or not np.all(np.isfinite(arr)):
        return exc
    values = {"x_min": float(arr.min()), "x_max": float(arr.max()), **(known_values or {})}
    parts = []
    for p, ends in exc.intervals.items():
        nums = []
        for end in ends:
            end = sp.sympify(end)
            end = end.xreplace({s: sp.Float(values[s.name]) for s in end.free_symbols
                                if s.name in values})
            nums.append(float(end) if not end.free_symbols else None)
        if any(v is None or math.isnan(v) for v in nums):
            return exc
        lo, hi = nums
        if lo > hi:
            return OutOfSupportError(f"no {p} puts every observation in the support: the "
                                     f"feasible set [{lo:.6g}, {hi:.6g}] of {p} is empty")
        parts.append(f"on this sample every {p} in [{lo:.6g}, {hi:.6g}] maximises the "
                     "likelihood")
    if not parts:
        return exc
    return NonUniqueMLEError(f"{exc.message}; " + "; ".join(parts), intervals=exc.intervals,
                             where=exc.where)


def fit(model: Any, data: Any, *, known_values: Mapping[str, float] | None = None,
        derivation: Derivation | None = None, **model_options: Any) -> FitResult:
    """Estimate the parameters of a model from data.

    Parameters
    ----------
    model
        Anything :func:`symmle.derive` takes.
    data
        A sequence or 1-D array of observations; for a conditional model (``covariates=``
        or a regression family) a mapping of the response and covariate names to arrays.
    known_values
        Values of the model's known constants (``{"mu": 1.5}``).
    derivation
        A derivation of the same model to reuse (skips deriving again).
    **model_options
        ``var``, ``params``, ``known``, ``support``, ``timeout``, ``normalize_check``,
        ``covariates``; ``constraints`` (a vector model: ``data`` is then a mapping
        component → values or an array with one row per observation; see
        :mod:`symmle.vector_fit`).

    Returns
    -------
    FitResult

    Raises
    ------
    DataError
        Empty, non-finite or out-of-support data, named by position.
    ConvergenceError
        When Newton's method fails from every starting point.

    Examples
    --------
    >>> r = fit("exponential", [0.5, 1.5, 1.0])
    >>> r.estimates["lambda"], r.method["lambda"]
    (1.0, 'score')
    """
    if not isinstance(derivation, Derivation):  # (one sample: no vector model to look for)
        from .constrained import VectorDerivation
        from .vector_api import fit_request, vector_request

        if isinstance(derivation, VectorDerivation) or (derivation is None and vector_request(
                model, model_options.get("var"), model_options.get("constraints"))):
            return fit_request(model, data, known_values=known_values, derivation=derivation,
                               **model_options)
    try:
        d = derivation if derivation is not None else derive(model, **model_options)
    except NonUniqueMLEError as exc:
        raise _non_unique_on(exc, data, known_values) from None
    if hasattr(d, "covariates"):  # a conditional model: data are columns, not one sample
        from .regression_fit import fit_conditional

        if not isinstance(data, Mapping):
            raise DataError("a conditional model takes a mapping of columns, "
                            "{'y': responses, 'x': covariates}")
        return fit_conditional(d, data, known_values=known_values)
    known = _known_values(d, known_values)
    arr = _as_array(data, d.model.discrete)
    seen: dict[str, float] = {}  # the minimum and maximum, where the data check computed them
    comp = compiled(d)
    # the statistics the fit computes: those of the closed form, or all (Newton's)
    computed = ([s for s, _ in comp.statistics] if comp.mle is None
                else [s for s, _ in comp.statistics if s in comp.mle_uses])
    proofs = ({} if d.model.discrete or arr.dtype.kind != "f"
              else _support_proofs(d, known, computed))
    # Σxᵢ when it is a statistic the fit uses, or (Newton, with nothing to prove finiteness)
    # as the one pass that shows every observation finite
    need_sum = any(same and sym in computed for (sym, _), same
                   in zip(comp.statistics, comp.identity)) or (
        comp.mle is None and "finite" not in proofs)
    total = _check_data(d, arr, known, seen, need_sum, proofs.keys())
    n = int(arr.size)
    feasible = _feasibility(d, arr, known, seen)
    prob = Problem(comp, arr, list(known.values()), d.model.discrete, data_sum=total,
                   feasible=feasible if comp.mle is None else None)
    if proofs:
        _confirm_proofs(d, prob, known, proofs)
    warnings: list[str] = []
    names = [p.name for p in d.model.params]
    if comp.mle is not None:
        # only the statistics the estimator uses: the others (and the constants) wait for ℓ
        values = [prob.statistic(sym) if sym in comp.mle_uses else math.nan
                  for sym, _ in comp.statistics]
        values += [n, *known.values()]
        order = _order_statistics(comp, arr, warnings, seen)
        values += order
        values += [prob.total(fn, *known.values(), *order) for fn in comp.data_sums]
        try:
            estimates = dict(zip(names, _float_first((comp.mle_float, comp.mle), values)))
        except (TypeError, ValueError, ZeroDivisionError, OverflowError):
            estimates = _with_ieee_division(d, comp.mle_float, values)
        theta = [estimates[k] for k in names]
        converged = all(math.isfinite(v) for v in theta)
        if converged and feasible is not None and not feasible(theta):
            # the order statistics' estimate leaves an observation outside the support: no
            # parameter value fits the sample (Uniform(θ, 2θ) with x_max > 2·x_min)
            raise OutOfSupportError(
                f"no parameter value puts every observation in the support "
                f"{d.model.support.describe(d.model.var.name)} (the feasible set is empty: at "
                + ", ".join(f"{k} = {v:g}" for k, v in estimates.items())
                + f", where it would start, the sample's range [{float(arr.min()):g}, "
                f"{float(arr.max()):g}] is not inside the support); the data do not come from "
                "this model")
        method = dict(d.method)
        whole = _integer_root(d, prob, estimates) if converged else None
        if whole is not None:  # N(θ, 1) with θ an integer: θ̂ is ⌊x̄⌉, not x̄
            value, note, estimates, ses = whole
            if len(names) > 1:
                method.update({k: "numeric" for k, v in estimates.items()
                               if not d.model.domains[d.model.symbol(k)].integer})
            return FitResult(estimates, ses, value + prob.constant, method, True, n, 0, None,
                             (*warnings, note), d)
        face_steps = 0  # Newton steps on a face of the space (see _clamped_face)
        if converged and _in_domain(d, theta):
            ses = _standard_errors(d, prob, theta, known, n)
            if comp.value_at_mle is not None:  # from the statistics: no pass over the data
                value = float(comp.value_at_mle(*theta, *values)) + prob.constant
            else:
                value = _deferred(prob, arr, theta, seen)
        else:
            _no_maximum_at_infinity(d, estimates)
            value, note = _boundary(d, prob, estimates)
            face_ses: dict[str, float | None] = {}
            if note is None:
                value, note, estimates = _clamped(d, prob, estimates, value)
                if note is not None:
                    theta = [estimates[k] for k in names]
            if note is None:
                value, note, estimates, face_ses, face_steps = _clamped_face(d, prob,
                                                                             estimates, value)
            if note is None:
                warnings.append("the closed-form estimate "
                                + ", ".join(f"{k} = {v:g}" for k, v in estimates.items())
                                + " is not inside the parameter space, and the maximum is not "
                                "on its boundary either: no MLE for this sample")
                converged = False
            else:
                warnings.append(note)
                method.update({k: "boundary" for k in names if _on_edge(d, k, estimates[k])})
                method.update({k: "numeric" for k in face_ses
                               if not _on_edge(d, k, estimates[k])})
            value += prob.constant
            ses = {k: face_ses.get(k) for k in names}
        return FitResult(estimates, ses, value, method, converged, n, face_steps, None,
                         tuple(warnings), d)
    from .information import _nonsmooth_terms

    smooth = _memo(d, ("smooth",), lambda: not _nonsmooth_terms(d.log_likelihood))
    search = _newton if smooth else _nelder_mead
    # starting values are compared, and the competing maxima found, on a subsample; the best
    # is then polished on the whole sample (the raw data are touched only for terms that do
    # not separate, so this matters for Cauchy, Weibull, Gumbel, ...)
    small = prob if n <= SUBSAMPLE or not comp.has_terms else Problem(
        comp, arr[:: n // SUBSAMPLE], list(known.values()), d.model.discrete,
        feasible=feasible)
    # the method of moments gives a consistent start in closed form where it exists; Newton
    # from it is taken when it converges, else (and without it) the best of a grid of starts
    results = []
    start_method = "grid"
    for s in (_moment_starts(d, arr, known) if smooth else [])[:1]:
        if math.isfinite(small.value(s)):
            theta, ok, its = search(d, small, s)
            if ok:
                results.append((small.value(theta), ok, its, theta, s))
                start_method = "method of moments"
    if not results:
        # ranking a few hundred grid points needs only rough values: 1000 observations
        tiny = small if small.n <= 2 * RANKING or not comp.has_terms else Problem(
            comp, arr[:: n // RANKING], list(known.values()), d.model.discrete,
            feasible=feasible)
        starts = sorted(_candidates(d, arr), key=lambda t: -tiny.value(t))[:3]
        starts = [s for s in starts if math.isfinite(small.value(s))]
        if not starts:
            raise ConvergenceError("the log-likelihood is not finite at any starting value")
        for s in starts:
            theta, ok, its = search(d, small, s)
            results.append((small.value(theta), ok, its, theta, s))
    converged_runs = [r for r in results if r[1]] or results
    best = max(converged_runs, key=lambda r: r[0])
    others = [r for r in converged_runs
              if np.max(np.abs(r[3] - best[3]) / (1 + np.abs(best[3]))) > 1e-4]
    if others:
        warnings.append(f"the likelihood has several local maxima: Newton converged to "
                        f"{len(others) + 1} different points; the highest is reported")
    start = best[4]
    if small is not prob:
        theta, ok, more = search(d, prob, best[3])
        its = best[2] + more
    else:
        _, ok, its, theta, _ = best
    if not ok:
        warnings.append("the numeric maximisation did not converge")
    estimates = {k: float(v) for k, v in zip(names, theta)}
    edge = _snap_to_edge(d, estimates)
    if edge is not None:  # the iterates ran into the edge of the parameter space
        value, note = _boundary(d, prob, edge)
        if note is not None and value >= prob.value(theta) - 1e-9 * (1 + abs(value)):
            method = dict(d.method)
            method.update({k: "boundary" for k in names if _on_edge(d, k, edge[k])})
            return FitResult(edge, {k: None for k in names}, value + prob.constant, method,
                             True, n, its, {k: float(v) for k, v in zip(names, start)},
                             (*warnings, note), d, start_method)
    ses = _standard_errors(d, prob, theta, known, n)
    return FitResult(estimates, ses, _deferred(prob, arr, theta, seen), d.method, bool(ok), n, its,
                     {k: float(v) for k, v in zip(names, start)}, tuple(warnings), d,
                     start_method)
