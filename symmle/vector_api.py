"""Routing to the vector machinery: when ``derive``/``fit`` (and the command line) get a vector
observation (``var="x1,x2,x3"``), equality constraints (``"p1 + p2 + p3 = 1"``) or the name of a
vector family (``"multinomial"``, ``"hardy_weinberg"``), they hand over to
:func:`symmle.constrained.derive_vector` and :func:`symmle.vector_fit.fit_vector`.

Examples
--------
>>> vector_request("multinomial", None, ()), vector_request("poisson", None, ())
(True, False)
>>> derive_request("hardy_weinberg").mle["p"]
(2*Sum(x1[i], (i, 1, n)) + Sum(x2[i], (i, 1, n)))/(2*m*n)
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

from .errors import ModelSpecError, UnknownNameError
from .families._vector import VectorFamily, get_vector
from .vector import VectorModel, build_vector_model, is_vector_spec

__all__ = ["vector_request", "vector_model", "derive_request", "fit_request"]


def vector_request(model: Any, var: str | None, constraints: Sequence[str] | None) -> bool:
    """Whether a request is for the vector machinery (see the module docstring)."""
    if isinstance(model, (VectorModel, VectorFamily)):
        return True
    if is_vector_spec(var) or constraints:
        return True
    return isinstance(model, str) and get_vector(model) is not None


def vector_model(model: Any, *, var: str | None = None, params: Any = None, known: Any = None,
                 support: str | None = None, constraints: Sequence[str] | None = None,
                 ) -> VectorModel:
    """The :class:`~symmle.vector.VectorModel` of a family name or a density string.

    Examples
    --------
    >>> vector_model("multinomial").constraints
    (p1 + p2 + p3 - 1,)
    """
    if isinstance(model, VectorModel):
        return model
    fam = model if isinstance(model, VectorFamily) else (
        get_vector(model) if isinstance(model, str) else None)
    if fam is not None:
        if params or support or constraints or (var not in (None, "x", fam.var)):
            raise ModelSpecError(f"the family {fam.name!r} declares its own variables, "
                                 "parameters, support and constraints", where="family")
        for name in (known or {}):
            name = str(name).split(":")[0].strip()
            if name not in fam.known:
                raise UnknownNameError(f"known constant {name!r}: the family {fam.name!r} has no "
                                       f"known constant of that name (it has: "
                                       f"{', '.join(fam.known) or 'none'})", where="known constant")
        return build_vector_model(fam.density, var=fam.var, params=dict(fam.params),
                                  known=dict(fam.known), support=fam.support,
                                  constraints=fam.constraints, name=fam.name, title=fam.title,
                                  parameterization=fam.parameterization,
                                  latex_names=dict(fam.latex_names))
    if not isinstance(model, str):
        raise ModelSpecError("a vector model is a density string or a vector family's name")
    if not is_vector_spec(var):
        raise ModelSpecError("equality constraints go with a vector observation: name its "
                             "components with --var x1,x2,x3", where="constraint")
    return build_vector_model(model, var=var, params=params, known=known, support=support,
                              constraints=tuple(constraints or ()))


def derive_request(model: Any, *, var: str | None = None, params: Any = None, known: Any = None,
                   support: str | None = None, constraints: Sequence[str] | None = None,
                   timeout: float = 30.0, normalize_check: bool = True, **ignored: Any) -> Any:
    """:func:`symmle.constrained.derive_vector` for a family name or a density string."""
    from .bounded import budget
    from .constrained import derive_vector

    with budget(timeout):
        vm = vector_model(model, var=var, params=params, known=known, support=support,
                          constraints=constraints)
    return derive_vector(None, var=",".join(v.name for v in vm.vars), model=vm, timeout=timeout,
                         normalize_check=normalize_check)


def fit_request(model: Any, data: Any, *, known_values: Mapping[str, float] | None = None,
                derivation: Any = None, **options: Any) -> Any:
    """:func:`symmle.vector_fit.fit_vector` after deriving (or with ``derivation``)."""
    from .vector_fit import fit_vector

    d = derivation if derivation is not None else derive_request(model, **options)
    return fit_vector(d, data, known_values=known_values)
