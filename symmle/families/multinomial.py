"""Multinomial with three categories and m trials per observation.

    f(x₁, x₂, x₃ | p₁, p₂, p₃) = m!/(x₁! x₂! x₃!) · p₁^x₁ · p₂^x₂ · p₃^x₃

Parameterization: the three category probabilities p₁, p₂, p₃, tied by the constraint
p₁ + p₂ + p₃ = 1 (handled by a Lagrange multiplier, not by dropping one of them); m, the number
of trials in one observation, is known.

Parameters
----------
p₁, p₂, p₃ ∈ (0, 1) with p₁ + p₂ + p₃ = 1; m a known positive integer.

Support
-------
x₁ + x₂ + x₃ = m with each x_k ∈ {0, 1, …, m}.
"""
from ._vector import VectorFamily

FAMILY = VectorFamily(
    name="multinomial",
    title="Multinomial, three categories, `m` trials known",
    density="m!/(x1!*x2!*x3!)*p1**x1*p2**x2*p3**x3",
    params={"p1": "(0, 1)", "p2": "(0, 1)", "p3": "(0, 1)"},
    support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
    parameterization=(
        "category probabilities `p1`, `p2`, `p3` with `p1 + p2 + p3 = 1` (a Lagrange "
        "multiplier); `m` trials per observation, known"
    ),
    var="x1,x2,x3",
    known={"m": "positive integer"},
    aliases=("multinomial3", "trinomial"),
    latex_names={"p1": r"p_{1}", "p2": r"p_{2}", "p3": r"p_{3}"},
    constraints=("p1 + p2 + p3 = 1",),
)
