"""The ledger's housekeeping commands: rejected (registered on `main`)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from .cli import _store, handle_errors, main, out


@main.command()
@click.option("--json", "as_json", is_flag=True, help="JSON: the rejected inputs and the quarantined articles.")
@click.pass_context
@handle_errors
def rejected(ctx, as_json):
    """Inputs rejected at reading (with file and line) and articles quarantined by extraction or
    merging (with the reason). Quarantined articles are skipped until `newsledger extract
    --retry-quarantined`."""
    with _store(ctx) as store:
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
