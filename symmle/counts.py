"""Count notation for a model on a finite support: nₖ = #{i : xᵢ = k}.

On a support {v₁, …, v_K} every function of one observation is a combination of the
indicators 1{x = vₖ}, so every statistic Σᵢ h(xᵢ) is Σₖ h(vₖ) nₖ: the counts are the
sufficient statistics, and a textbook states the MLE in them (θ̂ = (n₀ + n₁)/n), where the
engine's power sums (Σxᵢ, Σxᵢ², …) hide it. This module rewrites a sample-notation expression
in counts, gives the count symbols to the claim reader (a person writes ``n_0``), and builds
the density of a pmf given as a table of probabilities, one per support value
(:func:`table_density`: Π pₖ^{Lₖ(x)}, with Lₖ the indicator polynomial of vₖ on the support,
so that the engine's usual route applies).

Examples
--------
>>> from symmle import derive
>>> d = derive("[2*theta/3, theta/3, 2*(1-theta)/3, (1-theta)/3]", support="{0, 1, 2, 3}",
...            params={"theta": "(0, 1)"})
>>> in_counts(d.mle["theta"], d.model)
(n_0 + n_1)/n
"""
from __future__ import annotations

from typing import Any, Sequence

import sympy as sp

from .bounded import bounded
from .errors import DerivationTimeout, ModelSpecError
from .notation import I, N

__all__ = ["support_values", "count_symbol", "count_statistics", "in_counts", "is_tabular",
           "cases", "table_heading", "indicator_polynomial", "oriented_factors",
           "table_density", "MAX_VALUES"]

MAX_VALUES = 12  # larger finite supports keep their power sums


def support_values(model: Any) -> list[sp.Expr] | None:
    """The values of a fixed, finite, numeric support (at most ``MAX_VALUES``), else None;
    ``model`` is a model or a support."""
    s = getattr(model, "support", model)
    if getattr(s, "kind", None) != "finite" or len(s.values) > MAX_VALUES:
        return None
    values = [sp.sympify(v) for v in s.values]
    return values if all(v.is_number for v in values) else None


def count_symbol(v: sp.Expr) -> sp.Symbol:
    """nₖ for the value k: ``n_0``, ``n_{-1}`` (LaTeX prints both as a subscript)."""
    name = f"n_{v}" if v.is_Integer and v >= 0 else f"n_{{{v}}}"
    return sp.Symbol(name, integer=True, nonnegative=True)


def indicator_polynomial(values: Sequence[sp.Expr], k: int, x: sp.Symbol) -> sp.Expr:
    """Lₖ(x) = Πⱼ≠ₖ (x − vⱼ)/(vₖ − vⱼ): 1 at vₖ and 0 at every other value."""
    out = sp.Integer(1)
    for j, v in enumerate(values):
        if j != k:
            out *= (x - v) / (values[k] - v)
    return sp.factor(out)


def is_tabular(d: Any) -> bool:
    """Whether a derivation's model is best read as a table of probabilities: a finite
    numeric support whose statistics include a polynomial of degree ≥ 2 in x (the indicator
    polynomials of the categorical, of a pmf given as a list), where the counts nₖ say more than
    power sums; not the Bernoulli's Σxᵢ."""
    m = d.model
    if support_values(m) is None or getattr(m, "support_depends_on_params", False):
        return False
    for s in getattr(d.log_likelihood, "statistics", ()):
        h = sp.sympify(s.h)
        if h.has(m.var) and h.is_polynomial(m.var) and sp.degree(h, m.var) >= 2:
            return True
    return False


def cases(model: Any) -> sp.Expr | None:
    """The pmf by cases, f(vₖ) for each support value (a display form), or None."""
    from .latex import Cases

    values = support_values(model)
    if values is None:
        return None
    rows = []
    for v in values:
        rows += [v, sp.factor_terms(sp.powsimp(model.density.xreplace({model.var: v})))]
    return Cases(model.var, *rows)


def table_heading(model: Any) -> tuple[Any, ...]:
    """``P(X = 0) = 2θ/3, P(X = 1) = θ/3, ...`` as prose (a heading for a table pmf)."""
    from .latex import Inline

    rows = cases(model).args[1:]
    out: list[Any] = []
    for v, f in zip(rows[::2], rows[1::2]):
        out += [", "] * bool(out) + [Inline("P(X = @0) = @1", "P(X = @0) = @1", v, f)]
    return tuple(out)


def count_statistics(model: Any) -> dict[str, sp.Expr]:
    """Names a claim may use for the counts (``n0``, ``n_0``; the translator reads the LaTeX
    ``n_0`` and ``n_{0}`` as ``n0``) → Σᵢ Lₖ(xᵢ) in sample notation."""
    values = support_values(model)
    if values is None:
        return {}
    xi = sp.IndexedBase(model.var.name)[I]
    out = {}
    for k, v in enumerate(values):
        if not (v.is_Integer and v >= 0):
            continue
        total = sp.Sum(indicator_polynomial(values, k, model.var).xreplace({model.var: xi}),
                       (I, 1, N))
        out.update({f"n{v}": total, f"n_{v}": total})
    return out


def in_counts(expr: sp.Expr, model: Any, seconds: float = 2.0,
              terms: bool = False) -> sp.Expr | None:
    """``expr`` (sample notation) with every Σᵢ h(xᵢ) written Σₖ h(vₖ) nₖ and n kept where
    the counts add up to it (an estimate: one fraction, ``(n_0 + n_1)/n``), or with
    ``terms`` one term per count (a log-likelihood: ``n_1 log p1 + n_2 log p2 + ...``); None
    for a model without a finite numeric support, or when the simplification does not finish
    in ``seconds``."""
    values = support_values(model)
    if values is None or not expr.has(sp.Sum):
        return None
    x = model.var
    counts = [count_symbol(v) for v in values]
    total = sp.Add(*counts)

    def one(s: sp.Sum) -> sp.Expr:
        (index, lo, hi), = s.limits
        body = s.function.replace(lambda e: isinstance(e, sp.Indexed)
                                  and e.base.label.name == x.name, lambda e: x)
        if body.has(sp.Indexed) or body.has(index):
            raise ValueError("a sum over more than the observation")
        return sp.Add(*[body.xreplace({x: v}) * c for v, c in zip(values, counts)])

    def rewrite() -> sp.Expr:
        sums = {s: one(s) for s in expr.atoms(sp.Sum)}
        e = expr.xreplace(sums).xreplace({N: total})
        if terms:
            parts = sp.collect(sp.expand(e, log=False, power_base=False, power_exp=False),
                               counts, evaluate=False)
            return sp.Add(*[sp.factor_terms(sp.logcombine(coef)) * c
                            for c, coef in parts.items()])
        e = sp.factor(sp.cancel(e))
        return e.xreplace({total: N}).subs(total, N)
    try:
        return bounded(rewrite, seconds=seconds, what="writing the estimate in counts")
    except (DerivationTimeout, ValueError, TypeError, ZeroDivisionError):
        return None


def oriented_factors(p: sp.Expr, point: dict | None = None,
                     ) -> tuple[sp.Expr, list[tuple[sp.Expr, sp.Expr]]]:
    """``p`` as c·Πⱼ bⱼ^eⱼ, each base bⱼ positive at ``point`` (a parameter value inside the
    space): 2θ(1 − θ) is 2·θ·(1 − θ), (θ − 1)² is (1 − θ)², not the base θ − 1 SymPy keeps."""
    coeff, bases = sp.Integer(1), []
    for base, e in sp.factor(p).as_powers_dict().items():
        if not base.free_symbols:
            coeff *= base ** e
            continue
        at = base.xreplace(point or {})
        if at.is_number and at.is_negative:
            base, coeff = sp.expand(-base), coeff * (-1) ** e
        bases.append((base, e))
    return coeff, bases


def table_density(probabilities: Sequence[sp.Expr], values: Sequence[sp.Expr],
                  x: sp.Symbol, point: dict | None = None) -> sp.Expr:
    """The pmf with P(X = vₖ) = pₖ as one formula, Πₖ pₖ^{Lₖ(x)} (see the module docstring),
    each pₖ split into its factors positive at ``point`` (:func:`oriented_factors`), so that
    the log of the pmf splits into logs of positive factors.

    Raises
    ------
    ModelSpecError
        As many probabilities as support values are needed; none may be 0 or involve x.
    """
    if len(probabilities) != len(values):
        raise ModelSpecError(
            f"a pmf given as a list has one probability per support value: {len(probabilities)}"
            f" probabilities for the {len(values)} values "
            f"{{{', '.join(str(v) for v in values)}}}", where="density")
    for v, p in zip(values, probabilities):
        if p.has(x):
            raise ModelSpecError(f"the probability of {x} = {v} ({p}) must not involve {x}",
                                 where="density")
        if p == 0:
            raise ModelSpecError(f"the probability of {x} = {v} is 0: leave {v} out of the "
                                 "support", where="density")
    out = sp.Integer(1)
    for k, p in enumerate(probabilities):
        indicator = indicator_polynomial(values, k, x)
        coeff, bases = oriented_factors(p, point)
        out *= coeff ** indicator * sp.Mul(*[b ** (e * indicator) for b, e in bases])
    return out
