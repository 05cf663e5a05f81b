"""An A/B experiment on the real server and its real store: two playbook variants, sticky
assignment, a forced variant for QA, and a report whose counts match what was stored."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import jsonschema
import pytest

from tests.integration.server import (
    REPO_ROOT,
    ServerProcess,
    metric_value,
    run_serve_expecting_exit,
    server_env,
    start_server,
)

KEY = "test-key-exp"
EXPERIMENT = """\
name: agent-name-test
allocation: fixed
arms:
  - name: sofia
  - name: marta
    policy: rules
    policy_thresholds: {close_at: 0.55, max_handles: 1}
    playbook_overrides:
      content:
        en: {agent_name: Marta}
        es: {agent_name: Marta}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    root = tmp_path_factory.mktemp("experiment")
    exp = root / "experiment.yaml"
    exp.write_text(EXPERIMENT, encoding="utf-8")
    srv = start_server(
        root / "data", {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_EXPERIMENT": str(exp)}
    )
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def http(server: ServerProcess) -> Iterator[httpx.Client]:
    with server.client(KEY) as c:
        yield c


def test_variants_are_sticky_reported_and_counted(http: httpx.Client) -> None:
    created: dict[str, str] = {}
    for i in range(24):
        r = http.post("/v1/conversations", json={"lang": "en" if i % 2 else "es"})
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["experiment"] == "agent-name-test"
        variant = body["variant"]
        created[body["id"]] = variant
        # the variant's playbook speaks: its agent's name is in the greeting
        assert ("Marta" in body["greeting"]["text"]) == (variant == "marta")
    assert set(created.values()) == {"sofia", "marta"}  # 24 conversations, even split

    # sticky: every turn of a conversation is of its variant, recorded on the insights
    outcomes = {}
    for n, (cid, variant) in enumerate(created.items()):
        for text in ("I'm exhausted and I want more energy.", "How much is it?"):
            r = http.post(f"/v1/conversations/{cid}/messages", json={"text": text})
            assert r.status_code == 200, r.text
            assert r.json()["insights"]["variant"] == variant
        if n % 3 != 2:  # a third stays without an outcome
            converted = variant == "marta" or n % 2 == 0
            outcomes[cid] = converted
            r = http.post(f"/v1/conversations/{cid}/outcome", json={"converted": converted})
            assert r.status_code == 200, r.text
        stored = http.get(f"/v1/conversations/{cid}").json()
        assert stored["tags"] == {"experiment": "agent-name-test", "variant": variant}

    # QA forces a variant; an unknown one is refused with a code
    r = http.post("/v1/conversations", json={"lang": "en", "variant": "marta"})
    assert r.status_code == 201 and r.json()["variant"] == "marta"
    created[r.json()["id"]] = "marta"
    r = http.post("/v1/conversations", json={"lang": "en", "variant": "nobody"})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "unknown_variant"

    r = http.get("/v1/experiments")
    assert r.status_code == 200, r.text
    (report,) = r.json()["experiments"]
    doc = http.get("/v1/openapi.json").json()
    jsonschema.validate(report, doc["components"]["schemas"]["Experiment"])
    create = doc["paths"]["/v1/conversations"]["post"]["requestBody"]["content"]
    variant = create["application/json"]["schema"]["properties"]["variant"]
    assert variant["enum"] == ["sofia", "marta"]
    assert report["experiment"] == "agent-name-test" and report["allocation"] == "fixed"
    assert report["shares"] == {"sofia": 0.5, "marta": 0.5}
    by_variant = {v["variant"]: v for v in report["variants"]}
    for variant in ("sofia", "marta"):
        mine = [c for c, v in created.items() if v == variant]
        decided = [c for c in mine if c in outcomes]
        v = by_variant[variant]
        assert v["conversations"] == len(mine)
        assert v["decided"] == len(decided)
        assert v["conversions"] == sum(outcomes[c] for c in decided)
        assert v["mean_turns"] is not None and v["mean_turns"] > 0
        assert v["p95_turn_ms"] is not None
        lo, hi = v["interval95"]
        assert lo <= v["conversion_rate"] <= hi
    assert by_variant["marta"]["conversion_rate"] == 1.0
    assert by_variant["marta"]["p_best"] > by_variant["sofia"]["p_best"]

    metrics = http.get("/metrics").text
    for variant in ("sofia", "marta"):
        mine = [c for c, v in created.items() if v == variant]
        labels = {"experiment": "agent-name-test", "variant": variant}
        started = metric_value(
            metrics, "voice_agent_experiment_conversations_total", labels, default=0.0
        )
        assert started == len(mine)
        won = sum(1 for c in mine if outcomes.get(c) is True)
        converted = {**labels, "converted": "true"}
        outcome = "voice_agent_experiment_outcomes_total"
        assert metric_value(metrics, outcome, converted, default=0.0) == won


def test_the_cli_report_matches_the_api(server: ServerProcess, http: httpx.Client) -> None:
    api = http.get("/v1/experiments").json()["experiments"][0]
    exp_file = server.data_dir.parent / "experiment.yaml"
    html = server.data_dir.parent / "report.html"
    env = server_env(server.data_dir, {"VOICE_AGENT_EXPERIMENT": str(exp_file)})
    cmd = [sys.executable, "-m", "voice_agent.cli", "experiments", "report"]
    done = subprocess.run(
        [*cmd, "--json", "--html", str(html)],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    cli = json.loads(done.stdout)
    assert cli["variants"] == api["variants"]
    assert "<svg" in html.read_text(encoding="utf-8")
    text = subprocess.run(
        cmd, env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert text.returncode == 0 and "experiment agent-name-test (fixed)" in text.stdout
    none = subprocess.run(
        cmd,
        env=server_env(server.data_dir),
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert none.returncode == 2
    assert none.stderr.strip().startswith("voice-agent: VOICE_AGENT_EXPERIMENT:")


def test_a_bad_experiment_file_stops_the_server_with_one_line(tmp_path: Path) -> None:
    exp = tmp_path / "exp.yaml"
    exp.write_text("name: x\narms:\n  - name: a\n", encoding="utf-8")
    done = run_serve_expecting_exit(
        tmp_path / "data", {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_EXPERIMENT": str(exp)}
    )
    assert done.returncode != 0
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("voice-agent: VOICE_AGENT_EXPERIMENT:"), lines
    assert "Traceback" not in done.stderr + done.stdout
