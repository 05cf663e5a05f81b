"""CallerAudio: wire bytes in, turn events and the turn's audio out."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_fixtures import asterisk_clips, silence, synthetic_clip, word_error_rate
from voice_agent.audio.caller import CallerAudio
from voice_agent.audio.codec import AudioFormat, AudioFormatError, encode
from voice_agent.audio.resample import resample
from voice_agent.audio.turn_detector import EndOfTurn, SpeechStarted, SpeechStopped, TurnDetector
from voice_agent.audio.vad import SileroModel, SileroVAD
from voice_agent.speech.stt import WhisperTranscriber

#: the possible starts of speech, tested with the turn detector
ASIDE = ("SpeechOnset", "OnsetDropped")


def _feed(caller: CallerAudio, wire: bytes, chunk: int) -> list[object]:
    events: list[object] = []
    for i in range(0, len(wire), chunk):
        events += caller.push(wire[i : i + chunk])
    return events


def test_mulaw_call_gives_turn_and_its_audio(
    silero_model: SileroModel, whisper_en: WhisperTranscriber
) -> None:
    clip = asterisk_clips(["cannot-complete-as-dialed"])[0]
    eight_k = resample(np.concatenate([silence(600), clip.samples, silence(1200)]), 16000, 8000)
    wire = encode(eight_k, AudioFormat.PCMU8K)
    caller = CallerAudio(AudioFormat.PCMU8K, SileroVAD(silero_model), TurnDetector())
    events = _feed(caller, wire, 160)  # 20 ms Twilio frames
    events = [e for e in events if type(e).__name__ not in ASIDE]
    kinds = [type(e).__name__ for e in events]
    assert kinds[0] == "SpeechStarted" and "SpeechStopped" in kinds and kinds[-1] == "EndOfTurn"
    started = events[0]
    assert isinstance(started, SpeechStarted) and abs(started.t_ms - 600) < 150
    stopped = next(e for e in events if isinstance(e, SpeechStopped))
    audio = caller.utterance(stopped.speech_start_ms, stopped.t_ms)
    assert abs(len(audio) / 16 - (stopped.t_ms - stopped.speech_start_ms + 300)) < 2
    text = whisper_en.transcribe(audio).text
    assert word_error_rate(clip.text, text) <= 0.2, text
    assert caller.now_ms == pytest.approx(len(eight_k) / 8, abs=60)  # resampler holds a bit


def test_pcm24k_and_finish_closes_open_turn(silero_model: SileroModel) -> None:
    clip = synthetic_clip("piper_en_short")
    pcm24 = resample(np.concatenate([silence(300), clip.samples]), 16000, 24000)
    caller = CallerAudio("audio/pcm", SileroVAD(silero_model), TurnDetector())
    events = _feed(caller, encode(pcm24, AudioFormat.PCM24K), 960)
    assert any(isinstance(e, SpeechStarted) for e in events)
    assert not any(isinstance(e, EndOfTurn) for e in events)
    closing = caller.finish()
    end = closing[-1]
    assert isinstance(end, EndOfTurn)
    assert abs(end.speech_end_ms - (300 + clip.duration_ms)) < 200


def test_bad_bytes_raise_and_keep_nothing(silero_model: SileroModel) -> None:
    caller = CallerAudio(AudioFormat.PCM24K, SileroVAD(silero_model), TurnDetector())
    with pytest.raises(AudioFormatError) as err:
        caller.push(b"\x01\x02\x03")
    assert err.value.code == "audio_odd_length"
    assert caller.now_ms == 0


def test_ring_buffer_keeps_only_recent_audio(silero_model: SileroModel) -> None:
    caller = CallerAudio(AudioFormat.PCM24K, SileroVAD(silero_model), TurnDetector(), keep_s=1.0)
    ramp = (np.arange(24000 * 3) % 30000).astype(np.int16)  # 3 s at 24 kHz
    for i in range(0, len(ramp), 2400):
        caller.push_samples(ramp[i : i + 2400])
    recent = caller.utterance(0, caller.now_ms)
    assert len(recent) == 16000  # only the last second is kept
    caller.reset()
    assert caller.now_ms == 0 and caller.utterance(0, 1000).size == 0
