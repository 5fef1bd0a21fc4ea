"""Batch stage on a Dask cluster: a corpus's stories as dask.distributed tasks, the same outputs as the local run.

``newscompare corpus/ --out results/ --scheduler tcp://HOST:8786`` (or
``local:N`` for a local cluster of N worker processes) runs each story as one
task:

- each worker loads the models once: ``ModelPlugin`` warms them when the
  worker starts (or restarts), and ``worker_gate`` keeps them per process;
- a task reads the story's articles, prepares and compares them and writes
  the story's files (to a folder the workers share, or an fsspec URL) with the
  code of the local run (``batch.run_story``), so its outputs are the same bytes;
- the client plans the run (finished stories are skipped, as in the local
  run), follows the futures as they complete (progress bar, one log line per
  failure), turns a task that fails, e.g. on a worker killed too often, into an
  error row, and writes ``summary.csv`` and the corpus tables at the end;
- Ctrl-C cancels the tasks not yet finished; the run resumes from there.

Dask is an optional extra (``pip install newscompare[dask]``): only this
module imports it, and only the CLI's ``--scheduler`` imports this module.
"""
from __future__ import annotations

import json
import logging
import os
import re
import resource
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

from distributed import Client, LocalCluster, as_completed
from distributed.diagnostics.plugin import WorkerPlugin

from .batch import BatchOptions, BatchResult, DocumentStore, RunContext, StoryJob, StoryResult, plan_jobs, \
    prepare_owned, run_story
from .config import CompareConfig
from .corpus import ArticleRef, read_or_error
from .corpus_tables import write_run_outputs
from .encoders import EncoderGate
from .failures import describe_failure, failure_row, problem_line
from .outputs import is_remote, out_folder_lock, remove_stale_temporaries, run_log
from .languages.hooks import multilingual_embedder
from .pipeline import default_embedder

log = logging.getLogger(__name__)

LOCAL_SCHEDULER = re.compile(r"^local:(\d+)$")


class SchedulerError(ValueError):
    """``--scheduler`` names no cluster that can be used."""


@dataclass(frozen=True)
class WorkerSetup:
    """What a worker needs to build its models: the configuration and the encoder's threads."""

    config: CompareConfig
    encoder_threads: int | None = None

    def key(self) -> str:
        return json.dumps({"config": self.config.to_dict(), "threads": self.encoder_threads},
                          sort_keys=True, default=str)


@dataclass(frozen=True)
class TaskReport:
    """A story task's result and what it cost on its worker."""

    result: StoryResult
    timings: dict[str, float]  # compare_s, write_s and the stages of this story
    seconds: float  # wall time of the task on the worker
    worker: str  # worker process (host:pid)
    peak_rss_mb: float  # the worker process's peak resident memory so far


# ---------------------------------------------------------------- on the workers

_GATES: dict[str, EncoderGate] = {}
_GATES_LOCK = threading.Lock()


def worker_gate(setup: WorkerSetup) -> EncoderGate:
    """The worker process's encoder for ``setup``, built once (it loads lazily, once)."""
    with _GATES_LOCK:
        key = setup.key()
        if key not in _GATES:
            _GATES[key] = EncoderGate(default_embedder(setup.config, setup.encoder_threads))
        return _GATES[key]


def worker_multilingual_gate(setup: WorkerSetup) -> EncoderGate:
    """The worker process's multilingual encoder (for stories with a non-English article), built once."""
    with _GATES_LOCK:
        key = "multilingual:" + setup.config.multilingual.encoder
        if key not in _GATES:
            _GATES[key] = EncoderGate(multilingual_embedder(setup.config.multilingual.encoder))
        return _GATES[key]


_WARMED: set[str] = set()
_WARM_LOCK = threading.Lock()


def warm_models(setup: WorkerSetup) -> None:
    """Load the sentence encoder and the spaCy pipeline once per worker process.

    The plugin calls it when the worker starts and every task calls it first: the
    lock keeps a task from importing spaCy while the plugin's thread is still
    importing it (a restarted worker can receive a task before its setup ends;
    concurrent first imports of spaCy raised KeyError('spacy') in CI)."""
    with _WARM_LOCK:
        if setup.key() in _WARMED:
            return
        from .segment import load_spacy

        logging.getLogger("compare").setLevel(logging.INFO)  # records forwarded to the client's run.log
        worker_gate(setup).encode(["Models are loaded once per worker."])
        load_spacy(setup.config.spacy_model, setup.config.segmenter)
        _WARMED.add(setup.key())


class ModelPlugin(WorkerPlugin):
    """Loads the models on every worker when it starts, restarted ones included."""

    def __init__(self, setup: WorkerSetup):
        self.setup_ = setup

    def setup(self, worker) -> None:
        warm_models(self.setup_)


def story_task(job: StoryJob, setup: WorkerSetup, options: BatchOptions) -> TaskReport:
    """Read, compare and write one story on a worker; never raises for a bad story."""
    import socket

    started = time.perf_counter()
    warm_models(setup)
    gate = worker_gate(setup)
    job.articles = [read_or_error(ref, options.allow_private_urls) for ref in job.refs]
    store = DocumentStore([[job]])
    ctx = RunContext(setup.config, gate, options, store, on_done=lambda result: None,
                     multilingual_gate=worker_multilingual_gate(setup))
    prepare_owned(store.owned(0, [job]), ctx)
    result = run_story(job, ctx)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    return TaskReport(result, dict(ctx.timings), time.perf_counter() - started,
                      f"{socket.gethostname()}:{os.getpid()}", round(peak, 1))


# ---------------------------------------------------------------- on the client

def parse_scheduler(value: str) -> tuple[str, int]:
    """("local", N) for ``local:N``, ("address", 0) for a scheduler address."""
    found = LOCAL_SCHEDULER.match(value.strip())
    if found:
        workers = int(found.group(1))
        if workers < 1:
            raise SchedulerError("--scheduler local:N needs at least 1 worker")
        return "local", workers
    if "://" not in value and ":" not in value:
        raise SchedulerError(f"--scheduler {value!r}: give a scheduler address (tcp://HOST:8786) or local:N")
    return "address", 0


@contextmanager
def dask_client(scheduler: str | Client) -> Iterator[Client]:
    """A client of the cluster ``scheduler`` names: ``local:N`` starts N
    single-threaded worker processes for the run; an address connects to a
    running scheduler; a ``Client`` is used as it is (and left open)."""
    if isinstance(scheduler, Client):
        yield scheduler
        return
    kind, workers = parse_scheduler(scheduler)
    if kind == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="30s")
    except (OSError, TimeoutError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    with client:
        yield client


@dataclass
class RunState:
    """The client's record of a run: results by story and the tasks' timings added up."""

    done: dict[str, StoryResult]
    timings: dict[str, float] = field(default_factory=dict)

    def record(self, result: StoryResult) -> None:
        for row in result.rows:
            if row["status"] == "error":
                log.error("%s", problem_line(row))
        self.done[result.story] = result

    def add(self, report: TaskReport) -> None:
        for key, seconds in report.timings.items():
            self.timings[key] = self.timings.get(key, 0.0) + seconds
        self.record(report.result)


def failed_task(job: StoryJob, exc: BaseException) -> StoryResult:
    """The error row of a task that raised (a worker lost too often, a bug)."""
    log.info("story %s: task failed", job.story, exc_info=exc)
    return StoryResult(job.story, (failure_row(job.story, describe_failure(exc)),), False)


def follow(client: Client, jobs: list[StoryJob], setup: WorkerSetup, options: BatchOptions, state: RunState,
           bar, observe: Callable[[TaskReport], None] | None) -> bool:
    """Submit a task per story and record each as it completes; True when interrupted (Ctrl-C)."""
    futures = {client.submit(story_task, job, setup, options, pure=False): job for job in jobs}
    try:
        for future in as_completed(futures):
            job = futures[future]
            try:
                report = future.result()
            except Exception as exc:  # noqa: BLE001 - one story's task, not the run
                state.record(failed_task(job, exc))
            else:
                state.add(report)
                if observe is not None:
                    observe(report)
            bar.update(1)
            if not state.done[job.story].complete:
                bar.set_postfix(failed=sum(not r.complete for r in state.done.values()))
    except KeyboardInterrupt:
        log.warning("interrupted: cancelling the stories not yet finished")
        client.cancel([f for f in futures if not f.done()])
        return True
    return False


def run_batch_dask(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder_name: str,
                   options: BatchOptions, scheduler: str | Client, encoder_threads: int | None = None,
                   observe: Callable[[TaskReport], None] | None = None) -> BatchResult:
    """``batch.run_batch`` on a Dask cluster (``dask_client``): same outputs,
    one task per story. ``embedder_name`` is the encoder's name for the
    resume fingerprints (the client loads no model); ``observe`` sees each task's report."""
    with out_folder_lock(options.out_dir, options.wait), run_log(options.out_dir):
        return locked_dask_run(corpus, config, embedder_name, options, scheduler, encoder_threads, observe)


def locked_dask_run(corpus: dict[str, list[ArticleRef]], config: CompareConfig, embedder_name: str,
                    options: BatchOptions, scheduler: str | Client, encoder_threads: int | None,
                    observe: Callable[[TaskReport], None] | None) -> BatchResult:
    from tqdm import tqdm

    started = time.perf_counter()
    removed = 0 if is_remote(options.out_dir) else remove_stale_temporaries(options.out_dir)
    todo, skipped = plan_jobs(corpus, config, embedder_name, options)
    log.info("run on Dask (%s): %d stories, %d already complete, %d to do; %d stale temporary files removed; "
             "config %s", scheduler, len(corpus), len(skipped), len(todo), removed,
             json.dumps(config.to_dict(), default=str))
    state = RunState(dict(skipped))
    setup = WorkerSetup(config, encoder_threads)
    interrupted = False
    if todo:
        with dask_client(scheduler) as client:
            if os.getpid() not in client.run(os.getpid).values():  # in-process workers log here already
                client.forward_logging("compare", level=logging.INFO)
            client.register_plugin(ModelPlugin(setup), name="newscompare-models")
            state.timings["cluster_start_s"] = time.perf_counter() - started
            bar = tqdm(total=len(corpus), initial=len(skipped), unit="story", disable=not options.progress,
                       desc="comparing", dynamic_ncols=True)
            interrupted = follow(client, todo, setup, options, state, bar, observe)
            bar.close()
    results = [state.done[story] for story in corpus if story in state.done]
    write_run_outputs(options.out_dir, results)
    state.timings["total_s"] = time.perf_counter() - started
    result = BatchResult(results, {k: round(v, 3) for k, v in state.timings.items()}, interrupted)
    log.info("run finished: %d stories compared, %d skipped, %d error rows, %d warnings, interrupted=%s; "
             "timings %s", sum(not r.skipped for r in results), len(skipped), result.errors, result.warnings,
             interrupted, json.dumps(result.timings))
    return result
