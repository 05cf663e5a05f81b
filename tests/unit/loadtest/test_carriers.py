"""The carrier stand-ins of the load tests (Twilio, Asterisk AudioSocket), without our server.

Pure parts are checked against published vectors and injected times; the I/O paths against
tiny servers written here from the protocols.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import httpx
import numpy as np
import numpy.typing as npt
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from loadtest.audiosocket_caller import (
    AudioSocketCall,
    Frame,
    FrameDecoder,
    Kind,
    audio_frame,
    dtmf_frame,
    encode_frame,
    error_frame,
    hangup_frame,
    uuid_frame,
)
from loadtest.twilio_carrier import (
    SIGN,
    VOICE_WEBHOOK_PATH,
    PacedMicrophone,
    PlaybackBuffer,
    StreamRefused,
    TwilioStream,
    TwimlError,
    WebhookError,
    parse_twiml,
    place_call,
    twilio_signature,
)
from voice_agent.audio import codec

Int16Array = npt.NDArray[np.int16]
TOKEN = "test-auth-token"


def tone(seconds: float, freq: float = 440.0) -> Int16Array:
    t = np.arange(round(seconds * 8000)) / 8000
    return np.round(8000 * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def mulaw_roundtrip(samples: Int16Array) -> Int16Array:
    return codec.decode(codec.encode(samples, codec.AudioFormat.PCMU8K), codec.AudioFormat.PCMU8K)


# --------------------------------------------------------------------------- signature

DOCS_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"


def docs_params(caller: str) -> list[tuple[str, str]]:
    return [
        ("To", "+18005551212"),
        ("Digits", "1234"),
        ("From", caller),
        ("CallSid", "CA1234567890ABCDE"),
        ("Caller", caller),
    ]


def test_signature_matches_twilio_security_docs_example() -> None:
    assert (
        twilio_signature(DOCS_URL, docs_params("+14158675310"), "12345")
        == "GvWf1cFY/Q7PnoempGyD5oXAezc="
    )


def test_signature_matches_twilio_sdk_test_vector() -> None:
    # twilio-php / twilio-csharp RequestValidator tests: same example, Caller +14158675309.
    assert (
        twilio_signature(DOCS_URL, docs_params("+14158675309"), "12345")
        == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
    )


def test_signature_covers_url_token_and_every_parameter() -> None:
    base = twilio_signature(DOCS_URL, docs_params("+14158675310"), "12345")
    assert (
        twilio_signature(DOCS_URL.replace("https", "http"), docs_params("+14158675310"), "12345")
        != base
    )
    assert twilio_signature(DOCS_URL, docs_params("+14158675310"), "54321") != base
    tampered = [(k, "9999" if k == "Digits" else v) for k, v in docs_params("+14158675310")]
    assert twilio_signature(DOCS_URL, tampered, "12345") != base


# --------------------------------------------------------------------------- webhook + TwiML

STREAM_TWIML = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    "<Response><Connect>"
    '<Stream url="wss://agent.example.com/v1/telephony/twilio/stream">'
    '<Parameter name="token" value="tok-123"/><Parameter name="lang" value="en"/>'
    "</Stream></Connect></Response>"
)


def webhook_app(seen: list[httpx.Request], public_url: str) -> httpx.MockTransport:
    """Validates like a server should: form body, signature over the public URL."""

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        params = parse_qsl(request.content.decode(), keep_blank_values=True)
        expected = twilio_signature(public_url + VOICE_WEBHOOK_PATH, params, TOKEN)
        if request.headers.get("X-Twilio-Signature") != expected:
            return httpx.Response(403, text="forbidden")
        return httpx.Response(200, text=STREAM_TWIML, headers={"content-type": "text/xml"})

    return httpx.MockTransport(handle)


async def test_place_call_posts_a_signed_form_and_returns_the_stream() -> None:
    seen: list[httpx.Request] = []
    public = "https://agent.example.com"
    async with httpx.AsyncClient(transport=webhook_app(seen, public)) as client:
        twiml = await place_call(
            "http://127.0.0.1:8000", TOKEN, public_url=public, call_sid="CA42", client=client
        )
    assert twiml.stream_url == "wss://agent.example.com/v1/telephony/twilio/stream"
    assert twiml.parameters == {"token": "tok-123", "lang": "en"}
    assert twiml.call_sid == "CA42" and twiml.account_sid and twiml.account_sid.startswith("AC")
    (request,) = seen
    assert str(request.url) == "http://127.0.0.1:8000" + VOICE_WEBHOOK_PATH
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    form = dict(parse_qsl(request.content.decode()))
    assert form["CallSid"] == "CA42" and form["From"] == "+15551230000"
    assert form["To"] == "+15559870000" and form["CallStatus"] == "ringing"
    assert form["Direction"] == "inbound" and form["AccountSid"] == twiml.account_sid


@pytest.mark.parametrize("signature", ["forged=", None])
async def test_place_call_raises_on_refused_webhook(signature: str | None) -> None:
    seen: list[httpx.Request] = []
    public = "http://127.0.0.1:8000"
    async with httpx.AsyncClient(transport=webhook_app(seen, public)) as client:
        with pytest.raises(WebhookError) as info:
            await place_call(public, TOKEN, signature=signature, client=client)
    assert info.value.status_code == 403
    assert ("x-twilio-signature" in seen[0].headers) == (signature is not None)


async def test_place_call_wants_xml() -> None:
    transport = httpx.MockTransport(lambda _: httpx.Response(200, text=STREAM_TWIML))
    async with httpx.AsyncClient(transport=transport) as client:
        with pytest.raises(WebhookError, match="text/plain"):
            await place_call("http://x", TOKEN, signature=SIGN, client=client)


def test_parse_twiml_resolves_relative_stream_urls() -> None:
    raw = '<Response><Connect><Stream url="/v1/telephony/twilio/stream"/></Connect></Response>'
    twiml = parse_twiml(raw, request_url="https://a.example/v1/telephony/twilio/voice")
    assert twiml.stream_url == "wss://a.example/v1/telephony/twilio/stream"
    assert twiml.parameters == {} and twiml.raw == raw
    local = parse_twiml(raw, request_url="http://127.0.0.1:9/v1/telephony/twilio/voice")
    assert local.stream_url == "ws://127.0.0.1:9/v1/telephony/twilio/stream"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("<Response><Start><Stream url='wss://x/s'/></Start></Response>", "unidirectional"),
        ("<Response><Say>hello</Say></Response>", "no <Connect><Stream>"),
        ("<Response><Connect><Stream url='https://x/s'/></Connect></Response>", "not a WebSocket"),
        ("<Response><Connect><Stream/></Connect></Response>", "no url"),
        ("<Reply/>", "not <Response>"),
        ("not xml", "not XML"),
        (
            "<Response><Connect><Stream url='wss://x/s'><Parameter value='v'/></Stream>"
            "</Connect></Response>",
            "without a name",
        ),
    ],
)
def test_parse_twiml_rejects_what_twilio_could_not_stream(raw: str, problem: str) -> None:
    with pytest.raises(TwimlError, match=problem):
        parse_twiml(raw)


# --------------------------------------------------------------------------- playback buffer


def test_marks_come_back_when_the_audio_before_them_has_played() -> None:
    buf = PlaybackBuffer()
    assert buf.push_media(tone(1.0), 10.0) == []
    assert buf.push_mark("a", 10.1) == []
    buf.push_media(tone(0.5), 10.2)
    assert buf.push_mark("b", 10.3) == []
    assert buf.next_due() == pytest.approx(11.0)  # end of the first chunk
    assert buf.advance(10.99) == []
    (a,) = buf.advance(11.0)
    assert a.name == "a" and a.due == pytest.approx(11.0) and not a.cleared
    assert buf.advance(11.49) == []
    (b,) = buf.advance(11.5)
    assert b.name == "b" and b.due == pytest.approx(11.5)
    (speech,) = buf.segments
    assert speech.start == 10.0 and speech.n_samples == 12000 and not speech.cleared
    assert speech.end == pytest.approx(11.5)


def test_a_mark_with_nothing_buffered_comes_back_at_once() -> None:
    buf = PlaybackBuffer()
    (echo,) = buf.push_mark("empty", 3.0)
    assert (echo.name, echo.due, echo.cleared) == ("empty", 3.0, False)
    buf.push_media(tone(0.2), 4.0)
    (later,) = buf.push_mark("later", 5.0)  # that audio finished at 4.2
    assert (later.name, later.due) == ("later", 5.0)
    assert buf.next_due() is None and not buf.playing(5.0)


def test_clear_drops_the_rest_and_releases_pending_marks_in_order() -> None:
    buf = PlaybackBuffer()
    buf.push_media(tone(0.2), 0.0)
    buf.push_mark("first", 0.0)
    buf.push_media(tone(1.0), 0.0)
    buf.push_mark("second", 0.0)
    buf.push_media(tone(1.0), 0.0)
    buf.push_mark("third", 0.0)
    echoes = buf.clear(0.5)
    assert [(e.name, e.cleared) for e in echoes] == [
        ("first", False),
        ("second", True),
        ("third", True),
    ]
    assert echoes[0].due == pytest.approx(0.2) and echoes[1].due == 0.5
    assert buf.clears == 1 and buf.next_due() is None and not buf.playing(0.5)
    (speech,) = buf.segments
    assert speech.cleared and speech.n_samples == 4000  # 0.5 s heard
    np.testing.assert_array_equal(speech.samples, np.concatenate([tone(0.2), tone(1.0)[:2400]]))
    # Audio after a clear is a new stretch; a clear with nothing queued cuts nothing.
    buf.push_media(tone(0.1), 0.6)
    assert buf.clear(1.0) == [] and buf.clears == 2
    assert len(buf.segments) == 2 and not buf.segments[1].cleared


def test_pauses_split_agent_speech_short_underruns_do_not() -> None:
    buf = PlaybackBuffer(merge_gap_s=0.3)
    buf.push_media(tone(0.1), 0.0)
    buf.push_media(tone(0.1), 0.15)  # 50 ms late: an underrun, heard as silence
    buf.push_media(tone(0.1), 1.0)  # 0.75 s pause: the agent spoke again
    buf.advance(2.0)
    first, second = buf.segments
    assert first.start == 0.0 and first.n_samples == 2000  # 0.1 + 0.05 gap + 0.1
    assert first.end == pytest.approx(0.25)
    assert np.all(first.samples[800:1200] == 0)
    assert second.start == 1.0 and second.n_samples == 800


def test_hang_up_keeps_what_played_and_forgets_marks() -> None:
    buf = PlaybackBuffer()
    buf.push_media(tone(1.0), 0.0)
    buf.push_mark("never", 0.0)
    buf.hang_up(0.25)
    assert buf.segments[0].n_samples == 2000 and not buf.segments[0].cleared
    assert buf.next_due() is None and buf.clears == 0


# --------------------------------------------------------------------------- microphone


async def test_microphone_paces_frames_on_an_absolute_schedule() -> None:
    sent: list[tuple[float, Int16Array]] = []

    async def send(frame: Int16Array) -> bool:
        sent.append((time.time(), frame.copy()))
        return True

    mic = PacedMicrophone(send, continuous=False)
    mic.start()
    try:
        t0 = time.time()
        end = await mic.play(tone(0.51))
        assert len(sent) == 26  # 25 whole frames and one padded
        assert all(f.size == 160 for _, f in sent)
        assert end == pytest.approx(t0 + 0.51, abs=0.03)
        assert sent[-1][0] == pytest.approx(t0 + 0.52, abs=0.03)
        np.testing.assert_array_equal(np.concatenate([f for _, f in sent])[:4080], tone(0.51))
        assert np.all(sent[-1][1][80:] == 0)
        sent.clear()
        t1 = time.time()
        await mic.play(tone(0.4), speed=4.0)
        assert len(sent) == 20 and sent[-1][0] - t1 == pytest.approx(0.1, abs=0.03)
    finally:
        await mic.stop()
    assert await mic.play(tone(0.1)) == pytest.approx(time.time(), abs=0.01)  # over: no wait


async def test_continuous_microphone_sends_silence_between_utterances() -> None:
    frames: list[Int16Array] = []

    async def send(frame: Int16Array) -> bool:
        frames.append(frame)
        return len(frames) < 12  # the "connection" dies after 12 frames

    mic = PacedMicrophone(send)
    mic.start()
    await asyncio.sleep(0.1)
    assert 3 <= len(frames) <= 6 and all(not f.any() for f in frames)
    await mic.play(tone(1.0))  # returns when the connection is gone, no exception
    assert len(frames) == 12 and mic.stopped
    await mic.stop()


# --------------------------------------------------------------------------- Twilio stream


@asynccontextmanager
async def ws_server(
    handler: Callable[[ServerConnection], Awaitable[None]],
    process_request: Callable[[ServerConnection, Request], Response | None] | None = None,
) -> AsyncIterator[str]:
    async with serve(handler, "127.0.0.1", 0, process_request=process_request) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/v1/telephony/twilio/stream"


def media_message(sid: str, samples: Int16Array) -> str:
    payload = base64.b64encode(codec.encode(samples, codec.AudioFormat.PCMU8K)).decode()
    return json.dumps({"event": "media", "streamSid": sid, "media": {"payload": payload}})


def mark_message(sid: str, name: str) -> str:
    return json.dumps({"event": "mark", "streamSid": sid, "mark": {"name": name}})


async def test_twilio_stream_speaks_twilio_and_simulates_its_playback() -> None:
    got: list[tuple[float, dict[str, Any]]] = []
    paths: list[str] = []

    async def agent(ws: ServerConnection) -> None:
        assert ws.request is not None
        paths.append(ws.request.path)
        sid = ""
        async for raw in ws:
            message = json.loads(raw)
            got.append((time.time(), message))
            event = message["event"]
            if event == "start":
                sid = message["start"]["streamSid"]
                await ws.send(media_message(sid, tone(0.2)))
                await ws.send(mark_message(sid, "greeting"))
            elif event == "mark" and message["mark"]["name"] == "greeting":
                await ws.send(media_message(sid, tone(1.0)))
                await ws.send(mark_message(sid, "reply"))
                await asyncio.sleep(0.1)
                await ws.send(json.dumps({"event": "clear", "streamSid": sid}))

    async with ws_server(agent) as url:
        async with TwilioStream.connect(
            url + "?dropped=yes",
            {"token": "tok-123"},
            call_sid="CA1",
            account_sid="AC1",
            merge_gap_s=0.0,  # the reply follows the greeting at once: keep them apart
        ) as call:
            await call.wait_for(lambda: call.marks_echoed == 2, 3.0, what="two marks back")
            spoken = await call.play(tone(0.1))
            await call.dtmf("5")
            assert call.clears == 1 and call.protocol_errors == []
            greeting, reply = call.agent_speech
            assert greeting.n_samples == 1600 and not greeting.cleared
            np.testing.assert_array_equal(greeting.samples, mulaw_roundtrip(tone(0.2)))
            assert reply.cleared and reply.duration_s == pytest.approx(0.1, abs=0.04)
            assert call.agent_audio.size == 1600 + 8000  # everything received, cleared or not
            (t_first, _), (t_second, _) = call.mark_echoes
            assert t_first - greeting.start == pytest.approx(0.2, abs=0.05)
            assert t_second - reply.start == pytest.approx(0.1, abs=0.05)
            assert [e.cleared for _, e in call.mark_echoes] == [False, True]
            assert call.first_media_after(0.0) == greeting.start
            assert await call.wait_agent_silent(0.05, 2.0) == pytest.approx(reply.end)
        assert call.closed and not call.closed_by_server and call.close_code == 1000

    assert paths == ["/v1/telephony/twilio/stream"]  # Twilio drops the query string
    events = [m["event"] for _, m in got]
    assert events[:2] == ["connected", "start"] and events[-1] == "stop"
    assert got[0][1] == {"event": "connected", "protocol": "Call", "version": "1.0.0"}
    start = got[1][1]
    assert start["sequenceNumber"] == "1" and start["streamSid"].startswith("MZ")
    assert start["start"]["customParameters"] == {"token": "tok-123"}
    assert start["start"]["mediaFormat"] == {
        "encoding": "audio/x-mulaw",
        "sampleRate": 8000,
        "channels": 1,
    }
    assert start["start"]["tracks"] == ["inbound"]
    assert (start["start"]["callSid"], start["start"]["accountSid"]) == ("CA1", "AC1")
    numbered = [m for _, m in got[1:]]
    assert [m["sequenceNumber"] for m in numbered] == [str(i) for i in range(1, len(numbered) + 1)]
    assert all(m["streamSid"] == start["streamSid"] for m in numbered)
    media = [(t, m) for t, m in got if m["event"] == "media"]
    assert [m["media"]["chunk"] for _, m in media] == [str(i) for i in range(1, len(media) + 1)]
    assert [m["media"]["timestamp"] for _, m in media[:3]] == ["0", "20", "40"]
    assert all(m["media"]["track"] == "inbound" for _, m in media)
    assert all(len(base64.b64decode(m["media"]["payload"])) == 160 for _, m in media)
    gaps = np.diff([t for t, _ in media])
    assert abs(float(np.median(gaps)) - 0.02) < 0.005  # one every 20 ms, continuous
    assert media[-1][0] - media[0][0] == pytest.approx(0.02 * (len(media) - 1), abs=0.06)
    heard = np.concatenate(
        [codec.decode(base64.b64decode(m["media"]["payload"]), "audio/pcmu") for _, m in media]
    )
    assert np.abs(heard).max() > 1000  # the tone is in there, among the silence
    marks = [m for _, m in got if m["event"] == "mark"]
    assert [m["mark"]["name"] for m in marks] == ["greeting", "reply"]
    (dtmf,) = [m for _, m in got if m["event"] == "dtmf"]
    assert dtmf["dtmf"] == {"track": "inbound_track", "digit": "5"}
    assert got[-1][1]["stop"] == {"accountSid": "AC1", "callSid": "CA1"}
    assert spoken <= time.time()


async def test_twilio_stream_keeps_the_close_code_of_a_refusal() -> None:
    async def refuse(ws: ServerConnection) -> None:
        await ws.recv()  # connected
        await ws.recv()  # start
        await ws.close(1008, "invalid token")

    async with ws_server(refuse) as url, TwilioStream.connect(url, {"token": "wrong"}) as call:
        await call.wait_closed(2.0)
        assert await call.play(tone(0.2)) == pytest.approx(time.time(), abs=0.05)
        await call.dtmf("1")  # ignored, no exception
    assert (call.close_code, call.close_reason) == (1008, "invalid token")
    assert call.closed_by_server and call.dtmf_sent == []


async def test_twilio_stream_survives_a_server_that_closes_at_once() -> None:
    async def slam(ws: ServerConnection) -> None:
        await ws.close(4401, "unauthorized")

    async with ws_server(slam) as url, TwilioStream.connect(url) as call:
        assert await call.play(tone(0.2)) == pytest.approx(time.time(), abs=0.05)
        await call.wait_closed(2.0)
    assert call.closed_by_server and call.close_code == 4401


async def test_answer_streams_with_the_webhook_call() -> None:
    starts: list[dict[str, Any]] = []

    async def agent(ws: ServerConnection) -> None:
        await ws.recv()
        starts.append(json.loads(await ws.recv()))

    async with ws_server(agent) as url:
        twiml_text = (
            f'<Response><Connect><Stream url="{url}"><Parameter name="token" value="t"/>'
            "</Stream></Connect></Response>"
        )
        transport = httpx.MockTransport(
            lambda _: httpx.Response(200, text=twiml_text, headers={"content-type": "text/xml"})
        )
        async with httpx.AsyncClient(transport=transport) as client:
            twiml = await place_call("http://127.0.0.1:1", TOKEN, client=client)
        async with TwilioStream.answer(twiml) as call:
            await call.wait_for(lambda: bool(starts), 2.0)
    (start,) = starts
    assert start["start"]["callSid"] == twiml.call_sid == call.call_sid
    assert start["start"]["accountSid"] == twiml.account_sid
    assert start["start"]["customParameters"] == {"token": "t"}


async def test_twilio_stream_raises_on_refused_handshake() -> None:
    def forbid(ws: ServerConnection, request: Request) -> Response:
        return ws.respond(HTTPStatus.FORBIDDEN, "no\n")

    async def never(ws: ServerConnection) -> None:
        raise AssertionError("handshake should have been refused")

    async with ws_server(never, forbid) as url:
        with pytest.raises(StreamRefused) as info:
            async with TwilioStream.connect(url):
                pass
    assert info.value.status_code == 403


async def test_twilio_stream_signs_the_handshake_and_reports_bad_messages() -> None:
    headers: list[Headers] = []

    async def sloppy(ws: ServerConnection) -> None:
        assert ws.request is not None
        headers.append(ws.request.headers)
        await ws.recv()
        await ws.recv()
        await ws.send("not json")
        await ws.send(json.dumps({"event": "speak", "streamSid": "MZx"}))
        await ws.send(json.dumps({"event": "media", "streamSid": "MZx", "media": {}}))
        await ws.wait_closed()

    async with (
        ws_server(sloppy) as url,
        TwilioStream.connect(url, auth_token=TOKEN, continuous=False) as call,
    ):
        await call.wait_for(lambda: len(call.protocol_errors) >= 4, 2.0)
    assert headers[0]["X-Twilio-Signature"] == twilio_signature(url, [], TOKEN)
    assert any("not JSON" in e for e in call.protocol_errors)
    assert any("'speak'" in e for e in call.protocol_errors)
    assert any("streamSid" in e for e in call.protocol_errors)
    assert any("payload" in e for e in call.protocol_errors)


# --------------------------------------------------------------------------- AudioSocket frames


def test_audiosocket_frames_are_kind_big_endian_length_payload() -> None:
    call_id = uuid.UUID("40325ec2-5efd-4bd3-805f-53576e581d13")
    assert uuid_frame(call_id) == b"\x01\x00\x10" + bytes.fromhex(
        "40325ec25efd4bd3805f53576e581d13"
    )
    samples = np.array([1, -2, 256], dtype=np.int16)
    assert audio_frame(samples) == b"\x10\x00\x06\x01\x00\xfe\xff\x00\x01"
    assert audio_frame(tone(0.02))[:3] == b"\x10\x01\x40"  # 320 bytes = 20 ms
    assert dtmf_frame("#") == b"\x03\x00\x01#"
    assert hangup_frame() == b"\x00\x00\x00"
    assert error_frame(0x02) == b"\xff\x00\x01\x02" and error_frame() == b"\xff\x00\x00"
    with pytest.raises(ValueError):
        encode_frame(Kind.AUDIO, bytes(70000))
    with pytest.raises(ValueError):
        dtmf_frame("x")


def test_frame_decoder_reassembles_frames_split_anywhere() -> None:
    stream = uuid_frame(uuid.UUID(int=7)) + audio_frame(tone(0.02)) + hangup_frame()
    decoder = FrameDecoder()
    frames: list[Frame] = []
    for i in range(0, len(stream), 5):
        frames += decoder.feed(stream[i : i + 5])
    assert [f.kind for f in frames] == [Kind.UUID, Kind.AUDIO, Kind.HANGUP]
    assert uuid.UUID(bytes=frames[0].payload).int == 7
    np.testing.assert_array_equal(np.frombuffer(frames[1].payload, "<i2"), tone(0.02))
    assert decoder.pending == 0 and Frame(0x42).kind_name == "0x42"


# --------------------------------------------------------------------------- AudioSocket call


@asynccontextmanager
async def tcp_server(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[int]:
    server = await asyncio.start_server(handler, "127.0.0.1", 0)
    async with server:
        yield server.sockets[0].getsockname()[1]


async def read_frame(reader: asyncio.StreamReader) -> Frame:
    header = await reader.readexactly(3)
    return Frame(header[0], await reader.readexactly(int.from_bytes(header[1:], "big")))


async def test_audiosocket_call_speaks_asterisk() -> None:
    frames: list[tuple[float, Frame]] = []
    eof = asyncio.Event()
    reply = tone(0.1, 300.0)

    async def service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        first = await read_frame(reader)
        frames.append((time.time(), first))
        writer.write(audio_frame(reply[:800]))
        await writer.drain()
        try:
            while True:
                frames.append((time.time(), await read_frame(reader)))
        except asyncio.IncompleteReadError:
            eof.set()
        writer.close()

    call_id = uuid.uuid4()
    async with tcp_server(service) as port:
        async with AudioSocketCall.connect("127.0.0.1", port, str(call_id)) as call:
            first = await call.wait_first_audio_after(0.0, 2.0)
            await call.play(tone(0.1))
            await call.dtmf("7")
            await call.wait_agent_silent(0.05, 2.0)
            np.testing.assert_array_equal(call.agent_audio, reply[:800])
            (speech,) = call.agent_speech
            assert speech.start == first and speech.n_samples == 800
            await call.hang_up()
        await asyncio.wait_for(eof.wait(), 2.0)

    assert call.uuid == call_id and frames[0][1] == Frame(Kind.UUID, call_id.bytes)
    kinds = [f.kind for _, f in frames[1:]]
    assert kinds[-1] == Kind.HANGUP and kinds.count(Kind.DTMF) == 1
    assert {len(f.payload) for _, f in frames if f.kind == Kind.AUDIO} == {320}
    assert next(f for _, f in frames if f.kind == Kind.DTMF).payload == b"7"
    audio_times = [t for t, f in frames if f.kind == Kind.AUDIO]
    assert abs(float(np.median(np.diff(audio_times))) - 0.02) < 0.005
    assert call.ended_by == "caller_hangup" and not call.closed_by_server
    assert call.protocol_errors == [] and call.max_queued_s == pytest.approx(0.1, abs=0.02)


@pytest.mark.parametrize(
    ("ending", "ended_by"),
    [
        (hangup_frame(), "server_hangup"),
        (error_frame(0x02), "server_error"),
        (dtmf_frame("1"), "protocol_error"),  # Asterisk accepts only hangup and audio
        (encode_frame(Kind.AUDIO), "protocol_error"),  # empty audio: Asterisk hangs up
        (b"", "server_closed"),
        (b"\x10\x01", "server_closed"),  # cut inside a header
    ],
)
async def test_audiosocket_call_ends_when_the_server_does(ending: bytes, ended_by: str) -> None:
    async def service(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_frame(reader)
        writer.write(ending)
        await writer.drain()
        writer.close()

    async with tcp_server(service) as port, AudioSocketCall.connect("127.0.0.1", port) as call:
        await call.wait_closed(2.0)
        assert await call.play(tone(0.2)) == pytest.approx(time.time(), abs=0.05)
        await call.dtmf("2")
        await call.hang_up()  # nothing left to hang up; no exception
    assert call.closed_by_server and call.ended_by == ended_by
    assert call.hangup_received == (ended_by == "server_hangup")
    if ended_by == "server_error":
        assert [payload for _, payload in call.errors_received] == [b"\x02"]
    assert call.dtmf_sent == []
