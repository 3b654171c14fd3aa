"""Poisson.

    f(x | λ) = λˣ e^(−λ) / x!

Parameterization: rate λ = mean = variance, not its reciprocal.

Parameters
----------
λ ∈ (0, ∞), the rate.

Support
-------
x ∈ {0, 1, 2, ...}.
"""
from ._base import Family

FAMILY = Family(
    name="poisson",
    title="Poisson",
    density="lambda**x*exp(-lambda)/factorial(x)",
    params={"lambda": "positive"},
    support="{0, 1, 2, ...}",
    parameterization="rate `λ` = mean = variance, not its reciprocal.",
    known={},
    var="x",
    aliases=("pois",),
    latex_names={},
)
