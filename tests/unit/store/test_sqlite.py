"""SQLiteStore against a real SQLite file in tmp_path."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from voice_agent.core.conversation import Conversation, GenerationNote, Memory
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore, Role
from voice_agent.store.base import (
    IDEMPOTENCY_TTL_S,
    REMOVED_TEXT,
    IdempotencyConflict,
    IdempotencyRecord,
    StoredIdempotency,
)
from voice_agent.store.sqlite import (
    MIGRATIONS,
    SCHEMA_VERSION,
    SchemaTooNew,
    SQLiteStore,
    _split_sql,
)


def _insights() -> Insights:
    return Insights(
        objections=(LabelScore("price", 0.91), LabelScore("time", 0.25)),
        needs=(LabelScore("stress", 0.7),),
        buying_signal=BuyingSignal(False, 0.12),
        conversion_probability=0.33,
        next_action=Action("handle_objection", "price objection p=0.91", objection="price"),
        phase="objection_handling",
        fallbacks=("conversion",),
        models={"objections": "v1", "conversion": "rules-1"},
    )


def _conversation(cid: str = "c1", created_at: float = 100.0) -> Conversation:
    return Conversation(
        id=cid,
        lang="es",
        channel="api",
        customer={"name": "Lucía", "budget": "medium"},
        created_at=created_at,
        tags={"arm": "b"},
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "db" / "va.sqlite3")
    await s.open()
    try:
        yield s
    finally:
        await s.close()


async def test_round_trip_survives_reopening(tmp_path: Path) -> None:
    path = tmp_path / "va.sqlite3"
    conv = _conversation()
    s1 = SQLiteStore(path)
    await s1.open()
    await s1.create_conversation(conv)
    greeting = conv.add_turn("agent", "¡Hola! Soy Sofía.", 101.0)
    greeting.action = "discover_need"
    customer = conv.add_turn("customer", "Es muy caro para mí", 102.0)
    customer.insights = _insights()
    customer.timings_ms = {"analysis": 3.25, "decision": 0.125}
    reply = conv.add_turn("agent", "Entiendo lo del precio.", 103.0)
    reply.action = "handle_objection"
    reply.truncated = True
    reply.timings_ms = {"total": 9.5}
    reply.generation = GenerationNote(
        "guardrail", "playbook", guardrail="discount", guardrail_found="descuento"
    )
    conv.phase = "objection_handling"
    conv.memory = Memory(
        used_lines={"es.objections.price[0]"},
        objections_raised={"price": 1},
        objections_handled={"price": 1},
        needs_found={"stress": 0.7},
        actions=["discover_need", "handle_objection"],
    )
    await s1.save_turns(conv, [greeting])
    await s1.save_turns(conv, [customer, reply])
    await s1.close()

    s2 = SQLiteStore(path)
    await s2.open()
    try:
        loaded = await s2.get_conversation("c1")
    finally:
        await s2.close()
    assert loaded is not None
    assert loaded.to_json() == conv.to_json()
    assert loaded.memory.to_json() == conv.memory.to_json()
    assert loaded.turns[1].insights == customer.insights
    assert loaded.turns[1].timings_ms == {"analysis": 3.25, "decision": 0.125}
    assert loaded.turns[2].truncated is True
    assert loaded.turns[2].generation == reply.generation
    assert loaded.turns[0].insights is None and loaded.turns[0].generation is None


async def test_unknown_conversation_is_none(store: SQLiteStore) -> None:
    assert await store.get_conversation("nope") is None


async def test_update_conversation_records_outcome(store: SQLiteStore) -> None:
    conv = _conversation()
    await store.create_conversation(conv)
    conv.phase = "ended"
    conv.ended_at = 200.0
    conv.outcome = {"converted": True, "value": 149.0}
    await store.update_conversation(conv)
    loaded = await store.get_conversation("c1")
    assert loaded is not None
    assert loaded.ended
    assert loaded.outcome == {"converted": True, "value": 149.0}
    assert loaded.ended_at == 200.0
    row = store.conn.execute("SELECT converted FROM conversations WHERE id='c1'").fetchone()
    assert row == (1,)


async def test_wal_mode_is_on(store: SQLiteStore) -> None:
    other = sqlite3.connect(store.path)
    try:
        (mode,) = other.execute("PRAGMA journal_mode").fetchone()
    finally:
        other.close()
    assert mode == "wal"


async def test_schema_version_recorded(store: SQLiteStore) -> None:
    assert SCHEMA_VERSION >= 1
    assert store.schema_version() == SCHEMA_VERSION
    rows = store.conn.execute("SELECT version FROM schema_version ORDER BY version").fetchall()
    assert [r[0] for r in rows] == list(range(1, SCHEMA_VERSION + 1))


async def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "va.sqlite3"
    for _ in range(2):
        s = SQLiteStore(path)
        await s.open()
        await s.close()
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT version FROM schema_version").fetchall()
    finally:
        conn.close()
    assert sorted(r[0] for r in rows) == list(range(1, SCHEMA_VERSION + 1))


async def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "va.sqlite3"
    s = SQLiteStore(path)
    await s.open()
    await s.close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()

    newer = SQLiteStore(path)
    with pytest.raises(SchemaTooNew) as err:
        await newer.open()
    await newer.close()
    assert str(path) in str(err.value)
    assert f"version {SCHEMA_VERSION + 1}" in str(err.value)
    assert not await newer.ping()


async def test_ping(tmp_path: Path) -> None:
    s = SQLiteStore(tmp_path / "va.sqlite3")
    assert not await s.ping()  # not open yet
    await s.open()
    assert await s.ping()
    await s.close()
    assert not await s.ping()


async def test_turns_of_an_unknown_conversation_are_rejected_whole(store: SQLiteStore) -> None:
    ghost = _conversation("ghost")
    ghost.add_turn("customer", "hello", 1.0)
    ghost.add_turn("agent", "hi", 2.0)
    with pytest.raises(sqlite3.IntegrityError):
        await store.save_turns(ghost, ghost.turns)
    (count,) = store.conn.execute("SELECT COUNT(*) FROM turns").fetchone()
    assert count == 0
    # the connection is usable afterwards (the transaction was rolled back)
    await store.create_conversation(_conversation("real"))
    assert await store.get_conversation("real") is not None


async def test_resaving_a_turn_replaces_it(store: SQLiteStore) -> None:
    conv = _conversation()
    await store.create_conversation(conv)
    turn = conv.add_turn("agent", "a long sentence that was cut", 1.0)
    await store.save_turns(conv, [turn])
    turn.text = "a long sentence"
    turn.truncated = True
    await store.save_turns(conv, [turn])
    loaded = await store.get_conversation("c1")
    assert loaded is not None
    assert [(t.text, t.truncated) for t in loaded.turns] == [("a long sentence", True)]


async def test_list_newest_first_with_limit_and_filter(store: SQLiteStore) -> None:
    for i in range(5):
        conv = _conversation(f"c{i}", created_at=float(i))
        if i % 2 == 0:
            conv.phase = "ended"
        await store.create_conversation(conv)
    assert [c.id for c in await store.list_conversations(limit=3)] == ["c4", "c3", "c2"]
    assert [c.id for c in await store.list_conversations(ended=True)] == ["c4", "c2", "c0"]
    assert [c.id for c in await store.list_conversations(ended=False)] == ["c3", "c1"]
    listed = await store.list_conversations(limit=1)
    assert listed[0].turns == []


async def test_concurrent_writes_from_many_tasks(store: SQLiteStore) -> None:
    n_convs, n_turns = 40, 6

    async def talk(i: int) -> None:
        conv = _conversation(f"conv-{i}", created_at=float(i))
        await store.create_conversation(conv)
        for k in range(n_turns):
            role: Role = "customer" if k % 2 == 0 else "agent"
            turn = conv.add_turn(role, f"conversation {i} turn {k}", float(k))
            if role == "customer":
                turn.insights = _insights()
                turn.timings_ms = {"analysis": float(k)}
            conv.memory.actions.append(f"a{k}")
            await store.save_turns(conv, [turn])
            await asyncio.sleep(0)

    await asyncio.wait_for(asyncio.gather(*(talk(i) for i in range(n_convs))), timeout=60)

    for i in range(n_convs):
        loaded = await store.get_conversation(f"conv-{i}")
        assert loaded is not None
        assert [t.index for t in loaded.turns] == list(range(n_turns))
        assert [t.text for t in loaded.turns] == [
            f"conversation {i} turn {k}" for k in range(n_turns)
        ]
        assert loaded.memory.actions == [f"a{k}" for k in range(n_turns)]
        assert all(t.insights == _insights() for t in loaded.turns if t.role == "customer")
    (count,) = store.conn.execute("SELECT COUNT(*) FROM turns").fetchone()
    assert count == n_convs * n_turns


async def test_two_stores_on_one_file_see_each_others_writes(tmp_path: Path) -> None:
    path = tmp_path / "va.sqlite3"
    a, b = SQLiteStore(path), SQLiteStore(path)
    await a.open()
    await b.open()
    try:
        conv = _conversation()
        await a.create_conversation(conv)
        turn = conv.add_turn("customer", "hola", 1.0)
        await a.save_turns(conv, [turn])
        loaded = await b.get_conversation("c1")
        assert loaded is not None
        assert [t.text for t in loaded.turns] == ["hola"]
    finally:
        await a.close()
        await b.close()


# -- tenants, idempotency, calls left open, retention ----------------------------------------
def _record(key: str = "k1", tenant: str = "acme", at: float = 1000.0) -> IdempotencyRecord:
    return IdempotencyRecord(tenant, key, "hash-1", "message", at)


async def test_a_version_2_database_migrates_and_old_rows_have_no_tenant(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        for statement in _split_sql(script):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    conn.execute(
        "INSERT INTO conversations (id, lang, channel, customer, phase, memory, tags,"
        " created_at) VALUES ('old', 'en', 'api', '{}', 'discovery', ?, '{}', 1.0)",
        (json.dumps(Memory().to_json()),),
    )
    conn.close()
    store = SQLiteStore(path)
    await store.open()
    try:
        assert store.schema_version() == SCHEMA_VERSION
        old = await store.get_conversation("old")
        assert old is not None and old.tenant is None
        assert [c.id for c in await store.list_conversations(tenant="acme")] == []
        assert [c.id for c in await store.list_conversations()] == ["old"]
    finally:
        await store.close()


async def test_tenant_is_stored_and_listing_filters_by_it(store: SQLiteStore) -> None:
    for cid, tenant in (("a1", "acme"), ("b1", "beta"), ("a2", "acme"), ("n1", None)):
        conv = _conversation(cid, created_at=len(cid) + ord(cid[1]))
        conv.tenant = tenant
        await store.create_conversation(conv)
    loaded = await store.get_conversation("a1")
    assert loaded is not None and loaded.tenant == "acme"
    assert sorted(c.id for c in await store.list_conversations(tenant="acme")) == ["a1", "a2"]
    assert [c.id for c in await store.list_conversations(tenant="beta")] == ["b1"]
    assert len(await store.list_conversations()) == 4
    # an update does not move a conversation to another tenant
    assert loaded is not None
    loaded.tenant = "beta"
    await store.update_conversation(loaded)
    again = await store.get_conversation("a1")
    assert again is not None and again.tenant == "acme"


async def test_an_idempotency_key_is_stored_with_its_turn(store: SQLiteStore) -> None:
    conv = _conversation()
    await store.create_conversation(conv)
    turn = conv.add_turn("customer", "hola", 1000.0)
    await store.save_turns(conv, [turn], _record())
    found = await store.find_idempotency("acme", "k1", now=1001.0)
    assert found == StoredIdempotency("hash-1", "message", "c1", 0, 1000.0)
    # per tenant, and for a day
    assert await store.find_idempotency("beta", "k1", now=1001.0) is None
    assert await store.find_idempotency("acme", "k1", now=1000.0 + IDEMPOTENCY_TTL_S + 1) is None


async def test_a_taken_key_stores_nothing_at_all(store: SQLiteStore) -> None:
    """The retry that races the first request: its turn is not stored a second time."""
    conv = _conversation()
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("customer", "first", 1000.0)], _record())
    second = conv.add_turn("customer", "first", 1001.0)
    with pytest.raises(IdempotencyConflict):
        await store.save_turns(conv, [second], _record(at=1001.0))
    loaded = await store.get_conversation("c1")
    assert loaded is not None and [t.text for t in loaded.turns] == ["first"]


async def test_a_failed_turn_write_keeps_no_idempotency_key(store: SQLiteStore) -> None:
    """Key and turn are one transaction: when the turn cannot be stored (here: no such
    conversation), the key is not either, so the retry is handled, not refused."""
    ghost = _conversation("ghost")
    with pytest.raises(sqlite3.IntegrityError):
        await store.save_turns(ghost, [ghost.add_turn("customer", "x", 1000.0)], _record())
    assert await store.find_idempotency("acme", "k1", now=1001.0) is None


async def test_an_outcome_key_is_stored_with_the_outcome(store: SQLiteStore) -> None:
    conv = _conversation()
    await store.create_conversation(conv)
    conv.phase, conv.outcome = "ended", {"converted": True, "value": 3.0}
    record = IdempotencyRecord("acme", "o1", "hash-o", "outcome", 1000.0)
    await store.update_conversation(conv, record)
    found = await store.find_idempotency("acme", "o1", now=1000.0)
    assert found is not None and (found.kind, found.turn_index) == ("outcome", None)
    conv.outcome = {"converted": False, "value": None}
    with pytest.raises(IdempotencyConflict):
        await store.update_conversation(conv, record)
    loaded = await store.get_conversation("c1")
    assert loaded is not None and loaded.outcome == {"converted": True, "value": 3.0}


async def test_expired_keys_are_forgotten_when_new_ones_are_stored(store: SQLiteStore) -> None:
    conv = _conversation()
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("customer", "a", 1.0)], _record("old", at=1.0))
    later = 2.0 + IDEMPOTENCY_TTL_S
    await store.save_turns(conv, [conv.add_turn("customer", "b", later)], _record("new", at=later))
    keys = [r[0] for r in store.conn.execute("SELECT key FROM idempotency")]
    assert keys == ["new"]


async def test_open_voice_calls_are_ended_and_text_conversations_are_not(
    store: SQLiteStore,
) -> None:
    specs = [
        ("rt_idle", "realtime", 100.0, None),
        ("tw_idle", "twilio", 100.0, None),
        ("as_idle", "audiosocket", 100.0, None),
        ("rt_recent", "realtime", 100.0, 995.0),  # a turn 5 s ago
        ("api_idle", "api", 100.0, None),
        ("rt_done", "realtime", 100.0, None),
    ]
    for cid, channel, created, turn_at in specs:
        conv = _conversation(cid, created_at=created)
        conv.channel = channel
        await store.create_conversation(conv)
        if turn_at is not None:
            await store.save_turns(conv, [conv.add_turn("customer", "hi", turn_at)])
        if cid == "rt_done":
            conv.phase, conv.end_reason, conv.ended_at = "ended", "caller_hung_up", 150.0
            await store.update_conversation(conv)
    voice = frozenset({"realtime", "twilio", "audiosocket"})
    ended = await store.end_interrupted_calls(voice, 990.0, "server_restart", 1000.0)
    assert sorted(ended) == ["as_idle", "rt_idle", "tw_idle"]
    for cid in ("rt_idle", "tw_idle", "as_idle"):
        conv = await store.get_conversation(cid)
        assert conv is not None
        assert (conv.phase, conv.end_reason, conv.ended_at) == ("ended", "server_restart", 1000.0)
    for cid, reason in (("rt_recent", None), ("api_idle", None), ("rt_done", "caller_hung_up")):
        conv = await store.get_conversation(cid)
        assert conv is not None and conv.end_reason == reason
    assert await store.end_interrupted_calls(voice, 990.0, "server_restart", 1000.0) == []


#: Retention runs "now": a day after the newest conversation's keys were stored.
NOW = 10_000.0 + 3600


async def _old_and_new(store: SQLiteStore) -> None:
    for cid, created in (("old", 100.0), ("new", 10_000.0)):
        conv = _conversation(cid, created_at=created)
        await store.create_conversation(conv)
        customer = conv.add_turn("customer", "Es muy caro", created + 1)
        customer.insights = _insights()
        agent = conv.add_turn("agent", "Entiendo", created + 2)
        conv.outcome = {"converted": True, "value": 10.0}
        await store.save_turns(conv, [customer, agent], _record(f"key-{cid}", at=created))


async def test_retention_deletes_old_conversations_with_their_turns_and_keys(
    store: SQLiteStore,
) -> None:
    await _old_and_new(store)
    dry = await store.apply_retention(5_000.0, "delete", NOW, dry_run=True)
    assert (dry.conversations, dry.turns, dry.dry_run) == (1, 2, True)
    assert await store.get_conversation("old") is not None
    report = await store.apply_retention(5_000.0, "delete", NOW)
    assert (report.conversations, report.turns) == (1, 2)
    assert await store.get_conversation("old") is None
    assert (
        store.conn.execute("SELECT COUNT(*) FROM turns WHERE conversation_id='old'").fetchone()[0]
        == 0
    )
    assert [r[0] for r in store.conn.execute("SELECT key FROM idempotency")] == ["key-new"]
    new = await store.get_conversation("new")
    assert new is not None and len(new.turns) == 2
    assert (await store.apply_retention(5_000.0, "delete", NOW)).conversations == 0


async def test_retention_anonymizes_but_keeps_what_learning_needs(store: SQLiteStore) -> None:
    await _old_and_new(store)
    report = await store.apply_retention(5_000.0, "anonymize", NOW)
    assert (report.mode, report.conversations, report.turns) == ("anonymize", 1, 2)
    old = await store.get_conversation("old")
    assert old is not None
    assert old.customer == {}
    assert [t.text for t in old.turns] == [REMOVED_TEXT, REMOVED_TEXT]
    assert old.turns[0].insights == _insights()
    assert old.outcome == {"converted": True, "value": 10.0}
    new = await store.get_conversation("new")
    assert new is not None and new.customer["name"] == "Lucía"
    assert new.turns[0].text == "Es muy caro"
    # done once: a second pass has nothing left to anonymize
    assert (await store.apply_retention(5_000.0, "anonymize", NOW)).conversations == 0


async def test_async_with_opens_and_closes(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "va.sqlite3") as s:
        assert await s.ping()
        await s.create_conversation(_conversation())
    assert s._conn is None
    async with SQLiteStore(tmp_path / "va.sqlite3") as again:
        assert await again.get_conversation("c1") is not None
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    broken = SQLiteStore(blocked / "va.sqlite3")
    with pytest.raises(OSError):
        async with broken:
            pass
    assert broken._executor._shutdown  # its own thread is gone although open failed
