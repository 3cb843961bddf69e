"""epochs against a brute-force loop over events and rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import testing
from humeresearch.errors import StatsWarning

from ..strategies import KEYS, SOURCES, TIMES, long_from_rows, long_rows, span_lists


def meets(b, e, wb, we):
    if not (math.isfinite(b) and math.isfinite(e)):
        return False
    if we == wb:
        return b == wb if e == b else b <= wb < e
    if e == b:
        return wb <= b < we
    return min(e, we) - max(b, wb) > 0


@st.composite
def problems(draw):
    spans = draw(span_lists("face", max_spans=8)) + draw(span_lists("prosody", max_spans=5))
    rows = draw(long_rows(spans))
    n = draw(st.integers(0, 4))
    events = [
        {
            "source": draw(st.sampled_from(SOURCES)),
            "onset": draw(st.sampled_from(TIMES)),
            "duration": draw(st.sampled_from([0.0, 0.5, 1.0, 2.0])),
            "label": draw(st.sampled_from(["a", "b"])),
            "trial": i,
        }
        for i in range(n)
    ]
    return rows, events


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.booleans())
def test_epochs_match_brute_force(problem, use_window):
    rows, events = problem
    data = long_from_rows(rows)
    table = pd.DataFrame(events, columns=["source", "onset", "duration", "label", "trial"])
    if use_window:
        out = hr.epochs(data, table, tmin=-0.5, tmax=1.0)
    else:
        out = hr.epochs(data, table)
    expected = []
    for i, ev in enumerate(events):
        wb, we = (
            (ev["onset"] - 0.5, ev["onset"] + 1.0)
            if use_window
            else (
                ev["onset"],
                ev["onset"] + ev["duration"],
            )
        )
        for r in rows:
            if r["source"] == ev["source"] and meets(r["begin"], r["end"], wb, we):
                expected.append(
                    (
                        i,
                        *(r[k] for k in KEYS),
                        r["name"],
                        r["begin"] - ev["onset"],
                        ev["label"],
                        ev["trial"],
                    )
                )
    got = [
        (r["event"], *(r[k] for k in KEYS), r["name"], r["time"], r["label"], r["trial"])
        for r in out.to_dict("records")
    ]
    assert got == expected
    assert list(out.columns[:10]) == list(data.columns)
    np.testing.assert_allclose(out["time_end"] - out["time"], out["end"] - out["begin"])


def test_epochs_by_file_and_columns():
    rows = [
        dict(
            source="s",
            file=f,
            model="face",
            track="face_0",
            span_id=i,
            begin=t,
            end=t,
            family="emotion",
            name="Joy",
            score=0.1 * i,
        )
        for f in ("x.mp4", "y.mp4")
        for i, t in enumerate([0.0, 1.0, 2.0])
    ]
    events = pd.DataFrame(
        {"file": ["y.mp4"], "onset": [1.0], "tmin": [-1.0], "tmax": [0.5], "score": [9]}
    )
    out = hr.epochs(long_from_rows(rows), events)
    assert out["file"].astype(str).tolist() == ["y.mp4", "y.mp4"]
    assert out["time"].tolist() == [-1.0, 0.0]
    assert out["event_score"].tolist() == [9, 9]  # clashing event column is prefixed


def test_epochs_bad_events(face_long):
    with pytest.raises(ValueError, match="'source' or 'file'"):
        hr.epochs(face_long, pd.DataFrame({"onset": [1.0], "duration": [1.0]}))
    with pytest.raises(ValueError, match="duration"):
        hr.epochs(face_long, pd.DataFrame({"source": ["rec0.mp4"], "onset": [1.0]}))
    with pytest.raises(ValueError, match="events row 1"):
        hr.epochs(
            face_long,
            pd.DataFrame({"source": ["rec0.mp4"] * 2, "onset": [1.0, np.nan], "duration": 1.0}),
        )
    with pytest.raises(ValueError, match="both tmin and tmax"):
        hr.epochs(face_long, pd.DataFrame({"source": ["a"], "onset": [1.0]}), tmin=0.0)


def _two_events() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Face frames every 0.5 s at a.mp4 (Joy, Anger) and two events at 1.0 s and 3.0 s."""
    t = np.arange(0.0, 5.0, 0.5)
    joy = 0.1 + 0.05 * np.arange(len(t))  # 0.10, 0.15, ..., 0.55
    anger = np.array([0.4, 0.2, 0.6, 0.2, 0.5, 0.3, 0.9, 0.1, 0.7, 0.3])
    data = pd.DataFrame(
        {
            "source": "a.mp4",
            "file": "a.mp4",
            "model": "face",
            "track": "face_0",
            "span_id": np.tile(np.arange(len(t)), 2),
            "begin": np.tile(t, 2),
            "end": np.tile(t, 2),
            "family": "emotion",
            "name": np.repeat(["Joy", "Anger"], len(t)),
            "score": np.r_[joy, anger],
        }
    )
    events = pd.DataFrame({"source": ["a.mp4", "a.mp4"], "onset": [1.0, 3.0]})
    return data, events


def test_epochs_baseline_by_hand():
    data, events = _two_events()
    raw = hr.epochs(data, events, tmin=-1.0, tmax=1.5)
    sub = hr.epochs(data, events, tmin=-1.0, tmax=1.5, baseline=(None, 0.0))
    # event 0 (onset 1.0): frames at 0.0, 0.5, 1.0, 1.5, 2.0; baseline 0.0..1.0
    joy0 = sub[(sub["event"] == 0) & (sub["name"] == "Joy")]
    assert joy0["time"].tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]
    m = (0.10 + 0.15 + 0.20) / 3
    np.testing.assert_allclose(
        joy0["score"], np.array([0.10, 0.15, 0.20, 0.25, 0.30]) - m, rtol=0, atol=1e-12
    )
    # event 1 (onset 3.0), Anger: frames at 2.0 .. 4.0, baseline frames at 2.0, 2.5, 3.0
    anger1 = sub[(sub["event"] == 1) & (sub["name"] == "Anger")]
    x = np.array([0.5, 0.3, 0.9, 0.1, 0.7])
    base = np.array([0.5, 0.3, 0.9])
    np.testing.assert_allclose(anger1["score"], x - base.mean(), atol=1e-12)
    z = hr.epochs(data, events, tmin=-1.0, tmax=1.5, baseline=(-0.5, 0.0), baseline_method="zscore")
    anger1 = z[(z["event"] == 1) & (z["name"] == "Anger")]
    base = np.array([0.3, 0.9])  # -0.5 <= time <= 0: frames at 2.5 and 3.0
    np.testing.assert_allclose(anger1["score"], (x - base.mean()) / base.std(ddof=0), rtol=1e-12)
    ratio = hr.epochs(data, events, tmin=-1.0, tmax=1.5, baseline=(0.0, None),
                      baseline_method="ratio")  # fmt: skip
    joy1 = ratio[(ratio["event"] == 1) & (ratio["name"] == "Joy")]
    y = np.array([0.30, 0.35, 0.40, 0.45, 0.50])
    np.testing.assert_allclose(joy1["score"], y / y[2:].mean(), rtol=1e-12)
    # everything but the score is the uncorrected epochs
    pd.testing.assert_frame_equal(sub.drop(columns="score"), raw.drop(columns="score"))


@pytest.mark.parametrize("method", hr.define.RESCALE_METHODS)
def test_epochs_baseline_is_rescale_of_the_raw_epochs(method):
    df = testing.long_table(sources=("a.mp4", "b.mp4"), models=("face", "prosody"),
                            duration=8.0, fps=4.0, span=0.5, seed=3)  # fmt: skip
    df["score"] = df["score"] + 0.05  # strictly positive for the log ratios
    events = pd.DataFrame({"source": ["a.mp4", "b.mp4", "a.mp4"], "onset": [2.0, 3.0, 5.5],
                           "label": ["x", "y", "x"]})  # fmt: skip
    raw = hr.epochs(df, events, tmin=-1.0, tmax=2.0)
    got = hr.epochs(df, events, tmin=-1.0, tmax=2.0, baseline=(-1.0, 0.0),
                    baseline_method=method)  # fmt: skip
    want = hr.stats.rescale(raw, baseline=(-1.0, 0.0), method=method)
    pd.testing.assert_frame_equal(got, want)
    assert np.isfinite(got["score"]).all()
    assert not np.allclose(got["score"], raw["score"])


def test_epochs_baseline_checks():
    data, events = _two_events()
    with pytest.raises(ValueError, match="baseline_method"):
        hr.epochs(data, events, tmin=-1.0, tmax=1.0, baseline=(None, 0), baseline_method="sub")
    with pytest.raises(ValueError, match="must be \\(b0, b1\\)"):
        hr.epochs(data, events, tmin=-1.0, tmax=1.0, baseline=(0.0,))
    with pytest.raises(ValueError, match="starts after it ends"):
        hr.epochs(data, events, tmin=-1.0, tmax=1.0, baseline=(0.0, -0.5))
    with pytest.raises(ValueError, match="outside the epoch window"):
        hr.epochs(data, events, tmin=-1.0, tmax=1.0, baseline=(-2.0, 0.0))
    # events with their own windows: an epoch without a baseline row is NaN, warned
    own = events.assign(duration=[1.0, 1.0])
    with pytest.warns(StatsWarning, match="no value in the baseline"):
        out = hr.epochs(data, own, baseline=(-1.0, -0.5))
    assert out["score"].isna().all()
