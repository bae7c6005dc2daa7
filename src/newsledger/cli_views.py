"""The ledger's reading commands: mentions, events, export, timeline, posture and ask (registered on `main`)."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from . import serialize
from .cli import _clip, _date, _reader, _short, err, handle_errors, main, out
from .exceptions import NewsledgerError
from .model import PLOVER_TYPES, STATUSES
from .store import MentionFilter, open_store

def _mention_filter_options(fn):
    opts = [
        click.option("--type", "type_", type=click.Choice(PLOVER_TYPES, case_sensitive=False)),
        click.option("--actor", help="Actor code (ISO alpha-3 or NATO, EU, ...)."),
        click.option("--recipient", help="Recipient code."),
        click.option("--location", help="Country code or place name."),
        click.option("--status", type=click.Choice(STATUSES)),
        click.option("--from", "date_from", callback=_date, help="Event (else publication) date on or after."),
        click.option("--to", "date_to", callback=_date, help="Event (else publication) date on or before."),
    ]
    for opt in reversed(opts):
        fn = opt(fn)
    return fn


@main.command()
@_mention_filter_options
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines in the export format.")
@click.pass_context
@handle_errors
def mentions(ctx, type_, actor, recipient, location, status, date_from, date_to, limit, as_json):
    """List event mentions, filtered by type, actor, location, status and date."""
    from .summary import summary_row

    f = MentionFilter(type_, actor, recipient, location, status, date_from, date_to, limit=limit)
    with _reader(ctx) as store:
        rows = store.mentions(f)
    if as_json:
        serialize.write_jsonl((serialize.mention_json(m, r) for m, r in rows), sys.stdout)
        return
    table = Table("date", "type", "mode", "actors", "to / where", "how many", "status", "sentence",
                  title=f"{len(rows)} mentions")
    for m, r in rows:
        s = summary_row(m, r)
        table.add_row(s.when, s.type, s.mode or "", s.actors, s.target, s.quantity, s.status, _clip(s.sentence, 90))
    out.print(table)


@main.command()
@_mention_filter_options
@click.option("--limit", default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="JSON Lines in the export format (with mentions).")
@click.pass_context
@handle_errors
def events(ctx, type_, actor, recipient, location, status, date_from, date_to, limit, as_json):
    """List merged events (one real-world event, all its reports), with the same filters as mentions."""
    from .ledger import events_with_detail
    from .summary import format_quantity

    f = MentionFilter(type_, actor, recipient, location, status, date_from, date_to, limit=limit)
    with _reader(ctx) as store:
        details = events_with_detail(store, f)
    if as_json:
        serialize.write_jsonl((serialize.event_json(d.event, [serialize.mention_json(m, r) for m, r in d.mentions])
                               for d in details), sys.stdout)
        return
    table = Table("date", "type", "who", "to / where", "how many", "status history", "reports", "summary",
                  title=f"{len(details)} events")
    for d in details:
        ev = d.event
        when = ev.date.isoformat() if ev.date else f"rep. {ev.first_reported}" if ev.first_reported else "undated"
        where = ", ".join(ev.recipients)
        if ev.location and (ev.location.name or ev.location.country not in ev.recipients):
            where = f"{where} @ {ev.location.name or ev.location.country}" if where else (ev.location.name or ev.location.country)
        history = " → ".join(f"{h.status} {h.reported.strftime('%m-%d') if h.reported else ''}".strip()
                             for h in ev.history)
        conflict = f" ⚠ {ev.n_conflicts} conflict" if ev.n_conflicts else ""
        table.add_row(when, ev.type + (f"/{ev.mode}" if ev.mode else ""), ", ".join(ev.actors), where,
                      format_quantity(ev.quantity) + conflict, history, f"{ev.n_mentions} / {ev.n_sources} src",
                      _clip(ev.summary, 70))
    out.print(table)


@main.command()
@click.option("--level", type=click.Choice(["mentions", "events"]), default="mentions", show_default=True)
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "parquet", "geojson"]), default="jsonl",
              show_default=True, help="parquet and geojson need --level events; parquet needs -o.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="File (default: stdout).")
@_mention_filter_options
@click.pass_context
@handle_errors
def export(ctx, level, fmt, output, type_, actor, recipient, location, status, date_from, date_to):
    """Export the ledger (see docs/EXPORT-FORMAT.md for the fields)."""
    f = MentionFilter(type_, actor, recipient, location, status, date_from, date_to)
    if fmt in ("parquet", "geojson") and level != "events":
        raise click.BadParameter(f"{fmt} is for --level events", param_hint="--format")
    if fmt == "parquet" and not output:
        raise click.BadParameter("parquet is binary: give a file with -o", param_hint="--format")
    with _reader(ctx) as store:
        if level == "mentions":
            rows = [serialize.mention_json(m, r) for m, r in store.mentions(f)]
            fields = serialize.MENTION_FIELDS
        else:
            from .ledger import events_with_detail

            rows = [serialize.event_json(d.event, [serialize.mention_json(m, r) for m, r in d.mentions])
                    for d in events_with_detail(store, f)]
            fields = serialize.EVENT_FIELDS
    if fmt == "parquet":
        n = serialize.write_parquet(rows, output)
    else:
        fh = open(output, "w", encoding="utf-8", newline="") if output else sys.stdout
        try:
            if fmt == "jsonl":
                n = serialize.write_jsonl(rows, fh)
            elif fmt == "csv":
                n = serialize.write_csv(rows, fh, fields)
            else:
                from .ledger import capital_points

                n = serialize.write_geojson(rows, fh, capital_points())
        finally:
            if output:
                fh.close()
    if output:
        err.print(f"{n} {level} written to {output}", highlight=False)


@main.command()
@click.option("--actor", help="Actor code.")
@click.option("--location", help="Country code or place name.")
@click.option("--type", "type_", type=click.Choice(PLOVER_TYPES, case_sensitive=False))
@click.option("--from", "date_from", callback=_date, help="First day (YYYY-MM-DD).")
@click.option("--to", "date_to", callback=_date, help="Last day (YYYY-MM-DD).")
@click.option("--dates", type=click.IntRange(min=1), help="Keep only the N most salient dates.")
@click.option("--topic", type=click.Path(exists=True, file_okay=False),
              help="A news-tls topic folder (articles.jsonl): build its timeline in a fresh ledger.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="With --topic: where to write the timeline "
              "in the news-tls timelines.jsonl format (default: newsledger.timelines.jsonl in the topic folder).")
@click.option("--png", type=click.Path(dir_okay=False), help="Also draw the timeline to this PNG file.")
@click.option("--svg", type=click.Path(dir_okay=False), help="Also draw the timeline to this SVG file.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def timeline(ctx, actor, location, type_, date_from, date_to, dates, topic, output, png, svg, as_json):
    """Dated entries, each summed up by the best sentence of that date's events, with sources.
    With --dates N only the N most salient dates (most articles reporting or referring to them)."""
    from .timeline import build_timeline, write_news_tls

    f = MentionFilter(type=type_, actor=actor, location=location, date_from=date_from, date_to=date_to)
    if topic:
        import tempfile
        from pathlib import Path

        from .extract.run import extract_pending
        from .ingest import ingest as run_ingest
        from .merge import merge_pending

        articles = Path(topic) / "articles.jsonl"
        if not articles.is_file():
            raise NewsledgerError(f"no articles.jsonl in {topic}", hint="a news-tls topic folder holds articles.jsonl")
        with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "topic.db")) as store:
            run_ingest(store, [str(articles)])
            extract_pending(store, workers=0)
            merge_pending(store)
            entries = build_timeline(store, f, dates)
        target = output or str(Path(topic) / "newsledger.timelines.jsonl")
        write_news_tls(entries, target)
        err.print(f"{len(entries)} dates written to {target}", highlight=False)
    else:
        with _reader(ctx) as store:
            entries = build_timeline(store, f, dates)
    for path, fmt in ((png, "png"), (svg, "svg")):
        if path:
            from .charts import timeline_chart

            timeline_chart(entries, path, fmt=fmt)
            err.print(f"timeline drawn to {path}", highlight=False)
    if as_json:
        click.echo(json.dumps([{"date": e.date.isoformat(), "summary": e.summary, "salience": e.salience,
                                "types": e.types, "type_counts": e.type_counts, "n_events": e.n_events,
                                "events": e.event_ids, "sources": e.sources, "n_sources": e.n_sources}
                               for e in entries], indent=2, ensure_ascii=False))
        return
    table = Table("date", "events", "summary", "sources", title=f"timeline: {len(entries)} dates")
    for e in entries:
        table.add_row(e.date.isoformat(), f"{e.n_events} ({', '.join(e.types)})", e.summary,
                      "\n".join(_short(s) for s in e.sources[:3]) + (f"\n+{e.n_sources - 3} more" if e.n_sources > 3 else ""))
    out.print(table)


@main.command()
@click.option("--at", "at", callback=_date, help="The picture as known on this date (articles published by then).")
@click.option("--host", help="Only this host country (ISO alpha-3).")
@click.option("--lines", type=click.IntRange(min=1), default=None,
              help="List only each host's N most recently reported deployments (totals count them all).")
@click.option("--png", type=click.Path(dir_okay=False), help="Also draw a map to this PNG file.")
@click.option("--svg", type=click.Path(dir_okay=False), help="Also draw a map to this SVG file.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def posture(ctx, at, host, lines, png, svg, as_json):
    """Force posture: for each host country, who sent or pledged what, how many, status, last report,
    sources, and totals (ranges where figures are uncertain)."""
    from .posture import build_posture
    from .serialize import posture_json
    from .summary import format_quantity

    with _reader(ctx) as store:
        hosts = build_posture(store, at, host, lines)
    for path, fmt in ((png, "png"), (svg, "svg")):
        if path:
            from .charts import posture_map

            posture_map(hosts, path, fmt=fmt, at=at)
            err.print(f"posture map drawn to {path}", highlight=False)
    if as_json:
        click.echo(json.dumps(posture_json(hosts), indent=2, ensure_ascii=False))
        return
    for hp in hosts:
        totals = "; ".join(f"{t.mode}{'' if t.layer == 'reinforcement' else ' ' + t.layer} {_range(t)}"
                           f" ({_stages(t)})" for t in hp.totals) or "no figures"
        table = Table("from", "what", "layer", "how many", "status", "last reported", "sources",
                      title=f"{hp.host} — in force: {totals}" + (f" (as known on {at})" if at else "")
                      + (f"; the {len(hp.lines)} latest of {hp.n_lines} deployments" if len(hp.lines) < hp.n_lines else ""))
        for l in hp.lines + hp.readiness:
            q = format_quantity(l.quantity) or "—"
            if l.shared_with:
                q += f" (with {', '.join(l.shared_with)})"
            if l.total_after:
                q += f" (total {l.total_after:,})"
            table.add_row(", ".join(l.senders), l.mode, l.layer + (" +" if l.increment else ""), q, l.status or "",
                          (l.last_reported.isoformat() if l.last_reported else "") + (" (undated)" if l.undated else ""),
                          f"{len(l.sources)}: " + ", ".join(_short(s) for s in l.sources[:2]))
        out.print(table)


def _stages(t) -> str:
    return ", ".join(f"{name} {_range(r)}" for name, r in (("pledged", t.pledged), ("under way", t.underway),
                                                            ("arrived", t.arrived)) if r.min or r.max)


def _range(t) -> str:
    if t.max is None:
        return f">{t.min:,}"
    return f"{t.min:,}" if t.min == t.max else f"{t.min:,}–{t.max:,}"


@main.command()
@click.argument("question")
@click.option("--explain", is_flag=True, help="Show the structured query the question was parsed into.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def ask(ctx, question, explain, as_json):
    """Answer a question in plain English from the ledger, citing the sentences it rests on.

    Shapes: how many X did A send to B (by a date); who sent forces to B; where are A's forces being
    sent; when did A do T; what did A demand of / reject from B; which talks took place between A and
    B; what changed between D1 and D2; what did P say."""
    from .ask import ask as run_ask
    from .serialize import answer_json

    with _reader(ctx) as store:
        a = run_ask(store, question)
    if as_json:
        click.echo(json.dumps(answer_json(a), indent=2, ensure_ascii=False))
        return
    if explain:
        qd = answer_json(a)["query"]
        out.print("query: " + ", ".join(f"{k}={v}" for k, v in qd.items() if v not in (None, [], "") and k != "text"),
                  highlight=False, markup=False)
    out.print(a.text, highlight=False, markup=False)
    for item in a.items:
        out.print(f"  • {item}", highlight=False, markup=False)
    for c in a.caveats:
        out.print(f"  ! {c}", highlight=False, markup=False)
    if a.citations:
        out.print("sources:" + (f" (best matches, {a.search_method})" if a.search_method else ""), highlight=False)
        for c in a.citations[:10]:
            out.print(f"  [{c.published or 'undated'}] {_clip(c.sentence, 160)} — {_short(c.source)}",
                      highlight=False, markup=False)

