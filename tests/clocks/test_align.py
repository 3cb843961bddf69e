"""align against a brute-force loop over every (source span, target span) pair."""

from __future__ import annotations

import inspect
import math
import typing
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch.errors import UnmatchedSpansWarning

from ..strategies import KEYS, joy_series, long_from_rows, long_rows, span_lists, spans_from_rows


def reference_align(rows, targets, match_track=False, pool=False):
    """Loops over spans; returns {key: (score, n_spans, seconds)} and unmatched keys."""

    def group(r):
        return (r["source"], r["file"]) + ((r["track"],) if match_track else ())

    last_end = {}
    for t in targets:
        if math.isfinite(t["begin"]) and math.isfinite(t["end"]):
            g = group(t)
            last_end[g] = max(last_end.get(g, -math.inf), t["end"])
    contributions = {}
    matched = set()
    for ti, t in enumerate(targets):
        tb, te = t["begin"], t["end"]
        if not (math.isfinite(tb) and math.isfinite(te)):
            continue
        for r in rows:
            if group(r) != group(t):
                continue
            sb, se = r["begin"], r["end"]
            if not (math.isfinite(sb) and math.isfinite(se)):
                continue
            instant = sb == se
            w, strong = None, None
            if te == tb:  # point target
                if instant and sb == tb:
                    w, strong = 1.0, False
                elif not instant and sb <= tb < se:
                    w, strong = 1.0, True
            elif instant:
                if tb <= sb < te or (sb == te and te == last_end[group(t)]):
                    w, strong = 1.0, False
            else:
                overlap = min(se, te) - max(sb, tb)
                if overlap > 0:
                    w, strong = overlap, True
            if w is None:
                continue
            matched.add(tuple(r[k] for k in KEYS))
            key = (ti, r["model"], None if pool else r["track"], r["family"], r["name"])
            contributions.setdefault(key, []).append((w, strong, r["score"], te > tb))
    result = {}
    for key, items in contributions.items():
        valid = [x for x in items if not math.isnan(x[2])]
        strong = [x for x in valid if x[1]]
        if strong:
            total = sum(w for w, _, _, _ in strong)
            score = sum(w * v for w, _, v, _ in strong) / total
            seconds = sum(w for w, _, _, interval in strong if interval)
            result[key] = (score, len(strong), seconds)
        else:
            weak = [x for x in valid if not x[1]]
            score = sum(v for _, _, v, _ in weak) / len(weak) if weak else math.nan
            result[key] = (score, len(weak), 0.0)
    unmatched = {tuple(r[k] for k in KEYS) for r in rows} - matched
    return result, unmatched


def as_result(out: pd.DataFrame, targets: list[dict], pool: bool) -> dict:
    index = {tuple(t[k] for k in KEYS): i for i, t in enumerate(targets)}
    got = {}
    for r in out.to_dict("records"):
        ti = index[tuple(r[k] for k in KEYS)]
        track = None if pool else r["from_track"]
        got[(ti, r["from_model"], track, r["family"], r["name"])] = (
            r["score"],
            r["n_spans"],
            r["seconds"],
        )
    return got


def check(got: dict, expected: dict) -> None:
    assert set(got) == set(expected)
    for key, (score, n, seconds) in expected.items():
        g_score, g_n, g_seconds = got[key]
        assert g_n == n, key
        assert g_seconds == pytest.approx(seconds, abs=1e-12), key
        if math.isnan(score):
            assert math.isnan(g_score), key
        else:
            assert g_score == pytest.approx(score, rel=1e-9, abs=1e-12), key


@st.composite
def problems(draw):
    src_spans = draw(span_lists("face", max_spans=10))
    src_spans += draw(span_lists("prosody", max_spans=6))
    rows = draw(long_rows(src_spans))
    targets = draw(span_lists("language", max_spans=8, tracks=("t0", "t1")))
    return rows, targets


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.booleans(), st.booleans())
def test_align_matches_brute_force(problem, match_track, pool):
    rows, targets = problem
    data, onto = long_from_rows(rows), spans_from_rows(targets)
    out, unmatched = hr.align(
        data, onto, match_track=match_track, pool_tracks=pool, return_unmatched=True
    )
    expected, expected_unmatched = reference_align(rows, targets, match_track, pool)
    check(as_result(out, targets, pool), expected)
    assert {tuple(r[k] for k in KEYS) for r in unmatched.to_dict("records")} == (expected_unmatched)
    assert list(out.columns[:10]) == list(hr.validate(data, "long").columns[:10])


def test_hand_computed(tiny_long):
    face = tiny_long[tiny_long["model"] == "face"]
    onto = spans_from_rows(
        [
            dict(
                source="a", file="a", model="prosody", track="spk_0", span_id=0, begin=0.0, end=0.5
            ),
            dict(
                source="a", file="a", model="prosody", track="spk_0", span_id=1, begin=0.5, end=1.0
            ),
        ]
    )
    out = hr.align(face, onto)
    # frame 0.0 -> span 0; frames 0.5 and 1.0 (end of the last span) -> span 1
    assert out["score"].tolist() == pytest.approx([0.2, (0.4 + 0.9) / 2])
    assert out["n_spans"].tolist() == [1, 2]
    assert out["seconds"].tolist() == [0.0, 0.0]
    assert out["model"].astype(str).tolist() == ["prosody", "prosody"]
    assert out["from_model"].astype(str).tolist() == ["face", "face"]


def test_interval_weights_and_touching():
    data = joy_series([(0.0, 1.0, 0.1), (1.0, 3.0, 0.4), (3.0, 3.0, 0.9)], model="language")
    onto = spans_from_rows(
        [dict(source="a", file="a", model="prosody", track="u", span_id=0, begin=0.5, end=3.0)]
    )
    out = hr.align(data, onto)
    # 0.5 s of 0.1 and 2 s of 0.4; the zero-length word at 3.0 touches the end only
    assert out["score"].iloc[0] == pytest.approx((0.5 * 0.1 + 2.0 * 0.4) / 2.5)
    assert out["seconds"].iloc[0] == pytest.approx(2.5)
    assert out["n_spans"].iloc[0] == 2


def test_unmatched_warning_and_empty(face_long, prosody_spans):
    far = prosody_spans.assign(begin=100.0, end=101.0)
    with pytest.warns(UnmatchedSpansWarning, match="overlap no target"):
        out = hr.align(face_long, far)
    assert len(out) == 0
    assert list(out.columns[:10]) == list(face_long.columns)
    out, unmatched = hr.align(face_long.iloc[:0], prosody_spans, return_unmatched=True)
    assert len(out) == 0 and len(unmatched) == 0


def test_wide_and_measurements_input(face_long, face_wide, prosody_spans):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        a = hr.align(face_long, prosody_spans)
        b = hr.align(face_wide, prosody_spans)

        class Fake:
            def long(self):
                return face_long

        c = hr.align(Fake(), prosody_spans)
    cols = ["source", "file", "track", "span_id", "from_track", "name"]
    a = a.sort_values(cols, ignore_index=True)
    b = b.sort_values(cols, ignore_index=True)
    np.testing.assert_allclose(a["score"], b["score"])
    pd.testing.assert_frame_equal(a, c.sort_values(cols, ignore_index=True))


def test_match_tracks_mapping(face_long, prosody_spans):
    mapping = pd.DataFrame(
        {
            "source": ["rec0.mp4", "rec0.mp4"],
            "file": ["rec0.mp4", "rec0.mp4"],
            "face_track": ["face_0", "face_1"],
            "voice_track": ["spk_1", "spk_0"],
        }
    )
    out, unmatched = hr.align(face_long, prosody_spans, match_track=mapping, return_unmatched=True)
    pairs = set(zip(out["from_track"].astype(str), out["track"].astype(str)))
    assert pairs == {("face_0", "spk_1"), ("face_1", "spk_0")}
    assert set(out["source"].astype(str)) == {"rec0.mp4"}
    assert set(unmatched["source"].astype(str)) == {"rec1.mp4"}


def test_bad_input():
    with pytest.raises(ValueError, match=r"align: data has no column\(s\)"):
        hr.align(pd.DataFrame({"source": ["a"]}), pd.DataFrame({"source": ["a"]}))
    bad = long_from_rows(
        [
            dict(
                source="a",
                file="a",
                model="face",
                track="f",
                span_id=0,
                begin=2.0,
                end=1.0,
                family="emotion",
                name="Joy",
                score=0.1,
            )
        ]
    )
    with pytest.raises(ValueError, match="ends before it begins"):
        hr.align(bad, bad)
    with pytest.raises(ValueError, match="match_track"):
        hr.align(bad.assign(end=2.0), bad.assign(end=2.0), match_track="yes")


def test_public_align_is_the_function_whatever_is_used_first():
    import humeresearch.clocks as module

    assert hr.resample is module.resample
    assert hr.align is module.align and inspect.isfunction(hr.align)


def test_align_return_type_follows_return_unmatched():
    returns = [o.__annotations__["return"] for o in typing.get_overloads(hr.align)]
    assert returns == ["pd.DataFrame", "tuple[pd.DataFrame, pd.DataFrame]"]
    params = inspect.signature(hr.align).parameters
    assert [p.kind for p in params.values()][2:] == [inspect.Parameter.KEYWORD_ONLY] * 3


def test_outputs_follow_the_contract(face_long, prosody_long, prosody_spans):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        aligned = hr.align(face_long, prosody_spans)
    hr.validate(aligned, "long", unique=False)
    hr.validate(hr.align(face_long, prosody_spans, match_track=False, pool_tracks=True), "long")
    hr.validate(hr.resample(face_long, step=0.5), "long")
    events = pd.DataFrame({"source": ["rec0.mp4"], "onset": [1.0], "duration": [2.0]})
    hr.validate(hr.epochs(prosody_long, events), "long")
    hr.validate(hr.smooth(face_long, window=1.0), "long")
