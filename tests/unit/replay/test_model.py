"""The per-call JSON: a record with expectations survives the round trip, and a file
written before expectations existed still reads."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from tests.unit.replay.records import sales_call, short_call
from voice_agent.replay.model import (
    CALL_JSON,
    SCHEMA_VERSION,
    CallRecord,
    ExpectationFailure,
    Expectations,
)

JUDGED = Expectations(
    journey="calls/llamada.yaml",
    judged=14,
    failures=(
        ExpectationFailure(2, "expect.action", "handle_objection", "offer_trial (reason: x)"),
        ExpectationFailure(None, "turns", '4 customer turns: 1 "Hola"', '3: 1 "Hola"'),
    ),
)


def test_a_judged_record_round_trips_through_json(tmp_path: Path) -> None:
    record = replace(sales_call(), expectations=JUDGED)
    path = record.write(tmp_path / "call")
    data = json.loads(path.read_text())
    assert data["schema"] == SCHEMA_VERSION == 1
    assert data["expectations"] == {
        "journey": "calls/llamada.yaml",
        "judged": 14,
        "failures": [
            {
                "turn": 2,
                "key": "expect.action",
                "expected": "handle_objection",
                "actual": "offer_trial (reason: x)",
            },
            {
                "turn": None,
                "key": "turns",
                "expected": '4 customer turns: 1 "Hola"',
                "actual": '3: 1 "Hola"',
            },
        ],
    }
    assert data["summary"]["expectations_failed"] == 2
    back = CallRecord.read(tmp_path / "call")
    assert back.expectations == JUDGED
    assert back.expectation_failures(2) == (JUDGED.failures[0],)
    assert back.expectation_failures(None) == (JUDGED.failures[1],)
    assert back.expectation_failures(1) == ()


def test_a_record_without_a_journey_file_says_so(tmp_path: Path) -> None:
    path = short_call().write(tmp_path / "c")
    data = json.loads(path.read_text())
    assert data["expectations"] is None and data["summary"]["expectations_failed"] is None
    assert CallRecord.read(path).expectations is None


def test_a_file_from_before_expectations_still_reads(tmp_path: Path) -> None:
    data = sales_call().to_json()
    del data["expectations"]
    del data["summary"]["expectations_failed"]
    (tmp_path / CALL_JSON).write_text(json.dumps(data))
    record = CallRecord.read(tmp_path)
    assert record == sales_call() and record.expectations is None
    assert record.expectations_failed() is None


def test_summaries_of_expectations() -> None:
    assert JUDGED.summary() == "2 failed" and not JUDGED.passed
    held = replace(JUDGED, failures=())
    assert held.summary() == "14/14 held" and held.passed
    assert JUDGED.failures[0].message == (
        "expect.action: expected handle_objection; got offer_trial (reason: x)"
    )
    assert [f.where for f in JUDGED.failures] == ["turn 2", "whole call"]
