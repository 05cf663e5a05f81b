"""The learning loop's pass on a real SQLite store and a real registry: not due, trained and
gated, the held-out calls never trained on, one worker at a time, a killed run's leftovers."""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import time
from dataclasses import replace
from pathlib import Path

import pytest

from ml import registry
from ml.learn import (
    LearnConfig,
    LearnState,
    champion_calibration,
    exclusive,
    is_holdout,
    read_labelled,
    record_failure,
    remove_leftovers,
    run_once,
)
from voice_agent.core.conversation import Conversation
from voice_agent.store.sqlite import SQLiteStore

WANT = ("I'm exhausted every afternoon and I want my energy back.", "How much is it?")
YES = "Okay, let's do it, sign me up."
NO = "No, it's too expensive for me, I'll pass."


def fill(database: Path, n: int, *, start: int = 0, anonymized: int = 0) -> list[str]:
    """``n`` ended calls with outcomes (every other one converted), plus one without."""

    async def run() -> list[str]:
        store = SQLiteStore(database)
        await store.open()
        ids = []
        try:
            for i in range(start, start + n + 1):
                conv = Conversation(
                    id=f"call-{i:04d}", lang="en" if i % 3 else "es", channel="api",
                    customer={}, created_at=1000.0 + i,
                )  # fmt: skip
                await store.create_conversation(conv)
                conv.add_turn("agent", "Hi, this is Sofia from Altura Coaching.", 1000.0 + i)
                for text in WANT:
                    conv.add_turn("customer", text, 1000.5 + i)
                    conv.add_turn("agent", "Executive Energy is $790 a month.", 1000.6 + i)
                won = i % 2 == 0
                conv.add_turn("customer", YES if won else NO, 1000.7 + i)
                await store.save_turns(conv, conv.turns)
                if i < start + n:  # the last one has no outcome yet
                    conv.outcome = {"converted": won, "value": None}
                    conv.ended_at = 1001.0 + i
                    await store.update_conversation(conv)
                    ids.append(conv.id)
            if anonymized:
                await store.apply_retention(1000.0 + start + anonymized, "anonymize", 5000.0)
        finally:
            await store.close()
        return ids

    return asyncio.run(run())


def config(tmp_path: Path, every: int) -> LearnConfig:
    return LearnConfig(
        registry_dir=tmp_path / "models",
        database=tmp_path / "va.sqlite3",
        retrain_every=every,
        n_utterances=300,
        n_conversations=60,
        seed=3,
        mlflow_uri=None,
    )


def test_holdout_is_stable_and_about_a_fifth() -> None:
    ids = [f"c{i}" for i in range(5000)]
    held = [c for c in ids if is_holdout(c)]
    assert held == [c for c in ids if is_holdout(c)]
    assert 0.18 < len(held) / len(ids) < 0.22


def test_labelled_calls_are_read_in_training_format(tmp_path: Path) -> None:
    ids = fill(tmp_path / "va.sqlite3", 6, anonymized=2)
    got = read_labelled(tmp_path / "va.sqlite3")
    assert [c.id for c in got] == ids[2:]  # no outcome, anonymized: left out
    row = got[0].to_training_row()
    assert row["converted"] is True and row["lang"] == "en"
    assert row["turns"][1] == {"role": "customer", "text": WANT[0]}


@pytest.mark.slow
def test_a_pass_trains_when_due_and_gates_the_challenger(tmp_path: Path) -> None:
    cfg = config(tmp_path, every=20)
    ids = fill(cfg.database, 16)
    not_yet = run_once(cfg)
    assert not_yet.status == "not_due"
    assert not_yet.training + not_yet.holdout == 16
    assert not_yet.new == not_yet.training < 20

    fill(cfg.database, 24, start=100)
    # the first champion is calibrated throughout calls; challengers follow its design
    first = run_once(replace(cfg, conversion_calibration="evidence"))
    assert first.status == "trained", first
    assert first.promoted is True and first.reason == "no champion yet"
    assert registry.champion_version(cfg.registry_dir) == first.version
    card = registry.read_card(cfg.registry_dir, str(first.version))
    assert card["params"]["recorded_conversations"] == first.training
    assert card["params"]["recorded_holdout"] == first.holdout
    assert card["data"]["real_sources"]["recorded"] == first.training
    # the agent's own words are no feature of a model trained on recorded calls
    assert "text_agent" not in card["models"]["conversion"]["features"]
    assert card["params"]["conversion_agent_text"] is False
    assert card["models"]["conversion"]["calibration_prefixes"] == "evidence"
    # the gate ran on the validation set plus the held-out recorded calls
    assert card["metrics"]["gate"]["conversations"]["n"] >= first.holdout
    state = LearnState.load(cfg.registry_dir)
    assert state.trained_on == first.training and state.runs[-1]["version"] == first.version
    assert run_once(cfg).status == "not_due"  # nothing new since

    # forced: a challenger on the same data is gated against the champion
    second = run_once(cfg, force=True)
    assert second.status == "trained" and second.version != first.version
    assert second.reason is not None and second.reason.startswith(f"vs {first.version}")
    card = registry.read_card(cfg.registry_dir, str(second.version))
    assert card["models"]["conversion"]["calibration_prefixes"] == "evidence"
    assert card["params"]["conversion_calibration"] == "evidence"
    # and the gate weighed the middle of the calls
    assert card["metrics"]["gate"]["headline"]["conversion_ece_mid"] is not None
    champion = registry.champion_version(cfg.registry_dir)
    assert champion == (second.version if second.promoted else first.version)
    assert len(ids) == 16


def test_champion_calibration(tmp_path: Path) -> None:
    root = tmp_path / "models"
    assert champion_calibration(root) == "last"  # no champion

    def champion(version: str, card: object) -> None:
        (root / version).mkdir(parents=True)
        (root / version / registry.CARD_FILE).write_text(json.dumps(card))
        (root / registry.CHAMPION_FILE).write_text(json.dumps({"version": version}))

    champion("a", {"models": {"conversion": {"calibration_prefixes": "heads"}}})
    assert champion_calibration(root) == "heads"
    champion("b", {"models": {"conversion": {"calibration_prefixes": "no-such-design"}}})
    assert champion_calibration(root) == "last"
    champion("c", {"models": {}})  # a card from before the designs were recorded
    assert champion_calibration(root) == "last"
    champion("d", ["not", "a", "card"])
    assert champion_calibration(root) == "last"


def test_one_worker_at_a_time(tmp_path: Path) -> None:
    cfg = config(tmp_path, every=1)
    fill(cfg.database, 3)
    with exclusive(cfg.registry_dir) as mine:
        assert mine
        assert run_once(cfg).status == "busy"
        with exclusive(cfg.registry_dir) as other:
            assert not other


def test_a_killed_runs_leftovers_are_removed(tmp_path: Path) -> None:
    root = tmp_path / "models"
    leftover = root / ".20261207-000000-abcd.x1y2"
    leftover.mkdir(parents=True)
    (leftover / "utterance.joblib").write_bytes(b"half written")
    fresh = root / ".20261207-000001-abcd.z3"
    fresh.mkdir()
    old = time.time() - 3600
    os.utime(leftover, (old, old))
    (root / "champion.json").write_text(json.dumps({"version": "x"}))
    assert remove_leftovers(root, time.time()) == [leftover.name]
    assert not leftover.exists() and fresh.exists()
    assert (root / "champion.json").exists()


def test_each_check_is_noted_in_the_state_a_failed_one_too(tmp_path: Path) -> None:
    cfg = config(tmp_path, every=50)
    fill(cfg.database, 3)
    assert run_once(cfg).status == "not_due"
    state = LearnState.load(cfg.registry_dir)
    assert state.last_check is not None and state.last_check["status"] == "not_due"
    assert state.consecutive_failures == 0 and state.last_ok_at == state.last_check["at"]
    ok_at = state.last_ok_at

    broken = replace(cfg, database=tmp_path / "a-folder")  # the store cannot be opened
    broken.database.mkdir()
    for n in (1, 2):
        with pytest.raises(sqlite3.OperationalError):
            run_once(broken)
        state = LearnState.load(cfg.registry_dir)
        assert state.last_check is not None and state.last_check["status"] == "failed"
        assert state.last_check["error"] == "OperationalError: unable to open database file"
        assert state.consecutive_failures == n and state.last_ok_at == ok_at
        assert state.trained_on == 0 and state.runs == []

    assert run_once(cfg).status == "not_due"
    state = LearnState.load(cfg.registry_dir)
    assert state.consecutive_failures == 0 and state.last_check is not None
    assert state.last_check == {"at": state.last_ok_at, "status": "not_due"}
    assert ok_at is not None and state.last_ok_at is not None and state.last_ok_at >= ok_at


def test_a_failure_is_not_noted_over_another_workers_lock_or_in_no_registry(
    tmp_path: Path,
) -> None:
    cfg = config(tmp_path, every=50)
    fill(cfg.database, 1)
    run_once(cfg)
    before = (cfg.registry_dir / "learning.json").read_text()
    broken = replace(cfg, database=tmp_path / "a-folder")
    broken.database.mkdir()
    with exclusive(cfg.registry_dir) as mine:
        assert mine
        with pytest.raises(sqlite3.OperationalError):
            run_once(broken)
    assert (cfg.registry_dir / "learning.json").read_text() == before

    # a registry path that is a file: the run's own error comes out, nothing is written
    not_a_folder = tmp_path / "not-a-folder"
    not_a_folder.write_text("a file")
    with pytest.raises(sqlite3.OperationalError):
        run_once(replace(broken, registry_dir=not_a_folder))
    assert record_failure(not_a_folder, "boom", 1.0) is False
    assert not_a_folder.read_text() == "a file"
