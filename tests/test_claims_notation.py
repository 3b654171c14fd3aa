"""``symmle check`` on the notation students write in homework solutions (read from public
worked solutions: Math StackExchange, Cross Validated, course exercise sheets), each form with a
right claim and a wrong one, on four models whose truth is checked here independently: the MLE
against SciPy's optimiser on simulated data, the standard error against the curvature of the
log-likelihood found by finite differences.

The forms: the sample maximum and minimum (``\\underset{i}{\\max}``, ``\\operatorname*{max}_i``,
``\\max_{i=1}^{n}``, ``x_{\\text{max}}``, ``\\max\\{X_1, ..., X_n\\}``), sums over another index
letter or up to a capital N, the left-hand sides ``\\mathrm{d}\\ell/\\mathrm{d}\\theta``,
``\\ell'(\\theta)``, ``-E[\\ell''(\\theta)]``, ``\\ln\\mathcal{L}``, a standard error given as
``\\operatorname{Var}(\\hat\\theta)`` or ``\\mathrm{SE}(\\hat\\theta)``, and several MLEs in one
text. Whatever is newly read still refuses every command outside the whitelist, with its
position.
"""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
import scipy.stats as st

import symmle
from symmle.errors import ParseError

CORRECT = ("correct", "equivalent", "correct_up_to_constant")
UNIFORM = ("1/theta", dict(params={"theta": "positive"}, support="0 < x < theta"))
SHIFTED = ("exp(theta - x)", dict(params={"theta": "real"}, support="x > theta"))
BINOMIAL_N = ("binomial(N, x) * p**x * (1 - p)**(N - x)",
              dict(params={"p": "(0, 1)"}, known={"N": "positive integer"},
                   support="{0, 1, ..., N}"))
MODELS = {"exponential": ("exponential", {}), "uniform(0, theta)": UNIFORM,
          "poisson": ("poisson", {}),
          "shifted exponential": SHIFTED, "normal": ("normal", {})}


def _check(name: str, **claims):
    model, options = MODELS[name] if name in MODELS else (name, {})
    return symmle.check(model, **claims, **options)


# (model, step, claim): right; each form below has a wrong twin in WRONG
RIGHT = [
    # the sample maximum and minimum
    ("uniform(0, theta)", "mle", r"\hat\theta = \underset{i}{\max}\, X_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \underset{1\le i\le n}{\max} x_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \operatorname*{max}_{i} x_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \max_{i=1}^{n} X_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \max_{1 \leq i \leq n} x_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \max_i x_i"),
    ("uniform(0, theta)", "mle", r"\hat\theta = x_{\text{max}}"),
    ("uniform(0, theta)", "mle", r"\hat\theta = x_{(n)}"),
    ("uniform(0, theta)", "mle", r"\hat{\theta} = \max\{X_1, ..., X_n\}"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \max(x_1, \ldots, x_n)"),
    ("uniform(0, theta)", "mle", r"\hat\theta = \max_{t=1}^{N} x_t"),
    ("shifted exponential", "mle", r"\hat\theta = X_{(1)}"),
    ("shifted exponential", "mle", r"\hat\theta = \min\{x_1,\dots,x_n\}"),
    ("shifted exponential", "mle", r"\hat\theta = \underset{i}{\min} X_i"),
    ("shifted exponential", "mle", r"\hat\theta = \mathrm{min}_{i} x_i"),
    ("shifted exponential", "mle", r"\hat\theta = \min(x_1, …, x_n)"),
    # another index letter, N for the sample size
    ("exponential", "mle", r"\hat\lambda = \frac{n}{\sum_{t=1}^{n} x_t}"),
    ("exponential", "mle", r"\hat\lambda = \frac{N}{\sum_{i=1}^{N} x_i}"),
    ("exponential", "mle", r"\hat\lambda = \frac{1}{\frac{1}{N}\sum_{j=1}^N X_j}"),
    ("exponential", "log_likelihood", r"\ell(\lambda) = N\log\lambda - \lambda\sum_{i=1}^N x_i"),
    ("exponential", "log_likelihood",
     r"\ell(\lambda) = \log\prod_{1\le i\le N}\lambda e^{-\lambda x_i}"),
    ("exponential", "mle", r"\hat{\lambda} = \frac{n}{X_1+X_2+...+X_n}"),
    # names and left-hand sides
    ("exponential", "mle", r"\hat{\lambda}_{\text{MLE}} = \frac{1}{\overline{x}}"),
    ("exponential", "mle", r"\widehat{\lambda} = 1/\bar x_n"),
    ("exponential", "log_likelihood", r"\log L(\lambda) = n\log\lambda - \lambda\sum_i x_i"),
    ("exponential", "log_likelihood", r"\ln\mathcal{L} = n\ln\lambda - n\lambda\bar{X}"),
    ("exponential", "log_likelihood",
     r"l(\lambda, x) := \log L(\lambda, x) = n\log\lambda - \lambda\sum_{i=1}^n x_i"),
    ("exponential", "score",
     r"\mathrm{d}\ell/\mathrm{d}\lambda = \frac{n}{\lambda} - \sum_{i=1}^n x_i"),
    ("exponential", "score",
     r"\frac{\mathrm d}{\mathrm d\lambda}\ln L(\lambda) = \frac{n}{\lambda} - n\bar x"),
    ("exponential", "score", r"\ell'(\lambda) = \frac{n}{\lambda} - \sum_{i=1}^n x_i = 0"),
    ("exponential", "fisher", r"-E[\ell''(\lambda)] = \frac{n}{\lambda^2}"),
    ("exponential", "fisher", r"I(\lambda) = -\mathbb E[\ell''(\lambda)] = \frac{n}{\lambda^2}"),
    ("exponential", "fisher", r"I(\lambda) = -\mathbb{E}\!\left[\frac{d^2}{d\lambda^2}"
                              r"\log f(X;\lambda)\right] = \frac{1}{\lambda^2}"),
    # standard errors and variances
    ("exponential", "standard_error", r"\sqrt{\frac{\lambda^2}{n}}"),
    ("exponential", "standard_error", r"\operatorname{Var}(\hat\lambda) = \frac{\lambda^2}{n}"),
    ("exponential", "standard_error", r"\text{Var}(\hat\lambda) \approx \frac{\lambda^2}{n}"),
    ("exponential", "standard_error", r"\mathrm{SE}(\hat\lambda) = \frac{\hat\lambda}{\sqrt n}"),
    ("exponential", "standard_error",
     r"\mathrm{SE}(\hat\lambda) = \sqrt{\operatorname{Var}(\hat\lambda)} = "
     r"\frac{\lambda}{\sqrt{n}}"),
    ("normal", "standard_error", r"\mathbb{V}[\hat\sigma^2] = \frac{2\sigma^4}{n}"),
    ("normal", "standard_error", {"sigma2": r"\operatorname{Var}(\hat\sigma^2) = 2\sigma^4/n"}),
    ("normal", "standard_error", r"\operatorname{se}(\hat\mu) = \frac{\sigma}{\sqrt{n}}"),
    ("normal", "standard_error", {"mu": r"\hat\sigma/\sqrt{n}"}),  # σ̂ = √σ̂² by invariance
    # how a written solution frames its result
    ("exponential", "mle", r"\therefore \boxed{\hat\lambda = \frac{1}{\bar x}}"),
    ("exponential", "mle", r"\Rightarrow \hat\lambda = \frac{1}{\bar x}"),
    ("exponential", "score", r"\frac{\partial \ell}{\partial \lambda} = \frac{n}{\lambda} - "
                             r"\sum x_i \stackrel{\text{set}}{=} 0"),
    ("exponential", "score", r"\frac{n}{\lambda}-\sum_{i=1}^{n}x_i\overset{!}{=}0"),
    ("exponential", "log_likelihood", r"L(\lambda) \propto \lambda^{n} e^{-\lambda\sum x_i}"),
    ("exponential", "log_likelihood",
     r"\mathcal L(\lambda \mid \boldsymbol x) \propto \lambda^{n} e^{-n \bar x\lambda}"),
    ("exponential", "fisher", r"I_n(\lambda) = n I(\lambda) = \frac{n}{\lambda^2}"),
    ("exponential", "log_likelihood", r"\begin{aligned} \ell(\lambda) &= \sum_{i=1}^n "
     r"\log(\lambda e^{-\lambda x_i}) \\ &= n\log\lambda - \lambda\sum_{i=1}^n x_i \end{aligned}"),
    ("exponential", "mle", r"$$\begin{align*}\hat\lambda &= \frac{n}{\sum x_i} \\ &= "
                           r"\frac{1}{\bar x}\end{align*}$$"),
    ("poisson", "mle", r"\hat\lambda = \bar{k}"),
    ("normal", "mle", {"sigma2": r"\hat\sigma^2 = \frac{n-1}{n}S^2"}),
    ("normal", "mle", {"sigma2": "(n-1)/n*s**2"}),
    # typed or pasted in Unicode
    ("exponential", "mle", "λ̂ = 1/x̄"),
    ("exponential", "mle", "λ̂ = n/Σxᵢ"),
    ("exponential", "log_likelihood", "ℓ(λ) = n ln λ − λ Σ x_i"),
    ("exponential", "fisher", "I(λ) = 1/λ²"),
    ("exponential", "standard_error", "λ̂/√n"),
    ("uniform(0, theta)", "mle", "θ̂ = max(x₁, …, xₙ)"),
    ("uniform(0, theta)", "mle", "θ̂ = x₍ₙ₎"),
    # several MLEs in one text
    ("normal", "mle", r"\hat{\mu} = \bar{x}, \quad \hat\sigma^2 = \frac{1}{n}\sum_{i=1}^n"
                      r"(x_i-\bar x)^2"),
    ("normal", "mle", r"\hat\mu = \overline{X} \text{ and } \widehat{\sigma^2} = \frac{1}{N}"
                      r"\sum_{i=1}^{N}(X_i-\overline{X})^2"),
]

WRONG = [  # (model, step, claim, the slip named or None)
    ("uniform(0, theta)", "mle", r"\hat\theta = \underset{i}{\min}\, X_i", None),
    ("uniform(0, theta)", "mle", r"\hat\theta = \operatorname*{min}_{i} x_i", None),
    ("uniform(0, theta)", "mle", r"\hat\theta = \min_{i=1}^{n} X_i", None),
    ("uniform(0, theta)", "mle", r"\hat\theta = x_{\text{min}}", None),
    ("uniform(0, theta)", "mle", r"\hat{\theta} = \min\{X_1, ..., X_n\}", None),
    ("uniform(0, theta)", "mle", r"\hat\theta = 2\,\frac{1}{N}\sum_{t=1}^{N} x_t",
     "the score set to zero on a support-dependent model"),
    ("shifted exponential", "mle", r"\hat\theta = \underset{i}{\max} X_i", None),
    ("exponential", "mle", r"\hat\lambda = \frac{N-1}{\sum_{i=1}^{N} x_i}", "1/(n-1) for 1/n"),
    ("exponential", "mle", r"\hat\lambda = \frac{1}{n}\sum_{t=1}^{n} x_t", None),
    ("exponential", "score",
     r"\mathrm{d}\ell/\mathrm{d}\lambda = \frac{n}{\lambda} + \sum_{i=1}^n x_i", "a sign"),
    ("exponential", "score", r"\ell'(\lambda) = \frac{1}{\lambda} - \sum_{i=1}^n x_i",
     "a dropped factor n"),
    ("exponential", "log_likelihood", r"\ln\mathcal{L} = n\ln\lambda + \lambda\sum_i x_i",
     "a sign"),
    ("exponential", "fisher", r"-E[\ell''(\lambda)] = \frac{n}{\lambda}", None),
    ("exponential", "fisher", r"I(\lambda) = -\mathbb E[\ell''(\lambda)] = \frac{2n}{\lambda^2}",
     None),
    ("exponential", "standard_error", r"\operatorname{Var}(\hat\lambda) = \frac{\lambda}{n}",
     None),
    ("exponential", "standard_error", r"\mathrm{SE}(\hat\lambda) = \frac{\lambda^2}{n}",
     "the variance for the standard error"),
    ("normal", "standard_error", r"\operatorname{Var}(\hat\sigma^2) = \frac{\sigma^4}{n}", None),
    ("normal", "mle", r"\hat{\mu} = \bar{x}, \quad \hat\sigma^2 = \frac{1}{n-1}\sum_{i=1}^n"
                      r"(x_i-\bar x)^2", "1/(n-1) for 1/n"),
    ("exponential", "mle", r"\boxed{\hat\lambda = \frac{n-1}{\sum_{i=1}^n x_i}}",
     "1/(n-1) for 1/n"),
    ("exponential", "mle", r"\therefore \hat\lambda = \bar x", None),
    ("exponential", "score", r"\frac{n}{\lambda}+\sum_{i=1}^{n}x_i\overset{!}{=}0", "a sign"),
    ("exponential", "log_likelihood", r"L(\lambda) \propto \lambda^{n} e^{\lambda\sum x_i}",
     "a sign"),
    ("exponential", "fisher", r"I_n(\lambda) = n I(\lambda) = \frac{n}{\lambda}", None),
    ("exponential", "fisher", r"\ell''(\lambda) = -\frac{n}{\lambda^2}", "a sign"),
    ("exponential", "mle", "λ̂ = (n−1)/Σxᵢ", "1/(n-1) for 1/n"),
    ("exponential", "log_likelihood", r"\begin{aligned} \ell(\lambda) &= \sum_{i=1}^n "
     r"\log(\lambda e^{-\lambda x_i}) \\ &= n\log\lambda + \lambda\sum_{i=1}^n x_i \end{aligned}",
     "a sign"),
    ("poisson", "mle", r"\hat\lambda = \frac{n}{n-1}\bar{k}", "1/(n-1) for 1/n"),
    ("normal", "mle", {"sigma2": r"\hat\sigma^2 = S^2"}, "1/(n-1) for 1/n"),
    ("normal", "standard_error", {"mu": r"\hat\sigma/n"}, "a dropped factor √n"),
    ("exponential", "fisher", "I(λ) = 1/λ", None),
    ("uniform(0, theta)", "mle", "θ̂ = x₍₁₎", None),
    ("uniform(0, theta)", "mle", "θ̂ = min(x₁, …, xₙ)", None),
]


@pytest.mark.parametrize("name, step, claim", RIGHT,
                         ids=[f"{m}-{str(c)[:40]}" for m, _, c in RIGHT])
def test_right_claims_in_the_forms_students_write(name, step, claim):
    report = _check(name, **{step: claim})
    assert report.steps
    for key, v in report.steps.items():
        assert v.verdict in CORRECT, (key, v.message)
    assert report.all_correct and report.exit_code == 0


@pytest.mark.parametrize("name, step, claim, slip", WRONG,
                         ids=[f"{m}-{str(c)[:40]}" for m, _, c, _ in WRONG])
def test_wrong_claims_in_the_forms_students_write(name, step, claim, slip):
    report = _check(name, **{step: claim})
    wrong = [v for v in report.steps.values() if v.verdict == "wrong"]
    assert len(wrong) == 1, [(v.name, v.verdict) for v in report.steps.values()]
    assert wrong[0].slip == slip, wrong[0].message
    assert report.exit_code == 16 and wrong[0].counterexample is not None


def test_each_form_has_a_right_and_a_wrong_claim():
    forms = ["underset", "operatorname*", "_{i=1}^{n} X_i", "text{m", "...", "sum_{t", "N}",
             "mathrm{d}", "ell'", "-E[", "Var", "SE", "quad", "boxed", "therefore",
             "overset{!}", "propto", "n I(", "λ̂", "x₍", "…", "aligned", "bar{k}", "S^2"]
    for form in forms:
        assert any(form in str(c) for _, _, c in RIGHT), form
        assert any(form in str(c) for _, _, c, _ in WRONG), form


def test_the_second_derivative_given_for_the_information_is_named():
    """ℓ''(λ) = −n/λ² for I(λ): the slip says the second derivative was given, not minus its
    expectation, whether the claim is of one observation or of n."""
    for claim in (r"\ell''(\lambda) = -\frac{n}{\lambda^2}", r"-\frac{1}{\lambda^2}"):
        v = _check("exponential", fisher=claim).steps["fisher"]
        assert (v.verdict, v.slip) == ("wrong", "a sign")
        assert "second derivative of the log-likelihood was given" in v.message


def test_a_variance_claim_is_judged_by_its_square_root():
    """Var(λ̂) = λ²/n is right as a variance; the same value claimed as the standard error
    is the slip "the variance for the standard error"."""
    as_variance = _check("exponential", standard_error=r"\operatorname{Var}(\hat\lambda) = "
                                                       r"\frac{\lambda^2}{n}").steps["se"]
    as_se = _check("exponential", standard_error=r"\frac{\lambda^2}{n}").steps["se"]
    assert as_variance.verdict in CORRECT
    assert (as_se.verdict, as_se.slip) == ("wrong", "the variance for the standard error")


# --- N for the sample size: read where it is clear, refused where it is not ------------------
def test_n_and_capital_n_together_are_refused_with_a_message():
    with pytest.raises(ParseError, match=r"a sum runs to N but the claim writes n too") as info:
        _check("exponential", mle=r"\frac{n}{\sum_{i=1}^{N} x_i}")
    assert info.value.position is not None


def test_capital_n_of_the_model_is_not_the_sample_size():
    """In a binomial with a known number of trials N, a sum to N is ambiguous: refused,
    with the position of the limits; the same claim to n is judged."""
    model, options = BINOMIAL_N
    with pytest.raises(ParseError, match=r"N is a name of the model here") as info:
        symmle.check(model, mle=r"\frac{\sum_{i=1}^{N} x_i}{nN}", **options)
    assert info.value.position is not None
    right = symmle.check(model, mle=r"\frac{\sum_{i=1}^{n} x_i}{nN}", **options)
    assert right.steps["mle"].verdict in CORRECT


def test_a_sum_index_that_names_a_constant_of_the_model_is_refused():
    """With a known shift t, Σ_{t=1}^n (x_t − t) could mean two things: refused, while the
    same claim over i is judged."""
    model, options = "lambda*exp(-lambda*(x - t))", dict(
        params={"lambda": "positive"}, known={"t": "real"}, support="x > t")
    with pytest.raises(ParseError, match=r"the index 't' of the \\sum is also a name"):
        symmle.check(model, mle=r"\frac{n}{\sum_{t=1}^{n} (x_t - t)}", **options)
    right = symmle.check(model, mle=r"\frac{n}{\sum_{i=1}^{n} (x_i - t)}", **options)
    assert right.steps["mle"].verdict in CORRECT


# --- whatever is newly read still refuses every other command, with its position --------------
@pytest.mark.parametrize("claim, command", [
    (r"\underset{i}{\input{x}} x_i", "\\input"),
    (r"\underset{\write18{ls}}{\max} x_i", "\\write"),
    (r"\max_{\input{/etc/passwd}} x_i", "\\input"),
    (r"\max_{i=1}^{\write18{ls}} x_i", "\\write"),
    (r"\sum_{t=1}^{\input{x}} x_t", "\\input"),
    (r"\sum_{\def\x{1}} x_i", "\\def"),
    (r"\operatorname*{\input{x}}_i x_i", "\\input"),
    (r"\frac{N}{\sum_{i=1}^{N} x_i}\input{x}", "\\input"),
    (r"\max\{X_1, ..., X_n\} + \immediate\write18{ls}", "\\immediate"),
    (r"\therefore\boxed{\max_i x_i \input{x}}", "\\input"),
    (r"\max_i x_i \overset{\input{x}}{=} 0", "\\overset"),
    (r"\begin{aligned} & x_{(n)} \input{x}\end{aligned}", "\\input"),
])
def test_new_notation_still_refuses_other_commands_with_their_position(claim, command):
    with pytest.raises(ParseError, match="is not supported") as info:
        _check("uniform(0, theta)", mle=claim)
    assert claim[info.value.position:].startswith(command)


@pytest.mark.parametrize("lhs", [r"\operatorname{Var}(\input{x})", r"\sqrt{\write18{ls}}",
                                 r"-E[\ell''(\lambda)\input{x}]", r"\mathrm{d}\def\ell"])
def test_new_left_hand_sides_still_refuse_other_commands(lhs):
    with pytest.raises(ParseError, match="is not supported|is not a name"):
        _check("exponential", standard_error=f"{lhs} = \\frac{{\\lambda}}{{\\sqrt n}}")


@pytest.mark.parametrize("name, claim, bad", [
    ("exponential", "λ̂ = 1/x̄ + \\input{x}", "the LaTeX command '\\input' is not supported"),
    ("exponential", "λ̂ = ﬁ/x̄", "unexpected character 'ﬁ'"),
    ("uniform(0, theta)", "θ̂ = x₍ₙ₎\u202e", "unexpected character '\\u202e'"),
])
def test_unicode_claims_still_refuse_what_they_do_not_know(name, claim, bad):
    """Only the listed characters are rewritten: a command, a ligature or a bidirectional
    control character is refused, with its position."""
    with pytest.raises(ParseError) as info:
        _check(name, mle=claim)
    assert bad in info.value.message.splitlines()[0] and info.value.position is not None


def test_propto_is_read_only_after_the_name_of_a_likelihood():
    claim = r"\ell(\lambda) \propto n\log\lambda"
    with pytest.raises(ParseError, match=r"'\\propto' is not supported") as info:
        _check("exponential", log_likelihood=claim)
    assert claim[info.value.position:].startswith("\\propto")


def test_dots_outside_a_list_of_the_observations_are_refused_with_their_position():
    claim = r"\frac{n}{x_1 + ... }"
    with pytest.raises(ParseError, match=r"'\.\.\.' is only read in a list") as info:
        _check("exponential", mle=claim)
    assert claim[info.value.position:].startswith("...")


# --- the truth the verdicts rest on, checked independently ------------------------------------
SAMPLERS = {
    "poisson": (lambda r: r.poisson(3.0, 300).astype(float),
                lambda t, x: st.poisson.logpmf(x, t[0]), (1.0,)),
    "exponential": (lambda r: r.exponential(0.5, 300),
                    lambda t, x: st.expon.logpdf(x, scale=1 / t[0]), (1.0,)),
    "uniform(0, theta)": (lambda r: r.uniform(0, 3.0, 300),
                          lambda t, x: np.where(x <= t[0], -np.log(t[0]), -np.inf), None),
    "shifted exponential": (lambda r: 1.5 + r.exponential(1.0, 300),
                            lambda t, x: np.where(x >= t[0], t[0] - x, -np.inf), None),
    "normal": (lambda r: r.normal(1.0, 2.0, 300),
               lambda t, x: st.norm.logpdf(x, t[0], np.sqrt(t[1])), (0.0, 1.0)),
}


@pytest.mark.parametrize("name", SAMPLERS)
def test_the_mle_agrees_with_scipy_on_simulated_data(name):
    sample, logpdf, start = SAMPLERS[name]
    x = sample(np.random.default_rng(2026))
    model, options = MODELS[name]
    fitted = symmle.fit(model, x, **options)
    est = np.array(list(fitted.estimates.values()), dtype=float)

    def nll(t):
        with np.errstate(all="ignore"):
            v = -np.sum(logpdf(np.atleast_1d(np.asarray(t, dtype=float)), x))
        return v if np.isfinite(v) else 1e300

    if start is None:  # a moving support: the likelihood is monotone on the feasible side
        lo, hi = (x.max(), 10 * x.max()) if name.startswith("uniform") else (x.min() - 5, x.min())
        ref = so.minimize_scalar(nll, bounds=(lo, hi), method="bounded",
                                 options={"xatol": 1e-12})
        assert est[0] == pytest.approx(ref.x, abs=1e-6)
        assert est[0] == pytest.approx(x.max() if name.startswith("uniform") else x.min())
    else:
        ref = so.minimize(nll, np.array(start), method="Nelder-Mead",
                          options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 20000})
        assert est == pytest.approx(ref.x, rel=1e-4)
    assert nll(est) <= ref.fun + 1e-7


@pytest.mark.parametrize("name, param, claimed", [
    ("exponential", "lambda", lambda t, n: t["lambda"] / np.sqrt(n)),
    ("normal", "sigma2", lambda t, n: np.sqrt(2 * t["sigma2"] ** 2 / n)),
    ("normal", "mu", lambda t, n: np.sqrt(t["sigma2"] / n)),
])
def test_the_standard_errors_judged_above_match_the_curvature_of_the_log_likelihood(
        name, param, claimed):
    """The standard error at the MLE is 1/√(−∂²ℓ/∂θ²), the curvature found here by central
    differences of SciPy's log-density, independent of symmle; the claims above
    (Var(λ̂) = λ²/n, Var(σ̂²) = 2σ⁴/n, se(μ̂) = σ/√n) give the same number, and so does
    symmle's fit."""
    sample, logpdf, _ = SAMPLERS[name]
    x = sample(np.random.default_rng(11))
    model, options = MODELS[name]
    fitted = symmle.fit(model, x, **options)
    names = list(fitted.estimates)
    est = np.array([fitted.estimates[p] for p in names], dtype=float)
    k = names.index(param)
    h = 1e-4 * abs(est[k])

    def ll(v):
        t = est.copy()
        t[k] = v
        return float(np.sum(logpdf(t, x)))

    curvature = -(ll(est[k] + h) - 2 * ll(est[k]) + ll(est[k] - h)) / h**2
    numeric = 1 / np.sqrt(curvature)
    assert claimed(dict(zip(names, est)), x.size) == pytest.approx(numeric, rel=1e-4)
    assert fitted.standard_errors[param] == pytest.approx(numeric, rel=1e-4)


# --- vector observations: the log-likelihood and the MLE are judged ----------------------------
VECTOR_RIGHT = [
    ("hardy_weinberg", "mle", r"\hat p = \frac{2\sum_{i=1}^n x_{1i} + \sum_{i=1}^n x_{2i}}{2nm}"),
    ("hardy_weinberg", "mle", r"\frac{\sum_i (2x_{1i} + x_{2i})}{2nm}"),
    ("hardy_weinberg", "mle", r"1 - \frac{2\sum_i x_{3i} + \sum_i x_{2i}}{2nm}"),  # Σx₃ via m
    ("hardy_weinberg", "mle", "(2*sum(x1_i) + sum(x2_i))/(2*n*m)"),
    ("hardy_weinberg", "mle", r"\frac{2\sum_i x1_i + \sum_i x2_i}{2nm}"),
    ("hardy_weinberg", "log_likelihood", r"\ell(p) = (2\sum_i x_{1i} + \sum_i x_{2i})\log p + "
                                         r"(\sum_i x_{2i} + 2\sum_i x_{3i})\log(1-p) + C"),
    ("multinomial", "mle", {"p1": r"\frac{\sum_i x_{1i}}{nm}", "p2": r"\frac{\sum_i x_{2i}}{nm}"}),
    ("multinomial", "mle", r"\hat p_3 = 1 - \frac{\sum_i (x_{1i} + x_{2i})}{nm}"),
    ("multinomial", "log_likelihood", r"\sum_i x_{1i}\log p_1 + \sum_i x_{2i}\log p_2 + "
                                      r"\sum_i x_{3i}\log(1 - p_1 - p_2)"),
    ("hardy_weinberg", "score", r"\frac{2\sum_i x_{1i} + \sum_i x_{2i}}{p} - "
                                r"\frac{\sum_i x_{2i} + 2\sum_i x_{3i}}{1-p}"),
    ("multinomial", "score", {"p1": r"\frac{\sum_i x_{1i}}{p_1}"}),
    ("multinomial", "score", {"p1": r"\frac{\sum_i x_{1i}}{p_1} - "
                                    r"\frac{\sum_i x_{3i}}{1-p_1-p_2}"}),
    ("hardy_weinberg", "fisher", r"I(p) = \frac{2m}{p(1-p)}"),
    ("hardy_weinberg", "fisher", r"\frac{2nm}{p(1-p)}"),
    ("multinomial", "fisher", {"p1": r"m\left(\frac{1}{p_1} + \frac{1}{p_3}\right)",
                               "p1,p2": r"\frac{m}{1-p_1-p_2}"}),
    ("hardy_weinberg", "standard_error", r"\sqrt{\frac{\hat p(1-\hat p)}{2nm}}"),
    ("hardy_weinberg", "standard_error", r"\operatorname{Var}(\hat p) = \frac{p(1-p)}{2nm}"),
    ("multinomial", "standard_error", {"p3": r"\sqrt{\frac{p_3(1-p_3)}{nm}}"}),
]
VECTOR_WRONG = [
    ("hardy_weinberg", "mle", r"\hat p = \frac{\sum_i x_{1i}}{nm}"),
    ("hardy_weinberg", "log_likelihood", r"\ell(p) = \sum_i x_{1i}\log p + \sum_i x_{2i}"
                                         r"\log(2p(1-p)) + \sum_i x_{3i}\log(1-p)"),
    ("multinomial", "mle", r"\hat p_1 = \frac{\sum_i x_{1i}}{n}"),
    ("multinomial", "log_likelihood", r"\sum_i x_{1i}\log p_1 + \sum_i x_{2i}\log p_2"),
    ("hardy_weinberg", "score", r"\frac{2\sum_i x_{1i} + \sum_i x_{2i}}{p} + "
                                r"\frac{\sum_i x_{2i} + 2\sum_i x_{3i}}{1-p}"),
    ("multinomial", "score", {"p2": r"\frac{\sum_i x_{2i}}{p_1}"}),
    ("hardy_weinberg", "fisher", r"\frac{m}{p(1-p)}"),
    ("hardy_weinberg", "standard_error", r"\sqrt{\frac{p(1-p)}{nm}}"),
    ("multinomial", "standard_error", {"p3": r"\sqrt{\frac{p_3(1-p_3)}{n}}"}),
]


@pytest.mark.parametrize("name, step, claim", VECTOR_RIGHT,
                         ids=[f"{m}-{str(c)[:40]}" for m, _, c in VECTOR_RIGHT])
def test_vector_models_right_claims(name, step, claim):
    report = symmle.check(name, **{step: claim})
    assert report.steps and report.exit_code == 0
    assert all(v.verdict in CORRECT for v in report.steps.values()), report.to_text()


@pytest.mark.parametrize("name, step, claim", VECTOR_WRONG,
                         ids=[f"{m}-{str(c)[:40]}" for m, _, c in VECTOR_WRONG])
def test_vector_models_wrong_claims_with_a_counterexample(name, step, claim):
    report = symmle.check(name, **{step: claim})
    (v,) = report.steps.values()
    assert v.verdict == "wrong" and report.exit_code == 16
    ce = v.counterexample
    assert ce["n"] == len(ce["sample"]) and ce["claimed"] != pytest.approx(ce["true"])
    assert "counterexample: sample (x1:" in report.to_text()


def test_vector_models_refuse_what_they_do_not_judge_naming_what_is_judged():
    with pytest.raises(symmle.errors.UnsupportedModelError,
                       match=r"judges the log-likelihood, the score, the MLE"):
        symmle.check("hardy_weinberg", g={"p**2": "x"})
    with pytest.raises(symmle.errors.UnsupportedModelError, match=r"entry by entry"):
        symmle.check("multinomial", fisher="[[1, 0], [0, 1]]")


def test_vector_claims_still_refuse_other_commands_with_their_position():
    claim = r"\frac{\sum_i x_{1i}}{nm}\input{x}"
    with pytest.raises(ParseError, match="is not supported") as info:
        symmle.check("hardy_weinberg", mle=claim)
    assert claim[info.value.position:].startswith("\\input")


def _value_of(expr, rows, d, m):
    from symmle.check_vector import _value
    return _value(expr, [tuple(r) for r in rows], d, {d.model.known[0]: m})


def test_vector_mles_agree_with_scipy_on_simulated_data():
    """symmle's MLEs, the truth the verdicts above rest on, against SciPy maximising the
    multinomial log-likelihood of simulated counts (p₃ = 1 − p₁ − p₂; p², 2p(1 − p), (1 − p)²
    for Hardy–Weinberg)."""
    rng = np.random.default_rng(5)
    m = 10
    counts = rng.multinomial(m, [0.2, 0.5, 0.3], size=200)
    d = symmle.derive("multinomial")

    def nll(t):
        p = np.array([t[0], t[1], 1 - t[0] - t[1]])
        return np.inf if np.any(p <= 0) else -np.sum(counts @ np.log(p))

    ref = so.minimize(nll, [0.3, 0.3], method="Nelder-Mead",
                      options={"xatol": 1e-10, "fatol": 1e-12})
    ours = [_value_of(d.mle[k], counts, d, m) for k in ("p1", "p2")]
    assert ours == pytest.approx(ref.x, abs=1e-6)

    hw = symmle.derive("hardy_weinberg")
    q = 0.35
    genotypes = rng.multinomial(m, [q**2, 2 * q * (1 - q), (1 - q) ** 2], size=200)
    res = so.minimize_scalar(
        lambda p: -np.sum(genotypes @ np.log([p**2, 2 * p * (1 - p), (1 - p) ** 2])),
        bounds=(1e-6, 1 - 1e-6), method="bounded", options={"xatol": 1e-12})
    assert _value_of(hw.mle["p"], genotypes, hw, m) == pytest.approx(res.x, abs=1e-6)


def test_the_observation_under_another_letter_is_read_as_the_sample():
    """Σ k_i for a Poisson sample (the model's x): k is the observation in the whole claim,
    right and wrong claims judged as with x_i; x_i and k_i in one claim, or another letter in
    a regression (whose x is a covariate), are refused naming the letter to use."""
    right = symmle.check("poisson", mle=r"\hat\lambda_{ML} = \frac{1}{N}\sum_{i=1}^N k_i",
                         log_likelihood=r"l(\lambda) = -\sum_{i=1}^N \ln(k_i!) - N\lambda + "
                                        r"(\ln\lambda)\sum_{i=1}^N k_i")
    assert right.all_correct, right.to_text()
    wrong = symmle.check("poisson", mle=r"\frac{1}{N-1}\sum_{i=1}^N k_i").steps["mle"]
    assert (wrong.verdict, wrong.slip) == ("wrong", "1/(n-1) for 1/n")
    with pytest.raises(ParseError, match=r"writes the observations both as x_i and k_i"):
        symmle.check("poisson", mle=r"\frac{1}{n}\sum_i x_i + \sum_i k_i")
    with pytest.raises(ParseError, match=r"z_i is not an observation of this model: its "
                                         r"observations are written y_i"):
        symmle.check("linear_regression", mle={"b1": r"\frac{\sum_i z_i y_i}{n}"})


def test_vector_standard_error_matches_the_curvature_of_the_log_likelihood():
    """se(p̂) = √(p(1 − p)/(2nm)) for Hardy–Weinberg at p̂, the truth the verdicts above rest
    on, against 1/√(−ℓ''(p̂)) from central differences of SciPy's multinomial log-pmf."""
    rng = np.random.default_rng(9)
    m, q = 10, 0.35
    x = rng.multinomial(m, [q**2, 2 * q * (1 - q), (1 - q) ** 2], size=300)
    d = symmle.derive("hardy_weinberg")
    p_hat = _value_of(d.mle["p"], x, d, m)

    def ll(p):
        return float(np.sum(st.multinomial.logpmf(x, m, [p**2, 2 * p * (1 - p), (1 - p) ** 2])))

    h = 1e-4
    curvature = -(ll(p_hat + h) - 2 * ll(p_hat) + ll(p_hat - h)) / h**2
    se = d.standard_errors["p"].xreplace({d.model.params[0]: p_hat})
    assert _value_of(se, x, d, m) == pytest.approx(1 / np.sqrt(curvature), rel=1e-4)


# --- a known constant written as a subscript of the observation's letter ---------------------
PARETO_X0 = ("theta*x0**theta*x**(-theta-1)",
             dict(params={"theta": "positive"}, known={"x0": "positive"}, support="x > x0"))


@pytest.mark.parametrize("claim, right", [
    (r"\hat\theta = \frac{n}{\sum_{i=1}^n \log(x_i/x_0)}", True),
    (r"\hat\theta = \frac{n}{\sum_{i=1}^n \ln x_i - n\ln x_0}", True),
    (r"\hat\theta = \frac{n}{\sum_{i=1}^n \log x_i - \log x_0}", False),
    (r"\hat\theta = \frac{n}{\sum_{i=1}^n \log(x_i/x_{(1)})}", False),
])
def test_a_known_constant_x0_is_not_a_subscript_of_the_observation(claim, right):
    """Rice's Pareto with known scale x₀: ``x_0`` is the constant x0 (it was refused as "unknown
    subscript '0' of the observation x"); ``x_{(1)}`` is still the sample minimum."""
    model, options = PARETO_X0
    report = symmle.check(model, mle=claim, **options)
    assert (report.steps["mle"].verdict in CORRECT) is right, report.steps["mle"]


def test_the_truth_of_the_pareto_with_known_scale():
    rng = np.random.default_rng(12)
    x0, x = 1.5, (st.pareto.rvs(2.5, size=400, random_state=rng) * 1.5)
    best = so.minimize_scalar(lambda t: -np.sum(st.pareto.logpdf(x / x0, t) - np.log(x0)),
                              bounds=(0.01, 50), method="bounded", options={"xatol": 1e-10})
    fitted = symmle.fit(PARETO_X0[0], x, known_values={"x0": x0}, **PARETO_X0[1])
    assert fitted.estimates["theta"] == pytest.approx(best.x, rel=1e-6)
    assert fitted.estimates["theta"] == pytest.approx(x.size / np.log(x / x0).sum(), rel=1e-12)
