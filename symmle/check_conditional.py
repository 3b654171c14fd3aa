"""``symmle check`` for a conditional model f(y | x, θ) (regression): the claims are in the
observations yᵢ and the covariates xᵢ (``\\sum_{i=1}^n x_i y_i``, ``\\bar y - \\hat\\beta_1
\\bar x``), and the random points of the numeric cross-check carry a column of each covariate
beside the responses (:func:`symmle.crosscheck.conditional_points`).

The judging itself is :func:`symmle.check.check`'s, on a view of the derivation that gives it
the vocabulary of a one-sample derivation: the Fisher information of a conditional model is
that of the n observations (it depends on every xᵢ), so the view's "per observation"
information is the average, I/n, and a claim of either scale is judged as for one sample.

Examples
--------
>>> import symmle
>>> r = symmle.check("linear_regression", mle={
...     "b1": r"\\frac{\\sum_{i=1}^n (x_i-\\bar x)(y_i-\\bar y)}{\\sum_{i=1}^n (x_i-\\bar x)^2}",
...     "b0": r"\\bar y - \\hat\\beta_1 \\bar x"})
>>> r.steps["mle.b0"].verdict, r.steps["mle.b1"].verdict
('equivalent', 'equivalent')
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sympy as sp

from .notation import N

__all__ = ["ConditionalView", "is_conditional"]


def is_conditional(d: Any) -> bool:
    """Whether ``d`` is the derivation of a conditional model (it has covariates)."""
    return bool(getattr(d, "covariates", None))


@dataclass(frozen=True)
class _Solution:
    reason: str
    support: None = None
    median: None = None


@dataclass(frozen=True)
class _Information:
    reason: str


class ConditionalView:
    """A :class:`~symmle.regression.ConditionalDerivation` seen as :func:`symmle.check.check`
    sees a derivation: ``solution`` and ``information`` carry the reasons, and
    ``fisher_information`` is the average information I/n (see the module's docstring);
    everything else is the derivation's own. ``base`` is the derivation itself."""

    def __init__(self, d: Any) -> None:
        self.base = d
        info = d.fisher_information
        self.fisher_information = (None if info is None
                                   else info.applyfunc(lambda e: sp.cancel(e / N)))
        self.solution = _Solution(d.reason)
        self.information = _Information(d.information_reason)
        # an MLE in matrix form, (XᵀX)⁻¹Xᵀy, is not in sample notation: a claimed one is
        # compared with the fitted values, as for a model without a closed form
        self.mle = None if d.matrix_form else d.mle
        self.fitted_note = ("symmle's closed form is the matrix (XᵀX)⁻¹Xᵀy" if d.matrix_form
                            else "symmle has no closed form")

    def __getattr__(self, name: str) -> Any:
        return getattr(self.base, name)
