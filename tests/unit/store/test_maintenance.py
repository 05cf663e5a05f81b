"""Start-up, heartbeat and daily passes over a real store (SQLite, and PostgreSQL where the
rule differs: several instances share it): calls left open, lost instances, retention."""

from __future__ import annotations

import asyncio

from tests.unit.store.conftest import AnyStore, StoreFactory
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


async def _add(
    store: AnyStore, cid: str, channel: str, created: float, instance: str | None = None
) -> None:
    conv = Conversation(
        id=cid, lang="en", channel=channel, customer={"n": 1}, created_at=created,
        instance=instance,
    )  # fmt: skip
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("agent", "Hi", created)])


async def test_voice_calls_quiet_for_a_few_seconds_are_ended(store: AnyStore) -> None:
    await _add(store, "quiet", "realtime", NOW - RESTART_IDLE_S - 1, "me")
    await _add(store, "fresh", "realtime", NOW - 1, "other")  # another process carries it
    await _add(store, "text", "api", NOW - 3600)
    await _add(store, "phone", "audiosocket", NOW - 3600, "other")
    ended = sorted(await end_interrupted_calls(store, NOW, "me"))
    if store.shared:  # several instances: only what this one carried before its restart
        assert ended == ["quiet"]
    else:  # one machine: every quiet call belonged to the stopped process
        assert ended == ["phone", "quiet"]
    quiet = await store.get_conversation("quiet")
    assert quiet is not None and quiet.end_reason == "server_restart"
    for cid in ("fresh", "text"):
        conv = await store.get_conversation(cid)
        assert conv is not None and not conv.ended


def test_retention_cutoff() -> None:
    assert retention_cutoff(NOW, 0) is None
    assert retention_cutoff(NOW, 30) == NOW - 30 * DAY_S


async def test_retention_off_does_nothing(store: AnyStore) -> None:
    await _add(store, "ancient", "api", 1.0)
    assert await apply_retention(store, 0, "delete", NOW) is None
    assert await store.get_conversation("ancient") is not None


async def test_start_ends_calls_and_applies_retention_then_stops(store: AnyStore) -> None:
    await _add(store, "ancient", "api", NOW - 400 * DAY_S)
    await _add(store, "call", "twilio", NOW - 60, "me")
    await _add(store, "recent", "api", NOW - DAY_S)
    m = Maintenance(
        store, retention_days=365, retention_mode="delete", instance="me", clock=lambda: NOW
    )
    await m.start()
    try:
        assert await store.get_conversation("ancient") is None
        call = await store.get_conversation("call")
        assert call is not None and call.end_reason == "server_restart"
        assert await store.get_conversation("recent") is not None
    finally:
        await m.stop()
    await m.stop()  # twice is harmless


async def test_heartbeats_end_the_calls_of_an_instance_that_went_silent(
    new_store: StoreFactory,
) -> None:
    """Two instances on one database; one is killed (stops beating): after
    ``LOST_AFTER_S`` the other's heartbeat ends its calls with ``instance_lost``."""
    now = [NOW]
    async with new_store() as a, new_store() as b:
        ma = Maintenance(a, retention_days=0, retention_mode="delete", instance="a",
                         clock=lambda: now[0], heartbeat_s=0.05)  # fmt: skip
        mb = Maintenance(b, retention_days=0, retention_mode="delete", instance="b",
                         clock=lambda: now[0], heartbeat_s=0.05)  # fmt: skip
        await ma.start()
        await mb.start()
        await _add(a, "on_a", "realtime", now[0], "a")
        await _add(b, "on_b", "twilio", now[0], "b")
        await ma.stop()  # "a" is killed: no more heartbeats
        now[0] += ma.lost_after_s / 2
        await mb.beat()
        on_a = await b.get_conversation("on_a")
        assert on_a is not None and not on_a.ended  # not silent long enough yet
        now[0] += ma.lost_after_s
        for _ in range(100):  # b's own heartbeat task (every 50 ms) finds it
            on_a = await b.get_conversation("on_a")
            assert on_a is not None
            if on_a.ended:
                break
            await asyncio.sleep(0.05)
        await mb.stop()
        assert (on_a.end_reason, on_a.ended_at) == ("instance_lost", now[0])
        on_b = await b.get_conversation("on_b")
        assert on_b is not None and not on_b.ended


async def test_sqlite_store_is_not_shared(store: AnyStore) -> None:
    assert store.shared is not isinstance(store, SQLiteStore)
