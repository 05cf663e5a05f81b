"""A tiny, deterministic labelled sample for fast pipeline tests (not a training set)."""

from __future__ import annotations

import random
from typing import Any

PHRASES: dict[str, dict[str, list[str]]] = {
    "en": {
        "price": ["that is too expensive", "i can't afford that", "the price is way too high"],
        "time": ["i travel every week", "my calendar is packed", "i have no time at all"],
        "think_it_over": ["let me think about it", "send me an email", "maybe next month"],
        "skepticism": ["these programs never work", "sounds too good to be true"],
        "has_alternative": ["i already have a trainer", "i just use youtube videos"],
        "needs_approval": ["i need to talk to my wife", "my boss has to approve it"],
        "not_interested": ["not for me thanks", "stop calling me", "i'm fine as i am"],
        "weight_loss": ["i want to lose weight", "i need to drop twenty pounds"],
        "muscle_gain": ["i want to build muscle", "i'd like to get stronger"],
        "health": ["my blood pressure is high", "my cholesterol worries my doctor"],
        "stress": ["i'm so stressed", "i can't sleep at night"],
        "energy": ["i'm exhausted every afternoon", "i have no energy"],
        "event_prep": ["my wedding is in june", "i'm running a marathon"],
        "rehab": ["my back hurts", "i'm recovering from knee surgery"],
        "buy": ["how do i sign up", "okay let's do it", "send me the payment link"],
        "neutral": ["i run a logistics company", "i'm forty five", "sure go ahead"],
    },
    "es": {
        "price": ["es demasiado caro", "no me lo puedo permitir", "el precio es muy alto"],
        "time": ["viajo cada semana", "mi agenda está llena", "no tengo tiempo"],
        "think_it_over": ["déjame pensarlo", "mándame un correo", "quizás el mes que viene"],
        "skepticism": ["esos programas nunca funcionan", "suena demasiado bueno"],
        "has_alternative": ["ya tengo un entrenador", "uso videos de youtube"],
        "needs_approval": ["tengo que hablar con mi esposa", "mi jefe lo tiene que aprobar"],
        "not_interested": ["no me interesa", "deje de llamarme", "estoy bien así"],
        "weight_loss": ["quiero bajar de peso", "necesito perder diez kilos"],
        "muscle_gain": ["quiero ganar músculo", "quiero estar más fuerte"],
        "health": ["tengo la presión alta", "el colesterol me preocupa"],
        "stress": ["estoy muy estresado", "no duermo bien"],
        "energy": ["estoy agotado por la tarde", "no tengo energía"],
        "event_prep": ["me caso en junio", "voy a correr un maratón"],
        "rehab": ["me duele la espalda", "me operaron la rodilla"],
        "buy": ["cómo me apunto", "vale hagámoslo", "mándame el enlace de pago"],
        "neutral": ["dirijo una empresa", "tengo cuarenta años", "claro dime"],
    },
}
OBJ = (
    "price",
    "time",
    "think_it_over",
    "skepticism",
    "has_alternative",
    "needs_approval",
    "not_interested",
)
NEED = ("weight_loss", "muscle_gain", "health", "stress", "energy", "event_prep", "rehab")


def utterances(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "es"
        keys = rng.sample(list(PHRASES[lang]), rng.choice((1, 1, 2)))
        text = " and ".join(rng.choice(PHRASES[lang][k]) for k in keys)
        out.append(
            {
                "id": f"s-{seed}-{i}",
                "lang": lang,
                "text": text,
                "objections": [k for k in keys if k in OBJ],
                "needs": [k for k in keys if k in NEED],
                "buying_signal": "buy" in keys,
            }
        )
    return out


def conversations(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        lang = "en" if i % 2 == 0 else "es"
        converted = rng.random() < 0.5
        keys = [rng.choice(NEED), rng.choice(OBJ)]
        keys.append("buy" if converted else rng.choice(("not_interested", "think_it_over")))
        if rng.random() < 0.15:  # label noise so the task is not trivial
            keys[-1] = "neutral"
        turns = []
        for k in keys:
            turns.append({"role": "agent", "text": "tell me more" if lang == "en" else "cuénteme"})
            turns.append({"role": "customer", "text": rng.choice(PHRASES[lang][k])})
        out.append(
            {
                "id": f"c-{seed}-{i}",
                "lang": lang,
                "customer_profile": {"age": rng.randint(30, 60), "budget": "high"},
                "turns": turns,
                "converted": converted,
            }
        )
    return out
