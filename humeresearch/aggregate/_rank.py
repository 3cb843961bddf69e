"""top_k and dominant: the highest-scoring expressions per span or per group."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._groups import codes_of, factorize_sorted, row_key
from humeresearch._tables import TableLike, as_long, tidy_categories
from humeresearch.aggregate._common import as_by, select_family, span_columns
from humeresearch.aggregate._summarize import summarize


def _ranked(
    table: pd.DataFrame, group: list[str], score: str, k: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows of ``table`` ranked within (group, family) by score desc, then name."""
    table = table.loc[table[score].notna().to_numpy()].reset_index(drop=True)
    gkey, _ = factorize_sorted(row_key(table, [*group, "family"])[0])
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
    data: TableLike,
    *,
    k: int = 3,
    by: str | Sequence[str] | None = None,
    family: define.Family | Sequence[define.Family] | None = "emotion",
) -> pd.DataFrame:
    """The ``k`` highest-scoring expressions per span or per group.

    Per span (``by=None``) the span's own scores are ranked; per group the names are
    ranked by their :func:`humeresearch.summarize` mean (duration-weighted for
    spans). Ranking is within each family; ties are resolved deterministically by
    name in alphabetical order.

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output.
    k : int, default 3
        How many names to keep per span or group (fewer where fewer have a score).
    by : str or sequence of str, optional
        Rank separately for each value of these columns, by the group means.
        ``None`` (default): per span, the finest grouping (the keys
        :data:`humeresearch.define.SERIES_KEYS` plus ``span_id``, and
        ``from_model``, ``from_track`` and ``event`` where present), ranking each
        span's own scores. ``()``: one group (the means over all the data).
    family : str, list of str or None, default "emotion"
        Rank only this family (or these families, each separately); ``None`` ranks
        every family separately.

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
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
        raise ValueError(f"top_k: k must be a positive integer; got {k!r}")
    long = select_family(as_long(data, func="top_k", name="data"), family, "top_k")
    if by is None:
        group = span_columns(long)
        cols = [*group, "begin", "end", "family", "name", "score"]
        ranked, rank = _ranked(long[cols], group, "score", int(k))
    else:
        group = as_by(by)
        means = summarize(long, by=group, agg="mean")[[*group, "family", "name", "score"]]
        ranked, rank = _ranked(means, group, "score", int(k))
    return tidy_categories(ranked.assign(rank=rank.astype(np.int64)))


def dominant(
    data: TableLike,
    *,
    by: str | Sequence[str] | None = None,
    family: define.Family | Sequence[define.Family] | None = "emotion",
) -> pd.DataFrame:
    """The dominant (highest-scoring) expression per span or per group.

    Same ranking and tie rule as :func:`humeresearch.top_k` with ``k=1``, plus the
    margin over the runner-up.

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output.
    by : str or sequence of str, optional
        As in :func:`humeresearch.top_k`: ``None`` (default) per span, a list of
        columns per group (by the group means), ``()`` one group.
    family : str, list of str or None, default "emotion"
        As in :func:`humeresearch.top_k`.

    Returns
    -------
    DataFrame
        The columns of :func:`humeresearch.top_k` without ``rank``, plus
        ``margin``: the score minus the second-highest score (NaN when there is a
        single name).

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
    top = top_k(data, k=2, by=by, family=family)
    first = top["rank"].to_numpy() == 1
    has_second = np.r_[top["rank"].to_numpy()[1:] == 2, False]
    runner = np.r_[top["score"].to_numpy(dtype=np.float64)[1:], np.nan]
    margin = np.where(has_second, top["score"].to_numpy(dtype=np.float64) - runner, np.nan)
    out = top.loc[first].drop(columns="rank").reset_index(drop=True)
    out["margin"] = margin[first]
    return tidy_categories(out)
