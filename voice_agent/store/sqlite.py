"""SQLite store (WAL mode), all I/O on one dedicated thread so the event loop never blocks.

Schema changes are numbered migrations recorded in ``schema_version``; opening a database
applies the missing ones in order and refuses a database newer than this code.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

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
from voice_agent.workers import pool

T = TypeVar("T")

MIGRATIONS: tuple[str, ...] = (
    # 1: conversations and turns
    """
    CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        lang TEXT NOT NULL,
        channel TEXT NOT NULL,
        customer TEXT NOT NULL,
        phase TEXT NOT NULL,
        memory TEXT NOT NULL,
        tags TEXT NOT NULL,
        created_at REAL NOT NULL,
        ended_at REAL,
        converted INTEGER,
        outcome TEXT
    );
    CREATE TABLE turns (
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        idx INTEGER NOT NULL,
        role TEXT NOT NULL,
        text TEXT NOT NULL,
        insights TEXT,
        timings TEXT NOT NULL,
        action TEXT,
        truncated INTEGER NOT NULL DEFAULT 0,
        created_at REAL NOT NULL,
        PRIMARY KEY (conversation_id, idx)
    );
    CREATE INDEX conversations_created ON conversations(created_at);
    """,
    # 2: calls: why they ended, the keys pressed on a turn
    """
    ALTER TABLE conversations ADD COLUMN end_reason TEXT;
    ALTER TABLE turns ADD COLUMN dtmf TEXT NOT NULL DEFAULT '';
    """,
    # 3: whose conversations are (old rows: nobody's, admin keys only); anonymized by
    # retention; Idempotency-Keys, stored in the transaction of the write they guard
    """
    ALTER TABLE conversations ADD COLUMN tenant TEXT;
    ALTER TABLE conversations ADD COLUMN anonymized_at REAL;
    CREATE INDEX conversations_tenant ON conversations(tenant, created_at);
    CREATE TABLE idempotency (
        tenant TEXT NOT NULL,
        key TEXT NOT NULL,
        request_hash TEXT NOT NULL,
        kind TEXT NOT NULL,
        conversation_id TEXT NOT NULL,
        turn_index INTEGER,
        created_at REAL NOT NULL,
        PRIMARY KEY (tenant, key)
    );
    CREATE INDEX idempotency_created ON idempotency(created_at);
    """,
    # 4: agent turns: why the reply is not the one asked for (LLM failure, guardrail)
    """
    ALTER TABLE turns ADD COLUMN generation TEXT;
    """,
    # 5: several instances: the one carrying each call, and when each was last alive
    """
    ALTER TABLE conversations ADD COLUMN instance TEXT;
    CREATE INDEX conversations_instance ON conversations(instance);
    CREATE TABLE instances (
        id TEXT PRIMARY KEY,
        started_at REAL NOT NULL,
        seen_at REAL NOT NULL
    );
    CREATE INDEX conversations_call ON conversations(json_extract(tags, '$.call_id'));
    CREATE TABLE redeemed_nonces (nonce TEXT PRIMARY KEY, expires_at REAL NOT NULL);
    CREATE INDEX redeemed_nonces_expiry ON redeemed_nonces(expires_at);
    """,
)

SCHEMA_VERSION = len(MIGRATIONS)


class SQLiteStore:
    """One machine's store. All I/O on one thread: ``executor`` (one worker; the server's
    ``Workers.store``) or a thread of its own, shut down by :meth:`close`."""

    def __init__(self, path: Path, executor: ThreadPoolExecutor | None = None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._own_executor = executor is None
        self._executor = executor or pool("sqlite", 1)
        #: One process writes it (others on the same file see the writes, but an instance
        #: keeps the conversations it serves in memory).
        self.shared = False
        #: The migrations the last :meth:`open` applied.
        self.applied: tuple[int, ...] = ()

    # -- plumbing ---------------------------------------------------------------------------
    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, fn, *args)

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("store is not open")
        return self._conn

    def _open_sync(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
        row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        current = int(row[0] or 0)
        if current > SCHEMA_VERSION:
            raise SchemaTooNew(
                f"{self.path}: database schema version {current} is newer than this "
                f"server's {SCHEMA_VERSION}; upgrade voice-agent"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_sql(MIGRATIONS[version - 1]):
                    conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        self.applied = tuple(range(current + 1, SCHEMA_VERSION + 1))
        self._conn = conn

    async def open(self) -> None:
        await self._run(self._open_sync)

    async def __aenter__(self) -> SQLiteStore:
        """``async with SQLiteStore(path) as store``: opened (and migrated), closed on exit
        (also when opening fails: its own thread is shut down)."""
        try:
            await self.open()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        if self._conn is not None:
            await self._run(self._conn.close)
            self._conn = None
        if self._own_executor:
            self._executor.shutdown(wait=True)

    async def ping(self) -> bool:
        def _ping() -> bool:
            self.conn.execute("SELECT 1").fetchone()
            return True

        try:
            return await self._run(_ping)
        except Exception:
            return False

    def _schema_version_sync(self) -> int:
        row = self.conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
        return int(row[0] or 0)

    async def schema_version(self) -> int:
        return await self._run(self._schema_version_sync)

    # -- writes -----------------------------------------------------------------------------
    def _create_sync(self, conv: Conversation) -> None:
        self.conn.execute(insert_conversation_sql("?"), (*conversation_values(conv), conv.tenant))

    def _remember_key_sync(
        self, record: IdempotencyRecord, conversation_id: str, turn_index: int | None
    ) -> None:
        """Inside the caller's transaction: store ``record`` (forgetting expired keys)."""
        c = self.conn
        c.execute(
            "DELETE FROM idempotency WHERE created_at < ?",
            (record.created_at - IDEMPOTENCY_TTL_S,),
        )
        try:
            c.execute(
                "INSERT INTO idempotency (tenant, key, request_hash, kind, conversation_id,"
                " turn_index, created_at) VALUES (?,?,?,?,?,?,?)",
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
        except sqlite3.IntegrityError as exc:
            raise IdempotencyConflict(record.key) from exc

    def _update_idempotent_sync(self, conv: Conversation, record: IdempotencyRecord) -> None:
        with self._transaction():
            self._remember_key_sync(record, conv.id, None)
            self._update_sync(conv)

    def _update_sync(self, conv: Conversation) -> None:
        self.conn.execute(update_conversation_sql("?"), conversation_values(conv))

    def _save_turns_sync(
        self, conv: Conversation, turns: list[Turn], idempotency: IdempotencyRecord | None
    ) -> None:
        c = self.conn
        with self._transaction():
            if idempotency is not None:
                first = min((t.index for t in turns), default=None)
                self._remember_key_sync(idempotency, conv.id, first)
            upsert = upsert_turn_sql("?")
            for t in turns:
                if c.execute(upsert, turn_values(conv.id, t)).fetchone() is None:
                    raise TurnConflict(conv.id, t.index)
            self._update_sync(conv)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any error."""
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield c
        except BaseException:
            c.execute("ROLLBACK")
            raise
        c.execute("COMMIT")

    async def create_conversation(self, conv: Conversation) -> None:
        await self._run(self._create_sync, conv)

    async def save_turns(
        self,
        conv: Conversation,
        turns: list[Turn],
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        await self._run(self._save_turns_sync, conv, list(turns), idempotency)

    async def update_conversation(
        self, conv: Conversation, idempotency: IdempotencyRecord | None = None
    ) -> None:
        if idempotency is None:
            await self._run(self._update_sync, conv)
        else:
            await self._run(self._update_idempotent_sync, conv, idempotency)

    # -- learning ---------------------------------------------------------------------------
    def _labelled_sync(self) -> list[LabelledConversation]:
        return labelled_from_rows(
            self.conn.execute(
                "SELECT c.id, c.lang, c.channel, c.created_at, c.converted, t.role, t.text"
                " FROM conversations c JOIN turns t ON t.conversation_id = c.id"
                " WHERE c.converted IS NOT NULL AND c.anonymized_at IS NULL"
                " ORDER BY c.created_at, c.id, t.idx"
            )
        )

    async def labelled_conversations(self) -> list[LabelledConversation]:
        return await self._run(self._labelled_sync)

    # -- experiments ------------------------------------------------------------------------
    def _experiment_counts_sync(self, experiment: str) -> dict[str, VariantCounts]:
        rows = self.conn.execute(
            "SELECT json_extract(tags, '$.variant'), COUNT(*), COUNT(converted),"
            " COALESCE(SUM(converted), 0) FROM conversations"
            " WHERE json_extract(tags, '$.experiment') = ? GROUP BY 1",
            (experiment,),
        ).fetchall()
        return {str(r[0]): VariantCounts(r[1], r[2], r[3]) for r in rows if r[0] is not None}

    async def experiment_counts(self, experiment: str) -> dict[str, VariantCounts]:
        return await self._run(self._experiment_counts_sync, experiment)

    def _experiment_records_sync(self, experiment: str) -> list[ExperimentRecord]:
        return experiment_from_rows(
            self.conn.execute(
                "SELECT c.id, json_extract(c.tags, '$.variant'), c.converted, t.idx, t.role,"
                " t.timings, t.insights, t.generation FROM conversations c"
                " LEFT JOIN turns t ON t.conversation_id = c.id"
                " WHERE json_extract(c.tags, '$.experiment') = ?"
                " ORDER BY c.created_at, c.id, t.idx",
                (experiment,),
            )
        )

    async def experiment_records(self, experiment: str) -> list[ExperimentRecord]:
        return await self._run(self._experiment_records_sync, experiment)

    # -- reads ------------------------------------------------------------------------------
    def _load_sync(self, conversation_id: str) -> Conversation | None:
        row = self.conn.execute(
            f"SELECT {CONVERSATION_READ} FROM conversations WHERE id=?", (conversation_id,)
        ).fetchone()
        if row is None:
            return None
        conv = conversation_from_row(row)
        conv.turns.extend(
            turn_from_row(t)
            for t in self.conn.execute(
                f"SELECT {TURN_READ} FROM turns WHERE conversation_id=? ORDER BY idx",
                (conversation_id,),
            )
        )
        return conv

    async def get_conversation(self, conversation_id: str) -> Conversation | None:
        return await self._run(self._load_sync, conversation_id)

    def _redeem_nonce_sync(self, nonce: str, expires_at: float, now: float) -> bool:
        with self._transaction() as c:
            c.execute("DELETE FROM redeemed_nonces WHERE expires_at <= ?", (now,))
            cur = c.execute(
                "INSERT INTO redeemed_nonces (nonce, expires_at) VALUES (?, ?)"
                " ON CONFLICT (nonce) DO NOTHING",
                (nonce, expires_at),
            )
            return cur.rowcount == 1

    async def redeem_nonce(self, nonce: str, expires_at: float, now: float) -> bool:
        return await self._run(self._redeem_nonce_sync, nonce, expires_at, now)

    def _find_call_sync(self, channel: str, call_id: str) -> Conversation | None:
        row = self.conn.execute(
            f"SELECT {CONVERSATION_READ} FROM conversations"
            " WHERE json_extract(tags, '$.call_id') = ? AND channel = ?"
            " ORDER BY created_at DESC LIMIT 1",
            (call_id, channel),
        ).fetchone()
        return None if row is None else conversation_from_row(row)

    async def find_call(self, channel: str, call_id: str) -> Conversation | None:
        return await self._run(self._find_call_sync, channel, call_id)

    def _list_sync(self, limit: int, ended: bool | None, tenant: str | None) -> list[Conversation]:
        clauses: list[str] = []
        params: list[object] = []
        if ended is True:
            clauses.append("phase = 'ended'")
        elif ended is False:
            clauses.append("phase != 'ended'")
        if tenant is not None:
            clauses.append("tenant = ?")
            params.append(tenant)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.conn.execute(
            f"SELECT {CONVERSATION_READ} FROM conversations {where}"
            " ORDER BY created_at DESC LIMIT ?",
            (*params, limit),
        ).fetchall()
        return [conversation_from_row(r) for r in rows]

    async def list_conversations(
        self, *, limit: int = 100, ended: bool | None = None, tenant: str | None = None
    ) -> list[Conversation]:
        return await self._run(self._list_sync, limit, ended, tenant)

    def _find_idempotency_sync(self, tenant: str, key: str, now: float) -> StoredIdempotency | None:
        row = self.conn.execute(
            "SELECT request_hash, kind, conversation_id, turn_index, created_at FROM idempotency"
            " WHERE tenant=? AND key=? AND created_at >= ?",
            (tenant, key, now - IDEMPOTENCY_TTL_S),
        ).fetchone()
        if row is None:
            return None
        kind: IdempotentKind = "outcome" if row[1] == "outcome" else "message"
        return StoredIdempotency(row[0], kind, row[2], row[3], row[4])

    async def find_idempotency(self, tenant: str, key: str, now: float) -> StoredIdempotency | None:
        """The request stored with ``key`` by ``tenant`` within a day, if any."""
        return await self._run(self._find_idempotency_sync, tenant, key, now)

    # -- copying (voice_agent.store.copy) ---------------------------------------------------
    def _export_sync(
        self, table: str, after: tuple[object, ...] | None, limit: int
    ) -> list[tuple[object, ...]]:
        query = export_sql(table, "?", after is not None)
        rows = self.conn.execute(query, (*(after or ()), limit)).fetchall()
        return [normalise_row(table, r) for r in rows]

    async def export_rows(
        self, table: str, after: tuple[object, ...] | None, limit: int
    ) -> list[tuple[object, ...]]:
        """Up to ``limit`` rows of ``table`` (:data:`~voice_agent.store.codec.TABLES`) in
        key order, after the key ``after``."""
        return await self._run(self._export_sync, table, after, limit)

    def _import_sync(self, table: str, rows: list[tuple[object, ...]]) -> int:
        with self._transaction() as c:
            before = c.total_changes
            c.executemany(import_sql(table, "?"), rows)
            return c.total_changes - before

    async def import_rows(self, table: str, rows: list[tuple[object, ...]]) -> int:
        """Insert ``rows`` of ``table`` in one transaction (keys already there are left as
        they are); how many were new."""
        return await self._run(self._import_sync, table, rows)

    async def count_rows(self, table: str) -> int:
        def count() -> int:
            return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

        return await self._run(count)

    # -- maintenance ------------------------------------------------------------------------
    def _end_selected_sync(
        self, query: str, params: tuple[object, ...], reason: str, now: float
    ) -> list[str]:
        """End (``reason``) the conversations ``query`` selects (their ids), one transaction."""
        with self._transaction() as c:
            ids = [r[0] for r in c.execute(query, params)]
            self._end_sync(ids, reason, now)
        return ids

    def _end_interrupted_sync(
        self, channels: frozenset[str], idle_before: float, reason: str, now: float
    ) -> list[str]:
        marks = ",".join("?" for _ in channels)
        return self._end_selected_sync(
            "SELECT id FROM conversations c WHERE phase != 'ended'"
            f" AND channel IN ({marks}) AND MAX(created_at, COALESCE("
            " (SELECT MAX(created_at) FROM turns t WHERE t.conversation_id = c.id),"
            " 0)) < ?",
            (*sorted(channels), idle_before),
            reason,
            now,
        )

    def _end_sync(self, ids: list[str], reason: str, now: float) -> None:
        for cid in ids:
            self.conn.execute(
                "UPDATE conversations SET phase='ended', ended_at=COALESCE(ended_at, ?),"
                " end_reason=? WHERE id=?",
                (now, reason, cid),
            )

    def _heartbeat_sync(self, instance: str, now: float) -> None:
        self.conn.execute(
            "INSERT INTO instances (id, started_at, seen_at) VALUES (?,?,?)"
            " ON CONFLICT (id) DO UPDATE SET seen_at=excluded.seen_at",
            (instance, now, now),
        )

    async def heartbeat(self, instance: str, now: float) -> None:
        await self._run(self._heartbeat_sync, instance, now)

    def _end_lost_sync(
        self, channels: frozenset[str], lost_before: float, reason: str, now: float
    ) -> list[str]:
        marks = ",".join("?" for _ in channels)
        return self._end_selected_sync(
            "SELECT c.id FROM conversations c LEFT JOIN instances i ON i.id = c.instance"
            f" WHERE c.phase != 'ended' AND c.channel IN ({marks})"
            " AND c.instance IS NOT NULL AND (i.id IS NULL OR i.seen_at < ?)",
            (*sorted(channels), lost_before),
            reason,
            now,
        )

    async def end_lost_calls(
        self, channels: frozenset[str], lost_before: float, reason: str, now: float
    ) -> list[str]:
        if not channels:
            return []
        return await self._run(self._end_lost_sync, channels, lost_before, reason, now)

    def _end_instance_sync(
        self, channels: frozenset[str], instance: str, reason: str, now: float
    ) -> list[str]:
        marks = ",".join("?" for _ in channels)
        return self._end_selected_sync(
            "SELECT id FROM conversations WHERE phase != 'ended'"
            f" AND channel IN ({marks}) AND instance = ?",
            (*sorted(channels), instance),
            reason,
            now,
        )

    async def end_instance_calls(
        self, channels: frozenset[str], instance: str, reason: str, now: float
    ) -> list[str]:
        if not channels:
            return []
        return await self._run(self._end_instance_sync, channels, instance, reason, now)

    async def end_interrupted_calls(
        self, channels: frozenset[str], idle_before: float, reason: str, now: float
    ) -> list[str]:
        """End (``reason``) the open conversations on ``channels`` whose last activity
        (creation or last turn) is older than ``idle_before``; their ids."""
        if not channels:
            return []
        return await self._run(self._end_interrupted_sync, channels, idle_before, reason, now)

    def _retention_sync(
        self, cutoff: float, mode: RetentionMode, now: float, dry_run: bool
    ) -> RetentionReport:
        where = "created_at < ?" + (" AND anonymized_at IS NULL" if mode == "anonymize" else "")
        with self._transaction() as c:
            query = f"SELECT id FROM conversations WHERE {where}"
            ids = [r[0] for r in c.execute(query, (cutoff,))]
            turns = 0
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                marks = ",".join("?" for _ in chunk)
                row = c.execute(
                    f"SELECT COUNT(*) FROM turns WHERE conversation_id IN ({marks})", chunk
                ).fetchone()
                turns += int(row[0])
                if dry_run:
                    continue
                if mode == "delete":
                    c.execute(f"DELETE FROM turns WHERE conversation_id IN ({marks})", chunk)
                    c.execute(f"DELETE FROM idempotency WHERE conversation_id IN ({marks})", chunk)
                    c.execute(f"DELETE FROM conversations WHERE id IN ({marks})", chunk)
                else:
                    c.execute(
                        f"UPDATE turns SET text=? WHERE conversation_id IN ({marks})",
                        (REMOVED_TEXT, *chunk),
                    )
                    c.execute(
                        f"UPDATE conversations SET customer='{{}}', anonymized_at=?"
                        f" WHERE id IN ({marks})",
                        (now, *chunk),
                    )
            if not dry_run:  # and the Idempotency-Keys past their day
                c.execute(
                    "DELETE FROM idempotency WHERE created_at < ?", (now - IDEMPOTENCY_TTL_S,)
                )
        return RetentionReport(mode, cutoff, len(ids), turns, dry_run)

    async def apply_retention(
        self, cutoff: float, mode: RetentionMode, now: float, *, dry_run: bool = False
    ) -> RetentionReport:
        """Delete (or anonymize: customer profile emptied, turn texts ``[removed]``, insights
        and outcome kept) the conversations created before ``cutoff`` (Unix seconds), and
        forget the Idempotency-Keys older than a day at ``now``."""
        return await self._run(self._retention_sync, cutoff, mode, now, dry_run)
