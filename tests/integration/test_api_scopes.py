"""Who sees what (finding 5): keys with roles and tenants, private metrics and readiness
details, metric labels from closed sets. Against the shared real server."""

from __future__ import annotations

import re

import httpx

from tests.integration.conftest import (
    AGENT_KEY,
    API_KEY,
    METRICS_KEY,
    OTHER_AGENT_KEY,
    OTHER_KEY,
)
from tests.integration.server import ServerProcess


def _error(r: httpx.Response, status: int, code: str) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json()["error"]["code"] == code, r.text


def _start(server: ServerProcess, key: str, **body: object) -> str:
    with server.client(key) as c:
        r = c.post("/v1/conversations", json={"lang": "en", **body})
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_metrics_need_a_metrics_or_admin_key(server: ServerProcess) -> None:
    with server.client() as anon:
        _error(anon.get("/metrics"), 401, "unauthorized")
    with server.client("wrong") as bad:
        _error(bad.get("/metrics"), 401, "invalid_api_key")
    with server.client(AGENT_KEY) as agent:
        _error(agent.get("/metrics"), 403, "insufficient_scope")
    for key in (METRICS_KEY, API_KEY):
        with server.client(key) as c:
            r = c.get("/metrics")
        assert r.status_code == 200
        assert "voice_agent_turn_seconds" in r.text


def test_readyz_status_for_anyone_details_for_metrics_and_admin(server: ServerProcess) -> None:
    with server.client() as anon:
        # the status and the call load (for load balancers), nothing about models or speech
        assert anon.get("/readyz").json() == {"status": "ready", "calls": {"active": 0, "max": 16}}
    for key in (METRICS_KEY, API_KEY):
        with server.client(key) as c:
            body = c.get("/readyz").json()
        assert body["status"] == "ready" and "models" in body and "speech" in body
    with server.client(AGENT_KEY) as agent:
        _error(agent.get("/readyz"), 403, "insufficient_scope")
    with server.client("wrong") as bad:
        _error(bad.get("/readyz"), 401, "invalid_api_key")


def test_a_metrics_key_cannot_use_the_conversation_api(server: ServerProcess) -> None:
    with server.client(METRICS_KEY) as c:
        _error(c.get("/v1/conversations"), 403, "insufficient_scope")
        _error(c.post("/v1/conversations", json={}), 403, "insufficient_scope")
        _error(c.post("/v1/realtime/client_secrets", json={}), 403, "insufficient_scope")


def test_an_agent_sees_only_its_tenants_conversations(server: ServerProcess) -> None:
    mine = _start(server, AGENT_KEY, customer={"name": "Ana"})
    theirs = _start(server, OTHER_AGENT_KEY, customer={"name": "Bea"})
    admins = _start(server, API_KEY)
    with server.client(AGENT_KEY) as a, server.client(OTHER_AGENT_KEY) as b:
        assert a.get(f"/v1/conversations/{mine}").json()["customer"] == {"name": "Ana"}
        listed = {c["id"] for c in a.get("/v1/conversations?limit=500").json()["conversations"]}
        assert mine in listed and theirs not in listed and admins not in listed
        # another tenant's conversation looks exactly like one that does not exist
        unknown = a.get("/v1/conversations/" + "f" * 32)
        for r in (
            a.get(f"/v1/conversations/{theirs}"),
            a.post(f"/v1/conversations/{theirs}/messages", json={"text": "hi"}),
            a.post(f"/v1/conversations/{theirs}/outcome", json={"converted": True}),
            a.get(f"/v1/conversations/{admins}"),
        ):
            _error(r, 404, "conversation_not_found")
            assert r.json()["error"]["message"].replace(theirs, "").replace(admins, "") == (
                unknown.json()["error"]["message"].replace("f" * 32, "")
            )
        assert b.get(f"/v1/conversations/{theirs}").status_code == 200
        assert (
            b.post(f"/v1/conversations/{theirs}/messages", json={"text": "hi"}).status_code == 200
        )
    # admin keys (a bare key, like the generated one) see and manage everything
    for key in (API_KEY, OTHER_KEY):
        with server.client(key) as admin:
            listed = {
                c["id"] for c in admin.get("/v1/conversations?limit=500").json()["conversations"]
            }
            assert {mine, theirs, admins} <= listed
            assert admin.get(f"/v1/conversations/{theirs}").status_code == 200
    with server.client(API_KEY) as admin:
        r = admin.post(f"/v1/conversations/{mine}/outcome", json={"converted": False})
        assert r.status_code == 200


def test_client_chosen_channels_are_not_metric_labels(server: ServerProcess) -> None:
    """The ``channel`` field verbatim (control bytes included) was a label value; now any
    channel outside the known set is labelled ``other`` (and stored as sent)."""
    cid = _start(server, API_KEY, channel="evil\x07chan")
    with server.client(API_KEY) as c:
        assert c.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}).status_code == 200
        assert c.get(f"/v1/conversations/{cid}").json()["channel"] == "evil\x07chan"
        text = c.get("/metrics").text
    channels = set(re.findall(r'channel="([^"]*)"', text))
    assert "other" in channels
    assert channels <= {"api", "cli", "journeys", "realtime", "twilio", "audiosocket", "other"}
    assert "evil" not in text
    langs = set(re.findall(r'lang="([^"]*)"', text))
    assert langs <= {"en", "es", "other"}
    for line in text.splitlines():
        if line.startswith("voice_agent_outcomes_total{"):
            assert re.search(r'converted="(true|false)"', line)
