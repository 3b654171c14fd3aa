"""Gamma, shape α and rate β.

    f(x | α, β) = βᵅ xᵅ⁻¹ e^(−βx) / Γ(α)

Parameterization: shape α and rate β, not scale: mean α/β.

Parameters
----------
α ∈ (0, ∞), the shape; β ∈ (0, ∞), the rate.

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="gamma",
    title="Gamma, shape α and rate β",
    density="beta**alpha*x**(alpha-1)*exp(-beta*x)/Gamma(alpha)",
    params={"alpha": "positive", "beta": "positive"},
    support="x > 0",
    parameterization="shape `α` and rate `β`, not scale: mean `α/β`.",
    known={},
    var="x",
    aliases=("gamma_shape_rate",),
    latex_names={},
)
