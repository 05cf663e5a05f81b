"""Start-up and daily passes over a real SQLite store: calls left open, retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from voice_agent.core.conversation import Conversation
from voice_agent.store.maintenance import (
    DAY_S,
    RESTART_IDLE_S,
    Maintenance,
    apply_retention,
    end_interrupted_calls,
    retention_cutoff,
)
from voice_agent.store.sqlite import SQLiteStore

NOW = 1_800_000_000.0


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "va.sqlite3")
    await s.open()
    try:
        yield s
    finally:
        await s.close()


async def _add(store: SQLiteStore, cid: str, channel: str, created: float) -> None:
    conv = Conversation(id=cid, lang="en", channel=channel, customer={"n": 1}, created_at=created)
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("agent", "Hi", created)])


async def test_voice_calls_quiet_for_a_few_seconds_are_ended(store: SQLiteStore) -> None:
    await _add(store, "quiet", "realtime", NOW - RESTART_IDLE_S - 1)
    await _add(store, "fresh", "realtime", NOW - 1)  # another process may still carry it
    await _add(store, "text", "api", NOW - 3600)
    await _add(store, "phone", "audiosocket", NOW - 3600)
    assert sorted(await end_interrupted_calls(store, NOW)) == ["phone", "quiet"]
    quiet = await store.get_conversation("quiet")
    assert quiet is not None and quiet.end_reason == "server_restart"
    for cid in ("fresh", "text"):
        conv = await store.get_conversation(cid)
        assert conv is not None and not conv.ended


def test_retention_cutoff() -> None:
    assert retention_cutoff(NOW, 0) is None
    assert retention_cutoff(NOW, 30) == NOW - 30 * DAY_S


async def test_retention_off_does_nothing(store: SQLiteStore) -> None:
    await _add(store, "ancient", "api", 1.0)
    assert await apply_retention(store, 0, "delete", NOW) is None
    assert await store.get_conversation("ancient") is not None


async def test_start_ends_calls_and_applies_retention_then_stops(store: SQLiteStore) -> None:
    await _add(store, "ancient", "api", NOW - 400 * DAY_S)
    await _add(store, "call", "twilio", NOW - 60)
    await _add(store, "recent", "api", NOW - DAY_S)
    m = Maintenance(store, retention_days=365, retention_mode="delete", clock=lambda: NOW)
    await m.start()
    try:
        assert await store.get_conversation("ancient") is None
        call = await store.get_conversation("call")
        assert call is not None and call.end_reason == "server_restart"
        assert await store.get_conversation("recent") is not None
    finally:
        await m.stop()
    await m.stop()  # twice is harmless
