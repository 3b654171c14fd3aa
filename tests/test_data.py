"""Tests of symmle.data: reading observations from plain files and CSV tables."""
from __future__ import annotations

import time

import numpy as np
import pytest

import symmle
from symmle.data import read_data, read_table
from symmle.errors import DataError, SymmleError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- plain files ----------------------------------------------------------------------------------


def test_one_number_per_line(tmp_path):
    values = read_data(write(tmp_path, "x.txt", "1\n2.5\n-3e-1\n"))
    assert values.dtype == np.float64
    assert values.ndim == 1
    assert values.tolist() == [1.0, 2.5, -0.3]


def test_whitespace_and_commas_blank_lines_and_comments(tmp_path):
    text = "# counts of goals\n\n1 2\t3\n4, 5 ,6  # trailing comment\n   \n# done\n7\n"
    assert read_data(write(tmp_path, "x.txt", text)).tolist() == [1, 2, 3, 4, 5, 6, 7]


def test_windows_line_endings_and_byte_order_mark(tmp_path):
    path = tmp_path / "x.txt"
    path.write_bytes("\ufeff1\r\n2\r\n\r\n3\r\n".encode("utf-8"))
    assert read_data(path).tolist() == [1.0, 2.0, 3.0]


def test_accepts_str_and_pathlike(tmp_path):
    path = write(tmp_path, "x.txt", "4\n")
    assert read_data(str(path)).tolist() == read_data(path).tolist() == [4.0]


def test_result_is_a_fresh_contiguous_array(tmp_path):
    values = read_data(write(tmp_path, "x.csv", "a,b\n1,2\n3,4\n"), column="b")
    assert values.flags["C_CONTIGUOUS"]
    assert values.tolist() == [2.0, 4.0]


@pytest.mark.parametrize("token", ["abc", "1.2.3", "0x10", "1_000", "1/2", "__import__('os')"])
def test_non_numeric_value_names_line_and_token(tmp_path, token):
    path = write(tmp_path, "x.txt", f"1\n2\n{token}\n4\n")
    with pytest.raises(DataError, match=r"line 3") as info:
        read_data(path)
    message = str(info.value)
    assert "x.txt" in message
    assert repr(token) in message


@pytest.mark.parametrize("token,what", [("nan", "NaN"), ("NaN", "NaN"), ("inf", "infinite"),
                                        ("-inf", "infinite"), ("Infinity", "infinite")])
def test_nan_and_infinity_are_refused(tmp_path, token, what):
    with pytest.raises(DataError, match=rf"line 2: {what}.*{token}"):
        read_data(write(tmp_path, "x.txt", f"1\n{token}\n3\n"))


def test_bad_value_on_a_line_with_several(tmp_path):
    with pytest.raises(DataError, match=r"line 2: not a number: 'x'"):
        read_data(write(tmp_path, "x.txt", "1 2\n3 x 4\n"))


def test_line_numbers_count_comments_and_blank_lines(tmp_path):
    with pytest.raises(DataError, match=r"line 5: not a number: 'oops'"):
        read_data(write(tmp_path, "x.txt", "# header comment\n1\n\n# more\n2 oops\n"))


def test_empty_value_between_commas(tmp_path):
    with pytest.raises(DataError, match=r"line 2: empty value"):
        read_data(write(tmp_path, "x.txt", "1, 2\n3,,4\n"))


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "  \n# a\n\n"])
def test_no_observations(tmp_path, text):
    with pytest.raises(DataError, match="no observations"):
        read_data(write(tmp_path, "x.txt", text))


def test_missing_file(tmp_path):
    path = tmp_path / "nowhere.txt"
    with pytest.raises(DataError, match=r"nowhere\.txt: no such file"):
        read_data(path)


def test_directory_is_not_a_data_file(tmp_path):
    with pytest.raises(DataError, match="directory"):
        read_data(tmp_path)


def test_binary_file(tmp_path):
    path = tmp_path / "x.bin"
    path.write_bytes(b"1\n\xff\xfe\x00\n")
    with pytest.raises(DataError, match="not a text file"):
        read_data(path)


def test_data_error_is_a_value_error_and_a_symmle_error(tmp_path):
    with pytest.raises(ValueError):
        read_data(tmp_path / "missing")
    with pytest.raises(SymmleError):
        read_data(tmp_path / "missing")
    assert DataError.exit_code == 6


def test_column_given_for_a_plain_file(tmp_path):
    with pytest.raises(DataError, match="no header row"):
        read_data(write(tmp_path, "x.txt", "1\n2\n"), column="x")


# --- tables ---------------------------------------------------------------------------------------


def test_csv_with_header_picks_the_column(tmp_path):
    path = write(tmp_path, "runs.csv", "day,minutes,km\nmon,31.5,5\ntue,28,4.5\n")
    assert read_data(path, column="minutes").tolist() == [31.5, 28.0]
    assert read_data(path, column="km").tolist() == [5.0, 4.5]


def test_single_column_csv_needs_no_column(tmp_path):
    path = write(tmp_path, "x.csv", "# a comment first\nweight\n1.5\n2\n")
    assert read_data(path).tolist() == [1.5, 2.0]
    assert read_data(path, column="weight").tolist() == [1.5, 2.0]


def test_several_columns_need_a_column(tmp_path):
    path = write(tmp_path, "x.csv", "a,b,c\n1,2,3\n")
    with pytest.raises(DataError, match=r"3 columns \(a, b, c\)"):
        read_data(path)


def test_unknown_column_lists_the_columns(tmp_path):
    path = write(tmp_path, "x.csv", "dose, deaths\n1,2\n")
    with pytest.raises(DataError, match=r"no column 'z'; the columns are: dose, deaths"):
        read_data(path, column="z")


def test_whitespace_separated_table(tmp_path):
    path = write(tmp_path, "x.dat", "t  y\n0  1.5\n1  2.5\n\n2  3.5  # last\n")
    assert read_data(path, column="y").tolist() == [1.5, 2.5, 3.5]


def test_quoted_header_and_values(tmp_path):
    path = write(tmp_path, "x.csv", '"name","value"\n"a b","1.5"\n"c, d",2\n')
    assert read_data(path, column="value").tolist() == [1.5, 2.0]


def test_other_columns_may_hold_anything(tmp_path):
    path = write(tmp_path, "x.csv", "label,y\nn/a,1\n,2\nfoo bar,3\n")
    assert read_data(path, column="y").tolist() == [1.0, 2.0, 3.0]


def test_bad_value_in_the_column_names_line_column_and_token(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n1,2\n3,4\n5,seven\n")
    with pytest.raises(DataError, match=r"x\.csv, line 4, column 'b': not a number: 'seven'"):
        read_data(path, column="b")


def test_nan_in_the_column(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n1,2\n3,nan\n")
    with pytest.raises(DataError, match=r"line 3, column 'b': NaN"):
        read_data(path, column="b")


def test_short_row(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n1,2\n3\n")
    with pytest.raises(DataError, match=r"line 3: 1 value"):
        read_data(path, column="b")


def test_empty_value_in_the_column(tmp_path):
    path = write(tmp_path, "x.csv", "a,b\n1,2\n3,\n")
    with pytest.raises(DataError, match=r"line 3, column 'b': empty value"):
        read_data(path, column="b")


def test_header_without_rows(tmp_path):
    with pytest.raises(DataError, match="no observations"):
        read_data(write(tmp_path, "x.csv", "a,b\n# nothing yet\n"), column="a")


def test_duplicate_column_names(tmp_path):
    with pytest.raises(DataError, match="twice"):
        read_data(write(tmp_path, "x.csv", "a,a\n1,2\n"), column="a")


def test_read_table_returns_columns_in_order(tmp_path):
    path = write(tmp_path, "dose.csv", "dose,deaths,n\n1.0,2,10\n2.0,5,10\n4.0,9,10\n")
    table = read_table(path, ["n", "dose"])
    assert list(table) == ["n", "dose"]
    assert table["dose"].tolist() == [1.0, 2.0, 4.0]
    assert table["n"].tolist() == [10.0, 10.0, 10.0]
    assert all(v.dtype == np.float64 and v.ndim == 1 for v in table.values())


def test_read_table_needs_a_header(tmp_path):
    with pytest.raises(DataError, match="no header row"):
        read_table(write(tmp_path, "x.csv", "1,2\n3,4\n"), ["a"])


def test_read_table_unknown_column(tmp_path):
    with pytest.raises(DataError, match="no column 'c'"):
        read_table(write(tmp_path, "x.csv", "a,b\n1,2\n"), ["a", "c"])


def test_nothing_is_evaluated(tmp_path):
    marker = tmp_path / "pwned"
    payload = f"__import__('pathlib').Path({str(marker)!r}).touch()"
    with pytest.raises(DataError):
        read_data(write(tmp_path, "x.txt", f"1\n{payload}\n"))
    assert not marker.exists()


# --- large files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def million(tmp_path_factory):
    values = np.random.default_rng(1).exponential(size=10**6)
    folder = tmp_path_factory.mktemp("big")
    text = "\n".join(map(repr, values.tolist())) + "\n"
    (folder / "big.txt").write_text(text)
    (folder / "bad.txt").write_text(text + "oops\n")
    (folder / "big.csv").write_text(
        "i,x\n" + "\n".join(f"{i},{v!r}" for i, v in enumerate(values.tolist())) + "\n")
    return folder, values


def test_a_million_lines_is_fast(million):
    folder, values = million
    start = time.process_time()  # CPU time: the wall clock of a shared machine is its load
    got = read_data(folder / "big.txt")
    seconds = time.process_time() - start
    np.testing.assert_array_equal(got, values)
    assert seconds < 5, f"reading 10^6 lines took {seconds:.2f} s"


def test_a_million_csv_rows_is_fast(million):
    folder, values = million
    start = time.process_time()
    got = read_data(folder / "big.csv", column="x")
    seconds = time.process_time() - start
    np.testing.assert_array_equal(got, values)
    assert seconds < 5, f"reading 10^6 CSV rows took {seconds:.2f} s"


def test_a_bad_value_at_the_end_of_a_million_lines_is_located_quickly(million):
    folder, _ = million
    start = time.process_time()
    with pytest.raises(DataError, match=r"line 1000001: not a number: 'oops'"):
        read_data(folder / "bad.txt")
    assert time.process_time() - start < 10


@pytest.mark.parametrize("family, bad", [
    ("shifted_exponential", np.inf), ("shifted_exponential", np.nan), ("uniform_ab", -np.inf),
    ("power", np.nan), ("pareto", np.inf),
])
def test_non_finite_data_are_named_when_the_estimator_needs_no_sum(family, bad):
    # these estimators use x_min, x_max or Σ log x, not Σx: finiteness comes from the min and max
    from symmle.errors import NonNumericDataError

    x = np.array([0.5, 0.7, bad, 0.2]) + (1.5 if family == "pareto" else 0.0)
    with pytest.raises(NonNumericDataError, match="observation 3 is"):
        symmle.fit(family, x)


# --- support ends proved by a statistic (Σ log(x − a) finite ⇔ every x > a, finite) --------------

@pytest.mark.parametrize("family, ends", [
    ("gamma", {"lower", "finite"}), ("beta", {"lower", "upper", "finite"}),
    ("lognormal", {"lower", "finite"}), ("weibull", {"lower", "finite"}),
    ("power", {"lower", "finite"}),
    # no statistic of the form log(x − a) at the support's end (x ≥ x_m for pareto_shape):
    # the data check does that pass, but Σ log x, Σ x, Σ x², Σ x^k show every x finite
    ("pareto_shape", {"finite"}), ("gamma_rate", {"finite"}), ("rayleigh", {"finite"}),
    ("weibull_scale", {"finite"}), ("laplace_scale", {"finite"}),
    # Σ 1/x is finite for an infinite x; a closed form without sums (x_max) proves nothing
    ("uniform", set()),
])
def test_the_ends_of_the_support_that_a_statistic_proves(family, ends):
    from symmle.compile import compiled
    from symmle.numeric import _support_proofs

    d = symmle.derive(family)
    comp = compiled(d)
    computed = [s for s, _ in comp.statistics if comp.mle is None or s in comp.mle_uses]
    known = {k: 1.5 for k in d.model.known}
    assert set(_support_proofs(d, known, computed)) == ends


def test_a_statistic_the_fit_does_not_compute_proves_nothing():
    from symmle.numeric import _support_proofs

    d = symmle.derive("beta")
    assert _support_proofs(d, {}, []) == {}


@pytest.mark.parametrize("family, x, where, kind", [
    ("gamma", [1.0, 2.0, -1.0, 3.0], 3, "outside the support"),
    ("gamma", [1.0, 0.0, 2.0], 2, "outside the support"),
    ("gamma", [1.0, 2.0, np.nan], 3, "is nan"),
    ("gamma", [1.0, np.inf, 2.0], 2, "is inf"),
    ("beta", [0.2, 0.5, 1.0, 0.3], 3, "outside the support"),
    ("beta", [0.2, 0.0, 0.4], 2, "outside the support"),
    ("beta", [0.2, 0.4, -np.inf], 3, "is -inf"),
    ("lognormal", [1.0, 2.0, 3.0, -3.0], 4, "outside the support"),
    ("weibull", [0.0, 1.0, 2.0], 1, "outside the support"),
    ("power", [0.5, 0.2, 1.5], 3, "outside the support"),  # the end Σ log x does not prove
    ("power", [0.5, -0.2, 0.5], 2, "outside the support"),
    # a statistic (Σ x², Σ log x) shows every observation finite; the support's end is a pass
    ("rayleigh", [1.0, np.inf, 2.0], 2, "is inf"),
    ("rayleigh", [1.0, 2.0, np.nan], 3, "is nan"),
    ("rayleigh", [1.0, -2.0, 3.0], 2, "outside the support"),
    ("half_normal", [1.0, 2.0, -np.inf], 3, "outside the support"),
    ("pareto_shape", [2.0, np.inf, 3.0], 2, "is inf"),
    ("pareto_shape", [2.0, 1.0, 3.0], 2, "outside the support"),  # x_m = 1.5
])
def test_observations_outside_a_proved_end_are_still_named(family, x, where, kind):
    from symmle.errors import DataError

    known = {k.name: 1.5 for k in symmle.derive(family).model.known}
    with pytest.raises(DataError, match=f"observation {where} .*{kind}"):
        symmle.fit(family, np.array(x), known_values=known or None)


def test_a_proof_at_a_shifted_end_of_a_density_string():
    # θ(x − 2)^(θ−1) on 2 < x < 3: Σ log(x − 2) proves x > 2, not x < 3
    from symmle.errors import OutOfSupportError

    options = {"params": "theta", "support": "2 < x < 3"}
    x = 2 + np.random.default_rng(1).power(2.5, 2000)
    r = symmle.fit("theta*(x-2)**(theta-1)", x, **options)
    assert r.estimates["theta"] == pytest.approx(-x.size / np.log(x - 2).sum(), rel=1e-12)
    for bad, where in ((2.0, 7), (1.5, 7), (3.5, 7)):
        y = x.copy()
        y[6] = bad
        with pytest.raises(OutOfSupportError, match=f"observation {where} .value {bad:g}"):
            symmle.fit("theta*(x-2)**(theta-1)", y, **options)
