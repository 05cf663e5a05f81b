"""Reading a call recording for replay: any WAV a call recorder writes, as the caller's audio.

:func:`inspect_wav` reads only the header (to refuse bad input before any call is placed);
:func:`load_recording` decodes the caller's channel, resamples it to the rate the transport
sends, and finds the stretches where the caller speaks (:func:`speech_spans`).

The RIFF chunks are parsed here rather than with the stdlib :mod:`wave` module, which only
reads integer PCM: call recorders commonly write G.711 mu-law or A-law WAVs (format tags 7
and 6), and some write 24/32-bit or float samples or ``WAVE_FORMAT_EXTENSIBLE`` headers.
Accepted: PCM 8 (unsigned), 16, 24 and 32 bit; IEEE float 32 and 64 bit; mu-law and A-law
8 bit; at any sample rate; mono, or stereo with the caller's channel chosen. Everything
else raises :class:`RecordingError` naming the file and the problem.

Pure apart from reading the file; CPU work (decoding, resampling a long file): call it from
a worker thread, not an event loop.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

from voice_agent.audio import codec
from voice_agent.audio.resample import resample
from voice_agent.replay.model import Channel, Span

__all__ = [
    "CallerChannel",
    "Recording",
    "RecordingError",
    "WavInfo",
    "inspect_wav",
    "load_recording",
    "speech_spans",
]

Int16Array = npt.NDArray[np.int16]
CallerChannel = Literal["left", "right"]

#: WAVE format tags (mmreg.h).
_PCM: Final = 0x0001
_FLOAT: Final = 0x0003
_ALAW: Final = 0x0006
_MULAW: Final = 0x0007
_EXTENSIBLE: Final = 0xFFFE
_TAG_NAMES: Final = {
    0x0002: "Microsoft ADPCM",
    0x0011: "IMA ADPCM",
    0x0031: "GSM 6.10",
    0x0050: "MPEG",
    0x0055: "MPEG layer 3",
    0x0064: "G.726 ADPCM",
}
#: Frames of silence or noise shorter than this inside speech are bridged (seconds). Shorter
#: than the server's end-of-turn silence (500 ms by default), so two turns the server tells
#: apart are never merged into one span here.
MERGE_GAP_S: Final = 0.3
#: Stretches of speech shorter than this are dropped (clicks, breaths), seconds.
MIN_SPEECH_S: Final = 0.1
_FRAME_S: Final = 0.02


class RecordingError(ValueError):
    """A recording that cannot be replayed. ``code`` is stable: ``not_found``, ``not_wav``,
    ``unsupported_encoding``, ``empty``, ``too_many_channels``, ``needs_caller_channel``."""

    def __init__(self, path: Path, code: str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.code = code
        self.problem = problem


@dataclass(frozen=True, slots=True)
class WavInfo:
    """A WAV file's header: what is in it, before decoding anything."""

    path: Path
    sample_rate: int
    channels: int
    #: ``pcm_u8``, ``pcm_s16``, ``pcm_s24``, ``pcm_s32``, ``float32``, ``float64``,
    #: ``mulaw`` or ``alaw``.
    encoding: str
    frames: int
    #: Byte range of the sample data in the file.
    data_offset: int
    data_size: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.sample_rate

    @property
    def block_align(self) -> int:
        return _SAMPLE_BYTES[self.encoding] * self.channels


@dataclass(frozen=True, slots=True)
class Recording:
    """The caller's side of a recording, ready to be sent."""

    path: Path
    info: WavInfo
    #: ``mono``, or the channel of a stereo file taken as the caller.
    channel: Channel
    #: The rate of :attr:`samples` (what the transport sends).
    rate: int
    samples: Int16Array
    #: When the caller speaks, in seconds from the start of the file.
    speech: tuple[Span, ...]

    @property
    def duration_s(self) -> float:
        return self.samples.size / self.rate


_SAMPLE_BYTES: Final = {
    "pcm_u8": 1,
    "pcm_s16": 2,
    "pcm_s24": 3,
    "pcm_s32": 4,
    "float32": 4,
    "float64": 8,
    "mulaw": 1,
    "alaw": 1,
}


def _encoding(path: Path, tag: int, bits: int) -> str:
    if tag == _PCM:
        names = {8: "pcm_u8", 16: "pcm_s16", 24: "pcm_s24", 32: "pcm_s32"}
        if bits in names:
            return names[bits]
        raise RecordingError(path, "unsupported_encoding", f"{bits}-bit PCM is not supported")
    if tag == _FLOAT:
        if bits in (32, 64):
            return f"float{bits}"
        raise RecordingError(path, "unsupported_encoding", f"{bits}-bit float is not supported")
    if tag in (_MULAW, _ALAW):
        if bits != 8:
            raise RecordingError(
                path, "unsupported_encoding", f"G.711 with {bits} bits per sample (expected 8)"
            )
        return "mulaw" if tag == _MULAW else "alaw"
    name = _TAG_NAMES.get(tag, f"format tag 0x{tag:04x}")
    raise RecordingError(
        path,
        "unsupported_encoding",
        f"{name} audio is not supported (PCM, float, mu-law or A-law WAV only; "
        "convert it, e.g. `ffmpeg -i IN -c:a pcm_s16le OUT.wav`)",
    )


def _parse_header(path: Path, head: bytes, file_size: int) -> WavInfo:
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        kind = "an RF64 WAV (over 4 GiB), not supported" if head[:4] == b"RF64" else "not a WAV"
        raise RecordingError(path, "not_wav", f"{kind} file (no RIFF/WAVE header)")
    if head[:4] == b"RIFX":
        raise RecordingError(path, "unsupported_encoding", "big-endian (RIFX) WAV")
    pos = 12
    fmt: tuple[int, int, int, int] | None = None  # tag, channels, rate, bits
    while pos + 8 <= len(head):
        chunk_id = head[pos : pos + 4]
        (size,) = struct.unpack_from("<I", head, pos + 4)
        body = pos + 8
        if chunk_id == b"fmt ":
            if size < 16 or body + 16 > len(head):
                raise RecordingError(path, "not_wav", "the 'fmt ' chunk is truncated")
            tag, channels, rate, _, _, bits = struct.unpack_from("<HHIIHH", head, body)
            if tag == _EXTENSIBLE:
                if size < 40 or body + 40 > len(head):
                    raise RecordingError(path, "not_wav", "WAVE_FORMAT_EXTENSIBLE header truncated")
                (tag,) = struct.unpack_from("<H", head, body + 24)  # first bytes of the GUID
            fmt = (tag, channels, rate, bits)
        elif chunk_id == b"data":
            if fmt is None:
                raise RecordingError(path, "not_wav", "the 'data' chunk comes before 'fmt '")
            tag, channels, rate, bits = fmt
            encoding = _encoding(path, tag, bits)
            if channels < 1:
                raise RecordingError(path, "not_wav", "the header says 0 channels")
            if channels > 2:
                raise RecordingError(
                    path,
                    "too_many_channels",
                    f"{channels} channels; replay takes mono, or stereo with --caller-channel",
                )
            if rate < 1000:
                raise RecordingError(path, "not_wav", f"sample rate {rate} Hz")
            # recorders that stream to disk leave the size at 0 or 0xFFFFFFFF: use the file
            available = max(0, file_size - body)
            if size == 0 or size > available:
                size = available
            block = _SAMPLE_BYTES[encoding] * channels
            frames = size // block
            if frames == 0:
                raise RecordingError(path, "empty", "the recording has no audio")
            return WavInfo(path, rate, channels, encoding, frames, body, frames * block)
        pos = body + size + (size & 1)
    if fmt is None:
        raise RecordingError(path, "not_wav", "no 'fmt ' chunk")
    raise RecordingError(path, "empty", "no 'data' chunk: the recording has no audio")


#: How much of a file the header may take (LIST/INFO, bext and other chunks included).
_HEADER_BYTES: Final = 1 << 20


def inspect_wav(path: Path) -> WavInfo:
    """The header of ``path``; raises :class:`RecordingError` for anything not replayable."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_HEADER_BYTES)
    except FileNotFoundError as exc:
        raise RecordingError(path, "not_found", "no such file") from exc
    except IsADirectoryError as exc:
        raise RecordingError(path, "not_wav", "is a directory") from exc
    except OSError as exc:
        raise RecordingError(path, "not_found", f"cannot read it: {exc.strerror}") from exc
    return _parse_header(path, head, size)


def _alaw_table() -> Int16Array:
    """G.711 A-law to 16-bit linear (the Sun reference ``alaw2linear``, as ``audioop``)."""
    out = np.zeros(256, dtype=np.int16)
    for code in range(256):
        a = code ^ 0x55
        t = (a & 0x0F) << 4
        seg = (a & 0x70) >> 4
        if seg == 0:
            t += 8
        elif seg == 1:
            t += 0x108
        else:
            t = (t + 0x108) << (seg - 1)
        out[code] = t if a & 0x80 else -t
    return out


_ALAW_TO_LINEAR: Final = _alaw_table()


def _decode(info: WavInfo, raw: bytes) -> npt.NDArray[np.int16]:
    """All channels as int16, shape (frames, channels)."""
    enc = info.encoding
    n = info.frames * info.channels
    if enc == "pcm_s16":
        x = np.frombuffer(raw, dtype="<i2", count=n).astype(np.int16)
    elif enc == "pcm_u8":
        x = ((np.frombuffer(raw, dtype=np.uint8, count=n).astype(np.int16) - 128) << 8).astype(
            np.int16
        )
    elif enc == "pcm_s24":
        b = np.frombuffer(raw, dtype=np.uint8, count=n * 3).reshape(n, 3)
        x = ((b[:, 2].astype(np.int8).astype(np.int32) << 8) | b[:, 1]).astype(np.int16)
    elif enc == "pcm_s32":
        x = (np.frombuffer(raw, dtype="<i4", count=n) >> 16).astype(np.int16)
    elif enc in ("float32", "float64"):
        f = np.frombuffer(raw, dtype="<f4" if enc == "float32" else "<f8", count=n)
        f = np.nan_to_num(f, nan=0.0, posinf=1.0, neginf=-1.0)
        x = np.clip(np.round(f * 32767.0), -32768, 32767).astype(np.int16)
    elif enc == "mulaw":
        x = codec.mulaw_decode(np.frombuffer(raw, dtype=np.uint8, count=n))
    elif enc == "alaw":
        x = _ALAW_TO_LINEAR[np.frombuffer(raw, dtype=np.uint8, count=n)]
    else:  # pragma: no cover - _encoding() admits only the names above
        raise RecordingError(info.path, "unsupported_encoding", enc)
    return x.reshape(info.frames, info.channels)


def load_recording(
    path: Path, *, rate: int, caller_channel: CallerChannel | None = None
) -> Recording:
    """Decode the caller's audio of ``path`` at ``rate`` Hz, with its speech stretches.

    A stereo file needs ``caller_channel``; for a mono file it is ignored.
    """
    info = inspect_wav(path)
    if info.channels == 2 and caller_channel is None:
        raise RecordingError(
            path,
            "needs_caller_channel",
            "stereo recording: say which channel is the caller with --caller-channel left|right",
        )
    try:
        with path.open("rb") as fh:
            fh.seek(info.data_offset)
            raw = fh.read(info.data_size)
    except OSError as exc:
        raise RecordingError(path, "not_found", f"cannot read it: {exc.strerror}") from exc
    frames = len(raw) // info.block_align
    if frames == 0:
        raise RecordingError(path, "empty", "the recording has no audio")
    if frames < info.frames:
        info = WavInfo(
            path,
            info.sample_rate,
            info.channels,
            info.encoding,
            frames,
            info.data_offset,
            frames * info.block_align,
        )
    all_channels = _decode(info, raw)
    channel: Channel = "mono"
    column = 0
    if info.channels == 2:
        assert caller_channel is not None
        channel = caller_channel
        column = 0 if caller_channel == "left" else 1
    caller = np.ascontiguousarray(all_channels[:, column])
    samples = caller if info.sample_rate == rate else resample(caller, info.sample_rate, rate)
    return Recording(path, info, channel, rate, samples, speech_spans(samples, rate))


def speech_spans(
    samples: Int16Array,
    rate: int,
    *,
    floor_dbfs: float = -45.0,
    above_noise_db: float = 12.0,
    merge_gap_s: float = MERGE_GAP_S,
    min_speech_s: float = MIN_SPEECH_S,
) -> tuple[Span, ...]:
    """Stretches of speech by frame energy (20 ms frames).

    A frame is speech when its level is above ``floor_dbfs`` and ``above_noise_db`` over the
    recording's noise floor (its 10th-percentile frame level): a line hiss or a recorder's
    comfort noise is not speech. Gaps shorter than ``merge_gap_s`` are bridged; stretches
    shorter than ``min_speech_s`` are dropped.
    """
    frame = max(1, round(rate * _FRAME_S))
    n = samples.size // frame
    if n == 0:
        return ()
    x = samples[: n * frame].astype(np.float32).reshape(n, frame) / 32768.0
    level = 10.0 * np.log10((x * x).mean(axis=1) + 1e-12)
    noise = float(np.percentile(level, 10))
    threshold = max(floor_dbfs, noise + above_noise_db)
    loud = np.flatnonzero(level > threshold)
    if loud.size == 0:
        return ()
    frame_s = frame / rate
    spans: list[tuple[int, int]] = []
    gap = max(1, round(merge_gap_s / frame_s))
    start = prev = int(loud[0])
    for i in loud[1:]:
        k = int(i)
        if k - prev > gap:
            spans.append((start, prev + 1))
            start = k
        prev = k
    spans.append((start, prev + 1))
    return tuple(
        Span(a * frame_s, b * frame_s) for a, b in spans if (b - a) * frame_s >= min_speech_s
    )
