"""`newscompare INPUT --group --out results/`: group an unsorted pile, then compare the stories found."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from compare.cli import main
from compare.corpus import corpus_stories
from compare.grouping import Grouping
from compare.grouping.cli import Entry
from compare.grouping.stories import grouped_corpus, with_files
from compare.types import Article
from test_grouping import OSCARS, OSCARS_B, QUAKE_A, QUAKE_B, QUAKE_OTHER

FEED = [("quake-a", QUAKE_A), ("oscars-a", OSCARS), ("quake-b", QUAKE_B), ("quake-italy", QUAKE_OTHER),
        ("oscars-b", OSCARS_B)]


def write_feed(tmp_path):
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": i, "text": t, "outlet": f"outlet-{i}"}) for i, t in FEED),
                    encoding="utf-8")
    return feed


def test_group_then_compare_in_one_run(tmp_path, capsys):
    out = tmp_path / "results"
    code = main([str(write_feed(tmp_path)), "--group", "--out", str(out), "--backend", "hashing", "--no-progress"])
    assert code == 0, capsys.readouterr().err
    printed = capsys.readouterr().out
    assert "1 articles are alone in their story and were not compared: quake-italy" in printed
    manifest = list(csv.DictReader((out / "grouping.csv").open(encoding="utf-8")))
    story = {r["id"]: r["story"] for r in manifest}
    assert story["quake-a"] == story["quake-b"] and story["oscars-a"] == story["oscars-b"]
    assert len(set(story.values())) == 3
    compared = {r["story"] for r in csv.DictReader((out / "summary.csv").open(encoding="utf-8"))}
    assert compared == {story["quake-a"], story["oscars-a"]}   # the story of one is not compared
    assert (out / story["quake-a"] / "matrix.csv").is_file()
    assert not (out / story["quake-italy"]).exists()


def test_group_run_takes_the_grouping_encoder_and_workers(tmp_path, capsys, monkeypatch):
    import compare.grouping as grouping
    from compare.encoders import HashingEmbedder

    seen = []
    monkeypatch.setattr(grouping, "lead_embedder", lambda config, model=None, backend=None:
                        seen.append(config) or HashingEmbedder())
    out = tmp_path / "results"
    assert main([str(write_feed(tmp_path)), "--group", "--out", str(out), "--backend", "hashing", "--no-progress",
                 "--encoder", "usem3", "--workers", "3"]) == 0
    assert [(c.encoder, c.encode_workers, c.merge_threshold) for c in seen] == [
        ("usem3", 3, grouping.GroupingConfig.usem3().merge_threshold)]
    story = {r["id"]: r["story"] for r in csv.DictReader((out / "grouping.csv").open(encoding="utf-8"))}
    assert story["quake-a"] == story["quake-b"] != story["quake-italy"]


def test_the_grouping_manifest_is_a_corpus_the_corpus_command_reads(tmp_path, capsys):
    out = tmp_path / "results"
    assert main([str(write_feed(tmp_path)), "--group", "--out", str(out), "--backend", "hashing",
                 "--no-progress"]) == 0
    stories = corpus_stories(out / "grouping.csv")     # inline texts were written under results/articles/
    assert sorted(len(refs) for refs in stories.values()) == [1, 2, 2]
    assert all((out / "articles").resolve() in Path(r.location).parents
               for refs in stories.values() for r in refs)


def test_group_refuses_feed_paths_outside_its_folder(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text(QUAKE_A, encoding="utf-8")
    feed = tmp_path / "feeds" / "feed.csv"
    feed.parent.mkdir()
    feed.write_text("path\n../secret.txt\n", encoding="utf-8")
    args = [str(feed), "--group", "--out", str(tmp_path / "results"), "--backend", "hashing", "--no-progress"]
    assert main(args) == 2
    assert "--allow-outside-paths" in capsys.readouterr().err
    assert not (tmp_path / "results" / "grouping.csv").exists()


@pytest.mark.parametrize("extra, message", [([], "one input"), (["--out", None], "output folder")])
def test_group_usage_errors_exit_2(tmp_path, capsys, extra, message):
    feed = str(write_feed(tmp_path))
    args = [feed, feed, "--group", "--out", str(tmp_path / "r")] if not extra else [feed, "--group"]
    assert main(args + ["--backend", "hashing"]) == 2
    assert message in capsys.readouterr().err


def test_unreadable_articles_are_skipped_with_exit_1(tmp_path, capsys):
    folder = tmp_path / "pile"
    folder.mkdir()
    for name, text in [("a.txt", QUAKE_A), ("b.txt", QUAKE_B), ("empty.txt", "")]:
        (folder / name).write_text(text, encoding="utf-8")
    assert main([str(folder), "--group", "--out", str(tmp_path / "r"), "--backend", "hashing",
                 "--no-progress"]) == 1
    assert "empty.txt" in capsys.readouterr().err
    assert (tmp_path / "r" / "grouping.csv").is_file()


def test_grouped_corpus_keeps_stories_of_two_or_more(tmp_path):
    entries = [Entry(Article(text=t, id=i), "") for i, t in FEED[:3]]
    entries = with_files(entries, tmp_path)
    found = grouped_corpus(entries, Grouping(labels=("s1", "s2", "s1"), confidence=(0.9, 1.0, 0.9)))
    assert list(found.stories) == ["s1"] and found.alone == (1,)
    assert [r.location for r in found.stories["s1"]] == [entries[0].location, entries[2].location]
    assert (tmp_path / "articles" / "quake-a.txt").read_text(encoding="utf-8") == QUAKE_A


def test_inline_ids_that_clash_get_distinct_files(tmp_path):
    entries = with_files([Entry(Article(text="one", id="x"), ""), Entry(Article(text="two", id="X"), ""),
                          Entry(Article(text="three", id="../.."), "")], tmp_path)
    assert len({e.location for e in entries}) == 3
    assert all(tmp_path.resolve() / "articles" in Path(e.location).parents for e in entries)
