"""A fuzz campaign: random well-formed models and random bytes for a given number of minutes.

It draws from the same Hypothesis strategies as ``tests/test_properties.py`` (without shrinking:
a plain random-generation loop) and runs the same checks, but keeps going after a failure and
counts instead of stopping:

* **models** -- a random density from the building blocks, derived within its budget, a sample
  simulated by inverse CDF, ``fit`` against SciPy on an independent NumPy log-likelihood;
* **mutants** -- such a density broken in one known way (a misspelt parameter, an extra one,
  doubled, negated, the support of another family), which must get the matching error class;
* **text** -- random bytes decoded with ``errors="replace"`` or ``"surrogateescape"`` into every
  text entry point (``derive``'s density, support, domain, names and g; the parsers);
* **cli** -- random bytes as the model or the value of a flag of ``symmle derive``;
* **data** -- random bytes, and random number-like text, as a data file.

It prints the cases run of each kind, the failures by kind (with the first input and traceback
of each), the slowest case, and exits 1 when anything failed::

    python benchmarks/fuzz.py                 # 15 minutes
    python benchmarks/fuzz.py --minutes 2 --seed 7
    python benchmarks/fuzz.py --minutes 60 --json report.json

``HYPOTHESIS_PROFILE=long python -m pytest tests/test_properties.py`` runs the same properties
with Hypothesis (thousands of cases, shrinking the first failure).
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import tempfile
import time
import traceback
import warnings
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hypothesis import strategies as st  # noqa: E402
from hypothesis.errors import NonInteractiveExampleWarning  # noqa: E402

import test_properties as props  # noqa: E402
from symmle.errors import SymmleError  # noqa: E402


def _example(strategy: st.SearchStrategy[Any]) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        return strategy.example()


class Campaign:
    def __init__(self, seconds: float, seed: int) -> None:
        self.deadline = time.monotonic() + seconds
        self.rng = random.Random(seed)
        self.runs: collections.Counter[str] = collections.Counter()
        self.outcomes: collections.Counter[str] = collections.Counter()
        self.failures: dict[str, dict[str, Any]] = {}
        self.failure_counts: collections.Counter[str] = collections.Counter()
        self.slowest: tuple[float, str] = (0.0, "")
        self.folder = tempfile.mkdtemp(prefix="symmle-fuzz-")

    def record(self, kind: str, describe: str, call: Callable[[], Any]) -> None:
        self.runs[kind] += 1
        start = time.perf_counter()
        try:
            outcome = call()
            if isinstance(outcome, str):
                self.outcomes[f"{kind}: {outcome}"] += 1
        except Exception as exc:  # noqa: BLE001 - counted and reported, the campaign goes on
            if isinstance(exc, AssertionError):
                label = f"{kind}: broken invariant"
            elif isinstance(exc, SymmleError):
                label = f"{kind}: {type(exc).__name__} on a well-formed input"
            else:
                label = f"{kind}: uncaught {type(exc).__name__}"
            first = str(exc).splitlines()[0][:160] if str(exc) else ""
            key = f"{label}: {first}" if kind != "models" else f"{label}"
            self.failure_counts[key] += 1
            self.failures.setdefault(key, {"input": describe, "error": f"{type(exc).__name__}: "
                                           f"{exc}"[:2000],
                                           "traceback": traceback.format_exc()[-4000:]})
        seconds = time.perf_counter() - start
        if seconds > self.slowest[0]:
            self.slowest = (seconds, f"{kind}: {describe}"[:300])

    def step(self) -> None:
        roll = self.rng.random()
        if roll < 0.20:
            case = _example(props.cases())
            how = self.rng.choice(props.MUTATIONS)
            self.record("mutants", f"{how} of {case.describe()}",
                        lambda: props.check_mutant(case, how))
        elif roll < 0.55:
            case = _example(props.cases())
            seed, n = self.rng.randrange(2**32), self.rng.randint(50, 300)
            self.record("models", f"{case.describe()}, seed {seed}, n {n}",
                        lambda: props.check_case(case, seed, n))
        elif roll < 0.80:
            raw = _example(st.binary(max_size=120))
            how = self.rng.choice(["replace", "surrogateescape"])
            text = raw.decode("utf-8", errors=how)
            self.record("text", repr(text), lambda: props.check_text(text) and "accepted")
        elif roll < 0.90:
            raw = _example(st.binary(max_size=80))
            text = raw.decode("utf-8", errors=self.rng.choice(["replace", "surrogateescape"]))
            flag = self.rng.choice(["model", "--param", "--support", "--g", "--known", "--var"])
            argv = (["derive", text, "--timeout", "5"] if flag == "model" else
                    ["derive", "theta*x**(theta-1)", "--support", "0 < x < 1", "--timeout", "5",
                     flag, text])
            self.record("cli", repr(argv), lambda: f"exit {props.check_cli(argv + ['--format', 'json'])}")
        else:
            if self.rng.random() < 0.5:
                raw = _example(st.binary(max_size=300))
            else:
                raw = _example(st.text(alphabet="0123456789.eE+-, \n#naifx_",
                                       max_size=60)).encode()
            self.record("data", repr(raw), lambda: props.check_bytes_file(raw, self.folder))

    def run(self) -> None:
        while time.monotonic() < self.deadline:
            self.step()

    def report(self) -> dict[str, Any]:
        return {"cases": sum(self.runs.values()), "runs": dict(self.runs),
                "outcomes": dict(sorted(self.outcomes.items())),
                "failures": dict(self.failure_counts),
                "first_failure_of_each_kind": self.failures,
                "slowest": {"seconds": round(self.slowest[0], 3), "case": self.slowest[1]}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--json", metavar="FILE", default=None,
                        help="also write the report as JSON to FILE")
    args = parser.parse_args(argv)
    campaign = Campaign(args.minutes * 60, args.seed)
    started = time.monotonic()
    try:
        campaign.run()
    except KeyboardInterrupt:
        print("interrupted; the report so far:", file=sys.stderr)
    report = campaign.report()
    report["minutes"] = round((time.monotonic() - started) / 60, 2)
    report["seed"] = args.seed
    print(f"fuzz campaign: {report['cases']} cases in {report['minutes']} min (seed {args.seed})")
    for kind, count in sorted(report["runs"].items()):
        print(f"  {kind:<8} {count:>7}")
    for outcome, count in report["outcomes"].items():
        print(f"    {outcome:<40} {count:>7}")
    print(f"slowest: {report['slowest']['seconds']} s  {report['slowest']['case']}")
    if report["failures"]:
        print(f"failures ({sum(report['failures'].values())}):")
        for kind, count in sorted(report["failures"].items(), key=lambda kv: -kv[1]):
            first = campaign.failures[kind]
            print(f"  {count:>5}  {kind}\n         input: {first['input'][:300]}\n"
                  f"         error: {first['error'][:300]}")
    else:
        print("failures: none")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if report["failures"] else 0


if __name__ == "__main__":
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    raise SystemExit(main())
