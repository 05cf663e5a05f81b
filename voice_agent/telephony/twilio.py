"""Twilio Media Streams transport (also spoken by Telnyx, SignalWire and Exotel).

Two routes:

* ``POST /v1/telephony/twilio/voice`` - the carrier's voice webhook. It checks
  ``X-Twilio-Signature`` against ``VOICE_AGENT_PUBLIC_URL`` + the path and the POST
  parameters (keyed with ``VOICE_AGENT_TWILIO_AUTH_TOKEN``), refuses missing or forged
  signatures with 403, and answers TwiML connecting the call to the stream below with a
  signed token valid for that call, a few minutes, once. The caller's number and the other
  form fields become the customer profile; ``?lang=es`` on the webhook URL picks the
  language (one webhook per phone number).
* ``WS /v1/telephony/twilio/stream`` - the call: inbound ``connected``, ``start`` (the token
  in ``customParameters``), ``media`` (mu-law 8 kHz), ``mark``, ``dtmf``, ``stop``; outbound
  ``media`` in 20 ms frames with a ``mark`` after each piece of agent audio (the marks that
  come back are what the caller heard) and ``clear`` when speech over the agent pauses it
  or the caller barges in (the marks sent before a ``clear`` say nothing of what was heard).

The stream only translates between these messages and a :class:`~voice_agent.call.core.Call`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import OrderedDict
from typing import Final
from urllib.parse import parse_qsl

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from voice_agent import metrics
from voice_agent.audio import codec
from voice_agent.call import events as ev
from voice_agent.call.config import call_language
from voice_agent.call.core import Call
from voice_agent.call.events import CallError, EndReason
from voice_agent.call.live import Phase
from voice_agent.call.pump import Outbox, pump
from voice_agent.services import Services
from voice_agent.settings import Settings
from voice_agent.telephony import twilio_media as tm
from voice_agent.telephony.phone import phone_call
from voice_agent.telephony.signature import valid_signature
from voice_agent.telephony.tokens import StreamClaims, StreamTokens, TokenError, derive_secret

log = structlog.get_logger("voice_agent.telephony.twilio")

VOICE_PATH: Final = "/v1/telephony/twilio/voice"
STREAM_PATH: Final = "/v1/telephony/twilio/stream"
AFTER_PATH: Final = "/v1/telephony/twilio/after"
#: Ends after which the caller goes to a person (``VOICE_AGENT_TWILIO_HAND_OFF_NUMBER``): the
#: agent handed off, or failed; after the others (hung up, timed out) the call ends.
DIAL_AFTER: Final = frozenset({EndReason.AGENT_HAND_OFF, EndReason.ERROR})
#: How many recent call ends are remembered for the after-stream request.
RECENT_ENDS: Final = 10_000
#: Longest wait for the store when a call's end is looked up there.
STORE_LOOKUP_S: Final = 2.0
#: How long a stream token stays valid after the webhook answered.
TOKEN_TTL_S: Final = 300.0
MAX_WEBHOOK_BYTES: Final = 32_000
#: Webhook fields kept in the customer profile (the token carries them to the stream).
PROFILE_FIELDS: Final = (
    ("From", "phone"),
    ("To", "called"),
    ("CallSid", "call_sid"),
    ("FromCity", "city"),
    ("FromState", "state"),
    ("FromCountry", "country"),
    ("CallerName", "name"),
)
FRAME_BYTES: Final = 160  # 20 ms of mu-law at 8 kHz
OUT_QUEUE_MAX: Final = 2048  # outbound messages (about 30 s of audio)
START_TIMEOUT_S: Final = 10.0
SEND_TIMEOUT_S: Final = 10.0
#: What a caller hears before the hand-off when every call slot is taken (text, ``<Say>``
#: language), by call language.
BUSY_SAY: Final = {
    "en": ("All our agents are busy right now. Connecting you to a person.", "en-US"),
    "es": ("Todos nuestros agentes están ocupados. Le comunico con una persona.", "es-ES"),
}


class TwilioConfigError(Exception):
    pass


class TwilioState:
    """What this process keeps for Twilio calls: the stream tokens it signs and redeems, and
    how recent calls ended (for the request Twilio makes when a stream ends)."""

    def __init__(self, auth_token: str) -> None:
        self.tokens = StreamTokens(derive_secret(auth_token, "twilio-stream"), ttl_s=TOKEN_TTL_S)
        self._ends: OrderedDict[str, EndReason] = OrderedDict()

    def call_ended(self, call_sid: str, reason: EndReason) -> None:
        self._ends[call_sid] = reason
        while len(self._ends) > RECENT_ENDS:
            self._ends.popitem(last=False)

    def end_of(self, call_sid: str) -> EndReason | None:
        return self._ends.get(call_sid)


def _state(svc: Services) -> TwilioState:
    state = svc.twilio
    if state is None:
        token = svc.settings.twilio_auth_token
        if not token:
            raise TwilioConfigError("VOICE_AGENT_TWILIO_AUTH_TOKEN is not set")
        state = svc.twilio = TwilioState(token)
    return state


def _tokens(svc: Services) -> StreamTokens:
    return _state(svc).tokens


def _not_configured(settings: Settings) -> str | None:
    if not settings.twilio_auth_token:
        return "set VOICE_AGENT_TWILIO_AUTH_TOKEN (the auth token of your Twilio account)"
    if not settings.public_url:
        return "set VOICE_AGENT_PUBLIC_URL (the https:// address the carrier reaches)"
    return None


def _error(status: int, code: str, message: str) -> JSONResponse:
    metrics.ERRORS.labels(code).inc()
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


# --------------------------------------------------------------------------- the webhook


async def _signed_form(request: Request) -> dict[str, str] | Response:
    """The form of a request Twilio signed, or the error response to give instead."""
    settings = request.app.state.services.settings
    missing = _not_configured(settings)
    if missing is not None:
        return _error(503, "telephony_not_configured", f"Twilio is not set up: {missing}")
    assert settings.twilio_auth_token is not None and settings.public_url is not None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_WEBHOOK_BYTES:
            return _error(413, "payload_too_large", "webhook body is too large")
    try:
        params = parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        return _error(400, "invalid_body", "webhook body is not UTF-8 form data")
    url = settings.public_url + request.url.path
    if request.url.query:
        url += f"?{request.url.query}"
    signature = request.headers.get("x-twilio-signature")
    if not valid_signature(url, params, signature, settings.twilio_auth_token):
        log.warning("twilio_signature_refused", url=url, signed=signature is not None)
        code = "signature_missing" if not signature else "signature_invalid"
        return _error(403, code, "X-Twilio-Signature does not match this request")
    return dict(params)


async def voice_webhook(request: Request) -> Response:
    svc: Services = request.app.state.services
    settings = svc.settings
    form = await _signed_form(request)
    if isinstance(form, Response):
        return form
    assert settings.public_url is not None
    public = settings.public_url
    lang = call_language(request.query_params.get("lang"), settings.stt_language)
    customer = {key: form[name] for name, key in PROFILE_FIELDS if form.get(name)}
    call_sid = form.get("CallSid") or "unknown"
    if not svc.limits.calls.free():  # admission: the stream would be refused (see below)
        metrics.ERRORS.labels("capacity_exceeded").inc()
        log.warning("call_refused", code="capacity_exceeded", call_sid=call_sid, transport="twilio")
        say, voice_lang = BUSY_SAY.get(lang, BUSY_SAY["en"])
        busy = tm.twiml_busy(settings.twilio_hand_off_number, say, voice_lang)
        return Response(busy, media_type="text/xml")
    try:
        token = _tokens(svc).mint(call_sid[:64], lang, customer)
    except ValueError as exc:
        return _error(400, "invalid_call", f"cannot accept this call: {exc}")
    scheme, _, rest = public.partition("://")
    ws_base = ("wss://" if scheme == "https" else "ws://") + rest
    # with a hand-off number, Twilio asks what next when the stream ends (see after_stream)
    action = public + AFTER_PATH if settings.twilio_hand_off_number else None
    try:
        twiml = tm.twiml_connect_stream(ws_base + STREAM_PATH, {"token": token}, action=action)
    except ValueError as exc:
        return _error(500, "telephony_not_configured", f"VOICE_AGENT_PUBLIC_URL: {exc}")
    log.info("twilio_call_accepted", call_sid=call_sid, lang=lang)
    return Response(twiml, media_type="text/xml")


async def after_stream(request: Request) -> Response:
    """Twilio's request when a stream has ended (``<Connect action>``): a person takes the
    call (``<Dial>`` the hand-off number) when the agent handed off or failed, or when this
    instance does not know how the call ended; otherwise the call ends."""
    svc: Services = request.app.state.services
    form = await _signed_form(request)
    if isinstance(form, Response):
        return form
    call_sid = form.get("CallSid", "")
    reason = _state(svc).end_of(call_sid)
    if reason is None and call_sid:  # another instance may have carried the stream
        reason = await _stored_end(svc, call_sid)
    dial = reason is None or reason in DIAL_AFTER
    number = svc.settings.twilio_hand_off_number if dial else None
    log.info("twilio_after_stream", call_sid=call_sid, reason=reason, dial=bool(number))
    return Response(tm.twiml_after_stream(number), media_type="text/xml")


async def _stored_end(svc: Services, call_sid: str) -> EndReason | None:
    """How the call ``call_sid`` ended, as stored (``None``: not known, or the database did
    not answer in time)."""
    try:
        conv = await asyncio.wait_for(svc.store.find_call("twilio", call_sid), STORE_LOOKUP_S)
    except Exception as exc:  # the hand-off number is the safe answer
        log.warning("twilio_call_end_unknown", call_sid=call_sid, error=type(exc).__name__)
        return None
    if conv is None or conv.end_reason is None:
        return None
    try:
        return EndReason(conv.end_reason)
    except ValueError:
        return None


# --------------------------------------------------------------------------- the stream


def _mark_name(item_id: str, clears: int, end_ms: float) -> str:
    return f"{item_id}:{clears}:{end_ms:.0f}"


def _parse_mark(name: str) -> tuple[str, int, float] | None:
    """``(item id, clears sent before it, end ms)`` of one of our marks."""
    parts = name.rsplit(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return parts[0], int(parts[1]), float(parts[2])


class TwilioStream:
    """One Media Streams connection: a reader, a writer and the call they carry."""

    def __init__(self, ws: WebSocket, svc: Services) -> None:
        self.ws = ws
        self.svc = svc
        self.stream_sid = ""
        self.call: Call | None = None
        self.out = Outbox(OUT_QUEUE_MAX, SEND_TIMEOUT_S, on_overflow=self._not_reading)
        #: ``clear`` messages sent: a mark sent before the last one comes back whether its
        #: audio was played or dropped, so it says nothing of what was heard
        self.clears = 0
        #: the last mark sent, and whether it came back
        self.last_mark: tuple[str, int, float] | None = None
        self.marks_back = asyncio.Event()

    # -- writing -----------------------------------------------------------------------------
    def send(self, message: str) -> None:
        self.out.put(message)

    def _not_reading(self) -> None:
        metrics.ERRORS.labels("carrier_not_reading").inc()
        log.warning("carrier_not_reading")

    async def _writer(self) -> EndReason:
        return await self.out.run(self.ws.send_text, (WebSocketDisconnect, RuntimeError, OSError))

    def on_call_event(self, e: ev.CallEvent) -> None:
        if isinstance(e, ev.ResponseAudio):
            payload = codec.encode(e.samples, codec.AudioFormat.PCMU8K)
            for i in range(0, len(payload), FRAME_BYTES):
                self.send(tm.media_message(self.stream_sid, payload[i : i + FRAME_BYTES]))
            name = _mark_name(e.item_id, self.clears, e.end_ms)
            self.send(tm.mark_message(self.stream_sid, name))
            self.last_mark = (e.item_id, self.clears, e.end_ms)
            self.marks_back.clear()
        elif isinstance(e, ev.ResponsePaused) or (
            isinstance(e, ev.ResponseDone) and e.status != "completed"
        ):  # speech over the agent, a barge-in: Twilio drops the audio it holds
            self.clears += 1
            self.send(tm.clear_message(self.stream_sid))
            self.marks_back.set()

    # -- reading -----------------------------------------------------------------------------
    async def _receive(self) -> tm.InboundMessage | None:
        """The next valid message; ``None`` when the carrier hung up."""
        while True:
            try:
                msg = await self.ws.receive()
            except (WebSocketDisconnect, RuntimeError, OSError):
                return None
            if msg["type"] == "websocket.disconnect":
                return None
            text = msg.get("text")
            if text is None:
                log.warning("twilio_binary_frame_ignored")
                continue
            try:
                return tm.parse_message(text)
            except tm.TwilioProtocolError as exc:
                metrics.ERRORS.labels(exc.code).inc()
                log.warning("twilio_message_refused", code=exc.code, error=exc.message)

    async def _start(self) -> StreamClaims | None:
        """Wait for ``start`` and check its token; ``None`` (and the socket closed with the
        reason) when the stream may not go on."""
        while True:
            message = await self._receive()
            if message is None:
                return None
            if isinstance(message, tm.Connected):
                continue
            if not isinstance(message, tm.Start):
                await self._refuse("stream_not_started", "the stream must begin with start")
                return None
            self.stream_sid = message.stream_sid
            try:
                claims = _tokens(self.svc).redeem(message.custom_parameters.get("token"))
            except TokenError as exc:
                await self._refuse(exc.code, exc.message)
                return None
            except TwilioConfigError as exc:
                await self._refuse("telephony_not_configured", str(exc))
                return None
            if claims.call_sid not in ("unknown", message.call_sid):
                await self._refuse("token_invalid", "the token was issued for another call")
                return None
            if not await self.svc.redeemed_once(claims.nonce, claims.expires_at):
                await self._refuse("token_used", "the stream token was already used")
                return None
            return claims

    async def _refuse(self, code: str, message: str) -> None:
        metrics.ERRORS.labels(code).inc()
        log.warning("twilio_stream_refused", code=code, error=message)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.ws.close(1008, f"{code}: {message}"[:120]), 2.0)

    async def _reader(self, call: Call) -> EndReason:
        while True:
            message = await self._receive()
            if message is None or isinstance(message, tm.Stop):
                return EndReason.CALLER_HUNG_UP
            try:
                if isinstance(message, tm.Media):
                    if message.track in ("inbound", "inbound_track"):
                        call.audio(message.payload)
                elif isinstance(message, tm.Mark):
                    mark = _parse_mark(message.name)
                    if mark is not None:
                        item_id, clears, end_ms = mark
                        if clears == self.clears:
                            call.played(item_id, end_ms)
                        if mark == self.last_mark:
                            self.marks_back.set()
                elif isinstance(message, tm.Dtmf):
                    call.dtmf(message.digit)
            except CallError as exc:
                metrics.ERRORS.labels(exc.code).inc()
                log.warning("twilio_audio_refused", code=exc.code, error=exc.message)

    # -- the call ----------------------------------------------------------------------------
    async def run(self) -> None:
        claims = await asyncio.wait_for(self._start(), START_TIMEOUT_S)
        if claims is None:
            return
        call = self.call = phone_call(
            self.svc,
            self.on_call_event,
            channel="twilio",
            audio=codec.AudioFormat.PCMU8K,
            call_id=claims.call_sid,
            language=call_language(claims.lang, self.svc.settings.stt_language),
            customer=claims.customer,
        )
        writer = asyncio.create_task(self._writer(), name="twilio-writer")
        call.start()
        reason = EndReason.CALLER_HUNG_UP
        try:  # on a hand-off, the last words are heard when their last mark comes back
            reason = await pump(
                call,
                self._reader(call),
                writer,
                last_words=self.marks_back.wait,
                live=self.svc.live_calls,
            )
        finally:
            _state(self.svc).call_ended(claims.call_sid, reason)
            self.out.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer, 2.0)
            writer.cancel()
            if self.ws.client_state == WebSocketState.CONNECTED:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.ws.close(1000, reason.value), 2.0)


async def stream_endpoint(ws: WebSocket) -> None:
    svc: Services = ws.app.state.services
    if svc.live_calls.phase is not Phase.SERVING:  # stopping: Twilio asks AFTER_PATH next
        log.warning("call_refused", code="shutting_down", transport="twilio_stream")
        await ws.close(1013, "shutting_down")
        return
    slot = svc.limits.calls.acquire()
    if slot is None:  # refused before the upgrade; Twilio then asks AFTER_PATH what next
        metrics.ERRORS.labels("capacity_exceeded").inc()
        log.warning("call_refused", code="capacity_exceeded", transport="twilio_stream")
        await ws.close(1013, "capacity_exceeded")
        return
    with slot:  # held until the stream ends, however it ends
        await ws.accept()
        stream = TwilioStream(ws, svc)
        if svc.speech is None:
            reason = svc.speech_error or "speech engines are not loaded"
            await stream._refuse("speech_unavailable", f"voice is unavailable: {reason}")
            return
        t0 = time.monotonic()
        try:
            await stream.run()
        except TimeoutError:
            await stream._refuse("stream_not_started", f"no start within {START_TIMEOUT_S:.0f} s")
        finally:
            log.info("twilio_stream_closed", seconds=round(time.monotonic() - t0, 3))
            structlog.contextvars.unbind_contextvars("call_id", "conversation_id")


def twilio_routes() -> list[BaseRoute]:
    return [
        Route(VOICE_PATH, voice_webhook, methods=["POST"]),
        Route(AFTER_PATH, after_stream, methods=["POST"]),
        WebSocketRoute(STREAM_PATH, stream_endpoint),
    ]


def describe(settings: Settings) -> dict[str, object]:
    """For the start-up log: where a carrier should point its webhook."""
    if _not_configured(settings) is not None:
        return {"twilio": "off"}
    assert settings.public_url is not None
    return {"twilio_webhook": settings.public_url.rstrip("/") + VOICE_PATH}
