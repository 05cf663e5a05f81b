"""Start the real server (``python -m voice_agent.cli serve --port 0``) as a subprocess.

The child's stdout is drained by a thread into a list of lines (the ``listening`` JSON line
gives the port); stderr (JSON logs) goes to a file beside the data directory. Every wait
has a deadline, and :meth:`ServerProcess.stop` / :meth:`ServerProcess.kill` always reap
the child.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 90.0


def server_env(data_dir: Path, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without any VOICE_AGENT_* variable, plus the test's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_AGENT_")}
    env["VOICE_AGENT_DATA_DIR"] = str(data_dir)
    env["VOICE_AGENT_LOG_LEVEL"] = "info"
    env["PYTHONUNBUFFERED"] = "1"
    # a server that does not stop in time is sent SIGABRT first: every thread's stack lands
    # in its stderr log (ServerProcess.describe shows the tail)
    env["PYTHONFAULTHANDLER"] = "1"
    env.update(extra or {})
    return env


def serve_command(*args: str, speech: bool = False) -> list[str]:
    cmd = [sys.executable, "-m", "voice_agent.cli", "serve", "--port", "0"]
    return cmd + ([] if speech else ["--no-speech"]) + list(args)


@dataclass
class ServerProcess:
    proc: subprocess.Popen[str]
    data_dir: Path
    stderr_path: Path
    lines: list[str] = field(default_factory=list)
    url: str = ""
    port: int = 0
    listening: dict[str, Any] = field(default_factory=dict)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    # -- output ------------------------------------------------------------------------------
    def _drain(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def wait_listening(self, timeout: float = START_TIMEOUT_S) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"server did not listen within {timeout}s: {self.describe()}")
            try:
                line = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if line is None:
                self.proc.wait(timeout=10)
                raise RuntimeError(f"server exited before listening: {self.describe()}")
            self.lines.append(line)
            if line.startswith("{"):
                event = json.loads(line)
                if event.get("event") == "listening":
                    self.url = f"http://127.0.0.1:{event['port']}"
                    self.port = int(event["port"])
                    self.listening = dict(event)
                    return dict(event)

    def stderr(self) -> str:
        try:
            return self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def describe(self) -> str:
        return f"rc={self.proc.poll()} stdout={self.lines!r} stderr tail={self.stderr()[-3000:]!r}"

    # -- clients -----------------------------------------------------------------------------
    def client(self, key: str | None = None, timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        last: Exception | None = None
        while time.monotonic() < deadline:
            try:
                r = httpx.get(f"{self.url}/healthz", timeout=2.0)
                if r.status_code == 200:
                    return
            except httpx.HTTPError as exc:
                last = exc
            time.sleep(0.05)
        raise TimeoutError(f"/healthz not answering within {timeout}s ({last}): {self.describe()}")

    # -- ending ------------------------------------------------------------------------------
    def kill(self) -> int:
        """SIGKILL: the process gets no chance to flush or clean up."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(timeout=30)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, then (when it does not exit in time) SIGABRT for its threads' stacks and
        SIGKILL."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGABRT)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.proc.wait(timeout=5)
        return self.kill()


def metric_value(
    text: str, name: str, labels: Mapping[str, str] | None = None, default: float | None = None
) -> float:
    """The value of one sample in a ``/metrics`` text (read by prometheus_client's own
    parser: label order and escaping do not matter). A sample that is not there is
    ``default``, or an AssertionError without one."""
    from prometheus_client.parser import text_string_to_metric_families

    wanted = dict(labels or {})
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == wanted:
                return float(sample.value)
    if default is None:
        raise AssertionError(f"{name}{wanted} not in /metrics")
    return default


def start_server(
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = START_TIMEOUT_S,
    *,
    speech: bool = False,
) -> ServerProcess:
    """Start a server on a free port and wait until it answers /healthz (with ``speech``,
    after the speech models are loaded and warmed up)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    stderr_path = data_dir.parent / f"{data_dir.name}.stderr.{time.monotonic_ns()}.log"
    with open(stderr_path, "w", encoding="utf-8") as err:
        proc = subprocess.Popen(
            serve_command(*args, speech=speech),
            cwd=REPO_ROOT,
            env=server_env(data_dir, env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    server = ServerProcess(proc=proc, data_dir=data_dir, stderr_path=stderr_path)
    threading.Thread(target=server._drain, name="server-stdout", daemon=True).start()
    try:
        server.wait_listening(timeout)
        server.wait_ready(timeout=timeout if speech else 30.0)
    except BaseException:
        server.kill()
        raise
    return server


@contextlib.contextmanager
def running_server(
    tmp: pytest.TempPathFactory,
    name: str,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = START_TIMEOUT_S,
    *,
    speech: bool = False,
) -> Iterator[ServerProcess]:
    """:func:`start_server` in a fresh ``<name>/data`` directory, always stopped on exit:
    the body of a module's ``server`` fixture."""
    srv = start_server(tmp.mktemp(name) / "data", env, args, timeout, speech=speech)
    try:
        yield srv
    finally:
        srv.stop()


def stored_api_key(server: ServerProcess) -> str:
    """The key ``serve`` generated in its data directory (a server given no
    ``VOICE_AGENT_API_KEYS``)."""
    return (server.data_dir / "api_key").read_text(encoding="utf-8").strip()


def stored_conversation(server: ServerProcess, conversation_id: str) -> dict[str, Any]:
    """``GET /v1/conversations/{id}`` with the key ``serve`` generated."""
    answer = httpx.get(
        f"{server.url}/v1/conversations/{conversation_id}",
        headers={"Authorization": f"Bearer {stored_api_key(server)}"},
        timeout=10,
    )
    answer.raise_for_status()
    conv: dict[str, Any] = answer.json()
    return conv


def run_serve_expecting_exit(
    data_dir: Path,
    env: Mapping[str, str] | None = None,
    args: tuple[str, ...] = (),
    timeout: float = START_TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """Run ``serve`` for a start-up that must fail; kills it if it starts listening instead."""
    try:
        return subprocess.run(
            serve_command(*args),
            cwd=REPO_ROOT,
            env=server_env(data_dir, env),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:  # subprocess.run has killed it
        raise AssertionError(f"serve did not exit within {timeout}s: {exc.stdout!r}") from exc
