"""Readers: files, folders, globs and stdin in, Articles (or Rejections) out.

Formats: the seed format (` date YYYY-MM-DD` then text), plain text (date from `--date` or
the file name), JSON Lines with the news-tls fields (`id`, `time`, `text`, optional `title`,
`url`), and HTML pages (main text, title and date by trafilatura).
"""

from __future__ import annotations

import datetime as dt
import glob
import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .model import Article, Notice, Rejection, implausible_date

DEFAULT_MAX_BYTES = 5_000_000
ARTICLE_SUFFIXES = frozenset({".txt", ".text", ".jsonl", ".ndjson", ".html", ".htm"})
MIN_TEXT_CHARS = 20

_DATE_LINE = re.compile(r"^\ufeff?[ \t]*date[ \t]+(\S+)[ \t]*(?:\r?\n|[ \t]+|$)", re.IGNORECASE)
_NAME_DATE = re.compile(r"(?<!\d)(20\d\d|19\d\d)[-_.]?(0[1-9]|1[0-2])[-_.]?(0[1-9]|[12]\d|3[01])(?!\d)")


@dataclass(frozen=True, slots=True)
class ReadOptions:
    date: dt.date | None = None  # publication date for plain text without one
    max_bytes: int = DEFAULT_MAX_BYTES
    english_only: bool = True


Item = Article | Rejection
OnNotice = Callable[[Notice], None] | None  # told of what was repaired in an input still read


def expand_paths(paths: list[str]) -> Iterator[str | Rejection]:
    """Files named, files under folders (article suffixes only), glob matches, or '-'."""
    for raw in paths:
        if raw == "-":
            yield raw
            continue
        if any(ch in raw for ch in "*?["):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                yield Rejection(raw, "the pattern matches no file")
            for m in matches:
                if Path(m).is_file():
                    yield m
            continue
        p = Path(raw)
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in ARTICLE_SUFFIXES
                           and not any(part.startswith(".") for part in f.relative_to(p).parts))
            if not files:
                yield Rejection(raw, f"the folder holds no article file ({', '.join(sorted(ARTICLE_SUFFIXES))})")
            yield from (str(f) for f in files)
        elif p.is_file():
            yield str(p)
        else:
            yield Rejection(raw, "no such file or folder")


def read_paths(paths: list[str], options: ReadOptions = ReadOptions(), on_notice: OnNotice = None) -> Iterator[Item]:
    for path in expand_paths(paths):
        if isinstance(path, Rejection):
            yield path
        elif path == "-":
            yield from read_bytes(sys.stdin.buffer.read(), "<stdin>", options, on_notice=on_notice)
        else:
            yield from read_file(path, options, on_notice)


def read_file(path: str, options: ReadOptions = ReadOptions(), on_notice: OnNotice = None) -> Iterator[Item]:
    p = Path(path)
    source = str(p.resolve())
    try:
        size = p.stat().st_size
        if p.suffix.lower() in (".jsonl", ".ndjson"):
            with p.open("rb") as fh:
                head = fh.read(4)
                if any(head.startswith(bom) for bom, _ in _UTF16_BOMS):  # wide: read it whole, as UTF-8
                    import io

                    fh = io.BytesIO(_from_utf16(p.read_bytes()))
                fh.seek(0)
                yield from _read_jsonl(fh, source, options, on_notice)
            return
        if size > options.max_bytes:
            yield Rejection(source, f"file is {size:,} bytes, over the limit of {options.max_bytes:,} "
                                    "(raise it with --max-bytes)")
            return
        data = p.read_bytes()
    except OSError as exc:
        yield Rejection(source, f"cannot read the file: {exc.strerror or exc}")
        return
    yield from read_bytes(data, source, options, suffix=p.suffix.lower(), name=p.name, on_notice=on_notice)


def read_bytes(data: bytes, source: str, options: ReadOptions = ReadOptions(), *,
               suffix: str = "", name: str = "", on_notice: OnNotice = None) -> Iterator[Item]:
    """Sniff the format of one blob and read it; `on_notice` is told of lines that were not UTF-8."""
    if len(data) > options.max_bytes and suffix not in (".jsonl", ".ndjson"):
        yield Rejection(source, f"input is {len(data):,} bytes, over the limit of {options.max_bytes:,} "
                                "(raise it with --max-bytes)")
        return
    if not data.strip():
        yield Rejection(source, "empty file")
        return
    data = _from_utf16(data)
    if is_binary(data):
        yield Rejection(source, "binary file, not text (expected .txt, .jsonl or .html)")
        return
    head = data.lstrip()[:200].lower()
    if suffix in (".jsonl", ".ndjson") or (not suffix and head.startswith(b"{")):
        import io
        yield from _read_jsonl(io.BytesIO(data), source, options, on_notice)
        return
    text, odd = decode_lines(data)
    _tell(on_notice, source, odd)
    if suffix in (".html", ".htm") or head.startswith((b"<!doctype html", b"<html")):
        yield _checked(_read_html(text, source), options)
        return
    yield _checked(_read_text(text, source, options, name), options)


def is_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) * 0.05


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM); a file that is not all UTF-8 line by line (UTF-8, else Windows-1252,
    else Latin-1), so a cp1252 line pasted into a UTF-8 file garbles neither. Never fails; NULs go."""
    return decode_lines(data)[0]


def decode_lines(data: bytes, first_line: int = 1) -> tuple[str, dict[int, str]]:
    """`decode`, and the lines (numbered from `first_line`) that were not UTF-8, with the encoding read."""
    try:
        return data.decode("utf-8-sig").replace("\x00", ""), {}
    except UnicodeDecodeError:
        pass
    parts, odd = [], {}
    for n, line in enumerate(data.splitlines(keepends=True), start=first_line):
        text, encoding = _decode_line(line)
        parts.append(text)
        if encoding != "utf-8-sig":
            odd[n] = encoding
    return "".join(parts).replace("\x00", ""), odd


def _decode_line(line: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return line.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return line.decode("latin-1"), "latin-1"


_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}


def _decoding_notice(source: str, odd: dict[int, str]) -> Notice | None:
    """What to tell the user about the lines of `source` that were not UTF-8."""
    if not odd:
        return None
    lines = sorted(odd)
    shown = ", ".join(map(str, lines[:10])) + (", ..." if len(lines) > 10 else "")
    encodings = " or ".join(sorted({_ENCODING_NAMES[e] for e in odd.values()}))
    s, them = ("s", "them") if len(lines) > 1 else ("", "it")
    return Notice(source, f"{len(lines)} line{s} not in UTF-8, read as {encodings} (line{s} {shown}); "
                          f"check {them} if the text looks garbled")


_UTF16_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe", "utf-16"),
               (b"\xfe\xff", "utf-16"))


def _from_utf16(data: bytes) -> bytes:
    """UTF-16 or UTF-32 with a byte-order mark, as UTF-8 (else `data` as it is)."""
    for bom, encoding in _UTF16_BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding).encode("utf-8")
            except UnicodeDecodeError:
                return data
    return data


def article_id(source: str, text: str) -> str:
    return hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()[:16]


def _read_text(text: str, source: str, options: ReadOptions, name: str) -> Item:
    m = _DATE_LINE.match(text)
    published: dt.date | None
    if m:
        value = m.group(1)
        body = text[m.end():]
        if value.lower() == "unknown":
            published = None
        else:
            try:
                published = dt.date.fromisoformat(value)
            except ValueError:
                return Rejection(source, f"malformed date line: {value!r} is not YYYY-MM-DD or 'unknown'", line=1)
    else:
        body = text
        published = options.date or _date_from_name(name or source)
    body = body.strip()
    return Article(id=article_id(source, body), source=source, text=body, published=published)


def _date_from_name(name: str) -> dt.date | None:
    m = _NAME_DATE.search(Path(name).name)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _read_html(html: str, source: str) -> Item:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False, as_dict=False)
    text = (getattr(doc, "text", None) or "").strip() if doc else ""
    if not text:  # nested deeper than libxml2's default limit (255 levels)? parse without the limit
        doc = trafilatura.bare_extraction(_deep_tree(html), with_metadata=True, include_comments=False,
                                          as_dict=False)
        text = (getattr(doc, "text", None) or "").strip() if doc else ""
    if not text:
        return Rejection(source, "no article text found in the HTML page")
    published = None
    raw_date = getattr(doc, "date", None)
    if raw_date:
        try:
            published = dt.date.fromisoformat(str(raw_date)[:10])
        except ValueError:
            published = None
    url = getattr(doc, "url", None)
    return Article(id=article_id(source, text), source=url or source, text=text, published=published,
                   title=getattr(doc, "title", None))


def _deep_tree(html: str):
    import lxml.html

    try:
        return lxml.html.fromstring(html, parser=lxml.html.HTMLParser(huge_tree=True))
    except (ValueError, lxml.etree.LxmlError):
        return html


def _tell(on_notice: OnNotice, source: str, odd: dict[int, str]) -> None:
    notice = _decoding_notice(source, odd)
    if notice and on_notice:
        on_notice(notice)


def _read_jsonl(fh, source: str, options: ReadOptions, on_notice: OnNotice = None) -> Iterator[Item]:
    odd: dict[int, str] = {}
    try:
        yield from _jsonl_items(fh, source, options, odd)
    finally:
        _tell(on_notice, source, odd)


def _jsonl_items(fh, source: str, options: ReadOptions, odd: dict[int, str]) -> Iterator[Item]:
    for lineno, raw in enumerate(fh, start=1):
        if not raw.strip():
            continue
        if len(raw) > options.max_bytes:
            yield Rejection(source, f"line is {len(raw):,} bytes, over the limit of {options.max_bytes:,}", lineno)
            continue
        try:
            text, not_utf8 = decode_lines(raw, lineno)
            odd.update(not_utf8)
            obj = json.loads(text.rstrip("\r\n"))  # an unterminated string is not a "control character"
        except json.JSONDecodeError as exc:
            at = "" if exc.msg.endswith(" at") else " at"  # "Unterminated string starting at"
            yield Rejection(source, f"bad JSON: {exc.msg}{at} column {exc.colno}", lineno)
            continue
        item = _record_to_article(obj, source, lineno)
        yield item if isinstance(item, Rejection) else _checked(item, options, lineno, source)


def _record_to_article(obj: object, source: str, lineno: int) -> Item:
    if not isinstance(obj, dict):
        return Rejection(source, "a JSON object with 'text' is expected on each line", lineno)
    text = obj.get("text")
    if text is not None and not isinstance(text, str):
        return Rejection(source, f"'text' is not a string (a JSON {_json_kind(text)})", lineno)
    if not text or not text.strip():
        return Rejection(source, "no 'text' field (or it is empty)", lineno)
    published = None
    time = obj.get("time") or obj.get("date") or obj.get("published")
    if time is not None:
        try:
            published = dt.date.fromisoformat(str(time)[:10])
        except ValueError:
            return Rejection(source, f"malformed 'time' value {str(time)[:40]!r} (expected ISO 8601)", lineno)
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    where = url or f"{source}:{lineno}"
    rid = obj.get("id")
    text = text.strip()
    aid = str(rid) if isinstance(rid, (str, int)) and str(rid) else article_id(where, text)
    title = obj.get("title") if isinstance(obj.get("title"), str) else None
    return Article(id=aid, source=where, text=text, published=published, title=title)


def _json_kind(value: object) -> str:
    return {bool: "boolean", int: "number", float: "number", list: "array", dict: "object"}.get(type(value), "value")


def _checked(item: Item, options: ReadOptions, line: int | None = None, file: str | None = None) -> Item:
    """`item` if it may be stored, else why not; a rejection names `file` (the article's source names its
    line already, "file:line", when it is a JSON Lines record without a url) and `line`."""
    if isinstance(item, Rejection):
        return item
    where = file or item.source
    if "\x00" in item.text or (item.title and "\x00" in item.title):  # from a "\u0000" in JSON
        item = Article(id=item.id, source=item.source, text=item.text.replace("\x00", ""), published=item.published,
                       title=item.title.replace("\x00", "") if item.title else None, lang=item.lang)
    why = implausible_date(item.published)
    if why:
        return Rejection(where, f"publication {why} (a placeholder, such as an unset time?): "
                                 "fix the date or leave it out", line)
    if len(item.text) < MIN_TEXT_CHARS:
        return Rejection(where, f"text too short ({len(item.text)} characters)", line)
    lang, confidence = detect_language(item.text)
    if lang != "en" and confidence > 0.9:
        if options.english_only:
            return Rejection(where, f"not English (detected '{lang}'); newsledger reads English text", line)
        item = Article(id=item.id, source=item.source, text=item.text, published=item.published,
                       title=item.title, lang=lang)
    return item


def detect_language(text: str) -> tuple[str, float]:
    lang, prob = _identifier().classify(text[:2000])
    return lang, float(prob)


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
