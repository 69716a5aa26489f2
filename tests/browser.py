"""Browser tests' shared pieces: Debian's Chromium driven by Playwright (it cannot download
its own browser here, so it is launched through `executable_path`), a live simulator on
127.0.0.1 whose merchants notify a local receiver, and a watched page that fails the test on
any console error, failed request, or request that leaves the simulator.

Test modules import the fixtures they use: `from tests.browser import browser, sim`.
"""

from __future__ import annotations

import shutil

import pytest

from simulator.app import create_app
from simulator.receiver import Receiver
from simulator.serving import BackgroundServer
from simulator.settings import Settings
from tests.conftest import FAST_WEBHOOKS, skip_unless_required, with_notification_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_required("playwright is not installed (pip install -e '.[dev]')")
    if not shutil.which("chromium") and not shutil.os.path.exists(CHROMIUM):
        skip_unless_required("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def sim(default_scenario):
    """A live simulator on the default scenario; `sim.receiver` gets every notification,
    `sim.restore()` loads the scenario again."""
    receiver = Receiver().__enter__()
    scenario = with_notification_url(default_scenario, receiver.url)
    app = create_app(Settings(store="memory", webhook_time_scale=FAST_WEBHOOKS), scenario=scenario)
    with BackgroundServer(app) as server:
        server.receiver = receiver
        server.restore = lambda: app.extensions["sandbox"].load(scenario)   # tests load others
        yield server
    app.extensions["sandbox"].webhooks.stop()
    receiver.__exit__(None, None, None)


def watched_page(browser, origin: str, *, allowed=(), http_errors_under: str | None = None):
    """(context, page) where `page.problems` collects console errors, page errors, failed
    requests, requests to anywhere but `origin` (or `allowed` prefixes), and HTTP >= 400
    answers to URLs containing `http_errors_under`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    inside = (origin, "data:", *allowed)
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    # net::ERR_ABORTED is the browser cancelling a request itself (a poll in flight when the
    # page navigates away); a server that breaks a connection shows as another error
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}")
            if r.failure != "net::ERR_ABORTED" else None)
    page.on("request", lambda r: problems.append(f"outside: {r.url}")
            if not r.url.startswith(inside) else None)
    if http_errors_under:
        page.on("response", lambda r: problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and http_errors_under in r.url else None)
    page.problems = problems
    return context, page
