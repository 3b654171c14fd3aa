"""Logistic regression (a conditional model): a Bernoulli response with a logit link.

    f(y | x; β₀, β₁) = pʸ (1 − p)^(1−y),   p = 1 / (1 + e^(−(β₀ + β₁x)))

Parameterization: log-odds of success β₀ + β₁x (the logit link).

Parameters
----------
β₀ ∈ ℝ, β₁ ∈ ℝ.

Support
-------
y ∈ {0, 1}, given the covariate x ∈ ℝ.
"""
from ._base import Family

FAMILY = Family(
    name="logistic_regression",
    title="Logistic regression",
    density="(1/(1 + exp(-(b0 + b1*x))))**y*(1 - 1/(1 + exp(-(b0 + b1*x))))**(1 - y)",
    params={"b0": "real", "b1": "real"},
    support="{0, 1}",
    parameterization="log-odds of success `β₀ + β₁x` (the logit link).",
    known={},
    var="y",
    aliases=("logit_regression",),
    latex_names={"b0": r"\beta_{0}", "b1": r"\beta_{1}"},
    covariates=("x",),
)
