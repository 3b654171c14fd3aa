"""Textbook one-parameter continuous models, posed as a student would: a density string, a
``sympy.stats`` random variable. Each MLE is checked against the answer worked out by hand
(symbolically) and against SciPy's optimiser on simulated data (numerically).
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as st
import sympy as sp
import sympy.stats as ss

import symmle
from symmle.notation import I, N, X, equivalent

S = lambda h: sp.Sum(h, (I, 1, N))  # noqa: E731
xmin, xmax = sp.symbols("x_min x_max")
T0, T1 = S(X[I] ** 2), S(X[I])
theta = sp.Symbol("theta", positive=True)


def _plain(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols
                          if s.name in ("x_min", "x_max")})


def _plain_all(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({s: sp.Symbol(s.name, positive=True) for s in expr.free_symbols})


# name: (model, derive kwargs, textbook MLE of the one parameter, textbook I(θ) per observation
#        or None, sampler, log-density (θ, x), feasible search window (data) for the optimiser)
CASES = {
    # support-dependent: the MLE is an order statistic
    "3x^2/theta^3 on (0, theta)": (
        "3*x**2/theta**3", dict(params={"theta": "positive"}, support="0 < x < theta"),
        xmax, None, lambda r: 2 * r.uniform(size=300) ** (1 / 3),
        lambda t, x: np.where(x <= t, np.log(3 * x**2 / t**3), -np.inf),
        lambda x: (x.max(), 3 * x.max())),
    "theta/x^2 on x >= theta": (
        "theta/x**2", dict(params={"theta": "positive"}, support="x >= theta"),
        xmin, None, lambda r: 1.5 / r.uniform(size=300),
        lambda t, x: np.where(x >= t, np.log(t / x**2), -np.inf),
        lambda x: (x.min() / 3, x.min())),
    "uniform(theta, 2 theta)": (
        "1/theta", dict(params={"theta": "positive"}, support="theta < x < 2*theta"),
        xmax / 2, None, lambda r: r.uniform(2, 4, 300),
        lambda t, x: np.where((x >= t) & (x <= 2 * t), -np.log(t), -np.inf),
        lambda x: (x.max() / 2, x.min())),
    # the parameter in the mean and the variance: a quadratic score equation
    "normal(theta, theta^2)": (
        "exp(-(x-theta)**2/(2*theta**2))/sqrt(2*pi*theta**2)",
        dict(params={"theta": "positive"}, support="real"),
        (-T1 + sp.sqrt(T1**2 + 4 * N * T0)) / (2 * N), 3 / theta**2,
        lambda r: r.normal(2, 2, 300), lambda t, x: st.norm.logpdf(x, t, t),
        lambda x: (0.1, 10.0)),
    "normal(theta, theta)": (
        "exp(-(x-theta)**2/(2*theta))/sqrt(2*pi*theta)",
        dict(params={"theta": "positive"}, support="real"),
        (-1 + sp.sqrt(1 + 4 * T0 / N)) / 2, (2 * theta + 1) / (2 * theta**2),
        lambda r: r.normal(2, np.sqrt(2), 300), lambda t, x: st.norm.logpdf(x, t, np.sqrt(t)),
        lambda x: (0.1, 10.0)),
    "gamma(2, scale theta)": (
        "x*exp(-x/theta)/theta**2", dict(params={"theta": "positive"}, support="x > 0"),
        T1 / (2 * N), 2 / theta**2, lambda r: r.gamma(2, 1.5, 300),
        lambda t, x: st.gamma.logpdf(x, 2, scale=t), lambda x: (0.1, 10.0)),
    "laplace scale e^{-|x|/theta}/(2 theta)": (
        "exp(-abs(x)/theta)/(2*theta)", dict(params={"theta": "positive"}, support="real"),
        S(sp.Abs(X[I])) / N, 1 / theta**2, lambda r: r.laplace(0, 2, 300),
        lambda t, x: st.laplace.logpdf(x, 0, t), lambda x: (0.1, 10.0)),
    "rayleigh, theta = sigma^2": (
        "x/theta*exp(-x**2/(2*theta))", dict(params={"theta": "positive"}, support="x > 0"),
        T0 / (2 * N), 1 / theta**2, lambda r: r.rayleigh(1.5, 300),
        lambda t, x: st.rayleigh.logpdf(x, scale=np.sqrt(t)), lambda x: (0.1, 10.0)),
    # closed ends of a continuous support have probability zero: the same answer as open ends
    "beta(1, theta) on [0, 1]": (
        "theta*(1-x)**(theta-1)", dict(params={"theta": "positive"}, support="0 <= x <= 1"),
        -N / S(sp.log(1 - X[I])), 1 / theta**2, lambda r: r.beta(1, 3, 300),
        lambda t, x: st.beta.logpdf(x, 1, t), lambda x: (0.1, 20.0)),
    "inverse gamma, shape 3, on x >= 0": (
        "beta**3/2*x**(-4)*exp(-beta/x)", dict(params={"beta": "positive"}, support="x >= 0"),
        3 * N / S(1 / X[I]), 3 / sp.Symbol("beta", positive=True)**2,
        lambda r: st.invgamma.rvs(3, scale=2, size=300, random_state=r),
        lambda t, x: st.invgamma.logpdf(x, 3, scale=t), lambda x: (0.1, 20.0)),
}


@pytest.mark.parametrize("case", CASES)
def test_textbook_answer(case):
    model, kwargs, mle, info, _, _, _ = CASES[case]
    d = symmle.derive(model, **kwargs)
    (p,) = d.parameters
    assert d.closed_form
    assert equivalent(_plain(d.mle[p]), mle, positive=True), d.mle[p]
    # proven for each (N(θ, θ²) once the Hessian is written with Σxᵢ, not Σxᵢ², eliminated),
    # and the reason names the sums, not the engine's statistic symbols
    assert d.second_order.verdict == "proven", d.second_order.reason
    assert "_T" not in d.second_order.reason
    if info is None:
        assert d.fisher_information is None and d.method[p] == "support"
    else:
        assert sp.simplify(_plain_all(d.fisher_information[0, 0]) - _plain_all(info)) == 0


@pytest.mark.parametrize("case", CASES)
def test_fit_against_scipy(case):
    model, kwargs, _, _, sampler, logpdf, window = CASES[case]
    x = sampler(np.random.default_rng(17))
    r = symmle.fit(model, x, **kwargs)
    (est,) = r.estimates.values()
    lo, hi = window(x)
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-12})
    assert est == pytest.approx(best.x, rel=1e-6, abs=1e-9)
    # ℓ at symmle's estimate, by the independent log-density, is symmle's ℓ and no lower than
    # the optimiser's (which stops short of an end of the window by its tolerance)
    mine = np.sum(logpdf(est, x))
    assert r.log_likelihood == pytest.approx(mine, rel=1e-9)
    assert mine >= -best.fun - 1e-9


# sympy.stats writes these densities with a closed end ([0, oo)) or a Beta function B(1, θ)
STATS = {
    "LogNormal(0, theta)": (lambda: ss.LogNormal("X", 0, theta), sp.sqrt(S(sp.log(X[I])**2) / N),
                            lambda r: np.exp(r.normal(0, 0.7, 300)),
                            lambda t, x: st.lognorm.logpdf(x, t)),
    "GammaInverse(3, theta)": (lambda: ss.GammaInverse("X", 3, theta), 3 * N / S(1 / X[I]),
                               lambda r: st.invgamma.rvs(3, scale=2, size=300, random_state=r),
                               lambda t, x: st.invgamma.logpdf(x, 3, scale=t)),
    "Beta(1, theta)": (lambda: ss.Beta("X", 1, theta), -N / S(sp.log(1 - X[I])),
                       lambda r: r.beta(1, 3, 300), lambda t, x: st.beta.logpdf(x, 1, t)),
    "Beta(2, theta)": (lambda: ss.Beta("X", 2, theta),
                       (-(2 * N + S(sp.log(1 - X[I]))) - sp.sqrt(4 * N**2 + S(sp.log(1 - X[I]))**2))
                       / (2 * S(sp.log(1 - X[I]))),
                       lambda r: r.beta(2, 3, 300), lambda t, x: st.beta.logpdf(x, 2, t)),
}


@pytest.mark.parametrize("case", STATS)
def test_sympy_stats_closed_form(case):
    make, mle, sampler, logpdf = STATS[case]
    d = symmle.derive(make())
    (p,) = d.parameters
    assert d.closed_form and d.method[p] == "score"
    assert equivalent(d.mle[p], mle, positive=True), d.mle[p]
    x = sampler(np.random.default_rng(5))
    r = symmle.fit(make(), x)
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(0.05, 20),
                              method="bounded", options={"xatol": 1e-12})
    assert r.estimates[p] == pytest.approx(best.x, rel=1e-6)


# --- checking a student's answer: a right claim (often in another form) and a wrong one --------
CLAIMS = [  # (case of CASES, right claim, wrong claim)
    ("3x^2/theta^3 on (0, theta)", r"\max_i x_i", r"\frac{4}{3}\bar{x}"),
    ("theta/x^2 on x >= theta", r"x_{(1)}", r"\bar x"),
    ("uniform(theta, 2 theta)", r"\frac{x_{(n)}}{2}", r"x_{(1)}"),
    ("normal(theta, theta^2)", r"\frac{-\sum x_i + \sqrt{(\sum x_i)^2 + 4n\sum x_i^2}}{2n}",
     r"\bar x"),
    ("normal(theta, theta)", r"\frac{-1 + \sqrt{1 + \frac{4}{n}\sum x_i^2}}{2}",
     r"\frac{1}{n}\sum x_i^2"),
    ("laplace scale e^{-|x|/theta}/(2 theta)", r"\frac{1}{n}\sum_{i=1}^n |x_i|",
     r"\frac{1}{n}\sum_{i=1}^n x_i"),
    ("beta(1, theta) on [0, 1]", r"-\frac{n}{\sum_{i=1}^n \ln(1-x_i)}",
     r"-\frac{n}{\sum_{i=1}^n \ln x_i}"),
]


@pytest.mark.parametrize("case, right, wrong", CLAIMS, ids=[c[0] for c in CLAIMS])
def test_check_right_and_wrong_claims(case, right, wrong):
    model, kwargs = CASES[case][:2]
    assert symmle.check(model, mle=right, **kwargs).steps["mle"].verdict in (
        "correct", "equivalent")
    assert symmle.check(model, mle=wrong, **kwargs).steps["mle"].verdict == "wrong"


ABSOLUTE = [  # b̂ = Σ|xᵢ − μ|/n written with the bars people use
    r"\frac{1}{n}\sum_{i=1}^n |x_i - \mu|",
    r"\frac{1}{n}\sum_{i=1}^n \left|x_i - \mu\right|",
    r"\frac{1}{n}\sum_{i=1}^n \lvert x_i - \mu \rvert",
    r"\frac{\sum_i \left| \mu - x_i \right|}{n}",
]


@pytest.mark.parametrize("claim", ABSOLUTE)
def test_absolute_value_bars_in_a_claim(claim):
    # \left| ... \right| used to be read as plain parentheses: a right answer judged wrong
    assert symmle.check("laplace_scale", mle=claim).steps["mle"].verdict in (
        "correct", "equivalent")
    wrong = claim.replace("|", "").replace("\\left", "(").replace("\\right", ")")
    wrong = wrong.replace("\\lvert", "").replace("\\rvert", "")
    assert symmle.check("laplace_scale", mle=wrong).steps["mle"].verdict == "wrong"


@pytest.mark.parametrize("claim", [r"\left. x_i \right|", r"|x_i", r"\left| x_i \right)",
                                   r"\left\langle x_i \right\rangle", "|" * 100_000,
                                   r"\left|" * 5000, r"\lvert x_i"])
def test_unsupported_or_unbalanced_bars_are_refused(claim):
    with pytest.raises(symmle.errors.ParseError):
        symmle.check("laplace_scale", mle=claim)


def test_non_unique_mle_exit_code_and_one_line_message(capsys):
    from symmle import cli

    status = cli.main(["derive", "1", "--param", "theta:real", "--support",
                       "theta < x < theta + 1"])
    err = capsys.readouterr().err
    assert status == 34 == symmle.errors.NonUniqueMLEError.exit_code
    assert err.count("\n") == 1 and "not unique" in err and "[x_max - 1, x_min]" in err
    assert issubclass(symmle.errors.NonUniqueMLEError, symmle.errors.NonIdentifiableError)


# --- a density and its support as LaTeX, as they are written on the exercise sheet ------------
LATEX = [  # (LaTeX density, LaTeX support, params, the same model in plain syntax)
    (r"\theta e^{-\theta x}", "x > 0", ["theta:positive"], ("theta*exp(-theta*x)", "x > 0")),
    (r"\frac{1}{\theta} e^{-x/\theta}", r"x \geq 0", ["theta:positive"],
     ("exp(-x/theta)/theta", "x > 0")),
    (r"$\frac{3x^2}{\theta^3}$", r"0 < x < \theta", ["theta:positive"],
     ("3*x**2/theta**3", "0 < x < theta")),
    (r"\frac{\alpha x_m^\alpha}{x^{\alpha+1}}", r"x \ge x_m", ["alpha:positive", "xm:positive"],
     ("alpha*xm**alpha/x**(alpha+1)", "x >= xm")),
    (r"\frac{1}{2\theta}\exp\left(-\frac{|x|}{\theta}\right)", r"x \in \mathbb{R}",
     ["theta:positive"], ("exp(-abs(x)/theta)/(2*theta)", "real")),
    (r"\frac{\beta^3}{\Gamma(3)} x^{-4} e^{-\beta/x}", r"x \in (0, \infty)", ["beta:positive"],
     ("beta**3/2*x**(-4)*exp(-beta/x)", "x > 0")),
    (r"\frac{1}{\theta}", r"\theta \le x \le 2\theta", ["theta:positive"],
     ("1/theta", "theta <= x <= 2*theta")),
]


@pytest.mark.parametrize("density, support, params, plain", LATEX, ids=[c[0] for c in LATEX])
def test_latex_density_gives_the_plain_answer(density, support, params, plain):
    d = symmle.derive(density, support=support, params=params)
    e = symmle.derive(plain[0], support=plain[1], params=params)
    assert d.closed_form and d.method == e.method
    for p in e.mle:
        assert sp.simplify(d.mle[p] - e.mle[p]) == 0, (p, d.mle[p], e.mle[p])
    x = np.random.default_rng(2).exponential(1.0, 200) + 1.0  # inside every support above
    if "theta" in e.mle and e.method["theta"] == "score":
        fitted = symmle.fit(density, x, support=support, params=params).estimates["theta"]
        log_f = sp.lambdify((sp.Symbol("theta"), sp.Symbol("x")), sp.sympify(plain[0]), "numpy")
        best = so.minimize_scalar(lambda t: -np.sum(np.log(log_f(t, x))), bounds=(0.01, 50),
                                  method="bounded", options={"xatol": 1e-12})
        assert fitted == pytest.approx(best.x, rel=1e-6)


@pytest.mark.parametrize("density, support", [
    (r"\input{/etc/passwd}", "x > 0"),
    (r"\theta e^{-\theta x}", r"x > \write18{touch CANARY}"),
    (r"\frac{" * 5000, "x > 0"),
    (r"\theta e^{-\theta x_i}", "x > 0"),
    (r"\theta e^{-\theta x}", r"x \in \mathbb{Q}"),  # a set of values is a support, not this
    (r"\theta e^{-\theta x}", r"x \in \{0, \theta"),
])
def test_hostile_or_malformed_latex_models_are_refused(density, support, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(symmle.errors.ParseError):
        symmle.derive(density, support=support, params=["theta:positive"])
    assert not (tmp_path / "CANARY").exists()


# --- a support parameter whose space has a closed end: the end bounds the feasible set too ----
BOUNDED_SUPPORT = [  # (density, params, support, MLE, log-density(θ, x), feasible window,
    #                     samplers: the estimate at the order statistic, at the end of the space)
    ("1/theta", {"theta": "[1, oo)"}, "0 < x < theta", sp.Max(xmax, 1),
     lambda t, x: np.where(x <= t, -np.log(t), -np.inf), lambda x: (max(x.max(), 1), 20),
     (lambda r: r.uniform(0, 3, 40), lambda r: r.uniform(0, 0.8, 40))),
    ("exp(-(x-theta))", {"theta": "(-oo, 0]"}, "x >= theta", sp.Min(xmin, 0),
     lambda t, x: np.where(x >= t, -(x - t), -np.inf), lambda x: (-20, min(x.min(), 0)),
     (lambda r: r.exponential(1, 40) - 1.5, lambda r: r.exponential(1, 40) + 0.5)),
]


@pytest.mark.parametrize("density, params, support, mle, logpdf, window, samplers",
                         BOUNDED_SUPPORT, ids=[c[0] for c in BOUNDED_SUPPORT])
@pytest.mark.parametrize("at_end", [False, True])
def test_support_estimate_respects_a_closed_end_of_the_space(density, params, support, mle,
                                                              logpdf, window, samplers, at_end):
    # textbook: Uniform(0, θ), θ >= 1 gives θ̂ = max(x_(n), 1); it used to be x_(n), which
    # lies outside the space when every observation is below 1 ("no MLE for this sample")
    d = symmle.derive(density, params=params, support=support)
    assert _plain(d.mle["theta"]) == mle and d.second_order.verdict == "proven"
    x = samplers[at_end](np.random.default_rng(8))
    r = symmle.fit(density, x, params=params, support=support)
    lo, hi = window(x)
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-12})
    assert r.estimates["theta"] == pytest.approx(best.x, abs=1e-6)
    assert r.method["theta"] == ("boundary" if at_end else "support")
    assert np.sum(logpdf(r.estimates["theta"], x)) >= -best.fun - 1e-9
    right = r"\max(x_{(n)}, 1)" if mle.func == sp.Max else r"\min(x_{(1)}, 0)"
    wrong = r"x_{(n)}" if mle.func == sp.Max else r"x_{(1)}"
    assert symmle.check(density, mle=right, params=params, support=support
                        ).steps["mle"].verdict in ("correct", "equivalent")
    assert symmle.check(density, mle=wrong, params=params, support=support
                        ).steps["mle"].verdict == "wrong"


# --- a moving support with an interior maximum: the density vanishes at the moving end --------
_T = sp.Symbol("theta")
INTERIOR = [  # (density, support, params, textbook score, sampler, log-density, window)
    ("2*(theta-x)/theta**2", "0 < x < theta", {"theta": "positive"},
     -2 * N / _T + S(1 / (_T - X[I])),
     lambda r, n: 2 * (1 - np.sqrt(1 - r.uniform(size=n))),
     lambda t, x: np.log(2 * (t - x) / t**2), lambda x: (x.max() * (1 + 1e-12), 100 * x.max())),
    # here the formula is finite at θ < x too: the search must keep to the feasible set
    ("3*(theta-x)**2/theta**3", "0 < x < theta", {"theta": "positive"},
     -3 * N / _T + 2 * S(1 / (_T - X[I])),
     lambda r, n: 2 * (1 - (1 - r.uniform(size=n)) ** (1 / 3)),
     lambda t, x: np.log(3 * (t - x)**2 / t**3), lambda x: (x.max() * (1 + 1e-12), 100 * x.max())),
    ("(x-theta)*exp(-(x-theta))", "x > theta", {"theta": "real"},
     N - S(1 / (X[I] - _T)),
     lambda r, n: r.gamma(2, 1, n) + 1.5,
     lambda t, x: np.log(x - t) - (x - t), lambda x: (x.min() - 50, x.min() - 1e-12)),
]


@pytest.mark.parametrize("density, support, params, score, sampler, logpdf, window", INTERIOR,
                         ids=[c[0] for c in INTERIOR])
def test_moving_support_with_an_interior_root(density, support, params, score, sampler, logpdf,
                                              window):
    d = symmle.derive(density, support=support, params=params)
    assert not d.closed_form and d.method == {"theta": "numeric"}
    # the score is the textbook one, and the reason names the feasible set and why the
    # maximum is inside it
    mine = d.score[0].xreplace({d.model.params[0]: _T})
    assert sp.simplify(sp.expand(mine - score).doit()) == 0, mine
    assert "feasible set" in d.solution.reason and "zero at the moving end" in d.solution.reason
    assert d.fisher_information is None
    for seed, n in ((0, 1), (1, 3), (2, 40), (3, 2000)):
        x = sampler(np.random.default_rng(seed), n)
        r = symmle.fit(density, x, derivation=d)
        lo, hi = window(x)
        best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(lo, hi),
                                  method="bounded", options={"xatol": 1e-13})
        assert r.converged and r.estimates["theta"] == pytest.approx(best.x, rel=1e-6)
        assert r.standard_errors["theta"] is None  # regularity fails: no Wald error
        assert r.log_likelihood == pytest.approx(np.sum(logpdf(r.estimates["theta"], x)))
    assert symmle.check(density, mle=r"x_{(n)}" if "0 <" in support else r"x_{(1)}",
                        support=support, params=params).steps["mle"].verdict == "wrong"


def test_moving_support_with_a_nonzero_density_at_its_end_is_not_guessed():
    with pytest.raises(symmle.errors.UnsupportedModelError, match="not zero at the end"):
        symmle.derive("(1 + theta - x)/theta**2 * 2/3", support="0 < x < theta",
                      params={"theta": "positive"}, normalize_check=False)


@pytest.mark.parametrize("model, kwargs", [
    ("uniform", {}),
    ("2*(theta-x)/theta**2", dict(support="0 < x < theta", params={"theta": "positive"})),
])
def test_data_below_a_fixed_end_of_a_moving_support_are_refused(model, kwargs):
    # uniform(0, theta) fitted -1 and 0.5 silently (theta = 0.5)
    with pytest.raises(symmle.errors.OutOfSupportError, match="observation 1"):
        symmle.fit(model, [-1.0, 0.5], **kwargs)


@pytest.mark.parametrize("density, support, mle", [
    ("exp(-(x-mu)**2/2)/sqrt(2*pi)", "x real", {"mu": T1 / N}),
    ("exp(-(x-mu)**2/2)/sqrt(2*pi)", "real", {"mu": T1 / N}),
    ("exp(-x/theta)/theta", "x positive", {"theta": T1 / N}),
    ("1/theta", "x in (0, theta)", {"theta": xmax}),
])
def test_support_words_are_not_parameters(density, support, mle):
    # with the parameters inferred, "real", "positive" and the "in" of "x in (0, theta)" were
    # taken for parameters ("parameter 'real' does not appear in the density")
    d = symmle.derive(density, support=support)
    assert [p.name for p in d.model.params] == list(mle)
    for p, want in mle.items():
        assert sp.simplify(_plain(d.mle[p]) - want) == 0


@pytest.mark.parametrize("density", [
    r"\frac{1}{\sqrt{2\pi\sigma^2}} e^{-(x-\mu)^2/(2\sigma^2)}",
    r"\frac{1}{\sqrt{2\pi}\,\sigma} \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
])
def test_latex_sigma_squared_is_the_declared_sigma2(density):
    d = symmle.derive(density, params=["mu:real", "sigma2:positive"], support=r"x \in \mathbb{R}")
    e = symmle.derive("normal")
    for p in ("mu", "sigma2"):
        assert equivalent(d.mle[p], e.mle[p]), (p, d.mle[p])
    assert sp.simplify(d.fisher_information - e.fisher_information) == sp.zeros(2, 2)
    x = np.random.default_rng(6).normal(1.0, 2.0, 300)
    r = symmle.fit(density, x, params=["mu:real", "sigma2:positive"],
                   support=r"x \in \mathbb{R}")
    assert r.estimates["mu"] == pytest.approx(x.mean()) and \
        r.estimates["sigma2"] == pytest.approx(x.var())


# --- a root of the likelihood equation beyond a closed end of the space: the MLE is the end ---
CLAMPED = [  # (density, params, support, sampler(shift), log-density, space)
    ("exp(-(x-theta)**2/2)/sqrt(2*pi)", {"theta": "[0, 1]"}, "real",
     lambda r, m: r.normal(m, 1, 60), lambda t, x: st.norm.logpdf(x, t), (0.0, 1.0),
     (-0.6, 0.5, 1.8)),
    ("exp(-x/theta)/theta", {"theta": "[2, oo)"}, "x > 0",
     lambda r, m: r.exponential(m, 60), lambda t, x: st.expon.logpdf(x, scale=t), (2.0, 60.0),
     (0.8, 5.0)),
    # two roots, neither proven outside θ >= 3 for every sample: derive keeps the one where
    # ℓ is real and highest, and fit finds the other outside the space on the sample
    ("exp(-(x-theta)**2/(2*theta**2))/sqrt(2*pi*theta**2)", {"theta": "[3, oo)"}, "real",
     lambda r, m: r.normal(m, m, 60), lambda t, x: st.norm.logpdf(x, t, t), (3.0, 60.0),
     (1.0, 6.0)),
]


@pytest.mark.parametrize("density, params, support, sampler, logpdf, space, means", CLAMPED,
                         ids=[c[0] for c in CLAMPED])
def test_root_beyond_a_closed_end_gives_the_end(density, params, support, sampler, logpdf,
                                                space, means):
    # fit reported "no MLE for this sample" with the root outside the space as the estimate
    d = symmle.derive(density, params=params, support=support)
    for m in means:
        x = sampler(np.random.default_rng(9), m)
        r = symmle.fit(density, x, derivation=d)
        best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=space,
                                  method="bounded", options={"xatol": 1e-12})
        est = r.estimates["theta"]
        assert space[0] <= est <= space[1] and r.converged
        assert est == pytest.approx(best.x, abs=1e-5)
        assert np.sum(logpdf(est, x)) >= -best.fun - 1e-9
        assert r.log_likelihood == pytest.approx(np.sum(logpdf(est, x)), rel=1e-9)
        at_end = est in space
        assert (r.method["theta"] == "boundary") == at_end
        assert (r.standard_errors["theta"] is None) == at_end


@pytest.mark.parametrize("data", [[1.0, 3.0], [0.5, 1.2, 4.0]])
def test_a_sample_no_parameter_fits_is_refused(data):
    # Uniform(θ, 2θ) needs x_max <= 2 x_min: fit returned θ̂ = x_max/2 with a finite ℓ
    with pytest.raises(symmle.errors.OutOfSupportError, match="feasible set is empty"):
        symmle.fit("1/theta", data, params={"theta": "positive"}, support="theta < x < 2*theta")
    ok = [d for d in data if d >= max(data) / 2]  # these fit: θ̂ = max/2 as the textbook says
    r = symmle.fit("1/theta", ok, params={"theta": "positive"}, support="theta < x < 2*theta")
    assert r.estimates["theta"] == pytest.approx(max(ok) / 2)


@pytest.mark.parametrize("model, claim, verdict", [
    ("exponential", r"\frac{1}{\bar X}", "correct"),
    ("exponential", r"\hat\lambda = \frac{n}{\sum_{i=1}^n X_i}", "correct"),
    ("uniform", r"\max\{X_1, \dots, X_n\}", "correct"),
    ("uniform", r"X_{(n)}", "correct"),
    ("uniform", r"2\overline{X}", "wrong"),
    ("laplace", r"\mu=\tilde X", "correct"),
    ("exponential_scale", r"\frac{x_1 + x_2 + \dots + x_n}{n}", "correct"),
    ("exponential_scale", r"\frac{X_1+\cdots+X_n}{n}", "correct"),
    ("exponential_scale", r"\frac{x_1 + \dots + x_n}{n - 1}", "wrong"),
    ("exponential_scale", r"\frac{1}{n}\sum\nolimits_{i=1}^n x_i", "correct"),
])
def test_capital_x_for_the_random_sample(model, claim, verdict):
    # textbooks write the sample as X_1, ..., X_n: "unknown name 'Xi'" before
    step = symmle.check(model, mle=claim).steps
    (one,) = step.values()
    assert (one.verdict in ("correct", "equivalent")) == (verdict == "correct")


@pytest.mark.parametrize("density, support, mle, logpdf, window", [
    # ℓ does not separate, but each observation's score 1/(θ + x) − 2/θ < 0 on 0 < x < θ
    ("(1 + x/theta)/(3*theta/2)", "0 < x < theta", xmax,
     lambda t, x: np.where(x <= t, np.log((1 + x / t) / (1.5 * t)), -np.inf),
     lambda x: (x.max(), 10 * x.max())),
    # 2(x − θ) on θ < x < θ + 1: each score −1/(x − θ) < 0, so θ̂ = x_max − 1 (the smallest
    # feasible value), though the density vanishes at the moving end x = θ
    ("2*(x-theta)", "theta < x < theta + 1", xmax - 1,
     lambda t, x: np.where((x >= t) & (x <= t + 1), np.log(2 * (x - t)), -np.inf),
     lambda x: (x.max() - 1, x.min())),
])
def test_moving_support_monotone_term_by_term(density, support, mle, logpdf, window):
    d = symmle.derive(density, params={"theta": "real" if "+ 1" in support else "positive"},
                      support=support)
    assert d.closed_form and d.method == {"theta": "support"}
    assert _plain(d.mle["theta"]) == mle and d.second_order.verdict == "proven"
    x = np.random.default_rng(12).uniform(0.5, 1.4, 80)
    r = symmle.fit(density, x, derivation=d)
    lo, hi = window(x)
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-12})
    assert r.estimates["theta"] == pytest.approx(best.x, abs=1e-6)
    assert np.sum(logpdf(r.estimates["theta"], x)) >= -best.fun - 1e-9


@pytest.mark.parametrize("density, support, param, logpdf, sampler", [
    ("beta*x**(beta-1)/(1+x**beta)**2", "x > 0", "beta", lambda t, x: st.fisk.logpdf(x, t),
     lambda r: st.fisk.rvs(3, size=300, random_state=r)),
    ("exp(-(x-mu))/(1+exp(-(x-mu)))**2", "real", "mu", lambda t, x: st.logistic.logpdf(x, t),
     lambda r: r.logistic(1.5, 1, 300)),
])
def test_no_closed_form_but_concave_term_by_term(density, support, param, logpdf, sampler):
    # log-logistic shape, logistic location: no closed form, and each observation's
    # log-density is strictly concave, so the numeric root is the unique maximum ("undetermined")
    d = symmle.derive(density, support=support,
                      params={param: "positive" if param == "beta" else "real"})
    assert not d.closed_form and d.second_order.verdict == "proven"
    assert "strictly concave" in d.second_order.reason and "_T" not in d.second_order.reason
    x = sampler(np.random.default_rng(21))
    r = symmle.fit(density, x, derivation=d)
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)), bounds=(-20, 20) if param == "mu"
                              else (0.01, 20), method="bounded", options={"xatol": 1e-12})
    assert r.estimates[param] == pytest.approx(best.x, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("model, kwargs, verdict", [
    # Σ|xᵢ| > 0 with probability one on a continuous support: θ̂ = Σ|xᵢ|/n is inside (0, ∞)
    ("exp(-abs(x)/theta)/(2*theta)", dict(params={"theta": "positive"}, support="real"),
     "proven"),
    ("laplace_scale", {}, "proven"),
    ("exp(-log(x)**2/(2*s2))/(x*sqrt(2*pi*s2))", dict(params={"s2": "positive"},
                                                     support="x > 0"), "proven"),
    # a Poisson sample of zeros has positive probability: λ̂ = 0 is on the boundary
    ("poisson", {}, "undetermined"),
])
def test_boundary_check_with_probability_one(model, kwargs, verdict):
    d = symmle.derive(model, **kwargs)
    (boundary,) = [c for c in d.checks if c.name == "boundary"]
    assert boundary.verdict == verdict, boundary.reason


@pytest.mark.parametrize("density, support, where", [
    (r"\theta e^{-\theta y}", "x > 0", "density"),
    (r"\theta e^{-\theta x}", r"x > \phi", "support"),
])
def test_an_error_in_a_translated_latex_model_says_so(density, support, where):
    with pytest.raises(symmle.errors.UnknownNameError) as info:
        symmle.derive(density, support=support, params=["theta:positive"])
    first = info.value.message.splitlines()[0]
    assert first.startswith(f"{where} (translated from LaTeX): unknown name")
