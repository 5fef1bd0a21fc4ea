"""Shared fixtures: a deterministic fake embedder, tiny articles, the seed pair."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from compare.config import CompareConfig
from compare.encoders import HashingEmbedder
from compare.ingest import read_article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


@pytest.fixture(autouse=True)
def keep_main_module():
    """Streamlit's AppTest leaves ``sys.modules["__main__"]`` set to app.py. Dask's
    worker processes are spawned, and a spawned child re-imports the parent's
    ``__main__``: every worker would then run the whole dashboard, whose model
    preload thread imports spaCy while the worker unpickles its plugin
    (``KeyError: 'spacy'``). Each test gets the real main module back."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture
def fake_embedder() -> HashingEmbedder:
    return HashingEmbedder()


@pytest.fixture
def config() -> CompareConfig:
    return CompareConfig()


@pytest.fixture(scope="session")
def seed_pair():
    """(article A, article B) of the bundled seed story."""
    story = CORPUS / "duma-recognition"
    return read_article(story / "a-wire.txt"), read_article(story / "b-state.txt")


@pytest.fixture(scope="session")
def seed_gold() -> dict:
    path = SHARED / "eval" / "seed_pair_gold.json"
    if not path.exists():
        pytest.skip(f"seed gold not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))
