"""Pipeline: the one orchestrator, ingest -> segment -> embed -> align -> facts/framing."""
from __future__ import annotations

import logging
import time
from dataclasses import asdict, replace
from typing import Callable, Sequence

import numpy as np
from threadpoolctl import threadpool_limits

from . import align as align_stage
from .config import CompareConfig
from .encoders import Embedder, ThreadedEmbedder, get_embedder, runtime_of
from .facts import analyse_facts
from .failsoft import Collector, make_warning
from .framing import analyse_framing
from .framing.table import referent_table
from .ingest import IngestError, article_from_text, check_article
from .labels import column_labels as article_columns, unique_ids
from .languages import hooks as languages
from .links import Links, link_mentions
from .segment import fallback_sentences, parse, parse_many, sentence_content_words
from .types import Alignment, AnalysisWarning, Article, Comparison, Document, Highlight, Sentence

log = logging.getLogger(__name__)

LABELS = ("A", "B", "C", "D", "E", "F", "G", "H")


class ComparisonError(ValueError):
    """The articles cannot be compared (e.g. one has no sentence)."""


def as_article(item: Article | str, label: str) -> Article:
    """Accept an ``Article`` or plain text; check it is usable."""
    if isinstance(item, Article):
        article = check_article(item, f"article {label}")
    elif isinstance(item, str):
        article = article_from_text(item, label=f"article {label}")
    else:
        raise IngestError(f"article {label} must be an Article or a string, got {type(item).__name__}")
    return article if article.id else replace(article, id=label)


def default_embedder(config: CompareConfig, threads: int | None = None) -> Embedder:
    """The configured encoder; ``threads`` sets its runtime's threads (torch
    or ONNX Runtime; None: the runtime's choice, one per core)."""
    embedder = get_embedder(config.model, config.backend, config.batch_size)
    if threads is not None:
        runtime = runtime_of(embedder)
        if isinstance(runtime, ThreadedEmbedder):
            runtime.set_threads(threads)
        elif config.backend == "torch":
            import torch

            torch.set_num_threads(threads)
    return embedder


def prepare_documents(articles: Sequence[Article], config: CompareConfig,
                      embedder: Embedder) -> list[Document]:
    """Detect each article's language, parse (English) or split (other
    languages) it, and embed all their sentences in one batch."""
    articles = detect_languages(articles, config)
    parsed = languages.parse_by_language(articles, config, parse_or_split)
    for article, (_, sentences, _) in zip(articles, parsed):
        if not sentences:
            raise ComparisonError(f"article {article.id} has no sentences with words in them")
    texts = [s.text for _, sentences, _ in parsed for s in sentences]
    vectors = embedder.encode(texts)
    docs, offset = [], 0
    for article, (doc, sentences, warnings) in zip(articles, parsed):
        docs.append(Document(article, sentences, vectors[offset:offset + len(sentences)], doc, warnings,
                             getattr(embedder, "name", "")))
        offset += len(sentences)
    return docs


# ---------------------------------------------------------------- the encoder of a pair or story
# Every front end (library, batch, Dask workers, dashboard) chooses the
# encoder with ``embedder_for``: the English one for English articles, the
# multilingual one as soon as one article compared together is not English.
# ``english``/``multilingual`` give a front end's own copies (gated, cached,
# warmed); by default the configured process-wide encoders.

def embedder_for(articles: Sequence[Article], config: CompareConfig, english: Callable[[], Embedder] | None = None,
                 multilingual: Callable[[], Embedder] | None = None) -> Embedder:
    """The encoder the library compares ``articles`` with, together (a pair in
    ``compare_articles``, a story in ``compare_many``); languages are detected
    when not yet recorded (an unsupported one is refused)."""
    return languages.embedder_for(detect_languages(articles, config), config,
                                  english or (lambda: default_embedder(config)), multilingual)


def prepare_each(articles: Sequence[Article], config: CompareConfig, english: Callable[[], Embedder] | None = None,
                 multilingual: Callable[[], Embedder] | None = None) -> list[Document]:
    """``prepare_documents`` with each article encoded by its own language's
    encoder (``embedder_for([article])``), one call per encoder, order kept:
    for front ends that prepare texts once and compare them in several pairs
    or stories (then ``encoded_with`` the pair's or story's encoder)."""
    articles = detect_languages(articles, config)
    groups: dict[int, tuple[Embedder, list[int]]] = {}
    for n, article in enumerate(articles):
        embedder = embedder_for([article], config, english, multilingual)
        groups.setdefault(id(embedder), (embedder, []))[1].append(n)
    out: list[Document | None] = [None] * len(articles)
    for embedder, members in groups.values():
        for n, document in zip(members, prepare_documents([articles[n] for n in members], config, embedder)):
            out[n] = document
    return out  # type: ignore[return-value]


def encoded_with(documents: Sequence[Document], embedder: Embedder) -> list[Document]:
    """``documents`` with their sentences encoded by ``embedder``: those
    prepared with another encoder are re-encoded (one call; the sentence
    cache makes a repeat free)."""
    name = getattr(embedder, "name", "")
    stale = [d for d in documents if d.encoder != name]
    if not stale:
        return list(documents)
    vectors = iter(np.split(embedder.encode([s.text for d in stale for s in d.sentences]),
                            np.cumsum([len(d.sentences) for d in stale])[:-1]))
    return [replace(d, embeddings=next(vectors), encoder=name) if d.encoder != name else d for d in documents]


def detect_languages(articles: Sequence[Article], config: CompareConfig) -> list[Article]:
    """Each article with its language recorded; unsupported languages are refused."""
    return [languages.with_language(a, f"article {a.id or LABELS[n % len(LABELS)]}", config)
            for n, a in enumerate(articles)]


def parse_or_split(articles: list[Article], config: CompareConfig
                   ) -> list[tuple[object, tuple[Sentence, ...], tuple[AnalysisWarning, ...]]]:
    """(spaCy doc, sentences, warnings) per article. The articles are parsed
    in one stream; if that raises, each is parsed alone, and an article the
    parser cannot read is split by rule with no doc (so no facts or framing
    for it, but its sentences are still aligned) and gets a warning."""
    try:
        return [(doc, sentences, ()) for doc, sentences in parse_many(articles, config.spacy_model, config.segmenter)]
    except Exception:  # noqa: BLE001 - find out which article fails, below
        log.debug("parsing the articles together failed; parsing them one by one", exc_info=True)
    out = []
    for article in articles:
        try:
            out.append((*parse(article, config.spacy_model, config.segmenter), ()))
        except Exception as error:  # noqa: BLE001
            warning = make_warning("segment", article.id, error, text=article.text)
            log.warning("%s", warning.line())
            out.append((None, fallback_sentences(article.text), (warning,)))
    return out


def sentence_highlights(a: Document, b: Document, alignment: Alignment) -> tuple[Highlight, ...]:
    """Whole-sentence ``shared``/``unique`` highlights (partial sentences get none)."""
    out = []
    for side, (doc, status) in enumerate(((a, alignment.status_a), (b, alignment.status_b))):
        for sentence, st in zip(doc.sentences, status):
            if st in ("shared", "unique"):
                out.append(Highlight(side, sentence.start, sentence.end, st))
    return tuple(out)


def lexical_matrix(a: Document, b: Document) -> np.ndarray | None:
    """Content-word overlap of every sentence pair, or None without parses."""
    if a.doc is None or b.doc is None:
        return None
    return align_stage.lexical_overlap(sentence_content_words(a), sentence_content_words(b))


def compare_documents(a: Document, b: Document, config: CompareConfig, embedder: Embedder,
                      alignment: Alignment | None = None, links: Links | None = None) -> Comparison:
    """Align two prepared documents and run the fact and framing stages.
    ``links``: the pair's view of a story's links (``Links.pair_view``),
    used instead of linking the two documents again."""
    with threadpool_limits(limits=1, user_api="blas"):
        return _compare_documents(a, b, config, embedder, alignment, links)


def _compare_documents(a: Document, b: Document, config: CompareConfig, embedder: Embedder,
                       alignment: Alignment | None, links: Links | None) -> Comparison:
    # One BLAS thread: the analysis multiplies small matrices, for which
    # OpenBLAS's thread hand-off costs far more than the arithmetic; on 2
    # busy cores it made the fact stage ~4x slower (docs/cli.md).
    timings: dict[str, float] = {}
    collector = Collector()
    collector.extend(a.warnings + b.warnings)
    t0 = time.perf_counter()
    if alignment is None:
        lexical = collector.run("align.lexical", (a, b), lambda: (
            languages.anchor_matrix(a, b) if languages.is_crosslingual(a, b) else lexical_matrix(a, b)), None)
        alignment = languages.align_documents(a, b, config, embedder, lexical)
    timings["align_s"] = time.perf_counter() - t0
    if links is None and config.links.enabled:
        t0 = time.perf_counter()
        links = collector.run("links", (a, b), lambda: link_mentions((a, b), config, embedder), None)
        timings["links_s"] = time.perf_counter() - t0
    facts, fact_highlights = (), ()
    if config.facts.enabled:
        t0 = time.perf_counter()
        facts, fact_highlights = analyse_facts(a, b, alignment, config, embedder, collector, links)
        timings["facts_s"] = time.perf_counter() - t0
    framing, framing_highlights = (), ()
    if config.framing.enabled:
        t0 = time.perf_counter()
        framing, framing_highlights = analyse_framing(a, b, alignment, config, collector, links)
        timings["framing_s"] = time.perf_counter() - t0
    if config.facts.enabled and languages.is_crosslingual(a, b):
        more, naming, notices = collector.run("languages.facts", (a, b),
                                              lambda: languages.crosslingual_facts(a, b, alignment), ([], [], []))
        facts, framing = tuple(facts) + tuple(more), tuple(framing) + tuple(naming)
        collector.extend(tuple(notices))
    referents = None
    if links is not None and config.framing.enabled:
        referents = collector.run("framing.referents_table", (a, b), lambda: referent_table(
            (a, b), links, article_columns([a.article, b.article]), config.framing), None)
    base = fact_highlights if fact_highlights else sentence_highlights(a, b, alignment)
    highlights = tuple(sorted(base + framing_highlights, key=lambda h: (h.article, h.start, h.end, h.status)))
    meta = (("model", embedder.name), ("config", config.to_dict()),
            ("timings", {k: round(v, 4) for k, v in timings.items()}))
    return Comparison(a, b, alignment, highlights, tuple(facts), tuple(framing), meta, collector.warnings, links,
                      referents)


def relabel(comparison: Comparison, config: CompareConfig, embedder: Embedder) -> Comparison:
    """Re-run the stages that read the alignment (align, facts, framing) with
    new thresholds, reusing the embeddings, the similarity matrices (no
    encoder call for sentences) and the mention links, which no threshold
    changes (unless ``config`` changes the links stage's own settings)."""
    a, b = comparison.a, comparison.b
    combined = comparison.alignment.combined
    cfg = languages.align_config(config, embedder)
    alignment = align_stage.align_from_scores(
        combined, align_stage.margin_matrix(combined, cfg.margin_k), a.embeddings, b.embeddings, cfg)
    same_links = dict(comparison.meta).get("config", {}).get("links") == asdict(config.links)
    return compare_documents(a, b, config, embedder, alignment, comparison.links if same_links else None)


def compare_articles(a: Article | str, b: Article | str, config: CompareConfig | None = None,
                     embedder: Embedder | None = None) -> Comparison:
    """Compare two news reports. ``a`` and ``b`` are ``Article`` objects or plain text.

    >>> result = compare_articles(text_a, text_b)        # doctest: +SKIP
    >>> result.alignment.pairs[0].kind                   # doctest: +SKIP
    'equivalent'
    """
    config = config or CompareConfig()
    articles = detect_languages(unique_ids([as_article(a, "A"), as_article(b, "B")]), config)
    embedder = embedder or embedder_for(articles, config)
    doc_a, doc_b = prepare_documents(articles, config, embedder)
    return compare_documents(doc_a, doc_b, config, embedder)
