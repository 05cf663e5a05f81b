"""`voice-agent journeys`: every shipped journey passes in process (this is how CI runs them);
a wrong expectation fails with a message a person can act on; a bad file is a usage error;
and the same runner works against a real server over REST."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.integration.server import REPO_ROOT, server_env, start_server

TIMEOUT_S = 240


def journeys(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "journeys", *args],
        cwd=REPO_ROOT,
        env=server_env(tmp_path / "unused", env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def failures_text(doc: dict[str, object]) -> str:
    """Every failing journey with its failures, for the assertion message."""
    lines: list[str] = []
    for j in doc["journeys"]:  # type: ignore[attr-defined]
        if not j["passed"]:
            lines.append(f"{j['file']} ({j['name']}): {j['error'] or ''}")
            lines += [f"  turn {f['turn']}: {f['message']}" for f in j["failures"]]
    return "\n".join(lines)


def test_every_shipped_journey_passes_in_process(tmp_path: Path) -> None:
    proc = journeys(tmp_path, "journeys", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["total"] >= 30
    langs = {j["lang"] for j in doc["journeys"]}
    assert langs == {"en", "es"}
    assert proc.returncode == 0 and doc["failed"] == 0, failures_text(doc)


WRONG = """\
name: price objection mistaken for a hand-off
lang: en
customer: {name: Dana}
turns:
  - say: "I want more energy in the afternoons."
  - say: "Honestly that's way too expensive for me, I can't afford it."
    expect: {objections: [price], action: [hand_off]}
"""


def test_a_wrong_expectation_fails_with_an_actionable_message(tmp_path: Path) -> None:
    path = tmp_path / "wrong.yaml"
    path.write_text(WRONG, encoding="utf-8")
    proc = journeys(tmp_path, str(path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    out = proc.stdout
    assert f"FAIL  {path}  price objection mistaken for a hand-off" in out
    assert (
        "turn 2: customer: \"Honestly that's way too expensive for me, I can't afford it.\"" in out
    )
    assert "x expect.action: expected hand_off; got handle_objection (reason: " in out
    assert 'agent: "' in out and "objections: price" in out
    assert out.rstrip().endswith(")") and "1 journeys: 0 passed, 1 failed (in process," in out


def test_a_bad_file_exits_2_naming_file_turn_and_key(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(WRONG.replace("objections: [price]", "objection: [price]"), encoding="utf-8")
    proc = journeys(tmp_path, str(path))
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.strip() == (
        f"voice-agent journeys: {path}: turn 2: expect.objection: unknown key "
        "(did you mean 'objections'?); known keys: objections, needs, not_objections, "
        "not_needs, buying_signal, action, phase, reply_matches, reply_not_matches"
    )
    assert "Traceback" not in proc.stderr


REST = """\
name: over REST
lang: es
customer: {name: Ana}
turns:
  - say: "la verdad es muy caro para mí, no me alcanza"
    expect: {objections: [price], action: [handle_objection]}
"""


def test_journeys_over_rest_against_a_real_server(tmp_path: Path) -> None:
    path = tmp_path / "rest.yaml"
    path.write_text(REST, encoding="utf-8")
    server = start_server(tmp_path / "data")
    try:
        key = (tmp_path / "data" / "api_key").read_text(encoding="utf-8").strip()
        proc = journeys(
            tmp_path, str(path), "--url", server.url, "--json", env={"VOICE_AGENT_API_KEY": key}
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["backend"] == server.url
        (j,) = doc["journeys"]
        assert j["passed"] and j["greeting"]
        with server.client(key) as client:
            stored = client.get(f"/v1/conversations/{j['conversation_id']}").json()
        assert stored["channel"] == "journeys" and stored["lang"] == "es"
        assert [t["text"] for t in stored["turns"] if t["role"] == "customer"] == [
            "la verdad es muy caro para mí, no me alcanza"
        ]
        refused = journeys(tmp_path, str(path), "--url", server.url, "--api-key", "wrong")
        assert refused.returncode == 2
        assert refused.stderr.startswith(f"voice-agent journeys: {server.url}: HTTP 401")
    finally:
        server.stop()
