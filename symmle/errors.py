"""One hierarchy of errors for symmle.

Every error a user can cause derives from :class:`SymmleError` and from the builtin it
resembles, so ``except ValueError`` keeps working for callers who do not know symmle.
Messages name the problem and where it is; :func:`caret` draws the position under the input.
The command line maps each class to a one-line message and the exit code in ``exit_code``.

The codes 1-9 belong to the first classes (and never change); a more specific class, added
later, subclasses the closest of them, so that ``except ModelSpecError`` still catches it, and
takes a code from 10 up::

    SymmleError                       1
    ├── ParseError                    2
    ├── ModelSpecError                3
    │   ├── NormalizationError        4
    │   ├── UnknownNameError         10  a name that is not the variable, a parameter or a constant
    │   ├── UnusedParameterError     11  a declared parameter or constant absent from the model
    │   └── SupportError             12  the density is 0, undefined or complex on the support
    ├── UnsupportedModelError         5
    ├── DataError                     6
    │   ├── EmptyDataError           13  no observations
    │   ├── NonNumericDataError      14  a value that is not a finite number (NaN, inf, text)
    │   └── OutOfSupportError        15  an observation outside the support
    ├── NonIdentifiableError          7
    │   └── NonUniqueMLEError        34  the likelihood is flat on a set: the MLE is not unique
    ├── DerivationTimeout             8
    ├── ConvergenceError              9
    │   └── NoMaximumError           33  the likelihood has no maximum (separated data)
    └── ClaimWrong                   16  symmle check: a claimed step is wrong
        └── ClaimUndetermined        17  symmle check: none wrong, one could not be decided
"""
from __future__ import annotations


class SymmleError(Exception):
    """Base class of every error symmle raises on purpose."""

    exit_code = 1

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return self.message


class ParseError(SymmleError, ValueError):
    """A string (density, support, domain, claim) is not in the accepted syntax."""

    exit_code = 2

    def __init__(self, message: str, *, text: str = "", position: int | None = None,
                 where: str | None = None) -> None:
        self.text = text
        self.position = position
        full = message
        if where:
            full = f"{where}: {message}"
        if position is not None and text and len(text) <= 200 and "\n" not in text:
            full = f"{full}\n{caret(text, position)}"
        super().__init__(full, where=where)


class ModelSpecError(SymmleError, ValueError):
    """The model is ill-specified: unknown name, parameter absent from the density, bad support."""

    exit_code = 3


class NormalizationError(ModelSpecError):
    """The density is negative somewhere on its support or does not sum/integrate to 1."""

    exit_code = 4


class UnknownNameError(ModelSpecError):
    """A name in the density (or support, or g) that is neither the variable, a declared
    parameter, a known constant nor a function or constant symmle knows: usually a typo
    (``thta`` for ``theta``); the message suggests the close matches."""

    exit_code = 10


class UnusedParameterError(ModelSpecError):
    """A declared parameter (or known constant) that appears in neither the density nor the
    support: the likelihood cannot depend on it."""

    exit_code = 11


class SupportError(ModelSpecError):
    """The support contradicts the density: at a point of the declared support, with typical
    parameter values, the density is zero (on a stretch, not at one point), undefined or
    complex. The message names the point and the parameter values."""

    exit_code = 12


class UnsupportedModelError(SymmleError, NotImplementedError):
    """The model is valid but this version of the engine cannot derive it (yet)."""

    exit_code = 5


class DataError(SymmleError, ValueError):
    """Data given to ``fit`` is unreadable, empty, non-finite or outside the support."""

    exit_code = 6


class EmptyDataError(DataError):
    """No observations: an empty sample, or a file with only blank lines, comments or a header."""

    exit_code = 13


class NonNumericDataError(DataError):
    """A value that is not a finite number: text, NaN, an infinity, an empty field. The message
    names the line (in a file) or the observation."""

    exit_code = 14


class OutOfSupportError(DataError):
    """An observation outside the support of the model (a negative count, a value above θ's
    known bound). The message names the observation, and the line when it comes from a file."""

    exit_code = 15


class NonIdentifiableError(SymmleError, ValueError):
    """The parameters are not identifiable from the likelihood (a flat direction)."""

    exit_code = 7


class NonUniqueMLEError(NonIdentifiableError):
    """The likelihood of every sample is flat on a set of parameter values, so the MLE is not
    unique (Uniform(θ, θ + 1): L(θ) = 1 for every θ in [x₍ₙ₎ − 1, x₍₁₎]). ``intervals`` maps each
    such parameter to the ends of its set of maximisers, SymPy expressions in the order
    statistics (``fit`` evaluates them on the data)."""

    exit_code = 34

    def __init__(self, message: str, *, intervals: "dict | None" = None, **kwargs: object
                 ) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.intervals = dict(intervals or {})


class DerivationTimeout(SymmleError, TimeoutError):
    """A bounded SymPy call ran out of time; the message says which step."""

    exit_code = 8


class ConvergenceError(SymmleError, ArithmeticError):
    """A numeric maximisation did not converge."""

    exit_code = 9


class NoMaximumError(ConvergenceError):
    """The MLE does not exist: the log-likelihood increases towards its supremum as the
    parameters go to infinity (logistic regression on separated data), or grows without bound
    towards the edge of the parameter space (σ² → 0 when every observation is equal)."""

    exit_code = 33


class ClaimWrong(SymmleError, ValueError):
    """``symmle check``: a claimed step of a hand derivation is wrong (the report says which,
    with a counterexample). Used as an exit code; :func:`symmle.check` returns the report."""

    exit_code = 16


class ClaimUndetermined(ClaimWrong):
    """``symmle check``: no claimed step is wrong but one could not be decided (symmle has no
    closed form or Fisher information to compare it with)."""

    exit_code = 17


def caret(text: str, position: int) -> str:
    """Return ``text`` with a caret under ``position`` (like lark's ``get_context``).

    Examples
    --------
    >>> print(caret("theta*x**(thta-1)", 10))
      theta*x**(thta-1)
                ^
    """
    position = max(0, min(position, len(text)))
    return f"  {text}\n  {' ' * position}^"
