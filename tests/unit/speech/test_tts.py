"""PiperSynthesizer with the bundled joe voice: audio out, sentence chunks, round trip via STT."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.audio_fixtures import word_error_rate
from voice_agent.audio.resample import resample
from voice_agent.speech.stt import SpeechError, WhisperTranscriber
from voice_agent.speech.tts import (
    EspeakSynthesizer,
    PiperSynthesizer,
    Synthesizer,
    default_voice_paths,
)

pytestmark = pytest.mark.slow


def test_defaults_to_bundled_joe_voice(piper_joe: PiperSynthesizer) -> None:
    model, _config = default_voice_paths()
    assert piper_joe.voice_path == model
    assert piper_joe.sample_rate == 22050
    assert isinstance(piper_joe, Synthesizer)


def test_one_chunk_per_sentence(piper_joe: PiperSynthesizer) -> None:
    chunks = list(piper_joe.synthesize("Hello there. How are you today? Great!"))
    assert len(chunks) == 3
    for chunk in chunks:
        assert chunk.dtype == np.int16 and chunk.ndim == 1
        assert chunk.size > 0.2 * piper_joe.sample_rate
        assert np.abs(chunk).max() > 10000  # real, normalised audio, not silence


def test_long_sentence_is_cut_at_clauses(piper_joe: PiperSynthesizer) -> None:
    text = (
        "Our coaching program costs four hundred dollars a month, it includes weekly calls "
        "with your coach; and you can start on Monday."
    )
    chunks = list(piper_joe.synthesize(text))
    assert len(chunks) == 3
    whole = PiperSynthesizer(max_chunk_phonemes=0)
    assert len(list(whole.synthesize(text))) == 1


def test_synthesize_is_lazy(piper_joe: PiperSynthesizer) -> None:
    gen = piper_joe.synthesize("First sentence. Second sentence.")
    first = next(iter(gen))
    assert first.size > 0
    gen.close()  # type: ignore[attr-defined]


def test_round_trip_through_whisper(
    piper_joe: PiperSynthesizer, whisper_en: WhisperTranscriber
) -> None:
    # Piper samples its noise at random, so one run in many turns a word pair ("time is")
    # into a near-homophone for tiny.en; the word error rate is judged over all the
    # sentences together (18 words), not sentence by sentence (8 words: one slip is 0.25)
    texts = (
        "I understand, time is precious for busy executives.",
        "Would you like to book a free call next Tuesday?",
    )
    heard = []
    for text in texts:
        audio = piper_joe.synthesize_all(text)
        audio16k = resample(audio, piper_joe.sample_rate, 16000)
        heard.append(whisper_en.transcribe(audio16k).text)
    assert word_error_rate(" ".join(texts), " ".join(heard)) <= 0.2, heard


def test_empty_and_whitespace_text(piper_joe: PiperSynthesizer) -> None:
    assert list(piper_joe.synthesize("")) == []
    assert piper_joe.synthesize_all("   \n ").size == 0


def test_bad_text_is_rejected(piper_joe: PiperSynthesizer) -> None:
    with pytest.raises(SpeechError) as err:
        list(piper_joe.synthesize("word " * 2000))
    assert err.value.code == "tts_bad_text"
    with pytest.raises(SpeechError):
        list(piper_joe.synthesize(None))  # type: ignore[arg-type]


def test_missing_voice_file(tmp_path: Path) -> None:
    with pytest.raises(SpeechError) as err:
        PiperSynthesizer(tmp_path / "nope.onnx")
    assert err.value.code == "tts_voice_missing"


def test_voice_by_path(tmp_path: Path) -> None:
    model, config = default_voice_paths()
    link = tmp_path / "voice.onnx"
    link.symlink_to(model)
    (tmp_path / "voice.onnx.json").write_bytes(config.read_bytes())
    synth = PiperSynthesizer(link)  # config found beside the model
    assert synth.synthesize_all("Okay.").size > 0


def test_espeak_spanish_is_understood(whisper_multi: WhisperTranscriber) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed (apt-get install -y espeak-ng)")
    synth = EspeakSynthesizer("es")
    assert isinstance(synth, Synthesizer)
    text = "Entiendo, el precio es importante. Podemos empezar el lunes por la mañana."
    chunks = list(synth.synthesize(text))
    assert len(chunks) == 2 and all(c.dtype == np.int16 and c.size > 0 for c in chunks)
    heard = whisper_multi.transcribe(
        resample(np.concatenate(chunks), synth.sample_rate, 16000), "es"
    )
    assert word_error_rate(text, heard.text) <= 0.3, heard.text


def test_espeak_unknown_voice_is_an_error() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed (apt-get install -y espeak-ng)")
    with pytest.raises(SpeechError) as err:
        EspeakSynthesizer("xx-no-such-voice")
    assert err.value.code in ("tts_voice_missing", "tts_failed")
