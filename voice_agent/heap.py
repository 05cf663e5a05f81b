"""Giving freed memory back to the system (glibc's ``malloc_trim``), once a minute.

The speech libraries (onnxruntime, CTranslate2) allocate and free large buffers from several
threads; glibc keeps what they free in per-thread arenas, where it stays resident. Over a
30-minute soak the server held 55-62 MB of such free memory (``mallinfo2().fordblks``), and
its RSS rose in steps that one ``malloc_trim(0)`` took back (-36 MB) while the memory in use
stayed flat. :class:`HeapTrimmer` runs the trim every :data:`TRIM_EVERY_S` in a worker
thread (it walks the arenas: a few milliseconds, never on the event loop). On a C library
without ``malloc_trim`` (musl, macOS) it does nothing.

Trimming gives back free pages but not the arenas themselves: glibc creates up to eight per
core as threads contend, each reserving 64 MB and keeping what it touched. :func:`limit_arenas`
caps them at :data:`MALLOC_ARENAS` before the server starts its threads. Four 30-minute soaks
side by side (``loadtest soak``, the machine loaded by other work), RSS growth after warm-up:
no trim +1.5, trim +0.5, trim with two arenas +0.1 MB/min; a fixed mmap threshold instead
(1 MB; 256 kB with four arenas) made it worse (+4.9, +1.8).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import ctypes.util
from collections.abc import Callable
from typing import Final

import structlog

log = structlog.get_logger("voice_agent.heap")

#: glibc arenas the process may use (``M_ARENA_MAX``; glibc's default is 8 per core).
MALLOC_ARENAS: Final = 2
_M_ARENA_MAX: Final = -8  # from glibc's malloc.h

#: How often freed memory is given back.
TRIM_EVERY_S: Final = 60.0
#: Longest one trim may take before the trimmer stops waiting for it.
TRIM_TIMEOUT_S: Final = 10.0


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name)
    except OSError:
        return None


def limit_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (call before the process starts its threads); whether the
    C library took it (``False`` on one without ``mallopt``: musl, macOS)."""
    libc = _libc()
    fn = getattr(libc, "mallopt", None) if libc is not None else None
    if fn is None:
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_int]
    fn.restype = ctypes.c_int
    return bool(fn(_M_ARENA_MAX, arenas))


def load_trim() -> Callable[[], bool] | None:
    """glibc's ``malloc_trim(0)`` as a function returning whether memory was released, or
    ``None`` when the C library has none."""
    libc = _libc()
    fn = getattr(libc, "malloc_trim", None) if libc is not None else None
    if fn is None:
        return None
    fn.argtypes = [ctypes.c_size_t]
    fn.restype = ctypes.c_int

    def trim() -> bool:
        return bool(fn(0))

    return trim


class HeapTrimmer:
    """Trims the heap every ``every_s`` seconds between :meth:`start` and :meth:`stop`."""

    def __init__(
        self, trim: Callable[[], bool] | None = None, every_s: float = TRIM_EVERY_S
    ) -> None:
        self.trim = trim if trim is not None else load_trim()
        self.every_s = every_s
        self.trims = 0
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.trim is not None and self._task is None:
            self._task = asyncio.create_task(self._run(), name="heap-trim")

    async def _run(self) -> None:
        trim = self.trim
        assert trim is not None
        while True:
            await asyncio.sleep(self.every_s)
            try:
                await asyncio.wait_for(asyncio.to_thread(trim), TRIM_TIMEOUT_S)
            except TimeoutError:
                log.warning("heap_trim_slow", timeout_s=TRIM_TIMEOUT_S)
                continue
            self.trims += 1

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
