"""Shared fixtures: a deterministic fake embedder, tiny articles, the seed pair."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from compare.config import CompareConfig
from compare.encoders import HashingEmbedder
from compare.ingest import read_article

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = ROOT / "corpus"


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
