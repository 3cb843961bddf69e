"""``distribution``: scores per expression and condition (violin, box, strip, point)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from humeresearch._tables import TableLike, check_option
from humeresearch.define import DISTRIBUTION_KINDS, DistributionKind, Family
from humeresearch.plot._common import (
    expression_colors,
    frame_of,
    keep_family,
    new_axes,
    select_names,
)
from humeresearch.plot._docs import fill
from humeresearch.plot._facets import Facets, facet_axes, finish, levels
from humeresearch.plot._kinds import draw_kind
from humeresearch.plot._marks import draw_marks, mark_rows
from humeresearch.plot._palette import group_palette

FUNC = "distribution"


@dataclass
class _Prepared:
    """What :func:`distribution` draws: the values and the order and colour of the levels."""

    table: pd.DataFrame  # the values (subject means with ``subject``)
    plot_data: pd.DataFrame  # ``table`` with the x and colour columns as strings
    x_str: list[str]
    c_str: list[str]
    colors: dict[str, Any]
    color_var: str
    n_x: int
    n_h: int


def _values(
    data: TableLike,
    x: str,
    value: str,
    hue: str | None,
    subject: str | None,
    name: str | Sequence[str] | None,
    top_k: int | None,
    family: str | Sequence[str] | None,
    facets: Sequence[str] = (),
) -> tuple[pd.DataFrame, list[str] | None]:
    """The finite values to draw (one mean per subject with ``subject``) and the chosen names."""
    needed = [c for c in (x, value, hue, subject, *facets) if c is not None]
    if len(set(needed)) != len(needed):
        raise ValueError(
            f"{FUNC}: x, value, hue, subject, col and row must be different columns; got {needed}"
        )
    table = frame_of(data, needed, FUNC)
    if not pd.api.types.is_numeric_dtype(table[value]):
        raise ValueError(f"{FUNC}: column {value!r} must be numeric; it is {table[value].dtype}")
    chosen: list[str] | None = None
    if "name" in (x, hue):
        table = keep_family(table, family, FUNC)
        chosen = select_names(table, name, top_k, FUNC, value)
        table = table[table["name"].isin(chosen).to_numpy()]
    if subject is not None:
        keys = [c for c in (x, hue, subject, *facets) if c is not None]
        table = table.groupby(keys, observed=True, sort=False)[value].mean().reset_index()
    table = table[np.isfinite(table[value].to_numpy(np.float64, na_value=np.nan))]
    if table.empty:
        raise ValueError(f"{FUNC}: no finite values of {value!r} to draw")
    return table, chosen


def _prepare(
    table: pd.DataFrame,
    chosen: list[str] | None,
    x: str,
    hue: str | None,
    order: Sequence[Any] | None,
    hue_order: Sequence[Any] | None,
    palette: Mapping[Any, Any] | None,
) -> _Prepared:
    """Order and colour of the ``x`` and ``hue`` levels."""
    x_levels = (
        list(order)
        if order is not None
        else (chosen if x == "name" and chosen is not None else levels(table[x], None))
    )
    hue_levels = None
    if hue is not None:
        hue_levels = (
            list(hue_order)
            if hue_order is not None
            else (chosen if hue == "name" and chosen is not None else levels(table[hue], None))
        )
    color_var = hue if hue is not None else x
    color_levels = hue_levels if hue is not None else x_levels
    if color_var == "name":
        colors: dict[Any, Any] = expression_colors(color_levels, palette)
    else:
        colors = group_palette(color_levels, overrides=palette)
    return _Prepared(
        table=table,
        plot_data=table.assign(**{c: table[c].astype(str) for c in {x, color_var}}),
        x_str=[str(v) for v in x_levels],
        c_str=[str(v) for v in color_levels],
        colors={str(k): v for k, v in colors.items()},
        color_var=color_var,
        n_x=len(x_levels),
        n_h=len(hue_levels) if hue_levels else 1,
    )


def _draw(
    ax: Axes,
    prep: _Prepared,
    *,
    x: str,
    value: str,
    hue: str | None,
    kind: str,
    points: bool,
) -> None:
    """The chosen kind, then the individual values over violins and boxes."""
    common: dict[str, Any] = dict(
        data=prep.plot_data,
        x=x,
        y=value,
        hue=prep.color_var,
        order=prep.x_str,
        hue_order=prep.c_str,
        palette=prep.colors,
        ax=ax,
        legend=hue is not None,
    )
    if draw_kind(ax, kind, common, hue is not None, points):
        sns.stripplot(
            data=prep.plot_data,
            x=x,
            y=value,
            hue=prep.color_var,
            order=prep.x_str,
            hue_order=prep.c_str,
            palette={k: "0.1" for k in prep.c_str},
            dodge=hue is not None,
            size=2.6,
            alpha=0.8,
            jitter=0.12,
            legend=False,
            ax=ax,
            edgecolor="white",
            linewidth=0.4,
        )


def _decorate(
    ax: Axes,
    prep: _Prepared,
    *,
    x: str,
    value: str,
    hue: str | None,
    kind: str,
    subject: str | None,
) -> None:
    """Title, axis labels, tick rotation and the legend above the axes."""
    if kind == "point":
        ax.set_title("mean and 95% CI", loc="right", fontsize="small", color="0.35")
    ax.set_xlabel("" if x == "name" else x)
    ax.set_ylabel(f"{value} (mean per {subject})" if subject is not None else value)
    if any(len(s) > 6 for s in prep.x_str) and prep.n_x > 2:
        ax.tick_params(axis="x", labelrotation=35)
        for t in ax.get_xticklabels():
            t.set_ha("right")
            t.set_rotation_mode("anchor")
    if hue is not None and ax.get_legend() is not None:
        sns.move_legend(
            ax,
            "lower left",
            bbox_to_anchor=(0.0, 1.0),
            ncol=min(prep.n_h, 4),
            title=hue,
            frameon=False,
        )
    ax.spines[["top", "right"]].set_visible(False)


@overload
def distribution(data: TableLike, *, col: None = None, row: None = None, **kwargs: Any) -> Axes: ...


@overload
def distribution(
    data: TableLike, *, col: str, row: str | None = None, **kwargs: Any
) -> npt.NDArray[np.object_]: ...


@overload
def distribution(
    data: TableLike, *, col: str | None = None, row: str, **kwargs: Any
) -> npt.NDArray[np.object_]: ...


@fill
def distribution(
    data: TableLike,
    *,
    x: str = "name",
    value: str = "score",
    hue: str | None = None,
    kind: DistributionKind = "violin",
    subject: str | None = None,
    name: str | Sequence[str] | None = None,
    top_k: int | None = 8,
    family: Family | Sequence[Family] | None = "emotion",
    order: Sequence[Any] | None = None,
    hue_order: Sequence[Any] | None = None,
    points: bool | None = None,
    marks: TableLike | None = None,
    p: str = "p_adj",
    col: str | None = None,
    row: str | None = None,
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes | npt.NDArray[np.object_]:
    """Distribution of scores per expression (and condition), with seaborn.

    With ``subject`` (e.g. ``"participant"``) the rows are first reduced to one
    mean per (``x``, ``hue``, subject), so the figure shows the unit of analysis
    of the statistics (one value per participant), not thousands of correlated
    frames; violins and boxes then show the subjects' means as dots too.

    Parameters
    ----------
    %(data_long)s
        Any table with the ``x``, ``value``, ``hue`` and ``subject`` columns works.
    x : str, default "name"
        Column on the x axis (one violin/box per level).
    value : str, default "score"
        Numeric column.
    hue : str, optional
        Column splitting each ``x`` level (e.g. ``"condition"``), dodged side by side.
    kind : {"violin", "box", "strip", "point"}, default "violin"
        ``"violin"``: kernel density cut at the observed range, quartiles inside;
        ``"box"``: median, quartiles, 1.5 IQR whiskers; ``"strip"``: every value;
        ``"point"``: mean with its 95%% bootstrap CI (seaborn's ``errorbar=("ci",
        95)``), levels not joined by lines (they are categories, not a series).
    subject : str, optional
        Unit of analysis: one mean per subject is drawn.
    %(name)s
    top_k : int or None, default 8
        When ``x`` or ``hue`` is ``"name"`` and ``name`` is not given: the
        ``top_k`` names with the highest mean ``value`` (None: all).
    %(family)s
    order, hue_order : sequence, optional
        Order of the ``x`` and ``hue`` levels. Default: names by decreasing mean,
        other columns in categorical or sorted order.
    points : bool, optional
        Overlay the individual values on violins and boxes. Default: when
        ``subject`` is given and there are at most 2000 values.
    marks : DataFrame, optional
        A :func:`humeresearch.compare` result: a bracket with stars (``*`` p <
        .05, ``**`` < .01, ``***`` < .001 in column ``p``) over every significant
        pair of levels drawn. The compared levels are those of ``hue`` inside each
        ``x`` level (rows matched on their ``x`` column, e.g. ``name``), or of
        ``x`` without ``hue``; omnibus rows and pairs not drawn are left out, and
        with ``col``/``row`` each panel takes the rows of its facet values when the
        result has those columns.
    p : str, default "p_adj"
        Column of ``marks`` whose p-values decide the stars.
    col, row : str, optional
        Facet columns (e.g. ``"model"``, ``"condition"``): one panel per value, on
        shared axes, the same ``x`` and ``hue`` levels and colours in every panel.
    palette : mapping, optional
        Colours for the levels of the colour variable (``hue``, else ``x``),
        overriding the defaults: expression colours for names, shades of slate for
        other groups.
    ax : matplotlib Axes, optional
        Axes to draw into (not with ``col``/``row``). Default: a new figure.
    %(figsize)s

    Returns
    -------
    Axes or numpy.ndarray of Axes
        The Axes drawn on; with ``col`` or ``row`` a 2-D array of Axes of shape
        ``(n_row_levels, n_col_levels)`` (as ``plt.subplots(squeeze=False)``), which
        does not render the figure twice at the end of a notebook cell.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> df = pd.DataFrame({"name": np.repeat(["Joy", "Calmness"], 200),
    ...     "participant": np.tile(np.repeat(np.arange(8), 25), 2),
    ...     "condition": np.tile(np.repeat(["control", "treatment"], 100), 2),
    ...     "score": rng.random(400)})
    >>> ax = hr.plot.distribution(df, hue="condition", subject="participant", kind="box")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['control', 'treatment']
    >>> res = hr.compare(df, between="condition", subject="participant")
    >>> axes = hr.plot.distribution(df, x="condition", subject="participant",
    ...                             col="name", marks=res)
    >>> axes.shape
    (1, 2)
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    check_option(kind, DISTRIBUTION_KINDS, name="kind", func=FUNC)
    facet_cols = [c for c in (col, row) if c is not None]
    table, chosen = _values(data, x, value, hue, subject, name, top_k, family, facet_cols)
    prep = _prepare(table, chosen, x, hue, order, hue_order, palette)
    default = (max(3.2, 0.55 * prep.n_x * (1 + 0.45 * (prep.n_h - 1)) + 1.2), 3.0)
    show_points = points if points is not None else (subject is not None and len(table) <= 2000)
    marked = mark_rows(marks, p, FUNC) if marks is not None else None
    opts = dict(x=x, value=value, hue=hue, kind=kind, points=show_points, marks=marked)
    if not facet_cols:
        ax = new_axes(ax, figsize, default, FUNC)
        _panel(ax, prep, **opts)
        _decorate(ax, prep, x=x, value=value, hue=hue, kind=kind, subject=subject)
        return ax
    facets = Facets.of(table, col, row, FUNC)
    axes = facet_axes(facets, ax, figsize, default, FUNC)
    empty = set()
    for cell in facets.cells():
        mask = facets.mask(table, *cell)
        if not mask.any():
            empty.add(cell)
            continue
        sub = replace(prep, table=table[mask], plot_data=prep.plot_data[mask])
        rows = marked[facets.mask(marked, *cell)] if marked is not None else None
        _panel(axes[cell], sub, **{**opts, "marks": rows})
        _decorate(axes[cell], sub, x=x, value=value, hue=hue, kind=kind, subject=subject)
        legend = axes[cell].get_legend()
        if legend is not None and cell != (0, 0):
            legend.remove()
    finish(axes, facets, empty)
    return axes


def _panel(
    ax: Axes, prep: _Prepared, *, x: str, value: str, hue: str | None, kind: str,
    points: bool, marks: pd.DataFrame | None,
) -> None:  # fmt: skip
    """One panel: the distributions, then the significance marks."""
    _draw(ax, prep, x=x, value=value, hue=hue, kind=kind, points=points)
    if marks is not None and len(marks):
        hue_levels = prep.c_str if hue is not None else None
        draw_marks(ax, prep.table, marks, x=x, value=value, hue=hue, x_levels=prep.x_str,
                   hue_levels=hue_levels, kind=kind)  # fmt: skip
