"""Supports that move with a parameter: the order statistics, with the reason, checked on data.

For each model: the symbolic answer against the textbook one, and on simulated data the
estimate is feasible (every observation inside the support) and the log-likelihood falls on
every feasible move away from it (the issue's test for support-dependent cases).
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import symmle
from symmle.errors import NonUniqueMLEError, UnsupportedModelError
from symmle.notation import I, N, X, equivalent

S = lambda h: sp.Sum(h, (I, 1, N))  # noqa: E731
xmin, xmax = sp.symbols("x_min x_max")

# model kwargs, textbook answers by name (x_min, x_max plain), sampler, log-density(theta, x)
CASES = {
    "uniform(0, theta)": (dict(model="uniform"), {"theta": xmax},
                          lambda rng: rng.uniform(0, 3, 400),
                          lambda t, x: np.where((x >= 0) & (x <= t["theta"]), -np.log(t["theta"]), -np.inf)),
    "uniform(a, b)": (dict(model="uniform_ab"), {"a": xmin, "b": xmax},
                      lambda rng: rng.uniform(-1, 2, 400),
                      lambda t, x: np.where((x >= t["a"]) & (x <= t["b"]), -np.log(t["b"] - t["a"]), -np.inf)),
    "uniform(-theta, theta)": (dict(model="1/(2*theta)", params={"theta": "positive"},
                                    support="-theta <= x <= theta"),
                               {"theta": sp.Max(xmax, -xmin)},
                               lambda rng: rng.uniform(-2, 2, 400),
                               lambda t, x: np.where(np.abs(x) <= t["theta"], -np.log(2 * t["theta"]), -np.inf)),
    "2x/theta^2": (dict(model="2*x/theta**2", params={"theta": "positive"}, support="0 < x < theta"),
                   {"theta": xmax},
                   lambda rng: 3 * np.sqrt(rng.uniform(size=400)),
                   lambda t, x: np.where((x > 0) & (x <= t["theta"]), np.log(2 * x) - 2 * np.log(t["theta"]), -np.inf)),
    "shifted exponential": (dict(model="shifted_exponential"), {"theta": xmin},
                            lambda rng: rng.exponential(1, 400) + 2,
                            lambda t, x: np.where(x >= t["theta"], -(x - t["theta"]), -np.inf)),
    "shifted exponential, rate": (dict(model="shifted_exponential_two"),
                                  {"theta": xmin, "lambda": 1 / (S(X[I]) / N - xmin)},
                                  lambda rng: rng.exponential(0.5, 400) + 2,
                                  lambda t, x: np.where(x >= t["theta"], np.log(t["lambda"]) - t["lambda"] * (x - t["theta"]), -np.inf)),
    "pareto": (dict(model="pareto"),
               {"xm": xmin, "alpha": N / (S(sp.log(X[I])) - N * sp.log(xmin))},
               lambda rng: (rng.pareto(2.5, 400) + 1) * 1.5,
               lambda t, x: np.where(x >= t["xm"], np.log(t["alpha"]) + t["alpha"] * np.log(t["xm"]) - (t["alpha"] + 1) * np.log(x), -np.inf)),
    "discrete uniform": (dict(model="discrete_uniform"), {"N": xmax},
                         lambda rng: rng.integers(1, 21, 300).astype(float),
                         lambda t, x: np.where((x >= 1) & (x <= t["N"]), -np.log(t["N"]), -np.inf)),
}


def _plain(expr):
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols if s.name in ("x_min", "x_max")})


@pytest.mark.parametrize("case", CASES)
def test_symbolic_order_statistics(case):
    kwargs, textbook, _, _ = CASES[case]
    kwargs = dict(kwargs)
    d = symmle.derive(kwargs.pop("model"), **kwargs)
    assert d.closed_form and set(d.mle) == set(textbook)
    for k, want in textbook.items():
        assert equivalent(_plain(d.mle[k]), want, positive=True), (k, d.mle[k])
    assert any(m == "support" for m in d.method.values())
    assert d.second_order.verdict == "proven"
    assert "feasible" in d.second_order.reason
    assert d.fisher_information is None
    assert d.to_dict()["order_statistics"] == {"x_min": "min_i x[i]", "x_max": "max_i x[i]"}


@pytest.mark.parametrize("case", CASES)
def test_estimate_is_feasible_and_a_maximum(case):
    kwargs, _, sampler, logpdf = CASES[case]
    kwargs = dict(kwargs)
    model = kwargs.pop("model")
    data = sampler(np.random.default_rng(11))
    r = symmle.fit(model, data, **kwargs)
    best = np.sum(logpdf(r.estimates, data))
    assert np.isfinite(best), "the estimate must be feasible: every observation in the support"
    assert r.log_likelihood == pytest.approx(best, rel=1e-9)
    for k, v in r.estimates.items():
        for step in (1e-3, 1e-2, 0.1, -1e-3, -1e-2, -0.1):
            moved = dict(r.estimates)
            moved[k] = v + step * max(1.0, abs(v))
            value = np.sum(logpdf(moved, data))
            assert value < best, (k, step, value, best)


def test_support_parameter_standard_errors_are_not_wald():
    r = symmle.fit("shifted_exponential_two", np.random.default_rng(1).exponential(0.5, 500) + 2)
    assert r.standard_errors["theta"] is None
    assert r.standard_errors["lambda"] == pytest.approx(r.estimates["lambda"] / np.sqrt(500), rel=1e-6)


def test_flat_likelihood_is_reported_not_guessed():
    # Uniform(theta, theta + 1): L is 1 on the whole interval [x_max - 1, x_min]; no unique MLE
    with pytest.raises(NonUniqueMLEError, match="not unique") as info:
        symmle.derive("1", params={"theta": "real"}, support="theta <= x <= theta + 1")
    assert "[x_max - 1, x_min]" in info.value.message
    (lower, upper), = info.value.intervals.values()
    assert _plain(lower) == xmax - 1 and _plain(upper) == xmin


@pytest.mark.parametrize("model, support, ends, lower, upper", [
    ("1", "theta < x < theta + 1", lambda t: (t, t + 1), lambda x: x.max() - 1,
     lambda x: x.min()),
    ("1/2", "theta - 1 <= x <= theta + 1", lambda t: (t - 1, t + 1), lambda x: x.max() - 1,
     lambda x: x.min() + 1),
])
def test_flat_likelihood_fit_names_the_set_of_maximisers(model, support, ends, lower, upper):
    x = np.random.default_rng(4).uniform(2, 2.8, 50)
    with pytest.raises(NonUniqueMLEError) as info:
        symmle.fit(model, x, params={"theta": "real"}, support=support)
    assert f"[{lower(x):.6g}, {upper(x):.6g}]" in info.value.message

    def log_l(t):  # independently of symmle
        a, b = ends(t)
        return np.sum(np.where((x >= a) & (x <= b), np.log(float(sp.sympify(model))), -np.inf))

    inside = np.linspace(lower(x), upper(x), 7)
    assert len({log_l(t) for t in inside}) == 1 and np.isfinite(log_l(inside[0]))
    assert log_l(lower(x) - 1e-3) == -np.inf and log_l(upper(x) + 1e-3) == -np.inf


def test_flat_likelihood_with_no_feasible_value_is_out_of_support():
    with pytest.raises(symmle.errors.OutOfSupportError, match="empty"):
        symmle.fit("1", [0.0, 3.0], params={"theta": "real"}, support="theta < x < theta + 1")
