"""``distribution``: scores per expression and condition (violin, box, strip, point)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from humeresearch._tables import TableLike, check_option
from humeresearch.define import DISTRIBUTION_KINDS, DistributionKind, Family
from humeresearch.plot._common import (
    expression_colors,
    frame_of,
    ink,
    keep_family,
    new_axes,
    select_names,
)
from humeresearch.plot._docs import fill
from humeresearch.plot._facets import levels
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
) -> tuple[pd.DataFrame, list[str] | None]:
    """The finite values to draw (one mean per subject with ``subject``) and the chosen names."""
    needed = [c for c in (x, value, hue, subject) if c is not None]
    if len(set(needed)) != len(needed):
        raise ValueError(
            f"{FUNC}: x, value, hue and subject must be different columns; got {needed}"
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
        keys = [c for c in (x, hue, subject) if c is not None]
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


def _contrast_inner(ax: Axes, lines: Sequence[Any], bodies: Sequence[Any]) -> None:
    """Quartile lines in black or white, whichever reads better on their violin."""
    for line in lines:
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) == 0:
            continue
        mid = ax.transData.transform((float(np.mean(x)), float(np.mean(y))))
        for body in bodies:
            paths = body.get_paths()
            face = body.get_facecolor()
            if len(paths) and len(face) and paths[0].contains_point(mid, body.get_transform()):
                line.set_color(ink(face[0]))
                break


def _draw_kind(ax: Axes, kind: str, common: dict[str, Any], dodge: bool, points: bool) -> bool:
    """Draw the violins, boxes, strips or points; return whether to overlay the values."""
    if kind == "violin":
        n_lines, n_bodies = len(ax.lines), len(ax.collections)
        sns.violinplot(
            **common,
            cut=0,
            inner="quart",
            linewidth=0.8,
            density_norm="width",
            dodge=dodge,
            saturation=1.0,
            linecolor="0.15",
        )
        _contrast_inner(ax, ax.lines[n_lines:], ax.collections[n_bodies:])
        return points
    if kind == "box":
        with warnings.catch_warnings():  # seaborn 0.13 passes vert= to matplotlib >= 3.11
            warnings.filterwarnings("ignore", message="vert: bool was deprecated")
            sns.boxplot(
                **common,
                showfliers=not points,
                width=0.7,
                linewidth=0.8,
                dodge=dodge,
                saturation=1.0,
                fliersize=2,
            )
        return points
    if kind == "strip":
        sns.stripplot(**common, dodge=dodge, size=3, alpha=0.7, jitter=0.25)
        return False
    sns.pointplot(
        **common,
        dodge=0.4 if dodge else False,
        errorbar=("ci", 95),
        linestyle="none",
        capsize=0.15,
        markersize=5,
        err_kws={"linewidth": 1.2},
        seed=0,
    )
    return False


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
    if _draw_kind(ax, kind, common, hue is not None, points):
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
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
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
    palette : mapping, optional
        Colours for the levels of the colour variable (``hue``, else ``x``),
        overriding the defaults: expression colours for names, shades of slate for
        other groups.
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
    >>> df = pd.DataFrame({"name": np.repeat(["Joy", "Calmness"], 200),
    ...     "participant": np.tile(np.repeat(np.arange(8), 25), 2),
    ...     "condition": np.tile(np.repeat(["control", "treatment"], 100), 2),
    ...     "score": rng.random(400)})
    >>> ax = hr.plot.distribution(df, hue="condition", subject="participant", kind="box")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['control', 'treatment']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    check_option(kind, DISTRIBUTION_KINDS, name="kind", func=FUNC)
    table, chosen = _values(data, x, value, hue, subject, name, top_k, family)
    prep = _prepare(table, chosen, x, hue, order, hue_order, palette)
    default = (max(3.2, 0.55 * prep.n_x * (1 + 0.45 * (prep.n_h - 1)) + 1.2), 3.0)
    ax = new_axes(ax, figsize, default, FUNC)
    show_points = points if points is not None else (subject is not None and len(table) <= 2000)
    _draw(ax, prep, x=x, value=value, hue=hue, kind=kind, points=show_points)
    _decorate(ax, prep, x=x, value=value, hue=hue, kind=kind, subject=subject)
    return ax
