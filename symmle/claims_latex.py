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
``(x == 0)``, in a claimed likelihood ``ind_le``/``ind_lt``); it refuses every other command
with its position (``\\input``, ``\\write18``, ``\\def``, ...). Its output goes to the
whitelist parser of :mod:`symmle.claims`; nothing here builds SymPy objects. Length and nesting
are bounded before any recursion.

The translator is in stages, one module each: :mod:`symmle.latex_scan` (bounds, pasted
Unicode, the position in the text, brace matching), :mod:`symmle.latex_commands` (the whitelist
of commands and their messages), :mod:`symmle.latex_indexed` (subscripts, sums, products,
order statistics), :mod:`symmle.latex_indicators`, :mod:`symmle.latex_grammar` (terms and
factors) and :mod:`symmle.latex_matrix`; this module is their entry point.
"""
from __future__ import annotations

from .errors import ParseError
from .latex_commands import _GREEK  # noqa: F401 - imported from here by claims
from .latex_grammar import _Latex
from .latex_matrix import MATRIX_ENVIRONMENTS, latex_matrix
from .latex_scan import _fail
from .latex_scan import _split_commas  # noqa: F401 - used by latex_model
from .latex_scan import MAX_DEPTH, MAX_LENGTH, _from_unicode, is_latex

__all__ = ["latex_to_plain", "latex_matrix", "is_latex", "MAX_LENGTH", "MAX_DEPTH",
           "MATRIX_ENVIRONMENTS"]


def latex_to_plain(text: str, var: str = "x", where: str = "claim",
                   others: tuple[str, ...] = (), names: tuple[str, ...] = ()) -> str:
    """Translate a LaTeX claim into symmle's plain claim syntax (no SymPy involved).

    ``var`` is the observation, ``others`` the covariates of a conditional model, ``names``
    the model's parameters and known constants (a sum's index or an ``N`` that is one of them
    is refused, not guessed at).

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
    lead = len(text) - len(text.lstrip().lstrip("$").lstrip())  # positions are in ``text``
    if stripped.startswith("\\[") and stripped.endswith("\\]"):
        stripped, lead = stripped[2:-2], lead + 2
    try:
        return _Latex(stripped, var, where, tuple(others), tuple(names)).translate()
    except ParseError as err:
        reason = getattr(err, "reason", None)
        if not lead or reason is None or err.position is None:
            raise
        raise _fail(reason, text, err.position + lead, where) from None
    except RecursionError:  # the depth bound should come first; never a traceback
        raise ParseError(f"input nested too deeply (more than {MAX_DEPTH} levels)",
                         where=where) from None
