"""Settings from ``VOICE_AGENT_*`` environment variables and an optional YAML file.

Precedence: environment > file named by ``VOICE_AGENT_CONFIG`` > defaults. The defaults
need nothing: SQLite under ``./data``, the bundled playbook, models and speech voices.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from voice_agent.audio.turn_detector import SILENCE_MS
from voice_agent.errors import ConfigError
from voice_agent.generation import circuit
from voice_agent.speech import defaults as speech_defaults
from voice_agent.web.demo import DemoMode

REPO_ROOT = Path(__file__).resolve().parent.parent


class _YamlFileSource(PydanticBaseSettingsSource):
    """Reads the file named by ``VOICE_AGENT_CONFIG`` (a YAML mapping of setting names)."""

    def __init__(self, settings_cls: type[BaseSettings]) -> None:
        super().__init__(settings_cls)
        path = os.environ.get("VOICE_AGENT_CONFIG")
        self._data: dict[str, Any] = {}
        if path:
            p = Path(path)
            try:
                loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
            except (OSError, yaml.YAMLError) as exc:
                raise ConfigError(f"{p}: cannot read settings file: {exc}") from exc
            if not isinstance(loaded, dict):
                raise ConfigError(f"{p}: settings file must be a mapping of setting names")
            unknown = sorted(set(loaded) - set(settings_cls.model_fields))
            if unknown:
                raise ConfigError(f"{p}: unknown setting(s): {', '.join(unknown)}")
            self._data = loaded

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VOICE_AGENT_", extra="ignore")

    # server
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    data_dir: Path = Path("data")
    api_keys: str | None = None
    log_level: Literal["debug", "info", "warning", "error"] = "info"
    log_format: Literal["json", "console"] = "json"
    allowed_origins: str = ""
    #: The demo page at ``/``: ``auto`` (only on a loopback address), ``on`` (behind the API
    #: key) or ``off``; see :mod:`voice_agent.web.demo`.
    demo: DemoMode = "auto"

    # store
    #: ``sqlite:///PATH`` (one machine; default: ``DATA_DIR/voice_agent.sqlite3``) or
    #: ``postgresql://user:password@host:5432/db`` (several instances on one database).
    database_url: str | None = None
    #: Most connections an instance opens to PostgreSQL.
    database_pool_size: int = Field(default=10, ge=1, le=200)
    #: This instance's name among several (its calls are ended by the others if it stops
    #: answering). Default: host name and port (host name and process id on port 0).
    instance_id: str | None = Field(default=None, min_length=1, max_length=200)
    #: How often an instance records that it is alive; silent for 4 of these, its calls
    #: are ended by the others (``instance_lost``).
    heartbeat_s: float = Field(default=5.0, gt=0, le=60)
    #: Conversations older than this many days are deleted or anonymized (0: kept forever).
    retention_days: int = Field(default=0, ge=0)
    retention_mode: Literal["delete", "anonymize"] = "delete"

    # conversation engine
    playbook: Path | None = None
    generator: Literal["playbook", "llm"] = "playbook"
    llm_base_url: str | None = None
    llm_api_key: str | None = None
    llm_model: str = "gpt-4o-mini"
    llm_timeout_s: float = Field(default=4.0, gt=0)
    #: The LLM endpoint's circuit breaker: this many failures in a row stop calling it for
    #: llm_circuit_open_s seconds (turns use the playbook), then one request probes it.
    llm_circuit_failures: int = Field(default=circuit.DEFAULT_FAILURES, ge=1)
    llm_circuit_open_s: float = Field(default=circuit.DEFAULT_OPEN_S, gt=0)
    models_dir: Path | None = None
    #: Seconds between two looks at the registry's champion.json (MODELS_DIR, else
    #: DATA_DIR/models): a new champion serves without a restart (voice_agent/models/watch.py).
    #: 0: never (the champion loaded at start-up serves until the process ends).
    model_poll_s: float = Field(default=10.0, ge=0)
    analysers: Literal["models", "rules"] = "models"
    policy: Literal["model", "rules"] = "model"
    #: An A/B experiment file (voice_agent/experiments/config.py): arms that change the
    #: playbook, the generator or the policy; none: no experiment.
    experiment: Path | None = None
    #: The learning loop (``voice-agent learn``; inside ``serve`` too with learn=true):
    #: retrain when this many new recorded conversations with an outcome exist.
    retrain_every: int = Field(default=100, ge=1)
    learn: bool = False
    analysis_deadline_ms: float = Field(default=40.0, gt=0)
    max_text_chars: int = Field(default=2000, gt=0)
    max_body_bytes: int = Field(default=64_000, gt=0)

    # voice
    speech: bool = True
    stt_model: str | None = None
    stt_language: str = speech_defaults.STT_LANGUAGE
    stt_threads: int = Field(default=speech_defaults.STT_THREADS, ge=1)
    #: Seconds of silence after the utterance in the multilingual (Spanish) Whisper's encoder
    #: window: shorter is faster (see SpeechConfig.stt_window_pad_s for the measurements).
    stt_multilingual_window_pad_s: float = Field(
        default=speech_defaults.STT_MULTILINGUAL_WINDOW_PAD_S, ge=0.0, le=30.0
    )
    tts_voice: Path | None = None
    tts_config: Path | None = None
    #: Speech synthesis threads sharing the voice (each uses one core); 0: one per core this
    #: process may run on. Replies' first chunks go first (voice_agent.speech.scheduler).
    tts_workers: int = Field(default=speech_defaults.TTS_WORKERS, ge=0, le=64)
    #: MB of synthesized sentences kept for reuse by later calls (greetings, playbook
    #: lines); 0: none.
    tts_cache_mb: int = Field(default=speech_defaults.TTS_CACHE_MB, ge=0, le=4096)
    silence_ms: int = Field(default=int(SILENCE_MS), ge=100, le=5000)
    greet_first: bool = True
    call_idle_timeout_s: float = Field(default=300.0, gt=0)
    call_max_duration_s: float = Field(default=3600.0, gt=0)
    #: On SIGTERM, how long live calls may go on before they are wound down and the server
    #: exits (new calls are refused with 503 ``shutting_down`` meanwhile).
    shutdown_grace_s: float = Field(default=30.0, ge=0, le=3600)
    #: Offer WebSocket permessage-deflate to clients that ask for it. Off: the calls' audio
    #: (base64 PCM or G.711) barely compresses, so it would cost CPU for little.
    ws_compression: bool = False

    # limits (voice_agent.limits; counted per instance)
    #: REST requests per second per API key, and how many may come at once.
    rate_limit_rps: float = Field(default=200.0, gt=0)
    rate_limit_burst: int = Field(default=400, ge=1)
    #: Realtime client events (other than input audio) per second per session, and burst.
    realtime_events_per_s: float = Field(default=50.0, gt=0)
    realtime_events_burst: int = Field(default=200, ge=1)
    #: Input audio a realtime session may send, in times real time (plus a minute at once).
    realtime_audio_speed: float = Field(default=20.0, ge=1)
    #: Concurrent calls (realtime, Twilio, AudioSocket together); 0 admits no call.
    max_calls: int = Field(default=16, ge=0)
    #: Conversations a key may create per UTC day (0: no limit).
    daily_conversations_per_key: int = Field(default=20_000, ge=0)

    # telephony
    public_url: str | None = None
    twilio_auth_token: str | None = None
    twilio_hand_off_number: str | None = None
    audiosocket_port: int | None = Field(default=None, ge=0, le=65535)
    audiosocket_host: str = "127.0.0.1"
    audiosocket_allow: str = "127.0.0.1/32,::1/128"

    @field_validator("api_keys")
    @classmethod
    def _keys_not_blank(cls, v: str | None) -> str | None:
        if v is not None and not [k for k in v.split(",") if k.strip()]:
            raise ValueError("must list at least one non-empty key, comma separated")
        if v is not None and any(k.strip().startswith("ek_") for k in v.split(",")):
            raise ValueError("keys must not start with 'ek_' (the prefix of client secrets)")
        if v is not None:
            from voice_agent.api.auth import parse_key_entry

            for entry in v.split(","):
                if entry.strip():
                    parse_key_entry(entry)  # ValueError names the bad role or tenant
        return v

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, v: str) -> str:
        from voice_agent.realtime.origins import parse_allowed

        parse_allowed(v)  # ValueError names the bad entry
        return v

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, v: str | None) -> str | None:
        if v is None:
            return v
        from urllib.parse import urlsplit

        parts = urlsplit(v)
        loopback = parts.hostname in ("127.0.0.1", "localhost", "::1")
        if not parts.hostname or not (
            parts.scheme == "https" or (parts.scheme == "http" and loopback)
        ):
            raise ValueError(
                "must be the https:// address carriers reach this server at"
                " (http:// only for 127.0.0.1, for local testing)"
            )
        return v.rstrip("/")

    @field_validator("twilio_auth_token")
    @classmethod
    def _twilio_needs_url(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v and not info.data.get("public_url"):
            raise ValueError(
                "needs VOICE_AGENT_PUBLIC_URL too (the https:// address Twilio reaches)"
            )
        return v

    @field_validator("audiosocket_allow")
    @classmethod
    def _cidrs(cls, v: str) -> str:
        import ipaddress

        for part in v.split(","):
            if part.strip():
                try:
                    ipaddress.ip_network(part.strip(), strict=False)
                except ValueError as exc:
                    raise ValueError(f"not an address or CIDR block: {part.strip()!r}") from exc
        return v

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings, _YamlFileSource(settings_cls))

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, v: str | None) -> str | None:
        if v is not None:
            from voice_agent.store.url import parse_database_url

            parse_database_url(v)  # ValueError: the message names what is wrong
        return v

    @property
    def database(self) -> str:
        """The database URL in use (the SQLite file under ``data_dir`` by default)."""
        if self.database_url is None:
            return f"sqlite:///{self.data_dir / 'voice_agent.sqlite3'}"
        return self.database_url

    @property
    def instance(self) -> str:
        """This instance's id (:attr:`instance_id`, else host name and port or process id)."""
        if self.instance_id:
            return self.instance_id
        import os
        import socket

        return f"{socket.gethostname()}:{self.port if self.port else f'pid{os.getpid()}'}"

    def key_list(self) -> list[str]:
        return [k.strip() for k in (self.api_keys or "").split(",") if k.strip()]


#: ``VOICE_AGENT_*`` variables read by something other than :class:`Settings`.
OTHER_VARIABLES = frozenset({"VOICE_AGENT_CONFIG", "VOICE_AGENT_API_KEY"})


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """``VOICE_AGENT_*`` environment variables that no setting reads (typos, usually)."""
    env = os.environ if environ is None else environ
    known = {f"VOICE_AGENT_{name.upper()}" for name in Settings.model_fields}
    return sorted(
        k for k in env if k.startswith("VOICE_AGENT_") and k not in known | OTHER_VARIABLES
    )


def load_settings(**overrides: Any) -> Settings:
    """Build settings, turning validation errors into a ConfigError naming the variable.

    Unknown ``VOICE_AGENT_*`` variables are reported on stderr (they are ignored)."""
    unknown = unknown_variables()
    if unknown:
        print(
            f"voice-agent: warning: ignoring unknown setting(s): {', '.join(unknown)}",
            file=sys.stderr,
        )
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        problems = "; ".join(
            f"VOICE_AGENT_{'_'.join(str(p) for p in err['loc']).upper()}: {err['msg']}"
            for err in exc.errors()
        )
        raise ConfigError(f"invalid settings: {problems}") from exc
