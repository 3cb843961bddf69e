from __future__ import annotations


def top_k(*a, **k):
    raise NotImplementedError


def dominant(*a, **k):
    raise NotImplementedError


def smooth(*a, **k):
    raise NotImplementedError
