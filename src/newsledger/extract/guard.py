"""Extraction that no article can stop: an article the extractor fails on becomes a `Failure` (to be
quarantined with its reason) and the others of its batch are extracted as usual.

A batch is extracted at once; only when it raises are its articles retried one by one, so the
guard costs nothing while every article goes through. Articles with an implausible publication date
are not extracted (date arithmetic on 0001-01-01 overflows); a mention whose resolved date is
implausible keeps no date (the article's publication date then places it).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..model import Article, Mention, implausible_date
from .base import Extractor

log = logging.getLogger("newsledger.extract")


@dataclass(frozen=True, slots=True)
class Failure:
    """An article extraction failed on, and why."""

    article_id: str
    source: str
    reason: str


Result = tuple[str, list[Mention]] | Failure


def guarded(extractor: Extractor, articles: Iterable[Article]) -> Iterator[Result]:
    """(article id, mentions) or a Failure for each article, in input order."""
    articles = list(articles)
    failed = {a.id: Failure(a.id, a.source, f"publication {why}") for a in articles
              if (why := implausible_date(a.published))}
    todo = [a for a in articles if a.id not in failed]
    try:
        done = dict(extractor.extract(todo)) if todo else {}
    except Exception:  # noqa: BLE001 - which article? one at a time
        done = {}
        for a in todo:
            try:
                done.update(extractor.extract([a]))
            except Exception as exc:  # noqa: BLE001 - any failure of one article is that article's
                log.warning("%s: extraction failed: %s: %s", a.source, type(exc).__name__, exc)
                failed[a.id] = Failure(a.id, a.source, f"extraction failed: {type(exc).__name__}: {exc}"[:1000])
    for a in articles:
        yield failed[a.id] if a.id in failed else (a.id, _dated(a, done.get(a.id, [])))


def _dated(article: Article, mentions: list[Mention]) -> list[Mention]:
    for m in mentions:
        if m.time and (implausible_date(m.time.date) or implausible_date(m.time.end)):
            log.warning("%s: %r resolved to %s, outside the plausible range: kept undated", article.source,
                        m.time.text, m.time.date)
            m.time = None
    return mentions
