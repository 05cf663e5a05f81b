from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ml import registry
from ml.train import TrainResult


def _copy(root: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "models"
    shutil.copytree(root, dst)
    return dst


def test_champion_loads_all_kinds(trained: TrainResult, registry_root: Path) -> None:
    assert trained.promoted
    assert registry.champion_version(registry_root) == trained.version
    loaded = registry.load_champion(registry_root)
    assert loaded.errors == {}
    assert loaded.version == trained.version
    assert set(loaded.analysers) == set(registry.KINDS)
    assert loaded.complete
    for kind, analyser in loaded.analysers.items():
        assert analyser.name == kind
        assert analyser.version == trained.version


def test_model_card_contents(trained: TrainResult) -> None:
    card = json.loads((trained.path / registry.CARD_FILE).read_text())
    assert card["version"] == trained.version
    assert len(card["data"]["hash"]) == 64
    assert card["data"]["n_utterances"] == 300
    assert card["code_version"]
    assert card["created_at"]
    for name in (registry.UTTERANCE_FILE, registry.CONVERSION_FILE):
        assert card["files"][name]["sha256"] == registry.sha256_file(trained.path / name)


def test_corrupt_file_is_reported_not_raised(registry_root: Path, tmp_path: Path) -> None:
    root = _copy(registry_root, tmp_path)
    version = registry.champion_version(root)
    assert version
    path = root / version / registry.CONVERSION_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    loaded = registry.load_champion(root)
    assert set(loaded.errors) == {"conversion"}
    assert "file_corrupt" in loaded.errors["conversion"]
    assert set(loaded.analysers) == {"objections", "needs", "buying_signal"}


def test_missing_utterance_file_fails_every_kind(registry_root: Path, tmp_path: Path) -> None:
    root = _copy(registry_root, tmp_path)
    version = registry.champion_version(root)
    assert version
    (root / version / registry.UTTERANCE_FILE).unlink()
    loaded = registry.load_champion(root)
    assert set(loaded.errors) == set(registry.KINDS)
    assert all("file_missing" in m for m in loaded.errors.values())
    assert loaded.analysers == {}


def test_garbage_card_and_no_champion(registry_root: Path, tmp_path: Path) -> None:
    root = _copy(registry_root, tmp_path)
    version = registry.champion_version(root)
    assert version
    (root / version / registry.CARD_FILE).write_text("{not json")
    loaded = registry.load_champion(root)
    assert all("card_corrupt" in m for m in loaded.errors.values())
    empty = registry.load_champion(tmp_path / "nowhere")
    assert empty.version is None
    assert set(empty.errors) == set(registry.KINDS)


def test_valid_pickle_of_wrong_type_is_rejected(registry_root: Path, tmp_path: Path) -> None:
    import joblib

    root = _copy(registry_root, tmp_path)
    version = registry.champion_version(root)
    assert version
    path = root / version / registry.CONVERSION_FILE
    joblib.dump({"not": "a model"}, path)
    card_path = root / version / registry.CARD_FILE
    card = json.loads(card_path.read_text())
    card["files"][registry.CONVERSION_FILE]["sha256"] = registry.sha256_file(path)
    card_path.write_text(json.dumps(card))
    loaded = registry.load_champion(root)
    assert set(loaded.errors) == {"conversion"}


def test_set_champion_unknown_version(tmp_path: Path) -> None:
    with pytest.raises(registry.RegistryError) as err:
        registry.set_champion(tmp_path, "nope")
    assert err.value.code == "unknown_version"


def test_load_default_prefers_data_dir(registry_root: Path, tmp_path: Path) -> None:
    loaded = registry.load_default(registry_root)
    assert loaded.root == registry_root
    fallback = registry.load_default(tmp_path / "empty")
    assert fallback.root == registry.default_registry_dir()


def test_promotion_decision() -> None:
    cur = {"objections_macro_f1_en": 0.8, "conversion_auc": 0.8, "conversion_ece": 0.05}
    ok, why = registry.promotion_decision(dict(cur), None)
    assert ok and "no champion" in why
    assert registry.promotion_decision(dict(cur), cur)[0]
    better = {**cur, "conversion_auc": 0.9}
    assert registry.promotion_decision(better, cur)[0]
    worse_auc = {**better, "objections_macro_f1_en": 0.79}
    ok, why = registry.promotion_decision(worse_auc, cur)
    assert not ok and "objections_macro_f1_en" in why
    worse_ece = {**cur, "conversion_ece": 0.07}
    assert not registry.promotion_decision(worse_ece, cur)[0]
    assert not registry.promotion_decision({"x": 1.0}, cur)[0]


def test_promotion_decision_weighs_the_middle_of_the_call() -> None:
    """A challenger as good at the end of calls but worse in their middle (a design
    calibrated on last turns against one calibrated throughout) is refused."""
    honest = {"conversion_auc": 0.95, "conversion_ece": 0.05, "conversion_ece_mid": 0.07}
    end_only = {**honest, "conversion_ece_mid": 0.25}
    ok, why = registry.promotion_decision(end_only, honest)
    assert not ok and "conversion_ece_mid 0.2500 vs champion 0.0700" in why
    assert registry.promotion_decision(honest, end_only)[0]
    blind = {**honest, "conversion_auc_mid": 0.55}
    ok, why = registry.promotion_decision(blind, {**honest, "conversion_auc_mid": 0.7})
    assert not ok and "conversion_auc_mid" in why
    # figures one side lacks (a report without mid-call cuts) are not compared
    assert registry.promotion_decision({**end_only, "conversion_ece_mid": None}, honest)[0]
