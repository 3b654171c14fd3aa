"""Scanning for the LaTeX translator: bounds, pasted Unicode, errors with their position, and
the low-level moves over the text (spaces, commands, brace matching, delimiters).

:class:`_Scanner` holds the position in the text and the depth of nesting; the grammar
(:mod:`symmle.latex_grammar`) builds on it. Nothing here builds SymPy objects.
"""
from __future__ import annotations

import re

from . import parsing
from .errors import ParseError
from .latex_commands import _SPACES

MAX_LENGTH = parsing.MAX_LENGTH
MAX_DEPTH = parsing.MAX_DEPTH

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


class _Scanner:
    """The text, the position in it, and the moves of a recursive-descent reader over it."""

    def __init__(self, text: str, var: str, where: str, others: tuple[str, ...] = (),
                 names: tuple[str, ...] = ()) -> None:
        self.text, self.var, self.where = text, var, where
        self.others = others  # the covariates of a conditional model: x_i, \bar x as for var
        self.names = names  # the model's parameters and known constants, where known
        self.big_n: int | None = None  # where a sum first runs to N (the sample size as N)
        self.nested = False  # a part translated on its own, inside a larger claim
        self.alias: str | None = None  # the letter the claim writes the observation with
        self.alias_at = 0
        self.var_written = False  # the observation written with its own letter, x_i
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
    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"input nested too deeply (more than {MAX_DEPTH} levels)")

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

