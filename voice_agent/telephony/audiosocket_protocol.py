"""Asterisk AudioSocket framing, sans I/O: bytes in, frames out; frames in, bytes out.

AudioSocket is a TCP protocol. Asterisk (the ``AudioSocket()`` dialplan application or the
``AudioSocket`` channel driver) connects to our server and both sides exchange frames::

    kind (1 byte) | payload length (2 bytes, unsigned, big-endian) | payload

Sources: the protocol definition in the CyCoreSystems ``audiosocket`` README and
https://docs.asterisk.org/Configuration/Channel-Drivers/AudioSocket/; the Go library
(``audiosocket.go``, ``chunk.go`` in ``CyCoreSystems/audiosocket``); Asterisk's
``res/res_audiosocket.c``, ``include/asterisk/res_audiosocket.h`` and
``apps/app_audiosocket.c``. What those say, and what this module does with it:

* The length is big-endian: the docs say so, Asterisk writes it with ``htons`` and reads it
  with ``ntohs``, and the Go library uses ``binary.BigEndian``.
* ``UUID`` (0x01) is the first frame Asterisk sends: the 16 raw bytes of the UUID given to
  ``AudioSocket(uuid,host:port)`` (``uuid_parse`` then ``memcpy``, length 0x0010), in RFC
  4122 byte order; never its 36-character text form. :func:`parse_uuid` accepts only that.
* ``DTMF`` (0x03) carries one ASCII character, the digit of an Asterisk DTMF-end frame
  (``buf[3] = f->subclass.integer``), Asterisk 20+. :func:`parse_dtmf` accepts the 16 keys.
* ``AUDIO`` (0x10) is signed 16-bit little-endian mono PCM at 8 kHz from the dialplan
  application. Asterisk sends its channel's voice frames as they come (typically 20 ms,
  320 bytes) and plays what it receives immediately: ``ast_audiosocket_receive_frame``
  hands each frame straight to ``ast_write`` with no pacing or jitter buffer, so audio
  sent faster than real time is not queued by the protocol; the sender must pace it
  (the Go library's ``SendSlinChunks`` writes one 320-byte chunk per 20 ms tick). Any
  non-empty length is accepted; an empty audio frame makes current Asterisk log an error
  and end the application, so :func:`audio_frames` never produces one. The application
  also gives up after 2 s without activity on either the channel or the socket.
* ``HANGUP`` (0x00, normally empty) ends the call when we send it. Asterisk never sends it:
  when the caller hangs up it just closes the socket.
* ``ERROR`` (0xFF): "the (optional) application-specific error code"; Asterisk's codes are
  single-byte bit flags (0x01 hangup of the calling party, 0x02 frame forwarding error,
  0x04 memory allocation error) and the Go library reads the first payload byte. The
  Asterisk sources read here never write one, but a peer may.
* ``SILENCE`` (0x02) exists only in the Go library (``KindSilence``); Asterisk neither sends
  nor accepts it.
* Kinds from 0x11 up carry slin at higher rates (12, 16, 24, 32, 44.1, 48 kHz and more
  per the current docs) in newer Asterisk releases. This server speaks 8 kHz only, so they
  are ``unknown_kind`` here.
* What current Asterisk accepts from us: only ``AUDIO`` and ``HANGUP`` (the 2019 original
  skipped other kinds); any other kind, or an empty audio payload, makes it log an error
  and drop the connection. Its header read loop restarts at byte 0 after a short read, so
  each frame should be written in one piece.

No I/O here.
"""

from __future__ import annotations

import struct
import uuid
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

#: Size of the frame header: kind + 16-bit big-endian payload length.
HEADER_BYTES: Final = 3
#: Largest payload the wire format can express.
MAX_WIRE_PAYLOAD: Final = 0xFFFF
#: Default cap on an inbound payload (a 20 ms 8 kHz slin frame is 320 bytes).
DEFAULT_MAX_PAYLOAD: Final = 4096
#: 20 ms of 8 kHz signed 16-bit mono PCM.
FRAME_BYTES_20MS: Final = 320
#: The 16 DTMF keys an Asterisk DTMF frame can carry.
DTMF_DIGITS: Final = frozenset("0123456789*#ABCD")

#: Asterisk's error-code bits (CyCoreSystems README, "Asterisk error codes").
ERROR_HANGUP: Final = 0x01
ERROR_FRAME_FORWARDING: Final = 0x02
ERROR_MEMORY: Final = 0x04

_HEADER = struct.Struct(">BH")


class Kind(IntEnum):
    """The frame kinds this server knows (see the module docstring for each)."""

    HANGUP = 0x00
    UUID = 0x01
    SILENCE = 0x02
    DTMF = 0x03
    AUDIO = 0x10
    ERROR = 0xFF


_KINDS: Final = frozenset(int(kind) for kind in Kind)


class AudioSocketProtocolError(Exception):
    """Bytes that are not valid AudioSocket.

    ``code`` is one of ``unknown_kind``, ``frame_too_large``, ``bad_uuid``, ``bad_dtmf`` and
    ``odd_audio_length``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Frame:
    """One AudioSocket frame."""

    kind: Kind
    payload: bytes


class FrameParser:
    """Incremental frame decoder: feed it whatever the socket read, get whole frames back.

    Frames may arrive split across reads at any byte or several to a read. At most one
    partial frame is buffered, and its declared length is checked as soon as the header is
    complete, so the buffer never exceeds ``max_payload`` + 3 bytes. Errors are raised as
    soon as they are visible (an unknown kind on its first byte) and are final: the stream
    cannot be resynchronised, so every later :meth:`feed` raises the same error. An
    ``AUDIO`` payload of odd length (half a sample) raises ``odd_audio_length``.
    """

    def __init__(self, max_payload: int = DEFAULT_MAX_PAYLOAD) -> None:
        if not 0 <= max_payload <= MAX_WIRE_PAYLOAD:
            raise ValueError(f"max_payload must be 0..{MAX_WIRE_PAYLOAD}, got {max_payload}")
        self._max_payload = max_payload
        self._buffer = bytearray()
        self._error: AudioSocketProtocolError | None = None

    @property
    def pending(self) -> int:
        """Bytes of an incomplete frame held back for the next :meth:`feed`."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        """Append ``data`` and return every frame it completes, in order."""
        if self._error is not None:
            raise self._error
        buffer = self._buffer
        buffer += data
        frames: list[Frame] = []
        offset = 0
        try:
            while len(buffer) - offset >= 1:
                kind = buffer[offset]
                if kind not in _KINDS:
                    raise AudioSocketProtocolError(
                        "unknown_kind", f"unknown AudioSocket frame kind 0x{kind:02x}"
                    )
                if len(buffer) - offset < HEADER_BYTES:
                    break
                _, length = _HEADER.unpack_from(buffer, offset)
                if length > self._max_payload:
                    raise AudioSocketProtocolError(
                        "frame_too_large",
                        f"AudioSocket payload of {length} bytes exceeds {self._max_payload}",
                    )
                end = offset + HEADER_BYTES + length
                if len(buffer) < end:
                    break
                if kind == Kind.AUDIO and length % 2:
                    raise AudioSocketProtocolError(
                        "odd_audio_length", f"audio payload of {length} bytes is not 16-bit PCM"
                    )
                frames.append(Frame(Kind(kind), bytes(buffer[offset + HEADER_BYTES : end])))
                offset = end
        except AudioSocketProtocolError as error:
            self._error = error
            buffer.clear()
            raise
        del buffer[:offset]
        return frames


def encode_frame(kind: Kind, payload: bytes = b"") -> bytes:
    """Header + ``payload``; :class:`ValueError` if it is longer than 65535 bytes."""
    if len(payload) > MAX_WIRE_PAYLOAD:
        raise ValueError(f"AudioSocket payload of {len(payload)} bytes exceeds {MAX_WIRE_PAYLOAD}")
    return _HEADER.pack(int(kind), len(payload)) + bytes(payload)


def audio_frames(pcm: bytes, frame_bytes: int = FRAME_BYTES_20MS) -> list[bytes]:
    """Encoded ``AUDIO`` frames of ``frame_bytes`` each (default 20 ms of 8 kHz slin).

    ``pcm`` is signed 16-bit little-endian mono; the last frame is zero-padded (silence) to
    full length. Empty ``pcm`` gives no frames. Odd-length ``pcm`` raises
    :class:`AudioSocketProtocolError` (``odd_audio_length``); a ``frame_bytes`` that is not
    a positive even number up to 65534 raises :class:`ValueError`. The caller paces the
    frames (one per 20 ms): Asterisk does not.
    """
    if frame_bytes <= 0 or frame_bytes % 2 or frame_bytes > MAX_WIRE_PAYLOAD:
        raise ValueError(f"frame_bytes must be a positive even number, got {frame_bytes}")
    if len(pcm) % 2:
        raise AudioSocketProtocolError(
            "odd_audio_length", f"{len(pcm)} bytes is not whole 16-bit samples"
        )
    frames = []
    for start in range(0, len(pcm), frame_bytes):
        chunk = bytes(pcm[start : start + frame_bytes])
        frames.append(encode_frame(Kind.AUDIO, chunk.ljust(frame_bytes, b"\x00")))
    return frames


def parse_uuid(payload: bytes) -> uuid.UUID:
    """The call's UUID from a ``UUID`` frame: exactly 16 raw bytes, RFC 4122 order."""
    if len(payload) != 16:
        raise AudioSocketProtocolError(
            "bad_uuid", f"a UUID payload is 16 bytes, got {len(payload)}"
        )
    return uuid.UUID(bytes=bytes(payload))


def parse_dtmf(payload: bytes) -> str:
    """The key from a ``DTMF`` frame: one ASCII byte among ``0-9 * # A-D``."""
    if len(payload) != 1 or chr(payload[0]) not in DTMF_DIGITS:
        raise AudioSocketProtocolError("bad_dtmf", f"not a DTMF digit: {bytes(payload[:8])!r}")
    return chr(payload[0])


def error_code(payload: bytes) -> int | None:
    """The code of an ``ERROR`` frame (its first payload byte), or None if it has none.

    For Asterisk the value is a bit set of :data:`ERROR_HANGUP`,
    :data:`ERROR_FRAME_FORWARDING` and :data:`ERROR_MEMORY`.
    """
    return payload[0] if payload else None
