"""Readings of the time expressions timex.py finds: the ledger's date and precision, and TimeML's value.

One Reader reads the expressions of one text in order and remembers the last year, month, day and
quarter named, so that "a year earlier", "the following day" or "that quarter" refer back to them.
Expressions that refer back when nothing was named before in the same text get their TimeML value
from the publication date but no ledger date: the date they mean was given in another sentence.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .quantities import parse_number
from .timex import MONTHS, WEEKDAYS, TimexWords



@dataclass(frozen=True, slots=True)
class Reading:
    value: str
    type: str = "DATE"
    date: dt.date | None = None
    precision: str | None = None
    end_date: dt.date | None = None


def calendar_value(d: dt.date, precision: str) -> str:
    """TimeML value of a period: 2022-02-14, 2022-W07, 2022-02, 2022."""
    if precision == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if precision == "month":
        return d.strftime("%Y-%m")
    if precision == "year":
        return str(d.year)
    return d.isoformat()


def _dated(d: dt.date, precision: str) -> Reading:
    return Reading(calendar_value(d, precision), date=d, precision=precision)


def _monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


def _add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _quarter_of(d: dt.date) -> tuple[int, int]:
    return d.year, (d.month - 1) // 3 + 1


def _shift_quarter(q: tuple[int, int], k: int) -> tuple[int, int]:
    i = q[0] * 4 + q[1] - 1 + k
    return i // 4, i % 4 + 1


def _unit(raw: str) -> str:
    return raw.lower().rstrip("s")


@dataclass(slots=True)
class Reader:
    pub: dt.date | None
    default_tense: str | None
    words: TimexWords
    year: int | None = None  # what the last dated expression of the text named
    month: dt.date | None = None
    day: dt.date | None = None
    quarter: tuple[int, int] | None = None

    def read(self, name: str, m: re.Match, tense: str | None) -> Reading | None:
        g = {k: v for k, v in m.groupdict().items() if v is not None}
        r = getattr(self, f"_{name}")(g, tense or self.default_tense)
        if r is not None and r.date is not None and r.type != "DURATION":
            self.year = r.date.year
            if r.precision in ("day", "month"):
                self.month = r.date.replace(day=1)
            if r.precision == "day":
                self.day = r.date
        return r

    def _count(self, raw: str) -> int | None:
        """The number a count stands for; None for one with no number ("a few", "several")."""
        raw = raw.lower()
        if raw in self.words.vague_counts:
            return None
        return 1 if raw in ("a", "an") else parse_number(raw)

    # -- calendar dates --------------------------------------------------------------------------
    def _iso(self, g, tense):
        return _dated(dt.date.fromisoformat(g["iso"]), "day")

    def _mdy(self, g, tense):
        month = MONTHS[g["mon"].lower().rstrip(".")]
        year = int(g["year"]) if "year" in g else self._year_for(month, tense)
        return _dated(dt.date(year, month, int(g["day"])), "day") if year else None

    _dmy = _mdy

    def _monthyear(self, g, tense):
        month = MONTHS[g["mon"].lower().rstrip(".")]
        year = int(g["year"]) if "year" in g else self._year_for(month, tense)
        return _dated(dt.date(year, month, 1), "month") if year else None

    def _monthrel(self, g, tense):
        if self.pub is None:
            return None
        month, rel = MONTHS[g["mon"].lower().rstrip(".")], g["rel"].lower()
        y = self.pub.year
        if rel in ("last", "this past"):
            y -= month >= self.pub.month
        elif rel in ("next", "this coming"):
            y += month <= self.pub.month
        return _dated(dt.date(y, month, 1), "month")

    def _monthyear_rel(self, g, tense):
        if self.pub is None:
            return None
        month = MONTHS[g["mon"].lower().rstrip(".")]
        return _dated(dt.date(self.pub.year + self.words.steps[g["rel"].lower()], month, 1), "month")

    def _year_for(self, month: int, tense: str | None) -> int | None:
        """The year of a month named without one: the coming one for a verb in the future; else this
        year's unless it is more than three months ahead (then last year's), and without a past verb
        a month at most three months ahead across the new year is the coming one ("through January"
        in an October article)."""
        if self.pub is None:
            return None
        ahead = (month - self.pub.month) % 12
        if tense == "future" or tense != "past" and 0 < ahead <= 3:
            return self.pub.year + (month < self.pub.month)
        return self.pub.year - (month - self.pub.month > 3)

    def _year(self, g, tense):
        return _dated(dt.date(int(g["year"]), 1, 1), "year")

    _yearpart = _year
    _fiscal = _year

    def _theyear(self, g, tense):
        if self.pub is None:
            return None
        if g.get("mod", "").lower() in ("current", "current fiscal"):
            return _dated(dt.date(self.pub.year, 1, 1), "year")
        return Reading(str(self.pub.year))  # "the year", "the full year": the ledger cannot tell which

    _yearend = _theyear

    # -- relative to the publication date ----------------------------------------------------------
    def _day(self, g, tense):
        if self.pub is None:
            return None
        rel = g["rel"].lower()
        d = self.pub + dt.timedelta(days={"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[rel])
        if rel == "tonight":
            return Reading(f"{d.isoformat()}TNI", "TIME", d, "day")
        return _dated(d, "day")

    def _partday(self, g, tense):
        if self.pub is None:
            return None
        rel, part = g["rel"].lower(), g["part"].lower()
        if rel == "last" and part != "night":
            return None
        d = self.pub + dt.timedelta(days={"this": 0, "yesterday": -1, "last": -1, "tomorrow": 1}[rel])
        return Reading(f"{d.isoformat()}T{self.words.day_parts[part]}", "TIME", d, "day")

    def _wd(self, g, tense):
        if self.pub is None:
            return None
        wd, rel = WEEKDAYS[g["wd"].lower()], g.get("rel", "").lower()
        if rel in ("next", "this coming") or (tense == "future" and rel not in ("last", "this past")):
            delta = (wd - self.pub.weekday()) % 7
            d = self.pub + dt.timedelta(days=7 if rel == "next" and delta == 0 else delta)
        else:
            delta = (self.pub.weekday() - wd) % 7
            d = self.pub - dt.timedelta(days=7 if rel == "last" and delta == 0 else delta)
        if "part" in g:
            return Reading(f"{d.isoformat()}T{self.words.day_parts[g['part'].lower()]}", "TIME", d, "day")
        return _dated(d, "day")

    def _rel(self, g, tense):
        if self.pub is None:
            return None
        step, unit = self.words.steps[g["rel"].lower()], g["unit"].lower()
        if unit in ("week", "weekend"):
            r = _dated(_monday(self.pub) + dt.timedelta(weeks=step), "week")
            return Reading(r.value + "-WE", date=r.date, precision="week") if unit == "weekend" else r
        if unit == "month":
            return _dated(_add_months(self.pub.replace(day=1), step), "month")
        return _dated(dt.date(self.pub.year + step, 1, 1), "year")

    def _weekend(self, g, tense):
        """"the weekend": the coming one for the future, else the last one begun by publication."""
        if self.pub is None:
            return None
        monday = _monday(self.pub)
        if tense != "future" and self.pub.weekday() < 5:
            monday -= dt.timedelta(weeks=1)
        r = _dated(monday, "week")
        return Reading(r.value + "-WE", date=r.date, precision="week")

    def _span(self, g, tense):
        if self.pub is None:
            return None
        n, unit = self._count(g["n"]), _unit(g["unit"])
        letter = unit[0].upper()
        if n is None:
            n, value = 3, f"PX{letter}"
        else:
            value = f"P{n}{letter}"
        pub = self.pub
        start = {"day": lambda: pub - dt.timedelta(days=n), "week": lambda: pub - dt.timedelta(weeks=n),
                 "month": lambda: _add_months(pub.replace(day=1), -n),
                 "quarter": lambda: _add_months(pub.replace(day=1), -3 * n),
                 "year": lambda: dt.date(pub.year - n, pub.month, 1)}[unit]()
        return Reading(value, "DURATION", start, "month" if unit == "quarter" else unit, pub)

    def _duration(self, g, tense):
        """"two years", "the next 14 months", "two-hour": a length of time, not a date."""
        n, unit = self._count(g["n"]), _unit(g["unit"])
        amount = "X" if n is None else str(n)
        if unit in ("hour", "minute"):
            return Reading(f"PT{amount}{unit[0].upper()}", "DURATION")
        return Reading(f"P{amount}{unit[0].upper()}", "DURATION")

    def _recent(self, g, tense):
        if self.pub is None:
            return None
        unit, pub = g["unit"].lower(), self.pub
        start = {"day": pub - dt.timedelta(days=7), "week": pub - dt.timedelta(weeks=4),
                 "month": _add_months(pub.replace(day=1), -4)}[unit]
        return Reading(f"PX{unit[0].upper()}", "DURATION", start, unit, pub)

    def _ago(self, g, tense):
        if self.pub is None:
            return None
        n, unit = self._count(g["n"]), _unit(g["unit"])
        if n is None:
            return Reading("PAST_REF")
        return self._moved(self.pub, unit, -n, quarter=self.quarter if unit == "year" and n == 1 else None)

    def _moved(self, anchor: dt.date, unit: str, k: int, *, quarter: tuple[int, int] | None = None,
               dated: bool = True) -> Reading:
        """`anchor` moved by k units, as precise as the unit; in quarter terms when a quarter is the topic."""
        if unit == "quarter" or quarter is not None:
            y, q = _shift_quarter(quarter or _quarter_of(anchor), k * (4 if unit == "year" else 1))
            return Reading(f"{y}-Q{q}", date=dt.date(y, 1, 1) if dated else None, precision="year")
        d = {"day": lambda: anchor + dt.timedelta(days=k), "week": lambda: _monday(anchor) + dt.timedelta(weeks=k),
             "month": lambda: _add_months(anchor.replace(day=1), k), "year": lambda: dt.date(anchor.year + k, 1, 1)}[unit]()
        r = _dated(d, unit)
        return r if dated else Reading(r.value)

    # -- referring back to what the text named before ----------------------------------------------
    def _anchor(self, unit: str) -> dt.date | None:
        if unit == "year":
            return dt.date(self.year, 1, 1) if self.year else None
        if unit == "month":
            return self.month
        return self.day if unit in ("day", "week") else None

    def _shift(self, g, tense):
        if self.pub is None:
            return None
        n, unit = self._count(g["n"]), _unit(g["unit"])
        if n is None:
            return None
        k = -n if g["dir"].lower() in ("earlier", "before") else n
        return self._referred(unit, k)

    def _other(self, g, tense):
        return self._referred(g["unit"].lower(), self.words.steps[g["dir"].lower()], by_quarter=False) if self.pub else None

    def _that(self, g, tense):
        unit = g["unit"].lower()
        if unit == "quarter":
            return self._quarter_reading(self.quarter, "quarter") if self.quarter else None
        anchor = self._anchor(unit)
        return self._moved(anchor, unit, 0) if anchor else None

    def _referred(self, unit: str, k: int, *, by_quarter: bool = True) -> Reading:
        """`unit` x k from the last date named ("a year earlier" after "the third quarter": that quarter
        a year before); from the publication date, with no ledger date, when none was named."""
        if unit == "quarter" or (by_quarter and unit == "year" and self.quarter is not None):
            return self._moved(self.pub, unit, k, quarter=self.quarter)
        anchor = self._anchor(unit)
        if anchor is None:
            return self._moved(self.pub, unit, k, dated=False)
        return self._moved(anchor, unit, k)

    # -- quarters, halves, seasons, decades ------------------------------------------------------
    def _quarter_reading(self, q: tuple[int, int], unit: str) -> Reading:
        return Reading(f"{q[0]}-{'H' if unit == 'half' else 'Q'}{q[1]}", date=dt.date(q[0], 1, 1), precision="year")

    def _quarter(self, g, tense):
        unit, n = g["unit"].lower(), self.words.ordinals[g["ord"].lower()]
        mods = set(g.get("mods", "").lower().split())
        back = bool(mods & {"year-earlier", "year-ago", "comparable", "corresponding"})
        year = g.get("qyear") or g.get("year2")
        yref = (g.get("yref") or g.get("yref2") or "").lower()
        if year:
            y = int(year)
        elif self.pub is None:
            return None
        elif yref:
            y = self.pub.year + self.words.steps[yref]
        elif back:
            y = (self.quarter[0] if self.quarter else self.pub.year) - 1
        else:
            now = _quarter_of(self.pub)[1] if unit == "quarter" else (self.pub.month - 1) // 6 + 1
            y = self.pub.year - (n > now and tense != "future")
        if unit == "quarter" and not back:
            self.quarter = (y, n)
        return self._quarter_reading((y, n), unit)

    def _quarter_ref(self, g, tense):
        if self.pub is None:
            return None
        mods = set(g.get("mods", "").lower().split())
        det, yref = g.get("det", "").lower(), g.get("yref", "").lower()
        back = bool(mods & {"year-earlier", "year-ago", "comparable", "corresponding", "same"}) or "back" in g \
            or yref == "last"
        now = _quarter_of(self.pub)
        if det in ("this",) or "current" in mods:
            q = now
        elif det in ("last", "next") or mods & {"previous", "prior"}:
            q = _shift_quarter(now, 1 if det == "next" else -1)
        else:
            q = self.quarter or _shift_quarter(now, -1)
        if back:
            return self._quarter_reading((q[0] - 1, q[1]), "quarter")
        self.quarter = q
        return self._quarter_reading(q, "quarter")

    def _yearago(self, g, tense):
        if self.pub is None:
            return None
        if self.quarter:
            return self._quarter_reading((self.quarter[0] - 1, self.quarter[1]), "quarter")
        return _dated(dt.date(self.pub.year - 1, 1, 1), "year")

    def _season(self, g, tense):
        code, first = self.words.seasons[g["season"].lower()]
        rel = g.get("rel", "").lower()
        if "year" in g:
            y = int(g["year"])
        elif self.pub is None:
            return None
        elif "yrel" in g:
            y = self.pub.year + self.words.steps[g["yrel"].lower()]  # "autumn last year"
        elif rel in ("last", "this past"):
            y = self.pub.year - (first + 3 > self.pub.month)
        elif rel in ("next", "this coming"):
            y = self.pub.year + (first <= self.pub.month)
        else:  # "summer", "the winter": this year's, or last year's if it is still to come and the verb is past
            y = self.pub.year - (rel != "this" and tense == "past" and first > self.pub.month)
        return Reading(f"{y}-{code}", date=dt.date(y, 1, 1), precision="year")

    def _decade(self, g, tense):
        return Reading(g["dec"] if "dec" in g else f"19{g['dec2']}")

    def _spelled_year(self, g, tense):
        """"nineteen ninety-one" -> 1991, "the year two thousand" -> 2000."""
        if "cent" in g:
            year = parse_number(g["cent"]) * 100 + parse_number(g["tens"]) + parse_number(g.get("ones", "zero"))
        else:
            year = 2000 + parse_number(g.get("ones2", "zero"))
        return _dated(dt.date(year, 1, 1), "year")

    def _every(self, g, tense):
        """"each July" -> XXXX-07, "every Monday" -> XXXX-WXX-1, "each year" -> P1Y: a set of times."""
        if "unit" in g:
            return Reading(f"P1{g['unit'][0].upper()}", "SET")
        if "wd" in g:
            return Reading(f"XXXX-WXX-{WEEKDAYS[g['wd'].lower()] + 1}", "SET")
        return Reading(f"XXXX-{MONTHS[g['mon'].lower().rstrip('.')]:02d}", "SET")

    def _oneday(self, g, tense):
        return Reading("FUTURE_REF")  # "will one day be"

    def _decade_word(self, g, tense):
        return Reading(f"19{self.words.decades[g['decw'].lower()]}")

    def _century(self, g, tense):
        return Reading(f"{int(g['cent']) - 1}XX")

    def _ref(self, g, tense):
        phrase = " ".join(g["ref"].lower().split())
        return Reading(next(kind for p, kind in self.words.refs if p == phrase))
