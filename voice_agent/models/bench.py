"""In-process benchmark of all four analysers plus the decision for one turn."""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path
from typing import Any

import numpy as np

from voice_agent.core.conversation import Memory
from voice_agent.core.types import AnalysisInput, Insights, LabelScore, Utterance

_HISTORY_EN = (
    ("agent", "Hi, this is Maya from Altura Coaching, do you have two minutes?"),
    ("customer", "yeah i have a couple of minutes between meetings"),
    ("agent", "What would you like to improve: energy, fitness, stress?"),
    (
        "customer",
        "honestly i'm exhausted by three pm and my doctor is worried about my blood pressure",
    ),
    ("agent", "Our Executive plan fits that: 25-minute video sessions and a nutrition plan."),
)
_TURNS = (
    "how much does it cost per month",
    "that's a lot of money and i travel every week so i don't know",
    "i'd have to talk to my wife first",
    "okay that sounds good how do i sign up",
    "let me think about it and maybe send me an email",
    "i already have a personal trainer at the gym",
)


def bench_turns(
    analysers: dict[str, Any], policy: Any, n: int = 2000, warmup: int = 100
) -> dict[str, Any]:
    history = tuple(Utterance(r, t) for r, t in _HISTORY_EN)  # type: ignore[arg-type]
    timings: list[float] = []
    memory = Memory()
    from voice_agent.core.decision import PolicyState

    for i in range(n + warmup):
        # A new customer text every turn (no cache hit on it); history is cached as live.
        text = f"{_TURNS[i % len(_TURNS)]} {i}"
        inp = AnalysisInput(text=text, lang="en", history=history, profile={"age": 45})
        t0 = time.perf_counter()
        obj = analysers["objections"].predict(inp)
        need = analysers["needs"].predict(inp)
        bs = analysers["buying_signal"].predict(inp)
        p = analysers["conversion"].predict(inp)
        ins = Insights(
            objections=tuple(LabelScore(k, v) for k, v in obj.items()),
            needs=tuple(LabelScore(k, v) for k, v in need.items()),
            buying_signal=bs,
            conversion_probability=p,
        )
        policy.decide(PolicyState("discovery", 3, ins, memory))
        dt = (time.perf_counter() - t0) * 1000.0
        if i >= warmup:
            timings.append(dt)
    arr = np.asarray(timings)
    return {
        "n": n,
        "p50_ms": round(float(np.percentile(arr, 50)), 4),
        "p95_ms": round(float(np.percentile(arr, 95)), 4),
        "p99_ms": round(float(np.percentile(arr, 99)), 4),
        "mean_ms": round(statistics.fmean(timings), 4),
        "max_ms": round(float(arr.max()), 4),
        "machine": {
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),
            "python": platform.python_version(),
            "processor": platform.processor() or platform.machine(),
            "system": platform.system(),
        },
    }


def bench_models(registry_dir: Path | None = None, n: int = 2000) -> dict[str, Any]:
    """`voice-agent bench models`: p50/p95/p99 of all analysers + decision for one turn,
    with the champion of ``registry_dir`` (default: the data dir's, then the bundled one).
    Raises :class:`~voice_agent.models.registry.RegistryError` when a model is missing."""
    from voice_agent.models.policy import ModelPolicy
    from voice_agent.models.registry import RegistryError, load_champion, load_default

    loaded = load_champion(registry_dir) if registry_dir is not None else load_default()
    if loaded.errors:
        raise RegistryError("models_unavailable", json.dumps(loaded.errors))
    out = bench_turns(loaded.analysers, ModelPolicy(), n=n)
    out["version"] = loaded.version
    out["what"] = "objections+needs+buying_signal+conversion+decision, one turn, in process"
    return out
