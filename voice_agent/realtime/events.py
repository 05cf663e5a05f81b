"""Typed events of the ``/v1/realtime`` protocol (a subset of the OpenAI Realtime API, GA names).

Client events are parsed at the boundary into frozen dataclasses by :func:`parse_client_event`;
anything malformed raises :class:`RealtimeProtocolError` carrying the ``error`` event's code.
Server events are plain JSON dicts built by :class:`ServerEvents`, which stamps a unique
``event_id`` on each one; their shapes follow ``openai.types.realtime`` so the official SDK
parses them.

No I/O here.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Final, Literal, cast

from voice_agent.audio.turn_detector import Eagerness
from voice_agent.call.config import TurnDetection
from voice_agent.call.events import CallError, new_id
from voice_agent.core.labels import LANGS, Lang
from voice_agent.validation import (
    InvalidInput,
    check_bool,
    check_int,
    check_name,
    check_number,
    check_object,
    check_text,
    parse_json,
)

__all__ = ["RealtimeProtocolError", "TurnDetectionConfig", "new_id"]

AudioFormatName = Literal["audio/pcm", "audio/pcmu"]
AUDIO_FORMATS: Final[tuple[AudioFormatName, ...]] = ("audio/pcm", "audio/pcmu")
#: Sample rate and bytes per sample of each wire format.
FORMAT_RATE: Final[Mapping[str, int]] = {"audio/pcm": 24000, "audio/pcmu": 8000}
FORMAT_SAMPLE_BYTES: Final[Mapping[str, int]] = {"audio/pcm": 2, "audio/pcmu": 1}

#: Name of the extra server event carrying a customer turn's insights.
INSIGHTS_EVENT: Final = "conversation.item.insights"
#: Name of the extra server event carrying a finished turn's per-stage timings.
TIMINGS_EVENT: Final = "response.timings"
#: Extensions: the agent's audio paused while speech over it is judged, and resumed after
#: it was judged no interruption (an interruption ends the response instead).
PAUSED_EVENT: Final = "response.output_audio.paused"
RESUMED_EVENT: Final = "response.output_audio.resumed"

#: The largest decoded audio payload accepted in one ``input_audio_buffer.append``.
DEFAULT_MAX_APPEND_BYTES: Final = 15 * 48000  # 15 s of 24 kHz pcm16
#: The largest text frame accepted at all (JSON + base64 of the above, with margin).
DEFAULT_MAX_MESSAGE_CHARS: Final = 2 * 1024 * 1024
#: Largest customer profile (``session.customer``), as compact JSON.
MAX_CUSTOMER_CHARS: Final = 16_384
#: Longest ``session.instructions``.
MAX_INSTRUCTIONS_CHARS: Final = 32_768
#: Longest identifier or name a client sends (``event_id``, ``item_id``, ``model``, ``voice``).
MAX_NAME_CHARS: Final = 256


#: A client event that cannot be honoured; ``code`` goes into the ``error`` event.
RealtimeProtocolError = CallError


def protocol_error(exc: InvalidInput) -> RealtimeProtocolError:
    """The ``error`` event for a value :mod:`voice_agent.validation` refused: ``invalid_json``
    as is, ``invalid_field`` spelt ``invalid_value`` (the OpenAI Realtime code)."""
    code = "invalid_json" if exc.code == "invalid_json" else "invalid_value"
    return RealtimeProtocolError(code, exc.message, param=exc.param)


# --------------------------------------------------------------------------- session config


#: ``session.audio.input.turn_detection`` (``server_vad`` or ``semantic_vad``).
TurnDetectionConfig = TurnDetection


@dataclass(frozen=True, slots=True)
class SessionConfig:
    """What a client may set with ``session.update``.

    ``customer`` (the customer profile) and ``greeting`` are extensions read from the session
    object; ``language`` is read from ``audio.input.transcription.language`` or the
    extension field ``session.language``.
    """

    input_format: AudioFormatName = "audio/pcm"
    output_format: AudioFormatName = "audio/pcm"
    turn_detection: TurnDetectionConfig | None = field(default_factory=TurnDetectionConfig)
    language: Lang = "en"
    customer: Mapping[str, Any] = field(default_factory=dict)
    instructions: str | None = None
    greeting: bool = True
    model: str = "voice-agent"
    voice: str = "default"

    def to_json(self, session_id: str) -> dict[str, Any]:
        """The ``session`` object of ``session.created`` / ``session.updated``."""
        return {
            "type": "realtime",
            "id": session_id,
            "object": "realtime.session",
            "model": self.model,
            "output_modalities": ["audio"],
            "instructions": self.instructions or "",
            "audio": {
                "input": {
                    "format": _format_json(self.input_format),
                    "transcription": {"model": "whisper", "language": self.language},
                    "turn_detection": (
                        self.turn_detection.to_json() if self.turn_detection else None
                    ),
                },
                "output": {"format": _format_json(self.output_format), "voice": self.voice},
            },
            "customer": dict(self.customer),
            "greeting": self.greeting,
            "language": self.language,
        }


def _format_json(fmt: AudioFormatName) -> dict[str, Any]:
    if fmt == "audio/pcm":
        return {"type": "audio/pcm", "rate": 24000}
    return {"type": "audio/pcmu"}


def _parse_format(value: Any, param: str) -> AudioFormatName:
    if isinstance(value, str):  # legacy beta names
        legacy = {"pcm16": "audio/pcm", "g711_ulaw": "audio/pcmu"}
        name: Any = legacy.get(value, value)
    elif isinstance(value, Mapping):
        name = value.get("type")
        rate = value.get("rate")
        if name == "audio/pcm" and rate is not None and rate != 24000:
            raise RealtimeProtocolError(
                "unsupported_audio_format", "audio/pcm is supported at 24000 Hz only", param=param
            )
    else:
        raise RealtimeProtocolError("invalid_value", "audio format must be an object", param=param)
    if name not in AUDIO_FORMATS:
        raise RealtimeProtocolError(
            "unsupported_audio_format",
            f"unsupported audio format {name!r}; use one of {', '.join(AUDIO_FORMATS)}",
            param=param,
        )
    return cast(AudioFormatName, name)


def _obj(value: Any, param: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise RealtimeProtocolError("invalid_value", f"{param} must be an object", param=param)
    return value


def _int(value: Any, param: str, lo: int, hi: int) -> int:
    try:
        return check_int(value, param, lo, hi)
    except InvalidInput as exc:
        raise protocol_error(exc) from None


def _name(value: Any, param: str) -> str:
    try:
        return check_name(value, param, MAX_NAME_CHARS)
    except InvalidInput as exc:
        raise protocol_error(exc) from None


def _bool(value: Any, param: str) -> bool:
    try:
        return check_bool(value, param)
    except InvalidInput as exc:
        raise protocol_error(exc) from None


def _parse_turn_detection(
    value: Any, current: TurnDetectionConfig | None
) -> TurnDetectionConfig | None:
    param = "session.audio.input.turn_detection"
    if value is None:
        return None
    td = _obj(value, param)
    out = current or TurnDetectionConfig()
    kind = td.get("type", out.type)
    if kind == "server_vad" or kind == "semantic_vad":
        out = replace(out, type=kind)
    else:
        raise RealtimeProtocolError(
            "invalid_value", f"unsupported turn_detection type {kind!r}", param=param + ".type"
        )
    if td.get("eagerness") is not None:
        try:
            out = replace(out, eagerness=Eagerness(td["eagerness"]))
        except ValueError:
            raise RealtimeProtocolError(
                "invalid_value",
                "eagerness must be one of " + ", ".join(e.value for e in Eagerness),
                param=param + ".eagerness",
            ) from None
    if td.get("silence_duration_ms") is not None:
        out = replace(
            out,
            silence_duration_ms=_int(
                td["silence_duration_ms"], param + ".silence_duration_ms", 100, 5000
            ),
        )
    if td.get("prefix_padding_ms") is not None:
        out = replace(
            out,
            prefix_padding_ms=_int(td["prefix_padding_ms"], param + ".prefix_padding_ms", 0, 2000),
        )
    if td.get("threshold") is not None:
        try:
            thr = check_number(td["threshold"], param + ".threshold", 0.0, 1.0, open_interval=True)
        except InvalidInput as exc:
            raise protocol_error(exc) from None
        out = replace(out, threshold=thr)
    if td.get("create_response") is not None:
        out = replace(out, create_response=_bool(td["create_response"], f"{param}.create_response"))
    if td.get("interrupt_response") is not None:
        out = replace(
            out, interrupt_response=_bool(td["interrupt_response"], f"{param}.interrupt_response")
        )
    if td.get("pause_on_speech") is not None:
        out = replace(out, pause_on_speech=_bool(td["pause_on_speech"], f"{param}.pause_on_speech"))
    return out


def _parse_lang(value: Any, param: str) -> Lang:
    if not isinstance(value, str) or value.split("-")[0].lower() not in LANGS:
        raise RealtimeProtocolError(
            "unsupported_language",
            f"language must be one of {', '.join(LANGS)}",
            param=param,
        )
    return cast(Lang, value.split("-")[0].lower())


def apply_session_update(cfg: SessionConfig, session: Mapping[str, Any]) -> SessionConfig:
    """Return ``cfg`` updated with the ``session`` object of a ``session.update`` event.

    Unknown fields are ignored (as the OpenAI server does for fields it does not apply);
    invalid values raise :class:`RealtimeProtocolError` and leave ``cfg`` unchanged.
    """
    out = cfg
    audio = session.get("audio")
    # Legacy (beta) flat fields.
    if "input_audio_format" in session:
        out = replace(
            out, input_format=_parse_format(session["input_audio_format"], "input_audio_format")
        )
    if "output_audio_format" in session:
        out = replace(
            out, output_format=_parse_format(session["output_audio_format"], "output_audio_format")
        )
    if "turn_detection" in session:
        out = replace(
            out, turn_detection=_parse_turn_detection(session["turn_detection"], out.turn_detection)
        )
    if audio is not None:
        audio = _obj(audio, "session.audio")
        inp = audio.get("input")
        if inp is not None:
            inp = _obj(inp, "session.audio.input")
            if inp.get("format") is not None:
                out = replace(
                    out, input_format=_parse_format(inp["format"], "session.audio.input.format")
                )
            if "turn_detection" in inp:
                out = replace(
                    out,
                    turn_detection=_parse_turn_detection(inp["turn_detection"], out.turn_detection),
                )
            tr = inp.get("transcription")
            if isinstance(tr, Mapping) and tr.get("language") is not None:
                out = replace(
                    out,
                    language=_parse_lang(
                        tr["language"], "session.audio.input.transcription.language"
                    ),
                )
        outp = audio.get("output")
        if outp is not None:
            outp = _obj(outp, "session.audio.output")
            if outp.get("format") is not None:
                out = replace(
                    out, output_format=_parse_format(outp["format"], "session.audio.output.format")
                )
            if outp.get("voice") is not None:
                out = replace(out, voice=_name(outp["voice"], "session.audio.output.voice"))
    if session.get("language") is not None:
        out = replace(out, language=_parse_lang(session["language"], "session.language"))
    try:
        if session.get("customer") is not None:
            customer = check_object(session["customer"], "session.customer", MAX_CUSTOMER_CHARS)
            out = replace(out, customer=dict(customer))
        if session.get("instructions") is not None:
            instructions = check_text(
                session["instructions"], "session.instructions", MAX_INSTRUCTIONS_CHARS
            )
            out = replace(out, instructions=instructions)
    except InvalidInput as exc:
        raise protocol_error(exc) from None
    if session.get("greeting") is not None:
        out = replace(out, greeting=_bool(session["greeting"], "session.greeting"))
    if session.get("model") is not None:
        out = replace(out, model=_name(session["model"], "session.model"))
    return out


# --------------------------------------------------------------------------- client events


@dataclass(frozen=True, slots=True)
class SessionUpdate:
    event_id: str | None
    session: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class InputAudioAppend:
    event_id: str | None
    audio: bytes


@dataclass(frozen=True, slots=True)
class InputAudioCommit:
    event_id: str | None


@dataclass(frozen=True, slots=True)
class InputAudioClear:
    event_id: str | None


@dataclass(frozen=True, slots=True)
class ResponseCreate:
    event_id: str | None
    response: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ResponseCancel:
    event_id: str | None
    response_id: str | None


@dataclass(frozen=True, slots=True)
class ItemTruncate:
    event_id: str | None
    item_id: str
    content_index: int
    audio_end_ms: int


ClientEvent = (
    SessionUpdate
    | InputAudioAppend
    | InputAudioCommit
    | InputAudioClear
    | ResponseCreate
    | ResponseCancel
    | ItemTruncate
)

CLIENT_EVENT_TYPES: Final[tuple[str, ...]] = (
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "response.create",
    "response.cancel",
    "conversation.item.truncate",
)


def parse_client_event(
    raw: str | bytes,
    *,
    max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
    max_audio_bytes: int = DEFAULT_MAX_APPEND_BYTES,
) -> ClientEvent:
    """Parse one WebSocket text frame into a client event, or raise ``RealtimeProtocolError``."""
    if len(raw) > max_message_chars:
        raise RealtimeProtocolError(
            "message_too_large", f"message is larger than {max_message_chars} characters"
        )
    try:
        data = parse_json(raw, "message")
    except InvalidInput as exc:
        error = protocol_error(exc)
        error.event_id = _event_id_of_refused(raw)
        raise error from None
    if not isinstance(data, dict):
        raise RealtimeProtocolError("invalid_event", "a client event must be a JSON object")
    event_id = data.get("event_id")
    if event_id is not None:
        event_id = _name(event_id, "event_id")
    kind = data.get("type")
    if not isinstance(kind, str):
        raise RealtimeProtocolError(
            "missing_type", "the event has no 'type'", param="type", event_id=event_id
        )
    try:
        return _parse_known(kind, data, event_id, max_audio_bytes)
    except RealtimeProtocolError as exc:
        exc.event_id = exc.event_id or event_id
        raise


def _event_id_of_refused(raw: str | bytes) -> str | None:
    """The ``event_id`` of a message :func:`parse_json` refused (a ``NaN`` or a lone surrogate
    elsewhere in it), when a lenient parse finds a valid one: the client can tell which of its
    events the error is about."""
    try:
        data = json.loads(raw)
        return check_name(data["event_id"], "event_id", MAX_NAME_CHARS)
    except (ValueError, RecursionError, TypeError, KeyError):  # InvalidInput is a ValueError
        return None


def _parse_known(
    kind: str, data: Mapping[str, Any], event_id: str | None, max_audio_bytes: int
) -> ClientEvent:
    if kind == "input_audio_buffer.append":
        audio = data.get("audio")
        if not isinstance(audio, str):
            raise RealtimeProtocolError(
                "invalid_value", "audio must be a base64 string", param="audio"
            )
        if len(audio) > (max_audio_bytes * 4) // 3 + 4:
            raise RealtimeProtocolError(
                "audio_chunk_too_large",
                f"one append may carry at most {max_audio_bytes} bytes of audio",
                param="audio",
            )
        try:
            decoded = base64.b64decode(audio, validate=True)
        except (binascii.Error, ValueError):
            raise RealtimeProtocolError(
                "invalid_audio_base64", "audio is not valid base64", param="audio"
            ) from None
        return InputAudioAppend(event_id, decoded)
    if kind == "session.update":
        return SessionUpdate(event_id, _obj(data.get("session"), "session"))
    if kind == "input_audio_buffer.commit":
        return InputAudioCommit(event_id)
    if kind == "input_audio_buffer.clear":
        return InputAudioClear(event_id)
    if kind == "response.create":
        response = data.get("response")
        return ResponseCreate(event_id, {} if response is None else _obj(response, "response"))
    if kind == "response.cancel":
        rid = data.get("response_id")
        return ResponseCancel(event_id, None if rid is None else _name(rid, "response_id"))
    if kind == "conversation.item.truncate":
        return ItemTruncate(
            event_id,
            _name(data.get("item_id"), "item_id"),
            _int(data.get("content_index", 0), "content_index", 0, 1000),
            _int(data.get("audio_end_ms"), "audio_end_ms", 0, 24 * 3600 * 1000),
        )
    raise RealtimeProtocolError(
        "unknown_event_type", f"unknown or unsupported event type {kind!r}", param="type"
    )


# --------------------------------------------------------------------------- server events


class ServerEvents:
    """Builds server events as JSON-ready dicts, each with a unique ``event_id``."""

    def __init__(self) -> None:
        self._prefix = secrets.token_hex(4)
        self._seq = itertools.count(1)

    def _ev(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "event_id": f"event_{self._prefix}{next(self._seq):06d}", **fields}

    def session_created(self, cfg: SessionConfig, session_id: str) -> dict[str, Any]:
        return self._ev("session.created", session=cfg.to_json(session_id))

    def session_updated(self, cfg: SessionConfig, session_id: str) -> dict[str, Any]:
        return self._ev("session.updated", session=cfg.to_json(session_id))

    def error(self, exc: RealtimeProtocolError) -> dict[str, Any]:
        return self._ev(
            "error",
            error={
                "type": exc.error_type,
                "code": exc.code,
                "message": exc.message,
                "param": exc.param,
                "event_id": exc.event_id,
            },
        )

    def speech_started(self, item_id: str, audio_start_ms: float) -> dict[str, Any]:
        return self._ev(
            "input_audio_buffer.speech_started",
            item_id=item_id,
            audio_start_ms=int(audio_start_ms),
        )

    def speech_stopped(self, item_id: str, audio_end_ms: float) -> dict[str, Any]:
        return self._ev(
            "input_audio_buffer.speech_stopped", item_id=item_id, audio_end_ms=int(audio_end_ms)
        )

    def committed(self, item_id: str, previous_item_id: str | None) -> dict[str, Any]:
        return self._ev(
            "input_audio_buffer.committed", item_id=item_id, previous_item_id=previous_item_id
        )

    def cleared(self) -> dict[str, Any]:
        return self._ev("input_audio_buffer.cleared")

    def transcription_completed(
        self, item_id: str, transcript: str, duration_s: float, language: str
    ) -> dict[str, Any]:
        return self._ev(
            "conversation.item.input_audio_transcription.completed",
            item_id=item_id,
            content_index=0,
            transcript=transcript,
            usage={"type": "duration", "seconds": round(duration_s, 3)},
            languages=[{"code": language}],
        )

    def transcription_failed(self, item_id: str, code: str, message: str) -> dict[str, Any]:
        return self._ev(
            "conversation.item.input_audio_transcription.failed",
            item_id=item_id,
            content_index=0,
            error={"type": "server_error", "code": code, "message": message},
        )

    def insights(
        self,
        item_id: str,
        response_id: str | None,
        transcript: str,
        insights: Mapping[str, Any],
        timings_ms: Mapping[str, float],
    ) -> dict[str, Any]:
        """The extra event: one customer turn's insights and the next best action."""
        return self._ev(
            INSIGHTS_EVENT,
            item_id=item_id,
            response_id=response_id,
            transcript=transcript,
            insights=dict(insights),
            timings_ms={k: round(v, 3) for k, v in timings_ms.items()},
        )

    def timings(
        self, item_id: str | None, response_id: str, timings_ms: Mapping[str, float]
    ) -> dict[str, Any]:
        return self._ev(
            TIMINGS_EVENT,
            item_id=item_id,
            response_id=response_id,
            timings_ms={k: round(v, 3) for k, v in timings_ms.items()},
        )

    def audio_paused(
        self, response_id: str, item_id: str, audio_end_ms: float, sent_ms: float
    ) -> dict[str, Any]:
        return self._ev(
            PAUSED_EVENT,
            response_id=response_id,
            item_id=item_id,
            audio_end_ms=int(audio_end_ms),
            sent_ms=int(sent_ms),
        )

    def audio_resumed(
        self, response_id: str, item_id: str, audio_start_ms: float, paused_ms: float
    ) -> dict[str, Any]:
        return self._ev(
            RESUMED_EVENT,
            response_id=response_id,
            item_id=item_id,
            audio_start_ms=int(audio_start_ms),
            paused_ms=int(paused_ms),
        )

    @staticmethod
    def _response(
        response_id: str,
        conversation_id: str,
        status: str,
        output_format: AudioFormatName,
        output: list[dict[str, Any]],
        reason: str | None = None,
    ) -> dict[str, Any]:
        details: dict[str, Any] | None = None
        if status != "in_progress":
            details = {"type": status}
            if reason is not None:
                details["reason"] = reason
        return {
            "id": response_id,
            "object": "realtime.response",
            "conversation_id": conversation_id,
            "status": status,
            "status_details": details,
            "output": output,
            "output_modalities": ["audio"],
            "audio": {"output": {"format": _format_json(output_format), "voice": "default"}},
            "usage": None,
        }

    @staticmethod
    def assistant_item(item_id: str, transcript: str | None, status: str) -> dict[str, Any]:
        return {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "role": "assistant",
            "status": status,
            "content": []
            if transcript is None
            else [{"type": "output_audio", "transcript": transcript}],
        }

    def response_created(
        self, response_id: str, conversation_id: str, output_format: AudioFormatName
    ) -> dict[str, Any]:
        return self._ev(
            "response.created",
            response=self._response(response_id, conversation_id, "in_progress", output_format, []),
        )

    def output_item_added(self, response_id: str, item_id: str) -> dict[str, Any]:
        return self._ev(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item=self.assistant_item(item_id, None, "in_progress"),
        )

    def content_part_added(self, response_id: str, item_id: str) -> dict[str, Any]:
        return self._ev(
            "response.content_part.added",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            part={"type": "audio", "transcript": ""},
        )

    def audio_delta(self, response_id: str, item_id: str, audio: bytes) -> dict[str, Any]:
        return self._ev(
            "response.output_audio.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=base64.b64encode(audio).decode("ascii"),
        )

    def transcript_delta(self, response_id: str, item_id: str, text: str) -> dict[str, Any]:
        return self._ev(
            "response.output_audio_transcript.delta",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            delta=text,
        )

    def audio_done(self, response_id: str, item_id: str) -> dict[str, Any]:
        return self._ev(
            "response.output_audio.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
        )

    def transcript_done(self, response_id: str, item_id: str, transcript: str) -> dict[str, Any]:
        return self._ev(
            "response.output_audio_transcript.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            transcript=transcript,
        )

    def content_part_done(self, response_id: str, item_id: str, transcript: str) -> dict[str, Any]:
        return self._ev(
            "response.content_part.done",
            response_id=response_id,
            item_id=item_id,
            output_index=0,
            content_index=0,
            part={"type": "audio", "transcript": transcript},
        )

    def output_item_done(
        self, response_id: str, item_id: str, transcript: str, status: str
    ) -> dict[str, Any]:
        return self._ev(
            "response.output_item.done",
            response_id=response_id,
            output_index=0,
            item=self.assistant_item(item_id, transcript, status),
        )

    def response_done(
        self,
        response_id: str,
        conversation_id: str,
        output_format: AudioFormatName,
        status: Literal["completed", "cancelled", "failed", "incomplete"],
        item_id: str | None,
        transcript: str,
        reason: str | None = None,
    ) -> dict[str, Any]:
        output = []
        if item_id is not None:
            item_status = "completed" if status == "completed" else "incomplete"
            output.append(self.assistant_item(item_id, transcript, item_status))
        return self._ev(
            "response.done",
            response=self._response(
                response_id, conversation_id, status, output_format, output, reason
            ),
        )

    def item_truncated(self, item_id: str, audio_end_ms: int) -> dict[str, Any]:
        return self._ev(
            "conversation.item.truncated",
            item_id=item_id,
            content_index=0,
            audio_end_ms=audio_end_ms,
        )
