"""Building the long-lived parts of a server process from settings."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import structlog

from voice_agent import metrics
from voice_agent.analysis.base import AnalyserSet
from voice_agent.api.auth import KeyChecker, ensure_key_file
from voice_agent.call.live import LiveCalls
from voice_agent.core.decision import Policy, RulePolicy
from voice_agent.errors import ConfigError
from voice_agent.limits import Limits, LimitSettings
from voice_agent.orchestrator import KINDS, Orchestrator
from voice_agent.realtime.client_secrets import ClientSecrets, client_secret_key
from voice_agent.settings import Settings
from voice_agent.store.postgres import PostgresStore
from voice_agent.store.sqlite import SQLiteStore
from voice_agent.store.url import open_store, parse_database_url
from voice_agent.workers import Workers, WorkerSizes

if TYPE_CHECKING:
    from voice_agent.call.core import CallLimits
    from voice_agent.experiments.runner import Experiment
    from voice_agent.generation.base import ResponseGenerator
    from voice_agent.playbook.schema import Playbook
    from voice_agent.speech.engines import SpeechEngines
    from voice_agent.store.base import Store
    from voice_agent.telephony.twilio import TwilioState

log = structlog.get_logger("voice_agent.services")
#: Longest wait for the database to say whether a token's nonce was used.
NONCE_CHECK_S: Final = 2.0


@dataclass
class Services:
    settings: Settings
    store: SQLiteStore | PostgresStore
    orchestrator: Orchestrator
    keys: KeyChecker
    #: ``ek_`` client secrets for ``/v1/realtime``, signed with a key derived from the API keys
    client_secrets: ClientSecrets
    #: rate limits, call slots and quotas of this process (:mod:`voice_agent.limits`)
    limits: Limits
    model_version: str | None = None
    model_errors: dict[str, str] = field(default_factory=dict)
    playbook: Playbook | None = None
    #: loaded at start-up by ``speech_runtime.start_speech`` unless speech is off
    speech: SpeechEngines | None = None
    speech_error: str | None = None
    #: optional speech parts that could not be loaded (name -> why)
    speech_unavailable: dict[str, str] = field(default_factory=dict)
    #: Twilio stream tokens and recent call ends (made on first use)
    twilio: TwilioState | None = None
    #: every worker thread pool of the process
    workers: Workers = field(default_factory=Workers.create)
    #: the calls going on, and stopping them on SIGTERM (:mod:`voice_agent.call.live`)
    live_calls: LiveCalls = field(default_factory=LiveCalls)

    async def redeemed_once(self, nonce: str, expires_at: float) -> bool:
        """A signed token (client secret, Twilio stream token) redeemed here was redeemed
        nowhere else: instances sharing a database record its nonce there (a token is used
        once across them). False, too, when the database does not answer in time."""
        if not self.store.shared:
            return True  # one instance: its own memory of nonces is enough
        now = self.orchestrator.clock()
        try:
            return await asyncio.wait_for(
                self.store.redeem_nonce(nonce, expires_at, now), NONCE_CHECK_S
            )
        except Exception as exc:  # refused: a token that cannot be checked is not honoured
            log.warning("token_check_failed", error=f"{type(exc).__name__}: {exc}")
            return False

    def call_limits(self) -> CallLimits:
        from voice_agent.call.core import CallLimits

        return CallLimits(
            idle_s=self.settings.call_idle_timeout_s, max_s=self.settings.call_max_duration_s
        )

    def swap_models(self, analysers: dict[str, Any], version: str) -> None:
        """A new champion, loaded and checked (:mod:`voice_agent.models.watch`), serves from
        the next turn on, and ``/readyz`` names it."""
        self.orchestrator.swap_models(analysers, version)
        self.model_version, self.model_errors = version, {}

    def readiness(self) -> dict[str, Any]:
        fallbacks = sorted(k for k in KINDS if k not in self.orchestrator.primary)
        return {
            "models": {
                "version": self.model_version,
                "loaded": sorted(self.orchestrator.primary),
                "fallback": fallbacks,
                "errors": self.model_errors,
            },
            "generator": self.orchestrator.generator.name,
            "policy": self.orchestrator.policy.name,
            "speech": (
                "ready"
                if self.speech is not None
                else ("disabled" if not self.settings.speech else "unavailable")
            ),
            "speech_error": self.speech_error,
            "speech_parts_unavailable": dict(self.speech_unavailable),
            "calls": self.limits.calls.to_json(),
        }


def load_analysers(
    settings: Settings,
) -> tuple[dict[str, Any], AnalyserSet, dict[str, str], str | None]:
    """Primary (trained) analysers that loaded, the rule fallback, errors per kind, version."""
    from voice_agent.analysis.rules import rule_analysers

    fallback = rule_analysers()
    if settings.analysers == "rules":
        return {}, fallback, {k: "rules selected by VOICE_AGENT_ANALYSERS" for k in KINDS}, None
    from voice_agent.models.registry import default_registry_dir, load_champion

    roots: list[Path] = []
    if settings.models_dir is not None:
        roots.append(settings.models_dir)
    else:
        roots += [settings.data_dir / "models", default_registry_dir()]
    errors: dict[str, str] = {}
    for root in roots:
        loaded = load_champion(root)
        if loaded.version is None and not loaded.analysers:
            errors = dict(loaded.errors) or {k: f"no champion model in {root}" for k in KINDS}
            continue
        for kind, err in loaded.errors.items():
            log.warning("model_unavailable", kind=kind, error=err, registry=str(root))
        return dict(loaded.analysers), fallback, dict(loaded.errors), loaded.version
    for kind, err in errors.items():
        log.warning("model_unavailable", kind=kind, error=err)
    return {}, fallback, errors, None


def model_watch_root(settings: Settings) -> Path | None:
    """The registry a serving process watches for a new champion (hot swap): ``MODELS_DIR``,
    else the data dir's, the one a restart would load first (never the bundled default: it
    does not change). ``None``: polling is off (``MODEL_POLL_S`` 0) or the rules serve."""
    if settings.analysers == "rules" or settings.model_poll_s <= 0:
        return None
    return settings.models_dir if settings.models_dir is not None else settings.data_dir / "models"


def worker_sizes(settings: Settings) -> WorkerSizes:
    """Pool sizes; the speech pools as the speech settings say (``SpeechConfig``)."""
    if not settings.speech:
        return WorkerSizes()
    from voice_agent.speech_runtime import speech_config

    cfg = speech_config(settings)
    return WorkerSizes(stt=cfg.stt_workers, tts=cfg.tts_workers, audio=cfg.vad_workers)


def build_limits(settings: Settings) -> Limits:
    import time

    cfg = LimitSettings(
        rest_rps=settings.rate_limit_rps,
        rest_burst=settings.rate_limit_burst,
        realtime_events_per_s=settings.realtime_events_per_s,
        realtime_events_burst=settings.realtime_events_burst,
        realtime_audio_speed=settings.realtime_audio_speed,
        max_calls=settings.max_calls,
        daily_conversations_per_key=settings.daily_conversations_per_key,
    )
    limits = Limits(cfg, monotonic=time.monotonic, wall=time.time)
    # read at each scrape: the instance's load, for the capacity alert and load balancers
    metrics.CALLS_ACTIVE.set_function(lambda: limits.calls.active)
    metrics.CALLS_MAX.set_function(lambda: limits.calls.limit)
    return limits


def _generator(settings: Settings, kind: str, playbook: Playbook) -> ResponseGenerator:
    from voice_agent.generation.factory import build_generator

    return build_generator(
        kind,
        playbook,
        llm_base_url=settings.llm_base_url,
        llm_api_key=settings.llm_api_key,
        llm_model=settings.llm_model,
        llm_timeout_s=settings.llm_timeout_s,
        llm_circuit_failures=settings.llm_circuit_failures,
        llm_circuit_open_s=settings.llm_circuit_open_s,
    )


def _policy(kind: str) -> Policy:
    if kind == "model":
        from voice_agent.models.policy import ModelPolicy

        return ModelPolicy()
    return RulePolicy()


def build_experiment(
    settings: Settings, orch: Orchestrator, playbook: Playbook, store: Store
) -> Experiment:
    """The experiment of ``settings.experiment``: each arm's playbook, generator and
    policy, the server's own where the arm names none."""
    from voice_agent.experiments.config import arm_playbook, load_experiment
    from voice_agent.experiments.runner import Arm, Experiment
    from voice_agent.playbook.faq import FaqIndex

    assert settings.experiment is not None
    config = load_experiment(settings.experiment)
    arms: dict[str, Arm] = {}
    for spec in config.arms:
        pb = arm_playbook(spec, settings.playbook, playbook)
        same_playbook = pb is playbook
        generator = (
            orch.generator
            if same_playbook and spec.generator in (None, settings.generator)
            else _generator(settings, spec.generator or settings.generator, pb)
        )
        if spec.policy_thresholds is not None:
            t = spec.policy_thresholds
            policy: Policy = RulePolicy(close_at=t.close_at, max_handles=t.max_handles)
        elif spec.policy in (None, settings.policy):
            policy = orch.policy
        else:
            policy = _policy(spec.policy or "")
        faq = orch.faq if same_playbook else FaqIndex(pb)
        arms[spec.name] = Arm(spec.name, generator, policy, faq, pb)
    return Experiment(config, arms, store)


def build_services(settings: Settings) -> Services:
    from voice_agent.playbook.faq import FaqIndex
    from voice_agent.playbook.loader import default_playbook_path, load_playbook

    keys = settings.key_list()
    shared = parse_database_url(settings.database).backend == "postgresql"
    if not keys and shared:
        raise ConfigError(
            "VOICE_AGENT_API_KEYS: set it when instances share a PostgreSQL database"
            " (each would otherwise make its own key, and keys signed by one would fail"
            " on the others)"
        )
    if not keys:
        key, path, created = ensure_key_file(settings.data_dir)
        if created:
            print(f"voice-agent: created an API key in {path}", flush=True)
        else:
            print(f"voice-agent: API key is in {path}", flush=True)
        keys = [key]
    playbook = load_playbook(settings.playbook or default_playbook_path())
    generator = _generator(settings, settings.generator, playbook)
    primary, fallback, errors, version = load_analysers(settings)
    policy = _policy(settings.policy)
    workers = Workers.create(worker_sizes(settings))
    store = open_store(
        settings.database, executor=workers.store, pool_size=settings.database_pool_size
    )
    orch = Orchestrator(
        store=store,
        primary=primary,
        fallback=fallback,
        policy=policy,
        generator=generator,
        deadline_ms=settings.analysis_deadline_ms,
        executor=workers.analysis,
        rules_executor=workers.rules,
        faq=FaqIndex(playbook),
        playbook=playbook,
        model_version=version,
        instance=settings.instance,
    )
    if settings.experiment is not None:
        orch.experiment = build_experiment(settings, orch, playbook, store)
    return Services(
        settings=settings,
        store=store,
        orchestrator=orch,
        keys=KeyChecker(keys),
        client_secrets=ClientSecrets(client_secret_key(keys)),
        limits=build_limits(settings),
        model_version=version,
        model_errors=errors,
        playbook=playbook,
        workers=workers,
    )
