"""The learning worker's status file as metrics (voice_agent/learning_status.py): the layout
ml.learn writes, older files, broken ones, the gauges, and the watcher's reads (in a thread,
under a deadline; a file that cannot be read changes nothing)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from ml import learn
from ml.learn import LearnState
from voice_agent import learning_status
from voice_agent.learning_status import (
    NO_STATUS,
    LearningStatus,
    LearningStatusWatcher,
    learning_registry,
    parse_status,
    publish,
    read_status,
    watch_learning,
)
from voice_agent.settings import Settings

GAUGES = {
    "enabled": "voice_agent_learning_enabled",
    "last_run": "voice_agent_learning_last_run_timestamp_seconds",
    "last_success": "voice_agent_learning_last_success_timestamp_seconds",
    "ok": "voice_agent_learning_last_run_ok",
    "failures": "voice_agent_learning_consecutive_failures",
}


def gauges() -> dict[str, float | None]:
    return {k: REGISTRY.get_sample_value(name) for k, name in GAUGES.items()}


@pytest.fixture(autouse=True)
def reset_gauges() -> Iterator[None]:
    publish(NO_STATUS)
    yield
    publish(NO_STATUS)


def saved(registry: Path, *checks: tuple[str, float]) -> Path:
    """``learning.json`` as ml.learn writes it after ``checks`` (status, time)."""
    state = LearnState(trained_on=12, runs=[{"version": "v1", "at": 5.0}])
    for status, at in checks:
        state.checked(status, at, "OperationalError: unable to open database file")
    state.save(registry)
    return registry


# -- the file -------------------------------------------------------------------------------
def test_the_file_is_the_one_the_worker_writes() -> None:
    assert learning_status.STATE_FILE == learn.STATE_FILE


def test_runs_that_fail_after_one_that_did_not(tmp_path: Path) -> None:
    saved(tmp_path, ("not_due", 100.0), ("failed", 160.0), ("failed", 220.0))
    assert read_status(tmp_path) == LearningStatus(
        last_run_at=220.0,
        last_ok_at=100.0,
        last_run_ok=False,
        consecutive_failures=2,
        error="OperationalError: unable to open database file",
    )


def test_a_run_that_succeeds_after_failures(tmp_path: Path) -> None:
    saved(tmp_path, ("failed", 160.0), ("trained", 400.0))
    assert read_status(tmp_path) == LearningStatus(400.0, 400.0, True, 0)


def test_a_file_of_before_runs_were_noted_gives_its_last_trained_run() -> None:
    old = {"trained_on": 40, "runs": [{"version": "a", "at": 50.0}, {"version": "b", "at": 90.0}]}
    assert parse_status(old) == LearningStatus(90.0, 90.0, True, 0)
    assert parse_status({"trained_on": 0, "runs": []}) == NO_STATUS


def test_no_file_no_run(tmp_path: Path) -> None:
    assert read_status(tmp_path / "models") == NO_STATUS
    (tmp_path / "file").write_text("not a registry")
    assert read_status(tmp_path / "file") == NO_STATUS


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[1, 2]",
        '{"consecutive_failures": "two"}',
        '{"consecutive_failures": -1}',
        '{"last_check": "failed"}',
    ],
)
def test_a_file_not_in_the_layout_is_an_error(tmp_path: Path, text: str) -> None:
    (tmp_path / "learning.json").write_text(text)
    with pytest.raises(ValueError):
        read_status(tmp_path)


# -- the gauges -----------------------------------------------------------------------------
def test_publish_sets_the_gauges() -> None:
    publish(LearningStatus(220.0, 100.0, False, 2, "boom"))
    assert gauges() | {"enabled": None} == {
        "enabled": None,
        "last_run": 220.0,
        "last_success": 100.0,
        "ok": 0.0,
        "failures": 2.0,
    }
    publish(NO_STATUS)  # no run recorded: no time, and no failure
    assert (gauges()["last_run"], gauges()["ok"], gauges()["failures"]) == (0.0, 1.0, 0.0)


# -- the watcher ----------------------------------------------------------------------------
async def test_the_watcher_reads_at_start_and_follows_the_file(tmp_path: Path) -> None:
    saved(tmp_path, ("not_due", 100.0), ("failed", 160.0))
    watcher = LearningStatusWatcher(tmp_path, enabled=True, poll_s=0.05)
    await watcher.start()
    try:
        assert gauges() == {
            "enabled": 1.0,
            "last_run": 160.0,
            "last_success": 100.0,
            "ok": 0.0,
            "failures": 1.0,
        }
        saved(tmp_path, ("not_due", 300.0))
        for _ in range(250):  # 5 s at most
            if gauges()["ok"] == 1.0:
                break
            await asyncio.sleep(0.02)
        assert gauges()["ok"] == 1.0 and gauges()["last_success"] == 300.0
        assert gauges()["failures"] == 0.0
    finally:
        await watcher.stop()
    assert watcher._task is None and watcher._executor is None


async def test_a_file_that_cannot_be_read_leaves_the_gauges(tmp_path: Path) -> None:
    saved(tmp_path, ("failed", 160.0))
    watcher = LearningStatusWatcher(tmp_path, enabled=False)
    try:
        assert await watcher.poll_once() is not None
        (tmp_path / "learning.json").write_text("{torn")
        assert await watcher.poll_once() is None
        assert watcher.error is not None and "JSONDecodeError" in watcher.error
        assert gauges()["failures"] == 1.0 and gauges()["last_run"] == 160.0
    finally:
        await watcher.stop()


async def test_a_read_that_hangs_is_given_up_at_its_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()
    loop_thread = threading.get_ident()
    threads: list[int] = []

    def stuck(registry: Path) -> LearningStatus:
        threads.append(threading.get_ident())
        release.wait(10)
        return LearningStatus(1.0, 1.0, True, 0)

    monkeypatch.setattr(learning_status, "read_status", stuck)
    watcher = LearningStatusWatcher(tmp_path, enabled=True, read_timeout_s=0.2)
    try:
        t0 = time.monotonic()
        assert await watcher.poll_once() is None
        assert time.monotonic() - t0 < 2.0
        assert watcher.error is not None and "over 0.2s" in watcher.error
        assert threads and threads[0] != loop_thread  # never on the event loop
        assert gauges()["last_run"] == 0.0
    finally:
        release.set()
        await watcher.stop()


def test_the_watcher_needs_a_positive_interval(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        LearningStatusWatcher(tmp_path, enabled=True, poll_s=0)


async def test_the_servers_watcher_reads_the_workers_registry(
    tmp_path: Path, clean_env: pytest.MonkeyPatch
) -> None:
    settings = Settings(data_dir=tmp_path / "data", learn=True, model_poll_s=0)
    assert learning_registry(settings) == tmp_path / "data" / "models"
    other = Settings(data_dir=tmp_path / "data", models_dir=tmp_path / "shared")
    assert learning_registry(other) == tmp_path / "shared"

    saved(tmp_path / "data" / "models", ("failed", 70.0))
    watcher = await watch_learning(settings)
    try:
        assert watcher.poll_s == learning_status.POLL_S  # MODEL_POLL_S 0: the default
        assert gauges()["enabled"] == 1.0 and gauges()["failures"] == 1.0
    finally:
        await watcher.stop()
    watcher = await watch_learning(other)
    try:
        assert gauges()["enabled"] == 0.0
    finally:
        await watcher.stop()


def test_status_round_trips_through_json(tmp_path: Path) -> None:
    saved(tmp_path, ("failed", 1.5))
    data = json.loads((tmp_path / "learning.json").read_text())
    assert data["trained_on"] == 12 and data["runs"] == [{"version": "v1", "at": 5.0}]
    assert data["last_check"]["status"] == "failed" and data["consecutive_failures"] == 1
