"""Event order and a reader that never waits, against the real server (a subprocess with
speech, real SQLite).

A ``response.create`` can wait: for the conversation to be stored (the greeting needs it).
These tests make it wait for real by holding SQLite's write lock from the test (another
writer, as a backup or a maintenance job would be): the server's insert waits for it
(``busy_timeout``), and so does the create. Meanwhile the session must go on reading:
audio appends reach the call and speech is detected, while the events after the create
(and their replies) keep their order behind it (see ``voice_agent.realtime.endpoint``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.audio_fixtures import synthetic_clip
from tests.integration.server import ServerProcess, running_server, stored_api_key
from voice_agent.audio.resample import resample

pytestmark = pytest.mark.slow

#: Held well under the server's SQLite busy_timeout (5 s): the insert waits, never fails.
LOCK_HOLD_S = 1.0
WAIT_S = 15.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"VOICE_AGENT_GREET_FIRST": "false"}
    with running_server(tmp_path_factory, "realtime-ordering", env, speech=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_key(server: ServerProcess) -> str:
    return stored_api_key(server)


@contextlib.contextmanager
def store_locked(server: ServerProcess) -> Iterator[Callable[[], None]]:
    """SQLite's write lock held by the test; the function given releases it early."""
    db = sqlite3.connect(server.data_dir / "voice_agent.sqlite3", isolation_level=None)
    db.execute("BEGIN IMMEDIATE")
    released = False

    def release() -> None:
        nonlocal released
        if not released:
            released = True
            db.execute("ROLLBACK")

    try:
        yield release
    finally:
        release()
        db.close()


class Session:
    """A realtime connection and every event it received, in order."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._arrived = asyncio.Event()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        with contextlib.suppress(Exception):
            async for raw in self.ws:
                self.events.append(json.loads(raw))
                self._arrived.set()

    async def send(self, event: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(event))

    async def until(self, pred: Callable[[dict[str, Any]], bool], wait_s: float) -> int:
        """The index of the first event that satisfies ``pred``; fails after ``wait_s``."""
        deadline = time.monotonic() + wait_s
        while True:
            for i, event in enumerate(self.events):
                if pred(event):
                    return i
            left = deadline - time.monotonic()
            if left <= 0 or self.task.done():
                kinds = [e["type"] for e in self.events]
                pytest.fail(f"no such event within {wait_s} s; received {kinds}")
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), left)

    def errors(self) -> list[dict[str, Any]]:
        return [e["error"] for e in self.events if e["type"] == "error"]


@contextlib.asynccontextmanager
async def session(server: ServerProcess, api_key: str) -> AsyncIterator[Session]:
    async with connect(
        f"ws://127.0.0.1:{server.port}/v1/realtime",
        additional_headers={"Authorization": f"Bearer {api_key}"},
        max_size=None,
    ) as ws:
        s = Session(ws)
        try:
            yield s
        finally:
            await ws.close()
            await asyncio.wait({s.task}, timeout=10)


def is_type(kind: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] == kind


def error_for(event_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] == "error" and e["error"].get("event_id") == event_id


def speech_pcm24k() -> str:
    """A spoken sentence (a real recording of the repository), 24 kHz PCM16, base64."""
    clip = synthetic_clip("piper_en_expensive")
    pcm = resample(clip.samples, 16000, 24000).astype("<i2").tobytes()
    return base64.b64encode(pcm).decode("ascii")


def assert_no_server_error(s: Session, server: ServerProcess) -> None:
    bad = [e for e in s.errors() if e.get("type") == "server_error"]
    assert bad == [], bad
    log = server.stderr()
    assert "Traceback" not in log, log[log.index("Traceback") - 500 :][:4000]


async def test_speech_is_detected_while_a_create_waits_and_replies_keep_their_order(
    server: ServerProcess, api_key: str
) -> None:
    audio = speech_pcm24k()
    async with session(server, api_key) as s:
        await s.until(is_type("session.created"), WAIT_S)
        with store_locked(server) as release:
            await s.send({"type": "response.create", "event_id": "c1"})
            await s.send({"type": "fuzz.probe", "event_id": "p1"})
            await s.send({"type": "input_audio_buffer.append", "audio": audio})
            # the create waits for the store; the audio after it does not
            heard = await s.until(is_type("input_audio_buffer.speech_started"), 3.0)
            before = s.events[: heard + 1]
            assert not any(error_for("p1")(e) for e in before), before  # behind the create
            assert not any(e["type"] == "response.created" for e in before), before
            release()
            probe = await s.until(error_for("p1"), WAIT_S)
        assert s.events[probe]["error"]["code"] == "unknown_event_type"
        # the create was handled before the probe: its response started or it was refused
        c1 = [e for e in s.errors() if e.get("event_id") == "c1"]
        started = await s.until(is_type("response.created"), WAIT_S) if not c1 else None
        assert c1 or started is not None
        assert_no_server_error(s, server)


async def test_a_cancel_after_a_waiting_create_cancels_that_response(
    server: ServerProcess, api_key: str
) -> None:
    async with session(server, api_key) as s:
        await s.until(is_type("session.created"), WAIT_S)
        with store_locked(server):
            await s.send({"type": "response.create", "event_id": "c1"})
            await s.send({"type": "response.cancel", "event_id": "x1"})
            await asyncio.sleep(LOCK_HOLD_S)  # the create is waiting for the store now
        created = s.events[await s.until(is_type("response.created"), WAIT_S)]
        rid = created["response"]["id"]
        done = s.events[await s.until(is_type("response.done"), WAIT_S)]
        assert done["response"]["id"] == rid
        assert done["response"]["status"] == "cancelled", done
        assert not any(e.get("event_id") == "x1" for e in s.errors()), s.errors()
        assert_no_server_error(s, server)


async def test_a_session_update_after_a_waiting_create_applies_after_it(
    server: ServerProcess, api_key: str
) -> None:
    async with session(server, api_key) as s:
        await s.until(is_type("session.created"), WAIT_S)
        with store_locked(server):
            await s.send({"type": "response.create", "event_id": "c1"})
            update = {"type": "session.update", "event_id": "u1", "session": {"greeting": True}}
            await s.send(update)
            await asyncio.sleep(LOCK_HOLD_S)
        updated = await s.until(is_type("session.updated"), WAIT_S)
        created = await s.until(is_type("response.created"), WAIT_S)
        assert created < updated, [e["type"] for e in s.events]
        await s.send({"type": "response.cancel", "event_id": "x1"})
        await s.until(is_type("response.done"), WAIT_S)
        assert_no_server_error(s, server)


async def test_a_create_racing_the_servers_own_greeting_is_refused_not_a_server_error(
    server: ServerProcess, api_key: str
) -> None:
    """The session asks for the greeting and sends ``response.create`` at once: the server's
    greeting and the create race for the floor; the loser is an ordinary refusal."""
    for _ in range(3):
        async with session(server, api_key) as s:
            await s.until(is_type("session.created"), WAIT_S)
            greet = {"type": "session.update", "event_id": "u1", "session": {"greeting": True}}
            await s.send(greet)
            await s.send({"type": "response.create", "event_id": "c1"})
            await s.until(is_type("response.created"), WAIT_S)
            await s.send({"type": "fuzz.probe", "event_id": "p1"})
            await s.until(error_for("p1"), WAIT_S)  # c1 was handled before it
            c1 = [e for e in s.errors() if e.get("event_id") == "c1"]
            assert all(e["code"] == "conversation_already_has_active_response" for e in c1), c1
            assert_no_server_error(s, server)
