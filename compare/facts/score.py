"""Fact stage, scoring: how much of each phrase of a sentence the other article says.

A word's difference score is 1 - its best cosine to any token of the
sentence's counterparts in the other article (contextual token vectors,
averaged over subwords; Vamvas & Sennrich 2023), or a lemma test when the
encoder has no token vectors. Numbers are scored by value instead: two
different figures embed almost alike. A phrase's score is the weighted mean
of its words' scores (function words count less): scoring phrases rather than
words is what lifts the iSTS F1 (docs/facts.md).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..config import CompareConfig
from ..encoders import Embedder, supports_tokens
from ..types import Alignment, Document
from .units import Unit


@dataclass(frozen=True)
class SentenceTokenVectors:
    """Contextual token vectors of one sentence, offsets into the article text."""

    offsets: np.ndarray  # (n, 2) int
    vectors: np.ndarray  # (n, d) float32, unit rows


def counterpart_sentences(alignment: Alignment, side: int, top_k: int, floor: float) -> dict[int, tuple[int, ...]]:
    """Per aligned sentence of ``side``: its bead partners plus up to ``top_k``
    other sentences of the other article with cosine >= ``floor`` (a fact of
    an aligned sentence may be told in a neighbouring one). Sentences in no
    bead get no entry: they are unique as a whole."""
    sim = alignment.similarity if side == 0 else alignment.similarity.T
    out: dict[int, tuple[int, ...]] = {}
    for pair in alignment.pairs:
        mine, theirs = (pair.a, pair.b) if side == 0 else (pair.b, pair.a)
        for i in mine:
            extra = [int(j) for j in np.argsort(-sim[i])[:top_k] if sim[i, j] >= floor]
            out[i] = tuple(sorted(set(out.get(i, ())) | set(theirs) | set(extra)))
    return out


def nearest_sentences(alignment: Alignment, side: int, top_k: int, floor: float,
                      skip: set[int] | dict) -> dict[int, tuple[int, ...]]:
    """Per sentence of ``side`` not in ``skip``: its ``top_k`` nearest
    sentences of the other article with cosine >= ``floor`` (none: no entry)."""
    sim = alignment.similarity if side == 0 else alignment.similarity.T
    out: dict[int, tuple[int, ...]] = {}
    if not sim.shape[1]:
        return out
    for i in set(range(sim.shape[0])) - set(skip):
        near = [int(j) for j in np.argsort(-sim[i])[:top_k] if sim[i, j] >= floor]
        if near:
            out[i] = tuple(sorted(near))
    return dict(sorted(out.items()))


def sentence_token_vectors(doc: Document, indices: set[int], embedder: Embedder) -> dict[int, SentenceTokenVectors]:
    """Token vectors of the listed sentences, one batched (and cached) call."""
    order = sorted(indices)
    if not order or not supports_tokens(embedder):
        return {}
    encoded = embedder.encode_tokens([doc.sentences[i].text for i in order])  # type: ignore[attr-defined]
    return {i: SentenceTokenVectors(np.asarray(off, dtype=np.int64).reshape(-1, 2) + doc.sentences[i].start,
                                    np.asarray(vec, dtype=np.float32))
            for i, (off, vec) in zip(order, encoded)}


def contextual_support(token_spans: list[tuple[int, int]], mine: SentenceTokenVectors,
                       theirs: list[SentenceTokenVectors]) -> np.ndarray:
    """Per word span: mean over its subwords of the best cosine to any
    counterpart token. Shape (n_words,); 0 where a word has no subword."""
    if not theirs or not len(mine.vectors):
        return np.zeros(len(token_spans), dtype=np.float32)
    other = theirs[0].vectors if len(theirs) == 1 else np.concatenate([t.vectors for t in theirs])
    best = (mine.vectors @ other.T).max(axis=1) if len(other) else np.zeros(len(mine.vectors), np.float32)
    spans = np.asarray(token_spans, dtype=np.int64).reshape(-1, 2)
    # float32, not bool: numpy's bool @ float product has no BLAS path (~10x slower)
    inside = ((mine.offsets[None, :, 0] < spans[:, 1:2]) & (mine.offsets[None, :, 1] > spans[:, 0:1])).astype(np.float32)
    counts = inside.sum(axis=1)
    return np.where(counts > 0, (inside @ best) / np.maximum(counts, 1), 0.0).astype(np.float32)


def phrase_support(token_spans: list[tuple[int, int]], mine: SentenceTokenVectors,
                   theirs: list[tuple[SentenceTokenVectors, tuple[int, int]]]) -> np.ndarray:
    """Per word span (rows) and per phrase of the other article (columns,
    each a ``(vectors, (start, end))`` of its sentence): mean over the word's
    subwords of the best cosine to a token of that phrase alone. Shape
    (n_words, n_phrases); 0 where a word or a phrase has no subword. One
    product per sentence of the other article, the phrases' maxima at once."""
    out = np.zeros((len(token_spans), len(theirs)), dtype=np.float32)
    if not len(mine.vectors) or not theirs:
        return out
    inside = _covering(mine.offsets, token_spans).astype(np.float32)
    counts = np.maximum(inside.sum(axis=1), 1)
    columns: dict[int, list[int]] = {}  # the phrases of each sentence of the other article
    for n, (vectors, _) in enumerate(theirs):
        columns.setdefault(id(vectors), []).append(n)
    for cols in columns.values():
        vectors = theirs[cols[0]][0]
        if not len(vectors.vectors):
            continue
        keep = _covering(vectors.offsets, [theirs[n][1] for n in cols])  # (phrases, their subwords)
        cosines = mine.vectors @ vectors.vectors.T  # (my subwords, their subwords)
        best = np.where(keep[None, :, :], cosines[:, None, :], -np.inf).max(axis=2)
        best = np.where(keep.any(axis=1)[None, :], best, 0.0)
        out[:, cols] = (inside @ best) / counts[:, None]
    return out


def _covering(offsets: np.ndarray, spans) -> np.ndarray:
    """(len(spans), len(offsets)) bool: subword k overlaps span s."""
    spans = np.asarray(spans, dtype=np.int64).reshape(-1, 2)
    return (offsets[None, :, 0] < spans[:, 1:2]) & (offsets[None, :, 1] > spans[:, 0:1])


def lexical_support(tokens, keys: set[str]) -> np.ndarray:
    """Per spaCy token: 1 when its lemma or lower-cased form is in ``keys``."""
    return np.array([float(t.lemma_.lower() in keys or t.lower_ in keys) for t in tokens], dtype=np.float32)


def word_weights(tokens, stop_weight: float) -> np.ndarray:
    """Weight of each token in its phrase's score: punctuation 0, function words ``stop_weight``."""
    return np.array([0.0 if t.is_punct or t.is_space else stop_weight if t.is_stop else 1.0 for t in tokens],
                    dtype=np.float32)


def anchored_support(tokens, units: list[Unit], said: dict[Unit, bool], min_name_words: int) -> dict[int, float]:
    """Token index -> 1/0 for the words of numbers, names and dates: is the
    unit said anywhere in the other article? Two different figures embed
    almost alike, and one name spelled two ways may not. Only a number's
    digits are anchored, not the noun it counts. A name the other article
    lacks is anchored only when it has at least ``min_name_words`` words
    (0: never); shorter ones keep their cosine score."""
    out: dict[int, float] = {}
    for unit in units:
        if unit not in said or (not said[unit] and unit.kind != "number" and not _long_name(unit, min_name_words)):
            continue
        for i in unit.tokens:
            if unit.kind != "number" or tokens[i].like_num or tokens[i].text[:1].isdigit():
                out[i] = 1.0 if said[unit] else 0.0
    return out


def _long_name(unit: Unit, min_words: int) -> bool:
    return min_words > 0 and (unit.kind == "date" or len(unit.text.split()) >= min_words)


def isolate_tokens(chunks: list[Unit], doc, isolate: set[int]) -> list[Unit]:
    """Split phrases so that the ``isolate`` tokens (a figure the other article
    never gives) form phrases of their own: "15,000 people" against "people"
    shows "15,000" as unique instead of averaging it away."""
    out: list[Unit] = []
    for chunk in chunks:
        if not isolate.intersection(chunk.tokens):
            out.append(chunk)
            continue
        groups: list[list[int]] = []
        for i in chunk.tokens:
            if groups and (i in isolate) == (groups[-1][-1] in isolate) and i == groups[-1][-1] + 1:
                groups[-1].append(i)
            else:
                groups.append([i])
        for ids in groups:
            span = doc[ids[0]:ids[-1] + 1]
            out.append(Unit("chunk", span.start_char, span.end_char, chunk.sentence, span.text, tuple(ids)))
    return out


def phrase_scores(chunks: list[Unit], difference: dict[int, float], weights: dict[int, float]) -> list[float]:
    """Difference score of each phrase: weighted mean of its tokens' scores
    (all-function-word phrases fall back to equal weights)."""
    out = []
    for chunk in chunks:
        w = np.array([weights[i] for i in chunk.tokens])
        d = np.array([difference[i] for i in chunk.tokens])
        if w.sum() == 0:
            w = np.ones_like(w) if any(not np.isnan(x) for x in d) else w
        out.append(float((w * d).sum() / w.sum()) if w.sum() else float("nan"))
    return out


def smooth_clauses(chunks: list[Unit], unique: list[bool], clauses: list[Unit], share: float,
                   weights: dict[int, float], figures: frozenset[int] = frozenset(),
                   paired: frozenset[int] = frozenset()) -> list[bool]:
    """A detachable clause whose phrases are mostly unique (by content weight
    >= ``share``) is unique as a whole: the reader sees the clause one
    report adds, not a patchwork of its words. So is an absolute "with"
    clause that holds a figure the other report never gives (token indices
    ``figures``): the figure is what it says ("with 351 MPs voting in
    favor"); a main or reported clause keeps its shared words ("has killed
    15,000 people" against "has killed people"). Phrases paired one-to-one
    with a phrase of the other report (indices ``paired``) keep their
    verdict: the other report says them."""
    out = list(unique)
    for clause in clauses:
        inside = [n for n, c in enumerate(chunks) if clause.start <= c.start and c.end <= clause.end]
        total = sum(sum(weights[i] for i in chunks[n].tokens) for n in inside)
        hit = sum(sum(weights[i] for i in chunks[n].tokens) for n in inside if unique[n])
        lone_figure = clause.dep == "prep" and any(figures.intersection(chunks[n].tokens) for n in inside)
        if total and (hit / total >= share or lone_figure):
            for n in inside:
                out[n] = out[n] or n not in paired
    return out


def configured_floor(config: CompareConfig) -> float:
    """Cosine floor for extra counterpart sentences: the aligner's "related" floor."""
    return config.align.related_cosine
