"""Batch stage: prepared documents by text, shared between a batch run's chunk threads (batch.py)."""
from __future__ import annotations

import threading
from concurrent.futures import Future
from typing import TYPE_CHECKING, Sequence

from .types import Article, Document

if TYPE_CHECKING:
    from .batch import StoryJob


class DocumentStore:
    """Prepared documents by text, shared between chunk threads: the first
    chunk that needs a text prepares it, later ones wait for it. Chunks are
    registered as they are planned; once the last one is (``close``), a
    document is dropped when its last story has used it."""

    def __init__(self, chunks: Sequence[Sequence[StoryJob]] = (), complete: bool = True):
        self.owner: dict[str, int] = {}
        self.uses: dict[str, int] = {}
        self.futures: dict[str, Future] = {}
        self._lock = threading.Lock()
        self.closed = False
        for index, chunk in enumerate(chunks):
            self.register(index, chunk)
        if complete:  # ``chunks`` are all there will be
            self.close()

    def register(self, index: int, chunk: Sequence[StoryJob]) -> None:
        with self._lock:
            for job in chunk:
                for article in job.articles:
                    if isinstance(article, Article):
                        if article.text not in self.futures:
                            self.owner[article.text] = index
                            self.futures[article.text] = Future()
                        self.uses[article.text] = self.uses.get(article.text, 0) + 1

    def close(self) -> None:
        """No more chunks will come: drop the documents no story waits for."""
        with self._lock:
            self.closed = True
            for text in [t for t, n in self.uses.items() if n == 0]:
                self.futures.pop(text, None)

    def owned(self, index: int, chunk: Sequence[StoryJob]) -> list[Article]:
        """The articles whose text chunk ``index`` prepares, each text once."""
        found: dict[str, Article] = {}
        for job in chunk:
            for article in job.articles:
                if isinstance(article, Article) and self.owner[article.text] == index:
                    found.setdefault(article.text, article)
        return list(found.values())

    def put(self, text: str, outcome: Document | Exception) -> None:
        future = self.futures[text]
        future.set_exception(outcome) if isinstance(outcome, Exception) else future.set_result(outcome)

    def take(self, text: str) -> Document:
        """The document of ``text`` (waits for its chunk; raises its error)."""
        with self._lock:
            future = self.futures[text]
            self.uses[text] -= 1
            if self.uses[text] == 0 and self.closed:
                del self.futures[text]
        return future.result()
