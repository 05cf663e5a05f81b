"""The HTML reports of ``voice-agent replay``: one page per call and a summary page.

A call's page (``report.html`` beside its ``call.json``) shows the header figures, a
timeline of who spoke when, per-turn latency bars broken into the server's stages, the
conversion probability over the call and a table of every turn. The summary page
(``index.html`` in the output folder) has one row a call, linking to each call's page.

The pages are built by pure functions from :class:`~voice_agent.replay.model.CallRecord`
values (``call_page``, ``summary_page`` and the SVG builders); ``write_call_report`` and
``write_summary`` only add the file system. All text from the call is escaped.

How the latency stages are drawn (see ``voice_agent/call/core.py``): ``vad_end`` is the
end-of-turn silence, from the end of the caller's speech until the server decided the turn
was over; ``first_audio`` is cumulative, from the end of speech to the first agent audio
sent; ``transcription``, ``orchestrator`` and ``tts_first_chunk`` are durations of work
that starts speculatively when the caller stops speaking, so it runs *during* the
silence. Each turn therefore gets two bars on one ms axis from the end of speech: what the
caller waited (silence, then turn end to first audio) and the work (stages back to back,
an upper bound on when each finished), plus a mark for the latency the replay client heard.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from voice_agent.replay.html import (
    Scale,
    esc,
    facts,
    fmt_ms,
    fmt_opt,
    fmt_p,
    fmt_s,
    ident,
    legend,
    num,
    page,
    write_page,
)
from voice_agent.replay.model import (
    AGENT_WAV,
    CALL_HTML,
    CALL_JSON,
    STEREO_WAV,
    SUMMARY_HTML,
    CallRecord,
    ExpectationFailure,
    Expectations,
    Label,
    RecordError,
    Span,
    TurnRecord,
    percentile,
)

#: The end-of-turn silence: from the end of the caller's speech to the turn's end.
WAIT_STAGE: Final = "vad_end"
#: Cumulative: from the end of the caller's speech to the first agent audio sent.
TOTAL_STAGE: Final = "first_audio"
#: Work durations, in the order they run (speculatively, from the end of speech).
WORK_STAGES: Final[tuple[str, ...]] = ("transcription", "orchestrator", "tts_first_chunk")
#: Timings that are not stages of the turn: the caller's audio length, and a sub-interval
#: of ``first_audio`` (response start to first audio). Listed in the table, not drawn.
NOT_STAGES: Final[frozenset[str]] = frozenset({"audio_ms", "response_start_to_first_audio"})

COLOURS: Final[dict[str, str]] = {
    "caller": "#2563eb",
    "agent": "#059669",
    "cut": "#dc2626",
    WAIT_STAGE: "#cbd5e1",
    "after_turn_end": "#f97316",
    "transcription": "#8b5cf6",
    "orchestrator": "#14b8a6",
    "tts_first_chunk": "#eab308",
    "other": "#9ca3af",
    "heard": "#111827",
}
STAGE_NAMES: Final[dict[str, str]] = {
    WAIT_STAGE: "end-of-turn silence (vad_end)",
    "after_turn_end": "turn end → first audio",
    "transcription": "transcription",
    "orchestrator": "orchestrator",
    "tts_first_chunk": "TTS first chunk",
}

CHART_WIDTH: Final = 960


# -- small formatters -------------------------------------------------------------------------


def labels_html(labels: Sequence[Label]) -> str:
    if not labels:
        return '<span class="muted">–</span>'
    items = "".join(f"<li>{ident(x.label)} <b>{x.p:.2f}</b></li>" for x in labels)
    return f'<ul class="plain">{items}</ul>'


def fallbacks_html(fallbacks: Sequence[str]) -> str:
    if not fallbacks:
        return '<span class="muted">–</span>'
    return "".join(f'<span class="badge fallback">{esc(f)}</span>' for f in fallbacks)


def errors_html(errors: Sequence[str]) -> str:
    if not errors:
        return "0"
    badges = "".join(f'<span class="badge error">{esc(e)}</span>' for e in errors)
    return f"{len(errors)} {badges}"


def expectations_badge(expectations: Expectations | None) -> str:
    """``12/12 held`` (green), ``2 failed`` (red), or ``–`` without a journey file."""
    if expectations is None:
        return '<span class="muted">–</span>'
    cls = "ok" if expectations.passed else "failing"
    return f'<span class="badge {cls}">{esc(expectations.summary())}</span>'


def buying_html(turn: TurnRecord) -> str:
    if turn.buying_signal:
        return f'<span class="badge buy">yes</span> {turn.buying_signal_p:.2f}'
    return f'<span class="muted">no</span> {turn.buying_signal_p:.2f}'


def first_buying_turn(record: CallRecord) -> int | None:
    return next((t.index for t in record.turns if t.buying_signal), None)


# -- timeline -----------------------------------------------------------------------------------


def caller_spans(record: CallRecord) -> tuple[Span, ...]:
    """Every stretch of caller speech (the turns' spans when the call has no list)."""
    if record.caller_speech:
        return record.caller_speech
    return tuple(t.caller for t in record.turns if t.caller is not None)


def agent_spans(record: CallRecord) -> tuple[Span, ...]:
    """Every stretch of agent audio heard (the turns' spans when the call has no list)."""
    if record.agent_speech:
        return record.agent_speech
    return tuple(t.agent for t in record.turns if t.agent is not None)


def timeline_svg(record: CallRecord) -> str:
    """Who spoke when: caller and agent lanes over the call, turn numbers at the start of
    each caller turn, a red mark where the caller cut a reply short."""
    callers, agents = caller_spans(record), agent_spans(record)
    ends = [s.end_s for s in (*callers, *agents)]
    duration = max([record.duration_s, *ends, 0.001])
    left, right = 70.0, CHART_WIDTH - 20.0
    x = Scale.fit(duration, left, right, ticks=10)
    lanes = {"caller": 34.0, "agent": 74.0}
    lane_h = 26.0
    height = 130
    parts: list[str] = [
        f'<svg class="timeline" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Who spoke when</title>",
    ]
    axis_y = lanes["agent"] + lane_h + 8
    for tick in x.ticks():
        tx = num(x(tick))
        parts.append(
            f'<line class="grid" x1="{tx}" x2="{tx}" y1="{lanes["caller"] - 14}" y2="{axis_y}"/>'
            f'<text x="{tx}" y="{axis_y + 14}" text-anchor="middle">{tick:g} s</text>'
        )
    for who, y in lanes.items():
        parts.append(
            f'<text class="lane" x="{left - 8}" y="{y + lane_h / 2 + 4}" '
            f'text-anchor="end">{"Caller" if who == "caller" else "Agent"}</text>'
        )
    for who, spans in (("caller", callers), ("agent", agents)):
        y = lanes[who]
        for s in spans:
            x0, x1 = x(s.start_s), x(max(s.end_s, s.start_s))
            parts.append(
                f'<rect class="span {who}" x="{num(x0)}" y="{y}" width="{num(max(x1 - x0, 1.5))}" '
                f'height="{lane_h}" rx="3" fill="{COLOURS[who]}">'
                f"<title>{who} {s.start_s:.2f}–{s.end_s:.2f} s</title></rect>"
            )
    for t in record.turns:
        if t.caller is not None:
            tx = num(x(t.caller.start_s))
            parts.append(
                f'<g class="turn-mark" data-turn="{t.index}">'
                f'<line x1="{tx}" x2="{tx}" y1="{lanes["caller"] - 12}" '
                f'y2="{lanes["caller"]}" stroke="{COLOURS["caller"]}"/>'
                f'<text x="{tx}" y="{lanes["caller"] - 15}" text-anchor="middle" '
                f'style="fill:{COLOURS["caller"]};font-weight:700">{t.index}</text></g>'
            )
        if t.barge_in and t.agent is not None:
            bx = x(t.agent.end_s)
            y0 = lanes["agent"]
            parts.append(
                f'<polygon class="barge-in" data-turn="{t.index}" fill="{COLOURS["cut"]}" '
                f'points="{num(bx - 6)},{y0 - 8} {num(bx + 6)},{y0 - 8} {num(bx)},{y0 + 2}">'
                f"<title>turn {t.index}: reply cut short at {t.agent.end_s:.2f} s</title>"
                "</polygon>"
                f'<line x1="{num(bx)}" x2="{num(bx)}" y1="{y0}" y2="{y0 + lane_h}" '
                f'stroke="{COLOURS["cut"]}" stroke-width="2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


# -- latency bars -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Segment:
    """One coloured piece of a latency bar, in ms from the end of the caller's speech."""

    stage: str
    start_ms: float
    length_ms: float


def work_stages(keys: Iterable[str]) -> list[str]:
    """The work stages among timing ``keys`` in drawing order: the known ones first, then
    any other key the server reported (sorted), so a new stage shows up on its own."""
    present = set(keys)
    known = [k for k in WORK_STAGES if k in present]
    others = sorted(present - set(WORK_STAGES) - NOT_STAGES - {WAIT_STAGE, TOTAL_STAGE})
    return known + others


def waited_segments(turn: TurnRecord) -> list[Segment]:
    """The caller's wait: the end-of-turn silence, then turn end to the first audio."""
    t = turn.timings_ms
    out: list[Segment] = []
    wait = t.get(WAIT_STAGE)
    if wait is not None:
        out.append(Segment(WAIT_STAGE, 0.0, max(wait, 0.0)))
    total = t.get(TOTAL_STAGE)
    if total is not None:
        start = max(wait or 0.0, 0.0)
        out.append(Segment("after_turn_end", start, max(total - start, 0.0)))
    return out


def work_segments(turn: TurnRecord) -> list[Segment]:
    """The work stages back to back from the end of speech."""
    out: list[Segment] = []
    at = 0.0
    for stage in work_stages(turn.timings_ms):
        length = max(turn.timings_ms[stage], 0.0)
        out.append(Segment(stage, at, length))
        at += length
    return out


def _bar_end(segments: Sequence[Segment]) -> float:
    return max((s.start_ms + s.length_ms for s in segments), default=0.0)


def latency_svg(record: CallRecord) -> str:
    """Per-turn latency bars on one ms axis from the end of the caller's speech."""
    turns = record.turns
    largest = 0.0
    for t in turns:
        largest = max(
            largest,
            _bar_end(waited_segments(t)),
            _bar_end(work_segments(t)),
            t.latency_ms or 0.0,
        )
    left, right = 70.0, CHART_WIDTH - 170.0
    x = Scale.fit(max(largest, 1.0), left, right, ticks=8)
    row_h, bar_h, top = 40.0, 13.0, 12.0
    axis_y = top + row_h * len(turns)
    height = int(axis_y + 40)
    parts: list[str] = [
        f'<svg class="latency" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Latency per turn, ms from the end of the caller's speech</title>",
    ]
    for tick in x.ticks():
        tx = num(x(tick))
        parts.append(
            f'<line class="grid" x1="{tx}" x2="{tx}" y1="{top - 4}" y2="{axis_y}"/>'
            f'<text x="{tx}" y="{axis_y + 14}" text-anchor="middle">{tick:,.0f}</text>'
        )
    parts.append(
        f'<text x="{num((left + right) / 2)}" y="{axis_y + 32}" text-anchor="middle">'
        "ms from the end of the caller's speech</text>"
    )
    for row, t in enumerate(turns):
        y = top + row * row_h
        parts.append(
            f'<g class="turn-latency" data-turn="{t.index}">'
            f'<text class="lane" x="{left - 8}" y="{num(y + bar_h + 4)}" '
            f'text-anchor="end">Turn {t.index}</text>'
        )
        for lane, segments in ((0, waited_segments(t)), (1, work_segments(t))):
            by = y + lane * (bar_h + 2)
            for s in segments:
                x0, x1 = x(s.start_ms), x(s.start_ms + s.length_ms)
                colour = COLOURS.get(s.stage, COLOURS["other"])
                name = STAGE_NAMES.get(s.stage, s.stage)
                parts.append(
                    f'<rect class="stage" data-stage="{esc(s.stage)}" x="{num(x0)}" '
                    f'y="{num(by)}" width="{num(max(x1 - x0, 0.0))}" height="{bar_h}" '
                    f'fill="{colour}"><title>turn {t.index}: {esc(name)} '
                    f"{s.length_ms:,.0f} ms</title></rect>"
                )
        total = t.timings_ms.get(TOTAL_STAGE)
        said = [f"sent {total:,.0f}"] if total is not None else []
        if t.latency_ms is not None:
            said.append(f"heard {t.latency_ms:,.0f}")
        if said:
            end = max(total or 0.0, t.latency_ms or 0.0, _bar_end(work_segments(t)))
            parts.append(
                f'<text x="{num(x(end) + 8)}" y="{num(y + bar_h + 4)}">{" · ".join(said)} ms</text>'
            )
        if t.latency_ms is not None:
            hx = x(t.latency_ms)
            parts.append(
                f'<path class="heard" d="M{num(hx)},{num(y - 3)} V{num(y + 2 * bar_h + 5)}" '
                f'stroke="{COLOURS["heard"]}" stroke-width="2">'
                f"<title>turn {t.index}: heard by the replay client after "
                f"{t.latency_ms:,.0f} ms</title></path>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def latency_legend(record: CallRecord) -> str:
    keys = {k for t in record.turns for k in t.timings_ms}
    items = [(STAGE_NAMES[WAIT_STAGE], COLOURS[WAIT_STAGE])] if WAIT_STAGE in keys else []
    if TOTAL_STAGE in keys:
        items.append((STAGE_NAMES["after_turn_end"], COLOURS["after_turn_end"]))
    for stage in work_stages(keys):
        items.append((STAGE_NAMES.get(stage, stage), COLOURS.get(stage, COLOURS["other"])))
    items.append(("heard by the replay client (black mark)", COLOURS["heard"]))
    return legend(items)


# -- conversion chart ---------------------------------------------------------------------------


def conversion_svg(record: CallRecord) -> str:
    """The conversion probability after each turn (0-1); filled points: buying signal."""
    turns = record.turns
    left, right, top, bottom = 50.0, CHART_WIDTH - 30.0, 16.0, 196.0
    height = int(bottom + 36)

    def px(i: int) -> float:
        if len(turns) == 1:
            return (left + right) / 2
        return left + 20 + (right - left - 40) * i / (len(turns) - 1)

    def py(p: float) -> float:
        return bottom - (bottom - top) * min(max(p, 0.0), 1.0)

    parts: list[str] = [
        f'<svg class="conversion" role="img" viewBox="0 0 {CHART_WIDTH} {height}" '
        f'width="{CHART_WIDTH}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        "<title>Conversion probability per turn</title>",
    ]
    for p in (0.0, 0.25, 0.5, 0.75, 1.0):
        gy = num(py(p))
        dash = ' stroke-dasharray="4 3"' if p == 0.5 else ""
        parts.append(
            f'<line class="grid" x1="{left}" x2="{right}" y1="{gy}" y2="{gy}"{dash}/>'
            f'<text x="{left - 8}" y="{num(py(p) + 4)}" text-anchor="end">{p:.2f}</text>'
        )
    every = max(1, len(turns) // 20)
    for i, t in enumerate(turns):
        if i % every == 0 or i == len(turns) - 1:
            parts.append(
                f'<text x="{num(px(i))}" y="{bottom + 16}" text-anchor="middle">{t.index}</text>'
            )
    parts.append(
        f'<text x="{num((left + right) / 2)}" y="{bottom + 32}" text-anchor="middle">turn</text>'
    )
    points = " ".join(
        f"{num(px(i))},{num(py(t.conversion_probability))}" for i, t in enumerate(turns)
    )
    parts.append(
        f'<polyline class="conversion-line" points="{points}" fill="none" '
        f'stroke="{COLOURS["caller"]}" stroke-width="2.5"/>'
    )
    for i, t in enumerate(turns):
        fill = COLOURS["agent"] if t.buying_signal else "#ffffff"
        stroke = COLOURS["agent"] if t.buying_signal else COLOURS["caller"]
        parts.append(
            f'<circle class="point" data-turn="{t.index}" cx="{num(px(i))}" '
            f'cy="{num(py(t.conversion_probability))}" r="5.5" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="2"><title>turn {t.index}: '
            f"{t.conversion_probability:.2f}, next {esc(t.action)}"
            f"{', buying signal' if t.buying_signal else ''}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


# -- turn table ---------------------------------------------------------------------------------


def timings_html(turn: TurnRecord) -> str:
    if not turn.timings_ms:
        return ""
    items = "".join(f"<span>{esc(k)} {v:,.0f}</span>" for k, v in turn.timings_ms.items())
    return f'<details class="timings"><summary>stages, ms</summary>{items}</details>'


def failure_items(failures: Sequence[ExpectationFailure]) -> str:
    """Failed expectations as list items: the key, what was expected, what happened."""
    return "".join(
        f'<li class="expect-failure"><code>{esc(f.key)}</code>: expected {esc(f.expected)}; '
        f"got {esc(f.actual)}</li>"
        for f in failures
    )


def expectations_cell(turn: TurnRecord, expectations: Expectations) -> str:
    """``held``, or a badge per failed key (the whole failure in its tooltip; the list above
    the table has them in full)."""
    failures = [f for f in expectations.failures if f.turn == turn.index]
    if not failures:
        return '<span class="badge ok">held</span>'
    return "".join(
        f'<span class="badge failing" title="{esc(f.message)}">{ident(f.key)}</span>'
        for f in failures
    )


def expectations_html(record: CallRecord) -> str:
    """The expectations section of a call's page: all held, or each failure by turn."""
    e = record.expectations
    if e is None:
        return ""
    head = (
        f'<p class="lead">Judged against <code>{esc(e.journey)}</code>, the journey file '
        f"beside the recording: {e.judged} expectations.</p>"
    )
    if e.passed:
        return (
            f'<section class="expectations passed"><h2>Expectations</h2>{head}'
            f'<p><span class="badge ok">all held</span> {esc(e.summary())}</p></section>'
        )
    groups: list[str] = []
    turns = sorted({f.turn for f in e.failures if f.turn is not None})
    for turn in [*turns, None]:
        failures = [f for f in e.failures if f.turn == turn]
        if failures:
            where = "Whole call" if turn is None else f"Turn {turn}"
            groups.append(
                f'<li data-turn="{"call" if turn is None else turn}"><b>{where}</b>'
                f'<ul class="expect">{failure_items(failures)}</ul></li>'
            )
    return (
        f'<section class="expectations failed"><h2>Expectations</h2>{head}'
        f'<p><span class="badge failing">{esc(e.summary())}</span> of {e.judged}</p>'
        f'<ul class="plain expect-groups">{"".join(groups)}</ul></section>'
    )


def turn_row(turn: TurnRecord, expectations: Expectations | None = None) -> str:
    when = fmt_s(turn.caller.start_s) if turn.caller else "–"
    transcript = esc(turn.transcript) if turn.transcript else '<span class="muted">(none)</span>'
    if turn.dtmf:
        transcript += f' <span class="badge fallback">keys {esc(turn.dtmf)}</span>'
    reply = esc(turn.reply) if turn.reply else '<span class="muted">(no reply heard)</span>'
    if turn.barge_in:
        reply += ' <span class="badge cut">cut short: caller talked over it</span>'
    reason = f'<div class="muted">{esc(turn.action_reason)}</div>' if turn.action_reason else ""
    classes = ["turn"]
    if turn.barge_in:
        classes.append("barge-in")
    expect_cell = ""
    if expectations is not None:
        if any(f.turn == turn.index for f in expectations.failures):
            classes.append("expect-failed")
        expect_cell = f"<td>{expectations_cell(turn, expectations)}</td>"
    return (
        f'<tr class="{" ".join(classes)}" data-turn="{turn.index}">'
        f'<td class="num">{turn.index}<div class="muted">{when}</div></td>'
        f"<td>{transcript}</td>"
        f"<td>{reply}</td>"
        f"<td>{labels_html(turn.objections)}</td>"
        f"<td>{labels_html(turn.needs)}</td>"
        f"<td>{buying_html(turn)}</td>"
        f'<td class="num">{turn.conversion_probability:.2f}</td>'
        f"<td><code>{ident(turn.action or '–')}</code>{reason}</td>"
        f"<td>{ident(turn.phase or '–')}</td>"
        f'<td class="num">{fmt_ms(turn.latency_ms)}{timings_html(turn)}</td>'
        f"<td>{fallbacks_html(turn.fallbacks)}</td>"
        f"{expect_cell}"
        "</tr>"
    )


def turn_table(record: CallRecord) -> str:
    expect_head = "<th>Expectations</th>" if record.expectations is not None else ""
    head = (
        "<tr><th class='num'>#</th><th>Caller said</th><th>Agent replied</th>"
        "<th>Objections</th><th>Needs</th><th>Buying signal</th>"
        "<th class='num'>Conversion</th><th>Next action</th><th>Phase</th>"
        f"<th class='num'>Latency</th><th>Fallbacks</th>{expect_head}</tr>"
    )
    rows = "".join(turn_row(t, record.expectations) for t in record.turns)
    return (
        f'<div class="scroll"><table class="turns"><thead>{head}</thead>'
        f"<tbody>{rows}</tbody></table></div>"
    )


# -- pages ----------------------------------------------------------------------------------------


def call_title(record: CallRecord) -> str:
    return f"Call replay: {record.recording}"


def call_page(
    record: CallRecord, *, audio: str | None = None, agent_audio: str | None = None
) -> str:
    """A call's whole report page; ``audio`` / ``agent_audio``: relative links to the
    stereo call and the agent's audio, when they exist."""
    header = facts(
        [
            ("Via", esc(record.via)),
            ("Language", esc(record.lang)),
            ("Caller channel", esc(record.caller_channel)),
            ("Duration", esc(fmt_s(record.duration_s))),
            ("Recording length", esc(fmt_s(record.recording_s))),
            ("Replay speed", esc(f"{record.speed:g}×")),
            ("Started", esc(record.started_at)),
            ("End reason", esc(fmt_opt(record.end_reason))),
            ("Conversation id", f"<code>{esc(fmt_opt(record.conversation_id))}</code>"),
            ("Call id", f"<code>{esc(fmt_opt(record.call_id))}</code>"),
            ("Turns", str(len(record.turns))),
            (
                "Latency p50 / p95",
                esc(
                    f"{fmt_ms(record.latency_percentile(0.5))} / "
                    f"{fmt_ms(record.latency_percentile(0.95))}"
                ),
            ),
            ("Final conversion", fmt_p(record.final_conversion())),
            ("Barge-ins", str(record.barge_ins())),
            ("Fallbacks", str(record.fallbacks())),
            ("Errors", errors_html(record.errors)),
            ("Expectations", expectations_badge(record.expectations)),
        ]
    )
    body = [
        f"<h1>{esc(record.recording)}</h1>",
        '<p class="lead">Replay of a recorded call through the voice agent.</p>',
        header,
    ]
    if record.expectations is not None:
        body.append(expectations_html(record))
    if audio is not None:
        body.append(
            "<h2>Listen</h2>"
            '<p class="note">Caller on the left, agent on the right, as the caller heard it.</p>'
            f'<audio controls preload="none" src="{esc(audio)}"></audio>'
        )
        if agent_audio is not None:
            body.append(f'<p class="note"><a href="{esc(agent_audio)}">Agent audio only</a></p>')
    body.append("<h2>Who spoke when</h2>")
    body.append(
        legend(
            [
                ("caller", COLOURS["caller"]),
                ("agent (heard)", COLOURS["agent"]),
                ("reply cut short by the caller", COLOURS["cut"]),
            ]
        )
    )
    body.append(timeline_svg(record))
    body.append(
        '<p class="note">Numbers mark where each caller turn starts; seconds from the moment '
        "the call connected, in recording time.</p>"
    )
    if record.greeting:
        body.append(f'<p><span class="who-agent">Agent greeting:</span> {esc(record.greeting)}</p>')
    if record.turns:
        body.append("<h2>Latency per turn</h2>")
        body.append(latency_legend(record))
        body.append(latency_svg(record))
        body.append(
            '<p class="note">Upper bar: what the caller waited, from the end of their speech '
            "to the first agent audio the server sent (the end-of-turn silence, then the rest). "
            "Lower bar: the work, which starts when the caller stops speaking and runs during "
            "the silence, drawn back to back. Black mark: when the replay client heard the "
            "first audio.</p>"
        )
        body.append("<h2>Conversion probability</h2>")
        body.append(conversion_svg(record))
        body.append(
            '<p class="note">After each turn, 0 to 1; filled points: buying signal detected.</p>'
        )
        body.append("<h2>Turns</h2>")
        body.append(turn_table(record))
    else:
        body.append('<p class="muted">The caller had no turn in this call.</p>')
    return page(call_title(record), "\n".join(body))


def write_call_report(record: CallRecord, folder: Path) -> Path:
    """Write ``folder/report.html`` (linking ``call.wav`` / ``agent.wav`` when present)."""
    audio = STEREO_WAV if (folder / STEREO_WAV).is_file() else None
    agent_audio = AGENT_WAV if (folder / AGENT_WAV).is_file() else None
    return write_page(folder / CALL_HTML, call_page(record, audio=audio, agent_audio=agent_audio))


# -- summary --------------------------------------------------------------------------------------


def summary_row(record: CallRecord, folder: str | None) -> str:
    name = esc(record.recording)
    link = f'<a href="{esc(folder)}/{CALL_HTML}">{name}</a>' if folder is not None else name
    buying = first_buying_turn(record)
    buying_cell = (
        f'<span class="badge buy">yes</span> turn {buying}'
        if buying is not None
        else '<span class="muted">no</span>'
    )
    last_action = record.turns[-1].action if record.turns else ""
    return (
        f'<tr class="call">'
        f"<td>{link}</td>"
        f"<td>{esc(record.via)}</td><td>{esc(record.lang)}</td>"
        f'<td class="num">{esc(fmt_s(record.duration_s))}</td>'
        f'<td class="num">{len(record.turns)}</td>'
        f'<td class="num">{fmt_p(record.final_conversion())}</td>'
        f"<td>{buying_cell}</td>"
        f"<td><code>{ident(last_action or '–')}</code></td>"
        f'<td class="num">{fmt_ms(record.latency_percentile(0.5))}</td>'
        f'<td class="num">{fmt_ms(record.latency_percentile(0.95))}</td>'
        f'<td class="num">{record.barge_ins()}</td>'
        f'<td class="num">{record.fallbacks()}</td>'
        f"<td>{errors_html(record.errors)}</td>"
        f"<td>{expectations_badge(record.expectations)}</td>"
        f"<td>{ident(fmt_opt(record.end_reason))}</td>"
        "</tr>"
    )


def expectations_total(records: Sequence[CallRecord]) -> str:
    """All calls' expectations: ``20/20 held``, ``3 failed``, or ``–`` (none judged)."""
    judged = [r.expectations for r in records if r.expectations is not None]
    if not judged:
        return "–"
    failed = sum(len(e.failures) for e in judged)
    total = sum(e.judged for e in judged)
    return f"{failed} failed" if failed else f"{total}/{total} held"


def summary_page(calls: Sequence[tuple[CallRecord, str | None]]) -> str:
    """The summary page: one row a call (``(record, its folder name or None)``) and totals."""
    records = [r for r, _ in calls]
    latencies = [ms for r in records for ms in r.latencies_ms()]
    finals = [p for r in records if (p := r.final_conversion()) is not None]
    mean_final = sum(finals) / len(finals) if finals else None
    with_buying = sum(first_buying_turn(r) is not None for r in records)
    errors = sum(len(r.errors) for r in records)
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    head = (
        "<tr><th>Recording</th><th>Via</th><th>Lang</th><th class='num'>Duration</th>"
        "<th class='num'>Turns</th><th class='num'>Final conversion</th><th>Buying signal</th>"
        "<th>Last action</th><th class='num'>p50</th><th class='num'>p95</th>"
        "<th class='num'>Barge-ins</th><th class='num'>Fallbacks</th><th>Errors</th>"
        "<th>Expectations</th><th>End reason</th></tr>"
    )
    rows = "".join(summary_row(r, f) for r, f in calls)
    totals = (
        '<tr class="totals">'
        f"<td>{len(records)} calls</td><td></td><td></td>"
        f'<td class="num">{esc(fmt_s(sum(r.duration_s for r in records)))}</td>'
        f'<td class="num">{sum(len(r.turns) for r in records)}</td>'
        f'<td class="num">{fmt_p(mean_final)} <span class="muted">mean</span></td>'
        f"<td>{with_buying} of {len(records)}</td><td></td>"
        f'<td class="num">{fmt_ms(p50)}</td><td class="num">{fmt_ms(p95)}</td>'
        f'<td class="num">{sum(r.barge_ins() for r in records)}</td>'
        f'<td class="num">{sum(r.fallbacks() for r in records)}</td>'
        f"<td>{errors}</td><td>{esc(expectations_total(records))}</td><td></td></tr>"
    )
    header = facts(
        [
            ("Calls", str(len(records))),
            ("Turns", str(sum(len(r.turns) for r in records))),
            ("Latency p50 / p95, all turns", esc(f"{fmt_ms(p50)} / {fmt_ms(p95)}")),
            ("Calls with a buying signal", f"{with_buying} of {len(records)}"),
            ("Calls with errors", str(sum(bool(r.errors) for r in records))),
            (
                "Calls failing expectations",
                f"{sum(bool(r.expectations_failed()) for r in records)} of "
                f"{sum(r.expectations is not None for r in records)} judged",
            ),
            ("Fallbacks", str(sum(r.fallbacks() for r in records))),
        ]
    )
    body = "\n".join(
        [
            "<h1>Replay summary</h1>",
            '<p class="lead">Recorded calls replayed through the voice agent; open a recording '
            "for its timeline, latency and turns.</p>",
            header,
            f'<div class="scroll"><table class="summary"><thead>{head}</thead>'
            f"<tbody>{rows}</tbody><tfoot>{totals}</tfoot></table></div>",
            '<p class="note">Latency: end of the caller\'s speech to the first agent audio heard '
            "by the replay client. Final conversion: after the last turn.</p>",
        ]
    )
    return page(f"Replay summary: {len(records)} calls", body)


def locate_folders(records: Sequence[CallRecord], out: Path) -> list[str | None]:
    """Each record's call folder under ``out`` (by the recording named in
    ``out/*/call.json``; else ``out/<recording stem>`` when it exists; else ``None``)."""
    by_recording: dict[str, list[str]] = {}
    for path in sorted(out.glob(f"*/{CALL_JSON}")):
        try:
            recording = CallRecord.read(path).recording
        except RecordError:
            continue
        by_recording.setdefault(recording, []).append(path.parent.name)
    found: list[str | None] = []
    for r in records:
        names = by_recording.get(r.recording)
        if names:
            found.append(names.pop(0))
        elif (out / Path(r.recording).stem).is_dir():
            found.append(Path(r.recording).stem)
        else:
            found.append(None)
    return found


def write_summary(
    records: Sequence[CallRecord], out: Path, folders: Sequence[Path] | None = None
) -> Path:
    """Write ``out/index.html``. ``folders``: each record's call folder (default: found
    under ``out`` by :func:`locate_folders`); links are relative to ``out``."""
    if folders is not None:
        if len(folders) != len(records):
            raise ValueError(f"{len(records)} records but {len(folders)} folders")
        names: list[str | None] = [_relative(f, out) for f in folders]
    else:
        names = locate_folders(records, out)
    return write_page(out / SUMMARY_HTML, summary_page(list(zip(records, names, strict=True))))


def _relative(folder: Path, out: Path) -> str:
    try:
        return folder.resolve().relative_to(out.resolve()).as_posix()
    except ValueError:
        return folder.resolve().as_uri()
