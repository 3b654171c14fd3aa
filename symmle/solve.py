"""The solve stage: the score, the likelihood equations, and their solution.

The score is differentiated from ℓ in sufficient-statistic form, so the likelihood equations
are a finite algebraic system in θ and the statistics T_k, which ``sympy.solve`` handles. Roots
outside the parameter space are rejected with the reason; among the rest the engine keeps the
one with the highest log-likelihood on a probe sample. When SymPy finds no root, runs out of
time, or the likelihood does not separate, the result says so and keeps the equations for the
numeric stage: it never guesses.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from . import probe
from .bounded import bounded
from .errors import DerivationTimeout, UnsupportedModelError
from .latex import Inline, Prose, prose_str
from .likelihood import LogLikelihood
from .median import MedianSolution, median_rule, reduced_likelihood
from .notation import N, realify
from .spaces import prove_sign
from .support import SupportSolution, interior_on_feasible_set, solve_support

__all__ = ["Solution", "solve_likelihood"]


@dataclass(frozen=True)
class Solution:
    """What the likelihood equations gave.

    Attributes
    ----------
    score
        ∂ℓ/∂θ_j for each parameter, in statistic symbols.
    mle
        Parameter → closed form in statistic symbols, or ``None`` when there is none.
    method
        Parameter → ``"score"`` (solved from the likelihood equations), ``"support"`` (an
        order statistic, from a support that moves), ``"median"`` (the sample median, see
        :mod:`symmle.median`) or ``"numeric"``.
    closed_form
        Whether every parameter has a closed form.
    reason
        How it was solved, or why not.
    prose
        ``reason`` as prose parts with its mathematics as SymPy objects (for rendering); empty
        when the reason has no mathematics.
    roots
        Every root SymPy returned.
    rejected
        (root, reason) for roots that were set aside.
    profile
        Closed forms of some parameters in terms of the others (β̂ = α̂/x̄ for the gamma).
    support
        For a support that moves with the parameters: the order-statistic estimates and why.
    median
        For a location that enters ℓ only through −c(θ)·Σ|x_i − μ|: μ̂ = x̃ and why. The other
        closed forms may then hold sums over the sample that involve x̃ (Σ|x_i − x̃|).
    """

    score: tuple[sp.Expr, ...]
    mle: dict[sp.Symbol, sp.Expr] | None
    method: dict[sp.Symbol, str]
    closed_form: bool
    reason: str
    roots: tuple[dict, ...] = ()
    rejected: tuple[tuple[dict, str], ...] = ()
    profile: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    support: "SupportSolution | None" = None
    median: "MedianSolution | None" = None
    prose: Prose = ()


def _no_closed_form(ll: LogLikelihood, score: tuple, reason: str | Prose,
                    profile: dict | None = None, plain: str | None = None) -> Solution:
    """No closed form, with ``reason`` as prose (strings and SymPy objects) and ``plain``, when
    given, as its text (else the prose as text)."""
    return Solution(score, None, {p: "numeric" for p in ll.params}, False,
                    plain or prose_str(reason), profile=profile or {},
                    prose=() if isinstance(reason, str) else reason)


def solve_likelihood(ll: LogLikelihood, seconds: float = 10.0) -> Solution:
    """Differentiate ℓ, solve the likelihood equations, and pick the root in the parameter space.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> ll = log_likelihood(build_model("theta*x**(theta-1)", support="0 < x < 1"))
    >>> solve_likelihood(ll).mle
    {theta: -n/_T0}
    """
    model = ll.model
    params = ll.params
    score = tuple(realify(sp.diff(ll.expr, p)) for p in params)
    if model.support_depends_on_params:
        return _solve_with_support(ll, score, seconds)
    if ll.nonseparable:
        found = _solve_with_median(ll, score, seconds)
        if found is not None:
            return found
        terms: list = []
        if isinstance(model.density, sp.Piecewise):  # a density by cases: say so
            for k, (_, cond) in enumerate(model.density.args[:2]):
                terms += [", "] * bool(k) + (["otherwise"] if cond is sp.true else [cond])
            return _no_closed_form(
                ll, score,
                ("the density is given by cases of x (", *terms, "), and the log of the cases "
                 "does not split into functions of the parameters times functions of x; the "
                 "likelihood equations involve every observation through its case, so there "
                 "is no closed form: solve them numerically"))
        for k, t in enumerate(ll.nonseparable[:2]):
            terms += [", "] * bool(k) + [t]
        return _no_closed_form(
            ll, score,
            ("log f has a term in which the parameter and x do not separate (", *terms, "); the "
             "likelihood equations involve every observation separately, so there is no closed "
             "form: solve them numerically"))
    equations = [sp.numer(sp.together(s)) for s in score]
    try:
        roots = bounded(sp.solve, equations, list(params), dict=True, seconds=seconds,
                        what="solving the likelihood equations")
    except DerivationTimeout as exc:
        return _no_closed_form(ll, score, f"{exc}; no closed form was found, numeric route given",
                               _profile(ll, score, seconds))
    except (NotImplementedError, ValueError, TypeError):
        special = _special_functions(score)
        why = (("the likelihood equations involve ", *special, ", which has no closed-form "
                "inverse") if special else _unsolved(ll, equations))
        return _no_closed_form(ll, score, (*why, "; no closed form: solve them numerically"),
                               _profile(ll, score, seconds))
    kept, rejected = [], []
    for root in roots:
        why = _reject(ll, root)
        (rejected.append((root, why)) if why else kept.append(root))
    if not kept:
        why = ("SymPy found no solution of the likelihood equations" if not roots else
               "every root of the likelihood equations was rejected ("
               + "; ".join(r for _, r in rejected) + ")")
        return _no_closed_form(ll, score, why + ": no closed form, solve them numerically",
                               _profile(ll, score, seconds))
    best, note = _best_root(ll, kept)
    reason = "the unique root of the likelihood equations in the parameter space" \
        if len(kept) == 1 else f"of {len(kept)} roots in the parameter space, {note}"
    mle = {p: best[p] for p in params}
    return Solution(score, mle, {p: "score" for p in params}, True, reason, tuple(roots),
                    tuple(rejected))


def _solve_with_support(ll: LogLikelihood, score: tuple, seconds: float) -> Solution:
    """Support parameters from the order statistics, the others from the score equations."""
    if ll.nonseparable:
        if all(p in ll.model.support.free_symbols for p in ll.params):
            try:  # the score of every observation has one sign on the support: an end
                sup = solve_support(ll, seconds)
            except UnsupportedModelError:
                sup = None
            if sup is not None:
                return Solution(score, {p: sup.estimates[p] for p in ll.params},
                                {p: "support" for p in ll.params}, True,
                                "; ".join(sup.reasons.values()), support=sup)
        # 2(θ − x)/θ² on (0, θ): an interior root on the feasible set
        return _no_closed_form(ll, score, interior_on_feasible_set(ll, seconds))
    sup = solve_support(ll, seconds)
    rest = [p for p in ll.params if p not in sup.estimates]
    mle = dict(sup.estimates)
    method = {p: "support" for p in sup.estimates}
    reason = "; ".join(sup.reasons.values())
    if rest:
        reduced = ll.expr.xreplace(sup.estimates)
        equations = [sp.numer(sp.together(sp.diff(reduced, p))) for p in rest]
        try:
            roots = bounded(sp.solve, equations, rest, dict=True, seconds=seconds,
                            what="solving the likelihood equations of the other parameters")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            roots = []
        kept = [r for r in roots if _reject(ll, {**sup.estimates, **r}) is None]
        if len(kept) != 1:
            return Solution(score, None, {**method, **{p: "numeric" for p in rest}}, False,
                            reason + "; the other likelihood equations have no closed-form "
                            "solution", support=sup)
        mle.update(kept[0])
        method.update({p: "score" for p in rest})
        reason += "; then " + ", ".join(str(p) for p in rest) + " from the likelihood " \
            "equation(s) with those estimates in place"
    ordered = {p: mle[p] for p in ll.params}
    return Solution(score, ordered, {p: method[p] for p in ll.params}, True, reason,
                    support=sup)


def _solve_with_median(ll: LogLikelihood, score: tuple, seconds: float) -> Solution | None:
    """μ̂ = x̃ (the sample median) where :func:`~symmle.median.median_rule` applies, then the
    other parameters from their likelihood equations with x̃ in place; ``None`` when the rule
    does not apply, the others have no unique closed-form root in the space, or the time runs
    out (the caller then reports no closed form)."""
    def recognise() -> MedianSolution | None:
        rule = median_rule(ll)
        reduced = None if rule is None else reduced_likelihood(ll, rule)
        return None if reduced is None else replace(rule, reduced=reduced[0], sums=reduced[1])
    try:
        rule = bounded(recognise, seconds=min(seconds, 5.0), what="the median rule")
    except DerivationTimeout:
        return None
    if rule is None:
        return None
    expr, back = rule.reduced, rule.sums
    rest = [p for p in ll.params if p not in rule.estimates]
    mle: dict[sp.Symbol, sp.Expr] = dict(rule.estimates)
    reason = "; ".join(rule.reasons.values())
    if rest:
        equations = [sp.numer(sp.together(sp.diff(expr, p))) for p in rest]
        try:
            roots = bounded(sp.solve, equations, rest, dict=True, seconds=seconds,
                            what="solving the likelihood equations with the median in place")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            return None
        kept = [r for r in roots if set(r) == set(rest)
                and _reject(ll, {**rule.estimates, **r}) is None]
        if len(kept) != 1:
            return None
        mle.update({p: kept[0][p].xreplace(back) for p in rest})
        reason += ("; then " + ", ".join(str(p) for p in rest) + " from the likelihood "
                   f"equation(s) with {' and '.join(f'{p} = {v}' for p, v in rule.estimates.items())}"
                   " in place")
    method = {p: "median" if p in rule.estimates else "score" for p in ll.params}
    return Solution(score, {p: mle[p] for p in ll.params}, method, True, reason, median=rule)


def _unsolved(ll: LogLikelihood, equations: list) -> Prose:
    """The reason when SymPy's solve gives up: the equations it was given, as inline math in
    sample notation (its own message quotes a rewritten form, as a string)."""
    out: list = ["SymPy cannot solve the likelihood equation" + ("s " if len(equations) > 1
                                                                 else " ")]
    for k, e in enumerate(equations):
        out += [", "] * bool(k) + [Inline("@0 = 0", "@0 = 0", ll.to_sample(e))]
    return tuple(out)


def _special_functions(score: tuple) -> Prose:
    """The transcendental functions of the parameters in the score, for the reason: prose
    parts, each function inline math (ψ(α)); empty when there is none."""
    names: dict = {}  # in order, each once
    for e in score:
        for node in sp.preorder_traversal(e):
            if isinstance(node, sp.polygamma) and node.args[0] == 0 and not any(
                    k[0] == 0 for k in names):
                names[(0, node.args[1])] = ("the digamma function ",
                                            Inline(r"\psi(@0)", "ψ(@0)", node.args[1]))
            elif isinstance(node, sp.polygamma) and node.args[0] != 0:
                names[tuple(node.args)] = ("the polygamma function ", Inline(
                    r"\psi^{(@0)}(@1)", "ψ^(@0)(@1)", *node.args))
    out: list = []
    for k, parts in enumerate(names.values()):
        out += [" and "] * bool(k) + list(parts)
    return tuple(out)


def _reject(ll: LogLikelihood, root: dict) -> str | None:
    """Why a root is not an MLE candidate, or None when it is kept."""
    model = ll.model
    missing = [p for p in ll.params if p not in root]
    if missing:
        return f"leaves {missing[0]} undetermined"
    for p in ll.params:
        value = root[p]
        if sp.sympify(value).free_symbols & set(ll.params):
            return f"{p} = {value} still depends on the parameters"
        if value.has(sp.I) or value.has(sp.zoo, sp.nan):
            return f"{p} = {value} is not real"
        dom = model.domains[p]
        lo, hi = sp.sympify(dom.lower), sp.sympify(dom.upper)
        if lo != -sp.oo and prove_sign(value - lo, {}, "nonpositive" if dom.left_open
                                       else "negative") is True:
            return f"{p} = {value} is below the parameter space {dom.describe()}"
        if hi != sp.oo and prove_sign(hi - value, {}, "nonpositive" if dom.right_open
                                      else "negative") is True:
            return f"{p} = {value} is above the parameter space {dom.describe()}"
    return None


def _probe_values(ll: LogLikelihood) -> dict[sp.Symbol, sp.Expr] | None:
    known = probe.known_values(ll.model)
    points = probe.sample(ll.model, known)
    if not points:
        return None
    values: dict[sp.Symbol, sp.Expr] = dict(known)
    values[N] = sp.Integer(len(points))
    for stat in ll.statistics:
        values[stat.symbol] = sp.Add(*[stat.h.subs(known).subs(ll.model.var, v) for v in points])
    return values


def _best_root(ll: LogLikelihood, roots: list[dict]) -> tuple[dict, str]:
    """The root with the highest log-likelihood on the probe sample (inside the space)."""
    if len(roots) == 1:
        return roots[0], ""
    values = _probe_values(ll)
    if values is None:
        return roots[0], "the first was kept (no numeric probe was possible)"
    scored, outside = [], []
    for root in roots:
        point = {p: probe.to_float(root[p].subs(values)) for p in ll.params}
        if any(v is None for v in point.values()):
            continue
        level = probe.to_float(ll.expr.subs(values).subs(point))
        if level is None:
            continue
        inside = all(ll.model.domains[p].contains(sp.Float(v)) is not False
                     for p, v in point.items())
        (scored if inside else outside).append((level, root))
    if not scored and outside:
        # none inside the space on the probe sample (a space such as θ >= 3): keep the root
        # where ℓ is real and highest there, the unconstrained maximum, which the boundary
        # check and the fit then compare with the space (rather than the first SymPy listed)
        outside.sort(key=lambda lr: -lr[0])
        return outside[0][1], ("the one with the highest log-likelihood on a probe sample "
                               "(none was inside the parameter space there)")
    if not scored:
        return roots[0], "the first was kept (none could be evaluated on the probe sample)"
    scored.sort(key=lambda lr: -lr[0])
    return scored[0][1], "the one with the highest log-likelihood on a probe sample"


def _profile(ll: LogLikelihood, score: tuple, seconds: float) -> dict[sp.Symbol, sp.Expr]:
    """Closed forms of single parameters given the others (multi-parameter models only)."""
    if len(ll.params) < 2 or ll.nonseparable:
        return {}
    out = {}
    for p, s in zip(ll.params, score):
        try:
            roots = bounded(sp.solve, sp.numer(sp.together(s)), p, dict=True,
                            seconds=min(seconds, 3.0), what=f"solving for {p}")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            continue
        good = [r for r in roots if _reject_single(ll, p, r.get(p)) is None]
        if len(good) == 1:
            out[p] = good[0][p]
    return out


def _reject_single(ll: LogLikelihood, p: sp.Symbol, value: sp.Expr | None) -> str | None:
    if value is None or value.has(sp.I) or p in value.free_symbols:
        return "no value"
    dom = ll.model.domains[p]
    lo = sp.sympify(dom.lower)
    if lo != -sp.oo and prove_sign(value - lo, {q: ll.model.domains[q] for q in ll.params},
                                   "nonpositive") is True:
        return "outside"
    return None
