"""Zero-truncated Poisson.

    f(x | λ) = λˣ e^(−λ) / (x! (1 − e^(−λ)))

Parameterization: rate λ of the Poisson before truncation (the mean is λ/(1 − e^(−λ)), not λ).

Parameters
----------
λ ∈ (0, ∞), the rate of the untruncated Poisson.

Support
-------
x ∈ {1, 2, 3, ...}.
"""
from ._base import Family

FAMILY = Family(
    name="zero_truncated_poisson",
    title="Zero-truncated Poisson",
    density="lambda**x*exp(-lambda)/(factorial(x)*(1-exp(-lambda)))",
    params={"lambda": "positive"},
    support="{1, 2, 3, ...}",
    parameterization=(
        "rate `λ` of the Poisson before truncation (the mean is `λ/(1 − e^(−λ))`, not "
        "`λ`)."
    ),
    known={},
    var="x",
    aliases=("ztp", "positive_poisson"),
    latex_names={},
)
