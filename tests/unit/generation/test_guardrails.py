"""The guardrails against the shipped playbook: what an LLM may and may not say."""

from __future__ import annotations

import pytest

from voice_agent.generation.guardrails import Guardrails, money_mentions
from voice_agent.playbook import Playbook, load_playbook


@pytest.fixture(scope="module")
def pb() -> Playbook:
    return load_playbook()


@pytest.fixture(scope="module")
def guard(pb: Playbook) -> Guardrails:
    return Guardrails(pb)


def test_the_playbooks_own_prices_are_known(guard: Guardrails, pb: Playbook) -> None:
    prices = {float(p.price) for p in pb.programs} | {float(pb.trial.price)}
    assert prices <= guard.amounts
    assert guard.currency == "USD"


@pytest.mark.parametrize(
    "sentence",
    [
        "Executive Energy is $790 a month.",
        "Executive Energy is $790.00 a month, and the assessment is $150.",
        "Event Ready is $1,650 for the full twelve weeks.",
        "It's seven hundred ninety dollars a month.",
        "The Executive Assessment is one hundred and fifty dollars.",
        "Energía Ejecutiva cuesta 790 dólares al mes.",
        "Listo para tu Gran Día cuesta 1.650 dólares.",
        "La Evaluación Ejecutiva son ciento cincuenta dólares y se descuenta de tu primer mes.",
        "I'd suggest the Executive Energy program, built around your calendar.",
        "The Energy program fits you best.",
        "Te recomiendo el programa Energía Ejecutiva.",
        "Our coaching plan adapts to your travel.",
        "We can plan Monday's session together.",
        "Feel free to ask me anything.",
        "It takes 12 weeks and 3 sessions a week.",
        "Let's start the plan on Monday.",
    ],
)
def test_what_the_playbook_allows_passes(guard: Guardrails, sentence: str) -> None:
    assert guard.check(sentence) is None


@pytest.mark.parametrize(
    ("sentence", "rule", "found"),
    [
        ("Executive Energy is $499 a month.", "price_not_in_playbook", "$499"),
        ("For you, it's 650 dollars.", "price_not_in_playbook", "650 dollars"),
        ("It's only six hundred dollars a month.", "price_not_in_playbook", "six hundred dollars"),
        ("Son 690 euros al mes.", "price_not_in_playbook", "690 euros"),
        ("Cuesta 2.000 dólares.", "price_not_in_playbook", "2.000 dolares"),
        ("Son quinientos dólares.", "price_not_in_playbook", "quinientos dolares"),
        ("Our Platinum Program includes a chef.", "unknown_program", "Platinum"),
        ("You'd love the VIP Executive Package.", "unknown_program", "VIP Executive"),
        ("Te recomiendo el Plan Platino.", "unknown_program", "Platino"),
        ("Tenemos el programa Reto Ejecutivo Total.", "unknown_program", "Reto Ejecutivo Total"),
        ("I guarantee you'll lose ten pounds.", "guarantee", "guarantee"),
        ("Results are guaranteed.", "guarantee", "guaranteed"),
        ("If it doesn't work, you get your money back.", "guarantee", "money back"),
        ("Te garantizo que vas a dormir mejor.", "guarantee", "garantizo"),
        ("I can give you a 20% discount today.", "discount", "discount"),
        ("Your first month is for free.", "discount", "for free"),
        ("Te hago un descuento si empiezas hoy.", "discount", "descuento"),
        ("La primera sesión es gratis.", "discount", "gratis"),
    ],
)
def test_what_the_playbook_does_not_allow_is_caught(
    guard: Guardrails, sentence: str, rule: str, found: str
) -> None:
    violation = guard.check(sentence)
    assert violation is not None
    assert (violation.rule, violation.found) == (rule, found)


def test_a_promise_the_playbook_makes_is_allowed(pb: Playbook) -> None:
    faq = pb.model_dump(mode="json")
    # a company whose playbook offers a money-back guarantee may have its agent say so
    faq["company"]["description"]["en"] += " Every program has a 30-day money-back guarantee."
    allowing = Guardrails(Playbook.model_validate(faq))
    assert "guarantee" in allowing.allowed and "discount" not in allowing.allowed
    assert allowing.check("You're covered by our money-back guarantee.") is None
    assert allowing.check("I'll give you a discount.") is not None
    # the shipped playbook promises neither
    assert Guardrails(pb).allowed == frozenset()


def test_money_mentions_reads_separators_and_words() -> None:
    found = list(money_mentions("It's $1,650.50, or 1.650 dólares, or USD 790, or 99,50 €."))
    assert [(v, c) for _, v, c in found] == [
        (1650.5, "USD"),
        (1650.0, "USD"),
        (790.0, "USD"),
        (99.5, "EUR"),
    ]
    words = list(money_mentions("mil seiscientos cincuenta dólares, two thousand dollars"))
    assert [(v, c) for _, v, c in words] == [(1650.0, "USD"), (2000.0, "USD")]
