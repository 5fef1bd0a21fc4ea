"""newscompare: show how news reports of the same event differ.

>>> from compare import Article, compare_articles, to_dict      # doctest: +SKIP
>>> result = compare_articles(Article(text_a), Article(text_b))
>>> to_dict(result)["alignments"]
"""
import logging

from .config import AlignConfig, CompareConfig
from .encoders import CachingEmbedder, Embedder, HashingEmbedder, SentenceTransformerEmbedder, get_embedder
from .grouping import Grouping, group_articles, group_with_confidence
from .corpus import load_manifest
from .ingest import IngestError, article_from_text, read_article
from .pipeline import ComparisonError, compare_articles, compare_documents, prepare_documents, relabel
from .report import to_dict, to_json
from .types import (AlignedPair, Alignment, AnalysisWarning, Article, Comparison, Document, Fact, FramingDifference,
                    Highlight, Sentence, Span)

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
