"""The shipped Grafana dashboard and provisioning (config/grafana/): the JSON holds the
panels an operator of a voice agent watches, every query is valid PromQL for Debian's
promtool, and every metric a query names is one a real server exports."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from tests.integration.server import REPO_ROOT, ServerProcess
from tests.integration.test_alerts import exported_names, metric_names, run

GRAFANA = REPO_ROOT / "config" / "grafana"
DASHBOARD = GRAFANA / "dashboards" / "voice-agent.json"


def dashboard() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return data


def queries() -> list[str]:
    return [t["expr"] for p in dashboard()["panels"] for t in p["targets"]]


def test_the_dashboard_has_what_an_operator_watches() -> None:
    d = dashboard()
    assert d["uid"] == "voice-agent"
    titles = [p["title"] for p in d["panels"]]
    for wanted in (
        "Active calls per instance",
        "End of speech -> first agent audio",
        "Voice stages p95",
        "Turns per second",
        "Errors per turn",
        "Analyser fallbacks per turn",
        "LLM: fallbacks, guardrail rejections, circuit",
        "Conversion rate of recorded outcomes",
        "Experiment arms",
        "Serving model and swaps",
        "Model calibration: predicted vs actual conversion (6 h)",
        "Learning worker",
    ):
        assert wanted in titles
    ids = [p["id"] for p in d["panels"]]
    assert len(ids) == len(set(ids))
    for p in d["panels"]:
        assert p["targets"] and all(t["refId"] and t["expr"] for t in p["targets"])
        assert p["datasource"]["uid"] == "${datasource}"


def test_every_query_is_valid_promql(tmp_path: Path) -> None:
    """promtool has no query checker offline: each query becomes a recording rule, which
    ``promtool check rules`` parses (the dashboard's $instance variable as a regex)."""
    rules = {
        "groups": [
            {
                "name": "dashboard",
                "rules": [
                    {"record": f"dashboard:query_{i}", "expr": q.replace("$instance", ".*")}
                    for i, q in enumerate(queries())
                ],
            }
        ]
    }
    path = tmp_path / "queries.yml"
    path.write_text(yaml.safe_dump(rules), encoding="utf-8")
    done = run("check", "rules", str(path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_metric_the_dashboard_names_is_exported(server: ServerProcess) -> None:
    named = metric_names("\n".join(queries()))
    assert len(named) >= 10
    missing = sorted(n for n in named if n not in exported_names(server))
    assert missing == [], f"named in the dashboard but not in /metrics: {missing}"


def test_provisioning_points_at_the_dashboards_and_prometheus() -> None:
    prov = yaml.safe_load((GRAFANA / "provisioning/dashboards/voice-agent.yml").read_text())
    (provider,) = prov["providers"]
    assert provider["type"] == "file" and provider["options"]["path"]
    sources = yaml.safe_load((GRAFANA / "provisioning/datasources/prometheus.yml").read_text())
    (source,) = sources["datasources"]
    assert source["type"] == "prometheus" and re.match(r"https?://", source["url"])
