"""The replay HTML pages: a call's report and the summary, checked element by element."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.replay.pages import parse
from tests.unit.replay.records import SCRIPT, sales_call, short_call
from voice_agent.replay.model import (
    CALL_HTML,
    STEREO_WAV,
    SUMMARY_HTML,
    CallRecord,
    ExpectationFailure,
    Expectations,
    Span,
)
from voice_agent.replay.report import (
    call_page,
    latency_svg,
    summary_page,
    timeline_svg,
    write_call_report,
    write_summary,
)


def _float(value: str) -> float:
    return float(value)


def _self_contained(document: str) -> None:
    """No script, no stylesheet or image fetched, no URL but the SVG namespace."""
    assert "<script" not in document.lower()
    assert "<link" not in document.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>]+", document))
    assert urls <= {"http://www.w3.org/2000/svg"}


# -- the call page ------------------------------------------------------------------------------


def test_call_page_escapes_the_transcripts_and_keeps_spanish_text() -> None:
    document = call_page(sales_call())
    assert SCRIPT not in document
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in document
    assert "¿cuánto cuesta?" in document
    assert "¡Hecho! Te envío los detalles por correo." in document
    assert '<meta charset="utf-8">' in document
    _self_contained(document)
    # the parsed text holds the transcript as typed, once, as text
    assert SCRIPT in parse(document).text


def test_call_page_header_has_the_call_figures() -> None:
    record = sales_call()
    document = call_page(record)
    page = parse(document)
    assert "<title>Call replay: llamada-ñandú.wav</title>" in document
    facts = {dt: dd for dt, dd in re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", document)}
    assert facts["Via"] == "realtime"
    assert facts["Language"] == "es"
    assert facts["Duration"] == "32.4 s"
    assert facts["End reason"] == "caller_hung_up"
    assert facts["Conversation id"] == "<code>conv_0123</code>"
    p50, p95 = record.latency_percentile(0.5), record.latency_percentile(0.95)
    assert p50 is not None and p95 is not None
    assert facts["Latency p50 / p95"] == f"{p50:,.0f} ms / {p95:,.0f} ms"
    assert facts["Barge-ins"] == "1"
    assert facts["Fallbacks"] == "1"
    assert facts["Errors"] == "0"
    assert "¡Hola! Soy Ana, de FitLife." in page.text  # the greeting


def test_errors_are_listed_in_the_header() -> None:
    document = call_page(short_call())
    assert re.search(
        r"<dt>Errors</dt><dd>1 <span class=\"badge error\">turn_failed</span>", document
    )


def test_timeline_draws_every_span_and_marks_turns_and_barge_ins() -> None:
    record = sales_call()
    page = parse(timeline_svg(record))
    callers = page.find("rect", "caller")
    agents = page.find("rect", "agent")
    assert len(callers) == len(record.caller_speech) == 4
    assert len(agents) == len(record.agent_speech) == 5  # greeting + four replies
    assert [m.attrs["data-turn"] for m in page.find("g", "turn-mark")] == ["1", "2", "3", "4"]
    assert [m.attrs["data-turn"] for m in page.find("polygon", "barge-in")] == ["2"]
    # spans are placed in time order, left to right, with widths proportional to length
    xs = [_float(r.attrs["x"]) for r in callers]
    assert xs == sorted(xs)
    widths = [_float(r.attrs["width"]) for r in callers]
    lengths = [s.end_s - s.start_s for s in record.caller_speech]
    ratio = widths[0] / lengths[0]
    for w, length in zip(widths, lengths, strict=True):
        assert w == pytest.approx(ratio * length, abs=0.2)


def test_timeline_falls_back_to_the_turns_spans() -> None:
    record = replace(sales_call(), agent_speech=(), caller_speech=())
    page = parse(timeline_svg(record))
    assert len(page.find("rect", "caller")) == 4
    assert len(page.find("rect", "agent")) == 4


def test_latency_bars_have_every_stage_of_every_turn() -> None:
    record = sales_call()
    page = parse(latency_svg(record))
    groups = page.find("g", "turn-latency")
    assert [g.attrs["data-turn"] for g in groups] == ["1", "2", "3", "4"]
    stages = page.find("rect", "stage")
    assert len(stages) == 4 * 5
    drawn = {r.attrs["data-stage"] for r in stages}
    assert drawn == {
        "vad_end",
        "after_turn_end",
        "transcription",
        "orchestrator",
        "tts_first_chunk",
    }
    # not stages: the caller's audio length and a sub-interval of first_audio
    assert "audio_ms" not in drawn and "response_start_to_first_audio" not in drawn
    assert len(page.find("path", "heard")) == 4


def test_latency_bars_are_drawn_to_scale_from_the_end_of_speech() -> None:
    record = replace(sales_call(), turns=sales_call().turns[:1])
    turn = record.turns[0]
    page = parse(latency_svg(record))
    rects = {r.attrs["data-stage"]: r for r in page.find("rect", "stage")}

    def x(stage: str) -> float:
        return _float(rects[stage].attrs["x"])

    def w(stage: str) -> float:
        return _float(rects[stage].attrs["width"])

    px_per_ms = w("vad_end") / turn.timings_ms["vad_end"]
    # the wait: silence from 0, then turn end to first audio, ending at first_audio
    assert x("after_turn_end") == pytest.approx(x("vad_end") + w("vad_end"), abs=0.2)
    assert x("vad_end") + w("vad_end") + w("after_turn_end") == pytest.approx(
        x("vad_end") + turn.timings_ms["first_audio"] * px_per_ms, abs=0.3
    )
    # the work: from the same origin, stages back to back
    assert x("transcription") == pytest.approx(x("vad_end"), abs=0.1)
    assert x("orchestrator") == pytest.approx(x("transcription") + w("transcription"), abs=0.2)
    assert x("tts_first_chunk") == pytest.approx(x("orchestrator") + w("orchestrator"), abs=0.2)
    for stage in ("transcription", "orchestrator", "tts_first_chunk"):
        assert w(stage) == pytest.approx(turn.timings_ms[stage] * px_per_ms, abs=0.2)
    # the axis is labelled in ms
    assert "ms from the end of the caller's speech" in parse(latency_svg(record)).text


def test_a_new_stage_key_is_drawn_and_a_keys_only_turn_has_only_its_stage() -> None:
    base = sales_call()
    first = replace(base.turns[0], timings_ms={**base.turns[0].timings_ms, "llm_first_token": 60.0})
    record = replace(base, turns=(first,))
    stages = [r.attrs["data-stage"] for r in parse(latency_svg(record)).find("rect", "stage")]
    assert "llm_first_token" in stages
    assert stages.index("llm_first_token") > stages.index("tts_first_chunk")

    svg = latency_svg(short_call())  # turn 2: only an orchestrator timing, nothing heard
    turn2 = svg.split('<g class="turn-latency" data-turn="2">', 1)[1].split("</g>", 1)[0]
    assert [r.attrs["data-stage"] for r in parse(turn2).find("rect", "stage")] == ["orchestrator"]
    assert not parse(turn2).find("path", "heard")
    assert len(parse(svg).find("rect", "stage")) == 5 + 1


def test_conversion_chart_has_one_point_a_turn_higher_when_more_likely() -> None:
    record = sales_call()
    document = call_page(record)
    page = parse(document)
    points = page.find("circle", "point", inside="svg.conversion")
    assert [p.attrs["data-turn"] for p in points] == ["1", "2", "3", "4"]
    ys = [_float(p.attrs["cy"]) for p in points]
    probabilities = [t.conversion_probability for t in record.turns]
    order_by_y = sorted(range(4), key=lambda i: ys[i])
    order_by_p = sorted(range(4), key=lambda i: -probabilities[i])
    assert order_by_y == order_by_p
    filled = [p.attrs["data-turn"] for p in points if p.attrs["fill"] != "#ffffff"]
    assert filled == ["3", "4"]  # buying signal
    assert len(page.find("polyline", "conversion-line")) == 1


def test_turn_table_has_a_row_a_turn_with_barge_in_fallback_and_insights() -> None:
    record = sales_call()
    document = call_page(record)
    page = parse(document)
    rows = page.find("tr", "turn")
    assert [r.attrs["data-turn"] for r in rows] == ["1", "2", "3", "4"]
    assert [r.attrs["data-turn"] for r in page.find("tr", "barge-in")] == ["2"]
    body = document.split('<table class="turns">', 1)[1]
    row2 = body.split('data-turn="2"', 1)[1].split("</tr>", 1)[0]
    assert "cut short" in row2
    assert "think_<wbr>it_<wbr>over <b>0.55</b>" in row2
    row3 = body.split('data-turn="3"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge fallback">conversion</span>' in row3
    assert "offer_<wbr>trial" in row3
    assert "need event_prep with buying signal" in row3
    assert '<span class="badge buy">yes</span> 0.71' in row3
    row4 = body.split('data-turn="4"', 1)[1].split("</tr>", 1)[0]
    assert "keys 1" in row4


def test_a_call_without_turns_says_so_and_draws_no_charts() -> None:
    record = replace(short_call(), turns=(), end_reason="no_customer_turn")
    document = call_page(record)
    page = parse(document)
    assert "The caller had no turn in this call." in page.text
    assert not page.find("svg", "latency")
    assert not page.find("svg", "conversion")
    assert len(page.find("svg", "timeline")) == 1


def test_write_call_report_links_the_call_audio_only_when_it_exists(tmp_path: Path) -> None:
    record = sales_call()
    path = write_call_report(record, tmp_path)
    assert path == tmp_path / CALL_HTML
    assert not parse(path.read_text(encoding="utf-8")).find("audio")
    (tmp_path / STEREO_WAV).write_bytes(b"RIFF")
    audio = parse(write_call_report(record, tmp_path).read_text(encoding="utf-8")).find("audio")
    assert [a.attrs["src"] for a in audio] == [STEREO_WAV]


# -- the summary page -----------------------------------------------------------------------------


def _write_run(out: Path, records: list[CallRecord], folders: list[str]) -> None:
    for record, folder in zip(records, folders, strict=True):
        record.write(out / folder)
        write_call_report(record, out / folder)


def test_summary_links_each_call_folder_found_by_its_call_json(tmp_path: Path) -> None:
    records = [sales_call(), short_call()]
    _write_run(tmp_path, records, ["llamada-ñandú", "renamed-folder"])
    path = write_summary(records, tmp_path)
    assert path == tmp_path / SUMMARY_HTML
    page = parse(path.read_text(encoding="utf-8"))
    links = [a.attrs["href"] for a in page.find("a")]
    assert links == [f"llamada-ñandú/{CALL_HTML}", f"renamed-folder/{CALL_HTML}"]
    for href in links:
        assert (tmp_path / href).is_file()


def test_summary_takes_explicit_folders(tmp_path: Path) -> None:
    records = [sales_call(), short_call()]
    path = write_summary(records, tmp_path, folders=[tmp_path / "a", tmp_path / "b" / "c"])
    links = [a.attrs["href"] for a in parse(path.read_text(encoding="utf-8")).find("a")]
    assert links == [f"a/{CALL_HTML}", f"b/c/{CALL_HTML}"]
    with pytest.raises(ValueError, match="2 records but 1 folders"):
        write_summary(records, tmp_path, folders=[tmp_path / "a"])


def test_summary_without_a_folder_shows_the_recording_unlinked(tmp_path: Path) -> None:
    path = write_summary([short_call()], tmp_path)
    page = parse(path.read_text(encoding="utf-8"))
    assert not page.find("a")
    assert "demo-en.wav" in page.text


def test_summary_rows_and_totals() -> None:
    sales, short = sales_call(), short_call()
    document = summary_page([(sales, "s"), (short, "t")])
    page = parse(document)
    assert "<title>Replay summary: 2 calls</title>" in document
    rows = page.find("tr", "call")
    assert len(rows) == 2
    body = document.split("<tbody>", 1)[1]
    first, second = body.split('<tr class="call">')[1:3]
    # recording, turns, final conversion, buying signal seen, last action, p50/p95
    assert ">4<" in first and ">0.86<" in first and "turn 3" in first and "close" in first
    assert "823 ms" in first and "1,031 ms" in first
    assert ">2<" in second and ">0.18<" in second and ">no<" in second
    assert "schedule_<wbr>follow_<wbr>up" in second
    assert "turn_failed" in second
    totals = document.split('<tr class="totals">', 1)[1].split("</tr>", 1)[0]
    assert "2 calls" in totals
    assert ">6<" in totals  # turns
    assert "1 of 2" in totals  # calls with a buying signal
    assert ">3<" in totals  # fallbacks: 1 + 2


def test_summary_escapes_recording_names() -> None:
    record = replace(short_call(), recording="<b>x</b>.wav")
    document = summary_page([(record, "<b>x</b>")])
    assert "<b>x</b>" not in document
    assert '<a href="&lt;b&gt;x&lt;/b&gt;/report.html">&lt;b&gt;x&lt;/b&gt;.wav</a>' in document


def test_spans_of_zero_length_are_still_visible() -> None:
    record = replace(short_call(), caller_speech=(Span(1.0, 1.0),))
    rect = parse(timeline_svg(record)).find("rect", "caller")[0]
    assert _float(rect.attrs["width"]) > 0


# -- expectations ---------------------------------------------------------------------------------

FAILED = Expectations(
    journey="calls/llamada.yaml",
    judged=14,
    failures=(
        ExpectationFailure(2, "expect.action", "handle_objection", f"offer_trial {SCRIPT}"),
        ExpectationFailure(4, "expect.reply_matches", "a reply matching /correo/", '"¡Hecho!"'),
        ExpectationFailure(None, "checks.max_close_attempts", "at most 1", "2 (turns 3, 4)"),
    ),
)


def test_call_page_lists_each_failed_expectation_by_turn_and_highlights_the_turns() -> None:
    record = replace(sales_call(), expectations=FAILED)
    document = call_page(record)
    assert SCRIPT not in document
    page = parse(document)
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", document))
    assert facts["Expectations"] == '<span class="badge failing">3 failed</span>'
    section = page.find("section", "expectations")
    assert len(section) == 1 and "failed" in section[0].classes
    groups = page.find("li", inside="ul.plain")
    assert [g.attrs["data-turn"] for g in groups if "data-turn" in g.attrs] == ["2", "4", "call"]
    assert "calls/llamada.yaml" in page.text and "14 expectations" in page.text
    assert "expected at most 1; got 2 (turns 3, 4)" in page.text
    # the turn table: an expectations column; the failing turns highlighted, with their failures
    assert "<th>Expectations</th>" in document
    assert [r.attrs["data-turn"] for r in page.find("tr", "expect-failed")] == ["2", "4"]
    body = document.split('<table class="turns">', 1)[1]
    row1 = body.split('data-turn="1"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="badge ok">held</span>' in row1
    row4 = body.split('data-turn="4"', 1)[1].split("</tr>", 1)[0]
    assert 'title="expect.reply_matches: expected a reply matching /correo/; got' in row4
    assert ">expect.reply_<wbr>matches</span>" in row4
    _self_contained(document)


def test_call_page_says_when_every_expectation_held() -> None:
    record = replace(sales_call(), expectations=replace(FAILED, failures=()))
    document = call_page(record)
    page = parse(document)
    assert "passed" in page.find("section", "expectations")[0].classes
    assert "all held" in page.text and "14/14 held" in page.text
    assert not page.find("tr", "expect-failed")
    assert len(page.find("span", "ok", inside="table.turns")) == 4


def test_call_page_without_a_journey_file_has_no_expectations() -> None:
    document = call_page(sales_call())
    assert not parse(document).find("section", "expectations")
    assert "<th>Expectations</th>" not in document


def test_summary_has_an_expectations_column_and_total() -> None:
    held = replace(sales_call(), expectations=replace(FAILED, failures=()))
    failed = replace(sales_call("b.wav"), expectations=FAILED)
    document = summary_page([(held, "a"), (failed, "b"), (short_call(), "c")])
    assert "<th>Expectations</th>" in document
    body = document.split("<tbody>", 1)[1]
    rows = body.split('<tr class="call">')[1:4]
    assert '<span class="badge ok">14/14 held</span>' in rows[0]
    assert '<span class="badge failing">3 failed</span>' in rows[1]
    assert '<span class="muted">–</span></td><td>' in rows[2]  # no journey file
    totals = document.split('<tr class="totals">', 1)[1].split("</tr>", 1)[0]
    assert "<td>3 failed</td>" in totals
    facts = dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", document))
    assert facts["Calls failing expectations"] == "1 of 2 judged"
    only_held = summary_page([(held, "a")])
    assert "<td>14/14 held</td>" in only_held.split('<tr class="totals">', 1)[1]
