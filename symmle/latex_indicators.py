"""Indicators in the LaTeX translator: ``\\mathbb{1}\\{x_{(n)} \\le \\theta\\}``,
``I(x > 0)``, ``1_{[0, \\theta]}(x)``; in a claim a product of ``ind_le``/``ind_lt``, in a
density the plain comparison ``(x == 0)``.
"""
from __future__ import annotations

import re

from .latex_scan import _split_commas

_INDICATOR_RELATIONS = {"=": "==", "==": "==", "≤": "<=", "≥": ">=", "≠": "!=", "le": "<=",
                        "leq": "<=", "leqslant": "<=", "ge": ">=", "geq": ">=",
                        "geqslant": ">=", "lt": "<", "gt": ">", "ne": "!=", "neq": "!="}
# where the sides of an indicator's condition end (with '=', which ends any term)
_RELATION_STOPS = ("<", ">", "≤", "≥", "≠", "\\le ", "\\le{", "\\leq", "\\leqslant",
                   "\\ge ", "\\ge{", "\\geq", "\\geqslant", "\\lt", "\\gt", "\\ne ",
                   "\\neq")
_RELATION = re.compile(r"\\(?:leqslant|geqslant|leq|geq|le|ge|lt|gt)(?![A-Za-z])|<=|>=|[<>≤≥]")


class _Indicators:
    """Indicators of a condition (a mixin of the translator)."""

    def any_indicator(self, start: int) -> str:
        """An indicator after its ``1``, ``I`` or ``\\mathbb{1}``: in a density the plain
        ``(x == 0)`` (:meth:`density_indicator`), in a claim ``ind_le``/``ind_lt``
        (:meth:`indicator`), as each parser reads them."""
        if self.where.startswith("density"):
            return self.density_indicator(start)
        return self.indicator(start)

    def density_indicator(self, start: int) -> str:
        """The condition of ``\\mathbb{1}\\{x = 0\\}``, ``\\mathbf{1}_{\\{x=0\\}}``,
        ``\\mathbb{1}_{x \\geq 1}`` or ``\\mathbb{1}(x > 0)``, as the plain ``(x == 0)``: one
        comparison or a chain of them (``=`` is ``==``)."""
        self.skip_space()
        closers = []
        if self.text.startswith("_", self.i):
            self.i += 1
            self.skip_space()
            if not self.text.startswith("{", self.i):
                raise self.fail("write the indicator as \\mathbb{1}_{x = 0}")
            self.i += 1
            closers.append("}")
            self.skip_space()
        for opener, closer in (("\\left\\{", "\\right\\}"), ("\\left(", "\\right)"),
                               ("\\{", "\\}"), ("\\lbrace", "\\rbrace"), ("(", ")")):
            if self.text.startswith(opener, self.i):
                self.i += len(opener)
                closers.append(closer)
                break
        if not closers:
            raise self.fail("write the indicator as \\mathbb{1}\\{x = 0\\} or "
                            "\\mathbb{1}_{x = 0}", start)
        self.enter()
        parts = [self.expr(stop=_RELATION_STOPS)]
        while True:
            self.skip_space()
            op = self.relation()
            if op is None:
                break
            parts += [op, self.expr(stop=_RELATION_STOPS)]
        if len(parts) == 1:
            raise self.fail("an indicator needs a condition such as x = 0", start)
        for closer in reversed(closers):
            self.skip_space()
            if not self.text.startswith(closer, self.i):
                raise self.fail(f"expected '{closer}' closing the indicator's condition")
            self.i += len(closer)
        self.depth -= 1
        return self.postfix(f"({' '.join(parts)})")

    def relation(self) -> str | None:
        """A comparison at the current position (``=``, ``<``, ``\\leq``, ``\\neq``, ...) as
        the plain operator, or None."""
        m = re.compile(r"==?|<=?|>=?|≤|≥|≠|\\([A-Za-z]+)").match(self.text, self.i)
        if not m:
            return None
        if m.group(1) is not None and m.group(1) not in _INDICATOR_RELATIONS:
            return None
        self.i = m.end()
        token = m.group(1) or m.group()
        return _INDICATOR_RELATIONS.get(token, token)

    def looks_like_indicator(self) -> bool:
        """``I`` or ``1`` followed by a group holding a relation (``I(x_{(n)} \\le \\theta)``,
        ``1_{\\{x > 0\\}}``, ``I_{[0, \\theta]}(x_{(n)})``): an indicator, as nothing else
        written so has a relation inside."""
        m = re.compile(r"[I1]\s*(_\s*)?(\\left\s*)?(\\\{|[({\[])").match(self.text, self.i)
        if m is None:
            return False
        depth, j = 0, m.end() - 1
        while j < len(self.text):
            depth += self.text[j] in "({["
            depth -= self.text[j] in ")}]"
            if depth == 0:
                break
            j += 1
        inner = self.text[m.end() - 1:j + 1]
        return bool(_RELATION.search(inner)) or (m.group(1) is not None and "," in inner)

    def part(self, a: int, b: int) -> str:
        """The text ``[a, b)`` translated on its own, errors at their place in the claim."""
        if not self.text[a:b].strip():
            raise self.fail("expected an expression", a)
        return self.translate_at(a, self.text[a:b])

    def indicator(self, start: int) -> str:
        """``\\mathbb{1}\\{a \\le b < c\\}``, ``\\mathbb{1}_{\\{a \\le b\\}}``,
        ``\\mathbb{1}_{[a, b]}(y)``: a product of ``ind_le(a, b)``/``ind_lt(a, b)``, one per
        relation (an end at ``\\infty`` gives none)."""
        self.skip_space()
        if self.text.startswith("_", self.i):
            self.i += 1
            a, b = self.bracketed()
            inner = self.text[a:b].strip()
            if inner[:1] in "([" and inner[-1:] in ")]" and "," in inner:  # 1_{[a, b]}(y)
                lo_open, hi_open = inner[0] == "(", inner[-1] == ")"
                first = self.text.index(inner[0], a) + 1
                comma = first + _split_commas(self.text[first:b])[0].__len__()
                last = a + len(self.text[a:b].rstrip()) - 1
                ya, yb = self.bracketed()
                y = self.part(ya, yb)
                out = []
                for lo, hi, is_open, left in ((first, comma, lo_open, True),
                                              (comma + 1, last, hi_open, False)):
                    if re.fullmatch(r"\s*[+-]?\s*\\infty\s*", self.text[lo:hi]):
                        continue
                    end = self.part(lo, hi)
                    rel = "ind_lt" if is_open else "ind_le"
                    out.append(f"{rel}({end}, {y})" if left else f"{rel}({y}, {end})")
                return "(" + " * ".join(out or ["1"]) + ")"
            if inner.startswith("\\{") or inner.startswith("\\left"):
                self.i, keep = a, self.i
                a, b = self.bracketed()
                self.i = keep
        else:
            a, b = self.bracketed()
        return self.relations(a, b, start)

    def relations(self, a: int, b: int, start: int) -> str:
        """``a \\le b < c`` between ``a`` and ``b`` as ``ind_le(a, b) * ind_lt(b, c)``."""
        pieces = list(_RELATION.finditer(self.text, a, b))
        if not pieces:
            raise self.fail("an indicator takes a condition such as x_{(n)} \\le \\theta", start)
        bounds, cuts = [a], []
        for m in pieces:
            cuts.append(m)
            bounds.append(m.start())
            bounds.append(m.end())
        bounds.append(b)
        sides = [self.part(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]
        out = []
        for k, m in enumerate(cuts):
            op = m.group(0).strip().lstrip("\\")
            left, right = sides[k], sides[k + 1]
            if op in (">", "ge", "geq", "geqslant", "gt", "≥"):
                left, right = right, left
            strict = op in ("<", ">", "lt", "gt")
            out.append(f"{'ind_lt' if strict else 'ind_le'}({left}, {right})")
        return "(" + " * ".join(out) + ")"

