"""The learning loop: the calls the server recorded, with their outcomes, retrain the models.

``run_once`` reads the store's ended conversations that have an outcome
(:meth:`voice_agent.store.base.Store.labelled_conversations`) and splits them for good by a
stable hash of their id: a share (``holdout_share``, 20 %) is held out and never trained on,
the rest is training data. When at least ``retrain_every`` new training conversations exist
since the last completed run, it trains a challenger on them plus the bundled hand-written
calls (and generated data, as ``voice-agent ml train`` does), evaluates challenger and
champion on the same held-out slice (the held-out recorded calls plus the bundled validation
set), and promotes only through the promotion gate (:func:`ml.registry.promotion_decision`).
The run is logged to MLflow (``challenger`` alias; ``champion`` when promoted).

Crash safety: a version directory appears only complete (:func:`ml.registry.save_version`
renames a finished temporary directory), the champion changes only by an atomic rename
(:func:`ml.registry.set_champion`), and the loop's state (``learning.json``: how many
conversations the last completed run trained on) is written, atomically, only after the
run. A worker killed at any point leaves the champion as it was; the next run redoes the
work, and first removes the temporary directories a killed run left. One worker at a time
per registry (an exclusive lock on ``learning.lock``).

``learning.json`` also says how each check ended (trained, not due, or failed and why),
when the last one that did not fail ended and how many failed in a row: the server exports
them as metrics (voice_agent/learning_status.py) for the ``LearningWorkerFailing`` alert.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from ml.calibrations import CALIBRATIONS
from ml.data import load_conversations, load_utterances
from ml.registry import RegistryError, atomic_write, champion_version, read_card
from voice_agent.store.base import LabelledConversation

STATE_FILE = "learning.json"
LOCK_FILE = "learning.lock"
#: Share of recorded calls held out for evaluation, never trained on.
HOLDOUT_SHARE = 0.2
VALIDATION_DIR = Path(__file__).resolve().parent / "validation"
#: A temporary version directory older than this is a killed run's leftover.
STALE_TMP_S = 60.0


@dataclass(frozen=True, slots=True)
class LearnConfig:
    registry_dir: Path
    #: The server's database: a URL (``sqlite:///...``, ``postgresql://...``) or a SQLite file.
    database: Path | str
    retrain_every: int = 100
    holdout_share: float = HOLDOUT_SHARE
    #: Generated training data, as ``voice-agent ml train`` (0: none).
    n_utterances: int = 8000
    n_conversations: int = 1200
    seed: int = 7
    mlflow_uri: str | None = None
    bundled_calls: bool = True
    #: Leave-one-source-out cross-validation on the real calls, for the model card (slow).
    real_cv: bool = False
    #: The conversion model's agent-text head. Off: what the agent said follows from the
    #: policy, which follows the caller, so on recorded calls the head learns the policy's
    #: choices (the pitch) as the caller's intent. Measured on 1,000 simulated recorded calls
    #: (ml/README.md): without it the pitch moves the probability by 0.000 instead of +0.096
    #: (es), and the gate scores are no worse (AUC 0.983 vs 0.981, ECE 0.045 vs 0.050).
    agent_text: bool = False
    #: How the challenger's conversion probability is calibrated (one of
    #: :data:`ml.calibrations.CALIBRATIONS`). ``None``: as the champion's was (its model
    #: card), ``last`` without a champion, so a run does not trade a champion honest in the
    #: middle of calls for one calibrated at their end (the gate compares both anyway).
    conversion_calibration: str | None = None


@dataclass(slots=True)
class LearnState:
    #: Training conversations (recorded, not held out) the last completed run used.
    trained_on: int = 0
    runs: list[dict[str, Any]] = field(default_factory=list)
    #: The outcome of the last check (one :func:`run_once`, trained or not): ``at`` (Unix
    #: time), ``status`` (``trained``, ``not_due``, ``failed``), ``error`` of a failed one.
    #: The server exports it (voice_agent/learning_status.py). ``None``: none recorded.
    last_check: dict[str, Any] | None = None
    #: When the last check that did not fail ended (``None``: none recorded).
    last_ok_at: float | None = None
    #: Checks that failed in a row, up to the last one (0: the last one did not fail).
    consecutive_failures: int = 0

    @classmethod
    def load(cls, registry_dir: Path) -> LearnState:
        path = registry_dir / STATE_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        last_check = data.get("last_check")
        last_ok_at = data.get("last_ok_at")
        return cls(
            int(data.get("trained_on", 0)),
            list(data.get("runs", [])),
            dict(last_check) if isinstance(last_check, dict) else None,
            float(last_ok_at) if last_ok_at is not None else None,
            int(data.get("consecutive_failures", 0)),
        )

    def save(self, registry_dir: Path) -> None:
        atomic_write(registry_dir / STATE_FILE, json.dumps(asdict(self), indent=1))

    def checked(self, status: str, at: float, error: str | None = None) -> None:
        """Note the outcome of a check (``failed``, or the status of one that did not)."""
        self.last_check = {"at": at, "status": status}
        if status == "failed":
            self.last_check["error"] = (error or "")[:500]
            self.consecutive_failures += 1
        else:
            self.last_ok_at = at
            self.consecutive_failures = 0


def record_failure(registry_dir: Path, error: str, at: float) -> bool:
    """Note a failed check in ``learning.json``, under the learning lock. Best effort: False
    when it could not be noted (another worker holds the lock, or the registry is unusable,
    which may be why the check failed)."""
    try:
        with exclusive(registry_dir) as mine:
            if not mine:
                return False
            state = LearnState.load(registry_dir)
            state.checked("failed", at, error)
            state.save(registry_dir)
            return True
    except (OSError, ValueError, TypeError):
        return False


Status = Literal["trained", "not_due", "busy"]


@dataclass(frozen=True, slots=True)
class LearnOutcome:
    status: Status
    #: Recorded conversations with an outcome: for training, held out, new since last run.
    training: int
    holdout: int
    new: int
    version: str | None = None
    promoted: bool | None = None
    reason: str | None = None
    seconds: float | None = None
    mlflow_run_id: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def is_holdout(conversation_id: str, share: float = HOLDOUT_SHARE) -> bool:
    """Held out for evaluation, for good: a stable function of the conversation id."""
    digest = hashlib.sha256(f"holdout\x00{conversation_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64 < share


def read_labelled(database: Path | str) -> list[LabelledConversation]:
    """The store's labelled conversations (its own connection: the server may be writing)."""
    from voice_agent.store.url import open_store

    url = database if isinstance(database, str) else f"sqlite:///{database}"

    async def run() -> list[LabelledConversation]:
        async with open_store(url, pool_size=1) as store:
            return await store.labelled_conversations()

    return asyncio.run(run())


@contextmanager
def exclusive(registry_dir: Path) -> Iterator[bool]:
    """Hold the registry's learning lock (False: another worker holds it)."""
    registry_dir.mkdir(parents=True, exist_ok=True)
    with open(registry_dir / LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def remove_leftovers(registry_dir: Path, now: float) -> list[str]:
    """Temporary version directories of killed runs (``.<version>.<random>``)."""
    removed = []
    for p in registry_dir.glob(".*"):
        if p.is_dir() and now - p.stat().st_mtime > STALE_TMP_S:
            shutil.rmtree(p, ignore_errors=True)
            removed.append(p.name)
    return removed


def champion_calibration(registry_dir: Path) -> str:
    """The calibration design of the champion in ``registry_dir`` (its model card's
    ``calibration_prefixes``); ``last`` without a champion or with a card that names none
    this trainer knows."""
    version = champion_version(registry_dir)
    if version is None:
        return "last"
    try:
        card = read_card(registry_dir, version)
    except RegistryError:
        return "last"
    design = card.get("models", {}).get("conversion", {}).get("calibration_prefixes")
    return design if design in CALIBRATIONS else "last"


def run_once(config: LearnConfig, *, force: bool = False, progress: bool = False) -> LearnOutcome:
    """One pass of the loop: train and gate a challenger if enough new calls exist. Its
    outcome is noted in ``learning.json`` (:meth:`LearnState.checked`), a failure too (then
    re-raised)."""
    try:
        return _run_once(config, force=force, progress=progress)
    except Exception as exc:
        record_failure(config.registry_dir, f"{type(exc).__name__}: {exc}", time.time())
        raise


def _run_once(config: LearnConfig, *, force: bool, progress: bool) -> LearnOutcome:
    from ml.cli import bundled_call_files
    from ml.train import generate_training_data, train

    labelled = read_labelled(config.database)
    rows = [c for c in labelled if not is_holdout(c.id, config.holdout_share)]
    held = [c for c in labelled if is_holdout(c.id, config.holdout_share)]
    with exclusive(config.registry_dir) as mine:
        state = LearnState.load(config.registry_dir)
        new = len(rows) - state.trained_on
        if not mine:
            return LearnOutcome("busy", len(rows), len(held), new)
        if not force and new < config.retrain_every:
            state.checked("not_due", time.time())
            state.save(config.registry_dir)
            return LearnOutcome("not_due", len(rows), len(held), new)
        remove_leftovers(config.registry_dir, time.time())
        started = time.monotonic()
        utts, convs = generate_training_data(
            config.n_utterances, config.n_conversations, config.seed
        )
        real: list[dict[str, Any]] = []
        sources: list[str] = []
        for f in bundled_call_files() if config.bundled_calls else []:
            got = load_conversations(f)
            real += got
            sources += [f.name] * len(got)
        real += [c.to_training_row() for c in rows]
        sources += ["recorded"] * len(rows)
        eval_u = load_utterances(VALIDATION_DIR / "handwritten_utterances.jsonl")
        eval_c = load_conversations(VALIDATION_DIR / "handwritten_conversations.jsonl")
        eval_c += [c.to_training_row() for c in held]
        calibration = config.conversion_calibration or champion_calibration(config.registry_dir)
        result = train(
            utts,
            convs,
            config.registry_dir,
            seed=config.seed,
            mlflow_uri=config.mlflow_uri,
            eval_utterances=eval_u,
            eval_conversations=eval_c,
            params={
                "trigger": "learn",
                "n_utterances": config.n_utterances,
                "n_conversations": config.n_conversations,
                "recorded_conversations": len(rows),
                "recorded_holdout": len(held),
                "conversion_agent_text": config.agent_text,
                "conversion_calibration": calibration,
            },
            progress=progress,
            real_conversations=real,
            real_sources=sources,
            real_cv=config.real_cv,
            conversion_agent_text=config.agent_text,
            conversion_calibration=calibration,
        )
        seconds = time.monotonic() - started
        state.trained_on = len(rows)
        state.runs.append(
            {
                "version": result.version,
                "promoted": result.promoted,
                "reason": result.reason,
                "recorded": len(rows),
                "holdout": len(held),
                "seconds": round(seconds, 1),
                "at": time.time(),
            }
        )
        state.checked("trained", time.time())
        state.save(config.registry_dir)
        return LearnOutcome(
            "trained",
            len(rows),
            len(held),
            new,
            result.version,
            result.promoted,
            result.reason,
            round(seconds, 1),
            result.mlflow_run_id,
        )


__all__ = [
    "HOLDOUT_SHARE",
    "LearnConfig",
    "LearnOutcome",
    "LearnState",
    "exclusive",
    "is_holdout",
    "read_labelled",
    "record_failure",
    "remove_leftovers",
    "run_once",
]
