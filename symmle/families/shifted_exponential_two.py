"""Shifted exponential, location θ and rate λ.

    f(x | θ, λ) = λ e^(−λ(x − θ))

Parameterization: location θ = lower end of the support and rate λ, not scale: mean θ + 1/λ.

Parameters
----------
θ ∈ ℝ, the location (the lower end of the support); λ ∈ (0, ∞), the rate.

Support
-------
x ≥ θ (the support moves with θ).
"""
from ._base import Family

FAMILY = Family(
    name="shifted_exponential_two",
    title="Shifted exponential, location θ and rate λ",
    density="lambda*exp(-lambda*(x-theta))",
    params={"theta": "real", "lambda": "positive"},
    support="x >= theta",
    parameterization=(
        "location `θ` = lower end of the support and rate `λ`, not scale: mean `θ + 1/λ`."
    ),
    known={},
    var="x",
    aliases=("two_parameter_exponential", "exponential_location_rate"),
    latex_names={},
)
