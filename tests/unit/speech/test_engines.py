"""SpeechEngines: loading, warm-up, async helpers off the loop, deadlines, cancellation."""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from tests.audio_fixtures import silence, synthetic_clip, word_error_rate
from voice_agent.audio.resample import resample
from voice_agent.audio.turn_detector import EndOfTurn, TurnEvent
from voice_agent.audio.vad import SileroModel
from voice_agent.speech.engines import SpeechConfig, SpeechEngines
from voice_agent.speech.stt import MultilingualModel, SpeechError, Transcript, WhisperTranscriber
from voice_agent.speech.tts import EspeakSynthesizer, PiperSynthesizer
from voice_agent.speech.tts_cache import CachedSynthesizer

pytestmark = pytest.mark.slow


class RecordingTranscriber:
    """The real transcriber, recording which thread ran each call."""

    def __init__(self, inner: WhisperTranscriber) -> None:
        self.inner = inner
        self.threads: list[str] = []
        self.calls = 0

    def supports_language(self, language: str) -> bool:
        return self.inner.supports_language(language)

    def transcribe(
        self,
        audio16k: npt.NDArray[np.float32],
        language: str | None = None,
        prompt: str | None = None,
    ) -> Transcript:
        self.calls += 1
        self.threads.append(threading.current_thread().name)
        return self.inner.transcribe(audio16k, language, prompt)


class CountingSynthesizer:
    """The real synthesizer, counting the chunks it was asked to produce."""

    def __init__(self, inner: PiperSynthesizer) -> None:
        self.inner = inner
        self.produced = 0
        self.samples = 0
        self.threads: set[str] = set()

    @property
    def sample_rate(self) -> int:
        return self.inner.sample_rate

    def synthesize(self, text: str) -> Iterator[npt.NDArray[np.int16]]:
        for chunk in self.inner.synthesize(text):
            self.produced += 1
            self.samples += chunk.size
            self.threads.add(threading.current_thread().name)
            yield chunk

    def synthesize_all(self, text: str) -> npt.NDArray[np.int16]:
        return self.inner.synthesize_all(text)


@pytest.fixture
def parts(
    silero_model: SileroModel, whisper_en: WhisperTranscriber, piper_joe: PiperSynthesizer
) -> Iterator[tuple[SpeechEngines, RecordingTranscriber, CountingSynthesizer]]:
    stt, tts = RecordingTranscriber(whisper_en), CountingSynthesizer(piper_joe)
    engines = SpeechEngines(SpeechConfig(), silero_model, stt, tts)
    yield engines, stt, tts
    engines.close(wait=True)


MANY_SENTENCES = " ".join(f"This is sentence number {i}." for i in range(1, 13))


def test_load_and_warm_up_with_real_config(tmp_path: Path) -> None:
    engines = SpeechEngines.load(SpeechConfig(data_dir=str(tmp_path)))
    try:
        assert set(engines.warm_up_ms) >= {"vad", "stt", "tts"}
        assert all(v > 0 for v in engines.warm_up_ms.values())
        assert engines.supports_language("en")
        if MultilingualModel.available():
            assert "stt_multilingual" in engines.warm_up_ms
            assert engines.supports_language("es")
            assert (tmp_path / "models" / "whisper-base" / "model.bin").is_file()
        else:
            assert "stt_multilingual" in engines.unavailable
        # every voice behind the synthesized-sentence cache (SpeechConfig.tts_cache_mb)
        assert isinstance(engines.synthesizer, CachedSynthesizer)
        if shutil.which("espeak-ng"):
            spanish = engines.synthesizer_for("es")
            assert isinstance(spanish, CachedSynthesizer)
            assert isinstance(spanish.inner, EspeakSynthesizer)
        else:
            assert "tts_es" in engines.unavailable
        assert engines.synthesizer_for("en") is engines.synthesizer
    finally:
        engines.close()


def test_bad_config_is_an_error(tmp_path: Any) -> None:
    with pytest.raises(SpeechError) as err:
        SpeechEngines.load(SpeechConfig(tts_voice=str(tmp_path / "x.onnx"), warm_up=False))
    assert err.value.code == "tts_voice_missing"


async def test_transcribe_runs_in_stt_thread(parts: Any) -> None:
    engines, stt, _ = parts
    clip = synthetic_clip("piper_en_short")
    result = await engines.transcribe(clip.float32, "en", timeout_s=30)
    assert word_error_rate(clip.text, result.text) <= 0.2
    assert stt.threads and all(name.startswith("stt") for name in stt.threads)


async def test_transcribe_deadline(parts: Any) -> None:
    engines, _, _ = parts
    with pytest.raises(SpeechError) as err:
        await engines.transcribe(synthetic_clip("piper_en_long").float32, "en", timeout_s=0.001)
    assert err.value.code == "speech_timeout"


async def test_unsupported_language_fails_fast(parts: Any) -> None:
    engines, stt, _ = parts
    assert not engines.supports_language("es")
    with pytest.raises(SpeechError) as err:
        await engines.transcribe(silence(500).astype(np.float32), "es")
    assert err.value.code == "stt_language_unsupported"
    assert stt.calls == 0


async def test_cancelled_speculative_transcription_never_runs(parts: Any) -> None:
    engines, stt, _ = parts
    busy, release = threading.Event(), threading.Event()

    def occupy() -> None:  # hold the single STT worker, as a long transcription would
        busy.set()
        release.wait(10)

    blocker = engines._stt_pool.submit(occupy)
    assert await asyncio.to_thread(busy.wait, 10)
    speculative = asyncio.create_task(
        engines.transcribe(synthetic_clip("piper_en_long").float32, "en", timeout_s=30)
    )
    await asyncio.sleep(0.05)
    speculative.cancel()  # the caller spoke again: drop it
    with pytest.raises(asyncio.CancelledError):
        await speculative
    release.set()
    await asyncio.wrap_future(blocker)
    await asyncio.sleep(0.1)
    assert stt.calls == 0  # the queued job was dropped before it started
    result = await engines.transcribe(synthetic_clip("piper_en_short").float32, "en")
    assert result.text and stt.calls == 1


async def test_synthesize_stream_resamples_and_runs_in_tts_thread(parts: Any) -> None:
    engines, _, tts = parts
    chunks = [c async for c in engines.synthesize_stream("Hello there. Nice to meet you.", 24000)]
    assert len(chunks) >= 2
    assert all(c.dtype == np.int16 for c in chunks)
    total = sum(c.size for c in chunks)
    expected = tts.samples * 24000 / 22050
    assert abs(total - expected) <= 2
    assert tts.threads and all(name.startswith("tts") for name in tts.threads)


async def test_synthesized_speech_is_intelligible_at_8k(parts: Any) -> None:
    engines, _, _ = parts
    text = "Thank you for calling, how can I help you today?"
    audio = await engines.synthesize(text, 8000)
    heard = await engines.transcribe(resample(audio, 8000, 16000), "en")
    assert word_error_rate(text, heard.text) <= 0.35, heard.text


async def test_stopping_the_stream_stops_synthesis(parts: Any) -> None:
    engines, _, tts = parts
    async for _chunk in engines.synthesize_stream(MANY_SENTENCES, 24000):
        break  # barge-in after the first sentence
    await asyncio.sleep(0.5)
    assert tts.produced <= 2  # the first, and at most one already in flight


async def test_cancelling_the_consumer_task_stops_synthesis(parts: Any) -> None:
    engines, _, tts = parts
    got = asyncio.Event()

    async def speak() -> None:
        async for _chunk in engines.synthesize_stream(MANY_SENTENCES, 24000):
            got.set()

    task = asyncio.create_task(speak())
    await asyncio.wait_for(got.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.sleep(0.5)
    assert tts.produced <= 3
    # the engines are still usable afterwards
    assert (await engines.synthesize("Still here.", 16000)).size > 0


async def test_synthesis_deadline(parts: Any) -> None:
    engines, _, _ = parts
    with pytest.raises(SpeechError) as err:
        async for _chunk in engines.synthesize_stream(MANY_SENTENCES, 24000, timeout_s=0.001):
            pass
    assert err.value.code == "speech_timeout"


async def test_vad_and_turns_off_the_loop(parts: Any) -> None:
    engines, _, _ = parts
    clip = synthetic_clip("piper_en_schedule")
    audio = np.concatenate([silence(300), clip.samples, silence(900)])
    vad, turns = engines.new_vad(), engines.new_turn_detector()
    events: list[TurnEvent] = []
    t = 0.0
    for i in range(0, len(audio), 320):
        for p in await engines.vad(vad, audio[i : i + 320]):
            events += turns.feed(p, t)
            t += turns.config.frame_ms
    assert isinstance(events[-1], EndOfTurn)
    assert turns.config.silence_ms == engines.config.silence_ms


async def test_closed_engines_refuse_work(parts: Any) -> None:
    engines, _, _ = parts
    engines.close()
    with pytest.raises(SpeechError) as err:
        await engines.transcribe(silence(500).astype(np.float32), "en")
    assert err.value.code == "speech_closed"


async def test_spanish_turn_uses_multilingual_stt_and_espeak(
    silero_model: SileroModel,
    whisper_en: WhisperTranscriber,
    whisper_multi: WhisperTranscriber,
    piper_joe: PiperSynthesizer,
) -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng not installed")
    engines = SpeechEngines(
        SpeechConfig(),
        silero_model,
        whisper_en,
        piper_joe,
        extra_transcribers={"*": whisper_multi},
        extra_synthesizers={"es": EspeakSynthesizer("es")},
    )
    try:
        assert engines.transcriber_for("es") is whisper_multi
        assert engines.transcriber_for("en") is whisper_en
        text = "Me interesa el programa de nutrición."
        audio = await engines.synthesize(text, 16000, language="es")
        heard = await engines.transcribe(audio, "es-MX", timeout_s=60)
        assert heard.language == "es"
        assert word_error_rate(text, heard.text) <= 0.35, heard.text
    finally:
        engines.close(wait=True)
