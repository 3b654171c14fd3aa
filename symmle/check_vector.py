"""``symmle check`` for a model whose observation is a vector (a multinomial trial, the genotype
counts of a Hardy–Weinberg sample): the claimed log-likelihood, score, MLE, Fisher information
(entries in the free parameters) and standard errors are judged; functions g(θ) and a whole
Fisher matrix are refused by name, with what is supported.

Claims are written in the components' sums, as for the covariates of a regression:
``\\sum_{i=1}^n x_{1i}``, ``\\sum_i x1_i``, ``sum(x1_i)``, ``x1bar``; ``n`` is the number of
vector observations and the known constants (``m``) keep their names. A claim is judged on
random samples drawn from the support (every point of it, at small values of the known
constants, as the derivation's normalisation check uses) and, for the MLE, symbolically: the
difference from symmle's, with each sum split into the sums of the components and the support's
equations (x₁ + x₂ + x₃ = m, so Σx₃ = nm − Σx₁ − Σx₂) and the constraints (p₃ = 1 − p₁ − p₂)
used, must simplify to zero. The other steps are compared at parameter values on the
constraint surface (``p1 + p2 + p3 = 1``): a log-likelihood up to an additive constant, a
score as the partial derivative symmle shows or in the free parameters (p₃ = 1 − p₁ − p₂ put
in first), a Fisher information entry per observation or for the n observations, a standard
error in the parameters or at the estimate.

Examples
--------
>>> import symmle
>>> r = symmle.check("hardy_weinberg", mle=r"\\frac{2\\sum_i x_{1i} + \\sum_i x_{2i}}{2nm}")
>>> r.steps["mle"].verdict
'correct'
>>> symmle.check("hardy_weinberg", mle=r"\\frac{\\sum_i x_{1i}}{nm}").steps["mle"].verdict
'wrong'
"""
from __future__ import annotations

import math
import random
import time
from typing import Any, Mapping

import sympy as sp
from sympy import Sum

from .bounded import bounded
from .check import bounded_comparison
from .claims import (claims_by_parameter, drop_additive_constant, drop_equals_zero,
                     fisher_claims, is_definition, lhs_is_name, parse_claim, split_chain)
from .constrained import _known_probe, _probe_points, _support_points
from .errors import UnsupportedModelError
from .notation import I, N

__all__ = ["check_vector"]

SAMPLES = 10
SIZES = (2, 3, 5, 8)


def _refuse(d: Any, given: Mapping[str, Any]) -> None:
    """A step other than the log-likelihood and the MLE: refused, naming what is judged."""
    asked = [name for name, value in given.items() if value is not None]
    if asked:
        shown = ", ".join(v.name for v in d.model.vars)
        raise UnsupportedModelError(
            f"for a model with vector observations ({shown}) symmle check judges the "
            f"log-likelihood, the score, the MLE, the Fisher information of the free "
            f"parameters and the standard errors (written in the sums of the components, "
            f"\\sum_i x_{{1i}} or sum(x1_i)); the {' and the '.join(asked)} cannot be checked "
            f"yet: compare with 'symmle derive' for the same model")


def _canonical(expr: sp.Expr) -> sp.Expr:
    """Every ``x1[i]`` on one IndexedBase per name (the derivation's may carry assumptions)."""
    return expr.replace(lambda e: isinstance(e, sp.Indexed),
                        lambda e: sp.IndexedBase(str(e.base.label))[I])


def _split_sums(expr: sp.Expr) -> sp.Expr:
    """Σ(a·x1ᵢ + b·x2ᵢ + c) as a·Σx1ᵢ + b·Σx2ᵢ + n·c, for a, b, c free of i."""
    def split(s: Sum) -> sp.Expr:
        out = sp.Integer(0)
        for term in sp.Add.make_args(sp.expand(s.function)):
            indexed = [a for a in term.atoms(sp.Indexed)]
            if not indexed:
                out += N * term
            elif len(indexed) == 1 and sp.Poly(term, indexed[0]).degree() == 1:
                out += term.coeff(indexed[0]) * Sum(indexed[0], (I, 1, N))
            else:
                out += Sum(term, (I, 1, N))
        return out
    return expr.replace(lambda e: isinstance(e, Sum), split)


def _on_support(expr: sp.Expr, d: Any) -> sp.Expr:
    """``expr`` with the support's linear equations used: each equation, summed over the
    sample, eliminates the sum of one component (the last one it holds)."""
    expr = _split_sums(_canonical(expr))
    for eq in d.model.equations:
        last = next((v for v in reversed(d.model.vars) if eq.has(v)), None)
        if last is None or sp.Poly(eq, *d.model.vars).total_degree() != 1:
            continue
        base = {v: sp.IndexedBase(v.name)[I] for v in d.model.vars}
        summed = _split_sums(Sum(eq.xreplace(base), (I, 1, N)))
        target = Sum(base[last], (I, 1, N))
        solved = sp.solve(sp.Eq(summed, 0), target, dict=True)
        if solved:
            expr = expr.xreplace(solved[0])
    return expr


def _symbolic(claimed: sp.Expr, truth: sp.Expr, d: Any) -> str | None:
    """'same' (the same expression), 'equivalent' (the difference simplifies to zero on the
    support's equations) or None (not decided within the time bound)."""
    def run() -> str | None:
        a, b = _canonical(claimed), _canonical(truth)
        if a == b:
            return "same"
        elim = dict(getattr(d, "elimination", None) or {})  # p3 = 1 - p1 - p2
        diff = (_on_support(a, d) - _on_support(b, d)).xreplace(elim)
        for f in (sp.expand, sp.cancel, sp.simplify):
            if f(diff) == 0:
                return "equivalent"
        return None

    return bounded_comparison(run)


def _value(expr: sp.Expr, rows: list[tuple[int, ...]], d: Any,
           values: Mapping[sp.Symbol, Any]) -> float:
    """``expr`` on the sample ``rows`` (one tuple of components each) at ``values``."""
    obs = [sp.IndexedBase(v.name)[I] for v in d.model.vars]
    subs = {N: len(rows), **values}

    def total(s: Sum) -> sp.Expr:
        body = s.function.xreplace(subs)
        f = sp.lambdify(obs, body, "math")
        return sp.Float(math.fsum(float(f(*row)) for row in rows))

    try:
        e = _canonical(sp.sympify(expr)).replace(lambda a: isinstance(a, Sum), total)
        v = complex(e.xreplace(subs).evalf())
    except (ValueError, ZeroDivisionError, OverflowError, TypeError):
        return math.nan
    return v.real if abs(v.imag) < 1e-12 else math.nan


def _truth_log_likelihood(d: Any) -> sp.Expr:
    ll = d.log_likelihood
    base = {v: sp.IndexedBase(v.name)[I] for v in d.model.vars}
    stats = {s.symbol: Sum(sp.sympify(s.h).xreplace(base), (I, 1, N)) for s in ll.statistics}
    return ll.expr.xreplace(stats) + ll.constant


def _counterexample(rows: list[tuple[int, ...]], d: Any, a: float, b: float,
                    values: Mapping[sp.Symbol, Any]) -> dict:
    """A sample of vector observations in the form of :func:`symmle.check`'s counterexamples:
    the first component's column as the sample, the others as named columns."""
    cols = [[float(r[k]) for r in rows] for k in range(len(d.model.vars))]
    return {"n": len(rows), "var": d.model.vars[0].name, "sample": cols[0],
            "covariates": {v.name: c for v, c in zip(d.model.vars[1:], cols[1:])},
            "parameters": {k.name: float(v) for k, v in values.items()},
            "claimed": a, "true": b}


def _close(a: float, b: float) -> bool:
    return math.isfinite(a) and math.isfinite(b) and abs(a - b) <= 1e-8 * (1 + abs(b))


def check_vector(d: Any, *, log_likelihood: str | None = None, score: Any = None,
                 mle: Any = None, fisher: Any = None, standard_error: Any = None,
                 g: Any = None, seed: int = 0, timeout: float = 30.0,
                 started: float | None = None) -> Any:
    """Judge the claimed steps of a model with vector observations (see the module's
    docstring); functions ``g`` and a whole Fisher matrix raise
    :class:`UnsupportedModelError` naming what is judged. Returns a
    :class:`~symmle.check.CheckReport`."""
    from .check import CheckReport, StepVerdict
    from .check_forms import names_likelihood

    started = time.perf_counter() if started is None else started
    _refuse(d, {"functions g": g})
    m = d.model
    names = [p.name for p in m.params]
    taken = {v.name for v in m.vars} | {s.name for s in (*m.params, *m.known)}
    var = sp.Symbol(next(c for c in ("x", "y", "z", "obs") if c not in taken))

    def parse(text: str, where: str) -> sp.Expr:
        return parse_claim(text, m.params, var, m.known, where=where, covariates=m.vars)

    known = _known_probe(m)
    support = _support_points(m, known)
    rng = random.Random(seed)
    samples = [] if not support else [
        [support[rng.randrange(len(support))] for _ in range(SIZES[k % len(SIZES)])]
        for k in range(SAMPLES)]
    thetas = _probe_points(m, d.elimination, d.free, count=3, seed=seed + 1)
    steps: dict[str, StepVerdict] = {}

    def undetermined(step: str, kind: str, pname: str | None, claimed: sp.Expr, why: str,
                     text: str) -> StepVerdict:
        return StepVerdict(step, kind, pname, "undetermined", why, claimed, source=text,
                           decided_by="none")

    def judge_mle(step: str, pname: str, text: str) -> StepVerdict:
        claimed = parse(text, step.replace("_", "-"))
        truth = (d.mle or {}).get(pname)
        what = "MLE" + (f" of {pname}" if len(names) > 1 else "")
        if truth is None:
            return undetermined(step, "mle", pname, claimed, f"symmle has no closed-form {what} "
                                f"to compare with: {d.reason or 'no closed form'}", text)
        others = {p: (d.mle or {}).get(p.name) for p in m.params if p.name != pname}
        claimed_sub = claimed.xreplace({p: e for p, e in others.items() if e is not None})
        agree, where = 0, None
        for rows in samples:
            a, b = _value(claimed_sub, rows, d, known), _value(truth, rows, d, known)
            if not math.isfinite(b):
                continue
            if not _close(a, b):
                where = (rows, a, b)
                break
            agree += 1
        if where is not None:
            rows, a, b = where
            return StepVerdict(
                step, "mle", pname, "wrong",
                f"your {what} is wrong: with n = {len(rows)} and "
                f"{', '.join(f'{k.name} = {v}' for k, v in known.items())}, the sample "
                f"{[list(r) for r in rows]} gives yours {a:.6g} but the MLE {b:.6g}",
                claimed, truth, _counterexample(rows, d, a, b, known), source=text)
        same = _symbolic(claimed_sub, truth, d)
        if agree < 3 and same is None:
            return undetermined(step, "mle", pname, claimed, f"the {what} could not be decided: "
                                f"only {agree} random samples where both are defined", text)
        msg = f"your {what} is right" + ("" if same != "equivalent" else ", in another form "
                                         "than symmle's")
        if same is None:
            msg += (f"; SymPy could not simplify the difference to zero, so this was decided "
                    f"numerically: the two agree at {agree} random samples")
        return StepVerdict(step, "mle", pname, "correct" if same == "same" else "equivalent",
                           msg, claimed, truth, decided_by="numeric" if same is None
                           else "symbolic and numeric", source=text)

    def judge_values(step: str, kind: str, pname: str | None, text: str, what: str,
                     truths: Mapping[str, sp.Expr]) -> StepVerdict:
        """A claim against each form of the truth (``truths``: label → expression; the
        first is the one a counterexample shows), on every sample at every parameter value."""
        claimed = parse(text, step.replace("_", "-"))
        at = [{**known, **t} for t in thetas] or [dict(known)]
        first = None
        for label, truth in truths.items():
            agree, where = 0, None
            for rows in samples:
                for values in at:
                    a, b = _value(claimed, rows, d, values), _value(truth, rows, d, values)
                    if not math.isfinite(b):
                        continue
                    if not _close(a, b):
                        where = (rows, a, b, values)
                        break
                    agree += 1
                if where is not None:
                    break
            if where is None and agree >= 3:
                same = _symbolic(claimed, truth, d)
                shown = f" ({label})" if label else ""
                msg = (f"your {what} is right{shown}" + (", in another form than symmle's"
                                                         if same == "equivalent" else ""))
                if same is None:
                    msg += (f"; SymPy could not simplify the difference to zero, so this was "
                            f"decided numerically: the two agree at {agree} random samples "
                            f"and parameter values")
                return StepVerdict(step, kind, pname, "correct" if same == "same" else
                                   "equivalent", msg, claimed, truth, decided_by="numeric"
                                   if same is None else "symbolic and numeric", source=text,
                                   matched=label)
            first = first or where
        if first is None:
            return undetermined(step, kind, pname, claimed, f"the {what} could not be "
                                "decided: too few samples where both are defined", text)
        rows, a, b, values = first
        shown = ", ".join(f"{k.name} = {float(v):.4g}" for k, v in values.items())
        return StepVerdict(
            step, kind, pname, "wrong",
            f"your {what} is wrong: on the sample {[list(r) for r in rows]} with {shown}, "
            f"yours gives {a:.6g} but the {what} is {b:.6g}", claimed,
            next(iter(truths.values())), _counterexample(rows, d, a, b, values), source=text)

    def judge_score(step: str, pname: str, text: str) -> StepVerdict:
        j = names.index(pname)
        what = "score" + (f" in {pname}" if len(names) > 1 else "")
        truths = {"": d.score[j]}
        elim = dict(d.elimination or {})
        if elim and m.params[j] in d.free:  # in the free parameters, p3 = 1 - p1 - p2 put in
            shown = ", ".join(f"{q.name} = {e}" for q, e in elim.items())
            truths[f"with {shown}"] = sp.diff(_truth_log_likelihood(d).xreplace(elim),
                                              m.params[j])
        return judge_values(step, "score", pname, text, what, truths)

    def judge_se(step: str, pname: str, text: str) -> StepVerdict:
        truth = (d.standard_errors or {}).get(pname)
        what = "standard error" + (f" of {pname}" if len(names) > 1 else "")
        claimed = parse(text, step)
        if truth is None:
            return undetermined(step, "se", pname, claimed, f"symmle has no {what} to "
                                f"compare with", text)
        mles = {p: e for p, e in ((p, (d.mle or {}).get(p.name)) for p in m.params)
                if e is not None}
        truths = {"in the parameters": truth}
        if len(mles) == len(m.params):
            estimate = truth.xreplace(mles)
            truths = ({"at the estimate": estimate, **truths}
                      if not claimed.free_symbols & set(m.params) else
                      {**truths, "at the estimate": estimate})
        return judge_values(step, "se", pname, text, what, truths)

    def judge_fisher(step: str, entry: tuple[str, str], text: str) -> StepVerdict:
        free = [p.name for p in d.free]
        if d.fisher_information is None or not set(entry) <= set(free):
            claimed = parse(text, step)
            why = (f"symmle has the Fisher information of the free parameters "
                   f"({', '.join(free)}) only; {', '.join(entry)} is not one of them"
                   if d.fisher_information is not None else "symmle has no Fisher information")
            return undetermined(step, "fisher", entry[0], claimed, why, text)
        a, b = free.index(entry[0]), free.index(entry[1])
        truth = d.fisher_information[a, b]
        what = "Fisher information" + (f" entry ({entry[0]}, {entry[1]})" if len(free) > 1
                                       else "")
        return judge_values(step, "fisher", entry[0] if a == b else None, text, what,
                            {"per observation": truth, "for the n observations": N * truth})

    def judge_log_likelihood(text: str) -> StepVerdict:
        named = names_likelihood(text)
        body, dropped = drop_additive_constant(text, [s.name for s in (*m.params, *m.known)])
        claimed = parse(body, "log-likelihood")
        if named:
            claimed = sp.expand_log(sp.log(claimed), force=True)
        truth = _truth_log_likelihood(d)
        diffs = []  # per sample: (yours, symmle's) at each parameter value
        for rows in samples:
            pairs = [(_value(claimed, rows, d, {**known, **t}),
                      _value(truth, rows, d, {**known, **t})) for t in thetas]
            if all(math.isfinite(a) and math.isfinite(b) for a, b in pairs):
                diffs.append((rows, pairs))
        if len(diffs) < 3:
            return undetermined("log_likelihood", "log_likelihood", None, claimed,
                                "the log-likelihood could not be decided: too few samples and "
                                "parameter values where both are defined", text)
        for rows, pairs in diffs:
            (a0, b0), rest = pairs[0], pairs[1:]
            k = next((j for j, (a, b) in enumerate(rest, 1) if not _close(a - a0, b - b0)), None)
            if k is None:
                continue
            a, b = pairs[k][0] - a0, pairs[k][1] - b0
            moved = " and ".join(f"{p.name} from {thetas[0][p]:.4g} to {thetas[k][p]:.4g}"
                                 for p in m.params)
            return StepVerdict(
                "log_likelihood", "log_likelihood", None, "wrong",
                f"your log-likelihood is wrong: on the sample {[list(r) for r in rows]}, with "
                f"{moved}, yours changes by {a:.6g} but the log-likelihood by {b:.6g} (a "
                f"difference that no additive constant explains)", claimed, truth,
                _counterexample(rows, d, a, b, {**known, **thetas[k]}), source=text)
        at = [a - b for _, pairs in diffs for a, b in pairs]
        exact = all(_close(v, 0.0) for v in at)
        msg = ("your log-likelihood is right" if exact else "your log-likelihood is right up to "
               "an additive constant (a term free of the parameters, which does not change the "
               "MLE)") + (f"; decided numerically, at {len(diffs)} random samples and "
                          f"{len(thetas)} parameter values on the constraint surface")
        if dropped:
            msg += " (your '+ C' is read as an additive constant)"
        return StepVerdict("log_likelihood", "log_likelihood", None,
                           "equivalent" if exact else "correct_up_to_constant", msg, claimed,
                           truth, decided_by="numeric", source=text)

    def judge_all() -> None:
        if log_likelihood is not None:
            steps["log_likelihood"] = judge_log_likelihood(log_likelihood)
        for pname, text in claims_by_parameter(score, "score", names).items():
            step = "score" if len(names) == 1 else f"score.{pname}"
            steps[step] = judge_score(step, pname, drop_equals_zero(text))
        for pname, text in claims_by_parameter(mle, "mle", names).items():
            step = "mle" if len(names) == 1 else f"mle.{pname}"
            parts = split_chain(text) if isinstance(text, str) else []
            if len(parts) >= 3 and lhs_is_name(parts[0]):  # NAME = A = B: each part judged
                middles = [q for q in parts[1:-1] if not is_definition(q)]
                verdicts = [judge_mle(step, pname, q) for q in [parts[-1], *middles]]
                steps[step] = next((v for v in verdicts if v.verdict == "wrong"), verdicts[0])
            else:
                steps[step] = judge_mle(step, pname, text)
        free = [p.name for p in d.free]
        entries, whole = fisher_claims(fisher, free, var.name,
                                       others=tuple(v.name for v in m.vars))
        if whole:
            raise UnsupportedModelError("for a model with vector observations, claim the "
                                        "Fisher information entry by entry (NAME=EXPR, "
                                        "NAME,NAME=EXPR), in the free parameters "
                                        f"({', '.join(free)})")
        for entry, text in entries.items():
            step = ("fisher" if len(free) == 1 else f"fisher.{entry[0]}" if entry[0] == entry[1]
                    else f"fisher.{entry[0]},{entry[1]}")
            steps[step] = judge_fisher(step, entry, text)
        for pname, text in claims_by_parameter(standard_error, "standard error",
                                               names).items():
            step = "se" if len(names) == 1 else f"se.{pname}"
            steps[step] = judge_se(step, pname, text)

    bounded(judge_all, seconds=timeout, what="checking the claimed steps", cpu=False)
    return CheckReport(d, steps, time.perf_counter() - started,
                       len(samples) * max(1, len(thetas)))
