from __future__ import annotations

from voice_agent.core.conversation import Memory
from voice_agent.core.decision import PolicyState
from voice_agent.core.labels import NEEDS, OBJECTIONS
from voice_agent.core.types import BuyingSignal, Insights, LabelScore
from voice_agent.models.policy import ModelPolicy


def _ins(
    obj: dict[str, float] | None = None,
    need: dict[str, float] | None = None,
    bs: float = 0.05,
    conv: float = 0.3,
) -> Insights:
    obj = obj or {}
    need = need or {}
    return Insights(
        objections=tuple(LabelScore(o, obj.get(o, 0.02)) for o in OBJECTIONS),
        needs=tuple(LabelScore(n, need.get(n, 0.02)) for n in NEEDS),
        buying_signal=BuyingSignal(bs >= 0.5, bs),
        conversion_probability=conv,
    )


def _decide(ins: Insights, mem: Memory | None = None, phase: str = "discovery"):  # type: ignore[no-untyped-def]
    return ModelPolicy().decide(PolicyState(phase, 2, ins, mem or Memory()))  # type: ignore[arg-type]


def test_open_objection_is_handled_with_reason() -> None:
    a = _decide(_ins({"price": 0.91}))
    assert a.name == "handle_objection" and a.objection == "price"
    assert "price objection p=0.91 not yet handled" in a.reason


def test_twice_handled_price_gets_trial_then_follow_up() -> None:
    mem = Memory(objections_handled={"price": 2}, programs_presented=["executive"])
    a = _decide(_ins({"price": 0.8}), mem)
    assert a.name == "offer_trial" and "price" in a.reason
    mem.trial_offered = 1
    assert _decide(_ins({"price": 0.8}), mem).name == "schedule_follow_up"


def test_no_need_discovers_then_presents() -> None:
    assert _decide(_ins()).name == "discover_need"
    a = _decide(_ins(need={"stress": 0.87}))
    assert a.name == "present_program" and a.need == "stress" and "stress" in a.reason


def test_buying_signal_after_presentation_closes() -> None:
    mem = Memory(programs_presented=["executive"], needs_found={"energy": 0.9})
    a = _decide(_ins(bs=0.93, conv=0.7), mem)
    assert a.name == "close" and "buying signal p=0.93" in a.reason


def test_repeated_not_interested_schedules_follow_up() -> None:
    mem = Memory(objections_raised={"not_interested": 2})
    assert _decide(_ins({"not_interested": 0.9}), mem).name == "schedule_follow_up"


def test_presented_no_signal_offers_trial() -> None:
    mem = Memory(programs_presented=["executive"], needs_found={"energy": 0.9})
    assert _decide(_ins(conv=0.3), mem).name == "offer_trial"
