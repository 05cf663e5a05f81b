"""Client secrets (``ek_...``) and allowed origins against the real server (a subprocess with
speech: ``/v1/realtime`` refuses sessions without it).

The server keeps its generated API key in the data directory; a test derives the signing
secret from it, as a second instance with the same keys would, to forge an expired key.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from tests.integration.server import ServerProcess, running_server, start_server, stored_api_key
from voice_agent.realtime.client_secrets import ClientSecrets, client_secret_key
from voice_agent.realtime.events import SessionConfig

pytestmark = pytest.mark.slow

ALLOWED = "https://shop.example.com"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"VOICE_AGENT_ALLOWED_ORIGINS": ALLOWED}
    with running_server(tmp_path_factory, "client-secrets", env, speech=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_key(server: ServerProcess) -> str:
    return stored_api_key(server)


def ws_url(server: ServerProcess) -> str:
    return f"ws://127.0.0.1:{server.port}/v1/realtime"


def mint(server: ServerProcess, api_key: str, body: dict[str, Any]) -> dict[str, Any]:
    with server.client(api_key) as http:
        r = http.post("/v1/realtime/client_secrets", json=body)
    assert r.status_code == 200, r.text
    answer: dict[str, Any] = r.json()
    return answer


async def first_event(ws: ClientConnection) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(await ws.recv())
    return event


async def refused(url: str, **kw: Any) -> tuple[int, str]:
    with pytest.raises(InvalidStatus) as info:
        async with connect(url, **kw):
            pass
    response = info.value.response
    return response.status_code, json.loads(response.body or b"{}")["error"]["code"]


async def next_of(ws: ClientConnection, kinds: set[str], wait_s: float = 20.0) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kinds} within {wait_s}s"
        event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), left))
        if event["type"] in kinds:
            return event


async def test_spanish_key_opens_one_session_and_cannot_switch_language(
    server: ServerProcess, api_key: str
) -> None:
    minted = mint(
        server,
        api_key,
        {
            "expires_after": {"anchor": "created_at", "seconds": 120},
            "session": {"type": "realtime", "language": "es", "customer": {"name": "Eva"}},
        },
    )
    value = minted["value"]
    assert value.startswith("ek_")
    assert minted["session"]["language"] == "es"
    assert 100 <= minted["expires_at"] - time.time() <= 120
    protocols: Any = ["realtime", f"openai-insecure-api-key.{value}"]
    async with connect(ws_url(server), subprotocols=protocols) as ws:
        assert ws.subprotocol == "realtime"
        created = await first_event(ws)
        assert created["type"] == "session.created"
        assert created["session"]["id"] == minted["session"]["id"]
        assert created["session"]["language"] == "es"
        assert created["session"]["customer"] == {"name": "Eva"}
        update = {"type": "session.update", "event_id": "ev_lang", "session": {"language": "en"}}
        await ws.send(json.dumps(update))
        error = await next_of(ws, {"error"})
        assert error["error"]["code"] == "session_field_locked"
        assert error["error"]["param"] == "session.language"
        assert error["error"]["event_id"] == "ev_lang"
        # a field the key did not fix may change; the language stays Spanish
        await ws.send(json.dumps({"type": "session.update", "session": {"greeting": False}}))
        updated = await next_of(ws, {"session.updated"})
        assert updated["session"]["language"] == "es"
        assert updated["session"]["greeting"] is False
    # used: refused, here and on every path
    assert await refused(ws_url(server), subprotocols=protocols) == (401, "client_secret_used")
    headers = {"Authorization": f"Bearer {value}"}
    assert await refused(ws_url(server), additional_headers=headers) == (401, "client_secret_used")


async def test_bearer_key_and_reuse(server: ServerProcess, api_key: str) -> None:
    value = mint(server, api_key, {})["value"]
    headers = {"Authorization": f"Bearer {value}"}
    async with connect(ws_url(server), additional_headers=headers) as ws:
        assert (await first_event(ws))["type"] == "session.created"
    assert await refused(ws_url(server), additional_headers=headers) == (401, "client_secret_used")


async def test_expired_forged_and_tampered_keys_are_refused(
    server: ServerProcess, api_key: str
) -> None:
    # what another instance with the same API key would mint, 11 minutes ago
    past = ClientSecrets(client_secret_key([api_key]), clock=lambda: time.time() - 660)
    expired = past.mint({}, SessionConfig()).value
    headers = {"Authorization": f"Bearer {expired}"}
    assert await refused(ws_url(server), additional_headers=headers) == (
        401,
        "client_secret_expired",
    )
    forger = ClientSecrets(client_secret_key(["not-the-servers-key"]))
    forged = forger.mint({}, SessionConfig()).value
    headers = {"Authorization": f"Bearer {forged}"}
    assert await refused(ws_url(server), additional_headers=headers) == (
        401,
        "client_secret_invalid",
    )
    good = mint(server, api_key, {})["value"]
    i = len("ek_") + 5
    tampered = good[:i] + ("A" if good[i] != "A" else "B") + good[i + 1 :]
    headers = {"Authorization": f"Bearer {tampered}"}
    assert await refused(ws_url(server), additional_headers=headers) == (
        401,
        "client_secret_invalid",
    )
    # the same key from another instance that is still valid is accepted
    fresh = ClientSecrets(client_secret_key([api_key])).mint({}, SessionConfig()).value
    async with connect(ws_url(server), additional_headers={"Authorization": f"Bearer {fresh}"}):
        pass


def test_a_key_on_rest_routes_is_refused(server: ServerProcess, api_key: str) -> None:
    value = mint(server, api_key, {})["value"]
    with server.client(value) as http:
        for method, path in [
            ("GET", "/v1/conversations"),
            ("POST", "/v1/conversations"),
            ("POST", "/v1/realtime/client_secrets"),
        ]:
            r = http.request(method, path, json={})
            assert r.status_code == 401, (path, r.text)
            assert r.json()["error"]["code"] == "client_secret_not_allowed"
    with httpx.Client(base_url=server.url) as anon:
        r = anon.get("/v1/conversations", params={"api_key": value})
        assert r.status_code == 400  # no key in URLs, not even a client secret
        assert r.json()["error"]["code"] == "api_key_in_url"


def test_bad_mint_requests(server: ServerProcess, api_key: str) -> None:
    with server.client(api_key) as http:
        r = http.post("/v1/realtime/client_secrets", json={"expires_after": {"seconds": 7200}})
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "invalid_field"
        assert "expires_after.seconds" in r.json()["error"]["message"]
        r = http.post("/v1/realtime/client_secrets", json={"session": {"language": "fr"}})
        assert r.status_code == 422
        assert r.json()["error"]["code"] == "unsupported_language"
    with server.client() as anon:
        r = anon.post("/v1/realtime/client_secrets", json={})
        assert r.status_code == 401


async def test_origins(server: ServerProcess, api_key: str) -> None:
    auth = {"Authorization": f"Bearer {api_key}"}
    evil = {**auth, "Origin": "https://evil.example.com"}
    assert await refused(ws_url(server), additional_headers=evil) == (403, "origin_not_allowed")
    # a refused origin does not use up a client secret
    value = mint(server, api_key, {})["value"]
    with_key = {"Authorization": f"Bearer {value}"}
    status = await refused(
        ws_url(server), origin="https://evil.example.com", additional_headers=with_key
    )
    assert status == (403, "origin_not_allowed")
    for origin in (ALLOWED, f"http://127.0.0.1:{server.port}"):
        async with connect(ws_url(server), origin=origin, additional_headers=auth) as ws:  # type: ignore[arg-type]
            assert (await first_event(ws))["type"] == "session.created"
    async with connect(ws_url(server), origin=ALLOWED, additional_headers=with_key) as ws:  # type: ignore[arg-type]
        assert (await first_event(ws))["type"] == "session.created"


def _conversation_of_session(http: httpx.Client, session_id: str) -> str | None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        for conv in http.get("/v1/conversations", params={"limit": 500}).json()["conversations"]:
            if conv["tags"].get("call_id") == session_id:
                return str(conv["id"])
        time.sleep(0.1)
    return None


async def test_sessions_belong_to_the_tenant_of_the_key(tmp_path: Path) -> None:
    """A client secret minted by an agent key (or the agent key itself) opens a session
    whose conversation only that tenant (and admins) can see; a metrics key cannot open one."""
    keys = "root-key,acme-key:agent:acme,beta-key:agent:beta,scrape-key:metrics"
    srv = start_server(tmp_path / "data", {"VOICE_AGENT_API_KEYS": keys}, speech=True)
    try:
        url = ws_url(srv)
        value = mint(srv, "acme-key", {"session": {"greeting": False}})["value"]
        protocols: Any = ["realtime", f"openai-insecure-api-key.{value}"]
        async with connect(url, subprotocols=protocols) as ws:
            created = await first_event(ws)
        by_secret = created["session"]["id"]
        async with connect(url, additional_headers={"Authorization": "Bearer acme-key"}) as ws:
            by_key = (await first_event(ws))["session"]["id"]
            await ws.send(json.dumps({"type": "session.update", "session": {"greeting": False}}))
            await next_of(ws, {"session.updated"})
        acme, beta, root = srv.client("acme-key"), srv.client("beta-key"), srv.client("root-key")
        with acme, beta, root:
            for session in (by_secret, by_key):
                cid = _conversation_of_session(acme, session)
                assert cid is not None, session
                assert acme.get(f"/v1/conversations/{cid}").status_code == 200
                assert beta.get(f"/v1/conversations/{cid}").status_code == 404
                assert root.get(f"/v1/conversations/{cid}").status_code == 200
        scrape = {"Authorization": "Bearer scrape-key"}
        assert await refused(url, additional_headers=scrape) == (403, "insufficient_scope")
        assert await refused(f"{url}?api_key=acme-key") == (400, "api_key_in_url")
    finally:
        srv.stop()
