"""The log-likelihood of a sample around θ̂, for ``symmle derive --data FILE --plot``.

:func:`loglik_slices` fits θ̂ on the sample and, for each parameter in turn (the others held at
their estimates: a slice through θ̂), evaluates ℓ on a grid around θ̂: θ̂ ± 4 standard errors
where a standard error exists, else ±50% of |θ̂| (±1 when θ̂ = 0), clipped to the parameter's
domain. The grid holds θ̂ itself, so the highest point drawn is the maximum. Points where ℓ is
−∞ (outside the support: θ < max xᵢ for the uniform) are left out.

The curves are drawn by :func:`symmle.render.render_latex` (``plot=``) as pgfplots axes with the
coordinates inline (the LaTeX then needs ``\\usepackage{pgfplots}``), or into an SVG file
by :func:`write_svg` through matplotlib (the optional extra ``pip install symmle[plot]``),
which :func:`symmle.render.render_markdown` (``plot=``, ``svg=``) links.

Examples
--------
>>> from symmle import derive
>>> d = derive("poisson")
>>> plot = loglik_slices(d, [1, 2, 3, 4])
>>> curve = plot.curves[0]
>>> curve.name, curve.estimate, round(float(curve.values.max()), 6) == round(plot.log_likelihood, 6)
('lambda', 2.5, True)
>>> "\\\\addplot" in d.to_latex(plot=plot)
True
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
import sympy as sp

from .errors import DataError, SymmleError

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation
    from .numeric import FitResult

__all__ = ["Curve", "LikelihoodPlot", "MissingExtraError", "loglik_slices",
           "write_svg", "svg_path", "have_matplotlib", "POINTS"]

POINTS = 81  # grid points per curve (odd: θ̂ is the middle one when nothing is clipped)
SPAN_SE = 4.0  # half-width of the grid in standard errors
SPAN_REL = 0.5  # half-width relative to |θ̂| when there is no standard error


class MissingExtraError(SymmleError, ImportError):
    """An optional dependency is not installed (the message names the extra to install)."""

    exit_code = 1


@dataclass(frozen=True)
class Curve:
    """ℓ along one parameter, the others held at their estimates."""

    name: str
    estimate: float
    grid: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    standard_error: float | None = None


@dataclass(frozen=True)
class LikelihoodPlot:
    """The slices of ℓ through θ̂ for one sample: one :class:`Curve` per parameter."""

    curves: tuple[Curve, ...]
    log_likelihood: float
    n: int
    fit: "FitResult" = field(repr=False, compare=False)


def _inside_support(d: "Derivation", data: np.ndarray, theta: Mapping[sp.Symbol, float],
                    known: Mapping[sp.Symbol, float]) -> bool:
    """Whether every observation is in the support at θ (only a support-dependent model's
    support moves with θ). Its closure: θ̂ = max xᵢ of the uniform is on the curve."""
    supp = d.model.support
    values = {**known, **theta}
    lo, hi = (sp.sympify(e).subs({k: sp.Float(v) for k, v in values.items()})
              for e in (supp.lower, supp.upper))
    if supp.kind == "finite" or lo.free_symbols or hi.free_symbols:
        return True
    lo, hi = float(lo), float(hi)
    first, last = float(data.min()), float(data.max())
    return lo <= first and last <= hi


def _range(estimate: float, se: float | None, lower: float, upper: float) -> tuple[float, float]:
    if se is not None and math.isfinite(se) and se > 0:
        half = SPAN_SE * se
    else:
        half = SPAN_REL * abs(estimate) or 1.0
    lo, hi = estimate - half, estimate + half
    # an open end of the domain is approached, not reached (ℓ is often -∞ there), and not so
    # closely that its fall towards -∞ hides the shape around θ̂
    if lo <= lower:
        lo = lower + 0.1 * (estimate - lower) if estimate > lower else lower
    if hi >= upper:
        hi = upper - 0.1 * (upper - estimate) if estimate < upper else upper
    return lo, hi


def loglik_slices(d: "Derivation", data: Any, *, points: int = POINTS,
                  known_values: Mapping[str, float] | None = None) -> LikelihoodPlot:
    """Fit θ̂ on ``data`` and evaluate ℓ (constants included) on a grid around θ̂ along each
    parameter, the others held at their estimates.

    Parameters
    ----------
    d
        The derivation of a model of one sample (not a regression).
    data
        A sequence or 1-D array of observations.
    points
        Grid points per parameter (θ̂ is added when the grid misses it).
    known_values
        Values of the model's known constants, as for :func:`symmle.fit`.

    Raises
    ------
    DataError
        Empty, non-finite or out-of-support data (as :func:`symmle.fit`), or a conditional model.

    Examples
    --------
    >>> from symmle import derive
    >>> plot = loglik_slices(derive("normal"), [1.0, 2.0, 4.0], points=5)
    >>> [c.name for c in plot.curves], plot.n
    (['mu', 'sigma2'], 3)
    """
    from .compile import Problem, compiled
    from .numeric import _known_values, fit

    if hasattr(d, "covariates"):
        raise DataError("--plot draws the log-likelihood of one sample; conditional models "
                        "(regressions) are not plotted")
    result = fit(d.model, data, known_values=known_values, derivation=d)
    arr = np.asarray(data, dtype=float)
    known = _known_values(d, known_values)
    prob = Problem(compiled(d), arr, list(known.values()), d.model.discrete)
    params = d.model.params
    theta = [result.estimates[p.name] for p in params]
    if not all(math.isfinite(v) for v in theta):
        raise DataError("no finite estimate for this sample: nothing to plot")
    support_moves = bool(set(params) & (sp.sympify(d.model.support.lower).free_symbols
                                        | sp.sympify(d.model.support.upper).free_symbols))
    curves = []
    for j, p in enumerate(params):
        dom = d.model.domains[p]
        lower, upper = float(dom.lower), float(dom.upper)
        se = result.standard_errors.get(p.name)
        lo, hi = _range(theta[j], se, lower, upper)
        grid = np.linspace(lo, hi, points)
        near = np.abs(grid - theta[j]) <= 1e-9 * max(1.0, abs(theta[j]))
        grid = np.union1d(grid[~near], [theta[j]])  # θ̂ itself, once
        values = []
        for v in grid:
            point = list(theta)
            point[j] = float(v)
            ok = not support_moves or _inside_support(
                d, arr, {q: t for q, t in zip(params, point)}, known)
            value = prob.value(point) + prob.constant if ok else -math.inf
            if v == theta[j] and not math.isfinite(value):
                value = float(result.log_likelihood)  # θ̂ on an edge: ℓ there is the limit
            values.append(value)
        values_arr = np.array(values, dtype=float)
        keep = np.isfinite(values_arr)
        curves.append(Curve(p.name, float(theta[j]), grid[keep], values_arr[keep],
                            se if se is not None and math.isfinite(se) else None))
    return LikelihoodPlot(tuple(curves), float(result.log_likelihood), int(arr.size), result)


# --- SVG through matplotlib -------------------------------------------------------------------


def svg_path(markdown_path: str | Path) -> Path:
    """Where the SVG of a Markdown file goes: ``FILE.md`` → ``FILE-loglik.svg`` beside it.

    >>> svg_path("out/poisson.md").as_posix()
    'out/poisson-loglik.svg'
    """
    p = Path(markdown_path)
    return p.with_name(p.stem + "-loglik.svg")


def have_matplotlib() -> bool:
    """Whether matplotlib (the extra ``symmle[plot]``) can be imported, without importing it."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


MISSING_MATPLOTLIB = ("--plot with --format md draws the SVG with matplotlib, which is not "
                      "installed: pip install 'symmle[plot]' (or use --format latex, which "
                      "needs no extra)")


def write_svg(plot: LikelihoodPlot, path: str | Path) -> Path:
    """Draw the curves (one panel per parameter) into an SVG file with matplotlib.

    Raises
    ------
    MissingExtraError
        When matplotlib is not installed (``pip install symmle[plot]``).
    """
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        import matplotlib.pyplot as plt
    except ImportError:
        raise MissingExtraError(MISSING_MATPLOTLIB) from None
    k = len(plot.curves)
    fig, axes = plt.subplots(k, 1, figsize=(6, 3.2 * k), squeeze=False)
    try:
        for ax, c in zip(axes[:, 0], plot.curves):
            ax.plot(c.grid, c.values, color="C0")
            peak = float(c.values[np.argmin(np.abs(c.grid - c.estimate))])
            ax.axvline(c.estimate, color="0.5", linestyle="--", linewidth=1)
            ax.plot([c.estimate], [peak], "o", color="C3")
            ax.set_xlabel(c.name)
            ax.set_ylabel(f"log-likelihood ({c.name})")
            ax.ticklabel_format(useOffset=False, style="plain", axis="both")
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    return path
