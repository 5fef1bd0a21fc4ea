"""Batch stage: a corpus of stories -> per-story outputs, a summary CSV and a run log.

Run orchestration for many stories at once:

- articles are read on a thread pool while stories are compared: a story
  goes on as soon as its own articles are read, so a slow URL holds up only
  its story (one bad article becomes an error row, the run goes on); each
  distinct text is parsed and embedded once per run;
- stories are grouped into chunks of about ``chunk_articles`` new texts, in
  corpus order as long as reads keep up;
  each chunk goes through ``prepare_documents`` (one spaCy stream, one large
  encoder call per language group: English texts with the English encoder,
  the others with the multilingual one), so batches are large and each model
  is loaded once; a story is compared with the encoder the library would
  choose for it (``pipeline.embedder_for``);
- with ``workers`` > 1 chunks run in threads: one chunk parses and compares
  (spaCy and the analysis hold the GIL) while another encodes (torch and
  ONNX Runtime release it), so the two overlap (50 BASIL stories on 2 cores:
  48 s instead of 57 s; docs/cli.md);
- a story is skipped when its ``done.json`` (written last) matches the inputs
  and configuration, so an interrupted run resumes where it stopped; the
  output folder is locked for the run (files, lock: ``outputs.py``);
- a failure is one line in the log (stage, article, sentence when known) and
  one error row (``failures.py``); its traceback goes to ``run.log`` only.

The corpus (folders, manifests) is read by ``corpus.py``.
"""
from __future__ import annotations

import gc
import json
import logging
import queue
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterator, Sequence

from .config import CompareConfig
from .corpus import ArticleRef, read_or_error
from .corpus_tables import story_table_rows, write_run_outputs
from .encoders import Embedder, EncoderGate
from .failures import comparison_warnings, describe_failure, error_row, failure_row, problem_line, warning_line
from .ingest import IngestError
from .outputs import (PAIR_FIELDS, Location, completed_story, is_remote, join, out_folder_lock, read_error_row,
                      remove_stale_temporaries, run_log, slug, story_files, story_fingerprint, write_story)
from .languages.hooks import keep_language, multilingual_embedder
from .pipeline import ComparisonError, embedder_for, encoded_with, prepare_each
from .document_store import DocumentStore
from .report import summary
from .labels import unique_ids
from .story import StoryComparison, compare_story
from .types import Article, Document

log = logging.getLogger(__name__)

FORMATS = ("json", "html")
# A story whose articles are all read waits at most this long for the stories
# before it in the corpus (whose reads are slower) before it is compared out of order.
READ_WAIT_S = 0.2


@dataclass(frozen=True)
class BatchOptions:
    """How a batch run writes and schedules its work."""

    out_dir: Location  # a folder, or an fsspec URL (outputs.py)
    formats: tuple[str, ...] = FORMATS
    force: bool = False  # redo stories whose outputs are complete
    # chunk threads; 2 overlaps parsing and comparing with encoding: 47.7 s
    # against 57.0 s with 1 on 50 BASIL stories, 2 cores (docs/cli.md)
    workers: int = 2
    # new texts per prepare_documents call: one spaCy stream and one encoder
    # call of ~600 sentences; also the CLI's --chunk-articles default (docs/cli.md)
    chunk_articles: int = 24
    progress: bool = True
    wait: bool = False  # wait for another run's lock on out_dir instead of stopping
    allow_private_urls: bool = False  # let URL articles point at loopback/private/internal addresses


@dataclass(frozen=True)
class StoryResult:
    story: str
    rows: tuple[dict, ...]  # summary rows: one per pair, one per error
    complete: bool  # outputs written and nothing failed
    skipped: bool = False  # outputs were already complete
    tables: dict[str, list[dict]] | None = None  # the story's corpus-table rows (corpus_tables.py)


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


# ---------------------------------------------------------------- reading

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


# ---------------------------------------------------------------- scheduling

def pair_row(story: str, comparison) -> dict[str, Any]:
    a, b = comparison.a.article, comparison.b.article
    row = {"story": story, "status": "ok", "article_a": a.id, "outlet_a": a.source,
           "article_b": b.id, "outlet_b": b.source, "stage": "", "error": "",
           "warnings": len(comparison_warnings(comparison))}
    stats = summary(comparison)
    row.update({key: stats.get(key, "") for key in PAIR_FIELDS})
    return row



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


@dataclass
class RunContext:
    config: CompareConfig
    gate: EncoderGate  # the English encoder
    options: BatchOptions
    store: DocumentStore
    on_done: Callable[[StoryResult], None]
    stop: threading.Event = field(default_factory=threading.Event)
    timings: dict[str, float] = field(default_factory=lambda: {"compare_s": 0.0, "write_s": 0.0})
    lock: threading.Lock = field(default_factory=threading.Lock)
    # the multilingual encoder, gated; made on the first non-English article
    multilingual_gate: EncoderGate | None = None

    def add(self, key: str, seconds: float) -> None:
        with self.lock:
            self.timings[key] = self.timings.get(key, 0.0) + seconds

    def multilingual(self) -> EncoderGate:
        with self.lock:
            if self.multilingual_gate is None:
                self.multilingual_gate = EncoderGate(multilingual_embedder(self.config.multilingual.encoder))
            return self.multilingual_gate

    def gate_for(self, articles: Sequence[Article]) -> EncoderGate:
        """The gated encoder the library would compare ``articles`` with (pipeline.embedder_for)."""
        return embedder_for(articles, self.config, lambda: self.gate, self.multilingual)

    def gate_timings(self) -> dict[str, float]:
        """Parse and encode time of both encoders, added up."""
        out = dict(self.gate.timings)
        for key, seconds in (self.multilingual_gate.timings.items() if self.multilingual_gate else ()):
            out[key] = out.get(key, 0.0) + seconds
        return out


def prepare_owned(articles: list[Article], ctx: RunContext) -> None:
    """Parse and embed a chunk's new texts in one ``prepare_documents`` call;
    when it fails, prepare them one by one so that only the bad ones fail."""
    if not articles:
        return
    try:
        with ctx.gate.parsing():
            # each text with its own language's encoder; a story mixing
            # languages re-encodes its English texts (run_story)
            documents = prepare_each(articles, ctx.config, lambda: ctx.gate, ctx.multilingual)
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
            document = store.take(item.text)
            documents.append(replace(document, article=keep_language(article, document.article)))
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
        gate = ctx.gate_for([d.article for d in documents])
        story = compare_story(encoded_with(documents, gate), ctx.config, gate, job.story)
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
    tables = None
    try:
        files = story_files(story, ctx.options.formats)
        tables = story_table_rows(story, ctx.config)
        done = {"story": job.story, "fingerprint": job.fingerprint, "rows": list(rows), "tables": tables}
        write_story(join(ctx.options.out_dir, slug(job.story)), files, done if not errors else None)
    except Exception as exc:  # a full disk or a renderer bug fails this story, not the run
        log.info("story %s: writing failed", job.story, exc_info=True)
        failure = describe_failure(exc)
        return StoryResult(job.story, rows + (failure_row(job.story, replace(failure, stage=failure.stage or "write")),),
                           False, tables=tables)
    ctx.add("write_s", time.perf_counter() - started)
    return StoryResult(job.story, rows, not errors, tables=tables)


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
        done = None if options.force else completed_story(join(options.out_dir, slug(story)), fingerprint)
        if done is not None:
            skipped[story] = StoryResult(story, tuple(done["rows"]), True, skipped=True, tables=done["tables"])
        else:
            todo.append(StoryJob(story, tuple(refs), fingerprint))
    return todo, skipped


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


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Keep the objects that exist before a run (imported libraries, loaded
    models: ~250k) out of the garbage collector's full collections while it
    goes on (``gc.freeze``), and give them back after. A full collection
    comes every few stories (the story JSON is ~100k small dicts and lists)
    and held the GIL ~0.2 s scanning those libraries' objects; frozen, it
    scans the run's own. A program that froze objects itself keeps its own
    policy: nothing is frozen or unfrozen then."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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
    removed = 0 if is_remote(options.out_dir) else remove_stale_temporaries(options.out_dir)
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
    with frozen_heap():
        interrupted = execute(todo, ctx)
    bar.close()
    results = [done[story] for story in corpus if story in done]
    write_run_outputs(options.out_dir, results)
    timings = ctx.gate_timings()
    timings.update(ctx.timings)
    timings["total_s"] = time.perf_counter() - started
    result = BatchResult(results, {k: round(v, 3) for k, v in timings.items()}, interrupted)
    log.info("run finished: %d stories compared, %d skipped, %d error rows, %d warnings, interrupted=%s; "
             "timings %s", sum(not r.skipped for r in results), len(skipped), result.errors, result.warnings,
             interrupted, json.dumps(result.timings))
    return result
