"""``VOICE_AGENT_LEARN=true``: the learning worker (``voice-agent learn``) as a child process
of the server, so one command runs both. Training is heavy and long: it never runs in the
server's process (its event loop must not compute); the worker is crash-safe (a killed run
leaves the champion as it was), so stopping it at shutdown loses nothing but that run.

Each line the worker prints (one JSON object per check) becomes a ``learn`` log line of the
server; a worker that exits on its own is logged with its exit code and not restarted.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from pathlib import Path

import structlog

log = structlog.get_logger("voice_agent.learner")

#: How long a stopping worker gets before it is killed.
STOP_TIMEOUT_S = 10.0


class Learner:
    def __init__(self, data_dir: Path, interval_s: float = 60.0) -> None:
        self.data_dir = data_dir
        self.interval_s = interval_s
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "voice_agent.cli",
            "learn",
            "--json",
            "--data-dir",
            str(self.data_dir),
            "--interval",
            str(self.interval_s),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        log.info("learner_started", pid=self._proc.pid)
        self._reader = asyncio.create_task(self._read(self._proc))

    async def _read(self, proc: asyncio.subprocess.Process) -> None:
        assert proc.stdout is not None
        while line := await proc.stdout.readline():
            text = line.decode("utf-8", "replace").strip()
            try:
                event = json.loads(text)
            except json.JSONDecodeError:
                event = None
            if isinstance(event, dict):
                status = event.pop("status", None)
                if status == "failed":
                    log.warning("learn", status=status, **event)
                else:
                    log.info("learn", status=status, **event)
            elif text:
                log.info("learn_output", line=text[:500])
        code = await proc.wait()
        if code not in (0, -15):
            log.warning("learner_exited", code=code)

    async def stop(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.returncode is None:
            proc.terminate()
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT_S)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._reader, STOP_TIMEOUT_S)


__all__ = ["Learner"]
