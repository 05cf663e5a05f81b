"""Smart Turn feature extraction (pure numpy) and the model file's checks."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from voice_agent.audio import smart_turn as st


def test_silence_gives_the_hand_computed_floor() -> None:
    # normalised silence stays 0 -> power 0 -> log10(1e-10) = -10 everywhere; the max - 8
    # floor is below; (-10 + 4) / 4 = -1.5
    feats = st.log_mel_features(np.zeros(16000, dtype=np.float32))
    assert feats.shape == (80, 800)
    assert feats.dtype == np.float32
    np.testing.assert_array_equal(feats, np.full((80, 800), -1.5, dtype=np.float32))


def test_window_keeps_the_end_and_pads_in_front() -> None:
    short = np.arange(1, 11, dtype=np.float32)
    win = st.fit_window(short)
    assert win.shape == (st.WINDOW_SAMPLES,)
    np.testing.assert_array_equal(win[-10:], short)
    assert not win[:-10].any()
    long = np.arange(st.WINDOW_SAMPLES + 500, dtype=np.float32)
    np.testing.assert_array_equal(st.fit_window(long), long[500:])


def test_slaney_mel_scale_points() -> None:
    # linear part: 3 mel per 200 Hz; 1 kHz = 15 mel; each factor 6.4 above it adds 27 mel
    np.testing.assert_allclose(
        st._hz_to_mel(np.array([0.0, 200.0, 1000.0, 6400.0])), [0.0, 3.0, 15.0, 42.0]
    )
    np.testing.assert_allclose(st._mel_to_hz(np.array([3.0, 15.0, 42.0])), [200.0, 1000.0, 6400.0])


def test_filterbank_shape_and_unit_area_triangles() -> None:
    bank = st.mel_filterbank()
    assert bank.shape == (201, 80)
    assert (bank >= 0).all()
    # every filter peaks once and its triangle area (in Hz) is 1 (slaney normalisation)
    hz_per_bin = 8000 / 200
    areas = bank.sum(axis=0) * hz_per_bin
    np.testing.assert_allclose(areas[10:], 1.0, rtol=0.08)  # wide filters: well sampled


def _reference_features(audio: np.ndarray) -> np.ndarray:
    """An independent rendering of the published recipe: explicit DFT matrix, filters
    built one triangle at a time from the Slaney formula."""
    x = np.zeros(128000)
    x[-audio.size :] = audio
    x = (x - x.mean()) / np.sqrt(x.var() + 1e-7)
    x = np.concatenate([x[200:0:-1], x, x[-2:-202:-1]])  # reflect padding, 200 each side
    n = np.arange(400)
    window = np.sin(np.pi * n / 400) ** 2  # periodic Hann
    k = np.arange(201)[:, None]
    dft = np.exp(-2j * np.pi * k * n[None, :] / 400)  # (201, 400)
    frames = np.stack([x[i * 160 : i * 160 + 400] for i in range(801)])
    power = np.abs((frames * window) @ dft.T) ** 2  # (801, 201)

    def mel(f: float) -> float:
        return f / (200 / 3) if f < 1000 else 15 + np.log(f / 1000) / (np.log(6.4) / 27)

    def hz(m: float) -> float:
        return m * (200 / 3) if m < 15 else 1000 * np.exp((m - 15) * np.log(6.4) / 27)

    edges = [hz(m) for m in np.linspace(0, mel(8000), 82)]
    freqs = np.linspace(0, 8000, 201)
    filters = np.zeros((201, 80))
    for j in range(80):
        lo, mid, hi = edges[j], edges[j + 1], edges[j + 2]
        for b, f in enumerate(freqs):
            if lo < f < hi:
                tri = (f - lo) / (mid - lo) if f <= mid else (hi - f) / (hi - mid)
                filters[b, j] = tri * 2 / (hi - lo)
    spec = np.log10(np.maximum(power @ filters, 1e-10)).T[:, :800]
    spec = np.maximum(spec, spec.max() - 8)
    return (spec + 4) / 4


def test_features_match_an_independent_reference() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(24000) / 16000
    audio = 0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * rng.standard_normal(t.size)
    ours = st.log_mel_features(audio.astype(np.float32))
    ref = _reference_features(audio.astype(np.float32).astype(np.float64))
    np.testing.assert_allclose(ours, ref, atol=1e-4)
    # the tone lands in the band centred nearest 440 Hz: band j peaks at mel (j + 1) * step,
    # step = mel(8 kHz) / 81 = 45.245 / 81; 440 Hz = 6.6 mel -> j = 11
    band = int(ours[:, -100:].mean(axis=1).argmax())
    assert band == round(6.6 / (45.245 / 81)) - 1 == 11


def test_bundled_model_is_checked(tmp_path: Path) -> None:
    path = st.default_model_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == st.MODEL_SHA256
    model = st.SmartTurnModel.load()
    assert st.SmartTurnModel.load() is model  # loaded once per process
    p = model.complete_probability(np.zeros(8000, dtype=np.float32))
    assert 0.0 <= p <= 1.0


def test_wrong_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(st.SmartTurnError) as err:
        st.SmartTurnModel.load(tmp_path / "missing.onnx")
    assert err.value.code == "smart_turn_model_missing"
    other = tmp_path / "silero.onnx"
    from voice_agent.audio.vad import default_model_path

    shutil.copy(default_model_path(), other)
    with pytest.raises(st.SmartTurnError) as err:
        st.SmartTurnModel.load(other)
    assert err.value.code == "smart_turn_model_invalid"
