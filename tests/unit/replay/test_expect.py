"""A recording's expectations: the journey file beside it, paired, loaded and judged on the
replayed call (records built in code, tests/unit/replay/records.py)."""

from __future__ import annotations

import wave
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.replay.records import sales_call
from voice_agent.cli import main
from voice_agent.journeys.checks import Failure
from voice_agent.journeys.observed import ObservedTurn
from voice_agent.journeys.spec import Journey, JourneyError, load_journey
from voice_agent.replay.expect import (
    TURNS_KEY,
    judge,
    judged_count,
    load_sidecars,
    observed_turn,
    sidecar_for,
)
from voice_agent.replay.model import CallRecord, ExpectationFailure

#: What the caller of ``sales_call`` says, with what the agent must do: it holds as recorded.
SALES_JOURNEY = """\
name: precio, y luego la prueba
lang: es
turns:
  - say: "Hola, me interesa el programa pero ¿cuánto cuesta?"
    expect: {objections: [price], needs: [weight_loss]}
  - say: "Espera, es demasiado caro para mí"
    expect: {objections: [price], action: [handle_objection], not_needs: [stress]}
  - say: "Vale, ¿y hay una prueba gratuita?"
    expect: {buying_signal: true, action: [offer_trial, close]}
  - say: "Perfecto, apúntame para la prueba."
    expect: {action: close, reply_matches: "(?i)correo", phase: closing}
end: {phase: closing}
checks: {no_repeated_reply: true, max_close_attempts: 1}
"""


def journey(tmp_path: Path, text: str = SALES_JOURNEY, name: str = "call.yaml") -> Journey:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return load_journey(path)


def wav(tmp_path: Path, name: str = "call.wav") -> Path:
    path = tmp_path / name
    path.write_bytes(b"RIFF")
    return path


def keys(record: CallRecord, j: Journey) -> list[tuple[int | None, str]]:
    return [(f.turn, f.key) for f in judge(j, record).failures]


# -- pairing and loading ------------------------------------------------------------------------


def test_the_journey_file_beside_a_recording_is_its_sidecar(tmp_path: Path) -> None:
    rec = wav(tmp_path)
    assert sidecar_for(rec) is None
    (tmp_path / "call.yml").write_text(SALES_JOURNEY)
    assert sidecar_for(rec) == tmp_path / "call.yml"
    (tmp_path / "other.yaml").write_text(SALES_JOURNEY)  # another stem is not paired
    upper = wav(tmp_path, "LOUD.WAV")
    (tmp_path / "LOUD.yaml").write_text(SALES_JOURNEY)
    assert sidecar_for(upper) == tmp_path / "LOUD.yaml"


def test_both_yaml_and_yml_beside_a_recording_is_an_error(tmp_path: Path) -> None:
    rec = wav(tmp_path)
    for suffix in (".yaml", ".yml"):
        (tmp_path / f"call{suffix}").write_text(SALES_JOURNEY)
    with pytest.raises(JourneyError, match=r"call\.yaml: and call\.yml are both beside call\.wav"):
        sidecar_for(rec)


def test_load_sidecars_keys_each_recording_that_has_one(tmp_path: Path) -> None:
    with_one, without = wav(tmp_path, "a.wav"), wav(tmp_path, "b.wav")
    (tmp_path / "a.yaml").write_text(SALES_JOURNEY, encoding="utf-8")
    found = load_sidecars([with_one, without], "es")
    assert list(found) == [with_one]
    assert found[with_one].name == "precio, y luego la prueba"
    assert found[with_one].file == str(tmp_path / "a.yaml")
    assert len(found[with_one].turns) == 4


def test_a_bad_sidecar_names_the_file_the_turn_and_the_key(tmp_path: Path) -> None:
    rec = wav(tmp_path)
    bad = SALES_JOURNEY.replace(
        "expect: {objections: [price], action: [handle_objection]",
        "expect: {objection: [price], action: [handle_objection]",
    )
    (tmp_path / "call.yaml").write_text(bad, encoding="utf-8")
    with pytest.raises(JourneyError) as err:
        load_sidecars([rec], "es")
    assert str(err.value).startswith(
        f"{tmp_path / 'call.yaml'}: turn 2: expect.objection: unknown key"
    )
    assert "did you mean 'objections'?" in str(err.value)


def test_a_sidecar_in_another_language_than_the_replay_is_refused(tmp_path: Path) -> None:
    rec = wav(tmp_path)
    (tmp_path / "call.yaml").write_text(SALES_JOURNEY, encoding="utf-8")
    with pytest.raises(
        JourneyError, match=r"call\.yaml: lang: es, but the calls are replayed with --lang en"
    ):
        load_sidecars([rec], "en")


# -- judging ------------------------------------------------------------------------------------


def test_a_call_that_does_what_the_journey_expects_passes(tmp_path: Path) -> None:
    j = journey(tmp_path)
    result = judge(j, sales_call())
    assert result.failures == () and result.passed
    assert result.journey == str(tmp_path / "call.yaml")
    # 2 + 3 + 2 + 3 expect keys, end.phase, two checks, and the number of turns
    assert result.judged == 10 + 1 + 2 + 1 == judged_count(j, sales_call())
    assert result.summary() == "14/14 held"


def test_each_expectation_that_does_not_hold_is_a_failure_by_turn(tmp_path: Path) -> None:
    record = sales_call()
    turns = list(record.turns)
    turns[1] = replace(turns[1], action="offer_trial", action_reason="price objection handled")
    turns[3] = replace(turns[3], reply="¡Hecho! Te llamo mañana.", phase="follow_up")
    result = judge(journey(tmp_path), replace(record, turns=tuple(turns)))
    assert [(f.turn, f.key) for f in result.failures] == [
        (2, "expect.action"),
        (4, "expect.phase"),
        (4, "expect.reply_matches"),
        (None, "end.phase"),
    ]
    action = result.failures[0]
    assert action == ExpectationFailure(
        2, "expect.action", "handle_objection", "offer_trial (reason: price objection handled)"
    )
    assert result.failures[2].expected == "a reply matching /(?i)correo/"
    assert result.failures[2].actual == '"¡Hecho! Te llamo mañana."'
    assert result.summary() == "4 failed" and not result.passed


def test_whole_call_checks_are_judged_on_every_turn(tmp_path: Path) -> None:
    record = sales_call()
    turns = list(record.turns)
    turns[2] = replace(turns[2], action="close", reply=turns[3].reply)
    assert keys(replace(record, turns=tuple(turns)), journey(tmp_path)) == [
        (4, "checks.no_repeated_reply"),
        (None, "checks.max_close_attempts"),
    ]


def test_a_merged_turn_fails_turns_and_the_turns_that_exist_are_judged(tmp_path: Path) -> None:
    record = sales_call()
    # the server heard turns 3 and 4 as one: three turns, the third is the fourth's
    merged = replace(record.turns[3], index=3, transcript="Vale, ¿y hay una prueba? Perfecto.")
    call = replace(record, turns=(*record.turns[:2], merged))
    result = judge(journey(tmp_path), call)
    count = result.failures[-1]
    assert (count.turn, count.key) == (None, TURNS_KEY)
    assert count.expected.startswith('4 customer turns: 1 "Hola, me interesa el programa')
    assert '4 "Perfecto, apúntame para la prueba."' in count.expected
    assert (
        count.actual.startswith("3: 1 ")
        and '3 "Vale, ¿y hay una prueba? Perfecto."' in count.actual
    )
    # turn 3's expectations are judged on the third turn the server stored, and still hold
    assert [(f.turn, f.key) for f in result.failures] == [(None, TURNS_KEY)]
    # the fourth turn's expectations are not judged: 2 + 3 + 2, end, checks, turns
    assert result.judged == 7 + 1 + 2 + 1


def test_a_split_turn_fails_turns_and_the_extra_turn_is_only_in_the_checks(
    tmp_path: Path,
) -> None:
    record = sales_call()
    extra = replace(
        record.turns[3], index=5, transcript="Gracias.", reply="¡A ti!", action="answer_question"
    )
    result = judge(journey(tmp_path), replace(record, turns=(*record.turns, extra)))
    assert [(f.turn, f.key) for f in result.failures] == [(None, TURNS_KEY)]
    assert result.failures[0].expected.startswith("4 customer turns")
    assert (
        result.failures[0].actual.startswith('5: 1 "Hola')
        and '5 "Gracias."' in result.failures[0].actual
    )


def test_a_call_without_turns_fails_turns_only(tmp_path: Path) -> None:
    result = judge(journey(tmp_path), replace(sales_call(), turns=()))
    assert [(f.turn, f.key) for f in result.failures] == [(None, TURNS_KEY)]
    assert result.failures[0].actual == "0: nothing"
    assert result.judged == 2 + 1  # the checks and the number of turns


def test_a_turn_with_names_this_version_does_not_know_fails_insights(tmp_path: Path) -> None:
    record = sales_call()
    turns = list(record.turns)
    turns[0] = replace(turns[0], action="upsell", phase="")
    failure = observed_turn(turns[0])
    assert isinstance(failure, Failure) and failure.key == "insights"
    result = judge(journey(tmp_path), replace(record, turns=tuple(turns)))
    assert [(f.turn, f.key) for f in result.failures] == [(1, "insights")]
    assert result.failures[0].actual == "action 'upsell', phase ''"


def test_a_turn_without_an_action_is_seen_as_none(tmp_path: Path) -> None:
    turn = replace(sales_call().turns[1], action="", action_reason="")
    observed = observed_turn(turn)
    assert isinstance(observed, ObservedTurn)
    assert observed.action == "none" and observed.insights.phase == "objection_handling"
    assert observed.detected_objections() == ["price", "think_it_over"]
    assert observed.insights.buying_signal.p == pytest.approx(0.1)


def test_the_command_exits_2_on_a_bad_sidecar_before_calling_anyone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    calls = tmp_path / "calls"
    calls.mkdir()
    with wave.open(str(calls / "call.wav"), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    (calls / "call.yaml").write_text(SALES_JOURNEY.replace("action: close", "action: closing"))
    # no server listens there: the journey file is refused first
    argv = ["replay", str(calls), "--url", "http://127.0.0.1:9", "--api-key", "k", "--lang", "es"]
    assert main([*argv, "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"voice-agent replay: {calls / 'call.yaml'}: turn 4: expect.action: ")
    assert "unknown action 'closing'" in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists()
