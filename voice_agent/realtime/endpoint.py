"""The ``/v1/realtime`` WebSocket transport: OpenAI Realtime events to and from a call core.

This module only translates: client JSON events are parsed (``events.py``) and handed to the
transport-independent :class:`~voice_agent.call.core.Call`; what the call emits is written
back as OpenAI Realtime server events. Three tasks run per connection, all owned by the
session and ended with it: the *reader*, the *control lane* (:mod:`voice_agent.realtime.lane`)
and the *writer*, which sends from a bounded queue, so a client that stops reading is
disconnected instead of growing memory without bound.

Ordering. The reader never waits for an event to be handled: it parses, validates and
rate-limits each frame and hands it on, so a slow event (a ``response.create`` waiting for
the conversation or the greeting, a ``commit`` waiting for queued audio, a ``truncate``
waiting for the store) holds up neither the audio nor the detection of a hang-up.

* Every event other than an audio append, and every ``error`` reply (a frame that could not
  be read, an append refused), is handled and answered in the order it came, one at a time,
  by the control lane: a ``response.cancel`` after a ``response.create`` cancels that
  response, a ``session.update`` after it applies after it, each ``error`` carries its
  ``event_id``.
* ``input_audio_buffer.append`` goes straight to the call (its audio queue, bounded in bytes
  and milliseconds: ``input_audio_buffer_overflow``), so speech detection and barge-in go
  on while an event waits, unless an event it may not overtake is waiting (a
  ``session.update``, ``commit``, ``clear``, or an append queued behind them): then it waits
  in the lane too, in order. Its errors (``invalid_audio_length``,
  ``input_audio_buffer_overflow``, ...) are answered in order like the others.
* The lane is bounded (events and bytes): an event that does not fit is dropped and
  answered at once with ``too_many_pending_events``. Each event has a deadline
  (``event_timeout``); an event whose handling fails for a bug gets ``internal_error``,
  is logged once with the session id, and the session goes on.
* When the client leaves, the events it sent before get a short, bounded time to finish.

Who may connect: an API key, or a client secret (``ek_...``, minted by
``POST /v1/realtime/client_secrets``; see :mod:`voice_agent.realtime.client_secrets`), sent as
``Authorization: Bearer`` or the subprotocol ``openai-insecure-api-key.KEY`` (``?api_key=`` is
refused with ``api_key_in_url``; a metrics key with ``insufficient_scope``); the session's
conversation belongs to the key's tenant (a client secret's: the minting key's);
an upgrade carrying an ``Origin`` header must come from an allowed origin
(:mod:`voice_agent.realtime.origins`). A client secret opens one session, with the settings
it fixed.

Protocol extensions: ``session.customer`` (profile), ``session.greeting`` (agent speaks
first), ``session.language``; server events ``conversation.item.insights`` (a customer
turn's insights and next best action) and ``response.timings`` (per-stage milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any, Final

import structlog
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from voice_agent import metrics
from voice_agent.api.auth import CLIENT_SECRET_PREFIX, CONVERSATION_ROLES, presented_key
from voice_agent.audio import codec
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig, call_language
from voice_agent.call.core import Call
from voice_agent.call.events import CallError, EndReason
from voice_agent.call.pump import Outbox, outcome, pump
from voice_agent.errors import (
    Forbidden,
    InvalidRequest,
    Limited,
    ShuttingDown,
    Unauthorized,
    VoiceAgentError,
)
from voice_agent.limits import (
    CAPACITY_RETRY_AFTER_S,
    CallSlot,
    Limits,
    SessionLimiter,
    key_id,
    retry_after_header,
)
from voice_agent.realtime.client_secrets import ClientSecretClaims, ClientSecretError, check_fixed
from voice_agent.realtime.events import (
    ClientEvent,
    InputAudioAppend,
    InputAudioClear,
    InputAudioCommit,
    ItemTruncate,
    ResponseCancel,
    ResponseCreate,
    ServerEvents,
    SessionConfig,
    SessionUpdate,
    TurnDetectionConfig,
    apply_session_update,
    new_id,
    parse_client_event,
)
from voice_agent.realtime.lane import ControlLane, internal_error
from voice_agent.realtime.origins import origin_allowed, parse_allowed
from voice_agent.services import Services
from voice_agent.settings import Settings
from voice_agent.speech.engines import SpeechEngines

log = structlog.get_logger("voice_agent.realtime")

OUT_QUEUE_MAX: Final = 1024  # server events waiting for a slow client
CLOSE_TIMEOUT_S: Final = 2.0

#: How each end of a call is told to the client (WebSocket close code and reason).
_CLOSE: Final[dict[EndReason, tuple[int, str]]] = {
    EndReason.CALLER_HUNG_UP: (1000, "session ended"),
    EndReason.NO_CUSTOMER_TURN: (1000, "session ended"),
    EndReason.AGENT_HAND_OFF: (1000, "handed off to a person"),
    EndReason.TIMEOUT: (1000, "session timed out"),
    EndReason.ERROR: (1011, "internal error"),
    EndReason.SERVER_SHUTDOWN: (1012, "server restarting; please reconnect"),
    EndReason.CLIENT_NOT_READING: (1008, "client is not reading events"),
}


def call_config(cfg: SessionConfig) -> CallConfig:
    """The call settings a realtime session's configuration stands for."""
    return CallConfig(
        channel="realtime",
        language=cfg.language,
        input_format=codec.AudioFormat.parse(cfg.input_format),
        output_format=codec.AudioFormat.parse(cfg.output_format),
        turn_detection=cfg.turn_detection,
        customer=cfg.customer,
        greeting=cfg.greeting,
    )


def default_session_config(settings: Settings) -> SessionConfig:
    """The settings a new session starts with (before any ``session.update``)."""
    return SessionConfig(
        language=call_language(None, settings.stt_language),
        greeting=settings.greet_first,
        turn_detection=TurnDetectionConfig(silence_duration_ms=settings.silence_ms),
    )


class RealtimeSession:
    """One ``/v1/realtime`` connection: a reader, a writer and the call they carry.

    Opened with a client secret (``claims``), it starts with the minted settings and id, and
    ``session.update`` may not change the fields the secret fixed."""

    def __init__(
        self,
        ws: WebSocket,
        svc: Services,
        speech: SpeechEngines,
        claims: ClientSecretClaims | None = None,
        tenant: str | None = None,
    ) -> None:
        self.ws = ws
        self.ev = ServerEvents()
        if claims is None:
            self.session_id = new_id("sess")
            self.cfg = default_session_config(svc.settings)
            self.fixed: frozenset[str] = frozenset()
        else:
            self.session_id = claims.session_id
            self.cfg = claims.config
            self.fixed = claims.fixed
        self.out = Outbox(OUT_QUEUE_MAX, on_overflow=self._not_reading)
        self.live = svc.live_calls
        self.close_reason: tuple[int, str] | None = None
        #: rate limits of this session's client events (voice_agent.limits)
        self.limiter = svc.limits.session()
        #: the session's events, handled in order off the reader (voice_agent.realtime.lane)
        self.lane = ControlLane(
            self._dispatch, self.error, session_id=self.session_id, on_failure=self._lane_failed
        )
        self.call = Call(
            svc.orchestrator,
            speech,
            call_config(self.cfg),
            self.on_call_event,
            call_id=self.session_id,
            limits=svc.call_limits(),
            wait_for_config=claims is None,
            tenant=tenant,
        )

    # -- writing -----------------------------------------------------------------------------
    def send(self, event: dict[str, Any]) -> None:
        self.out.put(json.dumps(event))

    def _not_reading(self) -> None:
        """The outbox filled or a send stalled: the call ends (``client_not_reading``)."""
        metrics.ERRORS.labels("client_not_reading").inc()
        log.warning("client_not_reading", session=self.session_id)
        self.close(*_CLOSE[EndReason.CLIENT_NOT_READING])
        self.call.request_end(EndReason.CLIENT_NOT_READING)

    def _lane_failed(self) -> None:
        """The control lane itself failed (a bug, logged by the lane): the call ends."""
        self.close(*_CLOSE[EndReason.ERROR])
        self.call.request_end(EndReason.ERROR)

    def error(self, exc: CallError) -> None:
        metrics.ERRORS.labels(exc.code).inc()
        self.send(self.ev.error(exc))

    def close(self, code: int, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = (code, reason)
        self.out.close()

    async def _writer(self) -> EndReason:
        return await self.out.run(self.ws.send_text, (WebSocketDisconnect, RuntimeError, OSError))

    def on_call_event(self, e: ev.CallEvent) -> None:
        """What the call emits, as OpenAI Realtime server events."""
        out = self.cfg.output_format
        if isinstance(e, ev.ResponseAudio):
            audio = codec.encode(e.samples, codec.AudioFormat.parse(out))
            self.send(self.ev.audio_delta(e.response_id, e.item_id, audio))
        elif isinstance(e, ev.ResponseText):
            self.send(self.ev.transcript_delta(e.response_id, e.item_id, e.delta))
        elif isinstance(e, ev.SpeechStarted):
            self.send(self.ev.speech_started(e.item_id, e.audio_start_ms))
        elif isinstance(e, ev.SpeechStopped):
            self.send(self.ev.speech_stopped(e.item_id, e.audio_end_ms))
        elif isinstance(e, ev.InputCommitted):
            self.send(self.ev.committed(e.item_id, e.previous_item_id))
        elif isinstance(e, ev.InputCleared):
            self.send(self.ev.cleared())
        elif isinstance(e, ev.TranscriptionCompleted):
            self.send(
                self.ev.transcription_completed(e.item_id, e.transcript, e.duration_s, e.language)
            )
        elif isinstance(e, ev.TranscriptionFailed):
            self.send(self.ev.transcription_failed(e.item_id, e.code, e.message))
        elif isinstance(e, ev.TurnInsights):
            self.send(
                self.ev.insights(e.item_id, None, e.transcript, e.insights.to_json(), e.timings_ms)
            )
        elif isinstance(e, ev.ResponseStarted):
            self.send(self.ev.response_created(e.response_id, e.conversation_id, out))
            self.send(self.ev.output_item_added(e.response_id, e.item_id))
            self.send(self.ev.content_part_added(e.response_id, e.item_id))
        elif isinstance(e, ev.ResponseDone):
            rid, iid = e.response_id, e.item_id
            self.send(self.ev.audio_done(rid, iid))
            self.send(self.ev.transcript_done(rid, iid, e.heard))
            self.send(self.ev.content_part_done(rid, iid, e.heard))
            status = "completed" if e.status == "completed" else "incomplete"
            self.send(self.ev.output_item_done(rid, iid, e.heard, status))
            self.send(
                self.ev.response_done(rid, e.conversation_id, out, e.status, iid, e.heard, e.reason)
            )
        elif isinstance(e, ev.ResponsePaused):
            self.send(self.ev.audio_paused(e.response_id, e.item_id, e.audio_end_ms, e.sent_ms))
        elif isinstance(e, ev.ResponseResumed):
            self.send(
                self.ev.audio_resumed(e.response_id, e.item_id, e.audio_start_ms, e.paused_ms)
            )
        elif isinstance(e, ev.ResponseTimings):
            self.send(self.ev.timings(e.item_id, e.response_id, e.timings_ms))
        elif isinstance(e, ev.ItemTruncated):
            self.send(self.ev.item_truncated(e.item_id, e.audio_end_ms))
        elif isinstance(e, ev.ErrorRaised):
            self.send(self.ev.error(e.error))
        elif isinstance(e, ev.CallEnded):
            self.close(*_CLOSE[e.reason])
        elif isinstance(e, ev.ConversationStarted):
            log.info("realtime_session_started", session=self.session_id, lang=e.lang)

    # -- the connection ----------------------------------------------------------------------
    async def run(self) -> None:
        structlog.contextvars.bind_contextvars(call_id=self.session_id)
        writer = asyncio.create_task(self._writer(), name="rt-writer")
        self.send(self.ev.session_created(self.cfg, self.session_id))
        self.call.start()
        reason = EndReason.CALLER_HUNG_UP
        try:
            reason = await pump(self.call, self._serve(), writer, live=self.live)
        finally:
            if not writer.done():
                self.close(*(self.close_reason or _CLOSE[reason]))
                await asyncio.wait({writer}, timeout=CLOSE_TIMEOUT_S)
                writer.cancel()
                await asyncio.wait({writer}, timeout=CLOSE_TIMEOUT_S)
            if writer.done() and not writer.cancelled():
                outcome(writer)  # retrieved (and logged once) however the call ended
            if self.ws.client_state == WebSocketState.CONNECTED:  # bounded: even a non-reader
                code, text = self.close_reason or _CLOSE[reason]
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.ws.close(code, text), CLOSE_TIMEOUT_S)
            log.info("realtime_session_closed", session=self.session_id, reason=reason.value)

    async def _serve(self) -> EndReason:
        """The reader, with the control lane it feeds (owned: stopped when this ends)."""
        self.lane.start()
        try:
            reason = await self._reader()
            await self.lane.drain()  # the client left: what it sent before still happens
            return reason
        finally:
            await self.lane.stop()

    async def _reader(self) -> EndReason:
        """Read frames until the client leaves; never waits for an event to be handled."""
        while not self.out.closing:
            try:
                msg = await self.ws.receive()
            except (WebSocketDisconnect, RuntimeError, OSError):
                break
            if msg["type"] == "websocket.disconnect":
                break
            text = msg.get("text")
            if text is None:
                self._in_order(
                    CallError("binary_not_supported", "send events as JSON text frames"), 0
                )
                continue
            event: ClientEvent | None = None
            try:
                event = parse_client_event(text)
                admit_event(self.limiter, event, self.cfg.input_format)
                if isinstance(event, InputAudioAppend) and not self.lane.audio_must_wait:
                    self.call.audio(event.audio)  # the fast path: queued in the call core
                else:
                    self.lane.put(event, event_size(event, text))
            except CallError as exc:
                if event is not None:
                    exc.event_id = exc.event_id or event.event_id
                if exc.code == "too_many_pending_events":
                    self.error(exc)  # at once: the lane is full
                else:
                    self._in_order(exc, len(exc.message))
            except Exception:  # a bug: the client hears of it, it is logged once, we go on
                event_id = event.event_id if event is not None else None
                log.exception(
                    "realtime_event_failed",
                    session=self.session_id,
                    event_type=type(event).__name__ if event is not None else None,
                    event_id=event_id,
                )
                self._in_order(internal_error(event_id), 0)
        return EndReason.CALLER_HUNG_UP

    def _in_order(self, exc: CallError, size: int) -> None:
        """Answer a frame that was refused in its turn (after the replies to the events
        before it); at once (``too_many_pending_events``) when the lane is full."""
        try:
            self.lane.put(exc, size)
        except CallError as full:
            self.error(full)

    async def _dispatch(self, event: ClientEvent) -> None:
        call = self.call
        if isinstance(event, InputAudioAppend):
            call.audio(event.audio)
        elif isinstance(event, SessionUpdate):
            new = apply_session_update(self.cfg, event.session)
            check_fixed(self.fixed, self.cfg, new, event.event_id)
            try:
                call.reconfigure(call_config(new))
            except CallError as exc:
                exc.event_id = exc.event_id or event.event_id
                raise
            self.cfg = new
            self.send(self.ev.session_updated(self.cfg, self.session_id))
        elif isinstance(event, InputAudioCommit):
            await call.commit_input(event.event_id)
        elif isinstance(event, InputAudioClear):
            call.clear_input()
        elif isinstance(event, ResponseCreate):
            await call.create_response(event.event_id)
            # one turn of the loop: the response's task (scheduled first) starts, announces
            # itself (response.created) and can be cancelled before the next event is handled
            await asyncio.sleep(0)
        elif isinstance(event, ResponseCancel):
            call.cancel_response(event.response_id)
        elif isinstance(event, ItemTruncate):
            await call.truncate(event.item_id, event.content_index, event.audio_end_ms)


# ------------------------------------------------------------------------------ the route


async def realtime_endpoint(ws: WebSocket) -> None:
    svc: Services = ws.app.state.services
    try:  # the server is stopping: refused before the upgrade (503 shutting_down)
        svc.live_calls.admit()
    except ShuttingDown as exc:
        await refuse(ws, exc)
        return
    subprotocols: list[str] = list(ws.scope.get("subprotocols") or [])
    settings = svc.settings
    origin = ws.headers.get("origin")
    if not origin_allowed(
        origin,
        scheme=str(ws.scope.get("scheme", "ws")),
        host=ws.headers.get("host"),
        allowed=parse_allowed(settings.allowed_origins),
        public_url=settings.public_url,
    ):
        refused = VoiceAgentError(
            f"origin {origin!r} may not open realtime sessions (VOICE_AGENT_ALLOWED_ORIGINS)",
            code="origin_not_allowed",
            status=403,
        )
        await refuse(ws, refused)
        return
    claims: ClientSecretClaims | None = None
    tenant: str | None = None
    api_key: str | None = None
    try:
        key = presented_key(ws.headers, ws.query_params, subprotocols)
        if key.startswith(CLIENT_SECRET_PREFIX):
            try:
                claims = svc.client_secrets.redeem(key)
            except ClientSecretError as exc:
                raise Unauthorized(exc.message, code=exc.code) from None
            if not await svc.redeemed_once(claims.nonce, claims.expires_at):
                raise Unauthorized(
                    "the client secret was already used", code="client_secret_used"
                )
            tenant = claims.tenant
        else:
            principal = svc.keys.check(
                ws.headers, ws.query_params, subprotocols, roles=CONVERSATION_ROLES
            )
            tenant = principal.tenant
            api_key = key
    except (Unauthorized, Forbidden, InvalidRequest) as exc:
        await refuse(ws, exc)
        return
    try:  # before the upgrade: a refused call hears an HTTP answer, not greeting silence
        slot = admit_call(svc.limits, api_key)
    except Limited as exc:
        await refuse(ws, exc)
        return
    with slot:  # held until the session ends, however it ends
        accept_proto = "realtime" if "realtime" in subprotocols else None
        speech = svc.speech
        await ws.accept(subprotocol=accept_proto)
        if speech is None:
            reason = svc.speech_error or "speech engines are not loaded"
            error = CallError(
                "speech_unavailable", f"voice is unavailable: {reason}", error_type="server_error"
            )
            with contextlib.suppress(WebSocketDisconnect, RuntimeError, OSError):  # gone: fine
                await ws.send_text(json.dumps(ServerEvents().error(error)))
                await ws.close(1011, "speech unavailable")
            return
        await RealtimeSession(ws, svc, speech, claims, tenant).run()


def admit_call(limits: Limits, api_key: str | None) -> CallSlot:
    """A call slot for a new session, or :class:`Limited`: the key's request rate
    (``rate_limited``), a free slot (``capacity_exceeded``, 503), the key's daily
    conversations (``quota_exceeded``). A session opened with a client secret was counted
    when the secret was minted."""
    kid = key_id(api_key) if api_key is not None else None
    if kid is not None:
        wait = limits.rest.take(kid)
        if wait is not None:
            raise Limited("too many requests for this API key", retry_after_s=wait)
    slot = limits.calls.acquire()
    if slot is None:
        log.warning("call_refused", code="capacity_exceeded", max_calls=limits.calls.limit)
        raise Limited(
            f"this server is taking its maximum of {limits.calls.limit} calls"
            " (VOICE_AGENT_MAX_CALLS); try again shortly",
            retry_after_s=CAPACITY_RETRY_AFTER_S,
            code="capacity_exceeded",
            status=503,
        )
    if kid is not None:
        wait = limits.conversations.take(kid)
        if wait is not None:
            slot.release()
            raise Limited(
                "this API key has created its conversations for today"
                " (VOICE_AGENT_DAILY_CONVERSATIONS_PER_KEY); the quota resets at midnight UTC",
                retry_after_s=wait,
                code="quota_exceeded",
            )
    return slot


def event_size(event: ClientEvent, text: str) -> int:
    """The bytes an event holds while it waits: an append's audio, another's JSON text."""
    return len(event.audio) if isinstance(event, InputAudioAppend) else len(text)


def admit_event(limiter: SessionLimiter, event: ClientEvent, input_format: str) -> None:
    """Raise ``rate_limited`` (the event is dropped) when the session sends events, or input
    audio (counted in milliseconds of audio), faster than its limits."""
    if isinstance(event, InputAudioAppend):
        ms = len(event.audio) / codec.bytes_per_ms(input_format)
        wait = limiter.audio_ms(ms)
        what = "input audio"
    else:
        wait = limiter.event()
        what = "events"
    if wait is not None:
        raise CallError(
            "rate_limited",
            f"this session sends {what} too fast; the event was dropped (retry after {wait:.2f} s)",
            event_id=event.event_id,
            error_type="rate_limit_error",
        )


async def refuse(ws: WebSocket, exc: VoiceAgentError) -> None:
    """Refuse the handshake with ``exc`` (counted and logged by its code, no traceback)."""
    metrics.ERRORS.labels(exc.code).inc()
    log.info("realtime_refused", code=exc.code, status=exc.status)
    headers = None
    if isinstance(exc, Limited):
        headers = {"Retry-After": retry_after_header(exc.retry_after_s)}
    await deny(ws, exc.status, exc.to_json(), headers)


async def deny(
    ws: WebSocket, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    """Refuse the handshake with an HTTP response when the server supports it."""
    if "websocket.http.response" in ws.scope.get("extensions", {}):
        if status == 401:
            headers = {**(headers or {}), "WWW-Authenticate": "Bearer"}
        await ws.send_denial_response(JSONResponse(body, status_code=status, headers=headers))
    else:
        await ws.close(1008, body.get("error", {}).get("message", "unauthorized")[:120])


def realtime_routes() -> list[BaseRoute]:
    return [WebSocketRoute("/v1/realtime", realtime_endpoint)]
