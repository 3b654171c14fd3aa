"""A model written in LaTeX, as on an exercise sheet: the density and its support, translated
into symmle's plain syntax for the whitelist parser of :mod:`symmle.parsing`.

The density goes through the claims' translator (:func:`symmle.claims_latex.latex_to_plain`),
which refuses every command it does not know with its position, and reads an indicator
``\\mathbb{1}\\{x = 0\\}`` as the plain ``(x == 0)``. A support is an inequality chain
(``0 < x < \\theta``, ``x \\geq 0``), an interval (``x \\in (0, \\infty)``), a set of values
(``x \\in \\{0, 1, 2, \\dots\\}``, ``x = 0, 1, \\ldots, m``) or a set of numbers
(``\\mathbb{R}``, ``\\mathbb{N}_0``, ``\\mathbb{Z}_{\\geq 0}``, ``\\mathbb{N}^+``). A bare
``\\mathbb{N}`` is {0, 1, 2, ...} or {1, 2, 3, ...} by convention; :func:`latex_support` takes
the reading to use, and :mod:`symmle.model` picks the one over which the pmf sums to 1.
"""
from __future__ import annotations

import re

from .claims_latex import MAX_LENGTH, _split_commas, latex_to_plain
from .errors import ParseError

__all__ = ["latex_density", "latex_support", "bare_naturals"]


def latex_density(text: str, var: str = "x", where: str = "density") -> str:
    """A density written in LaTeX (``\\theta e^{-\\theta x}``,
    ``\\frac{1}{\\theta} e^{-x/\\theta}``) in symmle's plain syntax, for the whitelist parser
    of :mod:`symmle.parsing`; ``x_m`` is the name ``xm``.

    Examples
    --------
    >>> latex_density(r"\\theta e^{-\\theta x}")
    'theta * (e)**((-(theta * x)))'
    >>> latex_density(r"\\frac{\\beta^\\alpha}{\\Gamma(\\alpha)} x^{\\alpha-1}")
    '(((beta)**(alpha)))/((gamma((alpha)))) * (x)**((alpha - 1))'
    >>> latex_density(r"\\pi \\mathbb{1}\\{x = 0\\}")
    'pi * (x == 0)'
    """
    return latex_to_plain(text, var=var, where=where)


_RELATIONS = {"le": "<=", "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=",
              "geqslant": ">=", "lt": "<", "gt": ">"}
_REALS = re.compile(r"\\mathbb\s*\{?\s*R\s*\}?|\\R(?![A-Za-z])")
# \mathbb{N}, \mathbb N, \N, with sub- and superscripts (_0, ^+, _{\geq 0}) and "\cup \{0\}"
_NUMBERS = re.compile(r"(?:\\mathbb\s*(?:\{\s*([NZ])\s*\}|([NZ]))|\\([NZ])(?![A-Za-z]))"
                      r"((?:\s*[_^]\s*(?:\{[^{}]*\}|\\[A-Za-z]+|[^\s{}\\]))*)"
                      r"(\s*\\cup\s*\\\{\s*0\s*\\\})?")
_DOTS = re.compile(r"\\(?:l|c)?dots(?![A-Za-z])|\.\.\.|…")


def bare_naturals(text: str) -> bool:
    """Whether a LaTeX support is the set of natural numbers written without saying whether
    0 is in it (``x \\in \\mathbb{N}``).

    Examples
    --------
    >>> bare_naturals(r"x \\in \\mathbb{N}"), bare_naturals(r"x \\in \\mathbb{N}_0")
    (True, False)
    """
    m = _NUMBERS.search(text) if isinstance(text, str) and len(text) <= MAX_LENGTH else None
    return bool(m and (m.group(1) or m.group(2) or m.group(3)) == "N" and not m.group(4).strip()
                and not m.group(5))


def _number_set(m: re.Match[str], naturals_from: int, where: str) -> str:
    """``\\mathbb{N}_0`` → ``{0, 1, 2, ...}``; ``\\mathbb{Z}^+`` → ``{1, 2, 3, ...}``."""
    letter = m.group(1) or m.group(2) or m.group(3)
    marks = re.sub(r"[\s{}]", "", m.group(4))
    for cmd, op in (("geq", ">="), ("geqslant", ">="), ("ge", ">="), ("gt", ">")):
        marks = re.sub(rf"\\{cmd}(?![A-Za-z])", op, marks)
    if m.group(5) or re.search(r">=0|^[_^]0$|[_^]0[_^]|[_^]0$", marks):
        start = 0
    elif re.search(r"^[_^]>0$|>=1|^[_^][+*]|[_^][+*]$|^_1$", marks) and "0" not in marks:
        start = 1
    elif not marks and letter == "N":
        start = naturals_from
    else:
        shown = m.group(0).strip()
        raise ParseError(f"cannot read the set of numbers '{shown}' as a support: write "
                         r"\mathbb{N}_0 or \{0, 1, 2, \dots\} (from 0), \mathbb{N}^+ or "
                         r"\{1, 2, 3, \dots\} (from 1)", where=where)
    return "{0, 1, 2, ...}" if start == 0 else "{1, 2, 3, ...}"


def _listing(items: str, var: str, where: str) -> str:
    """``0, 1, \\dots, m`` → ``{0, 1, ..., m}``, each value translated."""
    out = []
    for item in _split_commas(items):
        item = item.strip()
        if not item:
            raise ParseError("an empty value in the set of the support", where=where)
        out.append("..." if _DOTS.fullmatch(item) else latex_to_plain(item, var=var,
                                                                         where=where))
    return "{" + ", ".join(out) + "}"


def latex_support(text: str, var: str = "x", where: str = "support",
                  naturals_from: int = 0) -> str:
    """A support written in LaTeX (``0 < x < \\theta``, ``x \\geq \\theta``,
    ``x \\in (0, \\theta)``, ``x \\in \\mathbb{R}``, ``x \\in \\{0, 1, \\dots, m\\}``,
    ``x \\in \\mathbb{N}_0``) in symmle's plain support syntax: each side of a relation, each
    end of an interval and each listed value is translated by :func:`latex_to_plain`.
    ``naturals_from`` (0 or 1) is where a bare ``\\mathbb{N}`` starts.

    Examples
    --------
    >>> latex_support(r"$0 \\le x < \\theta$")
    '0 <= x < theta'
    >>> latex_support(r"x \\in [\\theta, \\infty)")
    'x in [theta, oo)'
    >>> latex_support(r"x \\in \\{0, 1, \\dots, m\\}")
    'x in {0, 1, ..., m}'
    >>> latex_support(r"x = 1, 2, 3, \\ldots"), latex_support(r"x \\in \\mathbb{Z}_{\\geq 0}")
    ('x in {1, 2, 3, ...}', 'x in {0, 1, 2, ...}')
    """
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", where=where)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_LENGTH})",
                         where=where)
    body = text.strip().strip("$").strip()
    body = _REALS.sub(" real ", body)
    body = re.sub(r"\\(" + "|".join(_RELATIONS) + r")(?![A-Za-z])",
                  lambda m: f" {_RELATIONS[m.group(1)]} ", body)
    body = body.replace("≤", " <= ").replace("≥", " >= ")
    listed = re.fullmatch(r"\s*([A-Za-z])\s*=\s*([^=<>]*,[^=<>]*)", body, re.S)
    if listed:  # x = 0, 1, 2, \dots
        return f"{listed.group(1)} in {_listing(listed.group(2), var, where)}"
    m = re.fullmatch(r"\s*(.*?)\s*\\in(?![A-Za-z])\s*(.*)", body, re.S)
    name, rest = (m.group(1), m.group(2).strip()) if m else (None, body.strip())
    numbers = _NUMBERS.fullmatch(rest)
    if numbers:  # x \in \mathbb{N}_0
        plain = _number_set(numbers, naturals_from, where)
        return f"{name} in {plain}" if name else plain
    braces = re.fullmatch(r"(?:\\left)?\s*(?:\\\{|\\lbrace)(.*?)(?:\\right)?\s*"
                          r"(?:\\\}|\\rbrace)", rest, re.S)
    if braces:  # x \in \{0, 1, 2, \dots\}
        plain = _listing(braces.group(1), var, where)
        return f"{name} in {plain}" if name else plain
    if m:  # x \in (a, b), x \in [a, \infty), x \in \mathbb{R}
        if rest == "real":
            return f"{name} real"
        iv = re.fullmatch(r"([(\[])(.*),(.*)([)\]])", rest, re.S)
        if not iv:
            raise ParseError("write the support as x \\in (a, b), [a, b), ..., "
                             "x \\in \\mathbb{R}, x \\in \\{0, 1, 2, \\dots\\} or "
                             "x \\in \\mathbb{N}_0", where=where)
        ends = [latex_to_plain(e, var=var, where=where) for e in (iv.group(2), iv.group(3))]
        return f"{name} in {iv.group(1)}{ends[0]}, {ends[1]}{iv.group(4)}"
    pieces = re.split(r"(<=|>=|<|>)", body)
    out = []
    for k, piece in enumerate(pieces):
        if k % 2:
            out.append(piece)
            continue
        plain = latex_to_plain(piece, var=var, where=where) if piece.strip() else piece
        out.append(plain if re.fullmatch(r"[A-Za-z0-9_.]+|-?\(?\d+\)?", plain.strip())
                   else f"({plain})")
    return " ".join(p.strip() for p in out)
