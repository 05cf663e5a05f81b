"""Start a voice-agent server in a subprocess on a free port (for load tests and benches)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

API_KEY = "loadtest-key"


class ServerProcess:
    """``voice-agent serve --port 0`` in a child process; context manager, always killed."""

    def __init__(
        self,
        *,
        speech: bool = False,
        data_dir: Path | None = None,
        env: dict[str, str] | None = None,
        start_timeout_s: float = 120.0,
        port: int = 0,
    ) -> None:
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        if data_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="voice-agent-load-")
            data_dir = Path(self._tmp.name)
        self.data_dir = data_dir
        self.speech = speech
        self.extra_env = env or {}
        self.start_timeout_s = start_timeout_s
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.api_key = API_KEY
        self.port = port
        #: the server's ``listening`` line (``port``, ``audiosocket_port`` ...)
        self.listening: dict[str, object] = {}

    def start(self) -> ServerProcess:
        env = dict(os.environ)
        env.update(
            {
                "VOICE_AGENT_DATA_DIR": str(self.data_dir),
                "VOICE_AGENT_API_KEYS": self.api_key,
                "VOICE_AGENT_LOG_LEVEL": "warning",
                "PYTHONUNBUFFERED": "1",
            }
        )
        env.update(self.extra_env)
        cmd = [sys.executable, "-m", "voice_agent.cli", "serve", "--port", str(self.port)]
        if not self.speech:
            cmd.append("--no-speech")
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        assert self.proc.stdout is not None
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith("{"):
                event = json.loads(line)
                if event.get("event") == "listening":
                    self.url = event["url"]
                    self.listening = dict(event)
                    break
        if not self.url:
            self.stop()
            raise RuntimeError("server did not start")
        self._wait_ready(deadline)
        return self

    def _wait_ready(self, deadline: float) -> None:
        import httpx

        while time.monotonic() < deadline:
            try:
                # the details (speech) need the key: anonymous callers get the status only
                auth = {"Authorization": f"Bearer {self.api_key}"}
                r = httpx.get(self.url + "/readyz", headers=auth, timeout=2.0)
                if r.status_code == 200 and (not self.speech or r.json().get("speech") == "ready"):
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> ServerProcess:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


@dataclass(frozen=True, slots=True)
class Target:
    """The server a load command runs against."""

    url: str
    api_key: str
    #: the server's process id, when the command started it
    pid: int | None = None


@contextlib.contextmanager
def target(url: str | None, api_key: str | None, command: str) -> Iterator[Target]:
    """``url`` with ``api_key`` (without a key: exit naming ``python -m loadtest
    COMMAND``'s ``--api-key``), or, without ``url``, a server with speech started here and
    stopped on the way out."""
    if url is None:
        with ServerProcess(speech=True) as server:
            assert server.proc is not None
            yield Target(server.url, server.api_key, server.proc.pid)
        return
    if not api_key:
        raise SystemExit(f"python -m loadtest {command}: give --api-key or set VOICE_AGENT_API_KEY")
    yield Target(url, api_key)
