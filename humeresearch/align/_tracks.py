from __future__ import annotations


def match_tracks(*a, **k):
    raise NotImplementedError
