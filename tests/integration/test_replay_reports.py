"""The replay HTML pages opened in a real headless Chromium, and ``replay --compare``'s
exit code from the command line.

Records are built in code (tests/unit/replay/records.py), written as a run would write
them, rendered, and loaded from ``file://``; screenshots go to the test artefacts folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import wave
from dataclasses import replace
from pathlib import Path

from tests.integration.browser import (
    artifacts_dir,
    chromium_page,
    open_in_chromium,
    snapshot,
    visible_count,
)
from tests.unit.replay.records import SCRIPT, sales_call, short_call
from voice_agent.replay.compare import COMPARE_HTML, compare_runs, write_compare_report
from voice_agent.replay.model import CALL_HTML, STEREO_WAV, SUMMARY_HTML, CallRecord
from voice_agent.replay.report import write_call_report, write_summary

ROOT = Path(__file__).resolve().parents[2]

CALL_SELECTORS = (
    "svg.timeline",
    "svg.timeline rect.span.caller",
    "svg.timeline rect.span.agent",
    "svg.timeline .barge-in",
    "svg.latency",
    "svg.latency rect.stage",
    "svg.latency path.heard",
    "svg.conversion",
    "svg.conversion circle.point",
    "table.turns tbody tr",
    "audio",
)


def write_stereo_wav(path: Path, seconds: float = 0.5, rate: int = 8000) -> None:
    frames = int(seconds * rate)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"\x00\x00\x00\x00" * frames)


def write_run(out: Path, records: list[CallRecord]) -> Path:
    """Write records, their reports and the summary as a replay run does."""
    for record in records:
        folder = out / Path(record.recording).stem
        record.write(folder)
        write_call_report(record, folder)
    write_summary(records, out)
    return out


def changed_playbook(record: CallRecord) -> CallRecord:
    """The same call after a playbook change: turn 2 answered differently, with a new action."""
    turns = list(record.turns)
    turns[1] = replace(
        turns[1],
        reply="Lo entiendo. ¿Y si lo pruebas una semana gratis?",
        action="offer_trial",
        action_reason="price objection: offer the trial first",
    )
    return replace(record, turns=tuple(turns))


def test_call_report_renders_in_chromium(tmp_path: Path) -> None:
    record = sales_call()
    folder = tmp_path / "llamada"
    record.write(folder)
    write_stereo_wav(folder / STEREO_WAV)
    html = write_call_report(record, folder)

    page = open_in_chromium(
        html, artifacts_dir() / "replay-call-report.png", selectors=CALL_SELECTORS
    )

    assert page.errors == ()
    assert page.external_requests == ()
    assert page.title == "Call replay: llamada-ñandú.wav"
    for text in (
        "Who spoke when",
        "Latency per turn",
        "Conversion probability",
        "¿cuánto cuesta?",
        "cut short: caller talked over it",
        "conv_0123",
        "ms from the end of the caller's speech",
        SCRIPT,  # shown as text, never run
    ):
        assert text in page.text, text
    assert page.visible == {
        "svg.timeline": 1,
        "svg.timeline rect.span.caller": 4,
        "svg.timeline rect.span.agent": 5,
        "svg.timeline .barge-in": 1,
        "svg.latency": 1,
        "svg.latency rect.stage": 4 * 5,
        "svg.latency path.heard": 4,
        "svg.conversion": 1,
        "svg.conversion circle.point": 4,
        "table.turns tbody tr": 4,
        "audio": 1,
    }
    assert page.screenshot.stat().st_size > 10_000


def test_charts_are_drawn_to_scale_in_the_browser(tmp_path: Path) -> None:
    record = sales_call()
    html = write_call_report(record, tmp_path)
    with chromium_page() as (page, log):
        page.goto(html.as_uri())
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('svg.timeline rect.span.caller')]
                     .map(r => r.getBoundingClientRect().width)"""
        )
        assert log.page_errors == []
    lengths = [s.end_s - s.start_s for s in record.caller_speech]
    ratios = [w / length for w, length in zip(boxes, lengths, strict=True)]
    assert max(ratios) - min(ratios) < 0.05 * max(ratios)  # one px-per-second for every span


def test_summary_page_links_to_each_call(tmp_path: Path) -> None:
    out = write_run(tmp_path / "run", [sales_call(), short_call()])
    shots = artifacts_dir()
    summary = open_in_chromium(
        out / SUMMARY_HTML, shots / "replay-summary.png", selectors=("table.summary tbody tr",)
    )
    assert summary.errors == ()
    assert summary.title == "Replay summary: 2 calls"
    assert summary.visible["table.summary tbody tr"] == 2
    assert "2 calls" in summary.text and "turn_failed" in summary.text

    with chromium_page() as (page, log):
        page.goto((out / SUMMARY_HTML).as_uri())
        page.get_by_role("link", name="llamada-ñandú.wav").click()
        page.wait_for_load_state("load")
        assert page.url.endswith(f"/llamada-%C3%B1and%C3%BA/{CALL_HTML}")
        assert page.title() == "Call replay: llamada-ñandú.wav"
        assert visible_count(page, "svg.latency rect.stage") == 20
        snapshot(page, log, shots / "replay-summary-to-call.png")
        page.go_back()
        page.get_by_role("link", name="demo-en.wav").click()
        page.wait_for_load_state("load")
        assert page.title() == "Call replay: demo-en.wav"
        assert log.page_errors == [] and log.console_errors == [] and log.failed_requests == []


def test_compare_page_shows_the_changed_replies(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", [sales_call(), short_call()])
    new = write_run(tmp_path / "new", [changed_playbook(sales_call()), short_call()])
    comparison = compare_runs(old, new)
    assert comparison.failing
    html = write_compare_report(comparison, tmp_path / "report")

    page = open_in_chromium(
        html,
        artifacts_dir() / "replay-compare.png",
        selectors=("table.calls tbody tr", "tbody.turn-diff", "td.old", "td.new"),
    )
    assert page.errors == ()
    assert page.external_requests == ()
    assert page.title.startswith("Replay comparison: FAILING")
    assert "Entiendo que el precio" in page.text
    assert "Lo entiendo. ¿Y si lo pruebas una semana gratis?" in page.text
    assert "handle_objection" in page.text and "offer_trial" in page.text
    assert page.visible["table.calls tbody tr"] == 2
    assert page.visible["tbody.turn-diff"] == 1

    with chromium_page() as (browser_page, log):
        browser_page.goto(html.as_uri())
        browser_page.get_by_role("link", name="NEW report").click()
        browser_page.wait_for_load_state("load")
        assert browser_page.title() == "Call replay: llamada-ñandú.wav"
        assert "¿Y si lo pruebas una semana gratis?" in browser_page.inner_text("body")
        assert log.page_errors == [] and log.failed_requests == []


# -- the command line ---------------------------------------------------------------------------


def replay_compare(old: Path, new: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_AGENT_")}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "voice_agent.cli",
            "replay",
            "--compare",
            str(old),
            str(new),
            *extra,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_compare_exits_1_when_an_action_changed(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", [sales_call(), short_call()])
    new = write_run(tmp_path / "new", [changed_playbook(sales_call()), short_call()])

    proc = replay_compare(old, new)
    assert proc.returncode == 1, proc.stderr
    assert "ACTION CHANGED: handle_objection → offer_trial" in proc.stdout
    assert "- 'Entiendo que el precio'" in proc.stdout
    assert "+ 'Lo entiendo. ¿Y si lo pruebas una semana gratis?'" in proc.stdout
    assert (new / COMPARE_HTML).is_file()

    proc = replay_compare(old, new, "--json")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert data["failing"] is True
    assert data["calls_failing"] == 1


def test_cli_compare_exits_0_on_identical_runs(tmp_path: Path) -> None:
    old = write_run(tmp_path / "old", [sales_call(), short_call()])
    new = write_run(tmp_path / "new", [sales_call(), short_call()])
    proc = replay_compare(old, new)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "OK: no action, turn count, failing expectation or call changed" in proc.stdout


def test_cli_compare_exits_0_when_only_replies_changed(tmp_path: Path) -> None:
    record = sales_call()
    turns = list(record.turns)
    turns[0] = replace(turns[0], reply="Claro. Son 790 euros con seguimiento semanal.")
    old = write_run(tmp_path / "old", [record])
    new = write_run(tmp_path / "new", [replace(record, turns=tuple(turns))])
    proc = replay_compare(old, new)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "reply changed:" in proc.stdout
    assert "+ 'Claro. Son 790 euros con seguimiento semanal.'" in proc.stdout
