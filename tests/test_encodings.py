"""No silent garbling: mixed UTF-8/cp1252 files decoded line by line, UTF-16/32 with a BOM decoded, NUL bytes
removed wherever they are, HTML nested deeper than 255 levels still yields its text."""

from __future__ import annotations

import json

import pytest

from newsledger.model import Article
from newsledger.readers import decode, read_bytes, read_file

LINE = "Germany will send 300 troops to Lithuania, officials said on Monday."
QUOTED = "The minister’s “firm” answer — in Zürich — came late."


def only_article(items):
    items = list(items)
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


@pytest.mark.parametrize("first,second", [("utf-8", "cp1252"), ("cp1252", "utf-8")])
def test_mixed_utf8_and_cp1252_lines(tmp_path, first, second):
    data = (f" date 2022-02-01\n{LINE} {QUOTED}\n".encode(first) + f"{QUOTED} {LINE}\n".encode(second))
    (tmp_path / "mixed.txt").write_bytes(data)
    art = only_article(read_file(str(tmp_path / "mixed.txt")))
    assert art.text.count(QUOTED) == 2 and "â€" not in art.text


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("suffix", [".txt", ".jsonl"])
def test_utf16_and_utf32_with_bom(tmp_path, encoding, suffix):
    text = (json.dumps({"id": "u", "time": "2022-02-01", "text": f"{LINE} {QUOTED}"}, ensure_ascii=False)
            if suffix == ".jsonl" else f" date 2022-02-01\n{LINE} {QUOTED}\n")
    bom = {"utf-16-be": "\ufeff"}.get(encoding, "")
    path = tmp_path / f"wide{suffix}"
    path.write_bytes((bom + text).encode(encoding))
    art = only_article(read_file(str(path)))
    assert art.text.startswith(LINE) and QUOTED in art.text


@pytest.mark.parametrize("where", [10, 9000, 100_000])
def test_nul_bytes_are_removed_everywhere(where):
    body = (LINE + " ") * (where // len(LINE) + 3)
    data = (" date 2022-02-01\n" + body[:where] + "\x00" + body[where:]).encode()
    items = list(read_bytes(data, "nul.txt", suffix=".txt"))
    if where < 8192:  # a NUL near the start: a binary file, said so
        assert "binary" in items[0].reason
    else:
        assert "\x00" not in only_article(items).text


def test_nul_escape_in_json_is_removed():
    line = json.dumps({"id": "n", "time": "2022-02-01", "text": LINE + "\u0000" + LINE, "title": "a\u0000b"})
    art = only_article(read_bytes(line.encode(), "n.jsonl", suffix=".jsonl"))
    assert "\x00" not in art.text and art.title == "ab"


@pytest.mark.parametrize("depth", [10, 300, 2000])
def test_deeply_nested_html_keeps_its_text(depth):
    body = "<p>" + " ".join([LINE] * 5) + "</p>"
    html = ("<!DOCTYPE html><html><head><title>Deep</title></head><body>" + "<div>" * depth + body
            + "</div>" * depth + "</body></html>")
    art = only_article(read_bytes(html.encode(), "deep.html", suffix=".html"))
    assert LINE in art.text


def test_decode_keeps_utf8_untouched():
    assert decode(f"{QUOTED}\n{LINE}".encode()) == f"{QUOTED}\n{LINE}"
