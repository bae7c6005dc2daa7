"""Readers: every input format, and every kind of bad input gets a one-line reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from newsledger.model import Article, Rejection
from newsledger.readers import ReadOptions, decode, read_bytes, read_file, read_paths

EN = ("Poland said on Monday that allied troops would arrive at the border within days, "
      "as the alliance reinforced its eastern members amid the crisis.")


def only(items):
    items = list(items)
    assert len(items) == 1, items
    return items[0]


@pytest.mark.parametrize("content, published", [
    (f" date 2022-02-16\n{EN}", dt.date(2022, 2, 16)),
    (f"date 2022-02-16\n{EN}", dt.date(2022, 2, 16)),
    (f" date 2022-02-16 {EN}", dt.date(2022, 2, 16)),  # date and text on one line, as in the seeds
    (f"\ufeff date 2022-02-16\n{EN}", dt.date(2022, 2, 16)),
    (f" date unknown\n{EN}", None),
])
def test_seed_format(tmp_path, content, published):
    f = tmp_path / "a.txt"
    f.write_text(content, encoding="utf-8")
    art = only(read_file(str(f)))
    assert isinstance(art, Article)
    assert art.published == published
    assert art.text == EN
    assert art.lang == "en"
    assert art.source == str(f.resolve())


@pytest.mark.parametrize("line", [" date 2022-13-45", " date yesterday", " date 16/02/2022"])
def test_malformed_date_line_is_rejected_with_line(tmp_path, line):
    f = tmp_path / "bad.txt"
    f.write_text(f"{line}\n{EN}", encoding="utf-8")
    rej = only(read_file(str(f)))
    assert isinstance(rej, Rejection)
    assert rej.line == 1 and "malformed date line" in rej.reason
    assert str(f.resolve()) in str(rej)


@pytest.mark.parametrize("name, option, expected", [
    ("plain.txt", dt.date(2022, 1, 5), dt.date(2022, 1, 5)),
    ("2022-02-03-report.txt", None, dt.date(2022, 2, 3)),
    ("report_20220203.txt", None, dt.date(2022, 2, 3)),
    ("plain.txt", None, None),
])
def test_plain_text_dates(tmp_path, name, option, expected):
    f = tmp_path / name
    f.write_text(EN, encoding="utf-8")
    art = only(read_file(str(f), ReadOptions(date=option)))
    assert art.published == expected


def test_jsonl_good_and_bad_lines(tmp_path):
    f = tmp_path / "a.jsonl"
    lines = [
        json.dumps({"id": "x1", "time": "2022-01-25T09:00:00Z", "text": EN, "title": "T", "url": "https://e.x/1"}),
        "{not json",
        json.dumps({"id": "x2", "time": "2022-01-26", "text": ""}),
        json.dumps({"id": "x3", "time": "last tuesday", "text": EN}),
        json.dumps(["a", "list"]),
        "",
        json.dumps({"id": "x4", "text": EN + " Again."}),
    ]
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_file(str(f)))
    arts = [i for i in items if isinstance(i, Article)]
    rejs = [i for i in items if isinstance(i, Rejection)]
    assert [a.id for a in arts] == ["x1", "x4"]
    assert arts[0].published == dt.date(2022, 1, 25) and arts[0].title == "T" and arts[0].source == "https://e.x/1"
    assert arts[1].published is None and arts[1].source.endswith("a.jsonl:7")
    assert [r.line for r in rejs] == [2, 3, 4, 5]
    assert "bad JSON" in rejs[0].reason and "text" in rejs[1].reason and "time" in rejs[2].reason


def test_html_with_trafilatura(tmp_path):
    body = " ".join([EN] * 4)
    html = f"""<!DOCTYPE html><html><head><title>Troops head east</title>
    <meta property="article:published_time" content="2022-02-03T10:00:00Z"></head>
    <body><nav>Home | World | Sport</nav><article><h1>Troops head east</h1><p>{body}</p>
    <p>{body}</p></article><footer>Copyright</footer></body></html>"""
    f = tmp_path / "page.html"
    f.write_text(html, encoding="utf-8")
    art = only(read_file(str(f)))
    assert isinstance(art, Article), art
    assert art.title == "Troops head east"
    assert art.published == dt.date(2022, 2, 3)
    assert "allied troops" in art.text and "Copyright" not in art.text


@pytest.mark.parametrize("data, reason", [
    (b"", "empty file"),
    (b"   \n\n ", "empty file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
    ("Die Bundeswehr schickt weitere Soldaten nach Litauen, sagte die Verteidigungsministerin am Montag in "
     "Berlin. Die Lage an der Grenze sei angespannt.".encode(), "not English"),
    (b"Too short.", "too short"),
])
def test_bad_inputs_have_reasons(tmp_path, data, reason):
    f = tmp_path / "x.txt"
    f.write_bytes(data)
    rej = only(read_file(str(f)))
    assert isinstance(rej, Rejection) and reason in rej.reason


def test_size_limit(tmp_path):
    f = tmp_path / "big.txt"
    f.write_text(EN * 100, encoding="utf-8")
    rej = only(read_file(str(f), ReadOptions(max_bytes=1000)))
    assert isinstance(rej, Rejection) and "over the limit" in rej.reason


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_non_utf8_is_decoded(tmp_path, encoding):
    text = "NATO\u2019s chief said the alliance would defend every ally \u2014 Poland included. " + EN
    if encoding == "latin-1":
        text = "Caf\u00e9 owners in Bucharest said NATO troops arrived in Romania on Monday. " + EN
    f = tmp_path / "enc.txt"
    f.write_bytes(text.encode(encoding))
    art = only(read_file(str(f)))
    assert isinstance(art, Article)
    assert art.text == text


def test_decode_never_fails():
    assert decode(bytes(range(128, 256)))  # invalid UTF-8 and cp1252 gaps


def test_folders_globs_and_missing(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.txt").write_text(f" date 2022-01-01\n{EN}")
    (tmp_path / "sub" / "b.txt").write_text(f" date 2022-01-02\n{EN} Second.")
    (tmp_path / "README.md").write_text("not an article")
    (tmp_path / "SOURCES.tsv").write_text("file\turl\n")
    arts = list(read_paths([str(tmp_path)]))
    assert sorted(a.published.day for a in arts) == [1, 2]
    globbed = list(read_paths([str(tmp_path / "**" / "*.txt")]))
    assert len(globbed) == 2
    missing = only(read_paths([str(tmp_path / "nope.txt")]))
    assert isinstance(missing, Rejection) and "no such file" in missing.reason


@pytest.mark.parametrize("data, expected_date", [
    (f" date 2022-03-01\n{EN}".encode(), dt.date(2022, 3, 1)),
    (json.dumps({"id": "s1", "time": "2022-03-02", "text": EN}).encode(), dt.date(2022, 3, 2)),
])
def test_stdin_formats_are_sniffed(data, expected_date):
    art = only(read_bytes(data, "<stdin>"))
    assert art.published == expected_date
