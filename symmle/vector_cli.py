"""``symmle fit`` for vector models: reading the observations of a vector from a table.

Two layouts (a header row is required in both):

* **one row per observation**, with a column per component, named as in ``--var``
  (``x1,x2,x3``; other columns are ignored);
* **grouped counts**, the columns ``category`` and ``count``: one row per category, the category
  given by its component's name (``x2``) or its position (``2``); the counts make up one vector
  observation (m = their total, for a multinomial). A category that is not listed has count 0;
  one listed twice is added up.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "g.csv").write_text("category,count\\nx1,30\\nx2,50\\nx3,20\\n")
>>> read_vector_table(folder / "g.csv", ["x1", "x2", "x3"])
array([[30., 50., 20.]])
"""
from __future__ import annotations

import argparse
import csv
import io
import os
from typing import Any, Mapping, Sequence

import numpy as np

from .errors import DataError, EmptyDataError, NonNumericDataError

__all__ = ["read_vector_table", "run_fit_vector"]


def read_vector_table(path: str | os.PathLike, names: Sequence[str]) -> np.ndarray:
    """The observations of a vector, one row each, from a table in either layout above.

    Raises
    ------
    DataError
        With the file and line of a problem.
    """
    from .data import _NUMBER, _find_header, _read_text, read_table

    where = str(path)
    text = _read_text(path)
    header = _find_header(text)
    if header is None:
        raise DataError(f"{where}: the file needs a header row naming the components "
                        f"({', '.join(names)}) or the columns category,count", where=where)
    fields = [f.strip().lower() for f in header.names]
    if all(n in header.names for n in names):
        table = read_table(path, list(names))
        return np.column_stack([table[n] for n in names])
    if "category" in fields and "count" in fields:
        ci, ni = fields.index("category"), fields.index("count")
        counts = np.zeros(len(names))
        body = text[header.end:]
        reader = (next(csv.reader([line])) if header.delimiter == "," else line.split()
                  for line in body.splitlines())
        for k, row in enumerate(reader, start=header.lineno + 1):
            row = [c.split("#", 1)[0].strip() for c in row]
            if not any(row):
                continue
            if len(row) <= max(ci, ni):
                raise DataError(f"{where}, line {k}: the row has no category or no count",
                                where=where)
            cat, count = row[ci], row[ni]
            if cat in names:
                j = list(names).index(cat)
            elif cat.isdigit() and 1 <= int(cat) <= len(names):
                j = int(cat) - 1
            else:
                raise DataError(f"{where}, line {k}: unknown category {cat[:40]!r} (the "
                                f"categories are {', '.join(names)} or 1..{len(names)})",
                                where=where)
            if not _NUMBER.fullmatch(count) or not np.isfinite(float(count)):
                raise NonNumericDataError(f"{where}, line {k}: the count {count[:40]!r} is not a "
                                          "finite number", where=where)
            counts[j] += float(count)
        if not counts.any():
            raise EmptyDataError(f"{where}: no counts", where=where)
        return counts[None, :]
    missing = [n for n in names if n not in header.names]
    raise DataError(f"{where}: no column {missing[0]!r}; the header must name the components "
                    f"({', '.join(names)}) or be category,count", where=where)


def run_fit_vector(args: argparse.Namespace, options: Mapping[str, Any],
                   values: Mapping[str, float]) -> str:
    """The ``symmle fit`` command for a vector model (called by :mod:`symmle.cli`)."""
    from .data import observation_line
    from .vector_api import derive_request
    from .vector_fit import fit_vector
    import re

    d = derive_request(args.model, **options)
    names = [v.name for v in d.model.vars]
    arr = read_vector_table(args.data, names)
    try:
        result = fit_vector(d, arr, known_values=values or None)
    except DataError as exc:
        found = re.match(r"observation (\d+)\b", exc.message)
        if found is None or arr.shape[0] == 1:
            raise
        try:
            line = observation_line(args.data, int(found.group(1)) - 1, names[0])
        except DataError:
            line = None
        where = f"{args.data}, line {line}" if line is not None else str(args.data)
        raise type(exc)(f"{where}: {exc.message}", where=str(args.data)) from None
    return result.to_json() if args.format == "json" else result.to_text()
