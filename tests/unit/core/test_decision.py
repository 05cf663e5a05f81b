"""RulePolicy, next_action and apply_action: values in, an action (with a reason) out."""

from __future__ import annotations

import pytest

from voice_agent.analysis.asks import Ask
from voice_agent.analysis.commitment import Commitment
from voice_agent.core.conversation import Memory
from voice_agent.core.decision import (
    MAX_HANDLES_PER_OBJECTION,
    PHASE_AFTER,
    Policy,
    PolicyState,
    RulePolicy,
    apply_action,
    next_action,
    phase_after,
)
from voice_agent.core.labels import ACTIONS, PHASES
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore
from voice_agent.models.policy import ModelPolicy


def ins(
    objections: dict[str, float] | None = None,
    needs: dict[str, float] | None = None,
    buying: float = 0.0,
    conversion: float = 0.2,
) -> Insights:
    return Insights(
        objections=tuple(LabelScore(k, v) for k, v in (objections or {}).items()),
        needs=tuple(LabelScore(k, v) for k, v in (needs or {}).items()),
        buying_signal=BuyingSignal(buying >= 0.5, buying),
        conversion_probability=conversion,
    )


def decide(insights: Insights, memory: Memory | None = None, turns: int = 1) -> Action:
    state = PolicyState(
        phase="discovery", customer_turns=turns, insights=insights, memory=memory or Memory()
    )
    action = RulePolicy().decide(state)
    assert action.name in ACTIONS
    assert action.reason.strip(), "every decision explains itself"
    return action


def test_every_action_has_a_phase_after_it() -> None:
    assert set(PHASE_AFTER) == set(ACTIONS)
    assert set(PHASE_AFTER.values()) <= set(PHASES)


def test_no_need_known_means_discovery() -> None:
    action = decide(ins())
    assert action.name == "discover_need"


def test_discovery_gives_up_after_three_questions() -> None:
    action = decide(ins(), Memory(discovery_questions_asked=3))
    assert action.name == "present_program"
    assert action.need is None
    assert "discovery" in action.reason


def test_a_detected_need_leads_to_presentation_of_that_need() -> None:
    action = decide(ins(needs={"stress": 0.8, "energy": 0.6}))
    assert action.name == "present_program"
    assert action.need == "stress"
    assert "stress" in action.reason


def test_need_remembered_from_an_earlier_turn_is_presented() -> None:
    action = decide(ins(), Memory(needs_found={"weight_loss": 0.9, "health": 0.55}))
    assert action == Action(
        "present_program",
        action.reason,
        need="weight_loss",
    )


def test_need_below_threshold_is_not_a_need() -> None:
    assert decide(ins(needs={"stress": 0.49})).name == "discover_need"


@pytest.mark.parametrize(
    "label", ["price", "time", "think_it_over", "skepticism", "has_alternative", "needs_approval"]
)
def test_a_fresh_objection_is_handled(label: str) -> None:
    action = decide(ins(objections={label: 0.8}, needs={"stress": 0.9}))
    assert action.name == "handle_objection"
    assert action.objection == label
    assert label in action.reason


def test_the_strongest_objection_is_handled_first() -> None:
    action = decide(ins(objections={"time": 0.6, "price": 0.9, "skepticism": 0.4}))
    assert action.objection == "price"


def test_objection_below_threshold_is_ignored() -> None:
    assert decide(ins(objections={"price": 0.45})).name == "discover_need"


def test_objection_wins_over_buying_signal() -> None:
    action = decide(ins(objections={"price": 0.7}, buying=0.9), Memory(programs_presented=["p"]))
    assert action.name == "handle_objection"


def test_objection_raised_again_is_handled_again_up_to_the_limit() -> None:
    mem = Memory(objections_handled={"price": MAX_HANDLES_PER_OBJECTION - 1})
    action = decide(ins(objections={"price": 0.8}), mem)
    assert action.name == "handle_objection"
    assert "again" in action.reason


@pytest.mark.parametrize("label", ["price", "think_it_over", "skepticism", "time"])
def test_persisting_objection_gets_the_trial(label: str) -> None:
    mem = Memory(objections_handled={label: MAX_HANDLES_PER_OBJECTION})
    action = decide(ins(objections={label: 0.8}), mem)
    assert action.name == "offer_trial"
    assert label in action.reason


def test_persisting_price_objection_after_the_trial_means_follow_up() -> None:
    mem = Memory(objections_handled={"price": MAX_HANDLES_PER_OBJECTION}, trial_offered=1)
    assert decide(ins(objections={"price": 0.8}), mem).name == "schedule_follow_up"


def test_persisting_approval_objection_means_follow_up() -> None:
    mem = Memory(objections_handled={"needs_approval": MAX_HANDLES_PER_OBJECTION})
    action = decide(ins(objections={"needs_approval": 0.9}), mem)
    assert action.name == "schedule_follow_up"


def test_persisting_alternative_objection_is_handed_to_a_person() -> None:
    mem = Memory(objections_handled={"has_alternative": MAX_HANDLES_PER_OBJECTION})
    action = decide(ins(objections={"has_alternative": 0.9}), mem)
    assert action.name == "hand_off"
    assert "person" in action.reason


def test_not_interested_first_time_is_handled() -> None:
    action = decide(ins(objections={"not_interested": 0.9}))
    assert action.name == "handle_objection"
    assert action.objection == "not_interested"


def test_not_interested_again_leaves_the_door_open() -> None:
    handled = Memory(
        objections_raised={"not_interested": 1}, objections_handled={"not_interested": 1}
    )
    assert decide(ins(objections={"not_interested": 0.9}), handled).name == "schedule_follow_up"
    raised_twice = Memory(objections_raised={"not_interested": 2})
    assert decide(ins(objections={"not_interested": 0.9}), raised_twice).name == (
        "schedule_follow_up"
    )


def test_buying_signal_before_presentation_presents() -> None:
    action = decide(ins(buying=0.8))
    assert action.name == "present_program"
    assert "buying signal" in action.reason


def test_buying_signal_after_presentation_closes() -> None:
    action = decide(ins(buying=0.8), Memory(programs_presented=["executive_reset"]))
    assert action.name == "close"


def test_buying_signal_after_trial_closes() -> None:
    assert decide(ins(buying=0.8), Memory(trial_offered=1)).name == "close"


def test_high_conversion_after_presentation_closes() -> None:
    mem = Memory(programs_presented=["p"], needs_found={"stress": 0.9})
    action = decide(ins(conversion=0.75), mem)
    assert action.name == "close"
    assert "0.75" in action.reason


def test_low_conversion_after_presentation_offers_the_trial() -> None:
    mem = Memory(programs_presented=["p"], needs_found={"stress": 0.9})
    assert decide(ins(conversion=0.3), mem).name == "offer_trial"


def test_after_the_trial_the_agent_closes_then_follows_up() -> None:
    mem = Memory(programs_presented=["p"], needs_found={"stress": 0.9}, trial_offered=1)
    assert decide(ins(conversion=0.3), mem).name == "close"
    mem.close_attempts = 2
    action = decide(ins(conversion=0.3), mem)
    assert action.name == "schedule_follow_up"
    assert "2 closing attempts" in action.reason


def test_high_conversion_does_not_close_forever() -> None:
    mem = Memory(programs_presented=["p"], needs_found={"stress": 0.9}, close_attempts=2)
    assert decide(ins(conversion=0.9), mem).name == "offer_trial"


# -- apply_action ---------------------------------------------------------------------------
def test_apply_action_counts_objections_needs_and_signals() -> None:
    mem = Memory()
    insights = ins(
        objections={"price": 0.9, "time": 0.3},
        needs={"stress": 0.6, "energy": 0.2},
        buying=0.7,
    )
    apply_action(mem, Action("handle_objection", "r", objection="price"), insights)
    assert mem.actions == ["handle_objection"]
    assert mem.objections_raised == {"price": 1}
    assert mem.objections_handled == {"price": 1}
    assert mem.needs_found == {"stress": 0.6}
    assert mem.buying_signals == 1

    apply_action(
        mem, Action("handle_objection", "r", objection="price"), ins(needs={"stress": 0.5})
    )
    assert mem.objections_raised == {"price": 1}
    assert mem.objections_handled == {"price": 2}
    assert mem.needs_found == {"stress": 0.6}, "keeps the highest probability seen"
    assert mem.buying_signals == 1


def test_apply_action_counters_per_action() -> None:
    mem = Memory()
    for name in ("discover_need", "discover_need", "offer_trial", "close", "close", "close"):
        apply_action(mem, Action(name, "r"), ins())
    assert mem.discovery_questions_asked == 2
    assert mem.trial_offered == 1
    assert mem.close_attempts == 3
    assert mem.objections_handled == {}
    apply_action(mem, Action("present_program", "r", need="stress"), ins())
    apply_action(mem, Action("schedule_follow_up", "r"), ins())
    apply_action(mem, Action("hand_off", "r"), ins())
    assert mem.actions[-3:] == ["present_program", "schedule_follow_up", "hand_off"]
    assert (mem.discovery_questions_asked, mem.trial_offered, mem.close_attempts) == (2, 1, 3)


def test_a_conversation_walks_through_the_phases() -> None:
    """Drive the policy with apply_action like the orchestrator does."""
    policy = RulePolicy()
    mem = Memory()
    script = [
        ins(),  # small talk
        ins(needs={"stress": 0.85}),  # states a need
        ins(objections={"price": 0.9}),
        ins(objections={"price": 0.8}),
        ins(objections={"price": 0.8}),  # third time: trial
        ins(buying=0.9),  # accepts
    ]
    names = []
    for turn, insights in enumerate(script, start=1):
        action = policy.decide(PolicyState("discovery", turn, insights, mem))
        apply_action(mem, action, insights)
        if action.name == "present_program":
            mem.programs_presented.append("p")
        names.append(action.name)
    assert names == [
        "discover_need",
        "present_program",
        "handle_objection",
        "handle_objection",
        "offer_trial",
        "close",
    ]


# -- what the caller decides outright: next_action ------------------------------------------


def state(
    insights: Insights,
    memory: Memory,
    *,
    commitment: Commitment = Commitment.NONE,
    ask: Ask = Ask.NONE,
    faq_topic: str | None = None,
) -> PolicyState:
    return PolicyState(
        phase="closing",
        customer_turns=3,
        insights=insights,
        memory=memory,
        commitment=commitment,
        ask=ask,
        faq_topic=faq_topic,
    )


@pytest.mark.parametrize("policy", [RulePolicy(), ModelPolicy()], ids=["rules", "model"])
def test_a_yes_after_the_ask_confirms_instead_of_asking_again(policy: Policy) -> None:
    memory = Memory(programs_presented=["executive_energy"], actions=["present_program", "close"])
    memory.close_attempts = 1
    action = next_action(policy, state(ins(buying=0.95), memory, commitment=Commitment.ACCEPTS))
    assert (action.name, action.accepted) == ("close", "program")
    assert "said yes" in action.reason
    apply_action(memory, action, ins(buying=0.95))
    assert (memory.agreed, memory.confirmations, memory.close_attempts) == ("program", 1, 1)
    # and after that, whatever the models say, the agent does not ask for the sale again
    later = next_action(policy, state(ins(buying=0.0, conversion=0.9), memory))
    assert (later.name, later.accepted) == ("close", "program")
    assert "already said yes" in later.reason
    apply_action(memory, later, ins())
    assert (memory.confirmations, memory.close_attempts) == (2, 1)


def test_a_yes_to_the_trial_accepts_the_trial() -> None:
    memory = Memory(programs_presented=["p"], actions=["present_program", "offer_trial"])
    action = next_action(RulePolicy(), state(ins(), memory, commitment=Commitment.ACCEPTS))
    assert action.accepted == "trial"
    memory.actions.append("present_program")  # a presentation after the trial offer
    action = next_action(RulePolicy(), state(ins(), memory, commitment=Commitment.ACCEPTS))
    assert action.accepted == "program"


def test_asking_how_to_start_gets_the_next_step_even_before_a_presentation() -> None:
    action = next_action(
        RulePolicy(), state(ins(buying=1.0), Memory(), commitment=Commitment.ASKS_TO_START)
    )
    assert (action.name, action.accepted) == ("close", "program")
    assert "asked how to start" in action.reason


def test_an_objection_with_the_yes_goes_to_the_policy_and_takes_the_yes_back() -> None:
    memory = Memory(agreed="program", confirmations=1, actions=["close"])
    yes_but = ins(objections={"needs_approval": 0.9})
    action = next_action(RulePolicy(), state(yes_but, memory, commitment=Commitment.ACCEPTS))
    assert (action.name, action.objection) == ("handle_objection", "needs_approval")
    apply_action(memory, action, yes_but)
    assert (memory.agreed, memory.confirmations) == (None, 0)


def test_a_price_question_is_answered_with_a_program_and_its_price() -> None:
    action = next_action(RulePolicy(), state(ins(), Memory(), ask=Ask.PRICE))
    assert (action.name, action.program) == ("present_program", None)
    memory = Memory(programs_presented=["stress_reset"])
    action = next_action(RulePolicy(), state(ins(), memory, ask=Ask.PRICE))
    assert (action.name, action.program) == ("present_program", "stress_reset")
    # a price question with a price objection is the objection
    action = next_action(RulePolicy(), state(ins(objections={"price": 0.9}), memory, ask=Ask.PRICE))
    assert action.name == "handle_objection"


def test_pressing_zero_wins_over_a_yes() -> None:
    st = PolicyState(
        phase="closing",
        customer_turns=2,
        insights=ins(),
        memory=Memory(),
        dtmf="0",
        commitment=Commitment.ACCEPTS,
    )
    assert next_action(RulePolicy(), st).name == "hand_off"


def test_memory_round_trips_the_yes() -> None:
    memory = Memory(agreed="trial", confirmations=2)
    again = Memory.from_json(memory.to_json())
    assert (again.agreed, again.confirmations) == ("trial", 2)
    assert Memory.from_json({"agreed": "bogus"}).agreed is None


def test_asking_for_a_person_hands_off_whatever_the_models_say() -> None:
    misread = ins(objections={"has_alternative": 0.71})
    action = next_action(RulePolicy(), state(misread, Memory(), ask=Ask.PERSON))
    assert action.name == "hand_off" and "person" in action.reason


@pytest.mark.parametrize("policy", [RulePolicy(), ModelPolicy()], ids=["rules", "model"])
def test_after_needs_approval_the_agent_follows_up_instead_of_closing(policy: Policy) -> None:
    memory = Memory(
        programs_presented=["p"],
        needs_found={"stress": 0.9},
        actions=["present_program", "handle_objection"],
    )
    memory.objections_raised["needs_approval"] = 1
    memory.objections_handled["needs_approval"] = 1
    action = next_action(policy, state(ins(buying=0.4, conversion=0.96), memory))
    assert action.name == "schedule_follow_up" and "needs_approval" in action.reason
    # an explicit yes still wins: they may have decided after all
    action = next_action(policy, state(ins(), memory, commitment=Commitment.ACCEPTS))
    assert (action.name, action.accepted) == ("close", "program")


def test_putting_it_off_after_the_trial_offer_gets_a_follow_up() -> None:
    memory = Memory(programs_presented=["p"], actions=["present_program", "offer_trial"])
    memory.trial_offered = 1
    action = next_action(RulePolicy(), state(ins(objections={"think_it_over": 0.99}), memory))
    assert action.name == "schedule_follow_up"
    # before any trial offer, the objection is answered first
    action = next_action(
        RulePolicy(),
        state(ins(objections={"think_it_over": 0.99}), Memory(programs_presented=["p"])),
    )
    assert action.name == "handle_objection"


@pytest.mark.parametrize("stall", ["needs_approval", "think_it_over"])
def test_after_the_approval_was_answered_a_stall_gets_the_follow_up(stall: str) -> None:
    memory = Memory(programs_presented=["p"], needs_found={"stress": 0.9})
    memory.objections_raised["needs_approval"] = 1
    memory.objections_handled["needs_approval"] = 1
    action = next_action(RulePolicy(), state(ins(objections={stall: 0.6}), memory))
    assert action.name == "schedule_follow_up" and stall in action.reason


@pytest.mark.parametrize("policy", [RulePolicy(), ModelPolicy()], ids=["rules", "model"])
def test_a_question_the_playbook_answers_is_answered(policy: Policy) -> None:
    memory = Memory(
        programs_presented=["p"], needs_found={"stress": 0.9}, actions=["present_program"]
    )
    action = next_action(
        policy, state(ins(conversion=0.9), memory, ask=Ask.QUESTION, faq_topic="travel")
    )
    assert (action.name, action.topic) == ("answer_question", "travel")
    # an objection in the same turn comes first
    action = next_action(
        policy,
        state(ins({"price": 0.9}), memory, ask=Ask.QUESTION, faq_topic="travel"),
    )
    assert action.name == "handle_objection"


@pytest.mark.parametrize("policy", [RulePolicy(), ModelPolicy()], ids=["rules", "model"])
def test_a_question_is_never_answered_by_asking_for_the_sale(policy: Policy) -> None:
    memory = Memory(
        programs_presented=["p"], needs_found={"stress": 0.9}, actions=["present_program"]
    )
    memory.trial_offered = 1
    asked = state(ins(buying=0.6, conversion=0.95), memory, ask=Ask.QUESTION)
    assert policy.decide(asked).name == "close"  # what the policy alone would do
    action = next_action(policy, asked)
    assert (action.name, action.topic) == ("answer_question", None)


def test_answering_a_question_keeps_the_phase_past_discovery() -> None:
    assert phase_after("answer_question", "closing") == "closing"
    assert phase_after("answer_question", "objection_handling") == "objection_handling"
    assert phase_after("answer_question", "discovery") == "presentation"
    assert phase_after("close", "discovery") == "closing"


def test_the_rule_policys_thresholds_are_its_own() -> None:
    """What an experiment arm may vary: when to ask for the sale, and how often to answer
    one objection before moving on."""
    presented = Memory(programs_presented=["p"], needs_found={"energy": 0.9})
    state = PolicyState(
        phase="presentation", customer_turns=3, insights=ins(conversion=0.5), memory=presented
    )
    assert RulePolicy().decide(state).name == "offer_trial"
    assert RulePolicy(close_at=0.45).decide(state).name == "close"
    answered_once = PolicyState(
        phase="objection_handling",
        customer_turns=3,
        insights=ins(objections={"price": 0.8}),
        memory=Memory(objections_handled={"price": 1}),
    )
    assert RulePolicy().decide(answered_once).name == "handle_objection"
    assert RulePolicy(max_handles=1).decide(answered_once).name == "offer_trial"
    for bad in ({"close_at": 0.0}, {"close_at": 1.5}, {"max_handles": 0}):
        with pytest.raises(ValueError):
            RulePolicy(**bad)  # type: ignore[arg-type]
