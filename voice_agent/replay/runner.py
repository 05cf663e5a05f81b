"""Play recorded calls into a running server as a caller, and record what happened.

One recording is one call (:func:`replay_call`): the caller's audio is sent continuously
from the first sample to the last, silences included, at ``speed`` times real time, so the
caller's own pauses are kept and the server's VAD decides the turns. Two ways in:

* ``realtime``: the ``/v1/realtime`` WebSocket (OpenAI Realtime events, 24 kHz PCM both
  ways). The client keeps a playback clock: agent audio is heard in real time from when it
  arrives; when the server cancels a response (barge-in) the audio not yet heard is dropped
  and the client tells the server with ``conversation.item.truncate``.
* ``twilio``: the carrier's side of a Twilio Media Stream (:mod:`loadtest.twilio_carrier`):
  a signed voice webhook, the stream it names, mu-law 8 kHz, marks and ``clear``.

When the recording ends the line stays open (silence) until the agent has been quiet for
``tail_quiet_s`` (bounded by ``tail_max_s``), then the caller hangs up. The stored
conversation (``GET /v1/conversations/{id}``) is the authority for what was said, the
insights, actions and per-stage timings; the client adds when things were heard
(:func:`map_turns`). Every wait has a deadline; a call that fails gives a
:class:`~voice_agent.replay.model.CallRecord` with error codes, and the run goes on.
Configuration errors that would fail every call (bad key, server unreachable, Twilio not
set up) raise :class:`ReplayAbort` instead.

Outputs per call (:func:`write_call_outputs`): ``call.json``, ``agent.wav`` (the agent as
heard, on the call's timeline), ``call.wav`` (stereo, caller left, agent right). At
``--speed`` other than 1 the WAVs stay in recording time: the agent's audio starts where
it was heard and plays at its own pace.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import datetime as dt
import json
import math
import sys
import time
import uuid
import wave
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final, Literal, Protocol
from urllib.parse import urlencode

import httpx
import numpy as np
import numpy.typing as npt
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from loadtest.twilio_carrier import (
    VOICE_WEBHOOK_PATH,
    StreamRefused,
    TwilioStream,
    Twiml,
    TwimlError,
    WebhookError,
    parse_twiml,
    post_webhook,
    twilio_signature,
    voice_webhook_params,
)
from voice_agent.audio import codec
from voice_agent.audio.resample import resample
from voice_agent.replay.expect import judge, load_sidecars
from voice_agent.replay.model import (
    AGENT_WAV,
    STEREO_WAV,
    CallRecord,
    Label,
    Span,
    TurnRecord,
    Via,
)
from voice_agent.replay.recording import (
    CallerChannel,
    Recording,
    RecordingError,
    inspect_wav,
    load_recording,
)

__all__ = [
    "CallResult",
    "ClientPlayback",
    "HeardAudio",
    "Progress",
    "ReplayAbort",
    "ReplayOptions",
    "ReplayRun",
    "StoredExchange",
    "agent_track",
    "check_server",
    "collect_recordings",
    "exchanges_from_conversation",
    "map_turns",
    "replay_all",
    "replay_call",
    "transport_rate",
    "write_call_outputs",
    "write_wav",
]

Int16Array = npt.NDArray[np.int16]
Lang = Literal["en", "es"]
JsonObject = Mapping[str, object]

REALTIME_RATE: Final = 24000
TWILIO_RATE: Final = 8000
#: Caller audio per ``input_audio_buffer.append`` on ``/v1/realtime``.
CHUNK_MS: Final = 20
#: Agent audio arriving within this long of the end of what is queued joins the same
#: stretch (small underruns are heard as silence inside it).
MERGE_GAP_S: Final = 0.3
#: A reply's first audio counts for a turn from this long before the turn was stored
#: (clock jitter between the server's ``created_at`` and the client's clock).
MARKER_TOLERANCE_S: Final = 0.25
_POLL_S: Final = 0.05


class ReplayAbort(Exception):
    """A problem that would fail every call (bad key, no server, no speech, Twilio not
    configured): the run stops. ``code`` is stable, the message says what to do."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class ReplayOptions:
    """How recordings are replayed (the ``voice-agent replay`` options)."""

    url: str = "http://127.0.0.1:8000"
    api_key: str = ""
    via: Via = "realtime"
    #: For stereo recordings: which channel is the caller (mono files ignore it).
    caller_channel: CallerChannel | None = None
    #: Pace of the caller's audio: 1.0 is real time.
    speed: float = 1.0
    lang: Lang = "en"
    #: ``/v1/realtime``: the customer profile sent in ``session.update``. Twilio: ``phone``,
    #: ``name``, ``city``, ``state``, ``country`` become the webhook's caller fields.
    customer: Mapping[str, object] = field(default_factory=dict)
    #: ``/v1/realtime`` only: the agent greets first (``None``: the server's default).
    greeting: bool | None = None
    twilio_auth_token: str | None = None
    #: The public URL the server signs Twilio webhooks against (default: ``url``).
    public_url: str | None = None
    #: After the recording: hang up once the agent has been quiet this long (seconds).
    tail_quiet_s: float = 3.0
    tail_max_s: float = 60.0
    connect_timeout_s: float = 10.0
    #: How long to wait for the stored conversation to record its end.
    stored_wait_s: float = 20.0

    def __post_init__(self) -> None:
        if not (self.speed > 0 and math.isfinite(self.speed)):
            raise ValueError(f"speed must be a positive number, got {self.speed}")
        if self.tail_quiet_s <= 0 or self.tail_max_s < self.tail_quiet_s:
            raise ValueError("tail_quiet_s must be positive and at most tail_max_s")


def transport_rate(via: Via) -> int:
    """The sample rate the caller's audio is sent at (and the output WAVs are written at)."""
    return REALTIME_RATE if via == "realtime" else TWILIO_RATE


# --------------------------------------------------------------------------- progress


class Progress(Protocol):
    """Where a call reports how far it is (a progress bar, or nothing)."""

    def update(self, played_s: float) -> None:
        """Seconds of the recording sent so far."""

    def stage(self, text: str) -> None:
        """What the call is doing now (``playing``, ``waiting for the agent``, ...)."""

    def close(self) -> None: ...


ProgressFactory = Callable[[str, float], Progress]


class _NoProgress:
    def update(self, played_s: float) -> None:
        pass

    def stage(self, text: str) -> None:
        pass

    def close(self) -> None:
        pass


class TqdmProgress:
    """A tqdm bar on stderr for one call, in seconds of recording."""

    def __init__(self, name: str, total_s: float) -> None:
        from tqdm import tqdm

        self._bar = tqdm(
            total=round(total_s, 1),
            desc=name,
            unit="s",
            file=sys.stderr,
            leave=True,
            dynamic_ncols=True,
            bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s{postfix}",
        )
        self._played = 0.0

    def update(self, played_s: float) -> None:
        step = round(min(played_s, float(self._bar.total)) - self._played, 1)
        if step > 0:
            self._bar.update(step)
            self._played += step

    def stage(self, text: str) -> None:
        self._bar.set_postfix_str(text)

    def close(self) -> None:
        self._bar.close()


def tqdm_progress(name: str, total_s: float) -> Progress:
    return TqdmProgress(name, total_s)


def no_progress(name: str, total_s: float) -> Progress:
    return _NoProgress()


# --------------------------------------------------------------------------- what was heard


@dataclass(frozen=True)
class HeardAudio:
    """One stretch of agent audio as the caller heard it, on the call's timeline."""

    start_s: float
    end_s: float
    samples: Int16Array = field(repr=False)
    rate: int
    #: Cut short (barge-in: the server cancelled it, or Twilio's ``clear``).
    cut: bool = False

    @property
    def span(self) -> Span:
        return Span(self.start_s, self.end_s)


def _heard(
    start_wall: float, samples: Int16Array, rate: int, cut: bool, t0: float, speed: float
) -> HeardAudio:
    start = max(0.0, (start_wall - t0) * speed)
    return HeardAudio(start, start + samples.size / rate * speed, samples, rate, cut)


@dataclass
class _Stretch:
    """Agent audio heard back to back: pieces of one item, and the silences of underruns."""

    start: float
    item_id: str
    parts: list[Int16Array] = field(default_factory=list)
    #: Per part: a silence filling an underrun (not the item's audio).
    fills: list[bool] = field(default_factory=list)
    cut: bool = False

    @property
    def n_samples(self) -> int:
        return sum(p.size for p in self.parts)


class ClientPlayback:
    """A client's audio player: agent audio plays in arrival order, in real time.

    ``push`` queues audio of an item at ``now``; ``cut`` drops what of an item has not been
    heard by ``now`` (and returns how many ms of the item's audio were heard). No I/O,
    explicit times.
    """

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.end = -math.inf
        self.segments: list[_Stretch] = []
        self._cut: set[str] = set()

    def push(self, item_id: str, samples: Int16Array, now: float) -> None:
        if samples.size == 0 or item_id in self._cut:
            return
        last = self.segments[-1] if self.segments else None
        if last is None or last.item_id != item_id or now - self.end > MERGE_GAP_S:
            last = _Stretch(max(now, self.end), item_id)
            self.segments.append(last)
            self.end = last.start
        elif now > self.end:  # a short underrun: heard as silence inside the stretch
            last.parts.append(np.zeros(round((now - self.end) * self.rate), dtype=np.int16))
            last.fills.append(True)
            self.end = now
        last.parts.append(samples)
        last.fills.append(False)
        self.end += samples.size / self.rate

    def cut(self, item_id: str, now: float) -> tuple[int, bool]:
        """Stop playing ``item_id`` at ``now``: (ms of its audio heard, whether any of it was
        dropped)."""
        heard = 0
        dropped = False
        for seg in self.segments:
            if seg.item_id != item_id:
                continue
            keep = min(seg.n_samples, max(0, round((now - seg.start) * self.rate)))
            parts: list[Int16Array] = []
            fills: list[bool] = []
            left = keep
            for part, fill in zip(seg.parts, seg.fills, strict=True):
                piece = part[:left]
                left -= piece.size
                if piece.size:
                    parts.append(piece)
                    fills.append(fill)
                    heard += 0 if fill else piece.size
                if piece.size < part.size and not fill:
                    dropped = True
            if keep < seg.n_samples:
                seg.parts, seg.fills, seg.cut = parts, fills, True
        if self.segments and self.segments[-1].item_id == item_id:
            self.end = min(self.end, now)
        self._cut.add(item_id)
        return round(heard * 1000 / self.rate), dropped

    def heard(self, until: float) -> list[tuple[float, Int16Array, bool]]:
        """Every stretch as heard by ``until`` (the hang-up): (start, samples, cut)."""
        out: list[tuple[float, Int16Array, bool]] = []
        for seg in self.segments:
            if seg.start >= until or not seg.parts:
                continue
            samples = np.concatenate(seg.parts)
            keep = min(samples.size, max(0, round((until - seg.start) * self.rate)))
            if keep:
                out.append((seg.start, samples[:keep], seg.cut or keep < samples.size))
        return out


# --------------------------------------------------------------------------- stored turns


@dataclass(frozen=True)
class StoredExchange:
    """One stored customer turn and the agent's answer to it (``GET /v1/conversations``)."""

    transcript: str
    #: The customer turn's ``insights`` object, as stored.
    insights: JsonObject
    #: Server wall time (epoch seconds) the customer turn was stored.
    created_at: float
    #: The customer turn's timings, overlaid with its reply's.
    timings_ms: Mapping[str, float]
    reply: str
    reply_truncated: bool
    dtmf: str = ""


def _obj(value: object) -> JsonObject:
    return value if isinstance(value, Mapping) else {}


def _float(value: object, default: float = 0.0) -> float:
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    return default


def _timings(value: object) -> dict[str, float]:
    return {str(k): float(v) for k, v in _obj(value).items() if isinstance(v, int | float)}


def exchanges_from_conversation(conv: JsonObject) -> tuple[str | None, list[StoredExchange]]:
    """The greeting (agent turns before the first customer turn; ``None``: none) and every
    customer turn with the agent turns that answered it."""
    greeting: list[str] = []
    out: list[StoredExchange] = []
    turns = conv.get("turns")
    for raw in turns if isinstance(turns, list) else []:
        turn = _obj(raw)
        role, text = turn.get("role"), str(turn.get("text") or "")
        if role == "customer":
            out.append(
                StoredExchange(
                    transcript=text,
                    insights=_obj(turn.get("insights")),
                    created_at=_float(turn.get("created_at")),
                    timings_ms=_timings(turn.get("timings_ms")),
                    reply="",
                    reply_truncated=False,
                    dtmf=str(turn.get("dtmf") or ""),
                )
            )
        elif role == "agent":
            if not out:
                greeting.append(text)
                continue
            last = out[-1]
            out[-1] = replace(
                last,
                reply=f"{last.reply} {text}".strip(),
                reply_truncated=last.reply_truncated or bool(turn.get("truncated")),
                timings_ms={**last.timings_ms, **_timings(turn.get("timings_ms"))},
            )
    return (" ".join(greeting).strip() if greeting else None), out


def _labels(value: object) -> tuple[Label, ...]:
    items = value if isinstance(value, list) else []
    return tuple(Label(str(_obj(x).get("label", "")), _float(_obj(x).get("p"))) for x in items)


def _turn_record(
    index: int,
    ex: StoredExchange,
    caller: Span | None,
    agent: Span | None,
    latency_ms: float | None,
    cut: bool,
) -> TurnRecord:
    ins = ex.insights
    buying = _obj(ins.get("buying_signal"))
    action = _obj(ins.get("next_action"))
    fallbacks = ins.get("fallbacks")
    return TurnRecord(
        index=index,
        transcript=ex.transcript,
        reply=ex.reply,
        barge_in=ex.reply_truncated or cut,
        objections=_labels(ins.get("objections")),
        needs=_labels(ins.get("needs")),
        buying_signal=bool(buying.get("value", False)),
        buying_signal_p=_float(buying.get("p")),
        conversion_probability=_float(ins.get("conversion_probability")),
        action=str(action.get("name") or ""),
        action_reason=str(action.get("reason") or ""),
        phase=str(ins.get("phase") or ""),
        fallbacks=tuple(str(x) for x in fallbacks) if isinstance(fallbacks, list) else (),
        timings_ms=dict(ex.timings_ms),
        latency_ms=latency_ms,
        caller=caller,
        agent=agent,
        dtmf=ex.dtmf,
    )


def map_turns(
    exchanges: Sequence[StoredExchange],
    *,
    caller_speech: Sequence[Span],
    agent_speech: Sequence[HeardAudio],
    t0_wall: float,
    speed: float,
) -> tuple[TurnRecord, ...]:
    """Put each stored customer turn on the call's timeline.

    A turn is stored after its speech ended, so its ``created_at`` (on the timeline:
    ``(created_at - t0_wall) * speed``) is a marker: the caller's speech stretches that end
    after the previous marker and by this one are the turn's ``caller`` span, and the agent
    audio heard from this marker to the next is its reply (``agent``). The latency is from
    the end of the caller's speech to the first reply audio heard, in wall-clock ms. Assumes
    the server's and the client's clocks agree (same host, or NTP).
    """
    markers: list[float] = []
    for ex in exchanges:
        m = (ex.created_at - t0_wall) * speed
        markers.append(max(m, markers[-1]) if markers else m)
    tol = MARKER_TOLERANCE_S * speed
    spans = sorted(caller_speech, key=lambda s: s.end_s)
    heard = sorted(agent_speech, key=lambda h: h.start_s)
    out: list[TurnRecord] = []
    used = 0
    for k, ex in enumerate(exchanges):
        mine: list[Span] = []
        while used < len(spans) and spans[used].end_s <= markers[k] + tol:
            mine.append(spans[used])
            used += 1
        caller = Span(min(s.start_s for s in mine), max(s.end_s for s in mine)) if mine else None
        lo = markers[k] - tol
        hi = markers[k + 1] - tol if k + 1 < len(markers) else math.inf
        replies = [h for h in heard if lo <= h.start_s < hi]
        agent = Span(replies[0].start_s, replies[-1].end_s) if replies else None
        latency: float | None = None
        if agent is not None and caller is not None:
            latency = max(0.0, (agent.start_s - caller.end_s) / speed * 1000.0)
        cut = any(h.cut for h in replies)
        out.append(_turn_record(k + 1, ex, caller, agent, latency, cut))
    return tuple(out)


# --------------------------------------------------------------------------- WAV output


def agent_track(heard: Sequence[HeardAudio], rate: int, n_samples: int) -> Int16Array:
    """The agent's audio on the call's timeline: ``n_samples`` at ``rate``, silence where the
    agent was not heard; a stretch that would overlap the next is cut where it starts."""
    track = np.zeros(n_samples, dtype=np.int16)
    ordered = sorted(heard, key=lambda h: h.start_s)
    for i, h in enumerate(ordered):
        samples = h.samples if h.rate == rate else resample(h.samples, h.rate, rate)
        start = round(h.start_s * rate)
        stop = start + samples.size
        if i + 1 < len(ordered):
            stop = min(stop, round(ordered[i + 1].start_s * rate))
        stop = min(stop, n_samples)
        if stop > start >= 0:
            track[start:stop] = samples[: stop - start]
    return track


def write_wav(path: Path, channels: Sequence[Int16Array], rate: int) -> Path:
    """16-bit PCM WAV with one channel per array (all the same length)."""
    if not channels or len({c.size for c in channels}) != 1:
        raise ValueError("write_wav needs channels of one length")
    frames = np.stack([c.astype("<i2") for c in channels], axis=1)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(frames.tobytes())
    return path


@dataclass(frozen=True)
class CallResult:
    """One replayed call: its record and the audio for the WAVs."""

    record: CallRecord
    #: The caller's audio as sent (at ``rate``).
    caller: Int16Array = field(repr=False)
    rate: int
    heard: tuple[HeardAudio, ...] = ()


def write_call_outputs(result: CallResult, folder: Path) -> tuple[Path, Path, Path]:
    """``call.json``, ``agent.wav`` and ``call.wav`` into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rate = result.rate
    n = max(result.caller.size, round(result.record.duration_s * rate))
    caller = np.zeros(n, dtype=np.int16)
    caller[: result.caller.size] = result.caller[:n]
    agent = agent_track(result.heard, rate, n)
    json_path = result.record.write(folder)
    agent_path = write_wav(folder / AGENT_WAV, [agent], rate)
    stereo_path = write_wav(folder / STEREO_WAV, [caller, agent], rate)
    return json_path, agent_path, stereo_path


# --------------------------------------------------------------------------- REST


def _headers(api_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {api_key}"}


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(_obj(_obj(body).get("error")).get("code") or "")


async def check_server(options: ReplayOptions) -> None:
    """Before any call: the server answers, takes the key and has speech; raises
    :class:`ReplayAbort` saying what is wrong."""
    url = options.url.rstrip("/")
    if options.via == "twilio" and not options.twilio_auth_token:
        raise ReplayAbort(
            "no_twilio_token",
            "--via twilio needs the server's Twilio auth token: "
            "--twilio-auth-token or VOICE_AGENT_TWILIO_AUTH_TOKEN",
        )
    try:
        async with httpx.AsyncClient(
            base_url=url, headers=_headers(options.api_key), timeout=10.0, trust_env=False
        ) as http:
            r = await http.get("/v1/conversations", params={"limit": 1})
            if r.status_code == 401:
                raise ReplayAbort(
                    "unauthorized",
                    f"{url} refused the API key (401 {_error_code(r) or 'unauthorized'}): "
                    "give --api-key or set VOICE_AGENT_API_KEY",
                )
            if r.status_code != 200:
                raise ReplayAbort(
                    "server_error", f"{url}/v1/conversations answered HTTP {r.status_code}"
                )
            ready = await http.get("/readyz")
            speech = _obj(ready.json() if ready.content else {}).get("speech")
            # an agent key may not read the details (403): the calls will tell
            if ready.status_code != 403 and speech != "ready":
                raise ReplayAbort(
                    "no_speech",
                    f"{url} has no speech (readyz speech: {speech}); start it without "
                    "--no-speech and with the speech models",
                )
    except httpx.HTTPError as exc:
        raise ReplayAbort("unreachable", f"cannot reach {url}: {exc}") from exc
    except ValueError as exc:
        raise ReplayAbort("server_error", f"{url}: not a voice-agent server ({exc})") from exc


async def _find_conversation(http: httpx.AsyncClient, call_id: str, deadline: float) -> str | None:
    """The id of the stored conversation whose ``tags.call_id`` is ``call_id``."""
    while True:
        r = await http.get("/v1/conversations", params={"limit": 500})
        if r.status_code == 200:
            convs = _obj(r.json()).get("conversations")
            for conv in convs if isinstance(convs, list) else []:
                if _obj(_obj(conv).get("tags")).get("call_id") == call_id:
                    return str(_obj(conv).get("id"))
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.2)


async def _stored_conversation(
    options: ReplayOptions, conversation_id: str | None, call_id: str | None, errors: list[str]
) -> JsonObject | None:
    """The stored conversation once its end is recorded (bounded wait)."""
    deadline = time.monotonic() + options.stored_wait_s
    try:
        async with httpx.AsyncClient(
            base_url=options.url.rstrip("/"),
            headers=_headers(options.api_key),
            timeout=10.0,
            trust_env=False,
        ) as http:
            if conversation_id is None:
                if call_id is None:
                    errors.append("conversation_not_found")
                    return None
                conversation_id = await _find_conversation(http, call_id, deadline)
                if conversation_id is None:
                    errors.append("conversation_not_found")
                    return None
            conv: JsonObject = {}
            while True:
                r = await http.get(f"/v1/conversations/{conversation_id}")
                if r.status_code != 200:
                    errors.append(f"conversation_{_error_code(r) or r.status_code}")
                    return None
                conv = _obj(r.json())
                if conv.get("end_reason") is not None:
                    return conv
                if time.monotonic() > deadline:
                    errors.append("end_not_recorded")
                    return conv
                await asyncio.sleep(0.2)
    except (httpx.HTTPError, ValueError) as exc:
        errors.append(f"conversation_unavailable:{type(exc).__name__}")
        return None


# --------------------------------------------------------------------------- a call


@dataclass
class _Live:
    """What a call collects while it runs (both transports)."""

    t0: float = 0.0
    #: Wall time the recording's last sample was sent.
    recording_end: float | None = None
    hung_up_at: float | None = None
    call_id: str | None = None
    conversation_id: str | None = None
    errors: list[str] = field(default_factory=list)
    heard: list[tuple[float, Int16Array, bool]] = field(default_factory=list)

    def error(self, code: str) -> None:
        if code not in self.errors:
            self.errors.append(code)


async def _ticker(live: _Live, progress: Progress, speed: float, total_s: float) -> None:
    while live.recording_end is None:
        if live.t0 > 0:
            progress.update(min(total_s, (time.time() - live.t0) * speed))
        await asyncio.sleep(0.2)
    progress.update(total_s)


async def _wait_tail(
    options: ReplayOptions,
    live: _Live,
    last_agent: Callable[[], float],
    busy: Callable[[], bool],
    closed: Callable[[], bool],
) -> None:
    """After the recording: until the agent has been quiet for ``tail_quiet_s`` (and is not
    answering), the server hung up, or ``tail_max_s`` passed."""
    assert live.recording_end is not None
    deadline = time.time() + options.tail_max_s
    while not closed():
        now = time.time()
        quiet_since = max(live.recording_end, last_agent())
        if now - quiet_since >= options.tail_quiet_s and not busy():
            return
        if now > deadline:
            live.error("tail_timeout")
            return
        await asyncio.sleep(_POLL_S)


class _RealtimeCall:
    """One ``/v1/realtime`` session: a paced microphone, a reader and a playback clock."""

    def __init__(self, ws: ClientConnection, live: _Live, rec: Recording, options: ReplayOptions):
        self.ws = ws
        self.live = live
        self.rec = rec
        self.options = options
        self.playback = ClientPlayback(rec.rate)
        self.closed = False
        self.close_code: int | None = None
        self.updated = asyncio.Event()
        self.active: set[str] = set()
        self.in_speech = False
        self.last_arrival = -math.inf
        self._seq = 0

    def _event_id(self) -> str:
        self._seq += 1
        return f"evt_replay_{self._seq:06d}"

    async def send(self, event: dict[str, object]) -> bool:
        if self.closed:
            return False
        try:
            await self.ws.send(json.dumps({"event_id": self._event_id(), **event}))
        except ConnectionClosed:
            return False
        return True

    async def read(self) -> None:
        try:
            async for raw in self.ws:
                if isinstance(raw, str):
                    await self._handle(json.loads(raw), time.time())
        except (ConnectionClosed, ValueError):
            pass
        finally:
            self.closed = True
            self.close_code = self.ws.close_code
            self.updated.set()

    async def _handle(self, event: JsonObject, now: float) -> None:
        kind = event.get("type")
        if kind == "session.created":
            self.live.call_id = str(_obj(event.get("session")).get("id") or "") or None
        elif kind == "session.updated":
            self.updated.set()
        elif kind == "error":
            self.live.error(f"error:{_obj(event.get('error')).get('code') or 'unknown'}")
            if not self.updated.is_set():
                self.updated.set()
        elif kind == "input_audio_buffer.speech_started":
            self.in_speech = True
        elif kind == "input_audio_buffer.speech_stopped":
            self.in_speech = False
        elif kind == "response.created":
            resp = _obj(event.get("response"))
            self.active.add(str(resp.get("id")))
            cid = resp.get("conversation_id")
            if isinstance(cid, str) and cid:
                self.live.conversation_id = cid
        elif kind == "response.output_audio.delta":
            try:
                data = base64.b64decode(str(event.get("delta") or ""), validate=True)
                samples = codec.decode(data, codec.AudioFormat.PCM24K)
            except (binascii.Error, ValueError):
                self.live.error("bad_audio_delta")
                return
            self.last_arrival = now
            self.playback.push(str(event.get("item_id")), samples, now)
        elif kind == "response.done":
            resp = _obj(event.get("response"))
            self.active.discard(str(resp.get("id")))
            output = resp.get("output")
            if resp.get("status") == "cancelled" and isinstance(output, list):
                for item in output:
                    item_id = _obj(item).get("id")
                    if isinstance(item_id, str):
                        await self._truncate(item_id, now)

    async def _truncate(self, item_id: str, now: float) -> None:
        """The server stopped the response: drop its unheard audio and say how much was heard."""
        heard_ms, dropped = self.playback.cut(item_id, now)
        if dropped:
            await self.send(
                {
                    "type": "conversation.item.truncate",
                    "item_id": item_id,
                    "content_index": 0,
                    "audio_end_ms": heard_ms,
                }
            )

    async def microphone(self, progress: Progress) -> None:
        """The recording at ``speed`` x real time, then silence until told to stop."""
        rate = self.rec.rate
        step = rate * CHUNK_MS // 1000
        samples = self.rec.samples
        silence = np.zeros(step, dtype=np.int16)
        speed = self.options.speed
        self.live.t0 = t0 = time.time()
        pos = 0
        sent = 0  # samples of the call, recording and tail
        while not self.closed:
            chunk = samples[pos : pos + step] if pos < samples.size else silence
            pos += chunk.size
            sent += chunk.size
            # recording time advances at `speed`; the tail silence at real time
            in_rec = min(sent, samples.size)
            due = t0 + in_rec / rate / speed + (sent - in_rec) / rate
            delay = due - time.time()
            if delay > 0:
                await asyncio.sleep(delay)
            audio = base64.b64encode(codec.encode(chunk, codec.AudioFormat.PCM24K)).decode()
            if not await self.send({"type": "input_audio_buffer.append", "audio": audio}):
                break
            if pos >= samples.size and self.live.recording_end is None:
                self.live.recording_end = t0 + samples.size / rate / speed
                progress.update(self.rec.duration_s)


def _session_update(options: ReplayOptions) -> dict[str, object]:
    fmt = {"type": "audio/pcm", "rate": REALTIME_RATE}
    session: dict[str, object] = {
        "type": "realtime",
        "audio": {
            "input": {"format": fmt, "transcription": {"language": options.lang}},
            "output": {"format": fmt},
        },
    }
    if options.customer:
        session["customer"] = dict(options.customer)
    if options.greeting is not None:
        session["greeting"] = options.greeting
    return {"type": "session.update", "session": session}


async def _realtime(
    rec: Recording, options: ReplayOptions, live: _Live, progress: Progress
) -> None:
    base = options.url.rstrip("/")
    ws_url = base.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
    try:
        ws = await ws_connect(
            ws_url + "/v1/realtime?model=voice-agent",
            additional_headers=_headers(options.api_key),
            open_timeout=options.connect_timeout_s,
            max_size=None,
            proxy=None,
        )
    except InvalidStatus as exc:
        status = exc.response.status_code
        if status == 401:
            raise ReplayAbort("unauthorized", f"{base} refused the API key (401)") from exc
        live.error(f"handshake_refused:{status}")
        return
    except (OSError, TimeoutError, WebSocketException) as exc:
        live.error(f"connect_failed:{type(exc).__name__}")
        return
    call = _RealtimeCall(ws, live, rec, options)
    reader = asyncio.create_task(call.read(), name="replay-reader")
    mic: asyncio.Task[None] | None = None
    ticker: asyncio.Task[None] | None = None
    try:
        await call.send(_session_update(options))
        try:
            await asyncio.wait_for(call.updated.wait(), options.connect_timeout_s)
        except TimeoutError:
            live.error("session_update_timeout")
            return
        if call.closed or any(e.startswith("error:") for e in live.errors):
            return
        progress.stage("playing")
        mic = asyncio.create_task(call.microphone(progress), name="replay-mic")
        ticker = asyncio.create_task(
            _ticker(live, progress, options.speed, rec.duration_s), name="replay-progress"
        )
        rec_deadline = rec.duration_s / options.speed + options.tail_max_s
        start = time.monotonic()
        while live.recording_end is None and not call.closed:
            if time.monotonic() - start > rec_deadline:
                live.error("send_timeout")
                break
            await asyncio.sleep(_POLL_S)
        if live.recording_end is not None:
            progress.stage("waiting for the agent")
            await _wait_tail(
                options,
                live,
                lambda: max(call.playback.end, call.last_arrival),
                lambda: bool(call.active) or call.in_speech,
                lambda: call.closed,
            )
        if call.closed and call.close_code not in (None, 1000):
            live.error(f"closed:{call.close_code}")
    finally:
        live.hung_up_at = time.time()
        call.closed = True  # the microphone stops
        for task in (mic, ticker):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        with contextlib.suppress(ConnectionClosed, OSError, TimeoutError):
            await asyncio.wait_for(ws.close(1000), 5.0)
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(reader, 5.0)
        live.heard = call.playback.heard(live.hung_up_at)


_TWILIO_PROFILE: Final = {
    "phone": "From",
    "name": "CallerName",
    "city": "FromCity",
    "state": "FromState",
    "country": "FromCountry",
}


async def _place_twilio_call(options: ReplayOptions, call_sid: str) -> Twiml:
    if not options.twilio_auth_token:
        raise ReplayAbort(
            "no_twilio_token",
            "--via twilio needs the server's Twilio auth token: "
            "--twilio-auth-token or VOICE_AGENT_TWILIO_AUTH_TOKEN",
        )
    base = options.url.rstrip("/")
    query = "?" + urlencode({"lang": options.lang})
    url = base + VOICE_WEBHOOK_PATH + query
    signed_url = (options.public_url or base).rstrip("/") + VOICE_WEBHOOK_PATH + query
    extra = {
        name: str(options.customer[key])
        for key, name in _TWILIO_PROFILE.items()
        if key != "phone" and options.customer.get(key) is not None
    }
    phone = str(options.customer.get("phone") or "+1555" + str(uuid.uuid4().int)[:7])
    params = voice_webhook_params(
        call_sid=call_sid,
        account_sid="AC" + uuid.uuid4().hex,
        from_number=phone,
        to_number="+15559870000",
        extra=extra,
    )
    signature = twilio_signature(signed_url, params, options.twilio_auth_token)
    response = await post_webhook(
        url, params, signature=signature, timeout_s=options.connect_timeout_s
    )
    code = _error_code(response)
    if response.status_code == 403:
        raise ReplayAbort(
            "twilio_signature_refused",
            f"{base} refused the Twilio webhook signature (403 {code}): check "
            "--twilio-auth-token and --public-url (the server's VOICE_AGENT_PUBLIC_URL)",
        )
    if response.status_code == 503:
        raise ReplayAbort(
            "twilio_not_configured",
            f"{base} has no Twilio Media Streams (503 {code}): start it with "
            "VOICE_AGENT_TWILIO_AUTH_TOKEN and VOICE_AGENT_PUBLIC_URL",
        )
    content_type = response.headers.get("content-type", "")
    if response.status_code != 200:
        raise WebhookError(response.status_code, content_type, response.text)
    twiml = parse_twiml(response.content, request_url=signed_url)
    return replace(twiml, call_sid=call_sid, account_sid=dict(params)["AccountSid"])


async def _twilio(rec: Recording, options: ReplayOptions, live: _Live, progress: Progress) -> None:
    call_sid = "CA" + uuid.uuid4().hex
    live.call_id = call_sid
    try:
        twiml = await _place_twilio_call(options, call_sid)
    except WebhookError as exc:
        live.error(f"webhook_refused:{exc.status_code}")
        return
    except TwimlError:
        live.error("bad_twiml")
        return
    except httpx.HTTPError as exc:
        live.error(f"connect_failed:{type(exc).__name__}")
        return
    try:
        async with TwilioStream.answer(twiml) as call:
            progress.stage("playing")
            ticker = asyncio.create_task(
                _ticker(live, progress, options.speed, rec.duration_s), name="replay-progress"
            )
            live.t0 = time.time()  # within a frame; made exact below
            try:
                done = await asyncio.wait_for(
                    call.play(rec.samples, speed=options.speed),
                    rec.duration_s / options.speed + options.tail_max_s,
                )
                if not call.closed:  # all of it was sent: it began duration / speed earlier
                    live.t0 = done - rec.duration_s / options.speed
                    live.recording_end = done
                    progress.stage("waiting for the agent")
                    arrivals = call.audio_received

                    def last_agent() -> float:
                        last = arrivals[-1][0] if arrivals else -math.inf
                        return max(call.playback.end, last)

                    await _wait_tail(options, live, last_agent, lambda: False, lambda: call.closed)
            except TimeoutError:
                live.error("send_timeout")
            finally:
                ticker.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await ticker
            live.hung_up_at = time.time()
            by_server = call.closed and call.closed_by_server
            await call.hang_up()
            if by_server and call.close_code not in (None, 1000):
                live.error(f"closed:{call.close_code}")
            if call.protocol_errors:
                live.error("twilio_protocol_error")
        live.heard = [(s.start, s.samples, s.cleared) for s in call.agent_speech]
    except StreamRefused as exc:
        live.error(f"stream_refused:{exc.status_code}")
    except (OSError, TimeoutError, WebSocketException) as exc:
        live.error(f"connect_failed:{type(exc).__name__}")


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


async def replay_call(
    rec: Recording,
    options: ReplayOptions,
    *,
    name: str | None = None,
    progress: Progress | None = None,
) -> CallResult:
    """Play ``rec`` as one call; never raises for what the server does (errors go in the
    record), only :class:`ReplayAbort` for configuration errors."""
    progress = progress or _NoProgress()
    live = _Live()
    started_at = _now_iso()
    if options.via == "realtime":
        await _realtime(rec, options, live, progress)
    else:
        await _twilio(rec, options, live, progress)
    speed = options.speed
    hung_up = live.hung_up_at or time.time()
    duration_s = (hung_up - live.t0) * speed if live.t0 > 0 else 0.0
    heard = tuple(
        _heard(start, samples, rec.rate, cut, live.t0, speed)
        for start, samples, cut in live.heard
        if live.t0 > 0
    )
    conv: JsonObject | None = None
    greeting: str | None = None
    turns: tuple[TurnRecord, ...] = ()
    if live.t0 > 0:  # the call was connected
        progress.stage("reading the conversation")
        conv = await _stored_conversation(options, live.conversation_id, live.call_id, live.errors)
    if conv is not None:
        greeting, exchanges = exchanges_from_conversation(conv)
        turns = map_turns(
            exchanges,
            caller_speech=rec.speech,
            agent_speech=heard,
            t0_wall=live.t0,
            speed=speed,
        )
    record = CallRecord(
        recording=name or rec.path.name,
        via=options.via,
        caller_channel=rec.channel,
        speed=speed,
        lang=options.lang,
        recording_s=rec.duration_s,
        duration_s=duration_s,
        started_at=started_at,
        conversation_id=None if conv is None else str(conv.get("id") or "") or None,
        call_id=live.call_id,
        end_reason=None if conv is None else _str_or_none(conv.get("end_reason")),
        greeting=greeting,
        turns=turns,
        agent_speech=tuple(h.span for h in heard),
        caller_speech=rec.speech,
        errors=tuple(live.errors),
    )
    progress.stage(
        f"{len(turns)} turns" + (f", errors: {', '.join(live.errors)}" if live.errors else "")
    )
    return CallResult(record, rec.samples, rec.rate, heard)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


# --------------------------------------------------------------------------- a run


def collect_recordings(paths: Sequence[Path]) -> list[Path]:
    """The WAV files named: files as given, folders' ``*.wav`` (not recursive), sorted.
    Checks every header first; raises :class:`RecordingError` for the first bad one."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() == ".wav")
            if not found:
                raise RecordingError(path, "empty", "a folder with no *.wav recordings")
            out.extend(found)
        else:
            out.append(path)
    for path in out:
        inspect_wav(path)
    return out


def call_folder(out: Path, stem: str, taken: set[str]) -> Path:
    """``out/<stem>``, or ``out/<stem>-2``, ... when two recordings of the run share a stem
    (a folder left by an earlier run into the same ``out`` is overwritten)."""
    name, k = stem, 1
    while name.lower() in taken:
        k += 1
        name = f"{stem}-{k}"
    taken.add(name.lower())
    return out / name


@dataclass(frozen=True)
class CallOutput:
    record: CallRecord
    folder: Path
    report: Path | None


@dataclass(frozen=True)
class ReplayRun:
    """A whole run: every call's record and where it was written, and the summary page."""

    out: Path
    calls: tuple[CallOutput, ...]
    summary: Path | None

    @property
    def with_errors(self) -> int:
        """Calls the server refused, dropped or left unanswered."""
        return sum(bool(c.record.errors) for c in self.calls)

    @property
    def with_failed_expectations(self) -> int:
        """Calls with an expectation of their journey file that did not hold."""
        return sum(bool(c.record.expectations_failed()) for c in self.calls)

    @property
    def failed(self) -> bool:
        """A call had errors or an expectation failed (exit status 1)."""
        return bool(self.with_errors or self.with_failed_expectations)

    def verdict(self) -> str:
        """One line: ``OK``, or why the run failed."""
        if not self.failed:
            return f"OK: {len(self.calls)} calls, no errors, no failed expectations"
        why = [
            f"{n} call(s) {what}"
            for n, what in (
                (self.with_errors, "with errors"),
                (self.with_failed_expectations, "with failed expectations"),
            )
            if n
        ]
        return f"FAILED: {' and '.join(why)} of {len(self.calls)}"

    def lines(self) -> list[str]:
        """One line a call (and one under it per failed expectation), for people."""
        out: list[str] = []
        for c in self.calls:
            r = c.record
            p50, p95 = r.latency_percentile(0.5), r.latency_percentile(0.95)
            latency = "no latency" if p50 is None else f"p50 {p50:.0f} ms, p95 {p95 or 0:.0f} ms"
            errors = f"errors: {', '.join(r.errors)}" if r.errors else "no errors"
            expect = (
                ""
                if r.expectations is None
                else f", expectations {r.expectations.summary()} ({r.expectations.journey})"
            )
            out.append(
                f"{r.recording}: {len(r.turns)} turns, {latency}, {r.barge_ins()} barge-ins, "
                f"{errors}{expect} -> {c.report or c.folder}"
            )
            if r.expectations is not None:
                out += [f"  x {f.where}: {f.message}" for f in r.expectations.failures]
        return out

    def to_json(self) -> dict[str, object]:
        calls: list[dict[str, object]] = []
        for c in self.calls:
            r = c.record
            calls.append(
                {
                    "recording": r.recording,
                    "folder": str(c.folder),
                    "via": r.via,
                    "turns": len(r.turns),
                    "actions": [t.action for t in r.turns],
                    "barge_ins": r.barge_ins(),
                    "fallbacks": r.fallbacks(),
                    "latency_p50_ms": _round(r.latency_percentile(0.5)),
                    "latency_p95_ms": _round(r.latency_percentile(0.95)),
                    "end_reason": r.end_reason,
                    "conversation_id": r.conversation_id,
                    "duration_s": round(r.duration_s, 3),
                    "errors": list(r.errors),
                    "expectations": (None if r.expectations is None else r.expectations.to_json()),
                    "call_json": str(c.folder / "call.json"),
                    "agent_wav": str(c.folder / AGENT_WAV),
                    "call_wav": str(c.folder / STEREO_WAV),
                    "report": None if c.report is None else str(c.report),
                }
            )
        return {
            "out": str(self.out),
            "summary": None if self.summary is None else str(self.summary),
            "calls": calls,
            "errors": sum(len(c.record.errors) for c in self.calls),
            "calls_with_errors": self.with_errors,
            "expectations_failed": sum(c.record.expectations_failed() or 0 for c in self.calls),
            "calls_with_failed_expectations": self.with_failed_expectations,
            "failed": self.failed,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


async def replay_all(
    paths: Sequence[Path],
    options: ReplayOptions,
    out: Path,
    *,
    progress: ProgressFactory = no_progress,
) -> ReplayRun:
    """Replay each recording in turn, judge it against the journey file beside it (if any),
    write its outputs and report, then the summary page. A bad journey file raises
    :class:`~voice_agent.journeys.spec.JourneyError` before any call is placed."""
    from voice_agent.replay import report

    journeys = await asyncio.to_thread(load_sidecars, paths, options.lang)
    await check_server(options)
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    taken: set[str] = set()
    outputs: list[CallOutput] = []
    rate = transport_rate(options.via)
    for path in paths:
        rec = await asyncio.to_thread(
            load_recording, path, rate=rate, caller_channel=options.caller_channel
        )
        bar = progress(path.name, rec.duration_s)
        try:
            result = await replay_call(rec, options, name=str(path), progress=bar)
        finally:
            bar.close()
        journey = journeys.get(path)
        if journey is not None:
            result = replace(
                result, record=replace(result.record, expectations=judge(journey, result.record))
            )
        folder = call_folder(out, path.stem, taken)
        await asyncio.to_thread(write_call_outputs, result, folder)
        page = await asyncio.to_thread(report.write_call_report, result.record, folder)
        outputs.append(CallOutput(result.record, folder, page))
    records = [c.record for c in outputs]
    folders = [c.folder for c in outputs]
    summary = await asyncio.to_thread(report.write_summary, records, out, folders)
    return ReplayRun(out, tuple(outputs), summary)
