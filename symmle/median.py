"""The median rule: a location μ that enters ℓ only through −c(θ)·Σ|x_i − μ|, c > 0.

The Laplace log-likelihood ℓ(μ, b) = −n log(2b) − Σ|x_i − μ|/b does not separate into
g(θ)·h(x) terms, and the score in μ, −Σ sign(μ − x_i)/b, is a step function with no root at
all for odd n. The textbook argument needs no derivative at the kinks: for every value of the
other parameters, maximising ℓ in μ is minimising Σ|x_i − μ|, a convex piecewise-linear function
whose one-sided derivatives in μ are (number of x_i < μ) − (number of x_i > μ). Those change
sign at the sample median, so μ̂ = x̃ (for even n every point between the two middle order
statistics; by convention their midpoint, and Σ|x_i − μ| is the same at all of them). With μ̂
in place, Σ|x_i − x̃| is one number of the sample, and the other parameters come from their
score equations (b̂ = Σ|x_i − x̃|/n for the Laplace).

The rule is recognised from the structure of ℓ, never from a family name: every term of log f
in which μ appears is −c(θ)·|k(x − μ)| with k a nonzero number, c free of x and μ and proven
positive on the parameter space, and μ appears nowhere else (not in the separable part, not in
the support). When μ is restricted to an interval (θ > 0 by default for a typed density), the
median is the estimate on samples where it lies inside; the boundary check states that
condition.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .likelihood import LogLikelihood
from .notation import linearize, median_statistic
from .spaces import prove_sign

__all__ = ["MedianSolution", "median_rule", "reduced_likelihood"]


@dataclass(frozen=True)
class MedianSolution:
    """A location parameter estimated by the sample median.

    Attributes
    ----------
    estimates
        Parameter → the median symbol (``{mu: x_med}``).
    coefficient
        c(θ) > 0 with ℓ = ... − c(θ)·Σ|x_i − μ| (``1/b`` for the Laplace).
    reasons
        Parameter → the argument, one sentence.
    median
        The ``x_med`` symbol.
    reduced, sums
        ℓ with μ̂ = x̃ in place and every sum over the sample a symbol, and the table from those
        symbols back to the sums (see :func:`reduced_likelihood`); set by the solve stage.
    """

    estimates: dict[sp.Symbol, sp.Symbol]
    coefficient: sp.Expr
    reasons: dict[sp.Symbol, str]
    median: sp.Symbol
    reduced: sp.Expr | None = None
    sums: dict[sp.Symbol, sp.Sum] = field(default_factory=dict)


def _abs_location(term: sp.Expr, x: sp.Symbol, params: tuple[sp.Symbol, ...]
                  ) -> tuple[sp.Symbol, sp.Expr] | None:
    """``term`` = −c·|k(x − μ)| → (μ, c·|k|), with c free of x and μ; else None."""
    coeff, rest = term.as_independent(x, as_Add=False)
    if not isinstance(rest, sp.Abs):
        return None
    arg = rest.args[0]
    k = sp.diff(arg, x)
    if not k.is_number or k == 0:
        return None
    for mu in params:
        if mu in arg.free_symbols and mu not in coeff.free_symbols \
                and sp.expand(arg - k * (x - mu)) == 0:
            return mu, -coeff * abs(k)
    return None


def median_rule(ll: LogLikelihood) -> MedianSolution | None:
    """The median estimate of a location parameter when ℓ has the form above, else ``None``.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> rule = median_rule(log_likelihood(build_model("laplace")))
    >>> rule.estimates, rule.coefficient
    ({mu: x_med}, 1/b)
    >>> median_rule(log_likelihood(build_model("cauchy"))) is None
    True
    """
    model = ll.model
    x, params = model.var, model.params
    if not ll.nonseparable or model.support_depends_on_params:
        return None
    found: dict[sp.Symbol, sp.Expr] = {}
    for top in ll.nonseparable:
        for part in sp.Add.make_args(sp.expand(top)):
            hit = _abs_location(part, x, params)
            if hit is not None:
                found[hit[0]] = found.get(hit[0], sp.Integer(0)) + hit[1]
    if len(found) != 1:
        return None
    (mu, c), = found.items()
    dom = model.domains[mu]
    if dom.integer:  # the midpoint of two middle observations need not be a value of μ
        return None
    c = sp.factor(sp.cancel(c))
    domains = {s: model.domains[s] for s in (*params, *model.known)}
    if mu in c.free_symbols or prove_sign(c, domains, "positive") is not True:
        return None
    # μ nowhere else: every other term of ℓ (separable or not) is free of it
    rest = [part for top in ll.nonseparable for part in sp.Add.make_args(sp.expand(top))
            if _abs_location(part, x, params) is None]
    separable = ll.expr.xreplace({s: sp.Integer(0) for s in ll.expr.atoms(sp.Sum)})
    if any(mu in e.free_symbols for e in (*rest, separable)):
        return None
    if mu in model.support.free_symbols:
        return None
    med = median_statistic(x)
    why = (f"the log-likelihood depends on {mu} only through -({c})*Σ|{x.name}[i] - {mu}|, and "
           f"{c} > 0 on the parameter space, so for every value of the other parameters "
           f"maximising it in {mu} "
           f"is minimising Σ|{x.name}[i] - {mu}|. That sum is not differentiable at the "
           f"observations (the score equation in {mu} is not used); its one-sided derivative in "
           f"{mu} is (the number of {x.name}[i] < {mu}) - (the number of {x.name}[i] > {mu}), "
           f"negative below the sample median and positive above it, so the sum is smallest at "
           f"{mu} = {med.name}, the sample median (for even n at every point between the two "
           "middle observations, where the sum is the same; by convention their midpoint)")
    if sp.sympify(dom.lower) != -sp.oo or sp.sympify(dom.upper) != sp.oo:
        # the sum is convex in μ: on a sample whose median is outside the range of μ it
        # increases toward the median, so ℓ is largest at the nearest end (the boundary check)
        why += (f"; {mu} is restricted to {dom.describe()}, so this holds when {med.name} lies "
                f"there, and otherwise the sum, being convex, is smallest at the end of that "
                "range nearest to the median")
    return MedianSolution({mu: med}, c, {mu: why}, med)


def _pull_number(e: sp.Abs) -> sp.Expr:
    """|k·u| → |k|·|u| for a number k: Σ|2x̃ − 2x_i| is 2·Σ|x̃ − x_i|."""
    coeff, rest = sp.factor_terms(e.args[0]).as_coeff_Mul()
    return abs(coeff) * sp.Abs(rest) if coeff not in (1, -1) and coeff != 0 else e


def reduced_likelihood(ll: LogLikelihood, rule: MedianSolution
                       ) -> tuple[sp.Expr, dict[sp.Symbol, sp.Sum]] | None:
    """ℓ with μ̂ = x̃ in place, every sum over the sample replaced by a symbol ``_D0``, ...
    (Σ|x_i − x̃| is one number of the sample once the median is known), and the table back
    to the sums; ``None`` when a sum still holds a parameter (the rest has no closed form).

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> ll = log_likelihood(build_model("laplace"))
    >>> expr, table = reduced_likelihood(ll, median_rule(ll))
    >>> expr, table
    (-_D0/b - n*log(b), {_D0: Sum(Abs(x_med - x[i]), (i, 1, n))})
    """
    params = set(ll.params)
    lin = linearize(ll.expr.xreplace(rule.estimates).replace(
        lambda e: isinstance(e, sp.Abs), _pull_number))
    sums = sorted(lin.atoms(sp.Sum), key=sp.default_sort_key)
    if any(s.function.free_symbols & params for s in sums):
        return None
    table = {}
    for k, s in enumerate(sums):
        sign = {"nonnegative": True} if s.function.is_nonnegative else {"real": True}
        table[s] = sp.Symbol(f"_D{k}", **sign)
    return lin.xreplace(table), {v: k for k, v in table.items()}
