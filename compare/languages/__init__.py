"""Articles in other languages: detection, multilingual encoders, segmentation and facts across languages.

Supported: English, Russian, Ukrainian, German, French, Spanish. The pipeline
reaches this package through ``hooks`` only.
"""
from .detect import LANGUAGE_NAMES, SUPPORTED, article_language, supported_language
from ..encoders.multilingual import MULTILINGUAL_ENCODERS, MultilingualEmbedder, get_multilingual_embedder
from .hooks import language_of

__all__ = ["LANGUAGE_NAMES", "MULTILINGUAL_ENCODERS", "MultilingualEmbedder", "SUPPORTED", "article_language",
           "get_multilingual_embedder", "language_of", "supported_language"]
