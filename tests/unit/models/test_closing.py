from __future__ import annotations

import pytest

from voice_agent.models.closing import takes_leave


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ok great, thank you, bye bye", "en"),
        ("Thanks. Talk to you later!", "en"),
        ("alright, have a good one", "en"),
        ("send it over, cheers", "en"),
        ("Vale, muchas gracias. ¡Adiós!", "es"),
        ("bueno, hasta luego", "es"),
        ("listo, que tenga buen día", "es"),
        ("dale, chau", "es"),
    ],
)
def test_takes_leave(text: str, lang: str) -> None:
    assert takes_leave(text, lang)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how much is it per month?", "en"),
        ("i'm not sure, my knee still hurts", "en"),
        ("byebye isn't a word i use", "en"),  # a word, not a farewell, needs its boundary
        ("¿cuánto cuesta al mes?", "es"),
        ("no tengo tiempo entre semana", "es"),
    ],
)
def test_does_not_take_leave(text: str, lang: str) -> None:
    assert not takes_leave(text, lang)
