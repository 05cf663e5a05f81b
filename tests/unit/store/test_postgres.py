"""What only the PostgreSQL store does (the shared suite is ``test_store.py``): instances
starting together migrate once, an old schema migrates, clear errors, the password hidden."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from tests.postgres import scratch_database
from voice_agent.store.base import StoreUnavailable
from voice_agent.store.codec import split_sql
from voice_agent.store.postgres import MIGRATIONS, SCHEMA_VERSION, PostgresStore
from voice_agent.store.url import redact


async def test_instances_starting_together_migrate_once() -> None:
    with scratch_database() as url:
        stores = [PostgresStore(url, pool_size=2) for _ in range(4)]
        await asyncio.wait_for(asyncio.gather(*(s.open() for s in stores)), 60)
        try:
            assert sorted(len(s.applied) for s in stores) == [0, 0, 0, SCHEMA_VERSION]
            versions = await stores[0]._rows("SELECT version FROM schema_version ORDER BY 1")
            assert [v[0] for v in versions] == list(range(1, SCHEMA_VERSION + 1))
        finally:
            await asyncio.gather(*(s.close() for s in stores))


async def test_a_version_2_database_migrates_and_keeps_its_rows() -> None:
    with scratch_database() as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
            for version, script in enumerate(MIGRATIONS[:2], start=1):
                for statement in split_sql(script):
                    conn.execute(statement)  # type: ignore[call-overload]
                conn.execute("INSERT INTO schema_version VALUES (%s)", (version,))
            conn.execute(
                "INSERT INTO conversations (id, lang, channel, customer, phase, memory, tags,"
                " created_at) VALUES ('old', 'en', 'twilio', '{}', 'discovery', '{}', '{}', 1.0)"
            )
        async with PostgresStore(url) as store:
            assert store.applied == tuple(range(3, SCHEMA_VERSION + 1))
            old = await store.get_conversation("old")
            assert old is not None and old.tenant is None and old.instance is None


async def test_an_unreachable_database_is_one_line_without_the_password() -> None:
    store = PostgresStore("postgresql://va:s3cret@127.0.0.1:1/voice_agent")
    with pytest.raises(StoreUnavailable) as err:
        await store.open()
    message = str(err.value)
    assert "s3cret" not in message and "va:***@127.0.0.1:1" in message
    assert "\n" not in message
    assert not await store.ping()


def test_redact_hides_only_the_password() -> None:
    assert redact("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert redact("postgresql://u@h/d") == "postgresql://u@h/d"
    assert redact("sqlite:///data/va.sqlite3") == "sqlite:///data/va.sqlite3"
