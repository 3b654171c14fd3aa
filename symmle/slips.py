"""The known slips of a hand derivation, as mutations of the true step.

When a claimed step is wrong, :func:`mutations` produces the true step as it would look after
each common mistake, and the checker reports the first mutation that agrees with the claim at
every random point. The list is generic (it works for any model, by rewriting the truth), not
a table of textbook answers:

- ``1/(n-1) for 1/n``: the truth times n/(n−1) or (n−1)/n, or n replaced by n−1;
- ``a sign``: the whole step negated, or one of its terms;
- ``a dropped factor n``: the step divided or multiplied by n, or n dropped from one term;
- ``the chain rule in σ versus σ²``: the score or information with respect to √θ instead of θ
  (dℓ/dσ = 2σ·dℓ/dσ², I_σ = 4σ²·I_σ²), or the MLE of √θ for that of θ;
- ``the score set to zero on a support-dependent model``: an MLE without order statistics
  where the support moves with the parameter (the likelihood is largest at x₍₁₎ or x₍ₙ₎);
- ``missing boundary case``: the root of the likelihood equation where the parameter space
  has an end that the root can pass (the MLE is then the boundary value);
- ``the parameters in another order``: a Fisher information matrix whose rows and columns
  follow another order of the parameters than the model's (recognised by
  :func:`symmle.check.check` on the whole matrix, not a mutation of one entry);
- ``a dropped term``: one term of the step left out (or a group of terms with a common
  factor in the parameters); for a log-likelihood only terms that involve the parameters.
- ``the likelihood, not its logarithm``: a log-likelihood claimed as the product of the
  densities (its logarithm is right up to a constant; recognised by
  :func:`symmle.check.check`, not a mutation).
- ``a wrong constant factor``: one term of the truth (or a group with a common factor
  in a parameter, or the whole step) times another constant (n/θ for 2n/θ, 1/σ² for
  1/(2σ²)); the constant is read off the claim by
  :func:`symmle.check.check`, after every mutation above has failed.

For an entry of the Fisher information matrix (``truth`` given), the same mutations apply to
that entry; a matrix whose entries mix the information per observation and for the n
observations is reported as ``a dropped factor n`` on the entries that disagree with the rest.

Examples
--------
>>> import symmle
>>> d = symmle.derive("exponential")
>>> [m.name for m in mutations(d, "score", d.model.params[0], sp.Integer(1))][:4]
['1/(n-1) for 1/n', '1/(n-1) for 1/n', '1/(n-1) for 1/n', 'a sign']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import sympy as sp
from sympy import Sum

from .notation import N, linearize

__all__ = ["Mutation", "mutations", "boundary_clamp", "SLIPS"]

SLIPS = ("1/(n-1) for 1/n", "a sign", "a dropped factor n", "the chain rule in σ versus σ²",
         "the score set to zero on a support-dependent model", "missing boundary case",
         "the parameters in another order", "a dropped term",
         "the likelihood, not its logarithm", "a wrong constant factor", "1/(n-p) for 1/n",
         "the variance for the standard error", "a dropped factor √n")
MAX_TERMS = 10


@dataclass(frozen=True)
class Mutation:
    """The truth after one slip (``expr`` is None when the slip is recognised directly)."""

    name: str
    explain: str
    expr: sp.Expr | None


def _outside_sums(expr: sp.Expr, fn) -> sp.Expr:
    """Apply ``fn`` to ``expr`` with every sum held fixed (n in the limits stays n)."""
    sums = sorted(expr.atoms(Sum), key=sp.default_sort_key)
    hold = {s: sp.Dummy(f"S{k}") for k, s in enumerate(sums)}
    back = {v: k for k, v in hold.items()}
    return fn(expr.xreplace(hold)).xreplace(back)


def _terms(expr: sp.Expr) -> list[sp.Expr]:
    """The terms of ``expr`` as a person would write them: a rational function of one
    parameter in partial fractions (1/θ² + 1/(θ + 1)², not the numerator of one fraction
    split), anything else expanded."""
    lin = linearize(expr)
    if len(sp.Add.make_args(lin)) == 1 and not lin.atoms(Sum):
        syms = [s for s in lin.free_symbols if s != N]
        if len(syms) == 1 and lin.is_rational_function(syms[0]) and sp.count_ops(lin) < 60:
            parts = list(sp.Add.make_args(sp.apart(lin, syms[0])))
            if 1 < len(parts) <= MAX_TERMS:
                return parts
    terms = list(sp.Add.make_args(sp.expand(lin)))
    return terms if 1 < len(terms) <= MAX_TERMS else []


def boundary_clamp(d, p: sp.Symbol | None) -> sp.Expr | None:
    """The MLE with its boundary cases, ``Min(Max(root, lower), upper)``, for a one-parameter
    model whose log-likelihood is proven concave and whose parameter space has a finite end;
    ``None`` otherwise."""
    if p is None or len(d.model.params) != 1 or d.mle is None:
        return None
    if d.method.get(p.name) != "score" or d.second_order.verdict != "proven":
        return None
    dom = d.model.domains[p]
    root = d.mle[p.name]
    out = root
    if dom.lower.is_finite:
        out = sp.Max(out, dom.lower, evaluate=False)
    if dom.upper.is_finite:
        out = sp.Min(out, dom.upper, evaluate=False)
    return None if out is root else out


def mutations(d, kind: str, p: sp.Symbol | None, claimed: sp.Expr,
              truth: sp.Expr | None = None) -> Iterator[Mutation]:
    """The true step for ``kind`` ("log_likelihood", "score", "mle", "fisher") of parameter
    ``p`` after each known slip, most specific first. For "fisher", ``truth`` is the entry
    to mutate (default: the diagonal entry of ``p``); ``p`` is None for an off-diagonal one."""
    params = d.model.params
    j = params.index(p) if p is not None else None
    if kind == "log_likelihood":
        truth = d.log_likelihood_sample
    elif kind == "score":
        truth = d.score[j]
    elif kind == "mle":
        if d.method.get(p.name) == "support":
            stats = d.solution.support.order_statistics
            if not any(claimed.has(s) for s in stats):
                yield Mutation(SLIPS[4], "the support depends on the parameter, so the "
                               "likelihood is not differentiable there and the score equation "
                               "has no root; the MLE is an order statistic "
                               f"({d.mle[p.name]})", None)
        truth = d.mle[p.name]
        if boundary_clamp(d, p) is not None:
            yield Mutation(SLIPS[5], "the root of the likelihood equation is the MLE only "
                           "while it lies inside the parameter space; otherwise the MLE is the "
                           "boundary value", truth)
    elif truth is None:
        truth = d.fisher_information[j, j]
    if kind in ("se", "g_se"):
        yield Mutation(SLIPS[11], "the asymptotic variance 1/(n I(θ)) was given, not its square "
                       "root", truth ** 2)
        for factor in (sp.sqrt(N), 1 / sp.sqrt(N)):
            yield Mutation(SLIPS[12], "a factor √n is missing or extra (the standard error of "
                           "n observations is that of one divided by √n)", truth * factor)
        yield Mutation(SLIPS[0], "the divisor n became n − 1 under the square root (the "
                       "unbiased-variance habit)", truth * sp.sqrt(N / (N - 1)))
    n1 = "the divisor n became n − 1 (the unbiased-variance habit)"
    yield Mutation(SLIPS[0], n1, truth * N / (N - 1))
    yield Mutation(SLIPS[0], n1, truth * (N - 1) / N)
    yield Mutation(SLIPS[0], n1, _outside_sums(truth, lambda e: e.xreplace({N: N - 1})))
    if getattr(d, "covariates", None):  # regression: s² = RSS/(n − p), p coefficients
        for k in range(2, len(params) + 1):
            yield Mutation(SLIPS[10], f"the divisor n became n − {k}, the number of "
                           "coefficients (the unbiased residual variance)", truth * N / (N - k))
    if kind == "fisher":  # ℓ''(θ) written for I(θ), of one observation or of n
        why = ("the second derivative of the log-likelihood was given, not minus its "
               "expectation (I(θ) = −E[ℓ''(θ)])")
        yield Mutation(SLIPS[1], why, -truth)
        yield Mutation(SLIPS[1], why, -truth * N)
    yield Mutation(SLIPS[1], "the whole expression has the opposite sign", -truth)
    nf = "a factor n is missing or extra (a sum over n observations of a constant is n times it)"
    yield Mutation(SLIPS[2], nf, truth / N)
    yield Mutation(SLIPS[2], nf, truth * N)
    if p is not None and p.is_positive:
        chain = {"score": (2 * sp.sqrt(p), 1 / (2 * sp.sqrt(p))),
                 "fisher": (4 * p, 1 / (4 * p))}.get(kind)
        why = (f"differentiating with respect to √{p.name} instead of {p.name} (or the reverse) "
               f"multiplies by d{p.name}/d√{p.name} = 2√{p.name}")
        if chain:
            for factor in chain:
                yield Mutation(SLIPS[3], why, truth * factor)
        elif kind == "mle":
            yield Mutation(SLIPS[3], f"the estimate of √{p.name} was given for {p.name} (or "
                           "the reverse)", sp.sqrt(truth))
            yield Mutation(SLIPS[3], f"the estimate of {p.name}² was given for {p.name}",
                           truth ** 2)
    terms = _terms(truth)
    for t in terms:
        yield Mutation(SLIPS[1], "one term has the wrong sign", truth - 2 * t)
    groups: dict = {}  # terms sharing a factor in the parameters: -n/(1-p) + Σx/(1-p)
    for t in terms:
        groups.setdefault(t.as_independent(*params, as_Add=False)[1], []).append(t)
    for g in groups.values():
        if 1 < len(g) < len(terms):
            yield Mutation(SLIPS[1], "one term has the wrong sign", truth - 2 * sp.Add(*g))
    for t in terms:
        if t.has(N):
            yield Mutation(SLIPS[2], "a factor n is missing from one term",
                           truth - t + _outside_sums(t, lambda e: e.xreplace({N: 1})))
    # last, being the least specific: one term (or a group sharing a factor) left out, such
    # as the −n/μ of a Borel score; a log-likelihood's terms free of θ are only a constant
    dropped = [t for t in terms if kind != "log_likelihood" or t.has(*params)]
    for t in dropped:
        yield Mutation(SLIPS[7], f"the term {t} is missing", truth - t)
    for g in groups.values():
        if 1 < len(g) < len(terms):
            yield Mutation(SLIPS[7], f"the terms {sp.Add(*g)} are missing", truth - sp.Add(*g))
