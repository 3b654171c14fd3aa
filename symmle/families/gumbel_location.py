"""Gumbel (maximum), location μ with scale β known.

    f(x | μ) = (1/β) exp(−((x − μ)/β + e^(−(x − μ)/β)))

Parameterization: location μ (mode) of the maximum Gumbel law, with the scale β known.

Parameters
----------
μ ∈ ℝ, the location (the mode).

Known constants
---------------
β ∈ (0, ∞), the scale (known).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="gumbel_location",
    title="Gumbel (maximum), location μ with scale β known",
    density="(1/beta)*exp(-((x-mu)/beta + exp(-(x-mu)/beta)))",
    params={"mu": "real"},
    support="-oo < x < oo",
    parameterization="location `μ` (mode) of the maximum Gumbel law, with the scale `β` known.",
    known={"beta": "positive"},
    var="x",
    aliases=("gumbel_known_scale",),
    latex_names={},
)
