"""Issue 5: checking a person's own derivation, step by step.

Over 40 claimed steps across the catalog and the hard cases (a moving support, a parameter
space with an end, σ versus σ²), half right in another form than symmle's, half wrong in the
known ways, each with its expected verdict and slip; the numeric cross-check verified against
SciPy's optimiser; hostile claims; the command line, its file form and its exit codes.
"""
from __future__ import annotations

import functools
import json
import math
import time

import numpy as np
import pytest
import sympy as sp

import symmle
from symmle import cli
from symmle.check import CORRECT_VERDICTS, check
from symmle.claims import parse_claim
from symmle.errors import ClaimUndetermined, ClaimWrong, ParseError, SymmleError

BOUNDED_NORMAL = ("exp(-(x-mu)**2/2)/sqrt(2*pi)",
                  (("params", (("mu", "[0, oo)"),)), ("support", "-oo < x < oo")))
BOUNDED_EXP = ("theta*exp(-theta*x)", (("params", (("theta", "(0, 2]"),)), ("support", "x > 0")))
POWER = ("theta*x**(theta-1)", (("support", "0 < x < 1"),))


@functools.lru_cache(maxsize=None)
def _derivation(model: str, options: tuple) -> symmle.Derivation:
    kwargs = {k: dict(v) if isinstance(v, tuple) else v for k, v in options}
    return symmle.derive(model, **kwargs)


def run(model, **claims):
    options = ()
    if isinstance(model, tuple):
        model, options = model
    kwargs = {k: dict(v) if isinstance(v, tuple) else v for k, v in options}
    return check(model, derivation=_derivation(model, options), **claims, **kwargs)


# (model, step, claim, expected verdict); the step is the keyword of check and, for a model with
# several parameters, the parameter: ("mle", "sigma2").
RIGHT = [
    ("exponential", "mle", r"\hat\lambda = \frac{1}{\bar{x}}", "correct"),
    ("exponential", "score", r"\frac{n}{\lambda} - n\bar{x}", "correct"),
    ("exponential", "log_likelihood", r"\log\prod_{i=1}^{n} \lambda e^{-\lambda x_i}",
     "equivalent"),
    ("exponential", "fisher", r"\frac{n}{\lambda^2}", "correct"),
    ("normal", ("mle", "sigma2"), r"\frac{1}{n}\sum_{i=1}^{n}(x_i-\bar{x})^2", "equivalent"),
    ("normal", ("mle", "sigma2"), r"\frac{1}{n}\sum_i x_i^2 - \bar{x}^2", "equivalent"),
    ("normal", ("mle", "mu"), "Sum(x[i], (i, 1, n))/n", "correct"),
    ("normal", "log_likelihood", r"-\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}"
     r"\sum_{i=1}^n (x_i-\mu)^2", "equivalent"),
    ("normal", "log_likelihood", r"-\frac{n}{2}\log\sigma^2 - \frac{\sum_i (x_i-\mu)^2}"
     r"{2\sigma^2}", "correct_up_to_constant"),
    ("normal", ("score", "mu"), r"\frac{n(\bar{x} - \mu)}{\sigma^2}", "equivalent"),
    ("normal", ("fisher", "sigma2"), r"\frac{n}{2\sigma^4}", "correct"),
    ("poisson", "log_likelihood", r"\log\lambda \sum_{i=1}^n x_i - n\lambda - "
     r"\sum_{i=1}^n \log(x_i!)", "equivalent"),
    ("poisson", "log_likelihood", r"\sum_i x_i \ln\lambda - n\lambda",
     "correct_up_to_constant"),
    ("poisson", "mle", r"\bar{x}", "correct"),
    ("bernoulli", "score", r"\frac{\sum x_i}{p} - \frac{n - \sum x_i}{1-p}", "equivalent"),
    ("bernoulli", "fisher", r"\frac{1}{p(1-p)}", "equivalent"),
    ("geometric", "mle", r"1/\overline{x}", "correct"),
    ("geometric_failures", "mle", r"\frac{1}{1+\bar{x}}", "equivalent"),
    ("binomial", "mle", r"\frac{\bar x}{m}", "correct"),
    ("uniform", "mle", r"x_{(n)}", "correct"),
    ("uniform", "mle", r"\max_{1 \le i \le n} x_i", "correct"),
    ("uniform", "log_likelihood", r"-n\log\theta", "correct"),
    ("shifted_exponential", "mle", r"\min_i x_i", "correct"),
    ("uniform_ab", ("mle", "b"), r"\max\{x_1, \dots, x_n\}", "correct"),
    ("pareto", ("mle", "alpha"), r"\frac{n}{\sum_{i=1}^n \log(x_i / x_{(1)})}", "equivalent"),
    (POWER, "mle", r"-\frac{n}{\sum_{i=1}^n \log x_i}", "correct"),
    ("power", "score", r"\frac{n}{\theta} + \sum_{i=1}^n \ln x_i", "correct"),
    ("rayleigh", "mle", r"\sqrt{\frac{1}{2n}\sum_{i=1}^n x_i^2}", "correct"),
    ("half_normal", "mle", r"\sqrt{\frac{\sum x_i^2}{n}}", "correct"),
    ("exponential_scale", "fisher", "1/theta^2", "correct"),
    ("gamma_rate", "mle", r"\frac{\alpha}{\bar{x}}", "correct"),
    ("lognormal", ("mle", "mu"), r"\frac{1}{n}\sum_{i=1}^n \ln x_i", "correct"),
    ("laplace_scale", "mle", "sum(abs(x_i - mu))/n", "correct"),
    ("weibull_scale", "mle", r"\left(\frac{1}{n}\sum_{i=1}^n x_i^k\right)^{1/k}", "correct"),
    ("negative_binomial", "mle", r"\frac{r}{r + \bar{x}}", "equivalent"),
    (BOUNDED_NORMAL, "mle", r"\max(\bar{x}, 0)", "equivalent"),
    ("pareto", ("mle", "alpha"), r"\frac{n}{\sum_i \log x_i - n\log \hat{x}_m}", "equivalent"),
    ("gamma", ("mle", "beta"), r"\hat\beta = \frac{\hat\alpha}{\bar{x}}", "correct"),
]

WRONG = [  # (model, step, claim, expected slip or None)
    ("poisson", "mle", r"\hat\lambda = \frac{\sum_{i=1}^n x_i}{n-1}", "1/(n-1) for 1/n"),
    ("normal", ("mle", "sigma2"), r"\frac{1}{n-1}\sum_{i=1}^n (x_i-\bar x)^2",
     "1/(n-1) for 1/n"),
    ("exponential", "mle", r"\frac{n-1}{\sum_i x_i}", "1/(n-1) for 1/n"),
    ("exponential_scale", "mle", r"\frac{\sum x_i}{n-1}", "1/(n-1) for 1/n"),
    ("geometric", "mle", r"\frac{n-1}{\sum_{i=1}^n x_i}", "1/(n-1) for 1/n"),
    ("exponential", "score", r"\sum_i x_i - \frac{n}{\lambda}", "a sign"),
    ("normal", ("score", "mu"), r"\frac{\sum_i(\mu - x_i)}{\sigma^2}", "a sign"),
    ("bernoulli", "score", r"\frac{\sum x_i}{p} + \frac{n-\sum x_i}{1-p}", "a sign"),
    ("power", "score", r"\frac{n}{\theta} - \sum_{i=1}^n \log x_i", "a sign"),
    ("exponential", "log_likelihood", r"n\log\lambda + \lambda\sum x_i", "a sign"),
    ("poisson", "log_likelihood", r"\log\lambda\sum x_i - \lambda", "a dropped factor n"),
    ("exponential", "score", r"\frac{1}{\lambda} - \sum_i x_i", "a dropped factor n"),
    ("exponential", "fisher", r"\frac{1}{n\lambda^2}", "a dropped factor n"),
    ("uniform", "log_likelihood", r"-\log\theta", "a dropped factor n"),
    ("normal", ("score", "sigma2"), r"-\frac{n}{\sigma} + \frac{1}{\sigma^3}"
     r"\sum_{i=1}^n (x_i-\mu)^2", "the chain rule in σ versus σ²"),
    ("normal", ("fisher", "sigma2"), r"\frac{2}{\sigma^2}", "the chain rule in σ versus σ²"),
    ("normal", ("mle", "sigma2"), r"\sqrt{\frac{1}{n}\sum_i (x_i-\bar{x})^2}",
     "the chain rule in σ versus σ²"),
    ("uniform", "mle", r"2\bar{x}", "the score set to zero on a support-dependent model"),
    ("shifted_exponential", "mle", r"\bar{x} - 1",
     "the score set to zero on a support-dependent model"),
    ("discrete_uniform", "mle", r"2\bar{x} - 1",
     "the score set to zero on a support-dependent model"),
    (BOUNDED_NORMAL, "mle", r"\bar{x}", "missing boundary case"),
    (BOUNDED_EXP, "mle", r"1/\bar{x}", "missing boundary case"),
    ("bernoulli", "mle", r"\frac{1}{1 + (n - \sum x_i)/\sum x_i}", "missing boundary case"),
    ("binomial", "mle", r"\bar{x}", "a wrong constant factor"),  # the factor m
    ("rayleigh", "mle", r"\sqrt{\frac{1}{n}\sum x_i^2}", None),
    ("poisson", "fisher", r"\lambda", None),
]


def _claims(model, step, claim):
    if isinstance(step, tuple):
        kind, param = step
        return {kind: {param: claim}}
    return {step: claim}


def _key(model, step):
    return f"{step[0]}.{step[1]}" if isinstance(step, tuple) else step


def test_the_corpus_is_large_enough():
    assert len(RIGHT) >= 20 and len(WRONG) >= 20 and len(RIGHT) + len(WRONG) >= 40
    assert {s for *_, s in WRONG} >= {"1/(n-1) for 1/n", "a sign", "a dropped factor n",
                                      "the chain rule in σ versus σ²", "missing boundary case",
                                      "the score set to zero on a support-dependent model"}


@pytest.mark.parametrize("model,step,claim,verdict", RIGHT,
                         ids=[f"{m if isinstance(m, str) else m[0][:12]}-{c[:30]}"
                              for m, _, c, _ in RIGHT])
def test_right_claims(model, step, claim, verdict):
    report = run(model, **_claims(model, step, claim))
    v = report.steps[_key(model, step)]
    assert (v.verdict, v.slip) == (verdict, None), v.message
    assert v.counterexample is None
    assert report.all_correct and report.exit_code == 0


@pytest.mark.parametrize("model,step,claim,slip", WRONG,
                         ids=[f"{m if isinstance(m, str) else m[0][:12]}-{c[:30]}"
                              for m, _, c, _ in WRONG])
def test_wrong_claims(model, step, claim, slip):
    report = run(model, **_claims(model, step, claim))
    v = report.steps[_key(model, step)]
    assert (v.verdict, v.slip) == ("wrong", slip), v.message
    assert report.first_wrong == _key(model, step) and report.exit_code == ClaimWrong.exit_code
    ce = v.counterexample
    assert ce is not None and ce["n"] == len(ce["sample"])
    assert ce["claimed"] != ce["true"]  # both shown (None where undefined)
    assert "yours" in v.message or "your" in v.message


def test_counterexample_values_are_the_claim_and_the_truth_at_that_sample():
    report = run("poisson", mle=r"\frac{\sum x_i}{n-1}")
    ce = report.steps["mle"].counterexample
    x = np.array(ce["sample"])
    assert ce["claimed"] == pytest.approx(x.sum() / (x.size - 1), rel=1e-5)
    assert ce["true"] == pytest.approx(x.mean(), rel=1e-5)


def test_first_wrong_step_and_later_steps_that_follow_from_it():
    report = run("exponential", log_likelihood=r"\log\lambda - \lambda\sum_i x_i",
                 score=r"\frac{1}{\lambda} - \sum_i x_i", mle=r"\frac{1}{\sum_i x_i}")
    assert report.first_wrong == "log_likelihood"
    assert [v.verdict for v in report.steps.values()] == ["wrong"] * 3
    assert "derivative of your log-likelihood" in report.steps["score"].follows
    assert "solves your score equation" in report.steps["mle"].follows


def test_fisher_information_per_observation_or_for_n():
    per = run("exponential", fisher=r"\lambda^{-2}").steps["fisher"]
    total = run("exponential", fisher=r"n/\lambda^2").steps["fisher"]
    assert per.verdict == total.verdict == "correct"
    assert "per observation" in per.message and "for the n observations" in total.message


def test_no_truth_to_compare_with_is_undetermined_not_right():
    report = run("uniform", fisher=r"n/\theta^2")
    assert report.steps["fisher"].verdict == "undetermined"
    assert report.exit_code == ClaimUndetermined.exit_code


def test_no_closed_form_is_decided_against_the_numeric_fit():
    right = run("gamma", mle={"beta": r"\frac{\hat\alpha}{\bar{x}}"}).steps["mle.beta"]
    assert right.verdict == "correct" and "decided numerically" in right.message
    wrong = run("gamma", mle={"alpha": r"\bar{x}^2"}).steps["mle.alpha"]
    assert wrong.verdict == "wrong" and wrong.counterexample["true"] > 0
    assert run("zero_truncated_poisson", mle=r"\bar{x}").steps["mle"].verdict == "wrong"


def test_numeric_only_decision_is_said_plainly():
    v = run(BOUNDED_NORMAL, mle=r"\max(\bar{x}, 0)").steps["mle"]
    assert v.decided_by == "numeric" and "decided numerically" in v.message


def _at_sample(expr: sp.Expr, x: np.ndarray) -> float:
    """Evaluate a parsed claim on a sample without symmle's evaluator: expand the sums."""
    n = sp.Symbol("n", integer=True, positive=True)
    e = expr.subs(n, len(x)).doit()
    base = sp.IndexedBase("x")
    return float(e.subs({base[k + 1]: float(v) for k, v in enumerate(x)}))


@pytest.mark.parametrize("model,claim,dist,start", [
    ("exponential", r"\frac{1}{\bar{x}}", lambda r: r.exponential(0.5, 30), [1.0]),
    ("exponential", r"\frac{n-1}{\sum x_i}", lambda r: r.exponential(0.5, 30), [1.0]),
    ("poisson", r"\bar{x}", lambda r: r.poisson(3.0, 30).astype(float), [1.0]),
    ("rayleigh", r"\sqrt{\frac{1}{n}\sum x_i^2}", lambda r: r.rayleigh(2.0, 30), [1.0]),
])
def test_verdict_agrees_with_scipy_optimiser(model, claim, dist, start):
    """The independent check: maximise the log-likelihood with SciPy on a simulated sample and
    compare with the claim evaluated by expanding the sums; the verdict must agree."""
    optimize = pytest.importorskip("scipy.optimize")
    d = _derivation(model, ())
    x = dist(np.random.default_rng(3))
    (p,) = d.model.params
    logf = sp.lambdify([d.model.var, p], sp.expand_log(sp.log(d.model.density), force=True),
                       modules=["scipy", "numpy"])

    def nll(v):
        return -np.sum(logf(x, v[0])) if v[0] > 0 else np.inf

    best = optimize.minimize(nll, start, method="Nelder-Mead",
                             options={"xatol": 1e-10, "fatol": 1e-12}).x[0]
    claimed = _at_sample(parse_claim(claim, [p], d.model.var), x)
    agrees = math.isclose(claimed, best, rel_tol=1e-5)
    verdict = run(model, mle=claim).steps["mle"].verdict
    assert (verdict in CORRECT_VERDICTS) == agrees, (claimed, best, verdict)


def test_time_per_check():
    run("normal", mle={"mu": "xbar"})  # warm
    started = time.process_time()  # CPU time: the wall clock of a shared machine is its load
    report = run("normal", log_likelihood=r"-\frac{n}{2}\log\sigma^2 - \frac{1}{2\sigma^2}"
                 r"\sum(x_i-\mu)^2", mle={"mu": r"\bar x", "sigma2": r"\frac1n\sum x_i^2 - "
                                          r"\bar x^2"}, fisher={"mu": "1/sigma2"})
    assert time.process_time() - started < 10
    assert report.points >= 10 and report.all_correct


# --- hostile claims ---------------------------------------------------------------------------
HOSTILE = [
    "__import__('os').system('touch CANARY')",
    "exec(\"open('CANARY','w')\")",
    "eval('1')",
    "lambda: 1",
    r"\input{/etc/passwd}",
    r"\include{CANARY}",
    r"\write18{touch CANARY}",
    r"\immediate\write18{touch CANARY}",
    r"\def\x{1}\x",
    r"\catcode`\^=7",
    r"\csname foo\endcsname",
    r"\openout1=CANARY",
    "{" * 100_000,
    "(" * 100_000,
    "x" * 1_000_000,
    r"\frac{" * 5000,
    "ехр(1)",          # Cyrillic look-alikes
    "sum(х_i)/n",      # Cyrillic x
    "1/ｘbar",          # full-width x
    "\u202e1/xbar",    # right-to-left override
    "x_i",             # an observation outside a sum
    "1/0",
    "",
    "$$",
    "\\",
    r"\sum_{j=0}^{m} x_j",
    r"\frac{1}{",
    r"\left( \bar x",
    "x[__class__]",
    "xbar.__class__",
    "().__class__.__bases__[0]",
    "getattr(xbar, 'x')",
    "10**10**10",
    "factorial(10**9)",
    r"\bar{\theta}",
    "\x00",
    "%s%s%s",
    r"\theta = \catcode`\^=7",
    r"\write18{rm} = 1/\bar x",
]


@pytest.mark.parametrize("claim", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_claims_give_a_clean_error(claim, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    started = time.process_time()
    with pytest.raises(SymmleError) as info:
        run("exponential", mle=claim)
    assert isinstance(info.value, (ParseError, symmle.errors.ModelSpecError))
    status = cli.main(["check", "exponential", "--mle", claim, "--format", "json"])
    out = capsys.readouterr()
    assert status in (2, 10) and "Traceback" not in out.err
    assert json.loads(out.out)["error"]["type"] in ("ParseError", "UnknownNameError")
    assert not (tmp_path / "CANARY").exists()
    assert time.process_time() - started < 5


@pytest.mark.parametrize("bad", [r"\input{x}", "__import__('os')", "{" * 100_000])
def test_hostile_claims_in_every_step(bad):
    for step in ("log_likelihood", "score", "fisher"):
        with pytest.raises(ParseError):
            run("exponential", **{step: bad})


# --- the command line -------------------------------------------------------------------------
def test_cli_exit_codes(capsys):
    assert cli.main(["check", "exponential", "--mle", r"1/\bar{x}"]) == 0
    assert cli.main(["check", "exponential", "--mle", r"(n-1)/\sum x_i"]) == 16
    assert cli.main(["check", "uniform", "--fisher", "1/theta^2"]) == 17
    assert cli.main(["check", "exponential"]) == 2
    assert cli.main(["check", "normal", "--mle", "xbar"]) == 3  # which parameter?
    capsys.readouterr()


def test_cli_json_keys(capsys):
    status = cli.main(["check", "normal", "--mle", "mu=xbar", "--mle",
                       r"sigma2=\frac{1}{n-1}\sum (x_i-\bar x)^2", "--score",
                       r"mu=-\frac{n}{\sigma^2}(\bar x-\mu)", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 16
    assert set(data["steps"]) == {"score.mu", "mle.mu", "mle.sigma2"}
    for v in data["steps"].values():
        assert {"verdict", "message", "counterexample"} <= set(v)
    assert data["first_wrong"] == "score.mu"
    assert data["steps"]["score.mu"]["slip"] == "a sign"
    assert data["steps"]["mle.mu"]["counterexample"] is None


def test_cli_markdown_and_latex(capsys, tmp_path):
    assert cli.main(["check", "poisson", "--mle", r"\frac{\sum x_i}{n-1}", "--format", "md"]) == 16
    md = capsys.readouterr().out
    assert "### MLE: WRONG" in md and "Most likely slip: **1/(n-1) for 1/n**" in md
    out = tmp_path / "c.tex"
    assert cli.main(["check", "poisson", "--mle", r"\bar x", "--format", "latex", "--standalone",
                     "-o", str(out)]) == 0
    tex = out.read_text()
    assert tex.startswith("\\documentclass") and "\\paragraph{MLE: right}" in tex


@pytest.mark.parametrize("suffix,content", [
    (".toml", 'model = "normal"\n[claims]\nmle = {mu = \'\\bar x\', sigma2 = '
              '\'\\frac{1}{n-1}\\sum_i (x_i-\\bar x)^2\'}\n'),
    (".yaml", 'model: normal\nclaims:\n  mle:\n    mu: \'\\bar x\'\n    sigma2: '
              '\'\\frac{1}{n-1}\\sum_i (x_i-\\bar x)^2\'\n'),
    (".json", json.dumps({"model": "normal", "claims": {"mle": {
        "mu": r"\bar x", "sigma2": r"\frac{1}{n-1}\sum_i (x_i-\bar x)^2"}}})),
])
def test_cli_file_form(suffix, content, tmp_path, capsys):
    if suffix == ".yaml":
        pytest.importorskip("yaml")
    path = tmp_path / f"claims{suffix}"
    path.write_text(content)
    assert cli.main(["check", str(path), "--format", "json"]) == 16
    data = json.loads(capsys.readouterr().out)
    assert data["steps"]["mle.mu"]["verdict"] == "correct"
    assert data["steps"]["mle.sigma2"]["slip"] == "1/(n-1) for 1/n"


def test_cli_file_form_with_a_density(tmp_path, capsys):
    path = tmp_path / "hw.toml"
    path.write_text('model = "theta*x**(theta-1)"\nsupport = "0 < x < 1"\n'
                    'params = ["theta:positive"]\n[claims]\n'
                    "mle = '-n/\\sum_i \\log x_i'\nscore = 'n/theta + sum(log(x_i))'\n")
    assert cli.main(["check", str(path)]) == 0
    assert "All claimed steps are right." in capsys.readouterr().out


@pytest.mark.parametrize("content", ["model = ", "[claims]\nmle = 'x'\n",
                                     'model = "poisson"\nrun = "rm -rf /"\n',
                                     'model = "poisson"\n[claims]\nmle = 3\n'])
def test_cli_bad_files(content, tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    assert cli.main(["check", str(path)]) in (2, 16)
    assert "Traceback" not in capsys.readouterr().err


# --- rendering ----------------------------------------------------------------------------------
def test_latex_report_compiles_with_pdflatex(tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (.ci/run installs it)")
    report = run("normal", log_likelihood=r"-\frac{n}{2}\log\sigma^2 - \frac{1}{2\sigma^2}"
                 r"\sum(x_i-\mu)^2", score={"sigma2": r"-\frac{n}{\sigma} + \frac{1}{\sigma^3}"
                                            r"\sum (x_i-\mu)^2"},
                 mle={"mu": r"\bar x", "sigma2": r"\frac{1}{n-1}\sum (x_i-\bar x)^2"})
    (tmp_path / "check.tex").write_text(report.to_latex(standalone=True), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "check.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]


def test_markdown_report_escapes_text_and_marks_the_first_wrong_step():
    report = run("uniform", mle=r"2\bar{x}", log_likelihood=r"-n\log\theta")
    md = report.to_markdown()
    assert "### MLE: WRONG (the first wrong step)" in md
    assert "support\\-dependent" in md or "support-dependent" in md
    assert md.count("$") % 2 == 0
    assert report.to_text().splitlines()[-1] == "First wrong step: MLE."


@pytest.mark.parametrize("claim", [r"\sum_i (x_i+\lambda)^{2000}", r"(\sum_i x_i + \lambda)^{2000}",
                                   "exp(exp(exp(sum(x_i))))", r"\sum_i\sum_i\sum_i x_i"])
def test_expensive_claims_are_bounded(claim):
    # CPU time, as the bounds count it: the wall clock on a shared machine measures the load
    started = time.process_time()
    report = run("exponential", mle=claim, log_likelihood=claim)
    assert {v.verdict for v in report.steps.values()} == {"wrong"}
    assert time.process_time() - started < 20


# --- the Fisher information as a matrix ----------------------------------------------------------
NORMAL_I = "[[1/sigma2, 0], [0, 1/(2*sigma2^2)]]"
NORMAL_I_TEX = (r"I(\mu, \sigma^2) = \begin{pmatrix} \frac{1}{\sigma^2} & 0 \\ "
                r"0 & \frac{1}{2\sigma^4} \end{pmatrix}")
ENTRIES = ["mu,mu", "mu,sigma2", "sigma2,mu", "sigma2,sigma2"]


@pytest.mark.parametrize("claim,scale", [
    (NORMAL_I, "per observation"),
    ("[[n/sigma2, 0], [0, n/(2*sigma2**2)]]", "for the n observations"),
    ([["1/sigma2", 0], [0, "1/(2*sigma2^2)"]], "per observation"),
    (NORMAL_I_TEX, "per observation"),
    (r"$\begin{bmatrix} 1/\sigma^2 & 0 \\ 0 & \frac{1}{2(\sigma^2)^2} \\ \end{bmatrix}$",
     "per observation"),
])
def test_fisher_matrix_right(claim, scale):
    report = run("normal", fisher=claim)
    v = report.steps["fisher"]
    assert list(report.steps) == ["fisher"] and v.verdict in CORRECT_VERDICTS
    assert scale in v.message and "in the order mu, sigma2" in v.message
    assert [e.entry for e in v.entries] == [("mu", "mu"), ("mu", "sigma2"), ("sigma2", "mu"),
                                            ("sigma2", "sigma2")]
    assert all(e.correct for e in v.entries) and report.exit_code == 0
    assert v.truth == sp.Matrix(2, 2, lambda j, c: (1 if scale == "per observation" else
                                                     sp.Symbol("n", integer=True, positive=True))
                                * _derivation("normal", ()).fisher_information[j, c])


def test_fisher_matrix_wrong_off_diagonal_names_the_entry():
    report = run("normal", fisher="[[1/sigma2, 1/sigma2], [1/sigma2, 1/(2*sigma2^2)]]")
    v = report.steps["fisher"]
    assert v.verdict == "wrong" and report.first_wrong == "fisher"
    assert v.first_wrong_entry.entry == ("mu", "sigma2")
    assert "the first wrong entry is (mu, sigma2), row 1, column 2" in v.message
    assert v.counterexample["entry"] == ["mu", "sigma2"] and v.counterexample["true"] == 0
    assert v.counterexample["claimed"] == pytest.approx(1 / v.counterexample["parameters"]
                                                        ["sigma2"])
    assert [e.verdict for e in v.entries] == ["correct", "wrong", "wrong", "correct"]
    assert report.exit_code == ClaimWrong.exit_code
    assert report.to_text().splitlines()[-1] == \
        "First wrong step: Fisher information matrix, entry (mu, sigma2)."


def test_fisher_off_diagonal_entries_are_symmetric():
    for claim in ("mu,sigma2=0", "sigma2,mu=0", r"\mu, \sigma^2 = 0"):
        v = run("normal", fisher=claim).steps["fisher.mu,sigma2"]
        assert v.verdict == "correct" and v.entry == ("mu", "sigma2")
    report = run("normal", fisher={"mu": "1/sigma2", "sigma2,mu": "1/sigma2"})
    assert list(report.steps) == ["fisher.mu", "fisher.mu,sigma2"]
    assert report.steps["fisher.mu"].verdict == "correct"
    wrong = report.steps["fisher.mu,sigma2"]
    assert wrong.verdict == "wrong" and "entry (mu, sigma2)" in wrong.message
    with pytest.raises(symmle.errors.ModelSpecError, match="given twice"):
        run("normal", fisher={"mu,sigma2": "0", "sigma2,mu": "0"})


@pytest.mark.parametrize("claim,entry", [
    ("[[n/sigma2, 0], [0, 1/(2*sigma2^2)]]", ("mu", "mu")),  # one n among per-observation
    ("[[1/sigma2, 0], [0, n/(2*sigma2^2)]]", ("sigma2", "sigma2")),
    ("[[polygamma(1, alpha), -1/beta], [-1/beta, alpha/beta^2]]".replace("alpha/", "n*alpha/"),
     ("beta", "beta")),
])
def test_fisher_matrix_mixing_n_is_a_dropped_factor_n(claim, entry):
    model = "gamma" if "alpha" in claim else "normal"
    v = run(model, fisher=claim).steps["fisher"]
    assert v.verdict == "wrong" and v.first_wrong_entry.entry == entry
    assert v.slip == "a dropped factor n" and "throughout" in v.message


@pytest.mark.parametrize("claims, wrong", [
    # entries claimed one by one are held to one scale, as the entries of a matrix are
    ({"mu": "1/sigma2", "sigma2": "n/(2*sigma2^2)"}, "fisher.sigma2"),
    ({"mu": "n/sigma2", "sigma2": "n/(2*sigma2^2)", "mu,sigma2": "0",
      "sigma2,mu": None}, None),
    # a tie (a zero entry counts for neither): per observation, as for a matrix
    ({"mu": "n/sigma2", "mu,sigma2": "0", "sigma2": "1/(2*sigma2^2)"}, "fisher.mu"),
    ({"alpha": "n*polygamma(1, alpha)", "alpha,beta": "-n/beta", "beta": "alpha/beta^2"},
     "fisher.beta"),
])
def test_fisher_entries_claimed_one_by_one_are_on_one_scale(claims, wrong):
    model = "gamma" if "alpha" in claims else "normal"
    r = run(model, fisher={k: v for k, v in claims.items() if v is not None})
    verdicts = {k: v for k, v in r.steps.items() if k.startswith("fisher")}
    assert len(verdicts) == len([v for v in claims.values() if v is not None])
    if wrong is None:
        assert all(v.correct for v in verdicts.values()), verdicts
        return
    v = verdicts[wrong]
    assert v.verdict == "wrong" and v.slip == "a dropped factor n"
    assert "your other entries are" in v.message
    assert all(u.correct for k, u in verdicts.items() if k != wrong)
    assert r.first_wrong == wrong


def test_fisher_matrix_total_information_missing_an_n():
    claim = "[[n*polygamma(1, alpha), -n/beta], [-n/beta, alpha/beta^2]]"
    v = run("gamma", fisher=claim).steps["fisher"]
    assert v.verdict == "wrong" and v.first_wrong_entry.entry == ("beta", "beta")
    assert v.slip == "a dropped factor n" and "for the n observations" in v.message


def test_fisher_matrix_in_another_parameter_order():
    v = run("normal", fisher="[[1/(2*sigma2^2), 0], [0, 1/sigma2]]").steps["fisher"]
    assert v.verdict == "wrong" and v.slip == "the parameters in another order"
    assert "in the order sigma2, mu" in v.message


def test_fisher_matrix_entry_slip_and_symmetry():
    v = run("gamma", fisher="[[polygamma(1, alpha), 1/beta], [-1/beta, alpha/beta^2]]"
            ).steps["fisher"]
    assert v.first_wrong_entry.entry == ("alpha", "beta") and v.slip == "a sign"
    assert "not symmetric" in v.message


@pytest.mark.parametrize("claim,shape", [
    ("[[1/sigma2]]", "1×1"),
    ("[[1, 0, 0], [0, 1, 0]]", "2×3"),
    ([["1", "0", "0"], ["0", "1", "0"], ["0", "0", "1"]], "3×3"),
    (r"\begin{pmatrix} 1 & 0 \end{pmatrix}", "1×2"),
])
def test_fisher_matrix_wrong_shape(claim, shape):
    with pytest.raises(symmle.errors.ModelSpecError,
                       match=rf"2×2 matrix, rows and columns in the order of its parameters "
                             rf"\(mu, sigma2\); yours is {shape}"):
        run("normal", fisher=claim)


@pytest.mark.parametrize("claim", ["[[1, 0], [0]]", "[[1, 0], 0]", "[[1, ], [0, 1]]",
                                   [["1", None], ["0", "1"]], [["1", True], ["0", "1"]]])
def test_fisher_matrix_malformed(claim):
    with pytest.raises((ParseError, symmle.errors.ModelSpecError)):
        run("normal", fisher=claim)


HOSTILE_MATRICES = [
    r"\begin{pmatrix} 1 & \input{/etc/passwd} \\ 0 & 1 \end{pmatrix}",
    r"\begin{pmatrix} \write18{touch CANARY} & 0 \\ 0 & 1 \end{pmatrix}",
    r"\begin{pmatrix} \def\x{1}\x & 0 \\ 0 & 1 \end{pmatrix}",
    r"\begin{pmatrix} \begin{pmatrix} 1 \end{pmatrix} & 0 \\ 0 & 1 \end{pmatrix}",
    r"\begin{vmatrix} 1 & 0 \\ 0 & 1 \end{vmatrix}",
    r"\begin{verbatim} 1 & 0 \\ 0 & 1 \end{verbatim}",
    r"\begin{pmatrix} 1 & 0 \\ 0 & 1 \end{bmatrix}",
    r"1 + \begin{pmatrix} 1 & 0 \\ 0 & 1 \end{pmatrix}",
    r"\begin{pmatrix} 1 & 0 \\ 0 & 1",
    r"\begin{pmatrix} 1 & \\ 0 & 1 \end{pmatrix}",
    r"\begin{pmatrix} \catcode`\^=7 & 0 \\ 0 & 1 \end{pmatrix}",
    "[[__import__('os').system('touch CANARY'), 0], [0, 1]]",
    "[[1, 0], [0, 1]]" + "]" * 10,
    "[" * 5000,
]


@pytest.mark.parametrize("claim", HOSTILE_MATRICES, ids=range(len(HOSTILE_MATRICES)))
def test_hostile_matrix_claims_are_refused(claim, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    with pytest.raises((ParseError, symmle.errors.ModelSpecError)) as info:
        run("normal", fisher=claim)
    if "\\" in claim and "\\begin{pmatrix} 1 & 0 \\\\ 0 & 1" not in claim:
        assert info.value.position is not None  # the place is named
    status = cli.main(["check", "normal", "--fisher", claim, "--format", "json"])
    out = capsys.readouterr()
    assert status in (2, 3, 10) and "Traceback" not in out.err
    assert json.loads(out.out)["error"]["type"] in ("ParseError", "UnknownNameError",
                                                     "ModelSpecError")
    assert not (tmp_path / "CANARY").exists()


def test_hostile_latex_inside_a_matrix_gives_its_position_in_the_claim():
    claim = r"\begin{pmatrix} 1 & \input{x} \\ 0 & 1 \end{pmatrix}"
    with pytest.raises(ParseError, match=r"'\\input' is not supported at position 20") as info:
        run("normal", fisher=claim)
    assert info.value.position == claim.index(r"\input")


def test_fisher_matrix_one_parameter_and_undetermined():
    assert run("exponential", fisher="[[n/lambda^2]]").steps["fisher"].verdict == "correct"
    report = run("uniform", fisher="[[1/theta^2]]")
    assert report.steps["fisher"].verdict == "undetermined"
    assert report.exit_code == ClaimUndetermined.exit_code


@pytest.mark.parametrize("suffix,content,status", [
    (".toml", 'model = "normal"\n[claims]\nfisher = [["1/sigma2", 0], '
              "[0, '\\frac{1}{2\\sigma^4}']]\n", 0),
    (".toml", 'model = "normal"\n[claims]\nfisher = {mu = "1/sigma2", "mu,sigma2" = "1/sigma2"}\n',
     16),
    (".json", json.dumps({"model": "normal", "claims": {"fisher": {
        "mu": {"mu": "1/sigma2", "sigma2": "0"}, "sigma2": {"sigma2": "1/(2*sigma2^2)"}}}}), 0),
    (".json", json.dumps({"model": "normal", "claims": {"fisher": [["1/sigma2", "0"]]}}), 3),
    (".json", json.dumps({"model": "normal", "claims": {"fisher": [["1", ["0"]], ["0", "1"]]}}),
     2),
])
def test_cli_fisher_file_form(suffix, content, status, tmp_path, capsys):
    path = tmp_path / f"claims{suffix}"
    path.write_text(content)
    assert cli.main(["check", str(path), "--format", "json"]) == status
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    data = json.loads(out.out)
    if status == 0 and "[[" in content.replace(" ", "") or content.startswith("model") and \
            status == 0:
        assert data["steps"]["fisher"]["verdict"] == "correct"
        assert set(data["steps"]["fisher"]["entries"]) == set(ENTRIES)
    if status == 16:
        assert data["first_wrong"] == "fisher.mu,sigma2"
        assert data["steps"]["fisher.mu,sigma2"]["entry"] == ["mu", "sigma2"]


def test_cli_fisher_matrix_exit_codes_and_json_keys(capsys):
    assert cli.main(["check", "normal", "--fisher", NORMAL_I]) == 0
    assert cli.main(["check", "normal", "--fisher", NORMAL_I_TEX]) == 0
    assert cli.main(["check", "normal", "--fisher", "mu=1/sigma2", "--fisher",
                     "mu,sigma2=0"]) == 0
    assert cli.main(["check", "normal", "--fisher", "[[1, 2, 3]]"]) == 3
    assert cli.main(["check", "uniform", "--fisher", "[[1/theta^2]]"]) == 17
    capsys.readouterr()
    status = cli.main(["check", "normal", "--mle", "mu=xbar", "--fisher",
                       "[[1/sigma2, 0], [0, 1/sigma2^2]]", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert status == 16
    assert set(data) >= {"model", "parameters", "steps", "first_wrong", "all_correct",
                         "random_points", "notes"}
    v = data["steps"]["fisher"]
    assert set(v) >= {"verdict", "message", "counterexample", "slip", "claimed", "truth",
                      "decided_by", "follows", "entries", "first_wrong_entry", "parameter_order"}
    assert data["first_wrong"] == "fisher" and v["first_wrong_entry"] == "sigma2,sigma2"
    assert v["parameter_order"] == ["mu", "sigma2"] and list(v["entries"]) == ENTRIES
    assert v["entries"]["sigma2,sigma2"]["slip"] == "a dropped factor n" or \
        v["entries"]["sigma2,sigma2"]["verdict"] == "wrong"
    assert v["counterexample"]["entry"] == ["sigma2", "sigma2"]
    assert {e["verdict"] for k, e in v["entries"].items() if k != "sigma2,sigma2"} == {"correct"}


def test_fisher_matrix_markdown_and_latex():
    report = run("normal", fisher="[[1/(2*sigma2^2), 0], [0, 1/sigma2]]")
    md = report.to_markdown()
    assert "### Fisher information matrix: WRONG (the first wrong step)" in md
    assert "- (mu, mu): WRONG (the first wrong entry)" in md and md.count("$") % 2 == 0
    assert "Counterexample for the entry (mu, mu)" in md
    tex = report.to_latex()
    assert "\\item (mu, mu): WRONG (the first wrong entry)" in tex
    assert "\\begin{matrix}" in tex
    text = report.to_text()
    assert "yours:   [[1/(2*(σ²)^2), 0], [0, 1/σ²]]" in text


def test_fisher_matrix_latex_report_compiles_with_pdflatex(tmp_path):
    import shutil
    import subprocess

    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed (.ci/run installs it)")
    report = run("normal", fisher=r"\begin{pmatrix} \frac{n}{\sigma^2} & 0 \\ 0 & "
                 r"\frac{1}{2\sigma^4} \end{pmatrix}")
    (tmp_path / "check.tex").write_text(report.to_latex(standalone=True), encoding="utf-8")
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "check.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]


def _claimed_matrix(model: str, claim, values: dict) -> np.ndarray:
    """The claimed matrix at parameter values, parsed by the claim parser and evaluated by
    SymPy (not by symmle's evaluator)."""
    from symmle.claims import fisher_claims

    d = _derivation(model, ())
    names = list(d.parameters)
    texts, _ = fisher_claims(claim, names)
    subs = {p: values[p.name] for p in d.model.params}
    return np.array([[float(parse_claim(texts[(a, b)], d.model.params, d.model.var).subs(subs))
                      for b in names] for a in names])


def _score_outer_product(logpdf, x: np.ndarray, theta: np.ndarray, h: float = 1e-5):
    """The mean outer product of the score, the score by central differences of logpdf."""
    scores = []
    for j in range(len(theta)):
        up, down = theta.copy(), theta.copy()
        up[j] += h
        down[j] -= h
        scores.append((logpdf(x, *up) - logpdf(x, *down)) / (2 * h))
    s = np.array(scores)
    return s @ s.T / x.size


@pytest.mark.parametrize("model,claim,values,right", [
    ("normal", NORMAL_I, {"mu": 1.5, "sigma2": 2.0}, True),
    ("normal", NORMAL_I_TEX, {"mu": -0.5, "sigma2": 0.7}, True),
    ("normal", "[[1/sigma2, 0], [0, 1/sigma2^2]]", {"mu": 1.5, "sigma2": 2.0}, False),
    ("gamma", "[[polygamma(1, alpha), -1/beta], [-1/beta, alpha/beta^2]]",
     {"alpha": 2.5, "beta": 1.5}, True),
    ("gamma", "[[polygamma(1, alpha), 1/beta], [1/beta, alpha/beta^2]]",
     {"alpha": 2.5, "beta": 1.5}, False),
])
def test_fisher_matrix_against_simulated_score(model, claim, values, right):
    """The independent check: the information is the covariance of the score; estimate it on
    400 000 simulated observations (SciPy's log-density, numeric derivatives) and compare with
    the claimed matrix; the verdict must agree."""
    stats = pytest.importorskip("scipy.stats")
    rng = np.random.default_rng(11)
    if model == "normal":
        x = rng.normal(values["mu"], math.sqrt(values["sigma2"]), 400_000)
        theta = np.array([values["mu"], values["sigma2"]])

        def logpdf(x, mu, s2):
            return stats.norm.logpdf(x, mu, np.sqrt(s2))
    else:
        x = rng.gamma(values["alpha"], 1 / values["beta"], 400_000)
        theta = np.array([values["alpha"], values["beta"]])

        def logpdf(x, a, b):
            return stats.gamma.logpdf(x, a, scale=1 / b)
    estimate = _score_outer_product(logpdf, x, theta)
    claimed = _claimed_matrix(model, claim, values)
    agrees = np.allclose(claimed, estimate, rtol=0.03, atol=0.01)
    assert agrees == right, (claimed, estimate)
    verdict = run(model, fisher=claim).steps["fisher"].verdict
    assert (verdict in CORRECT_VERDICTS) == agrees
