"""Score the cross-article merge against cluster gold (gold/clusters.jsonl, docs/GOLD-FORMAT.md).

Every gold text is ingested into a fresh ledger (extract + merge); each gold event is matched to a
mention as `eval --level mentions` does, and the ledger's events are compared with the gold clusters
over the matched events: B-cubed and pairwise precision and recall.

The cluster gold was coded per mention, before the gold sets became per-article events: a gold event
takes the label of its own anchor, else the first label among its restatements' (`also`) anchors.

Split: the gold clusters are divided deterministically into `dev` and `held-out` by a hash of their
label (`split_of`), so the merge can be tuned on dev and measured on clusters it was not tuned on;
a split scores only the matched events whose gold cluster is in it.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from .clusters import MergeRules
from .evaluate import EvalReport, GoldText, f_measure, load_gold, score_text
from .exceptions import DataFileError
from .extract.base import DEFAULT_EXTRACTOR
from .model import Mention
from .store import ArticleFilter, Store

SPLITS = ("all", "dev", "held-out")


@dataclass(slots=True)
class MergeScore:
    split: str = "all"
    gold_events: int = 0
    matched: int = 0
    gold_clusters: int = 0
    predicted_clusters: int = 0
    b3_precision: float = 0.0
    b3_recall: float = 0.0
    pair_precision: float = 0.0
    pair_recall: float = 0.0
    restatements: int = 0  # gold restatements (`also` anchors) the extractor found, over all gold texts
    restatements_joined: int = 0  # ... in the ledger event of their gold event's mention

    @property
    def b3_f1(self) -> float:
        p, r = self.b3_precision, self.b3_recall
        return f_measure(p, r)

    @property
    def pair_f1(self) -> float:
        p, r = self.pair_precision, self.pair_recall
        return f_measure(p, r)


@dataclass(frozen=True, slots=True)
class MatchedEvent:
    """A gold event the extractor found: its gold cluster and the ledger event of its mention."""

    gold_cluster: str
    ledger_event: str


def split_of(cluster: str) -> str:
    """`dev` or `held-out`: a fixed function of the cluster label (about 1 in 2 held out)."""
    return "held-out" if hashlib.sha256(cluster.encode("utf-8")).digest()[0] % 2 else "dev"


def clustering_scores(gold: list[str], pred: list[str]) -> tuple[float, float, float, float]:
    """B-cubed precision/recall and pairwise precision/recall of `pred` labels against `gold` labels."""
    n = len(gold)
    if not n:
        return 0.0, 0.0, 0.0, 0.0
    both = Counter(zip(gold, pred))
    g_size, p_size = Counter(gold), Counter(pred)
    b3p = sum(both[(g, p)] / p_size[p] for g, p in zip(gold, pred)) / n
    b3r = sum(both[(g, p)] / g_size[g] for g, p in zip(gold, pred)) / n
    same_g = {(i, j) for i, j in combinations(range(n), 2) if gold[i] == gold[j]}
    same_p = {(i, j) for i, j in combinations(range(n), 2) if pred[i] == pred[j]}
    pp = len(same_g & same_p) / len(same_p) if same_p else 1.0
    pr = len(same_g & same_p) / len(same_g) if same_g else 1.0
    return b3p, b3r, pp, pr


def load_cluster_labels(path: str | Path) -> dict[tuple[str, str, int], str]:
    """(file, anchor, nth) -> cluster label."""
    labels: dict[tuple[str, str, int], str] = {}
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    o = json.loads(line)
                    labels[(o["file"], o["anchor"], int(o.get("nth", 1)))] = o["cluster"]
                except (json.JSONDecodeError, KeyError, ValueError, TypeError) as exc:
                    raise DataFileError(f"bad cluster line: {exc}", source=str(path), line=lineno) from exc
    return labels


def _label(labels: dict[tuple[str, str, int], str], gold: GoldText, gi: int) -> str | None:
    ev = gold.events[gi]
    keys = [(gold.file, ev.anchor, ev.nth)] + [(gold.file, a, 1) for a in ev.also]
    return next((labels[k] for k in keys if k in labels), None)


@dataclass(frozen=True, slots=True)
class LabelledMention:
    """A gold event the extractor found: its gold cluster and the mention it was matched to."""

    gold_cluster: str
    mention_id: str


def labelled_mentions(store: Store, golds: list[GoldText], texts_dir: str | Path,
                      labels: dict[tuple[str, str, int], str]) -> list[LabelledMention]:
    """The labelled gold events found in an extracted ledger of the gold texts, with their mention."""
    by_source = {r.article.source: r.article for r in store.articles(ArticleFilter(duplicates=True))}
    mentions_by_article: dict[str, list[Mention]] = {}
    for m, rec in store.mentions():
        mentions_by_article.setdefault(rec.article.id, []).append(m)
    out = []
    for g in golds:
        art = by_source.get(str((Path(texts_dir) / g.file).resolve()))
        if art is None:
            continue
        for gi, m in score_text(EvalReport(), g, art, mentions_by_article.get(art.id, [])).items():
            label = _label(labels, g, gi)
            if label is not None:
                out.append(LabelledMention(label, m.id))
    return out


def restatements_joined(store: Store, golds: list[GoldText], texts_dir: str | Path) -> tuple[int, int]:
    """(joined, found): of the gold events' restatements (`also` anchors) that the extractor found as a
    mention of the event's type, how many are in the ledger event of the event's own mention. B-cubed
    scores one mention per gold event, so it cannot see a merge that splits an article's restatements."""
    event_of = {mid: eid for eid, ids in store.event_member_ids([e.id for e in store.events()]).items()
                for mid in ids}
    by_source = {r.article.source: r.article for r in store.articles(ArticleFilter(duplicates=True))}
    mentions_by_article: dict[str, list[Mention]] = {}
    for m, rec in store.mentions():
        mentions_by_article.setdefault(rec.article.id, []).append(m)
    joined = found = 0
    for g in golds:
        art = by_source.get(str((Path(texts_dir) / g.file).resolve()))
        ms = mentions_by_article.get(art.id, []) if art else []
        for gi, m in (score_text(EvalReport(), g, art, ms).items() if art else ()):
            for anchor in g.events[gi].also:
                pos = art.text.find(anchor)
                others = [x for x in ms if x.type == m.type and x.id != m.id and x.span.start <= pos < x.span.end]
                if pos >= 0 and others:
                    found += 1
                    joined += any(event_of.get(x.id) == event_of.get(m.id) for x in others)
    return joined, found


def matched_events(store: Store, golds: list[GoldText], texts_dir: str | Path,
                   labels: dict[tuple[str, str, int], str]) -> list[MatchedEvent]:
    """The labelled gold events found in a merged ledger of the gold texts, with their ledger event."""
    event_of = {mid: eid for eid, ids in store.event_member_ids([e.id for e in store.events()]).items()
                for mid in ids}
    return [MatchedEvent(x.gold_cluster, event_of[x.mention_id])
            for x in labelled_mentions(store, golds, texts_dir, labels) if x.mention_id in event_of]


def score_matches(matches: list[MatchedEvent], *, split: str = "all", gold_events: int = 0) -> MergeScore:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}")
    kept = [x for x in matches if split == "all" or split_of(x.gold_cluster) == split]
    gold, pred = [x.gold_cluster for x in kept], [x.ledger_event for x in kept]
    score = MergeScore(split=split, gold_events=gold_events, matched=len(kept),
                       gold_clusters=len(set(gold)), predicted_clusters=len(set(pred)))
    score.b3_precision, score.b3_recall, score.pair_precision, score.pair_recall = clustering_scores(gold, pred)
    return score


def load_golds(gold_paths: list[str | Path], texts_dir: str | Path) -> list[GoldText]:
    """The gold texts of `gold_paths` whose article is found under `texts_dir`."""
    golds = [g for path in gold_paths for g in load_gold(path)]
    return [g for g in golds if (Path(texts_dir) / g.file).is_file()]


def extract_gold_texts(store: Store, golds: list[GoldText], texts_dir: str | Path, *, workers: int = 1,
                       extractor: str = DEFAULT_EXTRACTOR) -> None:
    """Ingest and extract every gold text into `store` (not merged)."""
    from .extract.run import extract_pending
    from .ingest import ingest

    ingest(store, [str(Path(texts_dir) / g.file) for g in golds])
    extract_pending(store, workers=workers, extractor=extractor)


def evaluate_merge(gold_paths: list[str | Path], clusters_path: str | Path, texts_dir: str | Path,
                   *, workers: int = 1, splits: tuple[str, ...] = ("all",), extractor: str = DEFAULT_EXTRACTOR,
                   rules: MergeRules = MergeRules()) -> list[MergeScore]:
    """Ingest every gold text into a fresh ledger (extract + merge) and score its events against the
    gold clusters, one score per split."""
    import tempfile

    from .merge import merge_pending
    from .store import open_store

    labels = load_cluster_labels(clusters_path)
    golds = load_golds(gold_paths, texts_dir)
    with tempfile.TemporaryDirectory() as tmp, open_store(str(Path(tmp) / "merge.db")) as store:
        extract_gold_texts(store, golds, texts_dir, workers=workers, extractor=extractor)
        merge_pending(store, rules=rules)
        matches = matched_events(store, golds, texts_dir, labels)
        joined, found = restatements_joined(store, golds, texts_dir)
    n_gold = sum(len(g.events) for g in golds)
    scores = [score_matches(matches, split=s, gold_events=n_gold) for s in splits]
    for sc in scores:
        sc.restatements, sc.restatements_joined = found, joined
    return scores
