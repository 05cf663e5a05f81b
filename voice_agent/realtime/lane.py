"""The control lane of a ``/v1/realtime`` session: client events handled one at a time, in the
order they arrived, by one task of their own, so that the session's reader never waits.

The reader parses, validates and rate-limits each frame, then hands it over here with
:meth:`ControlLane.put` (or, for an audio append that may overtake what is waiting, straight
to the call: see :attr:`ControlLane.audio_must_wait`) and reads the next frame at once. The
lane's task runs each event to its end before the next one starts, so a ``response.cancel`` after a
``response.create`` cancels that response, a ``session.update`` after it applies after it,
and replies (including the ``error`` of a frame that did not parse, queued as a
:class:`CallError`) go out in the order the events came. Each event has a deadline
(:data:`EVENT_TIMEOUT_S`).

The lane is bounded, in events (:data:`LANE_MAX_EVENTS`) and in bytes
(:data:`LANE_MAX_BYTES`: an append's audio, another event's JSON text): an event that does
not fit is dropped and :meth:`ControlLane.put` raises ``too_many_pending_events`` (the reader
answers it at once). What failing to handle an event becomes:

* a :class:`CallError` (wrong state, bad value): its ``error`` event, with the event's
  ``event_id``;
* the deadline, or a wait of the server's that ran out: ``event_timeout`` (``server_error``),
  logged once;
* any other exception (a bug): ``internal_error`` (``server_error``), logged once with its
  traceback and the session id; the lane goes on with the next event.

No socket here: events come in through :meth:`ControlLane.put`, replies go out through the
``report`` callback.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final

import structlog

from voice_agent.call.events import CallError
from voice_agent.realtime.events import (
    DEFAULT_MAX_MESSAGE_CHARS,
    ClientEvent,
    InputAudioAppend,
    InputAudioClear,
    InputAudioCommit,
    SessionUpdate,
)

log = structlog.get_logger("voice_agent.realtime")

#: Events waiting in one session's lane (and the one being handled).
LANE_MAX_EVENTS: Final = 256
#: Bytes those events hold: as much as the largest frame a client may send.
LANE_MAX_BYTES: Final = DEFAULT_MAX_MESSAGE_CHARS
#: The longest one event may take (the call core's own waits are shorter: 10 s at most).
EVENT_TIMEOUT_S: Final = 15.0
#: When the client has left, how long the events it sent before leaving may still take.
DRAIN_TIMEOUT_S: Final = 2.0
#: How long stopping waits for the lane's task to unwind.
STOP_TIMEOUT_S: Final = 2.0

#: Events an audio append may not overtake: they change what the audio means (format, turn
#: detection) or where the caller's turn ends (commit, clear); and appends already waiting.
AUDIO_ORDERED: Final = (InputAudioAppend, InputAudioCommit, InputAudioClear, SessionUpdate)


@dataclass(frozen=True, slots=True)
class _Item:
    """An event to handle, or the ``error`` of a frame that could not be read, to send in
    its turn."""

    what: ClientEvent | CallError
    size: int
    audio_ordered: bool


class ControlLane:
    """One session's events, handled in order by one owned task (:meth:`start`,
    :meth:`stop`); see the module docstring."""

    def __init__(
        self,
        handle: Callable[[ClientEvent], Awaitable[None]],
        report: Callable[[CallError], None],
        *,
        session_id: str,
        max_events: int = LANE_MAX_EVENTS,
        max_bytes: int = LANE_MAX_BYTES,
        event_timeout_s: float = EVENT_TIMEOUT_S,
        on_failure: Callable[[], None] | None = None,
    ) -> None:
        self._handle = handle
        self._on_failure = on_failure
        self._report = report
        self.session_id = session_id
        self.max_events = max_events
        self.max_bytes = max_bytes
        self.event_timeout_s = event_timeout_s
        self._items: deque[_Item] = deque()
        self._ready = asyncio.Event()  # set while _items is not empty
        self._idle = asyncio.Event()  # set while nothing waits and nothing runs
        self._idle.set()
        #: what the lane holds, the event being handled included
        self.events = 0
        self.bytes = 0
        self._audio_ordered = 0
        self._task: asyncio.Task[None] | None = None

    # -- the reader's side -------------------------------------------------------------------
    @property
    def audio_must_wait(self) -> bool:
        """Whether an audio append must queue here rather than go straight to the call: an
        event it may not overtake (:data:`AUDIO_ORDERED`) is waiting or running."""
        return self._audio_ordered > 0

    def put(self, what: ClientEvent | CallError, size: int) -> None:
        """Queue an event (or the error of a frame that could not be read) of ``size``
        bytes; raises ``too_many_pending_events`` (the item is dropped) when it does not
        fit."""
        if self.events + 1 > self.max_events or self.bytes + size > self.max_bytes:
            event_id = what.event_id
            raise CallError(
                "too_many_pending_events",
                f"more than {self.max_events} events or {self.max_bytes} bytes are waiting"
                " to be handled in this session; this event was dropped: wait for the"
                " replies before sending more",
                event_id=event_id,
                error_type="rate_limit_error",
            )
        ordered = isinstance(what, AUDIO_ORDERED)
        self._items.append(_Item(what, size, ordered))
        self.events += 1
        self.bytes += size
        self._audio_ordered += ordered
        self._idle.clear()
        self._ready.set()

    # -- the lane's task ---------------------------------------------------------------------
    def start(self) -> asyncio.Task[None]:
        """Start the lane's task (once); it runs until :meth:`stop`."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="rt-control")
            self._task.add_done_callback(self._task_done)
        return self._task

    def _task_done(self, task: asyncio.Task[None]) -> None:
        """The task ended by itself only for a bug of the lane's own: logged once (the
        exception retrieved), and ``on_failure`` (the session ends)."""
        if task.cancelled():
            return
        exc = task.exception()
        if exc is None:
            return
        log.error("realtime_control_failed", session=self.session_id, error=repr(exc))
        if self._on_failure is not None:
            self._on_failure()

    async def drain(self, timeout_s: float = DRAIN_TIMEOUT_S) -> bool:
        """Wait (bounded) until every queued event was handled; False on the deadline."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout_s)
        except TimeoutError:
            return False
        return True

    async def stop(self) -> None:
        """Cancel what runs, drop what waits, and wait (bounded) for the task to end."""
        task = self._task
        self._items.clear()
        if task is None:
            return
        task.cancel()
        await asyncio.wait({task}, timeout=STOP_TIMEOUT_S)
        if not task.done():
            log.error("realtime_control_stuck", session=self.session_id)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def _run(self) -> None:
        while True:
            await self._ready.wait()
            item = self._items.popleft()
            if not self._items:
                self._ready.clear()
            try:
                await self._run_one(item.what)
            finally:
                self.events -= 1
                self.bytes -= item.size
                self._audio_ordered -= item.audio_ordered
                if self.events == 0:
                    self._idle.set()

    async def _run_one(self, what: ClientEvent | CallError) -> None:
        if isinstance(what, CallError):
            self._report(what)
            return
        event_type = type(what).__name__
        try:
            async with asyncio.timeout(self.event_timeout_s):
                await self._handle(what)
        except CallError as exc:
            exc.event_id = exc.event_id or what.event_id
            self._report(exc)
        except TimeoutError:
            log.warning(
                "realtime_event_timeout",
                session=self.session_id,
                event_type=event_type,
                event_id=what.event_id,
            )
            self._report(
                CallError(
                    "event_timeout",
                    "the server did not finish handling this event in time; it was abandoned",
                    event_id=what.event_id,
                    error_type="server_error",
                )
            )
        except Exception:  # a bug: the client hears of it, it is logged once, the lane goes on
            log.exception(
                "realtime_event_failed",
                session=self.session_id,
                event_type=event_type,
                event_id=what.event_id,
            )
            self._report(internal_error(what.event_id))


def internal_error(event_id: str | None) -> CallError:
    """The ``error`` a client gets for an event the server failed to handle (a bug)."""
    return CallError(
        "internal_error",
        "the server failed to handle this event",
        event_id=event_id,
        error_type="server_error",
    )
