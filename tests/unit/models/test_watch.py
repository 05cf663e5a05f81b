"""Hot swap of the champion (voice_agent/models/watch.py): the decision, the check, and the
watcher against real registry directories holding the bundled champion's real files."""

from __future__ import annotations

import asyncio
import json
import shutil
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from ml.registry import set_champion
from voice_agent.analysis.rules import rule_analysers
from voice_agent.core.decision import RulePolicy
from voice_agent.core.types import AnalysisInput, BuyingSignal
from voice_agent.generation.factory import build_generator
from voice_agent.models.registry import (
    CARD_FILE,
    CHAMPION_FILE,
    CONVERSION_FILE,
    KINDS,
    champion_version,
    default_registry_dir,
    load_version,
)
from voice_agent.models.watch import (
    ModelWatcher,
    Pointer,
    check_analysers,
    decide,
    load_candidate,
    read_pointer,
)
from voice_agent.orchestrator import Orchestrator
from voice_agent.playbook.loader import load_playbook
from voice_agent.services import model_watch_root
from voice_agent.settings import Settings
from voice_agent.store.sqlite import SQLiteStore

BUNDLED = default_registry_dir()
#: The bundled champion's name, and a copy of it under another name.
OLD = champion_version(BUNDLED) or ""
NEW = "20990101-000000-hotswap1"
BROKEN = "20990101-000000-broken01"


def copy_version(root: Path, name: str, src_root: Path = BUNDLED, src: str = OLD) -> Path:
    """``src`` of ``src_root`` as version ``name`` of ``root``: the same files (the card's
    sha256s still hold) and a card naming ``name``."""
    dst = root / name
    shutil.copytree(src_root / src, dst)
    card = json.loads((dst / CARD_FILE).read_text())
    card["version"] = name
    (dst / CARD_FILE).write_text(json.dumps(card, indent=2, sort_keys=True) + "\n")
    return dst


def broken_version(root: Path, name: str = BROKEN) -> Path:
    """A copy whose conversion file no longer matches the sha256 on its card."""
    dst = copy_version(root, name)
    path = dst / CONVERSION_FILE
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    return dst


def make_registry(root: Path, *names: str) -> Path:
    """A registry with the bundled champion (champion) and copies of it as ``names``."""
    root.mkdir(parents=True)
    copy_version(root, OLD, src=OLD)
    for name in names:
        copy_version(root, name)
    set_champion(root, OLD)
    return root


def swaps(result: str) -> float:
    value = REGISTRY.get_sample_value("voice_agent_model_swaps_total", {"result": result})
    return value or 0.0


class Recorder:
    """The watcher's swap target: what it was asked to serve."""

    def __init__(self) -> None:
        self.swapped: list[tuple[dict[str, Any], str]] = []

    def __call__(self, analysers: dict[str, Any], version: str) -> None:
        self.swapped.append((analysers, version))


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    return make_registry(tmp_path / "models", NEW)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
async def watcher(registry: Path, recorder: Recorder) -> AsyncIterator[ModelWatcher]:
    w = ModelWatcher(registry, serving=OLD, swap=recorder, poll_s=3600)
    try:
        yield w
    finally:
        await w.stop()


# -- the decision (no I/O) --------------------------------------------------------------------
def test_decide() -> None:
    a1 = Pointer("a", (1, 10, 20))
    b1, b2 = Pointer("b", (2, 11, 20)), Pointer("b", (3, 12, 20))
    assert decide(Pointer(None, None), "a", None) == "keep"  # no champion.json: keep serving
    assert decide(a1, "a", None) == "keep"
    assert decide(b1, "a", None) == "load"
    assert decide(b1, None, None) == "load"  # nothing served yet (no champion at start-up)
    assert decide(b1, "a", refused=b1) == "keep"  # that write was refused: not again
    assert decide(b2, "a", refused=b1) == "load"  # champion.json written again: try again
    assert decide(a1, "a", refused=b1) == "keep"


def test_a_new_write_of_champion_json_is_a_new_pointer(registry: Path) -> None:
    first = read_pointer(registry)
    assert first.version == OLD and first == read_pointer(registry)
    set_champion(registry, OLD)
    again = read_pointer(registry)
    assert again.version == OLD and again != first
    assert read_pointer(registry.parent / "nowhere") == Pointer(None, None)


def test_watch_root_is_the_writable_registry_never_the_bundled_one(tmp_path: Path) -> None:
    assert model_watch_root(Settings(data_dir=tmp_path)) == tmp_path / "models"
    own = tmp_path / "reg"
    assert model_watch_root(Settings(data_dir=tmp_path, models_dir=own)) == own
    assert model_watch_root(Settings(data_dir=tmp_path, model_poll_s=0)) is None
    assert model_watch_root(Settings(data_dir=tmp_path, analysers="rules")) is None


# -- the check --------------------------------------------------------------------------------
class Answers:
    def __init__(self, result: Any) -> None:
        self.result = result
        self.version = "fake"

    def predict(self, inp: AnalysisInput) -> Any:
        if isinstance(self.result, Exception):
            raise self.result
        return self.result


def test_the_bundled_champion_passes_its_check() -> None:
    loaded = load_version(BUNDLED, OLD)
    assert loaded.errors == {}
    assert check_analysers(loaded.analysers) is None


@pytest.mark.parametrize(
    ("kind", "result", "why"),
    [
        ("objections", {"price": float("nan")}, "objections: not a probability for price"),
        ("needs", {}, "needs: answered dict, not label probabilities"),
        ("buying_signal", 0.4, "buying_signal: answered 0.4"),
        ("conversion", 1.5, "conversion: answered 1.5, not a probability"),
        ("conversion", RuntimeError("bad weights"), "conversion: prediction failed"),
    ],
)
def test_malformed_answers_are_refused(kind: str, result: Any, why: str) -> None:
    good: dict[str, Any] = {
        "objections": Answers({"price": 0.9}),
        "needs": Answers({"stress": 0.1}),
        "buying_signal": Answers(BuyingSignal(False, 0.1)),
        "conversion": Answers(0.3),
    }
    assert check_analysers(good) is None
    reason = check_analysers({**good, kind: Answers(result)})
    assert reason is not None and reason.startswith(why)
    missing = {k: v for k, v in good.items() if k != kind}
    assert check_analysers(missing) == f"no analyser for {kind}"


def test_a_version_with_a_damaged_file_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "models"
    root.mkdir()
    broken_version(root)
    cand = load_candidate(root, BROKEN)
    assert cand.refusal is not None and "file_corrupt" in cand.refusal
    assert cand.refusal.startswith("conversion: ")


# -- the watcher on real registries -----------------------------------------------------------
async def test_a_new_champion_is_loaded_checked_and_swapped_in(
    watcher: ModelWatcher, registry: Path, recorder: Recorder
) -> None:
    before = swaps("swapped")
    assert await watcher.poll_once() == "kept"
    set_champion(registry, NEW)
    assert await watcher.poll_once() == "swapped"
    ((analysers, version),) = recorder.swapped
    assert version == NEW and watcher.serving == NEW
    assert set(analysers) == set(KINDS)
    assert {a.version for a in analysers.values()} == {NEW}
    assert swaps("swapped") == before + 1
    assert await watcher.poll_once() == "kept"
    assert len(recorder.swapped) == 1


async def test_a_broken_champion_is_refused_once_per_write(
    watcher: ModelWatcher, registry: Path, recorder: Recorder
) -> None:
    broken_version(registry)
    before = swaps("refused")
    set_champion(registry, BROKEN)
    assert await watcher.poll_once() == "refused"
    assert watcher.serving == OLD and recorder.swapped == []
    assert swaps("refused") == before + 1
    # the same write is not tried again
    assert await watcher.poll_once() == "kept"
    assert swaps("refused") == before + 1
    # champion.json written again (say, after a repair): tried again
    set_champion(registry, BROKEN)
    assert await watcher.poll_once() == "refused"
    assert swaps("refused") == before + 2
    # a good champion is still taken
    set_champion(registry, NEW)
    assert await watcher.poll_once() == "swapped"
    assert [v for _, v in recorder.swapped] == [NEW]


async def test_a_champion_without_its_directory_is_refused(
    watcher: ModelWatcher, registry: Path, recorder: Recorder
) -> None:
    (registry / CHAMPION_FILE).write_text(json.dumps({"version": "20990101-gone"}))
    assert await watcher.poll_once() == "refused"
    assert watcher.serving == OLD and recorder.swapped == []
    (registry / CHAMPION_FILE).unlink()  # no champion at all: keep serving
    assert await watcher.poll_once() == "kept"


async def test_a_server_without_a_champion_takes_the_first_one(
    tmp_path: Path, recorder: Recorder
) -> None:
    root = tmp_path / "models"
    root.mkdir()
    w = ModelWatcher(root, serving=None, swap=recorder, poll_s=3600)
    try:
        assert await w.poll_once() == "kept"
        copy_version(root, NEW)
        set_champion(root, NEW)
        assert await w.poll_once() == "swapped"
        assert w.serving == NEW
    finally:
        await w.stop()


async def test_the_loop_polls_until_stopped(registry: Path, recorder: Recorder) -> None:
    w = ModelWatcher(registry, serving=OLD, swap=recorder, poll_s=0.05)
    await w.start()
    try:
        set_champion(registry, NEW)
        deadline = time.monotonic() + 60
        while w.serving != NEW:
            assert time.monotonic() < deadline, "the watcher did not swap within 60 s"
            await asyncio.sleep(0.05)
    finally:
        await w.stop()
    assert w._task is None and w._executor is None
    assert [v for _, v in recorder.swapped] == [NEW]


async def test_no_polling_when_off(registry: Path, recorder: Recorder) -> None:
    for w in (
        ModelWatcher(registry, serving=OLD, swap=recorder, poll_s=0),
        ModelWatcher(None, serving=OLD, swap=recorder, poll_s=10),
    ):
        await w.start()
        assert w._task is None
        await w.stop()
    value = REGISTRY.get_sample_value("voice_agent_model_info", {"version": OLD})
    assert value == 1.0


# -- one turn never mixes two versions --------------------------------------------------------
class Gated:
    """A real analyser that waits, inside its worker thread, until the test lets it go."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.version = inner.version
        self.entered = threading.Event()
        self.go = threading.Event()

    def predict(self, inp: AnalysisInput) -> Any:
        self.entered.set()
        self.go.wait(30)
        return self.inner.predict(inp)


@pytest.fixture
def analysis_pool() -> Iterator[Any]:
    from concurrent.futures import ThreadPoolExecutor

    ex = ThreadPoolExecutor(max_workers=6, thread_name_prefix="test-analysis")
    yield ex
    ex.shutdown(wait=True)


async def test_a_turn_under_way_keeps_the_version_it_started_with(
    registry: Path, tmp_path: Path, analysis_pool: Any
) -> None:
    old = load_version(registry, OLD).analysers
    new = load_version(registry, NEW).analysers
    gate = Gated(old["conversion"])
    playbook = load_playbook()
    store = SQLiteStore(tmp_path / "va.sqlite3")
    await store.open()
    orch = Orchestrator(
        store=store,
        primary={**old, "conversion": gate},
        fallback=rule_analysers(),
        policy=RulePolicy(),
        generator=build_generator("playbook", playbook),
        deadline_ms=30_000,
        executor=analysis_pool,
        playbook=playbook,
        model_version=OLD,
    )
    try:
        conv = await orch.create(lang="en")
        first = asyncio.create_task(orch.turn(conv.id, "How much is it per month?"))
        assert await asyncio.to_thread(gate.entered.wait, 30)
        orch.swap_models(new, NEW)  # between the turn's start and its end
        assert orch.model_version == NEW
        gate.go.set()
        during = await asyncio.wait_for(first, 30)
        after = await orch.turn(conv.id, "I need to think about it.")
    finally:
        gate.go.set()
        await store.close()
    assert during.insights.models == dict.fromkeys(KINDS, OLD)
    assert after.insights.models == dict.fromkeys(KINDS, NEW)
    assert during.insights.fallbacks == () and after.insights.fallbacks == ()
