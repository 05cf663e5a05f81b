"""A recording's expectations: the journey file beside it, judged on the replayed call.

``calls/x.wav`` is paired with ``calls/x.yaml`` (or ``calls/x.yml``): a journey file
(:mod:`voice_agent.journeys.spec`, README "Journeys") whose turns' ``say`` are what the
caller says in the recording, the reference transcript. After the call the journey is
judged with the journeys' own checks (:mod:`voice_agent.journeys.checks`) on the turns the
server stored: each turn's ``expect`` on the replayed turn of the same number, ``end`` on
the call's last turn, the whole-call ``checks`` on every turn. A call whose number of
customer turns differs from the journey's (the server's end-of-turn detection split or
merged the caller's speech) fails ``turns``, and the turns that exist are still judged.

Pure, except :func:`sidecar_for` and :func:`load_sidecars`, which read the files.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Final

from voice_agent.core.labels import ACTIONS, PHASES
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore
from voice_agent.journeys.checks import Failure, check_call, check_end, check_turn
from voice_agent.journeys.observed import Observed, ObservedTurn
from voice_agent.journeys.spec import SUFFIXES, Journey, JourneyError, load_journey
from voice_agent.replay.model import (
    CallRecord,
    ExpectationFailure,
    Expectations,
    Label,
    TurnRecord,
)

#: The key of the failure "the call had another number of customer turns".
TURNS_KEY: Final = "turns"


def sidecar_for(recording: Path) -> Path | None:
    """The journey file beside ``recording`` (same stem, ``.yaml`` or ``.yml``), if any.
    Both existing is ambiguous: :class:`JourneyError`."""
    found = [p for p in (recording.with_suffix(s) for s in SUFFIXES) if p.is_file()]
    if len(found) > 1:
        raise JourneyError(
            f"{found[0]}: and {found[1].name} are both beside {recording.name}: keep one"
        )
    return found[0] if found else None


def load_sidecars(recordings: Sequence[Path], lang: str) -> dict[Path, Journey]:
    """Each recording's journey file, loaded and validated, keyed by the recording's path
    (recordings without one are left out). Raises :class:`JourneyError` for the first bad
    file (naming the file, the turn and the key) or one whose ``lang`` is not ``lang``."""
    out: dict[Path, Journey] = {}
    for recording in recordings:
        path = sidecar_for(recording)
        if path is None:
            continue
        journey = load_journey(path)
        if journey.lang != lang:
            raise JourneyError(
                f"{path}: lang: {journey.lang}, but the calls are replayed with --lang {lang}"
            )
        out[recording] = journey
    return out


def _scores(labels: Sequence[Label]) -> tuple[LabelScore, ...]:
    return tuple(LabelScore(x.label, x.p) for x in labels)


def observed_turn(turn: TurnRecord) -> ObservedTurn | Failure:
    """A replayed turn as the journeys' checks see it, or the failure saying why it cannot
    be judged (an action or phase name this version of voice-agent does not know, e.g. a
    record written against another server version)."""
    action = next((a for a in ACTIONS if a == turn.action), None)
    phase = next((p for p in PHASES if p == turn.phase), None)
    unknown = [
        f"{what} {value!r}"
        for what, value, known in (
            ("action", turn.action, action is not None or turn.action == ""),
            ("phase", turn.phase, phase is not None),
        )
        if not known
    ]
    if unknown or phase is None:
        return Failure(
            turn.index,
            "insights",
            "action and phase names of voice_agent/core/labels.py",
            ", ".join(unknown),
        )
    insights = Insights(
        objections=_scores(turn.objections),
        needs=_scores(turn.needs),
        buying_signal=BuyingSignal(turn.buying_signal, turn.buying_signal_p),
        conversion_probability=turn.conversion_probability,
        next_action=None if action is None else Action(action, turn.action_reason),
        phase=phase,
        fallbacks=turn.fallbacks,
    )
    return ObservedTurn(turn.index, turn.transcript, turn.reply, insights)


def _said(texts: Sequence[str]) -> str:
    return "; ".join(f'{i} "{t}"' for i, t in enumerate(texts, start=1)) or "nothing"


def turn_count_failure(journey: Journey, record: CallRecord) -> Failure | None:
    """The failure of a call whose number of customer turns is not the journey's."""
    expected, got = len(journey.turns), len(record.turns)
    if expected == got:
        return None
    return Failure(
        None,
        TURNS_KEY,
        f"{expected} customer turns: {_said([t.say for t in journey.turns])}",
        f"{got}: {_said([t.transcript for t in record.turns])}",
    )


def judged_count(journey: Journey, record: CallRecord) -> int:
    """How many expectations a call is judged on: each ``expect`` key of the journey's
    turns that the call has, each ``end`` key (when the call has a turn), each check, and
    the number of turns."""
    paired = journey.turns[: len(record.turns)]
    count = sum(len(t.expect.keys) for t in paired) + len(journey.checks.keys) + 1
    return count + (len(journey.end.keys) if record.turns else 0)


def judge(journey: Journey, record: CallRecord) -> Expectations:
    """The call judged against its journey: every failure, by turn, whole-call ones last."""
    failures: list[Failure] = []
    count = turn_count_failure(journey, record)
    if count is not None:
        failures.append(count)
    seen: list[ObservedTurn] = []
    for turn in record.turns:
        observed = observed_turn(turn)
        if isinstance(observed, Failure):
            failures.append(observed)
            continue
        seen.append(observed)
        if turn.index <= len(journey.turns):
            failures += check_turn(journey.turns[turn.index - 1].expect, observed)
    whole = Observed(record.conversation_id or "", record.greeting or "", tuple(seen))
    failures += check_call(journey, whole)
    if record.turns and seen and seen[-1].number == record.turns[-1].index:
        failures += check_end(journey.end, seen[-1])
    ordered = sorted(failures, key=lambda f: (f.turn is None, f.turn or 0))
    return Expectations(
        journey=journey.file,
        judged=judged_count(journey, record),
        failures=tuple(ExpectationFailure(f.turn, f.key, f.expected, f.actual) for f in ordered),
    )


__all__ = [
    "TURNS_KEY",
    "judge",
    "judged_count",
    "load_sidecars",
    "observed_turn",
    "sidecar_for",
    "turn_count_failure",
]
