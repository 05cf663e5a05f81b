"""voice_agent.heap: the periodic trim."""

from __future__ import annotations

import asyncio
import threading

from voice_agent.heap import HeapTrimmer, load_trim


def test_glibc_trim_is_found_and_runs() -> None:
    trim = load_trim()
    assert trim is not None  # the supported platform (glibc) has malloc_trim
    blocks = [bytearray(64 * 1024) for _ in range(2000)]  # ~128 MB, then freed
    del blocks
    assert isinstance(trim(), bool)


async def test_trims_off_the_event_loop_until_stopped() -> None:
    threads: list[int] = []

    def trim() -> bool:
        threads.append(threading.get_ident())
        return True

    trimmer = HeapTrimmer(trim, every_s=0.01)
    trimmer.start()
    for _ in range(500):
        if trimmer.trims >= 3:
            break
        await asyncio.sleep(0.01)
    await trimmer.stop()
    assert trimmer.trims >= 3
    assert threading.get_ident() not in threads  # a worker thread, not the loop's
    done = trimmer.trims
    await asyncio.sleep(0.05)
    assert trimmer.trims == done  # stopped


async def test_without_malloc_trim_nothing_runs() -> None:
    trimmer = HeapTrimmer(None)
    trimmer.trim = None
    trimmer.start()
    await trimmer.stop()
    assert trimmer.trims == 0
