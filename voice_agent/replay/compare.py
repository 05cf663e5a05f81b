"""``voice-agent replay --compare OLD NEW``: what changed between two replay output folders.

Calls are matched by recording name (``call.json``'s ``recording``), turns by index. For
every turn the comparison reports a changed transcript, reply, next action (and its
reason), phase, buying-signal flag, barge-in, fallbacks, insight probabilities that moved
by more than ``threshold`` (objections, needs, buying signal, conversion probability) and
latency that moved by more than ``latency_threshold_ms``; for every call the turn count,
greeting, end reason, errors and p50/p95 latency.

When the calls were judged against a journey file (``Expectations``, README "Replay"), the
set of failing expectations is compared, each keyed by its turn and key: a new failure (it
held, or was not judged, in OLD) and a fixed one are both reported.

:attr:`Comparison.failing` is what CI keys on: a turn's action changed, a call's number of
turns changed, a call is only on one side, or the set of failing expectations changed.
Everything else is reported, not failed on.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final, Literal

from voice_agent.replay.html import esc, facts, fmt_ms, fmt_p, page, write_page
from voice_agent.replay.model import (
    CALL_HTML,
    CALL_JSON,
    CallRecord,
    ExpectationFailure,
    Label,
    RecordError,
    TurnRecord,
)

#: File name of the compare page when ``write_compare_report`` is given a folder.
COMPARE_HTML: Final = "compare.html"
#: Insight probabilities that move by more than this are reported.
DEFAULT_THRESHOLD: Final = 0.2
#: Turn latencies that move by more than this (ms) are reported.
DEFAULT_LATENCY_THRESHOLD_MS: Final = 200.0

CallStatus = Literal["same", "changed", "failing", "only_old", "only_new"]


@dataclass(frozen=True, slots=True)
class TextChange:
    old: str
    new: str

    def to_json(self) -> dict[str, object]:
        return {"old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class FlagChange:
    """A yes/no of a turn that flipped (``buying_signal``, ``barge_in``)."""

    name: str
    old: bool
    new: bool

    def to_json(self) -> dict[str, object]:
        return {"name": self.name, "old": self.old, "new": self.new}


@dataclass(frozen=True, slots=True)
class ProbabilityChange:
    """An insight probability that moved by more than the threshold. ``None``: the label
    was not detected on that side (its probability was below the detection level)."""

    #: ``objection:<label>``, ``need:<label>``, ``buying_signal`` or ``conversion_probability``.
    insight: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float:
        return (self.new or 0.0) - (self.old or 0.0)

    def describe(self) -> str:
        def side(p: float | None) -> str:
            return "not detected" if p is None else f"{p:.2f}"

        return f"{self.insight} {side(self.old)} → {side(self.new)} ({self.delta:+.2f})"

    def to_json(self) -> dict[str, object]:
        return {"insight": self.insight, "old": self.old, "new": self.new, "delta": self.delta}


@dataclass(frozen=True, slots=True)
class LatencyChange:
    old_ms: float | None
    new_ms: float | None

    @property
    def delta_ms(self) -> float | None:
        if self.old_ms is None or self.new_ms is None:
            return None
        return self.new_ms - self.old_ms

    def describe(self) -> str:
        text = f"{fmt_ms(self.old_ms)} → {fmt_ms(self.new_ms)}"
        delta = self.delta_ms
        return text if delta is None else f"{text} ({delta:+,.0f} ms)"

    def to_json(self) -> dict[str, object]:
        return {"old_ms": self.old_ms, "new_ms": self.new_ms, "delta_ms": self.delta_ms}


@dataclass(frozen=True, slots=True)
class ExpectationChange:
    """An expectation (a turn's or the whole call's key) that fails on one side only."""

    #: The 1-based turn; ``None`` for the whole call.
    turn: int | None
    key: str
    #: The failure on each side; ``None``: it held there (or was not judged).
    old: ExpectationFailure | None
    new: ExpectationFailure | None
    #: Whether each side's call was judged against a journey file at all.
    old_judged: bool = True
    new_judged: bool = True

    @property
    def fixed(self) -> bool:
        return self.new is None

    @property
    def where(self) -> str:
        return "whole call" if self.turn is None else f"turn {self.turn}"

    def describe(self) -> str:
        """``turn 3 expect.reply_matches: held in OLD, fails in NEW: expected ...; got ...``"""
        head = f"{self.where} {self.key}"
        if self.new is not None:
            was = "held" if self.old_judged else "not judged"
            return f"{head}: {was} in OLD, fails in NEW: {self._said(self.new)}"
        assert self.old is not None
        now = "holds" if self.new_judged else "not judged"
        return f"{head}: failed in OLD, {now} in NEW (OLD: {self._said(self.old)})"

    @staticmethod
    def _said(failure: ExpectationFailure) -> str:
        return f"expected {failure.expected}; got {failure.actual}"

    def to_json(self) -> dict[str, object]:
        return {
            "turn": self.turn,
            "key": self.key,
            "change": "fixed" if self.fixed else "new_failure",
            "old": None if self.old is None else self.old.to_json(),
            "new": None if self.new is None else self.new.to_json(),
            "old_judged": self.old_judged,
            "new_judged": self.new_judged,
            "message": self.describe(),
        }


@dataclass(frozen=True, slots=True)
class TurnDiff:
    """One turn index of a call on both sides (``old``/``new`` is ``None`` when the turn
    exists on one side only; the change fields are then ``None`` / empty)."""

    index: int
    old: TurnRecord | None
    new: TurnRecord | None
    transcript: TextChange | None = None
    reply: TextChange | None = None
    action: TextChange | None = None
    action_reason: TextChange | None = None
    phase: TextChange | None = None
    fallbacks: TextChange | None = None
    flags: tuple[FlagChange, ...] = ()
    insights: tuple[ProbabilityChange, ...] = ()
    latency: LatencyChange = LatencyChange(None, None)
    #: The latency moved by more than the latency threshold (or was heard on one side only).
    latency_changed: bool = False
    #: This turn's expectations that fail on one side only.
    expectations: tuple[ExpectationChange, ...] = ()

    @property
    def only_old(self) -> bool:
        return self.new is None

    @property
    def only_new(self) -> bool:
        return self.old is None

    @property
    def action_changed(self) -> bool:
        return self.action is not None or self.old is None or self.new is None

    @property
    def changed(self) -> bool:
        return (
            self.old is None
            or self.new is None
            or any(
                c is not None
                for c in (
                    self.transcript,
                    self.reply,
                    self.action,
                    self.action_reason,
                    self.phase,
                    self.fallbacks,
                )
            )
            or bool(self.flags or self.insights or self.expectations)
            or self.latency_changed
        )

    @property
    def failing(self) -> bool:
        """The action or an expectation of this turn changed (or the turn is one-sided)."""
        return self.action_changed or bool(self.expectations)

    def to_json(self) -> dict[str, object]:
        def opt(c: TextChange | None) -> dict[str, object] | None:
            return None if c is None else c.to_json()

        return {
            "index": self.index,
            "only_old": self.only_old,
            "only_new": self.only_new,
            "changed": self.changed,
            "action_changed": self.action_changed,
            "transcript": opt(self.transcript),
            "reply": opt(self.reply),
            "action": opt(self.action),
            "action_reason": opt(self.action_reason),
            "phase": opt(self.phase),
            "fallbacks": opt(self.fallbacks),
            "flags": [f.to_json() for f in self.flags],
            "insights": [i.to_json() for i in self.insights],
            "latency": self.latency.to_json(),
            "latency_changed": self.latency_changed,
            "expectations": [e.to_json() for e in self.expectations],
        }


@dataclass(frozen=True, slots=True)
class CallDiff:
    """One recording on both sides."""

    recording: str
    old: CallRecord | None
    new: CallRecord | None
    #: The call's folder on each side (for links to its report).
    old_folder: Path | None
    new_folder: Path | None
    turns: tuple[TurnDiff, ...] = ()
    greeting: TextChange | None = None
    end_reason: TextChange | None = None
    errors: TextChange | None = None
    p50: LatencyChange = LatencyChange(None, None)
    p95: LatencyChange = LatencyChange(None, None)
    #: Whole-call expectations (``checks``, ``end``, ``turns``) that fail on one side only.
    expectations: tuple[ExpectationChange, ...] = ()
    #: Expectations that fail on both sides, keyed the same (reported, not failed on).
    still_failing: tuple[ExpectationChange, ...] = ()

    def expectation_changes(self) -> list[ExpectationChange]:
        """Every expectation that fails on one side only, by turn, whole-call ones last."""
        return [e for t in self.turns for e in t.expectations] + list(self.expectations)

    @property
    def turn_count_changed(self) -> bool:
        return (
            self.old is not None
            and self.new is not None
            and len(self.old.turns) != len(self.new.turns)
        )

    def failures(self) -> list[str]:
        """Why this call fails the comparison (empty: it does not)."""
        if self.old is None:
            return ["only in NEW"]
        if self.new is None:
            return ["only in OLD"]
        out: list[str] = []
        if self.turn_count_changed:
            out.append(f"turns {len(self.old.turns)} → {len(self.new.turns)}")
        for t in self.turns:
            if t.action is not None:
                out.append(f"turn {t.index} action {t.action.old} → {t.action.new}")
        out += [e.describe() for e in self.expectation_changes()]
        return out

    @property
    def failing(self) -> bool:
        return bool(self.failures())

    @property
    def changed(self) -> bool:
        return (
            self.failing
            or any(t.changed for t in self.turns)
            or any(c is not None for c in (self.greeting, self.end_reason, self.errors))
        )

    @property
    def status(self) -> CallStatus:
        if self.old is None:
            return "only_new"
        if self.new is None:
            return "only_old"
        if self.failing:
            return "failing"
        return "changed" if self.changed else "same"

    def to_json(self) -> dict[str, object]:
        def opt(c: TextChange | None) -> dict[str, object] | None:
            return None if c is None else c.to_json()

        return {
            "recording": self.recording,
            "status": self.status,
            "failing": self.failing,
            "failures": self.failures(),
            "turns_old": None if self.old is None else len(self.old.turns),
            "turns_new": None if self.new is None else len(self.new.turns),
            "old_folder": None if self.old_folder is None else str(self.old_folder),
            "new_folder": None if self.new_folder is None else str(self.new_folder),
            "greeting": opt(self.greeting),
            "end_reason": opt(self.end_reason),
            "errors": opt(self.errors),
            "latency_p50": self.p50.to_json(),
            "latency_p95": self.p95.to_json(),
            "expectations_judged": {
                "old": self.old is not None and self.old.expectations is not None,
                "new": self.new is not None and self.new.expectations is not None,
            },
            "expectation_changes": [e.to_json() for e in self.expectation_changes()],
            "expectations_still_failing": [e.to_json() for e in self.still_failing],
            "turns": [t.to_json() for t in self.turns if t.changed],
        }


@dataclass(frozen=True, slots=True)
class Comparison:
    old_dir: Path
    new_dir: Path
    threshold: float
    latency_threshold_ms: float
    calls: tuple[CallDiff, ...]

    @property
    def failing(self) -> bool:
        """A turn's action changed, a call's turn count changed, a call is missing, or the
        set of failing expectations changed."""
        return any(c.failing for c in self.calls)

    def to_json(self) -> dict[str, object]:
        return {
            "old": str(self.old_dir),
            "new": str(self.new_dir),
            "threshold": self.threshold,
            "latency_threshold_ms": self.latency_threshold_ms,
            "failing": self.failing,
            "calls_compared": len(self.calls),
            "calls_changed": sum(c.changed for c in self.calls),
            "calls_failing": sum(c.failing for c in self.calls),
            "expectation_changes": sum(len(c.expectation_changes()) for c in self.calls),
            "calls": [c.to_json() for c in self.calls],
        }

    def summary_text(self) -> str:
        """The comparison as a person reads it in a CI log."""
        changed = sum(c.changed for c in self.calls)
        failing = sum(c.failing for c in self.calls)
        lines = [
            f"replay compare: OLD {self.old_dir}  NEW {self.new_dir}",
            f"{len(self.calls)} calls, {changed} changed, {failing} failing "
            f"(insight threshold {self.threshold:.2f}, "
            f"latency threshold {self.latency_threshold_ms:,.0f} ms)",
        ]
        for call in self.calls:
            lines.append("")
            lines.extend(_call_text(call))
        lines.append("")
        if self.failing:
            lines.append(
                f"FAILING: {failing} call(s) with a changed action, turn count or failing "
                "expectations, or a call on one side only"
            )
        else:
            lines.append("OK: no action, turn count, failing expectation or call changed")
        return "\n".join(lines) + "\n"


# -- building the comparison ---------------------------------------------------------------------


def _text(old: str, new: str) -> TextChange | None:
    return None if old.strip() == new.strip() else TextChange(old, new)


def _labels(
    kind: str, old: Sequence[Label], new: Sequence[Label]
) -> list[tuple[str, float | None, float | None]]:
    o = {x.label: x.p for x in old}
    n = {x.label: x.p for x in new}
    names = sorted(set(o) | set(n))
    return [(f"{kind}:{name}", o.get(name), n.get(name)) for name in names]


def _moved(old: float | None, new: float | None, threshold: float) -> bool:
    return round(abs((new or 0.0) - (old or 0.0)), 6) > threshold


def compare_turns(
    old: TurnRecord, new: TurnRecord, *, threshold: float, latency_threshold_ms: float
) -> TurnDiff:
    """What changed in one turn between two runs."""
    probabilities = [
        *_labels("objection", old.objections, new.objections),
        *_labels("need", old.needs, new.needs),
        ("buying_signal", old.buying_signal_p, new.buying_signal_p),
        ("conversion_probability", old.conversion_probability, new.conversion_probability),
    ]
    insights = tuple(
        ProbabilityChange(name, o, n) for name, o, n in probabilities if _moved(o, n, threshold)
    )
    flags = tuple(
        FlagChange(name, o, n)
        for name, o, n in (
            ("buying_signal", old.buying_signal, new.buying_signal),
            ("barge_in", old.barge_in, new.barge_in),
        )
        if o != n
    )
    latency = LatencyChange(old.latency_ms, new.latency_ms)
    delta = latency.delta_ms
    latency_changed = (old.latency_ms is None) != (new.latency_ms is None) or (
        delta is not None and abs(delta) > latency_threshold_ms
    )
    return TurnDiff(
        index=old.index,
        old=old,
        new=new,
        transcript=_text(old.transcript, new.transcript),
        reply=_text(old.reply, new.reply),
        action=_text(old.action, new.action),
        action_reason=_text(old.action_reason, new.action_reason),
        phase=_text(old.phase, new.phase),
        fallbacks=_text(", ".join(old.fallbacks), ", ".join(new.fallbacks)),
        flags=flags,
        insights=insights,
        latency=latency,
        latency_changed=latency_changed,
    )


def _failures(record: CallRecord) -> dict[tuple[int | None, str], ExpectationFailure]:
    out: dict[tuple[int | None, str], ExpectationFailure] = {}
    for f in record.expectations.failures if record.expectations is not None else ():
        out.setdefault((f.turn, f.key), f)
    return out


def compare_expectations(
    old: CallRecord, new: CallRecord
) -> tuple[list[ExpectationChange], list[ExpectationChange]]:
    """The expectations failing on one side only, and those failing on both, each keyed
    by (turn, key), in turn order (whole-call ones last). A side without a journey file
    counts as failing nothing."""
    o, n = _failures(old), _failures(new)
    judged = (old.expectations is not None, new.expectations is not None)
    changed: list[ExpectationChange] = []
    both: list[ExpectationChange] = []
    for turn, key in sorted(set(o) | set(n), key=lambda k: (k[0] is None, k[0] or 0, k[1])):
        change = ExpectationChange(turn, key, o.get((turn, key)), n.get((turn, key)), *judged)
        (both if change.old is not None and change.new is not None else changed).append(change)
    return changed, both


def compare_calls(
    old: CallRecord | None,
    new: CallRecord | None,
    *,
    old_folder: Path | None = None,
    new_folder: Path | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    latency_threshold_ms: float = DEFAULT_LATENCY_THRESHOLD_MS,
) -> CallDiff:
    """What changed in one recording's call between two runs (one side may be missing)."""
    present = old or new
    if present is None:
        raise ValueError("compare_calls needs at least one side")
    if old is None or new is None:
        return CallDiff(present.recording, old, new, old_folder, new_folder)
    changes, still_failing = compare_expectations(old, new)
    turns: list[TurnDiff] = []
    for i in range(max(len(old.turns), len(new.turns))):
        o = old.turns[i] if i < len(old.turns) else None
        n = new.turns[i] if i < len(new.turns) else None
        if o is not None and n is not None:
            diff = compare_turns(
                o, n, threshold=threshold, latency_threshold_ms=latency_threshold_ms
            )
        else:
            side = o if o is not None else n
            assert side is not None
            diff = TurnDiff(side.index, o, n)
        mine = tuple(e for e in changes if e.turn == diff.index)
        turns.append(replace(diff, expectations=mine) if mine else diff)
    numbered = {t.index for t in turns}
    return CallDiff(
        recording=old.recording,
        old=old,
        new=new,
        old_folder=old_folder,
        new_folder=new_folder,
        turns=tuple(turns),
        greeting=_text(old.greeting or "", new.greeting or ""),
        end_reason=_text(old.end_reason or "", new.end_reason or ""),
        errors=_text(", ".join(old.errors), ", ".join(new.errors)),
        p50=LatencyChange(old.latency_percentile(0.5), new.latency_percentile(0.5)),
        p95=LatencyChange(old.latency_percentile(0.95), new.latency_percentile(0.95)),
        expectations=tuple(e for e in changes if e.turn is None or e.turn not in numbered),
        still_failing=tuple(still_failing),
    )


def read_run(folder: Path) -> list[tuple[CallRecord, Path]]:
    """Every call of a replay output folder with its call folder, by recording name."""
    if not folder.is_dir():
        raise RecordError(f"{folder}: not a folder")
    calls = [(CallRecord.read(p), p.parent) for p in sorted(folder.glob(f"*/{CALL_JSON}"))]
    if not calls:
        raise RecordError(f"{folder}: no */{CALL_JSON} in it (not a replay output folder)")
    return sorted(calls, key=lambda c: c[0].recording)


def compare_runs(
    old: Path,
    new: Path,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    latency_threshold_ms: float = DEFAULT_LATENCY_THRESHOLD_MS,
) -> Comparison:
    """Compare two replay output folders (raises :class:`RecordError` for a folder that
    is missing, has no calls, or holds a file that is not a replay record)."""
    old_calls, new_calls = _by_recording(read_run(old)), _by_recording(read_run(new))
    diffs: list[CallDiff] = []
    for key in sorted(set(old_calls) | set(new_calls)):
        o = old_calls.get(key)
        n = new_calls.get(key)
        diffs.append(
            compare_calls(
                o[0] if o else None,
                n[0] if n else None,
                old_folder=o[1] if o else None,
                new_folder=n[1] if n else None,
                threshold=threshold,
                latency_threshold_ms=latency_threshold_ms,
            )
        )
    return Comparison(old, new, threshold, latency_threshold_ms, tuple(diffs))


def _by_recording(calls: Sequence[tuple[CallRecord, Path]]) -> dict[str, tuple[CallRecord, Path]]:
    """Key each call by its recording name (a repeated name gets ``#2``, ``#3``...)."""
    out: dict[str, tuple[CallRecord, Path]] = {}
    for record, folder in calls:
        key, n = record.recording, 1
        while key in out:
            n += 1
            key = f"{record.recording}#{n}"
        out[key] = (record, folder)
    return out


# -- text ----------------------------------------------------------------------------------------

_STATUS_WORD: Final[dict[CallStatus, str]] = {
    "same": "same",
    "changed": "CHANGED",
    "failing": "FAIL",
    "only_old": "FAIL",
    "only_new": "FAIL",
}


def _quote(text: str) -> str:
    return repr(text) if text else "(none)"


def _turn_text(t: TurnDiff) -> list[str]:
    if t.new is None and t.old is not None:
        return [
            f"  turn {t.index}: only in OLD (action {t.old.action})",
            f"    caller: {_quote(t.old.transcript)}",
            f"    agent:  {_quote(t.old.reply)}",
            *_expectation_lines(t.expectations, "    "),
        ]
    if t.old is None and t.new is not None:
        return [
            f"  turn {t.index}: only in NEW (action {t.new.action})",
            f"    caller: {_quote(t.new.transcript)}",
            f"    agent:  {_quote(t.new.reply)}",
            *_expectation_lines(t.expectations, "    "),
        ]
    lines = [f"  turn {t.index}:"]
    if t.transcript:
        lines += _text_change("transcript", t.transcript.old, t.transcript.new, "    ")
    if t.reply:
        lines += _text_change("reply", t.reply.old, t.reply.new, "    ")
    if t.action:
        lines.append(f"    ACTION CHANGED: {t.action.old} → {t.action.new}")
    if t.action_reason:
        lines.append(f"    reason: {_quote(t.action_reason.old)} → {_quote(t.action_reason.new)}")
    if t.phase:
        lines.append(f"    phase: {t.phase.old or '–'} → {t.phase.new or '–'}")
    for f in t.flags:
        lines.append(f"    {f.name}: {'yes' if f.old else 'no'} → {'yes' if f.new else 'no'}")
    if t.insights:
        lines.append("    insights: " + "; ".join(i.describe() for i in t.insights))
    if t.fallbacks:
        lines.append(f"    fallbacks: {t.fallbacks.old or '–'} → {t.fallbacks.new or '–'}")
    if t.latency_changed:
        lines.append(f"    latency: {t.latency.describe()}")
    return lines + _expectation_lines(t.expectations, "    ")


def _text_change(what: str, old: str, new: str, indent: str) -> list[str]:
    """``what changed:`` with the old text (``-``) and the new one (``+``) under it."""
    return [f"{indent}{what} changed:", f"{indent}  - {_quote(old)}", f"{indent}  + {_quote(new)}"]


def _expectation_lines(changes: Sequence[ExpectationChange], indent: str) -> list[str]:
    return [
        f"{indent}{'EXPECTATION FIXED' if e.fixed else 'EXPECTATION FAILS'}: {e.describe()}"
        for e in changes
    ]


def _call_text(call: CallDiff) -> list[str]:
    word = _STATUS_WORD[call.status]
    failures = call.failures()
    head = f"{word:<7} {call.recording}"
    if failures:
        head += ": " + "; ".join(failures)
    lines = [head]
    if call.old is None or call.new is None:
        return lines
    lines.append(
        f"  turns {len(call.old.turns)} → {len(call.new.turns)}; "
        f"latency p50 {call.p50.describe()}, p95 {call.p95.describe()}"
    )
    if call.greeting:
        lines += _text_change("greeting", call.greeting.old, call.greeting.new, "  ")
    if call.end_reason:
        lines.append(f"  end reason: {call.end_reason.old or '–'} → {call.end_reason.new or '–'}")
    if call.errors:
        lines.append(f"  errors: {call.errors.old or '–'} → {call.errors.new or '–'}")
    lines += _expectation_lines(call.expectations, "  ")
    for t in call.turns:
        if t.changed:
            lines += _turn_text(t)
    if call.still_failing:
        lines.append(
            "  still failing in both: "
            + "; ".join(f"{e.where} {e.key}" for e in call.still_failing)
        )
    return lines


# -- HTML ----------------------------------------------------------------------------------------

_STATUS_BADGE: Final[dict[CallStatus, tuple[str, str]]] = {
    "same": ("ok", "same"),
    "changed": ("changed", "changed"),
    "failing": ("failing", "failing"),
    "only_old": ("failing", "only in OLD"),
    "only_new": ("failing", "only in NEW"),
}


def _old_new(old: str, new: str) -> str:
    return (
        f'<del class="old">{esc(old) or "<i>(none)</i>"}</del> → '
        f'<ins class="new">{esc(new) or "<i>(none)</i>"}</ins>'
    )


def _side_by_side(label: str, change: TextChange, *, failing: bool = False) -> str:
    cls = ' class="failing"' if failing else ""
    badge = ' <span class="badge failing">changed</span>' if failing else ""
    return (
        f"<tr{cls}><th>{esc(label)}{badge}</th>"
        f'<td class="old">{esc(change.old) or "<i>(none)</i>"}</td>'
        f'<td class="new">{esc(change.new) or "<i>(none)</i>"}</td></tr>'
    )


def turn_diff_html(t: TurnDiff) -> str:
    """A turn's changes as rows: what, OLD, NEW."""
    rows: list[str] = []
    if t.old is None or t.new is None:
        side = t.old or t.new
        assert side is not None
        where = "OLD" if t.new is None else "NEW"
        rows.append(
            f'<tr class="failing"><th>Turn only in {where}</th>'
            f'<td colspan="2">caller: {esc(side.transcript)}<br>agent: {esc(side.reply)}<br>'
            f"action: <code>{esc(side.action)}</code></td></tr>"
        )
    else:
        for label, change, failing in (
            ("Caller said", t.transcript, False),
            ("Agent replied", t.reply, False),
            ("Next action", t.action, True),
            ("Reason", t.action_reason, False),
            ("Phase", t.phase, False),
            ("Fallbacks", t.fallbacks, False),
        ):
            if change is not None:
                rows.append(_side_by_side(label, change, failing=failing))
        for f in t.flags:
            rows.append(
                _side_by_side(
                    f.name, TextChange("yes" if f.old else "no", "yes" if f.new else "no")
                )
            )
        for i in t.insights:
            rows.append(
                f'<tr class="insight"><th>{esc(i.insight)}</th>'
                f'<td class="old">{fmt_p(i.old) if i.old is not None else "not detected"}</td>'
                f'<td class="new">{fmt_p(i.new) if i.new is not None else "not detected"} '
                f"<b>({i.delta:+.2f})</b></td></tr>"
            )
        if t.latency_changed:
            rows.append(
                f"<tr><th>Latency</th><td class='old num'>{fmt_ms(t.latency.old_ms)}</td>"
                f"<td class='new num'>{fmt_ms(t.latency.new_ms)}</td></tr>"
            )
    rows += [expectation_row(e) for e in t.expectations]
    cls = "failing" if t.failing else "changed"
    return (
        f'<tbody class="turn-diff {cls}" data-turn="{t.index}">'
        f'<tr><th colspan="3">Turn {t.index}</th></tr>{"".join(rows)}</tbody>'
    )


def _failure_cell(failure: ExpectationFailure | None, judged: bool) -> str:
    if failure is None:
        word = "held" if judged else "not judged (no journey file)"
        return f'<span class="badge ok">{esc(word)}</span>'
    return (
        '<span class="badge failing">fails</span> '
        f"expected {esc(failure.expected)}; got {esc(failure.actual)}"
    )


def expectation_row(e: ExpectationChange) -> str:
    """An expectation failing on one side only: key, OLD, NEW."""
    badge = "fixed" if e.fixed else "new failure"
    return (
        f'<tr class="failing expectation" data-key="{esc(e.key)}">'
        f'<th>{esc(e.key)} <span class="badge failing">{badge}</span></th>'
        f'<td class="old">{_failure_cell(e.old, e.old_judged)}</td>'
        f'<td class="new">{_failure_cell(e.new, e.new_judged)}</td></tr>'
    )


def call_diff_html(call: CallDiff, links: tuple[str | None, str | None]) -> str:
    """A changed call's section: its failures and every changed turn."""
    anchor = _anchor(call)
    parts = [
        f'<section class="call-diff" id="{anchor}"><h3>{esc(call.recording)} {_badge(call)}</h3>'
    ]
    link_bits = [
        f'<a href="{esc(href)}">{name} report</a>'
        for name, href in (("OLD", links[0]), ("NEW", links[1]))
        if href is not None
    ]
    if link_bits:
        parts.append(f'<p class="note">{" · ".join(link_bits)}</p>')
    failures = call.failures()
    if failures:
        items = "".join(f"<li>{esc(f)}</li>" for f in failures)
        parts.append(f'<ul class="failures">{items}</ul>')
    if call.old is not None and call.new is not None:
        extra = [
            ("Greeting", call.greeting),
            ("End reason", call.end_reason),
            ("Errors", call.errors),
        ]
        for label, change in extra:
            if change is not None:
                parts.append(f"<p><b>{esc(label)}:</b> {_old_new(change.old, change.new)}</p>")
        changed_turns = [t for t in call.turns if t.changed]
        whole = "".join(expectation_row(e) for e in call.expectations)
        if whole:
            whole = (
                '<tbody class="turn-diff failing" data-turn="call">'
                f'<tr><th colspan="3">Whole call</th></tr>{whole}</tbody>'
            )
        if changed_turns or whole:
            parts.append(
                '<table class="diff"><thead><tr><th style="width:14%">What</th>'
                '<th style="width:43%">OLD</th><th style="width:43%">NEW</th></tr></thead>'
                + "".join(turn_diff_html(t) for t in changed_turns)
                + whole
                + "</table>"
            )
        if call.still_failing:
            items = "".join(
                f"<li>{esc(e.where)} <code>{esc(e.key)}</code></li>" for e in call.still_failing
            )
            parts.append(
                '<p class="note">Failing in both runs (not a change):</p>'
                f'<ul class="still-failing">{items}</ul>'
            )
    parts.append("</section>")
    return "".join(parts)


def _anchor(call: CallDiff) -> str:
    return "call-" + "".join(ch if ch.isalnum() else "-" for ch in call.recording)


def _badge(call: CallDiff) -> str:
    cls, text = _STATUS_BADGE[call.status]
    return f'<span class="badge {cls}">{esc(text)}</span>'


def _count(record: CallRecord | None) -> str:
    return "–" if record is None else str(len(record.turns))


def compare_page(
    comparison: Comparison, links: Sequence[tuple[str | None, str | None]] | None = None
) -> str:
    """The compare page; ``links``: per call, hrefs of its OLD and NEW reports (or None)."""
    hrefs = list(links) if links is not None else [(None, None)] * len(comparison.calls)
    changed = sum(c.changed for c in comparison.calls)
    failing = sum(c.failing for c in comparison.calls)
    verdict = (
        "<p><span class=\"badge failing\">FAILING</span> a turn's action, a call's turn count "
        "or the failing expectations changed, or a call is on one side only.</p>"
        if comparison.failing
        else '<p><span class="badge ok">OK</span> no action, turn count, failing expectation '
        "or call changed.</p>"
    )
    header = facts(
        [
            ("OLD", f"<code>{esc(comparison.old_dir)}</code>"),
            ("NEW", f"<code>{esc(comparison.new_dir)}</code>"),
            ("Calls compared", str(len(comparison.calls))),
            ("Changed", str(changed)),
            ("Failing", str(failing)),
            (
                "Expectation changes",
                str(sum(len(c.expectation_changes()) for c in comparison.calls)),
            ),
            ("Insight threshold", f"{comparison.threshold:.2f}"),
            ("Latency threshold", fmt_ms(comparison.latency_threshold_ms)),
        ]
    )
    rows: list[str] = []
    for call in comparison.calls:
        name = esc(call.recording)
        if call.changed:
            name = f'<a href="#{_anchor(call)}">{name}</a>'
        changed_turns = [t.index for t in call.turns if t.changed]
        items = "".join(f"<li>{esc(f)}</li>" for f in call.failures())
        failures = f'<ul class="plain">{items}</ul>' if items else "–"
        rows.append(
            f'<tr class="call {call.status}"><td>{name}</td><td>{_badge(call)}</td>'
            f'<td class="num">{_count(call.old)} → {_count(call.new)}</td>'
            f'<td class="num">{esc(call.p50.describe())}</td>'
            f'<td class="num">{esc(call.p95.describe())}</td>'
            f"<td>{esc(', '.join(map(str, changed_turns)) or '–')}</td>"
            f"<td>{failures}</td></tr>"
        )
    table = (
        '<div class="scroll"><table class="calls"><thead><tr><th>Recording</th><th>Status</th>'
        "<th class='num'>Turns</th><th class='num'>Latency p50</th>"
        "<th class='num'>Latency p95</th><th>Changed turns</th><th>Why failing</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table></div>"
    )
    sections = [
        call_diff_html(call, link)
        for call, link in zip(comparison.calls, hrefs, strict=True)
        if call.changed
    ]
    body = "\n".join(
        [
            "<h1>Replay comparison</h1>",
            '<p class="lead">What changed between two replays of the same recordings, '
            "call by call and turn by turn.</p>",
            verdict,
            header,
            "<h2>Calls</h2>",
            table,
            "<h2>Changes</h2>" if sections else '<p class="muted">Nothing changed.</p>',
            *sections,
        ]
    )
    status = "FAILING" if comparison.failing else "OK"
    return page(
        f"Replay comparison: {status}, {changed} of {len(comparison.calls)} calls changed", body
    )


def write_compare_report(comparison: Comparison, out: Path) -> Path:
    """Write the compare page: to ``out`` when it ends in ``.html``, else to
    ``out/compare.html``. Links to each side's call reports that exist."""
    path = out if out.suffix == ".html" else out / COMPARE_HTML
    here = path.parent.resolve()
    links: list[tuple[str | None, str | None]] = []
    for call in comparison.calls:
        pair: list[str | None] = []
        for folder in (call.old_folder, call.new_folder):
            report = folder / CALL_HTML if folder is not None else None
            if report is not None and report.is_file():
                pair.append(Path(os.path.relpath(report.resolve(), here)).as_posix())
            else:
                pair.append(None)
        links.append((pair[0], pair[1]))
    return write_page(path, compare_page(comparison, links))
