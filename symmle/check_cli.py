"""The ``symmle check`` subcommand: flags, and the file form (TOML, YAML or JSON).

::

    symmle check MODEL [model options] [--log-likelihood EXPR] [--score [NAME=]EXPR]...
                       [--mle [NAME=]EXPR]... [--fisher [NAME[,NAME]=]EXPR|MATRIX]...
                       [--se [NAME=]EXPR]... [--g EXPR [--g-mle EXPR] [--g-se EXPR]]...
                       [--seed N]
                       [--format text|json|md|latex] [--standalone] [-o FILE]
    symmle check FILE.toml

The exit status is 0 when every claimed step is right, 16 (:class:`~symmle.errors.ClaimWrong`)
when one is wrong, 17 (:class:`~symmle.errors.ClaimUndetermined`) when none is wrong but one
could not be decided, and an error's code otherwise.

A check file holds the model and the claims::

    model = "exponential"            # or a density string, with support = "..."
    # params = ["theta:positive"]    known = ["mu:real"]    var = "x"
    [claims]
    log_likelihood = 'n \\log\\lambda - \\lambda \\sum_{i=1}^n x_i'
    mle = '\\hat\\lambda = 1/\\bar{x}'
    # score, fisher; for several parameters a table: mle = {mu = "xbar", sigma2 = "..."}
    # the Fisher information also as a table of entries, {mu = "1/sigma2", "mu,sigma2" = "0"},
    # or as the whole matrix, a list of rows: fisher = [["1/sigma2", "0"], ["0", "..."]]
    # se = '\\lambda/\\sqrt{n}'; g = [{function = "1/lambda", mle = "xbar", se = "..."}]

A Fisher information matrix has its rows and columns in the order of the model's parameters
(``symmle derive MODEL`` lists them).
"""
from __future__ import annotations

import argparse
import json
import os
from typing import Any, Callable

from .errors import ParseError

__all__ = ["add_check_parser", "read_check_file", "MAX_FILE_BYTES"]

MAX_FILE_BYTES = 1_000_000
FILE_SUFFIXES = (".toml", ".yaml", ".yml", ".json")
_MODEL_KEYS = {"model", "var", "params", "known", "support", "timeout"}
_CLAIM_KEYS = {"log_likelihood", "score", "mle", "fisher", "se", "g"}


def add_check_parser(commands: Any, add_model_options: Callable, add_output_options: Callable,
                     ) -> None:
    check = commands.add_parser(
        "check", allow_abbrev=False, help="check a derivation done by hand, step by step",
        description="Check claimed steps of a derivation of the MLE of MODEL (LaTeX or plain "
                    "syntax): each gets a verdict; a wrong one a counterexample and the most "
                    "likely slip. MODEL may also be a .toml, .yaml or .json file holding the "
                    "model and the claims. Exit status: 0 when every claimed step is right, "
                    "16 when one is wrong, 17 when one could not be decided.")
    add_model_options(check, fitting=False)
    claims = check.add_argument_group("claimed steps (any subset)")
    claims.add_argument("--log-likelihood", metavar="EXPR", dest="log_likelihood", default=None,
                        help=r"the log-likelihood, e.g. 'n\log\lambda - \lambda\sum_i x_i'")
    claims.add_argument("--score", metavar="[NAME=]EXPR", action="append", default=[],
                        help="the score (NAME=EXPR for each parameter of a model with several)")
    claims.add_argument("--mle", metavar="[NAME=]EXPR", action="append", default=[],
                        help=r"the MLE, e.g. 'lambda=1/\bar{x}'; repeat for each parameter")
    claims.add_argument("--fisher", metavar="[NAME[,NAME]=]EXPR|MATRIX", action="append",
                        default=[],
                        help="the Fisher information, per observation or for n observations: "
                             "NAME=EXPR a diagonal entry, NAME1,NAME2=EXPR an off-diagonal one "
                             "(symmetric), or the whole matrix, '[[1/sigma2, 0], [0, "
                             "1/(2*sigma2^2)]]' or '\\begin{pmatrix} .. & .. \\\\ .. & .. "
                             "\\end{pmatrix}' (or bmatrix), rows and columns in the order of "
                             "the model's parameters")
    claims.add_argument("--se", metavar="[NAME=]EXPR", action="append", default=[],
                        dest="standard_error",
                        help=r"the standard error of an MLE, e.g. '\sqrt{\bar x/n}' (at the "
                             "estimate) or 'sqrt(lambda/n)' (in the parameter); NAME=EXPR for "
                             "each parameter of a model with several")
    claims.add_argument("--g", metavar="EXPR", action="append", default=[], dest="functions",
                        help="a function g of the parameters, e.g. 'exp(-lambda)'; its claimed "
                             "MLE and standard error follow with --g-mle and --g-se (the k-th "
                             "of each goes with the k-th --g); repeatable")
    claims.add_argument("--g-mle", metavar="EXPR", action="append", default=[], dest="g_mle",
                        help=r"the MLE of the function of --g, e.g. 'e^{-\bar x}'")
    claims.add_argument("--g-se", metavar="EXPR", action="append", default=[], dest="g_se",
                        help="the standard error of the MLE of the function of --g (delta "
                             "method)")
    claims.add_argument("--seed", type=int, default=0,
                        help="seed of the random points of the numeric cross-check")
    add_output_options(check, rendering=True)
    check.set_defaults(run=run_check)


def _claim_value(values: list[str], what: str) -> str | dict[str, str] | None:
    """One bare claim stays a string; several (or NAME=EXPR forms) are passed as a list."""
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return _Several(values)


def _times(k: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(k, f"{k} times")


def _functions(functions: list[str], mles: list[str], ses: list[str],
               ) -> list[dict[str, str]] | None:
    """``--g`` with its ``--g-mle`` and ``--g-se``, the k-th of each with the k-th ``--g``."""
    for flag, values in (("--g-mle", mles), ("--g-se", ses)):
        if len(values) > len(functions):
            raise ParseError(f"{flag} is given {_times(len(values))} but --g "
                             f"{_times(len(functions))}: each {flag} goes with a --g (the "
                             "function g of the parameters), in order")
    if not functions:
        return None
    out = []
    for k, g in enumerate(functions):
        item = {"function": g}
        item.update({key: values[k] for key, values in (("mle", mles), ("se", ses))
                     if k < len(values)})
        if len(item) == 1:
            raise ParseError(f"--g {g[:40]}: give its claimed MLE (--g-mle) or standard error "
                             "(--g-se)")
        out.append(item)
    return out


class _Several(list):
    """Repeated ``--score NAME=EXPR`` flags, resolved by :func:`symmle.check` one by one."""


def read_check_file(path: str) -> dict[str, Any]:
    """Read a check file: a table with ``model`` (and model options) and ``claims``.

    Raises
    ------
    ParseError
        The file is missing, too large, not valid TOML/YAML/JSON, or has unknown keys.
    """
    try:
        size = os.path.getsize(path)
        if size > MAX_FILE_BYTES:
            raise ParseError(f"{path}: the check file is too large ({size} bytes; at most "
                             f"{MAX_FILE_BYTES})")
        with open(path, "rb") as handle:
            raw = handle.read()
    except OSError as exc:
        raise ParseError(f"{path}: cannot read the check file ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ParseError(f"{path}: the check file is not UTF-8 text") from None
    try:
        if path.endswith(".toml"):
            try:
                import tomllib
            except ImportError:  # Python 3.10
                import tomli as tomllib  # type: ignore[no-redef]
            data = tomllib.loads(text)
        elif path.endswith(".json"):
            data = json.loads(text)
        else:
            try:
                import yaml
            except ImportError:
                raise ParseError(f"{path}: reading YAML needs PyYAML (pip install pyyaml); "
                                 "or write the file as TOML") from None
            data = yaml.safe_load(text)
    except ParseError:
        raise
    except Exception as exc:  # noqa: BLE001 - any syntax error of the file format
        raise ParseError(f"{path}: not a valid check file ({type(exc).__name__}: "
                         f"{str(exc)[:200]})") from None
    if not isinstance(data, dict) or "model" not in data:
        raise ParseError(f"{path}: the check file needs a 'model' key and a 'claims' table")
    claims = data.get("claims", {})
    unknown = (set(data) - _MODEL_KEYS - {"claims"}) | (
        set(claims) - _CLAIM_KEYS if isinstance(claims, dict) else set())
    if not isinstance(claims, dict) or unknown:
        raise ParseError(f"{path}: unknown keys {sorted(map(str, unknown))}; the model keys are "
                         f"{sorted(_MODEL_KEYS)} and the claims {sorted(_CLAIM_KEYS)}")
    for key, value in [*data.items(), *claims.items()]:
        if key == "claims":
            continue
        if key == "fisher" and _fisher_value_ok(value):
            continue
        if key == "g" and _g_value_ok(value):
            continue
        ok = isinstance(value, (str, int, float)) or (
            isinstance(value, list) and all(isinstance(v, str) for v in value)) or (
            isinstance(value, dict) and all(isinstance(v, str) for v in value.values()))
        if not ok:
            raise ParseError(f"{path}: '{key}' must be a string, a list of strings or a table "
                             "of strings")
    return data


def _g_value_ok(value: Any) -> bool:
    """Functions of the parameters with their claims: a table ``function → claimed MLE`` (or
    ``→ {mle = .., se = ..}``), or a list of tables ``{function, mle, se}``."""
    def claims(v: Any) -> bool:
        return isinstance(v, str) or (isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(w, str) for k, w in v.items()))

    if isinstance(value, list):
        return bool(value) and all(isinstance(v, dict) and claims(v) for v in value)
    return isinstance(value, dict) and all(claims(v) for v in value.values())


def _fisher_value_ok(value: Any) -> bool:
    """A matrix (a list of rows of strings or numbers), or a table of entries (``"mu,sigma2"``
    keys, or ``mu = {mu = .., sigma2 = ..}``); the shape is checked against the model later."""
    def cell(v: Any) -> bool:
        return isinstance(v, (str, int, float)) and not isinstance(v, bool)

    if isinstance(value, list):
        return bool(value) and all(isinstance(r, list) and all(cell(v) for v in r)
                                   for r in value)
    if isinstance(value, dict):
        return all(cell(v) or (isinstance(v, dict) and all(cell(w) for w in v.values()))
                   for v in value.values())
    return False


def run_check(args: argparse.Namespace) -> tuple[str, int]:
    from .check import check
    from .cli import _known, _model_kwargs

    if args.standalone and args.format != "latex":
        raise ParseError("--standalone goes with --format latex")
    known, _ = _known(args.known, values_allowed=False)
    kwargs = _model_kwargs(args, known)
    if args.covariate:  # derived as such, so that check() can say what it does not handle
        kwargs.update(var=args.var, covariates=args.covariate)
    claims: dict[str, Any] = {
        "log_likelihood": args.log_likelihood,
        "score": _claim_value(args.score, "score"),
        "mle": _claim_value(args.mle, "mle"),
        "fisher": _claim_value(args.fisher, "fisher"),
        "standard_error": _claim_value(args.standard_error, "se"),
        "g": _functions(args.functions, args.g_mle, args.g_se),
    }
    model = args.model
    if model.endswith(FILE_SUFFIXES) and os.path.isfile(model):
        data = read_check_file(model)
        model = data["model"]
        from .cli import _params

        for key in ("var", "support", "timeout"):
            if key in data:
                kwargs[key] = data[key]
        for key in ("params", "known"):
            if key in data:
                value = data[key]
                kwargs[key] = _params(value) if isinstance(value, list) else value
        file_claims = data.get("claims", {})
        for key, value in file_claims.items():
            key = "standard_error" if key == "se" else key
            if claims.get(key) is None:
                claims[key] = value
    for key, value in list(claims.items()):
        if isinstance(value, _Several):
            merged: dict[str, str] = {}
            from .claims import drop_equals_zero, lhs_is_name, split_assignment, split_chain

            for item in value:
                if key == "score":  # the score equation, "... = 0"
                    item = drop_equals_zero(item)
                parts = split_chain(item)
                if len(parts) >= 3 and lhs_is_name(parts[0]):  # NAME = A = B: keep the chain
                    lhs, rhs = parts[0].strip(), item
                else:
                    lhs, rhs = split_assignment(item)
                if lhs is None:
                    flag = "se" if key == "standard_error" else key.replace("_", "-")
                    raise ParseError(f"--{flag}: with several values, write "
                                     f"NAME=EXPR for each ('{item[:40]}')")
                merged[lhs] = rhs
            claims[key] = merged
    if all(v is None for v in claims.values()):
        raise ParseError("nothing to check: give at least one of --log-likelihood, --score, "
                         "--mle, --fisher, --se, --g with --g-mle or --g-se (or a 'claims' "
                         "table in the file)")
    report = check(model, seed=args.seed, **claims, **kwargs)
    if args.format == "json":
        out = report.to_json()
    elif args.format == "md":
        out = report.to_markdown()
    elif args.format == "latex":
        out = report.to_latex(standalone=args.standalone)
    else:
        out = report.to_text()
    return out, report.exit_code
