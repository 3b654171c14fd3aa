"""Negative binomial, failures before the r-th success.

    f(x | p) = C(x + r − 1, x) pʳ (1 − p)ˣ

Parameterization: success probability p with r known; x counts the failures before the r-th success
(mean r(1 − p)/p), not the trials, and not the mean/dispersion form.

Parameters
----------
p ∈ (0, 1), the success probability of each trial.

Known constants
---------------
r ∈ {1, 2, 3, ...}, the number of successes to wait for (known).

Support
-------
x ∈ {0, 1, 2, ...}.
"""
from ._base import Family

FAMILY = Family(
    name="negative_binomial",
    title="Negative binomial, failures before the `r`-th success",
    density="binomial(x+r-1, x)*p**r*(1-p)**x",
    params={"p": "(0, 1)"},
    support="{0, 1, 2, ...}",
    parameterization=(
        "success probability `p` with `r` known; `x` counts the failures before the `r`-th "
        "success (mean `r(1 − p)/p`), not the trials, and not the mean/dispersion form."
    ),
    known={"r": "positive integer"},
    var="x",
    aliases=("negbin", "nbinom", "negative_binomial_known_r"),
    latex_names={},
)
