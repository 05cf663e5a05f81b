from __future__ import annotations

import pytest

from voice_agent.analysis.asks import Ask, only_price_question, read_ask
from voice_agent.core.labels import Lang

PRICE_QUESTIONS: list[tuple[Lang, str]] = [
    ("en", "how much is it?"),
    ("en", "How much does it cost"),
    ("en", "ok and what does the program cost?"),
    ("en", "what's the price?"),
    ("es", "¿Cuánto cuesta?"),
    ("es", "y cuánto sale"),
    ("es", "¿cuál es el precio?"),
]
NOT_PRICE_QUESTIONS: list[tuple[Lang, str]] = [
    ("en", "it costs too much"),
    ("en", "how much time would it take each week?"),
    ("en", "that's way too expensive for me"),
    ("es", "es muy caro"),
    ("es", "¿cuánto dura cada sesión?"),
    ("en", ""),
]


@pytest.mark.parametrize(("lang", "text"), PRICE_QUESTIONS)
def test_price_questions(lang: Lang, text: str) -> None:
    assert read_ask(text, lang) is Ask.PRICE


@pytest.mark.parametrize(("lang", "text"), NOT_PRICE_QUESTIONS)
def test_not_price_questions(lang: Lang, text: str) -> None:
    assert read_ask(text, lang) is not Ask.PRICE


PERSON_ASKS: list[tuple[Lang, str]] = [
    ("en", "Wait, is this a recording? I want to speak to a human being, please."),
    ("en", "Can you put me through to someone on your team?"),
    ("en", "can i talk to a real person please like a actual human"),
    ("es", "¿Esto es una grabación? Quiero hablar con un humano, por favor."),
    ("es", "Prefiero hablar con alguien de tu equipo. ¿Me puedes pasar?"),
    ("es", "me pasas con una persona porfa"),
]
NOT_PERSON_ASKS: list[tuple[Lang, str]] = [
    ("en", "I need to talk to my wife first"),
    ("en", "I want to talk to my manager before I sign"),
    ("en", "I talked to my doctor about it"),
    ("es", "tengo que hablar con mi esposa"),
    ("es", "lo hablo con mi jefe"),
]


@pytest.mark.parametrize(("lang", "text"), PERSON_ASKS)
def test_asking_for_a_person(lang: Lang, text: str) -> None:
    assert read_ask(text, lang) is Ask.PERSON


@pytest.mark.parametrize(("lang", "text"), NOT_PERSON_ASKS)
def test_consulting_someone_is_not_asking_for_a_person(lang: Lang, text: str) -> None:
    assert read_ask(text, lang) is not Ask.PERSON


@pytest.mark.parametrize(
    ("lang", "text", "only"),
    [
        ("en", "ok and how much is that per month", True),
        ("es", "ok y eso cuanto sale al mes mas o me", True),
        ("en", "How much? That's crazy, way too expensive.", False),
        ("en", "it costs too much", False),
        ("en", "", False),
    ],
)
def test_only_price_question(lang: Lang, text: str, only: bool) -> None:
    assert only_price_question(text, lang) is only


@pytest.mark.parametrize(
    ("lang", "text", "ask"),
    [
        ("en", "Are your coaches certified?", Ask.QUESTION),
        ("en", "And does it work if I'm on the road? What if I cancel?", Ask.QUESTION),
        ("es", "¿Hay permanencia?", Ask.QUESTION),
        # a statement with a question is the statement's turn
        ("en", "That's too expensive. Are there cheaper options?", Ask.NONE),
        ("en", "I travel a lot.", Ask.NONE),
    ],
)
def test_a_turn_of_questions_only_is_a_question(lang: Lang, text: str, ask: Ask) -> None:
    assert read_ask(text, lang) is ask
