"""TurnDetector on synthetic probability sequences, and on real VAD output."""

from __future__ import annotations

import numpy as np
import pytest

from tests.audio_fixtures import (
    ASTERISK_SOUNDS,
    read_wav_16k,
    silence,
    synthetic_clip,
    white_noise,
)
from voice_agent.audio.turn_detector import (
    BargeIn,
    EndOfTurn,
    SpeechResumed,
    SpeechStarted,
    SpeechStopped,
    TurnConfig,
    TurnDetector,
    TurnEvent,
    TurnState,
    is_backchannel,
)
from voice_agent.audio.vad import SileroModel, SileroVAD

F = 32.0  # frame ms


def run(probs: list[float], config: TurnConfig | None = None) -> list[TurnEvent]:
    det = TurnDetector(config or TurnConfig())
    events: list[TurnEvent] = []
    for i, p in enumerate(probs):
        events += det.feed(p, i * F)
    return events


def frames(ms: float, p: float) -> list[float]:
    return [p] * round(ms / F)


def kinds(events: list[TurnEvent]) -> list[str]:
    return [type(e).__name__ for e in events]


def test_utterance_gives_start_stop_end() -> None:
    probs = frames(320, 0.0) + frames(960, 0.9) + frames(960, 0.05)
    events = run(probs)
    assert kinds(events) == ["SpeechStarted", "BargeIn", "SpeechStopped", "EndOfTurn"]
    started, _, stopped, end = events
    assert isinstance(started, SpeechStarted) and started.t_ms == 320
    assert isinstance(stopped, SpeechStopped) and stopped.t_ms == 320 + 960
    assert isinstance(end, EndOfTurn)
    assert end.speech_start_ms == 320 and end.speech_end_ms == 1280
    assert end.t_ms - end.speech_end_ms >= 500
    assert end.t_ms - end.speech_end_ms < 500 + F


def test_stop_is_emitted_after_hangover_and_end_after_silence() -> None:
    cfg = TurnConfig(stop_hangover_ms=192, silence_ms=640)
    det = TurnDetector(cfg)
    t = 0.0
    when: dict[str, float] = {}
    for p in frames(640, 0.9) + frames(1000, 0.0):
        for e in det.feed(p, t):
            when[type(e).__name__] = t + F
        t += F
    assert when["SpeechStopped"] - 640 == 192
    assert when["EndOfTurn"] - 640 == 640


def test_click_shorter_than_min_speech_is_ignored() -> None:
    probs = frames(320, 0.0) + frames(96, 0.95) + frames(1000, 0.0)
    assert run(probs) == []


def test_min_speech_counts_from_speech_start() -> None:
    events = run(
        frames(100, 0.0) + frames(224, 0.9) + frames(600, 0.0), TurnConfig(min_speech_ms=200)
    )
    assert isinstance(events[0], SpeechStarted)
    assert events[0].t_ms == pytest.approx(96.0)


def test_hysteresis_keeps_speech_between_thresholds() -> None:
    # 0.4 is below start (0.5) but above stop (0.35): continues speech, never starts it.
    assert run(frames(1000, 0.4)) == []
    events = run(frames(256, 0.9) + frames(640, 0.4) + frames(800, 0.1))
    stopped = next(e for e in events if isinstance(e, SpeechStopped))
    assert stopped.t_ms == 256 + 640


def test_pause_shorter_than_hangover_is_not_a_stop() -> None:
    probs = frames(320, 0.9) + frames(128, 0.1) + frames(320, 0.9) + frames(800, 0.0)
    events = run(probs)
    assert kinds(events) == ["SpeechStarted", "BargeIn", "SpeechStopped", "EndOfTurn"]
    assert isinstance(events[2], SpeechStopped) and events[2].t_ms == 320 + 128 + 320


def test_resumed_speech_before_end_of_turn() -> None:
    probs = frames(320, 0.9) + frames(320, 0.0) + frames(320, 0.9) + frames(800, 0.0)
    events = run(probs, TurnConfig(barge_in_min_ms=10_000))
    assert kinds(events) == [
        "SpeechStarted",
        "SpeechStopped",
        "SpeechResumed",
        "SpeechStopped",
        "EndOfTurn",
    ]
    resumed = events[2]
    assert isinstance(resumed, SpeechResumed) and resumed.t_ms == 640
    end = events[-1]
    assert isinstance(end, EndOfTurn) and end.speech_start_ms == 0 and end.speech_end_ms == 960


def test_click_after_stop_does_not_resume_nor_delay_end_of_turn() -> None:
    probs = frames(320, 0.9) + frames(256, 0.0) + frames(32, 0.9) + frames(800, 0.0)
    events = run(probs, TurnConfig(barge_in_min_ms=10_000))
    assert kinds(events) == ["SpeechStarted", "SpeechStopped", "EndOfTurn"]
    end = events[-1]
    assert isinstance(end, EndOfTurn) and end.speech_end_ms == 320
    assert end.t_ms == 320 + 512  # 500 ms rounded up to the frame grid


def test_barge_in_needs_enough_voiced_speech() -> None:
    short = run(frames(352, 0.9) + frames(800, 0.0))
    assert not any(isinstance(e, BargeIn) for e in short)
    long = run(frames(480, 0.9) + frames(800, 0.0))
    barge = [e for e in long if isinstance(e, BargeIn)]
    assert len(barge) == 1 and barge[0].t_ms == pytest.approx(416) and barge[0].speech_start_ms == 0


def test_barge_in_once_per_turn_and_again_next_turn() -> None:
    one_turn = frames(480, 0.9) + frames(800, 0.0)
    events = run(one_turn + one_turn)
    assert sum(isinstance(e, BargeIn) for e in events) == 2
    assert sum(isinstance(e, EndOfTurn) for e in events) == 2


def test_force_end_closes_open_turn() -> None:
    det = TurnDetector()
    for i, p in enumerate(frames(480, 0.9)):
        det.feed(p, i * F)
    assert det.state is TurnState.SPEAKING
    events = det.force_end(480)
    assert kinds(events) == ["SpeechStopped", "EndOfTurn"]
    assert det.state is TurnState.IDLE and det.force_end(500) == []


def test_bad_values_are_errors() -> None:
    det = TurnDetector()
    with pytest.raises(ValueError):
        det.feed(1.5, 0)
    det.feed(0.1, 64)
    with pytest.raises(ValueError):
        det.feed(0.1, 32)
    with pytest.raises(ValueError):
        TurnConfig(start_threshold=0.3, stop_threshold=0.5)
    with pytest.raises(ValueError):
        TurnConfig(silence_ms=100, stop_hangover_ms=200)


def test_real_speech_through_vad(silero_model: SileroModel) -> None:
    clip = synthetic_clip("piper_en_expensive")
    audio = np.concatenate([silence(500), clip.samples, silence(1000)])
    vad, det = SileroVAD(silero_model), TurnDetector()
    events: list[TurnEvent] = []
    t = 0.0
    for i in range(0, len(audio), 320):  # 20 ms chunks as a transport delivers them
        for p in vad.process(audio[i : i + 320]):
            events += det.feed(p, t)
            t += F
    assert kinds(events)[0] == "SpeechStarted"
    assert kinds(events)[-1] == "EndOfTurn"
    assert kinds(events).count("EndOfTurn") == 1  # the commas do not end the turn
    end = events[-1]
    assert isinstance(end, EndOfTurn)
    assert abs(end.speech_start_ms - 500) < 150
    assert abs(end.speech_end_ms - (500 + clip.duration_ms)) < 200


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Mm-hm.", "en"),
        ("Uh-huh", "en"),
        ("yeah", "en"),
        ("OK.", "en"),
        ("Yeah, yeah. Okay.", "en"),
        ("Mhm", "en"),
        ("Ajá.", "es"),
        ("Sí, claro.", "es"),
        ("ya", "es"),
        ("Vale, vale.", "es"),
        ("aja", "es"),
        ("", "en"),
        ("...", "es"),
        ("De acuerdo.", "es"),
        ("I see.", "en"),
    ],
)
def test_backchannels(text: str, lang: str) -> None:
    assert is_backchannel(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Yeah, but it's too expensive.", "en"),
        ("Wait, stop.", "en"),
        ("How much is it?", "en"),
        ("No.", "en"),
        ("Sí, pero es muy caro.", "es"),
        ("Espera", "es"),
        ("ok ok ok ok ok", "en"),
        ("tell me more", "en"),
    ],
)
def test_not_backchannels(text: str, lang: str) -> None:
    assert not is_backchannel(text, lang)


def _events_for(model: SileroModel, audio: np.ndarray) -> list[str]:
    vad, det = SileroVAD(model), TurnDetector()
    out: list[TurnEvent] = []
    t = 0.0
    for p in vad.process(audio):
        out += det.feed(p, t)
        t += F
    return kinds(out)


def test_noises_do_not_start_a_turn(silero_model: SileroModel) -> None:
    bursts = [np.concatenate([silence(400), white_noise(120, 0.5, seed=i)]) for i in range(5)]
    assert _events_for(silero_model, np.concatenate([*bursts, silence(800)])) == []
    clicks = np.zeros(16000 * 3, dtype=np.int16)
    clicks[::8000] = 30000
    assert _events_for(silero_model, clicks) == []


def test_beep_does_not_start_a_turn(silero_model: SileroModel) -> None:
    path = ASTERISK_SOUNDS / "en" / "beep.wav"
    if not path.is_file():
        pytest.skip("asterisk-core-sounds-en-wav not installed")
    beep = read_wav_16k(path)
    assert _events_for(silero_model, np.concatenate([silence(300), beep, silence(800)])) == []


def test_backchannel_is_a_turn_but_not_a_barge_in(silero_model: SileroModel) -> None:
    clip = synthetic_clip("piper_en_backchannel")  # "Uh-huh."
    events = _events_for(silero_model, np.concatenate([silence(300), clip.samples, silence(800)]))
    assert "BargeIn" not in events
    assert events == ["SpeechStarted", "SpeechStopped", "EndOfTurn"]
