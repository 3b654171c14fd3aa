"""Rayleigh.

    f(x | σ) = (x/σ²) exp(−x² / (2σ²))

Parameterization: scale σ, not σ²: mean σ√(π/2).

Parameters
----------
σ ∈ (0, ∞), the scale.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="rayleigh",
    title="Rayleigh",
    density="x/sigma**2*exp(-x**2/(2*sigma**2))",
    params={"sigma": "positive"},
    support="x > 0",
    parameterization="scale `σ`, not `σ²`: mean `σ√(π/2)`.",
    known={},
    var="x",
    aliases=(),
    latex_names={},
)
