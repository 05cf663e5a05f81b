"""Rewrite registry versions saved before the model runtime moved out of ``ml``.

Artefacts pickled before the split name their classes ``ml.textfeat.NgramSpace``,
``ml.utterance.UtteranceModel``, ``ml.conversion.ConversionModel``, ...; those classes
now live in :mod:`voice_agent.models`, which the server loads without this package. This
loads each file with the old class paths mapped to the runtime's, saves the same objects
again and updates the sha256 and sizes in the model card. Versions already in the new
form are left alone; a file whose sha256 does not match its card is refused.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import zlib
from collections.abc import Callable
from pathlib import Path

import joblib
from joblib.numpy_pickle import NumpyUnpickler

from voice_agent.models.registry import (
    CARD_FILE,
    CONVERSION_FILE,
    UTTERANCE_FILE,
    RegistryError,
    list_versions,
    load_version,
    read_card,
    sha256_file,
)

#: Modules that moved from ``ml`` to ``voice_agent.models`` under the same name.
MOVED_MODULES = frozenset(
    {"textfeat", "linear", "utterance", "conversion", "closing", "inference", "policy"}
)


def runtime_module(module: str) -> str:
    """The module a pickled class path of the training package now lives in."""
    head, _, rest = module.partition(".")
    if head == "ml" and rest in MOVED_MODULES:
        return f"voice_agent.models.{rest}"
    return module


class _LegacyUnpickler(NumpyUnpickler):  # type: ignore[misc]
    def find_class(self, module: str, name: str) -> object:
        return super().find_class(runtime_module(module), name)


def load_legacy(path: Path) -> object:
    """Load a joblib file (zlib-compressed, as :func:`ml.registry.save_version` writes
    them) whose classes may carry ``ml.*`` paths."""
    try:
        data = zlib.decompress(path.read_bytes())
    except zlib.error as exc:
        raise RegistryError("file_unloadable", f"{path}: not a zlib joblib file: {exc}") from exc
    try:
        return _LegacyUnpickler(str(path), io.BytesIO(data), True).load()
    except (pickle.UnpicklingError, AttributeError, ImportError, EOFError) as exc:
        raise RegistryError("file_unloadable", f"{path}: {type(exc).__name__}: {exc}") from exc


def _is_current(path: Path) -> bool:
    try:
        joblib.load(path)
    except (ImportError, AttributeError):
        return False
    return True


def migrate_version(root: Path, version: str) -> bool:
    """Rewrite one version in place; returns whether anything changed."""
    vdir = Path(root) / version
    card = read_card(root, version)
    files = card.get("files") or {}
    todo: list[str] = []
    for name in (UTTERANCE_FILE, CONVERSION_FILE):
        path = vdir / name
        want = (files.get(name) or {}).get("sha256")
        if not path.is_file() or not want:
            raise RegistryError("file_missing", f"{path} or its sha256 in the card is missing")
        if sha256_file(path) != want:
            raise RegistryError("file_corrupt", f"{path}: sha256 does not match the model card")
        if not _is_current(path):
            todo.append(name)
    if not todo:
        return False
    written: list[tuple[Path, Path]] = []
    for name in todo:
        obj = load_legacy(vdir / name)
        tmp = vdir / f".{name}.migrate"
        joblib.dump(obj, tmp, compress=3)
        files[name] = {"sha256": sha256_file(tmp), "bytes": tmp.stat().st_size}
        written.append((tmp, vdir / name))
    card["files"] = files
    card_tmp = vdir / f".{CARD_FILE}.migrate"
    card_tmp.write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    for tmp, dst in written:
        os.replace(tmp, dst)
    os.replace(card_tmp, vdir / CARD_FILE)
    loaded = load_version(root, version)
    if loaded.errors:
        raise RegistryError("migration_failed", json.dumps(loaded.errors))
    return True


def migrate_registry(root: Path, log: Callable[[str], None] = print) -> list[str]:
    """Rewrite every legacy version of ``root``; returns the versions rewritten."""
    if not Path(root).is_dir():
        raise RegistryError("no_registry", f"{root} is not a directory")
    changed: list[str] = []
    for version in list_versions(root):
        if migrate_version(root, version):
            changed.append(version)
            log(f"{version}: rewritten with voice_agent.models class paths")
        else:
            log(f"{version}: already current")
    return changed
