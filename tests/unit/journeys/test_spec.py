"""Journey files: a valid one loads into typed values; every bad one is a JourneyError whose
message names the file, the turn and the key."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from voice_agent.journeys.spec import (
    Checks,
    Expect,
    JourneyError,
    journey_files,
    load_journey,
    load_journeys,
)

VALID = """\
name: price objection, then yes
lang: en
customer: {name: Dana, profession: CFO, seats: 2}
turns:
  - say: "how much is it?"
  - say: "that's way too expensive for me"
    expect: {objections: [price], action: [handle_objection]}
  - say: "ok fine, let's do it"
    expect:
      buying_signal: true
      action: close
      not_objections: [price, time]
      reply_matches: "(?i)link"
      reply_not_matches: "(?i)would you like to"
end: {phase: closing, action: [close]}
checks: {no_repeated_reply: true, conversion_rises_after_yes: true, max_close_attempts: 1}
"""


def write(tmp_path: Path, text: str, name: str = "x.yaml") -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(JourneyError) as info:
        load_journey(path, file="journeys/en/x.yaml")
    return str(info.value)


def with_turns(turns: str, extra: str = "") -> str:
    return "name: n\nlang: en\nturns:\n" + textwrap.indent(textwrap.dedent(turns), "  ") + extra


def test_valid_file_loads_into_typed_values(tmp_path: Path) -> None:
    journey = load_journey(write(tmp_path, VALID))
    assert journey.name == "price objection, then yes"
    assert journey.lang == "en"
    assert dict(journey.customer) == {"name": "Dana", "profession": "CFO", "seats": 2}
    assert [t.number for t in journey.turns] == [1, 2, 3]
    assert journey.turns[0].expect == Expect() and journey.turns[0].expect.empty
    assert journey.turns[1].expect.objections == ("price",)
    third = journey.turns[2].expect
    assert third.action == ("close",)  # one name is a list of one
    assert third.buying_signal is True
    assert third.not_objections == ("price", "time")
    assert third.reply_matches is not None and third.reply_matches.search("the LINK")
    assert journey.end.phase == ("closing",)
    assert journey.checks == Checks(
        no_repeated_reply=True, conversion_rises_after_yes=True, max_close_attempts=1
    )
    assert journey.yes_turn == 3
    assert journey.file == str(tmp_path / "x.yaml")


def test_keys_are_what_each_part_asks_for(tmp_path: Path) -> None:
    journey = load_journey(write(tmp_path, VALID))
    assert [t.expect.keys for t in journey.turns] == [
        (),
        ("objections", "action"),
        ("not_objections", "buying_signal", "action", "reply_matches", "reply_not_matches"),
    ]
    assert journey.end.keys == ("phase", "action")
    assert journey.checks.keys == (
        "no_repeated_reply",
        "conversion_rises_after_yes",
        "max_close_attempts",
    )
    # false and zero: a check that is off asks nothing; at most 0 closes asks something
    assert Checks(no_fallbacks=False, max_close_attempts=0).keys == ("max_close_attempts",)
    assert Expect(buying_signal=False).keys == ("buying_signal",)
    assert Expect().keys == ()


def test_unknown_expect_key_names_file_turn_key_and_suggests(tmp_path: Path) -> None:
    msg = error_of(
        tmp_path,
        with_turns("""\
        - say: "hi"
        - say: "hello"
        - say: "too expensive"
          expect: {objection: [price]}
        """),
    )
    assert msg.startswith(
        "journeys/en/x.yaml: turn 3: expect.objection: unknown key (did you mean 'objections'?)"
    )


@pytest.mark.parametrize(
    ("turn", "expected"),
    [
        (
            '- say: "hi"\n  expect: {buying_signal: "yes"}',
            "turn 1: expect.buying_signal: expected true or false; got text ('yes')",
        ),
        ("- say: yes", "turn 1: say: expected text; got a boolean (true)"),
        ("- say: 42", "turn 1: say: expected text; got a number (42): quote it"),
        ('- say: "  "', "turn 1: say: must not be empty"),
        ("- expect: {buying_signal: true}", "turn 1: say: missing"),
        ('- say: "x"\n  expct: {}', "turn 1: expct: unknown key (did you mean 'expect'?)"),
        ('- "just text"', "turn 1: expected a mapping with keys say, expect; got text"),
        (
            '- say: "x"\n  expect: {reply_matches: "(unclosed"}',
            "turn 1: expect.reply_matches: not a valid regular expression '(unclosed'",
        ),
        (
            '- say: "x"\n  expect: {objections: [prize]}',
            "turn 1: expect.objections: unknown objection 'prize' (did you mean 'price'?)",
        ),
        (
            '- say: "x"\n  expect: {needs: [sleep]}',
            "turn 1: expect.needs: unknown need 'sleep'",
        ),
        (
            '- say: "x"\n  expect: {action: [handoff]}',
            "turn 1: expect.action: unknown action 'handoff' (did you mean 'hand_off'?)",
        ),
        (
            '- say: "x"\n  expect: {phase: closed}',
            "turn 1: expect.phase: unknown phase 'closed' (did you mean 'closing'?)",
        ),
        ('- say: "x"\n  expect: {action: []}', "turn 1: expect.action: expected at least one"),
        (
            '- say: "x"\n  expect: {objections: [price], not_objections: [price]}',
            "turn 1: expect.not_objections: price also listed in expect.objections",
        ),
    ],
)
def test_bad_turns(tmp_path: Path, turn: str, expected: str) -> None:
    msg = error_of(tmp_path, with_turns(turn))
    assert msg.startswith(f"journeys/en/x.yaml: {expected}"), msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty file"),
        ("- just\n- a list\n", "expected a mapping with keys name, lang"),
        ("name: n\nlang: en\nturns: []\n", "turns: empty: a journey needs at least one turn"),
        ("name: n\nlang: en\nturns: {say: hi}\n", "turns: expected a list of turns; got a mapping"),
        ("lang: en\nturns: [{say: hi}]\n", "name: missing"),
        (
            "name: n\nlang: fr\nturns: [{say: hi}]\n",
            "lang: expected one of en, es; got text ('fr')",
        ),
        ("name: n\nlang: en\nturn: [{say: hi}]\n", "turn: unknown key (did you mean 'turns'?)"),
        (
            "name: n\nlang: en\ncustomer: Dana\nturns: [{say: hi}]\n",
            "customer: expected a mapping",
        ),
        (
            "name: n\nlang: en\ncustomer: {tags: [a]}\nturns: [{say: hi}]\n",
            "customer.tags: expected text, a number or a boolean; got a list",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nend: {phase: closng}\n",
            "end.phase: unknown phase 'closng' (did you mean 'closing'?)",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nend: {reply: x}\n",
            "end.reply: unknown key",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nchecks: {no_repeat_reply: true}\n",
            "checks.no_repeat_reply: unknown key (did you mean 'no_repeated_reply'?)",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nchecks: {no_fallbacks: 1}\n",
            "checks.no_fallbacks: expected true or false; got a number (1)",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nchecks: {max_close_attempts: -1}\n",
            "checks.max_close_attempts: expected a whole number >= 0; got a number (-1)",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi}]\nchecks: {conversion_rises_after_yes: true}\n",
            "checks.conversion_rises_after_yes: no turn expects buying_signal: true",
        ),
        (
            "name: n\nlang: en\nturns: [{say: hi, expect: {buying_signal: true}}]\n"
            "checks: {conversion_rises_after_yes: true}\n",
            "checks.conversion_rises_after_yes: the yes (the first turn expecting "
            "buying_signal: true) is turn 1",
        ),
        ("name: n\nlang: en\nturns: [{say: hi}\n", "not valid YAML: line 4, column 1:"),
        ("name: [unclosed\n", "not valid YAML: line 2"),
        ("name: a\nname: b\nlang: en\nturns: [{say: hi}]\n", "not valid YAML: line 2"),
    ],
)
def test_bad_files(tmp_path: Path, text: str, expected: str) -> None:
    msg = error_of(tmp_path, text)
    assert msg.startswith(f"journeys/en/x.yaml: {expected}"), msg


def test_duplicate_key_is_named(tmp_path: Path) -> None:
    msg = error_of(tmp_path, "name: a\nname: b\nlang: en\nturns: [{say: hi}]\n")
    assert "key 'name' given twice" in msg


def test_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    with pytest.raises(JourneyError, match=r"x\.yaml: not a UTF-8 text file"):
        load_journey(path)


def test_files_under_directories_recursive_sorted_unique(tmp_path: Path) -> None:
    for name in ("es/b.yaml", "en/z.yml", "en/a.yaml", "en/notes.txt", "top.yaml"):
        write(tmp_path, "x", name)
    found = journey_files([str(tmp_path), str(tmp_path / "top.yaml")])
    rel = [p.relative_to(tmp_path).as_posix() for p in found]
    assert rel == ["en/a.yaml", "en/z.yml", "es/b.yaml", "top.yaml"]


def test_missing_path_and_empty_directory_are_errors(tmp_path: Path) -> None:
    with pytest.raises(JourneyError, match=r"nope\.yaml: no such file or directory"):
        journey_files([str(tmp_path / "nope.yaml")])
    (tmp_path / "empty").mkdir()
    with pytest.raises(JourneyError, match="no journey files"):
        journey_files([str(tmp_path / "empty")])


def test_load_journeys_names_the_bad_file(tmp_path: Path) -> None:
    write(tmp_path, VALID, "a.yaml")
    write(tmp_path, with_turns('- say: "x"\n  expect: {actoin: close}'), "b.yaml")
    with pytest.raises(JourneyError) as info:
        load_journeys([str(tmp_path)])
    assert str(info.value).startswith(f"{tmp_path / 'b.yaml'}: turn 1: expect.actoin:")


def test_shipped_journeys_are_valid() -> None:
    root = Path(__file__).resolve().parents[3] / "journeys"
    journeys = load_journeys([str(root)])
    assert len(journeys) >= 30
    assert {j.lang for j in journeys} == {"en", "es"}
