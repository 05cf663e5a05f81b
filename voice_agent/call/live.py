"""The calls live in this process, and how they end when the server stops.

Every transport registers its :class:`~voice_agent.call.core.Call` here for as long as it
runs (:func:`voice_agent.call.pump.pump` does it). On SIGTERM the server calls
:meth:`LiveCalls.drain`: from then on new calls are refused (``shutting_down``), the live
ones go on until the grace period is nearly over, and those still going are then wound
down (:class:`WindDown`): an agent in the middle of a sentence finishes it, then says the
playbook's goodbye (its ``shutdown`` line: sorry, please call back, everything is saved),
the call ends with ``server_shutdown`` and everything said and heard is stored before the
process exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

import structlog

from voice_agent.call.events import EndReason
from voice_agent.errors import ShuttingDown

if TYPE_CHECKING:
    from voice_agent.call.core import Call

log = structlog.get_logger("voice_agent.call")

#: What winding a call down may take: the agent finishes its sentence and says goodbye (a
#: few seconds of audio each), the call is stored, the connection closed.
WIND_DOWN_S: Final = 12.0
#: Left of the grace period for the server itself to stop once the calls are gone.
EXIT_MARGIN_S: Final = 2.0
#: Of a call's wind-down, the time kept to store the call and close it (the agent's audio
#: stops that long before the deadline).
STORE_S: Final = 2.0
#: A goodbye is not begun with less time than this for it.
GOODBYE_MIN_S: Final = 1.5


@dataclass(frozen=True, slots=True)
class WindDown:
    """One call being cut: it ends with ``reason``, stored, by ``deadline``
    (``time.monotonic()``). The call asks it how long the caller may still hear the agent."""

    reason: EndReason
    deadline: float

    def speech_s(self, now: float) -> float:
        """How long the agent may still be heard: until :data:`STORE_S` before the
        deadline."""
        return max(0.0, self.deadline - STORE_S - now)

    def goodbye_fits(self, now: float) -> bool:
        """There is time left to begin the goodbye."""
        return self.speech_s(now) >= GOODBYE_MIN_S


class Phase(StrEnum):
    SERVING = "serving"
    #: no new calls; live ones go on
    DRAINING = "draining"
    #: live calls are being wound down
    CUTTING = "cutting"


class LiveCalls:
    """The live calls of one server process (see the module docstring)."""

    def __init__(self) -> None:
        self.calls: set[Call] = set()
        self.phase = Phase.SERVING
        #: how the calls are cut, once they are (calls that come in after are cut alike)
        self.cut: WindDown | None = None
        self._empty = asyncio.Event()
        self._empty.set()

    @property
    def admitting(self) -> bool:
        """New calls are taken (the server is not stopping)."""
        return self.phase is Phase.SERVING

    def admit(self) -> None:
        """Raises :class:`ShuttingDown` once the server is stopping."""
        if self.phase is not Phase.SERVING:
            raise ShuttingDown("the server is shutting down; retry on another instance")

    def add(self, call: Call) -> None:
        self.calls.add(call)
        self._empty.clear()
        if self.cut is not None:  # came in while stopping: wind it down at once
            call.wind_down(self.cut)

    def discard(self, call: Call) -> None:
        self.calls.discard(call)
        if not self.calls:
            self._empty.set()

    async def drain(self, grace_s: float) -> int:
        """Stop admitting calls, let the live ones go on until ``grace_s`` is nearly over,
        then wind the rest down (at least ``WIND_DOWN_S / 2`` for it, more when the grace
        leaves more) and wait (bounded) for them to be stored. Returns how many calls had
        to be cut."""
        started = time.monotonic()
        if self.phase is Phase.SERVING:
            self.phase = Phase.DRAINING
        log.info("shutdown_draining", calls=len(self.calls), grace_s=grace_s)
        let_run_s = max(0.0, grace_s - WIND_DOWN_S - EXIT_MARGIN_S)
        if self.calls and let_run_s > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._empty.wait(), let_run_s)
        now = time.monotonic()
        within_s = max(WIND_DOWN_S / 2, grace_s - (now - started) - EXIT_MARGIN_S)
        self.phase = Phase.CUTTING
        self.cut = WindDown(EndReason.SERVER_SHUTDOWN, now + within_s)
        cut = list(self.calls)
        for call in cut:
            call.wind_down(self.cut)
        if cut:
            log.info("shutdown_cutting_calls", calls=len(cut), within_s=round(within_s, 3))
            try:
                await asyncio.wait_for(self._empty.wait(), within_s)
            except TimeoutError:
                log.warning("shutdown_calls_left", calls=len(self.calls))
        return len(cut)

    async def close_all(self, reason: EndReason) -> None:
        """Close whatever calls are left (at the very end of shutdown), storing them."""
        calls = list(self.calls)
        if calls:
            await asyncio.gather(*(c.close(reason) for c in calls), return_exceptions=True)
