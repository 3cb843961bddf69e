"""resample against a brute-force loop over rows and bins."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import define

from ..strategies import joy_series, long_from_rows, long_rows, span_lists

SERIES = [*define.SERIES_KEYS, "family", "name"]


def in_bin(b, e, start, window):
    """(weight, strong) of a row in a bin, or None."""
    if e == b:
        return (1.0, False) if start <= b < start + window else None
    overlap = min(e, start + window) - max(b, start)
    return (overlap, True) if overlap > 0 else None


def reference_resample(rows, step, window, origin):
    window = step if window is None else window
    bins_of_file = {}
    for r in rows:
        if not (math.isfinite(r["begin"]) and math.isfinite(r["end"])):
            continue
        k0 = math.floor((r["begin"] - origin - window) / step) - 2
        k1 = math.floor((r["end"] - origin) / step) + 2
        for k in range(k0, k1 + 1):
            if in_bin(r["begin"], r["end"], origin + float(k) * step, window):
                bins_of_file.setdefault((r["source"], r["file"]), set()).add(k)
    series = {}
    for r in rows:
        series.setdefault(tuple(r[c] for c in SERIES), []).append(r)
    result = {}
    for key, members in series.items():
        ks = bins_of_file.get(key[:2])
        if not ks:
            continue
        for k in range(min(ks), max(ks) + 1):
            start = origin + float(k) * step
            items = []
            for r in members:
                if math.isnan(r["score"]) or not math.isfinite(r["begin"]):
                    continue
                hit = in_bin(r["begin"], r["end"], start, window)
                if hit:
                    items.append((*hit, r["score"], r["end"] - r["begin"]))
            strong = [x for x in items if x[1]]
            if strong:
                total = sum(w for w, _, _, _ in strong)
                value = sum(w * v for w, _, v, _ in strong) / total
                result[(*key, k)] = (value, len(strong), total)
            elif items:
                result[(*key, k)] = (sum(v for _, _, v, _ in items) / len(items), len(items), 0.0)
            else:
                result[(*key, k)] = (math.nan, 0, 0.0)
    return result


def has_overlap(rows):
    spans = {}
    for r in rows:
        if math.isfinite(r["begin"]) and r["end"] > r["begin"]:
            spans[(r["source"], r["file"], r["model"], r["track"], r["span_id"])] = (
                r["begin"],
                r["end"],
            )
    items = list(spans.items())
    for i, (ki, (bi, ei)) in enumerate(items):
        for kj, (bj, ej) in items[i + 1 :]:
            if ki[:4] == kj[:4] and min(ei, ej) - max(bi, bj) > 0:
                return True
    return False


@st.composite
def problems(draw):
    spans = draw(span_lists("face", max_spans=8)) + draw(span_lists("prosody", max_spans=6))
    rows = draw(long_rows(spans))
    step = draw(st.sampled_from([0.25, 0.5, 1.0, 0.3]))
    window = draw(st.sampled_from([None, None, 0.5, 1.0, 2.0, 0.2]))
    origin = draw(st.sampled_from([0.0, 0.1, -0.5]))
    return rows, step, window, origin


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_resample_matches_brute_force(problem):
    rows, step, window, origin = problem
    data = long_from_rows(rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        out = hr.resample(data, step=step, window=window, origin=origin, overlapping="allow")
    expected = reference_resample(rows, step, window, origin)
    got = {
        (*(r[c] for c in SERIES), r["span_id"]): (r["score"], r["n_spans"], r["seconds"])
        for r in out.to_dict("records")
    }
    assert set(got) == set(expected)
    for key, (value, n, seconds) in expected.items():
        g_value, g_n, g_seconds = got[key]
        assert g_n == n and g_seconds == pytest.approx(seconds, abs=1e-12), key
        if math.isnan(value):
            assert math.isnan(g_value), key
        else:
            assert g_value == pytest.approx(value, rel=1e-9, abs=1e-12), key
    width = step if window is None else window
    starts = origin + out["span_id"].to_numpy(dtype=float) * step
    np.testing.assert_array_equal(out["begin"].to_numpy(), starts)
    np.testing.assert_array_equal(out["end"].to_numpy(), starts + width)
    # the overlap check agrees with a pairwise loop
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        if has_overlap(rows):
            with pytest.raises(ValueError, match="overlapping spans"):
                hr.resample(data, step=step, window=window, origin=origin, overlapping="raise")
        else:
            hr.resample(data, step=step, window=window, origin=origin, overlapping="raise")


def test_hand_computed_overlap_weights():
    data = joy_series([(0.2, 0.7, 0.4), (0.7, 1.6, 0.8)], model="prosody", track="s")
    out = hr.resample(data, step=0.5)
    # bins [0, .5): 0.3 s of 0.4; [.5, 1): 0.2 s of 0.4 + 0.3 s of 0.8; [1, 1.5): 0.8; [1.5, 2): 0.8
    assert out["span_id"].tolist() == [0, 1, 2, 3]
    assert out["score"].tolist() == pytest.approx([0.4, (0.2 * 0.4 + 0.3 * 0.8) / 0.5, 0.8, 0.8])
    assert out["seconds"].tolist() == pytest.approx([0.3, 0.5, 0.5, 0.1])


@pytest.mark.parametrize("fill", [0.5, "ffill", "bfill", "interpolate"])
def test_fill_matches_pandas(fill):
    rows = [
        dict(
            source="a",
            file="a",
            model="face",
            track="f",
            span_id=i,
            begin=t,
            end=t,
            family="emotion",
            name=n,
            score=v,
        )
        for i, (t, v) in enumerate([(0.1, 0.2), (1.1, 0.6), (3.2, 1.0), (4.4, 0.0)])
        for n in (["Joy", "Calmness"] if i != 2 else ["Joy"])
    ]
    data = long_from_rows(rows)
    plain = hr.resample(data, step=0.5)
    filled = hr.resample(data, step=0.5, fill=fill)
    groups = plain.groupby(["name"], observed=True, sort=False)["score"]
    if fill == "ffill":
        expected = groups.ffill()
    elif fill == "bfill":
        expected = groups.bfill()
    elif fill == "interpolate":
        expected = groups.transform(lambda s: s.interpolate(limit_area="inside"))
    else:
        expected = plain["score"].fillna(fill)
    np.testing.assert_allclose(filled["score"], expected)
    assert (filled["n_spans"] == plain["n_spans"]).all()


def test_granularity_is_never_mixed():
    spans = [(0.0, 0.5, 0.5), (0.5, 1.0, 0.5), (0.0, 1.0, 0.5)]
    data = joy_series(spans, model="language").assign(granularity=["word", "word", "sentence"])
    with pytest.raises(ValueError, match="several granularities"):
        hr.resample(data, step=0.5)
    out = hr.resample(data, step=0.5, granularity="word")
    assert out["n_spans"].tolist() == [1, 1]
    with pytest.raises(ValueError, match="needs a 'granularity' column"):
        hr.resample(data.drop(columns="granularity"), step=0.5, granularity="word")


def test_bad_arguments_and_raw_text(face_long):
    for bad in (0, -1, float("nan"), "x"):
        with pytest.raises(ValueError, match="step"):
            hr.resample(face_long, step=bad)
    with pytest.raises(ValueError, match="resample: fill must be None, a number or one of"):
        hr.resample(face_long, step=1.0, fill="mean")
    with pytest.raises(ValueError, match="resample: overlapping must be one of 'raise', 'allow'"):
        hr.resample(face_long, step=1.0, overlapping="yes")
    text = face_long.assign(begin=np.nan, end=np.nan)
    with pytest.warns(UserWarning, match="no time"):
        out = hr.resample(text, step=1.0)
    assert len(out) == 0


def test_grid_is_shared_by_the_series_of_a_file(face_long):
    out = hr.resample(face_long, step=1.0)
    span = out.groupby(["file", "track", "name"], observed=True)["span_id"].agg(["min", "max"])
    assert span.groupby(level="file").nunique().max().max() == 1
