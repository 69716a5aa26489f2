#!/usr/bin/env python3
"""Take the README's dashboard screenshots: a live simulator on 127.0.0.1 with a little
history (a paid order notified after one failed attempt, a cancel, a refused signature, an
active fault), photographed in Debian's Chromium through Playwright.

    python docs/screenshots.py            # writes docs/dashboard-orders.png, docs/dashboard-order.png
"""

from __future__ import annotations

import base64
import dataclasses
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from simulator.app import create_app  # noqa: E402
from simulator.merchants import MerchantDirectory  # noqa: E402
from simulator.providers import PROVIDERS  # noqa: E402
from simulator.receiver import Receiver  # noqa: E402
from simulator.scenarios import load  # noqa: E402
from simulator.serving import BackgroundServer  # noqa: E402
from simulator.settings import Settings  # noqa: E402

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
AUTH = {"Authorization": "Basic " + base64.b64encode(b"SB-Mid-server-SIMULATOR-KEY:").decode()}
START = datetime(2026, 1, 15, 10, 0, tzinfo=timezone(timedelta(hours=7)))


def main() -> int:
    with Receiver() as receiver:
        scenario = load("default", PROVIDERS)
        merchants = MerchantDirectory(dataclasses.replace(m, notification_url=f"{receiver.url}/hooks/{m.provider}")
                                      for m in scenario.merchants)
        scenario = dataclasses.replace(scenario, merchants=merchants, clock_start=START, clock_frozen=True)
        app = create_app(Settings(webhook_time_scale=1e-6), scenario=scenario)
        with BackgroundServer(app) as server, sync_playwright() as playwright:
            receiver.replies = [503]
            requests.post(f"{server.url}/_sim/orders/midtrans/MT-VA-BCA-PENDING/pay", timeout=5)
            requests.post(f"{server.url}/v2/MT-GOPAY-PENDING/cancel", headers=AUTH, timeout=5)
            requests.post(f"{server.url}/v2/MT-VA-BCA-PENDING/cancel", headers=AUTH, timeout=5)
            requests.post(f"{server.url}/_sim/faults", timeout=5,
                          json={"provider": "doku", "endpoint": "cancel", "action": "status", "status": 503, "times": 2})
            receiver.wait_for(2)
            time.sleep(0.2)
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 760})
            page.goto(f"{server.url}/_sim/ui/?provider=midtrans")
            page.screenshot(path=str(ROOT / "docs" / "dashboard-orders.png"))
            page.goto(f"{server.url}/_sim/ui/orders/midtrans/MT-VA-BCA-PENDING")
            page.click("#order summary:has-text('POST') time")
            page.wait_for_timeout(1500)          # a live refresh: what was opened stays open
            page.screenshot(path=str(ROOT / "docs" / "dashboard-order.png"), full_page=True)
            browser.close()
        app.extensions["sandbox"].webhooks.stop()
    print("wrote docs/dashboard-orders.png and docs/dashboard-order.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
