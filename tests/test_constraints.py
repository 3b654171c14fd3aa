"""Vector observations and equality constraints (issue 3): Lagrange multipliers for the
multinomial and the categorical, Hardy–Weinberg from the general machinery, grouped counts,
identifiability. Symbolic forms are checked against the textbook; numeric estimates against
SciPy's SLSQP with the equality constraint on simulated data."""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp

import symmle
from symmle import cli
from symmle.constrained import VectorDerivation, derive_vector
from symmle.errors import (NonIdentifiableError, NormalizationError, OutOfSupportError,
                           ParseError)
from symmle.notation import I, N
from symmle.vector_api import derive_request
from symmle.vector_fit import fit_vector

optimize = pytest.importorskip("scipy.optimize")

M = sp.Symbol("m", integer=True, positive=True)


def S(name: str) -> sp.Expr:
    """Σᵢ name[i] in sample notation."""
    return sp.Sum(sp.IndexedBase(name)[I], (I, 1, N))


def multinomial(k: int) -> dict:
    xs = [f"x{j}" for j in range(1, k + 1)]
    ps = [f"p{j}" for j in range(1, k + 1)]
    return dict(
        density=f"m!/({'*'.join(x + '!' for x in xs)})*" + "*".join(f"{p}**{x}" for p, x in zip(ps, xs)),
        var=",".join(xs), params=[f"{p}:(0, 1)" for p in ps], known=["m:positive integer"],
        support=f"{' + '.join(xs)} = m, {', '.join(xs)} in {{0,1,...,m}}",
        constraints=[" + ".join(ps) + " = 1"])


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def slsqp(neg_ll, k: int, start=None, bounds=None):
    """SciPy's SLSQP with Σ p = 1: the independent optimiser."""
    x0 = np.full(k, 1.0 / k) if start is None else start
    res = optimize.minimize(neg_ll, x0, method="SLSQP",
                            bounds=bounds or [(1e-9, 1.0)] * k,
                            constraints=[{"type": "eq", "fun": lambda p: np.sum(p) - 1.0}],
                            options={"ftol": 1e-15, "maxiter": 1000})
    assert res.success, res.message
    return res.x


# --- symbolic forms against the textbook ---------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_multinomial_lagrange_any_number_of_categories(k):
    d = derive_vector(**multinomial(k))
    assert isinstance(d, VectorDerivation) and d.closed_form
    for j in range(1, k + 1):
        assert sp.simplify(d.mle[f"p{j}"] - S(f"x{j}") / (N * M)) == 0
    assert d.multipliers == {"lambda": M * N}
    assert d.method == {f"p{j}": "lagrange" for j in range(1, k + 1)}
    assert d.second_order.verdict == "proven"
    # Var(p̂_j) = p_j(1 − p_j)/(n m)
    p1 = d.model.params[0]
    # the symbolic inverse is bounded in time: with many categories it may be left out (null)
    assert d.standard_errors_ is not None or k > 3
    if d.standard_errors_ is not None:
        var = (d.standard_errors_[p1] ** 2).xreplace(d.elimination)
        assert sp.simplify(var - p1 * (1 - p1) / (N * M)) == 0
    # the Lagrangian is ℓ + λ(1 − Σ p) and its stationarity equations include the constraint
    lam = d.multiplier_symbols[0]
    assert sp.expand(d.lagrangian - d.log_likelihood.expr - lam * (1 - sum(d.model.params))) == 0
    assert d.stationarity[-1] == sum(d.model.params) - 1


def test_multinomial_family_and_fisher_information():
    d = symmle.derive("multinomial")
    p1, p2 = d.model.params[:2]
    p3 = 1 - p1 - p2
    textbook = M * sp.Matrix([[1 / p1 + 1 / p3, 1 / p3], [1 / p3, 1 / p2 + 1 / p3]])
    assert (d.fisher_information - textbook).applyfunc(sp.simplify) == sp.zeros(2, 2)
    assert d.mle["p3"] == S("x3") / (M * N)


def test_categorical_one_hot():
    d = derive_vector("p1**x1*p2**x2*p3**x3", var="x1,x2,x3",
                      params=["p1:(0, 1)", "p2:(0, 1)", "p3:(0, 1)"],
                      support="x1 + x2 + x3 = 1, x1, x2, x3 in {0, 1}",
                      constraints=["p1 + p2 + p3 = 1"])
    assert d.mle == {f"p{j}": S(f"x{j}") / N for j in (1, 2, 3)}
    assert d.multipliers == {"lambda": N}


def test_trinomial_with_probabilities_functions_of_a_parameter():
    """Probabilities (θ, θ, 1 − 2θ): no multiplier, θ̂ = (Σx₁ + Σx₂)/(2nm)."""
    d = derive_vector("m!/(x1!*x2!*x3!)*theta**x1*theta**x2*(1-2*theta)**x3", var="x1,x2,x3",
                      params=["theta:(0, 1/2)"], known=["m:positive integer"],
                      support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}")
    assert sp.simplify(d.mle["theta"] - (S("x1") + S("x2")) / (2 * N * M)) == 0
    assert d.lagrangian is None and d.second_order.verdict == "proven"


def test_hardy_weinberg_textbook_form():
    for d in (symmle.derive("hardy_weinberg"),
              derive_vector("m!/(x1!*x2!*x3!)*(p**2)**x1*(2*p*(1-p))**x2*((1-p)**2)**x3",
                            var="x1,x2,x3", params=["p:(0, 1)"], known=["m:positive integer"],
                            support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}")):
        # p̂ = (2 n_AA + n_Aa)/(2 n) with n = n·m individuals
        assert sp.simplify(d.mle["p"] - (2 * S("x1") + S("x2")) / (2 * N * M)) == 0
        p = d.model.params[0]
        assert sp.simplify(d.fisher_information[0, 0] - 2 * M / (p * (1 - p))) == 0
        assert sp.simplify(d.standard_errors_[p] ** 2 - p * (1 - p) / (2 * N * M)) == 0


# --- numbers against SciPy -------------------------------------------------------------------------


@pytest.mark.parametrize("probs", [(0.2, 0.3, 0.5), (0.1, 0.2, 0.3, 0.4)])
def test_multinomial_fit_agrees_with_slsqp(probs):
    k = len(probs)
    d = derive_vector(**multinomial(k))
    rng = np.random.default_rng(7 + k)
    x = rng.multinomial(6, probs, size=400)
    r = fit_vector(d, x)
    est = np.array([r.estimates[f"p{j}"] for j in range(1, k + 1)])
    totals = x.sum(axis=0)
    ref = slsqp(lambda p: -np.sum(totals * np.log(p)), k)
    assert np.max(np.abs(est - ref)) < 1e-6
    assert abs(est.sum() - 1.0) < 1e-12  # the constraint holds exactly
    assert r.known == {"m": 6.0}
    se = np.array([r.standard_errors[f"p{j}"] for j in range(1, k + 1)])
    assert np.allclose(se, np.sqrt(est * (1 - est) / (400 * 6)), rtol=1e-10)


def test_hardy_weinberg_fit_agrees_with_slsqp_on_the_genotype_simplex():
    d = symmle.derive("hardy_weinberg")
    p_true = 0.35
    q = [p_true ** 2, 2 * p_true * (1 - p_true), (1 - p_true) ** 2]
    x = np.random.default_rng(3).multinomial(1, q, size=500)  # one row per individual
    r = fit_vector(d, x)
    counts = x.sum(axis=0)
    assert r.estimates["p"] == pytest.approx((2 * counts[0] + counts[1]) / (2 * 500), abs=1e-15)

    def neg(p):
        return -(2 * counts[0] * np.log(p[0]) + counts[1] * np.log(p[0] * (1 - p[0]))
                 + 2 * counts[2] * np.log(1 - p[0]))
    ref = optimize.minimize(neg, [0.5], method="SLSQP", bounds=[(1e-9, 1 - 1e-9)],
                            options={"ftol": 1e-15}).x[0]
    assert abs(r.estimates["p"] - ref) < 1e-6
    p = r.estimates["p"]
    assert r.standard_errors["p"] == pytest.approx(np.sqrt(p * (1 - p) / 1000), rel=1e-10)


def test_grouped_counts_csv_and_one_row_per_observation(tmp_path, capsys):
    grouped = tmp_path / "genotypes.csv"
    grouped.write_text("category,count\nx1,30\nx2,50\n# comment\nx3,20\n")
    status, out, _ = run(capsys, "fit", "hardy_weinberg", "--data", grouped, "--format", "json")
    assert status == 0
    res = json.loads(out)
    assert res["estimates"]["p"] == pytest.approx((2 * 30 + 50) / 200)
    assert res["known"] == {"m": 100.0} and res["n"] == 1
    rows = tmp_path / "rows.csv"
    rows.write_text("x1,x2,x3\n1,2,2\n0,3,2\n2,2,1\n")
    status, out, _ = run(capsys, "fit", "m!/(x1!*x2!*x3!) * p1**x1 * p2**x2 * p3**x3",
                         "--var", "x1,x2,x3", "--param", "p1", "--param", "p2", "--param", "p3",
                         "--constraint", "p1 + p2 + p3 = 1", "--known", "m", "--known", "m=5",
                         "--support", "x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
                         "--data", rows, "--format", "json")
    assert status == 0
    res = json.loads(out)
    assert res["estimates"] == pytest.approx({"p1": 0.2, "p2": 7 / 15, "p3": 1 / 3})
    assert res["constraints"] == ["p1 + p2 + p3 - 1 = 0"]
    bad = tmp_path / "bad.csv"
    bad.write_text("x1,x2,x3\n1,2,2\n0,3,3\n")
    status, _, err = run(capsys, "fit", "multinomial", "--data", bad, "--known", "m=5")
    assert status == OutOfSupportError.exit_code and "line 3" in err


# --- the command line, rendering, errors -------------------------------------------------------------


def test_cli_derive_json_keys(capsys):
    status, out, _ = run(capsys, "derive", "m!/(x1!*x2!*x3!) * p1**x1 * p2**x2 * p3**x3",
                         "--var", "x1,x2,x3", "--param", "p1", "--param", "p2", "--param", "p3",
                         "--constraint", "p1 + p2 + p3 = 1",
                         "--support", "x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}",
                         "--known", "m", "--format", "json")
    assert status == 0
    d = json.loads(out)
    for key in ("parameters", "closed_form", "mle", "method", "fisher_information",
                "second_order", "warnings", "variables", "constraints", "lagrangian",
                "stationarity", "multipliers", "standard_errors"):
        assert key in d
    assert d["mle"]["p2"] == "Sum(x2[i], (i, 1, n))/(m*n)"
    assert d["multipliers"] == {"lambda": "m*n"}
    assert d["constraints"] == ["p1 + p2 + p3 = 1"]


def test_rendering_shows_the_lagrangian_and_the_multiplier(capsys):
    d = symmle.derive("multinomial")
    kinds = [s.kind for s in d.steps]
    assert kinds[3:6] == ["lagrangian", "stationarity", "multiplier"]
    md, tex = d.to_markdown(), d.to_latex(standalone=True)
    for out in (md, tex):
        assert r"\mathcal{L}\left(p_{1}, p_{2}, p_{3}, \lambda\right)" in out
        assert r"\hat{\lambda} &=" in out and "x_{1,i}" in out
    status, out, _ = run(capsys, "derive", "multinomial", "--format", "text")
    assert status == 0 and "ℒ(p1, p2, p3, λ)" in out


def test_probabilities_without_their_constraint_are_refused(capsys):
    spec = multinomial(3)
    spec["constraints"] = []
    with pytest.raises(NormalizationError, match=r"--constraint \"p1 \+ p2 \+ p3 = 1\""):
        derive_vector(**spec)


def test_over_parameterised_model_names_the_flat_direction(capsys):
    with pytest.raises(NonIdentifiableError, match=r"not identifiable.*a\*da \+ b\*db"):
        derive_vector("m!/(x1!*x2!)*(a/(a+b))**x1*(b/(a+b))**x2", var="x1,x2",
                      params=["a:positive", "b:positive"], known=["m:positive integer"],
                      support="x1 + x2 = m, x1, x2 in {0,1,...,m}")
    argv = ["m!/(x1!*x2!*x3!)*(a*b)**x1*p2**x2*p3**x3", "--var", "x1,x2,x3", "--param",
            "a:(0, 1)", "--param", "b:(0, 1)", "--param", "p2:(0, 1)", "--param", "p3:(0, 1)",
            "--constraint", "a*b + p2 + p3 = 1", "--known", "m:positive integer",
            "--support", "x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}"]
    status, _, err = run(capsys, "derive", *argv)
    assert status == NonIdentifiableError.exit_code
    assert "not identifiable" in err and "-a*da + b*db" in err


def test_syntax_errors_in_vector_specs(capsys):
    status, _, err = run(capsys, "derive", "p1**x1*p2**x2", "--var", "x1,x2",
                         "--constraint", "p1 + p2 < 1", "--support", "x1 + x2 = 1, x1, x2 in {0,1}")
    assert status == ParseError.exit_code and "p1 + p2" in err
    status, _, err = run(capsys, "derive", "p1**x1*p2**x2", "--var", "x1,x2",
                         "--constraint", "p1 + p2 = 1", "--support", "x1 + x2 = 1")
    assert status == ParseError.exit_code


def test_trinomial_and_categorical_fits_agree_with_slsqp():
    d = derive_vector("m!/(x1!*x2!*x3!)*theta**x1*theta**x2*(1-2*theta)**x3", var="x1,x2,x3",
                      params=["theta:(0, 1/2)"], known=["m:positive integer"],
                      support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}")
    x = np.random.default_rng(11).multinomial(4, [0.3, 0.3, 0.4], size=250)
    r = fit_vector(d, x)
    c = x.sum(axis=0)
    ref = optimize.minimize(lambda t: -((c[0] + c[1]) * np.log(t[0]) + c[2] * np.log(1 - 2 * t[0])),
                            [0.25], method="SLSQP", bounds=[(1e-9, 0.5 - 1e-9)],
                            options={"ftol": 1e-15}).x[0]
    assert abs(r.estimates["theta"] - ref) < 1e-6
    cat = derive_vector("p1**x1*p2**x2*p3**x3", var="x1,x2,x3",
                        params=["p1:(0, 1)", "p2:(0, 1)", "p3:(0, 1)"],
                        support="x1 + x2 + x3 = 1, x1, x2, x3 in {0, 1}",
                        constraints=["p1 + p2 + p3 = 1"])
    onehot = np.random.default_rng(5).multinomial(1, [0.5, 0.2, 0.3], size=300)
    r = fit_vector(cat, {"x1": onehot[:, 0], "x2": onehot[:, 1], "x3": onehot[:, 2]})
    t = onehot.sum(axis=0)
    ref = slsqp(lambda p: -np.sum(t * np.log(p)), 3)
    assert np.max(np.abs(np.array([r.estimates[f"p{j}"] for j in (1, 2, 3)]) - ref)) < 1e-6


def test_multinomial_log_likelihood_with_more_than_170_trials():
    # log m! and log xₖ! for m = 300 overflow as gamma functions: they go through loggamma
    from scipy import stats

    rng = np.random.default_rng(0)
    x = rng.multinomial(300, [0.2, 0.3, 0.5], size=50)
    r = symmle.fit("multinomial", {"x1": x[:, 0], "x2": x[:, 1], "x3": x[:, 2]},
                   known_values={"m": 300})
    p = [r.estimates[k] for k in ("p1", "p2", "p3")]
    assert r.log_likelihood == pytest.approx(stats.multinomial(300, p).logpmf(x).sum(), rel=1e-12)
