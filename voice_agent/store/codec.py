"""Rows to records and back, the same for every backend.

Both schemas have the same tables and columns at the same version; JSON columns travel as
text (PostgreSQL's ``jsonb`` is read as ``::text``), flags as booleans. The column lists
here are the current schema's: :mod:`voice_agent.store.copy` moves rows with them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import Any, Final, Literal

from voice_agent.core.conversation import Conversation, GenerationNote, Memory, Turn
from voice_agent.core.types import Insights
from voice_agent.store.base import ExperimentRecord, LabelledConversation

ColumnKind = Literal["text", "real", "int", "bool", "json"]

#: Every table with its columns and their kinds, in the order rows are exported.
TABLES: Final[dict[str, tuple[tuple[str, ColumnKind], ...]]] = {
    "instances": (
        ("id", "text"),
        ("started_at", "real"),
        ("seen_at", "real"),
    ),
    "conversations": (
        ("id", "text"),
        ("lang", "text"),
        ("channel", "text"),
        ("customer", "json"),
        ("phase", "text"),
        ("memory", "json"),
        ("tags", "json"),
        ("created_at", "real"),
        ("ended_at", "real"),
        ("converted", "bool"),
        ("outcome", "json"),
        ("end_reason", "text"),
        ("tenant", "text"),
        ("anonymized_at", "real"),
        ("instance", "text"),
    ),
    "turns": (
        ("conversation_id", "text"),
        ("idx", "int"),
        ("role", "text"),
        ("text", "text"),
        ("insights", "json"),
        ("timings", "json"),
        ("action", "text"),
        ("truncated", "bool"),
        ("created_at", "real"),
        ("dtmf", "text"),
        ("generation", "json"),
    ),
    "redeemed_nonces": (
        ("nonce", "text"),
        ("expires_at", "real"),
    ),
    "idempotency": (
        ("tenant", "text"),
        ("key", "text"),
        ("request_hash", "text"),
        ("kind", "text"),
        ("conversation_id", "text"),
        ("turn_index", "int"),
        ("created_at", "real"),
    ),
}
#: Each table's key, the order rows are exported in (a stable order to resume on).
TABLE_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "instances": ("id",),
    "conversations": ("id",),
    "turns": ("conversation_id", "idx"),
    "idempotency": ("tenant", "key"),
    "redeemed_nonces": ("nonce",),
}

#: The columns a conversation is written with (its ``id`` last, for ``UPDATE ... WHERE id``).
CONVERSATION_COLUMNS: Final = (
    "lang",
    "channel",
    "customer",
    "phase",
    "memory",
    "tags",
    "created_at",
    "ended_at",
    "converted",
    "outcome",
    "end_reason",
    "instance",
    "id",
)
#: What a conversation is read with (:func:`conversation_from_row`).
CONVERSATION_READ: Final = (
    "id, lang, channel, customer, phase, memory, tags, created_at, ended_at, outcome,"
    " end_reason, tenant, instance"
)
TURN_COLUMNS: Final = (
    "conversation_id",
    "idx",
    "role",
    "text",
    "insights",
    "timings",
    "action",
    "truncated",
    "created_at",
    "dtmf",
    "generation",
)
#: What a turn is read with (:func:`turn_from_row`).
TURN_READ: Final = (
    "idx, role, text, insights, timings, action, truncated, created_at, dtmf, generation"
)


def _dumps(value: object) -> str:
    return json.dumps(value)


def _loads(value: object) -> Any:
    """A JSON column's value: text from a row, or already decoded when the row itself came
    as JSON (PostgreSQL's aggregated turns). Our JSON columns always hold objects."""
    return json.loads(value) if isinstance(value, str) else value


def conversation_values(conv: Conversation) -> tuple[object, ...]:
    """``conv`` as the values of :data:`CONVERSATION_COLUMNS`."""
    converted: bool | None = None
    if conv.outcome is not None and "converted" in conv.outcome:
        converted = bool(conv.outcome["converted"])
    return (
        conv.lang,
        conv.channel,
        _dumps(conv.customer),
        conv.phase,
        _dumps(conv.memory.to_json()),
        _dumps(conv.tags),
        conv.created_at,
        conv.ended_at,
        converted,
        _dumps(conv.outcome) if conv.outcome is not None else None,
        conv.end_reason,
        conv.instance,
        conv.id,
    )


def turn_values(conversation_id: str, t: Turn) -> tuple[object, ...]:
    """``t`` as the values of :data:`TURN_COLUMNS`."""
    return (
        conversation_id,
        t.index,
        t.role,
        t.text,
        _dumps(t.insights.to_json()) if t.insights else None,
        _dumps(t.timings_ms),
        t.action,
        bool(t.truncated),
        t.created_at,
        t.dtmf,
        _dumps(t.generation.to_json()) if t.generation else None,
    )


def conversation_from_row(row: Sequence[object]) -> Conversation:
    """A conversation (no turns) from a row of :data:`CONVERSATION_READ`."""
    (cid, lang, channel, customer, phase, memory, tags, created, ended, outcome, reason,
     tenant, instance) = row  # fmt: skip
    return Conversation(
        id=str(cid),
        lang=lang,  # type: ignore[arg-type]
        channel=str(channel),
        customer=json.loads(str(customer)),
        phase=phase,  # type: ignore[arg-type]
        memory=Memory.from_json(json.loads(str(memory))),
        tags=json.loads(str(tags)),
        created_at=float(created),  # type: ignore[arg-type]
        ended_at=None if ended is None else float(ended),  # type: ignore[arg-type]
        outcome=json.loads(str(outcome)) if outcome else None,
        end_reason=None if reason is None else str(reason),
        tenant=None if tenant is None else str(tenant),
        instance=None if instance is None else str(instance),
    )


def turn_from_row(row: Sequence[object]) -> Turn:
    """A turn from a row of :data:`TURN_READ`."""
    idx, role, text, insights, timings, action, truncated, created, dtmf, generation = row
    return Turn(
        index=int(idx),  # type: ignore[call-overload]
        role=role,  # type: ignore[arg-type]
        text=str(text),
        insights=Insights.from_json(_loads(insights)) if insights else None,
        timings_ms=_loads(timings),
        action=None if action is None else str(action),
        truncated=bool(truncated),
        created_at=float(created),  # type: ignore[arg-type]
        dtmf=str(dtmf or ""),
        generation=GenerationNote.from_json(_loads(generation)) if generation else None,
    )


def labelled_from_rows(rows: Iterable[Sequence[object]]) -> list[LabelledConversation]:
    """Fold rows of (id, lang, channel, created_at, converted, role, text), ordered by
    conversation then turn, into the conversations that have a customer turn."""
    out: list[LabelledConversation] = []
    for (cid, lang, channel, created, converted), group in groupby(rows, lambda r: tuple(r[:5])):
        turns = tuple((str(r[5]), str(r[6])) for r in group)
        if any(role == "customer" for role, _ in turns):
            out.append(
                LabelledConversation(
                    str(cid),
                    str(lang),
                    str(channel),
                    float(created),
                    bool(converted),
                    turns,
                )
            )
    return out


def experiment_from_rows(rows: Iterable[Sequence[object]]) -> list[ExperimentRecord]:
    """Fold rows of (id, variant, converted, idx, role, timings, insights, generation),
    ordered by conversation then turn (a conversation without turns: one row of NULLs)."""
    out: list[ExperimentRecord] = []
    for (cid, variant, converted), group in groupby(rows, lambda r: tuple(r[:3])):
        customer = replies = generator_fallbacks = analyser_fallbacks = 0
        reply_ms: list[float] = []
        for *_, idx, role, timings, insights, generation in group:
            if role == "customer":
                customer += 1
                if insights and json.loads(str(insights)).get("fallbacks"):
                    analyser_fallbacks += 1
            elif role == "agent" and idx:  # replies: the greeting (turn 0) is none
                replies += 1
                total = json.loads(str(timings)).get("total")
                if total is not None:
                    reply_ms.append(float(total))
                if generation and json.loads(str(generation)).get("fallback"):
                    generator_fallbacks += 1
        out.append(
            ExperimentRecord(
                str(cid),
                str(variant),
                None if converted is None else bool(converted),
                customer,
                replies,
                tuple(reply_ms),
                generator_fallbacks,
                analyser_fallbacks,
            )
        )
    return out


def upsert_turn_sql(mark: str) -> str:
    """Insert a turn, or update it when the stored turn at its index is the same turn (same
    role, same creation time): one row back. No row back: another writer stored a different
    turn there first (:class:`~voice_agent.store.base.TurnConflict`). ``mark``: the
    driver's placeholder."""
    cols = ", ".join(TURN_COLUMNS)
    marks = ",".join(mark for _ in TURN_COLUMNS)
    updates = ", ".join(f"{c}=excluded.{c}" for c in TURN_COLUMNS[2:])
    return (
        f"INSERT INTO turns ({cols}) VALUES ({marks})"
        f" ON CONFLICT (conversation_id, idx) DO UPDATE SET {updates}"
        " WHERE turns.created_at = excluded.created_at AND turns.role = excluded.role"
        " RETURNING idx"
    )


def insert_conversation_sql(mark: str) -> str:
    cols = (*CONVERSATION_COLUMNS, "tenant")
    return f"INSERT INTO conversations ({', '.join(cols)}) VALUES ({','.join(mark for _ in cols)})"


def update_conversation_sql(mark: str) -> str:
    sets = ", ".join(f"{c}={mark}" for c in CONVERSATION_COLUMNS[:-1])
    return f"UPDATE conversations SET {sets} WHERE id={mark}"


def export_sql(table: str, mark: str, after: bool) -> str:
    """The next rows of ``table`` in key order (after a key given as parameters, or from
    the start), at most a parameter's count; JSON as text (``json_text``: the cast)."""
    keys = TABLE_KEYS[table]
    cols = ", ".join(c for c, _ in TABLES[table])
    where = ""
    if after:
        where = f" WHERE ({', '.join(keys)}) > ({', '.join(mark for _ in keys)})"
    return f"SELECT {cols} FROM {table}{where} ORDER BY {', '.join(keys)} LIMIT {mark}"


def import_sql(table: str, mark: str) -> str:
    """Insert a row of ``table``; a row whose key is there already is left as it is."""
    cols = [c for c, _ in TABLES[table]]
    marks = ",".join(mark for _ in cols)
    return f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks}) ON CONFLICT DO NOTHING"


def normalise_row(table: str, row: Sequence[object]) -> tuple[object, ...]:
    """A row as every backend writes it: flags as booleans (SQLite keeps 0/1)."""
    return tuple(
        bool(v) if kind == "bool" and v is not None else v
        for (_, kind), v in zip(TABLES[table], row, strict=True)
    )


def row_key(table: str, row: Sequence[object]) -> tuple[object, ...]:
    """The key columns' values of an exported row."""
    names = [c for c, _ in TABLES[table]]
    return tuple(row[names.index(k)] for k in TABLE_KEYS[table])


def split_sql(script: str) -> list[str]:
    """A migration script as its statements (they hold no ``;`` of their own)."""
    return [s.strip() for s in script.split(";") if s.strip()]
