"""Label names shared by every analyser and model (see shared/eval/TAXONOMY.md)."""

from __future__ import annotations

from typing import Final, Literal, get_args

Lang = Literal["en", "es"]
LANGS: Final[tuple[Lang, ...]] = get_args(Lang)

OBJECTIONS: Final[tuple[str, ...]] = (
    "price",
    "time",
    "think_it_over",
    "skepticism",
    "has_alternative",
    "needs_approval",
    "not_interested",
)

NEEDS: Final[tuple[str, ...]] = (
    "weight_loss",
    "muscle_gain",
    "health",
    "stress",
    "energy",
    "event_prep",
    "rehab",
)

Phase = Literal[
    "greeting",
    "discovery",
    "presentation",
    "objection_handling",
    "closing",
    "follow_up",
    "ended",
]
PHASES: Final[tuple[Phase, ...]] = get_args(Phase)

ActionName = Literal[
    "discover_need",
    "present_program",
    "handle_objection",
    "offer_trial",
    "close",
    "schedule_follow_up",
    "hand_off",
    "answer_question",
]
ACTIONS: Final[tuple[ActionName, ...]] = get_args(ActionName)

#: What a customer can say yes to: the program presented, or the trial offered.
Offer = Literal["program", "trial"]
OFFERS: Final[tuple[Offer, ...]] = get_args(Offer)
