"""``heatmap``: expressions x time bins (or x spans, files, participants, conditions)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Colormap

from humeresearch._tables import TableLike, as_list, as_long, check_option, require_columns
from humeresearch.define import HEATMAP_AGGS, OVERLAP_POLICIES, Family, HeatmapAgg, OverlapPolicy
from humeresearch.plot._cells import choose_cmap, draw_matrix
from humeresearch.plot._common import (
    frame_of,
    keep_family,
    model_key,
    new_axes,
    select_names,
)
from humeresearch.plot._docs import fill

FUNC = "heatmap"
SERIES = ["source", "file", "model", "track", "family", "name"]
NICE_STEPS = (0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600)


def nice_step(duration: float, target: int = 80) -> float:
    """The smallest round bin width giving at most ``target`` bins over ``duration``."""
    raw = duration / target
    for step in NICE_STEPS:
        if step >= raw:
            return float(step)
    return float(np.ceil(raw / 3600) * 3600)


def _row_columns(table: pd.DataFrame, y: str | Sequence[str] | None) -> list[str]:
    if y is not None:
        cols = as_list(y) or []
        require_columns(table, cols, func=FUNC)
        return cols
    cols = [c for c in ("model", "family") if c in table.columns and table[c].nunique() > 1]
    return [*cols, "name"]


def _time_bins(
    long: pd.DataFrame, step: float | None, rows: list[str], overlapping: str
) -> tuple[pd.DataFrame, float]:
    """Mean score per (row, time bin) on the recording clock, via :func:`humeresearch.resample`."""
    from humeresearch.clocks import resample

    b = long["begin"].to_numpy(np.float64, na_value=np.nan)
    e = long["end"].to_numpy(np.float64, na_value=np.nan)
    if not np.isfinite(b).any():
        raise ValueError(f"{FUNC}: x='time' needs timed rows; the data has none")
    if step is None:
        step = nice_step(float(np.nanmax(e) - np.nanmin(b)) or 1.0)
    elif not np.isfinite(step) or step <= 0:
        raise ValueError(f"{FUNC}: step must be a positive number of seconds; got {step!r}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # untimed rows: documented
            binned = resample(long, step=float(step), overlapping=overlapping)
    except ValueError as exc:
        raise ValueError(f"{FUNC}: cannot bin the data in time: {exc}") from exc
    binned = binned[np.isfinite(binned["score"].to_numpy(np.float64, na_value=np.nan))]
    missing = [c for c in rows if c not in binned.columns]
    if missing:
        raise ValueError(
            f"{FUNC}: with x='time' the rows (y=) must be among {SERIES}; {missing} are not "
            "(bin per series first, e.g. with humeresearch.resample, then use another x)"
        )
    # series of one row (e.g. face_0 and face_1 for 'Joy') count equally per bin
    cell = binned.groupby([*rows, "span_id"], observed=True, sort=False)["score"].mean()
    return cell.rename("value").reset_index().rename(columns={"span_id": "_bin"}), float(step)


def _table(
    data: TableLike,
    x: str,
    y: str | Sequence[str] | None,
    value: str,
    name: str | Sequence[str] | None,
    top_k: int | None,
    family: str | Sequence[str] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """The rows to draw (family and names selected) and the columns naming a matrix row."""
    if not isinstance(x, str):
        raise TypeError(f"{FUNC}: x must be a column name or 'time'; got {x!r}")
    if x == "time":
        table = as_long(data, func=FUNC)
    else:
        table = frame_of(data, [x, value], FUNC)
    table = keep_family(table, family, FUNC)
    rows = _row_columns(table, y)
    require_columns(table, [value], func=FUNC)
    if "name" in table.columns and (name is not None or top_k is not None):
        keep = select_names(table, name, top_k, FUNC, value)
        table = table[table["name"].isin(keep).to_numpy()]
    if table.empty:
        raise ValueError(f"{FUNC}: no rows to draw")
    return table, rows


def _grid(
    table: pd.DataFrame,
    rows: list[str],
    x: str,
    value: str,
    agg: str,
    step: float | None,
    overlapping: str,
) -> tuple[pd.DataFrame, float | None]:
    """Matrix rows x (time bins or ``x`` levels) of cell values, and the bin width used."""
    step_used = None
    if x == "time":
        cells, step_used = _time_bins(table, step, rows, overlapping)
        xcol = "_bin"
    else:
        cells = (
            table.groupby([*rows, x], observed=True, sort=False)[value]
            .agg(agg)
            .rename("value")
            .reset_index()
        )
        xcol = x
    grid = cells.pivot_table(index=rows, columns=xcol, values="value", observed=True, sort=False)
    if x == "time":
        bins = np.arange(int(grid.columns.min()), int(grid.columns.max()) + 1)
        return grid.reindex(columns=bins), step_used
    col_order = table[x]
    if isinstance(col_order.dtype, pd.CategoricalDtype):
        levels = [c for c in col_order.cat.categories if c in set(grid.columns)]
    else:
        try:
            levels = sorted(grid.columns)
        except TypeError:
            levels = list(grid.columns)
    return grid[levels], step_used


def _order_rows(
    grid: pd.DataFrame,
    table: pd.DataFrame,
    rows: list[str],
    name: str | Sequence[str] | None,
    value: str,
    cluster: bool,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows in ``name`` order, else highest mean first (models kept together); or clustered."""
    if name is not None and rows[-1] == "name":
        keep = select_names(table, name, None, FUNC, value)
        rank = {n: i for i, n in enumerate(keep)}
        order = sorted(range(len(grid)), key=lambda i: _row_key(grid.index[i], rank))
    else:
        means = grid.mean(axis=1, skipna=True).to_numpy()
        prefix = [_prefix_key(grid.index[i]) for i in range(len(grid))]
        order = sorted(
            range(len(grid)), key=lambda i: (prefix[i], -np.nan_to_num(means[i], nan=-np.inf))
        )
    grid = grid.iloc[order]
    values = grid.to_numpy(np.float64, na_value=np.nan)
    if cluster and len(grid) > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage

        filled = np.where(np.isnan(values), np.nanmean(values, axis=1, keepdims=True), values)
        filled = np.nan_to_num(filled, nan=0.0)
        leaf = leaves_list(linkage(filled, "average", metric="euclidean", optimal_ordering=True))
        grid, values = grid.iloc[leaf], values[leaf]
    return grid, values


def _draw(
    ax: Axes | None,
    grid: pd.DataFrame,
    values: np.ndarray,
    *,
    x: str,
    value: str,
    agg: str,
    step_used: float | None,
    colors: tuple[Any, Any],
    annot: bool | None,
    fmt: str,
    cbar: bool,
    figsize: tuple[float, float] | None,
) -> Axes:
    """The matrix as coloured cells (time bins at their true edges), labelled."""
    cm, norm = colors
    n_rows, n_cols = values.shape
    if x == "time":
        edges = np.append(grid.columns.to_numpy(np.float64), grid.columns[-1] + 1) * step_used
        default = (7.5, 0.8 + 0.17 * n_rows)
    else:
        edges = None
        default = (1.8 + 0.5 * n_cols, 0.9 + 0.22 * n_rows)
    ax = new_axes(ax, figsize, (max(default[0], 3.5), max(default[1], 2.0)), FUNC)
    show = annot if annot is not None else (x != "time" and values.size <= 300)
    label = value if x == "time" else f"{agg} {value}"
    draw_matrix(
        ax,
        values,
        [_label(i) for i in grid.index],
        [str(c) for c in grid.columns] if edges is None else None,
        cmap=cm,
        norm=norm,
        annot=show,
        fmt=fmt,
        x_edges=edges,
        cbar=cbar,
        cbar_label=f"mean {value}" if x == "time" else label,
    )
    ax.set_xlabel("time (s)" if x == "time" else x)
    ax.tick_params(axis="y", labelsize="small" if n_rows > 20 else "medium")
    if x == "time":
        ax.tick_params(axis="x", length=3)
    return ax


@fill
def heatmap(
    data: TableLike,
    *,
    x: str = "time",
    y: str | Sequence[str] | None = None,
    value: str = "score",
    name: str | Sequence[str] | None = None,
    top_k: int | None = None,
    family: Family | Sequence[Family] | None = "emotion",
    step: float | None = None,
    agg: HeatmapAgg = "mean",
    overlapping: OverlapPolicy = "allow",
    cluster: bool = False,
    cmap: str | Colormap | None = None,
    center: float | None = None,
    vmin: float | None = None,
    vmax: float | None = None,
    annot: bool | None = None,
    fmt: str = ".2f",
    cbar: bool = True,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Expressions (rows) against time bins or any other column (columns), as colour.

    * ``x="time"``: bins of ``step`` seconds on the recording clock. Each series
      (source, file, model, track, name) is first put on the grid by
      :func:`humeresearch.resample` (instants: mean of the frames in the bin;
      spans: mean weighted by their overlap with the bin), then the series of one
      row are averaged with equal weight (two faces count equally). Several
      recordings are averaged bin by bin, so use this for one recording or for
      epochs that share a clock. Empty bins stay light grey.
    * any other ``x`` (``"span_id"``, ``"file"``, ``"participant"``,
      ``"condition"`` ...): one column per level, cells are the ``agg`` of
      ``value`` over the rows of that (row, level).

    The colour map follows the data range: values on both sides of 0 (e.g.
    baseline-corrected scores, effects) get the diverging ``vlag`` map centred at 0
    with symmetric limits; one-signed values (raw scores) the sequential
    ``rocket_r`` (light = low) over their range.

    Parameters
    ----------
    %(data_long)s
        With ``x`` other than ``"time"`` any table with the ``x``, ``y`` and
        ``value`` columns works (e.g. per-participant means).
    x : str, default "time"
        ``"time"`` or the column whose levels become the columns.
    y : str or sequence of str, optional
        Columns whose levels become the rows. Default: ``name``, preceded by
        ``model`` and ``family`` when the data holds several of them. With
        ``x="time"`` they must be among ``source, file, model, track, family, name``.
    value : str, default "score"
        The numeric column shown.
    %(name)s
    top_k : int, optional
        Keep the ``top_k`` names with the highest mean (default: all).
    %(family)s
    step : float, optional
        Bin width in seconds for ``x="time"``. Default: a round width giving at
        most 80 bins.
    agg : {"mean", "median", "max", "min"}, default "mean"
        Cell aggregate for ``x`` other than ``"time"``.
    overlapping : {"allow", "raise"}, default "allow"
        Overlapping spans of one series with ``x="time"`` (padded prosody
        utterances): each weighted by its own overlap with the bin, or refused; the
        policy of :func:`humeresearch.resample`.
    cluster : bool, default False
        Order the rows by hierarchical clustering (average linkage, Euclidean
        distance, optimal leaf order; empty cells count as the row mean) so that
        similar time courses sit together. Default order: ``name`` as given, else
        highest mean first.
    cmap : str or Colormap, optional
        Override the automatic choice.
    center : float, optional
        Force a diverging map centred here.
    vmin, vmax : float, optional
        Colour limits (default: from the data).
    annot : bool, optional
        Write the values in the cells; default when ``x`` is not time and there
        are at most 300 cells.
    fmt : str, default ".2f"
        Format of the annotations.
    cbar : bool, default True
        Draw a colour bar.
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> t = np.arange(0, 60, 0.5)
    >>> long = pd.DataFrame({"source": "a.mp4", "file": "a.mp4", "model": "face",
    ...     "track": "face_0", "span_id": np.tile(np.arange(len(t)), 3),
    ...     "begin": np.tile(t, 3), "end": np.tile(t, 3), "family": "emotion",
    ...     "name": np.repeat(["Joy", "Calmness", "Anger"], len(t)),
    ...     "score": np.r_[np.sin(t / 9) ** 2, np.cos(t / 9) ** 2, 0.1 + 0 * t]})
    >>> ax = hr.plot.heatmap(long, step=5)
    >>> [t.get_text() for t in ax.get_yticklabels()], ax.get_xlabel()
    (['Calmness', 'Joy', 'Anger'], 'time (s)')
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    check_option(agg, HEATMAP_AGGS, name="agg", func=FUNC)
    table, rows = _table(data, x, y, value, name, top_k, family)
    check_option(overlapping, OVERLAP_POLICIES, name="overlapping", func=FUNC)
    grid, step_used = _grid(table, rows, x, value, agg, step, overlapping)
    grid, values = _order_rows(grid, table, rows, name, value, cluster)
    return _draw(
        ax,
        grid,
        values,
        x=x,
        value=value,
        agg=agg,
        step_used=step_used,
        colors=choose_cmap(values, cmap, center, vmin, vmax),
        annot=annot,
        fmt=fmt,
        cbar=cbar,
        figsize=figsize,
    )


def _label(index: Any) -> str:
    if isinstance(index, tuple):
        return " \u00b7 ".join(map(str, index))
    return str(index)


def _prefix_key(index: Any) -> tuple:
    """Rows of one model (family) stay together, models in contract order."""
    if isinstance(index, tuple) and len(index) > 1:
        return tuple(model_key(v) for v in index[:-1])
    return ()


def _row_key(index: Any, rank: dict[str, int]) -> tuple:
    name = index[-1] if isinstance(index, tuple) else index
    return (_prefix_key(index), rank.get(name, len(rank)))
