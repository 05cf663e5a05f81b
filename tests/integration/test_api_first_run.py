"""First-run mistakes, tried as a new user would: each stops ``voice-agent serve`` before it
listens with one line naming the problem and the setting to change, exit 2, no traceback."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.integration.server import run_serve_expecting_exit

KEY = "first-run-key"


def _one_clear_line(done: object, setting: str, *words: str) -> str:
    from subprocess import CompletedProcess

    assert isinstance(done, CompletedProcess)
    assert done.returncode == 2, (done.returncode, done.stderr)
    assert '"listening"' not in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("voice-agent: "), done.stderr
    assert setting in last, done.stderr
    for word in words:
        assert word in last, done.stderr
    return last


def test_port_in_use(tmp_path: Path) -> None:
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    port = busy.getsockname()[1]
    try:
        done = run_serve_expecting_exit(
            tmp_path / "data",
            {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_HOST": "127.0.0.1"},
            args=("--port", str(port)),
        )
    finally:
        busy.close()
    _one_clear_line(done, "VOICE_AGENT_PORT", f"127.0.0.1:{port}", "in use")


def test_llm_generator_without_url_or_key(tmp_path: Path) -> None:
    env = {
        "VOICE_AGENT_API_KEYS": KEY,
        "VOICE_AGENT_GENERATOR": "llm",
        "VOICE_AGENT_LLM_MODEL": "gpt-4o-mini",
        "OPENAI_API_KEY": "",
    }
    _one_clear_line(run_serve_expecting_exit(tmp_path / "data", env), "VOICE_AGENT_LLM_API_KEY")


def test_data_dir_that_is_a_file(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("I am a file", encoding="utf-8")
    done = run_serve_expecting_exit(not_a_dir, {"VOICE_AGENT_API_KEYS": KEY})
    _one_clear_line(done, "VOICE_AGENT_DATA_DIR", str(not_a_dir))


def test_data_dir_inside_a_file(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    done = run_serve_expecting_exit(a_file / "data", {"VOICE_AGENT_API_KEYS": KEY})
    _one_clear_line(done, "VOICE_AGENT_DATA_DIR")


def test_database_url_in_a_missing_folder(tmp_path: Path) -> None:
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    url = f"sqlite:///{a_file}/db.sqlite3"
    env = {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_DATABASE_URL": url}
    done = run_serve_expecting_exit(tmp_path / "data", env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert f"{a_file}/db.sqlite3" in done.stderr.strip().splitlines()[-1], done.stderr


def test_missing_voice_file_with_speech(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.integration.server import REPO_ROOT, server_env

    missing = tmp_path / "nowhere" / "voice.onnx"
    env = server_env(
        tmp_path / "data", {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_TTS_VOICE": str(missing)}
    )
    done = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "serve", "--port", "0"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    _one_clear_line(done, "VOICE_AGENT_TTS_VOICE", str(missing))
