"""One hierarchy of errors for symmle.

Every error a user can cause derives from :class:`SymmleError` and from the builtin it
resembles, so ``except ValueError`` keeps working for callers who do not know symmle.
Messages name the problem and where it is; :func:`caret` draws the position under the input.
The command line maps each class to a one-line message and the exit code in ``exit_code``.
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


class UnsupportedModelError(SymmleError, NotImplementedError):
    """The model is valid but this version of the engine cannot derive it (yet)."""

    exit_code = 5


class DataError(SymmleError, ValueError):
    """Data given to ``fit`` is unreadable, empty, non-finite or outside the support."""

    exit_code = 6


class NonIdentifiableError(SymmleError, ValueError):
    """The parameters are not identifiable from the likelihood (a flat direction)."""

    exit_code = 7


class DerivationTimeout(SymmleError, TimeoutError):
    """A bounded SymPy call ran out of time; the message says which step."""

    exit_code = 8


class ConvergenceError(SymmleError, ArithmeticError):
    """A numeric maximisation did not converge."""

    exit_code = 9


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
