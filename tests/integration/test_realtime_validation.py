"""Findings 1 and 2 of the hardening issue, against the real server (a subprocess with speech:
``/v1/realtime`` refuses sessions without it).

1. A lone UTF-16 surrogate (``"\\ud800"``) in a realtime ``session.update`` was stored and
   then made ``GET /v1/conversations`` answer 500 for every client.
2. ``NaN``, ``Infinity``, ``1e400``, booleans and out-of-range numbers where an integer is
   expected killed the session's reader: the socket closed 1000 with no ``error`` event.

Each bad event must now get an ``error`` event with its code and ``event_id``, the session
must go on (a valid ``session.update`` still answers ``session.updated``), REST must stay
healthy and the server log must hold no traceback.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from tests.integration.server import ServerProcess, running_server, stored_api_key

pytestmark = pytest.mark.slow

SURROGATE = "\\ud800"  # the JSON escape, sent as is


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    env = {"VOICE_AGENT_GREET_FIRST": "false"}
    with running_server(tmp_path_factory, "realtime-validation", env, speech=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def api_key(server: ServerProcess) -> str:
    return stored_api_key(server)


def ws_url(server: ServerProcess) -> str:
    return f"ws://127.0.0.1:{server.port}/v1/realtime"


async def next_of(ws: ClientConnection, kinds: tuple[str, ...], wait_s: float = 15.0) -> Any:
    """The next event of one of ``kinds`` (others skipped); fails on a close or a timeout."""
    deadline = time.monotonic() + wait_s
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kinds} within {wait_s} s"
        event = json.loads(await asyncio.wait_for(ws.recv(), left))
        if event["type"] in kinds:
            return event


def session_update(session_json: str, event_id: str) -> str:
    """A ``session.update`` with ``session_json`` spliced in verbatim (to send raw escapes)."""
    return f'{{"type":"session.update","event_id":"{event_id}","session":{session_json}}}'


def truncate(field: str, value: str, event_id: str) -> str:
    base = {"item_id": "item_x", "content_index": "0", "audio_end_ms": "100"}
    base[field] = value
    body = ",".join(f'"{k}":' + (f'"{v}"' if k == "item_id" else v) for k, v in base.items())
    return f'{{"type":"conversation.item.truncate","event_id":"{event_id}",{body}}}'


TD = '{"audio":{"input":{"turn_detection":{"type":"server_vad","%s":%s}}}}'

#: (raw event text, the error code it must get)
BAD_NUMBERS: list[tuple[str, str]] = [
    *[
        (truncate("audio_end_ms", value, f"evt_end_{i}"), code)
        for i, (value, code) in enumerate(
            [
                ("NaN", "invalid_json"),
                ("Infinity", "invalid_json"),
                ("-Infinity", "invalid_json"),
                ("1e400", "invalid_json"),
                ("true", "invalid_value"),
                ("-5", "invalid_value"),
                ("1.5", "invalid_value"),
                ("1" + "0" * 40, "invalid_value"),
                ('"12"', "invalid_value"),
            ]
        )
    ],
    (truncate("content_index", "NaN", "evt_ci_0"), "invalid_json"),
    (truncate("content_index", "-1", "evt_ci_1"), "invalid_value"),
    (truncate("content_index", "false", "evt_ci_2"), "invalid_value"),
    *[
        (session_update(TD % (name, value), f"evt_td_{i}"), code)
        for i, (name, value, code) in enumerate(
            [
                ("silence_duration_ms", "NaN", "invalid_json"),
                ("silence_duration_ms", "1e400", "invalid_json"),
                ("silence_duration_ms", "true", "invalid_value"),
                ("silence_duration_ms", "-100", "invalid_value"),
                ("prefix_padding_ms", "Infinity", "invalid_json"),
                ("prefix_padding_ms", "9" * 30, "invalid_value"),
                ("threshold", "NaN", "invalid_json"),
                ("threshold", "true", "invalid_value"),
                ("threshold", "1e308", "invalid_value"),
                ("threshold", "-0.5", "invalid_value"),
            ]
        )
    ],
]

BAD_TEXT: list[tuple[str, str]] = [
    (session_update(f'{{"customer":{{"name":"{SURROGATE}"}}}}', "evt_s_0"), "invalid_json"),
    (session_update(f'{{"customer":{{"{SURROGATE}":"x"}}}}', "evt_s_1"), "invalid_json"),
    (session_update(f'{{"instructions":"a{SURROGATE}b"}}', "evt_s_2"), "invalid_json"),
    (
        session_update(f'{{"audio":{{"output":{{"voice":"{SURROGATE}"}}}}}}', "evt_s_3"),
        "invalid_json",
    ),
    (session_update('{"model":"a\\u0000b"}', "evt_s_4"), "invalid_value"),
    (session_update('{"audio":{"output":{"voice":"v\\u0007"}}}', "evt_s_5"), "invalid_value"),
    (session_update('{"instructions":"nul\\u0000"}', "evt_s_6"), "invalid_value"),
]


def assert_no_traceback(server: ServerProcess) -> None:
    log = server.stderr()
    assert "Traceback" not in log, log[-3000:]


def assert_rest_healthy(server: ServerProcess, api_key: str) -> None:
    with server.client(api_key) as http:
        listing = http.get("/v1/conversations", params={"limit": 500})
        assert listing.status_code == 200, listing.text
        for conv in listing.json()["conversations"]:
            one = http.get(f"/v1/conversations/{conv['id']}")
            assert one.status_code == 200, one.text


async def refused_one_by_one(ws: ClientConnection, bad: list[tuple[str, str]]) -> None:
    for raw, code in bad:
        await ws.send(raw)
        error = (await next_of(ws, ("error",)))["error"]
        assert (error["code"], error["event_id"]) == (code, json_event_id(raw)), (raw, error)
        assert error["type"] == "invalid_request_error"


def json_event_id(raw: str) -> str:
    return raw.split('"event_id":"', 1)[1].split('"', 1)[0]


async def test_bad_numbers_get_errors_and_the_session_goes_on(
    server: ServerProcess, api_key: str
) -> None:
    async with connect(
        ws_url(server), additional_headers={"Authorization": f"Bearer {api_key}"}
    ) as ws:
        assert (await next_of(ws, ("session.created",)))["type"] == "session.created"
        await refused_one_by_one(ws, BAD_NUMBERS)
        await ws.send(session_update(TD % ("silence_duration_ms", "700"), "evt_ok"))
        updated = await next_of(ws, ("session.updated",))
        td = updated["session"]["audio"]["input"]["turn_detection"]
        assert td["silence_duration_ms"] == 700
    assert_rest_healthy(server, api_key)
    assert_no_traceback(server)


async def test_lone_surrogate_is_refused_and_rest_stays_healthy(
    server: ServerProcess, api_key: str
) -> None:
    async with connect(
        ws_url(server), additional_headers={"Authorization": f"Bearer {api_key}"}
    ) as ws:
        await next_of(ws, ("session.created",))
        await refused_one_by_one(ws, BAD_TEXT)
        await ws.send(session_update('{"customer":{"name":"Ana"}}', "evt_ok"))
        updated = await next_of(ws, ("session.updated",))
        assert updated["session"]["customer"] == {"name": "Ana"}
        # the conversation is created with the valid profile once the session is configured
        deadline = time.monotonic() + 10
        while True:
            with server.client(api_key) as http:
                listing = http.get("/v1/conversations")
            assert listing.status_code == 200, listing.text
            customers = [c.get("customer") for c in listing.json()["conversations"]]
            if {"name": "Ana"} in customers or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.2)
    assert_rest_healthy(server, api_key)
    assert_no_traceback(server)


def test_client_secret_mint_refuses_the_same_values(server: ServerProcess, api_key: str) -> None:
    bodies: list[tuple[bytes, int, str]] = [
        (f'{{"session":{{"customer":{{"name":"{SURROGATE}"}}}}}}'.encode(), 400, "invalid_json"),
        (b'{"expires_after":{"seconds":NaN}}', 400, "invalid_json"),
        (b'{"expires_after":{"seconds":1e400}}', 400, "invalid_json"),
        (b'{"expires_after":{"seconds":true}}', 422, "invalid_field"),
        (
            b'{"session":{"audio":{"input":{"turn_detection":{"silence_duration_ms":true}}}}}',
            422,
            "invalid_value",
        ),
        (b'{"session":{"model":"a\\u0000"}}', 422, "invalid_value"),
    ]
    with server.client(api_key) as http:
        for body, status, code in bodies:
            r = http.post(
                "/v1/realtime/client_secrets",
                content=body,
                headers={"Content-Type": "application/json"},
            )
            assert (r.status_code, r.json()["error"]["code"]) == (status, code), (body, r.text)
    assert_rest_healthy(server, api_key)
    assert_no_traceback(server)
