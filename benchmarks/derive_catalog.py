"""Time ``symmle.derive`` on every catalog family.

Each family is derived in a fresh interpreter of its own (or, with ``--in-process``, in this one
after ``sympy.core.cache.clear_cache()``), so that no family benefits from the work done for
another; the timing covers ``symmle.derive`` alone, not the interpreter's start or the imports.
Before the timed call, a cheap other family is derived and the cache cleared, so that what SymPy
imports on first use (``sympy.physics.units``, ...) is not charged to the family (``--cold``
keeps those costs in).
A family that does not answer within ``--limit`` seconds is killed and reported (in-process mode
cannot stop a hang). The process is pinned to one core where the system allows it, and the
interpreters it starts inherit the pinning.

Prints one line per family (seconds, closed form yes/no, or the class of the error for a family
the engine rejects), then the median, the maximum and the total, and whether the target is met:
median under 0.5 s and no family over 5 s.

usage::

    python benchmarks/derive_catalog.py [--json] [--in-process] [--cold] [--only NAME ...]
        [--timeout SECONDS] [--limit SECONDS] [--check]

``--check`` exits 1 when the target is not met (or a family fails); otherwise the exit status is
0 whatever the timings.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_MEDIAN = 0.5  # seconds
TARGET_MAX = 5.0  # seconds
ROOT = Path(__file__).resolve().parent.parent


def pin_to_one_core() -> bool:
    """Pin this process (and the children it starts) to one core; False where unsupported."""
    try:
        cores = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cores[0]})
        return True
    except (AttributeError, OSError, IndexError):
        return False


WARM_UP = ("poisson", "exponential")  # cheap families that load what SymPy imports lazily


def derive_one(name: str, timeout: float | None, warm_up: bool = False) -> dict:
    """Derive one family with a cold cache, in this process; the timing covers ``derive`` only.

    With ``warm_up``, another cheap family is derived first (and the cache cleared after it), so
    that the modules SymPy and symmle import on first use are not charged to ``name``.
    """
    import sympy.core.cache

    import symmle

    if warm_up:
        other = WARM_UP[0] if name != WARM_UP[0] else WARM_UP[1]
        try:
            symmle.derive(other)
        except Exception:  # noqa: BLE001 - the warm-up is a courtesy, not a measurement
            pass
    sympy.core.cache.clear_cache()
    kwargs = {} if timeout is None else {"timeout": timeout}
    start = time.perf_counter()
    try:
        derivation = symmle.derive(name, **kwargs)
    except Exception as exc:  # noqa: BLE001 - a benchmark reports every failure and goes on
        seconds = time.perf_counter() - start
        kind = "error" if isinstance(exc, symmle.errors.SymmleError) else "internal error"
        return {"name": name, "seconds": seconds, "closed_form": None,
                "error": type(exc).__name__, "kind": kind, "message": str(exc).split("\n")[0]}
    seconds = time.perf_counter() - start
    closed = getattr(derivation, "closed_form", None)
    if not isinstance(closed, bool):
        closed = bool(json.loads(derivation.to_json()).get("closed_form"))
    return {"name": name, "seconds": seconds, "closed_form": closed, "error": None}


def derive_in_subprocess(name: str, timeout: float | None, limit: float, warm_up: bool) -> dict:
    """Derive one family in a fresh interpreter (pinned like this one, since affinity inherits)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "sys.path.insert(0, sys.argv[2]); import derive_catalog as b; "
            "t = None if sys.argv[4] == 'none' else float(sys.argv[4]); "
            "print(json.dumps(b.derive_one(sys.argv[3], t, sys.argv[5] == 'warm')))")
    argv = [sys.executable, "-c", code, str(ROOT), str(Path(__file__).resolve().parent), name,
            "none" if timeout is None else str(timeout), "warm" if warm_up else "cold"]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"name": name, "seconds": time.perf_counter() - start, "closed_form": None,
                "error": "killed", "kind": "killed",
                "message": f"no answer after {limit:g} s (derive's time bound did not hold)"}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        return {"name": name, "seconds": time.perf_counter() - start, "closed_form": None,
                "error": "crashed", "kind": "crashed", "message": last}
    return json.loads(lines[-1])


def summarize(results: list[dict]) -> dict:
    times = [r["seconds"] for r in results]
    slowest = max(results, key=lambda r: r["seconds"]) if results else None
    median = statistics.median(times) if times else 0.0
    maximum = max(times) if times else 0.0
    failed = [r["name"] for r in results if r["error"]]
    return {
        "median": median,
        "max": maximum,
        "slowest": slowest["name"] if slowest else None,
        "total": sum(times),
        "families": len(results),
        "closed_form": sum(1 for r in results if r["closed_form"]),
        "failed": failed,
        "target": {"median_below": TARGET_MEDIAN, "max_below": TARGET_MAX,
                   "met": median < TARGET_MEDIAN and maximum <= TARGET_MAX},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--in-process", action="store_true",
                        help="derive every family in this interpreter, clearing SymPy's cache "
                             "before each (faster; a family that hangs hangs the benchmark)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="derive only these families")
    parser.add_argument("--timeout", type=float, default=None,
                        help="the timeout passed to derive (default: derive's own)")
    parser.add_argument("--cold", action="store_true",
                        help="no warm-up: charge each family with SymPy's first-use imports too")
    parser.add_argument("--limit", type=float, default=120.0,
                        help="kill a family's interpreter after this many seconds (default: 120)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when the target is not met or a family fails")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(ROOT))  # the checkout's symmle, whether or not it is installed
    import symmle.families

    pinned = pin_to_one_core()
    names = args.only or [family.name for family in symmle.families.FAMILIES]
    if args.in_process:
        import symmle  # noqa: F401 - import before timing, so no family pays for it

        if not args.cold:
            derive_one(WARM_UP[0], args.timeout)  # first-use imports, once for all

    results = []
    for name in names:
        if args.in_process:
            result = derive_one(name, args.timeout)
        else:
            result = derive_in_subprocess(name, args.timeout, args.limit, not args.cold)
        results.append(result)
        if not args.json:
            print(_line(result), flush=True)
    summary = summarize(results)

    if args.json:
        print(json.dumps({"pinned_to_one_core": pinned, "isolation":
                          "clear_cache" if args.in_process else "subprocess",
                          "warm_up": not args.cold,
                          "results": results, **summary}, indent=2))
    else:
        target = summary["target"]
        print("-" * 60)
        print(f"{summary['families']} families, {summary['closed_form']} in closed form, "
              f"{len(summary['failed'])} failed"
              + (f" ({', '.join(summary['failed'])})" if summary["failed"] else ""))
        print(f"median {summary['median']:.3f} s, max {summary['max']:.3f} s "
              f"({summary['slowest']}), total {summary['total']:.2f} s"
              + ("" if pinned else "  [not pinned to one core]"))
        print(f"target (median < {TARGET_MEDIAN:g} s, none > {TARGET_MAX:g} s): "
              + ("met" if target["met"] else "NOT met"))
    if args.check and (not summary["target"]["met"] or summary["failed"]):
        return 1
    return 0


def _line(result: dict) -> str:
    if result["error"]:
        kind = result.get("kind", "error")
        message = result.get("message", "")
        if len(message) > 90:
            message = message[:87] + "..."
        what = f"{kind}: {message}" if kind in ("killed", "crashed") else (
            f"{kind}: {result['error']}: {message}")
    else:
        what = "closed form: " + ("yes" if result["closed_form"] else "no")
    return f"{result['name']:<26} {result['seconds']:8.3f} s  {what}"


if __name__ == "__main__":
    sys.exit(main())
