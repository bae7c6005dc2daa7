"""The measuring commands of `newsledger`: eval, eval-merge, ask-eval, bench (registered on `main`)."""

from __future__ import annotations

import json

import click
from rich.table import Table

from .cli import _extractor_option, handle_errors, main, out
from .exceptions import NewsledgerError
from .extract.base import available_cores

@main.command("eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--texts", type=click.Path(file_okay=False), envvar="NEWSLEDGER_SHARED", default="../shared",
              show_default=True, help="Folder the gold 'file' paths are relative to ($NEWSLEDGER_SHARED).")
@click.option("--workers", default=1, show_default=True, help="Processes (0 = one per core).")
@click.option("--level", type=click.Choice(["events", "mentions"]), default="events", show_default=True,
              help="events: each article's ledger events matched to its gold events by type, actors and places; "
                   "mentions: the earlier per-sentence measure (type and anchor only).")
@_extractor_option
@click.option("--misses", is_flag=True, help="Also list every missed, spurious or wrong-slot event.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_(gold, texts, workers, level, extractor, misses, as_json):
    """Score extraction against a GOLD set (docs/GOLD-FORMAT.md): P/R/F1 per type, deployments and
    all events; slot accuracy over matched pairs (events level: actors, recipients, location, mode,
    status, quantity, date; mentions level: quantity, status, date, location)."""
    from .evaluate import evaluate

    report = evaluate(gold, texts, workers=workers, level=level, extractor=extractor)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
        return
    if not report.texts:
        raise NewsledgerError(f"none of the gold texts were found under {texts}", hint="pass --texts")
    table = Table("type", "gold", "found", "correct", "precision", "recall", "F1",
                  title=f"{gold} ({report.level}, {extractor}): {report.texts} texts" + (f" ({len(report.skipped)} not found)" if report.skipped else ""))
    rows = sorted(report.per_type.items()) + [("deployments", report.deployments), ("ALL", report.all)]
    for name, sc in rows:
        table.add_row(name, str(sc.tp + sc.fn), str(sc.tp + sc.fp), str(sc.tp), f"{sc.precision:.3f}",
                      f"{sc.recall:.3f}", f"{sc.f1:.3f}")
    out.print(table)
    slots = Table("slot", "all matched", "deployments", title="slot accuracy over matched events")
    for k, v in report.slots.items():
        d = report.deployment_slots[k]
        slots.add_row(k, f"{v.accuracy:.3f} ({v.correct}/{v.total})", f"{d.accuracy:.3f} ({d.correct}/{d.total})")
    out.print(slots)
    if misses:
        for m in report.misses:
            out.print(f"{m.kind:14} {m.file.rsplit('/', 1)[-1][:40]:40} {m.detail}", highlight=False, markup=False)


@main.command("eval-merge")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--clusters", type=click.Path(exists=True, dir_okay=False), default="gold/clusters.jsonl",
              show_default=True, help="Cluster labels of the gold events (docs/GOLD-FORMAT.md).")
@click.option("--texts", type=click.Path(file_okay=False), envvar="NEWSLEDGER_SHARED", default="../shared",
              show_default=True, help="Folder the gold 'file' paths are relative to ($NEWSLEDGER_SHARED).")
@click.option("--split", "splits", type=click.Choice(["all", "dev", "held-out"]), multiple=True,
              help="Score only the gold clusters of this split (a fixed hash of the cluster label); "
                   "repeat for several. Default: all, dev and held-out.")
@click.option("--workers", default=1, show_default=True)
@_extractor_option
@click.option("--decision", type=click.Choice(["learned", "rules"]), default="rules", show_default=True,
              help="How the merge decides, past its hard rules: 'learned' (the pair model of "
                   "data/merge_pairs.yaml, trained on the dev split) or 'rules' (the hand-written date, "
                   "destination and undated-article rules).")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_merge(gold, clusters, texts, splits, workers, extractor, decision, as_json):
    """Score the cross-article merge: B-cubed and pairwise F1 of the ledger's events against the gold
    clusters, on the gold events the extractor found (per split: tune on dev, report held-out), and
    how many of the gold events' restatements were merged into their event."""
    from .clusters import MergeRules
    from .evaluate_merge import evaluate_merge

    scores = evaluate_merge(list(gold), clusters, texts, workers=workers, extractor=extractor,
                            rules=MergeRules(decision=decision), splits=tuple(splits) or ("all", "dev", "held-out"))
    if as_json:
        click.echo(json.dumps([{"split": sc.split, "extractor": extractor, "decision": decision,
                                "gold_events": sc.gold_events, "matched": sc.matched,
                                "gold_clusters": sc.gold_clusters, "predicted_clusters": sc.predicted_clusters,
                                "b3": {"precision": round(sc.b3_precision, 3), "recall": round(sc.b3_recall, 3),
                                       "f1": round(sc.b3_f1, 3)},
                                "pairwise": {"precision": round(sc.pair_precision, 3),
                                             "recall": round(sc.pair_recall, 3), "f1": round(sc.pair_f1, 3)},
                                "restatements": {"found": sc.restatements, "joined": sc.restatements_joined}}
                               for sc in scores], indent=2))
        return
    for sc in scores:
        out.print(f"{sc.split}: {sc.matched} of {sc.gold_events} gold events matched to mentions; "
                  f"{sc.gold_clusters} gold clusters, {sc.predicted_clusters} ledger events among them", highlight=False)
        out.print(f"  B-cubed  P {sc.b3_precision:.3f}  R {sc.b3_recall:.3f}  F1 {sc.b3_f1:.3f}", highlight=False)
        out.print(f"  pairwise P {sc.pair_precision:.3f}  R {sc.pair_recall:.3f}  F1 {sc.pair_f1:.3f}", highlight=False)
    if scores:
        out.print(f"restatements in their event's ledger event: {scores[0].restatements_joined} of "
                  f"{scores[0].restatements} (all gold texts)", highlight=False)


@main.command("ask-eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False))
@click.option("--texts", type=click.Path(file_okay=False), envvar="NEWSLEDGER_SHARED", default="../shared",
              show_default=True, help="The shared folder, for questions over the shared corpora.")
@click.option("--workers", default=1, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def ask_eval(questions, texts, workers, as_json):
    """Score `ask` on a question set: the share of questions whose shape, answered-or-not and expected
    strings are right."""
    from .evaluate import evaluate_questions

    results = evaluate_questions(questions, texts, workers=workers)
    right = sum(r.ok for r in results)
    if as_json:
        click.echo(json.dumps({"questions": len(results), "correct": right,
                               "accuracy": round(right / len(results), 3) if results else 0.0,
                               "wrong": [{"question": r.question, "corpus": r.corpus, "why": r.why} for r in results
                                         if not r.ok]}, indent=2))
        return
    for r in results:
        if not r.ok:
            out.print(f"✗ [{r.corpus}] {r.question!r}: {r.why}", highlight=False, markup=False)
    out.print(f"{right} of {len(results)} questions answered right ({right / max(len(results), 1):.1%})",
              highlight=False)


@main.command()
@click.argument("paths", nargs=-1)
@click.option("--limit", type=int, help="Use only the first N articles.")
@click.option("--workers", default=0, show_default=True, type=click.IntRange(min=0),
              help=f"Extraction processes: 0 = one per core available ({available_cores()} here).")
@_extractor_option
@handle_errors
def bench(paths, limit, workers, extractor):
    """Throughput of ingest + extract over PATHS, as a ratio to bare en_core_web_sm (spacy.load, then
    nlp.pipe) over the same texts in the same run, each side timed from loading its models (default:
    ../shared/corpus/ukraine-news-2022)."""
    from .bench import run_benchmark

    paths = list(paths) or ["../shared/corpus/ukraine-news-2022/articles.jsonl"]
    r = run_benchmark(paths, limit=limit, workers=workers, extractor=extractor)
    out.print(f"{r.articles} articles, {r.chars:,} characters, {r.mentions} mentions", highlight=False)
    out.print(f"bare en_core_web_sm spacy.load + nlp.pipe: {r.baseline_load_seconds:.1f} + {r.baseline_pipe_seconds:.1f} s "
              f"({r.baseline_articles_per_second:.1f} articles/s)", highlight=False)
    out.print(f"newsledger ingest+extract ({extractor}, {r.workers} workers): {r.newsledger_seconds:.1f} s "
              f"({r.articles_per_second:.1f} articles/s)", highlight=False)
    out.print(f"ratio: {r.speedup:.2f}x (to nlp.pipe alone: {r.pipe_speedup:.2f}x)   peak memory: main {r.peak_rss_mb:.0f} MB + {r.workers} x worker "
              f"{r.worker_peak_rss_mb:.0f} MB = {r.peak_rss_mb + r.workers * r.worker_peak_rss_mb:.0f} MB", highlight=False)


@main.command("eval-plover")
@click.argument("tsv", type=click.Path(exists=True, dir_okay=False))
@click.option("--split", type=click.Choice(["train", "test"]), default="test", show_default=True)
@_extractor_option
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_plover(tsv, split, extractor, as_json):
    """Type accuracy on PLOVER's labelled sentences (TSV: corpus/plover-sentences/sentences.tsv),
    one gold type per sentence, read alone."""
    from .evaluate_plover import evaluate_plover

    r = evaluate_plover(tsv, split=split, extractor=extractor)
    if as_json:
        click.echo(json.dumps(r.as_dict(), indent=2))
        return
    out.print(f"{tsv} ({split}, {extractor}): type accuracy {r.accuracy:.3f} ({r.correct}/{r.sentences}); "
              f"no event for {r.no_event}", highlight=False)
    for (g, p), n in r.confusions.most_common(8):
        out.print(f"  {g} -> {p}: {n}", highlight=False)


@main.command("eval-timex")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--part", type=click.Choice(["dev", "heldout", "all"]), default="all", show_default=True,
              help="Files by a hash of their name: dev (about 2/3, for tuning), heldout (the other 1/3), or all.")
@click.option("--files", "names", multiple=True, help="Score only these file names inside FOLDER (repeatable).")
@click.option("--parse/--no-parse", default=True, show_default=True,
              help="Give the finder the tense of the verbs from the spaCy parse, as extraction does.")
@click.option("--misses", is_flag=True, help="Also list every missed, spurious or wrongly valued expression.")
@click.option("--json", "as_json", is_flag=True)
@handle_errors
def eval_timex(folder, part, names, parse, misses, as_json):
    """TempEval-3 measures of the date finder on the TimeML .tml files of FOLDER: strict and relaxed
    extraction P/R/F1, value accuracy and value F1 (accuracy x relaxed F1), over all TIMEX3 types and
    DATE only, and the share of found DATEs over a gold expression of any type. Each file's creation
    time is the anchor and is not scored."""
    from .evaluate_timex import evaluate_timex

    r = evaluate_timex(folder, part=part, names=list(names) or None, parse=parse)
    if as_json:
        click.echo(json.dumps(r.as_dict(), indent=2))
        return
    table = Table("types", "gold", "found", "strict P", "strict R", "strict F1", "relaxed P", "relaxed R",
                  "relaxed F1", "value acc", "value F1", title=f"{folder} ({r.part}): {r.docs} documents")
    for name, sc in (("all", r.all), ("DATE", r.date)):
        cells = [f"{x:.3f}" for x in (*sc.prf(sc.strict), *sc.prf(sc.relaxed), sc.value_accuracy, sc.value_f1)]
        table.add_row(name, str(sc.gold), str(sc.found), *cells)
    out.print(table)
    out.print(f"DATE finds over a gold time expression of any type: {r.date_over_gold} of {r.date.found} "
              f"({r.date_overlap_precision:.3f})", highlight=False)
    if misses:
        for e in r.errors:
            g = f"{e.gold.text!r} {e.gold.type} {e.gold.value}" if e.gold else "-"
            f = f"{e.found.text!r} {e.found.type} {e.found.value}" if e.found else "-"
            out.print(f"{e.kind:8} {e.doc[:28]:28} gold {g:40} found {f}", highlight=False, markup=False)
