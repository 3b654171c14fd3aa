"""A claimed matrix in LaTeX (``pmatrix``, ``bmatrix``, ``array``) as rows of plain cells."""
from __future__ import annotations

import re

from .errors import ParseError
from .latex_grammar import _translate_span
from .latex_scan import MAX_LENGTH, _fail

MATRIX_ENVIRONMENTS = ("pmatrix", "bmatrix")
_MATRIX = re.compile(r"\s*\$*\s*((?:(?!\\begin).)*?)\\begin\s*\{([A-Za-z*]*)\}(.*)"
                     r"\\end\s*\{([A-Za-z*]*)\}\s*\$*\s*", re.S)
_TRAILING_TIMES = re.compile(r"(\\cdot|\\times|\*|\s)*$")

_ARRAY = re.compile(r"(\s*\$*\s*(?:\\left\s*[(\[]\s*)?)\\begin\s*\{array\}\s*\{[lcr| ]*\}"
                    r"(.*)\\end\s*\{array\}(\s*(?:\\right\s*[)\]])?\s*\$*\s*)", re.S)


def _array_as_pmatrix(text: str) -> str:
    """``\\left( \\begin{array}{cc} ... \\end{array} \\right)`` as the same matrix in
    ``pmatrix``, every character of the body at its place (for the positions of errors)."""
    m = _ARRAY.fullmatch(text)
    if m is None:
        return text
    head, tail = "\\begin{pmatrix}", "\\end{pmatrix}"
    opening = text[:m.start(2)]
    closing = text[m.end(2):]
    return (" " * max(0, len(opening) - len(head)) + head + m.group(2) + tail
            + " " * max(0, len(closing) - len(tail)))


def latex_matrix(text: str, var: str = "x", where: str = "claim",
                 others: tuple[str, ...] = (), names: tuple[str, ...] = (),
                 ) -> list[list[str]] | None:
    """A matrix ``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` (or ``bmatrix``) as rows
    of cells in plain syntax; ``None`` when ``text`` holds no ``\\begin``.

    Cells are split at ``&`` and rows at ``\\\\`` outside braces and parentheses, and each cell
    is translated by :func:`latex_to_plain`; an error in a cell gives its position in the whole
    text. A scalar factor may come before the matrix (``\\frac{1}{\\sigma^2}\\begin{pmatrix}``,
    with or without ``\\cdot``): it multiplies every entry. Only the two environments are
    known: ``\\begin{vmatrix}`` (a determinant), a second ``\\begin``, anything after
    ``\\end``, and every command the translator does not know are refused with their position.

    Examples
    --------
    >>> latex_matrix(r"\\begin{pmatrix} \\frac{1}{\\sigma^2} & 0 \\\\ 0 & 2 \\end{pmatrix}")
    [['((1))/(((sigma)**(2)))', '0'], ['0', '2']]
    >>> latex_matrix(r"2\\cdot\\begin{pmatrix} a & 0 \\\\ 0 & 1 \\end{pmatrix}")
    [['(2) * (a)', '(2) * (0)'], ['(2) * (0)', '(2) * (1)']]
    >>> latex_matrix(r"\\frac{1}{\\sigma^2}") is None
    True
    """
    if not isinstance(text, str) or "\\begin" not in text:
        return None
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_LENGTH})",
                         where=where)
    text = _array_as_pmatrix(text)
    m = _MATRIX.fullmatch(text)
    if m is None or text.count("\\begin") != 1:
        pos = text.find("\\begin", text.find("\\begin") + 1 if m else 0)
        raise _fail("a matrix is written \\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix} "
                    "(or bmatrix), around the whole claim", text, max(pos, 0), where)
    env, end = m.group(2), m.group(4)
    if env not in MATRIX_ENVIRONMENTS:
        raise _fail(f"the LaTeX environment '{env}' is not supported (write pmatrix or "
                    "bmatrix)", text, m.start(2), where)
    if end != env:
        raise _fail(f"\\begin{{{env}}} is closed by \\end{{{end}}}", text, m.start(4), where)
    factor = None  # a scalar before the matrix, \frac{1}{\sigma^2}\begin{pmatrix}..: each entry's
    a, b = m.start(1), m.start(1) + len(_TRAILING_TIMES.sub("", m.group(1)))
    if text[a:b].strip():
        factor = _translate_span(text, a, text[a:b], var, where, others, names)
    rows: list[list[tuple[int, int]]] = [[]]
    start, depth, j, body_end = m.start(3), 0, m.start(3), m.end(3)
    while j < body_end:
        ch = text[j]
        if ch == "\\":
            if text.startswith("\\\\", j) and depth == 0:
                rows[-1].append((start, j))
                rows.append([])
                j += 2
                start = j
                continue
            j += 2  # an escaped character or the first letter of a command
            continue
        depth += ch in "({["
        depth -= ch in ")}]"
        if ch == "&" and depth == 0:
            rows[-1].append((start, j))
            start = j + 1
        j += 1
    rows[-1].append((start, body_end))
    if len(rows) > 1 and len(rows[-1]) == 1 and not text[slice(*rows[-1][0])].strip():
        rows.pop()  # a trailing \\ before \end
    out = []
    for r, row in enumerate(rows, 1):
        cells = []
        for c, (a, b) in enumerate(row, 1):
            if not text[a:b].strip():
                raise _fail(f"the entry in row {r}, column {c} of the matrix is empty", text, a,
                            where)
            cells.append(_translate_span(text, a, text[a:b], var, where, others, names))
        out.append(cells if factor is None else [f"({factor}) * ({c})" for c in cells])
    return out
