"""Tests of the command line: flags, JSON contract, output files, errors and exit codes.

Most tests call :func:`symmle.cli.main` in-process; one runs ``python -m symmle`` for real.
"""
from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

import symmle
import symmle.families
from symmle import cli
from symmle.errors import DataError, ModelSpecError, ParseError, SymmleError

ROOT = Path(cli.__file__).resolve().parent.parent


def run(capsys, *argv):
    """main(argv) in-process → (exit status, stdout, stderr)."""
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(err, kind="error"):
    lines = err.splitlines()
    assert lines, "nothing on stderr"
    assert lines[0].startswith(f"symmle: {kind}: "), err
    assert "Traceback" not in err
    return lines


# --- derive ---------------------------------------------------------------------------------------


def test_derive_poisson_text(capsys):
    status, out, err = run(capsys, "derive", "poisson")
    assert status == 0, err
    assert out.strip()
    assert "Traceback" not in err


def test_derive_poisson_json_contract(capsys):
    status, out, err = run(capsys, "derive", "poisson", "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert result["parameters"] == ["lambda"]
    assert result["closed_form"] is True
    assert isinstance(result["mle"], dict) and set(result["mle"]) == {"lambda"}
    assert all(isinstance(v, str) for v in result["mle"].values())
    assert isinstance(result["method"], dict) and "lambda" in result["method"]
    fisher = result["fisher_information"]
    assert fisher is None or (
        isinstance(fisher, list)
        and all(isinstance(row, list) and all(isinstance(v, str) for v in row) for row in fisher)
    )
    assert isinstance(result["second_order"], dict)
    assert {"verdict", "reason"} <= set(result["second_order"])
    assert isinstance(result["warnings"], list)
    assert all(isinstance(w, str) for w in result["warnings"])


@pytest.mark.parametrize("alias, short", [("markdown", "md"), ("Markdown", "md"),
                                          ("tex", "latex"), ("JSON", "json")])
def test_format_names_people_type_are_understood(capsys, alias, short):
    status, out, err = run(capsys, "derive", "poisson", "--format", alias)
    assert status == 0, err
    assert out == run(capsys, "derive", "poisson", "--format", short)[1]


def test_an_unknown_format_is_a_usage_error_naming_the_choices(capsys):
    status, out, err = run(capsys, "fit", "poisson", "--data", "x.txt", "--format", "md")
    assert status == 2 and not out
    assert "invalid choice: 'md' (choose from 'text', 'json')" in err


def test_derive_density_string_with_param_and_support(capsys):
    status, out, err = run(capsys, "derive", "theta*x**(theta-1)", "--param", "theta:positive",
                           "--support", "0 < x < 1", "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert result["parameters"] == ["theta"]
    assert result["closed_form"] is True
    assert isinstance(result["mle"]["theta"], str) and result["mle"]["theta"]


@pytest.mark.parametrize("support", [["--support", "-oo < x < oo"], ["--support=-oo < x < oo"]])
def test_support_may_start_with_a_dash(capsys, support):
    status, out, err = run(capsys, "derive", "exp(-(x-mu)**2/2)/sqrt(2*pi)", "--param", "mu:real",
                           *support, "--format", "json")
    assert status == 0, err
    assert json.loads(out)["parameters"] == ["mu"]


def test_a_missing_value_is_still_a_usage_error(capsys):
    status, _, err = run(capsys, "derive", "poisson", "--support", "--format", "json")
    assert status == 2
    assert "--support: expected one argument" in err


def test_derive_output_file(capsys, tmp_path):
    target = tmp_path / "poisson.json"
    status, out, err = run(capsys, "derive", "poisson", "--format", "json", "-o", target)
    assert status == 0, err
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["parameters"] == ["lambda"]


def test_derive_output_file_text_ends_with_newline(capsys, tmp_path):
    target = tmp_path / "poisson.txt"
    status, out, err = run(capsys, "derive", "poisson", "--output", target)
    assert status == 0, err
    assert out == ""
    assert target.read_text(encoding="utf-8").endswith("\n")


class FakeResult:
    def __init__(self, payload):
        self.payload = payload

    def to_json(self):
        return json.dumps(self.payload)

    def to_text(self):
        return "fake"


def test_derive_flags_reach_the_engine(capsys, monkeypatch):
    calls = []

    def fake_derive(model, **kwargs):
        calls.append((model, kwargs))
        return FakeResult({"ok": True})

    monkeypatch.setattr(symmle, "derive", fake_derive)
    status, out, err = run(
        capsys, "derive", "exp(-(x-mu)**2/(2*s))/sqrt(2*pi*s)", "--var", "x",
        "--param", "s:positive", "--known", "mu:real", "--support", "-oo < x < oo",
        "--g", "sqrt(s)", "--g", "log(s)", "--timeout", "2.5", "--no-normalize-check",
        "--format", "json")
    assert status == 0, err
    assert json.loads(out) == {"ok": True}
    (model, kwargs), = calls
    assert model == "exp(-(x-mu)**2/(2*s))/sqrt(2*pi*s)"
    assert kwargs == {"var": "x", "params": {"s": "positive"}, "known": {"mu": "real"},
                      "support": "-oo < x < oo", "functions": ["sqrt(s)", "log(s)"],
                      "timeout": 2.5, "normalize_check": False}


def test_derive_defaults_reach_the_engine(capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(symmle, "derive",
                        lambda model, **kw: calls.append((model, kw)) or FakeResult({}))
    status, out, _ = run(capsys, "derive", "poisson")
    assert status == 0
    assert out == "fake\n"
    assert calls == [("poisson", {"var": "x", "params": None, "known": None, "support": None,
                                  "functions": None, "timeout": 30.0,
                                  "normalize_check": True})]


def test_param_without_domain_is_left_to_the_engine(capsys, monkeypatch):
    calls = []
    monkeypatch.setattr(symmle, "derive",
                        lambda model, **kw: calls.append(kw) or FakeResult({}))
    assert run(capsys, "derive", "theta*x**(theta-1)", "--param", "theta",
               "--support", "0 < x < 1")[0] == 0
    assert calls[0]["params"] == {"theta": None}


# --- fit ------------------------------------------------------------------------------------------


COUNTS = [2, 0, 3, 1, 4, 2, 2, 1]


def poisson_log_likelihood(xs, lam):
    return sum(x * math.log(lam) - lam - math.lgamma(x + 1) for x in xs)


def test_fit_poisson_json_contract(capsys, tmp_path):
    data = tmp_path / "counts.txt"
    data.write_text("# goals per match\n" + "\n".join(map(str, COUNTS)) + "\n")
    status, out, err = run(capsys, "fit", "poisson", "--data", data, "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert {"estimates", "standard_errors", "log_likelihood", "method", "converged", "n"} <= set(
        result)
    mean = sum(COUNTS) / len(COUNTS)
    assert result["n"] == len(COUNTS)
    assert result["estimates"]["lambda"] == pytest.approx(mean)
    assert result["standard_errors"]["lambda"] == pytest.approx(math.sqrt(mean / len(COUNTS)))
    assert result["log_likelihood"] == pytest.approx(poisson_log_likelihood(COUNTS, mean))
    assert isinstance(result["converged"], bool)


def test_fit_poisson_text(capsys, tmp_path):
    data = tmp_path / "counts.txt"
    data.write_text(" ".join(map(str, COUNTS)) + "\n")
    status, out, err = run(capsys, "fit", "poisson", "--data", data)
    assert status == 0, err
    assert out.strip()


def test_fit_with_known_value(capsys, tmp_path):
    xs = [1.2, 0.7, 2.9, 1.8, 1.1]
    data = tmp_path / "x.txt"
    data.write_text("\n".join(map(str, xs)) + "\n")
    status, out, err = run(capsys, "fit", "normal_variance", "--data", data,
                           "--known", "mu=1.5", "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert result["n"] == len(xs)
    assert result["estimates"]["sigma2"] == pytest.approx(
        sum((x - 1.5) ** 2 for x in xs) / len(xs))


def test_fit_csv_column(capsys, tmp_path):
    minutes = [31.5, 28.0, 40.25, 35.0]
    data = tmp_path / "runs.csv"
    data.write_text("day,minutes\n" + "".join(
        f"{day},{m}\n" for day, m in zip(["mon", "tue", "wed", "thu"], minutes)))
    status, out, err = run(capsys, "fit", "exponential", "--data", data, "--column", "minutes",
                           "--format", "json")
    assert status == 0, err
    result = json.loads(out)
    assert result["n"] == len(minutes)
    assert result["estimates"]["lambda"] == pytest.approx(len(minutes) / sum(minutes))


def test_fit_flags_reach_the_engine(capsys, monkeypatch, tmp_path):
    calls = []

    def fake_fit(model, data, **kwargs):
        calls.append((model, data.tolist(), kwargs))
        return FakeResult({"estimates": {}})

    monkeypatch.setattr(symmle, "fit", fake_fit)
    data = tmp_path / "x.csv"
    data.write_text("a,b\n1,2\n3,4\n")
    status, _, err = run(capsys, "fit", "exp(-(x-mu)**2/(2*s))/sqrt(2*pi*s)", "--data", data,
                         "--column", "b", "--param", "s:positive", "--known", "mu=1.5",
                         "--known", "mu:real", "--known", "c=-2e-1", "--support", "-oo < x < oo",
                         "--timeout", "7", "--no-normalize-check", "--format", "json")
    assert status == 0, err
    (model, values, kwargs), = calls
    assert values == [2.0, 4.0]
    assert kwargs == {"known_values": {"mu": 1.5, "c": -0.2}, "var": "x",
                      "params": {"s": "positive"}, "known": {"mu": "real", "c": None},
                      "support": "-oo < x < oo", "timeout": 7.0, "normalize_check": False}


# --- catalog --------------------------------------------------------------------------------------


def test_catalog_json(capsys):
    status, out, err = run(capsys, "catalog", "--format", "json")
    assert status == 0, err
    entries = json.loads(out)
    assert isinstance(entries, list)
    from symmle.families._vector import VECTOR_FAMILIES
    assert [e["name"] for e in entries] == [f.name for f in (
        *symmle.families.FAMILIES, *symmle.families.CONDITIONAL_FAMILIES, *VECTOR_FAMILIES)]
    extra = {"one-sample": set(), "conditional": {"response", "covariates"},
             "vector": {"variables", "constraints"}}
    for entry in entries:
        assert set(entry) == {"name", "title", "density", "params", "known", "support",
                              "parameterization", "aliases", "kind", "data"} | extra[entry["kind"]]
        assert isinstance(entry["params"], dict) and entry["params"]
        assert isinstance(entry["known"], dict)
        assert isinstance(entry["aliases"], list)
    assert [e["kind"] for e in entries].count("one-sample") == len(symmle.families.FAMILIES)
    poisson = next(e for e in entries if e["name"] == "poisson")
    assert poisson["params"] == {"lambda": "positive"} and poisson["kind"] == "one-sample"
    logit = next(e for e in entries if e["name"] == "logistic_regression")
    assert (logit["kind"], logit["response"], logit["covariates"]) == ("conditional", "y", ["x"])
    multinomial = next(e for e in entries if e["name"] == "multinomial")
    assert multinomial["variables"] == ["x1", "x2", "x3"]
    assert multinomial["constraints"] == ["p1 + p2 + p3 = 1"]
    assert multinomial["data"].startswith("vector x1,x2,x3")


def test_catalog_text_is_aligned_tables_one_per_kind(capsys):
    status, out, err = run(capsys, "catalog")
    assert status == 0, err
    sections = out.split("\n\n")
    assert len(sections) == 3
    from symmle.families._vector import VECTOR_FAMILIES
    kinds = (symmle.families.FAMILIES, symmle.families.CONDITIONAL_FAMILIES, VECTOR_FAMILIES)
    for k, (section, families) in enumerate(zip(sections, kinds)):
        lines = section.splitlines()
        if k:  # a sentence saying what data the section's models take, then the table
            assert ("response and covariates" if k == 1 else "column per component") in lines[0]
            lines = lines[1:]
            assert lines[0].split()[:4] == ["NAME", "DATA", "PARAMETERS", "SUPPORT"]
        else:
            assert lines[0].split()[:3] == ["NAME", "PARAMETERS", "SUPPORT"]
        assert len(lines) == 1 + len(families)
        column = lines[0].index("PARAMETERS")
        for line, family in zip(lines[1:], families):
            assert line.startswith(family.name + " ")
            assert line[column - 1] == " " and line[column] != " "
    assert "linear_regression    y | x  " in out and "multinomial     x1,x2,x3  " in out


# --- errors ---------------------------------------------------------------------------------------


def test_unknown_family(capsys):
    status, out, err = run(capsys, "derive", "no_such_family")
    assert status == ModelSpecError.exit_code
    assert len(assert_one_line_error(err)) == 1
    assert out == ""


def test_bad_density_string(capsys):
    status, out, err = run(capsys, "derive", "theta*x**(theta-1", "--param", "theta:positive",
                           "--support", "0 < x < 1")
    assert status != 0
    assert status == ParseError.exit_code
    assert_one_line_error(err)
    assert out == ""


def test_missing_data_file(capsys, tmp_path):
    status, out, err = run(capsys, "fit", "poisson", "--data", tmp_path / "nowhere.txt")
    assert status == DataError.exit_code
    lines = assert_one_line_error(err)
    assert len(lines) == 1 and "nowhere.txt" in lines[0]


def test_json_error_shape(capsys):
    status, out, err = run(capsys, "derive", "no_such_family", "--format", "json")
    assert status == ModelSpecError.exit_code
    payload = json.loads(out)
    assert set(payload) == {"error"}
    assert payload["error"]["type"] == "ModelSpecError"
    assert isinstance(payload["error"]["message"], str) and payload["error"]["message"]
    assert_one_line_error(err)


def test_json_error_shape_for_data(capsys, tmp_path):
    status, out, _ = run(capsys, "fit", "poisson", "--data", tmp_path / "none.txt",
                         "--format", "json")
    assert status == DataError.exit_code
    assert json.loads(out)["error"]["type"] == "DataError"


@pytest.mark.parametrize("error", [ModelSpecError("bad model"), DataError("bad data"),
                                   SymmleError("generic")])
def test_every_symmle_error_maps_to_its_exit_code(capsys, monkeypatch, error):
    def fail(*args, **kwargs):
        raise error

    monkeypatch.setattr(symmle, "derive", fail)
    status, _, err = run(capsys, "derive", "poisson")
    assert status == type(error).exit_code
    assert err == f"symmle: error: {error}\n"


def test_multi_line_message_keeps_its_caret(capsys, monkeypatch):
    def fail(*args, **kwargs):
        raise ParseError("unknown name 'thta'", text="theta*x**(thta-1)", position=10,
                         where="density")

    monkeypatch.setattr(symmle, "derive", fail)
    status, _, err = run(capsys, "derive", "poisson")
    assert status == 2
    lines = err.splitlines()
    assert lines[0] == "symmle: error: density: unknown name 'thta'"
    assert lines[-1].strip() == "^"


def test_internal_error_is_one_line_and_exit_70(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("something\nbroke")

    monkeypatch.setattr(symmle, "derive", boom)
    status, out, err = run(capsys, "derive", "poisson")
    assert status == 70
    assert err == "symmle: internal error: RuntimeError: something broke (please report)\n"
    assert out == ""


def test_internal_error_in_json(capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(symmle, "derive", boom)
    status, out, _ = run(capsys, "derive", "poisson", "--format", "json")
    assert status == 70
    assert json.loads(out)["error"]["type"] == "ZeroDivisionError"


def test_keyboard_interrupt_exits_130_quietly(capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(symmle, "derive", interrupted)
    status, out, err = run(capsys, "derive", "poisson")
    assert (status, out, err) == (130, "", "")


def test_unwritable_output_file(capsys, tmp_path):
    status, _, err = run(capsys, "catalog", "-o", tmp_path / "no" / "such" / "dir.txt")
    assert status == 1
    assert len(assert_one_line_error(err)) == 1


@pytest.mark.parametrize("argv", [
    [],
    ["derive"],
    ["fit", "poisson"],  # --data is required
    ["derive", "poisson", "--format", "yaml"],
    ["derive", "poisson", "--timeout", "0"],
    ["derive", "poisson", "--timeout", "soon"],
    ["frobnicate"],
])
def test_usage_errors_exit_2(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert "usage:" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("argv", [
    ["derive", "poisson", "--known", "mu=1.5"],  # values are for fit
    ["derive", "poisson", "--param", "lambda=2"],  # a parameter has no value
    ["fit", "poisson", "--data", "x", "--known", "mu=abc"],
    ["fit", "poisson", "--data", "x", "--known", "mu=nan"],
    ["fit", "poisson", "--data", "x", "--known", "mu=1", "--known", "mu=2"],
])
def test_bad_specs_are_parse_errors(capsys, argv):
    status, out, err = run(capsys, *argv)
    assert status == ParseError.exit_code
    assert len(assert_one_line_error(err)) == 1


def test_version(capsys):
    status, out, _ = run(capsys, "--version")
    assert status == 0
    assert out.startswith("symmle ")


def test_help_exits_0(capsys):
    status, out, _ = run(capsys, "fit", "--help")
    assert status == 0
    for flag in ("--data", "--column", "--known", "--param", "--support", "--var", "--timeout",
                 "--no-normalize-check", "--format", "--output"):
        assert flag in out


# --- the real thing -----------------------------------------------------------------------------


def test_python_dash_m_symmle(tmp_path):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])}
    done = subprocess.run([sys.executable, "-m", "symmle", "derive", "poisson", "--format",
                           "json"], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["parameters"] == ["lambda"]
    assert "Traceback" not in done.stderr

    bad = subprocess.run([sys.executable, "-m", "symmle", "derive", "no_such_family"],
                         capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    assert bad.returncode == ModelSpecError.exit_code
    assert bad.stderr.startswith("symmle: error: ") and len(bad.stderr.splitlines()) == 1


def test_a_catalog_name_with_a_restricted_domain(capsys, tmp_path):
    data = tmp_path / "x.txt"
    data.write_text("1\n1\n1\n0\n1\n", encoding="utf-8")
    status, out, err = run(capsys, "fit", "bernoulli", "--param", "p:(0, 1/2]", "--data", data,
                           "--format", "json")
    assert status == 0, err
    assert json.loads(out)["estimates"]["p"] == 0.5  # min(x̄ = 0.8, 1/2)
    status, out, err = run(capsys, "derive", "poisson", "--param", "mu:positive")
    assert status != 0 and "the family 'poisson' has no parameter" in err
    # a bad domain for a family's parameter: the parse error, with its position, no traceback
    status, out, err = run(capsys, "derive", "bernoulli", "--param", "p:(0, foo]")
    assert status == symmle.errors.UnknownNameError.exit_code
    assert assert_one_line_error(err)[0] == ("symmle: error: domain of p: unknown name 'foo' "
                                             "at position 4")
    status, out, err = run(capsys, "derive", "bernoulli", "--param", "p:__import__('os')")
    assert status == ParseError.exit_code and "unknown domain" in err and "Traceback" not in err
