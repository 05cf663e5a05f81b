"""What a journey's conversation actually did: every turn's reply and insights."""

from __future__ import annotations

from dataclasses import dataclass

from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.types import Insights, LabelScore


@dataclass(frozen=True, slots=True)
class ObservedTurn:
    """One customer turn of a journey as the agent handled it."""

    #: 1-based, as the journey's turns.
    number: int
    say: str
    reply: str
    insights: Insights

    @property
    def action(self) -> str:
        action = self.insights.next_action
        return action.name if action is not None else "none"

    @property
    def action_reason(self) -> str:
        action = self.insights.next_action
        return action.reason if action is not None else ""

    @property
    def asks_for_sale(self) -> bool:
        """The agent asked for the sale (``close`` that does not confirm a yes)."""
        action = self.insights.next_action
        return action is not None and action.name == "close" and action.accepted is None

    @property
    def conversion(self) -> float:
        return self.insights.conversion_probability

    def detected_objections(self) -> list[str]:
        return self.insights.objection_labels(DETECTION_THRESHOLD)

    def detected_needs(self) -> list[str]:
        return self.insights.need_labels(DETECTION_THRESHOLD)


@dataclass(frozen=True, slots=True)
class Observed:
    """A journey's conversation: the greeting and the turns that were answered."""

    conversation_id: str
    greeting: str
    turns: tuple[ObservedTurn, ...]


def format_scores(scores: tuple[LabelScore, ...]) -> str:
    """``price 0.97, time 0.31`` (highest first), or ``none``."""
    if not scores:
        return "none"
    ordered = sorted(scores, key=lambda s: -s.p)
    return ", ".join(f"{s.label} {s.p:.2f}" for s in ordered)


def describe(turn: ObservedTurn) -> str:
    """One line with everything the agent concluded on a turn."""
    ins = turn.insights
    bs = ins.buying_signal
    parts = [
        f"objections: {format_scores(ins.objections)}",
        f"needs: {format_scores(ins.needs)}",
        f"buying_signal: {str(bs.value).lower()} ({bs.p:.2f})",
        f"conversion: {ins.conversion_probability:.2f}",
        f"phase: {ins.phase}",
    ]
    if ins.fallbacks:
        parts.append(f"fallbacks: {', '.join(ins.fallbacks)}")
    return "; ".join(parts)


__all__ = ["Observed", "ObservedTurn", "describe", "format_scores"]
