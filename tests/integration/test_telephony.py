"""Phone calls end to end: the server as a subprocess (``voice-agent serve``, speech on) and
carriers written from the published protocols (``loadtest/twilio_carrier.py``,
``loadtest/audiosocket_caller.py``) placing calls with real human telephony recordings
(``asterisk-core-sounds-en-wav``) at real-time pace. The agent's audio is transcribed back
with the same Whisper model to check it says what was stored.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import numpy.typing as npt
import pytest

from loadtest.audiosocket_caller import AudioSocketCall
from loadtest.twilio_carrier import (
    TwilioStream,
    place_call,
    post_webhook,
    twilio_signature,
    voice_webhook_params,
)
from tests.audio_fixtures import (
    ASTERISK_SOUNDS,
    asterisk_transcripts,
    read_wav,
    whisper_en,  # noqa: F401  (fixture)
    word_error_rate,
)
from tests.integration.server import ServerProcess, start_server
from voice_agent.audio.resample import resample

#: the shipped clips of ``voice-agent bench barge-in``
BARGEIN_CLIPS = Path(__file__).resolve().parents[2] / "audio_assets" / "bargein"

pytestmark = pytest.mark.slow

API_KEY = "tel-test-key"
AUTH_TOKEN = "twilio-test-auth-token"
WEBHOOK = "/v1/telephony/twilio/voice"
AFTER = "/v1/telephony/twilio/after"
HAND_OFF = "+15550009999"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    port = free_port()
    data_dir = tmp_path_factory.mktemp("telephony") / "data"
    env = {
        "VOICE_AGENT_API_KEYS": API_KEY,
        "VOICE_AGENT_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "VOICE_AGENT_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "VOICE_AGENT_TWILIO_HAND_OFF_NUMBER": HAND_OFF,
        "VOICE_AGENT_AUDIOSOCKET_PORT": "0",
        "VOICE_AGENT_AUDIOSOCKET_ALLOW": "127.0.0.1/32",
    }
    srv = start_server(data_dir, env, ("--port", str(port)), timeout=240.0, speech=True)
    try:
        auth = {"Authorization": f"Bearer {API_KEY}"}  # the details need a key
        ready = httpx.get(srv.url + "/readyz", headers=auth, timeout=10).json()
        assert ready["speech"] == "ready", ready
        yield srv
    finally:
        srv.stop()


def clip8k(name: str) -> tuple[npt.NDArray[np.int16], str]:
    transcripts = asterisk_transcripts("en")
    path = ASTERISK_SOUNDS / "en" / f"{name}.wav"
    if not transcripts or not path.is_file():
        pytest.skip("asterisk-core-sounds-en-wav and asterisk-core-sounds-en are not installed")
    samples, rate = read_wav(path)
    assert rate == 8000
    return samples, transcripts[name]


def transcribe8k(model: Any, samples: npt.NDArray[np.int16]) -> str:
    x16 = resample(samples, 8000, 16000).astype(np.float32) / 32768.0
    return str(model.transcribe(x16, "en").text)


def conversations(srv: ServerProcess) -> list[dict[str, Any]]:
    with srv.client(API_KEY) as http:
        r = http.get("/v1/conversations", params={"limit": 100})
        assert r.status_code == 200, r.text
        data: list[dict[str, Any]] = r.json()["conversations"]
        return data


async def wait_conversation(
    srv: ServerProcess, match: dict[str, str], *, ended: bool = True, wait_s: float = 15.0
) -> dict[str, Any]:
    """The stored conversation whose customer profile has ``match``, with its turns."""
    deadline = time.monotonic() + wait_s
    while True:
        for conv in await asyncio.to_thread(conversations, srv):
            customer = conv.get("customer") or {}
            if all(customer.get(k) == v for k, v in match.items()) and (
                not ended or conv["status"] == "ended"
            ):
                with srv.client(API_KEY) as http:
                    full: dict[str, Any] = http.get(f"/v1/conversations/{conv['id']}").json()
                return full
        if time.monotonic() > deadline:
            raise AssertionError(f"no {'ended ' if ended else ''}conversation with {match}")
        await asyncio.sleep(0.2)


def log_records(srv: ServerProcess) -> list[dict[str, Any]]:
    out = []
    for line in srv.stderr().splitlines():
        assert line.startswith("{"), f"a log line that is not JSON: {line!r}"
        out.append(json.loads(line))
    return out


def assert_clean_log(srv: ServerProcess) -> None:
    text = srv.stderr()
    assert "Traceback" not in text and "exception was never retrieved" not in text, text[-3000:]
    for record in log_records(srv):
        assert record.get("level") != "error", record


# --------------------------------------------------------------------------- Twilio


async def test_twilio_call_as_the_carrier_places_it(
    server: ServerProcess,
    whisper_en: Any,  # noqa: F811
) -> None:
    question, question_text = clip8k("vm-nobodyavail")
    interruption, _ = clip8k("conf-getpin")
    twiml = await place_call(server.url, AUTH_TOKEN, from_number="+15550001111")
    assert twiml.stream_url == server.url.replace("http", "ws") + "/v1/telephony/twilio/stream"
    assert set(twiml.parameters) == {"token"}
    async with TwilioStream.answer(twiml) as call:
        # the greeting plays; the caller talks over it (a barge-in: `clear`)
        greeting_at = await call.wait_first_audio_after(0.0, 30.0)
        await asyncio.sleep(1.2)
        said = await call.play(interruption)
        await call.wait_for(lambda: call.clears >= 1, 10.0, what="clear after barge-in")
        await call.wait_first_audio_after(said, 30.0)  # the agent answers the interruption
        await call.wait_agent_silent(1.0, 60.0)
        # a question at real-time pace, then the answer
        end = await call.play(question)
        first = await call.wait_first_audio_after(end, 30.0)
        await call.wait_agent_silent(1.2, 60.0)
        assert call.marks_echoed > 0
        await call.hang_up()
    assert first - end < 5.0 and greeting_at > 0
    conv = await wait_conversation(server, {"phone": "+15550001111"})
    assert conv["channel"] == "twilio" and conv["end_reason"] == "caller_hung_up"
    turns = conv["turns"]
    roles = [t["role"] for t in turns]
    assert roles[:2] == ["agent", "customer"], roles
    greeting = turns[0]
    assert greeting["truncated"] is True  # cut by the barge-in: only what was heard
    customer = [t for t in turns if t["role"] == "customer"]
    assert word_error_rate(question_text, customer[-1]["text"]) <= 0.35, customer[-1]
    reply = turns[turns.index(customer[-1]) + 1]
    assert reply["role"] == "agent" and not reply.get("truncated")
    # the caller heard what was stored: the agent's mu-law audio transcribes back to it
    heard = [s for s in call.agent_speech if not s.cleared and s.duration_s > 1.0]
    assert heard, [(s.duration_s, s.cleared) for s in call.agent_speech]
    back = transcribe8k(whisper_en, heard[-1].samples)
    assert word_error_rate(reply["text"], back) <= 0.35, (reply["text"], back)
    assert_clean_log(server)


async def test_twilio_backchannel_pauses_the_greeting_and_nothing_of_it_is_lost(
    server: ServerProcess,
    whisper_en: Any,  # noqa: F811
) -> None:
    # "Yeah, yeah, sure" over the greeting: the agent pauses while it listens (Twilio is
    # told to clear what it holds), then goes on from where the caller stopped hearing it
    samples, rate = read_wav(BARGEIN_CLIPS / "en-b06.wav")
    clip = resample(samples, rate, 8000)
    twiml = await place_call(server.url, AUTH_TOKEN, from_number="+15550002222")
    async with TwilioStream.answer(twiml) as call:
        await call.wait_first_audio_after(0.0, 30.0)
        await asyncio.sleep(1.0)
        await call.play(clip)
        await call.wait_agent_silent(1.5, 60.0)
        clears = call.clears
        heard = np.concatenate([s.samples for s in call.agent_speech])
        await call.hang_up()
    conv = await wait_conversation(server, {"phone": "+15550002222"})
    turns = conv["turns"]
    greeting = turns[0]
    assert greeting["role"] == "agent" and not greeting.get("truncated"), turns
    assert clears >= 1, "the agent did not pause"
    assert not [t for t in turns if t["role"] == "customer"], turns  # not a turn
    # what the caller heard, pauses and all, says the whole greeting
    back = transcribe8k(whisper_en, heard)
    assert word_error_rate(greeting["text"], back) <= 0.35, (greeting["text"], back)
    assert_clean_log(server)


async def test_webhook_signatures(server: ServerProcess) -> None:
    url = server.url + WEBHOOK
    params = voice_webhook_params(
        call_sid="CA" + "1" * 32, account_sid="AC" + "2" * 32, from_number="+1555", to_number="+2"
    )
    good = twilio_signature(url, params, AUTH_TOKEN)
    ok = await post_webhook(url, params, signature=good)
    assert ok.status_code == 200 and "<Stream url=" in ok.text
    missing = await post_webhook(url, params, signature=None)
    assert missing.status_code == 403
    assert missing.json()["error"]["code"] == "signature_missing"
    forged = await post_webhook(url, params, signature=good[:-4] + "AAA=")
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "signature_invalid"
    wrong_key = twilio_signature(url, params, "another-token")
    assert (await post_webhook(url, params, signature=wrong_key)).status_code == 403
    other_url = twilio_signature(server.url + "/elsewhere", params, AUTH_TOKEN)
    assert (await post_webhook(url, params, signature=other_url)).status_code == 403
    tampered = [(k, "+1999" if k == "From" else v) for k, v in params]
    assert (await post_webhook(url, tampered, signature=good)).status_code == 403
    # ?lang=es is part of what is signed
    es = url + "?lang=es"
    es_ok = await post_webhook(es, params, signature=twilio_signature(es, params, AUTH_TOKEN))
    assert es_ok.status_code == 200
    assert (await post_webhook(es, params, signature=good)).status_code == 403


async def test_stream_tokens_are_single_use_and_checked(server: ServerProcess) -> None:
    twiml = await place_call(server.url, AUTH_TOKEN, from_number="+15550002222")
    before = len(await asyncio.to_thread(conversations, server))
    async with TwilioStream.answer(twiml) as first:
        await first.wait_first_audio_after(0.0, 30.0)
        # the same token again: refused with a reason, nothing stored
        async with TwilioStream.answer(twiml) as again:
            await again.wait_closed(10.0)
        assert again.close_code == 1008 and "token_used" in (again.close_reason or "")
        await first.hang_up()
    bad = dict(twiml.parameters, token=twiml.parameters["token"][:-3] + "abc")
    async with TwilioStream.connect(twiml.stream_url, bad) as forged:
        await forged.wait_closed(10.0)
    assert forged.close_code == 1008 and "token_invalid" in (forged.close_reason or "")
    async with TwilioStream.connect(twiml.stream_url, {}) as none:
        await none.wait_closed(10.0)
    assert none.close_code == 1008 and "token_missing" in (none.close_reason or "")
    await asyncio.sleep(0.5)
    after = await asyncio.to_thread(conversations, server)
    assert len(after) == before + 1  # only the call that was let in


def test_expired_tokens_are_refused() -> None:
    """Expiry with an injected clock (the server's tokens live 5 minutes)."""
    from voice_agent.telephony.tokens import StreamTokens, TokenError, derive_secret

    now = [1000.0]
    tokens = StreamTokens(derive_secret(AUTH_TOKEN, "twilio-stream"), clock=lambda: now[0])
    token = tokens.mint("CA1", "en", {"phone": "+1"})
    now[0] += 301.0
    with pytest.raises(TokenError) as exc:
        tokens.redeem(token)
    assert exc.value.code == "token_expired"


async def test_twilio_hang_up_in_the_middle_of_a_reply(server: ServerProcess) -> None:
    twiml = await place_call(server.url, AUTH_TOKEN, from_number="+15550003333")
    async with TwilioStream.answer(twiml) as call:
        await call.wait_first_audio_after(0.0, 30.0)
        await asyncio.sleep(0.8)
        await call.hang_up()  # `stop`, then the socket closes, mid-greeting
    conv = await wait_conversation(server, {"phone": "+15550003333"})
    assert conv["end_reason"] == "no_customer_turn"
    assert "<Hangup/>" in await after_stream(server, twiml.call_sid)  # no person for that
    assert conv["turns"][0]["role"] == "agent" and conv["turns"][0]["truncated"] is True
    # the server goes on serving
    twiml2 = await place_call(server.url, AUTH_TOKEN, from_number="+15550004444")
    async with TwilioStream.answer(twiml2) as call2:
        await call2.wait_first_audio_after(0.0, 30.0)
        await call2.hang_up()
    assert_clean_log(server)


async def after_stream(server: ServerProcess, call_sid: str | None) -> str:
    """What Twilio gets from the <Connect action> request when the stream has ended."""
    url = server.url + AFTER
    params = [
        ("AccountSid", "AC" + "0" * 32),
        ("CallSid", call_sid or ""),
        ("CallStatus", "in-progress"),
    ]
    r = await post_webhook(url, params, signature=twilio_signature(url, params, AUTH_TOKEN))
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml"), r.text
    return r.text


async def test_twilio_dtmf_zero_hands_off(server: ServerProcess) -> None:
    twiml = await place_call(server.url, AUTH_TOKEN, from_number="+15550005555")
    assert f'action="{server.url}{AFTER}"' in twiml.raw
    async with TwilioStream.answer(twiml) as call:
        await call.wait_first_audio_after(0.0, 30.0)
        await call.dtmf("0")
        await call.wait_closed(40.0)  # the agent says it hands off, then ends the stream
    # Twilio then asks what next: a person
    assert f"<Dial>{HAND_OFF}</Dial>" in await after_stream(server, twiml.call_sid)
    conv = await wait_conversation(server, {"phone": "+15550005555"})
    assert conv["end_reason"] == "agent_hand_off"
    customer = [t for t in conv["turns"] if t["role"] == "customer"]
    assert customer[-1]["dtmf"] == "0"
    assert conv["turns"][-1]["action"] == "hand_off"


# --------------------------------------------------------------------------- AudioSocket


def audiosocket_port(srv: ServerProcess) -> int:
    return int(srv.listening["audiosocket_port"])


async def test_audiosocket_call(server: ServerProcess, whisper_en: Any) -> None:  # noqa: F811
    question, question_text = clip8k("vm-nobodyavail")
    call_id = uuid.uuid4()
    async with AudioSocketCall.connect("127.0.0.1", audiosocket_port(server), call_id) as call:
        await call.wait_first_audio_after(0.0, 30.0)
        await call.wait_agent_silent(1.0, 60.0)
        end = await call.play(question)
        await call.wait_first_audio_after(end, 30.0)
        await call.wait_agent_silent(1.2, 60.0)
        await call.dtmf("7")
        await asyncio.sleep(0.3)
        await call.hang_up()
    assert call.max_queued_s < 0.2  # paced in real time, not sent ahead
    conv = await wait_conversation(server, {"call_uuid": str(call_id)})
    assert conv["channel"] == "audiosocket" and conv["end_reason"] == "caller_hung_up"
    turns = conv["turns"]
    customer = [t for t in turns if t["role"] == "customer"]
    assert word_error_rate(question_text, customer[0]["text"]) <= 0.35, customer
    assert customer[-1]["dtmf"] == "7"  # pressed after the last reply, kept at hang-up
    reply = turns[turns.index(customer[0]) + 1]
    heard = [s for s in call.agent_speech if s.duration_s > 1.0]
    back = transcribe8k(whisper_en, heard[-1].samples)
    assert word_error_rate(reply["text"], back) <= 0.35, (reply["text"], back)
    assert_clean_log(server)


async def test_audiosocket_hang_up_mid_reply_and_barge_in(server: ServerProcess) -> None:
    interruption, _ = clip8k("conf-getpin")
    call_id = uuid.uuid4()
    async with AudioSocketCall.connect("127.0.0.1", audiosocket_port(server), call_id) as call:
        await call.wait_first_audio_after(0.0, 30.0)
        await asyncio.sleep(1.0)
        t0 = time.time()
        await call.play(interruption)
        # the agent stops at once: no greeting audio long after the barge-in
        await call.wait_agent_silent(0.3, 10.0)
        stopped = time.time()
        first_reply = await call.wait_first_audio_after(stopped, 30.0)
        await asyncio.sleep(0.7)
        await call.hang_up(send_hangup_frame=False)  # Asterisk just closes the socket
    assert stopped - t0 < 4.0 and first_reply > stopped
    conv = await wait_conversation(server, {"call_uuid": str(call_id)})
    assert conv["end_reason"] == "caller_hung_up"
    agent = [t for t in conv["turns"] if t["role"] == "agent"]
    cut = [t.get("truncated", False) for t in agent]
    assert cut[0] is True and cut[-1] is True, conv["turns"]
    assert_clean_log(server)


async def test_audiosocket_refuses_peers_outside_the_allow_list(server: ServerProcess) -> None:
    reader, writer = await asyncio.open_connection(
        "127.0.0.1", audiosocket_port(server), local_addr=("127.0.0.2", 0)
    )
    try:
        writer.write(b"\x01\x00\x10" + uuid.uuid4().bytes)
        await writer.drain()
        data = await asyncio.wait_for(reader.read(100), 5.0)
    except ConnectionResetError:  # closed with our frame unread
        data = b""
    assert data == b""  # closed without a word
    writer.close()
    records = log_records(server)
    assert any(
        r.get("event") == "audiosocket_peer_refused" and r.get("peer") == "127.0.0.2"
        for r in records
    )


def test_no_leftover_traceback(server: ServerProcess) -> None:
    assert_clean_log(server)


# --------------------------------------------------------------------------- /v1/realtime


async def test_realtime_hang_up_in_the_middle_of_a_reply(server: ServerProcess) -> None:
    """The same hang-up over ``/v1/realtime``: the socket just goes away mid-greeting."""
    from websockets.asyncio.client import connect

    ws_url = server.url.replace("http", "ws") + "/v1/realtime?model=voice-agent"
    async with connect(ws_url, additional_headers={"Authorization": f"Bearer {API_KEY}"}) as ws:
        await ws.send(
            json.dumps({"type": "session.update", "session": {"customer": {"name": "Hangs Up"}}})
        )
        async for raw in ws:
            if json.loads(raw)["type"] == "response.output_audio.delta":
                break
        await asyncio.sleep(0.5)
    conv = await wait_conversation(server, {"name": "Hangs Up"})
    assert conv["channel"] == "realtime" and conv["end_reason"] == "no_customer_turn"
    assert conv["turns"][0]["role"] == "agent" and conv["turns"][0]["truncated"] is True
    assert_clean_log(server)


def test_webhook_answers_match_the_openapi_document(server: ServerProcess) -> None:
    from tests.integration.test_api_openapi import Checker

    doc = httpx.get(server.url + "/v1/openapi.json", timeout=10).json()
    params = voice_webhook_params(
        call_sid="CA" + "3" * 32, account_sid="AC" + "4" * 32, from_number="+1", to_number="+2"
    )
    url = server.url + WEBHOOK
    signed = {"X-Twilio-Signature": twilio_signature(url, params, AUTH_TOKEN)}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        c = Checker(doc, http)
        ok = c.call("POST", WEBHOOK, data=dict(params), headers=signed)
        assert ok.text.startswith("<?xml") and '<Parameter name="token"' in ok.text
        c.call("POST", WEBHOOK, data=dict(params))
        c.call("POST", WEBHOOK, content=b"x=" + b"y" * 40_000, headers=signed)
        after = server.url + AFTER
        signed_after = {"X-Twilio-Signature": twilio_signature(after, params, AUTH_TOKEN)}
        c.call("POST", AFTER, data=dict(params), headers=signed_after)
        c.call("POST", AFTER, data=dict(params))
        c.call("POST", AFTER, content=b"x=" + b"y" * 40_000, headers=signed_after)
    assert {status for _, _, status in c.seen} == {"200", "403", "413"}
    assert {path for path, _, _ in c.seen} == {WEBHOOK, AFTER}
