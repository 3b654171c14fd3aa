"""The matrix form of Gaussian linear regression, y = Xβ + ε, for many coefficients.

With Gaussian noise the normal equations are linear, and for one or two covariates the engine
solves them in the sums of the data (Cramer's rule: β̂₁ = (Σxᵢyᵢ − n x̄ȳ)/(Σxᵢ² − n x̄²)). That
solve grows fast: measured here (SymPy 1.14, 2 shared cores) y ~ x1 + x2 takes 3.5 s in all,
y ~ x1 + x2 + x3 runs out of the 10 s the solve may take, and the answer would be pages of sums
anyway. From :data:`MATRIX_COEFFICIENTS` coefficients (or :data:`MATRIX_COVARIATES` covariates)
on, the derivation is the textbook's matrix form instead, with no symbolic solve at all:

    y = Xβ + ε,   ℓ(β, σ²) = −(n/2) log(2πσ²) − (y − Xβ)ᵀ(y − Xβ)/(2σ²),
    ∂ℓ/∂β = Xᵀ(y − Xβ)/σ²,   XᵀX β = Xᵀy,   β̂ = (XᵀX)⁻¹Xᵀy,   σ̂² = (y − Xβ̂)ᵀ(y − Xβ̂)/n,
    I(β, σ²) = diag(XᵀX/σ², n/(2σ⁴)),   Cov(β̂) ≈ σ̂²(XᵀX)⁻¹.

:func:`linear_design` recognises the model (a residual y − Σⱼ βⱼ zⱼ(x) linear in the
coefficients, weight −1/(2v) and the normalising −log(2πv)/2 with the variance v = σ² or σ²
written as σ**2), and :func:`derive_matrix` builds the derivation from it. ``fit`` solves the
least-squares problem numerically (``numpy.linalg.lstsq``), see :mod:`symmle.regression_fit`.

Examples
--------
>>> from symmle.conditional import build_conditional, conditional_log_likelihood
>>> cm = build_conditional("exp(-(y - b0 - b1*x1 - b2*x2 - b3*x3)**2/(2*s2))/sqrt(2*pi*s2)",
...                        var="y", covariates=["x1", "x2", "x3"], support="real",
...                        params=["b0:real", "b1:real", "b2:real", "b3:real", "s2:positive"])
>>> dz = linear_design(cm, conditional_log_likelihood(cm))
>>> dz.columns, dz.scale, dz.power
((1, x1, x2, x3), s2, 1)
>>> print(dz.estimator_text)
β̂ = (XᵀX)⁻¹Xᵀy
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sympy as sp
from sympy.matrices.expressions.matexpr import MatrixElement

from .checks import Check
from .conditional import ConditionalLogLikelihood, ConditionalModel, data_domains
from .likelihood import expand_log_proven
from .notation import N
from .spaces import prove_sign

if TYPE_CHECKING:  # pragma: no cover
    from .regression import ConditionalDerivation

__all__ = ["MATRIX_COEFFICIENTS", "MATRIX_COVARIATES", "LinearDesign", "linear_design",
           "use_matrix_form", "derive_matrix"]

MATRIX_COEFFICIENTS = 4  # y ~ x1 + x2 + x3 with an intercept: the sums solve no longer finishes
MATRIX_COVARIATES = 3


@dataclass(frozen=True)
class LinearDesign:
    """A Gaussian linear model y = Xβ + ε, ε ~ N(0, v·Iₙ), read off the density.

    Attributes
    ----------
    coefficients
        β, in the order of the model's parameters.
    columns
        zⱼ(x): row i of X is (z₁(xᵢ), ..., z_k(xᵢ)); ``1`` for an intercept.
    scale, power
        The noise parameter and the power that makes it the variance, v = scale**power
        (1 for σ², 2 for σ).
    residual
        y − Σⱼ βⱼ zⱼ(x) for one observation.
    """

    model: ConditionalModel
    coefficients: tuple[sp.Symbol, ...]
    columns: tuple[sp.Expr, ...]
    scale: sp.Symbol
    power: int
    residual: sp.Expr

    @property
    def k(self) -> int:
        return len(self.coefficients)

    @property
    def variance(self) -> sp.Expr:
        return self.scale ** self.power

    @property
    def intercept(self) -> bool:
        return any(c == 1 for c in self.columns)

    # the display objects: bold X, y, β; y is the response's name
    @property
    def X(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol("X", N, self.k)

    @property
    def y(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol(self.model.var.name, N, 1)

    @property
    def beta(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol("beta", self.k, 1)

    @property
    def beta_hat(self) -> sp.MatrixSymbol:
        return sp.MatrixSymbol("beta_hat", self.k, 1)

    def gram(self) -> sp.MatMul:
        """XᵀX."""
        return sp.MatMul(self.X.T, self.X, evaluate=False)

    def gram_inverse(self) -> sp.Inverse:
        """(XᵀX)⁻¹."""
        return sp.Inverse(self.gram())

    def estimator(self) -> sp.MatMul:
        """(XᵀX)⁻¹Xᵀy."""
        return sp.MatMul(self.gram_inverse(), self.X.T, self.y, evaluate=False)

    def residual_vector(self, beta: sp.MatrixExpr | None = None) -> sp.MatAdd:
        """y − Xβ."""
        b = self.beta if beta is None else beta
        return sp.MatAdd(self.y, sp.MatMul(-1, self.X, b, evaluate=False), evaluate=False)

    def rss(self, beta: sp.MatrixExpr | None = None) -> sp.MatMul:
        """(y − Xβ)ᵀ(y − Xβ)."""
        r = self.residual_vector(beta)
        return sp.MatMul(sp.Transpose(r), r, evaluate=False)

    @property
    def estimator_text(self) -> str:
        from .latex import text

        return f"{text(self.beta_hat)} = {text(self.estimator())}"


def linear_design(cm: ConditionalModel, ll: ConditionalLogLikelihood,
                  squares: dict[str, Any] | None = None) -> LinearDesign | None:
    """The model as y = Xβ + ε with Gaussian noise of variance v = σ² (or σ**2), or ``None``.

    ``squares`` is the least-squares reading of ℓ (:func:`symmle.regression._least_squares`),
    computed when not given.
    """
    if squares is None:
        from .regression import _least_squares

        squares = _least_squares(cm, ll, None)
    if squares is None:
        return None
    y = cm.var
    resid = squares["residual"]
    coefs = tuple(p for p in cm.params if p.name in squares["coefficients"])
    scale = [p for p in cm.params if p not in coefs]
    if len(scale) != 1 or cm.known:
        return None
    q = scale[0]
    columns = tuple(sp.expand(-sp.diff(resid, b)) for b in coefs)
    if any(c.has(*cm.params) or c.has(y) for c in columns):
        return None
    if sp.expand(resid - y + sum(b * c for b, c in zip(coefs, columns))) != 0:
        return None
    domains = data_domains(cm)
    logf = expand_log_proven(sp.log(cm.density), domains, positive_argument=True)
    for power in (1, 2):
        v = q ** power
        if sp.cancel(squares["weight"] + 1 / (2 * v)) != 0:
            continue
        rest = sp.expand(logf - squares["weight"] * resid ** 2 + sp.log(2 * sp.pi * v) / 2)
        rest = sp.expand(sp.expand_log(rest, force=True))  # q > 0: its logs split
        if rest == 0 and prove_sign(q, domains, "positive") is True:
            return LinearDesign(cm, coefs, columns, q, power, resid)
    return None


def use_matrix_form(design: LinearDesign | None) -> bool:
    """Whether the derivation is shown in matrix form (measured threshold; module docstring)."""
    return design is not None and (design.k >= MATRIX_COEFFICIENTS
                                   or len(design.model.covariates) >= MATRIX_COVARIATES)


def derive_matrix(cm: ConditionalModel, ll: ConditionalLogLikelihood, design: LinearDesign,
                  squares: dict[str, Any], score: tuple,
                  warnings: list[str]) -> "ConditionalDerivation":
    """The derivation of a Gaussian linear model in matrix form: no symbolic solve, every
    result a short matrix expression; the mean, each observation's score and the information
    matrix read off the design, without simplifying (ℓ is a quadratic in β)."""
    from .regression import ConditionalDerivation

    params = cm.params
    v, q = design.variance, design.scale
    mean = sp.expand(cm.var - design.residual)
    # log f = −r²/(2v) − log(2πv)/2 unexpanded: its derivatives are short as they come
    compact = -design.residual ** 2 / (2 * v) - sp.log(2 * sp.pi * v) / 2
    by_coef = {b: sp.Mul(z / v, cm.var - mean) for b, z in zip(design.coefficients,
                                                                design.columns)}
    summands = tuple(by_coef[p] if p in by_coef else sp.diff(compact, p)
                     for p in params)
    bh = design.estimator()
    rss_hat = design.rss(design.beta_hat)
    v_hat = sp.MatMul(sp.Integer(1) / N, *rss_hat.args, evaluate=False)
    mle: dict[sp.Symbol, sp.Expr] = {b: MatrixElement(bh, j, 0)
                                     for j, b in enumerate(design.coefficients)}
    v_hat_entry = MatrixElement(v_hat, 0, 0)
    mle[q] = v_hat_entry if design.power == 1 else sp.sqrt(v_hat_entry)
    mle = {p: mle[p] for p in params}
    H = sp.hessian(ll.expr, params)
    H_summand = sp.hessian(compact, params)
    # I(β, v): −∂²ℓ/∂β∂βᵀ = XᵀX/v = Σᵢ zᵢzᵢᵀ/v; the cross terms −Xᵀ(y − Xβ)·(dv/dq)/v² have
    # expectation 0; for the noise parameter n·(dv/dq)²/(2v²) (n/(2σ⁴) for σ²)
    k = len(params)
    i_qq = sp.factor(N * sp.diff(v, q) ** 2 / (2 * v ** 2))
    info = sp.zeros(k, k)
    idx = {p: j for j, p in enumerate(params)}
    for a, za in zip(design.coefficients, design.columns):
        for b, zb in zip(design.coefficients, design.columns):
            total = N * za * zb if not (za * zb).free_symbols else ll.sample(za * zb)
            info[idx[a], idx[b]] = total / v
    info[idx[q], idx[q]] = i_qq
    info_reason = ("the coefficients' block −∂²ℓ/∂β∂βᵀ = XᵀX/σ² does not involve the "
                   "responses, and the cross terms −Xᵀ(y − Xβ)/σ⁴ have expectation 0")
    inv_gram = design.gram_inverse()
    ses = {b: sp.sqrt(v * MatrixElement(inv_gram, j, j))
           for j, b in enumerate(design.coefficients)}
    ses[q] = sp.sqrt(sp.factor(1 / i_qq))
    ses = {p: ses[p] for p in params}
    order = Check("second_order", "proven",
                  "at the root the Hessian is block diagonal, −XᵀX/σ² for the coefficients "
                  "(negative definite when X has full column rank: vᵀXᵀXv = ‖Xv‖² > 0 for "
                  "v ≠ 0) and −n/(2σ⁴) for σ², so the root is the maximum")
    squares = dict(squares)
    squares["variance"] = f"{q.name}" + ("" if design.power == 1 else "**2") + " = RSS/n"
    squares["scale"], squares["power"] = q, design.power
    return ConditionalDerivation(
        cm, ll, score, summands, mean, mle, {},
        "solved the normal equations XᵀXβ = Xᵀy in matrix form (X of full column rank)",
        H, H_summand, order, info, info_reason, ses, squares, (order,), tuple(warnings),
        design=design)
