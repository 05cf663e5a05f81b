"""The deterministic playbook generator: replies per action and language, no repetition,
placeholders filled, program choice."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from voice_agent.core.conversation import Memory
from voice_agent.core.labels import ACTIONS, LANGS, NEEDS, OBJECTIONS, ActionName, Lang
from voice_agent.core.types import Action, BuyingSignal, Insights, LabelScore, Utterance
from voice_agent.generation.base import GenerationContext, ResponseGenerator
from voice_agent.generation.playbook import PlaybookGenerator, choose_program, parse_budget
from voice_agent.playbook import Playbook, load_playbook


@pytest.fixture(scope="module")
def pb() -> Playbook:
    return load_playbook()


@pytest.fixture(scope="module")
def gen(pb: Playbook) -> PlaybookGenerator:
    return PlaybookGenerator(pb)


def ctx(
    action: Action,
    lang: Lang = "en",
    *,
    memory: Memory | None = None,
    customer: dict[str, Any] | None = None,
    transcript: tuple[Utterance, ...] = (Utterance("customer", "..."),),
    insights: Insights | None = None,
) -> GenerationContext:
    return GenerationContext(
        action=action,
        lang=lang,
        phase="discovery",
        customer=customer or {},
        transcript=transcript,
        memory=memory if memory is not None else Memory(),
        insights=insights,
    )


def insights(
    needs: dict[str, float] | None = None, objections: dict[str, float] | None = None
) -> Insights:
    return Insights(
        objections=tuple(LabelScore(k, v) for k, v in (objections or {}).items()),
        needs=tuple(LabelScore(k, v) for k, v in (needs or {}).items()),
        buying_signal=BuyingSignal(False, 0.1),
        conversion_probability=0.2,
    )


async def collect(
    gen: ResponseGenerator, c: GenerationContext, greeting: bool = False
) -> list[str]:
    it = gen.greeting(c) if greeting else gen.generate(c)
    return [s async for s in it]


def test_is_a_response_generator(gen: PlaybookGenerator) -> None:
    g: ResponseGenerator = gen
    assert g.name == "playbook"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", ACTIONS)
async def test_reply_for_every_action_and_language(
    gen: PlaybookGenerator, name: ActionName, lang: Lang
) -> None:
    action = Action(name, "test", objection="time" if name == "handle_objection" else None)
    c = ctx(action, lang, customer={"name": "Dana Ruiz"})
    sentences = await collect(gen, c)
    assert sentences
    text = " ".join(sentences)
    assert "{" not in text and "}" not in text
    assert all(s == s.strip() and s for s in sentences)
    assert any(line.startswith(f"{lang}.") for line in c.memory.used_lines)
    assert all(line.startswith(f"{lang}.") for line in c.memory.used_lines)


async def test_yields_sentence_by_sentence(gen: PlaybookGenerator) -> None:
    sentences = await collect(gen, ctx(Action("present_program", "r", need="energy")))
    assert len(sentences) >= 3
    assert all(re.search(r"[.!?]$", s) for s in sentences)


@pytest.mark.parametrize("lang", LANGS)
async def test_greeting_introduces_agent_and_company(gen: PlaybookGenerator, lang: Lang) -> None:
    c = ctx(Action("discover_need", "start"), lang, transcript=())
    text = " ".join(await collect(gen, c, greeting=True))
    assert "Altura Coaching" in text
    assert ("Sofía" if lang == "es" else "Sofia") in text
    assert f"{lang}.greeting.2" in c.memory.used_lines  # line 1 needs the customer's name


async def test_greeting_uses_the_name_when_known(gen: PlaybookGenerator) -> None:
    c = ctx(Action("discover_need", "start"), "es", customer={"name": "Laura Gómez"}, transcript=())
    text = " ".join(await collect(gen, c, greeting=True))
    assert text.startswith("Hola, Laura,")


async def test_spanish_price_objection_is_handled_in_spanish(gen: PlaybookGenerator) -> None:
    memory = Memory()
    for _ in range(4):
        c = ctx(Action("handle_objection", "price", objection="price"), "es", memory=memory)
        text = " ".join(await collect(gen, c)).lower()
        assert re.search(r"inversión|invertir|valor|precio|pagas|presupuesto|dólares", text), text
        assert not re.search(r"\b(the|you|price)\b", text)
    assert {f"es.objection.price.{i}" for i in range(1, 5)} <= memory.used_lines


async def test_objection_from_insights_when_the_action_has_none(gen: PlaybookGenerator) -> None:
    c = ctx(
        Action("handle_objection", "r"), insights=insights(objections={"time": 0.9, "price": 0.6})
    )
    await collect(gen, c)
    assert "en.objection.time.1" in c.memory.used_lines


async def test_unknown_objection_asks_what_holds_them_back(gen: PlaybookGenerator) -> None:
    c = ctx(Action("handle_objection", "r"))
    await collect(gen, c)
    assert c.memory.used_lines == {"en.clarify.1"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("label", OBJECTIONS)
async def test_no_repetition_then_least_recently_used(
    gen: PlaybookGenerator, lang: Lang, label: str
) -> None:
    memory = Memory()
    n = len(gen.lines(lang, f"objection.{label}"))
    replies = []
    for _ in range(n):
        c = ctx(Action("handle_objection", "r", objection=label), lang, memory=memory)
        replies.append(" ".join(await collect(gen, c)))
    assert len(set(replies)) == n
    # exhausted: starts over with the least recently used (the first), not the last one
    c = ctx(Action("handle_objection", "r", objection=label), lang, memory=memory)
    again = " ".join(await collect(gen, c))
    assert again == replies[0]
    assert again != replies[-1]
    assert f"{lang}.objection.{label}.1" in memory.used_lines
    assert f"{lang}.objection.{label}.{n}" not in memory.used_lines


async def test_discovery_questions_are_not_repeated(gen: PlaybookGenerator) -> None:
    memory = Memory()
    questions = []
    for _ in range(5):
        sentences = await collect(gen, ctx(Action("discover_need", "r"), memory=memory))
        questions.append(sentences[-1])
    assert len(set(questions)) == 5
    assert all(q.endswith("?") for q in questions)
    assert sum(1 for line in memory.used_lines if line.startswith("en.discovery.")) == 5


async def test_discovery_skips_lines_needing_an_unknown_profession(gen: PlaybookGenerator) -> None:
    memory = Memory()
    n = len(gen.lines("en", "discovery"))
    for _ in range(n - 1):
        await collect(gen, ctx(Action("discover_need", "r"), memory=memory))
    profession_lines = [
        line.id for line in gen.lines("en", "discovery") if "profession" in line.requires
    ]
    assert profession_lines
    assert not set(profession_lines) & memory.used_lines


async def test_discovery_uses_the_profession_when_known(gen: PlaybookGenerator) -> None:
    memory = Memory()
    texts = []
    for _ in range(len(gen.lines("en", "discovery"))):
        c = ctx(Action("discover_need", "r"), memory=memory, customer={"profession": "surgeon"})
        texts.append(" ".join(await collect(gen, c)))
    assert any("As a surgeon," in t for t in texts)


async def test_value_statement_for_a_need_just_found(gen: PlaybookGenerator) -> None:
    memory = Memory()
    c = ctx(Action("discover_need", "r", need="stress"), "es", memory=memory)
    first = await collect(gen, c)
    assert "es.value.stress.1" in memory.used_lines
    assert "estrés" in first[0]
    assert first[-1].endswith("?")
    # the same need again: no second value statement, an acknowledgement instead
    c = ctx(Action("discover_need", "r", need="stress"), "es", memory=memory)
    await collect(gen, c)
    assert "es.value.stress.2" not in memory.used_lines
    assert any(line.startswith("es.ack.") for line in memory.used_lines)


async def test_value_statement_from_this_turns_insights(gen: PlaybookGenerator) -> None:
    c = ctx(Action("discover_need", "r"), insights=insights(needs={"rehab": 0.8, "health": 0.3}))
    await collect(gen, c)
    assert "en.value.rehab.1" in c.memory.used_lines


async def test_present_program_fills_in_the_program_and_records_it(gen: PlaybookGenerator) -> None:
    memory = Memory(needs_found={"weight_loss": 0.9, "muscle_gain": 0.7})
    c = ctx(Action("present_program", "r"), memory=memory, customer={"name": "Sam"})
    text = " ".join(await collect(gen, c))
    assert c.report.program == "lean_strong"
    assert "Lean and Strong" in text
    assert "$590 a month" in text or "It's $590" in text or "$590" in text
    assert "lose weight" in text


async def test_present_program_in_spanish(gen: PlaybookGenerator) -> None:
    memory = Memory(needs_found={"event_prep": 0.95})
    c = ctx(Action("present_program", "r"), "es", memory=memory)
    text = " ".join(await collect(gen, c))
    assert c.report.program == "event_ready"
    assert "Listo para tu Gran Día" in text
    assert "1650 dólares por las 12 semanas completas" in text


async def test_present_program_named_by_the_action(gen: PlaybookGenerator) -> None:
    c = ctx(Action("present_program", "r", program="back_on_track"))
    text = " ".join(await collect(gen, c))
    assert "Back on Track" in text
    assert c.report.program is None  # not chosen by the generator


async def test_after_a_price_objection_a_cheaper_program_is_presented(
    gen: PlaybookGenerator,
) -> None:
    memory = Memory(needs_found={"energy": 0.9})
    memory.programs_presented.append("executive_energy")
    memory.objections_raised["price"] = 1
    c = ctx(Action("present_program", "r"), memory=memory)
    text = " ".join(await collect(gen, c))
    chosen = c.report.program
    assert chosen != "executive_energy"
    assert chosen == "stress_sleep_reset"  # the next fit for energy, at $490
    assert "$490 a month" in text


async def test_close_names_the_last_presented_program(gen: PlaybookGenerator) -> None:
    memory = Memory()
    memory.programs_presented += ["lean_strong", "altura_circle"]
    c = ctx(Action("close", "r"), "es", memory=memory)
    text = " ".join(await collect(gen, c))
    assert "Círculo Altura" in text


async def test_trial_offer_has_price(gen: PlaybookGenerator) -> None:
    memory = Memory()
    texts = [
        " ".join(await collect(gen, ctx(Action("offer_trial", "r"), memory=memory)))
        for _ in range(3)
    ]
    assert any("$150" in t for t in texts)
    assert all("Executive Assessment" in t for t in texts)


def test_choose_program(pb: Playbook) -> None:
    assert choose_program(pb, {}).id == pb.default_program
    assert choose_program(pb, ["stress"]).id == "stress_sleep_reset"
    assert choose_program(pb, ["energy"]).id == "executive_energy"
    assert choose_program(pb, ["health"]).id == "executive_energy"
    assert choose_program(pb, ["rehab"]).id == "back_on_track"
    assert choose_program(pb, ["event_prep", "weight_loss"]).id == "event_ready"
    assert choose_program(pb, {"weight_loss": 0.9, "stress": 0.2}).id == "lean_strong"
    assert choose_program(pb, ["weight_loss"], "low").id == "altura_circle"
    assert choose_program(pb, ["energy"], "medium").id == "stress_sleep_reset"
    assert choose_program(pb, ["weight_loss"], 200.0).id == "altura_circle"
    assert choose_program(pb, ["energy"], 10_000.0).id == "executive_energy"
    # nothing fits a tiny budget: the cheapest
    assert choose_program(pb, ["rehab"], 20.0).id == "altura_circle"
    for need in NEEDS:
        assert need in choose_program(pb, [need]).needs


def test_parse_budget() -> None:
    assert parse_budget({}) is None
    assert parse_budget({"budget": "Low"}) == "low"
    assert parse_budget({"budget": 300}) == 300.0
    assert parse_budget({"budget": "$1,200"}) == 1200.0
    assert parse_budget({"budget": "no idea"}) is None
    assert parse_budget({"budget_monthly": 99.5}) == 99.5


async def test_language_without_a_section_falls_back_to_the_first(
    tmp_path: Path, pb: Playbook
) -> None:
    data = yaml.safe_load(_bundled_text())
    data["languages"] = ["en"]
    del data["content"]["es"]
    for prog in data["programs"]:
        del prog["text"]["es"]
    del data["trial"]["text"]["es"]
    del data["company"]["description"]["es"]
    path = tmp_path / "en_only.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    gen = PlaybookGenerator(load_playbook(path))
    c = ctx(Action("close", "r"), "es")
    assert await collect(gen, c)
    assert c.memory.used_lines == {"en.close.1"}


def _bundled_text() -> str:
    path = Path(__file__).resolve().parents[3] / "config" / "playbooks" / "altura.yaml"
    return path.read_text(encoding="utf-8")


OTHER_COMPANY = """
version: 1
company:
  name: Zen Loft
  description: {en: A yoga studio for people who sit all day.}
languages: [en]
currency: EUR
default_program: unlimited
programs:
  - id: unlimited
    price: 89
    currency: EUR
    period: month
    needs: [stress, health, energy, rehab, weight_loss, muscle_gain, event_prep]
    budgets: [low, medium, high]
    text: {en: {name: Unlimited Yoga, summary: Come to any class you like., fits: Everyone.}}
trial:
  price: 15
  currency: EUR
  credited: false
  text: {en: {name: first class, summary: One class with a teacher.}}
next_steps: {program: payment_link, trial: first_session}
content:
  en:
    agent_name: Kai
    money: "{amount} euros"
    price_formats: {month: "{amount} per month"}
    general_need_phrase: feel better
    need_phrases: {weight_loss: lose weight, muscle_gain: get strong, health: stay healthy,
                   stress: relax, energy: feel awake, event_prep: get ready, rehab: heal}
    greeting: ["Hi, {agent_name} from {company} here."]
    acknowledgements: [OK.]
    discovery_questions: ["Where do you feel tense?", "How often do you move?"]
    value_statements: {weight_loss: [Yoga helps.], muscle_gain: [Yoga builds strength.],
                       health: [Yoga is healthy.], stress: [Yoga calms.],
                       energy: [Yoga wakes you up.],
                       event_prep: [Yoga prepares you.], rehab: [Gentle yoga heals.]}
    present_program: ["Try {program_name}: {program_price}."]
    clarify_objection: ["What worries you?"]
    objections: {price: ["It's only {program_price}."], time: [Classes are 45 minutes.],
                 think_it_over: [Sure.], skepticism: ["Try the {trial_name}."],
                 has_alternative: [Great, add one class.], needs_approval: [Bring them along.],
                 not_interested: [No problem.]}
    trial_offers: ["Your {trial_name} is {trial_price}."]
    closing: ["Shall I sign you up?"]
    next_steps: {payment_link: ["The payment link for {program_name} is in your inbox."],
                 first_session: ["Your {trial_name} is booked: pick a time in the email."]}
    after_yes: [See you on the mat.]
    faq:
      - {topic: mats, match: ["\\bmats?\\b"], answer: [We lend you a mat.]}
    unknown_question: [Ask your teacher in class.]
    follow_up: [I'll call you next week.]
    hand_off: [Let me get the manager.]
"""


async def test_another_company_sells_with_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "zen.yaml"
    path.write_text(OTHER_COMPANY, encoding="utf-8")
    gen = PlaybookGenerator(load_playbook(path))
    assert await collect(gen, ctx(Action("discover_need", "r"), transcript=()), greeting=True) == [
        "Hi, Kai from Zen Loft here."
    ]
    assert await collect(gen, ctx(Action("present_program", "r"))) == [
        "Try Unlimited Yoga: 89 euros per month."
    ]
    assert await collect(gen, ctx(Action("offer_trial", "r"))) == ["Your first class is 15 euros."]
    # a yes gets the playbook's next step for what was accepted, then no more asking
    memory = Memory(confirmations=1)
    yes = ctx(Action("close", "r", accepted="trial"), memory=memory)
    assert await collect(gen, yes) == ["Your first class is booked: pick a time in the email."]
    yes = ctx(Action("close", "r", accepted="program"), memory=Memory(confirmations=1))
    assert await collect(gen, yes) == ["The payment link for Unlimited Yoga is in your inbox."]
    memory.confirmations = 2
    again = ctx(Action("close", "r", accepted="trial"), memory=memory)
    assert await collect(gen, again) == ["See you on the mat."]
    # a question: the FAQ's answer, or the line for questions it has no answer to
    faq = ctx(Action("answer_question", "r", topic="mats"))
    assert await collect(gen, faq) == ["We lend you a mat."]
    other = ctx(Action("answer_question", "r"))
    assert await collect(gen, other) == ["Ask your teacher in class."]


async def test_program_is_recorded_only_when_presented(gen: PlaybookGenerator) -> None:
    memory = Memory(needs_found={"energy": 0.9})
    texts = []
    for _ in range(4):  # the fourth price handler names the program's price
        c = ctx(Action("handle_objection", "r", objection="price"), memory=memory)
        texts.append(" ".join(await collect(gen, c)))
        assert c.report.program is None
    assert "$790 a month" in texts[3]


async def test_acknowledges_when_the_transcript_ends_with_the_agent(gen: PlaybookGenerator) -> None:
    # the orchestrator may build the context before the customer's turn is recorded
    transcript = (Utterance("agent", "Hi, this is Sofia."),)
    c = ctx(Action("discover_need", "r"), "es", transcript=transcript)
    sentences = await collect(gen, c)
    assert len(sentences) == 2
    assert "es.ack.1" in c.memory.used_lines


def test_render_slot_fills_every_usable_line_without_using_them(gen: PlaybookGenerator) -> None:
    c = ctx(Action("handle_objection", "r", objection="think_it_over"), "es")
    lines = gen.render_slot(c, "objection.think_it_over")
    assert len(lines) == len(gen.lines("es", "objection.think_it_over"))
    assert all("{" not in line for line in lines)
    assert any("Evaluación Ejecutiva" in line for line in lines)
    assert c.memory.used_lines == set()
    # lines needing the customer's name are left out when it is unknown
    assert len(gen.render_slot(c, "closing")) == 0  # not a slot name: nothing
    assert len(gen.render_slot(c, "close")) == len(gen.lines("es", "close")) - 1
