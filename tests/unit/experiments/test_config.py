"""Experiment files: what is accepted, what is refused with the setting named."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_agent.errors import ConfigError
from voice_agent.experiments.config import arm_playbook, load_experiment
from voice_agent.playbook import load_playbook


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "exp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_full_file(tmp_path: Path) -> None:
    cfg = load_experiment(
        write(
            tmp_path,
            "name: pitch-1\nallocation: thompson\nmin_share: 0.2\narms:\n"
            "  - name: control\n"
            "  - name: marta\n    policy: rules\n    weight: 2\n"
            "    policy_thresholds: {close_at: 0.5}\n"
            "    playbook_overrides: {trial: {price: 99}, content: {en: {agent_name: Marta}}}\n",
        )
    )
    assert cfg.name == "pitch-1" and cfg.allocation == "thompson" and cfg.min_share == 0.2
    control, marta = cfg.arms
    base = load_playbook()
    assert arm_playbook(control, None, base) is base
    changed = arm_playbook(marta, None, base)
    assert changed.trial.price == 99 and changed.content["en"].agent_name == "Marta"
    assert changed.content["es"].agent_name == base.content["es"].agent_name
    assert cfg.arm("marta") is marta and cfg.arm("nobody") is None
    assert marta.policy_thresholds is not None
    assert (marta.policy_thresholds.close_at, marta.policy_thresholds.max_handles) == (0.5, 2)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("name: x\narms:\n  - name: a\n", "arms"),
        ("name: x\narms:\n  - name: a\n  - name: a\n", "distinct"),
        ("name: x\narms:\n  - name: a\n  - name: b\n    colour: red\n", "arms.1.colour"),
        ("name: x\nallocation: bandit\narms:\n  - name: a\n  - name: b\n", "allocation"),
        ("name: x\nmin_share: 0.9\narms:\n  - name: a\n  - name: b\n", "min_share"),
        ("name: 'bad name'\narms:\n  - name: a\n  - name: b\n", "name"),
        ("name: x\narms: [\n", "not valid YAML"),
        (
            "name: x\narms:\n  - name: a\n  - name: b\n    policy_thresholds: {close_at: 0.5}\n",
            "policy: rules",
        ),
        (
            "name: x\narms:\n  - name: a\n  - name: b\n    policy: rules\n"
            "    policy_thresholds: {close_at: 2}\n",
            "close_at",
        ),
    ],
)
def test_bad_files_name_the_setting(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_experiment(write(tmp_path, text))
    message = str(err.value)
    assert message.startswith("VOICE_AGENT_EXPERIMENT:") and problem in message
    assert "\n" not in message


def test_a_missing_file_and_a_broken_override(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_experiment(tmp_path / "none.yaml")
    cfg = load_experiment(
        write(
            tmp_path,
            "name: x\narms:\n  - name: a\n  - name: b\n"
            "    playbook_overrides: {trial: {price: -5}}\n",
        )
    )
    with pytest.raises(Exception, match="trial"):
        arm_playbook(cfg.arms[1], None, load_playbook())
