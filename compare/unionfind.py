"""Disjoint sets (union-find), shared by the story matrix and the linking stage."""
from __future__ import annotations

from typing import Any


class UnionFind:
    """Disjoint sets over hashable nodes; ``find`` returns a set's representative."""

    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def add(self, node: Any) -> None:
        self.parent.setdefault(node, node)

    def find(self, node: Any) -> Any:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:  # path compression
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # The smaller node becomes the root, so results do not depend on call order.
            self.parent[max(ra, rb)] = min(ra, rb)
