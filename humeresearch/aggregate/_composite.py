"""composite: scores of user-defined groups of expressions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._contract import KEYS, split_wide_column
from humeresearch._tables import TableLike, as_long, check_option, tidy_categories
from humeresearch.aggregate._common import span_columns


def _members(
    long: pd.DataFrame, mapping: Mapping[str, Sequence[str]], missing: str
) -> pd.DataFrame:
    """(composite, family, name) of every member; raise on absent ones unless ignored."""
    members = pd.DataFrame(
        [(c, *split_wide_column(m)) for c, ms in mapping.items() for m in ms],
        columns=["composite", "family", "name"],
    )
    present = long[["family", "name"]].astype(str).drop_duplicates()
    known = members.merge(present, on=["family", "name"], how="left", indicator=True)
    absent = known.loc[known["_merge"] == "left_only", ["family", "name"]]
    if len(absent) and missing == "raise":
        raise ValueError(
            f"composite: {len(absent)} member(s) never occur in the data: "
            f"{absent.drop_duplicates().to_dict('records')[:5]}; pass missing='ignore'"
        )
    return members


def _combine(long: pd.DataFrame, members: pd.DataFrame, order: list[str], agg: str) -> pd.DataFrame:
    """One row per (span, composite) with at least one member score."""
    ident = span_columns(long)
    rows = long[[*ident, "begin", "end", "family", "name", "score"]].copy()
    rows["family"] = rows["family"].astype(str)
    rows["name"] = rows["name"].astype(str)
    joined = rows.merge(members, on=["family", "name"], how="inner", sort=False)
    joined = joined.loc[joined["score"].notna()]
    joined["composite"] = pd.Categorical(joined["composite"], categories=order)
    combined = joined.groupby([*ident, "composite"], observed=True, sort=True).agg(
        begin=("begin", "first"),
        end=("end", "first"),
        score=("score", agg),
        n_names=("score", "size"),
    )
    out = combined.reset_index().rename(columns={"composite": "name"})
    out.insert(len(KEYS) + 2, "family", pd.Categorical(["composite"] * len(out)))
    cols = [*KEYS, "begin", "end", "family", "name", "score"]
    cols += [c for c in ident if c not in KEYS] + ["n_names"]
    out = out[cols]
    out["n_names"] = out["n_names"].astype(np.int64)
    return out


def composite(
    data: TableLike,
    *,
    mapping: Mapping[str, Sequence[str]],
    agg: define.CompositeAgg = "mean",
    missing: define.AbsentPolicy = "raise",
) -> pd.DataFrame:
    """Scores of user-defined composites (groups of names) per span.

    humeresearch defines no official grouping of Hume's expressions; the mapping is
    yours. For illustration only (an **example**, not a validated grouping):
    ``{"positive": ["Joy", "Amusement", "Contentment"], "negative": ["Sadness",
    "Anger", "Fear"]}``. Members are names as in the data; other families use the
    wide-table prefix (``"facs:AU12 Lip Corner Puller"``).

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output.
    mapping : dict of str to list of str
        Composite name -> member names.
    agg : {"mean", "sum", "max"}, default "mean"
        How members are combined, over the members present for the span
        (:data:`humeresearch.define.COMPOSITE_AGGS`).
    missing : {"raise", "ignore"}, default "raise"
        Members that never occur in the data: raise (listing them) or ignore
        (:data:`humeresearch.define.ABSENT_POLICIES`).

    Returns
    -------
    DataFrame
        Long-shaped, one row per (span, composite) with at least one member:
        the span's keys, ``begin``, ``end`` (and ``from_model``, ``from_track``,
        ``event`` where present), ``family`` = ``"composite"``, ``name`` = the
        composite, ``score``, and ``n_names`` (members present).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": 0, "begin": 0.0, "end": 0.0, "family": "emotion",
    ...     "name": ["Joy", "Amusement", "Sadness"], "score": [0.5, 0.25, 0.125]})
    >>> example = {"positive": ["Joy", "Amusement"], "negative": ["Sadness"]}  # an example
    >>> hr.composite(long, mapping=example)[["name", "score", "n_names"]].to_dict("records")
    [{'name': 'positive', 'score': 0.375, 'n_names': 2}, \
{'name': 'negative', 'score': 0.125, 'n_names': 1}]
    """
    check_option(agg, define.COMPOSITE_AGGS, name="agg", func="composite")
    check_option(missing, define.ABSENT_POLICIES, name="missing", func="composite")
    if not mapping:
        raise ValueError("composite: mapping must name at least one composite")
    long = as_long(data, func="composite", name="data")
    members = _members(long, mapping, missing)
    return tidy_categories(_combine(long, members, list(dict.fromkeys(mapping)), agg))
