"""Discrete uniform on {1, ..., N}.

    f(x | N) = 1/N

Parameterization: largest value N (the number of categories), not the mean (N + 1)/2.

Parameters
----------
N ∈ {1, 2, 3, ...}, the largest value.

Support
-------
x ∈ {1, 2, ..., N} (the support moves with N).
"""
from ._base import Family

FAMILY = Family(
    name="discrete_uniform",
    title="Discrete uniform on {1, ..., N}",
    density="1/N",
    params={"N": "positive integer"},
    support="{1, 2, ..., N}",
    parameterization="largest value `N` (the number of categories), not the mean `(N + 1)/2`.",
    known={},
    var="x",
    aliases=("uniform_discrete", "german_tank"),
    latex_names={},
)
