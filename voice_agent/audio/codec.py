"""Wire audio formats: decode to int16 samples and encode back, with G.711 mu-law in numpy.

Two wire formats are spoken (the OpenAI Realtime names):

* ``audio/pcm``  -> :attr:`AudioFormat.PCM24K`: 24 kHz, signed 16-bit little-endian, mono.
* ``audio/pcmu`` -> :attr:`AudioFormat.PCMU8K`: 8 kHz G.711 mu-law, one byte per sample, mono.
* ``audio/L16;rate=8000`` -> :attr:`AudioFormat.PCM8K`: 8 kHz signed 16-bit little-endian, mono
  (Asterisk's ``slin``, what AudioSocket carries; not offered on ``/v1/realtime``).

The mu-law tables reproduce bit for bit what the removed ``audioop`` module did
(``audioop.lin2ulaw(data, 2)`` / ``audioop.ulaw2lin(data, 2)``), which is the classic
Sun/CCITT G.711 reference code: a 16-bit sample is reduced to 14 bits by an arithmetic
shift, biased by 33, clipped at 8159 and coded as sign, 3-bit segment and 4-bit mantissa,
all bits inverted.

Everything here is pure numpy: cheap, but still CPU work; callers on an event loop should
batch it into their worker threads together with resampling and VAD.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = [
    "AudioFormat",
    "AudioFormatError",
    "bytes_per_ms",
    "decode",
    "encode",
    "mulaw_decode",
    "mulaw_encode",
    "sample_rate",
]

Int16Array = npt.NDArray[np.int16]
UInt8Array = npt.NDArray[np.uint8]


class AudioFormatError(ValueError):
    """Audio bytes or samples that cannot be decoded/encoded in the requested format.

    ``code`` is a stable machine-readable string meant for an ``error`` event:
    ``"audio_format_unknown"``, ``"audio_odd_length"``, ``"audio_bad_samples"``.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class AudioFormat(StrEnum):
    """A wire audio format; the value is the MIME-like name used in the protocol."""

    PCM24K = "audio/pcm"
    PCMU8K = "audio/pcmu"
    PCM8K = "audio/L16;rate=8000"

    @classmethod
    def parse(cls, value: str | AudioFormat) -> AudioFormat:
        """Return the format named ``value`` or raise :class:`AudioFormatError`."""
        if isinstance(value, AudioFormat):
            return value
        try:
            return cls(value)
        except ValueError:
            names = ", ".join(f.value for f in cls)
            raise AudioFormatError(
                "audio_format_unknown", f"unknown audio format {value!r}; expected one of {names}"
            ) from None

    @property
    def sample_rate(self) -> int:
        return _RATES[self]

    @property
    def sample_width(self) -> int:
        """Bytes per sample on the wire."""
        return _WIDTHS[self]


_RATES: Final[dict[AudioFormat, int]] = {
    AudioFormat.PCM24K: 24_000,
    AudioFormat.PCMU8K: 8_000,
    AudioFormat.PCM8K: 8_000,
}
_WIDTHS: Final[dict[AudioFormat, int]] = {
    AudioFormat.PCM24K: 2,
    AudioFormat.PCMU8K: 1,
    AudioFormat.PCM8K: 2,
}


def sample_rate(fmt: AudioFormat | str) -> int:
    """Samples per second of ``fmt`` (24000 for ``audio/pcm``, 8000 for ``audio/pcmu``)."""
    return AudioFormat.parse(fmt).sample_rate


def bytes_per_ms(fmt: AudioFormat | str) -> int:
    """Wire bytes per millisecond of audio (48 for ``audio/pcm``, 8 for ``audio/pcmu``)."""
    f = AudioFormat.parse(fmt)
    return f.sample_rate * f.sample_width // 1000


# --------------------------------------------------------------------------- mu-law tables

_BIAS: Final = 0x84
_CLIP: Final = 8159
_SEG_UEND: Final = np.array([0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF], dtype=np.int32)


def _build_decode_table() -> Int16Array:
    u = (~np.arange(256, dtype=np.int32)) & 0xFF
    t = ((u & 0x0F) << 3) + _BIAS
    t = t << ((u & 0x70) >> 4)
    out = np.where((u & 0x80) != 0, _BIAS - t, t - _BIAS)
    return out.astype(np.int16)


def _build_encode_table() -> UInt8Array:
    # Index = the int16 sample viewed as uint16; value = the mu-law byte.
    samples = np.arange(65536, dtype=np.int32)
    samples = np.where(samples >= 32768, samples - 65536, samples)
    pcm = samples >> 2  # 16 -> 14 bit, arithmetic shift like audioop
    negative = pcm < 0
    mask = np.where(negative, 0x7F, 0xFF)
    mag = np.minimum(np.where(negative, -pcm, pcm), _CLIP) + (_BIAS >> 2)
    seg = np.searchsorted(_SEG_UEND, mag, side="left")  # first seg with mag <= uend
    uval = np.where(
        seg >= 8,
        0x7F,
        (np.minimum(seg, 7) << 4) | ((mag >> (np.minimum(seg, 7) + 1)) & 0x0F),
    )
    return ((uval ^ mask) & 0xFF).astype(np.uint8)


_ULAW_TO_LIN: Final[Int16Array] = _build_decode_table()
_LIN_TO_ULAW: Final[UInt8Array] = _build_encode_table()


def mulaw_decode(data: bytes | bytearray | memoryview | UInt8Array) -> Int16Array:
    """G.711 mu-law bytes -> int16 samples (same values as ``audioop.ulaw2lin(data, 2)``)."""
    codes = np.frombuffer(data, dtype=np.uint8) if not isinstance(data, np.ndarray) else data
    if codes.dtype != np.uint8:
        raise AudioFormatError(
            "audio_bad_samples", f"mu-law codes must be uint8, got {codes.dtype}"
        )
    return _ULAW_TO_LIN[codes]


def mulaw_encode(samples: Int16Array) -> bytes:
    """int16 samples -> G.711 mu-law bytes (same as ``audioop.lin2ulaw(data, 2)``)."""
    arr = _check_int16(samples)
    return _LIN_TO_ULAW[arr.view(np.uint16)].tobytes()


# --------------------------------------------------------------------------- wire <-> samples


def decode(data: bytes | bytearray | memoryview, fmt: AudioFormat | str) -> Int16Array:
    """Wire bytes of ``fmt`` -> a new, writable 1-D int16 array at ``sample_rate(fmt)``.

    Raises :class:`AudioFormatError` (code ``audio_odd_length``) when ``audio/pcm`` data is
    not a whole number of 16-bit samples, and ``audio_format_unknown`` for unknown formats.
    """
    f = AudioFormat.parse(fmt)
    if f is AudioFormat.PCMU8K:
        return mulaw_decode(data)
    n = len(data) if not isinstance(data, memoryview) else data.nbytes
    if n % 2:
        raise AudioFormatError(
            "audio_odd_length",
            f"{f.value} data must hold whole 16-bit samples; got {n} bytes",
        )
    pcm = np.frombuffer(data, dtype="<i2").astype(np.int16)  # copy: writable, native order
    return pcm


def encode(samples: Int16Array, fmt: AudioFormat | str) -> bytes:
    """1-D int16 samples at ``sample_rate(fmt)`` -> wire bytes of ``fmt``."""
    f = AudioFormat.parse(fmt)
    arr = _check_int16(samples)
    if f is AudioFormat.PCMU8K:
        return mulaw_encode(arr)
    if sys.byteorder == "little":
        return arr.tobytes()
    return arr.astype("<i2").tobytes()


def _check_int16(samples: Int16Array) -> Int16Array:
    if not isinstance(samples, np.ndarray):
        raise AudioFormatError("audio_bad_samples", "samples must be a numpy int16 array")
    if samples.dtype != np.int16:
        raise AudioFormatError("audio_bad_samples", f"samples must be int16, got {samples.dtype}")
    if samples.ndim != 1:
        raise AudioFormatError(
            "audio_bad_samples", f"samples must be 1-D, got shape {samples.shape}"
        )
    return np.ascontiguousarray(samples)
