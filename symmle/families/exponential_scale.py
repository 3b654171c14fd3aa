"""Exponential, scale θ.

    f(x | θ) = e^(−x/θ) / θ

Parameterization: scale θ = mean, not rate: the rate is 1/θ.

Parameters
----------
θ ∈ (0, ∞), the scale (the mean).

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="exponential_scale",
    title="Exponential, scale θ",
    density="exp(-x/theta)/theta",
    params={"theta": "positive"},
    support="x > 0",
    parameterization="scale `θ` = mean, not rate: the rate is `1/θ`.",
    known={},
    var="x",
    aliases=("exponential_mean",),
    latex_names={},
)
