"""summarize, resample, align and annotate over Dask DataFrames and datasets.

Each maps the pandas function of the toolkit over partitions in which its groups are
whole: recordings are whole in the partitions of a :class:`Dataset`, so the
per-recording operations need no shuffle; any other grouping is shuffled on its
keys first. The pandas function itself computes every value.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

import pandas as pd

from humeresearch import define
from humeresearch._contract import wide_column
from humeresearch._tables import TableLike, mark_scores
from humeresearch.dataset import _common, _engine

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

_ALIGNED_BY = ("from_model", "from_track")


def _summary_keys(meta: pd.DataFrame, by: str | Sequence[str] | None) -> list[str]:
    if by is None:
        return [*define.SERIES_KEYS, *[c for c in _ALIGNED_BY if c in meta.columns]]
    columns = [by] if isinstance(by, str) else list(by)
    return [c for c in columns if c not in ("family", "name")]


def _summarize_part(part: pd.DataFrame, kwargs: dict[str, Any]) -> pd.DataFrame | None:
    from humeresearch.aggregate import summarize

    return summarize(part, **kwargs) if len(part) else None


def _wide(tidy: pd.DataFrame, by: list[str], stats: list[str]) -> pd.DataFrame:
    """One row per (group, stat), one column per (family, name), as ``summarize(wide=True)``."""
    reserved = set(by) | {"stat"}
    column = [
        wide_column(str(f), str(n), reserved=reserved)
        for f, n in zip(tidy["family"].astype(object), tidy["name"].astype(object))
    ]
    t = tidy.assign(column=column, stat=pd.Categorical(tidy["stat"], categories=stats))
    order = list(dict.fromkeys(column))
    table = t.set_index([*by, "stat", "column"])["score"].unstack("column")
    table = table.reindex(columns=order).reset_index()
    table.columns.name = None
    table["stat"] = table["stat"].astype(str)
    return mark_scores(table, order)


def summarize(
    data: TableLike | dd.DataFrame,
    *,
    by: str | Sequence[str] | None = None,
    agg: define.SummaryAgg | str | Sequence[define.SummaryAgg | str] = ("mean",),
    threshold: float | None = None,
    wide: bool = False,
    overlapping: define.OverlapPolicy = "allow",
) -> pd.DataFrame:
    """:func:`humeresearch.summarize` of a Dask DataFrame or a :class:`Dataset`.

    Each group (``by`` and family, name) is made whole in one partition (no shuffle
    when the groups are within a recording of a dataset; a shuffle on the group
    keys otherwise), :func:`humeresearch.summarize` runs on every partition, and the
    results are concatenated into one pandas table: the same rows and values as
    pandas on the same data, sorted by group (categorical columns in the contract's
    order or the order the input declares, other columns sorted). Parameters and
    output are those of :func:`humeresearch.summarize`.

    Parameters
    ----------
    data : Dask DataFrame, Dataset or TableLike
        The long table (a pandas table is summarised by pandas).
    by, agg, threshold, wide, overlapping
        As in :func:`humeresearch.summarize`.

    Returns
    -------
    DataFrame
        A pandas table, as :func:`humeresearch.summarize` returns.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(sources=["a", "b"]), folder)
    >>> out = dataset.summarize(dataset.open_dataset(folder), by=["source"])
    >>> out[["source", "name", "n_spans"]].head(2).to_dict("records")
    [{'source': 'a', 'name': 'Calmness', 'n_spans': 18}, {'source': 'a', 'name': 'Joy', 'n_spans': 18}]
    """
    from humeresearch import aggregate

    kwargs = {"by": by, "agg": agg, "threshold": threshold, "overlapping": overlapping}
    table = _common.long_of(data, "summarize")
    if not _engine.is_dask(table):
        return aggregate.summarize(table, wide=wide, **kwargs)
    meta = table._meta
    by_cols = _summary_keys(meta, by)
    keys = [*by_cols, "family", "name"]
    parts = _engine.compute_parts(_summarize_part, _common.grouped_parts(table, keys), kwargs)
    out = _common.concat(parts, _empty_summary(keys))
    _common.restore_categories(out, meta, keys)
    out = _common.sort_rows(out, keys)
    if wide:
        stats = [agg] if isinstance(agg, str) else list(agg)
        return _wide(out, by_cols, list(dict.fromkeys(stats)))
    return out


def _empty_summary(keys: list[str]) -> pd.DataFrame:
    columns = [*keys, "stat", "score", "n_spans", "seconds"]
    out = pd.DataFrame({c: pd.Series(dtype="category") for c in keys})
    return out.assign(
        stat=pd.Series(dtype=object),
        score=pd.Series(dtype="float64"),
        n_spans=pd.Series(dtype="int64"),
        seconds=pd.Series(dtype="float64"),
    )[columns]


def _resample_part(part: pd.DataFrame, kwargs: dict[str, Any], meta: pd.DataFrame) -> pd.DataFrame:
    from humeresearch.clocks import resample

    return resample(part, **kwargs) if len(part) else meta


def resample(
    data: TableLike | dd.DataFrame,
    *,
    step: float,
    window: float | None = None,
    origin: float = 0.0,
    fill: float | define.Fill | None = None,
    granularity: define.Granularity | define.StreamGranularity | None = None,
    overlapping: define.OverlapPolicy = "allow",
) -> pd.DataFrame | dd.DataFrame:
    """:func:`humeresearch.resample` of a Dask DataFrame or a :class:`Dataset`, lazily.

    Every recording (source, file) is made whole in one partition (already so in a
    dataset) and resampled there; the result is a lazy Dask DataFrame whose rows are
    those pandas returns on the same data. Parameters are those of
    :func:`humeresearch.resample`.

    Parameters
    ----------
    data : Dask DataFrame, Dataset or TableLike
        The long table (a pandas table is resampled by pandas).
    step, window, origin, fill, granularity, overlapping
        As in :func:`humeresearch.resample`.

    Returns
    -------
    Dask DataFrame (pandas DataFrame for a pandas input)
        One row per (series, bin), as :func:`humeresearch.resample` returns.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(models=["prosody"]), folder)
    >>> dataset.resample(dataset.open_dataset(folder), step=3.0)["score"].size
    6
    """
    from humeresearch.clocks import resample as pandas_resample

    kwargs = {
        "step": step,
        "window": window,
        "origin": origin,
        "fill": fill,
        "granularity": granularity,
        "overlapping": overlapping,
    }
    table = _common.long_of(data, "resample")
    if not _engine.is_dask(table):
        return pandas_resample(table, **kwargs)
    layout = _engine.layout_of(table)
    if layout is None:
        table = table.shuffle(on=["source", "file"], npartitions=table.npartitions)
    # fill=None: pandas resample of an empty table with a string fill raises
    meta = _engine.unknown_categories(pandas_resample(table._meta, **{**kwargs, "fill": None}))
    out = table.map_partitions(_resample_part, kwargs, meta, meta=meta, enforce_metadata=False)
    return _engine.mark(out, layout) if layout is not None else out


def _annotate_part(
    part: pd.DataFrame, design: pd.DataFrame, kwargs: dict[str, Any]
) -> pd.DataFrame:
    from humeresearch.aggregate import annotate as pandas_annotate

    return pandas_annotate(part, design, **kwargs)


def annotate(
    data: TableLike | dd.DataFrame,
    design: pd.DataFrame,
    *,
    on: str | Sequence[str] = "source",
    missing: define.MissingPolicy = "raise",
    ambiguous: define.AmbiguousPolicy = "raise",
) -> pd.DataFrame | dd.DataFrame:
    """:func:`humeresearch.annotate` of a Dask DataFrame or a :class:`Dataset`, lazily.

    The (small, pandas) ``design`` is joined to every partition. Missing keys raise
    when the result is computed, in the partition that holds them.

    Parameters
    ----------
    data : Dask DataFrame, Dataset or TableLike
        The long table (a pandas table is annotated by pandas).
    design : DataFrame
        The study design, as in :func:`humeresearch.annotate`.
    on, missing, ambiguous
        As in :func:`humeresearch.annotate`.

    Returns
    -------
    Dask DataFrame (pandas DataFrame for a pandas input)
        ``data`` with the design's columns, in the same partitions.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(sources=["a", "b"]), folder)
    >>> design = pd.DataFrame({"source": ["a", "b"], "participant": ["p1", "p2"]})
    >>> out = dataset.annotate(dataset.open_dataset(folder), design)
    >>> out.groupby("participant").size().to_dict()
    {'p1': 54, 'p2': 54}
    """
    from humeresearch.aggregate import annotate as pandas_annotate

    kwargs = {"on": on, "missing": missing, "ambiguous": ambiguous}
    table = _common.long_of(data, "annotate")
    if not _engine.is_dask(table):
        return pandas_annotate(table, design, **kwargs)
    meta = pandas_annotate(table._meta, design, **kwargs)
    out = table.map_partitions(
        functools.partial(_annotate_part, design=design, kwargs=kwargs),
        meta=meta,
        enforce_metadata=False,
    )
    layout = _engine.layout_of(table)
    return _engine.mark(out, layout) if layout is not None else out


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
    lazy): ask for the unmatched spans with ``return_unmatched=True``. Columns
    carried from ``onto`` and ``data`` are those of the first non-empty partition.

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
            table = table.shuffle(on=["source", "file"], npartitions=table.npartitions)
        part = functools.partial(_align_part, onto=target, kwargs=kwargs, which=which)
        meta = _engine.unknown_categories(_first(table, lambda p: part(p, meta=None)))
        return table.map_partitions(
            functools.partial(part, meta=meta), meta=meta, enforce_metadata=False
        )
    left, right = _paired(table, target)
    func = functools.partial(_align_part, kwargs=kwargs, which=which)
    meta = _engine.unknown_categories(_first_pair(left, right, func))
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
