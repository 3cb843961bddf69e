"""summarize, resample, align and annotate over Dask DataFrames and datasets.

Each maps the pandas function of the toolkit over partitions in which its groups are
whole: recordings are whole in the partitions of a :class:`Dataset`, so the
per-recording operations need no shuffle; any other grouping is shuffled on its
keys first. The pandas function itself computes every value.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd

from humeresearch import define
from humeresearch._tables import TableLike, summary_to_wide
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
        return summary_to_wide(out, by_cols, list(dict.fromkeys(stats)))
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
        table = _engine.shuffle(table, ["source", "file"], table.npartitions)
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
