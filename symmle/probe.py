"""Numeric probes: typical values of known constants and a small test sample in the support.

Symbolic answers are chosen and cross-checked numerically on this probe: among several roots of
the likelihood equations the engine keeps those inside the parameter space that give the highest
log-likelihood on the probe sample, and a second-order check that SymPy cannot decide is at
least evaluated there (and reported as numeric evidence, never as a proof).
"""
from __future__ import annotations

import math
from typing import Mapping

import sympy as sp

from .model import Model

__all__ = ["known_values", "sample", "to_float"]


def known_values(model: Model) -> dict[sp.Symbol, sp.Expr]:
    """A typical value for every known constant (the first interior point of its domain)."""
    out: dict[sp.Symbol, sp.Expr] = {}
    for k in model.known:
        dom = model.domains[k]
        lo, hi = sp.sympify(dom.lower).subs(out), sp.sympify(dom.upper).subs(out)
        from .spaces import Domain

        vals = Domain(lo, hi, dom.left_open, dom.right_open, dom.integer).typical_values()
        out[k] = vals[1] if len(vals) > 1 else vals[0]
    return out


def sample(model: Model, known: Mapping[sp.Symbol, sp.Expr] | None = None,
           ) -> list[sp.Expr] | None:
    """A few points of the support (with known constants at ``known``); ``None`` when the
    support still depends on parameters."""
    known = known_values(model) if known is None else known
    supp = model.support.subs(known)
    if supp.free_symbols:
        return None
    return supp.sample_points()


def to_float(value: sp.Expr) -> float | None:
    """A finite real float, or None (complex, infinite, undefined, not a number)."""
    try:
        c = complex(sp.N(value, 20))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if abs(c.imag) > 1e-9 * max(1.0, abs(c.real)) or not math.isfinite(c.real):
        return None
    return c.real
