"""newscompare: show how news reports of the same event differ.

>>> from compare import Article, compare_articles, to_dict      # doctest: +SKIP
>>> result = compare_articles(Article(text_a), Article(text_b))
>>> to_dict(result)["alignments"]
"""
import importlib
import logging

# Public names -> the module that defines them. They load on first use (PEP 562):
# ``import compare`` (and the dashboard drawing a saved comparison) does not pay
# for spaCy, torch and the rest of the pipeline until something needs them.
_EXPORTS = {
    "config": ("AlignConfig", "CompareConfig"),
    "encoders": ("CachingEmbedder", "Embedder", "HashingEmbedder", "SentenceTransformerEmbedder", "get_embedder"),
    "grouping": ("Grouping", "group_articles", "group_with_confidence"),
    "corpus": ("load_manifest",),
    "ingest": ("IngestError", "article_from_text", "read_article"),
    "pipeline": ("ComparisonError", "compare_articles", "compare_documents", "prepare_documents", "relabel"),
    "report": ("to_dict", "to_json"),
    "types": ("AlignedPair", "Alignment", "AnalysisWarning", "Article", "Comparison", "Document", "Fact",
              "FramingDifference", "Highlight", "Sentence", "Span"),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is not None:
        return getattr(importlib.import_module(f".{module}", __name__), name)
    try:
        return importlib.import_module(f".{name}", __name__)  # compare.story etc. after a bare ``import compare``
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


__all__ = [
    "AlignConfig", "AlignedPair", "Alignment", "AnalysisWarning", "Article", "CachingEmbedder", "Comparison", "ComparisonError",
    "CompareConfig", "Document", "Embedder", "Fact", "FramingDifference", "HashingEmbedder", "Highlight",
    "IngestError", "Sentence", "SentenceTransformerEmbedder", "Span", "article_from_text", "compare_articles",
    "compare_documents", "get_embedder", "load_manifest", "prepare_documents", "read_article", "relabel",
    "to_dict", "to_json",
    "Grouping", "group_articles", "group_with_confidence",
]
__version__ = "0.1.0"

logging.getLogger(__name__).addHandler(logging.NullHandler())
