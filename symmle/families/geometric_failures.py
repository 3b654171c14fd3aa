"""Geometric, number of failures before the first success.

    f(x | p) = p (1 − p)ˣ

Parameterization: success probability p, with x the number of failures before the first success
(mean (1 − p)/p), not the number of trials.

Parameters
----------
p ∈ (0, 1), the success probability of each trial.

Support
-------
x ∈ {0, 1, 2, ...}.
"""
from ._base import Family

FAMILY = Family(
    name="geometric_failures",
    title="Geometric, number of failures before the first success",
    density="p*(1-p)**x",
    params={"p": "(0, 1)"},
    support="{0, 1, 2, ...}",
    parameterization=(
        "success probability `p`, with `x` the number of failures before the first success (mean "
        "`(1 − p)/p`), not the number of trials."
    ),
    known={},
    var="x",
    aliases=("geometric_zero_based", "geometric0"),
    latex_names={},
)
