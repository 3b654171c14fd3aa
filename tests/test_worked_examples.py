"""worked_examples/ is generated: every file equals a fresh rendering, every standalone LaTeX file
compiles with pdflatex without errors or overfull boxes wider than 10pt, and every math span of
every Markdown file renders with KaTeX (``throwOnError``).

pdflatex and Node's ``katex`` are installed by ``.ci/run``. Without them a test skips, with the
reason; with ``CI=true`` it fails instead. KaTeX is looked for in ``$SYMMLE_KATEX_DIR`` (the
package folder), then ``$SYMMLE_NODE_PREFIX/node_modules/katex``, then
``~/.cache/symmle/node/node_modules/katex`` (where ``.ci/run`` puts it by default).
"""
from __future__ import annotations

import concurrent.futures
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from external import require

from symmle import examples

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "worked_examples"
FOLDERS = [e.folder for e in examples.EXAMPLES]
LIMIT_PT = 10.0


# --- golden files --------------------------------------------------------------------------------


@pytest.mark.parametrize("folder", FOLDERS)
def test_worked_example_is_up_to_date(folder):
    for name, content in examples.render_example(folder).items():
        path = OUT / folder / name
        assert path.exists(), f"{path} is missing: run python -m symmle.examples"
        assert path.read_text(encoding="utf-8") == content, (
            f"{path} differs from a fresh rendering: run python -m symmle.examples")


def test_index_is_up_to_date():
    assert (OUT / "README.md").read_text(encoding="utf-8") == examples.render_index(), \
        "worked_examples/README.md differs: run python -m symmle.examples"


def test_index_links_every_example_with_its_mle():
    index = (OUT / "README.md").read_text(encoding="utf-8")
    for folder in FOLDERS:
        assert f"]: {folder.replace('_', chr(92) + '_')}/derivation.md" in index
    assert r"$\hat{p} = \bar{x}$" in index
    assert r"\hat{\sigma}^{2} = \frac{1}{n} \sum_{i=1}^{n} \left(x_{i} - \bar{x}\right)^{2}" in index


def test_regeneration_command(tmp_path):
    assert examples.main(["--out", str(tmp_path), "--only", "bernoulli", "poisson"]) == 0
    for folder in ("bernoulli", "poisson"):
        for name in ("derivation.md", "derivation.tex"):
            assert (tmp_path / folder / name).read_text(encoding="utf-8") == \
                (OUT / folder / name).read_text(encoding="utf-8")
    assert examples.main(["--out", str(tmp_path), "--only", "bernoulli", "--check"]) == 0
    (tmp_path / "bernoulli" / "derivation.md").write_text("stale", encoding="utf-8")
    assert examples.main(["--out", str(tmp_path), "--only", "bernoulli", "--check"]) == 1


# --- pdflatex ------------------------------------------------------------------------------------


def _compile(tex: Path, workdir: Path) -> tuple[int, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["pdflatex", "-halt-on-error", "-interaction=nonstopmode",
                           f"-output-directory={workdir}", str(tex)],
                          capture_output=True, text=True, timeout=300, cwd=workdir)
    log = workdir / (tex.stem + ".log")
    return done.returncode, log.read_text(encoding="latin-1") if log.exists() else done.stdout


def overfull(log: str) -> list[str]:
    """Overfull box warnings wider (or higher) than the limit."""
    return [m.group(0) for m in re.finditer(
        r"Overfull \\[hv]box \((\d+(?:\.\d+)?)pt too (?:wide|high)\)[^\n]*", log)
        if float(m.group(1)) > LIMIT_PT]


@pytest.fixture(scope="session")
def compiled(tmp_path_factory):
    require(shutil.which("pdflatex") is not None, "pdflatex")
    base = tmp_path_factory.mktemp("pdflatex")
    texs = {f: OUT / f / "derivation.tex" for f in FOLDERS if (OUT / f / "derivation.tex").exists()}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        futures = {f: pool.submit(_compile, t, base / f) for f, t in texs.items()}
        return {f: fut.result() for f, fut in futures.items()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_standalone_latex_compiles(compiled, folder):
    if folder not in compiled:
        pytest.skip("the engine rejects this model: there is no LaTeX file")
    status, log = compiled[folder]
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert status == 0, f"pdflatex failed on {folder}: {errors[:3]}"
    assert not overfull(log), f"{folder}: {overfull(log)}"


def test_overfull_parser():
    log = "Overfull \\hbox (12.5pt too wide) in paragraph\nOverfull \\hbox (3.1pt too wide) x\n"
    assert overfull(log) == ["Overfull \\hbox (12.5pt too wide) in paragraph"]


# --- KaTeX ---------------------------------------------------------------------------------------

CHECK_JS = r"""
const katex = require(process.argv[2]);
let data = '';
process.stdin.on('data', c => data += c);
process.stdin.on('end', () => {
  const errors = [];
  for (const s of JSON.parse(data)) {
    try { katex.renderToString(s.tex, {displayMode: s.display, throwOnError: true}); }
    catch (e) { errors.push({where: s.where, tex: s.tex, error: String(e.message || e)}); }
  }
  process.stdout.write(JSON.stringify(errors));
});
"""


def katex_dir() -> Path | None:
    candidates = [os.environ.get("SYMMLE_KATEX_DIR")]
    if os.environ.get("SYMMLE_NODE_PREFIX"):
        candidates.append(str(Path(os.environ["SYMMLE_NODE_PREFIX"]) / "node_modules" / "katex"))
    candidates.append(str(Path.home() / ".cache" / "symmle" / "node" / "node_modules" / "katex"))
    return next((Path(c) for c in candidates if c and (Path(c) / "package.json").exists()), None)


def math_spans(markdown: str, where: str) -> list[dict]:
    """Display blocks ``$$\\n…\\n$$`` and inline ``$…$`` (not ``\\$``) of a Markdown text."""
    spans = [{"tex": m.group(1), "display": True, "where": where}
             for m in re.finditer(r"\$\$\n(.*?)\n\$\$", markdown, re.S)]
    rest = re.sub(r"\$\$\n.*?\n\$\$", "", markdown, flags=re.S)
    spans += [{"tex": m.group(1), "display": False, "where": where}
              for m in re.finditer(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$", rest)]
    return spans


def run_katex(spans: list[dict], tmp_path: Path) -> list[dict]:
    require(shutil.which("node") is not None, "node")
    where = katex_dir()
    require(where is not None, "the katex npm package")
    script = tmp_path / "check.js"
    script.write_text(CHECK_JS, encoding="utf-8")
    done = subprocess.run(["node", str(script), str(where)], input=json.dumps(spans),
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_katex_catches_bad_math(tmp_path):
    bad = [{"tex": r"\frac{1}{", "display": False, "where": "test"},
           {"tex": r"\hat{p} = \bar{x}", "display": True, "where": "test"}]
    errors = run_katex(bad, tmp_path)
    assert [e["tex"] for e in errors] == [r"\frac{1}{"]


def test_every_markdown_math_span_renders_with_katex(tmp_path):
    spans = []
    for path in sorted(OUT.rglob("*.md")):
        spans += math_spans(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert len(spans) > 500
    errors = run_katex(spans, tmp_path)
    assert not errors, "\n".join(f"{e['where']}: {e['error']}" for e in errors[:10])


def test_no_character_of_the_prose_is_lost_in_latex():
    """escape_tex writes "?" for a character it cannot typeset: every non-ASCII character of
    the Markdown examples' prose must have a LaTeX form."""
    from symmle.render import escape_tex

    folder = Path(__file__).resolve().parent.parent / "worked_examples"
    chars = {c for f in folder.glob("*/derivation.md") for c in f.read_text(encoding="utf-8")
             if ord(c) >= 128}
    lost = sorted(c for c in chars if "?" in escape_tex(c) and c not in "\u0302\u0303\u0304")
    assert not lost, f"no LaTeX form for {lost}"
    tex = {f.parent.name: f.read_text(encoding="utf-8") for f in folder.glob("*/derivation.tex")}
    md = {f.parent.name: f.read_text(encoding="utf-8") for f in folder.glob("*/derivation.md")}
    assert all(tex[k].count("?") <= md[k].count("?") for k in tex), \
        [k for k in tex if tex[k].count("?") > md[k].count("?")]
