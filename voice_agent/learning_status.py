"""The learning worker's status as metrics: the server reads the registry's ``learning.json``.

The worker (``voice-agent learn``, :mod:`ml.learn`; a child of the server with
``VOICE_AGENT_LEARN=true``, or a process of its own) notes how each of its checks ended in
``learning.json`` (``last_check``: when, trained / not due / failed and why;
``last_ok_at``; ``consecutive_failures``), an atomic write. The server has no other way to
know: the worker may run in another process or on another instance sharing the registry.
:class:`LearningStatusWatcher` reads that file at start-up and then every ``poll_s``
seconds, in a thread of its own under a deadline (the event loop does no file I/O), and sets
the ``voice_agent_learning_*`` gauges (:func:`publish`) that the ``LearningWorkerFailing``
alert reads (config/prometheus/alerts.yml). A file that cannot be read or parsed leaves the
gauges as they were (one warning per new error): a worker that stops writing shows as an
old ``voice_agent_learning_last_success_timestamp_seconds``.

:func:`parse_status` and :func:`publish` do no I/O.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import structlog

from voice_agent import metrics

if TYPE_CHECKING:
    from voice_agent.settings import Settings

log = structlog.get_logger("voice_agent.learning_status")

#: The worker's status file in the registry (``ml.learn.STATE_FILE``; the server does not
#: import the training code).
STATE_FILE: Final = "learning.json"
#: Seconds between two reads when the settings give none (``MODEL_POLL_S`` 0).
POLL_S: Final = 10.0
#: Longest one read of ``learning.json`` may take.
READ_TIMEOUT_S: Final = 5.0


@dataclass(frozen=True, slots=True)
class LearningStatus:
    """What ``learning.json`` says of the worker's runs (its checks)."""

    #: when the last recorded run ended (Unix time; ``None``: none recorded)
    last_run_at: float | None = None
    #: when the last run that did not fail ended (``None``: none recorded)
    last_ok_at: float | None = None
    #: whether the last recorded run did not fail (``None``: none recorded)
    last_run_ok: bool | None = None
    consecutive_failures: int = 0
    #: the last run's error, when it failed
    error: str | None = None


#: No ``learning.json``: no run recorded.
NO_STATUS: Final = LearningStatus()


def _time(value: object) -> float | None:
    """A Unix time from the file (``None``: absent or not a finite number)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def parse_status(data: object) -> LearningStatus:
    """The status in ``learning.json``'s content ``data`` (ValueError: not its layout).

    A file written before runs were noted (only ``trained_on`` and ``runs``, the trained
    runs) gives its last trained run as the last run, a success."""
    if not isinstance(data, Mapping):
        raise ValueError(f"{STATE_FILE}: not a JSON object")
    failures = data.get("consecutive_failures", 0)
    if isinstance(failures, bool) or not isinstance(failures, int) or failures < 0:
        raise ValueError(f"{STATE_FILE}: consecutive_failures is {failures!r}")
    check = data.get("last_check")
    if isinstance(check, Mapping):
        at = _time(check.get("at"))
        ok = check.get("status") != "failed"
        error = None if ok else str(check.get("error") or "")
        return LearningStatus(at, _time(data.get("last_ok_at")), ok, failures, error)
    if check is not None:
        raise ValueError(f"{STATE_FILE}: last_check is {check!r}")
    runs = data.get("runs")
    last = runs[-1] if isinstance(runs, list) and runs else None
    at = _time(last.get("at")) if isinstance(last, Mapping) else None
    if at is None:
        return NO_STATUS
    return LearningStatus(at, at, True, 0)


def read_status(registry: Path) -> LearningStatus:
    """``learning.json`` of ``registry`` (blocking I/O: run it in a thread). No file: no run
    recorded; OSError, ValueError: a file that cannot be read or parsed."""
    try:
        text = (registry / STATE_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return NO_STATUS
    return parse_status(json.loads(text))


def publish(status: LearningStatus) -> None:
    """``status`` as the ``voice_agent_learning_*`` gauges (0 for a time never recorded)."""
    metrics.LEARNING_LAST_RUN.set(status.last_run_at or 0.0)
    metrics.LEARNING_LAST_SUCCESS.set(status.last_ok_at or 0.0)
    metrics.LEARNING_LAST_RUN_OK.set(0 if status.last_run_ok is False else 1)
    metrics.LEARNING_CONSECUTIVE_FAILURES.set(status.consecutive_failures)


class LearningStatusWatcher:
    """Reads ``registry``'s ``learning.json`` at :meth:`start`, then every ``poll_s`` seconds
    until :meth:`stop`; ``enabled``: this process runs the worker
    (``voice_agent_learning_enabled``). :meth:`poll_once` is one read, for tests and the loop
    alike."""

    def __init__(
        self,
        registry: Path,
        *,
        enabled: bool,
        poll_s: float = POLL_S,
        read_timeout_s: float = READ_TIMEOUT_S,
    ) -> None:
        if poll_s <= 0 or read_timeout_s <= 0:
            raise ValueError("poll_s and read_timeout_s must be positive")
        self.registry = registry
        self.enabled = enabled
        self.poll_s = poll_s
        self.read_timeout_s = read_timeout_s
        #: the last read's error (logged once until a read succeeds or another error comes)
        self.error: str | None = None
        #: one thread: a read stuck past its deadline makes the next ones time out too
        self._executor: ThreadPoolExecutor | None = None
        self._task: asyncio.Task[None] | None = None

    def _pool(self) -> ThreadPoolExecutor:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="learning")
        return self._executor

    async def start(self) -> None:
        metrics.LEARNING_ENABLED.set(1 if self.enabled else 0)
        await self.poll_once()
        self._task = asyncio.create_task(self._loop(), name="learning-status")

    async def _loop(self) -> None:
        while True:
            await asyncio.sleep(self.poll_s)
            try:
                await self.poll_once()
            except Exception as exc:  # the next poll tries again; the server goes on
                self._failed(f"{type(exc).__name__}: {exc}")

    async def poll_once(self) -> LearningStatus | None:
        """Read the file and publish it (``None``: it could not be read; gauges unchanged)."""
        loop = asyncio.get_running_loop()
        read = loop.run_in_executor(self._pool(), read_status, self.registry)
        try:
            status = await asyncio.wait_for(read, self.read_timeout_s)
        except TimeoutError:
            self._failed(f"reading took over {self.read_timeout_s}s")
            return None
        except (OSError, ValueError) as exc:
            self._failed(f"{type(exc).__name__}: {exc}")
            return None
        self.error = None
        publish(status)
        return status

    def _failed(self, error: str) -> None:
        if error != self.error:
            log.warning(
                "learning_status_unreadable", path=str(self.registry / STATE_FILE), error=error
            )
        self.error = error

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        pool, self._executor = self._executor, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def learning_registry(settings: Settings) -> Path:
    """The registry the worker writes ``learning.json`` to, as ``voice-agent learn`` picks it:
    ``MODELS_DIR``, else ``DATA_DIR/models``."""
    return settings.models_dir if settings.models_dir is not None else settings.data_dir / "models"


async def watch_learning(settings: Settings) -> LearningStatusWatcher:
    """Start the watcher of the server's settings (poll every ``MODEL_POLL_S``, else
    :data:`POLL_S`); the caller stops it."""
    watcher = LearningStatusWatcher(
        learning_registry(settings),
        enabled=settings.learn,
        poll_s=settings.model_poll_s if settings.model_poll_s > 0 else POLL_S,
    )
    await watcher.start()
    return watcher


__all__ = [
    "NO_STATUS",
    "POLL_S",
    "READ_TIMEOUT_S",
    "STATE_FILE",
    "LearningStatus",
    "LearningStatusWatcher",
    "learning_registry",
    "parse_status",
    "publish",
    "read_status",
    "watch_learning",
]
