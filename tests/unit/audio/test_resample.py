"""StreamResampler: statefulness across chunks, rates, identity, errors."""

from __future__ import annotations

import numpy as np
import pytest

from voice_agent.audio.resample import StreamResampler, resample


def _tone(rate: int, seconds: float, hz: float = 440.0) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    return (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


@pytest.mark.parametrize(
    ("src", "dst", "chunk"),
    [(24000, 16000, 480), (8000, 16000, 160), (22050, 24000, 1000), (16000, 8000, 333)],
)
def test_chunked_equals_whole(src: int, dst: int, chunk: int) -> None:
    x = _tone(src, 1.5)
    whole = resample(x, src, dst)
    rs = StreamResampler(src, dst)
    parts = [rs.process(x[i : i + chunk]) for i in range(0, len(x), chunk)]
    parts.append(rs.flush())
    chunked = np.concatenate(parts)
    assert len(chunked) == len(whole)
    assert abs(len(whole) - len(x) * dst / src) <= 2
    assert np.max(np.abs(chunked.astype(int) - whole.astype(int))) <= 4


def test_frequency_is_preserved() -> None:
    y = resample(_tone(24000, 1.0, 1000.0), 24000, 16000).astype(float)
    spectrum = np.abs(np.fft.rfft(y))
    peak_hz = np.argmax(spectrum) * 16000 / len(y)
    assert abs(peak_hz - 1000.0) < 3


def test_downsampling_removes_content_above_nyquist() -> None:
    y = resample(_tone(24000, 1.0, 10000.0), 24000, 16000)  # 10 kHz > 8 kHz Nyquist
    assert np.sqrt(np.mean(y.astype(float) ** 2)) < 8000 / np.sqrt(2) * 0.1


def test_state_does_not_leak_between_streams_after_flush() -> None:
    x = _tone(8000, 0.5)
    rs = StreamResampler(8000, 16000)
    first = np.concatenate([rs.process(x), rs.flush()])
    second = np.concatenate([rs.process(x), rs.flush()])
    assert len(first) == len(second)
    # soxr dithers int16 output: equal up to a couple of LSBs, no leftover from stream one.
    assert np.max(np.abs(first.astype(int) - second.astype(int))) <= 4


def test_identity_when_rates_equal() -> None:
    x = _tone(16000, 0.1)
    rs = StreamResampler(16000, 16000)
    assert rs.is_identity
    y = rs.process(x)
    assert np.array_equal(y, x) and y is not x
    assert rs.flush().size == 0


def test_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        StreamResampler(0, 16000)
    with pytest.raises(TypeError):
        StreamResampler(8000, 16000).process(np.zeros(10, dtype=np.float32))  # type: ignore[arg-type]


def test_caller_upsampling_has_no_block_delay() -> None:
    """8 kHz telephone audio must reach the VAD chunk by chunk, not in 60-100 ms bursts."""
    x = _tone(8000, 1.0)
    rs = StreamResampler(8000, 16000)
    assert rs.quality == "QQ"
    sizes = [rs.process(x[i : i + 160]).size for i in range(0, len(x), 160)]
    assert all(abs(n - 320) <= 8 for n in sizes)


def test_downsampling_keeps_an_anti_alias_filter() -> None:
    assert StreamResampler(24000, 16000).quality == "LQ"
    assert StreamResampler(22050, 24000).quality == "LQ"
    assert StreamResampler(8000, 16000, quality="MQ").quality == "MQ"
