#!/usr/bin/env python3
"""Browser timings of the web app over a ledger, in real headless Chromium (Playwright), not a test:

    python scripts/bench_web.py --db /tmp/web.db [--runs 3] [--viewport 1440x900] [--json out.json]
    python scripts/bench_web.py --db /tmp/web100k.db --synthetic 100000   # the scale benchmark's ledger

`--synthetic N` first fills the ledger with scripts/bench_queries.py's synthetic events (N events over
three years, 60 actors, 30 hosts; reused when it already holds N events), to check the page at scale.

It starts `newsledger serve` on a free port (with whatever newsledger is on PYTHONPATH, so the same
script measures an older checkout too), waits until the server answers, then loads the page `--runs`
times in fresh browser contexts (nothing cached) and reports, from navigation start, the median of:

  first_useful_ms   the country shapes are drawn or the ledger's counts are shown, whichever comes first
  map_shaded_ms     at least one host country is shaded on the map
  ready_ms          map shaded and the timeline has drawn its marks (the page is usable)
  bytes             bytes transferred for the page and its API calls (compressed size on the wire)
  requests          number of requests; posture_requests: how many of them asked for /api/posture

plus the server's time to accept connections after start (startup_ms), and replay: with the page loaded,
`--replay-steps` presses of the step-back key (←), then as many of the week-back key (PageUp), each timed
until the map shows that day's posture (each day new to the server, so its posture is computed then):

  replay_first_ms   the first step back from the last day
  replay_median_ms  the median step; replay_max_ms the slowest
  posture_at_ms     the median server time of `GET /api/posture?at=DAY` over `--replay-steps` other days
                    (each asked once, so none is answered from the server's cache)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import socket
import statistics
import subprocess
import sys
import time

import httpx

CHROMIUM = "/usr/bin/chromium"
PROBE = """() => new Promise(resolve => {
  const t = {};
  const tick = () => {
    const now = performance.now();
    const stats = document.getElementById("stats");
    if (!t.first && (document.querySelector("#map path.country") || (stats && !/loading/.test(stats.textContent))))
      t.first = now;
    if (!t.shaded && document.querySelector("#map path.host")) t.shaded = now;
    if (!t.timeline && document.querySelector("#timeline circle, #timeline rect.bar")) t.timeline = now;
    if (t.shaded && t.timeline) resolve(t); else if (now > 60000) resolve(t); else requestAnimationFrame(tick);
  };
  tick();
})"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: str) -> tuple[subprocess.Popen, str, float]:
    port = free_port()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "serve", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t0 < 120:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc, base, (time.perf_counter() - t0) * 1000
        except OSError:
            time.sleep(0.02)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


REPLAY_STEP = """([key, cap]) => new Promise(resolve => {
  const t0 = performance.now();
  document.body.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true }));
  const want = document.getElementById("dayLabel").textContent;
  const tick = () => document.body.dataset.postureDay === want || performance.now() - t0 > cap
    ? resolve(performance.now() - t0) : requestAnimationFrame(tick);
  tick();
})"""


def replay_run(browser, base: str, viewport: tuple[int, int], steps: int) -> list[float]:
    """Milliseconds of each replay step (back a day `steps` times, then back a week `steps` times)."""
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    page.goto(base + "/", wait_until="commit")
    page.evaluate(PROBE)
    page.wait_for_load_state("networkidle")
    out = [page.evaluate(REPLAY_STEP, [key, 60000]) for key in ["ArrowLeft"] * steps + ["PageUp"] * steps]
    context.close()
    return out


def posture_at_times(base: str, steps: int) -> list[float]:
    """Server milliseconds of /api/posture?at=DAY over `steps` days spread over the ledger's range."""
    stats = httpx.get(base + "/api/stats", timeout=120).json()
    lo, hi = (dt.date.fromisoformat(stats[k][:10]) for k in ("first_published", "last_published"))
    out = []
    for i in range(steps):
        day = lo + (hi - lo) * (2 * i + 1) // (2 * steps) + dt.timedelta(days=3)  # away from the replay's days
        t0 = time.perf_counter()
        httpx.get(base + f"/api/posture?at={day.isoformat()}&lines=60", timeout=300).raise_for_status()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def one_run(browser, base: str, viewport: tuple[int, int]) -> dict:
    context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
    page = context.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(base + "/", wait_until="commit")
    t = page.evaluate(PROBE)
    page.wait_for_load_state("networkidle")
    size = page.evaluate("() => performance.getEntriesByType('navigation').concat("
                         "performance.getEntriesByType('resource')).reduce((s, e) => s + (e.transferSize || 0), 0)")
    context.close()
    return {"first_useful_ms": t.get("first"), "map_shaded_ms": t.get("shaded"),
            "ready_ms": max(t["shaded"], t["timeline"]) if "shaded" in t and "timeline" in t else None,
            "bytes": size, "requests": len(urls), "posture_requests": sum("/api/posture" in u for u in urls)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--viewport", default="1440x900")
    ap.add_argument("--json")
    ap.add_argument("--synthetic", type=int, metavar="N", help="fill --db with N synthetic events first")
    ap.add_argument("--fresh", action="store_true", help="with --synthetic: rebuild the ledger even if it holds N")
    ap.add_argument("--replay-steps", type=int, default=10, metavar="K", help="replay steps timed (0: none)")
    a = ap.parse_args()
    if a.synthetic:
        from bench_queries import build

        build(a.db, a.synthetic, fresh=a.fresh)
    viewport = tuple(int(x) for x in a.viewport.split("x"))
    from playwright.sync_api import sync_playwright

    proc, base, startup = start_server(a.db)
    try:
        httpx.get(base + "/api/stats", timeout=120)
        httpx.get(base + "/", timeout=120)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            one_run(browser, base, viewport)  # warm the server's caches (shapes), as a running server has them
            runs = [one_run(browser, base, viewport) for _ in range(a.runs)]
            replay = replay_run(browser, base, viewport, a.replay_steps) if a.replay_steps else []
            browser.close()
        at_times = posture_at_times(base, a.replay_steps) if a.replay_steps else []
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    med = lambda k: statistics.median(r[k] for r in runs) if all(r[k] is not None for r in runs) else None  # noqa: E731
    report = {"startup_ms": round(startup), "viewport": a.viewport, "runs": a.runs} | {
        k: (round(med(k)) if med(k) is not None else None) for k in runs[0]}
    if replay:
        report |= {"replay_first_ms": round(replay[0]), "replay_median_ms": round(statistics.median(replay)),
                   "replay_max_ms": round(max(replay)), "posture_at_ms": round(statistics.median(at_times))}
    for k, v in report.items():
        print(f"{k:18} {v}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"median": report, "runs": runs, "replay_steps_ms": replay, "posture_at_ms": at_times}, f,
                      indent=1)


if __name__ == "__main__":
    main()
