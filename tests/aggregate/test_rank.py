"""top_k and dominant against brute-force loops."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr

from ..strategies import KEYS, long_from_rows, long_rows, span_lists

NAMES = ("Joy", "Awe", "Calmness", "Anger")


@st.composite
def problems(draw):
    spans = draw(span_lists("face", max_spans=8)) + draw(span_lists("prosody", max_spans=6))
    rows = draw(long_rows(spans, names=NAMES))
    # coarse scores make ties likely
    for r in rows:
        if not math.isnan(r["score"]):
            r["score"] = round(r["score"] * 4) / 4
    return rows


def ranked(items, k):
    """items: (name, score); highest score first, ties by name."""
    items = [x for x in items if not math.isnan(x[1])]
    return sorted(items, key=lambda x: (-x[1], x[0]))[:k]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(1, 3))
def test_top_k_and_dominant_per_span(rows, k):
    data = long_from_rows(rows)
    out = hr.top_k(data, k=k)
    spans = {}
    for r in rows:
        spans.setdefault(tuple(r[c] for c in KEYS), []).append((r["name"], r["score"]))
    expected = []
    for key in sorted(spans):
        for rank, (name, score) in enumerate(ranked(spans[key], k), start=1):
            expected.append((*key, name, score, rank))
    got = sorted(
        (*(r[c] for c in KEYS), r["name"], r["score"], r["rank"]) for r in out.to_dict("records")
    )
    assert got == sorted(expected)
    dom = hr.dominant(data)
    expected_dom = {}
    for key, items in spans.items():
        best = ranked(items, 2)
        if best:
            margin = best[0][1] - best[1][1] if len(best) > 1 else math.nan
            expected_dom[key] = (best[0][0], best[0][1], margin)
    got_dom = {
        tuple(r[c] for c in KEYS): (r["name"], r["score"], r["margin"])
        for r in dom.to_dict("records")
    }
    assert set(got_dom) == set(expected_dom)
    for key, (name, score, margin) in expected_dom.items():
        assert got_dom[key][:2] == (name, score)
        assert (math.isnan(margin) and math.isnan(got_dom[key][2])) or got_dom[key][2] == margin


def test_top_k_per_group_uses_weighted_means(prosody_long):
    out = hr.top_k(prosody_long, k=1, by=["source", "track"])
    means = hr.summarize(prosody_long, by=["source", "track"])
    for r in out.to_dict("records"):
        sel = means[(means["source"] == r["source"]) & (means["track"] == r["track"])]
        best = sel.sort_values(["score", "name"], ascending=[False, True]).iloc[0]
        assert (r["name"], r["score"], r["rank"]) == (best["name"], best["score"], 1)
    with pytest.raises(ValueError, match="top_k: family 'facs' is not in the data"):
        hr.top_k(prosody_long, k=1, family="facs")
    with pytest.raises(ValueError, match="top_k: k must be a positive integer"):
        hr.top_k(prosody_long, k=0)


def test_top_k_one_group_and_family_lists(prosody_long):
    one = hr.top_k(prosody_long, k=2, by=())
    means = hr.summarize(prosody_long, by=())
    best = means.sort_values(["score", "name"], ascending=[False, True])
    assert one[["name", "score"]].to_dict("records") == best[["name", "score"]].to_dict("records")
    assert one["rank"].tolist() == [1, 2]
    assert list(one.columns) == ["family", "name", "score", "rank"]
    listed = hr.top_k(prosody_long, k=2, family=["emotion", "facs"])
    pd.testing.assert_frame_equal(listed, hr.top_k(prosody_long, k=2))
    every = hr.dominant(prosody_long, by=["track"], family=None)
    assert every["track"].astype(str).tolist() == ["spk_0", "spk_1"]
