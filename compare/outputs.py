"""Output stage: atomic files, story folders and CSV tables; used by the CLI, batch runs and the encoder cache.

- ``atomic_path`` / ``atomic_write`` are the package's one atomic writer (a
  temporary file beside the target, then ``os.replace``);
  ``remove_stale_temporaries`` deletes what a killed writer left behind;
- ``out_folder_lock`` holds an output folder for one run;
- ``story_files`` / ``write_story`` are a story's outputs and its ``done.json``
  marker; ``story_fingerprint`` / ``completed_rows`` let a run resume;
- ``matrix_csv`` and ``summary_csv`` are the CSV tables.

An output location is a local folder (a ``Path``) or an fsspec URL (a
``str`` such as ``s3://bucket/run/`` or ``memory://run``): ``join``,
``write_file``, ``read_text`` and ``file_names`` serve both. A URL gets no
temporary file and no lock: an object store replaces an object whole on
upload, and one run per URL is the user's to ensure (docs/cli.md).
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
from typing import TYPE_CHECKING, Any, Iterator, Sequence, Union

from filelock import FileLock, Timeout

from .config import CompareConfig
from .corpus import URL_PATTERN, ArticleRef
from .json_text import indented_json
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


Location = Union[Path, str]  # a local folder or file, or an fsspec URL


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


def atomic_write(path: Path, text: str | bytes) -> None:
    """Write ``text`` (UTF-8; or bytes as they are) to ``path`` atomically (see ``atomic_path``)."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


# ---------------------------------------------------------------- folders or URLs

def is_remote(location: Location) -> bool:
    """An fsspec URL (``memory://``, ``s3://``...), as opposed to a local path."""
    return isinstance(location, str) and bool(URL_PATTERN.match(location)) and not location.startswith("file://")


def as_location(value: str) -> Location:
    """``--out`` as given: a URL stays a string (a ``Path`` would fold its ``//``)."""
    if value.startswith("file://"):
        return Path(value[len("file://"):])
    return value.rstrip("/") if is_remote(value) else Path(value)


def join(location: Location, *names: str) -> Location:
    if is_remote(location):
        return "/".join([str(location).rstrip("/"), *names])
    return Path(location).joinpath(*names)


def _fs(url: str):
    from fsspec.core import url_to_fs

    return url_to_fs(url)


def write_file(target: Location, data: str | bytes) -> None:
    """Write a whole file: atomically to a local path, as one upload to a URL."""
    if not is_remote(target):
        atomic_write(Path(target), data)
        return
    fs, path = _fs(str(target))
    fs.pipe_file(path, data.encode("utf-8") if isinstance(data, str) else data)


def read_text(target: Location) -> str | None:
    """The UTF-8 text of a file, or None when it is missing or unreadable."""
    try:
        if not is_remote(target):
            return Path(target).read_text(encoding="utf-8")
        fs, path = _fs(str(target))
        return fs.cat_file(path).decode("utf-8")
    except (OSError, ValueError):
        return None


def file_names(folder: Location) -> set[str]:
    """Names of the files directly in ``folder`` (empty when it does not exist)."""
    if not is_remote(folder):
        return {p.name for p in Path(folder).iterdir() if p.is_file()} if Path(folder).is_dir() else set()
    fs, path = _fs(str(folder))
    try:
        return {entry["name"].rstrip("/").rsplit("/", 1)[-1] for entry in fs.ls(path, detail=True)
                if entry.get("type") == "file"}
    except (FileNotFoundError, OSError):
        return set()


def remove_file(target: Location) -> None:
    if not is_remote(target):
        Path(target).unlink(missing_ok=True)
        return
    fs, path = _fs(str(target))
    if fs.exists(path):
        fs.rm_file(path)


def remove_stale_temporaries(root: Path) -> int:
    """Delete temporary files an interrupted run left behind. Call it only
    while holding the folder's lock (``out_folder_lock``): another run's
    temporaries are in flight, not stale."""
    stale = [p for p in root.rglob(f".*{TEMPORARY_MARK}*") if p.is_file()] if root.is_dir() else []
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


@contextmanager
def out_folder_lock(out_dir: Location, wait: bool = False) -> Iterator[None]:
    """Hold ``out_dir``'s lock for a run; raise ``OutFolderBusy`` when another
    run holds it, or wait for it with ``wait``. A URL is not locked."""
    if is_remote(out_dir):
        yield
        return
    out_dir = Path(out_dir)
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


def completed_story(story_dir: Location, fingerprint: str) -> dict | None:
    """The ``done.json`` record of a story whose outputs are complete and
    current (its summary ``rows`` and corpus-table rows ``tables``), else None."""
    try:
        done = json.loads(read_text(join(story_dir, DONE_FILE)) or "")
    except ValueError:
        return None
    if (not isinstance(done, dict) or done.get("fingerprint") != fingerprint or "tables" not in done
            or not set(done.get("files", [])) <= file_names(story_dir)):
        return None
    return done


def completed_rows(story_dir: Location, fingerprint: str) -> list[dict] | None:
    """The summary rows of a story whose outputs are complete and current, else None."""
    done = completed_story(story_dir, fingerprint)
    return None if done is None else done.get("rows")


@contextmanager
def run_log(out_dir: Location) -> Iterator[None]:
    """Append the library's INFO log (and timings) to ``out_dir/run.log``
    (to a URL's when the run ends: an object cannot be appended to)."""
    buffer = io.StringIO() if is_remote(out_dir) else None
    if buffer is None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    handler = (logging.StreamHandler(buffer) if buffer is not None
               else logging.FileHandler(Path(out_dir) / LOG_FILE, encoding="utf-8"))
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
        if buffer is not None:
            write_file(join(out_dir, LOG_FILE), (read_text(join(out_dir, LOG_FILE)) or "") + buffer.getvalue())


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
        files["story.json"] = indented_json(data) + "\n"
    if "html" in formats:
        from .html_referents import REFERENTS_PAGE, render_referents_page, story_texts
        from .html_report import render_html

        # Stories of three or more outlets get the N-column page of how each names
        # the referents (links stage on); every pair page links to it.
        wide = len(story.documents) >= 3 and story.referents is not None
        if wide:
            files[REFERENTS_PAGE] = render_referents_page(data, story_texts(story))
        for comparison, pair in zip(story.comparisons, data["pairs"]):
            name = f"{slug(comparison.a.article.id)}--{slug(comparison.b.article.id)}.html"
            files[name] = render_html(pair["comparison"], standalone=True, matrix=data.get("matrix"),
                                      referents_page=REFERENTS_PAGE if wide else None)
    return files


def write_story(story_dir: Location, files: dict[str, str], done: dict[str, Any] | None) -> None:
    """Write a story's files, then its ``done.json`` marker (last, atomically;
    none when ``done`` is None, so the story is redone on the next run).
    Outputs of an earlier run that are no longer produced are removed."""
    remove_file(join(story_dir, DONE_FILE))
    for name in sorted(files):
        write_file(join(story_dir, name), files[name])
    for old in sorted(file_names(story_dir)):
        if Path(old).suffix in (".html", ".json", ".csv") and old not in files and old != DONE_FILE:
            remove_file(join(story_dir, old))
    if done is not None:
        marker = {**done, "files": sorted(files)}
        write_file(join(story_dir, DONE_FILE), indented_json(marker) + "\n")


def summary_csv(results: Sequence[StoryResult]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for result in results:
        writer.writerows(result.rows)
    return out.getvalue()
