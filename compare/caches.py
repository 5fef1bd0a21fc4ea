"""Every cache of the package, registered in one place so one call clears them.

Two kinds:

- ``memo(maxsize)``: ``functools.lru_cache`` for pure functions of hashable
  arguments (name pairs, label words, loaded models). Use it instead of
  ``functools.lru_cache`` so that ``clear_caches()`` reaches the cache.
- ``per_parse(maxsize)``: results read off one parsed article (its noun
  phrases, names, hedges), kept while the article is in use.

``clear_caches()`` empties the data caches (a long-running dashboard or a
test that wants a cold start); ``clear_caches(models=True)`` also drops the
loaded models, so the next call loads them again.
"""
from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Callable, Sequence, TypeVar

if TYPE_CHECKING:
    from .types import Document

T = TypeVar("T")
F = TypeVar("F", bound=Callable)

_DATA: list[Callable[[], None]] = []
_MODELS: list[Callable[[], None]] = []


def memo(maxsize: int | None = 128, *, model: bool = False) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize)``, registered for ``clear_caches``.

    ``model=True`` marks a cache of loaded models, cleared only on request."""
    def decorate(fn: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize)(fn)
        (_MODELS if model else _DATA).append(cached.cache_clear)
        return cached  # type: ignore[return-value]
    return decorate


def per_parse(maxsize: int = 32) -> Callable[[Callable[..., Sequence[T]]], Callable[..., list[T]]]:
    """Cache ``fn(document, *args) -> sequence`` per parsed article.

    An article of a k-way story takes part in k-1 comparisons; what the fact
    and framing stages read off one parse (its noun phrases, names, hedges)
    is computed once. Documents hold numpy arrays and are not hashable, so
    the key is the identity of the spaCy ``Doc`` and of the sentence tuple
    (both kept alive by the entry, so an id cannot be reused while cached)
    plus the text and the other arguments. Each call returns a new list.
    Documents without a parse are not cached.
    """
    def decorate(fn: Callable[..., Sequence[T]]) -> Callable[..., list[T]]:
        entries: OrderedDict[tuple, tuple] = OrderedDict()
        lock = threading.Lock()

        @functools.wraps(fn)
        def cached(document: Document, *args) -> list[T]:
            if document.doc is None:
                return list(fn(document, *args))
            key = (id(document.doc), id(document.sentences), document.article.text, args)
            with lock:
                hit = entries.get(key)
                if hit is not None:
                    entries.move_to_end(key)
                    return list(hit[2])
            value = tuple(fn(document, *args))
            with lock:
                entries[key] = (document.doc, document.sentences, value)
                while len(entries) > maxsize:
                    entries.popitem(last=False)
            return list(value)

        def clear() -> None:
            with lock:
                entries.clear()

        cached.cache_clear = clear  # type: ignore[attr-defined]
        _DATA.append(clear)
        return cached
    return decorate


def clear_caches(models: bool = False) -> int:
    """Empty every registered cache (and the model caches when ``models``); returns how many."""
    clears = _DATA + (_MODELS if models else [])
    for clear in clears:
        clear()
    return len(clears)
