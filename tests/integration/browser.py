"""Open a local HTML file in a real headless Chromium (Debian's ``chromium``, driven by
Playwright by path: Playwright's own browser download is not used).

:func:`open_in_chromium` loads a page from ``file://``, waits for it to settle, saves a
full-page screenshot and returns what a test asserts on: the title, the visible text, the
console errors and uncaught page errors, and every request that left the file system (a
self-contained report makes none). :func:`chromium_page` gives the live Playwright page for
tests that click links or measure elements.

Screenshots go under :func:`artifacts_dir`: ``$VOICE_AGENT_TEST_ARTIFACTS``, else
``test-artifacts/`` at the repository root (ignored by git).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
REPO_ROOT = Path(__file__).resolve().parents[2]
#: One page load, in ms (a cold Chromium start on a busy machine takes a few seconds).
LOAD_TIMEOUT_MS = 60_000


def artifacts_dir() -> Path:
    """Where tests leave files for people to look at (created on first use)."""
    env = os.environ.get("VOICE_AGENT_TEST_ARTIFACTS")
    path = Path(env) if env else REPO_ROOT / "test-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


def require_chromium() -> Path:
    """The Chromium binary; fails with how to get it when it is not installed."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        raise AssertionError(
            f"{CHROMIUM} is missing: the HTML report tests need Debian's chromium package; "
            "`bash .ci/dev test` installs it (or: apt-get install -y chromium)"
        )
    return CHROMIUM


@dataclass
class PageLog:
    """What a page reported while it was open."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    #: Requests to anything but ``file:``, ``data:`` or ``about:`` URLs.
    external_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))
        page.on("request", self._request)
        page.on("requestfailed", lambda req: self.failed_requests.append(req.url))

    def _console(self, msg: ConsoleMessage) -> None:
        if msg.type == "error":
            self.console_errors.append(msg.text)

    def _request(self, req: Request) -> None:
        if not req.url.startswith(("file:", "data:", "about:")):
            self.external_requests.append(req.url)


@dataclass(frozen=True)
class BrowserPage:
    """A page as Chromium rendered it."""

    url: str
    title: str
    #: ``document.body.innerText``: the text a reader sees.
    text: str
    console_errors: tuple[str, ...]
    page_errors: tuple[str, ...]
    external_requests: tuple[str, ...]
    failed_requests: tuple[str, ...]
    screenshot: Path
    #: For each selector asked for: how many elements match and are rendered with a
    #: non-empty bounding box.
    visible: dict[str, int]

    @property
    def errors(self) -> tuple[str, ...]:
        """Console errors, page errors and failed requests, for one assertion."""
        return self.console_errors + self.page_errors + self.failed_requests


def fake_microphone_args(wav: Path | None) -> list[str]:
    """Chromium flags that answer ``getUserMedia`` with ``wav`` (16-bit PCM, played once from
    when capture starts) without asking; ``None``: a fake device but no permission, so the
    page is refused the microphone."""
    args = ["--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required"]
    if wav is not None:
        args += [
            "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}%noloop",
        ]
    return args


@contextmanager
def chromium_page(
    viewport_width: int = 1280, args: Sequence[str] = ()
) -> Iterator[tuple[Page, PageLog]]:
    """A fresh headless Chromium page (launched with ``args``) and the log of its errors;
    closed on exit."""
    executable = require_chromium()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(executable), headless=True, args=list(args)
        )
        try:
            page = browser.new_page(viewport={"width": viewport_width, "height": 900})
            page.set_default_timeout(LOAD_TIMEOUT_MS)
            log = PageLog()
            log.attach(page)
            yield page, log
        finally:
            browser.close()


def visible_count(page: Page, selector: str) -> int:
    """Elements matching ``selector`` that have a non-empty rendered box."""
    count = 0
    for handle in page.query_selector_all(selector):
        box = handle.bounding_box()
        if box is not None and box["width"] > 0 and box["height"] > 0:
            count += 1
    return count


def snapshot(
    page: Page, log: PageLog, screenshot: Path, selectors: Sequence[str] = ()
) -> BrowserPage:
    """Screenshot the current page and collect what it shows."""
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot), full_page=True)
    return BrowserPage(
        url=page.url,
        title=page.title(),
        text=page.evaluate("() => document.body ? document.body.innerText : ''"),
        console_errors=tuple(log.console_errors),
        page_errors=tuple(log.page_errors),
        external_requests=tuple(log.external_requests),
        failed_requests=tuple(log.failed_requests),
        screenshot=screenshot,
        visible={s: visible_count(page, s) for s in selectors},
    )


def open_in_chromium(html: Path, screenshot: Path, *, selectors: Sequence[str] = ()) -> BrowserPage:
    """Load ``html`` from ``file://`` in headless Chromium, save a full-page screenshot to
    ``screenshot`` and return what the page showed and reported."""
    with chromium_page() as (page, log):
        page.goto(html.resolve().as_uri(), wait_until="load")
        return snapshot(page, log, screenshot, selectors)
