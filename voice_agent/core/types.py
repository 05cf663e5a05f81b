"""Plain values passed between the analysers, the decision engine and the generator."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from voice_agent.core.labels import ActionName, Lang, Offer, Phase

Role = Literal["agent", "customer"]


@dataclass(frozen=True, slots=True)
class LabelScore:
    label: str
    p: float

    def to_json(self) -> dict[str, Any]:
        return {"label": self.label, "p": round(self.p, 4)}


@dataclass(frozen=True, slots=True)
class BuyingSignal:
    value: bool
    p: float

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "p": round(self.p, 4)}


@dataclass(frozen=True, slots=True)
class Utterance:
    """One turn of the transcript as the analysers see it."""

    role: Role
    text: str


@dataclass(frozen=True, slots=True)
class AnalysisInput:
    """Everything an analyser may look at for one customer turn.

    ``history`` is the transcript *before* ``text`` (agent and customer turns, oldest
    first); ``previous`` holds the insights of earlier customer turns, oldest first.
    """

    text: str
    lang: Lang
    history: tuple[Utterance, ...] = ()
    profile: Mapping[str, Any] = field(default_factory=dict)
    previous: tuple[Insights, ...] = ()


@dataclass(frozen=True, slots=True)
class Action:
    name: ActionName
    reason: str
    objection: str | None = None
    need: str | None = None
    program: str | None = None
    #: ``close`` only: the customer said yes to this offer; the reply confirms it and gives
    #: the next step instead of asking for the sale.
    accepted: Offer | None = None
    #: ``answer_question`` only: the playbook's FAQ topic that answers it (``None``: the
    #: playbook has no answer).
    topic: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "reason": self.reason}
        for key in ("objection", "need", "program", "accepted", "topic"):
            value = getattr(self, key)
            if value is not None:
                out[key] = value
        return out


@dataclass(frozen=True, slots=True)
class Insights:
    """What the analysers and the decision engine concluded about one customer turn."""

    objections: tuple[LabelScore, ...]
    needs: tuple[LabelScore, ...]
    buying_signal: BuyingSignal
    conversion_probability: float
    next_action: Action | None = None
    phase: Phase = "discovery"
    fallbacks: tuple[str, ...] = ()
    models: Mapping[str, str] = field(default_factory=dict)
    #: The experiment variant the conversation is in (None: no experiment).
    variant: str | None = None

    def objection_labels(self, threshold: float = 0.5) -> list[str]:
        return [s.label for s in self.objections if s.p >= threshold]

    def need_labels(self, threshold: float = 0.5) -> list[str]:
        return [s.label for s in self.needs if s.p >= threshold]

    def to_json(self) -> dict[str, Any]:
        return {
            "objections": [s.to_json() for s in self.objections],
            "needs": [s.to_json() for s in self.needs],
            "buying_signal": self.buying_signal.to_json(),
            "conversion_probability": round(self.conversion_probability, 4),
            "next_action": self.next_action.to_json() if self.next_action else None,
            "phase": self.phase,
            "fallbacks": list(self.fallbacks),
            "models": dict(self.models),
            **({"variant": self.variant} if self.variant is not None else {}),
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Insights:
        action = data.get("next_action")
        return cls(
            objections=tuple(LabelScore(d["label"], float(d["p"])) for d in data["objections"]),
            needs=tuple(LabelScore(d["label"], float(d["p"])) for d in data["needs"]),
            buying_signal=BuyingSignal(
                bool(data["buying_signal"]["value"]), float(data["buying_signal"]["p"])
            ),
            conversion_probability=float(data["conversion_probability"]),
            next_action=Action(**action) if action else None,
            phase=data.get("phase", "discovery"),
            fallbacks=tuple(data.get("fallbacks", ())),
            models=dict(data.get("models", {})),
            variant=data.get("variant"),
        )
