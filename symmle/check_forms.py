"""Claims in the forms people write them, for :func:`symmle.check.check`.

- a log-likelihood written as the likelihood, ``L(\\theta) = \\prod_i f(x_i)``: its logarithm
  is judged (the slip "the likelihood, not its logarithm" when it is not named so);
- a likelihood with an indicator, ``\\mathbb{1}\\{x_{(n)} \\le \\theta\\}``: the rest is judged
  with the indicator taken as 1, and the indicator is checked against the support at parameter
  values on both sides of the end of the feasible set;
- a wrong constant factor in one term (n/θ for 2n/θ), the slip tried when no other explains a
  claim.

Built on the judging of :mod:`symmle.check`, imported where needed (that module imports this
one).
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np
import sympy as sp

from .claims import split_assignment, strip_trailing
from .crosscheck import Point, compare as _numeric, in_support
from .slips import SLIPS, Mutation, _terms

if TYPE_CHECKING:  # pragma: no cover - annotations only
    from .check import StepVerdict
    from .derivation import Derivation

__all__ = ["names_likelihood", "as_likelihood", "check_indicator", "wrong_factor"]

_LIKELIHOOD = re.compile(r"\$?\s*(L|\\mathcal\s*\{?\s*L\s*\}?)\s*(_\s*\{?\s*n\s*\}?)?\s*"
                         r"(\\left)?\s*\(.*\)\s*$|\$?\s*(L|\\mathcal\s*\{?\s*L\s*\}?)\s*$",
                         re.S)


def _perturbed(m: Any, values: dict, rng: np.random.Generator, span: float) -> list[dict]:
    """Parameter values around ``values``: each parameter scaled (a positive one) or shifted
    (a real one) by random amounts, some of them putting the sample out of the support."""
    out = []
    for _ in range(8):
        v = dict(values)
        for q in m.params:
            if q.is_positive:
                v[q] = values[q] * float(np.exp(rng.normal(0, 0.7)))
            else:
                v[q] = values[q] + float(rng.normal(0, 0.7)) * span
        out.append(v)
    return out


def check_indicator(v: StepVerdict, indicator: sp.Expr, m: Any, pts: list[Point], ev,
                     claimed: sp.Expr) -> StepVerdict:
    """A claimed likelihood with an indicator (``\\mathbb{1}\\{x_{(n)} \\le \\theta\\}``): the
    rest was judged with the indicator taken as 1; the indicator must be 1 exactly where
    the sample lies in the support, which is checked at parameter values around the random
    points, on both sides of the end of the feasible set."""
    from .check import CORRECT_VERDICTS, _counterexample, _replace

    if v.kind != "log_likelihood":
        return _replace(v, verdict="wrong", claimed=claimed, slip=None, counterexample=None,
                        message="an indicator belongs in a likelihood, not in this step")
    rng = np.random.default_rng(11)
    ind = ev(indicator)
    checked = 0
    for point in [q for q in pts if not q.boundary]:
        span = float(np.ptp(point.sample)) + 1.0
        for values in _perturbed(m, point.values, rng, span):
            at = Point(point.sample, values)
            inside = in_support(m, point.sample, values)
            got = ind(at)
            if not math.isfinite(got):
                continue
            checked += 1
            if (got == 1) != inside:
                where = ", ".join(f"{q.name} = {values[q]:.4g}" for q in m.params)
                said = "1" if got == 1 else "0"
                truth = "lies" if inside else "does not lie"
                return _replace(v, verdict="wrong", claimed=claimed, slip=None,
                                counterexample=_counterexample(at, got, float(inside)),
                                message=(f"your indicator is wrong: with n = "
                                         f"{point.sample.size} and {where}, it is {said}, but "
                                         f"the sample {truth} in the support there"))
    if v.verdict not in CORRECT_VERDICTS:
        return _replace(v, claimed=claimed)
    return _replace(v, claimed=claimed, message=(
        f"{v.message}; your indicator is 1 exactly where the sample lies in the support "
        f"(checked at {checked} parameter values)"))


def names_likelihood(text: str) -> bool:
    """Whether the claim is written ``L(θ) = ...`` or ``\\mathcal{L}(θ) = ...``: a likelihood
    (``\\log L(θ) =``, ``\\ell(θ) =`` name a log-likelihood)."""
    lhs, _ = split_assignment(strip_trailing(text))
    return lhs is not None and _LIKELIHOOD.fullmatch(lhs.strip()) is not None


def as_likelihood(v: StepVerdict, named: bool, constant_dropped: bool, claimed: sp.Expr,
                   truth: sp.Expr, d: Derivation, positive: bool, ev, pts: list[Point],
                   text: str) -> StepVerdict:
    """A claimed log-likelihood that is wrong as such but whose logarithm is right is the
    likelihood: judged right when written ``L(θ) = ...`` (its logarithm is the step), wrong
    with the slip "the likelihood, not its logarithm" otherwise. A ``+ C`` dropped from the
    claim is said so."""
    from .check import CORRECT_VERDICTS, _judge, _replace

    if constant_dropped and v.verdict in CORRECT_VERDICTS:
        v = _replace(v, message=f"{v.message} (your '+ C' is read as an additive constant)")
    if v.verdict != "wrong" or claimed.is_number:
        return v
    logged = sp.expand_log(sp.log(claimed), force=True)
    if named:  # the step is its logarithm
        again = _judge(v.name, "log_likelihood", None, logged, truth, {}, "", d, positive, ev,
                       pts, text)
        said = again.message.replace("your log-likelihood is", "its logarithm is", 1)
        if again.verdict in CORRECT_VERDICTS or (again.slip and not v.slip):
            return _replace(again, claimed=claimed, source=text, message=(
                f"you wrote the likelihood L, whose logarithm is the log-likelihood; {said}"))
        return v
    if _numeric(ev(logged), ev(truth), pts, True)[0] is not True:
        return v
    return _replace(v, slip=SLIPS[8], message=(
        f"{v.message.split('. Most likely slip')[0]}. Most likely slip: {SLIPS[8]} (this is "
        f"the likelihood, the product of the densities; the log-likelihood is its logarithm, "
        f"a sum)"))
def wrong_factor(claimed: sp.Expr, ce, d: Derivation, kind: str, p: sp.Symbol | None, ev,
                  pts: list[Point], up: bool, truth: sp.Expr | None) -> Mutation | None:
    """One term of the truth with another constant factor in the claim (n/θ for 2n/θ,
    1/σ² for 1/(2σ²)): the factor is read off two points (of one sample for a
    log-likelihood, which is judged up to a constant), rounded to a simple fraction, and the
    truth with that term so scaled must agree with the claim at every point."""
    from .check import _truth

    if truth is None:
        truth = _truth(d, kind, p)[0]
    if truth is None:
        return None
    params = d.model.params
    natural = list(sp.Add.make_args(truth))  # as symmle writes it, else split by _terms
    terms = natural if len(natural) > 1 else _terms(truth)
    expanded = _terms(truth)
    for q in params:  # Σ(x_i − μ)²/(2σ²) expanded: the terms with a common factor 1/σ²
        for f in (1 / q, q, 1 / q**2, q**2):
            try:
                coeff = sp.collect(sp.Add(*expanded), f, evaluate=False).get(f)
            except Exception:  # noqa: BLE001 - collect gives up on odd forms
                coeff = None
            group = None if coeff is None else sp.expand(coeff * f)
            if group is not None and len(sp.Add.make_args(group)) > 1 and group not in terms:
                terms.append(group)
    terms = [t for t in terms if kind != "log_likelihood" or t.has(*params)]
    if kind != "log_likelihood":
        terms.append(truth)  # the whole step: 1/(2λ) for 1/λ
    inside = [q for q in pts if not q.boundary]
    pairs = [(a, b) for a, b in zip(inside, inside[1:]) if not up or a.sample is b.sample]
    for t in terms:
        try:
            te, re_ = ev(t), ev(truth - t)
        except Exception:  # noqa: BLE001 - a term that does not compile explains nothing
            continue
        for a, b in pairs[:3]:
            num = ce(b) - re_(b) - ((ce(a) - re_(a)) if up else 0.0)
            den = te(b) - (te(a) if up else 0.0)
            if not (math.isfinite(num) and math.isfinite(den)) or abs(den) < 1e-9:
                continue
            c = sp.Rational(num / den).limit_denominator(12)
            if c in (0, 1) or abs(float(c) - num / den) > 1e-6 * (1 + abs(num / den)):
                break
            known = [k for k in d.model.known if b.values.get(k) == float(c)]
            c = known[0] if known else c  # x̄ for x̄/m: the factor is m, not its value here
            mutated = truth - t + c * t
            if _numeric(ce, ev(mutated), pts, up)[0]:
                what = "the whole expression" if t is truth else f"the term {t}"
                return Mutation(SLIPS[9], f"{what} has the factor {c} in yours", mutated)
            break
    return None
