"""What the scale-out operations share: their input, and the order of their output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch.dataset import _engine, _plan
from humeresearch.dataset._read import Dataset


def long_of(data: Any, func: str, table: str = "long") -> Any:
    """The table of a :class:`Dataset` (or ``data`` itself): a Dask or pandas DataFrame."""
    if isinstance(data, Dataset):
        return getattr(data, table)()
    if _engine.is_dask(data) or isinstance(data, pd.DataFrame):
        return data
    raise TypeError(
        f"{func}: data must be a Dask DataFrame, a Dataset or a pandas DataFrame; "
        f"got {type(data).__name__}"
    )


def whole(ddf: Any, keys: Sequence[str]) -> bool:
    """Whether every group of ``keys`` is within one partition without a shuffle."""
    return "source" in keys and _engine.layout_of(ddf) is not None


def grouped_parts(ddf: Any, keys: Sequence[str]) -> list[Any]:
    """Delayed partitions in which every group of ``keys`` is whole (shuffled if needed)."""
    if not whole(ddf, keys):
        ddf = _engine.shuffle(ddf, keys, ddf.npartitions)
    return list(ddf.to_delayed())


def restore_categories(out: pd.DataFrame, meta: pd.DataFrame, columns: Sequence[str]) -> None:
    """Categorical ``columns`` (in place) after a concat that lost them.

    A column whose categories the input knows (a design's ``condition``) keeps their
    order; the others get the present values, contract columns in the contract's
    order and the rest sorted.
    """
    for column in columns:
        if column not in out.columns:
            continue
        known = meta[column].dtype if column in meta.columns else None
        if isinstance(known, pd.CategoricalDtype) and not _unknown(known):
            present = set(pd.unique(out[column].dropna().astype(object)))
            cats = [c for c in known.categories if c in present]
            out[column] = pd.Categorical(out[column].astype(object), categories=cats)
        else:
            out[column] = out[column].astype(object).astype("category")
    _plan.tidy_columns(out, [c for c in columns if not _known(meta, c)])


def _unknown(dtype: pd.CategoricalDtype) -> bool:
    return "__UNKNOWN_CATEGORIES__" in list(dtype.categories)


def _known(meta: pd.DataFrame, column: str) -> bool:
    dtype = meta[column].dtype if column in meta.columns else None
    return isinstance(dtype, pd.CategoricalDtype) and not _unknown(dtype)


def sort_rows(out: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """Rows sorted by ``columns`` (categoricals by category order), stable, index reset."""
    if not len(out) or not columns:
        return out.reset_index(drop=True)
    keys = []
    for column in reversed(list(columns)):
        values = out[column]
        if isinstance(values.dtype, pd.CategoricalDtype):
            keys.append(values.cat.codes.to_numpy())
        else:
            keys.append(pd.factorize(values, sort=True)[0])
    order = np.lexsort(keys)
    return out.iloc[order].reset_index(drop=True)


def concat(parts: Sequence[pd.DataFrame | None], empty: pd.DataFrame) -> pd.DataFrame:
    """The non-empty parts concatenated (``empty`` when there are none)."""
    kept = [p for p in parts if p is not None and len(p)]
    if not kept:
        return empty
    return pd.concat(kept, ignore_index=True)
