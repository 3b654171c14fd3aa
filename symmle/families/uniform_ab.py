"""Uniform on [a, b].

    f(x | a, b) = 1/(b − a)

Parameterization: the two ends a < b of the interval, not its centre and width.

Parameters
----------
a ∈ ℝ and b ∈ ℝ, the ends, with a < b.

Support
-------
a ≤ x ≤ b (the support moves with a and b).
"""
from ._base import Family

FAMILY = Family(
    name="uniform_ab",
    title="Uniform on `[a, b]`",
    density="1/(b-a)",
    params={"a": "real", "b": "real"},
    support="a <= x <= b",
    parameterization="the two ends `a < b` of the interval, not its centre and width.",
    known={},
    var="x",
    aliases=("uniform_two", "rectangular"),
    latex_names={},
)
