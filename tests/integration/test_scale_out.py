"""Three instances on one PostgreSQL behind a real HAProxy (Debian's), with the shipped
``config/haproxy/haproxy.cfg``: the text load goes through it while one instance is killed
with SIGKILL; a call on a killed instance is ended by the others; full instances and
instances without speech take no calls."""

from __future__ import annotations

import asyncio
import base64
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import psycopg
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from loadtest import text as text_load
from loadtest.cluster import HAPROXY_CFG, Haproxy
from tests.integration.server import ServerProcess, start_server
from tests.postgres import scratch_database

API_KEY = "scale-key"
METRICS_KEY = "scale-metrics"
#: Instances beat every half second: one silent for two seconds is lost.
HEARTBEAT_S = 0.5


@dataclass
class Cluster:
    database: str
    instances: list[ServerProcess]
    haproxy: Haproxy
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.haproxy.url

    def wait_states(self, backend: str, want: dict[str, str], timeout: float = 30.0) -> None:
        self.haproxy.wait_states(backend, want, timeout)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    with scratch_database("va_scale") as database:
        base = {
            "VOICE_AGENT_DATABASE_URL": database,
            "VOICE_AGENT_API_KEYS": f"{API_KEY},{METRICS_KEY}:metrics",
            "VOICE_AGENT_HEARTBEAT_S": str(HEARTBEAT_S),
        }
        instances: list[ServerProcess] = []
        try:
            # instance1 takes no call (0 slots), instance2 has speech, instance3 has none
            specs = [({"VOICE_AGENT_MAX_CALLS": "0"}, False), ({}, True), ({}, False)]
            for n, (extra, speech) in enumerate(specs, start=1):
                env = {**base, **extra, "VOICE_AGENT_INSTANCE_ID": f"instance{n}"}
                data = tmp_path_factory.mktemp(f"instance{n}") / "data"
                instances.append(start_server(data, env, speech=speech, timeout=180))
            log = tmp_path_factory.mktemp("haproxy") / "haproxy.log"
            addresses = [f"127.0.0.1:{s.port}" for s in instances]
            with Haproxy(addresses, HAPROXY_CFG, log) as haproxy:  # the file users get
                haproxy.wait_states("instances", {f"instance{n}": "UP" for n in (1, 2, 3)}, 30)
                yield Cluster(database, instances, haproxy)
        finally:
            for srv in instances:
                srv.stop()


def _stored_customer_turns(database: str) -> set[tuple[str, int, str]]:
    with psycopg.connect(database) as conn:
        rows = conn.execute(
            "SELECT conversation_id, idx, text FROM turns WHERE role = 'customer'"
        ).fetchall()
    return {(str(c), int(i), str(t)) for c, i, t in rows}


def test_only_instances_that_can_take_a_call_are_in_the_call_backend(cluster: Cluster) -> None:
    """instance1 is full (0 slots), instance3 has no speech: /readyz?for=calls says so and
    HAProxy keeps them out of the call routes; all three serve REST."""
    cluster.wait_states("calls", {"instance1": "DOWN", "instance2": "UP", "instance3": "DOWN"})
    full = httpx.get(f"{cluster.instances[0].url}/readyz", params={"for": "calls"}, timeout=5)
    assert (full.status_code, full.json()["status"]) == (503, "at_capacity")
    assert full.json()["calls"] == {"active": 0, "max": 0}
    mute = httpx.get(f"{cluster.instances[2].url}/readyz", params={"for": "calls"}, timeout=5)
    assert (mute.status_code, mute.json()["status"]) == (503, "no_speech")
    plain = httpx.get(f"{cluster.instances[0].url}/readyz", timeout=5)
    assert (plain.status_code, plain.json()["status"]) == (200, "ready")


def test_any_instance_continues_any_conversation(cluster: Cluster) -> None:
    """A REST conversation created on one instance is continued on the others, turn after
    turn, and reads the same everywhere (nothing a turn needs stays in a process)."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    first, *others = cluster.instances
    r = httpx.post(f"{first.url}/v1/conversations", json={"lang": "en"}, headers=headers)
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    texts = ["it's too expensive for me", "i travel every week", "ok how do i sign up"]
    for srv, text in zip([*others, first], texts, strict=True):
        r = httpx.post(
            f"{srv.url}/v1/conversations/{cid}/messages", json={"text": text}, headers=headers,
            timeout=30,
        )  # fmt: skip
        assert r.status_code == 200, r.text
    views = [
        httpx.get(f"{s.url}/v1/conversations/{cid}", headers=headers).json()
        for s in cluster.instances
    ]
    assert views[0] == views[1] == views[2]
    customer = [t["text"] for t in views[0]["turns"] if t["role"] == "customer"]
    assert customer == texts
    assert [t["index"] for t in views[0]["turns"]] == list(range(len(views[0]["turns"])))


def test_text_load_through_haproxy_loses_no_acknowledged_turn_when_an_instance_is_killed(
    cluster: Cluster,
) -> None:
    acked: list[tuple[str, int, str, float]] = []
    victim = cluster.instances[2]
    conversations, turns = 24, 10
    killed_at: list[float] = []

    def on_ack(cid: str, turn: int, text: str) -> None:
        acked.append((cid, turn, text, time.monotonic()))

    async def load() -> dict[str, Any]:
        task = asyncio.create_task(
            text_load.run(
                cluster.url, API_KEY, conversations, turns, (0.05, 0.25), 11, 30.0, on_ack
            )
        )
        while len(acked) < conversations * turns // 3:
            assert not task.done(), task.result()
            await asyncio.sleep(0.02)
        killed_at.append(time.monotonic())
        await asyncio.to_thread(victim.kill)  # SIGKILL in the middle of the load
        return await asyncio.wait_for(task, 300)

    report = asyncio.run(load())
    stored = _stored_customer_turns(cluster.database)
    acknowledged = {(c, i, t) for c, i, t, _ in acked}
    missing = acknowledged - stored
    # every turn that got a 200 is stored
    assert not missing, sorted(missing)[:5]
    # conversations went on after the kill on the other instances
    before = {c for c, _, _, at in acked if at < killed_at[0]}
    after = {c for c, _, _, at in acked if at > killed_at[0]}
    assert len(before & after) >= 0.9 * len(before), (len(before), len(before & after))
    # what clients saw: only the turns cut by the kill, each stored once, never twice
    allowed = {"message 409 idempotent_request_incomplete"}
    assert set(report["error_kinds"]) <= allowed, report["error_kinds"]
    assert report["errors"] <= conversations  # at most one turn in flight per conversation
    sent = report["turns"] + report["errors"]
    assert sent == conversations * turns
    assert len(stored) <= sent + 3  # +3: the conversation of the test above
    cluster.figures.update(
        turns_sent=sent,
        turns_acknowledged=len(acknowledged),
        customer_turns_stored=len(stored) - 3,
        client_errors=report["errors"],
        client_retries=report["retried"],
        retry_kinds=report["retry_kinds"],
        p50_ms=report["p50_ms"],
        p95_ms=report["p95_ms"],
    )
    print("\nscale-out kill -9:", json.dumps(cluster.figures))
    # HAProxy took the dead instance out of both backends
    cluster.wait_states("instances", {"instance3": "DOWN"})


def _appends(seconds: float) -> list[str]:
    """Silence as 24 kHz ``input_audio_buffer.append`` events of 100 ms."""
    pcm = np.zeros(int(24000 * seconds), dtype="<i2").tobytes()
    step = 4800
    return [
        json.dumps({"type": "input_audio_buffer.append", "audio": base64.b64encode(
            pcm[i : i + step]).decode()})
        for i in range(0, len(pcm), step)
    ]  # fmt: skip


def test_a_call_on_a_killed_instance_is_ended_by_the_others(cluster: Cluster) -> None:
    """A realtime call through HAProxy lands on the only instance that takes calls, with a
    client secret another instance signed; the secret cannot be used again on any instance.
    The carrying instance is killed mid-call: the survivors' heartbeat ends the call with
    ``instance_lost``."""
    carrier, other = cluster.instances[1], cluster.instances[0]
    minted = httpx.post(
        f"{other.url}/v1/realtime/client_secrets",
        # the customer of a client secret's session is fixed by whoever minted it
        json={"session": {"type": "realtime", "customer": {"name": "Killed Mid Call"}}},
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=10,
    )
    assert minted.status_code == 200, minted.text
    secret = minted.json()["value"]
    ws_url = cluster.url.replace("http://", "ws://") + "/v1/realtime?model=voice-agent"
    headers = {"Authorization": f"Bearer {secret}"}

    async def call() -> None:
        ws = await connect(ws_url, additional_headers=headers, max_size=None)
        deadline = time.monotonic() + 60
        while True:  # the greeting starts: the conversation is stored
            event = json.loads(await asyncio.wait_for(ws.recv(), deadline - time.monotonic()))
            assert event["type"] != "error", event
            if event["type"] == "response.output_audio.delta":
                break
        for chunk in _appends(0.5):
            await ws.send(chunk)
        # used once: refused on the instance that signed it, before any call slot is asked
        other_url = f"ws://127.0.0.1:{other.port}/v1/realtime?model=voice-agent"
        with pytest.raises(InvalidStatus) as refused:
            await connect(other_url, additional_headers=headers)
        assert refused.value.response.status_code == 401
        assert b"client_secret_used" in refused.value.response.body
        await asyncio.to_thread(carrier.kill)
        ws.transport.abort()

    asyncio.run(call())
    deadline = time.monotonic() + 30
    while True:
        with psycopg.connect(cluster.database) as conn:
            row = conn.execute(
                "SELECT phase, end_reason, instance, channel FROM conversations"
                " WHERE customer->>'name' = 'Killed Mid Call'"
            ).fetchone()
        assert row is not None, "the call was not stored"
        if row[0] == "ended":
            break
        assert time.monotonic() < deadline, f"the call was not ended: {row}"
        time.sleep(0.25)
    assert row == ("ended", "instance_lost", "instance2", "realtime")
