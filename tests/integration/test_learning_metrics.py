"""The learning worker's runs on a real server's /metrics: a run that fails for real (its
store cannot be opened) is noted in the registry's learning.json, the server exports it as
the gauges the LearningWorkerFailing alert reads, follows the next failure, and clears them
when a pass on the server's store completes. And a server running the worker itself
(VOICE_AGENT_LEARN=true, a child `voice-agent learn`) exports the worker's own checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ml.learn import LearnConfig, LearnState, run_once
from tests.integration.conftest import API_KEY, METRICS_KEY
from tests.integration.server import ServerProcess, metric_value, start_server
from tests.integration.test_model_swap import wait_for

ENV = {"VOICE_AGENT_API_KEYS": f"{API_KEY},{METRICS_KEY}:metrics"}


def gauges(server: ServerProcess) -> dict[str, float]:
    with server.client(METRICS_KEY) as c:
        r = c.get("/metrics")
    assert r.status_code == 200, r.text
    names = {
        "enabled": "voice_agent_learning_enabled",
        "last_run": "voice_agent_learning_last_run_timestamp_seconds",
        "last_success": "voice_agent_learning_last_success_timestamp_seconds",
        "ok": "voice_agent_learning_last_run_ok",
        "failures": "voice_agent_learning_consecutive_failures",
    }
    return {k: metric_value(r.text, name) for k, name in names.items()}


def failing_run(registry: Path, tmp_path: Path) -> float:
    """One pass of the learning loop whose store is a folder: it fails; returns when, as
    learning.json notes it."""
    database = tmp_path / "a-folder"
    database.mkdir(exist_ok=True)
    with pytest.raises(sqlite3.OperationalError):
        run_once(LearnConfig(registry_dir=registry, database=database, mlflow_uri=None))
    check = LearnState.load(registry).last_check
    assert check is not None and check["status"] == "failed"
    return float(check["at"])


def test_a_failed_learning_run_is_exported_and_clears_after_a_good_one(tmp_path: Path) -> None:
    data = tmp_path / "data"
    registry = data / "models"  # the registry of the server and of `voice-agent learn`
    failed_at = failing_run(registry, tmp_path)
    srv = start_server(data, {**ENV, "VOICE_AGENT_MODEL_POLL_S": "0.2"})
    try:
        assert gauges(srv) == {
            "enabled": 0.0,  # this server does not run the worker (VOICE_AGENT_LEARN)
            "last_run": failed_at,
            "last_success": 0.0,
            "ok": 0.0,
            "failures": 1.0,
        }
        again = failing_run(registry, tmp_path)
        wait_for("the second failure on /metrics", lambda: gauges(srv)["failures"] == 2.0)
        assert gauges(srv)["last_run"] == again

        # a pass on the server's own store: a check that does not fail (not due)
        good = LearnConfig(registry_dir=registry, database=data / "voice_agent.sqlite3")
        assert run_once(good).status == "not_due"
        wait_for("the good run on /metrics", lambda: gauges(srv)["ok"] == 1.0)
        now = gauges(srv)
        assert now["failures"] == 0.0
        assert now["last_success"] == now["last_run"] > again
    finally:
        # not asserted here: a failure above must show as itself, not as this
        stopped = srv.stop(timeout=30)
    assert stopped == 0, srv.describe()
    assert "learning_status_unreadable" not in srv.stderr()


def test_a_server_running_the_worker_exports_its_checks(tmp_path: Path) -> None:
    srv = start_server(
        tmp_path / "data", {**ENV, "VOICE_AGENT_LEARN": "true", "VOICE_AGENT_MODEL_POLL_S": "0.2"}
    )
    try:
        assert gauges(srv)["enabled"] == 1.0
        wait_for(
            "the worker's first check on /metrics",
            lambda: gauges(srv)["last_run"] > 0 or "learner_exited" in srv.stderr(),
            120,
        )
        assert "learner_exited" not in srv.stderr(), srv.stderr()[-3000:]
        now = gauges(srv)
        assert now["ok"] == 1.0 and now["failures"] == 0.0
        assert now["last_success"] == now["last_run"]
        state = LearnState.load(tmp_path / "data" / "models")
        assert state.last_check is not None and state.last_check["status"] == "not_due"
    finally:
        # not asserted here: a failure above must show as itself, not as this
        stopped = srv.stop(timeout=30)
    assert stopped == 0, srv.describe()
