"""The store interface, one suite run on SQLite and on PostgreSQL (``conftest.store``)."""

from __future__ import annotations

import asyncio

import pytest

from tests.unit.store.conftest import AnyStore, StoreFactory, conversation, insights, rows
from voice_agent.core.conversation import GenerationNote, Memory
from voice_agent.core.types import Role
from voice_agent.store import postgres, sqlite
from voice_agent.store.base import (
    IDEMPOTENCY_TTL_S,
    REMOVED_TEXT,
    IdempotencyConflict,
    IdempotencyRecord,
    SchemaTooNew,
    StoredIdempotency,
    TurnConflict,
    VariantCounts,
)
from voice_agent.store.postgres import PostgresStore

VOICE = frozenset({"realtime", "twilio", "audiosocket"})


def test_both_backends_have_the_same_migration_steps() -> None:
    assert sqlite.SCHEMA_VERSION == postgres.SCHEMA_VERSION == len(sqlite.MIGRATIONS)


async def test_round_trip_survives_reopening(new_store: StoreFactory) -> None:
    conv = conversation()
    async with new_store() as s1:
        await s1.create_conversation(conv)
        greeting = conv.add_turn("agent", "¡Hola! Soy Sofía.", 101.0)
        greeting.action = "discover_need"
        customer = conv.add_turn("customer", "Es muy caro para mí", 102.0)
        customer.insights = insights()
        customer.timings_ms = {"analysis": 3.25, "decision": 0.125}
        customer.dtmf = "1#"
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
        conv.instance = "box-1:8000"
        await s1.save_turns(conv, [greeting])
        await s1.save_turns(conv, [customer, reply])
    async with new_store() as s2:
        loaded = await s2.get_conversation("c1")
    assert loaded is not None
    assert loaded.to_json() == conv.to_json()
    assert loaded.memory.to_json() == conv.memory.to_json()
    assert loaded.turns[1].insights == customer.insights
    assert loaded.turns[1].timings_ms == {"analysis": 3.25, "decision": 0.125}
    assert loaded.turns[1].dtmf == "1#"
    assert loaded.turns[2].truncated is True
    assert loaded.turns[2].generation == reply.generation
    assert loaded.turns[0].insights is None and loaded.turns[0].generation is None
    assert loaded.instance == "box-1:8000"


async def test_unknown_conversation_is_none(store: AnyStore) -> None:
    assert await store.get_conversation("nope") is None


async def test_update_conversation_records_outcome(store: AnyStore) -> None:
    conv = conversation()
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
    assert [bool(r[0]) for r in await rows(store, "SELECT converted FROM conversations")] == [True]


async def test_schema_version_recorded_once_across_reopening(new_store: StoreFactory) -> None:
    for _ in range(2):
        async with new_store() as s:
            assert await s.schema_version() == sqlite.SCHEMA_VERSION
            versions = await rows(s, "SELECT version FROM schema_version ORDER BY version")
    assert [r[0] for r in versions] == list(range(1, sqlite.SCHEMA_VERSION + 1))


async def test_refuses_a_newer_schema(new_store: StoreFactory) -> None:
    newer_version = sqlite.SCHEMA_VERSION + 1
    async with new_store() as s:
        if isinstance(s, PostgresStore):
            async with s._tx() as conn:
                await conn.execute("INSERT INTO schema_version VALUES (%s)", (newer_version,))
        else:
            s.conn.execute("INSERT INTO schema_version VALUES (?)", (newer_version,))
    newer = new_store()
    with pytest.raises(SchemaTooNew) as err:
        await newer.open()
    await newer.close()
    assert f"version {newer_version} is newer than this server's" in str(err.value)
    assert not await newer.ping()


async def test_ping(new_store: StoreFactory) -> None:
    s = new_store()
    assert not await s.ping()  # not open yet
    await s.open()
    assert await s.ping()
    await s.close()
    assert not await s.ping()


async def test_turns_of_an_unknown_conversation_are_rejected_whole(store: AnyStore) -> None:
    ghost = conversation("ghost")
    ghost.add_turn("customer", "hello", 1.0)
    ghost.add_turn("agent", "hi", 2.0)
    with pytest.raises(Exception) as err:
        await store.save_turns(ghost, ghost.turns)
    assert "foreign key" in str(err.value).lower()
    assert await rows(store, "SELECT COUNT(*) FROM turns") == [(0,)]
    # the store is usable afterwards (the transaction was rolled back)
    await store.create_conversation(conversation("real"))
    assert await store.get_conversation("real") is not None


async def test_resaving_a_turn_replaces_it(store: AnyStore) -> None:
    conv = conversation()
    await store.create_conversation(conv)
    turn = conv.add_turn("agent", "a long sentence that was cut", 1.0)
    await store.save_turns(conv, [turn])
    turn.text = "a long sentence"
    turn.truncated = True
    await store.save_turns(conv, [turn])
    loaded = await store.get_conversation("c1")
    assert loaded is not None
    assert [(t.text, t.truncated) for t in loaded.turns] == [("a long sentence", True)]


async def test_another_writers_turn_at_the_same_index_is_a_conflict(
    new_store: StoreFactory,
) -> None:
    """Two instances answer the same conversation at once: the second write stores nothing
    (not its turn, not its memory, not its key) and says so."""
    async with new_store() as a, new_store() as b:
        conv = conversation()
        await a.create_conversation(conv)
        mine = await a.get_conversation("c1")
        theirs = await b.get_conversation("c1")
        assert mine is not None and theirs is not None
        mine.memory.actions.append("mine")
        await a.save_turns(mine, [mine.add_turn("customer", "first", 10.0)])
        theirs.memory.actions.append("theirs")
        late = theirs.add_turn("customer", "second", 11.0)
        with pytest.raises(TurnConflict) as err:
            await b.save_turns(theirs, [late], IdempotencyRecord("t", "k", "h", "message", 11.0))
        assert (err.value.conversation_id, err.value.index) == ("c1", 0)
        stored = await b.get_conversation("c1")
        assert stored is not None
        assert [t.text for t in stored.turns] == ["first"]
        assert stored.memory.actions == ["mine"]
        assert await b.find_idempotency("t", "k", 11.0) is None


async def test_list_newest_first_with_limit_and_filter(store: AnyStore) -> None:
    for i in range(5):
        conv = conversation(f"c{i}", created_at=float(i))
        if i % 2 == 0:
            conv.phase = "ended"
        await store.create_conversation(conv)
    assert [c.id for c in await store.list_conversations(limit=3)] == ["c4", "c3", "c2"]
    assert [c.id for c in await store.list_conversations(ended=True)] == ["c4", "c2", "c0"]
    assert [c.id for c in await store.list_conversations(ended=False)] == ["c3", "c1"]
    listed = await store.list_conversations(limit=1)
    assert listed[0].turns == []


async def test_concurrent_writes_from_many_tasks(store: AnyStore) -> None:
    n_convs, n_turns = 40, 6

    async def talk(i: int) -> None:
        conv = conversation(f"conv-{i}", created_at=float(i))
        await store.create_conversation(conv)
        for k in range(n_turns):
            role: Role = "customer" if k % 2 == 0 else "agent"
            turn = conv.add_turn(role, f"conversation {i} turn {k}", float(k))
            if role == "customer":
                turn.insights = insights()
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
        assert all(t.insights == insights() for t in loaded.turns if t.role == "customer")
    assert await rows(store, "SELECT COUNT(*) FROM turns") == [(n_convs * n_turns,)]


async def test_two_stores_on_one_database_see_each_others_writes(
    new_store: StoreFactory,
) -> None:
    async with new_store() as a, new_store() as b:
        conv = conversation()
        await a.create_conversation(conv)
        await a.save_turns(conv, [conv.add_turn("customer", "hola", 1.0)])
        loaded = await b.get_conversation("c1")
        assert loaded is not None
        assert [t.text for t in loaded.turns] == ["hola"]


# -- tenants, idempotency --------------------------------------------------------------------
def _record(key: str = "k1", tenant: str = "acme", at: float = 1000.0) -> IdempotencyRecord:
    return IdempotencyRecord(tenant, key, "hash-1", "message", at)


async def test_tenant_is_stored_and_listing_filters_by_it(store: AnyStore) -> None:
    for cid, tenant in (("a1", "acme"), ("b1", "beta"), ("a2", "acme"), ("n1", None)):
        conv = conversation(cid, created_at=len(cid) + ord(cid[1]))
        conv.tenant = tenant
        await store.create_conversation(conv)
    loaded = await store.get_conversation("a1")
    assert loaded is not None and loaded.tenant == "acme"
    assert sorted(c.id for c in await store.list_conversations(tenant="acme")) == ["a1", "a2"]
    assert [c.id for c in await store.list_conversations(tenant="beta")] == ["b1"]
    assert len(await store.list_conversations()) == 4
    # an update does not move a conversation to another tenant
    loaded.tenant = "beta"
    await store.update_conversation(loaded)
    again = await store.get_conversation("a1")
    assert again is not None and again.tenant == "acme"


async def test_an_idempotency_key_is_stored_with_its_turn(store: AnyStore) -> None:
    conv = conversation()
    await store.create_conversation(conv)
    turn = conv.add_turn("customer", "hola", 1000.0)
    await store.save_turns(conv, [turn], _record())
    found = await store.find_idempotency("acme", "k1", now=1001.0)
    assert found == StoredIdempotency("hash-1", "message", "c1", 0, 1000.0)
    # per tenant, and for a day
    assert await store.find_idempotency("beta", "k1", now=1001.0) is None
    assert await store.find_idempotency("acme", "k1", now=1000.0 + IDEMPOTENCY_TTL_S + 1) is None


async def test_a_taken_key_stores_nothing_at_all(store: AnyStore) -> None:
    """The retry that races the first request: its turn is not stored a second time."""
    conv = conversation()
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("customer", "first", 1000.0)], _record())
    second = conv.add_turn("customer", "first", 1001.0)
    with pytest.raises(IdempotencyConflict):
        await store.save_turns(conv, [second], _record(at=1001.0))
    loaded = await store.get_conversation("c1")
    assert loaded is not None and [t.text for t in loaded.turns] == ["first"]


async def test_a_failed_turn_write_keeps_no_idempotency_key(store: AnyStore) -> None:
    """Key and turn are one transaction: when the turn cannot be stored (here: no such
    conversation), the key is not either, so the retry is handled, not refused."""
    ghost = conversation("ghost")
    with pytest.raises(Exception, match=r"(?i)foreign key"):
        await store.save_turns(ghost, [ghost.add_turn("customer", "x", 1000.0)], _record())
    assert await store.find_idempotency("acme", "k1", now=1001.0) is None


async def test_an_outcome_key_is_stored_with_the_outcome(store: AnyStore) -> None:
    conv = conversation()
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


async def test_expired_keys_are_forgotten_when_new_ones_are_stored(store: AnyStore) -> None:
    conv = conversation()
    await store.create_conversation(conv)
    await store.save_turns(conv, [conv.add_turn("customer", "a", 1.0)], _record("old", at=1.0))
    later = 2.0 + IDEMPOTENCY_TTL_S
    await store.save_turns(conv, [conv.add_turn("customer", "b", later)], _record("new", at=later))
    assert await rows(store, "SELECT key FROM idempotency") == [("new",)]


# -- calls left open ---------------------------------------------------------------------------
async def test_open_voice_calls_are_ended_and_text_conversations_are_not(
    store: AnyStore,
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
        conv = conversation(cid, created_at=created)
        conv.channel = channel
        await store.create_conversation(conv)
        if turn_at is not None:
            await store.save_turns(conv, [conv.add_turn("customer", "hi", turn_at)])
        if cid == "rt_done":
            conv.phase, conv.end_reason, conv.ended_at = "ended", "caller_hung_up", 150.0
            await store.update_conversation(conv)
    ended = await store.end_interrupted_calls(VOICE, 990.0, "server_restart", 1000.0)
    assert sorted(ended) == ["as_idle", "rt_idle", "tw_idle"]
    for cid in ("rt_idle", "tw_idle", "as_idle"):
        conv = await store.get_conversation(cid)
        assert conv is not None
        assert (conv.phase, conv.end_reason, conv.ended_at) == ("ended", "server_restart", 1000.0)
    for cid, reason in (("rt_recent", None), ("api_idle", None), ("rt_done", "caller_hung_up")):
        conv = await store.get_conversation(cid)
        assert conv is not None and conv.end_reason == reason
    assert await store.end_interrupted_calls(VOICE, 990.0, "server_restart", 1000.0) == []


async def test_calls_of_a_silent_instance_are_ended_and_a_live_ones_are_not(
    store: AnyStore,
) -> None:
    await store.heartbeat("alive", 100.0)
    await store.heartbeat("killed", 100.0)
    await store.heartbeat("alive", 1000.0)  # "killed" said nothing since 100
    for cid, instance, channel in (
        ("a_call", "alive", "realtime"),
        ("k_call", "killed", "twilio"),
        ("k_text", None, "api"),  # REST conversations belong to no instance
        ("ghost_call", "never-registered", "audiosocket"),
    ):
        conv = conversation(cid)
        conv.channel, conv.instance = channel, instance
        await store.create_conversation(conv)
    ended = await store.end_lost_calls(VOICE, 980.0, "instance_lost", 1000.0)
    assert sorted(ended) == ["ghost_call", "k_call"]
    k_call = await store.get_conversation("k_call")
    assert k_call is not None
    assert (k_call.phase, k_call.end_reason, k_call.ended_at) == ("ended", "instance_lost", 1000.0)
    for cid in ("a_call", "k_text"):
        conv = await store.get_conversation(cid)
        assert conv is not None and not conv.ended
    assert await store.end_lost_calls(VOICE, 980.0, "instance_lost", 1000.0) == []
    # at its restart, an instance ends the calls it carried before
    assert await store.end_instance_calls(VOICE, "alive", "server_restart", 1001.0) == ["a_call"]


# -- learning and experiments ----------------------------------------------------------------
async def _experiment(store: AnyStore) -> None:
    for i, (variant, converted) in enumerate(
        [("a", True), ("a", False), ("a", None), ("b", True), ("b", None)]
    ):
        conv = conversation(f"e{i}", created_at=float(i))
        conv.tags = {"experiment": "exp1", "variant": variant}
        await store.create_conversation(conv)
        greeting = conv.add_turn("agent", "Hola", i + 0.1)
        customer = conv.add_turn("customer", "Es caro", i + 0.2)
        customer.insights = insights()  # with an analyser fallback
        reply = conv.add_turn("agent", "Entiendo", i + 0.3)
        reply.timings_ms = {"total": 100.0 + i}
        if i == 0:
            reply.generation = GenerationNote("timeout", "playbook")
        if converted is not None:
            conv.phase = "ended"
            conv.outcome = {"converted": converted, "value": None}
        await store.save_turns(conv, [greeting, customer, reply])
    other = conversation("outside", created_at=9.0)
    await store.create_conversation(other)


async def test_experiment_counts_and_records(store: AnyStore) -> None:
    await _experiment(store)
    assert await store.experiment_counts("exp1") == {
        "a": VariantCounts(3, 2, 1),
        "b": VariantCounts(2, 1, 1),
    }
    assert await store.experiment_counts("none") == {}
    records = await store.experiment_records("exp1")
    assert [(r.conversation_id, r.variant, r.outcome) for r in records] == [
        ("e0", "a", True),
        ("e1", "a", False),
        ("e2", "a", None),
        ("e3", "b", True),
        ("e4", "b", None),
    ]
    first = records[0]
    assert (first.customer_turns, first.agent_replies, first.reply_ms) == (1, 1, (100.0,))
    assert (first.generator_fallbacks, first.analyser_fallback_turns) == (1, 1)
    assert records[1].generator_fallbacks == 0


async def test_labelled_conversations_are_the_decided_ones_with_words(store: AnyStore) -> None:
    await _experiment(store)
    labelled = await store.labelled_conversations()
    assert [(c.id, c.converted) for c in labelled] == [
        ("e0", True),
        ("e1", False),
        ("e3", True),
    ]
    assert labelled[0].turns == (("agent", "Hola"), ("customer", "Es caro"), ("agent", "Entiendo"))
    await store.apply_retention(1.5, "anonymize", 10.0)  # e0, e1 lose their words
    assert [c.id for c in await store.labelled_conversations()] == ["e3"]


# -- retention ---------------------------------------------------------------------------------
#: Retention runs "now": a day after the newest conversation's keys were stored.
NOW = 10_000.0 + 3600


async def _old_and_new(store: AnyStore) -> None:
    for cid, created in (("old", 100.0), ("new", 10_000.0)):
        conv = conversation(cid, created_at=created)
        await store.create_conversation(conv)
        customer = conv.add_turn("customer", "Es muy caro", created + 1)
        customer.insights = insights()
        agent = conv.add_turn("agent", "Entiendo", created + 2)
        conv.outcome = {"converted": True, "value": 10.0}
        await store.save_turns(conv, [customer, agent], _record(f"key-{cid}", at=created))


async def test_retention_deletes_old_conversations_with_their_turns_and_keys(
    store: AnyStore,
) -> None:
    await _old_and_new(store)
    dry = await store.apply_retention(5_000.0, "delete", NOW, dry_run=True)
    assert (dry.conversations, dry.turns, dry.dry_run) == (1, 2, True)
    assert await store.get_conversation("old") is not None
    report = await store.apply_retention(5_000.0, "delete", NOW)
    assert (report.conversations, report.turns) == (1, 2)
    assert await store.get_conversation("old") is None
    assert await rows(store, "SELECT COUNT(*) FROM turns WHERE conversation_id='old'") == [(0,)]
    assert await rows(store, "SELECT key FROM idempotency") == [("key-new",)]
    new = await store.get_conversation("new")
    assert new is not None and len(new.turns) == 2
    assert (await store.apply_retention(5_000.0, "delete", NOW)).conversations == 0


async def test_retention_anonymizes_but_keeps_what_learning_needs(store: AnyStore) -> None:
    await _old_and_new(store)
    report = await store.apply_retention(5_000.0, "anonymize", NOW)
    assert (report.mode, report.conversations, report.turns) == ("anonymize", 1, 2)
    old = await store.get_conversation("old")
    assert old is not None
    assert old.customer == {}
    assert [t.text for t in old.turns] == [REMOVED_TEXT, REMOVED_TEXT]
    assert old.turns[0].insights == insights()
    assert old.outcome == {"converted": True, "value": 10.0}
    new = await store.get_conversation("new")
    assert new is not None and new.customer["name"] == "Lucía"
    assert new.turns[0].text == "Es muy caro"
    # done once: a second pass has nothing left to anonymize
    assert (await store.apply_retention(5_000.0, "anonymize", NOW)).conversations == 0


async def test_a_call_is_found_by_its_carrier_id(store: AnyStore) -> None:
    """Twilio asks any instance how a call ended (the stream may have been on another)."""
    for cid, channel, call_id, created in (
        ("old", "twilio", "CA1", 1.0),
        ("new", "twilio", "CA1", 2.0),  # the same call id again: the newest wins
        ("other", "twilio", "CA2", 3.0),
        ("web", "realtime", "CA1", 4.0),
    ):
        conv = conversation(cid, created_at=created)
        conv.channel, conv.tags = channel, {"call_id": call_id}
        conv.phase, conv.end_reason = "ended", "agent_hand_off"
        await store.create_conversation(conv)
    found = await store.find_call("twilio", "CA1")
    assert found is not None and (found.id, found.end_reason) == ("new", "agent_hand_off")
    assert await store.find_call("twilio", "CA9") is None
    assert await store.find_call("audiosocket", "CA1") is None


async def test_a_nonce_is_redeemed_once_across_instances(new_store: StoreFactory) -> None:
    async with new_store() as a, new_store() as b:
        assert await a.redeem_nonce("n1", expires_at=100.0, now=10.0)
        assert not await b.redeem_nonce("n1", expires_at=100.0, now=11.0)  # another instance
        assert not await a.redeem_nonce("n1", expires_at=100.0, now=12.0)
        assert await b.redeem_nonce("n2", expires_at=50.0, now=12.0)
        # expired nonces are forgotten (their tokens are refused as expired anyway)
        assert await a.redeem_nonce("n3", expires_at=300.0, now=200.0)
        assert await rows(a, "SELECT nonce FROM redeemed_nonces ORDER BY nonce") == [("n3",)]
