"""``symmle check`` on standard errors (``--se``) and on the MLE of a function g(θ) by
invariance with its delta-method standard error (``--g``, ``--g-mle``, ``--g-se``).

Each truth is also checked without symmle: the MLE of g(θ) by maximising the likelihood in
the parameter g with ``scipy.optimize``, the standard error by the spread of the MLE over
simulated samples."""
from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.optimize as so
from scipy import stats

import symmle
from symmle import cli
from symmle.errors import ParseError, UnsupportedModelError
from symmle.notation import N


@pytest.mark.parametrize("model, claim, verdict, slip", [
    ("poisson", r"\sqrt{\hat\lambda/n}", "correct", None),
    ("poisson", r"\sqrt{\frac{\bar x}{n}}", "correct", None),  # at the estimate
    ("poisson", r"\frac{\lambda}{n}", "wrong", "the variance for the standard error"),
    ("poisson", r"\sqrt{\lambda}", "wrong", "a dropped factor √n"),
    ("poisson", r"\sqrt{\bar x}", "wrong", "a dropped factor √n"),
    ("exponential", r"\frac{1}{\bar x \sqrt n}", "correct", None),
    ("exponential", r"\frac{\lambda}{\sqrt{n}}", "correct", None),
    ("bernoulli", r"\sqrt{\frac{\bar x(1-\bar x)}{n}}", "correct", None),
    ("bernoulli", r"\sqrt{\frac{\bar x(1-\bar x)}{n-1}}", "wrong", "1/(n-1) for 1/n"),
])
def test_standard_error_of_one_parameter(model, claim, verdict, slip):
    step = symmle.check(model, standard_error=claim).steps["se"]
    assert (step.correct if verdict == "correct" else step.verdict == verdict), step.message
    assert step.slip == slip
    if verdict == "wrong":  # written in the sample: the counterexample needs no parameter
        assert bool(step.counterexample["parameters"]) == ("lambda" in claim), step.message


def test_standard_errors_of_two_parameters():
    r = symmle.check("normal", standard_error={
        "mu": r"\sqrt{\sigma^2/n}", r"\hat\sigma^2": r"\sigma^2\sqrt{2/n}"})
    assert r.all_correct
    wrong = symmle.check("normal", standard_error={"mu": "sigma2/n"}).steps["se.mu"]
    assert wrong.verdict == "wrong" and wrong.slip == "the variance for the standard error"


@pytest.mark.parametrize("model, g, claims, verdicts", [
    ("poisson", "exp(-lambda)", {"mle": r"e^{-\bar x}", "se": r"e^{-\lambda}\sqrt{\lambda/n}"},
     {"mle.g1": "correct", "se.g1": "correct"}),
    ("poisson", r"e^{-\lambda}", {"se": r"e^{-\bar x}\sqrt{\bar x / n}"}, {"se.g1": "correct"}),
    # x̄² − x̄/n is unbiased for λ², but the MLE is x̄²
    ("poisson", "lambda^2", {"mle": r"\bar x^2 - \bar x/n"}, {"mle.g1": "wrong"}),
    ("exponential", "1/lambda", {"mle": r"\bar x", "se": r"\bar{x}/\sqrt{n}"},
     {"mle.g1": "correct", "se.g1": "correct"}),
    ("bernoulli", "p/(1-p)", {"mle": r"\frac{\bar x}{1-\bar x}"}, {"mle.g1": "correct"}),
    ("normal", "sqrt(sigma2)", {"mle": r"\sqrt{\frac1n\sum_{i=1}^n (x_i-\bar x)^2}"},
     {"mle.g1": "equivalent"}),
    ("normal", "sqrt(sigma2)", {"mle": r"\sqrt{\frac{1}{n-1}\sum_{i=1}^n (x_i-\bar x)^2}"},
     {"mle.g1": "wrong"}),
])
def test_mle_of_a_function_by_invariance(model, g, claims, verdicts):
    r = symmle.check(model, g={g: claims})
    assert {k: "correct" if v.verdict == "equivalent" and verdicts[k] == "correct" else v.verdict
            for k, v in r.steps.items()} == verdicts, r.to_text()
    assert all(v.param == g for v in r.steps.values())


def test_several_functions_and_no_closed_form():
    r = symmle.check("gamma", g=[{"function": "alpha/beta", "mle": r"\bar x"},
                                 {"function": "alpha", "mle": r"\bar x"}])
    assert list(r.steps) == ["mle.g1", "mle.g2"]
    assert r.steps["mle.g1"].verdict == "correct"  # the mean α/β: x̄, found by the fit
    assert r.steps["mle.g1"].decided_by == "numeric"
    assert r.steps["mle.g2"].verdict == "wrong" and r.first_wrong == "mle.g2"


def test_truths_against_scipy_and_simulation():
    """e^{−x̄} maximises the Poisson likelihood written in q = e^{−λ} (scipy), and the delta
    method's standard error of λ̂ and of e^{−λ̂} match their spread over 4000 samples."""
    rng = np.random.default_rng(11)
    lam, n = 2.0, 400
    x = rng.poisson(lam, n)
    best = so.minimize_scalar(lambda q: -np.sum(stats.poisson.logpmf(x, -np.log(q))),
                              bounds=(1e-6, 1 - 1e-9), method="bounded",
                              options={"xatol": 1e-12})
    assert np.exp(-x.mean()) == pytest.approx(best.x, rel=1e-6)
    d = symmle.derive("poisson", functions=["exp(-lambda)"])
    means = rng.poisson(lam, (4000, n)).mean(axis=1)
    at = {d.model.params[0]: lam, N: n}
    se_lambda = float(d.standard_errors["lambda"].subs(at))
    se_g = float(d.transforms[0].standard_error.subs(at))
    assert np.std(means) == pytest.approx(se_lambda, rel=0.05)
    assert np.std(np.exp(-means)) == pytest.approx(se_g, rel=0.05)
    r = symmle.check("poisson", standard_error=r"\sqrt{\lambda/n}",
                     g={"exp(-lambda)": {"se": r"e^{-\lambda}\sqrt{\lambda/n}"}})
    assert r.all_correct


def test_regression_standard_error_and_g_refused():
    se = r"\sqrt{\frac{\sigma^2}{\sum_{i=1}^n (x_i - \bar x)^2}}"
    r = symmle.check("linear_regression", standard_error={"b1": se})
    assert r.steps["se.b1"].correct, r.steps["se.b1"].message
    with pytest.raises(UnsupportedModelError, match="one-sample models only"):
        symmle.check("linear_regression", g={"b1^2": "0"})


@pytest.mark.parametrize("g, message", [
    ({"xbar": "1"}, "a function of the parameters"),
    ({"lambda": {"mean": "1"}}, "'mle' and 'se'"),
    ({"lambda": {}}, "give the claimed MLE"),
    ("exp(-lambda)", "expected a mapping"),
])
def test_bad_functions_are_refused(g, message):
    with pytest.raises(ParseError, match=message):
        symmle.check("poisson", g=g)


def test_cli_flags_and_file(tmp_path, capsys):
    argv = ["check", "poisson", "--se", r"\sqrt{\bar x/n}", "--g", "exp(-lambda)",
            "--g-mle", r"e^{-\bar x}", "--g-se", r"e^{-\bar x}\sqrt{\bar x}", "--format", "json"]
    assert cli.main(argv) == 16
    out = json.loads(capsys.readouterr().out)
    assert out["first_wrong"] == "se.g1" and out["steps"]["se.g1"]["slip"] == "a dropped factor √n"
    assert out["steps"]["mle.g1"]["verdict"] == "correct"
    assert cli.main(["check", "poisson", "--g-mle", "1"]) == 2
    assert "--g-mle is given once but --g never" in capsys.readouterr().err
    f = tmp_path / "hw.toml"
    f.write_text('model = "exponential"\n[claims]\nse = \'\\frac{\\lambda}{\\sqrt n}\'\n'
                 'g = [{function = "1/lambda", mle = "xbar"}]\n')
    assert cli.main(["check", str(f)]) == 0
    assert "MLE of 1/lambda: right" in capsys.readouterr().out
