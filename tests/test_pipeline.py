"""compare_articles end to end: fast with the fake embedder, slow with the real model."""
import json

from dataclasses import replace

import numpy as np

import pytest

from compare import Article, CompareConfig, HashingEmbedder, IngestError, compare_articles, relabel, to_json
from compare.pipeline import ComparisonError

STORY = (
    "Russian lawmakers voted on Tuesday to recognize two breakaway regions of eastern Ukraine. "
    "The speaker of the lower house said the appeal would be sent to the Kremlin immediately. "
    "Ukraine's foreign minister said Russia would be withdrawing from the Minsk agreements. "
    "Russia has issued more than 700,000 passports to residents of the region since 2014. "
    "Peace talks between Ukraine, Russia, France and Germany ended without a breakthrough last week."
)
OTHER = (
    "The city council approved a new budget for public libraries on Monday. "
    "Opening hours will be extended on weekends starting in March. "
    "Librarians welcomed the decision after years of cuts to staff and books."
)


def sentences(text: str) -> list[str]:
    return [s if s.endswith(".") else s + "." for s in text.split(". ")]


def test_identical_articles_share_everything(fake_embedder):
    result = compare_articles(STORY, STORY, embedder=fake_embedder)
    assert [(p.a, p.b, p.kind) for p in result.alignment.pairs] == [((i,), (i,), "equivalent") for i in range(5)]
    assert set(result.alignment.status_a) == {"shared"} == set(result.alignment.status_b)


def test_unrelated_articles_share_nothing(fake_embedder):
    result = compare_articles(STORY, OTHER, embedder=fake_embedder)
    assert result.alignment.pairs == ()
    assert set(result.alignment.status_a) == {"unique"}


def test_reordered_copy_aligns(fake_embedder):
    parts = sentences(STORY)
    order = [3, 0, 4, 1, 2]
    result = compare_articles(STORY, " ".join(parts[i] for i in order), embedder=fake_embedder)
    assert {(p.a[0], p.b[0]) for p in result.alignment.pairs} == {(i, j) for j, i in enumerate(order)}


def test_dropped_sentence_is_unique(fake_embedder):
    parts = sentences(STORY)
    result = compare_articles(STORY, " ".join(parts[:3] + parts[4:]), embedder=fake_embedder)
    assert result.alignment.status_a == ("shared", "shared", "shared", "unique", "shared")


def test_to_dict_schema_and_offsets(fake_embedder):
    a = Article(STORY, id="wire", source="Wire", date="2022-02-15")
    data = json.loads(to_json(compare_articles(a, STORY[:200], embedder=fake_embedder)))
    assert data["schema_version"] and set(data) >= {"articles", "alignments", "highlights", "facts", "framing"}
    art = data["articles"][0]
    assert (art["id"], art["source"], art["date"]) == ("wire", "Wire", "2022-02-15")
    for article in data["articles"]:
        for s in article["sentences"]:
            assert article["text"][s["start"]:s["end"]].strip() and s["status"] in {"shared", "partial", "unique"}
    for h in data["highlights"]:
        assert h["status"] in {"shared", "unique", "framing", "conflict"} and 0 <= h["start"] < h["end"]
    for p in data["alignments"]:
        assert p["kind"] in {"equivalent", "related"} and p["a"] and p["b"]


def test_plain_strings_get_ids(fake_embedder):
    result = compare_articles(STORY, OTHER, embedder=fake_embedder)
    assert (result.a.article.id, result.b.article.id) == ("A", "B")


def test_one_sentence_articles(fake_embedder):
    result = compare_articles("The Duma voted to recognize the regions.", "The Duma voted to recognize the regions.",
                              embedder=fake_embedder)
    assert result.alignment.status_a == ("shared",)


class RecordingEmbedder(HashingEmbedder):
    """Remembers every text it was asked to encode as a sentence."""

    def __init__(self):
        super().__init__()
        self.seen: list[str] = []

    def encode(self, texts):
        self.seen.extend(texts)
        return super().encode(texts)


def test_relabel_does_not_re_embed_sentences():
    embedder = RecordingEmbedder()
    result = compare_articles(STORY, STORY, embedder=embedder)
    sentences_text = {s.text for s in result.a.sentences}
    embedder.seen.clear()
    strict = relabel(result, CompareConfig().with_align(equivalent_margin=9.0), embedder)
    assert not sentences_text & set(embedder.seen)
    assert set(strict.alignment.status_a) == {"partial"}
    assert np.array_equal(strict.alignment.similarity, result.alignment.similarity)


def test_relabel_keeps_the_links_and_relinks_only_for_new_link_settings(monkeypatch):
    import compare.pipeline

    embedder = RecordingEmbedder()
    result = compare_articles(STORY, STORY.replace("Tuesday", "Monday"), embedder=embedder)
    assert result.links is not None and result.links.clusters
    linked = []
    original = compare.pipeline.link_mentions
    monkeypatch.setattr(compare.pipeline, "link_mentions", lambda *a: linked.append(a) or original(*a))
    strict = relabel(result, CompareConfig().with_align(equivalent_margin=9.0), embedder)
    assert not linked and strict.links is result.links  # a threshold change never re-links
    assert strict.alignment.status_a != result.alignment.status_a
    assert strict.referents == result.referents
    other = CompareConfig().with_align(equivalent_margin=9.0)
    relabel(result, replace(other, links=replace(other.links, same_head_min_cosine=0.9)), embedder)
    assert len(linked) == 1, "new link settings are applied, not the old links reused"


@pytest.mark.parametrize("bad", ["", "   ", "12 34 ..."])
def test_empty_input_is_an_ingest_error(fake_embedder, bad):
    with pytest.raises(IngestError):
        compare_articles(bad, STORY, embedder=fake_embedder)


def test_unsupported_language_is_refused(fake_embedder):
    # Russian is read since issue 19 (tests/test_languages.py); Italian is not.
    text = "I deputati della Duma hanno votato martedì per il riconoscimento dell'indipendenza delle repubbliche."
    with pytest.raises(IngestError, match="does not read.*'it'"):
        compare_articles(STORY, text, embedder=fake_embedder)


def test_sentence_without_words_is_refused(fake_embedder):
    with pytest.raises((IngestError, ComparisonError)):
        compare_articles(STORY, "— … ¶ 2022", embedder=fake_embedder)


# ------------------------------------------------------------------ real model

@pytest.mark.slow
def test_real_model_identical_reordered_unrelated():
    parts = sentences(STORY)
    same = compare_articles(STORY, STORY)
    assert set(same.alignment.status_a) == {"shared"}
    reordered = compare_articles(STORY, " ".join(parts[i] for i in [4, 2, 0, 3, 1]))
    assert {(p.a[0], p.b[0]) for p in reordered.alignment.pairs} == {(4, 0), (2, 1), (0, 2), (3, 3), (1, 4)}
    assert compare_articles(STORY, OTHER).alignment.pairs == ()


@pytest.mark.slow
def test_real_model_split_sentence_aligns_one_to_two():
    a = ("The Duma ratified friendship treaties with the two regions on Tuesday, and President Putin signed "
         "a decree ordering troops into the area. Markets in Moscow fell sharply. The European Union prepared "
         "new sanctions against Russian banks.")
    b = ("The Duma ratified friendship treaties with the two regions on Tuesday. President Putin signed a "
         "decree ordering troops into the area. The European Union prepared new sanctions against Russian banks.")
    result = compare_articles(a, b)
    bead = next(p for p in result.alignment.pairs if 0 in p.a)
    assert bead.b == (0, 1)
    assert result.alignment.status_a[1] == "unique"


@pytest.mark.slow
def test_seed_pair_against_gold(seed_pair, seed_gold):
    result = compare_articles(*seed_pair)
    a_text, b_text = (d.article.text for d in result.documents)

    def sentence(doc, snippet):
        start = doc.article.text.index(snippet)
        return next(s.index for s in doc.sentences if s.start <= start < s.end)

    beads = [(set(p.a), set(p.b)) for p in result.alignment.pairs]
    aligned = [any(sentence(result.a, f["a"]) in x and sentence(result.b, f["b"]) in y for x, y in beads)
               for f in seed_gold["shared_facts"]]
    assert aligned[2]  # "Russia's State Duma, the lower house of parliament" pair
    not_shared = [result.alignment.status_a[sentence(result.a, s)] != "shared" for s in seed_gold["only_in_a"]]
    not_shared += [result.alignment.status_b[sentence(result.b, s)] != "shared" for s in seed_gold["only_in_b"]]
    assert sum(not_shared) >= 16
