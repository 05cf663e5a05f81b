"""Value types: JSON forms and their round trips."""

from __future__ import annotations

import json

from voice_agent.core.conversation import Conversation, Memory
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore


def _insights() -> Insights:
    return Insights(
        objections=(LabelScore("price", 0.876543),),
        needs=(LabelScore("energy", 0.61), LabelScore("stress", 0.2)),
        buying_signal=BuyingSignal(True, 0.7),
        conversion_probability=0.4321987,
        next_action=Action("present_program", "need energy identified", need="energy"),
        phase="presentation",
        fallbacks=("needs",),
        models={"objections": "v7", "needs": "rules-1"},
    )


def test_insights_json_round_trip() -> None:
    ins = _insights()
    data = json.loads(json.dumps(ins.to_json()))
    assert data["objections"] == [{"label": "price", "p": 0.8765}]
    assert data["conversion_probability"] == 0.4322
    assert data["next_action"] == {
        "name": "present_program",
        "reason": "need energy identified",
        "need": "energy",
    }
    back = Insights.from_json(data)
    assert back.to_json() == ins.to_json()
    assert back.next_action == ins.next_action
    assert back.fallbacks == ("needs",)


def test_insights_without_action() -> None:
    ins = Insights((), (), BuyingSignal(False, 0.0), 0.0)
    data = ins.to_json()
    assert data["next_action"] is None
    assert Insights.from_json(data) == ins


def test_detected_labels_use_the_threshold() -> None:
    ins = _insights()
    assert ins.objection_labels() == ["price"]
    assert ins.need_labels() == ["energy"]
    assert ins.need_labels(threshold=0.1) == ["energy", "stress"]


def test_memory_json_round_trip() -> None:
    mem = Memory(
        used_lines={"b", "a"},
        needs_found={"stress": 0.8},
        objections_raised={"price": 2},
        objections_handled={"price": 1},
        programs_presented=["stress_sleep_reset"],
        discovery_questions_asked=2,
        trial_offered=1,
        close_attempts=1,
        buying_signals=3,
        actions=["discover_need", "present_program"],
    )
    data = json.loads(json.dumps(mem.to_json()))
    assert data["used_lines"] == ["a", "b"]
    assert Memory.from_json(data) == mem
    assert Memory.from_json({}) == Memory()


def test_conversation_turns_and_views() -> None:
    conv = Conversation(id="x", lang="en")
    assert not conv.ended
    conv.add_turn("agent", "hello", 1.0)
    customer = conv.add_turn("customer", "hi", 2.0)
    customer.insights = _insights()
    conv.add_turn("agent", "how can I help", 3.0)
    assert [t.index for t in conv.turns] == [0, 1, 2]
    assert conv.customer_turn_count() == 1
    assert [(u.role, u.text) for u in conv.transcript()] == [
        ("agent", "hello"),
        ("customer", "hi"),
        ("agent", "how can I help"),
    ]
    assert conv.customer_insights() == (customer.insights,)
    data = conv.to_json()
    assert data["status"] == "open"
    assert "insights" in data["turns"][1] and "insights" not in data["turns"][0]
    assert "turns" not in conv.to_json(with_turns=False)
    conv.phase = "ended"
    assert conv.ended and conv.to_json()["status"] == "ended"
