"""Tests for the rule-based analysers (voice_agent.analysis.rules)."""

from __future__ import annotations

import itertools
import random
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from voice_agent.analysis.base import (
    AnalyserSet,
    BuyingSignalAnalyser,
    ConversionAnalyser,
    LabelAnalyser,
)
from voice_agent.analysis.rules import (
    P_NEGATED,
    P_NONE,
    RuleBuyingSignal,
    RuleConversion,
    RuleNeeds,
    RuleObjections,
    rule_analysers,
)
from voice_agent.core.labels import NEEDS, OBJECTIONS, Lang
from voice_agent.core.types import (
    AnalysisInput,
    BuyingSignal,
    Insights,
    LabelScore,
    Utterance,
)

OBJ = RuleObjections()
NEED = RuleNeeds()
BUY = RuleBuyingSignal()
CONV = RuleConversion()


def objections(text: str, lang: Lang) -> dict[str, float]:
    return dict(OBJ.predict(AnalysisInput(text=text, lang=lang)))


def needs(text: str, lang: Lang) -> dict[str, float]:
    return dict(NEED.predict(AnalysisInput(text=text, lang=lang)))


def buying(text: str, lang: Lang) -> BuyingSignal:
    return BUY.predict(AnalysisInput(text=text, lang=lang))


def detected(scores: dict[str, float]) -> set[str]:
    return {label for label, p in scores.items() if p >= 0.5}


# --- objections: one case per label per language, several phrasings ---------------------

OBJECTION_CASES: list[tuple[Lang, str, str]] = [
    # price
    ("en", "that's way more than I was planning to spend", "price"),
    ("en", "honestly it's a bit pricey for me", "price"),
    ("en", "we're kinda tight this quarter", "price"),
    ("en", "there's just no budget for this right now", "price"),
    ("en", "i really cant afford something like that", "price"),
    ("en", "how much?? that's a lot", "price"),
    ("en", "money's been really tight since the layoffs", "price"),
    ("en", "that price is pretty steep", "price"),
    ("es", "uy no, está carísimo", "price"),
    ("es", "la verdad no me alcanza", "price"),
    ("es", "ando corto de lana este mes", "price"),
    ("es", "no tengo plata para eso", "price"),
    ("es", "che, la guita no me da", "price"),
    ("es", "es mucha pasta para mí", "price"),
    ("es", "se me hace muy caro", "price"),
    ("es", "eso está fuera de mi presupuesto", "price"),
    # time
    ("en", "my calendar is a mess", "time"),
    ("en", "I travel every week for work", "time"),
    ("en", "I just don't have the time for this", "time"),
    ("en", "I can't fit three sessions a week with my travel", "time"),
    ("en", "i'm slammed with back to back meetings", "time"),
    ("en", "where would I even find the time", "time"),
    ("es", "no tengo tiempo para nada", "time"),
    ("es", "la agenda la tengo llenísima, bueno, llena", "time"),
    ("es", "ando a mil con la chamba", "time"),
    ("es", "con el curro no me da la vida", "time"),
    ("es", "me la paso viajando", "time"),
    ("es", "estoy full de trabajo", "time"),
    ("es", "tengo mucho laburo estos meses", "time"),
    # think_it_over
    ("en", "let me think about it", "think_it_over"),
    ("en", "I'll get back to you", "think_it_over"),
    ("en", "just send me an email with the details", "think_it_over"),
    ("en", "maybe next month", "think_it_over"),
    ("en", "I need to sleep on it", "think_it_over"),
    ("en", "call me back after the holidays", "think_it_over"),
    ("es", "lo voy a pensar", "think_it_over"),
    ("es", "déjame pensarlo y te aviso", "think_it_over"),
    ("es", "mándame la información por whatsapp", "think_it_over"),
    ("es", "ahorita no, mejor más adelante", "think_it_over"),
    ("es", "llámame la otra semana", "think_it_over"),
    ("es", "lo consulto con la almohada", "think_it_over"),
    # skepticism
    ("en", "these programs never work for me", "skepticism"),
    ("en", "sounds too good to be true", "skepticism"),
    ("en", "I've tried everything and nothing sticks", "skepticism"),
    ("en", "how do I know this will actually work", "skepticism"),
    ("en", "I'm pretty skeptical of online coaching", "skepticism"),
    ("es", "no creo que funcione conmigo", "skepticism"),
    ("es", "ya probé de todo y nada me funciona", "skepticism"),
    ("es", "eso suena a puro cuento", "skepticism"),
    ("es", "no me convence mucho la verdad", "skepticism"),
    ("es", "todos dicen lo mismo", "skepticism"),
    # has_alternative
    ("en", "I already have a personal trainer", "has_alternative"),
    ("en", "I just use YouTube videos", "has_alternative"),
    ("en", "I prefer to train on my own", "has_alternative"),
    ("en", "my company already offers a wellness program", "has_alternative"),
    ("en", "I go to the gym four times a week", "has_alternative"),
    ("es", "ya tengo entrenador", "has_alternative"),
    ("es", "voy al gimnasio todos los días", "has_alternative"),
    ("es", "entreno por mi cuenta", "has_alternative"),
    ("es", "mi nutrióloga ya me tiene con una dieta", "has_alternative"),
    ("es", "hago crossfit tres veces por semana", "has_alternative"),
    # needs_approval
    ("en", "I need to talk to my wife first", "needs_approval"),
    ("en", "I'd have to run it by my boss", "needs_approval"),
    ("en", "HR has to approve it", "needs_approval"),
    ("en", "my husband handles the finances", "needs_approval"),
    ("en", "let me check with my doctor", "needs_approval"),
    ("es", "tengo que hablarlo con mi esposa", "needs_approval"),
    ("es", "lo tengo que consultar con mi señora", "needs_approval"),
    ("es", "mi jefe tiene que aprobarlo", "needs_approval"),
    ("es", "primero tengo que ver qué dice mi marido", "needs_approval"),
    ("es", "necesito el visto bueno de recursos humanos", "needs_approval"),
    # not_interested
    ("en", "I'm not interested", "not_interested"),
    ("en", "this isn't for me", "not_interested"),
    ("en", "stop calling me", "not_interested"),
    ("en", "I'm fine as I am, thanks", "not_interested"),
    ("en", "no thanks, I'll pass", "not_interested"),
    ("es", "no me interesa", "not_interested"),
    ("es", "no gracias", "not_interested"),
    ("es", "estoy bien así, gracias", "not_interested"),
    ("es", "no me vuelvan a llamar", "not_interested"),
    ("es", "eso no es para mí", "not_interested"),
]


@pytest.mark.parametrize(("lang", "text", "label"), OBJECTION_CASES)
def test_objection_detected(lang: Lang, text: str, label: str) -> None:
    scores = objections(text, lang)
    assert scores[label] >= 0.5, scores


# Phone speech: lowercase, no punctuation, fillers, no accents.
STT_CASES: list[tuple[Lang, str, str]] = [
    ("en", "um yeah so uh i dont really have the budget for that", "price"),
    ("en", "uh i mean its kinda expensive you know", "price"),
    ("en", "um let me like think about it", "think_it_over"),
    ("es", "este o sea no tengo tiempo", "time"),
    ("es", "pues la verdad esta carisimo", "price"),
    ("es", "eh no se o sea tengo que hablarlo con mi esposa", "needs_approval"),
    ("es", "mmm dejame pensarlo", "think_it_over"),
]


@pytest.mark.parametrize(("lang", "text", "label"), STT_CASES)
def test_phone_speech(lang: Lang, text: str, label: str) -> None:
    assert objections(text, lang)[label] >= 0.5


REGIONAL_CASES: list[tuple[str, str, str]] = [
    ("mx", "ahorita no traigo lana", "price"),
    ("mx", "la neta está muy caro, no me alcanza", "price"),
    ("mx", "tengo un chorro de chamba, no me da el tiempo", "time"),
    ("mx", "lo platico con mi vieja y te aviso", "needs_approval"),
    ("co", "estoy pelado, no tengo plata", "price"),
    ("co", "eso sale muy caro", "price"),
    ("ar", "no tengo un mango, che", "price"),
    ("ar", "tengo mucho laburo", "time"),
    ("ar", "es un chamuyo", "skepticism"),
    ("es", "no tengo pasta ahora mismo", "price"),
    ("es", "con el curro estoy a tope", "time"),
    ("es", "vale, pero tengo que consultarlo con mi mujer", "needs_approval"),
]


@pytest.mark.parametrize(("region", "text", "label"), REGIONAL_CASES)
def test_regional_spanish(region: str, text: str, label: str) -> None:
    assert objections(text, "es")[label] >= 0.5, (region, objections(text, "es"))


CODE_SWITCH_CASES: list[tuple[str, str]] = [
    ("no tengo budget para eso", "price"),
    ("mi schedule está full", "time"),
    ("ya tengo un personal trainer", "has_alternative"),
    ("es muy expensive para mí", "price"),
    ("lo voy a think about it", "think_it_over"),
    ("tengo que hablar con mi boss", "needs_approval"),
]


@pytest.mark.parametrize(("text", "label"), CODE_SWITCH_CASES)
def test_code_switching(text: str, label: str) -> None:
    assert objections(text, "es")[label] >= 0.5, objections(text, "es")


# --- negation ----------------------------------------------------------------------------

NEGATION_CASES: list[tuple[Lang, str, str]] = [
    ("en", "it's not about the money", "price"),
    ("en", "money isn't really the issue", "price"),
    ("en", "it's not expensive at all", "price"),
    ("en", "it's not that I can't afford it", "price"),
    ("en", "I'm not worried about time", "time"),
    ("en", "I'm not that busy actually", "time"),
    ("en", "time is not a problem for me", "time"),
    ("en", "I don't need to ask my wife, it's my decision", "needs_approval"),
    ("en", "I don't have a trainer", "has_alternative"),
    ("en", "it's not that I'm not interested", "not_interested"),
    ("en", "no need to think about it", "think_it_over"),
    ("es", "no es por el dinero", "price"),
    ("es", "el precio no es problema", "price"),
    ("es", "no es caro", "price"),
    ("es", "no me preocupa el tiempo", "time"),
    ("es", "no estoy tan ocupado", "time"),
    ("es", "no tengo que consultarlo con nadie", "needs_approval"),
    ("es", "no tengo entrenador", "has_alternative"),
    ("es", "no es que no me interese", "not_interested"),
]


@pytest.mark.parametrize(("lang", "text", "label"), NEGATION_CASES)
def test_negation_cancels(lang: Lang, text: str, label: str) -> None:
    scores = objections(text, lang)
    assert scores[label] < 0.5, scores
    assert scores[label] in (P_NEGATED, P_NONE)


def test_negated_cue_scores_lower_than_nothing_found_is_not_required_but_distinct() -> None:
    assert objections("it's not about the money", "en")["price"] == P_NEGATED
    assert objections("hello there", "en")["price"] == P_NONE


def test_negation_of_one_label_keeps_the_other() -> None:
    en = objections("it's not about the money, I just don't have time", "en")
    assert en["price"] < 0.5 and en["time"] >= 0.5
    es = objections("no es por el dinero, es que no tengo tiempo", "es")
    assert es["price"] < 0.5 and es["time"] >= 0.5


def test_interjection_no_does_not_negate_a_negative_phrase() -> None:
    assert objections("no, no tengo tiempo", "es")["time"] >= 0.5
    assert objections("no no me alcanza", "es")["price"] >= 0.5
    assert objections("no, I can't afford it", "en")["price"] >= 0.5


# --- questions that are not objections ---------------------------------------------------

QUESTION_CASES: list[tuple[Lang, str]] = [
    ("en", "how much is it?"),
    ("en", "what does it cost per month"),
    ("en", "is it expensive?"),
    ("en", "how many sessions a week would I need"),
    ("en", "what kind of results do people usually see?"),
    ("en", "do you work with people who travel?"),
    ("es", "¿cuánto cuesta?"),
    ("es", "cuanto sale al mes"),
    ("es", "¿es caro?"),
    ("es", "¿cuántas sesiones son por semana?"),
    ("es", "¿qué incluye el programa?"),
]


@pytest.mark.parametrize(("lang", "text"), QUESTION_CASES)
def test_plain_questions_are_not_objections(lang: Lang, text: str) -> None:
    assert detected(objections(text, lang)) == set(), objections(text, lang)


def test_question_then_objection() -> None:
    assert objections("how much?? that's a lot", "en")["price"] >= 0.5
    assert objections("¿cuánto? uf, es mucho dinero", "es")["price"] >= 0.5
    assert objections("why is it so expensive?", "en")["price"] >= 0.5


# --- several labels in one turn ------------------------------------------------------------

MULTI_CASES: list[tuple[Lang, str, set[str]]] = [
    (
        "en",
        "it's too expensive and honestly I need to talk to my wife first",
        {"price", "needs_approval"},
    ),
    (
        "en",
        "I'm swamped at work and I already have a trainer anyway",
        {"time", "has_alternative"},
    ),
    (
        "en",
        "I've been burned before, send me some info and I'll look at it",
        {"skepticism", "think_it_over"},
    ),
    ("es", "es muy caro y además no tengo tiempo", {"price", "time"}),
    (
        "es",
        "lo tengo que hablar con mi esposo, mándame la información",
        {"needs_approval", "think_it_over"},
    ),
]


@pytest.mark.parametrize(("lang", "text", "labels"), MULTI_CASES)
def test_multi_label(lang: Lang, text: str, labels: set[str]) -> None:
    assert labels <= detected(objections(text, lang)), objections(text, lang)


NEUTRAL_CASES: list[tuple[Lang, str]] = [
    ("en", "I'm forty five and I run a small architecture firm"),
    ("en", "yeah that makes sense"),
    ("en", "I have two kids and a dog"),
    ("es", "tengo cuarenta años y trabajo en un banco"),
    ("es", "sí, entiendo"),
    ("es", "vivo en Monterrey con mi familia"),
]


@pytest.mark.parametrize(("lang", "text"), NEUTRAL_CASES)
def test_neutral_statements_have_no_objection(lang: Lang, text: str) -> None:
    assert detected(objections(text, lang)) == set(), objections(text, lang)


# TAXONOMY: a heavy workload told as the reason for calling is a need, not a time objection
WORKLOAD_NEED_CASES: list[tuple[Lang, str]] = [
    ("en", "I can't sleep and work is killing me"),
    ("en", "work has been absolutely crazy lately"),
    ("en", "my job is crushing me"),
]


@pytest.mark.parametrize(("lang", "text"), WORKLOAD_NEED_CASES)
def test_workload_complaint_is_a_stress_need_not_a_time_objection(lang: Lang, text: str) -> None:
    assert "time" not in detected(objections(text, lang)), objections(text, lang)
    assert "stress" in detected(needs(text, lang)), needs(text, lang)


# --- needs ----------------------------------------------------------------------------------

NEED_CASES: list[tuple[Lang, str, str]] = [
    ("en", "I want to drop about twenty pounds", "weight_loss"),
    ("en", "I've put on a lot of weight since covid", "weight_loss"),
    ("en", "my jeans don't fit anymore", "weight_loss"),
    ("en", "I'd like to build some muscle", "muscle_gain"),
    ("en", "I want to get stronger", "muscle_gain"),
    ("en", "my doctor is worried about my cholesterol", "health"),
    ("en", "I'm prediabetic", "health"),
    ("en", "I want to be around to see my kids grow up", "health"),
    ("en", "I'm super stressed at work", "stress"),
    ("en", "I wake up at 3am and can't get back to sleep", "stress"),
    ("en", "I feel burned out", "stress"),
    ("en", "I'm exhausted by two in the afternoon", "energy"),
    ("en", "I have zero energy", "energy"),
    ("en", "I can't focus in meetings anymore", "energy"),
    ("en", "I'm running a half marathon in april", "event_prep"),
    ("en", "I want to look good for my wedding", "event_prep"),
    ("en", "I'm recovering from knee surgery", "rehab"),
    ("en", "I have chronic lower back pain", "rehab"),
    ("en", "I had a baby six months ago and want to get my core back", "rehab"),
    ("es", "quiero bajar de peso", "weight_loss"),
    ("es", "me sobran unos kilos", "weight_loss"),
    ("es", "quiero quitarme la panza", "weight_loss"),
    ("es", "quiero ganar masa muscular", "muscle_gain"),
    ("es", "quiero tonificar", "muscle_gain"),
    ("es", "tengo la presión alta", "health"),
    ("es", "el médico me dijo que tengo prediabetes", "health"),
    ("es", "ando muy estresado", "stress"),
    ("es", "no duermo bien", "stress"),
    ("es", "tengo mucha ansiedad", "stress"),
    ("es", "estoy agotado todo el día", "energy"),
    ("es", "no tengo energía", "energy"),
    ("es", "no me puedo concentrar", "energy"),
    ("es", "me caso en junio", "event_prep"),
    ("es", "quiero prepararme para un maratón", "event_prep"),
    ("es", "me operaron de la rodilla", "rehab"),
    ("es", "tengo una hernia de disco", "rehab"),
    ("es", "me duele mucho la espalda", "rehab"),
]


@pytest.mark.parametrize(("lang", "text", "label"), NEED_CASES)
def test_need_detected(lang: Lang, text: str, label: str) -> None:
    scores = needs(text, lang)
    assert scores[label] >= 0.5, scores


NEED_NEGATION_CASES: list[tuple[Lang, str, str]] = [
    ("en", "I don't need to lose weight", "weight_loss"),
    ("en", "it's not about losing weight for me", "weight_loss"),
    ("en", "I sleep fine", "stress"),
    ("en", "I've never had any injuries", "rehab"),
    ("es", "no necesito bajar de peso", "weight_loss"),
    ("es", "nunca he tenido lesiones", "rehab"),
]


@pytest.mark.parametrize(("lang", "text", "label"), NEED_NEGATION_CASES)
def test_need_negation(lang: Lang, text: str, label: str) -> None:
    assert needs(text, lang)[label] < 0.5


def test_multi_need() -> None:
    assert {"weight_loss", "event_prep"} <= detected(
        needs("I want to lose fifteen pounds before my daughter's wedding", "en")
    )
    assert {"stress", "energy"} <= detected(needs("estoy muy estresada y sin energía", "es"))


def test_sleep_on_it_is_not_a_sleep_need() -> None:
    assert needs("let me sleep on it", "en")["stress"] < 0.5


# --- buying signal ---------------------------------------------------------------------------

BUY_CASES: list[tuple[Lang, str]] = [
    ("en", "ok let's do it"),
    ("en", "how do I sign up?"),
    ("en", "when can we start"),
    ("en", "do you take amex"),
    ("en", "sure, book me in for the free trial"),
    ("en", "sign me up"),
    ("en", "send me the payment link"),
    ("en", "what are the next steps"),
    ("en", "yes let's book the call for thursday"),
    ("en", "I'm in"),
    ("es", "dale"),
    ("es", "va"),
    ("es", "¿cómo pago?"),
    ("es", "¿cuándo empezamos?"),
    ("es", "vale, me apunto"),
    ("es", "hagámoslo"),
    ("es", "¿aceptan tarjeta de crédito?"),
    ("es", "pásame el link de pago"),
    ("es", "agendemos la llamada"),
    ("es", "sí, quiero empezar el lunes"),
    ("es", "de una, ¿cómo me inscribo?"),
    ("es", "sale, ¿dónde pago?"),
]


@pytest.mark.parametrize(("lang", "text"), BUY_CASES)
def test_buying_signal(lang: Lang, text: str) -> None:
    sig = buying(text, lang)
    assert sig.value and sig.p >= 0.5, sig


NOT_BUY_CASES: list[tuple[Lang, str]] = [
    ("en", "how much is it?"),
    ("en", "I'm not ready to sign up"),
    ("en", "before I sign up I need to talk to my wife"),
    ("en", "let me think about it"),
    ("en", "I'm not interested"),
    ("en", "I have two kids"),
    ("en", "sounds good but I need to check with my husband first"),
    ("es", "¿cuánto cuesta?"),
    ("es", "todavía no quiero inscribirme"),
    ("es", "lo voy a pensar"),
    ("es", "va a estar difícil"),
    ("es", "la vida va muy rápido"),
    ("es", "ya tengo entrenador"),
]


@pytest.mark.parametrize(("lang", "text"), NOT_BUY_CASES)
def test_not_a_buying_signal(lang: Lang, text: str) -> None:
    sig = buying(text, lang)
    assert not sig.value and sig.p < 0.5, sig


# --- probabilities and contract ---------------------------------------------------------------

SAMPLE_TEXTS: list[tuple[Lang, str]] = [
    *[(lang, text) for lang, text, _ in OBJECTION_CASES],
    *[(lang, text) for lang, text, _ in NEED_CASES],
    *BUY_CASES,
    *NEUTRAL_CASES,
    ("en", ""),
    ("es", ""),
    ("en", "???"),
    ("es", "🙂 ok 🙂"),
    ("en", "x" * 5000),
]


@pytest.mark.parametrize(("lang", "text"), SAMPLE_TEXTS[::3])
def test_every_label_present_with_probability_in_range(lang: Lang, text: str) -> None:
    o = objections(text, lang)
    n = needs(text, lang)
    assert set(o) == set(OBJECTIONS)
    assert set(n) == set(NEEDS)
    for p in (*o.values(), *n.values()):
        assert 0.0 < p < 1.0
    b = buying(text, lang)
    assert 0.0 < b.p < 1.0
    assert b.value == (b.p >= 0.5)


def test_probability_levels() -> None:
    strong = objections("I can't afford it", "en")["price"]
    weak = objections("that's expensive", "en")["price"]
    nothing = objections("I live in Denver", "en")["price"]
    negated = objections("it's not about the money", "en")["price"]
    assert 0.85 <= strong <= 0.95
    assert 0.55 <= weak < strong
    assert nothing == pytest.approx(0.05)
    assert negated == pytest.approx(0.1)


def test_repeated_cues_combine_but_stay_capped() -> None:
    one = objections("it's kind of pricey", "en")["price"]
    two = objections("it's kind of pricey, money is tight and I can't afford it", "en")["price"]
    assert two > one
    assert two <= 0.95


def test_protocols_and_versions() -> None:
    rs = rule_analysers()
    assert isinstance(rs, AnalyserSet)
    assert isinstance(rs.objections, LabelAnalyser)
    assert isinstance(rs.needs, LabelAnalyser)
    assert isinstance(rs.buying_signal, BuyingSignalAnalyser)
    assert isinstance(rs.conversion, ConversionAnalyser)
    assert (rs.objections.name, rs.needs.name, rs.buying_signal.name, rs.conversion.name) == (
        "objections",
        "needs",
        "buying_signal",
        "conversion",
    )
    for a in (rs.objections, rs.needs, rs.buying_signal, rs.conversion):
        assert a.version == "rules-2"


def test_thread_safe_and_deterministic() -> None:
    texts = [(lang, text) for lang, text, _ in OBJECTION_CASES]
    expected = [objections(t, lang) for lang, t in texts]

    def run(seed: int) -> list[tuple[int, dict[str, float]]]:
        rng = random.Random(seed)
        order = list(range(len(texts)))
        rng.shuffle(order)
        return [(i, objections(texts[i][1] + " ", texts[i][0])) for i in order]

    with ThreadPoolExecutor(max_workers=8) as pool:
        for results in pool.map(run, range(16)):
            for i, scores in results:
                assert scores == expected[i]


def test_fast_enough_to_be_a_fallback() -> None:
    # Not a timing assertion on the budget (benchmarks measure that); a guard that a
    # call is not pathologically slow (e.g. catastrophic regex backtracking).
    text = "um so like " * 40 + "i really dont have the time or the money for this"
    start = time.perf_counter()
    objections(text, "en")
    needs(text, "en")
    buying(text, "en")
    assert time.perf_counter() - start < 2.0


# --- conversion heuristic ---------------------------------------------------------------------


def convo(turns: list[str], lang: Lang = "en", budget: str | None = None) -> AnalysisInput:
    history: list[Utterance] = []
    for t in turns[:-1]:
        history.append(Utterance("agent", "Tell me more."))
        history.append(Utterance("customer", t))
    history.append(Utterance("agent", "What do you think?"))
    profile = {"budget": budget} if budget else {}
    return AnalysisInput(text=turns[-1], lang=lang, history=tuple(history), profile=profile)


def test_conversion_in_range_for_extremes() -> None:
    yes = convo(["I want to lose weight", "sounds great", "how do I sign up", "ok let's do it"])
    no = convo(["not interested", "I said I'm not interested", "stop calling me"])
    for inp in (yes, no):
        p = CONV.predict(inp)
        assert 0.02 < p < 0.98
    assert CONV.predict(yes) > 0.7
    assert CONV.predict(no) < 0.1


def test_conversion_monotone_in_buying_signals() -> None:
    base = ["I'm stressed and tired all the time", "tell me more"]
    ps = []
    extra = ["how do I sign up", "when can we start", "do you take amex"]
    for k in range(len(extra) + 1):
        ps.append(CONV.predict(convo([*base, *extra[:k], "ok"])))
    assert all(a < b for a, b in itertools.pairwise(ps)), ps


def test_conversion_unresolved_objections_lower_it() -> None:
    neutral = CONV.predict(convo(["I run a company", "I see"]))
    one = CONV.predict(convo(["I run a company", "it's too expensive"]))
    repeated = CONV.predict(convo(["it's too expensive", "yeah but it's really too expensive"]))
    assert one < neutral
    assert repeated < one


def test_conversion_resolved_objection_raises_it() -> None:
    open_ = CONV.predict(convo(["I want more energy", "it's too expensive"]))
    resolved = CONV.predict(
        convo(["I want more energy", "it's too expensive", "ok that makes sense, tell me more"])
    )
    assert resolved > open_


def test_conversion_think_it_over_at_the_end_lowers_it() -> None:
    engaged = ["I want to lose weight", "that sounds interesting"]
    ending_neutral = CONV.predict(convo([*engaged, "ok"]))
    ending_stall = CONV.predict(convo([*engaged, "let me think about it"]))
    assert ending_stall < ending_neutral


def test_conversion_not_interested_is_strongly_negative() -> None:
    engaged = ["I want to lose weight", "that sounds interesting"]
    assert CONV.predict(convo([*engaged, "actually I'm not interested"])) < 0.15


def test_conversion_budget_profile() -> None:
    turns = ["I want to get stronger", "sounds good"]
    low = CONV.predict(convo(turns, budget="low"))
    mid = CONV.predict(convo(turns, budget="medium"))
    high = CONV.predict(convo(turns, budget="high"))
    assert low < mid < high


def test_conversion_uses_previous_insights_when_aligned() -> None:
    def ins(buy: bool, objection: str | None = None) -> Insights:
        return Insights(
            objections=tuple(LabelScore(o, 0.9 if o == objection else 0.05) for o in OBJECTIONS),
            needs=tuple(LabelScore(n, 0.05) for n in NEEDS),
            buying_signal=BuyingSignal(buy, 0.9 if buy else 0.05),
            conversion_probability=0.3,
        )

    history = (
        Utterance("agent", "hi"),
        Utterance("customer", "hello"),
        Utterance("agent", "so?"),
        Utterance("customer", "hmm"),
    )
    # Same neutral texts, different earlier insights: the insights are what count.
    keen = AnalysisInput("ok", "en", history, previous=(ins(True), ins(True)))
    cold = AnalysisInput("ok", "en", history, previous=(ins(False, "price"), ins(False, "price")))
    assert CONV.predict(keen) > CONV.predict(cold)


def test_conversion_spanish() -> None:
    hot = CONV.predict(convo(["quiero bajar de peso", "me parece bien", "¿cómo pago?"], "es"))
    cold = CONV.predict(convo(["no me interesa", "no gracias"], "es"))
    assert hot > 0.6 > 0.2 > cold


def test_unsupported_language_is_a_clear_error() -> None:
    from voice_agent.errors import InvalidRequest

    inp = AnalysisInput(text="bonjour", lang="fr")  # type: ignore[arg-type]
    for analyser in (OBJ, NEED, BUY, CONV):
        with pytest.raises(InvalidRequest) as err:
            analyser.predict(inp)
        assert err.value.code == "unsupported_language"


SHORT_ANSWER_CASES: list[tuple[Lang, str, str]] = [
    ("en", "honestly the price", "o:price"),
    ("en", "time, mostly", "o:time"),
    ("en", "mostly my weight", "n:weight_loss"),
    ("es", "la verdad, el precio", "o:price"),
    ("es", "el tiempo", "o:time"),
    ("es", "mi peso", "n:weight_loss"),
]


@pytest.mark.parametrize(("lang", "text", "label"), SHORT_ANSWER_CASES)
def test_short_answers_to_discovery_questions(lang: Lang, text: str, label: str) -> None:
    kind, name = label.split(":")
    scores = objections(text, lang) if kind == "o" else needs(text, lang)
    assert scores[name] >= 0.5, scores


def test_short_answers_do_not_overreach() -> None:
    assert needs("weight training", "en")["weight_loss"] < 0.5
    assert needs("no tengo ni un peso", "es")["weight_loss"] < 0.5
    assert objections("the price seems fair", "en")["price"] < 0.5
