"""The text load client's one retry, against a real local HTTP server that fails on purpose:
the retry carries the same Idempotency-Key, happens once, only on a load balancer's 502/503/504
or a dropped connection."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from typing import ClassVar

import httpx
import pytest

from loadtest.text import _error_code, _post


class _Flaky(http.server.BaseHTTPRequestHandler):
    #: what the next requests get: a status, or "drop" (the connection closed unanswered)
    plan: ClassVar[list[int | str]] = []
    seen: ClassVar[list[tuple[str, str | None]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        self.rfile.read(length)
        self.seen.append((self.path, self.headers.get("idempotency-key")))
        step = self.plan.pop(0) if self.plan else 200
        if step == "drop":
            self.close_connection = True
            self.connection.shutdown(2)
            return
        body = json.dumps({"error": {"code": "x_code"}} if step != 200 else {"ok": True})
        self.send_response(int(step))
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def flaky() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Flaky.plan, _Flaky.seen = [], []
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("first", [502, 503, 504, "drop"])
async def test_one_retry_with_the_same_key(flaky: str, first: int | str) -> None:
    _Flaky.plan = [first, 200]
    retries: list[str] = []
    async with httpx.AsyncClient(base_url=flaky, timeout=5) as client:
        r = await _post(client, "/m", {"text": "hi"}, {"Idempotency-Key": "k1"}, retries)
    assert r.status_code == 200
    assert _Flaky.seen == [("/m", "k1"), ("/m", "k1")]
    assert len(retries) == 1


async def test_no_second_retry_and_no_retry_on_other_errors(flaky: str) -> None:
    _Flaky.plan = [503, 503, 409]
    retries: list[str] = []
    async with httpx.AsyncClient(base_url=flaky, timeout=5) as client:
        r = await _post(client, "/m", {}, {"Idempotency-Key": "k2"}, retries)
        assert r.status_code == 503 and retries == ["503"]  # given up after one retry
        conflict = await _post(client, "/m", {}, {}, retries)
    assert conflict.status_code == 409 and _error_code(conflict) == "x_code"
    assert len(_Flaky.seen) == 3 and retries == ["503"]
