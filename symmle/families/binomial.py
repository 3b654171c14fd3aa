"""Binomial, success probability p with m trials known.

    f(x | p) = C(m, x) pˣ (1 − p)ᵐ⁻ˣ

Parameterization: success probability p per trial, with the number of trials m known; x counts
successes.

Parameters
----------
p ∈ (0, 1), the success probability of each trial.

Known constants
---------------
m ∈ {1, 2, 3, ...}, the number of trials (known).

Support
-------
x ∈ {0, 1, ..., m}.
"""
from ._base import Family

FAMILY = Family(
    name="binomial",
    title="Binomial, success probability `p` with `m` trials known",
    density="binomial(m, x)*p**x*(1-p)**(m-x)",
    params={"p": "(0, 1)"},
    support="{0, 1, ..., m}",
    parameterization=(
        "success probability `p` per trial, with the number of trials `m` known; `x` counts "
        "successes."
    ),
    known={"m": "positive integer"},
    var="x",
    aliases=("binom", "binomial_known_trials"),
    latex_names={},
)
