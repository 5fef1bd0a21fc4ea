"""Grouping stage, configuration: every threshold of story grouping, with how it was measured.

Figures come from ``benchmarks/grouping.py`` on the dev piles in
``../shared/data`` (BASIL, ECB+ topics 1-35, NewsWCL50; docs/grouping.md).
Kept beside the grouping package rather than in ``compare/config.py`` so that
the stage could be built while that file was being edited; ``CompareConfig``
can take it as a field later (``group_articles`` reads ``config.grouping``
when given a ``CompareConfig`` that has one).
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class GroupingConfig:
    """Story grouping (compare/grouping)."""

    # Characters of the text after the title that form the embedded lead.
    lead_chars: int = 600
    # Characters of the text read for words, names and numbers: long articles
    # cost no more than short ones.
    text_chars: int = 4000
    # Words in more than this share of the pile carry no story signal.
    max_word_df: float = 0.5
    # Candidate pairs: each article's k nearest neighbours by lead embedding
    # (by words when there is no embedder). No all-pairs matrix. Same-story
    # pairs among the candidates, mixed dev pile (4,691 in all): k=10 3,913,
    # k=20 4,589, k=30 4,660 (words alone: 4,030 / 4,639 / 4,681).
    neighbours: int = 30
    # Pair score = logistic(bias + sum of weight x feature); see pair_scores.
    # Fitted by logistic regression on the candidate pairs of the mixed dev
    # pile (benchmarks/grouping.py --fit); refitted per fold in the k-fold figures.
    weight_lead: float = 5.85
    weight_words: float = 4.33
    weight_names: float = 5.82
    weight_numbers: float = 4.82
    bias: float = -7.49
    # Publication dates further apart than this (days, both known) never link.
    max_day_gap: float = 30.0
    # Two groups merge when the mean score of their candidate pairs reaches
    # this and, when both have several members, at least merge_coherence x
    # the mean score inside each. ECB+ dev (B-cubed P / F1): threshold 0.45
    # without coherence 0.924 / 0.922; with 0.5: 0.942 / 0.932 (0.35: 0.927 /
    # 0.934); coherence 0.6: 0.956 / 0.916. BASIL dev: 0.986 at 0.45, 1.000
    # at 0.35. Mixed pile at 0.45: 0.953 / 0.941; 5-fold (threshold and
    # weights tuned on 4 folds): ECB+ 0.922 / 0.926, mixed 0.943 / 0.945.
    merge_threshold: float = 0.45
    merge_coherence: float = 0.5
