"""The whole learning loop on a real server and its real store: simulated calls through the
REST API with outcomes, the worker (`voice-agent learn`, a real process) trains a challenger,
gates it, logs it to MLflow (read back with the mlflow client), and the running server serves
the new champion on the next turns with no failed request; then a rollback. And a worker
killed with SIGKILL in the middle of training leaves the champion as it was."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ml.learn import LearnState
from ml.registry import champion_version, list_versions
from ml.simulate import simulate_calls
from ml.train import REGISTERED_MODEL
from tests.integration.server import REPO_ROOT, ServerProcess, server_env, start_server
from tests.integration.test_model_swap import KEY, Talker, serving, wait_for

#: Small generated data: the loop, not the model, is under test here.
SMALL = ("--n-utterances", "300", "--n-conversations", "60")


def learn(data_dir: Path, *args: str, timeout: float = 600) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "voice_agent.cli", "learn", "--once", "--json", *SMALL]
    proc = subprocess.run(
        [*cmd, *args],
        cwd=REPO_ROOT,
        env=server_env(data_dir),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def mlflow_client(data_dir: Path) -> Any:
    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    from mlflow import MlflowClient

    uri = (data_dir / "mlruns").resolve().as_uri()
    return MlflowClient(tracking_uri=uri, registry_uri=uri)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    env = {
        "VOICE_AGENT_API_KEYS": KEY,
        "VOICE_AGENT_MODEL_POLL_S": "0.2",
        # the talker sends turns back to back while training takes the cores: neither the
        # rate limit nor the analysers' deadline is under test here
        "VOICE_AGENT_RATE_LIMIT_RPS": "100000",
        "VOICE_AGENT_RATE_LIMIT_BURST": "100000",
        "VOICE_AGENT_ANALYSIS_DEADLINE_MS": "5000",
    }
    srv = start_server(tmp_path / "data", env)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.slow
def test_recorded_calls_retrain_and_the_server_swaps_without_a_failed_turn(
    server: ServerProcess,
) -> None:
    data = server.data_dir
    registry = data / "models"
    bundled = serving(server)
    assert bundled is not None  # the bundled champion serves until a trained one exists

    report = simulate_calls(server.url, KEY, 30, seed=5)
    assert report.errors == 0 and report.conversations == 30
    waiting = learn(data, "--every", "50")
    assert waiting["status"] == "not_due"
    assert waiting["training"] + waiting["holdout"] == 30 and waiting["holdout"] > 0

    talker = Talker(server.url)
    talker.start()
    try:
        first = learn(data, "--every", "10")
        assert first["status"] == "trained" and first["promoted"] is True, first
        version = first["version"]
        assert champion_version(registry) == version
        started = time.monotonic()
        wait_for("the server serves the new champion", lambda: serving(server) == version)
        wait_for("turns answered by it", lambda: version in talker.versions_since(started))

        # MLflow is the registry of record: the run, its data, the aliases
        client = mlflow_client(data)
        champion = client.get_model_version_by_alias(REGISTERED_MODEL, "champion")
        assert champion.tags["version"] == version
        challenger = client.get_model_version_by_alias(REGISTERED_MODEL, "challenger")
        assert challenger.version == champion.version
        run = client.get_run(first["mlflow_run_id"])
        assert run.data.tags["data_hash"] and run.data.tags["promoted"] == "true"
        assert run.data.params["recorded_conversations"] == str(first["training"])

        # a challenger trained on the same calls goes through the gate against it
        second = learn(data, "--every", "10", "--force")
        assert second["status"] == "trained" and second["reason"].startswith(f"vs {version}")
        challenger = client.get_model_version_by_alias(REGISTERED_MODEL, "challenger")
        assert challenger.tags["version"] == second["version"]
        champion = client.get_model_version_by_alias(REGISTERED_MODEL, "champion")
        expected = second["version"] if second["promoted"] else version
        assert champion.tags["version"] == expected
        wait_for("the gate's champion serves", lambda: serving(server) == expected)

        # a rollback: back to the first champion when the second was promoted; refused with
        # a code when the first is the only champion this registry has had
        rolled = subprocess.run(
            [sys.executable, "-m", "voice_agent.cli", "ml", "rollback", "--json"],
            cwd=REPO_ROOT,
            env=server_env(data),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if second["promoted"]:
            assert rolled.returncode == 0, rolled.stderr
            wait_for("the rolled-back champion serves", lambda: serving(server) == version)
            champion = client.get_model_version_by_alias(REGISTERED_MODEL, "champion")
            assert champion.tags["version"] == version
        else:
            assert rolled.returncode == 2 and "no_previous_champion" in rolled.stderr
            assert serving(server) == version
    finally:
        talker.finish()
    assert talker.failures == [] and talker.mixed == []
    assert len(talker.turns) > 10


@pytest.mark.slow
def test_a_worker_killed_mid_training_changes_nothing_and_the_next_run_completes(
    server: ServerProcess,
) -> None:
    data = server.data_dir
    registry = data / "models"
    assert simulate_calls(server.url, KEY, 20, seed=9).errors == 0
    first = learn(data, "--every", "5")
    assert first["status"] == "trained"
    champion = champion_version(registry)
    versions = set(list_versions(registry))
    state = LearnState.load(registry)

    # more generated data: the run lasts long enough to be killed in the middle
    cmd = [sys.executable, "-m", "voice_agent.cli", "learn", "--once", "--json", "--force"]
    worker = subprocess.Popen(
        [*cmd, "--n-utterances", "6000", "--n-conversations", "600"],
        cwd=REPO_ROOT,
        env=server_env(data),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(4.0)
    assert worker.poll() is None, "the run ended before it could be killed"
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert worker.returncode == -signal.SIGKILL

    assert champion_version(registry) == champion
    assert set(list_versions(registry)) == versions
    assert LearnState.load(registry) == state
    assert serving(server) == champion

    after = learn(data, "--every", "5", "--force")
    assert after["status"] == "trained" and after["version"] not in versions
    assert LearnState.load(registry).runs[-1]["version"] == after["version"]


def test_serve_with_learn_runs_the_worker_and_logs_its_checks(tmp_path: Path) -> None:
    env = {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_LEARN": "true"}
    srv = start_server(tmp_path / "data", env)
    try:
        wait_for(
            "the worker's first check in the server's log",
            lambda: '"event": "learn"' in srv.stderr() or '"event":"learn"' in srv.stderr(),
            timeout=120,
        )
    finally:
        assert srv.stop() == 0
    events = [json.loads(line) for line in srv.stderr().splitlines() if line.startswith("{")]
    checks = [e for e in events if e.get("event") == "learn"]
    assert checks[0]["status"] == "not_due" and checks[0]["training"] == 0
    assert any(e.get("event") == "learner_started" for e in events)
    assert "Traceback" not in srv.stderr()


def test_a_failed_run_is_one_line_and_an_exit_code(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    registry = tmp_path / "not-a-folder"
    registry.write_text("a file where the registry should be", encoding="utf-8")
    cmd = [sys.executable, "-m", "voice_agent.cli", "learn", "--once", "--json"]
    done = subprocess.run(
        [*cmd, "--registry", str(registry), *SMALL],
        cwd=REPO_ROOT,
        env=server_env(data),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    (line,) = done.stdout.strip().splitlines()
    assert json.loads(line)["status"] == "failed"
    assert "Traceback" not in done.stdout + done.stderr
