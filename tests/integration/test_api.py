"""The REST API of a real server subprocess, driven over HTTP: the happy paths."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.integration.conftest import OTHER_KEY
from tests.integration.server import ServerProcess
from voice_agent.core.labels import ACTIONS, PHASES
from voice_agent.orchestrator import KINDS
from voice_agent.playbook import load_playbook

INSIGHT_KEYS = {
    "objections",
    "needs",
    "buying_signal",
    "conversion_probability",
    "next_action",
    "phase",
    "fallbacks",
    "models",
}


def start(client: httpx.Client, lang: str = "en", **body: Any) -> dict[str, Any]:
    r = client.post("/v1/conversations", json={"lang": lang, **body})
    assert r.status_code == 201, r.text
    return dict(r.json())


def say(client: httpx.Client, cid: str, text: str) -> dict[str, Any]:
    r = client.post(f"/v1/conversations/{cid}/messages", json={"text": text})
    assert r.status_code == 200, r.text
    return dict(r.json())


def _norm(text: str) -> str:
    return " ".join(text.split())


def line_pattern(template: str) -> re.Pattern[str]:
    """A playbook line template as a regex: placeholders match any text."""
    parts = re.split(r"\{[a-z_]+\}", _norm(template))
    return re.compile(".+?".join(re.escape(p) for p in parts))


def price_lines(lang: str) -> list[re.Pattern[str]]:
    playbook = load_playbook()  # the bundled playbook the server uses by default
    return [line_pattern(t) for t in playbook.content[lang].objections["price"]]


def check_insights(ins: dict[str, Any]) -> None:
    assert set(ins) == INSIGHT_KEYS
    for scores in (ins["objections"], ins["needs"]):
        for s in scores:
            assert set(s) == {"label", "p"} and 0.0 <= s["p"] <= 1.0
    assert set(ins["buying_signal"]) == {"value", "p"}
    assert 0.0 <= ins["conversion_probability"] <= 1.0
    assert ins["next_action"]["name"] in ACTIONS
    assert ins["next_action"]["reason"].strip()
    assert ins["phase"] in PHASES
    assert set(ins["fallbacks"]) <= set(KINDS)
    assert set(ins["models"]) == set(KINDS)


# -- a conversation from start to outcome ---------------------------------------------------
def test_conversation_lifecycle(client: httpx.Client) -> None:
    created = start(client, "en", customer={"name": "Dana", "budget": "high"}, channel="web")
    cid = created["id"]
    assert created["lang"] == "en" and created["channel"] == "web"
    assert created["greeting"]["text"].strip()
    assert re.fullmatch(r"[0-9a-f]{32}", cid)

    texts = [
        "Hi, I'm exhausted all the time and my doctor says my blood pressure is high",
        "I travel every week, I really don't have time for this",
        "OK, how do I sign up?",
    ]
    replies = [say(client, cid, t) for t in texts]
    for k, reply in enumerate(replies):
        assert reply["conversation_id"] == cid
        assert reply["turn"] == 1 + 2 * k
        assert reply["reply"]["text"].strip()
        check_insights(reply["insights"])
        for key in ("analysis", "decision", "generation", "total"):
            assert reply["timings_ms"][key] >= 0.0
        assert reply["timings_ms"]["total"] >= reply["timings_ms"]["analysis"]

    r = client.get(f"/v1/conversations/{cid}")
    assert r.status_code == 200
    conv = r.json()
    assert conv["status"] == "open"
    assert conv["customer"] == {"name": "Dana", "budget": "high"}
    turns = conv["turns"]
    assert [t["index"] for t in turns] == list(range(7))
    assert [t["role"] for t in turns] == ["agent"] + ["customer", "agent"] * 3
    assert turns[0]["text"] == created["greeting"]["text"]
    assert turns[0]["timings_ms"]["generation"] >= 0
    for k, reply in enumerate(replies):
        customer, agent = turns[1 + 2 * k], turns[2 + 2 * k]
        assert customer["text"] == texts[k]
        assert customer["insights"] == reply["insights"]
        assert {"analysis", "decision"} <= set(customer["timings_ms"])
        assert all(f"analysis.{kind}" in customer["timings_ms"] for kind in KINDS)
        assert agent["text"] == reply["reply"]["text"]
        assert agent["action"] == reply["insights"]["next_action"]["name"]
        assert {"generation", "total"} <= set(agent["timings_ms"])
    assert conv["phase"] == replies[-1]["insights"]["phase"]

    r = client.post(f"/v1/conversations/{cid}/outcome", json={"converted": True, "value": 790})
    assert r.status_code == 200, r.text
    ended = r.json()
    assert ended["status"] == "ended" and ended["phase"] == "ended"
    assert ended["outcome"] == {"converted": True, "value": 790.0}
    assert ended["ended_at"] >= ended["created_at"]
    assert "turns" not in ended

    after = client.get(f"/v1/conversations/{cid}").json()
    assert after["status"] == "ended"
    assert len(after["turns"]) == 7

    listed = client.get("/v1/conversations", params={"limit": 500}).json()["conversations"]
    mine = [c for c in listed if c["id"] == cid]
    assert len(mine) == 1 and mine[0]["status"] == "ended" and "turns" not in mine[0]


def test_list_is_newest_first_and_limited(client: httpx.Client) -> None:
    ids = [start(client)["id"] for _ in range(3)]
    r = client.get("/v1/conversations", params={"limit": 2})
    assert r.status_code == 200
    assert [c["id"] for c in r.json()["conversations"]] == ids[::-1][:2]


def test_every_configured_key_works(server: ServerProcess) -> None:
    with server.client(OTHER_KEY) as other:
        assert other.get("/v1/conversations").status_code == 200


def test_greeting_is_in_the_conversations_language(client: httpx.Client) -> None:
    playbook = load_playbook()
    for lang, other in (("es", "en"), ("en", "es")):
        created = start(client, lang)
        assert created["lang"] == lang
        said = _norm(created["greeting"]["text"])
        mine = [line_pattern(t) for t in playbook.content[lang].greeting]
        theirs = [line_pattern(t) for t in playbook.content[other].greeting]
        assert any(p.search(said) for p in mine), said
        assert not any(p.search(said) for p in theirs), said


def test_create_defaults(client: httpx.Client) -> None:
    r = client.post("/v1/conversations", json={})
    assert r.status_code == 201 and r.json()["lang"] == "en" and r.json()["channel"] == "api"


# -- price objections in both languages -----------------------------------------------------
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "es muy caro para mí"),
        ("es", "no me alcanza la plata"),
        ("en", "it's too expensive for me"),
        ("en", "I can't afford that right now"),
    ],
)
def test_price_objection_is_detected_and_handled_in_the_callers_language(
    client: httpx.Client, lang: str, text: str
) -> None:
    cid = start(client, lang)["id"]
    reply = say(client, cid, text)
    ins = reply["insights"]
    detected = [s["label"] for s in ins["objections"] if s["p"] >= 0.5]
    assert "price" in detected, ins
    assert ins["next_action"]["name"] == "handle_objection", ins
    assert ins["next_action"]["objection"] == "price"
    assert ins["phase"] == "objection_handling"
    said = _norm(reply["reply"]["text"])
    other = "en" if lang == "es" else "es"
    assert any(p.search(said) for p in price_lines(lang)), said
    assert not any(p.search(said) for p in price_lines(other)), said


# -- health, readiness, metrics -------------------------------------------------------------
def test_healthz_needs_no_key(anon: httpx.Client) -> None:
    r = anon.get("/healthz")
    assert r.status_code == 200
    assert r.json() == {"status": "ok"}


def test_readyz_details_need_a_metrics_or_admin_key(anon: httpx.Client) -> None:
    """Finding 5: /readyz showed model versions and speech errors to anyone. Load balancers
    still get the status without a key."""
    r = anon.get("/readyz")
    assert r.status_code == 200
    assert r.json() == {"status": "ready", "calls": {"active": 0, "max": 16}}


def test_readyz_for_calls_says_why_no_call_can_come(anon: httpx.Client) -> None:
    """A load balancer checks the call routes with ``?for=calls``: this server runs without
    speech, so it takes no call while it still serves REST."""
    r = anon.get("/readyz", params={"for": "calls"})
    assert (r.status_code, r.json()["status"]) == (503, "no_speech")
    assert anon.get("/readyz").status_code == 200
    bad = anon.get("/readyz", params={"for": "everything"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (422, "invalid_field")


def test_readyz(client: httpx.Client) -> None:
    r = client.get("/readyz")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ready"
    assert body["store"] is True
    models = body["models"]
    assert sorted(models["loaded"] + models["fallback"]) == sorted(KINDS)
    assert set(models["errors"]) >= set(models["fallback"])
    assert body["generator"] == "playbook"
    assert body["speech"] == "disabled"


def _samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    out = []
    for line in text.splitlines():
        m = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if m:
            labels = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1) or ""))
            out.append((labels, float(m.group(2))))
    return out


def test_metrics_after_a_turn(client: httpx.Client) -> None:
    cid = start(client)["id"]
    reply = say(client, cid, "too expensive")
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain")
    text = r.text
    turn_counts = _samples(text, "voice_agent_turn_seconds_count")
    assert any(lbl == {"channel": "api"} and v >= 1 for lbl, v in turn_counts), turn_counts
    analyser_counts = _samples(text, "voice_agent_analyser_seconds_count")
    assert {lbl["analyser"] for lbl, v in analyser_counts if v >= 1} == set(KINDS)
    assert {lbl["impl"] for lbl, _ in analyser_counts} <= {"model", "rules"}
    assert "# TYPE voice_agent_analyser_fallbacks_total counter" in text
    fallbacks = _samples(text, "voice_agent_analyser_fallbacks_total")
    for kind in reply["insights"]["fallbacks"]:
        assert any(lbl["analyser"] == kind and v >= 1 for lbl, v in fallbacks), kind
    turns = _samples(text, "voice_agent_turns_total")
    assert any(lbl == {"channel": "api", "lang": "en"} and v >= 1 for lbl, v in turns)


def test_metrics_count_errors_by_code(client: httpx.Client) -> None:
    def count() -> float:
        found = _samples(client.get("/metrics").text, "voice_agent_errors_total")
        return sum(v for lbl, v in found if lbl.get("code") == "conversation_not_found")

    before = count()
    assert client.get("/v1/conversations/does-not-exist").status_code == 404
    assert count() == before + 1


# -- many clients at once -------------------------------------------------------------------
def test_concurrent_clients_lose_nothing(server: ServerProcess) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.integration.conftest import API_KEY

    texts = ["I want to lose weight", "it's too expensive", "how do I sign up?"]

    def conversation(i: int) -> tuple[str, list[int]]:
        with server.client(API_KEY) as c:
            cid = start(c, "es" if i % 2 else "en")["id"]
            return cid, [say(c, cid, f"{t} ({i})")["turn"] for t in texts]

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(conversation, range(24), timeout=120))
    with server.client(API_KEY) as c:
        for i, (cid, turn_indexes) in enumerate(results):
            assert turn_indexes == [1, 3, 5]
            turns = c.get(f"/v1/conversations/{cid}").json()["turns"]
            assert [t["index"] for t in turns] == list(range(7))
            assert [t["text"] for t in turns if t["role"] == "customer"] == [
                f"{t} ({i})" for t in texts
            ]


def test_concurrent_messages_to_one_conversation_are_serialised(
    server: ServerProcess, client: httpx.Client
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from tests.integration.conftest import API_KEY

    cid = start(client)["id"]

    def send(k: int) -> int:
        with server.client(API_KEY) as c:
            return int(say(c, cid, f"message number {k}")["turn"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        indexes = sorted(pool.map(send, range(8), timeout=120))
    assert indexes == [1, 3, 5, 7, 9, 11, 13, 15]
    turns = client.get(f"/v1/conversations/{cid}").json()["turns"]
    assert [t["index"] for t in turns] == list(range(17))
    assert [t["role"] for t in turns] == ["agent"] + ["customer", "agent"] * 8
    assert sorted(t["text"] for t in turns if t["role"] == "customer") == sorted(
        f"message number {k}" for k in range(8)
    )
