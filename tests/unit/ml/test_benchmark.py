from __future__ import annotations

import pytest

from ml.benchmark import benchmark_conversion
from ml.data import DataError
from tests.unit.ml.sample import conversations


def test_benchmark_conversion_reports_model_and_baseline() -> None:
    rows = conversations(160, 21)
    for i, r in enumerate(rows):
        r["split"] = "test" if i % 4 == 0 else "train"
    rep = benchmark_conversion(rows, seed=0)
    assert rep["n_train"] == 120 and rep["n_test"] == 40
    for who in ("model", "baseline"):
        assert 0.0 <= rep[who]["auc"] <= 1.0
        assert 0.0 <= rep[who]["ece"] <= 1.0
        assert 0.0 <= rep[who]["brier"] <= 1.0
    assert isinstance(rep["model_beats_baseline_auc"], bool)


def test_benchmark_needs_both_splits() -> None:
    rows = conversations(20, 1)
    with pytest.raises(DataError) as err:
        benchmark_conversion(rows)
    assert err.value.code == "missing_split"
