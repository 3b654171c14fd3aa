"""Rendering of a :class:`~symmle.check.CheckReport`: plain text, and Markdown and LaTeX through
the templates ``markdown/check.md.j2`` and ``latex/check.tex.j2`` (the feedback a teacher can
paste under a student's answer). The context is prepared here; the templates only loop.

Examples
--------
>>> from symmle.check import check
>>> r = check("poisson", mle="sum(x_i)/(n-1)")
>>> print(render_check_text(r).splitlines()[1])
  MLE: WRONG (the first wrong step)
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from .latex import names_of, text
from .render import environment, plain_title, unmarked

if TYPE_CHECKING:  # pragma: no cover
    from .check import CheckReport

__all__ = ["render_check_text", "render_check_markdown", "render_check_latex"]

VERDICT_WORDS = {"correct": "right", "equivalent": "right (another form)",
                 "correct_up_to_constant": "right up to an additive constant",
                 "wrong": "WRONG", "undetermined": "not decided"}


def _label(v) -> str:
    from .check import STEP_NAMES

    base = STEP_NAMES[v.kind]
    if v.entries:
        return f"{base} matrix"
    if v.entry is not None and v.entry[0] != v.entry[1]:
        return f"{base}, entry ({v.entry[0]}, {v.entry[1]})"
    return f"{base} of {v.param}" if v.param and "." in v.name else base


def _first_wrong(v) -> str:
    e = v.first_wrong_entry
    return _label(v) + (f", entry ({e.entry[0]}, {e.entry[1]})" if e is not None else "")


def _sample(ce: dict, var: str) -> str:
    """A counterexample's sample; with the covariates of a conditional model, column by
    column (``y: 1, 2; x: 0.5, 3``)."""
    values = ", ".join(f"{x:g}" for x in ce["sample"])
    if not ce.get("covariates"):
        return values
    return "; ".join([f"{var}: {values}"] + [f"{k}: " + ", ".join(f"{x:g}" for x in col)
                                             for k, col in ce["covariates"].items()])


def _shown(d: Any, kind: str) -> Any:
    """How a claim and symmle's truth are shown: for a table pmf, in the counts nₖ."""
    from .counts import in_counts, is_tabular

    if not is_tabular(d):
        return lambda e: e
    terms = kind in ("log_likelihood", "score")
    return lambda e: e if e is None or isinstance(e, sp.MatrixBase) else (
        in_counts(e, d.model, terms=terms) or e)


def _context(r: "CheckReport") -> dict[str, Any]:
    d = r.derivation
    names = names_of(d.model.latex_names)
    steps = []
    for key, v in r.steps.items():
        ce = v.counterexample
        show = _shown(d, v.kind)
        steps.append({
            "label": _label(v), "key": key, "verdict": VERDICT_WORDS.get(v.verdict, v.verdict),
            "wrong": v.verdict == "wrong", "first": key == r.first_wrong,
            "message": v.message, "claimed": show(v.claimed), "truth": show(v.truth),
            "show_truth": v.truth is not None and v.verdict != "correct",
            "slip": v.slip, "decided_by": v.decided_by,
            "counterexample": None if ce is None else {
                "sample": _sample(ce, ce.get("var") or d.model.var.name),
                "parameters": ", ".join(f"{k} = {x:g}" for k, x in ce["parameters"].items()),
                "claimed": "undefined" if ce["claimed"] is None else f"{ce['claimed']:.6g}",
                "true": "undefined" if ce["true"] is None else f"{ce['true']:.6g}",
                "n": str(ce["n"]),
                "entry": f"({', '.join(ce['entry'])})" if ce.get("entry") else ""},
            "entries": [{"label": f"({e.entry[0]}, {e.entry[1]})",
                         "verdict": VERDICT_WORDS.get(e.verdict, e.verdict),
                         "first": v.first_wrong_entry is e, "slip": e.slip,
                         "note": (" (the first wrong entry)" if v.first_wrong_entry is e else "")
                         + (f"; most likely slip: {e.slip}" if e.slip else "")}
                        for e in v.entries],
            "order": ", ".join(dict.fromkeys(e.entry[0] for e in v.entries)),
        })
    title = plain_title(d)
    return {"title": title, "names": names, "steps": steps, "all_correct": r.all_correct,
            "first_wrong": r.first_wrong, "points": str(r.points)}


def render_check_markdown(r: "CheckReport") -> str:
    """The report as Markdown with ``$…$`` math."""
    return environment().get_template("markdown/check.md.j2").render(_context(r))


def render_check_latex(r: "CheckReport", standalone: bool = False) -> str:
    """The report as a LaTeX fragment (amsmath, amssymb), or a whole document."""
    name = "latex/check_standalone.tex.j2" if standalone else "latex/check.tex.j2"
    return environment().get_template(name).render(_context(r))


def render_check_text(r: "CheckReport") -> str:
    """The report as plain text, one paragraph per claimed step."""
    names = names_of(r.derivation.model.latex_names)
    ctx = _context(r)
    lines = [f"Checking a derivation: {ctx['title']}"]
    for s in ctx["steps"]:
        first = " (the first wrong step)" if s["first"] else ""
        lines.append(f"  {s['label']}: {s['verdict']}{first}")
        lines.append(f"    yours:   {text(s['claimed'], names)}")
        if s["show_truth"]:
            lines.append(f"    symmle:  {text(s['truth'], names)}")
        lines.append(f"    {s['message']}")
        if s["entries"]:
            lines.append(f"    entries (rows and columns in the order {s['order']}):")
            for e in s["entries"]:
                lines.append(f"      {e['label']}: {e['verdict']}{e['note']}")
        ce = s["counterexample"]
        if ce:
            entry = f" for the entry {ce['entry']}" if ce["entry"] else ""
            lines.append(f"    counterexample{entry}: sample ({ce['sample']})"
                         + (f", {ce['parameters']}" if ce["parameters"] else "")
                         + f": yours {ce['claimed']}, true {ce['true']}")
        if s["slip"]:
            lines.append(f"    most likely slip: {s['slip']}")
    lines.append("All claimed steps are right." if r.all_correct else
                 f"First wrong step: {_first_wrong(r.steps[r.first_wrong])}." if r.first_wrong else
                 "Some steps could not be decided.")
    return "\n".join(lines) + "\n"
