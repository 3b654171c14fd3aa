"""Bernoulli.

    f(x | p) = pˣ (1 − p)¹⁻ˣ

Parameterization: success probability p = P(X = 1), not the odds.

Parameters
----------
p ∈ (0, 1), the probability of success (x = 1).

Support
-------
x ∈ {0, 1}.
"""
from ._base import Family

FAMILY = Family(
    name="bernoulli",
    title="Bernoulli",
    density="p**x*(1-p)**(1-x)",
    params={"p": "(0, 1)"},
    support="{0, 1}",
    parameterization="success probability `p = P(X = 1)`, not the odds.",
    known={},
    var="x",
    aliases=("bern",),
    latex_names={},
)
