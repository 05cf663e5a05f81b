"""The bundled Altura Coaching playbook loads and covers every label in both languages."""

from __future__ import annotations

import pytest

from voice_agent.core.labels import LANGS, NEEDS, OBJECTIONS
from voice_agent.playbook import Playbook, load_playbook
from voice_agent.playbook.schema import OPTIONAL_PLACEHOLDERS, PLACEHOLDERS, placeholders


@pytest.fixture(scope="module")
def pb() -> Playbook:
    return load_playbook()


def test_declares_both_languages(pb: Playbook) -> None:
    assert set(pb.languages) == set(LANGS)
    assert set(pb.content) == set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_at_least_three_handlers_per_objection(pb: Playbook, lang: str) -> None:
    content = pb.content[lang]
    for label in OBJECTIONS:
        handlers = content.objections[label]
        assert len(handlers) >= 3, (lang, label)
        assert len(set(handlers)) == len(handlers), (lang, label)


@pytest.mark.parametrize("lang", LANGS)
def test_value_statements_and_phrases_for_every_need(pb: Playbook, lang: str) -> None:
    content = pb.content[lang]
    for need in NEEDS:
        assert content.value_statements[need], (lang, need)
        assert content.need_phrases[need], (lang, need)
    assert len(content.discovery_questions) >= 5
    for slot in ("greeting", "trial_offers", "closing", "follow_up", "hand_off"):
        assert len(getattr(content, slot)) >= 3, (lang, slot)


def test_every_need_has_a_program(pb: Playbook) -> None:
    covered = {need for p in pb.programs for need in p.needs}
    assert covered == set(NEEDS)


def test_programs_of_the_brief(pb: Playbook) -> None:
    names = {p.text["en"].name for p in pb.programs}
    assert {"Executive Energy", "Stress and Sleep Reset", "Lean and Strong", "Event Ready"} <= names
    assert "Back on Track" in names
    assert pb.program("executive_energy") is not None
    low = [p for p in pb.programs if "low" in p.budgets]
    assert low and max(p.price for p in low) < min(
        p.monthly_price() for p in pb.programs if "low" not in p.budgets
    )
    assert all(p.price > 0 and p.currency == "USD" for p in pb.programs)
    assert pb.trial.price > 0 and pb.trial.credited
    event = pb.program("event_ready")
    assert event is not None and event.duration_weeks == 12


def test_spanish_is_not_a_copy_of_english(pb: Playbook) -> None:
    en, es = pb.content["en"], pb.content["es"]
    for label in OBJECTIONS:
        assert not set(en.objections[label]) & set(es.objections[label])
    assert "¿" in " ".join(es.discovery_questions)
    assert all(p.text["es"].summary != p.text["en"].summary for p in pb.programs)


@pytest.mark.parametrize("lang", LANGS)
def test_templates_use_known_placeholders_only(pb: Playbook, lang: str) -> None:
    for _slot, lines in pb.content[lang].slots():
        for line in lines:
            assert placeholders(line) <= PLACEHOLDERS
    assert OPTIONAL_PLACEHOLDERS <= PLACEHOLDERS


def test_prices_are_spoken_per_language(pb: Playbook) -> None:
    top = pb.program("executive_energy")
    event = pb.program("event_ready")
    assert top is not None and event is not None
    assert pb.format_price(top, "en") == "$790 a month"
    assert pb.format_price(top, "es") == "790 dólares al mes"
    assert pb.format_price(event, "en") == "$1,650 for the full 12 weeks"
    assert pb.format_money(2100.5, "en") == "$2,100.50"
    assert pb.format_money(2100.5, "es") == "2100,50 dólares"
