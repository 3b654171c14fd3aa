"""Parse a person's claimed derivation steps, written in LaTeX or in symmle's plain syntax.

A claim is untrusted text (pasted from homework), so it is never given to ``sympify`` or to
SymPy's ``parse_latex``. LaTeX is first *translated* by a small scanner into symmle's plain
syntax, refusing every command it does not know with the position; the plain text is then
parsed by the whitelist parser of :mod:`symmle.parsing`, extended with sample notation:

=====================================  ================================================
written                                read as
=====================================  ================================================
``\\sum_{i=1}^{n} h``, ``sum(h)``      ``Sum(h(x[i]), (i, 1, n))`` (``Sum(h, (i, 1, n))`` too)
``\\prod_{i=1}^n h``, ``prod(h)``      ``exp(Σ log h)``; ``log(prod(h))`` is ``Σ log h``
``x_i``, ``x[i]``                      the i-th observation (only inside a sum)
``\\bar{x}``, ``\\overline{x}``,       ``Σ x_i / n``
``xbar``, ``mean(x)``
``\\max_i x_i``, ``x_{(n)}``,          the largest observation, ``x_max``
``max(x)``, ``x_max``
``\\min_i x_i``, ``x_{(1)}``, ...      the smallest observation, ``x_min``
``\\hat\\theta``, ``theta_hat``        ``theta`` (the name of an estimate)
``n``                                  the sample size
=====================================  ================================================

Input is bounded in length (``MAX_LENGTH``) and nesting (``MAX_DEPTH``) before anything is
built, and the parse runs under the one-second bound of :mod:`symmle.parsing`.

Examples
--------
>>> import sympy as sp
>>> lam = sp.Symbol("lambda", positive=True)
>>> parse_claim(r"\\frac{n}{\\sum_{i=1}^{n} x_i}", [lam], sp.Symbol("x", positive=True))
n/Sum(x[i], (i, 1, n))
>>> parse_claim("1/xbar", [lam], sp.Symbol("x", positive=True))
n/Sum(x[i], (i, 1, n))
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

import sympy as sp
from sympy import Sum

from . import parsing
from .errors import ParseError, SymmleError
from .notation import I, N, order_statistics

__all__ = ["parse_claim", "latex_to_plain", "split_assignment", "is_latex", "MAX_LENGTH"]

MAX_LENGTH = parsing.MAX_LENGTH
MAX_DEPTH = parsing.MAX_DEPTH

_GREEK = ("alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda "
          "mu nu xi rho sigma varsigma tau phi varphi chi psi omega Gamma Delta Theta Lambda Xi "
          "Phi Psi Omega").split()
_FUNCS = {"log": "log", "ln": "log", "exp": "exp", "sqrt": None, "Gamma": "gamma",
          "psi": "digamma", "sin": "sin", "cos": "cos", "tan": "tan", "operatorname": None}
_SPACES = {",", ";", ":", "!", "quad", "qquad", " ", "displaystyle", "textstyle", "left",
           "right", "bigl", "bigr", "Bigl", "Bigr", "big", "Big", "limits"}
_TIMES = {"cdot", "times", "ast"}
_HAT = {"hat", "widehat", "tilde", "widetilde"}
_BAR = {"bar", "overline"}
_FRAC = {"frac", "dfrac", "tfrac"}
_SUBS_MAX = {"(n)", "n", "max", "\\max", "(N)"}
_SUBS_MIN = {"(1)", "1", "min", "\\min"}


def is_latex(text: str) -> bool:
    """Whether ``text`` looks like LaTeX (a backslash, a brace, or ``$`` delimiters)."""
    return any(c in text for c in "\\{}$")


def _fail(message: str, text: str, pos: int | None, where: str) -> ParseError:
    at = "" if pos is None else f" at position {pos}"
    return ParseError(f"{message}{at}", text=text, position=pos, where=where)


class _Latex:
    """Recursive-descent translator of a LaTeX subset into plain syntax (depth counted)."""

    def __init__(self, text: str, var: str, where: str) -> None:
        self.text, self.var, self.where = text, var, where
        self.i, self.depth = 0, 0

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
        if rest[0] in "+-)]}=,|" or any(rest.startswith(s) for s in stop):
            return True
        return rest.startswith(("\\right", "\\}", "\\rbrace", "\\rangle"))

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
        if not self.text.startswith("{", self.i):
            return self.atom_only()
        self.i += 1
        self.enter()
        inner = self.expr(stop=())
        self.skip_space()
        if not self.text.startswith("}", self.i):
            raise self.fail("expected '}'")
        self.i += 1
        self.depth -= 1
        return f"({inner})"

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
        """One atom with its sub- and superscripts (the argument of ``\\log x_i``)."""
        return self.factor(stop=(), single=True)

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
        if name == self.var:
            if sub in ("i", "j", "k"):
                return f"{self.var}[i]"
            if sub in _SUBS_MAX:
                return f"{self.var}_max"
            if sub in _SUBS_MIN:
                return f"{self.var}_min"
            if not re.fullmatch(r"[A-Za-z]+", sub):
                raise self.fail(f"unknown subscript '{sub}' of the observation {self.var}: "
                                f"write {self.var}_i, {self.var}_{{(1)}} or {self.var}_{{(n)}}",
                                pos)
        if name and re.fullmatch(r"[A-Za-z0-9]+", sub):
            return f"{name}{sub}"
        raise self.fail(f"subscript '{sub}' is not supported here", pos)

    def factor(self, stop: tuple[str, ...], single: bool = False) -> str:
        self.skip_space()
        if self.i >= len(self.text):
            raise self.fail("unexpected end of input")
        ch = self.text[self.i]
        start = self.i
        if ch.isdigit() or ch == ".":
            m = re.compile(r"[0-9]*\.?[0-9]+").match(self.text, self.i)
            if not m:
                raise self.fail("malformed number")
            self.i = m.end()
            return self.postfix(m.group())
        if ch.isascii() and ch.isalpha():
            self.i += 1
            return self.postfix(ch, ch)
        if ch in parsing.GREEK:
            self.i += 1
            return self.postfix(parsing.GREEK[ch], parsing.GREEK[ch])
        if ch in "({[":
            close = {"(": ")", "{": "}", "[": "]"}[ch]
            self.i += 1
            self.enter()
            inner = self.expr(stop=())
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
            return self.postfix(f"({inner})")
        if ch != "\\":
            raise self.fail(f"unexpected character {ch!r}")
        cmd = self.command()
        if cmd in ("left", "right"):
            self.skip_space()
            if self.text.startswith("\\", self.i):
                self.command()
            else:
                self.i += 1
            if cmd == "right":
                raise self.fail("unmatched \\right", start)
            self.enter()
            inner = self.expr(stop=("\\right",))
            if not self.at("\\right"):
                raise self.fail("expected \\right")
            self.command()
            self.skip_space()
            if self.text.startswith("\\", self.i):
                self.command()
            else:
                self.i += 1
            self.depth -= 1
            return self.postfix(f"({inner})")
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
        if cmd == "sqrt":
            if self.at("["):
                raise self.fail("\\sqrt[k]{...} is not supported; write (...)^{1/k}")
            return self.postfix(f"sqrt({self.group()})")
        if cmd in _HAT:
            inner = self.raw_group().lstrip("\\")
            if not re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", inner):
                raise self.fail(f"\\{cmd} is only supported over a parameter's name", start)
            inner = inner.replace("var", "") if inner.startswith("var") else inner
            return self.postfix(f"{inner}_hat", None)
        if cmd in _BAR:
            inner = self.raw_group().lstrip("\\")
            if inner != self.var:
                raise self.fail(f"\\{cmd} is only supported over the observation "
                                f"'{self.var}'", start)
            return self.postfix(f"{self.var}bar")
        if cmd in ("sum", "prod"):
            return self.big_operator(cmd, stop)
        if cmd in ("max", "min"):
            return self.extreme(cmd)
        if cmd in _FUNCS and cmd not in ("sqrt", "operatorname"):
            return self.function(_FUNCS[cmd])
        if cmd == "operatorname":
            name = self.raw_group()
            if name not in ("log", "ln", "exp"):
                raise self.fail(f"\\operatorname{{{name}}} is not supported", start)
            return self.function("log" if name == "ln" else name)
        raise self.fail(f"the LaTeX command '\\{cmd}' is not supported", start)

    def function(self, name: str) -> str:
        self.skip_space()
        if self.text.startswith("^", self.i):
            raise self.fail(f"write (\\{name} ...)^k rather than \\{name}^k")
        if self.at("(") or self.at("\\left") or self.at("{") or self.at("["):
            arg = self.factor(stop=(), single=True)
        else:
            arg = self.atom_only()
        return f"{name}({arg})"

    def big_operator(self, cmd: str, stop: tuple[str, ...]) -> str:
        self.skip_space()
        limits = []
        while self.text.startswith(("_", "^"), self.i):
            self.i += 1
            limits.append(self.raw_group())
            self.skip_space()
        for lim in limits:
            if lim not in ("i", "i=1", "n", "{i=1}", "1\\lei\\len", "i\\in[n]"):
                raise self.fail(f"\\{cmd} limits '{lim}': only sums over i = 1, ..., n are "
                                "supported")
        self.enter()
        body = self.term(stop)
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
            listing = re.sub(r"\\(left|right|[{}]|l?dots|cdots|ldots)|[\s,(){}\[\]_]", "", inner)
            if sub is None and not re.fullmatch(rf"({re.escape(self.var)}(i|1|2|n|\d)?)+",
                                                listing or "-"):
                return self.max_call(cmd)
            self.i = j
        else:
            inner = self.atom_only()
        if self.var not in inner:
            raise self.fail(f"\\{cmd} is only supported over the observations", start)
        return f"{self.var}_{cmd}"

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


def latex_to_plain(text: str, var: str = "x", where: str = "claim") -> str:
    """Translate a LaTeX claim into symmle's plain claim syntax (no SymPy involved).

    Examples
    --------
    >>> latex_to_plain(r"\\frac{1}{\\bar{x}}")
    '((1))/((xbar))'
    >>> latex_to_plain(r"n\\log\\lambda - \\lambda\\sum_{i=1}^n x_i")
    'n * log(lambda) - lambda * sum(x[i])'
    >>> latex_to_plain(r"\\input{/etc/passwd}")
    Traceback (most recent call last):
    ...
    symmle.errors.ParseError: claim: the LaTeX command '\\input' is not supported at position 0
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
    stripped = text.strip().strip("$").strip()
    if stripped.startswith("\\[") and stripped.endswith("\\]"):
        stripped = stripped[2:-2]
    return _Latex(stripped, var, where).translate()


def split_assignment(text: str) -> tuple[str | None, str]:
    """Split ``"LHS = RHS"`` at its last top-level ``=`` (``<=``/``>=`` excepted).

    Examples
    --------
    >>> split_assignment(r"\\hat\\lambda = 1/\\bar x")
    ('\\\\hat\\\\lambda', '1/\\\\bar x')
    >>> split_assignment("n/sum(x_i)")
    (None, 'n/sum(x_i)')
    """
    depth, cut = 0, -1
    for j, ch in enumerate(text):
        depth += ch in "({["
        depth -= ch in ")}]"
        if ch == "=" and depth == 0 and text[j - 1:j] not in ("<", ">", "!") \
                and text[j + 1:j + 2] != "=":
            cut = j
    if cut < 0:
        return None, text
    return text[:cut].strip(), text[cut + 1:].strip()


class _ClaimParser(parsing._Parser):
    """The whitelist parser with sample notation (sum, prod, x[i], xbar, max, min)."""

    def __init__(self, text: str, tokens: list, symbols: Mapping[str, sp.Expr], where: str,
                 var: sp.Symbol, obs: sp.Expr, stats: tuple[sp.Symbol, sp.Symbol]) -> None:
        super().__init__(text, tokens, symbols, where)
        self.var, self.obs, self.stats = var, obs, stats

    def name(self, tok: parsing.Token) -> sp.Expr:
        name, call = tok.text, self.peek().is_op("(")
        v = self.var.name
        if name == v and self.peek().is_op("["):
            self.take()
            idx = self.take()
            if idx.text not in ("i", "j", "k"):
                raise self.fail("the observation index must be i", idx.pos)
            self.expect("]")
            return self.obs
        if call and name in ("sum", "Sum", "prod", "Prod", "product", "Product", "mean",
                             "max", "Max", "min", "Min"):
            return self.sample_call(tok)
        return super().name(tok)

    def sample_call(self, tok: parsing.Token) -> sp.Expr:
        self.take()  # "("
        name = tok.text.lower()
        if name in ("max", "min", "mean"):
            start = self.peek()
            if start.kind == "name" and start.text == self.var.name and self.peek(1).is_op(")"):
                self.take()
                self.take()
                if name == "mean":
                    return Sum(self.obs, (I, 1, N)) / N
                return self.stats[1] if name == "max" else self.stats[0]
            args = []
            while True:
                args.append(self.expression())
                if self.expect(",", ")").text == ")":
                    break
            if any(a.xreplace({s: 0 for s in a.atoms(Sum)}).has(self.obs) for a in args):
                raise self.fail(f"write {name}({self.var.name}) for the sample {name}", tok.pos)
            return self.apply(tok.text if tok.text in parsing.FUNCTIONS else name, args, tok)
        body = self.expression()
        if self.peek().is_op(","):  # Sum(h, (i, 1, n))
            self.take()
            self.expect("(")
            for want in ("i", ",", "1", ",", "n", ")"):
                t = self.take()
                if t.text != want:
                    raise self.fail(f"only sums over (i, 1, n) are supported; found "
                                    f"{t.describe()}", t.pos)
        self.expect(")")
        hold = sp.Dummy("obs")
        body = body.xreplace({self.obs: hold}).xreplace({self.var: hold}).xreplace(
            {hold: self.obs})
        if name.startswith("prod"):
            return sp.exp(Sum(sp.log(body), (I, 1, N)))
        return Sum(body, (I, 1, N))


def _plain_names(text: str, var: str) -> str:
    """Spellings of the plain syntax that the tokenizer sees as one name."""
    text = re.sub(rf"\b{re.escape(var)}_\(n\)", f"{var}_max", text)
    text = re.sub(rf"\b{re.escape(var)}_\(1\)", f"{var}_min", text)
    return text


_LHS_COMMANDS = {"hat", "widehat", "ell", "partial", "frac", "dfrac", "mathcal", "mathrm",
                 "log", "ln", "left", "right", "prime", "operatorname", "text", "nabla", "mid",
                 "max", "arg", "operatorname", ",", ";", "!", " ", *_GREEK}
_LHS_CHARS = re.compile(r"[A-Za-z0-9\\{}()_^,'\s|;:]*")


def _check_lhs(lhs: str, text: str, where: str) -> None:
    """The left-hand side of ``LHS = claim`` is a name (``\\hat\\theta``, ``\\ell(\\theta)``,
    ``S(p)``, ``\\frac{\\partial\\ell}{\\partial\\mu}``); anything else is refused."""
    if len(lhs) > 200 or not _LHS_CHARS.fullmatch(lhs.strip("$ ")):
        raise _fail(f"the left-hand side '{lhs[:40]}' is not a name; write only the "
                    "expression", text, 0, where)
    for m in re.finditer(r"\\([A-Za-z]+|.)", lhs):
        if m.group(1) not in _LHS_COMMANDS:
            raise _fail(f"the LaTeX command '\\{m.group(1)}' is not supported", text,
                        m.start(), where)


def parse_claim(text: str, params: Sequence[sp.Symbol], var: sp.Symbol,
                known: Sequence[sp.Symbol] = (), *, where: str = "claim",
                order_stats: tuple[sp.Symbol, sp.Symbol] | None = None) -> sp.Expr:
    """Parse one claimed expression (LaTeX or plain) into symmle's sample notation.

    Parameters
    ----------
    text
        The claim, e.g. ``r"\\frac{n}{\\sum_i x_i}"`` or ``"n/sum(x_i)"``; a leading
        ``LHS =`` is dropped.
    params, known
        The model's parameter and known-constant symbols (``\\hat\\theta`` means ``theta``).
    var
        The observation symbol.
    order_stats
        The ``(x_min, x_max)`` symbols to use (the derivation's, with its assumptions).

    Raises
    ------
    ParseError
        Anything outside the accepted LaTeX subset or plain syntax, with the position;
        also an observation ``x_i`` outside every sum.
    UnknownNameError
        A name that is not a parameter, a known constant, ``n`` or a sample quantity.

    Examples
    --------
    >>> sigma2 = sp.Symbol("sigma2", positive=True)
    >>> mu = sp.Symbol("mu", real=True)
    >>> parse_claim(r"\\frac{1}{n}\\sum_{i=1}^{n}(x_i-\\bar{x})^2", [mu, sigma2], sp.Symbol("x"))
    Sum((-Sum(x[i], (i, 1, n))/n + x[i])**2, (i, 1, n))/n
    """
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", where=where)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_LENGTH})",
                         where=where)
    lhs, rhs = split_assignment(text)
    if lhs is not None:
        _check_lhs(lhs, text, where)
    if not rhs.strip():
        raise ParseError("empty claim", where=where)
    plain = latex_to_plain(rhs, var.name, where) if is_latex(rhs) else _plain_names(rhs, var.name)
    obs = sp.IndexedBase(var.name)[I]
    stats = order_stats or order_statistics(var)
    mean = Sum(obs, (I, 1, N)) / N
    symbols: dict[str, sp.Expr] = {"n": N, "i": I}
    for s in (*params, *known):
        symbols[s.name] = s
        symbols[f"{s.name}_hat"] = s
        symbols[f"{s.name}hat"] = s
    for alias in ("bar", "_bar", "mean"):
        symbols[f"{var.name}{alias}"] = mean
    symbols.update({f"{var.name}_max": stats[1], f"{var.name}_min": stats[0],
                    f"{var.name}_i": obs, var.name: var})
    for k, s in list(symbols.items()):  # sigma^2 written as sigma2's square root
        if k.endswith("2") and k[:-1] not in symbols and isinstance(s, sp.Symbol) \
                and s in params and s.is_positive:
            symbols[k[:-1]] = sp.sqrt(s)

    def build() -> sp.Expr:
        tokens = parsing.tokenize(plain, where, strict=False)
        return _ClaimParser(plain, tokens, symbols, where, var, obs, stats).parse_all()

    try:
        expr = parsing._guarded(plain, where, build)
    except ParseError as err:
        if plain != rhs and "translated" not in err.message:
            raise ParseError(f"{err.message}\n  (in the translation of the LaTeX: {plain[:200]})",
                             where=None) from err
        raise
    expr = expr.replace(lambda e: isinstance(e, sp.log) and isinstance(e.args[0], sp.exp)
                        and isinstance(e.args[0].args[0], Sum), lambda e: e.args[0].args[0])
    if expr.has(sp.zoo, sp.nan, sp.oo, -sp.oo):
        raise ParseError("the claim is undefined or infinite (a division by zero?)", where=where)
    outside = expr.xreplace({s: sp.Integer(0) for s in expr.atoms(Sum)})
    if outside.has(obs) or outside.has(var):
        raise ParseError(f"the observation {var.name}_i (or {var.name}) appears outside a sum; "
                         f"write sum({var.name}_i), {var.name}bar, max({var.name}) or "
                         f"min({var.name})", where=where)
    return expr
