"""The grammar of the LaTeX translator: sums of terms, terms of factors (implicit
multiplication, ``\\cdot``), groups, sub- and superscripts; the rest of a factor is read by the
mixins for commands, indexed notation and indicators.
"""
from __future__ import annotations

import re

from . import parsing
from .errors import ParseError
from .latex_commands import _FUNCS, _TIMES, _Commands
from .latex_indexed import _Indexed
from .latex_indicators import _Indicators
from .latex_scan import _fail, _Scanner


def _translate_span(text: str, a: int, part: str, var: str, where: str,
                    others: tuple[str, ...] = (), names: tuple[str, ...] = (),
                    parent: "_Latex | None" = None) -> str:
    """``part``, standing at ``text[a:]``, translated on its own, with the position of an
    error the one in the whole ``text`` (the rest of ``text`` blanked, not removed). Inside
    a ``parent`` translation, a sum to N is the parent's to resolve (:meth:`sample_size`)."""
    masked = " " * a + part + " " * (len(text) - a - len(part))
    try:
        inner = _Latex(masked, var, where, tuple(others), tuple(names))
        if parent is not None:  # the letters the claim uses so far, and where it ran to N
            inner.nested, inner.alias, inner.alias_at = True, parent.alias, parent.alias_at
        out = inner.translate()
        if parent is not None:
            parent.big_n = parent.big_n if parent.big_n is not None else inner.big_n
            parent.alias, parent.alias_at = inner.alias, inner.alias_at
            parent.var_written = parent.var_written or inner.var_written
        return out
    except ParseError as err:
        reason = getattr(err, "reason", None)
        if reason is None or err.position is None:
            raise
        raise _fail(reason, text, err.position, where) from None


class _Latex(_Scanner, _Commands, _Indexed, _Indicators):
    """Recursive-descent translator of a LaTeX subset into plain syntax (depth counted)."""

    def translate(self) -> str:
        """The whole text in plain syntax (N read as n after a sum to N)."""
        out = self.expr(stop=())
        self.skip_space()
        if self.i < len(self.text):
            raise self.fail(f"unexpected '{self.text[self.i]}'")
        return out if self.nested else self.sample_size(out)

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

    def factor(self, stop: tuple[str, ...], single: bool = False, bare: bool = False) -> str:
        self.skip_space()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of input")
        ch = self.text[self.i]
        start = self.i
        if ch in "I1" and self.looks_like_indicator():  # I(x_{(n)} \le \theta), 1_{x > 0}
            self.i += 1
            return self.any_indicator(start)
        if self.text.startswith(("...", "…"), self.i):
            raise self.fail("'...' is only read in a list of the observations, as in "
                            f"\\max\\{{{self.var}_1, ..., {self.var}_n\\}} or "
                            f"{self.var}_1 + ... + {self.var}_n")
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
            word = re.compile(r"(ln|log|exp|sqrt|max|min|sum)(?![A-Za-z])").match(self.text,
                                                                                self.i)
            if word:  # "n ln λ", "max(x_1, ..., x_n)": a name typed without its backslash
                self.i = word.end()
                name = word.group(1)
                if name in ("max", "min"):
                    return self.extreme(name)
                if name == "sum":
                    return self.big_operator("sum", stop)
                return self.function("sqrt" if name == "sqrt" else _FUNCS[name])
            named = re.compile(r"[A-Za-z]+[0-9]+(?=\s*_)").match(self.text, self.i)
            if named and named.group() in self.others:  # x1_i: the component or covariate x1
                self.i = named.end()
                return self.postfix(named.group(), named.group())
            square = re.compile(r"[sS]\s*\^\s*(?:2|\{\s*2\s*\})").match(self.text, self.i)
            if square and self.names and ch not in self.names and not self.others \
                    and len(self.var) == 1:  # S^2: the sample variance, divisor n - 1
                self.i = square.end()
                v = self.var
                return self.postfix(f"(sum(({v}[i] - {v}bar)**2)/(n - 1))")
            self.i += 1
            ch = self.observation(ch)
            if self.indices and ch == self.indices[-1] and ch not in ("i", "j", "k"):
                ch = "i"  # \sum_{t=1}^n t x_t: the index, whatever its letter
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
        return self.command_factor(cmd, start, stop, bare)

    def translate_at(self, a: int, part: str) -> str:
        """``part``, standing at ``a``, translated on its own (errors at their place)."""
        return _translate_span(self.text, a, part, self.var, self.where, self.others,
                               self.names, parent=self)
