"""The shipped Prometheus alert rules (config/prometheus/): valid for Debian's promtool,
every alert fires and clears in its unit tests, and every metric they name is one a real
server exports."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.conftest import METRICS_KEY
from tests.integration.server import REPO_ROOT, ServerProcess

RULES_DIR = REPO_ROOT / "config" / "prometheus"
RULES = RULES_DIR / "alerts.yml"


def promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        pytest.fail(
            "promtool not found: install Debian's prometheus package "
            "(bash .ci/dev test installs it when it may)"
        )
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool(), *args],
        cwd=RULES_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_rules_are_valid() -> None:
    done = run("check", "rules", str(RULES))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 13 rules found" in done.stdout  # 9 alerts, 4 recording rules


def test_every_alert_fires_and_clears_in_its_unit_test() -> None:
    done = run("test", "rules", "alerts_test.yml")
    assert done.returncode == 0, done.stdout + done.stderr
    tests = (RULES_DIR / "alerts_test.yml").read_text(encoding="utf-8")
    alerts = set(re.findall(r"^\s+- alert: (\w+)", RULES.read_text(encoding="utf-8"), re.M))
    assert len(alerts) == 9
    for alert in alerts:
        # each alert has a test time where it fires and one where it does not
        block = rf"alertname: {alert}\n\s+exp_alerts:(.*?)(?=\n\s+- eval_time|\n  - name|\Z)"
        blocks = re.findall(block, tests, re.S)
        assert any("exp_labels" in b for b in blocks), f"{alert} never fires in a test"
        assert any(b.strip().startswith("[]") for b in blocks), f"{alert} never quiet in a test"


def test_every_recording_rule_is_checked_in_a_unit_test() -> None:
    records = set(re.findall(r"^\s+- record: ([\w:]+)", RULES.read_text(encoding="utf-8"), re.M))
    assert len(records) == 4
    tests = (RULES_DIR / "alerts_test.yml").read_text(encoding="utf-8")
    checked = "\n".join(re.findall(r"^\s+- expr: (.+)$", tests, re.M))
    assert sorted(r for r in records if r not in checked) == []


def metric_names(text: str) -> set[str]:
    names = set(re.findall(r"\bvoice_agent_[a-z_]+", text))
    return {re.sub(r"_(bucket|sum|count)$", "", n) for n in names}


def exported_names(server: ServerProcess) -> set[str]:
    """The names a query may use for the server's metrics: each family's name, a counter's
    ``_total``, an info's ``_info``, a histogram's ``_bucket``/``_sum``/``_count`` (all
    reduced by :func:`metric_names` to the family)."""
    with server.client(METRICS_KEY) as c:
        exported = c.get("/metrics").text
    types = set(re.findall(r"^# TYPE (voice_agent_[a-z_]+) ", exported, re.M))
    samples = set(re.findall(r"^(voice_agent_[a-z_]+)[{ ]", exported, re.M))
    return types | samples | {f"{t}_total" for t in types} | {f"{t}_info" for t in types}


def test_every_metric_the_rules_name_is_exported(server: ServerProcess) -> None:
    named = metric_names(Path(RULES).read_text(encoding="utf-8"))
    assert named, "the rules name no voice_agent metric?"
    missing = sorted(n for n in named if n not in exported_names(server))
    assert missing == [], f"named in alerts.yml but not in /metrics: {missing}"
