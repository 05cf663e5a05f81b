"""Prometheus metrics of the server (one registry per process, the client default)."""

from __future__ import annotations

from typing import Final

from prometheus_client import Counter, Gauge, Histogram, Info

from voice_agent.core.labels import LANGS

#: Channels calls arrive on (a phone or a WebSocket: a process cannot carry them across a
#: restart).
VOICE_CHANNELS: Final = frozenset({"realtime", "twilio", "audiosocket"})
#: Channels the server's own clients use. Metric labels come only from this set: any other
#: (client-chosen) channel is labelled ``other``, so clients cannot add label values.
KNOWN_CHANNELS: Final = VOICE_CHANNELS | {"api", "cli", "journeys"}


def channel_label(channel: str) -> str:
    """The ``channel`` label of a conversation's channel: itself if known, else ``other``."""
    return channel if channel in KNOWN_CHANNELS else "other"


def lang_label(lang: str) -> str:
    """The ``lang`` label: one of :data:`~voice_agent.core.labels.LANGS`, else ``other``."""
    return lang if lang in LANGS else "other"


_LATENCY_BUCKETS = (
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    1.5,
    2.5,
    5.0,
)

TURN_SECONDS = Histogram(
    "voice_agent_turn_seconds",
    "Time to handle one customer turn (analysis, decision, reply), by channel.",
    ["channel"],
    buckets=_LATENCY_BUCKETS,
)
ANALYSER_SECONDS = Histogram(
    "voice_agent_analyser_seconds",
    "Time of one analyser call, by analyser and implementation (model or rules).",
    ["analyser", "impl"],
    buckets=_LATENCY_BUCKETS,
)
DECISION_SECONDS = Histogram(
    "voice_agent_decision_seconds", "Time of the decision engine.", buckets=_LATENCY_BUCKETS
)
GENERATION_SECONDS = Histogram(
    "voice_agent_generation_seconds",
    "Time to produce the full reply text, by generator.",
    ["generator"],
    buckets=_LATENCY_BUCKETS,
)
STAGE_SECONDS = Histogram(
    "voice_agent_stage_seconds",
    "Voice pipeline stages, anchored at the end of the caller's speech.",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
)
FALLBACKS = Counter(
    "voice_agent_analyser_fallbacks_total",
    "Analyser calls answered by the rule-based fallback, by analyser and reason.",
    ["analyser", "reason"],
)
GENERATOR_FALLBACKS = Counter(
    "voice_agent_generator_fallbacks_total",
    "Replies the playbook wrote because the LLM's failed or was rejected, by reason.",
    ["reason"],
)
GUARDRAIL_REJECTIONS = Counter(
    "voice_agent_llm_guardrail_rejections_total",
    "Sentences written by the LLM and never spoken because they broke a playbook rule.",
    ["rule"],
)
LLM_CIRCUIT_STATE = Gauge(
    "voice_agent_llm_circuit_state",
    "The LLM endpoint's circuit breaker: 1 for its current state (closed, open, half_open).",
    ["state"],
)
LLM_CIRCUIT_TRANSITIONS = Counter(
    "voice_agent_llm_circuit_transitions_total",
    "Changes of the LLM circuit breaker's state, by the state entered.",
    ["state"],
)
EXPERIMENT_CONVERSATIONS = Counter(
    "voice_agent_experiment_conversations_total",
    "Conversations assigned to a variant of the running experiment.",
    ["experiment", "variant"],
)
EXPERIMENT_OUTCOMES = Counter(
    "voice_agent_experiment_outcomes_total",
    "Outcomes recorded on conversations of the running experiment, by variant.",
    ["experiment", "variant", "converted"],
)
INTERJECTIONS = Counter(
    "voice_agent_interjections_total",
    "Caller speech over the agent, by what it was judged: interrupt (the agent stopped) or"
    " backchannel (it went on).",
    ["verdict"],
)
REPLY_PAUSES = Counter(
    "voice_agent_reply_pauses_total",
    "The agent's reply paused while speech over it was judged (paused), and resumed after"
    " it was judged no interruption (resumed); the rest were interruptions.",
    ["event"],
)
AUDIO_LATE_CHUNKS = Counter(
    "voice_agent_audio_late_chunks_total",
    "Chunks of caller audio that waited over 2 s for the audio worker (an overloaded"
    " machine); they are processed all the same, never dropped.",
)
ERRORS = Counter("voice_agent_errors_total", "Errors reported to clients, by code.", ["code"])
TURNS = Counter("voice_agent_turns_total", "Customer turns handled.", ["channel", "lang"])
CONVERSATIONS = Counter(
    "voice_agent_conversations_total", "Conversations started.", ["channel", "lang"]
)
OUTCOMES = Counter("voice_agent_outcomes_total", "Outcomes recorded.", ["converted"])
OPEN_SESSIONS = Gauge("voice_agent_realtime_sessions", "Open realtime sessions.")
CALLS_ACTIVE = Gauge(
    "voice_agent_calls_active", "Voice calls holding a slot now (all transports)."
)
CALLS_MAX = Gauge("voice_agent_calls_max", "Voice calls this instance takes (MAX_CALLS).")
TTS_CACHE_BYTES = Gauge(
    "voice_agent_tts_cache_bytes",
    "Audio held by the synthesized-sentence cache (at most TTS_CACHE_MB).",
)
CALLS_ENDED = Counter(
    "voice_agent_calls_ended_total", "Calls ended, by transport and reason.", ["channel", "reason"]
)
MODEL = Info(
    "voice_agent_model",
    "The champion model version serving this process's turns (changes on a hot swap).",
)
MODEL_SWAPS = Counter(
    "voice_agent_model_swaps_total",
    "New champions taken up without a restart (swapped) or refused by their check.",
    ["result"],
)
for _result in ("swapped", "refused"):
    MODEL_SWAPS.labels(_result)

#: The conversion model's calibration on recorded outcomes (voice_agent/calibration.py): ten
#: buckets of the probability it predicted on a conversation's last customer turn, labelled
#: by their bounds (``0.0-0.1`` ... ``0.9-1.0``). Counters only: each instance's add up, so
#: PromQL computes predicted against actual conversion and the expected calibration error
#: over any window across instances (config/prometheus/alerts.yml).
CALIBRATION_BUCKETS: Final = tuple(f"{i / 10:.1f}-{(i + 1) / 10:.1f}" for i in range(10))
CALIBRATION_OUTCOMES = Counter(
    "voice_agent_calibration_outcomes",
    "Outcomes recorded on conversations with a predicted conversion probability, by bucket "
    "of the probability predicted on the last customer turn.",
    ["bucket"],
)
CALIBRATION_PREDICTED = Counter(
    "voice_agent_calibration_predicted",
    "Sum of the predicted conversion probabilities of those outcomes, by bucket.",
    ["bucket"],
)
CALIBRATION_CONVERTED = Counter(
    "voice_agent_calibration_converted",
    "Those outcomes that converted, by bucket.",
    ["bucket"],
)
for _bucket in CALIBRATION_BUCKETS:
    CALIBRATION_OUTCOMES.labels(_bucket)
    CALIBRATION_PREDICTED.labels(_bucket)
    CALIBRATION_CONVERTED.labels(_bucket)

#: The learning worker, as its status file (the registry's learning.json) says
#: (voice_agent/learning_status.py). A run is one check of the worker, whether it trained or
#: found too few new calls.
LEARNING_ENABLED = Gauge(
    "voice_agent_learning_enabled",
    "1 when this process runs the learning worker (VOICE_AGENT_LEARN), else 0.",
)
LEARNING_LAST_RUN = Gauge(
    "voice_agent_learning_last_run_timestamp_seconds",
    "When the learning worker's last recorded run ended (Unix time; 0: none recorded).",
)
LEARNING_LAST_SUCCESS = Gauge(
    "voice_agent_learning_last_success_timestamp_seconds",
    "When the learning worker's last run that did not fail ended (Unix time; 0: none).",
)
LEARNING_LAST_RUN_OK = Gauge(
    "voice_agent_learning_last_run_ok",
    "0 when the learning worker's last recorded run failed, else 1.",
)
LEARNING_CONSECUTIVE_FAILURES = Gauge(
    "voice_agent_learning_consecutive_failures",
    "The learning worker's runs that failed in a row, up to the last one (0: it did not fail).",
)
LEARNING_LAST_RUN_OK.set(1)
