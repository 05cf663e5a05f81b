# ruff: noqa: E501
"""Writes handwritten_conversations.jsonl: short sales calls written by hand, independently
of the generator and of shared/eval, used only to compare model choices (never trained on)."""

from __future__ import annotations

import json
from pathlib import Path

A, C = "agent", "customer"
# (lang, profile, turns, converted)
CONVS: list[tuple[str, dict[str, object], list[tuple[str, str]], bool]] = [
    (
        "en",
        {"age": 48, "profession": "general counsel", "budget": "high"},
        [
            (A, "Hi Mark, it's Lena from Altura Coaching, you asked about the executive program?"),
            (C, "right yes, i've been meaning to call you back"),
            (A, "What made you look us up?"),
            (C, "i sit all day, my back is wrecked and i've gained a fair bit"),
            (
                A,
                "Our Reset plan pairs a physio-informed coach with a simple nutrition plan, $650 a month.",
            ),
            (C, "and it's all remote? because i'm in court half the week"),
            (A, "All remote, sessions fit around your calendar, 25 minutes."),
            (C, "fine, put me down for it, monthly is ok"),
            (A, "Done. You'll get the payment link and intake form by email."),
            (C, "great thanks"),
        ],
        True,
    ),
    (
        "en",
        {"age": 39, "profession": "startup founder", "budget": "medium"},
        [
            (A, "Hi Priya, Lena from Altura. Do you have a minute?"),
            (C, "a quick one, i'm between calls"),
            (A, "What would you most like to change?"),
            (C, "sleep, mostly. i'm wired at midnight and dead at 3pm"),
            (A, "Our Calm and Energy plan targets exactly that. It's $490 a month."),
            (C, "hmm that's a chunk of my runway honestly"),
            (A, "There's a $150 assessment, credited if you continue."),
            (C, "i'll keep it in mind, just send me the brochure"),
            (A, "Will do. Can I check back next week?"),
            (C, "sure, maybe"),
        ],
        False,
    ),
    (
        "en",
        {"age": 55, "profession": "plant manager", "budget": "medium"},
        [
            (C, "hi, my daughter signed me up for a call, i'm not sure what this is"),
            (
                A,
                "No problem! We coach busy people on fitness and nutrition. What's your week like?",
            ),
            (C, "busy. and my doctor says my cholesterol is too high"),
            (A, "We can build a plan around that with a physician check-in each month."),
            (C, "i've done diets before. never stuck"),
            (A, "That's why a coach checks in every week and adapts the plan."),
            (C, "i don't know. i'm not really a gym person and i'm fine walking the dog"),
            (A, "Would a free intro session help you decide?"),
            (C, "no, i think i'll pass for now, thanks for your time"),
        ],
        False,
    ),
    (
        "en",
        {"age": 44, "profession": "vp engineering", "budget": "high"},
        [
            (A, "Hi Tom, Sam from Altura Coaching. You downloaded our guide last week?"),
            (C, "yeah i did, i'm training for a triathlon in august and i'm way behind"),
            (A, "Our Performance plan is built for event prep: periodised training and fuelling."),
            (C, "how much"),
            (A, "$720 a month, three months minimum."),
            (C, "ok that's in line with what i expected. can we start this week"),
            (A, "Yes, Thursday works for the kickoff. I'll send the agreement."),
            (C, "send it over, i'll sign tonight"),
        ],
        True,
    ),
    (
        "en",
        {"age": 36, "profession": "consultant", "budget": "low"},
        [
            (A, "Hi Jess, it's Sam from Altura. Is now a good time?"),
            (C, "i guess"),
            (A, "What are you hoping to work on?"),
            (C, "i want to tone up a bit before summer"),
            (A, "Our Strength Basics plan is $390 a month with weekly coaching."),
            (C, "oh wow no, i was thinking like twenty bucks"),
            (A, "I understand. We also have a group option at $149."),
            (C, "still too much for me right now, sorry"),
        ],
        False,
    ),
    (
        "en",
        {"age": 51, "profession": "hospital director", "budget": "premium"},
        [
            (A, "Good morning Dr. Alvarez, this is Lena from Altura."),
            (C, "morning. i have five minutes"),
            (A, "Then I'll be brief: what's the main goal?"),
            (C, "stress. i'm running on fumes and my blood pressure shows it"),
            (
                A,
                "Our Executive plan includes stress coaching, training and a monthly physician review.",
            ),
            (C, "i need to check with my wife, we're planning some big expenses this year"),
            (A, "Of course. Shall we book a time to talk together?"),
            (
                C,
                "actually you know what, book the assessment for friday morning, i'll pay for that now",
            ),
            (A, "Friday 8am it is, I'm sending the payment link."),
            (C, "got it"),
        ],
        True,
    ),
    (
        "en",
        {"age": 42, "profession": "sales director", "budget": "high"},
        [
            (A, "Hi Kevin, it's Sam from Altura Coaching."),
            (C, "hey, look i already have a personal trainer at my club"),
            (A, "Many clients do. We add nutrition and travel plans on top. Do you travel?"),
            (C, "every week, which is why i never see the trainer"),
            (A, "Then our remote coaching covers the weeks you're away."),
            (C, "interesting. what would that cost"),
            (A, "$590 a month."),
            (C, "let me think about it and talk to my trainer first, i'll get back to you"),
        ],
        False,
    ),
    (
        "en",
        {"age": 33, "profession": "product manager", "budget": "medium"},
        [
            (C, "hi i saw the ad about the 12 week program for weddings"),
            (A, "Hi! Congratulations. When's the big day?"),
            (C, "september, and i want to lose about ten pounds and feel strong"),
            (A, "Our 12-week Event plan is $1,200 upfront or $450 a month."),
            (C, "i'll do the upfront one. do you take apple pay"),
            (A, "We do, I'll send the link now."),
            (C, "paid. what happens next"),
        ],
        True,
    ),
    (
        "es",
        {"age": 47, "profession": "director financiero", "budget": "high"},
        [
            (A, "Hola Javier, soy Marta de Altura Coaching, ¿tienes un minuto?"),
            (C, "sí dime, pero rápido que entro a una reunión"),
            (A, "¿Qué te gustaría mejorar?"),
            (C, "pues he engordado bastante y el médico me ha dicho que vigile la tensión"),
            (
                A,
                "Nuestro plan Ejecutivo incluye entrenador, nutrición y revisión médica: 690 euros al mes.",
            ),
            (C, "vale, me cuadra. ¿cómo me apunto?"),
            (A, "Te envío ahora el enlace de pago y el formulario."),
            (C, "perfecto, lo relleno esta tarde"),
        ],
        True,
    ),
    (
        "es",
        {"age": 38, "profession": "abogada", "budget": "medium"},
        [
            (A, "Hola Lucía, te llamo de Altura Coaching por el formulario que rellenaste."),
            (C, "ah sí, hola"),
            (A, "¿Qué objetivo tienes?"),
            (C, "estoy muy estresada y duermo fatal"),
            (A, "El plan Calma y Energía cuesta 450 euros al mes."),
            (C, "uf, es mucho dinero ahora mismo"),
            (A, "Tenemos una evaluación de 120 euros que se descuenta después."),
            (C, "déjame pensarlo y te escribo la semana que viene"),
        ],
        False,
    ),
    (
        "es",
        {"age": 52, "profession": "dueño de constructora", "budget": "medium"},
        [
            (C, "buenas, me ha pasado el contacto un amigo"),
            (A, "¡Hola! Encantada. ¿En qué te podemos ayudar?"),
            (C, "me operaron de la rodilla hace seis meses y sigo cojeando"),
            (A, "Trabajamos con fisioterapeutas; el plan Recupera cuesta 520 euros al mes."),
            (C, "tendría que consultarlo con mi traumatólogo antes"),
            (A, "Claro. ¿Quieres que le enviemos el programa?"),
            (C, "sí mándalo, pero de momento no me comprometo a nada"),
        ],
        False,
    ),
    (
        "es",
        {"age": 41, "profession": "gerente comercial", "budget": "high"},
        [
            (A, "Hola Carlos, soy Diego de Altura. ¿Es buen momento?"),
            (C, "sí, dime"),
            (A, "¿Qué te gustaría conseguir en los próximos meses?"),
            (C, "ganar músculo, siempre he sido muy delgado y me canso enseguida"),
            (A, "El plan Fuerza son tres sesiones cortas por semana, 590 euros al mes."),
            (C, "ya tengo gimnasio en la oficina, no sé si lo necesito"),
            (A, "El entrenador te diseña el plan para ese gimnasio y ajusta tu alimentación."),
            (C, "bueno, vamos a probar. resérvame la primera sesión para el lunes"),
            (A, "Hecho, lunes a las siete. Te llega la confirmación y el pago por correo."),
            (C, "genial, gracias"),
        ],
        True,
    ),
    (
        "es",
        {"age": 60, "profession": "jubilado", "budget": "low"},
        [
            (A, "Hola Antonio, le llamo de Altura Coaching."),
            (C, "¿de dónde dice?"),
            (A, "Altura Coaching, entrenamiento personal para personas ocupadas."),
            (C, "no me interesa, gracias, y no me llame más"),
        ],
        False,
    ),
    (
        "es",
        {"age": 35, "profession": "arquitecta", "budget": "medium"},
        [
            (C, "hola, quería información del programa para la boda"),
            (A, "¡Enhorabuena! ¿Para cuándo es?"),
            (C, "en junio y quiero bajar unos kilos y tonificar"),
            (A, "El plan Evento de 12 semanas son 1.100 euros o 420 al mes."),
            (C, "me lo quedo, pago las doce semanas de una vez"),
            (A, "Perfecto, te mando el enlace."),
            (C, "ya está pagado"),
        ],
        True,
    ),
    (
        "es",
        {"age": 45, "profession": "director de marketing", "budget": "high"},
        [
            (A, "Hola Pablo, soy Marta de Altura Coaching."),
            (C, "hola marta, mira, ya he probado varias aplicaciones y ninguna me funcionó"),
            (A, "Lo entiendo. La diferencia es que aquí hay una persona que te sigue cada semana."),
            (C, "ya, eso dicen todos"),
            (A, "¿Te ayudaría una evaluación inicial de 120 euros para verlo?"),
            (C, "no sé, lo tengo que hablar con mi mujer, ya te diré algo"),
        ],
        False,
    ),
    (
        "es",
        {"age": 50, "profession": "notario", "budget": "premium"},
        [
            (A, "Buenos días, don Ernesto, soy Diego de Altura Coaching."),
            (C, "buenos días, sí, tengo poco tiempo"),
            (A, "Seré breve: ¿cuál es su prioridad?"),
            (C, "la energía, por la tarde no rindo y viajo mucho"),
            (A, "El plan Ejecutivo se adapta a los viajes: sesiones de 25 minutos por video."),
            (C, "¿y cuánto es?"),
            (A, "790 euros al mes."),
            (C, "de acuerdo, adelante. que mi secretaria le pase los datos de la tarjeta"),
        ],
        True,
    ),
]


def main() -> None:
    out = Path(__file__).with_name("handwritten_conversations.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for i, (lang, profile, turns, converted) in enumerate(CONVS):
            rec = {
                "id": f"hw-c-{i:03d}",
                "lang": lang,
                "customer_profile": profile,
                "turns": [{"role": r, "text": t} for r, t in turns],
                "converted": converted,
            }
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
