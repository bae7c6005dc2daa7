"""Tune the hand-written merge decision's knobs on the DEV split of the cluster gold, or print the dev
errors of the shipped (learned) decision.

    PYTHONPATH=src python scripts/tune_merge.py --extractor learned --cache /tmp/merge.db          # knob grid
    PYTHONPATH=src python scripts/tune_merge.py --extractor learned --cache /tmp/merge.db --errors # dev errors

The gold texts are extracted once into `--cache` (reused when it exists), then clustered in-process
for each setting (clusters.cluster, the function merge_pending applies). Only dev is scored unless
`--held-out` is given (for the final report, never for choosing).
"""

from __future__ import annotations

import argparse
import itertools
import os
from collections import defaultdict

from newsledger.clusters import MergeRules, cluster
from newsledger.evaluate_merge import (MatchedEvent, extract_gold_texts, labelled_mentions, load_cluster_labels,
                                       load_golds, score_matches, split_of)
from newsledger.store import open_store

GOLD = ["gold/dev.jsonl", "gold/heldout.jsonl"]


def _rows_and_labels(args):
    golds = load_golds(GOLD, args.texts)
    labels = load_cluster_labels("gold/clusters.jsonl")
    fresh = not os.path.exists(args.cache)
    with open_store(args.cache) as store:
        if fresh:
            extract_gold_texts(store, golds, args.texts, extractor=args.extractor)
        rows = {m.id: (m, rec) for m, rec in store.mentions()}
        return rows, labelled_mentions(store, golds, args.texts, labels)


def _score(rows, labelled, rules, split):
    event_of = {mid: ids[0] for ids in cluster(rows.values(), rules) for mid in ids}
    return score_matches([MatchedEvent(x.gold_cluster, event_of[x.mention_id]) for x in labelled], split=split)


def _describe(row) -> str:
    m, rec = row
    q = f"{m.quantity.min}-{m.quantity.max} {m.quantity.unit}" if m.quantity else "-"
    t = f"{m.time.date}/{m.time.precision}" if m.time else "-"
    return (f"{m.id:28} {m.type:9} {m.mode or '-':9} {','.join(m.actor_codes):12} -> "
            f"{','.join(sorted({*m.recipient_codes, *([m.location.country] if m.location and m.location.country else [])})):14}"
            f" q={q:18} t={t:17} pub={rec.article.published} st={m.status}")


def _errors(rows, labelled, rules) -> None:
    event_of = {mid: ids[0] for ids in cluster(rows.values(), rules) for mid in ids}
    dev = [x for x in labelled if split_of(x.gold_cluster) == "dev"]
    by_gold, by_event = defaultdict(list), defaultdict(list)
    for x in dev:
        by_gold[x.gold_cluster].append(x.mention_id)
        by_event[event_of[x.mention_id]].append(x)
    print("== gold clusters split apart (dev)")
    for g, mids in sorted(by_gold.items()):
        if len({event_of[m] for m in mids}) > 1:
            print(f"-- {g}")
            for m in sorted(mids, key=lambda m: event_of[m]):
                print(f"   [{event_of[m][-14:]}] {_describe(rows[m])}")
    print("== ledger events joining gold clusters (dev)")
    for e, xs in sorted(by_event.items()):
        if len({x.gold_cluster for x in xs}) > 1:
            print(f"-- {e}")
            for x in xs:
                print(f"   {x.gold_cluster[:34]:34} {_describe(rows[x.mention_id])}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extractor", default="learned")
    ap.add_argument("--texts", default="../shared")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--held-out", action="store_true")
    args = ap.parse_args()
    rows, labelled = _rows_and_labels(args)
    if args.errors:
        _errors(rows, labelled, MergeRules(decision="learned"))
        return
    grid = itertools.product([1, 3, 5], [3, 7, 14], [0.1, 0.25], [False, True], [False, True])
    for window, report_window, tol, open_dest, undated in grid:
        rules = MergeRules(window=window, report_window=report_window, figure_tolerance=tol,
                           open_destination=open_dest, undated=undated, decision="rules")
        splits = ["dev"] + (["held-out"] if args.held_out else [])
        cells = []
        for s in splits:
            sc = _score(rows, labelled, rules, s)
            cells.append(f"{s} B3 P {sc.b3_precision:.3f} R {sc.b3_recall:.3f} F1 {sc.b3_f1:.3f} "
                         f"pair F1 {sc.pair_f1:.3f}")
        print(rules, " | ".join(cells))


if __name__ == "__main__":
    main()
