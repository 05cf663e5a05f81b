"""PostgreSQL store: several server instances on one database.

A connection pool (psycopg 3, ``psycopg_pool``) used from the event loop: every call is
network I/O with a deadline (the pool's wait, the server's ``statement_timeout``), no
computation. Migrations are the same numbered steps as SQLite's, in PostgreSQL's dialect,
applied at :meth:`PostgresStore.open` in one transaction under an advisory lock, so
instances starting together migrate once; a database newer than this code is refused.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Final

import psycopg
from psycopg import AsyncConnection
from psycopg.types.string import TextLoader
from psycopg_pool import AsyncConnectionPool, PoolTimeout

from voice_agent.core.conversation import Conversation, Turn
from voice_agent.store.base import (
    IDEMPOTENCY_TTL_S,
    REMOVED_TEXT,
    ExperimentRecord,
    IdempotencyConflict,
    IdempotencyRecord,
    IdempotentKind,
    LabelledConversation,
    RetentionMode,
    RetentionReport,
    SchemaTooNew,
    StoredIdempotency,
    StoreUnavailable,
    TurnConflict,
    VariantCounts,
)
from voice_agent.store.codec import (
    CONVERSATION_READ,
    TURN_READ,
    conversation_from_row,
    conversation_values,
    experiment_from_rows,
    export_sql,
    import_sql,
    insert_conversation_sql,
    labelled_from_rows,
    normalise_row,
    split_sql,
    turn_from_row,
    turn_values,
    update_conversation_sql,
    upsert_turn_sql,
)
from voice_agent.store.url import redact

MIGRATIONS: tuple[str, ...] = (
    # 1: conversations and turns
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        channel TEXT NOT NULL,
        customer JSONB NOT NULL,
        phase TEXT NOT NULL,
        memory JSONB NOT NULL,
        tags JSONB NOT NULL,
        created_at DOUBLE PRECISION NOT NULL,
        ended_at DOUBLE PRECISION,
        converted BOOLEAN,
        outcome JSONB
    );
    CREATE TABLE turns (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        idx INTEGER NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        insights JSONB,
        timings JSONB NOT NULL,
        action TEXT,
        truncated BOOLEAN NOT NULL DEFAULT FALSE,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (conversation_id, idx)
    );
    CREATE INDEX conversations_created ON conversations(created_at);
    """,
    # 2: calls: why they ended, the keys pressed on a turn
    """
    ALTER TABLE conversations ADD COLUMN end_reason TEXT;
    ALTER TABLE turns ADD COLUMN dtmf TEXT NOT NULL DEFAULT '';
    """,
    # 3: tenants, anonymization, Idempotency-Keys
    """
    ALTER TABLE conversations ADD COLUMN tenant TEXT;
    ALTER TABLE conversations ADD COLUMN anonymized_at DOUBLE PRECISION;
    CREATE INDEX conversations_tenant ON conversations(tenant, created_at);
    CREATE TABLE idempotency (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        turn_index INTEGER,
        created_at DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (tenant, key)
    );
    CREATE INDEX idempotency_created ON idempotency(created_at);
    """,
    # 4: agent turns: why the reply is not the one asked for (LLM failure, guardrail)
    """
    ALTER TABLE turns ADD COLUMN generation JSONB;
    """,
    # 5: several instances: the one carrying each call, and when each was last alive
    """
    ALTER TABLE conversations ADD COLUMN instance TEXT;
    CREATE INDEX conversations_instance ON conversations(instance);
    CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        started_at DOUBLE PRECISION NOT NULL,
        seen_at DOUBLE PRECISION NOT NULL
    );
    CREATE INDEX conversations_experiment ON conversations ((tags->>'experiment'));
    CREATE INDEX conversations_call ON conversations ((tags->>'call_id'));
    CREATE TABLE redeemed_nonces (nonce TEXT PRIMARY KEY, expires_at DOUBLE PRECISION NOT NULL);
    CREATE INDEX redeemed_nonces_expiry ON redeemed_nonces(expires_at);
    """,
)

SCHEMA_VERSION: Final = len(MIGRATIONS)
#: The advisory lock instances take to migrate one at a time (any fixed 64-bit number).
MIGRATION_LOCK: Final = 0x766F6963_65616731
#: Longest wait for a free connection of the pool.
POOL_TIMEOUT_S: Final = 10.0
#: Longest a statement may run (retention passes included), in milliseconds.
STATEMENT_TIMEOUT_MS: Final = 600_000
#: Longest wait to reach the database at start-up.
CONNECT_TIMEOUT_S: Final = 10.0


async def _configure(conn: AsyncConnection[tuple[object, ...]]) -> None:
    # JSON columns come back as text, as SQLite's do: one decoder (codec) for both
    conn.adapters.register_loader("jsonb", TextLoader)
    await conn.execute(f"SET statement_timeout = {STATEMENT_TIMEOUT_MS}")
    await conn.commit()


@contextmanager
def _key_taken(record: IdempotencyRecord | None) -> Iterator[None]:
    """A unique violation on the Idempotency-Key table, raised anywhere inside, becomes
    :class:`IdempotencyConflict` (other violations pass as they are)."""
    try:
        yield
    except psycopg.errors.UniqueViolation as exc:
        if record is not None and exc.diag.constraint_name == "idempotency_pkey":
            raise IdempotencyConflict(record.key) from exc
        raise


class PostgresStore:
    """The store of several instances; ``url``: a ``postgresql://`` connection URL."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.shared = True
        self._pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            open=False,
            timeout=POOL_TIMEOUT_S,
            configure=_configure,
            kwargs={"connect_timeout": int(CONNECT_TIMEOUT_S), "autocommit": True},
            name="voice-agent",
        )
        #: The migrations the last :meth:`open` applied.
        self.applied: tuple[int, ...] = ()

    # -- plumbing ---------------------------------------------------------------------------
    @asynccontextmanager
    async def _tx(self) -> AsyncIterator[AsyncConnection[tuple[object, ...]]]:
        """A connection inside a transaction (rolled back on any error)."""
        async with self._pool.connection() as conn, conn.transaction():
            yield conn

    async def _rows(self, query: str, params: Sequence[object] = ()) -> list[tuple[object, ...]]:
        async with self._pool.connection() as conn:
            cur = await conn.execute(query, params)
            return await cur.fetchall()

    async def open(self) -> None:
        # one plain connection first: an unreachable or misnamed database is one clear line
        # at once, not the pool retrying in the background until its timeout
        try:
            probe = await psycopg.AsyncConnection.connect(
                self.url, connect_timeout=int(CONNECT_TIMEOUT_S)
            )
        except psycopg.Error as exc:
            reason = " ".join(str(exc).split()) or type(exc).__name__
            raise StoreUnavailable(
                f"cannot reach PostgreSQL at {redact(self.url)}: {reason}"
            ) from exc
        await probe.close()
        try:
            await self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except (PoolTimeout, psycopg.OperationalError) as exc:
            await self._pool.close()
            raise StoreUnavailable(
                f"cannot reach PostgreSQL at {redact(self.url)} within {CONNECT_TIMEOUT_S:g} s"
            ) from exc
        try:
            await self._migrate()
        except BaseException:
            await self.close()
            raise

    async def _migrate(self) -> None:
        async with self._tx() as conn:
            await conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
            )
            cur = await conn.execute("SELECT MAX(version) FROM schema_version")
            row = await cur.fetchone()
            current = int(row[0] or 0) if row else 0  # type: ignore[call-overload]
            if current > SCHEMA_VERSION:
                raise SchemaTooNew(
                    f"{redact(self.url)}: database schema version {current} is newer than this"
                    f" server's {SCHEMA_VERSION}; upgrade voice-agent"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in split_sql(MIGRATIONS[version - 1]):
                    await conn.execute(statement)
                await conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
            self.applied = tuple(range(current + 1, SCHEMA_VERSION + 1))

    async def close(self) -> None:
        await self._pool.close()

    async def __aenter__(self) -> PostgresStore:
        await self.open()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def ping(self) -> bool:
        try:
            await self._rows("SELECT 1")
            return True
        except Exception:
            return False

    async def schema_version(self) -> int:
        rows = await self._rows("SELECT MAX(version) FROM schema_version")
        version = rows[0][0]
        return version if isinstance(version, int) else 0

    # -- writes -----------------------------------------------------------------------------
    async def create_conversation(self, conv: Conversation) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                insert_conversation_sql("%s"),
                (*conversation_values(conv), conv.tenant),
            )

    async def _remember_key(
        self,
        conn: AsyncConnection[tuple[object, ...]],
        record: IdempotencyRecord,
        conversation_id: str,
        turn_index: int | None,
    ) -> None:
        await conn.execute(
            "DELETE FROM idempotency WHERE created_at < %s",
            (record.created_at - IDEMPOTENCY_TTL_S,),
        )
        # a taken key fails the transaction with a unique violation on idempotency_pkey,
        # when this statement runs or (pipelined) at the next sync: _key_taken names it
        await conn.execute(
            "INSERT INTO idempotency (tenant, key, request_hash, kind, conversation_id,"
            " turn_index, created_at) VALUES (%s,%s,%s,%s,%s,%s,%s)",
            (
                record.tenant,
                record.key,
                record.request_hash,
                record.kind,
                conversation_id,
                turn_index,
                record.created_at,
            ),
        )

    async def save_turns(
        self,
        conv: Conversation,
        turns: list[Turn],
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        # pipelined: the statements go out together and the turns' results are read once,
        # before the commit (two round trips, not one per statement)
        upsert = upsert_turn_sql("%s")
        async with self._pool.connection() as conn, conn.pipeline():
            with _key_taken(idempotency):
                async with conn.transaction():
                    if idempotency is not None:
                        first = min((t.index for t in turns), default=None)
                        await self._remember_key(conn, idempotency, conv.id, first)
                    cursors = [await conn.execute(upsert, turn_values(conv.id, t)) for t in turns]
                    await conn.execute(update_conversation_sql("%s"), conversation_values(conv))
                    for t, cur in zip(turns, cursors, strict=True):
                        if await cur.fetchone() is None:
                            raise TurnConflict(conv.id, t.index)

    async def update_conversation(
        self, conv: Conversation, idempotency: IdempotencyRecord | None = None
    ) -> None:
        with _key_taken(idempotency):
            async with self._tx() as conn:
                if idempotency is not None:
                    await self._remember_key(conn, idempotency, conv.id, None)
                await conn.execute(update_conversation_sql("%s"), conversation_values(conv))

    # -- reads ------------------------------------------------------------------------------
    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        # one round trip: the conversation's row with its turns as one JSON array
        rows = await self._rows(
            f"SELECT {CONVERSATION_READ}, (SELECT COALESCE(json_agg(json_build_array("
            f"{TURN_READ}) ORDER BY idx), '[]') FROM turns t WHERE t.conversation_id = c.id)"
            " FROM conversations c WHERE c.id = %s",
            (conversation_id,),
        )
        if not rows:
            return None
        *row, turns = rows[0]  # json (not jsonb): psycopg decodes it
        conv = conversation_from_row(row)
        listed = json.loads(turns) if isinstance(turns, str) else turns
        if not isinstance(listed, list):
            raise TypeError(f"turns of {conversation_id!r} did not come as a JSON array")
        conv.turns.extend(turn_from_row(t) for t in listed)
        return conv

    async def redeem_nonce(self, nonce: str, expires_at: float, now: float) -> bool:
        async with self._tx() as conn:
            await conn.execute("DELETE FROM redeemed_nonces WHERE expires_at <= %s", (now,))
            cur = await conn.execute(
                "INSERT INTO redeemed_nonces (nonce, expires_at) VALUES (%s, %s)"
                " ON CONFLICT (nonce) DO NOTHING",
                (nonce, expires_at),
            )
            return cur.rowcount == 1

    async def find_call(self, channel: str, call_id: str) -> Conversation | None:
        rows = await self._rows(
            f"SELECT {CONVERSATION_READ} FROM conversations"
            " WHERE tags->>'call_id' = %s AND channel = %s ORDER BY created_at DESC LIMIT 1",
            (call_id, channel),
        )
        return conversation_from_row(rows[0]) if rows else None

    async def list_conversations(
        self, *, limit: int = 100, ended: bool | None = None, tenant: str | None = None
    ) -> list[Conversation]:
        clauses: list[str] = []
        params: list[object] = []
        if ended is True:
            clauses.append("phase = 'ended'")
        elif ended is False:
            clauses.append("phase != 'ended'")
        if tenant is not None:
            clauses.append("tenant = %s")
            params.append(tenant)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = await self._rows(
            f"SELECT {CONVERSATION_READ} FROM conversations {where}"
            " ORDER BY created_at DESC LIMIT %s",
            (*params, limit),
        )
        return [conversation_from_row(r) for r in rows]

    async def find_idempotency(self, tenant: str, key: str, now: float) -> StoredIdempotency | None:
        rows = await self._rows(
            "SELECT request_hash, kind, conversation_id, turn_index, created_at FROM idempotency"
            " WHERE tenant=%s AND key=%s AND created_at >= %s",
            (tenant, key, now - IDEMPOTENCY_TTL_S),
        )
        if not rows:
            return None
        r = rows[0]
        kind: IdempotentKind = "outcome" if r[1] == "outcome" else "message"
        turn_index = None if r[3] is None else int(r[3])  # type: ignore[call-overload]
        return StoredIdempotency(str(r[0]), kind, str(r[2]), turn_index, float(r[4]))  # type: ignore[arg-type]

    # -- learning and experiments -----------------------------------------------------------
    async def labelled_conversations(self) -> list[LabelledConversation]:
        return labelled_from_rows(
            await self._rows(
                "SELECT c.id, c.lang, c.channel, c.created_at, c.converted, t.role, t.text"
                " FROM conversations c JOIN turns t ON t.conversation_id = c.id"
                " WHERE c.converted IS NOT NULL AND c.anonymized_at IS NULL"
                " ORDER BY c.created_at, c.id, t.idx"
            )
        )

    async def experiment_counts(self, experiment: str) -> dict[str, VariantCounts]:
        rows = await self._rows(
            "SELECT tags->>'variant', COUNT(*), COUNT(converted),"
            " COUNT(*) FILTER (WHERE converted) FROM conversations"
            " WHERE tags->>'experiment' = %s GROUP BY 1",
            (experiment,),
        )
        return {
            str(r[0]): VariantCounts(int(r[1]), int(r[2]), int(r[3]))  # type: ignore[call-overload]
            for r in rows
            if r[0] is not None
        }

    async def experiment_records(self, experiment: str) -> list[ExperimentRecord]:
        return experiment_from_rows(
            await self._rows(
                "SELECT c.id, c.tags->>'variant', c.converted, t.idx, t.role,"
                " t.timings, t.insights, t.generation FROM conversations c"
                " LEFT JOIN turns t ON t.conversation_id = c.id"
                " WHERE c.tags->>'experiment' = %s"
                " ORDER BY c.created_at, c.id, t.idx",
                (experiment,),
            )
        )

    # -- calls and instances ----------------------------------------------------------------
    async def _end_where(
        self, where: str, params: Sequence[object], reason: str, now: float
    ) -> list[str]:
        async with self._pool.connection() as conn:
            cur = await conn.execute(
                "UPDATE conversations c SET phase='ended', ended_at=COALESCE(ended_at, %s),"
                f" end_reason=%s WHERE c.phase != 'ended' AND {where} RETURNING c.id",
                (now, reason, *params),
            )
            return sorted(str(r[0]) for r in await cur.fetchall())

    async def end_interrupted_calls(
        self, channels: frozenset[str], idle_before: float, reason: str, now: float
    ) -> list[str]:
        if not channels:
            return []
        return await self._end_where(
            "c.channel = ANY(%s) AND GREATEST(c.created_at, COALESCE("
            " (SELECT MAX(created_at) FROM turns t WHERE t.conversation_id = c.id), 0)) < %s",
            (sorted(channels), idle_before),
            reason,
            now,
        )

    async def heartbeat(self, instance: str, now: float) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(
                "INSERT INTO instances (id, started_at, seen_at) VALUES (%s,%s,%s)"
                " ON CONFLICT (id) DO UPDATE SET seen_at=excluded.seen_at",
                (instance, now, now),
            )

    async def end_lost_calls(
        self, channels: frozenset[str], lost_before: float, reason: str, now: float
    ) -> list[str]:
        if not channels:
            return []
        return await self._end_where(
            "c.channel = ANY(%s) AND c.instance IS NOT NULL AND NOT EXISTS"
            " (SELECT 1 FROM instances i WHERE i.id = c.instance AND i.seen_at >= %s)",
            (sorted(channels), lost_before),
            reason,
            now,
        )

    async def end_instance_calls(
        self, channels: frozenset[str], instance: str, reason: str, now: float
    ) -> list[str]:
        if not channels:
            return []
        return await self._end_where(
            "c.channel = ANY(%s) AND c.instance = %s", (sorted(channels), instance), reason, now
        )

    # -- copying (voice_agent.store.copy) ---------------------------------------------------
    async def export_rows(
        self, table: str, after: tuple[object, ...] | None, limit: int
    ) -> list[tuple[object, ...]]:
        """Up to ``limit`` rows of ``table`` (:data:`~voice_agent.store.codec.TABLES`) in
        key order, after the key ``after``."""
        query = export_sql(table, "%s", after is not None)
        rows = await self._rows(query, (*(after or ()), limit))
        return [normalise_row(table, r) for r in rows]

    async def import_rows(self, table: str, rows: list[tuple[object, ...]]) -> int:
        """Insert ``rows`` of ``table`` in one transaction (keys already there are left as
        they are); how many were new."""
        if not rows:
            return 0
        async with self._tx() as conn:
            cur = conn.cursor()
            await cur.executemany(import_sql(table, "%s"), rows)
            return max(0, cur.rowcount)

    async def count_rows(self, table: str) -> int:
        rows = await self._rows(f"SELECT COUNT(*) FROM {table}")
        count = rows[0][0]
        return count if isinstance(count, int) else 0

    # -- retention --------------------------------------------------------------------------
    async def apply_retention(
        self, cutoff: float, mode: RetentionMode, now: float, *, dry_run: bool = False
    ) -> RetentionReport:
        where = "created_at < %s" + (" AND anonymized_at IS NULL" if mode == "anonymize" else "")
        async with self._tx() as conn:
            cur = await conn.execute(
                f"SELECT id FROM conversations WHERE {where} FOR UPDATE",
                (cutoff,),
            )
            ids = [str(r[0]) for r in await cur.fetchall()]
            cur = await conn.execute(
                "SELECT COUNT(*) FROM turns WHERE conversation_id = ANY(%s)", (ids,)
            )
            row = await cur.fetchone()
            turns = int(row[0]) if row else 0  # type: ignore[call-overload]
            if not dry_run:
                if mode == "delete":
                    await conn.execute("DELETE FROM turns WHERE conversation_id = ANY(%s)", (ids,))
                    await conn.execute(
                        "DELETE FROM idempotency WHERE conversation_id = ANY(%s)", (ids,)
                    )
                    await conn.execute("DELETE FROM conversations WHERE id = ANY(%s)", (ids,))
                else:
                    await conn.execute(
                        "UPDATE turns SET text=%s WHERE conversation_id = ANY(%s)",
                        (REMOVED_TEXT, ids),
                    )
                    await conn.execute(
                        "UPDATE conversations SET customer='{}', anonymized_at=%s"
                        " WHERE id = ANY(%s)",
                        (now, ids),
                    )
                await conn.execute(
                    "DELETE FROM idempotency WHERE created_at < %s", (now - IDEMPOTENCY_TTL_S,)
                )
        return RetentionReport(mode, cutoff, len(ids), turns, dry_run)
