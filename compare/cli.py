"""Command line: parse arguments -> config -> compare one story or a whole corpus -> report files.

User-facing output goes to stdout (reports, the final tally) and stderr
(progress bar, one-line errors); the library only logs.
"""
from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import replace
from pathlib import Path
from typing import Sequence

from .batch import FORMATS, BatchOptions, run_batch
from .config import MODEL_LIBRARIES_QUIET, CompareConfig, use_env_defaults
from .corpus import CorpusError, corpus_stories
from .encoders import BACKENDS, Embedder, ModelLoadError
from .failures import describe_failure
from .grouping import GROUPING_ENCODERS
from .grouping.settings import AUTO_USEM3_FROM
from .ingest import IngestError, read_article
from .json_text import indented_json
from .outputs import SUMMARY_FILE, LOG_FILE, OutFolderBusy, as_location, atomic_write, is_remote, join, story_files
from .pipeline import ComparisonError, default_embedder, embedder_for
from .report import text_report, to_dict
from .segment import SEGMENTERS, SpacyLoadError
from .story import StoryComparison, compare_many, matrix_text
from .types import Article

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_BUSY, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
MANIFEST_SUFFIXES = (".csv", ".jsonl", ".ndjson")


class UsageError(ValueError):
    """The command line asks for something that cannot be done (exit status 2)."""


# Exit status 2: the command itself must change. Everything else that stops
# a run, a crash included, is 1 (or 3, 130).
USAGE_ERRORS = (UsageError, CorpusError, ModelLoadError, SpacyLoadError)
# Failures whose message is meant for the user as it is (no stage to name).
INPUT_ERRORS = (IngestError, ComparisonError, OSError)

DESCRIPTION = """\
Show how news reports of the same event differ: shared facts, facts only in
one report, conflicts and framing differences.

Give two or more article files or URLs to compare them with each other (one
story), or one corpus: a directory of story folders (each folder holds the
articles of one story as .txt/.md/.html files; a manifest.csv or
manifest.jsonl at the top of the directory is used instead when present) or a
manifest file (CSV or JSONL with columns story, path or url, and optionally
outlet, date, title; paths are relative to the manifest)."""

EPILOG = """\
outputs of a corpus run (in --out):
  <story>/story.json       every pair's comparison (documented schema) and the fact matrix
  <story>/matrix.csv       fact matrix: one row per fact, one column per outlet
  <story>/<a>--<b>.html    standalone side-by-side report of each pair
  <story>/done.json        written last; marks the story complete for --resume
  summary.csv              one row per article pair, plus one per failed article
  tables/*.parquet         corpus tables: articles, pairs, facts, framing, mentions, names
  run.log                  what happened, with timings (appended on every run)

exit status:
  0    everything compared
  1    some article or story failed (see summary.csv and run.log), an article
       could not be read, or the analysis crashed (never 2)
  2    bad usage: unknown option or value, no such corpus, malformed manifest,
       a manifest path outside its folder without --allow-outside-paths, a
       model that cannot be loaded
  3    another run is writing to the same --out folder (add --wait to queue)
  130  interrupted (run again to resume)
Errors are one line each on stderr; tracebacks go to run.log in --out (or to
stderr with -v).

examples:
  newscompare a.txt b.html                       readable report on the terminal
  newscompare a.txt https://example.org/news --out pair.html
  newscompare fox.txt nyt.txt hpo.txt            3-way: pairs and fact matrix
  newscompare corpus/ --out results/             every story in corpus/
  newscompare feed.jsonl --group --out results/  find the stories in an unsorted feed, then compare them
  newscompare stories.csv --out results/ --workers 2
  newscompare corpus/ --out results/ --scheduler local:4      4 Dask worker processes (newscompare[dask])
  newscompare corpus/ --out s3://bucket/run --scheduler tcp://HOST:8786   a Dask cluster, outputs on S3
  newscompare corpus/ --out results/ --backend hashing --no-progress   (fast, no model)
  newscompare profile results/                   per-outlet profiles from a run's tables (results/profile/)
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newscompare", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("inputs", nargs="+", metavar="INPUT",
                        help="two or more article files/URLs, or one corpus directory or manifest (.csv/.jsonl)")
    parser.add_argument("-o", "--out", type=as_location,
                        help="corpus: output folder or fsspec URL such as s3://bucket/run (required). Articles: "
                             "a .json or .html file or a folder; without it the report is printed")
    parser.add_argument("--formats", default=",".join(FORMATS),
                        help="per-story outputs besides matrix.csv, comma-separated from: json, html "
                             "(default: %(default)s)")
    parser.add_argument("--group", action="store_true",
                        help="INPUT is an unsorted pile (a folder of articles, a CSV/JSONL feed without a story "
                             "column, or a file of URLs): group it into stories first (as 'newscompare group'), "
                             "write the grouping to OUT/grouping.csv, then compare every story of two or more "
                             "articles (docs/grouping.md)")
    parser.add_argument("--encoder", choices=("auto", *GROUPING_ENCODERS), default="auto",
                        help="with --group: what embeds the leads for grouping, as 'newscompare group "
                             "--encoder' (auto: usem3 from %s articles on when installed, else the sentence "
                             "encoder; --workers processes encode them; default: %%(default)s)" % f"{AUTO_USEM3_FROM:,}")
    parser.add_argument("--force", action="store_true",
                        help="redo stories whose outputs are already complete (default: skip them, i.e. resume)")
    parser.add_argument("--workers", type=int, default=BatchOptions.workers,
                        help="threads preparing chunks of stories: with 2, one chunk is parsed and compared "
                             "while the encoder embeds another (50 BASIL stories on 2 cores: 47.7 s, against "
                             "57.0 s with 1, docs/cli.md); 1 = sequential; with --group also the processes encoding the "
                             "leads with usem3 (default: %(default)s)")
    parser.add_argument("--scheduler", metavar="ADDRESS",
                        help="run the stories as tasks on a Dask cluster: a scheduler address "
                             "(tcp://HOST:8786) or local:N for N local worker processes; needs "
                             "pip install newscompare[dask] (default: threads on this machine, no Dask)")
    parser.add_argument("--encoder-threads", type=int, metavar="N",
                        help="encoder threads, torch or ONNX Runtime (default: the runtime's choice, one per "
                             "core); on a shared machine 1 leaves a core to spaCy and the analysis")
    parser.add_argument("--chunk-articles", type=int, default=BatchOptions.chunk_articles, metavar="N",
                        help="new articles parsed and embedded per encoder call (default: %(default)s)")
    parser.add_argument("--wait", action="store_true",
                        help="when another run is writing to --out, wait for it to finish (default: stop "
                             "with exit status 3)")
    safety = parser.add_argument_group("what inputs may be read")
    safety.add_argument("--allow-outside-paths", action="store_true",
                        help="let a manifest (or a corpus folder's symlinks) name files outside its own folder, "
                             "e.g. absolute paths or ../ (default: refused, naming the row)")
    safety.add_argument("--allow-private-urls", action="store_true",
                        help="let URL articles point at loopback, private or internal addresses, for pages on "
                             "your own intranet (default: refused)")
    model = parser.add_argument_group("models and analysis")
    model.add_argument("--backend", choices=BACKENDS, default=CompareConfig.backend,
                       help="sentence encoder runtime: onnx (ONNX Runtime, same answers as torch, ~2x faster), "
                            "torch (the reference), onnx-int8 (~3x, approximate; see docs/encoders.md), or "
                            "'hashing', a fast deterministic stand-in for tests and dry runs (default: %(default)s)")
    model.add_argument("--model", default=CompareConfig.model,
                       help="sentence-transformers model name or local path (default: the packaged all-MiniLM-L6-v2)")
    model.add_argument("--spacy-model", default=CompareConfig.spacy_model,
                       help="spaCy pipeline name or path (default: %(default)s)")
    model.add_argument("--segmenter", choices=SEGMENTERS, default=CompareConfig.segmenter,
                       help="sentence boundaries from spaCy's parser or pysbd rules (default: %(default)s)")
    model.add_argument("--batch-size", type=int, default=CompareConfig.batch_size,
                       help="sentences per encoder forward pass (default: %(default)s)")
    model.add_argument("--no-facts", action="store_true", help="skip the fact stage (sentence-level results only)")
    model.add_argument("--no-framing", action="store_true", help="skip the framing stage")
    model.add_argument("--allow-non-english", action="store_true",
                       help="compare articles in a language newscompare does not support (supported: "
                            "en, ru, uk, de, fr, es), as if it were the closest supported one")
    output = parser.add_argument_group("messages")
    output.add_argument("--no-progress", action="store_true", help="no progress bar")
    output.add_argument("-v", "--verbose", action="store_true",
                        help="log what each stage does, with the traceback of each failure")
    output.add_argument("-q", "--quiet", action="store_true", help="only errors")
    return parser


def make_config(args: argparse.Namespace) -> CompareConfig:
    config = CompareConfig(model=args.model, backend=args.backend, spacy_model=args.spacy_model,
                           segmenter=args.segmenter, batch_size=args.batch_size,
                           require_english=not args.allow_non_english)
    if args.no_facts:
        config = replace(config, facts=replace(config.facts, enabled=False))
    if args.no_framing:
        config = replace(config, framing=replace(config.framing, enabled=False))
    return config


def parse_formats(value: str) -> tuple[str, ...]:
    formats = tuple(dict.fromkeys(f.strip().lower() for f in value.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(f"unknown output format {', '.join(unknown)} (choose from: {', '.join(FORMATS)})")
    return formats


def is_corpus(inputs: Sequence[str]) -> bool:
    """One directory or manifest file means a corpus run."""
    if len(inputs) != 1:
        return False
    path = Path(inputs[0])
    return path.is_dir() or path.suffix.lower() in MANIFEST_SUFFIXES


class StderrHandler(logging.StreamHandler):
    """A handler that writes to whatever ``sys.stderr`` is when it emits."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:  # StreamHandler.__init__ assigns it; ignored
        pass


class OneLineFormatter(logging.Formatter):
    """``newscompare: message`` on one line, without traceback (that goes to run.log)."""

    def format(self, record: logging.LogRecord) -> str:
        return "newscompare: " + " ".join(record.getMessage().split())


def setup_logging(args: argparse.Namespace) -> None:
    level = logging.ERROR if args.quiet else (logging.INFO if args.verbose else logging.WARNING)
    package = logging.getLogger("compare")
    for old in [h for h in package.handlers if isinstance(h, StderrHandler)]:
        package.removeHandler(old)  # main() called again in one process
    handler = StderrHandler()
    handler.setFormatter(logging.Formatter("newscompare: %(message)s") if args.verbose else OneLineFormatter())
    handler.setLevel(level)
    package.addHandler(handler)
    package.setLevel(min(level, logging.INFO))
    use_env_defaults(MODEL_LIBRARIES_QUIET)  # model libraries' bars and chatter; the run has its own


# ---------------------------------------------------------------- one story

def story_report(story: StoryComparison) -> str:
    """Terminal text: each pair's report, then the matrix for 3 or more articles."""
    if len(story.comparisons) == 1:
        return text_report(story.comparisons[0])
    parts = [f"== {c.a.article.id} vs {c.b.article.id} ==\n{text_report(c)}" for c in story.comparisons]
    return "\n\n".join(parts + [matrix_text(story.matrix)])


def write_single(story: StoryComparison, out: Path, formats: tuple[str, ...]) -> None:
    """--out for directly given articles: a .json/.html file, or a folder."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        data = to_dict(story.comparisons[0]) if len(story.comparisons) == 1 else story.to_dict()
        atomic_write(out, indented_json(data) + "\n")
    elif suffix in (".html", ".htm"):
        if len(story.comparisons) != 1:
            raise UsageError("an .html file holds one pair; give a folder as --out for 3 or more articles")
        from .html_report import render_html

        atomic_write(out, render_html(to_dict(story.comparisons[0]), standalone=True))
    else:
        for name, text in sorted(story_files(story, formats).items()):
            atomic_write(out / name, text)
    print(f"wrote {out}")


def run_single(args: argparse.Namespace, config: CompareConfig, formats: tuple[str, ...]) -> int:
    if len(args.inputs) < 2:
        if "://" not in args.inputs[0] and not Path(args.inputs[0]).exists():
            raise UsageError(f"no such file or directory: {args.inputs[0]}")
        raise UsageError(f"give two or more articles, or one corpus directory or manifest (.csv/.jsonl): "
                         f"{args.inputs[0]} is neither")
    if args.out is not None and is_remote(args.out):
        raise UsageError("a URL as --out is for corpus runs; give a file or folder for articles")
    articles = [read_input(location, args.allow_private_urls) for location in args.inputs]
    story = compare_many(articles, config, embedder_for(articles, config, lambda: encoder(args, config)))
    if args.out:
        write_single(story, args.out, formats)
    else:
        sys.stdout.write(story_report(story) + "\n")
    return EXIT_OK


def read_input(location: str, allow_private_urls: bool = False) -> Article:
    """An article given on the command line."""
    return read_article(location, allow_private=allow_private_urls)


# ---------------------------------------------------------------- a corpus

def check_batch_args(args: argparse.Namespace) -> None:
    if args.out is None:
        raise UsageError("a corpus run needs an output folder: add --out DIR")
    if not is_remote(args.out) and args.out.exists() and not args.out.is_dir():
        raise UsageError(f"--out {args.out} exists and is not a folder")
    if args.workers < 1 or args.chunk_articles < 1:
        raise UsageError("--workers and --chunk-articles must be at least 1")


def run_corpus(args: argparse.Namespace, config: CompareConfig, formats: tuple[str, ...]) -> int:
    check_batch_args(args)
    corpus = corpus_stories(args.inputs[0], allow_outside=args.allow_outside_paths)
    return compare_corpus(args, config, formats, corpus, encoder(args, config))


def compare_corpus(args: argparse.Namespace, config: CompareConfig, formats: tuple[str, ...],
                   corpus: dict, embedder: Embedder) -> int:
    """Run the batch over ``corpus`` and print the tally; the batch's exit status."""
    options = BatchOptions(out_dir=args.out, formats=formats, force=args.force, workers=args.workers,
                           chunk_articles=args.chunk_articles, progress=not args.no_progress, wait=args.wait,
                           allow_private_urls=args.allow_private_urls)
    if args.scheduler:
        result = run_on_dask(args, corpus, config, options, embedder)
    else:
        result = run_batch(corpus, config, embedder, options)  # logs one line per failure
    compared = sum(not r.skipped for r in result.results)
    skipped = len(result.results) - compared
    state = "interrupted" if result.interrupted else "done"
    print(f"{state}: {compared} stories compared, {skipped} already complete, {result.errors} errors, "
          f"{result.warnings} warnings; summary in {join(args.out, SUMMARY_FILE)}, details in "
          f"{join(args.out, LOG_FILE)}")
    return result.exit_code


def run_grouped(args: argparse.Namespace, config: CompareConfig, formats: tuple[str, ...]) -> int:
    """``--group``: group an unsorted pile, write OUT/grouping.csv, compare each story of 2+ articles."""
    from .grouping import GroupingConfig, group_with_confidence, lead_embedder
    from .grouping.cli import manifest_text, read_inputs
    from .grouping.stories import GROUPING_MANIFEST, grouped_corpus, with_files

    check_batch_args(args)
    if is_remote(args.out):
        raise UsageError("--group writes its grouping manifest and inline articles to a local folder: give --out a path")
    if len(args.inputs) != 1:
        raise UsageError("--group takes one input: a folder of articles, a CSV/JSONL feed or a file of URLs")
    entries, errors = read_inputs(Path(args.inputs[0]), allow_outside=args.allow_outside_paths)
    for error in errors:
        log.error("skipped %s", error)
    if not entries:
        raise UsageError(f"no readable articles in {args.inputs[0]}")
    embedder = encoder(args, config)
    settings = replace(GroupingConfig.for_pile(args.encoder, len(entries)), encode_workers=args.workers)
    leads = embedder if settings.encoder == "sentence" else lead_embedder(settings)
    grouping = group_with_confidence([e.article for e in entries], settings, leads)
    entries = with_files(entries, args.out)
    atomic_write(args.out / GROUPING_MANIFEST, manifest_text(entries, grouping, args.out / GROUPING_MANIFEST))
    found = grouped_corpus(entries, grouping)
    print(f"grouped {len(entries)} articles into {len(grouping.stories)} stories "
          f"({args.out / GROUPING_MANIFEST}); {len(found.stories)} stories have two or more articles")
    if found.alone:
        names = ", ".join(entries[i].article.id or entries[i].location for i in found.alone[:5])
        more = f" and {len(found.alone) - 5} more" if len(found.alone) > 5 else ""
        print(f"{len(found.alone)} articles are alone in their story and were not compared: {names}{more}")
    code = compare_corpus(args, config, formats, found.stories, embedder) if found.stories else EXIT_OK
    return max(code, EXIT_FAILED if errors else EXIT_OK)


def run_on_dask(args: argparse.Namespace, corpus, config: CompareConfig, options: BatchOptions, embedder: Embedder):
    """The corpus run on the Dask cluster ``--scheduler`` names (compare/distributed.py)."""
    try:
        from .distributed import SchedulerError, run_batch_dask
    except ImportError as exc:
        raise UsageError(f"--scheduler needs Dask: pip install 'newscompare[dask]' ({exc})") from None
    name = embedder.name  # the encoder loads lazily: the client loads no model
    try:
        return run_batch_dask(corpus, config, name, options, args.scheduler, args.encoder_threads)
    except SchedulerError as exc:
        raise UsageError(str(exc)) from None


def encoder(args: argparse.Namespace, config: CompareConfig) -> Embedder:
    """The run's encoder, with ``--encoder-threads`` applied (torch or ONNX Runtime)."""
    if args.encoder_threads is not None and args.encoder_threads < 1:
        raise UsageError("--encoder-threads must be at least 1")
    return default_embedder(config, args.encoder_threads)


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["group"]:
        from .grouping.cli import group_main

        return group_main(argv[1:])
    if argv[:1] == ["profile"]:
        from .profile import profile_main

        return profile_main(argv[1:])
    args = build_parser().parse_args(argv)
    setup_logging(args)
    try:
        formats = parse_formats(args.formats)
        config = make_config(args)
        if args.group:
            return run_grouped(args, config, formats)
        if is_corpus(args.inputs):
            return run_corpus(args, config, formats)
        return run_single(args, config, formats)
    except KeyboardInterrupt:
        sys.stderr.write("newscompare: interrupted\n")
        return EXIT_INTERRUPTED
    except Exception as exc:
        code, message = exit_status(exc)
        if code == EXIT_FAILED and not isinstance(exc, INPUT_ERRORS):
            log.info("traceback of the failure", exc_info=True)  # shown with -v
        sys.stderr.write(f"newscompare: error: {one_line(message)}\n")
        return code


def exit_status(exc: Exception) -> tuple[int, str]:
    """Exit status and message for what stopped the command: 2 only for bad
    usage, never for a crash."""
    if isinstance(exc, OutFolderBusy):
        return EXIT_BUSY, str(exc)
    if isinstance(exc, USAGE_ERRORS):
        return EXIT_USAGE, str(exc)
    if isinstance(exc, INPUT_ERRORS):
        return EXIT_FAILED, str(exc)
    return EXIT_FAILED, f"{describe_failure(exc).describe()} (a bug: run with -v for the traceback)"


def one_line(text: str) -> str:
    return " ".join(text.split())
