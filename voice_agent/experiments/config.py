"""An A/B experiment, as its YAML file describes it (``VOICE_AGENT_EXPERIMENT``)::

    name: pitch-2026-12            # recorded on every conversation and turn of it
    allocation: thompson           # or fixed (the arms' weights)
    min_share: 0.1                 # thompson: no arm gets less of the traffic
    arms:
      - name: control              # the server's own settings
      - name: short-pitch
        playbook: config/playbooks/altura_short.yaml   # another playbook file, and/or
        playbook_overrides:                             # keys merged onto the playbook
          trial: {price: 99}
        generator: llm             # playbook or llm (the LLM settings are the server's)
        policy: rules              # model or rules
        policy_thresholds: {close_at: 0.5, max_handles: 1}   # the rules policy's
        weight: 1

An arm names only what it changes; what it does not name is the server's configuration.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from voice_agent.core.decision import CLOSE_AT, MAX_HANDLES_PER_OBJECTION
from voice_agent.errors import ConfigError
from voice_agent.experiments.allocation import Allocation
from voice_agent.playbook.loader import default_playbook_path, parse_playbook
from voice_agent.playbook.schema import Playbook

#: The least share of traffic a Thompson arm keeps (the setting ``min_share`` of the file).
DEFAULT_MIN_SHARE = 0.10


class PolicyThresholds(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    #: Conversion probability at which the agent asks for the sale.
    close_at: float = Field(default=CLOSE_AT, gt=0.0, le=1.0)
    #: Answers to one objection before the trial, a follow-up or a hand-off.
    max_handles: int = Field(default=MAX_HANDLES_PER_OBJECTION, ge=1, le=5)


class ArmConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,32}$")
    weight: float = Field(default=1.0, gt=0)
    playbook: Path | None = None
    playbook_overrides: dict[str, Any] | None = None
    generator: Literal["playbook", "llm"] | None = None
    policy: Literal["model", "rules"] | None = None
    #: The rule policy's thresholds (voice_agent.core.decision.RulePolicy); only with
    #: ``policy: rules``.
    policy_thresholds: PolicyThresholds | None = None

    @model_validator(mode="after")
    def _thresholds_need_rules(self) -> ArmConfig:
        if self.policy_thresholds is not None and self.policy != "rules":
            raise ValueError("policy_thresholds apply to the rules policy: add 'policy: rules'")
        return self


class ExperimentConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")
    allocation: Allocation = "fixed"
    min_share: float = Field(default=DEFAULT_MIN_SHARE, ge=0.0, le=0.5)
    arms: tuple[ArmConfig, ...] = Field(min_length=2, max_length=8)

    @model_validator(mode="after")
    def _distinct_names(self) -> ExperimentConfig:
        names = [a.name for a in self.arms]
        if len(set(names)) != len(names):
            raise ValueError(f"arm names must be distinct: {names}")
        return self

    def arm(self, name: str) -> ArmConfig | None:
        return next((a for a in self.arms if a.name == name), None)


def load_experiment(path: Path) -> ExperimentConfig:
    """Read and check an experiment file; a problem raises :class:`ConfigError` naming the
    setting and the field."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"VOICE_AGENT_EXPERIMENT: cannot read {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise ConfigError(
            f"VOICE_AGENT_EXPERIMENT: {path} is not valid YAML{where}: {problem}"
        ) from None
    try:
        return ExperimentConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(root)"
        raise ConfigError(f"VOICE_AGENT_EXPERIMENT: {path}: {where}: {err['msg']}") from None


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def arm_playbook(arm: ArmConfig, base_path: Path | None, base: Playbook) -> Playbook:
    """The playbook an arm speaks from: its own file or the server's, with its overrides
    merged on (checked like any playbook)."""
    if arm.playbook is None and not arm.playbook_overrides:
        return base
    path = arm.playbook or base_path or default_playbook_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"VOICE_AGENT_EXPERIMENT: arm {arm.name}: playbook {path}: {exc}"
        ) from None
    if arm.playbook_overrides:
        data = _merge(data, arm.playbook_overrides)
    return parse_playbook(yaml.safe_dump(data, allow_unicode=True), f"{path} (arm {arm.name})")


__all__ = [
    "DEFAULT_MIN_SHARE",
    "ArmConfig",
    "ExperimentConfig",
    "PolicyThresholds",
    "arm_playbook",
    "load_experiment",
]
