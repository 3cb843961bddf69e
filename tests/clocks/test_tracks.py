"""match_tracks against interval loops and an assignment by enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr

from .strategies import spans_from_rows


def union(intervals):
    out = []
    for b, e in sorted(intervals):
        if out and b <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([b, e])
    return out


def measure(segments):
    return sum(e - b for b, e in segments)


def intersection(a, b):
    return sum(max(0.0, min(e1, e2) - max(b1, b2)) for b1, e1 in a for b2, e2 in b)


def reference(face_rows, voice_rows, method):
    results = []
    for file in sorted({r["file"] for r in face_rows} & {r["file"] for r in voice_rows}):
        frames = sorted({r["begin"] for r in face_rows if r["file"] == file})
        step = float(np.median(np.diff(frames)))
        ftracks = sorted({r["track"] for r in face_rows if r["file"] == file})
        vtracks = sorted({r["track"] for r in voice_rows if r["file"] == file})
        fu = {
            t: union(
                [
                    (r["begin"] - step / 2, r["begin"] + step / 2)
                    for r in face_rows
                    if r["file"] == file and r["track"] == t
                ]
            )
            for t in ftracks
        }
        vu = {
            t: union(
                [
                    (r["begin"], r["end"])
                    for r in voice_rows
                    if r["file"] == file and r["track"] == t and r["end"] > r["begin"]
                ]
            )
            for t in vtracks
        }
        vtracks = [t for t in vtracks if vu[t]]
        segments = [s for u in list(fu.values()) + list(vu.values()) for s in u]
        total = max(e for _, e in segments) - min(b for b, _ in segments)
        table = {}
        for f in ftracks:
            for v in vtracks:
                a, fs, vs = intersection(fu[f], vu[v]), measure(fu[f]), measure(vu[v])
                if method == "phi":
                    den = math.sqrt(fs * (total - fs) * vs * (total - vs))
                    s = (a * total - fs * vs) / den if den > 0 else math.nan
                else:
                    s = a / (fs + vs - a)
                table[(f, v)] = (a, fs, vs, s)
        best, best_total = [], -math.inf
        small, large = (ftracks, vtracks) if len(ftracks) <= len(vtracks) else (vtracks, ftracks)
        for perm in itertools.permutations(large, len(small)):
            pairs = [(x, y) if small is ftracks else (y, x) for x, y in zip(small, perm)]
            value = sum(-1e9 if math.isnan(table[p][3]) else table[p][3] for p in pairs)
            if value > best_total + 1e-12:
                best, best_total = pairs, value
        for f, v in best:
            a, fs, vs, s = table[(f, v)]
            if not math.isnan(s) and s > 0:
                results.append((file, f, v, a, fs, vs, s))
    return sorted(results)


@st.composite
def problems(draw):
    seed = draw(st.integers(0, 10_000))
    rng = np.random.default_rng(seed)
    n_faces, n_voices = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    face_rows, voice_rows = [], []
    for file in ("x.mp4", "y.mp4")[: draw(st.integers(1, 2))]:
        for f in range(n_faces):
            visible = rng.random(40) < rng.uniform(0.3, 0.9)
            for i in np.flatnonzero(visible):
                face_rows.append(
                    dict(
                        source=file,
                        file=file,
                        model="face",
                        track=f"face_{f}",
                        span_id=len(face_rows),
                        begin=i * 0.5,
                        end=i * 0.5,
                    )
                )
        for v in range(n_voices):
            t = 0.0
            for j in range(int(rng.integers(1, 6))):
                b = t + float(rng.integers(0, 8)) * 0.25
                e = b + float(rng.integers(0, 12)) * 0.5
                voice_rows.append(
                    dict(
                        source=file,
                        file=file,
                        model="prosody",
                        track=f"spk_{v}",
                        span_id=j,
                        begin=b,
                        end=e,
                    )
                )
                t = e
    return face_rows, voice_rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.sampled_from(["phi", "jaccard"]))
def test_match_tracks_matches_brute_force(problem, method):
    face_rows, voice_rows = problem
    frames = {(r["file"], r["begin"]) for r in face_rows}
    files_ok = all(len({t for f, t in frames if f == file}) > 1 for file, _ in frames)
    if not face_rows or not voice_rows or not files_ok:
        return
    out = hr.match_tracks(spans_from_rows(face_rows), spans_from_rows(voice_rows), method=method)
    expected = reference(face_rows, voice_rows, method)
    got = sorted(
        (
            r["file"],
            r["face_track"],
            r["voice_track"],
            r["overlap_s"],
            r["face_s"],
            r["voice_s"],
            r["score"],
        )
        for r in out.to_dict("records")
    )
    # ties in the assignment can be broken either way: compare the totals and the evidence
    assert sum(x[-1] for x in got) == pytest.approx(sum(x[-1] for x in expected), abs=1e-9)
    if len({x[-1] for x in expected}) == len(expected):
        assert [x[:3] for x in got] == [x[:3] for x in expected]
        for g, e in zip(got, expected):
            assert g[3:] == pytest.approx(e[3:], rel=1e-9, abs=1e-12)


def test_cuts_between_speakers_are_found():
    t = np.arange(0, 20, 0.25)
    face = [
        dict(
            source="a",
            file="a",
            model="face",
            track="face_0" if (x // 5) % 2 == 0 else "face_1",
            span_id=i,
            begin=x,
            end=x,
        )
        for i, x in enumerate(t)
    ]
    voice = [
        dict(
            source="a",
            file="a",
            model="prosody",
            track="spk_1" if (b // 5) % 2 == 0 else "spk_0",
            span_id=i,
            begin=b,
            end=b + 4.5,
        )
        for i, b in enumerate([0.0, 5.0, 10.0, 15.0])
    ]
    out = hr.match_tracks(spans_from_rows(face), spans_from_rows(voice))
    assert list(zip(out["face_track"], out["voice_track"])) == [
        ("face_0", "spk_1"),
        ("face_1", "spk_0"),
    ]
    assert (out["score"] > 0.8).all()
    assert out.columns.tolist() == [
        "source",
        "file",
        "face_track",
        "voice_track",
        "overlap_s",
        "face_s",
        "voice_s",
        "score",
    ]


def test_constant_presence_gives_no_pair():
    t = np.arange(0, 10, 0.5)
    face = [
        dict(source="a", file="a", model="face", track=f"face_{k}", span_id=i, begin=x, end=x)
        for k in range(2)
        for i, x in enumerate(t)
    ]
    voice = [
        dict(source="a", file="a", model="prosody", track="spk_0", span_id=0, begin=1.0, end=4.0)
    ]
    out = hr.match_tracks(spans_from_rows(face), spans_from_rows(voice))
    assert len(out) == 0
    with pytest.raises(ValueError, match="match_tracks: method must be one of 'phi', 'jaccard'"):
        hr.match_tracks(spans_from_rows(face), spans_from_rows(voice), method="cosine")
    both = pd.concat([spans_from_rows(face), spans_from_rows(voice)], ignore_index=True)
    with pytest.raises(ValueError, match="face has no 'video' spans"):
        hr.match_tracks(both, both, face_model="video")
