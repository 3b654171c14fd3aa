"""The family catalog: an explicit, ordered registry of named models.

Each family lives in its own module, ``symmle/families/<name>.py``, which declares one
:class:`~symmle.families._base.Family` called ``FAMILY`` (a model, never an answer). The list
below is written out by hand, as in Distributions.jl's ``src/univariates.jl``: adding a family
means adding a file and one line here; nothing is discovered by scanning the directory.

Examples
--------
>>> get("Poisson").name
'poisson'
>>> get("normal known-mean").name
'normal_variance'
>>> names()[:3]
['bernoulli', 'binomial', 'geometric']
"""
from __future__ import annotations

import difflib

from ..errors import ModelSpecError
from ._base import Family
from . import (
    bernoulli,
    binomial,
    geometric,
    geometric_failures,
    poisson,
    negative_binomial,
    categorical,
    exponential,
    exponential_scale,
    normal_mean,
    normal_variance,
    normal,
    lognormal,
    gamma_rate,
    gamma,
    beta,
    power,
    weibull_scale,
    weibull,
    rayleigh,
    maxwell,
    half_normal,
    pareto_shape,
    pareto,
    uniform,
    uniform_ab,
    laplace_scale,
    laplace,
    inverse_gaussian,
    cauchy,
    logistic,
    gumbel,
    gumbel_location,
    zero_truncated_poisson,
    discrete_uniform,
    shifted_exponential,
    shifted_exponential_two,
)
from . import linear_regression, logistic_regression, poisson_regression

__all__ = ["FAMILIES", "CONDITIONAL_FAMILIES", "Family", "get", "names", "conditional_family",
           "catalog_entries", "KINDS"]

FAMILIES: tuple[Family, ...] = (
    bernoulli.FAMILY,
    binomial.FAMILY,
    geometric.FAMILY,
    geometric_failures.FAMILY,
    poisson.FAMILY,
    negative_binomial.FAMILY,
    categorical.FAMILY,
    exponential.FAMILY,
    exponential_scale.FAMILY,
    normal_mean.FAMILY,
    normal_variance.FAMILY,
    normal.FAMILY,
    lognormal.FAMILY,
    gamma_rate.FAMILY,
    gamma.FAMILY,
    beta.FAMILY,
    power.FAMILY,
    weibull_scale.FAMILY,
    weibull.FAMILY,
    rayleigh.FAMILY,
    maxwell.FAMILY,
    half_normal.FAMILY,
    pareto_shape.FAMILY,
    pareto.FAMILY,
    uniform.FAMILY,
    uniform_ab.FAMILY,
    laplace_scale.FAMILY,
    laplace.FAMILY,
    inverse_gaussian.FAMILY,
    cauchy.FAMILY,
    logistic.FAMILY,
    gumbel.FAMILY,
    gumbel_location.FAMILY,
    zero_truncated_poisson.FAMILY,
    discrete_uniform.FAMILY,
    shifted_exponential.FAMILY,
    shifted_exponential_two.FAMILY,
)


# conditional models f(y | x, θ): derived by symmle.conditional, kept apart from the i.i.d.
# catalog above (whose every entry ``derive`` and ``fit`` take as one sample)
CONDITIONAL_FAMILIES: tuple[Family, ...] = (
    linear_regression.FAMILY,
    logistic_regression.FAMILY,
    poisson_regression.FAMILY,
)


def conditional_family(name: str) -> Family | None:
    """The conditional (regression) family called ``name``, or ``None``.

    Examples
    --------
    >>> conditional_family("logistic_regression").covariates
    ('x',)
    >>> conditional_family("poisson") is None
    True
    """
    if not isinstance(name, str) or len(name) > 100:
        return None
    key = _key(name)
    for family in CONDITIONAL_FAMILIES:
        if key in (_key(k) for k in (family.name, *family.aliases)):
            return family
    return None


def _key(name: str) -> str:
    """Normalise a catalog name: lower case, ``-`` and spaces become ``_``."""
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def _build_index(families: tuple[Family, ...]) -> dict[str, Family]:
    index: dict[str, Family] = {}
    for family in families:
        for key in (family.name, *family.aliases):
            norm = _key(key)
            if norm in index:
                raise RuntimeError(f"catalog key {norm!r} is used by both "
                                   f"{index[norm].name!r} and {family.name!r}")
            index[norm] = family
    return index


_INDEX = _build_index(FAMILIES)


def names() -> list[str]:
    """The catalog names of all families, in catalog order (aliases not included).

    Examples
    --------
    >>> "exponential" in names() and "exp" not in names()
    True
    """
    return [family.name for family in FAMILIES]


def get(name: str) -> Family:
    """The family called ``name`` (a catalog name or an alias).

    Parameters
    ----------
    name
        Matched case-insensitively; ``-`` and spaces count as ``_``.

    Returns
    -------
    Family

    Raises
    ------
    ModelSpecError
        If no family or alias has that name; the message suggests close matches.

    Examples
    --------
    >>> get("Gaussian").name
    'normal'
    >>> get("poison")
    Traceback (most recent call last):
    ...
    symmle.errors.ModelSpecError: unknown family 'poison'; did you mean 'poisson' or 'pois' (poisson)?
    """
    if not isinstance(name, str):
        raise ModelSpecError(f"a family name must be a string, not {type(name).__name__}")
    key = _key(name)
    try:
        return _INDEX[key]
    except KeyError:
        pass
    raise ModelSpecError(_unknown_message(name, key), where="family")


def _unknown_message(name: str, key: str) -> str:
    matches = (difflib.get_close_matches(key, list(_INDEX), n=3, cutoff=0.6)
               or difflib.get_close_matches(key, list(_INDEX), n=3, cutoff=0.3))
    if not matches:
        return f"unknown family {name!r}; known families: {', '.join(names())}"
    shown = []
    for match in matches:
        family = _INDEX[match]
        shown.append(repr(match) if match == family.name else f"{match!r} ({family.name})")
    if len(shown) == 1:
        return f"unknown family {name!r}; did you mean {shown[0]}?"
    return f"unknown family {name!r}; did you mean {', '.join(shown[:-1])} or {shown[-1]}?"


# what each kind of family takes as data (the catalog's "kind" and "data")
KINDS: dict[str, str] = {
    "one-sample": "one sample of {var}: numbers, one per observation",
    "conditional": "response {var}, covariates {covariates}: one row per observation",
    "vector": "vector {variables}: one row per observation, or grouped counts (category,count)",
}


def catalog_entries() -> list[dict]:
    """Every named model as plain data, in catalog order: the one-sample families, then the
    conditional (regression) families, then the vector families. Every entry has the keys
    ``name``, ``title``, ``density``, ``params``, ``known``, ``support``, ``parameterization``,
    ``aliases``, ``kind`` (``one-sample``, ``conditional`` or ``vector``) and ``data`` (what
    the model takes, in words); a conditional entry adds ``response`` and ``covariates``, a
    vector entry ``variables`` and ``constraints``.

    Examples
    --------
    >>> entries = catalog_entries()
    >>> [(e["name"], e["kind"]) for e in entries][-5:]  # doctest: +NORMALIZE_WHITESPACE
    [('linear_regression', 'conditional'), ('logistic_regression', 'conditional'),
     ('poisson_regression', 'conditional'), ('multinomial', 'vector'),
     ('hardy_weinberg', 'vector')]
    >>> entries[-1]["data"]
    'vector x1,x2,x3: one row per observation, or grouped counts (category,count)'
    """
    from ..render import unmarked
    from ._vector import VECTOR_FAMILIES

    def common(f) -> dict:
        return {"name": f.name, "title": unmarked(f.title), "density": f.density,
                "params": dict(f.params), "known": dict(f.known), "support": f.support,
                "parameterization": unmarked(f.parameterization), "aliases": list(f.aliases)}

    out = []
    for f in FAMILIES:
        out.append({**common(f), "kind": "one-sample",
                    "data": KINDS["one-sample"].format(var=f.var)})
    for f in CONDITIONAL_FAMILIES:
        out.append({**common(f), "kind": "conditional",
                    "data": KINDS["conditional"].format(var=f.var,
                                                        covariates=",".join(f.covariates)),
                    "response": f.var, "covariates": list(f.covariates)})
    for f in VECTOR_FAMILIES:
        out.append({**common(f), "kind": "vector",
                    "data": KINDS["vector"].format(variables=f.var),
                    "variables": f.var.split(","), "constraints": list(f.constraints)})
    return out
