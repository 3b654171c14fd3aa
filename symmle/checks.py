"""The check stage: is the root a maximum? Three-valued verdicts with the reason shown.

The Hessian of ℓ is taken in sufficient-statistic form. The engine first tries to prove that ℓ
is concave on the whole parameter space (then the root is the global maximum); then that the
Hessian at the root is negative definite, after writing it in terms of θ̂ itself (inverting
θ̂ = θ̂(T)) so that the domain of θ decides the sign ("−n/θ̂² < 0 since θ̂ > 0"). What SymPy
cannot decide is reported as *undetermined*, with the numeric evidence from a probe sample.
"""
from __future__ import annotations

from types import SimpleNamespace

import itertools
from dataclasses import dataclass
from typing import Any, Literal, Mapping, Sequence

import sympy as sp
from sympy.matrices.exceptions import MatrixError

from .bounded import bounded
from .errors import DerivationTimeout
from .latex import ELL, Inline, Prose, prose_str
from .likelihood import LogLikelihood, var_domain
from .notation import I, N
from .solve import Solution, _probe_values
from .spaces import Domain, prove_sign

__all__ = ["Check", "second_order", "principal_minors", "interior_condition"]

Verdict = Literal["proven", "disproven", "undetermined"]


@dataclass(frozen=True)
class Check:
    """A verdict with its reason.

    Attributes
    ----------
    name
        What was checked (``"second_order"``, ``"normalization"``, ...).
    verdict
        ``"proven"``, ``"disproven"`` or ``"undetermined"``.
    reason
        One or two sentences a person can follow.
    detail
        The expression the verdict rests on (e.g. ℓ''(θ̂) written in θ̂), for rendering.
    prose
        The reason as prose parts, its mathematics as SymPy objects (inline math when rendered);
        empty when ``reason`` has no mathematics. :meth:`of` builds both from the parts.
    """

    name: str
    verdict: Verdict
    reason: str
    detail: sp.Basic | None = None
    prose: Prose = ()

    @classmethod
    def of(cls, name: str, verdict: Verdict, parts: Prose, detail: sp.Basic | None = None,
           ) -> "Check":
        """A check whose reason is given as prose parts (``reason`` is their plain string)."""
        return cls(name, verdict, prose_str(parts), detail, tuple(parts))

    def to_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "reason": self.reason,
                "detail": None if self.detail is None else str(self.detail)}


def principal_minors(h: sp.Matrix) -> list[sp.Expr]:
    """Leading principal minors D_1, ..., D_k of a square matrix."""
    return [h[:k, :k].det() if k > 1 else h[0, 0] for k in range(1, h.shape[0] + 1)]


def _negative_definite(h: sp.Matrix, domains: Mapping[sp.Symbol, Domain],
                       simplices: tuple = ()) -> tuple[bool | None, list[sp.Expr]]:
    """True when (−1)^k D_k > 0 for all k is proven; False when some minor has the wrong sign."""
    minors = [sp.factor(sp.cancel(m)) for m in principal_minors(h)]
    verdict: bool | None = True
    for k, m in enumerate(minors, start=1):
        want = "negative" if k % 2 else "positive"
        sign = prove_sign(m, domains, want, simplices)
        if sign is False:
            return False, minors
        if sign is None:
            verdict = None
    return verdict, minors


def _describe_minors(names: list[str], minors: list[sp.Expr], where: str) -> str:
    if len(minors) == 1:
        return f"d²ℓ/d{names[0]}² = {minors[0]} < 0 {where}"
    parts = ", ".join(f"D{k} = {m} {'< 0' if k % 2 else '> 0'}"
                      for k, m in enumerate(minors, start=1))
    return f"the leading principal minors of the Hessian alternate in sign ({parts}) {where}"


def second_order(ll: LogLikelihood, solution: Solution, hessian: sp.Matrix,
                 seconds: float = 5.0) -> Check:
    """Decide whether the root found by :func:`~symmle.solve.solve_likelihood` is a maximum.

    Examples
    --------
    >>> from symmle.model import build_model
    >>> from symmle.likelihood import log_likelihood
    >>> from symmle.solve import solve_likelihood
    >>> ll = log_likelihood(build_model("poisson"))
    >>> s = solve_likelihood(ll)
    >>> second_order(ll, s, sp.hessian(ll.expr, ll.params)).verdict
    'proven'
    """
    model = ll.model
    params = list(ll.params)
    names = [p.name for p in params]
    domains = {p: model.domains[p] for p in params}
    domains.update({k: model.domains[k] for k in model.known})
    stat_syms = [s.symbol for s in ll.statistics]
    if solution.support is not None:
        return _support_order(ll, solution, domains, seconds)
    if solution.median is not None:
        return _median_order(ll, solution, domains, seconds)
    if ll.nonseparable:
        each = _concave_per_observation(ll, domains, seconds)
        if each is not None:
            return each
        return Check("second_order", "undetermined",
                     "the Hessian involves every observation separately; the fit checks it "
                     "numerically at the estimate", hessian)
    try:
        concave, minors = bounded(_negative_definite, hessian, domains, model.simplices, seconds=seconds,
                                  what="the concavity check")
    except DerivationTimeout:
        concave, minors = None, []
    if not concave:
        each = _concave_per_value(ll, domains, seconds)
        if each is not None:
            return each
    if concave:
        minors = [ll.to_sample(m) for m in minors]  # Σᵢ h(xᵢ), not the solver's symbols
        space = ", ".join(f"{p} in {model.domains[p].describe()}" for p in params)
        return Check("second_order", "proven",
                     _describe_minors(names, minors, f"for every {space} and every sample: ℓ "
                                      "is strictly concave, so the root of the likelihood "
                                      "equations is the unique global maximum"),
                     minors[0] if len(minors) == 1 else sp.Matrix(minors))
    if solution.mle is None:
        return Check("second_order", "undetermined",
                     "ℓ could not be shown to be concave and there is no closed-form root; the "
                     "fit checks the Hessian numerically at the estimate", hessian)
    at_root = hessian.xreplace(solution.mle)
    # each way of writing the Hessian in θ̂ (solving the likelihood equations for one set of
    # statistics) may decide the sign where another does not: N(θ, θ²) is decided with Σxᵢ
    # eliminated (−(nθ̂² + Σxᵢ²)/θ̂⁴), not with Σxᵢ² eliminated (the sign of Σxᵢ is free)
    in_hat = None
    for in_hat in _in_terms_of_estimate(stat_syms, len(params), solution.score, hessian,
                                        seconds, every=True):
        try:
            verdict, minors = bounded(_negative_definite, in_hat, domains, model.simplices,
                                      seconds=seconds, what="the second-order check")
        except DerivationTimeout:
            verdict, minors = None, []
        if verdict is not None:
            break
    if in_hat is not None:
        # statistics left in the Hessian are shown as the sums they stand for (Σxᵢ², not _T0)
        sums = {st.symbol: st.sum for st in ll.statistics}
        in_hat = in_hat.xreplace(sums)
        minors = [sp.sympify(m).xreplace(sums) for m in minors]
        hats = ", ".join(f"{p}_hat" for p in names)
        space = " and ".join(f"{p}_hat in {model.domains[p].describe()}" for p in params)
        if verdict is True:
            return Check("second_order", "proven",
                         _describe_minors(names, minors, f"at the root, written in {hats}, since "
                                          f"{space}: a strict local maximum"),
                         minors[0] if len(minors) == 1 else in_hat)
        if verdict is False:
            return Check("second_order", "disproven",
                         f"the Hessian at the root is not negative definite (minors {minors}): "
                         "the root is not a maximum", in_hat)
    stat_domains = dict(domains)
    try:
        verdict, minors = bounded(_negative_definite, at_root, stat_domains, model.simplices, seconds=seconds,
                                  what="the second-order check")
    except DerivationTimeout:
        verdict, minors = None, []
    minors, shown = [ll.to_sample(m) for m in minors], ll.to_sample(at_root)
    if verdict is True:
        return Check("second_order", "proven",
                     _describe_minors(names, minors, "at the root for every sample: a strict "
                                      "local maximum"), shown)
    if verdict is False:
        return Check("second_order", "disproven",
                     f"the Hessian at the root is not negative definite (minors {minors})", shown)
    return Check("second_order", "undetermined", _numeric_evidence(ll, at_root), shown)


def _concave_per_observation(ll: LogLikelihood, domains: Mapping[sp.Symbol, Domain],
                             seconds: float) -> Check | None:
    """ℓ is a sum of log f(xᵢ | θ): when the Hessian of log f(x | θ) is negative definite for
    every x of the support and every θ, so is ℓ's, and the root of the likelihood equations
    (found numerically) is the unique global maximum (log-logistic shape, logistic location).
    ``None`` when that is not proven (or the support moves with θ)."""
    model = ll.model
    if model.support_depends_on_params:
        return None
    x = model.var
    params = list(ll.params)
    try:
        per_obs = bounded(lambda: sp.hessian(ll.log_density, params), seconds=seconds,
                          what="the Hessian of one observation")
        concave, minors = bounded(_negative_definite, per_obs,
                                  {**domains, x: var_domain(model)}, model.simplices,
                                  seconds=seconds, what="the concavity of one observation")
    except DerivationTimeout:
        return None
    if not concave:
        return None
    space = ", ".join(f"{p} in {model.domains[p].describe()}" for p in params)
    what = (f"d² log f/d{params[0]}² = {minors[0]} < 0" if len(minors) == 1 else
            "the Hessian of log f(x | θ) is negative definite (leading minors " + ", ".join(
                f"D{k} = {m}" for k, m in enumerate(minors, start=1)) + ")")
    # shown as ℓ's own Hessian: the sum over the sample of the terms proven negative
    obs = sp.IndexedBase(x.name)[I]
    def summed(e: sp.Expr) -> sp.Expr:  # e^{μ − x_i}, not e^{μ} e^{−x_i}; the sign outside
        coeff, body = sp.powsimp(sp.factor(e), deep=True).xreplace({x: obs}).as_coeff_Mul()
        return coeff * sp.Sum(body, (I, 1, N))
    total = per_obs.applyfunc(summed)
    return Check("second_order", "proven",
                 f"{what} for every x in the support and every {space}: ℓ, a sum of such "
                 "terms, is strictly concave, so the root of the likelihood equations (found "
                 "numerically) is the unique global maximum",
                 total[0, 0] if len(params) == 1 else total)


def _concave_per_value(ll: LogLikelihood, domains: Mapping[sp.Symbol, Domain],
                       seconds: float) -> Check | None:
    """A table of probabilities (:func:`symmle.counts.is_tabular`): ℓ = Σₖ nₖ log f(k | θ)
    with every count nₖ ≥ 0, so when each log f(k | θ) is strictly concave, ℓ is strictly
    concave for every sample and its critical point is the unique global maximum (Rao's
    linkage: log(2 + θ), log(1 − θ), log θ), where the Hessian in power sums and at a root
    with a square root says nothing SymPy can decide. ``None`` when not proven."""
    from .counts import count_symbol, is_tabular, support_values

    model = ll.model
    if not is_tabular(SimpleNamespace(model=model, log_likelihood=ll)):
        return None
    params = list(ll.params)
    parts = []
    try:
        for v in support_values(model):
            log_f = sp.expand_log(sp.log(model.density.xreplace({model.var: v})), force=False)
            h = bounded(lambda: sp.hessian(log_f, params), seconds=seconds,
                        what="the Hessian of log f at one value")
            concave, _ = bounded(_negative_definite, h, domains, model.simplices,
                                 seconds=seconds, what="the concavity at one value")
            if not concave:
                return None
            parts.append((v, h))
    except DerivationTimeout:
        return None
    total = sp.zeros(len(params))
    for v, h in parts:
        total += count_symbol(v) * h.applyfunc(sp.factor)
    space = ", ".join(f"{p} in {model.domains[p].describe()}" for p in params)
    return Check("second_order", "proven",
                 f"for every value k of the support, log f(k | θ) has a negative definite "
                 f"Hessian for every {space}; ℓ = Σₖ nₖ log f(k | θ), with every count nₖ ≥ 0 "
                 "and their total n > 0, is strictly concave for every sample, so the root of "
                 "the likelihood equations is the unique global maximum",
                 total[0, 0] if len(params) == 1 else total)


def _support_order(ll: LogLikelihood, solution: Solution, domains: dict,
                   seconds: float = 5.0) -> Check:
    """For a moving support: the monotonicity argument, and ℓ'' < 0 for the other parameters
    (everywhere, or at the root written in θ̂, where the likelihood equation holds; the
    verdict's ``detail`` is then the diagonal of that Hessian, in the parameters standing for
    their estimates)."""
    sup = solution.support
    reasons = list(sup.reasons.values())
    prose = [sup.prose.get(p, (r,)) for p, r in sup.reasons.items()]
    verdict: Verdict = "proven"
    rest = [p for p in ll.params if p not in sup.estimates]
    detail = None
    if rest and solution.mle is not None:
        reduced = ll.expr.xreplace(sup.estimates)
        stat_syms = [s.symbol for s in ll.statistics]
        at_root = _in_terms_of_estimate(stat_syms, len(rest), [sp.diff(reduced, p) for p in rest],
                                        sp.hessian(reduced, rest), seconds)
        hats = {p: sp.Symbol(f"{p.name}_hat", **p.assumptions0) for p in rest}
        for k, p in enumerate(rest):
            second = sp.factor(sp.cancel(sp.diff(reduced, p, 2)))
            sign = prove_sign(second, domains, "negative")
            d2 = sp.Derivative(ELL(*ll.params), (p, 2))
            value = None if at_root is None else at_root[k, k]
            if sign is not True and value is not None and not value.free_symbols & set(
                    stat_syms) and prove_sign(value, domains, "negative") is True:
                detail = at_root if detail is None else detail
                shown = value.xreplace(hats)
                reasons.append(f"at the root, written in {p}_hat, d²ℓ/d{p}² = {shown} < 0: the "
                               f"root in {p}, the only critical point, is the maximum")
                prose.append(("at the root, where the likelihood equation holds, ",
                              Inline("@0 = @1 < 0", "@0 = @1 < 0", sp.Subs(d2, p, hats[p]),
                                     shown),
                              ": the root in ", p, ", the only critical point, is the maximum"))
                continue
            second = ll.to_sample(second)  # Σᵢ (xᵢ − x₍₁₎), not the solver's symbols
            if sign is True:
                reasons.append(f"d²ℓ/d{p}² = {second} < 0: the root in {p} is the maximum")
                prose.append((Inline("@0 = @1 < 0", "@0 = @1 < 0", d2, second),
                              ": the root in ", p, " is the maximum"))
            else:
                verdict = "undetermined" if sign is None else "disproven"
                reasons.append(f"d²ℓ/d{p}² = {second}: its sign is "
                               f"{'not decided' if sign is None else 'not negative'}")
                prose.append((sp.Eq(d2, second, evaluate=False), ": its sign is "
                              f"{'not decided' if sign is None else 'not negative'}"))
    if sup.open_ends:
        reasons.append("the support is open at that end, so the supremum is approached but not "
                       "attained; the estimate is that of the closed support, as textbooks take it")
        prose.append((reasons[-1],))
    parts: list = []
    for k, one in enumerate(prose):
        parts += ["; "] * bool(k) + list(one)
    return Check("second_order", verdict, "; ".join(reasons), detail, prose=tuple(parts))


def _median_order(ll: LogLikelihood, solution: Solution, domains: dict, seconds: float
                  ) -> Check:
    """For a location estimated by the median: the convexity argument in μ, then ℓ'' < 0 at the
    root for the other parameters (written in their estimates), with x̃ in place."""
    rule = solution.median
    mus = ", ".join(f"{p} = {v}" for p, v in rule.estimates.items())
    reasons = [f"{mus} maximises the log-likelihood in {', '.join(map(str, rule.estimates))} "
               "for every value of "
               "the other parameters (Σ|x[i] - " + ", ".join(map(str, rule.estimates))
               + "| is convex and smallest at the sample median)"]
    rest = [p for p in ll.params if p not in rule.estimates]
    if not rest:
        return Check("second_order", "proven", reasons[0] + ": the global maximum")
    if rule.reduced is None or solution.mle is None:  # pragma: no cover - solve found a root
        return Check("second_order", "undetermined", reasons[0])
    expr = rule.reduced
    score = [sp.diff(expr, p) for p in rest]
    hessian = sp.hessian(expr, rest)
    stats = [*rule.sums, *(s.symbol for s in ll.statistics)]
    in_hat = _in_terms_of_estimate(stats, len(rest), score, hessian, seconds)
    verdict, minors = None, []
    if in_hat is not None:
        try:
            verdict, minors = bounded(_negative_definite, in_hat, domains, ll.model.simplices,
                                      seconds=seconds, what="the second-order check")
        except DerivationTimeout:
            verdict = None
    names = [p.name for p in rest]
    hats = ", ".join(f"{p}_hat" for p in names)
    space = " and ".join(f"{p}_hat in {ll.model.domains[p].describe()}" for p in rest)
    if verdict is True:
        where = (f"at the root, written in {hats}, since {space}, with {mus} in place: a strict "
                 "local maximum" + (", and the only critical point on an interval, so the "
                                    "global maximum" if len(rest) == 1 else ""))
        return Check("second_order", "proven",
                     reasons[0] + "; " + _describe_minors(names, minors, where),
                     minors[0] if len(minors) == 1 else in_hat)
    if verdict is False:
        return Check("second_order", "disproven",
                     reasons[0] + f"; but with {mus} in place the Hessian in "
                     f"{', '.join(names)} at the root is not negative definite (minors "
                     f"{minors})", in_hat)
    return Check("second_order", "undetermined",
                 reasons[0] + f"; the sign of the Hessian in {', '.join(names)} at the root "
                 "was not decided", in_hat)


def _in_terms_of_estimate(stat_syms: list[sp.Symbol], k: int, score: Sequence[sp.Expr],
                          hessian: sp.Matrix, seconds: float, every: bool = False) -> Any:
    """The Hessian at a root of the score, written in θ̂ instead of the statistics.

    ℓ is linear in the statistics, so the likelihood equations are linear in them: solve them
    for as many statistics as there are parameters and substitute (T = nθ̂ for the Poisson).
    The parameter symbols then stand for θ̂, and their domains decide the sign. The form with
    the fewest statistics left, or ``None``; with ``every``, the list of all the forms found,
    fewest statistics left first (the caller tries each for a sign).
    """
    in_score = [t for t in stat_syms if any(t in e.free_symbols for e in score)]
    found: list[tuple[int, int, sp.Matrix]] = []
    for combo in itertools.combinations(in_score, min(k, len(in_score))):
        try:
            roots = bounded(sp.solve, list(score), list(combo), dict=True, seconds=seconds,
                            what="writing the Hessian in the estimates")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            continue
        if len(roots) != 1 or set(roots[0]) != set(combo):
            continue
        out = hessian.xreplace(roots[0])
        left = sum(1 for t in stat_syms if t in out.free_symbols)
        found.append((left, len(found), out))
        if left == 0:
            break
    found.sort(key=lambda f: f[:2])
    forms = [f[2] for f in (found if every else found[:1])]

    def tidy(m: sp.Matrix) -> sp.Matrix:
        try:
            return bounded(lambda m: m.applyfunc(lambda e: sp.factor(sp.cancel(e))), m,
                           seconds=seconds, what="simplifying the Hessian")
        except DerivationTimeout:
            return m
    if every:
        return [tidy(m) for m in forms]
    return tidy(forms[0]) if forms else None


def _numeric_evidence(ll: LogLikelihood, at_root: sp.Matrix) -> str:
    values = _probe_values(ll)
    base = "SymPy could not decide the sign of the Hessian at the root"
    if values is None:
        return base
    try:
        numeric = at_root.subs(values).evalf()
        eig = [complex(e) for e in numeric.eigenvals(multiple=True)]
    except (TypeError, ValueError, ZeroDivisionError, MatrixError, NotImplementedError):
        return base
    if all(e.real < 0 for e in eig):
        return (f"{base}; on a probe sample its eigenvalues "
                f"({', '.join(f'{e.real:.3g}' for e in eig)}) are negative: numeric evidence of "
                "a maximum, not a proof")
    return f"{base}; on a probe sample it is not negative definite: check this root"


def _positive_on_data(ll: LogLikelihood, gap: sp.Expr) -> bool:
    """Whether ``gap`` (in the statistics) is positive for every sample, given the range of
    each statistic T = Σ h(xᵢ) on a continuous support that does not move: when h is monotone
    there with a finite infimum m (or supremum M), T = n·m + u (n·M − u) with u > 0, since
    every observation lies strictly inside (e^{c x} > 1 on x > 0: Σ e^{c xᵢ} > n, so the
    Gompertz η̂ = n/(Σ e^{c xᵢ} − n) is positive)."""
    model = ll.model
    supp = model.support
    if model.discrete or supp.free_symbols & set(model.params):
        return False
    x = model.var
    domains = {q: model.domains[q] for q in (*model.params, *model.known)}
    domains[x] = var_domain(model)
    ends = (sp.sympify(supp.lower), sp.sympify(supp.upper))
    subs, fresh = {}, {}
    for st in ll.statistics:
        if st.symbol not in gap.free_symbols:
            continue
        slope = sp.diff(st.h, x)
        up = prove_sign(slope, domains, "positive") is True
        if not (up or prove_sign(slope, domains, "negative") is True):
            continue
        low, high = ends if up else ends[::-1]  # where h is smallest, largest
        u = sp.Dummy("u", positive=True)
        for end, sign, side in ((low, 1, "+" if up else "-"), (high, -1, "-" if up else "+")):
            try:
                bound = bounded(sp.limit, st.h, x, end, side, seconds=1.0,
                                what="the range of a statistic")
            except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
                continue
            if bound.is_finite and not bound.free_symbols - set(domains):
                subs[st.symbol], fresh[u] = N * bound + sign * u, Domain.positive()
                break
    if not subs:
        return False
    return prove_sign(sp.sympify(gap).xreplace(subs), {**domains, **fresh}, "positive") is True


def interior_condition(ll: LogLikelihood, solution: Solution) -> Check | None:
    """When is the root inside the parameter space? ``lo < θ̂ < hi`` for each bounded
    parameter, in the statistics; proven when the statistics' signs guarantee it (λ̂ = n/Σx_i
    for positive data), else the condition is stated (0 < Σx_i < n for the Bernoulli): on samples
    that break it the maximum is on the boundary, and ``fit`` reports it there.
    """
    if solution.mle is None or solution.support is not None:
        return None
    model = ll.model
    parts, always, conditions, finite = [], True, [], []
    for p, value in solution.mle.items():
        dom = model.domains[p]
        for end, side in ((dom.lower, "lower"), (dom.upper, "upper")):
            end = sp.sympify(end)
            if end.is_infinite:
                # an open end at infinity: the root must be finite, so every logarithm in it
                # needs a positive argument (θ̂ = log(Σxᵢ/n) is −∞ on a sample of zeros)
                for arg in sorted({a.args[0] for a in sp.sympify(value).atoms(sp.log)},
                                  key=sp.default_sort_key):
                    if prove_sign(arg, {}, "positive") is True or arg in finite:
                        continue
                    finite.append(arg)
                    always = False
                    shown = ll.to_sample(arg)
                    parts.append(f"0 < {shown}")
                    conditions.append(sp.StrictLessThan(0, shown, evaluate=False))
                continue
            gap = value - end if side == "lower" else end - value
            if prove_sign(gap, {}, "positive") is True or _positive_on_data(ll, gap):
                continue
            always = False
            shown = ll.to_sample(value)
            parts.append(f"{end} < {shown}" if side == "lower" else f"{shown} < {end}")
            conditions.append(sp.StrictLessThan(end, shown, evaluate=False) if side == "lower"
                              else sp.StrictLessThan(shown, end, evaluate=False))
    if not parts and always:
        return Check("boundary", "proven", "the root lies inside the parameter space for every "
                     "sample the model allows")
    if not parts:
        return None
    return Check("boundary", "undetermined",
                 "the root is the MLE only when it lies inside the parameter space: "
                 + " and ".join(parts) + "; on a sample where this fails the likelihood keeps "
                 "increasing toward the boundary, and the MLE is the boundary value"
                 + (" (or, toward an infinite end, there is no MLE)" if finite else ""),
                 sp.And(*conditions, evaluate=False) if len(conditions) > 1 else conditions[0])


def median_variance(ll: LogLikelihood, solution: Solution, info: sp.Matrix | None,
                    seconds: float = 5.0) -> Check | None:
    """For μ̂ = x̃: is the Wald standard error from [n I(θ)]⁻¹ the median's own?

    The sample median is asymptotically normal about the population median m with variance
    1/(4n f(m)²). When μ is the median of the model (P(X < μ) = 1/2, proven by integration)
    and 1/(4 f(μ)²) equals [I(θ)⁻¹]_μμ, the standard error the fit reports for μ̂ is that of
    the median itself: proven. ``None`` when no parameter is a median.
    """
    rule = solution.median
    if rule is None:
        return None
    model = ll.model
    x, z = model.var, sp.Symbol("_z", real=True)
    inverse = None
    if info is not None:
        try:
            inverse = bounded(info.inv, seconds=seconds, what="inverting the information")
        except (DerivationTimeout, ValueError, ZeroDivisionError):
            inverse = None
    def zero(e: sp.Expr) -> bool:
        try:
            return bounded(sp.simplify, e, seconds=seconds, what="simplifying") == 0
        except DerivationTimeout:
            return False

    parts, verdict = [], "proven"
    for mu in rule.estimates:
        at = model.density.xreplace({x: mu})
        try:
            avar = bounded(lambda: sp.factor(sp.cancel(1 / (4 * at ** 2))), seconds=seconds,
                           what="1/(4 f(μ)²)")
            half = bounded(sp.integrate, model.density.xreplace({x: z + mu}), (z, -sp.oo, 0),
                           seconds=seconds, what=f"P(X < {mu})")
            is_median = zero(half - sp.Rational(1, 2))
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            avar, is_median = None, False
        if not is_median:
            verdict = "undetermined"
            parts += ["; " if parts else "", _half_below(mu), " was not shown, so the asymptotic "
                      "variance of the median is not known to be ", _median_variance(mu)]
            continue
        j = list(ll.params).index(mu)
        same = inverse is not None and zero(inverse[j, j] - avar)
        parts += ["; " if parts else "", "the sample median is asymptotically normal about the "
                  "median of the model with variance ", _median_variance(), " at that median; ",
                  _half_below(mu), ", so that median is ", mu, ", and the variance is ",
                  Inline(r"@0 = \frac{@1}{n}", "@0 = @1/n", _median_variance(mu), avar)]
        parts += ([", which is ", _INVERSE, " for ", mu, ": the standard error from the "
                   "information is the median's own"] if same else
                  ["; ", _INVERSE, " for ", mu, " was not shown to equal it"])
        if not same:
            verdict = "undetermined"
    return Check.of("median_variance", verdict, [p for p in parts if p != ""])


_INVERSE = Inline(r"\left[n \mathcal{I}\right]^{-1}", "[n I]⁻¹")


def _half_below(mu: sp.Symbol) -> "Inline":
    """P(X < μ) = 1/2."""
    return Inline(r"P(X < @0) = \frac{1}{2}", "P(X < @0) = 1/2", mu)


def _median_variance(mu: sp.Symbol | None = None) -> "Inline":
    """1/(4n f(μ)²), or 1/(4n f²) without the point."""
    if mu is None:
        return Inline(r"\frac{1}{4 n f^{2}}", "1/(4n f²)")
    return Inline(r"\frac{1}{4 n f(@0)^{2}}", "1/(4n f(@0)²)", mu)
