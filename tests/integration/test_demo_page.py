"""The browser demo page (``voice_agent/web/static/demo.*``) in headless Chromium.

No server: Playwright serves the page from ``http://demo.test/`` and replaces
``/widget.js`` with a stub that implements the widget's ``window.voiceAgent`` contract
and lets the test push scripted state changes and per-turn insights.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Request, Route, expect

from tests.integration.browser import REPO_ROOT, PageLog, artifacts_dir, chromium_page
from voice_agent.web.routes import DEMO_CSP

STATIC = REPO_ROOT / "voice_agent" / "web" / "static"
ORIGIN = "http://demo.test"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

#: Stands in for /widget.js: the ``window.voiceAgent`` contract plus test hooks.
STUB_WIDGET = r"""
(() => {
  const script = document.currentScript;
  const listeners = {};
  const va = {
    state: 'idle',
    error: null,
    lang: (script && script.dataset.lang) || 'en',
    transcript: [],
    insights: [],
    playedSamples: 0,
    start(options) { window.__calls.push(['start', options || {}]); },
    hangUp() { window.__calls.push(['hangUp']); },
    setLang(lang) { this.lang = lang; window.__calls.push(['setLang', lang]); },
    on(name, fn) {
      (listeners[name] = listeners[name] || new Set()).add(fn);
      return () => listeners[name].delete(fn);
    },
  };
  window.__calls = [];
  window.__emit = (name) => { for (const fn of listeners[name] || []) fn(va); };
  window.__setState = (state) => { va.state = state; window.__emit('state'); };
  window.__pushInsight = (insight) => { va.insights.push(insight); window.__emit('insights'); };
  window.__pushTranscript = (entry) => { va.transcript.push(entry); window.__emit('transcript'); };
  const mount = document.querySelector((script && script.dataset.mount) || '#va-widget');
  if (mount) {
    mount.innerHTML =
      '<div class="stub-widget"><button type="button">Talk</button><p>Ready</p></div>';
  }
  window.voiceAgent = va;
  document.dispatchEvent(new CustomEvent('voiceagent:ready'));
})();
"""

OBJECTIONS = (
    "price",
    "time",
    "think_it_over",
    "skepticism",
    "has_alternative",
    "needs_approval",
    "not_interested",
)
NEEDS = ("weight_loss", "muscle_gain", "health", "stress", "energy", "event_prep", "rehab")


def insight(
    item_id: str,
    transcript: str,
    *,
    objections: dict[str, float] | None = None,
    needs: dict[str, float] | None = None,
    conversion: float,
    action: dict[str, str] | None,
    phase: str,
) -> dict[str, Any]:
    """One insights entry as the server sends it: every label with a score."""
    obj = objections or {}
    nd = needs or {}
    return {
        "itemId": item_id,
        "transcript": transcript,
        "objections": [{"label": k, "p": obj.get(k, 0.03)} for k in OBJECTIONS],
        "needs": [{"label": k, "p": nd.get(k, 0.04)} for k in NEEDS],
        "buying_signal": {"value": False, "p": 0.12},
        "conversion_probability": conversion,
        "next_action": action,
        "phase": phase,
    }


TURN_1 = insight(
    "item_001",
    "I'm exhausted and stressed all the time",
    needs={"stress": 0.8, "energy": 0.42},
    conversion=0.22,
    action={"name": "present_program", "reason": "stress need identified"},
    phase="discovery",
)
TURN_2 = insight(
    "item_002",
    "it's too expensive for me",
    objections={"price": 0.93},
    conversion=0.34,
    action={
        "name": "handle_objection",
        "reason": "price objection raised",
        "objection": "price",
    },
    phase="objection_handling",
)


@dataclass
class Served:
    """Every URL the page asked for."""

    requests: list[str] = field(default_factory=list)

    @property
    def outside(self) -> list[str]:
        return [u for u in self.requests if not u.startswith((f"{ORIGIN}/", "data:", "about:"))]


def _handle(route: Route) -> None:
    path = route.request.url.removeprefix(ORIGIN).split("?", 1)[0].split("#", 1)[0]
    if path == "/":
        file: Path | None = STATIC / "demo.html"
    elif path == "/widget.js":
        route.fulfill(status=200, content_type=CONTENT_TYPES[".js"], body=STUB_WIDGET)
        return
    elif path.startswith("/static/") and "/.." not in path:
        file = STATIC / path.removeprefix("/static/")
    else:
        file = None
    if file is None or not file.is_file():
        route.fulfill(status=404, content_type="text/plain", body="not found")
        return
    # The page gets the server's Content-Security-Policy: a violation is a console error.
    headers = {"Content-Security-Policy": DEMO_CSP} if path == "/" else {}
    route.fulfill(
        status=200,
        content_type=CONTENT_TYPES.get(file.suffix, "application/octet-stream"),
        headers=headers,
        body=file.read_bytes(),
    )


@contextmanager
def demo_page(query: str = "", width: int = 1280) -> Iterator[tuple[Page, PageLog, Served]]:
    """The demo page loaded from ``http://demo.test/`` with the stub widget."""
    with chromium_page(viewport_width=width) as (page, log):
        served = Served()

        def on_request(req: Request) -> None:
            served.requests.append(req.url)

        page.on("request", on_request)
        page.route(f"{ORIGIN}/**", _handle)
        # Anything else would leave the machine: refuse it (and the test fails below).
        page.route(lambda url: not url.startswith(f"{ORIGIN}/"), lambda r: r.abort())
        page.goto(f"{ORIGIN}/{query}", wait_until="load")
        page.wait_for_function("() => window.voiceAgent && window.__calls !== undefined")
        yield page, log, served


def push(page: Page, turn: dict[str, Any]) -> None:
    page.evaluate("(ins) => window.__pushInsight(ins)", turn)


def set_state(page: Page, state: str) -> None:
    page.evaluate("(s) => window.__setState(s)", state)


def calls(page: Page) -> list[list[Any]]:
    result: list[list[Any]] = page.evaluate("() => window.__calls")
    return result


def assert_clean(log: PageLog, served: Served) -> None:
    assert log.console_errors == []
    assert log.page_errors == []
    assert served.outside == []
    assert f"{ORIGIN}/static/demo.js" in served.requests
    assert f"{ORIGIN}/static/demo.css" in served.requests


def shot(page: Page, name: str) -> None:
    out = artifacts_dir() / "demo" / name
    out.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(out), full_page=True)
    assert out.stat().st_size > 0


def test_demo_page_english_shows_live_insights() -> None:
    with demo_page() as (page, log, served):
        assert page.evaluate("() => document.documentElement.lang") == "en"
        expect(page.locator("header h1")).to_contain_text("watch what it understands")
        expect(page.locator("#lang-select")).to_be_enabled()
        expect(page.locator("#empty-state")).to_be_visible()
        expect(page.locator("#empty-state")).to_contain_text("Press Talk and say what you need.")
        expect(page.locator("#va-widget .stub-widget")).to_be_visible()
        assert page.locator(".chip").count() == 0
        shot(page, "demo-en-empty.png")
        assert ["setLang", "en"] in calls(page)

        set_state(page, "connecting")
        set_state(page, "listening")
        push(page, TURN_1)
        expect(page.locator("#empty-state")).to_be_hidden()
        stress = page.locator("#needs .chip[data-label=stress]")
        expect(stress).to_be_visible()
        expect(stress).to_contain_text("Stress")
        expect(stress).to_contain_text("80%")
        # Below 0.5: not shown.
        assert page.locator("#needs .chip[data-label=energy]").count() == 0
        expect(page.locator("#conversion-chart circle.point")).to_have_count(1)

        push(page, TURN_2)
        price = page.locator("#objections .chip[data-label=price]")
        expect(price).to_be_visible()
        expect(price).to_contain_text("Price")
        expect(price).to_contain_text("93%")
        expect(price).to_contain_text("turn 2")
        expect(page.locator("#objections .chip")).to_have_count(1)
        expect(page.locator("#needs .chip[data-label=stress]")).to_contain_text("turn 1")
        gauge = page.locator("#conversion-gauge")
        expect(gauge).to_have_attribute("data-value", "0.34")
        expect(gauge).to_have_attribute("aria-label", "Conversion probability 34% after turn 2")
        expect(page.locator("#conversion-chart circle.point")).to_have_count(2)
        expect(page.locator("#conversion-chart")).to_have_attribute(
            "aria-label", "Conversion probability over the call: turn 1 22%, turn 2 34%"
        )
        action = page.locator("#next-action")
        expect(action).to_have_attribute("data-action", "handle_objection")
        expect(action).to_have_text("Handle the objection")
        expect(page.locator("#next-action-reason")).to_have_text("price objection raised")
        expect(page.locator("#phase")).to_have_text("Objection handling")
        summary = page.locator("#analysis-summary")
        expect(summary).to_have_attribute("aria-live", "polite")
        expect(summary).to_contain_text("conversion probability 34%")
        assert page.locator("main").count() == 1
        assert page.locator("header").count() == 1
        shot(page, "demo-en-insights.png")
        assert_clean(log, served)


def test_demo_page_spanish_from_query() -> None:
    with demo_page("?lang=es") as (page, log, served):
        assert page.evaluate("() => document.documentElement.lang") == "es"
        expect(page.locator("#lang-select")).to_have_value("es")
        expect(page.locator("#conversation-heading")).to_have_text("Conversación")
        expect(page.locator("#empty-state")).to_contain_text("Pulse Hablar y diga lo que necesita.")
        assert ["setLang", "es"] in calls(page)
        assert ["setLang", "en"] not in calls(page)

        set_state(page, "listening")
        push(page, TURN_1)
        push(page, TURN_2)
        expect(page.locator("#objections .chip[data-label=price]")).to_contain_text("Precio")
        expect(page.locator("#objections .chip[data-label=price]")).to_contain_text("turno 2")
        expect(page.locator("#needs .chip[data-label=stress]")).to_contain_text("Estrés")
        expect(page.locator("#next-action")).to_have_text("Resolver la objeción")
        expect(page.locator("#next-action-reason")).to_have_text("price objection raised")
        expect(page.locator("#phase")).to_have_text("Manejo de objeciones")
        expect(page.locator("#analysis-heading")).to_have_text("Análisis en vivo")
        expect(page.locator("#conversion-gauge")).to_have_attribute(
            "aria-label", "Probabilidad de conversión 34\u00a0% después del turno 2"
        )
        shot(page, "demo-es-insights.png")
        assert_clean(log, served)


def test_demo_page_language_lock_and_new_call() -> None:
    with demo_page(width=820) as (page, log, served):
        select = page.locator("#lang-select")
        # Switching language outside a call re-renders the page and tells the widget.
        select.select_option("es")
        assert page.evaluate("() => document.documentElement.lang") == "es"
        expect(page.locator("#conversation-heading")).to_have_text("Conversación")
        assert calls(page)[-1] == ["setLang", "es"]
        select.select_option("en")
        expect(page.locator("#conversation-heading")).to_have_text("Conversation")
        assert calls(page)[-1] == ["setLang", "en"]

        set_state(page, "connecting")
        expect(select).to_be_disabled()
        set_state(page, "listening")
        expect(select).to_be_disabled()
        push(page, TURN_1)
        push(page, TURN_2)
        set_state(page, "speaking")
        expect(select).to_be_disabled()
        shot(page, "demo-narrow-in-call.png")
        set_state(page, "ended")
        expect(select).to_be_enabled()
        # The finished call stays on screen until the next one starts.
        expect(page.locator("#conversion-chart circle.point")).to_have_count(2)

        set_state(page, "connecting")
        expect(select).to_be_disabled()
        expect(page.locator("#empty-state")).to_be_visible()
        expect(page.locator("#analysis-content")).to_be_hidden()
        assert page.locator(".chip").count() == 0
        assert page.locator("#conversion-chart circle.point").count() == 0
        expect(page.locator("#conversion-gauge")).to_have_attribute("data-value", "")

        # The stub keeps the old insights in its array: only the new call's turns show.
        set_state(page, "listening")
        turn = dict(TURN_2, itemId="item_101", conversion_probability=0.61)
        push(page, turn)
        expect(page.locator("#conversion-chart circle.point")).to_have_count(1)
        expect(page.locator("#conversion-gauge")).to_have_attribute("data-value", "0.61")
        expect(page.locator("#objections .chip[data-label=price]")).to_contain_text("turn 1")
        set_state(page, "error")
        expect(select).to_be_enabled()
        assert_clean(log, served)
