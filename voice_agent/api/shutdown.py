"""Stopping the server without dropping calls: uvicorn, with a drain before its shutdown.

uvicorn's own SIGTERM handling closes every WebSocket at once (1012). :class:`GracefulServer`
runs :meth:`LiveCalls.drain <voice_agent.call.live.LiveCalls.drain>` first, while the listener
keeps answering: new calls and conversations are refused (503 ``shutting_down``), live calls
go on for the grace period (``VOICE_AGENT_SHUTDOWN_GRACE_S``) and are then wound down (the
agent finishes its sentence and says the playbook's ``shutdown`` goodbye, the conversation
ends with ``server_shutdown``). Only then does
uvicorn's shutdown run (connections closed, lifespan shutdown: the store is closed). A stop by
signal exits 0; a second Ctrl-C stops at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Iterator
from typing import Final

import structlog
import uvicorn

from voice_agent.call.live import LiveCalls

log = structlog.get_logger("voice_agent.api")

_SIGNALS: Final = (signal.SIGINT, signal.SIGTERM)
#: Longest the process may take to exit once the calls are drained (it takes well under a
#: second): past it, every thread's stack is logged and the process ends.
EXIT_DEADLINE_S: Final = 10.0
#: How often the drain looks for a forced exit (a second Ctrl-C).
_POLL_S: Final = 0.1


def _exit_if_stuck(deadline_s: float) -> None:
    """In a daemon thread: if the process is still there after ``deadline_s``, log what
    every thread is doing (``shutdown_stuck``) and end it. Everything acknowledged is stored
    by then (each write commits before its answer), so the exit status stays 0."""
    time.sleep(deadline_s)
    names = {t.ident: t.name for t in threading.enumerate()}
    stacks = {
        f"{names.get(ident, '?')} ({ident})": "".join(traceback.format_stack(frame)[-8:])
        for ident, frame in sys._current_frames().items()
    }
    log.error("shutdown_stuck", after_s=deadline_s, threads=stacks)
    for handler in logging.getLogger().handlers:
        with contextlib.suppress(Exception):
            handler.flush()
    sys.stderr.flush()
    os._exit(0)


class GracefulServer(uvicorn.Server):
    """See the module docstring."""

    def __init__(self, config: uvicorn.Config, live: LiveCalls, grace_s: float) -> None:
        super().__init__(config)
        self.live = live
        self.grace_s = grace_s

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        drain = asyncio.create_task(self.live.drain(self.grace_s), name="drain-calls")
        while not drain.done() and not self.force_exit:
            await asyncio.wait({drain}, timeout=_POLL_S)
        if not drain.done():
            drain.cancel()
            await asyncio.wait({drain}, timeout=1.0)
        elif drain.exception() is not None:
            log.error("shutdown_drain_failed", error=repr(drain.exception()))
        else:
            log.info("shutdown_drained", calls_cut=drain.result())
        # every wait has a deadline, the exit too: closing connections, the lifespan's
        # shutdown and the interpreter joining worker threads
        threading.Thread(target=_exit_if_stuck, args=(EXIT_DEADLINE_S,), daemon=True).start()
        await super().shutdown(sockets)

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Like uvicorn's, without raising the signal again once stopped: a stop by signal
        is a clean exit (status 0)."""
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        original = {sig: signal.signal(sig, self.handle_exit) for sig in _SIGNALS}
        try:
            yield
        finally:
            for sig, handler in original.items():
                signal.signal(sig, handler)
