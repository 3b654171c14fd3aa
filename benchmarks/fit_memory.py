"""Measure the memory ``symmle.fit`` uses beyond the data, for every model of ``fit_speed.py``.

The fit reduces the data to sufficient statistics in blocks (README, "How `fit` treats the
data"), so what it allocates should not grow with n. For each model this script derives once,
draws n₁ = 10⁵ and n₂ = 10⁶ observations (``--n``; SciPy's samplers, the same data as
``fit_speed.py``; counts as int64), fits each once untimed (the first call compiles the
derivation), then fits again under ``tracemalloc`` and reads ``log_likelihood`` too (it is
computed lazily, and needs every statistic). The peak of traced memory is what the fit allocated
above the data it was given (NumPy reports its arrays to ``tracemalloc``).

Prints, per model, the peaks at n₁ and n₂, the ratio peak(n₂)/peak(n₁), and the peak at n₂ as a
share of the data's own size. The targets (``--check`` exits 1 when one is not met):

* O(1) in n: peak(n₂) ≤ 1.5·peak(n₁) + 100 kB;
* small beside the data: peak(n₂) ≤ 1/4 of the data at n₂ (8 MB of float64 at 10⁶). A block
  of temporaries is about 1 MB whatever n, so this target is meant for n₂ ≥ 10⁶.

The median rule (Laplace location) keeps the observations near the middle, about 8% of the
sample, for an exact selection: it is O(n) by design, and is listed but not counted.
Allocation counts do not depend on the machine's load, so one run is enough.

usage::

    python benchmarks/fit_memory.py [--json] [--only NAME ...] [--n N] [--seed SEED] [--check]
"""
from __future__ import annotations

import argparse
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SMALL = 100_000
GROWTH = 1.5  # peak(n₂) / peak(n₁) at most, plus SLACK
SLACK = 100_000  # bytes
SHARE = 0.25  # peak(n₂) / data bytes at most
O_OF_N_BY_DESIGN = {"laplace"}  # the exact median keeps about 8% of the sample


def _peak(fn: Any) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def measure(case: Any, n: int, seed: int) -> dict:
    """Peaks of one model's fit at SMALL and n observations."""
    import symmle

    row: dict[str, Any] = {"name": case.name, "error": None}
    try:
        d = symmle.derive(case.model, **case.options)
    except Exception as exc:  # noqa: BLE001 - report and go on
        row["error"] = f"derive: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
        return row
    row["closed_form"] = bool(d.closed_form)
    for label, size in (("small", SMALL), ("large", n)):
        x = np.ascontiguousarray(case.sample(np.random.default_rng(seed), size), dtype=float)
        if d.model.discrete:
            x = x.astype(np.int64)

        def fit() -> None:
            symmle.fit(case.model, x, derivation=d, known_values=case.known or None
                       ).log_likelihood

        try:
            fit()  # compiles the derivation; the imports of first use happen here
            row[f"peak_{label}"] = _peak(fit)
        except Exception as exc:  # noqa: BLE001
            row["error"] = f"fit: {type(exc).__name__}: {str(exc).splitlines()[0][:120]}"
            return row
        row[f"data_{label}"] = int(x.nbytes)
    row["growth"] = row["peak_large"] / max(row["peak_small"], 1)
    row["share"] = row["peak_large"] / row["data_large"]
    row["counted"] = case.name not in O_OF_N_BY_DESIGN
    row["met"] = (row["peak_large"] <= GROWTH * row["peak_small"] + SLACK
                  and row["share"] <= SHARE)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these models")
    parser.add_argument("--n", type=int, default=1_000_000, help="the larger n (default: 10⁶)")
    parser.add_argument("--seed", type=int, default=20240601, help="random seed")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a counted model misses a target or fails")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))  # the checkout's symmle, whether or not it is installed
    sys.path.insert(0, str(HERE))
    from fit_speed import _cases  # the same models, data and known values

    cases = _cases()
    if args.only:
        unknown = sorted(set(args.only) - {c.name for c in cases})
        if unknown:
            parser.error(f"unknown model(s): {', '.join(unknown)}")
        cases = [c for c in cases if c.name in args.only]
    if not args.json:
        print(f"{'model':<22} {'peak 1e5':>10} {'peak n':>10} {'growth':>7} "
              f"{'of data':>8}  verdict")
    rows = []
    for case in cases:
        row = measure(case, args.n, args.seed)
        rows.append(row)
        if args.json:
            continue
        if row["error"]:
            print(f"{row['name']:<22} {row['error']}", flush=True)
            continue
        verdict = "met" if row["met"] else "NOT MET"
        if not row["counted"]:
            verdict += " (O(n) by design, not counted)"
        print(f"{row['name']:<22} {row['peak_small'] / 1e3:>8.0f}kB "
              f"{row['peak_large'] / 1e3:>8.0f}kB {row['growth']:>7.2f} "
              f"{row['share']:>7.1%}  {verdict}", flush=True)
    counted = [r for r in rows if not r["error"] and r["counted"]]
    failed = [r["name"] for r in rows if r["error"]]
    missed = [r["name"] for r in counted if not r["met"]]
    summary = {"counted": len(counted), "met": len(counted) - len(missed), "missed": missed,
               "failed": failed,
               "worst_growth": max((r["growth"] for r in counted), default=None),
               "worst_share": max((r["share"] for r in counted), default=None),
               "n": args.n, "n_small": SMALL}
    if args.json:
        print(json.dumps({"rows": rows, "summary": summary}, indent=2))
    else:
        print(f"\nO(1) memory beyond the data: {summary['met']} of {summary['counted']} met"
              f" (worst growth {summary['worst_growth']:.2f} from 10⁵ to {args.n:.0e}, worst "
              f"peak {summary['worst_share']:.1%} of the data)"
              + (f"; not met: {', '.join(missed)}" if missed else "")
              + (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if args.check and (missed or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
