"""Trained analysers implementing ``voice_agent.analysis.base`` protocols.

All state is read-only after loading (caches are thread-safe ``lru_cache``s), so one
instance is shared by every worker thread.
"""

from __future__ import annotations

from collections.abc import Mapping

from voice_agent.analysis.base import DETECTION_THRESHOLD
from voice_agent.core.labels import Lang
from voice_agent.core.types import AnalysisInput, BuyingSignal
from voice_agent.models.conversion import ConversionModel, Prefix
from voice_agent.models.utterance import UtteranceModel


class ModelObjectionAnalyser:
    name = "objections"

    def __init__(self, model: UtteranceModel, version: str) -> None:
        self.model = model
        self.version = version

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]:
        return self.model.predict(inp.text, inp.lang).objections


class ModelNeedsAnalyser:
    name = "needs"

    def __init__(self, model: UtteranceModel, version: str) -> None:
        self.model = model
        self.version = version

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]:
        return self.model.predict(inp.text, inp.lang).needs


class ModelBuyingSignalAnalyser:
    name = "buying_signal"

    def __init__(self, model: UtteranceModel, version: str) -> None:
        self.model = model
        self.version = version

    def predict(self, inp: AnalysisInput) -> BuyingSignal:
        p = self.model.predict(inp.text, inp.lang).buying_signal
        return BuyingSignal(p >= DETECTION_THRESHOLD, p)


class ModelConversionAnalyser:
    name = "conversion"

    def __init__(self, model: ConversionModel, version: str) -> None:
        self.model = model
        self.version = version

    def predict(self, inp: AnalysisInput) -> float:
        turns = (*tuple((u.role, u.text) for u in inp.history), ("customer", inp.text))
        return self.model.predict_prefix(Prefix(turns, inp.lang, inp.profile))


def prefix_input(prefix: Prefix) -> AnalysisInput:
    """The analysers' input for the last (customer) turn of a prefix."""
    from voice_agent.core.types import Utterance

    lang: Lang = "es" if prefix.lang == "es" else "en"
    history = tuple(
        Utterance("agent" if r == "agent" else "customer", t) for r, t in prefix.turns[:-1]
    )
    return AnalysisInput(
        text=prefix.turns[-1][1], lang=lang, history=history, profile=dict(prefix.profile)
    )
