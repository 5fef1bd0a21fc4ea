"""Batch stage: a corpus of stories -> per-story outputs, a summary CSV and a run log.

Run orchestration for many stories at once:

- articles are read on a thread pool while stories are compared: a story
  goes on as soon as its own articles are read, so a slow URL holds up only
  its story (one bad article becomes an error row, the run goes on); each
  distinct text is parsed and embedded once per run;
- stories are grouped into chunks of about ``chunk_articles`` new texts, in
  corpus order as long as reads keep up;
  each chunk goes through ``prepare_documents`` (one spaCy stream, one large
  encoder call), so batches are large and the model is loaded once;
- with ``workers`` > 1 chunks run in threads: one chunk parses and compares
  (spaCy and the analysis hold the GIL) while another encodes (torch and
  ONNX Runtime release it), so the two overlap (50 BASIL stories on 2 cores:
  48 s instead of 57 s; docs/cli.md);
- every file is written atomically (temporary file + ``os.replace``), and a
  story's ``done.json`` is written last: a story is skipped on the next run
  when its ``done.json`` matches the inputs and configuration, so an
  interrupted run resumes where it stopped;
- the output folder is locked for the run (``filelock``): a second run on it
  stops with ``OutFolderBusy`` or waits, and only the lock holder removes
  stale temporary files;
- a failure is one line in the log (stage, article, sentence when known) and
  one error row; its traceback goes to ``run.log`` only (INFO level).
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import logging
import os
import queue
import re
import threading
import time
import traceback
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from filelock import FileLock, Timeout

from .config import CompareConfig
from .embed import Embedder
from .ingest import HTML_SUFFIXES, TEXT_SUFFIXES, ArticleRef, IngestError, load_manifest, read_ref, stories
from .many import FactMatrix, StoryComparison, compare_story, unique_ids
from .pipeline import ComparisonError, prepare_documents
from .report import summary
from .types import Article, Document

log = logging.getLogger(__name__)

FORMATS = ("json", "html")
DONE_FILE = "done.json"
SUMMARY_FILE = "summary.csv"
LOG_FILE = "run.log"
LOCK_FILE = ".newscompare.lock"  # hidden, and not matched by the stale-temporary pattern
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES) - {""}
PAIR_FIELDS = ("sentences_a", "sentences_b", "shared_share_a", "shared_share_b", "equivalent_pairs",
               "related_pairs", "unique_sentences_a", "unique_sentences_b", "facts_shared", "facts_only_a",
               "facts_only_b", "facts_conflict", "framing_differences")
SUMMARY_COLUMNS = (("story", "status", "article_a", "outlet_a", "article_b", "outlet_b") + PAIR_FIELDS
                   + ("warnings", "stage", "error"))
URL_PATTERN = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)  # as compare.ingest tells URLs from paths
# A story whose articles are all read waits at most this long for the stories
# before it in the corpus (whose reads are slower) before it is compared out of order.
READ_WAIT_S = 0.2


class CorpusError(ValueError):
    """The corpus itself (directory or manifest) cannot be used."""


class OutFolderBusy(RuntimeError):
    """Another run holds the output folder's lock."""


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run writes and schedules its work."""

    out_dir: Path
    formats: tuple[str, ...] = FORMATS
    force: bool = False  # redo stories whose outputs are complete
    # chunk threads; 2 overlaps parsing and comparing with encoding: 47.7 s
    # against 57.0 s with 1 on 50 BASIL stories, 2 cores (docs/cli.md)
    workers: int = 2
    chunk_articles: int = 24  # new texts per prepare_documents call
    progress: bool = True
    wait: bool = False  # wait for another run's lock on out_dir instead of stopping
    allow_private_urls: bool = False  # let URL articles point at loopback/private/internal addresses


@dataclass(frozen=True)
class StoryResult:
    story: str
    rows: tuple[dict, ...]  # summary rows: one per pair, one per error
    complete: bool  # outputs written and nothing failed
    skipped: bool = False  # outputs were already complete


@dataclass
class BatchResult:
    results: list[StoryResult]
    timings: dict[str, float] = field(default_factory=dict)
    interrupted: bool = False

    @property
    def errors(self) -> int:
        return sum(row["status"] == "error" for r in self.results for row in r.rows)

    @property
    def warnings(self) -> int:
        return sum(int(row.get("warnings") or 0) for r in self.results for row in r.rows)

    @property
    def exit_code(self) -> int:
        """0: everything compared; 1: some article or story failed; 130: interrupted."""
        return 130 if self.interrupted else (1 if self.errors else 0)


# ---------------------------------------------------------------- the corpus

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


class StoryReader:
    """Reads the articles of every story on a thread pool and hands each story
    over (``ready``) as soon as all of its own articles are read, so that one
    slow URL delays its story only."""

    def __init__(self, jobs: Sequence["StoryJob"], allow_private_urls: bool = False, threads: int = 8):
        self.ready: queue.Queue[StoryJob] = queue.Queue()
        self._left = {id(job): len(job.refs) for job in jobs}
        self._lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max(1, threads), thread_name_prefix="newscompare-read")
        for job in jobs:
            job.articles = [None] * len(job.refs)  # type: ignore[list-item]
            if not job.refs:
                self.ready.put(job)
            for n in range(len(job.refs)):
                self.pool.submit(self._read, job, n, allow_private_urls)

    def _read(self, job: "StoryJob", n: int, allow_private_urls: bool) -> None:
        job.articles[n] = read_or_error(job.refs[n], allow_private_urls)
        with self._lock:
            self._left[id(job)] -= 1
            complete = self._left[id(job)] == 0
        if complete:
            self.ready.put(job)

    def close(self) -> None:
        """Stop reading: queued reads are dropped; running ones end at their own deadline."""
        self.pool.shutdown(wait=False, cancel_futures=True)


# ---------------------------------------------------------------- failures

# Module (or package: compare.facts.*) of the deepest compare/ frame of a traceback -> the stage that failed
# (helpers shared by several stages, such as names.py, name no stage; the
# pipeline's own code resets it: a crash there is in no analysis stage).
STAGE_OF_MODULE = {"segment": "segment", "embed": "embed", "onnx_backend": "embed", "align": "align",
                   "facts": "facts", "framing": "framing", "many": "matrix", "html_report": "write",
                   "report": "report", "ingest": "read", "pipeline": ""}


@dataclass(frozen=True)
class Failure:
    """What is known of an exception raised inside the analysis."""

    stage: str  # "" when no compare/ stage module is on the traceback
    error: str  # "ValueError: 3 is not in list"
    articles: tuple[Article, ...] = ()  # the pair being compared, when the failure happened in one
    sentence: str = ""  # the sentence being analysed, when a stage had one in hand

    def describe(self) -> str:
        where = f"{self.stage} stage failed" if self.stage else "failed"
        if self.articles:
            where += " comparing " + " vs ".join(article_label(a) for a in self.articles)
        if self.sentence:
            where += f" on sentence {shorten(self.sentence)!r}"
        return f"{where}: {self.error}"


def shorten(text: str, limit: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def article_label(article: Article) -> str:
    return f"{article.id} ({article.source})" if article.source else article.id


def describe_failure(exc: BaseException) -> Failure:
    """Stage, article pair and sentence of an exception, read off its traceback:
    the deepest frame of a stage module names the stage, the pipeline's
    ``compare_documents`` frame the pair, and a ``sentence`` local the sentence."""
    stage, articles, sentence = "", (), ""
    for frame, _ in traceback.walk_tb(exc.__traceback__):
        module = frame.f_globals.get("__name__", "")
        if module.startswith("compare."):
            stage = STAGE_OF_MODULE.get(module.split(".")[1], stage)  # compare.facts.score -> facts
        found = frame.f_locals
        if frame.f_code.co_name == "_compare_documents" and hasattr(found.get("a"), "article"):
            articles = (found["a"].article, found["b"].article)
        text = getattr(found.get("sentence"), "text", None)
        if isinstance(text, str) and text.strip():
            sentence = text
    return Failure(stage, f"{exc.__class__.__name__}: {shorten(str(exc), 300)}", articles, sentence)


# ---------------------------------------------------------------- files

def slug(name: str, limit: int = 80) -> str:
    """A safe file name for ``name``; a short hash keeps altered names distinct."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:limit] or "story"
    return safe if safe == name else f"{safe}-{hashlib.sha1(name.encode()).hexdigest()[:8]}"


def atomic_write(path: Path, text: str) -> None:
    """Write ``text`` so that ``path`` is either absent, the old file, or the
    complete new one: a temporary file in the same folder, then ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}-{threading.get_ident()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temporaries(root: Path) -> int:
    """Delete temporary files an interrupted run left behind. Call it only
    while holding the folder's lock (``out_folder_lock``): another run's
    temporaries are in flight, not stale."""
    stale = [p for p in root.rglob(".*.tmp-*") if p.is_file()] if root.is_dir() else []
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


# ---------------------------------------------------------------- per-story outputs

def pair_row(story: str, comparison) -> dict[str, Any]:
    a, b = comparison.a.article, comparison.b.article
    row = {"story": story, "status": "ok", "article_a": a.id, "outlet_a": a.source,
           "article_b": b.id, "outlet_b": b.source, "stage": "", "error": "",
           "warnings": len(comparison_warnings(comparison))}
    stats = summary(comparison)
    row.update({key: stats.get(key, "") for key in PAIR_FIELDS})
    return row


def comparison_warnings(comparison) -> tuple:
    """The analysis' per-sentence failures of one comparison (``warnings``, when the pipeline records them)."""
    return tuple(getattr(comparison, "warnings", ()) or ())


def warning_line(story: str, comparison, warning) -> str:
    """One log line for a recorded analysis warning."""
    pair = f"{comparison.a.article.id} vs {comparison.b.article.id}"
    sentence = getattr(warning, "sentence", "")
    return (f"story {story}, {pair}: {getattr(warning, 'stage', '?')} stage skipped part of article "
            f"{getattr(warning, 'article', '?')}" + (f", sentence {sentence}" if sentence not in ("", None) else "")
            + f": {getattr(warning, 'error', '')}")


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


def failure_row(story: str, failure: Failure, article: Article | None = None, location: str = "") -> dict[str, Any]:
    """The row of a failure in the analysis; it names the pair, or ``article`` at ``location``."""
    first, second = (failure.articles + (None, None))[:2] if failure.articles else (article, None)
    message = f"{location}: {failure.describe()}" if location else failure.describe()
    return error_row(story, message, first.id if first else "", first.source if first else "",
                     failure.stage, second.id if second else "", second.source if second else "")


def problem_line(row: dict[str, Any]) -> str:
    """One log line (stderr, run.log) for an error row."""
    names = " vs ".join(f"{row[f'article_{s}']} ({row[f'outlet_{s}']})" if row[f"outlet_{s}"]
                        else row[f"article_{s}"] for s in "ab" if row[f"article_{s}"])
    return f"story {row['story']}" + (f", {names}" if names else "") + f": {row['error']}"


def matrix_csv(matrix: FactMatrix) -> str:
    """The fact matrix as CSV: per outlet, the text and the spans that say it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["row", "kind", "reported_by", "conflict", "text"]
                    + [f"{c}{suffix}" for c in matrix.columns for suffix in ("", " spans")])
    for n, row in enumerate(matrix.rows, start=1):
        cells = []
        for cell in row.cells:
            cells += ["", ""] if cell is None else [
                cell.text, ";".join(f"{s.start}-{s.end}" for s in cell.spans)]
        writer.writerow([n, row.kind, row.reported_by, int(row.conflict), row.text] + cells)
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
            files[name] = render_html(pair["comparison"], standalone=True)
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


# ---------------------------------------------------------------- scheduling

# Encoder calls of at most this many texts run without waiting for the encode
# slot: the fact stage's per-pair calls (trigger lemmas, 1-40 texts) are tiny
# next to a chunk's ~600 sentences, and ONNX Runtime and torch both allow
# concurrent calls.
SMALL_CALL = 64


class EncoderGate:
    """An embedder wrapper that lets several threads prepare chunks at once
    while only one parses and one encodes at any time.

    A thread takes the parse slot in ``parsing()``; its first encoder call
    (``prepare_documents`` encodes right after parsing) hands the slot to the
    next thread, so chunk n+1 is parsed while chunk n is encoded. Encoder calls
    are serialised. ``timings`` adds up the time spent in each.
    """

    def __init__(self, inner: Embedder):
        self.inner = inner  # named ``inner`` so embed.supports_tokens looks through it
        self.name = inner.name
        self._parse = threading.Lock()
        self._encode = threading.Lock()
        self._local = threading.local()
        self._clock = threading.Lock()
        self.timings = {"parse_s": 0.0, "encode_s": 0.0, "encode_tokens_s": 0.0}

    @contextmanager
    def parsing(self) -> Iterator[None]:
        self._parse.acquire()
        self._local.parse_started = time.perf_counter()
        try:
            yield
        finally:
            self._end_parse()

    def _end_parse(self) -> None:
        started = getattr(self._local, "parse_started", None)
        if started is not None:
            self._local.parse_started = None
            self._add("parse_s", time.perf_counter() - started)
            self._parse.release()

    def _add(self, key: str, seconds: float) -> None:
        with self._clock:
            self.timings[key] += seconds

    def _run(self, key: str, call: Callable, texts: Sequence[str]):
        self._end_parse()
        # The analysis stages' look-ups (cached sentences, a few lemmas) need
        # not wait seconds for another thread's chunk to finish encoding.
        alone = len(texts) <= SMALL_CALL or self._cached(texts, tokens=key == "encode_tokens_s")
        with nullcontext() if alone else self._encode:
            started = time.perf_counter()
            try:
                return call(texts)
            finally:
                self._add(key, time.perf_counter() - started)

    def _cached(self, texts: Sequence[str], tokens: bool) -> bool:
        has = getattr(self.inner, "has", None)
        return has is not None and has(texts, tokens=tokens)

    def encode(self, texts: Sequence[str]):
        return self._run("encode_s", self.inner.encode, texts)

    def encode_tokens(self, texts: Sequence[str]):
        return self._run("encode_tokens_s", self.inner.encode_tokens, texts)


@dataclass
class StoryJob:
    story: str
    refs: tuple[ArticleRef, ...]
    fingerprint: str
    articles: list[Article | IngestError] = field(default_factory=list)


class ChunkPlanner:
    """Groups stories, as they come, into chunks that each bring at most
    ``chunk_articles`` new texts (a bigger story gets a chunk of its own)."""

    def __init__(self, chunk_articles: int):
        self.limit = chunk_articles
        self.seen: set[str] = set()
        self.current: list[StoryJob] = []
        self.fresh = 0

    def add(self, job: StoryJob) -> list[StoryJob] | None:
        """Add a story; return the previous chunk when this story starts a new one."""
        texts = {a.text for a in job.articles if isinstance(a, Article)} - self.seen
        full = None
        if self.current and texts and self.fresh + len(texts) > self.limit:
            full = self.flush()
        self.current.append(job)
        self.seen |= texts
        self.fresh += len(texts)
        return full

    def flush(self) -> list[StoryJob] | None:
        """The chunk being filled (None when empty); the next story starts a new one."""
        chunk, self.current, self.fresh = self.current, [], 0
        return chunk or None


def plan_chunks(jobs: Sequence[StoryJob], chunk_articles: int) -> list[list[StoryJob]]:
    """Consecutive stories grouped so that each chunk brings at most
    ``chunk_articles`` new texts (a bigger story gets a chunk of its own)."""
    planner = ChunkPlanner(chunk_articles)
    chunks = [planner.add(job) for job in jobs] + [planner.flush()]
    return [c for c in chunks if c]


class DocumentStore:
    """Prepared documents by text, shared between chunk threads: the first
    chunk that needs a text prepares it, later ones wait for it. Chunks are
    registered as they are planned; once the last one is (``close``), a
    document is dropped when its last story has used it."""

    def __init__(self, chunks: Sequence[Sequence[StoryJob]] = (), complete: bool = True):
        self.owner: dict[str, int] = {}
        self.uses: dict[str, int] = {}
        self.futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.closed = False
        for index, chunk in enumerate(chunks):
            self.register(index, chunk)
        if complete:  # ``chunks`` are all there will be
            self.close()

    def register(self, index: int, chunk: Sequence[StoryJob]) -> None:
        with self._lock:
            for job in chunk:
                for article in job.articles:
                    if isinstance(article, Article):
                        if article.text not in self.futures:
                            self.owner[article.text] = index
                            self.futures[article.text] = Future()
                        self.uses[article.text] = self.uses.get(article.text, 0) + 1

    def close(self) -> None:
        """No more chunks will come: drop the documents no story waits for."""
        with self._lock:
            self.closed = True
            for text in [t for t, n in self.uses.items() if n == 0]:
                self.futures.pop(text, None)

    def owned(self, index: int, chunk: Sequence[StoryJob]) -> list[Article]:
        """The articles whose text chunk ``index`` prepares, each text once."""
        found: dict[str, Article] = {}
        for job in chunk:
            for article in job.articles:
                if isinstance(article, Article) and self.owner[article.text] == index:
                    found.setdefault(article.text, article)
        return list(found.values())

    def put(self, text: str, outcome: Document | Exception) -> None:
        future = self.futures[text]
        future.set_exception(outcome) if isinstance(outcome, Exception) else future.set_result(outcome)

    def take(self, text: str) -> Document:
        """The document of ``text`` (waits for its chunk; raises its error)."""
        with self._lock:
            future = self.futures[text]
            self.uses[text] -= 1
            if self.uses[text] == 0 and self.closed:
                del self.futures[text]
        return future.result()


@dataclass
class RunContext:
    config: CompareConfig
    gate: EncoderGate
    options: BatchOptions
    store: DocumentStore
    on_done: Callable[[StoryResult], None]
    stop: threading.Event = field(default_factory=threading.Event)
    timings: dict[str, float] = field(default_factory=lambda: {"compare_s": 0.0, "write_s": 0.0})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, key: str, seconds: float) -> None:
        with self.lock:
            self.timings[key] = self.timings.get(key, 0.0) + seconds


def prepare_owned(articles: list[Article], ctx: RunContext) -> None:
    """Parse and embed a chunk's new texts in one ``prepare_documents`` call;
    when it fails, prepare them one by one so that only the bad ones fail."""
    if not articles:
        return
    try:
        with ctx.gate.parsing():
            documents = prepare_documents(articles, ctx.config, ctx.gate)
    except Exception as exc:
        if len(articles) == 1:  # its stories' error rows report it; the traceback goes to run.log
            log.info("article %s failed: %s", articles[0].id, exc,
                     exc_info=not isinstance(exc, (IngestError, ComparisonError)))
            ctx.store.put(articles[0].text, exc)
            return
        for article in articles:
            prepare_owned([article], ctx)
        return
    for article, document in zip(articles, documents):
        ctx.store.put(article.text, document)


def story_documents(job: StoryJob, store: DocumentStore) -> tuple[list[Document], list[dict]]:
    """The story's prepared documents (with the story's own metadata and
    distinct ids) and an error row for every article that failed."""
    good = [a for a in job.articles if isinstance(a, Article)]
    renamed = iter(unique_ids(good))
    documents, errors = [], []
    for ref, item in zip(job.refs, job.articles):
        if isinstance(item, Exception):
            errors.append(read_error_row(job.story, ref, item))
            continue
        article = next(renamed)
        try:
            documents.append(replace(store.take(item.text), article=article))
        except IngestError as exc:  # a refused text (e.g. not English): the user's input, no traceback
            errors.append(error_row(job.story, f"{ref.location}: {exc}", article.id, article.source, "prepare"))
        except Exception as exc:
            failure = describe_failure(exc)
            failure = replace(failure, stage=failure.stage or "prepare")
            errors.append(failure_row(job.story, failure, article, ref.location))
    return documents, errors


def compare_or_error(documents: list[Document], job: StoryJob, ctx: RunContext) -> StoryComparison | dict:
    """The story's comparison, or an error row naming the pair, stage and sentence that failed."""
    started = time.perf_counter()
    try:
        story = compare_story(documents, ctx.config, ctx.gate, job.story)
    except Exception as exc:
        log.info("story %s: comparison failed", job.story, exc_info=True)
        failure = describe_failure(exc)
        return failure_row(job.story, replace(failure, stage=failure.stage or "compare"))
    ctx.add("compare_s", time.perf_counter() - started)
    for comparison in story.comparisons:  # align_s, facts_s, framing_s of each pair
        for key, seconds in dict(comparison.meta).get("timings", {}).items():
            ctx.add(key, seconds)
        for warning in comparison_warnings(comparison):
            log.warning("%s", warning_line(job.story, comparison, warning))
    return story


def run_story(job: StoryJob, ctx: RunContext) -> StoryResult:
    """Compare one story and write its outputs; never raises."""
    documents, errors = story_documents(job, ctx.store)
    if len(documents) < 2:
        message = f"story has {len(documents)} readable article(s); at least 2 are needed"
        return StoryResult(job.story, tuple(errors + [error_row(job.story, message)]), False)
    story = compare_or_error(documents, job, ctx)
    if isinstance(story, dict):
        return StoryResult(job.story, tuple(errors + [story]), False)
    rows = tuple(pair_row(job.story, c) for c in story.comparisons) + tuple(errors)
    started = time.perf_counter()
    try:
        story_dir = ctx.options.out_dir / slug(job.story)
        files = story_files(story, ctx.options.formats)
        done = {"story": job.story, "fingerprint": job.fingerprint, "rows": list(rows)}
        write_story(story_dir, files, done if not errors else None)
    except Exception as exc:  # a full disk or a renderer bug fails this story, not the run
        log.info("story %s: writing failed", job.story, exc_info=True)
        failure = describe_failure(exc)
        return StoryResult(job.story, rows + (failure_row(job.story, replace(failure, stage=failure.stage or "write")),),
                           False)
    ctx.add("write_s", time.perf_counter() - started)
    return StoryResult(job.story, rows, not errors)


def run_chunk(index: int, chunk: Sequence[StoryJob], ctx: RunContext) -> None:
    owned = ctx.store.owned(index, chunk)
    if ctx.stop.is_set():  # interrupted: release stories of other chunks that wait for these texts
        for article in owned:
            ctx.store.put(article.text, RuntimeError("run interrupted"))
        return
    prepare_owned(owned, ctx)
    for job in chunk:
        if ctx.stop.is_set():
            return
        ctx.on_done(run_story(job, ctx))


# ---------------------------------------------------------------- the run

def plan_jobs(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder_name: str,
              options: BatchOptions) -> tuple[list[StoryJob], dict[str, StoryResult]]:
    """Stories to do, and the results of stories whose outputs are complete."""
    todo, skipped = [], {}
    for story, refs in corpus.items():
        fingerprint = story_fingerprint(refs, config, embedder_name, options.formats)
        rows = None if options.force else completed_rows(options.out_dir / slug(story), fingerprint)
        if rows is not None:
            skipped[story] = StoryResult(story, tuple(rows), True, skipped=True)
        else:
            todo.append(StoryJob(story, tuple(refs), fingerprint))
    return todo, skipped


def summary_csv(results: Sequence[StoryResult]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SUMMARY_COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for result in results:
        writer.writerows(result.rows)
    return out.getvalue()


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


def ready_stories(reader: StoryReader, jobs: Sequence[StoryJob]) -> Iterator[tuple[list[StoryJob], bool]]:
    """(stories whose articles are read, whether reads paused): in corpus
    order while reads keep up; after ``READ_WAIT_S`` without a newly read
    story (a pause), those held back behind a slower one go on out of order."""
    position = {id(job): n for n, job in enumerate(jobs)}
    waiting: dict[int, StoryJob] = {}  # read, held back behind an earlier story
    passed: set[int] = set()  # yielded out of order
    head = 0  # corpus position of the first story not yet yielded
    for _ in range(len(jobs)):
        while True:
            try:
                job = reader.ready.get(timeout=READ_WAIT_S)
                break
            except queue.Empty:
                passed |= waiting.keys()
                yield [waiting.pop(n) for n in sorted(waiting)], True
        waiting[position[id(job)]] = job
        in_order = []
        while head in waiting or head in passed:
            if head in waiting:
                in_order.append(waiting.pop(head))
            head += 1
        yield in_order, False


def raise_failed(futures: Sequence[Future]) -> None:
    """Re-raise what escaped a finished chunk (Ctrl-C in a worker, a bug)."""
    for future in futures:
        if future.done() and not future.cancelled() and future.exception() is not None:
            raise future.exception()  # type: ignore[misc]


def dispatch(jobs: Sequence[StoryJob], reader: StoryReader, ctx: RunContext, pool: ThreadPoolExecutor,
             futures: list[Future]) -> None:
    """Plan chunks from the stories as their articles are read and submit each
    to ``pool`` (appending to ``futures``); a pause in the reads sends the
    chunk being filled on, so read stories never wait for a slow URL."""
    planner = ChunkPlanner(ctx.options.chunk_articles)

    def submit(chunk: list[StoryJob] | None) -> None:
        if chunk:
            ctx.store.register(len(futures), chunk)
            futures.append(pool.submit(run_chunk, len(futures), chunk, ctx))

    for stories, paused in ready_stories(reader, jobs):
        raise_failed(futures)
        for job in stories:
            submit(planner.add(job))
        if paused:  # the stories already read go on without waiting for more
            submit(planner.flush())
    submit(planner.flush())
    ctx.store.close()


def execute(jobs: Sequence[StoryJob], ctx: RunContext) -> bool:
    """Read and compare the stories on ``workers`` threads; True when interrupted (Ctrl-C)."""
    reader = StoryReader(jobs, ctx.options.allow_private_urls)
    pool = ThreadPoolExecutor(max(1, ctx.options.workers), thread_name_prefix="newscompare")
    futures: list[Future] = []
    try:
        dispatch(jobs, reader, ctx, pool, futures)
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        log.warning("interrupted: finishing the stories in progress, then stopping")
        ctx.stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        return True
    finally:
        reader.close()
    pool.shutdown(wait=True)
    return False


def run_batch(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder: Embedder,
              options: BatchOptions) -> BatchResult:
    """Compare every story of ``corpus`` and write outputs under ``options.out_dir``.
    Raises ``OutFolderBusy`` when another run holds the folder (unless ``options.wait``)."""
    with out_folder_lock(options.out_dir, options.wait), run_log(options.out_dir):
        return locked_run(corpus, config, embedder, options)


def locked_run(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder: Embedder,
               options: BatchOptions) -> BatchResult:
    from tqdm import tqdm

    started = time.perf_counter()
    removed = remove_stale_temporaries(options.out_dir)
    todo, skipped = plan_jobs(corpus, config, embedder.name, options)
    log.info("run: %d stories, %d already complete, %d to do; %d stale temporary files removed; config %s",
             len(corpus), len(skipped), len(todo), removed, json.dumps(config.to_dict(), default=str))
    done: dict[str, StoryResult] = dict(skipped)
    bar = tqdm(total=len(corpus), initial=len(skipped), unit="story", disable=not options.progress,
               desc="comparing", dynamic_ncols=True)
    lock = threading.Lock()

    def on_done(result: StoryResult) -> None:  # called from the worker threads
        with lock:
            for row in result.rows:
                if row["status"] == "error":
                    log.error("%s", problem_line(row))
            done[result.story] = result
            bar.update(1)
            if not result.complete:
                bar.set_postfix(failed=sum(not r.complete for r in done.values()))

    ctx = RunContext(config, EncoderGate(embedder), options, DocumentStore(complete=False), on_done)
    interrupted = execute(todo, ctx)
    bar.close()
    results = [done[story] for story in corpus if story in done]
    atomic_write(options.out_dir / SUMMARY_FILE, summary_csv(results))
    timings = dict(ctx.gate.timings)
    timings.update(ctx.timings)
    timings["total_s"] = time.perf_counter() - started
    result = BatchResult(results, {k: round(v, 3) for k, v in timings.items()}, interrupted)
    log.info("run finished: %d stories compared, %d skipped, %d error rows, %d warnings, interrupted=%s; "
             "timings %s", sum(not r.skipped for r in results), len(skipped), result.errors, result.warnings,
             interrupted, json.dumps(result.timings))
    return result
