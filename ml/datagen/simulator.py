"""A simulated sales call: a customer with hidden traits and a noisy agent.

The customer's traits (budget, urgency, scepticism, who decides, needs, an existing
alternative, how busy, baseline interest) decide which objections they will raise and how
hard each is to resolve. The agent follows a noisy policy over the playbook's actions; a
good agent discovers needs, handles the objection actually raised and offers a fitting
program or the paid assessment; a bad one pushes. At every commit opportunity (trial offer
or close) the customer accepts with a probability that follows from the traits and what
happened so far (objections resolved or pending, fit, annoyance), so the outcome is
learnable from the transcript, but noisy.

Everything here is pure: values in, values out; randomness comes from the given ``rng``.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Any

from ml.datagen.utterances import TurnSpec
from voice_agent.core.labels import NEEDS

__all__ = ["CustomerState", "Traits", "acceptance_probability", "latent_logit", "sample_traits"]

BUDGETS = ("low", "medium", "high", "premium")
_BUDGET_W = {"low": -1.3, "medium": -0.25, "high": 0.45, "premium": 0.9}
_PRICE_P = {"low": 0.9, "medium": 0.6, "high": 0.28, "premium": 0.1}
_PRICE_SEV = {"low": 0.85, "medium": 0.55, "high": 0.3, "premium": 0.15}
_APPROVAL_SEV = {"spouse": 0.55, "boss": 0.7, "doctor": 0.45}


@dataclass(frozen=True, slots=True)
class Traits:
    budget: str
    urgency: float
    scepticism: float
    decision_maker: str  # self | spouse | boss | doctor
    needs: tuple[str, ...]
    has_alternative: bool
    busy: float
    interest: float
    agent_skill: float
    region: str

    def to_json(self) -> dict[str, Any]:
        return {
            "budget": self.budget,
            "urgency": round(self.urgency, 3),
            "scepticism": round(self.scepticism, 3),
            "decision_maker": self.decision_maker,
            "needs": list(self.needs),
            "has_alternative": self.has_alternative,
            "busy": round(self.busy, 3),
            "interest": round(self.interest, 3),
            "agent_skill": round(self.agent_skill, 3),
            "region": self.region,
        }


def sample_traits(rng: random.Random, region: str) -> Traits:
    budget = rng.choices(BUDGETS, weights=(18, 34, 32, 16))[0]
    n_needs = rng.choices((1, 2, 3), weights=(50, 38, 12))[0]
    return Traits(
        budget=budget,
        urgency=rng.betavariate(2, 2),
        scepticism=rng.betavariate(2, 2.4),
        decision_maker=rng.choices(("self", "spouse", "boss", "doctor"), weights=(62, 22, 10, 6))[
            0
        ],
        needs=tuple(rng.sample(NEEDS, n_needs)),
        has_alternative=rng.random() < 0.3,
        busy=rng.betavariate(2.2, 1.8),
        interest=rng.betavariate(2.6, 1.8),
        agent_skill=rng.betavariate(2.5, 1.6),
        region=region,
    )


@dataclass(slots=True)
class CustomerState:
    agenda: list[str]
    severity: dict[str, float]
    pending: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    needs_told: list[str] = field(default_factory=list)
    presented: bool = False
    fit: bool = False
    declines: int = 0
    annoyance: float = 0.0
    trial_offered: bool = False
    discoveries: int = 0
    accepted: bool = False
    #: probability that the customer refused every commit opportunity so far
    p_no_accept: float = 1.0

    @classmethod
    def start(cls, traits: Traits, rng: random.Random) -> CustomerState:
        p = {
            "price": _PRICE_P[traits.budget],
            "time": 0.85 * traits.busy,
            "skepticism": 0.9 * traits.scepticism,
            "has_alternative": 0.85 if traits.has_alternative else 0.03,
            "needs_approval": 0.85 if traits.decision_maker != "self" else 0.03,
            "think_it_over": 0.7 * (1.0 - traits.urgency),
            "not_interested": 0.9 if traits.interest < 0.2 else 0.03,
        }
        agenda = [label for label, prob in p.items() if rng.random() < prob]
        rng.shuffle(agenda)
        # flat refusals come early, stalling comes late
        agenda.sort(key=lambda x: {"not_interested": 0, "think_it_over": 2}.get(x, 1))
        sev = {
            "price": _PRICE_SEV[traits.budget],
            "time": 0.3 + 0.6 * traits.busy,
            "skepticism": 0.2 + 0.7 * traits.scepticism,
            "has_alternative": 0.55,
            "needs_approval": _APPROVAL_SEV.get(traits.decision_maker, 0.4),
            "think_it_over": 0.3 + 0.6 * (1.0 - traits.urgency),
            "not_interested": 0.9,
        }
        return cls(agenda=agenda, severity=sev)

    def raise_next(self) -> str | None:
        if not self.agenda:
            return None
        label = self.agenda.pop(0)
        self.pending.append(label)
        return label


def latent_logit(t: Traits, s: CustomerState) -> float:
    """The customer's current inclination to buy (log-odds)."""
    z = 0.85 + _BUDGET_W[t.budget]
    z += 2.4 * (t.urgency - 0.5) - 2.0 * (t.scepticism - 0.5) + 2.6 * (t.interest - 0.5)
    z -= sum(0.5 + s.severity[o] for o in s.pending)
    z -= sum(0.25 + 0.5 * s.severity[o] for o in s.agenda)  # concerns not voiced yet
    z += 0.35 * len(s.resolved)
    z += 0.6 if s.fit else (0.15 if s.presented else 0.0)
    z += 0.25 * min(len(s.needs_told), 2)
    z -= 0.35 * s.declines + 0.45 * s.annoyance
    return z


def acceptance_probability(t: Traits, s: CustomerState, kind: str) -> float:
    """Probability that the customer says yes to a close (``kind="close"``) or the paid
    assessment (``kind="trial"``) right now."""
    p = 1.0 / (1.0 + math.exp(-(2.0 * latent_logit(t, s) - 0.5)))
    return p * (0.8 if kind == "close" else 0.7)


def resolve_probability(t: Traits, s: CustomerState, label: str) -> float:
    return max(0.02, min(0.95, 1.0 - s.severity[label] + 0.2 * (t.agent_skill - 0.5)))


def customer_spec_for(
    action: str, target: str | None, t: Traits, s: CustomerState, rng: random.Random, first: bool
) -> tuple[TurnSpec, str]:
    """The customer's reply to the agent's ``action``; returns the spec and an event
    (``"accepted"``, ``"declined"``, ``"follow_up"`` or ``""``)."""
    extras: list[str] = []
    if action == "discover_need":
        s.discoveries += 1
        untold = [n for n in t.needs if n not in s.needs_told]
        needs: tuple[str, ...] = ()
        if untold:
            k = 1 if len(untold) == 1 or rng.random() < 0.65 else 2
            needs = tuple(untold[:k])
            s.needs_told.extend(needs)
        if first and rng.random() < 0.35:
            extras.append("smalltalk")
        if rng.random() < 0.35:
            extras.append("profile")
        objections: tuple[str, ...] = ()
        early = ("time", "not_interested", "has_alternative")
        if (
            s.agenda
            and s.agenda[0] in early
            and (s.agenda[0] == "not_interested" or rng.random() < 0.3)
        ):
            label = s.raise_next()
            objections = (label,) if label else ()
        if not needs and not objections and not extras:
            extras.append(rng.choice(("profile", "question", "ack")))
        return TurnSpec(objections, needs, False, tuple(extras)), ""

    if action == "present_program":
        s.presented = True
        s.fit = bool(s.needs_told) and rng.random() < 0.85
        p = 1.0 / (1.0 + math.exp(-latent_logit(t, s)))
        if s.agenda and rng.random() < 0.6:
            label = s.raise_next()
            if rng.random() < 0.3:
                extras.append("positive")
            if rng.random() < 0.25:
                extras.append("question")
            return TurnSpec((label,) if label else (), (), False, tuple(extras)), ""
        if rng.random() < p * 0.45:
            return TurnSpec(buying=True, extras=("positive",) if rng.random() < 0.4 else ()), ""
        return TurnSpec(extras=(rng.choice(("question", "positive", "question")),)), ""

    if action == "handle_objection":
        if target is not None and target in s.pending:
            if rng.random() < resolve_probability(t, s, target):
                s.pending.remove(target)
                s.resolved.append(target)
                extras.append("ack")
                if s.agenda and rng.random() < 0.4:
                    label = s.raise_next()
                    return TurnSpec((label,) if label else (), (), False, tuple(extras)), ""
                if rng.random() < 0.3:
                    extras.append(rng.choice(("question", "positive")))
                return TurnSpec(extras=tuple(extras)), ""
            # not convinced: say it again, maybe with more
            again = [target]
            if s.agenda and rng.random() < 0.25:
                nxt = s.raise_next()
                if nxt:
                    again.append(nxt)
            return TurnSpec(tuple(again)), ""
        # the agent answered something the customer did not say
        s.annoyance += 1.0
        if s.pending:
            return TurnSpec((rng.choice(s.pending),)), ""
        label = s.raise_next()
        if label:
            return TurnSpec((label,)), ""
        return TurnSpec(extras=("question",)), ""

    if action in ("offer_trial", "close"):
        if (
            target is not None
            and target in s.pending
            and rng.random() < resolve_probability(t, s, target)
        ):
            s.pending.remove(target)
            s.resolved.append(target)
        if action == "offer_trial":
            s.trial_offered = True
        kind = "trial" if action == "offer_trial" else "close"
        accept_p = acceptance_probability(t, s, kind)
        s.p_no_accept *= 1.0 - accept_p
        if rng.random() < accept_p:
            s.accepted = True
            # yes despite a doubt: "it's a lot of money but ok let's do the assessment"
            doubts = [o for o in (*s.pending, *s.resolved) if o != "not_interested"]
            still: tuple[str, ...] = (rng.choice(doubts),) if doubts and rng.random() < 0.25 else ()
            cheer: tuple[str, ...] = ("positive",) if rng.random() < 0.3 else ()
            return TurnSpec(still, buying=True, extras=cheer), "accepted"
        s.declines += 1
        label = s.raise_next()
        if label is None and s.pending:
            label = rng.choice(s.pending)
        if label is None:
            label = "think_it_over"
            s.pending.append(label)
        objections = (label,)
        if s.agenda and rng.random() < 0.2:
            extra = s.raise_next()
            if extra:
                objections = (label, extra)
        # interested but not now: "i'd like to start but let me ask my wife first"
        keen = label != "not_interested" and rng.random() < 0.1 + 0.3 * accept_p
        return TurnSpec(objections, buying=keen), "declined"

    if action == "schedule_follow_up":
        r = rng.random()
        if r < 0.4:
            return TurnSpec(buying=True), "follow_up"  # agrees to a call
        if r < 0.75:
            return TurnSpec(("think_it_over",)), "follow_up"
        return TurnSpec(extras=("ack",)), "follow_up"

    raise ValueError(f"unknown action {action!r}")


def agent_policy(
    t: Traits, s: CustomerState, last: TurnSpec | None, turns_left: int, rng: random.Random
) -> tuple[str, str | None]:
    """The simulated agent's next action and its target objection (noisy)."""
    skill = t.agent_skill
    if (
        turns_left <= 2
        and last is not None
        and last.objections
        and rng.random() < 0.3 + 0.6 * skill
    ):
        # last chance: answer the objection and ask for the decision in the same turn
        target = last.objections[-1]
        return ("offer_trial" if not s.trial_offered and rng.random() < 0.5 else "close"), target
    if last is not None and last.objections and not s.accepted:
        if rng.random() < skill:
            target = last.objections[-1] if rng.random() < 0.7 else last.objections[0]
            return "handle_objection", target
        if rng.random() < 0.4:
            wrong = rng.choice(
                [
                    o
                    for o in ("price", "time", "skepticism", "think_it_over")
                    if o not in last.objections
                ]
            )
            return "handle_objection", wrong
        # push on regardless
        if turns_left <= 2 and "think_it_over" in s.pending and rng.random() < 0.5:
            return "schedule_follow_up", None
        return ("close", None) if s.presented else ("present_program", None)
    if turns_left <= 2:
        stalled = "think_it_over" in s.pending or "needs_approval" in s.pending
        if stalled and rng.random() < 0.6:
            return "schedule_follow_up", None
        if not s.trial_offered and rng.random() < 0.5:
            return "offer_trial", None
        return "close", None
    want_discovery = 1 + (1 if rng.random() < skill else 0)
    if s.discoveries < want_discovery and rng.random() < 0.3 + 0.6 * skill:
        return "discover_need", None
    if not s.presented:
        return "present_program", None
    if last is not None and last.buying:
        return "close", None
    if not s.trial_offered and rng.random() < 0.45:
        return "offer_trial", None
    return "close", None
