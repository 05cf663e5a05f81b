"""Which of the playbook's FAQ entries answers a customer's question.

Each language's ``faq`` lists topics with regular expressions (``match``) over the
normalised text (lower case, no accents, no punctuation: ``voice_agent.analysis.normalize``)
and the lines that answer them. Only question sentences are matched: "I travel a lot" is
the customer's situation, "does it work when I travel?" is a question about it.
"""

from __future__ import annotations

import re

from voice_agent.analysis.normalize import normalize
from voice_agent.core.labels import Lang
from voice_agent.playbook.schema import Playbook


class FaqIndex:
    """The compiled FAQ patterns of a playbook, per language."""

    def __init__(self, playbook: Playbook) -> None:
        self._entries: dict[str, tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]] = {
            lang: tuple(
                (entry.topic, tuple(re.compile(p) for p in entry.match)) for entry in content.faq
            )
            for lang, content in playbook.content.items()
        }

    def topic(self, text: str, lang: Lang) -> str | None:
        """The first FAQ topic (in playbook order) whose pattern is found in one of the
        question sentences of ``text``."""
        entries = self._entries.get(lang, ())
        if not entries:
            return None
        questions = [s.text for s in normalize(text, lang).sentences if s.question]
        for topic, patterns in entries:
            if any(p.search(q) for p in patterns for q in questions):
                return topic
        return None
