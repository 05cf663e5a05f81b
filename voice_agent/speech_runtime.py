"""Loading the speech engines of a server process from its settings (at start-up)."""

from __future__ import annotations

import structlog

from voice_agent import metrics
from voice_agent.services import Services
from voice_agent.settings import Settings
from voice_agent.speech.engines import SpeechConfig, SpeechEngines

log = structlog.get_logger("voice_agent.speech_runtime")


def speech_config(settings: Settings) -> SpeechConfig:
    return SpeechConfig(
        stt_model=settings.stt_model,
        stt_language=settings.stt_language,
        stt_cpu_threads=settings.stt_threads,
        stt_multilingual_window_pad_s=settings.stt_multilingual_window_pad_s,
        tts_voice=str(settings.tts_voice) if settings.tts_voice else None,
        tts_config=str(settings.tts_config) if settings.tts_config else None,
        tts_workers=settings.tts_workers,
        tts_cache_mb=float(settings.tts_cache_mb),
        silence_ms=float(settings.silence_ms),
        data_dir=str(settings.data_dir),
    )


async def start_speech(svc: Services) -> None:
    """Load and warm up VAD, Whisper and Piper off the event loop. A failure leaves the
    text API up: ``/readyz`` reports speech as unavailable with the reason."""
    try:
        engines = await SpeechEngines.aload(speech_config(svc.settings), workers=svc.workers)
    except Exception as exc:
        svc.speech_error = f"{type(exc).__name__}: {exc}"
        log.error("speech_unavailable", error=svc.speech_error)
        return
    svc.speech = engines
    cache = engines.tts_cache
    if cache is not None:
        metrics.TTS_CACHE_BYTES.set_function(lambda: float(cache.bytes))
    svc.speech_unavailable = dict(engines.unavailable)
    log.info("speech_ready", warm_up_ms=engines.warm_up_ms, unavailable=engines.unavailable)


def stop_speech(svc: Services) -> None:
    """Stop the speech engines' worker threads (queued jobs are dropped)."""
    if svc.speech is not None:
        svc.speech.close(wait=False)
