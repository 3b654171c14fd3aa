"""Normal, mean μ with variance σ² known.

    f(x | μ) = (2πσ²)^(−1/2) exp(−(x − μ)² / (2σ²))

Parameterization: mean μ, with the variance σ² (not the standard deviation σ) known.

Parameters
----------
μ ∈ ℝ, the mean.

Known constants
---------------
σ² ∈ (0, ∞), the variance (known).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="normal_mean",
    title="Normal, mean μ with variance σ² known",
    density="exp(-(x-mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)",
    params={"mu": "real"},
    support="-oo < x < oo",
    parameterization="mean `μ`, with the variance `σ²` (not the standard deviation `σ`) known.",
    known={"sigma2": "positive"},
    var="x",
    aliases=("normal_known_variance", "gaussian_mean"),
    latex_names={"sigma2": r"\sigma^{2}"},
)
