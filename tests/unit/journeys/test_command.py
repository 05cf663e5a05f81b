"""The journeys command's exit status and output, with a scripted backend."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tests.unit.journeys.test_runner import ScriptedBackend, insights
from voice_agent.journeys.command import Options, run_command
from voice_agent.journeys.runner import Answer

JOURNEY = """\
name: {name}
lang: en
turns:
  - say: "that's too expensive"
    expect: {{action: [{action}]}}
"""


def write(tmp_path: Path, name: str, action: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(JOURNEY.format(name=name, action=action), encoding="utf-8")
    return path


def run(opts: Options, backend: ScriptedBackend | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    rc = run_command(opts, out=out, err=err, backend=backend)
    return rc, out.getvalue(), err.getvalue()


def test_all_pass_exit_0_and_backend_closed(tmp_path: Path) -> None:
    write(tmp_path, "a", "handle_objection")
    backend = ScriptedBackend([Answer("I hear you.", insights("handle_objection"))])
    rc, out, err = run(Options((str(tmp_path),)), backend)
    assert rc == 0, out + err
    assert out.startswith(f"PASS  {tmp_path / 'a.yaml'}  a (1 turns,")
    assert backend.closed


def test_any_failure_exit_1_with_json_and_html(tmp_path: Path) -> None:
    write(tmp_path, "a", "handle_objection")
    write(tmp_path, "b", "close")
    backend = ScriptedBackend(
        [Answer("I hear you.", insights("handle_objection")) for _ in range(2)]
    )
    html = tmp_path / "report.html"
    rc, out, err = run(Options((str(tmp_path),), as_json=True, html=html), backend)
    assert rc == 1
    doc = json.loads(out)
    assert [j["passed"] for j in doc["journeys"]] == [True, False]
    assert doc["journeys"][1]["failures"][0]["message"] == (
        "expect.action: expected close; got handle_objection (reason: because)"
    )
    assert "expect.action: expected close" in html.read_text(encoding="utf-8")
    assert err == ""


def test_bad_files_exit_2_one_line_each(tmp_path: Path) -> None:
    write(tmp_path, "a", "handle_objection")
    write(tmp_path, "b", "handoff")
    write(tmp_path, "c", "clsoe")
    rc, out, err = run(Options((str(tmp_path),)), ScriptedBackend([]))
    assert rc == 2 and out == ""
    assert err.splitlines() == [
        f"voice-agent journeys: {tmp_path / 'b.yaml'}: turn 1: expect.action: unknown action "
        "'handoff' (did you mean 'hand_off'?); known: discover_need, present_program, "
        "handle_objection, offer_trial, close, schedule_follow_up, hand_off, answer_question",
        f"voice-agent journeys: {tmp_path / 'c.yaml'}: turn 1: expect.action: unknown action "
        "'clsoe' (did you mean 'close'?); known: discover_need, present_program, "
        "handle_objection, offer_trial, close, schedule_follow_up, hand_off, answer_question",
    ]


def test_url_without_key_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VOICE_AGENT_API_KEY", raising=False)
    write(tmp_path, "a", "close")
    rc, _, err = run(Options((str(tmp_path),), url="http://127.0.0.1:9"))
    assert rc == 2
    assert err == (
        "voice-agent journeys: --url needs an API key: --api-key KEY or VOICE_AGENT_API_KEY\n"
    )


def test_unreachable_server_is_a_usage_error(tmp_path: Path) -> None:
    write(tmp_path, "a", "close")
    rc, out, err = run(Options((str(tmp_path),), url="http://127.0.0.1:9", api_key="k"))
    assert rc == 2 and out == ""
    assert err.startswith("voice-agent journeys: http://127.0.0.1:9: cannot connect")
