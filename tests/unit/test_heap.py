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


ARENAS_CHILD = """
import ctypes, ctypes.util, os, sys, tempfile, threading
from voice_agent.heap import limit_arenas
print(limit_arenas(2))
barrier = threading.Barrier(8)
def work():
    barrier.wait()
    for _ in range(200):
        blocks = [bytearray(4096) for _ in range(200)]
        del blocks
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
path = os.path.join(tempfile.mkdtemp(), "info.xml")
fp = libc.fopen(path.encode(), b"w")
libc.malloc_info(0, fp)
libc.fclose(fp)
print(open(path).read().count("<heap nr="))
"""


def test_arenas_are_capped_for_threads_started_after() -> None:
    """Eight threads allocating at once share the two arenas instead of making their own
    (glibc's ``malloc_info`` lists one ``<heap>`` per arena)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", ARENAS_CHILD], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    took, heaps = out.stdout.split()
    assert took == "True"
    assert 1 <= int(heaps) <= 2


def test_without_the_cap_threads_make_more_arenas() -> None:
    """The control for the test above: the same work makes more than two arenas."""
    import subprocess
    import sys

    child = ARENAS_CHILD.replace("print(limit_arenas(2))", "print(True)")
    out = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert int(out.stdout.split()[1]) > 2
