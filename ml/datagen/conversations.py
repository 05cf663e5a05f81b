"""Whole simulated sales calls, in the JSONL shape of shared/eval/conversations_dev.jsonl.

Each row: ``{"id", "lang", "customer_profile": {"age", "profession", "budget"}, "turns":
[{"role", "text"}, ...], "converted", "traits", "turn_labels", "latent_p"}``. ``traits``
and ``latent_p`` are hidden (what the simulator knew: ``latent_p`` is the probability
that the customer accepted at one of the commit opportunities of this call); models must
not use them as features, only to check that the outcome is learnable.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from typing import Any

from ml.datagen import phrases_en, phrases_es
from ml.datagen.agent_lines import AgentVoice, ProgramInfo, agent_voice
from ml.datagen.simulator import (
    BUDGETS,
    CustomerState,
    Traits,
    agent_policy,
    customer_spec_for,
    sample_traits,
)
from ml.datagen.utterances import TurnSpec, compose_turn, pick_region, validate_langs
from voice_agent.core.labels import NEEDS, OBJECTIONS

__all__ = ["conversation_row", "generate_conversations", "simulate_conversation"]

PROFESSIONS = {
    "en": [
        "chief executive officer",
        "chief financial officer",
        "managing partner",
        "sales director",
        "marketing director",
        "operations manager",
        "orthopedic surgeon",
        "corporate lawyer",
        "investment banker",
        "software engineering director",
        "founder",
        "regional manager",
        "hospital administrator",
        "real estate developer",
        "consultant",
        "vp of engineering",
        "dentist",
        "airline pilot",
        "restaurant owner",
        "head of hr",
    ],
    "es": [
        "director general",
        "directora financiera",
        "socio director",
        "director comercial",
        "directora de marketing",
        "gerente de operaciones",
        "cirujano ortopédico",
        "abogada corporativa",
        "banquero de inversión",
        "directora de tecnología",
        "fundador",
        "gerente regional",
        "administradora de hospital",
        "desarrollador inmobiliario",
        "consultora",
        "ingeniero de software",
        "odontóloga",
        "piloto de aerolínea",
        "dueño de restaurantes",
        "jefa de recursos humanos",
    ],
}


def _profile(t: Traits, lang: str, rng: random.Random) -> dict[str, Any]:
    budget = t.budget
    if rng.random() < 0.12:  # the CRM is not always right
        i = BUDGETS.index(budget) + rng.choice((-1, 1))
        budget = BUDGETS[min(max(i, 0), len(BUDGETS) - 1)]
    return {
        "age": rng.randint(28, 66),
        "profession": rng.choice(PROFESSIONS[lang]),
        "budget": budget,
    }


def _labels(spec: TurnSpec) -> dict[str, Any]:
    return {
        "objections": sorted(set(spec.objections), key=OBJECTIONS.index),
        "needs": sorted(set(spec.needs), key=NEEDS.index),
        "buying_signal": bool(spec.buying),
    }


def _agent_text(
    voice: AgentVoice,
    action: str,
    target: str | None,
    last: TurnSpec | None,
    s: CustomerState,
    program: ProgramInfo,
    rng: random.Random,
) -> str:
    """The agent's turn for ``action``: the playbook's (or our own) line for it, after an
    answer to the customer's question or an acknowledgement, now and then."""
    need = s.needs_told[0] if s.needs_told else None
    parts: list[str] = []
    if last is not None and "question" in last.extras and rng.random() < 0.7:
        parts.append(voice.line("answer_question", rng))
    elif rng.random() < 0.3 and action not in ("greeting", "reply_greeting", "confirm"):
        parts.append(voice.line("acknowledgements", rng))
    slot = {
        "greeting": "greeting",
        "discover_need": "discovery_questions",
        "present_program": "present_program",
        "offer_trial": "trial_offers",
        "close": "closing",
        "schedule_follow_up": "follow_up",
        "confirm": "confirm",
        "reply_greeting": "reply_greeting",
    }.get(action)
    if action == "handle_objection":
        slot = target or "think_it_over"
    elif target is not None:  # answer the objection, then ask for the decision
        parts.append(voice.line(target, rng, need=need, program=program))
    if slot is None:
        raise ValueError(f"no agent line for action {action!r}")
    parts.append(voice.line(slot, rng, need=need, program=program))
    if action == "greeting" and rng.random() < 0.5:
        parts.append(voice.line("discovery_questions", rng))
    text = " ".join(p for i, p in enumerate(parts) if i == 0 or p != parts[i - 1])
    if rng.random() < 0.15:  # sometimes the agent side is an STT transcript too
        text = " ".join("".join(c for c in text.lower() if c.isalnum() or c in " '$").split())
    return text


def simulate_conversation(rng: random.Random, lang: str) -> dict[str, Any]:
    """One simulated call in ``lang``; deterministic for the state of ``rng``."""
    region = pick_region(lang, rng)
    t = sample_traits(rng, region)
    s = CustomerState.start(t, rng)
    voice = agent_voice(lang)
    turns: list[dict[str, str]] = []
    labels: list[dict[str, Any]] = []
    converted = False

    def say(spec: TurnSpec) -> None:
        turns.append({"role": "customer", "text": compose_turn(spec, lang, region, rng)})
        labels.append(_labels(spec))

    programs: dict[str, ProgramInfo] = {}

    def agent(action: str, target: str | None, last: TurnSpec | None) -> None:
        need = s.needs_told[0] if s.needs_told else t.needs[0]
        if need not in programs:
            programs[need] = voice.choose_program(need, t.budget, rng)
        program = programs[need]
        text = _agent_text(voice, action, target, last, s, program, rng)
        turns.append({"role": "agent", "text": text})

    customer_opens = rng.random() < 0.3
    # calls last 4-14 turns; most real ones run 8 or more
    max_turns = rng.choices(range(4, 15), weights=(2, 2, 4, 4, 6, 6, 8, 8, 8, 7, 6))[0]
    want_odd = customer_opens
    if (max_turns % 2 == 1) != want_odd:
        max_turns = max_turns + 1 if max_turns < 14 else max_turns - 1
    if customer_opens:
        max_turns = max(max_turns, 5)

    last: TurnSpec | None
    if customer_opens:
        spec, _ = customer_spec_for("discover_need", None, t, s, rng, first=True)
        spec.extras = ("inbound", *[e for e in spec.extras if e != "smalltalk"])
        say(spec)
        agent("reply_greeting", None, None)
        turns[-1]["text"] += " " + voice.line("discovery_questions", rng)
        spec, _ = customer_spec_for("discover_need", None, t, s, rng, first=False)
        say(spec)
    else:
        agent("greeting", None, None)
        spec, _ = customer_spec_for("discover_need", None, t, s, rng, first=True)
        say(spec)
    last = spec

    while len(turns) < max_turns - 1:
        turns_left = max_turns - len(turns)
        action, target = agent_policy(t, s, last, turns_left, rng)
        agent(action, target, last)
        spec, event = customer_spec_for(action, target, t, s, rng, first=False)
        if event == "accepted":
            converted = True
            if len(turns) + 3 <= max_turns and rng.random() < 0.65:
                say(spec)
                agent("confirm", None, spec)
                bank = phrases_en if lang == "en" else phrases_es
                r = rng.random()
                if r < 0.6:
                    end = TurnSpec(fixed=(rng.choice(bank.GOODBYE),))
                elif r < 0.8:
                    end = TurnSpec(buying=True)  # logistics: "do i pay now?"
                else:
                    end = TurnSpec(fixed=(rng.choice(bank.AMBIGUOUS_END),))
                say(end)
            else:
                say(spec)
            break
        if len(turns) + 1 >= max_turns or event == "follow_up":
            # the last word: sometimes polite and ambiguous
            if rng.random() < 0.3:
                bank = phrases_en if lang == "en" else phrases_es
                spec.fixed = (*spec.fixed, rng.choice(bank.AMBIGUOUS_END))
            say(spec)
            break
        say(spec)
        last = spec

    # the probability of this outcome given what happened: the oracle a model can approach
    p_final = 1.0 - s.p_no_accept
    return {
        "lang": lang,
        "customer_profile": _profile(t, lang, rng),
        "turns": turns,
        "converted": converted,
        "traits": t.to_json(),
        "turn_labels": labels,
        "latent_p": round(p_final, 4),
    }


def conversation_row(i: int, seed: int, langs: Sequence[str]) -> dict[str, Any]:
    """Row ``i`` of ``generate_conversations(n, seed, langs)`` (rows are independent)."""
    rng = random.Random(f"conv:{seed}:{i}")
    row = simulate_conversation(rng, langs[i % len(langs)])
    return {"id": f"gen-c{seed}-{i:06d}", **row}


def generate_conversations(
    n: int, seed: int, langs: Iterable[str] = ("en", "es")
) -> list[dict[str, Any]]:
    """``n`` simulated conversations, deterministic for ``seed``; languages alternate."""
    if n < 0:
        raise ValueError("n must be >= 0")
    lang_list = validate_langs(langs)
    return [conversation_row(i, seed, lang_list) for i in range(n)]
