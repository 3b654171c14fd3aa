"""The likelihood stage: ℓ(θ) for n i.i.d. observations in sufficient-statistic form.

``log f(x | θ)`` is expanded (logs split only where positivity is *proven* from the domains and
the support) into terms ``g(θ)·h(x)``, terms free of x and terms free of θ:

    ℓ(θ) = n·g_0(θ) + Σ_k g_k(θ)·T_k + c(x),        T_k = Σ_i h_k(x_i)

with each ``T_k`` a plain symbol while solving. A term in which θ and x do not separate
(Cauchy's ``log(1 + (x − θ)²)``) stays a sum over i: the sign that no closed form exists.
"""
from __future__ import annotations

import math
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Mapping

import sympy as sp

from .errors import ModelSpecError
from .model import Model
from .notation import I, N, sample_sum
from .spaces import Domain, prove_sign

__all__ = ["Statistic", "LogLikelihood", "log_likelihood", "expand_log_proven", "var_domain"]


@dataclass(frozen=True)
class Statistic:
    """A sufficient statistic ``T = Σ_i h(x_i)``: ``symbol`` stands for it while solving."""

    symbol: sp.Symbol
    h: sp.Expr
    var: sp.Symbol

    @property
    def sum(self) -> sp.Expr:
        """The statistic in sample notation, ``Sum(h(x[i]), (i, 1, n))``."""
        return sample_sum(self.h, self.var)


class SampleNotation:
    """``params``, ``to_sample`` and ``sample_expr`` for a log-likelihood in sufficient-statistic
    form with ``model``, ``expr``, ``statistics`` (each with ``symbol`` and ``sum``) and
    ``constant``: :class:`LogLikelihood` and the vector one of :mod:`symmle.constrained`."""

    @property
    def params(self) -> tuple[sp.Symbol, ...]:
        return self.model.params  # type: ignore[attr-defined]

    def to_sample(self, expr: sp.Expr) -> sp.Expr:
        """Replace every statistic symbol in ``expr`` by its sum over the sample."""
        return sp.sympify(expr).xreplace({s.symbol: s.sum
                                          for s in self.statistics})  # type: ignore[attr-defined]

    @property
    def sample_expr(self) -> sp.Expr:
        """ℓ(θ) in sample notation, constants included."""
        return self.to_sample(self.expr) + self.constant  # type: ignore[attr-defined]


@dataclass(frozen=True)
class LogLikelihood(SampleNotation):
    """ℓ(θ) of an i.i.d. sample.

    Attributes
    ----------
    model
        The model it came from.
    log_density
        ``log f(x | θ)`` with logarithms split (a sum of terms).
    expr
        ℓ(θ) with every sufficient statistic replaced by its symbol (``statistics``) and the
        sample size ``n``; non-separable terms as ``Sum(..., (i, 1, n))``.
    statistics
        The sufficient statistics T_k, each Σ_i h_k(x_i).
    collected
        ``(g_j(θ), H_j(x))`` pairs in the textbook grouping ℓ = n·g_0 + Σ_j g_j·Σ_i H_j(x_i) + c.
    theta_free
        ``g_0(θ)``: the part of log f that does not involve x.
    constant
        The part of ℓ free of θ, in sample notation (Σ log x_i! and the like).
    nonseparable
        Terms of log f in which x and θ do not separate.
    """

    model: Model
    log_density: sp.Expr
    expr: sp.Expr
    statistics: tuple[Statistic, ...]
    collected: tuple[tuple[sp.Expr, sp.Expr], ...]
    theta_free: sp.Expr
    constant: sp.Expr
    nonseparable: tuple[sp.Expr, ...]

    @property
    def separable(self) -> bool:
        return not self.nonseparable



def var_domain(model: Model) -> Domain:
    """The support as a :class:`Domain` of the observation symbol: for a continuous support its
    interior, since an end has probability zero (``0 <= x <= 1`` proves 1 − x > 0 as
    ``0 < x < 1`` does); a discrete support keeps its ends."""
    s = model.support
    if not s.discrete:
        return Domain(s.lower, s.upper, True, True)
    return Domain(s.lower, s.upper, s.left_open, s.right_open, integer=True)


def _positive(expr: sp.Expr, domains: Mapping[sp.Symbol, Domain]) -> bool:
    if expr.is_positive:
        return True
    if expr.is_number:
        return bool(expr.is_positive)
    return prove_sign(expr, domains, "positive", _SIMPLICES.get()) is True


# the model's simplex constraints while its log density is expanded (the recursion is deep)
_SIMPLICES: ContextVar[tuple] = ContextVar("simplices", default=())
# the observation and the known constants, for splitting a product into θ- and x-parts
_OBSERVATION: ContextVar[sp.Symbol | None] = ContextVar("observation", default=None)
_KNOWN: ContextVar[frozenset] = ContextVar("known", default=frozenset())


def expand_log_proven(expr: sp.Expr, domains: Mapping[sp.Symbol, Domain],
                      positive_argument: bool = False) -> sp.Expr:
    """Split ``log`` of products, quotients, powers and exponentials wherever the bases are
    proven positive over ``domains``; never by force.

    With ``positive_argument=True`` the argument of a top-level ``log`` is known to be positive
    (a density on its support): then in a product whose other factors are proven positive, the
    remaining factor is positive too, and its log splits off (``log(binomial(m, x)·p^x)``).

    Examples
    --------
    >>> p, x = sp.Symbol("p", positive=True), sp.Symbol("x", integer=True, nonnegative=True)
    >>> expand_log_proven(sp.log(p**x * (1 - p)**(1 - x)), {p: Domain(sp.Integer(0), sp.Integer(1))})
    x*log(p) + (1 - x)*log(1 - p)
    """
    if isinstance(expr, sp.log):
        return _split_log(expr.args[0], domains, positive_argument)
    if not expr.args:
        return expr
    return expr.func(*[expand_log_proven(a, domains) for a in expr.args])


def _split_log(arg: sp.Expr, domains: Mapping[sp.Symbol, Domain], known_positive: bool = False,
               ) -> sp.Expr:
    if isinstance(arg, sp.exp) and arg.args[0].is_real:
        return arg.args[0]
    if isinstance(arg, sp.Mul):
        factors = sp.Mul.make_args(arg)
        pos = [f for f in factors if _positive(f, domains)]
        rest = sp.Mul(*[f for f in factors if f not in pos])
        if len(pos) == len(factors):
            return sp.Add(*[_split_log(f, domains, True) for f in factors])
        if pos and (known_positive or _positive(rest, domains)):
            # arg > 0 and every factor in pos > 0, so the rest is positive as well
            return sp.Add(*[_split_log(f, domains, True) for f in pos]) + \
                _split_log(rest, domains, True)
        if known_positive:
            split = _split_by_sign(factors, domains)
            if split is not None:
                return split
        return sp.log(arg)
    if isinstance(arg, sp.Pow):
        base, exp = arg.args
        if exp.is_real and _positive(base, domains):
            return exp * _split_log(base, domains, True)
        if isinstance(base, sp.Mul) and exp.is_real:
            # (a·b)^e = a^e·b^e for an integer e, or for a > 0 (then arg(a·b) = arg(b)):
            # (λ·t)^y splits into λ^y·t^y, and log(λ^y) = y·log λ comes off
            factors = sp.Mul.make_args(base)
            pos = [f for f in factors if _positive(f, domains)]
            if exp.is_integer or pos:
                split = [f**exp for f in (factors if exp.is_integer else pos)]
                rest = sp.Mul(*[f for f in factors if f not in pos]) if not exp.is_integer else 1
                product = sp.Mul(*split) * rest**exp
                if product != arg:
                    return _split_log(product, domains, known_positive)
        return sp.log(arg)
    if arg.is_Rational and arg.is_positive and arg != 1:
        return sp.expand_log(sp.log(arg), force=True)  # numbers only: log(1/2) = -log(2)
    return sp.log(arg)


def _split_by_sign(factors: tuple, domains: Mapping[sp.Symbol, Domain]) -> sp.Expr | None:
    """log(G(θ)·H(x)) for a product known to be positive, whose factors are a group free of
    the observation (G) and a group free of the parameters (H): then G has one sign on the
    whole parameter space (G(θ)·H(x₀) > 0 for every θ), H the same one, and
    log(G·H) = log(s·G) + log(s·H) with s that sign, read at typical values (for each typical
    value of the known constants, which must agree). The zero-truncated binomial's
    binomial(m, x)/(1 − (1 − p)^m) splits so; None when the factors do not separate."""
    x = _OBSERVATION.get()
    if x is None:
        return None
    group_x = [f for f in factors if x in f.free_symbols]
    group_t = [f for f in factors if x not in f.free_symbols]
    params = {s for s in domains if s != x}
    if not group_x or not group_t or any(f.free_symbols & params - _KNOWN.get()
                                         for f in group_x):
        return None
    g = sp.Mul(*group_t)
    if not g.free_symbols - _KNOWN.get():
        return None  # numbers and known constants only: nothing to separate from
    signs = set()
    points = [{s: domains[s].typical_values()[k % 3] for s in g.free_symbols if s in domains}
              for k in range(3)]
    for point in points:
        try:
            value = complex(g.xreplace(point).evalf(20))
        except (TypeError, ValueError, ZeroDivisionError):
            return None
        if value.imag != 0 or value.real == 0 or not math.isfinite(value.real):
            return None
        signs.add(value.real > 0)
    if len(signs) != 1:
        return None
    sign = 1 if signs.pop() else -1
    return (_split_log(sign * g, domains, True)
            + _split_log(sign * sp.Mul(*group_x), domains, True))


def _split_term(term: sp.Expr, params: set[sp.Symbol], x: sp.Symbol,
                ) -> tuple[sp.Expr, sp.Expr] | None:
    """``term`` = g·h(x) → (g, h), g free of x (parameters, known constants, numbers) and h a
    product of factors in x alone; None when θ and x are entangled."""
    g, h = [], []
    for factor in sp.Mul.make_args(term):
        has_x = x in factor.free_symbols
        if has_x and factor.free_symbols & params:
            return None
        (h if has_x else g).append(factor)
    return sp.Mul(*g), sp.Mul(*h)


def _beta_as_gammas(density: sp.Expr) -> sp.Expr:
    """B(a, b) → Γ(a)Γ(b)/Γ(a + b), with ratios of Gammas whose arguments differ by an integer
    cancelled: B(1, θ) = 1/θ, B(2, θ) = 1/(θ(θ + 1)) (as ``sympy.stats.Beta`` writes the
    density), so that log B splits into logs of θ instead of staying a polygamma in the score.

    Examples
    --------
    >>> t = sp.Symbol("theta", positive=True)
    >>> _beta_as_gammas((1 - sp.Symbol("x"))**(t - 1) / sp.beta(1, t))
    theta*(1 - x)**(theta - 1)
    """
    if not density.has(sp.beta):
        return density
    return density.replace(
        lambda e: isinstance(e, sp.beta) and len(e.args) == 2,
        lambda e: sp.gammasimp(sp.gamma(e.args[0]) * sp.gamma(e.args[1])
                               / sp.gamma(e.args[0] + e.args[1])))


def log_likelihood(model: Model) -> LogLikelihood:
    """Build ℓ(θ) of an i.i.d. sample in sufficient-statistic form.

    Raises
    ------
    ModelSpecError
        When the model uses the reserved sample-size or index names ``n`` or ``i``.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> ll = log_likelihood(build_model("theta*x**(theta-1)", support="0 < x < 1"))
    >>> ll.expr
    _T0*theta + n*log(theta)
    >>> ll.constant
    Sum(-log(x[i]), (i, 1, n))
    >>> ll.statistics[0].sum
    Sum(log(x[i]), (i, 1, n))
    """
    x = model.var
    for s in (*model.params, *model.known):
        if s.name in (N.name, I.name):
            raise ModelSpecError(
                f"{s.name!r} is reserved: symmle writes the sample size as n and the index as i; "
                f"rename the {'parameter' if s in model.params else 'known constant'} "
                f"(for example to {'m' if s.name == 'n' else 'j'})")
    params = set(model.params)
    domains: dict[sp.Symbol, Domain] = dict(model.domains)
    domains[x] = var_domain(model)
    token = _SIMPLICES.set(model.simplices)
    seen, known = _OBSERVATION.set(x), _KNOWN.set(frozenset(model.known))
    try:
        logf = expand_log_proven(sp.log(_beta_as_gammas(model.density)), domains,
                                 positive_argument=True)
    finally:
        _SIMPLICES.reset(token)
        _OBSERVATION.reset(seen)
        _KNOWN.reset(known)
    terms: list[sp.Expr] = []
    nonsep: list[sp.Expr] = []
    for top in sp.Add.make_args(logf):
        if _split_term(top, params, x) is not None:
            terms.extend(sp.Add.make_args(sp.expand(top)))
            continue
        parts = sp.Add.make_args(sp.expand(top))
        if all(_split_term(p, params, x) is not None for p in parts):
            terms.extend(parts)
        else:
            nonsep.append(top)
    # group by the θ-function g (textbook form) and keep x-free and θ-free parts apart
    theta_free = sp.Integer(0)
    const_terms: list[sp.Expr] = []  # free of θ: c(x) and numbers
    by_g: dict[sp.Expr, sp.Expr] = {}
    for t in terms:
        g, h = _split_term(t, params, x)  # type: ignore[misc]
        if not g.free_symbols & params:
            const_terms.append(g * h)
        elif x not in h.free_symbols:
            theta_free += g * h
        else:
            coeff, g_rest = _split_coefficient(g, params)
            by_g[g_rest] = by_g.get(g_rest, 0) + coeff * h
    collected = []
    for g, h in by_g.items():
        h = sp.factor(h) if h.is_Add else h
        collected.append((g, h))
    collected.sort(key=lambda gh: sp.default_sort_key(gh[0]))
    # atomic statistics for solving: expand each H_j into numbers times functions of x
    stats: dict[sp.Expr, sp.Symbol] = {}
    solve_expr = N * theta_free
    for g, h in collected:
        lin = sp.Integer(0)
        for piece in sp.Add.make_args(sp.expand(h)):
            coeff, atom = _split_coefficient(piece, {x})
            if x not in atom.free_symbols:
                lin += piece * N
                continue
            if atom not in stats:
                stats[atom] = sp.Symbol(f"_T{len(stats)}", **_statistic_assumptions(atom, domains, x))
            lin += coeff * stats[atom]
        solve_expr += g * lin
    for t in nonsep:
        solve_expr += sample_sum(t, x)
    constant = sp.Integer(0)
    for c in const_terms:
        constant += sample_sum(c, x) if x in c.free_symbols else N * c
    statistics = tuple(Statistic(sym, h, x) for h, sym in stats.items())
    return LogLikelihood(model, sp.Add(*terms, *nonsep), solve_expr, statistics,
                         tuple(collected), theta_free, constant, tuple(nonsep))


def _split_coefficient(term: sp.Expr, keep: set[sp.Symbol]) -> tuple[sp.Expr, sp.Expr]:
    """``term`` = coefficient × rest, the coefficient being the factors free of ``keep``."""
    coeff, rest = [], []
    for factor in sp.Mul.make_args(term):
        (rest if factor.free_symbols & keep else coeff).append(factor)
    return sp.Mul(*coeff), sp.Mul(*rest)


def _statistic_assumptions(h: sp.Expr, domains: Mapping[sp.Symbol, Domain],
                           x: sp.Symbol) -> dict[str, bool]:
    """Sign of Σ h(x_i) from the sign of h on the support. On a continuous support, h ≥ 0
    with finitely many zeros (|x|, x², log(x)²) gives Σ h(x_i) > 0 with probability one: every
    observation at a zero of h has probability zero."""
    if prove_sign(h, domains, "positive") is True:
        return {"positive": True}
    if prove_sign(h, domains, "negative") is True:
        return {"negative": True}
    for sign, strict in (("nonnegative", "positive"), ("nonpositive", "negative")):
        if getattr(h, f"is_{sign}") or prove_sign(h, domains, sign) is True:
            if not domains[x].integer and _finitely_many_zeros(h, x):
                return {strict: True}
            return {sign: True}
    return {"real": True}


def _finitely_many_zeros(h: sp.Expr, x: sp.Symbol) -> bool:
    """Whether h(x) = 0 has finitely many real solutions (SymPy's solve, bounded)."""
    from .bounded import bounded
    from .errors import DerivationTimeout

    try:
        roots = bounded(sp.solve, h, x, seconds=0.5, what="the zeros of a statistic")
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
        return False
    return isinstance(roots, list) and not any(x in r.free_symbols for r in roots)
