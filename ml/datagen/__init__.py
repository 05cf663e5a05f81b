"""Synthetic bilingual (en, es) training data: labelled utterances and whole conversations.

``generate_utterances(n, seed, langs)`` and ``generate_conversations(n, seed, langs)``
are deterministic for a seed and return plain dicts in the JSONL shape of
shared/eval/utterances_dev.jsonl and conversations_dev.jsonl (plus hidden extras:
``region``; ``traits``, ``turn_labels`` and ``latent_p`` for conversations).
"""

from __future__ import annotations

from ml.datagen.conversations import generate_conversations
from ml.datagen.utterances import generate_utterances

__all__ = ["generate_conversations", "generate_utterances"]
