"""The I/O every transport shares: a bounded outbox and the loop that runs a call to its end.

A transport reads its wire in a *reader* coroutine (returning why the caller left), writes
through an :class:`Outbox` (or its own paced player), and hands both to :func:`pump`, which
runs until the caller leaves, the connection breaks or the call ends itself (hand-off,
timeout, error), then closes the call with the reason.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Final

import structlog

from voice_agent.call.core import Call
from voice_agent.call.events import EndReason
from voice_agent.call.live import LiveCalls

log = structlog.get_logger("voice_agent.call")

#: After the agent's last words (a hand-off), how long they may take to be heard.
LAST_WORDS_TIMEOUT_S: Final = 15.0
#: The longest a single write may wait for a peer that does not read before the call is
#: ended (``client_not_reading``).
SEND_TIMEOUT_S: Final = 5.0


class Outbox:
    """Text messages waiting for the connection, at most ``max_items``: a peer that stops
    reading (the outbox fills, or one write waits ``send_timeout_s``) is cut off
    (:attr:`overflowed`, ``on_overflow`` called once; :meth:`run` returns
    ``client_not_reading``) instead of growing memory without bound."""

    def __init__(
        self,
        max_items: int,
        send_timeout_s: float = SEND_TIMEOUT_S,
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
        went away (``caller_hung_up``) or stopped reading (``client_not_reading``). A
        failure of ours is logged once and is an ``error`` end (never an unretrieved task
        exception)."""
        while True:
            text = await self._queue.get()
            if text is None:
                return EndReason.CLIENT_NOT_READING if self.overflowed else EndReason.CALLER_HUNG_UP
            try:
                await asyncio.wait_for(write(text), self.send_timeout_s)
            except TimeoutError:
                first = not self.overflowed
                self.overflowed = self.closing = True
                if first and self.on_overflow is not None:
                    self.on_overflow()
                return EndReason.CLIENT_NOT_READING
            except gone:
                self.closing = True
                return EndReason.CALLER_HUNG_UP
            except Exception as exc:
                self.closing = True
                log.error("send_failed", error=repr(exc))
                return EndReason.ERROR


def outcome(task: asyncio.Task[EndReason]) -> EndReason:
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
    live: LiveCalls | None = None,
) -> EndReason:
    """Run ``call`` until ``reader`` returns (the caller left), ``sender`` stops (the
    connection broke) or the call asks to end; on a hand-off (or a server shutdown), wait
    (bounded) for ``last_words`` (the agent's last audio to be heard). Then close the
    call; returns the reason. ``sender`` is left to the transport (it may still flush); a
    reader that failed is logged once. The call is one of ``live`` while it runs."""
    reading = asyncio.create_task(reader, name="call-reader")
    ending = asyncio.create_task(call.end_requested(), name="call-end")
    reason = EndReason.CALLER_HUNG_UP
    if live is not None:
        live.add(call)
    try:
        done, _ = await asyncio.wait({reading, sender, ending}, return_when=asyncio.FIRST_COMPLETED)
        if ending in done:
            reason = ending.result()
            heard_out = (EndReason.AGENT_HAND_OFF, EndReason.SERVER_SHUTDOWN)
            if reason in heard_out and last_words is not None:
                wait_s = LAST_WORDS_TIMEOUT_S
                if call.winding is not None:  # a goodbye: within the wind-down's deadline
                    wait_s = min(wait_s, call.winding.speech_s(time.monotonic()))
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(last_words(), wait_s)
        elif reading in done:
            reason = outcome(reading)
        else:
            reason = outcome(sender)
    finally:
        for task in (reading, ending):
            task.cancel()
        await asyncio.wait({reading, ending}, timeout=2.0)
        if reading.done():
            outcome(reading)  # a failure that raced the end is still logged, not lost
        try:
            await call.close(reason)
        finally:
            if live is not None:
                live.discard(call)
    return reason
