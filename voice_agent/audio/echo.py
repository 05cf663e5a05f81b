"""Echo cancellation against the agent's own audio: pure numpy, no I/O, no clock.

On a speakerphone, or a phone line that leaks, what the agent says comes back in the
caller's audio, later (80-250 ms and more) and quieter (6-20 dB). Voice-activity detection
would hear it as the caller talking over the agent, and Whisper would transcribe it as the
caller. The server knows exactly what it sent: :class:`EchoCanceller` is given that
*reference* (:meth:`EchoCanceller.reference`, placed on the caller's stream clock where it is
expected to be played) and removes its echo from each block of the caller's audio
(:meth:`EchoCanceller.process`) before anything listens to it.

How (all on the 16 kHz stream clock, in sample indices):

1. **Delay.** Every :data:`ESTIMATE_EVERY_S` while the reference is playing, the last
   :data:`WINDOW_S` of caller audio is cross-correlated with the reference (PHAT-weighted,
   by FFT) over lags from ``min_delay_ms`` to ``max_delay_ms``. This covers the echo path
   and the unknown offset between where the server thinks its audio is played and where
   the caller's device plays it; a new response (a new offset) is found again.
2. **Echo path.** Around that lag, a short FIR filter (:data:`TAPS` taps: fractional delays,
   a line's colouring) is fitted by regularised least squares on the same window, only when
   the caller's audio is not louder than the reference could explain (so the caller's own
   speech over the agent does not bend the fit: double-talk).
3. **Cancel.** The filtered reference is subtracted; the residual is what the VAD and
   Whisper get. A fit that does not remove energy is not used.

Silence in the reference costs nothing: blocks with no reference around them pass
untouched. Thread-safe: the reference is added from the event loop while the audio pool
processes caller blocks.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from typing import Final, NamedTuple

import numpy as np
import numpy.typing as npt

from voice_agent.audio.vad import SAMPLE_RATE as RATE

__all__ = ["EchoCanceller", "EchoStats"]

Float32Array = npt.NDArray[np.float32]
Float64Array = npt.NDArray[np.float64]

#: Caller audio used for each delay estimate and filter fit.
WINDOW_S: Final = 1.0
#: How often the delay is estimated again while the reference plays.
ESTIMATE_EVERY_S: Final = 0.25
#: FIR taps fitted around the delay (an odd number: the delay is the middle one).
TAPS: Final = 31
#: Reference below this RMS (int16 scale) counts as silence.
SILENT_RMS: Final = 30.0
#: Cross-correlation peaks tried as the delay, and how high (share of the highest) one must be.
PEAKS: Final = 3
MIN_PEAK: Final = 0.5
#: A cross-correlation peak below this share of a perfect copy's is no echo (no fit tried);
#: low, as the first echo of a reply fills only part of the window.
MIN_COHERENCE: Final = 0.1
#: Spectral whitening of the cross-correlation (1: PHAT, 0: plain): sharp peaks for speech.
WHITEN: Final = 0.8
#: A fitted echo path must remove at least this much of the window's energy (dB).
MIN_GAIN_DB: Final = 3.0
#: Double-talk: the caller's audio is louder than this share of the reference's energy.
MAX_ECHO_GAIN: Final = 0.7
#: Cancelling that leaves more energy than it found, over this many blocks, is dropped.
_RECENT_BLOCKS: Final = 16
_WORSE: Final = 1.1
#: A known echo path is followed within this many ms of its delay, on this much audio.
TRACK_SPAN_MS: Final = 100.0
TRACK_WINDOW_MS: Final = 80.0
TRACK_GAIN_DB: Final = 6.0
#: ... when the last this many blocks were reduced less than RELOCK_DB.
TRACK_BLOCKS: Final = 3
#: An echo path that reduces recent blocks less than this (dB) is looked for again.
RELOCK_DB: Final = 12.0
#: For this long after a reply starts sounding, its echo is looked for without backing off.
YOUNG_REPLY_S: Final = 2.0
#: Reference kept beyond the window and the longest delay.
_KEEP_EXTRA_S: Final = 1.0


class _Segment(NamedTuple):
    """A piece of the reference: where it starts, its samples, and whether it is more than
    silence (worked out once)."""

    start: int
    samples: Float32Array
    loud: bool

    @property
    def end(self) -> int:
        return self.start + self.samples.size

    @classmethod
    def of(cls, start: int, samples: Float32Array) -> _Segment:
        return cls(start, samples, _rms(samples) >= SILENT_RMS)


@dataclass(frozen=True, slots=True)
class EchoStats:
    """What the canceller knows now (for logs and tests)."""

    #: lag (samples) of the reference in the caller's audio; ``None``: not found
    delay: int | None
    #: caller blocks processed while the reference played, and their energy before/after
    blocks: int
    energy_in: float
    energy_out: float

    @property
    def erle_db(self) -> float | None:
        """Echo return loss enhancement over the blocks processed so far (dB)."""
        if self.blocks == 0 or self.energy_out <= 0:
            return None
        return float(10 * np.log10(self.energy_in / self.energy_out))


class EchoCanceller:
    """Removes the echo of a reference signal from a stream (see the module docstring)."""

    def __init__(self, *, min_delay_ms: float = -100.0, max_delay_ms: float = 1000.0) -> None:
        if max_delay_ms <= min_delay_ms:
            raise ValueError("max_delay_ms must be > min_delay_ms")
        self.min_lag = int(min_delay_ms * RATE / 1000)
        self.max_lag = int(max_delay_ms * RATE / 1000)
        self._window = int(WINDOW_S * RATE)
        self._every = int(ESTIMATE_EVERY_S * RATE)
        self._lock = threading.Lock()
        #: reference segments: (absolute start index, samples), in order, not overlapping
        self._segments: list[_Segment] = []
        self._mic = np.zeros(0, dtype=np.float32)  # the last window of caller audio (raw)
        self._mic_end = 0  # absolute index after the last caller sample
        self._since_estimate = 0
        self._delay: int | None = None
        self._misses = 0  # searches in a row that found no echo path
        self._reply_for = 0  # samples since the reference last started sounding
        #: an echo path is known but no longer fits: not cancelling until found again
        self._paused = False
        self._filter: Float64Array | None = None
        #: energy in and out of the last blocks cancelled
        self._recent: deque[tuple[float, float]] = deque(maxlen=_RECENT_BLOCKS)
        self._blocks = 0
        self._energy_in = 0.0
        self._energy_out = 0.0

    # -- the reference ------------------------------------------------------------------------
    def reference(self, start: int, samples: npt.NDArray[np.int16] | Float32Array) -> None:
        """The agent's audio (16 kHz) expected to be played from stream index ``start``.
        Overlapping an earlier segment, it replaces that segment's overlapping part."""
        ref = np.asarray(samples, dtype=np.float32)
        if ref.size == 0:
            return
        with self._lock:
            kept: list[_Segment] = []
            end = start + ref.size
            for seg in self._segments:
                if seg.end <= start or seg.start >= end:
                    kept.append(seg)
                    continue
                if seg.start < start:
                    kept.append(_Segment.of(seg.start, seg.samples[: start - seg.start]))
                if seg.end > end:
                    kept.append(_Segment.of(end, seg.samples[end - seg.start :]))
            kept.append(_Segment.of(start, ref))
            kept.sort(key=lambda seg: seg.start)
            oldest = self._mic_end - self._window - self.max_lag - int(_KEEP_EXTRA_S * RATE)
            self._segments = [seg for seg in kept if seg.end > oldest]

    def stop_reference(self, at: int) -> None:
        """The agent's audio stops being played at stream index ``at`` (a barge-in cut it):
        no echo of what was given beyond it is expected."""
        with self._lock:
            self._segments = [
                _Segment.of(seg.start, seg.samples[: at - seg.start])
                for seg in self._segments
                if seg.start < at
            ]

    def _sounding(self, start: int, end: int) -> bool:
        """Whether any reference between two indices is more than silence (lock held).
        Checked on the segments as given (100 ms pieces), not sample by sample."""
        return any(seg.start < end and seg.end > start and seg.loud for seg in self._segments)

    def _ref(self, start: int, end: int) -> Float32Array:
        """The reference between two absolute indices (zeros where none was given)."""
        out = np.zeros(max(0, end - start), dtype=np.float32)
        for seg in self._segments:
            a, b = max(seg.start, start), min(seg.end, end)
            if a < b:
                out[a - start : b - start] = seg.samples[a - seg.start : b - seg.start]
        return out

    # -- the caller's audio ------------------------------------------------------------------
    def process(self, block: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """The next block of the caller's audio (16 kHz int16) without the echo."""
        n = block.size
        start = self._mic_end
        self._mic_end += n
        x = block.astype(np.float32)
        self._mic = np.concatenate([self._mic, x])[-self._window :]
        with self._lock:
            # reference that may echo into this block: from max_lag before it to min_lag
            ref_lo, ref_hi = start - self.max_lag - TAPS, start + n - self.min_lag + TAPS
            if not self._sounding(ref_lo, ref_hi):
                # a new reply: look for its echo at once, and often (not backed off)
                self._since_estimate = self._every
                self._misses = 0
                self._reply_for = 0
                return block
            self._since_estimate += n
            self._reply_for += n
            if self._filter is not None and (
                self._paused or self._recent_gain_db(TRACK_BLOCKS) < RELOCK_DB
            ):
                self._track()  # the same echo path, a few ms off: the next reply
            # looked for often until an echo path is found, and again when the one found
            # stops working (the reference was placed a little differently, the line
            # changed); left alone while it cancels well
            # (backing off while none is found: a caller with no echo costs little)
            every = self._every if self._filter is not None else self._search_every()
            if (
                self._since_estimate >= every
                and self._mic.size >= self._window // 4
                and (self._filter is None or self._recent_gain_db() < RELOCK_DB)
            ):
                self._since_estimate = 0
                self._estimate()
            if self._delay is None or self._filter is None or self._paused:
                return block
            echo = self._echo(start, n)
        residual = x - echo
        e_in, e_out = float(np.dot(x, x)), float(np.dot(residual, residual))
        self._recent.append((e_in, e_out))
        if len(self._recent) == self._recent.maxlen:
            total_in = sum(e for e, _ in self._recent)
            total_out = sum(e for _, e in self._recent)
            if total_out > _WORSE * total_in:
                # adds more than it takes away, for a while: the echo moved (the next reply
                # is played a little later), or the audio was not played after all; stop
                # cancelling until it is found again
                with self._lock:
                    self._paused = True
                self._recent.clear()
                return block
        self._blocks += 1
        self._energy_in += e_in
        self._energy_out += e_out
        return np.clip(np.round(residual), -32768, 32767).astype(np.int16)

    def _search_every(self) -> int:
        """Samples between searches while no echo path is known: four times a second in a
        reply's first :data:`YOUNG_REPLY_S`, then twice as long after each search that found
        none, at most every 2 s."""
        if self._reply_for < YOUNG_REPLY_S * RATE:  # its echo may only be beginning
            return self._every // 4
        return int(min(self._every // 4 * 2 ** min(self._misses, 8), 2 * RATE))

    def _recent_gain_db(self, blocks: int = _RECENT_BLOCKS) -> float:
        """How much the last ``blocks`` blocks were reduced (dB; 0 with fewer than three)."""
        recent = list(self._recent)[-blocks:]
        if len(recent) < min(3, blocks):
            return 0.0
        total_in = sum(e for e, _ in recent)
        total_out = sum(e for _, e in recent)
        return float(10 * np.log10(max(total_in, 1.0) / max(total_out, 1.0)))

    def stats(self) -> EchoStats:
        return EchoStats(self._delay, self._blocks, self._energy_in, self._energy_out)

    # -- estimation ---------------------------------------------------------------------------
    def _echo(self, start: int, n: int) -> Float32Array:
        """The filtered reference for caller samples ``[start, start + n)``."""
        assert self._delay is not None and self._filter is not None
        half = TAPS // 2
        # y[t] = sum_k h[k] * ref[t - delay - (k - half)]
        lo = start - self._delay - half
        ref = self._ref(lo, start + n - self._delay + half)
        return np.convolve(ref, self._filter, "valid").astype(np.float32)

    def _track(self) -> None:
        """Follow a small shift of the echo path found (lock held): each reply's audio is
        placed on the caller's clock a few ms differently (when its first chunk was sent,
        when the device started playing it), so the delay is looked for again within
        :data:`TRACK_SPAN_MS` of the last one, keeping the path's shape, on the last
        :data:`TRACK_WINDOW_MS` of caller audio; a shift is taken when it removes at least
        :data:`TRACK_GAIN_DB`."""
        assert self._delay is not None and self._filter is not None
        span = int(TRACK_SPAN_MS * RATE / 1000)
        m = self._mic[-int(TRACK_WINDOW_MS * RATE / 1000) :].astype(np.float64)
        energy = float(np.dot(m, m))
        if _rms(m) < SILENT_RMS:
            return
        half = TAPS // 2
        m_start = self._mic_end - m.size
        lo = m_start - self._delay - span - half
        ref = self._ref(lo, m_start + m.size - self._delay + span + half).astype(np.float64)
        # y[j + s]: the echo estimate for m[j] with the delay (self._delay + span - s)
        y = np.convolve(ref, self._filter, "valid")
        cross = np.correlate(y, m, "valid")  # s = 0 .. 2 * span
        power = np.cumsum(np.concatenate([[0.0], y * y]))
        own = power[m.size :] - power[: -m.size]
        left = energy - 2 * cross + own
        s = int(np.argmin(left))
        if left[s] <= energy * 10 ** (-TRACK_GAIN_DB / 10):
            self._delay = self._delay + span - s
            self._paused = False

    def _estimate(self) -> None:
        """Find the delay and fit the echo path on the last window (lock held)."""
        if _rms(self._mic) < SILENT_RMS:
            return  # nothing heard: no echo to find
        mic = self._mic.astype(np.float64)
        w = mic.size
        m_start = self._mic_end - w
        # reference positions that can reach the window: lags in [min_lag, max_lag]
        r_start = m_start - self.max_lag
        ref = self._ref(r_start, self._mic_end - self.min_lag).astype(np.float64)
        if _rms(ref) < SILENT_RMS:
            return  # nothing played
        best: tuple[float, int, Float64Array] | None = None
        for delay in _phat_peaks(mic, ref, self.max_lag - self.min_lag):
            lag = self.max_lag - delay  # mic[t] ~ ref[t - lag] (absolute indices)
            fitted = self._fit(mic, m_start, lag)
            if fitted is not None and (best is None or fitted[0] < best[0]):
                best = (fitted[0], lag, fitted[1])
        if best is not None:
            self._delay, self._filter = best[1], best[2]
            self._misses = 0
            self._paused = False
        else:
            self._misses += 1

    def _fit(self, mic: Float64Array, m_start: int, lag: int) -> tuple[float, Float64Array] | None:
        """The echo path at ``lag`` fitted on the window: (residual energy, filter), or
        ``None`` during double-talk or when it removes less than :data:`MIN_GAIN_DB`."""
        half = TAPS // 2
        w = mic.size
        ref = self._ref(m_start - lag - half, m_start + w - lag + half).astype(np.float64)
        a = np.lib.stride_tricks.sliding_window_view(ref, TAPS)[:w, ::-1]
        ref_energy = float(np.dot(ref, ref)) / max(1, ref.size)
        mic_energy = float(np.dot(mic, mic))
        if mic_energy / max(1, w) > MAX_ECHO_GAIN * ref_energy and self._filter is not None:
            return None  # double-talk: keep the echo path fitted before
        gram = a.T @ a
        gram[np.diag_indices(TAPS)] += 1e-3 * np.trace(gram) / TAPS + 1e-6
        h = np.linalg.solve(gram, a.T @ mic)
        residual = mic - a @ h
        left = float(np.dot(residual, residual))
        if left > mic_energy * 10 ** (-MIN_GAIN_DB / 10):
            return None  # explains too little: not this reference's echo, or not this lag
        return left, np.asarray(h, dtype=np.float64)


def _rms(x: npt.NDArray[np.floating]) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) if x.size else 0.0


def _phat_peaks(mic: Float64Array, ref: Float64Array, span: int) -> list[int]:
    """Candidate offsets ``d`` in ``[0, span]`` of ``mic`` inside ``ref`` (mic[t] ~
    ref[t + d]): the :data:`PEAKS` highest peaks (at least 2 ms apart) of their partly
    whitened cross-correlation that reach :data:`MIN_PEAK` of the highest."""
    size = 1 << int(np.ceil(np.log2(mic.size + ref.size)))
    fr, fm = np.fft.rfft(ref, size), np.fft.rfft(mic, size)
    cross = fr * np.conj(fm)
    cross /= np.abs(cross) ** WHITEN + 1e-9
    corr = np.fft.irfft(cross, size)[: span + 1]
    if not corr.size or corr.max() <= 0:
        return []
    top = float(corr.max())
    # the peak as a share of what a perfect (scaled, delayed) copy would give: about 0.4-0.9
    # for an echo alone, 0.05-0.16 for speech with no echo in it (measured on recordings)
    power = 2 - 2 * WHITEN
    scale = np.sqrt(np.sum(np.abs(fr) ** power) * np.sum(np.abs(fm) ** power)) / size
    if top < MIN_COHERENCE * scale:
        return []
    peaks: list[int] = []
    apart = 2 * RATE // 1000
    for i in np.argsort(corr)[::-1]:
        if corr[i] < MIN_PEAK * top or len(peaks) == PEAKS:
            break
        if all(abs(int(i) - p) >= apart for p in peaks):
            peaks.append(int(i))
    return peaks
