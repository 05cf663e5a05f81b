"""Interfaces of the analysers the orchestrator runs for every customer turn.

An analyser is a plain, synchronous, thread-safe object: the orchestrator calls
``predict`` in a worker thread under a deadline, and falls back to the rule-based
implementation of the same kind when it fails or is late. Implementations live in
``voice_agent.analysis.rules`` (keyword and pattern rules) and ``voice_agent.models.inference``
(trained models).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from voice_agent.core.types import AnalysisInput, BuyingSignal

#: A label is "detected" when its probability reaches this value.
DETECTION_THRESHOLD = 0.5


@runtime_checkable
class LabelAnalyser(Protocol):
    """Multi-label analyser (objections, needs): a probability for every label."""

    name: str
    version: str

    def predict(self, inp: AnalysisInput) -> Mapping[str, float]: ...


@runtime_checkable
class BuyingSignalAnalyser(Protocol):
    name: str
    version: str

    def predict(self, inp: AnalysisInput) -> BuyingSignal: ...


@runtime_checkable
class ConversionAnalyser(Protocol):
    """Probability that the conversation ends in a conversion, given it so far.

    ``inp.history`` + ``inp.text`` is the conversation up to and including the
    current customer turn; ``inp.previous`` the insights of earlier turns.
    """

    name: str
    version: str

    def predict(self, inp: AnalysisInput) -> float: ...


@dataclass(frozen=True, slots=True)
class AnalyserSet:
    """The four analysers of one kind (models or rules)."""

    objections: LabelAnalyser
    needs: LabelAnalyser
    buying_signal: BuyingSignalAnalyser
    conversion: ConversionAnalyser
