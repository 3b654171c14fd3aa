"""Hardy–Weinberg genotype counts: a multinomial with probabilities p², 2p(1 − p), (1 − p)².

    f(x₁, x₂, x₃ | p) = m!/(x₁! x₂! x₃!) · (p²)^x₁ · (2p(1 − p))^x₂ · ((1 − p)²)^x₃

x₁, x₂, x₃ are the counts of the genotypes AA, Aa and aa among m individuals.

Parameterization: p, the frequency of allele A, is the one free parameter; the genotype
probabilities are functions of it, so no constraint is needed. m is known (with grouped counts,
one observation of m individuals; with one row per individual, m = 1).

Parameters
----------
p ∈ (0, 1); m a known positive integer.

Support
-------
x₁ + x₂ + x₃ = m with each x_k ∈ {0, 1, …, m}.
"""
from ._vector import VectorFamily

FAMILY = VectorFamily(
    name="hardy_weinberg",
    title="Hardy–Weinberg genotype counts (AA, Aa, aa)",
    density="m!/(x1!*x2!*x3!)*(p**2)**x1*(2*p*(1-p))**x2*((1-p)**2)**x3",
    params={"p": "(0, 1)"},
    support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
    parameterization=(
        "allele frequency `p = P(A)`; genotype probabilities `p²`, `2p(1 − p)`, `(1 − p)²` "
        "for AA, Aa, aa; `m` individuals per observation, known"
    ),
    var="x1,x2,x3",
    known={"m": "positive integer"},
    aliases=("hardy-weinberg", "hwe", "genotype_counts"),
    constraints=(),
)
