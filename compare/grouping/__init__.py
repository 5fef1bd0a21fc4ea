"""Grouping stage: a pile of unsorted articles -> stories (one label per article, with a confidence).

Articles belong to one story when they report the same event, not merely the
same topic: the pair score combines the embedded lead, shared content words,
shared names and shared numbers, and publication dates too far apart veto a
link. Candidate pairs come from a nearest-neighbour search and groups merge by
average linkage on that sparse graph, so 100,000 articles never build an
all-pairs matrix. When unsure, articles stay apart (docs/grouping.md).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..types import Article
from .cluster import average_linkage
from .settings import GroupingConfig
from .features import ArticleFeatures, article_features, row_cosines
from .neighbours import top_k_neighbours

log = logging.getLogger(__name__)

__all__ = ["GROUPING_ENCODERS", "Grouping", "GroupingConfig", "PairScores", "group_articles",
           "group_with_confidence", "lead_embedder"]

# GroupingConfig.encoder values: the comparison's sentence encoder, or USE
# multilingual v3 (compare/encoders/multilingual.py; GroupingConfig.usem3()).
GROUPING_ENCODERS = ("sentence", "usem3")


@dataclass(frozen=True)
class PairScores:
    """Candidate pairs ``(rows[p], cols[p])``, ``rows < cols``, with their
    features ``(p, 4)`` (``FEATURES`` cosines) and scores (0-1)."""

    rows: np.ndarray
    cols: np.ndarray
    features: np.ndarray
    scores: np.ndarray


@dataclass(frozen=True)
class Grouping:
    """One story label per article (input order) and how sure each assignment is.

    ``confidence[i]`` is, for an article in a story with others, the mean
    score of its links to the other members (how strongly it belongs); for an
    article alone, 1 minus its best score to any other article (how clearly
    it stands apart). ``stories`` lists member indices per label."""

    labels: tuple[str, ...]
    confidence: tuple[float, ...]

    @property
    def stories(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for i, label in enumerate(self.labels):
            out.setdefault(label, []).append(i)
        return out


def grouping_config(config) -> GroupingConfig:
    """The grouping settings of ``config``: a ``GroupingConfig``, a
    ``CompareConfig`` with a ``grouping`` field, or None (defaults)."""
    if isinstance(config, GroupingConfig):
        return config
    return getattr(config, "grouping", None) or GroupingConfig()


# The pair features, in order: cosines of these ArticleFeatures fields; each
# has a GroupingConfig weight named weight_<field>.
FEATURES = ("lead", "words", "names", "numbers")


def pair_features(features: ArticleFeatures, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """res[p, f] = cosine of pair p's two articles on feature ``FEATURES[f]``."""
    return np.column_stack([row_cosines(getattr(features, name), rows, cols) for name in FEATURES])


def numbers_with_leads(x: np.ndarray, min_lead: float) -> np.ndarray:
    """``x`` (``pair_features``) with the numbers cosine set to 0 where the lead
    cosine is below ``min_lead``: a shared number (a year, a toll) tells one
    event from another only between reports about the same thing."""
    if min_lead <= 0:
        return x
    x = x.copy()
    x[x[:, FEATURES.index("lead")] < min_lead, FEATURES.index("numbers")] = 0.0
    return x


def pair_scores(features: ArticleFeatures, rows: np.ndarray, cols: np.ndarray,
                config: GroupingConfig) -> PairScores:
    """Logistic score of each candidate pair; pairs whose known dates are
    more than ``max_day_gap`` apart score 0."""
    x = numbers_with_leads(pair_features(features, rows, cols), config.numbers_min_lead)
    weights = np.array([getattr(config, f"weight_{name}") for name in FEATURES])
    scores = 1.0 / (1.0 + np.exp(-(config.bias + x @ weights)))
    gap = np.abs(features.days[rows] - features.days[cols])
    scores[np.nan_to_num(gap, nan=0.0) > config.max_day_gap] = 0.0
    return PairScores(rows, cols, x, scores.astype(np.float32))


def candidate_pairs(features: ArticleFeatures, config: GroupingConfig) -> tuple[np.ndarray, np.ndarray]:
    """Each article's nearest neighbours by lead embedding (by content words without an embedder)."""
    vectors = features.lead if features.lead.shape[1] else features.words
    return top_k_neighbours(vectors, config.neighbours)


def score_pile(articles: Sequence[Article], config: GroupingConfig, embedder) -> PairScores:
    """Features and candidate pair scores of a pile (the part before clustering)."""
    features = article_features(articles, embedder, config)
    rows, cols = candidate_pairs(features, config)
    log.info("grouping %d articles: %d candidate pairs", len(articles), len(rows))
    return pair_scores(features, rows, cols, config)


def cluster_pairs(n: int, pairs: PairScores, config: GroupingConfig) -> Grouping:
    """Average-linkage groups of ``n`` articles from scored pairs, labelled
    ``story-001``... in order of first article, with per-article confidence."""
    ids = average_linkage(n, pairs.rows, pairs.cols, pairs.scores, config.merge_threshold,
                          config.merge_coherence)
    width = max(3, len(str(int(ids.max()) + 1 if n else 0)))
    labels = tuple(f"story-{i + 1:0{width}d}" for i in ids.tolist())
    return Grouping(labels=labels, confidence=tuple(assignment_confidence(ids, pairs).tolist()))


def assignment_confidence(ids: np.ndarray, pairs: PairScores) -> np.ndarray:
    """Per article: mean score of its candidate links inside its group, or,
    alone, 1 - its best candidate score (see ``Grouping``)."""
    n = len(ids)
    inside = ids[pairs.rows] == ids[pairs.cols]
    total, count, best = np.zeros(n), np.zeros(n), np.zeros(n)
    for ends in (pairs.rows, pairs.cols):
        np.add.at(total, ends[inside], pairs.scores[inside])
        np.add.at(count, ends[inside], 1)
        np.maximum.at(best, ends, pairs.scores)
    alone = count == 0
    return np.round(np.where(alone, 1.0 - best, total / np.maximum(count, 1)), 3)


def group_with_confidence(articles: Sequence[Article], config=None, embedder=None) -> Grouping:
    """Story labels and confidences for ``articles`` (see ``Grouping``).
    ``embedder`` defaults to the configured sentence encoder."""
    articles = list(articles)
    if not articles:
        return Grouping(labels=(), confidence=())
    settings = grouping_config(config)
    if embedder is None:
        embedder = lead_embedder(settings, getattr(config, "model", None), getattr(config, "backend", None))
    return cluster_pairs(len(articles), score_pile(articles, settings, embedder), settings)


def group_articles(articles: Sequence[Article], config=None, embedder=None) -> list[str]:
    """One story label per article, in input order; articles of one event share a label."""
    return list(group_with_confidence(articles, config, embedder).labels)


def lead_embedder(settings: GroupingConfig, model: str | None = None, backend: str | None = None):
    """The encoder of the leads that ``settings.encoder`` names: USE
    multilingual v3, or the sentence encoder ``model`` on ``backend``
    (``CompareConfig``'s when not given). Nothing loads until it encodes."""
    if settings.encoder not in GROUPING_ENCODERS:
        raise ValueError(f"unknown grouping encoder {settings.encoder!r} (choose from: {', '.join(GROUPING_ENCODERS)})")
    if settings.encoder == "usem3":
        from ..encoders.multilingual import get_multilingual_embedder

        return get_multilingual_embedder("usem3")
    from ..config import CompareConfig
    from ..encoders import get_embedder

    return get_embedder(model or CompareConfig.model, backend or CompareConfig.backend)
