"""One call, whatever carries it: caller audio in, agent audio out, the conversation stored.

:class:`Call` is to a transport what python-websockets' protocol is to its connection: the
transport feeds it what arrives (:meth:`Call.audio`, :meth:`Call.dtmf`, :meth:`Call.played`
and the OpenAI Realtime commands) and writes out the :mod:`~voice_agent.call.events` it
emits; the call never touches a socket. Its decisions live in the pure
:class:`~voice_agent.call.session.CallSession` (turn-taking and the reply lifecycle); this
module only runs them, with these tasks, all owned and cancelled at the end:

* the *audio worker* decodes, resamples and runs the VAD on the caller's audio in the speech
  engines' audio pool (:class:`~voice_agent.audio.caller.CallerAudio`, the one input path)
  and feeds the turn events to the session;
* *speculation* tasks start when the caller stops speaking (before the end-of-turn silence
  has elapsed): transcription, then the orchestrator's ``prepare`` and the first sentence's
  synthesis; they are dropped when the caller goes on;
* the *turn worker* handles ended turns in order: stores the customer turn through the
  orchestrator, reports transcript and insights, and starts the reply;
* the *response* streams the reply (:class:`~voice_agent.call.reply.ReplyStream`) at most
  ``PlaybackClock.lead_ms`` ahead of the caller's ear, so a barge-in stops the agent at once
  and what was really heard is stored (from the transport's playback reports when it has
  them: Twilio marks, AudioSocket's paced writer); speech over it that is being judged
  pauses it (:class:`_Playout`), and it resumes from what was heard if that speech was no
  interruption;
* a *watchdog* ends silent or overlong calls (``timeout``).

:meth:`Call.close` ends the call for any reason (hang-up, hand-off, timeout, error): it stops
the reply and records what was heard, stores what the caller finished saying, and ends the
conversation with the reason. Every wait has a deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import structlog

from voice_agent import metrics
from voice_agent.audio import codec
from voice_agent.audio.caller import CallerAudio
from voice_agent.audio.echo import EchoCanceller
from voice_agent.audio.resample import StreamResampler
from voice_agent.audio.turn_detector import (
    BargeIn as DetectedBargeIn,
)
from voice_agent.audio.turn_detector import (
    EndOfTurn,
    OnsetDropped,
    SpeechOnset,
    SpeechResumed,
    TurnCheck,
    TurnConfig,
    TurnDetector,
    TurnEvent,
    semantic_config,
)
from voice_agent.audio.turn_detector import SpeechStarted as DetectedSpeechStarted
from voice_agent.audio.turn_detector import SpeechStopped as DetectedSpeechStopped
from voice_agent.audio.vad import SAMPLE_RATE
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig, TurnDetection
from voice_agent.call.events import CallError, EndReason, new_id
from voice_agent.call.interruption import Verdict, is_echo, judge, judge_prompt
from voice_agent.call.live import WindDown
from voice_agent.call.ports import Conversations, Speech
from voice_agent.call.reply import ReplyStream
from voice_agent.call.session import (
    BargeIn,
    CallSession,
    CancelResponse,
    CancelSpeculation,
    DropReply,
    EmitSpeechStarted,
    FinishTurn,
    Floor,
    FloorAction,
    FloorError,
    HoldReply,
    JudgeSpeech,
    PauseReply,
    PlaybackClock,
    ResumeReply,
    SpeakReply,
    StartSpeculation,
    StreamClock,
    TurnAction,
    TurnTaking,
    played_text,
)
from voice_agent.core.conversation import Conversation, Turn
from voice_agent.core.decision import HAND_OFF_KEY
from voice_agent.errors import VoiceAgentError
from voice_agent.orchestrator import PreparedTurn
from voice_agent.speech.stt import SpeechError

log = structlog.get_logger("voice_agent.call")

Float32Array = npt.NDArray[np.float32]

IN_QUEUE_MAX_MS: Final = 20_000.0  # caller audio waiting for the audio worker
IN_QUEUE_MAX_CHUNKS: Final = 2_000
#: Bytes of caller audio waiting for the audio worker: 20 s of the widest input format
#: (24 kHz PCM16), so that no format switch lets more memory in than that.
IN_QUEUE_MAX_BYTES: Final = 960_000
DELTA_MS: Final = 100.0  # agent audio per ResponseAudio
TRANSCRIBE_TIMEOUT_S: Final = 10.0
PREPARE_TIMEOUT_S: Final = 10.0
RECORD_TIMEOUT_S: Final = 5.0
#: A chunk of caller audio the audio worker took longer than this to take in (queued behind
#: other calls' chunks on an overloaded machine) is late: logged and counted
#: (``voice_agent_audio_late_chunks_total``), never dropped, since every later chunk of the
#: call and what the caller said depend on it.
AUDIO_LATE_S: Final = 2.0
#: ... and past this the audio worker is taken as stuck: the call ends (``error``), what was
#: said until then stored. Also the bound on waiting for queued audio before a commit.
AUDIO_STUCK_S: Final = 30.0
#: How long a call's end may take to store what was said and heard.
CLOSE_TIMEOUT_S: Final = 8.0
#: Time a client gets to configure the session before the greeting.
CONFIG_WAIT_S: Final = 0.3
MAX_UTTERANCE_MS: Final = 30_000.0
SPEECH_PAD_MS: Final = 150.0
#: Whisper hears at least this much audio before the VAD's start of speech, whatever the
#: session's ``prefix_padding_ms``: Silero's onset on telephone (8 kHz) speech lags the first
#: syllable by up to ~250-480 ms (asterisk es prompts), so 300 ms of padding cut "Us-" off
#: "Usted es el cliente numero" and Whisper heard nothing (issue 12).
TRANSCRIBE_LEAD_MS: Final = 500.0
#: Smart Turn sees the turn from this much before its first speech (to the check)
SMART_TURN_BEFORE_MS: Final = 500.0
SMART_TURN_TIMEOUT_S: Final = 1.0
#: The longest wait for the transcript of speech over the agent being judged; a later one
#: is not used (the next judgement, or the turn's own transcript, decides).
JUDGE_TIMEOUT_S: Final = 2.0
#: Silence after speech before the speculative transcription starts. Shorter starts sooner
#: but wastes more transcriptions on pauses inside a sentence (a started Whisper decode
#: cannot be interrupted); 160 ms measured 8 resumptions on 14 test utterances, 200 ms 4.
SPECULATION_HANGOVER_MS: Final = 160.0
#: When the server stops mid-reply, the longest wait for the last sentence to be heard.
WIND_DOWN_HEARD_S: Final = 5.0
#: The longest the agent stays paused for speech over it that is being judged; then it goes
#: on (the judgements themselves end within ``BARGE_IN_MAX_MS`` + ``JUDGE_TIMEOUT_S``).
PAUSE_MAX_S: Final = 4.0
#: Pieces of a reply's audio kept to send again what a flushed player dropped (more than
#: ``PlaybackClock.lead_ms`` plus a carrier's playback-report lag, in ``DELTA_MS`` pieces).
RESEND_PIECES: Final = 12
#: One word said alone over a reply playing for this long is an acknowledgement (at its start
#: it is the caller going on: :func:`~voice_agent.call.interruption.judge`'s ``speaking``).
SETTLED_REPLY_S: Final = 1.0
#: Audio sent again after a pause fades in over this much (it starts mid-word: no click).
FADE_IN_MS: Final = 10.0
#: The stages of a turn whose durations are exported as metrics.
_STAGES: Final = frozenset(
    {"vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio"}
)


@dataclass(frozen=True, slots=True)
class CallLimits:
    """``idle_s``: no caller speech and no agent audio for that long ends the call
    (``timeout``); ``max_s``: the longest call."""

    idle_s: float = 300.0
    max_s: float = 3600.0
    watchdog_period_s: float = 1.0


@dataclass(frozen=True, slots=True)
class _InChunk:
    """Caller audio waiting for the audio worker, counted in the format it arrived in (a
    format switch between chunks changes neither its bytes nor its duration)."""

    data: bytes
    fmt: codec.AudioFormat
    ms: float
    arrival: float


@dataclass(slots=True)
class _Speculation:
    """Speculative work for one caller utterance."""

    item_id: str
    task: asyncio.Task[None] | None = None
    transcript: str = ""
    stt_ms: float = 0.0
    audio_ms: float = 0.0
    prepared: PreparedTurn | None = None
    orch_ms: float = 0.0
    reply: ReplyStream | None = None
    error: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.reply is not None:
            self.reply.cancel()


@dataclass(slots=True)
class _Job:
    """An ended caller turn waiting for the turn worker."""

    item_id: str
    spec: _Speculation | None
    speech_end_ms: float
    detected_at: float  # wall time the end of turn was decided
    manual: bool = False
    auto: bool = True
    #: phone keys without speech: a turn of its own (the keys pressed so far)
    keys_only: bool = False
    #: began while the agent was talking: its transcript may be the agent's echo
    over_agent: bool = False


@dataclass(slots=True)
class _Held:
    """A prepared answer waiting for ``response.create``."""

    prepared: PreparedTurn
    job: _Job


@dataclass(slots=True)
class _AgentItem:
    """An agent reply item: what was prepared, the stored turn once recorded, and the
    ``(sentence, audio ms)`` segments that map playback to words."""

    prepared: PreparedTurn
    segments: list[tuple[str, float]]
    turn: Turn | None = None
    pending_truncation_ms: float | None = None


def _playing() -> asyncio.Event:
    playing = asyncio.Event()
    playing.set()
    return playing


@dataclass(slots=True)
class _Playout:
    """One reply's audio on its way to the caller: its pacing clock, and whether it is
    paused for speech over it (:class:`~voice_agent.call.session.PauseReply`)."""

    clock: PlaybackClock = field(default_factory=PlaybackClock)
    #: set while audio may be sent; cleared while paused
    playing: asyncio.Event = field(default_factory=_playing)
    #: wall time of the pause under way
    paused_at: float | None = None
    #: the last pieces sent, ``(item ms at their start, samples)``, to send again what a
    #: flushed player dropped
    recent: deque[tuple[float, npt.NDArray[np.int16]]] = field(
        default_factory=lambda: deque(maxlen=RESEND_PIECES)
    )
    #: on resume, send again from here (the player dropped what followed)
    resend_from: float | None = None
    #: resumed, and the sender has not taken it up yet
    restarted: bool = False

    def keep(self, at_ms: float, piece: npt.NDArray[np.int16]) -> None:
        self.recent.append((at_ms, piece))

    def dropped_after(self, now: float, at_ms: float) -> None:
        """The player dropped what it held beyond ``at_ms``: sent again on resume."""
        self.resend_from = self.clock.flush(now, at_ms)

    def to_resend(self, rate: int) -> list[tuple[float, npt.NDArray[np.int16]]]:
        """The kept pieces (at ``rate`` Hz) from ``resend_from`` on: the first is cut there
        and fades in."""
        start = self.resend_from
        if start is None:
            return []
        out: list[tuple[float, npt.NDArray[np.int16]]] = []
        kept: list[tuple[float, npt.NDArray[np.int16]]] = []  # what stays heard
        for at, piece in self.recent:
            if at + piece.size * 1000.0 / rate <= start + 1e-6:
                kept.append((at, piece))
                continue
            if at < start:
                cut = round((start - at) * rate / 1000.0)
                kept.append((at, piece[:cut]))
                piece, at = piece[cut:], start
            out.append((at, piece))
        # what is sent again is kept again as it goes out
        self.recent = deque(kept, maxlen=RESEND_PIECES)
        if out:
            at, first = out[0]
            n = min(first.size, int(rate * FADE_IN_MS / 1000.0))
            faded = first.copy()
            ramp = np.arange(n, dtype=np.float32) / max(1, n)
            faded[:n] = (faded[:n].astype(np.float32) * ramp).astype(np.int16)
            out[0] = (at, faded)
        return out


@dataclass(slots=True)
class _Response:
    response_id: str
    item_id: str
    task: asyncio.Task[None]
    playout: _Playout = field(default_factory=_Playout)
    cancel_reason: str = "turn_detected"
    #: the reply was played out (or cut); it is being recorded, then ``ResponseDone`` goes
    #: out: nothing cancels it any more
    finishing: bool = False
    #: the goodbye of a call being wound down: said to the end (or the wind-down's
    #: deadline), speech over it does not stop it
    goodbye: bool = False


class Call:
    """One call over any transport (see the module docstring)."""

    def __init__(
        self,
        conversations: Conversations,
        speech: Speech,
        config: CallConfig,
        emit: Callable[[ev.CallEvent], None],
        *,
        call_id: str | None = None,
        limits: CallLimits | None = None,
        playback_reports: bool = False,
        flush_on_pause: bool = False,
        hand_off_ends_call: bool = False,
        wait_for_config: bool = False,
        clock: Callable[[], float] = time.time,
        tenant: str | None = None,
    ) -> None:
        self.conversations = conversations
        #: whose conversation the call makes (the tenant of the key that opened it)
        self.tenant = tenant
        self.speech = speech
        self.config = config
        self._emit = emit
        self.call_id = call_id or new_id("call")
        self.limits = limits or CallLimits()
        #: the transport reports what was played (:meth:`played`); else it is estimated
        self.playback_reports = playback_reports
        #: the transport drops the agent audio it holds when the reply pauses (a carrier's
        #: ``clear``); else the player plays it out (at most ``PlaybackClock.lead_ms``)
        self.flush_on_pause = flush_on_pause
        self.hand_off_ends_call = hand_off_ends_call
        self.clock = clock
        self.conv: Conversation | None = None
        self.conv_ready = asyncio.Event()
        self.configured = asyncio.Event()
        if not wait_for_config:
            self.configured.set()
        self.session = CallSession(self._new_turn_taking())
        #: the agent's own voice, removed from the caller's audio (speakerphones, lines)
        self.echo = EchoCanceller()
        self.caller = CallerAudio(
            config.input_format,
            speech.new_vad(),
            self._new_detector(),
            pad_ms=SPEECH_PAD_MS,
            echo=self.echo,
        )
        self.stream_clock = StreamClock()
        self.audio_in: asyncio.Queue[_InChunk] = asyncio.Queue(maxsize=IN_QUEUE_MAX_CHUNKS)
        #: what waits in ``audio_in`` (each chunk counted with its own format)
        self.pending_in_ms = 0.0
        self.pending_in_bytes = 0
        #: chunks in a row the audio worker took in late (``AUDIO_LATE_S``)
        self.late_chunks = 0
        self.jobs: asyncio.Queue[_Job] = asyncio.Queue(maxsize=8)
        self.tasks: set[asyncio.Task[Any]] = set()
        self.specs: dict[str, _Speculation] = {}
        #: the judgement of speech over the agent under way (one at a time), and the last
        #: one made: (caller item, verdict)
        self.judging: asyncio.Task[None] | None = None
        self.verdict: tuple[str, Verdict] | None = None
        self.response: _Response | None = None
        self.held: _Held | None = None
        self.agent_items: dict[str, _AgentItem] = {}
        self.played_ms: dict[str, float] = {}
        self.last_item_id: str | None = None
        self.manual_start_ms = 0.0
        self.dtmf_digits = ""
        self.started_at = clock()
        self.last_activity = self.started_at
        self.end_reason: EndReason | None = None
        #: the server is stopping (:meth:`wind_down`): the reply stops at a sentence end,
        #: the goodbye is said, no other reply starts
        self.winding: WindDown | None = None
        self._end_requested = asyncio.Event()
        self._starting: asyncio.Task[None] | None = None
        self._closing = False
        self._closed = asyncio.Event()

    # -- construction helpers ---------------------------------------------------------------
    def _new_turn_taking(self) -> TurnTaking:
        td = self.config.turn_detection
        return TurnTaking(
            interrupt_response=td.interrupt_response if td else True,
            pause_on_speech=td.pause_on_speech if td else True,
        )

    def _new_detector(self) -> TurnDetector:
        td = self.config.turn_detection or TurnDetection()
        base = self.speech.turn_config()
        # semantic_vad: Smart Turn after a short silence, the eagerness's silence as fallback
        sem = semantic_config(td.eagerness) if td.type == "semantic_vad" else None
        silence_ms = sem.fallback_ms if sem is not None else float(td.silence_duration_ms)
        return TurnDetector(
            TurnConfig(
                start_threshold=td.threshold,
                stop_threshold=min(base.stop_threshold, td.threshold),
                silence_ms=silence_ms,
                stop_hangover_ms=min(SPECULATION_HANGOVER_MS, silence_ms),
                min_speech_ms=base.min_speech_ms,
                onset_ms=base.onset_ms,
                resume_min_ms=base.resume_min_ms,
                barge_in_min_ms=base.barge_in_min_ms,
                barge_in_step_ms=base.barge_in_step_ms,
                barge_in_max_ms=base.barge_in_max_ms,
                semantic=sem,
            )
        )

    # -- plumbing ---------------------------------------------------------------------------
    def emit(self, event: ev.CallEvent) -> None:
        self._emit(event)

    def error(self, exc: CallError) -> None:
        metrics.ERRORS.labels(exc.code).inc()
        log.warning("call_error", code=exc.code, error=exc.message)
        self.emit(ev.ErrorRaised(exc))

    def spawn(self, coro: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("call_task_failed", task=task.get_name(), error=repr(exc))
            self.request_end(EndReason.ERROR)

    def request_end(self, reason: EndReason) -> None:
        """The call wants to end (hand-off, timeout, error): the transport closes its
        connection and calls :meth:`close`."""
        if self.end_reason is None:
            self.end_reason = reason
        if not self._end_requested.is_set():
            self._end_requested.set()
            self.emit(ev.CallEnded(reason, self.conv.id if self.conv else None))

    def wind_down(self, plan: WindDown) -> None:
        """The server is stopping: the call ends with ``plan.reason`` by ``plan.deadline``.
        An agent in the middle of a sentence finishes it, then the agent says the
        playbook's goodbye (its ``shutdown`` line) in the call's language; both are heard
        and stored as agent turns (cut short, ``truncated``, when time runs out). No other
        reply starts; what the caller finished saying is stored."""
        if self._closing or self._end_requested.is_set() or self.winding is not None:
            return
        self.winding = plan
        self.held = None
        log.info(
            "call_winding_down",
            reason=plan.reason.value,
            within_s=round(plan.deadline - time.monotonic(), 3),
        )
        self.spawn(self._wind_down(plan), "call-wind-down")

    async def _wind_down(self, plan: WindDown) -> None:
        try:
            # 1. a reply under way stops at the end of its sentence (_respond)
            resp = self.response
            if resp is not None and not resp.task.done():
                await self._let_response_end(resp, plan)
            # 2. the goodbye, if there is time for it
            if plan.goodbye_fits(time.monotonic()):
                await self._say_goodbye(plan)
        finally:
            if not self._closing:
                self.request_end(plan.reason)

    async def _let_response_end(self, resp: _Response, plan: WindDown) -> None:
        """Wait for ``resp`` while the caller may still hear the agent; then stop it (what
        was heard is recorded)."""
        done, _ = await asyncio.wait({resp.task}, timeout=plan.speech_s(time.monotonic()))
        if not done:
            if not resp.finishing:
                resp.cancel_reason = plan.reason.value
                resp.task.cancel()
            await asyncio.wait({resp.task}, timeout=RECORD_TIMEOUT_S)

    def _may_say_goodbye(self) -> bool:
        """The call goes on and no reply is streaming (a client's ``response.create`` may
        have started one)."""
        return self.session.floor is not Floor.ENDED and not self.session.responding

    async def _say_goodbye(self, plan: WindDown) -> None:
        """Speak the goodbye as a response of its own, bounded by the plan's deadline."""
        try:
            await asyncio.wait_for(self.conv_ready.wait(), plan.speech_s(time.monotonic()))
        except TimeoutError:
            return  # the conversation was never created: nobody to say goodbye to
        conv = self.conv
        if conv is None or not self._may_say_goodbye():
            return
        try:
            prepared = await asyncio.wait_for(
                self.conversations.prepare_goodbye(conv), plan.speech_s(time.monotonic())
            )
        except (TimeoutError, VoiceAgentError) as exc:
            log.warning("goodbye_not_prepared", error=repr(exc))
            return
        if not self._may_say_goodbye():
            return
        self._carry_out_all(self.session.response_requested())
        self._start_response(prepared, None, None, {}, goodbye=True)
        resp = self.response
        if resp is not None:
            await self._let_response_end(resp, plan)

    async def end_requested(self) -> EndReason:
        """Returns when the call itself decided to end (see :meth:`request_end`)."""
        await self._end_requested.wait()
        return self.end_reason or EndReason.ERROR

    def _carry_out_all(self, actions: list[TurnAction]) -> None:
        for action in actions:
            self._carry_out(action)

    # -- the call ---------------------------------------------------------------------------
    def start(self) -> None:
        """Start the call: the conversation (and greeting), audio and turn workers."""
        metrics.OPEN_SESSIONS.inc()
        self._starting = self.spawn(self._start_conversation(), "call-start")
        self.spawn(self._audio_worker(), "call-audio")
        self.spawn(self._turn_worker(), "call-turns")
        self.spawn(self._watchdog(), "call-watchdog")

    async def close(self, reason: EndReason) -> None:
        """End the call: stop the reply (what was heard is recorded), store what the caller
        finished saying, end the conversation with ``reason``. Idempotent."""
        if self._closing:  # a second close waits for the first
            await self._closed.wait()
            return
        self._closing = True
        # a call the server is winding down ends with that reason, however it ends
        reason = self.end_reason or (self.winding.reason if self.winding else reason)
        self.end_reason = reason
        deadline = time.monotonic() + CLOSE_TIMEOUT_S
        self.session.end()  # no new reply starts (a greeting not yet begun stays unsaid)
        # 0. a conversation being created is recorded as ended, not left open
        if self._starting is not None and not self._starting.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.conv_ready.wait(), CONFIG_WAIT_S + RECORD_TIMEOUT_S)
        # 1. the reply stops; its task records what was heard
        resp = self.response
        if resp is not None and not resp.task.done():
            if not resp.finishing:  # else it is only being recorded: let it be
                resp.cancel_reason = "client_disconnected"
                resp.task.cancel()
            await asyncio.wait({resp.task}, timeout=RECORD_TIMEOUT_S)
        # 2. speech the caller finished (or was in the middle of) is still stored
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.audio_in.join(), max(0.1, deadline - time.monotonic()))
        if self.caller.detector.in_turn:
            self._on_detector_events(self.caller.detector.force_end(self.caller.frames_ms))
        if self.dtmf_digits and self.conv is not None:  # keys pressed after the last turn
            keys = _Job(new_id("item"), None, self.caller.now_ms, self.clock(), keys_only=True)
            keys.auto = False
            self._enqueue(keys)
        with contextlib.suppress(TimeoutError):  # the turns waiting or being handled
            await asyncio.wait_for(self.jobs.join(), max(0.1, deadline - time.monotonic()))
        for spec in list(self.specs.values()):
            spec.cancel()
        self.held = None
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=max(0.1, deadline - time.monotonic()))
        metrics.OPEN_SESSIONS.dec()
        conv = self.conv
        if conv is not None:
            stored = reason
            if reason is EndReason.CALLER_HUNG_UP and conv.customer_turn_count() == 0:
                stored = EndReason.NO_CUSTOMER_TURN
            try:
                await asyncio.wait_for(
                    self.conversations.end_call(conv, stored.value), RECORD_TIMEOUT_S
                )
            except Exception as exc:  # a dead store must not keep the call from ending
                log.error("call_end_not_stored", error=repr(exc))
            self.conversations.forget(conv.id)
            reason = stored
        metrics.CALLS_ENDED.labels(metrics.channel_label(self.config.channel), reason.value).inc()
        self._closed.set()
        log.info(
            "call_ended",
            reason=reason.value,
            conversation_id=conv.id if conv else None,
            duration_s=round(self.clock() - self.started_at, 3),
            **self._echo_summary(),
        )

    def _echo_summary(self) -> dict[str, float]:
        """The echo canceller's figures for the end-of-call log line (when it worked)."""
        stats = self.echo.stats()
        erle = stats.erle_db
        if stats.delay is None or erle is None:
            return {}
        delay_ms = stats.delay * 1000 / SAMPLE_RATE
        return {"echo_delay_ms": round(delay_ms, 1), "echo_erle_db": round(erle, 1)}

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(self.limits.watchdog_period_s)
            now = self.clock()
            busy = self.session.responding or self.session.turns.in_speech
            if busy:
                self.last_activity = now
            if now - self.started_at > self.limits.max_s:
                log.info("call_timeout", why="max_duration", limit_s=self.limits.max_s)
                self.request_end(EndReason.TIMEOUT)
                return
            if now - self.last_activity > self.limits.idle_s:
                log.info("call_timeout", why="idle", limit_s=self.limits.idle_s)
                self.request_end(EndReason.TIMEOUT)
                return

    # -- what the transport feeds -------------------------------------------------------------
    def audio(self, data: bytes, arrival: float | None = None) -> None:
        """Caller audio in the configured input format. Raises :class:`CallError` for audio
        that is not whole samples and when too much is waiting (the chunk is dropped)."""
        fmt = self.config.input_format
        width = fmt.sample_width
        if len(data) % width:
            raise CallError(
                "invalid_audio_length",
                f"{fmt.value} audio must be a whole number of {width}-byte samples",
                param="audio",
            )
        if not data:
            return
        ms = len(data) / codec.bytes_per_ms(fmt)
        if (
            self.pending_in_ms + ms > IN_QUEUE_MAX_MS
            or self.pending_in_bytes + len(data) > IN_QUEUE_MAX_BYTES
            or self.audio_in.full()
        ):
            raise CallError(
                "input_audio_buffer_overflow",
                f"more than {IN_QUEUE_MAX_MS / 1000:.0f} s of audio is waiting to be processed;"
                " this chunk was dropped: send audio at real-time pace",
                param="audio",
                error_type="rate_limit_error",
            )
        self.audio_in.put_nowait(
            _InChunk(data, fmt, ms, self.clock() if arrival is None else arrival)
        )
        self.pending_in_ms += ms
        self.pending_in_bytes += len(data)

    def played(self, item_id: str, end_ms: float) -> None:
        """The transport's report: the caller has heard ``item_id``'s audio up to ``end_ms``."""
        if end_ms > self.played_ms.get(item_id, 0.0):
            self.played_ms[item_id] = end_ms

    def dtmf(self, digit: str) -> None:
        """A key the caller pressed. Kept on the next customer turn; ``0`` asks for a person
        (the decision engine hands off)."""
        self.dtmf_digits = (self.dtmf_digits + digit)[-32:]
        self.last_activity = self.clock()
        log.info("dtmf", digit=digit)
        if digit == HAND_OFF_KEY and self.session.floor is not Floor.ENDED:
            self._barge_in()
            job = _Job(new_id("item"), None, self.caller.now_ms, self.clock(), keys_only=True)
            self._enqueue(job)

    def reconfigure(self, config: CallConfig) -> None:
        """New settings mid-call (``session.update``). The input format cannot change
        while the caller is speaking."""
        old = self.config
        if config.input_format != old.input_format and self.session.turns.in_speech:
            raise CallError(
                "session_busy",
                "the input format cannot change during a turn or a response",
                param="session.audio.input.format",
            )
        if config.language != old.language and not self.speech.supports_language(config.language):
            raise CallError(
                "unsupported_language",
                f"no speech-to-text model for language {config.language!r} on this server",
                param="session.audio.input.transcription.language",
            )
        self.config = config  # chunks already queued keep their own format (_take_audio)
        if config.turn_detection != old.turn_detection:
            self.caller.set_detector(self._new_detector())
            self.session.replace_turn_taking(self._new_turn_taking())
        self.configured.set()
        if self.conv is not None and old.profile != config.profile:
            self.spawn(self._update_profile(), "call-profile")

    async def _update_profile(self) -> None:
        assert self.conv is not None
        await self.conversations.update_profile(
            self.conv, lang=self.config.language, customer=self.config.customer
        )

    def clear_input(self) -> None:
        """Forget the caller's pending audio (``input_audio_buffer.clear``)."""
        self._carry_out_all(self.session.turns.clear())
        self.caller.detector.reset()
        self.manual_start_ms = self.caller.now_ms
        self.emit(ev.InputCleared())

    async def commit_input(self, event_id: str | None = None) -> None:
        """End the caller's turn now (``input_audio_buffer.commit``)."""
        if self.config.turn_detection is not None:
            if not self.caller.detector.in_turn:
                raise CallError(
                    "input_audio_buffer_commit_empty",
                    "no speech in the input audio buffer to commit",
                    event_id=event_id,
                )
            self._on_detector_events(self.caller.detector.force_end(self.caller.frames_ms))
            return
        # wait (bounded) until the audio worker has processed every queued chunk, the one it
        # is working on included (not a poll of pending_in_ms: float sums leave a residue)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.audio_in.join(), AUDIO_STUCK_S)
        start = max(self.manual_start_ms, self.caller.start_ms)
        end = self.caller.now_ms
        if end - start < 100:
            raise CallError(
                "input_audio_buffer_commit_empty",
                "buffer too small: at least 100 ms of audio is needed to commit",
                event_id=event_id,
            )
        self.manual_start_ms = end
        item_id = new_id("item")
        audio = self.caller.utterance(start, end, before_ms=0.0, after_ms=0.0)
        spec = self._new_speculation(item_id, audio, prepare=True)
        self.stream_clock.record(end, self.clock())
        self._enqueue(_Job(item_id, spec, end, self.clock(), manual=True, auto=False))

    async def create_response(self, event_id: str | None = None) -> None:
        """Speak the held answer, or the greeting when nothing was said yet
        (``response.create``)."""
        self._refuse_if_winding(event_id)
        resp = self.response
        if resp is not None and resp.finishing:  # played out: let it be recorded
            await asyncio.wait({resp.task}, timeout=RECORD_TIMEOUT_S)
        if self.session.responding:
            raise CallError(
                "conversation_already_has_active_response",
                "a response is in progress; cancel it first",
                event_id=event_id,
            )
        held, self.held = self.held, None
        if held is not None:
            self._carry_out_all(self.session.response_requested())
            self._start_response(held.prepared, None, held.job, {})
            return
        await asyncio.wait_for(self.conv_ready.wait(), PREPARE_TIMEOUT_S)
        assert self.conv is not None
        if any(t.role == "agent" for t in self.conv.turns):
            raise CallError(
                "no_pending_turn",
                "nothing to respond to: commit the caller's audio first",
                event_id=event_id,
            )
        prepared = await self.conversations.prepare_greeting(self.conv)
        self._refuse_if_winding(event_id)  # the server may have begun stopping meanwhile
        try:  # meanwhile the call's own greeting may have started, or the call ended
            actions = self.session.response_requested()
        except FloorError as exc:
            raise CallError(exc.code, exc.message, event_id=event_id) from None
        self._carry_out_all(actions)
        self._start_response(prepared, None, None, {})

    def _refuse_if_winding(self, event_id: str | None) -> None:
        """A call being wound down says only its goodbye: no reply a client asks for."""
        if self.winding is not None:
            raise CallError(
                "shutting_down",
                "the server is stopping: this call is ending, no new response starts",
                event_id=event_id,
            )

    def cancel_response(self, response_id: str | None = None) -> None:
        """Stop the agent (``response.cancel``)."""
        resp = self.response
        if (
            resp is None
            or resp.task.done()
            or resp.finishing  # played out, being recorded
            or (response_id is not None and response_id != resp.response_id)
        ):
            raise CallError(
                "response_cancel_not_active",
                "there is no active response to cancel",
                param="response_id",
            )
        if self.session.response_cancelled() is not None:
            resp.cancel_reason = "client_cancelled"
            resp.task.cancel()

    async def truncate(self, item_id: str, content_index: int, audio_end_ms: int) -> None:
        """The client played only ``audio_end_ms`` of an agent item
        (``conversation.item.truncate``): keep only the words heard."""
        item = self.agent_items.get(item_id)
        if item is None:
            raise CallError("item_not_found", f"no assistant item {item_id!r}", param="item_id")
        if content_index != 0:
            raise CallError("invalid_value", "content_index must be 0", param="content_index")
        total = sum(d for _, d in item.segments)
        if audio_end_ms > total + 1:
            raise CallError(
                "invalid_value",
                f"audio_end_ms {audio_end_ms} is past the item's audio ({total:.0f} ms)",
                param="audio_end_ms",
            )
        resp = self.response
        if (
            resp is not None
            and resp.item_id == item_id
            and resp.playout.paused_at is not None
            and not resp.finishing
        ):
            # the client stopped its player at the pause: what it dropped is sent again if
            # the reply resumes, and what it heard is stored if it does not
            resp.playout.dropped_after(self.clock(), float(audio_end_ms))
        elif item.turn is not None:
            await self._apply_truncation(item, float(audio_end_ms))
        else:  # applied once the reply is recorded
            item.pending_truncation_ms = float(audio_end_ms)
        self.emit(ev.ItemTruncated(item_id, audio_end_ms))

    async def _apply_truncation(self, item: _AgentItem, audio_end_ms: float) -> None:
        """Keep in the stored agent turn only what was heard in ``audio_end_ms``."""
        assert item.turn is not None and self.conv is not None
        heard, truncated = played_text(item.segments, audio_end_ms)
        item.turn.truncated = truncated or item.turn.truncated
        await self.conversations.revise_reply(self.conv, item.turn, heard)

    # -- conversation -----------------------------------------------------------------------
    async def _start_conversation(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.configured.wait(), CONFIG_WAIT_S)
        asked = self.config
        self.conv = await self.conversations.create(
            lang=asked.language,
            customer=dict(asked.customer),
            channel=asked.channel,
            tenant=self.tenant,
        )
        self.conv.tags["call_id"] = self.call_id
        if asked.profile != self.config.profile:
            # a session.update landed while the conversation was being stored: keep it
            self.spawn(self._update_profile(), "call-profile")
        self.conv_ready.set()
        self.emit(ev.ConversationStarted(self.conv.id, self.conv.lang))
        log.info(
            "call_started",
            conversation_id=self.conv.id,
            channel=self.config.channel,
            lang=self.conv.lang,
        )
        if (
            self.config.greeting
            and self.winding is None
            and self.session.floor is Floor.LISTENING
            and not self.session.agent_has_floor
            and not self.session.turns.in_speech
        ):
            prepared = await self.conversations.prepare_greeting(self.conv)
            if (
                self.winding is None
                and self.session.floor is Floor.LISTENING
                and not self.session.agent_has_floor
            ):
                self._carry_out_all(self.session.response_requested())
                self._start_response(prepared, None, None, {})

    # -- caller audio -----------------------------------------------------------------------
    async def _audio_worker(self) -> None:
        while True:
            chunk = await self.audio_in.get()
            try:
                await self._take_audio(chunk)
            finally:
                self.audio_in.task_done()

    async def _take_audio(self, chunk: _InChunk) -> None:
        """Decode, resample and detect speech in one chunk (in the audio pool), then act on
        the turn events."""
        # discounted exactly as counted: the chunk's own duration and size
        self.pending_in_ms = max(0.0, self.pending_in_ms - chunk.ms)
        self.pending_in_bytes = max(0, self.pending_in_bytes - len(chunk.data))
        data, fmt, arrival = chunk.data, chunk.fmt, chunk.arrival
        manual = self.config.turn_detection is None
        if fmt != self.caller.format:
            self.caller.set_format(fmt)
        started = self.clock()
        try:
            events = await self.speech.run_audio(
                functools.partial(self.caller.push, detect=not manual),
                data,
                timeout_s=AUDIO_STUCK_S,
            )
        except codec.AudioFormatError as exc:
            self.error(CallError(exc.code, str(exc), param="audio"))
            return
        except Exception as exc:
            if isinstance(exc, SpeechError) and exc.code == "speech_timeout":
                self._audio_stuck()
                return
            # a broken chunk must not end the call
            log.warning("audio_processing_failed", error=repr(exc))
            self.error(
                CallError(
                    "audio_processing_failed",
                    f"input audio could not be processed: {exc}",
                    error_type="server_error",
                )
            )
            return
        self._audio_took(self.clock() - started)
        self.stream_clock.record(self.caller.now_ms, arrival)
        self._on_detector_events(events)
        for check in [e for e in events if isinstance(e, TurnCheck)]:
            await self._judge_turn(check)
        turns = self.session.turns
        if turns.in_speech and self.caller.detector.in_turn:
            s_start = turns.speech_start_ms
            if s_start is not None and self.caller.frames_ms - s_start > MAX_UTTERANCE_MS:
                self._on_detector_events(self.caller.detector.force_end(self.caller.frames_ms))

    def _audio_took(self, seconds: float) -> None:
        """Note how long a chunk waited for the audio worker: a run of late ones is logged
        where it begins and where it ends, each counted."""
        if seconds > AUDIO_LATE_S:
            metrics.AUDIO_LATE_CHUNKS.inc()
            self.late_chunks += 1
            if self.late_chunks == 1:
                log.warning(
                    "audio_processing_late",
                    took_ms=round(seconds * 1000),
                    queued_ms=round(self.pending_in_ms),
                )
        elif self.late_chunks:
            log.info("audio_processing_caught_up", late_chunks=self.late_chunks)
            self.late_chunks = 0

    def _audio_stuck(self) -> None:
        if self._end_requested.is_set():  # said once: the call is ending
            return
        log.error("audio_processing_stuck", waited_s=AUDIO_STUCK_S)
        self.error(
            CallError(
                "audio_processing_stuck",
                f"the caller's audio waited over {AUDIO_STUCK_S:g} s for the audio worker; "
                "the call ends",
                error_type="server_error",
            )
        )
        self.request_end(EndReason.ERROR)

    async def _judge_turn(self, check: TurnCheck) -> None:
        """The semantic step (``semantic_vad``): Smart Turn on the turn's audio, in the audio
        pool, before the next chunk is taken. Without the model, or when it fails or is
        late, no verdict is given: the silence fallback ends the turn."""
        model = self.speech.end_of_turn_model()
        if model is None:
            return
        caller = self.caller

        def judge() -> float:
            audio = caller.utterance(
                check.speech_start_ms, check.t_ms, before_ms=SMART_TURN_BEFORE_MS, after_ms=0.0
            )
            return model.complete_probability(audio)

        try:
            prob = await self.speech.run_audio(judge, timeout_s=SMART_TURN_TIMEOUT_S)
        except Exception as exc:  # the fallback still ends the turn
            log.warning("smart_turn_failed", error=repr(exc))
            return
        log.debug("smart_turn", p=round(prob, 3), silence_ms=check.t_ms - check.speech_end_ms)
        self._on_detector_events(caller.detector.verdict(check, prob))

    def _on_detector_events(self, events: list[TurnEvent]) -> None:
        turns = self.session.turns
        for event in events:
            actions: list[TurnAction]
            if isinstance(event, SpeechOnset):
                actions = turns.onset(event.t_ms)
            elif isinstance(event, OnsetDropped):
                actions = turns.onset_dropped(event.t_ms)
            elif isinstance(event, DetectedSpeechStarted):
                self.last_activity = self.clock()
                actions = turns.speech_started(event.t_ms)
            elif isinstance(event, DetectedBargeIn):
                actions = turns.barge_in(event.t_ms, event.last)
            elif isinstance(event, DetectedSpeechStopped):
                actions = turns.speech_stopped(event.t_ms)
            elif isinstance(event, SpeechResumed):
                actions = turns.speech_resumed(event.t_ms)
            elif isinstance(event, EndOfTurn):
                actions = turns.end_of_turn(event.t_ms, event.speech_end_ms)
            elif isinstance(event, TurnCheck):
                actions = []  # answered by _take_audio (_judge_turn)
            else:  # pragma: no cover - exhaustive
                actions = []
            self._carry_out_all(actions)

    def _carry_out(self, action: TurnAction) -> None:
        if isinstance(action, EmitSpeechStarted):
            self.emit(ev.SpeechStarted(action.item_id, action.audio_start_ms))
        elif isinstance(action, StartSpeculation):
            self._speculate(action)
        elif isinstance(action, CancelSpeculation):
            spec = self.specs.pop(action.item_id, None)
            if spec is not None:
                spec.cancel()
        elif isinstance(action, JudgeSpeech):
            judged = self.verdict[1] if self.verdict and self.verdict[0] == action.item_id else None
            if action.final and judged is None:
                # long speech over the agent and not one judgement back (a loaded machine):
                # it is not waited for any longer; speech this long is taken as meant
                log.info(
                    "interjection_unjudged", heard_ms=round(action.t_ms - action.audio_start_ms)
                )
                self._carry_out_all(self.session.turns.confirm_interruption(action.item_id))
            # one at a time: a judgement still running when more speech comes is followed by
            # the next step's (or, the turn over, by its whole transcript)
            elif self.judging is None or self.judging.done() or action.final:
                self.judging = self.spawn(self._judge_speech(action), "call-judge")
        elif isinstance(action, PauseReply):
            self._pause_reply()
        elif isinstance(action, ResumeReply):
            self._resume_reply()
        elif isinstance(action, BargeIn):
            metrics.INTERJECTIONS.labels("interrupt").inc()
            self.emit(ev.SpeechStarted(action.item_id, action.audio_start_ms))
            self._barge_in()
        elif isinstance(action, FinishTurn):
            spec = self.specs.get(action.item_id)
            job = _Job(action.item_id, spec, action.audio_end_ms, self.clock())
            job.auto = self.config.auto_respond
            job.over_agent = action.over_agent
            if action.interjection:
                self.spawn(self._interjection(job, action.audio_start_ms), "call-interjection")
            else:
                self._enqueue(job)

    def _enqueue(self, job: _Job) -> None:
        if self.session.floor is Floor.ENDED and job.spec is None and not job.keys_only:
            return
        try:
            self.jobs.put_nowait(job)
        except asyncio.QueueFull:
            self.error(
                CallError(
                    "too_many_turns",
                    "too many turns are waiting; this one was dropped",
                    error_type="server_error",
                )
            )
            return
        if self.session.floor is not Floor.ENDED:
            self._carry_out_all(self.session.turn_queued(job.auto))

    def _barge_in(self) -> None:
        action, turn_actions = self.session.barge_in()
        resp = self.response
        if (
            isinstance(action, CancelResponse)
            and resp is not None
            and not resp.finishing
            and not resp.goodbye  # the call ends after it: it is said to the end
        ):
            resp.cancel_reason = "turn_detected"
            resp.task.cancel()
        self._carry_out_all(turn_actions)

    # -- pauses -----------------------------------------------------------------------------
    def _pause_reply(self) -> None:
        """Speech over the agent is being judged: no more of its audio goes out for now, and
        a transport that can drop what its player holds does so."""
        resp = self.response
        if resp is None or resp.finishing or resp.goodbye or resp.playout.paused_at is not None:
            return
        po = resp.playout
        now = self.clock()
        sent = po.clock.sent_ms
        heard = min(sent, self._heard_ms(resp.item_id, po.clock, now))
        po.paused_at = now
        po.playing.clear()
        if self.flush_on_pause and sent > heard:
            po.dropped_after(now, heard)
            self._echo_stops(now)
        metrics.REPLY_PAUSES.labels("paused").inc()
        log.debug("reply_paused", heard_ms=round(heard), sent_ms=round(sent))
        self.emit(ev.ResponsePaused(resp.response_id, resp.item_id, heard, sent))

    def _heard_ms(self, item_id: str, clock: PlaybackClock, now: float) -> float:
        """How much of ``item_id``'s audio the caller has heard: the transport's report when
        it gives one, else the playback clock's reckoning."""
        if self.playback_reports:
            return self.played_ms.get(item_id, 0.0)
        return clock.played_ms(now)

    def _echo_stops(self, now: float) -> None:
        """The agent's audio stops being played at ``now``: what was given beyond it will
        not come back as an echo."""
        cut_ms = self.stream_clock.stream_at(now)
        if cut_ms is not None:
            self.echo.stop_reference(int(cut_ms * SAMPLE_RATE / 1000))

    def _resume_reply(self) -> None:
        """The speech that paused the agent was no interruption: it goes on."""
        resp = self.response
        if resp is None or resp.playout.paused_at is None:
            return
        po = resp.playout
        now = self.clock()
        paused_ms = (now - resp.playout.paused_at) * 1000.0
        po.paused_at = None
        po.restarted = True
        po.clock.restart(now)
        metrics.REPLY_PAUSES.labels("resumed").inc()
        log.debug("reply_resumed", paused_ms=round(paused_ms), at_ms=round(po.clock.sent_ms))
        self.emit(ev.ResponseResumed(resp.response_id, resp.item_id, po.clock.sent_ms, paused_ms))
        po.playing.set()

    async def _paused(self, playout: _Playout) -> None:
        """Wait (bounded) for the pause to end; past ``PAUSE_MAX_S`` the agent goes on."""
        try:
            await asyncio.wait_for(playout.playing.wait(), PAUSE_MAX_S)
        except TimeoutError:
            log.info("reply_pause_expired", paused_s=PAUSE_MAX_S)
            turns = self.session.turns
            if turns.paused_for is not None:
                self._carry_out_all(turns.dismiss(turns.paused_for))
            self._resume_reply()

    def _dismissed(self, item_id: str) -> None:
        """``item_id``'s speech over the agent was judged no interruption."""
        self._carry_out_all(self.session.turns.dismiss(item_id))

    # -- speculation ------------------------------------------------------------------------
    def _speculate(self, action: StartSpeculation) -> None:
        old = self.specs.pop(action.item_id, None)
        if old is not None:
            old.cancel()
        audio = self.caller.utterance(
            action.audio_start_ms,
            action.audio_end_ms,
            before_ms=max(self.config.prefix_padding_ms, TRANSCRIBE_LEAD_MS),
            after_ms=SPEECH_PAD_MS,
        )
        # speech over the agent is only transcribed: it may be a backchannel
        self._new_speculation(action.item_id, audio, prepare=not self.session.turns.agent_speaking)

    def _new_speculation(self, item_id: str, audio: Float32Array, *, prepare: bool) -> _Speculation:
        spec = _Speculation(item_id)
        self.specs[item_id] = spec
        spec.task = self.spawn(self._run_speculation(spec, audio, prepare=prepare), "call-spec")
        return spec

    async def _run_speculation(
        self, spec: _Speculation, audio: Float32Array, *, prepare: bool
    ) -> None:
        try:
            spec.audio_ms = audio.size / 16.0
            t0 = time.perf_counter()
            try:
                # speech over the agent is heard as the judgements hear it
                tr = await self.speech.transcribe(
                    audio,
                    self.config.language,
                    TRANSCRIBE_TIMEOUT_S,
                    prompt=None if prepare else judge_prompt(self.config.language),
                )
                spec.transcript = str(tr.text).strip()
            except TimeoutError:
                spec.error = "transcription_timeout"
                return
            except Exception as exc:
                spec.error = f"transcription_failed: {exc}"
                log.warning("transcription_failed", error=repr(exc))
                return
            spec.stt_ms = (time.perf_counter() - t0) * 1000
            if not prepare or not spec.transcript:
                return
            await self._prepare(spec, reply=self.config.auto_respond)
        finally:
            spec.done.set()

    async def _prepare(self, spec: _Speculation, *, reply: bool, dtmf: str = "") -> None:
        """Analyse and decide the transcribed turn (nothing stored); start its reply stream."""
        await asyncio.wait_for(self.conv_ready.wait(), PREPARE_TIMEOUT_S)
        assert self.conv is not None
        t1 = time.perf_counter()
        try:
            spec.prepared = await asyncio.wait_for(
                self.conversations.prepare(self.conv, spec.transcript, dtmf=dtmf),
                PREPARE_TIMEOUT_S,
            )
        except (TimeoutError, VoiceAgentError) as exc:
            spec.error = f"prepare_failed: {exc}"
            return
        spec.orch_ms = (time.perf_counter() - t1) * 1000
        if reply:
            spec.reply = ReplyStream(
                spec.prepared,
                self.speech,
                self.config.output_format.sample_rate,
                self.config.language,
                self.spawn,
            )

    async def _judge_speech(self, action: JudgeSpeech) -> None:
        """What the caller has said over the agent so far, transcribed and judged: an
        interruption stops the agent (:mod:`voice_agent.call.interruption`)."""
        audio = self.caller.utterance(
            action.audio_start_ms,
            action.t_ms,
            before_ms=max(self.config.prefix_padding_ms, TRANSCRIBE_LEAD_MS),
            after_ms=0.0,
        )
        try:
            tr = await self.speech.transcribe(
                audio,
                self.config.language,
                JUDGE_TIMEOUT_S,
                prompt=judge_prompt(self.config.language),
            )
        except Exception as exc:  # the next judgement or the turn's transcript decides
            log.warning("interjection_judge_failed", error=repr(exc))
            return
        text = str(tr.text).strip()
        heard_ms = round(action.t_ms - action.audio_start_ms)
        agent_text = self._agent_text()
        if is_echo(text, agent_text, self.config.language):
            log.debug("echo_ignored", text=text, heard_ms=heard_ms)
            self.verdict = (action.item_id, Verdict.BACKCHANNEL)
            self._dismissed(action.item_id)
            return
        verdict = judge(
            text,
            self.config.language,
            final=action.final,
            agent_text=agent_text,
            speaking=self._speaking(action.audio_start_ms),
            heard_ms=heard_ms,
        )
        self.verdict = (action.item_id, verdict)
        log.debug("interjection_judged", verdict=verdict.value, text=text, heard_ms=heard_ms)
        if verdict is Verdict.INTERRUPT:
            log.info("interjection_interrupts", text=text, heard_ms=heard_ms)
            self._carry_out_all(self.session.turns.confirm_interruption(action.item_id))
        elif verdict is Verdict.BACKCHANNEL:
            self._dismissed(action.item_id)

    def _speaking(self, speech_start_ms: float) -> bool:
        """The agent's reply is playing (or paused for the caller), and had been for
        :data:`SETTLED_REPLY_S` when the caller's speech began: speech over a reply that has
        only just begun is the caller going on with a turn the agent answered too soon."""
        resp = self.response
        if resp is None or resp.finishing or resp.task.done():
            return False
        began = resp.playout.clock.start
        said = self.stream_clock.wall_at(speech_start_ms)
        return began is not None and said is not None and said - began >= SETTLED_REPLY_S

    def _agent_text(self) -> str:
        """What the agent is saying (or said last): the sentences of its latest reply."""
        for item in reversed(self.agent_items.values()):
            return " ".join(sentence for sentence, _ in item.segments)
        return ""

    async def _interjection(self, job: _Job, start_ms: float) -> None:
        """Speech over the agent that ended before it was judged an interruption: judged on
        its whole transcript; a backchannel (or nothing) is ignored, anything else barges in."""
        spec = job.spec
        if spec is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(spec.done.wait(), TRANSCRIBE_TIMEOUT_S)
        text = spec.transcript if spec is not None else ""
        agent_text = self._agent_text()
        if is_echo(text, agent_text, self.config.language):
            self.specs.pop(job.item_id, None)
            metrics.INTERJECTIONS.labels("echo").inc()
            log.info("echo_ignored", text=text)
            self._dismissed(job.item_id)
            return
        verdict = judge(
            text,
            self.config.language,
            final=True,
            agent_text=agent_text,
            speaking=self._speaking(start_ms),
        )
        if verdict is not Verdict.INTERRUPT:
            self.specs.pop(job.item_id, None)
            metrics.INTERJECTIONS.labels("backchannel").inc()
            log.info("backchannel_ignored", text=text)
            self._dismissed(job.item_id)
            return
        metrics.INTERJECTIONS.labels("interrupt").inc()
        self.emit(ev.SpeechStarted(job.item_id, start_ms))
        self._barge_in()
        # transcribed over the agent, not prepared: the turn worker prepares it once the
        # interrupted reply is recorded
        self._enqueue(job)

    # -- turns ------------------------------------------------------------------------------
    async def _turn_worker(self) -> None:
        while True:
            job = await self.jobs.get()
            try:
                await self._handle_turn(job)
            finally:
                self.jobs.task_done()

    async def _handle_turn(self, job: _Job) -> None:
        ending = self.session.floor is Floor.ENDED
        # a previous response still running (an interjection barged in): let it finish
        resp = self.response
        if resp is not None and not resp.task.done():
            await asyncio.wait({resp.task}, timeout=RECORD_TIMEOUT_S + 1.0)
        if not ending:
            try:
                self._carry_out_all(self.session.turn_started(job.auto))
            except FloorError as exc:  # the reply did not stop in time: skip this turn
                log.error("turn_skipped", code=exc.code, error=exc.message)
                return
        spec = job.spec
        if job.keys_only and spec is None and self.dtmf_digits:
            spec = job.spec = _Speculation(job.item_id)  # nothing to transcribe
            spec.done.set()
        if spec is None:  # (keys already taken by a spoken turn)
            self._turn_failed()
            return
        if not job.manual and not job.keys_only:
            self.emit(ev.SpeechStopped(job.item_id, job.speech_end_ms))
        self.emit(ev.InputCommitted(job.item_id, self.last_item_id))
        self.last_item_id = job.item_id
        try:
            await asyncio.wait_for(spec.done.wait(), TRANSCRIBE_TIMEOUT_S + PREPARE_TIMEOUT_S)
        except TimeoutError:
            spec.error = spec.error or "speculation_timeout"
        self.specs.pop(job.item_id, None)
        if spec.error and not spec.transcript:
            self.emit(ev.TranscriptionFailed(job.item_id, "transcription_failed", spec.error))
            self._turn_failed()
            return
        if job.over_agent and is_echo(spec.transcript, self._agent_text(), self.config.language):
            # began over the agent and outlasted it: the agent's own voice came back
            metrics.INTERJECTIONS.labels("echo").inc()
            log.info("echo_ignored", item_id=job.item_id, text=spec.transcript)
            self.emit(
                ev.TranscriptionFailed(
                    job.item_id,
                    "echo_of_agent",
                    "the speech heard was the agent's own voice coming back on the line",
                )
            )
            self._turn_failed()
            return
        if not spec.transcript and not job.keys_only and not self.dtmf_digits:
            # speech was detected but no words came out: said, never silently dropped
            log.info("turn_without_words", item_id=job.item_id, audio_ms=spec.audio_ms)
            self.emit(
                ev.TranscriptionFailed(
                    job.item_id,
                    "no_speech_recognized",
                    f"{spec.audio_ms:.0f} ms of speech were heard but no words recognised",
                )
            )
            self._turn_failed()
            return
        dtmf = self.dtmf_digits
        if spec.error is None and (dtmf or (spec.transcript and spec.prepared is None)):
            # keys pressed (alone or during the turn), or transcribed over the agent
            if spec.reply is not None:
                spec.reply.cancel()
                spec.reply = None
            spec.prepared = None
            await self._prepare(spec, reply=job.auto and not ending, dtmf=dtmf)
        if spec.prepared is None:
            self._transcribed(job, spec)  # heard, though it cannot be answered
            if spec.error:
                self.error(
                    CallError(
                        "turn_failed",
                        f"the turn could not be processed: {spec.error}",
                        error_type="server_error",
                    )
                )
            self._turn_failed()
            return
        self.dtmf_digits = ""
        assert self.conv is not None
        speech_end_wall = self.stream_clock.wall_at(job.speech_end_ms) or job.detected_at
        timings = {
            "vad_end": max(0.0, (job.detected_at - speech_end_wall) * 1000),
            "transcription": spec.stt_ms,
            "orchestrator": spec.orch_ms,
            "audio_ms": spec.audio_ms,
        }
        if job.keys_only:
            timings = {"orchestrator": spec.orch_ms}
        await asyncio.wait_for(
            self.conversations.commit(self.conv, spec.prepared, timings_ms=timings),
            RECORD_TIMEOUT_S,
        )
        self._transcribed(job, spec)  # acknowledged once stored
        insights = spec.prepared.insights
        self.emit(ev.TurnInsights(job.item_id, spec.transcript, insights, timings))
        log.info(
            "turn",
            transcript=spec.transcript,
            dtmf=dtmf or None,
            action=insights.next_action.name if insights.next_action else None,
            p_conversion=round(insights.conversion_probability, 3),
        )
        action: FloorAction = DropReply()  # hung up: the turn is stored, no reply
        if self.winding is not None:  # the call is being wound down: no reply either
            self._turn_failed()
        elif self.session.floor is not Floor.ENDED:
            action, turn_actions = self.session.turn_ready(job.auto)
            self._carry_out_all(turn_actions)
        if not isinstance(action, SpeakReply):  # dropped (talked over, hung up) or held
            if spec.reply is not None:
                spec.reply.cancel()
                spec.reply = None
            if isinstance(action, HoldReply):
                self.held = _Held(spec.prepared, job)
            return
        self._start_response(
            spec.prepared, spec.reply, job, timings, speech_end_wall=speech_end_wall
        )
        resp = self.response
        if resp is not None:
            await asyncio.wait({resp.task})

    def _transcribed(self, job: _Job, spec: _Speculation) -> None:
        if not job.keys_only:
            self.emit(
                ev.TranscriptionCompleted(
                    job.item_id, spec.transcript, spec.audio_ms / 1000.0, self.config.language
                )
            )

    def _turn_failed(self) -> None:
        if self.session.floor is not Floor.ENDED:
            self._carry_out_all(self.session.turn_failed())

    # -- responses --------------------------------------------------------------------------
    def _start_response(
        self,
        prepared: PreparedTurn,
        reply: ReplyStream | None,
        job: _Job | None,
        timings: dict[str, float],
        speech_end_wall: float | None = None,
        *,
        goodbye: bool = False,
    ) -> None:
        if reply is None:
            reply = ReplyStream(
                prepared,
                self.speech,
                self.config.output_format.sample_rate,
                self.config.language,
                self.spawn,
            )
        response_id, item_id = new_id("resp"), new_id("item")
        playout = _Playout()
        task = self.spawn(
            self._respond(
                response_id,
                item_id,
                prepared,
                reply,
                job,
                dict(timings),
                speech_end_wall,
                playout,
                goodbye=goodbye,
            ),
            "call-response",
        )
        self.response = _Response(response_id, item_id, task, playout, goodbye=goodbye)

    async def _respond(
        self,
        response_id: str,
        item_id: str,
        prepared: PreparedTurn,
        reply: ReplyStream,
        job: _Job | None,
        timings: dict[str, float],
        speech_end_wall: float | None,
        playout: _Playout,
        *,
        goodbye: bool = False,
    ) -> None:
        assert self.conv is not None
        rate = self.config.output_format.sample_rate
        clock = playout.clock
        item = _AgentItem(prepared, [])
        segments = item.segments
        self.agent_items[item_id] = item
        status: ev.ResponseStatus = "completed"
        self.emit(ev.ResponseStarted(response_id, item_id, self.conv.id))
        t_resp = time.perf_counter()
        step = int(rate * DELTA_MS / 1000)
        # the echo canceller's reference: the reply at 16 kHz, placed on the caller's stream
        # clock where it is expected to be played (from the first chunk on, in real time)
        to_16k = StreamResampler(rate, SAMPLE_RATE)
        #: where the reply's next audio falls on the caller's stream (16 kHz samples), for
        #: the echo canceller's reference
        ref_at: float | None = None
        ref_pending: list[tuple[float, npt.NDArray[np.int16]]] = []
        new_sentence = True
        exhausted = False  # every sentence of the reply was synthesized and sent
        done_reason: str | None = None
        #: stopped for a wind-down once all that was sent had been heard
        heard_to_end = False

        def send(at_ms: float, piece: npt.NDArray[np.int16], at: float | None) -> float | None:
            """Send one piece that starts ``at_ms`` into the item. ``at``: where the echo
            canceller's reference goes on (16 kHz samples of the caller's stream; ``None``:
            not placed yet, or the player started again); returns where it goes on next."""
            now = self.clock()
            if clock.start is None:
                if speech_end_wall is not None:
                    timings["first_audio"] = (now - speech_end_wall) * 1000
                timings["response_start_to_first_audio"] = (time.perf_counter() - t_resp) * 1000
                if reply.tts_first_ms is not None:
                    timings["tts_first_chunk"] = reply.tts_first_ms
            ref_pending.append((at_ms, to_16k.process(piece)))
            playout.keep(at_ms, piece)
            clock.sent(now, piece.size * 1000.0 / rate)
            if at is None:
                # placed once the caller's stream is known (a greeting may start before the
                # first chunk of the caller's audio has come): the player plays item time t
                # at clock.start + t; from there the pieces follow one another
                base = self.stream_clock.stream_at(now if clock.start is None else clock.start)
                if base is not None:
                    at = (base + ref_pending[0][0]) * SAMPLE_RATE / 1000
            if at is not None:
                for _, ref in ref_pending:
                    self.echo.reference(int(at), ref)
                    at += ref.size
                ref_pending.clear()
            self.emit(ev.ResponseAudio(response_id, item_id, piece, clock.sent_ms))
            self.last_activity = now
            return at

        async def held(at: float | None) -> float | None:
            """Wait out a pause (bounded); once resumed (it may have begun and ended while
            the sender slept), send again what a flushed player dropped."""
            if not playout.playing.is_set():
                await self._paused(playout)
            if playout.restarted:
                playout.restarted = False
                at = None  # the player starts again: the reference is placed anew
                for at_ms, again in playout.to_resend(rate):
                    at = send(at_ms, again, at)
                playout.resend_from = None
            return at

        try:
            while True:
                got = await reply.next_chunk()
                if got is None:
                    exhausted = True
                    # a pause now may have dropped the end of what was sent: it is sent
                    # again once the agent resumes
                    ref_at = await held(ref_at)
                    break
                sentence, chunk = got
                if chunk is None:
                    new_sentence = True
                    winding = self.winding
                    if winding is not None and not goodbye:  # stop at this sentence's end
                        done_reason = winding.reason.value
                        status = "incomplete"
                        unheard_s = clock.remaining_ms(self.clock()) / 1000.0
                        wait_s = min(WIND_DOWN_HEARD_S, winding.speech_s(time.monotonic()))
                        await asyncio.sleep(min(unheard_s, wait_s))
                        # (a sleep may end a hair early: the sentence still counts as heard)
                        heard_to_end = unheard_s <= wait_s
                        break
                    continue
                dur = chunk.size * 1000.0 / rate
                if new_sentence:
                    new_sentence = False
                    segments.append((sentence, dur))
                    delta = sentence if len(segments) == 1 else " " + sentence
                    self.emit(ev.ResponseText(response_id, item_id, delta))
                else:
                    segments[-1] = (sentence, segments[-1][1] + dur)
                for i in range(0, chunk.size, step):
                    piece = chunk[i : i + step]
                    while True:  # paced, and held while paused
                        ref_at = await held(ref_at)
                        delay = clock.send_delay(self.clock())
                        if delay <= 0:
                            break
                        await asyncio.sleep(delay)
                    ref_at = send(clock.sent_ms, piece, ref_at)
                    unsent_ms = (chunk.size - i - piece.size) * 1000.0 / rate
                    reply.wants_more(clock.remaining_ms(self.clock()) + unsent_ms)
            if reply.error:
                status = "failed" if not segments else "incomplete"
        except asyncio.CancelledError:
            status = "cancelled"
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # finish the bookkeeping below, then re-raise
        except TimeoutError:
            status = "incomplete"
            log.warning("tts_timeout")
        finally:
            reply.cancel()
        full = " ".join(s for s, _ in segments)
        heard, truncated = full, False
        if status != "completed":
            played = self._heard_ms(item_id, clock, self.clock())
            if heard_to_end:
                played = max(played, clock.sent_ms)
            heard, truncated = played_text(segments, played)
            if not truncated and (status == "incomplete" or not exhausted):
                # all that was sent was heard, but the reply had more to say
                truncated = True
        log.debug("echo_state", **self._echo_summary())
        if status != "completed":  # what was not played will not come back as an echo
            self._echo_stops(self.clock())
        resp = self.response
        if status == "cancelled" and resp is not None:
            done_reason = resp.cancel_reason
            if self.winding is not None and done_reason == self.winding.reason.value:
                status = "incomplete"  # cut by the wind-down's deadline, not by anyone
        if resp is not None:
            resp.finishing = True
        try:  # stored before the client is told the response is done (acknowledged)
            item.turn = await asyncio.wait_for(
                self.conversations.record_reply(
                    self.conv, prepared, heard, truncated=truncated, timings_ms=timings
                ),
                RECORD_TIMEOUT_S,
            )
            if item.pending_truncation_ms is not None:
                await self._apply_truncation(item, item.pending_truncation_ms)
        except Exception as exc:
            log.error("record_reply_failed", error=repr(exc))
        finally:
            self.emit(
                ev.ResponseDone(response_id, item_id, self.conv.id, status, heard, done_reason)
            )
            self.last_item_id = item_id
            for k, v in timings.items():
                if k in _STAGES:
                    metrics.STAGE_SECONDS.labels(k).observe(v / 1000.0)
            if timings:
                self.emit(ev.ResponseTimings(job.item_id if job else None, response_id, timings))
            if self.response is not None and self.response.task is asyncio.current_task():
                self.response = None
            if self.session.floor is not Floor.ENDED:
                self._carry_out_all(self.session.response_ended())
        if prepared.action.name == "hand_off" and self.hand_off_ends_call:
            self.request_end(EndReason.AGENT_HAND_OFF)
        if status == "cancelled":
            raise asyncio.CancelledError
