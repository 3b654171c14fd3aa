"""The seed's worked examples and practice problems, line by line, in the rendered steps.

Each test writes the seed's displayed equations (``seeds/000_d3a6ff941b3b8dc5.txt``) as SymPy
objects, in the seed's order, and finds each among the equations of ``d.steps`` at a strictly
later position than the one before: a chain ``ℓ = a = b`` counts as one equation per link.
Equations are compared as sample-notation expressions with :func:`symmle.notation.equivalent`
(up to notation: k is Σ x_i, S is Σ (x_i − μ)²); a seed line ``a = 0`` also matches a rendered
``c = d`` with a = λ(c − d) for a number λ, and sides may be swapped.
"""
from __future__ import annotations

import pytest
import sympy as sp

from symmle.errors import UnsupportedModelError
from symmle.examples import derive_example
from symmle.latex import ELL, LIK, Given, Indicator, hat, plain
from symmle.notation import I, N, X, equivalent

XI = X[I]
K = sp.Sum(XI, (I, 1, N))


def dl(theta, order=1):
    return sp.Derivative(ELL(theta), (theta, order))


def _same(a, b, theta=None, constant=False) -> bool:
    a, b = plain(a), plain(b)
    if constant:  # "dropping constants that do not involve θ"
        a, b = sp.diff(a, theta), sp.diff(b, theta)
    try:
        return a == b or equivalent(a, b) or equivalent(a, b, positive=True)
    except (TypeError, ValueError, sp.PolynomialError):
        return False


def _proportional(a, c, d) -> bool:
    diff = plain(c) - plain(d)
    if diff == 0:
        return False
    from symmle.notation import to_symbols

    sa, table = to_symbols(plain(a))
    sd, table = to_symbols(diff, table=table)
    ratio = sp.simplify(sa / sd)
    return ratio.is_number and ratio != 0


def _matches(seed, rendered, theta) -> bool:
    (a, b, constant), (c, d) = seed, rendered
    if a is not None and _same(a, c) and _same(b, d, theta, constant):
        return True
    if a is None and _same(b, d, theta, constant):
        return True
    if a is not None and _same(a, d) and _same(b, c):
        return True
    return a is not None and b == 0 and _proportional(a, c, d)


def assert_in_order(d, seed_lines, theta):
    rendered = [e for step in d.steps for e in step.equations()]
    at = -1
    for k, line in enumerate(seed_lines):
        a, b, *flag = line
        seed = (a, b, bool(flag and flag[0]))
        found = next((j for j in range(at + 1, len(rendered))
                      if _matches(seed, rendered[j], theta)), None)
        assert found is not None, (
            f"seed line {k + 1} ({a} = {b}) not found after rendered equation {at}: "
            + "; ".join(f"[{j}] {c} = {e}" for j, (c, e) in enumerate(rendered)))
        at = found


def test_bernoulli_worked_example():
    d = derive_example("bernoulli")
    p = d.model.params[0]
    x = d.model.var
    k = K
    assert_in_order(d, [
        (Given(x, p), p ** x * (1 - p) ** (1 - x)),
        (LIK(p), sp.Product(p ** XI * (1 - p) ** (1 - XI), (I, 1, N))),
        (LIK(p), p ** k * (1 - p) ** (N - k)),
        (ELL(p), sp.log(p ** k * (1 - p) ** (N - k))),
        (ELL(p), k * sp.log(p) + (N - k) * sp.log(1 - p)),
        (dl(p), k * (1 / p) + (N - k) * (-1 / (1 - p))),
        (dl(p), k / p - (N - k) / (1 - p)),
        (k / p, (N - k) / (1 - p)),
        (k * (1 - p), p * (N - k)),
        (k - k * p, p * N - p * k),
        (k, p * N),
        (hat(p), k / N),
        (dl(p, 2), -k / p ** 2 - (N - k) / (1 - p) ** 2),
    ], p)


def test_poisson_worked_example():
    d = derive_example("poisson")
    lam = d.model.params[0]
    x = d.model.var
    assert_in_order(d, [
        (Given(x, lam), sp.exp(-lam) * lam ** x / sp.factorial(x)),
        (LIK(lam), sp.Product(sp.exp(-lam) * lam ** XI / sp.factorial(XI), (I, 1, N))),
        (LIK(lam), sp.Product(sp.exp(-lam), (I, 1, N)) * sp.Product(lam ** XI, (I, 1, N))
         / sp.Product(sp.factorial(XI), (I, 1, N))),
        (LIK(lam), sp.exp(-N * lam) * lam ** K / sp.Product(sp.factorial(XI), (I, 1, N))),
        (ELL(lam), sp.log(LIK(lam))),
        (ELL(lam), -N * lam + K * sp.log(lam) - sp.Sum(sp.log(sp.factorial(XI)), (I, 1, N))),
        (dl(lam), -N + K / lam),
        (-N + K / lam, 0),
        (K / lam, N),
        (hat(lam), K / N),
        (dl(lam, 2), -K / lam ** 2),
    ], lam)


def test_normal_variance_worked_example():
    d = derive_example("normal_variance")
    s2 = d.model.params[0]
    mu = d.model.known[0]
    x = d.model.var
    S = sp.Sum((XI - mu) ** 2, (I, 1, N))
    assert_in_order(d, [
        (Given(x, s2), sp.exp(-(x - mu) ** 2 / (2 * s2)) / sp.sqrt(2 * sp.pi * s2)),
        (LIK(s2), sp.Product(sp.exp(-(XI - mu) ** 2 / (2 * s2)) / sp.sqrt(2 * sp.pi * s2),
                             (I, 1, N))),
        (ELL(s2), sp.Sum(-sp.log(2 * sp.pi * s2) / 2 - (XI - mu) ** 2 / (2 * s2), (I, 1, N))),
        (ELL(s2), -N / 2 * sp.log(2 * sp.pi * s2) - S / (2 * s2)),
        (dl(s2), -(N / 2) * (1 / s2) + S / 2 * (1 / s2 ** 2)),
        (-(N / 2) * (1 / s2) + S / 2 * (1 / s2 ** 2), 0),
        (-N * s2 + S, 0),
        (hat(s2), S / N),
    ], s2)


def test_uniform_practice_problem():
    d = derive_example("uniform")
    if isinstance(d, UnsupportedModelError):
        pytest.skip(f"the engine does not derive Uniform(0, θ) yet: {d}")
    theta = d.model.params[0]
    x_max = d.solution.support.order_statistics[1]
    assert_in_order(d, [
        (LIK(theta), theta ** (-N) * Indicator(sp.Le(x_max, theta, evaluate=False))),
        (hat(theta), x_max),
    ], theta)


def test_normal_mean_practice_problem():
    d = derive_example("normal_mean")
    mu = d.model.params[0]
    s2 = d.model.known[0]
    assert_in_order(d, [
        (ELL(mu), -sp.Sum((XI - mu) ** 2, (I, 1, N)) / (2 * s2), True),
        (dl(mu), sp.Sum(XI - mu, (I, 1, N)) / s2),
        (sp.Sum(XI - mu, (I, 1, N)), 0),
        (K - N * mu, 0),
        (hat(mu), K / N),
        (dl(mu, 2), -N / s2),
    ], mu)


def test_bernoulli_boundary_practice_problem():
    """All successes: k = n, L(p) = p^n, ℓ = n log p increasing, p̂ = 1."""
    d = derive_example("bernoulli")
    p = d.model.params[0]
    assert_in_order(d, [
        (LIK(p), p ** N),
        (ELL(p), N * sp.log(p)),
        (dl(p), N / p),
        (hat(p), sp.Integer(1)),
    ], p)
    checks = next(s for s in d.steps if s.kind == "checks")
    notes = " ".join(str(part) for block in checks.blocks for part in block.note)
    assert "increasing" in notes and "boundary" in notes


def test_insights():
    """The one-line insights the seed draws."""
    def insight(name):
        step = next(s for s in derive_example(name).steps if s.kind == "insight")
        return "".join(str(part) for part in step.text)
    assert "sample mean" in insight("bernoulli")
    assert "sample mean" in insight("poisson")
    assert "1/n, not 1/(n − 1)" in insight("normal_variance")
    assert "n − 1" in insight("normal")
