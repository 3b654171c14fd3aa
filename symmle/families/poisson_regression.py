"""Poisson regression with the log link (a conditional model).

    f(y | x; β₀, β₁) = μʸ e^(−μ) / y!,   μ = e^(β₀ + β₁x)

Parameterization: log mean β₀ + β₁x (the log link).

Parameters
----------
β₀ ∈ ℝ, β₁ ∈ ℝ.

Support
-------
y ∈ {0, 1, 2, ...}, given the covariate x ∈ ℝ.
"""
from ._base import Family

FAMILY = Family(
    name="poisson_regression",
    title="Poisson regression, log link",
    density="exp(-exp(b0 + b1*x))*exp(b0 + b1*x)**y/factorial(y)",
    params={"b0": "real", "b1": "real"},
    support="{0, 1, 2, ...}",
    parameterization="log mean `β₀ + β₁x` (the log link).",
    known={},
    var="y",
    aliases=("loglinear_regression",),
    latex_names={"b0": r"\beta_{0}", "b1": r"\beta_{1}"},
    covariates=("x",),
)
