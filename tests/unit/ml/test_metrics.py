from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, f1_score, roc_auc_score

from ml.metrics import brier, ece, f1_binary, f1_macro, f1_micro, f1_per_label, roc_auc


def test_f1_binary_matches_sklearn() -> None:
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 200)
    p = rng.integers(0, 2, 200)
    assert f1_binary(y, p) == pytest.approx(f1_score(y, p))


def test_f1_binary_no_positives_anywhere_is_perfect() -> None:
    assert f1_binary([0, 0], [0, 0]) == 1.0
    assert f1_binary([0, 1], [0, 0]) == 0.0


def test_macro_and_micro_f1() -> None:
    y = np.array([[1, 0, 0], [0, 1, 0], [1, 1, 0]])
    p = np.array([[1, 0, 0], [0, 0, 0], [1, 1, 0]])
    # label 0: perfect; label 1: tp=1, fn=1 -> 2/3; label 2 absent everywhere: skipped
    assert f1_macro(y, p) == pytest.approx((1.0 + 2 / 3) / 2)
    assert f1_micro(y, p) == pytest.approx(f1_score(y, p, average="micro"))
    assert f1_per_label(y, p, ["a", "b", "c"]) == pytest.approx({"a": 1.0, "b": 2 / 3, "c": 1.0})


def test_roc_auc_matches_sklearn_with_ties() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 300)
    p = np.round(rng.random(300), 1)  # many ties
    assert roc_auc(y, p) == pytest.approx(roc_auc_score(y, p))
    assert roc_auc([1, 1], [0.2, 0.3]) is None


def test_brier() -> None:
    y = [0, 1, 1, 0]
    p = [0.1, 0.8, 0.4, 0.3]
    assert brier(y, p) == pytest.approx(brier_score_loss(y, p))


def test_ece_perfectly_calibrated_bins_is_zero_and_overconfident_is_not() -> None:
    y = np.array([1] * 3 + [0] * 7 + [1] * 9 + [0] * 1)
    p = np.array([0.3] * 10 + [0.9] * 10)
    assert ece(y, p) == pytest.approx(0.0, abs=1e-12)
    y_bad = np.array([0] * 10 + [0] * 10)
    assert ece(y_bad, p) == pytest.approx((10 * 0.3 + 10 * 0.9) / 20)


def test_ece_empty_is_an_error() -> None:
    with pytest.raises(ValueError):
        ece([], [])
