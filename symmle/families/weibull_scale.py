"""Weibull, scale λ with shape k known.

    f(x | λ) = (k/λ) (x/λ)ᵏ⁻¹ exp(−(x/λ)ᵏ)

Parameterization: scale λ, not rate, with the shape k known.

Parameters
----------
λ ∈ (0, ∞), the scale.

Known constants
---------------
k ∈ (0, ∞), the shape (known).

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="weibull_scale",
    title="Weibull, scale λ with shape `k` known",
    density="k/lambda*(x/lambda)**(k-1)*exp(-(x/lambda)**k)",
    params={"lambda": "positive"},
    support="x > 0",
    parameterization="scale `λ`, not rate, with the shape `k` known.",
    known={"k": "positive"},
    var="x",
    aliases=("weibull_known_shape",),
    latex_names={},
)
