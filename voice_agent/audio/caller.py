"""One caller's incoming audio: wire bytes -> 16 kHz -> VAD -> turn events, with the audio kept.

:class:`CallerAudio` glues the pieces of this package for one call so that a transport only
pushes wire bytes and reacts to :mod:`~voice_agent.audio.turn_detector` events::

    caller = CallerAudio(AudioFormat.PCMU8K, engines.new_vad(), engines.new_turn_detector())
    events = await engines.run_audio(caller.push, payload)     # CPU work off the loop
    for event in events:
        if isinstance(event, SpeechStopped):                    # start STT speculatively
            audio = caller.utterance(event.speech_start_ms, event.t_ms)
            ...

All times are stream times in ms of the 16 kHz signal (0 = first sample pushed), the same
clock the events use. The last ``keep_s`` seconds of audio are kept (bounded memory).
Not thread-safe: one push at a time per caller (await each before the next).
"""

from __future__ import annotations

from typing import Final, Protocol

import numpy as np
import numpy.typing as npt

from voice_agent.audio.codec import AudioFormat, decode
from voice_agent.audio.echo import EchoCanceller
from voice_agent.audio.resample import StreamResampler
from voice_agent.audio.turn_detector import TurnDetector, TurnEvent
from voice_agent.audio.vad import FRAME_MS, SAMPLE_RATE


class VoiceActivity(Protocol):
    """Per-stream speech probabilities (:class:`~voice_agent.audio.vad.SileroVAD`)."""

    def process(
        self, samples16k: npt.NDArray[np.float32] | npt.NDArray[np.int16]
    ) -> list[float]: ...

    def reset(self) -> None: ...


__all__ = ["CallerAudio"]

_SAMPLES_PER_MS: Final = SAMPLE_RATE // 1000


class CallerAudio:
    """Decode, resample, detect speech and turns, and keep recent 16 kHz audio for STT."""

    def __init__(
        self,
        fmt: AudioFormat | str,
        vad: VoiceActivity,
        detector: TurnDetector,
        *,
        keep_s: float = 60.0,
        pad_ms: float = 150.0,
        echo: EchoCanceller | None = None,
    ) -> None:
        self.format = AudioFormat.parse(fmt)
        self.vad = vad
        self.detector = detector
        self.pad_ms = pad_ms
        #: removes the agent's own voice before anything listens (``None``: kept as is)
        self.echo = echo
        self._resampler = StreamResampler(self.format.sample_rate, SAMPLE_RATE)
        self._capacity = int(keep_s * SAMPLE_RATE)
        self._buf = np.zeros(self._capacity, dtype=np.int16)
        self._total = 0  # samples ever appended (absolute index of the next sample)
        self._frames = 0  # VAD frames fed to the detector
        self.last_probs: list[float] = []

    @property
    def now_ms(self) -> float:
        """Stream time of the audio received so far (16 kHz clock)."""
        return self._total / _SAMPLES_PER_MS

    @property
    def start_ms(self) -> float:
        """Stream time of the oldest sample still kept."""
        return max(0, self._total - self._capacity) / _SAMPLES_PER_MS

    @property
    def frames_ms(self) -> float:
        """Stream time of the next VAD frame (the detector's clock)."""
        return self._frames * FRAME_MS

    def set_format(self, fmt: AudioFormat | str) -> None:
        """The wire format changes; stream time and kept audio go on."""
        self.format = AudioFormat.parse(fmt)
        self._resampler = StreamResampler(self.format.sample_rate, SAMPLE_RATE)

    def set_detector(self, detector: TurnDetector) -> None:
        """New turn-detection settings; the VAD restarts, stream time goes on."""
        self.detector = detector
        self.vad.reset()

    def push(self, data: bytes, *, detect: bool = True) -> list[TurnEvent]:
        """Feed wire bytes (raises ``AudioFormatError`` for malformed data, nothing kept).
        ``detect=False`` keeps the audio without voice-activity detection (manual turns)."""
        return self.push_samples(decode(data, self.format), detect=detect)

    def push_samples(
        self, samples: npt.NDArray[np.int16], *, detect: bool = True
    ) -> list[TurnEvent]:
        """Feed int16 samples at the wire rate (already decoded)."""
        pcm16k = self._resampler.process(samples)
        if self.echo is not None:
            pcm16k = self.echo.process(pcm16k)
        self._append(pcm16k)
        if not detect:
            self.last_probs = []
            return []
        probs = self.vad.process(pcm16k)
        self.last_probs = probs
        events: list[TurnEvent] = []
        for p in probs:
            events += self.detector.feed(p, self._frames * FRAME_MS)
            self._frames += 1
        return events

    def finish(self) -> list[TurnEvent]:
        """The client ended its input (e.g. ``input_audio_buffer.commit``): flush the
        resampler and close any open turn."""
        tail = self._resampler.flush()
        if tail.size and self.echo is not None:
            tail = self.echo.process(tail)
        events: list[TurnEvent] = []
        if tail.size:
            self._append(tail)
            for p in self.vad.process(tail):
                events += self.detector.feed(p, self._frames * FRAME_MS)
                self._frames += 1
        return events + self.detector.force_end(self.now_ms)

    def utterance(
        self,
        start_ms: float,
        end_ms: float,
        *,
        before_ms: float | None = None,
        after_ms: float | None = None,
    ) -> npt.NDArray[np.float32]:
        """16 kHz float32 audio between two stream times, padded by ``before_ms`` and
        ``after_ms`` (default ``pad_ms`` each side), clipped to what is still kept."""
        before = self.pad_ms if before_ms is None else before_ms
        after = self.pad_ms if after_ms is None else after_ms
        first = max(int((start_ms - before) * _SAMPLES_PER_MS), self._total - self._capacity, 0)
        last = min(int((end_ms + after) * _SAMPLES_PER_MS), self._total)
        if last <= first:
            return np.zeros(0, dtype=np.float32)
        idx = np.arange(first, last) % self._capacity
        out: npt.NDArray[np.float32] = self._buf[idx].astype(np.float32) / np.float32(32768.0)
        return out

    def reset(self) -> None:
        """Forget audio and state (e.g. ``input_audio_buffer.clear``); the clock restarts."""
        self._resampler.reset()
        self.vad.reset()
        self.detector.reset()
        self._buf[:] = 0
        self._total = 0
        self._frames = 0

    def _append(self, samples: npt.NDArray[np.int16]) -> None:
        n = samples.size
        if n == 0:
            return
        if n >= self._capacity:
            samples = samples[-self._capacity :]
            start = (self._total + n - self._capacity) % self._capacity
            n_keep = self._capacity
        else:
            start = self._total % self._capacity
            n_keep = n
        end = start + n_keep
        if end <= self._capacity:
            self._buf[start:end] = samples
        else:
            split = self._capacity - start
            self._buf[start:] = samples[:split]
            self._buf[: end - self._capacity] = samples[split:]
        self._total += n
