"""The Fisher information claimed entry by entry or as a whole matrix (part of ``check``).

:func:`judge_entry` judges one entry (a, b) like any step (a bounded symbolic comparison and
the numeric cross-check; per observation or for the n observations). :func:`judge_matrix`
judges every entry of a claimed matrix, rows and columns in the order of the model's
parameters, and then the matrix as a whole:

- one scale throughout: the one most non-zero entries match; an entry on the other scale is
  wrong with the slip ``a dropped factor n``;
- the first wrong entry, row by row, is named with its counterexample;
- a matrix right with its rows and columns in another order of the parameters (up to
  ``MAX_ORDERS`` parameters) gets the slip ``the parameters in another order``;
- a matrix that is not symmetric is said to be so.

Examples
--------
>>> from symmle.check import check
>>> v = check("normal", fisher="[[n/sigma2, 0], [0, 1/(2*sigma2^2)]]").steps["fisher"]
>>> v.verdict, v.first_wrong_entry.entry, v.slip
('wrong', ('mu', 'mu'), 'a dropped factor n')
"""
from __future__ import annotations

import itertools
import json
from typing import Any

import sympy as sp

from .check import StepVerdict, _counterexample, _fmt, _judge, _numeric, _replace
from .crosscheck import Point
from .derivation import Derivation
from .notation import N
from .slips import SLIPS

__all__ = ["judge_entry", "judge_matrix", "one_scale", "PER", "TOTAL", "MAX_ORDERS"]

PER, TOTAL = "per observation", "for the n observations"
DECIDED = ("none", "numeric", "symbolic", "symbolic and numeric")  # weakest first
MAX_ORDERS = 4  # parameters up to which every other order of a claimed matrix is tried


def judge_entry(step: str, entry: tuple[str, str], claimed: sp.Expr, d: Derivation,
                 positive: bool, ev, pts: list[Point], text: str,
                 scale: str | None = None) -> StepVerdict:
    """One entry (a, b) of the Fisher information, per observation or for the n observations
    (or only ``scale``); a diagonal entry also gets the chain-rule slips of its parameter."""
    a, b = entry
    names = list(d.parameters)
    p = d.model.params[names.index(a)] if a == b else None
    info = d.fisher_information
    key = a if a == b else f"{a},{b}"
    what = f"Fisher information entry ({a}, {b})" if len(names) > 1 else "Fisher information"
    if info is None:
        return StepVerdict(step, "fisher", key, "undetermined",
                           f"symmle has no Fisher information to compare with: "
                           f"{d.information.reason or 'it was not derived'}", claimed,
                           source=text, decided_by="none", entry=entry)
    t = info[names.index(a), names.index(b)]
    candidates = {PER: t, TOTAL: N * t}
    main = scale or PER
    alt = {k: v for k, v in candidates.items() if k != main and scale is None}
    v = _judge(step, "fisher", p, claimed, candidates[main], alt, main, d, positive, ev, pts,
               text, what=what)
    return _replace(v, param=key, entry=entry)


def judge_matrix(matrix: dict[tuple[str, str], sp.Expr], texts: dict[tuple[str, str], str],
                  d: Derivation, positive: bool, ev, pts: list[Point], source: Any,
                  ) -> StepVerdict:
    """A whole claimed matrix: every entry judged, one scale (per observation or for the n
    observations) throughout, the first wrong entry named, another order of the parameters
    recognised."""
    names = list(d.parameters)
    k = len(names)
    order = ", ".join(names)
    claimed = sp.Matrix(k, k, lambda j, c: matrix[(names[j], names[c])])
    info = d.fisher_information
    src = source if isinstance(source, str) else json.dumps(source, default=str)
    if info is None:
        return StepVerdict("fisher", "fisher", None, "undetermined",
                           f"symmle has no Fisher information to compare with: "
                           f"{d.information.reason or 'it was not derived'}", claimed,
                           source=src, decided_by="none")
    judged: dict[tuple[str, str], StepVerdict] = {}
    for j, c in itertools.product(range(k), repeat=2):
        a, b = names[j], names[c]
        if c < j and matrix[(b, a)] == matrix[(a, b)]:  # the same claim: the same verdict
            judged[(a, b)] = _replace(judged[(b, a)], name=f"fisher.{a},{b}", entry=(a, b),
                                      param=f"{a},{b}")
            continue
        judged[(a, b)] = judge_entry(f"fisher.{a},{b}", (a, b), matrix[(a, b)], d, positive,
                                      ev, pts, texts[(a, b)])
    judged, scale = one_scale(judged, d, positive, ev, pts)
    factor = N if scale == TOTAL else sp.Integer(1)
    target = sp.Matrix(k, k, lambda j, c: factor * info[j, c])
    entries = tuple(judged.values())
    verdicts = {v.verdict for v in entries}
    verdict = ("wrong" if "wrong" in verdicts else "undetermined" if "undetermined" in verdicts
               else "correct" if verdicts == {"correct"} else "equivalent")
    decided = min((v.decided_by for v in entries), key=DECIDED.index)
    first = next((v for v in entries if v.verdict == "wrong"), None)
    slip = first.slip if first is not None else None
    notes = []
    if first is not None and 1 < k <= MAX_ORDERS:
        evs = {e: ev(x) for e, x in matrix.items()}
        tev = {(j, c): ev(target[j, c]) for j, c in itertools.product(range(k), repeat=2)}
        for perm in list(itertools.permutations(range(k)))[1:]:
            if all(_numeric(evs[(names[perm[j]], names[perm[c]])], tev[(j, c)], pts)[0]
                   for j, c in itertools.product(range(k), repeat=2)):
                slip = SLIPS[6]
                notes.append(f"Most likely slip: {slip} (your matrix is right with its rows and "
                             f"columns in the order {', '.join(names[q] for q in perm)}; they "
                             f"follow the model's parameters: {order})")
                break
        for j, c in itertools.combinations(range(k), 2):
            a, b = names[j], names[c]
            if judged[(a, b)].verdict != judged[(b, a)].verdict or (
                    matrix[(a, b)] != matrix[(b, a)]
                    and _numeric(evs[(a, b)], evs[(b, a)], pts)[0] is False):
                notes.append(f"Your matrix is not symmetric: the entries ({a}, {b}) and "
                             f"({b}, {a}) differ; a Fisher information matrix is symmetric")
                break
    label = f"rows and columns in the order {order}"
    if verdict == "wrong":
        r, c = names.index(first.entry[0]) + 1, names.index(first.entry[1]) + 1
        msg = (f"your Fisher information matrix is wrong ({label}): the first wrong entry is "
               f"({first.entry[0]}, {first.entry[1]}), row {r}, column {c}. "
               f"{first.message[0].upper()}{first.message[1:]}")
    elif verdict == "undetermined":
        u = next(v for v in entries if v.verdict == "undetermined")
        msg = (f"your Fisher information matrix could not be decided ({label}): entry "
               f"({u.entry[0]}, {u.entry[1]}): {u.message}")
    else:
        msg = f"your Fisher information matrix is right ({scale}; {label})"
        if verdict == "equivalent":
            msg += ", in another form than symmle's"
        numeric = [f"({v.entry[0]}, {v.entry[1]})" for v in entries if v.decided_by == "numeric"]
        if numeric:
            msg += (f"; SymPy could not simplify the difference to zero for the entries "
                    f"{', '.join(numeric)}, so those were decided numerically")
    if notes:
        msg += ". " + ". ".join(notes)
    ce = None
    if first is not None and first.counterexample is not None:
        ce = {**first.counterexample, "entry": list(first.entry)}
    return StepVerdict("fisher", "fisher", None, verdict, msg, claimed, target, ce, slip,
                       decided, source=src, entries=entries, matched=scale)


def one_scale(judged: dict[tuple[str, str], StepVerdict], d: Derivation, positive: bool, ev,
              pts: list[Point], rest: str = "the rest of your matrix is",
              ) -> tuple[dict[tuple[str, str], StepVerdict], str]:
    """Fisher information entries (a, b) → verdicts, on one scale throughout: the one most
    non-zero entries match (per observation, or for the n observations); an entry right only
    on the other scale is wrong, with the slip ``a dropped factor n``; a wrong one is judged
    again against the information for the n observations when that is the scale. Used for a
    whole matrix and for entries claimed one by one (``--fisher mu=... --fisher sigma2=...``).
    ``rest`` starts the message's clause on the others. Returns the verdicts and the scale."""
    names = list(d.parameters)
    info = d.fisher_information
    judged = dict(judged)
    nonzero = [v for (a, b), v in judged.items() if v.correct
               and info[names.index(a), names.index(b)] != 0]
    total = sum(v.matched == TOTAL for v in nonzero)
    scale = TOTAL if total > sum(v.matched == PER for v in nonzero) else PER
    factor = N if scale == TOTAL else sp.Integer(1)
    for (a, b), v in list(judged.items()):
        t = factor * info[names.index(a), names.index(b)]
        if v.correct and v.matched and v.matched != scale and t != 0:
            num, where, x, y, _ = _numeric(ev(v.claimed), ev(t), pts)
            msg = (f"your Fisher information entry ({a}, {b}) is the information {v.matched}, "
                   f"but {rest} {scale}")
            if where is not None:
                msg += (f": with n = {where.sample.size} and "
                        f"{', '.join(f'{s.name} = {u:.4g}' for s, u in where.values.items())}, "
                        f"yours gives {_fmt(x)} but the entry is {_fmt(y)}")
            msg += (". Most likely slip: a dropped factor n (the matrix is the information per "
                    "observation or for the n observations throughout)")
            judged[(a, b)] = _replace(v, verdict="wrong", message=msg, truth=t, slip=SLIPS[2],
                                      counterexample=None if where is None else
                                      _counterexample(where, x, y), decided_by="numeric")
        elif v.verdict == "wrong" and scale == TOTAL:  # counterexample and slip against n·I
            judged[(a, b)] = judge_entry(v.name, (a, b), v.claimed, d, positive, ev, pts,
                                          v.source, scale=TOTAL)
    return judged, scale
