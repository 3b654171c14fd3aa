"""How a claim is framed: left-hand sides that say what it is (a variance or a standard error
of an estimate), and the decorations around it in a written solution.

``\\operatorname{Var}(\\hat\\lambda) = \\frac{\\lambda^2}{n}`` claims the asymptotic variance,
whose square root is the standard error; ``\\mathrm{SE}(\\hat\\lambda) = ...`` and
``\\sqrt{\\operatorname{Var}(\\hat\\lambda)} = ...`` claim the standard error itself. Only the
names below are read (the argument is the estimate's name); nothing here builds SymPy objects.

A written solution frames its result: ``\\therefore \\hat\\theta = ...``, ``\\boxed{...}``,
a score equation ``\\overset{!}{=} 0`` or ``\\stackrel{\\text{set}}{=} 0``, a chain of equalities
in ``\\begin{aligned} .. \\end{aligned}``; :func:`undecorate`
blanks these (every other character keeps its position, for the messages).
"""
from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["SpreadName", "spread_name", "as_standard_error", "undecorate"]

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


_LEAD = re.compile(r"\s*\$?\s*(\\(?:therefore|Rightarrow|Longrightarrow|implies|hence)"
                   r"(?![A-Za-z]))")
_SET_EQUAL = re.compile(r"\\(?:overset|stackrel)\s*\{\s*(?:!|\?|[A-Za-z. ]*|\\(?:text|mathrm)"
                        r"\s*\{[A-Za-z!. ]*\})\s*\}\s*\{\s*=\s*\}")
_BOXED = re.compile(r"\s*\$?\s*(\\boxed\s*\{)")


_ALIGNED = re.compile(r"\s*\$*\s*(\\begin\s*\{(aligned|align\*?|split|gathered|eqnarray\*?)\}"
                      r"(?:\s*\{[lcr]*\})?)(.*)(\\end\s*\{(\w+\*?)\})\s*\$*\s*", re.S)


def _unaligned(text: str) -> str:
    """``\\begin{aligned} \\ell &= A \\\\ &= B \\end{aligned}`` as the chain ``\\ell = A = B``:
    the environment, ``&`` and ``\\\\`` blanked (positions kept)."""
    m = _ALIGNED.fullmatch(text)
    if m is None or m.group(2) != m.group(5):
        return text
    body = m.group(3).replace("\\\\", "  ").replace("&", " ")
    return (text[:m.start(1)] + " " * len(m.group(1)) + body + " " * len(m.group(4))
            + text[m.end(4):])


def undecorate(text: str) -> str:
    """``text`` with a leading ``\\therefore`` (``\\Rightarrow``, ``\\implies``), a
    ``\\boxed{...}`` around the whole claim, ``\\overset{!}{=}``/``\\stackrel{set}{=}``
    (read as ``=``) and an ``aligned`` (``align*``, ``split``) environment around a chain of
    equalities (with its ``&`` and ``\\\\``) blanked, every other character at its place.

    Examples
    --------
    >>> undecorate(r"\\therefore \\boxed{\\hat\\lambda = 1/\\bar x}").split()
    ['\\\\hat\\\\lambda', '=', '1/\\\\bar', 'x']
    >>> undecorate(r"n/\\lambda - n\\bar x \\overset{!}{=} 0").split()
    ['n/\\\\lambda', '-', 'n\\\\bar', 'x', '=', '0']
    """
    if not isinstance(text, str):
        return text
    text = _unaligned(text)
    m = _LEAD.match(text)
    if m:
        text = text[:m.start(1)] + " " * len(m.group(1)) + text[m.end(1):]
    text = _SET_EQUAL.sub(lambda q: " " * (len(q.group()) - 1) + "=", text)
    m = _BOXED.match(text)
    if m:
        depth, j = 0, m.end(1) - 1
        while j < len(text):
            depth += text[j] == "{"
            depth -= text[j] == "}"
            if depth == 0:
                break
            j += 1
        if depth == 0 and not text[j + 1:].strip().strip("$.,").strip():
            text = (text[:m.start(1)] + " " * len(m.group(1)) + text[m.end(1):j] + " "
                    + text[j + 1:])
    return text
