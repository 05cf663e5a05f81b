"""Calls that end cleanly, against the real server with speech: hang-ups in the middle of a
reply, a client that never reads, SIGTERM during a reply (graceful shutdown, with the
playbook's goodbye) and kill -9
during a call (nothing acknowledged is lost). The server's log must stay free of tracebacks
and of asyncio's complaints about tasks.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import os
import re
import signal
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from tests.audio_fixtures import silence, synthetic_clip
from tests.integration.server import ServerProcess, running_server, start_server
from voice_agent.audio.resample import resample
from voice_agent.generation.sentences import split_sentences
from voice_agent.playbook import load_playbook
from voice_agent.playbook.shutdown import shutdown_line

pytestmark = pytest.mark.slow

API_KEY = "endings-test-key"
#: SIGTERM cuts the call at once (less than ``WIND_DOWN_S`` + ``EXIT_MARGIN_S``), leaving it
#: 12 s to finish its sentence and say goodbye
GRACE_S = 14.0
ENV = {"VOICE_AGENT_API_KEYS": API_KEY, "VOICE_AGENT_SHUTDOWN_GRACE_S": str(GRACE_S)}
#: What the log of a server must never show for routine disconnects.
NOISE = (
    "Traceback",
    "never retrieved",
    "destroyed but it is pending",
    "Unexpected ASGI message",
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    with running_server(tmp_path_factory, "endings", ENV, timeout=240.0, speech=True) as srv:
        yield srv


# --------------------------------------------------------------------------- helpers


def assert_clean_log(srv: ServerProcess) -> None:
    text = srv.stderr()
    for noise in NOISE:
        assert noise not in text, f"{noise!r} in the server log:\n{text[-4000:]}"
    for line in text.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            assert record.get("level") not in ("error", "critical"), record


def ws_url(srv: ServerProcess) -> str:
    return f"ws://127.0.0.1:{srv.port}/v1/realtime?model=voice-agent"


HEADERS = {"Authorization": f"Bearer {API_KEY}"}


def appends(stem: str, tail_ms: float = 1500.0) -> list[str]:
    """A spoken clip (and the silence that ends the turn) as ``input_audio_buffer.append``
    events of 100 ms at 24 kHz."""
    samples = np.concatenate([synthetic_clip(stem).samples, silence(tail_ms)])
    pcm = resample(samples, 16000, 24000).astype("<i2").tobytes()
    step = 4800  # 100 ms
    return [
        json.dumps(
            {
                "type": "input_audio_buffer.append",
                "audio": base64.b64encode(pcm[i : i + step]).decode(),
            }
        )
        for i in range(0, len(pcm), step)
    ]


@dataclass
class Seen:
    """What a client saw: every event, acknowledged transcripts and completed replies."""

    events: list[dict[str, Any]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["type"] == kind]

    def transcripts(self) -> list[str]:
        kind = "conversation.item.input_audio_transcription.completed"
        return [e["transcript"] for e in self.of(kind)]

    def completed_replies(self) -> list[str]:
        out = []
        for e in self.of("response.done"):
            if e["response"]["status"] == "completed":
                out.append(e["response"]["output"][0]["content"][0]["transcript"])
        return out


async def until(
    ws: ClientConnection, seen: Seen, kind: str, wait_s: float = 60.0
) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while True:
        left = deadline - time.monotonic()
        assert left > 0, f"no {kind} within {wait_s}s; saw {[e['type'] for e in seen.events[-10:]]}"
        event: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), left))
        seen.events.append(event)
        if event["type"] == "error":
            raise AssertionError(f"error event: {event}")
        if event["type"] == kind:
            return event


def session_update(name: str) -> str:
    return json.dumps({"type": "session.update", "session": {"customer": {"name": name}}})


def find_conversation(
    srv: ServerProcess, name: str, *, ended: bool = True, wait_s: float = 20.0
) -> dict[str, Any]:
    """The stored conversation of the customer ``name``, with its turns."""
    deadline = time.monotonic() + wait_s
    with srv.client(API_KEY) as http:
        while True:
            r = http.get("/v1/conversations", params={"limit": 200})
            assert r.status_code == 200, r.text
            for conv in r.json()["conversations"]:
                if (conv.get("customer") or {}).get("name") == name and (
                    not ended or conv["status"] == "ended"
                ):
                    full: dict[str, Any] = http.get(f"/v1/conversations/{conv['id']}").json()
                    return full
            assert time.monotonic() < deadline, f"no {'ended ' if ended else ''}call of {name}"
            time.sleep(0.2)


# --------------------------------------------------------------------------- hang-ups


async def test_hang_ups_in_the_middle_of_replies_leave_no_traceback(
    server: ServerProcess,
) -> None:
    """Finding 7: callers leave in every way while the agent speaks or thinks (a close
    frame; the TCP connection dropped while the server is sending; gone before the greeting
    starts; gone while their turn is being transcribed and answered, or while the answer
    plays): every call is stored as ended, and the log has no traceback or task complaint."""
    speech = appends("piper_en_short")
    names = []
    for i in range(20):
        name = f"Hangs Up {i}"
        names.append(name)
        seen = Seen()
        ws = await connect(ws_url(server), additional_headers=HEADERS, max_size=None)
        await ws.send(session_update(name))
        mode = i % 5
        if mode == 2:  # gone at once: the conversation may still be being created
            ws.transport.abort()
            continue
        await until(ws, seen, "response.output_audio.delta")
        if mode in (3, 4):  # the caller speaks over the greeting, then goes
            for chunk in speech:
                await ws.send(chunk)
            kind = "input_audio_buffer.speech_stopped" if mode == 3 else "response.created"
            await until(ws, seen, kind)
            if mode == 4:
                await until(ws, seen, "response.output_audio.delta")
        await asyncio.sleep(0.1 * (i % 4))
        if mode == 0:
            await ws.close()
        else:  # no close frame: the socket just goes, mid-send
            ws.transport.abort()
    for name in names:
        conv = await asyncio.to_thread(find_conversation, server, name)
        assert conv["end_reason"] in ("no_customer_turn", "caller_hung_up"), conv
    await asyncio.sleep(1.0)  # anything logged late by the server's tasks
    assert_clean_log(server)


# --------------------------------------------------------------------------- slow reader


def ws_frame(text: str) -> bytes:
    """One masked client text frame."""
    payload = text.encode()
    n = len(payload)
    mask = os.urandom(4)
    if n < 126:
        head = bytes([0x81, 0x80 | n])
    elif n < 65536:
        head = bytes([0x81, 0x80 | 126]) + n.to_bytes(2, "big")
    else:
        head = bytes([0x81, 0x80 | 127]) + n.to_bytes(8, "big")
    keys = (mask * (n // 4 + 1))[:n]
    masked = (int.from_bytes(payload, "big") ^ int.from_bytes(keys, "big")).to_bytes(n, "big")
    return head + mask + masked


def never_reading_client(port: int, name: str, events: int) -> str:
    """Open a session on a socket with a tiny receive buffer, send ``events`` events that
    each make the server answer, and never read an answer. Returns how sending ended."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(15.0)
    try:
        sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall(
            (
                f"GET /v1/realtime?model=voice-agent HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                f"Sec-WebSocket-Version: 13\r\nAuthorization: Bearer {API_KEY}\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)  # the handshake answer only, byte by byte
        assert head.startswith(b"HTTP/1.1 101"), head
        sock.sendall(ws_frame(session_update(name)))
        update = ws_frame(
            json.dumps({"type": "session.update", "session": {"instructions": "x" * 2000}})
        )
        for _ in range(events):
            sock.sendall(update)
        return "sent"
    except OSError as exc:  # the server gave up on us: expected
        return f"stopped: {exc!r}"
    finally:
        time.sleep(1.0)
        sock.close()


async def test_a_client_that_never_reads_is_cut_off_by_the_server(server: ServerProcess) -> None:
    """The server's own slow-reader guard, not uvicorn's ping timeout, ends the call, and
    the conversation records why."""
    name = "Never Reads"
    sending = asyncio.create_task(
        asyncio.to_thread(never_reading_client, server.port, name, 20_000)
    )
    conv = await asyncio.to_thread(find_conversation, server, name, wait_s=30.0)
    await sending
    assert conv["end_reason"] == "client_not_reading", conv
    records = [json.loads(x) for x in server.stderr().splitlines() if x.startswith("{")]
    assert any(r.get("event") == "client_not_reading" for r in records)
    assert_clean_log(server)


# --------------------------------------------------------------------------- SIGTERM


SENTENCE_END = re.compile(r"[.!?…]$")


async def test_sigterm_lets_the_agent_finish_its_sentence(server: ServerProcess) -> None:
    """Finding 6: SIGTERM during the greeting: new calls and conversations are refused
    (503 ``shutting_down``), the agent finishes its sentence, then says the playbook's
    goodbye (audio and transcript, before the close), the call ends with
    ``server_shutdown`` (close 1012) and what was said is stored, the goodbye as the last
    agent turn; the process exits 0 within the grace period."""
    name = "Told To Stop"
    seen = Seen()
    ws = await connect(ws_url(server), additional_headers=HEADERS)
    await ws.send(session_update(name))
    await until(ws, seen, "response.output_audio.delta")
    t0 = time.monotonic()
    server.proc.send_signal(signal.SIGTERM)

    async def read_to_the_end() -> None:
        with pytest.raises(ConnectionClosed):
            while True:
                event = json.loads(await asyncio.wait_for(ws.recv(), 30.0))
                seen.events.append(event)

    reading = asyncio.create_task(read_to_the_end())
    refused: tuple[int, str] | None = None
    rest_refused: int | None = None
    for _ in range(40):  # until the server has noticed the signal
        await asyncio.sleep(0.05)
        try:
            async with connect(ws_url(server), additional_headers=HEADERS):
                pass
        except InvalidStatus as exc:
            body = json.loads(exc.response.body or b"{}")
            refused = (exc.response.status_code, body["error"]["code"])
            async with httpx.AsyncClient(base_url=server.url, headers=HEADERS) as http:
                r = await http.post("/v1/conversations", json={"lang": "en"})
                rest_refused = r.status_code
                assert r.json()["error"]["code"] == "shutting_down", r.text
            break
    assert refused == (503, "shutting_down")
    assert rest_refused == 503
    await reading
    assert ws.close_code == 1012, (ws.close_code, ws.close_reason)
    rc = await asyncio.to_thread(server.proc.wait, GRACE_S + 5)
    assert rc == 0 and time.monotonic() - t0 < GRACE_S + 3, rc
    assert_clean_log(server)

    greeting, bye = (e["response"] for e in seen.of("response.done"))

    def transcript(response: dict[str, Any]) -> str:
        return str(response["output"][0]["content"][0]["transcript"])

    def of_response(kind: str, response: dict[str, Any]) -> list[dict[str, Any]]:
        return [e for e in seen.of(kind) if e["response_id"] == response["id"]]

    said = transcript(greeting)
    sentences = [
        e["delta"].strip() for e in of_response("response.output_audio_transcript.delta", greeting)
    ]
    assert said and SENTENCE_END.search(said), said
    assert said in [" ".join(sentences[:k]) for k in range(1, len(sentences) + 1)], (
        said,
        sentences,
    )
    # then the goodbye: heard (audio), shown (transcript), whole unless time ran out
    goodbye = " ".join(split_sentences(shutdown_line(load_playbook(), "en")))
    heard_bye = transcript(bye)
    assert heard_bye and goodbye.startswith(heard_bye), (heard_bye, goodbye)
    assert (heard_bye == goodbye) == (bye["status"] == "completed"), bye
    assert of_response("response.output_audio.delta", bye)
    shown = "".join(e["delta"] for e in of_response("response.output_audio_transcript.delta", bye))
    assert goodbye.startswith(shown.strip()) and shown.strip(), shown

    after = start_server(server.data_dir, ENV)  # the same data, without speech
    try:
        conv = find_conversation(after, name)
        assert conv["end_reason"] == "server_shutdown", conv
        agent = [t for t in conv["turns"] if t["role"] == "agent"]
        assert [t["text"] for t in agent] == [said, heard_bye], (agent, said, heard_bye)
        assert agent[0].get("truncated", False) == (greeting["status"] != "completed")
        assert agent[1].get("truncated", False) == (bye["status"] != "completed")
    finally:
        after.stop()


# --------------------------------------------------------------------------- kill -9


async def test_kill_9_during_a_call_loses_nothing_acknowledged(tmp_path: Path) -> None:
    """kill -9 while the caller's second turn is being answered: every transcript the
    client saw completed and every reply it saw completed is in the store after a restart
    on the same data."""
    data_dir = tmp_path / "data"
    srv = start_server(data_dir, ENV, timeout=240.0, speech=True)
    name = "Killed Mid Call"
    seen = Seen()
    try:
        ws = await connect(ws_url(srv), additional_headers=HEADERS, max_size=None)
        await ws.send(session_update(name))
        await until(ws, seen, "response.done")  # the greeting
        for chunk in appends("piper_en_short"):
            await ws.send(chunk)
        await until(ws, seen, "response.done")  # the answer to the first turn
        for chunk in appends("piper_en_expensive"):
            await ws.send(chunk)
        await until(ws, seen, "conversation.item.input_audio_transcription.completed")
        await until(ws, seen, "response.output_audio.delta")  # the second answer begins
        srv.kill()
        with contextlib.suppress(ConnectionClosed):  # what was sent before the kill
            while True:
                seen.events.append(json.loads(await asyncio.wait_for(ws.recv(), 10.0)))
    finally:
        srv.kill()
    transcripts, replies = seen.transcripts(), seen.completed_replies()
    assert len(transcripts) == 2 and len(replies) >= 2, seen.of("response.done")
    after = start_server(data_dir, ENV)
    try:
        conv = find_conversation(after, name, ended=False)
        customer = [t["text"] for t in conv["turns"] if t["role"] == "customer"]
        agent = [t["text"] for t in conv["turns"] if t["role"] == "agent"]
        for text in transcripts:
            assert text in customer, (text, customer)
        for text in replies:
            assert text in agent, (text, agent)
    finally:
        after.stop()
