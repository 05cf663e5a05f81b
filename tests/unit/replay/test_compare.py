"""``replay --compare``: two output folders written in code, compared call by call."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.replay.pages import parse
from tests.unit.replay.records import SCRIPT, sales_call, short_call
from voice_agent.replay.compare import (
    COMPARE_HTML,
    Comparison,
    ProbabilityChange,
    TextChange,
    compare_runs,
    write_compare_report,
)
from voice_agent.replay.model import (
    CALL_HTML,
    CallRecord,
    ExpectationFailure,
    Expectations,
    Label,
    RecordError,
)
from voice_agent.replay.report import write_call_report


def write_run(folder: Path, records: list[CallRecord], *, reports: bool = False) -> Path:
    for record in records:
        call = folder / Path(record.recording).stem
        record.write(call)
        if reports:
            write_call_report(record, call)
    return folder


def with_turn(record: CallRecord, index: int, **changes: object) -> CallRecord:
    """``record`` with turn ``index`` (1-based) changed."""
    turns = list(record.turns)
    turns[index - 1] = replace(turns[index - 1], **changes)  # type: ignore[arg-type]
    return replace(record, turns=tuple(turns))


def compare(
    tmp_path: Path, old: list[CallRecord], new: list[CallRecord], **kw: float
) -> Comparison:
    return compare_runs(write_run(tmp_path / "old", old), write_run(tmp_path / "new", new), **kw)


def test_identical_runs_pass_with_nothing_changed(tmp_path: Path) -> None:
    c = compare(tmp_path, [sales_call(), short_call()], [sales_call(), short_call()])
    assert not c.failing
    assert [x.status for x in c.calls] == ["same", "same"]
    assert [x.recording for x in c.calls] == ["demo-en.wav", "llamada-ñandú.wav"]
    assert not any(t.changed for x in c.calls for t in x.turns)
    data = c.to_json()
    assert data["failing"] is False
    assert data["calls_changed"] == 0
    json.dumps(data)  # plain JSON types
    text = c.summary_text()
    assert "2 calls, 0 changed, 0 failing" in text
    assert text.rstrip().endswith("OK: no action, turn count, failing expectation or call changed")


def test_a_changed_reply_is_reported_but_does_not_fail(tmp_path: Path) -> None:
    new_reply = "Claro: 790 euros, con una semana de prueba gratis."
    c = compare(tmp_path, [sales_call()], [with_turn(sales_call(), 1, reply=new_reply)])
    assert not c.failing
    call = c.calls[0]
    assert call.status == "changed"
    diff = call.turns[0]
    assert diff.reply == TextChange(sales_call().turns[0].reply, new_reply)
    assert diff.action is None and diff.transcript is None
    assert [t.index for t in call.turns if t.changed] == [1]
    text = c.summary_text()
    assert "reply changed:" in text
    assert f"- {sales_call().turns[0].reply!r}" in text
    assert f"+ {new_reply!r}" in text
    assert "OK:" in text


def test_a_changed_action_fails(tmp_path: Path) -> None:
    new = with_turn(sales_call(), 2, action="offer_trial", action_reason="trial first")
    c = compare(tmp_path, [sales_call()], [new])
    assert c.failing
    call = c.calls[0]
    assert call.status == "failing"
    assert call.failures() == ["turn 2 action handle_objection → offer_trial"]
    diff = call.turns[1]
    assert diff.action == TextChange("handle_objection", "offer_trial")
    assert diff.action_reason == TextChange("price objection p=0.90", "trial first")
    assert c.to_json()["failing"] is True
    text = c.summary_text()
    assert "FAIL    llamada-ñandú.wav: turn 2 action handle_objection → offer_trial" in text
    assert "ACTION CHANGED: handle_objection → offer_trial" in text
    assert "FAILING: 1 call(s)" in text


def test_a_changed_turn_count_fails(tmp_path: Path) -> None:
    old = sales_call()
    new = replace(old, turns=old.turns[:3])
    c = compare(tmp_path, [old], [new])
    assert c.failing
    call = c.calls[0]
    assert call.turn_count_changed
    assert call.failures() == ["turns 4 → 3"]
    last = call.turns[-1]
    assert last.index == 4 and last.only_old and last.changed
    assert "turn 4: only in OLD (action close)" in c.summary_text()


def test_a_call_on_one_side_only_fails(tmp_path: Path) -> None:
    c = compare(tmp_path, [sales_call(), short_call()], [sales_call(), short_call("other.wav")])
    assert c.failing
    statuses = {x.recording: x.status for x in c.calls}
    assert statuses == {
        "demo-en.wav": "only_old",
        "llamada-ñandú.wav": "same",
        "other.wav": "only_new",
    }
    text = c.summary_text()
    assert "FAIL    demo-en.wav: only in OLD" in text
    assert "FAIL    other.wav: only in NEW" in text


def test_insights_are_reported_beyond_the_threshold_only(tmp_path: Path) -> None:
    old = sales_call()
    first = old.turns[0]  # conversion 0.34, price 0.81, buying 0.21
    new = with_turn(
        old,
        1,
        conversion_probability=first.conversion_probability + 0.15,  # below 0.2
        buying_signal_p=first.buying_signal_p + 0.25,  # above
        objections=(Label("price", 0.81), Label("time", 0.6)),  # appeared
    )
    new = with_turn(new, 2, conversion_probability=0.42)  # 0.22 → 0.42: exactly 0.2
    c = compare(tmp_path, [old], [new])
    assert not c.failing
    turns = c.calls[0].turns
    assert turns[0].insights == (
        ProbabilityChange("objection:time", None, 0.6),
        ProbabilityChange("buying_signal", 0.21, 0.46),  # as read back from call.json
    )
    assert turns[1].insights == ()  # not more than the threshold
    text = c.summary_text()
    assert "objection:time not detected → 0.60 (+0.60)" in text
    assert "buying_signal 0.21 → 0.46 (+0.25)" in text
    assert "conversion_probability" not in text

    lower = compare_runs(tmp_path / "old", tmp_path / "new", threshold=0.1)
    names = [i.insight for i in lower.calls[0].turns[0].insights]
    assert "conversion_probability" in names
    assert [i.insight for i in lower.calls[0].turns[1].insights] == ["conversion_probability"]


def test_a_label_lost_is_reported_with_its_old_probability(tmp_path: Path) -> None:
    old = sales_call()
    new = with_turn(old, 3, needs=(Label("weight_loss", 0.88),))  # event_prep 0.74 lost
    c = compare(tmp_path, [old], [new])
    assert c.calls[0].turns[2].insights == (ProbabilityChange("need:event_prep", 0.74, None),)
    assert "need:event_prep 0.74 → not detected (-0.74)" in c.summary_text()


def test_flags_transcripts_phase_fallbacks_and_latency(tmp_path: Path) -> None:
    old = sales_call()
    new = with_turn(
        old,
        3,
        transcript="Vale, ¿hay una prueba gratis?",
        buying_signal=False,
        phase="presentation",
        fallbacks=(),
        latency_ms=1064.0 + 150.0,  # below the latency threshold
    )
    new = with_turn(new, 4, latency_ms=770.0 + 450.0)
    c = compare(tmp_path, [old], [new])
    assert not c.failing
    t3, t4 = c.calls[0].turns[2], c.calls[0].turns[3]
    assert t3.transcript is not None and t3.transcript.new == "Vale, ¿hay una prueba gratis?"
    assert [(f.name, f.old, f.new) for f in t3.flags] == [("buying_signal", True, False)]
    assert t3.phase == TextChange("closing", "presentation")
    assert t3.fallbacks == TextChange("conversion", "")
    assert not t3.latency_changed
    assert t4.latency_changed and t4.latency.delta_ms == pytest.approx(450.0)
    assert [t.changed for t in c.calls[0].turns] == [False, False, True, True]
    text = c.summary_text()
    assert "transcript changed:" in text
    assert "buying_signal: yes → no" in text
    assert "phase: closing → presentation" in text
    assert "latency: 770 ms → 1,220 ms (+450 ms)" in text
    assert "latency: 1,064" not in text


def test_to_json_lists_only_changed_turns(tmp_path: Path) -> None:
    new = with_turn(sales_call(), 2, action="close")
    data = compare(tmp_path, [sales_call()], [new]).to_json()
    calls = data["calls"]
    assert isinstance(calls, list)
    (call,) = calls
    assert call["status"] == "failing"
    assert [t["index"] for t in call["turns"]] == [2]
    assert call["turns"][0]["action"] == {"old": "handle_objection", "new": "close"}
    assert json.loads(json.dumps(data)) == data


def test_folders_that_are_not_runs_are_refused(tmp_path: Path) -> None:
    write_run(tmp_path / "old", [sales_call()])
    with pytest.raises(RecordError, match="not a folder"):
        compare_runs(tmp_path / "old", tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(RecordError, match=r"no \*/call\.json"):
        compare_runs(tmp_path / "old", tmp_path / "empty")


def test_compare_page_highlights_changes_and_escapes_text(tmp_path: Path) -> None:
    old = sales_call()
    new = with_turn(old, 2, action="offer_trial", transcript=f"otra cosa {SCRIPT}")
    old_dir = write_run(tmp_path / "old", [old, short_call()], reports=True)
    new_dir = write_run(tmp_path / "new", [new, short_call()])  # no reports on this side
    c = compare_runs(old_dir, new_dir)
    path = write_compare_report(c, tmp_path / "out")
    assert path == tmp_path / "out" / COMPARE_HTML
    document = path.read_text(encoding="utf-8")
    assert SCRIPT not in document and "<script" not in document
    assert "&lt;script&gt;" in document
    page = parse(document)
    assert "<title>Replay comparison: FAILING, 1 of 2 calls changed</title>" in document
    assert [r.attrs["class"] for r in page.find("tr", "call")] == ["call same", "call failing"]
    diffs = page.find("tbody", "turn-diff")
    assert [(d.attrs["data-turn"], "failing" in d.classes) for d in diffs] == [("2", True)]
    assert len(page.find("tr", "failing")) == 2  # the call row and the action row
    links = [a.attrs["href"] for a in page.find("a")]
    assert "#call-llamada-ñandú-wav" in links  # the call's section, on this page
    assert [s.attrs["id"] for s in page.find("section", "call-diff")] == ["call-llamada-ñandú-wav"]
    report_links = [h for h in links if h.endswith(CALL_HTML)]
    assert report_links == [f"../old/llamada-ñandú/{CALL_HTML}"]
    assert (path.parent / report_links[0]).is_file()

    named = write_compare_report(c, tmp_path / "ci" / "diff.html")
    assert named == tmp_path / "ci" / "diff.html" and named.is_file()


def test_compare_page_of_identical_runs_says_nothing_changed(tmp_path: Path) -> None:
    c = compare(tmp_path, [short_call()], [short_call()])
    document = write_compare_report(c, tmp_path).read_text(encoding="utf-8")
    page = parse(document)
    assert "Nothing changed." in page.text
    assert not page.find("tbody", "turn-diff")
    assert '<span class="badge ok">OK</span>' in document


# -- expectations ---------------------------------------------------------------------------------


def judged(record: CallRecord, *failures: ExpectationFailure) -> CallRecord:
    return replace(record, expectations=Expectations("calls/x.yaml", 12, tuple(failures)))


REPLY_FAILS = ExpectationFailure(
    4, "expect.reply_matches", "a reply matching /(?i)sign[- ]?up/", '"¡Hecho! Te envío el pago."'
)
TURNS_FAIL = ExpectationFailure(None, "turns", '4 customer turns: 1 "Hola"', '3: 1 "Hola"')


def test_a_new_expectation_failure_fails_and_says_what_held_before(tmp_path: Path) -> None:
    old = judged(sales_call())
    new = judged(
        with_turn(sales_call(), 4, reply="¡Hecho! Te envío el pago."),
        REPLY_FAILS,
    )
    c = compare(tmp_path, [old], [new])
    assert c.failing
    call = c.calls[0]
    assert call.status == "failing"
    expected = (
        "turn 4 expect.reply_matches: held in OLD, fails in NEW: expected a reply matching "
        '/(?i)sign[- ]?up/; got "¡Hecho! Te envío el pago."'
    )
    assert call.failures() == [expected]
    (change,) = call.turns[3].expectations
    assert change.old is None and change.new == REPLY_FAILS and not change.fixed
    assert call.turns[3].failing and call.turns[3].changed
    text = c.summary_text()
    assert f"FAIL    llamada-ñandú.wav: {expected}" in text
    assert f"    EXPECTATION FAILS: {expected}" in text
    assert "reply changed:" in text
    assert "FAILING: 1 call(s) with a changed action, turn count or failing expectations" in text
    data = json.loads(json.dumps(c.to_json()))
    assert data["expectation_changes"] == 1
    (entry,) = data["calls"][0]["expectation_changes"]
    assert (entry["turn"], entry["key"], entry["change"]) == (
        4,
        "expect.reply_matches",
        "new_failure",
    )
    assert entry["old"] is None and entry["new"]["actual"] == '"¡Hecho! Te envío el pago."'
    assert [t["index"] for t in data["calls"][0]["turns"]] == [4]
    assert data["calls"][0]["turns"][0]["expectations"][0]["message"] == expected


def test_a_fixed_expectation_also_fails_the_comparison(tmp_path: Path) -> None:
    c = compare(tmp_path, [judged(sales_call(), TURNS_FAIL)], [judged(sales_call())])
    assert c.failing
    call = c.calls[0]
    assert call.failures() == [
        'whole call turns: failed in OLD, holds in NEW (OLD: expected 4 customer turns: 1 "Hola"; '
        'got 3: 1 "Hola")'
    ]
    (change,) = call.expectations  # a whole-call one: not on a turn
    assert change.fixed and all(not t.expectations for t in call.turns)
    assert "  EXPECTATION FIXED: whole call turns: failed in OLD" in c.summary_text()


def test_an_expectation_failing_on_both_sides_is_not_a_change(tmp_path: Path) -> None:
    old = judged(sales_call(), REPLY_FAILS)
    new = judged(sales_call(), replace(REPLY_FAILS, actual='"otra respuesta"'))
    c = compare(tmp_path, [old], [new])
    assert not c.failing and c.calls[0].status == "same"
    (still,) = c.calls[0].still_failing
    assert (still.turn, still.key) == (4, "expect.reply_matches")
    assert c.to_json()["calls"][0]["expectations_still_failing"][0]["key"] == "expect.reply_matches"


def test_expectations_on_one_side_only_count_as_nothing_failing_on_the_other(
    tmp_path: Path,
) -> None:
    c = compare(tmp_path, [sales_call()], [judged(sales_call(), REPLY_FAILS)])
    assert c.failing
    assert c.calls[0].failures() == [
        "turn 4 expect.reply_matches: not judged in OLD, fails in NEW: expected a reply matching "
        '/(?i)sign[- ]?up/; got "¡Hecho! Te envío el pago."'
    ]
    assert c.to_json()["calls"][0]["expectations_judged"] == {"old": False, "new": True}
    # a journey file that was added and holds changes nothing
    assert not compare(tmp_path / "2", [sales_call()], [judged(sales_call())]).failing


def test_a_failure_on_a_turn_only_one_side_has_is_on_that_turn(tmp_path: Path) -> None:
    short = replace(sales_call(), turns=sales_call().turns[:3])
    new = judged(short, TURNS_FAIL)
    c = compare(tmp_path, [judged(sales_call(), REPLY_FAILS)], [new])
    call = c.calls[0]
    assert call.turns[3].only_old
    assert [e.key for e in call.turns[3].expectations] == ["expect.reply_matches"]
    assert [e.key for e in call.expectations] == ["turns"]
    assert call.failures()[0] == "turns 4 → 3"


def test_compare_page_shows_expectation_changes_side_by_side(tmp_path: Path) -> None:
    old = judged(sales_call(), TURNS_FAIL)
    new = judged(with_turn(sales_call(), 4, reply=f"pago {SCRIPT}"), REPLY_FAILS)
    c = compare(tmp_path, [old], [new])
    document = write_compare_report(c, tmp_path / "out").read_text(encoding="utf-8")
    assert SCRIPT not in document
    page = parse(document)
    rows = page.find("tr", "expectation")
    assert [r.attrs["data-key"] for r in rows] == ["expect.reply_matches", "turns"]
    assert [
        (d.attrs["data-turn"], "failing" in d.classes) for d in page.find("tbody", "turn-diff")
    ] == [
        ("4", True),
        ("call", True),
    ]
    assert "new failure" in page.text and "fixed" in page.text and "held" in page.text
    assert "expected a reply matching /(?i)sign[- ]?up/" in page.text
    why = page.text[page.text.index("Why failing") :]
    assert "turn 4 expect.reply_matches: held in OLD, fails in NEW" in why
