"""Gumbel (maximum), location μ and scale β.

    f(x | μ, β) = (1/β) exp(−((x − μ)/β + e^(−(x − μ)/β)))

Parameterization: location μ (mode) and scale β of the maximum (right-skewed) Gumbel law; mean μ +
γβ.

Parameters
----------
μ ∈ ℝ, the location (the mode); β ∈ (0, ∞), the scale.

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="gumbel",
    title="Gumbel (maximum), location μ and scale β",
    density="(1/beta)*exp(-((x-mu)/beta + exp(-(x-mu)/beta)))",
    params={"mu": "real", "beta": "positive"},
    support="-oo < x < oo",
    parameterization=(
        "location `μ` (mode) and scale `β` of the maximum (right-skewed) Gumbel law; mean "
        "`μ + γβ`."
    ),
    known={},
    var="x",
    aliases=("gumbel_max", "gumbel_r", "extreme_value"),
    latex_names={},
)
