from __future__ import annotations

from pathlib import Path

from ml import registry
from ml.evaluate import evaluate
from tests.unit.ml.sample import conversations, utterances


def test_eval_report_keys(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, utterances(60, 11), conversations(30, 12))
    u = rep["utterances"]
    assert set(u["objections"]) == {"macro_f1", "per_label_f1"}
    assert len(u["objections"]["per_label_f1"]) == 7
    assert "micro_f1" in u["needs"] and "f1" in u["buying_signal"]
    assert set(u["per_lang"]) == {"en", "es"}
    assert "macro_f1" in u["per_lang"]["es"]["objections"]
    c = rep["conversations"]
    for key in ("auc", "brier", "ece", "n", "per_lang"):
        assert key in c
    assert 0 <= c["ece"] <= 1 and 0 <= c["brier"] <= 1
    assert set(rep["headline"]) >= set(registry.HEADLINE_METRICS)


def test_eval_one_file_alone(registry_root: Path) -> None:
    loaded = registry.load_champion(registry_root)
    rep = evaluate(loaded, utterances=utterances(20, 13))
    assert "conversations" not in rep and "utterances" in rep
    rep = evaluate(loaded, conversations=conversations(10, 14))
    assert "utterances" not in rep and rep["conversations"]["n"] == 10
