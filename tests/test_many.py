"""N-way stories: the fact matrix on hand-made facts, and compare_many end to end (fake embedder)."""
import dataclasses
import json
import random

import numpy as np
import pytest

from compare import Article, IngestError
from compare.labels import unique_ids
from compare.story import UnionFind, cluster_nodes, column_labels, compare_many, fact_matrix, matrix_text
from compare.types import AlignedPair, Alignment, Comparison, Document, Fact, Sentence, Span

# Three outlets; each text is two sentences.
TEXTS = (
    "Officials said 15,000 troops crossed the border. The mayor was not available for comment.",
    "About 15,000 troops crossed the border, officials said. Markets fell sharply on Monday.",
    "Some 20,000 troops crossed the border. Markets fell sharply on Monday.",
)


def document(n: int) -> Document:
    text = TEXTS[n]
    cut = text.index(". ") + 1
    sentences = (Sentence(0, 0, cut, text[:cut]), Sentence(1, cut + 1, len(text), text[cut + 1:]))
    return Document(Article(text, id=f"art{n}", source=("Fox", "NYT", "HuffPost")[n]), sentences,
                    np.zeros((2, 4), dtype=np.float32))


def alignment(pairs: tuple[AlignedPair, ...]) -> Alignment:
    """An Alignment with the given beads; the score matrices are not used here."""
    values = {"pairs": pairs, "status_a": ("unique",) * 2, "status_b": ("unique",) * 2}
    for f in dataclasses.fields(Alignment):
        values.setdefault(f.name, np.zeros((2, 2), dtype=np.float32))
    return Alignment(**values)


def span_of(n: int, phrase: str) -> Span:
    start = TEXTS[n].index(phrase)
    return Span(start, start + len(phrase))


def fact(status: str, text: str, a: tuple[Span, ...], b: tuple[Span, ...], kind: str = "number") -> Fact:
    return Fact(kind, status, text, a, b, reason="hand-made")


def story(facts_by_pair: dict, beads_by_pair: dict | None = None):
    documents = [document(n) for n in range(3)]
    pairs = ((0, 1), (0, 2), (1, 2))
    comparisons = [Comparison(documents[i], documents[j], alignment((beads_by_pair or {}).get((i, j), ())), (),
                              tuple(facts_by_pair.get((i, j), ()))) for i, j in pairs]
    return documents, pairs, comparisons


def test_fact_shared_through_one_outlet_is_one_row_reported_by_three():
    troops = "troops crossed the border"
    facts = {(0, 1): [fact("shared", troops, (span_of(0, troops),), (span_of(1, troops),), "claim")],
             (0, 2): [fact("shared", troops, (span_of(0, troops),), (span_of(2, troops),), "claim")]}
    matrix = fact_matrix(*story(facts))
    assert matrix.level == "fact"
    assert [(r.kind, r.reported_by) for r in matrix.rows] == [("claim", 3)]
    row = matrix.rows[0]
    assert [c.text for c in row.cells] == [troops] * 3
    assert [c.spans for c in row.cells] == [(span_of(n, troops),) for n in range(3)]
    assert {c.status for c in row.cells} == {"shared"}


def test_fact_in_one_outlet_only_is_a_row_with_empty_cells():
    mayor = "The mayor was not available"
    facts = {(0, 1): [fact("only_a", mayor, (span_of(0, mayor),), (), "claim")],
             (0, 2): [fact("only_a", mayor, (span_of(0, mayor),), (), "claim")]}
    rows = fact_matrix(*story(facts)).rows
    assert len(rows) == 1 and rows[0].reported_by == 1
    assert rows[0].cells[1] is None and rows[0].cells[2] is None
    assert rows[0].cells[0].status == "only"


def test_conflict_is_marked_on_the_row_and_its_cells():
    facts = {(1, 2): [fact("conflict", "15,000 vs 20,000 troops", (span_of(1, "15,000"),), (span_of(2, "20,000"),))],
             (0, 1): [fact("shared", "15,000", (span_of(0, "15,000"),), (span_of(1, "15,000"),))]}
    rows = fact_matrix(*story(facts)).rows
    assert len(rows) == 1 and rows[0].conflict and rows[0].reported_by == 3
    assert [c.status for c in rows[0].cells] == ["shared", "conflict", "conflict"]
    assert [c.text for c in rows[0].cells] == ["15,000", "15,000", "20,000"]


def test_facts_of_different_kinds_stay_apart_even_when_spans_overlap():
    facts = {(0, 1): [fact("only_a", "15,000", (span_of(0, "15,000"),), ()),
                      fact("only_a", "15,000 troops crossed", (span_of(0, "15,000 troops crossed"),), (), "claim")]}
    rows = fact_matrix(*story(facts)).rows
    assert sorted(r.kind for r in rows) == ["claim", "number"]


def test_sentence_matrix_when_no_pair_has_facts():
    bead = AlignedPair((1,), (1,), 1.5, 0.9, "equivalent")
    related = AlignedPair((0,), (0,), 1.1, 0.5, "related")
    documents, pairs, comparisons = story({}, {(1, 2): (bead, related)})
    matrix = fact_matrix(documents, pairs, comparisons)
    assert matrix.level == "sentence"
    # 6 sentences; the equivalent bead merges two of them; the related one does not.
    assert len(matrix.rows) == 5
    markets = [r for r in matrix.rows if r.reported_by == 2]
    assert len(markets) == 1 and markets[0].text == "Markets fell sharply on Monday."
    assert markets[0].cells[0] is None and markets[0].cells[1].status == "shared"


def test_matrix_switches_to_facts_as_soon_as_one_pair_has_some():
    bead = AlignedPair((1,), (1,), 1.5, 0.9, "equivalent")
    facts = {(0, 2): [fact("only_b", "20,000", (), (span_of(2, "20,000"),))]}
    assert fact_matrix(*story(facts, {(1, 2): (bead,)})).level == "fact"


def test_cluster_merges_overlapping_spans_of_one_article_and_kind():
    groups = cluster_nodes([[(0, "claim", 0, 10)], [(0, "claim", 5, 20)], [(0, "claim", 30, 40)],
                            [(1, "claim", 0, 10)]])
    assert groups == [[(0, "claim", 0, 10), (0, "claim", 5, 20)], [(0, "claim", 30, 40)], [(1, "claim", 0, 10)]]


def test_cluster_is_independent_of_link_order():
    links = [[(0, "x", i, i + 2), (1, "x", 3 * i, 3 * i + 1)] for i in range(0, 30, 3)]
    links += [[(2, "x", 7, 9), (1, "x", 0, 1)], [(2, "x", 50, 60)]]
    expected = cluster_nodes(links)
    shuffled = links[:]
    random.Random(1).shuffle(shuffled)
    assert cluster_nodes([list(reversed(link)) for link in shuffled]) == expected
    assert expected[0] == [(0, "x", 0, 2), (1, "x", 0, 1), (2, "x", 7, 9)]


def test_union_find_roots_are_the_smallest_member():
    sets = UnionFind()
    for node in (5, 3, 9):
        sets.add(node)
    sets.union(9, 5)
    sets.union(5, 3)
    assert sets.find(9) == sets.find(5) == 3


@pytest.mark.parametrize("sources, expected", [
    (("Fox", "NYT"), ("Fox", "NYT")),
    (("Fox", "Fox"), ("Fox (a)", "Fox (b)")),
    (("", "NYT"), ("a", "NYT")),
])
def test_column_labels(sources, expected):
    docs = [Document(Article("x", id=i, source=s), (), np.zeros((0, 4))) for i, s in zip("ab", sources)]
    assert column_labels(docs) == expected


def test_unique_ids_suffixes_repeats():
    ids = [a.id for a in unique_ids([Article("x", id="a"), Article("y", id="a"), Article("z", id="b")])]
    assert ids == ["a", "a-2", "b"]


# ---------------------------------------------------------------- end to end (spaCy + fake embedder)

SHARED = "The central bank raised its main interest rate by half a point on Thursday."
ARTICLES = [
    Article(f"{SHARED} Analysts had expected a smaller increase after weak retail figures.", id="w", source="Wire"),
    Article(f"Housing groups warned that mortgages would become more expensive. {SHARED}", id="p", source="Paper"),
    Article(f"{SHARED} The currency rose against the dollar in early trading.", id="b", source="Blog"),
]


def test_compare_many_compares_every_pair_and_builds_the_matrix(fake_embedder):
    result = compare_many(ARTICLES, embedder=fake_embedder, story="rates")
    assert result.pairs == ((0, 1), (0, 2), (1, 2))
    assert [(c.a.article.id, c.b.article.id) for c in result.comparisons] == [("w", "p"), ("w", "b"), ("p", "b")]
    assert result.matrix.columns == ("Wire", "Paper", "Blog")
    data = json.loads(json.dumps(result.to_dict()))
    assert data["story"] == "rates" and len(data["pairs"]) == 3
    assert [len(row["cells"]) for row in data["matrix"]["rows"]] == [3] * len(data["matrix"]["rows"])
    if result.matrix.level == "sentence":
        assert max(r.reported_by for r in result.matrix.rows) == 3
    assert len(matrix_text(result.matrix).splitlines()) == 1 + len(result.matrix.rows)


def test_compare_many_sentence_matrix_finds_the_sentence_all_three_share(fake_embedder):
    from compare import CompareConfig

    config = CompareConfig(facts=dataclasses.replace(CompareConfig().facts, enabled=False))
    result = compare_many(ARTICLES, config, fake_embedder)
    assert result.matrix.level == "sentence"
    full = [r for r in result.matrix.rows if r.reported_by == 3]
    assert [r.text for r in full] == [SHARED]
    assert sum(r.reported_by == 1 for r in result.matrix.rows) == 3


def test_compare_many_needs_two_articles(fake_embedder):
    with pytest.raises(IngestError, match="at least 2"):
        compare_many([ARTICLES[0]], embedder=fake_embedder)


def test_compare_many_accepts_plain_text_with_distinct_ids(fake_embedder):
    result = compare_many([ARTICLES[0].text, ARTICLES[1].text], embedder=fake_embedder)
    assert [d.article.id for d in result.documents] == ["A", "B"]
