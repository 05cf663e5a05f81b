"""The caller's audio path: wire codecs, resampling, Silero VAD and turn detection.

Modules (import from them directly):

* :mod:`voice_agent.audio.codec` - ``AudioFormat``, ``decode``, ``encode``, mu-law.
* :mod:`voice_agent.audio.resample` - ``StreamResampler`` (soxr, stateful across chunks).
* :mod:`voice_agent.audio.vad` - ``SileroModel`` (shared ONNX session), ``SileroVAD``.
* :mod:`voice_agent.audio.turn_detector` - pure ``TurnDetector`` and its events.
* :mod:`voice_agent.audio.caller` - ``CallerAudio``: one call's input (bytes -> events + audio).
"""
