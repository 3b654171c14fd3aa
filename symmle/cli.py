"""The ``symmle`` command: a thin shell over :func:`symmle.derive` and :func:`symmle.fit`.

::

    symmle derive MODEL [--var x] [--param NAME[:DOMAIN]]... [--known NAME[:DOMAIN]]...
                        [--support S] [--g EXPR]... [--timeout SECONDS] [--no-normalize-check]
                        [--format text|json|md|latex] [--standalone]
                        [--detail full|brief] [-o FILE]
                        [--data FILE [--column NAME] --plot]
    symmle fit MODEL --data FILE [--column NAME] [--counts NAME] [same model options]
                     [--known NAME=VALUE]... [--format text|json] [-o FILE]
    symmle catalog [--format text|json] [-o FILE]
    symmle check MODEL [same model options] [--log-likelihood EXPR] [--score [NAME=]EXPR]...
                       [--mle [NAME=]EXPR]... [--fisher [NAME=]EXPR]... [--seed N]
                       [--format text|json|md|latex] [--standalone] [-o FILE]
    symmle check FILE.toml|FILE.yaml|FILE.json [--format ...]
    symmle --version

MODEL is a catalog name (``symmle catalog`` lists them) or a density string such as
``"theta*x**(theta-1)"`` with ``--support "0 < x < 1"``.

The flags and the JSON keys are a contract that other programs read. Errors never show a
traceback: an error symmle raises on purpose prints ``symmle: error: <message>`` on stderr and
exits with that error's ``exit_code`` (see :mod:`symmle.errors`); with ``--format json`` it also
prints ``{"error": {"type": ..., "message": ...}}`` on stdout. Anything unexpected prints
``symmle: internal error: ...`` and exits 70; an interrupt exits 130; a usage error exits 2.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from typing import TYPE_CHECKING, Any, Callable, Sequence, TextIO

from .errors import DataError, ParseError, SymmleError

if TYPE_CHECKING:  # pragma: no cover - numpy is imported where a command needs it
    import numpy as np

__all__ = ["main", "build_parser"]

PROG = "symmle"
EXIT_INTERNAL = 70  # EX_SOFTWARE from sysexits.h
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_OUTPUT = 1  # the output file could not be written


# --- the parser -----------------------------------------------------------------------------------


def _positive_seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds: {text!r}")
    return value


def _add_model_options(parser: argparse.ArgumentParser, *, fitting: bool) -> None:
    parser.add_argument(
        "model", metavar="MODEL",
        help="a catalog name (see 'symmle catalog') or a density string, e.g. "
             "\"theta*x**(theta-1)\" (give --support with a density string)",
    )
    group = parser.add_argument_group("model options")
    group.add_argument("--var", metavar="NAME", default=None,
                       help="the observation variable (default: x); names separated by commas "
                            "(x1,x2,x3) for a vector observation")
    group.add_argument("--param", metavar="NAME[:DOMAIN]", action="append", default=[],
                       help="an unknown parameter and its domain, e.g. theta:positive or "
                            "'p:(0, 1)'; repeat for each (default: every other name in the "
                            "density, with an assumed domain)")
    if fitting:
        known_help = ("a known constant: NAME=VALUE gives its value (a number), NAME:DOMAIN its "
                      "domain; both may be given for one name; repeat for each")
        known_metavar = "NAME=VALUE|NAME:DOMAIN"
    else:
        known_help = "a known constant and its domain, e.g. mu:real; repeat for each"
        known_metavar = "NAME[:DOMAIN]"
    group.add_argument("--known", metavar=known_metavar, action="append", default=[],
                       help=known_help)
    group.add_argument("--covariate", metavar="NAME", action="append", default=[],
                       help="a covariate of a conditional model f(y | x, θ) (regression); "
                            "repeatable; --var is then the response (default y)")
    group.add_argument("--support", metavar="S", default=None,
                       help="the support of the variable, e.g. '0 < x < 1', 'x > 0', "
                            "'{0, 1, 2, ...}' (required with a density string)")
    group.add_argument("--constraint", metavar="EQUATION", action="append", default=[],
                       help="an equality constraint on the parameters, e.g. "
                            "'p1 + p2 + p3 = 1' (Lagrange multipliers); repeatable")
    group.add_argument("--timeout", metavar="SECONDS", type=_positive_seconds, default=30.0,
                       help="time bound for each long symbolic step (default: 30)")
    group.add_argument("--no-normalize-check", dest="normalize_check", action="store_false",
                       help="do not check that the density sums or integrates to 1")


_FORMAT_ALIASES = {"markdown": "md", "tex": "latex", "txt": "text"}


def _format_name(text: str) -> str:
    """``--format``'s value, with the names people also type (markdown, tex) for the short ones."""
    return _FORMAT_ALIASES.get(text.lower(), text.lower())


def _add_output_options(parser: argparse.ArgumentParser, *, rendering: bool = False) -> None:
    group = parser.add_argument_group("output")
    if rendering:
        group.add_argument("--format", choices=("text", "json", "md", "latex"), default="text",
                           type=_format_name,
                           help="plain text for people (default), JSON for programs, Markdown "
                                "($ math, for GitHub or Jupyter; also 'markdown') or a LaTeX "
                                "fragment (needs only amsmath and amssymb; also 'tex')")
        group.add_argument("--standalone", action="store_true",
                           help="with --format latex: a complete document for pdflatex")
        group.add_argument("--detail", choices=("full", "brief"), default="full",
                           help="every algebraic step (default) or the main results only")
    else:
        group.add_argument("--format", choices=("text", "json"), default="text",
                           type=_format_name,
                           help="plain text for people (default) or JSON for programs")
    group.add_argument("-o", "--output", metavar="FILE", default=None,
                       help="write the result to FILE instead of standard output")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``symmle`` command.

    Examples
    --------
    >>> args = build_parser().parse_args(["derive", "poisson", "--format", "json"])
    >>> args.command, args.model, args.format, args.timeout
    ('derive', 'poisson', 'json', 30.0)
    """
    parser = argparse.ArgumentParser(
        prog=PROG, allow_abbrev=False,
        description="Derive maximum likelihood estimators symbolically, step by step, "
                    "and apply them to data.",
        epilog="Run 'symmle COMMAND --help' for the options of a command.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    derive = commands.add_parser(
        "derive", allow_abbrev=False, help="derive the MLE of a model, with every step",
        description="Derive the maximum likelihood estimator of MODEL: the likelihood, the "
                    "score, its solution, the second-order check and the Fisher information.",
    )
    _add_model_options(derive, fitting=False)
    derive.add_argument("--g", metavar="EXPR", dest="functions", action="append", default=[],
                        help="a function of the parameters whose MLE is wanted too (by "
                             "invariance), e.g. 'exp(-lambda)'; repeatable")
    _add_output_options(derive, rendering=True)
    sample = derive.add_argument_group("plot")
    sample.add_argument("--plot", action="store_true",
                        help="with --data: a last section drawing the log-likelihood of the "
                             "sample around the estimate, one slice per parameter (pgfplots "
                             "with --format latex; with --format md an SVG FILE-loglik.svg "
                             "beside -o FILE.md, through matplotlib: pip install "
                             "'symmle[plot]')")
    sample.add_argument("--data", metavar="FILE", default=None,
                        help="with --plot: the sample, in the formats 'symmle fit' reads")
    sample.add_argument("--column", metavar="NAME", default=None,
                        help="with --data: the column to read from a CSV with several columns")
    derive.set_defaults(run=_run_derive)

    fit = commands.add_parser(
        "fit", allow_abbrev=False, help="estimate the parameters of a model from data",
        description="Fit MODEL to the observations in a file: estimates, standard errors and "
                    "the maximised log-likelihood.",
    )
    _add_model_options(fit, fitting=True)
    data = fit.add_argument_group("data")
    data.add_argument("--data", metavar="FILE", required=True,
                      help="numbers one per line (or separated by whitespace or commas), or a "
                           "CSV with a header row; '#' starts a comment")
    data.add_argument("--column", metavar="NAME", default=None,
                      help="the column to read from a CSV with several columns")
    data.add_argument("--counts", metavar="NAME", default=None,
                      help="grouped data: the CSV column of how many times each value (the "
                           "other column, or --column) was observed")
    _add_output_options(fit)
    fit.set_defaults(run=_run_fit)

    catalog = commands.add_parser(
        "catalog", allow_abbrev=False, help="list the named models",
        description="List the catalog of named models: name, parameters, support and title.",
    )
    _add_output_options(catalog)
    catalog.set_defaults(run=_run_catalog)

    from .check_cli import add_check_parser

    add_check_parser(commands, _add_model_options, _add_output_options)
    return parser


def _option_strings(parser: argparse.ArgumentParser) -> tuple[set[str], set[str]]:
    """All option strings of ``parser`` and its subcommands, and those that take a value."""
    every: set[str] = set()
    valued: set[str] = set()
    for action in parser._actions:
        every.update(action.option_strings)
        if action.option_strings and action.nargs != 0:
            valued.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                sub_every, sub_valued = _option_strings(sub)
                every |= sub_every
                valued |= sub_valued
    return every, valued


def _attach_dash_values(argv: Sequence[str], parser: argparse.ArgumentParser) -> list[str]:
    """Let an option's value start with a dash: ``--support "-oo < x < oo"``.

    argparse takes any word that starts with ``-`` for an option and reports the value as
    missing. A word after an option that takes a value, which starts with ``-`` but is not itself
    one of symmle's options, is that option's value: it is glued on (``--support=-oo < x < oo``).
    """
    every, valued = _option_strings(parser)
    out: list[str] = []
    words = list(argv)
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            out.extend(words[i:])
            break
        nxt = words[i + 1] if i + 1 < len(words) else None
        if (word in valued and nxt is not None and nxt.startswith("-") and nxt != "--"
                and nxt.split("=", 1)[0] not in every):
            out.append(f"{word}={nxt}" if word.startswith("--") else f"{word}{nxt}")
            i += 2
            continue
        out.append(_positional(word) if _not_an_option(word, every) else word)
        i += 1
    return out


_OPTION_NAME = re.compile(r"-[-A-Za-z0-9_]*")
_POSITIONAL = "\u2063"  # invisible separator: marks a word argparse must read as positional


def _not_an_option(word: str, every: set[str]) -> bool:
    """A word that starts with ``-`` but cannot be an option: a density such as
    ``-p**x/(x*log(1-p))`` or a claim such as ``-n/theta`` (its name part holds a character no
    option name has). argparse would take it for an unknown option."""
    return (word.startswith("-") and word != "--" and word.split("=", 1)[0] not in every
            and _OPTION_NAME.fullmatch(word.split("=", 1)[0]) is None)


def _positional(word: str) -> str:
    """``word`` with a space in front, which argparse reads as a positional argument (its rule:
    a word with a space is never an option); :func:`_restore_positionals` takes it off."""
    return f"{_POSITIONAL} {word}"


def _restore_positionals(args: argparse.Namespace) -> None:
    """Undo :func:`_positional` in every parsed value."""
    def restore(value: object) -> object:
        if isinstance(value, str) and value.startswith(f"{_POSITIONAL} "):
            return value[len(_POSITIONAL) + 1:]
        if isinstance(value, list):
            return [restore(v) for v in value]
        return value
    for key, value in vars(args).items():
        setattr(args, key, restore(value))


def _version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version
        try:
            return version("symmle")
        except PackageNotFoundError:
            pass
    except ImportError:  # pragma: no cover
        pass
    package = sys.modules.get("symmle")
    return str(getattr(package, "__version__", "unknown"))


# --- turning flags into engine arguments ------------------------------------------------------


def _split_spec(text: str, flag: str) -> tuple[str, str, str | None]:
    """``NAME``, ``NAME:DOMAIN`` or ``NAME=VALUE`` → (name, separator, rest or None)."""
    from .parsing import parse_assignment

    colon, equals = text.find(":"), text.find("=")
    cuts = [i for i in (colon, equals) if i >= 0]
    separator = text[min(cuts)] if cuts else ""
    try:
        if separator == "=":
            name_text, _, rest = text.partition("=")
            name, _ = parse_assignment(name_text, where=flag)
        else:
            name, rest = parse_assignment(text, where=flag)
    except ParseError as exc:
        if exc.where:
            raise
        raise ParseError(exc.message, where=flag) from None
    if rest is not None and not isinstance(rest, str):
        rest = str(rest)
    if rest is not None and not rest.strip():
        rest = None
    return name, separator, rest


def _params(specs: Sequence[str]) -> dict[str, str | None] | None:
    if not specs:
        return None
    params: dict[str, str | None] = {}
    for spec in specs:
        name, separator, domain = _split_spec(spec, "--param")
        if separator == "=":
            raise ParseError(
                f"--param {spec}: a parameter is estimated, it has no value; "
                "write NAME or NAME:DOMAIN (known constants take --known NAME=VALUE in fit)")
        if name in params:
            raise ParseError(f"--param {spec}: parameter {name!r} is declared twice")
        params[name] = domain
    return params


def _known(specs: Sequence[str], *, values_allowed: bool) -> tuple[
        dict[str, str | None] | None, dict[str, float]]:
    domains: dict[str, str | None] = {}
    values: dict[str, float] = {}
    for spec in specs:
        name, separator, rest = _split_spec(spec, "--known")
        if separator == "=":
            if not values_allowed:
                raise ParseError(
                    f"--known {spec}: derive works with symbols, not values; write NAME or "
                    "NAME:DOMAIN here (give values to 'symmle fit --known NAME=VALUE')")
            if rest is None:
                raise ParseError(f"--known {spec}: the value of {name!r} is missing")
            try:
                value = float(rest)
            except ValueError:
                raise ParseError(f"--known {spec}: the value of {name!r} is not a number: "
                                 f"{rest.strip()!r}") from None
            if not math.isfinite(value):
                raise ParseError(f"--known {spec}: the value of {name!r} must be finite")
            if name in values:
                raise ParseError(f"--known {spec}: the value of {name!r} is given twice")
            values[name] = value
            domains.setdefault(name, None)
        else:
            if domains.get(name) is not None:
                raise ParseError(f"--known {spec}: the domain of {name!r} is given twice")
            domains[name] = rest
    return (domains or None), values


def _model_kwargs(args: argparse.Namespace, known: dict[str, str | None] | None) -> dict[str, Any]:
    return {
        "var": args.var or "x",
        "params": _params(args.param),
        "known": known,
        "support": args.support,
        "timeout": args.timeout,
        "normalize_check": args.normalize_check,
        **({"constraints": args.constraint} if args.constraint else {}),
    }


# --- the commands ---------------------------------------------------------------------------


def _run_derive(args: argparse.Namespace) -> str:
    import symmle

    if args.standalone and args.format != "latex":
        raise ParseError("--standalone goes with --format latex")
    _check_plot_options(args)
    known, _ = _known(args.known, values_allowed=False)
    kwargs = _model_kwargs(args, known)
    if args.covariate:
        kwargs.update(var=args.var, covariates=args.covariate)
    derivation = symmle.derive(args.model, functions=args.functions or None, **kwargs)
    if args.format == "json":
        return derivation.to_json()
    if args.format == "text" and args.detail == "full":
        return derivation.to_text()
    from . import render

    plot = _plot(derivation, args) if args.plot else None
    if args.format == "md":
        svg = None
        if plot is not None:
            from .plot import svg_path, write_svg

            target = svg_path(args.output)
            try:
                write_svg(plot, target)
            except OSError as exc:
                raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
            svg = target.name  # beside the Markdown file: linked by its name
        return render.render_markdown(derivation, detail=args.detail, plot=plot, svg=svg)
    if args.format == "latex":
        return render.render_latex(derivation, detail=args.detail, standalone=args.standalone,
                                   plot=plot)
    return render.render_text(derivation, detail=args.detail)


class OutputError(SymmleError, OSError):
    """A file symmle writes besides its output (the SVG of --plot) could not be written."""

    exit_code = EXIT_OUTPUT


def _check_plot_options(args: argparse.Namespace) -> None:
    """--plot, --data and --column go together, before any time is spent deriving."""
    if args.column is not None and args.data is None:
        raise ParseError("--column goes with --data FILE")
    if args.data is not None and not args.plot:
        raise ParseError("--data goes with --plot in derive (to estimate from data without a "
                         "derivation, use 'symmle fit MODEL --data FILE')")
    if not args.plot:
        return
    if args.data is None:
        raise ParseError("--plot draws the log-likelihood of a sample: give it with --data FILE")
    if args.format not in ("md", "latex"):
        raise ParseError("--plot goes with --format latex (pgfplots) or --format md (an SVG)")
    if args.covariate:
        raise ParseError("--plot draws the log-likelihood of one sample; it does not go with "
                         "--covariate")
    if args.format == "md":
        if args.output in (None, "-"):
            raise ParseError("--format md --plot writes the figure to an SVG file beside the "
                             "Markdown file: give -o FILE.md (the SVG is FILE-loglik.svg)")
        from .plot import MISSING_MATPLOTLIB, MissingExtraError, have_matplotlib

        if not have_matplotlib():
            raise MissingExtraError(MISSING_MATPLOTLIB)


def _plot(derivation: Any, args: argparse.Namespace) -> Any:
    from .data import read_data
    from .plot import loglik_slices

    data = read_data(args.data, column=args.column)
    try:
        return loglik_slices(derivation, data)
    except DataError as exc:
        raise _in_file(exc, args.data, args.column) from None


def _run_fit(args: argparse.Namespace) -> str:
    import symmle
    from .data import read_data

    known, values = _known(args.known, values_allowed=True)
    from .families import conditional_family

    if args.covariate or conditional_family(args.model) is not None:
        from .regression_fit import fit_table

        result = fit_table(args.model, args.data, covariates=args.covariate or None,
                           known_values=values or None, **{**_model_kwargs(args, known),
                                                           "var": args.var})
        return result.to_json() if args.format == "json" else result.to_text()

    from .vector_api import vector_request

    if vector_request(args.model, args.var, args.constraint):
        from .vector_cli import run_fit_vector

        return run_fit_vector(args, _model_kwargs(args, known), values)
    if args.counts is not None:  # grouped data: value, count
        import numpy as np

        from .data import read_grouped

        seen, counts = read_grouped(args.data, args.counts, args.column)
        data = np.repeat(seen, counts)
    else:
        data = read_data(args.data, column=args.column)
    try:
        result = symmle.fit(args.model, data, known_values=values or None,
                            **_model_kwargs(args, known))
    except DataError as exc:
        raise _in_file(exc, args.data, args.column,
                       counts if args.counts is not None else None) from None
    return result.to_json() if args.format == "json" else result.to_text()


def _in_file(exc: DataError, path: str, column: str | None,
             counts: np.ndarray | None = None) -> DataError:
    """``fit`` names an observation by its position; the command line names the line of the
    file too: "observation 3 (value -2) is outside ..." → "FILE, line 5: observation 3 ...".
    With grouped data (``counts`` per row), observation k is in the row whose counts reach k."""
    from .data import observation_line

    found = re.match(r"observation (\d+)\b", exc.message)
    if found is None:
        return exc
    index, note = int(found.group(1)) - 1, ""
    if counts is not None:
        import numpy as np

        index = int(np.searchsorted(np.cumsum(counts), index + 1, side="left"))
        note = " (grouped data: that row's value)"
    try:
        line = observation_line(path, index, column)
    except DataError:
        line = None
    where = f"{path}, line {line}" if line is not None else path
    return type(exc)(f"{where}: {exc.message}{note}", where=path)


def _run_catalog(args: argparse.Namespace) -> str:
    """The catalog: one-sample families first (the table as it always was), then a section for
    the conditional (regression) families and one for the vector families, each saying what
    data its models take."""
    from .families import catalog_entries

    entries = catalog_entries()
    if args.format == "json":
        return json.dumps(entries, indent=2, ensure_ascii=False)
    sections = [
        (None, "one-sample"),
        ("Conditional models f(y | x; θ) (regression): the data are a response and covariates, "
         "one row per observation (a CSV with those columns)", "conditional"),
        ("Vector observations (--var x1,x2,x3): the data are one row per observation with a "
         "column per component, or grouped counts (category,count)", "vector"),
    ]
    out: list[str] = []
    for heading, kind in sections:
        rows = [("NAME", "PARAMETERS", "SUPPORT", "TITLE") if kind == "one-sample" else
                ("NAME", "DATA", "PARAMETERS", "SUPPORT", "TITLE")]
        for entry in (e for e in entries if e["kind"] == kind):
            params = ", ".join(f"{name}:{domain}" for name, domain in entry["params"].items())
            title = entry["title"]
            if entry["known"]:
                title += " [known: " + ", ".join(entry["known"]) + "]"
            if entry.get("constraints"):
                title += " [constraint: " + "; ".join(entry["constraints"]) + "]"
            if entry["aliases"]:
                title += " (also: " + ", ".join(entry["aliases"]) + ")"
            data = (f"{entry['response']} | {','.join(entry['covariates'])}"
                    if kind == "conditional" else
                    ",".join(entry["variables"]) if kind == "vector" else None)
            rows.append((entry["name"], params, entry["support"], title) if data is None else
                        (entry["name"], data, params, entry["support"], title))
        if heading is not None:
            out += ["", heading]
        widths = [max(len(row[k]) for row in rows) for k in range(len(rows[0]) - 1)]
        out += ["  ".join([*(cell.ljust(width) for cell, width in zip(row[:-1], widths)),
                           row[-1]]).rstrip() for row in rows]
    return "\n".join(out)


# --- running, output and errors -------------------------------------------------------------


def _encodable(text: str, stream: TextIO, is_json: bool = False) -> str:
    """``text`` as ``stream`` can write it: a terminal or pipe in ASCII or Latin-1 (or strict
    UTF-8 and a lone surrogate from a mis-encoded argument) gets JSON with ``\\uXXXX`` escapes
    and text with backslash escapes, not a UnicodeEncodeError."""
    encoding = getattr(stream, "encoding", None) or "utf-8"
    errors = getattr(stream, "errors", None) or "strict"
    try:
        text.encode(encoding, errors)
        return text
    except (UnicodeEncodeError, LookupError):
        pass
    if is_json:
        try:
            indent = 2 if "\n" in text.strip() else None
            return json.dumps(json.loads(text), indent=indent, ensure_ascii=True) + "\n"
        except ValueError:
            pass
    try:
        return text.encode(encoding, "backslashreplace").decode(encoding)
    except LookupError:
        return text.encode("ascii", "backslashreplace").decode("ascii")


def _emit(text: str, path: str | None, stdout: TextIO, is_json: bool = False) -> None:
    if not text.endswith("\n"):
        text += "\n"
    if path is None or path == "-":
        stdout.write(_encodable(text, stdout, is_json))
        stdout.flush()
    else:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)


def _report(kind: str, type_name: str, message: str, fmt: str, stdout: TextIO,
            stderr: TextIO) -> None:
    first, _, rest = message.partition("\n")
    stderr.write(_encodable(f"{PROG}: {kind}: {first}\n", stderr))
    if rest:
        stderr.write(_encodable(rest.rstrip("\n") + "\n", stderr))
    if fmt == "json":
        stdout.write(_encodable(json.dumps({"error": {"type": type_name, "message": message}},
                                           ensure_ascii=False) + "\n", stdout, True))
    stdout.flush()
    stderr.flush()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``symmle`` command line; return the exit status.

    Parameters
    ----------
    argv
        The arguments after the program name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success; the error's ``exit_code`` for an error symmle raises on purpose; 2 for a
        usage error; 70 for an unexpected internal error; 130 when interrupted.

    Examples
    --------
    >>> main(["catalog", "--format", "json", "-o", os.devnull])
    0
    """
    stdout, stderr = sys.stdout, sys.stderr
    parser = build_parser()
    words = sys.argv[1:] if argv is None else [str(word) for word in argv]
    try:
        args = parser.parse_args(_attach_dash_values(words, parser))
        _restore_positionals(args)
    except SystemExit as exc:  # --help, --version, usage errors: argparse has printed
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    fmt = getattr(args, "format", "text")
    run: Callable[[argparse.Namespace], str] = args.run
    try:
        text = run(args)
        status = 0
        if isinstance(text, tuple):  # (output, exit status): 'check' reports a wrong step
            text, status = text
        try:
            _emit(text, args.output, stdout, fmt == "json")
        except OSError as exc:
            if isinstance(exc, BrokenPipeError):
                raise
            _report("error", "OutputError",
                    f"cannot write {args.output}: {exc.strerror or exc}", fmt, stdout, stderr)
            return EXIT_OUTPUT
        return status
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # e.g. 'symmle catalog | head': the reader has gone, stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 141  # 128 + SIGPIPE, as a shell reports a program killed by it
    except SymmleError as exc:
        _report("error", type(exc).__name__, str(exc), fmt, stdout, stderr)
        return int(exc.exit_code) or 1
    except Exception as exc:  # noqa: BLE001 - the one place that turns surprises into a line
        detail = " ".join(str(exc).split()) or "(no message)"
        _report("internal error", type(exc).__name__,
                f"{type(exc).__name__}: {detail} (please report)", fmt, stdout, stderr)
        return EXIT_INTERNAL
