"""``symmle derive --data FILE --plot``: the log-likelihood of a sample around θ̂, as pgfplots in
LaTeX and as an SVG (through matplotlib, the extra ``symmle[plot]``) beside the Markdown file.

The grid values are checked against log-likelihoods written independently in NumPy; the LaTeX
is compiled with pdflatex and pgfplots, the SVG parsed as XML. Without pdflatex, pgfplots or
matplotlib those tests skip with the reason; with ``CI=true`` they fail (.ci/run installs
texlive-pictures for pgfplots, and the test extras install matplotlib).
"""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from external import require

from symmle import cli, derive, render
from symmle.errors import DataError
from symmle.plot import MissingExtraError, loglik_slices, svg_path, write_svg

POISSON = [0, 1, 1, 2, 2, 2, 3, 3, 4, 6]
NORMAL = [1.2, 0.4, 2.9, 1.7, 2.2, 0.8, 1.5, 3.1]


def have_pgfplots() -> bool:
    if shutil.which("kpsewhich") is None:
        return False
    done = subprocess.run(["kpsewhich", "pgfplots.sty"], capture_output=True, text=True)
    return done.returncode == 0 and bool(done.stdout.strip())


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def poisson():
    return derive("poisson")


@pytest.fixture(scope="module")
def normal():
    return derive("normal")


# --- the grid ------------------------------------------------------------------------------


def test_poisson_grid_agrees_with_numpy(poisson):
    x = np.array(POISSON, dtype=float)
    plot = loglik_slices(poisson, x)
    (curve,) = plot.curves
    lam = curve.grid
    expected = x.sum() * np.log(lam) - x.size * lam - sum(math.lgamma(v + 1) for v in x)
    np.testing.assert_allclose(curve.values, expected, rtol=1e-10, atol=1e-10)
    assert plot.n == x.size


def test_normal_slices_hold_the_other_parameter_at_its_estimate(normal):
    x = np.array(NORMAL)
    plot = loglik_slices(normal, x)
    mu_hat, s2_hat = x.mean(), x.var()

    def ell(mu, s2):
        return -x.size / 2 * np.log(2 * np.pi * s2) - ((x - mu) ** 2).sum() / (2 * s2)

    by_name = {c.name: c for c in plot.curves}
    assert set(by_name) == {"mu", "sigma2"}
    np.testing.assert_allclose(by_name["mu"].values, [ell(m, s2_hat) for m in by_name["mu"].grid],
                               rtol=1e-10)
    np.testing.assert_allclose(by_name["sigma2"].values,
                               [ell(mu_hat, s) for s in by_name["sigma2"].grid], rtol=1e-10)
    assert plot.log_likelihood == pytest.approx(ell(mu_hat, s2_hat), rel=1e-12)


def test_poisson_grid_spans_four_standard_errors(poisson):
    x = np.array(POISSON, dtype=float)
    (curve,) = loglik_slices(poisson, x).curves
    se = math.sqrt(x.mean() / x.size)
    assert curve.standard_error == pytest.approx(se)
    assert curve.grid[0] == pytest.approx(x.mean() - 4 * se)
    assert curve.grid[-1] == pytest.approx(x.mean() + 4 * se)


@pytest.mark.parametrize("model, data", [
    ("poisson", POISSON),
    ("exponential", [0.3, 1.2, 0.7, 2.5, 0.1]),
    ("normal", NORMAL),
    ("gamma", [0.8, 1.9, 2.4, 0.6, 3.3, 1.1, 1.7]),  # no closed form: Newton
    ("uniform", [0.2, 0.5, 0.9, 0.35]),  # support-dependent, no standard error
    ("bernoulli", [0, 0, 0, 0]),  # θ̂ on the boundary of the parameter space
])
def test_the_maximum_of_each_curve_is_at_the_estimate(model, data):
    d = derive(model)
    plot = loglik_slices(d, data)
    for curve in plot.curves:
        assert np.all(np.isfinite(curve.values)) and curve.grid.size >= 20
        assert np.count_nonzero(curve.grid == curve.estimate) == 1  # θ̂ is on the grid, once
        assert curve.grid[np.argmax(curve.values)] == curve.estimate
        assert np.max(curve.values) == pytest.approx(plot.log_likelihood, rel=1e-9, abs=1e-9)
        dom = d.model.domains[d.model.symbol(curve.name)]
        assert float(dom.lower) <= curve.grid.min() and curve.grid.max() <= float(dom.upper)


def test_uniform_curve_starts_at_the_largest_observation():
    (curve,) = loglik_slices(derive("uniform"), [0.2, 0.5, 0.9, 0.35]).curves
    assert curve.standard_error is None
    assert curve.grid.min() == pytest.approx(0.9) and curve.grid.max() == pytest.approx(1.35)
    np.testing.assert_allclose(curve.values, -4 * np.log(curve.grid))


def test_data_errors_are_the_data_error_classes(poisson):
    with pytest.raises(DataError, match="outside the support"):
        loglik_slices(poisson, [1, -2])
    with pytest.raises(DataError, match="empty"):
        loglik_slices(poisson, [])


def test_python_api(poisson):
    plot = poisson.plot_data(POISSON)
    latex = poisson.to_latex(plot=plot)
    assert "The log-likelihood of the sample" in latex and r"\begin{axis}" in latex
    assert "pgfplots" not in poisson.to_latex(standalone=True)  # only with a plot
    with pytest.raises(ValueError, match="svg"):
        render.render_markdown(poisson, plot=plot)
    assert "![log-likelihood](a-loglik.svg)" in poisson.to_markdown(plot=plot,
                                                                    svg="a-loglik.svg")


# --- the command line ----------------------------------------------------------------------


@pytest.fixture
def sample(tmp_path):
    path = tmp_path / "counts.txt"
    path.write_text("\n".join(map(str, POISSON)) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("argv, message", [
    (["--format", "latex", "--plot"], "--plot draws the log-likelihood of a sample"),
    (["--format", "latex", "--data", "{data}"], "--data goes with --plot"),
    (["--format", "latex", "--column", "x"], "--column goes with --data"),
    (["--format", "text", "--plot", "--data", "{data}"], "--format latex"),
    (["--format", "json", "--plot", "--data", "{data}"], "--format latex"),
    (["--format", "md", "--plot", "--data", "{data}"], "give -o FILE.md"),
])
def test_usage_errors_exit_2(capsys, sample, argv, message):
    argv = [a.replace("{data}", str(sample)) for a in argv]
    status, out, err = run(capsys, "derive", "poisson", *argv)
    assert status == 2
    assert message in err and "Traceback" not in err


def test_cli_data_errors_name_the_file_and_line(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1\n2\n-3\n", encoding="utf-8")
    status, out, err = run(capsys, "derive", "poisson", "--format", "latex", "--plot",
                           "--data", bad)
    assert status == 15  # OutOfSupportError
    assert f"{bad}, line 3: observation 3 (value -3) is outside the support" in err
    status, out, err = run(capsys, "derive", "poisson", "--format", "latex", "--plot",
                           "--data", tmp_path / "missing.txt")
    assert status == 6 and "no such file" in err


def test_cli_latex_fragment_and_standalone(capsys, sample):
    status, fragment, err = run(capsys, "derive", "poisson", "--format", "latex", "--plot",
                                "--data", sample)
    assert status == 0, err
    assert r"\documentclass" not in fragment
    assert "% pgfplots: this section needs \\usepackage{pgfplots}" in fragment
    section = fragment[fragment.index("The log-likelihood of the sample"):]
    assert r"\begin{tikzpicture}" in section and r"\end{axis}" in section
    assert r"\subsection*{13. The log-likelihood of the sample}" in fragment  # the last step
    assert "\\input" not in section and ".dat" not in section  # coordinates inline
    status, document, err = run(capsys, "derive", "poisson", "--format", "latex", "--plot",
                                "--data", sample, "--standalone")
    assert status == 0, err
    assert r"\usepackage{pgfplots}" in document and r"\pgfplotsset{compat=1.16}" in document


def test_cli_latex_standalone_with_plot_compiles(capsys, tmp_path):
    require(shutil.which("pdflatex") is not None, "pdflatex")
    require(have_pgfplots(), "pgfplots (Debian's texlive-pictures)")
    data = tmp_path / "sample.csv"
    data.write_text("id,value\n" + "".join(f"{k},{v}\n" for k, v in enumerate(NORMAL)),
                    encoding="utf-8")
    status, out, err = run(capsys, "derive", "normal", "--format", "latex", "--standalone",
                           "--plot", "--data", data, "--column", "value",
                           "-o", tmp_path / "normal.tex")
    assert status == 0, err
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode",
                           "normal.tex"], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:]
    assert (tmp_path / "normal.pdf").stat().st_size > 0


def test_cli_markdown_writes_and_links_a_valid_svg(capsys, sample, tmp_path):
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        require(False, "matplotlib (the extras symmle[plot] and symmle[test])")
    target = tmp_path / "out" / "poisson.md"
    target.parent.mkdir()
    status, out, err = run(capsys, "derive", "poisson", "--format", "md", "--plot",
                           "--data", sample, "-o", target)
    assert status == 0, err
    markdown = target.read_text(encoding="utf-8")
    links = re.findall(r"!\[log-likelihood\]\(([^)]+)\)", markdown)
    assert links == ["poisson-loglik.svg"]
    svg = target.parent / links[0]
    assert svg == svg_path(target) and svg.is_file()
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg")
    assert "## 13. The log-likelihood of the sample" in markdown


def test_cli_markdown_without_matplotlib_names_the_extra(capsys, sample, tmp_path, monkeypatch):
    import symmle.plot

    monkeypatch.setattr(symmle.plot, "have_matplotlib", lambda: False)
    target = tmp_path / "poisson.md"
    status, out, err = run(capsys, "derive", "poisson", "--format", "md", "--plot",
                           "--data", sample, "-o", target)
    assert status == MissingExtraError.exit_code
    assert "pip install 'symmle[plot]'" in err and "Traceback" not in err
    assert not target.exists() and not svg_path(target).exists()


def test_write_svg_without_matplotlib_raises_the_extra_error(poisson, tmp_path, monkeypatch):
    plot = loglik_slices(poisson, POISSON)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib → ImportError
    with pytest.raises(MissingExtraError, match=r"symmle\[plot\]"):
        write_svg(plot, tmp_path / "x.svg")


def test_svg_path_is_beside_the_markdown_file():
    assert svg_path(Path("a/b/report.md")) == Path("a/b/report-loglik.svg")
    assert svg_path("report") == Path("report-loglik.svg")
