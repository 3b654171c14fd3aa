"""Regression (conditional models): derive time per model, and fit time and agreement with an
independent optimiser on simulated data (numpy.linalg.lstsq for least squares,
scipy.optimize.minimize on the negative log-likelihood otherwise).

Then multiple linear regression with K covariates (``--covariates``, default 2 3 5 8): the
derive time (the sums form up to 2 covariates, the matrix form y = Xβ + ε from 3), the fit time
and the largest difference from numpy.linalg.lstsq.

    python benchmarks/regression_speed.py            # 10^5 rows
    python benchmarks/regression_speed.py --rows 1000000 --covariates 3 10
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout's symmle

import symmle  # noqa: E402
from symmle.regression_fit import fit_conditional  # noqa: E402

MODELS = {
    "linear_regression": {},
    "logistic_regression": {},
    "poisson_regression": {},
    "through_origin": dict(model="exp(-(y - b*x)**2/(2*s2))/sqrt(2*pi*s2)", var="y",
                           covariates=["x"], params=["b:real", "s2:positive"], support="real"),
    "exponential_rate": dict(model="exp(b*x)*exp(-exp(b*x)*y)", var="y", covariates=["x"],
                             params=["b:real"], support="y > 0"),
}


def simulate(name: str, x: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    n = x.size
    return {
        "linear_regression": lambda: 1 + 2 * x + rng.normal(size=n),
        "logistic_regression": lambda: (rng.uniform(size=n)
                                        < 1 / (1 + np.exp(-(0.3 - 1.2 * x)))).astype(float),
        "poisson_regression": lambda: rng.poisson(np.exp(0.5 + 0.8 * x)).astype(float),
        "through_origin": lambda: 2 * x + rng.normal(size=n),
        "exponential_rate": lambda: rng.exponential(1 / np.exp(0.8 * x)),
    }[name]()


def reference(name: str, x: np.ndarray, y: np.ndarray, k: int) -> np.ndarray:
    if name == "linear_regression":
        return np.linalg.lstsq(np.c_[np.ones_like(x), x], y, rcond=None)[0]
    if name == "through_origin":
        return np.linalg.lstsq(x[:, None], y, rcond=None)[0]
    negll = {
        "logistic_regression": lambda b: np.sum(np.logaddexp(0, b[0] + b[1] * x)
                                                - y * (b[0] + b[1] * x)),
        "poisson_regression": lambda b: np.sum(np.exp(b[0] + b[1] * x) - y * (b[0] + b[1] * x)),
        "exponential_rate": lambda b: -np.sum(b[0] * x - np.exp(b[0] * x) * y),
    }[name]
    return minimize(negll, np.zeros(k), method="BFGS", options={"gtol": 1e-9}).x


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--covariates", type=int, nargs="+", default=[2, 3, 5, 8], metavar="K")
    args = parser.parse_args()
    rng = np.random.default_rng(11)
    x = rng.normal(size=args.rows)
    print(f"{'model':<22}{'derive s':>10}{'fit s':>9}{'iters':>7}{'max |β̂ − ref|':>16}")
    for name, kw in MODELS.items():
        kw = dict(kw)
        model = kw.pop("model", name)
        t = time.perf_counter()
        d = symmle.derive(model, timeout=120, **kw)
        derive_s = time.perf_counter() - t
        y = simulate(name, x, rng)
        t = time.perf_counter()
        r = fit_conditional(d, {"y": y, "x": x})
        fit_s = time.perf_counter() - t
        coefs = np.array([v for k, v in r.estimates.items() if k.startswith("b")])
        diff = np.max(np.abs(coefs - reference(name, x, y, coefs.size)))
        print(f"{name:<22}{derive_s:>10.2f}{fit_s:>9.3f}{r.iterations:>7}{diff:>16.2e}")
    print()
    print(f"{'covariates':<12}{'form':>8}{'derive s':>10}{'fit s':>9}{'max |β̂ − lstsq|':>18}")
    for k in args.covariates:
        names = [f"x{j}" for j in range(1, k + 1)]
        mean = " - ".join(["b0", *(f"b{j}*x{j}" for j in range(1, k + 1))])
        t = time.perf_counter()
        d = symmle.derive(f"exp(-(y - {mean})**2/(2*s2))/sqrt(2*pi*s2)", var="y",
                          covariates=names, support="real", timeout=120,
                          params=[*(f"b{j}:real" for j in range(k + 1)), "s2:positive"])
        derive_s = time.perf_counter() - t
        cols = rng.normal(size=(args.rows, k))
        y = 1 + cols @ np.arange(1, k + 1) / k + rng.normal(size=args.rows)
        t = time.perf_counter()
        r = fit_conditional(d, {"y": y, **{n: cols[:, j] for j, n in enumerate(names)}})
        fit_s = time.perf_counter() - t
        coefs = np.array([r.estimates[f"b{j}"] for j in range(k + 1)])
        ref = np.linalg.lstsq(np.c_[np.ones(args.rows), cols], y, rcond=None)[0]
        form = "matrix" if getattr(d, "matrix_form", False) else "sums"
        print(f"{k:<12}{form:>8}{derive_s:>10.2f}{fit_s:>9.3f}{np.max(np.abs(coefs - ref)):>18.2e}")


if __name__ == "__main__":
    main()
