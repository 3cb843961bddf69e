"""Hypothesis strategies of contract tables, shared by the tests (clocks, aggregate).

The strategies draw rows (dicts) so that the brute-force references can loop over
them; :func:`long_from_rows` and :func:`spans_from_rows` turn rows into tables with
the contract's dtypes (checked by :func:`humeresearch.validate`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import define

KEYS = [*define.SERIES_KEYS, "span_id"]
LONG_COLUMNS = [*KEYS, "begin", "end", "family", "name", "score"]

# a coarse grid of times makes ties, touching and zero-length spans likely
TIMES = [0.0, 0.5, 1.0, 1.5, 2.0, 0.25, 2.75]
LENGTHS = [0.0, 0.0, 0.5, 1.0, 0.25, 1.5]
NAMES = ("Joy", "Calmness")
SOURCES = ("s1", "s2")
TRACKS = ("t0", "t1")


def long_from_rows(rows: Iterable[dict]) -> pd.DataFrame:
    """A long contract table from dicts with the long columns (duplicates allowed)."""
    df = pd.DataFrame(list(rows), columns=LONG_COLUMNS)
    for c in (*define.SERIES_KEYS, "family", "name"):
        df[c] = df[c].astype(str).astype("category")
    df = df.astype({"span_id": "int64", "begin": "float64", "end": "float64", "score": "float64"})
    return hr.validate(df, "long", unique=False)


def spans_from_rows(rows: Iterable[dict]) -> pd.DataFrame:
    """A spans contract table from dicts with the keys and begin/end."""
    df = pd.DataFrame(list(rows), columns=[*KEYS, "begin", "end"])
    out = df.astype(
        {
            "source": "string",
            "file": "string",
            "model": "category",
            "track": "string",
            "span_id": "int64",
            "begin": "float64",
            "end": "float64",
        }
    )
    out.insert(5, "api", pd.Categorical(["v0"] * len(out), categories=define.APIS))
    out["frame"] = pd.array([pd.NA] * len(out), dtype="Int64")
    out["text"] = pd.array([pd.NA] * len(out), dtype="string")
    return hr.validate(out, "spans")


def joy_series(
    spans: Sequence[tuple[float, float, float]], *, model: str, track: str = "u"
) -> pd.DataFrame:
    """A long table of one "Joy" series of ``(begin, end, score)`` spans in file "a"."""
    return long_from_rows(
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
