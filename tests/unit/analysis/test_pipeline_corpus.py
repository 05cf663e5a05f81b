"""Regression corpus for the analysis the server runs on every customer turn.

``test_rules_corpus`` checks the rule analysers alone. This corpus goes through the
server's own path: the analysers ``voice_agent.services.load_analysers`` picks (the
bundled champion models, which read the rule scores as features), then the
``Orchestrator.prepare`` step that reconciles them with what was said outright, on the
first customer turn after the greeting. Each row names every objection (``o:``) and need
(``n:``) the turn must end up with, and no other (the buying signal is not checked here).

The rows are grouped by the error kinds seen on held-out data (issue 13), each in English
and in Spanish (Mexico, Spain, Rioplatense, Caribbean, Andean, and en/es code-switching):

- ``dismiss``: money or time named in order to set it aside is no objection;
- ``question``: a neutral question about price, schedule or session length is none either;
- ``two``: both objections of a sentence that carries two;
- ``refusal``: curt refusals and regional slang for "no way" are ``not_interested``;
- ``strain``: stress, exhaustion or lack of sleep is a need, not a ``time`` objection;
- ``doubt``: doubt about the method, one's age or genes, or an automated agent is
  ``skepticism``.

Written for these tests; not taken from any evaluation set.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.labels import Lang
from voice_agent.core.types import Insights
from voice_agent.services import Services, build_services
from voice_agent.settings import Settings

#: (kind, language, customer turn, expected labels)
CORPUS: list[tuple[str, Lang, str, str]] = [
    # -- dismiss ------------------------------------------------------------------------
    ("dismiss", "en", "money isn't really the problem for me", ""),
    ("dismiss", "en", "the price is fine, that's not what worries me", ""),
    ("dismiss", "en", "cost is not a concern, we can afford it", ""),
    ("dismiss", "en", "honestly i'm not worried about what it costs", ""),
    ("dismiss", "en", "time's not an issue, i work from home", ""),
    ("dismiss", "en", "i've got plenty of free time since i retired", ""),
    ("dismiss", "en", "i can make the time, that's no problem", ""),
    ("dismiss", "en", "price seems fair for what you get", ""),
    (
        "dismiss",
        "en",
        "it's not about the money, i just don't believe these programs work",
        "o:skepticism",
    ),
    ("dismiss", "en", "the budget's there, i just need to run it by my wife", "o:needs_approval"),
    ("dismiss", "es", "el dinero no es problema", ""),
    ("dismiss", "es", "el precio está bien, me parece justo", ""),
    ("dismiss", "es", "no me preocupa lo que cuesta", ""),
    ("dismiss", "es", "tiempo tengo de sobra, ya estoy jubilado", ""),
    ("dismiss", "es", "la plata no es el tema, che", ""),
    ("dismiss", "es", "lo de la lana no es bronca", ""),
    ("dismiss", "es", "de pasta voy bien, eso no me preocupa", ""),
    ("dismiss", "es", "horario tengo, eso no es problema", ""),
    ("dismiss", "es", "no es por el precio, es que no me fío de estas cosas", "o:skepticism"),
    (
        "dismiss",
        "es",
        "la plata está, pero tengo que consultarlo con mi marido",
        "o:needs_approval",
    ),
    ("dismiss", "es", "el price está fine, no hay problema", ""),
    # -- question -----------------------------------------------------------------------
    ("question", "en", "how much does the program cost per month", ""),
    ("question", "en", "what's the price for three months", ""),
    ("question", "en", "how long is each session", ""),
    ("question", "en", "what times are the sessions", ""),
    ("question", "en", "can i do sessions in the evening?", ""),
    ("question", "en", "how many hours a week does it take", ""),
    ("question", "en", "do the coaches work on weekends", ""),
    ("question", "en", "and how long does the whole program last", ""),
    ("question", "en", "how much time would i need to put in each day?", ""),
    ("question", "es", "¿cuánto cuesta al mes?", ""),
    ("question", "es", "y el precio cuánto sería", ""),
    ("question", "es", "¿cuánto dura cada sesión?", ""),
    ("question", "es", "¿a qué hora son las sesiones?", ""),
    ("question", "es", "cuántas horas a la semana le tendría que dedicar", ""),
    ("question", "es", "¿las sesiones son en la mañana o en la tarde?", ""),
    ("question", "es", "¿y cuánto sale por mes?", ""),
    ("question", "es", "¿qué valor tiene el programa?", ""),
    ("question", "es", "¿cuánto vale el plan de tres meses?", ""),
    ("question", "es", "¿cuánto es el fee mensual?", ""),
    ("question", "es", "¿y los horarios cómo son, se puede los sábados?", ""),
    # -- two ----------------------------------------------------------------------------
    (
        "two",
        "en",
        "it's way too expensive and honestly i doubt it would even work for me",
        "o:price,o:skepticism",
    ),
    (
        "two",
        "en",
        "that's a lot of money for something that probably won't work",
        "o:price,o:skepticism",
    ),
    (
        "two",
        "en",
        "i can't afford it and i'm not convinced coaching works anyway",
        "o:price,o:skepticism",
    ),
    (
        "two",
        "en",
        "for that kind of money i'd want a guarantee, i've been burned before",
        "o:price,o:skepticism",
    ),
    (
        "two",
        "en",
        "i don't have time for this and i already have a trainer",
        "o:has_alternative,o:time",
    ),
    (
        "two",
        "en",
        "my schedule is packed and i already do crossfit three times a week",
        "o:has_alternative,o:time",
    ),
    (
        "two",
        "en",
        "between work and travel i'm never home, plus i've got my peloton",
        "o:has_alternative,o:time",
    ),
    ("two", "es", "está carísimo y además no creo que funcione", "o:price,o:skepticism"),
    ("two", "es", "es mucha plata para algo que no sé si sirve", "o:price,o:skepticism"),
    (
        "two",
        "es",
        "está muy caro, y la verdad no me fío de estas cosas",
        "o:price,o:skepticism",
    ),
    ("two", "es", "me sale muy caro y dudo que me funcione", "o:price,o:skepticism"),
    ("two", "es", "no tengo tiempo y ya voy al gimnasio", "o:has_alternative,o:time"),
    (
        "two",
        "es",
        "curro de sol a sol y ya tengo un entrenador personal",
        "o:has_alternative,o:time",
    ),
    (
        "two",
        "es",
        "no me da el tiempo y además ya sigo una rutina en una app",
        "o:has_alternative,o:time",
    ),
    (
        "two",
        "es",
        "ando hasta el tope de chamba y ya tengo quien me entrene",
        "o:has_alternative,o:time",
    ),
    # -- refusal ------------------------------------------------------------------------
    ("refusal", "en", "nah", "o:not_interested"),
    ("refusal", "en", "nope, not for me", "o:not_interested"),
    ("refusal", "en", "hard pass", "o:not_interested"),
    ("refusal", "en", "thanks but no thanks", "o:not_interested"),
    ("refusal", "en", "no way, forget it", "o:not_interested"),
    ("refusal", "en", "count me out", "o:not_interested"),
    ("refusal", "en", "not interested, bye", "o:not_interested"),
    ("refusal", "en", "yeah no, not happening", "o:not_interested"),
    ("refusal", "es", "nel, gracias", "o:not_interested"),
    ("refusal", "es", "ni madres, eso no es para mí", "o:not_interested"),
    ("refusal", "es", "ni de coña", "o:not_interested"),
    ("refusal", "es", "paso, gracias", "o:not_interested"),
    ("refusal", "es", "ni en pedo, loco", "o:not_interested"),
    ("refusal", "es", "no, dejá, no me interesa", "o:not_interested"),
    ("refusal", "es", "qué va, mi hermano, eso no es pa' mí", "o:not_interested"),
    ("refusal", "es", "no, no, tranquilo, yo no estoy en eso", "o:not_interested"),
    ("refusal", "es", "ya, no, gracias joven, no necesito", "o:not_interested"),
    ("refusal", "es", "no pe, no me interesa", "o:not_interested"),
    ("refusal", "es", "nah, paso", "o:not_interested"),
    ("refusal", "es", "sorry pero no, not interested", "o:not_interested"),
    ("refusal", "es", "ni loco, bro", "o:not_interested"),
    # -- strain -------------------------------------------------------------------------
    ("strain", "en", "i'm exhausted all the time", "n:energy"),
    ("strain", "en", "i barely sleep, maybe four hours a night", "n:stress"),
    ("strain", "en", "work has me completely burned out", "n:stress"),
    ("strain", "en", "i'm so stressed with work i can't think straight", "n:energy,n:stress"),
    ("strain", "en", "i'm wiped out every night after work", "n:energy"),
    ("strain", "en", "long hours at the office have me stressed out", "n:stress"),
    ("strain", "en", "i haven't had a decent night's sleep in months", "n:stress"),
    ("strain", "en", "i'm working sixty hour weeks and i'm completely drained", "n:energy"),
    ("strain", "es", "estoy agotado todo el tiempo", "n:energy"),
    ("strain", "es", "casi no duermo, cuatro horas por noche", "n:stress"),
    ("strain", "es", "el trabajo me tiene quemado", "n:stress"),
    ("strain", "es", "ando bien estresado con la chamba", "n:stress"),
    ("strain", "es", "llego reventado del curro todos los días", "n:energy"),
    ("strain", "es", "no pego un ojo en toda la noche por el laburo", "n:stress"),
    ("strain", "es", "trabajo doce horas diarias y vivo agotada", "n:energy"),
    ("strain", "es", "estoy super stressed con el trabajo", "n:stress"),
    ("strain", "es", "ando muerto de cansancio todo el día", "n:energy"),
    # -- doubt --------------------------------------------------------------------------
    (
        "doubt",
        "en",
        "i don't think a coach on the phone can change my habits",
        "o:skepticism",
    ),
    ("doubt", "en", "am i too old for this kind of thing", "o:skepticism"),
    ("doubt", "en", "at sixty two i doubt my body will respond", "o:skepticism"),
    (
        "doubt",
        "en",
        "bad genes, my whole family is like this, no program is going to fix that",
        "o:skepticism",
    ),
    ("doubt", "en", "wait, am i talking to a robot?", "o:skepticism"),
    ("doubt", "en", "i'm not taking health advice from a machine", "o:skepticism"),
    ("doubt", "en", "how would an ai know what my body needs", "o:skepticism"),
    ("doubt", "en", "i don't really buy into this habit coaching approach", "o:skepticism"),
    ("doubt", "es", "no creo que ese método funcione conmigo", "o:skepticism"),
    ("doubt", "es", "a mi edad ya no creo que el cuerpo cambie", "o:skepticism"),
    ("doubt", "es", "en mi familia todos somos así, es genético", "o:skepticism"),
    ("doubt", "es", "¿estoy hablando con una máquina?", "o:skepticism"),
    ("doubt", "es", "no le voy a contar mis cosas a un robot", "o:skepticism"),
    ("doubt", "es", "no me convence eso de entrenar por videollamada", "o:skepticism"),
    ("doubt", "es", "con sesenta años ya estoy grande para estas cosas", "o:skepticism"),
    ("doubt", "es", "eso de la inteligencia artificial no me da confianza", "o:skepticism"),
    ("doubt", "es", "tengo mis dudas con ese método, parce", "o:skepticism"),
    ("doubt", "es", "is this a bot? porque no quiero hablar con una máquina", "o:skepticism"),
]


#: Rows the bundled champion still gets wrong: its n-grams, not the rules or reconcile
#: ("months" reads as ``event_prep``; twelve-hour days and exhaustion read as ``stress``
#: too). Strict: a model that gets them right fails these marks, and they go.
KNOWN_MISSES: dict[tuple[Lang, str], str] = {
    ("en", "what's the price for three months"): "the model reads 'months' as event_prep",
    ("en", "i haven't had a decent night's sleep in months"): (
        "the model reads 'months' as event_prep"
    ),
    ("es", "trabajo doce horas diarias y vivo agotada"): "the model adds stress (p 0.53)",
}


def _rows() -> list[object]:
    out: list[object] = []
    for kind, lang, text, expected in CORPUS:
        miss = KNOWN_MISSES.get((lang, text))
        marks = [pytest.mark.xfail(strict=True, reason=miss)] if miss else []
        out.append(
            pytest.param(kind, lang, text, expected, marks=marks, id=f"{kind}-{lang}-{text}")
        )
    return out


async def _first_turns(svc: Services) -> dict[tuple[Lang, str], Insights]:
    """Each corpus turn as the first customer turn of its own call, after the greeting."""
    orch = svc.orchestrator
    await svc.store.open()
    try:
        out: dict[tuple[Lang, str], Insights] = {}
        for _, lang, text, _ in CORPUS:
            conv = await orch.create(lang=lang)
            await orch.greet(conv)
            prepared = await orch.prepare(conv, text)
            out[(lang, text)] = prepared.insights
        return out
    finally:
        await svc.store.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[tuple[Lang, str], Insights]]:
    data_dir: Path = tmp_path_factory.mktemp("pipeline") / "data"
    settings = Settings(
        data_dir=data_dir,
        api_keys="corpus-key",
        speech=False,
        analysers="models",
        models_dir=None,
        # Generous: a model that misses the deadline would be replaced by the rules, and
        # this corpus is about what the models say.
        analysis_deadline_ms=30_000.0,
    )
    svc = build_services(settings)
    try:
        assert svc.model_version is not None and not svc.model_errors, svc.model_errors
        yield asyncio.run(_first_turns(svc))
    finally:
        svc.workers.shutdown(wait=True)


def _labels(ins: Insights) -> set[str]:
    return {f"o:{s.label}" for s in ins.objections if s.p >= DETECTION_THRESHOLD} | {
        f"n:{s.label}" for s in ins.needs if s.p >= DETECTION_THRESHOLD
    }


def test_corpus_is_balanced() -> None:
    """At least six turns of every kind in each language, no duplicates."""
    keys = [(lang, text) for _, lang, text, _ in CORPUS]
    assert len(keys) == len(set(keys))
    for kind in ("dismiss", "question", "two", "refusal", "strain", "doubt"):
        for lang in ("en", "es"):
            assert sum(1 for k, lg, _, _ in CORPUS if (k, lg) == (kind, lang)) >= 6, (kind, lang)


@pytest.mark.parametrize(("kind", "lang", "text", "expected"), _rows())
def test_served_turn_labels(
    served: dict[tuple[Lang, str], Insights], kind: str, lang: Lang, text: str, expected: str
) -> None:
    ins = served[(lang, text)]
    assert ins.fallbacks == (), f"the rules stood in for {ins.fallbacks}"
    want = set(expected.split(",")) - {""}
    assert _labels(ins) == want, {s.label: round(s.p, 2) for s in (*ins.objections, *ins.needs)}
