"""``loadtest voice``'s server sampler: memory per call and CPU, read from /proc."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import pytest

from loadtest.voice import ServerSampler, cpu_s, run_queue_wait_s

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


#: a stand-in server: 40 MB more resident once asked, until its stdin closes
_GROWS = (
    "import sys; sys.stdin.readline(); keep = bytearray(40 * 2**20)\n"
    "for i in range(0, len(keep), 4096): keep[i] = 1\n"
    "print('grown', flush=True); sys.stdin.read()"
)


async def test_sampler_reports_memory_per_call_and_cores() -> None:
    # a child process, not this one: the test runner's own heap may already hold 40 MB free
    # (reused without growing RSS)
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _GROWS, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE
    )
    assert child.stdin is not None and child.stdout is not None
    stdin, stdout = child.stdin, child.stdout
    try:
        await asyncio.sleep(0.2)  # started: its RSS before the "calls"
        sampler = ServerSampler(child.pid, every_s=0.01)

        async def work() -> bytes:
            stdin.write(b"grow\n")
            await stdin.drain()
            line = await asyncio.wait_for(stdout.readline(), 30)
            await asyncio.sleep(0.1)  # sampled while grown
            return line

        assert await sampler.run_until(work()) == b"grown\n"
        report = sampler.report(calls=4)
    finally:
        stdin.close()
        await asyncio.wait_for(child.wait(), 30)
    assert report["rss_before_mb"] is not None and report["rss_peak_mb"] is not None
    assert report["rss_peak_mb"] - report["rss_before_mb"] >= 30
    assert report["rss_per_call_mb"] == pytest.approx(
        (report["rss_peak_mb"] - report["rss_before_mb"]) / 4, abs=0.01
    )
    assert report["server_cores"] is not None and report["server_cores"] >= 0
    assert report["server_cpu_wait_cores"] is not None and report["server_cpu_wait_cores"] >= 0


def test_without_a_server_process_only_the_client_is_measured() -> None:
    report = ServerSampler(None).report(calls=3)
    assert report["rss_per_call_mb"] is None and report["server_cores"] is None
    assert report["client_cores"] is not None
    assert cpu_s(os.getpid()) is not None
    assert cpu_s(2**22 + 12345) is None  # no such process
    assert run_queue_wait_s(2**22 + 12345) is None
    wait = run_queue_wait_s(os.getpid())
    assert wait is not None and wait >= 0


def test_memory_per_added_call_between_sweep_levels() -> None:
    from loadtest.voice import extra_call_rss

    runs: list[dict[str, Any]] = [
        {"calls": 8, "rss_peak_mb": 700.0},
        {"calls": 16, "rss_peak_mb": 740.0},
        {"calls": 24, "rss_peak_mb": None},  # not measured (a --url server without --pid)
        {"calls": 32, "rss_peak_mb": 800.0},
    ]
    assert extra_call_rss(runs) == [{"from": 8, "to": 16, "mb": 5.0}]
    assert extra_call_rss(runs[:1]) == []
