"""Merge by clusters, not chains: every member of an event is compatible with every other, a deployment's
sender is never its host, and merging batch by batch gives the events of merging all at once."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

import pytest

from newsledger.clusters import DECISIONS, MergeRules, cluster, compatible
from newsledger.merge import merge_pending
from newsledger.model import Article, Entity, Mention, Place, Quantity, Span, TimeValue
from newsledger.store import ArticleRecord, open_store

D = dt.date


@dataclass(frozen=True)
class Report:
    """One made-up sentence of one article, as the extractor would have read it."""

    article: str
    published: dt.date | None
    actors: tuple[str, ...]
    hosts: tuple[str, ...] = ()
    qty: int | None = None
    type: str = "MOBILIZE"
    mode: str | None = "troops"
    status: str = "underway"
    date: dt.date | None = None
    n: int = 0  # position of the sentence in its article
    cue: bool = False  # the parse read its status from a cue in the sentence (the extractor's status_cue)


def _mention(r: Report) -> Mention:
    ents = [Entity(c, c, Span(0, 1)) for c in r.actors]
    recips = [Entity(c, c, Span(0, 1)) for c in r.hosts]
    where = Place(r.hosts[0], r.hosts[0], Span(0, 1)) if len(r.hosts) == 1 else None
    q = Quantity(str(r.qty), r.qty, r.qty, False, "troops", Span(0, 1)) if r.qty else None
    t = TimeValue("x", r.date, "day", Span(0, 1)) if r.date else None
    start = 100 * r.n
    return Mention(article_id=r.article, type=r.type, sentence=f"made-up sentence {r.n} of {r.article}",
                   span=Span(start, start + 50), trigger=Span(start, start + 1), mode=r.mode, actors=ents,
                   recipients=recips, location=where, quantity=q, status=r.status, time=t, confidence=0.8,
                   id=f"{r.article}:{r.n}", status_cue=Span(start, start + 1) if r.cue else None)


def _row(r: Report) -> tuple[Mention, ArticleRecord]:
    return _mention(r), ArticleRecord(Article(r.article, f"src-{r.article}", "text", r.published), 1, "h", None,
                                      None, "now", "now")


FEB = D(2022, 2, 14)

# Each case: reports where a chain of pairwise links joined reports that contradict each other.
CHAINS = {
    # "Germany sends troops to Lithuania" ~ "NATO allies (Germany and Russia misread as one) to the Baltics"
    # ~ "Russia masses 150,000 near Ukraine": the ends share no sender and no host.
    "disjoint senders and hosts": [
        Report("a", FEB, ("DEU",), ("LTU",)),
        Report("b", FEB, ("DEU", "RUS"), ("LTU", "RUS")),
        Report("c", FEB, ("RUS",), ("RUS",), qty=150000),
    ],
    # Two contingents of one sender to one host, bridged by a report that gives no figure.
    "different figures": [
        Report("a", FEB, ("USA",), ("POL",), qty=1700),
        Report("b", FEB + dt.timedelta(days=1), ("USA",), ("POL",)),
        Report("c", FEB + dt.timedelta(days=2), ("USA",), ("POL",), qty=3000),
    ],
    # Reports a few days apart each, spanning more than any one event's window.
    "dates drifting": [
        Report("a", FEB, ("GBR",), ("EST",)),
        Report("b", FEB + dt.timedelta(days=6), ("GBR",), ("EST",)),
        Report("c", FEB + dt.timedelta(days=12), ("GBR",), ("EST",)),
    ],
    # A mixed-forces report bridging a troop deployment and an aircraft deployment.
    "different assets": [
        Report("a", FEB, ("USA",), ("ROU",), mode="troops"),
        Report("b", FEB, ("USA",), ("ROU",), mode="mixed"),
        Report("c", FEB, ("USA",), ("ROU",), mode="aircraft"),
    ],
    # Undated articles (nothing to tell them apart by date): a report naming no host, of the same
    # 1,000 troops, bridges Poland and Romania; the learned decision links each end to the middle.
    "undated, a host missing in between": [
        Report("a", None, ("USA",), ("POL",), qty=1000),
        Report("b", None, ("USA",), (), qty=1000),
        Report("c", None, ("USA",), ("ROU",), qty=1000),
    ],
}


@pytest.mark.parametrize("decision", DECISIONS)
@pytest.mark.parametrize("name", sorted(CHAINS))
def test_a_chain_of_compatible_pairs_is_not_one_event(name, decision):
    rules = MergeRules(decision=decision, undated=True, open_destination=True)  # the rules at their loosest
    rows = [_row(r) for r in CHAINS[name]]
    first, middle, last = rows
    assert not compatible(first, last, rules)
    events = cluster(rows, rules)
    assert all(not ({first[0].id, last[0].id} <= set(ev)) for ev in events), events
    for ev in events:  # every member agrees with every other
        members = [r for r in rows if r[0].id in ev]
        assert all(compatible(a, b, rules) for a in members for b in members if a is not b)


def test_the_undated_chain_does_link_its_middle():
    """The undated chain above is a chain: the learned decision joins the middle report to one end."""
    rows = [_row(r) for r in CHAINS["undated, a host missing in between"]]
    learned = MergeRules(decision="learned")
    assert compatible(rows[0], rows[1], learned) and compatible(rows[1], rows[2], learned)
    assert sorted(len(ev) for ev in cluster(rows, learned)) == [1, 2]


@pytest.mark.parametrize("reports, together", [
    # the same contingent reported on three days by three articles: one event
    ([Report("a", FEB, ("USA",), ("POL",), qty=3000, status="announced"),
      Report("b", FEB + dt.timedelta(days=2), ("USA",), ("POL",), qty=3000),
      Report("c", FEB + dt.timedelta(days=4), ("USA",), ("POL",), qty=3000, status="completed")], True),
    # an article's headline and its restatement without a figure: one event
    ([Report("a", FEB, ("DEU",), ("LTU",), qty=350), Report("a", FEB, ("DEU",), ("LTU",), n=1)], True),
    # one article's two contingents ("1,700 to Poland ... 300 to Germany"): two events
    ([Report("a", FEB, ("USA",), ("POL",), qty=1700), Report("a", FEB, ("USA",), ("DEU",), qty=300, n=1)], False),
    # one article's "5,000 to Poland and Romania" and "some 5,000 stationed in the Baltics and Poland":
    # host sets of which neither holds the other are two contingents, though they share Poland
    ([Report("a", FEB, ("USA",), ("POL", "ROU"), qty=5000),
      Report("a", FEB, ("USA",), ("EST", "LVA", "LTU", "POL"), qty=5000, status="completed", n=1)], False),
    # ... while a restatement naming one of the hosts stays with its event
    ([Report("a", FEB, ("USA",), ("POL", "ROU"), qty=5000), Report("a", FEB, ("USA",), ("POL",), n=1)], True),
    # one article's contingent stated once without its destination ("the jets sent by Denmark"): one event
    ([Report("a", FEB, ("DNK",), ("LTU",), qty=4, mode="aircraft"), Report("a", FEB, ("DNK",), qty=4, mode="aircraft", n=1)],
     True),
    # ... but across articles a report without a destination stays apart from one with it
    ([Report("a", FEB, ("DNK",), ("LTU",), qty=4, mode="aircraft"), Report("b", FEB, ("DNK",), qty=4, mode="aircraft")],
     False),
    # ... in one article, stationing weighed without a destination is not the 5,000 already stationed
    ([Report("a", FEB, ("USA",), ("EST", "LVA", "LTU", "POL"), qty=5000, status="completed"),
      Report("a", FEB, ("USA",), status="considered", n=1)], False),
    # ... and in one article other senders are another deployment
    ([Report("a", FEB, ("DNK",), ("LTU",), qty=4, mode="aircraft"),
      Report("a", FEB, ("DNK", "NOR"), qty=4, mode="aircraft", n=1)], False),
    # two calls on different days: two events
    ([Report("a", FEB, ("USA", "RUS"), type="CONSULT", mode="phone", status="completed", date=FEB),
      Report("b", FEB + dt.timedelta(days=3), ("USA", "RUS"), type="CONSULT", mode="phone", status="completed",
             date=FEB + dt.timedelta(days=3))], False),
    # one article's 2014 annexation and the invasion it fears now: two occasions
    ([Report("a", FEB, ("RUS",), ("UKR",), type="ASSAULT", mode=None, status="completed", date=D(2014, 3, 18)),
      Report("a", FEB, ("RUS",), ("UKR",), type="ASSAULT", mode=None, status="considered", n=1)], False),
    # ... while the annexation restated without its date is the annexation
    ([Report("a", FEB, ("RUS",), ("UKR",), type="ASSAULT", mode=None, status="completed", date=D(2014, 3, 18)),
      Report("a", FEB, ("RUS",), ("UKR",), type="ASSAULT", mode=None, status="completed", n=1)], True),
    # a denied pull-back is not the pull-back
    ([Report("a", FEB, ("RUS",), ("RUS",), type="RETREAT"),
      Report("b", FEB, ("RUS",), ("RUS",), type="RETREAT", status="negated")], False),
])
def test_reports_of_one_event_join_and_others_do_not(reports, together):
    events = cluster([_row(r) for r in reports])
    assert (len(events) == 1) is together, events


@pytest.mark.parametrize("a, b", [
    # Estonia hosting British troops vs an Estonian deployment: the host of one is the sender of the other
    (Report("a", FEB, ("GBR",), ("EST",)), Report("b", FEB, ("GBR", "EST"), ("LVA",))),
    (Report("a", FEB, ("USA",), ("POL",)), Report("b", FEB, ("POL", "USA"), ())),
])
def test_a_sender_is_never_the_host_of_the_same_event(a, b):
    assert not compatible(_row(a), _row(b))
    assert len(cluster([_row(a), _row(b)])) == 2


def _story(seed: int) -> list[Report]:
    """A made-up crisis: a few senders and hosts, reports over three weeks, some restated in one article,
    one article in five undated."""
    rnd = random.Random(seed)
    out = []
    for k in range(60):
        art = f"art{k // 2:02d}"  # two sentences an article
        published = None if (k // 2) % 5 == 4 else FEB + dt.timedelta(days=(k // 2) % 21)
        sender = rnd.choice([("USA",), ("DEU",), ("RUS",), ("USA", "GBR")])
        host = rnd.choice([("POL",), ("LTU",), ("ROU",), ("POL", "ROU"), ()])
        if sender == ("RUS",):
            host = rnd.choice([("RUS",), ("BLR",)])
        out.append(Report(art, published, sender, host,
                          qty=rnd.choice([None, 1000, 3000, 5000]), mode=rnd.choice(["troops", "mixed", "aircraft"]),
                          status=rnd.choice(["announced", "underway", "completed"]), n=k % 2))
    return out


def _events_after(path: str, batches: list[list[Report]], rules: MergeRules) -> list[tuple[str, tuple[str, ...]]]:
    with open_store(path) as store:
        for batch in batches:
            arts = {r.article: r.published for r in batch}
            store.add_articles([(Article(a, f"src-{a}", f"text of {a}", pub), f"hash-{a}", None, None, None)
                                for a, pub in sorted(arts.items())])
            store.save_mentions([(a, [_mention(r) for r in sorted(batch, key=lambda r: r.n) if r.article == a])
                                 for a in sorted(arts)])
            merge_pending(store, rules=rules)
        members = store.event_member_ids([e.id for e in store.events()])
        return sorted((eid, tuple(sorted(ids))) for eid, ids in members.items())


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("rules", [MergeRules(decision="learned"), MergeRules(decision="learned", report_window=30, threshold=0.3), MergeRules(),
                                   MergeRules(decision="rules", open_destination=True, undated=True, report_window=30)],
                         ids=["learned", "learned-loose", "rules", "rules-loose"])
def test_batch_by_batch_in_shuffled_order_equals_all_at_once(tmp_path, seed, rules):
    reports = _story(seed)
    by_article: dict[str, list[Report]] = {}
    for r in reports:
        by_article.setdefault(r.article, []).append(r)
    articles = list(by_article)
    random.Random(seed).shuffle(articles)  # later articles first, earlier ones after
    batches = [[r for a in articles[i:i + 4] for r in by_article[a]] for i in range(0, len(articles), 4)]
    once = _events_after(str(tmp_path / "once.db"), [reports], rules)
    stepwise = _events_after(str(tmp_path / "steps.db"), batches, rules)
    assert len(once) < len(reports)  # the story does merge
    assert stepwise == once


@pytest.mark.parametrize("reports, confidences, want", [
    # one article: its headline noun (most confident) reads under way, its lead 'have been deployed'
    # completed: the article's reading is its most confident mention's, not the most advanced word
    ([Report("a", FEB, ("RUS",), ("RUS",), status="underway", n=0),
      Report("a", FEB, ("RUS",), ("RUS",), status="completed", n=1)], [0.9, 0.6], ["underway"]),
    # one article: the sentence that states the contingent's figure ("the 1,700 troops that were already
    # sent") reads its status, not a more confident one without it ("as the US continues to bolster ...")
    ([Report("a", FEB, ("USA",), ("POL",), status="underway", n=0),
      Report("a", FEB, ("USA",), ("POL",), qty=1700, status="completed", n=1)], [1.0, 0.97], ["completed"]),
    # one article: a status its sentence states by a cue ("hit Russia with a wave of sanctions") outranks a more
    # confident one the model gave a sentence as a whole ("Biden unveils sanctions" as announced)
    ([Report("a", FEB, ("USA",), ("RUS",), type="SANCTION", mode=None, status="announced", n=0),
      Report("a", FEB, ("USA",), ("RUS",), type="SANCTION", mode=None, status="completed", n=1, cue=True)],
     [0.98, 0.97], ["completed"]),
    # two articles of one day: the most advanced of their readings
    ([Report("a", FEB, ("RUS",), ("RUS",), status="underway", n=0),
      Report("b", FEB, ("RUS",), ("RUS",), status="completed", n=0)], [0.9, 0.6], ["completed"]),
    # two days: a change of status
    ([Report("a", FEB, ("RUS",), ("RUS",), status="announced", n=0),
      Report("b", FEB + dt.timedelta(days=2), ("RUS",), ("RUS",), status="underway", n=0)], [0.9, 0.9],
     ["announced", "underway"]),
])
def test_status_history_reads_each_article_once(reports, confidences, want):
    from dataclasses import replace

    from newsledger.merge import status_history

    rows = [(replace(m, confidence=c), rec) for (m, rec), c in zip(map(_row, reports), confidences)]
    assert [s.status for s in status_history(rows)] == want


@pytest.mark.parametrize("first, second, one", [
    ("sent", "drills", False),  # "the navy will hold drills" beside "six ships were sent": two events
    ("manoeuvres", "exercises", True),  # the article's exercise, restated
    ("sent", "deployed", True),  # its deployment, restated
])
@pytest.mark.parametrize("decision", DECISIONS)
def test_one_articles_exercise_is_not_a_restatement_of_its_deployment(first, second, one, decision):
    from dataclasses import replace

    rows = []
    for n, word in enumerate((first, second)):
        m, rec = _row(Report("a", FEB, ("RUS",), (), n=n, status="completed"))
        sentence = f"Russian forces {word} on {n}."
        at = sentence.index(word)
        rows.append((replace(m, sentence=sentence, span=Span(100 * n, 100 * n + len(sentence)),
                             trigger=Span(100 * n + at, 100 * n + at + len(word))), rec))
    assert compatible(rows[0], rows[1], MergeRules(decision=decision)) == one
