"""The I/O every transport shares: a bounded outbox and the loop that runs a call to its end.

A transport reads its wire in a *reader* coroutine (returning why the caller left), writes
through an :class:`Outbox` (or its own paced player), and hands both to :func:`pump`, which
runs until the caller leaves, the connection breaks or the call ends itself (hand-off,
timeout, error), then closes the call with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

import structlog

from voice_agent.call.core import Call
from voice_agent.call.events import EndReason

log = structlog.get_logger("voice_agent.call")

#: After the agent's last words (a hand-off), how long they may take to be heard.
LAST_WORDS_TIMEOUT_S: Final = 15.0


class Outbox:
    """Text messages waiting for the connection, at most ``max_items``: a peer that stops
    reading is cut off (:attr:`overflowed`, ``on_overflow`` called once) instead of growing
    memory without bound."""

    def __init__(
        self,
        max_items: int,
        send_timeout_s: float = 10.0,
        on_overflow: Callable[[], None] | None = None,
    ) -> None:
        self._queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize=max_items)
        self.send_timeout_s = send_timeout_s
        self.on_overflow = on_overflow
        self.closing = False
        self.overflowed = False

    def put(self, text: str) -> bool:
        """Queue ``text``; False when the outbox is closing or just overflowed."""
        if self.closing:
            return False
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            self.overflowed = True
            self.close()
            if self.on_overflow is not None:
                self.on_overflow()
            return False
        return True

    def close(self) -> None:
        """Send what is queued, then stop."""
        self.closing = True
        with contextlib.suppress(asyncio.QueueFull):
            self._queue.put_nowait(None)

    async def run(
        self,
        write: Callable[[str], Awaitable[None]],
        gone: tuple[type[BaseException], ...] = (ConnectionError, RuntimeError, OSError),
    ) -> EndReason:
        """Write queued messages until :meth:`close`; returns why it stopped: the peer
        went away (``caller_hung_up``) or stopped reading (``error``)."""
        while True:
            text = await self._queue.get()
            if text is None:
                return EndReason.ERROR if self.overflowed else EndReason.CALLER_HUNG_UP
            try:
                await asyncio.wait_for(write(text), self.send_timeout_s)
            except TimeoutError:
                self.overflowed = True
                return EndReason.ERROR
            except gone:
                return EndReason.CALLER_HUNG_UP


def _outcome(task: asyncio.Task[EndReason]) -> EndReason:
    """A finished reader's or sender's reason; a failure of ours is an ``error`` end,
    logged once (never a traceback of an unretrieved task)."""
    if task.cancelled():
        return EndReason.ERROR
    exc = task.exception()
    if exc is not None:
        log.error("call_io_failed", task=task.get_name(), error=repr(exc))
        return EndReason.ERROR
    return task.result()


async def pump(
    call: Call,
    reader: Coroutine[Any, Any, EndReason],
    sender: asyncio.Task[EndReason],
    *,
    last_words: Callable[[], Awaitable[Any]] | None = None,
) -> EndReason:
    """Run ``call`` until ``reader`` returns (the caller left), ``sender`` stops (the
    connection broke) or the call asks to end; on a hand-off, wait (bounded) for
    ``last_words`` (the agent's last audio to be heard). Then close the call; returns the
    reason. ``sender`` is left to the transport (it may still flush)."""
    reading = asyncio.create_task(reader, name="call-reader")
    ending = asyncio.create_task(call.end_requested(), name="call-end")
    reason = EndReason.CALLER_HUNG_UP
    try:
        done, _ = await asyncio.wait(
            {reading, sender, ending}, return_when=asyncio.FIRST_COMPLETED
        )
        if ending in done:
            reason = ending.result()
            if reason is EndReason.AGENT_HAND_OFF and last_words is not None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(last_words(), LAST_WORDS_TIMEOUT_S)
        elif reading in done:
            reason = _outcome(reading)
        else:
            reason = _outcome(sender)
    finally:
        for task in (reading, ending):
            task.cancel()
        await asyncio.wait({reading, ending}, timeout=2.0)
        await call.close(reason)
    return reason
