"""labels: one naming scheme for articles and sentences, one id de-duplicator."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from compare import compare_articles
from compare.labels import article_label, joined_ids, sentence_label, side_letter, unique_ids
from compare.types import Article

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("n, letter", [(0, "A"), (1, "B"), (25, "Z"), (26, "A26")])
def test_side_letter(n, letter):
    assert side_letter(n) == letter


@pytest.mark.parametrize("side, index, label", [(0, 0, "A1"), (1, 2, "B3"), (0, 41, "A42")])
def test_sentence_label_numbers_from_one(side, index, label):
    assert sentence_label(side, index) == label


@pytest.mark.parametrize("article, label", [
    (Article("t", id="fox-1", source="Fox News"), "fox-1 (Fox News)"),
    (Article("t", id="fox-1"), "fox-1"),
    (Article("t", id="", source="Wire"), " (Wire)"),
])
def test_article_label(article, label):
    assert article_label(article) == label


def test_joined_ids():
    assert joined_ids([Article("t", id="a"), Article("u", id="b")]) == "a+b"
    assert joined_ids([Article("t", id="a")]) == "a"


def test_unique_ids_suffixes_repeats_in_order():
    ids = [a.id for a in unique_ids([Article("x", id="a"), Article("y", id="a"), Article("z", id="b"),
                                     Article("w", id="a")])]
    assert ids == ["a", "a-2", "b", "a-3"]


def test_compare_articles_gives_a_repeated_id_a_suffix(fake_embedder):
    text = "The council met on Monday. It approved the budget."
    result = compare_articles(Article(text, id="x"), Article(text + " Then it adjourned.", id="x"),
                              embedder=fake_embedder)
    assert (result.a.article.id, result.b.article.id) == ("x", "x-2")


def compare_imports(path: Path) -> set[str]:
    """Modules of the package that ``path`` imports anywhere (functions included)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("compare")):
            found.add(node.module or ".".join(alias.name for alias in node.names))
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("compare"))
    return found


def test_types_is_a_leaf_and_labels_only_reads_types():
    assert compare_imports(ROOT / "compare" / "types.py") == set(), "types must not import report (or any stage)"
    assert compare_imports(ROOT / "compare" / "labels.py") == {"types"}
    assert compare_imports(ROOT / "compare" / "tables.py") == {"labels"}
