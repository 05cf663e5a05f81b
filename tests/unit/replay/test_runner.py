"""The pure parts of the replay runner: stored turns to exchanges, turns on the call's
timeline (caller spans, replies, latency, barge-ins), the client's playback clock, the WAVs,
folders and options."""

from __future__ import annotations

import wave
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from tests.unit.replay.records import sales_call, short_call
from voice_agent.replay.model import (
    AGENT_WAV,
    CALL_JSON,
    STEREO_WAV,
    CallRecord,
    ExpectationFailure,
    Expectations,
    Span,
)
from voice_agent.replay.recording import RecordingError
from voice_agent.replay.runner import (
    CallOutput,
    CallResult,
    ClientPlayback,
    HeardAudio,
    ReplayOptions,
    ReplayRun,
    StoredExchange,
    agent_track,
    call_folder,
    collect_recordings,
    exchanges_from_conversation,
    map_turns,
    write_call_outputs,
)

T0 = 1_800_000_000.0  # the call's start, client wall clock


def insights(action: str, *, p: float = 0.4, fallbacks: tuple[str, ...] = ()) -> dict[str, object]:
    return {
        "objections": [{"label": "price", "p": 0.8}],
        "needs": [],
        "buying_signal": {"value": p > 0.5, "p": p},
        "conversion_probability": p,
        "next_action": {"name": action, "reason": f"because {action}", "program": "x"},
        "phase": "discovery",
        "fallbacks": list(fallbacks),
        "models": {},
    }


CONVERSATION: dict[str, object] = {
    "id": "c1",
    "end_reason": "caller_hung_up",
    "turns": [
        {"index": 0, "role": "agent", "text": "Hi, this is Altura.", "created_at": T0 + 0.1},
        {
            "index": 1,
            "role": "customer",
            "text": "How much is it?",
            "created_at": T0 + 3.0,
            "insights": insights("handle_objection"),
            "timings_ms": {"vad_end": 510.0, "transcription": 90.0},
        },
        {
            "index": 2,
            "role": "agent",
            "text": "It is 790 euros",
            "truncated": True,
            "created_at": T0 + 4.0,
            "timings_ms": {"vad_end": 510.0, "first_audio": 640.0},
        },
        {
            "index": 3,
            "role": "customer",
            "text": "ok",
            "dtmf": "5",
            "created_at": T0 + 9.0,
            "insights": insights("close", p=0.7, fallbacks=("needs",)),
        },
    ],
}


def test_exchanges_from_a_stored_conversation() -> None:
    greeting, exchanges = exchanges_from_conversation(CONVERSATION)
    assert greeting == "Hi, this is Altura."
    assert [e.transcript for e in exchanges] == ["How much is it?", "ok"]
    first, second = exchanges
    assert first.reply == "It is 790 euros" and first.reply_truncated
    # the customer turn's timings, overlaid with its reply's
    assert first.timings_ms == {"vad_end": 510.0, "transcription": 90.0, "first_audio": 640.0}
    assert second.reply == "" and not second.reply_truncated and second.dtmf == "5"
    assert second.created_at == T0 + 9.0
    assert exchanges_from_conversation({"turns": []}) == (None, [])


def heard(start: float, end: float, *, cut: bool = False, rate: int = 8000) -> HeardAudio:
    n = round((end - start) * rate)
    return HeardAudio(start, end, np.full(n, 1000, dtype=np.int16), rate, cut)


def test_map_turns_puts_each_turn_on_the_timeline() -> None:
    _, exchanges = exchanges_from_conversation(CONVERSATION)
    caller = [Span(1.0, 1.8), Span(2.0, 2.4), Span(7.0, 8.3), Span(12.0, 13.0)]
    agent = [heard(0.1, 0.9), heard(3.0, 5.0, cut=True), heard(9.5, 11.0)]
    turns = map_turns(exchanges, caller_speech=caller, agent_speech=agent, t0_wall=T0, speed=1.0)
    assert len(turns) == 2
    one, two = turns
    # the two stretches before the first stored turn are its speech; the greeting is no reply
    assert one.caller == Span(1.0, 2.4)
    assert one.agent == Span(3.0, 5.0)
    assert one.latency_ms == pytest.approx(600.0)
    assert one.barge_in and one.action == "handle_objection" and one.action_reason
    assert one.objections[0].label == "price" and one.objections[0].p == pytest.approx(0.8)
    assert one.index == 1 and one.transcript == "How much is it?"
    assert two.caller == Span(7.0, 8.3)
    assert two.agent == Span(9.5, 11.0)
    assert two.latency_ms == pytest.approx(1200.0)
    assert not two.barge_in and two.buying_signal and two.fallbacks == ("needs",)
    assert two.dtmf == "5"
    # speech after the last stored turn (the caller spoke, nothing was stored) is no turn
    assert all(t.caller != Span(12.0, 13.0) for t in turns)


def test_map_turns_at_speed_reports_wall_clock_latency() -> None:
    # at 2x the timeline is recording time: 1 s of wall clock is 2 s on it
    ex = [
        StoredExchange("hi", insights("clarify"), T0 + 2.0, {}, "Hello", False),
    ]
    turns = map_turns(
        ex,
        caller_speech=[Span(1.0, 3.0)],
        agent_speech=[heard(4.0, 6.0)],
        t0_wall=T0,
        speed=2.0,
    )
    assert turns[0].caller == Span(1.0, 3.0) and turns[0].agent == Span(4.0, 6.0)
    assert turns[0].latency_ms == pytest.approx(500.0)


def test_map_turns_without_reply_audio_or_speech() -> None:
    ex = [
        StoredExchange("one", insights("clarify"), T0 + 2.0, {}, "", False),
        StoredExchange("two", {}, T0 + 6.0, {}, "Sure", False),
    ]
    turns = map_turns(ex, caller_speech=[Span(5.0, 5.5)], agent_speech=[], t0_wall=T0, speed=1.0)
    assert turns[0].caller is None and turns[0].agent is None and turns[0].latency_ms is None
    assert turns[1].caller == Span(5.0, 5.5) and turns[1].latency_ms is None
    # a turn stored without insights still gives a record
    assert turns[1].action == "" and turns[1].objections == () and turns[1].reply == "Sure"


def test_client_playback_plays_in_arrival_order_and_cuts() -> None:
    rate = 1000
    pb = ClientPlayback(rate)
    pb.push("a", np.ones(500, dtype=np.int16), 10.0)  # 0.5 s arriving at once
    pb.push("a", np.ones(500, dtype=np.int16), 10.1)  # queued behind: plays 10.5-11.0
    assert pb.end == pytest.approx(11.0)
    pb.push("a", np.ones(100, dtype=np.int16), 11.2)  # a short underrun: same stretch
    assert len(pb.segments) == 1 and pb.end == pytest.approx(11.3)
    # the server cancels at 10.75: 750 ms of it were heard, the rest is dropped
    heard_ms, dropped = pb.cut("a", 10.75)
    assert dropped and heard_ms == 750
    # an underrun's silence is not the item's audio: cut after it, only the audio counts
    pc = ClientPlayback(rate)
    pc.push("c", np.ones(500, dtype=np.int16), 0.0)
    pc.push("c", np.ones(500, dtype=np.int16), 0.7)  # 200 ms of silence before it
    assert pc.cut("c", 1.0) == (800, True)
    pb.push("a", np.ones(100, dtype=np.int16), 10.8)  # late audio of a cut item: ignored
    pb.push("b", np.ones(200, dtype=np.int16), 12.0)  # the next reply: a new stretch
    out = pb.heard(until=12.1)  # hung up 100 ms into it
    assert [(s, x.size, c) for s, x, c in out] == [(10.0, 750, True), (12.0, 100, True)]
    assert pb.cut("b", 20.0) == (200, False)  # all of it had played: nothing to truncate


def test_agent_track_places_and_clips() -> None:
    rate = 100
    a = HeardAudio(0.5, 1.5, np.full(100, 7, dtype=np.int16), rate, False)
    b = HeardAudio(1.2, 1.4, np.full(20, 9, dtype=np.int16), rate, False)
    track = agent_track([b, a], rate, 200)
    assert track[:50].tolist() == [0] * 50
    assert track[50:120].tolist() == [7] * 70  # cut where the next stretch starts
    assert track[120:140].tolist() == [9] * 20
    assert track[140:].tolist() == [0] * 60
    # another rate is resampled; the end is clipped to the track
    c = HeardAudio(0.0, 3.0, np.full(1200, 5000, dtype=np.int16), 400, False)
    assert agent_track([c], rate, 200).size == 200


def read_wav(path: Path) -> tuple[int, int, np.ndarray]:
    with wave.open(str(path)) as w:
        frames = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
        return w.getnchannels(), w.getframerate(), frames.reshape(-1, w.getnchannels())


def test_write_call_outputs(tmp_path: Path) -> None:
    rate = 8000
    caller = np.concatenate([np.full(8000, 3000, dtype=np.int16), np.zeros(8000, dtype=np.int16)])
    record = CallRecord(
        recording="x.wav",
        via="twilio",
        caller_channel="mono",
        speed=1.0,
        lang="en",
        recording_s=2.0,
        duration_s=3.5,  # the line stayed open after the recording
        started_at="2027-01-01T00:00:00Z",
        conversation_id="c",
        call_id="CA1",
        end_reason="caller_hung_up",
        greeting=None,
        turns=(),
    )
    agent = HeardAudio(1.5, 2.5, np.full(8000, -2000, dtype=np.int16), rate, False)
    paths = write_call_outputs(CallResult(record, caller, rate, (agent,)), tmp_path / "call")
    assert [p.name for p in paths] == [CALL_JSON, AGENT_WAV, STEREO_WAV]
    assert CallRecord.read(paths[0]) == record
    n_agent, r_agent, mono = read_wav(paths[1])
    n_call, r_call, stereo = read_wav(paths[2])
    assert (n_agent, r_agent, n_call, r_call) == (1, rate, 2, rate)
    assert mono.shape[0] == stereo.shape[0] == round(3.5 * rate)
    np.testing.assert_array_equal(stereo[:, 1], mono[:, 0])
    assert stereo[:8000, 0].tolist() == [3000] * 8000 and not stereo[8000:, 0].any()
    assert mono[12000:20000, 0].tolist() == [-2000] * 8000 and not mono[:12000].any()


def test_call_folders_are_unique(tmp_path: Path) -> None:
    taken: set[str] = set()
    names = [call_folder(tmp_path, s, taken).name for s in ("a", "b", "A", "a")]
    assert names == ["a", "b", "A-2", "a-3"]


def test_collect_recordings(tmp_path: Path) -> None:
    folder = tmp_path / "calls"
    folder.mkdir()
    for name in ("b.wav", "a.WAV"):
        with wave.open(str(folder / name), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\x01\x00" * 800)
    (folder / "notes.txt").write_text("x")
    single = folder / "b.wav"
    assert collect_recordings([folder, single]) == [folder / "a.WAV", single, single]
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(RecordingError, match=r"no \*\.wav"):
        collect_recordings([empty])
    (folder / "bad.wav").write_text("nope")
    with pytest.raises(RecordingError, match=r"bad\.wav: not a WAV"):
        collect_recordings([folder])


def test_options_are_checked() -> None:
    for speed in (0.0, -1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="speed"):
            ReplayOptions(speed=speed)
    with pytest.raises(ValueError, match="tail"):
        ReplayOptions(tail_quiet_s=5.0, tail_max_s=1.0)


def test_a_run_fails_on_errors_or_failed_expectations_and_says_which(tmp_path: Path) -> None:
    held = Expectations("calls/a.yaml", 8, ())
    failed = Expectations(
        "calls/b.yaml",
        8,
        (ExpectationFailure(3, "expect.reply_matches", "a reply matching /sign/", '"Pay now."'),),
    )
    good = replace(sales_call("calls/a.wav"), expectations=held)
    bad = replace(sales_call("calls/b.wav"), expectations=failed)

    def run(*records: CallRecord) -> ReplayRun:
        calls = tuple(CallOutput(r, tmp_path / Path(r.recording).stem, None) for r in records)
        return ReplayRun(tmp_path, calls, None)

    ok = run(good, sales_call("calls/c.wav"))
    assert not ok.failed and ok.verdict() == "OK: 2 calls, no errors, no failed expectations"
    assert "expectations 8/8 held (calls/a.yaml)" in ok.lines()[0]
    assert "expectations" not in ok.lines()[1]  # no journey file

    failing = run(good, bad)
    assert failing.failed
    assert failing.verdict() == "FAILED: 1 call(s) with failed expectations of 2"
    lines = failing.lines()
    assert "expectations 1 failed (calls/b.yaml)" in lines[1]
    assert lines[2] == (
        '  x turn 3: expect.reply_matches: expected a reply matching /sign/; got "Pay now."'
    )
    data = failing.to_json()
    assert data["failed"] is True and data["expectations_failed"] == 1
    assert data["calls_with_failed_expectations"] == 1 and data["calls_with_errors"] == 0
    calls = data["calls"]
    assert isinstance(calls, list)
    assert (
        calls[1]["expectations"] == failed.to_json() and calls[0]["expectations"] == held.to_json()
    )

    both = run(bad, short_call())  # short_call has a server error
    assert both.verdict() == (
        "FAILED: 1 call(s) with errors and 1 call(s) with failed expectations of 2"
    )
