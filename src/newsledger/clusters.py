"""Which mentions state the same real-world event: pairwise compatibility and the clusters built on it.

An event is a *cluster*, not a chain: a mention joins an event only when it is compatible with every
mention already in it (complete linkage), so an event never holds two members with disjoint senders,
disjoint hosts, different contingents or dates too far apart, however many reports lie between them.
Past those hard rules the decision is either the hand-written rules (the default) or learned
(`MergeRules(decision="learned")`: across articles, the pair model of pair_decision.py must give the
event's members a mean probability of at least its threshold). The learned decision scores higher on
the held-out cluster gold but lowers the timelines' sentence choice on a held-out Timeline17 topic
(docs/EVALUATION.md), so it is not the default.

Clustering is a function of the set of mentions, so that merging batch by batch gives the same events
as merging everything at once: mentions are taken in a fixed order of their own (reference date,
article id, position), an article's restatements are clustered first (one event per article per
action, docs/CONVENTIONS.md), then each article's events join the most similar compatible event of
the earlier articles, or start one. Only mentions linked by `compatible` can influence each other, so
the events of one connected component of that relation depend only on the component (merge.py
re-clusters the components a new batch touches).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .exceptions import QueryError
from .extract.lexicon import load_lexicon
from .model import DEPLOYMENT_TYPES, Mention
from .pair_decision import PairModel, load_pair_model, pair_features
from .store import ArticleRecord

Row = tuple[Mention, ArticleRecord]

DECISIONS = ("learned", "rules")
_PERIOD_DAYS = {"day": 1, "week": 7, "month": 31, "year": 366}


@dataclass(frozen=True, slots=True)
class MergeRules:
    """The decision's knobs (tuned on the dev split of gold/clusters.jsonl, docs/GOLD-FORMAT.md)."""

    window: int = 3  # days between two stated event dates (day precision)
    report_window: int = 7  # days between reports of one event when either states no day of its own
    figure_tolerance: float = 0.1  # relative gap allowed between two articles' figures ("about 3,000")
    open_destination: bool = False  # a deployment naming no destination may join one that names one
    undated: bool = False  # an article without a publication date may join others on a strict match
    decision: str = "rules"  # "rules": the hand-written decision; "learned": the pair model (pair_decision.py)
    threshold: float | None = None  # the pair model's link probability (None: the shipped one)
    model: PairModel | None = None  # None: the shipped weights (data/merge_pairs.yaml)

    def __post_init__(self) -> None:
        if self.decision not in DECISIONS:
            raise QueryError(f"unknown merge decision {self.decision!r}", hint=f"one of {', '.join(DECISIONS)}")

    @property
    def span(self) -> int:
        """The most days between the `day_of` of two compatible mentions of different articles."""
        return max(self.window, self.report_window)


def destination(m: Mention) -> frozenset[str]:
    """Where a mention's action goes: the place's country, else its recipients."""
    if m.location and m.location.country:
        return frozenset({m.location.country})
    return frozenset(m.recipient_codes)


def hosts(m: Mention) -> frozenset[str]:
    """States a deployment mention names as receiving forces, from its own sentence (never its senders)."""
    return frozenset(c for c in {*m.recipient_codes, *(m.location and m.location.country and [m.location.country]
                                                        or [])} if c not in m.actor_codes)


def _figures_agree(a: Mention, b: Mention, same_article: bool, tolerance: float) -> bool:
    """One article's different figures are different contingents; across articles, reports of one
    contingent may round it ("about 3,000") but not double it."""
    qa, qb = a.quantity, b.quantity
    if qa is None or qb is None or qa.unit != qb.unit:
        return qa is None or qb is None
    lo_a, hi_a = qa.min if qa.min is not None else 0, qa.max if qa.max is not None else float("inf")
    lo_b, hi_b = qb.min if qb.min is not None else 0, qb.max if qb.max is not None else float("inf")
    if same_article:
        return (qa.min, qa.max) == (qb.min, qb.max)
    slack = tolerance * max(lo_a, lo_b)
    return lo_a <= hi_b + slack and lo_b <= hi_a + slack


def day_of(m: Mention, rec: ArticleRecord) -> dt.date | None:
    """The day a mention is about: its own date when given to the day, else its article's publication
    date (the store's `day_ref`); None for an undated article."""
    return m.time.date if m.time and m.time.precision == "day" else rec.article.published


def _periods_overlap(ma: Mention, mb: Mention, window: int) -> bool:
    ta, tb = ma.time, mb.time
    end_a = ta.date + dt.timedelta(days=_PERIOD_DAYS.get(ta.precision, 1) - 1 + window)
    end_b = tb.date + dt.timedelta(days=_PERIOD_DAYS.get(tb.precision, 1) - 1 + window)
    return ta.date <= end_b and tb.date <= end_a


def _dates_agree(a: Row, b: Row, rules: MergeRules) -> bool | None:
    """Whether two mentions' dates allow one occasion; None when either has no day at all. Agreeing
    mentions are never more than `rules.span` days apart (merge.py looks for neighbours that far)."""
    (ma, ra), (mb, rb) = a, b
    if ma.time and mb.time and not _periods_overlap(ma, mb, rules.window):
        return False
    exact = bool(ma.time and mb.time and ma.time.precision == mb.time.precision == "day")
    if exact and ma.type == "CONSULT":
        return abs((ma.time.date - mb.time.date).days) <= 1  # meetings on different days are different meetings
    if ra.article.id == rb.article.id:
        return True
    ta, tb = day_of(ma, ra), day_of(mb, rb)
    if ta is None or tb is None:
        return None
    return abs((ta - tb).days) <= (rules.window if exact or ma.type == "CONSULT" else rules.report_window)


_AHEAD = frozenset({"considered", "announced", "hypothetical"})  # stages of what has not happened yet


def _history_beside_prospect(a: Row, b: Row, window: int) -> bool:
    """One mention states a period that ended before the other's report, and the other, stating no date,
    speaks of what has not happened when reported: two occasions (the 2014 annexation of Crimea beside
    a feared invasion, docs/CONVENTIONS.md), whatever else they share."""
    for (mx, _rx), (my, ry) in ((a, b), (b, a)):
        pub = ry.article.published
        if mx.time and my.time is None and my.status in _AHEAD and pub is not None:
            end = mx.time.date + dt.timedelta(days=_PERIOD_DAYS.get(mx.time.precision, 1) - 1 + window)
            if end < pub:
                return True
    return False


def _strict_match(ma: Mention, mb: Mention) -> bool:
    """Two reports that agree on everything that identifies an event (for an undated article)."""
    return (set(ma.actor_codes) == set(mb.actor_codes) and bool(destination(ma))
            and destination(ma) == destination(mb) and ma.mode == mb.mode
            and (ma.quantity is None) == (mb.quantity is None))


def _same_contingent(ma: Mention, mb: Mention) -> bool:
    """Reports of one contingent at any stage (pledged, under way, arrived): the same senders, host,
    asset and figure. The learned decision never keeps them apart: the stages of one deployment are
    one event, whose status changes (the pair model, trained on few such pairs, weighs a stage gap
    against a link)."""
    return _strict_match(ma, mb) and ma.quantity is not None and ma.mode is not None


def _one_contingent_restated(ma: Mention, mb: Mention) -> bool:
    """In one article, a deployment by the same senders stated once with its destination and once
    without ("four F-16 jets sent by Denmark", "the jets landed in Lithuania"): the article restates
    one contingent (the hard rules have checked asset and figures: one article's different figures
    are different contingents). A different status is another occasion: stationing troops "longer-term"
    weighed beside the 5,000 already stationed."""
    return ma.type in DEPLOYMENT_TYPES and set(ma.actor_codes) == set(mb.actor_codes) and ma.status == mb.status


def _exercise(m: Mention) -> bool:
    """The mention's trigger names an exercise (data/triggers.yaml `exercise_words`)."""
    word = m.sentence[m.trigger.start - m.span.start:m.trigger.end - m.span.start].lower()
    return word in load_lexicon().exercise_words


def _hard_rules(a: Row, b: Row, rules: MergeRules) -> bool:
    """What no decision overrides: one type, asset, sender and host; a sender is not the other's host;
    one article's different sentences or figures are different events; stated dates too far apart."""
    (ma, ra), (mb, rb) = a, b
    if ma.type != mb.type:
        return False
    if ma.mode != mb.mode and None not in (ma.mode, mb.mode) and "mixed" not in (ma.mode, mb.mode):
        return False
    aa, ab = set(ma.actor_codes), set(mb.actor_codes)
    if not aa & ab:
        return False
    if ma.type == "CONSULT" and not (aa <= ab or ab <= aa):
        return False  # a Macron-Putin call is not the Biden-Putin call: the parties must agree
    da, db = destination(ma), destination(mb)
    if da and db and not da & db:
        return False  # forces sent to Poland are not forces sent to Romania, a demand of NATO not one of Kyiv
    if ma.type in DEPLOYMENT_TYPES and (aa & hosts(mb) or ab & hosts(ma)):
        return False  # one report's sender is the other's host: not one deployment
    if _history_beside_prospect(a, b, rules.window):
        return False
    same_article = ra.article.id == rb.article.id
    if same_article and ma.span == mb.span:
        return False  # the extractor states each event once per sentence: two mentions there are two events
    if same_article and ma.type in DEPLOYMENT_TYPES and _exercise(ma) != _exercise(mb):
        return False  # "the navy would stage exercises" beside "six ships were redeployed": two events
    if same_article and ma.type in DEPLOYMENT_TYPES and da and db and not (da <= db or db <= da):
        return False  # one article's "to Poland and Romania" and "in the Baltics and Poland": two contingents
    return _figures_agree(ma, mb, same_article, rules.figure_tolerance)


def _rule_decision(a: Row, b: Row, rules: MergeRules) -> bool:
    """The hand-written decision: both or neither name a destination, both report or both deny, dates
    within the windows, an undated article only on a strict match."""
    (ma, ra), (mb, rb) = a, b
    if bool(destination(ma)) != bool(destination(mb)) and not (rules.open_destination and ma.type in DEPLOYMENT_TYPES) \
            and not (ra.article.id == rb.article.id and _one_contingent_restated(ma, mb)):
        return False
    if (ma.status == "negated") != (mb.status == "negated"):
        return False
    dates = _dates_agree(a, b, rules)
    if dates is None:
        return rules.undated and _strict_match(ma, mb)
    return dates


def _learned_link(a: Row, b: Row, rules: MergeRules) -> bool:
    """Past the hard rules, what the learned decision needs of every pair in an event: both report or
    both deny, stated periods that overlap (a call's day to the day), and known days at most `rules.span` apart (merge.py looks for neighbours that far)."""
    (ma, ra), (mb, rb) = a, b
    if (ma.status == "negated") != (mb.status == "negated"):
        return False  # a denied pull-back is not the pull-back
    if ma.time and mb.time and not _periods_overlap(ma, mb, rules.window):
        return False
    if (ma.type == "CONSULT" and ma.time and mb.time and ma.time.precision == mb.time.precision == "day"
            and abs((ma.time.date - mb.time.date).days) > 1):
        return False  # meetings on different days are different meetings
    ta, tb = day_of(ma, ra), day_of(mb, rb)
    most = rules.window if ma.type == "CONSULT" else rules.span  # talks days apart are different talks
    return ta is None or tb is None or abs((ta - tb).days) <= most


def link_probability(a: Row, b: Row, rules: MergeRules = MergeRules()) -> float:
    """The pair model's probability that two mentions state one event (pair_decision.py)."""
    return (rules.model or load_pair_model()).probability(pair_features(a, b))


def _threshold(rules: MergeRules) -> float:
    return (rules.model or load_pair_model()).threshold if rules.threshold is None else rules.threshold


def compatible(a: Row, b: Row, rules: MergeRules = MergeRules()) -> bool:
    """Whether two mentions may be in one event (symmetric): the hard rules, then the hand-written
    decision, or for the learned one across articles the links it needs of every pair (the
    probability is weighed over the whole event in `joins`). One article's restatements are always
    decided by the rules: the cluster gold holds per-article events, so it has no examples of them."""
    if not _hard_rules(a, b, rules):
        return False
    across = a[1].article.id != b[1].article.id
    return (_learned_link if rules.decision == "learned" and across else _rule_decision)(a, b, rules)


def joins(group: list[Row], members: list[Row], rules: MergeRules = MergeRules()) -> float | None:
    """Whether `group` (one article's event) joins the event of `members`: every pair compatible and,
    for the learned decision, a mean link probability over the pairs of different articles of at
    least the threshold.
    The score to rank events by when it does (None when not)."""
    if not all(compatible(g, m, rules) for g in group for m in members):
        return None
    probs = [1.0 if _same_contingent(g[0], m[0]) else link_probability(g, m, rules) for g in group for m in members
             if rules.decision == "learned" and g[1].article.id != m[1].article.id]
    if not probs:
        return 1.0
    score = sum(probs) / len(probs)
    return score if score >= _threshold(rules) else None


def _similarity(a: Row, b: Row) -> tuple:
    (ma, ra), (mb, rb) = a, b
    qa, qb = ma.quantity, mb.quantity
    ta, tb = day_of(ma, ra), day_of(mb, rb)
    return (set(ma.actor_codes) == set(mb.actor_codes), bool(destination(ma)) and destination(ma) == destination(mb),
            qa is not None and qb is not None and (qa.min, qa.max) == (qb.min, qb.max), ma.mode == mb.mode,
            -abs((ta - tb).days) if ta and tb else -99)


def _position(mention_id: str) -> tuple[str, int]:
    art, _, n = mention_id.rpartition(":")
    return art, int(n) if n.isdigit() else 0


def _key(row: Row) -> tuple:
    m, rec = row
    day = day_of(m, rec)
    return (day is None, day or dt.date.min, _position(m.id))


def _best_cluster(group: list[Row], clusters: list[list[Row]], rules: MergeRules) -> int | None:
    """Index of the most similar cluster that every row of `group` is compatible with."""
    best, best_score = None, None
    for i, members in enumerate(clusters):
        p = joins(group, members, rules)
        if p is not None:
            score = (p, max(_similarity(g, m) for g in group for m in members))
            if best_score is None or score > best_score:
                best, best_score = i, score
    return best


@dataclass(slots=True)
class _Event:
    rows: list[Row]
    articles: set[str]
    days: list[dt.date]


def _candidates(group: list[Row], events: list[_Event], index: dict[tuple[str, str], list[int]],
                span: int) -> list[int]:
    """Events that could take `group`: of its type, sharing an actor, near in time or of its article
    (a necessary condition of `compatible` with every member, so only a shortcut)."""
    m, rec = group[0]
    day = day_of(m, rec)
    out = sorted({i for code in m.actor_codes for i in index.get((m.type, code), ())})
    if day is None:
        return out
    return [i for i in out if rec.article.id in events[i].articles or not events[i].days
            or (min(events[i].days) - dt.timedelta(days=span) <= day <= max(events[i].days) + dt.timedelta(days=span))]


def cluster(rows: Iterable[Row], rules: MergeRules = MergeRules()) -> list[list[str]]:
    """The events of a set of mentions, as lists of mention ids (each sorted; a function of the set)."""
    by_article: dict[str, list[Row]] = {}
    for row in sorted(rows, key=_key):
        by_article.setdefault(row[1].article.id, []).append(row)
    groups: list[list[Row]] = []  # one article's events
    for art_rows in by_article.values():
        local: list[list[Row]] = []
        for row in sorted(art_rows, key=lambda r: _position(r[0].id)):
            i = _best_cluster([row], local, rules)
            (local[i].append(row) if i is not None else local.append([row]))
        groups += local
    events: list[_Event] = []
    index: dict[tuple[str, str], list[int]] = {}  # (type, actor code) -> events
    for group in sorted(groups, key=lambda g: min(_key(r) for r in g)):
        cands = _candidates(group, events, index, rules.span)
        i = _best_cluster(group, [events[j].rows for j in cands], rules)
        if i is None:
            j = len(events)
            events.append(_Event([], set(), []))
        else:
            j = cands[i]
        ev = events[j]
        new_codes = {c for m, _ in group for c in m.actor_codes} - {c for m, _ in ev.rows for c in m.actor_codes}
        for code in sorted(new_codes):
            index.setdefault((group[0][0].type, code), []).append(j)
        ev.rows += group
        ev.articles.add(group[0][1].article.id)
        ev.days += [d for d in (day_of(m, rec) for m, rec in group) if d is not None]
    return [sorted(m.id for m, _ in ev.rows) for ev in events]
