"""The ``/v1/realtime`` WebSocket transport (Starlette).

One :class:`RealtimeCall` per connection owns these tasks, all cancelled on hang-up:

* the *reader* parses client frames into typed events (``events.py``) and dispatches them;
* the *audio worker* decodes, resamples and runs Silero VAD on appended audio in a worker
  thread, feeds the turn detector and the session core (``session.py``) and carries out
  the actions they return;
* *speculation* tasks start at end of speech (before the end-of-turn silence has elapsed):
  transcription, then the orchestrator's ``prepare`` and the first sentence's synthesis;
  they are dropped when the caller goes on;
* the *turn worker* handles ends of turn in order: it commits the customer turn, sends the
  transcript and the insights, and runs the response (paced audio deltas);
* the *writer* sends server events from a bounded queue; a client that stops reading is
  disconnected instead of growing memory without bound.

Replies are synthesized clause by clause just in time for playback (about 1.5 s ahead) and
sent at most ``PlaybackClock.lead_ms`` ahead of the caller's ear, so a barge-in stops the
agent at once and the text that was really heard can be stored; first chunks of replies go
before other calls' continuation chunks on the shared TTS worker (:class:`TtsGate`).

Protocol extensions: ``session.customer`` (profile), ``session.greeting`` (agent speaks
first), ``session.language``; server events ``conversation.item.insights`` (a customer
turn's insights and next best action) and ``response.timings`` (per-stage milliseconds).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
import weakref
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Final

import numpy as np
import numpy.typing as npt
import structlog
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState

from voice_agent import metrics
from voice_agent.audio import codec
from voice_agent.audio.resample import StreamResampler
from voice_agent.audio.turn_detector import (
    BargeIn as DetBargeIn,
)
from voice_agent.audio.turn_detector import (
    EndOfTurn,
    SpeechResumed,
    SpeechStarted,
    SpeechStopped,
    TurnConfig,
    TurnDetector,
    TurnEvent,
    is_backchannel,
)
from voice_agent.audio.vad import SileroVAD
from voice_agent.core.conversation import Conversation, Turn
from voice_agent.errors import Unauthorized, VoiceAgentError
from voice_agent.realtime.events import (
    FORMAT_RATE,
    ClientEvent,
    InputAudioAppend,
    InputAudioClear,
    InputAudioCommit,
    ItemTruncate,
    RealtimeProtocolError,
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
from voice_agent.realtime.session import (
    BargeIn,
    CancelSpeculation,
    EmitSpeechStarted,
    FinishTurn,
    PlaybackClock,
    StartSpeculation,
    StreamClock,
    TurnAction,
    TurnTaking,
    UtteranceBuffer,
    played_text,
)

log = structlog.get_logger("voice_agent.realtime")

#: Decoding, resampling and VAD of input audio (small, frequent jobs).
_AUDIO_EXECUTOR: Final = ThreadPoolExecutor(max_workers=2, thread_name_prefix="rt-audio")

OUT_QUEUE_MAX: Final = 1024  # server events waiting for a slow client
IN_QUEUE_MAX_MS: Final = 20_000.0  # appended audio waiting for the audio worker
DELTA_MS: Final = 100.0  # audio per response.output_audio.delta
SEND_TIMEOUT_S: Final = 10.0
TRANSCRIBE_TIMEOUT_S: Final = 10.0
PREPARE_TIMEOUT_S: Final = 10.0
TTS_TIMEOUT_S: Final = 10.0
RECORD_TIMEOUT_S: Final = 5.0
CONFIG_WAIT_S: Final = 0.3  # time a client gets to send session.update before the greeting
MAX_UTTERANCE_MS: Final = 30_000.0
SPEECH_PAD_MS: Final = 150.0
#: A reply's next chunk is synthesized when less than this much audio is ready ahead of
#: the caller's ear (synthesis of one chunk takes ~0.1-0.6 s on a busy 2-core machine).
JIT_AHEAD_MS: Final = 1500.0
#: Silence after speech before the speculative transcription starts. Shorter starts sooner
#: but wastes more transcriptions on pauses inside a sentence (a started Whisper decode
#: cannot be interrupted); 160 ms measured 8 resumptions on 14 test utterances, 200 ms 4.
SPECULATION_HANGOVER_MS: Final = 160.0  # audio kept after the end of speech for the transcriber


@dataclass(slots=True)
class _Speculation:
    """Speculative work for one caller utterance."""

    item_id: str
    start_ms: float
    end_ms: float
    task: asyncio.Task[None] | None = None
    transcript: str = ""
    stt_ms: float = 0.0
    audio_ms: float = 0.0
    prepared: Any = None
    orch_ms: float = 0.0
    reply: _ReplyStream | None = None
    error: str | None = None
    done: asyncio.Event = field(default_factory=asyncio.Event)

    def cancel(self) -> None:
        if self.task is not None:
            self.task.cancel()
        if self.reply is not None:
            self.reply.cancel()


@dataclass(slots=True)
class _Job:
    item_id: str
    spec: _Speculation | None
    speech_end_ms: float
    detected_at: float  # wall time the end of turn was decided
    manual: bool = False


class TtsGate:
    """Lets the first chunk of a reply go before the next chunks of other replies.

    All calls share one TTS worker. A caller waiting for the agent's first words matters
    more than a chunk another caller will hear a second from now, so while any first chunk
    is being synthesized, continuation chunks wait (at most ``max_wait_s``: playback keeps
    about ``JIT_AHEAD_MS`` of audio ahead, so they have time).
    """

    def __init__(self, max_wait_s: float = 0.5) -> None:
        self.max_wait_s = max_wait_s
        self.pending = 0
        self._clear = asyncio.Event()
        self._clear.set()

    def first_started(self) -> None:
        self.pending += 1
        self._clear.clear()

    def first_done(self) -> None:
        self.pending = max(0, self.pending - 1)
        if self.pending == 0:
            self._clear.set()

    async def continuation(self) -> None:
        if self.pending:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._clear.wait(), self.max_wait_s)


_GATES: weakref.WeakKeyDictionary[Any, TtsGate] = weakref.WeakKeyDictionary()


def tts_gate(engines: Any) -> TtsGate:
    """The gate of one set of speech engines (one per server process)."""
    gate = _GATES.get(engines)
    if gate is None:
        gate = _GATES[engines] = TtsGate()
    return gate


def split_first_clause(sentence: str, min_words: int = 2, max_chars: int = 60) -> list[str]:
    """Split a sentence after its first clause (a comma, semicolon or colon) when that
    clause is short; otherwise return it whole."""
    for i, ch in enumerate(sentence):
        if i > max_chars:
            break
        if ch in ",;:" and i + 1 < len(sentence) and sentence[i + 1] == " ":
            head, tail = sentence[: i + 1].strip(), sentence[i + 1 :].strip()
            if len(head.split()) >= min_words and len(tail.split()) >= min_words:
                return [head, tail]
    return [sentence]


class _ReplyStream:
    """Generates the reply's sentences and synthesizes them ahead of playback (bounded)."""

    def __init__(self, prepared: Any, engines: Any, out_rate: int, language: str) -> None:
        self.prepared = prepared
        self.language = language
        self.engines = engines
        self.out_rate = out_rate
        self.queue: asyncio.Queue[tuple[str, npt.NDArray[np.int16] | None] | None] = asyncio.Queue(
            maxsize=2
        )
        self.tts_first_ms: float | None = None
        self.error: str | None = None
        #: set when playback wants the next chunk synthesized (initially: the first one)
        self.demand = asyncio.Event()
        self.demand.set()
        self.queued_ms = 0.0
        self.gate = tts_gate(engines)
        self._t0 = time.perf_counter()
        self.task = asyncio.create_task(self._produce())

    async def _produce(self) -> None:
        try:
            sentences: AsyncIterator[str] = self.prepared.sentences()
            first = True
            async for sentence in sentences:
                sentence = sentence.strip()
                if not sentence:
                    continue
                # the first sentence is synthesized clause by clause: a short first chunk
                # means the caller hears the agent sooner
                pieces = split_first_clause(sentence) if first else [sentence]
                first = False
                for piece in pieces:
                    await self._synthesize(sentence, piece)
                await self.queue.put((sentence, None))  # end of sentence
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("reply_stream_failed", error=self.error)
        await self.queue.put(None)

    async def _synthesize(self, sentence: str, piece: str) -> None:
        """Pull the synthesis of ``piece`` chunk by chunk, each only when playback needs it
        (see :attr:`demand`), so replies do not crowd the shared TTS worker in bursts."""
        stream = self.engines.synthesize_stream(piece, self.out_rate, language=self.language)
        chunks = aiter(stream)
        try:
            while True:
                await self.demand.wait()
                first = self.tts_first_ms is None
                if first:
                    self.gate.first_started()
                else:
                    await self.gate.continuation()
                t0 = time.perf_counter()
                try:
                    chunk = await anext(chunks)
                except StopAsyncIteration:
                    return
                finally:
                    if first:
                        self.gate.first_done()
                if first:
                    self.tts_first_ms = (time.perf_counter() - t0) * 1000
                self.demand.clear()
                self.queued_ms += chunk.size * 1000.0 / self.out_rate
                await self.queue.put((sentence, chunk))
        finally:
            await stream.aclose()

    async def next_chunk(self) -> tuple[str, npt.NDArray[np.int16] | None] | None:
        """The next item for playback: ``(sentence, chunk)``, ``(sentence, None)`` at the end
        of a sentence, ``None`` at the end of the reply."""
        if self.queue.empty():
            self.demand.set()
        got = await asyncio.wait_for(self.queue.get(), TTS_TIMEOUT_S)
        if got is not None and got[1] is not None:
            self.queued_ms -= got[1].size * 1000.0 / self.out_rate
        return got

    def wants_more(self, ahead_ms: float) -> None:
        """Playback has ``ahead_ms`` of audio besides what is queued: ask for the next chunk
        when that gets short."""
        if ahead_ms + self.queued_ms < JIT_AHEAD_MS:
            self.demand.set()

    def cancel(self) -> None:
        self.task.cancel()


class RealtimeCall:
    """One realtime session over an accepted WebSocket."""

    def __init__(self, ws: WebSocket, services: Any, engines: Any) -> None:
        self.ws = ws
        self.svc = services
        self.orch = services.orchestrator
        self.engines = engines
        settings = services.settings
        self.session_id = new_id("sess")
        self.ev = ServerEvents()
        self.cfg = SessionConfig(
            language="es" if str(settings.stt_language).startswith("es") else "en",
            greeting=bool(settings.greet_first),
            turn_detection=TurnDetectionConfig(silence_duration_ms=int(settings.silence_ms)),
        )
        self.out: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=OUT_QUEUE_MAX)
        self.audio_in: asyncio.Queue[tuple[bytes, float]] = asyncio.Queue()
        self.pending_in_ms = 0.0
        self.jobs: asyncio.Queue[_Job] = asyncio.Queue(maxsize=8)
        self.conv: Conversation | None = None
        self.conv_ready = asyncio.Event()
        self.configured = asyncio.Event()
        self.closing = False
        self.close_reason: tuple[int, str] | None = None
        self.tasks: set[asyncio.Task[Any]] = set()
        self.specs: dict[str, _Speculation] = {}
        self.response_task: asyncio.Task[None] | None = None
        self.response_id: str | None = None
        self.cancel_reason: str = "turn_detected"
        self.last_item_id: str | None = None
        self.pending_prepared: tuple[Any, _Job, _Speculation] | None = None
        self.agent_items: dict[str, tuple[Any, list[tuple[str, float]]]] = {}
        #: item id -> audio_end_ms of a truncate that came before its reply was recorded
        self.pending_truncations: dict[str, float] = {}
        #: a barge-in came while a turn was being prepared (no response yet): skip its reply
        self.barge_flag = False
        self._reset_audio()

    # -- audio state -------------------------------------------------------------------------
    def _reset_audio(self) -> None:
        fmt = codec.AudioFormat.parse(self.cfg.input_format)
        self.in_fmt = fmt
        self.resampler = StreamResampler(FORMAT_RATE[self.cfg.input_format], 16000)
        self.vad = SileroVAD(self.engines.vad_model)
        td = self.cfg.turn_detection or TurnDetectionConfig()
        engine_cfg = getattr(self.engines, "config", None)
        base = engine_cfg.turn_config() if engine_cfg is not None else TurnConfig()
        self.detector = TurnDetector(
            TurnConfig(
                start_threshold=td.threshold,
                stop_threshold=min(base.stop_threshold, td.threshold),
                silence_ms=float(td.silence_duration_ms),
                stop_hangover_ms=min(SPECULATION_HANGOVER_MS, float(td.silence_duration_ms)),
                min_speech_ms=base.min_speech_ms,
                resume_min_ms=base.resume_min_ms,
                barge_in_min_ms=base.barge_in_min_ms,
            )
        )
        prev: TurnTaking | None = getattr(self, "turns", None)
        speaking = prev is not None and prev.agent_speaking
        self.turns: TurnTaking = TurnTaking(interrupt_response=td.interrupt_response)
        if speaking:
            self.turns.agent_started()
        self.buffer = UtteranceBuffer()
        self.stream_clock = StreamClock()
        self.frames_t_ms = 0.0  # stream time of the next VAD frame
        self.input_ms = 0.0  # stream time of all input received
        self.manual_start_ms = 0.0

    # -- plumbing ----------------------------------------------------------------------------
    def spawn(self, coro: Any, name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(coro, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("realtime_task_failed", task=task.get_name(), error=repr(exc))
            self.close(1011, "internal error")

    def send(self, event: dict[str, Any]) -> None:
        if self.closing:
            return
        try:
            self.out.put_nowait(event)
        except asyncio.QueueFull:
            metrics.ERRORS.labels("client_not_reading").inc()
            log.warning("client_not_reading", session=self.session_id)
            self.close(1008, "client is not reading events")

    def error(self, exc: RealtimeProtocolError) -> None:
        metrics.ERRORS.labels(exc.code).inc()
        self.send(self.ev.error(exc))

    def close(self, code: int, reason: str) -> None:
        if self.close_reason is None:
            self.close_reason = (code, reason)
        self.closing = True
        with contextlib.suppress(asyncio.QueueFull):
            self.out.put_nowait(None)

    async def _writer(self) -> None:
        while True:
            event = await self.out.get()
            if event is None:
                return
            try:
                await asyncio.wait_for(self.ws.send_text(json.dumps(event)), SEND_TIMEOUT_S)
            except TimeoutError:
                log.warning("client_send_timeout", session=self.session_id)
                self.close_reason = self.close_reason or (1008, "client is not reading events")
                return

    # -- the call ----------------------------------------------------------------------------
    async def run(self) -> None:
        metrics.OPEN_SESSIONS.inc()
        writer = asyncio.create_task(self._writer(), name="rt-writer")
        self.send(self.ev.session_created(self.cfg, self.session_id))
        self.spawn(self._start_conversation(), "rt-start")
        self.spawn(self._audio_worker(), "rt-audio")
        self.spawn(self._turn_worker(), "rt-turns")
        reader = asyncio.create_task(self._reader(), name="rt-reader")
        try:
            await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            metrics.OPEN_SESSIONS.dec()
            reader.cancel()
            await self._shutdown()
            if not writer.done():
                self.close(*(self.close_reason or (1000, "session ended")))
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer, 2.0)
                writer.cancel()
            if self.ws.client_state == WebSocketState.CONNECTED:
                code, reason = self.close_reason or (1000, "session ended")
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(self.ws.close(code, reason), 2.0)
            if self.conv is not None:
                self.orch.forget(self.conv.id)
            log.info(
                "realtime_session_closed",
                session=self.session_id,
                conversation_id=self.conv.id if self.conv else None,
            )

    async def _shutdown(self) -> None:
        """Hang-up: stop every task; a response in flight records what was played."""
        for spec in list(self.specs.values()):
            spec.cancel()
        if self.response_task is not None and not self.response_task.done():
            self.cancel_reason = "client_disconnected"
            self.response_task.cancel()
            await asyncio.wait({self.response_task}, timeout=RECORD_TIMEOUT_S)
        for task in list(self.tasks):
            task.cancel()
        if self.tasks:
            await asyncio.wait(list(self.tasks), timeout=RECORD_TIMEOUT_S)

    async def _reader(self) -> None:
        while not self.closing:
            try:
                msg = await self.ws.receive()
            except (WebSocketDisconnect, RuntimeError):
                return
            if msg["type"] == "websocket.disconnect":
                return
            text = msg.get("text")
            if text is None:
                self.error(
                    RealtimeProtocolError("binary_not_supported", "send events as JSON text frames")
                )
                continue
            try:
                event = parse_client_event(text)
                await self._dispatch(event)
            except RealtimeProtocolError as exc:
                self.error(exc)

    async def _dispatch(self, event: ClientEvent) -> None:
        if isinstance(event, InputAudioAppend):
            self._append(event)
        elif isinstance(event, SessionUpdate):
            old = self.cfg
            new = apply_session_update(self.cfg, event.session)
            supports = getattr(self.engines, "supports_language", None)
            if new.language != old.language and supports is not None and not supports(new.language):
                raise RealtimeProtocolError(
                    "unsupported_language",
                    f"no speech-to-text model for language {new.language!r} on this server",
                    param="session.audio.input.transcription.language",
                )
            self.cfg = new
            if (
                old.input_format != self.cfg.input_format
                or old.turn_detection != self.cfg.turn_detection
            ):
                busy = self.turns.in_speech
                if busy and old.input_format != self.cfg.input_format:
                    self.cfg = replace(self.cfg, input_format=old.input_format)
                    raise RealtimeProtocolError(
                        "session_busy",
                        "the input format cannot change during a turn or a response",
                        param="session.audio.input.format",
                        event_id=event.event_id,
                    )
                self._reset_audio()
            if self.conv is not None and (
                old.language != self.cfg.language or old.customer != self.cfg.customer
            ):
                self.conv.lang = self.cfg.language
                self.conv.customer = dict(self.cfg.customer)
                await self.orch.store.update_conversation(self.conv)
            self.configured.set()
            self.send(self.ev.session_updated(self.cfg, self.session_id))
        elif isinstance(event, InputAudioCommit):
            await self._commit(event)
        elif isinstance(event, InputAudioClear):
            for action in self.turns.clear():
                self._carry_out(action)
            self.detector.reset()
            self.buffer.clear()
            self.manual_start_ms = self.buffer.end_ms
            self.send(self.ev.cleared())
        elif isinstance(event, ResponseCreate):
            await self._response_create(event)
        elif isinstance(event, ResponseCancel):
            if (
                self.response_task is None
                or self.response_task.done()
                or (event.response_id is not None and event.response_id != self.response_id)
            ):
                raise RealtimeProtocolError(
                    "response_cancel_not_active",
                    "there is no active response to cancel",
                    param="response_id",
                )
            self.cancel_reason = "client_cancelled"
            self.response_task.cancel()
        elif isinstance(event, ItemTruncate):
            await self._truncate(event)

    # -- input audio -------------------------------------------------------------------------
    def _append(self, event: InputAudioAppend) -> None:
        width = 2 if self.cfg.input_format == "audio/pcm" else 1
        if len(event.audio) % width:
            raise RealtimeProtocolError(
                "invalid_audio_length",
                f"{self.cfg.input_format} audio must be a whole number of {width}-byte samples",
                param="audio",
            )
        if not event.audio:
            return
        ms = len(event.audio) / width * 1000.0 / FORMAT_RATE[self.cfg.input_format]
        if self.pending_in_ms + ms > IN_QUEUE_MAX_MS:
            raise RealtimeProtocolError(
                "input_audio_buffer_overflow",
                f"more than {IN_QUEUE_MAX_MS / 1000:.0f} s of audio is waiting to be processed;"
                " this chunk was dropped: send audio at real-time pace",
                param="audio",
                error_type="rate_limit_error",
            )
        self.pending_in_ms += ms
        self.audio_in.put_nowait((event.audio, time.time()))

    def _process_chunk(
        self, data: bytes, fmt: codec.AudioFormat, manual: bool
    ) -> tuple[npt.NDArray[np.int16], list[float]]:
        """Worker thread: decode, resample to 16 kHz, VAD."""
        samples = codec.decode(data, fmt)
        pcm16k = self.resampler.process(samples)
        probs = [] if manual else self.vad.process(pcm16k)
        return pcm16k, probs

    async def _audio_worker(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            data, arrival = await self.audio_in.get()
            width = 2 if self.cfg.input_format == "audio/pcm" else 1
            self.pending_in_ms -= len(data) / width * 1000.0 / FORMAT_RATE[self.cfg.input_format]
            manual = self.cfg.turn_detection is None
            try:
                pcm16k, probs = await loop.run_in_executor(
                    _AUDIO_EXECUTOR, self._process_chunk, data, self.in_fmt, manual
                )
            except codec.AudioFormatError as exc:
                self.error(RealtimeProtocolError(exc.code, str(exc), param="audio"))
                continue
            except Exception as exc:  # a broken chunk must not end the call
                log.warning("audio_processing_failed", error=repr(exc))
                self.error(
                    RealtimeProtocolError(
                        "audio_processing_failed",
                        f"input audio could not be processed: {exc}",
                        error_type="server_error",
                    )
                )
                continue
            self.buffer.append(pcm16k)
            self.input_ms = self.buffer.end_ms
            self.stream_clock.record(self.input_ms, arrival)
            for prob in probs:
                t = self.frames_t_ms
                self.frames_t_ms += self.detector.config.frame_ms
                for det_event in self.detector.feed(min(1.0, max(0.0, prob)), t):
                    self._on_detector(det_event)
            if self.turns.in_speech and self.detector.in_turn:
                s_start = self.turns.speech_start_ms
                if s_start is not None and self.frames_t_ms - s_start > MAX_UTTERANCE_MS:
                    for det_event in self.detector.force_end(self.frames_t_ms):
                        self._on_detector(det_event)
            if not self.turns.in_speech and not manual:
                # keep only the pre-roll needed for the next utterance
                pad = (self.cfg.turn_detection or TurnDetectionConfig()).prefix_padding_ms
                self.buffer.discard_before(self.frames_t_ms - pad - 1000.0)

    def _on_detector(self, event: TurnEvent) -> None:
        actions: list[TurnAction]
        if isinstance(event, SpeechStarted):
            actions = self.turns.speech_started(event.t_ms)
        elif isinstance(event, DetBargeIn):
            actions = self.turns.barge_in(event.t_ms)
        elif isinstance(event, SpeechStopped):
            actions = self.turns.speech_stopped(event.t_ms)
        elif isinstance(event, SpeechResumed):
            actions = self.turns.speech_resumed(event.t_ms)
        elif isinstance(event, EndOfTurn):
            actions = self.turns.end_of_turn(event.t_ms, event.speech_end_ms)
        else:  # pragma: no cover - exhaustive
            actions = []
        for action in actions:
            self._carry_out(action)

    def _carry_out(self, action: TurnAction) -> None:
        if isinstance(action, EmitSpeechStarted):
            self.send(self.ev.speech_started(action.item_id, action.audio_start_ms))
        elif isinstance(action, StartSpeculation):
            self._speculate(
                action.item_id,
                action.audio_start_ms,
                action.audio_end_ms,
                interjection=self.turns.agent_speaking,
            )
        elif isinstance(action, CancelSpeculation):
            spec = self.specs.pop(action.item_id, None)
            if spec is not None:
                spec.cancel()
        elif isinstance(action, BargeIn):
            self.send(self.ev.speech_started(action.item_id, action.audio_start_ms))
            self._barge_in()
        elif isinstance(action, FinishTurn):
            spec = self.specs.get(action.item_id)
            job = _Job(action.item_id, spec, action.audio_end_ms, time.time())
            if action.interjection:
                self.spawn(self._interjection(job, action.audio_start_ms), "rt-interjection")
            else:
                self._enqueue(job)

    def _enqueue(self, job: _Job) -> None:
        cfg_td = self.cfg.turn_detection
        if cfg_td is not None and cfg_td.create_response:
            self.turns.agent_started()  # the agent holds the floor from now on
        try:
            self.jobs.put_nowait(job)
        except asyncio.QueueFull:
            self.error(
                RealtimeProtocolError(
                    "too_many_turns",
                    "too many turns are waiting; this one was dropped",
                    error_type="server_error",
                )
            )

    def _barge_in(self) -> None:
        for action in self.turns.agent_stopped():
            self._carry_out(action)
        if self.response_task is not None and not self.response_task.done():
            self.cancel_reason = "turn_detected"
            self.response_task.cancel()
        elif self.pending_prepared is None:
            self.barge_flag = True

    # -- speculation -------------------------------------------------------------------------
    def _speculate(
        self, item_id: str, start_ms: float, end_ms: float, *, interjection: bool
    ) -> None:
        old = self.specs.pop(item_id, None)
        if old is not None:
            old.cancel()
        spec = _Speculation(item_id, start_ms, end_ms)
        self.specs[item_id] = spec
        pad = (self.cfg.turn_detection or TurnDetectionConfig()).prefix_padding_ms
        audio = self.buffer.slice(start_ms - pad, end_ms + SPEECH_PAD_MS)
        spec.task = self.spawn(
            self._run_speculation(spec, audio, prepare=not interjection), "rt-speculation"
        )

    async def _run_speculation(
        self, spec: _Speculation, audio: npt.NDArray[np.float32], *, prepare: bool
    ) -> None:
        try:
            spec.audio_ms = audio.size / 16.0
            t0 = time.perf_counter()
            try:
                tr = await self.engines.transcribe(audio, self.cfg.language, TRANSCRIBE_TIMEOUT_S)
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
            td = self.cfg.turn_detection
            await self._prepare(spec, reply=td is None or td.create_response)
        finally:
            spec.done.set()

    async def _prepare(self, spec: _Speculation, *, reply: bool) -> None:
        """Analyse and decide the transcribed turn (nothing stored); start its reply stream."""
        await self.conv_ready.wait()
        assert self.conv is not None
        t1 = time.perf_counter()
        try:
            spec.prepared = await asyncio.wait_for(
                self.orch.prepare(self.conv, spec.transcript), PREPARE_TIMEOUT_S
            )
        except (TimeoutError, VoiceAgentError) as exc:
            spec.error = f"prepare_failed: {exc}"
            return
        spec.orch_ms = (time.perf_counter() - t1) * 1000
        if reply:
            spec.reply = _ReplyStream(
                spec.prepared, self.engines, FORMAT_RATE[self.cfg.output_format], self.cfg.language
            )

    async def _interjection(self, job: _Job, start_ms: float) -> None:
        """Short speech over the agent: a backchannel is ignored, anything else barges in."""
        spec = job.spec
        if spec is not None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(spec.done.wait(), TRANSCRIBE_TIMEOUT_S)
        text = spec.transcript if spec is not None else ""
        if not text or is_backchannel(text, self.cfg.language):
            self.specs.pop(job.item_id, None)
            log.info("backchannel_ignored", session=self.session_id, text=text)
            return
        self.send(self.ev.speech_started(job.item_id, start_ms))
        self._barge_in()
        # transcribed over the agent, not prepared: the turn worker prepares it once the
        # interrupted reply is recorded
        self._enqueue(job)

    async def _prepare_only(self, spec: _Speculation) -> None:
        """Prepare a turn that was only transcribed (it came over the agent's voice)."""
        try:
            await self._prepare(spec, reply=True)
        finally:
            spec.done.set()

    # -- manual turns (turn_detection: null, or an explicit commit) ---------------------------
    async def _commit(self, event: InputAudioCommit) -> None:
        if self.cfg.turn_detection is not None:
            if not self.detector.in_turn:
                raise RealtimeProtocolError(
                    "input_audio_buffer_commit_empty",
                    "no speech in the input audio buffer to commit",
                    event_id=event.event_id,
                )
            for det_event in self.detector.force_end(self.frames_t_ms):
                self._on_detector(det_event)
            return
        # wait for queued audio to be processed (bounded)
        for _ in range(200):
            if self.audio_in.empty() and self.pending_in_ms <= 0:
                break
            await asyncio.sleep(0.01)
        start = max(self.manual_start_ms, self.buffer.start_ms)
        end = self.buffer.end_ms
        if end - start < 100:
            raise RealtimeProtocolError(
                "input_audio_buffer_commit_empty",
                "buffer too small: at least 100 ms of audio is needed to commit",
                event_id=event.event_id,
            )
        self.manual_start_ms = end
        item_id = new_id("item")
        spec = _Speculation(item_id, start, end)
        self.specs[item_id] = spec
        audio = self.buffer.slice(start, end)
        spec.task = self.spawn(self._run_speculation(spec, audio, prepare=True), "rt-spec")
        self.stream_clock.record(end, time.time())
        self._enqueue(_Job(item_id, spec, end, time.time(), manual=True))

    async def _response_create(self, event: ResponseCreate) -> None:
        if self.response_task is not None and not self.response_task.done():
            raise RealtimeProtocolError(
                "conversation_already_has_active_response",
                "a response is in progress; cancel it first",
                event_id=event.event_id,
            )
        if self.pending_prepared is not None:
            prepared, job, spec = self.pending_prepared
            self.pending_prepared = None
            reply = spec.reply or _ReplyStream(
                prepared, self.engines, FORMAT_RATE[self.cfg.output_format], self.cfg.language
            )
            self.turns.agent_started()
            self._start_response(prepared, reply, job, spec, {})
            return
        await self.conv_ready.wait()
        assert self.conv is not None
        if any(t.role == "agent" for t in self.conv.turns):
            raise RealtimeProtocolError(
                "no_pending_turn",
                "nothing to respond to: commit the caller's audio first",
                event_id=event.event_id,
            )
        prepared = await self.orch.prepare_greeting(self.conv)
        self.turns.agent_started()
        reply = _ReplyStream(
            prepared, self.engines, FORMAT_RATE[self.cfg.output_format], self.cfg.language
        )
        self._start_response(prepared, reply, None, None, {})

    # -- conversation and turns ---------------------------------------------------------------
    async def _start_conversation(self) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.configured.wait(), CONFIG_WAIT_S)
        self.conv = await self.orch.create(
            lang=self.cfg.language, customer=dict(self.cfg.customer), channel="realtime"
        )
        self.conv.tags["realtime_session"] = self.session_id
        self.conv_ready.set()
        log.info(
            "realtime_session_started",
            session=self.session_id,
            conversation_id=self.conv.id,
            lang=self.conv.lang,
        )
        if self.cfg.greeting and self.response_task is None and not self.turns.in_speech:
            prepared = await self.orch.prepare_greeting(self.conv)
            self.turns.agent_started()
            reply = _ReplyStream(
                prepared, self.engines, FORMAT_RATE[self.cfg.output_format], self.cfg.language
            )
            self._start_response(prepared, reply, None, None, {})

    async def _turn_worker(self) -> None:
        while True:
            job = await self.jobs.get()
            await self._handle_turn(job)

    async def _handle_turn(self, job: _Job) -> None:
        spec = job.spec
        self.barge_flag = False
        # a previous response still running (e.g. an interjection barged in): let it finish
        if self.response_task is not None and not self.response_task.done():
            await asyncio.wait({self.response_task}, timeout=300.0)
        if not job.manual:
            self.send(self.ev.speech_stopped(job.item_id, job.speech_end_ms))
        self.send(self.ev.committed(job.item_id, self.last_item_id))
        self.last_item_id = job.item_id
        if spec is None:
            self._release_floor()
            return
        try:
            await asyncio.wait_for(spec.done.wait(), TRANSCRIBE_TIMEOUT_S + PREPARE_TIMEOUT_S)
        except TimeoutError:
            spec.error = spec.error or "speculation_timeout"
        self.specs.pop(job.item_id, None)
        if spec.error and not spec.transcript:
            self.send(self.ev.transcription_failed(job.item_id, "transcription_failed", spec.error))
            self._release_floor()
            return
        self.send(
            self.ev.transcription_completed(
                job.item_id, spec.transcript, spec.audio_ms / 1000.0, self.cfg.language
            )
        )
        if spec.transcript and spec.prepared is None and spec.error is None:
            await self._prepare_only(spec)
        if not spec.transcript or spec.prepared is None:
            if spec.error:
                self.error(
                    RealtimeProtocolError(
                        "turn_failed",
                        f"the turn could not be processed: {spec.error}",
                        error_type="server_error",
                    )
                )
            self._release_floor()
            return
        assert self.conv is not None
        speech_end_wall = self.stream_clock.wall_at(job.speech_end_ms) or job.detected_at
        timings = {
            "vad_end": max(0.0, (job.detected_at - speech_end_wall) * 1000),
            "transcription": spec.stt_ms,
            "orchestrator": spec.orch_ms,
            "audio_ms": spec.audio_ms,
        }
        await self.orch.commit(self.conv, spec.prepared, timings_ms=timings)
        self.send(
            self.ev.insights(
                job.item_id, None, spec.transcript, spec.prepared.insights.to_json(), timings
            )
        )
        td = self.cfg.turn_detection
        if self.barge_flag:  # the caller went on over this turn: its reply is moot
            if spec.reply is not None:
                spec.reply.cancel()
            self._release_floor()
            return
        if (td is not None and not td.create_response) or job.manual:
            if spec.reply is not None:
                spec.reply.cancel()
                spec.reply = None
            self.pending_prepared = (spec.prepared, job, spec)
            self._release_floor()
            return
        reply = spec.reply or _ReplyStream(
            spec.prepared, self.engines, FORMAT_RATE[self.cfg.output_format], self.cfg.language
        )
        self._start_response(
            spec.prepared, reply, job, spec, timings, speech_end_wall=speech_end_wall
        )
        if self.response_task is not None:
            await asyncio.wait({self.response_task})

    def _release_floor(self) -> None:
        if self.response_task is None or self.response_task.done():
            for action in self.turns.agent_stopped():
                self._carry_out(action)

    # -- responses ---------------------------------------------------------------------------
    def _start_response(
        self,
        prepared: Any,
        reply: _ReplyStream,
        job: _Job | None,
        spec: _Speculation | None,
        timings: dict[str, float],
        speech_end_wall: float | None = None,
    ) -> None:
        self.response_id = new_id("resp")
        self.cancel_reason = "turn_detected"
        self.response_task = self.spawn(
            self._respond(self.response_id, prepared, reply, job, dict(timings), speech_end_wall),
            "rt-response",
        )

    async def _respond(
        self,
        response_id: str,
        prepared: Any,
        reply: _ReplyStream,
        job: _Job | None,
        timings: dict[str, float],
        speech_end_wall: float | None,
    ) -> None:
        assert self.conv is not None
        fmt = self.cfg.output_format
        out_fmt = codec.AudioFormat.parse(fmt)
        rate = FORMAT_RATE[fmt]
        item_id = new_id("item")
        self.turns.agent_started()
        clock = PlaybackClock()
        #: (sentence, audio ms synthesized for it): what played_text maps playback onto
        segments: list[tuple[str, float]] = []
        status = "completed"
        self.send(self.ev.response_created(response_id, self.conv.id, fmt))
        self.send(self.ev.output_item_added(response_id, item_id))
        self.send(self.ev.content_part_added(response_id, item_id))
        self.agent_items[item_id] = (prepared, segments)
        t_resp = time.perf_counter()
        step = int(rate * DELTA_MS / 1000)
        new_sentence = True
        try:
            while True:
                got = await reply.next_chunk()
                if got is None:
                    break
                sentence, chunk = got
                if chunk is None:
                    new_sentence = True
                    continue
                dur = chunk.size * 1000.0 / rate
                if new_sentence:
                    new_sentence = False
                    segments.append((sentence, dur))
                    self.send(
                        self.ev.transcript_delta(
                            response_id, item_id, sentence if len(segments) == 1 else " " + sentence
                        )
                    )
                else:
                    segments[-1] = (sentence, segments[-1][1] + dur)
                for i in range(0, chunk.size, step):
                    piece = chunk[i : i + step]
                    delay = clock.send_delay(time.time())
                    if delay > 0:
                        await asyncio.sleep(delay)
                    now = time.time()
                    if clock.start is None:
                        if speech_end_wall is not None:
                            timings["first_audio"] = (now - speech_end_wall) * 1000
                        timings["response_start_to_first_audio"] = (
                            time.perf_counter() - t_resp
                        ) * 1000
                        if reply.tts_first_ms is not None:
                            timings["tts_first_chunk"] = reply.tts_first_ms
                    self.send(
                        self.ev.audio_delta(response_id, item_id, codec.encode(piece, out_fmt))
                    )
                    clock.sent(now, piece.size * 1000.0 / rate)
                    unsent_ms = (chunk.size - i - piece.size) * 1000.0 / rate
                    reply.wants_more(clock.remaining_ms(now) + unsent_ms)
            if reply.error:
                status = "failed" if not segments else "incomplete"
        except asyncio.CancelledError:
            status = "cancelled"
            task = asyncio.current_task()
            if task is not None:
                task.uncancel()  # finish the bookkeeping below, then re-raise
        except TimeoutError:
            status = "incomplete"
            log.warning("tts_timeout", session=self.session_id)
        finally:
            reply.cancel()
        full = " ".join(s for s, _ in segments)
        heard, truncated = (full, False)
        if status != "completed":
            heard, truncated = played_text(segments, clock.played_ms(time.time()))
            if status == "incomplete" and not truncated:
                truncated = True
        self.send(self.ev.audio_done(response_id, item_id))
        self.send(self.ev.transcript_done(response_id, item_id, heard))
        self.send(self.ev.content_part_done(response_id, item_id, heard))
        item_status = "completed" if status == "completed" else "incomplete"
        self.send(self.ev.output_item_done(response_id, item_id, heard, item_status))
        reason = self.cancel_reason if status == "cancelled" else None
        self.send(
            self.ev.response_done(
                response_id,
                self.conv.id,
                fmt,
                status,  # type: ignore[arg-type]
                item_id,
                heard,
                reason,
            )
        )
        self.last_item_id = item_id
        for k, v in timings.items():
            if k in ("vad_end", "transcription", "orchestrator", "tts_first_chunk", "first_audio"):
                metrics.STAGE_SECONDS.labels(k).observe(v / 1000.0)
        if timings:
            self.send(self.ev.timings(job.item_id if job else None, response_id, timings))
        try:
            turn = await asyncio.wait_for(
                self.orch.record_reply(
                    self.conv, prepared, heard, truncated=truncated, timings_ms=timings
                ),
                RECORD_TIMEOUT_S,
            )
            self.agent_items[item_id] = (turn, segments)
            end_ms = self.pending_truncations.pop(item_id, None)
            if end_ms is not None:  # the client truncated while the reply was being recorded
                await self._apply_truncation(turn, segments, end_ms)
        except Exception as exc:
            log.error("record_reply_failed", error=repr(exc))
        finally:
            if self.response_task is asyncio.current_task():
                self.response_task = None
            for action in self.turns.agent_stopped():
                self._carry_out(action)
        if status == "cancelled":
            raise asyncio.CancelledError

    async def _truncate(self, event: ItemTruncate) -> None:
        entry = self.agent_items.get(event.item_id)
        if entry is None:
            raise RealtimeProtocolError(
                "item_not_found", f"no assistant item {event.item_id!r}", param="item_id"
            )
        if event.content_index != 0:
            raise RealtimeProtocolError(
                "invalid_value", "content_index must be 0", param="content_index"
            )
        turn, segments = entry
        total = sum(d for _, d in segments)
        if event.audio_end_ms > total + 1:
            raise RealtimeProtocolError(
                "invalid_value",
                f"audio_end_ms {event.audio_end_ms} is past the item's audio ({total:.0f} ms)",
                param="audio_end_ms",
            )
        if isinstance(turn, Turn):
            await self._apply_truncation(turn, segments, float(event.audio_end_ms))
        else:  # still a PreparedTurn: applied once the reply is recorded
            self.pending_truncations[event.item_id] = float(event.audio_end_ms)
        self.send(self.ev.item_truncated(event.item_id, event.audio_end_ms))

    async def _apply_truncation(
        self, turn: Turn, segments: list[tuple[str, float]], audio_end_ms: float
    ) -> None:
        """Keep in the stored agent turn only what was heard in ``audio_end_ms``."""
        heard, truncated = played_text(segments, audio_end_ms)
        turn.text = heard
        turn.truncated = truncated or turn.truncated
        if self.conv is not None:
            await self.orch.store.save_turns(self.conv, [turn])


# ------------------------------------------------------------------------------ the route


async def realtime_endpoint(ws: WebSocket) -> None:
    svc = ws.app.state.services
    subprotocols: list[str] = list(ws.scope.get("subprotocols") or [])
    try:
        svc.keys.check(ws.headers, ws.query_params, subprotocols)
    except Unauthorized as exc:
        metrics.ERRORS.labels(exc.code).inc()
        await _deny(ws, exc.status, exc.to_json())
        return
    accept_proto = "realtime" if "realtime" in subprotocols else None
    engines = getattr(svc, "speech", None)
    await ws.accept(subprotocol=accept_proto)
    if engines is None:
        ev = ServerEvents()
        reason = getattr(svc, "speech_error", None) or "speech engines are not loaded"
        await ws.send_text(
            json.dumps(
                ev.error(
                    RealtimeProtocolError(
                        "speech_unavailable",
                        f"voice is unavailable: {reason}",
                        error_type="server_error",
                    )
                )
            )
        )
        await ws.close(1011, "speech unavailable")
        return
    call = RealtimeCall(ws, svc, engines)
    await call.run()


async def _deny(ws: WebSocket, status: int, body: dict[str, Any]) -> None:
    """Refuse the handshake with an HTTP response when the server supports it."""
    from starlette.responses import JSONResponse

    if "websocket.http.response" in ws.scope.get("extensions", {}):
        await ws.send_denial_response(
            JSONResponse(body, status_code=status, headers={"WWW-Authenticate": "Bearer"})
        )
    else:
        await ws.close(1008, body.get("error", {}).get("message", "unauthorized")[:120])


def realtime_routes() -> list[BaseRoute]:
    return [WebSocketRoute("/v1/realtime", realtime_endpoint)]
