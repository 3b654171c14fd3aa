"""symmle: maximum likelihood estimators derived symbolically, step by step, and checked.

>>> import symmle
>>> symmle.derive("poisson").mle
{'lambda': Sum(x[i], (i, 1, n))/n}

The pipeline, one module a stage: :mod:`~symmle.model` (with :mod:`~symmle.parsing`),
:mod:`~symmle.likelihood`, :mod:`~symmle.solve`, :mod:`~symmle.checks`,
:mod:`~symmle.information`, :mod:`~symmle.numeric`, :mod:`~symmle.render`.
"""
from __future__ import annotations

from . import errors, families, notation
from .check import CheckReport, check
from .derivation import Derivation, derive
from .errors import SymmleError
from .model import Model, build_model
from .numeric import FitResult, fit

__version__ = "0.1.0"

__all__ = ["derive", "fit", "check", "CheckReport", "build_model", "Derivation", "FitResult", "Model", "SymmleError",
           "errors", "families", "notation", "__version__"]
