"""The ordered steps of a derivation, as data: a heading, the mathematics, and why.

Each step holds SymPy objects (equations whose left side names what is shown); the render stage
turns them into text, Markdown or LaTeX. Sample notation throughout (Σ over x_i).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import sympy as sp

from .notation import I, N

if TYPE_CHECKING:  # pragma: no cover
    from .derivation import Derivation, Step

__all__ = ["build_steps"]


def _name(text: str) -> sp.Symbol:
    return sp.Symbol(text)


def build_steps(d: "Derivation") -> tuple["Step", ...]:
    """The derivation's steps in textbook order."""
    from .derivation import Step

    m, ll, sol = d.model, d.log_likelihood, d.solution
    theta = ", ".join(p.name for p in m.params)
    xi = sp.IndexedBase(m.var.name)[I]
    steps = [
        Step("model", "The model", (sp.Eq(_name(f"f({m.var} | {theta})"), m.density),),
             f"support {m.support.describe(m.var.name)}; parameters "
             + ", ".join(f"{p} in {m.domains[p].describe()}" for p in m.params)
             + ("; known " + ", ".join(f"{k} in {m.domains[k].describe()}" for k in m.known)
                if m.known else "")),
        Step("likelihood", "The likelihood of n independent observations",
             (sp.Eq(_name(f"L({theta})"), sp.Product(m.density.xreplace({m.var: xi}), (I, 1, N))),),
             "independence: the joint density is the product of the marginal densities"),
        Step("log_likelihood", "The log-likelihood",
             (sp.Eq(_name(f"l({theta})"), d.log_likelihood_sample),),
             "log turns the product into a sum; "
             + ("the data enter only through "
                + ", ".join(str(s.sum) for s in ll.statistics) if ll.statistics
                else "")),
    ]
    steps.append(Step("score", "The score",
                      tuple(sp.Eq(_name(f"dl/d{p}"), s) for p, s in zip(m.params, d.score)),
                      "differentiate the log-likelihood"))
    steps.append(Step("equations", "The likelihood equations",
                      tuple(sp.Eq(s, 0) for s in d.score), "set the score to zero"))
    if d.mle is not None:
        steps.append(Step("solution", "The solution",
                          tuple(sp.Eq(_name(f"{p}_hat"), v) for p, v in d.mle.items()),
                          sol.reason))
    else:
        steps.append(Step("no_closed_form", "No closed form", (), sol.reason))
    steps.append(Step("second_order", "Second-order check", (), d.second_order.reason))
    if d.fisher_information is not None:
        math: list[sp.Basic] = [sp.Eq(_name(f"I({theta})"), d.fisher_information, evaluate=False)]
        if d.standard_errors:
            math += [sp.Eq(_name(f"se({p}_hat)"), e) for p, e in d.standard_errors.items()]
        steps.append(Step("information", "Fisher information and standard errors", tuple(math),
                          f"expected information of one observation, {d.information.reason}; "
                          "standard errors from the inverse of n I(θ), evaluated at the MLE"))
    else:
        steps.append(Step("information", "Fisher information", (), d.information.reason))
    for t in d.transforms:
        math = [sp.Eq(_name(f"g_hat"), ll.to_sample(t.estimate))] if t.estimate is not None else []
        if t.standard_error is not None:
            math.append(sp.Eq(_name("se(g_hat)"), t.standard_error))
        steps.append(Step("invariance", f"The MLE of g = {t.g}", tuple(math),
                          "invariance: the MLE of g(θ) is g(θ̂); delta-method standard error"))
    return tuple(steps)
