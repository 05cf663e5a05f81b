"""The synthesis cache on ``/metrics``: a real server with speech greets a caller; the
greeting's sentences are kept for the next call and the gauge
``voice_agent_tts_cache_bytes`` shows the audio held, within ``TTS_CACHE_MB``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import httpx
import pytest
from websockets.asyncio.client import connect

from loadtest.soak import CACHE_METRIC, gauge_value
from tests.integration.server import ServerProcess, running_server

pytestmark = pytest.mark.slow

KEY = "cache-metrics-key"
CACHE_MB = 4


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_TTS_CACHE_MB": str(CACHE_MB)}
    with running_server(tmp_path_factory, "cache-metrics", env, speech=True) as srv:
        yield srv


def cached_bytes(server: ServerProcess) -> float:
    r = httpx.get(
        f"{server.url}/metrics", headers={"Authorization": f"Bearer {KEY}"}, timeout=10
    )
    r.raise_for_status()
    value = gauge_value(r.text, CACHE_METRIC)
    assert value is not None, f"{CACHE_METRIC} missing from /metrics"
    return value


async def greeting_heard(server: ServerProcess) -> None:
    """One call that hears the whole greeting, then hangs up."""
    url = server.url.replace("http://", "ws://") + "/v1/realtime"
    async with connect(url, additional_headers={"Authorization": f"Bearer {KEY}"}) as ws:
        while True:
            event = json.loads(await asyncio.wait_for(ws.recv(), 60))
            assert event["type"] != "error", event
            if event["type"] == "response.done":
                return


def test_greeting_sentences_are_cached_and_the_gauge_shows_them(server: ServerProcess) -> None:
    before = cached_bytes(server)  # the warm-up's sentence
    asyncio.run(greeting_heard(server))
    held = cached_bytes(server)
    assert before < held <= CACHE_MB * 2**20
