"""The steps that reason: the algebraic moves that solve the likelihood equations, the support
argument, the Newton update where there is no closed form, the second-order check, the boundary
cases and the one-line insight.

:func:`solve_moves` derives the moves from the score equation generically, never keyed to a
family: clear a nonzero factor, split sums that hold the parameter, move the negative terms
across, clear the denominators (cross-multiply when there are two), expand, cancel, solve. A
root is kept only when it is equivalent to the engine's MLE; otherwise the engine's result is
shown as it is.
"""
from __future__ import annotations

import re
from typing import Any, Sequence

import sympy as sp

from ..bounded import bounded
from ..checks import principal_minors
from ..errors import DerivationTimeout
from ..latex import ELL, LIK, Factors, Inline, Terms, hat, plain, text as text_of
from ..notation import I, N, equivalent, linearize
from ..render import MATH_MARK, ROW, unicode_tex
from ..spaces import prove_sign
from .base import Block, Line, Prose, Step, chain, eq
from .forms import (Context, dl, display_value, join, pull, reason, sentence, sentences, signed,
                    with_bar)

__all__ = ["solve_moves", "solve_all", "second_order", "checks", "insight"]

SOLVE_SECONDS = 2.0  # each sp.solve that only redoes, for display, what the engine solved


def _is_zero(e: sp.Expr) -> bool:
    """Whether ``e`` simplifies to 0 within ``SOLVE_SECONDS`` (not proven: False)."""
    try:
        return bounded(sp.simplify, e, seconds=SOLVE_SECONDS, what="simplifying") == 0
    except DerivationTimeout:
        return False


def _lcd(dens: Sequence[sp.Expr]) -> sp.Expr:
    """Least common multiple of denominators, keeping each factor as it is written."""
    coeff, powers = sp.Integer(1), {}
    for den in dens:
        for f in sp.Mul.make_args(den):
            if f.is_number:
                coeff = sp.ilcm(coeff, f) if f.is_Integer else coeff * f
                continue
            b, e = f.as_base_exp()
            key = b if b in powers or -b not in powers else -b
            powers[key] = sp.Max(powers.get(key, 0), e) if not e.is_number else \
                max(powers.get(key, 0), e)
    return sp.Mul(coeff, *[b ** e for b, e in powers.items()])


def solve_moves(expr: sp.Expr, theta: sp.Symbol, target: sp.Expr | None, accept: Any = None,
                ) -> tuple[list[tuple[tuple, "Line"]], sp.Expr | None]:
    """The algebraic moves that solve ``expr = 0`` for ``theta``, one line each.

    Returns ``[(note, line), ...]`` and the root equivalent to ``target`` (the engine's MLE, in
    sample notation), or ``None`` when none is; with ``accept``, the first root it accepts.

    Examples
    --------
    >>> from symmle.notation import X
    >>> p = sp.Symbol("p", positive=True)
    >>> k = sp.Sum(X[I], (I, 1, N))
    >>> moves, root = solve_moves(k / p - (N - k) / (1 - p), p, k / N)
    >>> [text_of(line.lhs) + " = " + text_of(line.chain[0][1]) for _, line in moves]
    ['Σ x_i/p = (n - Σ x_i)/(1 - p)', '(1 - p)*Σ x_i = p*(n - Σ x_i)', 'Σ x_i - p*Σ x_i = n*p - p*Σ x_i', 'Σ x_i = n*p']
    >>> root
    Sum(x[i], (i, 1, n))/n
    """
    out: list[tuple[tuple, Any]] = []
    coeff, rest = expr.as_independent(theta, as_Add=False) if expr.is_Mul else (1, expr)
    if coeff != 1 and rest != expr and rest.has(theta):
        out.append((("Multiply both sides by ", signed_plain(1 / coeff), ":"), eq(rest, 0)))
        expr = rest
    opened = [s for s in expr.atoms(sp.Sum) if theta in s.function.free_symbols]
    if opened:
        expr = expr.xreplace({s: linearize(s) for s in opened})
        out.append((("Split the sum:",), eq(expr, 0)))
    atoms = sorted((s for s in expr.atoms(sp.Sum)), key=sp.default_sort_key)
    table = {s: sp.Symbol(f"_A{k}") for k, s in enumerate(atoms)}
    back = {v: k for k, v in table.items()}
    e = expr.xreplace(table)
    terms = sp.Add.make_args(e)
    dens = [sp.fraction(t)[1] for t in terms]
    theta_dens = [dd for dd in dens if dd.has(theta)]
    lhs, rhs = e, sp.Integer(0)
    if theta_dens:
        pos = [t for t in terms if not t.could_extract_minus_sign()]
        neg = [-t for t in terms if t.could_extract_minus_sign()]
        coprime = all(sp.gcd(a, b) == 1 for k, a in enumerate(theta_dens)
                      for b in theta_dens[k + 1:])
        if pos and neg and (len(theta_dens) == 1 or (len(terms) == 2 and coprime)):
            P, Q = sp.Add(*pos), sp.Add(*neg)
            out.append((("Move the negative terms to the other side:",), eq(P.xreplace(back),
                                                                            Q.xreplace(back))))
            if sp.fraction(P)[1] == 1 == sp.fraction(Q)[1]:
                # a side that is a sum with a fraction in it (n + n/η = Σ e^{c xᵢ}): over a
                # common denominator, else the step would multiply both sides by 1
                P, Q = sp.together(P), sp.together(Q)
            lcd = _lcd([sp.fraction(P)[1], sp.fraction(Q)[1]])
            lhs = sp.Mul(sp.fraction(P)[0], sp.cancel(lcd / sp.fraction(P)[1]))
            rhs = sp.Mul(sp.fraction(Q)[0], sp.cancel(lcd / sp.fraction(Q)[1]))
            why = "Cross-multiply" if len(theta_dens) > 1 else "Multiply both sides by "
            if lcd != 1:
                out.append(((why + (":" if len(theta_dens) > 1 else ""),) if len(theta_dens) > 1
                            else (why, lcd.xreplace(back), ":"),
                            eq(lhs.xreplace(back), rhs.xreplace(back))))
        else:
            lcd = _lcd(theta_dens + [dd for dd in dens if not dd.has(theta)])
            lhs = sp.Add(*[sp.cancel(t * lcd) for t in terms])
            out.append((("Multiply both sides by ", lcd.xreplace(back), " to clear the fractions:"),
                        eq(lhs.xreplace(back), 0)))
        el, er = sp.expand(lhs), sp.expand(rhs)
        if (el, er) != (lhs, rhs):
            out.append((("Expand:",), eq(el.xreplace(back), er.xreplace(back))))
        common = set(sp.Add.make_args(el)) & set(sp.Add.make_args(er))
        lhs, rhs = el, er
        if common:
            lhs, rhs = el - sp.Add(*common), er - sp.Add(*common)
            out.append((("Cancel the common term" + ("s" if len(common) > 1 else "") + ":",),
                        eq(lhs.xreplace(back), rhs.xreplace(back))))
    try:  # the engine has solved this equation already: a move it cannot redo is not shown
        roots = bounded(sp.solve, sp.Eq(lhs, rhs), theta, seconds=SOLVE_SECONDS,
                        what="solving for the parameter")
    except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
        return out, None
    for r in roots:
        r = r.xreplace(back)
        if (accept(r) if accept is not None else
                target is None or equivalent(plain(r), target)):
            return out, r
    return out, None


def _solve_with_estimates(c: Context, p: sp.Symbol, equation: sp.Expr,
                          hatted: dict[sp.Symbol, sp.Symbol], values: dict[sp.Symbol, sp.Expr],
                          target: sp.Expr | None) -> tuple[list, sp.Expr | None, list]:
    """Solve the equation for ``p`` with the parameters solved before written as their
    estimates (σ̂² = (1/n) Σ (log xᵢ − μ̂)², as a textbook writes it) when that root, with the
    estimates in sample notation, is the engine's; else as :func:`solve_moves` does on
    ``equation`` (the estimates in sample notation). Returns the moves, the root and the
    parameters written as estimates."""
    named = [q for q in hatted if q != p and c.score[p].has(q)]
    if named and target is not None:
        with_hats = pull(c.score[p].xreplace({q: hat(q) for q in named}))
        in_sample = {hat(q): values[q] for q in named}
        moves, root = solve_moves(with_hats, p, None, accept=lambda r: equivalent(
            plain(r).xreplace(in_sample), target))
        if root is not None:
            return moves, root, named
    moves, root = solve_moves(equation, p, target)
    return moves, root, []


def signed_plain(expr: sp.Expr) -> sp.Expr:
    """A factor as a person writes it (cancelled, factored)."""
    return sp.factor(sp.cancel(expr)) if not expr.has(sp.Sum) else expr






def solve_all(c: Context) -> None:
    """Fill ``c.moves``, ``c.mle``, ``c.mle_forms`` from the engine's solution, showing moves."""
    d, sol = c.d, c.d.solution
    targets = d.mle or {}
    support = {} if c.support_solution is None else dict(c.support_solution.estimates)
    median = {} if c.median_solution is None else dict(c.median_solution.estimates)
    c.equations = {p for p in c.params if p not in support and p not in median}
    values: dict[sp.Symbol, sp.Expr] = {}
    blocks: list[Block] = []
    for p, est in support.items():
        blocks.append(support_block(c, p, est))
        values[p] = est
    for p, est in median.items():
        blocks.extend(median_blocks(c, p, est))
        values[p] = est
    if sol.mle is None:
        c.moves = [no_closed_form(c, blocks)]
        return
    eqs = {p: c.score[p].xreplace(values) for p in c.params if p not in values}
    remaining = [p for p in c.params if p not in values]
    shown: dict[sp.Symbol, list[sp.Expr]] = {}  # each root as the solving step wrote it
    hatted: dict[sp.Symbol, sp.Symbol] = {}  # solved parameters written θ̂ in later equations
    while remaining:
        p = next((q for q in remaining if not (_core(eqs[q], q).free_symbols
                                               & (set(remaining) - {q}))), None)
        if p is None:
            break
        moves, root, named = _solve_with_estimates(c, p, eqs[p], hatted, values,
                                                   targets.get(p.name))
        if root is None:
            break
        forms = with_bar(c, root)
        note: Prose = ("Solve for ", p, ":") if len(c.params) == 1 else (
            "From the equation for ", p, ":") if not named else (
            "From the equation for ", p, ", with ",
            *join([sp.Eq(q, hat(q), evaluate=False) for q in named]), " in place:")
        if median:  # the likelihood equation of the others holds at μ = x̃
            note = ("From the likelihood equation for ", p, ", with ",
                    *join([sp.Eq(hat(q), v, evaluate=False) for q, v in median.items()]),
                    " in place:")
        lines = [(n, line) for n, line in moves] + [((), eq(hat(p), *forms))]
        blocks.extend(_group(lines, note))
        values[p] = forms[-1].xreplace({hat(q): values[q] for q in named})
        shown[p] = forms
        remaining.remove(p)
        if forms[-1].has(sp.Sum) and not forms[-1].has(c.xbar):
            hatted[p] = hat(p)  # (1/n) Σ log xᵢ is μ̂ in the equations left: Σ (log xᵢ − μ̂)²
        eqs = {q: pull(e.xreplace({p: forms[-1]})) for q, e in eqs.items() if q != p}
    if remaining:  # the rest together, as the engine solved them
        rest = tuple(eq(hat(q), *with_bar(c, targets[q.name])) for q in remaining)
        blocks.append(Block(rest, ("Solving the remaining equation" + ("s" if len(rest) > 1 else "")
                                   + " together:",)))
        values.update({q: targets[q.name] for q in remaining})
    c.mle = {p: plain(values[p]) for p in c.params}
    # the estimator as the solving step ended, when that is the engine's (Σxᵢ/(n + Σxᵢ), not
    # the same root rebuilt from its x̄ form, Σxᵢ/(n(1 + Σxᵢ/n)))
    in_sample = {hat(q): values[q] for q in hatted}
    c.mle_forms = {p: with_bar(c, targets[p.name]) if p in support or p in median else
                   shown[p] if p in shown and equivalent(plain(shown[p][0]).xreplace(in_sample),
                                                         targets[p.name])
                   else with_bar(c, _best(values[p], targets[p.name])) for p in c.params}
    c.uses_bar = any(any(f.has(c.xbar) for f in forms) for forms in c.mle_forms.values())
    why: Prose
    if median:
        heading = ("The maximum in " + ", ".join(_marked(text_of(p, c.names)) for p in median)
                   + ": the sample median" + (", then the likelihood equation"
                                              + ("s" if len(c.equations) > 1 else "")
                                              if c.equations else ""))
        rest = [p for p in c.params if p in c.equations]
        why = ("As a function of ", *join(median), ", ℓ has a corner at every observation, so "
               "the score equation in ", *join(median), " is not the tool: ℓ is maximised in ",
               *join(median), " directly", *((", for every value of ", *join(rest),
                                              "; then the likelihood equation"
                                              + ("s" if len(rest) > 1 else "") + " of ",
                                              *join(rest), ", with that estimate in place.")
                                             if rest else (".",)))
    elif not c.equations:
        heading, why = "The maximum over the feasible set", (
            "The likelihood is zero outside the feasible set and monotone on it, so the maximum "
            "is at its end: the score equation is not used.",)
    else:
        heading = "Solving the likelihood equation" + ("s" if len(c.equations) > 1 else "")
        why = (sentence(reason(sol.reason, c.words)) if not support else (
            "First the parameters the support depends on, at the end of the feasible set; then "
            "the likelihood equations of the others, with those estimates in place."),)
    c.moves = [Step("solution", heading, why, tuple(blocks), brief=False)]


def _marked(shown: str) -> str:
    """A symbol's text marked as mathematics for a heading (left as text when it has no LaTeX
    form here: a heading never fails)."""
    try:
        unicode_tex(shown)
    except ValueError:
        return shown
    return MATH_MARK + shown + MATH_MARK


def _best(mine: sp.Expr, engine: sp.Expr) -> sp.Expr:
    return plain(mine) if equivalent(plain(mine), engine) else engine


def _core(expr: sp.Expr, theta: sp.Symbol) -> sp.Expr:
    """The part of ``expr`` that matters for ``expr = 0`` in ``theta`` (nonzero factors out)."""
    return expr.as_independent(theta, as_Add=False)[1] if expr.is_Mul else expr


def _group(lines: list[tuple[Prose, Line]], first: Prose) -> list[Block]:
    """Consecutive lines into blocks, a new block at every note (the first note leads)."""
    blocks: list[Block] = []
    current: list[Line] = []
    note = first
    for n, line in lines:
        if n and current:
            blocks.append(Block(tuple(current), note))
            current, note = [], n
        elif n:
            head = n[0][:1].lower() + n[0][1:] if isinstance(n[0], str) else n[0]
            note = (*note[:-1], str(note[-1]).rstrip(":") + "; ", head, *n[1:]) if note else n
        current.append(line)
    if current:
        blocks.append(Block(tuple(current), note))
    return blocks




def _newton_symbol(p: sp.Symbol, step: str) -> sp.Symbol:
    return sp.Symbol(f"{p.name}__{step}", **p.assumptions0)


def support_block(c: Context, p: sp.Symbol, estimate: sp.Expr) -> Any:
    """θ̂ at the end of the feasible set: ℓ is monotone there (the engine proved the sign)."""
    why = c.support_solution.reasons.get(p, "") if c.support_solution else ""
    if c.support_solution is not None and p in c.support_solution.joint:
        return Block((eq(hat(p), estimate),), c.support_solution.prose[p])
    falling = "negative" in why
    conditions = [ind.args[0] for ind in c.indicators if p in ind.free_symbols]
    space = c.support_solution.space_bounds.get(p) if c.support_solution else None
    if space is not None:  # the parameter space cuts the feasible set too (θ >= 1)
        conditions.append(space)
    note = ("The likelihood is positive only on the feasible set ", *join(conditions),
            ", where ℓ is ",
            "decreasing" if falling else "increasing", " in ", p, ", so the maximum is at the ",
            "smallest" if falling else "largest", " feasible value:")
    lines = (Line(dl(c, p), (("=", c.score[p]), ("<" if falling else ">", sp.Integer(0)))),
             eq(hat(p), estimate))
    return Block(lines, note)


def median_blocks(c: Context, mu: sp.Symbol, estimate: sp.Expr) -> list[Block]:
    """μ̂ = x̃: the sum of absolute deviations, its one-sided derivative, and its minimum."""
    rule = c.median_solution
    coef = rule.coefficient
    dev = sp.Sum(sp.Abs(c.xi - mu), (I, 1, N))
    others = [p for p in c.params if p != mu]
    note: list[Any] = ["ℓ depends on ", mu, " only through ", sp.Mul(-coef, dev)]
    if not coef.is_number:
        note += [", and ", sp.StrictGreaterThan(coef, 0, evaluate=False),
                 " on the parameter space"]
    note += [", so " if not others else ", so for every value of ", *join(others),
             ", " if others else "", "maximising ℓ in ", mu, " is minimising ", dev,
             ". This sum has a corner at every observation, where it is not differentiable; "
             "its one-sided derivatives in ", mu, " are the number of observations below ", mu,
             " minus the number above it (the right-hand derivative counts an observation "
             "equal to ", mu, " as below, the left-hand one as above):"]
    slope = Line(sp.Derivative(dev, mu), (("=", sp.Sum(sp.sign(mu - c.xi), (I, 1, N))),))
    after: list[Any] = [
        "Between observations this is negative while fewer than half of them lie below ", mu,
        " and positive once more than half do, so the sum decreases up to the sample median ",
        c.x_med, " and increases after it. For odd n the minimum is the middle observation; "
        "for even n the sum is the same at every point between the two middle observations, "
        "and by convention their midpoint is taken:"]
    dom = c.model.domains[mu]
    if sp.sympify(dom.lower) != -sp.oo or sp.sympify(dom.upper) != sp.oo:
        after[-1] = after[-1][:-1] + " (when it lies in the parameter space of "
        after += [mu, "; otherwise at the end nearest to it, see the boundary check):"]
    return [Block((slope,), tuple(note)), Block((eq(hat(mu), estimate),), tuple(after))]


def no_closed_form(c: Context, blocks: list) -> Any:
    """The equations kept, a profile where one exists, and the Newton update."""
    d, sol = c.d, c.d.solution
    blocks = list(blocks)
    if sol.profile:
        ll = d.log_likelihood
        lines = [eq(p, display_value(c, ll.to_sample(v))) for p, v in sol.profile.items()]
        blocks.append(Block(tuple(lines), ("One equation alone gives",)))
        rest = [(k, p) for k, p in enumerate(c.params) if p not in sol.profile]
        reduced = [eq(display_value(c, pull(sp.expand(ll.to_sample(
            sol.score[k].xreplace(sol.profile))))), 0) for k, _ in rest]
        blocks.append(Block(tuple(reduced), ("and substituting it leaves an equation that has no "
                                             "closed form:",)))
    ks = {p: _newton_symbol(p, "k") for p in c.params}
    if len(c.params) == 1:
        p = c.params[0]
        step = (c.score[p] / c.second[p]).xreplace(ks)
        blocks.append(Block((eq(_newton_symbol(p, "k1"), Terms(ks[p], -step)),),
                            ("Newton's method, from a starting value, repeats",)))
    else:
        new = sp.ImmutableMatrix([_newton_symbol(p, "k1") for p in c.params])
        old = sp.ImmutableMatrix(list(ks.values()))
        step = Factors(sp.Pow(sp.Function("H")(*ks.values()), -1, evaluate=False),
                       sp.Function("grad")(*ks.values()))
        blocks.append(Block((eq(new, Terms(old, -step)),),
                            ("Newton's method, with the gradient above and the Hessian H below, "
                             "repeats",)))
    return Step("solution", "No closed form", tuple(sentences(sol.prose or sol.reason, c.words)),
                tuple(blocks), brief=True)


def _minor_lines(c: Context, minors: Sequence[sp.Expr]) -> tuple:
    return tuple(Line(sp.Symbol(f"D_{k}"), (("=", signed(c, m)), ("<" if k % 2 else ">", 0)))
                 for k, m in enumerate(minors, start=1))


# the divisors of a variance estimate: n, n − 1 and 1/(n − 1)
_N, _N_1, _ONE_OVER_N_1 = N, Inline("n - 1", "n − 1"), Inline("1/(n - 1)", "1/(n − 1)")


def second_order(c: Context) -> list:
    """The second-order check as the engine decided it, with the expression it rests on."""

    chk, d = c.d.second_order, c.d
    hats = {p: hat(p) for p in c.params}
    score_params = [p for p in c.params if p in c.equations]
    if c.median_solution is not None:
        return _median_second_order(c, score_params)
    if not score_params:
        return []
    if c.moving:
        # ℓ'' in the other parameters, the support's estimates in place; "< 0" where it is
        # negative everywhere, else its value at the root, written in θ̂, where it is proven
        at_root = chk.detail if isinstance(chk.detail, sp.MatrixBase) else None
        lines, roots = [], []
        for k, p in enumerate(score_params):
            value = c.second[p].xreplace(
                {q: v for q, v in (c.mle or {}).items() if q not in c.equations})
            there = None if at_root is None or k >= at_root.rows else at_root[k, k]
            everywhere = chk.verdict == "proven" and there is None
            lines.append(Line(dl(c, p, 2), (("=", value),) + ((("<", 0),) if everywhere
                                                                else ())))
            if there is not None and chk.verdict == "proven":
                roots.append(Line(sp.Subs(dl(c, p, 2), p, hat(p)),
                                  (("=", signed(c, there.xreplace(hats))), ("<", 0))))
        blocks = [Block(tuple(lines))]
        if roots:
            blocks.append(Block(tuple(roots), ("At the root, where the likelihood equation "
                                               "holds:",)))
        return [Step("second_order", "Second-order check",
                     tuple(sentences(chk.prose or chk.reason, c.words)), tuple(blocks))]
    if len(c.params) == 1:
        p = c.params[0]
        blocks = [Block(chain(dl(c, p, 2), [c.second[p]]))]
        at_root = "at the root" in chk.reason
        if chk.verdict == "proven" and chk.detail is not None and not isinstance(
                chk.detail, sp.MatrixBase):
            value = signed(c, chk.detail.xreplace(hats) if at_root else chk.detail)
            lhs = sp.Subs(dl(c, p, 2), p, hat(p)) if at_root else dl(c, p, 2)
            blocks.append(Block((Line(lhs, (("=", value), ("<", 0))),),
                                ("At the root, where the likelihood equation holds:",)
                                if at_root else ("For every value of the parameter:",)))
            text = ("The second derivative is negative at the root for every sample, so the "
                    "root is a strict local maximum; being the only critical point of a "
                    "differentiable function on an interval, it is the global maximum."
                    if at_root and "unique root" in d.solution.reason else
                    "The second derivative is negative at the root: a strict local maximum."
                    if at_root else "ℓ is strictly concave on the whole parameter space, so "
                    "the root of the likelihood equation is its unique global maximum.")
        else:
            text = sentence(reason(chk.reason, c.words))
        return [Step("second_order", "Second-order check", (text,), tuple(blocks))]
    grid = sp.ImmutableMatrix([[pull(sp.diff(c.score[p], q)) for q in c.params]
                               for p in c.params])
    # a matrix when its entries together fit one row of displayed math, else entry by entry
    if sum(len(text_of(e, c.names)) for e in grid) <= ROW:
        blocks = [Block((Line(sp.Function("H")(*c.params), (("=", grid),)),),
                        ("The Hessian, the matrix of second derivatives:",))]
    else:  # too wide for a page: its entries one by one
        entries = tuple(Line(sp.Derivative(ELL(*c.params), p, q) if p != q else dl(c, p, 2),
                             (("=", grid[a, b]),))
                        for a, p in enumerate(c.params) for b, q in enumerate(c.params) if b >= a)
        blocks = [Block(entries, ("The Hessian H, the matrix of second derivatives, entry by "
                                  "entry:",))]
    if chk.verdict == "proven" and isinstance(chk.detail, sp.MatrixBase):
        if chk.detail.shape[1] == 1:  # the engine's minors: concave everywhere
            blocks.append(Block(_minor_lines(c, list(chk.detail)),
                                ("Its leading principal minors, for every parameter value:",)))
        else:
            at = chk.detail.applyfunc(lambda e: signed(c, e.xreplace(hats)))
            blocks.append(Block((Line(sp.Function("H")(*hats.values()), (("=", at),)),),
                                ("At the root, where the likelihood equations hold:",)))
            minors = [m.xreplace(hats) for m in principal_minors(chk.detail)]
            blocks.append(Block(_minor_lines(c, minors), ("Its leading principal minors:",)))
        text = ("The Hessian is negative definite: its leading principal minors alternate in "
                "sign, starting negative, so the root is a strict local maximum.",)
    else:
        text = (sentence(reason(chk.reason, c.words)),)
    return [Step("second_order", "Second-order check: the Hessian", text, tuple(blocks))]


def _median_second_order(c: Context, rest: list[sp.Symbol]) -> list:
    """ℓ(x̃, θ') is the maximum over μ for every θ': the check is on that function of θ'."""
    chk = c.d.second_order
    median = c.median_solution.estimates
    mus = join(list(median))
    if not rest:
        restricted = any(sp.sympify(c.model.domains[p].lower) != -sp.oo
                         or sp.sympify(c.model.domains[p].upper) != sp.oo for p in median)
        text = ("The sum of absolute deviations is convex in ", *mus, " and smallest at the "
                "median, so ", *join([sp.Eq(hat(p), v, evaluate=False) for p, v in median.items()]),
                " is the global maximum of ℓ" + (" when it lies in the parameter space" if
                                                  restricted else "")
                + "; no second derivative is needed (ℓ has none at the observations).")
        return [Step("second_order", "Second-order check", text)]
    lead: tuple = ("For every value of ", *join(rest), ", ℓ is largest in ", *mus, " at the "
                   "median, so the maximum of ℓ is the maximum of ",
                   ELL(*[median.get(p, p) for p in c.params]), " over ", *join(rest),
                   ", a differentiable function")
    if chk.verdict == "proven" and len(rest) == 1:
        text: tuple = (*lead, ". Its second derivative is negative at the root of the likelihood "
                       "equation, the only critical point on an interval, so the root is the "
                       "global maximum.")
    else:
        text = (*lead, "; ", reason(chk.reason.split("; ", 1)[-1], c.words).rstrip(".") + ".")
    blocks = []
    if len(rest) == 1:
        p = rest[0]
        at = {q: v for q, v in median.items()}
        blocks.append(Block(chain(dl(c, p, 2), [pull(c.second[p].xreplace(at))]),
                            ("With ", *join([sp.Eq(q, v, evaluate=False) for q, v in at.items()]),
                             " in place:")))
        if chk.verdict == "proven" and chk.detail is not None and not isinstance(
                chk.detail, sp.MatrixBase):
            blocks.append(Block((Line(sp.Subs(dl(c, p, 2), p, hat(p)),
                                      (("=", signed(c, chk.detail.xreplace({p: hat(p)}))),
                                       ("<", 0))),),
                                ("At the root, where the likelihood equation holds:",)))
    return [Step("second_order", "Second-order check", text, tuple(blocks))]


def _boundary(c: Context) -> list:
    """What happens when the data put the estimate on the edge of the parameter space."""
    sol, ll = c.d.solution, c.d.log_likelihood
    if len(c.params) != 1 or sol.mle is None or c.moving or not c.equations:
        return []
    p = c.params[0]
    value = sol.mle[p]
    stats = [s for s in ll.statistics if s.symbol in value.free_symbols]
    dom, sup = c.model.domains[p], c.model.support
    known = set(c.model.known)  # an end may be a known constant: m of the binomial's {0, …, m}
    if len(stats) != 1 or not all(sp.sympify(e).free_symbols <= known
                                  for e in (sup.lower, sup.upper) if sp.sympify(e).is_finite):
        return []
    stat, out = stats[0], []
    for end in (sp.sympify(dom.lower), sp.sympify(dom.upper)):
        if not end.is_finite:
            continue
        try:
            edge_values = bounded(sp.solve, sp.Eq(value, end), stat.symbol,
                                  seconds=SOLVE_SECONDS, what="the statistic at an edge")
        except (DerivationTimeout, NotImplementedError, ValueError, TypeError):
            continue
        for v in edge_values:
            edge = next((e for e in (sup.lower, sup.upper) if sp.sympify(e).is_finite
                         and _is_zero(v - N * stat.h.subs(c.var, e))), None)
            if edge is None:
                continue
            at = {stat.sum: v}
            every = {c.xi: edge}  # every observation at the edge: ∏ C(m, m) = 1, Σ log 1 = 0
            ell = sp.expand(c.ell_value.xreplace(at).xreplace(every).doit())
            slope = sp.diff(ell, p)
            up = prove_sign(slope, c.domains, "positive") is True
            down = prove_sign(slope, c.domains, "negative") is True
            if not (up or down):
                continue
            closed = (end == dom.upper and not dom.right_open) or (end == dom.lower
                                                                   and not dom.left_open)
            note = ("If every observation equals ", edge, " (so ", sp.Eq(stat.sum, v), "):")
            lines = (eq(LIK(p), plain(c.product_linear).xreplace(at).xreplace(every).doit()),
                     eq(ELL(p), ell),
                     Line(dl(c, p), (("=", slope), (">" if up else "<", 0))),
                     eq(hat(p), end))
            words = (f"ℓ is {'increasing' if up else 'decreasing'}, the score has no root, and "
                     "the likelihood is largest at the boundary, which the formula gives too"
                     + ("." if closed else " (outside the open parameter space, where the "
                        "supremum is not attained)."))
            out.append(Block(lines, (*note, " ", words)))
    return out


def checks(c: Context) -> Any:
    """Support and boundary checks, and the engine's other checks with their verdicts."""
    m = c.model
    support = sp.Contains(c.var, m.support.as_set(), evaluate=False)
    if c.moving and c.support_solution is None:  # an interior root on the feasible set
        text: list[Any] = ["The support ", support, " moves with the parameters: the indicator "
                           "restricts them to the feasible set, inside which the maximum is a "
                           "root of the score (see above)."]
    elif c.moving:
        text = ["The support ", support, " moves with the parameters, so ", LIK(*c.params),
                " is not differentiable there: the support parameters come from the "
                "indicator above, not from the score."]
    elif c.median_solution is not None:
        smooth = [p for p in c.params if p in c.equations]
        text = ["The support ", support, " does not depend on the parameters. "]
        if smooth:
            text += ["ℓ is differentiable in ", *join(smooth), " on the open parameter space, "
                     "so an interior maximum in ", *join(smooth), " is a critical point; in "]
        else:
            text += ["In "]
        text += [*join(list(c.median_solution.estimates)), ", ℓ has a corner at every "
                 "observation, which is why that estimate comes from the one-sided derivatives "
                 "and not from the score."]
    else:
        text = ["The support ", support, " does not depend on the parameters, so ℓ is "
                "differentiable on the open parameter space and an interior maximum is a "
                "critical point."]
    paragraphs: list[Block] = []  # one paragraph per check, its verdict first
    for chk in c.d.checks:
        if chk.name == "boundary" and chk.detail is not None:  # the condition as mathematics
            parts = (list(chk.detail.args) if isinstance(chk.detail, sp.And)
                     else [chk.detail])
            joined = join(sorted(parts, key=sp.default_sort_key))
            note: list[Any] = [
                f"Boundary ({chk.verdict}): the root is the MLE only when it lies inside the "
                "parameter space, ", *joined, "; on a sample where this fails the likelihood "
                "keeps increasing toward the boundary, and the MLE is the boundary value" + (
                    " (or, toward an infinite end, there is no MLE)."
                    if "infinite end" in chk.reason else ".")]
        elif chk.name != "second_order":
            said = list(sentences(chk.prose or chk.reason, c.words))
            if said and isinstance(said[0], str) and re.match(r"[A-Z][a-z ]", said[0]):
                said[0] = said[0][0].lower() + said[0][1:]  # "(proven): the pmf sums to 1"
            note = [f"{sentence(chk.name.replace('_', ' '))[:-1]} ({chk.verdict}): ", *said]
        else:
            continue
        paragraphs.append(Block((), tuple(note)))
    return Step("checks", "Support and boundary checks", tuple(text),
                (*paragraphs, *_boundary(c)))


def insight(c: Context) -> tuple:
    """One line a student should take away."""
    if c.mle is None and c.moving:
        return ("There is no closed form: the MLE is a root of the likelihood equations inside "
                "the feasible set, found numerically; the support moves with the parameter, so "
                "the regularity conditions fail and the fit gives no Wald standard error for "
                "it.",)
    if c.mle is None:
        return ("There is no closed form: the MLE is a root of the likelihood equations found "
                "numerically, and the fit reports it with its standard error.",)
    total = sp.Sum(c.xi, (I, 1, N))
    if c.median_solution is not None:
        mus = list(c.median_solution.estimates)
        out: list[Any] = ["The MLE of ", *join(mus), " is the sample median ", c.x_med,
                          ", not the mean: absolute deviations are minimised by the median as "
                          "squared deviations are by the mean, so a single wild observation "
                          "moves it little."]
        mad = sp.Sum(sp.Abs(c.xi - c.x_med), (I, 1, N)) / N
        spread = [p for p in c.params if p not in mus and equivalent(c.mle[p], mad)]
        if spread:
            out += [" And ", *join([hat(p) for p in spread]), " is the mean absolute deviation "
                    "about the median."]
        return tuple(out)
    mean = [p for p in c.params if equivalent(c.mle[p], total / N)]
    for p in c.params:
        v = c.mle[p]
        if equivalent(v, sp.Sum((c.xi - total / N) ** 2, (I, 1, N)) / N):
            pre = ("The MLE of the mean is the sample mean, ", sp.Eq(hat(mean[0]), c.xbar,
                                                                   evaluate=False),
                   "; the MLE of the variance") if mean else ("The MLE of the variance",)
            return (*pre, " divides by ", _N, ", not ", _N_1, ", so it is biased: its mean is ",
                    Inline("(n - 1)/n", "(n − 1)/n"), " times the variance. The unbiased "
                    "sample variance divides by ", _N_1, ".")
        for mu in c.model.known:
            if equivalent(v, sp.Sum((c.xi - mu) ** 2, (I, 1, N)) / N):
                return ("The MLE uses ", Inline("1/n", "1/n"), ", not ", _ONE_OVER_N_1,
                        ": with ", mu, " known, ", c.mle_forms[p][-1], " is unbiased; the ",
                        _ONE_OVER_N_1, " of the sample variance corrects for estimating the "
                        "mean by ", c.xbar, ".")
        if v in (c.x_max, c.x_min):
            big = v == c.x_max
            return ("The MLE is the ", "largest" if big else "smallest", " observation, found "
                    "from the support rather than the score; it can never ",
                    "exceed" if big else "fall below", " the true value, so it is biased ",
                    "downward." if big else "upward.")
    if mean:
        return ("The MLE equals the sample mean: ", sp.Eq(hat(mean[0]), c.xbar, evaluate=False),
                ".")
    p = c.params[0]
    if any(f.has(c.xbar) and not f.has(sp.Sum) for f in c.mle_forms[p]):
        return ("The MLE depends on the data only through the sample mean: ",
                sp.Eq(hat(p), c.mle_forms[p][-1], evaluate=False), ".")
    if c.stats:
        return ("The data enter the MLE only through ", *join(c.stats),
                ", the sufficient statistic" + ("s." if len(c.stats) > 1 else "."))
    return ("The MLE is ", sp.Eq(hat(p), c.mle_forms[p][-1], evaluate=False), ".")
