"""Normal, variance σ² with mean μ known.

    f(x | σ²) = (2πσ²)^(−1/2) exp(−(x − μ)² / (2σ²))

Parameterization: variance σ², not standard deviation σ, with the mean μ known.

Parameters
----------
σ² ∈ (0, ∞), the variance.

Known constants
---------------
μ ∈ ℝ, the mean (known).

Support
-------
−∞ < x < ∞.
"""
from ._base import Family

FAMILY = Family(
    name="normal_variance",
    title="Normal, variance σ² with mean μ known",
    density="exp(-(x-mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)",
    params={"sigma2": "positive"},
    support="-oo < x < oo",
    parameterization="variance `σ²`, not standard deviation `σ`, with the mean `μ` known.",
    known={"mu": "real"},
    var="x",
    aliases=("normal_known_mean", "gaussian_variance"),
    latex_names={"sigma2": r"\sigma^{2}"},
)
