"""Fixtures for the integration tests: real server subprocesses on free ports."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.integration.server import ServerProcess, start_server

API_KEY = "test-key-primary"
OTHER_KEY = "test-key-secondary"
#: Scoped keys (``KEY:ROLE[:TENANT]``): two agents of two tenants, and a metrics scraper.
AGENT_KEY = "test-key-agent-acme"
AGENT_TENANT = "acme"
OTHER_AGENT_KEY = "test-key-agent-beta"
METRICS_KEY = "test-key-metrics"
#: Small limits so the error tests send small bodies.
MAX_TEXT_CHARS = 500
MAX_BODY_BYTES = 6000

SERVER_ENV = {
    "VOICE_AGENT_API_KEYS": f"{API_KEY},{OTHER_KEY},{AGENT_KEY}:agent:{AGENT_TENANT},"
    f"{OTHER_AGENT_KEY}:agent,{METRICS_KEY}:metrics",
    "VOICE_AGENT_MAX_TEXT_CHARS": str(MAX_TEXT_CHARS),
    "VOICE_AGENT_MAX_BODY_BYTES": str(MAX_BODY_BYTES),
}


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the tests that share it (they create their own conversations and
    compare counters before and after); always stopped at teardown. Tests that kill or
    reconfigure a server start their own."""
    data_dir = tmp_path_factory.mktemp("server") / "data"
    srv = start_server(data_dir, SERVER_ENV)
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def client(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(API_KEY) as c:
        yield c


@pytest.fixture
def anon(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


@pytest.fixture
def fresh_data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"
