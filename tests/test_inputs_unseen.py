"""Every way a model can be given, on models symmle has no catalog entry for: a ``sympy.stats``
random variable (its symbols with assumptions and without), a density and support in LaTeX
(through the API and the command line), and a density by cases with indicators (the
zero-inflated Poisson). Each MLE is checked against the textbook answer where there is one,
and every fit against an independent optimiser (SciPy's log-densities, ``scipy.optimize``) on
simulated data.
"""
from __future__ import annotations

import json

import mpmath
import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as st
import sympy as sp
import sympy.stats as ss
from scipy.special import gammaln

import symmle
from symmle import cli
from symmle.errors import ModelSpecError, ParseError, SupportError
from symmle.model import build_model
from symmle.notation import I, N, X, equivalent

S = lambda h: sp.Sum(h, (I, 1, N))  # noqa: E731
LOG = sp.log(X[I])
XMIN, XMAX = sp.Symbol("x_min"), sp.Symbol("x_max")


def _sym(name: str, assume: bool, **kw: bool) -> sp.Symbol:
    return sp.Symbol(name, **(kw if assume else {}))


def _plain(expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({s: sp.Symbol(s.name) for s in expr.free_symbols
                          if not isinstance(s, sp.Indexed) and s.name != "n"})


def _reference(logpdf, x: np.ndarray, start: list[float]) -> tuple[np.ndarray, float]:
    """The maximiser of Σ logpdf(θ, xᵢ) by Nelder–Mead, tight tolerances, from ``start``."""
    nll = lambda t: -np.sum(logpdf(t, x))  # noqa: E731
    best = so.minimize(nll, start, method="Nelder-Mead",
                       options={"xatol": 1e-11, "fatol": 1e-12, "maxiter": 40000})
    return best.x, -best.fun


def _nb(t, x):
    return st.nbinom.logpmf(x, 3, t[0])


def _kumaraswamy(t, x):
    a, b = t
    if a <= 0 or b <= 0:
        return np.full_like(x, -np.inf)
    return np.log(a * b) + (a - 1) * np.log(x) + (b - 1) * np.log1p(-x ** a)


# name: (random variable from (assume), derive options, fit options, textbook MLE by parameter
#        (or None: no closed form), sampler, log-density (θ in the parameters' order), start)
STATS = {
    "Normal": (lambda a: ss.Normal("X", _sym("mu", a, real=True), _sym("sigma", a, positive=True)),
               {}, {}, {"mu": S(X[I]) / N,
                        "sigma": sp.sqrt(S(X[I] ** 2) / N - (S(X[I]) / N) ** 2)},
               lambda r: r.normal(1.5, 2.0, 400),
               lambda t, x: st.norm.logpdf(x, t[0], t[1]), ["mu", "sigma"]),
    "Normal, known mean": (
        lambda a: ss.Normal("X", _sym("mu", a, real=True), _sym("sigma", a, positive=True)),
        {"known": ["mu"]}, {"known_values": {"mu": 1.5}},
        {"sigma": sp.sqrt((S(X[I] ** 2) - 2 * sp.Symbol("mu") * S(X[I])
                           + N * sp.Symbol("mu") ** 2) / N)},
        lambda r: r.normal(1.5, 2.0, 400), lambda t, x: st.norm.logpdf(x, 1.5, t[0]), ["sigma"]),
    # parameters inside expressions: the variance, the odds; domains from the checked conditions
    "Normal(mu, sqrt(v))": (
        lambda a: ss.Normal("X", _sym("mu", a, real=True), sp.sqrt(_sym("v", a, positive=True))),
        {}, {}, {"mu": S(X[I]) / N, "v": S(X[I] ** 2) / N - (S(X[I]) / N) ** 2},
        lambda r: r.normal(1.5, 2.0, 400),
        lambda t, x: st.norm.logpdf(x, t[0], np.sqrt(t[1])), ["mu", "v"]),
    "Geometric(1/(1 + theta))": (
        lambda a: ss.Geometric("X", 1 / (1 + _sym("theta", a, positive=True))), {}, {},
        {"theta": (S(X[I]) - N) / N}, lambda r: r.geometric(0.4, 400),
        lambda t, x: st.geom.logpmf(x, 1 / (1 + t[0])), ["theta"]),
    "Exponential": (lambda a: ss.Exponential("X", _sym("lambda", a, positive=True)), {}, {},
                    {"lambda": N / S(X[I])}, lambda r: r.exponential(0.5, 400),
                    lambda t, x: st.expon.logpdf(x, scale=1 / t[0]), ["lambda"]),
    "Erlang(3, l)": (lambda a: ss.Erlang("X", 3, _sym("l", a, positive=True)), {}, {},
                     {"l": 3 * N / S(X[I])}, lambda r: r.gamma(3, 0.5, 400),
                     lambda t, x: st.gamma.logpdf(x, 3, scale=1 / t[0]), ["l"]),
    "Poisson": (lambda a: ss.Poisson("X", _sym("lambda", a, positive=True)), {}, {},
                {"lambda": S(X[I]) / N}, lambda r: r.poisson(3.2, 400),
                lambda t, x: st.poisson.logpmf(x, t[0]), ["lambda"]),
    "Binomial(5, p)": (lambda a: ss.Binomial("X", 5, _sym("p", a, positive=True)), {}, {},
                       {"p": S(X[I]) / (5 * N)}, lambda r: r.binomial(5, 0.3, 400),
                       lambda t, x: st.binom.logpmf(x, 5, t[0]), ["p"]),
    "Binomial(m, p), m known": (
        lambda a: ss.Binomial("X", _sym("m", a, positive=True, integer=True),
                              _sym("p", a, positive=True)),
        {"known": ["m"]}, {"known_values": {"m": 7}}, {"p": S(X[I]) / (sp.Symbol("m") * N)},
        lambda r: r.binomial(7, 0.3, 400), lambda t, x: st.binom.logpmf(x, 7, t[0]), ["p"]),
    "Bernoulli": (lambda a: ss.Bernoulli("X", _sym("p", a, positive=True)), {}, {},
                  {"p": S(X[I]) / N}, lambda r: r.binomial(1, 0.3, 400),
                  lambda t, x: st.bernoulli.logpmf(x, t[0]), ["p"]),
    "Geometric": (lambda a: ss.Geometric("X", _sym("p", a, positive=True)), {}, {},
                  {"p": N / S(X[I])}, lambda r: r.geometric(0.3, 400),
                  lambda t, x: st.geom.logpmf(x, t[0]), ["p"]),
    "NegativeBinomial(3, p)": (  # sympy's pmf: p**3*(1 - p)**x*binomial(x + 2, x)
        lambda a: ss.NegativeBinomial("X", 3, _sym("p", a, positive=True)), {}, {},
        {"p": 3 * N / (3 * N + S(X[I]))}, lambda r: st.nbinom.rvs(3, 0.4, size=400,
                                                                   random_state=r),
        _nb, ["p"]),
    "Pareto": (lambda a: ss.Pareto("X", _sym("xm", a, positive=True),
                                   _sym("alpha", a, positive=True)), {}, {},
               {"xm": XMIN, "alpha": N / (S(LOG) - N * sp.log(XMIN))},
               lambda r: (r.pareto(3.0, 400) + 1) * 2.0, None, ["xm", "alpha"]),
    "Rayleigh": (lambda a: ss.Rayleigh("X", _sym("sigma", a, positive=True)), {}, {},
                 {"sigma": sp.sqrt(S(X[I] ** 2) / (2 * N))}, lambda r: r.rayleigh(2.0, 400),
                 lambda t, x: st.rayleigh.logpdf(x, scale=t[0]), ["sigma"]),
    "LogNormal": (lambda a: ss.LogNormal("X", _sym("mu", a, real=True),
                                         _sym("sigma", a, positive=True)), {}, {},
                  {"mu": S(LOG) / N, "sigma": sp.sqrt(S(LOG ** 2) / N - (S(LOG) / N) ** 2)},
                  lambda r: r.lognormal(0.5, 0.8, 400),
                  lambda t, x: st.lognorm.logpdf(x, t[1], scale=np.exp(t[0])), ["mu", "sigma"]),
    "Maxwell": (lambda a: ss.Maxwell("X", _sym("a", a, positive=True)), {}, {},
                {"a": sp.sqrt(S(X[I] ** 2) / (3 * N))},
                lambda r: st.maxwell.rvs(scale=1.5, size=400, random_state=r),
                lambda t, x: st.maxwell.logpdf(x, scale=t[0]), ["a"]),
    "Uniform": (lambda a: ss.Uniform("X", _sym("a", a, real=True), _sym("b", a, real=True)),
                {}, {}, {"a": XMIN, "b": XMAX}, lambda r: r.uniform(-1, 3, 400), None,
                ["a", "b"]),
    # no closed form: the fit is numeric
    "Gamma": (lambda a: ss.Gamma("X", _sym("k", a, positive=True),
                                 _sym("theta", a, positive=True)), {}, {}, None,
              lambda r: r.gamma(2.5, 1.5, 400),
              lambda t, x: st.gamma.logpdf(x, t[0], scale=t[1]), ["k", "theta"]),
    "Beta": (lambda a: ss.Beta("X", _sym("a", a, positive=True), _sym("b", a, positive=True)),
             {}, {}, None, lambda r: r.beta(2.0, 3.5, 400),
             lambda t, x: st.beta.logpdf(x, t[0], t[1]), ["a", "b"]),
    "Logistic": (lambda a: ss.Logistic("X", _sym("mu", a, real=True),
                                       _sym("s", a, positive=True)), {}, {}, None,
                 lambda r: r.logistic(1.0, 2.0, 400),
                 lambda t, x: st.logistic.logpdf(x, t[0], t[1]), ["mu", "s"]),
    "Cauchy": (lambda a: ss.Cauchy("X", _sym("x0", a, real=True),
                                   _sym("gamma", a, positive=True)), {}, {}, None,
               lambda r: st.cauchy.rvs(1.0, 2.0, size=400, random_state=r),
               lambda t, x: st.cauchy.logpdf(x, t[0], t[1]), ["x0", "gamma"]),
    "Weibull": (lambda a: ss.Weibull("X", _sym("lambda", a, positive=True),
                                     _sym("k", a, positive=True)), {}, {}, None,
                lambda r: 2.0 * r.weibull(1.7, 400),
                lambda t, x: st.weibull_min.logpdf(x, t[1], scale=t[0]), ["lambda", "k"]),
    "ChiSquared(k)": (lambda a: ss.ChiSquared("X", _sym("k", a, positive=True)), {}, {}, None,
                      lambda r: r.chisquare(4.5, 400), lambda t, x: st.chi2.logpdf(x, t[0]),
                      ["k"]),
    "Gumbel": (lambda a: ss.Gumbel("X", _sym("beta", a, positive=True), _sym("mu", a, real=True)),
               {}, {}, None, lambda r: r.gumbel(1.0, 2.0, 400),
               lambda t, x: st.gumbel_r.logpdf(x, t[1], t[0]), ["beta", "mu"]),
    "Lomax": (lambda a: ss.Lomax("X", _sym("alpha", a, positive=True),
                                 _sym("lambda", a, positive=True)), {}, {}, None,
              lambda r: st.lomax.rvs(3.0, scale=2.0, size=400, random_state=r),
              lambda t, x: st.lomax.logpdf(x, t[0], scale=t[1]), ["alpha", "lambda"]),
    "Nakagami": (lambda a: ss.Nakagami("X", _sym("mu", a, positive=True),
                                       _sym("omega", a, positive=True)), {}, {}, None,
                 lambda r: st.nakagami.rvs(1.5, scale=np.sqrt(2.0), size=400, random_state=r),
                 lambda t, x: st.nakagami.logpdf(x, t[0], scale=np.sqrt(t[1])),
                 ["mu", "omega"]),
    "Frechet": (lambda a: ss.Frechet("X", _sym("a", a, positive=True),
                                     _sym("s", a, positive=True)), {}, {}, None,
                lambda r: st.invweibull.rvs(2.5, scale=1.5, size=400, random_state=r),
                lambda t, x: st.invweibull.logpdf(x, t[0], scale=t[1]), ["a", "s"]),
    "Zeta": (lambda a: ss.Zeta("X", _sym("s", a, positive=True)), {}, {}, None,
             lambda r: st.zipf.rvs(2.5, size=400, random_state=r),
             lambda t, x: st.zipf.logpmf(x, t[0]), ["s"]),
    # sympy.stats gives the Kumaraswamy the set [0, oo): the support given replaces it
    "Kumaraswamy, support given": (
        lambda a: ss.Kumaraswamy("X", _sym("a", a, positive=True), _sym("b", a, positive=True)),
        {"support": "0 < x < 1"}, {}, None,
        lambda r: (1 - (1 - r.uniform(size=400)) ** (1 / 3.0)) ** (1 / 2.0), _kumaraswamy,
        ["a", "b"]),
}


@pytest.mark.parametrize("case", STATS)
def test_sympy_stats_derive_and_fit(case):
    make, dopts, fopts, textbook, sampler, logpdf, order = STATS[case]
    d = symmle.derive(make(True), **dopts)
    assert set(d.parameters) == set(order)
    if textbook is None:
        assert not d.closed_form and d.warnings  # and it says why
    else:
        assert d.closed_form
        for p, answer in textbook.items():
            assert equivalent(_plain(d.mle[p]), _plain(answer), positive=True), (p, d.mle[p])
    x = sampler(np.random.default_rng(7))
    r = symmle.fit(make(True), x, derivation=d, **dopts, **fopts)
    mine = np.array([r.estimates[p] for p in order])
    if logpdf is None:  # a support parameter: the order statistics themselves
        assert mine[0] == pytest.approx(x.min()) and np.isfinite(r.log_likelihood)
        return
    best, top = _reference(logpdf, x, list(mine * 1.05))
    assert r.log_likelihood == pytest.approx(np.sum(logpdf(mine, x)), rel=1e-9)
    assert r.log_likelihood >= top - 1e-7  # symmle's maximum is no lower than Nelder–Mead's
    assert mine == pytest.approx(best, rel=2e-5)


# a parameter without assumptions takes the domain the distribution checks, not a guess by
# name (a, b and mu were guessed real, which made Beta, Laplace, Maxwell, Nakagami fail)
DOMAINS = [
    (lambda: ss.Beta("X", sp.Symbol("a"), sp.Symbol("b")), {"a": "(0, oo)", "b": "(0, oo)"}),
    (lambda: ss.Laplace("X", sp.Symbol("mu", real=True), sp.Symbol("b")), {"mu": "(-oo, oo)",
                                                                "b": "(0, oo)"}),
    (lambda: ss.Maxwell("X", sp.Symbol("a")), {"a": "(0, oo)"}),
    # 0 < 1/(1 + t) <= 1: t > -1 and (t >= 0 or t < -1), met as sets before the interval
    (lambda: ss.Geometric("X", 1 / (1 + sp.Symbol("t"))), {"t": "(0, oo)"}),
    (lambda: ss.Exponential("X", 1 / sp.Symbol("theta")), {"theta": "(0, oo)"}),
    (lambda: ss.Nakagami("X", sp.Symbol("mu"), sp.Symbol("omega")),
     {"mu": "(1/2, oo)", "omega": "(0, oo)"}),
    (lambda: ss.Zeta("X", sp.Symbol("s", positive=True)), {"s": "(1, oo)"}),
    (lambda: ss.Bernoulli("X", sp.Symbol("p", positive=True)), {"p": "(0, 1)"}),
    (lambda: ss.Binomial("X", sp.Symbol("m", integer=True, positive=True), sp.Symbol("p")),
     {"m": "{1, 2, ...}", "p": "(0, 1)"}),
]


@pytest.mark.parametrize("make, want", DOMAINS, ids=[str(i) for i in range(len(DOMAINS))])
def test_domains_come_from_the_random_variable(make, want):
    m = build_model(make())
    assert {p.name: m.domains[p].describe() for p in (*m.params, *m.known)} == want
    assert not any("was not given" in note for note in m.notes)


@pytest.mark.parametrize("case", ["Beta", "Laplace", "Nakagami"])
def test_sympy_stats_without_assumptions_fits(case):
    a, b = sp.Symbol("a"), sp.Symbol("b")
    rv = {"Beta": ss.Beta("X", a, b), "Laplace": ss.Laplace("X", a, b),
          "Nakagami": ss.Nakagami("X", a, b)}[case]
    rng = np.random.default_rng(3)
    x, logpdf = {
        "Beta": (rng.beta(2.0, 3.5, 300), lambda t, x: st.beta.logpdf(x, t[0], t[1])),
        "Laplace": (rng.laplace(1.0, 2.0, 301), lambda t, x: st.laplace.logpdf(x, t[0], t[1])),
        "Nakagami": (st.nakagami.rvs(1.5, scale=1.2, size=300, random_state=rng),
                     lambda t, x: st.nakagami.logpdf(x, t[0], scale=np.sqrt(t[1]))),
    }[case]
    r = symmle.fit(rv, x)
    mine = np.array([r.estimates["a"], r.estimates["b"]])
    best, top = _reference(logpdf, x, list(mine * 1.05))
    assert r.log_likelihood >= top - 1e-7
    assert mine == pytest.approx(best, rel=2e-5)
    if case == "Laplace":  # the textbook answer: the median and the mean absolute deviation
        assert mine == pytest.approx([np.median(x), np.mean(np.abs(x - np.median(x)))])


def test_zeta_fit_solves_the_likelihood_equation():
    """d/ds ζ(s) has no SymPy form: the fit differentiates it numerically, and its estimate
    solves ζ'(s)/ζ(s) = −mean(log x), solved here by mpmath's exact derivative."""
    x = st.zipf.rvs(2.5, size=500, random_state=np.random.default_rng(1))
    r = symmle.fit(ss.Zeta("X", sp.Symbol("s")), x)
    target = -np.mean(np.log(x))
    exact = mpmath.findroot(lambda s: mpmath.zeta(s, 1, 1) / mpmath.zeta(s) - target, 2.5)
    assert r.estimates["s"] == pytest.approx(float(exact), rel=1e-7)


def test_a_random_variable_with_only_numbers_is_refused():
    with pytest.raises(ModelSpecError, match="no parameter to estimate"):
        symmle.derive(ss.DiscreteUniform("X", [1, 2, 3]))


def test_a_wrong_set_in_sympy_stats_is_reported_and_can_be_replaced():
    rv = ss.Kumaraswamy("X", sp.Symbol("a", positive=True), sp.Symbol("b", positive=True))
    with pytest.raises(SupportError, match="complex at x = 1.5"):
        symmle.derive(rv)
    assert build_model(rv, support="0 < x < 1").support.describe("x") == "0 < x < 1"


# --- LaTeX: densities and supports as written on an exercise sheet ---------------------------
LATEX = [  # (density, support, params, known, the same model in plain syntax)
    (r"\frac{1}{\theta} e^{-x/\theta}", r"x \geq 0", [], [], ("exp(-x/theta)/theta", "x >= 0")),
    (r"\theta x^{\theta-1}", r"0 < x < 1", [], [], ("theta*x**(theta-1)", "0 < x < 1")),
    (r"\frac{\lambda^x e^{-\lambda}}{x!}", r"x \in \{0, 1, 2, \dots\}", [], [],
     ("exp(-lambda)*lambda**x/factorial(x)", "{0, 1, 2, ...}")),
    (r"\frac{\lambda^x e^{-\lambda}}{x!}", r"x \in \mathbb{N}", [], [],
     ("exp(-lambda)*lambda**x/factorial(x)", "{0, 1, 2, ...}")),
    (r"\frac{\lambda^x e^{-\lambda}}{x!}", r"x \in \mathbb{N}_0", [], [],
     ("exp(-lambda)*lambda**x/factorial(x)", "{0, 1, 2, ...}")),
    (r"p(1-p)^{x-1}", r"x \in \mathbb{N}", [], [], ("p*(1-p)**(x-1)", "{1, 2, 3, ...}")),
    (r"p(1-p)^{x-1}", r"x = 1, 2, \ldots", [], [], ("p*(1-p)**(x-1)", "{1, 2, 3, ...}")),
    (r"\binom{m}{x} p^x (1-p)^{m-x}", r"x \in \{0, 1, \dots, m\}", ["p"],
     ["m:positive integer"], ("binomial(m, x)*p**x*(1-p)**(m-x)", "{0, 1, ..., m}")),
    (r"\frac{1}{\sqrt{2\pi\sigma^2}} \exp\left(-\frac{(x-\mu)^2}{2\sigma^2}\right)",
     r"x \in \mathbb{R}", ["mu:real", "sigma2:positive"], [],
     ("exp(-(x-mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)", "real")),
    (r"\frac{\beta^\alpha}{\Gamma(\alpha)} x^{\alpha-1} e^{-\beta x}", r"x > 0",
     ["beta:positive"], ["alpha:positive"],
     ("beta**alpha*x**(alpha-1)*exp(-beta*x)/gamma(alpha)", "x > 0")),
    (r"\frac{x}{\sigma^2} e^{-x^2/(2\sigma^2)}", r"x \ge 0", [], [],
     ("x/sigma**2*exp(-x**2/(2*sigma**2))", "x >= 0")),
]
TEXTBOOK = {  # the MLE of each plain model, by hand
    "exp(-x/theta)/theta": {"theta": S(X[I]) / N},
    "theta*x**(theta-1)": {"theta": -N / S(LOG)},
    "exp(-lambda)*lambda**x/factorial(x)": {"lambda": S(X[I]) / N},
    "p*(1-p)**(x-1)": {"p": N / S(X[I])},
    "binomial(m, x)*p**x*(1-p)**(m-x)": {"p": S(X[I]) / (sp.Symbol("m") * N)},
    "exp(-(x-mu)**2/(2*sigma2))/sqrt(2*pi*sigma2)": {
        "mu": S(X[I]) / N, "sigma2": S(X[I] ** 2) / N - (S(X[I]) / N) ** 2},
    "beta**alpha*x**(alpha-1)*exp(-beta*x)/gamma(alpha)": {
        "beta": sp.Symbol("alpha") * N / S(X[I])},
    "x/sigma**2*exp(-x**2/(2*sigma**2))": {"sigma": sp.sqrt(S(X[I] ** 2) / (2 * N))},
}


@pytest.mark.parametrize("density, support, params, known, plain", LATEX,
                         ids=[f"{c[0]} | {c[1]}" for c in LATEX])
def test_latex_model_is_the_plain_model(density, support, params, known, plain):
    d = symmle.derive(density, support=support, params=params or None, known=known or None)
    e = build_model(plain[0], support=plain[1], params=params or None, known=known or None)
    assert d.model.support.describe("x") == e.support.describe("x")
    assert sp.simplify(_plain(d.model.density) - _plain(e.density)) == 0
    for p, answer in TEXTBOOK[plain[0]].items():
        assert equivalent(_plain(d.mle[p]), _plain(answer), positive=True), (p, d.mle[p])


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("density, support, params, known, sampler, logpdf", [
    (r"\frac{\lambda^x e^{-\lambda}}{x!}", r"x \in \mathbb{N}", [], [],
     lambda r: r.poisson(3.0, 300), lambda t, x: st.poisson.logpmf(x, t)),
    (r"\binom{m}{x} p^x (1-p)^{m-x}", r"x \in \{0, 1, \dots, m\}", ["p"], ["m=6"],
     lambda r: r.binomial(6, 0.35, 300), lambda t, x: st.binom.logpmf(x, 6, t)),
    (r"\frac{x}{\sigma^2} e^{-x^2/(2\sigma^2)}", r"x \geq 0", [], [],
     lambda r: r.rayleigh(1.7, 300), lambda t, x: st.rayleigh.logpdf(x, scale=t)),
    (r"\theta x^{\theta-1}", r"0 < x < 1", ["theta:positive"], [],
     lambda r: r.beta(2.5, 1.0, 300), lambda t, x: st.beta.logpdf(x, t, 1.0)),
])
def test_latex_model_on_the_command_line(capsys, tmp_path, density, support, params, known,
                                         sampler, logpdf):
    x = sampler(np.random.default_rng(4))
    data = tmp_path / "x.txt"
    np.savetxt(data, x)
    flags = [f for p in params for f in ("--param", p)]
    status, out, err = _run(capsys, "derive", density, "--support", support, *flags,
                            *[f for k in known for f in ("--known", k.split("=")[0])],
                            "--format", "json")
    assert status == 0, err
    assert json.loads(out)["closed_form"]
    status, out, err = _run(capsys, "fit", density, "--support", support, *flags,
                            *[f for k in known for f in ("--known", k)], "--data", str(data),
                            "--format", "json")
    assert status == 0, err
    (est,) = json.loads(out)["estimates"].values()
    best = so.minimize_scalar(lambda t: -np.sum(logpdf(t, x)),
                              bounds=(0.01, 0.99 if known else 20), method="bounded",
                              options={"xatol": 1e-12})
    assert est == pytest.approx(best.x, rel=1e-6)


@pytest.mark.parametrize("support", [r"x \in \mathbb{Q}", r"x \in \mathbb{Z}",
                                     r"x \in \{0, 1", r"x \in \mathbb{N}_{\input{a}}",
                                     r"x \in \{0, \write18{a}, \dots\}"])
def test_unknown_latex_supports_are_refused(support):
    with pytest.raises(ParseError):
        symmle.derive(r"\frac{\lambda^x e^{-\lambda}}{x!}", support=support)


# --- a density by cases: the zero-inflated Poisson ---------------------------------------------
ZIP_PLAIN = "w*(x == 0) + (1 - w)*exp(-lambda)*lambda**x/factorial(x)"
ZIP_PARAMS = ["w:(0, 1)", "lambda:positive"]


def _zip_reference(data: np.ndarray) -> tuple[float, float, float]:
    n0, rest = np.sum(data == 0), data[data > 0]

    def nll(u):
        pw, pl = 1 / (1 + np.exp(-u[0])), np.exp(u[1])
        return -(n0 * np.log(pw + (1 - pw) * np.exp(-pl)) + np.sum(
            np.log1p(-pw) - pl + rest * np.log(pl) - gammaln(rest + 1)))
    ref = so.minimize(nll, [0.0, 0.0], method="BFGS", options={"gtol": 1e-10})
    return 1 / (1 + np.exp(-ref.x[0])), np.exp(ref.x[1]), -ref.fun


@pytest.mark.parametrize("density", [
    ZIP_PLAIN,
    r"w \mathbb{1}\{x = 0\} + (1 - w) \frac{e^{-\lambda} \lambda^x}{x!}",
    r"w \mathbf{1}_{\{x=0\}} + (1 - w) \frac{e^{-\lambda} \lambda^x}{x!}",
    r"\left(w + (1-w) e^{-\lambda}\right) \mathbb{1}_{x = 0} + (1 - w) \frac{e^{-\lambda} "
    r"\lambda^x}{x!} \mathbb{1}_{x \geq 1}",
])
def test_zero_inflated_poisson_with_indicators(density):
    m = build_model(density, params=ZIP_PARAMS, support="{0, 1, 2, ...}")
    w, lam = m.params
    x = m.var
    want = sp.Piecewise((w + (1 - w) * sp.exp(-lam), sp.Eq(x, 0)),
                        ((1 - w) * sp.exp(-lam) * lam ** x / sp.factorial(x), True))
    for value in range(4):  # the same pmf, point by point
        assert sp.simplify(m.density.subs(x, value) - want.subs(x, value)) == 0


def test_zero_inflated_poisson_on_the_command_line(capsys, tmp_path):
    rng = np.random.default_rng(11)
    data = rng.poisson(2.5, size=600)
    data[rng.uniform(size=600) < 0.3] = 0
    path = tmp_path / "counts.txt"
    np.savetxt(path, data, fmt="%d")
    flags = [f for p in ZIP_PARAMS for f in ("--param", p)]
    status, out, err = _run(capsys, "derive", ZIP_PLAIN, *flags, "--support", "{0, 1, 2, ...}",
                            "--format", "json")
    assert status == 0, err
    d = json.loads(out)
    assert not d["closed_form"] and any("no closed form" in w and "given by cases of x" in w
                                        for w in d["warnings"])
    status, out, err = _run(capsys, "fit", ZIP_PLAIN, *flags, "--support", "{0, 1, 2, ...}",
                            "--data", str(path), "--format", "json")
    assert status == 0, err
    r = json.loads(out)
    w, lam, top = _zip_reference(data)
    assert r["estimates"]["w"] == pytest.approx(w, rel=1e-6)
    assert r["estimates"]["lambda"] == pytest.approx(lam, rel=1e-6)
    assert r["log_likelihood"] == pytest.approx(top, rel=1e-10)
    # the normalization is checked numerically: a pmf that does not sum to 1 is refused
    status, _, err = _run(capsys, "derive", "w*(x == 0) + exp(-lambda)*lambda**x/factorial(x)",
                          *flags, "--support", "{0, 1, 2, ...}")
    assert status == 4 and "sums to" in err


@pytest.mark.parametrize("density, support, error, match", [
    ("w*(x == lambda) + (1 - w)*exp(-lambda)*lambda**x/factorial(x)", "{0, 1, 2, ...}",
     ModelSpecError, "tests 'lambda'"),
    ("w*(x == 1) + (1 - w)*lambda*exp(-lambda*x)", "x >= 0", ModelSpecError,
     "probability zero"),
    ("w*(x == 0) + (1 - w)*lambda*exp(-lambda*x)", "x > 0", ParseError, "never true"),
])
def test_cases_that_cannot_be_a_density_are_refused(density, support, error, match):
    with pytest.raises(error, match=match):
        symmle.derive(density, params=ZIP_PARAMS, support=support)


def test_comparisons_stay_out_of_other_expressions():
    with pytest.raises(ParseError):
        symmle.derive("poisson", functions=["(lambda > 1)"])
    with pytest.raises(ParseError, match="indicators"):
        symmle.derive("Piecewise((w, x == 0), (1, True))", params=ZIP_PARAMS,
                      support="{0, 1, 2, ...}")


@pytest.mark.parametrize("density", [
    r"w \mathbb{1}\{\input{/etc/passwd}\} + (1 - w) e^{-\lambda}",
    r"w \mathbb{1}\{x = \write18{touch CANARY}\} + (1 - w) e^{-\lambda}",
    r"w \mathbb{\input{a}} + (1 - w) e^{-\lambda}",
    r"w \mathbb{1}\{x = 0 + (1 - w) e^{-\lambda}",
    "w*(x == __import__('os')) + (1 - w)*exp(-lambda)",
    "w*(x == 0" + ")" * 3,
])
def test_hostile_or_malformed_indicators_are_refused(density, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParseError):
        symmle.derive(density, params=ZIP_PARAMS, support="{0, 1, 2, ...}")
    assert not (tmp_path / "CANARY").exists()


def test_many_indicators_are_refused_before_folding():
    """Folding k indicators can make 2^k cases: more than six are refused at once."""
    density = "*".join(f"(1 + (x == {j}))" for j in range(40)) + "*exp(-lambda)"
    with pytest.raises(ModelSpecError, match="at most 6"):
        build_model(density, support="{0, 1, 2, ...}")


def test_user_defined_random_variables():
    """ContinuousRV, DiscreteRV and FiniteRV carry a density the user wrote: the textbook
    answers (the power family, a geometric on {0, 1, ...} with mean θ, a coin with P(1) = θ/2)."""
    t, z = sp.Symbol("theta", positive=True), sp.Symbol("z")
    power = ss.ContinuousRV(z, t * z ** (t - 1), set=sp.Interval(0, 1))
    assert equivalent(symmle.derive(power).mle["theta"], -N / S(LOG), positive=True)
    geometric = ss.DiscreteRV(z, (1 - t / (1 + t)) * (t / (1 + t)) ** z, set=sp.S.Naturals0)
    assert equivalent(symmle.derive(geometric).mle["theta"], S(X[I]) / N, positive=True)
    coin = ss.FiniteRV("X", {0: 1 - t / 2, 1: t / 2})
    d = symmle.derive(coin)
    assert equivalent(d.mle["theta"], 2 * S(X[I]) / N, positive=True)
    x = np.random.default_rng(5).binomial(1, 0.3, 500)
    assert symmle.fit(coin, x, derivation=d).estimates["theta"] == pytest.approx(2 * x.mean())


@pytest.mark.parametrize("make, error", [
    (lambda: ss.MultivariateNormal("X", [0, 0], [[1, 0], [0, 1]]), "joint or compound"),
    (lambda: ss.Normal("X", ss.Normal("Y", 0, 1), sp.Symbol("s", positive=True)),
     "joint or compound"),
    (lambda: ss.Exponential("X", sp.Symbol("x", positive=True)), "name 'x' of the observation"),
    (lambda: ss.Die("D", 6), "no parameter to estimate"),
])
def test_random_variables_symmle_cannot_read_are_refused_clearly(make, error):
    with pytest.raises(symmle.SymmleError, match=error):
        symmle.derive(make())


def test_binomial_without_known_m_says_how_to_declare_it():
    from symmle.errors import UnsupportedModelError

    with pytest.raises(UnsupportedModelError, match=r"if m is known, declare it: --known m"):
        symmle.derive(r"\binom{m}{x} p^x (1-p)^{m-x}", support=r"x \in \{0, 1, \dots, m\}")


@pytest.mark.parametrize("support, want", [("x = 0, 1, 2, ...", "x in {0, 1, 2, ...}"),
                                           ("x = 0, 1, …, m", "x in {0, 1, ..., m}")])
def test_a_support_listed_as_on_an_exercise_sheet(support, want):
    m = build_model("binomial(m, x)*p**x*(1 - p)**(m - x)" if "m" in support
                    else "exp(-lambda)*lambda**x/factorial(x)", support=support,
                    params=["p"] if "m" in support else None,
                    known=["m"] if "m" in support else None)
    assert m.support.describe("x") == want
