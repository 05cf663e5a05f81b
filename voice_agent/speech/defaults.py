"""Defaults of the speech settings, each in one place: :class:`voice_agent.settings.Settings`
(``VOICE_AGENT_*``) and :class:`voice_agent.speech.engines.SpeechConfig` (engines built
without settings: tests, benches) both read them. The end-of-turn silence belongs to the
turn detector (:data:`voice_agent.audio.turn_detector.SILENCE_MS`)."""

from __future__ import annotations

from typing import Final

#: language of calls that do not choose one
STT_LANGUAGE: Final = "en"
#: CTranslate2 threads per Whisper decode
STT_THREADS: Final = 2
#: seconds of silence after the utterance in the multilingual Whisper's encoder window (see
#: ``SpeechConfig.stt_window_pad_s`` for the measurements behind 1 s)
STT_MULTILINGUAL_WINDOW_PAD_S: Final = 1.0
#: synthesis threads; 0: one per usable core
TTS_WORKERS: Final = 0
#: MB of synthesized sentences kept for reuse
TTS_CACHE_MB: Final = 32
