"""Pareto, shape α and scale xₘ.

    f(x | α, xₘ) = α xₘᵅ / xᵅ⁺¹

Parameterization: shape α (tail index) and scale xₘ, the lower end of the support.

Parameters
----------
α ∈ (0, ∞), the shape (tail index); xₘ ∈ (0, ∞), the scale.

Support
-------
x ≥ xₘ (the support moves with xₘ).
"""
from ._base import Family

FAMILY = Family(
    name="pareto",
    title="Pareto, shape α and scale xₘ",
    density="alpha*xm**alpha/x**(alpha+1)",
    params={"alpha": "positive", "xm": "positive"},
    support="x >= xm",
    parameterization="shape `α` (tail index) and scale `xₘ`, the lower end of the support.",
    known={},
    var="x",
    aliases=("pareto_type_i",),
    latex_names={"xm": r"x_{m}"},
)
