"""Seeded realtime fuzz against a real server with speech: 2,000+ malformed events
(:mod:`loadtest.realtime_fuzz`) and 50 connect/disconnect cycles, some hanging up abruptly
mid-send. Every malformed event gets an ``error`` event or is ignored, the server never
closes a session for one (beyond the documented closes), no 5xx, no crash, no traceback in
its log, and REST works afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from loadtest.realtime_fuzz import CATEGORIES, run_fuzz
from tests.integration.server import ServerProcess, start_server

pytestmark = pytest.mark.slow

KEY = "rt-fuzz-key"
SEED = 20261206
EVENTS = 2000
CYCLES = 50


@pytest.fixture(scope="module")
def speech_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    srv = start_server(
        tmp_path_factory.mktemp("rt-fuzz") / "data", {"VOICE_AGENT_API_KEYS": KEY}, speech=True
    )
    try:
        yield srv
    finally:
        srv.stop()


@pytest.mark.timeout(1500)
def test_malformed_events_and_hang_ups(speech_server: ServerProcess) -> None:
    report = asyncio.run(run_fuzz(speech_server.url, KEY, events=EVENTS, cycles=CYCLES, seed=SEED))
    out = report.to_json()
    assert report.events_sent == EVENTS, out
    assert set(report.by_category) == set(CATEGORIES), out
    assert report.cycles == CYCLES, out
    assert report.unexpected == [], out
    assert report.probes_answered == report.probes, out
    assert report.http_5xx == 0 and report.crashes == 0, out
    assert report.rest_healthy, out
    assert sum(report.error_events.values()) > EVENTS // 2, out  # most got an error event
    assert speech_server.proc.poll() is None, "the server exited"
    log = speech_server.stderr()
    if "Traceback" in log:
        at = log.index("Traceback")
        pytest.fail(
            f"{log.count('Traceback')} traceback(s) in the server log:\n{log[at - 500 : at + 4000]}"
        )
