"""Fixtures shared by the call tests: a real SQLite store and the orchestrator over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.unit.call.fakes import open_store, orchestrator
from voice_agent.orchestrator import Orchestrator
from voice_agent.store.sqlite import SQLiteStore


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = await open_store(tmp_path / "calls.sqlite3")
    yield s
    await s.close()


@pytest.fixture
def orch(store: SQLiteStore) -> Orchestrator:
    return orchestrator(store, ThreadPoolExecutor(2))
