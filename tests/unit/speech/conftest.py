"""Session-scoped speech-model fixtures shared by the audio and speech tests."""

from tests.audio_fixtures import piper_joe, silero_model, whisper_en, whisper_multi

__all__ = ["piper_joe", "silero_model", "whisper_en", "whisper_multi"]
