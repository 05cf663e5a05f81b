"""Twilio Media Streams messages: JSON text frames on the stream's WebSocket.

Source for every shape here: "Media Streams - WebSocket Messages",
https://www.twilio.com/docs/voice/media-streams/websocket-messages, and "TwiML Voice:
<Stream>", https://www.twilio.com/docs/voice/twiml/stream.

From Twilio, in order: ``connected`` (first, once), ``start`` (once, stream metadata and the
``customParameters`` given in TwiML), then ``media`` (base64 ``audio/x-mulaw`` at 8000 Hz,
mono), ``dtmf`` (bidirectional streams only; ``dtmf.track`` is always ``inbound_track``),
``mark`` (bidirectional only: the echo of a mark we sent, once the audio queued before it
has played *or* has been dropped by a ``clear``) and finally ``stop``. Every message but
``connected`` carries ``sequenceNumber`` and ``streamSid``. Counters arrive as JSON strings
(``"sequenceNumber": "3"``, ``"chunk": "1"``, ``"timestamp": "5"``, milliseconds since the
stream started) while ``mediaFormat.sampleRate`` and ``channels`` are JSON numbers; both
spellings are accepted for every counter.

To Twilio (only on a bidirectional ``<Connect><Stream>``): ``media`` (payload only, played
in order, any size, no file headers), ``mark`` (Twilio echoes it when the audio before it
ends, or at once if nothing is buffered) and ``clear`` (drops buffered audio; every pending
mark is then echoed back).

:func:`parse_message` turns one text frame into a typed event or raises
:class:`TwilioProtocolError`. Unknown extra fields are ignored (Twilio adds fields over
time); fields the docs mark present are required.

No I/O here.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final, TypeAlias
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from voice_agent.validation import InvalidInput, parse_json

#: Default cap on one inbound text frame, UTF-8 bytes (a 20 ms media message is ~400).
DEFAULT_MAX_MESSAGE_BYTES: Final = 64_000
#: Digits a ``dtmf`` message may carry: the 16 DTMF keys. Twilio's table only says "the
#: number-key tone detected"; this is the standard keypad (RFC 4733 events 0-15).
DTMF_DIGITS: Final = frozenset("0123456789*#ABCD")
#: Twilio's limit on one ``<Parameter>``: name and value together under 500 characters.
MAX_PARAMETER_CHARS: Final = 500
#: Largest counter accepted (2**53 - 1, the largest integer a JSON number holds exactly).
MAX_COUNTER: Final = 2**53 - 1

_DIGITS = re.compile(r"[0-9]{1,16}")
# Characters XML 1.0 cannot carry at all, escaped or not.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ATTRIBUTE_ENTITIES: Final = {'"': "&quot;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


class TwilioProtocolError(Exception):
    """A text frame that is not a valid Media Streams message.

    ``code`` is one of ``invalid_json``, ``unknown_event``, ``invalid_field`` and
    ``message_too_large``; ``message`` says which field and why.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# --------------------------------------------------------------------------- inbound events


@dataclass(frozen=True, slots=True)
class Connected:
    """``connected``: the first message; ``protocol`` is ``"Call"``, ``version`` ``"1.0.0"``."""

    protocol: str
    version: str


@dataclass(frozen=True, slots=True)
class Start:
    """``start``: stream metadata, sent once right after ``connected``."""

    stream_sid: str
    call_sid: str
    account_sid: str
    #: Which media flows follow: ``"inbound"`` and/or ``"outbound"``.
    tracks: tuple[str, ...]
    #: The ``<Parameter>`` name/value pairs of the TwiML (read-only).
    custom_parameters: Mapping[str, str]
    #: ``mediaFormat``: always ``audio/x-mulaw``, 8000 Hz, 1 channel per the docs.
    encoding: str
    sample_rate: int
    channels: int


@dataclass(frozen=True, slots=True)
class Media:
    """``media``: one chunk of call audio, ``payload`` already base64-decoded."""

    stream_sid: str
    #: ``"inbound"`` (the caller) or ``"outbound"``.
    track: str
    #: Counts from 1 per stream.
    chunk: int
    #: Presentation time in milliseconds since the stream started.
    timestamp_ms: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class Mark:
    """``mark``: the audio queued before the mark we sent has played or was cleared."""

    stream_sid: str
    name: str


@dataclass(frozen=True, slots=True)
class Dtmf:
    """``dtmf``: a key pressed by the caller (bidirectional streams only)."""

    stream_sid: str
    #: Always ``"inbound_track"`` per the docs.
    track: str
    #: One of :data:`DTMF_DIGITS`.
    digit: str


@dataclass(frozen=True, slots=True)
class Stop:
    """``stop``: the stream ended (for a bidirectional stream: the call ended)."""

    stream_sid: str
    call_sid: str


InboundMessage: TypeAlias = Connected | Start | Media | Mark | Dtmf | Stop


# --------------------------------------------------------------------------- parsing helpers


def _bad(path: str, why: str) -> TwilioProtocolError:
    return TwilioProtocolError("invalid_field", f"{path}: {why}")


def _object(parent: Mapping[str, object], key: str, path: str) -> Mapping[str, object]:
    value = parent.get(key)
    if not isinstance(value, dict):
        raise _bad(f"{path}{key}", "must be an object")
    return value


def _text(parent: Mapping[str, object], key: str, path: str, *, empty: bool = False) -> str:
    value = parent.get(key)
    if not isinstance(value, str):
        raise _bad(f"{path}{key}", "must be a string")
    if not value and not empty:
        raise _bad(f"{path}{key}", "must not be empty")
    return value


def _counter(value: object, path: str, *, minimum: int = 0) -> int:
    """A non-negative integer sent as a JSON string of ASCII digits or as a JSON integer."""
    if isinstance(value, str):
        if not _DIGITS.fullmatch(value):
            raise _bad(path, f"must be a string of decimal digits, got {value[:32]!r}")
        number = int(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise _bad(path, "must be an integer or a string of digits")
    if not minimum <= number <= MAX_COUNTER:
        raise _bad(path, f"must be between {minimum} and {MAX_COUNTER}, got {number}")
    return number


def _stream_sid(message: Mapping[str, object]) -> str:
    return _text(message, "streamSid", "")


# --------------------------------------------------------------------------- per event


def _connected(message: Mapping[str, object]) -> Connected:
    return Connected(protocol=_text(message, "protocol", ""), version=_text(message, "version", ""))


def _start(message: Mapping[str, object]) -> Start:
    start = _object(message, "start", "")
    stream_sid = _text(start, "streamSid", "start.")
    if "streamSid" in message and _stream_sid(message) != stream_sid:
        raise _bad("streamSid", "differs from start.streamSid")
    tracks = start.get("tracks")
    if not isinstance(tracks, list) or not all(
        isinstance(track, str) and track for track in tracks
    ):
        raise _bad("start.tracks", "must be a list of non-empty strings")
    parameters: Mapping[str, object] = {}
    if "customParameters" in start:
        parameters = _object(start, "customParameters", "start.")
    custom: dict[str, str] = {}
    for name, value in parameters.items():
        if not isinstance(value, str):
            raise _bad(f"start.customParameters.{name}", "must be a string")
        custom[name] = value
    media_format = _object(start, "mediaFormat", "start.")
    return Start(
        stream_sid=stream_sid,
        call_sid=_text(start, "callSid", "start."),
        account_sid=_text(start, "accountSid", "start."),
        tracks=tuple(tracks),
        custom_parameters=MappingProxyType(custom),
        encoding=_text(media_format, "encoding", "start.mediaFormat."),
        sample_rate=_counter(
            media_format.get("sampleRate"), "start.mediaFormat.sampleRate", minimum=1
        ),
        channels=_counter(media_format.get("channels"), "start.mediaFormat.channels", minimum=1),
    )


def _media(message: Mapping[str, object]) -> Media:
    media = _object(message, "media", "")
    encoded = _text(media, "payload", "media.", empty=True)
    try:
        payload = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _bad("media.payload", "is not valid base64") from None
    return Media(
        stream_sid=_stream_sid(message),
        track=_text(media, "track", "media."),
        chunk=_counter(media.get("chunk"), "media.chunk"),
        timestamp_ms=_counter(media.get("timestamp"), "media.timestamp"),
        payload=payload,
    )


def _mark(message: Mapping[str, object]) -> Mark:
    mark = _object(message, "mark", "")
    return Mark(stream_sid=_stream_sid(message), name=_text(mark, "name", "mark."))


def _dtmf(message: Mapping[str, object]) -> Dtmf:
    dtmf = _object(message, "dtmf", "")
    digit = _text(dtmf, "digit", "dtmf.")
    if digit not in DTMF_DIGITS:
        raise _bad("dtmf.digit", f"must be one of 0-9 * # A-D, got {digit[:8]!r}")
    return Dtmf(stream_sid=_stream_sid(message), track=_text(dtmf, "track", "dtmf."), digit=digit)


def _stop(message: Mapping[str, object]) -> Stop:
    stop = _object(message, "stop", "")
    return Stop(stream_sid=_stream_sid(message), call_sid=_text(stop, "callSid", "stop."))


_PARSERS: Final[Mapping[str, Callable[[Mapping[str, object]], InboundMessage]]] = {
    "connected": _connected,
    "start": _start,
    "media": _media,
    "mark": _mark,
    "dtmf": _dtmf,
    "stop": _stop,
}


def parse_message(text: str, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> InboundMessage:
    """Parse one text frame from Twilio into its typed event.

    Raises :class:`TwilioProtocolError`: ``message_too_large`` over ``max_bytes`` UTF-8
    bytes, ``invalid_json`` for anything :func:`voice_agent.validation.parse_json` rejects
    (``NaN``/``Infinity``/``1e400``, nesting too deep, a lone surrogate in any string: the
    codes REST and realtime give), ``invalid_field`` for a non-object, a missing or
    ill-typed field, a counter that is not a non-negative integer (or its digit string), a
    DTMF digit outside :data:`DTMF_DIGITS` or base64 that does not decode, and
    ``unknown_event`` for an ``event`` this module does not know.
    """
    if not isinstance(text, str):
        raise TwilioProtocolError("invalid_json", "a Media Streams message is a text frame")
    if len(text) > max_bytes or (
        len(text) * 4 > max_bytes and len(text.encode("utf-8", "surrogatepass")) > max_bytes
    ):
        raise TwilioProtocolError("message_too_large", f"message larger than {max_bytes} bytes")
    try:  # finite numbers, bounded depth, valid Unicode (see voice_agent.validation)
        message: object = parse_json(text, "message")
    except InvalidInput as exc:
        raise TwilioProtocolError(exc.code, exc.message) from None
    if not isinstance(message, dict):
        raise _bad("message", "must be a JSON object")
    event = message.get("event")
    if not isinstance(event, str):
        raise _bad("event", "must be a string")
    parser = _PARSERS.get(event)
    if parser is None:
        raise TwilioProtocolError("unknown_event", f"unknown event {event[:64]!r}")
    if "sequenceNumber" in message:
        _counter(message["sequenceNumber"], "sequenceNumber")
    return parser(message)


# --------------------------------------------------------------------------- outbound


def _dumps(message: Mapping[str, object]) -> str:
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def _require(value: str, what: str) -> None:
    if not value:
        raise ValueError(f"{what} must not be empty")


def media_message(stream_sid: str, payload: bytes) -> str:
    """``{"event":"media","streamSid":…,"media":{"payload":…}}``: audio for the caller.

    ``payload`` is raw mu-law at 8000 Hz, no file header; it is base64-encoded here.
    """
    _require(stream_sid, "stream_sid")
    encoded = base64.b64encode(payload).decode("ascii")
    return _dumps({"event": "media", "streamSid": stream_sid, "media": {"payload": encoded}})


def mark_message(stream_sid: str, name: str) -> str:
    """``{"event":"mark","streamSid":…,"mark":{"name":…}}``: echoed back once played."""
    _require(stream_sid, "stream_sid")
    _require(name, "mark name")
    return _dumps({"event": "mark", "streamSid": stream_sid, "mark": {"name": name}})


def clear_message(stream_sid: str) -> str:
    """``{"event":"clear","streamSid":…}``: drop buffered audio; pending marks come back."""
    _require(stream_sid, "stream_sid")
    return _dumps({"event": "clear", "streamSid": stream_sid})


# --------------------------------------------------------------------------- TwiML


def _attribute(value: str, what: str) -> str:
    """``value`` as a double-quoted XML attribute; raises for what XML 1.0 cannot hold."""
    if _NOT_XML.search(value):
        raise ValueError(f"{what} contains a character XML cannot carry")
    return '"' + escape(value, _ATTRIBUTE_ENTITIES) + '"'


def twiml_connect_stream(
    stream_url: str, parameters: Mapping[str, str], *, action: str | None = None
) -> str:
    """The TwiML that connects the call to a bidirectional stream at ``stream_url``.

    ``<?xml version="1.0" encoding="UTF-8"?><Response><Connect><Stream url="…">`` with one
    ``<Parameter name="…" value="…"/>`` per entry of ``parameters`` (Twilio hands them back
    in ``start.customParameters``), then ``</Stream></Connect></Response>``. Per the
    ``<Stream>`` docs the URL must be ``wss://`` without a query string (custom parameters
    replace it) and each parameter's name and value together must stay under
    :data:`MAX_PARAMETER_CHARS`; violations raise :class:`ValueError`. Attribute values
    are escaped (``&``, ``<``, ``>``, ``"`` and whitespace that XML would normalise).
    Plain ``ws://`` is accepted for loopback hosts only (a carrier simulator on this
    machine). ``action``: the URL Twilio requests when the stream ends, for the TwiML
    that comes next (``<Connect action>``); without it the call ends with the stream.
    """
    parts = urlsplit(stream_url)
    loopback = parts.scheme == "ws" and parts.hostname in ("127.0.0.1", "localhost", "::1")
    if (parts.scheme != "wss" and not loopback) or not parts.netloc:
        raise ValueError(f"the stream URL must be wss://, got {stream_url!r}")
    if parts.query or parts.fragment or "?" in stream_url or "#" in stream_url:
        raise ValueError("the stream URL cannot carry a query string; use parameters")
    children = []
    for name, value in parameters.items():
        _require(name, "parameter name")
        if len(name) + len(value) >= MAX_PARAMETER_CHARS:
            raise ValueError(
                f"parameter {name[:32]!r}: name and value must be under "
                f"{MAX_PARAMETER_CHARS} characters together"
            )
        children.append(
            f"<Parameter name={_attribute(name, 'parameter name')} "
            f"value={_attribute(value, 'parameter value')}/>"
        )
    url = _attribute(stream_url, "stream URL")
    if children:
        stream = f"<Stream url={url}>{''.join(children)}</Stream>"
    else:
        stream = f"<Stream url={url}/>"
    connect = "<Connect>"
    if action:
        connect = f"<Connect action={_attribute(action, 'action URL')}>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f"<Response>{connect}{stream}</Connect></Response>"
    )


def twiml_after_stream(dial: str | None) -> str:
    """What the call does once the stream has ended: ``<Dial>`` a person, or hang up."""
    if dial:
        _require(dial, "dial number")
        verb = f"<Dial>{escape(dial)}</Dial>"
    else:
        verb = "<Hangup/>"
    return f'<?xml version="1.0" encoding="UTF-8"?><Response>{verb}</Response>'


def twiml_busy(dial: str | None, say: str, language: str) -> str:
    """What a call gets when this server is taking all the calls it can: with a hand-off
    number, ``say`` (in ``language``, e.g. ``en-US``) and ``<Dial>`` a person; without one,
    ``<Reject reason="busy"/>``: the call is not answered (no charge) and the caller hears
    a busy tone (TwiML ``<Reject>`` must be the first verb to keep the call unanswered)."""
    if not dial:
        return '<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>'
    _require(dial, "dial number")
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        f"<Say language={_attribute(language, 'language')}>{escape(say)}</Say>"
        f"<Dial>{escape(dial)}</Dial></Response>"
    )
