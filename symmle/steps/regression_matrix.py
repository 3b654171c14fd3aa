"""The steps of a Gaussian linear regression in matrix form (y = Xβ + ε; many coefficients).

The model and the likelihood as for any regression; ℓ as a sum of squared residuals; the
observations stacked into y = Xβ + ε and ℓ(β, σ²) = −(n/2) log(2πσ²) − (y − Xβ)ᵀ(y − Xβ)/(2σ²);
the score Xᵀ(y − Xβ)/σ²; the normal equations XᵀXβ = Xᵀy; β̂ = (XᵀX)⁻¹Xᵀy when X has full
column rank and σ̂² = RSS/n; the block-diagonal Hessian; the information and σ̂²(XᵀX)⁻¹; an
insight. See :mod:`symmle.regression_matrix` for when this form is used.

Examples
--------
>>> from symmle.regression import derive_conditional
>>> d = derive_conditional("exp(-(y - b0 - b1*x1 - b2*x2 - b3*x3)**2/(2*s2))/sqrt(2*pi*s2)",
...     var="y", covariates=["x1", "x2", "x3"], support="real",
...     params=["b0:real", "b1:real", "b2:real", "b3:real", "s2:positive"])
>>> [s.kind for s in d.steps][3:]
['matrix_form', 'score', 'equations', 'result', 'second_order', 'information', 'insight']
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..latex import ELL, INFO, SE, VDOTS, Inline, Terms, hat
from ..notation import I, N
from .base import Block, Line, Step, eq
from .forms import join
from .regression import RSS_N

if TYPE_CHECKING:  # pragma: no cover
    from ..regression import ConditionalDerivation
    from ..regression_matrix import LinearDesign

__all__ = ["build_matrix_steps"]

EXPLICIT = 4  # XᵀX and Xᵀy are written out entry by entry up to this many coefficients


def build_matrix_steps(d: "ConditionalDerivation") -> tuple[Step, ...]:
    """The steps in textbook order (see the module docstring)."""
    from .regression import _likelihood, _model

    return (_model(d), _likelihood(d), _log_likelihood(d), _matrix_form(d), _score(d),
            _equations(d), _result(d), _second_order(d), _information(d), _insight(d))


def _mm(*factors: Any) -> sp.MatMul:
    """An unevaluated matrix product, nested products flattened (no extra brackets)."""
    flat: list[Any] = []
    for f in factors:
        flat.extend(f.args if isinstance(f, sp.MatMul) else (f,))
    return sp.MatMul(*flat, evaluate=False)


def _indexed(d: "ConditionalDerivation", e: sp.Expr, i: Any = I) -> sp.Expr:
    return sp.sympify(e).xreplace({s: sp.IndexedBase(s.name)[i] for s in d.model.data_symbols})


def _ell(dz: "LinearDesign") -> sp.Expr:
    return ELL(dz.beta, dz.scale)


def _scalar_parts(dz: "LinearDesign") -> tuple[sp.Expr, sp.Expr]:
    """ℓ = a + b·R with R = (y − Xβ)ᵀ(y − Xβ): (a, b) = (−(n/2) log(2πv), −1/(2v))."""
    v = dz.variance
    return -N * sp.log(2 * sp.pi * v) / 2, -1 / (2 * v)


def _with_rss(a: sp.Expr, b: sp.Expr, rss: Any) -> Any:
    """a + b·R shown as two terms (R a 1×1 matrix expression)."""
    return Terms(a, _mm(b, rss)) if a != 0 else _mm(b, rss)


def _log_likelihood(d: "ConditionalDerivation") -> Step:
    m, dz, sq = d.model, d.design, d.least_squares
    a, b = _scalar_parts(dz)
    line = eq(ELL(*m.params), sp.Sum(sp.log(_given_i(d)), (I, 1, N)),
              Terms(a, b * sq["rss"]))
    rss = sp.Function("RSS")(*dz.coefficients)
    v = dz.variance
    text = ("The logarithm is increasing, so ", Inline(r"\ell = \log L", "ℓ = log L"),
            " has the same maximiser, and it turns the product into a sum. Each term is ",
            Inline(r"-\tfrac{1}{2} \log\left(2 \pi @0\right)", "−½ log(2π@0)", v),
            " minus the squared residual over ", Inline("2 @0", "2@0", v),
            ", so only the residual sum of squares involves ",
            *join(list(dz.coefficients)), ": for any ", dz.scale, ", maximising ℓ over them is "
            "minimising RSS — the MLE of the coefficients is the least-squares fit.")
    return Step("log_likelihood", "The log-likelihood", text,
                (Block((line, eq(rss, sq["rss"]))),))


def _given_i(d: "ConditionalDerivation") -> Any:
    from ..latex import Given

    m = d.model
    return Given(_indexed(d, m.var), *[_indexed(d, c) for c in m.covariates], *m.params)


def _design_rows(d: "ConditionalDerivation") -> sp.ImmutableMatrix:
    dz = d.design
    rows = [[_indexed(d, c, i) for c in dz.columns] for i in (1, 2)]
    rows.append([VDOTS] * dz.k)
    rows.append([_indexed(d, c, N) for c in dz.columns])
    return sp.ImmutableMatrix(rows)


def _matrix_form(d: "ConditionalDerivation") -> Step:
    dz, m = d.design, d.model
    yv = sp.ImmutableMatrix([[_indexed(d, m.var, 1)], [_indexed(d, m.var, 2)], [VDOTS],
                             [_indexed(d, m.var, N)]])
    beta = sp.ImmutableMatrix([[b] for b in dz.coefficients])
    eps = sp.MatrixSymbol("epsilon", N, 1)
    a, b = _scalar_parts(dz)
    defs = Block((eq(dz.y, yv), eq(dz.X, _design_rows(d)), eq(dz.beta, beta)),
                 ("Stack the observations:",))
    model = Block((eq(dz.y, sp.MatAdd(_mm(dz.X, dz.beta), eps, evaluate=False)),),
                  ("so that, with independent errors ",
                   Inline(r"\varepsilon_{i} \sim N\left(0, @0\right)", "εᵢ ~ N(0, @0)",
                          dz.variance), ",",))
    ell = Block((eq(_ell(dz), _with_rss(a, b, dz.rss())),),
                ("and the sum of squared residuals is the squared length of ",
                 dz.residual_vector(), ":"))
    text = (f"With {dz.k} coefficients the equations are best written with matrices (solved in "
            "the sums, by Cramer's rule, they fill pages). Row i of the design matrix ", dz.X,
            " holds what multiplies each coefficient in the mean of observation i (",
            *join(list(dz.columns), ", "), " at ", sp.IndexedBase("x")[I],
            ", the 1 for the intercept" if dz.intercept else "",
            "); ", dz.y, " stacks the responses and ", dz.beta, " the coefficients.")
    return Step("matrix_form", "The model in matrix form", text, (defs, model, ell))


def _score(d: "ConditionalDerivation") -> Step:
    dz = d.design
    v, q = dz.variance, dz.scale
    a, b = _scalar_parts(dz)
    yTy = _mm(dz.y.T, dz.y)
    expand = sp.MatAdd(yTy, _mm(-2, dz.beta.T, dz.X.T, dz.y),
                       _mm(dz.beta.T, dz.X.T, dz.X, dz.beta), evaluate=False)
    lines = (eq(sp.Derivative(_ell(dz), dz.beta), _mm(1 / v, dz.X.T, dz.residual_vector())),
             eq(sp.Derivative(_ell(dz), q), _with_rss(sp.diff(a, q), sp.diff(b, q), dz.rss())))
    text = ("Expand the quadratic form and differentiate with respect to the vector ", dz.beta,
            " (", _RULES, " for a symmetric ", _A, ") and with respect to ", q, ". Row j of ",
            _mm(dz.X.T, dz.residual_vector()), " is ",
            Inline(r"\sum_{i} x_{ij} \left(y_{i} - \mu_{i}\right)", "Σᵢ xᵢⱼ(yᵢ − μᵢ)"),
            ": the residuals weighted by the j-th column of ", dz.X, ".")
    return Step("score", "The score (gradient)", text,
                (Block((eq(dz.rss(), expand),), brief=False), Block(lines)))


def _sums(d: "ConditionalDerivation") -> Block | None:
    """XᵀX and Xᵀy entry by entry, for a few coefficients."""
    dz, ll = d.design, d.log_likelihood
    if dz.k > EXPLICIT:
        return None

    def total(e: sp.Expr) -> sp.Expr:
        return N * e if not e.free_symbols else ll.sample(e)
    gram = sp.ImmutableMatrix(dz.k, dz.k, lambda a, b: total(dz.columns[a] * dz.columns[b]))
    xty = sp.ImmutableMatrix([[total(c * d.model.var)] for c in dz.columns])
    return Block((eq(dz.gram(), gram), eq(_mm(dz.X.T, dz.y), xty)),
                 ("where the entries are sums over the observations:",), brief=False)


def _equations(d: "ConditionalDerivation") -> Step:
    dz = d.design
    lines = (eq(_mm(dz.X.T, dz.X, dz.beta), _mm(dz.X.T, dz.y)),
             eq(dz.variance, _mm(sp.Integer(1) / N, dz.rss())))
    blocks = [Block(lines)]
    extra = _sums(d)
    if extra is not None:
        blocks.append(extra)
    text = ("Set the score to zero. The first equation, multiplied by ", dz.variance, ", is the "
            "normal equations ", sp.Eq(lines[0].lhs, lines[0].chain[0][1], evaluate=False),
            ", one linear "
            "equation per coefficient; the second gives ", dz.variance,
            " as the mean squared residual.")
    return Step("equations", "The normal equations", text, tuple(blocks))


def _result(d: "ConditionalDerivation") -> Step:
    dz = d.design
    hats = {p: hat(p) for p in d.model.params}
    bh = sp.ImmutableMatrix([[hats[b]] for b in dz.coefficients])
    resid_i = _indexed(d, dz.residual).xreplace(hats)
    mean_sq = sp.Sum(resid_i ** 2, (I, 1, N)) / N
    if dz.power == 1:
        scale = eq(hats[dz.scale], _mm(sp.Integer(1) / N, dz.rss(dz.beta_hat)), mean_sq)
    else:
        scale = eq(hats[dz.scale], sp.sqrt(mean_sq))
    lines = (eq(bh, dz.estimator()), scale)
    k = dz.k
    text = ("When ", dz.X, " has full column rank (its columns are linearly independent, which "
            "needs at least as many observations as coefficients), ", dz.gram(), " is positive "
            "definite, hence invertible, and the normal equations have exactly one solution; "
            "then ", dz.variance, " at ", dz.beta_hat, " is the mean squared residual ", RSS_N,
            " (dividing by n, not by ", Inline(f"n - {k}", f"n − {k}"), ": the MLE is biased "
            "downwards; ", Inline(rf"s^{{2}} = \mathrm{{RSS}}/(n - {k})", f"s² = RSS/(n − {k})"),
            " is the unbiased estimate). Without full rank there is a whole line of solutions: "
            "the model is not identifiable, and symmle fit names the flat direction.")
    return Step("result", "The maximum likelihood estimators", text, (Block(lines),))


def _second_order(d: "ConditionalDerivation") -> Step:
    dz = d.design
    v, q = dz.variance, dz.scale
    a, b = _scalar_parts(dz)
    ell = _ell(dz)
    R = sp.Symbol("R")
    at_root = sp.factor((sp.diff(a, q, 2) + sp.diff(b, q, 2) * R).subs(R, N * v))
    lines = (eq(sp.Derivative(ell, (dz.beta, 2)), _mm(-1 / v, dz.X.T, dz.X)),
             eq(sp.Derivative(ell, dz.beta, q),
                _mm(-sp.diff(v, q) / v ** 2, dz.X.T, dz.residual_vector())),
             eq(sp.Derivative(ell, q, 2),
                _with_rss(sp.diff(a, q, 2), sp.diff(b, q, 2), dz.rss())))
    root = (Line(sp.Derivative(ell, dz.beta, q), (("=", sp.Integer(0)),)),
            Line(sp.Derivative(ell, q, 2), (("=", at_root.xreplace({q: hat(q)})),
                                             ("<", sp.Integer(0)))))
    text = ("At the root the cross derivatives vanish (they are a multiple of ",
            Inline(r"\mathbf{X}^{T} \left(\mathbf{y} - \mathbf{X} \hat{\boldsymbol{\beta}}"
                   r"\right) = 0", "Xᵀ(y − Xβ̂) = 0"),
            ", the normal equations), so the Hessian is block diagonal. The coefficients' "
            "block ", Inline(r"-\frac{\mathbf{X}^{T} \mathbf{X}}{@0}", "−XᵀX/@0", v),
            " is negative definite when ", dz.X, " has full column rank, since ",
            Inline(r"\mathbf{v}^{T} \mathbf{X}^{T} \mathbf{X} \mathbf{v} = "
                   r"\lVert \mathbf{X} \mathbf{v} \rVert^{2} > 0", "vᵀXᵀXv = ‖Xv‖² > 0"),
            " for every ", Inline(r"\mathbf{v} \neq \mathbf{0}", "v ≠ 0"), "; the other block "
            "is negative: the root is a maximum, and the only one (for each ", q, ", ℓ is a "
            "concave quadratic in ", dz.beta, ").")
    return Step("second_order", "Second-order check", text,
                (Block(lines, ("The Hessian:",)),
                 Block(root, ("At ", Inline(r"\left(@0, @1\right)", "(@0, @1)", dz.beta_hat,
                                            hat(q)), ", using the two equations:"))))


def _information(d: "ConditionalDerivation") -> Step:
    dz, m = d.design, d.model
    v, q = dz.variance, dz.scale
    i_qq = d.fisher_information[m.params.index(q), m.params.index(q)]
    zero_c = sp.ZeroMatrix(dz.k, 1)
    info = sp.BlockMatrix([[_mm(1 / v, dz.X.T, dz.X), zero_c],
                           [zero_c.T, sp.ImmutableMatrix([[i_qq]])]])
    lhs = INFO(dz.beta, q)
    hats = {p: hat(p) for p in m.params}
    vh = v.xreplace(hats)
    inv = dz.gram_inverse()
    from sympy.matrices.expressions.matexpr import MatrixElement

    cov = eq(sp.Function("Cov")(dz.beta_hat), _mm(vh, inv))
    ses = [eq(SE(hats[b]), sp.Pow(sp.Mul(vh, MatrixElement(inv, j, j), evaluate=False),
                                  sp.Rational(1, 2), evaluate=False))
           for j, b in enumerate(dz.coefficients)]
    ses.append(eq(SE(hats[q]), d.standard_errors_[q].xreplace(hats)))
    k, beta_hat = dz.k, Inline(r"\hat{\boldsymbol{\beta}}", "β̂")
    text = ("The information of the sample given the covariates: ",
            Inline(r"-\frac{\partial^{2}\ell}{\partial \boldsymbol{\beta} \, \partial "
                   r"\boldsymbol{\beta}^{T}} = \frac{\mathbf{X}^{T} \mathbf{X}}{@0}",
                   "−∂²ℓ/∂β∂βᵀ = XᵀX/@0", v),
            " does not involve the responses, the cross block has expectation 0 (",
            Inline(r"\operatorname{E}\left[\mathbf{y} - \mathbf{X} \boldsymbol{\beta}"
                   r"\right] = 0", "E[y − Xβ] = 0"), "), and ",
            Inline(r"-\operatorname{E}\left[@0\right] = @1", "−E[@0] = @1",
                   sp.Derivative(_ell(dz), q, 2), i_qq),
            ". Its inverse at the estimate gives the covariance of ", beta_hat, " (exactly ",
            _gram_inverse_times(v), " given ", dz.X, ") and the standard errors; the indices "
            "of ",
            _GRAM_INVERSE, " count the coefficients from 0 in the order of ", dz.beta,
            ". With the MLE ", hat(q), " (", RSS_N, ") these are smaller than the "
            "usual least-squares standard errors, which use ",
            Inline(rf"\mathrm{{RSS}}/(n - {k})", f"RSS/(n − {k})"), ", by the factor ",
            Inline(rf"\sqrt{{(n - {k})/n}}", f"√((n − {k})/n)"), ".")
    return Step("information", "Fisher information and standard errors", text,
                (Block((eq(lhs, info),)),
                 Block((cov, *ses), ("The standard errors, from ", _gram_inverse_times(vh),
                                     ":"))))


_GRAM_INVERSE = Inline(r"\left(\mathbf{X}^{T} \mathbf{X}\right)^{-1}", "(XᵀX)⁻¹")


def _gram_inverse_times(v: sp.Basic) -> Inline:
    """σ²(XᵀX)⁻¹ for the variance ``v`` (or its estimate)."""
    return Inline(r"@0 \left(\mathbf{X}^{T} \mathbf{X}\right)^{-1}", "@0(XᵀX)⁻¹", v)


def _insight(d: "ConditionalDerivation") -> Step:
    dz = d.design
    X, y, bh = dz.X, dz.y, dz.beta_hat
    fitted = sp.Eq(sp.MatrixSymbol(f"{y.name}_hat", N, 1), _mm(X, bh), evaluate=False)
    return Step("insight", "Insight", (
        "With Gaussian noise, maximum likelihood is least squares: the normal equations say ",
        sp.Eq(_mm(X.T, dz.residual_vector(bh)), 0, evaluate=False), ", the residual vector is "
        "orthogonal to every column of ", X, " (", fitted, " is the projection of ", y,
        " onto the column space of ", X, "), and ", hat(dz.variance) if dz.variance.is_Symbol
        else dz.variance.xreplace({dz.scale: hat(dz.scale)}), " is the mean squared residual. "
        "Numerically ", bh, " comes from a QR decomposition of ", X, " (least squares), not "
        "from forming ", _GRAM_INVERSE, ".",))


# ∂(βᵀc)/∂β = c and ∂(βᵀAβ)/∂β = 2Aβ: differentiating by a vector
_A = Inline(r"\mathbf{A}", "A")
_RULES = Inline(r"\frac{\partial \left(\boldsymbol{\beta}^{T} \mathbf{c}\right)}"
                r"{\partial \boldsymbol{\beta}} = \mathbf{c}"
                r"\text{ and }\frac{\partial \left(\boldsymbol{\beta}^{T} \mathbf{A} "
                r"\boldsymbol{\beta}\right)}{\partial \boldsymbol{\beta}} = "
                r"2 \mathbf{A} \boldsymbol{\beta}", "∂(βᵀc)/∂β = c and ∂(βᵀAβ)/∂β = 2Aβ")
