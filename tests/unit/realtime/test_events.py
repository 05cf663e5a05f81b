"""Client event parsing, session updates and server event shapes (checked with the SDK's types)."""

from __future__ import annotations

import base64
import json

import pytest
from openai.types.realtime import (
    ConversationItemInputAudioTranscriptionCompletedEvent,
    InputAudioBufferSpeechStartedEvent,
    RealtimeErrorEvent,
    ResponseAudioDeltaEvent,
    ResponseCreatedEvent,
    ResponseDoneEvent,
    SessionCreatedEvent,
)

from voice_agent.realtime.events import (
    InputAudioAppend,
    ItemTruncate,
    RealtimeProtocolError,
    ResponseCancel,
    ServerEvents,
    SessionConfig,
    SessionUpdate,
    apply_session_update,
    parse_client_event,
)


def _code(raw: str | bytes, **kw: int) -> str:
    with pytest.raises(RealtimeProtocolError) as info:
        parse_client_event(raw, **kw)
    return info.value.code


def test_append_decodes_base64() -> None:
    audio = b"\x01\x02\x03\x04"
    ev = parse_client_event(
        json.dumps(
            {
                "type": "input_audio_buffer.append",
                "event_id": "e1",
                "audio": base64.b64encode(audio).decode(),
            }
        )
    )
    assert ev == InputAudioAppend("e1", audio)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("{not json", "invalid_json"),
        ("[1, 2]", "invalid_event"),
        ('{"event_id": "x"}', "missing_type"),
        ('{"type": "conversation.item.delete"}', "unknown_event_type"),
        ('{"type": "input_audio_buffer.append", "audio": "@@@"}', "invalid_audio_base64"),
        ('{"type": "input_audio_buffer.append", "audio": 5}', "invalid_value"),
        ('{"type": "session.update", "session": 3}', "invalid_value"),
        (
            '{"type": "conversation.item.truncate", "item_id": "i", "audio_end_ms": -1}',
            "invalid_value",
        ),
        ('{"type": "response.cancel", "response_id": 7}', "invalid_value"),
    ],
)
def test_bad_events_have_codes(raw: str, code: str) -> None:
    assert _code(raw) == code


def test_error_keeps_client_event_id() -> None:
    with pytest.raises(RealtimeProtocolError) as info:
        parse_client_event('{"type": "nope", "event_id": "abc"}')
    assert info.value.event_id == "abc"


def test_size_limits() -> None:
    big = base64.b64encode(b"\0" * 4000).decode()
    raw = json.dumps({"type": "input_audio_buffer.append", "audio": big})
    assert _code(raw, max_audio_bytes=1000) == "audio_chunk_too_large"
    assert _code(raw, max_message_chars=100) == "message_too_large"


def test_other_client_events() -> None:
    ev = parse_client_event('{"type": "response.cancel", "response_id": "r1"}')
    assert ev == ResponseCancel(None, "r1")
    ev = parse_client_event(
        '{"type": "conversation.item.truncate", "item_id": "i", "content_index": 0,'
        ' "audio_end_ms": 1500}'
    )
    assert ev == ItemTruncate(None, "i", 0, 1500)
    ev = parse_client_event('{"type": "session.update", "session": {"type": "realtime"}}')
    assert isinstance(ev, SessionUpdate)


def test_session_update_ga_shape() -> None:
    cfg = apply_session_update(
        SessionConfig(),
        {
            "type": "realtime",
            "audio": {
                "input": {
                    "format": {"type": "audio/pcmu"},
                    "transcription": {"model": "whisper-1", "language": "es"},
                    "turn_detection": {
                        "type": "server_vad",
                        "silence_duration_ms": 700,
                        "create_response": False,
                    },
                },
                "output": {"format": {"type": "audio/pcm", "rate": 24000}},
            },
            "customer": {"name": "Ana", "age": 41},
            "greeting": False,
        },
    )
    assert cfg.input_format == "audio/pcmu"
    assert cfg.output_format == "audio/pcm"
    assert cfg.language == "es"
    assert cfg.turn_detection is not None
    assert cfg.turn_detection.silence_duration_ms == 700
    assert cfg.turn_detection.create_response is False
    assert cfg.customer == {"name": "Ana", "age": 41}
    assert cfg.greeting is False
    off = apply_session_update(cfg, {"audio": {"input": {"turn_detection": None}}})
    assert off.turn_detection is None
    legacy = apply_session_update(SessionConfig(), {"input_audio_format": "g711_ulaw"})
    assert legacy.input_format == "audio/pcmu"


@pytest.mark.parametrize(
    ("session", "code"),
    [
        ({"audio": {"input": {"format": {"type": "audio/pcma"}}}}, "unsupported_audio_format"),
        (
            {"audio": {"output": {"format": {"type": "audio/pcm", "rate": 16000}}}},
            "unsupported_audio_format",
        ),
        ({"language": "fr"}, "unsupported_language"),
        ({"audio": {"input": {"turn_detection": {"silence_duration_ms": 20}}}}, "invalid_value"),
        ({"audio": {"input": {"turn_detection": {"threshold": 2}}}}, "invalid_value"),
        ({"customer": "x"}, "invalid_value"),
        ({"greeting": "yes"}, "invalid_value"),
    ],
)
def test_session_update_rejects(session: dict[str, object], code: str) -> None:
    with pytest.raises(RealtimeProtocolError) as info:
        apply_session_update(SessionConfig(), session)
    assert info.value.code == code


def test_server_events_parse_with_sdk_types() -> None:
    ev = ServerEvents()
    cfg = SessionConfig(customer={"name": "Ana"})
    created = SessionCreatedEvent.model_validate(ev.session_created(cfg, "sess_1"))
    assert created.session.type == "realtime"
    assert created.session.audio is not None
    err = RealtimeErrorEvent.model_validate(
        ev.error(RealtimeProtocolError("invalid_json", "bad", event_id="c1"))
    )
    assert err.error.code == "invalid_json"
    assert err.error.event_id == "c1"
    started = InputAudioBufferSpeechStartedEvent.model_validate(ev.speech_started("item_1", 12.7))
    assert started.audio_start_ms == 12
    delta = ResponseAudioDeltaEvent.model_validate(ev.audio_delta("r", "i", b"\0\1"))
    assert base64.b64decode(delta.delta) == b"\0\1"
    ResponseCreatedEvent.model_validate(ev.response_created("r", "c", "audio/pcm"))
    done = ResponseDoneEvent.model_validate(
        ev.response_done("r", "c", "audio/pcmu", "cancelled", "i", "Hello", "turn_detected")
    )
    assert done.response.status == "cancelled"
    assert done.response.status_details is not None
    assert done.response.status_details.reason == "turn_detected"
    tr = ConversationItemInputAudioTranscriptionCompletedEvent.model_validate(
        ev.transcription_completed("i", "hi", 1.2, "en")
    )
    assert tr.transcript == "hi"
    ids = {ev.cleared()["event_id"] for _ in range(50)}
    assert len(ids) == 50


# -- issue 11, findings 1 and 2: every value checked by voice_agent.validation -------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("NaN", "invalid_json"),
        ("Infinity", "invalid_json"),
        ("-Infinity", "invalid_json"),
        ("1e400", "invalid_json"),
        ("true", "invalid_value"),
        ("-1", "invalid_value"),
        ("1" + "0" * 40, "invalid_value"),
        ("2.5", "invalid_value"),
    ],
)
def test_truncate_numbers_raise_protocol_errors_only(value: str, code: str) -> None:
    raw = (
        '{"type":"conversation.item.truncate","event_id":"e1","item_id":"i",'
        f'"audio_end_ms":{value}}}'
    )
    with pytest.raises(RealtimeProtocolError) as info:
        parse_client_event(raw)
    assert (info.value.code, info.value.event_id) == (code, "e1")


@pytest.mark.parametrize(
    "session",
    [
        {"customer": {"name": "\ud800"}},
        {"customer": {"\udc00": "x"}},
        {"instructions": "a\ud800"},
        {"instructions": "nul\x00"},
        {"audio": {"output": {"voice": "\ud800"}}},
        {"audio": {"output": {"voice": 5}}},
        {"model": "m\x07"},
        {"audio": {"input": {"turn_detection": {"silence_duration_ms": float("nan")}}}},
        {"audio": {"input": {"turn_detection": {"threshold": float("inf")}}}},
        {"audio": {"input": {"turn_detection": {"prefix_padding_ms": True}}}},
        {"audio": {"input": {"turn_detection": {"create_response": 1}}}},
    ],
)
def test_session_update_refuses_bad_values_as_invalid_value(session: dict[str, object]) -> None:
    with pytest.raises(RealtimeProtocolError) as info:
        apply_session_update(SessionConfig(), session)
    assert info.value.code == "invalid_value"
    assert info.value.param is not None and info.value.param.startswith("session.")


def test_lone_surrogate_in_a_message_is_invalid_json_naming_the_path() -> None:
    raw = '{"type":"session.update","event_id":"e2","session":{"customer":{"name":"\\ud800"}}}'
    with pytest.raises(RealtimeProtocolError) as info:
        parse_client_event(raw)
    assert info.value.code == "invalid_json"
    assert info.value.event_id == "e2"
    assert info.value.param == "session.customer.name"
