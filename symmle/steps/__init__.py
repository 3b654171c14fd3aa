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
    return tuple(s if isinstance(s, Step) else Step(*s) for s in steps if s is not None)


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
    return Step("model", "The model", tuple(text),
                (Block((eq(Given(m.var, *c.params), c.density),)),))


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


