"""Laplace, location μ and scale b.

    f(x | μ, b) = exp(−|x − μ| / b) / (2b)

Parameterization: location μ (median) and scale b = E|X − μ|, not rate and not the standard
deviation.

Parameters
----------
μ ∈ ℝ, the location (the median); b ∈ (0, ∞), the scale.

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="laplace",
    title="Laplace, location μ and scale `b`",
    density="exp(-Abs(x-mu)/b)/(2*b)",
    params={"mu": "real", "b": "positive"},
    support="-oo < x < oo",
    parameterization=(
        "location `μ` (median) and scale `b = E|X − μ|`, not rate and not the standard "
        "deviation."
    ),
    known={},
    var="x",
    aliases=("double_exponential",),
    latex_names={},
)
