"""Batch stage: a corpus of stories -> per-story outputs, a summary CSV and a run log.

Run orchestration for many stories at once:

- every article is read up front (one bad article becomes an error row, the
  run goes on); each distinct text is parsed and embedded once per run;
- stories are grouped into chunks of about ``chunk_articles`` new texts;
  each chunk goes through ``prepare_documents`` (one spaCy stream, one large
  encoder call), so batches are large and the model is loaded once;
- with ``workers`` > 1 chunks run in threads: one chunk parses and compares
  (spaCy and the analysis hold the GIL) while another encodes (torch and
  ONNX Runtime release it), so the two overlap (50 BASIL stories on 2 cores:
  48 s instead of 57 s; docs/cli.md);
- every file is written atomically (temporary file + ``os.replace``), and a
  story's ``done.json`` is written last: a story is skipped on the next run
  when its ``done.json`` matches the inputs and configuration, so an
  interrupted run resumes where it stopped.
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
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

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
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
ARTICLE_SUFFIXES = (TEXT_SUFFIXES | HTML_SUFFIXES) - {""}
PAIR_FIELDS = ("sentences_a", "sentences_b", "shared_share_a", "shared_share_b", "equivalent_pairs",
               "related_pairs", "unique_sentences_a", "unique_sentences_b", "facts_shared", "facts_only_a",
               "facts_only_b", "facts_conflict", "framing_differences")
SUMMARY_COLUMNS = ("story", "status", "article_a", "outlet_a", "article_b", "outlet_b") + PAIR_FIELDS + ("error",)


class CorpusError(ValueError):
    """The corpus itself (directory or manifest) cannot be used."""


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
    def exit_code(self) -> int:
        """0: everything compared; 1: some article or story failed; 130: interrupted."""
        return 130 if self.interrupted else (1 if self.errors else 0)


# ---------------------------------------------------------------- the corpus

def corpus_stories(path: str | Path) -> dict[str, list[ArticleRef]]:
    """Stories of a manifest (CSV/JSONL) or of a directory: its manifest.csv /
    manifest.jsonl when it has one, else one story per sub-folder whose text
    and HTML files are the articles (sorted by name)."""
    path = Path(path)
    if path.is_file():
        return manifest_stories(path)
    if not path.is_dir():
        raise CorpusError(f"no such corpus directory or manifest: {path}")
    for name in MANIFEST_NAMES:
        if (path / name).is_file():
            return manifest_stories(path / name)
    found = {folder.name: [ArticleRef(story=folder.name, location=str(f.resolve())) for f in article_files(folder)]
             for folder in sorted(path.iterdir()) if folder.is_dir() and not folder.name.startswith(".")}
    found = {story: refs for story, refs in found.items() if refs}
    if not found:
        raise CorpusError(f"{path} has no manifest and no story folders with .txt, .md or .html files")
    return found


def manifest_stories(path: Path) -> dict[str, list[ArticleRef]]:
    try:
        return stories(load_manifest(path))
    except IngestError as exc:  # the whole run cannot start: a usage error, not a failed article
        raise CorpusError(str(exc)) from exc


def article_files(folder: Path) -> list[Path]:
    return [f for f in sorted(folder.iterdir())
            if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in ARTICLE_SUFFIXES
            and f.name.lower() != "readme.md"]


def read_refs(refs: Sequence[ArticleRef], threads: int = 8) -> list[Article | IngestError]:
    """Read every article; a failure is returned in its place, not raised.
    Threads overlap URL downloads; the order follows ``refs``."""
    with ThreadPoolExecutor(max(1, min(threads, len(refs)))) as pool:
        return list(pool.map(read_or_error, refs))


def read_or_error(ref: ArticleRef) -> Article | IngestError:
    try:
        return read_ref(ref)
    except IngestError as exc:
        return exc
    except Exception as exc:  # a bug or an odd file must not stop the run
        log.exception("reading %s failed", ref.location)
        return IngestError(f"could not read {ref.location}: {exc.__class__.__name__}: {exc}")


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
    """Delete temporary files an interrupted run left behind."""
    stale = [p for p in root.rglob(".*.tmp-*") if p.is_file()] if root.is_dir() else []
    for p in stale:
        p.unlink(missing_ok=True)
    return len(stale)


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
           "article_b": b.id, "outlet_b": b.source, "error": ""}
    stats = summary(comparison)
    row.update({key: stats.get(key, "") for key in PAIR_FIELDS})
    return row


def error_row(story: str, error: str, article: str = "", outlet: str = "") -> dict[str, Any]:
    row = {key: "" for key in SUMMARY_COLUMNS}
    row.update(story=story, status="error", article_a=article, outlet_a=outlet, error=error)
    return row


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


def plan_chunks(jobs: Sequence[StoryJob], chunk_articles: int) -> list[list[StoryJob]]:
    """Consecutive stories grouped so that each chunk brings at most
    ``chunk_articles`` new texts (a bigger story gets a chunk of its own)."""
    chunks: list[list[StoryJob]] = [[]]
    seen: set[str] = set()
    fresh = 0
    for job in jobs:
        texts = {a.text for a in job.articles if isinstance(a, Article)} - seen
        if chunks[-1] and texts and fresh + len(texts) > chunk_articles:
            chunks.append([])
            fresh = 0
        chunks[-1].append(job)
        seen |= texts
        fresh += len(texts)
    return [c for c in chunks if c]


class DocumentStore:
    """Prepared documents by text, shared between chunk threads: the first
    chunk that needs a text prepares it, later ones wait for it; a document is
    dropped once its last story has used it."""

    def __init__(self, chunks: Sequence[Sequence[StoryJob]]):
        self.owner: dict[str, int] = {}
        self.uses: dict[str, int] = {}
        self.futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        for index, chunk in enumerate(chunks):
            for job in chunk:
                for article in job.articles:
                    if isinstance(article, Article):
                        self.owner.setdefault(article.text, index)
                        self.uses[article.text] = self.uses.get(article.text, 0) + 1
                        self.futures.setdefault(article.text, Future())

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
            if self.uses[text] == 0:
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
        if len(articles) == 1:
            log.log(logging.INFO if isinstance(exc, (IngestError, ComparisonError)) else logging.ERROR,
                    "article %s failed: %s", articles[0].id, exc, exc_info=not isinstance(exc, ValueError))
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
            errors.append(error_row(job.story, str(item), Path(ref.location).name, ref.source))
            continue
        article = next(renamed)
        try:
            documents.append(replace(store.take(item.text), article=article))
        except Exception as exc:
            errors.append(error_row(job.story, str(exc), article.id, article.source))
    return documents, errors


def run_story(job: StoryJob, ctx: RunContext) -> StoryResult:
    """Compare one story and write its outputs; never raises."""
    documents, errors = story_documents(job, ctx.store)
    if len(documents) < 2:
        message = f"story has {len(documents)} readable article(s); at least 2 are needed"
        return StoryResult(job.story, tuple(errors + [error_row(job.story, message)]), False)
    started = time.perf_counter()
    try:
        story = compare_story(documents, ctx.config, ctx.gate, job.story)
    except Exception as exc:
        log.exception("story %s: comparison failed", job.story)
        return StoryResult(job.story, tuple(errors + [error_row(job.story, f"comparison failed: {exc}")]), False)
    ctx.add("compare_s", time.perf_counter() - started)
    for comparison in story.comparisons:  # align_s, facts_s, framing_s of each pair
        for key, seconds in dict(comparison.meta).get("timings", {}).items():
            ctx.add(key, seconds)
    rows = tuple(pair_row(job.story, c) for c in story.comparisons) + tuple(errors)
    started = time.perf_counter()
    story_dir = ctx.options.out_dir / slug(job.story)
    files = story_files(story, ctx.options.formats)
    done = {"story": job.story, "fingerprint": job.fingerprint, "rows": list(rows)}
    write_story(story_dir, files, done if not errors else None)
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


def execute(chunks: list[list[StoryJob]], ctx: RunContext) -> bool:
    """Run the chunks on ``workers`` threads; True when interrupted (Ctrl-C)."""
    pool = ThreadPoolExecutor(max(1, ctx.options.workers), thread_name_prefix="newscompare")
    futures = [pool.submit(run_chunk, n, chunk, ctx) for n, chunk in enumerate(chunks)]
    try:
        for future in futures:
            future.result()
    except KeyboardInterrupt:
        log.warning("interrupted: finishing the stories in progress, then stopping")
        ctx.stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        return True
    pool.shutdown(wait=True)
    return False


def run_batch(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder: Embedder,
              options: BatchOptions) -> BatchResult:
    """Compare every story of ``corpus`` and write outputs under ``options.out_dir``."""
    from tqdm import tqdm

    started = time.perf_counter()
    with run_log(options.out_dir):
        removed = remove_stale_temporaries(options.out_dir)
        todo, skipped = plan_jobs(corpus, config, embedder.name, options)
        log.info("run: %d stories, %d already complete, %d to do; %d stale temporary files removed; config %s",
                 len(corpus), len(skipped), len(todo), removed, json.dumps(config.to_dict(), default=str))
        refs = [ref for job in todo for ref in job.refs]
        t0 = time.perf_counter()
        articles = iter(read_refs(refs))
        for job in todo:
            job.articles = [next(articles) for _ in job.refs]
        timings = {"ingest_s": time.perf_counter() - t0}
        chunks = plan_chunks(todo, options.chunk_articles)
        done: dict[str, StoryResult] = dict(skipped)
        bar = tqdm(total=len(corpus), initial=len(skipped), unit="story", disable=not options.progress,
                   desc="comparing", dynamic_ncols=True)

        lock = threading.Lock()

        def on_done(result: StoryResult) -> None:  # called from the worker threads
            with lock:
                done[result.story] = result
                bar.update(1)
                if not result.complete:
                    bar.set_postfix(failed=sum(not r.complete for r in done.values()))

        ctx = RunContext(config, EncoderGate(embedder), options, DocumentStore(chunks), on_done)
        interrupted = execute(chunks, ctx)
        bar.close()
        results = [done[story] for story in corpus if story in done]
        atomic_write(options.out_dir / SUMMARY_FILE, summary_csv(results))
        timings.update(ctx.gate.timings)
        timings.update(ctx.timings)
        timings["total_s"] = time.perf_counter() - started
        result = BatchResult(results, {k: round(v, 3) for k, v in timings.items()}, interrupted)
        log.info("run finished: %d stories compared, %d skipped, %d error rows, interrupted=%s; timings %s",
                 sum(not r.skipped for r in results), len(skipped), result.errors, interrupted,
                 json.dumps(result.timings))
    return result
