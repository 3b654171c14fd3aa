"""Translate the LaTeX people write for a claimed step into symmle's plain claim syntax.

A small recursive-descent scanner, not SymPy's ``parse_latex``: it knows ``\\frac``, ``\\sum``
(``\\Sigma``, over i, j or k = 1..n) and ``\\prod``, ``\\log``/``\\ln``/``\\exp``
(``\\mathrm{e}``), ``\\sqrt``, ``\\binom`` and ``{m \\choose x}``, ``\\bar{x}``
(``\\bar{x}_n``), ``\\overline{x}`` and ``\\overline{h(x)}`` (the mean of h(x_i)), ``x_i``,
``x_{(1)}``, ``x_{(n)}``, ``\\max_i x_i`` and ``\\max_i h(x_i)``, ``\\min``,
``\\hat\\theta``, Greek letters, ``^{...}``, ``\\left( \\right)``, absolute values
(``|x_i - \\mu|``, ``\\left| \\right|``, ``\\lvert \\rvert``), ``\\cdot``, spacing
commands, implicit multiplication, and ``Σ``, ``x̄``, ``√``, ``−`` pasted from a word
processor, and indicators (``\\mathbb{1}\\{x = 0\\}``: in a density the plain
``(x == 0)``, in a claimed likelihood ``ind_le``/``ind_lt``); it refuses every other command with its position (``\\input``, ``\\write18``,
``\\def``, ...). Its output goes to the whitelist parser of :mod:`symmle.claims`; nothing here
builds SymPy objects. Length and nesting are bounded before any recursion.
"""
from __future__ import annotations

import re

from . import parsing
from .errors import ParseError

__all__ = ["latex_to_plain", "latex_matrix", "is_latex", "MAX_LENGTH", "MAX_DEPTH",
           "MATRIX_ENVIRONMENTS"]

MAX_LENGTH = parsing.MAX_LENGTH
MAX_DEPTH = parsing.MAX_DEPTH

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
          "mu nu xi rho sigma varsigma tau phi varphi chi psi omega Gamma Delta Theta Lambda Xi "
          "Phi Psi Omega").split()
_FUNCS = {"log": "log", "ln": "log", "exp": "exp", "sqrt": None, "Gamma": "gamma",
          "psi": "digamma", "sin": "sin", "cos": "cos", "tan": "tan", "operatorname": None}
_SPACES = {",", ";", ":", "!", "quad", "qquad", " ", "displaystyle", "textstyle", "left",
           "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "limits", "nolimits"}
_TIMES = {"cdot", "times", "ast"}
_HAT = {"hat", "widehat", "tilde", "widetilde"}
_BAR = {"bar", "overline"}
_FRAC = {"frac", "dfrac", "tfrac"}
_BINOM = {"binom", "dbinom", "tbinom"}
_FONTS = {"mathbb", "mathbf", "mathds", "mathbbm", "mathrm", "boldsymbol"}
_INDICATOR_RELATIONS = {"=": "==", "==": "==", "≤": "<=", "≥": ">=", "≠": "!=", "le": "<=",
                        "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=",
                        "geqslant": ">=", "lt": "<", "gt": ">", "ne": "!=", "neq": "!="}
# where the sides of an indicator's condition end (with '=', which ends any term)
_RELATION_STOPS = ("<", ">", "≤", "≥", "≠", "\\le ", "\\le{", "\\leq", "\\leqslant",
                   "\\ge ", "\\ge{", "\\geq", "\\geqslant", "\\lt", "\\gt", "\\ne ",
                   "\\neq")
_UPRIGHT = {"mathrm", "rm", "textrm", "mathit", "text"}
_INDICATOR_FONTS = {"mathbb", "mathbf", "mathds", "boldsymbol", "bm"}
_RELATION = re.compile(r"\\(?:leqslant|geqslant|leq|geq|le|ge|lt|gt)(?![A-Za-z])|<=|>=|[<>≤≥]")
_SUBS_MAX = {"(n)", "n", "max", "\\max", "(N)", "n:n", "(n:n)"}
_SUBS_MIN = {"(1)", "1", "min", "\\min", "1:n", "(1:n)"}
_ESTIMATE_TAGS = {"MLE", "ML", "mle", "n", "\\text{MLE}", "\\mathrm{MLE}", "\\text{ML}",
                  "\\mathrm{ML}", "\\rm{MLE}", "\\textrm{MLE}"}


# symbols people paste from a word processor: read as the LaTeX they stand for
_UNICODE_LATEX = {"Σ": "\\sum ", "∑": "\\sum ", "∏": "\\prod ", "√": "\\sqrt ",
                  "−": "-", "·": "\\cdot ", "⋅": "\\cdot ", "×": "\\cdot ", "÷": "/",
                  "²": "^2", "³": "^3"}
_COMBINING_BAR = re.compile(r"([A-Za-z])[\u0304\u0305]")
_UNICODE_ONLY = ("Σ", "∑", "∏", "√", "\u0304", "\u0305")  # no meaning in the plain syntax


def is_latex(text: str) -> bool:
    """Whether ``text`` looks like LaTeX (a backslash, a brace, or ``$`` delimiters), or
    holds a symbol only LaTeX reading gives a meaning (``Σ``, ``∏``, ``√``, ``x̄``)."""
    return any(c in text for c in "\\{}$") or any(c in text for c in _UNICODE_ONLY)


def _from_unicode(text: str) -> str:
    """``Σ x_i``, ``x̄``, ``√``, ``−``, ``·`` as the LaTeX they stand for."""
    text = _COMBINING_BAR.sub(lambda m: f"\\bar{{{m.group(1)}}}", text)
    return "".join(_UNICODE_LATEX.get(c, c) for c in text)


def _fail(message: str, text: str, pos: int | None, where: str) -> ParseError:
    at = "" if pos is None else f" at position {pos}"
    err = ParseError(f"{message}{at}", text=text, position=pos, where=where)
    err.reason = message  # without the position: to re-raise it against a larger text
    return err


MATRIX_ENVIRONMENTS = ("pmatrix", "bmatrix")
_MATRIX = re.compile(r"\s*\$*\s*((?:(?!\\begin).)*?)\\begin\s*\{([A-Za-z*]*)\}(.*)"
                     r"\\end\s*\{([A-Za-z*]*)\}\s*\$*\s*", re.S)
_TRAILING_TIMES = re.compile(r"(\\cdot|\\times|\*|\s)*$")


def _translate_span(text: str, a: int, part: str, var: str, where: str,
                    others: tuple[str, ...] = ()) -> str:
    """``part``, standing at ``text[a:]``, translated on its own, with the position of an
    error the one in the whole ``text`` (the rest of ``text`` blanked, not removed)."""
    masked = " " * a + part + " " * (len(text) - a - len(part))
    try:
        return _Latex(masked, var, where, tuple(others)).translate()
    except ParseError as err:
        reason = getattr(err, "reason", None)
        if reason is None or err.position is None:
            raise
        raise _fail(reason, text, err.position, where) from None


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
                 others: tuple[str, ...] = ()) -> list[list[str]] | None:
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
        factor = _translate_span(text, a, text[a:b], var, where, others)
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
            cells.append(_translate_span(text, a, text[a:b], var, where, others))
        out.append(cells if factor is None else [f"({factor}) * ({c})" for c in cells])
    return out


class _Latex:
    """Recursive-descent translator of a LaTeX subset into plain syntax (depth counted)."""

    def __init__(self, text: str, var: str, where: str, others: tuple[str, ...] = ()) -> None:
        self.text, self.var, self.where = text, var, where
        self.others = others  # the covariates of a conditional model: x_i, \bar x as for var
        self.i, self.depth = 0, 0
        self.bars = 0  # bare |...| open around the current position
        self.indices: list[str | None] = []  # the index of each open sum (None: not written)

    # -- scanning ------------------------------------------------------------------------------
    def fail(self, message: str, pos: int | None = None) -> ParseError:
        return _fail(message, self.text, self.i if pos is None else pos, self.where)

    def skip_space(self) -> None:
        while self.i < len(self.text):
            if self.text[self.i].isspace() or self.text[self.i] == "~":
                self.i += 1
            elif self.text.startswith("\\", self.i) and self.peek_command() in _SPACES - {
                    "left", "right"}:
                self.command()
            else:
                break

    def peek_command(self) -> str:
        m = re.compile(r"\\([A-Za-z]+|.)").match(self.text, self.i)
        return m.group(1) if m else ""

    def command(self) -> str:
        m = re.compile(r"\\([A-Za-z]+|.)", re.S).match(self.text, self.i)
        if not m:
            raise self.fail("a lone backslash")
        self.i = m.end()
        return m.group(1)

    def at(self, s: str) -> bool:
        self.skip_space()
        return self.text.startswith(s, self.i)

    # -- grammar: expr := term (('+'|'-') term)* ; a term is a run of factors --------------------
    def translate(self) -> str:
        out = self.expr(stop=())
        self.skip_space()
        if self.i < len(self.text):
            raise self.fail(f"unexpected '{self.text[self.i]}'")
        return out

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"input nested too deeply (more than {MAX_DEPTH} levels)")

    def expr(self, stop: tuple[str, ...]) -> str:
        self.enter()
        parts = [self.term(stop)]
        while True:
            self.skip_space()
            if self.i < len(self.text) and self.text[self.i] in "+-":
                parts.append(self.text[self.i])
                self.i += 1
                parts.append(self.term(stop))
            else:
                break
        self.depth -= 1
        return " ".join(parts)

    def ends_term(self, stop: tuple[str, ...]) -> bool:
        self.skip_space()
        if self.i >= len(self.text):
            return True
        rest = self.text[self.i:]
        if rest[0] in "+-)]}=," or any(rest.startswith(s) for s in stop):
            return True
        if rest[0] == "|":  # inside |...| a bar closes; outside, it opens an absolute value
            return self.bars > 0
        return rest.startswith(("\\right", "\\}", "\\rbrace", "\\rangle", "\\rvert",
                                "\\choose"))

    def term(self, stop: tuple[str, ...]) -> str:
        self.skip_space()
        out = ""
        if self.i < len(self.text) and self.text[self.i] in "+-":  # a sign
            out = self.text[self.i]
            self.i += 1
        factors: list[str] = []
        ops: list[str] = []
        while not self.ends_term(stop):
            if self.text[self.i] in "*/":
                if not factors or ops[-1:] == ["pending"]:
                    raise self.fail(f"unexpected '{self.text[self.i]}'")
                ops.append(self.text[self.i])
                self.i += 1
                ops.append("pending")
                continue
            if self.text.startswith("\\", self.i) and self.peek_command() in _TIMES:
                self.command()
                ops.append("*")
                ops.append("pending")
                continue
            f = self.factor(stop)
            if factors and ops[-1:] != ["pending"]:
                ops.append("*")  # implicit multiplication
            elif ops[-1:] == ["pending"]:
                ops.pop()
            factors.append(f)
        if not factors:
            raise self.fail("expected an expression")
        if ops[-1:] == ["pending"]:
            raise self.fail("expected an expression after the operator")
        ops = [o for o in ops if o != "pending"]
        text = factors[0]
        for op, f in zip(ops, factors[1:]):
            text += f" {op} {f}"
        return f"{out}({text})" if out else text

    def group(self) -> str:
        """A ``{...}`` group, as a parenthesised expression."""
        self.skip_space()
        if self.i < len(self.text) and self.text[self.i].isdigit():  # \frac12: one digit each
            self.i += 1
            return self.text[self.i - 1]
        if not self.text.startswith("{", self.i):
            return self.atom_only()
        self.i += 1
        self.enter()
        inner = self.choose(self.expr(stop=("\\choose",)))
        self.skip_space()
        if not self.text.startswith("}", self.i):
            raise self.fail("expected '}'")
        self.i += 1
        self.depth -= 1
        return f"({inner})"

    def choose(self, top: str) -> str:
        """After the top of ``{m \\choose x_i}``: the binomial coefficient, or ``top``."""
        self.skip_space()
        if not self.text.startswith("\\choose", self.i):
            return top
        self.command()
        bottom = self.expr(stop=())
        self.skip_space()
        return f"binomial({top}, {bottom})"

    def raw_group(self) -> str:
        """The source text of a ``{...}`` group or of one character/command (for subscripts)."""
        self.skip_space()
        if self.text.startswith("{", self.i):
            depth, j = 0, self.i
            while j < len(self.text):
                if self.text[j] == "{":
                    depth += 1
                elif self.text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            else:
                raise self.fail("unbalanced '{'")
            body = self.text[self.i + 1:j]
            self.i = j + 1
            return re.sub(r"\s+", "", body)
        if self.text.startswith("\\", self.i):
            return "\\" + self.command()
        if self.i >= len(self.text):
            raise self.fail("expected a subscript")
        self.i += 1
        return self.text[self.i - 1]

    def atom_only(self) -> str:
        """One atom with its sub- and superscripts (the argument of ``\\log x_i``); counted
        as a level of nesting, as ``\\sqrt \\sqrt \\sqrt x`` nests without brackets."""
        self.enter()
        out = self.factor(stop=(), single=True)
        self.depth -= 1
        return out

    def postfix(self, base: str, name: str | None = None) -> str:
        """Subscripts and superscripts after an atom."""
        while True:
            self.skip_space()
            if self.text.startswith("_", self.i):
                self.i += 1
                sub = self.raw_group()
                base = self.subscript(base, name, sub)
                name = None
            elif self.text.startswith("^", self.i):
                self.i += 1
                self.skip_space()
                if self.text.startswith("{", self.i):
                    exp = self.group()
                else:
                    exp = self.atom_only()
                base = f"({base})**({exp})"
                name = None
            elif self.text.startswith("!", self.i):
                self.i += 1
                base = f"({base})!"
            else:
                return base

    def subscript(self, base: str, name: str | None, sub: str) -> str:
        pos = self.i
        m = re.fullmatch(r"\s*(?:(\d+)\s*,?\s*i|i\s*,?\s*(\d+))\s*", sub)
        if name and m and f"{name}{m.group(1) or m.group(2)}" in self.others:
            return f"{name}{m.group(1) or m.group(2)}[i]"  # x_{1i}, x_{i1}, x_{i,1}: x1's
        if name in self.others:
            if sub in ("i", "j", "k"):
                return f"{name}[i]"
            raise self.fail(f"unknown subscript '{sub}' of the covariate {name}: write "
                            f"{name}_i", pos)
        if name == self.var:
            if sub in ("i", "j", "k"):
                inner = self.indices[-1] if self.indices else None
                if inner is not None and sub != inner:  # Σ_j x_i x_j: two indices at once
                    raise self.fail(f"{self.var}_{sub} inside a sum over {inner}: a sum over "
                                    "two indices at once is not supported", pos - len(sub))
                return f"{self.var}[i]"
            if sub in _SUBS_MAX:
                return f"{self.var}_max"
            if sub in _SUBS_MIN:
                return f"{self.var}_min"
            if not re.fullmatch(r"[A-Za-z]+", sub):
                raise self.fail(f"unknown subscript '{sub}' of the observation {self.var}: "
                                f"write {self.var}_i, {self.var}_{{(1)}} or {self.var}_{{(n)}}",
                                pos)
        if name and name.endswith("_hat") and sub in _ESTIMATE_TAGS:  # \hat\mu_{MLE}
            return base
        if name and name.endswith("_hat") and re.fullmatch(r"[A-Za-z0-9]+", sub):
            return f"{name[:-4]}{sub}_hat"  # \hat{x}_m
        if name and re.fullmatch(r"[A-Za-z0-9]+", sub):
            return f"{name}{sub}"
        raise self.fail(f"subscript '{sub}' is not supported here", pos)

    def factor(self, stop: tuple[str, ...], single: bool = False, bare: bool = False) -> str:
        self.skip_space()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of input")
        ch = self.text[self.i]
        start = self.i
        if ch in "I1" and self.looks_like_indicator():  # I(x_{(n)} \le \theta), 1_{x > 0}
            self.i += 1
            return self.any_indicator(start)
        if ch.isdigit() or ch == ".":
            m = re.compile(r"[0-9]*\.?[0-9]+").match(self.text, self.i)
            if not m:
                raise self.fail("malformed number")
            self.i = m.end()
            return self.postfix(m.group())
        if ch.isascii() and ch.isalpha():
            written = self.written_sum()
            if written:
                return self.postfix(written)
            word = re.compile(r"(ln|log|exp)(?![A-Za-z])").match(self.text, self.i)
            if word:  # "n ln λ": a function name typed without its backslash
                self.i = word.end()
                return self.function(_FUNCS[word.group(1)])
            self.i += 1
            ch = self.observation(ch)
            return self.postfix(ch, ch)
        if ch in parsing.GREEK:
            self.i += 1
            return self.postfix(parsing.GREEK[ch], parsing.GREEK[ch])
        if ch in "({[":
            close = {"(": ")", "{": "}", "[": "]"}[ch]
            self.i += 1
            self.enter()
            inner = self.expr(stop=("\\choose",) if ch == "{" else ())
            inner = self.choose(inner) if ch == "{" else inner
            self.skip_space()
            if not self.text.startswith(close, self.i) and not self.at("\\right"):
                raise self.fail(f"expected '{close}'")
            if self.text.startswith("\\right", self.i):
                self.command()
                self.skip_space()
                self.i += 1
            else:
                self.i += 1
            self.depth -= 1
            return f"({inner})" if bare else self.postfix(f"({inner})")
        if ch == "|":
            self.i += 1
            self.enter()
            self.bars += 1
            inner = self.expr(stop=())
            self.bars -= 1
            self.skip_space()
            if not self.text.startswith("|", self.i):
                raise self.fail("expected '|' closing the absolute value", start)
            self.i += 1
            self.depth -= 1
            return self.postfix(f"abs({inner})")
        if ch != "\\":
            raise self.fail(f"unexpected character {ch!r}")
        cmd = self.command()
        if cmd in ("lvert", "vert"):
            self.enter()
            inner = self.expr(stop=("\\rvert", "\\vert"))
            if not (self.at("\\rvert") or self.at("\\vert")):
                raise self.fail(f"expected \\rvert closing \\{cmd}", start)
            self.command()
            self.depth -= 1
            return self.postfix(f"abs({inner})")
        if cmd in ("left", "right"):
            if cmd == "right":
                raise self.fail("unmatched \\right", start)
            kind = self.delimiter(start)
            self.enter()
            saved, self.bars = self.bars, 0  # bars inside \left| ... \right| are bare again
            inner = self.expr(stop=("\\right",))
            self.bars = saved
            if not self.at("\\right"):
                raise self.fail("expected \\right")
            closing = self.i
            self.command()
            if self.delimiter(closing) != kind:
                raise self.fail("\\right does not match its \\left (an absolute value is "
                                "\\left| ... \\right|)", closing)
            self.depth -= 1
            out = f"abs({inner})" if kind == "abs" else f"({inner})"
            return out if bare and kind != "abs" else self.postfix(out)
        if cmd == "Gamma" and re.compile(r"\s*(')|\s*\^\s*\{?\s*\\prime\s*\}?").match(
                self.text, self.i) and not self.text.startswith("^{\\prime}^", self.i):
            self.i = re.compile(r"\s*(')|\s*\^\s*\{?\s*\\prime\s*\}?").match(
                self.text, self.i).end()  # Γ'(α) = Γ(α) ψ(α)
            if not (self.at("(") or self.at("\\left")):
                raise self.fail("write \\Gamma'(\\alpha) with its argument in parentheses")
            arg = self.factor(stop=(), single=True, bare=True)
            return self.postfix(f"(gamma({arg}) * digamma({arg}))")
        if cmd in ("Gamma", "psi") and (self.at("(") or self.at("\\left(")):
            return self.function(_FUNCS[cmd])  # Γ(α), ψ(α): the functions, not the letters
        if cmd in _GREEK:
            name = cmd.replace("var", "") if cmd.startswith("var") else cmd
            return self.postfix(name, name)
        if cmd == "pi":
            return self.postfix("pi")
        if cmd == "infty":
            return "oo"
        if cmd == "ell":
            return self.postfix("ell", "ell")
        if cmd in _FRAC:
            num = self.group()
            den = self.group()
            return self.postfix(f"({num})/({den})")
        if cmd in _BINOM:  # \binom{m}{x_i}, as in a binomial log-likelihood
            top = self.group()
            bottom = self.group()
            return self.postfix(f"binomial({top}, {bottom})")
        if cmd == "sqrt":
            if self.at("["):
                raise self.fail("\\sqrt[k]{...} is not supported; write (...)^{1/k}")
            return self.postfix(f"sqrt({self.group()})")
        if cmd in _HAT:
            inner = self.observation(self.raw_group().lstrip("\\"))
            if cmd in ("tilde", "widetilde") and inner == self.var:  # \tilde{x}: the median
                return self.postfix(f"{self.var}_med")
            if re.fullmatch(r"\\?[A-Za-z]+_\{?[A-Za-z0-9]+\}?", inner):  # \hat{x_m}
                inner = re.sub(r"[\\_{}]", "", inner)
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                raise self.fail(f"\\{cmd} is only supported over a parameter's name", start)
            inner = inner.replace("var", "") if inner.startswith("var") else inner
            return self.postfix(f"{inner}_hat", f"{inner}_hat")
        if cmd in _BAR:
            before = self.i
            inner = self.observation(self.raw_group().lstrip("\\"))
            if inner != self.var and inner not in self.others:
                # \overline{x^2}, \overline{\log x}: the mean of h(x_i)
                self.i = before
                body = self.group()
                if not re.search(rf"(?<![A-Za-z_]){re.escape(self.var)}(?![A-Za-z_(])", body):
                    raise self.fail(f"\\{cmd} is only supported over the observation "
                                    f"'{self.var}'" + "".join(f" or '{c}'" for c in self.others)
                                    + " or a function of it", start)
                return self.postfix(f"(sum({body})/n)")
            mean = f"{inner}bar"
            self.skip_space()
            if re.compile(r"_(n|\{n\})").match(self.text, self.i):  # \bar{x}_n: the same mean
                self.i += 2 if self.text[self.i + 1] == "n" else 4
            return self.postfix(mean)
        if cmd in ("sum", "prod"):
            return self.big_operator(cmd, stop)
        if cmd == "Sigma":  # \Sigma x_i: the capital letter typed for the sum sign
            return self.big_operator("sum", stop)
        if cmd in ("max", "min"):
            return self.extreme(cmd)
        if cmd in _FUNCS and cmd not in ("sqrt", "operatorname"):
            return self.function(_FUNCS[cmd])
        if cmd in _INDICATOR_FONTS | _FONTS and re.compile(r"\s*\{\s*[1I]\s*\}").match(
                self.text, self.i):
            self.raw_group()  # \mathbb{1}\{x_{(n)} \le \theta\}: the indicator of a condition
            return self.any_indicator(start)
        if cmd in ("operatorname", "mathrm", "text") and re.compile(
                r"\s*\{\s*(median|med|Median|Med)\s*\}").match(self.text, self.i):
            self.raw_group()  # \operatorname{median}(x_1, \dots, x_n): the sample median
            a, b = self.bracketed()
            listing = re.sub(r"\\(left|right|l?dots|cdots|ldots)|[\s,_{}\[\]()]", "",
                             self.text[a:b]).replace(self.var.upper(), self.var)
            if not re.fullmatch(rf"({re.escape(self.var)}(i|1|2|n|\d)?)+", listing or "-"):
                raise self.fail("the median is only supported of the sample: write "
                                f"\\operatorname{{median}}({self.var}_1, \\dots, {self.var}_n)",
                                start)
            return self.postfix(f"{self.var}_med")
        if cmd in _UPRIGHT:  # \mathrm{e}: Euler's number; \mathrm{log}(...): the function
            name = self.raw_group()
            if name == "e":
                return self.postfix("e")
            if name in ("log", "ln", "exp"):
                return self.function("log" if name == "ln" else name)
            raise self.fail(f"\\{cmd}{{{name}}} is not supported (only \\{cmd}{{e}}, "
                            f"\\{cmd}{{log}} and \\{cmd}{{exp}})", start)
        if cmd == "#":  # \#\{i : x_i = k\}: the count n_k of a finite support
            v = f"[{self.var}{self.var.upper()}]" if len(self.var) == 1 else re.escape(self.var)
            m = re.compile(rf"\s*\\\{{\s*(?:i\s*:\s*)?{v}_\{{?i\}}?\s*=\s*(\d+)\s*\\\}}").match(
                self.text, self.i)
            if m is None:
                raise self.fail(f"\\# is only supported as a count, "
                                f"\\#\\{{i : {self.var}_i = k\\}}", start)
            self.i = m.end()
            return self.postfix(f"n{m.group(1)}")
        if cmd == "operatorname":
            name = self.raw_group()
            if name not in ("log", "ln", "exp"):
                raise self.fail(f"\\operatorname{{{name}}} is not supported", start)
            return self.function("log" if name == "ln" else name)
        raise self.fail(f"the LaTeX command '\\{cmd}' is not supported", start)

    def any_indicator(self, start: int) -> str:
        """An indicator after its ``1``, ``I`` or ``\\mathbb{1}``: in a density the plain
        ``(x == 0)`` (:meth:`density_indicator`), in a claim ``ind_le``/``ind_lt``
        (:meth:`indicator`), as each parser reads them."""
        if self.where.startswith("density"):
            return self.density_indicator(start)
        return self.indicator(start)

    def density_indicator(self, start: int) -> str:
        """The condition of ``\\mathbb{1}\\{x = 0\\}``, ``\\mathbf{1}_{\\{x=0\\}}``,
        ``\\mathbb{1}_{x \\geq 1}`` or ``\\mathbb{1}(x > 0)``, as the plain ``(x == 0)``: one
        comparison or a chain of them (``=`` is ``==``)."""
        self.skip_space()
        closers = []
        if self.text.startswith("_", self.i):
            self.i += 1
            self.skip_space()
            if not self.text.startswith("{", self.i):
                raise self.fail("write the indicator as \\mathbb{1}_{x = 0}")
            self.i += 1
            closers.append("}")
            self.skip_space()
        for opener, closer in (("\\left\\{", "\\right\\}"), ("\\left(", "\\right)"),
                               ("\\{", "\\}"), ("\\lbrace", "\\rbrace"), ("(", ")")):
            if self.text.startswith(opener, self.i):
                self.i += len(opener)
                closers.append(closer)
                break
        if not closers:
            raise self.fail("write the indicator as \\mathbb{1}\\{x = 0\\} or "
                            "\\mathbb{1}_{x = 0}", start)
        self.enter()
        parts = [self.expr(stop=_RELATION_STOPS)]
        while True:
            self.skip_space()
            op = self.relation()
            if op is None:
                break
            parts += [op, self.expr(stop=_RELATION_STOPS)]
        if len(parts) == 1:
            raise self.fail("an indicator needs a condition such as x = 0", start)
        for closer in reversed(closers):
            self.skip_space()
            if not self.text.startswith(closer, self.i):
                raise self.fail(f"expected '{closer}' closing the indicator's condition")
            self.i += len(closer)
        self.depth -= 1
        return self.postfix(f"({' '.join(parts)})")

    def relation(self) -> str | None:
        """A comparison at the current position (``=``, ``<``, ``\\leq``, ``\\neq``, ...) as
        the plain operator, or None."""
        m = re.compile(r"==?|<=?|>=?|≤|≥|≠|\\([A-Za-z]+)").match(self.text, self.i)
        if not m:
            return None
        if m.group(1) is not None and m.group(1) not in _INDICATOR_RELATIONS:
            return None
        self.i = m.end()
        token = m.group(1) or m.group()
        return _INDICATOR_RELATIONS.get(token, token)

    def looks_like_indicator(self) -> bool:
        """``I`` or ``1`` followed by a group holding a relation (``I(x_{(n)} \\le \\theta)``,
        ``1_{\\{x > 0\\}}``, ``I_{[0, \\theta]}(x_{(n)})``): an indicator, as nothing else
        written so has a relation inside."""
        m = re.compile(r"[I1]\s*(_\s*)?(\\left\s*)?(\\\{|[({\[])").match(self.text, self.i)
        if m is None:
            return False
        depth, j = 0, m.end() - 1
        while j < len(self.text):
            depth += self.text[j] in "({["
            depth -= self.text[j] in ")}]"
            if depth == 0:
                break
            j += 1
        inner = self.text[m.end() - 1:j + 1]
        return bool(_RELATION.search(inner)) or (m.group(1) is not None and "," in inner)

    def bracketed(self) -> tuple[int, int]:
        """The span of the contents of the group at the current position (``{..}``, ``\\{..\\}``,
        ``(..)``, ``[..]``, ``\\left\\{ .. \\right\\}``), moving past its end."""
        self.skip_space()
        if self.text.startswith("\\left", self.i):
            self.i += len("\\left")
            self.skip_space()
        start = self.i + (2 if self.text.startswith("\\{", self.i) else 1)
        if self.i >= len(self.text) or self.text[self.i] not in "({[\\":
            raise self.fail("expected a condition in braces or parentheses")
        depth, j = 0, self.i
        while j < len(self.text):
            if self.text[j] in "({[":
                depth += 1
            elif self.text[j] in ")}]":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        else:
            raise self.fail("unbalanced brackets in the indicator")
        end = j - 1 if self.text[j - 1] == "\\" else j  # \} closes \{
        inner = self.text[start:end]
        if inner.rstrip().endswith("\\right"):
            end = start + len(inner.rstrip()) - len("\\right")
        self.i = j + 1
        return start, end

    def part(self, a: int, b: int) -> str:
        """The text ``[a, b)`` translated on its own, errors at their place in the claim."""
        if not self.text[a:b].strip():
            raise self.fail("expected an expression", a)
        return _translate_span(self.text, a, self.text[a:b], self.var, self.where, self.others)

    def indicator(self, start: int) -> str:
        """``\\mathbb{1}\\{a \\le b < c\\}``, ``\\mathbb{1}_{\\{a \\le b\\}}``,
        ``\\mathbb{1}_{[a, b]}(y)``: a product of ``ind_le(a, b)``/``ind_lt(a, b)``, one per
        relation (an end at ``\\infty`` gives none)."""
        self.skip_space()
        if self.text.startswith("_", self.i):
            self.i += 1
            a, b = self.bracketed()
            inner = self.text[a:b].strip()
            if inner[:1] in "([" and inner[-1:] in ")]" and "," in inner:  # 1_{[a, b]}(y)
                lo_open, hi_open = inner[0] == "(", inner[-1] == ")"
                first = self.text.index(inner[0], a) + 1
                comma = first + _split_commas(self.text[first:b])[0].__len__()
                last = a + len(self.text[a:b].rstrip()) - 1
                ya, yb = self.bracketed()
                y = self.part(ya, yb)
                out = []
                for lo, hi, is_open, left in ((first, comma, lo_open, True),
                                              (comma + 1, last, hi_open, False)):
                    if re.fullmatch(r"\s*[+-]?\s*\\infty\s*", self.text[lo:hi]):
                        continue
                    end = self.part(lo, hi)
                    rel = "ind_lt" if is_open else "ind_le"
                    out.append(f"{rel}({end}, {y})" if left else f"{rel}({y}, {end})")
                return "(" + " * ".join(out or ["1"]) + ")"
            if inner.startswith("\\{") or inner.startswith("\\left"):
                self.i, keep = a, self.i
                a, b = self.bracketed()
                self.i = keep
        else:
            a, b = self.bracketed()
        return self.relations(a, b, start)

    def relations(self, a: int, b: int, start: int) -> str:
        """``a \\le b < c`` between ``a`` and ``b`` as ``ind_le(a, b) * ind_lt(b, c)``."""
        pieces = list(_RELATION.finditer(self.text, a, b))
        if not pieces:
            raise self.fail("an indicator takes a condition such as x_{(n)} \\le \\theta", start)
        bounds, cuts = [a], []
        for m in pieces:
            cuts.append(m)
            bounds.append(m.start())
            bounds.append(m.end())
        bounds.append(b)
        sides = [self.part(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
        out = []
        for k, m in enumerate(cuts):
            op = m.group(0).strip().lstrip("\\")
            left, right = sides[k], sides[k + 1]
            if op in (">", "ge", "geq", "geqslant", "gt", "≥"):
                left, right = right, left
            strict = op in ("<", ">", "lt", "gt")
            out.append(f"{'ind_lt' if strict else 'ind_le'}({left}, {right})")
        return "(" + " * ".join(out) + ")"

    def delimiter(self, start: int) -> str:
        """The delimiter after ``\\left`` or ``\\right``: ``"paren"`` for ( ) [ ] \\{ \\},
        ``"abs"`` for | (an absolute value); any other (``\\|``, ``.``, ``\\langle``) is
        refused, never read as plain parentheses."""
        self.skip_space()
        if self.text.startswith("\\", self.i):
            token = self.command()
        elif self.i < len(self.text):
            token = self.text[self.i]
            self.i += 1
        else:
            raise self.fail("expected a delimiter after \\left or \\right")
        if token in ("(", ")", "[", "]", "{", "}", "lbrace", "rbrace"):
            return "paren"
        if token in ("|", "vert", "lvert", "rvert"):
            return "abs"
        raise self.fail(f"the delimiter '{token}' is not supported (write \\left( \\right) or "
                        "\\left| \\right| for an absolute value)", start)

    def written_sum(self) -> str | None:
        """``x_1 + x_2 + \\dots + x_n`` (or ``\\cdots``, ``\\ldots``; ``X_i`` too) is Σ xᵢ."""
        if len(self.var) != 1:
            return None
        v = f"[{self.var}{self.var.upper()}]"
        one = rf"{v}_(?:1|\{{1\}})\s*\+\s*(?:{v}_(?:2|\{{2\}})\s*\+\s*)?"
        m = re.compile(one + rf"\\[lc]?dots\s*\+\s*{v}_(?:n|\{{n\}})").match(self.text, self.i)
        if not m:
            return None
        self.i = m.end()
        return f"sum({self.var}[i])"

    def observation(self, name: str) -> str:
        """A capital letter for the observation (X_i, \\bar X for x, as textbooks write the
        random sample) is the observation."""
        for v in (self.var, *self.others):
            if len(v) == 1 and name == v.upper():
                return v
        return name

    def function(self, name: str) -> str:
        self.skip_space()
        if name == "log" and self.text.startswith("_", self.i):  # \log_e: the natural log
            at = self.i
            self.i += 1
            if self.raw_group() != "e":
                raise self.fail("only the natural logarithm is supported (\\log, \\ln or "
                                "\\log_e)", at)
            self.skip_space()
        if self.text.startswith("^", self.i):
            raise self.fail(f"write (\\{name} ...)^k rather than \\{name}^k")
        if self.at("(") or self.at("\\left") or self.at("{") or self.at("["):
            # \log(x_i)^2 is (log x_i)², as log(x_i)**2 in the plain syntax
            arg = self.factor(stop=(), single=True, bare=True)
            return self.postfix(f"{name}({arg})")
        return f"{name}({self.atom_only()})"

    def big_operator(self, cmd: str, stop: tuple[str, ...]) -> str:
        self.skip_space()
        limits = []
        while self.text.startswith(("_", "^"), self.i):
            self.i += 1
            limits.append(self.raw_group())
            self.skip_space()
        index = None
        for lim in limits:
            m = re.fullmatch(r"\{?([ijk])(=1|\\in\[n\])?\}?|1\\le([ijk])\\len", lim)
            if m:
                index = m.group(1) or m.group(3)
            elif lim not in ("n", "1"):
                raise self.fail(f"\\{cmd} limits '{lim}': only sums over i = 1, ..., n are "
                                "supported")
        self.enter()
        self.indices.append(index)
        body = self.term(stop)
        self.indices.pop()
        self.depth -= 1
        return f"{cmd}({body})"

    def extreme(self, cmd: str) -> str:
        """``\\max_i x_i``, ``\\max\\{x_1, \\dots, x_n\\}`` → the order statistic;
        ``\\max(a, b)`` of other expressions → Max(a, b)."""
        self.skip_space()
        sub = None
        if self.text.startswith("_", self.i):
            self.i += 1
            sub = self.raw_group()
        self.skip_space()
        start = self.i
        if self.at("\\{") or self.at("\\left") or self.at("(") or self.at("{"):
            depth, j = 0, self.i
            while j < len(self.text):
                if self.text[j] in "({[":
                    depth += 1
                elif self.text[j] in ")}]":
                    depth -= 1
                    if depth <= 0:
                        j += 1
                        break
                j += 1
            inner = self.text[start:j]
            if len(self.var) == 1:  # \max\{X_1, \dots, X_n\}
                inner = inner.replace(self.var.upper(), self.var)
            listing = re.sub(r"\\(left|right|[{}]|l?dots|cdots|ldots)|[\s,(){}\[\]_]", "", inner)
            if sub is None and not re.fullmatch(rf"({re.escape(self.var)}(i|1|2|n|\d)?)+",
                                                listing or "-"):
                listed = self.listed_function(inner)
                if listed is not None:
                    self.i = j
                    return f"{cmd}over({listed})"
                return self.max_call(cmd)
            if sub is not None and listing not in (self.var, f"{self.var}i"):
                self.i = start  # \max_i (x_i - \mu)^2: a function of the observation
                return f"{cmd}over({self.atom_only()})"
            self.i = j
        else:
            inner = self.atom_only()
            if inner not in (f"{self.var}[i]", self.var):  # \max_i |x_i|: not x_(n) itself
                if self.var not in inner:
                    raise self.fail(f"\\{cmd} is only supported over the observations", start)
                return f"{cmd}over({inner})"
        if self.var not in inner:
            raise self.fail(f"\\{cmd} is only supported over the observations", start)
        return f"{self.var}_{cmd}"

    def listed_function(self, inner: str) -> str | None:
        """``\\{h(x_1), \\dots, h(x_n)\\}``: the same function of each observation, as
        ``h(x_i)`` translated; ``None`` when ``inner`` is not such a list."""
        body = inner.strip()
        for pattern in (r"^\\left\s*", r"^(\\\{|\\lbrace|[({])", r"(\\\}|\\rbrace|[)}])$",
                        r"\\right\s*$"):
            body = re.sub(pattern, "", body.strip())
        parts = [q.strip() for q in _split_commas(body)]
        v = f"[{self.var}{self.var.upper()}]" if len(self.var) == 1 else re.escape(self.var)
        if len(parts) < 3 or not re.fullmatch(r"\\[lc]?dots", parts[-2]):
            return None
        first, last = parts[0], parts[-1]
        one = re.compile(rf"({v})_(?:1|\{{1\}})(?![0-9])")
        if not one.search(first):
            return None
        generic = one.sub(lambda m: m.group(0).replace("1", "i"), first)  # length kept
        if re.sub(rf"({v})_(?:n|\{{n\}})", lambda m: m.group(0).replace("n", "i"), last
                  ) != generic:
            return None
        at = self.text.find(first, self.i)
        return _translate_span(self.text, at, generic, self.var, self.where, self.others)

    def max_call(self, cmd: str) -> str:
        """``\\max(a, b, ...)`` of expressions."""
        if self.at("\\left"):
            self.command()
            self.skip_space()
        if not self.text.startswith(("(", "\\{"), self.i):
            raise self.fail(f"write \\{cmd}(a, b)")
        self.i += 2 if self.text.startswith("\\{", self.i) else 1
        args = []
        while True:
            args.append(self.expr(stop=("\\right", "\\}")))
            self.skip_space()
            if self.text.startswith(",", self.i):
                self.i += 1
                continue
            break
        if self.at("\\right"):
            self.command()
            self.skip_space()
        if self.text.startswith("\\}", self.i):
            self.i += 2
        elif self.text.startswith(")", self.i):
            self.i += 1
        else:
            raise self.fail("expected ')'")
        return f"{cmd}({', '.join(args)})"


def _split_commas(text: str) -> list[str]:
    """Split at commas outside parentheses, brackets and braces."""
    parts, depth, start = [], 0, 0
    for j, ch in enumerate(text):
        depth += ch in "({["
        depth -= ch in ")}]"
        if ch == "," and depth == 0:
            parts.append(text[start:j])
            start = j + 1
    parts.append(text[start:])
    return parts


def latex_to_plain(text: str, var: str = "x", where: str = "claim",
                   others: tuple[str, ...] = ()) -> str:
    """Translate a LaTeX claim into symmle's plain claim syntax (no SymPy involved).

    Examples
    --------
    >>> latex_to_plain(r"\\frac{1}{\\bar{x}}")
    '((1))/((xbar))'
    >>> latex_to_plain(r"n\\log\\lambda - \\lambda\\sum_{i=1}^n x_i")
    'n * log(lambda) - lambda * sum(x[i])'
    >>> try:
    ...     latex_to_plain(r"\\input{/etc/passwd}")
    ... except ParseError as err:
    ...     print(err.message.splitlines()[0])
    claim: the LaTeX command '\\input' is not supported at position 0
    """
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", where=where)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_LENGTH})",
                         where=where)
    depth = peak = 0
    for ch in text:  # refuse deep nesting before any recursion
        depth += ch in "({["
        depth -= ch in ")}]"
        peak = max(peak, depth)
    if peak > MAX_DEPTH:
        raise ParseError(f"input nested too deeply (more than {MAX_DEPTH} levels)", where=where)
    stripped = _from_unicode(text.strip().strip("$").strip())
    if stripped.startswith("\\[") and stripped.endswith("\\]"):
        stripped = stripped[2:-2]
    try:
        return _Latex(stripped, var, where, tuple(others)).translate()
    except RecursionError:  # the depth bound should come first; never a traceback
        raise ParseError(f"input nested too deeply (more than {MAX_DEPTH} levels)",
                         where=where) from None
