from __future__ import annotations

import pytest

from voice_agent.core.labels import Lang
from voice_agent.playbook import load_playbook
from voice_agent.playbook.faq import FaqIndex


@pytest.fixture(scope="module")
def faq() -> FaqIndex:
    return FaqIndex(load_playbook())


@pytest.mark.parametrize(
    ("lang", "text", "topic"),
    [
        ("en", "So what's included in the monthly fee?", "included"),
        ("en", "Is my coach a real person? Are they certified?", "coaches"),
        ("en", "Would it still work with all my flights?", "travel"),
        ("en", "Is there a minimum commitment?", "cancel"),
        ("en", "How often would we meet?", "sessions"),
        ("en", "I have a bad knee injury, is that a problem?", "medical"),
        ("en", "Is it all over video?", "online"),
        ("en", "How soon do people see results?", "results"),
        ("es", "¿Qué trae la mensualidad?", "included"),
        ("es", "¿Los coaches tienen título?", "coaches"),
        ("es", "¿Se puede hacer desde un hotel?", "travel"),
        ("es", "¿Cada cuánto nos vemos?", "sessions"),
        ("es", "¿Es presencial?", "online"),
    ],
)
def test_the_bundled_playbook_answers_common_questions(
    faq: FaqIndex, lang: Lang, text: str, topic: str
) -> None:
    assert faq.topic(text, lang) == topic


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "I travel every week."),  # the customer's situation, not a question
        ("en", "Do I need any equipment at home?"),  # no entry: the playbook has no answer
        ("en", "How's your day going?"),
        ("es", "Viajo mucho por trabajo."),
    ],
)
def test_only_questions_that_an_entry_matches(faq: FaqIndex, lang: Lang, text: str) -> None:
    assert faq.topic(text, lang) is None
