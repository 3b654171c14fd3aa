"""Cauchy, location θ with scale 1.

    f(x | θ) = 1 / (π (1 + (x − θ)²))

Parameterization: location θ (median; there is no mean), with the scale fixed at 1.

Parameters
----------
θ ∈ ℝ, the location (the median).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="cauchy",
    title="Cauchy, location θ with scale 1",
    density="1/(pi*(1+(x-theta)**2))",
    params={"theta": "real"},
    support="-oo < x < oo",
    parameterization="location `θ` (median; there is no mean), with the scale fixed at 1.",
    known={},
    var="x",
    aliases=("cauchy_location",),
    latex_names={},
)
