"""The dashboard's disk cache of finished comparisons (bundled corpus stories only).

A first visit to the page compares the bundled story: without this cache the
server loads spaCy and the sentence model and runs every stage (37-45 s cold on
the 2-core machine). The finished comparison, reduced to what the page draws
(``PageResult``: the report dict, the cosine matrix, the warnings, the stage
timings), is kept on disk as JSON and ``.npy``, keyed by the config, the
article texts and metadata and a hash of the package's
source (a code change invalidates it). Pasted, uploaded or fetched texts are
never written to disk: only stories of the bundled corpus are cached.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from .caches import memo
from .config import DASHBOARD_CACHE_ENV, CompareConfig, env_setting
from .encoders.onnx import cache_root
from .outputs import atomic_write
from .types import AnalysisWarning, Article

log = logging.getLogger(__name__)

PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageResult:
    """What the dashboard draws of one comparison (``comparison`` duck type:
    ``warnings``, ``meta`` and ``alignment.similarity`` through ``alignment``)."""

    data: dict
    similarity: np.ndarray
    warnings: tuple[AnalysisWarning, ...] = ()
    meta: dict = field(default_factory=dict)

    @property
    def alignment(self) -> "PageResult":  # the page reads comparison.alignment.similarity
        return self


def page_result(comparison: Any) -> PageResult:
    from .report import to_dict  # imports spaCy: only when there is a comparison to reduce

    return PageResult(to_dict(comparison), np.asarray(comparison.alignment.similarity, dtype=np.float32),
                      tuple(comparison.warnings), {"timings": dict(comparison.meta).get("timings", {})})


@memo(1)
def source_hash() -> str:
    """Hash of every module and data file of the package: results of older code are not reused."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in (".py", ".json", ".jsonl") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(PACKAGE).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(articles: Sequence[Article], i: int, j: int, config: CompareConfig) -> str:
    payload = { "source": source_hash(), "config": config.to_dict(), "pair": [i, j],
               "articles": [[a.id, a.source, a.title, a.date, a.url, a.text] for a in articles]}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()[:32]


def cache_folder() -> Path:
    """$NEWSCOMPARE_DASHBOARD_CACHE, else the package cache folder's ``dashboard``."""
    override = env_setting(DASHBOARD_CACHE_ENV)
    return Path(override).expanduser() if override else cache_root() / "dashboard"


def load(key: str, folder: Path | None = None) -> PageResult | None:
    """The cached result for ``key``, or None (missing or unreadable: then it is recomputed)."""
    folder = cache_folder() if folder is None else folder
    try:
        saved = json.loads((folder / f"{key}.json").read_text(encoding="utf-8"))
        similarity = np.load(folder / f"{key}.npy", allow_pickle=False)
        warnings = tuple(AnalysisWarning(**w) for w in saved["warnings"])
        return PageResult(saved["data"], similarity, warnings, saved["meta"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            log.warning("ignoring unreadable dashboard cache entry %s: %s", key, exc)
        return None


def save(key: str, result: PageResult, folder: Path | None = None) -> None:
    """Write ``result`` (best effort: a read-only cache folder only costs speed)."""
    folder = cache_folder() if folder is None else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / f"{key}.tmp.npy", result.similarity, allow_pickle=False)
        (folder / f"{key}.tmp.npy").replace(folder / f"{key}.npy")
        atomic_write(folder / f"{key}.json", json.dumps(
            {"data": result.data, "warnings": [asdict(w) for w in result.warnings], "meta": result.meta},
            ensure_ascii=False))
    except OSError as exc:
        log.warning("could not cache the comparison in %s: %s", folder, exc)
