from __future__ import annotations

from dataclasses import replace

import pytest

from voice_agent.analysis.asks import Ask
from voice_agent.analysis.commitment import Commitment
from voice_agent.analysis.reconcile import (
    REFUSAL_P,
    YES_BUYING_P,
    Outright,
    leaves_no_room,
    read_outright,
    reconcile,
    refuses,
    set_aside,
)
from voice_agent.core.labels import Lang
from voice_agent.core.types import BuyingSignal, Insights, LabelScore


def ins(
    objections: dict[str, float] | None = None, buying: float = 0.1, conv: float = 0.1
) -> Insights:
    return Insights(
        objections=tuple(LabelScore(k, v) for k, v in (objections or {}).items()),
        needs=(),
        buying_signal=BuyingSignal(buying >= 0.5, buying),
        conversion_probability=conv,
    )


def test_nothing_outright_changes_nothing() -> None:
    before = ins({"price": 0.8}, conv=0.2)
    assert reconcile(before, Outright(previous_conversion=0.5)) == before


def test_a_yes_is_a_buying_signal_and_keeps_the_conversion() -> None:
    out = reconcile(
        ins(conv=0.1), Outright(commitment=Commitment.ACCEPTS, previous_conversion=0.34)
    )
    assert out.buying_signal == BuyingSignal(True, YES_BUYING_P)
    assert out.conversion_probability == 0.34
    # a model that already scores higher keeps its own figures
    out = reconcile(
        ins(buying=0.98, conv=0.9),
        Outright(commitment=Commitment.ACCEPTS, previous_conversion=0.34),
    )
    assert (out.buying_signal.p, out.conversion_probability) == (0.98, 0.9)


def test_after_the_yes_the_conversion_does_not_fall_until_an_objection() -> None:
    agreed = Outright(agreed_before=True, previous_conversion=0.7)
    assert reconcile(ins(conv=0.2), agreed).conversion_probability == 0.7
    assert not reconcile(ins(conv=0.2), agreed).buying_signal.value  # "thanks" is no signal
    back_out = reconcile(ins({"needs_approval": 0.9}, conv=0.2), agreed)
    assert back_out.conversion_probability == 0.2


def test_a_yes_naming_the_price_accepts_it_but_not_other_objections() -> None:
    yes = Outright(commitment=Commitment.ACCEPTS, previous_conversion=0.3)
    out = reconcile(ins({"price": 0.8}), yes)
    assert out.objections == () and out.buying_signal.value
    out = reconcile(ins({"price": 0.8, "needs_approval": 0.7}), yes)
    assert [s.label for s in out.objections] == ["needs_approval"]
    assert not out.buying_signal.value  # an objection is still open


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("es", "me apunto, aunque es más de lo que quería gastar"),
        ("en", "where can i pay? but it's more than i wanted to spend on coaching"),
    ],
)
def test_a_yes_with_a_price_objection_in_its_words_keeps_it(lang: Lang, text: str) -> None:
    """A yes said with a price objection does not accept the price."""
    said = read_outright(text, lang)
    assert said.objects_to_price
    out = reconcile(ins({"price": 0.8}), replace(said, commitment=Commitment.ACCEPTS))
    assert [s.label for s in out.objections] == ["price"]


def test_a_price_question_is_not_a_price_objection() -> None:
    only = Outright(ask=Ask.PRICE, only_price_question=True)
    assert reconcile(ins({"price": 0.69}), only).objections == ()
    mixed = Outright(ask=Ask.PRICE, only_price_question=False)
    assert [s.label for s in reconcile(ins({"price": 0.9}), mixed).objections] == ["price"]


def with_need(objections: dict[str, float]) -> Insights:
    return Insights(
        objections=tuple(LabelScore(k, v) for k, v in objections.items()),
        needs=(LabelScore("stress", 0.9),),
        buying_signal=BuyingSignal(False, 0.1),
        conversion_probability=0.2,
    )


def test_before_any_offer_a_busy_life_told_with_a_need_is_no_time_objection() -> None:
    # "I travel constantly and my sleep is a mess": the reason for calling (TAXONOMY)
    out = reconcile(with_need({"time": 1.0}), Outright())
    assert out.objections == ()
    # ... unless it leaves no room for the program, or something was already offered
    kept = reconcile(with_need({"time": 1.0}), Outright(leaves_no_room=True))
    assert [s.label for s in kept.objections] == ["time"]
    kept = reconcile(with_need({"time": 1.0}), Outright(offer_made=True))
    assert [s.label for s in kept.objections] == ["time"]
    # with no need told, it is a time objection
    assert [s.label for s in reconcile(ins({"time": 1.0}), Outright()).objections] == ["time"]


def test_only_strain_needs_excuse_a_time_objection() -> None:
    # "I travel every week and want to lose weight": the travel is a time objection; only
    # stress, fatigue or workload told as a stress or energy need is the reason for calling
    weight = Insights(
        objections=(LabelScore("time", 0.9),),
        needs=(LabelScore("weight_loss", 0.9), LabelScore("energy", 0.2)),
        buying_signal=BuyingSignal(False, 0.1),
        conversion_probability=0.2,
    )
    assert [s.label for s in reconcile(weight, Outright()).objections] == ["time"]
    tired = replace(weight, needs=(LabelScore("energy", 0.8),))
    assert reconcile(tired, Outright()).objections == ()


@pytest.mark.parametrize(
    ("lang", "text", "aside"),
    [
        ("en", "money isn't really the issue", {"price", "not_interested"}),
        ("en", "the price is fine", {"price", "not_interested"}),
        ("en", "i can make the time, no problem", {"time", "not_interested"}),
        # set aside, and a doubt raised: a doubt is engagement, not a flat refusal
        (
            "en",
            "it's not about the money, i just don't believe these programs work",
            {"price", "not_interested"},
        ),
        ("en", "am i too old for this", {"not_interested"}),
        # raised, not set aside
        ("en", "it's way too expensive", set()),
        ("en", "money isn't the issue, i'm just not interested", {"price"}),
        ("es", "la plata no es el tema", {"price", "not_interested"}),
        ("es", "de pasta voy bien", {"price", "not_interested"}),
        ("es", "horario tengo, eso no es problema", {"time", "not_interested"}),
        ("es", "no es por el precio, es que no me interesa", {"price"}),
        ("es", "está carísimo", set()),
        # a denied stall, approval or alternative is still that objection: not set aside
        ("en", "the thing is nothing today maybe another day", set()),
        ("en", "this is not that i don't want it, i go to the gym four times a week", set()),
    ],
)
def test_set_aside(lang: Lang, text: str, aside: set[str]) -> None:
    assert set_aside(text, lang) == aside


def test_concerns_set_aside_are_dropped() -> None:
    heard = ins({"price": 0.75, "not_interested": 0.64, "skepticism": 0.8})
    out = reconcile(heard, Outright(set_aside=frozenset({"price", "not_interested"})))
    assert [s.label for s in out.objections] == ["skepticism"]


@pytest.mark.parametrize(
    ("lang", "text", "curt"),
    [
        ("en", "count me out", True),
        ("en", "yeah no, not happening", True),
        ("en", "hard pass", True),
        ("es", "ni de coña", True),
        ("es", "ni en pedo, loco", True),
        ("es", "nel, gracias", True),
        ("es", "qué va, eso no es pa' mí", True),
        # a bare "no" answers a question as often as it refuses
        ("en", "no", False),
        ("es", "no", False),
        # "no way!" is surprise too
        ("en", "no way", False),
        # a refusal with a reason is for the models to read
        ("en", "no thanks, it's way too expensive for me", False),
        ("en", "i'm not interested in anything that takes three sessions a week", False),
        ("es", "ni loco pago eso, está carísimo", False),
    ],
)
def test_refuses(lang: Lang, text: str, curt: bool) -> None:
    assert refuses(text, lang) is curt


def test_a_curt_refusal_is_not_interested() -> None:
    out = reconcile(ins({"not_interested": 0.2, "price": 0.1}), Outright(refuses=True))
    assert {s.label: s.p for s in out.objections} == {"price": 0.1, "not_interested": REFUSAL_P}
    sure = reconcile(ins({"not_interested": 0.97}), Outright(refuses=True))
    assert {s.label: s.p for s in sure.objections} == {"not_interested": 0.97}


@pytest.mark.parametrize(
    ("lang", "text", "no_room"),
    [
        # travel told with its toll is the reason for calling (journeys/en/approval_assistant)
        ("en", "I travel constantly and my sleep is a mess. Jet lag every single week.", False),
        ("en", "I just don't have time for this", True),
        ("en", "I can't fit three sessions a week", True),
        ("en", "I'm on a plane twice a week and I genuinely don't have a spare hour.", True),
        ("es", "no tengo ni una hora libre", True),
        ("es", "no tengo tiempo para nada", True),
        ("es", "viajo mucho y duermo fatal", False),
        ("en", "i'm constantly in meetings and my calendar's a mess", True),
        ("en", "i am too drained after work to fit in a program", True),
        ("es", "mi agenda cambia todo el tiempo", True),
        ("es", "no me queda ni un minuto", True),
        # strain told as the reason for calling leaves room
        ("en", "long hours at the office have me stressed out", False),
        ("es", "trabajo doce horas diarias y vivo agotada", False),
        ("en", "i'm burned out and my calendar is packed", True),
        ("en", "i have zero free time", True),
        ("es", "estoy agotado y tengo la agenda llena", True),
        ("es", "apenas tengo tiempo", True),
        ("en", "time is no problem", False),
        ("es", "el trabajo me tiene quemado", False),
    ],
)
def test_leaves_no_room(lang: Lang, text: str, no_room: bool) -> None:
    assert leaves_no_room(text, lang) is no_room
