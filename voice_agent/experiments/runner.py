"""A running experiment: the parts each arm's conversations use, and the assignment of new
conversations (sticky: the variant is stored on the conversation, and the choice itself is a
stable function of the conversation id and the evidence)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from voice_agent.core.decision import Policy
from voice_agent.errors import InvalidRequest
from voice_agent.experiments.allocation import ArmEvidence, choose, shares
from voice_agent.experiments.config import ExperimentConfig
from voice_agent.experiments.report import ExperimentReport, build_report
from voice_agent.generation.base import ResponseGenerator
from voice_agent.playbook.faq import FaqIndex
from voice_agent.playbook.schema import Playbook
from voice_agent.store.base import Store

#: How long the evidence behind Thompson shares is reused before the store is asked again.
REFRESH_S = 5.0


@dataclass(frozen=True, slots=True)
class Arm:
    """What a conversation of one variant speaks and decides with."""

    name: str | None
    generator: ResponseGenerator
    policy: Policy
    faq: FaqIndex | None
    playbook: Playbook | None


class Experiment:
    def __init__(
        self,
        config: ExperimentConfig,
        arms: Mapping[str, Arm],
        store: Store,
        *,
        clock: Callable[[], float] = time.monotonic,
        refresh_s: float = REFRESH_S,
    ) -> None:
        names = [a.name for a in config.arms]
        if sorted(names) != sorted(arms):
            raise ValueError(f"arms {sorted(arms)} do not match the experiment's {names}")
        self.config = config
        self.name = config.name
        self.names = names
        self.arms = dict(arms)
        self.store = store
        self.clock = clock
        self.refresh_s = refresh_s
        self._shares: list[float] | None = None
        self._shares_at = 0.0

    async def current_shares(self) -> list[float]:
        """Each arm's share of new conversations now."""
        cfg = self.config
        weights = [a.weight for a in cfg.arms]
        if cfg.allocation == "fixed":
            return shares("fixed", weights, [], cfg.min_share)
        now = self.clock()
        if self._shares is None or now - self._shares_at >= self.refresh_s:
            counts = await self.store.experiment_counts(self.name)
            evidence = [
                ArmEvidence(counts[n].decided, counts[n].converted)
                if n in counts
                else ArmEvidence()
                for n in self.names
            ]
            # posterior sampling is computation: off the event loop
            self._shares = await asyncio.to_thread(
                shares, "thompson", weights, evidence, cfg.min_share
            )
            self._shares_at = now
        return self._shares

    async def assign(self, conversation_id: str, forced: str | None = None) -> str:
        """The variant of a new conversation; ``forced`` (QA) must be one of the arms."""
        if forced is not None:
            if forced not in self.arms:
                raise InvalidRequest(
                    f"variant {forced!r} is not an arm of experiment {self.name!r} "
                    f"(arms: {', '.join(self.names)})",
                    code="unknown_variant",
                    status=422,
                )
            return forced
        return choose(self.name, conversation_id, self.names, await self.current_shares())

    async def report(self) -> ExperimentReport:
        records = await self.store.experiment_records(self.name)
        return await asyncio.to_thread(
            build_report, self.name, self.config.allocation, self.names, records
        )


__all__ = ["REFRESH_S", "Arm", "Experiment"]
