from __future__ import annotations

import pytest

from voice_agent.analysis.questions import Question, read_question
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
    assert read_question(text, lang) is Question.PRICE


@pytest.mark.parametrize(("lang", "text"), NOT_PRICE_QUESTIONS)
def test_not_price_questions(lang: Lang, text: str) -> None:
    assert read_question(text, lang) is Question.NONE
