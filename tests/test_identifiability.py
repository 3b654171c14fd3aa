"""Non-identifiable models are reported, naming the flat direction, never answered."""
from __future__ import annotations

import json

import numpy as np
import pytest

import symmle
from symmle.cli import main
from symmle.errors import NonIdentifiableError

SUM_OF_MEANS = dict(model="exp(-(x-t1-t2)**2/2)/sqrt(2*pi)", params={"t1": "real", "t2": "real"},
                    support="-oo < x < oo")


def test_normal_with_sum_of_means_is_not_identifiable():
    kwargs = dict(SUM_OF_MEANS)
    with pytest.raises(NonIdentifiableError, match=r"flat along the direction -dt1 \+ dt2"):
        symmle.derive(kwargs.pop("model"), **kwargs)


def test_the_reported_direction_is_flat_on_data():
    """ℓ(θ + s·(−1, 1)) = ℓ(θ) for every s, on a simulated sample (independent NumPy ℓ)."""
    x = np.random.default_rng(5).normal(1.0, 1.0, 300)
    loglik = lambda t1, t2: float(np.sum(-0.5 * np.log(2 * np.pi) - (x - t1 - t2) ** 2 / 2))  # noqa: E731
    base = loglik(0.3, 0.7)
    for s in (-2.0, -0.1, 0.5, 3.0):
        assert loglik(0.3 - s, 0.7 + s) == pytest.approx(base, rel=1e-12)
    assert loglik(0.3 + 0.5, 0.7 + 0.5) < base - 1.0  # while the other direction is not flat


def test_product_of_rates_is_not_identifiable():
    with pytest.raises(NonIdentifiableError, match="not identifiable"):
        symmle.derive("exp(-a*b)*(a*b)**x/factorial(x)", params={"a": "positive", "b": "positive"},
                      support="{0, 1, 2, ...}")


def test_command_line_exits_7_for_derive_and_fit(tmp_path, capsys):
    data = tmp_path / "x.txt"
    data.write_text("1.0\n2.0\n0.5\n")
    model = ["exp(-(x-t1-t2)**2/2)/sqrt(2*pi)", "--param", "t1:real", "--param", "t2:real",
             "--support", "-oo < x < oo"]
    assert main(["derive", *model]) == 7
    assert "not identifiable" in capsys.readouterr().err
    assert main(["fit", *model, "--data", str(data), "--format", "json"]) == 7
    out = json.loads(capsys.readouterr().out)
    assert out["error"]["type"] == "NonIdentifiableError" and "dt1" in out["error"]["message"]


def test_identifiable_two_parameter_model_is_not_flagged():
    assert symmle.derive("normal").closed_form
