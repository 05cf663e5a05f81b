"""Asterisk's side of an AudioSocket call, written from the protocol, not from our server.

Asterisk's ``AudioSocket()`` dialplan application (and the ``AudioSocket/`` channel) connects
to a TCP service, sends the call's UUID, then streams the caller's audio and reads the
service's audio back. :class:`AudioSocketCall` does the same, so a test can stand in for the
PBX. Nothing here imports ``voice_agent.telephony``.

The protocol, with sources (asterisk ``res/res_audiosocket.c``,
``include/asterisk/res_audiosocket.h``, ``apps/app_audiosocket.c``, the Asterisk
"AudioSocket" documentation page and the CyCoreSystems ``audiosocket`` Go library):

* Every message is a 3-byte header, kind (1 byte) then payload length (16-bit unsigned,
  **big-endian**; ``htons``/``ntohs`` in Asterisk, ``binary.BigEndian`` in Go), then the
  payload. A hangup is ``00 00 00``.
* ``0x01`` UUID: first message from Asterisk, 16 bytes, the binary form of the call's UUID as
  ``uuid_parse`` gives it (RFC 4122 byte order, i.e. Python's ``uuid.UUID.bytes``).
* ``0x10`` audio: signed linear 16-bit little-endian, 8 kHz, mono; Asterisk forwards each
  channel frame (320 bytes for 20 ms).
* ``0x03`` DTMF: one ASCII digit (``res_audiosocket.c`` writes ``f->subclass.integer``).
* ``0x00`` hangup, ``0xff`` error: payload optional, application specific; Asterisk's own
  codes are one bit-packed byte: ``0x01`` caller hung up, ``0x02`` frame forwarding error,
  ``0x04`` memory error.
* What Asterisk accepts from the service: only ``0x00`` (hang up) and ``0x10`` (audio, length
  at least 1). Any other kind (``0xff`` included) or an empty audio frame makes
  ``ast_audiosocket_receive_frame`` fail and the call is torn down; socket closure is a
  hangup too. This client does the same: it records the frame and ends the call.
* Asterisk does not buffer or pace the service's audio: each frame goes to the channel as it
  arrives. Here it is played through the same real-time queue as Twilio's (no marks), and
  ``max_queued_s`` shows how far ahead of real time the service ran.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Final

import numpy as np

from loadtest.twilio_carrier import DTMF_DIGITS, CallerSide, Clock, Int16Array

__all__ = [
    "ASTERISK_ERROR_FRAME_FORWARDING",
    "ASTERISK_ERROR_HANGUP",
    "ASTERISK_ERROR_MEMORY",
    "HEADER_SIZE",
    "AudioSocketCall",
    "Frame",
    "FrameDecoder",
    "Kind",
    "audio_frame",
    "dtmf_frame",
    "encode_frame",
    "error_frame",
    "hangup_frame",
    "uuid_frame",
]

HEADER_SIZE: Final = 3
MAX_PAYLOAD: Final = 0xFFFF
#: Asterisk's error codes (one byte, bit-packed) in an error frame's payload.
ASTERISK_ERROR_HANGUP: Final = 0x01
ASTERISK_ERROR_FRAME_FORWARDING: Final = 0x02
ASTERISK_ERROR_MEMORY: Final = 0x04


class Kind(IntEnum):
    """AudioSocket message kinds (``enum ast_audiosocket_msg_kind``)."""

    HANGUP = 0x00
    UUID = 0x01
    DTMF = 0x03
    AUDIO = 0x10
    ERROR = 0xFF


@dataclass(frozen=True)
class Frame:
    """One AudioSocket message."""

    kind: int
    payload: bytes = b""

    def encode(self) -> bytes:
        return encode_frame(self.kind, self.payload)

    @property
    def kind_name(self) -> str:
        try:
            return Kind(self.kind).name
        except ValueError:
            return f"0x{self.kind:02x}"


def encode_frame(kind: int, payload: bytes = b"") -> bytes:
    """Header (kind, big-endian payload length) and payload."""
    if not 0 <= kind <= 0xFF:
        raise ValueError(f"kind {kind} does not fit in a byte")
    if len(payload) > MAX_PAYLOAD:
        raise ValueError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    return bytes([kind]) + len(payload).to_bytes(2, "big") + payload


def uuid_frame(call_uuid: uuid.UUID) -> bytes:
    return encode_frame(Kind.UUID, call_uuid.bytes)


def audio_frame(samples: Int16Array) -> bytes:
    """Signed 16-bit little-endian 8 kHz samples in one audio message."""
    return encode_frame(Kind.AUDIO, samples.astype("<i2", copy=False).tobytes())


def dtmf_frame(digit: str) -> bytes:
    if len(digit) != 1 or digit not in DTMF_DIGITS:
        raise ValueError(f"not a DTMF key: {digit!r}")
    return encode_frame(Kind.DTMF, digit.encode("ascii"))


def hangup_frame() -> bytes:
    return encode_frame(Kind.HANGUP)


def error_frame(code: int | None = None) -> bytes:
    """An error message, with Asterisk's one-byte code when given."""
    return encode_frame(Kind.ERROR, b"" if code is None else bytes([code]))


class FrameDecoder:
    """Incremental parser: feed bytes as they come, get whole frames out."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    @property
    def pending(self) -> int:
        """Bytes held back, waiting for the rest of their frame."""
        return len(self._buffer)

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        while len(self._buffer) >= HEADER_SIZE:
            length = int.from_bytes(self._buffer[1:HEADER_SIZE], "big")
            if len(self._buffer) < HEADER_SIZE + length:
                break
            frames.append(
                Frame(self._buffer[0], bytes(self._buffer[HEADER_SIZE : HEADER_SIZE + length]))
            )
            del self._buffer[: HEADER_SIZE + length]
        return frames


class AudioSocketCall(CallerSide):
    """Asterisk running ``AudioSocket(uuid, host:port)`` for one answered call.

    Open with ``async with AudioSocketCall.connect(host, port) as call:``; on entry the UUID
    frame has gone out and the microphone sends a 20 ms audio frame every 20 ms (silence
    unless :meth:`play` speaks; ``continuous=False`` sends audio only while speaking). A
    background reader plays the server's audio in real time (``agent_speech``,
    ``agent_audio``, ``audio_received`` with arrival times) and ends the call on a hangup or
    error frame, on anything Asterisk would reject, and on EOF or reset; nothing of that
    raises. Leaving the block hangs up if nobody has yet.
    """

    def __init__(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        call_uuid: uuid.UUID,
        *,
        continuous: bool,
        merge_gap_s: float,
        clock: Clock,
    ) -> None:
        super().__init__(
            self._send_audio, continuous=continuous, merge_gap_s=merge_gap_s, clock=clock
        )
        self.reader = reader
        self.writer = writer
        self.uuid = call_uuid
        #: Every frame from the server: (arrival wall time, frame).
        self.frames_received: list[tuple[float, Frame]] = []
        #: Error frames from the server: (arrival time, payload, often one code byte).
        self.errors_received: list[tuple[float, bytes]] = []
        self.hangup_received_at: float | None = None
        self.dtmf_sent: list[tuple[float, str]] = []
        #: Why the call ended: caller_hangup, server_hangup, server_error, protocol_error,
        #: server_closed (EOF or reset).
        self.ended_by: str | None = None
        self._reader_task: asyncio.Task[None] | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls,
        host: str,
        port: int,
        call_uuid: uuid.UUID | str | None = None,
        *,
        continuous: bool = True,
        merge_gap_s: float = 0.3,
        connect_timeout_s: float = 5.0,
        clock: Clock = time.time,
    ) -> AsyncIterator[AudioSocketCall]:
        """Connect (Asterisk gives up after 2 s; here ``connect_timeout_s``) and send the UUID."""
        if call_uuid is None:
            call_uuid = uuid.uuid4()
        elif isinstance(call_uuid, str):
            call_uuid = uuid.UUID(call_uuid)
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port), connect_timeout_s
        )
        call = cls(
            reader,
            writer,
            call_uuid,
            continuous=continuous,
            merge_gap_s=merge_gap_s,
            clock=clock,
        )
        try:
            await call._begin()
            yield call
        finally:
            await call._shutdown()

    # ------------------------------------------------------------- caller actions

    async def dtmf(self, digit: str) -> None:
        """Press a key: a DTMF frame with the ASCII digit."""
        if await self._write(dtmf_frame(digit)):
            self.dtmf_sent.append((self._clock(), digit))

    async def hang_up(
        self, *, send_hangup_frame: bool = True, close_timeout_s: float = 5.0
    ) -> None:
        """The caller hangs up: microphone off, a hangup frame (the protocol's "terminate"; a
        real Asterisk only closes the socket, which ``send_hangup_frame=False`` reproduces),
        then the socket closes."""
        if self.closed or self._hanging_up:
            return
        self._hanging_up = True
        self.ended_by = "caller_hangup"
        await self.mic.stop()
        if send_hangup_frame:
            await self._write(hangup_frame())
        await self._close_socket(close_timeout_s)
        self._on_closed()

    # ------------------------------------------------------------- what the caller got

    @property
    def hangup_received(self) -> bool:
        return self.hangup_received_at is not None

    # ------------------------------------------------------------- internals

    async def _begin(self) -> None:
        self._reader_task = asyncio.get_running_loop().create_task(
            self._read_loop(), name="audiosocket-reader"
        )
        self._start_player()
        if await self._write(uuid_frame(self.uuid)):
            self.mic.start()

    async def _shutdown(self) -> None:
        if not self.closed:
            await self.hang_up()
        await self._close_socket(1.0)
        await self._stop_tasks(self._reader_task)

    async def _write(self, data: bytes) -> bool:
        """Write one whole frame; False (nothing raised) when the connection is gone."""
        if self.closed or self.writer.is_closing():
            return False
        try:
            self.writer.write(data)
            await self.writer.drain()
        except (ConnectionError, OSError):
            self._end("server_closed")
            return False
        return True

    async def _send_audio(self, frame: Int16Array) -> bool:
        return await self._write(audio_frame(frame))

    async def _close_socket(self, timeout_s: float) -> None:
        if not self.writer.is_closing():
            self.writer.close()
        with contextlib.suppress(ConnectionError, OSError, TimeoutError):
            await asyncio.wait_for(self.writer.wait_closed(), timeout_s)

    def _end(self, reason: str) -> None:
        if self.closed:
            return
        if self.ended_by is None:
            self.ended_by = reason
        if not self.writer.is_closing():
            self.writer.close()
        self._on_closed()

    async def _read_loop(self) -> None:
        try:
            while True:
                try:
                    header = await self.reader.readexactly(HEADER_SIZE)
                    length = int.from_bytes(header[1:], "big")
                    payload = await self.reader.readexactly(length) if length else b""
                except asyncio.IncompleteReadError as exc:
                    if exc.partial:
                        self.protocol_errors.append(f"connection closed inside a frame ({exc})")
                    break
                except (ConnectionError, OSError):
                    break
                now = self._clock()
                frame = Frame(header[0], payload)
                self.frames_received.append((now, frame))
                if not self._on_frame(frame, now):
                    return
                self._notify()
        finally:
            self._end("server_closed")

    def _on_frame(self, frame: Frame, now: float) -> bool:
        """Act on one frame from the server like Asterisk; False when the call is over."""
        if frame.kind == Kind.AUDIO:
            if not frame.payload:
                self.protocol_errors.append("audio frame with no payload (Asterisk hangs up)")
                self._end("protocol_error")
                return False
            data = frame.payload
            if len(data) % 2:
                self.protocol_errors.append(f"audio frame of odd length {len(data)}")
                data = data[:-1]
            samples = np.frombuffer(data, dtype="<i2").astype(np.int16)
            self._receive_audio(samples, now)
            return True
        if frame.kind == Kind.HANGUP:
            self.hangup_received_at = now
            self._end("server_hangup")
            return False
        if frame.kind == Kind.ERROR:
            self.errors_received.append((now, frame.payload))
            self._end("server_error")
            return False
        self.protocol_errors.append(
            f"{frame.kind_name} frame from the server: Asterisk accepts only hangup and audio"
        )
        self._end("protocol_error")
        return False
