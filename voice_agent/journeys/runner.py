"""Running journeys: each journey is one conversation, turn by turn, through a backend.

Two backends behind :class:`Backend`:

* :class:`InProcessBackend` builds the same engine as ``voice-agent chat`` (settings from the
  environment, the bundled models and playbook) with a fresh SQLite store in a temporary
  directory, removed at the end of the run;
* :class:`RestBackend` talks to a running server: ``POST /v1/conversations``, then
  ``POST /v1/conversations/{id}/messages`` for every turn.

Every wait has a deadline (``turn_timeout_s``): a turn without an answer in time fails its
journey, and the run goes on with the next one. A backend that cannot run anything (server
unreachable, API key refused) raises :class:`BackendUnavailable` and stops the run.
"""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol, TypeVar

import httpx

from voice_agent.core.types import Insights
from voice_agent.journeys.checks import Failure, evaluate
from voice_agent.journeys.observed import Observed, ObservedTurn
from voice_agent.journeys.spec import Journey

if TYPE_CHECKING:
    from voice_agent.services import Services

#: Default deadline of one request (a turn, or opening a conversation).
TURN_TIMEOUT_S: Final = 30.0
#: The conversation channel journeys use (so they can be told apart in the store).
CHANNEL: Final = "journeys"

T = TypeVar("T")


class BackendUnavailable(RuntimeError):
    """The backend cannot run journeys at all (stops the run)."""


class TurnFailed(RuntimeError):
    """One request got no usable answer (fails the journey it belongs to)."""


@dataclass(frozen=True, slots=True)
class Started:
    conversation_id: str
    greeting: str


@dataclass(frozen=True, slots=True)
class Answer:
    reply: str
    insights: Insights


class Backend(Protocol):
    #: How the report names it: ``in process`` or the server's URL.
    name: str

    async def start(self, journey: Journey) -> Started: ...

    async def say(self, conversation_id: str, text: str) -> Answer: ...

    async def aclose(self) -> None: ...


async def _deadline(work: Awaitable[T], timeout_s: float, what: str) -> T:
    try:
        return await asyncio.wait_for(work, timeout_s)
    except TimeoutError:
        raise TurnFailed(f"{what}: no answer within {timeout_s:g} s") from None


class InProcessBackend:
    """The engine of ``voice-agent chat``, in this process, on a throw-away store."""

    name = "in process"

    def __init__(self, services: Services, tmp: tempfile.TemporaryDirectory[str]) -> None:
        self.services = services
        self._tmp = tmp

    @classmethod
    async def open(cls) -> InProcessBackend:
        from voice_agent.services import build_services
        from voice_agent.settings import load_settings

        tmp = tempfile.TemporaryDirectory(prefix="voice-agent-journeys-")
        try:
            data = Path(tmp.name)
            settings = load_settings(
                data_dir=data,
                database_url=f"sqlite:///{data / 'journeys.sqlite3'}",
                api_keys="journeys-in-process",
                speech=False,
            )
            svc = build_services(settings)
            await svc.store.open()
        except BaseException:
            tmp.cleanup()
            raise
        return cls(svc, tmp)

    async def start(self, journey: Journey) -> Started:
        orch = self.services.orchestrator
        conv = await orch.create(lang=journey.lang, customer=journey.customer, channel=CHANNEL)
        greeting = await orch.greet(conv)
        return Started(conv.id, greeting.text)

    async def say(self, conversation_id: str, text: str) -> Answer:
        result = await self.services.orchestrator.turn(conversation_id, text)
        return Answer(result.reply, result.insights)

    async def aclose(self) -> None:
        try:
            await self.services.store.close()
            self.services.workers.shutdown(wait=False)
        finally:
            self._tmp.cleanup()


class RestBackend:
    """A running server, over its REST API."""

    def __init__(
        self,
        url: str,
        api_key: str,
        timeout_s: float = TURN_TIMEOUT_S,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.name = url.rstrip("/")
        self.client = httpx.AsyncClient(
            base_url=self.name,
            headers={"Authorization": f"Bearer {api_key}"},
            timeout=httpx.Timeout(timeout_s),
            transport=transport,
        )

    async def _post(self, path: str, body: dict[str, object], what: str) -> dict[str, object]:
        try:
            response = await self.client.post(path, json=body)
        except httpx.ConnectError as exc:
            raise BackendUnavailable(f"{self.name}: cannot connect: {exc}") from None
        except httpx.TimeoutException:
            raise TurnFailed(f"{what}: no answer from {self.name} in time") from None
        except httpx.HTTPError as exc:
            raise TurnFailed(f"{what}: {type(exc).__name__}: {exc}") from None
        try:
            data = response.json()
        except json.JSONDecodeError:
            data = None
        if response.status_code in (401, 403):
            raise BackendUnavailable(f"{self.name}: {_error_text(response.status_code, data)}")
        if response.is_error:
            raise TurnFailed(f"{what}: {_error_text(response.status_code, data)}")
        if not isinstance(data, dict):
            raise TurnFailed(f"{what}: the server did not answer with a JSON object")
        return data

    async def start(self, journey: Journey) -> Started:
        body: dict[str, object] = {
            "lang": journey.lang,
            "customer": dict(journey.customer),
            "channel": CHANNEL,
        }
        data = await self._post("/v1/conversations", body, "opening the conversation")
        cid, greeting = data.get("id"), data.get("greeting")
        text = greeting.get("text") if isinstance(greeting, dict) else None
        if not isinstance(cid, str) or not isinstance(text, str):
            raise TurnFailed("opening the conversation: no id or greeting.text in the answer")
        return Started(cid, text)

    async def say(self, conversation_id: str, text: str) -> Answer:
        data = await self._post(
            f"/v1/conversations/{conversation_id}/messages", {"text": text}, "the message"
        )
        reply, insights = data.get("reply"), data.get("insights")
        reply_text = reply.get("text") if isinstance(reply, dict) else None
        if not isinstance(reply_text, str) or not isinstance(insights, dict):
            raise TurnFailed("the answer has no reply.text or insights")
        try:
            parsed = Insights.from_json(insights)
        except (KeyError, TypeError, ValueError) as exc:
            raise TurnFailed(f"the answer's insights are malformed: {exc!r}") from None
        return Answer(reply_text, parsed)

    async def aclose(self) -> None:
        await self.client.aclose()


def _error_text(status: int, data: object) -> str:
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            return f"HTTP {status} {err.get('code')}: {err.get('message')}"
    return f"HTTP {status}"


@dataclass(frozen=True, slots=True)
class JourneyResult:
    journey: Journey
    observed: Observed
    failures: tuple[Failure, ...]
    #: Why the conversation stopped early (the turn got no usable answer), if it did.
    error: str | None
    duration_s: float

    @property
    def passed(self) -> bool:
        return self.error is None and not self.failures


@dataclass(frozen=True, slots=True)
class RunResult:
    backend: str
    results: tuple[JourneyResult, ...]
    duration_s: float

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0


async def run_journey(
    backend: Backend, journey: Journey, turn_timeout_s: float = TURN_TIMEOUT_S
) -> JourneyResult:
    """One journey as one conversation; stops at the first turn without an answer."""
    t0 = time.perf_counter()
    cid, greeting = "", ""
    turns: list[ObservedTurn] = []
    error: str | None = None
    try:
        started = await _deadline(
            backend.start(journey), turn_timeout_s, "opening the conversation"
        )
        cid, greeting = started.conversation_id, started.greeting
        for turn in journey.turns:
            try:
                answer = await _deadline(backend.say(cid, turn.say), turn_timeout_s, "the message")
            except TurnFailed as exc:
                raise TurnFailed(f"turn {turn.number}: {exc}") from None
            turns.append(ObservedTurn(turn.number, turn.say, answer.reply, answer.insights))
    except TurnFailed as exc:
        error = str(exc)
    observed = Observed(cid, greeting, tuple(turns))
    failures = tuple(evaluate(journey, observed))
    return JourneyResult(journey, observed, failures, error, time.perf_counter() - t0)


async def run_journeys(
    backend: Backend,
    journeys: Sequence[Journey],
    *,
    turn_timeout_s: float = TURN_TIMEOUT_S,
    on_result: Callable[[JourneyResult], None] | None = None,
) -> RunResult:
    """Every journey, one after the other (``on_result`` after each)."""
    t0 = time.perf_counter()
    results: list[JourneyResult] = []
    for journey in journeys:
        result = await run_journey(backend, journey, turn_timeout_s)
        results.append(result)
        if on_result is not None:
            on_result(result)
    return RunResult(backend.name, tuple(results), time.perf_counter() - t0)


__all__ = [
    "Answer",
    "Backend",
    "BackendUnavailable",
    "InProcessBackend",
    "JourneyResult",
    "RestBackend",
    "RunResult",
    "Started",
    "TurnFailed",
    "run_journey",
    "run_journeys",
]
