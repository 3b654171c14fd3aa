"""The benchmark scripts still run: each once, on the smallest input, in its own interpreter
(they pin themselves to one core, which must not reach the test process). No figure they print
is checked here -- timings belong to on-demand runs on a quiet machine -- only that each ends
with status 0 and prints what its README paragraph says it prints."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytest.importorskip("scipy")


def bench(tmp_path: Path, script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / script), *args],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.mark.slow
def test_derive_catalog(tmp_path):
    out = json.loads(bench(tmp_path, "derive_catalog.py", "--only", "poisson", "--json"))
    assert [r["name"] for r in out["results"]] == ["poisson"]
    assert out["results"][0]["closed_form"] is True and out["results"][0]["error"] is None


@pytest.mark.slow
def test_fit_speed(tmp_path):
    out = json.loads(bench(tmp_path, "fit_speed.py", "--quick", "--only", "poisson", "hw_power",
                           "--n", "20000", "--json"))
    assert {r["name"] for r in out["rows"]} == {"poisson", "hw_power"}
    assert not out["summary"]["failed"] and all(r["error"] is None for r in out["rows"])


@pytest.mark.slow
def test_fit_memory(tmp_path):
    # the targets are stated at 10⁶ (a block of temporaries is about 1 MB, whatever n)
    out = json.loads(bench(tmp_path, "fit_memory.py", "--only", "poisson", "gamma", "--json",
                           "--check"))
    assert [r["name"] for r in out["rows"]] == ["poisson", "gamma"]
    assert out["summary"]["met"] == 2  # allocation counts, not timings: the same on any machine


@pytest.mark.slow
def test_regression_speed(tmp_path):
    out = bench(tmp_path, "regression_speed.py", "--rows", "500", "--covariates", "2")
    assert "linear_regression" in out and "lstsq" in out


@pytest.mark.slow
def test_fuzz(tmp_path):
    out = bench(tmp_path, "fuzz.py", "--minutes", "0.05", "--seed", "1", "--json", "fuzz.json")
    assert "failures: none" in out, out[-2000:]
    assert json.loads((tmp_path / "fuzz.json").read_text())
