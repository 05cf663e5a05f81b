"""Settings: VOICE_AGENT_* environment, a YAML file via VOICE_AGENT_CONFIG, clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from voice_agent.errors import ConfigError
from voice_agent.settings import Settings, load_settings


def test_defaults_need_nothing(clean_env: pytest.MonkeyPatch) -> None:
    s = load_settings()
    assert s.port == 8000
    assert s.data_dir == Path("data")
    assert s.database == f"sqlite:///{Path('data') / 'voice_agent.sqlite3'}"
    assert s.generator == "playbook"
    assert s.api_keys is None and s.key_list() == []


def test_environment_prefix(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("VOICE_AGENT_PORT", "9123")
    clean_env.setenv("VOICE_AGENT_DATA_DIR", str(tmp_path))
    clean_env.setenv("VOICE_AGENT_API_KEYS", " k1 , ,k2 ")
    clean_env.setenv("VOICE_AGENT_SPEECH", "false")
    clean_env.setenv("VOICE_AGENT_ANALYSIS_DEADLINE_MS", "12.5")
    clean_env.setenv("PORT", "1")  # no prefix: not ours
    s = load_settings()
    assert s.port == 9123
    assert s.data_dir == tmp_path
    assert s.database == f"sqlite:///{tmp_path / 'voice_agent.sqlite3'}"
    assert s.key_list() == ["k1", "k2"]
    assert s.speech is False
    assert s.analysis_deadline_ms == 12.5


def test_yaml_file(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("port: 7001\nmax_text_chars: 300\ngenerator: llm\nllm_model: tiny\n")
    clean_env.setenv("VOICE_AGENT_CONFIG", str(cfg))
    s = load_settings()
    assert (s.port, s.max_text_chars, s.generator, s.llm_model) == (7001, 300, "llm", "tiny")


def test_environment_beats_file_and_overrides_beat_both(
    clean_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("port: 7001\nhost: 0.0.0.0\n")
    clean_env.setenv("VOICE_AGENT_CONFIG", str(cfg))
    clean_env.setenv("VOICE_AGENT_PORT", "7002")
    s = load_settings()
    assert s.port == 7002
    assert s.host == "0.0.0.0"
    assert load_settings(port=0).port == 0


def test_unknown_key_in_file_is_rejected(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("port: 7001\nprot: 7002\n")
    clean_env.setenv("VOICE_AGENT_CONFIG", str(cfg))
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(cfg) in str(err.value)
    assert "prot" in str(err.value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [("port: [1\n", "cannot read"), ("- a\n- b\n", "must be a mapping")],
)
def test_bad_file_is_a_config_error(
    clean_env: pytest.MonkeyPatch, tmp_path: Path, content: str, problem: str
) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text(content)
    clean_env.setenv("VOICE_AGENT_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match=problem) as err:
        load_settings()
    assert str(cfg) in str(err.value)


def test_missing_file_is_a_config_error(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    clean_env.setenv("VOICE_AGENT_CONFIG", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigError, match=r"nope\.yaml"):
        load_settings()


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("VOICE_AGENT_PORT", "eighty"),
        ("VOICE_AGENT_PORT", "70000"),
        ("VOICE_AGENT_GENERATOR", "gpt"),
        ("VOICE_AGENT_ANALYSERS", "magic"),
        ("VOICE_AGENT_LOG_LEVEL", "loud"),
        ("VOICE_AGENT_ANALYSIS_DEADLINE_MS", "0"),
        ("VOICE_AGENT_MAX_BODY_BYTES", "-1"),
        ("VOICE_AGENT_SILENCE_MS", "50"),
        ("VOICE_AGENT_API_KEYS", " , "),
        ("VOICE_AGENT_API_KEYS", "good,k:root"),
        ("VOICE_AGENT_API_KEYS", "k:agent:bad tenant"),
        ("VOICE_AGENT_RETENTION_DAYS", "-1"),
        ("VOICE_AGENT_RETENTION_MODE", "shred"),
        ("VOICE_AGENT_SPEECH", "perhaps"),
        ("VOICE_AGENT_TTS_WORKERS", "-1"),
        ("VOICE_AGENT_TTS_WORKERS", "many"),
        ("VOICE_AGENT_TTS_WORKERS", "65"),
        ("VOICE_AGENT_TTS_CACHE_MB", "-5"),
    ],
)
def test_bad_value_names_the_variable(clean_env: pytest.MonkeyPatch, var: str, value: str) -> None:
    clean_env.setenv(var, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert var in str(err.value)


def test_bad_value_in_file_names_the_setting(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    cfg = tmp_path / "settings.yaml"
    cfg.write_text("max_text_chars: lots\n")
    clean_env.setenv("VOICE_AGENT_CONFIG", str(cfg))
    with pytest.raises(ConfigError, match="MAX_TEXT_CHARS"):
        load_settings()


def test_database_url(clean_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    db = tmp_path / "x.sqlite3"
    clean_env.setenv("VOICE_AGENT_DATABASE_URL", f"sqlite:///{db}")
    assert load_settings().database == f"sqlite:///{db}"
    clean_env.setenv("VOICE_AGENT_DATABASE_URL", "postgresql://va:pw@db:5432/voice")
    assert load_settings().database == "postgresql://va:pw@db:5432/voice"
    for wrong in ("mysql://db/voice", "sqlite://relative.db", "sqlite:///"):
        clean_env.setenv("VOICE_AGENT_DATABASE_URL", wrong)
        with pytest.raises(ConfigError, match=r"VOICE_AGENT_DATABASE_URL.*sqlite:///PATH"):
            load_settings()


def test_unknown_variables_are_named() -> None:
    from voice_agent.settings import unknown_variables

    env = {
        "VOICE_AGENT_PORT": "1",
        "VOICE_AGENT_CONFIG": "x.yaml",
        "VOICE_AGENT_API_KEY": "k",
        "VOICE_AGENT_SILENCE_MSS": "300",
        "OTHER": "1",
    }
    assert unknown_variables(env) == ["VOICE_AGENT_SILENCE_MSS"]


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"VOICE_AGENT_PUBLIC_URL": "ftp://example.com"}, "VOICE_AGENT_PUBLIC_URL"),
        ({"VOICE_AGENT_PUBLIC_URL": "http://example.com"}, "VOICE_AGENT_PUBLIC_URL"),
        ({"VOICE_AGENT_TWILIO_AUTH_TOKEN": "abc"}, "VOICE_AGENT_TWILIO_AUTH_TOKEN"),
        ({"VOICE_AGENT_AUDIOSOCKET_ALLOW": "10.0.0.0/8,nope"}, "VOICE_AGENT_AUDIOSOCKET_ALLOW"),
        ({"VOICE_AGENT_AUDIOSOCKET_PORT": "70000"}, "VOICE_AGENT_AUDIOSOCKET_PORT"),
        ({"VOICE_AGENT_CALL_IDLE_TIMEOUT_S": "0"}, "VOICE_AGENT_CALL_IDLE_TIMEOUT_S"),
    ],
)
def test_telephony_settings_name_the_variable(
    clean_env: pytest.MonkeyPatch, env: dict[str, str], named: str
) -> None:
    for key, value in env.items():
        clean_env.setenv(key, value)
    with pytest.raises(ConfigError, match=named):
        load_settings()


def test_telephony_settings(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("VOICE_AGENT_PUBLIC_URL", "https://agent.example.com/")
    clean_env.setenv("VOICE_AGENT_TWILIO_AUTH_TOKEN", "secret")
    clean_env.setenv("VOICE_AGENT_AUDIOSOCKET_ALLOW", "10.1.0.0/16, 192.168.1.5")
    s = load_settings()
    assert s.public_url == "https://agent.example.com"
    assert s.audiosocket_port is None and s.audiosocket_host == "127.0.0.1"


def test_bad_tts_workers_stops_start_up_with_one_line(tmp_path: Path) -> None:
    """``serve`` with a bad synthesis worker count: exit 2, one line naming the setting."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if not k.startswith("VOICE_AGENT_")}
    env |= {"VOICE_AGENT_TTS_WORKERS": "-2", "VOICE_AGENT_DATA_DIR": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "serve", "--port", "0", "--no-speech"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in proc.stderr
    assert "VOICE_AGENT_TTS_WORKERS" in lines[0]


def test_speech_defaults_are_the_engines_defaults() -> None:
    """A server started from the defaults runs its speech engines as they run unconfigured
    (tests, benches): each default is one constant (voice_agent.speech.defaults)."""
    from voice_agent.speech.engines import SpeechConfig
    from voice_agent.speech_runtime import speech_config

    assert speech_config(Settings(data_dir=Path("data"))) == SpeechConfig()
