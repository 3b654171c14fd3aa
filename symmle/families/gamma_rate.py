"""Gamma, rate β with shape α known.

    f(x | β) = βᵅ xᵅ⁻¹ e^(−βx) / Γ(α)

Parameterization: rate β, not scale (mean α/β), with the shape α known.

Parameters
----------
β ∈ (0, ∞), the rate.

Known constants
---------------
α ∈ (0, ∞), the shape (known).

Support
-------
x > 0.
"""
from ._base import Family

FAMILY = Family(
    name="gamma_rate",
    title="Gamma, rate β with shape α known",
    density="beta**alpha*x**(alpha-1)*exp(-beta*x)/Gamma(alpha)",
    params={"beta": "positive"},
    support="x > 0",
    parameterization="rate `β`, not scale (mean `α/β`), with the shape `α` known.",
    known={"alpha": "positive"},
    var="x",
    aliases=("gamma_known_shape",),
    latex_names={},
)
