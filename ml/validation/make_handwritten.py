"""Writes handwritten_utterances.jsonl: a small set written by hand, independently of the
generator and of shared/eval, used only to compare model choices (never for training)."""

from __future__ import annotations

import json
from pathlib import Path

# (text, objections, needs, buying_signal)
EN: list[tuple[str, list[str], list[str], bool]] = [
    ("honestly the monthly fee is more than my car payment", ["price"], [], False),
    ("is there a cheaper option because that number scares me a bit", ["price"], [], False),
    (
        "i mean 800 bucks a month is a lot for what is basically zoom calls",
        ["price", "skepticism"],
        [],
        False,
    ),
    (
        "between board meetings and flights i barely sleep, where would i fit this",
        ["time"],
        ["stress"],
        False,
    ),
    ("i'm out of the country three weeks out of four", ["time"], [], False),
    (
        "can you just email me something and i'll look at it over the weekend",
        ["think_it_over"],
        [],
        False,
    ),
    ("let me sleep on it and get back to you", ["think_it_over"], [], False),
    ("call me back after the holidays maybe", ["think_it_over"], [], False),
    ("i've tried three of these apps and quit every time", ["skepticism"], [], False),
    ("how do i know your coaches actually know what they're doing", ["skepticism"], [], False),
    ("my company already pays for a wellness platform", ["has_alternative"], [], False),
    ("i go to crossfit five days a week so i think i'm covered", ["has_alternative"], [], False),
    ("my cardiologist put me on his own program already", ["has_alternative"], ["health"], False),
    ("i'd have to run it by my husband, he handles the finances", ["needs_approval"], [], False),
    ("this would need to go through our benefits team", ["needs_approval"], [], False),
    (
        "let me check with my physio before i commit to anything",
        ["needs_approval"],
        ["rehab"],
        False,
    ),
    ("no thanks, i'm not looking for anything like this", ["not_interested"], [], False),
    ("please take me off your list", ["not_interested"], [], False),
    ("i'm honestly happy with how i feel right now", ["not_interested"], [], False),
    ("i've put on fifteen kilos since i took this job", [], ["weight_loss"], False),
    ("i want my old waistline back", [], ["weight_loss"], False),
    ("i'd like to put on some size, i've always been skinny", [], ["muscle_gain"], False),
    ("i want to be able to do a pull up again", [], ["muscle_gain"], False),
    ("my last blood work was not great, sugar was borderline", [], ["health"], False),
    ("i want to be around to see my grandkids grow up", [], ["health"], False),
    ("i'm burnt out and my sleep is a mess", [], ["stress"], False),
    ("work anxiety is eating me alive", [], ["stress"], False),
    ("i crash hard every day after lunch", [], ["energy"], False),
    ("i need to be sharper in the afternoon meetings", [], ["energy"], False),
    (
        "my daughter's wedding is in october and i want to look good in the photos",
        [],
        ["event_prep", "weight_loss"],
        False,
    ),
    ("i signed up for a half marathon in the spring", [], ["event_prep"], False),
    ("i had shoulder surgery last year and it's still stiff", [], ["rehab"], False),
    ("my lower back has been killing me since the accident", [], ["rehab"], False),
    ("alright, what do you need from me to get started", [], [], True),
    ("okay book me in for the first session", [], [], True),
    ("can i pay with a corporate card", [], [], True),
    ("sure, let's try the two week trial", [], [], True),
    ("when is the earliest i could start", [], [], True),
    ("yes let's do the assessment on tuesday", [], [], True),
    ("that sounds good, send over the contract", [], [], True),
    ("i run a small law firm with twelve people", [], [], False),
    ("yeah i have a few minutes", [], [], False),
    ("what time zone are the coaches in", [], [], False),
    ("i used to play soccer in college", [], [], False),
    ("i'd love to lose the belly but the price is steep", ["price"], ["weight_loss"], False),
    (
        "i'm stressed out of my mind but i don't have time for another commitment",
        ["time"],
        ["stress"],
        False,
    ),
    ("sounds great, sign me up, i really need more energy", [], ["energy"], True),
    (
        "my wife would kill me if i spent that much without asking",
        ["needs_approval", "price"],
        [],
        False,
    ),
]
ES: list[tuple[str, list[str], list[str], bool]] = [
    ("la verdad es que la cuota mensual es más de lo que pago de coche", ["price"], [], False),
    ("no hay algo más económico, ese precio me asusta", ["price"], [], False),
    ("entre juntas y vuelos casi no duermo, dónde meto esto", ["time"], ["stress"], False),
    ("paso tres de cada cuatro semanas fuera del país", ["time"], [], False),
    ("mándame algo por correo y lo miro el fin de semana", ["think_it_over"], [], False),
    ("déjame consultarlo con la almohada y te digo", ["think_it_over"], [], False),
    ("llámame después de las fiestas a ver", ["think_it_over"], [], False),
    ("ya probé tres aplicaciones de esas y las dejé todas", ["skepticism"], [], False),
    ("cómo sé que sus entrenadores de verdad saben lo que hacen", ["skepticism"], [], False),
    ("mi empresa ya me paga una plataforma de bienestar", ["has_alternative"], [], False),
    (
        "voy al gimnasio cinco días a la semana, creo que ya estoy cubierto",
        ["has_alternative"],
        [],
        False,
    ),
    ("tendría que comentarlo con mi marido, él lleva las cuentas", ["needs_approval"], [], False),
    ("eso lo tiene que aprobar recursos humanos", ["needs_approval"], [], False),
    (
        "antes de nada lo tengo que hablar con mi fisioterapeuta",
        ["needs_approval"],
        ["rehab"],
        False,
    ),
    ("no gracias, no busco nada de esto", ["not_interested"], [], False),
    ("por favor no me vuelvan a llamar", ["not_interested"], [], False),
    ("la verdad estoy contento como estoy", ["not_interested"], [], False),
    ("he subido quince kilos desde que entré en este trabajo", [], ["weight_loss"], False),
    ("quiero volver a mi talla de antes", [], ["weight_loss"], False),
    ("me gustaría ganar masa muscular, siempre he sido flaco", [], ["muscle_gain"], False),
    ("quiero tonificar los brazos y las piernas", [], ["muscle_gain"], False),
    ("mis últimos análisis salieron regular, el azúcar estaba al límite", [], ["health"], False),
    ("el médico me dijo que tengo que cuidar el corazón", [], ["health"], False),
    ("estoy quemado y duermo fatal", [], ["stress"], False),
    ("la ansiedad del trabajo me está comiendo", [], ["stress"], False),
    ("después de comer me caigo de sueño todos los días", [], ["energy"], False),
    ("necesito rendir más en las reuniones de la tarde", [], ["energy"], False),
    (
        "mi hija se casa en octubre y quiero verme bien en las fotos",
        [],
        ["event_prep", "weight_loss"],
        False,
    ),
    ("me apunté a una media maratón en primavera", [], ["event_prep"], False),
    ("me operaron del hombro el año pasado y sigue rígido", [], ["rehab"], False),
    ("me duele la zona lumbar desde el accidente", [], ["rehab"], False),
    ("vale, qué necesitas de mí para empezar", [], [], True),
    ("perfecto, resérvame la primera sesión", [], [], True),
    ("puedo pagar con la tarjeta de la empresa", [], [], True),
    ("sí, probemos las dos semanas de prueba", [], [], True),
    ("cuándo es lo más pronto que podría empezar", [], [], True),
    ("sí, hagamos la evaluación el martes", [], [], True),
    ("suena bien, mándame el contrato", [], [], True),
    ("tengo un despacho de abogados con doce personas", [], [], False),
    ("sí, tengo unos minutos", [], [], False),
    ("en qué horario están los entrenadores", [], [], False),
    ("jugaba al fútbol en la universidad", [], [], False),
    ("me encantaría quitarme la barriga pero el precio es alto", ["price"], ["weight_loss"], False),
    ("estoy estresadísimo pero no tengo tiempo para otro compromiso", ["time"], ["stress"], False),
    ("me parece genial, apúntame, necesito más energía", [], ["energy"], True),
    ("mi mujer me mata si gasto eso sin preguntarle", ["needs_approval", "price"], [], False),
]


def main() -> None:
    out = Path(__file__).with_name("handwritten_utterances.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for lang, rows in (("en", EN), ("es", ES)):
            for i, (text, obj, need, bs) in enumerate(rows):
                rec = {
                    "id": f"hw-{lang}-{i:03d}",
                    "lang": lang,
                    "text": text,
                    "objections": obj,
                    "needs": need,
                    "buying_signal": bs,
                }
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
