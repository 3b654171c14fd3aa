"""MLEs when the support moves with a parameter (Uniform(0, θ), e^{−(x−θ)} on x ≥ θ, Pareto's x_m).

The likelihood is an indicator times a smooth part, L(θ) = Π f(x_i | θ)·1{all x_i in the support},
so the score equation is the wrong tool. The indicator is read as constraints from the order
statistics — an upper end u(θ) must reach x₍ₙ₎ = max x_i, a lower end l(θ) must stay below
x₍₁₎ = min x_i — which make the feasible set an interval of each such parameter. Where the smooth
part is *proven* monotone in the parameter on that set, the maximum is at the end of the set
(θ̂ = x₍ₙ₎ for Uniform(0, θ)); the other parameters then come from the score equations with
those estimates substituted. Anything the engine cannot prove is reported, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from .bounded import bounded
from .errors import DerivationTimeout, NonUniqueMLEError, UnsupportedModelError
from .latex import ELL, Inline, Prose
from .likelihood import LogLikelihood
from .notation import order_statistics
from .spaces import Domain, prove_sign

__all__ = ["SupportSolution", "solve_support", "interior_on_feasible_set"]


@dataclass(frozen=True)
class SupportSolution:
    """Estimates of the support parameters and why.

    Attributes
    ----------
    estimates
        Parameter → estimate in the order statistics ``x_min``/``x_max`` (and other statistics).
    reasons
        Parameter → the monotonicity argument, one sentence each.
    order_statistics
        ``(x_min, x_max)`` symbols.
    prose
        Parameter → its reason as prose parts, the mathematics as SymPy objects (rendering).
    open_ends
        Parameters whose estimate sits on an open end of the support: the supremum is then not
        attained, and the estimate is that of the closed support (the textbook convention).
    space_bounds
        Parameter → the end of its parameter space that also bounds the feasible set
        (``theta >= 1``: θ̂ = max(x_max, 1)).
    joint
        Parameters estimated together because the feasible values of one depend on the other
        (Uniform(θ − ρ, θ + ρ)); their ``prose`` says how.
    """

    estimates: dict[sp.Symbol, sp.Expr]
    reasons: dict[sp.Symbol, str]
    order_statistics: tuple[sp.Symbol, sp.Symbol]
    open_ends: tuple[sp.Symbol, ...] = ()
    prose: dict[sp.Symbol, Prose] = field(default_factory=dict)
    space_bounds: dict[sp.Symbol, sp.Expr] = field(default_factory=dict)
    joint: tuple[sp.Symbol, ...] = ()


def _facts(ll: LogLikelihood) -> tuple[dict[sp.Expr, sp.Expr], dict[sp.Symbol, Domain]]:
    """Substitutions that encode 'the support is not empty' (upper − lower = w > 0), and the
    domains for sign proofs."""
    model = ll.model
    domains = {p: model.domains[p] for p in (*model.params, *model.known)}
    lo, hi = sp.sympify(model.support.lower), sp.sympify(model.support.upper)
    if lo.is_infinite or hi.is_infinite:
        return {}, domains
    w = sp.Symbol("_width", positive=True)
    for p in model.params:
        if p in (hi - lo).free_symbols:
            try:
                roots = sp.solve(sp.Eq(hi - lo, w), p)
            except (NotImplementedError, ValueError):
                continue
            if len(roots) == 1:
                domains.pop(p, None)
                return {p: roots[0]}, domains
    return {}, domains


def _monotone(expr: sp.Expr, facts: dict, domains: dict, stats: dict,
              space: dict | None = None) -> int:
    """+1 increasing, −1 decreasing (proven on the whole space), 0 undetermined.

    The sign is tried first with ``facts`` (the support written through its width, which
    forgets the parameter's own domain), then, when ``space`` is given, on the parameter
    space itself, which contains the feasible set: 2nθ/(1 − θ²) > 0 for θ in (0, 1) (the
    support θ < x < 1), where the width 1 − θ > 0 alone does not decide it."""
    tries = [(sp.sympify(expr).xreplace(facts), {**domains, **stats})]
    if space is not None and facts:
        tries.append((sp.sympify(expr), {**space, **stats}))
    for candidate, everything in tries:
        if prove_sign(candidate, everything, "positive") is True:
            return 1
        if prove_sign(candidate, everything, "negative") is True:
            return -1
    return 0


def _limits(p: sp.Symbol, ends: list, facts: dict, domains: dict, stat_domains: dict,
            seconds: float) -> tuple[list, list]:
    """The feasible set of ``p`` from the support ends: its lower limits (``p >= root``) and
    upper limits (``p <= root``), each ``(root, end, order statistic, open?)``."""
    below, above = [], []
    for bound, stat, side, is_open in ends:
        if p not in bound.free_symbols:
            continue
        try:
            roots = bounded(sp.solve, sp.Eq(bound, stat), p, seconds=seconds,
                            what=f"solving the support end {bound} = {stat} for {p}")
        except (DerivationTimeout, NotImplementedError, ValueError) as exc:
            raise UnsupportedModelError(f"cannot solve the support end {bound} = {stat} for "
                                        f"{p} ({exc})") from None
        if len(roots) != 1:
            raise UnsupportedModelError(f"the support end {bound} = {stat} has "
                                        f"{len(roots)} solutions in {p}")
        bound_slope = _monotone(sp.diff(bound, p), facts, domains, stat_domains)
        if bound_slope == 0:
            raise UnsupportedModelError(f"the support end {bound} is not monotone in {p}")
        # upper end must stay >= x_max; lower end <= x_min
        p_at_least = (side == "upper") == (bound_slope > 0)
        (below if p_at_least else above).append((roots[0], bound, stat, is_open))
    return below, above


def _per_observation_slope(ll: LogLikelihood, p: sp.Symbol, seconds: float) -> int:
    """+1 or −1 when ∂ log f(x | θ)/∂θ has that sign for every x of the support at θ, so that
    ℓ′ = Σ ∂ log f(xᵢ | θ)/∂θ has it on the feasible set even though ℓ does not separate
    ((1 + x/θ)/(1.5θ) on 0 < x < θ: 1/(θ + x) − 2/θ < 0); 0 when not proven. The support is
    written x = l(θ) + (u(θ) − l(θ))·t with t in (0, 1) (or l(θ) + t, u(θ) − t with t > 0)."""
    model = ll.model
    lo, hi = sp.sympify(model.support.lower), sp.sympify(model.support.upper)
    t = sp.Dummy("t", positive=True)
    if lo.is_finite and hi.is_finite:
        at, t_dom = lo + (hi - lo) * t, Domain(sp.Integer(0), sp.Integer(1))
    elif lo.is_finite:
        at, t_dom = lo + t, Domain(sp.Integer(0), sp.oo)
    elif hi.is_finite:
        at, t_dom = hi - t, Domain(sp.Integer(0), sp.oo)
    else:
        return 0
    domains = {**{q: model.domains[q] for q in (*model.params, *model.known)}, t: t_dom}
    try:
        slope = bounded(lambda: sp.factor(sp.together(
            sp.diff(ll.log_density, p).xreplace({model.var: at}))), seconds=seconds,
            what="the score of one observation on the support")
    except DerivationTimeout:
        return 0
    for want, sign in (("positive", 1), ("negative", -1)):
        if prove_sign(slope, domains, want) is True:
            return sign
    return 0


def _flat(p: sp.Symbol, below: list, above: list) -> None:
    """ℓ does not involve ``p`` apart from the support: L is the same at every feasible value,
    so every point of the feasible set is a maximiser. Raise :class:`NonUniqueMLEError` naming
    that set (a textbook answer, not a failure to derive)."""
    lower = sp.Max(*[c[0] for c in below]) if below else -sp.oo
    upper = sp.Min(*[c[0] for c in above]) if above else sp.oo
    if below and above:
        where = f"{lower} <= {p} <= {upper}"
        which = (f"any {p} in [{lower}, {upper}] is an MLE, for example the midpoint "
                 f"{sp.together((lower + upper) / 2)}")
    else:
        where = f"{p} >= {lower}" if below else f"{p} <= {upper}"
        which = f"every {p} with {where} is an MLE"
    raise NonUniqueMLEError(
        f"the MLE of {p} is not unique: the log-likelihood does not involve {p} except through "
        f"the support, so the likelihood is the same at every {p} of the feasible set "
        f"{where} (where every observation lies in the support) and zero outside it; {which}",
        intervals={p: (lower, upper)})


def _coupled(ll: LogLikelihood, moving: list, ends: list, facts: dict, domains: dict,
             stat_domains: dict, seconds: float) -> dict:
    """Two support parameters estimated together: ℓ does not involve ``p`` (a location θ) but
    is monotone in ``q`` (a half-width ρ), and the feasible values of ``q`` are bounded by two
    limits linear in ``p``, one increasing and one decreasing (ρ ≥ x₍ₙ₎ − θ, ρ ≥ θ − x₍₁₎).
    For each ``p`` the best ``q`` is the nearest feasible value, Max (or Min) of the two
    limits, and that is best where they meet: θ̂ = (x₍₁₎ + x₍ₙ₎)/2, ρ̂ = (x₍ₙ₎ − x₍₁₎)/2. The
    likelihood is not flat in ``p`` then (its set of maximisers is one point). Parameter →
    (estimate, reason, prose, on an open end?); empty when the pattern does not apply."""
    out: dict = {}
    for p in moving:
        if sp.diff(ll.expr, p) != 0 or p in out:
            continue
        for q in moving:
            if q == p or q in out or sp.diff(ll.expr, q) == 0:
                continue
            below, above = _limits(q, ends, facts, domains, stat_domains, seconds)
            slope = _monotone(sp.diff(ll.expr, q), facts, domains, stat_domains)
            chosen = below if slope < 0 else above if slope > 0 else []
            if len(chosen) == 1 and chosen[0][0].free_symbols & set(moving) == {p}:
                one = _one_limit(ll, p, q, chosen[0], slope, moving, ends, facts, domains,
                                 stat_domains, seconds)
                if one is not None:
                    out.update(one)
                    break
            if len(chosen) != 2 or not all(c[0].free_symbols & set(moving) == {p}
                                           for c in chosen):
                continue
            a, b = (c[0] for c in chosen)
            da, db = sp.diff(a, p), sp.diff(b, p)
            if not (da.is_number and db.is_number and da * db < 0):
                continue
            roots = sp.solve(sp.Eq(a, b), p)
            if len(roots) != 1:
                continue
            p_hat = sp.simplify(roots[0])
            q_hat = sp.simplify(a.subs(p, p_hat))
            near = "smallest" if slope < 0 else "largest"
            best = (sp.Max if slope < 0 else sp.Min)(a, b)
            why_q = (f"dl/d{q} = {sp.diff(ll.expr, q)} is {'negative' if slope < 0 else 'positive'}"
                     f", so for each {p} the best {q} is the {near} feasible value, {q} = {best}; "
                     f"that is {near if slope > 0 else 'smallest'} where {a} = {b}, at {p} = "
                     f"{p_hat}, giving {q} = {q_hat}")
            why_p = (f"the log-likelihood does not involve {p} except through the support, but "
                     f"the feasible {q} depends on it: {why_q}; so {p} = {p_hat}")
            is_open = any(c[3] for c in chosen)
            prose_q: Prose = (
                "The score in ", q, f" is {'negative' if slope < 0 else 'positive'}, so for each ",
                p, " the best ", q, f" is the {near} one the feasible set allows, ",
                sp.Eq(q, best, evaluate=False), f"; as a function of ", p, " that is ",
                "smallest" if slope < 0 else "largest", " where the two meet, ",
                sp.Eq(a, b, evaluate=False), ":")
            prose_p: Prose = (
                "ℓ does not involve ", p, " except through the support, but the feasible ", q,
                " depends on it, so the two are estimated together (", p, " where the two "
                "limits on ", q, " below meet):")
            out[q] = (q_hat, why_q, prose_q, is_open)
            out[p] = (p_hat, why_p, prose_p, is_open)
            break
    return out


def _one_limit(ll: LogLikelihood, p: sp.Symbol, q: sp.Symbol, limit: tuple, slope: int,
               moving: list, ends: list, facts: dict, domains: dict, stat_domains: dict,
               seconds: float) -> dict | None:
    """The case of :func:`_coupled` with one limit on ``q`` that moves with ``p``
    (Uniform(θ, θ + ρ): ρ ≥ x₍ₙ₎ − θ): the best ``q`` is that limit, nearest when ``p`` is
    at the end of its own feasible set in the direction that helps (θ ≤ x₍₁₎, so θ̂ = x₍₁₎,
    ρ̂ = x₍ₙ₎ − x₍₁₎)."""
    a = limit[0]
    da = sp.diff(a, p)
    if not (da.is_number and da != 0):
        return None
    # q wants a as small (slope < 0) or as large (slope > 0) as it can be: p moves that way
    p_up = (da < 0) == (slope < 0)
    below, above = _limits(p, ends, facts, domains, stat_domains, seconds)
    own = [c for c in (above if p_up else below) if q not in c[0].free_symbols]
    if not own:
        return None
    p_hat = own[0][0] if len(own) == 1 else (sp.Min if p_up else sp.Max)(*[c[0] for c in own])
    q_hat = sp.simplify(a.subs(p, p_hat))
    is_open = bool(limit[3] or any(c[3] for c in own))
    word = "largest" if p_up else "smallest"
    why_q = (f"dl/d{q} = {sp.diff(ll.expr, q)} is {'negative' if slope < 0 else 'positive'}, "
             f"so for each {p} the best {q} is {q} = {a}, the nearest feasible value; that is "
             f"best at the {word} feasible {p}, {p} = {p_hat}, giving {q} = {q_hat}")
    why_p = (f"the log-likelihood does not involve {p} except through the support, but the "
             f"feasible {q} depends on it: {why_q}; so {p} = {p_hat}")
    prose_q: Prose = ("The score in ", q, f" is {'negative' if slope < 0 else 'positive'}, so "
                      "for each ", p, " the best ", q, " is the nearest one the feasible set "
                      "allows, ", sp.Eq(q, a, evaluate=False), f"; that is best at the {word} "
                      "feasible ", p, ":")
    prose_p: Prose = ("ℓ does not involve ", p, " except through the support, but the "
                      "feasible ", q, " depends on it, so the two are estimated together (", p,
                      f" at the {word} value its own limits allow, which makes ", q,
                      " best):")
    return {q: (q_hat, why_q, prose_q, is_open), p: (p_hat, why_p, prose_p, is_open)}


def solve_support(ll: LogLikelihood, seconds: float = 5.0) -> SupportSolution:
    """Estimate the parameters the support depends on from the order statistics.

    Raises
    ------
    UnsupportedModelError
        When the smooth part is not proven monotone in such a parameter, or a bound cannot be
        solved for it.
    NonUniqueMLEError
        When the smooth part does not involve such a parameter: the likelihood is flat on the
        feasible set, every point of which is an MLE (Uniform(θ, θ + 1)).

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> solve_support(log_likelihood(build_model("uniform"))).estimates
    {theta: x_max}
    """
    model = ll.model
    supp = model.support
    assumptions = {k: v for k, v in model.var.assumptions0.items()
                   if k in ("real", "positive", "nonnegative", "integer", "negative")}
    x_min, x_max = order_statistics(model.var, assumptions)
    facts, domains = _facts(ll)
    stat_domains: dict = {}
    moving = [p for p in model.params if p in supp.free_symbols]
    ends = []  # (bound expression, order statistic, "upper"/"lower", open?)
    if supp.kind == "finite":
        raise UnsupportedModelError("a finite support that depends on a parameter is not "
                                    "supported")
    lo, hi = sp.sympify(supp.lower), sp.sympify(supp.upper)
    if lo.free_symbols & set(moving):
        ends.append((lo, x_min, "lower", supp.left_open))
    if hi.free_symbols & set(moving):
        ends.append((hi, x_max, "upper", supp.right_open and supp.kind == "interval"))
    estimates: dict[sp.Symbol, sp.Expr] = {}
    reasons: dict[sp.Symbol, str] = {}
    prose: dict[sp.Symbol, Prose] = {}
    open_ends = []
    space_bounds: dict[sp.Symbol, sp.Expr] = {}
    joint = _coupled(ll, moving, ends, facts, domains, stat_domains, seconds)
    for p in moving:
        if p in joint:  # Uniform(θ − ρ, θ + ρ): θ and ρ together, not θ alone
            estimates[p], reasons[p], prose[p], is_open = joint[p]
            if is_open:
                open_ends.append(p)
            continue
        below, above = _limits(p, ends, facts, domains, stat_domains, seconds)
        if sp.diff(ll.expr, p) == 0:
            _flat(p, below, above)
        space = {q: model.domains[q] for q in (*model.params, *model.known)}
        slope = _monotone(sp.diff(ll.expr, p), facts, domains, stat_domains, space)
        each = ""
        if slope == 0:  # ℓ′ = Σ ∂ log f(xᵢ)/∂θ has the sign its terms share on the support
            # ((x − θ)/θ² > 0 for x > θ: e^{−(x−θ)/θ}/θ), whether or not ℓ separates
            slope = _per_observation_slope(ll, p, seconds)
            each = (f" (the term of each observation, d log f(x | {p})/d{p}, is "
                    f"{'negative' if slope < 0 else 'positive'} for every x in the support)")
        if slope == 0:
            raise UnsupportedModelError(
                f"the support depends on {p}, and the smooth part of the log-likelihood could "
                f"not be proven monotone in {p} on the feasible set; this case is not derived yet")
        chosen = below if slope < 0 else above
        if not chosen:
            direction = "decreases" if slope < 0 else "increases"
            raise UnsupportedModelError(
                f"the log-likelihood {direction} in {p} without limit on the feasible set: "
                "the MLE does not exist")
        value = chosen[0][0] if len(chosen) == 1 else (
            sp.Max(*[c[0] for c in chosen]) if slope < 0 else sp.Min(*[c[0] for c in chosen]))
        # the parameter space bounds the feasible set too: Uniform(0, θ) with θ >= 1 has
        # θ̂ = max(x_max, 1), not x_max (which may lie outside the space)
        dom = model.domains[p]
        end = sp.sympify(dom.lower if slope < 0 else dom.upper)
        space: list = []
        closed = not (dom.left_open if slope < 0 else dom.right_open)  # an open end: no max
        if end.is_finite and closed:
            capped = (sp.Max if slope < 0 else sp.Min)(value, end)
            if capped != value:
                value = capped
                space = [(sp.Ge if slope < 0 else sp.Le)(p, end, evaluate=False)]
                space_bounds[p] = space[0]
        estimates[p] = value
        if any(c[3] for c in chosen):
            open_ends.append(p)
        words = ", ".join([f"{c[1]} {'>=' if c[2] == x_max else '<='} {c[2]}" for c in chosen]
                          + [f"{b.lhs} {b.rel_op} {b.rhs} (the parameter space)" for b in space])
        reasons[p] = (f"dl/d{p} = {sp.diff(ll.expr, p)} is "
                      f"{'negative' if slope < 0 else 'positive'} on the feasible set ({words})"
                      f"{each}: "
                      f"the log-likelihood {'decreases' if slope < 0 else 'increases'} in {p}, "
                      f"so it is largest at the {'smallest' if slope < 0 else 'largest'} feasible "
                      f"value, {p} = {value}; the score equation has no root there")
        bounds: list = []
        for k, c in enumerate(chosen):
            bounds += [", "] * bool(k) + [(sp.Ge if c[2] == x_max else sp.Le)(c[1], c[2],
                                                                              evaluate=False)]
        for b in space:
            bounds += [", ", b, " (the parameter space)"]
        prose[p] = ("the score ", sp.Eq(sp.Derivative(ELL(*ll.params), p), sp.diff(ll.expr, p),
                          evaluate=False),
                    f" is {'negative' if slope < 0 else 'positive'} on the feasible set (", *bounds,
                    f"){each}: the log-likelihood "
                    f"{'decreases' if slope < 0 else 'increases'} in ", p,
                    f", so it is largest at the {'smallest' if slope < 0 else 'largest'} feasible "
                    "value, ", sp.Eq(p, value, evaluate=False), "; the score equation has no "
                    "root there")
    return SupportSolution(estimates, reasons, (x_min, x_max), tuple(open_ends), prose,
                           space_bounds, tuple(joint))


def interior_on_feasible_set(ll: LogLikelihood, seconds: float = 5.0) -> Prose:
    """Why the MLE is an interior root when the support moves with a parameter and ℓ does not
    separate (2(θ − x)/θ² on 0 < x < θ): the indicator gives the feasible set (θ ≥ x₍ₙ₎), the
    density is zero at the moving end of the support, so L → 0 at the end of the feasible set
    and the maximum is a root of the likelihood equation inside it, found numerically.

    Raises
    ------
    UnsupportedModelError
        When the density is not proven zero at the moving end (the maximum could then be at
        the end of the feasible set or inside it), or the feasible set cannot be solved for.
    """
    model = ll.model
    supp, x = model.support, model.var
    if supp.kind != "interval":
        moving = ", ".join(p.name for p in model.params if p in supp.free_symbols)
        raise UnsupportedModelError("a discrete support that moves with a parameter, together "
                                    "with a likelihood that does not separate, is not derived "
                                    f"yet (if {moving} is known, declare it: --known {moving} "
                                    f"or known=[{moving!r}])")
    assumptions = {k: v for k, v in x.assumptions0.items()
                   if k in ("real", "positive", "nonnegative", "integer", "negative")}
    x_min, x_max = order_statistics(x, assumptions)
    facts, domains = _facts(ll)
    moving = [p for p in model.params if p in supp.free_symbols]
    ends = []
    lo, hi = sp.sympify(supp.lower), sp.sympify(supp.upper)
    if lo.free_symbols & set(moving):
        ends.append((lo, x_min, "lower", supp.left_open))
    if hi.free_symbols & set(moving):
        ends.append((hi, x_max, "upper", supp.right_open))
    conditions: list = []
    for p in moving:
        below, above = _limits(p, ends, facts, domains, {}, seconds)
        conditions += [(sp.Ge if c in below else sp.Le)(p, c[0], evaluate=False)
                       for c in below + above]
    vanish = []
    for bound, _, _, _ in ends:
        try:
            at_end = bounded(sp.simplify, model.density.subs(x, bound), seconds=seconds,
                             what="the density at the end of its support")
        except DerivationTimeout:
            at_end = None
        if at_end != 0:
            raise UnsupportedModelError(
                f"the support moves with {', '.join(map(str, moving))} and the likelihood does "
                f"not separate; the density is not zero at the end {x} = {bound} of the "
                "support, so the maximum may be at the end of the feasible set or inside it: "
                "this case is not derived yet")
        vanish.append(bound)
    far = _far_end_vanishes(model, moving, conditions, seconds)
    parts: list = ["the indicator of the support makes the feasible set "]
    for k, c in enumerate(conditions):
        parts += [", "] * bool(k) + [c]
    parts += ["; the density is zero at the moving end of the support ("]
    for k, v in enumerate(vanish):
        parts += [", "] * bool(k) + [Inline(r"f(@0 \mid @1) = 0", "f(@0 | @1) = 0", v,
                                            model.params[0] if len(model.params) == 1
                                            else sp.Tuple(*model.params))]
    parts += ["), so the likelihood tends to zero at that end of the feasible set"]
    if far is not None:
        parts += [" and as ", far, ", so its maximum is inside it, at a root of the likelihood "
                  "equation"]
    else:
        parts += ["; a maximum inside it is a root of the likelihood equation (that the "
                  "likelihood also vanishes at the other end was not proven)"]
    parts += ["; that equation involves every observation separately, so there is no closed "
              "form: solve it numerically on the feasible set"]
    return tuple(parts)


def _far_end_vanishes(model: Any, moving: list, conditions: list, seconds: float
                      ) -> Inline | None:
    """``θ → ∞`` when the density tends to zero there for every x (2(θ − x)/θ² ~ 2/θ), so
    that L does too at the open end of the feasible set θ ≥ x₍ₙ₎; ``None`` when not proven
    (several moving parameters, a far end that is not infinite, SymPy undecided)."""
    if len(moving) != 1:
        return None
    p = moving[0]
    dom = model.domains[p]
    lower_limits = any(isinstance(c, sp.GreaterThan) for c in conditions)
    far = sp.sympify(dom.upper if lower_limits else dom.lower)
    if not far.is_infinite:
        return None
    try:
        value = bounded(sp.limit, model.density, p, far, seconds=seconds,
                        what="the density as the parameter grows")
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
        return None
    if value != 0:
        return None
    return Inline(r"@0 \to @1", "@0 → @1", p, far)
