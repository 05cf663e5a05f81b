"""Reports of a journey run: text for the terminal, one JSON document, a self-contained HTML
page (inline CSS, every text html-escaped)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.journeys.checks import Failure
from voice_agent.journeys.observed import ObservedTurn, describe, format_scores
from voice_agent.journeys.runner import JourneyResult, RunResult

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def _status(result: JourneyResult) -> str:
    return "PASS" if result.passed else "FAIL"


def _quote(text: str) -> str:
    return '"' + " ".join(text.split()) + '"'


# -- text ---------------------------------------------------------------------------------------
def _turn_lines(turn: ObservedTurn, failures: Sequence[Failure]) -> list[str]:
    return [
        f"      turn {turn.number}: customer: {_quote(turn.say)}",
        f"        agent: {_quote(turn.reply)}",
        f"        action: {turn.action} ({turn.action_reason})",
        f"        {describe(turn)}",
        *(f"        x {f.message}" for f in failures),
    ]


def journey_text(result: JourneyResult) -> list[str]:
    j = result.journey
    n = len(result.observed.turns)
    lines = [f"{_status(result)}  {j.file}  {j.name} ({n} turns, {result.duration_s:.2f} s)"]
    if result.passed:
        return lines
    by_turn = {t.number: t for t in result.observed.turns}
    numbers = sorted({f.turn for f in result.failures if f.turn is not None})
    for number in numbers:
        lines += _turn_lines(by_turn[number], [f for f in result.failures if f.turn == number])
    whole = [f for f in result.failures if f.turn is None]
    if whole:
        lines.append("      whole call:")
        lines += [f"        x {f.message}" for f in whole]
    if result.error:
        lines.append(f"      error: {result.error}")
    return lines


def summary_line(run: RunResult) -> str:
    return (
        f"{len(run.results)} journeys: {run.passed} passed, {run.failed} failed "
        f"({run.backend}, {run.duration_s:.2f} s)"
    )


def render_text(run: RunResult) -> str:
    lines: list[str] = []
    for result in run.results:
        lines += journey_text(result)
    lines.append(summary_line(run))
    return "\n".join(lines) + "\n"


# -- JSON ---------------------------------------------------------------------------------------
def _failure_json(f: Failure) -> JsonValue:
    return {
        "turn": f.turn,
        "key": f.key,
        "expected": f.expected,
        "actual": f.actual,
        "message": f.message,
    }


def _turn_json(t: ObservedTurn) -> JsonValue:
    ins = t.insights
    return {
        "turn": t.number,
        "say": t.say,
        "reply": t.reply,
        "objections": [{"label": s.label, "p": round(s.p, 4)} for s in ins.objections],
        "needs": [{"label": s.label, "p": round(s.p, 4)} for s in ins.needs],
        "buying_signal": {"value": ins.buying_signal.value, "p": round(ins.buying_signal.p, 4)},
        "conversion_probability": round(ins.conversion_probability, 4),
        "action": {"name": t.action, "reason": t.action_reason},
        "phase": ins.phase,
        "fallbacks": list(ins.fallbacks),
    }


def journey_json(result: JourneyResult) -> JsonValue:
    j = result.journey
    return {
        "file": j.file,
        "name": j.name,
        "lang": j.lang,
        "passed": result.passed,
        "conversation_id": result.observed.conversation_id,
        "duration_s": round(result.duration_s, 3),
        "error": result.error,
        "failures": [_failure_json(f) for f in result.failures],
        "greeting": result.observed.greeting,
        "turns": [_turn_json(t) for t in result.observed.turns],
    }


def run_json(run: RunResult) -> JsonValue:
    return {
        "backend": run.backend,
        "total": len(run.results),
        "passed": run.passed,
        "failed": run.failed,
        "duration_s": round(run.duration_s, 3),
        "detection_threshold": DETECTION_THRESHOLD,
        "journeys": [journey_json(r) for r in run.results],
    }


# -- HTML ---------------------------------------------------------------------------------------
_CSS = """
body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;
max-width:75rem;padding:0 1rem;color:#1d2330}
h1{font-size:1.4rem}
.summary{font-size:1.05rem;margin-bottom:1.2rem}
details{border:1px solid #d5d9e2;border-radius:6px;margin:.5rem 0;padding:.3rem .8rem}
summary{cursor:pointer;font-weight:600}
.pass{color:#17703a}.fail{color:#b3261e}
.badge{display:inline-block;min-width:3.2rem;font-weight:700}
.file{color:#5b6475;font-weight:400;font-family:ui-monospace,monospace;font-size:.85rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0}
th,td{border-top:1px solid #e3e6ec;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{font-size:.8rem;text-transform:uppercase;color:#5b6475}
tr.bad td{background:#fdf0ef}
.who{font-weight:600;color:#5b6475}
.meta{font-size:.85rem;color:#3c4456}
ul.failures{margin:.3rem 0;padding-left:1.2rem;color:#b3261e}
.error{color:#b3261e;font-weight:600}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _turn_row(t: ObservedTurn, failures: Sequence[Failure]) -> str:
    ins = t.insights
    bs = ins.buying_signal
    items = "".join(f"<li>{_e(f.message)}</li>" for f in failures)
    fails = f'<ul class="failures">{items}</ul>' if failures else ""
    return (
        f'<tr class="{"bad" if failures else "ok"}"><td>{t.number}</td>'
        f'<td><span class="who">customer</span> {_e(t.say)}<br>'
        f'<span class="who">agent</span> {_e(t.reply)}{fails}</td>'
        f'<td class="meta">objections: {_e(format_scores(ins.objections))}<br>'
        f"needs: {_e(format_scores(ins.needs))}<br>"
        f"buying: {_e(str(bs.value).lower())} ({bs.p:.2f})<br>"
        f"conversion: {ins.conversion_probability:.2f}</td>"
        f'<td class="meta"><b>{_e(t.action)}</b><br>{_e(t.action_reason)}<br>'
        f"phase: {_e(ins.phase)}</td></tr>"
    )


def _journey_html(result: JourneyResult) -> str:
    j = result.journey
    cls = "pass" if result.passed else "fail"
    rows = "".join(
        _turn_row(t, [f for f in result.failures if f.turn == t.number])
        for t in result.observed.turns
    )
    whole = [f for f in result.failures if f.turn is None]
    whole_html = (
        '<p>Whole call:</p><ul class="failures">'
        + "".join(f"<li>{_e(f.message)}</li>" for f in whole)
        + "</ul>"
        if whole
        else ""
    )
    error = f'<p class="error">{_e(result.error)}</p>' if result.error else ""
    return (
        f'<details lang="{j.lang}"{"" if result.passed else " open"}><summary>'
        f'<span class="badge {cls}">{_status(result)}</span> {_e(j.name)} '
        f'<span class="file">{_e(j.file)} · {_e(j.lang)} · {len(result.observed.turns)} turns'
        f" · {result.duration_s:.2f} s</span></summary>"
        f'<p><span class="who">agent</span> {_e(result.observed.greeting)}</p>'
        "<table><tr><th>#</th><th>conversation</th><th>insights</th><th>action</th></tr>"
        f"{rows}</table>{whole_html}{error}</details>"
    )


def render_html(run: RunResult) -> str:
    ordered = sorted(run.results, key=lambda r: r.passed)  # failures first
    body = "".join(_journey_html(r) for r in ordered)
    cls = "pass" if run.ok else "fail"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Journeys: {run.passed}/{len(run.results)} passed</title>"
        f"<style>{_CSS}</style></head><body><h1>Journeys</h1>"
        f'<p class="summary {cls}">{_e(summary_line(run))}</p>'
        f'<p class="meta">Labels are detected at p &gt;= {DETECTION_THRESHOLD}.</p>'
        f"{body}</body></html>\n"
    )


__all__ = ["JsonValue", "journey_json", "render_html", "render_text", "run_json"]
