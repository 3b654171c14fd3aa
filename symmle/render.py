"""The render stage: a derivation as Markdown, LaTeX (a fragment or a standalone document) and
plain text, through the Jinja2 templates in ``templates/``.

The templates use LaTeX-safe delimiters, ``((* *))`` for statements, ``((( )))`` for insertions
and ``((= =))`` for comments, and every insertion goes through a filter: ``tex`` for SymPy
objects, ``escape_tex`` or ``escape_md`` for text. The environment is built once, in
:func:`environment`. Templates loop and branch; what they show is prepared here and in
:mod:`symmle.steps`.

Examples
--------
>>> from symmle import derive
>>> md = render_markdown(derive("poisson"))
>>> md.splitlines()[0]
'# Maximum likelihood estimation: Poisson'
>>> "\\\\begin{align*}" in render_latex(derive("poisson"))
True
"""
from __future__ import annotations

import dataclasses
import functools
import json
import math
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Mapping

import jinja2
import sympy as sp

from .counts import is_tabular, table_heading
from .latex import (GREEK, Factors, Given, Terms, TexPrinter, _negate, _negative,
                    names_of, tex, text)

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation
    from .plot import LikelihoodPlot
    from .steps import Step

__all__ = ["environment", "template_dir", "render_markdown", "render_latex", "render_text",
           "repr_markdown", "repr_latex", "RenderMixin", "FILTERS", "escape_tex", "escape_md",
           "tex_rows", "marked_prose", "unmarked", "unicode_tex"]

Detail = Literal["full", "brief"]
FILTERS = ("tex", "escape_tex", "escape_md")
_RELATIONS = {"=": "=", "<": "<", ">": ">", "<=": r"\le", ">=": r"\ge"}
_TEXT_RELATIONS = {"<=": "≤", ">=": "≥"}
_BRACE = {"{": r"\lbrace", "}": r"\rbrace"}
ROW = 64  # characters of plain text in one row of displayed math (about the text width)


def tex_rows(expr: sp.Basic, names: Mapping[str, str] | None = None, limit: int = 60,
             ) -> list[str]:
    """LaTeX of ``expr`` in rows of about ``limit`` characters of text at most, broken between
    the terms of a sum (also inside Σ(...), with ``\\Bigl(``/``\\Bigr)``) or the factors of a
    :class:`Factors`; one row when it is short or cannot be broken.

    Examples
    --------
    >>> a, b = sp.symbols("a b")
    >>> tex_rows(a + b, limit=1)
    ['a', '+ b']
    """
    if len(text(expr, names)) <= limit:
        return [tex(expr, names)]
    p = TexPrinter(names)
    head, tail, body = "", "", expr
    if isinstance(expr, sp.Sum) and len(expr.limits) == 1 and isinstance(expr.function,
                                                                          (sp.Add, Terms)):
        i, lo, hi = (p._print(v) for v in expr.limits[0])
        head, tail, body = rf"\sum_{{{i}={lo}}}^{{{hi}}} \Bigl(", r"\Bigr)", expr.function
    if isinstance(body, Factors):
        pieces = [("", p._join([f]), len(text(f, names))) for f in body.args]
    elif isinstance(body, (sp.Add, Terms)):
        terms = list(body.args) if isinstance(body, Terms) else p.ordered(body)
        pieces = []
        for k, t in enumerate(terms):
            neg = k > 0 and t.could_extract_minus_sign()
            sign = "- " if neg else ("+ " if k else "")
            pieces.append((sign, p._join([-t if neg else t]), len(text(t, names))))
    else:
        return [tex(expr, names)]
    rows, current, width = [], head, 0
    for sign, piece, w in pieces:
        if width and width + w > limit:
            rows.append(current)
            current, width = "", 0
        current += (" " if current and not current.endswith("(") else "") + sign + piece
        width += w
    rows.append(current + tail)
    return rows


def template_dir() -> Path:
    """Where the templates are: inside the package when installed, else ``<repo>/templates``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "templates", here.parent / "templates"):
        if (candidate / "markdown").is_dir():
            return candidate
    raise FileNotFoundError(f"symmle's templates are missing (looked in {here / 'templates'} "
                            f"and {here.parent / 'templates'})")


@jinja2.pass_context
def _tex_filter(context: Any, value: Any) -> str:
    """LaTeX for a SymPy object, or for a :class:`~symmle.steps.Line` (with its ``&``)."""
    names = context["names"]
    return _line_tex(value, names) if hasattr(value, "chain") else _braces(tex(value, names))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja2 environment: LaTeX-safe delimiters, strict, no autoescape."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        block_start_string="((*", block_end_string="*))",
        variable_start_string="(((", variable_end_string=")))",
        comment_start_string="((=", comment_end_string="=))",
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        autoescape=False, keep_trailing_newline=True)
    env.filters.update(tex=_tex_filter, escape_tex=escape_tex, escape_md=escape_md)
    return env


def _visible(steps: tuple["Step", ...], detail: Detail) -> list["Step"]:
    if detail == "full":
        return list(steps)
    if detail != "brief":
        raise ValueError(f"detail must be 'full' or 'brief', not {detail!r}")
    out = []
    for s in steps:
        if s.brief:
            out.append(dataclasses.replace(s, blocks=tuple(b for b in s.blocks if b.brief)))
    return out


def _context(d: "Derivation", detail: Detail) -> dict[str, Any]:
    from .steps.forms import reason

    m, names = d.model, names_of(d.model.latex_names)
    words = _words(d, names)
    title = unmarked(m.title) if m.title else (
        m.describe() if hasattr(m, "covariates") else  # f(y | x; θ)
        f"f({m.var} | {', '.join(p.name for p in m.params)}) = {m.density}")
    # the heading as prose: a title's marked mathematics typeset; a model without a title is
    # named by its density, as mathematics (a conditional one as its model step shows it)
    heading = marked_prose(m.title) if m.title else (
        sp.Eq(Given(m.var, *getattr(m, "covariates", ()), *m.params), m.density, evaluate=False),)
    if not m.title and is_tabular(d):  # a table of probabilities, not its one-line formula
        heading = table_heading(m)
        title = "".join(p if isinstance(p, str) else text(p, names) for p in heading)
    return {"title": title, "heading": heading, "names": names, "steps": _visible(d.steps, detail),
            "warnings": [_warning(d, w, words) for w in d.warnings], "detail": detail,
            "plot": None}


def _words(d: "Derivation", names: dict[str, str]) -> dict[str, str]:
    """name → text for the engine's messages: the statistics and the parameters."""
    m, ll = d.model, getattr(d, "log_likelihood", None)
    words = {s.symbol.name: text(s.sum, names).replace("_i", "ᵢ")
             for s in getattr(ll, "statistics", ())}
    words.update({s.name: text(s, names) for s in (*m.params, *getattr(m, "known", ()))})
    return words


def _warning(d: "Derivation", warning: str, words: dict[str, str]) -> tuple:
    """A warning as prose parts: the no-closed-form one with its mathematics inline."""
    from .steps.forms import reason, reasons

    solution = getattr(d, "solution", None)
    if getattr(solution, "prose", ()) and warning == f"no closed form: {solution.reason}":
        return ("no closed form: ", *reasons(solution.prose, words))
    return (reason(warning, words),)


def _num(v: float) -> str:
    """A number as pgfplots reads it: 8 significant digits, no thousands separators."""
    return f"{float(v):.8g}"


def _plot_context(d: "Derivation", plot: "LikelihoodPlot", number: int,
                  svg: str | None = None) -> dict[str, Any]:
    """What plot.tex.j2 and plot.md.j2 show: per parameter its symbol and the points (x, ℓ)
    as strings, θ̂ and the ends of the dashed line that marks it."""
    import numpy as np

    curves = []
    for c in plot.curves:
        peak = float(c.values[int(np.argmin(np.abs(c.grid - c.estimate)))])
        curves.append({"symbol": d.model.symbol(c.name),
                       "points": [(_num(x), _num(y)) for x, y in zip(c.grid, c.values)],
                       "estimate": _num(c.estimate), "peak": _num(peak),
                       "bottom": _num(float(np.min(c.values)))})
    several = len(plot.curves) > 1
    words = (f"The log-likelihood of the sample (n = {plot.n}), drawn "
             + ("along each parameter with the others held at their estimates, "
                if several else "")
             + "within 4 standard errors of the estimate (50% of its size where there is no "
               "standard error) and inside the parameter space. The dashed line and the dot "
               f"mark the estimate, where ℓ = {plot.log_likelihood:.6g}.")
    return {"number": number, "text": words, "curves": curves, "svg": svg}


def render_markdown(d: "Derivation", detail: Detail = "full",
                    plot: "LikelihoodPlot | None" = None, svg: str | None = None) -> str:
    """The derivation as Markdown with ``$…$`` and ``$$…$$`` math (GitHub, KaTeX).

    With ``plot`` (from :func:`symmle.plot.loglik_slices`) and ``svg``, the name of the SVG file
    that :func:`symmle.plot.write_svg` draws it into, a last section links the figure:
    ``![log-likelihood](svg)``."""
    ctx = _context(d, detail)
    if plot is not None:
        if svg is None:
            raise ValueError("a plot in Markdown is an SVG file: give svg=, its name")
        ctx["plot"] = _plot_context(d, plot, len(ctx["steps"]) + 1, svg)
    return environment().get_template("markdown/derivation.md.j2").render(ctx)


def render_latex(d: "Derivation", detail: Detail = "full", standalone: bool = False,
                 plot: "LikelihoodPlot | None" = None) -> str:
    """The derivation as LaTeX: a fragment to ``\\input`` into a document that loads amsmath and
    amssymb, or with ``standalone=True`` a complete document for pdflatex.

    With ``plot`` (from :func:`symmle.plot.loglik_slices`), a last section "The log-likelihood
    of the sample" draws ℓ around θ̂ with pgfplots, the coordinates inline: the fragment then
    needs ``\\usepackage{pgfplots}`` too (the standalone document loads it)."""
    name = "latex/standalone.tex.j2" if standalone else "latex/derivation.tex.j2"
    ctx = _context(d, detail)
    if plot is not None:
        ctx["plot"] = _plot_context(d, plot, len(ctx["steps"]) + 1)
    return environment().get_template(name).render(ctx)


def _prose(parts: tuple, names: dict[str, str]) -> str:
    return "".join(p if isinstance(p, str) else text(p, names) for p in parts)


def _width(s: str) -> int:
    """Columns a string takes in a terminal: combining marks (the hat of θ̂) take none."""
    return sum(not unicodedata.combining(c) for c in s)


def _is_block(obj: Any) -> bool:
    """Whether an object is shown as a block of rows: a matrix of two rows or more, or a sum
    or product shown in order (:class:`Terms`, :class:`Factors`) with one among its parts."""
    if isinstance(obj, sp.MatrixBase):
        return obj.rows > 1 and obj.cols > 0
    return isinstance(obj, (Terms, Factors)) and any(_is_block(a) for a in obj.args)


def _text_box(obj: Any, names: dict[str, str]) -> list[str]:
    """A displayed object as rows of text: a matrix of two rows or more as one bracketed row
    per matrix row, its columns aligned (also as a term or factor of a :class:`Terms` or
    :class:`Factors`: the Newton update θ − H⁻¹∇ℓ); anything else as one row."""
    if not _is_block(obj):
        return [text(obj, names)]
    if isinstance(obj, Terms):  # a − b + c, each term a box
        boxes: list[list[str]] = []
        for k, t in enumerate(obj.args):
            if k:
                boxes.append(["-" if _negative(t) else "+"])
                t = _negate(t) if _negative(t) else t
            boxes.append(_text_box(t, names) if _is_block(t) or not isinstance(t, sp.Add)
                         else [f"({text(t, names)})"])
        return _hstack(boxes, " ")
    if isinstance(obj, Factors):  # a*b, each factor a box
        boxes = []
        for k, f in enumerate(obj.args):
            boxes += [["*"]] * bool(k) + [_text_box(f, names) if _is_block(f) or not isinstance(
                f, (sp.Add, Terms)) else [f"({text(f, names)})"]]
        return _hstack(boxes, "")
    cells = [[text(e, names) for e in obj.row(j)] for j in range(obj.rows)]
    widths = [max(_width(row[k]) for row in cells) for k in range(obj.cols)]
    return ["[" + "  ".join(" " * (w - _width(c)) + c for c, w in zip(row, widths)) + "]"
            for row in cells]


def _hstack(boxes: list[list[str]], sep: str) -> list[str]:
    """Boxes of rows side by side, each centred on the middle row (the upper of two), padded
    to its width; trailing spaces kept (a caller strips the finished line)."""
    height = max(len(b) for b in boxes)
    rows = [""] * height
    for i, box in enumerate(boxes):
        width, top = max(_width(r) for r in box), (height - 1) // 2 - (len(box) - 1) // 2
        for k in range(height):
            piece = box[k - top] if 0 <= k - top < len(box) else ""
            rows[k] += (sep if i else "") + piece + " " * (width - _width(piece))
    return rows


def _text_line(line: Any, names: dict[str, str]) -> list[str]:
    """One displayed line as text, ``lhs = rhs ...`` indented; a matrix among its sides is an
    aligned block of rows, the relations on its middle row.

    Examples
    --------
    >>> from symmle.steps import eq
    >>> a, b = sp.symbols("a b")
    >>> print("\\n".join(_text_line(eq(sp.Symbol("H"), sp.Matrix([[a, 0], [0, b ** 2]])), {})))
         H = [a    0]
             [0  b^2]
    """
    head = "   " if line.lhs is None else text(line.lhs, names)
    boxes = [[head]] if line.lhs is None else [_text_box(line.lhs, names)]
    for rel, expr in line.chain:
        boxes += [[_TEXT_RELATIONS.get(rel, rel)], _text_box(expr, names)]
    return ["     " + r.rstrip() for r in _hstack(boxes, " ")]


def _text_heading(d: "Derivation", names: dict[str, str]) -> str:
    """The title, or the model as the text printer writes it (θ and x^(θ − 1), not theta and
    x**(theta - 1); ∞, not oo), with its support."""
    m = d.model
    if m.title:
        return unmarked(m.title)
    if hasattr(m, "covariates") or not hasattr(m, "density") or not hasattr(m, "support"):
        return m.describe()
    density = text(sp.Eq(Given(m.var, *m.params), m.density, evaluate=False), names)
    try:
        support = text(sp.Contains(m.var, m.support.as_set(), evaluate=False), names)
    except (AttributeError, NotImplementedError, TypeError, ValueError):  # its own words
        support = re.sub(r"(?<![A-Za-z])oo(?![A-Za-z])", "∞", m.support.describe(m.var.name))
    return f"{density}, {support}"


def plain_title(d: Any) -> str:
    """The model's title as one line of text: its own title, a table pmf's probabilities
    (``P(X = 0) = 2θ/3, ...``), or its density as the text printer writes it."""
    m = d.model
    names = names_of(m.latex_names)
    if not m.title and is_tabular(d):
        return "".join(p if isinstance(p, str) else text(p, names) for p in table_heading(m))
    return _text_heading(d, names)


def render_text(d: "Derivation", detail: Detail = "full") -> str:
    """Plain Unicode text, one block per step.

    Examples
    --------
    >>> from symmle import derive
    >>> print(render_text(derive("poisson")).splitlines()[0])
    MLE derivation: Poisson
    """
    names = names_of(d.model.latex_names)
    lines = [f"MLE derivation: {plain_title(d)}", ""]
    for k, step in enumerate(_visible(d.steps, detail), start=1):
        lines.append(f"{k}. {unmarked(step.heading)}")
        if step.text:
            lines.append(f"   {_prose(step.text, names)}")
        for block in step.blocks:
            if block.note:
                lines.append(f"   {_prose(block.note, names)}")
            for line in block.lines:
                lines.extend(_text_line(line, names))
        lines.append("")
    if d.warnings:
        lines.append("Warnings:")
        words = _words(d, names)
        lines.extend(f"  - {_prose(_warning(d, w, words), names)}" for w in d.warnings)
    return "\n".join(lines).rstrip() + "\n"


def index_entry(example: Any, d: Any) -> dict[str, Any]:
    """One line of the worked examples' index: title, folder and the MLE (or why there is none)."""
    from .errors import SymmleError

    entry = {"title": marked_prose(example.title), "folder": example.folder, "kind": example.kind,
             "seed": example.seed, "tex": not isinstance(d, SymmleError)}
    if isinstance(d, SymmleError):
        entry["line"] = (f"not derived yet ({type(d).__name__})",)
        return entry
    result = next((s for s in d.steps if s.kind == "result"), None)
    if result is None:
        entry["line"] = ("no closed form: the likelihood equations are solved numerically",)
        return entry
    line: list[Any] = []
    for k, row in enumerate(result.blocks[0].lines):
        line += ["; " if k else "", sp.Eq(row.lhs, row.chain[-1][1], evaluate=False)]
    entry["line"] = tuple(line)
    return entry


def repr_markdown(d: "Derivation") -> str:
    """Jupyter's ``_repr_markdown_``: the derivation in Markdown."""
    return render_markdown(d)


def repr_latex(d: "Derivation") -> str:
    """Jupyter's ``_repr_latex_``: the results as one display-math block (Jupyter renders a
    ``$$…$$`` string with MathJax, not a whole document)."""
    names = names_of(d.model.latex_names)
    rows = []
    for step in d.steps:
        if step.kind in ("result", "information"):
            for block in step.blocks:
                rows.extend(_line_tex(line, names) for line in block.lines)
    if not rows:
        rows = [_line_tex(line, names) for s in d.steps if s.kind == "score"
                for b in s.blocks for line in b.lines]
    return "$$\\begin{aligned}" + " \\\\ ".join(rows) + "\\end{aligned}$$"


def _braces(latex: str) -> str:
    """``\\{`` as ``\\lbrace``: Markdown processors eat the backslash of ``\\{``."""
    latex = re.sub(r"(?<!\\)\\([{}])(?=[A-Za-z])", lambda m: _BRACE[m.group(1)] + " ", latex)
    return re.sub(r"(?<!\\)\\([{}])", lambda m: _BRACE[m.group(1)], latex)


def _line_tex(line: Any, names: dict[str, str]) -> str:
    """``lhs &= rhs_1 = rhs_2 < 0``: one aligned line, broken into rows when it is long (a new
    row before a relation, or inside a long sum)."""
    rows: list[str] = []
    current = ("" if line.lhs is None else tex(line.lhs, names) + " ") + "&"
    width = 0 if line.lhs is None else len(text(line.lhs, names))
    for k, (rel, expr) in enumerate(line.chain):
        size = len(text(expr, names))
        if k and width + size > ROW:
            rows.append(current)
            current, width = "&", 0
        pieces = tex_rows(expr, names, limit=ROW - min(width, ROW // 2))
        current += ("" if current.endswith("&") else " ") + f"{_RELATIONS[rel]} {pieces[0]}"
        for piece in pieces[1:]:
            rows.append(current)
            current = r"&\quad " + piece
        width += size
    rows.append(current)
    return _braces(" \\\\\n".join(rows))


# --- escaping text -------------------------------------------------------------------------------

_TEX_SPECIALS = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                 "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                 "^": r"\textasciicircum{}"}
_TEX_MATH = {
    "<": "<", ">": ">", "|": "|", "ℓ": r"\ell", "∂": r"\partial", "Σ": r"\Sigma", "∑": r"\sum",
    "Π": r"\Pi", "∏": r"\prod", "≥": r"\geq", "≤": r"\leq", "≠": r"\neq", "∞": r"\infty",
    "→": r"\to", "⇒": r"\Rightarrow", "∈": r"\in", "·": r"\cdot", "×": r"\times",
    "√": r"\surd", "≈": r"\approx", "±": r"\pm", "−": "-", "⁴": "^{4}", "∇": r"\nabla", "∫": r"\int", "\ue000": "^{-1}", "\ue001": "_{(n)}", "\ue002": "_{(1)}",
    "²": "^{2}", "³": "^{3}", "ᵢ": "_{i}", "ₙ": "_{n}", "₁": "_{1}", "ᵀ": "^{T}",
    **{v: "\\" + k + " " for k, v in GREEK.items()},
    # the rest of the superscripts and subscripts the steps write (xᵢⱼ, ‖Xv‖², ℒ, x₁ + ⋯ + xₖ)
    **{c: "^{" + t + "}" for c, t in zip("⁰¹⁵⁶⁷⁸⁹⁺⁽⁾ʲʳʸˣᵃᵇᵏᵐ", "0156789+()jryxabkm")},
    **{c: "_{" + t + "}" for c, t in zip("₀₂₃₄₅₆₇₈₉₊₋₍₎ⱼₘₖₗₚₛₜ", "023456789+-()jmklpst")},
    "⁻": "^{-}", "‖": r"\|", "ℒ": r"\mathcal{L}", "⋯": r"\cdots", "⋮": r"\vdots", "⋅": r"\cdot",
    "←": r"\leftarrow", "ℝ": r"\mathbb{R}", "÷": r"\div", "½": r"\tfrac{1}{2}", "µ": r"\mu ",
    "∝": r"\propto", "∼": r"\sim", "≡": r"\equiv", "∀": r"\forall", "⊤": "^{T}",
    "ŷ": r"\hat{y}", "ȳ": r"\bar{y}", "Δ": r"\Delta ", "Θ": r"\Theta ", "Λ": r"\Lambda ",
    "Ξ": r"\Xi ", "Φ": r"\Phi ", "Ψ": r"\Psi ", "Ω": r"\Omega ", "ι": r"\iota ",
    "ϑ": r"\vartheta ", "ϕ": r"\phi ", "ϵ": r"\epsilon ", "ς": r"\varsigma ",
}
_TEX_TEXT = {"…": r"\ldots{}", "’": "'", "‘": "`", "“": "``", "”": "''", "—": "---", "–": "--",
             "\u00a0": "~"}


_ACCENTS = {"\u0303": "tilde", "\u0304": "bar"}  # combining tilde and macron


def escape_tex(value: Any) -> str:
    """Plain text made safe for LaTeX text mode; mathematical Unicode becomes inline math.

    Examples
    --------
    >>> print(escape_tex("p_hat in (0, 1) & 50% — ℓ'' < 0 for θ̂ ≥ 0"))
    p\\_hat in (0, 1) \\& 50\\% --- $\\ell$'' $<$ 0 for $\\hat{\\theta}$ $\\geq$ 0
    >>> print(escape_tex("x̃ the sample median"))
    $\\tilde{x}$ the sample median
    """
    tokens: list[list] = []  # [is_math, text]
    value = str(value).replace("⁻¹", "\ue000").replace("₍ₙ₎", "\ue001").replace("₍₁₎", "\ue002")
    for ch in value:
        if ch == "\u0302" and tokens and tokens[-1][0]:  # combining circumflex: θ̂
            tokens[-1][1] = rf"\hat{{{tokens[-1][1].strip()}}}"
            continue
        if ch in _ACCENTS and tokens and tokens[-1][1][-1:].isalpha():  # x̃, x̄: on the letter
            last, accented = tokens[-1][1][-1], rf"\{_ACCENTS[ch]}{{{tokens[-1][1][-1]}}}"
            tokens[-1][1] = tokens[-1][1][:-1]
            if tokens[-1][0]:
                tokens[-1][1] += accented
            else:
                tokens.append([True, accented])
            continue
        if ch in _TEX_MATH:
            piece, math = _TEX_MATH[ch], True
        elif ch in _TEX_SPECIALS:
            piece, math = _TEX_SPECIALS[ch], False
        elif ch in _TEX_TEXT:
            piece, math = _TEX_TEXT[ch], False
        else:
            piece, math = (ch, False) if ord(ch) < 128 else ("?", False)
        if tokens and tokens[-1][0] == math and math and not ch.isspace():
            tokens[-1][1] += piece
        else:
            tokens.append([math, piece])
    return "".join(f"${_join_scripts(t.strip())}$" if m else t for m, t in tokens)


MATH_MARK = "`"  # in a family's parameterization sentence, `1/λ` is mathematics
_TEX_WORDS = {"log": r"\log", "exp": r"\exp", "diag": r"\operatorname{diag}"}


def unicode_tex(plain: str) -> str:
    """LaTeX (math mode) for mathematics written as Unicode text, as the catalog's sentences
    write it: Greek letters, x², β₀, p1 (p₁), −, √(…) and e^(…); a word of three letters or
    more, or of two before a bracket, is upright (log, beta(θ, 1)); 2pr is 2·p·r.

    Raises
    ------
    ValueError
        On a character that has no LaTeX form here (so a sentence never shows "?").

    Examples
    --------
    >>> print(unicode_tex("λ/(1 − e^(−λ))"))
    \\lambda/(1 - e^{-\\lambda})
    >>> print(unicode_tex("σ√(2/π)"), unicode_tex("b√2"), unicode_tex("p3 = 1 − p1 − p2"))
    \\sigma\\sqrt{2/\\pi} b\\sqrt{2} p_{3} = 1 - p_{1} - p_{2}
    """
    out, i, n = [], 0, len(plain)
    while i < n:
        ch = plain[i]
        if ch in "√^" and plain[i + 1:i + 2] == "(":  # √(…) and e^(…): one group each
            depth, j = 0, i + 1
            while j < n and (depth := depth + (plain[j] == "(") - (plain[j] == ")")):
                j += 1
            if j >= n:
                raise ValueError(f"unbalanced parentheses in {plain!r}")
            inner = unicode_tex(plain[i + 2:j])
            out.append(rf"\sqrt{{{inner}}}" if ch == "√" else f"^{{{inner}}}")
            i = j + 1
            continue
        if ch == "√":  # √2, √n: the root of the number or symbol that follows
            arg = re.match(r"\d+|.", plain[i + 1:])
            if arg is None:
                raise ValueError(f"a root of nothing in {plain!r}")
            out.append(rf"\sqrt{{{unicode_tex(arg.group())}}}")
            i += 1 + len(arg.group())
            continue
        word = re.match(r"[A-Za-z]+", plain[i:])
        if word:
            w = word.group()
            if len(w) == 2 and w not in _TEX_WORDS and plain[i + 2:i + 3] != "(":
                w = w[0]  # 2pr is 2·p·r: two letters are two symbols, not a word
            if len(w) == 1:  # a symbol, its digits a subscript: p1 is p₁
                digits = re.match(r"\d+", plain[i + 1:])
                out.append(w + (f"_{{{digits.group()}}}" if digits else ""))
                i += 1 + (len(digits.group()) if digits else 0)
            else:
                out.append(_TEX_WORDS[w] + " " if w in _TEX_WORDS else rf"\mathrm{{{w}}}")
                i += len(w)
            continue
        if ch in _TEX_MATH:
            out.append(_TEX_MATH[ch])
        elif ch == "~":
            out.append(r"\sim ")
        elif ch.isascii() and ch not in "\\{}$%#&_":
            out.append(ch)
        else:
            raise ValueError(f"no LaTeX for {ch!r} in {plain!r}")
        i += 1
    latex = re.sub(r"\\([A-Za-z]+) (?=[^A-Za-z]|$)", r"\\\1", "".join(out))  # \pi / → \pi/
    return _join_scripts(latex.strip())


def marked_prose(sentence: str) -> tuple:
    """A sentence whose mathematics is marked, ```1/λ```, as prose parts: text, and
    :class:`~symmle.latex.Inline` math whose plain text is what was marked. Rendering never
    fails on a sentence: a span :func:`unicode_tex` cannot read stays text, and a sentence
    with an unclosed mark is all text (the catalog's tests hold its sentences to both).

    Examples
    --------
    >>> marked_prose("rate `λ`, not scale: mean `1/λ`.")[3]
    Inline('1/\\\\lambda', '1/λ')
    >>> marked_prose("odd `mark")
    ('odd mark',)
    """
    from .latex import Inline

    pieces = sentence.split(MATH_MARK)
    if len(pieces) % 2 == 0:
        return (unmarked(sentence),)

    def math(plain: str) -> Any:
        try:
            return Inline(unicode_tex(plain), plain)
        except ValueError:
            return plain
    return tuple(math(p) if k % 2 else p for k, p in enumerate(pieces) if p)


def unmarked(sentence: str) -> str:
    """The sentence as plain text: the marks of its mathematics removed."""
    return sentence.replace(MATH_MARK, "")


def _join_scripts(math: str) -> str:
    """xᵢⱼ and x¹⁰ as one script each (x_{ij}, x^{10}): two in a row are a LaTeX error."""
    for mark in "_^":
        pattern = re.compile(re.escape(mark) + r"\{([^{}]*)\}" + re.escape(mark) + r"\{([^{}]*)\}")
        while pattern.search(math):
            math = pattern.sub(mark + r"{\1\2}", math)
    return math


def strict_json(value: Any) -> Any:
    """NaN and ±∞ → None, through dicts, lists and tuples: JSON has no NaN or Infinity.

    Examples
    --------
    >>> strict_json({"l": float("nan"), "v": [1.5, float("inf")]})
    {'l': None, 'v': [1.5, None]}
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict_json(v) for v in value]
    return value


_MD_SPECIALS = re.compile(r"([\\`*_{}\[\]<>#|$~])")
# a run of mathematics in prose: a Unicode math character (ℓ, θ, ², ᵢ, ∇, −), with the letters
# and digits attached to it (σ², xₘ, yᵢ, ∇ℓ, −H, θ̂)
_MD_MATH_CHARS = "".join(sorted({c for c in _TEX_MATH if ord(c) > 127} | set(_ACCENTS)
                                | {"\u0302", "\ue000", "\ue001", "\ue002"}))
_MD_MATH = re.compile(f"[A-Za-z0-9]*(?:[{re.escape(_MD_MATH_CHARS)}][A-Za-z0-9]*)+")


def _math_run(run: str) -> str:
    """LaTeX (math mode) for one run of mathematics written in Unicode (σ², xₘ, θ̂, −H)."""
    out: list[str] = []
    for ch in run:
        if ch == "\u0302" and out:
            out[-1] = rf"\hat{{{out[-1]}}}"
        elif ch in _ACCENTS and out:
            out[-1] = rf"\{_ACCENTS[ch]}{{{out[-1]}}}"
        elif ch in _TEX_MATH:
            out.append(_TEX_MATH[ch].strip())
        else:
            out.append(ch)
    latex = ""
    for piece in out:  # a space only between a command and a letter: \theta x, not \thetax
        sep = " " if re.search(r"\\[A-Za-z]+$", latex) and piece[:1].isalpha() else ""
        latex += sep + piece
    return _join_scripts(latex)


def escape_md(value: Any) -> str:
    """Plain text made safe for Markdown (no emphasis, links, HTML or math by accident); its
    mathematics written in Unicode (ℓ, σ², xᵢ) becomes inline math, as the formulas around it.

    Examples
    --------
    >>> escape_md("sqrt(p)*sqrt(1 - p) for p_hat in [0, 1]")
    'sqrt(p)\\\\*sqrt(1 - p) for p\\\\_hat in \\\\[0, 1\\\\]'
    >>> print(escape_md("Normal, mean μ and variance σ²: ℓ is concave in θ̂"))
    Normal, mean $\\mu$ and variance $\\sigma^{2}$: $\\ell$ is concave in $\\hat{\\theta}$
    """
    plain = str(value).replace("⁻¹", "\ue000").replace("₍ₙ₎", "\ue001").replace("₍₁₎", "\ue002")
    out, last = [], 0
    for m in _MD_MATH.finditer(plain):
        out.append(_MD_SPECIALS.sub(r"\\\1", plain[last:m.start()]))
        out.append(f"${_math_run(m.group())}$")
        last = m.end()
    out.append(_MD_SPECIALS.sub(r"\\\1", plain[last:]))
    return "".join(out)


class RenderMixin:
    """``to_markdown``, ``to_latex``, ``to_text``, ``to_json`` (of the class's ``to_dict``)
    and Jupyter's ``_repr_markdown_``/``_repr_latex_`` for the derivations:
    :class:`~symmle.derivation.Derivation` (``class Derivation(RenderMixin)``), the conditional
    and the vector ones."""

    def __getstate__(self) -> dict:
        """Pickled without the caches kept in ``__dict__`` under names that start with "_"
        (compiled NumPy functions, memo tables): they are rebuilt on first use, and compiled
        functions cannot be pickled (a derivation sent to a worker process)."""
        return {k: v for k, v in self.__dict__.items() if not k.startswith("_")}

    def to_json(self, indent: int | None = 2) -> str:
        """The derivation as JSON (the keys of ``to_dict``: ``parameters``, ``closed_form``,
        ``mle``, ``method``, ``fisher_information``, ``second_order``, ``warnings`` and more)."""
        import json

        return json.dumps(strict_json(self.to_dict()), indent=indent,  # type: ignore[attr-defined]
                          ensure_ascii=False, allow_nan=False)

    def to_text(self) -> str:
        """A plain-text account of the derivation, step by step."""
        return render_text(self)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.to_text()

    def to_markdown(self, detail: Detail = "full", plot: "LikelihoodPlot | None" = None,
                    svg: str | None = None) -> str:
        """The derivation as Markdown (see :func:`render_markdown`)."""
        return render_markdown(self, detail, plot, svg)  # type: ignore[arg-type]

    def to_latex(self, detail: Detail = "full", standalone: bool = False,
                 plot: "LikelihoodPlot | None" = None) -> str:
        """The derivation as LaTeX (see :func:`render_latex`)."""
        return render_latex(self, detail, standalone, plot)  # type: ignore[arg-type]

    def plot_data(self, data: Any, known_values: Mapping[str, float] | None = None,
                  ) -> "LikelihoodPlot":
        """ℓ of a sample around θ̂, one slice per parameter (see
        :func:`symmle.plot.loglik_slices`); pass it to ``to_latex(plot=...)``.

        Examples
        --------
        >>> from symmle import derive
        >>> d = derive("poisson")
        >>> plot = d.plot_data([1, 2, 3, 4])
        >>> plot.curves[0].estimate
        2.5
        >>> "The log-likelihood of the sample" in d.to_latex(plot=plot)
        True
        """
        from .plot import loglik_slices

        return loglik_slices(self, data, known_values=known_values)  # type: ignore[arg-type]

    def _repr_markdown_(self) -> str:
        return repr_markdown(self)  # type: ignore[arg-type]

    def _repr_latex_(self) -> str:
        return repr_latex(self)  # type: ignore[arg-type]
