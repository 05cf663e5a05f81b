"""The model registry as training sees it: the server's reading API
(:mod:`voice_agent.models.registry`, re-exported here) plus writing a version, the
promotion gate and the champion switch."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import joblib

from voice_agent.models.conversion import ConversionModel
from voice_agent.models.registry import CARD_FILE as CARD_FILE
from voice_agent.models.registry import CHAMPION_FILE as CHAMPION_FILE
from voice_agent.models.registry import CONVERSION_FILE as CONVERSION_FILE
from voice_agent.models.registry import KINDS as KINDS
from voice_agent.models.registry import UTTERANCE_FILE as UTTERANCE_FILE
from voice_agent.models.registry import LoadedModels as LoadedModels
from voice_agent.models.registry import RegistryError as RegistryError
from voice_agent.models.registry import champion_version as champion_version
from voice_agent.models.registry import data_registry_dir as data_registry_dir
from voice_agent.models.registry import default_registry_dir as default_registry_dir
from voice_agent.models.registry import list_versions as list_versions
from voice_agent.models.registry import load_champion as load_champion
from voice_agent.models.registry import load_default as load_default
from voice_agent.models.registry import load_version as load_version
from voice_agent.models.registry import read_card as read_card
from voice_agent.models.registry import sha256_file as sha256_file
from voice_agent.models.utterance import UtteranceModel

#: Metrics compared by the promotion gate: name -> True when higher is better.
HEADLINE_METRICS: Mapping[str, bool] = {
    "objections_macro_f1_en": True,
    "objections_macro_f1_es": True,
    "needs_micro_f1_en": True,
    "needs_micro_f1_es": True,
    "buying_signal_f1": True,
    "conversion_auc": True,
    "conversion_ece": False,
}


def code_version() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        )
        return out.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("voice-agent")
        except PackageNotFoundError:
            return "unknown"


def _atomic_write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def save_version(
    root: Path,
    version: str,
    utterance: UtteranceModel,
    conversion: ConversionModel,
    card: Mapping[str, Any],
) -> Path:
    """Write a new version directory; returns its path. Refuses to overwrite one."""
    vdir = Path(root) / version
    if vdir.exists():
        raise RegistryError("version_exists", f"{vdir} already exists")
    Path(root).mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=root, prefix=f".{version}."))
    tmp.chmod(0o755)
    joblib.dump(utterance, tmp / UTTERANCE_FILE, compress=3)
    joblib.dump(conversion, tmp / CONVERSION_FILE, compress=3)
    full = dict(card)
    full["version"] = version
    full["files"] = {
        name: {"sha256": sha256_file(tmp / name), "bytes": (tmp / name).stat().st_size}
        for name in (UTTERANCE_FILE, CONVERSION_FILE)
    }
    (tmp / CARD_FILE).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n")
    os.replace(tmp, vdir)
    return vdir


def set_champion(root: Path, version: str) -> None:
    if not (Path(root) / version / CARD_FILE).is_file():
        raise RegistryError("unknown_version", f"no model card for version {version} in {root}")
    _atomic_write(Path(root) / CHAMPION_FILE, json.dumps({"version": version}) + "\n")


def promotion_decision(
    new: Mapping[str, float | None], current: Mapping[str, float | None] | None
) -> tuple[bool, str]:
    """Promote when there is no champion, or when ``new`` is not worse on any headline
    metric that both have (measured on the same evaluation files)."""
    if current is None:
        return True, "no champion yet"
    worse: list[str] = []
    compared = 0
    for name, higher in HEADLINE_METRICS.items():
        a, b = new.get(name), current.get(name)
        if a is None or b is None:
            continue
        compared += 1
        if (higher and a < b - 1e-9) or (not higher and a > b + 1e-9):
            worse.append(f"{name} {a:.4f} vs champion {b:.4f}")
    if worse:
        return False, "worse than champion: " + "; ".join(worse)
    if compared == 0:
        return False, "no headline metric comparable with the champion"
    return True, f"not worse on {compared} headline metrics"
