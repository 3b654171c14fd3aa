"""Weibull, shape k and scale λ.

    f(x | k, λ) = (k/λ) (x/λ)ᵏ⁻¹ exp(−(x/λ)ᵏ)

Parameterization: shape k and scale λ, not rate.

Parameters
----------
k ∈ (0, ∞), the shape; λ ∈ (0, ∞), the scale.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="weibull",
    title="Weibull, shape `k` and scale λ",
    density="k/lambda*(x/lambda)**(k-1)*exp(-(x/lambda)**k)",
    params={"k": "positive", "lambda": "positive"},
    support="x > 0",
    parameterization="shape `k` and scale `λ`, not rate.",
    known={},
    var="x",
    aliases=("weibull_min",),
    latex_names={},
)
