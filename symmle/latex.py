"""Printing helpers: SymPy objects of a derivation as LaTeX and as plain text, and text escaping.

A derivation's mathematics is SymPy objects in sample notation (``Sum(x[i], (i, 1, n))`` over
``IndexedBase("x")``) plus a few display-only names that this module defines and prints:

* :func:`hat` (``p_hat`` → p̂), :func:`bar` (``x_bar`` → x̄) and the order statistics the engine
  names ``x_min``/``x_max`` (x₍₁₎, x₍ₙ₎) and ``x_med`` (the sample median, x̃);
* :data:`LIK`, :data:`ELL`, :data:`INFO`, :data:`SE` — L(θ), ℓ(θ), I(θ), se(θ̂) — and
  :class:`Given` for f(x | θ), :class:`PlusMinus` for a ± b and :class:`Indicator` for 1{…};
* derivatives of ℓ print as dℓ/dθ (∂ when there are several parameters).

:func:`tex` and :func:`text` print them; ``names`` maps a symbol's name to its LaTeX (the model's
``latex_names``: ``{"sigma2": r"\\sigma^{2}"}``); :func:`plain` turns display names back into sample notation.

Examples
--------
>>> from symmle.notation import X, I, N
>>> tex(sp.Sum(X[I], (I, 1, N)) / N)
'\\\\frac{1}{n} \\\\sum_{i=1}^{n} x_{i}'
>>> tex(hat(sp.Symbol("sigma2")), {"sigma2": r"\\sigma^{2}"})
'\\\\hat{\\\\sigma}^{2}'
>>> text(sp.Sum(X[I] ** 2, (I, 1, N)))
'Σ x_i^2'
"""
from __future__ import annotations

import re
from typing import Any, Mapping, Sequence

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter

from .notation import I, N

__all__ = ["TexPrinter", "GREEK", "LIK", "ELL", "INFO", "SE", "VDOTS", "Given", "Terms",
           "Factors", "Times", "PlusMinus", "Indicator", "hat", "bar", "tex", "text", "plain",
           "names_of", "Inline", "Prose", "prose_str"]

class Inline:
    """A piece of inline mathematics for prose that is not one SymPy object (a definition such
    as I(θ) = −E[∂² log f(X | θ)/∂θ²]): its LaTeX (math mode, no delimiters) and its plain
    Unicode text, each with ``@0``, ``@1``, ... where the SymPy objects ``args`` go (printed with
    the model's names). :func:`tex` and :func:`text` print it.

    Examples
    --------
    >>> mu = sp.Symbol("mu")
    >>> half = Inline(r"P(X < @0) = \\tfrac{1}{2}", "P(X < @0) = 1/2", mu)
    >>> tex(half), text(half), str(half)
    ('P(X < \\\\mu) = \\\\tfrac{1}{2}', 'P(X < μ) = 1/2', 'P(X < mu) = 1/2')
    """

    __slots__ = ("latex", "plain", "args")

    def __init__(self, latex: str, plain: str, *args: sp.Basic) -> None:
        self.latex, self.plain, self.args = latex, plain, tuple(args)

    def fill(self, form: str, show: Any) -> str:
        """``form`` (``latex`` or ``plain``) with each ``@k`` replaced by ``show(args[k])``."""
        return re.sub(r"@(\d)", lambda m: show(self.args[int(m.group(1))]), form)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Inline) and (self.latex, self.plain, self.args) == (
            other.latex, other.plain, other.args)

    def __hash__(self) -> int:
        return hash((self.latex, self.plain, self.args))

    def __str__(self) -> str:
        return self.fill(self.plain, str)

    def __repr__(self) -> str:
        return f"Inline({self.latex!r}, {self.plain!r}" + "".join(
            f", {a!r}" for a in self.args) + ")"


Prose = tuple  # a sentence as parts: strings, SymPy objects and Inline (inline math)


def prose_str(parts: Any) -> str:
    """Prose parts as one string, SymPy objects in their ``str`` form (an engine message's
    ``reason``, as JSON gives it); a string is returned as it is.

    Examples
    --------
    >>> prose_str(("at ", sp.Symbol("x") ** 2, " only"))
    'at x**2 only'
    """
    if isinstance(parts, str):
        return parts
    return "".join(p if isinstance(p, str) else str(p) for p in parts)


LIK = sp.Function("L")
ELL = sp.Function("ell")
INFO = sp.Function("I")
SE = sp.Function("se")
VDOTS = sp.Symbol("vdots")  # ⋮ in a displayed matrix (the rows of X from i = 1 to n)


class Given(sp.Function):
    """f(x | θ): ``Given(x, theta)`` prints as ``f(x \\mid \\theta)``."""

    nargs = None


class Terms(sp.Function):
    """A sum shown in the order of its arguments (ℓ term by term)."""

    nargs = None


class Factors(sp.Function):
    """A product shown in the order of its arguments (the likelihood simplified)."""

    nargs = None


class Times(sp.Function):
    """A product shown with a dot, as the chain rule forms it: k · (1/p)."""

    nargs = None


class PlusMinus(sp.Function):
    """``a ± b`` (a Wald interval)."""

    nargs = 2


class Indicator(sp.Function):
    """The indicator 1{condition} of a relation."""

    nargs = 1


class Cases(sp.Function):
    """A pmf on a finite support by cases: ``Cases(x, v1, f1, v2, f2, ...)`` prints as
    ``f1`` if x = v1, ``f2`` if x = v2, ... (a table of probabilities)."""

    nargs = None

def _chained(expr: sp.And) -> list[sp.Basic] | None:
    """``a ≤ b ∧ b ≤ c`` as the chain [a, b, c] (printed a ≤ b ≤ c), or ``None``."""
    rels = expr.args
    if len(rels) != 2 or not all(isinstance(r, sp.LessThan) for r in rels):
        return None
    first, second = rels
    if first.rhs == second.lhs:
        return [first.lhs, first.rhs, second.rhs]
    if second.rhs == first.lhs:
        return [second.lhs, second.rhs, first.rhs]
    return None


def _negative(t: sp.Basic) -> bool:
    """Whether a term prints with a leading minus (a matrix product by its scalar factor)."""
    if isinstance(t, sp.MatMul):
        return bool(t.as_coeff_matrices()[0].could_extract_minus_sign())
    return bool(t.could_extract_minus_sign())


def _negate(t: sp.Basic) -> sp.Basic:
    if isinstance(t, sp.MatMul):
        coeff, mats = t.as_coeff_matrices()
        return sp.MatMul(-coeff, *mats, evaluate=False) if -coeff != 1 else \
            sp.MatMul(*mats, evaluate=False)
    return -t


def _mat_add(printer: Any, expr: sp.MatAdd) -> str:
    """y − Xβ, the positive term first: a sum of matrix terms for either printer."""
    out = []
    for k, t in enumerate(_lead_positive(list(expr.args))):
        if _negative(t):
            out.append("- " + printer._print(_negate(t)))
        else:
            out.append(("+ " if k else "") + printer._print(t))
    return " ".join(out)


def _lead_positive(terms: list) -> list:
    lead = next((t for t in terms if not _negative(t)), None)
    if lead is not None and _negative(terms[0]):
        terms.remove(lead)
        terms.insert(0, lead)
    return terms


def hat(symbol: sp.Symbol) -> sp.Symbol:
    """The estimate θ̂ of a parameter θ, as a symbol named ``theta_hat``."""
    return sp.Symbol(f"{symbol.name}_hat", **symbol.assumptions0)


def bar(var: sp.Symbol) -> sp.Symbol:
    """The sample mean x̄ of the observations of ``var``, as a symbol named ``x_bar``."""
    return sp.Symbol(f"{var.name}_bar", real=True)


def names_of(latex_names: Mapping[Any, str]) -> dict[str, str]:
    """``{symbol or name: LaTeX}`` → ``{name: LaTeX}``."""
    return {getattr(k, "name", str(k)): v for k, v in latex_names.items()}


def plain(expr: sp.Basic) -> sp.Basic:
    """Display forms back to sample notation: x̄ → Σxᵢ/n, ordered sums and products evaluated.

    Examples
    --------
    >>> plain(1 / bar(sp.Symbol("x")))
    n/Sum(x[i], (i, 1, n))
    >>> plain(Terms(sp.Integer(2), sp.Integer(3)))
    5
    """
    def rebuild(e: sp.Basic) -> sp.Basic:
        if not e.args:
            if isinstance(e, sp.Symbol) and e.name.endswith("_bar"):
                return sp.Sum(sp.IndexedBase(e.name[:-4])[I], (I, 1, N)) / N
            return e
        args = [rebuild(a) for a in e.args]
        if isinstance(e, Terms):
            return sp.Add(*args)
        if isinstance(e, (Factors, Times)):
            return sp.Mul(*args)
        if isinstance(e, sp.UnevaluatedExpr):
            return args[0]
        if isinstance(e, (sp.Sum, sp.Product, sp.Indexed, sp.IndexedBase)):
            return e.func(*args)
        return e.func(*args)
    return rebuild(sp.sympify(expr))


_SUP = re.compile(r"^(.*?)([\^_]\{[^{}]*\})$")


def _order_statistic(name: str) -> tuple[str, str] | None:
    for suffix, index in (("_min", "1"), ("_max", "n")):
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)], index
    return None


class TexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with textbook habits (x_{i}, Σ, \\hat, \\frac{1}{n}Σ, ℓ, dℓ/dθ)."""

    def __init__(self, names: Mapping[str, str] | None = None, partial: bool = False) -> None:
        super().__init__({"diff_operator": "d"})
        self.names = dict(names or {})
        self.partial = partial

    def name(self, name: str) -> str:
        shown = self.names.get(name) or self._deal_with_super_sub(name)
        # a name of several letters (lam, rate) is one symbol: upright, not a product l·a·m
        return rf"\mathrm{{{shown}}}" if re.fullmatch(r"[A-Za-z]{2,}", shown) else shown

    def _print_Range(self, expr: sp.Range) -> str:  # {1, 2, …, N}, not Range(1, N + 1)
        # (Range.size raises for a symbolic start: Range(a, b + 1), the support {a, …, b})
        if expr.step != 1 or (expr.stop - expr.start).is_number:
            return super()._print_Range(expr)
        lo, hi = expr.start, expr.stop - 1
        if hi.is_infinite:  # {k, k + 1, …}: SymPy's own printer asks whether it is empty
            return (r"\left\{" + ", ".join(self._print(v) for v in (lo, lo + 1))
                    + r", \ldots\right\}")
        return (r"\left\{" + ", ".join(self._print(v) for v in (lo, lo + 1)) + r", \ldots, "
                + self._print(hi) + r"\right\}")

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        name = expr.name
        for suffix, upper in (("__k1", "(k+1)"), ("__k", "(k)")):
            if name.endswith(suffix):
                return rf"{{{self.name(name[: -len(suffix)])}}}^{{{upper}}}"
        if name.endswith("_hat"):
            base = self.name(name[:-4])
            m = _SUP.match(base) or re.match(r"^([A-Za-z])(_\{?\w+\}?)$", base)
            return rf"\hat{{{m.group(1)}}}{m.group(2)}" if m else rf"\hat{{{base}}}"
        if name.endswith("_bar"):
            return rf"\bar{{{self.name(name[:-4])}}}"
        order = _order_statistic(name)
        if order and order[0] not in self.names and name not in self.names:
            return rf"{self.name(order[0])}_{{({order[1]})}}"
        if name.endswith("_med") and len(name) > 4 and name not in self.names:
            return rf"\tilde{{{self.name(name[:-4])}}}"
        if expr == VDOTS:
            return r"\vdots"
        return self.name(name)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        base, index = self.name(expr.base.name), ",".join(map(self._print, expr.indices))
        sub = re.fullmatch(r"(.+?)_\{?([^{}_]+)\}?", base)  # x_{1}[i] is x_{1,i}, not x_{1}_{i}
        if sub:
            return "%s_{%s,%s}" % (sub.group(1), sub.group(2), index)
        return "%s_{%s}" % (base, index)

    def ordered(self, expr: sp.Add) -> list[sp.Expr]:
        """The terms of a sum in print order, led by a positive term when there is one."""
        terms = list(self._as_ordered_terms(expr, order=None))
        if terms and terms[0].could_extract_minus_sign():
            lead = next((t for t in terms if not t.could_extract_minus_sign()), None)
            if lead is not None:
                terms.remove(lead)
                terms.insert(0, lead)
        return terms

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        return super()._print_Add(sp.Add(*self.ordered(expr), evaluate=False), order="none")

    def _needs_mul_brackets(self, expr: sp.Basic, first: bool = False, last: bool = False) -> bool:
        if isinstance(expr, Terms):
            return True
        if isinstance(expr, sp.Function) or (expr.is_Pow and not expr.base.is_Add) or (
                expr.is_Pow and expr.exp.is_Integer is not True):
            # p^{Σ x_i}, exp(...), log p, and (1 − p)^{nm − Σ x_i}, whose base is bracketed
            # already, need no brackets
            return False
        return super()._needs_mul_brackets(expr, first=first, last=last)

    def _join(self, factors: Sequence[sp.Basic], sep: str = " ") -> str:
        out = []
        for k, f in enumerate(factors):
            t = self._print(f)
            if self._needs_mul_brackets(f, first=k == 0, last=k == len(factors) - 1):
                t = rf"\left({t}\right)"
            out.append(t)
        return sep.join(out)

    def _print_Mul(self, expr: sp.Mul) -> str:
        numer, denom = sp.fraction(expr, exact=True)
        sign = ""
        if numer.could_extract_minus_sign():
            numer, sign = -numer, "- "
        factors = list(sp.Mul.make_args(numer))
        sums = [f for f in factors if isinstance(f, sp.Sum)]
        funcs = [f for f in factors if isinstance(f, sp.Function) and not f.is_Rational]
        rest = sp.Mul(*[f for f in factors if f not in sums and f not in funcs])
        # e^{μ − x}/(e^{μ − x} + 1) is one fraction: the exp stays over a sum it is part of
        over_sum = not sums and funcs and all(isinstance(f, sp.exp) for f in funcs) and any(
            b.is_Add and b.has(sp.exp) for b in (denom, *(
                a.base for a in sp.Mul.make_args(denom) if a.is_Pow)))
        if denom != 1 and not denom.has(sp.Sum) and (sums or funcs) and not over_sum and (
                rest.is_number or denom.is_Integer):  # (1/n) Σ x_i, (n/2) log(2πσ²)
            frac = rf"\frac{{{self._print(rest)}}}{{{self._print(denom)}}}"
            return rf"{sign}{frac} " + self._join(sums + funcs)
        if denom == 1 and len(factors) > 1:  # n first, the data next, functions last
            coeff = [f for f in factors if f.is_Rational]
            ns = [f for f in factors if f == N]
            others = sorted((f for f in factors if f not in coeff and f not in ns and f not in sums
                             and f not in funcs), key=sp.default_sort_key)
            ordered = coeff + ns + others + sums + funcs
            if sums and funcs:  # (Σ x_i) log p
                ordered = coeff + ns + others + sums + funcs
            return sign + self._join(ordered)
        return super()._print_Mul(expr)

    def _print_Sum(self, expr: sp.Sum) -> str:
        if len(expr.limits) != 1:
            return super()._print_Sum(expr)
        i, lo, hi = expr.limits[0]
        body = self._print(expr.function)
        if isinstance(expr.function, (sp.Add, sp.Sum, Terms)) or \
                expr.function.could_extract_minus_sign():
            body = rf"\left({body}\right)"
        return rf"\sum_{{{self._print(i)}={self._print(lo)}}}^{{{self._print(hi)}}} {body}"

    def _print_Product(self, expr: sp.Product) -> str:
        i, lo, hi = expr.limits[0]
        body = self._print(expr.function)
        if isinstance(expr.function, sp.Add):
            body = rf"\left({body}\right)"
        return rf"\prod_{{{self._print(i)}={self._print(lo)}}}^{{{self._print(hi)}}} {body}"

    def _print_log(self, expr: sp.log, exp: str | None = None) -> str:
        arg = expr.args[0]
        head = r"\log" if exp is None else rf"\log^{{{exp}}}"
        if arg.is_Symbol or isinstance(arg, (sp.Indexed, sp.NumberSymbol, AppliedUndef, Given)) \
                or (arg.is_Integer and arg > 0):
            return rf"{head} {self._print(arg)}"
        return rf"{head}\left({self._print(arg)}\right)"

    def _print_ExpBase(self, expr: sp.exp, exp: str | None = None) -> str:
        inner = self._print(expr.args[0])
        if exp is None and ("\\frac" in inner or "\\sum" in inner or len(inner) > 24):
            return rf"\exp\left({inner}\right)"
        return super()._print_ExpBase(expr, exp)

    def _print_Function(self, expr: sp.Function, exp: str | None = None) -> str:
        if isinstance(expr, AppliedUndef) and expr.func.__name__ in _HEADS:
            args = ", ".join(self._print(a) for a in expr.args)
            out = rf"{_HEADS[expr.func.__name__]}({args})"
            return out if exp is None else rf"{out}^{{{exp}}}"
        return super()._print_Function(expr, exp)

    def _print_polygamma(self, expr: sp.polygamma, exp: str | None = None) -> str:
        k, z = expr.args
        head = r"\psi" + ("" if k == 0 else "'" * int(k) if k in (1, 2) else rf"^{{({k})}}")
        out = rf"{head}\left({self._print(z)}\right)"
        return out if exp is None else rf"{out}^{{{exp}}}"

    def _print_Pow(self, expr: sp.Pow, *args: Any) -> str:
        if isinstance(expr.base, sp.log) and expr.exp.is_Integer and expr.exp < 0:
            return rf"\frac{{1}}{{{self._print(sp.Pow(expr.base, -expr.exp))}}}"
        if isinstance(expr.base, sp.log) and not (expr.exp.is_Rational and expr.exp.q != 1):
            # (log x_i)^2, not \log x_i^{2}, which reads as the log of x_i squared; with its
            # argument in brackets, log^2(x/λ)
            shown = self._print(expr.base)
            if shown.endswith(r"\right)"):
                return self._print_log(expr.base, self._print(expr.exp))
            return rf"\left({shown}\right)^{{{self._print(expr.exp)}}}"
        if isinstance(expr.base, sp.Function) and not isinstance(expr.base, sp.exp) and not (
                expr.exp.is_Rational and expr.exp.q != 1):
            return rf"{self._print(expr.base)}^{{{self._print(expr.exp)}}}"
        return super()._print_Pow(expr)

    def _print_Given(self, expr: Given, exp: str | None = None) -> str:
        x, *params = expr.args
        return rf"f({self._print(x)} \mid {', '.join(self._print(p) for p in params)})"

    def _print_Terms(self, expr: Terms, exp: str | None = None) -> str:
        out = []
        for k, t in enumerate(expr.args):
            if k and _negative(t):
                out.append("- " + self._join([_negate(t)]))
            else:
                out.append(("+ " if k else "") + self._print(t))
        return " ".join(out)

    def _print_Factors(self, expr: Factors, exp: str | None = None) -> str:
        return self._join(expr.args)

    def _print_Times(self, expr: Times, exp: str | None = None) -> str:
        return self._join(expr.args, r" \cdot ")

    def _print_PlusMinus(self, expr: PlusMinus, exp: str | None = None) -> str:
        return rf"{self._print(expr.args[0])} \pm {self._print(expr.args[1])}"

    def _print_Indicator(self, expr: Indicator, exp: str | None = None) -> str:
        return rf"\mathbf{{1}}\left\{{{self._print(expr.args[0])}\right\}}"

    def _print_Cases(self, expr: Cases, exp: str | None = None) -> str:
        x, rest = self._print(expr.args[0]), expr.args[1:]
        rows = [rf"{self._print(f)} & \text{{if }} {x} = {self._print(v)}"
                for v, f in zip(rest[::2], rest[1::2])]
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_And(self, expr: sp.And) -> str:
        chain = _chained(expr)
        if chain is None:
            return super()._print_And(expr)
        return r" \leq ".join(self._print(a) for a in chain)

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if not (isinstance(expr.expr, AppliedUndef) and expr.expr.func.__name__ == "ell"):
            return super()._print_Derivative(expr)
        d = r"\partial" if self.partial or len(expr.expr.args) > 1 else "d"
        below, total = [], 0
        for v, k in expr.variable_count:
            name = self._print(v)
            if isinstance(v, sp.MatrixSymbol) and k == 2:  # ∂²ℓ/∂β∂βᵀ: the Hessian block
                below.append(rf"{d} {name} \, {d} {name}^{{T}}")
                total += k
                continue
            if "^" in name:
                name = rf"({name})"
            below.append(rf"{d} {name}" + (f"^{{{k}}}" if k > 1 else ""))
            total += k
        top = rf"{d}^{{{total}}}\ell" if total > 1 else rf"{d}\ell"
        return rf"\frac{{{top}}}{{{' '.join(below)}}}"

    def _print_UnevaluatedExpr(self, expr: sp.UnevaluatedExpr) -> str:
        inner = self._print(expr.args[0])
        return rf"\left({inner}\right)" if isinstance(expr.args[0], sp.Add) else inner

    # -- matrices of the regression's matrix form: bold X, y, β; y − Xβ with y first ----------
    def _print_MatrixSymbol(self, expr: sp.MatrixSymbol, style: str = "plain") -> str:
        name = expr.name
        hat_ = name.endswith("_hat")
        name = name[:-4] if hat_ else name
        out = rf"\boldsymbol{{\{name}}}" if name in GREEK else rf"\mathbf{{{self.name(name)}}}"
        return rf"\hat{{{out}}}" if hat_ else out

    def _print_BlockMatrix(self, expr: Any) -> str:
        def one(b: Any) -> str:
            if isinstance(b, sp.MatrixBase) and b.shape == (1, 1):
                return self._print(b[0, 0])
            return self._print(b)
        rows = [" & ".join(one(b) for b in row) for row in expr.blocks.tolist()]
        return r"\left[\begin{matrix}" + r" \\ ".join(rows) + r"\end{matrix}\right]"

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        return _mat_add(self, expr)

    def _print_MatrixElement(self, expr: Any) -> str:
        parent = self._print(expr.parent)
        i, j = (self._print(a) for a in expr.indices)
        return rf"\left[{parent}\right]_{{{i}{j}}}"


_HEADS = {"H": "H", "grad": r"\nabla\ell", "L": "L", "ell": r"\ell", "I": r"\mathcal{I}", "se": r"\operatorname{se}"}


def tex(obj: Any, names: Mapping[str, str] | None = None) -> str:
    """LaTeX for a SymPy object of a derivation (math mode, no delimiters).

    Examples
    --------
    >>> p = sp.Symbol("p", positive=True)
    >>> tex(sp.log(1 - p) + sp.log(p))
    '\\\\log p + \\\\log\\\\left(1 - p\\\\right)'
    >>> tex(sp.Derivative(ELL(p), p, 2))
    '\\\\frac{d^{2}\\\\ell}{d p^{2}}'
    """
    if isinstance(obj, Inline):
        return obj.fill(obj.latex, lambda a: tex(a, names))
    return TexPrinter(names).doprint(obj)


# --- plain text ----------------------------------------------------------------------------------

GREEK = {"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ",
          "eta": "η", "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
          "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ",
          "omega": "ω", "Sigma": "Σ", "Gamma": "Γ"}
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _unicode_name(name: str, names: Mapping[str, str]) -> str:
    latex = names.get(name)
    if latex:
        m = re.fullmatch(r"\\([A-Za-z]+)(?:\^\{(\d+)\})?", latex)
        if m and m.group(1) in GREEK:
            return GREEK[m.group(1)] + (m.group(2) or "").translate(_SUPERSCRIPTS)
    return GREEK.get(name, name)


class _TextPrinter(StrPrinter):
    """SymPy's str printer with x_i, Σ, θ̂, x̄, ℓ and dℓ/dθ, for terminals."""

    printmethod = "_symmle_text"  # not Indexed._sympystr: dispatch on the class

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.names = dict(names or {})

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        name = expr.name
        for suffix, upper in (("__k1", "⁽ᵏ⁺¹⁾"), ("__k", "⁽ᵏ⁾")):
            if name.endswith(suffix):
                return _unicode_name(name[: -len(suffix)], self.names) + upper
        if name.endswith("_hat"):
            base = _unicode_name(name[:-4], self.names)
            return base[0] + "\u0302" + base[1:]
        if name.endswith("_bar"):
            return _unicode_name(name[:-4], self.names) + "\u0304"
        if expr == VDOTS:
            return "⋮"
        order = _order_statistic(name)
        if order and name not in self.names:
            return f"{order[0]}_({order[1]})"
        if name.endswith("_med") and len(name) > 4 and name not in self.names:
            return _unicode_name(name[:-4], self.names) + "\u0303"
        return _unicode_name(name, self.names)

    def _print_Indexed(self, expr: sp.Indexed) -> str:
        return f"{_unicode_name(expr.base.name, self.names)}_{self._print(expr.indices[0])}"

    def _print_Add(self, expr: sp.Add, order: str | None = None) -> str:
        terms = list(self._as_ordered_terms(expr, order=order))
        lead = next((t for t in terms if not t.could_extract_minus_sign()), None)
        if lead is not None and terms[0].could_extract_minus_sign():
            terms.remove(lead)
            terms.insert(0, lead)
        return super()._print_Add(sp.Add(*terms, evaluate=False), order="none")

    def _print_Sum(self, expr: sp.Sum) -> str:
        body = self._print(expr.function)
        if isinstance(expr.function, (sp.Add, sp.Mul, Terms)):
            body = f"({body})"
        return f"Σ {body}"

    def _print_log(self, expr: sp.log) -> str:
        # log(e^(−Σ x_i/θ)/θ^n), not log(exp(…)): inside a log, an exponential is e^(…)
        self._in_log = getattr(self, "_in_log", 0) + 1
        try:
            return f"log({self._print(expr.args[0])})"
        finally:
            self._in_log -= 1

    def _print_exp(self, expr: sp.exp) -> str:
        if getattr(self, "_in_log", 0):
            return f"e^({self._print(expr.args[0])})"
        return f"exp({self._print(expr.args[0])})"

    def _print_Product(self, expr: sp.Product) -> str:
        return f"Π {self.parenthesize(expr.function, 100)}"

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        base = expr.base
        if expr.exp not in (sp.S.Half, -sp.S.Half, -1) and (isinstance(base, sp.Sum) or (
                isinstance(base, sp.Symbol) and self._print(base)[-1:] in "⁰¹²³⁴⁵⁶⁷⁸⁹")):
            # σ² squared is (σ²)^2, not σ²^2; (Σ x_i)^2, not Σ x_i^2
            shown = super()._print_Pow(sp.Pow(sp.Dummy("BASE"), expr.exp), rational)
            return shown.replace("**", "^").replace("_BASE", f"({self._print(base)})")
        return super()._print_Pow(expr, rational).replace("**", "^")

    def _print_Function(self, expr: sp.Function) -> str:
        if isinstance(expr, AppliedUndef) and expr.func.__name__ in ("ell", "grad"):
            head = "ℓ" if expr.func.__name__ == "ell" else "∇ℓ"
            return head + "(" + ", ".join(self._print(a) for a in expr.args) + ")"
        return super()._print_Function(expr)

    def _print_Given(self, expr: Given) -> str:
        x, *params = expr.args
        return f"f({self._print(x)} | {', '.join(self._print(p) for p in params)})"

    def _print_PlusMinus(self, expr: PlusMinus) -> str:
        return f"{self._print(expr.args[0])} ± {self._print(expr.args[1])}"

    def _print_Equality(self, expr: sp.Eq) -> str:  # Eq(λ̂, x̄) → λ̂ = x̄ in prose
        return f"{self._print(expr.lhs)} = {self._print(expr.rhs)}"

    def _print_Contains(self, expr: sp.Contains) -> str:
        x, where = expr.args
        return f"{self._print(x)} ∈ {self._print(where)}"

    def _print_Range(self, where: sp.Range) -> str:
        # start and stop, not inf and sup: Range(a, b + 1) cannot tell whether it is empty
        if where.step == 1 and where.stop is sp.oo:
            return "{" + f"{self._print(where.start)}, {self._print(where.start + 1)}, ...}}"
        if where.step == 1:
            return "{" + f"{self._print(where.start)}, ..., {self._print(where.stop - 1)}}}"
        return super()._print_Range(where)

    def _print_FiniteSet(self, where: sp.FiniteSet) -> str:
        return "{" + ", ".join(self._print(a) for a in where.args) + "}"

    def _print_Integers(self, where: Any) -> str:  # k ∈ ℤ, as the LaTeX says, not "Integers"
        return "ℤ"

    def _print_Interval(self, where: sp.Interval) -> str:
        left = "(" if where.left_open else "["
        right = ")" if where.right_open else "]"
        return f"{left}{self._print(where.inf)}, {self._print(where.sup)}{right}"

    def _print_Subs(self, expr: sp.Subs) -> str:  # f(θ) (at θ = θ̂)
        body, old, new = expr.args
        at = ", ".join(f"{self._print(o)} = {self._print(n)}" for o, n in zip(old, new))
        return f"{self._print(body)} (at {at})"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "-∞"

    def _print_Terms(self, expr: Terms) -> str:
        out = []
        for k, t in enumerate(expr.args):
            if k and _negative(t):
                out.append("- " + self.parenthesize(_negate(t), 40))
            else:
                out.append(("+ " if k else "") + self.parenthesize(t, 40 if k else 0))
        return " ".join(out)

    def _print_Factors(self, expr: Factors) -> str:
        return "*".join(self.parenthesize(a, 50) for a in expr.args)

    def _print_Times(self, expr: Times) -> str:
        return "·".join(self.parenthesize(a, 50) for a in expr.args)

    def _print_Indicator(self, expr: Indicator) -> str:
        return f"1{{{self._print(expr.args[0])}}}"

    def _print_Cases(self, expr: Cases) -> str:
        x, rest = self._print(expr.args[0]), expr.args[1:]
        return "; ".join(f"{self._print(f)} if {x} = {self._print(v)}"
                         for v, f in zip(rest[::2], rest[1::2]))

    def _print_And(self, expr: sp.And) -> str:
        chain = _chained(expr)
        if chain is None:
            return super()._print_And(expr)
        return " ≤ ".join(self._print(a) for a in chain)

    def _print_LessThan(self, expr: sp.Le) -> str:  # xm ≤ x₍₁₎ in prose
        return f"{self._print(expr.lhs)} ≤ {self._print(expr.rhs)}"

    def _print_GreaterThan(self, expr: sp.Ge) -> str:
        return f"{self._print(expr.lhs)} ≥ {self._print(expr.rhs)}"

    def _print_Abs(self, expr: sp.Abs) -> str:  # |μ − x|, not Abs(μ − x)
        return f"|{self._print(expr.args[0])}|"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if not (isinstance(expr.expr, AppliedUndef) and expr.expr.func.__name__ == "ell"):
            return super()._print_Derivative(expr)
        d = "∂" if len(expr.expr.args) > 1 else "d"
        total = sum(k for _, k in expr.variable_count)
        def one(v: sp.Basic, k: int) -> str:
            name = self._print(v)
            if isinstance(v, sp.MatrixSymbol) and k == 2:  # ∂²ℓ/∂β ∂βᵀ
                return f"{d}{name} {d}{name}ᵀ"
            return f"{d}{name}" + (str(k).translate(_SUPERSCRIPTS) if k > 1 else "")
        below = " ".join(one(v, k) for v, k in expr.variable_count)
        return f"{d}{str(total).translate(_SUPERSCRIPTS) if total > 1 else ''}ℓ/{below}"

    def _print_UnevaluatedExpr(self, expr: sp.UnevaluatedExpr) -> str:
        return f"({self._print(expr.args[0])})"

    # -- matrices of the regression's matrix form: Xᵀ(y − Xβ), (XᵀX)⁻¹ ---------------------------
    def _print_MatrixSymbol(self, expr: sp.MatrixSymbol) -> str:
        if expr.name.endswith("_hat"):
            base = _unicode_name(expr.name[:-4], self.names)
            return base[0] + "\u0302" + base[1:]
        return _unicode_name(expr.name, self.names)

    def _matrix_factor(self, e: Any) -> str:
        out = self._print(e)
        return f"({out})" if isinstance(e, (sp.MatAdd, sp.MatMul)) else out

    def _print_MatMul(self, expr: sp.MatMul) -> str:
        coeff, mats = expr.as_coeff_matrices()
        body = "".join(self._matrix_factor(m) for m in mats)
        if coeff == 1:
            return body
        if coeff == -1:
            return "-" + body
        sign = "-" if coeff.could_extract_minus_sign() else ""
        coeff = -coeff if sign else coeff
        if coeff.is_Number:
            return f"{sign}{self._print(coeff)}{body}"
        num, den = sp.fraction(coeff)
        shown = self._print(coeff) if den == 1 else \
            f"{self.parenthesize(num, 50)}/{self.parenthesize(den, 50)}"
        return f"{sign}({shown})·{body}"

    def _print_MatAdd(self, expr: sp.MatAdd) -> str:
        return _mat_add(self, expr)

    def _print_Transpose(self, expr: Any) -> str:
        return self._matrix_factor(expr.arg) + "ᵀ"

    def _print_Inverse(self, expr: Any) -> str:
        return self._matrix_factor(expr.arg) + "⁻¹"

    def _print_MatrixElement(self, expr: Any) -> str:
        i, j = (self._print(a) for a in expr.indices)
        return f"[{self._print(expr.parent)}]_{i}{j}"

    def _print_ZeroMatrix(self, expr: Any) -> str:
        return "0"

    def _print_BlockMatrix(self, expr: Any) -> str:
        rows = expr.blocks.tolist()
        one = (lambda b: self._print(b[0, 0]) if isinstance(b, sp.MatrixBase)
               and b.shape == (1, 1) else self._print(b))
        return "[" + "; ".join(", ".join(one(b) for b in row) for row in rows) + "]"

    def _print_MatrixBase(self, expr: sp.MatrixBase) -> str:  # [[a, b], [c, d]], not Matrix(...)
        return "[" + ", ".join("[" + ", ".join(self._print(e) for e in expr.row(j)) + "]"
                               for j in range(expr.rows)) + "]"


def text(obj: Any, names: Mapping[str, str] | None = None) -> str:
    """One-line Unicode text for a SymPy object of a derivation."""
    if isinstance(obj, Inline):
        return obj.fill(obj.plain, lambda a: text(a, names))
    return _TextPrinter(names).doprint(obj)
