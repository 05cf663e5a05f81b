"""Keeping the store tidy: calls left open by a crash, and retention.

At start-up, open conversations on a voice channel (:data:`~voice_agent.metrics.VOICE_CHANNELS`)
whose last activity is older than :data:`RESTART_IDLE_S` are ended with ``server_restart``:
no call survives its process. Text conversations (REST) stay open; their clients continue them.

Retention (``VOICE_AGENT_RETENTION_DAYS``, ``VOICE_AGENT_RETENTION_MODE``) deletes or
anonymizes conversations older than the limit: at start-up, then once a day
(:class:`Maintenance`), or on demand with ``voice-agent retention``.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from typing import Final

import structlog

from voice_agent.call.events import EndReason
from voice_agent.metrics import VOICE_CHANNELS
from voice_agent.store.base import RetentionMode, RetentionReport, Store

log = structlog.get_logger("voice_agent.store")

#: A voice conversation quiet for longer than this at start-up was cut by the stop.
RESTART_IDLE_S: Final = 10.0
#: How often the server applies retention.
RETENTION_EVERY_S: Final = 86_400.0
#: Longest a maintenance pass may take (the store works on one thread).
PASS_TIMEOUT_S: Final = 600.0
DAY_S: Final = 86_400.0


async def end_interrupted_calls(store: Store, now: float) -> list[str]:
    """End the voice conversations a stopped process left open; their ids."""
    ids = await asyncio.wait_for(
        store.end_interrupted_calls(
            VOICE_CHANNELS, now - RESTART_IDLE_S, EndReason.SERVER_RESTART.value, now
        ),
        PASS_TIMEOUT_S,
    )
    if ids:
        log.info("calls_ended_at_restart", count=len(ids), conversation_ids=ids[:20])
    return ids


def retention_cutoff(now: float, days: int) -> float | None:
    """Conversations created before this are out of retention (``None``: keep forever)."""
    return None if days <= 0 else now - days * DAY_S


async def apply_retention(
    store: Store, days: int, mode: RetentionMode, now: float, *, dry_run: bool = False
) -> RetentionReport | None:
    """Apply retention once (``None`` when ``days`` is 0: nothing to do)."""
    cutoff = retention_cutoff(now, days)
    if cutoff is None:
        return None
    report = await asyncio.wait_for(
        store.apply_retention(cutoff, mode, now, dry_run=dry_run), PASS_TIMEOUT_S
    )
    if report.conversations and not dry_run:
        log.info("retention_applied", **report.to_json())
    return report


class Maintenance:
    """The server's passes: at :meth:`start`, calls left open and retention; then retention
    once a day until :meth:`stop`."""

    def __init__(
        self,
        store: Store,
        *,
        retention_days: int,
        retention_mode: RetentionMode,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.days = retention_days
        self.mode: RetentionMode = retention_mode
        self.clock = clock
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await end_interrupted_calls(self.store, self.clock())
        await apply_retention(self.store, self.days, self.mode, self.clock())
        if self.days > 0:
            self._task = asyncio.create_task(self._daily(), name="retention")

    async def _daily(self) -> None:
        while True:
            await asyncio.sleep(RETENTION_EVERY_S)
            try:
                await apply_retention(self.store, self.days, self.mode, self.clock())
            except Exception as exc:  # the next day tries again; the server goes on
                log.warning("retention_failed", error=f"{type(exc).__name__}: {exc}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
