"""Catalog families whose observation is a vector (``--var x1,x2,x3``), with equality
constraints on their parameters. Declared like the scalar families (a model, never an answer),
each in its own file, listed here by hand.

Examples
--------
>>> [f.name for f in VECTOR_FAMILIES]
['multinomial', 'hardy_weinberg']
>>> get_vector("HWE").name
'hardy_weinberg'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

__all__ = ["VectorFamily", "VECTOR_FAMILIES", "get_vector"]


@dataclass(frozen=True)
class VectorFamily:
    """A named model of a vector observation.

    Parameters
    ----------
    name, title, density, params, parameterization, known, aliases, latex_names
        As in :class:`symmle.families.Family`.
    var
        The components, separated by commas (``"x1,x2,x3"``).
    support
        Equations, then the components' common set:
        ``"x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}"``.
    constraints
        Equality constraints on the parameters (``("p1 + p2 + p3 = 1",)``).

    Examples
    --------
    >>> VectorFamily(name="coin", title="One toss as a pair", density="p**x1*(1-p)**x2",
    ...              params={"p": "(0, 1)"}, support="x1 + x2 = 1, x1, x2 in {0,1}",
    ...              parameterization="p = P(heads)", var="x1,x2").var
    'x1,x2'
    """

    name: str
    title: str
    density: str
    params: Mapping[str, str]
    support: str
    parameterization: str
    var: str
    known: Mapping[str, str] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    latex_names: Mapping[str, str] = field(default_factory=dict)
    constraints: tuple[str, ...] = ()


def _families() -> tuple[VectorFamily, ...]:
    from . import hardy_weinberg, multinomial

    return (multinomial.FAMILY, hardy_weinberg.FAMILY)


VECTOR_FAMILIES: tuple[VectorFamily, ...] = _families()


def _key(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def get_vector(name: str) -> VectorFamily | None:
    """The vector family called ``name`` (or an alias), or ``None``."""
    if not isinstance(name, str) or len(name) > 200:
        return None
    key = _key(name)
    for f in VECTOR_FAMILIES:
        if key in {_key(k) for k in (f.name, *f.aliases)}:
            return f
    return None
