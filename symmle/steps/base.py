"""The data of a derivation's steps: :class:`Step` s of :class:`Block` s of aligned
:class:`Line` s, each line a left side and a chain of relations to SymPy objects.

Examples
--------
>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> list(Step("demo", "Demo", ("why",), (Block(chain(x, [x + 1, 1 + x, 2 * x])),)).equations())
[(x, x + 1), (x, 2*x)]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import sympy as sp

from ..latex import text as text_of

__all__ = ["Line", "Block", "Step", "Prose", "eq", "chain"]

Prose = tuple[Any, ...]  # strings and SymPy objects (inline math)


@dataclass(frozen=True)
class Line:
    """One aligned line: ``lhs`` then a chain of (relation, expression); ``lhs`` None continues
    the line above. Relations: ``=``, ``<``, ``>``, ``<=``, ``>=``."""

    lhs: sp.Basic | None
    chain: tuple[tuple[str, sp.Basic], ...]


@dataclass(frozen=True)
class Block:
    """Aligned lines, introduced by a short note (prose) when it has one."""

    lines: tuple[Line, ...]
    note: Prose = ()
    brief: bool = True


@dataclass(frozen=True)
class Step:
    """One step: a short heading, a sentence of justification (prose) and the mathematics;
    ``brief`` steps and blocks are the ones ``--detail brief`` keeps."""

    kind: str
    heading: str
    text: Prose
    blocks: tuple[Block, ...] = ()
    brief: bool = True

    @property
    def heading_prose(self) -> Prose:
        """The heading as prose parts: its marked mathematics (```μ```) as inline math."""
        from ..render import marked_prose

        return marked_prose(self.heading)

    @property
    def math(self) -> tuple[sp.Basic, ...]:
        """Every equation of the step as ``sp.Eq(lhs, rhs, evaluate=False)``."""
        return tuple(sp.Eq(a, b, evaluate=False) for a, b in self.equations())

    def equations(self) -> Iterator[tuple[sp.Basic, sp.Basic]]:
        """(lhs, rhs) for every ``=`` of the step, in order (a chain gives one per link)."""
        for block in self.blocks:
            lhs = None
            for line in block.lines:
                lhs = line.lhs if line.lhs is not None else lhs
                for rel, expr in line.chain:
                    if rel == "=" and lhs is not None:
                        yield lhs, expr


def eq(lhs: sp.Basic | None, *rhs: sp.Basic, rel: str = "=") -> Line:
    """The line ``lhs = rhs[0] = rhs[1] ...``, its last link with relation ``rel``."""
    links = tuple(("=", r) for r in rhs[:-1]) + ((rel, rhs[-1]),)
    return Line(lhs, links)


def chain(lhs: sp.Basic, forms: Sequence[sp.Basic | None]) -> tuple[Line, ...]:
    """``lhs = f₀`` and a continuation line ``= f_k`` per further form that prints differently."""
    kept: list[sp.Basic] = []
    for f in forms:
        if f is not None and all(text_of(f) != text_of(k) for k in kept):
            kept.append(f)
    return tuple(Line(lhs if k == 0 else None, (("=", f),)) for k, f in enumerate(kept))
