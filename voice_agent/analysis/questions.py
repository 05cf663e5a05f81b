"""Questions the agent answers with a fact from the playbook before anything else.

A neutral question is not an objection (TAXONOMY), and a caller who asks "how much is it?"
expects the price, not another discovery question. Only the price question is read here:
its answer (a program with its price) is in every playbook. Pure and rule-based, on the
normalised text, in English and Spanish.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from voice_agent.analysis.normalize import normalize
from voice_agent.core.labels import Lang


class Question(Enum):
    NONE = "none"
    #: What does it cost?
    PRICE = "price"


_PRICE: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"\b(?:how much (?:is|does|do|would|will|are|for)|how much$|what(?:s| is| does| would)? "
        r"(?:it|this|that|the (?:program|coaching|price|cost|fee|investment)) cost|"
        r"whats the (?:price|cost|fee|damage|investment)|what is the (?:price|cost|fee)|"
        r"what (?:are|re) (?:the|your) (?:prices|rates|fees)|how expensive is|"
        r"(?:price|cost|pricing) (?:of|for) (?:it|this|that|the program|the coaching))\b"
    ),
    "es": re.compile(
        r"\b(?:cuanto (?:cuesta|vale|sale|es|cobran|seria|costaria|me sale|me cuesta)|"
        r"(?:cual|que) es el (?:precio|costo|valor)|que precio tiene|"
        r"(?:que|cuales son los) precios|cuanto hay que pagar|cuanto (?:tendria|tengo) que pagar)\b"
    ),
}


def read_question(text: str, lang: Lang) -> Question:
    """The factual question ``text`` asks, if any (``PRICE`` only in a question: "it costs
    too much" is an objection, not a question)."""
    for sentence in normalize(text, lang).sentences:
        if _PRICE[lang].search(sentence.text) and (
            sentence.question or sentence.text.startswith(("how much", "cuanto"))
        ):
            return Question.PRICE
    return Question.NONE
