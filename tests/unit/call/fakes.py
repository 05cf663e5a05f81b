"""Speech engines without models, and a harness that drives one :class:`Call` with them.

The fakes satisfy :class:`voice_agent.call.ports.Speech`: the VAD calls loud audio speech,
the transcriber answers from a script (or fails, or is slow), the synthesizer makes a tone
of 80 ms per word. The conversations side is the real orchestrator with the rule analysers,
the rule policy, the bundled playbook and SQLite: only the speech models are stand-ins.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from voice_agent.audio.codec import AudioFormat
from voice_agent.audio.turn_detector import TurnConfig
from voice_agent.call import events as ev
from voice_agent.call.config import CallConfig
from voice_agent.call.core import Call, CallLimits
from voice_agent.core.decision import RulePolicy
from voice_agent.orchestrator import Orchestrator
from voice_agent.speech.stt import SpeechError, Transcript
from voice_agent.store.sqlite import SQLiteStore

T = TypeVar("T")
Int16Array = npt.NDArray[np.int16]
RATE = 24000  # the call's wire rate in these tests (audio/pcm)
WORD_MS = 80.0


class LoudVAD:
    """Speech probability 0.95 for a 32 ms frame whose RMS is above 0.01, else 0.02."""

    FRAME = 512

    def __init__(self) -> None:
        self._rest = np.zeros(0, dtype=np.float32)

    def process(self, samples16k: npt.NDArray[np.float32] | Int16Array) -> list[float]:
        x = samples16k.astype(np.float32)
        if samples16k.dtype == np.int16:
            x = x / 32768.0
        buf = np.concatenate([self._rest, x])
        n = buf.size // self.FRAME
        self._rest = buf[n * self.FRAME :]
        frames = buf[: n * self.FRAME].reshape(n, self.FRAME) if n else np.zeros((0, 1))
        return [0.95 if float(np.sqrt((f * f).mean())) > 0.01 else 0.02 for f in frames]

    def reset(self) -> None:
        self._rest = np.zeros(0, dtype=np.float32)


@dataclass
class FixedTurnModel:
    """An end-of-turn model that always gives ``probability``; keeps the audio ms it saw."""

    probability: float
    seen_ms: list[float] = field(default_factory=list)

    def complete_probability(self, audio16k: npt.NDArray[np.float32]) -> float:
        self.seen_ms.append(audio16k.size / 16.0)
        return self.probability


@dataclass(eq=False)  # hashable: the TTS gate is kept per engines object
class FakeSpeech:
    """``transcripts``: what each transcription returns, in order (the last one repeats);
    an exception instance is raised instead. ``tts_fail``: synthesis raises."""

    transcripts: deque[str | Exception] = field(default_factory=lambda: deque(["hello"]))
    transcribe_delay_s: float = 0.0
    tts_fail: bool = False
    tts_delay_s: float = 0.0
    #: when set, caller audio is processed only while this event is set
    audio_gate: asyncio.Event | None = None
    transcribed: list[float] = field(default_factory=list)  # audio ms of each call
    prompts: list[str | None] = field(default_factory=list)  # the prompt of each call
    #: the semantic end-of-turn model (``semantic_vad``); ``None``: none loaded
    turn_model: FixedTurnModel | None = None
    synthesized: list[str] = field(default_factory=list)
    #: the ``slack_ms`` each synthesis was asked with
    slacks: list[float] = field(default_factory=list)
    #: audio synthesized per word
    word_ms: float = WORD_MS
    #: how long each next chunk of caller audio waits for the audio worker (an overloaded
    #: machine); one at or past the caller's deadline is the engine's ``speech_timeout``,
    #: raised at once (the deadline's wait itself is left out)
    audio_delays: deque[float] = field(default_factory=deque)

    def new_vad(self) -> LoudVAD:
        return LoudVAD()

    def end_of_turn_model(self) -> FixedTurnModel | None:
        return self.turn_model

    def turn_config(self) -> TurnConfig:
        return TurnConfig()

    def supports_language(self, language: str | None) -> bool:
        return language in ("en", "es")

    async def run_audio(self, fn: Callable[..., T], *args: Any, timeout_s: float = 2.0) -> T:
        if self.audio_gate is not None:
            await self.audio_gate.wait()
        if self.audio_delays:
            delay = self.audio_delays.popleft()
            if delay >= timeout_s:
                raise SpeechError("speech_timeout", f"audio took over {timeout_s} s")
            await asyncio.sleep(delay)
        return fn(*args)

    async def transcribe(
        self,
        audio16k: npt.NDArray[np.float32],
        language: str | None = None,
        timeout_s: float | None = None,
        prompt: str | None = None,
    ) -> Transcript:
        self.transcribed.append(audio16k.size / 16.0)
        self.prompts.append(prompt)
        if self.transcribe_delay_s:
            await asyncio.sleep(self.transcribe_delay_s)
        answer = self.transcripts[0] if len(self.transcripts) == 1 else self.transcripts.popleft()
        if isinstance(answer, Exception):
            raise answer
        return Transcript(answer, language or "en", audio16k.size / 16.0, 1.0)

    async def synthesize_stream(
        self,
        text: str,
        out_rate: int,
        *,
        language: str | None = None,
        timeout_s: float | None = None,
        slack_ms: float = 0.0,
    ) -> AsyncIterator[Int16Array]:
        self.synthesized.append(text)
        self.slacks.append(slack_ms)
        if self.tts_fail:
            raise SpeechError("tts_failed", "synthesizer broke")
        if self.tts_delay_s:
            await asyncio.sleep(self.tts_delay_s)
        n = int(len(text.split()) * self.word_ms * out_rate / 1000)
        t = np.arange(n) / out_rate
        yield (np.sin(2 * np.pi * 300 * t) * 3000).astype(np.int16)


def tone(ms: float, rate: int = RATE, amp: float = 8000.0) -> bytes:
    t = np.arange(int(rate * ms / 1000)) / rate
    return (np.sin(2 * np.pi * 220 * t) * amp).astype("<i2").tobytes()


def silence(ms: float, rate: int = RATE) -> bytes:
    return bytes(2 * int(rate * ms / 1000))


def orchestrator(store: SQLiteStore, executor: ThreadPoolExecutor) -> Orchestrator:
    from voice_agent.analysis.rules import rule_analysers
    from voice_agent.generation.factory import build_generator
    from voice_agent.playbook.loader import default_playbook_path, load_playbook

    playbook = load_playbook(default_playbook_path())
    return Orchestrator(
        store=store,
        primary={},
        fallback=rule_analysers(),
        policy=RulePolicy(),
        generator=build_generator("playbook", playbook),
        deadline_ms=2000.0,
        executor=executor,
        playbook=playbook,
    )


class Harness:
    """One call with fake speech; collects what it emits."""

    def __init__(
        self,
        orch: Orchestrator,
        speech: FakeSpeech,
        *,
        config: CallConfig | None = None,
        playback_reports: bool = False,
        flush_on_pause: bool = False,
        limits: CallLimits | None = None,
        hand_off_ends_call: bool = False,
    ) -> None:
        self.orch = orch
        self.speech = speech
        self.events: list[ev.CallEvent] = []
        self.queue: asyncio.Queue[ev.CallEvent] = asyncio.Queue()
        self.call = Call(
            orch,
            speech,
            config
            or CallConfig(
                channel="test",
                input_format=AudioFormat.PCM24K,
                output_format=AudioFormat.PCM24K,
                greeting=False,
            ),
            self._emit,
            playback_reports=playback_reports,
            flush_on_pause=flush_on_pause,
            limits=limits,
            hand_off_ends_call=hand_off_ends_call,
        )

    def _emit(self, event: ev.CallEvent) -> None:
        self.events.append(event)
        self.queue.put_nowait(event)

    async def start(self) -> None:
        self.call.start()
        await asyncio.wait_for(self.call.conv_ready.wait(), 5.0)

    async def send(self, data: bytes, chunk_ms: float = 40.0, pace: float = 0.0) -> None:
        """Caller audio in ``chunk_ms`` pieces; ``pace`` > 0 sleeps that share of real time."""
        step = int(RATE * chunk_ms / 1000) * 2
        for i in range(0, len(data), step):
            self.call.audio(data[i : i + step])
            await asyncio.sleep(chunk_ms / 1000 * pace)
        await self.settle()

    async def settle(self) -> None:
        """Until the audio worker has taken everything queued."""
        for _ in range(1000):  # 5 s at most
            if not self.call.audio_in.qsize() and self.call.pending_in_ms <= 0:
                break
            await asyncio.sleep(0.005)
        await asyncio.sleep(0.01)

    async def next(self, kind: type[Any] | Sequence[type[Any]], wait_s: float = 10.0) -> Any:
        kinds = tuple(kind) if isinstance(kind, Sequence) else (kind,)
        deadline = time.monotonic() + wait_s
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                seen = [type(e).__name__ for e in self.events[-12:]]
                raise AssertionError(f"no {kinds} within {wait_s}s; last: {seen}")
            event = await asyncio.wait_for(self.queue.get(), left)
            if isinstance(event, kinds):
                return event

    def of(self, kind: type[T]) -> list[T]:
        return [e for e in self.events if isinstance(e, kind)]


async def open_store(path: Path) -> SQLiteStore:
    store = SQLiteStore(path)
    await store.open()
    return store
