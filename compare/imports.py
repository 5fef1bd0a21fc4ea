"""Imports: spaCy without torch, for a process whose encoder does not need torch.

spaCy imports thinc, and thinc imports torch whenever torch is installed
(``thinc.compat``), although the small English pipeline runs on numpy. torch
is the largest part of that import: ``import spacy`` cost 2.4-2.6 CPU s with it
and 0.9 s without (2-core machine, load 6-7; 7.4-7.8 s and 2.3-2.9 s wall),
measured by ``python benchmarks/dashboard_cold_start.py --stages-only``.
The ONNX and hashing encoders never need torch; the PyTorch encoder imports
it itself when it loads, which still works afterwards (only thinc's own torch
support stays off, and no pipeline of this package uses it).
"""
from __future__ import annotations

import importlib.abc
import sys
import threading


class _NoTorchInThisThread(importlib.abc.MetaPathFinder):
    """Refuses ``import torch`` in one thread only: another thread that loads
    the PyTorch encoder at the same time imports it as usual."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name, path=None, target=None):
        if name == "torch" and threading.get_ident() == self.thread:
            raise ModuleNotFoundError("torch is left out of spaCy's import (compare.imports)", name="torch")
        return None


def import_spacy() -> None:
    """Import spaCy; unless torch is already imported, without letting thinc import it."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy  # noqa: F401  (finishes an import another thread started)
        return
    finder = _NoTorchInThisThread()
    sys.meta_path.insert(0, finder)
    try:
        import spacy  # noqa: F401,F811
    finally:
        sys.meta_path.remove(finder)
