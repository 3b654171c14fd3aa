"""Simple linear regression with Gaussian noise (a conditional model).

    f(y | x; β₀, β₁, σ²) = exp(−(y − β₀ − β₁x)² / (2σ²)) / √(2πσ²)

Parameterization: mean β₀ + β₁x, noise variance σ² (not the standard deviation).

Parameters
----------
β₀ ∈ ℝ, β₁ ∈ ℝ, σ² ∈ (0, ∞).

Support
-------
y ∈ ℝ, given the covariate x ∈ ℝ.
"""
from ._base import Family

FAMILY = Family(
    name="linear_regression",
    title="Linear regression, Gaussian noise",
    density="exp(-(y - b0 - b1*x)**2/(2*sigma2))/sqrt(2*pi*sigma2)",
    params={"b0": "real", "b1": "real", "sigma2": "positive"},
    support="-oo < y < oo",
    parameterization="mean `β₀ + β₁x`, noise variance `σ²` (not the standard deviation).",
    known={},
    var="y",
    aliases=("ols", "simple_linear_regression"),
    latex_names={"b0": r"\beta_{0}", "b1": r"\beta_{1}", "sigma2": r"\sigma^{2}"},
    covariates=("x",),
)
