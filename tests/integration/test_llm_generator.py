"""The LLM generator against a real local HTTP server speaking the OpenAI Chat Completions
streaming protocol (SSE ``data: {...}`` chunks, ``data: [DONE]``), started on port 0.

Nothing of the SDK is patched: the official ``openai`` client sends real HTTP requests.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from prometheus_client import REGISTRY

from tests.integration.chat_server import STALL_S, FakeChatCompletions, running_chat_server
from voice_agent.core.conversation import Memory
from voice_agent.core.labels import Lang
from voice_agent.core.types import Action, Utterance
from voice_agent.generation.base import GenerationContext
from voice_agent.generation.circuit import CircuitBreaker
from voice_agent.generation.llm import LLMGenerator
from voice_agent.generation.playbook import PlaybookGenerator
from voice_agent.playbook import Playbook, load_playbook


@pytest.fixture
async def server() -> AsyncIterator[FakeChatCompletions]:
    async with running_chat_server() as fake:
        yield fake


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
        "**Great**", " question", "! ", "Event Ready", " is $1,650", ".00", " for the",
        " full program",
        ". Dr", ". Lee", " checks in", " every month", ". ", "Shall", " we", " start?",
    ]  # fmt: skip
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("present_program", "energy need found, buying signal"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    assert sentences == [
        "Great question!",
        "Event Ready is $1,650.00 for the full program.",
        "Dr. Lee checks in every month.",
        "Shall we start?",
    ]
    assert ctx.report.fallback is None and ctx.report.error is None
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
    assert ctx.report.program == "executive_energy"


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
    assert ctx.report.program is None  # only a presentation records a program


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
    assert ctx.report.fallback == "playbook"
    assert ctx.report.error == "llm_first_token_timeout"
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
    assert ctx.report.error == "llm_timeout"
    assert ctx.report.truncated is True
    assert ctx.report.fallback is None


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
    assert ctx.report.fallback == "playbook"
    assert ctx.report.error == "llm_api_error"
    assert ctx.report.llm_status == 500
    assert len(server.requests) == 1  # no retries: the turn cannot wait


async def test_empty_reply_falls_back(server: FakeChatCompletions, pb: Playbook) -> None:
    server.mode = "empty"
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("close", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()
    assert sentences and ctx.report.error == "llm_empty"
    assert ctx.report.fallback == "playbook"


async def test_unreachable_server_falls_back(pb: Playbook) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gen = make_gen(pb, f"http://127.0.0.1:{port}/v1")
    ctx = make_ctx(Action("schedule_follow_up", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()
    assert sentences
    assert ctx.report.error == "llm_connection_error"
    assert ctx.report.fallback == "playbook"


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


# -- guardrails: a sentence that breaks a playbook rule is never spoken ------------------------


def _sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(
    ("tokens", "lang", "rule", "found"),
    [
        (["For you, ", "Executive Energy is ", "$499 a month", ". ", "Shall we?"], "en",
         "price_not_in_playbook", "$499"),
        (["You'd love our ", "Platinum Executive ", "Program, ", "with a private chef."], "en",
         "unknown_program", "Platinum Executive"),
        (["I ", "guarantee you'll ", "sleep better in a week", "."], "en", "guarantee",
         "guarantee"),
        (["Si empiezas hoy ", "te hago un ", "descuento del 20 %", "."], "es", "discount",
         "descuento"),
    ],
)  # fmt: skip
async def test_a_rejected_first_sentence_gives_the_playbooks_reply(
    server: FakeChatCompletions,
    pb: Playbook,
    tokens: list[str],
    lang: Lang,
    rule: str,
    found: str,
) -> None:
    server.tokens = tokens
    gen = make_gen(pb, server.base_url)
    before = _sample("voice_agent_llm_guardrail_rejections_total", {"rule": rule})
    ctx = make_ctx(Action("handle_objection", "r", objection="price"), lang)
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()

    expected = PlaybookGenerator(pb).compose(
        make_ctx(Action("handle_objection", "r", objection="price"), lang)
    )
    assert sentences == expected
    assert ctx.report.error == "guardrail"
    assert ctx.report.fallback == "playbook"
    assert (ctx.report.guardrail, ctx.report.guardrail_found) == (rule, found)
    assert not ctx.report.truncated
    after = _sample("voice_agent_llm_guardrail_rejections_total", {"rule": rule})
    assert after == before + 1
    # the endpoint answered: a rejection is not a failure of the circuit
    assert gen.circuit.state == "closed" and gen.circuit.failures == 0
    note = ctx.report.note()
    assert note is not None and note.to_json() == {
        "error": "guardrail",
        "fallback": "playbook",
        "guardrail": rule,
        "guardrail_found": found,
    }


async def test_a_rejected_later_sentence_stops_the_reply_before_it(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.tokens = [
        "Executive Energy is ", "$790 a month", ". ", "And it's ", "100% guaranteed",
        ". ", "Shall we start?",
    ]  # fmt: skip
    gen = make_gen(pb, server.base_url)
    ctx = make_ctx(Action("present_program", "r"))
    sentences = await collect(gen.generate(ctx))
    await gen.aclose()
    assert sentences == ["Executive Energy is $790 a month."]
    assert ctx.report.error == "guardrail" and ctx.report.truncated
    assert ctx.report.fallback is None
    assert ctx.report.guardrail == "guarantee"


# -- the circuit breaker ----------------------------------------------------------------------


async def test_the_circuit_opens_on_failures_and_closes_on_a_good_probe(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.mode = "error"
    gen = make_gen(pb, server.base_url, circuit=CircuitBreaker(failures=2, open_s=0.5))
    opened = _sample("voice_agent_llm_circuit_transitions_total", {"state": "open"})
    closed = _sample("voice_agent_llm_circuit_transitions_total", {"state": "closed"})
    assert _sample("voice_agent_llm_circuit_state", {"state": "closed"}) == 1.0

    for _ in range(2):
        ctx = make_ctx(Action("discover_need", "r"))
        assert await collect(gen.generate(ctx))
        assert ctx.report.error == "llm_api_error"
    assert len(server.requests) == 2
    assert gen.circuit.state == "open"
    assert _sample("voice_agent_llm_circuit_state", {"state": "open"}) == 1.0
    assert _sample("voice_agent_llm_circuit_state", {"state": "closed"}) == 0.0
    assert _sample("voice_agent_llm_circuit_transitions_total", {"state": "open"}) == opened + 1

    # open: the playbook answers at once, the endpoint is not called
    server.mode = "ok"
    server.tokens = ["Back", " online", "."]
    ctx = make_ctx(Action("discover_need", "r"))
    sentences = await collect(gen.generate(ctx))
    assert sentences == PlaybookGenerator(pb).compose(make_ctx(Action("discover_need", "r")))
    assert (ctx.report.error, ctx.report.fallback) == ("llm_circuit_open", "playbook")
    assert len(server.requests) == 2

    # after open_s, one probe: it succeeds and the circuit closes
    await asyncio.sleep(0.6)
    ctx = make_ctx(Action("discover_need", "r"))
    assert await collect(gen.generate(ctx)) == ["Back online."]
    assert ctx.report.error is None
    assert len(server.requests) == 3
    assert gen.circuit.state == "closed"
    assert _sample("voice_agent_llm_circuit_state", {"state": "closed"}) == 1.0
    assert _sample("voice_agent_llm_circuit_transitions_total", {"state": "closed"}) == closed + 1
    await gen.aclose()


async def test_a_failed_probe_opens_the_circuit_again(
    server: FakeChatCompletions, pb: Playbook
) -> None:
    server.mode = "error"
    gen = make_gen(pb, server.base_url, circuit=CircuitBreaker(failures=1, open_s=0.3))
    await collect(gen.generate(make_ctx(Action("discover_need", "r"))))
    assert gen.circuit.state == "open"
    await asyncio.sleep(0.35)
    ctx = make_ctx(Action("discover_need", "r"))
    await collect(gen.generate(ctx))
    assert ctx.report.error == "llm_api_error"  # the probe went out and failed
    assert len(server.requests) == 2
    assert gen.circuit.state == "open"
    ctx = make_ctx(Action("discover_need", "r"))
    await collect(gen.generate(ctx))
    assert ctx.report.error == "llm_circuit_open"
    assert len(server.requests) == 2
    await gen.aclose()
