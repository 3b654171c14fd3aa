"""Logistic, location μ with scale 1.

    f(x | μ) = e^(−(x − μ)) / (1 + e^(−(x − μ)))²

Parameterization: location μ = mean, with the scale fixed at 1 (variance π²/3).

Parameters
----------
μ ∈ ℝ, the location (mean and median).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="logistic",
    title="Logistic, location μ with scale 1",
    density="exp(-(x-mu))/(1+exp(-(x-mu)))**2",
    params={"mu": "real"},
    support="-oo < x < oo",
    parameterization="location `μ` = mean, with the scale fixed at 1 (variance `π²/3`).",
    known={},
    var="x",
    aliases=("logistic_location",),
    latex_names={},
)
