"""The store interface. SQLite implements it; a PostgreSQL backend can implement the same."""

from __future__ import annotations

from typing import Protocol

from voice_agent.core.conversation import Conversation, Turn


class Store(Protocol):
    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def create_conversation(self, conv: Conversation) -> None: ...

    async def save_turns(self, conv: Conversation, turns: list[Turn]) -> None:
        """Persist ``turns`` (new or updated) and the conversation's state in one transaction."""
        ...

    async def update_conversation(self, conv: Conversation) -> None: ...

    async def get_conversation(self, conversation_id: str) -> Conversation | None: ...

    async def list_conversations(
        self, *, limit: int = 100, ended: bool | None = None
    ) -> list[Conversation]: ...

    async def ping(self) -> bool: ...
