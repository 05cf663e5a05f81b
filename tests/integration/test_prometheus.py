"""A real Prometheus (Debian's package) scrapes a real server with a metrics key, loads the
shipped alert rules, and answers a histogram_quantile query over what it scraped."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.integration.conftest import API_KEY, METRICS_KEY
from tests.integration.server import ServerProcess
from tests.integration.test_alerts import RULES

DEADLINE_S = 60.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def prometheus(server: ServerProcess, tmp_path: Path) -> Iterator[str]:
    binary = shutil.which("prometheus")
    if binary is None:
        pytest.fail("prometheus not found: install Debian's prometheus package (.ci/dev does)")
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(RULES)],
        "scrape_configs": [
            {
                "job_name": "voice-agent",
                "metrics_path": "/metrics",
                "authorization": {"type": "Bearer", "credentials": METRICS_KEY},
                "static_configs": [{"targets": [f"127.0.0.1:{server.port}"]}],
            }
        ],
    }
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    port = free_port()
    log = open(tmp_path / "prometheus.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            binary,
            f"--config.file={tmp_path / 'prometheus.yml'}",
            f"--storage.tsdb.path={tmp_path / 'tsdb'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()


def query(url: str, promql: str) -> list[dict[str, Any]]:
    r = httpx.get(f"{url}/api/v1/query", params={"query": promql}, timeout=10)
    r.raise_for_status()
    body = r.json()
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def wait(what: str, check: Any) -> Any:
    deadline = time.monotonic() + DEADLINE_S
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = check()
            if value:
                return value
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"{what}: not within {DEADLINE_S} s ({last})")


def test_prometheus_scrapes_the_server_and_answers_a_quantile(
    server: ServerProcess, prometheus: str
) -> None:
    target_up = f'up{{instance="127.0.0.1:{server.port}"}}'
    wait("Prometheus scrapes the server", lambda: query(prometheus, f"{target_up} == 1"))
    with server.client(API_KEY) as c:
        for _ in range(3):  # turns across two scrapes, so rate() has an increase to read
            cid = c.post("/v1/conversations", json={"lang": "en"}).json()["id"]
            for text in ("I'm exhausted all the time.", "How much is it?"):
                assert c.post(f"/v1/conversations/{cid}/messages", json={"text": text}).is_success
            time.sleep(1.2)
    promql = (
        "histogram_quantile(0.95, sum by (le) "
        '(rate(voice_agent_turn_seconds_bucket{channel="api"}[30s])))'
    )
    result = wait("a p95 of turn time", lambda: query(prometheus, promql))
    p95 = float(result[0]["value"][1])
    assert 0.0 < p95 < 5.0  # seconds, inside the histogram's buckets
    rules = httpx.get(f"{prometheus}/api/v1/rules", timeout=10).json()["data"]["groups"]
    names = {r["name"] for g in rules for r in g["rules"]}
    assert {"VoiceLatencyOverBudget", "InstanceAtCapacity", "ModelSwapRefused"} <= names
    mine = {"LearningWorkerFailing", "ModelCalibrationDrift", "voice_agent:calibration_ece:6h"}
    assert mine <= names
    calls_max = query(prometheus, "voice_agent_calls_max")
    assert float(calls_max[0]["value"][1]) >= 0
