from __future__ import annotations

import pytest

from voice_agent.analysis.commitment import Commitment, read_commitment
from voice_agent.core.labels import Lang

EXPLICIT_YES: list[tuple[Lang, str]] = [
    ("en", "Yes, let's do it!"),
    ("en", "ok fine, let's do it"),
    ("en", "sign me up"),
    ("en", "I'm in."),
    ("en", "alright let's get started"),
    ("en", "book the assessment"),
    ("es", "sí, vamos"),
    ("es", "Sí, hagámoslo"),
    ("es", "dale, me apunto"),
    ("es", "trato hecho"),
    ("es", "bueno, está bien, vamos"),
    ("es", "Bueno, va. Tienes razón, la salud es primero. Lo hago."),
    ("es", "Vale, la evaluación sí la pago. Resérvamela."),
    ("en", "Deal."),
    ("en", "Alright. Book me in."),
]
ASKS_TO_START: list[tuple[Lang, str]] = [
    ("en", "How do I sign up?"),
    ("en", "ok so what's the next step"),
    ("en", "where do I pay"),
    ("es", "¿Cómo me inscribo?"),
    ("es", "y cuál es el siguiente paso"),
    ("es", "qué tengo que hacer para empezar"),
]
PLAIN_YES: list[tuple[Lang, str]] = [
    ("en", "yes"),
    ("en", "uh yeah great"),
    ("en", "sounds good"),
    ("es", "sí"),
    ("es", "vale, perfecto"),
    ("es", "claro que sí"),
]
NOT_A_YES: list[tuple[Lang, str]] = [
    ("en", "yeah sure, but I need to ask my wife"),
    ("en", "let's do it... actually, wait"),
    ("en", "I don't think so"),
    ("en", "maybe later"),
    ("en", "how much is it?"),
    ("es", "sí, pero lo tengo que pensar"),
    ("es", "no, gracias"),
    ("es", "vamos viendo, no sé"),
    ("en", ""),
    # short phrases that mean something else inside a sentence
    ("en", "Hey! Sorry, I'm in the car, you're on speaker."),
    ("en", "I need to deal with my stress"),
    ("en", "I want that to change"),
    ("es", "vamos a ver"),
    ("es", "lo vemos más adelante"),
]


@pytest.mark.parametrize(("lang", "text"), EXPLICIT_YES)
def test_an_explicit_yes_commits_whatever_came_before(lang: Lang, text: str) -> None:
    assert read_commitment(text, lang, asked_for_sale=False) is Commitment.ACCEPTS
    assert read_commitment(text, lang, asked_for_sale=True) is Commitment.ACCEPTS


@pytest.mark.parametrize(("lang", "text"), ASKS_TO_START)
def test_asking_how_to_start_is_a_commitment(lang: Lang, text: str) -> None:
    assert read_commitment(text, lang, asked_for_sale=False) is Commitment.ASKS_TO_START


@pytest.mark.parametrize(("lang", "text"), PLAIN_YES)
def test_a_plain_yes_commits_only_as_the_answer_to_the_ask(lang: Lang, text: str) -> None:
    assert read_commitment(text, lang, asked_for_sale=True) is Commitment.ACCEPTS
    assert read_commitment(text, lang, asked_for_sale=False) is Commitment.NONE


@pytest.mark.parametrize(("lang", "text"), NOT_A_YES)
def test_a_hedged_or_negative_answer_is_no_commitment(lang: Lang, text: str) -> None:
    assert read_commitment(text, lang, asked_for_sale=True) is Commitment.NONE


def test_a_plain_yes_followed_by_something_else_is_not_taken_as_a_yes() -> None:
    # "yes" then a question about something else answers that, not the ask
    assert (
        read_commitment("yes. do you work with vegetarians?", "en", asked_for_sale=True)
        is Commitment.NONE
    )
