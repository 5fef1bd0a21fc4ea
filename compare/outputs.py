"""Output stage: atomic files, story folders and CSV tables; used by the CLI, batch runs and the encoder cache.

- ``atomic_path`` / ``atomic_write`` are the package's one atomic writer (a
  temporary file beside the target, then ``os.replace``);
  ``remove_stale_temporaries`` deletes what a killed writer left behind;
- ``out_folder_lock`` holds an output folder for one run;
- ``story_files`` / ``write_story`` are a story's outputs and its ``done.json``
  marker; ``story_fingerprint`` / ``completed_rows`` let a run resume;
- ``matrix_csv`` and ``summary_csv`` are the CSV tables.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import re
import threading
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from filelock import FileLock, Timeout

from .config import CompareConfig
from .corpus import ArticleRef
from .tables import matrix_rows

if TYPE_CHECKING:
    from .batch import StoryResult
    from .story import FactMatrix, StoryComparison

log = logging.getLogger(__name__)

DONE_FILE = "done.json"
SUMMARY_FILE = "summary.csv"
LOG_FILE = "run.log"
LOCK_FILE = ".newscompare.lock"  # hidden, and not matched by the stale-temporary pattern
TEMPORARY_MARK = ".tmp-"  # temporary files are ".<name>.tmp-<pid>-<thread>"
PAIR_FIELDS = ("sentences_a", "sentences_b", "shared_share_a", "shared_share_b", "equivalent_pairs",
               "related_pairs", "unique_sentences_a", "unique_sentences_b", "facts_shared", "facts_only_a",
               "facts_only_b", "facts_conflict", "framing_differences")
SUMMARY_COLUMNS = (("story", "status", "article_a", "outlet_a", "article_b", "outlet_b") + PAIR_FIELDS
                   + ("warnings", "stage", "error"))


class OutFolderBusy(RuntimeError):
    """Another run holds the output folder's lock."""


# ---------------------------------------------------------------- files

def slug(name: str, limit: int = 80) -> str:
    """A safe file name for ``name``; a short hash keeps altered names distinct."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:limit] or "story"
    return safe if safe == name else f"{safe}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; when the block ends
    without an error it replaces ``path`` (``os.replace``), so ``path`` is
    either absent, the old file, or the complete new one. The temporary file
    never outlives the block; one killed mid-write is left for
    ``remove_stale_temporaries``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}{TEMPORARY_MARK}{os.getpid()}-{threading.get_ident()}")
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see ``atomic_path``)."""
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())


def remove_stale_temporaries(root: Path) -> int:
    """Delete temporary files an interrupted run left behind. Call it only
    while holding the folder's lock (``out_folder_lock``): another run's
    temporaries are in flight, not stale."""
    stale = [p for p in root.rglob(f".*{TEMPORARY_MARK}*") if p.is_file()] if root.is_dir() else []
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


@contextmanager
def out_folder_lock(out_dir: Path, wait: bool = False) -> Iterator[None]:
    """Hold ``out_dir``'s lock for a run; raise ``OutFolderBusy`` when another
    run holds it, or wait for it with ``wait``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(out_dir / LOCK_FILE)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if not wait:
            raise OutFolderBusy(f"another newscompare run is writing to {out_dir}; "
                                f"wait for it to finish, or add --wait") from None
        log.warning("waiting for the other newscompare run on %s to finish", out_dir)
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def story_fingerprint(refs: Sequence[ArticleRef], config: CompareConfig, embedder_name: str,
                      formats: Sequence[str]) -> str:
    """Hash of everything a story's outputs depend on: the manifest rows, the
    bytes of local files, the configuration, the encoder and the formats."""
    digest = hashlib.sha256(json.dumps({"config": config.to_dict(), "encoder": embedder_name,
                                        "formats": sorted(formats)}, sort_keys=True, default=str).encode())
    for ref in refs:
        digest.update(json.dumps(asdict(ref), sort_keys=True).encode())
        local = Path(ref.location)
        if "://" not in ref.location and local.is_file():
            digest.update(hashlib.sha256(local.read_bytes()).digest())
    return digest.hexdigest()


def completed_rows(story_dir: Path, fingerprint: str) -> list[dict] | None:
    """The summary rows of a story whose outputs are complete and current, else None."""
    try:
        done = json.loads((story_dir / DONE_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if done.get("fingerprint") != fingerprint or not all((story_dir / f).is_file() for f in done.get("files", [])):
        return None
    return done.get("rows")


@contextmanager
def run_log(out_dir: Path) -> Iterator[None]:
    """Append the library's INFO log (and timings) to ``out_dir/run.log``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(out_dir / LOG_FILE, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO)
    package = logging.getLogger("compare")
    level = package.level
    package.addHandler(handler)
    package.setLevel(min(level or logging.INFO, logging.INFO))
    try:
        yield
    finally:
        package.removeHandler(handler)
        package.setLevel(level)
        handler.close()


# ---------------------------------------------------------------- tables and story folders

def error_row(story: str, error: str, article: str = "", outlet: str = "", stage: str = "",
              article_b: str = "", outlet_b: str = "") -> dict[str, Any]:
    row = {key: "" for key in SUMMARY_COLUMNS}
    row.update(story=story, status="error", article_a=article, outlet_a=outlet, article_b=article_b,
               outlet_b=outlet_b, stage=stage, error=" ".join(error.split()))
    return row


def read_error_row(story: str, ref: ArticleRef, error: Exception) -> dict[str, Any]:
    """The row of an article that could not be read: its file name, outlet and location."""
    message = str(error)
    if ref.location not in message:
        message = f"{ref.location}: {message}"
    return error_row(story, message, Path(ref.location).name, ref.source, "read")


def matrix_csv(matrix: FactMatrix) -> str:
    """The fact matrix as CSV: per outlet, the text and the spans that say it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "kind", "reported_by", "conflict", "text"]
                    + [f"{c}{suffix}" for c in matrix.columns for suffix in ("", " spans")])
    for row in matrix_rows(matrix.to_dict()):
        cells = [value for cell in row["cells"] for value in (cell["text"], cell["spans"])]
        writer.writerow([row["row"], row["kind"], row["reported_by"], int(row["conflict"]), row["text"]] + cells)
    return out.getvalue()


def story_files(story: StoryComparison, formats: Sequence[str]) -> dict[str, str]:
    """File name -> content of a story's outputs (no timings: byte-identical reruns)."""
    files = {"matrix.csv": matrix_csv(story.matrix)}
    data = story.to_dict()  # each pair's comparison dict serves the JSON and its HTML page
    if "json" in formats:
        files["story.json"] = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if "html" in formats:
        from .html_report import render_html

        for comparison, pair in zip(story.comparisons, data["pairs"]):
            name = f"{slug(comparison.a.article.id)}--{slug(comparison.b.article.id)}.html"
            files[name] = render_html(pair["comparison"], standalone=True, matrix=data.get("matrix"))
    return files


def write_story(story_dir: Path, files: dict[str, str], done: dict[str, Any] | None) -> None:
    """Write a story's files, then its ``done.json`` marker (last, atomically;
    none when ``done`` is None, so the story is redone on the next run).
    Outputs of an earlier run that are no longer produced are removed."""
    (story_dir / DONE_FILE).unlink(missing_ok=True)
    for name in sorted(files):
        atomic_write(story_dir / name, files[name])
    for old in story_dir.iterdir():
        if old.suffix in (".html", ".json", ".csv") and old.name not in files and old.name != DONE_FILE:
            old.unlink()
    if done is not None:
        marker = {**done, "files": sorted(files)}
        atomic_write(story_dir / DONE_FILE, json.dumps(marker, indent=2, ensure_ascii=False) + "\n")


def summary_csv(results: Sequence[StoryResult]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for result in results:
        writer.writerows(result.rows)
    return out.getvalue()
