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

A claimed Fisher information can also be a matrix (:func:`fisher_claims`): ``[[a, b], [c, d]]``
in plain syntax, ``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` (or ``bmatrix``) in LaTeX,
whose cells are read like any claim.

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
from typing import Any, Mapping, Sequence

import sympy as sp
from sympy import Sum

from . import parsing
from .claims_latex import _GREEK, _fail, is_latex, latex_matrix, latex_to_plain
from .claims_lhs import as_standard_error, spread_name
from .errors import ModelSpecError, ParseError
from .notation import I, N, median_statistic, order_statistics

__all__ = ["parse_claim", "claims_by_parameter", "fisher_claims", "latex_to_plain",
           "split_assignment", "is_latex", "MAX_LENGTH", "strip_trailing",
           "drop_additive_constant", "drop_equals_zero", "split_chain", "lhs_is_name",
           "is_definition"]

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


def split_chain(text: str) -> list[str]:
    """The parts of ``A = B = C`` between its top-level ``=`` (``<=``, ``>=``, ``!=`` and
    ``==`` excepted); one part when there is none.

    Examples
    --------
    >>> split_chain(r"\\hat\\theta = X_{(n)} = \\max_i X_i")
    ['\\\\hat\\\\theta ', ' X_{(n)} ', ' \\\\max_i X_i']
    """
    parts, depth, start = [], 0, 0
    for j, ch in enumerate(text):
        depth += ch in "({["
        depth -= ch in ")}]"
        if ch == "=" and depth == 0 and text[j - 1:j] not in ("<", ">", "!", "=") \
                and text[j + 1:j + 2] != "=":
            parts.append(text[start:j])
            start = j + 1
    parts.append(text[start:])
    return parts


def lhs_is_name(text: str) -> bool:
    """Whether ``text`` is the left-hand side of a claim (``\\hat\\theta``, ``\\ell(\\theta)``,
    ``I(\\lambda)``): only name characters and known commands."""
    return bool(text.strip()) and _lhs_ok(text)


_DEFINITION_COMMANDS = {"partial", "frac", "dfrac", "tfrac", "left", "right", "ell", "log",
                        "ln", "mathbb", "mathrm", "operatorname", "mid", "big", "Big", "bigl",
                        "bigr", "Bigl", "Bigr", ",", ";", "!", " ", "prime", "ddot", "text",
                        *_GREEK}
# a second derivative: \partial^2, \ell''(θ), \ell^{\prime\prime}, \ddot\ell, d^2/dθ^2
_SECOND = re.compile(r"\\partial|''|\\prime\s*\\prime|\\ddot|(?:\\mathrm\s*\{\s*d\s*\}|"
                     r"\\text\s*\{\s*d\s*\}|\bd)\s*\^\s*\{?\s*2")
# the name of a log-likelihood (\log L(\theta, x), \ln\mathcal{L}, \ell(\theta \mid x)) or of
# the information of n observations (n I(\theta), n\mathcal{I}_1(\theta))
_LOG_NAME = re.compile(r"(\\log|\\ln)\s*(L|\\mathcal\s*\{?\s*L\s*\}?)\s*(\(.*\))?|"
                       r"(\\ell|l)\s*\(.*\)|n\s*(\\cdot\s*)?(I|\\mathcal\s*\{\s*I\s*\})\s*"
                       r"(_\s*\{?\s*1\s*\}?)?\s*(\\left\s*)?\(.*\)", re.S)
_DEFINITION = re.compile(r"-?\s*(\\mathbb\s*\{?\s*E\s*\}?|\\operatorname\s*\{\s*E\s*\}|"
                         r"\\mathrm\s*\{\s*E\s*\}|E)\s*(_\s*\{?[^{}]*\}?)?\s*(\\[,;:!]\s*)*"
                         r"(\\left|\\big|"
                         r"\\Big|\\bigl|\\Bigl)?\s*[\[(]", re.S)


def is_definition(text: str) -> bool:
    """Whether a part of a chain of equalities is the definition a person writes before the
    value, ``-E\\left[\\frac{\\partial^2 \\ell}{\\partial\\lambda^2}\\right]``,
    ``-E[\\ell''(\\theta)]`` (an expectation of second derivatives), or the name of a spread,
    ``\\sqrt{\\operatorname{Var}(\\hat\\theta)}``: it is skipped, not judged; only the listed
    commands may appear in it."""
    body = text.strip().strip("$ ")
    if spread_name(body) is not None or _LOG_NAME.fullmatch(body):  # the name of a quantity
        return bool(_LHS_CHARS.fullmatch(body)) and all(
            m.group(1) in _LHS_COMMANDS for m in re.finditer(r"\\([A-Za-z]+|.)", body))
    if not _DEFINITION.match(body) or not _SECOND.search(body):
        return False
    return all(m.group(1) in _DEFINITION_COMMANDS
               for m in re.finditer(r"\\([A-Za-z]+|.)", body))


class _ClaimParser(parsing._Parser):
    """The whitelist parser with sample notation (sum, prod, x[i], xbar, max, min)."""

    def __init__(self, text: str, tokens: list, symbols: Mapping[str, sp.Expr], where: str,
                 var: sp.Symbol, obs: sp.Expr, stats: tuple[sp.Symbol, sp.Symbol],
                 covariates: Sequence[sp.Symbol] = ()) -> None:
        super().__init__(text, tokens, symbols, where)
        self.var, self.obs, self.stats = var, obs, stats
        self.median = symbols[f"{var.name}_med"]
        # the observation and the covariates of a conditional model (x[i] beside y[i])
        self.bases = {var.name: obs, **{c.name: sp.IndexedBase(c.name)[I] for c in covariates}}
        self.plain = {obs: var, **{sp.IndexedBase(c.name)[I]: c for c in covariates}}

    def name(self, tok: parsing.Token) -> sp.Expr:
        name, call = tok.text, self.peek().is_op("(")
        if name in self.bases and self.peek().is_op("["):
            self.take()
            idx = self.take()
            if idx.text not in ("i", "j", "k"):
                raise self.fail("the observation index must be i", idx.pos)
            self.expect("]")
            return self.bases[name]
        if call and name in ("sum", "Sum", "prod", "Prod", "product", "Product", "mean",
                             "max", "Max", "min", "Min", "median"):
            return self.sample_call(tok)
        if call and name in ("maxover", "minover"):
            return self.extreme_over(tok)
        if call and name in ("ind_le", "ind_lt"):  # from \\mathbb{1}\\{a \\le b\\}
            self.take()
            a = self.expression()
            self.expect(",")
            b = self.expression()
            self.expect(")")
            if any(e.has(self.obs) or e.has(self.var) for e in (a, b)):
                v = self.var.name
                raise self.fail(f"an indicator of each observation: write it with the order "
                                f"statistics, as in \\mathbb{{1}}\\{{{v}_{{(1)}} > 0\\}}", tok.pos)
            rel = sp.Le(a, b, evaluate=False) if name == "ind_le" else sp.Lt(a, b,
                                                                              evaluate=False)
            return sp.Piecewise((sp.Integer(1), rel), (sp.Integer(0), True))
        return super().name(tok)

    def extreme_over(self, tok: parsing.Token) -> sp.Expr:
        """``maxover(h(x_i))``, from ``\\max_i h(x_i)``: the largest h(x_i) through the order
        statistics, where that is exact: h monotone on the support (h(x_(n)) or h(x_(1))) or,
        for the maximum, h convex (|x_i − μ|, (x_i − μ)²: the larger of the two ends)."""
        self.take()  # "("
        body = self.expression()
        self.expect(")")
        t = sp.Dummy("t", **self.var.assumptions0)
        h = body.xreplace({self.obs: t, self.var: t})
        if h.has(self.obs) or h.atoms(Sum) or not h.has(t):
            raise self.fail(f"\\max_i and \\min_i take a function of one observation "
                            f"{self.var.name}_i", tok.pos)
        lo, hi = self.stats
        at = lambda v: h.xreplace({t: v})  # noqa: E731
        want_max = tok.text == "maxover"
        slope = sp.diff(h, t)
        if slope.is_nonnegative or slope.is_nonpositive:
            up = bool(slope.is_nonnegative)
            return at(hi) if up == want_max else at(lo)
        if want_max and _convex(h, t):
            return sp.Max(at(lo), at(hi))
        what = "largest" if want_max else "smallest"
        raise self.fail(f"the {what} of {h.xreplace({t: self.obs})} over the sample is not "
                        f"an order statistic symmle can write; give it in terms of "
                        f"{self.var.name}_{{(1)}} and {self.var.name}_{{(n)}}", tok.pos)

    def sample_call(self, tok: parsing.Token) -> sp.Expr:
        self.take()  # "("
        name = tok.text.lower()
        if name in ("max", "min", "mean", "median"):
            start = self.peek()
            if start.kind == "name" and start.text in self.bases and start.text != self.var.name \
                    and name == "mean" and self.peek(1).is_op(")"):  # mean(x) of a covariate
                self.take()
                self.take()
                return Sum(self.bases[start.text], (I, 1, N)) / N
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
        for obs, plain in self.plain.items():  # a bare x inside the sum is x[i]
            hold = sp.Dummy("obs")
            body = body.xreplace({obs: hold}).xreplace({plain: hold}).xreplace({hold: obs})
        if name.startswith("prod"):
            return sp.exp(Sum(sp.log(body), (I, 1, N)))
        return Sum(body, (I, 1, N))


def _convex(h: sp.Expr, t: sp.Symbol) -> bool:
    """Whether ``h`` is proven convex in ``t``: |a·t + b|, or a second derivative ≥ 0."""
    if isinstance(h, sp.Abs):
        inner = h.args[0]
        return inner.is_polynomial(t) and sp.degree(inner, t) == 1
    if isinstance(h, sp.Pow) and isinstance(h.base, sp.Abs) and h.exp.is_number \
            and h.exp >= 1:
        return _convex(h.base, t)
    curv = sp.diff(h, t, 2)
    return bool(curv.is_nonnegative)


def _plain_names(text: str, var: str, declared: Sequence[str] = (),
                 covariates: bool = False) -> str:
    """Spellings of the plain syntax that the tokenizer sees as one name; ``S^2`` (``s**2``)
    is the sample variance, divisor n − 1, unless ``s``/``S`` is a name of the model."""
    text = re.sub(rf"\b{re.escape(var)}_\(n\)", f"{var}_max", text)
    text = re.sub(rf"\b{re.escape(var)}_\(1\)", f"{var}_min", text)
    if len(var) == 1 and not covariates:
        text = re.sub(r"(?<![A-Za-z0-9_])([sS])\s*(?:\^|\*\*)\s*2(?![0-9.])",
                      lambda m: m.group() if m.group(1) in declared else
                      f"(sum(({var}[i] - {var}bar)**2)/(n - 1))", text)
    return text


_LHS_COMMANDS = {"hat", "widehat", "ell", "partial", "frac", "dfrac", "mathcal", "mathrm",
                 "dot", "mathbf", "boldsymbol", "bm", "tfrac", "mathit",
                 "log", "ln", "left", "right", "prime", "operatorname", "text", "nabla", "mid",
                 "max", "arg", "operatorname", ",", ";", "!", " ", "sqrt", "mathbb", "textrm",
                 "rm", "bf", "mathsf", "vec", "underline", "cdot", *_GREEK}
_LHS_CHARS = re.compile(r"[A-Za-z0-9\\{}()\[\]_^,'\s|;:/.]*")


def _check_lhs(lhs: str, text: str, where: str) -> None:
    """The left-hand side of ``LHS = claim`` is a name (``\\hat\\theta``, ``\\ell(\\theta)``,
    ``S(p)``, ``\\frac{\\partial\\ell}{\\partial\\mu}``, ``\\mathrm{d}\\ell/\\mathrm{d}\\theta``),
    or a definition (``-E[\\ell''(\\theta)]``, :func:`is_definition`); anything else is
    refused."""
    if len(lhs) <= 200 and is_definition(lhs):
        return
    if len(lhs) > 200 or not _LHS_CHARS.fullmatch(lhs.strip("$ ")):
        raise _fail(f"the left-hand side '{lhs[:40]}' is not a name; write only the "
                    "expression", text, 0, where)
    for m in re.finditer(r"\\([A-Za-z]+|.)", lhs):
        if m.group(1) not in _LHS_COMMANDS:
            raise _fail(f"the LaTeX command '\\{m.group(1)}' is not supported", text,
                        m.start(), where)


_PUNCTUATION = re.compile(r"(\s|\\[,;:! ]|\\q?quad(?![A-Za-z])|[.,;]|\$)+$")
_TRAILING = re.compile(r"(\s|\\[,;:! ]|\\q?quad(?![A-Za-z])|[.,;]|\$|"
                       r"\\(?:text|mathrm|textrm)\s*\{[A-Za-z ().:-]*\})+$")


def strip_trailing(text: str) -> str:
    """A claim without what ends a sentence or annotates it: a final ``.`` or ``,``, spacing,
    ``\\quad\\text{(MLE)}``. Only plain words may be in such a ``\\text``; anything else
    stays, to be refused by the translator with its position.

    Examples
    --------
    >>> strip_trailing(r"\\frac{1}{\\bar x} \\, .")
    '\\\\frac{1}{\\\\bar x}'
    >>> strip_trailing(r"1/\\bar x \\quad\\text{(MLE)}")
    '1/\\\\bar x'
    """
    out = _TRAILING.sub("", text)
    return out if out.strip() else text


_CONSTANT = re.compile(r"\s*\+\s*(?:([A-Za-z])|\\(?:text|mathrm|textrm|operatorname)\s*"
                       r"\{\s*(?:const\.?|constant|cst)\s*\}|const\.?)\s*$")


def drop_additive_constant(text: str, names: Sequence[str]) -> tuple[str, bool]:
    """A log-likelihood's final ``+ C`` (``+ c``, ``+ \\text{const}``): a constant written
    as such, dropped (the claim is then judged up to a constant). A letter that names a
    parameter or a known constant of the model is kept.

    Examples
    --------
    >>> drop_additive_constant(r"n\\log\\lambda - \\lambda\\sum x_i + C", ["lambda"])
    ('n\\\\log\\\\lambda - \\\\lambda\\\\sum x_i', True)
    """
    body = _PUNCTUATION.sub("", text)
    m = _CONSTANT.search(body)
    if m is None or (m.group(1) and (m.group(1) in names or m.group(1) in "nxei")) \
            or not body[:m.start()].strip():
        return text, False
    return body[:m.start()], True


def drop_equals_zero(text: str) -> str:
    """A score written as its equation, ``... = 0``: the score, the left-hand side."""
    m = re.search(r"=\s*0\s*[.,]?\s*\$?\s*$", text)
    if m is None or not text[:m.start()].strip():
        return text
    return text[:m.start()].rstrip() + ("$" if text.lstrip().startswith("$") else "")


def _lhs_ok(lhs: str) -> bool:
    """Whether ``lhs`` passes :func:`_check_lhs` (only known commands and name characters)."""
    try:
        _check_lhs(lhs, lhs, "claim")
    except ParseError:
        return False
    return True


def parse_claim(text: str, params: Sequence[sp.Symbol], var: sp.Symbol,
                known: Sequence[sp.Symbol] = (), *, where: str = "claim",
                order_stats: tuple[sp.Symbol, sp.Symbol] | None = None,
                median: sp.Symbol | None = None,
                covariates: Sequence[sp.Symbol] = (),
                latex_names: Mapping[sp.Symbol, str] | None = None,
                sample_names: Mapping[str, sp.Expr] | None = None) -> sp.Expr:
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
    covariates
        The covariates of a conditional model f(y | x, θ): ``x_i``, ``x[i]``, ``\\bar x``,
        ``xbar`` and ``mean(x)`` are read for each as for the observation (inside sums).
    latex_names
        The parameters' LaTeX names where they differ from their own (``b1`` written
        ``\\beta_{1}``): ``\\hat\\beta_1`` and ``beta1`` then name ``b1`` too.
    sample_names
        More names of sample quantities, in sample notation: the counts ``n0``, ``n_0`` of a
        finite support (:func:`symmle.counts.count_statistics`); a parameter or known
        constant of the same name keeps it.

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
    lhs, rhs = split_assignment(strip_trailing(text))
    if lhs is not None:
        _check_lhs(lhs, text, where)
    if not rhs.strip():
        raise ParseError("empty claim", where=where)
    others = tuple(c.name for c in covariates)
    declared = tuple(s.name for s in (*params, *known))
    plain = (latex_to_plain(rhs, var.name, where, others, declared) if is_latex(rhs)
             else _plain_names(rhs, var.name, declared, bool(covariates)))
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
    for c in covariates:
        cobs = sp.IndexedBase(c.name)[I]
        symbols.update({f"{c.name}{alias}": Sum(cobs, (I, 1, N)) / N
                        for alias in ("bar", "_bar", "mean")})
        symbols.update({f"{c.name}_i": cobs, c.name: c})
    symbols.update({f"{var.name}_max": stats[1], f"{var.name}_min": stats[0],
                    f"{var.name}_med": median or median_statistic(var),
                    f"{var.name}_i": obs, var.name: var})
    for k, v in (sample_names or {}).items():
        symbols.setdefault(k, v)
    for s, tex in (latex_names or {}).items():  # b1 written as \beta_1
        try:
            alias = latex_to_plain(tex, var.name, where)
        except ParseError:
            continue
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", alias) and alias not in symbols:
            symbols.update({alias: s, f"{alias}_hat": s, f"{alias}hat": s})
    for k, s in list(symbols.items()):  # sigma^2 written as sigma2's square root
        if k.endswith("2") and k[:-1] not in symbols and isinstance(s, sp.Symbol) \
                and s in params and s.is_positive:
            symbols[k[:-1]] = sp.sqrt(s)
            for hat in ("_hat", "hat"):  # \hat\sigma in a claim: the root of σ²'s estimate
                symbols.setdefault(f"{k[:-1]}{hat}", sp.sqrt(s))

    def build() -> sp.Expr:
        tokens = parsing.tokenize(plain, where, strict=False)
        return _ClaimParser(plain, tokens, symbols, where, var, obs, stats,
                            covariates).parse_all()

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
    for c in covariates:
        if outside.has(sp.IndexedBase(c.name)[I]) or outside.has(c):
            raise ParseError(f"the covariate {c.name}_i (or {c.name}) appears outside a sum; "
                             f"write sum({c.name}_i) or {c.name}bar", where=where)
    return expr


# -- claims per parameter ------------------------------------------------------------------------
_ESTIMATE_TAG = re.compile(r"_\s*(\{\s*(\\(text|mathrm|rm|textrm)\s*\{\s*)?(MLE|ML|mle|n)"
                           r"\s*\}?\s*\}|MLE\b|n\b)")


def _name_key(text: str) -> str:
    text = _ESTIMATE_TAG.sub("", text)  # \hat\sigma^2_{MLE}, \hat\mu_n
    for junk in ("\\hat", "\\widehat", "^{2}", "^2", "_hat", "hat", "\\", "{", "}", "$", " ",
                 "(", ")"):
        text = text.replace(junk, "")
    return text


def _param_name(lhs: str, names: list[str], aliases: Mapping[str, str] | None = None,
                ) -> str | None:
    """``\\hat\\theta``, ``\\hat{\\sigma}^2``, ``theta_hat``, ``theta`` → the parameter name;
    ``aliases`` maps a parameter's LaTeX name (``\\beta_{1}``) to its name (``b1``)."""
    key = _name_key(lhs)
    if key in names:
        return key
    if "_" in key and key.replace("_", "") in names:  # \hat p_1 for p1
        return key.replace("_", "")
    for tex, name in (aliases or {}).items():  # \beta_{1} for b1 (σ² is read below)
        if "^" not in tex and key in (_name_key(tex), _name_key(tex).replace("_", "")):
            return name
    if f"{key}2" in names and ("^2" in lhs or "^{2}" in lhs):
        return f"{key}2"
    if not _lhs_ok(lhs):
        return None
    found = set()  # \frac{\partial \ell}{\partial \sigma^2}: the parameter differentiated
    for name, square in re.findall(r"\\partial\s*\{?\s*\\?([A-Za-z]+)\s*\}?\s*(\^\s*\{?\s*2)?",
                                   lhs):
        name = name.replace("var", "", 1) if name.startswith("var") else name
        if square and f"{name}2" in names:
            found.add(f"{name}2")
        elif name in names:
            found.add(name)
    return found.pop() if len(found) == 1 else None


def _root_name(lhs: str, names: list[str]) -> str | None:
    """``\\hat\\sigma`` where the parameter is ``sigma2``: an estimate of its square root."""
    if "^" in lhs:
        return None
    key = lhs
    for junk in ("\\hat", "\\widehat", "_hat", "hat", "\\", "{", "}", "$", " ", "(", ")"):
        key = key.replace(junk, "")
    key = re.sub(r"_(MLE|ML|mle|n)$", "", key)
    return f"{key}2" if f"{key}2" in names and key not in names else None


def _squared(text: Any) -> Any:
    """The claimed MLE of √θ as one of θ, by invariance: its square."""
    if not isinstance(text, str):
        return text
    lhs, rhs = split_assignment(text)
    if is_latex(rhs):
        return f"\\left({rhs.strip().strip('$')}\\right)^{{2}}"
    return f"({rhs})**2"


def _spread_claim(value: str, names: list[str], aliases: Mapping[str, str] | None,
                  ) -> dict[str, str] | None:
    """``\\operatorname{Var}(\\hat\\theta) = v``: the standard error √v of the parameter
    named inside (each part of a chain square-rooted); ``\\mathrm{SE}(\\hat\\theta) = s``:
    ``s``. ``None`` when the left-hand side names no spread, or no parameter of several."""
    parts = split_chain(re.sub(r"\\approx(?![A-Za-z])", "=", strip_trailing(value)))
    named = spread_name(parts[0]) if len(parts) >= 2 else None
    if named is None:
        return None
    name = _param_name(named.inner, names, aliases)
    if name is None and len(names) == 1:
        name = names[0]
    if name is None:
        return None
    if not named.variance:
        return {name: " = ".join(parts)}
    return {name: " = ".join([parts[0], *(as_standard_error(q, is_latex(q) or is_latex(parts[0]))
                                          for q in parts[1:])])}


_JOINS = re.compile(r"\\q?quad(?![A-Za-z])|\\(?:text|mathrm)\s*\{\s*and\s*\}")


def _several(value: str, names: list[str], aliases: Mapping[str, str] | None,
             ) -> dict[str, str] | None:
    """``\\hat\\mu = \\bar x, \\quad \\hat\\sigma^2 = ...``: claims for several parameters
    in one text, separated by ``,``, ``;``, ``\\quad`` or ``\\text{and}`` outside brackets,
    each ``NAME = EXPR`` with a different parameter; ``None`` otherwise."""
    body = re.sub(r"\\[,;:!]", " ", value)  # spacing commands are not separators
    pieces = [q for part in _split_top(_JOINS.sub(";", body), ";")
              for q in _split_top(part, ",")]
    pieces = [q for q in pieces if q.strip().strip("$").strip()]
    if len(pieces) < 2:
        return None
    out: dict[str, str] = {}
    for piece in pieces:
        lhs, rhs = split_assignment(piece)
        name = _param_name(lhs, names, aliases) if lhs is not None else None
        if name is None or name in out or not rhs.strip():
            return None
        out[name] = rhs
    return out


def claims_by_parameter(value: str | Mapping[str, str] | None, what: str, names: list[str],
                        aliases: Mapping[str, str] | None = None) -> dict[str, str]:
    """A claim per parameter: a mapping, ``NAME=EXPR``, or (one parameter) a bare expression;
    ``aliases``: LaTeX names of parameters → their names (``\\beta_{1}`` → ``b1``).

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
            if what == "standard error" and isinstance(v, str) and spread_name(str(k)):
                out.update(_spread_claim(f"{k} = {v}", names, aliases) or {str(k): v})
                continue
            name = _param_name(str(k), names, aliases)
            root = _root_name(str(k), names) if what == "mle" and name is None else None
            if name is None and root is None:
                raise ModelSpecError(f"{what}: '{k}' is not a parameter of the model "
                                     f"({', '.join(names)})")
            if what == "standard error" and name is not None and isinstance(v, str):
                v = (_spread_claim(v, [name], None) or {name: v})[name]  # "Var(σ̂²) = ..."
            out[name or root] = v if root is None else _squared(v)
        return out
    if not isinstance(value, str):
        raise ParseError(f"{what}: expected a string, got {type(value).__name__}", where=what)
    if what == "standard error":
        spread = _spread_claim(value, names, aliases)
        if spread is not None:
            return spread
    several = _several(value, names, aliases) if len(names) > 1 else None
    if several is not None:
        return several
    parts = split_chain(value)
    if len(parts) >= 3 and lhs_is_name(parts[0]):  # NAME = A = B: the name is the first part
        name = _param_name(parts[0], names, aliases)
        if name is not None:
            return {name: value}
    lhs, rhs = split_assignment(value)
    if lhs is not None:
        name = _param_name(lhs, names, aliases)
        if name is not None:
            return {name: rhs}
        root = _root_name(lhs, names) if what == "mle" else None
        if root is not None:
            return {root: _squared(rhs)}
    if len(names) != 1:
        raise ModelSpecError(f"{what}: the model has parameters {', '.join(names)}; write "
                             f"NAME=EXPR for each")
    return {names[0]: value}


# -- the Fisher information: entries or the whole matrix -----------------------------------------
_INFO_SUBSCRIPT = re.compile(r"(?:\\mathcal\s*\{?\s*I\s*\}?|I|i|J)\s*_\s*\{([^{}]*(?:\{[^{}]*\}"
                             r"[^{}]*)*)\}\s*(?:\(.*\))?", re.S)


def _entry_name(key: str, names: list[str]) -> tuple[str, str] | None:
    """``mu`` → (mu, mu); ``mu,sigma2``, ``(\\mu, \\sigma^2)`` → (mu, sigma2), in the model's
    order (the matrix is symmetric, so ``sigma2,mu`` is the same entry)."""
    key = key.strip()
    sub = _INFO_SUBSCRIPT.fullmatch(key.strip("$ "))
    if sub is not None and _lhs_ok(key):  # I_{\mu\sigma^2}, \mathcal{I}_{\mu\mu}: the entry
        found = []
        for name, square in re.findall(r"\\?([A-Za-z]+)\s*(\^\s*\{?\s*2\s*\}?)?", sub.group(1)):
            name = name.replace("var", "", 1) if name.startswith("var") else name
            found.append(f"{name}2" if square and f"{name}2" in names else name)
        if len(found) == 2 and all(f in names for f in found):
            a, b = found
            return (a, b) if names.index(a) <= names.index(b) else (b, a)
        return None
    if "," not in key:
        name = _param_name(key, names)
        return None if name is None else (name, name)
    parts = key.strip("()[] ").split(",")
    if len(parts) != 2:
        return None
    a, b = (_param_name(q.strip(), names) for q in parts)
    if a is None or b is None:
        return None
    return (a, b) if names.index(a) <= names.index(b) else (b, a)


def _split_top(text: str, sep: str = ",") -> list[str]:
    """Split at ``sep`` outside parentheses, brackets and braces."""
    parts, depth, start = [], 0, 0
    for j, ch in enumerate(text):
        depth += ch in "({["
        depth -= ch in ")}]"
        if ch == sep and depth == 0:
            parts.append(text[start:j])
            start = j + 1
    parts.append(text[start:])
    return parts


def _text_matrix(text: str, where: str) -> list[list[str]] | None:
    """``[[a, b], [c, d]]`` as rows of cells; ``None`` when ``text`` is not a list of lists."""
    t = text.strip()
    if not (t.startswith("[") and t[1:].lstrip().startswith("[")):
        return None
    if not t.endswith("]"):
        raise ParseError("a matrix is written [[a, b], [c, d]]: expected ']' at the end",
                         where=where)
    rows = []
    for r, row in enumerate(_split_top(t[1:-1]), 1):
        row = row.strip()
        if not (row.startswith("[") and row.endswith("]")):
            raise ParseError(f"a matrix is written [[a, b], [c, d]]: row {r} is not in "
                             "brackets", where=where)
        rows.append([c.strip() for c in _split_top(row[1:-1])])
    return rows


def _cell_text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParseError(f"expected a string or a number, got {type(value).__name__}",
                         where=where)
    return str(value)


def _matrix_entries(rows: Sequence, names: list[str], where: str
                    ) -> dict[tuple[str, str], str]:
    k = len(names)
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not all(
            isinstance(r, Sequence) and not isinstance(r, str) for r in rows):
        raise ParseError("a matrix is a list of rows, each a list of entries", where=where)
    widths = [len(r) for r in rows]
    for r, w in enumerate(widths[1:], 2):
        if w != widths[0]:
            raise ModelSpecError(f"{where}: row {r} of the matrix has {w} "
                                 f"entr{'y' if w == 1 else 'ies'}, row 1 has {widths[0]}")
    shape = f"{len(rows)}×{widths[0] if rows else 0}"
    if len(rows) != k or any(w != k for w in widths):
        raise ModelSpecError(f"{where}: the Fisher information of this model is a {k}×{k} "
                             f"matrix, rows and columns in the order of its parameters "
                             f"({', '.join(names)}); yours is {shape}")
    out = {}
    for j, row in enumerate(rows):
        for c, cell in enumerate(row):
            text = _cell_text(cell, where)
            if not text.strip():
                raise ParseError(f"the entry in row {j + 1}, column {c + 1} of the matrix is "
                                 "empty", where=where)
            out[(names[j], names[c])] = text
    return out


def fisher_claims(value: object, names: list[str], var: str = "x", where: str = "fisher",
                  others: tuple[str, ...] = ()) -> tuple[dict[tuple[str, str], str], bool]:
    """The claimed Fisher information as entries ``(NAME1, NAME2) → text`` and whether it is
    a whole matrix.

    Accepted: a whole matrix (``[[a, b], [c, d]]``, ``\\begin{pmatrix} a & b \\\\ c & d
    \\end{pmatrix}`` or ``bmatrix``, a list of lists), rows and columns in the order of the
    model's parameters; entries (``NAME=EXPR`` a diagonal one, ``NAME1,NAME2=EXPR`` any, the
    same entry as ``NAME2,NAME1``; a mapping of such keys, or of ``NAME → {NAME → EXPR}``);
    a bare expression for a one-parameter model. Off-diagonal keys come back in the model's
    order. LaTeX matrix cells come back translated into plain syntax.

    Raises
    ------
    ModelSpecError
        A matrix of the wrong shape (the message names the expected shape and the order of the
        parameters), an unknown parameter, an entry given twice.
    ParseError
        A matrix that is not well formed, a LaTeX command outside the whitelist (with its
        position in the whole claim).

    Examples
    --------
    >>> fisher_claims("[[1/sigma2, 0], [0, 1/(2*sigma2^2)]]", ["mu", "sigma2"])[0]
    {('mu', 'mu'): '1/sigma2', ('mu', 'sigma2'): '0', ('sigma2', 'mu'): '0', \
('sigma2', 'sigma2'): '1/(2*sigma2^2)'}
    >>> fisher_claims(["mu=1/sigma2", "sigma2,mu=0"], ["mu", "sigma2"])
    ({('mu', 'mu'): '1/sigma2', ('mu', 'sigma2'): '0'}, False)
    """
    if value is None:
        return {}, False
    if isinstance(value, str):
        if len(value) > MAX_LENGTH:
            raise ParseError(f"input too long ({len(value)} characters; at most "
                             f"{MAX_LENGTH})", where=where)
        lhs, rhs = split_assignment(value)
        if lhs is not None and ("\\begin" in lhs or lhs.lstrip().startswith("[")):
            lhs, rhs = None, value  # the '=' is inside the matrix
        rows = (latex_matrix(rhs, var, where, others, tuple(names)) if "\\begin" in rhs
                else _text_matrix(rhs, where))
        if rows is not None:
            if lhs is not None:
                _check_lhs(lhs, value, where)
            return _matrix_entries(rows, names, where), True
        if lhs is not None:
            entry = _entry_name(lhs, names)
            if entry is not None:
                return {entry: rhs}, False
            if "," in lhs:
                raise ModelSpecError(f"{where}: '{lhs[:40]}' is not an entry of the Fisher "
                                     f"information; write NAME1,NAME2=EXPR with two of "
                                     f"{', '.join(names)}")
        if len(names) != 1:
            raise ModelSpecError(f"{where}: the model has parameters {', '.join(names)}; write "
                                 f"NAME=EXPR or NAME1,NAME2=EXPR for each entry, or the whole "
                                 f"matrix [[...], [...]] (rows and columns in that order)")
        return {(names[0], names[0]): value}, False
    if isinstance(value, Mapping):
        items: list[tuple[str, object]] = []
        for k, v in value.items():
            if isinstance(v, Mapping):
                items.extend((f"{k},{k2}", v2) for k2, v2 in v.items())
            else:
                items.append((str(k), v))
    elif isinstance(value, Sequence) and all(isinstance(v, str) for v in value) and value:
        items = []  # repeated NAME=EXPR (the command line's --fisher flags)
        for v in value:
            lhs, rhs = split_assignment(v)
            if lhs is None:
                raise ParseError(f"with several values, write NAME=EXPR or NAME1,NAME2=EXPR "
                                 f"for each ('{v[:40]}')", where=where)
            items.append((lhs, rhs))
    elif isinstance(value, Sequence):
        return _matrix_entries(value, names, where), True
    else:
        raise ParseError(f"expected a string, a mapping or a matrix, got "
                         f"{type(value).__name__}", where=where)
    out: dict[tuple[str, str], str] = {}
    for k, v in items:
        entry = _entry_name(k, names)
        if entry is None:
            raise ModelSpecError(f"{where}: '{k[:40]}' is not a parameter or an entry "
                                 f"NAME1,NAME2 of the model ({', '.join(names)})")
        if entry in out:
            raise ModelSpecError(f"{where}: the entry ({entry[0]}, {entry[1]}) is given twice "
                                 "(NAME1,NAME2 and NAME2,NAME1 are the same entry)")
        out[entry] = _cell_text(v, where)
    return out, False
