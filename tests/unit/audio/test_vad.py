"""Silero VAD streaming on real speech, silence and noise."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_fixtures import (
    asterisk_clips,
    silence,
    synthetic_clips,
    white_noise,
)
from voice_agent.audio.vad import FRAME_SAMPLES, SileroModel, SileroVAD


def test_model_loads_once_per_process(silero_model: SileroModel) -> None:
    assert SileroModel.load() is silero_model
    assert SileroModel.load(silero_model.path) is silero_model


def test_missing_model_file_is_a_clear_error(tmp_path: object) -> None:
    with pytest.raises(FileNotFoundError):
        SileroModel.load("/nonexistent/silero.onnx")


def test_chunking_does_not_change_probabilities(silero_model: SileroModel) -> None:
    clip = synthetic_clips("en")[0]
    audio = np.concatenate([silence(300), clip.samples, silence(300)])
    whole = SileroVAD(silero_model).process(audio)
    vad = SileroVAD(silero_model)
    chunked: list[float] = []
    for i in range(0, len(audio), 333):
        chunked += vad.process(audio[i : i + 333])
    assert len(whole) == len(chunked) == len(audio) // FRAME_SAMPLES
    assert np.allclose(whole, chunked, atol=1e-5)
    assert vad.buffered_samples == len(audio) % FRAME_SAMPLES


def test_matches_faster_whisper_batch_feeding(silero_model: SileroModel) -> None:
    from faster_whisper.vad import get_vad_model

    clip = synthetic_clips("en")[1]
    audio = np.concatenate([silence(200), clip.samples])
    audio = audio[: len(audio) // FRAME_SAMPLES * FRAME_SAMPLES]
    ours = SileroVAD(silero_model).process(audio.astype(np.float32) / 32768.0)
    ref = np.asarray(get_vad_model()(audio.astype(np.float32) / 32768.0)).reshape(-1)
    # faster-whisper zeroes the last 64 samples of its input (a view), which changes only
    # the last frame; every other frame must agree.
    assert len(ours) == len(ref)
    assert np.allclose(ours[:-1], ref[:-1], atol=1e-5)


def test_streams_are_independent(silero_model: SileroModel) -> None:
    clip = synthetic_clips("en")[0]
    a, b = SileroVAD(silero_model), SileroVAD(silero_model)
    pa = a.process(clip.samples)
    b.process(white_noise(500))
    b.reset()
    assert np.allclose(pa, b.process(clip.samples), atol=1e-6)


@pytest.mark.parametrize("clip", synthetic_clips(), ids=lambda c: c.name)
def test_speech_is_detected_in_synthetic_clips(silero_model: SileroModel, clip: object) -> None:
    probs = SileroVAD(silero_model).process(np.concatenate([silence(200), clip.samples]))  # type: ignore[attr-defined]
    assert max(probs) > 0.5


def test_silence_and_noise_are_not_speech(silero_model: SileroModel) -> None:
    vad = SileroVAD(silero_model)
    assert max(vad.process(silence(2000))) < 0.1
    vad.reset()
    noise = vad.process(white_noise(3000, level=0.05))
    assert np.mean(np.array(noise) > 0.5) < 0.05
    vad.reset()
    t = np.arange(16000 * 2) / 16000
    hum = (3000 * np.sin(2 * np.pi * 50 * t)).astype(np.int16)
    assert max(vad.process(hum)) < 0.5


def test_human_recordings_have_speech_then_silence(silero_model: SileroModel) -> None:
    for clip in asterisk_clips(["all-circuits-busy-now", "auth-thankyou", "agent-pass"]):
        vad = SileroVAD(silero_model)
        probs = np.array(vad.process(np.concatenate([silence(500), clip.samples, silence(800)])))
        assert probs[:10].max() < 0.2, clip.name  # leading silence
        assert probs.max() > 0.8, clip.name
        assert probs[-10:].max() < 0.3, clip.name  # trailing silence


def test_rejects_bad_input(silero_model: SileroModel) -> None:
    vad = SileroVAD(silero_model)
    with pytest.raises(TypeError):
        vad.process(np.zeros((2, 512), dtype=np.float32))
    with pytest.raises(TypeError):
        vad.process(np.zeros(512, dtype=np.int32))  # type: ignore[arg-type]
