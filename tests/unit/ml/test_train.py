from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml import registry
from ml.train import train
from tests.unit.ml.sample import conversations, utterances


def test_train_records_mlflow_run_and_promotes_first(tmp_path: Path) -> None:
    root = tmp_path / "models"
    uri = (tmp_path / "mlruns").as_uri()
    res = train(
        utterances(200, 3), conversations(80, 4), root, seed=1, mlflow_uri=uri, progress=False
    )
    assert res.promoted and res.mlflow_run_id
    import mlflow

    mlflow.set_tracking_uri(uri)
    run = mlflow.get_run(res.mlflow_run_id)
    assert run.data.tags["model_version"] == res.version
    assert run.data.tags["data_hash"] == res.card["data"]["hash"]
    client = mlflow.MlflowClient()
    mv = client.get_model_version_by_alias("voice-agent-analysers", "champion")
    assert mv.run_id == res.mlflow_run_id


def test_gate_keeps_better_champion(tmp_path: Path) -> None:
    root = tmp_path / "models"
    gate_u, gate_c = utterances(120, 50), conversations(40, 51)
    first = train(
        utterances(300, 5),
        conversations(120, 6),
        root,
        seed=0,
        eval_utterances=gate_u,
        eval_conversations=gate_c,
        progress=False,
        version="v1",
    )
    assert first.promoted
    # A much weaker candidate: tiny, buying signals never seen.
    weak_u = [u for u in utterances(40, 7) if not u["buying_signal"]]
    weak = train(
        weak_u,
        conversations(16, 8),
        root,
        seed=0,
        eval_utterances=gate_u,
        eval_conversations=gate_c,
        progress=False,
        version="v2",
    )
    assert not weak.promoted
    assert "worse than champion" in weak.reason
    assert registry.champion_version(root) == "v1"
    assert set(registry.list_versions(root)) == {"v1", "v2"}
    card = json.loads((root / "v2" / registry.CARD_FILE).read_text())
    assert "gate" in card["metrics"]


def test_no_gate_files_keeps_existing_champion(tmp_path: Path) -> None:
    root = tmp_path / "models"
    train(utterances(100, 1), conversations(40, 2), root, progress=False, version="a")
    res = train(utterances(100, 3), conversations(40, 4), root, progress=False, version="b")
    assert not res.promoted
    assert registry.champion_version(root) == "a"
    with pytest.raises(registry.RegistryError):
        train(utterances(100, 3), conversations(40, 4), root, progress=False, version="b")


def test_train_rejects_missing_outcome_classes(tmp_path: Path) -> None:
    convs = [c for c in conversations(40, 2) if c["converted"]]
    with pytest.raises(ValueError):
        train(utterances(50, 1), convs, tmp_path, progress=False)
