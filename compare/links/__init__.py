"""Linking stage: mentions of entities and events, clustered across the articles of a story.

``link_mentions(documents, config, embedder)`` reads each article's spaCy
parse (``Document.doc``) and the encoder's contextual token vectors (the
call the fact stage makes, cached per sentence), extracts mentions
(``mentions.py``; title-case headlines re-parsed as the body writes their
words, ``headlines.py``), judges pairs (``signals.py``) and clusters them within and
across articles (``cluster.py``); relative dates are anchored to each
article's date (``time.py``). Nothing here loads a model (headlines reuse
the memoized spaCy pipeline that parsed the articles).
"""
from __future__ import annotations

from typing import Sequence

from threadpoolctl import threadpool_limits

from ..segment import load_spacy
from .cluster import Cluster, Link, Links, cluster_mentions
from .headlines import recase_story_headlines
from .mentions import Mention, extract_mentions, verb_lemmas
from .occurrence import with_occurrences
from .signals import mention_vectors, sentence_tokens, window_vectors

__all__ = ["Cluster", "Link", "Links", "Mention", "link_mentions", "links_dict"]


def link_mentions(documents: Sequence, config, embedder=None) -> Links:
    """Cluster the mentions of ``documents`` (parsed ``Document``s of one story).
    Articles without a parse contribute no mentions. ``config`` is a
    ``CompareConfig``; ``embedder`` gives token vectors when it has them."""
    # One BLAS thread, as in ``pipeline.compare_documents``: the mention
    # similarity matrices are small, and OpenBLAS's second thread spun on the
    # other core for as long as the clustering ran (BASIL: CPU 2x wall time).
    with threadpool_limits(limits=1, user_api="blas"):
        return _link_mentions(documents, config, embedder)


def _link_mentions(documents: Sequence, config, embedder) -> Links:
    docs = [d.doc for d in documents]
    if config.links.recase_headlines:
        docs = recase_story_headlines(docs, lambda: load_spacy(config.spacy_model, config.segmenter))
    story_verbs = frozenset().union(*(verb_lemmas(doc) for doc in docs if doc is not None))
    mentions = [m for k, (d, doc) in enumerate(zip(documents, docs)) if doc is not None
                for m in extract_mentions(k, doc, d.article.date, story_verbs)]
    if config.links.occurrence_vetoes:
        mentions = with_occurrences(docs, mentions)
    if not config.links.use_token_vectors:
        return cluster_mentions(mentions, None, config.links)
    sentences = [d.sentences for d in documents]
    encoded = sentence_tokens(sentences, mentions, embedder)  # one call for heads and windows
    vectors = mention_vectors(sentences, mentions, embedder, encoded)
    windows = window_vectors(sentences, mentions, embedder, encoded, vectors) \
        if vectors is not None and config.links.entity_window_min_cosine <= 1 else None
    return cluster_mentions(mentions, vectors, config.links, windows)


def links_dict(links: Links | None) -> dict:
    """JSON-ready ``links`` section (docs/schema.md): clusters with their
    members as (article index, start, end, text) and each cross-article link
    with its evidence. ``None`` (stage off) gives empty lists."""
    if links is None:
        return {"clusters": [], "links": []}

    def member(i: int) -> dict:
        m = links.mentions[i]
        return {"article": m.article, "start": m.start, "end": m.end, "text": m.text}

    cluster_of = links.cluster_of()
    return {
        "clusters": [{"id": c.id, "kind": c.kind, "subtype": c.subtype,
                      "members": [member(i) for i in c.members]} for c in links.clusters],
        "links": [{"cluster": cluster_of.get(link.a), "a": member(link.a), "b": member(link.b),
                   "evidence": link.evidence} for link in links.links],
    }
