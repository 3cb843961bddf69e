"""smooth against a brute-force loop over rows."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr

from ..strategies import long_from_rows, long_rows, span_lists

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


def reference_smooth(rows, width, center):
    out = []
    for r in rows:
        b, e = r["begin"], r["end"]
        if not (math.isfinite(b) and math.isfinite(e)):
            out.append(math.nan)
            continue
        if center:
            c = (b + e) / 2
            lo, hi = c - width / 2, c + width / 2
        else:
            lo, hi = e - width, e
        strong, weak = [], []
        for o in rows:
            if any(o[c] != r[c] for c in ("source", "file", "model", "track", "family", "name")):
                continue
            ob, oe, v = o["begin"], o["end"], o["score"]
            if not math.isfinite(ob) or math.isnan(v):
                continue
            if oe == ob:
                inside = lo <= ob < hi if center else lo < ob <= hi
                if inside:
                    weak.append(v)
            else:
                overlap = min(oe, hi) - max(ob, lo)
                if overlap > 0:
                    strong.append((overlap, v))
        if strong:
            out.append(sum(w * v for w, v in strong) / sum(w for w, _ in strong))
        else:
            out.append(sum(weak) / len(weak) if weak else math.nan)
    return out


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from([0.5, 1.0, 2.5]), st.booleans())
def test_smooth_matches_brute_force(rows, width, center):
    data = long_from_rows(rows)
    out = hr.smooth(data, window=width, center=center, overlapping="allow")
    expected = reference_smooth(rows, width, center)
    assert len(out) == len(rows)
    for got, exp in zip(out["score"], expected):
        if math.isnan(exp):
            assert math.isnan(got)
        else:
            assert got == pytest.approx(exp, rel=1e-9, abs=1e-12)
    pd.testing.assert_frame_equal(out.drop(columns="score"), data.drop(columns="score"))


def test_smooth_bad_window(face_long):
    with pytest.raises(ValueError, match="smooth: window must be a positive number"):
        hr.smooth(face_long, window=0)


def test_smooth_window_edges_do_not_depend_on_float_rounding():
    # 3 frames per second: frame k at k/3 s. A centred 2 s window is [c - 1, c + 1):
    # frames k-3 .. k+2, whose mean on a ramp is k - 0.5, for every interior frame.
    k = np.arange(60)
    t = k / 3
    ramp = pd.DataFrame(
        {
            "source": "a",
            "file": "a",
            "model": "face",
            "track": "face_0",
            "span_id": k,
            "begin": t,
            "end": t,
            "family": "emotion",
            "name": "Joy",
            "score": k.astype(float),
        }
    )
    out = hr.smooth(ramp, window=2.0)
    np.testing.assert_allclose(out["score"].to_numpy()[3:-3], k[3:-3] - 0.5)
