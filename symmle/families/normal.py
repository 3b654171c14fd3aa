"""Normal, mean μ and variance σ².

    f(x | μ, σ²) = (2πσ²)^(−1/2) exp(−(x − μ)² / (2σ²))

Parameterization: mean μ and variance σ², not standard deviation σ.

Parameters
----------
μ ∈ ℝ, the mean; σ² ∈ (0, ∞), the variance.

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="normal",
    title="Normal, mean μ and variance σ²",
    density="exp(-(x-mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)",
    params={"mu": "real", "sigma2": "positive"},
    support="-oo < x < oo",
    parameterization="mean `μ` and variance `σ²`, not standard deviation `σ`.",
    known={},
    var="x",
    aliases=("gaussian", "norm"),
    latex_names={"sigma2": r"\sigma^{2}"},
)
