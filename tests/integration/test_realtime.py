"""``/v1/realtime`` end to end: the official ``openai`` SDK realtime client against the real
server (uvicorn on a free port), real Silero VAD, faster-whisper and Piper models, real SQLite.

The server runs in-process (its own thread and event loop) because the test also needs the
speech models: the agent's audio is decoded and transcribed back to check it says the reply.
Audio is streamed faster than real time where pace does not matter (turn detection works in
stream time); the load test (``python -m loadtest voice``) streams at real-time pace.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest
import uvicorn
from openai import AsyncOpenAI

from tests.audio_fixtures import (
    asterisk_clips,
    silence,
    synthetic_clip,
    white_noise,
    word_error_rate,
)
from voice_agent.audio import codec
from voice_agent.audio.resample import resample

pytestmark = pytest.mark.slow

API_KEY = "rt-test-key"
MODEL = "voice-agent-test"


# --------------------------------------------------------------------------- server


@dataclass
class Server:
    url: str
    ws_base: str
    server: uvicorn.Server
    thread: threading.Thread
    services: Any

    def http(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=30
        )


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from voice_agent.speech.engines import SpeechConfig, SpeechEngines

    models = tmp_path_factory.mktemp("speech-data")
    eng = SpeechEngines.load(SpeechConfig(stt_multilingual_model="auto", data_dir=str(models)))
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def server(engines: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    from voice_agent.api.app import create_app
    from voice_agent.services import build_services
    from voice_agent.settings import Settings

    data_dir: Path = tmp_path_factory.mktemp("rt") / "data"
    settings = Settings(data_dir=data_dir, api_keys=API_KEY, speech=False, log_level="warning")
    svc = build_services(settings)
    svc.speech = engines
    app = create_app(settings, svc)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    userver = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(
        target=lambda: asyncio.run(userver.serve(sockets=[sock])), daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 60
    while not userver.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield Server(f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{port}/v1", userver, thread, svc)
    userver.should_exit = True
    thread.join(timeout=30)


# --------------------------------------------------------------------------- client helpers


def pcm24k(samples16k: npt.NDArray[np.int16]) -> bytes:
    return resample(samples16k, 16000, 24000).astype("<i2").tobytes()


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Events:
    """Collects the SDK's parsed events in a background task."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.all: list[Any] = []
        self.queue: asyncio.Queue[Any] = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for ev in self.conn:
            self.all.append(ev)
            await self.queue.put(ev)

    async def next(self, kind: str | tuple[str, ...], wait_s: float = 30.0) -> Any:
        kinds = (kind,) if isinstance(kind, str) else kind
        deadline = time.monotonic() + wait_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [e.type for e in self.all[-15:]]
                raise AssertionError(f"no {kinds} within {wait_s}s; last events: {seen}")
            ev = await asyncio.wait_for(self.queue.get(), left)
            if ev.type in kinds:
                return ev

    async def response(self, wait_s: float = 60.0) -> tuple[Any, bytes, str]:
        """Wait for the next response.done; returns (done event, audio bytes, transcript)."""
        audio = bytearray()
        text: list[str] = []
        while True:
            ev = await self.next(
                (
                    "response.output_audio.delta",
                    "response.output_audio_transcript.delta",
                    "response.done",
                ),
                wait_s,
            )
            if ev.type == "response.output_audio.delta":
                audio += base64.b64decode(ev.delta)
            elif ev.type == "response.output_audio_transcript.delta":
                text.append(ev.delta)
            else:
                return ev, bytes(audio), "".join(text)

    def types(self) -> list[str]:
        return [e.type for e in self.all]


async def send_audio(conn: Any, audio: bytes, chunk: int = 4800) -> None:
    for i in range(0, len(audio), chunk):
        await conn.input_audio_buffer.append(audio=b64(audio[i : i + chunk]))


@pytest.fixture
async def rt(server: Server) -> AsyncIterator[tuple[Any, Events]]:
    client = AsyncOpenAI(api_key=API_KEY, websocket_base_url=server.ws_base)
    async with client.realtime.connect(model=MODEL) as conn:
        events = Events(conn)
        try:
            yield conn, events
        finally:
            events.task.cancel()


def transcribe_back(engines: Any, audio: bytes, fmt: str, lang: str = "en") -> str:
    samples = codec.decode(audio, codec.AudioFormat.parse(fmt))
    rate = codec.sample_rate(codec.AudioFormat.parse(fmt))
    x16 = resample(samples, rate, 16000).astype(np.float32) / 32768.0
    return str(engines.transcriber_for(lang).transcribe(x16, lang).text)


def conversation(server: Server, conversation_id: str) -> dict[str, Any]:
    with server.http() as http:
        r = http.get(f"/v1/conversations/{conversation_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data


async def wait_turns(server: Server, cid: str, n: int, wait_s: float = 10.0) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while True:
        conv = await asyncio.to_thread(conversation, server, cid)
        if len(conv["turns"]) >= n or time.monotonic() > deadline:
            return conv
        await asyncio.sleep(0.1)


# --------------------------------------------------------------------------- tests


async def test_turn_with_sdk_client(rt: tuple[Any, Events], server: Server, engines: Any) -> None:
    conn, events = rt
    created = await events.next("session.created")
    assert created.session.type == "realtime"
    await conn.session.update(
        session={
            "type": "realtime",
            "audio": {"input": {"format": {"type": "audio/pcm", "rate": 24000}}},
            "customer": {"name": "Dana", "role": "CFO"},
        }
    )
    updated = await events.next("session.updated")
    assert updated.session.audio.input.format.type == "audio/pcm"

    # the agent greets first
    greet_done, greet_audio, greet_text = await events.response()
    assert greet_done.response.status == "completed"
    assert greet_text and len(greet_audio) > 24000  # > 0.5 s of audio
    cid = greet_done.response.conversation_id

    clip = synthetic_clip("piper_en_expensive")
    await send_audio(conn, pcm24k(np.concatenate([silence(300), clip.samples, silence(1200)])))
    started = await events.next("input_audio_buffer.speech_started")
    stopped = await events.next("input_audio_buffer.speech_stopped")
    assert stopped.item_id == started.item_id
    assert 200 <= started.audio_start_ms <= 700
    assert stopped.audio_end_ms > started.audio_start_ms + 2000
    committed = await events.next("input_audio_buffer.committed")
    assert committed.item_id == started.item_id
    tr = await events.next("conversation.item.input_audio_transcription.completed")
    assert word_error_rate(clip.text, tr.transcript) <= 0.35, tr.transcript
    insights = await events.next("conversation.item.insights")
    ins = insights.insights
    assert "price" in [o["label"] for o in ins["objections"]]
    assert ins["next_action"]["name"]
    created_resp = await events.next("response.created")
    done, audio, text = await events.response()
    assert done.response.id == created_resp.response.id
    assert done.response.status == "completed"
    assert text.strip()
    heard = await asyncio.to_thread(transcribe_back, engines, audio, "audio/pcm")
    assert word_error_rate(text, heard) <= 0.4, (text, heard)
    timings = await events.next("response.timings")
    tm = timings.timings_ms
    for stage in ("vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio"):
        assert tm[stage] >= 0, stage

    conv = await wait_turns(server, cid, 3)
    roles = [t["role"] for t in conv["turns"]]
    assert roles == ["agent", "customer", "agent"]
    customer = conv["turns"][1]
    assert customer["text"] == tr.transcript
    assert "price" in [o["label"] for o in customer["insights"]["objections"]]
    assert {"vad_end", "transcription", "orchestrator"} <= set(customer["timings_ms"])
    assert "first_audio" in conv["turns"][2]["timings_ms"]
    assert conv["turns"][2]["text"] == text.strip()
    assert conv["customer"] == {"name": "Dana", "role": "CFO"}
    assert conv["channel"] == "realtime"

    with server.http() as http:
        metrics = http.get("/metrics").text
    assert 'voice_agent_stage_seconds_bucket{le="1.0",stage="first_audio"}' in metrics


async def test_human_recording_over_pcmu(rt: tuple[Any, Events], engines: Any) -> None:
    conn, events = rt
    await conn.session.update(
        session={
            "type": "realtime",
            "audio": {
                "input": {"format": {"type": "audio/pcmu"}},
                "output": {"format": {"type": "audio/pcmu"}},
            },
        }
    )
    await events.next("session.updated")
    await events.response()  # greeting, in mu-law
    (clip,) = asterisk_clips(["tt-weasels"])
    samples8k = resample(np.concatenate([silence(200), clip.samples, silence(1200)]), 16000, 8000)
    await send_audio(conn, codec.encode(samples8k, codec.AudioFormat.parse("audio/pcmu")), 1600)
    tr = await events.next("conversation.item.input_audio_transcription.completed")
    assert word_error_rate(clip.text, tr.transcript) <= 0.4, tr.transcript
    done, audio, text = await events.response()
    assert done.response.status == "completed"
    assert len(audio) > 8000
    heard = await asyncio.to_thread(transcribe_back, engines, audio, "audio/pcmu")
    assert word_error_rate(text, heard) <= 0.5, (text, heard)


async def test_barge_in_stops_the_agent(rt: tuple[Any, Events], server: Server) -> None:
    conn, events = rt
    await conn.session.update(session={"type": "realtime"})
    created = await events.next("response.created")
    await events.next("response.output_audio.delta")  # the greeting is playing
    t_start = time.monotonic()
    clip = synthetic_clip("piper_en_long")
    await send_audio(conn, pcm24k(np.concatenate([clip.samples[: 16000 * 2], silence(100)])))
    started = await events.next("input_audio_buffer.speech_started", wait_s=10)
    done = await events.next("response.done", wait_s=10)
    assert time.monotonic() - t_start < 3.0
    assert done.response.id == created.response.id
    assert done.response.status == "cancelled"
    assert done.response.status_details.reason == "turn_detected"
    idx = events.types().index("input_audio_buffer.speech_started")
    assert events.all[idx] is started
    # no more audio from the cancelled response after it is done
    later = events.all[events.all.index(done) + 1 :]
    assert not [
        e
        for e in later
        if e.type == "response.output_audio.delta" and e.response_id == created.response.id
    ]
    cid = done.response.conversation_id
    conv = await wait_turns(server, cid, 1)
    greeting = conv["turns"][0]
    assert greeting["role"] == "agent"
    assert greeting.get("truncated") is True
    full = done.response.output[0].content[0].transcript if done.response.output else ""
    assert greeting["text"] == full
    # the whole greeting would have been longer than what was heard
    prepared_text = [e for e in events.all if e.type == "response.output_audio_transcript.delta"]
    assert len(greeting["text"]) < len("".join(e.delta for e in prepared_text)) or (
        greeting["text"] == ""
    )


async def test_backchannel_does_not_cut_the_agent_off(rt: tuple[Any, Events]) -> None:
    conn, events = rt
    await conn.session.update(session={"type": "realtime"})
    created = await events.next("response.created")
    await events.next("response.output_audio.delta")
    clip = synthetic_clip("piper_en_backchannel")
    noise = white_noise(400, level=0.05)  # a burst of line noise, then "mm-hm"
    await send_audio(
        conn, pcm24k(np.concatenate([noise, silence(300), clip.samples, silence(900)]))
    )
    done, _, _ = await events.response()
    assert done.response.id == created.response.id
    assert done.response.status == "completed"
    assert "input_audio_buffer.speech_started" not in events.types()


async def test_bad_input_gets_error_codes_and_session_goes_on(server: Server) -> None:
    from websockets.asyncio.client import connect

    async with connect(
        f"{server.ws_base}/realtime?model={MODEL}",
        additional_headers={"Authorization": f"Bearer {API_KEY}"},
    ) as ws:
        assert json.loads(await ws.recv())["type"] == "session.created"
        bad = [
            ("{nope", "invalid_json"),
            (json.dumps({"type": "conversation.item.delete"}), "unknown_event_type"),
            (
                json.dumps({"type": "input_audio_buffer.append", "audio": "%%%"}),
                "invalid_audio_base64",
            ),
            (
                json.dumps({"type": "input_audio_buffer.append", "audio": b64(b"\0\0\0")}),
                "invalid_audio_length",
            ),
            (
                json.dumps(
                    {
                        "type": "session.update",
                        "session": {"audio": {"input": {"format": {"type": "audio/pcma"}}}},
                    }
                ),
                "unsupported_audio_format",
            ),
            (json.dumps({"type": "response.cancel"}), "response_cancel_not_active"),
        ]
        codes: list[str] = []
        for raw, _ in bad:
            await ws.send(raw)
        deadline = time.monotonic() + 10
        while len(codes) < len(bad) and time.monotonic() < deadline:
            ev = json.loads(await asyncio.wait_for(ws.recv(), 10))
            if ev["type"] == "error":
                codes.append(ev["error"]["code"])
        # a cancel may also hit the greeting; accept either outcome for that one
        assert codes[:5] == [c for _, c in bad[:5]]
        # flood: 40 s of audio at once -> overflow errors, then the session still answers
        chunk = b64(b"\0" * 48000)  # 1 s of silence
        for _ in range(40):
            await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk}))
        await ws.send(json.dumps({"type": "session.update", "session": {"greeting": False}}))
        overflow = 0
        while True:
            ev = json.loads(await asyncio.wait_for(ws.recv(), 20))
            if ev["type"] == "error" and ev["error"]["code"] == "input_audio_buffer_overflow":
                overflow += 1
            if ev["type"] == "session.updated":
                break
        assert overflow >= 1


async def test_auth(server: Server) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    with pytest.raises(InvalidStatus) as info:
        async with connect(f"{server.ws_base}/realtime?model={MODEL}"):
            pass
    assert info.value.response.status_code == 401
    with pytest.raises(InvalidStatus):
        async with connect(
            f"{server.ws_base}/realtime", additional_headers={"Authorization": "Bearer wrong"}
        ):
            pass
    # a key in the URL is refused, even a good one (URLs end up in logs)
    with pytest.raises(InvalidStatus) as info:
        async with connect(f"{server.ws_base}/realtime?api_key={API_KEY}"):
            pass
    assert info.value.response.status_code == 400
    assert b"api_key_in_url" in info.value.response.body
    async with connect(
        f"{server.ws_base}/realtime",
        subprotocols=["realtime", f"openai-insecure-api-key.{API_KEY}"],  # type: ignore[list-item]
    ) as ws:
        assert ws.subprotocol == "realtime"
        assert json.loads(await ws.recv())["type"] == "session.created"


async def test_client_that_never_reads_is_disconnected(server: Server) -> None:
    """Flood errors without reading: the server's bounded queue fills and it hangs up
    instead of buffering without limit; the conversation is still stored."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    from voice_agent import metrics

    def open_sessions() -> float:
        return float(metrics.OPEN_SESSIONS._value.get())

    async with connect(
        f"{server.ws_base}/realtime?model={MODEL}",
        additional_headers={"Authorization": f"Bearer {API_KEY}"},
        max_queue=1,
    ) as ws:
        t0 = time.monotonic()
        with contextlib.suppress(ConnectionClosed):
            for _ in range(60_000):
                await ws.send('{"type": "nope", "event_id": "' + "x" * 200 + '"}')
        for _ in range(300):  # up to 60 s
            if open_sessions() == 0:
                break
            await asyncio.sleep(0.2)
        assert open_sessions() == 0, "the server kept the non-reading client"
        assert time.monotonic() - t0 < 60
        received = 0
        with contextlib.suppress(ConnectionClosed):
            while True:
                await asyncio.wait_for(ws.recv(), 10)
                received += 1
        assert 0 < received < 60_000  # bounded: not every error was queued for us
        assert ws.close_code == 1008


async def test_load_generator_one_call(server: Server) -> None:
    """``python -m loadtest voice`` machinery against the real server: one caller, one turn
    at real-time pace; the report has the latency and per-stage figures."""
    from loadtest.voice import run_load

    report = await run_load(server.url, API_KEY, calls=1, turns=1)
    assert report["errors"] == 0, report["error_samples"]
    assert report["calls_served"] == 1
    assert report["turns_measured"] == 1
    assert report["p50_ms"] is not None and 0 < report["p50_ms"] < 10_000
    for stage in ("vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio"):
        assert report["stage_medians"][f"{stage}_ms"] is not None, stage


async def test_manual_turns_and_truncate(rt: tuple[Any, Events], server: Server) -> None:
    """Without server VAD the client commits and asks for the response; a truncate tells
    how much of the reply was heard and the stored agent turn keeps only that."""
    conn, events = rt
    await conn.session.update(
        session={
            "type": "realtime",
            "audio": {"input": {"turn_detection": None}},
            "greeting": False,
        }
    )
    await events.next("session.updated")
    await conn.input_audio_buffer.commit()
    empty = await events.next("error")
    assert empty.error.code == "input_audio_buffer_commit_empty"
    clip = synthetic_clip("piper_en_long")
    await send_audio(conn, pcm24k(clip.samples))
    await conn.input_audio_buffer.commit()
    committed = await events.next("input_audio_buffer.committed")
    tr = await events.next("conversation.item.input_audio_transcription.completed")
    assert tr.item_id == committed.item_id
    assert word_error_rate(clip.text, tr.transcript) <= 0.35, tr.transcript
    ins = await events.next("conversation.item.insights")
    assert "energy" in [n["label"] for n in ins.insights["needs"]]
    assert "response.created" not in events.types()  # waits for response.create
    await conn.response.create()
    done, _, text = await events.response()
    assert done.response.status == "completed"
    item_id = done.response.output[0].id
    words = text.split()
    assert len(words) >= 4
    await conn.conversation.item.truncate(item_id=item_id, content_index=0, audio_end_ms=800)
    truncated = await events.next("conversation.item.truncated")
    assert truncated.audio_end_ms == 800
    await conn.conversation.item.truncate(item_id="item_nope", content_index=0, audio_end_ms=1)
    err = await events.next("error")
    assert err.error.code == "item_not_found"
    await conn.response.create()  # nothing left to answer
    err = await events.next("error")
    assert err.error.code == "no_pending_turn"
    conv = await wait_turns(server, done.response.conversation_id, 2)
    agent = conv["turns"][1]
    assert agent["role"] == "agent" and agent.get("truncated") is True, json.dumps(conv["turns"])
    assert 0 < len(agent["text"].split()) < len(words)
    assert text.startswith(agent["text"])


async def test_spanish_call(rt: tuple[Any, Events], server: Server, engines: Any) -> None:
    """A Spanish session: Spanish greeting and reply, Spanish speech understood."""
    if not engines.supports_language("es"):
        pytest.skip(f"no Spanish speech-to-text model: {getattr(engines, 'unavailable', '')}")
    conn, events = rt
    await conn.session.update(
        session={
            "type": "realtime",
            "audio": {"input": {"transcription": {"language": "es"}}},
            "customer": {"name": "Lucía"},
        }
    )
    updated = await events.next("session.updated")
    assert updated.session.audio.input.transcription.language == "es"
    greet, _, greet_text = await events.response()
    assert greet.response.status == "completed"
    conv = await wait_turns(server, greet.response.conversation_id, 1)
    assert conv["lang"] == "es"
    clip = synthetic_clip("espeak_es_caro")
    await send_audio(conn, pcm24k(np.concatenate([silence(300), clip.samples, silence(1200)])))
    tr = await events.next("conversation.item.input_audio_transcription.completed")
    assert word_error_rate(clip.text, tr.transcript) <= 0.5, tr.transcript
    ins = await events.next("conversation.item.insights")
    assert "price" in [o["label"] for o in ins.insights["objections"]], tr.transcript
    done, audio, text = await events.response()
    assert done.response.status == "completed"
    heard = await asyncio.to_thread(transcribe_back, engines, audio, "audio/pcm", "es")
    assert word_error_rate(text, heard) <= 0.6, (text, heard)
    assert greet_text != text
