"""The information stage's shortcuts: each decides what the slower call it replaces would have
decided, and the result is checked symbolically and numerically (quadrature or a sum written
out independently, SciPy's optimiser on simulated data).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from scipy import integrate as si
from scipy import optimize

import symmle
import symmle.information as information
import symmle.transforms as transforms
from symmle.notation import I, N, X, equivalent

S = lambda h: sp.Sum(h, (I, 1, N))  # noqa: E731  Σ_i h

RAO = "[(2+theta)/4, (1-theta)/4, (1-theta)/4, theta/4]"  # Rao's linkage table, on {0, 1, 2, 3}


def _no_simplify(*args, **kwargs):
    raise AssertionError("simplify was called")


def test_equivalent_decides_rational_and_numeric_cases_without_simplify(monkeypatch):
    # cancel decides a ratio of polynomials; a value away from 0 at an admissible point decides
    # "not equal" for the rest: neither needs simplify, and the answers are the same
    monkeypatch.setattr(sp, "simplify", _no_simplify)
    t = sp.Symbol("t", positive=True)
    mean = S(X[I]) / N
    assert equivalent(N / S(X[I]), 1 / mean)
    assert not equivalent(S(X[I]) / (N - 1), mean)
    assert not equivalent(sp.sqrt(S(X[I]) ** 2 + N) / N, mean)  # a root of a quadratic
    assert not equivalent(sp.log(t) + mean, mean)
    with pytest.raises(AssertionError):  # equal but not by cancel: simplify is still asked
        equivalent(sp.log(S(X[I]) ** 2), 2 * sp.log(S(X[I])), positive=True)


def test_table_pmf_information_cancelled_to_the_textbook_form(monkeypatch):
    # the information of Rao's linkage table is a sum of 27 fractions before it is cancelled;
    # simplify is handed the cancelled p/q (a single fraction), not the sum
    seen = []
    real = information._simplify
    monkeypatch.setattr(information, "_simplify",
                        lambda e, s: seen.append(e) or real(e, s))
    d = symmle.derive(RAO, params={"theta": "(0, 1)"}, support="{0, 1, 2, 3}")
    theta = d.model.params[0]
    entry = seen[-1]  # the last simplify is the information's entry
    assert entry == sp.cancel(entry) and not entry.is_Add and entry.has(theta)
    textbook = (2 * theta + 1) / (2 * theta * (1 - theta) * (2 + theta))
    assert sp.simplify(d.fisher_information[0, 0] - textbook) == 0
    # numerically: Σ_k p_k'(θ)² / p_k(θ), written out independently
    p = lambda t: np.array([(2 + t) / 4, (1 - t) / 4, (1 - t) / 4, t / 4])  # noqa: E731
    dp = np.array([1 / 4, -1 / 4, -1 / 4, 1 / 4])
    for t in (0.2, 0.55, 0.9):
        assert float(d.fisher_information[0, 0].subs(theta, t)) == pytest.approx(
            np.sum(dp ** 2 / p(t)), rel=1e-12)
    # and the MLE against SciPy's optimiser on simulated counts
    counts = np.random.default_rng(4).multinomial(400, p(0.35))
    fit = symmle.fit(RAO, np.repeat(np.arange(4), counts), derivation=d)
    best = optimize.minimize_scalar(lambda t: -np.sum(counts * np.log(p(t))),
                                    bounds=(1e-6, 1 - 1e-6), method="bounded",
                                    options={"xatol": 1e-12})
    assert fit.estimates["theta"] == pytest.approx(best.x, abs=1e-7)


def test_inverse_by_adjugate_without_gauss_jordan(monkeypatch):
    # the standard errors come from adj(nI)/det(nI): Matrix.inv (Gauss-Jordan, a simplify at
    # every pivot) is not called, and the inverse is the inverse
    monkeypatch.setattr(sp.MatrixBase, "inv", _no_simplify)
    d = symmle.derive("gamma")
    info = d.fisher_information
    inverse = information._inverse(d.log_likelihood, info, 5.0)
    assert sp.simplify(inverse * (N * info) - sp.eye(2)) == sp.zeros(2, 2)
    point = {s: v for s, v in zip(d.model.params, (2.5, 1.5))}
    numeric = np.linalg.inv(np.array(info.subs(point).evalf(), dtype=float))
    for j, p in enumerate(d.model.params):
        se = float(d.standard_errors_[p].subs({**point, N: 1}))
        assert se == pytest.approx(np.sqrt(numeric[j, j]), rel=1e-10)
    a, b = sp.symbols("a b", positive=True)
    with pytest.raises(ValueError, match="singular"):
        information._inverse(d.log_likelihood, sp.Matrix([[a, b], [2 * a, 2 * b]]), 5.0)


def test_cauchy_location_scale_information_in_partial_fractions(monkeypatch):
    # the second derivatives are ratios of polynomials in x − x0: integrated in partial
    # fractions (which SymPy does about five times faster), each distinct sum once
    asked = []
    real = information.bounded
    monkeypatch.setattr(information, "bounded",
                        lambda fn, *a, **k: asked.append(k.get("what", "")) or real(fn, *a, **k))
    d = symmle.derive("1/(pi*gamma*(1 + ((x - x0)/gamma)**2))", support="real",
                      params={"x0": "real", "gamma": "positive"})
    x0, gamma = d.model.params
    assert any("partial fractions" in w for w in asked)
    integrals = [w for w in asked if w.startswith("the integral of")]
    assert len(integrals) == len(set(integrals))  # the off-diagonal sum is not integrated twice
    assert d.fisher_information == sp.Matrix([[1 / (2 * gamma**2), 0], [0, 1 / (2 * gamma**2)]])
    # numerically: E[s sᵀ] by quadrature of the score of one observation, written in NumPy
    g0, c0 = 1.7, 0.4

    def score(x: float) -> np.ndarray:
        z = (x - c0) / g0
        return np.array([2 * z / (g0 * (1 + z * z)), (z * z - 1) / (g0 * (1 + z * z))])

    dens = lambda x: 1 / (np.pi * g0 * (1 + ((x - c0) / g0) ** 2))  # noqa: E731
    for j in range(2):
        for k in range(2):
            value = si.quad(lambda x: score(x)[j] * score(x)[k] * dens(x), -np.inf, np.inf,
                            epsabs=1e-12)[0]
            assert float(d.fisher_information[j, k].subs({gamma: g0, x0: c0})) == \
                pytest.approx(value, abs=1e-8)


def test_exponential_transform_found_once_per_density(monkeypatch):
    # the Gumbel information needs several expectations through u = e^{-(x-mu)/beta}: the
    # transform (simplify, limits, solve) depends on the density only and is found once
    calls = []
    real = transforms.exponential_transform
    monkeypatch.setattr(transforms, "exponential_transform",
                        lambda *a: calls.append(a) or real(*a))
    transforms._inverse_transform.cache_clear()
    d = symmle.derive("gumbel")
    assert len(calls) == 1
    mu, beta = d.model.params
    # E[s sᵀ] by quadrature, the score of one observation written in NumPy (z = (x − μ)/β)
    m0, b0 = 0.3, 1.4

    def score(x: float) -> np.ndarray:
        z = (x - m0) / b0
        return np.array([(1 - np.exp(-z)) / b0, (z - 1 - z * np.exp(-z)) / b0])

    dens = lambda x: np.exp(-(x - m0) / b0 - np.exp(-(x - m0) / b0)) / b0  # noqa: E731
    lo, hi = m0 - 5 * b0, m0 + 60 * b0  # the rest of the line carries less than e^-140
    for j in range(2):
        for k in range(2):
            value = si.quad(lambda x: score(x)[j] * score(x)[k] * dens(x), lo, hi,
                            epsabs=1e-12, limit=200)[0]
            assert float(d.fisher_information[j, k].subs({mu: m0, beta: b0})) == \
                pytest.approx(value, abs=1e-7)


def test_exponential_transform_rules_out_candidates_by_a_value(monkeypatch):
    # density·e^g ∓ g' away from 0 at one admissible point: the candidate g is set aside with
    # no simplify (normal, logistic); a density of the form |g'|e^{-g} is still recognised
    x = sp.Symbol("x", positive=True)
    mu, s = sp.Symbol("mu", real=True), sp.Symbol("s", positive=True)
    k, lam = sp.symbols("k lambda", positive=True)
    with monkeypatch.context() as m:
        m.setattr(sp, "simplify", _no_simplify)
        normal = sp.exp(-(x - mu) ** 2 / (2 * s**2)) / sp.sqrt(2 * sp.pi * s**2)
        logistic = sp.exp(-(x - mu) / s) / (s * (1 + sp.exp(-(x - mu) / s)) ** 2)
        assert transforms.exponential_transform(normal, x) is None
        assert transforms.exponential_transform(logistic, x) is None
    weibull = k / lam * (x / lam) ** (k - 1) * sp.exp(-(x / lam) ** k)
    assert transforms.exponential_transform(weibull, x) == (x / lam) ** k
    # E[log X] for the Weibull through u = (x/λ)^k, against quadrature
    value = transforms.expectation_by_transform(sp.log(x), weibull, x, 0, sp.oo)
    point = {k: 1.7, lam: 2.2}
    f = sp.lambdify(x, (sp.log(x) * weibull).subs(point), "numpy")
    assert float(value.subs(point)) == pytest.approx(si.quad(f, 0, np.inf)[0], rel=1e-9)
