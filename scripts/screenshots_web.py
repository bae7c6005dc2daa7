#!/usr/bin/env python3
"""Screenshots of the web app's main views for the README (docs/img/web-*.png), in headless Chromium:

    python scripts/screenshots_web.py --db /tmp/web.db [--out docs/img]

desktop (1440×900): the map and timeline, an event's evidence with its article in context, the events
table filtered by a facet; phone (390×844): the stacked page. Views that show article text (evidence,
table) belong in the docs only when taken on a ledger of the project's own texts (the bundled sample,
`newsledger --db /tmp/sample.db demo`), never on third-party articles.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bench_web import CHROMIUM, start_server


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--out", default="docs/img")
    a = ap.parse_args()
    out = Path(a.out)
    from playwright.sync_api import sync_playwright

    proc, base, _ = start_server(a.db)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(base + "/", timeout=120_000)
            page.wait_for_selector("body[data-ready='1']", timeout=120_000)
            page.screenshot(path=str(out / "web-map-and-timeline.png"))
            page.locator("#eventsTable th[data-sort='sources'] button").click()
            page.wait_for_selector("#eventsTable th[data-sort='sources'][aria-sort='descending']")
            page.locator("#eventsTable tr.row").first.click()
            page.wait_for_selector("#evidenceBody .mention")
            page.locator("#evidenceBody button.open-article").first.click()
            page.wait_for_selector("#evidenceBody mark.evidence")
            page.locator("#evidence").screenshot(path=str(out / "web-evidence.png"))
            page.locator(".facet[data-facet='type'] button.facet-value[data-value='MOBILIZE']").click()
            page.wait_for_selector(".facet[data-facet='type'] button.chosen")
            page.locator("#tablePanel").screenshot(path=str(out / "web-table.png"))
            phone = browser.new_page(viewport={"width": 390, "height": 844})
            phone.goto(base + "/", timeout=120_000)
            phone.wait_for_selector("body[data-ready='1']", timeout=120_000)
            phone.screenshot(path=str(out / "web-phone.png"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
