"""`voice-agent chat`: a real terminal session driven through stdin, in both languages."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def _chat(tmp_path: Path, lang: str, lines: list[str]) -> str:
    env = dict(os.environ, VOICE_AGENT_DATA_DIR=str(tmp_path), VOICE_AGENT_API_KEYS="k")
    proc = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "chat", "--lang", lang, "--name", "Ana"],
        input="\n".join([*lines, ""]) + "\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_spanish_chat_shows_insights_and_handles_price(tmp_path: Path) -> None:
    out = _chat(tmp_path, "es", ["la verdad es muy caro para mí, no me alcanza"])
    assert out.count("agent> ") == 2  # greeting + one reply
    assert "objections: price" in out
    assert "handle_objection" in out
    reply = out.split("agent> ")[-1].lower()
    assert any(w in reply for w in ("inversión", "precio", "cuesta", "valor", "vale"))
    db = sqlite3.connect(tmp_path / "voice_agent.sqlite3")
    roles = [r[0] for r in db.execute("SELECT role FROM turns ORDER BY idx")]
    assert roles == ["agent", "customer", "agent"]


def test_english_chat_until_end_of_input(tmp_path: Path) -> None:
    out = _chat(
        tmp_path,
        "en",
        ["i'm exhausted by three pm and want more energy", "ok how do i sign up"],
    )
    assert out.count("agent> ") == 3
    assert "needs:      energy" in out
    assert "buying:     True" in out
    assert "stored in" in out
