"""Asterisk AudioSocket transport: a TCP listener for ``AudioSocket()`` / ``Dial(AudioSocket/...)``.

Off unless ``VOICE_AGENT_AUDIOSOCKET_PORT`` is set. The protocol has no authentication, so
the listener binds to ``VOICE_AGENT_AUDIOSOCKET_HOST`` (127.0.0.1 by default) and closes
connections from peers outside ``VOICE_AGENT_AUDIOSOCKET_ALLOW`` (CIDR list) at once.

Per connection: the UUID frame opens the call; audio frames (signed 16-bit little-endian
8 kHz) feed the call core, DTMF frames are key presses, a hangup frame or the socket
closing ends the call (Asterisk usually just closes it). Asterisk plays what it receives
as it arrives (no jitter buffer on this path), so the agent's audio is sent here in 20 ms
frames at real-time pace from a short queue, which is dropped at once when the caller
barges in; what was sent is what was heard. Only audio and hangup frames go to Asterisk
(it ends the call on any other kind).
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import time
import uuid
from collections import deque
from collections.abc import Sequence
from typing import Final

import structlog

from voice_agent import metrics
from voice_agent.audio import codec
from voice_agent.call import events as ev
from voice_agent.call.config import call_language
from voice_agent.call.core import Call
from voice_agent.call.events import CallError, EndReason
from voice_agent.call.live import Phase
from voice_agent.call.pump import outcome, pump
from voice_agent.services import Services
from voice_agent.telephony.audiosocket_protocol import (
    ERROR_HANGUP,
    FRAME_BYTES_20MS,
    AudioSocketProtocolError,
    Frame,
    FrameParser,
    Kind,
    encode_frame,
    error_code,
    parse_dtmf,
    parse_uuid,
)
from voice_agent.telephony.phone import phone_call

log = structlog.get_logger("voice_agent.telephony.audiosocket")

FRAME_MS: Final = 20.0
UUID_TIMEOUT_S: Final = 5.0
READ_BYTES: Final = 4096
WRITE_TIMEOUT_S: Final = 5.0

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_allow(text: str) -> list[Network]:
    """``VOICE_AGENT_AUDIOSOCKET_ALLOW``: comma-separated addresses or CIDR blocks."""
    out: list[Network] = []
    for part in text.split(","):
        part = part.strip()
        if part:
            out.append(ipaddress.ip_network(part, strict=False))
    return out


def allowed(peer: str, networks: Sequence[Network]) -> bool:
    try:
        addr = ipaddress.ip_address(peer.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return any(addr.version == net.version and addr in net for net in networks)


class _Playout:
    """The agent's audio as 20 ms frames, each tagged with what it completes."""

    def __init__(self) -> None:
        self.frames: deque[tuple[bytes, str, float]] = deque()
        self.ready = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()

    def add(self, pcm: bytes, item_id: str, end_ms: float) -> None:
        n = (len(pcm) + FRAME_BYTES_20MS - 1) // FRAME_BYTES_20MS
        for k in range(n):
            frame = pcm[k * FRAME_BYTES_20MS : (k + 1) * FRAME_BYTES_20MS]
            if len(frame) < FRAME_BYTES_20MS:
                frame += bytes(FRAME_BYTES_20MS - len(frame))
            self.frames.append((frame, item_id, end_ms - (n - 1 - k) * FRAME_MS))
        self.ready.set()
        self.idle.clear()

    def drop(self) -> None:
        self.frames.clear()
        self.idle.set()


class AudioSocketCall:
    """One AudioSocket connection and the call it carries."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, svc: Services
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.svc = svc
        self.parser = FrameParser()
        self.playout = _Playout()
        self.call: Call | None = None

    def on_call_event(self, e: ev.CallEvent) -> None:
        if isinstance(e, ev.ResponseAudio):
            self.playout.add(codec.encode(e.samples, codec.AudioFormat.PCM8K), e.item_id, e.end_ms)
        elif isinstance(e, ev.ResponsePaused) or (
            isinstance(e, ev.ResponseDone) and e.status != "completed"
        ):
            self.playout.drop()  # speech over the agent, a barge-in: stop at once

    async def _write(self, data: bytes) -> None:
        self.writer.write(data)
        await asyncio.wait_for(self.writer.drain(), WRITE_TIMEOUT_S)

    async def _player(self, call: Call) -> EndReason:
        """Send queued frames one per 20 ms against an absolute clock; returns when the
        connection is gone."""
        next_at = 0.0
        while True:
            if not self.playout.frames:
                self.playout.idle.set()
                self.playout.ready.clear()
                await self.playout.ready.wait()
                next_at = time.monotonic()
            frame, item_id, end_ms = self.playout.frames.popleft()
            delay = next_at - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                await self._write(encode_frame(Kind.AUDIO, frame))
            except (ConnectionError, RuntimeError, OSError, TimeoutError) as exc:
                log.info("audiosocket_write_failed", error=repr(exc))
                return EndReason.CALLER_HUNG_UP
            call.played(item_id, end_ms)
            next_at = max(next_at + FRAME_MS / 1000.0, time.monotonic() - 0.06)

    async def _frames(self) -> list[Frame] | None:
        data = await self.reader.read(READ_BYTES)
        if not data:
            return None
        return self.parser.feed(data)

    async def _call_uuid(self) -> uuid.UUID | None:
        while True:
            frames = await self._frames()
            if frames is None:
                return None
            for frame in frames:
                if frame.kind is Kind.UUID:
                    return parse_uuid(frame.payload)
                if frame.kind is Kind.HANGUP:
                    return None
            # audio before the UUID is not a call yet: dropped

    async def _read(self, call: Call) -> EndReason:
        while True:
            try:
                frames = await self._frames()
            except (ConnectionError, OSError):
                return EndReason.CALLER_HUNG_UP
            except AudioSocketProtocolError as exc:
                metrics.ERRORS.labels(exc.code).inc()
                log.warning("audiosocket_protocol_error", code=exc.code, error=exc.message)
                return EndReason.ERROR
            if frames is None:
                return EndReason.CALLER_HUNG_UP
            for frame in frames:
                kind, payload = frame.kind, frame.payload
                if kind is Kind.AUDIO:
                    try:
                        call.audio(payload)
                    except CallError as exc:
                        metrics.ERRORS.labels(exc.code).inc()
                        log.warning("audiosocket_audio_refused", code=exc.code)
                elif kind is Kind.DTMF:
                    try:
                        call.dtmf(parse_dtmf(payload))
                    except AudioSocketProtocolError as exc:
                        log.warning("audiosocket_bad_dtmf", error=exc.message)
                elif kind is Kind.HANGUP:
                    return EndReason.CALLER_HUNG_UP
                elif kind is Kind.ERROR:
                    code = error_code(payload)
                    log.warning("audiosocket_error_frame", code=code)
                    if code is not None and code & ERROR_HANGUP:
                        return EndReason.CALLER_HUNG_UP
                    return EndReason.ERROR

    async def run(self) -> None:
        svc = self.svc
        assert svc.speech is not None
        try:
            call_uuid = await asyncio.wait_for(self._call_uuid(), UUID_TIMEOUT_S)
        except (TimeoutError, AudioSocketProtocolError, ConnectionError, OSError) as exc:
            log.warning("audiosocket_no_call", error=repr(exc))
            return
        if call_uuid is None:
            return
        call = self.call = phone_call(
            svc,
            self.on_call_event,
            channel="audiosocket",
            audio=codec.AudioFormat.PCM8K,
            call_id=str(call_uuid),
            language=call_language(None, svc.settings.stt_language),
            customer={"call_uuid": str(call_uuid)},
        )
        call.start()
        player = asyncio.create_task(self._player(call), name="as-player")
        reason = EndReason.CALLER_HUNG_UP
        try:  # on a hand-off, the last words are heard when the queue has played out
            reason = await pump(
                call,
                self._read(call),
                player,
                last_words=self.playout.idle.wait,
                live=self.svc.live_calls,
            )
        finally:
            player.cancel()
            await asyncio.wait({player}, timeout=2.0)
            if player.done() and not player.cancelled():
                outcome(player)  # a failure is logged once, never left unretrieved
            if reason is not EndReason.CALLER_HUNG_UP:
                with contextlib.suppress(Exception):
                    await self._write(encode_frame(Kind.HANGUP))


class AudioSocketServer:
    """The TCP listener; :meth:`start` on the server's event loop, :meth:`stop` at shutdown."""

    def __init__(self, svc: Services, sock: socket.socket, allow: Sequence[Network]) -> None:
        self.svc = svc
        self.sock = sock
        self.allow = list(allow)
        self.server: asyncio.Server | None = None
        self.calls: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    async def start(self) -> None:
        self.server = await asyncio.start_server(self._handle, sock=self.sock)
        log.info("audiosocket_listening", port=self.port, allow=[str(n) for n in self.allow])

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()
        for task in list(self.calls):
            task.cancel()
        if self.calls:
            await asyncio.wait(list(self.calls), timeout=10.0)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        peer = writer.get_extra_info("peername")
        host = str(peer[0]) if isinstance(peer, tuple) and peer else ""
        try:
            if not allowed(host, self.allow):
                metrics.ERRORS.labels("audiosocket_peer_refused").inc()
                log.warning("audiosocket_peer_refused", peer=host)
                return
            if self.svc.live_calls.phase is not Phase.SERVING:  # stopping: no new calls
                log.warning("call_refused", code="shutting_down", transport="audiosocket")
                writer.write(encode_frame(Kind.HANGUP))
                return
            slot = self.svc.limits.calls.acquire()
            if slot is None:  # admission: hang up at once, before reading anything
                metrics.ERRORS.labels("capacity_exceeded").inc()
                log.warning("call_refused", code="capacity_exceeded", transport="audiosocket")
                writer.write(encode_frame(Kind.HANGUP))
                return
            with slot:  # held until the call ends, however it ends
                if self.svc.speech is None:
                    log.warning("audiosocket_refused", why=self.svc.speech_error or "no speech")
                    writer.write(encode_frame(Kind.HANGUP))
                    return
                if task is not None:
                    self.calls.add(task)
                await AudioSocketCall(reader, writer, self.svc).run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # one broken connection must not take the listener down
            log.error("audiosocket_connection_failed", error=repr(exc))
        finally:
            if task is not None:
                self.calls.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2.0)
            structlog.contextvars.unbind_contextvars("call_id", "conversation_id")


def bind_socket(host: str, port: int) -> socket.socket:
    """The listening socket (bound now, so a taken port stops the start-up)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(64)
    sock.setblocking(False)
    return sock
