"""Ingest stage: text, Markdown, HTML, files, URLs and manifests -> ``Article``.

Every failure raises an ``IngestError`` whose message a user can act on; the
front ends show it as one line.
"""
from __future__ import annotations

import csv
import functools
import io
import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable
from urllib.parse import urlparse

from .types import Article

log = logging.getLogger(__name__)

MAX_CHARS = 500_000  # ~100 pages of news text; larger inputs are refused
MAX_DOWNLOAD_BYTES = 5_000_000
URL_TIMEOUT_S = 15.0
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}


class IngestError(ValueError):
    """Input that cannot become an article (empty, binary, too large, ...)."""


@dataclass(frozen=True)
class ArticleRef:
    """One row of a manifest: where an article is and what is known of it."""

    story: str
    location: str  # file path (relative to the manifest) or http(s) URL
    source: str = ""
    date: str = ""
    title: str = ""


# ---------------------------------------------------------------- raw text

def decode_bytes(data: bytes, label: str = "input") -> str:
    """Decode file bytes as text; refuse binary data with a clear message."""
    if not data.strip():
        raise IngestError(f"{label} is empty")
    encoding = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    if encoding == "utf-8-sig" and b"\x00" in data[:8192]:
        raise IngestError(f"{label} looks like a binary file, not text (it contains NUL bytes)")
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        if encoding == "utf-16":
            raise IngestError(f"{label} has a UTF-16 mark but is not valid UTF-16") from None
    if sum(byte < 128 for byte in data) >= 0.9 * len(data):
        # Mostly-ASCII text with a few accented letters: Windows-1252 is by far
        # the likeliest (and charset detection guesses badly on short texts).
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise IngestError(f"{label} could not be decoded as text (not UTF-8 and no other encoding fits)")
    log.info("%s decoded as %s", label, best.encoding)
    return str(best)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.S)
_HTML_START = re.compile(r"\A\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.I)


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a ``---``-delimited ``key: value`` header from the body."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise IngestError(f"front matter line {line!r} is not of the form 'key: value'")
        meta[key.strip().lower()] = value.strip().strip('"')
    return meta, text[match.end():]


def looks_like_html(text: str) -> bool:
    return bool(_HTML_START.match(text)) or len(re.findall(r"</(p|div|span|a|li|h\d)>", text[:20000], re.I)) >= 3


def article_from_text(text: str, *, id: str = "", source: str = "", title: str = "",
                      date: str = "", url: str = "", label: str = "article") -> Article:
    """Build an article from pasted text (front matter and HTML are recognised)."""
    if not isinstance(text, str):
        raise IngestError(f"{label} must be text, got {type(text).__name__}")
    if looks_like_html(text):
        return article_from_html(text, id=id, source=source, title=title, date=date, url=url, label=label)
    meta, body = split_front_matter(text)
    article = Article(
        text=body, id=id or meta.get("id", ""), source=source or meta.get("outlet", meta.get("source", "")),
        title=title or meta.get("title", ""), date=date or meta.get("date", ""), url=url or meta.get("url", ""),
        extra=tuple((k, v) for k, v in meta.items() if k not in {"id", "outlet", "source", "title", "date", "url"}),
    )
    return check_article(article, label)


# ---------------------------------------------------------------- HTML and URLs

def article_from_html(html: str, *, id: str = "", source: str = "", title: str = "",
                      date: str = "", url: str = "", label: str = "article") -> Article:
    """Main text and metadata of an HTML page, extracted with trafilatura."""
    import trafilatura

    if len(html) > MAX_CHARS * 10:
        raise IngestError(f"{label} HTML is too large ({len(html):,} characters)")
    body = trafilatura.extract(html, url=url or None, include_comments=False, include_tables=False,
                               favor_precision=True, deduplicate=True)
    if not body or not body.strip():
        raise IngestError(f"{label} is empty after HTML extraction (no main text found in the page)")
    meta = trafilatura.extract_metadata(html, default_url=url or None)
    article = Article(
        text=body, id=id, url=url,
        source=source or (getattr(meta, "sitename", None) or ""),
        title=title or (getattr(meta, "title", None) or ""),
        date=date or (getattr(meta, "date", None) or ""),
    )
    return check_article(article, label)


def fetch_url(url: str, *, timeout: float = URL_TIMEOUT_S, max_bytes: int = MAX_DOWNLOAD_BYTES) -> bytes:
    """Download a page (http/https only, time-out and size cap)."""
    import requests

    scheme = urlparse(url).scheme.lower()
    if scheme not in ("http", "https"):
        raise IngestError(f"only http and https URLs can be fetched, not {scheme or 'a bare path'!r}: {url}")
    try:
        with requests.get(url, timeout=timeout, stream=True, headers={"User-Agent": "newscompare/0.1"}) as resp:
            resp.raise_for_status()
            chunks, size = [], 0
            for chunk in resp.iter_content(65536):
                size += len(chunk)
                if size > max_bytes:
                    raise IngestError(f"{url} is larger than {max_bytes:,} bytes; refusing to download it")
                chunks.append(chunk)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(f"could not fetch {url}: {exc.__class__.__name__}: {exc}") from exc
    return b"".join(chunks)


def article_from_url(url: str, **meta: str) -> Article:
    data = fetch_url(url)
    html = decode_bytes(data, label=url)
    return article_from_html(html, url=url, label=url, **meta)


# ---------------------------------------------------------------- files

def read_article(path: str | Path, **meta: str) -> Article:
    """Read a .txt/.md (optional front matter) or .html file, or fetch a URL."""
    location = str(path)
    if re.match(r"^[a-z][a-z0-9+.-]*://", location, re.I):
        return article_from_url(location, **meta)
    path = Path(location)
    if not path.is_file():
        raise IngestError(f"no such file: {path}")
    size = path.stat().st_size
    if size > MAX_CHARS * 4:
        raise IngestError(f"{path} is too large ({size:,} bytes; the limit is {MAX_CHARS * 4:,})")
    text = decode_bytes(path.read_bytes(), label=str(path))
    meta = {"id": path.stem, **{k: v for k, v in meta.items() if v}}
    if path.suffix.lower() in HTML_SUFFIXES:
        return article_from_html(text, label=str(path), **meta)
    return article_from_text(text, label=str(path), **meta)


def check_article(article: Article, label: str = "article") -> Article:
    """Refuse empty or oversized articles; return the article unchanged otherwise."""
    if not article.text.strip():
        raise IngestError(f"{label} is empty")
    if not any(ch.isalpha() for ch in article.text):
        raise IngestError(f"{label} has no words in it")
    if len(article.text) > MAX_CHARS:
        raise IngestError(f"{label} is too long ({len(article.text):,} characters; the limit is {MAX_CHARS:,})")
    return article


def detect_language(text: str) -> tuple[str, float]:
    """Best-guess ISO 639-1 language of ``text`` and a 0-1 confidence (py3langid)."""
    lang, prob = _language_identifier().classify(text[:5000])
    return lang, float(prob)


@functools.lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def require_english(article: Article, label: str = "article", min_letters: int = 40) -> None:
    """Raise when an article is confidently not English (the models are English-only)."""
    letters = sum(ch.isalpha() for ch in article.text)
    if letters < min_letters:
        return
    lang, prob = detect_language(article.text)
    if lang != "en" and prob >= 0.9:
        raise IngestError(
            f"{label} looks like it is not English (detected {lang!r}, confidence {prob:.2f}); "
            "newscompare's default models only read English. Translate it first, or set "
            "require_english=False and configure a multilingual model."
        )


# ---------------------------------------------------------------- manifests

MANIFEST_COLUMNS = ("story", "path", "outlet", "date", "title")


def load_manifest(path: str | Path) -> list[ArticleRef]:
    """Read a CSV or JSONL manifest: one article per row with ``story`` and
    ``path`` (or ``url``), optional ``outlet``, ``date``, ``title``."""
    path = Path(path)
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise IngestError(f"cannot read manifest {path}: {exc}") from exc
    rows = _jsonl_rows(raw, path) if path.suffix.lower() in (".jsonl", ".ndjson") else _csv_rows(raw, path)
    refs = [_row_to_ref(row, n, path) for n, row in enumerate(rows, start=1)]
    if not refs:
        raise IngestError(f"manifest {path} lists no articles")
    return refs


def _jsonl_rows(raw: str, path: Path) -> Iterable[dict]:
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"manifest {path} line {n} is not valid JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise IngestError(f"manifest {path} line {n} is not a JSON object")
        yield row


def _csv_rows(raw: str, path: Path) -> Iterable[dict]:
    reader = csv.DictReader(io.StringIO(raw))
    if not reader.fieldnames:
        raise IngestError(f"manifest {path} has no header row")
    yield from reader


def _row_to_ref(row: dict, n: int, path: Path) -> ArticleRef:
    row = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in row.items() if k is not None}
    story = row.get("story") or row.get("story_id") or row.get("story id")
    location = row.get("path") or row.get("url") or row.get("file")
    if not story or not location:
        raise IngestError(f"manifest {path} row {n} needs a 'story' and a 'path' (or 'url'); got {sorted(row)}")
    if not re.match(r"^[a-z][a-z0-9+.-]*://", location, re.I):
        location = str((path.parent / location).resolve())
    return ArticleRef(story=story, location=location, source=row.get("outlet") or row.get("source", ""),
                      date=row.get("date", ""), title=row.get("title", ""))


def read_ref(ref: ArticleRef) -> Article:
    """Load the article a manifest row points at, with the row's metadata."""
    article = read_article(ref.location, source=ref.source, date=ref.date, title=ref.title)
    return replace(article, id=article.id or Path(ref.location).stem)


def stories(refs: list[ArticleRef]) -> dict[str, list[ArticleRef]]:
    """Group manifest rows by story, keeping the manifest's order."""
    grouped: dict[str, list[ArticleRef]] = {}
    for ref in refs:
        grouped.setdefault(ref.story, []).append(ref)
    return grouped
