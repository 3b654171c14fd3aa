"""Claims typed or pasted in Unicode, as a phone or a word processor writes them: ``λ̂ = 1/x̄``,
``ℓ(λ) = n ln λ − λ Σ xᵢ``, ``θ̂ = x₍ₙ₎``, ``I(λ) = 1/λ²``.

:func:`from_unicode` rewrites such a claim in the syntax the claim readers know, before
anything else reads it: in LaTeX when the claim is LaTeX or holds a symbol only LaTeX reading
gives a meaning (a backslash, a brace, ``Σ``, ``√``, ``∂``, a combining hat or bar), Greek
letters becoming ``\\lambda``, ``θ̂`` ``\\hat{\\theta}``, subscripts ``_{(n)}``; otherwise in the
plain syntax, Greek letters becoming their names (``lambda``). Only the characters listed here
are rewritten; every other character is left for the readers to accept or refuse.
"""
from __future__ import annotations

from .parsing import GREEK

__all__ = ["from_unicode"]

_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ₍₎₊₋", "0123456789aeoxhklmnpstijruv()+-"))
_SUP = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹ⁿⁱ⁺⁻⁽⁾", "0123456789ni+-()"))
_LATEX_ONLY = "\\{}$Σ∑∏√∂\u0302\u0304\u0305"
_HAT, _BARS = "\u0302", "\u0304\u0305"
_LATEX_SYMBOLS = {"ℓ": "\\ell ", "∂": "\\partial ", "∞": "\\infty ", "…": "\\dots ", "−": "-"}
_PLAIN_SYMBOLS = {"ℓ": "ell", "−": "-"}


def from_unicode(text: str) -> str:
    """``text`` with its Unicode mathematics in LaTeX or in the plain syntax (see the module's
    docstring); ``text`` itself when it holds none.

    Examples
    --------
    >>> from_unicode("λ̂ = 1/x̄")
    '\\\\hat{\\\\lambda} = 1/\\\\bar{x}'
    >>> from_unicode("θ̂ = x₍ₙ₎")
    '\\\\hat{\\\\theta} = x_{(n)}'
    >>> from_unicode("I(λ) = 1/λ²")
    'I(lambda) = 1/lambda^2'
    """
    if not isinstance(text, str) or text.isascii():
        return text
    latex = any(c in text for c in _LATEX_ONLY)
    out: list[str] = []
    j = 0
    while j < len(text):
        c = text[j]
        if c in _SUB or c in _SUP:
            table, mark = (_SUB, "_") if c in _SUB else (_SUP, "^")
            k = j
            while k < len(text) and text[k] in table:
                k += 1
            body = "".join(table[q] for q in text[j:k])
            out.append(f"{mark}{{{body}}}" if latex else
                       f"{mark}{body}" if len(body) == 1 or mark == "_" else f"{mark}({body})")
            j = k
            continue
        name = GREEK.get(c) if c not in "ΣΠ" or not latex else None
        if latex:
            word = f"\\{name} " if name else _LATEX_SYMBOLS.get(c, c)
        else:
            word = name or _PLAIN_SYMBOLS.get(c, c)
        mark = text[j + 1] if j + 1 < len(text) else ""
        if latex and mark and mark in _HAT + _BARS:  # θ̂, x̄: the accent over the letter
            command = "hat" if mark == _HAT else "bar"
            out.append(f"\\{command}{{{word.strip()}}}")
            j += 2
            continue
        out.append(word)
        j += 1
    return "".join(out)
