"""Start-up with bad configuration: a malformed playbook stops the server with a message
naming the file, field and problem; a broken model registry does not stop it (the rule
analysers answer, and /readyz and the insights say so)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.server import run_serve_expecting_exit, start_server
from voice_agent.models.registry import CHAMPION_FILE
from voice_agent.orchestrator import KINDS
from voice_agent.playbook import default_playbook_path

KEY = "startup-test-key"


# -- malformed playbooks --------------------------------------------------------------------
def _bundled() -> dict[str, Any]:
    data = yaml.safe_load(default_playbook_path().read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _negative_price(pb: dict[str, Any]) -> None:
    pb["programs"][1]["price"] = -5


def _missing_price_handlers(pb: dict[str, Any]) -> None:
    del pb["content"]["es"]["objections"]["price"]


def _unknown_placeholder(pb: dict[str, Any]) -> None:
    pb["content"]["en"]["closing"][0] = "Shall we start, {customer_nickname}?"


def _wrong_type(pb: dict[str, Any]) -> None:
    pb["trial"]["credited"] = "sometimes"


@pytest.mark.parametrize(
    ("edit", "field", "problem"),
    [
        (_negative_price, "programs[1].price", "must be a positive number"),
        (
            _missing_price_handlers,
            "content.es.objections",
            "missing entry for objection label 'price'",
        ),
        (_unknown_placeholder, "content.en.closing[0]", "unknown placeholder {customer_nickname}"),
        (_wrong_type, "trial.credited", "bool"),
    ],
)
def test_malformed_playbook_stops_the_server(
    tmp_path: Path, edit: Callable[[dict[str, Any]], None], field: str, problem: str
) -> None:
    pb = _bundled()
    edit(pb)
    bad = tmp_path / "broken playbook.yaml"
    bad.write_text(yaml.safe_dump(pb, allow_unicode=True), encoding="utf-8")
    done = run_serve_expecting_exit(
        tmp_path / "data", {"VOICE_AGENT_PLAYBOOK": str(bad), "VOICE_AGENT_API_KEYS": KEY}
    )
    assert done.returncode != 0
    assert '"listening"' not in done.stdout
    first = done.stderr.strip().splitlines()[0]
    assert first.startswith(f"voice-agent: invalid playbook: {bad}: {field}: "), done.stderr
    assert problem in first, done.stderr
    assert "Traceback" not in done.stderr


def test_playbook_that_is_not_yaml(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\ncompany: [unclosed\n", encoding="utf-8")
    done = run_serve_expecting_exit(
        tmp_path / "data", {"VOICE_AGENT_PLAYBOOK": str(bad), "VOICE_AGENT_API_KEYS": KEY}
    )
    assert done.returncode != 0
    assert f"{bad}: (yaml): invalid YAML at line" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_missing_playbook_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.yaml"
    done = run_serve_expecting_exit(
        tmp_path / "data", {"VOICE_AGENT_PLAYBOOK": str(missing), "VOICE_AGENT_API_KEYS": KEY}
    )
    assert done.returncode != 0
    assert f"{missing}: (file): file not found" in done.stderr, done.stderr


@pytest.mark.parametrize(
    ("var", "value"),
    [
        ("VOICE_AGENT_MAX_TEXT_CHARS", "many"),
        ("VOICE_AGENT_GENERATOR", "oracle"),
        ("VOICE_AGENT_DATABASE_URL", "mysql://db.example/voice"),
        # PostgreSQL that does not answer: refused at once, one line, the password hidden
        ("VOICE_AGENT_DATABASE_URL", "postgresql://va:s3cret@127.0.0.1:1/voice"),
    ],
)
def test_bad_setting_stops_the_server(tmp_path: Path, var: str, value: str) -> None:
    done = run_serve_expecting_exit(tmp_path / "data", {var: value, "VOICE_AGENT_API_KEYS": KEY})
    assert done.returncode == 2
    assert '"listening"' not in done.stdout
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("voice-agent: "), done.stderr
    assert var in last, done.stderr
    assert "Traceback" not in done.stderr
    assert "s3cret" not in done.stderr


def test_instances_sharing_postgresql_need_configured_keys(tmp_path: Path) -> None:
    """Each would make its own key file otherwise, and what one signs the others refuse."""
    from tests.postgres import scratch_database

    with scratch_database() as url:
        done = run_serve_expecting_exit(tmp_path / "data", {"VOICE_AGENT_DATABASE_URL": url})
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("voice-agent: VOICE_AGENT_API_KEYS: set it"), done.stderr
    assert not (tmp_path / "data" / "api_key").exists()


# -- model registries -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def trained_registry(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real registry (champion + model card + sha256-checked files): the bundled one
    when the repository ships it, else a small one trained here."""
    import shutil

    from voice_agent.models.registry import champion_version, default_registry_dir

    root = tmp_path_factory.mktemp("registry") / "models"
    bundled = default_registry_dir()
    version = champion_version(bundled)
    if version is not None:
        root.mkdir()
        shutil.copytree(bundled / version, root / version)
        shutil.copy(bundled / CHAMPION_FILE, root / CHAMPION_FILE)
        return root

    from ml.train import train
    from tests.unit.ml.sample import conversations, utterances

    train(utterances(300, 1), conversations(120, 2), root, seed=0, mlflow_uri=None, progress=False)
    return root


def _copy_registry(src: Path, dst: Path) -> tuple[Path, str]:
    import shutil

    shutil.copytree(src, dst)
    version = json.loads((dst / CHAMPION_FILE).read_text())["version"]
    return dst, version


def _garble(path: Path) -> None:
    path.write_bytes(b"\x80\x04 this is not a model " * 50)


def _scenario(name: str, root: Path, version: str) -> set[str]:
    """Break the registry at ``root`` as ``name`` says; returns the kinds that fall back."""
    vdir = root / version
    if name == "healthy":
        return set()
    if name == "conversion_corrupt":
        _garble(vdir / "conversion.joblib")
        return {"conversion"}
    if name == "utterance_corrupt":
        _garble(vdir / "utterance.joblib")
        return set(KINDS)
    if name == "card_garbage":
        (vdir / "model_card.json").write_text("{ not json", encoding="utf-8")
        return set(KINDS)
    if name == "champion_missing_version":
        (root / CHAMPION_FILE).write_text(json.dumps({"version": "20990101-gone"}))
        return set(KINDS)
    raise AssertionError(name)


@pytest.mark.parametrize(
    "scenario",
    [
        "healthy",
        "conversion_corrupt",
        "utterance_corrupt",
        "card_garbage",
        "champion_missing_version",
    ],
)
def test_model_registry(trained_registry: Path, tmp_path: Path, scenario: str) -> None:
    root, version = _copy_registry(trained_registry, tmp_path / "models")
    broken = _scenario(scenario, root, version)
    env = {
        "VOICE_AGENT_MODELS_DIR": str(root),
        "VOICE_AGENT_API_KEYS": KEY,
        # generous, so only a broken model (never a busy machine) causes a fallback
        "VOICE_AGENT_ANALYSIS_DEADLINE_MS": "5000",
    }
    srv = start_server(tmp_path / "data", env)
    try:
        with srv.client(KEY) as c:
            ready = c.get("/readyz")
            assert ready.status_code == 200, ready.text
            models = ready.json()["models"]
            assert set(models["fallback"]) == broken
            assert set(models["loaded"]) == set(KINDS) - broken
            assert set(models["errors"]) == broken
            for kind in broken:
                assert models["errors"][kind].strip()
            if scenario == "champion_missing_version":
                assert "20990101-gone" in json.dumps(models["errors"])
            elif broken:
                assert str(root) in json.dumps(models["errors"])

            cid = c.post("/v1/conversations", json={"lang": "en"}).json()["id"]
            r = c.post(f"/v1/conversations/{cid}/messages", json={"text": "too expensive"})
            assert r.status_code == 200, r.text
            ins = r.json()["insights"]
            assert set(ins["fallbacks"]) == broken
            for kind in set(KINDS) - broken:
                assert ins["models"][kind] == version
            for kind in broken:
                assert ins["models"][kind] != version

            stored = c.get(f"/v1/conversations/{cid}").json()["turns"][1]["insights"]
            assert set(stored["fallbacks"]) == broken

            metrics = c.get("/metrics").text
            for kind in broken:
                assert (
                    f'voice_agent_analyser_fallbacks_total{{analyser="{kind}",reason="unavailable"}}'
                    in metrics
                )
    finally:
        srv.stop()
    if broken:
        assert "model_unavailable" in srv.stderr()


# -- the database -----------------------------------------------------------------------------
def _newer_schema(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version (version) VALUES (999)")
    conn.commit()
    conn.close()
    return "schema version 999 is newer"


def _not_a_database(db: Path) -> str:
    db.write_bytes(b"this is not an SQLite database, just some text " * 100)
    return "not a database"


def _contents(db: Path) -> Any:
    """The tables and schema versions of an SQLite file, or its bytes if it is not one."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            tables = conn.execute("SELECT name, sql FROM sqlite_master ORDER BY name").fetchall()
            versions = conn.execute("SELECT version FROM schema_version").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return db.read_bytes()
    return tables, versions


@pytest.mark.parametrize("breakage", [_newer_schema, _not_a_database])
def test_unusable_database_stops_the_server_before_it_listens(
    tmp_path: Path, breakage: Callable[[Path], str]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    db = data / "voice_agent.sqlite3"
    problem = breakage(db)
    before = _contents(db)
    done = run_serve_expecting_exit(data, {"VOICE_AGENT_API_KEYS": KEY})
    assert done.returncode != 0
    assert '"listening"' not in done.stdout, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert f"voice-agent: {db}: " in done.stderr, done.stderr
    assert problem in done.stderr
    assert _contents(db) == before, "the database was left as it was"


# -- settings file ----------------------------------------------------------------------------
def test_settings_file_is_applied(tmp_path: Path) -> None:
    cfg = tmp_path / "voice-agent.yaml"
    cfg.write_text(f"api_keys: {KEY}\nmax_text_chars: 40\n", encoding="utf-8")
    srv = start_server(tmp_path / "data", {"VOICE_AGENT_CONFIG": str(cfg)})
    try:
        with srv.client(KEY) as c:
            cid = c.post("/v1/conversations", json={}).json()["id"]
            r = c.post(f"/v1/conversations/{cid}/messages", json={"text": "x" * 41})
            assert r.status_code == 422
            assert r.json()["error"]["code"] == "text_too_long"
            assert "40" in r.json()["error"]["message"]
    finally:
        srv.stop()


def test_unknown_key_in_settings_file_stops_the_server(tmp_path: Path) -> None:
    cfg = tmp_path / "voice-agent.yaml"
    cfg.write_text(f"api_keys: {KEY}\nmax_text_char: 40\n", encoding="utf-8")
    done = run_serve_expecting_exit(tmp_path / "data", {"VOICE_AGENT_CONFIG": str(cfg)})
    assert done.returncode == 2
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"voice-agent: {cfg}: unknown setting(s): max_text_char"), done.stderr


def test_rules_selected_on_the_command_line(trained_registry: Path, tmp_path: Path) -> None:
    """--analysers rules uses the rules even when a healthy registry is configured."""
    env = {"VOICE_AGENT_API_KEYS": KEY, "VOICE_AGENT_MODELS_DIR": str(trained_registry)}
    srv = start_server(tmp_path / "data", env, args=("--analysers", "rules"))
    try:
        with srv.client(KEY) as c:
            models = c.get("/readyz").json()["models"]
            assert models["loaded"] == []
            assert set(models["fallback"]) == set(KINDS)
            assert all("rules selected" in e for e in models["errors"].values())
            cid = c.post("/v1/conversations", json={}).json()["id"]
            ins = c.post(f"/v1/conversations/{cid}/messages", json={"text": "hi"}).json()
            assert set(ins["insights"]["fallbacks"]) == set(KINDS)
    finally:
        srv.stop()
