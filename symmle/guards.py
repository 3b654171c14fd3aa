"""Guards against hostile or mistaken input, used by :mod:`symmle.model` as it builds a model.

What a stranger types is parsed by the whitelist parser (:mod:`symmle.parsing`); what is left
for this module is what a parser cannot see:

* a likely typo among names inferred from the density (``thta`` next to ``theta``), which would
  otherwise quietly become a second parameter (:func:`refuse_typos`);
* a support that contradicts the density: zero on a stretch of it, undefined or complex at a
  point of it, at typical parameter values (:func:`check_support`);
* a SymPy expression given as a model, which can hold what no density string can: undefined
  functions whose names ``lambdify`` would paste into Python code (``Function("__import__(...)")``)
  and symbols whose names LaTeX would run (:func:`check_expression`);
* LaTeX names of symbols, which go into LaTeX output verbatim (:func:`latex_name`).

Each raises a :class:`~symmle.errors.SymmleError` subclass whose message names the place.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Sequence

import sympy as sp

from . import parsing
from .errors import DerivationTimeout, ParseError, SupportError, UnknownNameError, caret

if TYPE_CHECKING:
    from .model import Model

__all__ = ["check_expression", "check_support", "latex_name", "refuse_typos"]


MAX_FAMILY_NAME = 100      # characters of a catalog name (the longest real one has 25)
SUPPORT_CHECK_SECONDS = 0.5
_CONVENTIONAL = set(parsing.GREEK.values()) | {"loc", "scale", "rate", "shape"}


_LATEX_COMMANDS = ({g for g in parsing.GREEK.values()} | {"var" + g for g in parsing.GREEK.values()}
                   | {"mathrm", "mathit", "mathbf", "mathsf", "mathcal", "boldsymbol",
                      "operatorname", "hat", "bar", "tilde", "check", "breve", "dot", "ddot",
                      "vec", "prime", "ell", "infty", "star", "ast", "dagger"})
_LATEX_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z0-9_^{}',]")


def latex_name(value: Any, name: str) -> str:
    r"""A LaTeX name for a symbol (``\sigma^{2}``), which goes into LaTeX output verbatim:
    only letters, digits, sub/superscripts, braces and a whitelist of math commands (Greek
    letters, ``\hat``, ``\mathrm``, ...), so never ``\input``, ``\write18``, ``\catcode``,
    ``^^`` or ``%``.

    Examples
    --------
    >>> latex_name(r"\sigma^{2}", "sigma2")
    '\\sigma^{2}'
    >>> latex_name(r"\input{/etc/passwd}", "theta")
    Traceback (most recent call last):
    ...
    symmle.errors.ParseError: latex name: the LaTeX name of 'theta' may only use letters, digits, _, ^, braces and math commands such as \alpha or \hat; '\\input' is not allowed
    """
    text = str(value)
    pos, depth, bad = 0, 0, None
    while pos < len(text) and bad is None and len(text) <= 100:
        m = _LATEX_TOKEN.match(text, pos)
        if m is None:
            bad = text[pos:pos + 2] if text[pos] == "\\" else text[pos]
        elif m.group().startswith("\\") and m.group()[1:] not in _LATEX_COMMANDS:
            bad = m.group()
        elif text[pos:pos + 2] in ("^^", "__", "_^", "^_"):
            bad = text[pos:pos + 2]
        elif m.group() == "'" and text[pos + 1:pos + 2] not in ("", "'", "_", "^", "}"):
            bad = text[pos:pos + 2]  # a prime ends a name (x', x''_1)
        else:
            depth += {"{": 1, "}": -1}.get(m.group(), 0)
            bad = "}" if depth < 0 else None
            pos = m.end()
    if bad is None and depth:
        bad = "{"
    if bad is not None or len(text) > 100 or not text:
        what = f"{bad[:20]!r} is not allowed" if bad else "it must have 1 to 100 characters"
        if bad in ("{", "}"):
            what = "the braces do not match"
        raise ParseError(f"the LaTeX name of {name!r} may only use letters, digits, _, ^, "
                         f"braces and math commands such as \\alpha or \\hat; {what}",
                         where="latex name")
    return text


def check_expression(expr: sp.Basic, where: str = "density") -> None:
    """Refuse what a SymPy expression can hold but a density string cannot: an undefined
    function (``Function("...")``: ``lambdify`` pastes its name into the Python code it
    generates, and LaTeX output into the document), a function class from outside SymPy, and
    a symbol whose name is not a plain name (``Symbol("\\input{/etc/passwd}")``).

    Raises
    ------
    UnknownNameError
        For a function symmle does not know.
    ParseError
        For a symbol name that is not letters, digits and ``_``.

    Examples
    --------
    >>> check_expression(sp.Function("f")(sp.Symbol("x")))
    Traceback (most recent call last):
    ...
    symmle.errors.UnknownNameError: density: the function 'f' is not one that symmle knows; write the density with exp, log, gamma, ... (the functions of a density string)
    """
    from sympy.core.function import AppliedUndef

    for f in sp.preorder_traversal(expr):
        if isinstance(f, AppliedUndef) or (isinstance(f, sp.Function)
                                           and not type(f).__module__.startswith("sympy.")):
            name = getattr(f.func, "__name__", type(f).__name__)[:60]
            raise UnknownNameError(f"{where}: the function {name!r} is not one that symmle "
                                   "knows; write the density with exp, log, gamma, ... (the "
                                   "functions of a density string)", where=where)
    for sym in expr.atoms(sp.Symbol):
        try:
            plain = parsing.parse_assignment(sym.name)[0] == sym.name
        except ParseError:
            plain = False
        if not plain:
            raise ParseError(f"the symbol name {sym.name[:60]!r} is not a plain name (letters, "
                             "digits and '_', not starting or ending with '_')", where=where)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` by one insertion, deletion, substitution or swap of two
    neighbours (``thta`` → ``theta``, ``tehta`` → ``theta``)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [k for k in range(len(a)) if a[k] != b[k]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:k] + long_[k + 1:] == short for k in range(len(long_)))


def refuse_typos(density: str, inferred: Sequence[str], used: Sequence[str]) -> None:
    """With parameters inferred from the density, ``thta`` next to ``theta`` would silently
    become a second parameter: refuse a name one edit away from a conventional name
    (Greek letters, ``rate``, ...) that the model also uses, unless it differs only in
    digits or underscores (``theta1``, ``theta_2``)."""
    for name in inferred:
        if name in _CONVENTIONAL or len(name) < 3:
            continue
        for other in used:
            if (other in _CONVENTIONAL and len(other) >= 3 and _one_edit(name, other)
                    and name.rstrip("0123456789_") != other.rstrip("0123456789_")):
                pos = next((t.pos for t in parsing.tokenize(density, "density")
                            if t.kind == "name" and t.text == name), None)
                at = "" if pos is None else f" at position {pos}"
                message = (f"density: name {name!r}{at} looks like a typo of {other!r}, which "
                           f"the model also uses (did you mean {other!r}?); if {name!r} is a "
                           f"parameter of its own, declare the parameters (--param {other} "
                           f"--param {name}, or params=[...])")
                if pos is not None and len(density) <= 200 and "\n" not in density:
                    message += f"\n{caret(density, pos)}"
                raise UnknownNameError(message, where="density")


def check_support(model: "Model") -> None:
    """Refuse a support that contradicts the density, cheaply: at each typical parameter value
    (those of the normalization check) and each probe point of the support, the density must
    not be complex or undefined, nor zero there and next to it (zero at an isolated point is
    allowed; negative values are the normalization check's to report). Bounded in time: a
    density too slow to evaluate is not checked here.

    Raises
    ------
    SupportError
        Naming the point, the parameter values and the support.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> check_support(build_model("poisson"))
    >>> build_model("theta*x**(theta-1)", params={"theta": "positive"}, support="-1 < x < 1")
    Traceback (most recent call last):
    ...
    symmle.errors.SupportError: support: the density is complex at x = -0.940 when theta = 7/10 (value 0.42 - 0.58i), but the support -1 < x < 1 says it is positive there; give the support on which the density is positive
    """
    from .bounded import bounded

    try:
        problem = bounded(_support_problem, model, seconds=SUPPORT_CHECK_SECONDS,
                          what="checking the density on its support")
    except DerivationTimeout:
        return
    if problem is not None:
        raise SupportError(f"support: {problem}", where="support")


def _classify(f: sp.Expr, x: sp.Symbol, v: sp.Expr) -> tuple[str, str]:
    """("ok" | "zero" | "nan" | "complex", the value shown) of the density ``f`` at ``x = v``;
    exact zero only (1e-350 is positive, and floats would round it to 0)."""
    try:
        value = sp.N(f.subs(x, v), 15)
        if value.has(sp.nan):
            return "nan", "nan"
        if value.has(sp.zoo, sp.oo, -sp.oo):
            return "ok", str(value)
        re_, im = value.as_real_imag()
        if re_.is_zero and im.is_zero:
            return "zero", "0"
        if not im.is_zero and abs(im) > 1e-9 * max(1, abs(re_)):
            sign = "-" if im < 0 else "+"
            return "complex", f"{float(re_):.2g} {sign} {abs(float(im)):.2g}i"
    except (TypeError, ValueError, ZeroDivisionError, OverflowError, AttributeError):
        return "nan", "not a number"
    return "ok", str(value)


def _support_problem(model: "Model") -> str | None:
    from .normalization import parameter_points

    x = model.var
    for point in parameter_points(model):
        if any(sp.sympify(c).subs(point).is_positive is False for c in model.constraints):
            continue
        supp = model.support.subs(point)
        if supp.free_symbols:
            continue
        f = model.density.subs(point)
        given = ", ".join(f"{k} = {v}" for k, v in point.items())
        given = f" when {given}" if given else ""
        where = (f"but the support {supp.describe(x.name)} says it is positive there; give the "
                 "support on which the density is positive")
        width = (sp.Integer(1) if supp.discrete or not supp.lower.is_finite
                 or not supp.upper.is_finite else supp.upper - supp.lower)
        for v in supp.sample_points():
            kind, shown = _classify(f, x, v)
            at = f"{x.name} = {v if v.is_Integer else sp.Float(v, 3)}"
            if kind == "nan":
                return f"the density is undefined ({shown}) at {at}{given}, {where}"
            if kind == "complex":
                return f"the density is complex at {at}{given} (value {shown}), {where}"
            if kind == "zero" and supp.discrete:
                return f"the density is 0 at {at}{given}, {where}"
            step = sp.Float(float(width) * 1e-3)
            if kind == "zero" and any(_classify(f, x, v + d)[0] == "zero" for d in (step, -step)):
                return f"the density is 0 at {at} and next to it{given}, {where}"
    return None
