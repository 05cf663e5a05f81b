"""The orchestrator: one customer turn through analysis, decision and generation.

For every customer turn it runs the four analysers concurrently in worker threads, each
under a deadline, answering with the rule-based analyser of the same kind when the primary
one fails or is late; the policy picks the next best action; the generator writes the reply.

The work is split so a voice transport can run it speculatively:

* :meth:`Orchestrator.prepare` analyses and decides on a *copy* of the conversation's
  memory and stores nothing, so its result can be dropped when the caller goes on talking;
* :meth:`Orchestrator.commit` records the customer turn and its insights (stored before
  any reply reaches the caller);
* :meth:`Orchestrator.record_reply` records what the agent actually said (all of it, or
  the part that was played before a barge-in).

:meth:`Orchestrator.turn` chains the three for text conversations.
"""

from __future__ import annotations

import asyncio
import copy
import time
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

import structlog

from voice_agent import calibration, metrics
from voice_agent.analysis.base import DETECTION_THRESHOLD, AnalyserSet
from voice_agent.analysis.reconcile import OFFER_ACTIONS, read_outright, reconcile
from voice_agent.core.conversation import Conversation, Memory, Turn
from voice_agent.core.decision import (
    Policy,
    PolicyState,
    apply_action,
    next_action,
    phase_after,
)
from voice_agent.core.labels import Lang, Phase
from voice_agent.core.types import (
    Action,
    AnalysisInput,
    BuyingSignal,
    Insights,
    LabelScore,
    Utterance,
)
from voice_agent.errors import (
    ConcurrentTurn,
    ConversationEnded,
    ConversationNotFound,
    InvalidRequest,
)
from voice_agent.experiments.runner import Arm, Experiment
from voice_agent.generation.base import GenerationContext, ResponseGenerator
from voice_agent.generation.sentences import split_sentences
from voice_agent.playbook.faq import FaqIndex
from voice_agent.playbook.schema import Playbook
from voice_agent.playbook.shutdown import shutdown_line
from voice_agent.store.base import IdempotencyRecord, Store, TurnConflict
from voice_agent.workers import pool

log = structlog.get_logger("voice_agent.orchestrator")
T = TypeVar("T")

KINDS = ("objections", "needs", "buying_signal", "conversion")
#: An open conversation unused this long leaves the memory cache (it reloads from the store).
CACHE_IDLE_S = 300.0


@dataclass(slots=True)
class PreparedTurn:
    """A customer turn analysed and decided, not yet stored."""

    conversation_id: str
    text: str
    insights: Insights
    action: Action
    memory: Memory
    context: GenerationContext
    generator: ResponseGenerator
    timings_ms: dict[str, float] = field(default_factory=dict)
    greeting: bool = False
    dtmf: str = ""
    #: Fixed sentences said instead of the generator's (the goodbye of a call the server
    #: cuts: :meth:`Orchestrator.prepare_goodbye`).
    lines: tuple[str, ...] | None = None

    async def sentences(self) -> AsyncIterator[str]:
        """The reply, sentence by sentence, as the generator produces it."""
        if self.lines is not None:
            for line in self.lines:
                yield line
            return
        gen = (
            self.generator.greeting(self.context)
            if self.greeting
            else self.generator.generate(self.context)
        )
        async for sentence in gen:
            yield sentence


@dataclass(slots=True)
class TurnResult:
    conversation: Conversation
    customer_turn: Turn
    agent_turn: Turn
    insights: Insights
    reply: str
    timings_ms: dict[str, float]


class Orchestrator:
    def __init__(
        self,
        *,
        store: Store,
        primary: Mapping[str, Any],
        fallback: AnalyserSet,
        policy: Policy,
        generator: ResponseGenerator,
        deadline_ms: float = 40.0,
        executor: ThreadPoolExecutor | None = None,
        rules_executor: ThreadPoolExecutor | None = None,
        clock: Callable[[], float] = time.time,
        max_cached: int = 2_000,  # ~11 KB each (4 turns): ~21 MB at most
        cache_idle_s: float = CACHE_IDLE_S,
        faq: FaqIndex | None = None,
        playbook: Playbook | None = None,
        experiment: Experiment | None = None,
        model_version: str | None = None,
        instance: str | None = None,
    ) -> None:
        self.store = store
        #: This server instance: voice conversations are marked as carried by it.
        self.instance = instance
        #: Trained analysers by kind. Replaced whole, never changed in place
        #: (:meth:`swap_models`); a turn reads it once (:meth:`analyse`).
        self.primary: dict[str, Any] = dict(primary)
        #: The registry version of ``primary`` (``None``: none loaded, or not known).
        self.model_version = model_version
        self.fallback = fallback
        self.policy = policy
        self.generator = generator
        #: The playbook's answers to customers' questions (none: every question gets the
        #: policy's action, never a request for the sale).
        self.faq = faq
        #: Its ``shutdown`` lines are the goodbye of calls the server cuts (none: the
        #: bundled line, :func:`voice_agent.playbook.shutdown.shutdown_line`).
        self.playbook = playbook
        #: An A/B experiment: each new conversation gets a variant (its generator, policy,
        #: playbook); conversations outside it use the parts above.
        self.experiment = experiment
        self.deadline_s = deadline_ms / 1000.0
        self.executor = executor or pool("analysis", 4)
        #: The rules have threads of their own: models that hang (and keep their threads
        #: after the deadline) must not leave the fallback waiting behind them.
        self.rules_executor = rules_executor or pool("rules", 2)
        self.clock = clock
        #: Open conversations by recent use, with when each was last used; the least recently
        #: used beyond ``max_cached``, and any unused for ``cache_idle_s``, are dropped (they
        #: reload from the store) unless a turn holds their lock. Abandoned conversations
        #: (clients that never end them) would otherwise hold memory up to the cap.
        self._cache: OrderedDict[str, tuple[Conversation, float]] = OrderedDict()
        self._locks: dict[str, asyncio.Lock] = {}
        self.max_cached = max_cached
        self.cache_idle_s = cache_idle_s

    @staticmethod
    def channel_label(channel: str) -> str:
        """The metrics label of a channel (a closed set: :func:`metrics.channel_label`)."""
        return metrics.channel_label(channel)

    def arm(self, conv: Conversation) -> Arm:
        """The parts ``conv`` speaks and decides with: its variant's, else the server's."""
        exp = self.experiment
        if exp is not None and conv.tags.get("experiment") == exp.name:
            arm = exp.arms.get(str(conv.tags.get("variant")))
            if arm is not None:
                return arm
        return Arm(None, self.generator, self.policy, self.faq, self.playbook)

    # -- conversations --------------------------------------------------------------------
    async def create(
        self,
        *,
        lang: Lang,
        customer: Mapping[str, Any] | None = None,
        channel: str = "api",
        tenant: str | None = None,
        variant: str | None = None,
    ) -> Conversation:
        """A new conversation, stored; in the running experiment, with its variant
        (``variant`` forces one, for QA)."""
        conv = Conversation(
            id=uuid.uuid4().hex,
            lang=lang,
            channel=channel,
            customer=dict(customer or {}),
            created_at=self.clock(),
            tenant=tenant,
            instance=self.instance if channel in metrics.VOICE_CHANNELS else None,
        )
        exp = self.experiment
        if exp is None and variant is not None:
            raise InvalidRequest(
                "variant: no experiment is running (VOICE_AGENT_EXPERIMENT)",
                code="unknown_variant",
                status=422,
            )
        if exp is not None:
            chosen = await exp.assign(conv.id, variant)
            conv.tags.update({"experiment": exp.name, "variant": chosen})
        await self.store.create_conversation(conv)
        self._remember(conv)
        metrics.CONVERSATIONS.labels(self.channel_label(channel), metrics.lang_label(lang)).inc()
        if exp is not None:
            metrics.EXPERIMENT_CONVERSATIONS.labels(exp.name, conv.tags["variant"]).inc()
        return conv

    def _remember(self, conv: Conversation) -> None:
        if self.store.shared:  # another instance may change it: read it again each time
            return
        now = self.clock()
        self._cache[conv.id] = (conv, now)
        self._cache.move_to_end(conv.id)
        excess = len(self._cache) - self.max_cached
        stale_before = now - self.cache_idle_s
        # oldest first: over the cap, or idle too long (stop at the first recent one)
        victims: list[str] = []
        for cid, (_, used_at) in self._cache.items():
            if excess <= 0 and used_at > stale_before:
                break
            lock = self._locks.get(cid)
            if lock is not None and lock.locked():
                continue
            victims.append(cid)
            excess -= 1
        for cid in victims:
            self.forget(cid)

    async def get(self, conversation_id: str) -> Conversation:
        cached = self._cache.get(conversation_id)
        conv = cached[0] if cached is not None else None
        if conv is None:
            conv = await self.store.get_conversation(conversation_id)
            if conv is None:
                raise ConversationNotFound(conversation_id)
            if conv.ended:
                return conv
        self._remember(conv)
        return conv

    def lock(self, conversation_id: str) -> asyncio.Lock:
        lock = self._locks.get(conversation_id)
        if lock is None:
            if len(self._locks) >= 2 * self.max_cached:
                self._drop_idle_locks()
            lock = self._locks[conversation_id] = asyncio.Lock()
        return lock

    def _drop_idle_locks(self) -> None:
        """Forget the locks nobody holds of conversations no longer cached: a request for an
        unknown or ended conversation takes a lock too, and would otherwise leave it behind
        (memory growing with every such request). Safe: taking a free lock never waits, so
        no one is between :meth:`lock` and acquiring it."""
        idle = [c for c, lk in self._locks.items() if not lk.locked() and c not in self._cache]
        for cid in idle:
            del self._locks[cid]

    def forget(self, conversation_id: str) -> None:
        self._cache.pop(conversation_id, None)
        self._locks.pop(conversation_id, None)

    async def end(
        self,
        conv: Conversation,
        *,
        converted: bool | None,
        value: float | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> Conversation:
        """Record the outcome and end the conversation. A call that ended (hang-up,
        hand-off) still takes its outcome, once."""
        if conv.outcome is not None or (conv.ended and conv.end_reason is None):
            raise ConversationEnded(conv.id)
        conv.phase = "ended"
        conv.ended_at = conv.ended_at or self.clock()
        if converted is not None:
            conv.outcome = {"converted": converted, "value": value}
            metrics.OUTCOMES.labels(str(converted).lower()).inc()
            if self.experiment is not None and self.arm(conv).name is not None:
                metrics.EXPERIMENT_OUTCOMES.labels(
                    self.experiment.name, str(conv.tags["variant"]), str(converted).lower()
                ).inc()
        await self.store.update_conversation(conv, idempotency)
        calibration.record_outcome(conv)  # predicted against actual, once stored
        self.forget(conv.id)
        return conv

    async def end_call(self, conv: Conversation, reason: str) -> None:
        """The call carrying ``conv`` is over: the conversation ends with ``reason``."""
        if conv.ended_at is None:
            conv.ended_at = self.clock()
        conv.phase = "ended"
        conv.end_reason = reason
        await self.store.update_conversation(conv)
        self.forget(conv.id)

    async def update_profile(
        self, conv: Conversation, *, lang: Lang, customer: Mapping[str, Any]
    ) -> None:
        """The caller's language or profile changed during a call."""
        conv.lang = lang
        conv.customer = dict(customer)
        await self.store.update_conversation(conv)

    async def revise_reply(self, conv: Conversation, turn: Turn, text: str) -> None:
        """Replace a stored agent turn's text with what the caller really heard (the
        client reported less playback than was estimated)."""
        turn.text = text
        await self.store.save_turns(conv, [turn])

    # -- analysis ---------------------------------------------------------------------------
    def swap_models(self, primary: Mapping[str, Any], version: str | None) -> None:
        """Serve the trained analysers ``primary`` (of model ``version``) from the next turn
        on: one assignment of a new dict, so a turn under way keeps the analysers it read."""
        self.primary, self.model_version = dict(primary), version

    async def _call(
        self, kind: str, inp: AnalysisInput, models: Mapping[str, Any]
    ) -> tuple[Any, str | None, str, float]:
        """Run one analyser of ``models`` (else the rules) under the deadline; returns
        (result, fallback reason, impl, ms)."""
        loop = asyncio.get_running_loop()
        primary = models.get(kind)
        t0 = time.perf_counter()
        reason: str | None
        if primary is not None:
            try:
                result = await asyncio.wait_for(
                    loop.run_in_executor(self.executor, primary.predict, inp), self.deadline_s
                )
                ms = (time.perf_counter() - t0) * 1000
                metrics.ANALYSER_SECONDS.labels(kind, "model").observe(ms / 1000)
                return result, None, str(getattr(primary, "version", "model")), ms
            except TimeoutError:
                reason = "deadline"
            except Exception as exc:  # a broken model must not break the turn
                reason = "error"
                log.warning("analyser_failed", analyser=kind, error=repr(exc))
        else:
            reason = "unavailable"
        metrics.FALLBACKS.labels(kind, reason).inc()
        rules = getattr(self.fallback, kind)
        result = await loop.run_in_executor(self.rules_executor, rules.predict, inp)
        ms = (time.perf_counter() - t0) * 1000
        metrics.ANALYSER_SECONDS.labels(kind, "rules").observe(ms / 1000)
        return result, reason, str(getattr(rules, "version", "rules")), ms

    async def analyse(self, conv: Conversation, text: str) -> tuple[Insights, dict[str, float]]:
        inp = AnalysisInput(
            text=text,
            lang=conv.lang,
            history=conv.transcript(),
            profile=conv.customer,
            previous=conv.customer_insights(),
        )
        models = self.primary  # read once: one turn never mixes two versions of the models
        results = await asyncio.gather(*(self._call(kind, inp, models) for kind in KINDS))
        by_kind = dict(zip(KINDS, results, strict=True))
        timings = {f"analysis.{k}": r[3] for k, r in by_kind.items()}
        fallbacks = tuple(k for k, r in by_kind.items() if r[1] is not None)
        objections: Mapping[str, float] = by_kind["objections"][0]
        needs: Mapping[str, float] = by_kind["needs"][0]
        buying: BuyingSignal = by_kind["buying_signal"][0]
        conversion = float(by_kind["conversion"][0])
        insights = Insights(
            objections=_scores(objections),
            needs=_scores(needs),
            buying_signal=buying,
            conversion_probability=min(1.0, max(0.0, conversion)),
            phase=conv.phase,
            fallbacks=fallbacks,
            models={k: r[2] for k, r in by_kind.items()},
        )
        return insights, timings

    # -- the three steps of a turn ----------------------------------------------------------
    async def prepare(self, conv: Conversation, text: str, *, dtmf: str = "") -> PreparedTurn:
        """Analyse ``text`` and decide the next action. Stores nothing. ``dtmf``: phone keys
        pressed during the turn (a key press alone is a turn too)."""
        if conv.ended:
            raise ConversationEnded(conv.id)
        text = text.strip()
        if not text and not dtmf:
            raise InvalidRequest("text must not be empty", code="empty_text")
        t0 = time.perf_counter()
        insights, timings = await self.analyse(conv, text)
        last_action = conv.memory.actions[-1] if conv.memory.actions else None
        earlier = conv.customer_insights()
        outright = read_outright(
            text,
            conv.lang,
            asked_for_sale=last_action in ("close", "offer_trial"),
            agreed_before=conv.memory.agreed is not None,
            previous_conversion=earlier[-1].conversion_probability if earlier else None,
            offer_made=any(a in OFFER_ACTIONS for a in conv.memory.actions),
        )
        insights = reconcile(insights, outright)
        timings["analysis"] = (time.perf_counter() - t0) * 1000
        arm = self.arm(conv)
        memory = copy.deepcopy(conv.memory)
        t1 = time.perf_counter()
        state = PolicyState(
            phase=conv.phase,
            customer_turns=conv.customer_turn_count() + 1,
            insights=insights,
            memory=memory,
            profile=conv.customer,
            dtmf=dtmf,
            commitment=outright.commitment,
            ask=outright.ask,
            faq_topic=arm.faq.topic(text, conv.lang) if arm.faq is not None else None,
        )
        action = next_action(arm.policy, state)
        apply_action(memory, action, insights)
        phase = phase_after(action.name, conv.phase)
        timings["decision"] = (time.perf_counter() - t1) * 1000
        metrics.DECISION_SECONDS.observe(timings["decision"] / 1000)
        insights = replace(insights, next_action=action, phase=phase, variant=arm.name)
        ctx = GenerationContext(
            action=action,
            lang=conv.lang,
            phase=phase,
            customer=conv.customer,
            transcript=(*conv.transcript(), Utterance("customer", text)),
            memory=memory,
            insights=insights,
        )
        return PreparedTurn(
            conv.id, text, insights, action, memory, ctx, arm.generator, timings, dtmf=dtmf
        )

    async def prepare_greeting(self, conv: Conversation) -> PreparedTurn:
        memory = copy.deepcopy(conv.memory)
        action = Action("discover_need", "conversation opened: greet and start discovery")
        insights = Insights((), (), BuyingSignal(False, 0.0), 0.0, action, "greeting")
        ctx = GenerationContext(
            action=action,
            lang=conv.lang,
            phase="greeting",
            customer=conv.customer,
            transcript=conv.transcript(),
            memory=memory,
        )
        generator = self.arm(conv).generator
        return PreparedTurn(conv.id, "", insights, action, memory, ctx, generator, {}, True)

    async def prepare_goodbye(self, conv: Conversation) -> PreparedTurn:
        """The goodbye of a call the server must cut: the playbook's ``shutdown`` line in
        the call's language (recorded as the agent asking the caller to call back)."""
        action = Action("schedule_follow_up", "the server is stopping: the call must end now")
        insights = Insights((), (), BuyingSignal(False, 0.0), 0.0, action, conv.phase)
        ctx = GenerationContext(
            action=action,
            lang=conv.lang,
            phase=conv.phase,
            customer=conv.customer,
            transcript=conv.transcript(),
            memory=conv.memory,
        )
        arm = self.arm(conv)
        line = shutdown_line(arm.playbook, conv.lang)
        return PreparedTurn(
            conv.id,
            "",
            insights,
            action,
            conv.memory,
            ctx,
            arm.generator,
            {},
            lines=tuple(split_sentences(line)),
        )

    async def commit(
        self,
        conv: Conversation,
        prepared: PreparedTurn,
        timings_ms: Mapping[str, float] | None = None,
        idempotency: IdempotencyRecord | None = None,
    ) -> Turn:
        """Record the customer turn and its insights (with ``idempotency``, in the same
        transaction); returns once it is stored."""
        if conv.ended:
            raise ConversationEnded(conv.id)
        memory_before, phase_before = conv.memory, conv.phase
        turn = conv.add_turn("customer", prepared.text, self.clock())
        turn.dtmf = prepared.dtmf
        turn.insights = prepared.insights
        turn.timings_ms = {**prepared.timings_ms, **(timings_ms or {})}
        conv.memory = prepared.memory
        conv.phase = prepared.context.phase
        await self._save(conv, turn, memory_before, phase_before, idempotency)
        metrics.TURNS.labels(self.channel_label(conv.channel), metrics.lang_label(conv.lang)).inc()
        return turn

    async def record_reply(
        self,
        conv: Conversation,
        prepared: PreparedTurn,
        text: str,
        *,
        truncated: bool = False,
        timings_ms: Mapping[str, float] | None = None,
    ) -> Turn:
        """Record what the agent said (``text``: all of it, or what was heard)."""
        memory_before, phase_before = copy.deepcopy(conv.memory), conv.phase
        if prepared.greeting:
            conv.memory = prepared.memory
            if conv.phase == "greeting":
                conv.phase = "discovery"
        program = prepared.context.report.program
        if program and program not in conv.memory.programs_presented:
            conv.memory.programs_presented.append(str(program))
        turn = conv.add_turn("agent", text, self.clock())
        turn.action = prepared.action.name
        turn.truncated = truncated
        turn.timings_ms = dict(timings_ms or {})
        turn.generation = prepared.context.report.note()
        await self._save(conv, turn, memory_before, phase_before)
        return turn

    async def _save(
        self,
        conv: Conversation,
        turn: Turn,
        memory: Memory,
        phase: Phase,
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        """Store ``turn``, just added to ``conv``; when the store fails, put ``conv`` back as
        it was (the turn, memory and phase), so memory and store do not diverge."""
        try:
            await self.store.save_turns(conv, [turn], idempotency)
        except Exception as exc:
            if conv.turns and conv.turns[-1] is turn:
                conv.turns.pop()
            conv.memory, conv.phase = memory, phase
            if isinstance(exc, TurnConflict):
                self.forget(conv.id)  # what is stored is newer: read it again next time
                raise ConcurrentTurn(conv.id) from exc
            raise

    async def greet(self, conv: Conversation) -> Turn:
        """Text channels: write and record the greeting."""
        t0 = time.perf_counter()
        prepared = await self.prepare_greeting(conv)
        text = " ".join([s async for s in prepared.sentences()])
        gen_ms = (time.perf_counter() - t0) * 1000
        metrics.GENERATION_SECONDS.labels(prepared.generator.name).observe(gen_ms / 1000)
        timings = {"generation": gen_ms, "total": gen_ms}
        return await self.record_reply(conv, prepared, text, timings_ms=timings)

    async def turn(
        self, conversation_id: str, text: str, idempotency: IdempotencyRecord | None = None
    ) -> TurnResult:
        """A whole text turn: analyse, decide, store the customer turn (with
        ``idempotency``, in the same transaction), reply, store it."""
        t0 = time.perf_counter()
        async with self.lock(conversation_id):
            conv = await self.get(conversation_id)
            prepared = await self.prepare(conv, text)
            customer_turn = await self.commit(conv, prepared, idempotency=idempotency)
            t1 = time.perf_counter()
            reply = " ".join([s async for s in prepared.sentences()]).strip()
            gen_ms = (time.perf_counter() - t1) * 1000
            metrics.GENERATION_SECONDS.labels(prepared.generator.name).observe(gen_ms / 1000)
            timings = dict(prepared.timings_ms)
            timings["generation"] = gen_ms
            timings["total"] = (time.perf_counter() - t0) * 1000
            agent_turn = await self.record_reply(conv, prepared, reply, timings_ms=timings)
        metrics.TURN_SECONDS.labels(self.channel_label(conv.channel)).observe(
            timings["total"] / 1000
        )
        return TurnResult(conv, customer_turn, agent_turn, prepared.insights, reply, timings)


def _scores(probs: Mapping[str, float]) -> tuple[LabelScore, ...]:
    items = sorted(((k, float(v)) for k, v in probs.items()), key=lambda kv: -kv[1])
    return tuple(LabelScore(k, v) for k, v in items if v >= DETECTION_THRESHOLD)


__all__ = ["Orchestrator", "PreparedTurn", "TurnResult"]
