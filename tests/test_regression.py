"""Conditional models (issue 3): regression derived symbolically against the textbook, and
fitted against independent optimisers (numpy.linalg.lstsq, scipy.optimize.minimize) on
simulated data."""
from __future__ import annotations

import functools
import json

import numpy as np
import pytest
import sympy as sp
from scipy.optimize import minimize

import symmle
from symmle.cli import main
from symmle.errors import NoMaximumError, NonIdentifiableError, ModelSpecError
from symmle.latex import prose_str
from symmle.notation import I, N, to_symbols
from symmle.regression import ConditionalDerivation
from symmle.regression_fit import fit_conditional

Y, X, X1, X2 = (sp.IndexedBase(n) for n in ("y", "x", "x1", "x2"))
GAUSS = "exp(-(y - b0 - b1*x)**2/(2*sigma2))/sqrt(2*pi*sigma2)"
LOGIT = "p**y*(1-p)**(1-y)".replace("p", "(1/(1+exp(-(b0+b1*x))))")
POISSON = "exp(-mu)*mu**y/factorial(y)".replace("mu", "exp(b0 + b1*x)")


def S(e):
    return sp.Sum(e, (I, 1, N))


def same(a, b) -> bool:
    """Equal for every sample: atomic sums as independent symbols, then cancel."""
    sa, table = to_symbols(sp.sympify(a))
    sb, table = to_symbols(sp.sympify(b), table=table)
    return sp.cancel(sa - sb) == 0


@functools.lru_cache(maxsize=None)
def derived(name: str) -> ConditionalDerivation:
    if name == "gauss":
        return symmle.derive(GAUSS, var="y", covariates=["x"],
                             params=["b0:real", "b1:real", "sigma2:positive"], support="real")
    if name == "logit":
        return symmle.derive(LOGIT, var="y", covariates=["x"], params=["b0:real", "b1:real"],
                             support="{0, 1}")
    if name == "poisson":
        return symmle.derive(POISSON, var="y", covariates=["x"], params=["b0:real", "b1:real"],
                             support="{0, 1, 2, ...}")
    if name == "origin":
        return symmle.derive("exp(-(y - b*x)**2/(2*s2))/sqrt(2*pi*s2)", var="y",
                             covariates=["x"], params=["b:real", "s2:positive"], support="real")
    if name == "exponential":
        return symmle.derive("exp(b*x)*exp(-exp(b*x)*y)", var="y", covariates=["x"],
                             params=["b:real"], support="y > 0")
    if name == "multiple":
        return symmle.derive("exp(-(y - b0 - b1*x1 - b2*x2)**2/(2*s2))/sqrt(2*pi*s2)", var="y",
                             covariates=["x1", "x2"],
                             params=["b0:real", "b1:real", "b2:real", "s2:positive"],
                             support="real", timeout=120)
    return symmle.derive(name)


# --- symbolic forms against the textbook -----------------------------------------------------

def test_simple_linear_regression_is_ols():
    d = derived("gauss")
    assert isinstance(d, ConditionalDerivation) and d.closed_form
    n, sx, sy, sxy, sxx = N, S(X[I]), S(Y[I]), S(X[I] * Y[I]), S(X[I] ** 2)
    xbar, ybar = sx / n, sy / n
    b1 = (sxy - n * xbar * ybar) / (sxx - n * xbar ** 2)
    assert same(d.mle["b1"], b1)
    assert same(d.mle["b0"], ybar - b1 * xbar)
    rss = S((Y[I] - d.mle["b0"] - d.mle["b1"] * X[I]) ** 2)
    assert same(d.mle["sigma2"], rss / n)
    assert d.least_squares["variance"] == "sigma2 = RSS/n"
    assert d.least_squares["rss"] == S((Y[I] - sp.Symbol("b0", real=True)
                                        - sp.Symbol("b1", real=True) * X[I]) ** 2)


def test_linear_regression_score_information_and_second_order():
    d = derived("gauss")
    b0, b1 = sp.Symbol("b0", real=True), sp.Symbol("b1", real=True)
    s2 = sp.Symbol("sigma2", positive=True)
    assert same(d.score[1], S((Y[I] - b0 - b1 * X[I]) * X[I]) / s2)
    assert d.mean == b0 + b1 * sp.Symbol("x", real=True)
    assert d.second_order.verdict == "proven"
    info = d.fisher_information
    expected = sp.Matrix([[N / s2, S(X[I]) / s2, 0], [S(X[I]) / s2, S(X[I] ** 2) / s2, 0],
                          [0, 0, N / (2 * s2 ** 2)]])
    assert all(same(info[i, j], expected[i, j]) for i in range(3) for j in range(3))
    # se(b1) = σ / sqrt(Σ(x - x̄)²)
    se = d.standard_errors["b1"]
    assert same(se ** 2, s2 / (S(X[I] ** 2) - S(X[I]) ** 2 / N))


def test_the_catalog_family_is_the_same_model():
    assert derived("linear_regression").to_dict()["mle"] == derived("gauss").to_dict()["mle"]


def test_regression_through_the_origin():
    d = derived("origin")
    assert same(d.mle["b"], S(X[I] * Y[I]) / S(X[I] ** 2))
    assert same(d.mle["s2"], S((Y[I] - d.mle["b"] * X[I]) ** 2) / N)
    assert d.second_order.verdict == "proven"


def test_multiple_regression_solves_the_normal_equations():
    d = derived("multiple")
    assert d.closed_form and d.least_squares["variance"] == "s2 = RSS/n"
    # the solution satisfies XᵀX β = Xᵀy: every score component vanishes at it
    for s in d.score_symbols:
        assert sp.cancel(s.xreplace(d.mle_symbols)) == 0
    assert d.second_order.verdict == "proven"


def test_logistic_regression_score_and_no_closed_form():
    d = derived("logit")
    assert not d.closed_form and d.mle is None
    x, y = sp.Symbol("x", real=True), d.model.var
    b0, b1 = d.model.params
    p = 1 / (1 + sp.exp(-(b0 + b1 * x)))
    assert sp.simplify(d.score_summands[1] - (y - p) * x) == 0
    assert sp.simplify(d.mean - p) == 0
    # cross-entropy: ℓ = Σ yᵢηᵢ − log(1 + e^{ηᵢ})
    eta = b0 + b1 * x
    assert sp.simplify(d.log_likelihood.log_density - (y * eta - sp.log(1 + sp.exp(eta)))) == 0
    assert "transcendental" in d.reason
    assert d.second_order.verdict == "proven" and d.irls
    assert set(d.newton_update) == {"b0", "b1"}
    assert d.fisher_scoring_update == d.newton_update
    kinds = [s.kind for s in d.steps]
    assert "newton" in kinds and "result" not in kinds


def test_poisson_regression_score():
    d = derived("poisson")
    x, y = sp.Symbol("x", real=True), d.model.var
    b0, b1 = d.model.params
    assert sp.simplify(d.score_summands[1] - (y - sp.exp(b0 + b1 * x)) * x) == 0
    assert not d.closed_form and d.irls and d.second_order.verdict == "proven"
    info = d.fisher_information
    assert same(info[1, 1], S(X[I] ** 2 * sp.exp(b0 + b1 * X[I])))


def test_exponential_regression_fisher_scoring_differs_from_newton():
    d = derived("exponential")
    b = d.model.params[0]
    assert not d.closed_form and not d.irls
    assert same(d.fisher_information[0, 0], S(X[I] ** 2))
    assert d.newton_update is not None and d.fisher_scoring_update is not None
    assert d.newton_update != d.fisher_scoring_update
    assert b in d.newton_update["b"].free_symbols


def test_symbolic_non_identifiable_names_the_direction():
    with pytest.raises(NonIdentifiableError, match=r"not identifiable.*db1 - db2"):
        symmle.derive("exp(-(y - b0 - b1*x - b2*x)**2/(2*s2))/sqrt(2*pi*s2)", var="y",
                      covariates=["x"], params=["b0:real", "b1:real", "b2:real", "s2:positive"],
                      support="real")


def test_covariate_errors():
    with pytest.raises(ModelSpecError, match="covariate 'z' does not appear"):
        symmle.derive(GAUSS, var="y", covariates=["z"], support="real")
    with pytest.raises(ModelSpecError, match="response"):
        symmle.derive(GAUSS, var="y", covariates=["y"], support="real")


# --- numbers against independent optimisers ---------------------------------------------------

def _negll_minimize(f, start):
    res = minimize(f, start, method="BFGS", options={"gtol": 1e-10, "maxiter": 10_000})
    return res.x


def test_ols_fit_matches_lstsq():
    rng = np.random.default_rng(3)
    x = rng.normal(size=2000)
    y = 1.5 - 0.7 * x + rng.normal(scale=0.8, size=x.size)
    r = fit_conditional(derived("gauss"), {"y": y, "x": x})
    beta, *_ = np.linalg.lstsq(np.c_[np.ones_like(x), x], y, rcond=None)
    assert r.estimates["b0"] == pytest.approx(beta[0], abs=1e-9)
    assert r.estimates["b1"] == pytest.approx(beta[1], abs=1e-9)
    rss = float(np.sum((y - beta[0] - beta[1] * x) ** 2))
    assert r.estimates["sigma2"] == pytest.approx(rss / x.size, rel=1e-9)
    assert r.method["b1"] == "score" and r.iterations == 0
    cov = rss / x.size * np.linalg.inv(np.c_[np.ones_like(x), x].T @ np.c_[np.ones_like(x), x])
    assert r.standard_errors["b1"] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-6)


def test_multiple_regression_fit_matches_lstsq():
    rng = np.random.default_rng(4)
    x1, x2 = rng.normal(size=(2, 1500))
    y = 0.5 + 2 * x1 - x2 + rng.normal(size=x1.size)
    r = fit_conditional(derived("multiple"), {"y": y, "x1": x1, "x2": x2})
    beta, *_ = np.linalg.lstsq(np.c_[np.ones_like(x1), x1, x2], y, rcond=None)
    got = np.array([r.estimates[k] for k in ("b0", "b1", "b2")])
    assert np.max(np.abs(got - beta)) < 1e-8


def test_logistic_fit_matches_scipy():
    rng = np.random.default_rng(5)
    x = rng.normal(size=3000)
    y = (rng.uniform(size=x.size) < 1 / (1 + np.exp(-(0.4 - 1.1 * x)))).astype(float)
    r = fit_conditional(derived("logit"), {"y": y, "x": x})

    def negll(b):
        eta = b[0] + b[1] * x
        return float(np.sum(np.logaddexp(0, eta) - y * eta))
    ref = _negll_minimize(negll, [0.0, 0.0])
    assert r.converged and r.method["b0"] == "numeric" and 0 < r.iterations < 30
    assert max(abs(r.estimates["b0"] - ref[0]), abs(r.estimates["b1"] - ref[1])) < 1e-5
    assert r.log_likelihood == pytest.approx(-negll(ref), abs=1e-6)
    # standard errors: sqrt(diag((XᵀWX)⁻¹)) at the estimate
    X_ = np.c_[np.ones_like(x), x]
    p = 1 / (1 + np.exp(-(X_ @ np.array([r.estimates["b0"], r.estimates["b1"]]))))
    cov = np.linalg.inv(X_.T @ (X_ * (p * (1 - p))[:, None]))
    assert r.standard_errors["b1"] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-6)


def test_poisson_fit_matches_scipy():
    rng = np.random.default_rng(6)
    x = rng.uniform(-1, 1, size=3000)
    y = rng.poisson(np.exp(1.0 + 0.6 * x)).astype(float)
    r = fit_conditional(derived("poisson"), {"y": y, "x": x})

    def negll(b):
        eta = b[0] + b[1] * x
        return float(np.sum(np.exp(eta) - y * eta))
    ref = _negll_minimize(negll, [0.0, 0.0])
    assert r.converged
    assert max(abs(r.estimates["b0"] - ref[0]), abs(r.estimates["b1"] - ref[1])) < 1e-5


def test_exponential_regression_fit_matches_scipy():
    rng = np.random.default_rng(7)
    x = rng.uniform(-1, 1, size=2000)
    y = rng.exponential(1 / np.exp(0.8 * x))
    r = fit_conditional(derived("exponential"), {"y": y, "x": x})

    def negll(b):
        return float(-np.sum(b[0] * x - np.exp(b[0] * x) * y))
    ref = _negll_minimize(negll, [0.0])
    assert abs(r.estimates["b"] - ref[0]) < 1e-5


def test_separated_data_have_no_mle():
    x = np.array([-2.0, -1.5, -1.0, -0.5, 0.5, 1.0, 1.5, 2.0])
    y = (x > 0).astype(float)
    with pytest.raises(NoMaximumError, match=r"the MLE does not exist \(the data are separated"):
        fit_conditional(derived("logit"), {"y": y, "x": x})


def test_collinear_and_constant_covariates_are_not_identifiable():
    rng = np.random.default_rng(8)
    x1 = rng.normal(size=200)
    y = 1 + x1 + rng.normal(size=200)
    with pytest.raises(NonIdentifiableError, match=r"not identifiable.*db1 - db2/2"):
        fit_conditional(derived("multiple"), {"y": y, "x1": x1, "x2": 2 * x1})
    with pytest.raises(NonIdentifiableError, match=r"not identifiable.*db0.*db1"):
        fit_conditional(derived("gauss"), {"y": y, "x": np.full(200, 3.0)})


# --- command line and rendering ----------------------------------------------------------------

def test_cli_derive_json_with_covariate(capsys):
    status = main(["derive", GAUSS, "--var", "y", "--covariate", "x", "--param", "b0:real",
                   "--param", "b1:real", "--param", "sigma2:positive", "--support", "real",
                   "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert status == 0
    assert out["covariates"] == ["x"] and out["conditional"] is True and out["closed_form"]
    for key in ("parameters", "mle", "method", "fisher_information", "second_order", "warnings",
                "checks", "newton_update", "fisher_scoring_update", "order_statistics",
                "least_squares", "normal_equations", "mean"):
        assert key in out
    assert out["least_squares"]["variance"] == "sigma2 = RSS/n"


def test_cli_fit_csv_and_errors(tmp_path, capsys):
    rng = np.random.default_rng(9)
    x = rng.normal(size=300)
    y = 2 - x + rng.normal(size=300)
    path = tmp_path / "data.csv"
    path.write_text("x,y\n" + "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in zip(x, y)) + "\n")
    assert main(["fit", "linear_regression", "--data", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    beta, *_ = np.linalg.lstsq(np.c_[np.ones_like(x), x], y, rcond=None)
    assert out["estimates"]["b1"] == pytest.approx(beta[1], abs=1e-9)
    assert out["covariates"] == ["x"] and out["n"] == 300
    path.write_text("x,y\n" + "\n".join(f"3.0,{float(b)!r}" for b in y) + "\n")
    assert main(["fit", "linear_regression", "--data", str(path)]) == NonIdentifiableError.exit_code
    assert "not identifiable" in capsys.readouterr().err
    path.write_text("x,y\n-1,0\n-0.5,0\n0.5,1\n1,1\n")
    assert main(["fit", "logistic_regression", "--data", str(path)]) == NoMaximumError.exit_code
    assert "separated" in capsys.readouterr().err


def test_cli_derive_non_identifiable_exit_code(capsys):
    status = main(["derive", "exp(-(y - b0 - b1*x - b2*x)**2/2)/sqrt(2*pi)", "--var", "y",
                   "--covariate", "x", "--param", "b0:real", "--param", "b1:real",
                   "--param", "b2:real", "--support", "real"])
    assert status == NonIdentifiableError.exit_code
    assert "db1 - db2" in capsys.readouterr().err


def test_markdown_and_latex_show_least_squares_and_newton():
    md = derived("gauss").to_markdown()
    assert "least squares" in md.lower() and "normal equations" in md
    tex = derived("logit").to_latex()
    assert "IRLS" in tex and "{b_{0}}^{(k+1)}" in tex
    # an untitled model is named by its density, as mathematics (not f(y $|$ x; b0, b1) = ...)
    assert r"\section*{Maximum likelihood estimation: $f(y \mid x, b_{0}, b_{1}) = " in tex


def test_symmle_fit_takes_columns_for_a_conditional_model():
    x = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
    y = np.array([0.1, 2.1, 3.9, 6.2, 7.9])
    r = symmle.fit("linear_regression", {"y": y, "x": x})
    beta, *_ = np.linalg.lstsq(np.c_[np.ones_like(x), x], y, rcond=None)
    assert r.estimates["b1"] == pytest.approx(beta[1], abs=1e-12)


def test_support_may_name_the_response():
    from symmle.parsing import parse_support

    assert parse_support("y real", "y", {}) == parse_support("real", "y", {})
    assert parse_support("x positive", "x", {}) == parse_support("x > 0", "x", {})


# --- three or more covariates: the matrix form (y = Xβ + ε) -----------------------------------

def _many(k: int) -> str:
    mean = " - ".join(["b0"] + [f"b{j}*x{j}" for j in range(1, k + 1)])
    return f"exp(-(y - {mean})**2/(2*s2))/sqrt(2*pi*s2)"


@functools.lru_cache(maxsize=None)
def many(k: int) -> ConditionalDerivation:
    """y ~ x1 + ... + xk with an intercept, at the default time budget (30 s)."""
    return symmle.derive(_many(k), var="y", covariates=[f"x{j}" for j in range(1, k + 1)],
                         params=[f"b{j}:real" for j in range(k + 1)] + ["s2:positive"],
                         support="real")


def _simulate(k: int, n: int = 150, seed: int = 3):
    rng = np.random.default_rng(seed)
    xs = rng.normal(size=(n, k))
    beta = np.linspace(-1.0, 2.0, k + 1)
    y = beta[0] + xs @ beta[1:] + rng.normal(scale=0.8, size=n)
    data = {"y": y, **{f"x{j}": xs[:, j - 1] for j in range(1, k + 1)}}
    return data, np.c_[np.ones(n), xs], y


def test_two_covariates_stay_in_the_sums():
    assert not derived("multiple").matrix_form  # Cramer's rule in the sums is still readable


def test_matrix_form_symbolic_steps():
    from sympy.matrices.expressions.matexpr import MatrixElement

    d = many(3)
    assert d.matrix_form and d.closed_form and d.second_order.verdict == "proven"
    dz = d.design
    assert dz.columns == (1, *d.model.covariates) and dz.intercept and dz.power == 1
    kinds = [s.kind for s in d.steps]
    assert kinds == ["model", "likelihood", "log_likelihood", "matrix_form", "score",
                     "equations", "result", "second_order", "information", "insight"]
    X, y, beta = dz.X, dz.y, dz.beta
    eqs = {s.kind: list(s.equations()) for s in d.steps}
    # the model y = Xβ + ε and the normal equations XᵀXβ = Xᵀy
    assert any(l == y and r.has(X) for l, r in eqs["matrix_form"])
    normal = eqs["equations"][0]
    assert normal[0].doit() == (X.T * X * beta).doit()
    assert normal[1].doit() == (X.T * y).doit()
    # β̂ = (XᵀX)⁻¹Xᵀy
    bhat, est = eqs["result"][0]
    assert est.doit() == ((X.T * X).I * X.T * y).doit()
    assert d.mle["b2"] == MatrixElement(dz.estimator(), 2, 0)
    # σ̂² = RSS/n, and the score of σ² at the root
    s2 = d.model.params[-1]
    assert d.least_squares["variance"] == "s2 = RSS/n"
    assert same(eqs["result"][-1][1], S((Y[I] - sum(sp.Symbol(f"b{j}_hat", real=True)
                                                    * (1 if j == 0 else sp.IndexedBase(f"x{j}")[I])
                                                    for j in range(4))) ** 2) / N)
    # information: XᵀX/σ² for the coefficients, n/(2σ⁴) for σ², nothing across
    info = d.fisher_information
    X2, X3 = sp.IndexedBase("x2"), sp.IndexedBase("x3")
    assert same(info[0, 0], N / s2) and same(info[2, 3], S(X2[I] * X3[I]) / s2)
    assert info[4, 4] == N / (2 * s2 ** 2) and all(info[4, j] == 0 for j in range(4))
    assert sp.simplify(d.standard_errors["s2"] - sp.sqrt(2 * s2 ** 2 / N)) == 0
    assert "When X has full column rank" in prose_str(d.steps[6].text)
    assert json.loads(d.to_json())["matrix_form"]["normal_equations"] == "X.T*X*beta = X.T*y"


def test_matrix_form_renders():
    d = many(3)
    md = d.to_markdown()
    assert r"\mathbf{X}^{T} \mathbf{X} \boldsymbol{\beta} &= \mathbf{X}^{T} \mathbf{y}" in md
    assert r"\left(\mathbf{X}^{T} \mathbf{X}\right)^{-1} \mathbf{X}^{T} \mathbf{y}" in md
    text = d.to_text()
    assert "XᵀXβ = Xᵀy" in text and "= (XᵀX)⁻¹Xᵀy" in text
    assert "+ -" not in text and "+ -" not in md


def test_matrix_form_latex_compiles(tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (.ci/run installs it)")
    (tmp_path / "m.tex").write_text(many(3).to_latex(standalone=True))
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "m.tex"],
                          cwd=tmp_path, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stdout.decode(errors="replace")[-2000:]


def test_five_covariates_derive_within_the_default_budget():
    d = many(5)  # the default 30 s budget: the sums solve ran out of time here before
    assert d.matrix_form and d.closed_form and not d.warnings


@pytest.mark.parametrize("k", [3, 5])
def test_matrix_form_fit_against_lstsq_and_minimize(k):
    data, X, y = _simulate(k)
    n = y.size
    r = fit_conditional(many(k), data)
    est = np.array([r.estimates[f"b{j}"] for j in range(k + 1)])
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert np.allclose(est, beta, atol=1e-9)
    rss = float(np.sum((y - X @ beta) ** 2))
    assert r.estimates["s2"] == pytest.approx(rss / n, rel=1e-9)  # the MLE divides by n

    def nll(theta):
        b, log_s2 = theta[:-1], theta[-1]
        res = y - X @ b
        return 0.5 * n * (np.log(2 * np.pi) + log_s2) + res @ res / (2 * np.exp(log_s2))
    opt = minimize(nll, np.zeros(k + 2), method="BFGS", options={"gtol": 1e-9})
    assert np.allclose(est, opt.x[:-1], atol=1e-4)
    assert r.estimates["s2"] == pytest.approx(np.exp(opt.x[-1]), rel=1e-4)
    # standard errors by hand: σ̂²(XᵀX)⁻¹ with σ̂² = RSS/n (not RSS/(n − k − 1))
    cov = rss / n * np.linalg.inv(X.T @ X)
    for j in range(k + 1):
        assert r.standard_errors[f"b{j}"] == pytest.approx(np.sqrt(cov[j, j]), rel=1e-6)
    assert r.standard_errors["s2"] == pytest.approx(rss / n * np.sqrt(2 / n), rel=1e-6)
    assert r.method["b1"] == "score" and r.converged


def test_matrix_form_collinear_covariates_name_the_flat_direction():
    data, _, _ = _simulate(3)
    data["x3"] = 2 * data["x1"] - data["x2"]
    with pytest.raises(NonIdentifiableError, match=r"full column rank.*db1 - db2/2 - db3/2"):
        fit_conditional(many(3), data)


def test_cli_matrix_form_with_repeated_covariates_and_csv(tmp_path, capsys):
    data, X, y = _simulate(3, n=80, seed=11)
    path = tmp_path / "data.csv"
    cols = ["y", "x1", "x2", "x3"]
    path.write_text(",".join(cols) + "\n" + "\n".join(
        ",".join(repr(float(data[c][i])) for c in cols) for i in range(y.size)) + "\n")
    args = [_many(3), "--var", "y", "--covariate", "x1", "--covariate", "x2", "--covariate",
            "x3", *[a for j in range(4) for a in ("--param", f"b{j}:real")],
            "--param", "s2:positive", "--support", "real"]
    assert main(["fit", *args, "--data", str(path), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    beta, *_ = np.linalg.lstsq(X, y, rcond=None)
    assert [out["estimates"][f"b{j}"] for j in range(4)] == pytest.approx(beta, abs=1e-9)
    assert out["covariates"] == ["x1", "x2", "x3"]
    assert main(["derive", *args, "--format", "json"]) == 0
    derived_json = json.loads(capsys.readouterr().out)
    assert derived_json["matrix_form"]["estimator"] == "(X.T*X)**(-1)*X.T*y"
    path.write_text("y,x1,x2,x3\n" + "\n".join(f"{i},{i % 3},{i % 5},{i % 3}" for i in range(9)))
    assert main(["fit", *args, "--data", str(path)]) == NonIdentifiableError.exit_code
    err = capsys.readouterr().err
    assert "full column rank" in err and "Traceback" not in err
