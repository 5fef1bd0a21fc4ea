"""Linking stage, pairwise signals: is mention ``a`` the same referent as mention ``b``?

Each signal is a small pure function of two ``Mention``s (and, for the
contextual one, their vectors). ``pair_evidence`` combines them into the
one-line reason a link is made, or "" when the pair must not link. The
contribution of each signal on ECB+ is in docs/links.md.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from ..embed import supports_tokens
from ..names import name_variant
from .mentions import Mention
from .time import anchors_conflict

# Entity subtypes that never name one referent together (a person is not a
# place); "thing" (a common noun) and "group" may stand for any of them.
TYPED = frozenset({"person", "organisation", "place", "date", "number"})


def same_head(a: Mention, b: Mention) -> bool:
    """Same lower-cased head lemma (pronouns never count)."""
    return a.head == b.head and not (a.pronoun or b.pronoun)


def name_match(a: str, b: str, people: bool = False) -> str:
    """How two proper names are one name ("identical", "transliteration",
    "surname" ...), or "" when they are different names. A name inside a
    longer name is not that name: "Russia" / "United Russia" -> ""; for
    ``people``, a lone surname matches the full name that ends with it
    ("Reid" / "Tara Reid")."""
    if not a or not b:
        return ""
    variant = name_variant(a, b)
    if variant is not None:
        return variant.kind
    x, y = sorted((a.split(), b.split()), key=len)
    if people and len(x) == 1 and len(y) > 1 and name_variant(x[0], y[-1]) is not None:
        return "surname"
    return ""


def types_compatible(a: Mention, b: Mention) -> bool:
    """False when the two mentions have different known entity types."""
    if a.kind != b.kind:
        return False
    ta = a.subtype if a.subtype in TYPED else ""
    tb = b.subtype if b.subtype in TYPED else ""
    return not (ta and tb and ta != tb)


def shared_args(a: Mention, b: Mention) -> tuple[str, ...]:
    """Argument lemmas both events have (participants, place, time words)."""
    theirs = set(b.args)
    return tuple(x for x in a.args if x in theirs and x not in (a.head, b.head))


def time_conflict(a: Mention, b: Mention) -> bool:
    """The mentions (or the events' date arguments) are anchored to different days."""
    return anchors_conflict(a.time, b.time)


def token_cosine(vectors: np.ndarray | None, i: int, j: int) -> float | None:
    """Cosine of the mentions' contextual head vectors (None without vectors)."""
    if vectors is None:
        return None
    return float(vectors[i] @ vectors[j])


def mention_vectors(sentences: Sequence, mentions: Sequence[Mention], embedder) -> np.ndarray | None:
    """Per mention: the mean of the encoder's contextual vectors of the tokens
    under its head word, L2-normalised, ``(n_mentions, d)``; None when the
    embedder has no token vectors. ``sentences[k]`` are article k's sentences;
    the encoder call is the one the fact stage makes (cached per sentence)."""
    if embedder is None or not supports_tokens(embedder) or not mentions:
        return None
    texts = [s.text for doc_sentences in sentences for s in doc_sentences]
    encoded = embedder.encode_tokens(texts)
    per_article, k = [], 0
    for doc_sentences in sentences:
        per_article.append(list(zip(doc_sentences, encoded[k:k + len(doc_sentences)])))
        k += len(doc_sentences)
    dim = next((v.shape[1] for _, (_, v) in (p for a in per_article for p in a) if len(v)), 1)
    out = np.zeros((len(mentions), dim), dtype=np.float32)
    for row, m in enumerate(mentions):
        sentence, (offsets, vectors) = per_article[m.article][m.sentence]
        lo, hi = m.head_start - sentence.start, m.head_end - sentence.start
        under = (offsets[:, 0] < hi) & (offsets[:, 1] > lo) if len(offsets) else np.zeros(0, bool)
        if under.any():
            mean = vectors[under].mean(axis=0)
            out[row] = mean / max(float(np.linalg.norm(mean)), 1e-9)
    return out


def pair_evidence(a: Mention, b: Mention, cosine: float | None, config) -> str:
    """One line saying why ``a`` and ``b`` are one referent, or "" when they
    must not be linked. ``config`` is a ``LinksConfig``; ``cosine`` None
    (no token vectors) leaves heads and names as the only signals."""
    if a.pronoun or b.pronoun or not types_compatible(a, b) or time_conflict(a, b):
        return ""
    if a.name and b.name:
        how = name_match(a.name, b.name, people=a.subtype == b.subtype == "person")
        return f"same name ({how}) '{a.name}' / '{b.name}'" if how else ""
    args = shared_args(a, b)
    said = f", shared argument '{args[0]}'" if args else ""
    if a.head == b.head:
        floor = config.same_head_min_cosine if a.kind == "event" else config.entity_same_head_min_cosine
        return f"same head '{a.head}'{said}" if cosine is None or cosine >= floor else ""
    if cosine is None:
        return ""
    if a.kind == "event":
        if cosine >= config.event_min_cosine and len(args) >= config.event_min_shared_args:
            return f"similar events '{a.head}' / '{b.head}' (cosine {cosine:.2f}){said}"
        return ""
    if cosine >= config.entity_min_cosine:
        return f"similar '{a.head}' / '{b.head}' (cosine {cosine:.2f})"
    return ""
