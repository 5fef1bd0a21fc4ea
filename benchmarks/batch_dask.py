"""Batch on Dask: the local threaded run against a local Dask cluster on the same BASIL stories.

BASIL dev events are written to a temporary corpus (``batch_throughput.write_corpus``;
nothing is copied into the repository). The script runs, in this process:

1. the local run (``batch.run_batch``, ``--local-workers`` threads): wall, CPU, peak memory;
2. the Dask run (``distributed.run_batch_dask``) on a ``LocalCluster`` of
   ``--dask-workers`` single-threaded worker processes started here: cluster
   start, run wall, CPU of the client and of every worker, each worker's peak
   memory, every story task's time on its worker;
3. ``--noop-tasks`` empty tasks through the same cluster: the scheduler's cost per task;

then prints the Dask overhead, the task-time distribution, and the projected
throughput for 8, 32 and 128 workers (the model is in docs/cli.md). Both runs
must write the same bytes (checked, ``run.log`` aside).

    python benchmarks/batch_dask.py --stories 20 --backend onnx
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from batch_throughput import BASIL, write_corpus
from _common import read_jsonl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from compare.batch import BatchOptions, run_batch  # noqa: E402
from compare.config import CompareConfig  # noqa: E402
from compare.corpus import corpus_stories  # noqa: E402
from compare.pipeline import default_embedder  # noqa: E402


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def worker_usage() -> dict:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {"cpu_s": usage.ru_utime + usage.ru_stime, "peak_mb": usage.ru_maxrss / 1024}


def noop(n: int) -> int:
    return n


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "run.log" and not p.name.startswith(".")}


def local_run(corpus: dict, config: CompareConfig, out: Path, args) -> dict:
    embedder = default_embedder(config, args.encoder_threads)
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = run_batch(corpus, config, embedder, BatchOptions(out_dir=out, progress=False,
                                                              workers=args.local_workers))
    return {"wall_s": time.perf_counter() - wall, "cpu_s": cpu_seconds() - cpu, "errors": result.errors,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "timings": result.timings}


def dask_run(corpus: dict, config: CompareConfig, out: Path, args) -> dict:
    from distributed import Client, LocalCluster

    from compare.distributed import run_batch_dask

    started, cpu = time.perf_counter(), cpu_seconds()
    reports = []
    with LocalCluster(n_workers=args.dask_workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:
        up = time.perf_counter() - started
        before = client.run(worker_usage)
        wall = time.perf_counter()
        result = run_batch_dask(corpus, config, default_embedder(config).name,
                                BatchOptions(out_dir=out, progress=False), client, args.encoder_threads,
                                observe=reports.append)
        run_s = time.perf_counter() - wall
        after = client.run(worker_usage)
        noop_wall = time.perf_counter()
        client.gather(client.map(noop, range(args.noop_tasks), pure=False))
        noop_s = time.perf_counter() - noop_wall
    workers_cpu = sum(after[w]["cpu_s"] - before.get(w, {"cpu_s": 0})["cpu_s"] for w in after)
    return {"cluster_start_s": up, "run_s": run_s, "client_cpu_s": cpu_seconds() - cpu,
            "workers_cpu_s": workers_cpu, "peak_mb": {w: round(u["peak_mb"]) for w, u in after.items()},
            "tasks": [r.seconds for r in reports], "noop_per_task_ms": 1000 * noop_s / args.noop_tasks,
            "errors": result.errors, "timings": result.timings, "workers_seen": len({r.worker for r in reports})}


def projection(task_s: float, noop_ms: float) -> list[tuple[int, float, float]]:
    """(workers, stories per hour, hours per 10,000 stories) by the model of docs/cli.md:
    X(W) = min(W / t, 1 / c); t = a story's task time on a dedicated core (its
    worker CPU seconds: the worker is single-threaded), c = the scheduler's
    cost per task (no-op tasks; the scheduler handles tasks one at a time)."""
    c = noop_ms / 1000
    out = []
    for w in (8, 32, 128):
        rate = min(w / task_s, 1 / c)  # stories per second
        out.append((w, rate * 3600, 10_000 / rate / 3600))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--basil", default=str(BASIL))
    parser.add_argument("--stories", type=int, default=20)
    parser.add_argument("--backend", default="onnx")
    parser.add_argument("--local-workers", type=int, default=2)
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--encoder-threads", type=int, default=1)
    parser.add_argument("--noop-tasks", type=int, default=500)
    args = parser.parse_args()
    events = read_jsonl(Path(args.basil))[: args.stories]
    config = CompareConfig(backend=args.backend)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        corpus = corpus_stories(write_corpus(events, root / "corpus", 1))
        dask = dask_run(corpus, config, root / "dask", args)  # first: the local run's caches are not shared
        local = local_run(corpus, config, root / "local", args)
        same = tree(root / "local") == tree(root / "dask")
    tasks = sorted(dask["tasks"])
    dask_wall = dask["cluster_start_s"] + dask["run_s"]
    print(f"{len(events)} BASIL stories, backend {args.backend}, encoder threads {args.encoder_threads}, "
          f"load average {os.getloadavg()[0]:.1f}; same bytes: {same}; errors local {local['errors']}, "
          f"dask {dask['errors']}")
    print(f"local ({args.local_workers} threads): wall {local['wall_s']:.1f} s, CPU {local['cpu_s']:.1f} s, "
          f"peak {local['peak_mb']:.0f} MB")
    print(f"dask local:{args.dask_workers}: cluster start {dask['cluster_start_s']:.1f} s + run "
          f"{dask['run_s']:.1f} s = {dask_wall:.1f} s; CPU client {dask['client_cpu_s']:.1f} s + workers "
          f"{dask['workers_cpu_s']:.1f} s; peak per worker (MB) {json.dumps(dask['peak_mb'])}")
    print(f"dask overhead: run {100 * (dask['run_s'] / local['wall_s'] - 1):+.1f}% of local wall, "
          f"with cluster start {100 * (dask_wall / local['wall_s'] - 1):+.1f}%")
    quant = statistics.quantiles(tasks, n=10)
    print(f"task time (s, on its worker): n {len(tasks)}, mean {statistics.mean(tasks):.2f}, min {tasks[0]:.2f}, "
          f"p50 {statistics.median(tasks):.2f}, p90 {quant[-1]:.2f}, max {tasks[-1]:.2f}")
    idle = dask["run_s"] * args.dask_workers - sum(tasks)
    print(f"scheduler: {dask['noop_per_task_ms']:.2f} ms per no-op task ({args.noop_tasks} tasks); "
          f"worker time outside tasks in the run {idle:.1f} s = {idle / len(tasks):.2f} s per story")
    cpu_per_story = dask["workers_cpu_s"] / len(tasks)
    print(f"worker CPU per story {cpu_per_story:.2f} s (task wall mean {statistics.mean(tasks):.2f} s: "
          f"{statistics.mean(tasks) / cpu_per_story:.1f}x, the share of a core each worker got); "
          f"scheduler limit {1000 / dask['noop_per_task_ms']:.0f} tasks/s")
    for w, per_hour, hours in projection(cpu_per_story, dask["noop_per_task_ms"]):
        print(f"projected {w:4d} workers: {per_hour:8.0f} stories/hour, {hours:6.2f} h per 10,000 stories")
    print("timings local", json.dumps(local["timings"]))
    print("timings dask ", json.dumps(dask["timings"]))


if __name__ == "__main__":
    main()
