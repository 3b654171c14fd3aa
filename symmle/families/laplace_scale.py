"""Laplace, scale b with location μ known.

    f(x | b) = exp(−|x − μ| / b) / (2b)

Parameterization: scale b = E|X − μ|, not rate and not the standard deviation b√2, with the
location μ known.

Parameters
----------
b ∈ (0, ∞), the scale (the mean absolute deviation).

Known constants
---------------
μ ∈ ℝ, the location (known).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="laplace_scale",
    title="Laplace, scale `b` with location μ known",
    density="exp(-Abs(x-mu)/b)/(2*b)",
    params={"b": "positive"},
    support="-oo < x < oo",
    parameterization=(
        "scale `b = E|X − μ|`, not rate and not the standard deviation `b√2`, with the "
        "location `μ` known."
    ),
    known={"mu": "real"},
    var="x",
    aliases=("laplace_known_location", "double_exponential_scale"),
    latex_names={},
)
