"""``voice-agent retention`` on a real data directory: dry run, delete, anonymize (JSON out)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.server import REPO_ROOT, server_env
from voice_agent.core.conversation import Conversation
from voice_agent.store.sqlite import SQLiteStore

DAY_S = 86_400.0


def _seed(data_dir: Path) -> None:
    async def seed() -> None:
        store = SQLiteStore(data_dir / "voice_agent.sqlite3")
        await store.open()
        try:
            now = time.time()
            for cid, age_days in (("old1", 40), ("old2", 31), ("new1", 2)):
                conv = Conversation(
                    id=cid, lang="en", customer={"name": "Zoe"}, created_at=now - age_days * DAY_S
                )
                await store.create_conversation(conv)
                a = conv.add_turn("agent", "Hi, I'm Sofia.", conv.created_at + 1)
                b = conv.add_turn("customer", "my number is 555-0100", conv.created_at + 2)
                conv.outcome = {"converted": True, "value": 1.0}
                await store.save_turns(conv, [a, b])
        finally:
            await store.close()

    data_dir.mkdir(parents=True, exist_ok=True)
    asyncio.run(seed())


def _retention(data_dir: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "retention", "--json", *args],
        cwd=REPO_ROOT,
        env=server_env(data_dir, env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    out: dict[str, object] = json.loads(done.stdout)
    return out


def _load(data_dir: Path, cid: str) -> Conversation | None:
    async def load() -> Conversation | None:
        store = SQLiteStore(data_dir / "voice_agent.sqlite3")
        await store.open()
        try:
            return await store.get_conversation(cid)
        finally:
            await store.close()

    return asyncio.run(load())


def test_dry_run_then_delete(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _seed(data)
    env = {"VOICE_AGENT_RETENTION_DAYS": "30"}
    dry = _retention(data, "--dry-run", env=env)
    assert (dry["mode"], dry["days"], dry["conversations"], dry["turns"], dry["dry_run"]) == (
        "delete",
        30,
        2,
        4,
        True,
    )
    assert _load(data, "old1") is not None
    done = _retention(data, env=env)
    assert (done["conversations"], done["turns"], done["dry_run"]) == (2, 4, False)
    assert _load(data, "old1") is None and _load(data, "old2") is None
    assert _load(data, "new1") is not None
    assert _retention(data, env=env)["conversations"] == 0


def test_anonymize_from_the_options(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _seed(data)
    done = _retention(data, "--days", "35", "--mode", "anonymize")
    assert (done["mode"], done["conversations"], done["turns"]) == ("anonymize", 1, 2)
    old = _load(data, "old1")
    assert old is not None
    assert old.customer == {} and [t.text for t in old.turns] == ["[removed]", "[removed]"]
    assert old.outcome == {"converted": True, "value": 1.0}
    kept = _load(data, "old2")
    assert kept is not None and kept.customer == {"name": "Zoe"}


def test_off_by_default_and_human_output(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _seed(data)
    assert _retention(data)["conversations"] == 0
    done = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "retention", "--days", "30", "--dry-run"],
        cwd=REPO_ROOT,
        env=server_env(data),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "2 conversations (4 turns) older than 30 days would be deleted" in done.stdout
    assert _load(data, "old1") is not None


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--days", "-1"), "--days must be 0"),
    ],
)
def test_bad_options_give_one_line_and_exit_2(
    tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "voice_agent.cli", "retention", *args],
        cwd=REPO_ROOT,
        env=server_env(tmp_path / "data"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert says in done.stderr and "Traceback" not in done.stderr
