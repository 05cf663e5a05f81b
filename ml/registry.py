"""The model registry as training sees it: the server's reading API
(:mod:`voice_agent.models.registry`, re-exported here) plus writing a version, the
promotion gate and the champion switch."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

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
    # mid-call (ml.evaluate.headline): a challenger calibrated only at the end of calls
    # does not replace a champion that is honest throughout them
    "conversion_auc_mid": True,
    "conversion_ece_mid": False,
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


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so a reader sees the old file or the whole new one, even
    after a crash (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.chmod(tmp, 0o644)  # mkstemp makes it 0600: servers running as another user read it
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


def set_champion(root: Path, version: str, *, reason: str = "set") -> None:
    """Make ``version`` the champion (an atomic rename of ``champion.json``), and record the
    change in ``champion_history.jsonl`` with ``reason``."""
    root = Path(root)
    if not (root / version / CARD_FILE).is_file():
        raise RegistryError("unknown_version", f"no model card for version {version} in {root}")
    with _history_lock(root):
        _switch(root, version, "set", reason)


# -- champion history and rollback ------------------------------------------------------------
#: One JSON object per champion change, appended (and fsynced) after ``champion.json`` moved:
#: ``{"version", "previous", "at", "action": "set"|"rollback", "reason"}``.
HISTORY_FILE: Final = "champion_history.jsonl"
_LOCK_FILE: Final = ".champion.lock"

Action = Literal["set", "rollback"]


@dataclass(frozen=True, slots=True)
class ChampionChange:
    version: str
    previous: str | None
    at: str
    action: Action
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "previous": self.previous,
            "at": self.at,
            "action": self.action,
            "reason": self.reason,
        }


@contextmanager
def _history_lock(root: Path) -> Iterator[None]:
    """One champion change at a time per registry (training, the learning loop and a
    rollback may run at once): an exclusive lock on ``.champion.lock``."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / _LOCK_FILE, "a", encoding="utf-8") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _switch(root: Path, version: str, action: Action, reason: str) -> ChampionChange:
    """Point ``champion.json`` at ``version``, then append the change to the history (the
    caller holds the lock). ``champion.json`` stays the truth: a crash between the two
    leaves a change without its line, which :func:`champion_lineage` tolerates."""
    change = ChampionChange(
        version=version,
        previous=champion_version(root),
        at=datetime.now(UTC).isoformat(timespec="seconds"),
        action=action,
        reason=reason,
    )
    atomic_write(root / CHAMPION_FILE, json.dumps({"version": version}) + "\n")
    _append_line(root / HISTORY_FILE, json.dumps(change.to_json(), sort_keys=True))
    return change


def _append_line(path: Path, line: str) -> None:
    """Append one line and fsync it. A torn last line (a crash mid-write) is closed first,
    so it stays one unreadable line and never garbles the new one."""
    with open(path, "a+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        prefix = b""
        if size:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                prefix = b"\n"
        fh.write(prefix + line.encode("utf-8") + b"\n")
        fh.flush()
        os.fsync(fh.fileno())


def champion_history(root: Path) -> list[ChampionChange]:
    """The recorded champion changes, oldest first; unreadable lines (a torn last line) are
    skipped."""
    path = Path(root) / HISTORY_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise RegistryError("history_unreadable", f"{path}: {exc.strerror or exc}") from exc
    out: list[ChampionChange] = []
    for line in raw.splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if not isinstance(d, dict):
            continue
        version, previous, action = d.get("version"), d.get("previous"), d.get("action", "set")
        if not isinstance(version, str) or not version or action not in ("set", "rollback"):
            continue
        out.append(
            ChampionChange(
                version=version,
                previous=previous if isinstance(previous, str) and previous else None,
                at=str(d.get("at", "")),
                action=action,
                reason=str(d.get("reason", "")),
            )
        )
    return out


def champion_lineage(history: list[ChampionChange], current: str | None) -> list[str]:
    """The champions that led to ``current``, oldest first, ending with ``current``: each
    set adds its version, each rollback steps back to the version it restored. A change made
    outside the history (``champion.json`` edited by hand) is accounted for where the next
    change (or ``current``) shows it: the lineage is cut after that version's last place in
    it (a hand-made rollback), or the version is added on top."""
    stack: list[str] = []
    for ch in history:
        if ch.previous is not None:
            _align(stack, ch.previous)  # the champion when the change was made
        if ch.action == "rollback":
            if stack and stack[-1] == ch.previous:
                stack.pop()
            _align(stack, ch.version)
        elif not stack or stack[-1] != ch.version:
            stack.append(ch.version)
    if current is not None:
        _align(stack, current)
    return stack


def _align(stack: list[str], version: str) -> None:
    """Make ``version`` the top of ``stack``: cut after its last place, else add it."""
    if version in stack:
        del stack[len(stack) - stack[::-1].index(version) :]
    else:
        stack.append(version)


def verify_version(root: Path, version: str) -> None:
    """Raise :class:`RegistryError` unless ``version`` has a readable card and every file it
    lists is there with its sha256 (nothing is unpickled)."""
    vdir = Path(root) / version
    if not vdir.is_dir():
        raise RegistryError("version_missing", f"{vdir} does not exist")
    card = read_card(root, version)
    files = card.get("files")
    if not isinstance(files, dict) or not files:
        raise RegistryError("card_corrupt", f"{vdir / CARD_FILE}: lists no files")
    for name, meta in files.items():
        path = vdir / name
        if not path.is_file():
            raise RegistryError("file_missing", f"{path} is missing")
        want = meta.get("sha256") if isinstance(meta, dict) else None
        got = sha256_file(path)
        if got != want:
            raise RegistryError(
                "file_corrupt", f"{path}: sha256 {got[:12]} != card {str(want)[:12]}"
            )


def rollback(root: Path) -> tuple[str, str]:
    """Make the champion before the current one champion again; returns (restored, from).

    The previous champion comes from the history (:func:`champion_lineage`). The rollback is
    recorded too, and undoes its step of the lineage: a second rollback goes further back
    (c1 -> c2 -> c3, rollback: c2, rollback again: c1); to return to a later version, set it
    again (``set_champion``). Refused (:class:`RegistryError`) with ``no_champion``,
    ``no_previous_champion``, or the code of :func:`verify_version` when the previous
    version's directory, card or files are missing or damaged."""
    root = Path(root)
    with _history_lock(root):
        current = champion_version(root)
        if current is None:
            raise RegistryError("no_champion", f"{root} has no champion to roll back from")
        lineage = champion_lineage(champion_history(root), current)
        if len(lineage) < 2:
            raise RegistryError(
                "no_previous_champion",
                f"the history of {root} names no champion before {current}",
            )
        target = lineage[-2]
        try:
            verify_version(root, target)
        except RegistryError as exc:
            raise RegistryError(exc.code, f"cannot restore {target}: {exc.message}") from exc
        _switch(root, target, "rollback", f"rollback from {current}")
    return target, current


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
