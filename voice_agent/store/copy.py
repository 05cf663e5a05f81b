"""Moving a database to another: a one-machine SQLite install onto PostgreSQL.

Both are opened (so migrated to this version's schema), then every table is copied in key
order, in batches, each batch one transaction on the destination. A row whose key the
destination has already is left as it is, so a copy that was stopped can be run again and
goes on. At the end every table is counted on both sides: the destination must hold at least
what the source holds, or the copy fails.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from voice_agent.store.codec import TABLES, row_key

#: Tables in the order foreign keys need (conversations before their turns).
ORDER: Final = ("instances", "conversations", "turns", "idempotency", "redeemed_nonces")


class RowStore(Protocol):
    async def export_rows(
        self, table: str, after: tuple[object, ...] | None, limit: int
    ) -> list[tuple[object, ...]]: ...

    async def import_rows(self, table: str, rows: list[tuple[object, ...]]) -> int: ...

    async def count_rows(self, table: str) -> int: ...


@dataclass(frozen=True, slots=True)
class TableCopy:
    table: str
    #: Rows in the source.
    source: int
    #: Rows the copy wrote; those the destination had already.
    copied: int
    already_there: int
    #: Rows in the destination afterwards.
    destination: int

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "copied": self.copied,
            "already_there": self.already_there,
            "destination": self.destination,
        }


class CopyIncomplete(RuntimeError):
    """The destination holds fewer rows of a table than the source after the copy."""


#: ``progress(table, rows_done, rows_total)`` after each batch.
Progress = Callable[[str, int, int], None]


async def copy_database(
    source: RowStore, destination: RowStore, *, batch: int = 500, progress: Progress | None = None
) -> list[TableCopy]:
    """Copy every table of ``source`` into ``destination`` (both open); per table, what
    was done. :class:`CopyIncomplete` if a table came out short."""
    if set(ORDER) != set(TABLES):
        raise AssertionError("copy order and schema disagree")
    out: list[TableCopy] = []
    for table in ORDER:
        total = await source.count_rows(table)
        done = copied = 0
        after: tuple[object, ...] | None = None
        while True:
            rows = await source.export_rows(table, after, batch)
            if not rows:
                break
            copied += await destination.import_rows(table, rows)
            done += len(rows)
            after = row_key(table, rows[-1])
            if progress is not None:
                progress(table, done, total)
        in_destination = await destination.count_rows(table)
        result = TableCopy(table, done, copied, done - copied, in_destination)
        if in_destination < done:
            raise CopyIncomplete(
                f"{table}: {done} rows in the source, {in_destination} in the destination"
            )
        out.append(result)
    return out
