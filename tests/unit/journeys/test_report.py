"""Reports of a run: terminal text with the failures under their journey, one JSON document,
an HTML page with every text escaped."""

from __future__ import annotations

import json
from types import MappingProxyType

from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore
from voice_agent.journeys.checks import Failure
from voice_agent.journeys.observed import Observed, ObservedTurn
from voice_agent.journeys.report import render_html, render_text, run_json
from voice_agent.journeys.runner import JourneyResult, RunResult
from voice_agent.journeys.spec import Journey, Turn


def result(
    name: str, *, failures: tuple[Failure, ...] = (), error: str | None = None
) -> JourneyResult:
    journey = Journey(
        f"journeys/en/{name}.yaml", name, "en", MappingProxyType({}), (Turn(1, "<b>hi</b>"),)
    )
    insights = Insights(
        (LabelScore("price", 0.91),),
        (),
        BuyingSignal(False, 0.12),
        0.34,
        Action("handle_objection", "price objection p=0.91"),
        "objection_handling",
    )
    turn = ObservedTurn(1, "<b>hi</b>", "Fair & square <script>", insights)
    return JourneyResult(journey, Observed("c1", "Hello", (turn,)), failures, error, 0.25)


FAILURE = Failure(1, "expect.action", "close", "handle_objection (reason: price objection p=0.91)")


def run() -> RunResult:
    return RunResult(
        "in process",
        (
            result("good"),
            result("bad", failures=(FAILURE, Failure(None, "end.phase", "closing", "x"))),
            result("cut", error="turn 1: the message: no answer within 30 s"),
        ),
        1.5,
    )


def test_text_one_line_per_journey_failures_under_it() -> None:
    text = render_text(run())
    lines = text.splitlines()
    assert lines[0] == "PASS  journeys/en/good.yaml  good (1 turns, 0.25 s)"
    assert lines[1] == "FAIL  journeys/en/bad.yaml  bad (1 turns, 0.25 s)"
    assert '      turn 1: customer: "<b>hi</b>"' in lines
    assert '        agent: "Fair & square <script>"' in lines
    assert "        action: handle_objection (price objection p=0.91)" in lines
    assert (
        "        x expect.action: expected close; "
        "got handle_objection (reason: price objection p=0.91)"
    ) in lines
    assert "        x end.phase: expected closing; got x" in lines
    assert "      error: turn 1: the message: no answer within 30 s" in lines
    assert lines[-1] == "3 journeys: 1 passed, 2 failed (in process, 1.50 s)"


def test_json_is_one_document_with_every_turn_and_failure() -> None:
    doc = json.loads(json.dumps(run_json(run())))
    assert (doc["total"], doc["passed"], doc["failed"]) == (3, 1, 2)
    bad = doc["journeys"][1]
    assert bad["passed"] is False
    assert bad["failures"][0] == {
        "turn": 1,
        "key": "expect.action",
        "expected": "close",
        "actual": "handle_objection (reason: price objection p=0.91)",
        "message": "expect.action: expected close; got handle_objection (reason: price "
        "objection p=0.91)",
    }
    turn = bad["turns"][0]
    assert turn["objections"] == [{"label": "price", "p": 0.91}]
    assert turn["action"] == {"name": "handle_objection", "reason": "price objection p=0.91"}
    assert doc["journeys"][2]["error"] == "turn 1: the message: no answer within 30 s"


def test_html_is_self_contained_and_escaped() -> None:
    page = render_html(run())
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page and "<link" not in page and "<script" not in page
    assert "&lt;script&gt;" in page and "&lt;b&gt;hi&lt;/b&gt;" in page
    assert "Fair &amp; square" in page
    assert "3 journeys: 1 passed, 2 failed" in page
    # failures first, open
    assert page.index("bad.yaml") < page.index("good.yaml")
    assert '<details lang="en" open>' in page  # each journey in its own language
