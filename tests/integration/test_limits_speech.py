"""Limits of live calls against a real server with speech (``VOICE_AGENT_MAX_CALLS=1``,
small event limits): a session holds the only slot and the next is refused with HTTP 503
before the upgrade until the first ends; a session sending events too fast gets
``rate_limited`` errors for the dropped events and goes on; input audio at real time, or
replayed at 10x, is never limited.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.integration.server import ServerProcess, running_server

pytestmark = pytest.mark.slow

API_KEY = "limits-speech-key"
EVENTS_BURST = 5
AUTH = {"Authorization": f"Bearer {API_KEY}"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {
        "VOICE_AGENT_API_KEYS": API_KEY,
        "VOICE_AGENT_MAX_CALLS": "1",
        "VOICE_AGENT_REALTIME_EVENTS_PER_S": "1",
        "VOICE_AGENT_REALTIME_EVENTS_BURST": str(EVENTS_BURST),
    }
    with running_server(tmp_path_factory, "limits-speech", env, timeout=240.0, speech=True) as srv:
        yield srv


def ws_url(srv: ServerProcess) -> str:
    return srv.url.replace("http://", "ws://") + "/v1/realtime"


def active_calls(srv: ServerProcess) -> int:
    body = httpx.get(srv.url + "/readyz", headers=AUTH, timeout=10).json()
    return int(body["calls"]["active"])


async def wait_calls(srv: ServerProcess, n: int, wait_s: float = 10.0) -> None:
    deadline = time.monotonic() + wait_s
    while (active := await asyncio.to_thread(active_calls, srv)) != n:
        assert time.monotonic() < deadline, f"{active} calls active, expected {n}"
        await asyncio.sleep(0.1)


async def events_for(ws: ClientConnection, seconds: float) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        try:
            out.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
        except TimeoutError:
            break
    return out


def rate_limited(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == "error" and e["error"]["code"] == "rate_limited"]


async def test_only_slot_held_until_the_session_ends(server: ServerProcess) -> None:
    await wait_calls(server, 0)
    async with connect(ws_url(server), additional_headers=AUTH) as first:
        assert json.loads(await first.recv())["type"] == "session.created"
        await wait_calls(server, 1)
        with pytest.raises(InvalidStatus) as info:
            async with connect(ws_url(server), additional_headers=AUTH):
                pass
        assert info.value.response.status_code == 503
        assert "Retry-After" in info.value.response.headers
    await wait_calls(server, 0)  # released when the session ended
    async with connect(ws_url(server), additional_headers=AUTH) as again:
        assert json.loads(await again.recv())["type"] == "session.created"


async def test_events_too_fast_are_dropped_with_rate_limited(server: ServerProcess) -> None:
    await wait_calls(server, 0)
    async with connect(ws_url(server), additional_headers=AUTH) as ws:
        assert json.loads(await ws.recv())["type"] == "session.created"
        sent = [f"evt_{i}" for i in range(EVENTS_BURST + 6)]
        for event_id in sent:
            await ws.send(json.dumps({"type": "input_audio_buffer.clear", "event_id": event_id}))
        events = await events_for(ws, 2.0)
        limited = rate_limited(events)
        assert len(limited) >= 4, [e["type"] for e in events]
        assert {e["error"]["event_id"] for e in limited} <= set(sent[EVENTS_BURST:])
        assert all(e["error"]["type"] == "rate_limit_error" for e in limited)
        await asyncio.sleep(1.5)  # the bucket refills: the session goes on
        await ws.send(json.dumps({"type": "input_audio_buffer.clear", "event_id": "later"}))
        later = await events_for(ws, 2.0)
        assert "input_audio_buffer.cleared" in [e["type"] for e in later]
        assert not rate_limited(later)


async def test_audio_at_real_time_and_10x_never_limited(server: ServerProcess) -> None:
    await wait_calls(server, 0)
    chunk_20ms = base64.b64encode(bytes(960)).decode("ascii")  # 20 ms of 24 kHz pcm16
    chunk_100ms = base64.b64encode(bytes(4800)).decode("ascii")
    async with connect(ws_url(server), additional_headers=AUTH) as ws:
        assert json.loads(await ws.recv())["type"] == "session.created"
        reader = asyncio.create_task(events_for(ws, 12.0))
        t0 = time.monotonic()
        for i in range(150):  # 3 s at 1x
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk_20ms}))
            await asyncio.sleep(max(0.0, t0 + (i + 1) * 0.02 - time.monotonic()))
        t0 = time.monotonic()
        for i in range(300):  # 30 s replayed at 10x
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk_100ms}))
            await asyncio.sleep(max(0.0, t0 + (i + 1) * 0.01 - time.monotonic()))
        events = await reader
    assert not rate_limited(events), rate_limited(events)[:3]
