"""The decision engine: from a turn's insights and the conversation so far to the next best action.

Pure: it takes values and returns an :class:`Action` with a short reason naming the
evidence. A trained policy (``voice_agent.models.policy``) implements the same
:class:`Policy` protocol.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from voice_agent.analysis.asks import Ask
from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.analysis.commitment import Commitment
from voice_agent.core.conversation import Memory
from voice_agent.core.labels import ActionName, Phase
from voice_agent.core.types import Action, Insights

#: Phase the conversation is in after the agent takes each action.
PHASE_AFTER: Mapping[ActionName, Phase] = {
    "discover_need": "discovery",
    "present_program": "presentation",
    "handle_objection": "objection_handling",
    "offer_trial": "closing",
    "close": "closing",
    "schedule_follow_up": "follow_up",
    "hand_off": "follow_up",
    "answer_question": "presentation",
}


def phase_after(action: ActionName, current: Phase) -> Phase:
    """The phase after the agent takes ``action``: answering a question keeps the call
    where it was (once past discovery)."""
    if action == "answer_question" and current not in ("greeting", "discovery"):
        return current
    return PHASE_AFTER[action]

#: How often one objection is handled before the agent changes tack.
MAX_HANDLES_PER_OBJECTION = 2


@dataclass(frozen=True, slots=True)
class PolicyState:
    phase: Phase
    customer_turns: int
    insights: Insights
    memory: Memory
    profile: Mapping[str, Any] = field(default_factory=dict)
    #: Phone keys the caller pressed during this turn.
    dtmf: str = ""
    #: Whether this turn says yes to the offer or asks how to start.
    commitment: Commitment = Commitment.NONE
    #: What this turn asks for outright: the price, a person, something else.
    ask: Ask = Ask.NONE
    #: The playbook's FAQ topic that answers this turn's question, if one does.
    faq_topic: str | None = None


class Policy(Protocol):
    name: str

    def decide(self, state: PolicyState) -> Action: ...


#: The phone key that asks for a person, on every call.
HAND_OFF_KEY = "0"


def next_action(policy: Policy, state: PolicyState) -> Action:
    """The policy's decision, except where the caller decided outright, which is not the
    model's to weigh:

    * a caller who pressed ``0`` or asks for a person gets one;
    * a caller who says yes (or asks how to start) with no objection open gets the sale
      confirmed and the next step, and once they have said yes the agent does not ask for
      the sale again;
    * a caller who asks the price gets a program with its price, and one who asks
      something the playbook's FAQ answers gets that answer; a question is never answered
      by asking for the sale;
    * a caller who must ask someone else (``needs_approval``) cannot buy on this call: the
      agent sets up the follow-up (a call with both, the summary) instead of closing or
      offering the trial, or answering the approval (or a stall) a second time;
    * a caller who puts it off after the trial was offered gets a follow-up, not another
      pitch.
    """
    if HAND_OFF_KEY in state.dtmf:
        return Action("hand_off", f"the caller pressed {HAND_OFF_KEY} to speak with a person")
    if state.ask is Ask.PERSON:
        return Action("hand_off", "the caller asked to speak with a person")
    mem = state.memory
    objection = _top(state.insights.objections)
    if objection is None:
        if mem.agreed is not None:
            return Action(
                "close",
                f"the caller already said yes to the {mem.agreed}: do not ask again",
                accepted=mem.agreed,
            )
        if state.commitment is not Commitment.NONE:
            offer = mem.offer_on_table()
            said = (
                "asked how to start" if state.commitment is Commitment.ASKS_TO_START else "said yes"
            )
            return Action(
                "close",
                f"the caller {said} (the {offer}): confirm and give the next step",
                accepted=offer,
            )
        if state.ask is Ask.PRICE:
            last = mem.programs_presented[-1] if mem.programs_presented else None
            return Action(
                "present_program",
                "the caller asked the price: present "
                + (f"{last} again with its price" if last else "the best fit with its price"),
                program=last,
            )
        if state.faq_topic is not None:
            return Action(
                "answer_question",
                f"the caller asked about {state.faq_topic}: answer it from the playbook",
                topic=state.faq_topic,
            )
    action = policy.decide(state)
    if action.name == "close" and action.accepted is None and state.ask is Ask.QUESTION:
        return Action(
            "answer_question",
            "the caller asked a question the playbook does not answer: answer what can be "
            "answered, not with a request for the sale",
        )
    approvals = mem.objections_raised.get("needs_approval", 0)
    if action.name in ("close", "offer_trial") and approvals:
        return Action(
            "schedule_follow_up",
            f"needs_approval raised {approvals}x and no yes since: the decision is not the "
            "caller's alone, set up the follow-up instead of "
            + ("asking for the sale" if action.name == "close" else "offering the trial"),
        )
    if (
        action.name == "handle_objection"
        and action.objection in ("needs_approval", "think_it_over")
        and mem.objections_handled.get("needs_approval", 0)
    ):
        return Action(
            "schedule_follow_up",
            f"{action.objection} after the approval was already answered: the other person "
            "decides too, agree on the follow-up (the call with them, the summary)",
        )
    if (
        action.name == "handle_objection"
        and objection is not None
        and objection[0] == "think_it_over"
        and mem.trial_offered
    ):
        return Action(
            "schedule_follow_up",
            f"think_it_over p={objection[1]:.2f} after the trial was offered: leave the door "
            "open with a date",
        )
    return action


def _top(scores: tuple[Any, ...]) -> tuple[str, float] | None:
    hits = [(s.label, s.p) for s in scores if s.p >= DETECTION_THRESHOLD]
    if not hits:
        return None
    return max(hits, key=lambda x: x[1])


#: The conversion probability at which the rule policy asks for the sale, with no objection
#: open, before the trial was offered.
CLOSE_AT = 0.6


class RulePolicy:
    """A transparent sales playbook policy driven by the analysers' predictions. Its two
    thresholds (``close_at``, ``max_handles``: answers to one objection before moving on)
    are what an A/B experiment may vary."""

    name = "rules"

    def __init__(
        self, close_at: float = CLOSE_AT, max_handles: int = MAX_HANDLES_PER_OBJECTION
    ) -> None:
        if not 0.0 < close_at <= 1.0:
            raise ValueError("close_at must be in (0, 1]")
        if max_handles < 1:
            raise ValueError("max_handles must be at least 1")
        self.close_at = close_at
        self.max_handles = max_handles

    def decide(self, state: PolicyState) -> Action:
        ins, mem = state.insights, state.memory
        buying = ins.buying_signal
        objection = _top(ins.objections)
        needs_known = bool(mem.needs_found) or bool(_top(ins.needs))
        presented = bool(mem.programs_presented)
        p_conv = ins.conversion_probability

        if objection and objection[0] == "not_interested":
            raised = mem.objections_raised.get("not_interested", 0)
            if raised >= 2 or mem.objections_handled.get("not_interested", 0) >= 1:
                return Action(
                    "schedule_follow_up",
                    f"not interested again (p={objection[1]:.2f}, raised {raised}x): "
                    "leave the door open",
                )

        if buying.value and not objection:
            if presented or mem.trial_offered:
                return Action(
                    "close", f"buying signal p={buying.p:.2f} after the offer: ask for the sale"
                )
            return Action(
                "present_program",
                f"buying signal p={buying.p:.2f} before any program was presented",
            )

        if objection:
            label, p = objection
            handled = mem.objections_handled.get(label, 0)
            if handled < self.max_handles:
                why = "first time" if handled == 0 else f"raised again after {handled} answer(s)"
                return Action(
                    "handle_objection", f"{label} objection p={p:.2f}, {why}", objection=label
                )
            if label in ("price", "think_it_over", "skepticism", "time") and not mem.trial_offered:
                return Action(
                    "offer_trial",
                    f"{label} objection p={p:.2f} persists after {handled} answers: "
                    "lower the risk with the trial",
                )
            if label == "needs_approval" or mem.close_attempts >= 1 or mem.trial_offered:
                return Action(
                    "schedule_follow_up",
                    f"{label} objection p={p:.2f} unresolved after {handled} answers",
                )
            return Action(
                "hand_off",
                f"{label} objection p={p:.2f} unresolved after {handled} answers: a person "
                "should take over",
            )

        if not needs_known and mem.discovery_questions_asked < 3:
            return Action("discover_need", "no need identified yet")
        if not presented:
            need = (
                max(mem.needs_found, key=lambda k: mem.needs_found[k]) if mem.needs_found else None
            )
            top_need = _top(ins.needs)
            if top_need:
                need = top_need[0]
            reason = f"need {need} identified" if need else "discovery exhausted"
            return Action(
                "present_program", f"{reason}: present the best-fitting program", need=need
            )
        if p_conv >= self.close_at and mem.close_attempts < 2:
            return Action("close", f"conversion p={p_conv:.2f} is high and no objection is open")
        if not mem.trial_offered:
            return Action(
                "offer_trial", f"program presented, conversion p={p_conv:.2f}: offer the trial"
            )
        if mem.close_attempts < 2:
            return Action("close", f"trial offered and no objection open (p={p_conv:.2f})")
        return Action(
            "schedule_follow_up", f"{mem.close_attempts} closing attempts without a decision"
        )


def apply_action(memory: Memory, action: Action, insights: Insights) -> None:
    """Update the conversation memory for the action the agent is about to take."""
    memory.actions.append(action.name)
    for s in insights.needs:
        if s.p >= DETECTION_THRESHOLD:
            memory.needs_found[s.label] = max(memory.needs_found.get(s.label, 0.0), s.p)
    for s in insights.objections:
        if s.p >= DETECTION_THRESHOLD:
            memory.objections_raised[s.label] = memory.objections_raised.get(s.label, 0) + 1
    if insights.buying_signal.value:
        memory.buying_signals += 1
    if action.name == "handle_objection" and action.objection:
        memory.objections_handled[action.objection] = (
            memory.objections_handled.get(action.objection, 0) + 1
        )
    elif action.name == "discover_need":
        memory.discovery_questions_asked += 1
    elif action.name == "offer_trial":
        memory.trial_offered += 1
    elif action.name == "close":
        if action.accepted is None:
            memory.close_attempts += 1
        else:
            memory.agreed = action.accepted
            memory.confirmations += 1
    if action.name in ("handle_objection", "schedule_follow_up", "hand_off"):
        # an objection (or a person) after a yes takes the yes back
        memory.agreed = None
        memory.confirmations = 0
