"""Timeline summarisation measures: eval-tls (registered on `main`)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from .cli import err, handle_errors, main, out
from .evaluate_tls import DEFAULT_CACHE, SYSTEMS


@main.command("eval-tls")
@click.argument("topics", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=DEFAULT_CACHE, show_default=True,
              help="Folder of the topics' ledgers (built once per articles.jsonl, then reused).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_tls(topics, cache_dir, as_json):
    """The news-tls protocol over TOPIC folders (articles.jsonl, timelines.jsonl): per reference, the
    articles of its first..last date, l dates and k sentences a date as the reference has, scored with
    tilse (date F1, AR1-F, AR2-F; precision and recall averaged over pairs, then F). The ledger's
    timeline is compared with two trivial baselines: the l days with most articles, summed up by the
    lead of the latest article (top-articles) or of the k latest (top-articles-k)."""
    from .evaluate_tls import evaluate_tls

    r = evaluate_tls(list(topics), cache_dir=cache_dir, progress=lambda t: err.print(f"{t} scored", highlight=False))
    if as_json:
        click.echo(json.dumps(r.as_dict(), indent=2))
        return
    table = Table("topic", "ref", "l", "k", "system", "date F1", "AR1-F", "AR2-F",
                  title=f"news-tls protocol: {len({p.topic for p in r.pairs})} topics, {len(r.pairs) // len(SYSTEMS)} timelines")
    for p in r.pairs:
        table.add_row(p.topic, str(p.reference), str(p.l), str(p.k), p.system,
                      f"{p.date.f1:.3f}", f"{p.ar1.f1:.3f}", f"{p.ar2.f1:.3f}")
    for s in SYSTEMS:
        date, ar1, ar2 = r.average(s)
        table.add_row("average", "", "", "", s, f"{date.f1:.3f}", f"{ar1.f1:.3f}", f"{ar2.f1:.3f}", style="bold")
    out.print(table)
    secs = ", ".join(f"{t} {s:.1f} s" for t, s in r.seconds.items())
    err.print(f"ledger timeline selection: {secs}", highlight=False)
