"""Scripted journeys: whole text conversations with expectations, run in process or against a
running server over REST (``voice-agent journeys``; README, "Journeys").

``spec`` reads and validates the YAML files, ``runner`` plays them through a backend,
``checks`` judges what happened, ``report`` writes text, JSON and HTML, ``command`` is the
CLI's logic.
"""

from voice_agent.journeys.checks import Failure, evaluate
from voice_agent.journeys.command import Options, run_command
from voice_agent.journeys.runner import (
    Backend,
    BackendUnavailable,
    InProcessBackend,
    JourneyResult,
    RestBackend,
    RunResult,
    run_journey,
    run_journeys,
)
from voice_agent.journeys.spec import Journey, JourneyError, load_journey, load_journeys

__all__ = [
    "Backend",
    "BackendUnavailable",
    "Failure",
    "InProcessBackend",
    "Journey",
    "JourneyError",
    "JourneyResult",
    "Options",
    "RestBackend",
    "RunResult",
    "evaluate",
    "load_journey",
    "load_journeys",
    "run_command",
    "run_journey",
    "run_journeys",
]
