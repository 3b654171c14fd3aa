"""Deriving the MLE of a vector model, with equality constraints by Lagrange multipliers.

The same sufficient-statistic form as :mod:`symmle.likelihood`, with one statistic per function
of the components: ``log f(x | θ) = g₀(θ) + Σ_k g_k(θ)·h_k(x) + c(x)`` gives

    ℓ(θ) = n·g₀(θ) + Σ_k g_k(θ)·T_k + Σ_i c(x_i),     T_k = Σ_i h_k(x_i),

and with constraints c_j(θ) = 0 the Lagrangian ``L = ℓ + Σ_j λ_j·(−c_j(θ))``, whose stationarity
equations (∂L/∂θ = 0 and the constraints) are solved together for θ and λ. The support's linear
identities (x₁ + x₂ + x₃ = m, so T₁ + T₂ + T₃ = n·m) simplify the results. The second-order check
and the standard errors use the reparameterisation that solves each constraint for one
parameter: the Hessian of ℓ in the free parameters, and the observed information carried back
to every parameter by the delta method. Identifiability: the likelihood is flat along a
direction v of the free parameters when v is orthogonal to the gradient of every g_k, for every θ.

Examples
--------
>>> d = derive_vector("m!/(x1!*x2!)*p1**x1*p2**x2", var="x1,x2", params=["p1:(0, 1)", "p2:(0, 1)"],
...                   known=["m:positive integer"], support="x1 + x2 = m, x1, x2 in {0,1,...,m}",
...                   constraints=["p1 + p2 = 1"])
>>> d.mle["p1"], d.multipliers
(Sum(x1[i], (i, 1, n))/(m*n), {'lambda': m*n})
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import sympy as sp

from .bounded import bounded, budget
from .checks import Check
from .errors import (DerivationTimeout, NonIdentifiableError, NormalizationError,
                     UnsupportedModelError)
from .latex import Inline, Prose, prose_str
from .likelihood import SampleNotation, expand_log_proven
from .model import ParamSpec
from .notation import I, N
from .render import RenderMixin
from .vector import VectorModel, build_vector_model

__all__ = ["VectorStatistic", "VectorLikelihood", "VectorDerivation", "derive_vector",
           "vector_log_likelihood"]


@dataclass(frozen=True)
class VectorStatistic:
    """``T = Σ_i h(x_i)`` for a function ``h`` of the components; ``symbol`` stands for it."""

    symbol: sp.Symbol
    h: sp.Expr
    vars: tuple[sp.Symbol, ...]

    @property
    def sum(self) -> sp.Expr:
        """``Sum(h(x1[i], x2[i], ...), (i, 1, n))``."""
        return sp.Sum(self.h.xreplace({v: sp.IndexedBase(v.name)[I] for v in self.vars}),
                      (I, 1, N))


@dataclass(frozen=True)
class VectorLikelihood(SampleNotation):
    """ℓ(θ) of an i.i.d. sample of vectors, in sufficient-statistic form (see module doc)."""

    model: VectorModel
    log_density: sp.Expr
    expr: sp.Expr
    statistics: tuple[VectorStatistic, ...]
    collected: tuple[tuple[sp.Expr, sp.Expr], ...]
    theta_free: sp.Expr
    constant: sp.Expr
    notes: tuple[str, ...] = ()  # assumptions made to separate log f (reported as warnings)

    @functools.cached_property
    def identities(self) -> tuple[sp.Expr, ...]:
        """The support's linear equations summed over the sample, in the statistics:
        x1 + x2 + x3 = m gives ``T_x1 + T_x2 + T_x3 - m*n`` (zero for every sample)."""
        by_h = {s.h: s.symbol for s in self.statistics}
        out = []
        for e in self.model.equations:
            total = sp.Integer(0)
            for term in sp.Add.make_args(e):
                coeff, rest = term.as_independent(*self.model.vars)
                if rest == 1:
                    total += N * coeff
                elif rest in by_h:
                    total += coeff * by_h[rest]
                else:
                    break
            else:
                out.append(sp.expand(total))
        return tuple(out)

    def simplify(self, expr: sp.Expr) -> sp.Expr:
        """``expr`` with the support's identities used where they make it shorter
        (T₁/(T₁ + T₂ + T₃) → T₁/(m n)); numerator and denominator separately."""
        expr = sp.factor(sp.cancel(expr))
        for ident in self.identities:
            syms = [s.symbol for s in self.statistics if ident.has(s.symbol)]
            if not syms:
                continue
            last = syms[-1]
            value = sp.solve(ident, last)[0]
            num, den = sp.fraction(expr)
            parts = []
            for part in (num, den):
                other = sp.factor(part.subs(last, value))
                parts.append(other if sp.count_ops(other) <= sp.count_ops(part) else part)
            expr = parts[0] / parts[1]
        return expr


def _statistic_symbol(h: sp.Expr, k: int) -> sp.Symbol:
    name = f"T_{h.name}" if isinstance(h, sp.Symbol) else f"T_{k}"
    nonneg = h.is_nonnegative
    return sp.Symbol(name, positive=True) if nonneg else sp.Symbol(name, real=True)


def vector_log_likelihood(vm: VectorModel) -> VectorLikelihood:
    """ℓ(θ) = n·g₀(θ) + Σ_k g_k(θ)·T_k + Σ_i c(x_i) for a vector model.

    Raises
    ------
    UnsupportedModelError
        When a term of log f does not separate into g(θ)·h(x).

    Examples
    --------
    >>> from symmle.vector import build_vector_model
    >>> vm = build_vector_model("p1**x1*p2**x2", var="x1,x2", params=["p1:(0, 1)", "p2:(0, 1)"],
    ...                         support="x1 + x2 = 1, x1, x2 in {0,1}", constraints=["p1 + p2 = 1"])
    >>> vector_log_likelihood(vm).expr
    T_x1*log(p1) + T_x2*log(p2)
    """
    domains = {**vm.domains, **vm.var_domains}
    logf = expand_log_proven(sp.log(vm.density), domains, positive_argument=True)
    logf, notes = _probed_powers(vm, logf)
    logf = sp.expand(logf, log=False, power_base=False, power_exp=False)
    params, xs = set(vm.params), set(vm.vars)
    g0, const = sp.Integer(0), sp.Integer(0)
    groups: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(logf):
        free = term.free_symbols
        if not free & params:
            const += term
            continue
        if not free & xs:
            g0 += term
            continue
        theta_part, x_part = sp.Integer(1), sp.Integer(1)
        for f in sp.Mul.make_args(term):
            fs = f.free_symbols
            if fs & params and fs & xs:
                raise UnsupportedModelError(
                    f"the term {term} of log f mixes the observation and the parameters in a way "
                    "that does not separate; vector models need log f = g0(θ) + Σ g_k(θ)·h_k(x) "
                    "+ c(x)", where="density")
            if fs & xs:
                x_part *= f
            else:
                theta_part *= f
        groups[x_part] = groups.get(x_part, sp.Integer(0)) + theta_part
    order = {v: k for k, v in enumerate(vm.vars)}
    hs = sorted(groups, key=lambda h: (min((order[v] for v in h.free_symbols & xs), default=0),
                                       sp.default_sort_key(h)))
    stats = tuple(VectorStatistic(_statistic_symbol(h, k + 1), h, vm.vars)
                  for k, h in enumerate(hs))
    expr = N * g0 + sp.Add(*[groups[s.h] * s.symbol for s in stats])
    constant = sp.Sum(const.xreplace({v: sp.IndexedBase(v.name)[I] for v in vm.vars}), (I, 1, N)) \
        if const != 0 else sp.Integer(0)
    return VectorLikelihood(vm, logf, expr, stats, tuple((groups[s.h], s.h) for s in stats), g0,
                            constant, notes)


def _probed_powers(vm: VectorModel, logf: sp.Expr) -> tuple[sp.Expr, tuple[str, ...]]:
    """``log(b(θ)**h(x))`` → ``h(x)·log b(θ)`` where SymPy could not prove b > 0 but b, a
    category probability such as 1 − e^(−t) − t·e^(−t), is positive at every probe point of
    the parameter space (on the constraint surface); the assumption is returned as a note."""
    params, xs = set(vm.params), set(vm.vars)
    found = [e for e in logf.atoms(sp.log) if isinstance(e.args[0], sp.Pow)
             and e.args[0].base.free_symbols & params and not e.args[0].base.free_symbols & xs
             and e.args[0].exp.free_symbols & xs and not e.args[0].exp.free_symbols & params]
    if not found:
        return logf, ()
    try:
        elim, free = _elimination(vm)
    except UnsupportedModelError:
        return logf, ()
    points = _probe_points(vm, elim, free, count=20, seed=3)
    known = _known_probe(vm)
    notes, table = [], {}
    for e in found:
        base = e.args[0].base.xreplace(known)
        try:
            values = [complex(base.xreplace(pt).evalf()) for pt in points]
        except (TypeError, ValueError):
            continue
        if len(values) >= 10 and all(abs(v.imag) < 1e-12 and v.real > 0 for v in values):
            table[e] = e.args[0].exp * sp.log(e.args[0].base)
            notes.append(f"log(({e.args[0].base})**{e.args[0].exp}) was written "
                         f"{e.args[0].exp}*log({e.args[0].base}): SymPy did not prove "
                         f"{e.args[0].base} > 0, but it is at {len(values)} probe points of the "
                         "parameter space")
    return logf.xreplace(table), tuple(notes)


# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VectorDerivation(RenderMixin):
    """A derived MLE of a vector model, with its multipliers, checks and standard errors.

    The vocabulary follows :class:`symmle.derivation.Derivation`: ``parameters``, ``mle``
    (sample notation), ``closed_form``, ``method``, ``second_order``, ``standard_errors``,
    ``fisher_information`` (per observation, or ``None`` with ``fisher_information_reason``),
    ``steps``, ``to_json()``, ``to_markdown()``, ``to_latex()``; and for constraints the
    ``lagrangian``, the ``stationarity`` equations and the ``multipliers`` at the solution.
    """

    model: VectorModel
    log_likelihood: VectorLikelihood
    multiplier_symbols: tuple[sp.Symbol, ...]
    lagrangian: sp.Expr | None
    stationarity: tuple[sp.Expr, ...]
    solution: Mapping[sp.Symbol, sp.Expr] | None  # in statistics (raw, before the identities)
    reason: str
    elimination: Mapping[sp.Symbol, sp.Expr]  # the reparameterisation θ_j = θ_j(φ)
    free: tuple[sp.Symbol, ...]
    hessian_free: sp.Matrix
    second_order: Check
    expected: sp.Matrix | None  # per observation, free parameters
    expected_reason: str
    checks: tuple[Check, ...] = ()
    warnings: tuple[str, ...] = ()
    reduced: bool = False  # solved through the score equations in the free parameters
    expected_prose: Prose = ()  # expected_reason with its mathematics (for rendering)

    # -- vocabulary ------------------------------------------------------------------------------
    @property
    def parameters(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.model.params)

    @property
    def closed_form(self) -> bool:
        return self.solution is not None

    @functools.cached_property
    def reduced_score(self) -> tuple[sp.Expr, ...]:
        """∂ℓ(θ(φ))/∂φ: the score on the constraint surface, in the free parameters φ (the
        equations the numeric route solves; the plain score without constraints)."""
        lfree = self.log_likelihood.expr.xreplace(dict(self.elimination))
        return tuple(sp.diff(lfree, p) for p in self.free)

    @functools.cached_property
    def reduced_degrees(self) -> tuple[int, ...] | None:
        """The total degree in φ of each reduced score equation over a common denominator,
        when they are polynomial then; ``None`` if not (or not found within 5 s)."""
        def degrees() -> tuple[int, ...] | None:
            out = []
            for e in self.reduced_score:
                num = sp.fraction(sp.together(e))[0]
                if not num.is_polynomial(*self.free):
                    return None
                out.append(int(sp.Poly(num, *self.free).total_degree()))
            return tuple(out)
        try:
            return bounded(degrees, seconds=5.0, what="the degrees of the score equations")
        except (DerivationTimeout, sp.PolynomialError):
            return None

    @functools.cached_property
    def observed_covariance(self) -> sp.Matrix | None:
        """G J⁻¹ Gᵀ at the MLE, in the statistics (J the observed information in the free
        parameters, G = ∂θ/∂φ); ``None`` without a closed form or when it is too slow."""
        if self.solution is None:
            return None
        at = {p: self.solution[p] for p in self.free}
        return _observed_covariance(self.model, self.hessian_free, at, self.elimination,
                                    self.free)

    @property
    def constrained(self) -> bool:
        return bool(self.model.constraints)

    @functools.cached_property
    def estimates(self) -> dict[sp.Symbol, sp.Expr] | None:
        """θ̂ in the statistics, simplified by the support's identities."""
        if self.solution is None:
            return None
        ll = self.log_likelihood
        out = {}
        for p in self.model.params:
            raw, simple = self.solution[p], ll.simplify(self.solution[p])
            # the identities shorten a share (T₁/(m n)), not a root of a quadratic
            out[p] = simple if sp.count_ops(simple) <= sp.count_ops(raw) else raw
        return out

    @property
    def mle(self) -> dict[str, sp.Expr] | None:
        if self.estimates is None:
            return None
        return {p.name: self.log_likelihood.to_sample(v) for p, v in self.estimates.items()}

    @property
    def multipliers(self) -> dict[str, sp.Expr] | None:
        """λ̂ at the solution, simplified (``n*m`` for the multinomial)."""
        if self.solution is None:
            return None
        return {lam.name: self.log_likelihood.to_sample(
            self.log_likelihood.simplify(self.solution[lam])) for lam in self.multiplier_symbols}

    @property
    def method(self) -> dict[str, str]:
        how = "lagrange" if self.constrained else "score equation"
        return {p: how if self.closed_form else "numeric" for p in self.parameters}

    @property
    def score(self) -> tuple[sp.Expr, ...]:
        ll = self.log_likelihood
        return tuple(ll.to_sample(sp.diff(ll.expr, p)) for p in self.model.params)

    @property
    def fisher_information(self) -> sp.Matrix | None:
        return self.expected

    @functools.cached_property
    def standard_errors_(self) -> dict[sp.Symbol, sp.Expr] | None:
        """√[G (n I(φ))⁻¹ Gᵀ]_jj in the parameters when the expected information is known
        (evaluate at θ̂), else from the observed information at θ̂ in the statistics."""
        ll, vm = self.log_likelihood, self.model
        g = sp.Matrix([[sp.diff(self.elimination.get(p, p), q) for q in self.free]
                       for p in vm.params])
        if self.expected is not None:
            try:
                cov = bounded(lambda: (g * (N * self.expected).inv(method="ADJ") * g.T).applyfunc(
                    lambda e: sp.factor(sp.cancel(e.xreplace(self.elimination)))),
                    seconds=10.0, what="the standard errors")
                back = {q: p for p, q in zip(vm.params, vm.params)}
                return {p: sp.sqrt(_in_params(cov[k, k], self.elimination, back))
                        for k, p in enumerate(vm.params)}
            except (DerivationTimeout, ValueError, ZeroDivisionError):
                pass
        if self.observed_covariance is None:
            return None
        return {p: sp.sqrt(ll.simplify(self.observed_covariance[k, k]))
                for k, p in enumerate(vm.params)}

    @property
    def standard_errors_source(self) -> str:
        """Where the standard errors come from (``expected`` or ``observed`` information)."""
        return "expected" if self.expected is not None else "observed"

    @property
    def standard_errors(self) -> dict[str, sp.Expr] | None:
        """From the observed information on the constraint surface, in sample notation."""
        if self.standard_errors_ is None:
            return None
        return {p.name: self.log_likelihood.to_sample(e) for p, e in self.standard_errors_.items()}

    @functools.cached_property
    def steps(self) -> tuple[Any, ...]:
        from .steps.lagrange import build_vector_steps

        return build_vector_steps(self)

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON: the keys of :meth:`symmle.derivation.Derivation.to_dict` that
        apply, and ``variables``, ``constraints``, ``lagrangian``, ``multipliers``."""
        m, ll = self.model, self.log_likelihood
        info = self.expected
        return {
            "model": {"name": m.name, "density": str(m.density),
                      "variable": ",".join(v.name for v in m.vars),
                      "variables": [v.name for v in m.vars],
                      "support": m.describe_support(), "discrete": m.discrete,
                      "parameters": {p.name: m.domains[p].describe() for p in m.params},
                      "known": {k.name: m.domains[k].describe() for k in m.known},
                      "constraints": [f"{c} = 0" for c in m.constraints]},
            "parameters": list(self.parameters),
            "variables": [v.name for v in m.vars],
            "constraints": [_equation_text(c) for c in m.constraints],
            "closed_form": self.closed_form,
            "mle": None if self.mle is None else {k: str(v) for k, v in self.mle.items()},
            "method": self.method,
            "reason": self.reason,
            "log_likelihood": str(ll.sample_expr),
            "lagrangian": None if self.lagrangian is None else str(ll.to_sample(self.lagrangian)),
            "stationarity": [str(ll.to_sample(e)) for e in self.stationarity],
            "free_parameters": [p.name for p in self.free],
            "elimination": {p.name: str(v) for p, v in self.elimination.items()},
            "equations_to_solve": None if self.closed_form else
            [f"{ll.to_sample(e)} = 0" for e in self.reduced_score],
            "multipliers": None if self.multipliers is None else
            {k: str(v) for k, v in self.multipliers.items()},
            "score": [str(s) for s in self.score],
            "fisher_information": None if info is None else
            [[str(info[i, j]) for j in range(info.shape[1])] for i in range(info.shape[0])],
            "fisher_information_parameters": [p.name for p in self.free],
            "fisher_information_reason": self.expected_reason,
            "standard_errors": None if self.standard_errors is None else
            {k: str(v) for k, v in self.standard_errors.items()},
            "standard_errors_from": self.standard_errors_source,
            "second_order": {"verdict": self.second_order.verdict,
                             "reason": self.second_order.reason},
            "checks": [c.to_dict() for c in self.checks],
            "warnings": list(self.warnings),
        }


def _in_params(e: sp.Expr, elim: Mapping, back: Mapping) -> sp.Expr:
    """Write ``e`` with the eliminated parameters back where they are shorter
    (1 − p1 − p2 → p3)."""
    e = sp.factor(e)
    for p, v in elim.items():
        for sign in (1, -1):
            e = e.subs(sign * v, sign * p)
    return sp.factor(e)


def _equation_text(c: sp.Expr) -> str:
    """``p1 + p2 + p3 - 1`` → ``"p1 + p2 + p3 = 1"``."""
    const = sp.Add(*[t for t in sp.Add.make_args(c) if t.is_number])
    return f"{c - const} = {-const}"


# --- the stages -----------------------------------------------------------------------------------


def _multiplier_symbols(vm: VectorModel) -> tuple[sp.Symbol, ...]:
    taken = {s.name for s in (*vm.params, *vm.known, *vm.vars)}
    base = "lambda" if "lambda" not in taken else "lambda_L"
    if len(vm.constraints) == 1:
        return (sp.Symbol(base, real=True),)
    return tuple(sp.Symbol(f"{base}_{j + 1}", real=True) for j in range(len(vm.constraints)))


def _elimination(vm: VectorModel) -> tuple[dict[sp.Symbol, sp.Expr], tuple[sp.Symbol, ...]]:
    """Solve each constraint for one parameter (the last one it involves linearly)."""
    elim: dict[sp.Symbol, sp.Expr] = {}
    for c in vm.constraints:
        c = c.xreplace(elim)
        for p in reversed(vm.params):
            if p in elim or not c.has(p):
                continue
            if sp.degree(c, p) == 1 if c.is_polynomial(p) else False:
                elim[p] = sp.solve(c, p)[0]
                break
        else:
            raise UnsupportedModelError(f"cannot solve the constraint {c} = 0 for one parameter",
                                        where="constraint")
    elim = {p: sp.expand(v.xreplace(elim)) for p, v in elim.items()}
    return elim, tuple(p for p in vm.params if p not in elim)


def _probe_points(vm: VectorModel, elim: Mapping, free: Sequence[sp.Symbol], count: int = 6,
                  seed: int = 1) -> list[dict[sp.Symbol, float]]:
    """Parameter values inside the domains and on the constraint surface (by rejection)."""
    rng = random.Random(seed)
    out = []
    for _ in range(400):
        point: dict[sp.Symbol, Any] = {}
        for p in free:
            d = vm.domains[p]
            lo = float(d.lower) if d.lower.is_finite else -3.0
            hi = float(d.upper) if d.upper.is_finite else lo + 4.0 if lo > -3 else 3.0
            point[p] = rng.uniform(lo, hi)
        full = dict(point)
        ok = True
        for p, e in elim.items():
            val = float(e.xreplace(point))
            d = vm.domains[p]
            if d.contains(sp.Float(val)) is not True:
                ok = False
                break
            full[p] = val
        if ok:
            out.append(full)
        if len(out) >= count:
            break
    return out


def _known_probe(vm: VectorModel) -> dict[sp.Symbol, Any]:
    out = {}
    for k in vm.known:
        d = vm.domains[k]
        out[k] = sp.Integer(3) if d.integer else sp.Rational(3, 2)
    return out


def _support_points(vm: VectorModel, known: Mapping) -> list[tuple[int, ...]] | None:
    """Every point of a finite discrete support (with the known constants at probe values)."""
    import itertools

    s = vm.component
    if not s.discrete:
        return None
    if s.kind == "finite":
        values = [int(v) for v in s.values if v.is_number]
    else:
        lo, hi = sp.sympify(s.lower).xreplace(known), sp.sympify(s.upper).xreplace(known)
        if not (lo.is_number and hi.is_number) or hi - lo > 12:
            return None
        values = list(range(int(lo), int(hi) + 1))
    if len(values) ** len(vm.vars) > 20000:
        return None
    eqs = [e.xreplace(known) for e in vm.equations]
    return [pt for pt in itertools.product(values, repeat=len(vm.vars))
            if all(e.xreplace(dict(zip(vm.vars, pt))) == 0 for e in eqs)]


def _check_normalization(vm: VectorModel, elim: Mapping, free: Sequence[sp.Symbol]) -> Check:
    """Σ f over the support = 1 at probe parameter values on the constraint surface (numeric,
    with the known constants at small values)."""
    known = _known_probe(vm)
    points = _support_points(vm, known)
    if points is None:
        return Check("normalization", "undetermined", "the support is not a small finite set at "
                     "probe values of the known constants: the pmf was not summed")
    f = sp.lambdify([*vm.vars, *vm.params], vm.density.xreplace(known), "math")
    for theta in _probe_points(vm, elim, free):
        total = sum(f(*pt, *[theta[p] for p in vm.params]) for pt in points)
        if abs(total - 1) > 1e-8:
            at = ", ".join(f"{p.name} = {theta[p]:.3g}" for p in vm.params)
            # a missing constraint only explains it when several parameters could sum to 1
            free_probabilities = not vm.constraints and len(vm.params) > 1
            hint = (" The parameters look like probabilities: if they sum to 1, declare it with "
                    f"--constraint \"{' + '.join(p.name for p in vm.params)} = 1\"."
                    if free_probabilities else "")
            why = ("without a constraint that makes it a distribution the likelihood has no "
                   "maximum." if free_probabilities else "it is not a distribution: check the "
                   "density for a missing factor or term.")
            raise NormalizationError(
                f"the pmf sums to {total:.6g}, not 1, over the support at {at} "
                f"({', '.join(f'{k.name} = {v}' for k, v in known.items())}): {why}" + hint,
                where="density")
    return Check("normalization", "proven" if not known else "undetermined",
                 f"the pmf sums to 1 over the support at {len(_probe_points(vm, elim, free))} "
                 "parameter values on the constraint surface"
                 + (f" (with {', '.join(f'{k.name} = {v}' for k, v in known.items())})"
                    if known else ""))


def _check_identifiable(ll: VectorLikelihood, elim: Mapping, free: Sequence[sp.Symbol]) -> None:
    """The likelihood is flat along v when v·∇g_k = 0 for every k (after the support's
    identities remove a redundant statistic)."""
    vm = ll.model
    logf = ll.log_density
    # remove linear dependence among the components: solve each support equation for its last
    # component
    for e in vm.equations:
        xs = [v for v in vm.vars if e.has(v)]
        if xs:
            logf = logf.xreplace({xs[-1]: sp.solve(e, xs[-1])[0]})
    logf = sp.expand(logf.xreplace(elim), log=False, power_base=False, power_exp=False)
    xs = set(vm.vars)
    rows: dict[sp.Expr, sp.Expr] = {}
    for term in sp.Add.make_args(logf):
        if not term.free_symbols & set(free):
            continue
        theta_part, x_part = term.as_independent(*xs)
        rows[x_part] = rows.get(x_part, sp.Integer(0)) + theta_part
    if not rows:
        raise NonIdentifiableError("the model is not identifiable: the likelihood does not depend "
                                   "on the parameters")
    jac = sp.Matrix([[sp.diff(g, p) for p in free] for g in rows.values()])
    try:
        null = bounded(lambda: [v.applyfunc(sp.simplify) for v in jac.nullspace(simplify=True)],
                       seconds=5.0, what="the flat direction")
    except DerivationTimeout:
        return
    if null:
        v = null[0]
        dens = [sp.fraction(sp.together(c))[1] for c in v]
        v = (v * sp.lcm(dens) if len(dens) > 1 else v * dens[0]).applyfunc(sp.factor)
        direction = sp.Add(*[c * sp.Symbol(f"d{p.name}") for c, p in zip(v, free)])
        raise NonIdentifiableError(
            "the model is not identifiable: the likelihood is flat along the direction "
            f"{direction} (moving the parameters along ({', '.join(str(c) for c in v)}) does not "
            "change the distribution of the data)")


def _second_order(ll: VectorLikelihood, h: sp.Matrix, at: Mapping, free: Sequence[sp.Symbol],
                  elim: Mapping | None = None, seconds: float = 10.0) -> Check:
    """Leading principal minors of the Hessian in the free parameters at the solution."""
    if not free:
        return Check("second_order", "proven", "no free parameter")
    if _concave(ll, elim, free):
        where = " in the free parameters" if set(free) != set(ll.model.params) else ""
        return Check("second_order", "proven",
                     f"ℓ{where} is a sum of nonnegative multiples (the statistics are counts) of "
                     "logarithms of affine functions, so it is concave, and the stationary point "
                     "is its global maximum" + (" on the constraint surface" if where else ""))
    try:
        return _minors(ll, h, at, free, seconds)
    except DerivationTimeout:
        return Check("second_order", "undetermined", "the minors of the Hessian at the solution "
                     "were not found within the time bound")


def _concave(ll: VectorLikelihood, elim: Mapping, free: Sequence[sp.Symbol]) -> bool:
    """Whether every term of ℓ in the free parameters is c·log(a(φ)) with c ≥ 0 (a count
    statistic or n times a positive number) and a(φ) affine: then ℓ is concave."""
    parts = [(g, s.symbol) for (g, _), s in zip(ll.collected, ll.statistics)]
    parts.append((ll.theta_free, N))
    for g, weight in parts:
        if not weight.is_positive:
            return False
        for term in sp.Add.make_args(sp.expand(sp.expand_log(g.xreplace(dict(elim or {})),
                                                             force=False))):
            if not term.free_symbols & set(free):
                continue
            coeff, rest = term.as_independent(*free, as_Add=False)
            if not (isinstance(rest, sp.log) and coeff.is_nonnegative
                    and rest.args[0].is_polynomial(*free)
                    and sp.Poly(rest.args[0], *free).total_degree() <= 1):
                return False
    return True


def _minors(ll: VectorLikelihood, h: sp.Matrix, at: Mapping, free: Sequence[sp.Symbol],
            seconds: float = 10.0) -> Check:
    hat = bounded(lambda: h.xreplace(at).applyfunc(lambda e: sp.factor(sp.cancel(e))),
                  seconds=seconds, what="the second-order check")
    verdicts = []
    for k in range(1, len(free) + 1):
        minor = bounded(lambda: sp.factor(sp.cancel(hat[:k, :k].det(method="berkowitz"))),
                        seconds=seconds, what="the second-order check")
        signed = minor if k % 2 == 0 else -minor
        verdicts.append(signed.is_positive)
    if all(v is True for v in verdicts):
        where = (" in the free parameters (the constraints solved for the others)"
                 if set(free) != set(ll.model.params) else "")
        surface = " on the constraint surface" if where else ""
        return Check("second_order", "proven",
                     f"the Hessian of ℓ{where} is negative definite at the solution: its leading "
                     "principal minors alternate in sign, starting negative, for every sample "
                     f"with positive statistics; the solution is a maximum{surface}")
    if any(v is False for v in verdicts):
        return Check("second_order", "disproven", "the Hessian at the solution is not negative "
                     "definite: the stationary point is not a maximum")
    return Check("second_order", "undetermined", "SymPy could not decide the signs of the "
                 "Hessian's minors at the solution")


def _expected_information(ll: VectorLikelihood, elim: Mapping, free: Sequence[sp.Symbol],
                          ) -> tuple[sp.Matrix | None, str | Prose]:
    """I(φ) = −E[∂² log f] per observation, with E[h_k] from the score identity
    E[∂ log f/∂φ] = 0 and the support's identities, when they determine them."""
    mus = [sp.Dummy(f"E_{s.symbol.name}") for s in ll.statistics]
    g0 = ll.theta_free.xreplace(elim)
    gs = [g.xreplace(elim) for g, _ in ll.collected]
    per = g0 + sp.Add(*[g * mu for g, mu in zip(gs, mus)])
    eqs = [sp.diff(per, p) for p in free]
    for ident in ll.identities:
        eqs.append(ident.xreplace({s.symbol: mu for s, mu in zip(ll.statistics, mus)}).xreplace(
            {N: 1}))
    try:
        sol = bounded(sp.solve, eqs, mus, dict=True, seconds=5.0, what="E[h(X)]")
    except (DerivationTimeout, NotImplementedError):
        sol = []
    how: Prose = (Inline(r"\operatorname{E}\left[h_{k}(X)\right]", "E[h_k(X)]"),
                  " from the score identity and the support's equations")
    if len(sol) != 1 or set(sol[0]) != set(mus):
        means = _multinomial_means(ll, elim)
        if means is None:
            return None, ("the score identity E[∂ log f/∂θ] = 0 and the support's equations do "
                          "not determine the expectations of the statistics; the standard errors "
                          "come from the observed information")
        sol = [{mu: means[k] for k, mu in enumerate(mus)}]
        how = ("the pmf is multinomial, ",
               Inline(r"\frac{m!}{x_{1}! \cdots x_{k}!} \prod_{j} q_{j}(\theta)^{x_{j}}",
                      "m!/(x₁!⋯x_k!)·Π q_j(θ)^x_j"), " with ",
               Inline(r"\sum_{j} q_{j} = 1", "Σ q_j = 1"), " and ",
               Inline(r"x_{1} + \cdots + x_{k} = m", "x₁ + ⋯ + x_k = m"), ", so ",
               Inline(r"\operatorname{E}\left[x_{j}\right] = m \, q_{j}(\theta)",
                      "E[x_j] = m·q_j(θ)"))
    hess = -sp.hessian(per, free).xreplace(sol[0])
    info = bounded(lambda: hess.applyfunc(lambda e: sp.factor(sp.cancel(e))), seconds=5.0,
                   what="the Fisher information")
    return info, how


def _multinomial_means(ll: VectorLikelihood, elim: Mapping) -> list[sp.Expr] | None:
    """E[x_j] = m·q_j(θ) when log f = log(m!/Π x_j!) + Σ_j x_j·log q_j(θ) with Σ_j q_j = 1 on the
    constraint surface and x₁ + ⋯ + x_k = m on the support; else ``None``."""
    vm = ll.model
    if [s.h for s in ll.statistics] != list(vm.vars) or ll.theta_free != 0:
        return None
    total = [e for e in vm.equations if sp.expand(e - sp.Add(*vm.vars)).free_symbols.isdisjoint(
        vm.vars)]
    if not total:
        return None
    m = sp.expand(sp.Add(*vm.vars) - total[0])
    c = ll.constant.function.xreplace(
        {sp.IndexedBase(v.name)[ll.constant.limits[0][0]]: v for v in vm.vars}) \
        if ll.constant != 0 else sp.Integer(0)
    # c(x) = log(m!/Π x_j!) + Σ a_j x_j: the a_j belong to the probabilities (2 in 2p(1 − p))
    rest = sp.expand(c - sp.log(sp.factorial(m)) + sp.Add(*[sp.log(sp.factorial(v))
                                                            for v in vm.vars]))
    if not rest.is_polynomial(*vm.vars) or sp.Poly(rest, *vm.vars).total_degree() > 1 \
            or rest.xreplace({v: 0 for v in vm.vars}) != 0:
        return None
    qs = [sp.exp(g + rest.coeff(v)).xreplace(elim) for (g, _), v in zip(ll.collected, vm.vars)]
    try:
        ok = bounded(lambda: sp.simplify(sp.Add(*qs) - 1) == 0, seconds=5.0,
                     what="the multinomial form")
    except DerivationTimeout:
        return None
    return [m * q for q in qs] if ok else None


def derive_vector(density: Any, *, var: str, params: ParamSpec = None, known: ParamSpec = None,
                  support: str | None = None, constraints: Sequence[str] = (),
                  timeout: float = 30.0, normalize_check: bool = True,
                  model: VectorModel | None = None) -> VectorDerivation:
    """Derive the MLE of a vector model, by Lagrange multipliers when it has constraints.

    Parameters
    ----------
    density, var, params, known, support, constraints
        As in :func:`symmle.vector.build_vector_model` (ignored when ``model`` is given).
    timeout
        Wall-clock budget for the whole derivation.
    normalize_check
        Reject a pmf that does not sum to 1 on the constraint surface (``False``: warn).

    Raises
    ------
    NonIdentifiableError
        When the likelihood is flat along a direction of the free parameters (named).
    NormalizationError
        When the pmf does not sum to 1 (as for probabilities with no constraint).

    Examples
    --------
    >>> d = derive_vector("p**x1*(1-p)**x2", var="x1,x2", params=["p:(0, 1)"],
    ...                   support="x1 + x2 = 1, x1, x2 in {0,1}")
    >>> d.mle["p"]
    Sum(x1[i], (i, 1, n))/n
    """
    with budget(timeout):
        return bounded(_derive_vector, density, var, params, known, support, tuple(constraints),
                       normalize_check, model, seconds=timeout, what="the derivation",
                       cpu=False)  # the wall-clock budget, as for derive


def _derive_vector(density: Any, var: str, params: ParamSpec, known: ParamSpec,
                   support: str | None, constraints: tuple[str, ...], normalize_check: bool,
                   model: VectorModel | None) -> VectorDerivation:
    vm = model or build_vector_model(density, var=var, params=params, known=known,
                                     support=support, constraints=constraints)
    warnings = list(vm.notes)
    if len(vm.constraints) >= len(vm.params):
        raise UnsupportedModelError("as many constraints as parameters: nothing is left to "
                                    "estimate", where="constraint")
    elim, free = _elimination(vm)
    checks = []
    try:
        checks.append(_check_normalization(vm, elim, free))
    except NormalizationError as exc:
        if normalize_check:
            raise
        warnings.append(f"{exc} (accepted because the normalization check is off)")
    ll = vector_log_likelihood(vm)
    warnings.extend(ll.notes)
    _check_identifiable(ll, elim, free)
    lams = _multiplier_symbols(vm) if vm.constraints else ()
    if vm.constraints:
        lagrangian = ll.expr + sp.Add(*[lam * (-c) for lam, c in zip(lams, vm.constraints)])
        stationarity = tuple(sp.diff(lagrangian, p) for p in vm.params) + tuple(vm.constraints)
        unknowns = [*vm.params, *lams]
    else:
        lagrangian = None
        stationarity = tuple(sp.diff(ll.expr, p) for p in vm.params)
        unknowns = list(vm.params)
    why, sols, reduced, tried = "", [], False, False
    # a constraint that is not linear (p1 = p2²) makes the Lagrange system much harder for
    # solve than the score equations left in the free parameters: those are tried first
    curved = any(not v.is_polynomial(*free) or sp.Poly(v, *free).total_degree() > 1
                 for v in elim.values())
    if curved:
        sols, tried = _reduced_solutions(vm, ll, elim, free, lams), True
        reduced = bool(sols)
    if not sols:
        try:
            sols = bounded(sp.solve, list(stationarity), unknowns, dict=True, seconds=10.0,
                           what="the stationarity equations")
        except DerivationTimeout:
            why = ("SymPy's solve did not finish on the stationarity equations within its 10 s "
                   "bound")
        except NotImplementedError:
            why = "SymPy's solve cannot handle the stationarity equations"
        sols = [s for s in sols if set(unknowns) <= set(s) and _inside(vm, ll, s)]
    # after a timeout the same polynomial system, reduced, would only spend another bound
    if not sols and vm.constraints and free and not tried and not why:
        sols, tried = _reduced_solutions(vm, ll, elim, free, lams), True
        reduced = bool(sols)
    solution = sols[0] if len(sols) >= 1 else None
    freed = (f"the score equations of ℓ in the free parameters "
             f"{', '.join(p.name for p in free)} (the constraints solved for "
             f"{', '.join(p.name for p in elim)})")
    if sols:
        reason = (f"{freed if reduced else 'the stationarity equations'} have "
                  + ("one solution inside the parameter space" if len(sols) == 1 else
                     "several solutions inside the parameter space; the first is shown"))
    else:
        reason = (why or "SymPy's solve found no solution of the stationarity equations inside "
                  "the parameter space")
        if tried:
            reason += f", nor of {freed}"
    if solution is None:
        warnings.append(f"no closed form: {reason}")
    lfree = ll.expr.xreplace(elim)
    hfree = sp.hessian(lfree, free)
    if solution is not None:
        at = {p: solution[p] for p in free}
        # a root with radicals (the quadratic of p1 = p2²) seldom cancels: a shorter bound
        radical = any(isinstance(a, sp.Pow) and not a.exp.is_integer
                      for v in at.values() for a in sp.preorder_traversal(v))
        order = _second_order(ll, hfree, at, free, elim, seconds=4.0 if radical else 10.0)
    else:
        order = Check("second_order", "undetermined", "no closed-form solution to check")
    expected, info_how = _expected_information(ll, elim, free)
    info_why = prose_str(info_how)
    checks.append(order)
    return VectorDerivation(vm, ll, lams, lagrangian, stationarity, solution, reason, elim, free,
                            hfree, order, expected, info_why, tuple(checks), tuple(warnings),
                            reduced, () if isinstance(info_how, str) else tuple(info_how))


def _reduced_solutions(vm: VectorModel, ll: VectorLikelihood, elim: Mapping,
                       free: Sequence[sp.Symbol], lams: Sequence[sp.Symbol],
                       ) -> list[dict[sp.Symbol, sp.Expr]]:
    """Solutions of the score equations of ℓ(θ(φ)) in the free parameters φ, inside the space,
    completed with the eliminated parameters and the multipliers (linear in the multipliers:
    ∂ℓ/∂θ = Σ_j λ_j ∂c_j/∂θ); ``[]`` when SymPy finds none within 5 s. With p1 = p2² the
    Lagrange system defeats ``solve`` while the one equation left in p2 is a quadratic."""
    lfree = ll.expr.xreplace(dict(elim))
    # the rows of the eliminated parameters: (∂c/∂θ_elim)ᵀ λ = ∂ℓ/∂θ_elim, a square system
    # whose matrix is invertible because each constraint was solved for its parameter
    gone = list(elim)
    a = sp.Matrix([[sp.diff(c, p) for c in vm.constraints] for p in gone])
    b = sp.Matrix([sp.diff(ll.expr, p) for p in gone])
    try:
        found = bounded(sp.solve, [sp.diff(lfree, p) for p in free], list(free), dict=True,
                        seconds=5.0, what="the score equations in the free parameters")
        out = []
        for sol in found:
            if set(free) - set(sol):
                continue
            full = {p: sol[p] for p in free}
            full.update({p: v.xreplace(full) for p, v in elim.items()})
            lam = bounded(lambda: a.xreplace(full).LUsolve(b.xreplace(full)), seconds=5.0,
                          what="the multipliers")
            full.update({m: lam[j] for j, m in enumerate(lams)})
            if _inside(vm, ll, full):
                out.append(full)
        return out
    except (DerivationTimeout, NotImplementedError, ValueError, ZeroDivisionError):
        return []


def _inside(vm: VectorModel, ll: VectorLikelihood, sol: Mapping) -> bool:
    """Whether a solution lies in the parameter space for a probe sample (statistics from the
    model's support identities with positive counts)."""
    probe = {s.symbol: sp.Integer(3 + 2 * k) for k, s in enumerate(ll.statistics)}
    for ident in ll.identities:  # make the identities hold: n from the first one
        syms = [s for s in ll.statistics if ident.has(s.symbol)]
        rest = ident.xreplace(probe)
        value = sp.solve(rest, N) if rest.has(N) else []
        if value:
            probe[N] = value[0]
    known = _known_probe(vm)
    if N not in probe and ll.identities:
        total = sum(probe[s.symbol] for s in ll.statistics)
        for k in vm.known:
            known[k] = total
        probe[N] = sp.Integer(1)
    for p in vm.params:
        v = sp.sympify(sol[p]).xreplace(probe).xreplace(known)
        if not v.is_number:
            continue
        if vm.domains[p].contains(v) is False:
            return False
    return True


def _observed_covariance(vm: VectorModel, hfree: sp.Matrix, at: Mapping, elim: Mapping,
                         free: Sequence[sp.Symbol]) -> sp.Matrix | None:
    """G J⁻¹ Gᵀ at the MLE: J = −H in the free parameters, G = ∂θ/∂φ."""
    try:
        def compute() -> sp.Matrix:
            j = (-hfree.xreplace(at)).applyfunc(sp.cancel)
            jinv = j.inv(method="ADJ").applyfunc(sp.cancel)
            g = sp.Matrix([[sp.diff(elim.get(p, p), q) for q in free] for p in vm.params])
            return (g * jinv * g.T).applyfunc(sp.cancel)
        return bounded(compute, seconds=10.0, what="the observed information")
    except (DerivationTimeout, ValueError, ZeroDivisionError):
        return None
