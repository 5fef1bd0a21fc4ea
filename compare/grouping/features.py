"""Grouping stage, features: what each article reports, as vectors to compare.

Per article: the lead (title + opening) as a sentence embedding, the content
words of the text as TF-IDF, the names (capitalised words inside sentences)
and the numbers as IDF-weighted bags, and the publication day when known.
Every sparse matrix has L2-normalised rows, so a row product is a cosine.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

from ..encoders.base import runtime_of
from ..encoders.pool import encode_in_processes, process_safe
from ..types import Article
from .settings import GroupingConfig
from ..lexicon import CAPITALISED_NON_NAMES, LEAD_FUNCTION_WORDS

# A name token: a capitalised word not at the start of a sentence or line
# (sentence-initial words are capitalised whatever they are), or an acronym.
_NAME = re.compile(r"(?<![.!?\n]\s)(?<!^)\b([A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*|[A-Z]{2,})\b", re.M)
_NUMBER = re.compile(r"\b\d[\d,.]*\d\b|\b\d\b")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_EDGE_PUNCTUATION = ".,;:!?'\"()[]\u201c\u201d\u2018\u2019"



@dataclass(frozen=True)
class ArticleFeatures:
    """The pile's features, one row per article (input order)."""

    lead: np.ndarray              # (n, d) float32 unit rows: title + opening, embedded
    words: sparse.csr_matrix      # (n, v) TF-IDF of content words, unit rows
    names: sparse.csr_matrix      # (n, m) IDF-weighted name tokens, unit rows (zero row: no names)
    numbers: sparse.csr_matrix    # (n, k) IDF-weighted numbers, unit rows
    days: np.ndarray              # (n,) float days since 1970-01-01, NaN when unknown


def lead_text(article: Article, lead_chars: int) -> str:
    """Title and the opening of the text, cut at a word boundary."""
    body = article.text.strip()
    if len(body) > lead_chars:
        body = body[:lead_chars].rsplit(" ", 1)[0]
    title = article.title.strip()
    return f"{title}. {body}" if title and not body.startswith(title) else body


def content_words(text: str) -> str:
    """``text`` without its function words (``lexicon.LEAD_FUNCTION_WORDS``,
    matched without case or the punctuation around a word), whitespace
    collapsed: what the encoder reads of a lead, about a quarter fewer tokens."""
    return " ".join(w for w in text.split() if w.lower().strip(_EDGE_PUNCTUATION) not in LEAD_FUNCTION_WORDS)


def body_text(article: Article, text_chars: int) -> str:
    """Title and text, capped so that long articles cost no more than short ones."""
    return f"{article.title}\n{article.text[:text_chars]}"


def name_tokens(text: str) -> list[str]:
    """Lower-cased capitalised words that stand inside sentences (names, places, organisations)."""
    return [t.lower() for t in _NAME.findall(text) if t.lower() not in CAPITALISED_NON_NAMES]


def number_tokens(text: str) -> list[str]:
    """Numbers as written, separators dropped ("15,000" -> "15000"); single digits and years kept."""
    return [n.replace(",", "") for n in _NUMBER.findall(text)]


def publication_day(date: str) -> float:
    """Days since 1970-01-01 of an ISO date (``2013-05-02...``), NaN when absent or malformed."""
    match = _DATE.search(date or "")
    if not match:
        return float("nan")
    try:
        return float(dt.date(*map(int, match.groups())).toordinal() - dt.date(1970, 1, 1).toordinal())
    except ValueError:
        return float("nan")


def bag_matrix(bags: Sequence[Sequence[str]], min_df: int = 2) -> sparse.csr_matrix:
    """Unit rows of log-IDF-weighted term counts; terms in fewer than ``min_df``
    articles are dropped (they cannot link two articles)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not any(bags):
        return sparse.csr_matrix((len(bags), 1), dtype=np.float32)
    vectorizer = TfidfVectorizer(analyzer=lambda bag: bag, min_df=min(min_df, len(bags)),
                                 sublinear_tf=True, dtype=np.float32)
    try:
        return vectorizer.fit_transform(bags).tocsr()
    except ValueError:  # no term reaches min_df
        return sparse.csr_matrix((len(bags), 1), dtype=np.float32)


def word_matrix(texts: Sequence[str], config: GroupingConfig) -> sparse.csr_matrix:
    """TF-IDF of lower-cased content words (English stop words dropped), unit rows."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", min_df=min(2, len(texts)), max_df=config.max_word_df,
                                 sublinear_tf=True, dtype=np.float32, token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z]+\b")
    try:
        return vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # a pile too small or too uniform to keep any word
        return sparse.csr_matrix((len(texts), 1), dtype=np.float32)


def article_features(articles: Sequence[Article], embedder, config: GroupingConfig) -> ArticleFeatures:
    """Everything the pair scores read, computed once per pile."""
    bodies = [body_text(a, config.text_chars) for a in articles]
    leads = [lead_text(a, config.lead_chars) for a in articles]
    if config.drop_lead_function_words:
        leads = [content_words(lead) for lead in leads]
    lead = encode_leads(leads, embedder, config.encode_chunk, config.encode_workers) if embedder is not None else None
    return ArticleFeatures(
        lead=lead if lead is not None else np.zeros((len(articles), 0), np.float32),
        words=word_matrix(bodies, config),
        names=bag_matrix([name_tokens(b) for b in bodies]),
        numbers=bag_matrix([number_tokens(b) for b in bodies]),
        days=np.array([publication_day(a.date) for a in articles], dtype=np.float64),
    )


def encode_leads(leads: Sequence[str], embedder, chunk: int, workers: int = 1) -> np.ndarray:
    """(n, d) float32 lead vectors. Each distinct lead is encoded once, in
    chunks of ``chunk`` distinct leads: what an encoder holds for one call
    (tokenizer output, and the token vectors a caching wrapper keeps) stays
    bounded instead of growing with the pile. With ``workers`` > 1 and an
    encoder that allows it, the chunks go to that many processes; the chunks
    are the same, so are the vectors, bit for bit (compare/encoders/pool.py)."""
    distinct = list(dict.fromkeys(leads))
    if not distinct:
        return np.asarray(embedder.encode([]), dtype=np.float32)
    chunks = [distinct[start:start + chunk] for start in range(0, len(distinct), chunk)]
    runtime = runtime_of(embedder)
    if workers > 1 and process_safe(runtime):
        parts = encode_in_processes(runtime, chunks, workers)
    else:
        parts = [np.asarray(embedder.encode(part), dtype=np.float32) for part in chunks]
    vectors = np.concatenate(parts)
    row = {lead: i for i, lead in enumerate(distinct)}
    return vectors[[row[lead] for lead in leads]]


def row_cosines(matrix, rows: np.ndarray, cols: np.ndarray, chunk: int = 200_000) -> np.ndarray:
    """res[p] = cos(matrix[rows[p]], matrix[cols[p]]) for unit-row dense or sparse ``matrix``."""
    out = np.zeros(len(rows), dtype=np.float32)
    for start in range(0, len(rows), chunk):
        r, c = rows[start:start + chunk], cols[start:start + chunk]
        if sparse.issparse(matrix):
            out[start:start + len(r)] = np.asarray(matrix[r].multiply(matrix[c]).sum(axis=1)).ravel()
        elif matrix.shape[1]:
            out[start:start + len(r)] = np.einsum("ij,ij->i", matrix[r], matrix[c])
    return out
