"""Batch throughput: the batch path over BASIL stories, against the encoder alone.

BASIL (one JSON line per event, three outlets each) is converted on the fly
into a temporary corpus (text files + manifest.csv); nothing is copied into
the repository. Each scale runs in a fresh process and prints: articles,
sentences, end-to-end wall time, sentences/second, the time the encoder alone
takes for the same sentences in the same process (one call, model loaded),
the ratio of the two, peak memory (ru_maxrss) and the time per stage.

Scaled corpora (2x, 4x) repeat every story under a new id with a copy
marker after the first word of every sentence ("Republican copy2 senators
kept up ..."), so each copy is a new text for the parser and the encoder
(the per-text caches would make exact copies free). The marker changes
spaCy's sentence splits a little (+2% sentences on 5 stories), so the
scaling line also gives the time per sentence.

    python benchmarks/batch_throughput.py                       # 1x, 2x, 4x
    python benchmarks/batch_throughput.py --scales 1 --workers 2
    python benchmarks/batch_throughput.py --scales 4 --no-encoder-baseline
    python benchmarks/batch_throughput.py --scales 1 --no-links   # the linking stage's cost
    python benchmarks/batch_throughput.py --scales 1 --links-without-vectors
    python benchmarks/batch_throughput.py --scales 1 --links-without-windows   # the entity context-window rule's cost
    python benchmarks/batch_throughput.py --scales 1 --links-without-recasing  # re-parsing headlines' cost
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from _common import SHARED, read_jsonl

BASIL = SHARED / "data" / "basil" / "basil_dev_2010_2014.jsonl"
OUTLETS = {"fox": "Fox News", "nyt": "New York Times", "hpo": "HuffPost"}


def with_marker(text: str, marker: str) -> str:
    """``text`` with ``marker`` after its first word (a leading marker would
    often be split off as a sentence of its own); no marker: ``text`` unchanged."""
    if not marker:
        return text
    first, _, rest = text.partition(" ")
    return f"{first} {marker} {rest}" if rest else f"{text} {marker}"


def write_corpus(events: list[dict], root: Path, copies: int) -> Path:
    """BASIL events -> root/<story>/<outlet>.txt and root/manifest.csv."""
    rows = []
    for copy in range(1, copies + 1):
        marker = "" if copy == 1 else f"copy{copy}"
        for event in events:
            story = event["triplet_uuid"] if copy == 1 else f"{event['triplet_uuid']}-copy{copy}"
            for article in event["articles"]:
                path = root / story / f"{article['source']}.txt"
                path.parent.mkdir(parents=True, exist_ok=True)
                body = " ".join(with_marker(s.strip(), marker) for s in article["sentences"] if s.strip())
                path.write_text(f"{with_marker(article.get('title', ''), marker)}\n\n{body}\n", encoding="utf-8")
                rows.append([story, f"{story}/{path.name}", OUTLETS.get(article["source"], article["source"]),
                             article.get("date", ""), article.get("title", "")])
    with open(root / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["story", "path", "outlet", "date", "title"], *rows])
    return root / "manifest.csv"


def run_sentences(out_dir: Path) -> list[str]:
    """The distinct sentence texts of every article the run compared (from its story.json files)."""
    found: dict[str, None] = {}
    for path in sorted(out_dir.glob("*/story.json")):
        for pair in json.loads(path.read_text(encoding="utf-8"))["pairs"]:
            for article in pair["comparison"]["articles"]:
                found.update((article["text"][s["start"]:s["end"]], None) for s in article["sentences"])
    return list(found)


def torch_threads() -> int | None:
    try:
        import torch
    except ImportError:
        return None
    return torch.get_num_threads()


def set_onnx_threads(embedder, threads: int | None) -> None:
    """--encoder-threads for the ONNX backends (a new session, warmed up)."""
    inner = getattr(embedder, "inner", embedder)
    if hasattr(inner, "set_threads"):
        inner.set_threads(threads)
        inner.encode(["Warm-up sentence for the encoder."])


def set_torch_threads(threads: int | None, backend: str) -> None:
    """--encoder-threads for torch (None: leave torch's setting)."""
    if threads is not None and backend == "torch":
        import torch

        torch.set_num_threads(threads)


def refs_of(corpus: dict) -> list:
    return [ref for refs in corpus.values() for ref in refs]


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def one_run(args: argparse.Namespace) -> dict:
    """One scale in this process: convert, load models, run the batch, time the encoder alone."""
    from compare.batch import BatchOptions, run_batch
    from compare.corpus import corpus_stories
    from compare.cli import make_config
    from compare.cli import build_parser as cli_parser
    from compare.pipeline import default_embedder
    from compare.segment import load_spacy

    cli_args = cli_parser().parse_args(["x", "--backend", args.backend]
                                       + ["--no-facts"] * args.no_facts + ["--no-framing"] * args.no_framing)
    config = make_config(cli_args)
    if args.no_links or args.links_without_vectors:
        config = replace(config, links=replace(config.links, enabled=not args.no_links, use_token_vectors=False))
    if args.links_without_windows:
        config = replace(config, links=replace(config.links, entity_window_min_cosine=1.01))
    if args.links_without_recasing:
        config = replace(config, links=replace(config.links, recase_headlines=False))
    default_threads = torch_threads()
    set_torch_threads(args.encoder_threads, args.backend)
    events = read_jsonl(Path(args.basil))[: args.stories]
    with tempfile.TemporaryDirectory(prefix="newscompare-bench-") as tmp:
        manifest = write_corpus(events, Path(tmp) / "corpus", args.scale)
        corpus = corpus_stories(manifest)
        t0 = time.perf_counter()
        load_spacy(config.spacy_model, config.segmenter)
        embedder = default_embedder(config)
        set_onnx_threads(embedder, args.encoder_threads)
        embedder.encode(["Warm-up sentence for the encoder."])
        load_s = time.perf_counter() - t0
        load_before = load_average()
        options = BatchOptions(out_dir=Path(tmp) / "out", workers=args.workers, chunk_articles=args.chunk_articles,
                               progress=False)
        t0, cpu0 = time.perf_counter(), time.process_time()
        result = run_batch(corpus, config, embedder, options)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
        sentences = run_sentences(options.out_dir)
        encoder_s = encoder_cpu = None
        if not args.no_encoder_baseline:
            set_torch_threads(default_threads, args.backend)  # the baseline is the default encoder
            set_onnx_threads(embedder, None)
            inner = getattr(embedder, "inner", embedder)
            t0, cpu0 = time.perf_counter(), time.process_time()
            inner.encode(sentences)
            encoder_s, encoder_cpu = time.perf_counter() - t0, time.process_time() - cpu0
            if args.chunked_baseline:  # the run's call sizes: one call per chunk of articles
                parts = max(1, round(len(refs_of(corpus)) / args.chunk_articles))
                t0, cpu0 = time.perf_counter(), time.process_time()
                for n in range(parts):
                    inner.encode(sentences[n * len(sentences) // parts:(n + 1) * len(sentences) // parts])
                chunked_s, chunked_cpu = time.perf_counter() - t0, time.process_time() - cpu0
                print(f"# encoder alone: one call {encoder_s:.1f} s, {parts} calls {chunked_s:.1f} s", file=sys.stderr)
                encoder_s, encoder_cpu = min(encoder_s, chunked_s), min(encoder_cpu, chunked_cpu)
    return {
        "scale": args.scale, "workers": args.workers, "encoder_threads": args.encoder_threads or "default", "articles": len(refs_of(corpus)),
        "stories": len(corpus), "pairs": sum(r["status"] == "ok" for s in result.results for r in s.rows),
        "errors": result.errors, "sentences": len(sentences), "wall_s": round(wall, 2),
        "sentences_per_s": round(len(sentences) / wall, 1), "encoder_only_s": encoder_s and round(encoder_s, 2),
        "ratio": encoder_s and round(wall / encoder_s, 3), "model_load_s": round(load_s, 2),
        "cpu_s": round(cpu, 1), "encoder_only_cpu_s": encoder_cpu and round(encoder_cpu, 1),
        "cpu_ratio": encoder_cpu and round(cpu / encoder_cpu, 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "stages": result.timings, "load_before": load_before, "load_after": load_average(),
    }


def print_run(r: dict) -> None:
    print(f"scale {r['scale']}x (workers {r['workers']}, encoder threads {r['encoder_threads']}): {r['stories']} stories, {r['articles']} articles, "
          f"{r['pairs']} pairs, {r['errors']} errors, {r['sentences']} sentences")
    line = f"  end to end {r['wall_s']:.1f} s ({r['sentences_per_s']:.1f} sentences/s)"
    if r["encoder_only_s"]:
        line += f"; encoder alone {r['encoder_only_s']:.1f} s; ratio end-to-end / encoder-only {r['ratio']:.2f}"
    print(line)
    line = f"  CPU time (all threads; less sensitive to other load): end to end {r['cpu_s']:.1f} s"
    if r["encoder_only_cpu_s"]:
        line += f", encoder alone {r['encoder_only_cpu_s']:.1f} s, ratio {r['cpu_ratio']:.2f}"
    print(line)
    print(f"  model load {r['model_load_s']:.1f} s (not in end to end); peak memory {r['peak_rss_mb']} MB; "
          f"load average {r['load_before']} -> {r['load_after']}")
    print("  stages: " + ", ".join(f"{k} {v:.1f}" for k, v in r["stages"].items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--basil", default=str(BASIL), help="BASIL JSONL file (default: %(default)s)")
    parser.add_argument("--stories", type=int, default=50, help="events to use (default: %(default)s)")
    parser.add_argument("--scales", default="1,2,4", help="corpus multiples, each in a fresh process")
    parser.add_argument("--workers", type=int, default=2, help="chunk threads (default: 2, as the CLI)")
    parser.add_argument("--chunk-articles", type=int, default=24)
    parser.add_argument("--encoder-threads", type=int,
                        help="encoder threads, torch or ONNX Runtime (default: the runtime's choice)")
    parser.add_argument("--backend", default="onnx", help="onnx (default, as the CLI), torch, onnx-int8 or hashing")
    parser.add_argument("--no-facts", action="store_true")
    parser.add_argument("--no-framing", action="store_true")
    parser.add_argument("--no-links", action="store_true", help="without the linking stage (its cost: compare runs)")
    parser.add_argument("--links-without-vectors", action="store_true", help="linking stage without token vectors")
    parser.add_argument("--links-without-windows", action="store_true",
                        help="linking stage without the entity context-window rule")
    parser.add_argument("--links-without-recasing", action="store_true",
                        help="linking stage without re-parsing title-case headlines")
    parser.add_argument("--no-encoder-baseline", action="store_true", help="skip timing the encoder alone")
    parser.add_argument("--chunked-baseline", action="store_true",
                        help="also time the encoder alone in the run's call sizes; the faster one is the baseline")
    parser.add_argument("--scale", type=int, help=argparse.SUPPRESS)  # internal: run one scale here
    args = parser.parse_args()
    if args.scale:
        print(json.dumps(one_run(args)))
        return
    runs = []
    for scale in [int(s) for s in args.scales.split(",")]:
        child = [sys.executable, __file__, *sys.argv[1:], "--scale", str(scale)]
        out = subprocess.run(child, stdout=subprocess.PIPE, text=True, check=True).stdout
        runs.append(json.loads(out.strip().splitlines()[-1]))
        print_run(runs[-1])
    if len(runs) > 1:
        base = runs[0]
        print("scaling: " + ", ".join(
            f"{r['scale']}x corpus ({r['sentences'] / base['sentences']:.2f}x sentences) -> "
            f"{r['wall_s'] / base['wall_s']:.2f}x time, {r['cpu_s'] / base['cpu_s']:.2f}x CPU time" for r in runs))


if __name__ == "__main__":
    main()
