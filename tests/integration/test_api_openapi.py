"""The served OpenAPI document matches the API.

* every route of the app is in the document with its methods, and vice versa;
* real responses of the running server, for every documented status of every operation
  (except /readyz 503, which needs a broken store), validate against the documented
  response schema with ``jsonschema`` (Draft 2020-12; ``$ref``s resolve to the document's
  ``components``), with the documented content type, and no undocumented status occurs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from starlette.routing import Route

from tests.integration.conftest import AGENT_KEY, MAX_BODY_BYTES, MAX_TEXT_CHARS, METRICS_KEY
from tests.integration.server import ServerProcess
from voice_agent.api.app import routes

NOT_EXERCISED = {
    # need a server with the Twilio settings: checked in tests/integration/test_telephony.py
    ("/v1/telephony/twilio/voice", "post", "200"),
    ("/v1/telephony/twilio/voice", "post", "403"),
    ("/v1/telephony/twilio/voice", "post", "413"),
    ("/v1/telephony/twilio/after", "post", "200"),
    ("/v1/telephony/twilio/after", "post", "403"),
    ("/v1/telephony/twilio/after", "post", "413"),
    # need a server with the demo off: checked in tests/integration/test_web.py
    ("/", "get", "404"),
    ("/demo/client_secret", "post", "404"),
    # need a server with small limits: checked in tests/integration/test_limits.py
    ("/v1/conversations", "post", "429"),
    ("/v1/conversations", "get", "429"),
    ("/v1/conversations/{id}", "get", "429"),
    ("/v1/conversations/{id}/messages", "post", "429"),
    ("/v1/conversations/{id}/outcome", "post", "429"),
    ("/v1/realtime/client_secrets", "post", "429"),
    ("/v1/experiments", "get", "429"),
    # a stopping server (shutting_down): checked in tests/integration/test_call_endings.py
    ("/v1/conversations", "post", "503"),
}


class Checker:
    def __init__(self, doc: dict[str, Any], client: httpx.Client) -> None:
        self.doc = doc
        self.client = client
        self.seen: set[tuple[str, str, str]] = set()

    def call(
        self, method: str, template: str, path: str | None = None, **kw: Any
    ) -> httpx.Response:
        r = self.client.request(method, path or template, **kw)
        status = str(r.status_code)
        op = self.doc["paths"][template][method.lower()]
        assert status in op["responses"], f"{method} {template} -> undocumented {status}: {r.text}"
        documented = op["responses"][status]
        content = documented.get("content", {})
        if not content:  # 304
            assert not r.content, f"{method} {template} {status}: a body where none is documented"
            self.seen.add((template, method.lower(), status))
            return r
        ctype = r.headers.get("content-type", "").split(";")[0].strip()
        assert ctype in content, f"{method} {template} {status}: {ctype} not in {list(content)}"
        schema = content[ctype]["schema"]
        body: Any = r.json() if ctype == "application/json" else r.text
        validator = Draft202012Validator({**schema, "components": self.doc["components"]})
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
        assert not errors, f"{method} {template} {status}: {[e.message for e in errors]}"
        self.seen.add((template, method.lower(), status))
        return r


@pytest.fixture(scope="module")
def doc(server: ServerProcess) -> dict[str, Any]:
    r = httpx.get(f"{server.url}/v1/openapi.json", timeout=10)
    assert r.status_code == 200
    assert r.json()["openapi"].startswith("3.1")
    return dict(r.json())


@pytest.fixture
def checker(doc: dict[str, Any], client: httpx.Client) -> Iterator[Checker]:
    yield Checker(doc, client)


def test_routes_and_document_agree(doc: dict[str, Any]) -> None:
    app_routes: dict[str, set[str]] = {}
    for r in routes():
        if isinstance(r, Route):
            app_routes.setdefault(r.path, set()).update(
                m.lower() for m in (r.methods or ()) if m != "HEAD"
            )
    documented = {
        path: {m for m in item if m in {"get", "post", "put", "patch", "delete"}}
        for path, item in doc["paths"].items()
    }
    assert documented == app_routes


def test_documented_methods_answer_and_others_do_not(
    doc: dict[str, Any], client: httpx.Client
) -> None:
    for path, item in doc["paths"].items():
        url = path.replace("{id}", "0" * 32)
        for method in {"get", "post", "put", "patch", "delete"} - set(item):
            r = client.request(method.upper(), url)
            assert r.status_code == 405, (method, path, r.status_code)


def test_every_documented_response_validates(doc: dict[str, Any], checker: Checker) -> None:
    c = checker
    bad_key = {"Authorization": "Bearer wrong"}
    metrics_key = {"Authorization": f"Bearer {METRICS_KEY}"}
    agent_key = {"Authorization": f"Bearer {AGENT_KEY}"}
    big = b'{"text": "' + b"x" * (MAX_BODY_BYTES + 1) + b'"}'
    json_ct = {"Content-Type": "application/json"}

    # public
    c.call("GET", "/healthz")
    c.call("GET", "/readyz")
    c.call("GET", "/readyz", headers=bad_key)
    c.call("GET", "/readyz", headers=agent_key)
    c.call("GET", "/readyz", "/readyz?for=calls")  # 503 no_speech: this server has none
    c.call("GET", "/readyz", "/readyz?for=everything")
    c.call("GET", "/v1/openapi.json")

    # create
    created = c.call("POST", "/v1/conversations", json={"lang": "es", "customer": {"name": "Eva"}})
    cid = created.json()["id"]
    c.call("POST", "/v1/conversations", content=b"{", headers=json_ct)
    c.call("POST", "/v1/conversations", json={}, headers=bad_key)
    c.call("POST", "/v1/conversations", json={}, headers=metrics_key)
    c.call("POST", "/v1/conversations", content=big, headers=json_ct)
    c.call("POST", "/v1/conversations", json={"lang": "fr"})

    # messages
    msgs = "/v1/conversations/{id}/messages"
    at = msgs.format(id=cid)
    for text in ("quiero más energía", "es muy caro para mí", "¿cómo empiezo?"):
        c.call("POST", msgs, at, json={"text": text})
    c.call("POST", msgs, at, content=b"nope", headers=json_ct)
    c.call("POST", msgs, at, json={"text": "x"}, headers=bad_key)
    c.call("POST", msgs, at, json={"text": "x"}, headers=metrics_key)
    c.call("POST", msgs, at, content=big, headers=json_ct)
    c.call("POST", msgs, at, json={"text": ""})
    c.call("POST", msgs, at, json={"text": "x" * (MAX_TEXT_CHARS + 1)})
    c.call("POST", msgs, at, json={"text": 5})
    c.call("POST", msgs, msgs.format(id="f" * 32), json={"text": "hi"})

    # read
    one = "/v1/conversations/{id}"
    got = c.call("GET", one, one.format(id=cid))
    assert len(got.json()["turns"]) == 7
    c.call("GET", one, one.format(id=cid), headers=bad_key)
    c.call("GET", one, one.format(id=cid), headers=metrics_key)
    c.call("GET", one, one.format(id="f" * 32))
    c.call("GET", "/v1/conversations")
    c.call("GET", "/v1/conversations", headers=bad_key)
    c.call("GET", "/v1/conversations", headers=metrics_key)
    c.call("GET", "/v1/conversations", params={"limit": "0"})

    # outcome
    out = "/v1/conversations/{id}/outcome"
    at = out.format(id=cid)
    c.call("POST", out, at, content=b"{,}", headers=json_ct)
    c.call("POST", out, at, json={"converted": True}, headers=bad_key)
    c.call("POST", out, at, json={"converted": True}, headers=metrics_key)
    c.call("POST", out, at, content=big, headers=json_ct)
    c.call("POST", out, at, json={"converted": "yes"})
    c.call("POST", out, out.format(id="f" * 32), json={"converted": True})
    c.call("POST", out, at, json={"converted": True, "value": 490})
    c.call("POST", out, at, json={"converted": True})
    c.call("POST", msgs, msgs.format(id=cid), json={"text": "hola otra vez"})
    ended = c.call("GET", one, one.format(id=cid))
    assert ended.json()["status"] == "ended"

    # realtime client secrets
    cs = "/v1/realtime/client_secrets"
    minted = c.call("POST", cs, json={"session": {"language": "es"}})
    assert minted.json()["value"].startswith("ek_")
    c.call("POST", cs, content=b"{", headers=json_ct)
    c.call("POST", cs, json={}, headers=bad_key)
    c.call("POST", cs, json={}, headers=metrics_key)
    c.call("POST", cs, json={}, headers={"Authorization": f"Bearer {minted.json()['value']}"})
    c.call("POST", cs, content=big, headers=json_ct)
    c.call("POST", cs, json={"expires_after": {"seconds": 5}})
    c.call("POST", cs, json={"session": {"language": "fr"}})

    # the browser routes (this server listens on loopback: the demo is on)
    c.call("GET", "/")
    proxied = {"X-Forwarded-For": "203.0.113.9", "Authorization": ""}
    c.call("GET", "/", headers=proxied)
    demo = "/demo/client_secret"
    c.call("POST", demo, json={"lang": "es"})
    c.call("POST", demo, content=b"{", headers=json_ct)
    c.call("POST", demo, json={}, headers=proxied)
    c.call("POST", demo, json={}, headers={"Origin": "http://evil.example"})
    c.call("POST", demo, content=big, headers=json_ct)
    c.call("POST", demo, json={"lang": "fr"})
    widget = c.call("GET", "/widget.js")
    c.call("GET", "/widget.js", headers={"If-None-Match": widget.headers["etag"]})
    css = c.call("GET", "/static/{name}", "/static/demo.css")
    c.call(
        "GET", "/static/{name}", "/static/demo.css", headers={"If-None-Match": css.headers["etag"]}
    )
    c.call("GET", "/static/{name}", "/static/nope.js")

    # telephony is not set up on this server
    c.call("POST", "/v1/telephony/twilio/voice", data={"CallSid": "CA1"})
    c.call("POST", "/v1/telephony/twilio/after", data={"CallSid": "CA1"})

    # no experiment runs on this server (one does in tests/integration/test_experiments.py)
    assert c.call("GET", "/v1/experiments").json() == {"experiments": []}
    c.call("GET", "/v1/experiments", headers=bad_key)
    c.call("GET", "/v1/experiments", headers=agent_key)

    # metrics last, after turns were counted
    metrics = c.call("GET", "/metrics")
    assert "voice_agent_turn_seconds" in metrics.text
    c.call("GET", "/metrics", headers=bad_key)
    c.call("GET", "/metrics", headers=agent_key)

    documented = {
        (path, method, status)
        for path, item in doc["paths"].items()
        for method, op in item.items()
        for status in op["responses"]
    }
    assert documented - NOT_EXERCISED == c.seen
