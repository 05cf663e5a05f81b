# ruff: noqa: E501  (phrase data: one template per line reads better than wrapped strings)
"""What the simulated agent says: the bundled playbook's lines when it loads, mixed with
lines of our own (so models do not learn one script by heart).

Lines are ``str.format`` templates over the playbook placeholders (``{program_name}``,
``{need_phrase}``, ...). :class:`AgentVoice` picks and fills them; it never touches I/O
after construction.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["AgentVoice", "ProgramInfo", "agent_voice"]

OWN: dict[str, dict[str, list[str]]] = {
    "en": {
        "greeting": [
            "Hi, this is {agent_name} calling from {company}. Do you have a couple of minutes?",
            "Hello {customer_name}, {agent_name} here from {company}. You filled in a form on our site, is now a good time?",
            "Good morning, it's {agent_name} with {company}. I'm following up on your request, how are you today?",
            "Hey {customer_name}, thanks for picking up. I'm {agent_name} from {company}, we help busy professionals get fit around their schedule.",
        ],
        "reply_greeting": [
            "Thanks for calling {company}, this is {agent_name}. How can I help?",
            "Hi, you're through to {agent_name} at {company}. What can I do for you?",
        ],
        "acknowledgements": [
            "Got it.",
            "Okay, thanks for sharing that.",
            "I hear you.",
            "That's really helpful.",
            "Understood.",
            "Right.",
        ],
        "discovery_questions": [
            "What would you like to change about your health or fitness right now?",
            "What's the main thing you'd want help with: weight, strength, stress, energy?",
            "How are you feeling day to day, energy wise?",
            "What have you tried so far, and what got in the way?",
            "Is there a date or event you're working towards?",
            "How much time could you realistically give this each week?",
            "What made you fill in the form?",
            "Tell me a bit about your routine, how do your days usually go?",
        ],
        "present_program": [
            "For what you describe, {program_name} is the best fit. {program_summary} It's {program_price}.",
            "I'd suggest {program_name}: {program_summary} That's {program_price}.",
            "We have a program built for exactly this, {program_name}. It helps you {need_phrase}, and it's {program_price}.",
            "Most clients like you start with {program_name}. {program_summary}",
        ],
        "price": [
            "I understand. Think of it as an investment in how you feel every day. We also have a lighter plan if that helps.",
            "Fair point. Many clients say it costs less than what they were spending on things that didn't work. Would a monthly plan be easier?",
            "I get it, it's not cheap. What would it be worth to you to {need_phrase}?",
        ],
        "time": [
            "That's why we exist: sessions are thirty minutes and fit around your calendar, even when you travel.",
            "Totally understand. Your coach plans around your week, hotel gyms and airports included.",
            "Most of our clients are as busy as you. Would three short sessions a week be doable?",
        ],
        "think_it_over": [
            "Of course. What part would you like to think over, the program, the timing or the price?",
            "Sure, it's an important decision. Is there anything I can clarify right now?",
            "Absolutely. Often people want to think about the cost or the time, which one is it for you?",
        ],
        "skepticism": [
            "It's normal to be sceptical. The difference is a real coach who adjusts the plan every week, and you'll see your numbers move.",
            "I understand, many clients tried things before. Our coaches are certified and we track progress with real data.",
            "That's fair. That's why we start with an assessment, so you can see if it works for you before committing.",
        ],
        "has_alternative": [
            "That's great that you're already active. We usually complement what you do, with nutrition, sleep and a plan for travel.",
            "Good to hear. Many clients keep their trainer, and we add the structure around it.",
            "Nice. How is that working for your goal to {need_phrase}?",
        ],
        "needs_approval": [
            "Of course. Would it help if we set up a short call with both of you?",
            "Makes sense. Many companies cover this as a wellness benefit, I can send you a summary for them.",
            "Absolutely, your doctor's input matters. Our coaches can work with their recommendations.",
        ],
        "not_interested": [
            "No problem at all. Just so I understand, is it the timing or the program itself?",
            "I understand. Can I ask what would make this useful for you at some point?",
            "Fair enough. Before I let you go, is there anything about your health you'd like to improve this year?",
        ],
        "trial_offers": [
            "A simple way to start is the {trial_name}. {trial_summary} Would you like to book it?",
            "Why don't we start with the {trial_name}? It's {trial_price} and it's credited if you join. Shall I book it?",
            "You could try the {trial_name} first, it's {trial_price}. Would this week work?",
        ],
        "closing": [
            "Shall we get you started with {program_name} this week?",
            "It sounds like a great fit. Would you like to go ahead with {program_name}?",
            "I can set it up right now. Do you want to start on Monday?",
            "Are you ready to get started?",
        ],
        "follow_up": [
            "No problem. When would be a good time to call you back?",
            "Sure, I'll email you the details. Can I call you next week?",
            "Of course. Let's talk again in a few days, does Thursday work?",
        ],
        "confirm": [
            "Perfect. I'll send you the payment link now and your coach will reach out tomorrow.",
            "Wonderful. You'll get a confirmation email in a minute with all the details.",
            "Great, you're booked. Your coach will call you within a day.",
            "Excellent, I've got you down. You'll receive the invoice and the welcome pack by email.",
        ],
        "goodbye": [
            "Thanks for your time, have a great day.",
            "Thank you, talk soon.",
            "I appreciate it, take care.",
        ],
        "answer_question": [
            "Good question. Everything is one to one with a certified coach, by video and through the app.",
            "Programs run twelve weeks, with weekly calls and daily messages with your coach.",
            "Our coaches are certified in training and nutrition, and we work with a partner physician.",
            "It depends on the plan, but most clients invest between three and eight hundred a month.",
        ],
    },
    "es": {
        "greeting": [
            "Hola, le habla {agent_name} de {company}. ¿Tiene un par de minutos?",
            "Hola {customer_name}, soy {agent_name} de {company}. Dejaste tus datos en la web, ¿es buen momento?",
            "Buenos días, soy {agent_name} de {company}, te llamo por tu solicitud. ¿Cómo estás?",
            "¿Qué tal {customer_name}? Habla {agent_name} de {company}, ayudamos a ejecutivos a ponerse en forma con su agenda.",
        ],
        "reply_greeting": [
            "Gracias por llamar a {company}, habla {agent_name}. ¿En qué te puedo ayudar?",
            "Hola, soy {agent_name} de {company}. Cuéntame, ¿qué necesitas?",
        ],
        "acknowledgements": [
            "Entiendo.",
            "Perfecto, gracias por contarme.",
            "Claro.",
            "Te entiendo.",
            "Muy bien.",
            "De acuerdo.",
        ],
        "discovery_questions": [
            "¿Qué te gustaría cambiar de tu salud o tu forma física?",
            "¿Qué es lo principal para ti: peso, fuerza, estrés o energía?",
            "¿Cómo te sientes en el día a día de energía?",
            "¿Qué has probado hasta ahora y qué no funcionó?",
            "¿Hay alguna fecha o evento para el que te quieras preparar?",
            "¿Cuánto tiempo a la semana podrías dedicarle de forma realista?",
            "¿Qué te llevó a dejar tus datos?",
            "Cuéntame un poco de tu rutina, ¿cómo son tus días?",
        ],
        "present_program": [
            "Por lo que me cuentas, lo ideal es {program_name}. {program_summary} Cuesta {program_price}.",
            "Te recomendaría {program_name}: {program_summary} Son {program_price}.",
            "Tenemos un programa justo para esto, {program_name}. Te ayuda a {need_phrase} y cuesta {program_price}.",
            "La mayoría de clientes como tú empiezan con {program_name}. {program_summary}",
        ],
        "price": [
            "Te entiendo. Piénsalo como una inversión en cómo te sientes cada día. También tenemos un plan más ligero.",
            "Es válido. Muchos clientes dicen que gastaban más en cosas que no les funcionaban. ¿Te ayudaría pagarlo mensual?",
            "Lo entiendo, no es barato. ¿Cuánto vale para ti {need_phrase}?",
        ],
        "time": [
            "Justo para eso existimos: sesiones de treinta minutos que se adaptan a tu agenda, incluso cuando viajas.",
            "Te entiendo perfectamente. Tu coach planifica alrededor de tu semana, con hoteles y aeropuertos incluidos.",
            "La mayoría de nuestros clientes están igual de ocupados. ¿Podrías con tres sesiones cortas por semana?",
        ],
        "think_it_over": [
            "Claro. ¿Qué parte te gustaría pensar, el programa, el momento o el precio?",
            "Por supuesto, es una decisión importante. ¿Hay algo que te pueda aclarar ahora?",
            "Claro que sí. Normalmente la duda es el costo o el tiempo, ¿cuál es en tu caso?",
        ],
        "skepticism": [
            "Es normal tener dudas. La diferencia es un coach real que ajusta el plan cada semana, y vas a ver tus números mejorar.",
            "Te entiendo, muchos clientes probaron cosas antes. Nuestros coaches están certificados y medimos el progreso con datos.",
            "Es justo. Por eso empezamos con una evaluación, para que veas si te funciona antes de comprometerte.",
        ],
        "has_alternative": [
            "Qué bueno que ya te mueves. Normalmente complementamos lo que haces con nutrición, sueño y un plan para tus viajes.",
            "Me alegra. Muchos clientes mantienen a su entrenador y nosotros ponemos la estructura alrededor.",
            "Muy bien. ¿Y cómo te está funcionando para {need_phrase}?",
        ],
        "needs_approval": [
            "Claro. ¿Te ayudaría que hagamos una llamada corta con los dos?",
            "Tiene sentido. Muchas empresas lo cubren como beneficio de bienestar, te puedo mandar un resumen.",
            "Por supuesto, la opinión de tu médico es importante. Nuestros coaches trabajan con sus indicaciones.",
        ],
        "not_interested": [
            "Ningún problema. Solo para entender, ¿es el momento o el programa en sí?",
            "Lo entiendo. ¿Qué haría que esto te resultara útil más adelante?",
            "Está bien. Antes de colgar, ¿hay algo de tu salud que te gustaría mejorar este año?",
        ],
        "trial_offers": [
            "Una forma sencilla de empezar es la {trial_name}. {trial_summary} ¿Te la agendo?",
            "¿Qué te parece si empezamos con la {trial_name}? Cuesta {trial_price} y se descuenta si sigues. ¿La reservo?",
            "Podrías probar primero la {trial_name}, son {trial_price}. ¿Te viene bien esta semana?",
        ],
        "closing": [
            "¿Empezamos con {program_name} esta semana?",
            "Suena a que encaja muy bien. ¿Quieres que arranquemos con {program_name}?",
            "Te lo puedo dejar listo ahora mismo. ¿Empezamos el lunes?",
            "¿Estás listo para empezar?",
        ],
        "follow_up": [
            "Sin problema. ¿Cuándo te viene bien que te llame?",
            "Claro, te mando los detalles por correo. ¿Te llamo la próxima semana?",
            "Por supuesto. Hablamos en unos días, ¿te parece el jueves?",
        ],
        "confirm": [
            "Perfecto. Te mando ahora el enlace de pago y tu coach te contacta mañana.",
            "Excelente. En un minuto te llega un correo de confirmación con todos los detalles.",
            "Listo, quedas agendado. Tu coach te llama en menos de un día.",
            "Genial, ya te anoté. Te llegan la factura y la bienvenida por correo.",
        ],
        "goodbye": [
            "Gracias por tu tiempo, que tengas un buen día.",
            "Muchas gracias, hablamos pronto.",
            "Te agradezco, cuídate.",
        ],
        "answer_question": [
            "Buena pregunta. Todo es uno a uno con un coach certificado, por videollamada y por la app.",
            "Los programas duran doce semanas, con llamadas semanales y mensajes diarios con tu coach.",
            "Nuestros coaches están certificados en entrenamiento y nutrición, y trabajamos con un médico aliado.",
            "Depende del plan, pero la mayoría invierte entre trescientos y ochocientos dólares al mes.",
        ],
    },
}

_NEED_PHRASES = {
    "en": {
        "weight_loss": "lose weight",
        "muscle_gain": "get stronger",
        "health": "improve your health",
        "stress": "manage stress and sleep better",
        "energy": "have more energy",
        "event_prep": "be ready for your event",
        "rehab": "recover and move without pain",
        "": "feel your best",
    },
    "es": {
        "weight_loss": "bajar de peso",
        "muscle_gain": "ponerte más fuerte",
        "health": "mejorar tu salud",
        "stress": "manejar el estrés y dormir mejor",
        "energy": "tener más energía",
        "event_prep": "llegar listo a tu evento",
        "rehab": "recuperarte y moverte sin dolor",
        "": "sentirte mejor",
    },
}

_NAMES = {
    "en": ["James", "Sarah", "Michael", "Laura", "David", "Emily", "Robert", "Karen", "Chris"],
    "es": ["Carlos", "María", "Javier", "Lucía", "Andrés", "Valentina", "Diego", "Paula", "Jorge"],
}

_OWN_PROGRAMS = {
    "en": ("the Executive Program", "one to one coaching with a plan built around your week", 590),
    "es": ("el Programa Ejecutivo", "coaching uno a uno con un plan hecho para tu semana", 590),
}


@dataclass(frozen=True, slots=True)
class ProgramInfo:
    id: str
    name: str
    summary: str
    price: str
    needs: tuple[str, ...]
    budgets: tuple[str, ...]


class AgentVoice:
    """Agent lines for one language: playbook lines (if any) plus our own."""

    def __init__(
        self,
        lang: str,
        playbook_lines: Mapping[str, Sequence[str]] | None,
        programs: Sequence[ProgramInfo],
        trial: Mapping[str, str],
        company: str,
        agent_name: str,
        need_phrases: Mapping[str, str],
    ) -> None:
        self.lang = lang
        self.own = OWN[lang]
        self.playbook = dict(playbook_lines or {})
        self.programs = tuple(programs)
        self.trial = dict(trial)
        self.company = company
        self.agent_name = agent_name
        self.need_phrases = dict(need_phrases)

    def choose_program(self, need: str | None, budget: str, rng: random.Random) -> ProgramInfo:
        b = "high" if budget == "premium" else budget
        fits = [p for p in self.programs if need in p.needs and b in p.budgets]
        if not fits:
            fits = [p for p in self.programs if need in p.needs] or list(self.programs)
        return rng.choice(fits)

    def line(
        self,
        slot: str,
        rng: random.Random,
        *,
        need: str | None = None,
        program: ProgramInfo | None = None,
        customer_name: str | None = None,
    ) -> str:
        own = self.own.get(slot, [])
        pb = list(self.playbook.get(slot, []))
        pool = pb if pb and (not own or rng.random() < 0.65) else own
        if not pool:
            raise KeyError(f"no agent lines for {slot!r} in {self.lang}")
        prog = program or self.programs[0]
        values: dict[str, Any] = {
            "customer_name": customer_name or rng.choice(_NAMES[self.lang]),
            "profession": "",
            "agent_name": self.agent_name,
            "company": self.company,
            "program_name": prog.name,
            "program_price": prog.price,
            "program_summary": prog.summary,
            "need_phrase": self.need_phrases.get(need or "", self.need_phrases.get("", "")),
            "trial_name": self.trial.get("name", ""),
            "trial_price": self.trial.get("price", ""),
            "trial_summary": self.trial.get("summary", ""),
        }
        template = rng.choice(pool)
        if "{profession}" in template:
            template = rng.choice([t for t in pool if "{profession}" not in t] or own)
        return " ".join(template.format(**values).split())


@lru_cache(maxsize=4)
def agent_voice(lang: str, use_playbook: bool = True) -> AgentVoice:
    """The agent's voice in ``lang``; uses the bundled playbook when it loads."""
    if lang not in OWN:
        raise ValueError(f"unsupported language: {lang!r}")
    if use_playbook:
        voice = _from_playbook(lang)
        if voice is not None:
            return voice
    name, summary, price = _OWN_PROGRAMS[lang]
    money = f"${price} a month" if lang == "en" else f"{price} dólares al mes"
    prog = ProgramInfo(
        "own", name, summary, money, tuple(_NEED_PHRASES[lang]), ("low", "medium", "high")
    )
    trial = (
        {
            "name": "Executive Assessment",
            "price": "$150",
            "summary": "It's a sixty minute session with a senior coach.",
        }
        if lang == "en"
        else {
            "name": "Evaluación Ejecutiva",
            "price": "150 dólares",
            "summary": "Es una sesión de sesenta minutos con un coach sénior.",
        }
    )
    agent = "Sofia" if lang == "en" else "Sofía"
    return AgentVoice(lang, None, [prog], trial, "Altura Coaching", agent, _NEED_PHRASES[lang])


def _from_playbook(lang: str) -> AgentVoice | None:
    try:
        from voice_agent.playbook.loader import load_playbook

        pb = load_playbook()
        content = pb.lang(lang)
    except Exception:  # the playbook is optional: any failure means "use our own lines"
        return None
    lines: dict[str, list[str]] = {
        "greeting": list(content.greeting),
        "acknowledgements": list(content.acknowledgements),
        "discovery_questions": list(content.discovery_questions),
        "present_program": list(content.present_program),
        "trial_offers": list(content.trial_offers),
        "closing": list(content.closing),
        "follow_up": list(content.follow_up),
    }
    for label, handlers in content.objections.items():
        lines[label] = list(handlers)
    programs = []
    for p in pb.programs:
        text = p.text.get(lang)
        if text is None:
            continue
        programs.append(
            ProgramInfo(
                p.id,
                text.name,
                text.summary,
                pb.format_price(p, lang),
                tuple(p.needs),
                tuple(p.budgets),
            )
        )
    trial_text = pb.trial.text.get(lang)
    trial = {
        "name": trial_text.name if trial_text else "",
        "summary": trial_text.summary if trial_text else "",
        "price": pb.format_money(pb.trial.price, lang),
    }
    needs = dict(content.need_phrases)
    needs[""] = content.general_need_phrase
    return AgentVoice(
        lang,
        lines,
        programs or [ProgramInfo("own", *_OWN_PROGRAMS[lang][:2], "", (), ("low",))],
        trial,
        pb.company.name,
        content.agent_name,
        needs,
    )
