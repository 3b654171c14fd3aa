"""The render stage: a derivation as text (Markdown and LaTeX templates come with the
rendering issue)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation

__all__ = ["render_text"]


def render_text(d: "Derivation") -> str:
    """Plain text, one block per step.

    Examples
    --------
    >>> from symmle import derive
    >>> print(render_text(derive("poisson")).splitlines()[0])
    MLE derivation: Poisson
    """
    title = d.model.title or d.model.describe()
    lines = [f"MLE derivation: {title}", ""]
    for k, step in enumerate(d.steps, start=1):
        lines.append(f"{k}. {step.heading}")
        for item in step.math:
            text = sp.sstr(item) if not isinstance(item, sp.Eq) else \
                f"{sp.sstr(item.lhs)} = {sp.sstr(item.rhs)}"
            lines.extend("   " + t for t in text.splitlines())
        if step.text:
            lines.append(f"   ({step.text})")
        lines.append("")
    if d.warnings:
        lines.append("Warnings:")
        lines.extend(f"  - {w}" for w in d.warnings)
    return "\n".join(lines).rstrip() + "\n"
