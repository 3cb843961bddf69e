"""summarize against brute-force loops and numpy's weighted quantiles."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import define

from ..strategies import joy_series, long_from_rows, long_rows, span_lists

STATS = ["mean", "std", "min", "max", "median", "q90", "frac_above", "auc", "count"]


def reference(rows, by, threshold):
    groups = {}
    for r in rows:
        groups.setdefault((*(r[c] for c in by), r["family"], r["name"]), []).append(r)
    out = {}
    for key, members in groups.items():
        valid = [r for r in members if not math.isnan(r["score"])]
        strong = [
            r for r in valid if math.isfinite(r["end"] - r["begin"]) and r["end"] > r["begin"]
        ]
        used = strong if strong else [r for r in valid if r not in strong]
        x = np.array([r["score"] for r in used])
        w = np.array([r["end"] - r["begin"] for r in used]) if strong else np.ones(len(used))
        res = {"count": float(len(used))}
        if len(used):
            mean = float((w * x).sum() / w.sum())
            res["mean"] = mean
            res["std"] = math.sqrt(float((w * (x - mean) ** 2).sum() / w.sum()))
            res["min"], res["max"] = float(x.min()), float(x.max())
            res["frac_above"] = float((w * (x > threshold)).sum() / w.sum())
            for stat, p in (("median", 0.5), ("q90", 0.9)):
                if strong:
                    res[stat] = float(np.quantile(x, p, weights=w, method="inverted_cdf"))
                else:
                    res[stat] = float(np.quantile(x, p))
            if strong:
                res["auc"] = float((x * w).sum())
            else:
                series = {}
                for r in used:
                    if math.isfinite(r["begin"]):
                        series.setdefault(
                            (r["source"], r["file"], r["model"], r["track"]), []
                        ).append((r["begin"], r["score"]))
                if series:
                    area = 0.0
                    for raw in series.values():
                        at = {}
                        for t, v in raw:
                            at.setdefault(t, []).append(v)
                        points = sorted((t, sum(vs) / len(vs)) for t, vs in at.items())
                        for (t0, v0), (t1, v1) in zip(points, points[1:]):
                            area += (t1 - t0) * (v0 + v1) / 2
                    res["auc"] = area
                else:
                    res["auc"] = math.nan
        else:
            for s in STATS[:-1]:
                res[s] = math.nan
        seconds = sum(r["end"] - r["begin"] for r in strong)
        out[key] = (res, len(used), seconds)
    return out


@st.composite
def problems(draw):
    spans = draw(span_lists("face", max_spans=10)) + draw(span_lists("prosody", max_spans=8))
    rows = draw(long_rows(spans))
    by = draw(
        st.sampled_from(
            [
                ("source", "file", "model", "track"),
                ("model",),
                ("source", "model"),
                ("model", "track"),
            ]
        )
    )
    return rows, by


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_summarize_matches_brute_force(problem):
    rows, by = problem
    data = long_from_rows(rows)
    out = hr.summarize(data, by=by, agg=STATS, threshold=0.5, overlapping="allow")
    expected = reference(rows, list(by), 0.5)
    got = {}
    for r in out.to_dict("records"):
        key = (*(r[c] for c in by), r["family"], r["name"])
        got.setdefault(key, ({}, r["n_spans"], r["seconds"]))[0][r["stat"]] = r["score"]
    assert set(got) == set(expected)
    for key, (res, n, seconds) in expected.items():
        g_res, g_n, g_seconds = got[key]
        assert g_n == n and g_seconds == pytest.approx(seconds, abs=1e-12), key
        for stat in STATS:
            if math.isnan(res[stat]):
                assert math.isnan(g_res[stat]), (key, stat)
            else:
                assert g_res[stat] == pytest.approx(res[stat], rel=1e-9, abs=1e-12), (key, stat)
    assert list(out["stat"][: len(STATS)]) == (STATS if len(out) else [])


def test_duration_weighting_by_hand():
    data = joy_series([(0.0, 9.0, 0.1), (9.0, 10.0, 0.9)], model="prosody", track="s")
    out = hr.summarize(data, agg=["mean", "frac_above", "auc"], threshold=0.5)
    assert out["score"].tolist() == pytest.approx([0.18, 0.1, 1.8])  # not (0.1 + 0.9) / 2


def test_wide_output(face_long):
    tidy = hr.summarize(face_long, agg=["mean", "max"])
    wide = hr.summarize(face_long, agg=["mean", "max"], wide=True)
    names = list(dict.fromkeys(tidy["name"].astype(str)))
    assert sorted(names) == ["Calmness", "Joy"]
    assert list(wide.columns) == ["source", "file", "model", "track", "stat", *names]
    for r in tidy.to_dict("records"):
        row = wide[
            (wide["source"] == r["source"])
            & (wide["track"] == r["track"])
            & (wide["stat"] == r["stat"])
        ]
        assert row[r["name"]].item() == r["score"]
    assert len(wide) == 2 * 4


def test_refuses_to_mix_models_and_bad_stats(face_long, prosody_long):
    both = pd.concat([face_long, prosody_long], ignore_index=True)
    for c in ("source", "file", "model", "track", "family", "name"):
        both[c] = both[c].astype(str).astype("category")
    with pytest.raises(ValueError, match="mixes model"):
        hr.summarize(both, by=["source"])
    assert len(hr.summarize(both, by=["source", "model"])) == 2 * 2 * 2
    with pytest.raises(ValueError, match="summarize: agg must be one of 'mean', .*; got 'average'"):
        hr.summarize(face_long, agg=["average"])
    with pytest.raises(ValueError, match="threshold"):
        hr.summarize(face_long, agg="frac_above")
    with pytest.raises(ValueError, match=r"summarize: data has no column\(s\) \['participant'\]"):
        hr.summarize(face_long, by=["participant"])


def test_summarize_after_annotate_and_empty(face_long):
    meta = pd.DataFrame({"source": ["rec0.mp4", "rec1.mp4"], "condition": ["x", "y"]})
    out = hr.summarize(hr.annotate(face_long, meta), by=["condition", "model"])
    for r in out.to_dict("records"):
        sel = face_long[
            (face_long["source"] == ("rec0.mp4" if r["condition"] == "x" else "rec1.mp4"))
            & (face_long["name"] == r["name"])
        ]
        assert r["score"] == pytest.approx(sel["score"].mean())
    empty = hr.summarize(face_long.iloc[:0])
    assert len(empty) == 0 and "score" in empty.columns


def test_by_none_is_the_series_and_empty_by_is_one_group(face_long):
    default = hr.summarize(face_long)
    pd.testing.assert_frame_equal(default, hr.summarize(face_long, by=list(define.SERIES_KEYS)))
    one = hr.summarize(face_long, by=(), agg="mean")
    assert one.columns.tolist() == ["family", "name", "stat", "score", "n_spans", "seconds"]
    assert len(one) == 2
    for r in one.to_dict("records"):
        scores = face_long.loc[face_long["name"] == r["name"], "score"]
        assert r["score"] == pytest.approx(scores.mean(), rel=1e-12)
        assert r["n_spans"] == len(scores)
