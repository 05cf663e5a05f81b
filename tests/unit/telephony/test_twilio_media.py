"""Twilio Media Streams messages: the docs' examples, strict validation, outbound shapes."""

from __future__ import annotations

import base64
import json
import xml.etree.ElementTree as ET
from typing import cast

import pytest

from voice_agent.telephony.twilio_media import (
    Connected,
    Dtmf,
    Mark,
    Media,
    Start,
    Stop,
    TwilioProtocolError,
    clear_message,
    mark_message,
    media_message,
    parse_message,
    twiml_connect_stream,
)

SID = "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"

# The example messages of https://www.twilio.com/docs/voice/media-streams/websocket-messages,
# whitespace and all (the media payloads are the docs' abbreviations, padded to valid base64).
DOC_CONNECTED = """{
 "event": "connected",
 "protocol": "Call",
 "version": "1.0.0"
}"""

DOC_START = """{
  "event": "start",
  "sequenceNumber": "1",
  "start": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "tracks": [ "inbound" ],
    "mediaFormat": {
        "encoding": "audio/x-mulaw",
        "sampleRate": 8000,
        "channels": 1 },
    "customParameters": {
     "FirstName": "Jane",
     "LastName": "Doe",
     "RemoteParty": "Bob"
   }
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""

DOC_MEDIA_OUTBOUND = """{
 "event": "media",
 "sequenceNumber": "3",
 "media": {
   "track": "outbound",
   "chunk": "1",
   "timestamp": "5",
   "payload": "no+JhoaJjpz="
 } ,
 "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""

DOC_MEDIA_INBOUND = """
{
 "event": "media",
 "sequenceNumber": "4",
 "media": {
   "track": "inbound",
   "chunk": "2",
   "timestamp": "5",
   "payload": "no+JhoaJjpzS"
 },
"streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""

DOC_STOP = """{
 "event": "stop",
 "sequenceNumber": "5",
 "stop": {
    "accountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
    "callSid": "CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
  },
  "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
}"""

DOC_DTMF = """
{
  "event": "dtmf",
  "streamSid":"MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
  "sequenceNumber":"5",
  "dtmf": {
      "track":"inbound_track",
      "digit": "1"
  }
}"""

DOC_MARK = """{
 "event": "mark",
 "sequenceNumber": "4",
 "streamSid": "MZXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
 "mark": {
   "name": "my label"
 }
}"""


def _code(raw: object, **kw: int) -> str:
    with pytest.raises(TwilioProtocolError) as info:
        parse_message(cast(str, raw), **kw)
    assert info.value.message == str(info.value)
    return info.value.code


def _media(**media: object) -> str:
    fields: dict[str, object] = {
        "track": "inbound",
        "chunk": "2",
        "timestamp": "40",
        "payload": "AAEC",
    }
    fields.update(media)
    return json.dumps({"event": "media", "sequenceNumber": "4", "media": fields, "streamSid": SID})


def _start(**start: object) -> dict[str, object]:
    message = json.loads(DOC_START)
    message["start"].update(start)
    return cast(dict[str, object], message)


# --------------------------------------------------------------------------- the docs' examples


def test_connected_from_the_docs() -> None:
    assert parse_message(DOC_CONNECTED) == Connected(protocol="Call", version="1.0.0")


def test_start_from_the_docs() -> None:
    event = parse_message(DOC_START)
    assert event == Start(
        stream_sid=SID,
        call_sid="CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        account_sid="ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        tracks=("inbound",),
        custom_parameters={"FirstName": "Jane", "LastName": "Doe", "RemoteParty": "Bob"},
        encoding="audio/x-mulaw",
        sample_rate=8000,
        channels=1,
    )
    assert isinstance(event, Start)
    with pytest.raises(TypeError):
        event.custom_parameters["FirstName"] = "x"  # type: ignore[index]


def test_media_from_the_docs() -> None:
    outbound = parse_message(DOC_MEDIA_OUTBOUND)
    assert outbound == Media(
        stream_sid=SID,
        track="outbound",
        chunk=1,
        timestamp_ms=5,
        payload=base64.b64decode("no+JhoaJjpz="),
    )
    inbound = parse_message(DOC_MEDIA_INBOUND)
    assert inbound == Media(
        stream_sid=SID,
        track="inbound",
        chunk=2,
        timestamp_ms=5,
        payload=bytes([0x9E, 0x8F, 0x89, 0x86, 0x86, 0x89, 0x8E, 0x9C, 0xD2]),
    )


def test_stop_from_the_docs() -> None:
    assert parse_message(DOC_STOP) == Stop(
        stream_sid=SID, call_sid="CAXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"
    )


def test_dtmf_from_the_docs() -> None:
    assert parse_message(DOC_DTMF) == Dtmf(stream_sid=SID, track="inbound_track", digit="1")


def test_mark_from_the_docs() -> None:
    assert parse_message(DOC_MARK) == Mark(stream_sid=SID, name="my label")


# --------------------------------------------------------------------------- accepted variants


def test_twenty_ms_of_mulaw() -> None:
    audio = bytes(range(160))
    event = parse_message(_media(payload=base64.b64encode(audio).decode()))
    assert isinstance(event, Media)
    assert event.payload == audio
    assert (event.chunk, event.timestamp_ms) == (2, 40)


def test_counters_may_be_json_numbers() -> None:
    event = parse_message(_media(chunk=7, timestamp=0))
    assert isinstance(event, Media)
    assert (event.chunk, event.timestamp_ms) == (7, 0)
    start = parse_message(
        json.dumps(
            _start(mediaFormat={"encoding": "audio/x-mulaw", "sampleRate": "8000", "channels": "1"})
        )
    )
    assert isinstance(start, Start)
    assert (start.sample_rate, start.channels) == (8000, 1)


def test_empty_media_payload_is_empty_audio() -> None:
    event = parse_message(_media(payload=""))
    assert isinstance(event, Media)
    assert event.payload == b""


def test_unknown_extra_fields_are_ignored() -> None:
    message = json.loads(DOC_MARK)
    message["somethingNew"] = {"nested": [1, 2, "three"]}
    message["mark"]["extra"] = True
    assert parse_message(json.dumps(message)) == Mark(stream_sid=SID, name="my label")


def test_start_without_custom_parameters_or_top_level_sid() -> None:
    message = _start()
    del message["streamSid"]
    del cast(dict[str, object], message["start"])["customParameters"]
    event = parse_message(json.dumps(message))
    assert isinstance(event, Start)
    assert event.stream_sid == SID
    assert dict(event.custom_parameters) == {}


def test_start_with_both_tracks() -> None:
    event = parse_message(json.dumps(_start(tracks=["inbound", "outbound"])))
    assert isinstance(event, Start)
    assert event.tracks == ("inbound", "outbound")


@pytest.mark.parametrize("digit", [*"0123456789", "*", "#", *"ABCD"])
def test_every_dtmf_key(digit: str) -> None:
    message = json.loads(DOC_DTMF)
    message["dtmf"]["digit"] = digit
    event = parse_message(json.dumps(message))
    assert isinstance(event, Dtmf)
    assert event.digit == digit


def test_unicode_and_surrogate_pairs_are_fine() -> None:
    message = json.loads(DOC_MARK)
    message["mark"]["name"] = "señal 😀"
    assert parse_message(json.dumps(message)) == Mark(stream_sid=SID, name="señal 😀")
    assert parse_message(json.dumps(message, ensure_ascii=False)) == Mark(
        stream_sid=SID, name="señal 😀"
    )


# --------------------------------------------------------------------------- rejections


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not json",
        "{",
        '{"event": "mark"',
        '{"event": "media",}',
        "{'event': 'media'}",
        '{"event": "media", "media": {"chunk": NaN}}',
        '{"event": "media", "media": {"chunk": Infinity}}',
        '{"event": "media", "media": {"chunk": -Infinity}}',
        "[" * 50_000,
        '{"a": ' + "9" * 5000 + "}",
        b'{"event": "connected"}',
        None,
    ],
)
def test_invalid_json(raw: object) -> None:
    assert _code(raw) == "invalid_json"


@pytest.mark.parametrize("raw", ["[]", "1", '"media"', "null", "true"])
def test_non_object_messages(raw: str) -> None:
    assert _code(raw) == "invalid_field"


@pytest.mark.parametrize("event", ["clear", "Media", "MEDIA", "", "closed", "error"])
def test_unknown_event(event: str) -> None:
    assert _code(json.dumps({"event": event, "streamSid": SID})) == "unknown_event"


@pytest.mark.parametrize("event", [None, 5, ["media"], {"name": "media"}])
def test_event_must_be_a_string(event: object) -> None:
    assert _code(json.dumps({"event": event})) == "invalid_field"
    assert _code(json.dumps({"streamSid": SID})) == "invalid_field"


def test_message_too_large() -> None:
    big = _media(payload=base64.b64encode(bytes(60_000)).decode())
    assert _code(big) == "message_too_large"
    assert _code(DOC_MARK, max_bytes=50) == "message_too_large"
    # Bytes, not characters: 20 000 three-byte characters are 60 000 bytes.
    message = json.loads(DOC_MARK)
    message["mark"]["name"] = "€" * 20_000
    text = json.dumps(message, ensure_ascii=False)
    assert len(text) < 30_000
    assert _code(text, max_bytes=30_000) == "message_too_large"
    assert isinstance(parse_message(text, max_bytes=64_000), Mark)


@pytest.mark.parametrize(
    "value",
    [
        "-1",
        "1.5",
        "1e3",
        " 1",
        "1 ",
        "+1",
        "0x10",
        "1_000",
        "١٢",  # Arabic-Indic digits: int() would take them
        "",
        "NaN",
        "Infinity",
        "99999999999999999",
        -1,
        1.0,
        1.5,
        True,
        False,
        None,
        [],
        {},
        2**53,
    ],
)
def test_bad_counters(value: object) -> None:
    assert _code(_media(chunk=value)) == "invalid_field"
    assert _code(_media(timestamp=value)) == "invalid_field"
    message = json.loads(DOC_MARK)
    message["sequenceNumber"] = value
    assert _code(json.dumps(message)) == "invalid_field"


@pytest.mark.parametrize(
    "media_format",
    [
        {"encoding": "audio/x-mulaw", "sampleRate": 0, "channels": 1},
        {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 0},
        {"encoding": "audio/x-mulaw", "sampleRate": 8000.5, "channels": 1},
        {"encoding": "audio/x-mulaw", "sampleRate": True, "channels": 1},
        {"encoding": 7, "sampleRate": 8000, "channels": 1},
        {"sampleRate": 8000, "channels": 1},
        {"encoding": "audio/x-mulaw", "channels": 1},
        "audio/x-mulaw",
    ],
)
def test_bad_media_format(media_format: object) -> None:
    assert _code(json.dumps(_start(mediaFormat=media_format))) == "invalid_field"


@pytest.mark.parametrize(
    "start",
    [
        {"streamSid": ""},
        {"streamSid": 5},
        {"callSid": None},
        {"accountSid": ""},
        {"tracks": "inbound"},
        {"tracks": [1]},
        {"tracks": [""]},
        {"customParameters": []},
        {"customParameters": {"n": 1}},
        {"customParameters": {"n": None}},
    ],
)
def test_bad_start_fields(start: dict[str, object]) -> None:
    assert _code(json.dumps(_start(**start))) == "invalid_field"


def test_start_stream_sids_must_agree() -> None:
    message = _start()
    message["streamSid"] = "MZother"
    assert _code(json.dumps(message)) == "invalid_field"


def test_start_without_start_object() -> None:
    assert _code(json.dumps({"event": "start", "streamSid": SID})) == "invalid_field"
    assert _code(json.dumps({"event": "start", "start": "x"})) == "invalid_field"


@pytest.mark.parametrize(
    "payload",
    ["!!", "AAE", "AAE=A", "A", "AA==AA==", "AA AA", "AAEC\n", "YWJj\u00e9", "-_-_", 5, None],
)
def test_invalid_base64(payload: object) -> None:
    assert _code(_media(payload=payload)) == "invalid_field"


@pytest.mark.parametrize("field", ["track", "chunk", "timestamp", "payload"])
def test_media_fields_are_required(field: str) -> None:
    message = json.loads(_media())
    del message["media"][field]
    assert _code(json.dumps(message)) == "invalid_field"


def test_media_needs_a_stream_sid_and_a_media_object() -> None:
    message = json.loads(_media())
    del message["streamSid"]
    assert _code(json.dumps(message)) == "invalid_field"
    assert _code(json.dumps({"event": "media", "streamSid": SID})) == "invalid_field"
    assert _code(json.dumps({"event": "media", "streamSid": SID, "media": []})) == "invalid_field"


@pytest.mark.parametrize("digit", ["", "E", "a", "12", "**", " ", "1 ", "٣", 1, None])
def test_bad_dtmf_digits(digit: object) -> None:
    message = json.loads(DOC_DTMF)
    message["dtmf"]["digit"] = digit
    assert _code(json.dumps(message)) == "invalid_field"


def test_bad_dtmf_and_mark_and_stop_shapes() -> None:
    assert _code(json.dumps({"event": "dtmf", "streamSid": SID})) == "invalid_field"
    assert (
        _code(json.dumps({"event": "dtmf", "streamSid": SID, "dtmf": {"digit": "1"}}))
        == "invalid_field"
    )
    assert _code(json.dumps({"event": "mark", "streamSid": SID, "mark": {}})) == "invalid_field"
    assert (
        _code(json.dumps({"event": "mark", "streamSid": SID, "mark": {"name": ""}}))
        == "invalid_field"
    )
    assert _code(json.dumps({"event": "stop", "streamSid": SID})) == "invalid_field"
    assert (
        _code(json.dumps({"event": "stop", "streamSid": SID, "stop": {"accountSid": "AC1"}}))
        == "invalid_field"
    )
    assert _code(json.dumps({"event": "connected", "protocol": "Call"})) == "invalid_field"


@pytest.mark.parametrize(
    "raw",
    [
        # Escaped lone surrogates in a value, in a key, in an ignored field, and raw.
        '{"event": "mark", "streamSid": "MZ1", "mark": {"name": "a\\ud800"}}',
        '{"event": "mark", "streamSid": "MZ1", "mark": {"name": "\\udfff"}}',
        '{"event": "mark", "streamSid": "MZ1", "mark": {"name": "x", "\\ud83d": 1}}',
        '{"event": "mark", "streamSid": "MZ1", "mark": {"name": "x"}, "z": ["\\udc00"]}',
        '{"event": "mark", "streamSid": "MZ\ud800", "mark": {"name": "x"}}',
        '{"event": "media\\ud800", "streamSid": "MZ1"}',
        '{"event": "start", "start": {"customParameters": {"k": "\\ud800"}}}',
        # A high surrogate followed by a non-surrogate is still lone.
        '{"event": "mark", "streamSid": "MZ1", "mark": {"name": "\\ud83dA"}}',
    ],
)
def test_lone_surrogates(raw: str) -> None:
    # the code REST and realtime give for the same text (voice_agent.validation)
    assert _code(raw) == "invalid_json"


# --------------------------------------------------------------------------- outbound


def test_media_message_shape() -> None:
    text = media_message(SID, b"\xff\x7f\x00")
    assert text == '{"event":"media","streamSid":"' + SID + '","media":{"payload":"/38A"}}'
    assert json.loads(text) == {"event": "media", "streamSid": SID, "media": {"payload": "/38A"}}


def test_mark_message_shape() -> None:
    text = mark_message(SID, "my label")
    assert text == '{"event":"mark","streamSid":"' + SID + '","mark":{"name":"my label"}}'


def test_clear_message_shape() -> None:
    assert clear_message(SID) == '{"event":"clear","streamSid":"' + SID + '"}'


def test_outbound_json_escaping() -> None:
    text = mark_message(SID, 'quote " back \\ ñ')
    assert json.loads(text)["mark"]["name"] == 'quote " back \\ ñ'


def test_outbound_builders_reject_empty_ids() -> None:
    with pytest.raises(ValueError):
        media_message("", b"x")
    with pytest.raises(ValueError):
        mark_message(SID, "")
    with pytest.raises(ValueError):
        mark_message("", "x")
    with pytest.raises(ValueError):
        clear_message("")


def test_marks_round_trip_through_the_parser() -> None:
    sent = json.loads(mark_message(SID, "reply-3"))
    sent["sequenceNumber"] = "9"
    assert parse_message(json.dumps(sent)) == Mark(stream_sid=SID, name="reply-3")


# --------------------------------------------------------------------------- TwiML


def test_twiml_connect_stream_exact() -> None:
    twiml = twiml_connect_stream("wss://agent.example/twilio/stream", {"token": "abc.def"})
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<Response><Connect>"
        '<Stream url="wss://agent.example/twilio/stream">'
        '<Parameter name="token" value="abc.def"/>'
        "</Stream></Connect></Response>"
    )


def test_twiml_without_parameters() -> None:
    assert twiml_connect_stream("wss://a.example/s", {}) == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Response><Connect><Stream url="wss://a.example/s"/></Connect></Response>'
    )


def test_twiml_escapes_attribute_values() -> None:
    hostile = "He said \"hi\" & <left> 'quietly'\n\ttab"
    twiml = twiml_connect_stream("wss://a.example/s/&x", {"note": hostile, "a<b": "1"})
    assert (
        '<Parameter name="note" value="He said &quot;hi&quot; &amp; &lt;left&gt; '
        "'quietly'&#10;&#9;tab\"/>"
    ) in twiml
    assert '<Stream url="wss://a.example/s/&amp;x">' in twiml
    assert '<Parameter name="a&lt;b" value="1"/>' in twiml
    # A real XML parser reads back exactly what went in.
    root = ET.fromstring(twiml.split("?>", 1)[1])
    stream = root.find("./Connect/Stream")
    assert stream is not None
    assert stream.get("url") == "wss://a.example/s/&x"
    values = {p.get("name"): p.get("value") for p in stream.findall("Parameter")}
    assert values == {"note": hostile, "a<b": "1"}


@pytest.mark.parametrize(
    "url",
    [
        "https://a.example/s",
        "ws://a.example/s",
        "wss://a.example/s?token=x",
        "wss://a.example/s#frag",
        "wss:///s",
        "a.example/s",
        "",
    ],
)
def test_twiml_rejects_urls_twilio_would(url: str) -> None:
    with pytest.raises(ValueError):
        twiml_connect_stream(url, {})


def test_twiml_parameter_limits() -> None:
    twiml_connect_stream("wss://a.example/s", {"token": "x" * 494})
    with pytest.raises(ValueError, match="500"):
        twiml_connect_stream("wss://a.example/s", {"token": "x" * 495})
    with pytest.raises(ValueError):
        twiml_connect_stream("wss://a.example/s", {"": "x"})


@pytest.mark.parametrize("value", ["a\x00b", "\x1b[31m", "\ud800", "\ufffe"])
def test_twiml_rejects_characters_xml_cannot_carry(value: str) -> None:
    with pytest.raises(ValueError, match="XML"):
        twiml_connect_stream("wss://a.example/s", {"p": value})


def test_twiml_action_and_what_comes_after() -> None:
    from voice_agent.telephony.twilio_media import twiml_after_stream

    twiml = twiml_connect_stream(
        "wss://a.example/s", {"token": "t"}, action="https://a.example/after?x=1&y=2"
    )
    root = ET.fromstring(twiml.split("?>", 1)[1])
    connect = root.find("./Connect")
    assert connect is not None and connect.get("action") == "https://a.example/after?x=1&y=2"
    dial = ET.fromstring(twiml_after_stream("+1 (555) <0>").split("?>", 1)[1])
    assert [(c.tag, c.text) for c in dial] == [("Dial", "+1 (555) <0>")]
    hang = ET.fromstring(twiml_after_stream(None).split("?>", 1)[1])
    assert [c.tag for c in hang] == ["Hangup"]


def test_twiml_busy_rejects_unanswered_or_hands_off_politely() -> None:
    from voice_agent.telephony.twilio_media import twiml_busy

    reject = ET.fromstring(twiml_busy(None, "busy", "en-US").split("?>", 1)[1])
    assert [(e.tag, e.attrib) for e in reject] == [("Reject", {"reason": "busy"})]
    hand_off = ET.fromstring(
        twiml_busy("+1 (555) <0>", "Todos ocupados & <pronto>", "es-ES").split("?>", 1)[1]
    )
    say, dial = list(hand_off)
    assert (say.tag, say.attrib, say.text) == (
        "Say",
        {"language": "es-ES"},
        "Todos ocupados & <pronto>",
    )
    assert (dial.tag, dial.text) == ("Dial", "+1 (555) <0>")
