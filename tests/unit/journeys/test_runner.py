"""Running journeys through a backend: turn by turn, every wait under a deadline; the REST
backend over an httpx transport; the in-process backend on the real engine."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx
import pytest

from voice_agent.core.labels import ActionName
from voice_agent.core.types import Action, BuyingSignal, Insights
from voice_agent.journeys.runner import (
    Answer,
    BackendUnavailable,
    InProcessBackend,
    RestBackend,
    Started,
    TurnFailed,
    run_journey,
    run_journeys,
)
from voice_agent.journeys.spec import Journey, parse_journey


def make_journey(
    *says: str, name: str = "j", expect_last: dict[str, object] | None = None
) -> Journey:
    turns: list[dict[str, object]] = [{"say": s} for s in says]
    if expect_last is not None:
        turns[-1]["expect"] = expect_last
    return parse_journey(
        {"name": name, "lang": "en", "customer": {"name": "Dana"}, "turns": turns}, "j.yaml"
    )


def insights(action: ActionName = "discover_need", *, buying: bool = False) -> Insights:
    return Insights(
        (),
        (),
        BuyingSignal(buying, 0.9 if buying else 0.1),
        0.4,
        Action(action, "because"),
        "discovery",
    )


class ScriptedBackend:
    """Answers each message with the next scripted answer; ``None`` means no answer (it
    waits past any deadline); an exception is raised."""

    name = "scripted"

    def __init__(self, answers: list[Answer | Exception | None]) -> None:
        self.answers = answers
        self.said: list[tuple[str, str]] = []
        self.customers: list[dict[str, object]] = []
        self.closed = False

    async def start(self, journey: Journey) -> Started:
        self.customers.append(dict(journey.customer))
        return Started(f"c{len(self.customers)}", "Hi, this is Sofia.")

    async def say(self, conversation_id: str, text: str) -> Answer:
        self.said.append((conversation_id, text))
        answer = self.answers.pop(0)
        if answer is None:
            await asyncio.sleep(60)
            raise AssertionError("the deadline should have stopped this")
        if isinstance(answer, Exception):
            raise answer
        return answer

    async def aclose(self) -> None:
        self.closed = True


async def test_every_turn_is_said_in_order_and_judged() -> None:
    backend = ScriptedBackend(
        [
            Answer("Tell me more.", insights()),
            Answer("Welcome aboard!", insights("close", buying=True)),
        ]
    )
    j = make_journey("hi", "let's do it", expect_last={"action": "close", "buying_signal": True})
    result = await run_journey(backend, j)
    assert backend.said == [("c1", "hi"), ("c1", "let's do it")]
    assert backend.customers == [{"name": "Dana"}]
    assert result.passed and result.error is None
    assert result.observed.greeting == "Hi, this is Sofia."
    assert [t.reply for t in result.observed.turns] == ["Tell me more.", "Welcome aboard!"]


async def test_a_wrong_expectation_fails_the_journey() -> None:
    backend = ScriptedBackend([Answer("Shall we?", insights("close"))])
    result = await run_journey(backend, make_journey("hi", expect_last={"action": "hand_off"}))
    assert not result.passed
    assert [f.message for f in result.failures] == [
        "expect.action: expected hand_off; got close (reason: because)"
    ]


async def test_a_turn_without_an_answer_in_time_stops_the_journey_with_its_number() -> None:
    backend = ScriptedBackend([Answer("ok", insights()), None, Answer("never", insights())])
    result = await run_journey(backend, make_journey("a", "b", "c"), turn_timeout_s=0.05)
    assert result.error == "turn 2: the message: no answer within 0.05 s"
    assert not result.passed
    assert len(result.observed.turns) == 1
    assert backend.said == [("c1", "a"), ("c1", "b")]


async def test_a_failed_turn_fails_its_journey_and_the_run_goes_on() -> None:
    backend = ScriptedBackend(
        [TurnFailed("HTTP 500 internal_error: boom"), Answer("fine", insights())]
    )
    seen: list[str] = []
    run = await run_journeys(
        backend,
        [make_journey("a", name="first"), make_journey("b", name="second")],
        on_result=lambda r: seen.append(r.journey.name),
    )
    assert seen == ["first", "second"]
    assert [r.error for r in run.results] == ["turn 1: HTTP 500 internal_error: boom", None]
    assert (run.passed, run.failed, run.ok) == (1, 1, False)
    assert run.backend == "scripted"


# -- REST ---------------------------------------------------------------------------------------
def rest(handler: httpx.MockTransport) -> RestBackend:
    return RestBackend("http://server.test/", "k1", 5.0, transport=handler)


INSIGHTS_JSON = {
    "objections": [{"label": "price", "p": 0.93}],
    "needs": [],
    "buying_signal": {"value": False, "p": 0.02},
    "conversion_probability": 0.21,
    "next_action": {"name": "handle_objection", "reason": "price", "objection": "price"},
    "phase": "objection_handling",
    "fallbacks": [],
    "models": {},
}


async def test_rest_backend_speaks_the_api() -> None:
    requests: list[tuple[str, str, dict[str, object], str | None]] = []

    def handle(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        requests.append(
            (request.method, request.url.path, body, request.headers.get("authorization"))
        )
        if request.url.path == "/v1/conversations":
            return httpx.Response(201, json={"id": "abc", "greeting": {"text": "Hello!"}})
        return httpx.Response(
            200, json={"reply": {"text": "I hear you."}, "insights": INSIGHTS_JSON}
        )

    backend = rest(httpx.MockTransport(handle))
    result = await run_journey(
        backend, make_journey("too expensive", expect_last={"objections": ["price"]})
    )
    await backend.aclose()
    assert result.passed, result.failures
    assert requests == [
        (
            "POST",
            "/v1/conversations",
            {"lang": "en", "customer": {"name": "Dana"}, "channel": "journeys"},
            "Bearer k1",
        ),
        ("POST", "/v1/conversations/abc/messages", {"text": "too expensive"}, "Bearer k1"),
    ]
    assert result.observed.turns[0].insights.objections[0].p == 0.93


async def test_rest_backend_refused_key_stops_the_run() -> None:
    body = {"error": {"code": "invalid_api_key", "message": "the API key is not valid"}}
    backend = rest(httpx.MockTransport(lambda r: httpx.Response(401, json=body)))
    with pytest.raises(BackendUnavailable, match="HTTP 401 invalid_api_key: the API key"):
        await run_journey(backend, make_journey("hi"))
    await backend.aclose()


async def test_rest_backend_server_error_and_bad_answers_fail_the_journey() -> None:
    answers = iter(
        [
            httpx.Response(201, json={"id": "abc", "greeting": {"text": "Hello!"}}),
            httpx.Response(500, json={"error": {"code": "internal_error", "message": "boom"}}),
            httpx.Response(201, json={"id": "abc", "greeting": {"text": "Hello!"}}),
            httpx.Response(200, json={"reply": {"text": "x"}, "insights": {"objections": []}}),
            httpx.Response(201, text="not json"),
        ]
    )
    backend = rest(httpx.MockTransport(lambda r: next(answers)))
    run = await run_journeys(backend, [make_journey("a"), make_journey("b"), make_journey("c")])
    await backend.aclose()
    errors = [r.error or "" for r in run.results]
    assert errors[0] == "turn 1: the message: HTTP 500 internal_error: boom"
    assert errors[1].startswith("turn 1: the answer's insights are malformed")
    assert errors[2] == "opening the conversation: the server did not answer with a JSON object"


async def test_rest_backend_unreachable_server() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    backend = rest(httpx.MockTransport(refuse))
    with pytest.raises(BackendUnavailable, match=r"http://server\.test: cannot connect"):
        await run_journey(backend, make_journey("hi"))
    await backend.aclose()


# -- in process ----------------------------------------------------------------------------------
async def test_in_process_backend_runs_the_real_engine_on_a_throwaway_store() -> None:
    backend = await InProcessBackend.open()
    data_dir = Path(backend.services.settings.data_dir)
    try:
        j = make_journey(
            "that's way too expensive for me",
            expect_last={"objections": ["price"], "action": ["handle_objection"]},
        )
        result = await run_journey(backend, j)
        database = backend.services.settings.database
        assert database.startswith(f"sqlite:///{data_dir}/")
        assert await asyncio.to_thread(Path(database.removeprefix("sqlite:///")).exists)
    finally:
        await backend.aclose()
    assert result.passed, result.failures
    assert result.observed.greeting.startswith("Hi Dana")
    assert not await asyncio.to_thread(data_dir.exists)
