"""Train the merge's pair model (src/newsledger/data/merge_pairs.yaml) on the DEV split of the cluster gold.

    PYTHONPATH=src:scripts python scripts/train_merge.py --cache /tmp/merge.db [--extractor learned] [--l2 0.01] [--write]

Every pair of dev gold events of different articles found by the extractor that passes the hard rules (clusters.compatible) is an example: 1 when the two are in one gold cluster. A logistic
regression (L2, gradient descent, numpy) is fitted on them; the link threshold is then chosen on dev
by clustering (clusters.cluster: every pair compatible, mean link probability >= threshold) for the best B-cubed F1 with precision >= 0.95.
Held-out clusters are never used here.
"""

from __future__ import annotations

import argparse
from itertools import combinations

import numpy as np
from tune_merge import _rows_and_labels, _score

from newsledger import clusters
from newsledger.evaluate_merge import split_of
from newsledger.pair_decision import FEATURES, PairModel, dump_pair_model, pair_features

HEADER = """The merge's pair model: a logistic regression over pair_decision.FEATURES, p(two mentions state one event).
Written by scripts/train_merge.py from the dev split of gold/clusters.jsonl ({n} pairs, {pos} in one cluster;
extractor {extractor}, L2 {l2}); threshold chosen on dev for the best B-cubed F1 with precision >= 0.95.
Do not edit by hand: retrain."""


def _examples(rows, labelled):
    dev = [x for x in labelled if split_of(x.gold_cluster) == "dev"]
    rules = clusters.MergeRules(decision="learned")
    xs, ys = [], []
    for x, y in combinations(dev, 2):
        a, b = rows[x.mention_id], rows[y.mention_id]
        if a[1].article.id == b[1].article.id or not clusters.compatible(a, b, rules):
            continue
        xs.append(pair_features(a, b))
        ys.append(float(x.gold_cluster == y.gold_cluster))
    return np.array(xs), np.array(ys)


def fit(x: np.ndarray, y: np.ndarray, l2: float, steps: int = 4000, lr: float = 0.5) -> tuple[np.ndarray, float]:
    w, b = np.zeros(x.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = p - y
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--extractor", default="learned")
    ap.add_argument("--texts", default="../shared")
    ap.add_argument("--cache", required=True)
    ap.add_argument("--l2", type=float, default=0.01)
    ap.add_argument("--write", action="store_true")
    args = ap.parse_args()
    rows, labelled = _rows_and_labels(args)
    x, y = _examples(rows, labelled)
    w, b = fit(x, y, args.l2)
    print(f"{len(y)} pairs, {int(y.sum())} positive; weights:")
    for f, v in zip(FEATURES, w):
        print(f"  {f:18} {v:+.3f}")
    print(f"  bias {b:+.3f}")
    best = None
    for t in np.arange(0.2, 0.96, 0.05):
        model = PairModel(tuple(float(v) for v in w), float(b), float(t))
        sc = _score(rows, labelled, clusters.MergeRules(decision="learned", model=model), "dev")
        print(f"threshold {t:.2f}: dev B3 P {sc.b3_precision:.3f} R {sc.b3_recall:.3f} F1 {sc.b3_f1:.3f}")
        if sc.b3_precision >= 0.95 and (best is None or sc.b3_f1 > best[0]):
            best = (sc.b3_f1, model)
    if best is None:
        raise SystemExit("no threshold reaches dev B-cubed precision 0.95")
    print(f"chosen threshold {best[1].threshold:.2f} (dev B3 F1 {best[0]:.3f})")
    if args.write:
        text = dump_pair_model(best[1], HEADER.format(n=len(y), pos=int(y.sum()), extractor=args.extractor, l2=args.l2))
        with open("src/newsledger/data/merge_pairs.yaml", "w", encoding="utf-8") as fh:
            fh.write(text)


if __name__ == "__main__":
    main()
