"""align over Dask DataFrames and datasets: within each file, partition by partition."""

from __future__ import annotations

import functools
import warnings
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from humeresearch._contract import LONG_COLUMNS
from humeresearch._tables import TableLike, score_columns
from humeresearch.dataset import _common, _engine

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

#: the columns align adds to the long columns
ALIGN_EXTRA = ["from_model", "from_track", "n_spans", "seconds"]


def _align_part(
    part: pd.DataFrame, onto: pd.DataFrame, kwargs: dict[str, Any], which: int, meta: Any
) -> pd.DataFrame:
    from humeresearch.clocks import align as pandas_align

    if meta is not None and (not len(part) or not len(onto)):
        return meta
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = pandas_align(part, onto, return_unmatched=True, **kwargs)[which]
    return out.reindex(columns=meta.columns) if meta is not None else out


def _paired(data: Any, onto: Any) -> tuple[Any, Any]:
    """``data`` and ``onto`` with the same recordings in partitions of the same number."""
    layout = _engine.layout_of(data)
    if layout is not None and layout == _engine.layout_of(onto):
        if data.npartitions == onto.npartitions:
            return data, onto
    n = max(data.npartitions, onto.npartitions)
    keys = ["source", "file"]
    return _engine.co_partition(data, keys, n), _engine.co_partition(onto, keys, n)


@overload
def align(
    data: TableLike | dd.DataFrame,
    onto: TableLike | dd.DataFrame,
    *,
    match_track: bool | pd.DataFrame = ...,
    pool_tracks: bool = ...,
    return_unmatched: Literal[False] = ...,
) -> pd.DataFrame | dd.DataFrame: ...


@overload
def align(
    data: TableLike | dd.DataFrame,
    onto: TableLike | dd.DataFrame,
    *,
    match_track: bool | pd.DataFrame = ...,
    pool_tracks: bool = ...,
    return_unmatched: Literal[True],
) -> tuple[pd.DataFrame | dd.DataFrame, pd.DataFrame | dd.DataFrame]: ...


def align(
    data: TableLike | dd.DataFrame,
    onto: TableLike | dd.DataFrame,
    *,
    match_track: bool | pd.DataFrame = False,
    pool_tracks: bool = False,
    return_unmatched: bool = False,
) -> Any:
    """:func:`humeresearch.align` of Dask DataFrames or datasets, lazily, within each file.

    Alignment never crosses a (source, file), so each partition of ``data`` is
    aligned onto the same recordings of ``onto``: partition by partition when both
    come from one :class:`Dataset` (``onto`` may be its spans), after a shuffle of
    both on (source, file) otherwise; a pandas ``onto`` is sent to every partition.
    The rows are those pandas returns on the same data. Unlike pandas, no
    :class:`~humeresearch.errors.UnmatchedSpansWarning` is raised (the result is
    lazy): ask for the unmatched spans with ``return_unmatched=True``. pandas carries
    the columns of ``onto`` that are not NA for every target and the columns of
    ``data`` constant within each recording, which depends on all the data: the
    lazy result has every such candidate column, NA where pandas leaves it out.

    Parameters
    ----------
    data : Dask DataFrame, Dataset or TableLike
        The long table of the model(s) to move (a Dataset gives its long table).
    onto : Dask DataFrame, Dataset or TableLike
        The target spans (a Dataset gives its spans table).
    match_track, pool_tracks, return_unmatched
        As in :func:`humeresearch.align`.

    Returns
    -------
    Dask DataFrame or (Dask DataFrame, Dask DataFrame)
        As :func:`humeresearch.align` returns (pandas for pandas inputs).

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(models=["face", "prosody"]), folder)
    >>> face = dataset.open_dataset(folder, model="face")
    >>> prosody = dataset.open_dataset(folder, model="prosody")
    >>> dataset.align(face, prosody)["span_id"].unique().tolist()
    [0, 1, 2, 3]
    """
    from humeresearch.clocks import align as pandas_align

    kwargs = {"match_track": match_track, "pool_tracks": pool_tracks}
    table = _common.long_of(data, "align")
    target = _common.long_of(onto, "align", table="spans")
    if not _engine.is_dask(table) and not _engine.is_dask(target):
        return pandas_align(table, target, return_unmatched=return_unmatched, **kwargs)
    if not _engine.is_dask(table):
        table = _engine.import_dask("align").from_pandas(table, npartitions=1)
    outs = [_lazy_align(table, target, kwargs, which) for which in (0, 1)]
    return tuple(outs) if return_unmatched else outs[0]


def _lazy_align(table: Any, target: Any, kwargs: dict[str, Any], which: int) -> Any:
    dd = _engine.import_dask("align")
    if not _engine.is_dask(target):
        if _engine.layout_of(table) is None:
            table = _engine.shuffle(table, ["source", "file"], table.npartitions)
        part = functools.partial(_align_part, onto=target, kwargs=kwargs, which=which)
        first = _first(table, lambda p: part(p, meta=None))
        meta = _engine.unknown_categories(_carried(first, table._meta, target))
        return table.map_partitions(
            functools.partial(part, meta=meta), meta=meta, enforce_metadata=False
        )
    left, right = _paired(table, target)
    func = functools.partial(_align_part, kwargs=kwargs, which=which)
    first = _first_pair(left, right, func)
    meta = _engine.unknown_categories(_carried(first, left._meta, right._meta))
    out = dd.map_partitions(
        functools.partial(func, meta=meta),
        left,
        right,
        meta=meta,
        align_dataframes=False,
        enforce_metadata=False,
    )
    layout = _engine.layout_of(table)
    return _engine.mark(out, layout) if layout is not None and left is table else out


def _first(table: Any, func: Any) -> pd.DataFrame:
    """``func`` of the first non-empty partition (the columns of a lazy result)."""
    for i in range(table.npartitions):
        part = table.partitions[i].compute()
        if len(part):
            out = func(part)
            if len(out.columns):
                return out.iloc[:0]
    return func(table._meta).iloc[:0]


def _first_pair(left: Any, right: Any, func: Any) -> pd.DataFrame:
    for i in range(left.npartitions):
        a = left.partitions[i].compute()
        if not len(a):
            continue
        b = right.partitions[i].compute()
        if len(b):
            return func(a, b, meta=None).iloc[:0]
    return func(left._meta, right._meta, meta=None).iloc[:0]


def _carried(first: pd.DataFrame, data_meta: pd.DataFrame, onto_meta: pd.DataFrame) -> pd.DataFrame:
    """The columns of the lazy align: every column pandas may carry from onto and data.

    pandas leaves out a column of ``onto`` that is NA for every target and a column
    of ``data`` that varies within a recording; which ones depends on the data, so
    the Dask result has every candidate (NA where pandas would leave it out).
    """
    base = [*LONG_COLUMNS, *ALIGN_EXTRA]
    scores = set(score_columns(onto_meta)) | {"family", "name", "score"}
    target = [c for c in onto_meta.columns if c not in base and c not in scores]
    source = [c for c in data_meta.columns if c not in base and c not in target]
    out = {}
    for column in [*base, *target, *source]:
        if column in first.columns:
            out[column] = first[column]
        elif column in target:
            out[column] = onto_meta[column].iloc[:0]
        elif column in source:
            out[column] = data_meta[column].iloc[:0]
    if not len(first.columns) or "from_model" not in first.columns:
        return first
    return pd.DataFrame(out)
