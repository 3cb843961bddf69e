"""Dask, imported only when asked for, and what the toolkit knows about a Dask table.

A Dask DataFrame made by :meth:`Dataset.long` (and the row-wise operations of this
package applied to one) has whole recordings in each partition: every row of one
``source`` is in one partition, the same partition in every table of the dataset.
Operations whose groups are within a source then run partition by partition,
without a shuffle. That knowledge is kept here, keyed by the Dask name of the table
(a transformation the toolkit did not make gives a new name, and so a shuffle).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

INSTALL = 'pip install "humeresearch[dataset]"'
_PARTITIONED: dict[str, tuple[Any, ...]] = {}


def import_dask(func: str) -> Any:
    """``dask.dataframe``, or an ImportError naming the extra to install."""
    try:
        import dask.dataframe as dd
    except ImportError as exc:
        raise ImportError(
            f"{func} with Dask needs dask[dataframe] and distributed: {INSTALL}"
        ) from exc
    return dd


def is_dask(data: object) -> bool:
    """Whether ``data`` is a Dask DataFrame (without importing Dask when it is not loaded).

    Examples
    --------
    >>> import pandas as pd
    >>> is_dask(pd.DataFrame())
    False
    """
    module = type(data).__module__
    if not module.startswith("dask"):
        return False
    import dask.dataframe as dd

    return isinstance(data, dd.DataFrame)


def mark(ddf: Any, layout: tuple[Any, ...]) -> Any:
    """Record that ``ddf`` has whole sources per partition, in the partitioning ``layout``."""
    _PARTITIONED[ddf._name] = layout
    return ddf


def layout_of(ddf: Any) -> tuple[Any, ...] | None:
    """The partitioning of a table made by this package (None: unknown)."""
    return _PARTITIONED.get(ddf._name)


def source_hash(values: pd.Series, n: int) -> np.ndarray:
    """A stable partition number in ``range(n)`` per row, from the text of ``values``."""
    codes, uniques = pd.factorize(values.astype(object).astype(str))
    per = np.array(
        [
            int.from_bytes(hashlib.blake2b(u.encode(), digest_size=8).digest(), "big") % n
            for u in uniques
        ],
        dtype=np.int64,
    )
    return per[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def _with_partition(part: pd.DataFrame, columns: list[str], n: int) -> pd.DataFrame:
    key = part[columns[0]].astype(object).astype(str)
    for column in columns[1:]:
        key = key + "\x1f" + part[column].astype(object).astype(str)
    return part.assign(_partition=source_hash(key, n))


def co_partition(ddf: Any, columns: Sequence[str], n: int) -> Any:
    """``ddf`` shuffled so that rows with equal ``columns`` share a partition.

    The partition of a row depends only on the text of its key, so two tables
    shuffled on the same columns into ``n`` partitions are aligned partition by
    partition, whatever the dtypes of their key columns.
    """
    columns = list(columns)
    meta = ddf._meta.assign(_partition=np.zeros(0, dtype=np.int64))
    keyed = ddf.map_partitions(_with_partition, columns, n, meta=meta)
    shuffled = shuffle(keyed, ["_partition"], n)
    return shuffled.map_partitions(_take_partition, meta=ddf._meta)


def shuffle(ddf: Any, on: Sequence[str], npartitions: int) -> Any:
    """``ddf`` shuffled on the columns ``on``, its categorical columns sent as text.

    A P2P shuffle moves Arrow tables, and a categorical column becomes a dictionary
    whose index type follows its partition's number of categories: once the union
    of the dictionaries arriving in one partition outgrows the smallest index type
    (128 sources, say), Arrow cannot combine them. The categorical columns travel
    as Arrow strings instead and are categorical again on arrival (with the
    categories of ``ddf``'s meta when it knows them).
    """
    meta = ddf._meta
    columns = [c for c in meta.columns if isinstance(meta[c].dtype, pd.CategoricalDtype)]
    if not columns:
        return ddf.shuffle(on=list(on), npartitions=npartitions)
    text = ddf.map_partitions(_as_text, columns, meta=_as_text(meta, columns))
    moved = text.shuffle(on=list(on), npartitions=npartitions)
    return moved.map_partitions(_as_categorical, meta, meta=meta, enforce_metadata=False)


def _as_text(part: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``part`` whose categorical ``columns`` are Arrow strings (decoded in Arrow)."""
    import pyarrow as pa

    out = {}
    for column in columns:
        values = pa.array(part[column], from_pandas=True).cast(pa.large_string())
        out[column] = pd.Series(
            pd.arrays.ArrowStringArray(values), index=part.index, name=column, copy=False
        )
    return part.assign(**out)


def _as_categorical(part: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """``part`` with the categorical columns of ``meta`` categorical again."""
    out = {}
    for column in meta.columns:
        dtype = meta[column].dtype
        if not isinstance(dtype, pd.CategoricalDtype):
            continue
        known = "__UNKNOWN_CATEGORIES__" not in list(dtype.categories)
        out[column] = part[column].astype(dtype if known else "category")
    return part.assign(**out)


def _take_partition(part: pd.DataFrame) -> pd.DataFrame:
    return part.drop(columns="_partition")


def compute_parts(
    func: Callable[..., Any], parts: Sequence[Any], *args: Any, **kwargs: Any
) -> list[Any]:
    """``func(part, *args, **kwargs)`` for every Dask partition (or tuple of them), computed."""
    import dask

    call = dask.delayed(func, pure=True)
    return list(dask.compute(*[call(p, *args, **kwargs) for p in parts]))


def unknown_categories(meta: pd.DataFrame) -> pd.DataFrame:
    """``meta`` whose categorical columns have unknown categories (they differ by partition)."""
    from dask.dataframe.utils import clear_known_categories

    return clear_known_categories(meta)
