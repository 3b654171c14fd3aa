"""A safe parser for densities, supports, domains and command-line assignments.

The strings parsed here come from untrusted users (a web form, a command line), so nothing is
ever handed to ``sympify``, ``parse_expr``, ``eval``, ``exec`` or ``compile``: those run Python
code, and ``sympify("__import__('os').system(...)")`` does exactly what it says. Instead a small
tokenizer turns the text into numbers, names and operators, and a Pratt (precedence-climbing)
parser builds SymPy objects directly from a whitelist of functions and constants. Anything that
is not in the grammar is a :class:`~symmle.errors.ParseError` carrying the text and the position.

Resource bombs are refused before SymPy starts working: the text length, the nesting depth
(counted explicitly, not left to Python's recursion limit), the size of literals, the size of
powers (estimated with logarithms before computing), numeric arguments of factorial-like
functions and of ``exp``, roots of large integers (which SymPy tries to factor), the magnitude
of irrational constants (SymPy evaluates them numerically to learn their sign). SymPy's automatic
evaluation of constant sub-expressions can still be slow in ways no static rule foresees
(``sin(factorial(sinh(cos(2) - loggamma(digamma(0.5)))))`` takes seconds), so each parse also
runs under :func:`symmle.bounded.bounded` with a limit of ``MAX_SECONDS`` of CPU time (and
``WALL_SECONDS`` of wall-clock time). Every exception is
turned into a ParseError, so callers only ever see :class:`~symmle.errors.SymmleError`
subclasses.
"""
from __future__ import annotations

import difflib
import gc
import math
import re
import string
import time
from dataclasses import dataclass
from typing import Callable, Mapping, TypeVar

import sympy as sp

from .bounded import BudgetSpent, bounded
from .errors import (DerivationTimeout, ParseError, SymmleError, UnknownNameError,
                     caret)
from .spaces import Domain, Support

__all__ = ["parse_expression", "names_in", "parse_domain", "parse_support", "parse_assignment"]

T = TypeVar("T")

MAX_LENGTH = 10_000        # characters of input
MAX_DEPTH = 100            # nested parentheses, calls, powers and signs
MAX_LITERAL_DIGITS = 300   # digits of a number literal (and |exponent| of 1e300)
MAX_DIGITS = 4_000         # digits of any exact number built (Python prints at most 4300)
_MAX_BITS = 13_300         # MAX_DIGITS in bits
MAX_FACTORIAL = 1_000      # numeric argument of factorial, gamma, binomial, ...
MAX_SPECIAL_WORK = 5_000   # sum of those arguments (product, for polygamma) in one input
MAX_BINOMIAL_TERMS = 20    # binomial(irrational, k): SymPy expands a product of k factors
MAX_POLYGAMMA_ORDER = 100  # polygamma(n, z): mpmath is slow for high or fractional orders
MAX_MAGNITUDE = 5_000      # |log10 |c|| of an irrational constant c (keeps evalf cheap)
MAX_EXP_ARG = 10_000       # numeric argument of exp, sinh, cosh
MAX_ROOT_DIGITS = 100      # digits of an integer under a root (SymPy factors it)
MAX_MINMAX_ARGS = 10       # arguments of Min/Max (SymPy compares them pairwise)
MAX_SECONDS = 1.0          # CPU-time limit of one parse: the backstop behind the rest
WALL_SECONDS = 5.0         # and its wall-clock limit, reached only on a heavily loaded machine

GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ϵ": "epsilon",
    "ζ": "zeta", "η": "eta", "θ": "theta", "ϑ": "theta", "ι": "iota", "κ": "kappa",
    "λ": "lambda", "μ": "mu", "µ": "mu", "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho",
    "σ": "sigma", "ς": "sigma", "τ": "tau", "φ": "phi", "ϕ": "phi", "χ": "chi", "ψ": "psi",
    "ω": "omega", "Γ": "Gamma", "Δ": "Delta", "Θ": "Theta", "Λ": "Lambda", "Ξ": "Xi",
    "Π": "Pi", "Σ": "Sigma", "Φ": "Phi", "Ψ": "Psi", "Ω": "Omega",
}
_UNICODE_OPS = {"·": "*", "⋅": "*", "×": "*", "−": "-", "÷": "/", "≤": "<=", "≥": ">=",
                "…": "..."}
_UNICODE_NAMES = {"∞": "oo", "∈": "in"}
_SUPERSCRIPTS = {"²": "2", "³": "3"}
_OPS = ("...", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "^", "(", ")", ",", "!", "<", ">",
        "[", "]", "{", "}")
_HINTS = {".": " ('.' may only appear inside a number such as 0.5)",
          "=": " (write '<=' or '>=' for a bound)", "'": " (strings are not allowed)",
          '"': " (strings are not allowed)"}
_NUMBER = re.compile(r"(?:([0-9]+)(?:\.([0-9]+))?|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?")
_NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_")

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "E": sp.E, "e": sp.E, "oo": sp.oo,
                                 "inf": sp.oo, "infinity": sp.oo}
# name -> (constructor, min args, max args or None)
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], int, int | None]] = {
    "exp": (sp.exp, 1, 1), "log": (sp.log, 1, 2), "ln": (sp.log, 1, 1),
    "sqrt": (sp.sqrt, 1, 1), "factorial": (sp.factorial, 1, 1),
    "binomial": (sp.binomial, 2, 2), "gamma": (sp.gamma, 1, 1), "Gamma": (sp.gamma, 1, 1),
    "loggamma": (sp.loggamma, 1, 1), "beta": (sp.beta, 2, 2), "Beta": (sp.beta, 2, 2),
    "erf": (sp.erf, 1, 1), "erfc": (sp.erfc, 1, 1), "abs": (sp.Abs, 1, 1), "Abs": (sp.Abs, 1, 1),
    "sin": (sp.sin, 1, 1), "cos": (sp.cos, 1, 1), "tan": (sp.tan, 1, 1), "atan": (sp.atan, 1, 1),
    "sinh": (sp.sinh, 1, 1), "cosh": (sp.cosh, 1, 1), "tanh": (sp.tanh, 1, 1),
    "Min": (sp.Min, 1, None), "min": (sp.Min, 1, None), "Max": (sp.Max, 1, None),
    "max": (sp.Max, 1, None), "floor": (sp.floor, 1, 1), "ceiling": (sp.ceiling, 1, 1),
    "digamma": (sp.digamma, 1, 1), "polygamma": (sp.polygamma, 2, 2),
    "zeta": (sp.zeta, 1, 2),  # Riemann ζ(s), Hurwitz ζ(s, a): the zeta (Zipf) distribution
}
# functions that define a density by cases: not in the syntax (no relations), said so
_BY_CASES = frozenset({"Piecewise", "piecewise", "Heaviside", "KroneckerDelta", "DiracDelta",
                       "Indicator", "indicator", "If", "ifelse", "where"})
_ALTERNATIVE = {"gamma": "Gamma", "Gamma": "gamma", "beta": "Beta", "Beta": "beta",
                "abs": "Abs", "Abs": "abs", "min": "Min", "Min": "min", "max": "Max",
                "Max": "max", "log": "ln", "ln": "log"}
# bound on |numeric argument| (factorial-like functions, exp-like, floor)
_ARG_LIMIT = {**dict.fromkeys(("factorial", "gamma", "Gamma", "loggamma", "binomial", "beta",
                               "Beta", "digamma", "polygamma"), MAX_FACTORIAL),
              **dict.fromkeys(("exp", "sinh", "cosh"), MAX_EXP_ARG),
              "floor": 1e100, "ceiling": 1e100}
_PREFIX_BP, _POWER_BP, _BANG_BP = 30, 40, 50
_LBP = {"+": 10, "-": 10, "*": 20, "/": 20, "**": _POWER_BP, "!": _BANG_BP}
_COMPARISONS = ("<", "<=", ">", ">=")
_RELATIONS: dict[str, Callable[[sp.Expr, sp.Expr], sp.Basic]] = {
    "==": sp.Eq, "!=": sp.Ne, "<": sp.Lt, "<=": sp.Le, ">": sp.Gt, ">=": sp.Ge}


@dataclass(frozen=True)
class Token:
    """``kind`` is "num", "name", "op", "end" or "bad"; ``text`` the canonical spelling (Greek
    mapped, ``^`` as ``**``); ``src`` the characters typed; ``value`` the exact Rational of a
    number; ``error`` what to raise when the parser reaches a "bad" token."""

    kind: str
    text: str
    pos: int
    src: str = ""
    value: sp.Rational | None = None
    error: ParseError | None = None

    def is_op(self, *ops: str) -> bool:
        return self.kind == "op" and self.text in ops

    def describe(self) -> str:
        return "end of input" if self.kind == "end" else f"'{self.src or self.text}'"


def _fail(message: str, text: str, pos: int | None, where: str | None,
          hint: str = "") -> ParseError:
    at = "" if pos is None else f" at position {pos}"
    return ParseError(f"{message}{at}{hint}", text=text, position=pos, where=where)


def _guarded(text: str, where: str, build: Callable[[], T]) -> T:
    """Run ``build()`` for at most MAX_SECONDS (SymPy's automatic evaluation can be slow in ways
    no static guard foresees) and turn any non-symmle exception into a ParseError."""
    def shielded() -> T:
        try:
            return build()
        except SymmleError:
            raise
        except RecursionError as exc:
            raise _fail("input nested too deeply", text, None, where) from exc
        except Exception as exc:  # noqa: BLE001 - untrusted input must only raise SymmleError
            detail = f"{type(exc).__name__}: {exc}"[:200]
            raise _fail(f"cannot interpret the input ({detail})", text, None, where) from exc

    def cpu_bounded() -> T:
        return bounded(shielded, seconds=MAX_SECONDS, what=f"parsing the {where}", cpu=True)

    # CPU time, not wall-clock time: a well-formed input takes milliseconds, and must not be
    # refused because the machine is busy; the cyclic garbage collector is paused meanwhile, so
    # that a full collection of a large process (tenths of a second) is not charged to a parse
    collecting = gc.isenabled()
    gc.disable()
    try:
        return bounded(cpu_bounded, seconds=WALL_SECONDS, what=f"parsing the {where}",
                       cpu=False)
    except BudgetSpent:
        raise  # the enclosing step's time was used up before the parse began: it reports it
    except DerivationTimeout as exc:
        # this parse's own bound (an enclosing bound that runs out meanwhile is reported by
        # the enclosing call: bounded() passes its alarm on)
        raise _fail(f"input too complex ({exc})", text, None, where) from exc
    finally:
        if collecting:
            gc.enable()


def _number(text: str, m: re.Match[str], where: str | None) -> sp.Rational:
    whole, frac, bare, exp = m.groups()
    digits = (whole or "") + (frac or bare or "")
    if len(digits) > MAX_LITERAL_DIGITS or (exp and (len(exp) > 4 or
                                                      abs(int(exp)) > MAX_LITERAL_DIGITS)):
        raise _fail(f"number too large (more than {MAX_LITERAL_DIGITS} digits)", text,
                    m.start(), where)
    shift = int(exp or 0) - len(frac or bare or "")
    mantissa = int(digits)
    return sp.Rational(mantissa * 10**shift) if shift >= 0 else sp.Rational(mantissa, 10**-shift)


def tokenize(text: str, where: str | None = None, *, strict: bool = True) -> list[Token]:
    """Split ``text`` into tokens, ending with an "end" token; map Unicode; check characters.

    With ``strict=False`` an illegal character (or name, or literal) becomes a final "bad" token
    whose error the parser raises when it gets there, so that earlier mistakes (a missing
    operator, say) are reported first, left to right.

    Examples
    --------
    >>> [t.text for t in tokenize("2θ^2")]
    ['2', 'theta', '**', '2', '']
    """
    if not isinstance(text, str):
        raise ParseError(f"expected a string, got {type(text).__name__}", where=where)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"input too long ({len(text)} characters; at most {MAX_LENGTH})",
                         where=where)
    tokens: list[Token] = []
    n = len(text)
    try:
        _scan(text, where, tokens)
    except ParseError as err:
        if strict:
            raise
        pos = err.position if err.position is not None else n
        tokens.append(Token("bad", text[pos:pos + 1], pos, text[pos:pos + 1], error=err))
    tokens.append(Token("end", "", n))
    return tokens


def _scan(text: str, where: str | None, tokens: list[Token]) -> None:
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in string.digits or (ch == "." and text[i + 1:i + 2] in tuple(string.digits)):
            m = _NUMBER.match(text, i)
            assert m is not None
            tokens.append(Token("num", m.group(), i, m.group(), _number(text, m, where)))
            i = m.end()
        elif ch in string.ascii_letters or ch == "_" or ch in GREEK:
            j = i
            while j < n and (text[j] in _NAME_CHARS or text[j] in GREEK):
                j += 1
            name = "".join(GREEK.get(c, c) for c in text[i:j])
            if name.startswith("_") or name.endswith("_"):
                side = "start" if name.startswith("_") else "end"
                raise _fail(f"name '{name}' is not allowed: names may not {side} with '_'",
                            text, i, where)
            tokens.append(Token("name", name, i, text[i:j]))
            i = j
        elif ch in _UNICODE_NAMES:
            tokens.append(Token("name", _UNICODE_NAMES[ch], i, ch))
            i += 1
        elif ch in _SUPERSCRIPTS:
            if text[i + 1:i + 2] in _SUPERSCRIPTS:
                raise _fail("only one superscript digit is allowed; write x**23", text, i + 1,
                            where)
            digit = _SUPERSCRIPTS[ch]
            tokens += [Token("op", "**", i, ch), Token("num", digit, i, ch, sp.Integer(digit))]
            i += 1
        elif ch in _UNICODE_OPS:
            tokens.append(Token("op", _UNICODE_OPS[ch], i, ch))
            i += 1
        else:
            op = next((o for o in _OPS if text.startswith(o, i)), None)
            if op is None:
                if ch.isascii() and ch.isprintable():
                    raise _fail(f"unexpected character '{ch}'", text, i, where, _HINTS.get(ch, ""))
                raise _fail(f"character {ch!r} (U+{ord(ch):04X}) is not allowed", text, i, where)
            tokens.append(Token("op", "**" if op == "^" else op, i, op))
            i += len(op)


def _digits(r: sp.Rational) -> float:
    """log10 of the larger of numerator and denominator (how many digits ``r`` has)."""
    return max(math.log10(abs(r.p)) if r.p else 0.0, math.log10(r.q))


def _log10_abs(e: sp.Expr) -> float | None:
    """log10 |e| for a number (``-inf`` for 0), or None when infinite or not evaluable."""
    if e.is_Rational:
        return -math.inf if e == 0 else math.log10(abs(e.p)) - math.log10(e.q)
    if e.has(sp.oo, -sp.oo, sp.zoo, sp.nan):
        return None
    try:
        parts = e.evalf(15).as_real_imag()
        if not all(p.is_Float or p.is_zero for p in parts):
            return None
        mag = max(abs(p) for p in parts)
        return -math.inf if mag == 0 else float((sp.log(mag) / sp.log(10)).evalf(15))
    except Exception:  # noqa: BLE001 - an estimate we cannot make is no estimate
        return None


def _magnitude(e: sp.Expr) -> float:
    """|e| for a finite number (capped at 1e300), 0 for anything else."""
    size = _log10_abs(e) if e.is_number else None
    return 0.0 if size is None else 10 ** min(size, 300.0)


def _root_digits(e: sp.Expr) -> float:
    """Digits of the integers under roots in ``e`` (``sqrt(a)*b**(1/3)`` -> digits of a*b)."""
    if e.is_Pow and e.base.is_Rational and e.exp.is_Rational and not e.exp.is_Integer:
        return _digits(e.base)
    return sum(_root_digits(a) for a in e.args) if e.is_Mul else 0.0


def _coefficient_bits(e: sp.Expr) -> int:
    """Bits in the numeric coefficient and constant term of ``e`` (where sums/products grow)."""
    total = 0
    for c in (e.as_coeff_Add()[0], e.as_coeff_Mul()[0]):
        if c.is_Rational:
            total += abs(c.p).bit_length() + c.q.bit_length()
    return total


class _Parser:
    """Pratt parser over a token list; builds SymPy objects as it goes."""

    def __init__(self, text: str, tokens: list[Token], symbols: Mapping[str, sp.Expr],
                 where: str | None, allow_undeclared: bool = False,
                 forbidden: str | None = None, indicators: bool = False) -> None:
        self.text, self.tokens, self.symbols, self.where = text, tokens, symbols, where
        self.allow_undeclared, self.forbidden = allow_undeclared, forbidden
        self.indicators = indicators  # (x == 0) is 1 where x = 0, else 0 (densities only)
        self.i = self.depth = 0
        self.work = 0.0  # numeric arguments of factorial-like functions so far
        self.deadline = time.process_time() + MAX_SECONDS

    def peek(self, k: int = 0) -> Token:
        tok = self.tokens[min(self.i + k, len(self.tokens) - 1)]
        if tok.error is not None:
            raise tok.error
        return tok

    def take(self) -> Token:
        tok = self.peek()
        self.i = min(self.i + 1, len(self.tokens) - 1)
        return tok

    def fail(self, message: str, pos: int | None, hint: str = "") -> ParseError:
        return _fail(message, self.text, pos, self.where, hint)

    def expect(self, *ops: str) -> Token:
        tok = self.take()
        if not tok.is_op(*ops):
            wanted = " or ".join(f"'{o}'" for o in ops)
            raise self.fail(f"expected {wanted} but found {tok.describe()}", tok.pos)
        return tok

    def expect_end(self) -> None:
        tok = self.peek()
        if tok.kind != "end":
            raise self.fail(f"unexpected {tok.describe()}", tok.pos)

    def parse_all(self) -> sp.Expr:
        expr = self.bound()
        self.expect_end()
        return expr

    def bound(self) -> sp.Expr:
        """An expression whose numbers all have at most MAX_DIGITS digits."""
        expr = self.expression()
        for r in expr.atoms(sp.Rational):
            if abs(r.p).bit_length() > _MAX_BITS or r.q.bit_length() > _MAX_BITS:
                raise self.fail(f"number too large (more than {MAX_DIGITS} digits)", None)
        return expr

    def expression(self, rbp: int = 0) -> sp.Expr:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(f"expression nested too deeply (more than {MAX_DEPTH} levels)",
                            self.peek().pos)
        if time.process_time() > self.deadline:
            raise self.fail(f"input too complex (parsing took over {MAX_SECONDS:g} s)",
                            self.peek().pos)
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok.kind in ("num", "name") or tok.is_op("("):
                raise self.missing_operator(self.tokens[self.i - 1], tok)
            lbp = _LBP.get(tok.text, 0) if tok.kind == "op" else 0
            if lbp <= rbp:
                break
            if tok.text in ("+", "-"):
                left = self.chain(left, ("+", "-"), tok)
            elif tok.text in ("*", "/"):
                left = self.chain(left, ("*", "/"), tok)
            elif tok.text == "**":
                self.take()
                left = self.power(left, self.expression(_POWER_BP - 1), tok)
            else:  # postfix factorial
                self.take()
                if self.peek().is_op("!"):
                    raise self.fail("'!!' (double factorial) is not supported", self.peek().pos)
                left = self.apply("factorial", [left], tok)
        self.depth -= 1
        return left

    def missing_operator(self, last: Token, tok: Token) -> ParseError:
        lhs = "(...)" if last.is_op(")") else last.text
        rhs = "(...)" if tok.is_op("(") else tok.text
        hint = f"write {lhs}*{rhs}" if last.kind == "num" else f"write '{lhs}*{rhs}'"
        return ParseError(f"missing operator between {last.describe()} and {tok.describe()} "
                          f"at position {tok.pos}; {hint}", text=self.text, position=tok.pos,
                          where=self.where)

    def chain(self, left: sp.Expr, ops: tuple[str, ...], first: Token) -> sp.Expr:
        """A run of same-precedence operators, built in one SymPy call (pairwise is quadratic)."""
        items, bp = [left], _LBP[ops[0]]
        while self.peek().is_op(*ops):
            op = self.take().text
            right = self.expression(bp)
            if op == "/":
                right = 1 / right if right.is_Number else sp.Pow(right, -1)
            items.append(-right if op == "-" else right)
        if sum(_coefficient_bits(e) for e in items) > 2 * _MAX_BITS:
            raise self.fail("number too large", first.pos)
        if ops[0] == "*":
            if sum(_root_digits(e) for e in items) > MAX_ROOT_DIGITS:
                raise self.fail("number too large (roots of huge integers)", first.pos)
            return self.checked(sp.Mul(*items), first)
        return self.checked(sp.Add(*items), first)

    def power(self, base: sp.Expr, exp: sp.Expr, tok: Token) -> sp.Expr:
        # SymPy raises every rational in the base to the power ((2*x)**n computes 2**n), and
        # an irrational constant's size grows with the exponent: estimate digits with logs.
        digits = max((_digits(r) for r in base.atoms(sp.Rational)), default=0.0)
        size, le = digits, _log10_abs(exp) if exp.is_number else None
        if base.is_number and not base.is_Rational:
            lb = _log10_abs(base)
            size = max(size, abs(lb)) if lb is not None and math.isfinite(lb) else size
        if size and le is not None and le + math.log10(size) > math.log10(MAX_DIGITS):
            raise self.fail("number too large", tok.pos)
        if exp.is_Rational and not exp.is_Integer and digits > MAX_ROOT_DIGITS:
            raise self.fail("number too large (root of a huge integer)", tok.pos)
        return self.checked(sp.Pow(base, exp), tok)

    def checked(self, expr: sp.Expr, tok: Token) -> sp.Expr:
        """Refuse irrational constants beyond 10**±MAX_MAGNITUDE: SymPy evaluates constants
        numerically to decide signs, and that gets slow (or endless) for huge magnitudes."""
        if expr.is_number and not expr.is_Rational:
            size = _log10_abs(expr)
            if size is not None and math.isfinite(size) and abs(size) > MAX_MAGNITUDE:
                raise self.fail("number too large", tok.pos)
        return expr

    def prefix(self) -> sp.Expr:
        tok = self.take()
        if tok.kind == "num":
            assert tok.value is not None
            return tok.value
        if tok.is_op("-"):
            return -self.expression(_PREFIX_BP)
        if tok.is_op("+"):
            return self.expression(_PREFIX_BP)
        if tok.is_op("("):
            inner = self.expression()
            if self.indicators and self.peek().is_op(*_RELATIONS):
                inner = self.indicator(inner)
            self.expect(")")
            return inner
        if tok.kind == "name":
            return self.name(tok)
        if tok.kind == "end":
            raise self.fail("unexpected end of input", tok.pos)
        raise self.fail(f"unexpected {tok.describe()}", tok.pos)

    def indicator(self, left: sp.Expr) -> sp.Expr:
        """``(x == 0)``, ``(x >= 1)``, ``(0 < x <= 2)``: 1 where the comparison (or chain of
        them) holds and 0 elsewhere, as a Piecewise."""
        conditions = []
        while self.peek().is_op(*_RELATIONS):
            op = self.take()
            right = self.expression()
            conditions.append(_RELATIONS[op.text](left, right))
            left = right
        cond = sp.And(*conditions)
        if cond in (sp.true, sp.false):  # (x == 0) on a continuous support x > 0
            raise self.fail(f"the condition of this indicator is {'always' if cond else 'never'}"
                            " true on the support", op.pos)
        return sp.Piecewise((sp.Integer(1), cond), (sp.Integer(0), True))

    def name(self, tok: Token) -> sp.Expr:
        name, call = tok.text, self.peek().is_op("(")
        if name == self.forbidden:
            raise self.fail(f"the bounds may not mention the variable '{name}'", tok.pos)
        if name in self.symbols:
            if call:
                alt = _ALTERNATIVE.get(name)
                other = (f", or '{alt}(...)' for the {name.lower()} function"
                         if alt and alt not in self.symbols else "")
                raise self.fail(f"'{name}' is declared as a symbol; write '{name}*(...)' for a "
                                f"product{other}", self.peek().pos)
            return self.symbols[name]
        if call and name in FUNCTIONS:
            return self.call(tok)
        if name in CONSTANTS:
            return CONSTANTS[name]
        if call:
            if name in _BY_CASES:
                raise self.fail(f"'{name}' is not supported in a density string", tok.pos,
                                " (write a density by cases with indicators, 1 where the "
                                "comparison holds and 0 elsewhere: the zero-inflated Poisson "
                                "is 'pi*(x == 0) + (1 - pi)*exp(-lambda)*lambda**x/"
                                "factorial(x)'; in Python a SymPy Piecewise works too)")
            close = difflib.get_close_matches(name, list(FUNCTIONS), n=3)
            raise self.fail(f"unknown function '{name}'", tok.pos, _did_you_mean(close))
        if self.allow_undeclared:
            return sp.Symbol(name)
        close = difflib.get_close_matches(name, [str(s) for s in self.symbols], n=3)
        hint = _did_you_mean(close)
        if not hint and name in FUNCTIONS:
            hint = f" ('{name}' is a function: write {name}(...))"
        message = f"unknown name '{name}' at position {tok.pos}{hint}"
        if self.where:
            message = f"{self.where}: {message}"
        if len(self.text) <= 200 and "\n" not in self.text:
            message = f"{message}\n{caret(self.text, tok.pos)}"
        error = UnknownNameError(message, where=self.where)
        error.text, error.position = self.text, tok.pos  # type: ignore[attr-defined]
        raise error

    def call(self, tok: Token) -> sp.Expr:
        self.take()  # "("
        args: list[sp.Expr] = []
        if self.peek().is_op(")"):
            self.take()
        else:
            while True:
                args.append(self.expression())
                if len(args) > MAX_MINMAX_ARGS and FUNCTIONS[tok.text][0] in (sp.Min, sp.Max):
                    raise self.fail(f"{tok.text}() of more than {MAX_MINMAX_ARGS} values", tok.pos)
                if self.expect(",", ")").text == ")":
                    break
        return self.apply(tok.text, args, tok)

    def apply(self, name: str, args: list[sp.Expr], tok: Token) -> sp.Expr:
        fn, lo, hi = FUNCTIONS[name]
        if len(args) < lo or (hi is not None and len(args) > hi):
            count = str(lo) if lo == hi else f"{lo} or {hi}" if hi else f"at least {lo}"
            raise self.fail(f"{name}() takes {count} argument{'s' * (count != '1')}, "
                            f"got {len(args)}", tok.pos)
        limit = _ARG_LIMIT.get(name)
        if limit is not None:
            sizes = [_magnitude(arg) for arg in args]
            if max(sizes) > limit:
                raise self.fail(f"number too large for {name}()", tok.pos)
            if limit == MAX_FACTORIAL:  # SymPy evaluates these exactly: bound the total work
                self.work += math.prod(1 + m for m in sizes) if name == "polygamma" else sum(sizes)
                if self.work > MAX_SPECIAL_WORK:
                    raise self.fail("too much exact arithmetic (factorials, gamma functions) in "
                                    "one input", tok.pos)
        if (name == "binomial" and args[0].is_number and not args[0].is_Rational
                and _magnitude(args[1]) > MAX_BINOMIAL_TERMS):  # SymPy expands a polynomial
            raise self.fail(f"binomial() of an irrational number with over {MAX_BINOMIAL_TERMS} "
                            "terms", tok.pos)
        if fn in (sp.Min, sp.Max) and sum(len(a.args) if isinstance(a, fn) else 1
                                          for a in args) > MAX_MINMAX_ARGS:
            raise self.fail(f"{name}() of more than {MAX_MINMAX_ARGS} values", tok.pos)
        if name == "polygamma" and args[0].is_number and not (
                args[0].is_Integer and 0 <= args[0] <= MAX_POLYGAMMA_ORDER):
            raise self.fail(f"the order of polygamma() must be an integer from 0 to "
                            f"{MAX_POLYGAMMA_ORDER}", tok.pos)
        if name == "sqrt":
            return self.power(args[0], sp.S.Half, tok)
        return self.checked(fn(*args), tok)


def _did_you_mean(close: list[str]) -> str:
    return f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""


def parse_expression(text: str, symbols: Mapping[str, sp.Symbol], *, where: str = "density",
                     allow_undeclared: bool = False, indicators: bool = False) -> sp.Expr:
    """Parse an arithmetic expression into SymPy without evaluating any code.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"theta*x^(theta-1)"``. Operators ``+ - * / ** ^ !``, whitelisted
        functions (exp, log, gamma, ...) and constants (pi, E, e, oo); Greek letters allowed.
    symbols : Mapping[str, sympy.Symbol]
        Declared names; they win over function and constant names (``gamma``, ``E``, ``pi``).
    where : str
        What is being parsed, used as the prefix of error messages.
    allow_undeclared : bool
        Turn unknown names into plain symbols instead of raising ModelSpecError.
    indicators : bool
        Read a comparison in parentheses, ``(x == 0)``, ``(x >= 1)``, ``(0 < x < 1)``, as an
        indicator: a Piecewise that is 1 where it holds and 0 elsewhere (for densities).

    Returns
    -------
    sympy.Expr

    Raises
    ------
    ParseError
        The text is not in the grammar or is too large; carries ``text`` and ``position``.
    UnknownNameError
        An undeclared name (a :class:`~symmle.errors.ModelSpecError`, with close matches
        among the declared names).

    Examples
    --------
    >>> theta, x = sp.symbols("theta x", positive=True)
    >>> parse_expression("θ*x^(θ-1)", {"theta": theta, "x": x})
    theta*x**(theta - 1)
    >>> parse_expression("0.5*x!", {"x": x})
    factorial(x)/2
    """
    return _guarded(text, where, lambda: _Parser(
        text, tokenize(text, where, strict=False), symbols, where, allow_undeclared,
        indicators=indicators).parse_all())


def names_in(text: str, where: str = "density") -> list[str]:
    """Names used as values in ``text`` (not called, not pi/E/e/oo/inf/infinity), in order.

    Examples
    --------
    >>> names_in("exp(-lam)*lam**x/factorial(x)")
    ['lam', 'x']
    """
    tokens = tokenize(text, where)
    out: list[str] = []
    for tok, nxt in zip(tokens, tokens[1:]):
        if (tok.kind == "name" and not nxt.is_op("(") and tok.text not in CONSTANTS
                and tok.text not in out):
            out.append(tok.text)
    return out


def _interval(parser: _Parser) -> tuple[sp.Expr, sp.Expr, bool, bool]:
    """``(a, b)``, ``[a, b]``, ``(a, b]``, ``[a, b)`` from the parser's tokens."""
    first = parser.expect("(", "[")
    lower = parser.bound()
    parser.expect(",")
    upper_tok = parser.peek()
    upper = parser.bound()
    last = parser.expect(")", "]")
    parser.expect_end()
    _check_order(parser, lower, upper, upper_tok)
    return lower, upper, first.text == "(" or lower == -sp.oo, last.text == ")" or upper == sp.oo


def _check_order(parser: _Parser, lower: sp.Expr, upper: sp.Expr, tok: Token) -> None:
    if lower == sp.oo or upper == -sp.oo or (upper - lower).is_extended_nonpositive:
        raise parser.fail(f"empty range: the upper bound {upper} is not above the lower bound "
                          f"{lower}", tok.pos)


_DOMAIN_WORDS = {
    **dict.fromkeys(("real", "reals", "r"), Domain.real()),
    **dict.fromkeys(("positive", "pos", ">0"), Domain.positive()),
    **dict.fromkeys(("nonnegative", "non-negative", ">=0", "≥0"), Domain.nonnegative()),
    "negative": Domain(-sp.oo, sp.Integer(0), True, True),
    "nonpositive": Domain(-sp.oo, sp.Integer(0), True, False),
    **dict.fromkeys(("integer", "integers"), Domain(integer=True)),
    **dict.fromkeys(("positive integer", "positive_integer", "posint", "natural"),
                    Domain.positive_integer()),
    **dict.fromkeys(("nonnegative integer", "nonnegative_integer"),
                    Domain(sp.Integer(0), sp.oo, False, True, integer=True)),
}
_DOMAIN_FORMS = ("real/reals/R, positive/pos/>0, nonnegative/>=0, negative, nonpositive, integer, "
                 "positive integer/posint/natural, nonnegative integer, or an interval such as "
                 "(0, 1), [0, 1], (0, 1], [0, oo), (a, b)")


def parse_domain(text: str, symbols: Mapping[str, sp.Symbol] | None = None,
                 where: str = "domain") -> Domain:
    """Parse a parameter's domain: a word (``positive``, ``integer``, ...) or an interval.

    Examples
    --------
    >>> parse_domain("positive") == Domain.positive()
    True
    >>> parse_domain("(0, 1]")
    Domain(lower=0, upper=1, left_open=True, right_open=False, integer=False)
    """
    return _guarded(text, where, lambda: _domain(text, symbols or {}, where))


def _domain(text: str, symbols: Mapping[str, sp.Symbol], where: str) -> Domain:
    tokens = tokenize(text, where, strict=False)
    words = " ".join(text.split()).lower()
    for key in (words, words.replace(" ", "")):
        if key in _DOMAIN_WORDS:
            return _DOMAIN_WORDS[key]
    if not tokens[0].is_op("(", "["):
        raise _fail(f"unknown domain {text.strip()!r}; accepted: {_DOMAIN_FORMS}", text,
                    tokens[0].pos, where)
    return Domain(*_interval(_Parser(text, tokens, symbols, where)))


_SUPPORT_WORDS = {
    **dict.fromkeys(("real", "reals", "r"), Support.interval()),
    "positive": Support.interval(0, sp.oo, True, True),
    "nonnegative": Support.interval(0, sp.oo, False, True),
    **dict.fromkeys(("nonnegative integers", "naturals0"), Support.integers(0)),
    **dict.fromkeys(("positive integers", "naturals"), Support.integers(1)),
}


def _listing(text: str, var: str) -> str:
    """``x = 0, 1, 2, ...`` is the set ``{0, 1, 2, ...}`` (an error then shows the set)."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return text
    listed = re.fullmatch(rf"\s*{re.escape(var)}\s*=\s*([^=<>{{}}]*,[^=<>{{}}]*)", text)
    return "{" + listed.group(1) + "}" if listed else text


def support_names(text: str, var: str) -> list[str]:
    """Names used in a support, without its words (``real``, ``x positive``, ``nonnegative
    integers``) and the ``in`` of ``x in (0, theta)``: with the parameters inferred, these are
    not parameters.

    Examples
    --------
    >>> support_names("x in (0, theta)", "x"), support_names("x real", "x")
    (['x', 'theta'], [])
    """
    text = _listing(text, var)
    words = " ".join(text.split()).lower()
    for prefix in (f"{var.lower()} in ", f"{var.lower()} ∈ ", f"{var.lower()} "):
        if words.startswith(prefix) and words[len(prefix):] in _SUPPORT_WORDS:
            return []
    if words in _SUPPORT_WORDS:
        return []
    names = names_in(text, "support")
    if len(names) > 1 and names[0] == var and names[1] == "in":
        names.pop(1)
    return names


def parse_support(text: str, var: str, symbols: Mapping[str, sp.Symbol]) -> Support:
    """Parse where the density of ``var`` is positive.

    Accepted: inequality chains (``0 < x < 1``, ``x >= theta``, ``1 > x > 0``), intervals
    (``x in (0, 1)``, ``[0, oo)``), sets (``{0, 1}``, ``{0, 1, 2, ...}``, ``{0, 1, ..., n}``,
    also listed as ``x = 0, 1, 2, ...``) and the words real, positive, nonnegative, nonnegative integers, positive integers.
    ``symbols`` holds the parameters and constants the bounds may use (not ``var``).

    Examples
    --------
    >>> theta = sp.Symbol("theta", positive=True)
    >>> parse_support("-theta <= x <= theta", "x", {"theta": theta}).describe("x")
    '-theta <= x <= theta'
    >>> parse_support("{0, 1, ..., n}", "x", {"n": sp.Symbol("n")}).describe("x")
    'x in {0, 1, ..., n}'
    """
    return _guarded(text, "support", lambda: _support(text, var, symbols))


def _support(text: str, var: str, symbols: Mapping[str, sp.Symbol]) -> Support:
    where = "support"
    text = _listing(text, var)
    tokens = tokenize(text, where, strict=False)
    words = " ".join(text.split()).lower()
    for prefix in (f"{var.lower()} in ", f"{var.lower()} ∈ "):
        words = words[len(prefix):] if words.startswith(prefix) else words
    if words.startswith(f"{var.lower()} ") and words[len(var) + 1:] in _SUPPORT_WORDS:
        words = words[len(var) + 1:]  # "y real", "x positive"
    if words in _SUPPORT_WORDS:
        return _SUPPORT_WORDS[words]
    parser = _Parser(text, tokens, symbols, where, forbidden=var)
    if tokens[0].kind == "name" and tokens[0].text == var and tokens[1].text == "in":
        parser.i = 2
        return _support_set(parser) if tokens[2].is_op("{") else Support.interval(
            *_interval(parser))
    depth, chain = 0, False
    for tok in tokens:
        depth += tok.is_op("(", "[", "{") - tok.is_op(")", "]", "}")
        chain = chain or (depth == 0 and tok.is_op(*_COMPARISONS))
    if not chain and tokens[0].is_op("{"):
        return _support_set(parser)
    if not chain and tokens[0].is_op("(", "["):
        return Support.interval(*_interval(parser))
    if not chain:
        raise _fail(f"cannot read the support {text.strip()!r}; write e.g. '0 < {var} < 1', "
                    f"'{var} > 0', '{var} in [0, oo)', '{{0, 1, 2, ...}}' or '{{0, 1, ..., n}}'",
                    text, tokens[0].pos, where)
    absolute = _absolute_support(parser, tokens, var)
    return absolute if absolute is not None else _support_chain(parser, var)


def _absolute_support(parser: _Parser, tokens: list[Token], var: str) -> Support | None:
    """``abs(x) < b`` (``|x| < θ`` as textbooks write it, or ``b > abs(x)``; the LaTeX reader
    gives ``(abs(x)) < b``) is the interval −b < x < b; ``None`` when the support is not of
    that form."""
    def width(k: int) -> int:  # tokens of abs(x) or (abs(x)) starting at token k, or 0
        for paren in (0, 1):
            j = k + paren
            if (k >= 0 and len(tokens) > j + 3 + paren
                    and (not paren or (tokens[k].is_op("(") and tokens[j + 4].is_op(")")))
                    and tokens[j].kind == "name" and tokens[j].text in ("abs", "Abs")
                    and tokens[j + 1].is_op("(") and tokens[j + 2].kind == "name"
                    and tokens[j + 2].text == var and tokens[j + 3].is_op(")")):
                return 4 + 2 * paren
        return 0
    last = len(tokens) - 1  # the end token
    front = width(0)
    back = next((w for w in (4, 6) if width(last - w) == w), 0)
    if front and tokens[front].is_op("<", "<="):
        op = tokens[front]
        parser.i = front + 1
    elif back and tokens[last - back - 1].is_op(">", ">="):
        op = tokens[last - back - 1]
        parser.tokens = tokens[:last - back - 1] + tokens[last:]  # the bound, then the end
    elif (front and tokens[front].is_op(">", ">=")) or (
            back and tokens[last - back - 1].is_op("<", "<=")):
        where = tokens[front] if front and tokens[front].is_op(">", ">=") else tokens[
            last - back - 1]
        raise parser.fail(f"|{var}| > b is two intervals ({var} < -b or {var} > b); a support "
                          f"is one interval or a set of values", where.pos)
    else:
        return None
    bound = parser.bound()
    parser.expect_end()
    _check_order(parser, -bound, bound, op)
    strict = op.text in ("<", ">")
    return Support.interval(-bound, bound, strict or bound == sp.oo, strict or bound == sp.oo)


def _support_chain(parser: _Parser, var: str) -> Support:
    parts: list[tuple[sp.Expr | None, Token]] = []  # None marks the variable
    ops: list[Token] = []
    while True:
        tok = parser.peek()
        nxt = parser.peek(1)
        if tok.kind == "name" and tok.text == var and (nxt.kind == "end"
                                                        or nxt.is_op(*_COMPARISONS)):
            parser.take()
            parts.append((None, tok))
        else:
            parts.append((parser.bound(), tok))
        if parser.peek().kind == "end":
            break
        ops.append(parser.expect(*_COMPARISONS))
    if len(ops) > 2:
        raise parser.fail("at most two comparisons are allowed (a < x < b)", ops[2].pos)
    directions = {op.text[0] for op in ops}
    if len(directions) > 1:
        raise parser.fail("the chain mixes '<' and '>'", ops[1].pos)
    at_var = [k for k, (e, _) in enumerate(parts) if e is None]
    if not at_var:
        raise parser.fail(f"the chain does not mention the variable '{var}'", parts[0][1].pos)
    if len(at_var) > 1:
        raise parser.fail(f"the variable '{var}' appears twice", parts[at_var[1]][1].pos)
    strict = [op.text in ("<", ">") for op in ops]
    first_tok = parts[0][1]
    if ops[0].text[0] == ">":
        parts, strict = parts[::-1], strict[::-1]
    k = parts.index(next(p for p in parts if p[0] is None))
    if len(parts) == 3 and k != 1:
        raise parser.fail(f"'{var}' must be between the two bounds", parts[k][1].pos)
    lower = parts[k - 1][0] if k > 0 else -sp.oo
    upper = parts[k + 1][0] if k + 1 < len(parts) else sp.oo
    left_open = strict[k - 1] if k > 0 else True
    right_open = strict[k] if k < len(strict) else True
    assert lower is not None and upper is not None
    _check_order(parser, lower, upper, first_tok)
    return Support.interval(lower, upper, left_open or lower == -sp.oo,
                            right_open or upper == sp.oo)


def _support_set(parser: _Parser) -> Support:
    """``{0, 1}``, ``{0, 1, 2, ...}``, ``{0, 1, ..., n}``."""
    parser.expect("{")
    items: list[sp.Expr | None] = []  # None marks "..."
    toks: list[Token] = []
    while True:
        toks.append(parser.peek())
        if parser.peek().is_op("..."):
            parser.take()
            items.append(None)
        else:
            items.append(parser.bound())
        if parser.expect(",", "}").text == "}":
            break
    parser.expect_end()
    if None not in items:
        return Support.finite(items)
    dots = items.index(None)
    head = items[:dots]
    if dots == 0 or len(items) - dots > 2 or None in items[dots + 1:]:
        raise parser.fail("write '...' after the first values, e.g. {0, 1, 2, ...} or "
                          "{0, 1, ..., n}", toks[dots].pos)
    for k in range(len(head) - 1):
        if head[k + 1] - head[k] != 1:  # type: ignore[operator]
            raise parser.fail("a set with '...' must list consecutive integers", toks[k + 1].pos)
    first = head[0]
    assert first is not None
    if first.is_number and not first.is_integer:
        raise parser.fail("a set with '...' must start at an integer", toks[0].pos)
    if dots == len(items) - 1:
        return Support.integers(first)
    last = items[-1]
    assert last is not None and head[-1] is not None
    if last.is_number and not last.is_integer:
        raise parser.fail("the last value must be an integer", toks[-1].pos)
    if (last - head[-1]).is_extended_negative:
        raise parser.fail(f"empty range: {last} is below {head[-1]}", toks[-1].pos)
    return Support.integers(first, last)


def parse_assignment(text: str, where: str = "assignment") -> tuple[str, str | None]:
    """Split a command-line spec ``name``, ``name:domain`` or ``name=value``.

    The name is checked (and Greek letters mapped); the value is returned as typed.

    Examples
    --------
    >>> parse_assignment("θ:positive")
    ('theta', 'positive')
    >>> parse_assignment("mu=1.5")
    ('mu', '1.5')
    """
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        raise ParseError("expected a short string such as 'theta:positive'", where=where)
    cut = min((k for k in (text.find(":"), text.find("=")) if k >= 0), default=len(text))
    tokens = tokenize(text[:cut], where)
    if len(tokens) != 2 or tokens[0].kind != "name":
        pos = tokens[1].pos if tokens[0].kind == "name" else tokens[0].pos
        raise _fail("expected a name, e.g. 'theta', 'theta:positive' or 'mu=1.5'", text, pos,
                    where)
    if cut == len(text):
        return tokens[0].text, None
    value = text[cut + 1:].strip()
    if not value:
        raise _fail(f"missing value after '{text[cut]}'", text, cut + 1, where)
    return tokens[0].text, value
