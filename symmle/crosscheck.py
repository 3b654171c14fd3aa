"""Numeric cross-checks of sample-notation expressions: random parameters, random samples.

A claimed step is never judged by SymPy alone. :func:`points` draws parameter values inside
their domains and samples inside the support at those values (several sample sizes, plus the
extreme samples of a discrete support: all at the lowest value, all at the highest), and
:class:`Evaluator` computes an expression in sample notation (``Sum(h(x[i]), (i, 1, n))``,
``n``, ``x_min``, ``x_max``, ``x_med``, the parameters) on them with NumPy.

Examples
--------
>>> import sympy as sp
>>> from symmle.notation import X, I, N
>>> e = Evaluator(N / Sum(X[I], (I, 1, N)), [], sp.IndexedBase("x")[I], (None, None))
>>> e(Point(np.array([1.0, 3.0]), {}))
0.5
"""
from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np
import sympy as sp
from sympy import Sum

from .model import Model
from .notation import I, N
from .probe import known_values

__all__ = ["Point", "Evaluator", "points", "agree", "compare", "same_sample_points",
           "conditional_points", "SIZES"]

SIZES = (2, 3, 4, 5, 7, 10, 20, 50)
RTOL = 1e-7


@dataclass(frozen=True)
class Point:
    """A sample and a value for every parameter and known constant."""

    sample: np.ndarray
    values: dict[sp.Symbol, float] = field(default_factory=dict)
    boundary: bool = False
    columns: dict[str, np.ndarray] = field(default_factory=dict)  # a conditional model's x

    def to_dict(self) -> dict:
        out = {"n": int(self.sample.size),
               "sample": [round(float(v), 6) for v in self.sample],
               "parameters": {s.name: round(float(v), 6) for s, v in self.values.items()}}
        if self.columns:
            out["covariates"] = {k: [round(float(v), 6) for v in c]
                                 for k, c in self.columns.items()}
        return out


def _modules() -> list:
    try:
        import scipy.special  # noqa: F401
        return ["scipy", "numpy"]
    except ImportError:  # pragma: no cover
        return ["numpy"]


class Evaluator:
    """``expr`` (sample notation) as a function of a :class:`Point`; ``nan`` where undefined."""

    def __init__(self, expr: sp.Expr, symbols: Sequence[sp.Symbol], obs: sp.Expr,
                 stats: Sequence[sp.Symbol | None], covariates: Sequence[str] = ()) -> None:
        """``stats``: the ``x_min`` and ``x_max`` symbols, and optionally ``x_med`` (the sample
        median); ``None`` where the expression has none. ``covariates``: the names of a
        conditional model's covariates, whose ``x[i]`` are read from ``Point.columns``."""
        # Sums are evaluated innermost first, each as NumPy over the sample, without expanding
        # anything (Σ (x_i + λ)^2000 costs no more than Σ x_i).
        expr = sp.sympify(expr)
        self.symbols = list(symbols)
        lo, hi, med = (*stats, None)[:3]
        self.stat_syms = [lo or sp.Dummy(), hi or sp.Dummy(), med or sp.Dummy()]
        t = sp.Dummy("t")
        base = obs.base if isinstance(obs, sp.Indexed) else obs
        self.covariates = list(covariates)
        cov = {sp.IndexedBase(c): sp.Dummy(c) for c in self.covariates}
        self.sums: list = []  # (function, how many earlier sums it takes)
        done: list[sp.Symbol] = []
        while True:
            inner = sorted((s for s in expr.atoms(Sum) if not s.function.has(Sum)),
                           key=sp.default_sort_key)
            if not inner:
                break
            table = {}
            for s in inner:
                body = s.function.replace(lambda e: isinstance(e, sp.Indexed) and e.base == base,
                                          lambda e: t)
                body = body.replace(lambda e: isinstance(e, sp.Indexed) and e.base in cov,
                                    lambda e: cov[e.base])
                args = [t, *cov.values(), *done, N, *self.stat_syms, *self.symbols]
                self.sums.append((sp.lambdify(args, body, modules=_modules()), len(done)))
                table[s] = sp.Symbol(f"_S{len(done) + len(table)}")
            done.extend(table.values())
            expr = expr.xreplace(table)
        args = [*done, N, *self.stat_syms, *self.symbols]
        self.outer = sp.lambdify(args, expr, modules=_modules())

    def __call__(self, p: Point) -> float:
        vals = [p.values.get(s, math.nan) for s in self.symbols]
        x = p.sample
        if any(c not in p.columns for c in self.covariates):
            return math.nan
        columns = [p.columns[c] for c in self.covariates]
        common = [x.size, float(x.min()), float(x.max()), float(np.median(x)), *vals]
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                sums: list[float] = []
                for f, k in self.sums:  # each sum sees the sums of the levels inside it
                    value = f(x, *columns, *sums[:k], *common)
                    sums.append(float(np.sum(np.broadcast_to(value, x.shape))))
                out = complex(self.outer(*sums, *common))
            except (ArithmeticError, ValueError, TypeError, OverflowError):
                return math.nan
        if abs(out.imag) > 1e-9 * max(1.0, abs(out.real)):
            return math.nan
        return out.real


def agree(a: float, b: float, rtol: float = RTOL) -> bool | None:
    """Whether two values agree; ``None`` when neither is a finite number (uninformative)."""
    fa, fb = math.isfinite(a), math.isfinite(b)
    if not fa and not fb:
        return None
    if fa != fb:
        return False
    return abs(a - b) <= rtol * max(1.0, abs(a), abs(b))


def _draw(lo: float, hi: float, integer: bool, rng: np.random.Generator) -> float:
    if integer:
        lo_i = math.ceil(lo) if math.isfinite(lo) else 0
        hi_i = math.floor(hi) if math.isfinite(hi) else lo_i + 12
        return float(rng.integers(lo_i, max(lo_i, hi_i) + 1))
    if math.isfinite(lo) and math.isfinite(hi):
        w = hi - lo
        return float(rng.uniform(lo + 0.05 * w, hi - 0.05 * w))
    if math.isfinite(lo):
        return float(lo + 0.1 + rng.exponential(2.0))
    if math.isfinite(hi):
        return float(hi - 0.1 - rng.exponential(2.0))
    return float(rng.normal(0.0, 2.0))


def _float(e: sp.Expr) -> float:
    try:
        return float(sp.sympify(e))
    except (TypeError, ValueError):
        return math.nan


def _draw_values(model: Model, rng: np.random.Generator) -> dict[sp.Symbol, float] | None:
    values: dict[sp.Symbol, float] = {k: _float(v) for k, v in known_values(model).items()}
    for p in model.params:
        dom = model.domains[p]
        lo = _float(sp.sympify(dom.lower).subs(values))
        hi = _float(sp.sympify(dom.upper).subs(values))
        if math.isnan(lo) or math.isnan(hi):
            return None
        values[p] = _draw(lo, hi, dom.integer, rng)
    for c in getattr(model, "constraints", ()) or ():
        if not _float(sp.sympify(c).subs(values)) > 0:
            return None
    return values


def _draw_sample(model: Model, values: dict[sp.Symbol, float], n: int,
                 rng: np.random.Generator) -> np.ndarray | None:
    s = model.support.subs(values)
    if s.kind == "finite":
        vals = [_float(v) for v in s.values]
        return rng.choice(np.array(vals), size=n)
    lo, hi = _float(s.lower), _float(s.upper)
    if not lo < hi:  # parameters that leave the support empty (a > b)
        return None
    if s.kind == "integers":
        lo = lo if math.isfinite(lo) else 0.0
        span = hi - lo if math.isfinite(hi) else math.inf
        draws = lo + np.minimum(rng.geometric(0.3, size=n) - 1, span)
        return draws.astype(float)
    if math.isfinite(lo) != math.isfinite(hi):  # a half-line: vary the scale between samples
        scale = float(rng.choice([0.2, 0.5, 1.0, 2.0, 5.0]))
        side = 1.0 if math.isfinite(lo) else -1.0
        end = lo if math.isfinite(lo) else hi
        return end + side * (0.02 * scale + rng.exponential(scale, size=n))
    return np.array([_draw(lo, hi, False, rng) for _ in range(n)])


def points(model: Model, count: int = 16, seed: int = 0, boundary: bool = True) -> list[Point]:
    """``count`` random points (parameters in their domains, a sample in the support at those
    values, sizes cycling through ``SIZES``), and for a discrete support the samples at its
    ends (all at the lowest value; all at the highest when finite).

    Examples
    --------
    >>> from symmle.model import build_model
    >>> ps = points(build_model("poisson"), count=3)
    >>> [p.sample.size for p in ps], ps[-1].boundary
    ([2, 3, 4, 3], True)
    """
    rng = np.random.default_rng(seed)
    out: list[Point] = []
    tries = 0
    while len(out) < count and tries < 5 * count:
        tries += 1
        values = _draw_values(model, rng)
        if values is None:
            continue
        sample = _draw_sample(model, values, SIZES[len(out) % len(SIZES)], rng)
        if sample is not None and np.all(np.isfinite(sample)):
            out.append(Point(sample, values))
    if boundary and out:
        out += _space_end_points(model, out[0].values, seed)
    if boundary and model.support.kind != "interval" and out:
        base = out[0].values
        s = model.support.subs(base)
        lo = _float(s.values[0] if s.kind == "finite" else s.lower)
        ends = [lo] + ([_float(s.values[-1] if s.kind == "finite" else s.upper)]
                       if s.kind == "finite" or math.isfinite(_float(s.upper)) else [])
        for end in ends:
            if math.isfinite(end):
                out.append(Point(np.full(3, end), base, boundary=True))
    return out


def _space_end_points(model: Model, base: dict[sp.Symbol, float], seed: int) -> list[Point]:
    """Samples drawn with a parameter at a closed, finite end of its space (θ = 1 for
    θ ∈ [1, ∞)): there an estimate capped by the space (θ̂ = max(x₍ₙ₎, 1)) differs from the
    uncapped one on most samples, which random parameter values far from the end rarely show."""
    rng = np.random.default_rng(seed + 1)
    out = []
    for p in model.params:
        dom = model.domains[p]
        for end, is_open in ((dom.lower, dom.left_open), (dom.upper, dom.right_open)):
            value = _float(sp.sympify(end).subs(base))
            if is_open or not math.isfinite(value):
                continue
            values = {**base, p: value}
            for n in (3, 12):
                sample = _draw_sample(model, values, n, rng)
                if sample is not None and np.all(np.isfinite(sample)):
                    out.append(Point(sample, values))
    return out


def compare(claim: Evaluator, truth: Evaluator, pts: list[Point], up_to_constant: bool = False,
             ) -> tuple[bool | None, Point | None, float, float, int]:
    """Compare two evaluators on ``pts``: (agree?, first point where they differ, the two
    values there, number of informative points). ``None`` when fewer than 3 points decide.
    With ``up_to_constant`` the difference must be the same at every point of one sample."""
    informative = 0
    diffs: dict[int, float] = {}
    for p in pts:
        a, b = claim(p), truth(p)
        if up_to_constant:
            key = id(p.sample)
            if not (math.isfinite(a) and math.isfinite(b)):
                if agree(a, b) is False:
                    return False, p, a, b, informative
                continue
            informative += 1
            if key in diffs:
                if agree(a - b, diffs[key], 1e-6 * (1 + abs(a) + abs(b))) is False:
                    return False, p, a, b, informative
            else:
                diffs[key] = a - b
            continue
        ok = agree(a, b)
        if ok is None:
            continue
        informative += 1
        if not ok:
            return False, p, a, b, informative
    if informative < 3:
        return None, None, math.nan, math.nan, informative
    return True, None, math.nan, math.nan, informative


def same_sample_points(pts: list[Point], model: Model) -> list[Point]:
    """For a log-likelihood: each sample at three parameter values (its own and two more)."""
    out = []
    extra = points(model, count=2 * len(pts), seed=7, boundary=False)
    for k, p in enumerate(pts):
        out.append(p)
        for q in extra[2 * k:2 * k + 2]:
            if in_support(model, p.sample, q.values):
                out.append(Point(p.sample, q.values, columns=p.columns))
    return out


def conditional_points(model: Model, covariates: Sequence[sp.Symbol], count: int = 16,
                       seed: int = 0) -> list[Point]:
    """Random points of a conditional model f(y | x, θ): parameter values in their domains,
    a column of each covariate drawn in its domain, responses in the support (sizes cycling
    through those of ``SIZES`` above the number of parameters plus one, so that a design
    matrix has full rank), and for a discrete support the samples at its ends with the first
    point's covariates.

    Examples
    --------
    >>> import symmle
    >>> d = symmle.derive("linear_regression")
    >>> ps = conditional_points(d.model, [sp.Symbol("x")], count=2)
    >>> [p.sample.size for p in ps], sorted(ps[0].columns)
    ([5, 7], ['x'])
    """
    rng = np.random.default_rng(seed)
    sizes = [k for k in SIZES if k > len(model.params) + 1]
    names = {c.name for c in covariates}
    rest = [k for k in model.known if k.name not in names]
    # a point is kept only where the density is positive at every (yᵢ, xᵢ): a covariate whose
    # domain was left as the real line may still have to be positive (an exposure t in λt e^{−λty})
    log_f = sp.lambdify([model.var, *covariates, *model.params, *rest], sp.log(model.density),
                        modules=_modules())

    def column(c: sp.Symbol, n: int, positive: bool) -> np.ndarray:
        dom = model.domains.get(c)
        lo, hi = (_float(dom.lower), _float(dom.upper)) if dom is not None else (-5.0, 5.0)
        if positive:
            lo = max(lo, 0.0)
        return np.array([_draw(lo, hi, bool(dom and dom.integer), rng) for _ in range(n)])

    def valid(sample: np.ndarray, columns: dict, values: dict) -> bool:
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                v = np.asarray(log_f(sample, *(columns[c.name] for c in covariates),
                                     *(values.get(q, math.nan) for q in (*model.params, *rest))))
            except (ArithmeticError, ValueError, TypeError):
                return False
        return bool(np.all(np.isreal(v)) and np.all(np.isfinite(np.real(v))))

    out: list[Point] = []
    tries = 0
    while len(out) < count and tries < 5 * count:
        tries += 1
        values = _draw_values(model, rng)
        if values is None:
            continue
        values = {k: v for k, v in values.items() if k.name not in names}
        n = sizes[len(out) % len(sizes)]
        sample = _draw_sample(model, values, n, rng)
        if sample is None or not np.all(np.isfinite(sample)):
            continue
        for positive in (False, True):
            columns = {c.name: column(c, n, positive) for c in covariates}
            if valid(sample, columns, values):
                out.append(Point(sample, values, columns=columns))
                break
    if out and model.support.kind != "interval":
        first = out[0]
        s = model.support.subs(first.values)
        lo = _float(s.values[0] if s.kind == "finite" else s.lower)
        hi = _float(s.values[-1] if s.kind == "finite" else s.upper)
        for end in (lo, hi):
            if math.isfinite(end):
                out.append(Point(np.full(first.sample.size, end), first.values, boundary=True,
                                 columns=first.columns))
    return out


def in_support(model: Model, sample: np.ndarray, values: dict) -> bool:
    s = model.support.subs(values)
    try:
        lo, hi = float(s.lower), float(s.upper)
    except (TypeError, ValueError):
        return False
    return bool(sample.min() >= lo and sample.max() <= hi)
