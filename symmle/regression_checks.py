"""The check and information stages for conditional models: the second-order check (each
observation's Hessian as −wᵢ zᵢ zᵢᵀ, or block diagonal at the root) and the Fisher information
of the sample given the covariates, Σᵢ E[−∂² log f(yᵢ | xᵢ, θ)].

Examples
--------
>>> from symmle.conditional import build_conditional, conditional_log_likelihood
>>> cm = build_conditional("poisson_regression")
>>> ll = conditional_log_likelihood(cm)
>>> H = sp.hessian(ll.log_density, cm.params)
>>> rank_one(H, data_domains(cm))[1]
Matrix([[1, x]])
"""
from __future__ import annotations

from typing import Mapping, Sequence

import sympy as sp

from .bounded import bounded
from .checks import Check
from .conditional import (ConditionalLogLikelihood, ConditionalModel, bounded_simplify,
                          cm_sample, data_domains)
from .errors import DerivationTimeout
from .latex import Inline
from .notation import N, linearize
from .spaces import prove_sign

__all__ = ["rank_one", "second_order_check", "information_given_covariates"]


def rank_one(H: sp.Matrix, domains: Mapping) -> tuple[sp.Expr, sp.Matrix] | None:
    """H = −w·z zᵀ with w ≥ 0 proven (one observation's Hessian in a GLM): (w, z) or None
    (see the module's example)."""
    k = H.shape[0]
    j = next((j for j in range(k) if H[j, j] != 0), None)
    if j is None:
        return None
    z = (H[j, :] / H[j, j]).applyfunc(sp.cancel)
    w = -H[j, j]
    try:
        rest = bounded(lambda: (H - (-w) * z.T * z).applyfunc(sp.cancel), seconds=3.0,
                       what="the Hessian")
    except DerivationTimeout:
        return None
    if rest != sp.zeros(k, k):
        return None
    w = sp.powsimp(sp.factor(sp.cancel(w)))
    if prove_sign(w, domains, "nonnegative") is not True:
        return None
    return w, z


def second_order_check(d_model: ConditionalModel, ll: ConditionalLogLikelihood,
                  H_summand: sp.Matrix, H: sp.Matrix,
                  mle: Mapping[sp.Symbol, sp.Expr] | None) -> Check:
    params = list(d_model.params)
    domains = data_domains(d_model)
    whole = rank_one(H_summand, domains)
    if whole is not None:
        w, z = whole
        return Check("second_order", "proven",
                     f"each observation's Hessian is −w·z zᵀ with w = {w} ≥ 0 and z = "
                     f"{list(z)}, so −∂²ℓ = Σᵢ wᵢ zᵢ zᵢᵀ is positive semidefinite: ℓ is concave, "
                     "and strictly so when these zᵢ span the parameter space (a design of full "
                     "rank); the root of the likelihood equations is then the unique maximum",
                     sp.Tuple(w, sp.ImmutableMatrix(z), sp.Tuple()))
    if mle is None:
        return Check("second_order", "undetermined",
                     "ℓ is not shown concave and there is no closed-form root to check; the "
                     "numeric stage checks the Hessian at the maximum it finds")
    # a block of coefficients with a rank-one Hessian, and the rest (σ²) one by one
    for size in range(len(params) - 1, 0, -1):
        block = params[:size]
        idx = list(range(size))
        found = rank_one(H_summand.extract(idx, idx), domains)
        if found is None:
            continue
        others = params[size:]
        score = [sp.diff(ll.expr, p) for p in params]
        pairs = [(i, j) for i in range(len(params)) for j in range(size, len(params))
                 if i != j and (i < size or j > i)]
        if not all(_vanishes_at_root(H[i, j], score) for i, j in pairs):
            break
        diag = []
        for k, q in enumerate(others, start=size):
            value = _at_root(H[k, k], score[k], domains)
            if value is None:
                break
            diag.append((q, value))
        if len(diag) != len(others):
            break
        w, z = found
        names = ", ".join(p.name for p in block)
        parts = "; ".join(f"∂²ℓ/∂{q.name}² = {v} < 0 where its likelihood equation holds"
                          for q, v in diag)
        return Check("second_order", "proven",
                     f"at the root the Hessian is block diagonal (the cross derivatives vanish "
                     f"there): the block of {names} is −Σᵢ wᵢ zᵢ zᵢᵀ with w = {w} > 0 and z = "
                     f"{list(z)}, negative definite when the design has full rank; {parts}. So "
                     "the Hessian is negative definite and the root is a maximum",
                     sp.Tuple(w, sp.ImmutableMatrix(z), sp.Tuple(*[sp.Tuple(q, v)
                                                                  for q, v in diag])))
    return Check("second_order", "undetermined",
                 "the Hessian at the root could not be shown negative definite symbolically")


def _stats_in(e: sp.Expr) -> set:
    return {s for s in e.free_symbols if s.name.startswith("_T")}


def _vanishes_at_root(entry: sp.Expr, score: Sequence[sp.Expr]) -> bool:
    """A Hessian entry that is a multiple (free of the data) of one score component is 0
    wherever the likelihood equations hold (∂²ℓ/∂β∂σ² = −(∂ℓ/∂β)/σ²)."""
    if entry == 0:
        return True
    for s in score:
        if s == 0:
            continue
        ratio = sp.cancel(entry / s)
        if not _stats_in(ratio) and not ratio.has(sp.Sum):
            return True
    return False


def _at_root(entry: sp.Expr, score_q: sp.Expr, domains: Mapping) -> sp.Expr | None:
    """∂²ℓ/∂q² where ∂ℓ/∂q = 0: eliminate a statistic with the q-equation; the value when it
    is then free of the data and proven negative (−n/(2σ⁴) for a Gaussian variance)."""
    num = sp.numer(sp.together(score_q))
    for t in sorted(_stats_in(num), key=lambda s: s.name):
        if sp.Poly(num, t).degree() != 1:
            continue
        sol = sp.solve(num, t)
        if len(sol) != 1:
            continue
        v = sp.factor(sp.cancel(entry.xreplace({t: sol[0]})))
        if not _stats_in(v) and not v.has(sp.Sum):
            if prove_sign(v, domains, "negative") is True:
                return v
    return None


def _moments(cm: ConditionalModel, degree: int, mean: sp.Expr | None,
             seconds: float) -> dict[int, sp.Expr] | None:
    y = cm.var
    out: dict[int, sp.Expr] = {0: sp.Integer(1)}
    for k in range(1, degree + 1):
        if k == 1 and mean is not None:
            out[1] = mean
            continue
        s = cm.support
        try:
            if s.discrete:
                if s.values:
                    val = sp.Add(*[v ** k * cm.density.xreplace({y: v}) for v in s.values])
                else:
                    val = bounded(sp.summation, y ** k * cm.density, (y, s.lower, s.upper),
                                  seconds=seconds, what="a moment of the response")
            else:
                val = bounded(sp.integrate, y ** k * cm.density, (y, s.lower, s.upper),
                              conds="none", seconds=seconds, what="a moment of the response")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            return None
        if val.has(sp.Integral, sp.Sum, sp.Piecewise):
            return None
        out[k] = bounded_simplify(val, 2.0)
    return out


def information_given_covariates(cm: ConditionalModel, ll: ConditionalLogLikelihood, H_summand: sp.Matrix,
                 mean: sp.Expr | None, seconds: float) -> tuple[sp.Matrix | None, str]:
    y = cm.var
    degree = 0
    for e in H_summand:
        e = sp.expand(e, power_exp=False)
        if not e.has(y):
            continue
        if not e.is_polynomial(y):
            return None, ("the Hessian is not a polynomial in the response, so its expectation "
                          "is not derived; fit uses the observed information")
        degree = max(degree, sp.degree(e, y))
    moments = _moments(cm, degree, mean, seconds) if degree else {0: sp.Integer(1)}
    if moments is None:
        return None, "the moments of the response were not found within the time budget"

    def expect(e: sp.Expr) -> sp.Expr:
        e = sp.expand(e, power_exp=False)
        if not e.has(y):
            return e
        poly = sp.Poly(e, y)
        return sp.Add(*[c * moments[m[0]] for m, c in zip(poly.monoms(), poly.coeffs())])
    info = (-H_summand).applyfunc(lambda e: sp.factor(sp.cancel(expect(e))))
    total = info.applyfunc(lambda e: linearize(sample_cov(cm, e)))
    if not degree:
        return total, ("the Hessian does not involve the response: the expected information "
                       "equals the observed")
    return total, (Inline(r"\operatorname{E}\left[y \mid x\right]", "E[y | x]"),
                   " from the score identity" + (
                       "" if degree == 1 else " and the higher moments of the response by "
                       "integration"))


def sample_cov(cm: ConditionalModel, e: sp.Expr) -> sp.Expr:
    """Σᵢ e(xᵢ), or n·e when e does not involve the covariates."""
    return cm_sample(cm, e) if e.has(*cm.covariates) else N * e
