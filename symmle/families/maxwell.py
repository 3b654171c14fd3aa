"""Maxwell–Boltzmann.

    f(x | a) = √(2/π) x² exp(−x² / (2a²)) / a³

Parameterization: scale a, not a²: mean 2a√(2/π).

Parameters
----------
a ∈ (0, ∞), the scale.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="maxwell",
    title="Maxwell–Boltzmann",
    density="sqrt(2/pi)*x**2*exp(-x**2/(2*a**2))/a**3",
    params={"a": "positive"},
    support="x > 0",
    parameterization="scale `a`, not `a²`: mean `2a√(2/π)`.",
    known={},
    var="x",
    aliases=("maxwell_boltzmann",),
    latex_names={},
)
