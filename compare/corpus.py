"""Reading stage for many stories: corpus folders and manifests -> article references per story.

A corpus is a manifest (CSV/JSONL) or a directory: its manifest.csv /
manifest.jsonl when it has one, else one story per sub-folder whose text and
HTML files are the articles. A file outside the corpus is refused unless the
user allows it; ``read_article_ref`` is the one place a batch run reads an
article.
"""
from __future__ import annotations

import csv
import io
import json
import logging
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable, Sequence

from .ingest import HTML_SUFFIXES, TEXT_SUFFIXES, IngestError, read_article
from .types import Article

log = logging.getLogger(__name__)

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES) - {""}
URL_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


@dataclass(frozen=True)
class ArticleRef:
    """One row of a manifest: where an article is and what is known of it."""

    story: str
    location: str  # file path (relative to the manifest) or http(s) URL
    source: str = ""
    date: str = ""
    title: str = ""


class CorpusError(ValueError):
    """The corpus itself (directory or manifest) cannot be used."""


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
    refs = [_row_to_ref(row, line, path) for line, row in rows]
    if not refs:
        raise IngestError(f"manifest {path} lists no articles")
    return refs


def _jsonl_rows(raw: str, path: Path) -> Iterable[tuple[int, dict]]:
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise IngestError(f"manifest {path} line {n} is not valid JSON: {exc.msg}") from exc
        if not isinstance(row, dict):
            raise IngestError(f"manifest {path} line {n} is not a JSON object")
        yield n, row


def _csv_rows(raw: str, path: Path) -> Iterable[tuple[int, dict]]:
    """Rows of a CSV manifest with the line each starts on. Strict: a bad quote, a
    value that runs over several lines or a row whose field count differs from the
    header's is an error naming the line (an unbalanced quote would otherwise
    swallow the rest of the file into one field)."""
    reader = csv.reader(io.StringIO(raw, newline=""), strict=True)
    header = next(_csv_records(reader, path), (0, None))[1]
    if not header:
        raise IngestError(f"manifest {path} has no header row")
    for line, row in _csv_records(reader, path):
        if len(row) != len(header):
            raise IngestError(f"manifest {path} line {line} has {len(row)} fields but the header has "
                              f"{len(header)} (a comma inside a value needs double quotes around the value)")
        yield line, dict(zip(header, row))


def _csv_records(reader, path: Path) -> Iterable[tuple[int, list[str]]]:
    """Non-blank CSV records with their first line; a record spanning lines is an error."""
    while True:
        line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise IngestError(f"manifest {path} line {line} is not valid CSV: {exc} "
                              "(an unbalanced double quote?)") from exc
        if reader.line_num > line:
            raise IngestError(f"manifest {path} line {line}: a quoted value runs over lines {line}-"
                              f"{reader.line_num} (an unbalanced double quote?)")
        if any(field.strip() for field in row):
            yield line, row


def _row_to_ref(row: dict, n: int, path: Path) -> ArticleRef:
    row = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in row.items() if k is not None}
    story = row.get("story") or row.get("story_id") or row.get("story id")
    location = row.get("path") or row.get("url") or row.get("file")
    if not story or not location:
        raise IngestError(f"manifest {path} line {n} needs a 'story' and a 'path' (or 'url'); got {sorted(row)}")
    if not is_url(location):
        location = str((path.parent / location).resolve())
    return ArticleRef(story=story, location=location, source=row.get("outlet") or row.get("source", ""),
                      date=row.get("date", ""), title=row.get("title", ""))


def read_ref(ref: ArticleRef, *, allow_private_urls: bool = False) -> Article:
    """Load the article a manifest row points at, with the row's metadata
    (``allow_private_urls``: see ``fetch_url``; only for a trusted intranet)."""
    article = read_article(ref.location, allow_private=allow_private_urls, source=ref.source, date=ref.date,
                           title=ref.title)
    return replace(article, id=article.id or Path(ref.location).stem)


def stories(refs: list[ArticleRef]) -> dict[str, list[ArticleRef]]:
    """Group manifest rows by story, keeping the manifest's order."""
    grouped: dict[str, list[ArticleRef]] = {}
    for ref in refs:
        grouped.setdefault(ref.story, []).append(ref)
    return grouped


# ---------------------------------------------------------------- corpora

def corpus_stories(path: str | Path, allow_outside: bool = False) -> dict[str, list[ArticleRef]]:
    """Stories of a manifest (CSV/JSONL) or of a directory: its manifest.csv /
    manifest.jsonl when it has one, else one story per sub-folder whose text
    and HTML files are the articles (sorted by name).

    A file that resolves (after symlinks) outside the manifest's folder, or
    the corpus directory, is refused with a ``CorpusError`` naming its row,
    unless ``allow_outside``: a shared manifest must not read ``/etc/passwd``
    into the outputs."""
    path = Path(path)
    if path.is_file():
        return manifest_stories(path, allow_outside)
    if not path.is_dir():
        raise CorpusError(f"no such corpus directory or manifest: {path}")
    for name in MANIFEST_NAMES:
        if (path / name).is_file():
            return manifest_stories(path / name, allow_outside)
    found = {folder.name: [ArticleRef(story=folder.name, location=str(f.resolve())) for f in article_files(folder)]
             for folder in sorted(path.iterdir()) if folder.is_dir() and not folder.name.startswith(".")}
    found = {story: refs for story, refs in found.items() if refs}
    if not found:
        raise CorpusError(f"{path} has no manifest and no story folders with .txt, .md or .html files")
    if not allow_outside:
        refuse_outside([ref for refs in found.values() for ref in refs], path, f"corpus folder {path}", "file")
    return found


def manifest_stories(path: Path, allow_outside: bool = False) -> dict[str, list[ArticleRef]]:
    try:
        refs = load_manifest(path)
    except IngestError as exc:  # the whole run cannot start: a usage error, not a failed article
        raise CorpusError(str(exc)) from exc
    if not allow_outside:
        refuse_outside(refs, path.parent, f"manifest {path}", "row")
    return stories(refs)


def is_url(location: str) -> bool:
    return bool(URL_PATTERN.match(location))


def outside_refs(refs: Sequence[ArticleRef], root: Path) -> list[tuple[int, ArticleRef]]:
    """(row number from 1, ref) of every file that resolves outside ``root``."""
    root = root.resolve()
    return [(n, ref) for n, ref in enumerate(refs, start=1)
            if not is_url(ref.location) and not Path(ref.location).resolve().is_relative_to(root)]


def refuse_outside(refs: Sequence[ArticleRef], root: Path, where: str, unit: str) -> None:
    outside = outside_refs(refs, root)
    if not outside:
        return
    n, ref = outside[0]
    more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
    what = f"{unit} {n} (story {ref.story!r})" if unit == "row" else f"story {ref.story!r}"
    raise CorpusError(f"{where}, {what}: {ref.location} is outside {root.resolve()}{more}; "
                      f"add --allow-outside-paths to read files outside it")


def article_files(folder: Path) -> list[Path]:
    return [f for f in sorted(folder.iterdir())
            if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in ARTICLE_SUFFIXES
            and f.name.lower() != "readme.md"]


def read_article_ref(ref: ArticleRef, allow_private_urls: bool = False) -> Article:
    """The one place a batch run reads an article."""
    return read_ref(ref, allow_private_urls=allow_private_urls)


def read_or_error(ref: ArticleRef, allow_private_urls: bool = False) -> Article | IngestError:
    """The article of ``ref``, or the error that stopped it (never raises)."""
    try:
        return read_article_ref(ref, allow_private_urls)
    except IngestError as exc:
        return exc
    except Exception as exc:  # a bug or an odd file must not stop the run
        log.info("reading %s failed", ref.location, exc_info=True)
        return IngestError(f"could not read {ref.location}: {exc.__class__.__name__}: {exc}")
