"""Speech engines: Whisper speech-to-text, Piper text-to-speech, and their process-wide owner.

* :mod:`voice_agent.speech.stt` - ``Transcriber``, ``WhisperTranscriber``, ``Transcript``,
  ``SpeechError``, ``MultilingualModel``.
* :mod:`voice_agent.speech.tts` - ``Synthesizer``, ``PiperSynthesizer``.
* :mod:`voice_agent.speech.engines` - ``SpeechConfig``, ``SpeechEngines`` (load once, warm up,
  async helpers running in dedicated thread pools with deadlines).
* ``python -m voice_agent.speech.bench`` - latency figures as JSON.
"""
