"""Builders of contract tables and hypothesis strategies for the align tests."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from humeresearch._contract import LONG_COLUMNS, SPAN_COLUMNS

# a coarse grid of times makes ties, touching and zero-length spans likely
TIMES = [0.0, 0.5, 1.0, 1.5, 2.0, 0.25, 2.75]
LENGTHS = [0.0, 0.0, 0.5, 1.0, 0.25, 1.5]
NAMES = ("Joy", "Calmness")
SOURCES = ("s1", "s2")
TRACKS = ("t0", "t1")


def long_table(rows: Sequence[dict]) -> pd.DataFrame:
    """A long table with contract dtypes from dicts with the long columns."""
    df = pd.DataFrame(list(rows), columns=LONG_COLUMNS)
    for c in ("source", "file", "model", "track", "family", "name"):
        df[c] = df[c].astype(str).astype("category")
    df["span_id"] = df["span_id"].astype("int64")
    for c in ("begin", "end", "score"):
        df[c] = df[c].astype("float64")
    return df


def joy_series(
    spans: Sequence[tuple[float, float, float]], *, model: str, track: str = "u"
) -> pd.DataFrame:
    """A long table of one "Joy" series of ``(begin, end, score)`` spans in file "a"."""
    return long_table(
        dict(
            source="a",
            file="a",
            model=model,
            track=track,
            span_id=i,
            begin=b,
            end=e,
            family="emotion",
            name="Joy",
            score=v,
        )
        for i, (b, e, v) in enumerate(spans)
    )


def spans_table(rows: Sequence[dict]) -> pd.DataFrame:
    """A spans table with contract dtypes from dicts with keys and begin/end."""
    df = pd.DataFrame(list(rows))
    for c in SPAN_COLUMNS:
        if c not in df.columns:
            df[c] = None
    df = df[SPAN_COLUMNS + [c for c in df.columns if c not in SPAN_COLUMNS]]
    for c in ("source", "file", "track", "text"):
        df[c] = df[c].astype("string")
    df["model"] = df["model"].astype(str).astype("category")
    df["api"] = pd.Series(["v0"] * len(df), dtype="category")
    df["span_id"] = df["span_id"].astype("int64")
    df["begin"] = df["begin"].astype("float64")
    df["end"] = df["end"].astype("float64")
    df["frame"] = df["frame"].astype("Int64")
    return df


@st.composite
def span_lists(
    draw,
    model: str,
    *,
    max_spans: int = 10,
    lengths: Sequence[float] = LENGTHS,
    nan_times: bool = True,
    tracks: Sequence[str] = TRACKS,
    sources: Sequence[str] = SOURCES,
) -> list[dict]:
    """Spans (keys, begin, end) with ids numbered per (source, file, model, track)."""
    n = draw(st.integers(0, max_spans))
    out, counters = [], {}
    for _ in range(n):
        source = draw(st.sampled_from(sources))
        track = draw(st.sampled_from(tracks))
        if nan_times and draw(st.integers(0, 9)) == 0:
            begin = end = math.nan
        else:
            begin = draw(st.sampled_from(TIMES))
            end = begin + draw(st.sampled_from(lengths))
        key = (source, track)
        counters[key] = counters.get(key, -1) + 1
        out.append(
            {
                "source": source,
                "file": source + ".mp4",
                "model": model,
                "track": track,
                "span_id": counters[key],
                "begin": begin,
                "end": end,
            }
        )
    return out


@st.composite
def long_rows(draw, spans: list[dict], names: Sequence[str] = NAMES, sparse: bool = True):
    """Rows of a long table for the given spans (some names missing, some NaN)."""
    rows = []
    for span in spans:
        for name in names:
            if sparse and draw(st.integers(0, 7)) == 0:
                continue
            if draw(st.integers(0, 15)) == 0:
                score = math.nan
            else:
                score = draw(st.floats(0, 1, allow_nan=False, width=32))
            rows.append({**span, "family": "emotion", "name": name, "score": float(score)})
    return rows


def regular_long(
    n_files: int = 2,
    tracks: Sequence[str] = ("face_0", "face_1"),
    model: str = "face",
    names: Sequence[str] = NAMES,
    *,
    step: float = 1 / 3,
    duration: float = 6.0,
    lengths: float = 0.0,
    seed: int = 0,
) -> pd.DataFrame:
    """A deterministic long table: spans every ``step`` seconds, random scores."""
    rng = np.random.default_rng(seed)
    rows = []
    for f in range(n_files):
        for track in tracks:
            t = np.arange(0.0, duration, step)
            for i, begin in enumerate(t):
                for name in names:
                    rows.append(
                        {
                            "source": f"rec{f}.mp4",
                            "file": f"rec{f}.mp4",
                            "model": model,
                            "track": track,
                            "span_id": i,
                            "begin": float(begin),
                            "end": float(begin + lengths),
                            "family": "emotion",
                            "name": name,
                            "score": float(rng.random()),
                        }
                    )
    return long_table(rows)
