"""The LLM response generator: a streamed chat completion through the official ``openai``
SDK (any server speaking the OpenAI Chat Completions protocol), cut into sentences as the
tokens arrive.

The system prompt is built from the playbook (company, programs and prices, the trial, the
action chosen by the decision engine and why, the objection to handle with the playbook's
own handlers as ideas, the needs found, the customer's profile) in the conversation's
language. Every wait has a deadline: the first token must arrive within
``first_token_timeout_s`` and the whole reply within ``timeout_s`` (wall-clock from the
request, so a consumer that holds the generator long between sentences uses it up too:
hand sentences to TTS through a queue). The greeting always comes from the playbook.

Before a sentence is spoken it is checked against the playbook
(:mod:`voice_agent.generation.guardrails`: prices, program names, guarantees, discounts). A
sentence that breaks a rule is never spoken: if it is the first, the playbook writes the
turn's reply; otherwise the reply stops before it.

On a timeout, an API error or a rejected first sentence, the turn falls back to the
playbook generator and ``ctx.report`` records ``fallback="playbook"`` and ``error=<code>``.
After sentences were yielded, the reply stops there and ``ctx.report`` records ``error``
and ``truncated=True``. The orchestrator stores this note on the agent turn.

A circuit breaker (:mod:`voice_agent.generation.circuit`) counts failures in a row of the
endpoint (not guardrail rejections: the endpoint answered); while it is open, turns use the
playbook without calling the endpoint (``llm_circuit_open``).

Error codes: ``llm_first_token_timeout``, ``llm_timeout``, ``llm_api_error`` (with
``ctx.report.llm_status``), ``llm_connection_error``, ``llm_error``, ``llm_empty``,
``guardrail`` (with ``ctx.report.guardrail``), ``llm_circuit_open``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Mapping
from typing import Any, Final

import openai
import structlog
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletionMessageParam

from voice_agent import metrics
from voice_agent.core.labels import NEEDS
from voice_agent.generation.base import GenerationContext, GenerationError, GenerationReport
from voice_agent.generation.circuit import STATES, CircuitBreaker, State, Transition
from voice_agent.generation.guardrails import RULES, Guardrails, Violation
from voice_agent.generation.playbook import PlaybookGenerator
from voice_agent.generation.sentences import SentenceSplitter
from voice_agent.playbook.schema import Playbook

#: The prompt's fixed wording, per language; the facts come from the playbook.
_PROMPT: Final[dict[str, dict[str, str]]] = {
    "en": {
        "intro": "You are {agent}, a sales coach at {company}, on a phone call with a "
        "prospective client.",
        "programs": "Programs (never invent others or other prices):",
        "fits": "For",
        "trial": "Trial offer: {name}, {price}{credited}. {summary}",
        "credited": ", credited to the first month if they join",
        "profile": "What we know about the customer: {facts}.",
        "needs": "Needs found so far: {needs}.",
        "objections": "Objections raised so far: {objections}.",
        "presented": "Programs already presented: {programs}.",
        "action": "Your goal for this reply: {goal} Why: {reason}.",
        "ideas": "Ideas from our playbook (adapt them, do not read them out):",
        "rules": "Reply in English. Speak naturally, in 1 to 3 short spoken sentences: no "
        "markdown, no lists, no emojis, no links. Ask at most one question.",
        "start": "(The call has just started. Greet the customer.)",
        "discover_need": "ask one discovery question to learn more about their goals, "
        "routine or constraints.",
        "present_program": "recommend the program {program} ({price}) and say briefly why "
        "it fits them.",
        "handle_objection": "handle the customer's objection ({objection}) with empathy, "
        "then move the conversation forward.",
        "clarify": "find out, with empathy, what is holding the customer back.",
        "offer_trial": "offer the {trial} ({trial_price}) as an easy first step.",
        "close": "ask for the sale: propose starting {program} now.",
        "confirm": "the customer said yes: confirm it warmly and tell them exactly what "
        "happens next, as in the playbook's next step below; do not ask for the sale again.",
        "all_set": "the customer is all set (the next step was already given): thank them "
        "and answer briefly if they asked something; do not ask for the sale again.",
        "answer_question": "answer the customer's question briefly, only with the facts "
        "given here (if they do not cover it, say their coach will go through it on the first "
        "call); do not ask for the sale in this reply.",
        "schedule_follow_up": "agree on a specific day and time to follow up.",
        "hand_off": "tell the customer you are connecting them with a colleague from the team.",
    },
    "es": {
        "intro": "Eres {agent}, del equipo de ventas de {company}, en una llamada telefónica "
        "con un posible cliente.",
        "programs": "Programas (nunca inventes otros ni otros precios):",
        "fits": "Para",
        "trial": "Oferta de prueba: {name}, {price}{credited}. {summary}",
        "credited": ", que se descuenta del primer mes si se inscribe",
        "profile": "Lo que sabemos del cliente: {facts}.",
        "needs": "Necesidades detectadas: {needs}.",
        "objections": "Objeciones planteadas: {objections}.",
        "presented": "Programas ya presentados: {programs}.",
        "action": "Tu objetivo en esta respuesta: {goal} Motivo: {reason}.",
        "ideas": "Ideas de nuestro guion (adáptalas, no las leas tal cual):",
        "rules": "Responde en español latinoamericano neutro. Habla con naturalidad, en 1 a "
        "3 frases cortas para decir en voz alta: sin markdown, sin listas, sin emojis, sin "
        "enlaces. Haz como máximo una pregunta.",
        "start": "(La llamada acaba de empezar. Saluda al cliente.)",
        "discover_need": "haz una pregunta para conocer mejor sus objetivos, su rutina o "
        "sus limitaciones.",
        "present_program": "recomienda el programa {program} ({price}) y explica "
        "brevemente por qué le conviene.",
        "handle_objection": "responde con empatía a la objeción del cliente ({objection}) "
        "y haz avanzar la conversación.",
        "clarify": "averigua con empatía qué es lo que frena al cliente.",
        "offer_trial": "ofrece la {trial} ({trial_price}) como un primer paso sencillo.",
        "close": "pide el cierre: propón empezar {program} ahora.",
        "confirm": "el cliente dijo que sí: confírmalo con calidez y dile exactamente qué "
        "sigue, como en el siguiente paso del guion de abajo; no vuelvas a pedir el cierre.",
        "all_set": "el cliente ya está listo (ya le dijiste el siguiente paso): agradécele y "
        "responde brevemente si preguntó algo; no vuelvas a pedir el cierre.",
        "answer_question": "responde brevemente la pregunta del cliente, solo con los datos "
        "que tienes aquí (si no alcanzan, dile que su coach lo verá con él en la primera "
        "llamada); no pidas el cierre en esta respuesta.",
        "schedule_follow_up": "acuerda un día y una hora concretos para volver a hablar.",
        "hand_off": "dile al cliente que lo vas a comunicar con un colega del equipo.",
    },
}
log = structlog.get_logger("voice_agent.generation.llm")

_PROFILE_KEYS: Final = ("name", "first_name", "profession", "job_title", "company", "age",
                        "budget", "city", "country")  # fmt: skip
_MARKDOWN = re.compile(r"[*_`#]+|^\s*(?:[-•]|\d+[.)])\s+")


def _clean(sentence: str) -> str:
    return " ".join(_MARKDOWN.sub("", sentence).split())


class LLMGenerator:
    """Replies written by an LLM behind an OpenAI-compatible Chat Completions API."""

    name = "llm"

    def __init__(
        self,
        playbook: Playbook,
        *,
        model: str,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout_s: float = 4.0,
        first_token_timeout_s: float | None = None,
        max_tokens: int = 160,
        temperature: float = 0.6,
        max_history: int = 12,
        fallback: PlaybookGenerator | None = None,
        client: AsyncOpenAI | None = None,
        circuit: CircuitBreaker | None = None,
    ) -> None:
        if timeout_s <= 0:
            raise ValueError("timeout_s must be positive")
        if first_token_timeout_s is not None and first_token_timeout_s <= 0:
            raise ValueError("first_token_timeout_s must be positive")
        if not model:
            raise ValueError("model must be set")
        self.playbook = playbook
        self.model = model
        self.timeout_s = timeout_s
        self.first_token_timeout_s = min(first_token_timeout_s or timeout_s / 2, timeout_s)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.max_history = max_history
        self.fallback = fallback or PlaybookGenerator(playbook)
        self.guardrails = Guardrails(playbook)
        self.circuit = circuit or CircuitBreaker()
        _show_circuit(self.circuit.state)  # the series exist from the start, for dashboards
        for rule in RULES:
            metrics.GUARDRAIL_REJECTIONS.labels(rule)
        self.client = client or AsyncOpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout_s,
            max_retries=0,
        )

    async def aclose(self) -> None:
        await self.client.close()

    async def greeting(self, ctx: GenerationContext) -> AsyncIterator[str]:
        """The playbook's greeting: it must be instant, and it says who is calling."""
        async for sentence in self.fallback.greeting(ctx):
            yield sentence

    async def generate(self, ctx: GenerationContext) -> AsyncIterator[str]:
        report = ctx.report
        loop = asyncio.get_running_loop()
        allowed, transition = self.circuit.allow(loop.time())
        self._announce(transition)
        if not allowed:
            report.error, report.fallback = "llm_circuit_open", "playbook"
            metrics.GENERATOR_FALLBACKS.labels("llm_circuit_open").inc()
            for sentence in self.fallback.compose(ctx):
                yield sentence
            return
        messages = self.build_messages(ctx)
        splitter = SentenceSplitter()
        yielded = 0
        error: GenerationError | None = None
        start = loop.time()
        first_deadline = start + self.first_token_timeout_s
        total_deadline = start + self.timeout_s
        got_text = False
        stream: Any = None
        try:
            try:
                async with asyncio.timeout_at(first_deadline):
                    stream = await self.client.chat.completions.create(
                        model=self.model,
                        messages=messages,
                        stream=True,
                        max_tokens=self.max_tokens,
                        temperature=self.temperature,
                    )
                chunks = stream.__aiter__()
                done = False
                while not done:
                    deadline = total_deadline if got_text else first_deadline
                    try:
                        async with asyncio.timeout_at(deadline):
                            chunk = await chunks.__anext__()
                        delta = _delta_text(chunk)
                        pieces = splitter.push(delta) if delta else []
                        got_text = got_text or bool(delta)
                    except StopAsyncIteration:
                        pieces, done = splitter.flush(), True
                    for sentence in pieces:
                        text = _clean(sentence)
                        if not text:
                            continue
                        violation = self.guardrails.check(text)
                        if violation is not None:
                            self._reject(report, violation)
                            error = "guardrail"
                            done = True
                            break
                        yielded += 1
                        yield text
                if error is None and yielded == 0:
                    error = "llm_empty"
            except TimeoutError:
                error = "llm_timeout" if got_text else "llm_first_token_timeout"
            except openai.APITimeoutError:
                error = "llm_timeout" if got_text else "llm_first_token_timeout"
            except openai.APIStatusError as exc:
                error = "llm_api_error"
                report.llm_status = exc.status_code
            except openai.APIConnectionError:
                error = "llm_connection_error"
            except (openai.OpenAIError, ValueError):
                error = "llm_error"
            except Exception as exc:  # the transport's own errors (broken stream, bad SSE)
                error = "llm_error"
                report.llm_error_type = type(exc).__name__
        finally:
            if stream is not None:
                await _close(stream)
        # the endpoint answered when the reply completed or a guardrail stopped it
        if error is None or error == "guardrail":
            self._announce(self.circuit.success())
        else:
            self._announce(self.circuit.failure(loop.time()))
        if error is None:
            return
        report.error = error
        if yielded:
            report.truncated = True
            return
        report.fallback = "playbook"
        metrics.GENERATOR_FALLBACKS.labels(error).inc()
        for sentence in self.fallback.compose(ctx):
            yield sentence

    def _reject(self, report: GenerationReport, violation: Violation) -> None:
        report.guardrail, report.guardrail_found = violation.rule, violation.found
        metrics.GUARDRAIL_REJECTIONS.labels(violation.rule).inc()
        log.warning("llm_reply_rejected", rule=violation.rule, found=violation.found)

    def _announce(self, transition: Transition | None) -> None:
        """The metric and the log line of a change of the circuit's state."""
        if transition is None:
            return
        _show_circuit(transition.after)
        metrics.LLM_CIRCUIT_TRANSITIONS.labels(transition.after).inc()
        if transition.after == "open":
            log.warning(
                "llm_circuit_opened",
                failures=transition.failures,
                open_s=self.circuit.open_s,
                probe=transition.before == "half_open",
            )
        elif transition.after == "closed":
            log.info("llm_circuit_closed")
        else:
            log.info("llm_circuit_half_open")

    # -- the prompt ----------------------------------------------------------------------

    def build_messages(self, ctx: GenerationContext) -> list[ChatCompletionMessageParam]:
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": self.system_prompt(ctx)}
        ]
        for utt in ctx.transcript[-self.max_history :]:
            if utt.role == "agent":
                messages.append({"role": "assistant", "content": utt.text})
            else:
                messages.append({"role": "user", "content": utt.text})
        if len(messages) == 1:
            messages.append({"role": "user", "content": self._words(ctx)["start"]})
        return messages

    def _words(self, ctx: GenerationContext) -> dict[str, str]:
        return _PROMPT.get(ctx.lang, _PROMPT["en"])

    def system_prompt(self, ctx: GenerationContext) -> str:
        pb = self.playbook
        lang = ctx.lang if ctx.lang in pb.content else pb.languages[0]
        w = self._words(ctx)
        content = pb.content[lang]
        trial = pb.trial.text.get(lang) or next(iter(pb.trial.text.values()))
        out = [
            w["intro"].format(agent=content.agent_name, company=pb.company.name),
            pb.company.description.get(lang, ""),
            w["programs"],
        ]
        for prog in pb.programs:
            text = prog.text.get(lang) or next(iter(prog.text.values()))
            out.append(
                f"- {text.name}: {pb.format_price(prog, lang)}. {text.summary} "
                f"{w['fits']}: {text.fits}"
            )
        out.append(
            w["trial"].format(
                name=trial.name,
                price=pb.format_money(pb.trial.price, lang),
                credited=w["credited"] if pb.trial.credited else "",
                summary=trial.summary,
            )
        )
        facts = _profile(ctx.customer)
        if facts:
            out.append(w["profile"].format(facts=facts))
        needs = {k: v for k, v in ctx.memory.needs_found.items() if k in NEEDS}
        if needs:
            listed = sorted(needs, key=lambda k: -needs[k])
            out.append(
                w["needs"].format(
                    needs="; ".join(f"{n} ({content.need_phrases.get(n, n)})" for n in listed)
                )
            )
        if ctx.memory.objections_raised:
            out.append(
                w["objections"].format(
                    objections=", ".join(
                        f"{k} x{v}" for k, v in ctx.memory.objections_raised.items()
                    )
                )
            )
        presented = [pb.program(p) for p in ctx.memory.programs_presented]
        names = [(p.text.get(lang) or next(iter(p.text.values()))).name for p in presented if p]
        if names:
            out.append(w["presented"].format(programs=", ".join(names)))
        out += self._goal(ctx, lang, w)
        out.append(w["rules"])
        if content.llm_style:
            out.append(content.llm_style)
        return "\n".join(line for line in out if line)

    def _goal(self, ctx: GenerationContext, lang: str, w: Mapping[str, str]) -> list[str]:
        pb = self.playbook
        action = ctx.action
        program = self.fallback.program_for(ctx)
        ptext = program.text.get(lang) or next(iter(program.text.values()))
        trial = pb.trial.text.get(lang) or next(iter(pb.trial.text.values()))
        objection = action.objection
        if action.name == "handle_objection" and objection is None and ctx.insights:
            labels = ctx.insights.objection_labels()
            objection = labels[0] if labels else None
        key: str = "clarify" if action.name == "handle_objection" and not objection else action.name
        step_slot: str | None = None
        if action.name == "close" and action.accepted is not None:
            if ctx.memory.confirmations <= 1:
                key = "confirm"
                step_slot = f"next_step.{pb.next_steps.after(action.accepted)}"
            else:
                key, step_slot = "all_set", "after_yes"
        goal = w[key].format(
            program=ptext.name,
            price=pb.format_price(program, lang),
            objection=objection or "",
            trial=trial.name,
            trial_price=pb.format_money(pb.trial.price, lang),
        )
        lines = [w["action"].format(goal=goal, reason=action.reason.rstrip(". "))]
        ideas: list[str] = []
        if action.name == "handle_objection" and objection:
            ideas = self.fallback.render_slot(ctx, f"objection.{objection}")
        elif step_slot is not None:
            ideas = self.fallback.render_slot(ctx, step_slot)
        elif action.name == "answer_question":
            ideas = self.fallback.render_slot(
                ctx, f"faq.{action.topic}" if action.topic else "unknown_question"
            )
        if ideas:
            lines.append(w["ideas"])
            lines += [f"- {h}" for h in ideas]
        return lines


def _show_circuit(current: State) -> None:
    """The circuit-state gauge: 1 for ``current``, 0 for the other states."""
    for state in STATES:
        metrics.LLM_CIRCUIT_STATE.labels(state).set(1 if state == current else 0)


def _profile(customer: Mapping[str, Any]) -> str:
    facts = []
    for key in _PROFILE_KEYS:
        value = customer.get(key)
        if value is not None and value != "" and not isinstance(value, dict | list):
            facts.append(f"{key}: {value}")
    return "; ".join(facts)


def _delta_text(chunk: Any) -> str:
    choices = getattr(chunk, "choices", None) or []
    if not choices:
        return ""
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None)
    return content if isinstance(content, str) else ""


async def _close(stream: Any) -> None:
    """Close a response stream; a close that fails or hangs must not hide the reply."""
    try:
        async with asyncio.timeout(1.0):
            await stream.close()
    except (TimeoutError, OSError, openai.OpenAIError, RuntimeError):
        pass
