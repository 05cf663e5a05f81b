from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from ml.conversion import train_conversion_model
from ml.crossval import crossval_real
from ml.train import TrainResult
from tests.unit.ml.sample import conversations
from voice_agent.models.conversion import ConversionModel
from voice_agent.models.utterance import UtteranceModel


@pytest.fixture(scope="module")
def utt(trained: TrainResult) -> UtteranceModel:
    from ml import registry

    model = registry.load_champion(trained.path.parent).analysers["objections"].model
    assert isinstance(model, UtteranceModel)
    return model


def _trainer(utt: UtteranceModel, seen: list[list[str]]) -> Any:
    sim = conversations(60, 30)

    def train(real: Sequence[Mapping[str, Any]]) -> ConversionModel:
        seen.append([str(c["id"]) for c in real])
        return train_conversion_model(sim, utt, feature_set="end", real_conversations=real)[0]

    return train


def _real(n: int, seed: int) -> list[dict[str, Any]]:
    rows = conversations(n, seed)
    for i, r in enumerate(rows):
        r["id"] = f"r{seed}-{i}"
    return rows


def test_leave_one_source_out_never_trains_on_the_held_out_source(utt: UtteranceModel) -> None:
    real = _real(12, 31) + _real(12, 32) + _real(12, 33)
    sources = ["a"] * 12 + ["b"] * 12 + ["c"] * 12
    seen: list[list[str]] = []
    out = crossval_real(real, sources, _trainer(utt, seen))
    assert out["scheme"] == "leave-one-source-out"
    assert len(seen) == 3
    for ids, held in zip(seen, ("a", "b", "c"), strict=True):
        held_ids = {str(c["id"]) for c, s in zip(real, sources, strict=True) if s == held}
        assert len(ids) == 24 and not held_ids & set(ids)
    assert out["n"] == 36 and set(out["per_source"]) == {"a", "b", "c"}
    assert sum(v["n"] for v in out["per_language"].values()) == 36
    assert 0.0 <= out["ece"] <= 1.0 and 0.0 <= out["brier"] <= 1.0


def test_few_sources_fall_back_to_stratified_folds(utt: UtteranceModel) -> None:
    real = _real(20, 34)
    seen: list[list[str]] = []
    out = crossval_real(real, ["one"] * 20, _trainer(utt, seen), folds=4)
    assert out["scheme"] == "stratified-folds"
    assert len(seen) == 4 and all(len(ids) == 15 for ids in seen)


def test_crossval_errors(utt: UtteranceModel) -> None:
    real = _real(6, 35)
    with pytest.raises(ValueError, match="one source"):
        crossval_real(real, ["a"], _trainer(utt, []))
    for r in real:
        r["converted"] = True
    with pytest.raises(ValueError, match="both outcomes"):
        crossval_real(real, ["a"] * 6, _trainer(utt, []))


def test_crossval_scores_the_calls_cut_mid_call(utt: UtteranceModel) -> None:
    real = _real(12, 35) + _real(12, 36) + _real(12, 37)
    sources = ["a"] * 12 + ["b"] * 12 + ["c"] * 12
    out = crossval_real(real, sources, _trainer(utt, []), at=(0.5, 1.0))
    assert set(out["at"]) == {"0.5", "1"}
    end = out["at"]["1"]
    for key in ("n", "auc", "ece", "brier", "converted"):
        assert end[key] == out[key]  # cut at the last turn = the end-of-call scores
    assert out["at"]["0.5"]["n"] == 36
    assert sum(v["n"] for v in out["at"]["0.5"]["per_language"].values()) == 36
    assert "at" not in crossval_real(real, sources, _trainer(utt, []), at=())
