"""Twilio's side of a phone call, written from Twilio's published protocol, not from our server.

A test (or a load test) plays the phone network: it rings the server's voice webhook the way
Twilio does, reads the TwiML answer, opens the Media Stream named there and talks over it,
with the same message shapes, pacing and playback semantics as Twilio. Nothing here imports
``voice_agent.telephony``: an independent client is what makes a test against the server
meaningful. Only the G.711 mu-law codec of :mod:`voice_agent.audio.codec` is shared.

Protocol details, with where they come from:

* Webhook signature (twilio.com/docs/usage/security, "Validating signatures from Twilio", and
  twilio-python ``RequestValidator.compute_signature``): ``X-Twilio-Signature`` is
  ``base64(HMAC-SHA1(auth token, URL + every POST parameter as name+value, sorted by name))``,
  no separators, values not URL-encoded. Worked example: URL
  ``https://mycompany.com/myapp.php?foo=1&bar=2``, token ``12345``, CallSid
  ``CA1234567890ABCDE``, Caller/From ``+14158675310``, Digits ``1234``, To ``+18005551212``
  gives ``GvWf1cFY/Q7PnoempGyD5oXAezc=`` (the SDK test suites use ``+14158675309``, which
  gives ``RSOYDt4T1cUTdK1PDd93/VVr8B8=``).
* TwiML (twilio.com/docs/voice/twiml/stream): ``<Connect><Stream url=...>`` opens a
  bidirectional stream; ``<Parameter name value>`` children arrive as
  ``start.customParameters``. The ``url`` "does not support query string parameters": Twilio
  drops the query, so :meth:`TwilioStream.connect` does too.
* Media Streams messages (twilio.com/docs/voice/media-streams/websocket-messages): Twilio
  sends ``connected`` (``protocol`` ``Call``, ``version`` ``1.0.0``, no sequence number),
  ``start`` (sequenceNumber ``"1"``), ``media`` (``track`` ``inbound``, ``chunk`` counting from
  ``"1"``, ``timestamp`` in ms from the start of the stream, all strings), ``dtmf``
  (``{"track": "inbound_track", "digit": "1"}``), ``mark`` echoes and ``stop``
  (``{"accountSid", "callSid"}``). ``sequenceNumber`` counts every message Twilio sends.
* Playback (same page, "Send a media message" / "Send a mark message" / "Send a clear
  message"): media "are buffered and played in the order received"; a mark is sent back "when
  the audio ends (or if there is no audio buffered)"; on ``clear`` "Twilio empties the audio
  buffer and sends back mark messages matching any remaining mark messages".

Clocks: every time stamp is wall time from ``clock`` (``time.time`` unless injected), the
convention of :mod:`loadtest.voice`.

:class:`PlaybackBuffer`, :class:`PacedMicrophone` and :class:`CallerSide` carry nothing
Twilio-specific; :mod:`loadtest.audiosocket_caller` (Asterisk's side) reuses them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import bisect
import contextlib
import hashlib
import hmac
import json
import math
import time
import uuid
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum
from typing import Any, Final, Literal
from urllib.parse import urlencode, urljoin, urlsplit, urlunsplit

import httpx
import numpy as np
import numpy.typing as npt
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from voice_agent.audio import codec

__all__ = [
    "DTMF_DIGITS",
    "FRAME_SAMPLES",
    "SAMPLE_RATE",
    "SIGN",
    "STREAM_PATH",
    "VOICE_WEBHOOK_PATH",
    "AgentSpeech",
    "CallerSide",
    "Clock",
    "Int16Array",
    "MarkEcho",
    "PacedMicrophone",
    "PlaybackBuffer",
    "StreamRefused",
    "TwilioStream",
    "Twiml",
    "TwimlError",
    "WebhookError",
    "new_sid",
    "parse_twiml",
    "place_call",
    "post_webhook",
    "twilio_signature",
    "voice_webhook_params",
]

Int16Array = npt.NDArray[np.int16]
Clock = Callable[[], float]

#: Telephone audio: 8 kHz mono; Twilio and Asterisk both move it in 20 ms frames.
SAMPLE_RATE: Final = 8000
FRAME_SAMPLES: Final = 160
VOICE_WEBHOOK_PATH: Final = "/v1/telephony/twilio/voice"
STREAM_PATH: Final = "/v1/telephony/twilio/stream"
#: Keys a phone can send (the 16 DTMF tones).
DTMF_DIGITS: Final = frozenset("0123456789*#ABCD")
FORM_CONTENT_TYPE: Final = "application/x-www-form-urlencoded"
TWILIO_USER_AGENT: Final = "TwilioProxy/1.1"
TWIML_CONTENT_TYPES: Final = frozenset({"text/xml", "application/xml"})
#: How often waits re-check predicates that depend on time passing.
_POLL_S: Final = 0.02


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two-letter prefix (``CA``, ``AC``, ``MZ``) and 32 hex digits."""
    return prefix + uuid.uuid4().hex


# --------------------------------------------------------------------------- webhook


def twilio_signature(url: str, params: Sequence[tuple[str, str]], auth_token: str) -> str:
    """``X-Twilio-Signature`` for a request to ``url`` carrying the POST ``params``.

    The signed string is the full URL (scheme, host, port if any, path, query) followed by
    each parameter's name and value, sorted by name (then value, for repeated names),
    concatenated without separators; the HMAC-SHA1 of it under the auth token, base64.
    """
    data = url + "".join(name + value for name, value in sorted(params))
    digest = hmac.new(auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


class WebhookError(Exception):
    """The voice webhook did not answer ``200`` with TwiML."""

    def __init__(self, status_code: int, content_type: str, body: str) -> None:
        super().__init__(f"voice webhook answered {status_code} ({content_type!r}): {body[:200]!r}")
        self.status_code = status_code
        self.content_type = content_type
        self.body = body


class TwimlError(ValueError):
    """TwiML that does not open a bidirectional stream Twilio could connect to."""


@dataclass(frozen=True)
class Twiml:
    """The part of a TwiML answer Twilio acts on here: ``<Connect><Stream>``.

    ``stream_url`` is absolute (a relative ``url`` is resolved against the webhook URL, as
    Twilio does) and still carries any query string the server put in it; ``call_sid`` and
    ``account_sid`` are those of the webhook request when :func:`place_call` produced it.
    """

    stream_url: str
    parameters: dict[str, str]
    raw: str
    call_sid: str | None = None
    account_sid: str | None = None


def parse_twiml(raw: str | bytes, *, request_url: str | None = None) -> Twiml:
    """Read ``<Response><Connect><Stream url><Parameter name value/>...`` from ``raw``.

    Raises :class:`TwimlError` for anything else, including ``<Start><Stream>`` (a
    unidirectional stream: the server could not talk back).
    """
    data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
    text = data.decode("utf-8", errors="replace")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise TwimlError(f"TwiML is not XML: {exc}") from exc
    if root.tag != "Response":
        raise TwimlError(f"TwiML root is <{root.tag}>, not <Response>")
    stream = root.find("Connect/Stream")
    if stream is None:
        if root.find("Start/Stream") is not None:
            raise TwimlError("<Start><Stream> is unidirectional; a voice agent needs <Connect>")
        raise TwimlError("TwiML has no <Connect><Stream>")
    url = (stream.get("url") or "").strip()
    if not url:
        raise TwimlError("<Stream> has no url")
    if not urlsplit(url).scheme:
        if request_url is None:
            raise TwimlError(f"relative <Stream url={url!r}> and no webhook URL to resolve it")
        base = urlsplit(urljoin(request_url, url))
        url = urlunsplit(base._replace(scheme={"http": "ws", "https": "wss"}.get(base.scheme, "")))
    scheme = urlsplit(url).scheme
    if scheme not in ("ws", "wss"):
        raise TwimlError(f"<Stream url={url!r}> is not a WebSocket URL")
    parameters: dict[str, str] = {}
    for param in stream.findall("Parameter"):
        name = param.get("name")
        if not name:
            raise TwimlError("<Parameter> without a name")
        parameters[name] = param.get("value", "")
    return Twiml(stream_url=url, parameters=parameters, raw=text)


def voice_webhook_params(
    *,
    call_sid: str,
    account_sid: str,
    from_number: str,
    to_number: str,
    extra: Mapping[str, str] | None = None,
) -> list[tuple[str, str]]:
    """The form fields of Twilio's voice webhook for a new inbound call (then ``extra``)."""
    params = {
        "AccountSid": account_sid,
        "ApiVersion": "2010-04-01",
        "CallSid": call_sid,
        "CallStatus": "ringing",
        "Called": to_number,
        "Caller": from_number,
        "Direction": "inbound",
        "From": from_number,
        "To": to_number,
    }
    params.update(extra or {})
    return list(params.items())


async def post_webhook(
    url: str,
    params: Sequence[tuple[str, str]],
    *,
    signature: str | None,
    client: httpx.AsyncClient | None = None,
    timeout_s: float = 10.0,
) -> httpx.Response:
    """POST ``params`` form-encoded to ``url`` as Twilio does; ``signature=None`` sends no
    ``X-Twilio-Signature`` header. Returns the response whatever its status."""
    headers = {"Content-Type": FORM_CONTENT_TYPE, "User-Agent": TWILIO_USER_AGENT}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    body = urlencode(list(params))
    if client is not None:
        return await client.post(url, content=body, headers=headers, timeout=timeout_s)
    async with httpx.AsyncClient(timeout=timeout_s, trust_env=False) as own:
        return await own.post(url, content=body, headers=headers)


class _Sign(Enum):
    AUTO = "auto"


#: Default of :func:`place_call`'s ``signature``: sign the request correctly.
SIGN: Final = _Sign.AUTO


async def place_call(
    base_url: str,
    auth_token: str,
    *,
    public_url: str | None = None,
    call_sid: str | None = None,
    account_sid: str | None = None,
    from_number: str = "+15551230000",
    to_number: str = "+15559870000",
    extra_params: Mapping[str, str] | None = None,
    signature: str | Literal[_Sign.AUTO] | None = SIGN,
    client: httpx.AsyncClient | None = None,
    timeout_s: float = 10.0,
) -> Twiml:
    """Ring the server: POST the signed voice webhook and return the TwiML's stream.

    The request goes to ``{base_url}/v1/telephony/twilio/voice``; the signature covers
    ``{public_url or base_url}/v1/telephony/twilio/voice`` (Twilio signs the URL it was
    configured with, which is what a server behind a proxy must reconstruct).
    ``signature``: :data:`SIGN` (default) signs correctly, a string is sent as is (forgery
    tests), ``None`` omits the header. Raises :class:`WebhookError` unless the answer is
    ``200`` with an XML content type, :class:`TwimlError` if the TwiML opens no stream.
    """
    call_sid = call_sid or new_sid("CA")
    account_sid = account_sid or new_sid("AC")
    url = base_url.rstrip("/") + VOICE_WEBHOOK_PATH
    signed_url = (public_url or base_url).rstrip("/") + VOICE_WEBHOOK_PATH
    params = voice_webhook_params(
        call_sid=call_sid,
        account_sid=account_sid,
        from_number=from_number,
        to_number=to_number,
        extra=extra_params,
    )
    header = twilio_signature(signed_url, params, auth_token) if signature is SIGN else signature
    response = await post_webhook(url, params, signature=header, client=client, timeout_s=timeout_s)
    content_type = response.headers.get("content-type", "")
    if response.status_code != 200 or (
        content_type.split(";")[0].strip().lower() not in TWIML_CONTENT_TYPES
    ):
        raise WebhookError(response.status_code, content_type, response.text)
    twiml = parse_twiml(response.content, request_url=signed_url)
    return replace(twiml, call_sid=call_sid, account_sid=account_sid)


# --------------------------------------------------------------------------- playback


@dataclass
class AgentSpeech:
    """One stretch of agent audio as the caller heard it.

    ``start`` is the wall time its first sample played; ``parts`` are the samples actually
    played (8 kHz; short underruns inside the stretch are filled with silence, so
    ``end == start + duration_s``); ``cleared`` is true when a ``clear`` cut it short.
    Samples join ``parts`` when their whole media chunk has played (or at the cut).
    """

    start: float
    cleared: bool = False
    parts: list[Int16Array] = field(default_factory=list, repr=False)

    @property
    def samples(self) -> Int16Array:
        if not self.parts:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate(self.parts)

    @property
    def n_samples(self) -> int:
        return sum(int(p.size) for p in self.parts)

    @property
    def duration_s(self) -> float:
        return self.n_samples / SAMPLE_RATE

    @property
    def end(self) -> float:
        return self.start + self.duration_s


@dataclass(frozen=True)
class MarkEcho:
    """A mark due back to the server.

    ``due`` is when the audio queued before it finished playing (the clear time when a
    ``clear`` released it); ``cleared`` tells which of the two sent it back.
    """

    name: str
    due: float
    cleared: bool = False


@dataclass
class _QueuedAudio:
    start: float
    samples: Int16Array
    segment: AgentSpeech

    @property
    def end(self) -> float:
        return self.start + self.samples.size / SAMPLE_RATE


@dataclass
class _QueuedMark:
    due: float
    name: str


class PlaybackBuffer:
    """Twilio's outbound buffer, simulated against explicit times (no I/O, no clock).

    Media play in arrival order in real time, back to back; a mark comes due when the audio
    queued before it has played, at once when nothing is queued; ``clear`` drops what is
    left and releases every pending mark. Every method takes ``now`` and returns the marks
    due, in order, for the caller to send back. A pause in the audio longer than
    ``merge_gap_s`` starts a new :class:`AgentSpeech`; shorter underruns stay in one.
    """

    def __init__(self, *, merge_gap_s: float = 0.3) -> None:
        self.merge_gap_s = merge_gap_s
        self.segments: list[AgentSpeech] = []
        self.clears = 0
        self._queue: deque[_QueuedAudio | _QueuedMark] = deque()
        self._end = -math.inf
        self._open: AgentSpeech | None = None

    @property
    def end(self) -> float:
        """When everything queued so far will have played (``-inf`` before any audio)."""
        return self._end

    def playing(self, now: float) -> bool:
        return self._end > now

    def queued_s(self, now: float) -> float:
        """Seconds of audio queued but not yet played at ``now``."""
        return max(0.0, self._end - now)

    def next_due(self) -> float | None:
        """When the head of the queue (a chunk's end or a mark) comes due; None if empty."""
        if not self._queue:
            return None
        head = self._queue[0]
        return head.due if isinstance(head, _QueuedMark) else head.end

    def push_media(self, samples: Int16Array, now: float) -> list[MarkEcho]:
        echoes = self.advance(now)
        if samples.size == 0:
            return echoes
        segment = self._open
        if segment is None or now - self._end > self.merge_gap_s:
            segment = AgentSpeech(start=max(now, self._end))
            self.segments.append(segment)
            self._open = segment
        elif now > self._end:  # short underrun: the caller hears silence, same stretch
            gap = np.zeros(round((now - self._end) * SAMPLE_RATE), dtype=np.int16)
            self._queue.append(_QueuedAudio(self._end, gap, segment))
        start = max(now, self._end)
        chunk = _QueuedAudio(start, samples, segment)
        self._queue.append(chunk)
        self._end = chunk.end
        return echoes

    def push_mark(self, name: str, now: float) -> list[MarkEcho]:
        echoes = self.advance(now)
        self._queue.append(_QueuedMark(max(now, self._end), name))
        return echoes + self.advance(now)

    def advance(self, now: float) -> list[MarkEcho]:
        """Play up to ``now``: finished chunks join their segment, due marks come out."""
        echoes: list[MarkEcho] = []
        while self._queue:
            head = self._queue[0]
            if isinstance(head, _QueuedMark):
                if head.due > now:
                    break
                echoes.append(MarkEcho(head.name, head.due))
            else:
                if head.end > now:
                    break
                head.segment.parts.append(head.samples)
            self._queue.popleft()
        return echoes

    def clear(self, now: float) -> list[MarkEcho]:
        """Twilio's ``clear``: drop unplayed audio, release every pending mark at once."""
        echoes = self.advance(now)
        self.clears += 1
        for item in self._queue:
            if isinstance(item, _QueuedMark):
                echoes.append(MarkEcho(item.name, now, cleared=True))
            else:
                self._keep_played(item, now)
                item.segment.cleared = True
        self._queue.clear()
        self._end = min(self._end, now)
        self._open = None
        return echoes

    def hang_up(self, now: float) -> None:
        """The call ended at ``now``: keep what played, forget the rest (marks included)."""
        self.advance(now)
        for item in self._queue:
            if isinstance(item, _QueuedAudio):
                self._keep_played(item, now)
        self._queue.clear()
        self._end = min(self._end, now)
        self._open = None

    @staticmethod
    def _keep_played(item: _QueuedAudio, now: float) -> None:
        played = min(item.samples.size, max(0, round((now - item.start) * SAMPLE_RATE)))
        if played:
            item.segment.parts.append(item.samples[:played])


# --------------------------------------------------------------------------- microphone


@dataclass
class _Utterance:
    samples: Int16Array
    speed: float
    done: asyncio.Future[float]
    pos: int = 0
    abandoned: bool = False


def _as_samples(samples: Int16Array) -> Int16Array:
    if not isinstance(samples, np.ndarray) or samples.dtype != np.int16 or samples.ndim != 1:
        raise TypeError("caller audio must be a 1-D numpy int16 array (8 kHz)")
    return samples


class PacedMicrophone:
    """The caller's microphone: a frame of ``frame_samples`` every frame period, on time.

    Frame ``k`` of an utterance is sent when its last sample would have been captured,
    ``T0 + (k + 1) * 20 ms / speed``, each deadline derived from the previous one (an
    absolute schedule: a late frame does not push the next ones back). With ``continuous``
    (how a phone line behaves) silence frames fill the time between utterances at real
    pace; otherwise nothing is sent between utterances and the schedule restarts at the
    next one. ``send`` returns False once the connection is gone, which stops the
    microphone; pending :meth:`play` calls then return instead of raising.
    """

    def __init__(
        self,
        send: Callable[[Int16Array], Awaitable[bool]],
        *,
        frame_samples: int = FRAME_SAMPLES,
        continuous: bool = True,
        clock: Clock = time.time,
    ) -> None:
        self._send = send
        self._n = frame_samples
        self.continuous = continuous
        self._clock = clock
        self._queue: deque[_Utterance] = deque()
        self._wake = asyncio.Event()
        self._silence = np.zeros(frame_samples, dtype=np.int16)
        self._task: asyncio.Task[None] | None = None
        self._stopped = False
        self.frames_sent = 0
        #: Worst delay of a frame behind its deadline (event loop too busy), in seconds.
        self.max_lateness_s = 0.0

    @property
    def stopped(self) -> bool:
        return self._stopped

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name="microphone")

    async def play(self, samples: Int16Array, *, speed: float = 1.0) -> float:
        """Queue ``samples`` after anything already queued; return when the last frame has
        been sent, with the wall time its last real sample was captured (the frame may be
        padded with silence). Returns at once, with the current time, when the microphone
        has stopped (call over)."""
        samples = _as_samples(samples)
        if speed <= 0:
            raise ValueError("speed must be positive")
        if self._stopped or samples.size == 0:
            return self._clock()
        utterance = _Utterance(samples, speed, asyncio.get_running_loop().create_future())
        self._queue.append(utterance)
        self._wake.set()
        try:
            return await utterance.done
        except asyncio.CancelledError:
            utterance.abandoned = True  # the caller stops talking; the rest is not sent
            raise

    def halt(self) -> None:
        """Stop sending (connection gone); the task notices within one frame."""
        self._stopped = True
        self._wake.set()
        if self._task is None or self._task.done():
            self._release()  # nobody else will answer the pending play() calls

    async def stop(self) -> None:
        self.halt()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._release()

    def _release(self) -> None:
        now = self._clock()
        for utterance in self._queue:
            if not utterance.done.done():
                utterance.done.set_result(now)
        self._queue.clear()

    async def _run(self) -> None:
        frame_s = self._n / SAMPLE_RATE
        next_end = self._clock()
        try:
            while not self._stopped:
                while self._queue and self._queue[0].abandoned:
                    self._queue.popleft()
                utterance = self._queue[0] if self._queue else None
                if utterance is None and not self.continuous:
                    self._wake.clear()
                    await self._wake.wait()
                    next_end = max(next_end, self._clock())
                    continue
                real = 0
                if utterance is None:
                    frame = self._silence
                    next_end += frame_s
                else:
                    chunk = utterance.samples[utterance.pos : utterance.pos + self._n]
                    utterance.pos += chunk.size
                    real = int(chunk.size)
                    if real < self._n:
                        chunk = np.concatenate([chunk, self._silence[real:]])
                    frame = chunk
                    next_end += frame_s / utterance.speed
                delay = next_end - self._clock()
                if delay > 0:
                    await asyncio.sleep(delay)
                else:
                    self.max_lateness_s = max(self.max_lateness_s, -delay)
                if self._stopped or not await self._send(frame):
                    break
                self.frames_sent += 1
                if utterance is not None and utterance.pos >= utterance.samples.size:
                    if self._queue and self._queue[0] is utterance:
                        self._queue.popleft()
                    padding_s = (self._n - real) / SAMPLE_RATE / utterance.speed
                    if not utterance.done.done():
                        utterance.done.set_result(next_end - padding_s)
        finally:
            self._stopped = True
            self._release()


# --------------------------------------------------------------------------- caller side


class CallerSide:
    """What both carriers share: the microphone, agent audio received and as heard, waits.

    Subclasses feed :meth:`_receive_audio`, send marks in :meth:`_send_echoes` and call
    :meth:`_on_closed` once when the connection ends.
    """

    def __init__(
        self,
        send_frame: Callable[[Int16Array], Awaitable[bool]],
        *,
        continuous: bool,
        merge_gap_s: float,
        clock: Clock,
    ) -> None:
        self._clock = clock
        self.mic = PacedMicrophone(send_frame, continuous=continuous, clock=clock)
        self.playback = PlaybackBuffer(merge_gap_s=merge_gap_s)
        #: Agent audio as received: (arrival wall time, int16 8 kHz samples).
        self.audio_received: list[tuple[float, Int16Array]] = []
        #: Messages or frames from the server that the real carrier would reject.
        self.protocol_errors: list[str] = []
        self.closed = False
        self.closed_at: float | None = None
        #: The server ended the call (closed, hung up, failed), not the caller.
        self.closed_by_server = False
        #: Most audio the server had sent ahead of real time, in seconds.
        self.max_queued_s = 0.0
        self._hanging_up = False
        self._changed = asyncio.Event()
        self._playback_changed = asyncio.Event()
        self._arrivals: list[float] = []
        self._player: asyncio.Task[None] | None = None

    # ------------------------------------------------------------- caller actions

    async def play(self, samples8k: Int16Array, *, speed: float = 1.0) -> float:
        """Speak ``samples8k`` (int16, 8 kHz) at real-time pace divided by ``speed``; returns
        the wall time the last sample was captured. Never raises once the call is over."""
        return await self.mic.play(samples8k, speed=speed)

    async def silence(self, seconds: float, *, speed: float = 1.0) -> float:
        """Send ``seconds`` of silence, paced like speech; returns its end time."""
        return await self.mic.play(
            np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16), speed=speed
        )

    # ------------------------------------------------------------- what the caller got

    @property
    def agent_audio(self) -> Int16Array:
        """Every sample of agent audio received (int16, 8 kHz), cleared or not."""
        if not self.audio_received:
            return np.zeros(0, dtype=np.int16)
        return np.concatenate([samples for _, samples in self.audio_received])

    @property
    def agent_speech(self) -> list[AgentSpeech]:
        """The agent's audio as played to the caller, in stretches."""
        return self.playback.segments

    @property
    def clears(self) -> int:
        return self.playback.clears

    def first_audio_after(self, t: float) -> float | None:
        """Arrival time of the first agent audio received strictly after wall time ``t``."""
        i = bisect.bisect_right(self._arrivals, t)
        return self._arrivals[i] if i < len(self._arrivals) else None

    def agent_playing(self) -> bool:
        return self.playback.playing(self._clock())

    # ------------------------------------------------------------- waits

    async def wait_for(
        self, predicate: Callable[[], bool], timeout_s: float, *, what: str = "condition"
    ) -> None:
        """Return once ``predicate()`` holds; re-checked on every event and every 20 ms.
        Raises :class:`TimeoutError` after ``timeout_s``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_s
        while True:
            changed = self._changed
            if predicate():
                return
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(f"{what}: not met within {timeout_s:.2f} s ({self._state()})")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), min(remaining, _POLL_S))

    async def wait_first_audio_after(self, t: float, timeout_s: float) -> float:
        """Wait for agent audio arriving after ``t``; return its arrival time."""
        await self.wait_for(
            lambda: self.first_audio_after(t) is not None,
            timeout_s,
            what=f"agent audio after t={t:.3f}",
        )
        first = self.first_audio_after(t)
        assert first is not None
        return first

    async def wait_agent_silent(self, quiet_s: float, timeout_s: float) -> float | None:
        """Wait until nothing has played or arrived for ``quiet_s``; return when the agent's
        audio stopped playing (None if it never played)."""

        def quiet() -> bool:
            now = self._clock()
            last_arrival = self._arrivals[-1] if self._arrivals else -math.inf
            return now - max(self.playback.end, last_arrival) >= quiet_s

        await self.wait_for(quiet, timeout_s, what=f"agent silent for {quiet_s:.2f} s")
        return self.playback.end if self.playback.segments else None

    async def wait_closed(self, timeout_s: float) -> None:
        await self.wait_for(lambda: self.closed, timeout_s, what="connection closed")

    def _state(self) -> str:
        return (
            f"closed={self.closed}, by_server={self.closed_by_server}, "
            f"audio chunks={len(self._arrivals)}, playing={self.agent_playing()}"
        )

    # ------------------------------------------------------------- for subclasses

    def _notify(self) -> None:
        self._changed.set()
        self._changed = asyncio.Event()

    def _receive_audio(self, samples: Int16Array, now: float) -> list[MarkEcho]:
        self.audio_received.append((now, samples))
        self._arrivals.append(now)
        echoes = self.playback.push_media(samples, now)
        self.max_queued_s = max(self.max_queued_s, self.playback.queued_s(now))
        self._playback_changed.set()
        return echoes

    async def _send_echoes(self, echoes: list[MarkEcho]) -> None:
        """Send marks back (only Twilio has marks)."""

    def _start_player(self) -> None:
        self._player = asyncio.get_running_loop().create_task(self._play_loop(), name="player")

    async def _play_loop(self) -> None:
        """Advance the simulated playback in real time; send marks back as they come due."""
        while not self.closed:
            self._playback_changed.clear()
            due = self.playback.next_due()
            timeout = None if due is None else max(0.0, due - self._clock())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._playback_changed.wait(), timeout)
            if self.closed:
                break
            echoes = self.playback.advance(self._clock())
            if echoes:
                await self._send_echoes(echoes)
            self._notify()

    def _on_closed(self) -> None:
        if self.closed:
            return
        now = self._clock()
        self.closed = True
        self.closed_at = now
        self.closed_by_server = not self._hanging_up
        self.playback.hang_up(now)
        self.mic.halt()
        self._playback_changed.set()
        self._notify()

    async def _stop_tasks(self, *tasks: asyncio.Task[None] | None) -> None:
        """Stop the microphone, the player and ``tasks``; re-raise a task's own failure."""
        await self.mic.stop()
        everything = [t for t in (self._player, *tasks) if t is not None]
        for task in everything:
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for task in everything:
            if not task.cancelled() and task.exception() is not None:
                raise RuntimeError(f"carrier task {task.get_name()!r} failed") from task.exception()


# --------------------------------------------------------------------------- media stream


class StreamRefused(ConnectionError):
    """The server refused the WebSocket handshake (HTTP status instead of 101)."""

    def __init__(self, status_code: int, body: bytes) -> None:
        super().__init__(f"stream handshake refused with HTTP {status_code}")
        self.status_code = status_code
        self.body = body


def _strip_query(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="", fragment=""))


class TwilioStream(CallerSide):
    """Twilio's end of a bidirectional Media Stream (``<Connect><Stream>``).

    Open with ``async with TwilioStream.connect(url, parameters) as call:``. On entry it has
    sent ``connected`` and ``start``; from then on the microphone sends a ``media`` message
    every 20 ms (silence unless :meth:`play` speaks; ``continuous=False`` sends media only
    while speaking). A background reader records every server message in ``received``,
    plays ``media`` through a simulated Twilio buffer (``agent_speech``), sends marks
    back when their audio has played and handles ``clear``. Leaving the block hangs up if
    nobody has yet. Server misbehaviour is recorded in ``protocol_errors``, not raised.
    """

    def __init__(
        self,
        ws: ClientConnection,
        *,
        url: str,
        parameters: Mapping[str, str],
        stream_sid: str,
        call_sid: str,
        account_sid: str,
        continuous: bool,
        merge_gap_s: float,
        clock: Clock,
    ) -> None:
        super().__init__(
            self._send_media, continuous=continuous, merge_gap_s=merge_gap_s, clock=clock
        )
        self.ws = ws
        self.url = url
        self.parameters = dict(parameters)
        self.stream_sid = stream_sid
        self.call_sid = call_sid
        self.account_sid = account_sid
        #: Every message from the server: (arrival wall time, decoded JSON object).
        self.received: list[tuple[float, dict[str, Any]]] = []
        #: Marks the server sent: (arrival time, name).
        self.marks_received: list[tuple[float, str]] = []
        #: Marks sent back: (send time, echo).
        self.mark_echoes: list[tuple[float, MarkEcho]] = []
        self.dtmf_sent: list[tuple[float, str]] = []
        self.close_code: int | None = None
        self.close_reason: str | None = None
        self._seq = 0
        self._chunk = 0
        self._samples_sent = 0
        self._send_lock = asyncio.Lock()
        self._reader: asyncio.Task[None] | None = None

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls,
        stream_url: str,
        parameters: Mapping[str, str] | None = None,
        *,
        stream_sid: str | None = None,
        call_sid: str | None = None,
        account_sid: str | None = None,
        auth_token: str | None = None,
        continuous: bool = True,
        merge_gap_s: float = 0.3,
        open_timeout_s: float = 10.0,
        clock: Clock = time.time,
    ) -> AsyncIterator[TwilioStream]:
        """Open the stream at ``stream_url`` (query string dropped, as Twilio does).

        ``parameters`` become ``start.customParameters``. With ``auth_token`` the handshake
        carries an ``X-Twilio-Signature`` of the URL it connects to (Twilio signs WebSocket
        requests too). Raises :class:`StreamRefused` when the handshake gets an HTTP error;
        a server that accepts and then closes is seen in ``close_code``/``close_reason``.
        """
        url = _strip_query(stream_url)
        headers: dict[str, str] = {}
        if auth_token is not None:
            headers["X-Twilio-Signature"] = twilio_signature(url, [], auth_token)
        try:
            ws = await ws_connect(
                url,
                additional_headers=headers,
                open_timeout=open_timeout_s,
                compression=None,
                proxy=None,
                user_agent_header=None,
            )
        except InvalidStatus as exc:
            raise StreamRefused(exc.response.status_code, bytes(exc.response.body)) from exc
        call = cls(
            ws,
            url=url,
            parameters=parameters or {},
            stream_sid=stream_sid or new_sid("MZ"),
            call_sid=call_sid or new_sid("CA"),
            account_sid=account_sid or new_sid("AC"),
            continuous=continuous,
            merge_gap_s=merge_gap_s,
            clock=clock,
        )
        try:
            await call._begin()
            yield call
        finally:
            await call._shutdown()

    @classmethod
    def answer(
        cls,
        twiml: Twiml,
        *,
        auth_token: str | None = None,
        continuous: bool = True,
        merge_gap_s: float = 0.3,
        clock: Clock = time.time,
    ) -> contextlib.AbstractAsyncContextManager[TwilioStream]:
        """:meth:`connect` to the stream of ``twiml`` (from :func:`place_call`), with its
        parameters and the webhook's call and account SIDs."""
        return cls.connect(
            twiml.stream_url,
            twiml.parameters,
            call_sid=twiml.call_sid,
            account_sid=twiml.account_sid,
            auth_token=auth_token,
            continuous=continuous,
            merge_gap_s=merge_gap_s,
            clock=clock,
        )

    # ------------------------------------------------------------- caller actions

    async def dtmf(self, digit: str) -> None:
        """Press a key: a ``dtmf`` message (Twilio sends these on bidirectional streams)."""
        if digit not in DTMF_DIGITS or len(digit) != 1:
            raise ValueError(f"not a DTMF key: {digit!r}")
        if await self._send_event("dtmf", {"dtmf": {"track": "inbound_track", "digit": digit}}):
            self.dtmf_sent.append((self._clock(), digit))

    async def hang_up(self, *, close_timeout_s: float = 5.0) -> None:
        """The caller hangs up: microphone off, ``stop``, then Twilio closes the socket."""
        if self.closed or self._hanging_up:
            return
        self._hanging_up = True
        await self.mic.stop()
        await self._send_event(
            "stop", {"stop": {"accountSid": self.account_sid, "callSid": self.call_sid}}
        )
        with contextlib.suppress(ConnectionClosed, OSError, TimeoutError):
            await asyncio.wait_for(self.ws.close(1000), close_timeout_s)
        if self._reader is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._reader), close_timeout_s)
        self._on_closed()

    # ------------------------------------------------------------- what the caller got

    @property
    def marks_echoed(self) -> int:
        return len(self.mark_echoes)

    @property
    def media_received(self) -> int:
        return len(self.audio_received)

    def first_media_after(self, t: float) -> float | None:
        """Arrival time of the first ``media`` message received after wall time ``t``."""
        return self.first_audio_after(t)

    def messages(self, event: str) -> list[tuple[float, dict[str, Any]]]:
        """Received messages of one ``event`` type."""
        return [(t, m) for t, m in self.received if m.get("event") == event]

    # ------------------------------------------------------------- internals

    async def _begin(self) -> None:
        self._reader = asyncio.get_running_loop().create_task(self._read_loop(), name="reader")
        self._start_player()
        with contextlib.suppress(ConnectionClosed):
            await self.ws.send(
                json.dumps({"event": "connected", "protocol": "Call", "version": "1.0.0"})
            )
        start = {
            "start": {
                "accountSid": self.account_sid,
                "streamSid": self.stream_sid,
                "callSid": self.call_sid,
                "tracks": ["inbound"],
                "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
                "customParameters": self.parameters,
            }
        }
        if await self._send_event("start", start):
            self.mic.start()

    async def _shutdown(self) -> None:
        if not self.closed:
            await self.hang_up()
        await self._stop_tasks(self._reader)

    async def _send_event(self, event: str, body: dict[str, Any]) -> bool:
        """Send one numbered message; False (nothing raised) when the socket is gone."""
        if self.closed:
            return False
        async with self._send_lock:
            self._seq += 1
            message = {"event": event, "sequenceNumber": str(self._seq), **body}
            message["streamSid"] = self.stream_sid
            try:
                await self.ws.send(json.dumps(message))
            except ConnectionClosed:
                return False
        return True

    async def _send_media(self, frame: Int16Array) -> bool:
        # media.timestamp is media time (samples sent); with the default continuous
        # microphone it is also wall time since the start of the stream, as Twilio's.
        self._chunk += 1
        timestamp_ms = self._samples_sent * 1000 // SAMPLE_RATE
        self._samples_sent += int(frame.size)
        payload = base64.b64encode(codec.encode(frame, codec.AudioFormat.PCMU8K)).decode("ascii")
        media = {
            "track": "inbound",
            "chunk": str(self._chunk),
            "timestamp": str(timestamp_ms),
            "payload": payload,
        }
        return await self._send_event("media", {"media": media})

    async def _send_echoes(self, echoes: list[MarkEcho]) -> None:
        for echo in echoes:
            if await self._send_event("mark", {"mark": {"name": echo.name}}):
                self.mark_echoes.append((self._clock(), echo))

    async def _read_loop(self) -> None:
        try:
            async for raw in self.ws:
                now = self._clock()
                echoes = self._handle(raw, now)
                if echoes:
                    await self._send_echoes(echoes)
                self._notify()
        except ConnectionClosed:
            pass
        finally:
            self.close_code = self.ws.close_code
            self.close_reason = self.ws.close_reason
            self._on_closed()

    def _handle(self, raw: str | bytes, now: float) -> list[MarkEcho]:
        if isinstance(raw, bytes):
            self.protocol_errors.append("binary WebSocket message (Twilio expects JSON text)")
            return []
        try:
            message = json.loads(raw)
        except ValueError:
            self.protocol_errors.append(f"message is not JSON: {raw[:80]!r}")
            return []
        if not isinstance(message, dict):
            self.protocol_errors.append(f"message is not a JSON object: {raw[:80]!r}")
            return []
        self.received.append((now, message))
        event = message.get("event")
        if event not in ("media", "mark", "clear"):
            self.protocol_errors.append(f"unsupported event {event!r} (only media, mark, clear)")
            return []
        if message.get("streamSid") != self.stream_sid:
            self.protocol_errors.append(
                f"{event}: streamSid {message.get('streamSid')!r} is not {self.stream_sid!r}"
            )
        if event == "clear":
            self._playback_changed.set()
            return self.playback.clear(now)
        body = message.get(event)
        if not isinstance(body, dict):
            self.protocol_errors.append(f"{event}: no {event!r} object")
            return []
        if event == "mark":
            name = body.get("name")
            if not isinstance(name, str):
                self.protocol_errors.append("mark: mark.name missing or not a string")
                return []
            self.marks_received.append((now, name))
            self._playback_changed.set()
            return self.playback.push_mark(name, now)
        payload = body.get("payload")
        try:
            if not isinstance(payload, str):
                raise ValueError("missing")
            data = base64.b64decode(payload, validate=True)
        except (ValueError, binascii.Error):
            self.protocol_errors.append("media: media.payload missing or not base64")
            return []
        return self._receive_audio(codec.decode(data, codec.AudioFormat.PCMU8K), now)
