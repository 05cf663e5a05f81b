"""Registries saved before the runtime moved to ``voice_agent.models`` (class paths
``ml.textfeat``, ``ml.utterance``, ...): the server reports them with a clear code, and
``ml migrate-registry`` rewrites them into versions the runtime loads, predicting exactly
as before."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ml import registry
from ml.cli import main
from ml.migrate import migrate_registry, runtime_module
from voice_agent.core.types import AnalysisInput, Utterance

REPO_ROOT = Path(__file__).resolve().parents[3]

#: Save the bundled champion's models under their old class paths, as the training code
#: before the split wrote them (in a child process: it renames classes' modules).
WRITE_LEGACY = """
import sys
from pathlib import Path

import voice_agent.models.conversion as cv
import voice_agent.models.linear as li
import voice_agent.models.textfeat as tf
import voice_agent.models.utterance as ut
from ml import registry as write
from voice_agent.models import registry

root = registry.default_registry_dir()
loaded = registry.load_champion(root)
assert not loaded.errors, loaded.errors
utt = loaded.analysers["objections"].model
conv = loaded.analysers["conversion"].model
card = registry.read_card(root, loaded.version)
for mod in (tf, li, ut, cv):
    legacy = "ml." + mod.__name__.rsplit(".", 1)[1]
    sys.modules[legacy] = mod
    for obj in list(vars(mod).values()):
        if isinstance(obj, type) and obj.__module__ == mod.__name__:
            obj.__module__ = legacy
out = Path(sys.argv[1])
write.save_version(out, "20200101-000000-legacy", utt, conv, card)
write.set_champion(out, "20200101-000000-legacy")
"""

TEXTS = (
    ("that's way too expensive for me", "en"),
    ("i'd have to ask my wife first", "en"),
    ("no tengo tiempo, la verdad", "es"),
)


@pytest.fixture(scope="module")
def legacy_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("legacy") / "models"
    done = subprocess.run(
        [sys.executable, "-c", WRITE_LEGACY, str(root)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return root


def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src, dst)
    return dst


def _predictions(loaded: registry.LoadedModels) -> list[object]:
    out: list[object] = []
    history = (Utterance("agent", "it's 99 a month"),)
    for text, lang in TEXTS:
        inp = AnalysisInput(text=text, lang=lang, history=history)  # type: ignore[arg-type]
        out += [dict(loaded.analysers[k].predict(inp)) for k in ("objections", "needs")]
        out += [loaded.analysers["conversion"].predict(inp)]
    return out


def test_runtime_module_maps_only_moved_modules() -> None:
    assert runtime_module("ml.utterance") == "voice_agent.models.utterance"
    assert runtime_module("ml.textfeat") == "voice_agent.models.textfeat"
    assert runtime_module("ml.train") == "ml.train"
    assert runtime_module("numpy.core.multiarray") == "numpy.core.multiarray"


def test_legacy_version_is_reported_then_migrated(legacy_root: Path, tmp_path: Path) -> None:
    root = _copy(legacy_root, tmp_path / "models")
    before = registry.load_champion(root)
    assert set(before.errors) == set(registry.KINDS)
    assert all(e.startswith("legacy_artifact: ") for e in before.errors.values()), before.errors
    assert "migrate-registry" in before.errors["objections"]

    assert migrate_registry(root, log=lambda _: None) == ["20200101-000000-legacy"]
    after = registry.load_champion(root)
    assert after.errors == {}
    bundled = registry.load_champion(registry.default_registry_dir())
    assert _predictions(after) == _predictions(bundled)
    card = registry.read_card(root, "20200101-000000-legacy")
    for name in (registry.UTTERANCE_FILE, registry.CONVERSION_FILE):
        assert card["files"][name]["sha256"] == registry.sha256_file(root / after.version / name)
    # Idempotent: a current version is left alone.
    assert migrate_registry(root, log=lambda _: None) == []


def test_migrate_refuses_a_file_that_does_not_match_its_card(
    legacy_root: Path, tmp_path: Path
) -> None:
    root = _copy(legacy_root, tmp_path / "models")
    path = root / "20200101-000000-legacy" / registry.CONVERSION_FILE
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(registry.RegistryError) as err:
        migrate_registry(root, log=lambda _: None)
    assert err.value.code == "file_corrupt"


def test_cli_migrate_registry(
    legacy_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _copy(legacy_root, tmp_path / "models")
    assert main(["ml", "migrate-registry", str(root), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rewritten"] == ["20200101-000000-legacy"]
    assert main(["ml", "migrate-registry", str(tmp_path / "nowhere"), "--json"]) == 2
    err = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    assert err["error"]["code"] == "no_registry"
