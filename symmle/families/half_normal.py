"""Half-normal.

    f(x | σ) = (√(2/π)/σ) exp(−x² / (2σ²))

Parameterization: scale σ of the folded N(0, σ²), not σ² and not the mean σ√(2/π).

Parameters
----------
σ ∈ (0, ∞), the scale of the underlying normal.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="half_normal",
    title="Half-normal",
    density="sqrt(2/pi)/sigma*exp(-x**2/(2*sigma**2))",
    params={"sigma": "positive"},
    support="x > 0",
    parameterization=(
        "scale `σ` of the folded `N(0, σ²)`, not `σ²` and not the mean `σ√(2/π)`."
    ),
    known={},
    var="x",
    aliases=("halfnormal", "halfnorm"),
    latex_names={},
)
