"""What only the SQLite store does (the shared suite is ``test_store.py``): WAL mode, old
database files migrating, its own I/O thread."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.unit.store.conftest import conversation
from voice_agent.core.conversation import Memory
from voice_agent.store.codec import split_sql
from voice_agent.store.sqlite import MIGRATIONS, SCHEMA_VERSION, SQLiteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    async with SQLiteStore(tmp_path / "db" / "va.sqlite3") as s:
        yield s


async def test_wal_mode_is_on(store: SQLiteStore) -> None:
    other = sqlite3.connect(store.path)
    try:
        (mode,) = other.execute("PRAGMA journal_mode").fetchone()
    finally:
        other.close()
    assert mode == "wal"


async def test_a_version_2_database_migrates_and_old_rows_have_no_tenant(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    for version, script in enumerate(MIGRATIONS[:2], start=1):
        for statement in split_sql(script):
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
        assert await store.schema_version() == SCHEMA_VERSION
        old = await store.get_conversation("old")
        assert old is not None and old.tenant is None
        assert [c.id for c in await store.list_conversations(tenant="acme")] == []
        assert [c.id for c in await store.list_conversations()] == ["old"]
    finally:
        await store.close()


async def test_async_with_opens_and_closes(tmp_path: Path) -> None:
    async with SQLiteStore(tmp_path / "va.sqlite3") as s:
        assert await s.ping()
        await s.create_conversation(conversation())
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
