"""The browser routes against the real server (a subprocess, no speech, no browser): the demo
page and its client secrets (who may use them, per VOICE_AGENT_DEMO and the listening
address), and the public widget files (types, CORS, ETag revalidation)."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus
from websockets.typing import Origin

from tests.integration.server import (
    ServerProcess,
    run_serve_expecting_exit,
    running_server,
    stored_api_key,
)

ASSETS = {
    "/widget.js": "text/javascript; charset=utf-8",
    "/static/widget-worklet.js": "text/javascript; charset=utf-8",
    "/static/demo.js": "text/javascript; charset=utf-8",
    "/static/demo.css": "text/css; charset=utf-8",
}
CHALLENGE = 'Basic realm="voice-agent demo"'


def basic(password: str, user: str = "demo") -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return {"Authorization": f"Basic {token}"}


def code_of(r: httpx.Response) -> str:
    code: str = r.json()["error"]["code"]
    return code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """The README's first command: the default host (127.0.0.1), the default demo (auto), a
    key generated in the data directory."""
    with running_server(tmp_path_factory, "web", {}) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_key(server: ServerProcess) -> str:
    return stored_api_key(server)


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client() as c:
        yield c


def own_origin(server: ServerProcess) -> str:
    return f"http://127.0.0.1:{server.port}"


# -- the loopback default ---------------------------------------------------------------------
def test_listening_line_points_at_the_demo(server: ServerProcess) -> None:
    assert server.listening["demo"] == f"http://127.0.0.1:{server.port}/"


def test_demo_page_needs_no_key_from_this_machine(http: httpx.Client) -> None:
    r = http.get("/")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "/widget.js" in r.text and 'data-token-url="/demo/client_secret"' in r.text


@pytest.mark.parametrize(("path", "media_type"), sorted(ASSETS.items()))
def test_assets_are_public_cors_open_and_revalidated(
    http: httpx.Client, path: str, media_type: str
) -> None:
    r = http.get(path, headers={"Origin": "https://shop.example.com"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == media_type
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cache-control"] == "no-cache"
    assert r.headers["x-content-type-options"] == "nosniff"
    etag = r.headers["etag"]
    assert etag.startswith('"') and len(etag) > 2
    assert r.content
    again = http.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["access-control-allow-origin"] == "*"
    weak = http.get(path, headers={"If-None-Match": f'"stale", W/{etag}'})
    assert weak.status_code == 304
    stale = http.get(path, headers={"If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == r.content
    head = http.head(path)
    assert head.status_code == 200 and head.headers["etag"] == etag


def test_the_etags_differ(http: httpx.Client) -> None:
    etags = [http.get(path).headers["etag"] for path in ASSETS]
    assert len(set(etags)) == len(etags)


def test_the_widget_is_also_under_static(http: httpx.Client) -> None:
    top, under = http.get("/widget.js"), http.get("/static/widget.js")
    assert under.status_code == 200 and under.content == top.content


@pytest.mark.parametrize("path", ["/static/nope.js", "/static/demo.html", "/static/api_key"])
def test_unknown_static_files_and_the_page_itself_are_404(http: httpx.Client, path: str) -> None:
    r = http.get(path)
    assert r.status_code == 404, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert code_of(r) == "not_found"


def test_no_path_escapes_the_static_folder(http: httpx.Client) -> None:
    for path in ("/static/..%2Fapp.py", "/static/%2e%2e/routes.py", "/static/"):
        r = http.get(path)
        assert r.status_code == 404, (path, r.text)


def test_demo_client_secret_opens_one_spanish_session(
    server: ServerProcess, http: httpx.Client
) -> None:
    r = http.post("/demo/client_secret", json={"lang": "es"})
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store"
    minted = r.json()
    assert set(minted) >= {"value", "expires_at", "session"}
    assert minted["value"].startswith("ek_")
    assert minted["session"]["language"] == "es"
    assert 45 <= minted["expires_at"] - time.time() <= 61
    english = http.post("/demo/client_secret", json={})
    assert english.status_code == 200, english.text
    assert english.json()["session"]["language"] == "en"


async def test_the_demo_key_opens_realtime_once(server: ServerProcess) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as http:
        r = await http.post(
            "/demo/client_secret", json={"lang": "es"}, headers={"Origin": own_origin(server)}
        )
    assert r.status_code == 200, r.text
    value = r.json()["value"]
    url = f"ws://127.0.0.1:{server.port}/v1/realtime"
    protocols: Any = ["realtime", f"openai-insecure-api-key.{value}"]
    # as the demo page does: the key as a subprotocol, the page's own origin
    async with connect(
        url, subprotocols=protocols, origin=Origin(own_origin(server)), open_timeout=20
    ) as ws:
        assert ws.subprotocol == "realtime"
        event = json.loads(await asyncio.wait_for(ws.recv(), 20))
    # --no-speech: the key was accepted, then the session says why it cannot talk
    assert event["type"] == "error"
    assert event["error"]["code"] == "speech_unavailable"
    with pytest.raises(InvalidStatus) as info:
        async with connect(url, subprotocols=protocols, open_timeout=20):
            pass
    response = info.value.response
    assert response.status_code == 401
    assert json.loads(response.body or b"{}")["error"]["code"] == "client_secret_used"


@pytest.mark.parametrize("lang", ["fr", "", "fr-ES", 5, ["es"], {"code": "es"}])
def test_a_language_not_offered_is_422(http: httpx.Client, lang: object) -> None:
    r = http.post("/demo/client_secret", json={"lang": lang})
    assert r.status_code == 422, r.text
    assert code_of(r)
    assert "lang" in r.json()["error"]["message"]


@pytest.mark.parametrize(("lang", "expected"), [("ES", "es"), ("es-MX", "es"), ("en-GB", "en")])
def test_a_language_tag_names_its_language(http: httpx.Client, lang: str, expected: str) -> None:
    r = http.post("/demo/client_secret", json={"lang": lang})
    assert r.status_code == 200, r.text
    assert r.json()["session"]["language"] == expected


def test_an_unknown_field_is_422(http: httpx.Client) -> None:
    r = http.post("/demo/client_secret", json={"lang": "en", "instructions": "be rude"})
    assert r.status_code == 422, r.text
    assert code_of(r) == "invalid_field"
    assert "instructions" in r.json()["error"]["message"]


@pytest.mark.parametrize("body", [b"not json", b"[]", b'"es"'])
def test_a_body_that_is_not_an_object_is_400(http: httpx.Client, body: bytes) -> None:
    r = http.post("/demo/client_secret", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 400, r.text
    assert code_of(r) == "invalid_json"


@pytest.mark.parametrize(
    "origin", ["http://evil.example", "null", "http://127.0.0.1:1", "https://127.0.0.1"]
)
def test_another_sites_page_may_not_mint(http: httpx.Client, origin: str) -> None:
    r = http.post("/demo/client_secret", json={"lang": "en"}, headers={"Origin": origin})
    assert r.status_code == 403, r.text
    assert code_of(r) == "origin_not_allowed"


def test_the_demo_page_itself_may_mint(server: ServerProcess, http: httpx.Client) -> None:
    r = http.post(
        "/demo/client_secret", json={"lang": "en"}, headers={"Origin": own_origin(server)}
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "proxy",
    [
        {"X-Forwarded-For": "203.0.113.9"},
        {"Forwarded": "for=203.0.113.9"},
        {"X-Real-IP": "203.0.113.9"},
    ],
)
def test_behind_a_proxy_the_demo_asks_for_the_key(
    http: httpx.Client, api_key: str, proxy: dict[str, str]
) -> None:
    page = http.get("/", headers=proxy)
    assert page.status_code == 401, page.text
    assert page.headers["www-authenticate"].startswith(CHALLENGE)
    assert code_of(page) == "unauthorized"
    mint = http.post("/demo/client_secret", json={"lang": "en"}, headers=proxy)
    assert mint.status_code == 401, mint.text
    assert mint.headers["www-authenticate"].startswith(CHALLENGE)
    assert http.get("/", headers={**proxy, **basic(api_key)}).status_code == 200
    assert http.get("/", headers={**proxy, **basic(api_key, user="")}).status_code == 200
    bearer = {"Authorization": f"Bearer {api_key}"}
    assert http.get("/", headers={**proxy, **bearer}).status_code == 200
    minted = http.post(
        "/demo/client_secret", json={"lang": "es"}, headers={**proxy, **basic(api_key)}
    )
    assert minted.status_code == 200, minted.text
    assert minted.json()["session"]["language"] == "es"


def test_behind_a_proxy_a_wrong_key_or_a_client_secret_is_refused(
    http: httpx.Client, api_key: str
) -> None:
    proxy = {"X-Forwarded-For": "203.0.113.9"}
    wrong = http.get("/", headers={**proxy, **basic(api_key + "x")})
    assert wrong.status_code == 401, wrong.text
    assert code_of(wrong) == "invalid_api_key"
    assert wrong.headers["www-authenticate"].startswith(CHALLENGE)
    ek = http.post("/demo/client_secret", json={"lang": "en"}).json()["value"]
    assert ek.startswith("ek_")
    for auth in (basic(ek), {"Authorization": f"Bearer {ek}"}):
        r = http.get("/", headers={**proxy, **auth})
        assert r.status_code == 401, r.text
        assert code_of(r) == "invalid_api_key"
        r = http.post("/demo/client_secret", json={}, headers={**proxy, **auth})
        assert r.status_code == 401, r.text
    malformed = http.get("/", headers={**proxy, "Authorization": "Basic !!!"})
    assert malformed.status_code == 401 and code_of(malformed) == "unauthorized"


def test_a_page_rebound_to_loopback_needs_the_key(
    server: ServerProcess, http: httpx.Client
) -> None:
    host = f"rebound.example:{server.port}"
    page = http.get("/", headers={"Host": host})
    mint = http.post(
        "/demo/client_secret",
        json={"lang": "en"},
        headers={"Host": host, "Origin": f"http://{host}"},
    )
    assert (page.status_code, mint.status_code) == (401, 401), (page.text, mint.text)


def test_a_demo_client_secret_does_not_open_the_rest_api(http: httpx.Client) -> None:
    ek = http.post("/demo/client_secret", json={}).json()["value"]
    r = http.get("/v1/conversations", headers={"Authorization": f"Bearer {ek}"})
    assert r.status_code == 401, r.text


# -- VOICE_AGENT_DEMO=off ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def off_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory, "web-off", {"VOICE_AGENT_DEMO": "off"}) as srv:
        yield srv


def test_demo_off_hides_the_page_but_not_the_widget(off_server: ServerProcess) -> None:
    assert "demo" not in off_server.listening
    key = stored_api_key(off_server)
    with off_server.client() as http:
        for auth in ({}, basic(key)):
            page = http.get("/", headers=auth)
            assert page.status_code == 404, page.text
            assert code_of(page) == "demo_disabled"
            mint = http.post("/demo/client_secret", json={"lang": "en"}, headers=auth)
            assert mint.status_code == 404, mint.text
            assert code_of(mint) == "demo_disabled"
        widget = http.get("/widget.js")
        assert widget.status_code == 200
        assert widget.headers["access-control-allow-origin"] == "*"
        assert http.get("/static/widget-worklet.js").status_code == 200


# -- a server on every address ----------------------------------------------------------------
def test_auto_on_every_address_has_no_demo(tmp_path_factory: pytest.TempPathFactory) -> None:
    with running_server(
        tmp_path_factory,
        "web-any-auto",
        {},
        ("--host", "0.0.0.0"),
    ) as srv:
        assert "demo" not in srv.listening
        key = stored_api_key(srv)
        with srv.client() as http:
            for auth in ({}, basic(key)):
                page = http.get("/", headers=auth)
                assert page.status_code == 404, page.text
                assert code_of(page) == "demo_disabled"
            mint = http.post("/demo/client_secret", json={}, headers=basic(key))
            assert mint.status_code == 404 and code_of(mint) == "demo_disabled"
            assert http.get("/widget.js").status_code == 200


def test_on_on_every_address_asks_even_local_browsers_for_the_key(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    with running_server(
        tmp_path_factory,
        "web-any-on",
        {"VOICE_AGENT_DEMO": "on"},
        ("--host", "0.0.0.0"),
    ) as srv:
        assert srv.listening["demo"].endswith(f":{srv.port}/")
        key = stored_api_key(srv)
        with srv.client() as http:  # from 127.0.0.1: a loopback peer, not a loopback server
            page = http.get("/")
            assert page.status_code == 401, page.text
            assert page.headers["www-authenticate"].startswith(CHALLENGE)
            assert code_of(page) == "unauthorized"
            mint = http.post("/demo/client_secret", json={"lang": "es"})
            assert mint.status_code == 401, mint.text
            assert http.get("/", headers=basic(key, user="x")).status_code == 200
            wrong = http.get("/", headers=basic("nope", user="x"))
            assert wrong.status_code == 401 and code_of(wrong) == "invalid_api_key"
            minted = http.post(
                "/demo/client_secret",
                json={"lang": "es"},
                headers={**basic(key), "Origin": f"http://127.0.0.1:{srv.port}"},
            )
            assert minted.status_code == 200, minted.text
            assert minted.json()["session"]["language"] == "es"
            assert http.get("/widget.js").status_code == 200


def test_a_metrics_key_cannot_use_the_demo(tmp_path_factory: pytest.TempPathFactory) -> None:
    keys = "web-admin-key,web-agent-key:agent:shop,web-metrics-key:metrics"
    env = {"VOICE_AGENT_DEMO": "on", "VOICE_AGENT_API_KEYS": keys}
    with (
        running_server(
            tmp_path_factory,
            "web-scopes",
            env,
            ("--host", "0.0.0.0"),
        ) as srv,
        srv.client() as http,
    ):
        refused = http.get("/", headers=basic("web-metrics-key"))
        assert refused.status_code == 403 and code_of(refused) == "insufficient_scope"
        assert http.get("/", headers=basic("web-agent-key")).status_code == 200
        minted = http.post(
            "/demo/client_secret",
            json={"lang": "en"},
            headers={**basic("web-agent-key"), "Origin": f"http://127.0.0.1:{srv.port}"},
        )
        assert minted.status_code == 200, minted.text


# -- a bad setting ----------------------------------------------------------------------------
def test_a_bad_demo_setting_stops_the_server(tmp_path: Path) -> None:
    done = run_serve_expecting_exit(tmp_path / "data", {"VOICE_AGENT_DEMO": "maybe"})
    assert done.returncode == 2, done.stderr
    assert '"listening"' not in done.stdout
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("voice-agent: "), done.stderr
    assert "VOICE_AGENT_DEMO" in lines[0], done.stderr
    assert "Traceback" not in done.stderr
