"""The declaration every catalog family makes: a model, never an answer.

A family file (``symmle/families/<name>.py``) holds one :class:`Family` named ``FAMILY`` and a
module docstring that states the density in mathematics and names its parameterization. The
engine derives everything else; textbook answers live in the tests, as what the derivation is
checked against.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping


@dataclass(frozen=True)
class Family:
    """A named model.

    Parameters
    ----------
    name
        Catalog key, lower case with underscores (``"normal_variance"``).
    title
        Human name (``"Normal, variance σ² with mean μ known"``).
    density
        The pmf or pdf in symmle's string syntax (whitelisted; see :mod:`symmle.parsing`).
    params
        Unknown parameters in order, name → domain string (``"positive"``, ``"(0, 1)"``, ``"real"``).
    support
        The support in symmle's syntax (``"x > 0"``, ``"{0, 1, 2, ...}"``, ``"0 < x < theta"``).
    parameterization
        One sentence naming the parameterization, its mathematics marked with backticks
        (``"rate `λ`, not scale: mean `1/λ`"``): typeset in Markdown and LaTeX, plain Unicode
        in text and JSON (see :func:`symmle.render.marked_prose`).
    known
        Known constants, name → domain string.
    var
        The observation variable.
    aliases
        Other catalog names that reach this family.
    latex_names
        LaTeX for symbol names SymPy would print badly (``{"sigma2": r"\\sigma^{2}"}``).
    constraints
        Joint restrictions of the parameter space beyond the domains, as strict inequalities
        (``("p1 + p2 < 1",)`` for probabilities on a simplex).
    covariates
        For a conditional model f(y | x, θ) (regression): the covariates, observed but not
        modelled; ``var`` is then the response.

    Examples
    --------
    >>> Family(name="poisson", title="Poisson", density="exp(-lam)*lam**x/factorial(x)",
    ...        params={"lam": "positive"}, support="{0, 1, 2, ...}",
    ...        parameterization="rate λ = mean").params
    {'lam': 'positive'}
    """

    name: str
    title: str
    density: str
    params: Mapping[str, str]
    support: str
    parameterization: str
    known: Mapping[str, str] = field(default_factory=dict)
    var: str = "x"
    aliases: tuple[str, ...] = ()
    latex_names: Mapping[str, str] = field(default_factory=dict)
    constraints: tuple[str, ...] = ()
    covariates: tuple[str, ...] = ()
