"""``symmle check`` on conditional models f(y | x, θ): regression claims written with yᵢ and
the covariates xᵢ, judged symbolically and at random points that carry the covariates.

Each verdict rests on symmle's own derivation, which is checked here again against an
independent optimiser (``scipy.optimize``) on simulated data."""
from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

import symmle
from symmle import cli
from symmle.claims import parse_claim
from symmle.crosscheck import Evaluator, Point
from symmle.errors import ParseError

SXY = r"\frac{\sum_{i=1}^n (x_i-\bar x)(y_i-\bar y)}{\sum_{i=1}^n (x_i-\bar x)^2}"
RSS = r"\frac{1}{n}\sum_{i=1}^n (y_i - \hat\beta_0 - \hat\beta_1 x_i)^2"
EXPOSURE = dict(var="y", covariates=["t"], params={"lam": "positive"}, support="y > 0")


@pytest.fixture(scope="module")
def linear():
    return symmle.derive("linear_regression")


@pytest.fixture(scope="module")
def exposure():
    return symmle.derive("lam*t*exp(-lam*t*y)", **EXPOSURE)


def test_simple_linear_regression_in_textbook_forms(linear):
    r = symmle.check("linear_regression", derivation=linear, mle={
        r"\hat\beta_1": SXY, "b0": r"\bar y - \hat\beta_1 \bar x", r"\hat\sigma^2": RSS},
        score={"b0": r"\frac{1}{\sigma^2}\sum_{i=1}^n (y_i - \beta_0 - \beta_1 x_i)",
               "b1": r"\frac{1}{\sigma^2}\sum_{i=1}^n x_i(y_i - \beta_0 - \beta_1 x_i)"},
        log_likelihood=r"-\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}"
                       r"\sum_{i=1}^n (y_i-\beta_0-\beta_1 x_i)^2",
        fisher=r"\frac{1}{\sigma^2}\begin{pmatrix} n & \sum x_i & 0 \\ \sum x_i & \sum x_i^2 & 0"
               r" \\ 0 & 0 & \frac{n}{2\sigma^2}\end{pmatrix}")
    assert r.all_correct and r.exit_code == 0, r.to_text()
    assert set(r.steps) == {"log_likelihood", "score.b0", "score.b1", "mle.b0", "mle.b1",
                            "mle.sigma2", "fisher"}
    assert r.steps["fisher"].matched == "for the n observations"
    assert r.steps["mle.b1"].decided_by in ("symbolic", "symbolic and numeric")


@pytest.mark.parametrize("claims, step, slip", [
    # s² = RSS/(n − 2), the unbiased residual variance, is not the MLE
    ({"mle": {"sigma2": RSS.replace(r"\frac{1}{n}", r"\frac{1}{n-2}")}}, "mle.sigma2",
     "1/(n-p) for 1/n"),
    ({"score": {"b1": r"\frac{1}{\sigma^2}\sum_{i=1}^n x_i(\beta_0 + \beta_1 x_i - y_i)"}},
     "score.b1", "a sign"),
    ({"mle": {"b1": SXY.replace("(x_i-\\bar x)^2", "(x_i-\\bar x)")}}, "mle.b1", None),
])
def test_wrong_regression_claims_with_their_slip(linear, claims, step, slip):
    r = symmle.check("linear_regression", derivation=linear, **claims)
    v = r.steps[step]
    assert v.verdict == "wrong" and r.exit_code == 16 and r.first_wrong == step
    assert v.slip == slip
    ce = v.counterexample
    assert len(ce["covariates"]["x"]) == ce["n"] == len(ce["sample"])


def test_truth_agrees_with_an_independent_optimiser(linear):
    """The claims judged right above, evaluated on simulated data, maximise the likelihood
    that scipy.optimize maximises independently."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-2, 3, 60)
    y = 1.5 - 0.7 * x + rng.normal(0, 0.8, 60)
    m = linear.model
    cov = list(m.covariates)
    p = Point(y, {}, columns={"x": x})
    est = {}
    for name, text in (("b1", SXY), ("b0", r"\bar y - \frac{\sum x_i y_i - n\bar x \bar y}"
                                           r"{\sum x_i^2 - n \bar x^2} \bar x")):
        e = parse_claim(text, m.params, m.var, m.known, covariates=cov,
                        latex_names=m.latex_names)
        est[name] = Evaluator(e, list(m.params), sp.IndexedBase("y")[sp.Symbol("i")],
                              (None, None), ["x"])(p)
    b0, b1 = est["b0"], est["b1"]
    s2 = np.mean((y - b0 - b1 * x) ** 2)

    def nll(t):
        return 0.5 * len(y) * np.log(2 * np.pi * t[2]) + np.sum((y - t[0] - t[1] * x) ** 2) / (
            2 * t[2])
    best = so.minimize(nll, [0.0, 0.0, 1.0], bounds=[(None, None), (None, None), (1e-6, None)],
                       method="L-BFGS-B", options={"ftol": 1e-14, "gtol": 1e-10})
    assert [b0, b1, s2] == pytest.approx(list(best.x), rel=1e-4, abs=1e-6)
    fitted = symmle.fit("linear_regression", {"y": y, "x": x}, derivation=linear).estimates
    assert [fitted["b0"], fitted["b1"], fitted["sigma2"]] == pytest.approx([b0, b1, s2])


def test_exposure_model_both_scales_of_information(exposure):
    """λt e^{−λty}: the covariate t is left on the real line, yet the density needs t > 0, so
    the random points draw t > 0 (a point is kept only where the density is positive)."""
    r = symmle.check("lam*t*exp(-lam*t*y)", derivation=exposure, **EXPOSURE,
                     mle=r"\frac{n}{\sum_i t_i y_i}", score="n/lam - sum(t_i*y_i)",
                     fisher="n/lam^2")
    assert r.all_correct, r.to_text()
    per = symmle.check("lam*t*exp(-lam*t*y)", derivation=exposure, **EXPOSURE,
                       fisher="1/lam^2").steps["fisher"]
    assert per.correct and per.matched == "per observation"
    wrong = symmle.check("lam*t*exp(-lam*t*y)", derivation=exposure, **EXPOSURE,
                         mle=r"\frac{n}{\sum_i y_i}").steps["mle"]
    assert wrong.verdict == "wrong" and min(wrong.counterexample["covariates"]["t"]) > 0
    # the MLE n/Σtᵢyᵢ against scipy on data simulated from the model
    rng = np.random.default_rng(9)
    t = rng.uniform(0.5, 3.0, 200)
    y = rng.exponential(1 / (2.0 * t))
    best = so.minimize_scalar(lambda lam: -np.sum(np.log(lam * t) - lam * t * y),
                              bounds=(1e-3, 50), method="bounded", options={"xatol": 1e-10})
    assert len(y) / np.sum(t * y) == pytest.approx(best.x, rel=1e-6)
    fit = symmle.fit("lam*t*exp(-lam*t*y)", {"y": y, "t": t}, derivation=exposure)
    assert fit.estimates["lam"] == pytest.approx(best.x, rel=1e-6)


def test_logistic_regression_score_and_a_fitted_mle():
    r = symmle.check("logistic_regression", score={
        "b1": r"\sum_{i=1}^n x_i\left(y_i - \frac{e^{\beta_0+\beta_1 x_i}}"
              r"{1+e^{\beta_0+\beta_1 x_i}}\right)"}, mle={"b0": "0"})
    assert r.steps["score.b1"].correct
    v = r.steps["mle.b0"]
    assert v.verdict == "wrong" and v.decided_by == "numeric"
    assert "maximising the likelihood numerically" in v.message


def test_multiple_regression_in_matrix_form_is_compared_with_the_fit():
    """With three covariates symmle's MLE is (XᵀX)⁻¹Xᵀy, not in sample notation: a claimed
    MLE is compared with the fitted values."""
    model = "exp(-(y-b0-b1*x1-b2*x2-b3*x3)**2/(2*s2))/sqrt(2*pi*s2)"
    kw = dict(var="y", covariates=["x1", "x2", "x3"], support="real",
              params={"b0": "real", "b1": "real", "b2": "real", "b3": "real", "s2": "positive"})
    r = symmle.check(model, **kw, mle={
        "s2": r"\frac{1}{n}\sum (y_i - \hat b_0 - \hat b_1 x_{i1} - \hat b_2 x_{2i}"
              r" - \hat b_3 x_{i,3})^2", "b0": r"\bar y"})
    assert r.steps["mle.s2"].correct and "matrix" in r.steps["mle.s2"].message
    assert r.steps["mle.b0"].verdict == "wrong"


def test_cli_json_and_exit_status(capsys):
    argv = ["check", "lam*t*exp(-lam*t*y)", "--var", "y", "--covariate", "t", "--param",
            "lam:positive", "--support", "y > 0", "--mle", r"\frac{n}{\sum_i y_i}",
            "--format", "json"]
    assert cli.main(argv) == 16
    out = json.loads(capsys.readouterr().out)
    ce = out["steps"]["mle"]["counterexample"]
    assert set(ce["covariates"]) == {"t"} and len(ce["covariates"]["t"]) == ce["n"]
    assert cli.main(argv[:-4] + ["--mle", r"\frac{n}{\sum_i t_i y_i}"]) == 0


@pytest.mark.parametrize("claim, message", [
    (r"\frac{1}{x_i}", "the covariate x_i (or x) appears outside a sum"),
    (r"\sum_{i} x_{7i}", "unknown subscript '7i' of the covariate x"),
    (r"\bar z", "only supported over the observation 'y' or 'x'"),
    (r"\input{x}", "not supported"),
])
def test_covariate_claims_refused_with_a_reason(linear, claim, message):
    with pytest.raises(symmle.errors.SymmleError) as info:
        symmle.check("linear_regression", derivation=linear, mle={"b0": claim})
    assert message in info.value.message
    assert isinstance(info.value, (ParseError, symmle.errors.UnknownNameError))


def test_poisson_regression_log_likelihood_score_and_information():
    eta = r"\beta_0+\beta_1 x_i"
    r = symmle.check("poisson_regression", score={
        "b0": rf"\sum_{{i=1}}^n (y_i - e^{{{eta}}})",
        "b1": rf"\sum_{{i=1}}^n x_i(y_i - \exp({eta}))"},
        log_likelihood=rf"\sum_{{i=1}}^n \left[y_i({eta}) - e^{{{eta}}}\right]",
        fisher=rf"\begin{{pmatrix}} \sum e^{{{eta}}} & \sum x_i e^{{{eta}}} \\ "
               rf"\sum x_i e^{{{eta}}} & \sum x_i^2 e^{{{eta}}}\end{{pmatrix}}")
    assert r.all_correct, r.to_text()
    assert r.steps["log_likelihood"].verdict == "correct_up_to_constant"  # Σ log yᵢ! dropped
    wrong = symmle.check("poisson_regression", fisher={"b1": rf"\sum x_i e^{{{eta}}}"})
    assert wrong.steps["fisher.b1"].verdict == "wrong"
    # symmle's score equations, solved by its fit, against scipy on simulated data
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 2, 300)
    y = rng.poisson(np.exp(0.4 + 0.8 * x))
    best = so.minimize(lambda b: np.sum(np.exp(b[0] + b[1] * x) - y * (b[0] + b[1] * x)),
                       [0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    est = symmle.fit("poisson_regression", {"y": y, "x": x}).estimates
    assert [est["b0"], est["b1"]] == pytest.approx(list(best.x), rel=1e-5, abs=1e-7)
