"""A pmf on a finite support, in count notation nₖ = #{i : xᵢ = k}: a pmf given as a table
(``[p0, p1, ...]`` with ``--support '{0, 1, ...}'``), the categorical, and claims in counts.

Textbook answers: Rice (Mathematical Statistics and Data Analysis, problem 8.4) has
P(X = 0) = 2θ/3, P(X = 1) = θ/3, P(X = 2) = 2(1 − θ)/3, P(X = 3) = (1 − θ)/3 and
θ̂ = (n₀ + n₁)/n; each is also checked against scipy.optimize on simulated data."""
from __future__ import annotations

import numpy as np
import pytest
import scipy.optimize as so
import sympy as sp

import symmle
from symmle import cli
from symmle.counts import count_symbol, in_counts, is_tabular
from symmle.errors import ModelSpecError
from symmle.notation import N

RICE = "[2*theta/3, theta/3, 2*(1-theta)/3, (1-theta)/3]"
RICE_KW = dict(support="{0, 1, 2, 3}", params={"theta": "(0, 1)"})
PROBS = lambda t: np.array([2 * t / 3, t / 3, 2 * (1 - t) / 3, (1 - t) / 3])  # noqa: E731


@pytest.fixture(scope="module")
def rice():
    return symmle.derive(RICE, **RICE_KW)


def n(k):
    return count_symbol(sp.Integer(k))


def test_table_pmf_mle_in_counts(rice):
    assert rice.closed_form and rice.second_order.verdict == "proven"
    assert is_tabular(rice)
    assert sp.simplify(in_counts(rice.mle["theta"], rice.model)
                       - (n(0) + n(1)) / N) == 0
    theta = rice.model.params[0]
    assert sp.simplify(rice.fisher_information[0, 0] - 1 / (theta * (1 - theta))) == 0
    # the fit against scipy on data simulated from the table
    rng = np.random.default_rng(4)
    x = rng.choice(4, size=500, p=PROBS(0.35))
    counts = np.bincount(x, minlength=4)
    best = so.minimize_scalar(lambda t: -np.sum(counts * np.log(PROBS(t))),
                              bounds=(1e-6, 1 - 1e-6), method="bounded",
                              options={"xatol": 1e-12})
    r = symmle.fit(RICE, x, derivation=rice)
    assert r.estimates["theta"] == pytest.approx(best.x, rel=1e-6)
    assert r.estimates["theta"] == pytest.approx((counts[0] + counts[1]) / x.size)


def test_categorical_in_counts():
    d = symmle.derive("categorical")
    p1, p2 = d.model.params
    assert {k: in_counts(v, d.model) for k, v in d.mle.items()} == {
        "p1": n(1) / N, "p2": n(2) / N}
    ll = in_counts(d.log_likelihood_sample, d.model, terms=True)
    assert sp.expand(ll - (n(1) * sp.log(p1) + n(2) * sp.log(p2)
                           + n(3) * sp.log(1 - p1 - p2))) == 0


def test_bernoulli_is_not_tabular():
    """Σxᵢ is already the count of ones: no second form."""
    d = symmle.derive("bernoulli")
    assert not is_tabular(d) and "counts" not in d.to_markdown()


@pytest.mark.parametrize("fmt, wanted", [
    ("md", [r"\begin{cases} \frac{2 \theta}{3} & \text{if } x = 0", r"n_{k} = \#",
            r"\hat{\theta} &= \frac{n_{0} + n_{1}}{n}", "$P(X = 0) = \\frac{2 \\theta}{3}$"]),
    ("text", ["MLE derivation: P(X = 0) = 2*θ/3, P(X = 1) = θ/3",
              "2*θ/3 if x = 0; θ/3 if x = 1", "dℓ/dθ = n_0/θ + n_1/θ - n_2/(1 - θ) - n_3/(1 - θ)",
              "θ̂ = (n_0 + n_1)/n"]),
])
def test_rendering_shows_the_table_and_the_counts(rice, fmt, wanted):
    out = rice.to_markdown() if fmt == "md" else rice.to_text()
    for w in wanted:
        assert w in out, w
    assert "Piecewise" not in out and "Cases(" not in out


@pytest.mark.parametrize("density, support, message", [
    ("[theta, 1 - theta]", "{0, 1, 2}", "2 probabilities for the 3 values"),
    ("[theta, 1 - theta]", "x > 0", "needs a finite support"),
    ("[theta*x, 1 - theta]", "{0, 1}", "must not involve x"),
    ("[0, theta, 1 - theta]", "{0, 1, 2}", "leave 0 out of the support"),
])
def test_bad_tables_are_refused(density, support, message):
    with pytest.raises(ModelSpecError, match=message):
        symmle.derive(density, support=support, params={"theta": "(0, 1)"})


def test_a_table_that_does_not_sum_to_one_is_refused():
    with pytest.raises(symmle.errors.NormalizationError):
        symmle.derive("[theta/2, theta/2, 1 - theta/2]", support="{0, 1, 2}",
                      params={"theta": "(0, 1)"})


@pytest.mark.parametrize("claim, verdict, slip", [
    (r"\frac{n_0+n_1}{n}", "correct", None),
    ("(n0 + n1)/(n0 + n1 + n2 + n3)", "correct", None),
    (r"\frac{n_0+n_1}{n-1}", "wrong", "1/(n-1) for 1/n"),
    (r"\frac{n_0}{n}", "wrong", None),
    (r"\frac{\#\{i : x_i = 0\} + \#\{i : x_i = 1\}}{n}", "correct", None),
])
def test_claims_in_counts(rice, claim, verdict, slip):
    v = symmle.check(RICE, derivation=rice, **RICE_KW, mle=claim).steps["mle"]
    assert (v.correct if verdict == "correct" else v.verdict == verdict), v.message
    assert v.slip == slip


def test_cli_table(capsys):
    argv = ["derive", RICE, "--support", "{0,1,2,3}", "--param", "theta:(0,1)"]
    assert cli.main(argv) == 0
    assert "θ̂ = (n_0 + n_1)/n" in capsys.readouterr().out
    assert cli.main(["check", *argv[1:], "--score",
                     r"\frac{n_0+n_1}{\theta} - \frac{n_2+n_3}{1-\theta}"]) == 0


def test_json_counts(rice, capsys):
    out = rice.to_dict()
    assert out["counts"] == {"n_0": 0, "n_1": 1, "n_2": 2, "n_3": 3}
    assert out["mle_counts"] == {"theta": "(n_0 + n_1)/n"}
    assert "counts" not in symmle.derive("poisson").to_dict()


@pytest.mark.parametrize("density", ["[]", "[theta, , 1 - theta]", "[theta, 1 - theta, ]"])
def test_an_empty_entry_is_named(density):
    with pytest.raises(ModelSpecError, match="is empty"):
        symmle.derive(density, support="{0, 1}", params={"theta": "(0, 1)"})


@pytest.mark.parametrize("table, support, params, mle, probs", [
    # genotypes AA, Aa, aa under Hardy–Weinberg: θ̂ = (2n₀ + n₁)/(2n)
    ("[theta**2, 2*theta*(1-theta), (1-theta)**2]", "{0, 1, 2}", {"theta": "(0, 1)"},
     {"theta": (2 * n(0) + n(1)) / (2 * N)},
     lambda t: np.array([t[0] ** 2, 2 * t[0] * (1 - t[0]), (1 - t[0]) ** 2])),
    # three free categories without a declared constraint: 1 − p − q > 0 is found
    ("[p, q, 1-p-q]", "{1, 2, 3}", {"p": "(0, 1)", "q": "(0, 1)"},
     {"p": n(1) / N, "q": n(2) / N},
     lambda t: np.array([t[0], t[1], 1 - t[0] - t[1]])),
    # Rao's genetic linkage: the root of a quadratic
    ("[(2+theta)/4, (1-theta)/4, (1-theta)/4, theta/4]", "{1, 2, 3, 4}", {"theta": "(0, 1)"},
     None, lambda t: np.array([(2 + t[0]) / 4, (1 - t[0]) / 4, (1 - t[0]) / 4, t[0] / 4])),
])
def test_textbook_tables(table, support, params, mle, probs):
    d = symmle.derive(table, support=support, params=params)
    assert d.closed_form, d.solution.reason
    names = list(params)
    if mle is not None:
        for k, v in mle.items():
            assert sp.simplify(in_counts(d.mle[k], d.model) - v) == 0
    values = [int(v) for v in support.strip("{}").split(",")]
    true = [0.3, 0.5][:len(names)]
    rng = np.random.default_rng(8)
    x = rng.choice(values, size=400, p=probs(true))
    counts = np.array([(x == v).sum() for v in values])

    def nll(t):
        p = probs(t)
        return np.inf if np.any(p <= 0) else -np.sum(counts * np.log(p))
    best = so.minimize(nll, [0.2] * len(names), method="Nelder-Mead",
                       options={"xatol": 1e-10, "fatol": 1e-12, "maxiter": 4000})
    r = symmle.fit(table, x, derivation=d)
    assert [r.estimates[k] for k in names] == pytest.approx(list(best.x), abs=1e-6)


def test_fit_grouped_data_from_the_command_line(tmp_path, capsys):
    """--counts: a column of values and one of how many times each was seen (a textbook's
    frequency table); the estimate is that of the expanded sample."""
    f = tmp_path / "freq.csv"
    f.write_text("value,count\n0,30\n1,14\n2,40\n3,16\n")
    argv = ["fit", RICE, "--support", "{0,1,2,3}", "--param", "theta:(0,1)", "--data", str(f),
            "--counts", "count", "--format", "json"]
    assert cli.main(argv) == 0
    import json
    out = json.loads(capsys.readouterr().out)
    assert out["n"] == 100 and out["estimates"]["theta"] == pytest.approx(0.44)
    (tmp_path / "bad.csv").write_text("value,count\n0,30\n-2,4\n")
    assert cli.main(["fit", "poisson", "--data", str(tmp_path / "bad.csv"),
                     "--counts", "count"]) != 0
    assert "bad.csv, line 3: observation 31 (value -2)" in capsys.readouterr().err
    (tmp_path / "frac.csv").write_text("value,count\n0,3\n1,1.5\n")
    assert cli.main(["fit", "poisson", "--data", str(tmp_path / "frac.csv"),
                     "--counts", "count"]) != 0
    assert "line 3: the count 1.5" in capsys.readouterr().err
    assert cli.main(["fit", "poisson", "--data", str(f), "--counts", "n"]) != 0
    assert "no column 'n' (the counts)" in capsys.readouterr().err


def test_concavity_value_by_value():
    """Rao's linkage: ℓ = n₁ log(2 + θ) + (n₂ + n₃) log(1 − θ) + n₄ log θ + const is strictly
    concave because each log f(k | θ) is; in power sums, or at the root with its square root,
    SymPy decides nothing."""
    d = symmle.derive("[(2+theta)/4, (1-theta)/4, (1-theta)/4, theta/4]",
                      support="{1, 2, 3, 4}", params={"theta": "(0, 1)"})
    assert d.second_order.verdict == "proven"
    assert "for every value k of the support" in d.second_order.reason
    theta = d.model.params[0]
    expected = -(n(1) / (2 + theta) ** 2 + (n(2) + n(3)) / (1 - theta) ** 2 + n(4) / theta ** 2)
    assert sp.simplify(d.second_order.detail - expected) == 0


def test_a_count_written_otherwise_is_refused_with_its_form():
    with pytest.raises(symmle.errors.ParseError, match=r"only supported as a count"):
        symmle.check(RICE, **RICE_KW, mle=r"\#\{i : x_i > 1\}/n")
