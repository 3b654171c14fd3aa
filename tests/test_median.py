"""The median rule (issue #3): a location μ that enters ℓ only through −c(θ)·Σ|x_i − μ|, c > 0,
has μ̂ = the sample median x̃; the other parameters then come from their score equations
(b̂ = Σ|x_i − x̃|/n for the Laplace). Checked symbolically against the textbook, numerically
against scipy.stats.laplace.fit and an independent SciPy minimiser on odd and even samples, on a
typed location-only density, on models where the rule must not apply, and through fit's result
fields, the check command and the CLI."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
import sympy as sp
from scipy import optimize, stats

import symmle
from symmle import cli
from symmle.notation import I, N, X, equivalent
from symmle.numeric import _median
from symmle.errors import NoMaximumError

X_MED = sp.Symbol("x_med", real=True)
MAD = sp.Sum(sp.Abs(X[I] - X_MED), (I, 1, N)) / N  # the mean absolute deviation about x̃
LOCATION = "exp(-abs(x-theta))/2"
REAL_LINE = "-oo < x < oo"


@pytest.fixture(scope="module")
def laplace() -> symmle.Derivation:
    return symmle.derive("laplace")


def laplace_sample(n: int, seed: int = 7) -> np.ndarray:
    return stats.laplace.rvs(0.5, 1.4, size=n, random_state=np.random.default_rng(seed))


def negative_log_likelihood(theta: np.ndarray, x: np.ndarray) -> float:
    mu, b = theta
    return math.inf if b <= 0 else x.size * math.log(2 * b) + float(np.sum(np.abs(x - mu))) / b


# --- the derivation ------------------------------------------------------------------------------

def test_the_laplace_mle_is_the_median_and_the_mean_absolute_deviation_about_it(laplace):
    assert laplace.closed_form is True
    assert laplace.mle["mu"] == X_MED
    assert equivalent(laplace.mle["b"], MAD), laplace.mle["b"]
    assert laplace.method == {"mu": "median", "b": "score"}
    assert laplace.solution.median.estimates == {laplace.model.symbol("mu"): X_MED}
    assert laplace.solution.median.coefficient == 1 / laplace.model.symbol("b")
    assert not any("no closed form" in w for w in laplace.warnings)


def test_the_laplace_checks_are_proven(laplace):
    assert laplace.second_order.verdict == "proven"
    assert laplace.second_order.detail == -N / laplace.model.symbol("b") ** 2
    by_name = {c.name: c for c in laplace.checks}
    assert by_name["median_variance"].verdict == "proven"
    assert "b**2/n" in by_name["median_variance"].reason
    # the information is the variance of the score, and the median's variance b²/n is its inverse
    b = laplace.model.symbol("b")
    assert sp.simplify(laplace.fisher_information - sp.diag(1 / b**2, 1 / b**2)) == sp.zeros(2, 2)


def test_the_laplace_json_names_the_median(laplace):
    out = laplace.to_dict()
    assert out["closed_form"] is True
    assert out["mle"]["mu"] == "x_med"
    assert out["method"] == {"mu": "median", "b": "score"}
    assert set(out["order_statistics"]) == {"x_med"}
    assert out["order_statistics"]["x_med"].startswith("median_i x[i]")


def test_the_steps_reason_with_one_sided_derivatives(laplace):
    kinds = [s.kind for s in laplace.steps]
    assert kinds.count("equations") == 1 and kinds.count("solution") == 1
    equations = next(s for s in laplace.steps if s.kind == "equations")
    assert len(equations.blocks[0].lines) == 1  # only b's equation: μ's has no root to set
    text = laplace.to_text()
    assert "one-sided derivatives" in text and "sample median" in text
    assert "μ̂ = x̃" in text and "b̂ = Σ |x_i - x̃|/n" in text
    assert "No closed form" not in text
    tex = laplace.to_latex()
    assert r"\hat{\mu} &= \tilde{x}" in tex
    assert "?" not in tex  # no character the LaTeX escaping does not know
    md = laplace.to_markdown()
    assert r"\operatorname{sign}" in md and r"\tilde{x}" in md


def test_laplace_with_known_location_is_unchanged():
    d = symmle.derive("laplace_scale")
    mu = d.model.symbol("mu")
    assert d.solution.median is None and d.method == {"b": "score"}
    assert equivalent(d.mle["b"], sp.Sum(sp.Abs(X[I] - mu), (I, 1, N)) / N)


@pytest.mark.parametrize("density, b_hat", [
    ("exp(-abs(x-mu)*b)*b/2", N / sp.Sum(sp.Abs(X[I] - X_MED), (I, 1, N))),     # rate, not scale
    ("exp(-abs(2*mu-2*x)/b)/b", 2 * MAD),                                        # |k(x − μ)|
])
def test_the_rule_is_structural_not_keyed_to_the_family(density, b_hat):
    d = symmle.derive(density, params={"mu": "real", "b": "positive"}, support=REAL_LINE)
    assert d.method == {"mu": "median", "b": "score"}
    assert d.mle["mu"] == X_MED
    assert equivalent(d.mle["b"], b_hat), d.mle["b"]


# --- where the rule must not apply ------------------------------------------------------------------

@pytest.mark.parametrize("density, params, normalize_check", [
    # μ also outside the absolute value: the maximiser is the 3/4 quantile, not the median
    ("3/8*exp(-abs(x-mu)-(x-mu)/2)", {"mu": "real"}, True),
    # the absolute deviation enters with the wrong sign (c = −1/b < 0)
    ("exp(abs(x-mu)/b)/(2*b)", {"mu": "real", "b": "positive"}, False),
    # μ in a term free of x as well
    ("exp(-abs(x-mu)/b - mu**2)/(2*b)", {"mu": "real", "b": "positive"}, False),
    # c of no fixed sign on the parameter space
    ("exp(-abs(x-mu)*b)/2", {"mu": "real", "b": "real"}, False),
    # an integer location: the midpoint of the two middle observations need not be one
    ("exp(-abs(x-m)/b)/(2*b)", {"m": "integer", "b": "positive"}, False),
    ("cauchy", None, True),
])
def test_the_rule_does_not_apply(density, params, normalize_check):
    d = symmle.derive(density, params=params, support=None if params is None else REAL_LINE,
                      normalize_check=normalize_check)
    assert d.solution.median is None
    assert d.closed_form is False
    assert set(d.method.values()) == {"numeric"}


def test_where_mu_appears_elsewhere_the_numeric_route_finds_the_quantile():
    d = symmle.derive("3/8*exp(-abs(x-mu)-(x-mu)/2)", params={"mu": "real"}, support=REAL_LINE)
    x = np.random.default_rng(3).laplace(size=401)
    r = symmle.fit(d.model, x, derivation=d)
    assert r.method == {"mu": "numeric"}
    # dℓ/dμ = #above − #below + n/2 changes sign at the order statistic of rank 3n/4
    order = np.sort(x)
    assert order[299] - 1e-6 <= r.estimates["mu"] <= order[300] + 1e-6


# --- fit against SciPy ------------------------------------------------------------------------------

@pytest.mark.parametrize("n", [1, 2, 5, 200, 201, 4000, 60_001, 100_000])
def test_fit_agrees_with_scipy_laplace_fit(laplace, n):
    x = laplace_sample(n)
    if n == 1:  # ℓ = −log(2b) grows without bound as b → 0: no MLE, and fit says so
        with pytest.raises(NoMaximumError, match=r"grows without bound as b → 0"):
            symmle.fit("laplace", x, derivation=laplace)
        return
    r = symmle.fit("laplace", x, derivation=laplace)
    mu, b = stats.laplace.fit(x)
    assert r.converged and r.iterations == 0 and r.start is None
    assert r.estimates["mu"] == pytest.approx(mu, rel=1e-15, abs=1e-15)
    assert r.estimates["b"] == pytest.approx(b, rel=1e-12)
    assert r.log_likelihood == pytest.approx(stats.laplace.logpdf(x, mu, b).sum(), rel=1e-12)
    assert r.standard_errors == pytest.approx({"mu": b / math.sqrt(n), "b": b / math.sqrt(n)},
                                              rel=1e-12)


@pytest.mark.parametrize("n", [51, 52, 999, 1000])
def test_fit_agrees_with_an_independent_minimiser(laplace, n):
    """Nelder–Mead on −ℓ(μ, b) from SciPy, started away from the answer; for even n every μ
    between the two middle observations is a maximiser, and the midpoint is reported."""
    x = laplace_sample(n, seed=n)
    r = symmle.fit("laplace", x, derivation=laplace)
    best = optimize.minimize(negative_log_likelihood, [np.mean(x) + 0.3, 2 * np.std(x)],
                             args=(x,), method="Nelder-Mead",
                             options={"xatol": 1e-12, "fatol": 1e-12, "maxiter": 20_000})
    ours = -negative_log_likelihood(np.array([r.estimates["mu"], r.estimates["b"]]), x)
    assert ours >= -best.fun - 1e-9 * abs(best.fun)
    assert r.log_likelihood == pytest.approx(ours, rel=1e-12)
    assert r.estimates["b"] == pytest.approx(best.x[1], rel=1e-6)
    order = np.sort(x)
    lo, hi = order[(n - 1) // 2], order[n // 2]
    assert r.estimates["mu"] == pytest.approx((lo + hi) / 2, rel=1e-15)
    assert lo - 1e-6 <= best.x[0] <= hi + 1e-6
    unique = [w for w in r.warnings if "not unique" in w]
    assert bool(unique) == (n % 2 == 0), r.warnings


def test_fit_result_fields(laplace):
    x = laplace_sample(301)
    r = symmle.fit("laplace", x, derivation=laplace)
    out = json.loads(r.to_json())
    assert out["method"] == {"mu": "median", "b": "score"}
    assert out["converged"] is True and out["iterations"] == 0 and out["start"] is None
    assert out["warnings"] == []
    lo, hi = out["wald_intervals_95"]["mu"]
    assert lo < np.median(x) < hi
    assert "converged" not in r.to_text()  # a closed form: no iterations to report


@pytest.mark.parametrize("data", [
    np.zeros(7), np.arange(10.0), np.arange(10.0)[::-1].copy(), np.repeat([1.0, 2.0, 3.0], 40_000),
    np.sort(np.random.default_rng(1).normal(size=120_001)),
    np.random.default_rng(2).integers(0, 4, size=100_000).astype(float),
])
def test_the_median_is_exact_on_tied_sorted_and_large_samples(data):
    mid, lo, hi = _median(data)
    order = np.sort(data)
    assert (lo, hi) == (order[(data.size - 1) // 2], order[data.size // 2])
    assert mid == pytest.approx(np.median(data), rel=1e-15, abs=0)


def test_a_large_even_fit_reads_the_two_middle_values():
    x = np.concatenate([np.full(50_000, -1.0), np.full(50_000, 3.0)])
    r = symmle.fit("laplace", x)
    assert r.estimates == {"mu": 1.0, "b": 2.0}
    assert any("between the two middle observations (-1 and 3)" in w for w in r.warnings)


# --- a typed density, location only -------------------------------------------------------------------

def test_a_typed_location_density_is_fitted_by_the_median():
    d = symmle.derive(LOCATION, params={"theta": "real"}, support=REAL_LINE)
    assert d.mle == {"theta": X_MED} and d.method == {"theta": "median"}
    assert d.second_order.verdict == "proven"
    assert d.standard_errors["theta"] == 1 / sp.sqrt(N)
    x = np.random.default_rng(5).laplace(-2.0, 1.0, size=777)
    r = symmle.fit(LOCATION, x, derivation=d)
    assert r.estimates["theta"] == np.median(x)
    assert r.standard_errors["theta"] == pytest.approx(1 / math.sqrt(777))
    assert r.log_likelihood == pytest.approx(stats.laplace.logpdf(x, np.median(x), 1).sum())


def test_a_location_restricted_to_positive_values_states_the_condition():
    d = symmle.derive(LOCATION, support=REAL_LINE)  # θ > 0 by default, with a warning
    assert d.method == {"theta": "median"}
    boundary = next(c for c in d.checks if c.name == "boundary")
    assert boundary.verdict == "undetermined" and boundary.detail == sp.StrictLessThan(0, X_MED)
    inside = symmle.fit(LOCATION, [0.5, 1.0, 4.0], derivation=d)
    assert inside.estimates == {"theta": 1.0} and inside.converged
    outside = symmle.fit(LOCATION, [-3.0, -1.0, 2.0], derivation=d)
    assert not outside.converged and outside.warnings


# --- check and the command line ------------------------------------------------------------------------

@pytest.mark.parametrize("claim, right", [
    ("mu = median(x)", True), (r"\hat\mu = \tilde{x}", True), ("mu = xbar", False),
    ("b = sum(abs(x_i - median(x)))/n", True), ("b = sum(abs(x_i - xbar))/n", False),
])
def test_check_knows_the_median(laplace, claim, right):
    report = symmle.check("laplace", mle=claim, derivation=laplace)
    assert report.all_correct is right


def test_cli_derive_and_fit(capsys, tmp_path):
    assert cli.main(["derive", "laplace", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["closed_form"] is True and out["mle"]["mu"] == "x_med"
    x = laplace_sample(101)
    data = tmp_path / "x.txt"
    data.write_text("\n".join(repr(float(v)) for v in x) + "\n")
    assert cli.main(["fit", "laplace", "--data", str(data), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["method"] == {"mu": "median", "b": "score"}
    assert result["estimates"]["mu"] == pytest.approx(np.median(x), rel=1e-15)
    assert cli.main(["derive", "laplace"]) == 0
    text = capsys.readouterr().out
    assert "μ̂ = x̃" in text and "the sample median" in text
