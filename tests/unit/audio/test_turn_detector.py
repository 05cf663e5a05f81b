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
    OnsetDropped,
    SpeechOnset,
    SpeechResumed,
    SpeechStarted,
    SpeechStopped,
    TurnConfig,
    TurnDetector,
    TurnEvent,
    TurnState,
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


#: tested on their own: the barge-in judgements and the onsets
_ASIDE = (BargeIn, SpeechOnset, OnsetDropped)


def kinds(events: list[TurnEvent]) -> list[str]:
    """Event names, without the barge-in judgements and onsets (tested on their own)."""
    return [type(e).__name__ for e in events if not isinstance(e, _ASIDE)]


def turn_events(events: list[TurnEvent]) -> list[TurnEvent]:
    return [e for e in events if not isinstance(e, _ASIDE)]


def test_utterance_gives_start_stop_end() -> None:
    probs = frames(320, 0.0) + frames(960, 0.9) + frames(960, 0.05)
    events = turn_events(run(probs))
    assert kinds(events) == ["SpeechStarted", "SpeechStopped", "EndOfTurn"]
    started, stopped, end = events
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
    # announced as a possible start (the agent pauses to listen), then dropped
    assert run(probs) == [SpeechOnset(320), OnsetDropped(416)]
    assert run(frames(320, 0.0) + frames(64, 0.95) + frames(1000, 0.0)) == []


def test_an_onset_comes_before_the_speech_it_starts() -> None:
    events = run(frames(320, 0.0) + frames(640, 0.9) + frames(960, 0.05))
    onsets = [e for e in events if isinstance(e, SpeechOnset | OnsetDropped)]
    assert onsets == [SpeechOnset(320)]  # confirmed: no drop
    assert events.index(onsets[0]) < [type(e) for e in events].index(SpeechStarted)
    # none for speech coming back before the end of a turn, nor with onset_ms off
    back = run(frames(320, 0.9) + frames(256, 0.0) + frames(320, 0.9) + frames(960, 0.0))
    assert [e for e in back if isinstance(e, SpeechOnset)] == [SpeechOnset(0)]
    off = run(frames(640, 0.9), TurnConfig(onset_ms=200.0))
    assert not [e for e in off if isinstance(e, SpeechOnset | OnsetDropped)]


def test_an_onset_cut_by_the_end_of_the_input_is_dropped() -> None:
    det = TurnDetector(TurnConfig())
    events: list[TurnEvent] = []
    for i, p in enumerate(frames(128, 0.9)):
        events += det.feed(p, i * F)
    assert events == [SpeechOnset(0)]
    assert det.force_end(128) == [OnsetDropped(128)]


def test_min_speech_counts_from_speech_start() -> None:
    events = run(
        frames(100, 0.0) + frames(224, 0.9) + frames(600, 0.0), TurnConfig(min_speech_ms=200)
    )
    events = turn_events(events)
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
    events = turn_events(run(probs))
    assert kinds(events) == ["SpeechStarted", "SpeechStopped", "EndOfTurn"]
    assert isinstance(events[1], SpeechStopped) and events[1].t_ms == 320 + 128 + 320


def test_resumed_speech_before_end_of_turn() -> None:
    probs = frames(320, 0.9) + frames(320, 0.0) + frames(320, 0.9) + frames(800, 0.0)
    events = turn_events(run(probs, TurnConfig(barge_in_min_ms=10_000)))
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


def judgements(events: list[TurnEvent]) -> list[BargeIn]:
    return [e for e in events if isinstance(e, BargeIn)]


def test_barge_in_needs_enough_voiced_speech() -> None:
    cfg = TurnConfig(barge_in_min_ms=400)
    short = run(frames(352, 0.9) + frames(800, 0.0), cfg)
    assert not judgements(short)
    long = judgements(run(frames(480, 0.9) + frames(800, 0.0), cfg))
    assert long[0].t_ms == pytest.approx(416) and long[0].speech_start_ms == 0
    assert long[0].voiced_ms == pytest.approx(416) and not long[0].last


def test_barge_in_judged_at_min_then_every_step_until_the_last() -> None:
    cfg = TurnConfig(barge_in_min_ms=200, barge_in_step_ms=160, barge_in_max_ms=1000)
    got = judgements(run(frames(3000, 0.9) + frames(800, 0.0), cfg))
    # speech is confirmed after 224 ms (7 frames >= min_speech_ms): judged then, then after
    # every 160 ms more (on the 32 ms frame grid), the last one at or after 1000 ms
    assert [e.voiced_ms for e in got] == [224, 384, 544, 704, 864, 1024]
    assert [e.last for e in got] == [False] * 5 + [True]
    assert all(e.speech_start_ms == 0 for e in got)


def test_barge_in_judgements_count_voiced_speech_only() -> None:
    cfg = TurnConfig(barge_in_min_ms=200, barge_in_step_ms=160, barge_in_max_ms=1000)
    # 320 voiced, a 128 ms pause (within the hangover), 320 voiced again
    got = judgements(run(frames(320, 0.9) + frames(128, 0.1) + frames(320, 0.9), cfg))
    assert [e.voiced_ms for e in got] == [224, 384, 544]


def test_barge_in_judgements_start_again_next_turn() -> None:
    cfg = TurnConfig(barge_in_min_ms=200, barge_in_step_ms=160, barge_in_max_ms=400)
    one_turn = frames(800, 0.9) + frames(800, 0.0)
    events = run(one_turn + one_turn, cfg)
    assert [e.voiced_ms for e in judgements(events)] == [224, 384, 544] * 2
    assert sum(isinstance(e, EndOfTurn) for e in events) == 2


def test_barge_in_step_is_checked() -> None:
    with pytest.raises(ValueError, match="barge_in_step_ms"):
        TurnConfig(barge_in_step_ms=0.0)


def test_barge_in_max_below_min_makes_the_first_judgement_the_last() -> None:
    got = judgements(run(frames(800, 0.9), TurnConfig(barge_in_min_ms=400, barge_in_max_ms=0)))
    assert [(e.voiced_ms, e.last) for e in got] == [(416, True)]


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


def _events_for(model: SileroModel, audio: np.ndarray) -> list[str]:
    vad, det = SileroVAD(model), TurnDetector()
    out: list[TurnEvent] = []
    t = 0.0
    for p in vad.process(audio):
        out += det.feed(p, t)
        t += F
    return [type(e).__name__ for e in out]


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


def test_backchannel_is_a_short_turn(silero_model: SileroModel) -> None:
    clip = synthetic_clip("piper_en_backchannel")  # "Uh-huh."
    events = _events_for(silero_model, np.concatenate([silence(300), clip.samples, silence(800)]))
    # over the agent, its transcript decides (voice_agent.call.interruption), at most twice
    assert 1 <= events.count("BargeIn") <= 2
    assert events[0] == "SpeechOnset"  # the agent pauses to listen
    assert [e for e in events if e not in ("BargeIn", "SpeechOnset")] == [
        "SpeechStarted",
        "SpeechStopped",
        "EndOfTurn",
    ]
