"""Shifted exponential, location θ with rate 1.

    f(x | θ) = e^(−(x − θ))

Parameterization: location θ = lower end of the support, with the rate fixed at 1.

Parameters
----------
θ ∈ ℝ, the location (the lower end of the support).

Support
-------
x ≥ θ (the support moves with θ).
"""
from ._base import Family

FAMILY = Family(
    name="shifted_exponential",
    title="Shifted exponential, location θ with rate 1",
    density="exp(-(x-theta))",
    params={"theta": "real"},
    support="x >= theta",
    parameterization="location `θ` = lower end of the support, with the rate fixed at 1.",
    known={},
    var="x",
    aliases=("exponential_location",),
    latex_names={},
)
