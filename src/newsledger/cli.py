"""The `newsledger` command. Each command parses options, calls one core function, formats.

Exit codes: 0 success; 1 some input was rejected (the rest landed) or a quality gate failed;
2 usage or setup error; 3 system error (disk full, read-only or missing file or folder, corrupt database).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from functools import wraps
from importlib import resources

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import serialize
from .exceptions import NewsledgerError, SystemFailure
from .extract.base import DEFAULT_EXTRACTOR, EXTRACTORS, available_cores
from .ingest import DEFAULT_BATCH
from .readers import DEFAULT_MAX_BYTES, ReadOptions
from .store import ENV_VAR, ArticleFilter, default_db, open_reader, open_store

out = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 160)
err = Console(stderr=True, soft_wrap=True)


def _date(ctx, param, value):
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date; use YYYY-MM-DD") from None


EXIT_REJECTED, EXIT_USAGE, EXIT_SYSTEM = 1, 2, 3


def handle_errors(fn):
    """One message per failure (what, which file, what to do); exit 2 for usage or setup errors, 3 for
    system errors (disk full, read-only or missing file or folder, corrupt database)."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except NewsledgerError as exc:
            _fail(exc)
        except Exception as exc:
            from .store.errors import explain

            failure = explain(exc, (click.get_current_context().obj or {}).get("db", "?"))
            if failure is None:
                raise
            _fail(failure)
    return wrapper


def _fail(exc: NewsledgerError):
    err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)  # "[ray]" is no markup
    sys.exit(EXIT_SYSTEM if isinstance(exc, SystemFailure) else EXIT_USAGE)


@contextmanager
def progress_bar(label: str, total: int | None = None):
    """A progress bar on a terminal; silent when stderr is not one."""
    if not sys.stderr.isatty():
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TimeElapsedColumn

    with Progress(SpinnerColumn(), "[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda n: bar.advance(task, n)


def _set_db(ctx: click.Context, param, value: str | None) -> None:
    if value is not None:
        ctx.find_root().obj["db"] = value


class _Group(click.Group):
    """The `newsledger` group: each of its commands also takes --db after its name."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        cmd.params.append(click.Option(["--db"], metavar="PATH|URL", expose_value=False, callback=_set_db,
                                       help="Ledger database (the same as `newsledger --db PATH|URL COMMAND`)."))
        super().add_command(cmd, name)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar=ENV_VAR, default=None, metavar="PATH|URL",
              help=f"Ledger database: an SQLite file, or postgresql://user:password@host/db. "
                   f"Default: ${ENV_VAR} or ~/.local/share/newsledger/ledger.db")
@click.version_option(package_name="newsledger")
@click.pass_context
def main(ctx: click.Context, db: str | None) -> None:
    """newsledger: a source-linked ledger of events (who did what, to whom, where, when, how many)
    from dated news articles.

    Exit codes: 0 done; 1 some input was rejected (the rest landed) or a quality gate failed; 2 usage
    or setup error; 3 system error (disk full, read-only or missing file or folder, corrupt database)."""
    ctx.obj = {"db": db or default_db()}


def _store(ctx: click.Context):
    return open_store(ctx.obj["db"])


def _reader(ctx: click.Context):
    """The ledger opened read-only, for commands that only read it."""
    return open_reader(ctx.obj["db"])


_extractor_option = click.option(
    "--extractor", type=click.Choice(list(EXTRACTORS)), default=DEFAULT_EXTRACTOR, show_default=True,
    help="Which extractor decides the events: 'learned' (a trained model decides which sentences hold which "
         "events; rule mentions it confirms keep their parsed arguments), 'model' (the trained model alone) or "
         "'rules' (hand-written rules over the parse).")


def _engine_options(fn):
    """--extractor, --workers, --engine and --address, shared by ingest and extract."""
    opts = [
        _extractor_option,
        click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
                     help="Extraction workers, each with its own spaCy pipeline: processes on this machine "
                          "(local engine) or Ray actors of one CPU (ray engine); 0 = one per core available "
                          f"({available_cores()} here; every CPU of the cluster with ray), never more than there "
                          "are chunks of 16 articles."),
        click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
                     help="Where extraction runs: processes on this machine, or Ray Data batches on a Ray cluster "
                          "(needs: pip install 'newsledger[ray]'). Results are written to this ledger either way."),
        click.option("--address", metavar="ADDR",
                     help="With --engine ray: the Ray cluster to join (its head HOST:PORT, or auto); "
                          "default: start a local Ray with --workers CPUs for this run."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


def _extract(store, *, engine: str, address: str | None, workers: int, extractor: str, redo: bool = False,
             retry: bool = False):
    """Extract pending mentions with the chosen engine, with a progress bar; say which articles were
    quarantined."""
    report = _run_extract(store, engine=engine, address=address, workers=workers, extractor=extractor, redo=redo,
                          retry=retry)
    for q in report.quarantined:
        err.print(f"[yellow]quarantined[/] {escape(str(q))} (see `newsledger rejected`; retry with "
                  f"`newsledger extract --retry-quarantined`)", highlight=False, markup=True)
    return report


def _run_extract(store, *, engine, address, workers, extractor, redo, retry):
    if address and engine != "ray":
        raise click.BadParameter("--address is for --engine ray", param_hint="--address")
    with progress_bar("extracting", store.stats().pending) as advance:
        if engine == "ray":
            from .extract.ray_engine import extract_pending_ray

            return extract_pending_ray(store, address=address, workers=workers, redo=redo, extractor=extractor,
                                       progress=advance, retry_quarantined=retry)
        from .extract.run import extract_pending

        return extract_pending(store, workers=workers, redo=redo, extractor=extractor, progress=advance,
                               retry_quarantined=retry)


# -- ingest / extract ------------------------------------------------------------------------------
@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--date", "date", callback=_date, help="Publication date for plain text without one (YYYY-MM-DD).")
@click.option("--max-bytes", default=DEFAULT_MAX_BYTES, show_default=True, help="Largest file (or JSONL line) read.")
@click.option("--no-extract", is_flag=True, help="Only store the articles; run `newsledger extract` later.")
@_engine_options
@click.option("--batch-size", default=DEFAULT_BATCH, show_default=True,
              help="Articles per transaction: a killed run loses at most one batch, which a re-run completes.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_context
@handle_errors
def ingest(ctx, paths, date, max_bytes, no_extract, extractor, workers, engine, address, batch_size, as_json):
    """Read articles from PATHS (files, folders, globs, '-' for stdin) into the ledger.

    Formats: seed text (first line ' date YYYY-MM-DD' or ' date unknown'), plain text (date from
    --date or the file name), JSON Lines (id, time, text, title, url) and HTML. Folders are read
    recursively for .txt, .jsonl, .ndjson, .html and .htm files. Re-ingesting adds nothing;
    duplicates are recorded against their first copy. Then extracts (locally, or on Ray with
    --engine ray) and merges. Exits 1 if any input was rejected.
    """
    from .ingest import ingest as run_ingest
    from .merge import merge_pending

    if batch_size < 1:
        raise click.BadParameter("must be at least 1", param_hint="--batch-size")
    if address and engine != "ray":
        raise click.BadParameter("--address is for --engine ray", param_hint="--address")
    with _store(ctx) as store:
        with progress_bar("ingesting") as advance:  # rejections and notices shown as read: a failure later
            report = run_ingest(store, list(paths), ReadOptions(date=date, max_bytes=max_bytes),  # cannot hide them
                                batch_size=batch_size, progress=advance,
                                on_rejection=None if as_json else _print_rejection,
                                on_notice=None if as_json else _print_notice)
        if not as_json:
            _print_renamed(report)
        extracted = merged = None
        if not no_extract:
            extracted = _extract(store, engine=engine, address=address, workers=workers, extractor=extractor)
            merged = merge_pending(store)
    if as_json:
        click.echo(json.dumps({
            "read": report.read, "added": report.added, "already_stored": report.already,
            "duplicates": [{"article_id": d.article_id, "source": d.source, "duplicate_of": d.duplicate_of,
                            "similarity": d.similarity} for d in report.duplicates],
            "renamed": [{"article_id": r.article_id, "source": r.source, "new_id": r.new_id} for r in report.renamed],
            "rejected": [{"source": r.source, "line": r.line, "reason": r.reason} for r in report.rejected],
            "notices": [{"source": n.source, "message": n.message} for n in report.notices],
            "extracted_articles": extracted.articles if extracted else 0,
            "mentions": extracted.mentions if extracted else 0,
            "quarantined": [{"article_id": q.article_id, "source": q.source, "stage": q.stage, "reason": q.reason}
                            for q in extracted.quarantined] if extracted else [],
            "events": merged.events_total if merged else None}, indent=2))
    else:
        dup = len(report.duplicates)
        line = (f"{report.read} articles read: {report.added - dup} new, {dup} duplicates, "
                f"{report.already} already stored; {len(report.rejected)} rejected")
        if extracted:
            line += f"; {extracted.mentions} event mentions from {extracted.articles} articles"
            if extracted.quarantined:
                line += f" ({len(extracted.quarantined)} quarantined)"
        if merged:
            line += f"; ledger: {merged.events_total} events"
        out.print(line, highlight=False)
    sys.exit(EXIT_REJECTED if report.rejected else 0)


def _print_rejection(r) -> None:
    err.print(f"[yellow]rejected[/] {r}", highlight=False)


def _print_notice(n) -> None:
    err.print(f"[yellow]decoded[/] {escape(str(n))}", highlight=False)


def _print_renamed(report) -> None:
    for r in report.renamed:
        err.print(f"[yellow]id taken[/] {r.source}: id {r.article_id!r} is stored with another text; "
                  f"this one is stored as {r.new_id!r}", highlight=False)


@main.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--interval", default=2.0, show_default=True, type=click.FloatRange(0.05, 3600),
              help="Seconds between looks at the folder; a file is taken once unchanged for one interval.")
@click.option("--date", "date", callback=_date, help="Publication date for plain text without one (YYYY-MM-DD).")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help=f"Processes for extraction: 0 = one per core available ({available_cores()} here).")
@click.pass_context
@handle_errors
def watch(ctx, folder, interval, date, workers):
    """Ingest article files as they arrive in FOLDER (and its subfolders), until interrupted. Files still
    being written are left until they stop changing; bad files are reported and recorded."""
    from .watch import watch as run_watch

    def report(rnd) -> None:
        r = rnd.report
        for rej in r.rejected:
            err.print(f"[yellow]rejected[/] {rej}", highlight=False)
        for n in r.notices:
            _print_notice(n)
        out.print(f"{dt.datetime.now():%H:%M:%S} {len(rnd.files)} file(s): {r.added - len(r.duplicates)} new articles, "
                  f"{len(r.duplicates)} duplicates, {len(r.rejected)} rejected; {rnd.mentions} mentions", highlight=False)

    err.print(f"watching {folder} every {interval:g}s (Ctrl-C to stop); ledger {ctx.obj['db']}", highlight=False)
    try:
        run_watch(ctx.obj["db"], folder, interval=interval, options=ReadOptions(date=date), on_round=report,
                  workers=workers)
    except KeyboardInterrupt:
        err.print("stopped", highlight=False)


@main.command()
@click.option("--redo", is_flag=True, help="Extract every article again (after a lexicon change).")
@click.option("--retry-quarantined", "retry", is_flag=True,
              help="Also try again the articles quarantined by earlier runs (see `newsledger rejected`).")
@_engine_options
@click.pass_context
@handle_errors
def extract(ctx, redo, retry, extractor, workers, engine, address):
    """Extract event mentions from every ingested article not yet extracted (locally, or on Ray with
    --engine ray), and merge them into the ledger's events. An article that cannot be extracted or
    merged is quarantined with its reason and the run goes on."""
    from .merge import merge_pending

    with _store(ctx) as store:
        report = _extract(store, engine=engine, address=address, workers=workers, extractor=extractor, redo=redo,
                          retry=retry)
        merged = merge_pending(store)
    out.print(f"{report.mentions} event mentions from {report.articles} articles; "
              f"{len(report.quarantined)} quarantined; "
              f"ledger: {merged.events_total} events ({merged.events_touched} new or updated)", highlight=False)


# -- reading the ledger ----------------------------------------------------------------------------
@main.command()
@click.option("--from", "date_from", callback=_date, help="Published on or after (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, help="Published on or before (YYYY-MM-DD).")
@click.option("--text", help="Only articles whose text or title contains this.")
@click.option("--duplicates", is_flag=True, help="Include articles recorded as duplicates.")
@click.option("--limit", default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines, one article per line.")
@click.pass_context
@handle_errors
def articles(ctx, date_from, date_to, text, duplicates, limit, as_json):
    """List ingested articles, filtered by publication date and text."""
    with _reader(ctx) as store:
        recs = store.articles(ArticleFilter(date_from, date_to, text, duplicates, limit))
    if as_json:
        serialize.write_jsonl((serialize.article_json(r) for r in recs), sys.stdout)
        return
    table = Table("published", "id", "title / opening", "source", "dup of", title=f"{len(recs)} articles")
    for r in recs:
        a = r.article
        opening = a.title or a.text[:70].replace("\n", " ")
        table.add_row(a.published.isoformat() if a.published else "unknown", a.id[:16], opening,
                      _short(a.source), (r.duplicate_of or "")[:12])
    out.print(table)


@main.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def stats(ctx, as_json):
    """Counts: articles, duplicates, rejections, extraction progress, mentions by type."""
    with _reader(ctx) as store:
        s = store.stats()
        rejections = store.rejections()
    if as_json:
        from dataclasses import asdict

        click.echo(json.dumps(asdict(s) | {"db": ctx.obj["db"]}, indent=2))
        return
    table = Table("", "", title=f"ledger {ctx.obj['db']}", show_header=False)
    for k, v in (("articles", s.articles), ("unique", s.unique_articles), ("duplicates", s.duplicates),
                 ("extracted", s.extracted), ("pending extraction", s.pending), ("event mentions", s.mentions),
                 ("rejected inputs", s.rejections), ("quarantined articles", s.quarantined),
                 ("published", f"{s.first_published or '?'} .. {s.last_published or '?'} ({s.undated} undated)"),
                 ("schema version", s.schema_version)):
        table.add_row(k, str(v))
    for t, n in s.mentions_by_type.items():
        table.add_row(f"  {t}", str(n))
    out.print(table)
    for r in rejections[:20]:
        err.print(f"[yellow]rejected earlier[/] {r}", highlight=False)
    if s.rejections > 20 or s.quarantined:
        err.print("all rejected inputs and quarantined articles: `newsledger rejected`", highlight=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (only this machine by default).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--allow-write", is_flag=True, help="Enable POST /api/ingest (needs a bearer token).")
@click.option("--token", envvar="NEWSLEDGER_TOKEN", help="Bearer token for POST /api/ingest ($NEWSLEDGER_TOKEN).")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Another name the Host header may carry (repeatable); localhost, 127.0.0.1 and --host always are.")
@click.pass_context
@handle_errors
def serve(ctx, host, port, allow_write, token, allowed_hosts):
    """Start the web app and HTTP API (OpenAPI docs at /docs) over the ledger. Read-only unless
    --allow-write is given together with a token."""
    import uvicorn

    from .web.app import Settings, create_app

    if allow_write and not token:
        raise click.BadParameter("--allow-write needs --token (or $NEWSLEDGER_TOKEN)", param_hint="--token")
    app = create_app(Settings(ctx.obj["db"], allow_write, token, (host, *allowed_hosts)))
    err.print(f"newsledger web app on http://{host}:{port}/ (API docs /docs; ledger {ctx.obj['db']}; "
              f"{'writable' if allow_write else 'read-only'})", highlight=False)
    import gc

    gc.freeze()  # what is loaded now lives as long as the server: keep it out of full collections (pauses)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@main.command()
@click.option("--fresh", is_flag=True, help="Start from an empty ledger.")
@click.pass_context
@handle_errors
def demo(ctx, fresh):
    """Ingest the bundled sample corpus, extract, and print a summary of the ledger."""
    from .extract.run import extract_pending
    from .ingest import ingest as run_ingest
    from .merge import merge_pending
    from .summary import summarize

    sample = resources.files("newsledger") / "sample"
    with resources.as_file(sample) as folder:
        with _store(ctx) as store:
            if fresh:
                store.reset_extraction()
            report = run_ingest(store, [str(folder)])
            with progress_bar("extracting", store.stats().pending) as advance:
                extract_pending(store, progress=advance)
            merge_pending(store)
            summary = summarize(store)
    out.print(f"[bold]newsledger demo[/] — {report.read} sample articles read, {report.added} new "
              f"(ledger: {ctx.obj['db']})")
    print_summary(summary)


def print_summary(summary) -> None:
    s = summary.stats
    out.print(f"{s.unique_articles} articles, {s.mentions} event mentions: "
              + ", ".join(f"{t} {n}" for t, n in s.mentions_by_type.items()), highlight=False)
    table = Table("date", "who", "what", "to / where", "how many", "status", "source",
                  title="Deployments and withdrawals (MOBILIZE, RETREAT)")
    for r in summary.deployments:
        what = f"{'withdraws' if r.type == 'RETREAT' else 'sends'} {r.mode or 'forces'}"
        table.add_row(r.when, r.actors, what, r.target, r.quantity, r.status, _short(r.source))
    out.print(table)
    table = Table("date", "type", "who", "whom / where", "status", "sentence", title="Other events")
    for r in summary.other:
        table.add_row(r.when, r.type, r.actors, r.target, r.status, _clip(r.sentence, 80))
    out.print(table)


def _short(source: str) -> str:
    return source.rsplit("/", 1)[-1][:40]


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"



from . import cli_views  # noqa: E402,F401  (registers mentions, events, export, timeline, posture and ask)
from . import cli_review  # noqa: E402,F401  (registers review)
from . import cli_measure  # noqa: E402,F401  (registers eval, eval-merge, ask-eval and bench on `main`)
from . import cli_learn  # noqa: E402,F401  (registers labels and train on `main`)
from . import cli_admin  # noqa: E402,F401  (registers rejected and check on `main`)
