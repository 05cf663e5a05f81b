"""Realistic replay records built in code, shared by the report and compare tests.

``sales_call`` is a Spanish call of four turns: a price objection, a barge-in on turn 2,
a fallback on turn 3, a buying signal at the end, and a transcript that carries HTML (the
reports must escape it). ``short_call`` is an English two-turn call.
"""

from __future__ import annotations

from dataclasses import replace

from voice_agent.replay.model import CallRecord, Label, Span, TurnRecord

SCRIPT = "<script>alert('x')</script>"


def timings(vad: float, stt: float, orch: float, tts: float, first: float) -> dict[str, float]:
    return {
        "vad_end": vad,
        "transcription": stt,
        "orchestrator": orch,
        "audio_ms": 2100.0,
        "tts_first_chunk": tts,
        "first_audio": first,
        "response_start_to_first_audio": first - vad - orch / 2,
    }


def sales_call(recording: str = "llamada-ñandú.wav") -> CallRecord:
    turns = (
        TurnRecord(
            index=1,
            transcript="Hola, me interesa el programa pero ¿cuánto cuesta?",
            reply="Claro. El programa cuesta 790 euros e incluye seguimiento semanal.",
            barge_in=False,
            objections=(Label("price", 0.81),),
            needs=(Label("weight_loss", 0.66),),
            buying_signal=False,
            buying_signal_p=0.21,
            conversion_probability=0.34,
            action="handle_objection",
            action_reason="price objection p=0.81",
            phase="objection_handling",
            timings_ms=timings(510.0, 180.0, 95.0, 140.0, 720.0),
            latency_ms=801.0,
            caller=Span(3.1, 6.0),
            agent=Span(6.8, 11.2),
        ),
        TurnRecord(
            index=2,
            transcript=f"Espera, espera {SCRIPT} es demasiado caro para mí",
            reply="Entiendo que el precio",
            barge_in=True,
            objections=(Label("price", 0.9), Label("think_it_over", 0.55)),
            needs=(),
            buying_signal=False,
            buying_signal_p=0.1,
            conversion_probability=0.22,
            action="handle_objection",
            action_reason="price objection p=0.90",
            phase="objection_handling",
            timings_ms=timings(505.0, 210.0, 120.0, 150.0, 760.0),
            latency_ms=845.0,
            caller=Span(12.0, 14.5),
            agent=Span(15.3, 16.4),
        ),
        TurnRecord(
            index=3,
            transcript="Vale, ¿y hay una prueba gratuita? Quiero perder peso antes de la boda.",
            reply="Sí: tenemos una semana de prueba sin compromiso.",
            barge_in=False,
            objections=(),
            needs=(Label("weight_loss", 0.88), Label("event_prep", 0.74)),
            buying_signal=True,
            buying_signal_p=0.71,
            conversion_probability=0.61,
            action="offer_trial",
            action_reason="need event_prep with buying signal",
            phase="closing",
            fallbacks=("conversion",),
            timings_ms=timings(520.0, 230.0, 310.0, 160.0, 980.0),
            latency_ms=1064.0,
            caller=Span(16.2, 20.9),
            agent=Span(21.9, 25.0),
        ),
        TurnRecord(
            index=4,
            transcript="Perfecto, apúntame para la prueba.",
            reply="¡Hecho! Te envío los detalles por correo.",
            barge_in=False,
            objections=(),
            needs=(Label("event_prep", 0.7),),
            buying_signal=True,
            buying_signal_p=0.93,
            conversion_probability=0.86,
            action="close",
            action_reason="buying signal p=0.93",
            phase="closing",
            timings_ms=timings(500.0, 170.0, 90.0, 130.0, 700.0),
            latency_ms=770.0,
            caller=Span(26.0, 28.1),
            agent=Span(28.9, 31.5),
            dtmf="1",
        ),
    )
    return CallRecord(
        recording=recording,
        via="realtime",
        caller_channel="mono",
        speed=1.0,
        lang="es",
        recording_s=30.0,
        duration_s=32.4,
        started_at="2026-12-06T10:15:00Z",
        conversation_id="conv_0123",
        call_id="sess_abc",
        end_reason="caller_hung_up",
        greeting="¡Hola! Soy Ana, de FitLife. ¿En qué puedo ayudarte?",
        turns=turns,
        agent_speech=(
            Span(0.2, 2.9),
            *(t.agent for t in turns if t.agent is not None),
        ),
        caller_speech=tuple(t.caller for t in turns if t.caller is not None),
        errors=(),
    )


def short_call(recording: str = "demo-en.wav") -> CallRecord:
    turn = TurnRecord(
        index=1,
        transcript="I don't have time for this right now.",
        reply="No problem. When would be a better time to talk?",
        barge_in=False,
        objections=(Label("time", 0.77),),
        needs=(),
        buying_signal=False,
        buying_signal_p=0.05,
        conversion_probability=0.12,
        action="schedule_follow_up",
        action_reason="time objection",
        phase="follow_up",
        fallbacks=("objections", "needs"),
        timings_ms=timings(500.0, 150.0, 80.0, 120.0, 650.0),
        latency_ms=700.0,
        caller=Span(0.5, 2.5),
        agent=Span(3.2, 6.0),
    )
    second = replace(
        turn,
        index=2,
        transcript="Maybe next week.",
        reply="Great, I will call you next Tuesday.",
        fallbacks=(),
        objections=(),
        conversion_probability=0.18,
        latency_ms=None,
        timings_ms={"orchestrator": 40.0},
        caller=Span(7.0, 8.0),
        agent=None,
    )
    return CallRecord(
        recording=recording,
        via="twilio",
        caller_channel="left",
        speed=2.0,
        lang="en",
        recording_s=8.5,
        duration_s=9.0,
        started_at="2026-12-06T11:00:00Z",
        conversation_id=None,
        call_id="CA123",
        end_reason=None,
        greeting=None,
        turns=(turn, second),
        errors=("turn_failed",),
    )
