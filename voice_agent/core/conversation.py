"""The state of one conversation: a plain value object, no I/O.

The orchestrator reads it to build the analysers' input and the generator's context,
and updates it from what they return; the store persists it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from voice_agent.core.labels import OFFERS, Lang, Offer, Phase
from voice_agent.core.types import Insights, Role, Utterance


@dataclass(frozen=True, slots=True)
class GenerationNote:
    """Why an agent turn's reply is not what its generator was asked to write: the LLM
    failed (``error``: ``llm_timeout``, ``llm_circuit_open``...) or a guardrail rejected a
    sentence it wrote (``error="guardrail"``, ``guardrail``: the rule, ``guardrail_found``:
    what broke it); ``fallback``: who wrote the reply instead; ``truncated``: the reply
    stopped part-way."""

    error: str
    fallback: str | None = None
    truncated: bool = False
    guardrail: str | None = None
    guardrail_found: str | None = None
    llm_status: int | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.error}
        if self.fallback is not None:
            out["fallback"] = self.fallback
        if self.truncated:
            out["truncated"] = True
        if self.guardrail is not None:
            out["guardrail"] = self.guardrail
            out["guardrail_found"] = self.guardrail_found
        if self.llm_status is not None:
            out["llm_status"] = self.llm_status
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenerationNote:
        status = data.get("llm_status")
        return cls(
            error=str(data["error"]),
            fallback=data.get("fallback"),
            truncated=bool(data.get("truncated", False)),
            guardrail=data.get("guardrail"),
            guardrail_found=data.get("guardrail_found"),
            llm_status=int(status) if status is not None else None,
        )


@dataclass(slots=True)
class Turn:
    index: int
    role: Role
    text: str
    insights: Insights | None = None
    timings_ms: dict[str, float] = field(default_factory=dict)
    created_at: float = 0.0
    #: What the agent turn's action was (agent turns only).
    action: str | None = None
    #: For agent turns interrupted by the caller: the text actually played.
    truncated: bool = False
    #: Phone keys the caller pressed during this (customer) turn.
    dtmf: str = ""
    #: Agent turns: why the reply is not what the generator was asked for (None: it is).
    generation: GenerationNote | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "index": self.index,
            "role": self.role,
            "text": self.text,
            "created_at": self.created_at,
        }
        if self.insights is not None:
            out["insights"] = self.insights.to_json()
        if self.timings_ms:
            out["timings_ms"] = {k: round(v, 3) for k, v in self.timings_ms.items()}
        if self.action is not None:
            out["action"] = self.action
        if self.truncated:
            out["truncated"] = True
        if self.dtmf:
            out["dtmf"] = self.dtmf
        if self.generation is not None:
            out["generation"] = self.generation.to_json()
        return out


@dataclass(slots=True)
class Memory:
    """What the agent has learned and done so far; drives decisions and non-repetition."""

    used_lines: set[str] = field(default_factory=set)
    needs_found: dict[str, float] = field(default_factory=dict)
    objections_raised: dict[str, int] = field(default_factory=dict)
    objections_handled: dict[str, int] = field(default_factory=dict)
    programs_presented: list[str] = field(default_factory=list)
    discovery_questions_asked: int = 0
    trial_offered: int = 0
    close_attempts: int = 0
    buying_signals: int = 0
    actions: list[str] = field(default_factory=list)
    #: What the customer said yes to, until they take it back (an objection); and how many
    #: replies confirmed it since (the first gives the next step, later ones wrap up).
    agreed: Offer | None = None
    confirmations: int = 0

    def offer_on_table(self) -> Offer:
        """What a yes now accepts: the trial when it was offered after the last
        presentation, else the program."""
        for action in reversed(self.actions):
            if action == "offer_trial":
                return "trial"
            if action == "present_program":
                return "program"
        return "program"

    def to_json(self) -> dict[str, Any]:
        return {
            "used_lines": sorted(self.used_lines),
            "needs_found": self.needs_found,
            "objections_raised": self.objections_raised,
            "objections_handled": self.objections_handled,
            "programs_presented": self.programs_presented,
            "discovery_questions_asked": self.discovery_questions_asked,
            "trial_offered": self.trial_offered,
            "close_attempts": self.close_attempts,
            "buying_signals": self.buying_signals,
            "actions": self.actions,
            "agreed": self.agreed,
            "confirmations": self.confirmations,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Memory:
        m = cls()
        m.used_lines = set(data.get("used_lines", ()))
        m.needs_found = dict(data.get("needs_found", {}))
        m.objections_raised = dict(data.get("objections_raised", {}))
        m.objections_handled = dict(data.get("objections_handled", {}))
        m.programs_presented = list(data.get("programs_presented", []))
        m.discovery_questions_asked = int(data.get("discovery_questions_asked", 0))
        m.trial_offered = int(data.get("trial_offered", 0))
        m.close_attempts = int(data.get("close_attempts", 0))
        m.buying_signals = int(data.get("buying_signals", 0))
        m.actions = list(data.get("actions", []))
        agreed = data.get("agreed")
        m.agreed = agreed if agreed in OFFERS else None
        m.confirmations = int(data.get("confirmations", 0))
        return m


@dataclass(slots=True)
class Conversation:
    id: str
    lang: Lang
    channel: str = "api"
    customer: dict[str, Any] = field(default_factory=dict)
    phase: Phase = "greeting"
    turns: list[Turn] = field(default_factory=list)
    memory: Memory = field(default_factory=Memory)
    created_at: float = 0.0
    ended_at: float | None = None
    outcome: dict[str, Any] | None = None
    #: A/B strategy arm or other experiment tags.
    tags: dict[str, Any] = field(default_factory=dict)
    #: Why a call ended (``caller_hung_up``, ``agent_hand_off``, ``timeout``, ``error``,
    #: ``no_customer_turn``); ``None`` for text conversations and calls still going on.
    end_reason: str | None = None
    #: Whose conversation it is (the tenant of the API key that started it; ``None``:
    #: started without a key, e.g. a phone call, or before tenants existed: admin keys only).
    tenant: str | None = None
    #: The server instance carrying the call (voice channels); ``None`` for text
    #: conversations, which any instance continues. A call whose instance is lost is ended.
    instance: str | None = None

    @property
    def ended(self) -> bool:
        return self.phase == "ended"

    def transcript(self) -> tuple[Utterance, ...]:
        return tuple(Utterance(t.role, t.text) for t in self.turns)

    def customer_insights(self) -> tuple[Insights, ...]:
        return tuple(t.insights for t in self.turns if t.insights is not None)

    def add_turn(self, role: Role, text: str, now: float) -> Turn:
        turn = Turn(index=len(self.turns), role=role, text=text, created_at=now)
        self.turns.append(turn)
        return turn

    def customer_turn_count(self) -> int:
        return sum(1 for t in self.turns if t.role == "customer")

    def to_json(self, with_turns: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "lang": self.lang,
            "channel": self.channel,
            "customer": self.customer,
            "phase": self.phase,
            "status": "ended" if self.ended else "open",
            "created_at": self.created_at,
            "ended_at": self.ended_at,
            "outcome": self.outcome,
            "end_reason": self.end_reason,
            "tags": self.tags,
        }
        if with_turns:
            out["turns"] = [t.to_json() for t in self.turns]
        return out
