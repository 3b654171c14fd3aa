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
``\\tilde{x}``, ``median(x)``,         the sample median, ``x_med``
``x_med``
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
from .claims_latex import _GREEK, _fail, is_latex, latex_to_plain
from .errors import ModelSpecError, ParseError
from .notation import I, N, median_statistic, order_statistics

__all__ = ["parse_claim", "claims_by_parameter", "latex_to_plain", "split_assignment",
           "is_latex", "MAX_LENGTH"]

MAX_LENGTH = parsing.MAX_LENGTH

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
        self.median = symbols[f"{var.name}_med"]

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
                             "max", "Max", "min", "Min", "median"):
            return self.sample_call(tok)
        return super().name(tok)

    def sample_call(self, tok: parsing.Token) -> sp.Expr:
        self.take()  # "("
        name = tok.text.lower()
        if name in ("max", "min", "mean", "median"):
            start = self.peek()
            if start.kind == "name" and start.text == self.var.name and self.peek(1).is_op(")"):
                self.take()
                self.take()
                if name == "mean":
                    return Sum(self.obs, (I, 1, N)) / N
                if name == "median":
                    return self.median
                return self.stats[1] if name == "max" else self.stats[0]
            if name == "median":
                raise self.fail(f"write median({self.var.name}) for the sample median", tok.pos)
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
                order_stats: tuple[sp.Symbol, sp.Symbol] | None = None,
                median: sp.Symbol | None = None) -> sp.Expr:
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
    median
        The ``x_med`` symbol to use (the derivation's).

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
    Sum((x[i] - Sum(x[i], (i, 1, n))/n)**2, (i, 1, n))/n
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
                    f"{var.name}_med": median or median_statistic(var),
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
                         f"write sum({var.name}_i), {var.name}bar, max({var.name}), "
                         f"min({var.name}) or median({var.name})", where=where)
    return expr


# -- claims per parameter ------------------------------------------------------------------------
def _param_name(lhs: str, names: list[str]) -> str | None:
    """``\\hat\\theta``, ``\\hat{\\sigma}^2``, ``theta_hat``, ``theta`` → the parameter name."""
    key = lhs
    for junk in ("\\hat", "\\widehat", "^{2}", "^2", "_hat", "hat", "\\", "{", "}", "$", " ",
                 "(", ")"):
        key = key.replace(junk, "")
    if key in names:
        return key
    if f"{key}2" in names and ("^2" in lhs or "^{2}" in lhs):
        return f"{key}2"
    return None


def claims_by_parameter(value: str | Mapping[str, str] | None, what: str, names: list[str],
           ) -> dict[str, str]:
    """A claim per parameter: a mapping, ``NAME=EXPR``, or (one parameter) a bare expression.

    Examples
    --------
    >>> claims_by_parameter(r"\\hat\\sigma^2 = xbar", "mle", ["mu", "sigma2"])
    {'sigma2': 'xbar'}
    """
    if value is None:
        return {}
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            name = _param_name(str(k), names)
            if name is None:
                raise ModelSpecError(f"{what}: '{k}' is not a parameter of the model "
                                     f"({', '.join(names)})")
            out[name] = v
        return out
    if not isinstance(value, str):
        raise ParseError(f"{what}: expected a string, got {type(value).__name__}", where=what)
    lhs, rhs = split_assignment(value)
    if lhs is not None:
        name = _param_name(lhs, names)
        if name is not None:
            return {name: rhs}
    if len(names) != 1:
        raise ModelSpecError(f"{what}: the model has parameters {', '.join(names)}; write "
                             f"NAME=EXPR for each")
    return {names[0]: value}
