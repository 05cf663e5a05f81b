"""What the caller asks for outright: the price, or a person.

A neutral question is not an objection (TAXONOMY): a caller who asks "how much is it?"
expects the price, not another discovery question, and one who asks for "a real person"
expects to be put through, whatever the models make of the words ("can you put me through
to someone on your team" reads like ``has_alternative`` to a text model). Pure and
rule-based, on the normalised text, in English and Spanish.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from voice_agent.analysis.normalize import Sentence, normalize
from voice_agent.core.labels import Lang


class Ask(Enum):
    NONE = "none"
    #: What does it cost?
    PRICE = "price"
    #: To speak with a person (a human, someone from the team).
    PERSON = "person"
    #: Anything else, asked as a question and nothing but questions ("are your coaches
    #: certified?"): the agent answers before it asks for anything.
    QUESTION = "question"


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
        r"(?:que|cuales son los) precios|cuanto hay que pagar|cuanto (?:tendria|tengo) que pagar|"
        r"que valor tiene|cual seria el (?:precio|costo|valor)|"
        r"(?:precio|costo|valor) (?:de )?cuanto (?:es|seria|sale|cuesta|queda))\b"
    ),
}

_HUMAN_EN: Final = (
    r"(?:a |an |some |the |your )?(?:real |actual |live |human |)(?:person|human(?: being)?|"
    r"somebody|someone|agent|representative|rep|manager|operator|colleague|"
    r"member of (?:your|the) team|one of your (?:coaches|team|people))"
)
_HUMAN_ES: Final = (
    r"(?:una |un |alguien |alguna |algun )?(?:persona(?: real| de verdad)?|humano|"
    r"ser humano|alguien(?: de (?:tu|su|el) equipo| de verdad| real)?|asesor|asesora|agente|"
    r"encargado|encargada|gerente|operador|operadora|coach|supervisor|supervisora)"
)
_PERSON: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"\b(?:(?:speak|talk|chat) (?:to|with) " + _HUMAN_EN + r"|"
        r"(?:put|get|transfer|connect|pass) me (?:through |over |on )?(?:to|with) "
        + _HUMAN_EN
        + r"|(?:is|are) (?:this|you) (?:a |an )?(?:robot|bot|machine|recording|ai|computer)|"
        r"(?:real|actual|live) (?:person|human)|human being)\b"
    ),
    "es": re.compile(
        r"\b(?:hablar con " + _HUMAN_ES + r"|"
        r"(?:pasame|pasame con|me pasas|me pasa|me puedes pasar|me podrias pasar|comunicame|"
        r"me comunicas|me comunica|transfiereme|me transfieres) (?:con )?" + _HUMAN_ES + r"|"
        r"(?:eres|es esto|esto es) (?:un |una )?(?:robot|bot|maquina|grabacion|contestadora)|"
        r"persona de verdad|persona real|un humano|ser humano)\b"
    ),
}


#: A sentence that opens with the price question, after small words ("ok and how much").
_OPENS_WITH_PRICE: Final = re.compile(
    r"^(?:(?:ok|okay|so|and|but|oh|ah|um|y|eso|entonces|pues|bueno|vale|oye|that|este) )*"
    r"(?:(?:el |la |the )?(?:precio|costo|valor|price|cost) )?(?:how much|cuanto)\b"
)


def _asks_price(sentence: Sentence, lang: Lang) -> bool:
    return bool(_PRICE[lang].search(sentence.text)) and (
        sentence.question or bool(_OPENS_WITH_PRICE.match(sentence.text))
    )


def read_ask(text: str, lang: Lang) -> Ask:
    """What ``text`` asks for outright, if anything. A person wins over the price; the
    price only in a question ("it costs too much" is an objection, not a question); any
    other question only when the turn is nothing but questions."""
    sentences = normalize(text, lang).sentences
    if any(_PERSON[lang].search(s.text) for s in sentences):
        return Ask.PERSON
    if any(_asks_price(s, lang) for s in sentences):
        return Ask.PRICE
    if sentences and all(s.question for s in sentences):
        return Ask.QUESTION
    return Ask.NONE


def only_price_question(text: str, lang: Lang) -> bool:
    """Every sentence of ``text`` asks the price (so the turn objects to nothing)."""
    sentences = normalize(text, lang).sentences
    return bool(sentences) and all(_asks_price(s, lang) for s in sentences)
