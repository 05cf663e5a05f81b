"""The LLM generator against a real local HTTP server speaking the OpenAI Chat Completions
streaming protocol (SSE ``data: {...}`` chunks, ``data: [DONE]``), started on port 0.

Nothing of the SDK is patched: the official ``openai`` client sends real HTTP requests.
"""

from __future__ import annotations

import asyncio
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from voice_agent.core.conversation import Memory
from voice_agent.core.labels import Lang
from voice_agent.core.types import Action, Utterance
from voice_agent.generation.base import GenerationContext
from voice_agent.generation.llm import LLMGenerator
from voice_agent.generation.playbook import PlaybookGenerator
from voice_agent.playbook import Playbook, load_playbook

STALL_S = 30.0


class FakeChatCompletions:
    """A Chat Completions endpoint whose behaviour each test sets."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.mode = "ok"  # ok | error | stall_headers | stall_first | stall_mid | empty
        self.tokens: list[str] = ["Hello there."]
        self.stall_at = 0
        self.gate_at: int | None = None
        self.release = asyncio.Event()
        self.sent = 0
        self.base_url = ""

    async def chat(self, request: Request) -> Response:
        body = await request.json()
        self.requests.append({"headers": dict(request.headers), "body": body})
        if self.mode == "error":
            return JSONResponse(
                {"error": {"message": "upstream exploded", "type": "server_error", "code": None}},
                status_code=500,
            )
        if self.mode == "stall_headers":
            await asyncio.sleep(STALL_S)
        return StreamingResponse(self._events(body["model"]), media_type="text/event-stream")

    async def _events(self, model: str) -> AsyncIterator[str]:
        def chunk(delta: dict[str, Any], finish: str | None = None) -> str:
            data = {
                "id": "chatcmpl-test",
                "object": "chat.completion.chunk",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            }
            return f"data: {json.dumps(data)}\n\n"

        yield chunk({"role": "assistant", "content": ""})
        if self.mode == "stall_first":
            await asyncio.sleep(STALL_S)
        tokens = [] if self.mode == "empty" else self.tokens
        for i, token in enumerate(tokens):
            if self.mode == "stall_mid" and i == self.stall_at:
                await asyncio.sleep(STALL_S)
            if self.gate_at is not None and i == self.gate_at:
                await asyncio.wait_for(self.release.wait(), timeout=10)
            self.sent += 1
            yield chunk({"content": token})
            await asyncio.sleep(0.005)
        yield chunk({}, finish="stop")
        yield "data: [DONE]\n\n"


@pytest.fixture
async def server() -> AsyncIterator[FakeChatCompletions]:
    fake = FakeChatCompletions()
    app = Starlette(routes=[Route("/v1/chat/completions", fake.chat, methods=["POST"])])
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    srv = uvicorn.Server(config)
    task = asyncio.create_task(srv.serve())
    async with asyncio.timeout(10):
        while not srv.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
            await asyncio.sleep(0.01)
    port = srv.servers[0].sockets[0].getsockname()[1]
    fake.base_url = f"http://127.0.0.1:{port}/v1"
    yield fake
    fake.release.set()
    srv.should_exit = True
    await asyncio.wait_for(task, timeout=10)


@pytest.fixture(scope="module")
def pb() -> Playbook:
    return load_playbook()


def make_gen(pb: Playbook, base_url: str, **kwargs: Any) -> LLMGenerator:
    options: dict[str, Any] = {"timeout_s": 5.0, "first_token_timeout_s": 3.0}
    options.update(kwargs)
    return LLMGenerator(pb, model="test-model", base_url=base_url, api_key="sk-test", **options)


def make_ctx(action: Action, lang: Lang = "en", **kwargs: Any) -> GenerationContext:
    transcript = kwargs.pop(
        "transcript",
        (
            Utterance("agent", "Hi, this is Sofia from Altura Coaching."),
            Utterance("customer", "I'm exhausted all the time and I travel a lot."),
        ),
    )
    return GenerationContext(
        action=action,
        lang=lang,
        phase="presentation",
        customer=kwargs.pop("customer", {"name": "Dana", "profession": "CFO"}),
        transcript=transcript,
        memory=kwargs.pop("memory", Memory(needs_found={"energy": 0.9})),
        **kwargs,
    )


async def collect(it: AsyncIterator[str]) -> list[str]:
    return [s async for s in it]


async def test_streams_sentences_and_sends_the_prompt(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.tokens = [
        "**Great**", " question", "! ", "Executive Energy", " is $2,100", ".50", " a quarter",
        ". Dr", ". Lee", " checks in", " every month", ". ", "Shall", " we", " start?",
    ]  # fmt: skip
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("present_program", "energy need found, buying signal"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    assert sentences == [
        "Great question!",
        "Executive Energy is $2,100.50 a quarter.",
        "Dr. Lee checks in every month.",
        "Shall we start?",
    ]
    assert "fallback" not in ctx.extra and "error" not in ctx.extra
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request["headers"]["authorization"] == "Bearer sk-test"
    body = request["body"]
    assert body["model"] == "test-model"
    assert body["stream"] is True
    messages = body["messages"]
    assert [m["role"] for m in messages] == ["system", "assistant", "user"]
    assert messages[-1]["content"] == "I'm exhausted all the time and I travel a lot."
    system = messages[0]["content"]
    assert "You are Sofia" in system and "Altura Coaching" in system
    assert "Reply in English" in system
    assert "Executive Energy: $790 a month" in system
    assert "Altura Circle: $129 a month" in system
    assert "Executive Assessment, $150" in system
    assert "recommend the program Executive Energy ($790 a month)" in system
    assert "energy need found, buying signal" in system
    assert "name: Dana" in system and "profession: CFO" in system
    assert "energy (have steady energy" in system
    assert ctx.extra["program"] == "executive_energy"


async def test_spanish_objection_prompt_and_reply(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.tokens = [
        "Te entiendo", ", es una inversión", ". ", "¿Qué te ", "parece si ", "empezamos ",
        "con la evaluación? ", "¡Vale ", "la pena!",
    ]  # fmt: skip
    gen = make_gen(pb, server.base_url)
    memory = Memory(needs_found={"stress": 0.8}, programs_presented=["stress_sleep_reset"])
    memory.objections_raised["price"] = 1
    ctx = make_ctx(
        Action("handle_objection", "price objection", objection="price"),
        "es",
        memory=memory,
        transcript=(Utterance("customer", "Es demasiado caro para mí."),),
    )
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    assert sentences == [
        "Te entiendo, es una inversión.",
        "¿Qué te parece si empezamos con la evaluación?",
        "¡Vale la pena!",
    ]
    system = server.requests[0]["body"]["messages"][0]["content"]
    assert "Eres Sofía" in system
    assert "Responde en español" in system
    assert "Energía Ejecutiva: 790 dólares al mes" in system
    assert "objeción del cliente (price)" in system
    # the playbook's handlers, filled in, as ideas
    assert "¿Cuánto valdría para ti bajar el estrés y dormir mejor?" in system
    assert "empezar con la Evaluación Ejecutiva, que cuesta 150 dólares" in system
    assert "{" not in system
    assert "Programas ya presentados: Calma y Descanso" in system
    assert "Reply in English" not in system
    assert server.requests[0]["body"]["messages"][-1] == {
        "role": "user",
        "content": "Es demasiado caro para mí.",
    }
    assert "program" not in ctx.extra  # only a presentation records a program


async def test_a_yes_asks_the_llm_to_confirm_and_give_the_playbooks_next_step(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    gen = make_gen(pb, server.base_url)
    memory = Memory(programs_presented=["stress_sleep_reset"], agreed="program", confirmations=1)
    ctx = make_ctx(Action("close", "the caller said yes", accepted="program"), memory=memory)
    system = gen.system_prompt(ctx)
    assert "the customer said yes: confirm it" in system
    assert "do not ask for the sale again" in system
    assert "sign-up link for Stress and Sleep Reset" in system  # the next step, as an idea
    assert "ask for the sale" not in system.replace("do not ask for the sale again", "")
    memory.confirmations = 2
    system = gen.system_prompt(ctx)
    assert "the customer is all set" in system and "You're all set." in system
    trial = make_ctx(
        Action("close", "yes to the trial", accepted="trial"),
        "es",
        memory=Memory(confirmations=1),
    )
    assert "reservemos tu Evaluación Ejecutiva" in gen.system_prompt(trial)
    # a question: answered from the playbook's FAQ, never with a request for the sale
    question = make_ctx(Action("answer_question", "asked about travel", topic="travel"))
    system = gen.system_prompt(question)
    assert "answer the customer's question briefly" in system
    assert "hotel-room workouts" in system
    unknown = make_ctx(Action("answer_question", "no FAQ entry"))
    assert "your coach will go through it" in gen.system_prompt(unknown)
    await gen.aclose()


async def test_first_sentence_arrives_before_the_rest_is_written(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.tokens = ["First", " sentence", ". ", "Second", " one", "."]
    server.gate_at = 3  # the server holds "Second..." until the test has the first sentence
    gen = make_gen(pb, server.base_url)
    stream = gen.generate(make_ctx(Action("discover_need", "r")))
    first = await asyncio.wait_for(stream.__anext__(), timeout=5)
    assert first == "First sentence."
    assert server.sent == 3
    server.release.set()
    rest = await collect(stream)
    assert rest == ["Second one."]
    await gen.aclose()


@pytest.mark.parametrize("mode", ["stall_first", "stall_headers"])
async def test_first_token_timeout_falls_back_to_the_playbook(
    server: FakeChatCompletions, pb: Playbook, mode: str
) -> None:
    server.mode = mode
    gen = make_gen(pb, server.base_url, timeout_s=3.0, first_token_timeout_s=0.5)
    ctx = make_ctx(Action("handle_objection", "r", objection="time"))
    started = time.perf_counter()
    sentences = await collect(gen.generate(ctx))
    elapsed = time.perf_counter() - started
    await gen.aclose()

    expected = PlaybookGenerator(pb).compose(
        make_ctx(Action("handle_objection", "r", objection="time"))
    )
    assert sentences == expected
    assert ctx.extra["fallback"] == "playbook"
    assert ctx.extra["error"] == "llm_first_token_timeout"
    assert "en.objection.time.1" in ctx.memory.used_lines
    assert elapsed < STALL_S / 2  # the deadline cut the wait, far before the server answered


async def test_total_timeout_mid_reply_keeps_what_was_said(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.mode = "stall_mid"
    server.tokens = ["Hello", " there", ". ", "I was", " saying"]
    server.stall_at = 4
    gen = make_gen(pb, server.base_url, timeout_s=1.0, first_token_timeout_s=0.5)
    ctx = make_ctx(Action("discover_need", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    assert sentences == ["Hello there."]
    assert ctx.extra["error"] == "llm_timeout"
    assert ctx.extra["truncated"] is True
    assert "fallback" not in ctx.extra


async def test_server_error_falls_back_to_the_playbook(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.mode = "error"
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("offer_trial", "r"), "es")
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    assert sentences == PlaybookGenerator(pb).compose(make_ctx(Action("offer_trial", "r"), "es"))
    assert "Evaluación Ejecutiva" in " ".join(sentences)
    assert ctx.extra["fallback"] == "playbook"
    assert ctx.extra["error"] == "llm_api_error"
    assert ctx.extra["llm_status"] == 500
    assert len(server.requests) == 1  # no retries: the turn cannot wait


async def test_empty_reply_falls_back(server: FakeChatCompletions, pb: Playbook) -> None:
    server.mode = "empty"
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("close", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()
    assert sentences and ctx.extra["error"] == "llm_empty"
    assert ctx.extra["fallback"] == "playbook"


async def test_unreachable_server_falls_back(pb: Playbook) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gen = make_gen(pb, f"http://127.0.0.1:{port}/v1")
    ctx = make_ctx(Action("schedule_follow_up", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()
    assert sentences
    assert ctx.extra["error"] == "llm_connection_error"
    assert ctx.extra["fallback"] == "playbook"


async def test_greeting_comes_from_the_playbook(server: FakeChatCompletions, pb: Playbook) -> None:
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("discover_need", "start"), "es", transcript=())
    text = " ".join(await collect(gen.greeting(ctx)))
    await gen.aclose()
    assert "Altura Coaching" in text
    assert server.requests == []


async def test_caller_interrupts_mid_reply(server: FakeChatCompletions, pb: Playbook) -> None:
    server.tokens = ["One", ". ", "Two", ". ", "Three", "."]
    server.gate_at = 2
    gen = make_gen(pb, server.base_url)
    stream = gen.generate(make_ctx(Action("discover_need", "r")))
    assert await asyncio.wait_for(stream.__anext__(), timeout=5) == "One."
    await asyncio.wait_for(stream.aclose(), timeout=5)  # barge-in: the reply is dropped
    await gen.aclose()
