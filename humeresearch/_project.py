"""Projections of the coordinate scores onto the long and wide tables.

:class:`~humeresearch._measurements.Measurements` holds its scores as coordinates
``(row, column, value)`` into the spans table (see :mod:`humeresearch._build`); the
functions here turn them into the long and wide contract tables, optionally for a
selection of models.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._build import Scores
from humeresearch._contract import LONG_COLUMNS, SPAN_DTYPES, wide_column

#: key of ``DataFrame.attrs`` under which humeresearch records what a table holds
ATTRS_KEY = "humeresearch"


def mark_scores(table: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Record in ``table.attrs`` that ``columns`` are its score columns; return ``table``.

    pandas carries ``attrs`` through selection, ``query``, ``copy``, ``assign`` and
    column assignment, so :func:`humeresearch.annotate` output and subsets of a wide table still
    know their score columns.

    Examples
    --------
    >>> import pandas as pd
    >>> mark_scores(pd.DataFrame({"Joy": [0.5]}), ["Joy"]).attrs
    {'humeresearch': {'scores': ['Joy']}}
    """
    meta = dict(table.attrs.get(ATTRS_KEY) or {})
    meta["scores"] = [str(c) for c in columns]
    table.attrs[ATTRS_KEY] = meta
    return table


def select(
    spans: pd.DataFrame, scores: Scores, model: str | Sequence[str]
) -> tuple[pd.DataFrame, Scores]:
    """The spans of ``model`` (one name or several) and their scores, rows renumbered.

    Raises a ValueError naming the models that are absent and the ones present.
    """
    wanted = [model] if isinstance(model, str) else list(model)
    present = set(spans["model"].astype(str))
    missing = [m for m in wanted if m not in present]
    if missing or not wanted:
        shown = missing[0] if len(missing) == 1 else missing
        raise ValueError(f"model {shown!r} is not in these measurements; models: {sorted(present)}")
    keep_rows = spans["model"].isin(wanted).to_numpy()
    new_index = np.cumsum(keep_rows) - 1
    mask = keep_rows[scores.rows]
    kept = Scores(
        new_index[scores.rows[mask]], scores.cols[mask], scores.values[mask], scores.columns
    )
    return spans.loc[keep_rows].reset_index(drop=True), kept


def wide_table(spans: pd.DataFrame, scores: Scores, *, dtype: Any, selected: bool) -> pd.DataFrame:
    """The wide table: ``spans`` plus one column per (family, name).

    ``selected``: the spans are a selection, so keep only the score columns they
    have and only the categories present.
    """
    sc = scores
    used = np.unique(sc.cols) if selected else np.arange(len(sc.columns))
    remap = np.full(len(sc.columns), -1, dtype=np.int64)
    remap[used] = np.arange(len(used))
    matrix = np.full((len(spans), len(used)), np.nan, dtype=dtype)
    matrix[sc.rows, remap[sc.cols]] = sc.values
    reserved = set(SPAN_DTYPES) | set(spans.columns)
    names = [wide_column(*sc.columns[j], reserved=reserved) for j in used]
    values = pd.DataFrame(matrix, columns=pd.Index(names, dtype=object), copy=False)
    if selected:
        spans = drop_unused_categories(spans)
    wide = pd.concat([spans.reset_index(drop=True), values], axis=1)
    return mark_scores(wide, names)


def long_table(s: pd.DataFrame, sc: Scores) -> pd.DataFrame:
    """The long table of spans ``s`` and their scores ``sc``."""
    rows, cols = sc.rows, sc.cols
    out: dict[str, Any] = {}
    for column in ("source", "file", "model", "track"):
        codes, categories = _codes(s[column])
        out[column] = pd.Categorical.from_codes(codes[rows], categories, validate=False)
    out["span_id"] = s["span_id"].to_numpy()[rows]
    out["begin"] = s["begin"].to_numpy()[rows]
    out["end"] = s["end"].to_numpy()[rows]
    families = [f for f, _ in sc.columns]
    fam_categories = [
        *define.FAMILIES,
        *(f for f in dict.fromkeys(families) if f not in define.FAMILIES),
    ]
    fam_index = {f: i for i, f in enumerate(fam_categories)}
    name_categories = list(dict.fromkeys(n for _, n in sc.columns))
    name_index = {n: i for i, n in enumerate(name_categories)}
    fam_of_col = np.array([fam_index[f] for f, _ in sc.columns], dtype=np.int16)
    name_of_col = np.array([name_index[n] for _, n in sc.columns], dtype=np.int32)
    out["family"] = pd.Categorical.from_codes(
        fam_of_col[cols] if len(cols) else np.empty(0, np.int16), fam_categories, validate=False
    )
    out["name"] = pd.Categorical.from_codes(
        name_of_col[cols] if len(cols) else np.empty(0, np.int32),
        pd.Index(name_categories, dtype=object),
        validate=False,
    )
    out["score"] = sc.values
    return pd.DataFrame(out, columns=LONG_COLUMNS, copy=False)


def drop_unused_categories(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` (a new frame) whose categorical columns keep only the categories present."""
    out = table.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.CategoricalDtype):
            out[column] = out[column].cat.remove_unused_categories()
    return out


def _codes(series: pd.Series) -> tuple[np.ndarray, Any]:
    if isinstance(series.dtype, pd.CategoricalDtype):
        return series.cat.codes.to_numpy(), series.cat.categories
    codes, uniques = pd.factorize(series)
    return codes, pd.Index(uniques, dtype=object)
