"""top_k, dominant and smooth: top expressions and time-based smoothing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._contract import KEYS
from humeresearch.clocks._common import as_long, codes_of, combine, factorize_sorted, times
from humeresearch.clocks._overlap import find_pairs, two_tier_mean
from humeresearch.clocks._summarize import summarize

#: columns that, besides the keys, tell rows of one span apart in derived tables
IDENTITY_EXTRAS = ("from_model", "from_track", "event")


def _select_family(long: pd.DataFrame, family: str | None) -> pd.DataFrame:
    if family is None:
        return long
    fam = long["family"].astype(object)
    keep = (fam == family).to_numpy()
    if len(long) and not keep.any():
        present = sorted(map(str, pd.unique(fam.dropna())))
        raise ValueError(f"family {family!r} is not in the data; families present: {present}")
    return long.loc[keep]


def _ranked(
    table: pd.DataFrame, group: list[str], score: str, k: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of ``table`` ranked within (group, family) by score desc, then name."""
    table = table.loc[table[score].notna().to_numpy()].reset_index(drop=True)
    parts = [codes_of(table[c]) for c in [*group, "family"]]
    gkey, _ = factorize_sorted(combine([c for c, _ in parts], [len(u) + 1 for _, u in parts]))
    ncodes, nuniq = codes_of(table["name"])
    name_rank = np.empty(len(nuniq), dtype=np.int64)
    name_rank[np.argsort(np.asarray(nuniq.astype(str)), kind="stable")] = np.arange(len(nuniq))
    order = np.lexsort((name_rank[ncodes], -table[score].to_numpy(dtype=np.float64), gkey))
    g = gkey[order]
    start = np.r_[0, np.flatnonzero(g[1:] != g[:-1]) + 1] if len(g) else np.empty(0, np.int64)
    rank = np.arange(len(g)) - np.repeat(start, np.diff(np.r_[start, len(g)])) + 1
    keep = rank <= k
    out = table.iloc[order[keep]].reset_index(drop=True)
    return out, rank[keep]


def top_k(
    data: Any,
    k: int = 3,
    by: Sequence[str] | None = None,
    *,
    family: str | None = "emotion",
) -> pd.DataFrame:
    """The ``k`` highest-scoring expressions per span or per group.

    Per span (``by=None``) the span's own scores are ranked; per group the names are
    ranked by their :func:`humeresearch.summarize` mean (duration-weighted for
    spans). Ranking is within each family; ties are resolved deterministically by
    name in alphabetical order.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long table or any long-shaped output.
    k : int, default 3
        How many names to keep per span or group (fewer where fewer have a score).
    by : sequence of str, optional
        Grouping columns; ``None`` ranks per span (the keys, plus ``from_model``,
        ``from_track`` and ``event`` where present).
    family : str or None, default "emotion"
        Rank only this family; ``None`` ranks every family separately.

    Returns
    -------
    DataFrame
        Per span: the keys (and identity extras), ``begin``, ``end``, ``family``,
        ``name``, ``score``, ``rank`` (1 = highest). Per group: the ``by`` columns,
        ``family``, ``name``, ``score`` (the group mean), ``rank``. Ordered by span
        or group, then rank.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": 0, "begin": 0.0, "end": 0.0, "family": "emotion",
    ...     "name": ["Joy", "Awe", "Calmness"], "score": [0.5, 0.5, 0.9]})
    >>> hr.top_k(long, k=2)[["name", "score", "rank"]].to_dict("records")
    [{'name': 'Calmness', 'score': 0.9, 'rank': 1}, {'name': 'Awe', 'score': 0.5, 'rank': 2}]
    """
    if not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"k must be a positive integer; got {k!r}")
    long = _select_family(as_long(data, "data"), family)
    if by is None:
        group = [*KEYS, *[c for c in IDENTITY_EXTRAS if c in long.columns]]
        cols = [*group, "begin", "end", "family", "name", "score"]
        ranked, rank = _ranked(long[cols], group, "score", int(k))
    else:
        by = [by] if isinstance(by, str) else list(by)
        means = summarize(long, by=by, stats=("mean",))
        means = means.rename(columns={"value": "score"})[[*by, "family", "name", "score"]]
        ranked, rank = _ranked(means, by, "score", int(k))
    return ranked.assign(rank=rank.astype(np.int64))


def dominant(
    data: Any,
    by: Sequence[str] | None = None,
    *,
    family: str | None = "emotion",
) -> pd.DataFrame:
    """The dominant (highest-scoring) expression per span or per group.

    Same ranking and tie rule as :func:`top_k` with ``k=1``, plus the margin over
    the runner-up.

    Returns
    -------
    DataFrame
        The columns of :func:`top_k` without ``rank``, plus ``margin``: the score
        minus the second-highest score (NaN when there is a single name).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": 0, "begin": 0.0, "end": 0.0, "family": "emotion",
    ...     "name": ["Joy", "Awe", "Calmness"], "score": [0.5, 0.25, 0.75]})
    >>> hr.dominant(long)[["name", "score", "margin"]].to_dict("records")
    [{'name': 'Calmness', 'score': 0.75, 'margin': 0.25}]
    """
    top = top_k(data, 2, by, family=family)
    first = top["rank"].to_numpy() == 1
    has_second = np.r_[top["rank"].to_numpy()[1:] == 2, False]
    runner = np.r_[top["score"].to_numpy(dtype=np.float64)[1:], np.nan]
    margin = np.where(has_second, top["score"].to_numpy(dtype=np.float64) - runner, np.nan)
    out = top.loc[first].drop(columns="rank").reset_index(drop=True)
    out["margin"] = margin[first]
    return out


def smooth(data: Any, window: float, *, center: bool = True) -> pd.DataFrame:
    """Rolling mean of every series over a time window (seconds, not rows).

    One series is one (source, file, model, track, family, name), plus
    ``from_model``, ``from_track`` and ``event`` where present. The smoothed score of
    a span is the mean of its series over ``[c - window/2, c + window/2)`` around its
    centre ``c`` (``center=True``), or over the trailing window
    ``(end - window, end]`` (``center=False``, causal). Weights follow
    :func:`humeresearch.align`: spans by overlap seconds, instants equally. Gaps
    in the data are not filled.

    Parameters
    ----------
    data : DataFrame or Measurements
        Long table or any long-shaped output.
    window : float
        Window width in seconds (> 0).
    center : bool, default True
        Centred window; ``False`` for a trailing (causal) window.

    Returns
    -------
    DataFrame
        The same rows and columns, ``score`` replaced by the smoothed value (NaN for
        rows without time).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> face = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": [0, 1, 2], "begin": [0.0, 0.5, 1.0], "end": [0.0, 0.5, 1.0],
    ...     "family": "emotion", "name": "Joy", "score": [0.0, 0.5, 1.0]})
    >>> hr.smooth(face, 1.5)["score"].tolist()
    [0.25, 0.5, 0.75]
    """
    try:
        width = float(window)
    except (TypeError, ValueError):
        raise ValueError(f"window must be a positive number of seconds; got {window!r}") from None
    if not np.isfinite(width) or width <= 0:
        raise ValueError(f"window must be a positive number of seconds; got {window!r}")
    long = as_long(data, "data")
    b, e = times(long, "data")
    cols = ["source", "file", "model", "track", "family", "name"]
    cols += [c for c in IDENTITY_EXTRAS if c in long.columns]
    parts = [codes_of(long[c]) for c in cols]
    g, _ = factorize_sorted(combine([c for c, _ in parts], [len(u) + 1 for _, u in parts]))
    # Round edges and times to the nanosecond so that a frame exactly on a window
    # edge (t = k/3 s at 3 fps) falls on the same side whatever the float rounding.
    b, e = np.round(b, 9), np.round(e, 9)
    if center:
        mid = (b + e) / 2
        lo, hi = np.round(mid - width / 2, 9), np.round(mid + width / 2, 9)
        pairs = find_pairs(g, b, e, g, lo, hi)
    else:
        pairs = find_pairs(g, -e, -b, g, -e, np.round(-e + width, 9))
    score = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    mean, _, _ = two_tier_mean(
        pairs.target, len(long), score[pairs.source], pairs.weight, pairs.strong
    )
    out = long.copy()
    out["score"] = mean
    return out
