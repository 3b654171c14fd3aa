"""Regenerate ``worked_examples/``: every catalog family, the homework densities and the seed's
examples, each rendered to ``derivation.md`` and a standalone ``derivation.tex``, with an index.

::

    python -m symmle.examples [--out worked_examples] [--only NAME ...] [--check]

``--check`` writes nothing and exits 1 when a file on disk differs from what the code renders
now (the golden-file test does the same). A family the engine rejects gets a short
``derivation.md`` that says what the engine says.

Examples
--------
>>> [e.folder for e in EXAMPLES if e.seed]
['bernoulli', 'poisson', 'normal_mean', 'normal_variance']
"""
from __future__ import annotations

import argparse
import dataclasses
import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

__all__ = ["Example", "EXAMPLES", "derive_example", "render_example", "render_index", "generate",
           "main"]

SEED = ("bernoulli", "poisson", "normal_variance", "normal_mean")


@dataclass(frozen=True)
class Example:
    """One worked example: a folder name and the arguments of :func:`symmle.derive`."""

    folder: str
    model: str
    title: str
    kind: str  # "catalog", "homework", "regression" or "vector"
    params: dict[str, str] = field(default_factory=dict)
    support: str | None = None
    var: str | None = None
    covariates: tuple[str, ...] = ()
    latex_names: dict[str, str] = field(default_factory=dict)
    known: dict[str, str] = field(default_factory=dict)
    constraints: tuple[str, ...] = ()

    @property
    def seed(self) -> bool:
        """Whether the seed document works this example."""
        return self.folder in SEED


def _catalog() -> list[Example]:
    from .families import FAMILIES
    from .families._vector import VECTOR_FAMILIES

    return [Example(f.name, f.name, f.title, "catalog") for f in (*FAMILIES, *VECTOR_FAMILIES)]


HOMEWORK = [
    Example("homework_theta_x_to_theta_minus_1", "theta*x**(theta-1)",
            "θ x^(θ−1) on 0 < x < 1", "homework", {"theta": "positive"}, "0 < x < 1"),
    Example("homework_theta_plus_1_x_to_theta", "(theta+1)*x**theta",
            "(θ + 1) x^θ on 0 < x < 1", "homework", {"theta": "positive"}, "0 < x < 1"),
    Example("homework_theta_squared_x_exp", "theta**2*x*exp(-theta*x)",
            "θ² x e^(−θx) on x > 0", "homework", {"theta": "positive"}, "x > 0"),
    Example("homework_exponential_scale", "exp(-x/theta)/theta",
            "e^(−x/θ)/θ on x > 0", "homework", {"theta": "positive"}, "x > 0"),
    # a pmf given as a table of probabilities (Rice, Mathematical Statistics, problem 8.4)
    Example("homework_table_pmf", "[2*theta/3, theta/3, 2*(1-theta)/3, (1-theta)/3]",
            "a table: `P(X = 0) = 2θ/3`, `P(X = 1) = θ/3`, `P(X = 2) = 2(1 − θ)/3`, "
            "`P(X = 3) = (1 − θ)/3`", "homework", {"theta": "(0, 1)"}, "{0, 1, 2, 3}"),
]
# conditional models (regression): the catalog's regression families, derived by
# symmle.regression (the kind says so in the index)
REGRESSION = [
    Example("linear_regression", "linear_regression", "Linear regression, Gaussian noise",
            "regression"),
    Example("logistic_regression", "logistic_regression", "Logistic regression", "regression"),
    Example("poisson_regression", "poisson_regression", "Poisson regression, log link",
            "regression"),
    # three covariates: the matrix form y = Xβ + ε (symmle.regression_matrix)
    Example("multiple_linear_regression",
            "exp(-(y - b0 - b1*x1 - b2*x2 - b3*x3)**2/(2*sigma2))/sqrt(2*pi*sigma2)",
            "Multiple linear regression, three covariates (matrix form)", "regression",
            {"b0": "real", "b1": "real", "b2": "real", "b3": "real", "sigma2": "positive"},
            "real", "y", ("x1", "x2", "x3"),
            {"b0": r"\beta_{0}", "b1": r"\beta_{1}", "b2": r"\beta_{2}", "b3": r"\beta_{3}",
             "sigma2": r"\sigma^{2}"}),
]
# vector observations whose MLE has no closed form: the derivation says why and gives the
# equations that fit solves numerically
VECTOR = [
    Example("abo_blood_groups",
            "m!/(x1!*x2!*x3!*x4!)*(p**2+2*p*r)**x1*(q**2+2*q*r)**x2*(2*p*q)**x3*(r**2)**x4",
            "ABO blood groups: phenotypes A, B, AB, O with `p² + 2pr`, `q² + 2qr`, `2pq`, `r²`",
            "vector",
            {"p": "(0, 1)", "q": "(0, 1)", "r": "(0, 1)"},
            "x1 + x2 + x3 + x4 = m, x1, x2, x3, x4 in {0,1,...,m}", var="x1,x2,x3,x4",
            known={"m": "positive integer"}, constraints=("p + q + r = 1",)),
]
EXAMPLES: tuple[Example, ...] = (*_catalog(), *HOMEWORK, *REGRESSION, *VECTOR)


@functools.lru_cache(maxsize=None)
def derive_example(folder: str) -> Any:
    """The derivation of one example (cached: each is derived once per process), or the
    :class:`~symmle.errors.SymmleError` the engine raised for it."""
    from . import derive
    from .errors import SymmleError
    from .normalization import check_density

    ex = next(e for e in EXAMPLES if e.folder == folder)
    try:
        options = {"var": ex.var, "covariates": list(ex.covariates),
                   "latex_names": ex.latex_names, "known": ex.known,
                   "constraints": list(ex.constraints)}
        d = derive(ex.model, params=ex.params or None, support=ex.support, timeout=120.0,
                   **{k: v for k, v in options.items() if v})
    except SymmleError as exc:
        return exc
    if ex.kind == "vector":  # a density typed in has no title of its own: the example's
        return dataclasses.replace(d, model=dataclasses.replace(d.model, title=ex.title))
    if ex.kind == "regression" or not hasattr(d, "hessian"):  # their checks are deterministic
        return d
    # derive() bounds the density check by 0.75 s, so under load its verdict can change from run
    # to run; the golden files need the same answer every time: check again, unhurried
    again = check_density(d.model, seconds=60.0)
    return dataclasses.replace(d, checks=tuple(again if c.name == again.name else c
                                               for c in d.checks))


def _rejected(ex: Example, exc: Exception) -> str:
    from .render import escape_md, unmarked

    return (f"# Maximum likelihood estimation: {escape_md(unmarked(ex.title))}\n\n"
            f"The engine does not derive this model yet. It says:\n\n"
            f"> {escape_md(exc)}\n")


def render_example(folder: str) -> dict[str, str]:
    """File name → content for one example's folder."""
    from .render import render_latex, render_markdown

    ex = next(e for e in EXAMPLES if e.folder == folder)
    d = derive_example(folder)
    if isinstance(d, Exception):
        return {"derivation.md": _rejected(ex, d)}
    return {"derivation.md": render_markdown(d),
            "derivation.tex": render_latex(d, standalone=True)}


def render_index(folders: Sequence[str] | None = None) -> str:
    """The index ``README.md``: a link per example and its MLE in one line."""
    from .render import environment, index_entry

    from .latex import names_of

    chosen = [e for e in EXAMPLES if folders is None or e.folder in folders]
    names: dict[str, str] = {}
    entries = []
    for ex in chosen:
        d = derive_example(ex.folder)
        if not isinstance(d, Exception):
            names.update(names_of(d.model.latex_names))
        entries.append(index_entry(ex, d))
    return environment().get_template("markdown/index.md.j2").render(names=names,
                                                                     entries=entries)


def generate(out: Path, folders: Sequence[str] | None = None, check: bool = False) -> list[Path]:
    """Write (or, with ``check``, compare) the worked examples; return the files that differ."""
    files: dict[Path, str] = {}
    for ex in EXAMPLES:
        if folders is None or ex.folder in folders:
            for name, content in render_example(ex.folder).items():
                files[out / ex.folder / name] = content
    if folders is None:
        files[out / "README.md"] = render_index()
    changed = [p for p, text in files.items()
               if not p.exists() or p.read_text(encoding="utf-8") != text]
    if not check:
        for path in changed:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(files[path], encoding="utf-8")
    return changed


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m symmle.examples``: regenerate (or check) the worked examples."""
    parser = argparse.ArgumentParser(prog="python -m symmle.examples",
                                     description="Regenerate the worked examples.")
    parser.add_argument("--out", default="worked_examples", type=Path,
                        help="the folder to write (default: worked_examples)")
    parser.add_argument("--only", nargs="+", metavar="NAME", default=None,
                        help="only these examples (the index is then left alone)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a file differs from a fresh rendering")
    args = parser.parse_args(argv)
    known = {e.folder for e in EXAMPLES}
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        parser.error(f"no example called {', '.join(unknown)}")
    changed = generate(args.out, args.only, check=args.check)
    for path in changed:
        print(f"{'differs' if args.check else 'wrote'}: {path}")
    return 1 if args.check and changed else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
