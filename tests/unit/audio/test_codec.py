"""Codec: mu-law bit exactness, PCM round trips, explicit errors."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from voice_agent.audio.codec import (
    AudioFormat,
    AudioFormatError,
    bytes_per_ms,
    decode,
    encode,
    mulaw_decode,
    mulaw_encode,
    sample_rate,
)

# Reference values of the G.711 mu-law reference code (Sun g711.c, = audioop).
KNOWN_DECODE = {
    0x00: -32124,
    0x0F: -16764,
    0x10: -15996,
    0x7E: -8,
    0x7F: 0,
    0x80: 32124,
    0x8F: 16764,
    0xFE: 8,
    0xFF: 0,
    0x70: -120,
    0xF0: 120,
}
KNOWN_ENCODE = {
    0: 0xFF,
    -1: 0x7E,
    1: 0xFF,
    4: 0xFE,
    8: 0xFE,
    -8: 0x7E,
    -9: 0x7D,
    32767: 0x80,
    -32768: 0x00,
    1000: 0xCE,
    -1000: 0x4E,
    100: 0xF2,
    -100: 0x72,
}


def test_known_decode_values() -> None:
    codes = bytes(KNOWN_DECODE)
    assert mulaw_decode(codes).tolist() == list(KNOWN_DECODE.values())


def test_known_encode_values() -> None:
    x = np.array(list(KNOWN_ENCODE), dtype=np.int16)
    assert list(mulaw_encode(x)) == list(KNOWN_ENCODE.values())


def test_bit_exact_with_audioop_when_available() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        audioop = pytest.importorskip("audioop", reason="audioop removed in Python >= 3.13")
    every = np.arange(-32768, 32768, dtype=np.int16)
    assert mulaw_encode(every) == audioop.lin2ulaw(every.tobytes(), 2)
    codes = bytes(range(256))
    assert mulaw_decode(codes).tobytes() == audioop.ulaw2lin(codes, 2)


def test_mulaw_decode_encode_is_identity_on_codes() -> None:
    codes = bytes(c for c in range(256) if c != 0x7F)  # 0x7F and 0xFF both decode to 0
    assert mulaw_encode(mulaw_decode(codes)) == codes


def test_mulaw_round_trip_error_is_bounded() -> None:
    rng = np.random.default_rng(1)
    x = rng.integers(-32768, 32768, 10_000).astype(np.int16)
    y = mulaw_decode(mulaw_encode(x)).astype(np.int32)
    err = np.abs(y - x.astype(np.int32))
    # Quantisation step doubles per segment; the error stays below ~3.2 % of the magnitude + 8.
    assert np.all(err <= np.abs(x.astype(np.int32)) * 0.032 + 8 + 1)


def test_pcm_round_trip_little_endian() -> None:
    x = np.array([0, 1, -1, 32767, -32768, 256], dtype=np.int16)
    data = encode(x, AudioFormat.PCM24K)
    assert data[:4] == b"\x00\x00\x01\x00"
    assert data[4:6] == b"\xff\xff"
    y = decode(data, "audio/pcm")
    assert y.dtype == np.int16
    assert y.tolist() == x.tolist()
    y[0] = 5  # decoded arrays are writable copies
    assert decode(data, "audio/pcm")[0] == 0


def test_pcmu_round_trip_through_wire() -> None:
    x = (np.sin(np.linspace(0, 20, 800)) * 12000).astype(np.int16)
    data = encode(x, AudioFormat.PCMU8K)
    assert len(data) == 800
    y = decode(data, AudioFormat.PCMU8K)
    assert np.max(np.abs(y.astype(int) - x)) < 400


def test_odd_pcm_length_is_an_error_with_code() -> None:
    with pytest.raises(AudioFormatError) as err:
        decode(b"\x00\x01\x02", AudioFormat.PCM24K)
    assert err.value.code == "audio_odd_length"


def test_unknown_format_is_an_error_with_code() -> None:
    with pytest.raises(AudioFormatError) as err:
        decode(b"", "audio/opus")
    assert err.value.code == "audio_format_unknown"
    assert "audio/pcmu" in str(err.value)


@pytest.mark.parametrize(
    "bad",
    [np.zeros(4, dtype=np.float32), np.zeros((2, 2), dtype=np.int16), [1, 2, 3]],
)
def test_encode_rejects_non_int16_mono(bad: object) -> None:
    with pytest.raises(AudioFormatError) as err:
        encode(bad, AudioFormat.PCM24K)  # type: ignore[arg-type]
    assert err.value.code == "audio_bad_samples"


def test_rates_and_sizes() -> None:
    assert sample_rate(AudioFormat.PCM24K) == 24000
    assert sample_rate("audio/pcmu") == 8000
    assert bytes_per_ms("audio/pcm") == 48
    assert bytes_per_ms(AudioFormat.PCMU8K) == 8
    assert AudioFormat.parse("audio/pcmu") is AudioFormat.PCMU8K
    assert decode(b"", AudioFormat.PCMU8K).size == 0
