"""The steps of a vector model's derivation, with the Lagrange multiplier when the parameters
are constrained: the model, the likelihood, the log-likelihood in sufficient statistics, the
Lagrangian ℒ(θ, λ) = ℓ(θ) + λ·(c − g(θ)), its stationarity equations, the multiplier solved
from the constraint, the estimates, the second-order check on the constraint surface (the
Hessian in the free parameters), the information and standard errors, and an insight.

Examples
--------
>>> from symmle.vector_api import derive_request
>>> [s.kind for s in derive_request("multinomial").steps][:6]
['model', 'likelihood', 'log_likelihood', 'lagrangian', 'stationarity', 'multiplier']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..bounded import bounded
from ..errors import DerivationTimeout
from ..latex import ELL, INFO, LIK, SE, Factors, Given, Inline, Terms, hat
from ..notation import I, N
from ..render import marked_prose
from .base import Block, Step, eq

if TYPE_CHECKING:  # pragma: no cover
    from ..constrained import VectorDerivation

__all__ = ["Lagrangian", "build_vector_steps"]


class Lagrangian(sp.Function):
    """ℒ(θ, λ), printed as ``\\mathcal{L}`` (and ``ℒ`` in text)."""

    def _latex(self, printer: Any) -> str:
        return r"\mathcal{L}\left(%s\right)" % ", ".join(printer._print(a) for a in self.args)

    def _sympystr(self, printer: Any) -> str:
        return "ℒ(%s)" % ", ".join(printer._print(a) for a in self.args)

    _symmle_text = _sympystr


class Equation(sp.Function):
    """``lhs = rhs`` inside prose (``Eq`` would print as ``Eq(lhs, rhs)`` in plain text)."""

    nargs = 2

    def _latex(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} = {printer._print(self.args[1])}"

    def _symmle_text(self, printer: Any) -> str:
        return f"{printer._print(self.args[0])} = {printer._print(self.args[1])}"


class Partial(sp.Function):
    """∂ℒ/∂θ: the partial derivative of the Lagrangian (first argument) in the second."""

    nargs = 2

    def _latex(self, printer: Any) -> str:
        return r"\frac{\partial \mathcal{L}}{\partial %s}" % printer._print(self.args[1])

    def _symmle_text(self, printer: Any) -> str:
        return "∂ℒ/∂%s" % printer._print(self.args[1])


def _join(items: list[Any]) -> list[Any]:
    out: list[Any] = []
    for k, item in enumerate(items):
        if k:
            out.append(", " if k < len(items) - 1 else " and ")
        out.append(item)
    return out


def _equation(c: sp.Expr) -> Equation:
    const = sp.Add(*[t for t in sp.Add.make_args(c) if t.is_number])
    return Equation(c - const, -const)


def _indexed(vm: Any, expr: sp.Expr) -> sp.Expr:
    return expr.xreplace({v: sp.IndexedBase(v.name)[I] for v in vm.vars})


def build_vector_steps(d: "VectorDerivation") -> tuple[Step, ...]:
    """The steps of a :class:`~symmle.constrained.VectorDerivation`, in textbook order."""
    vm, ll = d.model, d.log_likelihood
    params = vm.params
    obs = sp.Tuple(*vm.vars)
    steps: list[Step | None] = []
    text: list[Any] = [*((*marked_prose(vm.title), ": the ") if vm.title else ("The ",)),
                       "probability mass function" if vm.discrete else "density",
                       " of one observation, the vector ", obs, ", on the support where ",
                       *_join([Equation(e + sp.Add(*[t for t in sp.Add.make_args(e)
                                                  if not t.free_symbols & set(vm.vars)]) * -1,
                                     -sp.Add(*[t for t in sp.Add.make_args(e)
                                               if not t.free_symbols & set(vm.vars)]),
                                     ) for e in vm.equations]),
                       " and each component lies in ",
                       vm.component.describe("").replace("in ", "", 1).strip(), "; with ",
                       *_join([sp.Contains(p, vm.domains[p].as_set(), evaluate=False)
                               for p in params])]
    if vm.constraints:
        text += [", subject to ", *_join([_equation(c) for c in vm.constraints])]
    if vm.known:
        text += [" (known: ", *_join([sp.Contains(k, vm.domains[k].as_set(), evaluate=False)
                                      for k in vm.known]), ")"]
    text.append(".")
    if vm.parameterization:
        text += [" Parameterization: ", *marked_prose(vm.parameterization.rstrip(".")), "."]
    steps.append(Step("model", "The model", tuple(text),
                      (Block((eq(Given(obs, *params), vm.density),)),)))
    steps.append(Step(
        "likelihood", "The likelihood",
        ("The observations are independent vectors, so the likelihood is the product of their "
         "probabilities, read as a function of the parameters.",),
        (Block((eq(LIK(*params), sp.Product(_indexed(vm, vm.density), (I, 1, N))),)),)))
    collected = sp.Add(*[g * s.sum for (g, _), s in zip(ll.collected, ll.statistics)])
    if ll.theta_free != 0:
        collected += N * ll.theta_free
    steps.append(Step(
        "log_likelihood", "The log-likelihood",
        ("Take logarithms and collect the terms of each parameter; the sums over the sample are "
         "the sufficient statistics, and the last sum does not involve the parameters.",),
        (Block((eq(ELL(*params), collected + ll.constant),)),)))
    if vm.constraints:
        steps += _lagrange_steps(d, collected)
    else:
        steps += _score_steps(d)
    steps.append(_result(d))
    steps.append(_second_order(d))
    steps.append(_information(d))
    steps.append(Step("insight", "Insight", _insight(d)))
    return tuple(s for s in steps if s is not None)


def _lagrange_steps(d: "VectorDerivation", collected: sp.Expr) -> list[Step]:
    vm, ll = d.model, d.log_likelihood
    lams = d.multiplier_symbols
    lag = Lagrangian(*vm.params, *lams)
    penalty = sp.Add(*[sp.Mul(lam, _equation(c).args[1] - _equation(c).args[0])
                       for lam, c in zip(lams, vm.constraints)])
    out = [Step(
        "lagrangian", "The Lagrangian",
        ("The parameters are tied by ", *_join([_equation(c) for c in vm.constraints]),
         ", so ℓ is maximised on that set, not over every parameter freely. Add a Lagrange "
         "multiplier for each constraint (the sum of the log factorials, free of the parameters, "
         "is left out):"),
        (Block((eq(lag, collected + penalty),)),))]
    rows = tuple(eq(Partial(lag, p), ll.to_sample(e), 0)
                 for p, e in zip(vm.params, d.stationarity[:len(vm.params)]))
    rows += tuple(eq(Partial(lag, lam), -c, 0) for lam, c in zip(lams, vm.constraints))
    out.append(Step(
        "stationarity", "The stationarity equations",
        ("At a maximum on the constraint set the gradient of ℒ vanishes, in the parameters and "
         "in the multipliers (which gives back the constraints):",), (Block(rows),)))
    if d.solution is None:
        return out
    # each parameter in terms of the multipliers, then the constraint fixes them
    blocks = []
    try:
        each = bounded(lambda: {p: sp.solve(e, p) for p, e in
                                zip(vm.params, d.stationarity[:len(vm.params)])},
                       seconds=5.0, what="the multiplier step")
    except DerivationTimeout:
        each = {}
    if each and all(len(v) == 1 for v in each.values()):
        blocks.append(Block(tuple(eq(p, ll.to_sample(v[0])) for p, v in each.items()),
                            ("Solve each equation for its parameter:",)))
        if len(lams) == 1:
            c = vm.constraints[0]
            blocks.append(Block((eq(ll.to_sample(_equation(c).args[0].xreplace(
                {p: v[0] for p, v in each.items()})), _equation(c).args[1]),),
                ("Put them into the constraint:",)))
    lam_rows = []
    for lam in lams:
        raw = ll.to_sample(d.solution[lam])
        simple = d.multipliers[lam.name] if d.multipliers else raw
        lam_rows.append(eq(hat(lam), *([raw, simple] if sp.srepr(raw) != sp.srepr(simple)
                                        else [raw])))
    note: tuple = ("so",)
    if ll.identities:
        note = ("so, since every observation satisfies ",
                *_join([Equation(sp.Add(*[t for t in sp.Add.make_args(e) if t.has(*vm.vars)]),
                              -sp.Add(*[t for t in sp.Add.make_args(e) if not t.has(*vm.vars)]),
                              ) for e in vm.equations]), ",")
    blocks.append(Block(tuple(lam_rows), note))
    out.append(Step("multiplier", "The multiplier",
                    ("Eliminate the parameters to find the multiplier.",), tuple(blocks)))
    return out


def _score_steps(d: "VectorDerivation") -> list[Step]:
    vm, ll = d.model, d.log_likelihood
    rows = tuple(eq(sp.Derivative(ELL(*vm.params), p), ll.to_sample(e), 0)
                 for p, e in zip(vm.params, d.stationarity))
    return [Step("score", "The score and the likelihood equation",
                 ("Differentiate with respect to each parameter and set the derivatives to "
                  "zero:",), (Block(rows),))]


def _result(d: "VectorDerivation") -> Step | None:
    vm, ll = d.model, d.log_likelihood
    if d.mle is None:
        return _no_closed_form(d)
    rows = []
    for p in vm.params:
        raw = ll.to_sample(d.solution[p])
        simple = d.mle[p.name]
        rows.append(eq(hat(p), *([simple] if sp.srepr(raw) == sp.srepr(simple) else [raw, simple])))
    text: list[Any] = []
    if d.reduced:
        text += ["Solved as it stands, the system of the stationarity equations defeated SymPy; "
                 "on the constraint set, with ", *_join([Equation(p, v) for p, v in
                                                        d.elimination.items()]),
                 ", ", d.reason, ", which gives the other parameters and the multipliers above. "]
    text += ["These are the maximum likelihood estimators"]
    if vm.constraints:
        ok = [bounded(lambda c=c: sp.simplify(c.xreplace(d.solution)) == 0, seconds=5.0,
                      what="the constraint check") for c in vm.constraints]
        if all(ok):
            text += ["; they satisfy the constraint exactly: ",
                     *_join([_equation(c).xreplace({p: hat(p) for p in vm.params})
                             for c in vm.constraints])]
    text.append(".")
    return Step("result", "The maximum likelihood estimators", tuple(text), (Block(tuple(rows)),))


def _no_closed_form(d: "VectorDerivation") -> Step:
    """Why there is no closed form, the equations left to solve (the score on the constraint
    surface, in the free parameters), and how the numeric route solves them."""
    from ..vector_numeric import START_POINTS

    vm, ll = d.model, d.log_likelihood
    free = d.free
    blocks = []
    rows = tuple(eq(sp.Derivative(ELL(*free), p), ll.to_sample(e), 0)
                 for p, e in zip(free, d.reduced_score))
    if d.elimination:
        note: tuple = ("On the constraint set, with ",
                       *_join([Equation(p, v) for p, v in d.elimination.items()]),
                       ", ℓ is a function of the free parameters ", *_join(list(free)),
                       " alone; the estimates are the solution of its score equations (the "
                       "stationarity equations above with the multipliers eliminated):")
    else:
        note = ("The estimates are the solution of the likelihood equations:",)
    blocks.append(Block(rows, note))
    degrees = d.reduced_degrees
    names = ", ".join(p.name for p in free)
    note: list[Any] = []
    if degrees is not None:
        what = "equation" if len(degrees) == 1 else "equations"
        note += [f"Over a common denominator these are polynomial {what} of degree "
                 f"{_words(degrees)} in {names}, with coefficients that depend on the data; the "
                 "estimate is the root inside the parameter space where ℓ is largest, and no "
                 "formula for it was found. "]
    else:
        note += [f"{'It is' if len(free) == 1 else 'They are'} not polynomial in {names} (a "
                 "parameter appears inside a "
                 "transcendental function as well as outside it), and SymPy found no formula for "
                 "the root. "]
    note += [f"symmle fit solves them numerically: from the best, by ℓ, of {START_POINTS} "
             "seeded points inside the parameter space"
             + (" on the constraint set" if vm.constraints else "")
             + f", Newton's method on ℓ({names}), with its gradient ∇ℓ and its Hessian H, "
             "repeats"]
    ks = [sp.Symbol(f"{p.name}__k", **p.assumptions0) for p in free]
    new = [sp.Symbol(f"{p.name}__k1", **p.assumptions0) for p in free]
    vec = (lambda v: v[0]) if len(free) == 1 else (lambda v: sp.ImmutableMatrix(v))
    step = Factors(sp.Pow(sp.Function("H")(*ks), -1, evaluate=False),
                   sp.Function("grad")(*ks))
    blocks.append(Block((eq(vec(new), Terms(vec(ks), -step)),), tuple(note)))
    if d.elimination:
        text = (f"There is no closed form: {d.reason}. The numeric route keeps every iterate "
                "inside the parameter space (the eliminated parameters included), halving a step "
                "that would leave it or lower ℓ, and takes a scaled gradient step where H is not "
                "negative definite; its standard errors come from the observed information on the "
                "constraint set, the inverse of −H at the estimate carried to every parameter by "
                "the delta method (none where −H is not positive definite).",)
    else:
        text = (f"There is no closed form: {d.reason}. The numeric route keeps every iterate "
                "inside the parameter space, halving a step that would leave it or lower ℓ, and "
                "takes a scaled gradient step where H is not negative definite; its standard "
                "errors come from the observed information, the inverse of −H at the estimate "
                "(none where −H is not positive definite).",)
    return Step("solution", "No closed form", tuple(text), tuple(blocks))


def _words(degrees: tuple[int, ...]) -> str:
    if len(set(degrees)) == 1:
        return str(degrees[0]) if len(degrees) == 1 else f"{degrees[0]} each"
    return ", ".join(map(str, degrees[:-1])) + f" and {degrees[-1]}"


def _second_order(d: "VectorDerivation") -> Step:
    vm = d.model
    text: list[Any] = []
    blocks = []
    if d.elimination:
        text += ["On the constraint set, write ",
                 *_join([Equation(p, v) for p, v in d.elimination.items()]),
                 "; ℓ is then a function of the free parameters ", *_join(list(d.free)),
                 ", and a maximum needs its Hessian negative definite at the solution. "]
    else:
        text += ["A maximum needs the second derivative (the Hessian) negative at the solution. "]
    if d.solution is not None and d.free:
        h = d.hessian_free
        lhs = (sp.Derivative(ELL(*d.free), d.free[0], 2) if len(d.free) == 1
               else sp.Symbol("H"))
        blocks.append(Block((eq(lhs, d.log_likelihood.to_sample(h[0, 0] if len(d.free) == 1
                                                                else h)),)))
    text.append(f"Verdict: {d.second_order.verdict} — {d.second_order.reason}.")
    return Step("second_order", "The second-order check", tuple(text), tuple(blocks))


def _information(d: "VectorDerivation") -> Step | None:
    vm = d.model
    rows = []
    text: list[Any] = []
    if d.expected is not None:
        from ..constrained import _in_params

        shown = d.expected.applyfunc(lambda e: _in_params(e, d.elimination, {}))
        info = shown[0, 0] if shown.shape == (1, 1) else shown
        rows.append(eq(INFO(*d.free), info))
        text += ["The expected information of one observation in the free parameters (",
                 *(d.expected_prose or (d.expected_reason,)), "); the standard errors follow "
                 "from ", Inline(r"n \mathcal{I}(\theta)", "n I(θ)"), " by the delta method "
                 "through the constraint, evaluated at the estimates:"]
    else:
        text += [d.expected_reason.capitalize(), ":"]
    ses = d.standard_errors
    if ses:
        rows += [eq(SE(hat(p)), ses[p.name]) for p in vm.params]
    if not rows:
        return None
    return Step("information", "Fisher information and standard errors", tuple(text),
                (Block(tuple(rows)),))


def _insight(d: "VectorDerivation") -> tuple[Any, ...]:
    vm = d.model
    if vm.constraints and d.multipliers:
        lam = d.multiplier_symbols[0]
        return ("The multiplier ", Equation(hat(lam), d.multipliers[lam.name]),
                " is the rate at which the maximised log-likelihood would grow if the "
                "constraint were relaxed; each estimate is a share of the total, and the "
                "estimates satisfy the constraint by construction.")
    if d.mle is not None:
        return ("No multiplier is needed: the parameters are free, and the estimate pools every "
                "count in proportion to how much it says about them (the weights are the "
                "coefficients of the log-probabilities in ℓ).",)
    return ("There is no closed form; the score equations on the constraint set are solved "
            "numerically, by Newton's method with step halving.",) if vm.constraints else (
        "There is no closed form; the likelihood equations are solved numerically, by Newton's "
        "method with step halving.",)
