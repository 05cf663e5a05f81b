"""What an experiment shows so far, per variant. Pure: built from the store's records."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from voice_agent.experiments.allocation import ArmEvidence, probability_best
from voice_agent.store.base import ExperimentRecord

Z95 = 1.959964


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of a proportion (None without any trial)."""
    if n == 0:
        return None
    p = successes / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class VariantReport:
    variant: str
    conversations: int
    #: Conversations with an outcome recorded, and how many converted.
    decided: int
    conversions: int
    conversion_rate: float | None
    interval95: tuple[float, float] | None
    p_best: float
    mean_turns: float | None
    p95_turn_ms: float | None
    #: Share of customer turns where an analyser fell back to the rules; share of agent
    #: replies written by the playbook because the LLM's failed or was rejected.
    analyser_fallback_rate: float | None
    generator_fallback_rate: float | None

    def to_json(self) -> dict[str, object]:
        return {
            "variant": self.variant,
            "conversations": self.conversations,
            "decided": self.decided,
            "conversions": self.conversions,
            "conversion_rate": _r(self.conversion_rate),
            "interval95": [_r(x) for x in self.interval95] if self.interval95 else None,
            "p_best": _r(self.p_best),
            "mean_turns": _r(self.mean_turns),
            "p95_turn_ms": _r(self.p95_turn_ms),
            "analyser_fallback_rate": _r(self.analyser_fallback_rate),
            "generator_fallback_rate": _r(self.generator_fallback_rate),
        }


@dataclass(frozen=True, slots=True)
class ExperimentReport:
    experiment: str
    allocation: str
    variants: tuple[VariantReport, ...]
    #: Conversations of this experiment whose variant is not one of its arms any more.
    unknown_variant: int = 0

    def to_json(self) -> dict[str, object]:
        return {
            "experiment": self.experiment,
            "allocation": self.allocation,
            "variants": [v.to_json() for v in self.variants],
            "unknown_variant": self.unknown_variant,
        }

    def text(self) -> str:
        head = (
            f"{'variant':<16} {'convs':>6} {'decided':>7} {'conv':>5} {'rate':>6} "
            f"{'95% interval':>15} {'P(best)':>7} {'turns':>6} {'p95 ms':>8} {'fb an.':>6} "
            f"{'fb gen':>6}"
        )
        lines = [f"experiment {self.experiment} ({self.allocation})", head]
        for v in self.variants:
            ci = f"{v.interval95[0]:.3f}-{v.interval95[1]:.3f}" if v.interval95 else "-"
            lines.append(
                f"{v.variant:<16} {v.conversations:>6} {v.decided:>7} {v.conversions:>5} "
                f"{_f(v.conversion_rate, 3):>6} {ci:>15} {v.p_best:>7.3f} "
                f"{_f(v.mean_turns, 1):>6} {_f(v.p95_turn_ms, 1):>8} "
                f"{_f(v.analyser_fallback_rate, 3):>6} {_f(v.generator_fallback_rate, 3):>6}"
            )
        return "\n".join(lines)

    def html(self) -> str:
        """A page with the rates and their intervals drawn as bars."""
        rows = []
        for v in self.variants:
            bar = ""
            if v.interval95 is not None and v.conversion_rate is not None:
                lo, hi = (x * 100 for x in v.interval95)
                bar = (
                    f'<svg width="300" height="14"><rect x="0" y="6" width="300" height="2" '
                    f'fill="#ddd"/><rect x="{lo * 3:.1f}" y="3" width="{max(hi - lo, 0.5) * 3:.1f}"'
                    f' height="8" fill="#7aa7d9"/><rect x="{v.conversion_rate * 300 - 1:.1f}" '
                    f'y="0" width="2" height="14" fill="#1d3d6b"/></svg>'
                )
            rows.append(
                f"<tr><td>{html.escape(v.variant)}</td><td>{v.conversations}</td>"
                f"<td>{v.decided}</td><td>{v.conversions}</td>"
                f"<td>{_f(v.conversion_rate, 3)}</td><td>{bar}</td><td>{v.p_best:.3f}</td>"
                f"<td>{_f(v.mean_turns, 1)}</td><td>{_f(v.p95_turn_ms, 1)}</td>"
                f"<td>{_f(v.analyser_fallback_rate, 3)}</td>"
                f"<td>{_f(v.generator_fallback_rate, 3)}</td></tr>"
            )
        return (
            "<!doctype html><meta charset=utf-8>"
            f"<title>Experiment {html.escape(self.experiment)}</title>"
            "<style>body{font:14px system-ui;margin:2em}td,th{padding:4px 10px;"
            "text-align:right}th{border-bottom:1px solid #999}</style>"
            f"<h1>Experiment {html.escape(self.experiment)}</h1>"
            f"<p>Allocation: {html.escape(self.allocation)}. Conversion rate with its 95% "
            "(Wilson) interval, 0 to 100%; P(best): posterior probability that the variant "
            "converts best.</p><table><tr><th>variant</th><th>conversations</th>"
            "<th>with outcome</th><th>converted</th><th>rate</th><th>0 - 100%</th>"
            "<th>P(best)</th><th>mean turns</th><th>p95 turn ms</th>"
            "<th>analyser fallbacks</th><th>generator fallbacks</th></tr>"
            + "".join(rows)
            + "</table>"
        )


def build_report(
    experiment: str, allocation: str, arms: Sequence[str], records: Sequence[ExperimentRecord]
) -> ExperimentReport:
    by_arm: dict[str, list[ExperimentRecord]] = {a: [] for a in arms}
    unknown = 0
    for r in records:
        if r.variant in by_arm:
            by_arm[r.variant].append(r)
        else:
            unknown += 1
    evidence = []
    for a in arms:
        rs = by_arm[a]
        decided = [r for r in rs if r.outcome is not None]
        evidence.append(ArmEvidence(len(decided), sum(1 for r in decided if r.outcome)))
    p_best = probability_best(evidence)
    variants = []
    for a, ev, pb in zip(arms, evidence, p_best, strict=True):
        rs = by_arm[a]
        turns = [r.customer_turns for r in rs]
        reply_ms = [ms for r in rs for ms in r.reply_ms]
        customer_turns = sum(turns)
        agent_replies = sum(r.agent_replies for r in rs)
        variants.append(
            VariantReport(
                variant=a,
                conversations=len(rs),
                decided=ev.decided,
                conversions=ev.converted,
                conversion_rate=ev.converted / ev.decided if ev.decided else None,
                interval95=wilson(ev.converted, ev.decided),
                p_best=pb,
                mean_turns=sum(turns) / len(turns) if turns else None,
                p95_turn_ms=float(np.percentile(reply_ms, 95)) if reply_ms else None,
                analyser_fallback_rate=(
                    sum(r.analyser_fallback_turns for r in rs) / customer_turns
                    if customer_turns
                    else None
                ),
                generator_fallback_rate=(
                    sum(r.generator_fallbacks for r in rs) / agent_replies
                    if agent_replies
                    else None
                ),
            )
        )
    return ExperimentReport(experiment, allocation, tuple(variants), unknown)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _f(x: float | None, digits: int) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


__all__ = ["ExperimentReport", "VariantReport", "build_report", "wilson"]
