"""Reading stage for many stories: corpus folders and manifests -> article references per story.

A corpus is a manifest (CSV/JSONL) or a directory: its manifest.csv /
manifest.jsonl when it has one, else one story per sub-folder whose text and
HTML files are the articles. A file outside the corpus is refused unless the
user allows it; ``read_article_ref`` is the one place a batch run reads an
article.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Sequence

from .ingest import HTML_SUFFIXES, TEXT_SUFFIXES, ArticleRef, IngestError, load_manifest, read_ref, stories
from .types import Article

log = logging.getLogger(__name__)

MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES) - {""}
URL_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)  # as compare.ingest tells URLs from paths


class CorpusError(ValueError):
    """The corpus itself (directory or manifest) cannot be used."""


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
