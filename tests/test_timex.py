"""The date finder's TimeML readings (extract/timex.py) and the eval-timex measure (evaluate_timex.py)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import SHARED, needs_shared, run_cli

import newsledger
from newsledger.evaluate_timex import evaluate_timex, part_of, read_timeml, timeml_files
from newsledger.exceptions import DataFileError, InputError
from newsledger.extract.timex import find_timexes, read_timex_words

SRC_DATA = Path(newsledger.__file__).parent / "data"
PUB = dt.date(2021, 11, 10)  # a Wednesday in the fourth quarter


@pytest.mark.parametrize("text, expected", [
    ("Profits fell in the third quarter.", [("the third quarter", "DATE", "2021-Q3")]),
    ("Sales in the second quarter rose 5% from a year earlier.",
     [("the second quarter", "DATE", "2021-Q2"), ("a year earlier", "DATE", "2020-Q2")]),
    ("Third-quarter earnings beat the year-ago quarter.",
     [("Third-quarter", "DATE", "2021-Q3"), ("the year-ago quarter", "DATE", "2020-Q3")]),
    ("Results for the first half of 2020 were weak.", [("the first half of 2020", "DATE", "2020-H1")]),
    ("The talks resumed on Monday.", [("Monday", "DATE", "2021-11-08")]),
    ("Voting ended at 8 p.m. Tuesday.", [("8 p.m. Tuesday", "TIME", "2021-11-09T20:00")]),
    ("The convoy left Sunday night.", [("Sunday night", "TIME", "2021-11-07TNI")]),
    ("He is now in charge and currently abroad.", [("now", "DATE", "PRESENT_REF"), ("currently", "DATE", "PRESENT_REF")]),
    ("Prices have fallen recently and may rise in the future.",
     [("recently", "DATE", "PAST_REF"), ("the future", "DATE", "FUTURE_REF")]),
    ("The plant closed three years ago.", [("three years ago", "DATE", "2018")]),
    ("The mill was sold two months ago.", [("two months ago", "DATE", "2021-09")]),
    ("It was founded in 1996 and grew the following year.",
     [("1996", "DATE", "1996"), ("the following year", "DATE", "1997")]),
    ("By 2004 it had failed; later that year it closed.", [("2004", "DATE", "2004"), ("later that year", "DATE", "2004")]),
    ("Output peaked in mid-1996 and again in early 1990.", [("mid-1996", "DATE", "1996"), ("early 1990", "DATE", "1990")]),
    ("The rebels withdrew last December.", [("last December", "DATE", "2020-12")]),
    ("The ship sank in March.", [("March", "DATE", "2021-03")]),
    ("Rents rose in October of last year.", [("October of last year", "DATE", "2020-10")]),
    ("Growth was strong in the 1990s and weak in the seventies.",
     [("the 1990s", "DATE", "199"), ("the seventies", "DATE", "197")]),
    ("The dam will open this summer, not in the spring of 2023.",
     [("this summer", "DATE", "2021-SU"), ("the spring of 2023", "DATE", "2023-SP")]),
    ("Fiscal 2022 will be hard.", [("Fiscal 2022", "DATE", "2022")]),
    ("The meeting lasted two hours.", [("two hours", "DURATION", "PT2H")]),
    ("Rates rose over the last four months.", [("the last four months", "DURATION", "P4M")]),
    ("Shops were busy over the weekend.", [("the weekend", "DATE", "2021-W44-WE")]),
    ("Troops have massed since autumn last year.", [("autumn last year", "DATE", "2020-FA")]),
    ("Drills are planned for the next month.", [("the next month", "DATE", "2021-12")]),
    ("The mill was built in nineteen seventy-nine.", [("nineteen seventy-nine", "DATE", "1979")]),
    ("Fears grew ahead of the year two thousand.", [("the year two thousand", "DATE", "2000")]),
    ("Songs of the '80s filled the hall.", [("the '80s", "DATE", "198")]),
    ("Trading slowed by mid-afternoon Tuesday.", [("mid-afternoon Tuesday", "TIME", "2021-11-09TAF")]),
    ("The fair returns to the town each July.", [("each July", "SET", "XXXX-07")]),
    ("Fees are paid every month and audits held every Friday.",
     [("every month", "SET", "P1M"), ("every Friday", "SET", "XXXX-WXX-5")]),
    ("The port will one day take larger ships.", [("one day", "DATE", "FUTURE_REF")]),
    ("The strike lasted one day.", [("one day", "DURATION", "P1D")]),
    ("Net for the year-earlier nine months fell.", [("nine months", "DURATION", "P9M")]),
    # not time expressions, or nothing to refer back to
    ("The guard fled soon after the raid.", []),
    ("They argued about the future of the alliance.", []),
    ("Engineers of tomorrow will need other skills.", []),
    ("The clip ran on Europe Today and on the show \"This Week With Ann Lee\".", []),
    ("The fall of the regime surprised him.", []),
    ("He paid $1995 for 1,990 shares.", []),
    ("The pilot is 37 years old.", []),
    ("Later that year he resigned.", []),
])
def test_timeml_values_and_spans(text, expected):
    assert [(t.text, t.type, t.value) for t in find_timexes(text, PUB)] == expected


@pytest.mark.parametrize("text, tense, value", [
    ("The ministers meet on Friday.", "future", "2021-11-12"),
    ("The ministers met on Friday.", "past", "2021-11-05"),
    ("Prices will be cut in February.", "future", "2022-02"),
    ("Prices were cut in February.", "past", "2021-02"),
    ("The inspectors have worked since Friday.", "future", "2021-11-05"),  # "since" wins over a wrong hint
    ("The loan runs through January.", None, "2022-01"),  # three months ahead: the coming January
    ("The depot reopens in March.", None, "2021-03"),  # four months ahead: the last one
    ("The depot reopened in December.", "past", "2021-12"),
])
def test_the_tense_of_the_verb_places_weekdays_and_months(text, tense, value):
    (tx,) = find_timexes(text, PUB, tense=lambda start, end: tense)
    assert tx.value == value


@pytest.mark.parametrize("tense, value", [("future", "2021-08"), ("past", "2020-08"), (None, "2020-08")])
def test_a_month_five_months_ahead(tense, value):
    (tx,) = find_timexes("The plant reopens in August.", dt.date(2021, 3, 10), tense=lambda start, end: tense)
    assert tx.value == value


@pytest.mark.parametrize("text, value", [
    ("The ministers will meet on Friday.", "2021-11-12"),
    ("The ministers met on Friday.", "2021-11-05"),
    ("The ministers plan to meet on Friday.", "2021-11-12"),
    ("The ministers said on Friday that they would meet.", "2021-11-05"),
    ("The strike follows Monday's vote by the union.", "2021-11-08"),  # the vote's day, not a timetable
    ("The ministers meet on Friday.", "2021-11-12"),  # a timetable
    ("The grain would be shipped in January.", "2022-01"),  # a passive participle is not a past
    ("The grain was shipped in January.", "2021-01"),
    ("The grain has been shipped since January.", "2021-01"),
])
def test_tense_from_the_parse(text, value):
    import spacy

    from newsledger.extract.pipeline import MODEL
    from newsledger.extract.tense import verb_tense

    (tx,) = find_timexes(text, PUB, tense=verb_tense(spacy.load(MODEL, exclude=["ner"])(text)))
    assert tx.value == value


@pytest.mark.parametrize("text, date, precision", [
    ("now", None, None), ("recently", None, None), ("the 1990s", None, None), ("two hours", None, None),
    ("a year earlier", None, None),  # refers to a date of another sentence
    ("the third quarter", dt.date(2021, 1, 1), "year"), ("this summer", dt.date(2021, 1, 1), "year"),
    ("last December", dt.date(2020, 12, 1), "month"), ("on Monday", dt.date(2021, 11, 8), "day"),
])
def test_ledger_reading(text, date, precision):
    (tx,) = find_timexes(text, PUB)
    assert (tx.date, tx.precision) == (date, precision)


@pytest.mark.slow
@pytest.mark.parametrize("text, date, precision", [
    ("Britain is now sending 300 troops to Estonia.", None, None),
    ("Britain sent 300 troops to Estonia in the third quarter.", dt.date(2021, 1, 1), "year"),  # 2021-Q3
    ("Britain sent 300 troops to Estonia on Monday.", dt.date(2022, 2, 7), "day"),
])
def test_events_take_no_date_from_vague_expressions(text, date, precision):
    from newsledger.extract.pipeline import extract_articles
    from newsledger.model import Article

    ((_, mentions),) = list(extract_articles([Article("t", "test", text, dt.date(2022, 2, 9))]))
    (m,) = [m for m in mentions if m.type == "MOBILIZE"]
    assert ((m.time.date, m.time.precision) if m.time else (None, None)) == (date, precision)


@pytest.mark.parametrize("text, message", [
    ("refs:\n  PRESENT_REF: [now]\n  SOON_REF: [shortly]\n", r"t\.yaml:3: unknown key 'SOON_REF'"),
    ("decades: {nineties: 9}\nmonths: [jan]\n", r"t\.yaml:2: unknown key 'months'"),
    ("counts: [one, two]\nmodals: will\n", r"t\.yaml:2: 'modals' must be a list of words"),
    ("approximators:\n  - about\n  - [nearly]\n", r"t\.yaml:2: 'approximators' must be a list of words"),
    ("counts: [one]\nsteps: [last, next]\n", r"t\.yaml:2: 'steps' must be a mapping"),
    ("ordinals: {first: one}\n", r"t\.yaml: ordinals and steps take whole numbers"),
])
def test_the_words_file_rejects_unknown_keys_and_shapes(text, message):
    with pytest.raises(DataFileError, match=message):
        read_timex_words(text, "t.yaml")


def test_the_cue_words_come_from_the_words_file():
    words = read_timex_words("counts: [one, a dozen]\nvague_counts: [a dozen]\nmodals: [will]\n", "t.yaml")
    assert words.alternation("counts") == "one|a dozen" and words.vague_counts == ("a dozen",)
    assert words.alternation("approximators") == "(?!)"  # a missing list matches nothing, not the empty string
    bundled = read_timex_words((SRC_DATA / "timex.yaml").read_text(encoding="utf-8"), "data/timex.yaml")
    assert "several" in bundled.vague_counts and "'ll" in bundled.modals and "EST" in bundled.time_zones


# -- eval-timex ------------------------------------------------------------------------------------
_TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>{name}</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2021-11-10" functionInDocument="CREATION_TIME">11/10/2021</TIMEX3></DCT>
<TEXT>
The board <EVENT eid="e1">met</EVENT> on <TIMEX3 tid="t1" type="DATE" value="2021-11-08">Monday</TIMEX3>. Sales fell in
<TIMEX3 tid="t2" type="DATE" value="2021-Q3">the third quarter</TIMEX3>, the company said <TIMEX3 tid="t3" type="DATE"
value="2021-11-09">yesterday</TIMEX3>, and will fall {late}. It happened <TIMEX3 tid="t4" type="DATE"
value="PAST_REF">long ago</TIMEX3>.
</TEXT>
</TimeML>
"""


def test_scores_of_a_small_timeml_file(tmp_path):
    (tmp_path / "a.tml").write_text(_TML.format(name="a", late='<TIMEX3 tid="t5" type="DATE" value="2022">next '
                                                '</TIMEX3>year'), encoding="utf-8")
    doc = read_timeml(tmp_path / "a.tml")
    assert doc.dct == PUB and [g.text for g in doc.gold] == ["Monday", "the third quarter", "yesterday", "next ", "long ago"]
    r = evaluate_timex(tmp_path, parse=False)
    # found: Monday, the third quarter, yesterday, "next year" (overlaps "next ", another span); not "long ago"
    assert (r.date.gold, r.date.found, r.date.strict, r.date.relaxed, r.date.value) == (5, 4, 3, 4, 4)
    d = r.as_dict()["date"]
    assert d["strict"] == {"precision": 0.75, "recall": 0.6, "f1": 0.667}
    assert d["relaxed"] == {"precision": 1.0, "recall": 0.8, "f1": 0.889}
    assert (d["value_accuracy"], d["value_f1"]) == (1.0, 0.889)
    assert r.as_dict()["date_over_any_gold"] == {"found": 4, "over_gold": 4, "precision": 1.0}
    assert [e.kind for e in r.errors] == ["missed"]


def test_eval_timex_errors(tmp_path):
    (tmp_path / "bad.tml").write_text("<TimeML><TEXT>no end", encoding="utf-8")
    with pytest.raises(InputError, match="bad.tml"):
        evaluate_timex(tmp_path, parse=False)
    with pytest.raises(InputError, match="unknown part"):
        timeml_files(tmp_path, "test")
    proc = run_cli("eval-timex", str(tmp_path), "--no-parse")
    assert proc.returncode == 2 and b"not well-formed" in proc.stderr


def test_split_is_by_name_and_stable():
    names = [f"doc{i}.tml" for i in range(300)]
    held = [n for n in names if part_of(n) == "heldout"]
    assert 80 < len(held) < 120 and held == [n for n in names if part_of(n) == "heldout"]


@needs_shared
def test_eval_timex_on_timebank_files():
    folder = SHARED / "corpus" / "timebank"
    files = timeml_files(folder)
    dev, held = timeml_files(folder, "dev"), timeml_files(folder, "heldout")
    assert len(dev) + len(held) == len(files) == 183 and not set(dev) & set(held)
    names = ["wsj_0122.tml", "APW19980213.1310.tml", "wsj_0136.tml"]
    proc = run_cli("eval-timex", str(folder), *[a for n in names for a in ("--files", n)], "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["docs"] == 3 and report["date"]["gold"] > 10
    assert report["date"]["value_f1"] >= 0.7 and report["all"]["relaxed"]["precision"] >= 0.9


def test_a_date_found_over_a_gold_duration_is_spurious_only_in_the_date_row(tmp_path):
    body = ('Profits fell for <TIMEX3 tid="t1" type="DURATION" value="P1Q">the fourth quarter</TIMEX3> and '
            'rose in the spring, it said on Monday.')
    (tmp_path / "q.tml").write_text(_TML.split("<TEXT>")[0].format(name="q") + f"<TEXT>\n{body}\n</TEXT>\n</TimeML>\n",
                                    encoding="utf-8")
    r = evaluate_timex(tmp_path, parse=False)
    # found DATEs: the fourth quarter (over the gold DURATION), the spring and Monday (over nothing)
    assert (r.date.gold, r.date.found, r.date.relaxed) == (0, 3, 0)
    assert (r.all.relaxed, r.date_over_gold) == (1, 1) and r.as_dict()["date_over_any_gold"]["precision"] == 0.333
