"""Reading call recordings for replay: every WAV encoding call recorders write, channels,
rates, speech stretches, and the errors for files that cannot be replayed.

The files are written here: integer PCM with the stdlib ``wave`` module, the rest (float,
G.711, WAVE_FORMAT_EXTENSIBLE, streaming headers) with a RIFF writer of a few lines, so the
reader under test is checked against an independent writer.
"""

from __future__ import annotations

import struct
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from voice_agent.audio import codec
from voice_agent.replay.model import Span
from voice_agent.replay.recording import (
    RecordingError,
    inspect_wav,
    load_recording,
    speech_spans,
)

Int16 = npt.NDArray[np.int16]
ASTERISK_EN = Path("/usr/share/asterisk/sounds/en")


def tone(rate: int, seconds: float, hz: float = 300.0, amp: float = 12000.0) -> Int16:
    t = np.arange(round(rate * seconds)) / rate
    return (amp * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def silence(rate: int, seconds: float) -> Int16:
    return np.zeros(round(rate * seconds), dtype=np.int16)


def write_pcm(path: Path, channels: list[Int16], rate: int, width: int = 2) -> Path:
    """Integer PCM through the stdlib writer; ``width`` 1, 2, 3 or 4 bytes."""
    frames = np.stack(channels, axis=1).astype(np.int32)
    if width == 1:
        data = ((frames >> 8) + 128).astype(np.uint8).tobytes()
    elif width == 2:
        data = frames.astype("<i2").tobytes()
    elif width == 3:
        wide = (frames << 8).astype("<i4").tobytes()
        data = b"".join(wide[i : i + 3] for i in range(0, len(wide), 4))
    else:
        data = (frames << 16).astype("<i4").tobytes()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(len(channels))
        w.setsampwidth(width)
        w.setframerate(rate)
        w.writeframes(data)
    return path


def riff(
    path: Path,
    *,
    tag: int,
    channels: int,
    rate: int,
    bits: int,
    data: bytes,
    extensible: bool = False,
    extra_chunks: bytes = b"",
    data_size: int | None = None,
) -> Path:
    """A WAV written by hand: ``fmt `` (plain or WAVE_FORMAT_EXTENSIBLE), extra chunks, data."""
    block = channels * bits // 8
    fmt = struct.pack(
        "<HHIIHH", 0xFFFE if extensible else tag, channels, rate, rate * block, block, bits
    )
    if extensible:
        guid_tail = b"\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"
        fmt += struct.pack("<HHIH", 22, bits, 0, tag) + guid_tail
    elif tag != 1:
        fmt += struct.pack("<H", 0)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunks
    size = len(data) if data_size is None else data_size
    body += b"data" + struct.pack("<I", size) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    return path


# --------------------------------------------------------------------------- encodings


def test_pcm16_mono_is_resampled_to_the_transport_rate(tmp_path: Path) -> None:
    x = np.concatenate([silence(8000, 0.5), tone(8000, 1.0), silence(8000, 0.5)])
    path = write_pcm(tmp_path / "a.wav", [x], 8000)
    rec = load_recording(path, rate=24000)
    assert rec.info.encoding == "pcm_s16" and rec.info.sample_rate == 8000
    assert rec.channel == "mono" and rec.rate == 24000
    assert abs(rec.samples.size - 3 * x.size) <= 3
    assert rec.duration_s == pytest.approx(2.0, abs=0.001)
    # the tone is where it was, at the new rate
    loud = np.flatnonzero(np.abs(rec.samples) > 3000)
    assert loud[0] / 24000 == pytest.approx(0.5, abs=0.01)
    assert loud[-1] / 24000 == pytest.approx(1.5, abs=0.01)


@pytest.mark.parametrize(
    ("width", "encoding", "tolerance"), [(1, "pcm_u8", 256), (3, "pcm_s24", 0), (4, "pcm_s32", 0)]
)
def test_integer_pcm_widths(tmp_path: Path, width: int, encoding: str, tolerance: int) -> None:
    x = tone(16000, 0.5)
    path = write_pcm(tmp_path / f"w{width}.wav", [x], 16000, width=width)
    rec = load_recording(path, rate=16000)
    assert rec.info.encoding == encoding
    assert rec.samples.size == x.size
    assert int(np.max(np.abs(rec.samples.astype(int) - x.astype(int)))) <= tolerance


def test_float32_and_float64(tmp_path: Path) -> None:
    x = tone(16000, 0.4)
    for bits, dtype in ((32, "<f4"), (64, "<f8")):
        data = (x.astype(np.float64) / 32767.0).astype(dtype).tobytes()
        path = riff(tmp_path / f"f{bits}.wav", tag=3, channels=1, rate=16000, bits=bits, data=data)
        rec = load_recording(path, rate=16000)
        assert rec.info.encoding == f"float{bits}"
        assert int(np.max(np.abs(rec.samples.astype(int) - x.astype(int)))) <= 1


def test_mulaw_wav_decodes_like_g711(tmp_path: Path) -> None:
    x = tone(8000, 0.5)
    data = codec.mulaw_encode(x)
    path = riff(tmp_path / "u.wav", tag=7, channels=1, rate=8000, bits=8, data=data)
    rec = load_recording(path, rate=8000)
    assert rec.info.encoding == "mulaw"
    np.testing.assert_array_equal(rec.samples, codec.mulaw_decode(data))
    # G.711 keeps the signal within its quantisation step (about 3 % at this level)
    assert np.max(np.abs(rec.samples.astype(int) - x.astype(int))) < 0.04 * 12000


def test_alaw_wav_decodes_to_the_g711_table(tmp_path: Path) -> None:
    # reference points of ITU-T G.711 A-law (even bits inverted on the wire)
    codes = bytes([0xD5, 0x55, 0xAA, 0x2A, 0xD4, 0x54])
    expected = [8, -8, 32256, -32256, 24, -24]
    path = riff(tmp_path / "a.wav", tag=6, channels=1, rate=8000, bits=8, data=codes * 100)
    rec = load_recording(path, rate=8000)
    assert rec.info.encoding == "alaw"
    assert rec.samples[:6].tolist() == expected
    # a full sweep: 256 codes give 256 distinct levels, symmetric around zero
    sweep = riff(tmp_path / "s.wav", tag=6, channels=1, rate=8000, bits=8, data=bytes(range(256)))
    levels = load_recording(sweep, rate=8000).samples.astype(int)
    assert len(set(levels.tolist())) == 256
    assert sorted(levels.tolist()) == sorted((-levels).tolist())


def test_extensible_header_and_padded_chunks_before_data(tmp_path: Path) -> None:
    x = tone(22050, 0.3)
    # an odd-sized LIST chunk (padded to even) before the data, as recorders add metadata
    info = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"
    path = riff(
        tmp_path / "ext.wav",
        tag=1,
        channels=1,
        rate=22050,
        bits=16,
        data=x.astype("<i2").tobytes(),
        extensible=True,
        extra_chunks=info,
    )
    rec = load_recording(path, rate=22050)
    assert rec.info.encoding == "pcm_s16"
    np.testing.assert_array_equal(rec.samples, x)


def test_streaming_header_size_uses_the_file(tmp_path: Path) -> None:
    x = tone(8000, 0.5)
    for size in (0, 0xFFFFFFFF):
        path = riff(
            tmp_path / f"s{size}.wav",
            tag=1,
            channels=1,
            rate=8000,
            bits=16,
            data=x.astype("<i2").tobytes(),
            data_size=size,
        )
        assert inspect_wav(path).frames == x.size
        np.testing.assert_array_equal(load_recording(path, rate=8000).samples, x)


# --------------------------------------------------------------------------- channels


def test_stereo_takes_the_callers_channel(tmp_path: Path) -> None:
    rate = 16000
    caller = np.concatenate([tone(rate, 0.5, hz=300), silence(rate, 1.0)])
    agent = np.concatenate([silence(rate, 0.8), tone(rate, 0.7, hz=500)])
    path = write_pcm(tmp_path / "st.wav", [agent, caller], rate)
    right = load_recording(path, rate=rate, caller_channel="right")
    left = load_recording(path, rate=rate, caller_channel="left")
    assert right.channel == "right" and left.channel == "left"
    np.testing.assert_array_equal(right.samples, caller)
    np.testing.assert_array_equal(left.samples, agent)
    assert right.speech[0].start_s == pytest.approx(0.0, abs=0.03)
    assert right.speech[-1].end_s == pytest.approx(0.5, abs=0.03)
    assert left.speech[0].start_s == pytest.approx(0.8, abs=0.03)


def test_stereo_without_a_channel_names_the_option(tmp_path: Path) -> None:
    x = tone(8000, 0.2)
    path = write_pcm(tmp_path / "st.wav", [x, x], 8000)
    with pytest.raises(RecordingError) as err:
        load_recording(path, rate=8000)
    assert err.value.code == "needs_caller_channel"
    assert "--caller-channel" in str(err.value) and str(path) in str(err.value)


def test_mono_ignores_the_caller_channel(tmp_path: Path) -> None:
    path = write_pcm(tmp_path / "m.wav", [tone(8000, 0.2)], 8000)
    assert load_recording(path, rate=8000, caller_channel="right").channel == "mono"


# --------------------------------------------------------------------------- errors


def test_errors_name_the_file_and_the_problem(tmp_path: Path) -> None:
    cases: dict[str, tuple[Path, str]] = {}
    text = tmp_path / "text.wav"
    text.write_text("not audio at all")
    cases["not_wav"] = (text, "not a WAV")
    adpcm = riff(tmp_path / "adpcm.wav", tag=2, channels=1, rate=8000, bits=4, data=b"\x00" * 100)
    cases["unsupported_encoding"] = (adpcm, "Microsoft ADPCM")
    empty = write_pcm(tmp_path / "empty.wav", [np.zeros(0, dtype=np.int16)], 8000)
    cases["empty"] = (empty, "no audio")
    x = tone(8000, 0.1)
    three = write_pcm(tmp_path / "three.wav", [x, x, x], 8000)
    cases["too_many_channels"] = (three, "3 channels")
    cases["not_found"] = (tmp_path / "missing.wav", "no such file")
    for code, (path, words) in cases.items():
        with pytest.raises(RecordingError) as err:
            load_recording(path, rate=8000)
        assert err.value.code == code, (code, err.value)
        assert str(path) in str(err.value) and words in str(err.value), str(err.value)
    # the header check alone refuses the same files
    with pytest.raises(RecordingError):
        inspect_wav(adpcm)
    odd = riff(tmp_path / "odd.wav", tag=1, channels=1, rate=8000, bits=12, data=b"\x00" * 30)
    with pytest.raises(RecordingError, match="12-bit PCM"):
        inspect_wav(odd)


# --------------------------------------------------------------------------- speech


def test_speech_spans_bridge_short_gaps_and_ignore_noise() -> None:
    rate = 8000
    rng = np.random.default_rng(7)
    parts = [
        silence(rate, 0.5),
        tone(rate, 0.6),
        silence(rate, 0.2),  # a short gap inside an utterance: bridged
        tone(rate, 0.4),
        silence(rate, 1.5),
        tone(rate, 0.05),  # a click: dropped
        silence(rate, 1.0),
        tone(rate, 0.8),
        silence(rate, 0.5),
    ]
    x = np.concatenate(parts)
    hiss = rng.normal(0, 60, x.size)  # line noise about -55 dBFS: not speech
    x = np.clip(x + hiss, -32768, 32767).astype(np.int16)
    spans = speech_spans(x, rate)
    assert len(spans) == 2
    assert spans[0].start_s == pytest.approx(0.5, abs=0.03)
    assert spans[0].end_s == pytest.approx(1.7, abs=0.03)
    assert spans[1].start_s == pytest.approx(4.25, abs=0.03)
    assert spans[1].end_s == pytest.approx(5.05, abs=0.03)
    assert speech_spans(np.zeros(rate, dtype=np.int16), rate) == ()


def test_speech_spans_of_a_real_recording(tmp_path: Path) -> None:
    clip = ASTERISK_EN / "vm-nobodyavail.wav"
    if not clip.is_file():
        pytest.skip("asterisk-core-sounds-en-wav is not installed")
    with wave.open(str(clip)) as w:
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.int16)
    x = np.concatenate([silence(8000, 1.0), speech, silence(8000, 2.0), speech, silence(8000, 1.0)])
    rec = load_recording(write_pcm(tmp_path / "two.wav", [x], 8000), rate=16000)
    clip_s = speech.size / 8000
    # two utterances separated by the 2 s pause, each within the clip's own extent
    assert len(rec.speech) == 2, rec.speech
    first, second = rec.speech
    assert 1.0 <= first.start_s < 1.5 and first.end_s <= 1.0 + clip_s + 0.05
    assert second.start_s - first.start_s == pytest.approx(clip_s + 2.0, abs=0.05)
    assert isinstance(first, Span)
