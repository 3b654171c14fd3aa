"""Checking a claimed MLE where the MLE is not unique: the likelihood is flat on a set.

For Uniform(θ, θ + 1) the likelihood is 1 at every θ in [x₍ₙ₎ − 1, x₍₁₎] and 0 elsewhere, so
:func:`symmle.derive` raises :class:`~symmle.errors.NonUniqueMLEError` with that set. A claimed
MLE is then right when it lies in the set for every sample (x₍₁₎, x₍ₙ₎ − 1, their midpoint)
and wrong otherwise, with a sample where it falls outside. It is decided symbolically when the
claim is a fixed mixture w·lo + (1 − w)·hi of the two ends with 0 ≤ w ≤ 1, and cross-checked on
random samples drawn from the model (numerically alone when SymPy cannot write it so).

Examples
--------
>>> from symmle.check import check
>>> r = check("1", params={"theta": "real"}, support="theta < x < theta + 1",
...           mle=r"\\frac{x_{(1)} + x_{(n)} - 1}{2}")
>>> r.steps["mle"].verdict, r.exit_code
('correct', 0)
"""
from __future__ import annotations

from types import SimpleNamespace

import math
from dataclasses import dataclass
from typing import Any, Mapping

import sympy as sp

from .bounded import bounded
from .claims import claims_by_parameter, parse_claim
from .crosscheck import Evaluator, points
from .errors import DerivationTimeout, NonUniqueMLEError
from .model import Model, build_model
from .notation import I, median_statistic, order_statistics
from .slips import SLIPS

__all__ = ["FlatDerivation", "check_flat"]

TOLERANCE = 1e-9


@dataclass(frozen=True)
class FlatDerivation:
    """What a report needs of a model whose MLE is a set: the model and that set."""

    model: Model
    intervals: Mapping[sp.Symbol, tuple[sp.Expr, sp.Expr]]
    reason: str

    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.model.params)


def _stats(model: Model, intervals: Mapping) -> tuple[sp.Symbol, sp.Symbol]:
    """The order-statistic symbols of the set's ends (their assumptions), or fresh ones."""
    found = {s.name: s for ends in intervals.values() for e in ends
             for s in sp.sympify(e).free_symbols}
    lo, hi = order_statistics(model.var)
    return found.get(lo.name, lo), found.get(hi.name, hi)


def _mixture(claimed: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> bool:
    """Whether ``claimed`` is proven w·lo + (1 − w)·hi for a number 0 ≤ w ≤ 1."""
    def run() -> bool:
        w = sp.simplify((claimed - hi) / (lo - hi))
        return bool(w.is_number and w.is_real and 0 <= w <= 1)

    try:
        return bounded(run, seconds=3.0, what="comparing the claim with the set of maximisers")
    except DerivationTimeout:
        return False
    except Exception:  # noqa: BLE001 - SymPy can fail in many ways on odd claims
        return False


def check_flat(model: Any, exc: NonUniqueMLEError, *, log_likelihood: str | None = None,
               score: Any = None, mle: Any = None, fisher: Any = None,
               standard_error: Any = None, g: Any = None, seed: int = 0,
               started: float = 0.0, **model_kwargs: Any) -> Any:
    """Judge the claimed MLE of a model whose likelihood is flat on a set of maximisers.

    Parameters
    ----------
    model, **model_kwargs
        What :func:`symmle.derive` took (``var``, ``params``, ``known``, ``support``, ...).
    exc
        The :class:`~symmle.errors.NonUniqueMLEError` that ``derive`` raised, with the set of
        maximisers of each parameter (``intervals``).
    log_likelihood, score, mle, fisher, standard_error, g
        The claims, as for :func:`symmle.check.check`. Only the MLE is judged; the other
        steps are ``undetermined`` (symmle has no derivation to compare them with).
    seed
        Seed of the random samples.

    Returns
    -------
    CheckReport

    Raises
    ------
    NonUniqueMLEError
        ``exc`` again when some parameter has no set of maximisers (a model with several
        parameters where only one is flat is not judged).
    ParseError
        A claim outside the accepted syntax.
    """
    import time

    from .check import CheckReport, StepVerdict

    keep = {k: model_kwargs[k] for k in ("var", "params", "known", "support", "latex_names")
            if k in model_kwargs}
    m = build_model(model, **keep)
    intervals = {p: exc.intervals[p] for p in m.params if p in exc.intervals}
    if len(intervals) != len(m.params):
        raise exc
    names = [p.name for p in m.params]
    stats = _stats(m, intervals)
    median = median_statistic(m.var)
    obs = sp.IndexedBase(m.var.name)[I]
    pts = [q for q in points(m, seed=seed) if not q.boundary]
    symbols = [*m.params, *m.known]

    def ev(e: sp.Expr) -> Evaluator:
        return Evaluator(e, symbols, obs, (*stats, median))

    steps: dict[str, StepVerdict] = {}
    sets = "; ".join(f"any {p} with {sp.sympify(a)} <= {p} <= {sp.sympify(b)}"
                     for p, (a, b) in intervals.items())
    why = (f"symmle has nothing to compare this step with: the MLE is not unique ({sets} "
           "maximises the likelihood, which is flat there)")
    if log_likelihood is not None:
        steps["log_likelihood"] = StepVerdict(
            "log_likelihood", "log_likelihood", None, "undetermined", why,
            parse_claim(log_likelihood, m.params, m.var, m.known, where="log-likelihood",
                        order_stats=stats, median=median), source=str(log_likelihood),
            decided_by="none")
    for kind, value in (("score", score), ("fisher", fisher), ("se", standard_error)):
        if value is None:
            continue
        for pname, text in claims_by_parameter(value, kind, names).items():
            step = kind if len(names) == 1 else f"{kind}.{pname}"
            steps[step] = StepVerdict(step, kind, pname, "undetermined", why,
                                      parse_claim(text, m.params, m.var, m.known, where=step,
                                                  order_stats=stats, median=median),
                                      source=text, decided_by="none")
    for pname, text in claims_by_parameter(mle, "mle", names).items():
        step = "mle" if len(names) == 1 else f"mle.{pname}"
        p = next(q for q in m.params if q.name == pname)
        claimed = parse_claim(text, m.params, m.var, m.known, where=step, order_stats=stats,
                              median=median)
        steps[step] = _judge_flat(step, p, claimed, text, intervals[p], stats, m, ev, pts)
    if g is not None:  # functions of θ: no unique θ̂, so no g(θ̂) either
        from .check import _functions

        def parse(text: str, where: str) -> sp.Expr:
            return parse_claim(text, m.params, m.var, m.known, where=where, order_stats=stats,
                               median=median)
        for label, (gtext, _, wanted) in _functions(g, SimpleNamespace(model=m, parameters=names),
                                                    parse, one_sample=True).items():
            for what in ("mle", "se"):
                if wanted.get(what) is not None:
                    step = f"{what}.{label}"
                    steps[step] = StepVerdict(step, f"g_{what}", gtext, "undetermined", why,
                                              parse(wanted[what], step),
                                              source=wanted[what], decided_by="none")
    d = FlatDerivation(m, intervals, exc.message)
    order = {"log_likelihood": 0, "score": 1, "mle": 2, "fisher": 3, "se": 4, "g_mle": 5,
             "g_se": 5}
    steps = dict(sorted(steps.items(), key=lambda kv: order[kv[1].kind]))
    return CheckReport(d, steps, time.perf_counter() - started, len(pts))  # type: ignore


def _judge_flat(step: str, p: sp.Symbol, claimed: sp.Expr, text: str,
                ends: tuple[sp.Expr, sp.Expr], stats: tuple[sp.Symbol, sp.Symbol],
                m: Model, ev, pts: list) -> Any:
    from .check import StepVerdict, _counterexample, _fmt

    lo, hi = (sp.sympify(e) for e in ends)
    where = f"{lo} <= {p} <= {hi}"
    truth = sp.Interval(lo, hi) if lo.is_finite is not False and hi.is_finite is not False \
        else None
    if claimed.has(*m.params):
        return StepVerdict(step, "mle", p.name, "wrong",
                           f"your MLE of {p} involves the parameters; an estimator is a "
                           f"function of the sample only (here any {p} with {where})",
                           claimed, truth, source=text, decided_by="symbolic")
    proven = _mixture(claimed, lo, hi)
    c_ev, lo_ev, hi_ev = ev(claimed), ev(lo), ev(hi)
    checked = 0
    for q in pts:
        c, a, b = c_ev(q), lo_ev(q), hi_ev(q)
        if not all(math.isfinite(v) for v in (a, b)):
            continue
        tol = TOLERANCE * (1 + abs(a) + abs(b))
        if math.isfinite(c) and a - tol <= c <= b + tol:
            checked += 1
            continue
        nearest = a if not math.isfinite(c) or c < a else b
        slip = SLIPS[4] if not claimed.has(*stats) else None
        msg = (f"your MLE of {p} is wrong: the MLE is not unique, every {p} with {where} "
               f"maximises the likelihood, but with n = {q.sample.size} that set is "
               f"[{_fmt(a)}, {_fmt(b)}] and yours gives {_fmt(c)}, outside it")
        if slip:
            msg += (f". Most likely slip: {slip} (the support depends on {p}, so the "
                    f"likelihood is not differentiable there; it is largest, and flat, "
                    f"on that set of order statistics)")
        return StepVerdict(step, "mle", p.name, "wrong", msg, claimed, truth,
                           _counterexample(q, c, nearest, "mle"), slip, source=text,
                           decided_by="numeric")
    if not proven and checked < 3:
        return StepVerdict(step, "mle", p.name, "undetermined",
                           f"the MLE of {p} is not unique (any {p} with {where}), and symmle "
                           f"could not decide whether yours always lies in that set",
                           claimed, truth, source=text, decided_by="none")
    how = ("for every sample (it is a fixed mixture of the two ends)" if proven else
           f"on all {checked} random samples; SymPy could not write it as a mixture of the "
           "two ends, so this was decided numerically")
    return StepVerdict(step, "mle", p.name, "correct",
                       f"your MLE of {p} is right: the MLE is not unique, every {p} with "
                       f"{where} maximises the likelihood (it is flat there), and yours lies "
                       f"in that set {how}", claimed, truth, source=text,
                       decided_by="symbolic and numeric" if proven else "numeric")
