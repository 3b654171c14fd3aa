"""Reading observations from files, for ``fit`` and the ``symmle fit`` command.

Two layouts are accepted, told apart by the first line that is neither blank nor a comment:

* a **plain file** of numbers -- one per line, or several per line separated by whitespace or
  commas;
* a **table** (CSV, or whitespace-separated columns) whose first line is a header, recognised
  because at least one of its fields is not a number. A column is chosen by name.

Blank lines and ``#`` comments (to the end of the line) are ignored in both. Nothing is ever
evaluated: a value is a decimal number (``3``, ``-0.5``, ``1e-3``) or it is an error.

Every problem raises :class:`~symmle.errors.DataError` with the file, the line number and the
offending text: a value that is not a number, NaN, an infinity, an empty value between commas,
a row too short for the chosen column, an unknown column, a missing file, or a file with no
observations at all.

Reading is fast on large files: the whole text is converted by NumPy in one call, and the file
is walked line by line only when that fails, to say where.
"""
from __future__ import annotations

import csv
import io
import os
import re
import warnings
from pathlib import Path
from typing import Sequence

import numpy as np

from .errors import DataError, EmptyDataError, NonNumericDataError

__all__ = ["read_data", "read_table", "read_grouped", "observation_line"]

# A decimal number as a person writes it, or NaN / an infinity (accepted here, refused later with
# a message of their own). No underscores, hexadecimal or non-ASCII digits: the fast paths
# (NumPy) and the slow path must agree on what is a number.
_NUMBER = re.compile(
    r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)",
    re.IGNORECASE | re.ASCII,  # ASCII: \d would match "٣" and "３", which float() accepts
)
_COMMENT = re.compile(r"#[^\n]*")
# An empty value in a comma-separated line: a comma at the start or end of a line, or two commas
# with only blanks between them.
_EMPTY_FIELD = re.compile(r"^[ \t]*,|,[ \t\r]*(?:,|$)", re.MULTILINE)
# Lines per block when looking for the bad value: blocks without it are skipped at NumPy's speed.
_BLOCK = 8192


def read_data(path: str | os.PathLike, column: str | None = None) -> np.ndarray:
    """Read one sample of observations from a file.

    Parameters
    ----------
    path
        A plain file of numbers (one per line, or separated by whitespace or commas), or a table
        whose first non-comment line is a header.
    column
        The column to read from a table. Needed when the table has more than one column; a
        plain file has no columns, so giving one is an error.

    Returns
    -------
    numpy.ndarray
        The observations, one-dimensional, ``float64``, in file order; never empty, all finite.

    Raises
    ------
    DataError
        When the file is missing or unreadable, holds no observations, or holds a value that is
        not a finite number (the message gives the line and the value); when ``column`` is
        unknown (the message lists the columns) or is missing for a table of several columns.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "counts.txt").write_text("# goals per match\\n2\\n0\\n3, 1\\n")
    >>> read_data(folder / "counts.txt")
    array([2., 0., 3., 1.])
    >>> _ = (folder / "runs.csv").write_text("day,minutes\\nmon,31.5\\ntue,28\\n")
    >>> read_data(folder / "runs.csv", column="minutes")
    array([31.5, 28. ])
    >>> try:
    ...     read_data(folder / "runs.csv", column="km")
    ... except DataError as error:
    ...     print(str(error).replace(str(folder), "DIR"))
    DIR/runs.csv: no column 'km'; the columns are: day, minutes
    """
    name = str(path)
    text = _read_text(path)
    header = _find_header(text)
    if header is None:
        if column is not None:
            raise DataError(
                f"{name}: column {column!r} was asked for, but the file has no header row "
                "(its first line is all numbers); give the file a header or leave out the column",
                where=name,
            )
        return _read_plain(text, name)
    names = header.names
    if column is None:
        if len(names) > 1:
            raise DataError(
                f"{name}: the file has {len(names)} columns ({', '.join(names)}); "
                "choose one (column=... in Python, --column on the command line)",
                where=name,
            )
        column = names[0]
    return _read_columns(text, name, header, [column])[column]


def read_table(path: str | os.PathLike, columns: Sequence[str]) -> dict[str, np.ndarray]:
    """Read several columns of a table that has a header row.

    Parameters
    ----------
    path
        A CSV file (or whitespace-separated columns) whose first non-comment line names the
        columns. Blank lines and ``#`` comments are ignored.
    columns
        The columns to read, by name. Other columns are not read and may hold anything.

    Returns
    -------
    dict of str to numpy.ndarray
        One ``float64`` array per requested column, in the order asked, all of the same length.

    Raises
    ------
    DataError
        When the file is missing, has no header row, lacks a requested column, holds no rows, or
        a requested column holds a value that is not a finite number (with line and value).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "dose.csv").write_text("dose,deaths,n\\n1.0,2,10\\n2.0,5,10\\n")
    >>> table = read_table(folder / "dose.csv", ["dose", "deaths"])
    >>> table["deaths"]
    array([2., 5.])
    >>> list(table)
    ['dose', 'deaths']
    """
    name = str(path)
    columns = list(columns)
    if not columns:
        raise DataError(f"{name}: no columns were asked for", where=name)
    text = _read_text(path)
    header = _find_header(text)
    if header is None:
        raise DataError(
            f"{name}: the file has no header row (its first line is all numbers), "
            f"so columns {', '.join(map(repr, columns))} cannot be found",
            where=name,
        )
    return _read_columns(text, name, header, columns)


def read_grouped(path: str | os.PathLike, counts: str, column: str | None = None,
                 ) -> tuple[np.ndarray, np.ndarray]:
    """Read grouped data: a column of values and a column of how many times each was seen.

    Parameters
    ----------
    path
        A table with a header row.
    counts
        The column of counts: whole numbers ≥ 0.
    column
        The column of values; needed only when the table has more than these two columns.

    Returns
    -------
    tuple of numpy.ndarray
        The values, and the counts as ``int64``; the sample is ``np.repeat(values, counts)``.

    Raises
    ------
    DataError
        A file without a header, an unknown column, a count that is not a whole number ≥ 0
        (the message gives its line), or counts that are all zero.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "goals.csv"
    >>> _ = path.write_text("goals,matches\\n0,12\\n1,9\\n2,4\\n")
    >>> values, counts = read_grouped(path, "matches")
    >>> np.repeat(values, counts).sum(), counts.sum()
    (np.float64(17.0), np.int64(25))
    """
    name = str(path)
    header = _find_header(_read_text(path))
    if header is None:
        raise DataError(f"{name}: grouped data need a header row naming the column of values "
                        f"and the column of counts ({counts!r})", where=name)
    if counts not in header.names:
        raise DataError(f"{name}: no column {counts!r} (the counts); the columns are: "
                        f"{', '.join(header.names)}", where=name)
    if column is None:
        others = [c for c in header.names if c != counts]
        if len(others) != 1:
            raise DataError(f"{name}: choose the column of values (--column) among "
                            f"{', '.join(others) or 'none'}", where=name)
        column = others[0]
    table = read_table(path, [column, counts])
    values, raw = table[column], table[counts]
    bad = np.flatnonzero((raw < 0) | (raw != np.floor(raw)))
    if bad.size:
        line = observation_line(path, int(bad[0]), counts)
        raise DataError(f"{name}, line {line}: the count {raw[bad[0]]:g} in column {counts!r} "
                        "is not a whole number ≥ 0", where=name)
    if not raw.sum() > 0:
        raise EmptyDataError(f"{name}: the counts in column {counts!r} are all zero: no "
                             "observations", where=name)
    return values, raw.astype(np.int64)


def observation_line(path: str | os.PathLike, index: int, column: str | None = None) -> int | None:
    """The line of the file that holds observation ``index`` (0-based) of what
    :func:`read_data` returns, or ``None`` when there is no such observation. Used to say
    where a value that :func:`symmle.fit` refuses (outside the support) is in the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "counts.txt"
    >>> _ = path.write_text("# goals\\n2\\n\\n0, 3\\n-1\\n")
    >>> [observation_line(path, k) for k in range(5)]
    [2, 4, 4, 5, None]
    """
    text = _read_text(path)
    header = _find_header(text)
    lines = text.split("\n")
    if header is None:
        seen = 0
        for lineno, line in enumerate(lines, 1):
            line = line.split("#", 1)[0]
            seen += len(line.replace(",", " ").split())
            if seen > index:
                return lineno
        return None
    rows = 0
    for lineno, line in enumerate(lines[header.lineno:], header.lineno + 1):
        if line.split("#", 1)[0].strip():
            if rows == index:
                return lineno
            rows += 1
    return None


# --- reading the file ---------------------------------------------------------------------------


def _read_text(path: str | os.PathLike) -> str:
    name = str(path)
    try:
        with open(Path(path), encoding="utf-8-sig", newline="") as handle:
            return handle.read()
    except FileNotFoundError:
        raise DataError(f"{name}: no such file", where=name) from None
    except IsADirectoryError:
        raise DataError(f"{name}: is a directory, not a data file", where=name) from None
    except UnicodeDecodeError as exc:
        raise DataError(
            f"{name}: not a text file (byte {exc.start} is not UTF-8)", where=name
        ) from None
    except OSError as exc:
        raise DataError(f"{name}: cannot read: {exc.strerror or exc}", where=name) from None
    except ValueError:  # a NUL byte in the name
        raise DataError(f"{name!r}: not a valid file name", where=name) from None


class _Header:
    """The header row of a table: column names, delimiter, and where the data starts."""

    def __init__(self, names: list[str], delimiter: str | None, lineno: int, end: int) -> None:
        self.names = names
        self.delimiter = delimiter  # "," or None for runs of whitespace
        self.lineno = lineno  # 1-based line number of the header
        self.end = end  # offset in the text just after the header line


def _find_header(text: str) -> _Header | None:
    """The header of ``text`` if its first non-blank, non-comment line has a non-numeric field."""
    pos, lineno = 0, 0
    while pos < len(text):
        newline = text.find("\n", pos)
        end = len(text) if newline < 0 else newline + 1
        lineno += 1
        line = text[pos:end].split("#", 1)[0].strip()
        pos = end
        if not line:
            continue
        if "," in line:
            fields = [f.strip() for f in next(csv.reader([line]))]
            delimiter: str | None = ","
        else:
            fields = [f.strip('"').strip("'") for f in line.split()]
            delimiter = None
        if all(_NUMBER.fullmatch(f) for f in fields if f):
            return None
        return _Header(fields, delimiter, lineno, end)
    return None


# --- plain files ----------------------------------------------------------------------------------


def _read_plain(text: str, name: str) -> np.ndarray:
    values = _convert_plain(text)
    if values is None:
        _locate_plain_problem(text, name)  # raises, naming the line and the value
        raise DataError(f"{name}: could not read the numbers in the file", where=name)
    if values.size == 0:
        raise EmptyDataError(
            f"{name}: no observations (the file is empty or holds only blank lines and comments)",
            where=name,
        )
    return values


def _convert_plain(text: str) -> np.ndarray | None:
    """All numbers of ``text`` through NumPy in one call, or None if any value is bad."""
    body = _COMMENT.sub("", text) if "#" in text else text
    if not body.isascii() or "_" in body or ("," in body and _EMPTY_FIELD.search(body)):
        return None
    try:
        values = np.array(body.replace(",", " ").split(), dtype=np.float64)
    except ValueError:
        return None
    return values if np.isfinite(values).all() else None


def _locate_plain_problem(text: str, name: str) -> None:
    lines = text.split("\n")
    for start in range(0, len(lines), _BLOCK):
        block = lines[start:start + _BLOCK]
        if _convert_plain("\n".join(block)) is not None:
            continue  # the problem is elsewhere: skip this block at NumPy's speed
        for lineno, line in enumerate(block, start + 1):
            _check_plain_line(line, name, lineno)


def _check_plain_line(line: str, name: str, lineno: int) -> None:
    line = line.split("#", 1)[0]
    if not line.strip():
        return
    if "," in line:
        parts = line.split(",")
        for part in parts:
            if not part.strip():
                raise NonNumericDataError(
                    f"{name}, line {lineno}: empty value between commas "
                    f"(a missing observation?): {line.strip()!r}",
                    where=name,
                )
        tokens = [tok for part in parts for tok in part.split()]
    else:
        tokens = line.split()
    for token in tokens:
        _check_token(token, name, lineno)


def _check_token(token: str, name: str, lineno: int, column: str | None = None) -> float:
    where = f"{name}, line {lineno}" + (f", column {column!r}" if column is not None else "")
    shown = repr(token) if len(token) <= 60 else f"{token[:40]!r}... ({len(token)} characters)"
    if not _NUMBER.fullmatch(token):
        raise NonNumericDataError(f"{where}: not a number: {shown}", where=name)
    value = float(token)
    if np.isnan(value):
        raise NonNumericDataError(f"{where}: NaN is not an observation: {shown}", where=name)
    if np.isinf(value):
        raise NonNumericDataError(f"{where}: infinite value: {shown}", where=name)
    return value


# --- tables ---------------------------------------------------------------------------------------


def _read_columns(
    text: str, name: str, header: _Header, columns: list[str]
) -> dict[str, np.ndarray]:
    names = header.names
    seen: set[str] = set()
    for column in names:
        if column in seen:
            raise DataError(
                f"{name}, line {header.lineno}: the header names column {column!r} twice",
                where=name,
            )
        seen.add(column)
    for column in columns:
        if column not in seen:
            raise DataError(
                f"{name}: no column {column!r}; the columns are: {', '.join(names)}", where=name
            )
    indices = [names.index(column) for column in columns]
    body = text[header.end:]
    table = _convert_table(body, header, indices)
    if table is None:
        _locate_table_problem(body, name, header, columns, indices)  # raises where the problem is
        raise DataError(f"{name}: could not read the table", where=name)
    if table.shape[0] == 0:
        raise EmptyDataError(
            f"{name}: no observations (the table has a header but no rows)", where=name
        )
    return {column: np.ascontiguousarray(table[:, k]) for k, column in enumerate(columns)}


def _convert_table(body: str, header: _Header, indices: list[int]) -> np.ndarray | None:
    """The chosen columns of ``body`` through NumPy in one call, or None if any value is bad."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # loadtxt warns on a table with no rows
            table = np.loadtxt(
                io.StringIO(body), dtype=np.float64, delimiter=header.delimiter, comments="#",
                usecols=indices, ndmin=2, quotechar='"',
            )
    except ValueError:
        return None
    return table if np.isfinite(table).all() else None


def _locate_table_problem(
    body: str, name: str, header: _Header, columns: list[str], indices: list[int]
) -> None:
    lines = body.split("\n")
    for start in range(0, len(lines), _BLOCK):
        block = lines[start:start + _BLOCK]
        if _convert_table("\n".join(block), header, indices) is not None:
            continue  # the problem is elsewhere: skip this block at NumPy's speed
        for offset, line in enumerate(block, start + 1):
            _check_table_line(line, name, header.lineno + offset, header, columns, indices)


def _check_table_line(
    line: str, name: str, lineno: int, header: _Header, columns: list[str], indices: list[int]
) -> None:
    needed = max(indices) + 1
    line = line.split("#", 1)[0].strip()
    if not line:
        return
    if header.delimiter == ",":
        fields = [f.strip() for f in next(csv.reader([line]))]
    else:
        fields = [f.strip('"') for f in line.split()]
    if len(fields) < needed:
        raise DataError(
            f"{name}, line {lineno}: {len(fields)} value(s) where column "
            f"{header.names[needed - 1]!r} needs {needed}: {line!r}",
            where=name,
        )
    for column, index in zip(columns, indices):
        token = fields[index]
        if not token:
            raise NonNumericDataError(
                f"{name}, line {lineno}, column {column!r}: empty value "
                "(a missing observation?)",
                where=name,
            )
        _check_token(token, name, lineno, column)
