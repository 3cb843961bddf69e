"""Annotated matrices: ``agreement_matrix`` (statistics results) and ``correlation_matrix``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import Colormap

from humeresearch._contract import KEYS
from humeresearch._tables import TableLike, as_frame, as_list, check_option, require_columns
from humeresearch.define import (
    CORRELATION_METHODS,
    TRIANGLES,
    CorrelationMethod,
    Family,
    Triangle,
)
from humeresearch.plot._cells import choose_cmap, draw_matrix
from humeresearch.plot._common import (
    fmt_p,
    frame_of,
    keep_family,
    new_axes,
    select_names,
)
from humeresearch.plot._docs import fill

VALUE_COLUMNS = ("estimate", "r", "icc", "rho", "effect", "value")


def _pivot(data: pd.DataFrame, x: str, y: str, column: str, func: str) -> pd.DataFrame:
    dup = data.duplicated([x, y])
    if dup.any():
        first = data.loc[dup, [x, y]].iloc[0].to_dict()
        raise ValueError(
            f"{func}: several rows for {first}; filter the data (e.g. one method or "
            "term) or pass x=/y= columns that identify one row"
        )
    table = data.pivot(index=y, columns=x, values=column)
    return table.reindex(index=_order(data[y]), columns=_order(data[x]))


def _order(series: pd.Series) -> list[Any]:
    """Levels in categorical order, else in order of first appearance."""
    seen = pd.unique(series.dropna())
    if isinstance(series.dtype, pd.CategoricalDtype):
        present = set(seen)
        return [c for c in series.cat.categories if c in present]
    return list(seen)


def _agreement_cells(
    results: pd.DataFrame, x: str, y: str, value: str, p: str, alpha: float
) -> tuple[pd.DataFrame, np.ndarray | None]:
    """The ``value`` matrix (rows ``y``, columns ``x``) and where ``p < alpha`` (None without p)."""
    func = "agreement_matrix"
    table = _pivot(results, x, y, value, func)
    sig = None
    if p in results.columns:
        pv = _pivot(results, x, y, p, func).reindex(index=table.index, columns=table.columns)
        sig = pv.to_numpy(np.float64, na_value=np.nan) < alpha
    return table, sig


def _mirror(
    values: np.ndarray,
    sig: np.ndarray | None,
    rows: list[Any],
    cols: list[Any],
    symmetric: bool | None,
    names: tuple[str, str],
) -> tuple[np.ndarray, np.ndarray | None]:
    """Fill each empty (b, a) cell with the (a, b) value when the matrix is symmetric."""
    same = set(map(str, rows)) == set(map(str, cols))
    if not (symmetric if symmetric is not None else same):
        return values, sig
    if not same:
        raise ValueError(
            f"agreement_matrix: symmetric=True needs the same levels in {names[0]!r} "
            f"and {names[1]!r}"
        )
    order = [rows.index(c) for c in cols]
    mirror = values[order][:, [cols.index(r) for r in rows]].T
    fill_cells = np.isnan(values) & np.isfinite(mirror)
    values = np.where(fill_cells, mirror, values)
    if sig is not None:
        smirror = sig[order][:, [cols.index(r) for r in rows]].T
        sig = np.where(fill_cells, smirror, sig)
    return values, sig


@fill
def agreement_matrix(
    data: TableLike,
    *,
    x: str,
    y: str,
    value: str | None = None,
    p: str = "p_adj",
    alpha: float = 0.05,
    symmetric: bool | None = None,
    annot: bool = True,
    fmt: str = ".2f",
    cmap: str | Colormap | None = None,
    vmin: float | None = -1.0,
    vmax: float | None = 1.0,
    cbar: bool = True,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Cross-modal agreement (e.g. from :func:`humeresearch.agreement`) as an annotated matrix.

    One cell per (``y``, ``x``) row of ``data``, coloured by ``value`` on a
    diverging scale centred at 0 (-1 to 1 by default, the range of correlations and
    ICCs), annotated with the value and ``*`` where ``p < alpha``.

    Parameters
    ----------
    data : TableLike
        The results table: one row per cell, e.g. several :func:`humeresearch.agreement` results
        concatenated with a column naming the pair of models compared.
    x, y : str
        Columns giving the matrix columns and rows (e.g. ``x="name"``,
        ``y="pair"``; or ``x="model_a"``, ``y="model_b"``). Rows and columns keep
        the categorical or first-seen order.
    value : str, optional
        Column to show. Default: the first of ``estimate``, ``r``, ``icc``,
        ``rho``, ``effect``, ``value`` that the table has.
    %(results_p)s
        Ignored when the table has no such column.
    %(alpha)s
    symmetric : bool, optional
        Mirror cells: the (a, b) value also fills the empty (b, a) cell. Default:
        when the row and column levels are the same set (a model x model matrix).
    annot : bool, default True
        Write the values in the cells (in black or white, whichever reads better).
    fmt : str, default ".2f"
        Format of the annotations.
    cmap : str or Colormap, optional
        Default ``vlag`` (diverging).
    vmin, vmax : float, default -1, 1
        Colour limits (None: from the data, symmetric around 0 when it has both signs).
    cbar : bool, default True
        Draw a colour bar, labelled with the ``method`` column when it has one value.
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Raises
    ------
    ValueError
        Missing columns, or several rows for one (x, y) cell.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> res = pd.DataFrame({"name": ["Joy", "Joy", "Calmness", "Calmness"],
    ...     "pair": ["face-prosody", "face-language"] * 2, "method": "pearson",
    ...     "estimate": [0.41, 0.22, 0.05, -0.12], "p_adj": [0.001, 0.04, 0.6, 0.3]})
    >>> ax = hr.plot.agreement_matrix(res, x="name", y="pair")
    >>> [t.get_text() for t in ax.texts]
    ['0.41*', '0.05', '0.22*', '-0.12']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    func = "agreement_matrix"
    results = require_columns(as_frame(data, func=func), [x, y], func=func)
    if value is None:
        value = next((c for c in VALUE_COLUMNS if c in results.columns), None)
        if value is None:
            raise ValueError(
                f"{func}: data has none of the value columns {list(VALUE_COLUMNS)}; pass value="
            )
    require_columns(results, [value], func=func)
    table, sig = _agreement_cells(results, x, y, value, p, alpha)
    rows, cols = list(table.index), list(table.columns)
    values = table.to_numpy(np.float64, na_value=np.nan)
    values, sig = _mirror(values, sig, rows, cols, symmetric, (x, y))
    cm, norm = choose_cmap(values, cmap, 0.0, vmin, vmax)
    ax = new_axes(ax, figsize, (1.2 + 0.55 * len(cols), 0.9 + 0.4 * len(rows)), func)
    label = value
    if "method" in results.columns and results["method"].nunique() == 1:
        label = str(results["method"].iloc[0])
    draw_matrix(
        ax,
        values,
        [str(r) for r in rows],
        [str(c) for c in cols],
        cmap=cm,
        norm=norm,
        annot=annot,
        fmt=fmt,
        marks=sig,
        cbar=cbar,
        cbar_label=label,
    )
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    if sig is not None and annot:
        ax.set_title(f"* {p} < {fmt_p(alpha)}", loc="right", fontsize="small")
    return ax


def _wide_scores(
    data: TableLike,
    columns: str | Sequence[str],
    index: Sequence[str] | None,
    value: str,
    name: str | Sequence[str] | None,
    top_k: int | None,
    family: Any,
    func: str,
) -> pd.DataFrame:
    """One column per level of ``columns``, one row per observation (``index``)."""
    cols = as_list(columns) or ["name"]
    table = frame_of(data, [*cols, value], func)
    table = keep_family(table, family, func)
    if "name" in cols and (name is not None or top_k is not None):
        keep = select_names(table, name, top_k, func, value)
        table = table[table["name"].isin(keep).to_numpy()]
    if index is None:
        extra = ["from_model", "from_track"]
        index = [c for c in [*KEYS, *extra] if c in table.columns and c not in cols]
    index = list(index)
    if not index:
        raise ValueError(f"{func}: no columns identify one observation; pass index=")
    require_columns(table, index, func=func)
    wide = table.pivot_table(
        index=index, columns=cols, values=value, aggfunc="mean", observed=True, sort=False
    )
    if isinstance(wide.columns, pd.MultiIndex):
        wide.columns = [" \u00b7 ".join(map(str, c)) for c in wide.columns]
    else:
        wide.columns = [str(c) for c in wide.columns]
    if name is not None and cols == ["name"]:
        wide = wide[[str(n) for n in select_names(table, name, None, func, value)]]
    return wide


def _correlations(wide: pd.DataFrame, method: str, cluster: bool) -> pd.DataFrame:
    """Pairwise correlations of the columns, clustered (average linkage on 1 - r) if asked."""
    corr = wide.corr(method=method)
    labels = list(corr.columns)
    if cluster and len(labels) > 2:
        from scipy.cluster.hierarchy import leaves_list, linkage
        from scipy.spatial.distance import squareform

        dist = np.clip(1.0 - corr.fillna(0.0).to_numpy(), 0.0, 2.0)
        np.fill_diagonal(dist, 0.0)
        link = linkage(
            squareform((dist + dist.T) / 2, checks=False), "average", optimal_ordering=True
        )
        labels = [labels[i] for i in leaves_list(link)]
        corr = corr.loc[labels, labels]
    return corr


def _triangle(corr: pd.DataFrame, triangle: str) -> tuple[np.ndarray, list[str], list[str]]:
    """The cells shown (the other triangle NaN, the diagonal left out), rows and columns."""
    labels = list(corr.columns)
    values = corr.to_numpy(np.float64)
    if triangle == "lower":
        values = np.where(np.tril(np.ones_like(values, dtype=bool), -1), values, np.nan)[1:, :-1]
        return values, labels[1:], labels[:-1]
    if triangle == "upper":
        values = np.where(np.triu(np.ones_like(values, dtype=bool), 1), values, np.nan)[:-1, 1:]
        return values, labels[:-1], labels[1:]
    return values, labels, labels


@fill
def correlation_matrix(
    data: TableLike,
    *,
    columns: str | Sequence[str] = "name",
    index: Sequence[str] | None = None,
    value: str = "score",
    name: str | Sequence[str] | None = None,
    top_k: int | None = None,
    family: Family | Sequence[Family] | None = "emotion",
    method: CorrelationMethod = "pearson",
    cluster: bool = False,
    triangle: Triangle = "lower",
    annot: bool | None = None,
    fmt: str = ".2f",
    cmap: str | Colormap | None = None,
    cbar: bool = True,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Correlations between expressions (or models) over the same spans, as a matrix.

    The long data is spread to one column per level of ``columns`` (by default
    one per expression name) and one row per observation (``index``), and the
    columns are correlated pairwise (complete pairs). For cross-modal agreement,
    first put the models on one clock with :func:`humeresearch.align` and use
    ``columns=["from_model", "name"]``.

    Parameters
    ----------
    %(data_long)s
    columns : str or sequence of str, default "name"
        Columns whose levels become the variables.
    index : sequence of str, optional
        Columns that identify one observation. Default: the contract keys
        (``source, file, model, track, span_id``) and ``from_model``,
        ``from_track`` when present, minus ``columns``.
    value : str, default "score"
        Numeric column correlated.
    %(name)s
    top_k : int, optional
        Keep the ``top_k`` names with the highest mean (default: all).
    %(family)s
    method : {"pearson", "spearman", "kendall"}, default "pearson"
        Passed to :meth:`pandas.DataFrame.corr`.
    cluster : bool, default False
        Order the variables by hierarchical clustering (average linkage on
        ``1 - r``), so that correlated expressions sit together.
    triangle : {"lower", "upper", "full"}, default "lower"
        Show only the lower or upper triangle (without the diagonal of ones), or all.
    annot : bool, optional
        Write the coefficients in the cells; default when at most 15 variables.
    fmt : str, default ".2f"
        Format of the annotations.
    cmap : str or Colormap, optional
        Default ``vlag``, from -1 to 1.
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
    >>> rng = np.random.default_rng(0)
    >>> joy = rng.random(50)
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": np.tile(np.arange(50), 3), "begin": 0.0, "end": 0.0,
    ...     "family": "emotion", "name": np.repeat(["Joy", "Amusement", "Sadness"], 50),
    ...     "score": np.r_[joy, joy + rng.normal(0, 0.1, 50), rng.random(50)]})
    >>> ax = hr.plot.correlation_matrix(long, name=["Joy", "Amusement", "Sadness"])
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Amusement', 'Sadness']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    func = "correlation_matrix"
    check_option(method, CORRELATION_METHODS, name="method", func=func)
    check_option(triangle, TRIANGLES, name="triangle", func=func)
    wide = _wide_scores(data, columns, index, value, name, top_k, family, func)
    if wide.shape[1] < 2:
        raise ValueError(
            f"{func}: need at least 2 variables to correlate; got {list(wide.columns)}"
        )
    corr = _correlations(wide, method, cluster)
    values, rows, cols = _triangle(corr, triangle)
    # the hidden triangle is left blank, not grey like a missing value
    cm, norm = choose_cmap(values, cmap, 0.0, -1.0, 1.0, bad=(1.0, 1.0, 1.0, 0.0))
    n = corr.shape[1]
    ax = new_axes(ax, figsize, (1.6 + 0.42 * n, 1.0 + 0.36 * n), func)
    show = annot if annot is not None else n <= 15
    draw_matrix(
        ax,
        values,
        rows,
        cols,
        cmap=cm,
        norm=norm,
        annot=show,
        fmt=fmt,
        cbar=cbar,
        cbar_label=f"{method} r" if method != "kendall" else "Kendall tau",
    )
    return ax
