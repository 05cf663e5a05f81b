"""The LLM generator's guardrails and circuit breaker through the real server: a REST
conversation whose replies come from a real local Chat Completions server (port 0). What was
rejected, and why, is stored on the agent turn and answered by the API; the metrics count it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.integration.chat_server import FakeChatCompletions, running_chat_server
from tests.integration.server import ServerProcess, metric_value, start_server

KEY = "test-key-llm"


@pytest.fixture
async def chat() -> AsyncIterator[FakeChatCompletions]:
    async with running_chat_server() as fake:
        yield fake


@pytest.fixture
async def agent(chat: FakeChatCompletions, tmp_path: Path) -> AsyncIterator[ServerProcess]:
    env = {
        "VOICE_AGENT_API_KEYS": KEY,
        "VOICE_AGENT_GENERATOR": "llm",
        "VOICE_AGENT_LLM_BASE_URL": chat.base_url,
        "VOICE_AGENT_LLM_API_KEY": "sk-local",
        "VOICE_AGENT_LLM_MODEL": "local-model",
        "VOICE_AGENT_LLM_CIRCUIT_FAILURES": "2",
        "VOICE_AGENT_LLM_CIRCUIT_OPEN_S": "60",
    }
    srv = await asyncio.to_thread(start_server, tmp_path / "data", env)
    try:
        yield srv
    finally:
        await asyncio.to_thread(srv.stop)


async def test_rejections_and_the_open_circuit_are_stored_and_counted(
    chat: FakeChatCompletions, agent: ServerProcess
) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    async with httpx.AsyncClient(base_url=agent.url, headers=headers, timeout=30) as http:
        created = (await http.post("/v1/conversations", json={"lang": "en"})).json()
        cid = created["id"]
        url = f"/v1/conversations/{cid}/messages"

        # 1. a good reply goes through as written
        chat.tokens = ["Tell me more", " about your week."]
        r = await http.post(url, json={"text": "I'm tired all the time."})
        assert r.status_code == 200, r.text
        assert r.json()["reply"]["text"] == "Tell me more about your week."
        assert "generation" not in r.json()

        # 2. an invented price: never said; the playbook's reply instead, and why
        chat.tokens = ["For you it's just ", "$399 a month", ". ", "Deal?"]
        r = await http.post(url, json={"text": "How much is it?"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert "$399" not in body["reply"]["text"] and body["reply"]["text"]
        assert body["generation"] == {
            "error": "guardrail",
            "fallback": "playbook",
            "guardrail": "price_not_in_playbook",
            "guardrail_found": "$399",
        }

        # 3. the endpoint fails twice: the circuit opens, the next turn does not call it
        chat.mode = "error"
        for text in ("I travel a lot.", "Mostly to Asia."):
            r = await http.post(url, json={"text": text})
            assert r.status_code == 200, r.text
            assert r.json()["generation"]["error"] == "llm_api_error"
            assert r.json()["generation"]["llm_status"] == 500
        calls = len(chat.requests)
        r = await http.post(url, json={"text": "What do you suggest?"})
        assert r.status_code == 200, r.text
        assert r.json()["generation"] == {"error": "llm_circuit_open", "fallback": "playbook"}
        assert len(chat.requests) == calls

        # what was stored says the same, turn by turn
        conv = (await http.get(f"/v1/conversations/{cid}")).json()
        agent_turns = [t for t in conv["turns"] if t["role"] == "agent"]
        notes = [t.get("generation") for t in agent_turns]
        assert notes[0] is None and notes[1] is None  # greeting, good reply
        assert notes[2] is not None and notes[2]["guardrail"] == "price_not_in_playbook"
        assert [n["error"] for n in notes[3:] if n] == [
            "llm_api_error",
            "llm_api_error",
            "llm_circuit_open",
        ]
        assert (
            "timings_ms" not in agent_turns[2]
            or "generator_fallback" not in agent_turns[2]["timings_ms"]
        )

        metrics = (await http.get("/metrics")).text
        state = "voice_agent_llm_circuit_state"
        assert metric_value(metrics, state, {"state": "open"}) == 1.0
        assert metric_value(metrics, state, {"state": "closed"}) == 0.0
        opened = "voice_agent_llm_circuit_transitions_total"
        assert metric_value(metrics, opened, {"state": "open"}) == 1
        rejections = "voice_agent_llm_guardrail_rejections_total"
        assert metric_value(metrics, rejections, {"rule": "price_not_in_playbook"}) == 1.0
        assert metric_value(metrics, rejections, {"rule": "discount"}) == 0
        fallbacks = "voice_agent_generator_fallbacks_total"
        assert metric_value(metrics, fallbacks, {"reason": "guardrail"}) == 1.0
        assert metric_value(metrics, fallbacks, {"reason": "llm_circuit_open"}) == 1.0

    await asyncio.to_thread(agent.stop)
    log = agent.stderr()
    assert "llm_reply_rejected" in log and "llm_circuit_opened" in log
    assert "Traceback" not in log
