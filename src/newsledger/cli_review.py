"""`newsledger review`: the deployment lines kept off the map and the totals, each with why (registered on `main`)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from .cli import _reader, handle_errors, main, out


@main.command()
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the N most recently reported lines.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@handle_errors
def review(ctx, limit, as_json):
    """Deployment lines under review: no sender, a host implausible for the sender (not its own soil, an
    ally or a theatre it operates in), or a figure over what the sender could move. They are not on the
    map and not in the totals; each cites its evidence."""
    from .posture import build_review
    from .serialize import posture_line_json
    from .summary import format_quantity

    with _reader(ctx) as store:
        items = build_review(store, limit=limit)
    if as_json:
        click.echo(json.dumps([posture_line_json(l) for l in items], indent=2, ensure_ascii=False))
        return
    table = Table("from", "to", "what", "how many", "why", "evidence", title=f"{len(items)} line(s) under review")
    for l in items:
        table.add_row(", ".join(l.senders) or "—", l.host, l.mode, format_quantity(l.quantity) or "—", l.review,
                      f"{l.summary[:160]} [{', '.join(l.sources[:2])}]")
    out.print(table)
