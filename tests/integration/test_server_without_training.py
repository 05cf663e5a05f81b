"""The server runs without the training package: a child process whose import system
refuses ``ml`` and every ``ml.*`` module (as in the server image, which leaves ``ml/``
out) starts, loads the bundled champion through ``voice_agent.models``, answers /readyz
and a REST turn with the trained models; ``voice-agent ml ...`` says in one line what is
missing; ``voice-agent bench models`` runs from the runtime alone."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from tests.integration.server import REPO_ROOT, ServerProcess, server_env
from voice_agent.models.registry import champion_version, default_registry_dir
from voice_agent.orchestrator import KINDS

KEY = "no-training-test-key"

#: Run ``voice_agent.cli.main(argv)`` with the training package unimportable.
BLOCKED = """
import importlib.abc
import sys


class NoTraining(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "ml" or name.startswith("ml."):
            raise ModuleNotFoundError(f"No module named {name!r} (blocked)", name=name)
        return None


sys.meta_path.insert(0, NoTraining())
from voice_agent.cli import main

rc = main(sys.argv[1:])
assert not [m for m in sys.modules if m == "ml" or m.startswith("ml.")], "ml was imported"
sys.exit(rc)
"""


def _blocked(*args: str) -> list[str]:
    return [sys.executable, "-c", BLOCKED, *args]


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _blocked(*args),
        cwd=REPO_ROOT,
        env=server_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_server_serves_with_training_package_blocked(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    stderr_path = tmp_path / "server.stderr.log"
    with open(stderr_path, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            _blocked("serve", "--port", "0", "--no-speech"),
            cwd=REPO_ROOT,
            env=server_env(data, {"VOICE_AGENT_API_KEYS": KEY}),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    srv = ServerProcess(proc=proc, data_dir=data, stderr_path=stderr_path)
    threading.Thread(target=srv._drain, name="server-stdout", daemon=True).start()
    try:
        srv.wait_listening()
        srv.wait_ready()
        with srv.client(KEY) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 200, ready.text
            models = ready.json()["models"]
            assert sorted(models["loaded"]) == sorted(KINDS), models
            assert models["fallback"] == [], models
            assert models["version"] == champion_version(default_registry_dir())

            cid = c.post("/v1/conversations", json={"lang": "en"}).json()["id"]
            r = c.post(
                f"/v1/conversations/{cid}/messages",
                json={"text": "honestly that's way too expensive for me"},
            )
            assert r.status_code == 200, r.text
            ins = r.json()["insights"]
            assert not ins["fallbacks"], ins
            price = {s["label"]: s["p"] for s in ins["objections"]}["price"]
            assert price >= 0.5, ins
            assert 0.0 <= ins["conversion_probability"] <= 1.0
            assert ins["next_action"]["name"] == "handle_objection", ins
    finally:
        rc = srv.stop()
    assert "Traceback" not in srv.stderr(), srv.describe()
    assert rc == 0, srv.describe()


def test_ml_command_without_training_package_is_one_clear_line(tmp_path: Path) -> None:
    done = _run(tmp_path, "ml", "train", "--json")
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("voice-agent: `voice-agent ml` needs the training package `ml`")
    assert "pip install" in lines[0]


def test_bench_models_runs_from_the_runtime_alone(tmp_path: Path) -> None:
    done = _run(tmp_path, "bench", "models", "--n", "50", "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["version"] == champion_version(default_registry_dir())
    assert report["n"] == 50
    assert 0 < report["p50_ms"] <= report["p95_ms"] <= report["max_ms"]
