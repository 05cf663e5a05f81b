"""The store interface, implemented by SQLite (one machine, the embedded default) and
PostgreSQL (several instances), and what both share: errors, records, the schema version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal, Protocol

from voice_agent.core.conversation import Conversation, Turn

#: How long an ``Idempotency-Key`` is remembered, in seconds (a day).
IDEMPOTENCY_TTL_S: Final = 86_400.0
#: What an idempotent request did: stored a customer turn, or recorded an outcome.
IdempotentKind = Literal["message", "outcome"]
RetentionMode = Literal["delete", "anonymize"]
#: What anonymized turns' texts become.
REMOVED_TEXT: Final = "[removed]"


class IdempotencyConflict(Exception):
    """Another request with the same tenant and ``Idempotency-Key`` was stored first."""


class TurnConflict(Exception):
    """Another writer (a request on another instance) stored a different turn at the same
    index of the conversation first: nothing of this write was stored."""

    def __init__(self, conversation_id: str, index: int) -> None:
        super().__init__(
            f"conversation {conversation_id!r}: turn {index} was stored by another request"
        )
        self.conversation_id = conversation_id
        self.index = index


class SchemaTooNew(RuntimeError):
    """The database was migrated by a newer voice-agent than this one."""


class StoreUnavailable(RuntimeError):
    """The database cannot be reached or opened (one line: what to check)."""


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    """An ``Idempotency-Key`` to store with the write it guards (same transaction)."""

    tenant: str
    key: str
    #: Hash of what was asked (method, path, body): the same key with another request is refused
    request_hash: str
    kind: IdempotentKind
    created_at: float


@dataclass(frozen=True, slots=True)
class StoredIdempotency:
    """A remembered ``Idempotency-Key``: what it did, to answer a retry the same way."""

    request_hash: str
    kind: IdempotentKind
    conversation_id: str
    #: The customer turn a ``message`` stored.
    turn_index: int | None
    created_at: float


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What a retention pass did (or, dry, would do)."""

    mode: RetentionMode
    cutoff: float
    conversations: int
    turns: int
    dry_run: bool

    def to_json(self) -> dict[str, object]:
        return {
            "mode": self.mode,
            "cutoff": self.cutoff,
            "conversations": self.conversations,
            "turns": self.turns,
            "dry_run": self.dry_run,
        }


@dataclass(frozen=True, slots=True)
class VariantCounts:
    """An experiment arm's conversations, those with an outcome, and those converted."""

    conversations: int
    decided: int
    converted: int


@dataclass(frozen=True, slots=True)
class ExperimentRecord:
    """One conversation of an experiment, as its report needs it."""

    conversation_id: str
    variant: str
    #: True converted, False not, None no outcome yet.
    outcome: bool | None
    customer_turns: int
    #: Agent replies (the greeting excluded), their ``total`` times, and how many of them
    #: the playbook wrote because the LLM's failed or was rejected.
    agent_replies: int
    reply_ms: tuple[float, ...]
    generator_fallbacks: int
    #: Customer turns where an analyser fell back to the rules.
    analyser_fallback_turns: int


@dataclass(frozen=True, slots=True)
class LabelledConversation:
    """An ended conversation with its outcome, as the learning loop trains on it."""

    id: str
    lang: str
    channel: str
    created_at: float
    converted: bool
    #: (role, text) of every turn, in order.
    turns: tuple[tuple[str, str], ...]

    def to_training_row(self) -> dict[str, object]:
        """The conversation in the training data format (``ml/data.py``)."""
        return {
            "id": self.id,
            "lang": self.lang,
            "channel": self.channel,
            "converted": self.converted,
            "turns": [{"role": r, "text": t} for r, t in self.turns],
        }


class Store(Protocol):
    #: True when several server instances share the database (PostgreSQL): an instance
    #: must not keep conversations in memory between requests, another may change them.
    shared: bool

    async def open(self) -> None:
        """Connect, apply the missing migrations (:class:`SchemaTooNew` for a newer schema)."""
        ...

    async def close(self) -> None: ...

    async def create_conversation(self, conv: Conversation) -> None: ...

    async def save_turns(
        self,
        conv: Conversation,
        turns: list[Turn],
        idempotency: IdempotencyRecord | None = None,
    ) -> None:
        """Persist ``turns`` (new or updated) and the conversation's state in one transaction,
        with ``idempotency`` if given (:class:`IdempotencyConflict` if its key is taken)."""
        ...

    async def update_conversation(
        self, conv: Conversation, idempotency: IdempotencyRecord | None = None
    ) -> None: ...

    async def get_conversation(self, conversation_id: str) -> Conversation | None: ...

    async def list_conversations(
        self, *, limit: int = 100, ended: bool | None = None, tenant: str | None = None
    ) -> list[Conversation]:
        """The newest conversations (``tenant``: only that tenant's; ``None``: everyone's)."""
        ...

    async def find_idempotency(
        self, tenant: str, key: str, now: float
    ) -> StoredIdempotency | None: ...

    async def end_interrupted_calls(
        self, channels: frozenset[str], idle_before: float, reason: str, now: float
    ) -> list[str]:
        """End open conversations on ``channels`` with no activity since ``idle_before``."""
        ...

    async def apply_retention(
        self, cutoff: float, mode: RetentionMode, now: float, *, dry_run: bool = False
    ) -> RetentionReport: ...

    async def ping(self) -> bool: ...

    async def schema_version(self) -> int: ...

    async def redeem_nonce(self, nonce: str, expires_at: float, now: float) -> bool:
        """Mark a signed token's ``nonce`` used until ``expires_at`` (forgetting expired
        ones): False if any instance redeemed it before, so a token is used once across
        instances."""
        ...

    async def find_call(self, channel: str, call_id: str) -> Conversation | None:
        """The newest conversation of the call ``call_id`` (its ``tags["call_id"]``) on
        ``channel``, without its turns: how a call another instance carried ended."""
        ...

    async def heartbeat(self, instance: str, now: float) -> None:
        """``instance`` is alive at ``now`` (registered on its first heartbeat)."""
        ...

    async def end_lost_calls(
        self, channels: frozenset[str], lost_before: float, reason: str, now: float
    ) -> list[str]:
        """End (``reason``) the open conversations on ``channels`` carried by an instance
        whose last heartbeat is older than ``lost_before``."""
        ...

    async def end_instance_calls(
        self, channels: frozenset[str], instance: str, reason: str, now: float
    ) -> list[str]:
        """End (``reason``) the open conversations on ``channels`` carried by ``instance``
        (at its start-up: a process that was killed left them)."""
        ...

    async def labelled_conversations(self) -> list[LabelledConversation]:
        """Every conversation with an outcome and a customer turn, oldest first; not the
        anonymized ones (their words are gone)."""
        ...

    async def experiment_counts(self, experiment: str) -> dict[str, VariantCounts]:
        """Per variant of ``experiment``: conversations, with an outcome, converted."""
        ...

    async def experiment_records(self, experiment: str) -> list[ExperimentRecord]:
        """Every conversation of ``experiment``, oldest first."""
        ...
