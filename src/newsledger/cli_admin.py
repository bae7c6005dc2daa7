"""The ledger's housekeeping commands: rejected and check (registered on `main`)."""

from __future__ import annotations

import json
import sys

import click
from rich.table import Table

from .cli import EXIT_SYSTEM, _reader, err, handle_errors, main, out


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON: the rejected inputs and the quarantined articles.")
@click.pass_context
@handle_errors
def rejected(ctx, as_json):
    """Inputs rejected at reading (with file and line) and articles quarantined by extraction or
    merging (with the reason). Quarantined articles are skipped until `newsledger extract
    --retry-quarantined`."""
    with _reader(ctx) as store:
        rejections, quarantined = store.rejections(), store.quarantined()
    if as_json:
        click.echo(json.dumps({
            "rejected": [{"source": r.source, "line": r.line, "reason": r.reason} for r in rejections],
            "quarantined": [{"article_id": q.article_id, "source": q.source, "stage": q.stage, "reason": q.reason,
                             "quarantined_at": q.at} for q in quarantined]}, indent=2, ensure_ascii=False))
        return
    table = Table("source", "line", "reason", title=f"{len(rejections)} rejected inputs")
    for r in rejections:
        table.add_row(r.source, str(r.line or ""), r.reason)
    out.print(table)
    table = Table("article", "source", "stage", "reason", "since",
                  title=f"{len(quarantined)} quarantined articles (retry: newsledger extract --retry-quarantined)")
    for q in quarantined:
        table.add_row(q.article_id, q.source, q.stage, q.reason, q.at)
    out.print(table)


@main.command()
@click.pass_context
@handle_errors
def check(ctx):
    """Check the ledger file for corruption (SQLite's integrity_check), reading only. Exits 3 if it is
    damaged: then newsledger refuses to write into it (restore a backup, or `sqlite3 FILE .recover`)."""
    from .store import is_server_url
    from .store.sqlite import check as check_file

    db = ctx.obj["db"]
    if is_server_url(db):
        with _reader(ctx) as store:
            store.stats()
        out.print(f"{store.display}: reachable and readable (the server checks its own storage)", highlight=False)
        return
    with _reader(ctx):
        pass  # exists, opens, current schema
    problems = check_file(db)
    if problems == ["ok"]:
        out.print(f"{db}: ok", highlight=False)
        return
    for p in problems:
        err.print(f"[red]{db}:[/] {p}", highlight=False, markup=True)
    err.print("the database is corrupt: restore it from a backup, or recover what is left with "
              f"`sqlite3 {db} .recover | sqlite3 NEW.db` and pass --db NEW.db", highlight=False)
    sys.exit(EXIT_SYSTEM)
