"""Exponential, rate λ.

    f(x | λ) = λ e^(−λx)

Parameterization: rate λ, not scale: mean 1/λ.

Parameters
----------
λ ∈ (0, ∞), the rate.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="exponential",
    title="Exponential, rate λ",
    density="lambda*exp(-lambda*x)",
    params={"lambda": "positive"},
    support="x > 0",
    parameterization="rate `λ`, not scale: mean `1/λ`.",
    known={},
    var="x",
    aliases=("exp", "expon", "exponential_rate"),
    latex_names={},
)
