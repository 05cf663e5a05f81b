"""Reading versioned model artefacts and the champion pointer (the server's side).

Writing a version, promotion and the champion switch are training's side (``ml.registry``).

Layout::

    <root>/<version>/utterance.joblib      objections, needs, buying-signal heads + features
    <root>/<version>/conversion.joblib     conversion model (uses the utterance model)
    <root>/<version>/model_card.json       data hash, sizes, metrics, code version, date,
                                           sha256 of every file
    <root>/champion.json                   {"version": "<version>"}

Loading never raises for a missing or corrupt file: the kinds that could not be loaded
are listed in :attr:`LoadedModels.errors` with a human-readable message, and the server
uses the rule-based analysers for them. A file's sha256 is checked against the model
card *before* it is unpickled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib

from voice_agent.digest import sha256_file as sha256_file
from voice_agent.models.conversion import ConversionModel
from voice_agent.models.inference import (
    ModelBuyingSignalAnalyser,
    ModelConversionAnalyser,
    ModelNeedsAnalyser,
    ModelObjectionAnalyser,
)
from voice_agent.models.utterance import UtteranceModel

KINDS: tuple[str, ...] = ("objections", "needs", "buying_signal", "conversion")
UTTERANCE_FILE = "utterance.joblib"
CONVERSION_FILE = "conversion.joblib"
CARD_FILE = "model_card.json"
CHAMPION_FILE = "champion.json"
#: The training command that rewrites artefacts saved before the model runtime moved here.
MIGRATE_HINT = "voice-agent ml migrate-registry"


class RegistryError(RuntimeError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def default_registry_dir() -> Path:
    """The trained default shipped with the repository."""
    return Path(__file__).resolve().parent / "artifacts"


def data_registry_dir() -> Path:
    """``$VOICE_AGENT_DATA_DIR/models`` (``./data/models`` by default)."""
    return Path(os.environ.get("VOICE_AGENT_DATA_DIR", "data")) / "models"


@dataclass
class LoadedModels:
    version: str | None
    analysers: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)
    root: Path | None = None

    @property
    def complete(self) -> bool:
        return not self.errors and set(self.analysers) == set(KINDS)


def champion_version(root: Path) -> str | None:
    path = Path(root) / CHAMPION_FILE
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    v = data.get("version") if isinstance(data, dict) else None
    return v if isinstance(v, str) and v else None


def list_versions(root: Path) -> list[str]:
    p = Path(root)
    if not p.is_dir():
        return []
    return sorted(d.name for d in p.iterdir() if (d / CARD_FILE).is_file())


def read_card(root: Path, version: str) -> dict[str, Any]:
    path = Path(root) / version / CARD_FILE
    try:
        data = json.loads(path.read_text())
    except OSError as exc:
        raise RegistryError("card_missing", f"{path}: {exc.strerror or exc}") from exc
    except ValueError as exc:
        raise RegistryError("card_corrupt", f"{path}: not valid JSON") from exc
    if not isinstance(data, dict):
        raise RegistryError("card_corrupt", f"{path}: not a JSON object")
    return data


def _load_file(vdir: Path, name: str, card: Mapping[str, Any], expected: type) -> Any:
    path = vdir / name
    if not path.is_file():
        raise RegistryError("file_missing", f"{path} is missing")
    want = (card.get("files") or {}).get(name, {}).get("sha256")
    if not want:
        raise RegistryError("card_corrupt", f"model card has no sha256 for {name}")
    got = sha256_file(path)
    if got != want:
        raise RegistryError("file_corrupt", f"{path}: sha256 {got[:12]} != card {want[:12]}")
    try:
        obj = joblib.load(path)
    except Exception as exc:  # a verified file that still fails to load
        if _is_legacy(exc):
            raise RegistryError(
                "legacy_artifact",
                f"{path} was saved when the models lived in the training package `ml`; "
                f"rewrite it with `{MIGRATE_HINT} {vdir.parent}` or retrain",
            ) from exc
        raise RegistryError("file_unloadable", f"{path}: {type(exc).__name__}: {exc}") from exc
    if not isinstance(obj, expected):
        raise RegistryError("file_corrupt", f"{path}: holds {type(obj).__name__}")
    return obj


def _is_legacy(exc: BaseException) -> bool:
    """Whether unpickling failed on a class path of the training package (``ml.*``)."""
    if isinstance(exc, ModuleNotFoundError):
        return exc.name is not None and (exc.name == "ml" or exc.name.startswith("ml."))
    return isinstance(exc, AttributeError) and "<module 'ml." in str(exc)


def load_version(root: Path, version: str) -> LoadedModels:
    out = LoadedModels(version=version, root=Path(root))
    vdir = Path(root) / version
    try:
        out.card = read_card(root, version)
    except RegistryError as exc:
        out.errors = dict.fromkeys(KINDS, str(exc))
        return out
    try:
        utt: UtteranceModel = _load_file(vdir, UTTERANCE_FILE, out.card, UtteranceModel)
    except RegistryError as exc:
        out.errors = dict.fromkeys(KINDS, str(exc))
        return out
    out.analysers["objections"] = ModelObjectionAnalyser(utt, version)
    out.analysers["needs"] = ModelNeedsAnalyser(utt, version)
    out.analysers["buying_signal"] = ModelBuyingSignalAnalyser(utt, version)
    try:
        conv: ConversionModel = _load_file(vdir, CONVERSION_FILE, out.card, ConversionModel)
        if conv.uses_utterance:
            conv.utterance = utt
        out.analysers["conversion"] = ModelConversionAnalyser(conv, version)
    except RegistryError as exc:
        out.errors["conversion"] = str(exc)
    return out


def load_champion(root: Path | str) -> LoadedModels:
    """Load the champion version of ``root``; never raises for missing/corrupt files."""
    root = Path(root)
    version = champion_version(root)
    if version is None:
        msg = f"no champion model in {root}"
        return LoadedModels(version=None, errors=dict.fromkeys(KINDS, msg), root=root)
    return load_version(root, version)


def load_default(data_root: Path | str | None = None) -> LoadedModels:
    """The data-dir registry's champion if it has one, else the bundled default."""
    data_root = Path(data_root) if data_root is not None else data_registry_dir()
    if champion_version(data_root) is not None:
        return load_champion(data_root)
    return load_champion(default_registry_dir())
