"""The detector's semantic step (``semantic_vad``), with verdicts supplied by the test."""

from __future__ import annotations

import pytest

from voice_agent.audio.turn_detector import (
    SEMANTIC_EAGERNESS,
    Eagerness,
    EndOfTurn,
    SemanticConfig,
    SpeechResumed,
    SpeechStopped,
    TurnCheck,
    TurnConfig,
    TurnDetector,
    TurnEvent,
    TurnState,
    semantic_config,
)

SEM = SemanticConfig(threshold=0.5, check_ms=192.0, fallback_ms=1000.0)
CFG = TurnConfig(silence_ms=SEM.fallback_ms, stop_hangover_ms=160.0, semantic=SEM)


class Feeder:
    def __init__(self, det: TurnDetector) -> None:
        self.det = det
        self.t = 0.0

    def feed(self, prob: float, ms: float) -> list[TurnEvent]:
        out: list[TurnEvent] = []
        for _ in range(round(ms / 32)):
            out += self.det.feed(prob, self.t)
            self.t += 32
        return out


def _speak_then_pause() -> tuple[Feeder, TurnCheck, list[TurnEvent]]:
    f = Feeder(TurnDetector(CFG))
    events = f.feed(0.9, 640) + f.feed(0.0, 192)
    checks = [e for e in events if isinstance(e, TurnCheck)]
    assert len(checks) == 1
    return f, checks[0], events


def test_check_after_the_short_silence_and_complete_verdict_ends_the_turn() -> None:
    f, check, events = _speak_then_pause()
    assert [type(e) for e in events][-2:] == [SpeechStopped, TurnCheck]
    assert check.speech_start_ms == 0.0 and check.speech_end_ms == 640.0
    assert check.t_ms - check.speech_end_ms == 192.0
    assert f.det.state is TurnState.CHECKING
    out = f.det.verdict(check, 0.8)
    assert out == [EndOfTurn(832.0, 0.0, 640.0)]
    assert f.det.state is TurnState.IDLE


def test_incomplete_verdict_waits_for_the_fallback() -> None:
    f, check, _ = _speak_then_pause()
    assert f.det.verdict(check, 0.2) == []
    assert f.det.state is TurnState.UNFINISHED
    before = f.feed(0.0, 768)  # silence 960 ms: not yet
    assert not any(isinstance(e, EndOfTurn | TurnCheck) for e in before)
    ends = [e for e in f.feed(0.0, 64) if isinstance(e, EndOfTurn)]
    assert ends and ends[0].t_ms - ends[0].speech_end_ms == 1024.0  # first frame >= 1000


def test_incomplete_then_speech_then_a_new_check() -> None:
    f, check, _ = _speak_then_pause()
    f.det.verdict(check, 0.1)
    events = f.feed(0.9, 320)
    assert any(isinstance(e, SpeechResumed) for e in events)
    events = f.feed(0.0, 192)
    checks = [e for e in events if isinstance(e, TurnCheck)]
    assert len(checks) == 1 and checks[0].speech_start_ms == 0.0  # the same turn
    assert f.det.verdict(checks[0], 0.9)[0].speech_end_ms == checks[0].speech_end_ms


def test_late_verdict_after_speech_resumed_is_ignored() -> None:
    f, check, _ = _speak_then_pause()
    f.feed(0.9, 160)
    assert f.det.state is TurnState.SPEAKING
    assert f.det.verdict(check, 1.0) == []
    assert f.det.state is TurnState.SPEAKING


def test_no_verdict_the_fallback_still_ends_the_turn() -> None:
    f, _check, _ = _speak_then_pause()
    ends = [e for e in f.feed(0.0, 832) if isinstance(e, EndOfTurn)]
    assert len(ends) == 1 and ends[0].t_ms - ends[0].speech_end_ms == 1024.0


def test_threshold_is_inclusive_and_probability_checked() -> None:
    f, check, _ = _speak_then_pause()
    with pytest.raises(ValueError):
        f.det.verdict(check, 1.5)
    assert f.det.verdict(check, 0.5) != []


def test_server_vad_has_no_check_and_ignores_verdicts() -> None:
    det = TurnDetector(TurnConfig(silence_ms=500.0, stop_hangover_ms=160.0))
    f = Feeder(det)
    events = f.feed(0.9, 640) + f.feed(0.0, 480)
    assert not any(isinstance(e, TurnCheck | EndOfTurn) for e in events)
    assert det.verdict(TurnCheck(1120.0, 0.0, 640.0), 1.0) == []
    assert any(isinstance(e, EndOfTurn) for e in f.feed(0.0, 32))


def test_force_end_while_checking() -> None:
    f, _check, _ = _speak_then_pause()
    assert [type(e) for e in f.det.force_end(f.t)] == [EndOfTurn]


def test_eagerness_table() -> None:
    assert set(SEMANTIC_EAGERNESS) == set(Eagerness)
    assert semantic_config("auto") == SEMANTIC_EAGERNESS[Eagerness.MEDIUM]
    low, high = semantic_config("low"), semantic_config("high")
    assert low.threshold >= high.threshold and low.fallback_ms > high.fallback_ms
    for sem in SEMANTIC_EAGERNESS.values():
        assert sem.fallback_ms > 900.0  # a 900 ms pause is not ended by the fallback
    with pytest.raises(ValueError):
        semantic_config("eager")


def test_config_validation() -> None:
    with pytest.raises(ValueError):
        SemanticConfig(threshold=0.0, check_ms=200.0, fallback_ms=1000.0)
    with pytest.raises(ValueError):
        SemanticConfig(threshold=0.5, check_ms=1000.0, fallback_ms=1000.0)
    with pytest.raises(ValueError):  # the check cannot come before SpeechStopped
        TurnConfig(silence_ms=1000.0, stop_hangover_ms=300.0, semantic=SEM)
