"""Geometric, number of trials up to the first success.

    f(x | p) = p (1 − p)ˣ⁻¹

Parameterization: success probability p, with x the number of trials up to and including the first
success (mean 1/p), not the number of failures.

Parameters
----------
p ∈ (0, 1), the success probability of each trial.

Support
-------
x ∈ {1, 2, 3, ...}.
"""
from ._base import Family

FAMILY = Family(
    name="geometric",
    title="Geometric, number of trials up to the first success",
    density="p*(1-p)**(x-1)",
    params={"p": "(0, 1)"},
    support="{1, 2, 3, ...}",
    parameterization=(
        "success probability `p`, with `x` the number of trials up to and including the first "
        "success (mean `1/p`), not the number of failures."
    ),
    known={},
    var="x",
    aliases=("geometric_trials", "geom"),
    latex_names={},
)
