"""Beta.

    f(x | a, b) = xᵃ⁻¹ (1 − x)ᵇ⁻¹ / B(a, b),    B the beta function

Parameterization: shapes a and b (mean a/(a + b)), not mean and precision.

Parameters
----------
a ∈ (0, ∞) and b ∈ (0, ∞), the two shapes.

Support
-------
0 < x < 1.
"""
from ._base import Family

FAMILY = Family(
    name="beta",
    title="Beta",
    density="x**(a-1)*(1-x)**(b-1)/Beta(a, b)",
    params={"a": "positive", "b": "positive"},
    support="0 < x < 1",
    parameterization="shapes `a` and `b` (mean `a/(a + b)`), not mean and precision.",
    known={},
    var="x",
    aliases=("beta_distribution",),
    latex_names={},
)
