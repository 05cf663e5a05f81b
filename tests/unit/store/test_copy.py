"""Copying a real SQLite database into a real PostgreSQL one, and back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.postgres import scratch_database
from tests.unit.store.conftest import conversation, insights
from voice_agent.core.conversation import Conversation, GenerationNote
from voice_agent.store.base import IdempotencyRecord
from voice_agent.store.copy import CopyIncomplete, TableCopy, copy_database
from voice_agent.store.postgres import PostgresStore
from voice_agent.store.sqlite import SQLiteStore


async def _fill(store: SQLiteStore, n: int) -> list[Conversation]:
    await store.heartbeat("box:8000", 50.0)
    convs = []
    for i in range(n):
        conv = conversation(f"c{i:03d}", created_at=100.0 + i)
        conv.tenant = "acme" if i % 2 else None
        conv.channel = "twilio" if i % 5 == 0 else "api"
        conv.instance = "box:8000" if conv.channel == "twilio" else None
        conv.tags = {"experiment": "e", "variant": "ab"[i % 2]}
        await store.create_conversation(conv)
        greeting = conv.add_turn("agent", "Hola", conv.created_at + 0.5)
        customer = conv.add_turn("customer", f"pregunta {i} ¿cuánto cuesta?", conv.created_at + 1)
        customer.insights = insights()
        customer.timings_ms = {"analysis": 1.5}
        reply = conv.add_turn("agent", "Son 149 €", conv.created_at + 2)
        reply.truncated = i % 3 == 0
        reply.generation = GenerationNote("timeout", "playbook") if i % 4 == 0 else None
        if i % 2:
            conv.phase = "ended"
            conv.outcome = {"converted": i % 4 == 1, "value": 149.0}
        key = IdempotencyRecord("acme", f"k{i}", "h", "message", conv.created_at)
        await store.save_turns(conv, [greeting, customer, reply], key)
        convs.append(conv)
    await store.apply_retention(100.5, "anonymize", 200.0)  # c000 keeps only its outcome
    await store.redeem_nonce("nonce-1", 10_000.0, 200.0)  # a client secret used recently
    return convs


async def test_a_sqlite_install_moves_to_postgresql_without_losing_anything(
    tmp_path: Path,
) -> None:
    seen: list[tuple[str, int, int]] = []
    with scratch_database() as url:
        async with SQLiteStore(tmp_path / "va.sqlite3") as src, PostgresStore(url) as dst:
            await _fill(src, 23)
            report = await copy_database(
                src, dst, batch=7, progress=lambda t, d, n: seen.append((t, d, n))
            )
            assert report == [
                TableCopy("instances", 1, 1, 0, 1),
                TableCopy("conversations", 23, 23, 0, 23),
                TableCopy("turns", 69, 69, 0, 69),
                TableCopy("idempotency", 23, 23, 0, 23),
                TableCopy("redeemed_nonces", 1, 1, 0, 1),
            ]
            assert ("turns", 7, 69) in seen and ("turns", 69, 69) in seen
            for i in range(23):
                a = await src.get_conversation(f"c{i:03d}")
                b = await dst.get_conversation(f"c{i:03d}")
                assert a is not None and b is not None
                assert b.to_json() == a.to_json()
                assert [t.to_json() for t in b.turns] == [t.to_json() for t in a.turns]
                assert b.instance == a.instance and b.tenant == a.tenant
            # what learning and experiments read comes out the same
            assert await dst.labelled_conversations() == await src.labelled_conversations()
            assert await dst.experiment_counts("e") == await src.experiment_counts("e")
            assert await dst.experiment_records("e") == await src.experiment_records("e")
            assert await dst.find_idempotency("acme", "k5", 106.0) == await src.find_idempotency(
                "acme", "k5", 106.0
            )
            # run again (an interrupted copy is resumed): nothing doubles
            again = await copy_database(src, dst, batch=50)
            assert [(t.copied, t.already_there) for t in again] == [
                (0, 1), (0, 23), (0, 69), (0, 23), (0, 1),
            ]  # fmt: skip
            # and back (a PostgreSQL database into a new SQLite file)
            async with SQLiteStore(tmp_path / "back.sqlite3") as back:
                await copy_database(dst, back)
                c3 = await back.get_conversation("c003")
                a3 = await src.get_conversation("c003")
                assert c3 is not None and a3 is not None and c3.to_json() == a3.to_json()


class _Lossy:
    """A destination that silently keeps nothing (a broken driver): the copy must notice."""

    def __init__(self, inner: SQLiteStore) -> None:
        self.inner = inner

    async def export_rows(
        self, table: str, after: tuple[object, ...] | None, limit: int
    ) -> list[tuple[object, ...]]:
        return await self.inner.export_rows(table, after, limit)

    async def import_rows(self, table: str, rows: list[tuple[object, ...]]) -> int:
        return len(rows)

    async def count_rows(self, table: str) -> int:
        return 0


async def test_a_destination_that_comes_out_short_fails_the_copy(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "a.sqlite3") as src, SQLiteStore(tmp_path / "b.sqlite3") as b:
        await _fill(src, 3)
        with pytest.raises(CopyIncomplete, match="instances: 1 rows in the source, 0 in"):
            await copy_database(src, _Lossy(b))
