"""Property-based tests: random well-formed models, random bytes.

Hypothesis builds densities from building blocks that are normalised by construction -- gamma-
like shapes θ^(a+1) x^a e^(−θx)/a!, power densities (θ+c) x^(θ+c−1) on (0, 1), scale families
h(x/θ)/θ, discrete geometric-, Poisson- and binomial-like pmfs with known offsets, location
families h(x − μ) on the real line and the two-parameter normal -- each typed with random names
(Greek letters too), spacing and ``^`` or ``**``. The invariants:

* ``derive`` raises nothing but :class:`~symmle.errors.DerivationTimeout` on a well-formed model
  and keeps its budget;
* every closed-form MLE, applied by ``fit`` to a sample simulated by the test (inverse CDF),
  agrees with ``scipy.optimize`` maximising an independent NumPy log-likelihood to a relative
  1e-5; where there is no closed form, ``fit``'s maximum is at least as high as SciPy's;
* random byte strings, decoded with ``errors="replace"`` and ``"surrogateescape"``, raise
  nothing but :class:`~symmle.errors.SymmleError` subclasses from any entry point.

The Hypothesis profiles are in ``conftest.py``: ``dev`` (the default; new random cases on each
run, the whole file in about two minutes on two cores), ``ci`` (the default under ``CI=true``: the
same count, derandomised) and ``long`` (``HYPOTHESIS_PROFILE=long``: thousands of cases).
``benchmarks/fuzz.py`` runs the
same checks in a plain loop for a given number of minutes and counts what it finds.
"""
from __future__ import annotations

import contextlib
import io
import math
import os
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import symmle
from symmle import cli
from symmle.data import read_data
from symmle.errors import (DerivationTimeout, ModelSpecError, NormalizationError, SymmleError,
                           UnknownNameError, UnusedParameterError)
from symmle.parsing import parse_assignment, parse_domain, parse_expression, parse_support

scipy_optimize = pytest.importorskip("scipy.optimize")
scipy_special = pytest.importorskip("scipy.special")

# the Hypothesis profiles (dev, ci, long) are in conftest.py
_LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"

BUDGET = 20.0  # seconds: the timeout given to derive
SLACK = 5.0    # what a derivation may overrun its budget by (the outer bound, interpreter noise)


# ---------------------------------------------------------------------------------------------
# a well-formed model and what the test knows about it independently of symmle


@dataclass(frozen=True)
class Case:
    """A density typed as a person would, with an independent NumPy log-likelihood, a sampler
    and the true parameter values."""

    family: str
    density: str
    params: dict[str, str]                 # name as typed -> domain
    support: str
    var: str
    names: tuple[str, ...]                 # canonical parameter names, in order
    truth: tuple[float, ...]
    logpdf: Callable[..., np.ndarray]      # (x, *theta) -> log f, NumPy
    sample: Callable[[np.random.Generator, int], np.ndarray]
    bounds: tuple[tuple[float, float], ...]
    location: tuple[bool, ...] = field(default=(False,))

    def describe(self) -> str:
        params = ", ".join(f"{k}:{v}" for k, v in self.params.items())
        return (f"{self.family}: {self.density!r} [{params}] on {self.support!r}, var "
                f"{self.var!r}, truth {dict(zip(self.names, self.truth))}")


def _uniform(rng: np.random.Generator, n: int) -> np.ndarray:
    """U(0, 1) strictly inside: the inverse CDFs below must not reach the support's ends."""
    return np.clip(rng.random(n), 1e-300, 1 - 2**-53)


def _typed(template: str, style: int, **names: str) -> str:
    text = template.format(**names)
    if style & 1:
        text = text.replace("**", "^")
    if style & 2:
        text = text.replace("+", " + ").replace("/", " / ")
    return text


_GREEK_TYPED = {"theta": "θ", "lambda": "λ", "sigma": "σ", "mu": "μ", "tau": "τ",
                "alpha": "α", "beta": "β", "rho": "ρ"}


def _name(base: str, greek: bool) -> str:
    return _GREEK_TYPED.get(base, base) if greek else base


def _canonical(typed: str) -> str:
    return parse_assignment(typed)[0]


def gamma_like(a: int, theta: float, pname: str, var: str, style: int, greek: bool) -> Case:
    p = _name(pname, greek)
    density = _typed("{p}**{a1}*{x}**{a}*exp(-{p}*{x})/{fact}", style, p=p, x=var, a=str(a),
                     a1=str(a + 1), fact=str(math.factorial(a)))
    return Case(
        "gamma-like", density, {p: "positive"}, f"{var} > 0", var, (_canonical(p),), (theta,),
        lambda x, t: (a + 1) * np.log(t) + a * np.log(x) - t * x - math.lgamma(a + 1),
        lambda rng, n: -np.log(_uniform(rng, n * (a + 1))).reshape(n, a + 1).sum(axis=1) / theta,
        ((theta / 30, theta * 30),))


def power(c: str, theta: float, pname: str, var: str, style: int, greek: bool) -> Case:
    p = _name(pname, greek)
    cv = float(Fraction(c))
    density = _typed("({p}+{c})*{x}**({p}+{c}-1)", style, p=p, x=var, c=c)
    return Case(
        "power", density, {p: "positive"}, f"0 < {var} < 1", var, (_canonical(p),), (theta,),
        lambda x, t: np.log(t + cv) + (t + cv - 1) * np.log(x),
        lambda rng, n: _uniform(rng, n) ** (1 / (theta + cv)),
        ((1e-12, theta * 30),))


# h(u) on u > 0 with ∫h = 1, its log, and an inverse-CDF sampler of U ~ h
SCALE_SHAPES: dict[str, tuple[str, Callable, Callable]] = {
    "exponential": ("exp(-{u})", lambda u: -u, lambda r, n: -np.log(_uniform(r, n))),
    "gamma2": ("{u}*exp(-{u})", lambda u: np.log(u) - u,
               lambda r, n: -np.log(_uniform(r, n)) - np.log(_uniform(r, n))),
    "rayleigh": ("2*{u}*exp(-{u}**2)", lambda u: np.log(2 * u) - u**2,
                 lambda r, n: np.sqrt(-np.log(_uniform(r, n)))),
    "half-normal": ("2/sqrt(pi)*exp(-{u}**2)", lambda u: math.log(2 / math.sqrt(math.pi)) - u**2,
                    lambda r, n: np.abs(scipy_special.ndtri(_uniform(r, n))) / math.sqrt(2)),
    "weibull3": ("3*{u}**2*exp(-{u}**3)", lambda u: math.log(3) + 2 * np.log(u) - u**3,
                 lambda r, n: (-np.log(_uniform(r, n))) ** (1 / 3)),
    "lomax": ("1/(1+{u})**2", lambda u: -2 * np.log1p(u),
              lambda r, n: (lambda v: v / (1 - v))(_uniform(r, n))),
}


def scale_family(shape: str, theta: float, pname: str, var: str, style: int,
                 greek: bool) -> Case:
    p = _name(pname, greek)
    h, logh, draw = SCALE_SHAPES[shape]
    density = _typed(h.replace("{u}", "({x}/{p})") + "/{p}", style, p=p, x=var)
    return Case(
        f"scale {shape}", density, {p: "positive"}, f"{var} > 0", var, (_canonical(p),),
        (theta,), lambda x, t: logh(x / t) - np.log(t),
        lambda rng, n: theta * draw(rng, n), ((theta / 30, theta * 30),))


def _poisson_draw(rng: np.random.Generator, lam: float, n: int) -> np.ndarray:
    """Poisson by inverse CDF: the smallest k with F(k) >= U."""
    k = np.arange(0, int(lam + 40 * math.sqrt(lam) + 40))
    cdf = np.cumsum(np.exp(-lam + k * math.log(lam) - scipy_special.gammaln(k + 1)))
    return np.searchsorted(cdf, _uniform(rng, n) * cdf[-1]).astype(float)


def geometric_like(k: int, prob: float, pname: str, var: str, style: int, greek: bool) -> Case:
    p = _name(pname, greek)
    density = _typed("{p}*(1-{p})**({x}-{k})", style, p=p, x=var, k=str(k))
    return Case(
        "geometric-like", density, {p: "(0, 1)"}, f"{{{k}, {k + 1}, {k + 2}, ...}}", var,
        (_canonical(p),), (prob,),
        lambda x, t: np.log(t) + (x - k) * np.log1p(-t),
        lambda rng, n: k + np.floor(np.log(_uniform(rng, n)) / math.log1p(-prob)),
        ((1e-9, 1 - 1e-9),))


def poisson_like(k: int, lam: float, pname: str, var: str, style: int, greek: bool) -> Case:
    p = _name(pname, greek)
    density = _typed("exp(-{p})*{p}**({x}-{k})/factorial({x}-{k})", style, p=p, x=var,
                     k=str(k))
    return Case(
        "poisson-like", density, {p: "positive"}, f"{{{k}, {k + 1}, {k + 2}, ...}}", var,
        (_canonical(p),), (lam,),
        lambda x, t: -t + (x - k) * np.log(t) - scipy_special.gammaln(x - k + 1),
        lambda rng, n: k + _poisson_draw(rng, lam, n), ((lam / 30, lam * 30),))


def binomial_like(m: int, prob: float, pname: str, var: str, style: int, greek: bool) -> Case:
    p = _name(pname, greek)
    density = _typed("binomial({m}, {x})*{p}**{x}*(1-{p})**({m}-{x})", style, p=p, x=var,
                     m=str(m))
    return Case(
        "binomial-like", density, {p: "(0, 1)"}, f"{{0, 1, ..., {m}}}", var, (_canonical(p),),
        (prob,),
        lambda x, t: (scipy_special.gammaln(m + 1) - scipy_special.gammaln(x + 1)
                      - scipy_special.gammaln(m - x + 1) + x * np.log(t)
                      + (m - x) * np.log1p(-t)),
        lambda rng, n: (_uniform(rng, n * m).reshape(n, m) < prob).sum(axis=1).astype(float),
        ((1e-9, 1 - 1e-9),))


# h(u) on the real line with ∫h = 1, its log, and an inverse-CDF sampler
LOCATION_SHAPES: dict[str, tuple[str, Callable, Callable]] = {
    "normal": ("exp(-({u})**2/2)/sqrt(2*pi)", lambda u: -u**2 / 2 - 0.5 * math.log(2 * math.pi),
               lambda r, n: scipy_special.ndtri(_uniform(r, n))),
    "logistic": ("exp(-({u}))/(1+exp(-({u})))**2", lambda u: -u - 2 * np.log1p(np.exp(-u)),
                 lambda r, n: (lambda v: np.log(v / (1 - v)))(_uniform(r, n))),
    "gumbel": ("exp(-(({u})+exp(-({u}))))", lambda u: -(u + np.exp(-u)),
               lambda r, n: -np.log(-np.log(_uniform(r, n)))),
    "laplace": ("exp(-abs({u}))/2", lambda u: -np.abs(u) - math.log(2),
                lambda r, n: (lambda v: np.where(v < 0.5, np.log(2 * v),
                                                 -np.log(2 - 2 * v)))(_uniform(r, n))),
    "cauchy": ("1/(pi*(1+({u})**2))", lambda u: -math.log(math.pi) - np.log1p(u**2),
               lambda r, n: np.tan(math.pi * (_uniform(r, n) - 0.5))),
}


def location_family(shape: str, mu: float, pname: str, var: str, style: int,
                    greek: bool) -> Case:
    p = _name(pname, greek)
    h, logh, draw = LOCATION_SHAPES[shape]
    density = _typed(h.replace("{u}", "{x}-{p}"), style, p=p, x=var)
    return Case(
        f"location {shape}", density, {p: "real"}, f"-oo < {var} < oo", var, (_canonical(p),),
        (mu,), lambda x, t: logh(x - t), lambda rng, n: mu + draw(rng, n),
        ((mu - 30, mu + 30),), (True,))


def normal_two(mu: float, sigma: float, names: tuple[str, str], var: str, style: int,
               greek: bool) -> Case:
    m, s = (_name(n, greek) for n in names)
    density = _typed("exp(-({x}-{m})**2/(2*{s}**2))/sqrt(2*pi*{s}**2)", style, m=m, s=s, x=var)
    return Case(
        "normal", density, {m: "real", s: "positive"}, f"-oo < {var} < oo", var,
        (_canonical(m), _canonical(s)), (mu, sigma),
        lambda x, a, b: -(x - a) ** 2 / (2 * b**2) - 0.5 * np.log(2 * math.pi * b**2),
        lambda rng, n: mu + sigma * scipy_special.ndtri(_uniform(rng, n)),
        ((mu - 30 * sigma, mu + 30 * sigma), (sigma / 30, sigma * 30)), (True, False))


# ---------------------------------------------------------------------------------------------
# strategies

VARS = st.sampled_from(["x", "y", "t", "z"])
STYLES = st.integers(0, 3)
POSITIVE_NAMES = st.sampled_from(["theta", "lambda", "rate", "s", "k", "alpha", "sigma", "tau",
                                  "b1", "scale_1"])
UNIT_NAMES = st.sampled_from(["p", "q", "theta", "rho", "prob"])
REAL_NAMES = st.sampled_from(["mu", "loc", "a", "m", "beta", "theta"])


@st.composite
def cases(draw: st.DrawFn) -> Case:
    var = draw(VARS)
    style, greek = draw(STYLES), draw(st.booleans())

    def name(names: st.SearchStrategy[str]) -> str:
        return draw(names.filter(lambda n: n != var))

    kind = draw(st.sampled_from(["gamma", "power", "scale", "geometric", "poisson", "binomial",
                                 "location", "normal"]))
    positive = st.floats(0.5, 5.0)
    if kind == "gamma":
        return gamma_like(draw(st.integers(0, 4)), draw(positive), name(POSITIVE_NAMES), var,
                          style, greek)
    if kind == "power":
        return power(draw(st.sampled_from(["0", "1/2", "0.5", "1", "3/2", "2", "3"])),
                     draw(st.floats(1.0, 5.0)), name(POSITIVE_NAMES), var, style, greek)
    if kind == "scale":
        return scale_family(draw(st.sampled_from(sorted(SCALE_SHAPES))), draw(positive),
                            name(POSITIVE_NAMES), var, style, greek)
    if kind == "geometric":
        return geometric_like(draw(st.integers(0, 3)), draw(st.floats(0.1, 0.8)),
                              name(UNIT_NAMES), var, style, greek)
    if kind == "poisson":
        return poisson_like(draw(st.integers(0, 3)), draw(positive), name(POSITIVE_NAMES), var,
                            style, greek)
    if kind == "binomial":
        return binomial_like(draw(st.integers(1, 6)), draw(st.floats(0.15, 0.85)),
                             name(UNIT_NAMES), var, style, greek)
    if kind == "location":
        return location_family(draw(st.sampled_from(sorted(LOCATION_SHAPES))),
                               draw(st.floats(-5.0, 5.0)), name(REAL_NAMES), var, style, greek)
    first = name(REAL_NAMES)
    second = draw(POSITIVE_NAMES.filter(lambda n: n not in (var, first)))
    return normal_two(draw(st.floats(-5.0, 5.0)), draw(positive), (first, second), var, style,
                      greek)


# mutants: a well-formed case broken in one known way, and the error that must follow

MUTATIONS = ("typo", "unused parameter", "doubled", "negated", "wrong support")


def mutate(case: Case, how: str) -> tuple[str, dict[str, str], str, type[SymmleError]]:
    """(density, params, support, the error class expected) for ``case`` broken by ``how``."""
    from symmle.parsing import tokenize

    density, params, support = case.density, dict(case.params), case.support
    if how == "typo":  # one occurrence of a parameter, misspelt
        tok = next(t for t in tokenize(density) if t.kind == "name" and t.text == case.names[0])
        density = density[:tok.pos] + tok.text + "q" + density[tok.pos + len(tok.src):]
        return density, params, support, UnknownNameError
    if how == "unused parameter":
        return density, {**params, "zeta": "positive"}, support, UnusedParameterError
    if how == "doubled":
        return f"2*({density})", params, support, NormalizationError
    if how == "negated":
        return f"-({density})", params, support, NormalizationError
    # the support of another family: never right, though the error may be either kind
    if "< oo" in support:
        other = f"{case.var} > 0"
    elif support.startswith("{"):
        other = f"{case.var} > 0"
    elif support.startswith("0 <"):
        other = f"0 < {case.var} < 2"
    else:
        other = f"-1 < {case.var} < 1"
    return density, params, other, ModelSpecError


def check_mutant(case: Case, how: str) -> str:
    density, params, support, expected = mutate(case, how)
    start = time.perf_counter()
    try:
        symmle.derive(density, var=case.var, params=params, support=support, timeout=BUDGET)
    except DerivationTimeout:
        return "timeout"
    except expected as exc:
        assert time.perf_counter() - start < BUDGET + SLACK
        return type(exc).__name__
    except SymmleError as exc:
        raise AssertionError(f"{how}: expected {expected.__name__}, got {type(exc).__name__}: "
                             f"{exc}; {density!r} on {support!r}") from None
    raise AssertionError(f"{how}: accepted {density!r} [{params}] on {support!r}; expected "
                         f"{expected.__name__}")


# ---------------------------------------------------------------------------------------------
# the checks (shared with benchmarks/fuzz.py)


def reference_mle(case: Case, x: np.ndarray) -> tuple[np.ndarray, float]:
    """θ̂ and ℓ(θ̂) by SciPy on the case's own NumPy log-likelihood (no symmle involved)."""
    def negative(theta: np.ndarray) -> float:
        with np.errstate(all="ignore"):
            value = float(np.sum(case.logpdf(x, *theta)))
        return -value if math.isfinite(value) else 1e300

    if len(case.truth) == 1:
        (lo, hi), = case.bounds
        for _ in range(4):  # widen the search while the best point is at its upper end
            grid = np.linspace(lo, hi, 400)[1:-1]
            best = grid[int(np.argmin([negative(np.array([g])) for g in grid]))]
            if best < grid[-1] or hi >= 1e12 or case.bounds[0][1] < 1:  # (0, 1): no widening
                break
            lo, hi = hi / 2, hi * 30
        step = (hi - lo) / 399
        res = scipy_optimize.minimize_scalar(
            lambda t: negative(np.array([t])), method="bounded",
            bounds=(max(lo, best - 2 * step), min(hi, best + 2 * step)),
            options={"xatol": 1e-13 * (1 + abs(best)), "maxiter": 2000})
        theta = np.array([res.x])
    else:
        start = np.array([np.mean(x), np.std(x)])
        res = scipy_optimize.minimize(negative, start, method="Nelder-Mead",
                                      options={"xatol": 1e-12, "fatol": 1e-13,
                                               "maxiter": 40_000, "maxfev": 80_000})
        theta = res.x
    return theta, -negative(theta)


def derive_case(case: Case) -> "symmle.Derivation":
    start = time.perf_counter()
    try:
        d = symmle.derive(case.density, var=case.var, params=case.params, support=case.support,
                          timeout=BUDGET)
    except DerivationTimeout:
        d = None
    elapsed = time.perf_counter() - start
    assert elapsed < BUDGET + SLACK, f"derive took {elapsed:.1f} s: {case.describe()}"
    return d


def check_case(case: Case, seed: int, n: int) -> str:
    """Derive, simulate, fit, compare with SciPy; return what was compared (for counting).
    Raises AssertionError (a broken invariant) or whatever symmle raised unexpectedly."""
    d = derive_case(case)
    if d is None:
        return "timeout"
    assert d.parameters == case.names, (d.parameters, case.describe())
    x = case.sample(np.random.default_rng(seed), n)
    r = symmle.fit(case.density, x, derivation=d)
    estimate = np.array([r.estimates[k] for k in case.names])
    theta, best = reference_mle(case, x)
    spread = float(np.std(x)) + 1.0
    with np.errstate(all="ignore"):
        ours = float(np.sum(case.logpdf(x, *estimate)))
    if d.closed_form:
        if not r.converged or any(m == "boundary" for m in r.method.values()):
            # the closed form left the parameter space on this sample: fit must say so
            assert r.warnings, case.describe()
            return "closed form, boundary"
        if any("not unique" in w for w in r.warnings):
            # the median of an even sample: every point between the two middle observations
            # is an MLE, so compare the maxima, not where the optimisers stopped
            assert math.isfinite(ours) and ours >= best - 1e-9 * (1 + abs(best)), (
                f"symmle's maximum {ours!r} at {estimate} is below scipy's {best!r} at "
                f"{theta}; {case.describe()}")
            return "closed form, not unique"
        for k, (a, b) in enumerate(zip(estimate, theta)):
            tol = 1e-7 * spread if case.location[min(k, len(case.location) - 1)] else 0.0
            assert math.isclose(a, b, rel_tol=1e-5, abs_tol=tol), (
                f"{case.names[k]}: symmle {a!r} vs scipy {b!r} ({d.mle}); {case.describe()}")
        return "closed form"
    assert math.isfinite(ours), (estimate, case.describe())
    assert ours >= best - 1e-7 * (1 + abs(best)), (
        f"symmle's maximum {ours!r} at {estimate} is below scipy's {best!r} at {theta}; "
        f"{case.describe()}")
    return "numeric"


ENTRY_POINTS: dict[str, Callable[[str], object]] = {
    "derive density": lambda t: symmle.derive(t, support="x > 0", timeout=5),
    "derive model": lambda t: symmle.derive(t, timeout=5),
    "derive support": lambda t: symmle.derive("theta*x**(theta-1)", params={"theta": "positive"},
                                              support=t, timeout=5),
    "derive domain": lambda t: symmle.derive("theta*x**(theta-1)", params={"theta": t},
                                             support="0 < x < 1", timeout=5),
    "derive name": lambda t: symmle.derive("theta*x**(theta-1)", params=[t],
                                           support="0 < x < 1", timeout=5),
    "derive g": lambda t: symmle.derive("theta*x**(theta-1)", params={"theta": "positive"},
                                        support="0 < x < 1", functions=[t], timeout=5),
    "parse_expression": lambda t: parse_expression(t, {}, allow_undeclared=True),
    "parse_support": lambda t: parse_support(t, "x", {}),
    "parse_domain": parse_domain,
}


def check_text(text: str) -> list[str]:
    """Every text entry point on ``text``: only SymmleError subclasses may come out. Returns
    the names of the entry points that accepted it."""
    accepted = []
    for name, call in ENTRY_POINTS.items():
        try:
            call(text)
            accepted.append(name)
        except SymmleError:
            pass
    return accepted


def check_cli(argv: list[str]) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = cli.main(argv)
    assert status != 70 and "Traceback" not in err.getvalue(), (argv, err.getvalue())
    return status


def check_bytes_file(raw: bytes, folder: str) -> None:
    path = os.path.join(folder, "data.bin")
    with open(path, "wb") as handle:
        handle.write(raw)
    try:
        values = read_data(path)
    except SymmleError:
        return
    assert values.ndim == 1 and values.size and np.isfinite(values).all()


# ---------------------------------------------------------------------------------------------
# the properties


@given(case=cases(), seed=st.integers(0, 2**32 - 1), n=st.integers(50, 300))
def test_well_formed_models_agree_with_a_numeric_optimiser(case: Case, seed: int,
                                                           n: int) -> None:
    check_case(case, seed, n)


@settings(max_examples=2000 if _LONG else 25)
@given(case=cases(), how=st.sampled_from(MUTATIONS))
def test_broken_models_get_the_right_error(case: Case, how: str) -> None:
    check_mutant(case, how)


@settings(max_examples=4000 if _LONG else 150)
@given(raw=st.binary(max_size=120), how=st.sampled_from(["replace", "surrogateescape"]))
def test_random_bytes_only_raise_symmle_errors(raw: bytes, how: str) -> None:
    text = raw.decode("utf-8", errors=how)
    check_text(text)


@settings(max_examples=1000 if _LONG else 40)
@given(raw=st.binary(max_size=80), how=st.sampled_from(["replace", "surrogateescape"]),
       flag=st.sampled_from(["model", "--param", "--support", "--g", "--known", "--var"]))
def test_random_bytes_on_the_command_line(raw: bytes, how: str, flag: str) -> None:
    text = raw.decode("utf-8", errors=how)
    if flag == "model":
        argv = ["derive", text, "--timeout", "5"]
    else:
        argv = ["derive", "theta*x**(theta-1)", "--support", "0 < x < 1", "--timeout", "5",
                flag, text]
    check_cli(argv + ["--format", "json"])


@settings(max_examples=2000 if _LONG else 60)
@given(raw=st.binary(max_size=300))
def test_random_bytes_as_a_data_file(raw: bytes, tmp_path_factory: pytest.TempPathFactory
                                     ) -> None:
    check_bytes_file(raw, str(tmp_path_factory.mktemp("bytes")))


@settings(max_examples=1000 if _LONG else 60)
@given(text=st.text(alphabet="0123456789.eE+-, \n#naifx_", max_size=60))
def test_random_numberish_data_files(text: str, tmp_path_factory: pytest.TempPathFactory
                                     ) -> None:
    check_bytes_file(text.encode(), str(tmp_path_factory.mktemp("numbers")))


@pytest.mark.parametrize("builder, args", [
    (gamma_like, (2, 1.5, "theta", "x", 0, False)),
    (power, ("1/2", 2.0, "theta", "x", 1, True)),
    (scale_family, ("lomax", 2.0, "sigma", "y", 2, True)),
    (geometric_like, (2, 0.3, "p", "x", 3, False)),
    (poisson_like, (1, 3.0, "lambda", "t", 0, True)),
    (binomial_like, (5, 0.4, "p", "x", 0, False)),
    (location_family, ("laplace", -1.0, "mu", "x", 0, True)),
    (location_family, ("gumbel", 2.0, "loc", "z", 1, False)),
    (normal_two, (1.0, 2.0, ("mu", "sigma"), "x", 0, True)),
])
def test_each_building_block_once(builder: Callable[..., Case], args: tuple) -> None:
    """One fixed example of each block, so that a broken block fails even when Hypothesis
    happens not to draw it in the ci profile."""
    assert check_case(builder(*args), seed=12345, n=201) in ("closed form", "numeric")
