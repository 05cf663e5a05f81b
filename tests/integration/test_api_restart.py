"""Durability and key handling across server processes: SIGKILL loses nothing."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.integration.server import start_server

KEY = "restart-test-key"


def test_sigkill_and_restart_loses_nothing(fresh_data_dir: Path) -> None:
    env = {"VOICE_AGENT_API_KEYS": KEY}
    first = start_server(fresh_data_dir, env)
    try:
        with first.client(KEY) as c:
            cid = c.post("/v1/conversations", json={"lang": "es"}).json()["id"]
            other = c.post("/v1/conversations", json={"lang": "en"}).json()["id"]
            replies: list[dict[str, Any]] = []
            for text in ("quiero bajar de peso", "es muy caro para mí"):
                r = c.post(f"/v1/conversations/{cid}/messages", json={"text": text})
                assert r.status_code == 200, r.text
                replies.append(r.json())
            ended = c.post(f"/v1/conversations/{other}/outcome", json={"converted": True})
            assert ended.status_code == 200
            before = c.get(f"/v1/conversations/{cid}").json()
    finally:
        rc = first.kill()
    assert rc == -9, "the server was killed, not stopped"
    wal = fresh_data_dir / "voice_agent.sqlite3-wal"
    assert wal.exists() and wal.stat().st_size > 0, "no checkpoint ran: recovery reads the WAL"

    second = start_server(fresh_data_dir, env)
    try:
        with second.client(KEY) as c:
            r = c.get(f"/v1/conversations/{cid}")
            assert r.status_code == 200
            after = r.json()
            assert after == before
            turns = after["turns"]
            assert [t["index"] for t in turns] == [0, 1, 2, 3, 4]
            for k, reply in enumerate(replies):
                customer, agent = turns[1 + 2 * k], turns[2 + 2 * k]
                assert customer["insights"] == reply["insights"]
                assert customer["timings_ms"]["analysis"] >= 0
                assert agent["text"] == reply["reply"]["text"]
                assert agent["timings_ms"]["total"] == reply["timings_ms"]["total"]

            ended_after = c.get(f"/v1/conversations/{other}").json()
            assert ended_after["status"] == "ended"
            assert ended_after["outcome"] == {"converted": True, "value": None}

            # the open conversation goes on where it stopped
            r = c.post(f"/v1/conversations/{cid}/messages", json={"text": "es muy caro para mí"})
            assert r.status_code == 200, r.text
            assert r.json()["turn"] == 5
            # the memory survived: the repeated price objection is known as handled once
            action = r.json()["insights"]["next_action"]
            assert action["name"] == "handle_objection", action
            assert action["objection"] == "price"
            assert "raised again after 1 answer" in action["reason"]
            final = c.get(f"/v1/conversations/{cid}").json()
            assert [t["index"] for t in final["turns"]] == list(range(7))
            assert final["turns"][:5] == before["turns"]
    finally:
        second.stop()


def test_generated_api_key_is_created_once_and_reused(fresh_data_dir: Path) -> None:
    key_file = fresh_data_dir / "api_key"
    first = start_server(fresh_data_dir)  # no VOICE_AGENT_API_KEYS
    try:
        announced = [line for line in first.lines if "API key" in line]
        assert announced == [f"voice-agent: created an API key in {key_file}"], first.lines
        key = key_file.read_text().strip()
        assert re.fullmatch(r"va_[A-Za-z0-9_-]{20,}", key)
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        with first.client(key) as c:
            assert c.get("/v1/conversations").status_code == 200
        with first.client("va_wrong") as c:
            assert c.get("/v1/conversations").status_code == 401
    finally:
        first.stop()

    second = start_server(fresh_data_dir)
    try:
        announced = [line for line in second.lines if "API key" in line]
        assert announced == [f"voice-agent: API key is in {key_file}"], second.lines
        assert key_file.read_text().strip() == key
        with second.client(key) as c:
            assert c.get("/v1/conversations").status_code == 200
    finally:
        rc = second.stop()
    # SIGTERM is a graceful shutdown (uvicorn re-raises the signal once it is done): the
    # store was closed, so SQLite checkpointed and removed its write-ahead log
    assert rc in (0, -15), rc
    assert not (fresh_data_dir / "voice_agent.sqlite3-wal").exists()
    assert "Traceback" not in second.stderr()


def test_configured_keys_do_not_create_a_key_file(fresh_data_dir: Path) -> None:
    srv = start_server(fresh_data_dir, {"VOICE_AGENT_API_KEYS": KEY})
    try:
        assert not (fresh_data_dir / "api_key").exists()
        assert not [line for line in srv.lines if "API key" in line]
    finally:
        srv.stop()


def _seed(data_dir: Path, convs: list[tuple[str, str, float]]) -> None:
    """Conversations written through the store API, as a stopped server left them."""
    import asyncio

    from voice_agent.core.conversation import Conversation
    from voice_agent.store.sqlite import SQLiteStore

    async def seed() -> None:
        store = SQLiteStore(data_dir / "voice_agent.sqlite3")
        await store.open()
        try:
            for cid, channel, created in convs:
                conv = Conversation(id=cid, lang="en", channel=channel, created_at=created)
                await store.create_conversation(conv)
                turn = conv.add_turn("agent", "Hi, I'm Sofia.", created + 1)
                await store.save_turns(conv, [turn])
        finally:
            await store.close()

    asyncio.run(seed())


def test_calls_left_open_by_a_stop_are_ended_at_start_up(fresh_data_dir: Path) -> None:
    """Finding 6: after a kill -9, voice conversations stayed ``open`` forever. At start-up
    the voice ones are ended with ``server_restart``; REST conversations stay open."""
    import time

    long_ago = time.time() - 120
    _seed(
        fresh_data_dir,
        [
            ("rt" + "0" * 30, "realtime", long_ago),
            ("tw" + "0" * 30, "twilio", long_ago),
            ("ap" + "0" * 30, "api", long_ago),
        ],
    )
    srv = start_server(fresh_data_dir, {"VOICE_AGENT_API_KEYS": KEY})
    try:
        with srv.client(KEY) as c:
            for cid in ("rt" + "0" * 30, "tw" + "0" * 30):
                conv = c.get(f"/v1/conversations/{cid}").json()
                assert (conv["status"], conv["end_reason"]) == ("ended", "server_restart")
                assert conv["ended_at"] >= long_ago
            api = c.get(f"/v1/conversations/{'ap' + '0' * 30}").json()
            assert (api["status"], api["end_reason"]) == ("open", None)
            r = c.post(f"/v1/conversations/{'ap' + '0' * 30}/messages", json={"text": "hello"})
            assert r.status_code == 200, r.text
    finally:
        srv.stop()
    assert '"calls_ended_at_restart"' in srv.stderr()
    assert "Traceback" not in srv.stderr()


def test_a_turn_retried_after_sigkill_is_stored_once(fresh_data_dir: Path) -> None:
    env = {"VOICE_AGENT_API_KEYS": KEY}
    key = {"Idempotency-Key": "retry-after-crash"}
    first = start_server(fresh_data_dir, env)
    try:
        with first.client(KEY) as c:
            cid = c.post("/v1/conversations", json={}).json()["id"]
            r = c.post(
                f"/v1/conversations/{cid}/messages", json={"text": "too pricey"}, headers=key
            )
            assert r.status_code == 200, r.text
            reply = r.json()
    finally:
        first.kill()
    second = start_server(fresh_data_dir, env)
    try:
        with second.client(KEY) as c:
            again = c.post(
                f"/v1/conversations/{cid}/messages", json={"text": "too pricey"}, headers=key
            )
            assert (again.status_code, again.json()) == (200, reply)
            texts = [t["text"] for t in c.get(f"/v1/conversations/{cid}").json()["turns"]]
            assert texts.count("too pricey") == 1
    finally:
        second.stop()
