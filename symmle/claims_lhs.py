"""Left-hand sides that say what a claim is: a variance or a standard error of an estimate.

``\\operatorname{Var}(\\hat\\lambda) = \\frac{\\lambda^2}{n}`` claims the asymptotic variance,
whose square root is the standard error; ``\\mathrm{SE}(\\hat\\lambda) = ...`` and
``\\sqrt{\\operatorname{Var}(\\hat\\lambda)} = ...`` claim the standard error itself. Only the
names below are read (the argument is the estimate's name); nothing here builds SymPy objects.
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SpreadName", "spread_name", "as_standard_error"]

_WORD = r"(?:\\(?:operatorname|mathrm|text|textrm|mathbb|rm)\s*\{\s*)?" \
        r"(Var|var|VAR|V|SE|se|S\.E\.|s\.e\.)\s*\}?"
_SPREAD = re.compile(r"\s*\$?\s*(\\sqrt\s*\{)?\s*" + _WORD + r"\s*(?:\\left\s*)?[(\[]"
                     r"(?P<inner>[^()\[\]]*(?:\([^()]*\)[^()\[\]]*)*)(?:\\right\s*)?[)\]]"
                     r"\s*(?P<close>\})?\s*\$?\s*")


class SpreadName(NamedTuple):
    """What a left-hand side names: the estimate inside it, and whether it is a variance."""

    inner: str
    variance: bool


def spread_name(lhs: str) -> SpreadName | None:
    """``\\operatorname{Var}(\\hat\\theta)``, ``\\mathrm{SE}[\\hat\\theta]``,
    ``\\sqrt{\\text{Var}(\\hat\\theta)}``, ``se(theta_hat)``: the estimate written inside and
    whether the left-hand side is a variance (a square root of one is a standard error);
    ``None`` for anything else.

    Examples
    --------
    >>> spread_name(r"\\operatorname{Var}(\\hat\\lambda)")
    SpreadName(inner='\\\\hat\\\\lambda', variance=True)
    >>> spread_name(r"\\sqrt{\\mathrm{Var}(\\hat\\lambda)}").variance
    False
    >>> spread_name(r"\\hat\\lambda") is None
    True
    """
    m = _SPREAD.fullmatch(lhs)
    if m is None or bool(m.group(1)) != bool(m.group("close")):
        return None
    inner = re.sub(r"\\right\s*$", "", m.group("inner").strip())  # \left( .. \right)
    variance = m.group(2).lower() in ("var", "v")
    if m.group(1) and not variance:  # \sqrt{SE(θ̂)} names nothing symmle judges
        return None
    return SpreadName(inner.strip(), variance and not m.group(1))


def as_standard_error(rhs: str, latex: bool) -> str:
    """A claimed variance as the standard error it gives: its square root, in the claim's
    own syntax.

    Examples
    --------
    >>> as_standard_error(r"\\frac{\\lambda^2}{n}", True)
    '\\\\sqrt{\\\\frac{\\\\lambda^2}{n}}'
    >>> as_standard_error("lambda^2/n", False)
    'sqrt(lambda^2/n)'
    """
    body = rhs.strip().strip("$").strip()
    return f"\\sqrt{{{body}}}" if latex else f"sqrt({body})"
