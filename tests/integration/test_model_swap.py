"""Hot swap through the real server: a new champion in the registry serves without a
restart while a client keeps talking, `voice-agent ml rollback` brings the old one back, and
a broken champion is refused while the old one goes on serving."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from ml.registry import set_champion
from tests.integration.server import (
    REPO_ROOT,
    ServerProcess,
    metric_value,
    server_env,
    start_server,
)
from tests.unit.models.test_watch import BROKEN, NEW, OLD, broken_version, make_registry
from voice_agent.orchestrator import KINDS

KEY = "swap-test-admin-key"
DEADLINE_S = 60.0
TEXTS = (
    "How much does it cost per month?",
    "I'm not sure I have the time for this.",
    "Tell me more about the program.",
    "I need to talk to my wife first.",
)


@dataclass
class Talker:
    """A client sending REST turns one after another on a thread of its own, recording
    every answer (a new conversation every four turns)."""

    url: str
    turns: list[tuple[float, str]] = field(default_factory=list)  # (sent at, version)
    failures: list[str] = field(default_factory=list)
    mixed: list[dict[str, str]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="talker", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        headers = {"Authorization": f"Bearer {KEY}"}
        with httpx.Client(base_url=self.url, headers=headers, timeout=30.0) as c:
            while not self.stop.is_set():
                try:
                    r = c.post("/v1/conversations", json={"lang": "en"})
                    if r.status_code != 201:
                        self.failures.append(f"create {r.status_code} {r.text[:200]}")
                        continue
                    cid = r.json()["id"]
                    for text in TEXTS:
                        sent = time.monotonic()
                        r = c.post(f"/v1/conversations/{cid}/messages", json={"text": text})
                        if r.status_code != 200:
                            self.failures.append(f"turn {r.status_code} {r.text[:200]}")
                            continue
                        models: dict[str, str] = r.json()["insights"]["models"]
                        if set(models) != set(KINDS) or len(set(models.values())) != 1:
                            self.mixed.append(models)
                        self.turns.append((sent, next(iter(models.values()))))
                except httpx.HTTPError as exc:
                    self.failures.append(f"{type(exc).__name__}: {exc}")

    def versions_since(self, t: float) -> list[str]:
        return [v for sent, v in list(self.turns) if sent > t]

    def finish(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=60)
            assert not self.thread.is_alive(), "the talker did not stop within 60 s"


def wait_for(what: str, check: Callable[[], bool], timeout: float = DEADLINE_S) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def readiness(server: ServerProcess) -> dict[str, Any]:
    r = httpx.get(f"{server.url}/readyz", headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    assert r.status_code == 200, r.text
    models: dict[str, Any] = r.json()["models"]
    return models


def serving(server: ServerProcess) -> str | None:
    version = readiness(server)["version"]
    return str(version) if version is not None else None


def log_events(server: ServerProcess, event: str) -> list[dict[str, Any]]:
    out = []
    for line in server.stderr().splitlines():
        if line.startswith("{"):
            rec = json.loads(line)
            if rec.get("event") == event:
                out.append(rec)
    return out


def metric(server: ServerProcess, name: str, labels: dict[str, str]) -> float:
    r = httpx.get(f"{server.url}/metrics", headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
    return metric_value(r.text, name, labels)


def rollback(root: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "voice_agent.cli", "ml", "rollback"]
    proc = subprocess.run(
        [*cmd, "--registry", str(root), "--mlflow-uri", "none", "--json"],
        cwd=REPO_ROOT,
        env=server_env(root.parent / "cli-data"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return make_registry(tmp_path / "models", NEW)


@pytest.fixture
def server(tmp_path: Path, registry: Path) -> Iterator[ServerProcess]:
    env = {
        "VOICE_AGENT_API_KEYS": KEY,
        "VOICE_AGENT_MODELS_DIR": str(registry),
        "VOICE_AGENT_MODEL_POLL_S": "0.2",
        # the machine may be busy: no turn falls back to the rules for being slow
        "VOICE_AGENT_ANALYSIS_DEADLINE_MS": "5000",
    }
    srv = start_server(tmp_path / "data", env)
    try:
        yield srv
    finally:
        srv.stop()


def test_champion_swaps_without_a_restart_rolls_back_and_refuses_a_broken_one(
    server: ServerProcess, registry: Path
) -> None:
    assert serving(server) == OLD
    talker = Talker(server.url)
    talker.start()
    try:
        wait_for("first turns", lambda: len(talker.turns) >= 3)

        # a new champion: /readyz names it, and every turn sent afterwards runs on it
        set_champion(registry, NEW)
        wait_for(f"/readyz naming {NEW}", lambda: serving(server) == NEW)
        swapped_at = time.monotonic()
        wait_for("turns after the swap", lambda: len(talker.versions_since(swapped_at)) >= 3)
        assert set(talker.versions_since(swapped_at)) == {NEW}
        ready = readiness(server)
        assert ready["errors"] == {} and ready["fallback"] == []
        assert ready["loaded"] == sorted(KINDS)

        # the rollback command: the previous champion again
        out = rollback(registry)
        assert (out["restored"], out["from"]) == (OLD, NEW)
        wait_for(f"/readyz naming {OLD} again", lambda: serving(server) == OLD)
        back_at = time.monotonic()
        wait_for("turns after the rollback", lambda: len(talker.versions_since(back_at)) >= 3)
        assert set(talker.versions_since(back_at)) == {OLD}

        # a broken champion: refused, the old one keeps serving
        broken_version(registry)
        set_champion(registry, BROKEN)
        wait_for(
            "model_swap_refused in the log",
            lambda: any(e["version"] == BROKEN for e in log_events(server, "model_swap_refused")),
        )
        refused_at = time.monotonic()
        wait_for("turns after the refusal", lambda: len(talker.versions_since(refused_at)) >= 3)
        assert set(talker.versions_since(refused_at)) == {OLD}
        assert serving(server) == OLD
    finally:
        talker.finish()

    assert talker.failures == []
    assert talker.mixed == []  # no turn ran on two versions
    # the versions the client saw, in order: old, new, old (never back and forth)
    seen = [v for _, v in talker.turns]
    runs = [v for i, v in enumerate(seen) if i == 0 or v != seen[i - 1]]
    assert runs == [OLD, NEW, OLD]

    swapped = log_events(server, "model_swapped")
    assert [(e["old_version"], e["new_version"]) for e in swapped] == [(OLD, NEW), (NEW, OLD)]
    assert all(e["swap_ms"] > 0 for e in swapped)
    (refused,) = log_events(server, "model_swap_refused")
    assert refused["serving"] == OLD and "file_corrupt" in refused["reason"]
    assert "Traceback" not in server.stderr()
    assert metric(server, "voice_agent_model_swaps_total", {"result": "swapped"}) == 2
    assert metric(server, "voice_agent_model_swaps_total", {"result": "refused"}) == 1
    assert metric(server, "voice_agent_model_info", {"version": OLD}) == 1
    assert server.stop() == 0  # the watcher stops with the server, cleanly
