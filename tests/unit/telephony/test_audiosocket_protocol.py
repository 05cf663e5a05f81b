"""AudioSocket framing: byte layout, incremental parsing, limits, payload helpers."""

from __future__ import annotations

import struct
import uuid

import pytest

from voice_agent.telephony.audiosocket_protocol import (
    ERROR_FRAME_FORWARDING,
    ERROR_HANGUP,
    ERROR_MEMORY,
    AudioSocketProtocolError,
    Frame,
    FrameParser,
    Kind,
    audio_frames,
    encode_frame,
    error_code,
    parse_dtmf,
    parse_uuid,
)

CALL_ID = uuid.UUID("40325ec2-5efd-4bd3-805f-53576e581d13")
PCM_20MS = bytes(range(256)) + bytes(range(64))  # 320 bytes


def _stream() -> tuple[bytes, list[Frame]]:
    """What Asterisk sends at the start of a call: UUID, some audio, a key, more audio."""
    frames = [
        Frame(Kind.UUID, CALL_ID.bytes),
        Frame(Kind.AUDIO, PCM_20MS),
        Frame(Kind.DTMF, b"5"),
        Frame(Kind.AUDIO, bytes(320)),
        Frame(Kind.ERROR, b"\x01"),
        Frame(Kind.SILENCE, b""),
        Frame(Kind.HANGUP, b""),
    ]
    return b"".join(encode_frame(f.kind, f.payload) for f in frames), frames


def _code(exc_info: pytest.ExceptionInfo[AudioSocketProtocolError]) -> str:
    assert exc_info.value.message == str(exc_info.value)
    return exc_info.value.code


# --------------------------------------------------------------------------- wire layout


def test_kind_values() -> None:
    assert [(k.name, int(k)) for k in Kind] == [
        ("HANGUP", 0x00),
        ("UUID", 0x01),
        ("SILENCE", 0x02),
        ("DTMF", 0x03),
        ("AUDIO", 0x10),
        ("ERROR", 0xFF),
    ]


def test_hangup_is_three_zero_bytes() -> None:
    # The protocol definition's own example.
    assert encode_frame(Kind.HANGUP) == b"\x00\x00\x00"


def test_length_is_big_endian() -> None:
    assert encode_frame(Kind.AUDIO, bytes(320)) == b"\x10\x01\x40" + bytes(320)
    assert encode_frame(Kind.DTMF, b"7") == b"\x03\x00\x017"
    assert encode_frame(Kind.ERROR, b"\x02") == b"\xff\x00\x01\x02"


def test_uuid_frame_matches_what_asterisk_writes() -> None:
    # res_audiosocket.c ast_audiosocket_init: kind 0x01, length 0x00 0x10, 16 raw bytes.
    raw = b"\x01\x00\x10" + CALL_ID.bytes
    assert encode_frame(Kind.UUID, CALL_ID.bytes) == raw
    assert FrameParser().feed(raw) == [Frame(Kind.UUID, CALL_ID.bytes)]


def test_encode_limits() -> None:
    assert encode_frame(Kind.AUDIO, bytes(65534))[:3] == b"\x10\xff\xfe"
    assert len(encode_frame(Kind.ERROR, bytes(65535))) == 65538
    with pytest.raises(ValueError):
        encode_frame(Kind.AUDIO, bytes(65536))


# --------------------------------------------------------------------------- parser


def test_whole_stream_in_one_read() -> None:
    data, frames = _stream()
    parser = FrameParser()
    assert parser.feed(data) == frames
    assert parser.pending == 0


def test_split_at_every_byte_boundary() -> None:
    data, frames = _stream()
    for cut in range(len(data) + 1):
        parser = FrameParser()
        first = parser.feed(data[:cut])
        assert parser.pending == cut - sum(3 + len(f.payload) for f in first)
        second = parser.feed(data[cut:])
        assert first + second == frames, cut
        assert parser.pending == 0


def test_split_at_every_pair_of_boundaries() -> None:
    data, frames = _stream()
    for a in range(0, len(data) + 1, 7):
        for b in range(a, len(data) + 1, 5):
            parser = FrameParser()
            got = parser.feed(data[:a]) + parser.feed(data[a:b]) + parser.feed(data[b:])
            assert got == frames, (a, b)


def test_one_byte_at_a_time() -> None:
    data, frames = _stream()
    parser = FrameParser()
    got: list[Frame] = []
    for index in range(len(data)):
        got += parser.feed(data[index : index + 1])
    assert got == frames


def test_pending_counts_a_partial_frame() -> None:
    parser = FrameParser()
    assert parser.feed(b"\x10\x01") == []
    assert parser.pending == 2
    assert parser.feed(b"\x40" + bytes(100)) == []
    assert parser.pending == 103
    assert parser.feed(bytes(220) + b"\x03\x00") == [Frame(Kind.AUDIO, bytes(320))]
    assert parser.pending == 2
    assert parser.feed(b"\x01#") == [Frame(Kind.DTMF, b"#")]
    assert parser.pending == 0


def test_empty_feed() -> None:
    parser = FrameParser()
    assert parser.feed(b"") == []
    assert parser.pending == 0


def test_payloads_are_plain_bytes() -> None:
    (frame,) = FrameParser().feed(encode_frame(Kind.AUDIO, bytes(4)))
    assert frame.payload == bytes(4)
    assert type(frame.payload) is bytes


@pytest.mark.parametrize("kind", [0x04, 0x0F, 0x11, 0x12, 0x18, 0x20, 0x7F, 0xFE])
def test_unknown_kind(kind: int) -> None:
    parser = FrameParser()
    with pytest.raises(AudioSocketProtocolError) as info:
        parser.feed(bytes([kind]))  # detected on the very first byte
    assert _code(info) == "unknown_kind"
    assert f"0x{kind:02x}" in info.value.message


def test_unknown_kind_after_good_frames() -> None:
    parser = FrameParser()
    with pytest.raises(AudioSocketProtocolError) as info:
        parser.feed(encode_frame(Kind.DTMF, b"1") + b"\x42\x00\x00")
    assert _code(info) == "unknown_kind"


def test_errors_are_final() -> None:
    parser = FrameParser()
    with pytest.raises(AudioSocketProtocolError):
        parser.feed(b"\x99")
    assert parser.pending == 0
    with pytest.raises(AudioSocketProtocolError) as info:
        parser.feed(encode_frame(Kind.HANGUP))
    assert _code(info) == "unknown_kind"


def test_frame_too_large_is_caught_from_the_header() -> None:
    parser = FrameParser()
    with pytest.raises(AudioSocketProtocolError) as info:
        parser.feed(b"\x10\x10\x01")  # 4097 bytes declared, none sent
    assert _code(info) == "frame_too_large"


def test_max_payload_is_inclusive_and_configurable() -> None:
    assert FrameParser().feed(encode_frame(Kind.AUDIO, bytes(4096))) == [
        Frame(Kind.AUDIO, bytes(4096))
    ]
    small = FrameParser(max_payload=320)
    assert small.feed(encode_frame(Kind.AUDIO, bytes(320))) == [Frame(Kind.AUDIO, bytes(320))]
    with pytest.raises(AudioSocketProtocolError) as info:
        small.feed(encode_frame(Kind.AUDIO, bytes(322))[:3])
    assert _code(info) == "frame_too_large"
    with pytest.raises(ValueError):
        FrameParser(max_payload=65536)
    with pytest.raises(ValueError):
        FrameParser(max_payload=-1)


def test_buffer_stays_bounded() -> None:
    parser = FrameParser(max_payload=320)
    header = b"\x10\x01\x40"
    parser.feed(header)
    for _ in range(319):
        parser.feed(b"\x00")
        assert parser.pending <= 3 + 320
    assert parser.feed(b"\x00") == [Frame(Kind.AUDIO, bytes(320))]


def test_odd_audio_length() -> None:
    parser = FrameParser()
    with pytest.raises(AudioSocketProtocolError) as info:
        parser.feed(encode_frame(Kind.AUDIO, bytes(321)))
    assert _code(info) == "odd_audio_length"


def test_odd_length_is_fine_for_other_kinds() -> None:
    frames = FrameParser().feed(encode_frame(Kind.ERROR, b"abc"))
    assert frames == [Frame(Kind.ERROR, b"abc")]


def test_several_frames_per_read_with_a_trailing_partial() -> None:
    data = encode_frame(Kind.AUDIO, PCM_20MS) * 3
    parser = FrameParser()
    assert parser.feed(data + data[:10]) == [Frame(Kind.AUDIO, PCM_20MS)] * 3
    assert parser.pending == 10
    assert parser.feed(data[10:]) == [Frame(Kind.AUDIO, PCM_20MS)] * 3


# --------------------------------------------------------------------------- audio_frames


def test_audio_frames_exact_multiple() -> None:
    pcm = bytes(range(256)) * 5  # 1280 bytes = 4 frames of 320
    frames = audio_frames(pcm)
    assert len(frames) == 4
    assert frames[0] == b"\x10\x01\x40" + pcm[:320]
    assert b"".join(f[3:] for f in frames) == pcm
    assert FrameParser().feed(b"".join(frames)) == [
        Frame(Kind.AUDIO, pcm[i : i + 320]) for i in range(0, 1280, 320)
    ]


def test_audio_frames_pad_the_last_one_with_silence() -> None:
    pcm = b"\x01\x02" * 200  # 400 bytes: one full frame and 80 bytes
    frames = audio_frames(pcm)
    assert len(frames) == 2
    assert frames[1] == b"\x10\x01\x40" + b"\x01\x02" * 40 + bytes(240)
    assert all(len(frame) == 323 for frame in frames)


def test_audio_frames_short_input_and_custom_size() -> None:
    assert audio_frames(b"\xff\x7f") == [b"\x10\x01\x40\xff\x7f" + bytes(318)]
    assert audio_frames(b"\x01\x00\x02\x00\x03\x00", frame_bytes=4) == [
        b"\x10\x00\x04\x01\x00\x02\x00",
        b"\x10\x00\x04\x03\x00\x00\x00",
    ]


def test_audio_frames_of_nothing() -> None:
    assert audio_frames(b"") == []


def test_audio_frames_rejects_odd_input_and_sizes() -> None:
    with pytest.raises(AudioSocketProtocolError) as info:
        audio_frames(b"\x00\x00\x00")
    assert _code(info) == "odd_audio_length"
    for size in (0, -320, 321, 65536):
        with pytest.raises(ValueError):
            audio_frames(bytes(640), frame_bytes=size)


def test_audio_frames_samples_are_little_endian_untouched() -> None:
    samples = [0, 1, -1, 32767, -32768, 1234]
    pcm = struct.pack("<6h", *samples)
    (frame,) = audio_frames(pcm)
    assert struct.unpack("<6h", frame[3:15]) == tuple(samples)


# --------------------------------------------------------------------------- payload helpers


def test_parse_uuid() -> None:
    assert parse_uuid(CALL_ID.bytes) == CALL_ID
    assert str(parse_uuid(bytes.fromhex("40325ec25efd4bd3805f53576e581d13"))) == (
        "40325ec2-5efd-4bd3-805f-53576e581d13"
    )


@pytest.mark.parametrize(
    "payload",
    [b"", bytes(15), bytes(17), str(CALL_ID).encode(), CALL_ID.hex.encode()],
)
def test_parse_uuid_rejects_other_lengths_and_the_text_form(payload: bytes) -> None:
    with pytest.raises(AudioSocketProtocolError) as info:
        parse_uuid(payload)
    assert _code(info) == "bad_uuid"


@pytest.mark.parametrize("digit", [*"0123456789", "*", "#", *"ABCD"])
def test_parse_dtmf(digit: str) -> None:
    assert parse_dtmf(digit.encode("ascii")) == digit


@pytest.mark.parametrize(
    "payload", [b"", b"12", b"E", b"a", b"X", b" ", b"\x00", b"\xff", b"\x35\x00"]
)
def test_parse_dtmf_rejects(payload: bytes) -> None:
    with pytest.raises(AudioSocketProtocolError) as info:
        parse_dtmf(payload)
    assert _code(info) == "bad_dtmf"


def test_error_code() -> None:
    assert error_code(b"") is None
    assert error_code(b"\x01") == ERROR_HANGUP == 0x01
    assert error_code(b"\x02") == ERROR_FRAME_FORWARDING == 0x02
    assert error_code(b"\x04") == ERROR_MEMORY == 0x04
    assert error_code(b"\x03extra") == 0x03  # bit-packed; the first byte is the code
