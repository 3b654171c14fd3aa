"""Time ``symmle.fit`` on simulated data against SciPy and against a NumPy floor.

For every catalog family, and for the homework densities (``theta*x**(theta-1)``,
``(theta+1)*x**theta`` on 0 < x < 1, ``theta**2*x*exp(-theta*x)`` and ``exp(-x/theta)/theta``
on x > 0, given as density strings), 10⁶ observations (``--n``) are drawn from SciPy with fixed
true values, and in one run, in this one process, the script times

* ``symmle.derive`` once ("derive s", SymPy's cache cleared before it);
* ``symmle.fit(model, data, derivation=d, known_values=...)``: one untimed-for-the-median first
  call ("1st ms": it compiles the derivation with ``lambdify``, which is then kept on ``d``), then
  the median of 15 calls (3 for families without a closed form);
* (a) SciPy's own ``<dist>.fit`` with the same parameters fixed (``floc=0``, ``fscale=...``,
  ``f0=...``), median of the same number of calls. SciPy has no ``fit`` for the discrete
  families (``scipy.stats.fit`` is a slow generic optimiser): for the Bernoulli, binomial,
  geometric and Poisson families (a) is the closed-form estimate from ``x.mean()`` written in
  NumPy, marked "closed form" in the output, and is "n/a" for the other discrete families;
* (b) with ``--generic`` (the default; ``--quick`` or ``--no-generic`` skip it), SciPy's generic
  ``rv_continuous.fit`` for a distribution defined only by the same pdf (a subclass with a
  vectorised ``_pdf`` and, where a parameter may be negative, an ``_argcheck``: what a user of a
  custom density gets today), with ``floc=0, fscale=1``, for the homework densities and six
  representative families. It is slow, so it runs on a 10⁵ subsample (every tenth observation)
  and its time is multiplied by 10 ("(b) ms*" in the output); median of ``--generic-repeat``
  calls (default 1). Most of that time is SciPy's moment-based ``_fitstart`` (it integrates the
  pdf numerically, whatever n), which ×10 overstates, and which fails outright for some pdfs;
  so (b0) times the same fit with the starting values given (each shape 1.0, SciPy's own
  default; ``loc=0, scale=1``), which skips ``_fitstart``: the optimiser alone, median of 3.
  The targets use (b); (b0) is reported beside it;
* (c) the floor: one NumPy pass computing the same sufficient statistics as symmle's derivation
  (``d.log_likelihood.statistics``; plus ``x.min()``, ``x.max()`` where the MLE uses the order
  statistics), written by hand, median of 15. Each hand-written floor is checked against the
  statistics of the derivation on the first 1000 observations.

Timing follows ``timeit``: one garbage collection before each model, none inside the timed
calls (the collector is off while they run). ``--cold`` instead collects before every call, as
earlier versions of this script did: a full collection walks every Python object (SymPy makes tens
of thousands), which flushes the CPU caches, so each timed call then starts cold. That costs a
C-level pass little but any Python code a great deal (a 100-observation Poisson fit: 21 µs warm,
270 µs after a collection; a 100-element ``x.sum()``: 1 µs and 28 µs), which inflates every
ratio to the one-pass floor (c); the ratios to SciPy (a) and (b) change little.

The measurements of one family are interleaved (symmle, (a), (c), symmle, (a), (c), ...) so that
a change in the load of a shared machine affects all three alike, and the process is pinned to
one core where the system allows it. Only the ratios are meant to be compared; the absolute
times depend on the machine. The data are the same array for all three (drawn once, converted
once, not timed): float64, except for a discrete model, whose counts are int64 as NumPy's samplers
give them (``--float-counts`` gives them as float64; symmle then pays for checking that they are
whole numbers). Warnings from SciPy's optimisers are silenced.

``symmle.fit`` computes ℓ(θ̂) when ``log_likelihood`` is first read, not before; "+ℓ/(c)" is the
ratio to the floor of a fit whose ℓ is read (timed in the same interleaved loop).

"sym/(c′)", for information (no target), is the ratio to the floor plus the data check that a
careful hand-written fit adds: ``x.min()`` where the support has a finite lower end (x > 0,
counts ≥ 0), ``x.max()`` where it has a finite upper end. symmle checks every observation
against the support, and NumPy has no reduction that gives a sum and a minimum in one pass, so
for a family whose floor is a single ``x.sum()`` that check is a second pass of the same cost.

The table gives, per model: whether symmle found a closed form, n, symmle's fit time (median)
and first-call time, the derive time, (a) with the ratio symmle/(a) (≤ 1 is the target), (b)
with the ratio (b)/symmle (≥ 100 is the target), (c) with the ratio symmle/(c) (≤ 2 is the
target for closed-form families), the log-likelihood difference ℓ(symmle) − ℓ(SciPy) at the two
estimates (both evaluated on the full sample; SciPy's with its own ``logpdf``/``logpmf``), and
what (a) was. Then each target, met or not met, with the worst offenders:

* symmle no slower than SciPy's own ``.fit`` for any family (ratio ≤ 1.0; closed-form
  stand-ins for the discrete families are listed but not counted);
* at least 100× faster than SciPy's generic ``rv_continuous.fit`` (b);
* within 2× of the NumPy floor (c) for closed-form families;
* Weibull (both parameters): at least 10× faster than ``scipy.stats.weibull_min.fit`` at an
  equal or higher log-likelihood (ℓ difference ≥ −1e-9·|ℓ|).

usage::

    python benchmarks/fit_speed.py [--json] [--quick | --no-generic] [--only NAME ...]
        [--n N] [--seed SEED] [--generic-repeat K] [--float-counts] [--cold] [--check]

``--only`` takes catalog names and the homework labels (``hw_power``, ``hw_power_plus_one``,
``hw_gamma2``, ``hw_exp_scale``). ``--check`` exits 1 when a target is not met or a model fails;
otherwise the exit status is 0 whatever the timings.
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

REPEAT = 15  # symmle, (a) and (c): median of this many calls (each takes milliseconds)
REPEAT_NUMERIC = 3  # for families without a closed form
SUBSAMPLE_FACTOR = 10  # (b) runs on every tenth observation, its time scaled by this
CHECK_SIZE = 1000  # observations used to check the hand-written floors against the derivation
TARGET_A = 1.0  # symmle / SciPy .fit at most
TARGET_B = 100.0  # generic / symmle at least
TARGET_C = 2.0  # symmle / floor at most, closed-form families
TARGET_WEIBULL = 10.0  # weibull_min.fit / symmle at least
LL_TOLERANCE = 1e-9  # relative: "equal" log-likelihood


def pin_to_one_core() -> bool:
    """Pin this process to one core; False where unsupported."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[0]})
        return True
    except (AttributeError, OSError, IndexError):
        return False


# ---------------------------------------------------------------------------------------------
# the models: data, SciPy's fit, the generic pdf and the floor, each in symmle's parameterization


@dataclass
class Case:
    """One row of the benchmark.

    ``scipy_fit(x)`` returns symmle-named estimates; ``scipy_ll(x, est)`` the log-likelihood at
    them (SciPy's ``logpdf``/``logpmf``). ``generic`` is ``(pdf, shapes, a, b, real)`` where
    ``pdf(x, *shapes)`` is the density in the family's own parameters, ``(a, b)`` the support and
    ``real`` the parameters that may be negative. ``floor(x)`` returns the statistics.
    """

    name: str
    model: str
    truth: dict[str, float]
    sample: Callable[[np.random.Generator, int], np.ndarray]
    options: dict[str, Any] = field(default_factory=dict)
    known: dict[str, float] = field(default_factory=dict)
    scipy_fit: Callable[[np.ndarray], dict[str, float]] | None = None
    scipy_ll: Callable[[np.ndarray, dict[str, float]], float] | None = None
    scipy_label: str = "n/a"
    closed_form_stand_in: bool = False  # (a) is a NumPy closed form, not SciPy's .fit
    generic: tuple | None = None
    floor: Callable[[np.ndarray], tuple] | None = None
    floor_label: str = "n/a"


def _cases() -> list[Case]:
    from scipy import special, stats

    def rvs(dist: Any) -> Callable[[np.random.Generator, int], np.ndarray]:
        return lambda rng, n: np.asarray(dist.rvs(size=n, random_state=rng), dtype=float)

    def ll(dist_of: Callable[[dict[str, float]], Any], discrete: bool = False
           ) -> Callable[[np.ndarray, dict[str, float]], float]:
        def value(x: np.ndarray, est: dict[str, float]) -> float:
            dist = dist_of(est)
            with np.errstate(all="ignore"):
                return float(np.sum(dist.logpmf(x) if discrete else dist.logpdf(x)))
        return value

    def ztp(rng: np.random.Generator, n: int) -> np.ndarray:
        out = np.empty(0)
        while out.size < n:
            draw = rng.poisson(2.0, size=2 * n)
            out = np.concatenate([out, draw[draw > 0].astype(float)])
        return out[:n]

    def ztp_ll(x: np.ndarray, est: dict[str, float]) -> float:
        lam = est["lambda"]
        return float(np.sum(stats.poisson(lam).logpmf(x)) - x.size * math.log1p(-math.exp(-lam)))

    hw_power, hw_plus, hw_gamma2, hw_exps = (
        "theta*x**(theta-1)", "(theta+1)*x**theta", "theta**2*x*exp(-theta*x)",
        "exp(-x/theta)/theta")
    theta = {"theta": "positive"}
    xm = 1.5

    # the generic pdfs, written by hand as a user would (vectorised NumPy)
    g_exponential = (lambda x, lam: lam * np.exp(-lam * x), ("lam",), 0.0, math.inf, ())
    g_normal = (lambda x, mu, s2: np.exp(-(x - mu) ** 2 / (2 * s2)) / np.sqrt(2 * np.pi * s2),
                ("mu", "s2"), -math.inf, math.inf, ("mu",))
    g_gamma = (lambda x, alpha, rate: rate ** alpha * x ** (alpha - 1) * np.exp(-rate * x)
               / special.gamma(alpha), ("alpha", "rate"), 0.0, math.inf, ())
    g_weibull = (lambda x, k, lam: k / lam * (x / lam) ** (k - 1) * np.exp(-(x / lam) ** k),
                 ("k", "lam"), 0.0, math.inf, ())
    g_lognormal = (lambda x, mu, s2: np.exp(-(np.log(x) - mu) ** 2 / (2 * s2))
                   / (x * np.sqrt(2 * np.pi * s2)), ("mu", "s2"), 0.0, math.inf, ("mu",))
    g_pareto_shape = (lambda x, alpha: alpha * xm ** alpha / x ** (alpha + 1), ("alpha",), xm,
                      math.inf, ())
    g_hw_power = (lambda x, t: t * x ** (t - 1), ("t",), 0.0, 1.0, ())
    g_hw_plus = (lambda x, t: (t + 1) * x ** t, ("t",), 0.0, 1.0, ())
    g_hw_gamma2 = (lambda x, t: t ** 2 * x * np.exp(-t * x), ("t",), 0.0, math.inf, ())
    g_hw_exps = (lambda x, t: np.exp(-x / t) / t, ("t",), 0.0, math.inf, ())

    def s_sum(x: np.ndarray) -> tuple:
        return (x.sum(),)

    def s_sum2(x: np.ndarray) -> tuple:
        return (x.sum(), (x * x).sum())

    def s_sq(x: np.ndarray) -> tuple:
        return ((x * x).sum(),)

    def s_log(x: np.ndarray) -> tuple:
        return (np.log(x).sum(),)

    def s_minmax(x: np.ndarray) -> tuple:
        return (x.min(), x.max())

    cases = [
        Case("bernoulli", "bernoulli", {"p": 0.3}, rvs(stats.bernoulli(0.3)),
             scipy_fit=lambda x: {"p": x.mean()},
             scipy_ll=ll(lambda e: stats.bernoulli(e["p"]), True),
             scipy_label="closed form: x.mean()", closed_form_stand_in=True,
             floor=s_sum, floor_label="x.sum()"),
        Case("binomial", "binomial", {"p": 0.3}, rvs(stats.binom(10, 0.3)), known={"m": 10},
             scipy_fit=lambda x: {"p": x.mean() / 10},
             scipy_ll=ll(lambda e: stats.binom(10, e["p"]), True),
             scipy_label="closed form: x.mean()/m", closed_form_stand_in=True,
             floor=s_sum, floor_label="x.sum()"),
        Case("geometric", "geometric", {"p": 0.25}, rvs(stats.geom(0.25)),
             scipy_fit=lambda x: {"p": 1 / x.mean()},
             scipy_ll=ll(lambda e: stats.geom(e["p"]), True),
             scipy_label="closed form: 1/x.mean()", closed_form_stand_in=True,
             floor=s_sum, floor_label="x.sum()"),
        Case("geometric_failures", "geometric_failures", {"p": 0.25},
             rvs(stats.geom(0.25, loc=-1)),
             scipy_fit=lambda x: {"p": 1 / (1 + x.mean())},
             scipy_ll=ll(lambda e: stats.geom(e["p"], loc=-1), True),
             scipy_label="closed form: 1/(1+x.mean())", closed_form_stand_in=True,
             floor=s_sum, floor_label="x.sum()"),
        Case("poisson", "poisson", {"lambda": 3.5}, rvs(stats.poisson(3.5)),
             scipy_fit=lambda x: {"lambda": x.mean()},
             scipy_ll=ll(lambda e: stats.poisson(e["lambda"]), True),
             scipy_label="closed form: x.mean()", closed_form_stand_in=True,
             floor=s_sum, floor_label="x.sum()"),
        Case("negative_binomial", "negative_binomial", {"p": 0.4}, rvs(stats.nbinom(5, 0.4)),
             known={"r": 5}, scipy_label="n/a (no SciPy fit for discrete)",
             floor=s_sum, floor_label="x.sum()"),
        Case("categorical", "categorical", {"p1": 0.2, "p2": 0.5},
             lambda rng, n: rng.choice(np.array([1.0, 2.0, 3.0]), size=n, p=[0.2, 0.5, 0.3]),
             scipy_label="n/a (no SciPy distribution)",
             floor=s_sum2, floor_label="x.sum(), (x*x).sum()"),
        Case("exponential", "exponential", {"lambda": 2.0}, rvs(stats.expon(scale=0.5)),
             scipy_fit=lambda x: {"lambda": 1 / stats.expon.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.expon(scale=1 / e["lambda"])),
             scipy_label="expon.fit(floc=0)", generic=g_exponential,
             floor=s_sum, floor_label="x.sum()"),
        Case("exponential_scale", "exponential_scale", {"theta": 1.5},
             rvs(stats.expon(scale=1.5)),
             scipy_fit=lambda x: {"theta": stats.expon.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.expon(scale=e["theta"])),
             scipy_label="expon.fit(floc=0)", floor=s_sum, floor_label="x.sum()"),
        Case("normal_mean", "normal_mean", {"mu": 1.0}, rvs(stats.norm(1.0, 2.0)),
             known={"sigma2": 4.0},
             scipy_fit=lambda x: {"mu": stats.norm.fit(x, fscale=2.0)[0]},
             scipy_ll=ll(lambda e: stats.norm(e["mu"], 2.0)),
             scipy_label="norm.fit(fscale=2)", floor=s_sum, floor_label="x.sum()"),
        Case("normal_variance", "normal_variance", {"sigma2": 4.0}, rvs(stats.norm(1.0, 2.0)),
             known={"mu": 1.0},
             scipy_fit=lambda x: {"sigma2": stats.norm.fit(x, floc=1.0)[1] ** 2},
             scipy_ll=ll(lambda e: stats.norm(1.0, math.sqrt(e["sigma2"]))),
             scipy_label="norm.fit(floc=1)", floor=s_sum2, floor_label="x.sum(), (x*x).sum()"),
        Case("normal", "normal", {"mu": 1.0, "sigma2": 4.0}, rvs(stats.norm(1.0, 2.0)),
             scipy_fit=lambda x: dict(zip(("mu", "sigma2"), (lambda f: (f[0], f[1] ** 2))(
                 stats.norm.fit(x)))),
             scipy_ll=ll(lambda e: stats.norm(e["mu"], math.sqrt(e["sigma2"]))),
             scipy_label="norm.fit()", generic=g_normal,
             floor=s_sum2, floor_label="x.sum(), (x*x).sum()"),
        Case("lognormal", "lognormal", {"mu": 0.5, "sigma2": 0.64},
             rvs(stats.lognorm(0.8, scale=math.exp(0.5))),
             scipy_fit=lambda x: (lambda f: {"mu": math.log(f[2]), "sigma2": f[0] ** 2})(
                 stats.lognorm.fit(x, floc=0)),
             scipy_ll=ll(lambda e: stats.lognorm(math.sqrt(e["sigma2"]),
                                                 scale=math.exp(e["mu"]))),
             scipy_label="lognorm.fit(floc=0)", generic=g_lognormal,
             floor=lambda x: (lambda lx: (lx.sum(), (lx * lx).sum()))(np.log(x)),
             floor_label="l=log(x); l.sum(), (l*l).sum()"),
        Case("gamma_rate", "gamma_rate", {"beta": 1.5}, rvs(stats.gamma(2.5, scale=1 / 1.5)),
             known={"alpha": 2.5},
             scipy_fit=lambda x: {"beta": 1 / stats.gamma.fit(x, f0=2.5, floc=0)[2]},
             scipy_ll=ll(lambda e: stats.gamma(2.5, scale=1 / e["beta"])),
             scipy_label="gamma.fit(f0=2.5, floc=0)", floor=s_sum, floor_label="x.sum()"),
        Case("gamma", "gamma", {"alpha": 2.5, "beta": 1.5}, rvs(stats.gamma(2.5, scale=1 / 1.5)),
             scipy_fit=lambda x: (lambda f: {"alpha": f[0], "beta": 1 / f[2]})(
                 stats.gamma.fit(x, floc=0)),
             scipy_ll=ll(lambda e: stats.gamma(e["alpha"], scale=1 / e["beta"])),
             scipy_label="gamma.fit(floc=0)", generic=g_gamma,
             floor=lambda x: (np.log(x).sum(), x.sum()), floor_label="log(x).sum(), x.sum()"),
        Case("beta", "beta", {"a": 2.0, "b": 3.0}, rvs(stats.beta(2.0, 3.0)),
             scipy_fit=lambda x: dict(zip(("a", "b"), stats.beta.fit(x, floc=0, fscale=1)[:2])),
             scipy_ll=ll(lambda e: stats.beta(e["a"], e["b"])),
             scipy_label="beta.fit(floc=0, fscale=1)",
             floor=lambda x: (np.log(x).sum(), np.log1p(-x).sum()),
             floor_label="log(x).sum(), log1p(-x).sum()"),
        Case("power", "power", {"theta": 2.5}, rvs(stats.powerlaw(2.5)),
             scipy_fit=lambda x: {"theta": stats.powerlaw.fit(x, floc=0, fscale=1)[0]},
             scipy_ll=ll(lambda e: stats.powerlaw(e["theta"])),
             scipy_label="powerlaw.fit(floc=0, fscale=1)", floor=s_log,
             floor_label="log(x).sum()"),
        Case("weibull_scale", "weibull_scale", {"lambda": 2.0},
             rvs(stats.weibull_min(1.5, scale=2.0)), known={"k": 1.5},
             scipy_fit=lambda x: {"lambda": stats.weibull_min.fit(x, f0=1.5, floc=0)[2]},
             scipy_ll=ll(lambda e: stats.weibull_min(1.5, scale=e["lambda"])),
             scipy_label="weibull_min.fit(f0=1.5, floc=0)",
             floor=lambda x: ((x ** 1.5).sum(),), floor_label="(x**k).sum()"),
        Case("weibull", "weibull", {"k": 1.5, "lambda": 2.0},
             rvs(stats.weibull_min(1.5, scale=2.0)),
             scipy_fit=lambda x: (lambda f: {"k": f[0], "lambda": f[2]})(
                 stats.weibull_min.fit(x, floc=0)),
             scipy_ll=ll(lambda e: stats.weibull_min(e["k"], scale=e["lambda"])),
             scipy_label="weibull_min.fit(floc=0)", generic=g_weibull,
             floor=s_log, floor_label="log(x).sum()"),
        Case("rayleigh", "rayleigh", {"sigma": 2.0}, rvs(stats.rayleigh(scale=2.0)),
             scipy_fit=lambda x: {"sigma": stats.rayleigh.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.rayleigh(scale=e["sigma"])),
             scipy_label="rayleigh.fit(floc=0)", floor=s_sq, floor_label="(x*x).sum()"),
        Case("maxwell", "maxwell", {"a": 2.0}, rvs(stats.maxwell(scale=2.0)),
             scipy_fit=lambda x: {"a": stats.maxwell.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.maxwell(scale=e["a"])),
             scipy_label="maxwell.fit(floc=0)", floor=s_sq, floor_label="(x*x).sum()"),
        Case("half_normal", "half_normal", {"sigma": 2.0}, rvs(stats.halfnorm(scale=2.0)),
             scipy_fit=lambda x: {"sigma": stats.halfnorm.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.halfnorm(scale=e["sigma"])),
             scipy_label="halfnorm.fit(floc=0)", floor=s_sq, floor_label="(x*x).sum()"),
        Case("pareto_shape", "pareto_shape", {"alpha": 3.0}, rvs(stats.pareto(3.0, scale=xm)),
             known={"xm": xm},
             scipy_fit=lambda x: {"alpha": stats.pareto.fit(x, floc=0, fscale=xm)[0]},
             scipy_ll=ll(lambda e: stats.pareto(e["alpha"], scale=xm)),
             scipy_label="pareto.fit(floc=0, fscale=1.5)", generic=g_pareto_shape,
             floor=s_log, floor_label="log(x).sum()"),
        Case("pareto", "pareto", {"alpha": 3.0, "xm": xm}, rvs(stats.pareto(3.0, scale=xm)),
             scipy_fit=lambda x: (lambda f: {"alpha": f[0], "xm": f[2]})(
                 stats.pareto.fit(x, floc=0)),
             scipy_ll=ll(lambda e: stats.pareto(e["alpha"], scale=e["xm"])),
             scipy_label="pareto.fit(floc=0)",
             floor=lambda x: (np.log(x).sum(), x.min(), x.max()),
             floor_label="log(x).sum(), x.min(), x.max()"),
        Case("uniform", "uniform", {"theta": 4.0}, rvs(stats.uniform(0.0, 4.0)),
             scipy_fit=lambda x: {"theta": stats.uniform.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.uniform(0.0, e["theta"])),
             scipy_label="uniform.fit(floc=0)", floor=s_minmax,
             floor_label="x.min(), x.max()"),
        Case("uniform_ab", "uniform_ab", {"a": -1.0, "b": 3.0}, rvs(stats.uniform(-1.0, 4.0)),
             scipy_fit=lambda x: (lambda f: {"a": f[0], "b": f[0] + f[1]})(stats.uniform.fit(x)),
             scipy_ll=ll(lambda e: stats.uniform(e["a"], e["b"] - e["a"])),
             scipy_label="uniform.fit()", floor=s_minmax, floor_label="x.min(), x.max()"),
        Case("laplace_scale", "laplace_scale", {"b": 2.0}, rvs(stats.laplace(1.0, 2.0)),
             known={"mu": 1.0},
             scipy_fit=lambda x: {"b": stats.laplace.fit(x, floc=1.0)[1]},
             scipy_ll=ll(lambda e: stats.laplace(1.0, e["b"])),
             scipy_label="laplace.fit(floc=1)",
             floor=lambda x: (np.abs(x - 1.0).sum(),), floor_label="abs(x-mu).sum()"),
        Case("laplace", "laplace", {"mu": 1.0, "b": 2.0}, rvs(stats.laplace(1.0, 2.0)),
             scipy_fit=lambda x: dict(zip(("mu", "b"), stats.laplace.fit(x))),
             scipy_ll=ll(lambda e: stats.laplace(e["mu"], e["b"])),
             scipy_label="laplace.fit()"),
        Case("inverse_gaussian", "inverse_gaussian", {"mu": 2.0, "lambda": 3.0},
             rvs(stats.invgauss(2.0 / 3.0, scale=3.0)),
             scipy_fit=lambda x: (lambda f: {"mu": f[0] * f[2], "lambda": f[2]})(
                 stats.invgauss.fit(x, floc=0)),
             scipy_ll=ll(lambda e: stats.invgauss(e["mu"] / e["lambda"], scale=e["lambda"])),
             scipy_label="invgauss.fit(floc=0)",
             floor=lambda x: ((1 / x).sum(), x.sum()), floor_label="(1/x).sum(), x.sum()"),
        Case("cauchy", "cauchy", {"theta": 1.0}, rvs(stats.cauchy(1.0)),
             scipy_fit=lambda x: {"theta": stats.cauchy.fit(x, fscale=1.0)[0]},
             scipy_ll=ll(lambda e: stats.cauchy(e["theta"])),
             scipy_label="cauchy.fit(fscale=1)"),
        Case("logistic", "logistic", {"mu": 1.0}, rvs(stats.logistic(1.0)),
             scipy_fit=lambda x: {"mu": stats.logistic.fit(x, fscale=1.0)[0]},
             scipy_ll=ll(lambda e: stats.logistic(e["mu"])),
             scipy_label="logistic.fit(fscale=1)"),
        Case("gumbel", "gumbel", {"mu": 1.0, "beta": 2.0}, rvs(stats.gumbel_r(1.0, 2.0)),
             scipy_fit=lambda x: dict(zip(("mu", "beta"), stats.gumbel_r.fit(x))),
             scipy_ll=ll(lambda e: stats.gumbel_r(e["mu"], e["beta"])),
             scipy_label="gumbel_r.fit()", floor=s_sum, floor_label="x.sum()"),
        Case("gumbel_location", "gumbel_location", {"mu": 1.0}, rvs(stats.gumbel_r(1.0, 2.0)),
             known={"beta": 2.0},
             scipy_fit=lambda x: {"mu": stats.gumbel_r.fit(x, fscale=2.0)[0]},
             scipy_ll=ll(lambda e: stats.gumbel_r(e["mu"], 2.0)),
             scipy_label="gumbel_r.fit(fscale=2)",
             floor=lambda x: (np.exp(-x / 2.0).sum(),), floor_label="exp(-x/beta).sum()"),
        Case("zero_truncated_poisson", "zero_truncated_poisson", {"lambda": 2.0}, ztp,
             scipy_label="n/a (no SciPy distribution)", floor=s_sum, floor_label="x.sum()"),
        Case("discrete_uniform", "discrete_uniform", {"N": 20.0}, rvs(stats.randint(1, 21)),
             scipy_label="n/a (no SciPy fit for discrete)", floor=s_minmax,
             floor_label="x.min(), x.max()"),
        Case("shifted_exponential", "shifted_exponential", {"theta": 1.0},
             rvs(stats.expon(loc=1.0)),
             scipy_fit=lambda x: {"theta": stats.expon.fit(x, fscale=1.0)[0]},
             scipy_ll=ll(lambda e: stats.expon(loc=e["theta"])),
             scipy_label="expon.fit(fscale=1)", floor=s_minmax, floor_label="x.min(), x.max()"),
        Case("shifted_exponential_two", "shifted_exponential_two",
             {"theta": 1.0, "lambda": 2.0}, rvs(stats.expon(loc=1.0, scale=0.5)),
             scipy_fit=lambda x: (lambda f: {"theta": f[0], "lambda": 1 / f[1]})(
                 stats.expon.fit(x)),
             scipy_ll=ll(lambda e: stats.expon(loc=e["theta"], scale=1 / e["lambda"])),
             scipy_label="expon.fit()",
             floor=lambda x: (x.sum(), x.min(), x.max()), floor_label="x.sum(), x.min(), x.max()"),
        # the homework densities, as density strings
        Case("hw_power", hw_power, {"theta": 2.5}, rvs(stats.powerlaw(2.5)),
             options={"params": theta, "support": "0 < x < 1"},
             scipy_fit=lambda x: {"theta": stats.powerlaw.fit(x, floc=0, fscale=1)[0]},
             scipy_ll=ll(lambda e: stats.powerlaw(e["theta"])),
             scipy_label="powerlaw.fit(floc=0, fscale=1)", generic=g_hw_power,
             floor=s_log, floor_label="log(x).sum()"),
        Case("hw_power_plus_one", hw_plus, {"theta": 1.5}, rvs(stats.powerlaw(2.5)),
             options={"params": theta, "support": "0 < x < 1"},
             scipy_fit=lambda x: {"theta": stats.powerlaw.fit(x, floc=0, fscale=1)[0] - 1},
             scipy_ll=ll(lambda e: stats.powerlaw(e["theta"] + 1)),
             scipy_label="powerlaw.fit(floc=0, fscale=1), a-1", generic=g_hw_plus,
             floor=s_log, floor_label="log(x).sum()"),
        Case("hw_gamma2", hw_gamma2, {"theta": 2.0}, rvs(stats.gamma(2.0, scale=0.5)),
             options={"params": theta, "support": "x > 0"},
             scipy_fit=lambda x: {"theta": 1 / stats.gamma.fit(x, f0=2, floc=0)[2]},
             scipy_ll=ll(lambda e: stats.gamma(2.0, scale=1 / e["theta"])),
             scipy_label="gamma.fit(f0=2, floc=0), 1/scale", generic=g_hw_gamma2,
             floor=s_sum, floor_label="x.sum()"),
        Case("hw_exp_scale", hw_exps, {"theta": 1.5}, rvs(stats.expon(scale=1.5)),
             options={"params": theta, "support": "x > 0"},
             scipy_fit=lambda x: {"theta": stats.expon.fit(x, floc=0)[1]},
             scipy_ll=ll(lambda e: stats.expon(scale=e["theta"])),
             scipy_label="expon.fit(floc=0)", generic=g_hw_exps,
             floor=s_sum, floor_label="x.sum()"),
    ]
    return cases


def generic_distribution(spec: tuple) -> Any:
    """An ``rv_continuous`` defined only by a pdf (and an ``_argcheck`` for real parameters)."""
    from scipy import stats

    pdf, shapes, a, b, real = spec
    positive = [j for j, s in enumerate(shapes) if s not in real]

    def _pdf(self: Any, x: Any, *args: Any) -> Any:
        return pdf(x, *args)

    attrs: dict[str, Any] = {"_pdf": _pdf}
    if real:
        def _argcheck(self: Any, *args: Any) -> Any:
            ok = np.ones(np.shape(args[0]), dtype=bool)
            for j in positive:
                ok = ok & (np.asarray(args[j]) > 0)
            return ok
        attrs["_argcheck"] = _argcheck
    cls = type("CustomDensity", (stats.rv_continuous,), attrs)
    return cls(a=a, b=b, shapes=", ".join(shapes), name="custom")


# ---------------------------------------------------------------------------------------------
# measuring


COLD = False  # --cold: a garbage collection before every timed call (see the module docstring)


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    if COLD:
        gc.collect()
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _error(exc: BaseException) -> str:
    return type(exc).__name__


def _check_floor(case: Case, d: Any, x: np.ndarray) -> str | None:
    """None when the floor computes (at least) every statistic of the derivation, else why not."""
    import sympy as sp

    small = x[:CHECK_SIZE]
    try:
        mine = [float(v) for v in case.floor(small)]
    except Exception as exc:  # noqa: BLE001
        return f"floor failed: {_error(exc)}"
    subs = {k: sp.Float(case.known[k.name]) for k in d.model.known if k.name in case.known}
    for s in d.log_likelihood.statistics:
        h = sp.sympify(s.h).xreplace(subs)
        fn = sp.lambdify([d.model.var], h, modules="numpy")
        with np.errstate(all="ignore"):
            value = float(np.sum(np.broadcast_to(fn(small), small.shape)))
        if not any(math.isclose(value, v, rel_tol=1e-9, abs_tol=1e-9) for v in mine):
            return f"the floor does not compute Σ {h} (= {value:.6g})"
    return None


def _support_check(d: Any, case: Case) -> tuple[Callable[[np.ndarray], Any], str] | None:
    """The passes a careful hand-written fit adds to the floor to check the data against a
    support that does not move with θ: ``x.min()`` at a finite lower end, ``x.max()`` at a
    finite upper end (``None`` when it needs none: ℝ, or a support that moves, whose order
    statistics the floor already has)."""
    import sympy as sp

    subs = {k: sp.Float(case.known[k.name]) for k in d.model.known if k.name in case.known}
    supp = d.model.support.subs(subs)
    if supp.free_symbols or supp.kind not in ("interval", "integers", "finite"):
        return None
    lower = min(supp.values) if supp.kind == "finite" else supp.lower
    upper = max(supp.values) if supp.kind == "finite" else supp.upper
    parts = [(f, label) for f, label, end in ((np.min, "x.min()", lower),
                                               (np.max, "x.max()", upper))
             if end.is_finite]
    if not parts:
        return None
    return (lambda x: [f(x) for f, _ in parts]), ", ".join(label for _, label in parts)


def run_case(case: Case, n: int, seed: int, generic: bool, generic_repeat: int,
             float_counts: bool = False) -> dict:
    import sympy.core.cache

    import symmle

    row: dict[str, Any] = {"name": case.name, "model": case.model, "n": n, "truth": case.truth,
                           "known": case.known, "closed_form": None, "error": None,
                           "scipy": case.scipy_label,
                           "scipy_is_closed_form_stand_in": case.closed_form_stand_in,
                           "floor": case.floor_label, "notes": []}
    rng = np.random.default_rng(seed)
    x = np.ascontiguousarray(case.sample(rng, n), dtype=np.float64)
    row["n"] = n = int(x.size)
    row["dtype"] = "float64"

    # derive, once, with a cold SymPy cache
    d = None
    sympy.core.cache.clear_cache()
    try:
        row["derive_s"], d = _timed(lambda: symmle.derive(case.model, **case.options))
        row["closed_form"] = bool(d.closed_form)
        if d.model.discrete and not float_counts:
            x = x.astype(np.int64)  # counts, as NumPy's samplers give them: for all three
            row["dtype"] = "int64"
    except Exception as exc:  # noqa: BLE001 - report and go on
        row["error"] = f"derive: {_error(exc)}"
        row["message"] = str(exc).split("\n")[0]

    def fit() -> Any:
        return symmle.fit(case.model, x, derivation=d, known_values=case.known or None)

    result = None
    if d is not None:
        try:
            row["first_fit_ms"], result = _timed(fit)
            row["first_fit_ms"] *= 1e3
        except Exception as exc:  # noqa: BLE001
            row["error"] = f"fit: {_error(exc)}"
            row["message"] = str(exc).split("\n")[0]
            result = None
    if result is not None:
        row["estimates"] = result.estimates
        row["log_likelihood"] = result.log_likelihood
        row["converged"] = result.converged
        if result.warnings:
            row["notes"] += [f"symmle warning: {w}" for w in result.warnings]
    repeat = REPEAT if (row["closed_form"] or d is None) else REPEAT_NUMERIC

    # interleave symmle, (a) and (c)
    jobs: dict[str, Callable[[], Any]] = {}
    if result is not None:
        jobs["symmle"] = fit
    if case.scipy_fit is not None:
        jobs["scipy"] = lambda: case.scipy_fit(x)
    if case.floor is not None:
        jobs["floor"] = lambda: case.floor(x)
        checked = _support_check(d, case) if d is not None else None
        if checked is not None:  # (c'): the floor and the data check a careful fit makes
            row["floor_checked"] = f"{case.floor_label}; {checked[1]}"
            jobs["floor_checked"] = lambda: (case.floor(x), checked[0](x))
    times: dict[str, list[float]] = {k: [] for k in jobs}
    outputs: dict[str, Any] = {}
    failed: set[str] = set()
    gc.collect()
    if not COLD:
        gc.disable()  # as timeit does: no collection lands inside a timed call
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(repeat):
            for key, job in jobs.items():
                if key in failed:
                    continue
                try:
                    seconds, outputs[key] = _timed(job)
                    times[key].append(seconds)
                except Exception as exc:  # noqa: BLE001
                    failed.add(key)
                    row[f"{key}_error"] = _error(exc)
        # ℓ(θ̂) is computed when it is first read: the fit with ℓ read is timed in a loop of its
        # own, interleaved with the floor (its passes over the data would disturb the others)
        if result is not None and case.floor is not None and "floor" not in failed:
            pair = {"symmle_ll": lambda: fit().log_likelihood, "floor_ll": lambda: case.floor(x)}
            times.update({k: [] for k in pair})
            for _ in range(repeat):
                for key, job in pair.items():
                    times[key].append(_timed(job)[0])
    gc.enable()
    for key, ts in times.items():
        if ts and key not in failed:
            row[f"{key}_ms"] = statistics.median(ts) * 1e3
    row["repeat"] = repeat

    if "scipy" in outputs and "scipy" not in failed:
        est = {k: float(v) for k, v in outputs["scipy"].items()}
        row["scipy_estimates"] = est
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                row["scipy_log_likelihood"] = case.scipy_ll(x, est)
        except Exception as exc:  # noqa: BLE001
            row["notes"].append(f"SciPy log-likelihood failed: {_error(exc)}")
        if result is not None:
            diffs = [abs(result.estimates[k] - v) / max(abs(v), 1e-300) for k, v in est.items()
                     if k in result.estimates]
            row["max_rel_estimate_difference"] = max(diffs) if diffs else None
            if "scipy_log_likelihood" in row:
                row["ll_difference"] = result.log_likelihood - row["scipy_log_likelihood"]

    if d is not None and case.floor is not None:
        problem = _check_floor(case, d, x)
        if problem:
            row["notes"].append(problem)

    # (b): the generic fit, on a subsample, scaled; as a user calls it (SciPy picks the start,
    # by its moment-based _fitstart, which integrates the pdf numerically), and (b0) with the
    # starting values given (each shape 1.0, SciPy's own default, and loc/scale), which skips
    # _fitstart and leaves the optimiser alone
    if generic and case.generic is not None:
        sub = np.ascontiguousarray(x[::SUBSAMPLE_FACTOR])
        row["generic_subsample_n"] = int(sub.size)
        dist = generic_distribution(case.generic)
        start = [1.0] * len(case.generic[1])
        variants = {
            "generic": (lambda: dist.fit(sub, floc=0, fscale=1), generic_repeat),
            "generic_start": (lambda: dist.fit(sub, *start, loc=0, scale=1, floc=0, fscale=1),
                              max(3, generic_repeat)),
        }
        for key, (job, times_) in variants.items():
            ts = []
            try:
                with warnings.catch_warnings(), np.errstate(all="ignore"):
                    warnings.simplefilter("ignore")
                    for _ in range(times_):
                        seconds, out = _timed(job)
                        ts.append(seconds)
            except Exception as exc:  # noqa: BLE001
                row[f"{key}_error"] = _error(exc)
                first = (str(exc).splitlines() or [""])[0]
                row["notes"].append(f"({'b' if key == 'generic' else 'b0'}) failed: "
                                    f"{_error(exc)}: {first}")
                continue
            row[f"{key}_ms"] = statistics.median(ts) * 1e3 * SUBSAMPLE_FACTOR
            row[f"{key}_estimates"] = [float(v) for v in out[:-2]]
            if result is not None:
                check = symmle.fit(case.model, sub, derivation=d,
                                   known_values=case.known or None)
                mine = list(check.estimates.values())
                rel = max(abs(a - b) / max(abs(a), 1e-300) for a, b in zip(mine, out[:-2]))
                row[f"{key}_vs_symmle_subsample_rel_difference"] = rel
                if rel > 1e-3:
                    row["notes"].append(f"({'b' if key == 'generic' else 'b0'}) converged "
                                        f"{rel:.1e} (relative) away from symmle's estimate on "
                                        "the same subsample")

    s = row.get("symmle_ms")
    if s:
        if row.get("scipy_ms"):
            row["ratio_a"] = s / row["scipy_ms"]
        if row.get("generic_ms"):
            row["ratio_b"] = row["generic_ms"] / s
        if row.get("generic_start_ms"):
            row["ratio_b0"] = row["generic_start_ms"] / s
        if row.get("floor_checked_ms"):
            row["ratio_c_checked"] = s / row["floor_checked_ms"]
        if row.get("floor_ms"):
            row["ratio_c"] = s / row["floor_ms"]
            if row.get("symmle_ll_ms"):
                row["ratio_c_with_ll"] = row["symmle_ll_ms"] / row["floor_ll_ms"]
    return row


# ---------------------------------------------------------------------------------------------
# targets


def summarize(rows: list[dict], generic: bool) -> dict:
    def worst(items: list[tuple[str, float]], reverse: bool) -> list[list]:
        return [[k, v] for k, v in sorted(items, key=lambda kv: kv[1], reverse=reverse)[:3]]

    a = [(r["name"], r["ratio_a"]) for r in rows
         if "ratio_a" in r and not r["scipy_is_closed_form_stand_in"]]
    a_over = [(k, v) for k, v in a if v > TARGET_A]
    stand_in = [(r["name"], r["ratio_a"]) for r in rows
                if "ratio_a" in r and r["scipy_is_closed_form_stand_in"]]
    b = [(r["name"], r["ratio_b"]) for r in rows if "ratio_b" in r]
    b_under = [(k, v) for k, v in b if v < TARGET_B]
    b_failed = [r["name"] for r in rows if "generic_error" in r]
    b0 = [(r["name"], r["ratio_b0"]) for r in rows if "ratio_b0" in r]
    c = [(r["name"], r["ratio_c"]) for r in rows if "ratio_c" in r and r["closed_form"]]
    c_over = [(k, v) for k, v in c if v > TARGET_C]
    failed = [r["name"] for r in rows if r["error"]]
    out: dict[str, Any] = {
        "a": {"target": f"symmle/(SciPy .fit) <= {TARGET_A:g} for every family",
              "compared": len(a), "met": bool(a) and not a_over,
              "not_met_count": len(a_over), "not_met_by": worst(a_over, True),
              "worst": worst(a, True),
              "closed_form_stand_ins_not_counted": worst(stand_in, True)},
        "b": {"target": f"(generic rv_continuous.fit)/symmle >= {TARGET_B:g}",
              "compared": len(b), "met": (bool(b) and not b_under) if generic else None,
              "not_met_count": len(b_under),
              "not_met_by": worst(b_under, False), "worst": worst(b, False),
              "generic_failed": b_failed,
              "with_starting_values_b0": {"compared": len(b0),
                                          "at_least_target": sum(v >= TARGET_B for _, v in b0),
                                          "worst": worst(b0, False)}},
        "c": {"target": f"symmle/(NumPy floor) <= {TARGET_C:g} for closed-form families",
              "compared": len(c), "met": bool(c) and not c_over, "not_met_count": len(c_over),
              "not_met_by": worst(c_over, True), "worst": worst(c, True)},
        "failed": failed,
    }
    w = next((r for r in rows if r["name"] == "weibull"), None)
    if w is None or "ratio_a" not in w:
        out["weibull"] = {"target": "weibull_min.fit/symmle >= 10 at equal or higher ℓ",
                          "met": None, "reason": "not measured"}
    else:
        speedup = 1 / w["ratio_a"]
        diff = w.get("ll_difference")
        ll_ok = diff is not None and diff >= -LL_TOLERANCE * abs(w["scipy_log_likelihood"])
        out["weibull"] = {"target": f"weibull_min.fit/symmle >= {TARGET_WEIBULL:g} at equal or "
                                    f"higher ℓ (difference >= -{LL_TOLERANCE:g}·|ℓ|)",
                          "speedup": speedup, "ll_difference": diff,
                          "met": speedup >= TARGET_WEIBULL and ll_ok}
    return out


# ---------------------------------------------------------------------------------------------
# output


def _f(value: Any, fmt: str, width: int) -> str:
    if value is None:
        return f"{'-':>{width}}"
    return f"{format(value, fmt):>{width}}"


HEADER = (f"{'model':<24} {'cf':>3} {'n':>8} {'fit ms':>8} {'1st ms':>8} {'derive s':>8} "
          f"{'(a) ms':>9} {'sym/(a)':>8} {'(b) ms*':>9} {'(b)/sym':>8} {'(b0) ms*':>8} "
          f"{'(b0)/sym':>8} {'(c) ms':>7} "
          f"{'sym/(c)':>8} {'+ℓ/(c)':>7} {'sym/(c′)':>8} {'Δℓ sym-sci':>11}  (a) is")


def _line(r: dict) -> str:
    cf = "-" if r["closed_form"] is None else ("yes" if r["closed_form"] else "no")
    head = f"{r['name']:<24} {cf:>3} {r['n']:>8} "
    fit = f"{'error':>8}" if r["error"] else _f(r.get("symmle_ms"), ".2f", 8)
    mid = (fit + " " + _f(r.get("first_fit_ms"), ".1f", 8)
           + " " + _f(r.get("derive_s"), ".2f", 8))
    a = (_f(r.get("scipy_ms"), ".2f", 9) if "scipy_error" not in r
         else f"{r['scipy_error'][:9]:>9}")
    if "scipy_ms" not in r and "scipy_error" not in r:
        a = f"{'n/a':>9}"
    ratio_a = _f(r.get("ratio_a"), ".3f", 8)
    if "generic_error" in r:
        b = f"{r['generic_error'][:9]:>9}"
    elif "generic_ms" in r:
        b = _f(r["generic_ms"], ".0f", 9)
    else:
        b = f"{'':>9}"
    ratio_b = _f(r.get("ratio_b"), ".0f", 8) if "ratio_b" in r else f"{'':>8}"
    if "generic_start_error" in r:
        b0 = f"{r['generic_start_error'][:8]:>8}"
    elif "generic_start_ms" in r:
        b0 = _f(r["generic_start_ms"], ".0f", 8)
    else:
        b0 = f"{'':>8}"
    ratio_b0 = _f(r.get("ratio_b0"), ".0f", 8) if "ratio_b0" in r else f"{'':>8}"
    c = _f(r.get("floor_ms"), ".2f", 7) if r.get("floor_ms") else f"{'n/a':>7}"
    ratio_c = _f(r.get("ratio_c"), ".2f", 8)
    ratio_cl = _f(r.get("ratio_c_with_ll"), ".2f", 7)
    ratio_cc = _f(r.get("ratio_c_checked"), ".2f", 8)
    dll = _f(r.get("ll_difference"), "+.3g", 11)
    what = r["scipy"] + (" †" if r["scipy_is_closed_form_stand_in"] else "")
    return (f"{head}{mid} {a} {ratio_a} {b} {ratio_b} {b0} {ratio_b0} {c} {ratio_c} {ratio_cl} "
            f"{ratio_cc} {dll}  {what}")


def _verdict(met: bool | None) -> str:
    return "skipped" if met is None else ("met" if met else "NOT met")


def print_report(rows: list[dict], summary: dict, meta: dict) -> None:
    print("-" * len(HEADER))
    print(f"n = {meta['n']} simulated observations per model (seed {meta['seed']}); times are "
          f"medians of {REPEAT} calls ({REPEAT_NUMERIC} without a closed form), interleaved, "
          + ("a garbage collection before each call (--cold)" if meta["timing"] == "cold"
             else "garbage collection off while timing, as timeit does")
          + "; " + ("pinned to one core" if meta["pinned"] else "NOT pinned to one core"))
    print("fit ms: symmle.fit with the derivation reused; 1st ms: its first call (compiles the "
          "derivation); derive s: symmle.derive once, cold cache")
    print("(a): SciPy's own <dist>.fit with the same parameters fixed; † = no SciPy fit exists, "
          "(a) is the closed form written in NumPy (not counted in target (a))")
    if meta["generic"]:
        print(f"(b) ms*: SciPy's generic rv_continuous.fit of a pdf-only subclass, run on a "
              f"{meta['n'] // SUBSAMPLE_FACTOR} subsample (every {SUBSAMPLE_FACTOR}th "
              f"observation), time ×{SUBSAMPLE_FACTOR}; median of {meta['generic_repeat']}")
        print(f"(b0) ms*: the same with starting values given (each shape 1.0, loc=0, scale=1), "
              f"which skips SciPy's moment-based _fitstart (numerical integration, whose cost "
              f"does not grow with n, so ×{SUBSAMPLE_FACTOR} overstates it in (b)); median of "
              f"{max(3, meta['generic_repeat'])}")
    else:
        print("(b): skipped (--quick / --no-generic)")
    print("(c): one NumPy pass computing the same sufficient statistics (the floor)")
    print("(c′): the floor and the support check a careful hand-written fit adds (x.min() at "
          "a finite lower end, x.max() at a finite upper end); for information, not a target")
    print("Δℓ sym-sci: ℓ at symmle's estimate minus ℓ at (a)'s estimate, both on the full sample")
    notes = [(r["name"], note) for r in rows for note in r["notes"]]
    for r in rows:
        if r["error"]:
            notes.append((r["name"], f"{r['error']}: {r.get('message', '')}"))
    if notes:
        print("notes:")
        for name, note in notes:
            print(f"  {name}: {note if len(note) < 150 else note[:147] + '...'}")
    print("-" * len(HEADER))

    def names(pairs: list[list], fmt: str) -> str:
        return ", ".join(f"{k} {format(v, fmt)}" for k, v in pairs) or "none"

    a, b, c, w = summary["a"], summary["b"], summary["c"], summary["weibull"]
    print(f"target (a) {a['target']}: {_verdict(a['met'])} ({a['compared']} compared, "
          f"{a['not_met_count']} over); "
          f"worst: {names(a['worst'], '.3f')}")
    if a["not_met_by"]:
        print(f"    slower than SciPy: {names(a['not_met_by'], '.3f')}")
    print(f"target (b) {b['target']}: {_verdict(b['met'])} ({b['compared']} compared, "
          f"{b['not_met_count']} under); "
          f"worst: {names(b['worst'], '.0f')}"
          + (f"; (b) failed for {', '.join(b['generic_failed'])}" if b["generic_failed"] else ""))
    b0 = b["with_starting_values_b0"]
    if b0["compared"]:
        print(f"    with starting values (b0), not the target's measure: "
              f"{b0['at_least_target']} of {b0['compared']} at least {TARGET_B:g}×; "
              f"worst: {names(b0['worst'], '.0f')}")
    print(f"target (c) {c['target']}: {_verdict(c['met'])} ({c['compared']} compared, "
          f"{c['not_met_count']} over); "
          f"worst: {names(c['worst'], '.2f')}")
    if "speedup" in w:
        print(f"target weibull {w['target']}: {_verdict(w['met'])} (speed-up "
              f"{w['speedup']:.1f}×, Δℓ {w['ll_difference']:+.3g})")
    else:
        print(f"target weibull: {_verdict(None)} ({w['reason']})")
    if summary["failed"]:
        print(f"failed: {', '.join(summary['failed'])}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these models (catalog names, or hw_power, hw_power_plus_one, "
                             "hw_gamma2, hw_exp_scale)")
    parser.add_argument("--generic", action=argparse.BooleanOptionalAction, default=True,
                        help="time (b), SciPy's generic rv_continuous.fit (default: on)")
    parser.add_argument("--quick", action="store_true", help="skip (b)")
    parser.add_argument("--generic-repeat", type=int, default=1, metavar="K",
                        help="(b): median of K calls (default: 1; each takes seconds)")
    parser.add_argument("--n", type=int, default=1_000_000, help="observations (default: 10⁶)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    parser.add_argument("--float-counts", action="store_true",
                        help="give discrete data to all three as float64 (default: int64)")
    parser.add_argument("--cold", action="store_true",
                        help="collect garbage before every timed call (caches start cold)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target is not met or a model fails")
    args = parser.parse_args(argv)
    generic = args.generic and not args.quick
    global COLD
    COLD = args.cold

    sys.path.insert(0, str(ROOT))  # the checkout's symmle, whether or not it is installed
    import scipy
    import symmle
    import symmle.families

    pinned = pin_to_one_core()
    cases = _cases()
    known_names = {c.name for c in cases}
    catalog = [f.name for f in symmle.families.FAMILIES]
    missing = [name for name in catalog if name not in known_names]
    if args.only:
        unknown = [name for name in args.only if name not in known_names]
        if unknown:
            parser.error(f"unknown model(s): {', '.join(unknown)} (choose from "
                         f"{', '.join(c.name for c in cases)})")
        cases = [c for c in cases if c.name in args.only]
    try:  # the modules SymPy and symmle import on first use, outside any timing
        symmle.fit("poisson", [1.0, 2.0, 3.0])
    except Exception:  # noqa: BLE001
        pass

    meta = {"n": args.n, "seed": args.seed, "pinned": pinned, "generic": generic,
            "generic_repeat": args.generic_repeat, "repeat": REPEAT,
            "repeat_numeric": REPEAT_NUMERIC, "subsample_factor": SUBSAMPLE_FACTOR,
            "timing": "cold" if args.cold else "warm", "numpy": np.__version__,
            "scipy": scipy.__version__,
            "python": sys.version.split()[0],
            "catalog_families_without_a_case": missing}
    if not args.json:
        print(HEADER)
        if missing:
            print(f"(catalog families this benchmark does not know yet: {', '.join(missing)})")
    rows = []
    for case in cases:
        row = run_case(case, args.n, args.seed, generic, args.generic_repeat, args.float_counts)
        rows.append(row)
        if not args.json:
            print(_line(row), flush=True)
    summary = summarize(rows, generic)
    if args.json:
        print(json.dumps({**meta, "rows": rows, "summary": summary}, indent=2, default=float))
    else:
        print_report(rows, summary, meta)
    if args.check:
        targets = [summary["a"]["met"], summary["c"]["met"], summary["weibull"]["met"]]
        if generic:
            targets.append(summary["b"]["met"])
        if summary["failed"] or not all(t is not False for t in targets):
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
