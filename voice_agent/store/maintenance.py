"""Keeping the store tidy: calls left open by a crash, and retention.

No call survives its process. One machine (a store of its own): at start-up, open
conversations on a voice channel (:data:`~voice_agent.metrics.VOICE_CHANNELS`) whose last
activity is older than :data:`RESTART_IDLE_S` are ended with ``server_restart``. Several
instances on one database: each records a heartbeat every :data:`HEARTBEAT_S`; at start-up an
instance ends the calls it carried before (``server_restart``), and every heartbeat ends the
calls of instances silent for :data:`LOST_AFTER_S` (``instance_lost``: killed, machine lost).
Text conversations (REST) stay open; their clients continue them, on any instance.

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
#: How often an instance says it is alive (and looks for calls of lost instances); the
#: default of ``VOICE_AGENT_HEARTBEAT_S``.
HEARTBEAT_S: Final = 5.0
#: An instance silent for this many heartbeats is lost: its calls are ended by the others.
LOST_AFTER_BEATS: Final = 4
LOST_AFTER_S: Final = HEARTBEAT_S * LOST_AFTER_BEATS
#: How often the server applies retention.
RETENTION_EVERY_S: Final = 86_400.0
#: Longest a maintenance pass may take (the store works on one thread).
PASS_TIMEOUT_S: Final = 600.0
DAY_S: Final = 86_400.0


async def end_interrupted_calls(store: Store, now: float, instance: str | None = None) -> list[str]:
    """End the voice conversations a stopped process left open; their ids. ``instance``
    (several instances on a shared store): only the calls this instance carried before."""
    reason = EndReason.SERVER_RESTART.value
    if store.shared:
        if instance is None:
            return []
        pending = store.end_instance_calls(VOICE_CHANNELS, instance, reason, now)
    else:
        pending = store.end_interrupted_calls(VOICE_CHANNELS, now - RESTART_IDLE_S, reason, now)
    ids = await asyncio.wait_for(pending, PASS_TIMEOUT_S)
    if ids:
        log.info("calls_ended_at_restart", count=len(ids), conversation_ids=ids[:20])
    return ids


async def end_lost_calls(store: Store, now: float, lost_after_s: float = LOST_AFTER_S) -> list[str]:
    """End the calls of instances silent for ``lost_after_s``; their ids."""
    ids = await asyncio.wait_for(
        store.end_lost_calls(
            VOICE_CHANNELS, now - lost_after_s, EndReason.INSTANCE_LOST.value, now
        ),
        PASS_TIMEOUT_S,
    )
    if ids:
        log.warning("calls_of_lost_instance_ended", count=len(ids), conversation_ids=ids[:20])
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
    """The server's passes: at :meth:`start`, a heartbeat, calls left open and retention;
    then the heartbeat (with lost instances' calls) every :data:`HEARTBEAT_S` and retention
    once a day until :meth:`stop`."""

    def __init__(
        self,
        store: Store,
        *,
        retention_days: int,
        retention_mode: RetentionMode,
        instance: str,
        clock: Callable[[], float] = time.time,
        heartbeat_s: float = HEARTBEAT_S,
    ) -> None:
        self.store = store
        self.days = retention_days
        self.mode: RetentionMode = retention_mode
        self.instance = instance
        self.clock = clock
        self.heartbeat_s = heartbeat_s
        self.lost_after_s = heartbeat_s * LOST_AFTER_BEATS
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        await asyncio.wait_for(self.store.heartbeat(self.instance, self.clock()), PASS_TIMEOUT_S)
        await end_interrupted_calls(self.store, self.clock(), self.instance)
        await end_lost_calls(self.store, self.clock(), self.lost_after_s)
        await apply_retention(self.store, self.days, self.mode, self.clock())
        self._tasks.append(asyncio.create_task(self._heartbeats(), name="heartbeat"))
        if self.days > 0:
            self._tasks.append(asyncio.create_task(self._daily(), name="retention"))

    async def beat(self) -> None:
        """One heartbeat: this instance is alive; the calls of lost ones end."""
        await asyncio.wait_for(
            self.store.heartbeat(self.instance, self.clock()), self.heartbeat_s * 2
        )
        await end_lost_calls(self.store, self.clock(), self.lost_after_s)

    async def _heartbeats(self) -> None:
        while True:
            await asyncio.sleep(self.heartbeat_s)
            try:
                await self.beat()
            except Exception as exc:  # the database is away: the next beat tries again
                log.warning("heartbeat_failed", error=f"{type(exc).__name__}: {exc}")

    async def _daily(self) -> None:
        while True:
            await asyncio.sleep(RETENTION_EVERY_S)
            try:
                await apply_retention(self.store, self.days, self.mode, self.clock())
            except Exception as exc:  # the next day tries again; the server goes on
                log.warning("retention_failed", error=f"{type(exc).__name__}: {exc}")

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
