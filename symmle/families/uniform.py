"""Uniform on (0, θ).

    f(x | θ) = 1/θ

Parameterization: upper end θ of the interval (0, θ), not the mean θ/2.

Parameters
----------
θ ∈ (0, ∞), the upper end.

Support
-------
0 < x < θ (the support moves with θ).
"""
from ._base import Family

FAMILY = Family(
    name="uniform",
    title="Uniform on `(0, θ)`",
    density="1/theta",
    params={"theta": "positive"},
    support="0 < x < theta",
    parameterization="upper end `θ` of the interval `(0, θ)`, not the mean `θ/2`.",
    known={},
    var="x",
    aliases=("uniform_0_theta",),
    latex_names={},
)
