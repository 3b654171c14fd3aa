"""Textbook problems in no catalog, typed in as a student would: discrete pmfs in other
parameterizations, a pmf with no closed form, conditional models with an exposure or no
intercept, the boundary samples, and ``symmle check`` on them.

Each answer is the one worked out by hand, checked symbolically, and the fit is checked against
SciPy's optimiser on the same log-likelihood written independently in NumPy on simulated data.
"""
from __future__ import annotations

import json

import numpy as np
import pytest
import sympy as sp
from scipy import optimize
from scipy.special import gammaln

import symmle
from symmle import cli
from symmle.errors import NoMaximumError, UnsupportedModelError
from symmle.notation import I, N, X, equivalent

S = lambda h: sp.Sum(h, (I, 1, N))  # noqa: E731  Σ_i h
SX = S(X[I])


def _borel(mu: float, rng: np.random.Generator, n: int) -> np.ndarray:
    """Total progeny of a Galton–Watson tree with Poisson(μ) offspring: Borel(μ)."""
    out = np.empty(n, dtype=np.int64)
    for k in range(n):
        total = alive = 1
        while alive:
            alive = int(rng.poisson(mu, size=alive).sum())
            total += alive
        out[k] = total
    return out


# name → (density, params, known, support, textbook MLE, textbook I(θ) per observation,
#          true value, known values, sampler(θ, rng, n), log pmf(θ, x) in NumPy, θ bounds)
t = sp.Symbol("theta", positive=True)
p = sp.Symbol("p", positive=True)
mu = sp.Symbol("mu", positive=True)
m, r = sp.Symbol("m", positive=True, integer=True), sp.Symbol("r", positive=True, integer=True)
treal = sp.Symbol("theta", real=True)
DISCRETE = {
    # Binomial(m, p) with the odds θ = p/(1 − p): θ̂ = x̄/(m − x̄)
    "binomial odds": ("binomial(m,x)*theta**x/(1+theta)**m", {"theta": "positive"},
                      {"m": "positive integer"}, "{0,1,...,m}", SX / (N * m - SX),
                      m / (t * (1 + t)**2), 0.6, {"m": 8},
                      lambda v, rng, n: rng.binomial(8, v / (1 + v), size=n),
                      lambda v, x: x * np.log(v) - 8 * np.log1p(v), (1e-6, 50)),
    # the geometric number of failures written by hand: p̂ = 1/(1 + x̄)
    "geometric by hand": ("p*(1-p)**x", {"p": "(0, 1)"}, {}, "{0,1,2,...}", N / (N + SX),
                          1 / (p**2 * (1 - p)), 0.3, {},
                          lambda v, rng, n: rng.geometric(v, size=n) - 1,
                          lambda v, x: np.log(v) + x * np.log1p(-v), (1e-9, 1 - 1e-9)),
    # θ^x (1 − θ) on {0, 1, ...}: θ̂ = x̄/(1 + x̄)
    "theta^x (1-theta)": ("theta**x*(1-theta)", {"theta": "(0, 1)"}, {}, "{0,1,2,...}",
                          SX / (N + SX), 1 / (t * (1 - t)**2), 0.7, {},
                          lambda v, rng, n: rng.geometric(1 - v, size=n) - 1,
                          lambda v, x: x * np.log(v) + np.log1p(-v), (1e-9, 1 - 1e-9)),
    # negative binomial with known r in its mean μ: μ̂ = x̄
    "negative binomial mean": ("binomial(x+r-1,x)*(r/(r+mu))**r*(mu/(r+mu))**x",
                               {"mu": "positive"}, {"r": "positive integer"}, "{0,1,2,...}",
                               SX / N, r / (mu * (mu + r)), 4.0, {"r": 3},
                               lambda v, rng, n: rng.negative_binomial(3, 3 / (3 + v), size=n),
                               lambda v, x: 3 * np.log(3 / (3 + v)) + x * np.log(v / (3 + v)),
                               (1e-6, 100)),
    # Borel(μ), the total progeny of a branching process: μ̂ = 1 − 1/x̄
    "borel": ("exp(-mu*x)*(mu*x)**(x-1)/factorial(x)", {"mu": "(0, 1)"}, {}, "{1,2,3,...}",
              (SX - N) / SX, 1 / (mu * (1 - mu)), 0.5, {}, _borel,
              lambda v, x: -v * x + (x - 1) * np.log(v), (1e-9, 1 - 1e-9)),
    # the Poisson in its natural parameter θ = log λ (real): θ̂ = log x̄
    "poisson log-mean": ("exp(theta*x-exp(theta))/factorial(x)", {"theta": "real"}, {},
                         "{0,1,2,...}", sp.log(SX / N), sp.exp(treal), 0.8, {},
                         lambda v, rng, n: rng.poisson(np.exp(v), size=n),
                         lambda v, x: v * x - np.exp(v), (-5, 5)),
}


@pytest.mark.parametrize("name", DISCRETE)
def test_discrete_textbook_problem_symbolic(name):
    density, params, known, support, mle, info, *_ = DISCRETE[name]
    d = symmle.derive(density, params=params, known=known, support=support)
    (pname,) = params
    assert d.closed_form and d.method == {pname: "score"}
    assert equivalent(d.mle[pname], mle)
    assert sp.simplify(d.fisher_information[0, 0] - info) == 0
    assert d.second_order.verdict == "proven"
    # the checks speak in sample notation, never in the solver's statistic symbols (_T0)
    assert all("_T" not in c.reason for c in d.checks)


@pytest.mark.parametrize("name", DISCRETE)
def test_discrete_textbook_problem_numeric(name):
    density, params, known, support, _, info, true, values, sampler, logpmf, bounds = \
        DISCRETE[name]
    rng = np.random.default_rng(sum(map(ord, name)))
    data = sampler(true, rng, 2000)
    r = symmle.fit(density, data, params=params, known=known, support=support,
                   known_values=values or None)
    (pname,) = params
    ref = optimize.minimize_scalar(lambda v: -np.sum(logpmf(v, data)), bounds=bounds,
                                   method="bounded", options={"xatol": 1e-12})
    assert r.estimates[pname] == pytest.approx(ref.x, rel=1e-6, abs=1e-8)
    at = {s: (r.estimates[pname] if s.name == pname else values[s.name])
          for s in info.free_symbols}
    se = (len(data) * float(info.subs(at))) ** -0.5
    assert r.standard_errors[pname] == pytest.approx(se, rel=1e-6)


# --- the logarithmic series distribution: no closed form --------------------------------------
LOGSERIES = "-p**x/(x*log(1-p))"  # starts with a dash, as the textbook writes it


def _logseries_cli(capsys, *extra):
    status = cli.main([*extra[:1], LOGSERIES, "--param", "p:(0,1)", "--support", "{1,2,3,...}",
                       *extra[1:], "--format", "json"])
    out, err = capsys.readouterr()
    return status, out, err


def test_logseries_derive_from_the_command_line(capsys):
    status, out, err = _logseries_cli(capsys, "derive")
    assert status == 0, err
    result = json.loads(out)
    assert result["closed_form"] is False and result["method"] == {"p": "numeric"}
    # the reason names the equation in sample notation, not SymPy's internal symbols
    assert "_T" not in result["reason"] and "Sum(x[i], (i, 1, n)) = 0" in result["reason"]
    assert "cannot solve the likelihood equation" in result["reason"]
    # I(p) = Var(X)/p², with Var X = −p(p + log(1 − p))/((1 − p)² log²(1 − p))
    q = sp.Symbol("p", positive=True)
    info = sp.sympify(result["fisher_information"][0][0], locals={"p": q})
    truth = -(q + sp.log(1 - q)) / (q * (1 - q)**2 * sp.log(1 - q)**2)
    assert all(abs(float((info - truth).subs(q, v))) < 1e-12 for v in (0.1, 0.5, 0.9))


def test_logseries_fit_matches_scipy(tmp_path, capsys):
    data = np.random.default_rng(7).logseries(0.6, size=800)
    path = tmp_path / "counts.txt"
    path.write_text("\n".join(map(str, data)))
    status, out, err = _logseries_cli(capsys, "fit", "--data", str(path))
    assert status == 0, err
    result = json.loads(out)
    nll = lambda v: -np.sum(data * np.log(v) - np.log(-np.log1p(-v)))  # noqa: E731
    ref = optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12})
    assert result["method"] == {"p": "numeric"}
    assert result["estimates"]["p"] == pytest.approx(ref.x, rel=1e-7)
    assert result["log_likelihood"] == pytest.approx(-ref.fun - np.sum(np.log(data)), rel=1e-10)


def test_logseries_sample_of_ones_is_on_the_boundary():
    """Every x = 1: ℓ(p) = n log(p/(−log(1 − p))) < 0 increases to 0 as p → 0, so p̂ = 0 (the
    numeric route ran into the edge: it is reported there, without a standard error)."""
    r = symmle.fit(LOGSERIES, np.ones(20, dtype=int), params={"p": "(0, 1)"},
                   support="{1,2,3,...}")
    assert r.estimates == {"p": 0.0} and r.method == {"p": "boundary"}
    assert r.standard_errors == {"p": None}
    assert r.log_likelihood == pytest.approx(0.0, abs=1e-12)  # the limit, not extrapolated
    assert any("boundary" in w for w in r.warnings)
    # an interior estimate close to the edge stays where it is
    small = symmle.fit(LOGSERIES, np.array([1] * 200 + [2] * 3), params={"p": "(0, 1)"},
                       support="{1,2,3,...}")
    assert small.method == {"p": "numeric"} and 0 < small.estimates["p"] < 0.1


def test_natural_parameter_sample_of_zeros_has_no_mle(capsys, tmp_path):
    """θ̂ = log x̄ is −∞ on a sample of zeros: the derivation states the condition 0 < Σxᵢ, and
    fit says there is no MLE (exit 33) instead of returning nothing with status 0."""
    density, params, _, support, *_ = DISCRETE["poisson log-mean"]
    d = symmle.derive(density, params=params, support=support)
    (boundary,) = [c for c in d.checks if c.name == "boundary"]
    assert boundary.verdict == "undetermined" and "0 < Sum(x[i], (i, 1, n))" in boundary.reason
    with pytest.raises(NoMaximumError, match="theta → -oo"):
        symmle.fit(density, np.zeros(10, dtype=int), derivation=d)
    path = tmp_path / "zeros.txt"
    path.write_text("0\n" * 10)
    assert cli.main(["fit", density, "--param", "theta:real", "--support", support,
                     "--data", str(path)]) == NoMaximumError.exit_code
    capsys.readouterr()
    assert symmle.fit(density, np.array([0, 0, 1]), derivation=d).estimates["theta"] == \
        pytest.approx(np.log(1 / 3))


# --- conditional models -----------------------------------------------------------------------
YI, TI, XI = (sp.IndexedBase(n)[I] for n in ("y", "t", "x"))
# name → (density, covariate, params, support, textbook MLE, sampler(rng, n) → (y, covariate),
#         negative log-likelihood(θ, y, covariate) in NumPy, start)
CONDITIONAL = {
    # counts over exposures tᵢ, yᵢ ~ Poisson(λ tᵢ), written with (λt)^y: λ̂ = Σyᵢ/Σtᵢ
    "poisson exposure": ("exp(-lambda*t)*(lambda*t)**y/factorial(y)", "t",
                         {"lambda": "positive"}, "{0,1,2,...}", {"lambda": S(YI) / S(TI)},
                         lambda rng, n: (lambda c: (rng.poisson(1.7 * c), c))(
                             rng.uniform(0.5, 5, n)),
                         lambda th, y, c: -np.sum(y * np.log(th[0] * c) - th[0] * c), [1.0]),
    # regression through the origin, y = βx + ε: β̂ = Σxy/Σx², σ̂² = RSS/n
    "through the origin": ("exp(-(y-beta*x)**2/(2*sigma2))/sqrt(2*pi*sigma2)", "x",
                           {"beta": "real", "sigma2": "positive"}, "real",
                           {"beta": S(XI * YI) / S(XI**2),
                            "sigma2": (S(YI**2) - S(XI * YI)**2 / S(XI**2)) / N},
                           lambda rng, n: (lambda c: (2.5 * c + rng.normal(0, 1.3, n), c))(
                               rng.uniform(0.5, 3, n)),
                           lambda th, y, c: 0.5 * np.sum(np.log(th[1]) + (y - th[0] * c)**2
                                                         / th[1]), [1.0, 1.0]),
    # yᵢ ~ Exponential(rate β xᵢ): β̂ = n/Σxᵢyᵢ
    "exponential rate beta x": ("beta*x*exp(-beta*x*y)", "x", {"beta": "positive"}, "y > 0",
                                {"beta": N / S(XI * YI)},
                                lambda rng, n: (lambda c: (rng.exponential(1 / (0.8 * c)), c))(
                                    rng.uniform(0.5, 3, n)),
                                lambda th, y, c: -np.sum(np.log(th[0] * c) - th[0] * c * y),
                                [1.0]),
}


@pytest.mark.parametrize("name", CONDITIONAL)
def test_conditional_textbook_problem(name):
    density, cov, params, support, mle, sampler, nll, start = CONDITIONAL[name]
    d = symmle.derive(density, var="y", covariates=[cov], params=params, support=support)
    assert d.closed_form and set(d.mle) == set(params)
    for k, v in mle.items():
        assert equivalent(d.mle[k], v), (k, d.mle[k])
    assert d.second_order.verdict == "proven"
    y, c = sampler(np.random.default_rng(sum(map(ord, name))), 400)
    r = symmle.fit(density, {"y": y, cov: c}, var="y", covariates=[cov], params=params,
                   support=support)
    positive = [params[k] == "positive" for k in params]
    to = lambda u: np.where(positive, np.exp(u), u)  # noqa: E731  positive ones on the log scale
    ref = optimize.minimize(lambda u: nll(to(u), y, c), np.log(start), method="BFGS",
                            options={"gtol": 1e-10})
    for k, v in zip(params, to(ref.x)):
        assert r.estimates[k] == pytest.approx(v, rel=1e-6)


# --- symmle check on these problems -----------------------------------------------------------
GEOM = dict(model="theta**x*(1-theta)", params={"theta": "(0, 1)"}, support="{0,1,2,...}")
ODDS = dict(model="binomial(m,x)*theta**x/(1+theta)**m", params={"theta": "positive"},
            known={"m": "positive integer"}, support="{0,1,...,m}")


def test_check_right_claims_in_other_forms():
    r = symmle.check(**GEOM, log_likelihood=r"\sum_{i=1}^n x_i \log\theta + n\log(1-\theta)",
                     score=r"\frac{\sum_i x_i}{\theta} - \frac{n}{1-\theta}",
                     mle=r"\frac{\bar x}{1+\bar x}", fisher=r"\frac{1}{\theta(1-\theta)^2}")
    assert r.all_correct and r.exit_code == 0
    assert r.steps["mle"].verdict == "equivalent"
    r = symmle.check(**ODDS, mle=r"\frac{\bar x}{m-\bar x}",
                     score=r"\frac{\sum_i x_i}{\theta} - \frac{nm}{1+\theta}",
                     fisher=r"\frac{nm}{\theta(1+\theta)^2}")
    assert r.all_correct, {k: v.message for k, v in r.steps.items()}


@pytest.mark.parametrize("claims, step, slip", [
    ({"score": r"\frac{\sum_i x_i}{\theta} + \frac{n}{1-\theta}"}, "score", "a sign"),
    ({"mle": r"\frac{\sum_i x_i}{1+\bar x}"}, "mle", "a dropped factor n"),
])
def test_check_finds_the_slip(claims, step, slip):
    r = symmle.check(**GEOM, **claims)
    assert r.first_wrong == step and r.steps[step].slip == slip and r.exit_code == 16


def test_check_wrong_mle_names_the_known_constant():
    """The MLE depends on m, so the counterexample gives m with n."""
    r = symmle.check(**ODDS, mle=r"\frac{\sum_i x_i}{m-\bar x}",
                     score=r"\frac{\sum_i x_i}{\theta} - \frac{m}{1+\theta}")
    assert r.steps["score"].slip == "a dropped factor n"
    step = r.steps["mle"]
    assert step.verdict == "wrong" and step.slip == "a dropped factor n"
    assert "with n = 2 and m = " in step.message


def test_check_fisher_with_n_is_compared_with_that_of_the_n_observations():
    """n/λ² is wrong for the Poisson (n/λ is right): the value shown as the truth is n·I(λ),
    the quantity the claim stands for, not the information of one observation."""
    step = symmle.check("poisson", fisher=r"n/\lambda^2").steps["fisher"]
    assert step.verdict == "wrong" and "for the n observations" in step.message
    ce = step.counterexample
    lam = ce["parameters"]["lambda"]
    assert ce["true"] == pytest.approx(ce["n"] / lam, rel=1e-5)
    assert ce["claimed"] == pytest.approx(ce["n"] / lam**2, rel=1e-5)
    one = symmle.check("poisson", fisher=r"1/\lambda^2").steps["fisher"]
    assert "for the n observations" not in one.message
    assert one.counterexample["true"] == pytest.approx(
        1 / one.counterexample["parameters"]["lambda"], rel=1e-5)


def test_check_judges_a_vector_model(capsys):
    """A vector model was an internal error, then refused: its MLE is now judged
    (tests/test_claims_notation.py has the other steps and the truth against SciPy)."""
    argv = ["hardy_weinberg", "--mle", r"\frac{2\sum_i x1_i + \sum_i x2_i}{2nm}"]
    assert cli.main(["check", *argv]) == 0
    assert "MLE: right" in capsys.readouterr().out


@pytest.mark.parametrize("argv, what", [
    (["hardy_weinberg", "--g", "p**2", "--g-mle", r"\frac{\sum_i x1_i}{nm}"],
     "vector observations (x1, x2, x3)"),
])
def test_check_refuses_what_it_cannot_check(capsys, argv, what):
    """What symmle check cannot judge is a clear UnsupportedModelError, exit 5, naming the
    kind of model (functions g of a vector model). (A conditional model is checked:
    tests/test_check_conditional.py.)"""
    assert cli.main(["check", *argv]) == UnsupportedModelError.exit_code
    err = capsys.readouterr().err
    assert what in err and "Traceback" not in err and "internal error" not in err


def test_check_log_likelihood_equal_in_another_log_form_is_not_called_up_to_a_constant():
    """−n log(−log(1 − p)) is symmle's n log(−1/log(1 − p)): the difference has zero derivative,
    and is zero, so the claim (with its −Σ log xᵢ) is right, not merely right up to a constant."""
    model = dict(model=LOGSERIES, params={"p": "(0, 1)"}, support="{1,2,3,...}")
    whole = r"\sum_i x_i \log p - n\log(-\log(1-p)) - \sum_i \log x_i"
    assert symmle.check(**model, log_likelihood=whole).steps["log_likelihood"].verdict == \
        "equivalent"
    part = r"\sum_i x_i \log p - n\log(-\log(1-p))"
    assert symmle.check(**model, log_likelihood=part).steps["log_likelihood"].verdict == \
        "correct_up_to_constant"
    wrong = symmle.check(**model, score=r"\frac{\sum_i x_i}{p} - \frac{n}{(1-p)\log(1-p)}")
    assert wrong.steps["score"].slip == "a sign"


def test_conditional_without_closed_form_does_not_claim_a_nonlinear_mean():
    """y ~ Bernoulli(θx): the mean θx is linear in θ, so the reason names the term of log f
    that does not separate instead (the Poisson regression keeps 'not linear')."""
    d = symmle.derive("(theta*x)**y*(1-theta*x)**(1-y)", var="y", covariates=["x"],
                      params={"theta": "(0, 1)"}, support="{0,1}")
    assert not d.closed_form
    reason = json.loads(d.to_json())["reason"]
    assert "not linear" not in reason and "do not separate" in reason
    assert "not linear in them" in json.loads(symmle.derive("poisson_regression").to_json())[
        "reason"]


# --- vector observations ----------------------------------------------------------------------
HW_REVERSED = dict(model="m!/(x1!*x2!*x3!)*((1-theta)**2)**x1*(2*theta*(1-theta))**x2"
                         "*(theta**2)**x3", var="x1,x2,x3", params={"theta": "(0, 1)"},
                   known={"m": "positive integer"},
                   support="x1 + x2 + x3 = m, x1, x2, x3 in {0,1,...,m}")


@pytest.mark.parametrize("counts", [[30, 50, 20], [100, 0, 0]])
def test_genotype_counts_in_the_other_allele(counts):
    """θ the frequency of the second allele: θ̂ = (x2 + 2x3)/(2m); with every individual AA,
    θ̂ = 0 on the boundary, where ℓ is its limit (0·log 0 = 0), not undefined."""
    d = symmle.derive(HW_REVERSED["model"], **{k: v for k, v in HW_REVERSED.items()
                                               if k != "model"})
    x1, x2, x3 = (S(sp.IndexedBase(f"x{k}")[I]) for k in (1, 2, 3))
    assert equivalent(d.mle["theta"], (x2 + 2 * x3) / (2 * N * m))
    r = symmle.fit(HW_REVERSED["model"], np.array([counts]),
                   **{k: v for k, v in HW_REVERSED.items() if k != "model"})
    a, b, c = counts
    total = sum(counts)
    const = gammaln(total + 1) - sum(gammaln(k + 1) for k in counts) + b * np.log(2)
    if b + c == 0:
        assert r.estimates == {"theta": 0.0} and r.method == {"theta": "boundary"}
        assert r.standard_errors == {"theta": None}
        assert r.log_likelihood == pytest.approx(const, abs=1e-9)
        return
    nll = lambda v: -((2 * a + b) * np.log1p(-v) + (b + 2 * c) * np.log(v))  # noqa: E731
    ref = optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12})
    assert r.estimates["theta"] == pytest.approx(ref.x, rel=1e-7)
    assert r.log_likelihood == pytest.approx(-ref.fun + const, rel=1e-9)


def test_a_vector_pmf_missing_a_factor_is_not_blamed_on_a_constraint():
    """x4! left out of the multinomial coefficient: the pmf does not sum to 1, and with one
    parameter no constraint would help, so the message points at the density."""
    from symmle.errors import NormalizationError

    model = "m!/(x1!*x2!*x3!)*((2+t)/4)**x1*((1-t)/4)**x2*((1-t)/4)**x3*(t/4)**x4"
    with pytest.raises(NormalizationError, match="missing factor or term") as err:
        symmle.derive(model, var="x1,x2,x3,x4", params={"t": "(0, 1)"},
                      known={"m": "positive integer"},
                      support="x1 + x2 + x3 + x4 = m, x1, x2, x3, x4 in {0,1,...,m}")
    assert "--constraint" not in str(err.value)


@pytest.mark.parametrize("claim, verdict", [
    (r"\sum_{i=1}^n \log\binom{m}{x_i} + \sum_i x_i\log p + \left(nm - \sum_i x_i\right)"
     r"\log(1-p)", "equivalent"),
    (r"\log\prod_{i=1}^n \dbinom{m}{x_i} + n\bar x\log p + (nm - n\bar x)\log(1-p)",
     "equivalent"),
    (r"\sum_i \log\binom{m}{x_i} + \sum_i x_i\log p + (m - \sum_i x_i)\log(1-p)", "wrong"),
])
def test_check_reads_binom_in_a_binomial_log_likelihood(claim, verdict):
    step = symmle.check("binomial", log_likelihood=claim).steps["log_likelihood"]
    assert step.verdict == verdict, step.message
    if verdict == "wrong":
        assert step.slip == "a dropped factor n"


def test_invariance_back_to_the_success_probability():
    """p = θ/(1 + θ) at θ̂ = x̄/(m − x̄) is x̄/m: the estimate is given cancelled, in sample
    notation (the public object, not only the JSON), and the fit agrees with it."""
    d = symmle.derive(ODDS["model"], **{k: v for k, v in ODDS.items() if k != "model"},
                      functions=["theta/(1+theta)"])
    (tr,) = d.transforms
    assert sp.cancel(tr.estimate - SX / (N * m)) == 0
    assert not any(s.name.startswith("_T") for s in tr.estimate.free_symbols)
    assert sp.count_ops(tr.estimate) <= sp.count_ops(SX / (N * m))
    # the delta method: se(p̂) = √(p(1 − p)/(nm)) in θ, p = θ/(1 + θ)
    th, nn = sp.Symbol("theta", positive=True), sp.Symbol("n", positive=True, integer=True)
    pp = th / (1 + th)
    se = tr.standard_error.subs({s: {"theta": th, "n": nn}.get(s.name, s)
                                 for s in tr.standard_error.free_symbols})
    assert sp.simplify(se**2 - pp * (1 - pp) / (nn * m)) == 0


def test_yule_simon_is_fitted_numerically():
    """ρ B(x, ρ + 1) on {1, 2, ...}: Γ(x)Γ(ρ+1)/Γ(x+ρ+1) does not separate, so no closed form;
    the fit agrees with SciPy's optimiser on scipy.stats.yulesimon draws."""
    from scipy import stats
    from scipy.special import betaln

    data = stats.yulesimon.rvs(2.5, size=600, random_state=3)
    r = symmle.fit("rho*beta(x, rho+1)", data, params={"rho": "positive"},
                   support="{1,2,3,...}")
    assert r.method == {"rho": "numeric"} and r.converged
    nll = lambda v: -np.sum(np.log(v) + betaln(data, v + 1))  # noqa: E731
    ref = optimize.minimize_scalar(nll, bounds=(1e-6, 50), method="bounded",
                                   options={"xatol": 1e-12})
    assert r.estimates["rho"] == pytest.approx(ref.x, rel=1e-6)
    assert r.log_likelihood == pytest.approx(-ref.fun, rel=1e-10)
    h = 1e-4 * ref.x
    curvature = (nll(ref.x + h) - 2 * nll(ref.x) + nll(ref.x - h)) / h**2
    assert r.standard_errors["rho"] == pytest.approx(curvature ** -0.5, rel=1e-4)


def test_a_negative_exposure_is_named_not_fitted():
    """t = −1 makes (λt)^y e^{−λt}/y! negative: fit gave λ̂ with ℓ null and no word; now the
    observation is named (OutOfSupportError, exit 15)."""
    from symmle.errors import OutOfSupportError

    density, cov, params, support, *_ = CONDITIONAL["poisson exposure"]
    data = {"y": np.array([1, 3, 0]), "t": np.array([2.0, -1.0, 1.0])}
    with pytest.raises(OutOfSupportError, match=r"observation 2 \(y = 3, t = -1\)"):
        symmle.fit(density, data, var="y", covariates=[cov], params=params, support=support)
    data["t"][1] = 1.5
    r = symmle.fit(density, data, var="y", covariates=[cov], params=params, support=support)
    assert r.estimates["lambda"] == pytest.approx(4 / 4.5)
    assert np.isfinite(r.log_likelihood)


@pytest.mark.parametrize("density, support, data, edge", [
    ("p**x*(1-p)**(1-x)", "{0,1}", [1] * 20, 1.0),                # a Bernoulli of ones
    ("theta**x*(1-theta)", "{0,1,2,...}", [0] * 20, 0.0),         # no failure counted
    ("(1/mu)*(1-1/mu)**(x-1)", "{1,2,3,...}", [1] * 20, 1.0),     # geometric in its mean
])
def test_boundary_samples_of_pmfs_typed_by_hand(density, support, data, edge):
    """The MLE is the end of the parameter space, ℓ there is exactly 0 (every observation has
    probability 1 in the limit: 0·log 0 = 0), and no Wald standard error is claimed."""
    name = "mu" if "mu" in density else "theta" if "theta" in density else "p"
    domain = "(1, oo)" if name == "mu" else "(0, 1)"
    r = symmle.fit(density, np.array(data), params={name: domain}, support=support)
    assert r.estimates == {name: edge} and r.method == {name: "boundary"}
    assert r.standard_errors == {name: None}
    assert r.log_likelihood == 0.0


BOREL = dict(model="exp(-mu*x)*(mu*x)**(x-1)/factorial(x)", params={"mu": "(0, 1)"},
             support="{1,2,3,...}")


@pytest.mark.parametrize("claims, step, missing", [
    ({"score": r"\frac{\sum_i x_i}{\mu} - \sum_i x_i"}, "score", "-n/mu"),
    ({"log_likelihood": r"\sum_i x_i\log\mu - \mu\sum_i x_i"}, "log_likelihood", "-n*log(mu)"),
])
def test_check_names_a_dropped_term(claims, step, missing):
    """The Borel score is (Σxᵢ − n)/μ − Σxᵢ; leaving out −n/μ (or −n log μ in ℓ) is named."""
    r = symmle.check(**BOREL, **claims)
    assert r.steps[step].verdict == "wrong" and r.steps[step].slip == "a dropped term"
    assert f"the term {missing} is missing" in r.steps[step].message


def test_check_borel_right_claims():
    r = symmle.check(**BOREL, score=r"\frac{\sum_i x_i - n}{\mu} - \sum_i x_i",
                     mle=r"1 - \frac{1}{\bar x}", fisher=r"\frac{1}{\mu(1-\mu)}",
                     log_likelihood=r"\left(\sum_{i=1}^n x_i - n\right)\log\mu"
                                    r" - \mu\sum_{i=1}^n x_i")
    assert r.all_correct, {k: v.message for k, v in r.steps.items()}
    assert r.steps["log_likelihood"].verdict == "correct_up_to_constant"


def test_conditional_closed_form_on_the_boundary():
    """Every count 0: λ̂ = Σyᵢ/Σtᵢ = 0, the end of λ > 0, where ℓ = −λΣtᵢ is largest. It was
    reported as non-identifiable ('a singular design'); it is the boundary, as for an i.i.d.
    Poisson sample of zeros."""
    density, cov, params, support, *_ = CONDITIONAL["poisson exposure"]
    r = symmle.fit(density, {"y": np.zeros(3, dtype=int), "t": np.array([1.0, 2.0, 3.0])},
                   var="y", covariates=[cov], params=params, support=support)
    assert r.estimates == {"lambda": 0.0} and r.method == {"lambda": "boundary"}
    assert r.standard_errors == {"lambda": None}
    assert r.log_likelihood == pytest.approx(0.0, abs=1e-9)
    assert any("boundary" in w for w in r.warnings)


def test_regression_through_the_origin_fitting_exactly_has_no_mle():
    """y = 2x exactly: σ̂² = RSS/n = 0 and ℓ → ∞ as σ² → 0, so there is no MLE (exit 33, as for
    an i.i.d. normal sample of equal values), not a 'singular design'."""
    density, cov, params, support, *_ = CONDITIONAL["through the origin"]
    x = np.array([1.0, 2.0, 3.0])
    with pytest.raises(NoMaximumError, match="sigma2 → 0"):
        symmle.fit(density, {"y": 2 * x, "x": x}, var="y", covariates=[cov], params=params,
                   support=support)


@pytest.mark.parametrize("model, options", [
    ("p*(1-p)**x", dict(params={"p": "(0, 1)"}, support="{0,1,2,...}")),
    (LOGSERIES, dict(params={"p": "(0, 1)"}, support="{1,2,3,...}")),
    ("geometric_failures", {}),
    ("negative_binomial", {}),
])
def test_geometric_series_normalization_is_proven(model, options):
    """Σ p(1 − p)^x = p·Piecewise((1/p, |p − 1| < 1), ...): the case is chosen on p in (0, 1)
    once the Piecewise is folded to the top (it was 'undetermined', decided numerically)."""
    d = symmle.derive(model, **options)
    (norm,) = [c for c in d.checks if c.name == "normalization"]
    assert norm.verdict == "proven", norm.reason


# --- the zero-inflated Poisson: a density by cases ---------------------------------------------
def test_zero_inflated_poisson_by_cases():
    """A density string cannot hold cases, and says where they can go; a SymPy Piecewise of the
    observation through the Python API is fitted numerically, as SciPy's optimiser does."""
    from symmle.errors import ParseError

    with pytest.raises(ParseError, match="not supported in a density string.*Piecewise"):
        symmle.derive("Piecewise((w + (1-w)*exp(-lambda), Eq(x, 0)), (1, True))",
                      params={"w": "(0, 1)", "lambda": "positive"}, support="{0,1,2,...}")
    x = sp.Symbol("x", integer=True, nonnegative=True)
    w, lam = sp.Symbol("w", positive=True), sp.Symbol("lambda", positive=True)
    zip_pmf = sp.Piecewise((w + (1 - w) * sp.exp(-lam), sp.Eq(x, 0)),
                           ((1 - w) * sp.exp(-lam) * lam**x / sp.factorial(x), True))
    rng = np.random.default_rng(11)
    data = rng.poisson(2.5, size=600)
    data[rng.uniform(size=600) < 0.3] = 0
    r = symmle.fit(zip_pmf, data, var="x", params={"w": "(0, 1)", "lambda": "positive"},
                   support="{0,1,2,...}")
    n0 = np.sum(data == 0)

    def nll(u):
        pw, pl = 1 / (1 + np.exp(-u[0])), np.exp(u[1])
        rest = data[data > 0]
        return -(n0 * np.log(pw + (1 - pw) * np.exp(-pl)) + np.sum(
            np.log1p(-pw) - pl + rest * np.log(pl) - gammaln(rest + 1)))
    ref = optimize.minimize(nll, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    assert r.estimates["w"] == pytest.approx(1 / (1 + np.exp(-ref.x[0])), rel=1e-6)
    assert r.estimates["lambda"] == pytest.approx(np.exp(ref.x[1]), rel=1e-6)
    assert r.log_likelihood == pytest.approx(-ref.fun, rel=1e-10)


def test_out_of_support_message_shows_a_whole_known_constant_as_an_integer():
    from symmle.errors import OutOfSupportError

    with pytest.raises(OutOfSupportError, match=r"outside the support x in \{0, 1, \.\.\., 3\}"):
        symmle.fit(ODDS["model"], np.array([1, 5, 2]), params=ODDS["params"],
                   known=ODDS["known"], support=ODDS["support"], known_values={"m": 3})


def test_zero_truncated_binomial_separates():
    """binomial(m, x)/(1 − (1 − p)^m) is positive, a function of x times one of p: each has
    one sign, so its log splits and ℓ is in Σxᵢ (no term left 'not separating'); the Fisher
    information is found, and equals the exact E[s²]; the fit agrees with SciPy."""
    from scipy.stats import binom

    model = "binomial(m,x)*p**x*(1-p)**(m-x)/(1-(1-p)**m)"
    options = dict(params={"p": "(0, 1)"}, known={"m": "positive integer"},
                   support="{1,2,...,m}")
    d = symmle.derive(model, **options)
    assert not d.log_likelihood.nonseparable and d.fisher_information is not None
    pv, mv = 0.3, 5
    x = np.arange(1, mv + 1)
    f = binom.pmf(x, mv, pv) / (1 - (1 - pv)**mv)
    s = x / pv - (mv - x) / (1 - pv) - mv * (1 - pv)**(mv - 1) / (1 - (1 - pv)**mv)
    info = d.fisher_information[0, 0]
    at = {q: {"p": pv, "m": mv}[q.name] for q in info.free_symbols}
    assert float(info.subs(at)) == pytest.approx(float(np.sum(f * s * s)), rel=1e-10)
    rng = np.random.default_rng(9)
    data = rng.binomial(mv, pv, size=4000)
    data = data[data > 0][:800]
    r = symmle.fit(model, data, known_values={"m": mv}, **options)
    nll = lambda v: -np.sum(data * np.log(v) + (mv - data) * np.log1p(-v)  # noqa: E731
                            - np.log1p(-(1 - v)**mv))
    ref = optimize.minimize_scalar(nll, bounds=(1e-9, 1 - 1e-9), method="bounded",
                                   options={"xatol": 1e-12})
    assert r.estimates["p"] == pytest.approx(ref.x, rel=1e-6)
