"""The web app and HTTP API against a live server on localhost; end-to-end in real headless Chromium
(Playwright driving Debian's /usr/bin/chromium); schemathesis against the OpenAPI spec."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import ROOT, SHARED, needs_shared, run_cli

SAMPLE = ROOT / "src" / "newsledger" / "sample"
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM = os.environ.get("NEWSLEDGER_CHROMIUM", "/usr/bin/chromium")
CRAFTED = ('WARSAW — NATO sent 300 troops to Poland on Monday <script>window.__pwned = 1</script> and '
           '<img src=x onerror="window.__pwned = 2"> officials said, in a statement that ended the week.')
TOKEN = "test-token-123"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A real `newsledger serve` on a free localhost port, over a ledger of the sample plus a crafted article."""
    tmp = tmp_path_factory.mktemp("web")
    db = str(tmp / "web.db")
    crafted = tmp / "crafted"
    crafted.mkdir()
    (crafted / "xss.txt").write_text(" date 2022-02-14\n" + CRAFTED, encoding="utf-8")
    assert run_cli("ingest", str(SAMPLE), str(crafted), db=db).returncode == 0
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "newsledger", "--db", db, "serve", "--port", str(port),
                             "--allow-write", "--token", TOKEN, "--allowed-host", "ledger.example"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if httpx.get(base + "/api/stats", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail(proc.stdout.read().decode())
    yield base
    proc.terminate()
    proc.wait(timeout=10)


# -- API -------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("path", ["/api/stats", "/api/articles", "/api/mentions?type=MOBILIZE", "/api/events",
                                  "/api/events?actor=USA&type=MOBILIZE", "/api/timeline?dates=5",
                                  "/api/posture?at=2022-02-20", "/api/search?q=Patriot", "/openapi.json", "/"])
def test_endpoints_answer(server, path):
    r = httpx.get(server + path)
    assert r.status_code == 200, r.text
    assert "default-src 'self'" in r.headers["content-security-policy"]


@pytest.mark.slow
def test_timeline_counts_only_is_the_same_days_without_ids(server):
    full = httpx.get(server + "/api/timeline").json()
    counts = httpx.get(server + "/api/timeline", params={"counts_only": "true"}).json()
    assert [(e["date"], e["type_counts"], e["n_events"]) for e in counts] == [
        (e["date"], e["type_counts"], e["n_events"]) for e in full]
    assert full and "events" in full[0] and not any("events" in e or "sources" in e for e in counts)


@pytest.mark.slow
def test_pagination_and_filters(server):
    first = httpx.get(server + "/api/events?limit=5").json()
    second = httpx.get(server + f"/api/events?limit=5&offset={first['next_offset']}").json()
    assert len(first["items"]) == 5 and first["next_offset"] == 5
    assert not {e["id"] for e in first["items"]} & {e["id"] for e in second["items"]}
    us = httpx.get(server + "/api/mentions?actor=USA&type=MOBILIZE&limit=500").json()["items"]
    assert us and all("USA" in [a["code"] for a in m["actors"]] for m in us)
    ev = httpx.get(server + f"/api/events/{first['items'][0]['id']}").json()
    assert ev["mentions"] and all("highlights" in m for m in ev["mentions"])


@pytest.mark.slow
@pytest.mark.parametrize("path, status", [
    ("/api/events/no-such-event", 404), ("/api/articles/nope", 404), ("/api/events?limit=100000", 422),
    ("/api/mentions?type=PARTY", 422), ("/api/posture?at=2022-13-45", 422), ("/api/search?q=", 422),
    ("/api/mentions?actor=%27%3B%20DROP%20TABLE%20articles%3B--", 422), ("/nothing-here", 404),
])
def test_errors_are_json_with_status(server, path, status):
    r = httpx.get(server + path)
    assert r.status_code == status
    assert r.json()["error"]["status"] == status


@pytest.mark.slow
def test_sql_injection_in_text_is_just_text(server):
    r = httpx.get(server + "/api/search", params={"q": "x' OR 1=1; DROP TABLE articles; --"})
    assert r.status_code == 200
    assert httpx.get(server + "/api/stats").json()["articles"] >= 21


@pytest.mark.slow
def test_write_needs_token_and_size_is_limited(server):
    body = {"articles": [{"id": "api-1", "time": "2022-02-15", "text": "WARSAW — Germany sent 200 troops to "
                          "Lithuania on Tuesday, the defence ministry said in a short statement."}]}
    assert httpx.post(server + "/api/ingest", json=body).status_code == 401
    assert httpx.post(server + "/api/ingest", json=body, headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = httpx.post(server + "/api/ingest", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 202 and ok.json()["state"] in ("queued", "running"), ok.text
    job = _wait_for_job(server, ok.json()["status_url"])
    assert job["state"] == "done" and job["result"]["added"] == 1, job
    big = httpx.post(server + "/api/ingest", content=b"x" * 6_000_001,
                     headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"})
    assert big.status_code == 413


def _wait_for_job(server: str, status_url: str, seconds: float = 300) -> dict:
    """Poll an ingest job until it ends (it loads the model and extracts: slow on a busy machine)."""
    for _ in range(int(seconds * 4)):
        job = httpx.get(server + status_url).json()
        if job["state"] in ("done", "failed"):
            return job
        time.sleep(0.25)
    pytest.fail(f"ingest job still {job['state']} after {seconds} s")


@pytest.mark.slow
@needs_shared
def test_readers_keep_answering_while_an_ingest_job_runs(server):
    lines = (SHARED / "corpus" / "ukraine-news-2022" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(x) for x in lines[:40]]
    r = httpx.post(server + "/api/ingest", json={"articles": records}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 202, r.text
    status_url, answered_while_running, seen = r.json()["status_url"], 0, set()
    for _ in range(2400):
        before = httpx.get(server + status_url).json()
        seen.add((before["stage"], before["done"] > 0))
        if before["state"] in ("done", "failed"):
            break
        reader = httpx.get(server + "/api/events?limit=20", timeout=5)  # a reader never waits for the batch
        assert reader.status_code == 200
        answered_while_running += httpx.get(server + status_url).json()["state"] == "running"
    assert before["state"] == "done", before
    assert before["result"]["read"] == 40 and before["total"] >= 1
    assert answered_while_running >= 3, seen
    assert httpx.get(server + "/api/jobs/0123456789abcdef").status_code == 404


@pytest.mark.slow
@pytest.mark.parametrize("host, status", [("evil.example", 400), ("evil.example:80", 400), ("127.0.0.1", 200),
                                          ("localhost:8000", 200), ("ledger.example", 200), ("", 400)])
def test_host_header_is_validated(server, host, status):
    r = httpx.get(server + "/api/stats", headers={"Host": host})
    assert r.status_code == status, r.text
    if status == 400:
        assert "allowed-host" in r.json()["error"]["message"]


@pytest.mark.slow
@pytest.mark.parametrize("path", ["/api/countries", "/api/timeline", "/api/posture", "/static/vendor/redoc.standalone.js"])
def test_responses_are_compressed(server, path):
    with httpx.stream("GET", server + path, headers={"Accept-Encoding": "gzip"}, timeout=60) as r:
        raw = b"".join(r.iter_raw())
    assert r.status_code == 200 and r.headers["content-encoding"] == "gzip"
    assert len(raw) < len(gzip.decompress(raw)) / 2


@pytest.mark.slow
@pytest.mark.parametrize("damage, status", [("garbage", 503), ("none", 200)])
def test_store_faults_are_5xx_and_bad_input_4xx(tmp_path, damage, status):
    from fastapi.testclient import TestClient

    from newsledger.web.app import Settings, create_app

    db = tmp_path / "fault.db"
    client = TestClient(create_app(Settings(str(db))), raise_server_exceptions=False)
    if damage == "garbage":
        for p in tmp_path.glob("fault.db*"):
            p.write_bytes(b"this is not a database" * 500)
    r = client.get("/api/events")
    assert r.status_code == status, r.text
    assert client.get("/api/events?date_from=2022-99-99").status_code == 422  # bad input stays 4xx


@pytest.mark.slow
def test_read_only_by_default(tmp_path):
    from fastapi.testclient import TestClient

    from newsledger.web.app import Settings, create_app

    client = TestClient(create_app(Settings(str(tmp_path / "ro.db"))))
    assert client.post("/api/ingest", json={"articles": []}).status_code in (404, 405)


@pytest.mark.slow
def test_schemathesis_finds_no_server_error(server):
    exe = shutil.which("schemathesis") or shutil.which("st")
    assert exe, "schemathesis is a test dependency"
    r = subprocess.run([exe, "run", f"{server}/openapi.json", "--checks", "not_a_server_error",
                        "--max-examples", "25", "--exclude-method", "POST"],
                       capture_output=True, text=True, timeout=600)
    out = r.stdout + r.stderr
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "schemathesis.txt").write_text(out)
    assert r.returncode == 0, out[-3000:]


# -- end to end in Chromium ---------------------------------------------------------------------------
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists() and not os.environ.get("CI"),
                                    reason="Chromium not installed (CI installs it; locally: apt-get install chromium)")


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


SIZES = pytest.mark.parametrize("size", [(1440, 1000), (390, 844)], ids=["desktop", "phone"])  # the two sizes


def _shot(name: str, size: tuple[int, int]) -> str:
    return f"{name}.png" if size[0] > 600 else f"{name}-phone.png"


def _page(browser, url, viewport=(1440, 1000)):
    page = browser.new_page(viewport={"width": viewport[0], "height": viewport[1]})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("dialog", lambda d: (page.errors.append("dialog: " + d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    return page


@SIZES
@pytest.mark.slow
@needs_chromium
def test_map_renders_with_shaded_countries(size, server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _page(browser, server + "/", size)
    assert page.locator("#map path.country").count() > 40
    assert page.locator("#map path.host").count() >= 3
    fill = page.locator("#map path.host").first.evaluate("p => getComputedStyle(p).fill")
    assert fill not in ("rgb(236, 239, 241)", "")  # shaded, not the base grey
    assert page.locator("#map .arrow").count() >= 3
    labels = page.locator("#map .label").evaluate_all("ts => ts.map(t => t.textContent)")
    assert "Poland" in labels and "United States" in labels  # by name, senders too
    assert page.locator("#map .label.offmap").count() >= 1  # a sender beyond the map, at its edge
    page.locator("#map path.host[data-code='POL']").click()  # a host filters the arrows and the table
    page.wait_for_selector(".facet[data-facet='host'] button.chosen")
    hosts = page.locator("#map .arrow:not(.dim)").evaluate_all("a => [...new Set(a.map(x => x.dataset.host))]")
    assert hosts == ["POL"] and page.locator("#map .arrow.dim").count() >= 1
    assert set(page.locator("#eventsTable tr.row td:nth-child(4)").all_inner_texts()) == {"POL"}
    page.screenshot(path=str(SHOTS / _shot("map-and-timeline", size)), full_page=True)
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
def test_clicking_an_event_opens_its_evidence(size, server, browser):
    page = _page(browser, server + "/", size)
    page.locator("#timeline circle").last.click()
    page.wait_for_selector("#evidenceBody .mention mark, #evidenceBody ul.day-events")
    if page.locator("#evidenceBody ul.day-events").count():  # several events that day: pick one
        page.locator("#evidenceBody ul.day-events button").first.click()
        page.wait_for_selector("#evidenceBody .mention mark")
    assert page.locator("#evidenceBody .mention").count() >= 1
    assert page.locator("#evidenceBody mark.trigger").count() >= 1
    page.screenshot(path=str(SHOTS / _shot("evidence", size)), full_page=True)
    page.close()


@pytest.mark.slow
@needs_chromium
def test_page_loads_aggregates_not_every_event(server, browser):
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    api = [u.split(server, 1)[1].split("?")[0] for u in urls if "/api/" in u]
    assert sorted(api) == ["/api/countries", "/api/posture", "/api/stats", "/api/table", "/api/timeline"], api
    marks = page.locator("#timeline circle").count()
    days = len(httpx.get(server + "/api/timeline").json())
    assert days <= marks
    page.locator("#day").evaluate("s => { s.value = Number(s.max) - 3; s.dispatchEvent(new Event('input')); }")
    page.wait_for_function("() => document.body.dataset.postureDay === state.days[state.days.length - 4]")
    page.locator("#day").evaluate("s => { s.value = Number(s.max); s.dispatchEvent(new Event('input')); }")
    page.wait_for_timeout(300)
    assert sum("/api/posture" in u for u in urls) == 2  # the last day again comes from the page's cache
    page.close()


@pytest.mark.slow
@needs_chromium
def test_slider_changes_the_map(server, browser):
    page = _page(browser, server + "/")
    shaded = lambda: sorted(page.locator("#map path.host").evaluate_all("ps => ps.map(p => p.dataset.code)"))  # noqa: E731
    late = shaded()
    page.wait_for_selector("body[data-posture-day]")
    last = page.evaluate("document.body.dataset.postureDay")  # the slider starts on the last day
    back = (dt.date.fromisoformat(last) - dt.date(2022, 1, 1)).days
    page.locator("#day").evaluate(f"s => {{ s.value = Number(s.max) - {back}; s.dispatchEvent(new Event('input')); }}")
    page.wait_for_selector("body[data-posture-day='2022-01-01']")
    early = shaded()
    assert early != late and len(early) < len(late)
    page.locator("#timelinePanel strong").click()  # focus off the slider, then replay by keyboard
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("body[data-posture-day='2022-01-02']")
    page.click("#stepBack")
    page.wait_for_selector("body[data-posture-day='2022-01-01']")
    page.screenshot(path=str(SHOTS / "replay-2022-01-01.png"), full_page=True)
    page.close()


@pytest.mark.slow
@needs_chromium
def test_crafted_article_shows_as_text_and_runs_nothing(server, browser):
    mentions = httpx.get(server + "/api/mentions", params={"date_from": "2022-02-14", "date_to": "2022-02-14",
                                                           "limit": 500}).json()["items"]
    crafted = [m for m in mentions if "<script>" in m["sentence"]]
    assert crafted, "the crafted article yields an event"
    events = httpx.get(server + "/api/events", params={"actor": "NATO", "limit": 500}).json()["items"]
    event_id = next(e["id"] for e in events if "<script>" in e["summary"] or any(
        "<script>" in m["sentence"] for m in httpx.get(server + f"/api/events/{e['id']}").json()["mentions"]))
    page = _page(browser, server + f"/#event={event_id}")
    page.wait_for_selector("#evidenceBody .mention")
    text = page.locator("#evidenceBody").inner_text()
    assert "<script>window.__pwned = 1</script>" in text and 'onerror="window.__pwned = 2"' in text
    assert page.evaluate("window.__pwned") is None
    other = next(e["id"] for e in events if e["id"] != event_id)
    page.evaluate(f"location.hash = '#event={other}'")  # a deep link followed after load
    page.wait_for_function("() => !document.getElementById('evidenceBody').innerText.includes('__pwned')")
    assert page.locator("#evidenceBody .mention").count() >= 1
    page.evaluate(f"location.hash = '#event={event_id}'")
    page.wait_for_function("() => document.getElementById('evidenceBody').innerText.includes('__pwned = 1')")
    assert page.locator("#evidenceBody script, #evidenceBody img").count() == 0
    assert not page.errors
    page.screenshot(path=str(SHOTS / "crafted-article.png"), full_page=True)
    page.close()


@pytest.mark.slow
def test_api_ask(server):
    a = httpx.get(server + "/api/ask", params={"q": "Who sent forces to Lithuania?"}).json()
    assert a["answered"] and a["query"]["shape"] == "who_sent" and a["citations"]
    bad = httpx.get(server + "/api/ask", params={"q": "Why is the sky blue?"}).json()
    assert not bad["answered"] and "cannot answer" in bad["answer"]
    assert httpx.get(server + "/api/ask", params={"q": ""}).status_code == 422


@pytest.mark.slow
@needs_chromium
def test_question_box_answers_with_links_to_evidence(server, browser):
    page = _page(browser, server + "/")
    page.fill("#question", "How many US troops were sent to Poland in February 2022?")
    page.click("#askForm button")
    page.wait_for_selector("#evidenceBody .answer")
    assert "3,000" in page.locator("#evidenceBody").inner_text()
    page.locator("#evidenceBody button.open-event").first.click()
    page.wait_for_selector("#evidenceBody .event-head")
    assert page.locator("#evidenceBody mark").count() >= 1
    page.screenshot(path=str(SHOTS / "question.png"), full_page=True)
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("path, rendered", [("/docs", ".opblock"), ("/redoc", "[data-section-id]")])
def test_api_docs_render_with_the_network_blocked(size, server, browser, path, rendered):
    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
    outside, problems = [], []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server)
                  else (outside.append(route.request.url), route.abort()))
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(server + path)
    page.wait_for_selector(rendered, timeout=30_000)
    assert "/api/stats" in page.locator("body").inner_text()
    assert not outside, outside
    # ReDoc's footer always asks its CDN for a logo; the policy blocks it, nothing is fetched, nothing breaks
    blocked = [p for p in problems if ("Content Security Policy" in p or "Refused" in p) and "redoc.ly/" not in p]
    assert not blocked, problems
    context.close()


@pytest.mark.slow
@pytest.mark.parametrize("facet", ["type", "status", "actor", "host", "month"])
def test_table_facets_count_what_they_filter(server, facet):
    whole = httpx.get(server + "/api/table", params={"limit": 5}).json()
    assert whole["total"] == httpx.get(server + "/api/stats").json()["events"]
    top = whole["facets"][facet][0]
    narrowed = httpx.get(server + "/api/table", params={facet: top["value"], "limit": 500}).json()
    assert narrowed["total"] == top["count"] and len(narrowed["rows"]) == min(500, top["count"])
    column = {"type": "type", "status": "status", "host": "host", "month": "day"}.get(facet)
    for row in narrowed["rows"]:
        assert (top["value"] in row["actors"]) if facet == "actor" else row[column].startswith(top["value"])


@pytest.mark.slow
@pytest.mark.parametrize("sort, key", [("sources", "n_sources"), ("day", "day")])
def test_table_sorts_and_pages(server, sort, key):
    first = httpx.get(server + "/api/table", params={"sort": sort, "desc": "true", "limit": 10}).json()
    second = httpx.get(server + "/api/table", params={"sort": sort, "desc": "true", "limit": 10, "offset": 10}).json()
    values = [r[key] or "" for r in first["rows"] + second["rows"]]
    assert values == sorted(values, reverse=True)
    assert not {r["id"] for r in first["rows"]} & {r["id"] for r in second["rows"]}
    assert httpx.get(server + "/api/table", params={"sort": "id; DROP TABLE events"}).status_code == 422


@SIZES
@pytest.mark.slow
@needs_chromium
def test_events_table_facets_search_and_rows(size, server, browser):
    page = _page(browser, server + "/", size)
    page.wait_for_selector("body[data-table-total]")
    total = int(page.evaluate("document.body.dataset.tableTotal"))
    value = page.locator(".facet[data-facet='type'] button.facet-value").first
    name, count = value.get_attribute("data-value"), value.locator("xpath=..").locator(".count").inner_text()
    value.click()
    page.wait_for_function(f"() => document.body.dataset.tableTotal === '{int(count.replace(',', ''))}'")
    types = page.locator("#eventsTable tr.row td:nth-child(2)").all_inner_texts()
    assert types and all(t.split("/")[0] == name for t in types)
    assert int(count.replace(",", "")) < total
    page.locator(".facet[data-facet='type'] button.chosen").click()  # remove the filter
    page.wait_for_function(f"() => document.body.dataset.tableTotal === '{total}'")
    page.locator("#eventsTable th[data-sort='sources'] button").click()
    page.wait_for_selector("#eventsTable th[data-sort='sources'][aria-sort='descending']")
    sources = [int(x) for x in page.locator("#eventsTable tr.row td:nth-child(7)").all_inner_texts()]
    assert sources == sorted(sources, reverse=True)
    assert total > 25
    page.locator("#tableNext").click()
    page.wait_for_function("() => document.getElementById('tablePage').textContent.startsWith('26')")
    page.fill("#tableQ", "troops")
    page.press("#tableQ", "Enter")
    page.wait_for_function(f"() => document.body.dataset.tableTotal !== '{total}'")
    summaries = page.locator("#eventsTable td.summary").all_inner_texts()
    assert summaries and all("troops" in s.lower() for s in summaries)
    page.locator("#eventsTable tr.row").first.click()
    page.wait_for_selector("#evidenceBody .mention mark")
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
def test_provenance_outlet_context_and_citation(size, server, browser):
    event_id = httpx.get(server + "/api/table", params={"sort": "sources", "limit": 1}).json()["rows"][0]["id"]
    ev = httpx.get(server + f"/api/events/{event_id}").json()
    page = _page(browser, server + f"/#event={event_id}", size)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.wait_for_selector("#evidenceBody .mention .outlet")
    first = page.locator("#evidenceBody .mention").first
    assert first.locator(".published").inner_text() == (ev["mentions"][0]["published"] or "undated")
    first.locator("button.open-article").click()
    page.wait_for_selector("#evidenceBody .article-text mark.evidence")
    m = ev["mentions"][0]
    article = httpx.get(server + f"/api/articles/{m['article_id']}").json()
    assert first.locator("mark.evidence").inner_text() == article["text"][m["start"]:m["end"]]
    assert len(first.locator(".article-text").inner_text()) > len(m["sentence"])  # the sentence in its context
    first.locator("button.copy-citation").click()
    page.wait_for_selector("#evidenceBody button.copy-citation[data-copied]")
    cited = first.locator("button.copy-citation").get_attribute("data-copied")
    assert m["sentence"] in cited and first.locator(".outlet").inner_text() in cited
    outlet = page.evaluate("outletOf('https://www.example-news.com/world/2022/troops.html')")
    assert outlet == {"name": "example-news.com", "url": "https://www.example-news.com/world/2022/troops.html"}
    link = page.evaluate("provenanceMeta({source: 'https://www.example-news.com/a', published: '2022-02-01', "
                         "sentence: 's', status: null}).querySelector('a.outlet').href")
    assert link == "https://www.example-news.com/a"
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_export_of_the_current_view(size, server, browser, kind, tmp_path):
    import csv

    page = _page(browser, server + "/", size)
    page.wait_for_selector("body[data-table-total]")
    page.locator(".facet[data-facet='type'] button.facet-value[data-value='MOBILIZE']").click()
    page.wait_for_selector(".facet[data-facet='type'] button.chosen")
    total = int(page.evaluate("document.body.dataset.tableTotal"))
    with page.expect_download() as d:
        page.click("#exportCsv" if kind == "csv" else "#exportGeo")
    path = tmp_path / f"view.{kind}"
    d.value.save_as(path)
    if kind == "csv":
        rows = list(csv.DictReader(path.open(encoding="utf-8")))
        assert len(rows) == total and {r["type"] for r in rows} == {"MOBILIZE"}
    else:
        features = json.loads(path.read_text())["features"]
        assert 0 < len(features) <= total and all(f["properties"]["type"] == "MOBILIZE" for f in features)
    page.close()


@pytest.mark.slow
@needs_chromium
def test_phone_layout_stacks_and_never_scrolls_sideways(server, browser):
    page = _page(browser, server + "/", viewport=(390, 844))
    page.wait_for_selector("body[data-table-total]")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.evaluate("window.innerWidth"), width
    box = {k: page.locator(sel).bounding_box() for k, sel in
           (("header", "header"), ("map", "#mapPanel"), ("legend", "#legend"), ("evidence", "#evidence"))}
    assert box["map"]["height"] > 200  # not a strip
    assert box["legend"]["y"] >= box["header"]["y"] + box["header"]["height"]  # docked, not over the header
    assert box["evidence"]["y"] >= box["map"]["y"] + box["map"]["height"] - 1  # stacked under the map
    assert box["map"]["width"] <= 390
    toggles = page.locator("#mapToggles").bounding_box()
    assert toggles["x"] >= 0 and toggles["x"] + toggles["width"] <= 390
    event_id = httpx.get(server + "/api/table", params={"sort": "sources", "limit": 1}).json()["rows"][0]["id"]
    page.evaluate(f"location.hash = 'event={event_id}'")  # evidence with its long source links, then its article
    page.wait_for_selector("#evidenceBody .mention")
    page.locator("#evidenceBody button.open-article").first.click()
    page.wait_for_selector("#evidenceBody .article-text")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "phone.png"))
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.parametrize("shift", [True, False], ids=["shift-drag", "button"])
@pytest.mark.slow
@needs_chromium
def test_brushing_dates_filters_table_timeline_and_map(size, shift, server, browser):
    page = _page(browser, server + "/", size)
    page.wait_for_selector("body[data-table-total]")
    total = int(page.evaluate("document.body.dataset.tableTotal"))
    page.locator("#timeline").scroll_into_view_if_needed()  # below the map on a phone
    box = page.locator("#timeline").bounding_box()
    y = box["y"] + box["height"] / 2
    if shift:
        page.keyboard.down("Shift")
    else:  # no shift key on a phone: the button makes the next drag select
        page.click("#brushMode")
        assert page.locator("#brushMode").get_attribute("aria-pressed") == "true"
    page.mouse.move(box["x"] + box["width"] * 0.55, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, y, steps=5)
    page.mouse.up()
    page.keyboard.up("Shift")
    assert page.locator("#brushMode").get_attribute("aria-pressed") == "false"
    page.wait_for_function("() => document.body.dataset.range")
    lo, hi = page.evaluate("document.body.dataset.range").split("/")
    page.wait_for_function(f"() => document.body.dataset.tableTotal !== '{total}'")
    days = page.locator("#eventsTable tr.row td:first-child").all_inner_texts()
    assert all(lo <= d <= hi for d in days) and int(page.evaluate("document.body.dataset.tableTotal")) < total
    marks = page.locator("#timeline circle").evaluate_all("cs => cs.map(c => c.dataset.day)")
    assert marks and all(lo <= d <= hi for d in marks)
    page.wait_for_selector(f"body[data-posture-day='{hi}']")  # the map shows the range's last day
    page.click("#clearRange")
    page.wait_for_function(f"() => document.body.dataset.tableTotal === '{total}'")
    assert not page.errors
    page.close()


# -- layers, timeline, replay keys, deep links, touch ---------------------------------------------------
def _rgb(fill: str) -> tuple[int, ...]:
    return tuple(int(x) for x in fill.strip("rgb() ").split(","))


@SIZES
@pytest.mark.slow
@needs_chromium
def test_layer_and_status_toggles_change_what_is_drawn(size, server, browser):
    page = _page(browser, server + "/", size)
    layer = lambda code: page.locator(f"#map path.country[data-code='{code}']").get_attribute("data-layer")  # noqa: E731
    fill = lambda code: _rgb(page.locator(f"#map path.country[data-code='{code}']").evaluate("p => p.style.fill"))  # noqa: E731
    assert layer("BLR") == "buildup" and layer("POL") == "reinforcement"  # Russia in Belarus is not a reinforcement
    blr, pol = fill("BLR"), fill("POL")
    assert blr[2] > blr[0] and pol[0] > pol[2]  # two ramps: purple for build-up, orange-red for reinforcements
    assert page.locator("#legend .row[data-layer]").count() == 2
    arrows = lambda sel="": page.locator(f"#map .arrow{sel}").count()  # noqa: E731
    total, built = arrows(), arrows("[data-layer='buildup']")
    assert 0 < built < total
    page.uncheck("#mapToggles input[data-value='buildup']")
    page.wait_for_function("() => !document.querySelector(\"#map .arrow[data-layer='buildup']\")")
    assert arrows() == total - built and page.locator("#map path.host[data-layer='buildup']").count() == 0
    arrived = arrows("[data-status='arrived']")
    assert arrived
    page.uncheck("#mapToggles input[data-value='arrived']")
    page.wait_for_function("() => !document.querySelector(\"#map .arrow[data-status='arrived']\")")
    assert 0 < arrows() < total - built  # (a sender's other line to the same host may now be drawn instead)
    page.wait_for_function("() => location.hash.includes('layers=') && location.hash.includes('status=')")
    page.check("#mapToggles input[data-value='buildup']")
    page.check("#mapToggles input[data-value='arrived']")
    page.wait_for_function(f"() => document.querySelectorAll('#map .arrow').length === {total}")
    assert not page.errors
    page.close()


@pytest.mark.slow
@needs_chromium
def test_timeline_month_ticks_and_zoom_anchored_at_the_cursor(server, browser):
    page = _page(browser, server + "/")
    months = page.locator("#timeline text.tick.month").evaluate_all("ts => ts.map(t => t.textContent)")
    assert {"Jan 2022", "Feb 2022", "Mar 2022"} <= set(months), months
    box = page.locator("#timeline").bounding_box()
    x, y = box["x"] + box["width"] * 0.7, box["y"] + box["height"] / 2
    before_day, before_span = page.evaluate(f"[timeAt({x}), state.view[1] - state.view[0]]")
    page.mouse.move(x, y)
    for _ in range(3):
        page.mouse.wheel(0, -100)
    page.wait_for_function(f"() => state.view[1] - state.view[0] < {before_span} * 0.7")
    after = dt.date.fromisoformat(page.evaluate(f"timeAt({x})"))
    assert abs((after - dt.date.fromisoformat(before_day)).days) <= 1  # the day under the cursor stays put
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
def test_replay_from_the_keyboard(size, server, browser):
    page = _page(browser, server + "/", size)
    days = page.evaluate("[state.days[0], state.days[state.days.length - 1]]")
    page.locator("#timelinePanel strong").click()  # focus off the controls
    page.keyboard.press("Home")
    page.wait_for_selector(f"body[data-posture-day='{days[0]}']")
    page.keyboard.press("ArrowRight")
    second = (dt.date.fromisoformat(days[0]) + dt.timedelta(days=1)).isoformat()
    page.wait_for_selector(f"body[data-posture-day='{second}']")
    page.keyboard.press("PageDown")
    page.wait_for_selector(f"body[data-posture-day='{(dt.date.fromisoformat(second) + dt.timedelta(days=7)).isoformat()}']")
    page.keyboard.press("]")
    assert page.locator("#speed").input_value() == "2"
    page.keyboard.press("[")
    page.keyboard.press("[")
    assert page.locator("#speed").input_value() == "0.5"
    page.keyboard.press("End")
    page.wait_for_selector(f"body[data-posture-day='{days[1]}']")
    page.keyboard.press(" ")  # space plays from the start when at the end
    page.wait_for_function(f"() => document.body.dataset.postureDay !== '{days[1]}'")
    assert page.locator("#play").inner_text().startswith("❚❚")
    page.keyboard.press("k")
    assert page.locator("#play").inner_text().startswith("▶")
    assert not page.errors
    page.close()


@SIZES
@pytest.mark.slow
@needs_chromium
@pytest.mark.parametrize("on_load", [True, False])
def test_deep_link_sets_day_filters_and_layers(size, server, browser, on_load):
    link = ("#day=2022-02-10&type=MOBILIZE&host=POL&from=2022-01-15&to=2022-03-01&layers=reinforcement"
            "&status=pledged,under%20way")
    page = _page(browser, server + "/" + (link if on_load else ""), size)
    if not on_load:
        page.evaluate(f"location.hash = '{link}'")  # followed after load: hashchange
    page.wait_for_selector("body[data-posture-day='2022-02-10']")
    want = httpx.get(server + "/api/table", params={"type": "MOBILIZE", "host": "POL", "date_from": "2022-01-15",
                                                    "date_to": "2022-03-01", "limit": 1}).json()["total"]
    assert page.evaluate("document.body.dataset.range") == "2022-01-15/2022-03-01"
    page.wait_for_function(f"() => document.body.dataset.tableTotal === '{want}'")
    assert page.locator("#typeFilter").input_value() == "MOBILIZE"
    assert set(page.locator("#timeline circle").evaluate_all("cs => cs.map(c => c.dataset.type)")) == {"MOBILIZE"}
    assert not page.is_checked("#mapToggles input[data-value='buildup']")
    assert not page.is_checked("#mapToggles input[data-value='arrived']")
    assert page.locator("#map .arrow[data-layer='buildup'], #map .arrow[data-status='arrived']").count() == 0
    assert page.locator("#map path.country.chosen").get_attribute("data-code") == "POL"
    event_id = httpx.get(server + "/api/table", params={"limit": 1}).json()["rows"][0]["id"]
    page.evaluate(f"location.hash = '#event={event_id}'")  # back to the defaults, with an event open
    page.wait_for_selector("#evidenceBody .mention")
    page.wait_for_function(f"() => document.body.dataset.tableTotal === '{httpx.get(server + '/api/stats').json()['events']}'")
    assert page.is_checked("#mapToggles input[data-value='buildup']")
    assert page.locator("#typeFilter").input_value() == ""
    assert not page.errors
    page.close()


@pytest.mark.slow
@needs_chromium
def test_a_posture_the_server_fails_to_give_is_asked_again(server, browser):
    """A day's posture whose first request fails (a busy or restarting server) is still drawn."""
    page = _page(browser, server + "/")
    failed = []

    def fail_once(route):
        if not failed:
            failed.append(route.request.url)
            route.fulfill(status=503, body="busy")
        else:
            route.continue_()

    page.route("**/api/posture?at=2022-02-10*", fail_once)
    page.evaluate("location.hash = '#day=2022-02-10'")
    page.wait_for_selector("body[data-posture-day='2022-02-10']", timeout=10_000)
    assert failed and page.locator("#map .arrow").count() > 0
    page.close()


def _touch(cdp, kind: str, points: list[tuple[float, float]]) -> None:
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [
        {"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})


@pytest.mark.slow
@needs_chromium
def test_touch_pan_and_pinch_move_the_map_not_the_page(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(server + "/")
    page.wait_for_selector("body[data-ready='1']", timeout=30_000)
    cdp = context.new_cdp_session(page)
    view = lambda: [float(v) for v in page.evaluate("document.body.dataset.mapView").split()]  # noqa: E731
    box = page.locator("#map").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    start = view()
    _touch(cdp, "touchStart", [(cx, cy)])
    for i in range(1, 6):
        _touch(cdp, "touchMove", [(cx + 12 * i, cy + 6 * i)])
    _touch(cdp, "touchEnd", [])
    panned = view()
    assert panned[0] < start[0] and panned[1] < start[1] and panned[2] == pytest.approx(start[2])  # dragged right/down
    _touch(cdp, "touchStart", [(cx - 20, cy), (cx + 20, cy)])
    for i in range(1, 6):
        _touch(cdp, "touchMove", [(cx - 20 - 10 * i, cy), (cx + 20 + 10 * i, cy)])
    _touch(cdp, "touchEnd", [])
    assert view()[2] < panned[2] * 0.6  # fingers apart: zoomed in
    assert page.evaluate("[window.scrollX, document.documentElement.scrollWidth <= window.innerWidth]") == [0, True]
    context.close()
