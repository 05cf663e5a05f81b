"""One store suite for every backend: the ``store`` fixture is a real SQLite file or a real
PostgreSQL database (a scratch one per test), opened and migrated."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from tests.postgres import scratch_database
from voice_agent.core.conversation import Conversation
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore
from voice_agent.store.postgres import PostgresStore
from voice_agent.store.sqlite import SQLiteStore

AnyStore = SQLiteStore | PostgresStore
#: Makes a new (unopened) store on the test's database: reopening, two instances.
StoreFactory = Callable[[], AnyStore]


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StoreFactory]:
    if request.param == "sqlite":
        path = tmp_path / "db" / "va.sqlite3"
        yield lambda: SQLiteStore(path)
    else:
        with scratch_database() as url:
            yield lambda: PostgresStore(url, pool_size=4)


@pytest.fixture
async def store(new_store: StoreFactory) -> AsyncIterator[AnyStore]:
    async with new_store() as s:
        yield s


async def rows(store: AnyStore, query: str) -> list[tuple[object, ...]]:
    """``query`` (no parameters) on the store's own database, for checks the interface
    does not offer."""
    if isinstance(store, SQLiteStore):
        return [tuple(r) for r in store.conn.execute(query).fetchall()]
    return await store._rows(query)


def insights() -> Insights:
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


def conversation(cid: str = "c1", created_at: float = 100.0) -> Conversation:
    return Conversation(
        id=cid,
        lang="es",
        channel="api",
        customer={"name": "Lucía", "budget": "medium"},
        created_at=created_at,
        tags={"arm": "b"},
    )
