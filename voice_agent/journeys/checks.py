"""Judging a journey: its expectations against what the conversation did. Pure.

Every :class:`Failure` says what was expected and what happened, in words a person can act
on; the report adds the turn's reply and insights (:func:`observed.describe`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.types import LabelScore
from voice_agent.journeys.observed import Observed, ObservedTurn, format_scores
from voice_agent.journeys.spec import End, Expect, Journey, Turn


@dataclass(frozen=True, slots=True)
class Failure:
    """One expectation that did not hold."""

    #: The 1-based customer turn it is about; ``None`` for the whole call.
    turn: int | None
    #: The journey key that expected it, e.g. ``expect.action``, ``checks.no_repeated_reply``.
    key: str
    expected: str
    actual: str

    @property
    def message(self) -> str:
        return f"{self.key}: expected {self.expected}; got {self.actual}"


def _one_of(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"one of {', '.join(names)}"


def _quote(text: str, limit: int = 160) -> str:
    short = text if len(text) <= limit else text[: limit - 3] + "..."
    return f'"{short}"'


def _p(scores: tuple[LabelScore, ...], label: str) -> float | None:
    return next((s.p for s in scores if s.label == label), None)


def _labels(
    key: str,
    number: int,
    scores: tuple[LabelScore, ...],
    detected: Sequence[str],
    wanted: Sequence[str],
    unwanted: Sequence[str],
) -> list[Failure]:
    out: list[Failure] = []
    missing = [label for label in wanted if label not in detected]
    if missing:
        seen = "; ".join(
            f"{label} p={p:.2f}"
            if (p := _p(scores, label)) is not None
            else f"{label} not detected"
            for label in missing
        )
        out.append(
            Failure(
                number,
                f"expect.{key}",
                f"{', '.join(missing)} detected (p >= {DETECTION_THRESHOLD})",
                f"{seen} (listed: {format_scores(scores)})",
            )
        )
    present = [label for label in unwanted if label in detected]
    if present:
        out.append(
            Failure(
                number,
                f"expect.not_{key}",
                f"{', '.join(present)} not detected",
                "; ".join(f"{label} p={_p(scores, label) or 0.0:.2f}" for label in present),
            )
        )
    return out


def _regex(
    number: int, key: str, pattern: re.Pattern[str], reply: str, *, must: bool
) -> Failure | None:
    found = pattern.search(reply)
    if must and found is None:
        return Failure(number, key, f"a reply matching /{pattern.pattern}/", _quote(reply))
    if not must and found is not None:
        return Failure(
            number,
            key,
            f"a reply not matching /{pattern.pattern}/",
            f"{found.group(0)!r} in {_quote(reply)}",
        )
    return None


def check_turn(expect: Expect, seen: ObservedTurn) -> list[Failure]:
    """The failures of one turn's ``expect``."""
    n = seen.number
    ins = seen.insights
    out = _labels(
        "objections",
        n,
        ins.objections,
        seen.detected_objections(),
        expect.objections,
        expect.not_objections,
    )
    out += _labels("needs", n, ins.needs, seen.detected_needs(), expect.needs, expect.not_needs)
    bs = ins.buying_signal
    if expect.buying_signal is not None and bs.value != expect.buying_signal:
        out.append(
            Failure(
                n,
                "expect.buying_signal",
                str(expect.buying_signal).lower(),
                f"{str(bs.value).lower()} (p={bs.p:.2f})",
            )
        )
    if expect.action and seen.action not in expect.action:
        out.append(
            Failure(
                n,
                "expect.action",
                _one_of(expect.action),
                f"{seen.action} (reason: {seen.action_reason})",
            )
        )
    if expect.phase and ins.phase not in expect.phase:
        out.append(Failure(n, "expect.phase", _one_of(expect.phase), ins.phase))
    for key, pattern, must in (
        ("expect.reply_matches", expect.reply_matches, True),
        ("expect.reply_not_matches", expect.reply_not_matches, False),
    ):
        if pattern is not None and (f := _regex(n, key, pattern, seen.reply, must=must)):
            out.append(f)
    return out


def check_end(end: End, last: ObservedTurn) -> list[Failure]:
    """The failures of ``end``, on the state after the last turn."""
    out: list[Failure] = []
    if end.phase and last.insights.phase not in end.phase:
        out.append(
            Failure(
                None,
                "end.phase",
                f"the call to end in {_one_of(end.phase)}",
                f"{last.insights.phase} after turn {last.number}",
            )
        )
    if end.action and last.action not in end.action:
        out.append(
            Failure(
                None,
                "end.action",
                f"the last action to be {_one_of(end.action)}",
                f"{last.action} (reason: {last.action_reason})",
            )
        )
    return out


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def check_no_repeated_reply(observed: Observed) -> list[Failure]:
    out: list[Failure] = []
    said: dict[str, str] = {}
    if observed.greeting.strip():
        said[_normal(observed.greeting)] = "the greeting"
    for turn in observed.turns:
        key = _normal(turn.reply)
        if not key:
            continue
        if key in said:
            out.append(
                Failure(
                    turn.number,
                    "checks.no_repeated_reply",
                    "a reply the agent has not said before",
                    f"the same reply as {said[key]}: {_quote(turn.reply)}",
                )
            )
        else:
            said[key] = f"turn {turn.number}"
    return out


def check_conversion_after_yes(journey: Journey, observed: Observed) -> list[Failure]:
    yes = journey.yes_turn
    if yes is None or yes < 2 or len(observed.turns) < yes:
        return []
    before, at = observed.turns[yes - 2], observed.turns[yes - 1]
    if at.conversion >= before.conversion:
        return []
    return [
        Failure(
            yes,
            "checks.conversion_rises_after_yes",
            f"conversion probability on the yes (turn {yes}) not lower than on turn "
            f"{yes - 1} ({before.conversion:.2f})",
            f"{at.conversion:.2f}",
        )
    ]


def check_close_attempts(limit: int, observed: Observed) -> list[Failure]:
    """At most ``limit`` turns ask for the sale: ``close`` without ``accepted`` (a close
    that confirms the customer's yes asks for nothing)."""
    closes = [t.number for t in observed.turns if t.asks_for_sale]
    if len(closes) <= limit:
        return []
    return [
        Failure(
            None,
            "checks.max_close_attempts",
            f"at most {limit} turn(s) asking for the sale (action close)",
            f"{len(closes)} (turns {', '.join(map(str, closes))})",
        )
    ]


def check_no_fallbacks(observed: Observed) -> list[Failure]:
    return [
        Failure(
            t.number,
            "checks.no_fallbacks",
            "every analyser answered by its model",
            f"rule-based fallback for {', '.join(t.insights.fallbacks)}",
        )
        for t in observed.turns
        if t.insights.fallbacks
    ]


def check_only_detected_labels(observed: Observed) -> list[Failure]:
    out: list[Failure] = []
    for t in observed.turns:
        below = [
            f"{kind} {s.label} {s.p:.2f}"
            for kind, scores in (("objection", t.insights.objections), ("need", t.insights.needs))
            for s in scores
            if s.p < DETECTION_THRESHOLD
        ]
        if below:
            out.append(
                Failure(
                    t.number,
                    "checks.only_detected_labels",
                    f"insights listing only labels with p >= {DETECTION_THRESHOLD}",
                    f"also listed: {', '.join(below)}",
                )
            )
    return out


def check_call(journey: Journey, observed: Observed) -> list[Failure]:
    """The failures of the journey's whole-call ``checks``."""
    checks = journey.checks
    out: list[Failure] = []
    if checks.no_repeated_reply:
        out += check_no_repeated_reply(observed)
    if checks.conversion_rises_after_yes:
        out += check_conversion_after_yes(journey, observed)
    if checks.max_close_attempts is not None:
        out += check_close_attempts(checks.max_close_attempts, observed)
    if checks.no_fallbacks:
        out += check_no_fallbacks(observed)
    if checks.only_detected_labels:
        out += check_only_detected_labels(observed)
    return out


def evaluate(journey: Journey, observed: Observed) -> list[Failure]:
    """Every failure of ``journey`` on ``observed``, by turn (whole-call ones last). Turns
    that were not answered (a run cut short) are not judged; ``end`` needs every turn."""
    turns: dict[int, Turn] = {t.number: t for t in journey.turns}
    out: list[Failure] = []
    for seen in observed.turns:
        out += check_turn(turns[seen.number].expect, seen)
    out += check_call(journey, observed)
    if observed.turns and len(observed.turns) == len(journey.turns):
        out += check_end(journey.end, observed.turns[-1])
    return sorted(out, key=lambda f: (f.turn is None, f.turn or 0))


__all__ = [
    "Failure",
    "check_call",
    "check_end",
    "check_turn",
    "evaluate",
]
