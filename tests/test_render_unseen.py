"""Rendered derivations of textbook densities that are not among the worked examples: every
format free of SymPy's own notation, every key step present, the LaTeX compiling, and the
forms a textbook would simplify (θ̂/√n, one fraction in a summand, (log xᵢ)², ℓ'' at the root)
equal to the engine's results, symbolically and on simulated data."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess

import numpy as np
import pytest
from external import require
import sympy as sp
from scipy import stats

from symmle import derive
from symmle.latex import hat, plain
from symmle.notation import N
from symmle.steps.forms import tidy_summand

# name: density, parameters, known constants, support (the shape of a textbook exercise)
UNSEEN = {
    "power_2theta": ("2*theta*x**(2*theta-1)", ["theta:positive"], [], "0 < x < 1"),
    "triangle_scale": ("2*x/theta**2", ["theta:positive"], [], "0 < x < theta"),
    "pareto_unit": ("theta/x**(theta+1)", ["theta:positive"], [], "x > 1"),
    "shifted_unit": ("exp(-(x-theta))", ["theta:real"], [], "x > theta"),
    "gamma2_scale": ("x*exp(-x/theta)/theta**2", ["theta:positive"], [], "x > 0"),
    "geometric_zero": ("theta**x*(1-theta)", ["theta:(0, 1)"], [], "{0, 1, 2, ...}"),
    "cubic_scale": ("3*x**2/theta**3", ["theta:positive"], [], "0 < x < theta"),
    "rayleigh_s": ("x/s**2*exp(-x**2/(2*s**2))", ["s:positive"], [], "x > 0"),
    "maxwell_a": ("sqrt(2/pi)*x**2*exp(-x**2/(2*a**2))/a**3", ["a:positive"], [], "x > 0"),
    "lognormal_sigma": ("exp(-(log(x)-mu)**2/(2*sigma**2))/(x*sigma*sqrt(2*pi))",
                        ["mu:real", "sigma:positive"], [], "x > 0"),
    "laplace_known_mean": ("exp(-abs(x-mu)/b)/(2*b)", ["b:positive"], ["mu:real"], "real"),
    "normal_v": ("exp(-(x-mu)**2/(2*v))/sqrt(2*pi*v)", ["mu:real", "v:positive"], [], "real"),
    "cauchy_location": ("1/(pi*(1+(x-theta)**2))", ["theta:real"], [], "real"),
    "gumbel_location": ("exp(-(x-mu))*exp(-exp(-(x-mu)))", ["mu:real"], [], "real"),
    "logistic_location": ("exp(-(x-mu))/(1+exp(-(x-mu)))**2", ["mu:real"], [], "real"),
    "binomial_m": ("binomial(m, x)*p**x*(1-p)**(m-x)", ["p:(0, 1)"], ["m:positive integer"],
                   "{0, 1, ..., m}"),
    "bernoulli_string": ("p**x*(1-p)**(1-x)", ["p:(0, 1)"], [], "{0, 1}"),
    "uniform_symmetric": ("1/(2*theta)", ["theta:positive"], [], "-theta < x < theta"),
    "gamma3_rate": ("theta**3*x**2*exp(-theta*x)/2", ["theta:positive"], [], "x > 0"),
    "weibull_k2": ("2*x/theta*exp(-x**2/theta)", ["theta:positive"], [], "x > 0"),
    "beta_one_theta": ("theta*(1-x)**(theta-1)", ["theta:positive"], [], "0 < x < 1"),
    "exponential_mean": ("exp(-x/theta)/theta", ["theta:positive"], [], "x > 0"),
    "inverse_gamma_3": ("beta**3/2*x**(-4)*exp(-beta/x)", ["beta:positive"], [], "x > 0"),
    "shifted_two": ("exp(-(x-a)/b)/b", ["a:real", "b:positive"], [], "x > a"),
    "poisson_twice": ("exp(-2*lam)*(2*lam)**x/factorial(x)", ["lam:positive"], [],
                      "{0, 1, 2, ...}"),
}
# the support moves with a parameter: no Fisher information (the regularity conditions fail)
MOVING = {"triangle_scale", "shifted_unit", "cubic_scale", "uniform_symmetric", "shifted_two"}
# no closed form: the likelihood equation is solved numerically
NUMERIC = {"cauchy_location", "logistic_location"}

SYMPY_ISMS = [r"Piecewise\(", r"Sum\(", r"log\(exp\(", r"\\log\\left\(\\exp", r"x\[i\]",
              r"_T\d", r"Matrix\(", r"\*\*", r"\bzoo\b", r"\bnan\b", r"Eq\(", r"\boo\b",
              r"\\log [a-z](_\{i\})?\^\{"]  # the last: log x_i^{2}, read as the log of x_i²
FORMATS = {"md": lambda d: d.to_markdown(), "latex": lambda d: d.to_latex(standalone=True),
           "text": lambda d: d.to_text()}


@functools.lru_cache(maxsize=None)
def derived(name: str):
    density, params, known, support = UNSEEN[name]
    return derive(density, params=params, known=known or None, support=support)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_no_sympy_notation_in_any_format(name, fmt):
    shown = FORMATS[fmt](derived(name)).replace("> **Insight.**", "")  # Markdown's bold
    for pattern in SYMPY_ISMS:
        found = re.search(pattern, shown)
        assert found is None, (f"{name} ({fmt}): {pattern!r} at "
                               f"{shown[max(0, found.start() - 80):found.end() + 40]!r}")


@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_markdown_prose_has_its_mathematics_typeset(name):
    """Outside $…$ the Markdown is words: ℓ, θ, σ², xᵢ are inline math like the formulas."""
    md = derived(name).to_markdown()
    prose = re.sub(r"\$[^$]*\$", "", re.sub(r"\$\$.*?\$\$", "", md, flags=re.S))
    stray = re.findall(r".{0,30}[^\x00-\x7f’—–…“”].{0,30}", prose)
    assert not stray, f"{name}: Unicode mathematics in Markdown prose: {stray[:3]}"


@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_every_key_step_is_shown(name):
    d = derived(name)
    kinds = [s.kind for s in d.steps]
    for kind in ("model", "likelihood", "log_likelihood", "score", "checks", "information",
                 "insight"):
        assert kind in kinds, f"{name}: no {kind} step"
    md, txt = d.to_markdown(), d.to_text()
    for heading in ("The likelihood", "The log-likelihood", "The score", "Fisher information"):
        assert f". {heading}" in md and f". {heading}" in txt, f"{name}: {heading}"
    if name in MOVING and len(d.model.params) == 1:
        # a likelihood monotone on the feasible set: its end, and no second derivative
        assert "second_order" not in kinds and "monotone on it, so the maximum is at its end" in md
    else:
        assert "second_order" in kinds and ". Second-order check" in txt, name
    if name in NUMERIC:
        assert "No closed form" in md and "Newton" in md
    else:
        assert "The maximum likelihood estimator" in md
    info = next(s for s in d.steps if s.kind == "information")
    if name in MOVING:
        assert d.fisher_information is None and "Not applicable" in md
    else:
        assert d.fisher_information is not None and info.blocks, name
        assert r"\mathcal{I}(" in md and r"\operatorname{se}(" in md


@pytest.mark.parametrize("name", sorted(UNSEEN))
def test_standalone_latex_compiles(name, tmp_path):
    require(shutil.which("pdflatex") is not None, "pdflatex")
    (tmp_path / "d.tex").write_text(derived(name).to_latex(standalone=True), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "d.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{name}: {done.stdout[-1500:]}"


# --- the simplified forms are the engine's results ------------------------------------------------


def lines_of(d, kind):
    return [line for s in d.steps if s.kind == kind for b in s.blocks for line in b.lines]


def on_sample(expr: sp.Basic, data: np.ndarray, values: dict) -> float:
    """An expression in sample notation (Σ over x[i], n) at a sample and parameter values."""
    expr = plain(expr).subs(N, len(data)).subs(values)

    def expand(s: sp.Sum) -> sp.Expr:
        i = s.limits[0][0]
        return sp.Add(*[s.function.subs(i, k) for k in range(1, len(data) + 1)])
    expr = expr.replace(lambda e: isinstance(e, sp.Sum), expand)
    x = sp.IndexedBase("x")
    return float(expr.xreplace({x[k]: sp.Float(v) for k, v in enumerate(data, start=1)}))


@pytest.mark.parametrize("name", sorted(set(UNSEEN) - MOVING - NUMERIC))
def test_standard_error_shown_is_the_engines(name):
    """se(θ̂) as displayed (θ̂/√n, σ̂/√(2n), (1 − θ̂)√(θ̂/n)) is √([n I(θ̂)]⁻¹), symbolically and at
    random parameter values; a positive square never stays under the root."""
    d = derived(name)
    rows = [line for line in lines_of(d, "information") if str(line.lhs).startswith("se(")]
    assert rows and d.standard_errors_
    rng = np.random.default_rng(7)
    for line, (p, engine) in zip(rows, d.standard_errors_.items()):
        shown = plain(line.chain[-1][1])
        hats = {hat(q): q for q in d.model.params}
        assert sp.simplify(shown.xreplace(hats) ** 2 - engine ** 2) == 0, (name, shown, engine)
        at = {q: sp.Float(rng.uniform(0.2, 0.8)) for q in d.model.params}
        at.update({k: 5 for k in d.model.known})
        assert float(shown.xreplace(hats).subs(at).subs(N, 40)) == pytest.approx(
            float(engine.subs(at).subs(N, 40)), rel=1e-12)
        under = [a.base for a in sp.preorder_traversal(shown)
                 if a.is_Pow and a.exp == sp.S.Half]
        assert not any(f.is_Pow and f.exp == 2 and f.base.free_symbols for u in under
                       for f in sp.Mul.make_args(sp.factor(u))), (name, shown)


def test_cauchy_second_derivative_is_one_fraction_and_right_on_a_sample():
    """d²ℓ/dθ² = −2 Σ (1 − (xᵢ − θ)²)/((xᵢ − θ)² + 1)², against a finite difference of the
    Cauchy log-likelihood (scipy) on simulated data."""
    d = derived("cauchy_location")
    shown = next(line.chain[0][1] for line in lines_of(d, "second_order"))
    summand = next(a for a in sp.preorder_traversal(shown) if isinstance(a, sp.Sum)).function
    assert sum(1 for a in sp.preorder_traversal(summand)
               if a.is_Pow and a.exp.is_negative) == 1, summand
    data = stats.cauchy.rvs(loc=1.5, size=25, random_state=np.random.default_rng(3))
    theta, h = 1.2, 1e-4
    ll = [stats.cauchy.logpdf(data, loc=theta + k * h).sum() for k in (-1, 0, 1)]
    numeric = (ll[0] - 2 * ll[1] + ll[2]) / h ** 2
    assert on_sample(shown, data, {sp.Symbol("theta", real=True): theta}) == pytest.approx(
        numeric, rel=1e-5)


def test_the_cauchy_score_leads_with_the_data():
    """2 Σ (xᵢ − θ)/((xᵢ − θ)² + 1), not −2 Σ (θ − xᵢ)/(…): the same function."""
    d = derived("cauchy_location")
    shown = next(line.chain[-1][1] for line in lines_of(d, "score"))
    md = d.to_markdown()
    assert r"2 \sum_{i=1}^{n} \frac{x_{i} - \theta}" in md and r"\frac{\theta - x_{i}}" not in md
    data = stats.cauchy.rvs(loc=0.5, size=20, random_state=np.random.default_rng(2))
    theta, h = 0.4, 1e-6
    numeric = (stats.cauchy.logpdf(data, loc=theta + h).sum()
               - stats.cauchy.logpdf(data, loc=theta - h).sum()) / (2 * h)
    assert on_sample(shown, data, {sp.Symbol("theta", real=True): theta}) == pytest.approx(
        numeric, rel=1e-6)


def test_tidy_summand_keeps_the_value():
    t, x = sp.Symbol("t", real=True), sp.IndexedBase("x")[sp.Symbol("i", integer=True)]
    for body in [(2 * (x - t) * (t - x) / ((x - t) ** 2 + 1) + 1) / ((x - t) ** 2 + 1),
                 (1 - 1 / (1 + sp.exp(t - x))) / (1 + sp.exp(t - x)), x / (x - t) + t]:
        tidy = tidy_summand(body)
        assert sp.simplify(tidy - body) == 0
        assert float((tidy - body).subs({t: 0.3, x: 1.7})) == pytest.approx(0, abs=1e-12)
    assert tidy_summand(x / (x - t) + t) == x / (x - t) + t  # no nested fraction: unchanged


def test_moving_support_second_order_is_checked_at_the_root():
    """Shifted exponential in location a and scale b: with â = x₍₁₎, ℓ''(b) at b̂ is −n/b̂²,
    proven, and equal to a finite difference of ℓ at scipy's own fit of the same model."""
    d = derived("shifted_two")
    assert d.second_order.verdict == "proven"
    md = d.to_markdown()
    assert "_T" not in md and "At the root, where the likelihood equation holds" in md
    at_root = [line for line in lines_of(d, "second_order") if isinstance(line.lhs, sp.Subs)]
    assert len(at_root) == 1 and at_root[0].chain[-1] == ("<", 0)
    value = plain(at_root[0].chain[0][1])
    b_hat = sp.Symbol("b_hat", positive=True)
    assert sp.simplify(value + N / b_hat ** 2) == 0
    data = stats.expon.rvs(loc=2.0, scale=0.7, size=30, random_state=np.random.default_rng(5))
    loc, scale = stats.expon.fit(data)
    h = 1e-4
    ll = [stats.expon.logpdf(data, loc=loc, scale=scale + k * h).sum() for k in (-1, 0, 1)]
    numeric = (ll[0] - 2 * ll[1] + ll[2]) / h ** 2
    assert float(value.subs({b_hat: scale, N: len(data)})) == pytest.approx(numeric, rel=1e-5)


def test_a_power_of_a_log_is_bracketed():
    md = derived("lognormal_sigma").to_markdown()
    assert r"\left(\log x_{i}\right)^{2}" in md
    assert not re.search(r"\\log x_\{i\}\^\{", md)


def test_a_name_of_several_letters_is_upright():
    """lam is one symbol: \\hat{\\mathrm{lam}}, not \\hat{lam} (l·a·m in italics)."""
    d = derived("poisson_twice")
    md, latex = d.to_markdown(), d.to_latex()
    assert r"\hat{\mathrm{lam}}" in md and r"\hat{\mathrm{lam}}" in latex
    assert not re.search(r"(?<![{a-z])lam\b", re.sub(r"\\mathrm\{lam\}", "", md.split("\n", 1)[1]))


@pytest.mark.parametrize("name", ["geometric_zero", "lognormal_sigma", "exponential_mean"])
def test_the_estimator_is_written_as_the_solving_step_ends(name):
    """The result repeats the root the solving step found (Σxᵢ/(n + Σxᵢ)), not the same value
    rebuilt in another form (Σxᵢ/(n(1 + Σxᵢ/n))); and it is the engine's, at a sample."""
    d = derived(name)
    solved = {line.lhs: line.chain for line in lines_of(d, "solution")
              if line.lhs is not None and str(line.lhs).endswith("_hat")}
    result = {line.lhs: line.chain for line in lines_of(d, "result")}
    assert result and set(result) <= set(solved)
    data = np.random.default_rng(11).uniform(0.5, 3.0, size=12).round()
    # an estimate written with one found before (σ̂ with μ̂ in it): that one in sample notation
    earlier = {hat(q): d.log_likelihood.to_sample(d.mle[q.name]) for q in d.model.params}
    for lhs, chain in result.items():
        assert chain == solved[lhs], (name, lhs)
        p = next(q for q in d.model.params if hat(q) == lhs)
        engine = d.log_likelihood.to_sample(d.mle[p.name])
        assert on_sample(plain(chain[0][1]).xreplace(earlier), data, {}) == pytest.approx(
            on_sample(engine, data, {}), rel=1e-12)


def test_a_later_estimate_is_written_with_an_earlier_one():
    """σ̂ = √((1/n) Σ (log xᵢ − μ̂)²), as a textbook writes it, not with (1/n) Σ log xᵢ inside;
    the normal keeps x̄."""
    md = derived("lognormal_sigma").to_markdown()
    assert r"\left(\log x_{i} - \hat{\mu}\right)^{2}" in md
    assert r"\log x_{i} - \frac{1}{n} \sum" not in md
    assert "with $\\mu = \\hat{\\mu}$ in place" in md
    assert r"\left(x_{i} - \bar{x}\right)^{2}" in derived("normal_v").to_markdown()


def test_binomial_with_every_trial_a_success_states_the_boundary_case():
    """All xᵢ = m: L(p) = p^{nm} (the binomial coefficients are 1), increasing, so p̂ = 1; the
    shown ℓ agrees with scipy's binomial log-pmf of such a sample."""
    d = derived("binomial_m")
    md = d.to_markdown()
    assert "If every observation equals $m$" in md and "If every observation equals $0$" in md
    block = next(b for s in d.steps if s.kind == "checks" for b in s.blocks
                 if any("equals " in str(part) for part in b.note) and "m" in map(str, b.note))
    ell = next(line.chain[0][1] for line in block.lines if str(line.lhs).startswith("ell"))
    slope = next(line for line in block.lines if line.chain[-1][0] in "<>")
    assert slope.chain[-1] == (">", 0)
    p, m = sp.Symbol("p", positive=True), next(iter(d.model.known))
    n, trials = 6, 4
    for value in (0.3, 0.8):
        shown = float(plain(ell).subs({N: n, m: trials}).subs(p, value))
        assert shown == pytest.approx(stats.binom.logpmf([trials] * n, trials, value).sum())


@pytest.mark.parametrize("name", sorted(MOVING))
def test_a_moving_support_keeps_its_indicator_in_every_row(name):
    """L = ∏ f(xᵢ | θ) 1{…} in every row of the product (the first row had lost it), written
    1{0 ≤ xᵢ ≤ θ} or 1{θ ≤ xᵢ}, not 1{θ ≤ xᵢ ∧ xᵢ ≤ ∞}."""
    d = derived(name)
    md = d.to_markdown()
    assert r"\wedge" not in md and r"\leq \infty" not in md
    product = next(s for s in d.steps if s.kind == "product")
    rows = [expr for line in product.blocks[0].lines for _, expr in line.chain]
    assert rows and all(expr.has(sp.Function("Indicator")) or "Indicator" in sp.srepr(expr)
                        for expr in rows), name


def test_powers_with_one_exponent_are_one_power():
    """(2b)^{−n}, not b^{−n} 2^{−n}; the simplified product is still L: its log is ℓ at a sample
    (scipy's Laplace log-density)."""
    d = derived("laplace_known_mean")
    assert r"\left(2 b\right)^{- n}" in d.to_markdown()
    product = next(s for s in d.steps if s.kind == "product")
    last = plain(product.blocks[0].lines[-1].chain[-1][1])
    data = stats.laplace.rvs(loc=0.5, scale=1.3, size=15, random_state=np.random.default_rng(9))
    b, mu = sp.Symbol("b", positive=True), next(iter(d.model.known))
    shown = on_sample(sp.log(last), data, {b: 1.1, mu: 0.5})
    assert shown == pytest.approx(stats.laplace.logpdf(data, loc=0.5, scale=1.1).sum(), rel=1e-12)
