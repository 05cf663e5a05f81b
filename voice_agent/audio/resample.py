"""Streaming sample-rate conversion with libsoxr, stateful across chunks.

One :class:`StreamResampler` per direction of one audio stream (e.g. caller 8 kHz -> 16 kHz
for the models, Piper 22.05 kHz -> 24 kHz for the wire). Chunks may have any length; the
filter state is kept so the output of many small chunks equals (up to rounding) the output
of resampling the whole signal at once. soxr holds back a few milliseconds of output (its
filter delay); :meth:`StreamResampler.flush` returns it at the end of a stream.

CPU work: call from a worker thread, not the event loop.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import numpy.typing as npt
import soxr

__all__ = ["DEFAULT_QUALITY", "StreamResampler", "resample"]

Int16Array = npt.NDArray[np.int16]
Quality = Literal["QQ", "LQ", "MQ", "HQ", "VHQ", "auto"]

#: ``"auto"``: soxr "quick" (cubic interpolation, no delay) when upsampling by a whole factor
#: (8 kHz -> 16 kHz caller audio: nothing above 4 kHz to protect, and Whisper's word error
#: rate on 8 kHz recordings was the same, 0.152 vs 0.161 for LQ), else soxr "low quality"
#: (16-bit precision, a real anti-alias filter). Chosen for latency: soxr works in blocks and
#: MQ/HQ hold back 75-90 ms of output when going 8 kHz -> 16 kHz in 20 ms chunks, LQ ~47 ms
#: (in 60 ms bursts), QQ 0.25 ms; LQ holds back ~12 ms for 24 kHz -> 16 kHz.
DEFAULT_QUALITY: Final[Quality] = "auto"


class StreamResampler:
    """Resample a stream of 1-D int16 chunks from ``in_rate`` to ``out_rate`` Hz.

    ``process(chunk)`` returns whatever output is ready (possibly empty); ``flush()`` ends
    the stream and returns the held-back tail, after which the resampler starts afresh.
    When the rates are equal both are identities (a copy of the input, empty flush).
    """

    def __init__(self, in_rate: int, out_rate: int, quality: Quality = DEFAULT_QUALITY) -> None:
        if in_rate <= 0 or out_rate <= 0:
            raise ValueError(f"sample rates must be positive, got {in_rate} -> {out_rate}")
        self.in_rate = int(in_rate)
        self.out_rate = int(out_rate)
        if quality == "auto":
            whole_upsampling = self.out_rate > self.in_rate and self.out_rate % self.in_rate == 0
            quality = "QQ" if whole_upsampling else "LQ"
        self.quality: Quality = quality
        self._stream: soxr.ResampleStream | None = None
        if self.in_rate != self.out_rate:
            self._stream = soxr.ResampleStream(
                self.in_rate, self.out_rate, 1, dtype="int16", quality=quality
            )

    @property
    def is_identity(self) -> bool:
        return self._stream is None

    def process(self, samples: Int16Array) -> Int16Array:
        """Feed one chunk; returns the resampled samples available so far."""
        arr = _as_int16(samples)
        if self._stream is None:
            return arr.copy()
        out: Int16Array = self._stream.resample_chunk(arr, last=False)
        return out

    def flush(self) -> Int16Array:
        """End of stream: return the held-back tail and reset for a new stream."""
        if self._stream is None:
            return np.zeros(0, dtype=np.int16)
        out: Int16Array = self._stream.resample_chunk(np.zeros(0, dtype=np.int16), last=True)
        self._stream.clear()
        return out

    def reset(self) -> None:
        """Drop any held-back samples (e.g. after a barge-in) and start a new stream."""
        if self._stream is not None:
            self._stream.clear()


def resample(samples: Int16Array, in_rate: int, out_rate: int) -> Int16Array:
    """Resample a whole int16 signal at once (same filter as :class:`StreamResampler`)."""
    rs = StreamResampler(in_rate, out_rate)
    head = rs.process(samples)
    tail = rs.flush()
    return np.concatenate([head, tail]) if tail.size else head


def _as_int16(samples: Int16Array) -> Int16Array:
    if not isinstance(samples, np.ndarray) or samples.dtype != np.int16 or samples.ndim != 1:
        raise TypeError("StreamResampler expects a 1-D numpy int16 array")
    return np.ascontiguousarray(samples)
