"""Boundaries of the parameter space: the interior condition, and boundary estimates from fit.

The seed's practice problem: Bernoulli with all successes gives p̂ = 1, where dℓ/dp = n/p never
vanishes; the score equation does not apply and the maximum is the boundary value.
"""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import symmle


def _check(d, name):
    return next(c for c in d.checks if c.name == name)


def test_derive_states_the_interior_condition():
    c = _check(symmle.derive("bernoulli"), "boundary")
    assert c.verdict == "undetermined"
    assert "0 < Sum(x[i], (i, 1, n))/n" in c.reason and "Sum(x[i], (i, 1, n))/n < 1" in c.reason
    c = _check(symmle.derive("poisson"), "boundary")
    assert "0 < Sum(x[i], (i, 1, n))/n" in c.reason and "< 1" not in c.reason


def test_interior_is_proven_when_the_data_guarantee_it():
    assert _check(symmle.derive("exponential"), "boundary").verdict == "proven"
    assert _check(symmle.derive("power"), "boundary").verdict == "proven"


LOGPMF = {  # independent of symmle: the same models in SciPy
    "bernoulli": lambda data, t: stats.bernoulli.logpmf(data, t).sum(),
    "poisson": lambda data, t: stats.poisson.logpmf(data, t).sum(),
    "binomial": lambda data, t: stats.binom.logpmf(data, 5, t).sum(),
}


@pytest.mark.parametrize("model, data, value", [
    ("bernoulli", [1, 1, 1, 1, 1], 1.0),
    ("bernoulli", [0, 0, 0], 0.0),
    ("poisson", [0, 0, 0, 0], 0.0),
    ("binomial", [5, 5, 5], 1.0),
])
def test_fit_reports_the_boundary_value(model, data, value):
    known = {"m": 5} if model == "binomial" else None
    r = symmle.fit(model, data, known_values=known)
    name = r.derivation.parameters[0]
    assert r.estimates[name] == value
    assert r.method[name] == "boundary"
    assert r.standard_errors[name] is None
    assert any("boundary" in w and "score points outward" in w for w in r.warnings)
    # ℓ at the boundary is the one-sided limit (0 for these samples), and every interior
    # point has a lower likelihood: the likelihood increases all the way to the boundary
    assert r.log_likelihood == pytest.approx(0.0, abs=1e-9)
    inside = [0.5, 0.9, 0.999] if value == 1.0 else [0.5, 0.1, 0.001]
    levels = [LOGPMF[model](np.array(data), t) for t in inside]
    assert all(level < r.log_likelihood for level in levels)
    assert levels == sorted(levels)  # and it rises as the parameter approaches the boundary


def test_interior_sample_keeps_the_score_method():
    r = symmle.fit("bernoulli", [0, 1, 1])
    assert r.method == {"p": "score"} and r.estimates["p"] == pytest.approx(2 / 3)
    assert r.standard_errors["p"] == pytest.approx(np.sqrt((2 / 3) * (1 / 3) / 3))


@pytest.mark.parametrize("family, data, known, name", [
    ("normal", [2.0, 2.0, 2.0], None, "sigma2"),
    ("normal_variance", [1.5, 1.5], {"mu": 1.5}, "sigma2"),
    ("laplace", [1.0, 1.0, 1.0], None, "b"),
])
def test_an_unbounded_likelihood_has_no_mle(family, data, known, name):
    # every observation equal: ℓ → +∞ as the scale → 0, so the boundary value is not an MLE
    from symmle.errors import NoMaximumError

    with pytest.raises(NoMaximumError, match=f"grows without bound as {name} → 0"):
        symmle.fit(family, data, known_values=known)


@pytest.mark.parametrize("family, data, value", [
    ("bernoulli", [1, 1, 1], 0.0), ("poisson", [0, 0, 0, 0], 0.0),
])
def test_a_bounded_boundary_maximum_is_still_reported(family, data, value):
    r = symmle.fit(family, data)
    assert r.log_likelihood == pytest.approx(value, abs=1e-9)
    assert "boundary" in r.method.values()
