"""Log-normal.

    f(x | μ, σ²) = (x √(2πσ²))⁻¹ exp(−(log x − μ)² / (2σ²))

Parameterization: mean μ and variance σ² of log X (not the mean and variance of X; σ² not σ).

Parameters
----------
μ ∈ ℝ and σ² ∈ (0, ∞), the mean and variance of log X.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="lognormal",
    title="Log-normal",
    density="exp(-(log(x)-mu)**2/(2*sigma2))/(x*sqrt(2*pi*sigma2))",
    params={"mu": "real", "sigma2": "positive"},
    support="x > 0",
    parameterization=(
        "mean `μ` and variance `σ²` of `log X` (not the mean and variance of `X`; `σ²` not "
        "`σ`)."
    ),
    known={},
    var="x",
    aliases=("log_normal", "lognorm"),
    latex_names={"sigma2": r"\sigma^{2}"},
)
