from __future__ import annotations

Embedding = None


def embed(*a, **k):
    raise NotImplementedError


def composite(*a, **k):
    raise NotImplementedError
