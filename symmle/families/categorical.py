"""Categorical on three categories.

    f(x | p₁, p₂) = p₁^((x−2)(x−3)/2) · p₂^(−(x−1)(x−3)) · (1 − p₁ − p₂)^((x−1)(x−2)/2)

    The exponents are the indicator polynomials of the categories on {1, 2, 3}:
    (x−2)(x−3)/2 is 1 at x = 1 and 0 at x = 2, 3; −(x−1)(x−3) is 1 only at x = 2;
    (x−1)(x−2)/2 is 1 only at x = 3. So f(k) = p_k with p₃ = 1 − p₁ − p₂.

Parameterization: free probabilities p1 = P(X = 1) and p2 = P(X = 2); p3 = 1 − p1 − p2 is not a
parameter.

Parameters
----------
p₁ ∈ (0, 1) and p₂ ∈ (0, 1), the probabilities of categories 1 and 2, with p₁ + p₂ < 1.

Support
-------
x ∈ {1, 2, 3}.
"""
from ._base import Family

FAMILY = Family(
    name="categorical",
    title="Categorical on three categories",
    density="p1**((x-2)*(x-3)/2)*p2**(-(x-1)*(x-3))*(1-p1-p2)**((x-1)*(x-2)/2)",
    params={"p1": "(0, 1)", "p2": "(0, 1)"},
    support="{1, 2, 3}",
    parameterization=(
        "free probabilities `p1 = P(X = 1)` and `p2 = P(X = 2)`; `p3 = 1 − p1 − p2` is "
        "not a "
        "parameter."
    ),
    known={},
    var="x",
    aliases=("categorical3", "multinoulli"),
    latex_names={"p1": r"p_{1}", "p2": r"p_{2}"},
    constraints=("p1 + p2 < 1",),
)
