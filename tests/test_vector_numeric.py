"""Vector models without a closed-form MLE (issue 3): the derivation says so, with the equations
left to solve, and ``fit`` maximises ℓ on the constraint set numerically.

The textbook cases: the ABO blood groups (Bernstein's model; phenotype probabilities p² + 2pr,
q² + 2qr, 2pq, r² with p + q + r = 1 — the classic EM example, no closed form), the genetic
linkage multinomial of Rao (1973) / Dempster, Laird & Rubin (1977) — probabilities
(2 + θ)/4, (1 − θ)/4, (1 − θ)/4, θ/4, counts 125, 18, 20, 34, θ̂ ≈ 0.6268: a root of a quadratic,
so a closed form — and a trinomial with the curved constraint p1 = p2² (a quadratic again, once
the constraints are solved for p1 and p3). Estimates are checked against SciPy (SLSQP with the
equality constraint, minimize_scalar), standard errors against the inverse of the bordered
Hessian of the Lagrangian computed here by finite differences.
"""
from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
import sympy as sp

from symmle import cli
from symmle.errors import OutOfSupportError
from symmle.vector_api import derive_request
from symmle.vector_fit import fit_vector
from symmle.vector_numeric import maximise

optimize = pytest.importorskip("scipy.optimize")

SUPPORT4 = "x1 + x2 + x3 + x4 = m, x1, x2, x3, x4 in {0,1,...,m}"
ABO = dict(model="m!/(x1!*x2!*x3!*x4!)*(p**2+2*p*r)**x1*(q**2+2*q*r)**x2*(2*p*q)**x3*(r**2)**x4",
           var="x1,x2,x3,x4", params=["p:(0, 1)", "q:(0, 1)", "r:(0, 1)"],
           known=["m:positive integer"], support=SUPPORT4, constraints=["p + q + r = 1"])
LINKAGE = dict(model="m!/(x1!*x2!*x3!*x4!)*((2+t)/4)**x1*((1-t)/4)**x2*((1-t)/4)**x3*(t/4)**x4",
               var="x1,x2,x3,x4", params=["t:(0, 1)"], known=["m:positive integer"],
               support=SUPPORT4)
SQUARE = dict(model="m!/(x1!*x2!*x3!)*p1**x1*p2**x2*p3**x3", var="x1,x2,x3",
              params=["p1:(0, 1)", "p2:(0, 1)", "p3:(0, 1)"], known=["m:positive integer"],
              support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
              constraints=["p1 + p2 + p3 = 1", "p1 = p2**2"])

ABO_COUNTS = [186, 38, 13, 284]  # A, B, AB, O (the counts of the EM literature; n = 521)
LINKAGE_COUNTS = [125, 18, 20, 34]


def abo_probs(p, q, r):
    return np.array([p * p + 2 * p * r, q * q + 2 * q * r, 2 * p * q, r * r])


def abo_loglik(theta, counts):
    """The independent log-likelihood (without the constant), in (p, q, r)."""
    return float(np.sum(np.asarray(counts, float) * np.log(abo_probs(*theta))))


def slsqp_abo(counts):
    res = optimize.minimize(lambda t: -abo_loglik(t, counts), np.full(3, 1 / 3), method="SLSQP",
                            bounds=[(1e-9, 1.0)] * 3,
                            constraints=[{"type": "eq", "fun": lambda t: np.sum(t) - 1.0}],
                            options={"ftol": 1e-15, "maxiter": 1000})
    assert res.success, res.message
    return res.x


def bordered_covariance(loglik, theta, grad_c, h=1e-5):
    """Cov(θ̂) from the inverse of the bordered Hessian [[−∇²ℓ, Aᵀ], [A, 0]] (linear
    constraints A θ = b), ∇²ℓ by central differences of the independent log-likelihood."""
    k = len(theta)
    hess = np.empty((k, k))
    for a in range(k):
        for b in range(k):
            def f(da, db):
                t = np.array(theta, float)
                t[a] += da
                t[b] += db
                return loglik(t)
            hess[a, b] = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h)
    amat = np.atleast_2d(grad_c)
    c = amat.shape[0]
    bordered = np.block([[-hess, amat.T], [amat, np.zeros((c, c))]])
    return np.linalg.inv(bordered)[:k, :k]


# the derivations spend 10 s of CPU in a bounded solve: a wall-clock budget of 120 s, not the
# default 30, keeps a loaded machine from failing them
SLOW = 120.0


@pytest.fixture(scope="module")
def abo():
    return derive_request(**ABO, timeout=SLOW)


# --- the derivation says there is no closed form, and why ------------------------------------


def test_abo_derivation_states_no_closed_form_and_the_equations(abo):
    assert not abo.closed_form and abo.mle is None
    assert abo.method == {"p": "numeric", "q": "numeric", "r": "numeric"}
    assert "SymPy's solve" in abo.reason
    assert [s.name for s in abo.free] == ["p", "q"]
    assert [p.name for p in abo.elimination] == ["r"]
    # the equations left: the score of ℓ(p, q, 1 − p − q), cubics over a common denominator
    assert len(abo.reduced_score) == 2 and abo.reduced_degrees == (3, 3)
    step = next(s for s in abo.steps if s.heading == "No closed form")
    assert step.kind == "solution"
    text = abo.to_text()
    assert "There is no closed form: SymPy's solve" in text
    assert "polynomial equations of degree 3 each in p, q" in text
    assert "∂ℓ/∂p = " in text and "∂ℓ/∂q = " in text
    assert "Newton's method on ℓ(p, q)" in text
    md = abo.to_markdown()
    assert "## 6. No closed form" in md and r"\frac{\partial\ell}{\partial p}" in md


def test_abo_derivation_json_adds_the_equations_to_solve(abo):
    out = json.loads(abo.to_json())
    assert out["closed_form"] is False and out["mle"] is None
    assert out["free_parameters"] == ["p", "q"]
    assert out["elimination"] == {"r": "-p - q + 1"}
    assert len(out["equations_to_solve"]) == 2
    assert all(e.endswith(" = 0") and "Sum(x1[i], (i, 1, n))" in e
               for e in out["equations_to_solve"])
    # the keys every vector derivation had are still there
    assert {"stationarity", "lagrangian", "multipliers", "reason", "standard_errors"} <= set(out)


def test_abo_shown_equations_vanish_at_the_independent_optimum(abo):
    theta = slsqp_abo(ABO_COUNTS)
    stats = {s.symbol: float(c) for s, c in zip(abo.log_likelihood.statistics, ABO_COUNTS)}
    at = {sp.Symbol("p"): theta[0], sp.Symbol("q"): theta[1]}
    for e in abo.reduced_score:
        value = float(e.xreplace(stats).subs({f: at[sp.Symbol(f.name)] for f in abo.free}))
        assert abs(value) < 1e-3 * sum(ABO_COUNTS)


# --- numeric estimates against SciPy -------------------------------------------------------


def test_abo_classic_counts_agree_with_slsqp_and_the_literature(abo):
    start = time.process_time()
    r = fit_vector(abo, [ABO_COUNTS])
    spent = time.process_time() - start
    ref = slsqp_abo(ABO_COUNTS)
    got = np.array([r.estimates[k] for k in "pqr"])
    assert np.allclose(got, ref, atol=1e-6)
    assert np.allclose(got, [0.2136, 0.0501, 0.7363], atol=5e-5)  # the EM answer
    assert r.converged and 0 < r.iterations < 50
    assert r.method == {"p": "numeric", "q": "numeric", "r": "numeric"}
    assert math.isclose(sum(r.estimates.values()), 1.0, abs_tol=1e-12)
    assert r.start is not None and "seeded points" in r.start_method
    assert spent < 5.0
    text = r.to_text()
    assert "converged: True after" in text and "start: p = " in text
    # ℓ(θ̂) with the constant: the multinomial log-pmf at θ̂
    from scipy.special import gammaln
    c = np.array(ABO_COUNTS, float)
    logpmf = gammaln(c.sum() + 1) - gammaln(c + 1).sum() + abo_loglik(got, ABO_COUNTS)
    assert math.isclose(r.log_likelihood, logpmf, rel_tol=1e-9)


def test_abo_standard_errors_are_the_inverse_bordered_hessian(abo):
    r = fit_vector(abo, [ABO_COUNTS])
    theta = np.array([r.estimates[k] for k in "pqr"])
    cov = bordered_covariance(lambda t: abo_loglik(t, ABO_COUNTS), theta, [1.0, 1.0, 1.0])
    for k, name in enumerate("pqr"):
        assert math.isclose(r.standard_errors[name], math.sqrt(cov[k, k]), rel_tol=1e-4)
    assert math.isclose(r.standard_errors["p"], 0.0135, abs_tol=1e-4)


@pytest.mark.parametrize("seed", [1, 2])
def test_abo_simulated_rows_agree_with_slsqp(abo, seed):
    rng = np.random.default_rng(seed)
    truth = (0.28, 0.07, 0.65)
    rows = rng.multinomial(20, abo_probs(*truth), size=60)  # 60 families of 20
    r = fit_vector(abo, {f"x{j + 1}": rows[:, j] for j in range(4)})
    assert r.n == 60 and r.known == {"m": 20.0} and r.converged
    ref = slsqp_abo(rows.sum(axis=0))
    assert np.allclose([r.estimates[k] for k in "pqr"], ref, atol=1e-6)
    assert np.allclose([r.estimates[k] for k in "pqr"], truth, atol=0.05)


def test_abo_boundary_is_reported_not_hidden(abo):
    """No B and no AB: q̂ → 0 on the boundary; no convergence claimed, no standard errors."""
    r = fit_vector(abo, [[30, 0, 0, 70]])
    assert not r.converged and r.estimates["q"] < 1e-6
    assert all(se is None for se in r.standard_errors.values())
    assert any("did not converge" in w for w in r.warnings)


def test_abo_bad_data_is_a_clear_error(abo):
    with pytest.raises(OutOfSupportError, match="observation 2"):
        fit_vector(abo, [[1, 2, 3, 4], [1, 2, 3, 5]], known_values={"m": 10})


def test_linkage_has_a_closed_form_and_the_numeric_route_agrees():
    d = derive_request(**LINKAGE, timeout=SLOW)
    assert d.closed_form  # the score is a quadratic in θ over a common denominator
    r = fit_vector(d, [LINKAGE_COUNTS])
    c = np.array(LINKAGE_COUNTS, float)

    def nll(t):
        return -float(np.sum(c * np.log([(2 + t) / 4, (1 - t) / 4, (1 - t) / 4, t / 4])))
    ref = optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12}).x
    assert math.isclose(r.estimates["t"], ref, abs_tol=1e-7)
    assert math.isclose(r.estimates["t"], 0.6268, abs_tol=5e-5)
    # observed information −ℓ''(θ̂), written out by hand
    t = ref
    info = c[0] / (2 + t) ** 2 + (c[1] + c[2]) / (1 - t) ** 2 + c[3] / t ** 2
    assert math.isclose(r.standard_errors["t"], 1 / math.sqrt(info), rel_tol=1e-6)
    # the numeric route on the same statistics (the closed form is not used)
    stats = {s.symbol: v for s, v in zip(d.log_likelihood.statistics, LINKAGE_COUNTS)}
    run = maximise(d, stats, 1, {d.model.known[0]: float(sum(LINKAGE_COUNTS))})
    assert run.converged and math.isclose(run.estimates["t"], ref, abs_tol=1e-8)
    assert math.isclose(run.standard_errors["t"], r.standard_errors["t"], rel_tol=1e-8)


def test_curved_constraint_is_solved_through_the_free_parameter():
    d = derive_request(**SQUARE, timeout=SLOW)
    assert d.closed_form and d.reduced
    assert "free parameters p2" in d.reason
    text = d.to_text()
    assert "defeated SymPy" in text and "p1 = p2^2" in text
    counts = np.array([30.0, 50.0, 40.0])

    def nll(a):
        return -float(counts @ np.log([a * a, a, 1 - a - a * a]))
    a = optimize.minimize_scalar(nll, bounds=(1e-9, (math.sqrt(5) - 1) / 2 - 1e-9),
                                 method="bounded", options={"xatol": 1e-12}).x
    r = fit_vector(d, [counts])
    assert np.allclose([r.estimates[k] for k in ("p1", "p2", "p3")], [a * a, a, 1 - a - a * a],
                       atol=1e-7)
    # the numeric route gives the same point, and SEs from the projected Hessian
    stats = {s.symbol: v for s, v in zip(d.log_likelihood.statistics, counts)}
    run = maximise(d, stats, 1, {d.model.known[0]: 120.0})
    for k in ("p1", "p2", "p3"):
        assert math.isclose(run.estimates[k], r.estimates[k], abs_tol=1e-8)
        assert math.isclose(run.standard_errors[k], r.standard_errors[k], rel_tol=1e-6)
    # se(p̂2) by hand: 1/√(−ℓ''(a)) in the one free parameter
    h = 1e-5
    second = (nll(a + h) - 2 * nll(a) + nll(a - h)) / h ** 2
    assert math.isclose(r.standard_errors["p2"], 1 / math.sqrt(second), rel_tol=1e-4)


# --- the command line ----------------------------------------------------------------------


def test_cli_fit_abo_json_keeps_the_vector_fit_keys(tmp_path, capsys):
    data = tmp_path / "abo.csv"
    data.write_text("category,count\nx1,186\nx2,38\nx3,13\nx4,284\n")
    args = ["fit", ABO["model"], "--var", ABO["var"], *sum([["--param", p] for p in ABO["params"]],
                                                         []),
            "--known", "m:positive integer", "--support", SUPPORT4, "--constraint", "p + q + r = 1",
            "--data", data, "--format", "json", "--timeout", "120"]
    status = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert status == 0, err
    got = json.loads(out)
    # the keys of a closed-form vector fit (multinomial), all kept
    assert set(got) >= {"estimates", "standard_errors", "log_likelihood", "method", "converged",
                        "n", "iterations", "start", "start_method", "wald_intervals_95",
                        "warnings", "known", "constraints"}
    assert got["converged"] is True and got["iterations"] > 0
    assert set(got["start"]) == {"p", "q", "r"}
    assert got["method"] == {"p": "numeric", "q": "numeric", "r": "numeric"}
    assert abs(got["estimates"]["p"] - 0.21359) < 1e-5
    assert got["known"] == {"m": 521.0}


def test_abo_symbolic_expected_standard_errors_match_the_numeric_ones(abo):
    """The derivation's se(θ̂) from the expected information (a formula in p, q, r, m, n) at the
    numeric estimates is within 0.2% of the observed-information standard errors."""
    assert abo.standard_errors_source == "expected"
    r = fit_vector(abo, [ABO_COUNTS])
    values = {s: r.estimates[s.name] for s in abo.model.params}
    values.update({abo.model.known[0]: sum(ABO_COUNTS), sp.Symbol("n", integer=True,
                                                                   positive=True): 1})
    from symmle.notation import N
    values[N] = 1
    for p, formula in abo.standard_errors_.items():
        got = float(formula.xreplace(values))
        assert math.isclose(got, r.standard_errors[p.name], rel_tol=2e-3), (p, got)


# --- a transcendental likelihood equation, no constraint --------------------------------------

CENSORED = dict(model="m!/(x1!*x2!*x3!)*exp(-t)**x1*(t*exp(-t))**x2*(1-exp(-t)-t*exp(-t))**x3",
                var="x1,x2,x3", params=["t:positive"], known=["m:positive integer"],
                support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}")


def test_poisson_counts_grouped_as_0_1_and_more_have_no_closed_form():
    """Poisson counts recorded only as 0, 1 or ≥ 2: the likelihood equation
    −T₀ + T₁(1/t − 1) + T₂·t e^(−t)/(1 − e^(−t) − t e^(−t)) = 0 is transcendental."""
    d = derive_request(**CENSORED, timeout=SLOW)
    assert not d.closed_form and d.reduced_degrees is None and not d.model.constraints
    assert any("SymPy did not prove" in w and "probe points" in w for w in d.warnings)
    text = d.to_text()
    assert "There is no closed form" in text and "It is not polynomial in t" in text
    assert "dℓ/dt = " in text
    counts = np.array([30.0, 40.0, 50.0])

    def nll(t):
        return -float(counts @ np.log([math.exp(-t), t * math.exp(-t),
                                       1 - math.exp(-t) - t * math.exp(-t)]))
    ref = optimize.minimize_scalar(nll, bounds=(1e-6, 20), method="bounded",
                                   options={"xatol": 1e-12}).x
    r = fit_vector(d, {"x1": [30], "x2": [40], "x3": [50]})
    assert r.converged and r.method == {"t": "numeric"}
    assert math.isclose(r.estimates["t"], ref, abs_tol=1e-7)
    h = 1e-4
    second = (nll(ref + h) - 2 * nll(ref) + nll(ref - h)) / h ** 2
    assert math.isclose(r.standard_errors["t"], 1 / math.sqrt(second), rel_tol=1e-4)
