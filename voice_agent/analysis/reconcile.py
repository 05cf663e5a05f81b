"""What the customer said outright corrects what the models heard in the words.

The analysers score each turn's text on its own. When the customer commits ("book me in"),
asks the price ("how much is that per month"), sets a concern aside ("money isn't the
issue") or already said yes, some of those scores contradict what was plainly said: a
price named while accepting it is not a price objection, a price question is not one
either, nor is a concern named to dismiss it (TAXONOMY), a yes is a buying signal, and
after a yes the conversion probability has no reason to fall. :func:`reconcile` applies
those rules to a turn's insights; pure, before the decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Final

from voice_agent.analysis.asks import Ask, only_price_question, read_ask
from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.analysis.commitment import Commitment, read_commitment
from voice_agent.analysis.lexicon_en import S
from voice_agent.analysis.normalize import normalize
from voice_agent.analysis.rules import score_objections, set_aside_objections
from voice_agent.core.labels import Lang
from voice_agent.core.types import BuyingSignal, Insights, LabelScore

#: Buying-signal probability given to an explicit yes (or asking how to start).
YES_BUYING_P: Final = 0.9
#: ``not_interested`` probability given to a curt refusal (:func:`refuses`).
REFUSAL_P: Final = 0.9
#: A curt refusal is a short turn: at most this many words.
CURT_WORDS: Final = 8
#: Actions that put an offer on the table.
OFFER_ACTIONS: Final = frozenset({"present_program", "offer_trial", "close"})


@dataclass(frozen=True, slots=True)
class Outright:
    """What a customer turn says outright (read by the rules of ``commitment`` and
    ``asks``) and where the conversation stands."""

    commitment: Commitment = Commitment.NONE
    ask: Ask = Ask.NONE
    #: Every sentence of the turn is a price question (nothing else was said).
    only_price_question: bool = False
    #: The customer said yes earlier and has not taken it back.
    agreed_before: bool = False
    #: The conversion probability after the previous customer turn.
    previous_conversion: float | None = None
    #: The agent has presented a program, offered the trial or asked for the sale.
    offer_made: bool = False
    #: The turn says there is no room for the program ("I don't have time for this").
    leaves_no_room: bool = False
    #: Objections the turn names only to set them aside (:func:`set_aside`).
    set_aside: frozenset[str] = frozenset()
    #: The turn is a curt refusal ("count me out", "ni de coña"): :func:`refuses`.
    refuses: bool = False
    #: The rules read a price objection in the turn's own words ("it's more than I wanted to
    #: spend", "si el precio queda por debajo de 250 me apunto"): a yes said with it is
    #: conditional and does not accept the price.
    objects_to_price: bool = False


def read_outright(
    text: str,
    lang: Lang,
    *,
    asked_for_sale: bool = False,
    agreed_before: bool = False,
    previous_conversion: float | None = None,
    offer_made: bool = False,
) -> Outright:
    """What ``text`` says outright, read by the rules, where the conversation stands as
    given (the defaults: the first customer turn of a call, before any offer)."""
    return Outright(
        commitment=read_commitment(text, lang, asked_for_sale=asked_for_sale),
        ask=read_ask(text, lang),
        only_price_question=only_price_question(text, lang),
        agreed_before=agreed_before,
        previous_conversion=previous_conversion,
        offer_made=offer_made,
        leaves_no_room=leaves_no_room(text, lang),
        set_aside=set_aside(text, lang),
        refuses=refuses(text, lang),
        objects_to_price=dict(score_objections(text, lang))["price"] >= DETECTION_THRESHOLD,
    )


def reconcile(insights: Insights, outright: Outright) -> Insights:
    """The turn's insights with what was said outright taken into account:

    * a yes or a question about starting that names the price accepts it, and a turn that
      only asks the price objects to nothing: ``price`` is dropped from the objections;
    * a concern named only to set it aside ("money isn't the issue", "tiempo tengo") is no
      objection (TAXONOMY): the labels in ``set_aside`` are dropped;
    * a curt refusal is ``not_interested`` (p >= ``REFUSAL_P``), however few words the
      models had to go on;
    * before anything was offered, stress, fatigue or a heavy workload told as a
      ``stress`` or ``energy`` need is the reason for calling, not a ``time`` objection,
      unless the caller says it leaves no room for the program (TAXONOMY): ``time`` is
      dropped;
    * with no objection left, a yes (or asking how to start) is a buying signal
      (p >= ``YES_BUYING_P``), and the conversion probability does not fall below the
      previous turn's after a yes, on this turn or later.
    """
    committed = outright.commitment is not Commitment.NONE
    if (committed and not outright.objects_to_price) or outright.only_price_question:
        insights = replace(insights, objections=_without(insights.objections, "price"))
    if outright.set_aside:
        insights = replace(
            insights,
            objections=tuple(s for s in insights.objections if s.label not in outright.set_aside),
        )
    if outright.refuses:
        insights = replace(
            insights,
            objections=(
                *_without(insights.objections, "not_interested"),
                LabelScore("not_interested", max(REFUSAL_P, _p(insights, "not_interested"))),
            ),
        )
    if (
        not outright.offer_made
        and not outright.leaves_no_room
        and any(s.p >= DETECTION_THRESHOLD and s.label in _STRAIN for s in insights.needs)
    ):
        insights = replace(insights, objections=_without(insights.objections, "time"))
    if any(s.p >= DETECTION_THRESHOLD for s in insights.objections):
        return insights
    if committed:
        insights = replace(
            insights,
            buying_signal=BuyingSignal(True, max(insights.buying_signal.p, YES_BUYING_P)),
        )
    if (committed or outright.agreed_before) and outright.previous_conversion is not None:
        insights = replace(
            insights,
            conversion_probability=max(
                insights.conversion_probability, outright.previous_conversion
            ),
        )
    return insights


#: The objections a turn can set aside by naming them (TAXONOMY: "money isn't the issue",
#: "el precio está bien"; also "I can make the time", "not that I doubt you"). The rules'
#: denials of the other labels ("nothing today, maybe later", "not up to me alone", "not
#: that I don't want it, I go to the gym") are objections themselves more often than not:
#: on 3,000 generated turns dropping them removed 9 right labels for 1 wrong one.
DISMISSIBLE: Final = frozenset({"price", "time", "skepticism"})

#: The needs that stress, fatigue or a heavy workload describe (TAXONOMY).
_STRAIN: Final = frozenset({"stress", "energy"})


def set_aside(text: str, lang: Lang) -> frozenset[str]:
    """The objections ``text`` does not raise although the words may suggest them: those
    the rules find denied and not raised (``rules.set_aside_objections``: "money isn't
    the issue", "el precio está bien"), and ``not_interested`` when the turn sets a
    concern aside or voices a doubt (``skepticism``) without any refusal the rules can
    see: clearing an obstacle or doubting is engagement, not a flat refusal (TAXONOMY),
    and the negation in "money isn't the problem" or "am I too old for this" is no "no"."""
    out = set_aside_objections(text, lang) & DISMISSIBLE
    rules = dict(score_objections(text, lang))
    doubts = rules["skepticism"] >= DETECTION_THRESHOLD
    if (out or doubts) and rules["not_interested"] < DETECTION_THRESHOLD:
        out |= {"not_interested"}
    return out


def refuses(text: str, lang: Lang) -> bool:
    """``text`` is a curt refusal: at most ``CURT_WORDS`` words that the rules read as a
    strong ``not_interested`` phrase ("count me out", "ni de coña", "paso, gracias") and
    as no other objection. Short turns give the models few words to go on."""
    if len(normalize(text, lang).text.split()) > CURT_WORDS:
        return False
    rules = dict(score_objections(text, lang))
    others = max(p for label, p in rules.items() if label != "not_interested")
    return rules["not_interested"] >= S and others < DETECTION_THRESHOLD


def _p(insights: Insights, label: str) -> float:
    return max((s.p for s in insights.objections if s.label == label), default=0.0)


def _without(scores: tuple[LabelScore, ...], label: str) -> tuple[LabelScore, ...]:
    return tuple(s for s in scores if s.label != label)


_NO_ROOM: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"\b(?:(?:no|dont have|don t have|do not have|havent got|never have|not enough|zero) "
        r"(?:the |any |enough |)time|(?:cant|cannot|couldnt|wont be able to) "
        r"(?:fit|commit|squeeze|find (?:the )?time|make time|add)|no way i (?:can|could) "
        r"(?:fit|add|do)|(?:when|how) (?:would|could|will) i (?:even )?(?:fit|find|squeeze)|"
        r"(?:dont|don t|do not|never) (?:have|get) (?:a |one |)(?:spare |free |single )?"
        r"(?:hour|minute|second|moment|evening)|"
        r"no room for|too busy for|"
        r"(?:no|zero|not enough|barely (?:have|get|any)|hardly (?:have|any)) (?:free |spare )?"
        r"time|(?:calendar|schedule|diary|week|weeks|days|evenings)(?: s)? (?:is |are )?"
        r"(?:already |completely |totally |so |really |pretty |fully |just |way too )?"
        r"(?:packed|full|booked|slammed|jammed|maxed out|overbooked))\b"
    ),
    "es": re.compile(
        r"\b(?:no (?:tengo|me queda|hay|tendria) (?:nada de |el |)tiempo|"
        r"no (?:puedo|podria|voy a poder) (?:meter|sacar|encontrar|comprometerme|hacer)|"
        r"(?:de donde|cuando) (?:voy a sacar|sacaria|lo haria|voy a hacer)|"
        r"no me (?:da|alcanza) el tiempo|no (?:tengo|hay) espacio|muy ocupad[oa] para|"
        r"no tengo (?:ni )?(?:una hora|un minuto|un rato|media hora)(?: libre)?|"
        r"(?:apenas|casi no|no) (?:tengo|me queda|hay) (?:tiempo|un rato)|"
        r"sin tiempo (?:para|libre)|"
        r"(?:agenda|horario|semana|dias|tardes)(?: la tengo| lo tengo| esta| estan| tengo)? "
        r"(?:muy |super |re |bien |toda |todo )?(?:llena|lleno|llenos|llenas|a tope|saturada|"
        r"saturado|reventada|copada|copado|ocupadisima|hasta el tope))\b"
    ),
}


#: A full or chaotic schedule, or no time found for the program: ``time`` in the TAXONOMY's
#: table ("my calendar is packed"), whatever else the turn says about stress. Travel is not
#: here: told with its toll ("I travel constantly and my sleep is a mess", the shipped
#: journey ``journeys/en/approval_assistant.yaml``) it is the reason for calling, although
#: the table lists travel under ``time`` too; which reading holds is not settled.
_OBSTACLE: Final[dict[Lang, re.Pattern[str]]] = {
    "en": re.compile(
        r"\b(?:(?:always|constantly|usually|mostly) (?:in meetings|on calls)|"
        r"(?:calendar|schedule|diary|agenda)(?: s| is)? (?:a |an )?(?:mess|nightmare|chaos|"
        r"insane|crazy|all over the place|unpredictable)|"
        r"(?:wall to wall|back to back|nonstop) (?:meetings|calls)|"
        r"(?:schedule|calendar|work schedule|job) (?:kills|eats|clashes|conflicts|would clash|"
        r"will clash|will conflict)|(?:clash|conflict)s? with (?:my |the )?(?:schedule|work)|"
        r"find(?:ing)? (?:the )?time|fit (?:it|this|that|them|a program|workouts|sessions) in|"
        r"fit in (?:a program|workouts|sessions|this|it|anything)|"
        r"(?:my )?(?:time|schedule|calendar) is (?:maxed out|full|packed|the (?:issue|problem))|"
        r"time (?:would be|is) (?:the|my) (?:issue|problem)|takes up all my time|"
        r"(?:zero|no) bandwidth|busy season)\b"
    ),
    "es": re.compile(
        r"\b(?:(?:agenda|horario)(?: me)? (?:cambia|es un caos|es un desastre|es imposible|"
        r"esta imposible)|(?:juntas|reuniones) (?:sin parar|todo el dia)|"
        r"no me alcanza(?:n)? (?:las horas|el dia)|(?:casi no|apenas|no) me da (?:el )?tiempo|"
        r"no me queda ni un minuto|el tiempo (?:seria|es) el problema|cero bandwidth|"
        r"(?:nada mas|solo) me queda(?:n)? (?:\w+ )?minutos|"
        r"sacar tiempo|semana llenisima|no puedo tener (?:citas|horarios) (?:regulares|fijos))\b"
    ),
}


def leaves_no_room(text: str, lang: Lang) -> bool:
    """The turn says there is no time for the program itself (a real ``time``
    objection), not just that life is busy: no room, or a full or chaotic schedule."""
    norm = normalize(text, lang).text
    return bool(_NO_ROOM[lang].search(norm) or _OBSTACLE[lang].search(norm))
