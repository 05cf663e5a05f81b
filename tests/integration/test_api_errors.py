"""Every error of the REST API, against the real server: status, code, body shape, and
that a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.integration.conftest import API_KEY, MAX_BODY_BYTES, MAX_TEXT_CHARS

PROTECTED = [
    ("POST", "/v1/conversations"),
    ("GET", "/v1/conversations"),
    ("GET", "/v1/conversations/{id}"),
    ("POST", "/v1/conversations/{id}/messages"),
    ("POST", "/v1/conversations/{id}/outcome"),
]


def expect_error(r: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    assert isinstance(body["error"]["message"], str) and body["error"]["message"].strip()
    return dict(body["error"])


@pytest.fixture
def cid(client: httpx.Client) -> str:
    r = client.post("/v1/conversations", json={"lang": "en"})
    assert r.status_code == 201
    return str(r.json()["id"])


def turns_of(client: httpx.Client, cid: str) -> list[dict[str, Any]]:
    r = client.get(f"/v1/conversations/{cid}")
    assert r.status_code == 200
    return list(r.json()["turns"])


# -- 401 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_missing_key(anon: httpx.Client, cid: str, method: str, path: str) -> None:
    r = anon.request(method, path.format(id=cid), json={"text": "hi", "converted": True})
    err = expect_error(r, 401, "unauthorized")
    assert "Bearer" in err["message"]
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_wrong_key(anon: httpx.Client, cid: str, method: str, path: str) -> None:
    r = anon.request(
        method,
        path.format(id=cid),
        json={"text": "hi"},
        headers={"Authorization": "Bearer not-the-key"},
    )
    expect_error(r, 401, "invalid_api_key")


@pytest.mark.parametrize("header", [f"Basic {API_KEY}", "Bearer", API_KEY, "Token abc"])
def test_malformed_authorization(anon: httpx.Client, header: str) -> None:
    r = anon.get("/v1/conversations", headers={"Authorization": header})
    expect_error(r, 401, "unauthorized")


def test_rest_does_not_take_the_key_from_the_url(anon: httpx.Client) -> None:
    """Keys stay out of URLs and logs: ``?api_key=`` is refused with its own code."""
    r = anon.get("/v1/conversations", params={"api_key": API_KEY})
    expect_error(r, 400, "api_key_in_url")


def test_key_is_checked_before_the_body(anon: httpx.Client) -> None:
    r = anon.post("/v1/conversations", content=b"{not json")
    expect_error(r, 401, "unauthorized")


def test_refused_messages_store_nothing(anon: httpx.Client, client: httpx.Client, cid: str) -> None:
    before = turns_of(client, cid)
    anon.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"})
    anon.post(
        f"/v1/conversations/{cid}/outcome",
        json={"converted": True},
        headers={"Authorization": "Bearer nope"},
    )
    assert turns_of(client, cid) == before
    assert client.get(f"/v1/conversations/{cid}").json()["status"] == "open"


# -- 404 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("GET", "", None),
        ("POST", "/messages", {"text": "hello"}),
        ("POST", "/outcome", {"converted": False}),
    ],
)
def test_unknown_conversation(
    client: httpx.Client, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    r = client.request(method, f"/v1/conversations/0123456789abcdef{suffix}", json=body)
    err = expect_error(r, 404, "conversation_not_found")
    assert "0123456789abcdef" in err["message"]


def test_unknown_route(client: httpx.Client) -> None:
    expect_error(client.get("/v1/nothing-here"), 404, "not_found")


def test_wrong_method(client: httpx.Client, cid: str) -> None:
    r = client.delete(f"/v1/conversations/{cid}")
    expect_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD"
    # two routes share this path: Allow names the methods of both
    r = client.put("/v1/conversations")
    expect_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "GET, HEAD, POST"
    r = client.get(f"/v1/conversations/{cid}/messages")
    expect_error(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"


# -- 409 ------------------------------------------------------------------------------------
def test_ended_conversation(client: httpx.Client, cid: str) -> None:
    assert client.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}).status_code == 200
    r = client.post(f"/v1/conversations/{cid}/outcome", json={"converted": False})
    assert r.status_code == 200
    before = turns_of(client, cid)
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": "one more thing"})
    err = expect_error(r, 409, "conversation_ended")
    assert cid in err["message"]
    r = client.post(f"/v1/conversations/{cid}/outcome", json={"converted": True})
    expect_error(r, 409, "conversation_ended")
    conv = client.get(f"/v1/conversations/{cid}").json()
    assert conv["turns"] == before
    assert conv["outcome"] == {"converted": False, "value": None}


# -- 422 text -------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\t  \n"])
def test_empty_text(client: httpx.Client, cid: str, text: str) -> None:
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": text})
    expect_error(r, 422, "empty_text")
    assert len(turns_of(client, cid)) == 1  # only the greeting


@pytest.mark.parametrize("char", ["a", "é", "語"])
def test_text_too_long(client: httpx.Client, cid: str, char: str) -> None:
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": char * (MAX_TEXT_CHARS + 1)})
    err = expect_error(r, 422, "text_too_long")
    assert str(MAX_TEXT_CHARS) in err["message"]
    assert len(turns_of(client, cid)) == 1


def test_text_at_the_limit_is_accepted(client: httpx.Client, cid: str) -> None:
    text = ("price " * MAX_TEXT_CHARS)[:MAX_TEXT_CHARS]
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": f"  {text}  "})
    assert r.status_code == 200, r.text


# -- 413 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("suffix", ["", "/{id}/messages", "/{id}/outcome"])
def test_payload_too_large(client: httpx.Client, cid: str, suffix: str) -> None:
    body = b'{"text": "' + b"x" * (MAX_BODY_BYTES + 10) + b'"}'
    r = client.post(
        "/v1/conversations" + suffix.format(id=cid),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    err = expect_error(r, 413, "payload_too_large")
    assert str(MAX_BODY_BYTES) in err["message"]


def test_payload_too_large_without_content_length(client: httpx.Client, cid: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(MAX_BODY_BYTES // 500 + 2):
            yield b"y" * 500
        yield b'"}'

    r = client.post(f"/v1/conversations/{cid}/messages", content=chunks())
    assert "content-length" not in r.request.headers
    expect_error(r, 413, "payload_too_large")
    assert len(turns_of(client, cid)) == 1


# -- 400 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "body",
    [b"", b"{", b'{"text": "hi",}', b"text=hi", b"\xff\xfe{}", b"[]", b'"hi"', b"null", b"42"],
)
def test_invalid_json(client: httpx.Client, cid: str, body: bytes) -> None:
    r = client.post(
        f"/v1/conversations/{cid}/messages",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    expect_error(r, 400, "invalid_json")


def test_integer_too_long_to_parse(client: httpx.Client, cid: str) -> None:
    body = b'{"text": ' + b"9" * 4400 + b"}"  # over Python's int parsing limit, under ours
    assert len(body) < MAX_BODY_BYTES
    r = client.post(
        f"/v1/conversations/{cid}/messages",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    expect_error(r, 400, "invalid_json")


def test_invalid_json_on_create_and_outcome(client: httpx.Client, cid: str) -> None:
    expect_error(client.post("/v1/conversations", content=b"{lang: en}"), 400, "invalid_json")
    r = client.post(f"/v1/conversations/{cid}/outcome", content=b"converted")
    expect_error(r, 400, "invalid_json")
    assert client.get(f"/v1/conversations/{cid}").json()["status"] == "open"


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/{id}/outcome", b'{"converted": true, "value": Infinity}'),
        ("/{id}/outcome", b'{"converted": true, "value": 1e999}'),
        ("/{id}/outcome", b'{"converted": true, "value": NaN}'),
        ("", b'{"customer": {"budget": -Infinity}}'),
        ("", b'{"customer": {"budget": 1e400}}'),
    ],
)
def test_non_finite_numbers_are_refused(
    client: httpx.Client, cid: str, suffix: str, body: bytes
) -> None:
    """NaN/Infinity are not JSON; accepting them would store values no response can render."""
    r = client.post(
        "/v1/conversations" + suffix.format(id=cid),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    err = expect_error(r, 400, "invalid_json")
    assert "finite" in err["message"]
    conv = client.get(f"/v1/conversations/{cid}")
    assert conv.status_code == 200
    assert conv.json()["status"] == "open"


@pytest.mark.parametrize(
    ("suffix", "body"),
    [
        ("/{id}/messages", b'{"text": "hi \\ud800 there"}'),
        ("/{id}/messages", b'{"text": "\\udfff"}'),
        ("", b'{"customer": {"name": "\\udc00"}}'),
    ],
)
def test_lone_surrogates_are_refused(
    client: httpx.Client, cid: str, suffix: str, body: bytes
) -> None:
    """Such strings cannot be stored or sent back as UTF-8; accepting one broke the turn
    (500) and every later read of the conversation."""
    r = client.post(
        "/v1/conversations" + suffix.format(id=cid),
        content=body,
        headers={"Content-Type": "application/json"},
    )
    expect_error(r, 400, "invalid_json")
    assert len(turns_of(client, cid)) == 1
    ok = client.post(f"/v1/conversations/{cid}/messages", json={"text": "I want energy"})
    assert ok.status_code == 200
    assert ok.json()["turn"] == 1


def test_unusual_but_valid_text_round_trips(client: httpx.Client, cid: str) -> None:
    text = "nul \x00 byte, emoji \U0001f4aa, rtl \u05e9\u05dc\u05d5\u05dd"
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    assert turns_of(client, cid)[1]["text"] == text
    pair = b'{"text": "\\ud83d\\ude00 a surrogate pair escape is fine"}'
    r = client.post(
        f"/v1/conversations/{cid}/messages",
        content=pair,
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 200, r.text
    assert turns_of(client, cid)[3]["text"] == "\U0001f600 a surrogate pair escape is fine"


def _nested(depth: int) -> bytes:
    """A body ``depth`` levels deep: {"customer": {"a": [[...[1]...]]}}."""
    lists = depth - 2
    return ('{"customer": {"a": ' + "[" * lists + "1" + "]" * lists + "}}").encode()


@pytest.mark.parametrize("depth", [33, 900, 1200])
def test_too_deeply_nested_body_is_refused(client: httpx.Client, depth: int) -> None:
    """Deep values blew the recursion limit in the JSON parser or, later, when stored or
    rendered: 500, and a conversation no response could show."""
    body = _nested(depth)
    assert len(body) < MAX_BODY_BYTES
    before = client.get("/v1/conversations", params={"limit": 1}).json()
    r = client.post("/v1/conversations", content=body, headers={"Content-Type": "application/json"})
    err = expect_error(r, 400, "invalid_json")
    assert "32 levels" in err["message"]
    assert client.get("/v1/conversations", params={"limit": 1}).json() == before


def test_nesting_up_to_the_limit_is_accepted(client: httpx.Client) -> None:
    r = client.post(
        "/v1/conversations", content=_nested(32), headers={"Content-Type": "application/json"}
    )
    assert r.status_code == 201, r.text
    got = client.get(f"/v1/conversations/{r.json()['id']}")
    assert got.status_code == 200
    assert "a" in got.json()["customer"]


# -- 422 invalid_field ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"text": 5}, "text"),
        ({"text": None}, "text"),
        ({"text": ["hi"]}, "text"),
        ({}, "text"),
        ({"text": "hi", "lang": "en"}, "lang"),
    ],
)
def test_message_invalid_field(client: httpx.Client, cid: str, body: Any, field: str) -> None:
    r = client.post(f"/v1/conversations/{cid}/messages", json=body)
    err = expect_error(r, 422, "invalid_field")
    assert field in err["message"]
    assert len(turns_of(client, cid)) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"converted": "yes"}, "converted"),
        ({"converted": 1}, "converted"),
        ({}, "converted"),
        ({"converted": True, "value": -5}, "value"),
        ({"converted": True, "value": "lots"}, "value"),
        ({"converted": True, "note": "x"}, "note"),
    ],
)
def test_outcome_invalid_field(client: httpx.Client, cid: str, body: Any, field: str) -> None:
    r = client.post(f"/v1/conversations/{cid}/outcome", json=body)
    err = expect_error(r, 422, "invalid_field")
    assert field in err["message"]
    conv = client.get(f"/v1/conversations/{cid}").json()
    assert conv["status"] == "open" and conv["outcome"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"lang": "fr"}, "lang"),
        ({"lang": 5}, "lang"),
        ({"customer": "bob"}, "customer"),
        ({"channel": ""}, "channel"),
        ({"channel": 7}, "channel"),
        ({"language": "en"}, "language"),
    ],
)
def test_create_invalid_field(client: httpx.Client, body: Any, field: str) -> None:
    before = client.get("/v1/conversations", params={"limit": 1}).json()["conversations"]
    r = client.post("/v1/conversations", json=body)
    err = expect_error(r, 422, "invalid_field")
    assert field in err["message"]
    after = client.get("/v1/conversations", params={"limit": 1}).json()["conversations"]
    assert after == before


@pytest.mark.parametrize("limit", ["abc", "0", "501", "-1", "1.5"])
def test_list_invalid_limit(client: httpx.Client, limit: str) -> None:
    r = client.get("/v1/conversations", params={"limit": limit})
    err = expect_error(r, 422, "invalid_field")
    assert "limit" in err["message"]


# -- the conversation still works after all that --------------------------------------------
def test_conversation_works_after_refused_requests(client: httpx.Client, cid: str) -> None:
    url = f"/v1/conversations/{cid}/messages"
    client.post(url, json={"text": ""})
    client.post(url, json={"text": 5})
    client.post(url, content=b"{")
    client.post(url, json={"text": "z" * (MAX_TEXT_CHARS + 1)})
    r = client.post(url, json={"text": "I want more energy"})
    assert r.status_code == 200
    assert r.json()["turn"] == 1
    assert [t["index"] for t in turns_of(client, cid)] == [0, 1, 2]
