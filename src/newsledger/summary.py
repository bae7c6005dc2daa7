"""A readable summary of the ledger: counts, deployments with figures and status, other events."""

from __future__ import annotations

from dataclasses import dataclass

from .model import DEPLOYMENT_TYPES, Mention, Quantity
from .store import ArticleRecord, MentionFilter, Store, Stats


@dataclass(frozen=True, slots=True)
class SummaryRow:
    when: str  # event date, else "reported <published>"
    type: str
    mode: str | None
    actors: str
    target: str  # recipients / location
    quantity: str
    status: str
    source: str
    sentence: str


@dataclass(frozen=True, slots=True)
class LedgerSummary:
    stats: Stats
    deployments: list[SummaryRow]
    other: list[SummaryRow]


def format_quantity(q: Quantity | None) -> str:
    if q is None:
        return ""
    unit = f" {q.unit}" if q.unit else ""
    tilde = "~" if q.approx and q.min is not None and q.min == q.max else ""
    if q.min is not None and q.max is not None:
        core = f"{tilde}{q.min:,}" if q.min == q.max else f"{q.min:,}–{q.max:,}"
    elif q.min is not None:
        core = f">{q.min:,}"
    elif q.max is not None:
        core = f"≤{q.max:,}"
    else:
        return ""
    return core + unit


def summary_row(m: Mention, rec: ArticleRecord) -> SummaryRow:
    pub = rec.article.published
    when = m.time.date.isoformat() if m.time else (f"rep. {pub.isoformat()}" if pub else "undated")
    target = ", ".join(m.recipient_codes)
    if m.location and (m.location.name or m.location.country not in m.recipient_codes):
        loc = m.location.name or m.location.country or ""
        target = f"{target} @ {loc}" if target else loc
    return SummaryRow(when, m.type, m.mode, ", ".join(m.actor_codes), target, format_quantity(m.quantity),
                      m.status or "", rec.article.source, m.sentence)


def summarize(store: Store, limit: int = 25) -> LedgerSummary:
    rows = store.mentions(MentionFilter())
    dep = [summary_row(m, r) for m, r in rows if m.type in DEPLOYMENT_TYPES]
    other = [summary_row(m, r) for m, r in rows if m.type not in DEPLOYMENT_TYPES and m.confidence >= 0.6]
    return LedgerSummary(store.stats(), dep[:limit], other[:limit])
