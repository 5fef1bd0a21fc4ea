"""The newscompare command: single stories, corpus runs, exit codes and one-line errors."""
import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from compare.cli import build_parser, main
from test_batch import article_text, make_corpus

FAST = ["--backend", "hashing", "--no-progress"]


@pytest.fixture
def pair(tmp_path) -> tuple[str, str]:
    a, b = tmp_path / "wire.txt", tmp_path / "paper.md"
    a.write_text("---\noutlet: Wire\n---\n" + article_text(0, 1, 4), encoding="utf-8")
    b.write_text(article_text(2, 0, 5), encoding="utf-8")
    return str(a), str(b)


def test_two_articles_print_the_readable_report(pair, capsys):
    assert main([*pair, *FAST]) == 0
    out = capsys.readouterr().out
    assert out.startswith("A: wire (Wire") and "only in B:" in out


def test_three_articles_print_every_pair_and_the_matrix(pair, tmp_path, capsys):
    third = tmp_path / "blog.txt"
    third.write_text(article_text(0, 3), encoding="utf-8")
    assert main([*pair, str(third), *FAST, "--no-facts"]) == 0
    out = capsys.readouterr().out
    assert out.count("== ") == 3 and "== wire vs paper ==" in out
    assert "sentence matrix" in out and "[xxx] 3/3" in out


@pytest.mark.parametrize("name", ["result.json", "result.html", "folder"])
def test_out_writes_json_html_or_a_folder(pair, tmp_path, name, capsys):
    out = tmp_path / name
    assert main([*pair, *FAST, "--out", str(out)]) == 0
    if name.endswith(".json"):
        data = json.loads(out.read_text(encoding="utf-8"))
        assert data["schema_version"] and [a["id"] for a in data["articles"]] == ["wire", "paper"]
    elif name.endswith(".html"):
        assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    else:
        assert sorted(p.name for p in out.iterdir()) == ["matrix.csv", "story.json", "wire--paper.html"]
    assert f"wrote {out}" in capsys.readouterr().out


def test_corpus_run_reports_failures_with_exit_code_1(tmp_path, capsys):
    manifest = make_corpus(tmp_path / "corpus")
    out = tmp_path / "out"
    assert main([str(manifest), "--out", str(out), *FAST]) == 1
    captured = capsys.readouterr()
    assert "3 stories compared" in captured.out and "3 errors" in captured.out
    assert "empty" in captured.err and "Traceback" not in captured.err
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["status"] for r in rows].count("ok") == 4
    # A second run skips the complete story and redoes the ones that failed.
    assert main([str(manifest), "--out", str(out), *FAST]) == 1
    assert "2 stories compared, 1 already complete" in capsys.readouterr().out


def test_corpus_directory_with_json_only(tmp_path):
    root = tmp_path / "corpus"
    for name, idx in (("s1/a.txt", (0, 1)), ("s1/b.txt", (1, 2))):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(article_text(*idx), encoding="utf-8")
    assert main([str(root), "--out", str(tmp_path / "out"), "--formats", "json", *FAST]) == 0
    assert sorted(p.name for p in (tmp_path / "out" / "s1").iterdir()) == ["done.json", "matrix.csv", "story.json"]


@pytest.mark.parametrize("args, message, code", [
    (["one.txt"], "give two or more articles", 2),
    (["missing-dir/"], "no such file or directory: missing-dir/", 2),
    (["stories.csv", "--out", "o"], "no such corpus directory or manifest: stories.csv", 2),
    (["CORPUS/broken/binary.txt", "--out", "o"], "give two or more articles", 2),
    (["CORPUS"], "needs an output folder", 2),
    (["bad.csv", "--out", "o"], "needs a 'story' and a 'path'", 2),
    (["CORPUS", "--out", "o", "--formats", "pdf"], "unknown output format pdf", 2),
    (["CORPUS", "--out", "o", "--workers", "0"], "at least 1", 2),
    (["nowhere.txt", "nothing.txt"], "no such file", 1),
])
def test_bad_input_is_one_readable_line(tmp_path, monkeypatch, capsys, args, message, code):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "one.txt").write_text(article_text(0), encoding="utf-8")
    make_corpus(tmp_path / "CORPUS")
    (tmp_path / "bad.csv").write_text("name,file\nx,y\n", encoding="utf-8")
    assert main([*args, *FAST]) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_help_explains_every_option_with_examples():
    text = build_parser().format_help()
    assert "examples:" in text and "exit status" in text
    for action in build_parser()._actions:
        assert action.help, f"{action.option_strings} has no help"


def test_python_dash_m_compare_runs_the_cli():
    result = subprocess.run([sys.executable, "-m", "compare", "--help"], capture_output=True, text=True,
                            cwd=Path(__file__).resolve().parents[1], timeout=120)
    assert result.returncode == 0 and "newscompare" in result.stdout


@pytest.mark.slow
def test_bundled_corpus_with_the_real_models(tmp_path):
    """The packaged encoder and spaCy pipeline end to end through the console command."""
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    out = tmp_path / "out"
    assert main([str(corpus), "--out", str(out), "--no-progress"]) == 0
    with open(out / "summary.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["story"], r["status"], r["article_a"], r["article_b"]) for r in rows] == [
        ("duma-recognition", "ok", "a-wire", "b-state")]
    assert int(rows[0]["equivalent_pairs"]) + int(rows[0]["related_pairs"]) >= 3
    story = json.loads((out / "duma-recognition" / "story.json").read_text(encoding="utf-8"))
    assert story["pairs"][0]["comparison"]["model"] and story["matrix"]["rows"]


class ThreadedEncoder:
    """Stands in for the ONNX encoder: records set_threads."""

    name = "threaded"

    def __init__(self):
        self.threads = None

    def set_threads(self, threads):
        self.threads = threads


def test_encoder_threads_reach_the_onnx_runtime(monkeypatch):
    import compare.cli as cli
    import compare.pipeline as pipeline
    from compare.config import CompareConfig
    from compare.encoders import CachingEmbedder

    inner = ThreadedEncoder()  # default_embedder applies the threads (shared with the Dask workers)
    monkeypatch.setattr(pipeline, "get_embedder", lambda model, backend, batch_size: CachingEmbedder(inner))
    args = build_parser().parse_args(["CORPUS", "--out", "o", "--encoder-threads", "1"])
    assert cli.encoder(args, CompareConfig()).inner is inner and inner.threads == 1
    with pytest.raises(ValueError, match="at least 1"):
        cli.encoder(build_parser().parse_args(["CORPUS", "--encoder-threads", "0"]), CompareConfig())
    assert build_parser().parse_args(["CORPUS"]).workers == 2


def test_an_analysis_crash_on_two_files_exits_1_with_one_line(pair, monkeypatch, capsys):
    def crashing(*args):
        raise ValueError("3 is not in list")

    from compare import cli

    monkeypatch.setattr(cli, "compare_many", crashing)  # above the analysis' own fail-soft
    assert main([*pair, *FAST]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "ValueError: 3 is not in list" in err


def test_a_crash_in_a_corpus_run_is_one_line_per_problem(tmp_path, monkeypatch, capsys):
    from compare import batch

    def crashing(documents, *args):
        raise ValueError("3 is not in list")

    monkeypatch.setattr(batch, "compare_story", crashing)
    out = tmp_path / "out"
    assert main([str(make_corpus(tmp_path / "corpus")), "--out", str(out), *FAST]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert "Traceback" not in "\n".join(err)
    assert any(line.startswith("newscompare: story rates") and "ValueError" in line for line in err)
    assert "Traceback" in (out / "run.log").read_text(encoding="utf-8")


def test_paths_outside_the_manifest_need_the_flag(tmp_path, capsys):
    manifest = make_corpus(tmp_path / "corpus")
    (tmp_path / "shared.txt").write_text(article_text(3, 4), encoding="utf-8")
    with open(manifest, "a", encoding="utf-8") as fh:
        fh.write("alone,../shared.txt,S\n")
    out = tmp_path / "out"
    assert main([str(manifest), "--out", str(out), *FAST]) == 2
    err = capsys.readouterr().err
    assert "row 9 (story 'alone')" in err and "--allow-outside-paths" in err and not out.exists()
    assert main([str(manifest), "--out", str(out), "--allow-outside-paths", *FAST]) == 1
    with open(out / "summary.csv", encoding="utf-8") as fh:
        assert ("alone", "only", "shared") in {(r["story"], r["article_a"], r["article_b"]) for r in csv.DictReader(fh)}


def test_a_locked_out_folder_stops_a_second_run_with_exit_3(tmp_path, capsys):
    from test_batch import hold_lock

    manifest = make_corpus(tmp_path / "corpus")
    other, _ = hold_lock(tmp_path / "out", 1.5)
    assert main([str(manifest), "--out", str(tmp_path / "out"), *FAST]) == 3
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "another newscompare run" in err and "--wait" in err
    assert main([str(manifest), "--out", str(tmp_path / "out"), "--wait", *FAST]) == 1
    other.join()


def test_url_and_path_options_reach_the_batch(tmp_path, monkeypatch):
    import compare.cli as cli

    seen = {}

    def fake_run_batch(corpus, config, embedder, options):
        seen["options"] = options
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_batch", fake_run_batch)
    manifest = make_corpus(tmp_path / "corpus")
    assert main([str(manifest), "--out", str(tmp_path / "o"), "--allow-private-urls", "--wait", *FAST]) == 130
    assert seen["options"].allow_private_urls and seen["options"].wait
    assert main([str(manifest), "--out", str(tmp_path / "o"), *FAST]) == 130
    assert not seen["options"].allow_private_urls and not seen["options"].wait


def test_help_documents_the_exit_statuses():
    text = build_parser().format_help()
    for line in ("0    everything compared", "analysis crashed (never 2)", "2    bad usage", "3    another run"):
        assert line in text
