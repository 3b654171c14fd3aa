"""Power function, Beta(θ, 1).

    f(x | θ) = θ xᶿ⁻¹

Parameterization: exponent θ of the power-function law, i.e. beta(θ, 1); −log X is exponential with
rate θ.

Parameters
----------
θ ∈ (0, ∞), the exponent.

Support
-------
0 < x < 1.
"""
from ._base import Family

FAMILY = Family(
    name="power",
    title="Power function, Beta`(θ, 1)`",
    density="theta*x**(theta-1)",
    params={"theta": "positive"},
    support="0 < x < 1",
    parameterization=(
        "exponent `θ` of the power-function law, i.e. `beta(θ, 1)`; `−log X` is exponential "
        "with rate `θ`."
    ),
    known={},
    var="x",
    aliases=("power_function", "beta_theta_1"),
    latex_names={},
)
