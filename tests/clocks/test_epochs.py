"""epochs against a brute-force loop over events and rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr

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
