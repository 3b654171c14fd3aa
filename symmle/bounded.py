"""Time bounds for SymPy calls that can run long (solve, integrate, simplify, summation).

``bounded(fn, *args, seconds=..., what=...)`` returns ``fn(*args)`` or raises
:class:`~symmle.errors.DerivationTimeout`. In the main thread of a POSIX process it uses an
interval timer (``SIGALRM``), which costs nothing when the call is quick; elsewhere (a worker
thread of a web server, Windows) it runs the call in a daemon thread and stops waiting after
``seconds`` -- the call then finishes in the background and its result is discarded.
Callers catch the timeout and degrade to a stated, weaker result. Bounds nest: an inner call
gets at most what is left of the enclosing one, and when it is the enclosing bound that runs out,
the enclosing call reports the timeout (its step is named), not the inner one.
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator, TypeVar

from .errors import DerivationTimeout

T = TypeVar("T")

_deadline = threading.local()


def _has_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class BudgetSpent(DerivationTimeout):
    """A bounded call that could not start: the time of the enclosing step or budget was
    already used up. The step itself is not to blame (a parse is not "too complex")."""


class _Alarm(BaseException):
    """Raised by the timer; a BaseException so that SymPy's ``except Exception`` can't eat it."""


# After the deadline the timer fires again every _REFIRE seconds until the bounded call has
# ended: an alarm that lands in a finalizer or a gc callback is swallowed by the interpreter
# ("Exception ignored in ..."), and a single alarm would then silently lift the bound.
_REFIRE = 0.05
_active = threading.local()


class _QuietAlarms:
    """While a bounded call runs, keep a swallowed alarm out of ``sys.unraisablehook``.

    An alarm that lands in a ``__del__``, a weakref or a gc callback cannot propagate; Python
    hands it to ``sys.unraisablehook``, which prints "Exception ignored in ..." (and under pytest
    becomes a warning, or an error when the hook itself is hit by the re-fire). Nothing is lost
    -- the timer fires again -- so the hook drops exactly these and passes on everything else.
    Installed by the outermost bounded call, and restored by it when it is still in place."""

    def __init__(self) -> None:
        self.previous = sys.unraisablehook
        self.installed = not isinstance(getattr(self.previous, "__self__", None), _QuietAlarms)
        if self.installed:
            sys.unraisablehook = self.hook

    def hook(self, unraisable: Any) -> None:
        if isinstance(unraisable.exc_value, _Alarm):
            return
        self.previous(unraisable)

    def restore(self) -> None:
        if self.installed and sys.unraisablehook == self.hook:
            sys.unraisablehook = self.previous


def _nested() -> bool:
    """Whether a bounded call of this thread is still running (its deadline on a stack)."""
    return bool(getattr(_active, "deadlines", None) or getattr(_active, "cpu_deadlines", None))


def _on_cpu_alarm(signum: int, frame: Any) -> None:
    deadlines = getattr(_active, "cpu_deadlines", None)
    if deadlines and time.process_time() >= deadlines[-1] - 1e-3:
        raise _Alarm()


def _wall_expired() -> bool:
    deadlines = getattr(_active, "deadlines", None)
    return bool(deadlines) and time.monotonic() >= deadlines[-1] - 1e-3


def _cpu_bounded(fn: Callable[..., T], args: Any, kwargs: Any, seconds: float, what: str) -> T:
    """``fn`` under a bound on the process's CPU time (``ITIMER_PROF`` and ``SIGPROF``, user
    and system time, as ``time.process_time`` counts it): whether a SymPy call finishes then
    depends on the machine's speed, not on how loaded it is, so a derivation comes out the same
    on a busy machine. CPU bounds nest (an inner one gets at most what is left of the outer);
    the wall-clock bounds around them still apply (their ``SIGALRM`` is separate)."""
    if not hasattr(_active, "cpu_deadlines"):
        _active.cpu_deadlines = []
    stack = _active.cpu_deadlines
    now = time.process_time()
    limit = min(seconds, stack[-1] - now) if stack else seconds
    if limit <= 0:
        raise BudgetSpent(f"{what}: the CPU time of the enclosing step was used up")
    cut = bool(stack) and limit < seconds  # this call ends when the enclosing one does
    old_handler = signal.signal(signal.SIGPROF, _on_cpu_alarm)
    stack.append(now + limit)
    signal.setitimer(signal.ITIMER_PROF, limit, _REFIRE)
    try:
        return fn(*args, **kwargs)
    except _Alarm:
        if _wall_expired() or cut:
            raise  # the bound of an enclosing call ran out: that call reports it
        raise DerivationTimeout(f"{what}: not finished within {limit:.3g} s of CPU time"
                                ) from None
    except RecursionError:
        raise DerivationTimeout(f"{what}: the expression is too deeply nested") from None
    finally:
        stack.pop()  # from here on a late alarm of this call raises nothing
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, old_handler)
        if stack:  # an outer CPU bound: give it back what is left of it
            left = stack[-1] - time.process_time()
            signal.setitimer(signal.ITIMER_PROF, max(left, 1e-3), _REFIRE)


def _on_alarm(signum: int, frame: Any) -> None:
    deadlines = getattr(_active, "deadlines", None)
    # only while a bounded call runs whose own deadline has passed (a late alarm of an inner
    # call, arriving after it returned, must not stop the outer one early)
    if deadlines and time.monotonic() >= deadlines[-1] - 1e-3:
        raise _Alarm()


@contextmanager
def budget(seconds: float | None) -> Iterator[None]:
    """Set an overall wall-clock budget: every :func:`bounded` call inside it gets at most the
    time that is left of the budget.

    Examples
    --------
    >>> with budget(30):
    ...     remaining() <= 30
    True
    """
    previous = getattr(_deadline, "value", None)
    if seconds is not None:
        new = time.monotonic() + seconds
        _deadline.value = new if previous is None else min(previous, new)
    try:
        yield
    finally:
        _deadline.value = previous


def remaining() -> float:
    """Seconds left of the innermost :func:`budget`, or infinity when none is set."""
    deadline = getattr(_deadline, "value", None)
    return float("inf") if deadline is None else deadline - time.monotonic()


def bounded(fn: Callable[..., T], *args: Any, seconds: float, what: str, cpu: bool = True,
            **kwargs: Any) -> T:
    """Run ``fn(*args, **kwargs)`` for at most ``seconds`` (and at most what is left of the
    current :func:`budget`).

    By default (``cpu=True``) the bound is ``seconds`` of the process's CPU time (main thread,
    POSIX), so that what a derivation finds -- a closed form, an integral, a proof -- does not
    depend on the load of a shared machine; the wall-clock :func:`budget`, and any bound with
    ``cpu=False`` around the call (``derive``'s ``timeout``), still apply. Elsewhere, and with
    ``cpu=False``, the bound is wall-clock time.

    Raises
    ------
    DerivationTimeout
        When the time is up; the message names ``what`` was being done. When it is an
        enclosing bounded call whose time runs out meanwhile, that call raises it, naming its
        own step; when the enclosing budget was used up before this call could start, the
        error is :class:`BudgetSpent`.

    Examples
    --------
    >>> import sympy as sp
    >>> bounded(sp.factor, sp.Symbol("x")**2 - 1, seconds=5, what="factor")
    (x - 1)*(x + 1)
    """
    if seconds <= 0:
        raise DerivationTimeout(f"{what}: no time was given to this step")
    limit = min(seconds, remaining())
    if limit <= 0:
        raise BudgetSpent(f"{what}: the time budget was used up before this step")
    if not _has_alarm():
        return _thread_bounded(fn, args, kwargs, limit, what)
    quiet = _QuietAlarms()
    try:
        if cpu:
            return _cpu_bounded(fn, args, kwargs, limit, what)
        return _wall_bounded(fn, args, kwargs, limit, what)
    except _Alarm:
        # an alarm that fired as the call was ending, before its deadline was taken down: the
        # call did run out of time; an outer bounded call, if any, catches it itself
        if _nested():
            raise
        raise DerivationTimeout(f"{what}: not finished within {limit:.3g} s") from None
    finally:
        quiet.restore()


def _wall_bounded(fn: Callable[..., T], args: Any, kwargs: Any, limit: float, what: str) -> T:
    """``fn`` under a wall-clock bound (``ITIMER_REAL`` and ``SIGALRM``)."""
    old_handler = signal.signal(signal.SIGALRM, _on_alarm)
    old_timer = signal.getitimer(signal.ITIMER_REAL)
    started = time.monotonic()
    cut = 0 < old_timer[0] < limit  # this call ends when the enclosing one does
    if cut:
        limit = old_timer[0]
    if not hasattr(_active, "deadlines"):
        _active.deadlines = []
    _active.deadlines.append(started + limit)
    signal.setitimer(signal.ITIMER_REAL, limit, _REFIRE)
    try:
        return fn(*args, **kwargs)
    except _Alarm:
        if cut or time.monotonic() < started + limit - 1e-3:
            raise  # the bound of an enclosing call ran out (a CPU one, when not cut): it reports
        raise DerivationTimeout(f"{what}: not finished within {limit:.3g} s") from None
    except RecursionError:
        raise DerivationTimeout(f"{what}: the expression is too deeply nested") from None
    finally:
        _active.deadlines.pop()  # from here on a late alarm of this call raises nothing
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_timer[0] > 0:  # an outer bound was running: give it back what is left of it
            left = old_timer[0] - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(left, 1e-3), _REFIRE)


def _thread_bounded(fn: Callable[..., T], args: Any, kwargs: Any, limit: float, what: str) -> T:
    """``fn`` in a daemon thread, waited for at most ``limit`` seconds (no timer signals here:
    a worker thread, or Windows)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            box["error"] = exc

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise DerivationTimeout(f"{what}: not finished within {limit:.3g} s")
    if "error" in box:
        if isinstance(box["error"], RecursionError):
            raise DerivationTimeout(f"{what}: the expression is too deeply nested")
        raise box["error"]
    return box["value"]
