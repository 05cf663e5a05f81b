"""The champion history and rollback (ml/registry.py), and `voice-agent ml rollback`
(ml/cli.py) with and without MLflow, on registries holding copies of the bundled
champion's real files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ml import registry
from ml.cli import main
from ml.registry import ChampionChange, champion_lineage
from ml.train import REGISTERED_MODEL
from tests.unit.models.test_watch import copy_version

A, B, C, D = (f"20990101-00000{i}-rollback" for i in range(1, 5))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    out = tmp_path / "models"
    out.mkdir()
    for name in (A, B, C, D):
        copy_version(out, name)
    return out


def history(root: Path) -> list[tuple[str, str | None, str]]:
    return [(c.version, c.previous, c.action) for c in registry.champion_history(root)]


def test_every_change_of_champion_is_recorded(root: Path) -> None:
    registry.set_champion(root, A, reason="first")
    registry.set_champion(root, B)
    lines = (root / registry.HISTORY_FILE).read_text().splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["version"] == A and first["previous"] is None
    assert first["reason"] == "first" and first["action"] == "set" and first["at"]
    assert history(root) == [(A, None, "set"), (B, A, "set")]
    assert (root / registry.CHAMPION_FILE).stat().st_mode & 0o777 == 0o644


def test_a_second_rollback_goes_further_back(root: Path) -> None:
    for v in (A, B, C):
        registry.set_champion(root, v)
    assert registry.rollback(root) == (B, C)
    assert registry.champion_version(root) == B
    assert registry.rollback(root) == (A, B)
    assert registry.champion_version(root) == A
    with pytest.raises(registry.RegistryError) as err:
        registry.rollback(root)
    assert err.value.code == "no_previous_champion"
    assert registry.champion_version(root) == A
    assert history(root)[-2:] == [(B, C, "rollback"), (A, B, "rollback")]
    # a new champion after the rollbacks: rolling back returns to the one it replaced
    registry.set_champion(root, D)
    assert registry.rollback(root) == (A, D)


def test_a_torn_last_line_is_ignored_and_closed(root: Path) -> None:
    registry.set_champion(root, A)
    registry.set_champion(root, B)
    with open(root / registry.HISTORY_FILE, "a", encoding="utf-8") as fh:
        fh.write('{"version": "' + C + '", "prev')  # a crash in the middle of a write
    assert history(root) == [(A, None, "set"), (B, A, "set")]
    registry.set_champion(root, C)
    assert history(root) == [(A, None, "set"), (B, A, "set"), (C, B, "set")]
    assert registry.rollback(root) == (B, C)


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        (lambda v: shutil.rmtree(v), "version_missing"),
        (lambda v: (v / registry.CARD_FILE).unlink(), "card_missing"),
        (lambda v: (v / registry.UTTERANCE_FILE).unlink(), "file_missing"),
        (lambda v: (v / registry.CONVERSION_FILE).write_bytes(b"garbage"), "file_corrupt"),
    ],
)
def test_rollback_refuses_a_missing_or_damaged_previous_version(
    root: Path, damage: Callable[[Path], object], code: str
) -> None:
    registry.set_champion(root, A)
    registry.set_champion(root, B)
    damage(root / A)
    with pytest.raises(registry.RegistryError) as err:
        registry.rollback(root)
    assert err.value.code == code and A in err.value.message
    assert registry.champion_version(root) == B
    assert len(registry.champion_history(root)) == 2


def test_rollback_needs_a_champion_and_a_history(root: Path) -> None:
    with pytest.raises(registry.RegistryError) as err:
        registry.rollback(root)
    assert err.value.code == "no_champion"
    # a registry from before the history: champion.json alone names no earlier champion
    (root / registry.CHAMPION_FILE).write_text(json.dumps({"version": A}))
    with pytest.raises(registry.RegistryError) as err:
        registry.rollback(root)
    assert err.value.code == "no_previous_champion"
    # its first recorded change remembers the champion it replaced
    registry.set_champion(root, B)
    assert registry.rollback(root) == (A, B)


def _ch(version: str, previous: str | None, action: str = "set") -> ChampionChange:
    return ChampionChange(version, previous, "", action, "")  # type: ignore[arg-type]


def test_lineage_accounts_for_changes_made_by_hand() -> None:
    sets = [_ch(A, None), _ch(B, A), _ch(C, B)]
    assert champion_lineage(sets, C) == [A, B, C]
    # champion.json set back to B by hand: the lineage is cut there
    assert champion_lineage(sets, B) == [A, B]
    # ... or to a version the history never named: it goes on top
    assert champion_lineage(sets, D) == [A, B, C, D]
    # a change recorded after a hand edit names the edited champion as its previous one
    assert champion_lineage([*sets, _ch(D, A)], D) == [A, D]
    assert champion_lineage([*sets, _ch(B, C, "rollback")], B) == [A, B]
    assert champion_lineage([], None) == []


# -- the command --------------------------------------------------------------------------------
def test_command_rolls_back_without_mlflow(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    registry.set_champion(root, A)
    registry.set_champion(root, B)
    rc = main(["ml", "rollback", "--registry", str(root), "--mlflow-uri", "none", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert out["restored"] == A and out["from"] == B and out["registry"] == str(root)
    assert out["mlflow"] == {"skipped": "--mlflow-uri none"}
    assert registry.champion_version(root) == A
    # nothing further back: an error code on stderr, exit 2, nothing changed
    rc = main(["ml", "rollback", "--registry", str(root), "--mlflow-uri", "none", "--json"])
    captured = capsys.readouterr()
    assert rc == 2 and captured.out == ""
    assert json.loads(captured.err)["error"]["code"] == "no_previous_champion"
    assert "Traceback" not in captured.err
    assert registry.champion_version(root) == A


def test_command_moves_the_mlflow_champion_alias(
    root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow import MlflowClient

    uri = (tmp_path / "mlruns").as_uri()
    client = MlflowClient(tracking_uri=uri, registry_uri=uri)
    client.create_registered_model(REGISTERED_MODEL)
    numbers = {
        v: str(
            client.create_model_version(
                REGISTERED_MODEL, str(root / v), tags={"version": v}
            ).version
        )
        for v in (A, B)
    }
    client.set_registered_model_alias(REGISTERED_MODEL, "champion", numbers[B])
    for v in (A, B, C):
        registry.set_champion(root, v)

    args = ["ml", "rollback", "--registry", str(root), "--mlflow-uri", uri, "--json"]
    assert main(args) == 0  # C -> B
    out = json.loads(capsys.readouterr().out)
    assert out["restored"] == B
    assert out["mlflow"]["alias_moved"] is True and out["mlflow"]["model_version"] == numbers[B]
    assert client.get_model_version_by_alias(REGISTERED_MODEL, "champion").version == int(
        numbers[B]
    )
    assert main(args) == 0  # B -> A
    out = json.loads(capsys.readouterr().out)
    assert out["restored"] == A and out["mlflow"]["model_version"] == numbers[A]
    alias = client.get_model_version_by_alias(REGISTERED_MODEL, "champion")
    assert str(alias.version) == numbers[A]

    # a restored version MLflow never saw: the registry rolls back, the output says so
    registry.set_champion(root, D)
    registry.set_champion(root, C)
    assert main(args) == 0  # C -> D
    out = json.loads(capsys.readouterr().out)
    assert out["restored"] == D and out["mlflow"]["alias_moved"] is False
    assert "no model version" in out["mlflow"]["note"]
    alias = client.get_model_version_by_alias(REGISTERED_MODEL, "champion")
    assert str(alias.version) == numbers[A]
