"""The steps of a regression derivation (a conditional model f(y | x, θ)).

The model; the likelihood as a product over the observations given their covariates; the
log-likelihood as a sum; for Gaussian noise the same ℓ read as least squares; the score as
Σᵢ (yᵢ − μᵢ)·(…) with μᵢ = E[yᵢ | xᵢ]; the normal (likelihood) equations; their solution, or
why there is none and the Newton / IRLS update; the second-order check; the Fisher information
given the covariates with standard errors; an insight.

Examples
--------
>>> from symmle.regression import derive_conditional
>>> [s.kind for s in derive_conditional("poisson_regression").steps]
['model', 'likelihood', 'log_likelihood', 'score', 'equations', 'newton', 'second_order', 'information', 'insight']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..latex import ELL, INFO, LIK, SE, Factors, Given, Inline, Terms, hat
from ..notation import I, N
from ..render import marked_prose
from .base import Block, Line, Step, eq
from .forms import join

if TYPE_CHECKING:  # pragma: no cover
    from ..regression import ConditionalDerivation

__all__ = ["build_regression_steps"]


def _indexed(d: "ConditionalDerivation", e: sp.Expr) -> sp.Expr:
    """A function of one observation (y, x) with yᵢ, xᵢ in place of y, x."""
    return sp.sympify(e).xreplace({s: sp.IndexedBase(s.name)[I] for s in d.model.data_symbols})


def _pow_simplify(e: sp.Expr) -> sp.Expr:
    return e.replace(lambda a: isinstance(a, sp.Mul) and a.has(sp.exp), sp.powsimp) \
        if isinstance(e, sp.Basic) else e


def _vector(values: list[sp.Expr]) -> sp.ImmutableMatrix:
    return sp.ImmutableMatrix([[v] for v in values])


# the matrices the prose names (k coefficients), printed bold as the matrix form's displays
_K = sp.Symbol("k", positive=True, integer=True)
X, Y, BETA = sp.MatrixSymbol("X", N, _K), sp.MatrixSymbol("y", N, 1), sp.MatrixSymbol("beta", _K, 1)
_W, _Z = sp.MatrixSymbol("W", N, N), sp.MatrixSymbol("z", N, 1)
RSS_N = Inline(r"\mathrm{RSS}/n", "RSS/n")


def mat(*factors: Any) -> sp.MatMul:
    """An unevaluated matrix product (XᵀX, not its evaluation)."""
    return sp.MatMul(*factors, evaluate=False)


NORMAL_EQUATIONS = sp.Eq(mat(X.T, X, BETA), mat(X.T, Y), evaluate=False)  # XᵀXβ = Xᵀy


def build_regression_steps(d: "ConditionalDerivation") -> tuple[Step, ...]:
    """The steps in textbook order (see the module docstring); in matrix form for a Gaussian
    linear regression with many coefficients (:mod:`symmle.steps.regression_matrix`)."""
    if d.design is not None:
        from .regression_matrix import build_matrix_steps

        return build_matrix_steps(d)
    steps = [_model(d), _likelihood(d), _log_likelihood(d), _least_squares(d), _score(d),
             _equations(d), _result(d), _newton(d), _second_order(d), _information(d),
             _insight(d)]
    return tuple(s for s in steps if s is not None)


def _model(d: "ConditionalDerivation") -> Step:
    m = d.model
    covs = list(m.covariates)
    text: list[Any] = [*((*marked_prose(m.title), ": the ") if m.title else ("The ",)),
                       "probability mass function" if m.discrete else "density",
                       " of the response ", m.var, " given the covariate" +
                       ("s " if len(covs) > 1 else " "), *join(covs),
                       " (observed, not modelled), on the support ",
                       sp.Contains(m.var, m.support.as_set(), evaluate=False), ", with ",
                       *join([sp.Contains(p, m.domains[p].as_set(), evaluate=False)
                               for p in m.params]), "."]
    if m.parameterization:
        text += [" Parameterization: ", *marked_prose(m.parameterization.rstrip(".")), "."]
    return Step("model", "The conditional model", tuple(text),
                (Block((eq(Given(m.var, *covs, *m.params), m.density),)),))


def _likelihood(d: "ConditionalDerivation") -> Step:
    m = d.model
    yi = _indexed(d, m.var)
    xi = [_indexed(d, c) for c in m.covariates]
    line = eq(LIK(*m.params), sp.Product(Given(yi, *xi, *m.params), (I, 1, N)),
              sp.Product(_indexed(d, m.density), (I, 1, N)))
    why = ("Given their covariates the responses are independent, so their joint "
           + ("probability" if m.discrete else "density") + " is the product over the "
           "observations; read as a function of the parameters with the data (yᵢ, xᵢ) fixed, "
           "it is the likelihood.")
    return Step("likelihood", "The likelihood", (why,), (Block((line,)),))


def _log_likelihood(d: "ConditionalDerivation") -> Step:
    ll, m = d.log_likelihood, d.model
    lines = (eq(ELL(*m.params), sp.Sum(sp.log(Given(_indexed(d, m.var),
                                                     *[_indexed(d, c) for c in m.covariates],
                                                     *m.params)), (I, 1, N)),
                _pow_simplify(d.log_likelihood_sample)),)
    text: list[Any] = ["The logarithm is increasing, so ", Inline(r"\ell = \log L", "ℓ = log L"),
                       " has the same maximiser, and it turns the product into a sum."]
    if ll.statistics:
        text += [" The data enter the terms that separate only through ",
                 *join([s.sum for s in ll.statistics]), "."]
    if ll.nonseparable:
        text.append(" The other terms mix the parameters with each observation's covariates and "
                    "stay sums over i.")
    return Step("log_likelihood", "The log-likelihood", tuple(text), (Block(lines),))


def _least_squares(d: "ConditionalDerivation") -> Step | None:
    sq = d.least_squares
    if sq is None:
        return None
    m, ll = d.model, d.log_likelihood
    rest = sp.expand(ll.log_density - sp.expand(sq["weight"] * sq["residual"] ** 2))
    rest_total = N * rest if not rest.has(*m.data_symbols) else ll.sample(rest)
    coefs = [s for s in m.params if s.name in sq["coefficients"]]
    line = eq(ELL(*m.params), Terms(sq["weight"] * sq["rss"], rest_total))
    rss = sp.Function("RSS")(*coefs)
    text = ("Only the first term involves ", *join(coefs), ", with a negative factor: for any "
            "value of the other parameters, maximising ℓ over them is minimising the residual sum "
            "of squares — the MLE of the coefficients is the least-squares fit.")
    return Step("least_squares", "Maximum likelihood as least squares", text,
                (Block((line, eq(rss, sq["rss"]))),))


def _score(d: "ConditionalDerivation") -> Step:
    m, ll = d.model, d.log_likelihood
    blocks = []
    for p, s_sym, summand in zip(m.params, d.score_symbols, d.score_summands):
        forms: list[sp.Expr] = [sp.Sum(_pow_simplify(_indexed(d, summand)), (I, 1, N))]
        if ll.separable:
            forms.append(ll.to_sample(s_sym))
        blocks.append(Block((eq(sp.Derivative(ELL(*m.params), p), *forms),)))
    text: list[Any] = ["Differentiate ℓ with respect to each parameter, term by term."]
    if d.mean is not None:
        mu = sp.IndexedBase("mu")[I]
        text += [" Each term is the residual ", Inline(r"y_{i} - \mu_{i}", "yᵢ − μᵢ"),
                 " times a weight, where ",
                 Inline(r"@0 = \operatorname{E}\left[y_{i} \mid x_{i}\right] = @1",
                        "@0 = E[yᵢ | xᵢ] = @1", mu, _pow_simplify(_indexed(d, d.mean))),
                 " (from the score identity ", _SCORE_IDENTITY, ")."]
    return Step("score", "The score (gradient)" if len(m.params) > 1 else "The score",
                tuple(text), tuple(blocks))


def _equations(d: "ConditionalDerivation") -> Step:
    m, ll = d.model, d.log_likelihood
    lines = []
    for p, s_sym, summand in zip(m.params, d.score_symbols, d.score_summands):
        lhs = (sp.numer(sp.together(ll.to_sample(s_sym))) if ll.separable
               else sp.Sum(_pow_simplify(_indexed(d, summand)), (I, 1, N)))
        lines.append(eq(lhs, 0))
    normal = d.least_squares is not None
    why: list[Any] = ["Set the score to zero, one equation per parameter"]
    if normal:
        why += [" (multiplied through by the positive factors): the equations in the "
                "coefficients are the normal equations ", NORMAL_EQUATIONS, ", linear in the "
                "coefficients, with ", mat(X.T, X), " and ", mat(X.T, Y),
                " made of the sums above"]
    return Step("equations", "The normal equations" if normal else "The likelihood equations",
                (*why, "."), (Block(tuple(lines)),))


def _result(d: "ConditionalDerivation") -> Step | None:
    if not d.closed_form:
        return None
    m, ll = d.model, d.log_likelihood
    hats = {p: hat(p) for p in m.params}
    sq = d.least_squares or {}
    lines = []
    shown: set = set()
    for p in m.params:
        forms: list[sp.Expr] = []
        # a profile (β̂₀ = ȳ − β̂₁x̄) only in terms of estimators not themselves given by one
        if p in d.profile and sq.get("scale") != p and not (d.profile[p].free_symbols & shown):
            forms.append(ll.to_sample(d.profile[p]).xreplace(hats))
            shown.add(p)
        if sq.get("scale") == p:
            resid = _indexed(d, sq["residual"]).xreplace(hats)
            value = sp.Sum(resid ** 2, (I, 1, N)) / N
            forms.insert(0, value if sq.get("power") == 1 else sp.sqrt(value))
        if sq.get("scale") != p or not forms:  # RSS/n says it; the expansion is a page wide
            forms.append(d.mle[p.name])
        lines.append(eq(hats[p], *forms))
    text: list[Any] = ["Solving the equations gives the estimators in sample notation"]
    if len(d.model.covariates) > 1:
        text += [" (the solution ", mat(sp.Inverse(mat(X.T, X)), X.T, Y), " of the normal "
                 "equations, written out with the sums of the data by Cramer's rule)"]
    if sq.get("variance"):
        text += ["; the variance estimate is the mean squared residual ", RSS_N, " (dividing "
                 "by n, not by n minus the number of coefficients: it is biased downwards)"]
    return Step("result", "The maximum likelihood estimators" if len(lines) > 1 else
                "The maximum likelihood estimator", (*text, "."), (Block(tuple(lines)),))


def _newton_symbol(p: sp.Symbol, step: str) -> sp.Symbol:
    return sp.Symbol(f"{p.name}__{step}", **p.assumptions0)


def _glm_forms(d: "ConditionalDerivation") -> tuple[Any, Any, Any] | None:
    """(μᵢ line, wᵢ line, zᵢ) when each observation's Hessian is −wᵢ zᵢ zᵢᵀ, wᵢ written with
    μᵢ where it is μᵢ, μᵢ(1 − μᵢ) or μᵢ² (Poisson, logistic, ...)."""
    detail = d.second_order.detail
    if not isinstance(detail, sp.Tuple) or len(detail) != 3:
        return None
    w, z = detail[0], detail[1]
    mu_i = sp.IndexedBase("mu")[I]
    w_i = sp.IndexedBase("w")[I]
    w_form = _pow_simplify(_indexed(d, w))
    if d.mean is not None:
        for cand in (d.mean, d.mean * (1 - d.mean), d.mean ** 2):
            if sp.cancel(sp.powsimp(w - cand)) == 0 or sp.simplify(w - cand) == 0:
                w_form = _indexed(d, cand).xreplace({_indexed(d, d.mean): mu_i})
                break
    return w_i, w_form, sp.ImmutableMatrix(_indexed(d, z))


def _newton(d: "ConditionalDerivation") -> Step | None:
    if d.closed_form:
        return None
    m = d.model
    ks = {p: _newton_symbol(p, "k") for p in m.params}
    glm = _glm_forms(d)
    mu_i = sp.IndexedBase("mu")[I]
    mean_i = None if d.mean is None else _indexed(d, d.mean)
    blocks = []
    if glm is not None:
        w_i, w_form, z = glm
        k = len(m.params)
        info = sp.ImmutableMatrix(k, k, lambda a, b: sp.Sum(w_i * z[a] * z[b], (I, 1, N)))
        defs = [eq(w_i, w_form)]
        if mean_i is not None:
            defs.insert(0, eq(mu_i, _pow_simplify(mean_i)))
        blocks.append(Block(tuple(defs), ("Write",)))
    else:
        info = (-d.hessian_summand).applyfunc(lambda e: sp.Sum(_pow_simplify(_indexed(d, e)),
                                                               (I, 1, N)))
    grad = [sp.Sum(_pow_simplify(_indexed(d, s)), (I, 1, N)) for s in d.score_summands]
    if mean_i is not None:
        grad = [g.xreplace({mean_i: mu_i}) for g in grad]
    if len(m.params) == 1:
        p = m.params[0]
        step = sp.Mul(grad[0], sp.Pow(info[0, 0], -1), evaluate=False)
        blocks.append(Block((eq(_newton_symbol(p, "k1"), Terms(ks[p], step)),),
                            ("Newton's method, from a starting value, repeats (everything on "
                             "the right at the current value):",)))
    else:
        J = sp.Function("J")(*ks.values())
        blocks.append(Block((eq(J, info),),
                            ("The observed information (minus the Hessian of ℓ) is",)))
        new = _vector([_newton_symbol(p, "k1") for p in m.params])
        old = _vector(list(ks.values()))
        step = Factors(sp.Pow(J, -1, evaluate=False), _vector(grad))
        blocks.append(Block((eq(new, Terms(old, step)),),
                            ("Newton's method, from a starting value, repeats (", mu_i, " and ",
                             glm[0], " at the current value):") if glm is not None else
                            ("Newton's method, from a starting value, repeats:",)))
    text: list[Any] = [f"There is no closed form: {d.reason}."]
    if d.irls:
        text += [" The Hessian does not involve the responses, so Newton's method is Fisher "
                 "scoring; each step is the weighted least-squares fit ", IRLS_STEP,
                 " with weights ", Inline(r"\mathbf{W} = \operatorname{diag}(w_{i})",
                                          "W = diag(wᵢ)"),
                 " and working responses ", Inline(r"z_{i} = \eta_{i} + \frac{y_{i} - \mu_{i}}"
                                                   r"{w_{i}}", "zᵢ = ηᵢ + (yᵢ − μᵢ)/wᵢ"),
                 ": iteratively reweighted least squares (IRLS)."]
    if d.second_order.verdict == "proven":
        text.append(" ℓ is concave (below), so the iteration, damped to increase ℓ, converges to "
                    "the unique maximum when it exists.")
    return Step("newton", "No closed form: Newton's method" + (" (IRLS)" if d.irls else ""),
                tuple(text), tuple(blocks))


IRLS_STEP = Inline(r"@0 \leftarrow @1", "@0 ← @1", BETA,
                   mat(sp.Inverse(mat(X.T, _W, X)), X.T, _W, _Z))  # β ← (XᵀWX)⁻¹XᵀWz
# one observation's Hessian in a GLM, and minus the sample's: −wᵢ zᵢ zᵢᵀ, −∂²ℓ = Σᵢ wᵢ zᵢ zᵢᵀ
_ONE_HESSIAN = Inline(r"-w_{i} z_{i} z_{i}^{T}", "−wᵢ zᵢ zᵢᵀ")
_SUM_WZZ = Inline(r"\sum_{i} w_{i} z_{i} z_{i}^{T}", "Σᵢ wᵢ zᵢ zᵢᵀ")
_Z_I = Inline("z_{i}", "zᵢ")


def _second_order(d: "ConditionalDerivation") -> Step:
    chk, m = d.second_order, d.model
    blocks = []
    detail = chk.detail
    if isinstance(detail, sp.Tuple) and len(detail) == 3:
        w, z, diag = detail
        w_i, z_i = sp.IndexedBase("w")[I], sp.Symbol("z_i")
        blocks.append(Block((eq(w_i, _pow_simplify(_indexed(d, w))), Line(None, ((">=", 0),)),
                             eq(z_i, _indexed(d, z))),
                            ("Each observation's Hessian in the coefficients is ", _ONE_HESSIAN,
                             ", with")))
        if len(diag):
            blocks.append(Block(tuple(Line(sp.Derivative(ELL(*m.params), q, 2),
                                           (("=", v), ("<", 0))) for q, v in diag),
                                ("and where the other likelihood equation holds",)))
        if len(diag):
            text = ("At the root the cross derivatives between the coefficients and the other "
                    "parameters vanish (each is a multiple of a score component), so the Hessian "
                    "is block diagonal. The coefficients' block, ",
                    Inline("-@0", "−@0", _SUM_WZZ), ", is negative definite when the ", _Z_I,
                    " span the space (a design of full rank), and the other block is negative: "
                    "the root is a maximum.")
        else:
            text = ("So ", Inline(r"-\partial^{2}\ell = @0", "−∂²ℓ = @0", _SUM_WZZ),
                    " is positive semidefinite: ℓ is concave, strictly when the ", _Z_I,
                    " span the parameter space (a design of full rank), and a root of the "
                    "likelihood equations is the unique maximum.")
    else:
        text = (f"Second-order check ({chk.verdict}): {_words(d, chk.reason)}.",)
    return Step("second_order", "Second-order check", text, tuple(blocks))


def _words(d: "ConditionalDerivation", message: str) -> str:
    """Parameter names in a checker's message as people write them (σ2 → σ²)."""
    from ..latex import names_of, text
    from .forms import reason

    names = names_of(d.model.latex_names)
    return reason(message, {s.name: text(s, names) for s in d.model.params})


def _information(d: "ConditionalDerivation") -> Step:
    info, m = d.fisher_information, d.model
    if info is None:
        return Step("information", "Fisher information",
                    (f"The expected information is not derived: {d.information_reason}.",))
    value = info[0, 0] if info.shape == (1, 1) else sp.ImmutableMatrix(info)
    glm = None if d.closed_form else _glm_forms(d)
    if glm is not None:  # Σ wᵢ zᵢ zᵢᵀ, with wᵢ as in Newton's method
        w_i, w_form, z = glm
        k = len(m.params)
        value = sp.ImmutableMatrix(k, k, lambda a, b: sp.Sum(w_i * z[a] * z[b], (I, 1, N)))
        value = value[0, 0] if k == 1 else value
    blocks = [Block((eq(INFO(*m.params), _pow_simplify(value)),))]
    if glm is not None:
        blocks.append(Block((eq(glm[0], glm[1]),), ("with",)))
        return Step("information", "Fisher information",
                    ("The information of the sample given the covariates, ", _SAMPLE_INFO,
                     " (", *_how(d), "); the standard errors are the square roots of "
                     "the diagonal of ", _INVERSE_AT_HAT, " at the estimate Newton's method "
                     "finds (symmle fit reports them)."), tuple(blocks))
    if d.standard_errors_:
        lines = [eq(SE(hat(p)), _pow_simplify(e.xreplace({q: hat(q) for q in m.params})))
                 for p, e in d.standard_errors_.items()]
        blocks.append(Block(tuple(lines), ("The standard errors, ", _SE_ROOT, " at ",
                                           Inline(r"\hat{\theta}", "θ̂"), ":")))
    text = ("The information of the sample given the covariates, ",
            Inline(r"\mathcal{I}(\theta) = @0", "I(θ) = @0", _SAMPLE_INFO),
            " (", *_how(d), "); it depends on the covariates, so it is a sum over the "
            "observations rather than n times one observation's.")
    return Step("information", "Fisher information and standard errors"
                if d.standard_errors_ else "Fisher information", text, tuple(blocks))


def _how(d: "ConditionalDerivation") -> tuple:
    """How the information was found, as prose parts (its mathematics inline)."""
    return tuple(d.information_prose) or (d.information_reason,)


_SCORE_IDENTITY = Inline(r"\operatorname{E}\left[\frac{\partial \log f}{\partial \theta}"
                         r"\right] = 0", "E[∂ log f/∂θ] = 0")
_SAMPLE_INFO = Inline(r"\sum_{i} \operatorname{E}\left[-\frac{\partial^{2}}{\partial \theta^{2}} "
                      r"\log f(y_{i} \mid x_{i}, \theta)\right]",
                      "Σᵢ E[−∂² log f(yᵢ | xᵢ, θ)/∂θ²]")
_INVERSE_AT_HAT = Inline(r"\mathcal{I}(\hat{\theta})^{-1}", "I(θ̂)⁻¹")
_SE_ROOT = Inline(r"\sqrt{\left[\mathcal{I}(\theta)\right]^{-1}}", "√([I(θ)]⁻¹)")


def _insight(d: "ConditionalDerivation") -> Step:
    sq = d.least_squares
    if sq is not None:
        scale = sq.get("scale")  # σ̂² (or σ̂ squared) is RSS/n
        variance = ("the variance estimate",) if scale is None else (
            hat(scale) ** sq["power"],)
        msg = ("With Gaussian noise, maximum likelihood is least squares: the coefficients solve "
               "the normal equations, and ", *variance, " is the mean squared residual.")
    elif d.mean is not None:
        msg = ("The likelihood equations say ",
               Inline(r"\sum_{i} \left(y_{i} - \mu_{i}\right) \cdot \left(\text{weight}\right) = 0",
                      "Σᵢ (yᵢ − μᵢ)·(weight) = 0"),
               ": at the MLE the residuals are orthogonal to each covariate's weight"
               + (", and Newton's method is iteratively reweighted least squares." if d.irls
                  else "."))
    else:
        msg = "The score is a sum over the observations, each with its own covariates."
    return Step("insight", "Insight", msg if isinstance(msg, tuple) else (msg,))
