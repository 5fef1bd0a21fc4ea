"""Batch runs: error rows, resume after an interruption, byte-identical outputs, atomic writes."""
import csv
import gc
import json
import http.server
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from compare import batch, corpus, outputs, pipeline
from compare.batch import BatchOptions, DocumentStore, StoryJob, plan_chunks, run_batch
from compare.corpus import CorpusError, corpus_stories
from compare.encoders.gate import EncoderGate
from compare.outputs import atomic_write, slug
from compare.config import CompareConfig
from compare.encoders import CachingEmbedder, HashingEmbedder, supports_tokens
from compare.types import Article

SENTENCES = [
    "The central bank raised its main interest rate by half a point on Thursday.",
    "Analysts had expected a smaller increase after weak retail figures.",
    "Housing groups warned that mortgages would become more expensive.",
    "The currency rose against the dollar in early trading.",
    "The finance minister welcomed the decision in a statement.",
    "Opposition leaders said families would pay the price of the decision.",
]


def article_text(*indexes: int, marker: str = "") -> str:
    return " ".join(f"{marker}{SENTENCES[i]}" for i in indexes) + "\n"


def make_corpus(root: Path) -> Path:
    """Stories: 'rates' with 3 outlets, 'broken' with an empty and a binary file
    next to two good articles, 'alone' with one readable article."""
    files = {
        "rates/fox.txt": article_text(0, 1, 4), "rates/nyt.txt": article_text(2, 0, 5),
        "rates/hpo.txt": article_text(0, 3, 1),
        "broken/a.txt": article_text(0, 4, marker="Broken story: "), "broken/b.txt": article_text(0, 5),
        "broken/empty.txt": "", "alone/only.txt": article_text(3, 4),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "broken/binary.txt").write_bytes(b"\x00\x01\x02 not text \x00")
    rows = ["story,path,outlet", "rates,rates/fox.txt,Fox", "rates,rates/nyt.txt,NYT", "rates,rates/hpo.txt,HuffPost",
            "broken,broken/a.txt,A", "broken,broken/empty.txt,E", "broken,broken/binary.txt,X",
            "broken,broken/b.txt,B", "alone,alone/only.txt,O"]
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return root / "manifest.csv"


def run(manifest: Path, out: Path, embedder=None, **options):
    config = CompareConfig(backend="hashing")
    return run_batch(corpus_stories(manifest), config, embedder or CachingEmbedder(HashingEmbedder()),
                     BatchOptions(out_dir=out, progress=False, **options))


def summary_rows(out: Path) -> list[dict]:
    with open(out / "summary.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def manifest(tmp_path) -> Path:
    return make_corpus(tmp_path / "corpus")


def test_run_completes_with_error_rows_and_exit_code(manifest, tmp_path):
    out = tmp_path / "out"
    result = run(manifest, out)
    assert result.exit_code == 1 and not result.interrupted
    rows = summary_rows(out)
    assert [(r["story"], r["status"], r["article_a"], r["article_b"]) for r in rows] == [
        ("rates", "ok", "fox", "nyt"), ("rates", "ok", "fox", "hpo"), ("rates", "ok", "nyt", "hpo"),
        ("broken", "ok", "a", "b"), ("broken", "error", "empty.txt", ""), ("broken", "error", "binary.txt", ""),
        ("alone", "error", "", "")]
    errors = {r["article_a"]: r["error"] for r in rows if r["status"] == "error"}
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"]
    assert "1 readable article" in errors[""]
    assert rows[0]["outlet_a"] == "Fox" and float(rows[0]["shared_share_a"]) > 0
    # Complete stories get their outputs and marker; a story with a failed article is redone next time.
    assert sorted(p.name for p in (out / "rates").iterdir()) == [
        "done.json", "fox--hpo.html", "fox--nyt.html", "matrix.csv", "nyt--hpo.html", "referents.html", "story.json"]
    assert (out / "broken" / "story.json").exists() and not (out / "broken" / "done.json").exists()
    story = json.loads((out / "rates" / "story.json").read_text(encoding="utf-8"))
    assert [p["comparison"]["articles"][0]["id"] for p in story["pairs"]] == ["fox", "fox", "nyt"]
    assert story["matrix"]["columns"] == ["Fox", "NYT", "HuffPost"]
    assert "run finished" in (out / "run.log").read_text(encoding="utf-8")


def test_clean_corpus_exits_zero(tmp_path):
    root = tmp_path / "corpus"
    for name, idx in (("s1/a.txt", (0, 1)), ("s1/b.txt", (1, 2)), ("s2/a.txt", (3, 4)), ("s2/b.txt", (4, 5))):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(article_text(*idx), encoding="utf-8")
    result = run(root, tmp_path / "out")
    assert result.exit_code == 0 and [r.story for r in result.results] == ["s1", "s2"]


class FreezeRecordingEmbedder(CachingEmbedder):
    """Records ``gc.get_freeze_count()`` at each encoder call."""

    def __init__(self):
        super().__init__(HashingEmbedder())
        self.frozen: list[int] = []

    def encode(self, texts):
        self.frozen.append(gc.get_freeze_count())
        return super().encode(texts)


def test_run_freezes_the_heap_it_starts_with_and_unfreezes_after(manifest, tmp_path):
    assert gc.get_freeze_count() == 0
    embedder = FreezeRecordingEmbedder()
    run(manifest, tmp_path / "out", embedder=embedder)
    assert embedder.frozen and min(embedder.frozen) > 1000  # the imported libraries' objects at least
    assert gc.get_freeze_count() == 0


def test_run_leaves_a_callers_frozen_heap_as_it_was(manifest, tmp_path):
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        run(manifest, tmp_path / "out")
        # not unfrozen (0), nor the run's heap frozen on top (more); frozen
        # objects whose last reference goes during the run leave the count
        assert 0 < gc.get_freeze_count() <= before
    finally:
        gc.unfreeze()


def test_interrupted_run_unfreezes_the_heap(manifest, tmp_path):
    run(manifest, tmp_path / "out", embedder=InterruptingEmbedder(after=1))
    assert gc.get_freeze_count() == 0


def word_batch(texts) -> bool:
    """The fact stage's event matcher encodes single words (lemmas); these
    tests are about sentence batches."""
    return all(" " not in t for t in texts)


class InterruptingEmbedder(CachingEmbedder):
    """Raises KeyboardInterrupt (as Ctrl-C would) on its n-th sentence batch."""

    def __init__(self, after: int):
        super().__init__(HashingEmbedder())
        self.batches, self.after = 0, after

    def encode(self, texts):
        if word_batch(texts):
            return super().encode(texts)
        self.batches += 1
        if self.batches == self.after:
            raise KeyboardInterrupt
        return super().encode(texts)


class RecordingEmbedder(CachingEmbedder):
    def __init__(self):
        super().__init__(HashingEmbedder())
        self.seen: list[str] = []

    def encode(self, texts):
        if not word_batch(texts):
            self.seen.extend(texts)
        return super().encode(texts)


def test_interrupted_run_resumes_without_redoing_finished_stories(manifest, tmp_path):
    out = tmp_path / "out"
    first = run(manifest, out, InterruptingEmbedder(after=2), workers=1, chunk_articles=1)
    assert first.interrupted and first.exit_code == 130
    assert [r.story for r in first.results] == ["rates"] and (out / "rates" / "done.json").exists()
    assert [r["story"] for r in summary_rows(out)] == ["rates"] * 3
    assert not list(out.rglob(".*.tmp-*")) and not (out / "broken").exists()
    recorder = RecordingEmbedder()
    second = run(manifest, out, recorder)
    assert [(r.story, r.skipped) for r in second.results] == [("rates", True), ("broken", False), ("alone", False)]
    assert all(t.startswith("Broken story") or t in SENTENCES for t in recorder.seen)
    assert not set(recorder.seen) & {SENTENCES[2], SENTENCES[1]}  # only in 'rates' articles, never re-encoded
    assert len(summary_rows(out)) == 7


def test_force_redoes_complete_stories(manifest, tmp_path):
    out = tmp_path / "out"
    run(manifest, out)
    assert all(r.skipped for r in run(manifest, out).results if r.story == "rates")
    assert not any(r.skipped for r in run(manifest, out, force=True).results)


def test_changed_input_invalidates_a_finished_story(manifest, tmp_path):
    out = tmp_path / "out"
    run(manifest, out)
    (manifest.parent / "rates" / "hpo.txt").write_text(article_text(3, 4), encoding="utf-8")
    rates = [r for r in run(manifest, out).results if r.story == "rates"][0]
    assert not rates.skipped


def test_outputs_are_byte_identical_across_runs(manifest, tmp_path):
    run(manifest, tmp_path / "one", workers=2, chunk_articles=2)
    run(manifest, tmp_path / "two", workers=1, chunk_articles=50)
    files = sorted(p.relative_to(tmp_path / "one") for p in (tmp_path / "one").rglob("*") if p.is_file())
    assert Path("rates/story.json") in files and Path("summary.csv") in files
    for name in files:
        if name.name != "run.log":
            assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_each_distinct_text_is_prepared_once(tmp_path, monkeypatch):
    root = tmp_path / "corpus"
    for name, idx in (("s1/a.txt", (0, 1)), ("s1/b.txt", (2, 3)), ("s2/a.txt", (0, 1)), ("s2/c.txt", (4, 5))):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(article_text(*idx), encoding="utf-8")
    prepared: list[str] = []
    original = pipeline.prepare_documents  # the batch reaches it through pipeline.prepare_each

    corpus = {article_text(*idx) for idx in ((0, 1), (2, 3), (4, 5))}

    def spy(articles, config, embedder):  # only this corpus: a thread left by another test may prepare too
        prepared.extend(a.text for a in articles if a.text in corpus)
        return original(articles, config, embedder)

    monkeypatch.setattr(pipeline, "prepare_documents", spy)
    result = run(root, tmp_path / "out", chunk_articles=2)
    assert result.exit_code == 0
    assert sorted(prepared) == sorted(corpus)


def test_stale_temporary_files_are_removed(manifest, tmp_path):
    out = tmp_path / "out"
    (out / "rates").mkdir(parents=True)
    stale = out / "rates" / ".story.json.tmp-123-456"
    stale.write_text("{half", encoding="utf-8")
    run(manifest, out)
    assert not stale.exists()


def test_atomic_write_leaves_old_file_when_interrupted(tmp_path, monkeypatch):
    target = tmp_path / "story.json"
    atomic_write(target, "old")

    def killed(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new and longer")
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["story.json"]


def test_encoder_gate_hands_the_parse_slot_over_at_the_first_encode():
    inner = CachingEmbedder(HashingEmbedder())
    gate = EncoderGate(inner)
    second_parsing = threading.Event()

    class Slow:
        name = "slow"

        def encode(self, texts):
            assert second_parsing.wait(5), "the parse slot was not released during encoding"
            return inner.encode(texts)

    gate.inner = Slow()

    def other():
        with gate.parsing():
            second_parsing.set()

    with gate.parsing():
        helper = threading.Thread(target=other)
        helper.start()
        assert gate.encode(["a sentence"]).shape == (1, 256)
    helper.join(5)
    assert not helper.is_alive() and gate.timings["encode_s"] > 0


def test_encoder_gate_keeps_token_vectors_visible():
    assert supports_tokens(EncoderGate(CachingEmbedder(HashingEmbedder())))


def test_plan_chunks_counts_only_new_texts():
    a, b, c = (Article(t) for t in ("one", "two", "three"))
    jobs = [StoryJob("s1", (), "", [a, b]), StoryJob("s2", (), "", [a, b]), StoryJob("s3", (), "", [c, a])]
    assert [[j.story for j in chunk] for chunk in plan_chunks(jobs, 2)] == [["s1", "s2"], ["s3"]]
    store = DocumentStore(plan_chunks(jobs, 2))
    assert [x.text for x in store.owned(0, plan_chunks(jobs, 2)[0])] == ["one", "two"]
    assert store.uses["one"] == 3


def test_corpus_of_story_folders_and_errors(tmp_path):
    (tmp_path / "b-story").mkdir()
    (tmp_path / "a-story").mkdir()
    for name in ("a-story/2.txt", "a-story/1.html", "a-story/README.md", "b-story/x.md", "a-story/notes.pdf"):
        (tmp_path / name).write_text("text", encoding="utf-8")
    found = corpus_stories(tmp_path)
    assert list(found) == ["a-story", "b-story"]
    assert [Path(r.location).name for r in found["a-story"]] == ["1.html", "2.txt"]
    with pytest.raises(CorpusError, match="no such"):
        corpus_stories(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="no manifest"):
        corpus_stories(tmp_path / "empty")


@pytest.mark.parametrize("name, expected", [("rates", "rates"), ("a/b", None), ("../x", None), ("", None)])
def test_slug_is_a_safe_distinct_file_name(name, expected):
    result = slug(name)
    assert "/" not in result and not result.startswith(".") and result
    if expected:
        assert result == expected
    else:
        assert result != name


def test_encoder_gate_lets_small_and_cached_calls_pass_a_running_encode():
    """The fact stage's small encoder calls must not wait for another
    thread's chunk (seconds) to finish encoding."""
    from compare.encoders.gate import SMALL_CALL, EncoderGate
    from compare.encoders import CachingEmbedder, HashingEmbedder

    embedder = CachingEmbedder(HashingEmbedder())
    big = [f"sentence number {n}" for n in range(SMALL_CALL + 1)]
    embedder.encode(big)
    gate = EncoderGate(embedder)
    with gate._encode:  # another thread is encoding a chunk
        assert gate.encode(["a few", "lemmas"]).shape == (2, 256)
        assert gate.encode(big).shape == (len(big), 256)  # all cached
        assert len(gate.encode_tokens(["a few"])) == 1
    assert embedder.has(big) and not embedder.has(["never seen"])


# ---------------------------------------------------------------- failures, paths, the lock, slow reads

MARKER = "Opposition leaders"  # SENTENCES[5]: in 'rates/nyt' and 'broken/b'


def crash_on_marker(monkeypatch):
    """Make the fact stage crash on a pair with a MARKER sentence, above the
    per-sentence fail-soft (which would turn a crash inside it into a
    warning), as the clause splitter once did on a stray dash."""
    from compare import pipeline

    original = pipeline.analyse_facts

    def failing(a, b, *args):
        for sentence in a.sentences + b.sentences:
            if MARKER in sentence.text:
                raise ValueError("3 is not in list")
        return original(a, b, *args)

    monkeypatch.setattr(pipeline, "analyse_facts", failing)


def test_a_failing_sentence_is_a_warning_not_a_lost_story(manifest, tmp_path, monkeypatch):
    from compare.facts import families

    original = families._claim

    def failing(side, text, *args):
        if MARKER in text:
            raise ValueError("3 is not in list")
        return original(side, text, *args)

    monkeypatch.setattr(families, "_claim", failing)
    out = tmp_path / "out"
    run(manifest, out)
    rates = [r for r in summary_rows(out) if r["story"] == "rates"]
    assert [r["status"] for r in rates] == ["ok", "ok", "ok"] and rates[0]["warnings"] == "1"
    assert "ValueError: 3 is not in list" in (out / "run.log").read_text(encoding="utf-8")


def test_a_failing_pair_is_a_warning_and_the_story_is_still_reported(manifest, tmp_path, monkeypatch):
    crash_on_marker(monkeypatch)
    out = tmp_path / "out"
    result = run(manifest, out)
    rates = [r for r in summary_rows(out) if r["story"] == "rates"]
    assert rates and all(r["status"] == "ok" for r in rates)
    assert "story.pair failed" in (out / "run.log").read_text(encoding="utf-8")


def test_a_crash_is_an_error_row_with_the_traceback_in_the_log(manifest, tmp_path, monkeypatch):
    def crashing(documents, *args):
        raise ValueError("3 is not in list")

    monkeypatch.setattr(batch, "compare_story", crashing)
    out = tmp_path / "out"
    result = run(manifest, out)
    assert result.exit_code == 1
    failed = [r for r in summary_rows(out) if r["status"] == "error" and r["story"] == "rates"]
    assert failed and all("ValueError: 3 is not in list" in r["error"] for r in failed)
    assert "Traceback" in (out / "run.log").read_text(encoding="utf-8")
    assert not (out / "rates" / "done.json").exists()  # retried on the next run


def test_read_error_row_names_location_and_outlet(manifest, tmp_path):
    run(manifest, tmp_path / "out")
    row = [r for r in summary_rows(tmp_path / "out") if r["article_a"] == "empty.txt"][0]
    assert row["stage"] == "read" and row["outlet_a"] == "E"
    assert str(manifest.parent / "broken" / "empty.txt") in row["error"]


class WithWarnings:
    """A comparison that carries the analysis' per-sentence warnings."""

    def __init__(self, comparison, warnings):
        self._comparison, self.warnings = comparison, warnings

    def __getattr__(self, name):
        return getattr(self._comparison, name)


def test_analysis_warnings_are_logged_and_counted(manifest, tmp_path, monkeypatch):
    from dataclasses import replace

    from compare.types import AnalysisWarning
    original = batch.compare_story

    def with_warnings(documents, config, embedder, story):
        result = original(documents, config, embedder, story)
        first = WithWarnings(result.comparisons[0], (AnalysisWarning("facts", "A", 2, "A sentence.", 0, 11, "ValueError: 3 is not in list"),))
        return replace(result, comparisons=(first,) + result.comparisons[1:])

    monkeypatch.setattr(batch, "compare_story", with_warnings)
    out = tmp_path / "out"
    result = run(manifest, out)
    assert result.warnings == 2  # the first pair of 'rates' and of 'broken'
    assert [r["warnings"] for r in summary_rows(out) if r["story"] == "rates"] == ["1", "0", "0"]
    assert ("story rates, fox vs nyt: facts stage skipped part of article A, sentence 2: ValueError: 3 is not in list"
            in (out / "run.log").read_text(encoding="utf-8"))


@pytest.mark.parametrize("location", ["/etc/passwd", "../outside.txt", "link.txt"])
def test_manifest_paths_outside_its_folder_need_the_flag(tmp_path, location):
    root = tmp_path / "corpus"
    root.mkdir()
    (tmp_path / "outside.txt").write_text(article_text(0, 1), encoding="utf-8")
    (root / "link.txt").symlink_to(tmp_path / "outside.txt")
    (root / "in.txt").write_text(article_text(2, 3), encoding="utf-8")
    manifest = root / "manifest.csv"
    manifest.write_text(f"story,path\ns1,in.txt\ns2,in.txt\ns2,{location}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"row 3 \(story 's2'\): .* is outside .*--allow-outside-paths"):
        corpus_stories(manifest)
    assert [Path(r.location).name for r in corpus_stories(manifest, allow_outside=True)["s2"]][0] == "in.txt"


def test_story_folder_symlink_out_of_the_corpus_is_refused(tmp_path):
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    story = tmp_path / "corpus" / "s1"
    story.mkdir(parents=True)
    (story / "a.txt").write_text("text", encoding="utf-8")
    (story / "b.txt").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(CorpusError, match="story 's1'.*secret.txt is outside"):
        corpus_stories(tmp_path / "corpus")
    assert len(corpus_stories(tmp_path / "corpus", allow_outside=True)["s1"]) == 2


def test_a_second_run_on_the_same_folder_is_refused_and_leaves_its_files(manifest, tmp_path):
    from filelock import FileLock

    out = tmp_path / "out"
    in_flight = out / "rates" / ".story.json.tmp-1-2"  # the other run's temporary file
    in_flight.parent.mkdir(parents=True)
    in_flight.write_text("{half", encoding="utf-8")
    with FileLock(out / outputs.LOCK_FILE):
        with pytest.raises(outputs.OutFolderBusy, match="another newscompare run.*--wait"):
            run(manifest, out)
        assert in_flight.exists() and not (out / "summary.csv").exists()
    assert run(manifest, out).exit_code == 1 and not in_flight.exists()


def hold_lock(out: Path, seconds: float) -> tuple[threading.Thread, threading.Event]:
    """Another run (a thread here) that holds ``out``'s lock for ``seconds``."""
    from filelock import FileLock

    held = threading.Event()

    def other_run():
        with FileLock(out / outputs.LOCK_FILE):
            held.set()
            time.sleep(seconds)

    out.mkdir(parents=True, exist_ok=True)
    thread = threading.Thread(target=other_run)
    thread.start()
    assert held.wait(10)
    return thread, held


def test_wait_runs_once_the_other_run_is_done(manifest, tmp_path):
    out = tmp_path / "out"
    other, _ = hold_lock(out, 1.0)
    started = time.perf_counter()
    result = run(manifest, out, wait=True)
    assert time.perf_counter() - started >= 0.9 and result.exit_code == 1
    assert len(summary_rows(out)) == 7
    other.join()


class StallingHandler(http.server.BaseHTTPRequestHandler):
    """Answers only once the test sets ``release``: a server that sends nothing."""

    release = threading.Event()
    requested = threading.Event()

    def do_GET(self):
        self.requested.set()
        self.release.wait(30)
        self.send_response(200)
        self.end_headers()  # HTTP/1.0: the body ends when the connection closes
        self.wfile.write(article_text(0, 4, marker="Slow story: ").encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def stalling_server():
    StallingHandler.release, StallingHandler.requested = threading.Event(), threading.Event()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StallingHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article"
    StallingHandler.release.set()
    server.shutdown()
    server.server_close()


def test_stories_of_local_files_finish_while_a_url_is_still_being_fetched(tmp_path, monkeypatch, stalling_server):
    """The first story waits for a URL; the second, local, story is compared
    and written meanwhile; the summary keeps the corpus order."""
    from compare.ingest import article_from_text

    original = corpus.read_ref

    def read(ref, **options):  # fetches like ingest would, without its address rules
        if "://" not in ref.location:
            return original(ref, **options)
        with urllib.request.urlopen(ref.location, timeout=30) as response:
            return article_from_text(response.read().decode(), id="web", source=ref.source)

    monkeypatch.setattr(corpus, "read_ref", read)
    root = tmp_path / "corpus"
    root.mkdir()
    for name, idx in (("slow-a.txt", (0, 1)), ("fast-a.txt", (2, 3)), ("fast-b.txt", (3, 5))):
        (root / name).write_text(article_text(*idx), encoding="utf-8")
    (root / "manifest.csv").write_text(
        f"story,path,outlet\nslow,slow-a.txt,A\nslow,{stalling_server},Web\nfast,fast-a.txt,A\nfast,fast-b.txt,B\n",
        encoding="utf-8")
    out = tmp_path / "out"
    outcome: list = []
    runner = threading.Thread(target=lambda: outcome.append(run(root / "manifest.csv", out, chunk_articles=50)))
    runner.start()
    try:
        assert StallingHandler.requested.wait(20)
        deadline = time.monotonic() + 30
        while not (out / "fast" / "done.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (out / "fast" / "done.json").exists(), "the local story waited for the URL"
        assert not (out / "slow").exists() and runner.is_alive()
    finally:
        StallingHandler.release.set()
        runner.join(60)
    assert outcome[0].exit_code == 0
    assert [(r["story"], r["article_b"]) for r in summary_rows(out)] == [("slow", "web"), ("fast", "fast-b")]


def test_the_private_url_opt_in_reaches_the_read_function(tmp_path, monkeypatch):
    seen = []

    def read(ref, allow_private_urls=False):
        seen.append(allow_private_urls)
        return Article(article_text(len(seen) % 6, 1), id=f"a{len(seen)}")

    monkeypatch.setattr(corpus, "read_article_ref", read)
    root = tmp_path / "corpus"
    root.mkdir()
    (root / "m.csv").write_text("story,url\ns,http://10.0.0.1/a\ns,http://10.0.0.1/b\n", encoding="utf-8")
    assert run(root / "m.csv", tmp_path / "out", allow_private_urls=True).exit_code == 0
    assert seen == [True, True]
