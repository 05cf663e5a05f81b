"""The orchestrator with in-memory analysers and generator, and a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from prometheus_client import REGISTRY

from voice_agent import metrics
from voice_agent.analysis.base import DETECTION_THRESHOLD, AnalyserSet
from voice_agent.core.decision import RulePolicy
from voice_agent.core.types import AnalysisInput, BuyingSignal
from voice_agent.errors import ConversationEnded, ConversationNotFound, InvalidRequest
from voice_agent.generation.base import GenerationContext
from voice_agent.orchestrator import KINDS, Orchestrator
from voice_agent.store.base import Store
from voice_agent.store.sqlite import SQLiteStore


# -- fakes implementing the analyser and generator protocols --------------------------------
class Labels:
    def __init__(self, probs: Mapping[str, float], version: str) -> None:
        self.name = "labels"
        self.version = version
        self.probs = dict(probs)
        self.inputs: list[AnalysisInput] = []

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]:
        self.inputs.append(inp)
        return dict(self.probs)


class Buying:
    name = "buying"

    def __init__(self, p: float, version: str) -> None:
        self.p = p
        self.version = version

    def predict(self, inp: AnalysisInput) -> BuyingSignal:
        return BuyingSignal(self.p >= 0.5, self.p)


class Conversion:
    name = "conversion"

    def __init__(self, p: float, version: str) -> None:
        self.p = p
        self.version = version

    def predict(self, inp: AnalysisInput) -> float:
        return self.p


class Slow:
    """Blocks its worker thread until released (or 10 s), far beyond any deadline here."""

    name = "slow"
    version = "slow-1"

    def __init__(self, result: Any) -> None:
        self.result = result
        self.release = threading.Event()

    def predict(self, inp: AnalysisInput) -> Any:
        self.release.wait(10)
        return self.result


class Broken:
    name = "broken"
    version = "broken-1"

    def predict(self, inp: AnalysisInput) -> Any:
        raise RuntimeError("model file is garbage")


class AtBarrier:
    """Returns only when all four analysers are inside predict at the same time."""

    name = "barrier"
    version = "barrier-1"

    def __init__(self, barrier: threading.Barrier, result: Any) -> None:
        self.barrier = barrier
        self.result = result

    def predict(self, inp: AnalysisInput) -> Any:
        self.barrier.wait()
        return self.result


class Generator:
    name = "fake"

    def __init__(self) -> None:
        self.contexts: list[GenerationContext] = []
        self.before_reply: Callable[[GenerationContext], Any] | None = None

    async def generate(self, ctx: GenerationContext) -> AsyncIterator[str]:
        self.contexts.append(ctx)
        if self.before_reply is not None:
            await self.before_reply(ctx)
        ctx.memory.used_lines.add(f"line-{len(self.contexts)}")
        yield f"{ctx.lang}: doing {ctx.action.name}."
        yield "Second sentence."

    async def greeting(self, ctx: GenerationContext) -> AsyncIterator[str]:
        yield "Hello, I am the agent."


def rules() -> AnalyserSet:
    return AnalyserSet(
        objections=Labels({"time": 0.9}, "rules-obj"),
        needs=Labels({"stress": 0.1}, "rules-needs"),
        buying_signal=Buying(0.0, "rules-buy"),
        conversion=Conversion(0.1, "rules-conv"),
    )


def models(**overrides: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "objections": Labels({"price": 0.92, "time": 0.3, "skepticism": 0.05}, "m-obj"),
        "needs": Labels({"stress": 0.7, "energy": 0.15}, "m-needs"),
        "buying_signal": Buying(0.2, "m-buy"),
        "conversion": Conversion(0.4, "m-conv"),
    }
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteStore]:
    s = SQLiteStore(tmp_path / "va.sqlite3")
    await s.open()
    try:
        yield s
    finally:
        await s.close()


@pytest.fixture
def executor() -> Any:
    ex = ThreadPoolExecutor(max_workers=6, thread_name_prefix="test-analysis")
    yield ex
    ex.shutdown(wait=True)


def make(
    store: Store,
    executor: ThreadPoolExecutor,
    primary: dict[str, Any] | None = None,
    generator: Generator | None = None,
    deadline_ms: float = 2000.0,
) -> Orchestrator:
    return Orchestrator(
        store=store,
        primary=models() if primary is None else primary,
        fallback=rules(),
        policy=RulePolicy(),
        generator=generator or Generator(),
        deadline_ms=deadline_ms,
        executor=executor,
    )


def fallback_count(kind: str, reason: str) -> float:
    value = REGISTRY.get_sample_value(
        "voice_agent_analyser_fallbacks_total", {"analyser": kind, "reason": reason}
    )
    return value or 0.0


# -- a whole turn ---------------------------------------------------------------------------
async def test_turn_analyses_decides_replies_and_stores(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="es", customer={"name": "Ana"})
    greeting = await orch.greet(conv)
    assert (greeting.index, greeting.role, greeting.text) == (0, "agent", "Hello, I am the agent.")
    assert greeting.timings_ms["generation"] >= 0 and greeting.action == "discover_need"
    assert conv.phase == "discovery"

    result = await orch.turn(conv.id, "  Es muy caro para mí  ")
    ins = result.insights
    assert ins.fallbacks == ()
    assert ins.models == {
        "objections": "m-obj",
        "needs": "m-needs",
        "buying_signal": "m-buy",
        "conversion": "m-conv",
    }
    # only detected labels are listed: time (0.3) and energy are below the threshold
    assert [(s.label, s.p) for s in ins.objections] == [("price", 0.92)]
    assert [s.label for s in ins.needs] == ["stress"]
    assert all(s.p >= DETECTION_THRESHOLD for s in ins.objections + ins.needs)
    assert ins.next_action is not None
    assert ins.next_action.name == "handle_objection"
    assert ins.next_action.objection == "price"
    assert ins.phase == "objection_handling"
    assert result.reply == "es: doing handle_objection. Second sentence."
    assert result.customer_turn.text == "Es muy caro para mí"
    assert (result.customer_turn.index, result.agent_turn.index) == (1, 2)
    for key in [f"analysis.{k}" for k in KINDS] + ["analysis", "decision", "generation", "total"]:
        assert result.timings_ms[key] >= 0.0, key
    assert conv.memory.objections_handled == {"price": 1}
    assert conv.memory.used_lines == {"line-1"}

    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert [(t.role, t.text) for t in stored.turns] == [
        ("agent", "Hello, I am the agent."),
        ("customer", "Es muy caro para mí"),
        ("agent", "es: doing handle_objection. Second sentence."),
    ]
    assert stored.turns[1].insights == ins
    assert set(stored.turns[1].timings_ms) >= {"analysis", "decision"}
    assert stored.turns[2].action == "handle_objection"
    assert stored.turns[2].timings_ms["total"] == pytest.approx(result.timings_ms["total"])
    assert stored.phase == "objection_handling"
    assert stored.memory.to_json() == conv.memory.to_json()


async def test_analysers_see_history_previous_insights_and_profile(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    primary = models()
    orch = make(store, executor, primary)
    conv = await orch.create(lang="en", customer={"budget": "low"})
    await orch.greet(conv)
    first = await orch.turn(conv.id, "I am stressed")
    await orch.turn(conv.id, "too expensive")
    inputs = primary["objections"].inputs
    assert [i.text for i in inputs] == ["I am stressed", "too expensive"]
    second = inputs[1]
    assert second.lang == "en"
    assert second.profile == {"budget": "low"}
    assert [(u.role, u.text) for u in second.history] == [
        ("agent", "Hello, I am the agent."),
        ("customer", "I am stressed"),
        ("agent", first.reply),
    ]
    assert second.previous == (first.insights,)


async def test_analysers_run_concurrently(store: SQLiteStore, executor: ThreadPoolExecutor) -> None:
    barrier = threading.Barrier(4, timeout=5)
    primary = {
        "objections": AtBarrier(barrier, {"price": 0.8}),
        "needs": AtBarrier(barrier, {}),
        "buying_signal": AtBarrier(barrier, BuyingSignal(False, 0.1)),
        "conversion": AtBarrier(barrier, 0.3),
    }
    orch = make(store, executor, primary, deadline_ms=10_000)
    conv = await orch.create(lang="en")
    result = await orch.turn(conv.id, "pricey")
    assert result.insights.fallbacks == ()  # serial calls would have broken the barrier


# -- deadlines and fallbacks ---------------------------------------------------------------
async def test_slow_analyser_falls_back_to_rules(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    slow = Slow({"price": 0.99})
    orch = make(store, executor, models(objections=slow), deadline_ms=30)
    conv = await orch.create(lang="en")
    before = fallback_count("objections", "deadline")
    try:
        # (a time objection that leaves no room: told with a need, it is not one otherwise)
        result = await asyncio.wait_for(orch.turn(conv.id, "I have no time for this"), timeout=5)
    finally:
        slow.release.set()
    ins = result.insights
    assert ins.fallbacks == ("objections",)
    assert ins.models["objections"] == "rules-obj"
    assert ins.models["needs"] == "m-needs"
    assert [s.label for s in ins.objections] == ["time"]  # the rules' answer, not the model's
    assert ins.next_action is not None and ins.next_action.objection == "time"
    assert fallback_count("objections", "deadline") == before + 1
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert stored.turns[0].insights is not None
    assert stored.turns[0].insights.fallbacks == ("objections",)


async def test_raising_analyser_falls_back_to_rules(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor, models(conversion=Broken(), buying_signal=Broken()))
    conv = await orch.create(lang="en")
    before = fallback_count("conversion", "error")
    result = await orch.turn(conv.id, "tell me more")
    assert result.insights.fallbacks == ("buying_signal", "conversion")
    assert result.insights.conversion_probability == pytest.approx(0.1)
    assert result.insights.models["conversion"] == "rules-conv"
    assert fallback_count("conversion", "error") == before + 1


async def test_missing_primary_uses_rules(store: SQLiteStore, executor: ThreadPoolExecutor) -> None:
    orch = make(store, executor, primary={})
    conv = await orch.create(lang="en")
    before = fallback_count("needs", "unavailable")
    result = await orch.turn(conv.id, "hello")
    assert result.insights.fallbacks == KINDS
    assert result.insights.models == {
        "objections": "rules-obj",
        "needs": "rules-needs",
        "buying_signal": "rules-buy",
        "conversion": "rules-conv",
    }
    assert fallback_count("needs", "unavailable") == before + 1


async def test_conversion_probability_is_clamped(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor, models(conversion=Conversion(1.7, "m-conv")))
    conv = await orch.create(lang="en")
    assert (await orch.turn(conv.id, "yes")).insights.conversion_probability == 1.0


# -- ordering: the customer turn is stored before the reply ---------------------------------
async def test_customer_turn_is_stored_before_the_reply_is_generated(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    gen = Generator()
    seen: list[list[tuple[str, str]]] = []

    async def look(ctx: GenerationContext) -> None:
        stored = await store.get_conversation(conv.id)
        assert stored is not None
        seen.append([(t.role, t.text) for t in stored.turns])

    gen.before_reply = look
    orch = make(store, executor, generator=gen)
    conv = await orch.create(lang="en")
    await orch.turn(conv.id, "first")
    await orch.turn(conv.id, "second")
    assert seen == [
        [("customer", "first")],
        [
            ("customer", "first"),
            ("agent", "en: doing handle_objection. Second sentence."),
            ("customer", "second"),
        ],
    ]


# -- prepare() is side-effect free ---------------------------------------------------------
async def test_prepare_stores_nothing_and_leaves_memory_untouched(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en")
    await orch.greet(conv)
    await orch.turn(conv.id, "I am stressed")
    memory_before = conv.memory.to_json()
    turns_before = [t.to_json() for t in conv.turns]
    phase_before = conv.phase
    stored_before = await store.get_conversation(conv.id)
    assert stored_before is not None

    prepared = await orch.prepare(conv, "it is too expensive")
    assert prepared.action.name == "handle_objection"
    assert prepared.memory.objections_handled == {"price": 2}
    assert prepared.memory is not conv.memory
    # generating the reply writes used lines into the prepared copy only
    assert [s async for s in prepared.sentences()]
    assert conv.memory.to_json() == memory_before
    assert [t.to_json() for t in conv.turns] == turns_before
    assert conv.phase == phase_before
    stored_after = await store.get_conversation(conv.id)
    assert stored_after is not None
    assert stored_after.to_json() == stored_before.to_json()
    assert stored_after.memory.to_json() == stored_before.memory.to_json()

    # a dropped preparation leaves no trace in the next real turn
    result = await orch.turn(conv.id, "it is too expensive")
    assert result.customer_turn.index == len(turns_before)
    assert conv.memory.objections_handled == {"price": 2}


async def test_commit_then_record_a_truncated_reply(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en", channel="realtime")
    prepared = await orch.prepare(conv, "too expensive")
    turn = await orch.commit(conv, prepared, timings_ms={"stt": 120.0})
    assert turn.timings_ms["stt"] == 120.0 and "analysis" in turn.timings_ms
    reply = await orch.record_reply(
        conv, prepared, "en: doing", truncated=True, timings_ms={"tts_first": 80.0}
    )
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert stored.channel == "realtime"
    assert stored.turns[0].timings_ms["stt"] == 120.0
    assert stored.turns[1].truncated is True
    assert stored.turns[1].text == "en: doing"
    assert stored.turns[1].action == "handle_objection"
    assert reply.index == 1


# -- errors ---------------------------------------------------------------------------------
async def test_empty_text_is_refused(store: SQLiteStore, executor: ThreadPoolExecutor) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en")
    with pytest.raises(InvalidRequest) as err:
        await orch.turn(conv.id, "  \n ")
    assert err.value.code == "empty_text"
    stored = await store.get_conversation(conv.id)
    assert stored is not None and stored.turns == []


async def test_unknown_conversation(store: SQLiteStore, executor: ThreadPoolExecutor) -> None:
    orch = make(store, executor)
    with pytest.raises(ConversationNotFound) as err:
        await orch.turn("nope", "hi")
    assert err.value.code == "conversation_not_found"
    assert err.value.status == 404


async def test_requests_for_unknown_conversations_leave_no_locks_behind(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    orch.max_cached = 5
    kept = await orch.create(lang="en")
    await orch.turn(kept.id, "hello")
    for i in range(200):
        with pytest.raises(ConversationNotFound):
            await orch.turn(f"missing-{i}", "hi")
    assert len(orch._locks) <= 2 * orch.max_cached
    assert kept.id in orch._locks  # a cached conversation keeps its lock


async def test_ended_conversation(store: SQLiteStore, executor: ThreadPoolExecutor) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en")
    await orch.turn(conv.id, "hi")
    ended = await orch.end(conv, converted=True, value=99.0)
    assert ended.outcome == {"converted": True, "value": 99.0}
    with pytest.raises(ConversationEnded) as err:
        await orch.turn(conv.id, "hello again")
    assert err.value.status == 409
    with pytest.raises(ConversationEnded):
        await orch.end(await orch.get(conv.id), converted=False)
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert stored.ended and len(stored.turns) == 2
    assert stored.outcome == {"converted": True, "value": 99.0}


# -- state survives a new process -----------------------------------------------------------
async def test_a_new_orchestrator_continues_a_stored_conversation(
    tmp_path: Path, executor: ThreadPoolExecutor
) -> None:
    path = tmp_path / "va.sqlite3"
    s1 = SQLiteStore(path)
    await s1.open()
    orch1 = make(s1, executor)
    conv = await orch1.create(lang="en")
    await orch1.greet(conv)
    await orch1.turn(conv.id, "too expensive")
    await s1.close()

    s2 = SQLiteStore(path)
    await s2.open()
    try:
        orch2 = make(s2, executor)
        result = await orch2.turn(conv.id, "still too expensive")
        assert result.customer_turn.index == 3
        assert result.agent_turn.index == 4
        # memory came back from the store: the second price objection is counted as such
        assert result.insights.next_action is not None
        assert "raised again" in result.insights.next_action.reason
        stored = await s2.get_conversation(conv.id)
        assert stored is not None
        assert [t.index for t in stored.turns] == [0, 1, 2, 3, 4]
    finally:
        await s2.close()


async def test_concurrent_turns_on_one_conversation_are_serialised(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    conv = await orch.create(lang="en")
    results = await asyncio.wait_for(
        asyncio.gather(*(orch.turn(conv.id, f"message {i}") for i in range(6))), timeout=30
    )
    indexes = sorted(r.customer_turn.index for r in results)
    assert indexes == [0, 2, 4, 6, 8, 10]
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert [t.role for t in stored.turns] == ["customer", "agent"] * 6
    assert [t.index for t in stored.turns] == list(range(12))


# -- a failed write leaves the conversation as it was ---------------------------------------
class FlakyStore:
    """The real store, with the next ``save_turns`` failing like a full disk would."""

    def __init__(self, inner: SQLiteStore) -> None:
        self.inner = inner
        self.fail_next = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def save_turns(self, conv: Any, turns: list[Any], idempotency: Any = None) -> None:
        if self.fail_next:
            self.fail_next = False
            raise sqlite3.OperationalError("database or disk is full")
        await self.inner.save_turns(conv, turns, idempotency)


async def test_failed_customer_turn_write_changes_nothing(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    flaky = FlakyStore(store)
    orch = make(flaky, executor, deadline_ms=40.0)
    conv = await orch.create(lang="en")
    await orch.greet(conv)
    before = (conv.to_json(), conv.memory.to_json())
    flaky.fail_next = True
    with pytest.raises(sqlite3.OperationalError):
        await orch.turn(conv.id, "too expensive")
    assert (conv.to_json(), conv.memory.to_json()) == before

    result = await orch.turn(conv.id, "too expensive")
    assert result.customer_turn.index == 1
    assert "first time" in (
        result.insights.next_action.reason if result.insights.next_action else ""
    )
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert [t.index for t in stored.turns] == [0, 1, 2]
    assert stored.memory.to_json() == conv.memory.to_json()


async def test_failed_reply_write_is_not_kept_in_memory(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    flaky = FlakyStore(store)
    orch = make(flaky, executor, deadline_ms=40.0)
    conv = await orch.create(lang="en")
    prepared = await orch.prepare(conv, "too expensive")
    await orch.commit(conv, prepared)
    flaky.fail_next = True
    with pytest.raises(sqlite3.OperationalError):
        await orch.record_reply(conv, prepared, "the reply")
    assert [t.role for t in conv.turns] == ["customer"]
    # the next turn's index matches what the store holds
    result = await orch.turn(conv.id, "still too expensive")
    assert result.customer_turn.index == 1
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert [t.index for t in stored.turns] == [0, 1, 2]


async def test_hung_models_do_not_hang_turns(store: SQLiteStore) -> None:
    """Models that never return fill the analysis threads; the rules must still answer."""
    hung = [Slow({"price": 0.9}) for _ in range(4)]
    executor = ThreadPoolExecutor(max_workers=4, thread_name_prefix="hung")
    orch = make(store, executor, primary=dict(zip(KINDS, hung, strict=True)), deadline_ms=30)
    try:
        conv = await orch.create(lang="en")
        for k in range(3):
            result = await asyncio.wait_for(orch.turn(conv.id, f"hello {k}"), timeout=5)
            assert result.insights.fallbacks == KINDS
    finally:
        for h in hung:
            h.release.set()
        executor.shutdown(wait=True)


async def test_client_chosen_channels_cannot_grow_the_metrics(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    """Metric labels come from a closed set: no client-chosen channel becomes a label value
    (not even the first few, nor control bytes)."""
    orch = make(store, executor)
    for i in range(12):
        conv = await orch.create(lang="en", channel=f"spam-{i}\x07")
        await orch.turn(conv.id, "hello")
    conv = await orch.create(lang="en", channel="realtime")
    await orch.turn(conv.id, "hello")
    labels = {
        s.labels["channel"]
        for metric in REGISTRY.collect()
        if metric.name in ("voice_agent_turn_seconds", "voice_agent_turns")
        for s in metric.samples
        if "channel" in s.labels
    }
    assert labels <= metrics.KNOWN_CHANNELS | {"other"}
    assert orch.channel_label("spam-0\x07") == "other"
    assert orch.channel_label("realtime") == "realtime"
    other = REGISTRY.get_sample_value("voice_agent_turns_total", {"channel": "other", "lang": "en"})
    assert other is not None and other >= 10
    # the conversations themselves keep their channel
    stored = await store.get_conversation(conv.id)
    assert stored is not None and stored.channel == "realtime"


async def test_conversation_cache_is_bounded_and_reloads(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(store, executor)
    orch.max_cached = 3
    convs = [await orch.create(lang="en") for _ in range(5)]
    assert len(orch._cache) == 3
    # the oldest were dropped from memory, not from the store
    again = await orch.get(convs[0].id)
    assert again.id == convs[0].id and again is not convs[0]
    result = await orch.turn(convs[0].id, "it's too expensive")
    assert result.customer_turn.index == 0
    assert len(orch._cache) == 3


async def test_conversations_unused_for_a_while_leave_the_cache(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    """Abandoned conversations (clients that never end them) do not hold memory up to the
    cap: one unused for ``cache_idle_s`` is dropped at the next use of any other."""
    now = [1000.0]
    orch = make(store, executor)
    orch.clock = lambda: now[0]
    orch.cache_idle_s = 60.0
    old = await orch.create(lang="en")
    now[0] += 30
    recent = await orch.create(lang="en")
    now[0] += 40  # old: 70 s unused, recent: 40 s
    fresh = await orch.create(lang="en")
    assert list(orch._cache) == [recent.id, fresh.id]
    assert old.id not in orch._locks
    # it reloads from the store and takes turns as before
    result = await orch.turn(old.id, "it's too expensive")
    assert result.customer_turn.index == 0 and old.id in orch._cache


# -- a yes -------------------------------------------------------------------------------------
class Sequence_:
    """A conversion model whose answers are given in order (the last one repeats)."""

    name = "conversion"
    version = "seq-conv"

    def __init__(self, *ps: float) -> None:
        self.ps = list(ps)

    def predict(self, inp: AnalysisInput) -> float:
        return self.ps.pop(0) if len(self.ps) > 1 else self.ps[0]


async def test_a_yes_is_a_buying_signal_and_the_conversion_does_not_fall_after_it(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    # the words alone score low ("sí, vamos" is short), as the bundled models once did
    orch = make(
        store,
        executor,
        primary=models(
            objections=Labels({}, "m-obj"),
            needs=Labels({}, "m-needs"),
            buying_signal=Buying(0.1, "m-buy"),
            conversion=Sequence_(0.34, 0.10, 0.05, 0.2),
        ),
    )
    conv = await orch.create(lang="es", customer={})
    first = await orch.turn(conv.id, "me interesa el programa")
    assert first.insights.conversion_probability == 0.34
    yes = await orch.turn(conv.id, "sí, vamos")
    assert yes.insights.buying_signal == BuyingSignal(True, 0.9)
    assert yes.insights.conversion_probability == 0.34
    assert yes.insights.next_action is not None
    assert (yes.insights.next_action.name, yes.insights.next_action.accepted) == (
        "close",
        "program",
    )
    # after the yes, a "thanks" does not lower it either, and the agent does not ask again
    thanks = await orch.turn(conv.id, "gracias")
    assert thanks.insights.conversion_probability == 0.34
    assert thanks.insights.next_action is not None
    assert "already said yes" in thanks.insights.next_action.reason
    # stored as decided
    stored = await store.get_conversation(conv.id)
    assert stored is not None
    assert stored.memory.agreed == "program"
    assert stored.turns[-2].insights is not None
    assert stored.turns[-2].insights.conversion_probability == 0.34


async def test_an_objection_after_the_yes_lets_the_conversion_fall(
    store: SQLiteStore, executor: ThreadPoolExecutor
) -> None:
    orch = make(
        store,
        executor,
        primary=models(
            objections=Labels({}, "m-obj"),
            conversion=Sequence_(0.5, 0.6, 0.2),
        ),
    )
    conv = await orch.create(lang="en", customer={})
    await orch.turn(conv.id, "tell me more")
    await orch.turn(conv.id, "yes, let's do it")
    orch.primary["objections"] = Labels({"needs_approval": 0.95}, "m-obj")
    back_out = await orch.turn(conv.id, "actually I need to ask my wife first")
    assert back_out.insights.conversion_probability == 0.2
    assert back_out.insights.next_action is not None
    assert back_out.insights.next_action.name == "handle_objection"
