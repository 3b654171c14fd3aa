"""The render stage: templates, filters, formats, the command line's rendering flags, and the
shape of the steps (what a textbook shows, and checked against the engine)."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jinja2
import pytest
from external import require
import sympy as sp
from jinja2 import nodes

from symmle import cli, render
from symmle.examples import EXAMPLES, derive_example
from symmle.latex import hat, plain, tex
from symmle.render import escape_md, escape_tex
from symmle.notation import equivalent

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = sorted((ROOT / "templates").rglob("*.j2"))


def run(capsys, *argv):
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


# --- templates and the environment ---------------------------------------------------------------


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_every_insertion_ends_in_an_approved_filter(path):
    """Parse each template and check every ``((( ... )))`` ends in tex, escape_tex or escape_md."""
    env = render.environment()
    tree = env.parse(path.read_text(encoding="utf-8"))
    insertions = [child for output in tree.find_all(nodes.Output) for child in output.nodes
                  if not isinstance(child, nodes.TemplateData)]
    for child in insertions:
        assert isinstance(child, nodes.Filter) and child.name in render.FILTERS, (
            f"{path.name}: an insertion without an approved filter: {child}")


def test_templates_family_layout():
    names = {str(p.relative_to(ROOT / "templates")) for p in TEMPLATES}
    kinds = {p.stem.split(".")[0] for p in (ROOT / "templates" / "markdown" / "steps").iterdir()}
    assert {"model", "likelihood", "product", "log_likelihood", "score", "equations", "solution",
            "result", "second_order", "checks", "information", "invariance", "insight"} <= kinds
    for kind in kinds:
        assert f"markdown/steps/{kind}.md.j2" in names and f"latex/steps/{kind}.tex.j2" in names
    extends = re.compile(r'\(\(\*-?\s*extends\s+"([^"]+)"')
    for path in TEMPLATES:  # inheritance at most two levels: a partial extends a base that doesn't
        parent = extends.search(path.read_text(encoding="utf-8"))
        if parent:
            base = (ROOT / "templates" / parent.group(1)).read_text(encoding="utf-8")
            assert not extends.search(base), f"{path.name}: more than two levels"


def test_environment_is_built_once_and_strict():
    env = render.environment()
    assert env is render.environment()
    assert env.undefined is jinja2.StrictUndefined
    assert env.trim_blocks and env.lstrip_blocks and not env.autoescape
    assert (env.block_start_string, env.variable_start_string, env.comment_start_string) == \
        ("((*", "(((", "((=")
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("((( nothing | escape_md )))").render()


def test_templates_ship_in_the_wheel_and_are_found_when_installed(tmp_path):
    """A non-editable install finds its templates inside the package."""
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                            str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True,
                           timeout=600)
    require(built.returncode == 0, f"building a wheel (pip wheel failed: {built.stderr[-300:]})")
    wheel, = (tmp_path / "dist").glob("symmle-*.whl")
    inside = set(zipfile.ZipFile(wheel).namelist())
    for path in TEMPLATES:
        assert f"symmle/templates/{path.relative_to(ROOT / 'templates').as_posix()}" in inside
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target",
                    str(target), str(wheel)], check=True, timeout=600)
    code = ("import symmle, symmle.render as r; print(r.template_dir()); "
            "print(r.render_markdown(symmle.derive('poisson')).splitlines()[0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(target)},
                          timeout=600)
    assert done.returncode == 0, done.stderr
    where, title = done.stdout.splitlines()
    assert Path(where) == target / "symmle" / "templates"
    assert title == "# Maximum likelihood estimation: Poisson"


# --- filters -------------------------------------------------------------------------------------


def test_escape_tex_and_escape_md():
    assert escape_tex("50% & $5 #1 x_i {a} ~ ^") == \
        r"50\% \& \$5 \#1 x\_i \{a\} \textasciitilde{} \textasciicircum{}"
    assert escape_tex("ℓ ≥ 0 for θ̂") == r"$\ell$ $\geq$ 0 for $\hat{\theta}$"
    assert escape_md("*a* _b_ [c](d) $e$ <f> |g| #h") == \
        r"\*a\* \_b\_ \[c\](d) \$e\$ \<f\> \|g\| \#h"


def test_tex_prints_sample_notation_and_names():
    d = derive_example("normal")
    mu, s2 = d.model.params
    names = {"sigma2": r"\sigma^{2}"}
    assert tex(d.mle["mu"]) == r"\frac{1}{n} \sum_{i=1}^{n} x_{i}"
    assert tex(hat(s2), names) == r"\hat{\sigma}^{2}"
    assert tex(sp.Symbol("lambda")) == r"\lambda"
    assert tex(sp.Symbol("x_max")) == "x_{(n)}"


# --- formats and the command line ----------------------------------------------------------------


def test_cli_markdown_and_latex(capsys):
    status, md, err = run(capsys, "derive", "bernoulli", "--format", "md")
    assert status == 0, err
    assert md.startswith("# Maximum likelihood estimation: Bernoulli")
    assert r"\hat{p} &= \frac{1}{n} \sum_{i=1}^{n} x_{i} = \bar{x}" in md
    status, fragment, err = run(capsys, "derive", "bernoulli", "--format", "latex")
    assert status == 0 and r"\begin{align*}" in fragment and r"\documentclass" not in fragment
    status, document, err = run(capsys, "derive", "bernoulli", "--format", "latex",
                                "--standalone")
    assert status == 0 and document.startswith(r"\documentclass") and fragment in document


def test_cli_detail_brief_is_shorter(capsys):
    _, full, _ = run(capsys, "derive", "bernoulli", "--format", "md")
    _, brief, _ = run(capsys, "derive", "bernoulli", "--format", "md", "--detail", "brief")
    assert len(brief) < len(full) * 0.8
    assert "Cross-multiply" in full and "Cross-multiply" not in brief
    assert r"\hat{p} &=" in brief
    _, text_brief, _ = run(capsys, "derive", "bernoulli", "--detail", "brief")
    assert text_brief.startswith("MLE derivation: Bernoulli")


def test_cli_standalone_needs_latex(capsys):
    status, _, err = run(capsys, "derive", "poisson", "--format", "md", "--standalone")
    assert status == 2 and "--standalone goes with --format latex" in err


def test_cli_json_and_text_unchanged(capsys):
    status, out, _ = run(capsys, "derive", "poisson", "--format", "json")
    assert status == 0 and json.loads(out)["parameters"] == ["lambda"]
    status, out, _ = run(capsys, "derive", "poisson")
    assert status == 0 and out.startswith("MLE derivation: Poisson")


def test_cli_density_string_renders(capsys):
    status, out, err = run(capsys, "derive", "theta*x**(theta-1)", "--param", "theta:positive",
                           "--support", "0 < x < 1", "--format", "md")
    assert status == 0, err
    assert r"\hat{\theta} &= - \frac{n}{\sum_{i=1}^{n} \log x_{i}}" in out


def test_latex_fragment_needs_only_amsmath_and_amssymb(tmp_path):
    require(shutil.which("pdflatex") is not None, "pdflatex")
    body = render.render_latex(derive_example("normal"))
    (tmp_path / "fragment.tex").write_text(body, encoding="utf-8")
    (tmp_path / "host.tex").write_text(
        "\\documentclass{article}\n\\usepackage{amsmath}\n\\usepackage{amssymb}\n"
        "\\begin{document}\n\\input{fragment}\n\\end{document}\n", encoding="utf-8")
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode", "host.tex"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:]


def test_jupyter_representations():
    d = derive_example("poisson")
    assert render.repr_markdown(d) == render.render_markdown(d)
    latex = render.repr_latex(d)
    assert latex.startswith("$$\\begin{aligned}") and r"\hat{\lambda}" in latex
    mixin = type("Shown", (render.RenderMixin,), {})()
    assert hasattr(mixin, "_repr_markdown_") and hasattr(mixin, "_repr_latex_")


# --- the steps -----------------------------------------------------------------------------------


def kinds(name):
    return [s.kind for s in derive_example(name).steps]


def test_single_parameter_steps_in_textbook_order():
    assert kinds("bernoulli") == ["model", "likelihood", "product", "log_likelihood", "score",
                                  "equations", "solution", "result", "second_order", "checks",
                                  "information", "insight"]
    for step in derive_example("bernoulli").steps:
        assert step.heading and step.text, step.kind


def test_multi_parameter_shows_gradient_hessian_and_definiteness():
    steps = {s.kind: s for s in derive_example("normal").steps}
    assert "gradient" in steps["score"].heading
    second = steps["second_order"]
    assert "negative definite" in "".join(map(str, second.text))
    minors = [line for b in second.blocks for line in b.lines if str(line.lhs).startswith("D_")]
    assert [rel for line in minors for rel, _ in line.chain[-1:]] == ["<", ">"]


def test_support_dependent_model_shows_the_indicator():
    d = derive_example("uniform")
    if isinstance(d, Exception):
        pytest.skip(f"the engine does not derive Uniform(0, θ) yet: {d}")
    md = render.render_markdown(d)
    assert r"\mathbf{1}\left\lbrace x_{(n)} \leq \theta\right\rbrace" in md
    assert r"\hat{\theta} &= x_{(n)}" in md


def test_no_closed_form_shows_newton():
    md = render.render_markdown(derive_example("cauchy"))
    assert "No closed form" in md and "{\\theta}^{(k+1)}" in md


def test_shown_estimators_are_the_engine_estimators():
    """Whatever the moves showed, each result line equals the engine's MLE (an estimate
    written with another, σ̂² with μ̂ in it, once that one is in place)."""
    for name in ("bernoulli", "poisson", "normal", "exponential", "geometric", "rayleigh",
                 "normal_variance", "gamma_rate", "pareto", "lognormal", "inverse_gaussian"):
        d = derive_example(name)
        result = next(s for s in d.steps if s.kind == "result")
        earlier = {hat(q): d.mle[q.name] for q in d.model.params}
        for line in result.blocks[0].lines:
            p = str(line.lhs)[: -len("_hat")]
            for _, form in line.chain:
                assert equivalent(plain(form).xreplace(earlier), d.mle[p]), (name, p, form)


def test_text_format_lists_every_step():
    out = render.render_text(derive_example("poisson"))
    assert "λ̂ = Σ x_i/n = x̄" in out
    assert out.count("\n1. ") == 1 and "Insight" in out


def test_text_squares_a_superscripted_symbol_in_parentheses():
    from symmle.latex import text

    s2, mu = sp.Symbol("sigma2", positive=True), sp.Symbol("mu")
    names = {"sigma2": r"\sigma^{2}"}
    assert text(1 / (2 * s2 ** 2), names) == "1/(2*(σ²)^2)"
    assert text(mu ** 2 * s2 ** 3, names) == "μ^2*(σ²)^3"
    assert text(1 / s2, names) == "1/σ²" and text(sp.sqrt(s2), names) == "sqrt(σ²)"


def test_text_squares_a_sum_in_parentheses():
    from symmle.latex import text

    x, i, n = sp.IndexedBase("x"), sp.Symbol("i", integer=True), sp.Symbol("n", integer=True)
    total = sp.Sum(x[i], (i, 1, n))
    assert text(total ** 2) == "(Σ x_i)^2"
    assert text(sp.Sum(x[i] ** 2, (i, 1, n))) == "Σ x_i^2"


# --- the catalog's parameterization sentences: their mathematics typeset ------------------------

_PLAIN_MATH = re.compile(r"[α-ωΓΣ²³√^|−₀₁ₘ]"  # Greek, powers, roots, |x|, minus, subscripts
                         r"|(?<![A-Za-z])[A-Za-z0-9)]\s?/|/\s?[A-Za-z0-9(](?![A-Za-z])"  # 1/λ, α/β
                         r"|(?<![\w'.])(?!a\b|i\.e)[A-Za-z]\b(?![.']\w)")  # a lone symbol: p, x, N


def _parameterization(md: str) -> str:
    return next(line for line in md.splitlines() if "Parameterization: " in line).split(
        "Parameterization: ")[1]


def _families():
    from symmle.families import CONDITIONAL_FAMILIES, FAMILIES
    from symmle.families._vector import VECTOR_FAMILIES

    return (*FAMILIES, *CONDITIONAL_FAMILIES, *VECTOR_FAMILIES)


@pytest.mark.parametrize("family", _families(), ids=lambda f: f.name)
def test_parameterization_sentence_is_typeset(family):
    d = derive_example(family.name)
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    for sentence in (_prose_md(_parameterization(md)), _prose_tex(_parameterization(latex))):
        assert not _PLAIN_MATH.search(sentence), (family.name, sentence)
        assert "`" not in sentence and "?" not in sentence, (family.name, sentence)
    plain = render.unmarked(family.parameterization)
    assert f"Parameterization: {plain.rstrip('.')}." in txt and "`" not in txt  # text: Unicode
    assert "$" in _parameterization(md)


def test_parameterization_marks_and_their_latex():
    md = derive_example("exponential").to_markdown()
    assert r"Parameterization: rate $\lambda$, not scale: mean $1/\lambda$." in md
    assert (r"(the mean is $\lambda/(1 - e^{-\lambda})$, not $\lambda$)"
            in derive_example("zero_truncated_poisson").to_latex())
    assert r"the standard deviation $b\sqrt{2}$" in derive_example("laplace_scale").to_markdown()
    assert r"$p_{3} = 1 - p_{1} - p_{2}$ is not" in derive_example("categorical").to_markdown()
    assert render.unicode_tex("β₀ + β₁x") == r"\beta_{0} + \beta_{1}x"
    assert render.unicode_tex("−log X") == r"-\log X"
    assert render.unicode_tex("p² + 2pr") == "p^{2} + 2pr"  # two letters: two symbols
    for bad in ("x ⊕ y", "√(2", "a_b", "{x}"):
        with pytest.raises(ValueError):
            render.unicode_tex(bad)
    assert render.marked_prose("rate `λ, not scale") == ("rate λ, not scale",)  # all text
    assert render.marked_prose("at `a_b` only") == ("at ", "a_b", " only")  # no LaTeX: text
    # the catalog (JSON) and the text keep the plain sentence
    entry = next(e for e in json.loads(run_catalog_json()) if e["name"] == "gamma")
    assert entry["parameterization"] == "shape α and rate β, not scale: mean α/β."


def run_catalog_json() -> str:
    from symmle.families import catalog_entries

    return json.dumps(catalog_entries(), ensure_ascii=False)


@pytest.mark.parametrize("folder", [e.folder for e in EXAMPLES])
def test_no_output_shows_a_math_mark(folder):
    d = derive_example(folder)
    if isinstance(d, Exception):
        pytest.skip(f"{folder} is not derived: {d}")
    for out in (d.to_markdown(), d.to_latex(), d.to_text()):
        assert render.MATH_MARK not in out, folder


def test_a_title_with_marked_mathematics_is_typeset():
    from symmle.examples import render_index

    d = derive_example("abo_blood_groups")
    heading = "ABO blood groups: phenotypes A, B, AB, O with $p^{2} + 2pr$, $q^{2} + 2qr$"
    assert d.to_markdown().startswith("# Maximum likelihood estimation: " + heading)
    assert r"\section*{Maximum likelihood estimation: " + heading in d.to_latex()
    assert f"- [{heading}, $2pq$, $r^{{2}}$][abo\\_blood\\_groups]" in render_index()
    assert d.to_text().startswith("MLE derivation: ABO blood groups: phenotypes A, B, AB, O "
                                  "with p² + 2pr, q² + 2qr, 2pq, r²\n")


def test_a_heading_with_a_parameter_typesets_it():
    d = derive_example("laplace")
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    assert "## 7. The maximum in $\\mu$: the sample median, then the likelihood equation\n" in md
    assert r"\subsection*{7. The maximum in $\mu$: the sample median" in latex
    assert "\n7. The maximum in μ: the sample median, then the likelihood equation\n" in txt
    assert "As a function of $\\mu$, $\\ell$ has a corner" in md
    # every other heading is words: a heading renders as it always did
    assert "## 1. The model\n" in md and r"\subsection*{1. The model}" in latex


def test_variance_insights_typeset_their_divisors():
    normal = derive_example("normal").to_markdown()
    assert (r"divides by $n$, not $n - 1$, so it is biased: its mean is $(n - 1)/n$ times"
            in normal)
    known_mean = derive_example("normal_variance").to_latex()
    assert r"The MLE uses $1/n$, not $1/(n - 1)$: with $\mu$ known" in known_mean
    assert "n $-$ 1" not in known_mean


# --- matrices in text: rows in brackets, never SymPy's Matrix([...]) ------------------------------


@pytest.mark.parametrize("folder", [e.folder for e in EXAMPLES])
def test_text_output_has_no_sympy_matrix_repr(folder):
    d = derive_example(folder)
    if isinstance(d, Exception):
        pytest.skip(f"{folder} is not derived: {d}")
    out = d.to_text()
    assert "Matrix(" not in out and "\n[" not in out, folder  # no repr, no row at column 0


def test_text_prints_a_matrix_as_its_rows():
    from symmle.latex import text

    a, b = sp.symbols("a b")
    assert text(sp.ImmutableMatrix([[a, 0], [0, b ** 2]])) == "[[a, 0], [0, b^2]]"
    assert text(sp.ImmutableMatrix([a, b])) == "[[a], [b]]"
    assert text(sp.ImmutableMatrix([a, b]) * sp.Symbol("c")) == "[[a*c], [b*c]]"


def test_text_displays_a_matrix_as_an_aligned_block():
    out = derive_example("normal").to_text().splitlines()
    k = next(j for j, line in enumerate(out) if line.startswith("     I(μ, σ²) = ["))
    assert out[k:k + 2] == ["     I(μ, σ²) = [1/σ²             0]",
                            "                [   0  1/(2*(σ²)^2)]"]
    # θ̂'s combining hat takes no column: the brackets of H(μ̂, σ̂²) line up
    k = next(j for j, line in enumerate(out) if line.startswith("     H(μ̂, σ̂²) = ["))
    first, second = out[k], out[k + 1]
    assert render._width(first[:first.index("[")]) == second.index("[")
    assert render._width(first) == render._width(second) and first != second
    gamma = derive_example("gamma").to_text().splitlines()
    k = next(j for j, line in enumerate(gamma) if line.startswith("     [α⁽ᵏ⁺¹⁾] = "))
    # Newton's update θ − H⁻¹∇ℓ: the vectors in a sum or a product are blocks too
    assert gamma[k] == "     [α⁽ᵏ⁺¹⁾] = [α⁽ᵏ⁾] - 1/H(α⁽ᵏ⁾, β⁽ᵏ⁾)*∇ℓ(α⁽ᵏ⁾, β⁽ᵏ⁾)"
    assert gamma[k + 1] == "     [β⁽ᵏ⁺¹⁾]   [β⁽ᵏ⁾]"
    irls = derive_example("logistic_regression").to_text().splitlines()
    k = next(j for j, line in enumerate(irls) if line.startswith("     [b0⁽ᵏ⁺¹⁾] = "))
    assert irls[k].startswith("     [b0⁽ᵏ⁺¹⁾] = [b0⁽ᵏ⁾] + 1/J(b0⁽ᵏ⁾, b1⁽ᵏ⁾)*[      Σ (y_i - ")
    assert irls[k + 1].startswith("     [b1⁽ᵏ⁺¹⁾]   [b1⁽ᵏ⁾]" + " " * 21 + "[Σ ((y_i - ")
    matrix = derive_example("multiple_linear_regression").to_text()
    # the relation on the middle row (the upper of two middles)
    assert "         [y_1]\n     y = [y_2]\n         [  ⋮]\n         [y_n]\n" in matrix
    assert "         [1  x1_n  x2_n  x3_n]\n" in matrix


# --- mathematics in prose is typeset, not plain text ----------------------------------------------


def _prose_md(md: str) -> str:
    """The Markdown outside math: display blocks and inline $…$ spans removed."""
    md = re.sub(r"\$\$.*?\$\$", "", md, flags=re.S)
    return re.sub(r"\$[^$\n]+\$", "", md)


def _prose_tex(latex: str) -> str:
    latex = re.sub(r"\\begin\{(align\*|equation\*)\}.*?\\end\{\1\}", "", latex, flags=re.S)
    return re.sub(r"(?<!\\)\$[^$\n]+?(?<!\\)\$", "", latex)


def test_information_sentence_is_inline_math():
    d = derive_example("normal")
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    definition = (r"$\mathcal{I}(\theta) = -\operatorname{E}\left[\frac{\partial^{2}}"
                  r"{\partial \theta^{2}} \log f(X \mid \theta)\right]$")
    inverse = r"$\left[n \mathcal{I}(\theta)\right]^{-1}$"
    for out in (md, latex):
        assert definition in out and inverse in out
        assert r"$\sqrt{\left[n \mathcal{I}(\theta)\right]^{-1}}$ with $\hat{\theta}$" in out
        assert r"$\operatorname{E}\left[\frac{\partial \ell}{\partial \theta}\right] = 0$" in out
    assert r"E\[∂²" not in md and r"\[n I(θ)\]⁻¹" not in md  # the old escaped plain text
    assert "−E[∂² log f(X | θ)/∂θ²]" not in _prose_md(md)
    assert "I(θ) = −E[∂² log f(X | θ)/∂θ²]" in txt and "√([n I(θ)]⁻¹)" in txt  # text: Unicode


def test_normalization_reason_is_inline_math():
    for name, shown in (("normal", r"over $\left(-\infty, \infty\right)$ for every"),
                        ("laplace", r"over $\left(-\infty, \infty\right)$ for every"),
                        ("uniform", r"over $\left(0, \theta\right)$ for every"),
                        ("poisson", r"over $\left\lbrace0, 1, \ldots\right\rbrace$ for every"),
                        ("discrete_uniform",
                         r"over $\left\lbrace1, 2, \ldots, N\right\rbrace$ for every")):
        md = derive_example(name).to_markdown()
        line = next(x for x in md.splitlines() if "Normalization (" in x)
        assert shown in line, (name, line)
        assert r"\<" not in line and "-∞ \\<" not in line and r"\{" not in _prose_md(line), name
    gumbel = derive_example("gumbel").to_markdown()
    assert r"within $10^{-6}$ at $\mu = - \frac{7}{10}$, $\beta = \frac{13}{10}$;" in gumbel


def test_laplace_reasons_typeset_the_absolute_value_and_the_median_variance():
    d = derive_example("laplace")
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    assert r"(the term $- \frac{1}{b} \left|{\mu - x}\right|$)" in md
    assert r"$P(X < \mu) = \frac{1}{2}$" in md and r"$\frac{1}{4 n f(\mu)^{2}} = " \
        r"\frac{b^{2}}{n}$" in md
    assert r"P(X \<" not in md and r"P(X $<$" not in latex
    assert "-|μ - x|/b" in txt and "P(X < μ) = 1/2" in txt
    # the engine's messages (JSON) keep their wording
    reasons = {c["name"]: c["reason"] for c in json.loads(d.to_json())["checks"]}
    assert "P(X < mu) = 1/2" in reasons["median_variance"]


@pytest.mark.parametrize("name, arg", [("gamma", r"\alpha"), ("beta", "a")])
def test_digamma_reason_typesets_psi(name, arg):
    d = derive_example(name)
    md, latex = d.to_markdown(), d.to_latex()
    for out in (md, latex):
        assert f"involve the digamma function $\\psi({arg})$, which" in out, name
    assert "ψ(" not in _prose_md(md) and "ψ(" not in _prose_tex(latex)
    assert "digamma function ψ(" in d.to_text()  # text, and JSON's engine wording, in Unicode
    assert "digamma function ψ(" in json.loads(d.to_json())["warnings"][0]


def test_unsolved_reason_shows_the_equation_as_math():
    d = derive_example("zero_truncated_poisson")
    md, latex = d.to_markdown(), d.to_latex()
    equation = (r"SymPy cannot solve the likelihood equation $\left(e^{\lambda} - 1\right) "
                r"\sum_{i=1}^{n} x_{i} - n \lambda e^{\lambda} = 0$;")
    assert equation in md and equation in latex
    assert "could not solve" not in md and "exp(" not in _prose_tex(latex)
    assert "likelihood equation (exp(λ) - 1)*Σ x_i - λ*n*exp(λ) = 0;" in d.to_text()
    # the equation is ℓ's score, over a common denominator, in sample notation
    lam, x = d.model.params[0], sp.IndexedBase("x")
    i, n = sp.Symbol("i", integer=True), sp.Symbol("n", integer=True)
    shown = d.solution.prose[1].args[0]
    score = sp.diff(sp.Sum(x[i] * sp.log(lam) - lam - sp.log(1 - sp.exp(-lam)), (i, 1, n))
                    .doit(), lam)
    ratio = sp.simplify(shown.subs(sp.Sum(x[i], (i, 1, n)), sp.Symbol("S")) /
                        score.subs(sp.Sum(x[i], (i, 1, n)), sp.Symbol("S")))
    assert ratio != 0 and not ratio.has(sp.Symbol("S")), ratio


def test_no_closed_form_reason_typesets_the_term():
    d = derive_example("cauchy")
    md, latex = d.to_markdown(), d.to_latex()
    term = r"$- \log\left(\left(x - \theta\right)^{2} + 1\right)$"
    assert term in md and term in latex
    assert "-log((" not in _prose_md(md) and "-log((" not in _prose_tex(latex)
    assert "-log((x - θ)^2 + 1)" in d.to_text()


@pytest.mark.parametrize("name", ["normal", "laplace", "laplace_scale", "cauchy", "poisson",
                                  "pareto", "uniform", "weibull", "gumbel", "logistic"])
def test_no_sympy_str_or_escaped_relations_in_prose(name):
    d = derive_example(name)
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    for prose in (_prose_md(md), _prose_tex(latex), txt):
        assert "Abs(" not in prose, name
        assert not re.search(r"[\w)](\\?\*){2}[\w(]", prose), name  # x**2, not **bold**
    assert r"\<" not in _prose_md(md) and r"-∞" not in _prose_md(md), name
    assert r"\[n I" not in md and r"E\[" not in md.split("## Warnings")[0], name


def test_support_monotonicity_reason_is_inline_math():
    md = derive_example("pareto").to_markdown()
    assert (r"$\frac{\partial\ell}{\partial x_{m}} = \frac{\alpha n}{x_{m}}$ is positive on the "
            r"feasible set ($x_{m} \leq x_{(1)}$)") in md
    assert r"$\frac{\partial^{2}\ell}{\partial \alpha^{2}} = - \frac{n}{\alpha^{2}} < 0$" in md
    assert "Dℓ/d" not in md and r"α² \< 0" not in md


def test_regression_information_sentences_are_inline_math():
    md = derive_example("linear_regression").to_markdown()
    assert (r"$\mathcal{I}(\theta) = \sum_{i} \operatorname{E}\left[-\frac{\partial^{2}}"
            r"{\partial \theta^{2}} \log f(y_{i} \mid x_{i}, \theta)\right]$ "
            r"($\operatorname{E}\left[y \mid x\right]$ from the score identity") in md
    assert r"$\mu_{i} = \operatorname{E}\left[y_{i} \mid x_{i}\right] = " in md
    assert r"E\[" not in md and r"√(\[I(θ)\]⁻¹)" not in md
    matrix = derive_example("multiple_linear_regression").to_markdown()
    assert r"$-\operatorname{E}\left[\frac{\partial^{2}\ell}{\partial (\sigma^{2})^{2}}\right] = " \
        in matrix
    assert "XᵀX/$" not in matrix and r"−E\[" not in matrix


@pytest.mark.parametrize("name", ["linear_regression", "logistic_regression",
                                  "poisson_regression", "multiple_linear_regression"])
def test_regression_sentences_typeset_their_matrices(name):
    d = derive_example(name)
    md, latex, txt = d.to_markdown(), d.to_latex(), d.to_text()
    for prose in (_prose_md(md), _prose_tex(latex)):  # no Xᵀ, (XᵀX)⁻¹, RSS/n, wᵢ zᵢ zᵢᵀ in words
        for plain_math in ("ᵀ", "⁻¹", "RSS/", "wᵢ", "zᵢ", "←", "N(0", "sqrt(", "$^{T}$"):
            assert plain_math not in prose, (name, plain_math)
    if name == "logistic_regression":  # the IRLS step
        assert (r"$\boldsymbol{\beta} \leftarrow \left(\mathbf{X}^{T} \mathbf{W} \mathbf{X}"
                r"\right)^{-1} \mathbf{X}^{T} \mathbf{W} \mathbf{z}$ with weights "
                r"$\mathbf{W} = \operatorname{diag}(w_{i})$") in md
        assert "β ← (XᵀWX)⁻¹XᵀWz with weights W = diag(wᵢ)" in txt
    if name == "linear_regression":
        assert (r"normal equations $\mathbf{X}^{T} \mathbf{X} \boldsymbol{\beta} = "
                r"\mathbf{X}^{T} \mathbf{y}$, linear") in md
        assert r"residual $\mathrm{RSS}/n$ (dividing" in latex
        assert "the normal equations XᵀXβ = Xᵀy, linear" in txt
    if name == "multiple_linear_regression":  # the title is the density, as mathematics
        assert md.startswith(r"# Maximum likelihood estimation: $f(y \mid x_{1}, x_{2}, x_{3}, ")
        assert (r"$\frac{\partial \left(\boldsymbol{\beta}^{T} \mathbf{c}\right)}"
                r"{\partial \boldsymbol{\beta}} = \mathbf{c}") in md
        assert r"$s^{2} = \mathrm{RSS}/(n - 4)$ is the unbiased" in md
        assert "s² = RSS/(n − 4)" in txt and "∂(βᵀc)/∂β = c" in txt


def test_constrained_information_sentence_is_inline_math():
    d = derive_example("hardy_weinberg")
    md = d.to_markdown()
    assert (r"the pmf is multinomial, $\frac{m!}{x_{1}! \cdots x_{k}!} \prod_{j} q_{j}(\theta)"
            r"^{x_{j}}$ with $\sum_{j} q_{j} = 1$") in md
    assert r"follow from $n \mathcal{I}(\theta)$ by the delta method" in md
    assert r"x\_k" not in md and r"E\[x\_j\]" not in md
    # JSON keeps the engine's wording
    assert json.loads(d.to_json())["fisher_information_reason"].startswith(
        "the pmf is multinomial, m!/(x₁!⋯x_k!)·Π q_j(θ)^x_j")


def test_an_untitled_model_is_named_by_its_density_in_math():
    d = derive_example("homework_theta_plus_1_x_to_theta")
    md, latex = d.to_markdown(), d.to_latex()
    assert md.startswith(r"# Maximum likelihood estimation: $f(x \mid \theta) = x^{\theta} "
                         r"\left(\theta + 1\right)$")
    assert r"\section*{Maximum likelihood estimation: $f(x \mid \theta) = " in latex
    assert "x**theta" not in md and r"x\*\*theta" not in md
