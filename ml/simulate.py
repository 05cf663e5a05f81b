"""Simulated recorded calls: generated callers (``ml.datagen``) talk to a running server
through its REST API, and each call's outcome is recorded, as a sales team would after a
real call. The server's own agent answers (its playbook or LLM); what is stored is what the
learning loop (:mod:`ml.learn`) trains on.

Each simulated caller says its generated conversation's customer turns in order, then the
call gets the generated outcome. The callers follow their script whatever the agent says, so
the agent's pitch appears in calls of both outcomes: that is what lets a model trained on
these calls stop reading the agent's own words as the caller's intent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx


@dataclass(frozen=True, slots=True)
class SimulationReport:
    conversations: int
    turns: int
    converted: int
    errors: int
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {
            "conversations": self.conversations,
            "turns": self.turns,
            "converted": self.converted,
            "errors": self.errors,
            "seconds": round(self.seconds, 2),
        }


def simulate_calls(
    base_url: str,
    api_key: str,
    n: int,
    *,
    seed: int = 11,
    max_turns: int = 8,
    timeout_s: float = 30.0,
    on_progress: Callable[[int], None] | None = None,
) -> SimulationReport:
    """``n`` generated calls through ``POST /v1/conversations``, ``.../messages`` and
    ``.../outcome``. A request that fails is counted and the call goes on (or is dropped,
    when it could not be created)."""
    from ml.datagen import generate_conversations

    started = time.monotonic()
    turns = errors = converted = done = 0
    headers = {"Authorization": f"Bearer {api_key}"}
    with httpx.Client(base_url=base_url, headers=headers, timeout=timeout_s) as http:
        for conv in generate_conversations(n, seed=seed):
            r = http.post(
                "/v1/conversations",
                json={"lang": conv["lang"], "customer": conv.get("customer_profile", {})},
            )
            if r.status_code != 201:
                errors += 1
                continue
            cid = r.json()["id"]
            said = [t["text"] for t in conv["turns"] if t["role"] == "customer"][:max_turns]
            for text in said:
                m = http.post(f"/v1/conversations/{cid}/messages", json={"text": text})
                if m.status_code == 200:
                    turns += 1
                else:
                    errors += 1
            won = bool(conv["converted"])
            o = http.post(f"/v1/conversations/{cid}/outcome", json={"converted": won})
            if o.status_code == 200:
                done += 1
                converted += int(won)
            else:
                errors += 1
            if on_progress is not None:
                on_progress(1)
    return SimulationReport(done, turns, converted, errors, time.monotonic() - started)


__all__ = ["SimulationReport", "simulate_calls"]
