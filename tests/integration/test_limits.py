"""Limits against a real server (``voice-agent serve --no-speech``) with small limits: REST
rate limits and daily quotas answer 429 with ``Retry-After``; with every call slot taken
(``VOICE_AGENT_MAX_CALLS=0`` here: no call at all) a realtime upgrade is refused with HTTP
503 before the upgrade, Twilio's webhook answers ``<Reject reason="busy"/>``, Twilio's
stream is refused before the upgrade, and an AudioSocket connection gets a hangup frame at
once. The held slot, realtime ``rate_limited`` events and a never-limited 1x audio stream
need speech: ``test_limits_speech.py``.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from loadtest.twilio_carrier import post_webhook, twilio_signature, voice_webhook_params
from tests.integration.server import ServerProcess, start_server

ADMIN_KEY = "limits-admin-key"
RATE_KEY = "limits-rate-key"
QUOTA_KEY = "limits-quota-key"
DOC_KEY = "limits-doc-key"
AUTH_TOKEN = "limits-twilio-token"
QUOTA = 3
BURST = 5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    port = free_port()
    env = {
        "VOICE_AGENT_API_KEYS": f"{ADMIN_KEY},{RATE_KEY},{QUOTA_KEY},{DOC_KEY}",
        "VOICE_AGENT_RATE_LIMIT_RPS": "1",
        "VOICE_AGENT_RATE_LIMIT_BURST": str(BURST),
        "VOICE_AGENT_DAILY_CONVERSATIONS_PER_KEY": str(QUOTA),
        "VOICE_AGENT_MAX_CALLS": "0",
        "VOICE_AGENT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "VOICE_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "VOICE_AGENT_AUDIOSOCKET_PORT": "0",
    }
    srv = start_server(tmp_path_factory.mktemp("limits") / "data", env, ("--port", str(port)))
    try:
        yield srv
    finally:
        srv.stop()


def log_events(srv: ServerProcess, event: str) -> list[dict[str, Any]]:
    out = []
    for line in srv.stderr().splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("event") == event:
                out.append(record)
    return out


def test_rest_rate_limit_429_with_retry_after(server: ServerProcess) -> None:
    with server.client(RATE_KEY) as http:
        statuses = [http.get("/v1/conversations").status_code for _ in range(BURST + 3)]
        assert statuses[:BURST] == [200] * BURST, statuses
        assert 429 in statuses[BURST:], statuses
        r = http.get("/v1/conversations")
        assert r.status_code == 429
        assert r.json()["error"]["code"] == "rate_limited"
        assert "VOICE_AGENT_RATE_LIMIT_RPS" in r.json()["error"]["message"]
        assert 1 <= int(r.headers["Retry-After"]) <= 2
        time.sleep(float(r.headers["Retry-After"]))
        assert http.get("/v1/conversations").status_code == 200  # the bucket refilled
    with server.client(ADMIN_KEY) as other:  # another key is not slowed down
        assert other.get("/v1/conversations").status_code == 200
    with server.client("not-a-key") as bad:  # no bucket for made-up keys: 401, never 429
        assert {bad.get("/v1/conversations").status_code for _ in range(BURST + 3)} == {401}
    with server.client() as anon:  # health is never limited
        assert {anon.get("/healthz").status_code for _ in range(BURST + 3)} == {200}
    assert RATE_KEY not in server.stderr()  # keys are never logged in clear


def test_every_operation_documents_its_429(server: ServerProcess) -> None:
    with server.client(ADMIN_KEY) as admin:
        doc = admin.get("/v1/openapi.json").json()
        cid = admin.post("/v1/conversations", json={}).json()["id"]
    calls = [
        ("post", "/v1/conversations", "/v1/conversations", {}),
        ("get", "/v1/conversations", "/v1/conversations", None),
        ("get", "/v1/conversations/{id}", f"/v1/conversations/{cid}", None),
        (
            "post",
            "/v1/conversations/{id}/messages",
            f"/v1/conversations/{cid}/messages",
            {"text": "hi"},
        ),
        (
            "post",
            "/v1/conversations/{id}/outcome",
            f"/v1/conversations/{cid}/outcome",
            {"converted": False},
        ),
        ("post", "/v1/realtime/client_secrets", "/v1/realtime/client_secrets", {}),
    ]
    with server.client(DOC_KEY) as http:
        for method, template, path, body in calls:
            while http.get("/v1/conversations").status_code != 429:  # spend the bucket
                pass
            r = http.request(method.upper(), path, json=body)
            assert r.status_code == 429, (template, r.status_code)
            documented = doc["paths"][template][method]["responses"]["429"]
            assert "Retry-After" in documented["headers"] and int(r.headers["Retry-After"]) >= 1
            schema = documented["content"]["application/json"]["schema"]
            validator = Draft202012Validator({**schema, "components": doc["components"]})
            assert not list(validator.iter_errors(r.json())), (template, r.json())


def test_daily_conversation_quota_429_until_midnight_utc(server: ServerProcess) -> None:
    with server.client(QUOTA_KEY) as http:
        refused = http.post("/v1/conversations", json={"lang": "xx"})
        assert refused.status_code == 422  # a failed create does not use the quota
        for _ in range(QUOTA):
            assert http.post("/v1/conversations", json={"lang": "en"}).status_code == 201
            time.sleep(0.3)  # stay inside the 1/s rate limit
        time.sleep(1.0)
        r = http.post("/v1/conversations", json={"lang": "en"})
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "quota_exceeded"
        until_midnight = 86_400 - time.time() % 86_400
        assert abs(int(r.headers["Retry-After"]) - until_midnight) < 5
        time.sleep(1.0)
        secret = http.post("/v1/realtime/client_secrets", json={})
        assert secret.status_code == 429  # a client secret opens a conversation too
        assert secret.json()["error"]["code"] == "quota_exceeded"
        time.sleep(1.0)
        assert http.get("/v1/conversations").status_code == 200  # reading is still allowed


def test_readyz_reports_calls(server: ServerProcess) -> None:
    with server.client(ADMIN_KEY) as http:
        body = http.get("/readyz").json()
    assert body["calls"] == {"active": 0, "max": 0}


async def test_realtime_refused_with_503_before_the_upgrade(server: ServerProcess) -> None:
    url = server.url.replace("http://", "ws://") + "/v1/realtime"
    with pytest.raises(InvalidStatus) as info:
        async with connect(url, additional_headers={"Authorization": f"Bearer {ADMIN_KEY}"}):
            pass
    response = info.value.response
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert json.loads(response.body or b"{}")["error"]["code"] == "capacity_exceeded"
    assert any(r.get("code") == "capacity_exceeded" for r in log_events(server, "call_refused"))


async def test_twilio_call_rejected_busy_and_stream_refused(server: ServerProcess) -> None:
    url = server.url + "/v1/telephony/twilio/voice"
    params = voice_webhook_params(
        call_sid="CA" + "1" * 32,
        account_sid="AC" + "2" * 32,
        from_number="+15550001111",
        to_number="+15550002222",
    )
    r = await post_webhook(url, params, signature=twilio_signature(url, params, AUTH_TOKEN))
    assert r.status_code == 200
    assert '<Reject reason="busy"/>' in r.text and "<Connect" not in r.text
    stream = server.url.replace("http://", "ws://") + "/v1/telephony/twilio/stream"
    with pytest.raises(InvalidStatus):
        async with connect(stream):
            pass


async def test_audiosocket_hung_up_at_once(server: ServerProcess) -> None:
    port = int(server.listening["audiosocket_port"])
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        data = await asyncio.wait_for(reader.read(), 5.0)  # the frame, then the close
    finally:
        writer.close()
    assert data == b"\x00\x00\x00"  # kind 0x00 (hangup), length 0
    refused = [r for r in log_events(server, "call_refused") if r.get("transport")]
    assert any(r["transport"] == "audiosocket" for r in refused)


def test_nothing_above_leaked_a_slot(server: ServerProcess) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        body = http.get("/readyz", headers={"Authorization": f"Bearer {ADMIN_KEY}"}).json()
    assert body["calls"]["active"] == 0


def test_loadtest_text_is_never_limited_by_the_defaults(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """``python -m loadtest text`` against default limits: its 100 conversations start at
    once and, without think time (harder than its default 1-3 s), post as fast as the
    server answers; not one 429."""
    from loadtest.text import run

    data_dir = tmp_path_factory.mktemp("limits-default") / "data"
    srv = start_server(data_dir, {"VOICE_AGENT_API_KEYS": ADMIN_KEY})
    try:
        report = asyncio.run(run(srv.url, ADMIN_KEY, 100, 2, (0.0, 0.0), 7, 30.0))
    finally:
        srv.stop()
    assert report["errors"] == 0, report["error_kinds"]
    assert report["turns"] == 200
