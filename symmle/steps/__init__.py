"""The ordered steps of a derivation, as data: a heading, the mathematics, and why.

The steps follow the worked examples a textbook shows: the model, the likelihood as a product,
the product simplified, the log-likelihood as a sum, the score, the likelihood equations, the
solution one algebraic move per line, the second-order check, boundary and support checks, the
Fisher information with a standard error and a Wald interval, and a one-line insight. A
:class:`Step` holds :class:`Block` s of aligned :class:`Line` s of SymPy objects in sample
notation (Σ over ``x[i]``) and prose: a tuple of strings and SymPy objects (inline math).

The forms come from :class:`symmle.steps.forms.Context`, computed from the public
:class:`~symmle.derivation.Derivation` and checked against it.

Examples
--------
>>> from symmle import derive
>>> [s.kind for s in derive("poisson").steps][:6]
['model', 'likelihood', 'product', 'log_likelihood', 'score', 'equations']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..latex import (ELL, INFO, LIK, SE, Factors, Given, Inline, PlusMinus, bar, hat, plain,
                     text as text_of)
from ..counts import cases, count_symbol, in_counts, is_tabular, support_values
from ..notation import I, N
from ..render import marked_prose
from . import forms as dp
from .base import Block, Line, Step, chain, eq
from .reasoning import checks, insight, second_order, solve_all

if TYPE_CHECKING:  # pragma: no cover
    from ..derivation import Derivation

__all__ = ["Line", "Block", "Step", "build_steps", "eq"]

Z975 = sp.Float("1.96", 3)
# the definitions the information step states, for a generic parameter θ (not the model's)
THETA, THETA_HAT = Inline(r"\theta", "θ"), Inline(r"\hat{\theta}", "θ̂")
LOG_L, LIK_L = Inline(r"\ell = \log L", "ℓ = log L"), Inline("L", "L")
INFO_DEFINITION = Inline(r"\mathcal{I}(\theta) = -\operatorname{E}\left[\frac{\partial^{2}}"
                         r"{\partial \theta^{2}} \log f(X \mid \theta)\right]",
                         "I(θ) = −E[∂² log f(X | θ)/∂θ²]")
INFO_INVERSE = Inline(r"\left[n \mathcal{I}(\theta)\right]^{-1}", "[n I(θ)]⁻¹")
SE_ROOT = Inline(r"\sqrt{\left[n \mathcal{I}(\theta)\right]^{-1}}", "√([n I(θ)]⁻¹)")


def build_steps(d: "Derivation") -> tuple[Step, ...]:
    """The derivation's steps in textbook order (see the module docstring)."""
    c = dp.Context(d)
    solve_all(c)
    steps = [_model(c), _likelihood(c), _product(c), _log_likelihood(c), *_score(c),
             *c.moves, *_result(c), *second_order(c), checks(c), _information(c),
             *_invariance(c), Step("insight", "Insight", insight(c))]
    out = tuple(s if isinstance(s, Step) else Step(*s) for s in steps if s is not None)
    return _in_counts_throughout(c, out) if is_tabular(d) else out


# the steps of a table pmf shown in the counts nₖ once the log-likelihood has introduced them
_COUNTED = ("score", "equations", "solution", "result", "second_order", "checks", "insight")


def _in_counts_throughout(c: dp.Context, steps: tuple[Step, ...]) -> tuple[Step, ...]:
    """A table pmf's steps after the log-likelihood in the counts nₖ: every expression with a
    sum (an estimate as one fraction, anything in the parameters term by term); the sentence
    naming the statistics names the counts. Each rewrite is exact (Σᵢ h(xᵢ) = Σₖ h(k) nₖ), so
    every displayed move stays valid; an expression that does not rewrite in time stays."""
    import dataclasses

    params = set(c.params)
    counts = [count_symbol(v) for v in support_values(c.model)]

    def conv(e: Any) -> Any:
        if isinstance(e, sp.Basic) and isinstance(e, sp.Rel) and e.has(sp.Sum):
            return e.func(conv(e.lhs), conv(e.rhs), evaluate=False)
        if not isinstance(e, sp.Expr) or not e.has(sp.Sum):
            return e
        return in_counts(e, c.model, terms=bool(e.free_symbols & params)) or e

    def line(ln: Line) -> Line:  # forms that become the same in counts are shown once
        links: list[tuple[str, Any]] = []
        for r, e in ln.chain:
            e = conv(e)
            if links and r == "=" and text_of(e) == text_of(links[-1][1]):
                continue
            links.append((r, e))
        return Line(conv(ln.lhs), tuple(links))

    out = []
    table = cases(c.model).args[1:]
    for step in steps:
        if step.kind == "likelihood":  # L = Π f(xᵢ | θ), the table's one formula unshown
            (block,) = step.blocks
            (ln,) = block.lines
            step = dataclasses.replace(step, blocks=(
                Block((Line(ln.lhs, ln.chain[:1]),), block.note, block.brief),))
        elif step.kind == "product":  # the factor f(k) once for each observation equal to k
            powers = Factors(*[f ** n for f, n in zip(table[1::2], counts)])
            step = Step("product", step.heading, (
                "Group the factors by the value of the observation: ", Inline(
                    "f(k \\mid @0)", "f(k | @0)", *c.params) if len(c.params) == 1 else
                "the probability of k", " appears once for each of the ",
                Inline("n_{k}", "nₖ"), " observations equal to k."),
                (Block((eq(LIK(*c.params), powers),)),))
        elif step.kind == "log_likelihood":
            # ℓ = log L = Σ log f(xᵢ | θ), then straight to the counts (the polynomials'
            # expansion in between says nothing a reader needs)
            first = step.blocks[0]
            counted = in_counts(c.d.log_likelihood_sample, c.model, terms=True)
            step = dataclasses.replace(step, blocks=(
                Block(first.lines[:2], first.note, first.brief),
                *([Block((eq(first.lines[0].lhs, counted),), _COUNTS_NOTE)] if counted is not None
                  else [])))
            text = tuple(p for p in step.text if not isinstance(p, sp.Sum))
            cut = next((k for k, p in enumerate(text) if isinstance(p, str)
                        and "data enter only through" in p), None)
            if cut is not None:
                step = dataclasses.replace(step, text=(
                    *text[:cut], " The data enter only through the counts ", *dp.join(counts),
                    " (below).") + tuple(p for p in text[cut + 1:] if p not in (", ", " and ",
                                                                                  ".")))
        elif step.kind == "insight" and any(isinstance(p, sp.Sum) for p in step.text):
            step = dataclasses.replace(step, text=(
                "The data enter the MLE only through the counts ", *dp.join(counts),
                " of the observations equal to each value of the support: on a finite support "
                "they are the sufficient statistics."))
        elif step.kind == "second_order" and len(c.params) == 1 and (
                "for every value k of the support" in c.d.second_order.reason):
            # concave value by value: the sum of the counts' negative terms, as it is
            step = dataclasses.replace(step, blocks=(Block((Line(dp.dl(c, c.params[0], 2), (
                ("=", c.d.second_order.detail), ("<", 0))),)),))
        elif step.kind in _COUNTED or step.kind.startswith("solve"):
            if step.kind == "score":  # the chain rule's form says nothing in counts: ∂ℓ/∂θ = last
                step = dataclasses.replace(step, blocks=(Block(tuple(
                    Line(b.lines[0].lhs, b.lines[-1].chain[-1:]) for b in step.blocks)),))
            blocks = tuple(Block(tuple(line(ln) for ln in b.lines),
                                 tuple(conv(p) for p in b.note), b.brief) for b in step.blocks)
            text = tuple("In the counts" if p == "In sample notation" else conv(p)
                         for p in step.text)
            step = dataclasses.replace(step, text=text, blocks=blocks)
        out.append(step)
    return tuple(out)


def _model(c: dp.Context) -> Step:
    m = c.model
    text: list[Any] = [*((*marked_prose(m.title), ": the ") if m.title else ("The ",)),
                       "probability mass function" if m.discrete else "density",
                       " of one observation, on the support ",
                       sp.Contains(m.var, m.support.as_set(), evaluate=False), ", with ",
                       *dp.join([sp.Contains(p, m.domains[p].as_set(), evaluate=False)
                                 for p in c.params])]
    if m.known:
        text += [" (known: ", *dp.join([sp.Contains(k, m.domains[k].as_set(), evaluate=False)
                                        for k in m.known]), ")"]
    text.append(".")
    if m.parameterization:
        text += [" Parameterization: ", *marked_prose(m.parameterization.rstrip(".")), "."]
    shown = (c.density,)
    if is_tabular(c.d):  # a table of probabilities, not the formula the engine works with
        shown = (cases(m),)
    return Step("model", "The model", tuple(text),
                (Block((eq(Given(m.var, *c.params), *shown),)),))


def _likelihood(c: dp.Context) -> Step:
    body = c.density.xreplace({c.var: c.xi})
    if c.moving:
        body = Factors(c.density_raw.xreplace({c.var: c.xi}), c.indicator_i)  # the 1{…} last
    line = eq(LIK(*c.params), sp.Product(Given(c.xi, *c.params), (I, 1, N)),
              sp.Product(body, (I, 1, N)))
    what = "probabilities" if c.model.discrete else "densities"
    why = (f"The observations are independent, so their joint {what[:-3]}y is the product of "
           f"their {what}; read as a function of the parameters with the data fixed, it is the "
           "likelihood.")
    if c.moving:
        why += " Each factor is zero outside the support, which moves with the parameters: " \
               "hence the indicator."
    return Step("likelihood", "The likelihood", (why,), (Block((line,)),))


def _product(c: dp.Context) -> Step:
    text = ("Collect the factors: powers of the same base add their exponents, and a factor "
            "free of the data appears ", N, " times" + (
                "; the indicators of all the observations hold together exactly when they hold "
                "for the smallest and the largest" if c.moving else "") + ".",)
    return Step("product", "The product simplified", text,
                (Block(chain(LIK(*c.params), [c.product_split, c.product, c.product_linear])),),
                brief=False)


def _log_likelihood(c: dp.Context) -> Step:
    lhs = ELL(*c.params)
    first = chain(lhs, [sp.log(LIK(*c.params)), sp.Sum(sp.log(Given(c.xi, *c.params)), (I, 1, N)),
                        c.ell_terms])
    log_product = sp.log(plain(c.product_linear))
    # log e^{u} = u is no step a reader needs (and log(exp(…)) is no way to write it)
    shown = not c.moving and not isinstance(plain(c.product_linear), sp.exp) and len(
        text_of(log_product, c.names)) <= 64
    collected = chain(lhs, [log_product if shown else None, c.ell, c.ell_linear])
    blocks = (Block(first, ("The log of a product is the sum of the logs:",), brief=False),
              Block(collected, ("Collect the terms:",)))
    text: list[Any] = ["The logarithm is strictly increasing, so ", LOG_L, " has the same "
                       "maximiser as ", LIK_L, ", and it turns the product into a sum."]
    if c.stats:
        text += [" The data enter only through ", *dp.join(c.stats), "."]
    if c.moving:
        text += [" Where the indicator is 1, ℓ is the log of the rest; elsewhere ",
                 Inline("L = 0", "L = 0"), "."]
    return Step("log_likelihood", "The log-likelihood", tuple(text), blocks)


_COUNTS_NOTE = ("In terms of the counts ", Inline(r"n_{k} = \#\{i : x_{i} = k\}",
                                                  "nₖ = #{i : xᵢ = k}"),
                " of the observations equal to each value k of the support (on a finite "
                "support every statistic is a combination of them, ",
                Inline(r"\sum_{i=1}^{n} h(x_{i}) = \sum_{k} h(k)\, n_{k}",
                       "Σᵢ h(xᵢ) = Σₖ h(k) nₖ"), "):")


def _score(c: dp.Context) -> list[Step]:
    one = len(c.params) == 1
    blocks = tuple(Block(chain(dp.dl(c, p), [c.score_chain[p], c.score[p]])) for p in c.params)
    text = ("Differentiate ℓ with respect to " + ("the parameter." if one else
                                                   "each parameter: the gradient of ℓ."),)
    out = [Step("score", "The score" if one else "The score (gradient)", text, blocks)]
    eqs = tuple(eq(c.score[p], 0) for p in c.params if p in c.equations)
    if eqs:
        why: tuple = ("An interior maximum of a differentiable function is a critical point: set "
                      "the score to zero" + ("." if one else ", one equation per parameter."),)
        if c.median_solution is not None and eqs:
            why = ("An interior maximum of a differentiable function is a critical point: set "
                   "the score in ", *dp.join([p for p in c.params if p in c.equations]),
                   " to zero (in ", *dp.join([p for p in c.params if p not in c.equations]),
                   ", ℓ has a corner at every observation: that parameter is treated below).")
        out.append(Step("equations", "The likelihood equation" + ("" if len(eqs) == 1 else "s"),
                        why, (Block(eqs),)))
    return out


def _result(c: dp.Context) -> list[Step]:
    if c.mle is None:
        return []
    lines = tuple(eq(hat(p), *c.mle_forms[p]) for p in c.params)
    text: list[Any] = ["In sample notation"]
    if c.uses_bar:
        text += [", with ", sp.Eq(bar(c.var), sp.Sum(c.xi, (I, 1, N)) / N, evaluate=False),
                 " the sample mean"]
    shown = [s for forms in c.mle_forms.values() for f in forms for s in (c.x_min, c.x_max)
             if f.has(s)]
    for s in dict.fromkeys(shown):
        which = "min" if s == c.x_min else "max"
        text += ["; " if len(text) > 1 else ", with ",
                 Inline(rf"@0 = \{which}_{{i}} x_{{i}}", f"@0 = {which} xᵢ", s), " the ",
                 "smallest" if s == c.x_min else "largest", " observation"]
    if any(f.has(c.x_med) for forms in c.mle_forms.values() for f in forms):
        text += ["; " if len(text) > 1 else ", with ", c.x_med, " the sample median (the "
                 "middle observation for odd n, the midpoint of the two middle ones for even n)"]
    return [Step("result", "The maximum likelihood estimator" + ("" if len(lines) == 1 else "s"),
                 (*text, "."), (Block(lines),))]


def _information(c: dp.Context) -> Step:
    d, params = c.d, c.params
    info = d.fisher_information
    if info is None:
        return Step("information", "Fisher information",
                    tuple(dp.sentences(d.information.prose or d.information.reason, c.words)))
    one = len(params) == 1
    value = dp.signed(c, info[0, 0]) if one else info.applyfunc(lambda e: dp.signed(c, e))
    blocks = [Block((eq(INFO(*params), value),))]
    if d.standard_errors_:
        se_lines, wald = [], []
        for p, e in d.standard_errors_.items():
            v = dp.root_form(c, e.xreplace({q: hat(q) for q in params}))
            se_lines.append(eq(SE(hat(p)), v))
            wald.append(eq(PlusMinus(hat(p), Factors(Z975, SE(hat(p)))),
                           PlusMinus(hat(p), Factors(Z975, v))))
        blocks.append(Block(tuple(se_lines), ("The standard error" + ("" if one else "s") +
                                              ", ", SE_ROOT, " with ", THETA_HAT,
                                              " in place of ", THETA, ":")))
        blocks.append(Block(tuple(wald), ("An approximate 95% (Wald) interval:",)))
    how = dp.reasons(d.information.prose or d.information.reason, c.words)
    text = ("The expected information of one observation, ", INFO_DEFINITION, " (", *how,
            "). For large ", N, " the MLE is approximately normal with variance ", INFO_INVERSE,
            ".")
    return Step("information", "Fisher information, standard error and Wald interval"
                if d.standard_errors_ else "Fisher information", text, tuple(blocks))


def _invariance(c: dp.Context) -> list[Step]:
    out = []
    hats = {p: hat(p) for p in c.params}
    g_hat = sp.Function("g")(*hats.values())
    for t in c.d.transforms:
        lines = []
        if t.estimate is not None:
            lines.append(eq(g_hat, t.g.xreplace(hats),
                            dp.display_value(c, c.d.log_likelihood.to_sample(t.estimate))))
        if t.standard_error is not None:
            lines.append(eq(SE(g_hat), dp.root_form(c, t.standard_error.xreplace(hats))))
        out.append(Step("invariance", "The MLE of a function of the parameters",
                        ("By invariance the MLE of g = ", t.g, " is g at the MLE; its standard "
                         "error follows by the delta method."), (Block(tuple(lines)),)))
    return out


