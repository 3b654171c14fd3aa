"""Inverse Gaussian (Wald).

    f(x | μ, λ) = √(λ / (2πx³)) exp(−λ (x − μ)² / (2μ²x))

Parameterization: mean μ and shape λ (variance μ³/λ), not SciPy's invgauss(μ/λ, scale=λ).

Parameters
----------
μ ∈ (0, ∞), the mean; λ ∈ (0, ∞), the shape.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="inverse_gaussian",
    title="Inverse Gaussian (Wald)",
    density="sqrt(lambda/(2*pi*x**3))*exp(-lambda*(x-mu)**2/(2*mu**2*x))",
    params={"mu": "positive", "lambda": "positive"},
    support="x > 0",
    parameterization=(
        "mean `μ` and shape `λ` (variance `μ³/λ`), not SciPy's "
        "`invgauss(μ/λ, scale=λ)`."
    ),
    known={},
    var="x",
    aliases=("wald", "invgauss"),
    latex_names={},
)
