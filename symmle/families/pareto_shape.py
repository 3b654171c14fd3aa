"""Pareto, shape α with scale xₘ known.

    f(x | α) = α xₘᵅ / xᵅ⁺¹

Parameterization: shape α (tail index), with the scale xₘ known.

Parameters
----------
α ∈ (0, ∞), the shape (tail index).

Known constants
---------------
xₘ ∈ (0, ∞), the scale, the lower end of the support (known).

Support
-------
x ≥ xₘ.
"""
from ._base import Family

FAMILY = Family(
    name="pareto_shape",
    title="Pareto, shape α with scale xₘ known",
    density="alpha*xm**alpha/x**(alpha+1)",
    params={"alpha": "positive"},
    support="x >= xm",
    parameterization="shape `α` (tail index), with the scale `xₘ` known.",
    known={"xm": "positive"},
    var="x",
    aliases=("pareto_known_scale",),
    latex_names={"xm": r"x_{m}"},
)
