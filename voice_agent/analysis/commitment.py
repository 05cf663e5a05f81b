"""Whether the customer just said yes to the sale, or asked how to start.

The buying-signal model scores how ready a customer sounds; it does not know what the agent
just asked. "Great" is no buying signal on its own, but it is a yes when the agent has just
asked "shall we get you started?", and "how do I sign up?" asks for the next step whatever
came before. This module reads those two commitments from a customer turn and what the
agent last did, so the decision engine confirms the sale and gives the next step instead of
asking for it again. Pure and rule-based (patterns on the normalised text, in English and
Spanish): a few microseconds per turn.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Final

from voice_agent.analysis.normalize import normalize
from voice_agent.core.labels import Lang


class Commitment(Enum):
    #: Nothing that commits the customer.
    NONE = "none"
    #: An explicit yes to the offer ("let's do it", "sign me up", or a plain "yes" / "great"
    #: right after the agent asked for the sale).
    ACCEPTS = "accepts"
    #: A question about how to start ("how do I sign up?", "¿cómo me inscribo?").
    ASKS_TO_START = "asks_to_start"


def _rx(*alternatives: str) -> re.Pattern[str]:
    return re.compile(r"(?:^|\b)(?:" + "|".join(alternatives) + r")(?:\b|$)")


#: Commitments that stand on their own, whatever the agent said before. Short phrases that
#: mean something else inside a longer sentence ("I'm in the car", "a big deal", "más
#: adelante") count only as a whole sentence (``_WHOLE``).
_EXPLICIT_YES: Final[dict[Lang, re.Pattern[str]]] = {
    "en": _rx(
        r"lets do (?:it|this|that)",
        r"lets go for it",
        r"(?:lets|ill|i will|i wanna|i want to|i d like to|id like to|we can|i can) "
        r"(?:get started|start|sign up|join|go ahead|book (?:it|the|that|one|a|an|me))",
        r"ill do it",
        r"i will do it",
        r"(?:lets|ill|i will) go for it",
        r"sign me up",
        r"count me in",
        r"ill take it",
        r"i will take it",
        r"(?:lets )?(?:go|move) ahead(?: with it| with that| then)?",
        r"book (?:it|me in|me|the assessment|the session|that)",
        r"send (?:me )?(?:the|that) (?:link|payment link|sign up link)",
        r"im sold",
        r"you (?:ve |have )?convinced me",
        r"you got me",
        r"(?:sounds|that s|thats) (?:like )?a (?:plan|deal)",
        r"yes please",
        r"i want to do (?:it|this|that)",
    ),
    "es": _rx(
        r"vamos (?:a hacerlo|con todo|con eso|adelante|alla|a ello|con ello)",
        r"hagamoslo",
        r"hagamosle",
        r"(?<!mas )adelante con (?:eso|ello|todo|el programa|la evaluacion)",
        r"me apunto",
        r"apuntame",
        r"inscribeme",
        r"anotame",
        r"me inscribo",
        r"lo quiero",
        r"lo tomo",
        r"lo hago",
        r"me lo quedo",
        r"me animo",
        r"cuenta conmigo",
        r"trato hecho",
        r"empecemos",
        r"quiero (?:empezar|comenzar|inscribirme|apuntarme|hacerlo|el programa)",
        r"(?:reservalo|reservala|reservamelo|reservamela|reservame|agendalo|agendala|"
        r"agendamelo|agendamela)",
        r"(?:lo|la) pago",
        r"manda(?:me)? el (?:link|enlace)",
        r"enviame el (?:link|enlace)",
        r"si por favor",
        r"me convenciste",
    ),
}

#: Commitments only when they are the whole sentence.
_WHOLE: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"^(?:(?:okay|yes|yeah|alright|all right|fine|sure|great|perfect|okay fine) )*"
        r"(?:im in|i am in|deal|sold|lets go|do it|go for it|lets start|lets begin)"
        r"(?: then| now| today)?$"
    ),
    "es": re.compile(
        r"^(?:(?:si|bueno|vale|ok|okay|pues|bien|perfecto|claro|va|esta bien|de acuerdo) )*"
        r"(?:vamos|va|dale|adelante|sale|listo|hecho|de una|orale pues|venga)"
        r"(?: pues| entonces| ya| que si)?$"
    ),
}

#: A plain yes: a commitment only as the answer to the agent asking for the sale.
_PLAIN_YES: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"^(?:(?:okay|yes|yeah|yep|sure|absolutely|definitely|of course|great|perfect|"
        r"sounds good|that sounds good|that works|works for me|alright|all right|fine|"
        r"okay fine|cool|awesome|lovely|why not|for sure|totally|i guess so|i think so|"
        r"sure thing|lets|please|good|very good|thats great|that s great|"
        r"this week works|tuesday|thursday|tuesday works|thursday works)\s?)+$"
    ),
    "es": re.compile(
        r"^(?:(?:si|claro|claro que si|vale|perfecto|de acuerdo|esta bien|me parece bien|"
        r"me parece|genial|excelente|listo|ok|okay|bueno|por supuesto|sale|va|orale|"
        r"obvio|seguro|bien|muy bien|me sirve|funciona|el martes|el jueves|martes|"
        r"jueves|esta semana)\s?)+$"
    ),
}

#: Questions about how to start (a commitment in themselves).
_HOW_TO_START: Final[dict[Lang, re.Pattern[str]]] = {
    "en": _rx(
        r"how (?:do|can|would|should) (?:i|we) (?:sign up|start|get started|join|enroll|"
        r"register|begin|pay|book)",
        r"where (?:do|can) (?:i|we) (?:sign up|sign|pay|register|enroll|book)",
        r"whats the next step",
        r"what is the next step",
        r"what are the next steps",
        r"whats next",
        r"what happens next",
        r"what do i (?:need to do|have to do|do) "
        r"(?:next|now|to (?:start|sign up|get started|join))",
        r"how does (?:the )?(?:sign ?up|signing up|enrollment|onboarding) work",
        r"can i (?:sign up|start|pay) (?:now|today|right now|this week)",
    ),
    "es": _rx(
        r"como (?:me inscribo|me apunto|me registro|empiezo|empezamos|comienzo|comenzamos|"
        r"pago|le hago|hago para (?:empezar|inscribirme|apuntarme|entrar|pagar))",
        r"donde (?:me inscribo|me apunto|me registro|pago)",
        r"cual es el (?:siguiente|proximo) paso",
        r"cuales son los (?:siguientes|proximos) pasos",
        r"que sigue",
        r"que hago (?:ahora|para empezar|para inscribirme)",
        r"que tengo que hacer para (?:empezar|inscribirme|apuntarme|entrar)",
        r"puedo (?:empezar|inscribirme|apuntarme|pagar) (?:ya|hoy|ahora|esta semana)",
    ),
}

#: A yes that is taken back in the same breath, or hedged: not a commitment.
_BUT: Final[dict[Lang, re.Pattern[str]]] = {
    "en": _rx(
        r"but",
        r"not",
        r"no",
        r"dont",
        r"cant",
        r"wont",
        r"wait",
        r"actually",
        r"maybe",
        r"later",
        r"hold on",
        r"on second thought",
        r"let me think",
        r"not sure",
        r"unless",
        r"if",
        r"though",
        r"although",
        r"still",
        r"how much",
        r"what about",
    ),
    "es": _rx(
        r"pero",
        r"no",
        r"espera",
        r"esperate",
        r"mejor",
        r"quizas",
        r"quiza",
        r"tal vez",
        r"luego",
        r"despues",
        r"lo pienso",
        r"pensarlo",
        r"no se",
        r"a menos que",
        r"cuanto",
        r"a ver",
        r"viendo",
        r"mas adelante",
    ),
}


def read_commitment(text: str, lang: Lang, *, asked_for_sale: bool) -> Commitment:
    """What the customer committed to in ``text``. ``asked_for_sale``: the agent's last
    turn asked for the sale or offered the trial (so a plain "yes" answers it)."""
    norm = normalize(text, lang)
    if not norm.sentences:
        return Commitment.NONE
    flat = " ".join(s.text for s in norm.sentences)
    if _HOW_TO_START[lang].search(flat):
        return Commitment.ASKS_TO_START
    if _BUT[lang].search(flat):
        return Commitment.NONE
    if _EXPLICIT_YES[lang].search(flat) or any(_WHOLE[lang].match(s.text) for s in norm.sentences):
        return Commitment.ACCEPTS
    if asked_for_sale and all(_PLAIN_YES[lang].match(s.text) for s in norm.sentences):
        return Commitment.ACCEPTS
    return Commitment.NONE
