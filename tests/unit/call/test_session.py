"""The pure session core: turn-taking, barge-in decisions, playback accounting, buffers."""

from __future__ import annotations

import itertools

import pytest

from voice_agent.call.session import (
    ONSET,
    BargeIn,
    CancelSpeculation,
    EmitSpeechStarted,
    FinishTurn,
    JudgeSpeech,
    PauseReply,
    PlaybackClock,
    ResumeReply,
    StartSpeculation,
    StreamClock,
    TurnTaking,
    played_text,
)


def _tt(*, pause_on_speech: bool = True) -> TurnTaking:
    n = itertools.count(1)
    return TurnTaking(pause_on_speech=pause_on_speech, id_factory=lambda: f"item{next(n)}")


def test_ordinary_turn_with_speculation() -> None:
    tt = _tt()
    assert tt.speech_started(100) == [EmitSpeechStarted("item1", 100)]
    assert tt.speech_stopped(900) == [StartSpeculation("item1", 100, 900)]
    assert tt.end_of_turn(1400, 900) == [FinishTurn("item1", 100, 900, interjection=False)]
    assert not tt.in_speech


def test_resumed_speech_drops_speculation_and_restarts() -> None:
    tt = _tt()
    tt.speech_started(0)
    tt.speech_stopped(500)
    assert tt.speech_resumed(700) == [CancelSpeculation("item1")]
    assert tt.speech_stopped(1500) == [StartSpeculation("item1", 0, 1500)]
    assert tt.end_of_turn(2000, 1500) == [FinishTurn("item1", 0, 1500, False)]


def test_end_of_turn_without_stop_starts_speculation() -> None:
    tt = _tt()
    tt.speech_started(0)
    assert tt.end_of_turn(900, 400) == [
        StartSpeculation("item1", 0, 400),
        FinishTurn("item1", 0, 400, False),
    ]


def test_speech_over_agent_is_silent_until_judged_an_interruption() -> None:
    tt = _tt()
    tt.agent_started()
    assert tt.speech_started(1000) == []
    # the first judgement pauses the agent; it is not paused again
    assert tt.barge_in(1200) == [PauseReply("item1"), JudgeSpeech("item1", 1000, 1200, False)]
    assert tt.barge_in(1360) == [JudgeSpeech("item1", 1000, 1360, False)]
    assert tt.confirm_interruption("other") == []
    assert tt.confirm_interruption("item1") == [BargeIn("item1", 1000)]
    assert tt.confirm_interruption("item1") == []  # once
    assert tt.barge_in(1500, last=True) == []  # no longer over the agent
    tt.agent_stopped()
    tt.speech_stopped(2000)
    assert tt.end_of_turn(2500, 2000)[-1] == FinishTurn("item1", 1000, 2000, False, over_agent=True)


def test_last_judgement_is_final() -> None:
    tt = _tt(pause_on_speech=False)
    tt.agent_started()
    tt.speech_started(1000)
    assert tt.barge_in(2600, last=True) == [JudgeSpeech("item1", 1000, 2600, True)]


def test_no_judgement_when_the_agent_is_not_interruptible_or_silent() -> None:
    quiet = _tt()
    quiet.speech_started(1000)
    assert quiet.barge_in(1200) == []  # an ordinary turn
    manual = TurnTaking(interrupt_response=False, id_factory=lambda: "item1")
    manual.agent_started()
    manual.speech_started(1000)
    assert manual.barge_in(1200) == []
    assert manual.confirm_interruption("item1") == []


def test_interruption_confirmed_after_the_agent_stopped_is_nothing() -> None:
    tt = _tt()
    tt.agent_started()
    tt.speech_started(1000)
    assert tt.agent_stopped() == [EmitSpeechStarted("item1", 1000)]
    assert tt.confirm_interruption("item1") == []


def test_short_interjection_is_left_to_the_transcript() -> None:
    tt = _tt()
    tt.agent_started()
    tt.speech_started(1000)
    tt.speech_stopped(1300)
    assert tt.end_of_turn(1800, 1300) == [
        FinishTurn("item1", 1000, 1300, interjection=True, over_agent=True)
    ]


def test_interjection_becomes_turn_when_agent_finishes() -> None:
    tt = _tt()
    tt.agent_started()
    tt.speech_started(1000)
    assert tt.agent_stopped() == [EmitSpeechStarted("item1", 1000)]
    tt.speech_stopped(1300)
    assert tt.end_of_turn(1800, 1300)[-1].interjection is False  # type: ignore[union-attr]


def test_no_interrupt_response() -> None:
    tt = TurnTaking(interrupt_response=False)
    tt.agent_started()
    tt.speech_started(0)
    assert tt.barge_in(500) == []


def test_clear_cancels_speculation() -> None:
    tt = _tt()
    tt.speech_started(0)
    tt.speech_stopped(300)
    assert tt.clear() == [CancelSpeculation("item1")]
    assert tt.clear() == []


def test_a_backchannel_pauses_the_agent_once_and_it_resumes() -> None:
    tt = _tt()
    tt.agent_started()
    tt.speech_started(1000)
    assert tt.barge_in(1200) == [PauseReply("item1"), JudgeSpeech("item1", 1000, 1200, False)]
    assert tt.paused_for == "item1"
    assert tt.dismiss("other") == []
    assert tt.dismiss("item1") == [ResumeReply("item1")]
    assert tt.dismiss("item1") == []  # once
    # more of the same speech: judged again, the agent is not paused again
    assert tt.barge_in(1360) == [JudgeSpeech("item1", 1000, 1360, False)]
    tt.speech_stopped(1500)
    assert tt.end_of_turn(2000, 1500)[-1] == FinishTurn("item1", 1000, 1500, True, True)
    # the next speech over the agent pauses it again
    tt.speech_started(3000)
    assert tt.barge_in(3200)[0] == PauseReply("item2")


def test_a_speech_run_over_the_agent_pauses_it_before_it_is_confirmed() -> None:
    tt = _tt()
    tt.agent_started()
    assert tt.onset(1000) == [PauseReply(ONSET)]
    assert tt.onset(1100) == []  # once
    # a click: the agent goes on
    assert tt.onset_dropped(1100) == [ResumeReply(ONSET)]
    assert tt.onset_dropped(1100) == []
    # speech: the pause becomes that speech's, judged as any other (no second pause)
    assert tt.onset(2000) == [PauseReply(ONSET)]
    assert tt.speech_started(2000) == []
    assert tt.paused_for == "item1"
    assert tt.barge_in(2200) == [JudgeSpeech("item1", 2000, 2200, False)]
    assert tt.dismiss("item1") == [ResumeReply("item1")]


def test_no_onset_pause_when_the_agent_is_silent_or_it_is_off() -> None:
    quiet = _tt()
    assert quiet.onset(1000) == []
    assert quiet.speech_started(1000) == [EmitSpeechStarted("item1", 1000)]
    off = _tt(pause_on_speech=False)
    off.agent_started()
    assert off.onset(1000) == [] and off.onset_dropped(1100) == []
    # the agent stopped between the onset and the speech: an ordinary turn, no pause left
    gone = _tt()
    gone.agent_started()
    gone.onset(1000)
    gone.agent_stopped()
    assert gone.paused_for is None
    assert gone.speech_started(1000) == [EmitSpeechStarted("item1", 1000)]


def test_an_interruption_or_the_end_of_the_reply_ends_the_pause() -> None:
    tt = _tt()
    tt.agent_started()
    tt.speech_started(1000)
    tt.barge_in(1200)
    assert tt.confirm_interruption("item1") == [BargeIn("item1", 1000)]
    assert tt.paused_for is None and tt.dismiss("item1") == []
    other = _tt()
    other.agent_started()
    other.speech_started(1000)
    other.barge_in(1200)
    other.agent_stopped()  # the reply ended meanwhile: nothing to resume
    assert other.paused_for is None and other.dismiss("item1") == []


def test_no_pause_without_pause_on_speech_or_interrupt_response() -> None:
    tt = _tt(pause_on_speech=False)
    tt.agent_started()
    tt.speech_started(1000)
    assert tt.barge_in(1200) == [JudgeSpeech("item1", 1000, 1200, False)]
    manual = TurnTaking(interrupt_response=False)
    manual.agent_started()
    manual.speech_started(1000)
    assert manual.barge_in(1200) == []


def test_playback_clock_after_a_pause() -> None:
    # a player that was flushed at the pause: what it dropped is sent again from where it
    # stopped, and the caller hears it from the resume on
    c = PlaybackClock(lead_ms=400)
    for _ in range(10):
        c.sent(100.0, 100.0)  # 1 s at once
    assert c.flush(100.3) == pytest.approx(300.0) and c.sent_ms == pytest.approx(300.0)
    assert c.played_ms(101.0) == pytest.approx(300.0)  # nothing plays while paused
    c.restart(101.0)
    c.sent(101.0, 100.0)
    assert c.played_ms(101.05) == pytest.approx(350.0)
    # the client's own word: it stopped at 320 ms (never past what was sent)
    assert c.flush(101.05, 320.0) == 320.0
    assert c.flush(101.05, 9999.0) == 320.0  # (it was sent only to 320 ms now)
    # a player that was not flushed plays out what it holds; sending goes on after it
    d = PlaybackClock(lead_ms=400)
    for _ in range(4):
        d.sent(0.0, 100.0)
    d.restart(0.2)  # still playing: nothing changes
    assert d.played_ms(0.3) == pytest.approx(300.0)
    d.restart(1.0)  # it ran out at 0.4 s: what follows plays from 1.0 s
    d.sent(1.0, 100.0)
    assert d.played_ms(1.05) == pytest.approx(450.0)


def test_playback_clock_paces_and_counts_played() -> None:
    c = PlaybackClock(lead_ms=400)
    assert c.send_delay(100.0) == 0.0
    for _ in range(10):  # 1 s sent at once
        c.sent(100.0, 100.0)
    assert c.send_delay(100.0) == 0.6
    assert c.played_ms(100.25) == 250.0
    assert c.remaining_ms(100.25) == 750.0
    assert c.played_ms(105.0) == 1000.0
    assert c.send_delay(100.7) == 0.0


def test_played_text() -> None:
    segs = [("Hello there.", 1000.0), ("How are you doing today?", 2000.0)]
    assert played_text(segs, 3000.0) == ("Hello there. How are you doing today?", False)
    assert played_text(segs, 1000.0) == ("Hello there.", True)
    assert played_text(segs, 2000.0) == ("Hello there. How are", True)
    assert played_text(segs, 0.0) == ("", True)
    assert played_text([], 10.0) == ("", False)


def test_stream_clock_maps_stream_time_to_wall_time() -> None:
    clock = StreamClock()
    assert clock.wall_at(0) is None
    clock.record(100.0, 50.0)
    clock.record(200.0, 50.1)
    clock.record(300.0, 50.2)
    assert abs(clock.wall_at(150.0) - 50.05) < 1e-9  # type: ignore[operator]
    assert abs(clock.wall_at(300.0) - 50.2) < 1e-9  # type: ignore[operator]
    assert abs(clock.wall_at(999.0) - 50.2) < 1e-9  # type: ignore[operator]


def test_stream_time_at_a_wall_time_follows_the_most_prompt_chunk() -> None:
    sc = StreamClock()
    assert sc.stream_at(5.0) is None
    sc.record(20.0, 100.020)  # 20 ms of audio, arrived at once
    sc.record(40.0, 100.090)  # late (a burst)
    sc.record(60.0, 100.092)
    # the stream started at wall 100.0: at 100.5 it is at 500 ms, whatever came late
    assert sc.stream_at(100.5) == pytest.approx(500.0)
    assert sc.stream_at(99.0) == pytest.approx(-1000.0)
