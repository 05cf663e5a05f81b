"""``Idempotency-Key`` on messages and outcomes (finding 6): a retried request gets the same
reply and is stored once. Against the shared real server."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.integration.conftest import AGENT_KEY, API_KEY, OTHER_AGENT_KEY
from tests.integration.server import ServerProcess


@pytest.fixture
def cid(client: httpx.Client) -> str:
    r = client.post("/v1/conversations", json={"lang": "en"})
    assert r.status_code == 201
    return str(r.json()["id"])


def _turns(client: httpx.Client, cid: str) -> list[str]:
    return [t["text"] for t in client.get(f"/v1/conversations/{cid}").json()["turns"]]


def test_a_retried_message_gets_the_same_reply_and_is_stored_once(
    client: httpx.Client, cid: str
) -> None:
    key = {"Idempotency-Key": f"msg-{uuid.uuid4()}"}
    first = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "too pricey"}, headers=key
    )
    assert first.status_code == 200, first.text
    again = client.post(
        f"/v1/conversations/{cid}/messages", json={"text": "too pricey"}, headers=key
    )
    assert (again.status_code, again.json()) == (200, first.json())
    assert _turns(client, cid).count("too pricey") == 1
    # without a key, the same text is a new turn, as before
    plain = client.post(f"/v1/conversations/{cid}/messages", json={"text": "too pricey"})
    assert plain.status_code == 200 and plain.json()["turn"] == first.json()["turn"] + 2
    assert _turns(client, cid).count("too pricey") == 2


def test_concurrent_copies_store_one_turn(
    server: ServerProcess, client: httpx.Client, cid: str
) -> None:
    key = {"Idempotency-Key": f"race-{uuid.uuid4()}"}

    def post(_: int) -> httpx.Response:
        with server.client(API_KEY) as c:
            return c.post(f"/v1/conversations/{cid}/messages", json={"text": "race"}, headers=key)

    with ThreadPoolExecutor(4) as pool:
        replies = list(pool.map(post, range(4)))
    assert {r.status_code for r in replies} == {200}
    assert len({r.text for r in replies}) == 1
    assert _turns(client, cid).count("race") == 1


def test_the_same_key_with_another_body_is_refused(client: httpx.Client, cid: str) -> None:
    key = {"Idempotency-Key": f"reuse-{uuid.uuid4()}"}
    assert (
        client.post(
            f"/v1/conversations/{cid}/messages", json={"text": "a"}, headers=key
        ).status_code
        == 200
    )
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": "b"}, headers=key)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "idempotency_key_reused"
    assert "b" not in _turns(client, cid)


@pytest.mark.parametrize("bad", [b"", b"x" * 256, "café".encode(), b"a b"])
def test_malformed_keys_are_refused(client: httpx.Client, cid: str, bad: bytes) -> None:
    r = client.post(
        f"/v1/conversations/{cid}/messages",
        json={"text": "hi"},
        headers={"Idempotency-Key": bad},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["code"] == "invalid_idempotency_key"


def test_keys_are_per_tenant(server: ServerProcess) -> None:
    key = {"Idempotency-Key": f"shared-{uuid.uuid4()}"}
    for agent in (AGENT_KEY, OTHER_AGENT_KEY):
        with server.client(agent) as c:
            conv = c.post("/v1/conversations", json={}).json()["id"]
            r = c.post(f"/v1/conversations/{conv}/messages", json={"text": "hello"}, headers=key)
            assert r.status_code == 200, r.text
            assert r.json()["conversation_id"] == conv


def test_a_retried_outcome_gets_the_same_reply(client: httpx.Client, cid: str) -> None:
    key = {"Idempotency-Key": f"out-{uuid.uuid4()}"}
    body = {"converted": True, "value": 99.0}
    first = client.post(f"/v1/conversations/{cid}/outcome", json=body, headers=key)
    assert first.status_code == 200, first.text
    again = client.post(f"/v1/conversations/{cid}/outcome", json=body, headers=key)
    assert (again.status_code, again.json()) == (200, first.json())
    other = client.post(f"/v1/conversations/{cid}/outcome", json={"converted": False}, headers=key)
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    # without the key, the second outcome is refused as before
    plain = client.post(f"/v1/conversations/{cid}/outcome", json=body)
    assert plain.status_code == 409
