"""Database URLs: which store a URL names, and the store for it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # the backends load on use: settings validate URLs without psycopg
    from voice_agent.store.postgres import PostgresStore
    from voice_agent.store.sqlite import SQLiteStore

Backend = Literal["sqlite", "postgresql"]


@dataclass(frozen=True, slots=True)
class DatabaseUrl:
    backend: Backend
    #: The SQLite file (``sqlite``), or the URL as given (``postgresql``).
    path: Path | None
    url: str


def redact(url: str) -> str:
    """``url`` without its password (for messages and logs)."""
    return re.sub(r"://([^:/@]+):[^@/]*@", r"://\1:***@", url)


def parse_database_url(url: str) -> DatabaseUrl:
    """``sqlite:///PATH`` or ``postgresql://...`` (``postgres://`` too); :class:`ValueError`
    naming the accepted forms otherwise."""
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return DatabaseUrl("sqlite", Path(url.removeprefix("sqlite:///")), url)
    if url.startswith(("postgresql://", "postgres://")):
        return DatabaseUrl("postgresql", None, url)
    raise ValueError(
        f"unsupported database {url!r}: use sqlite:///PATH or postgresql://USER@HOST:PORT/DB"
    )


def open_store(
    url: str, *, executor: ThreadPoolExecutor | None = None, pool_size: int = 10
) -> SQLiteStore | PostgresStore:
    """The store ``url`` names, not yet opened (``executor``: SQLite's one I/O thread)."""
    db = parse_database_url(url)
    if db.backend == "sqlite":
        from voice_agent.store.sqlite import SQLiteStore

        assert db.path is not None
        return SQLiteStore(db.path, executor=executor)
    from voice_agent.store.postgres import PostgresStore

    return PostgresStore(db.url, pool_size=pool_size)


def check_database(url: str, *, pool_size: int = 10) -> tuple[tuple[int, ...], int]:
    """Open (and migrate) the database at ``url`` once: the migrations applied and the
    schema version. Anything that stops it is a :class:`~voice_agent.errors.ConfigError` of
    one line naming the setting."""
    import asyncio
    import sqlite3

    import psycopg

    from voice_agent.errors import ConfigError
    from voice_agent.store.base import SchemaTooNew, StoreUnavailable
    db = parse_database_url(url)
    shown = str(db.path) if db.path is not None else redact(url)

    async def check() -> tuple[tuple[int, ...], int]:
        async with open_store(url, pool_size=pool_size) as store:
            return store.applied, await store.schema_version()

    try:
        return asyncio.run(check())
    except (SchemaTooNew, StoreUnavailable) as exc:
        raise ConfigError(f"{exc} (check VOICE_AGENT_DATABASE_URL)") from exc
    except (sqlite3.Error, psycopg.Error) as exc:
        raise ConfigError(
            f"{shown}: cannot open the database: {str(exc).strip().splitlines()[0]}"
            " (check VOICE_AGENT_DATABASE_URL)"
        ) from exc
    except OSError as exc:
        raise ConfigError(
            f"{shown}: cannot create the database: {exc.strerror or exc} "
            "(check VOICE_AGENT_DATABASE_URL and VOICE_AGENT_DATA_DIR)"
        ) from exc
