"""``distribution``: scores per expression and condition (violin, box, strip, point)."""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes

from humeresearch.plot._common import (
    check_option,
    expression_colors,
    frame_of,
    ink,
    keep_family,
    new_axes,
    select_names,
)
from humeresearch.plot._docs import fill
from humeresearch.plot._palette import group_palette

FUNC = "distribution"
KINDS = ("violin", "box", "strip", "point")


def levels(series: pd.Series, given: Sequence[Any] | None) -> list[Any]:
    """Levels in the given, categorical, or sorted order (observed levels only)."""
    present = pd.unique(series.dropna())
    if given is not None:
        return [v for v in given if v in set(present)]
    if isinstance(series.dtype, pd.CategoricalDtype):
        seen = set(present)
        return [c for c in series.cat.categories if c in seen]
    try:
        return sorted(present)
    except TypeError:
        return list(present)


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


@fill
def distribution(
    data: Any,
    x: str = "name",
    y: str = "score",
    hue: str | None = None,
    *,
    kind: str = "violin",
    subject: str | None = None,
    names: Sequence[str] | None = None,
    top_k: int | None = 8,
    family: str | Sequence[str] | None = "emotion",
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
        Any table with the ``x``, ``y``, ``hue`` and ``subject`` columns works.
    x : str, default "name"
        Column on the x axis (one violin/box per level).
    y : str, default "score"
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
    %(names)s
    top_k : int or None, default 8
        When ``x`` or ``hue`` is ``"name"`` and ``names`` is not given: the
        ``top_k`` names with the highest mean ``y`` (None: all).
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
    check_option(kind, "kind", KINDS, FUNC)
    needed = [c for c in (x, y, hue, subject) if c is not None]
    if len(set(needed)) != len(needed):
        raise ValueError(f"{FUNC}: x, y, hue and subject must be different columns; got {needed}")
    table = frame_of(data, needed, FUNC)
    if not pd.api.types.is_numeric_dtype(table[y]):
        raise ValueError(f"{FUNC}: column {y!r} must be numeric; it is {table[y].dtype}")
    uses_names = "name" in (x, hue)
    chosen: list[str] | None = None
    if uses_names:
        table = keep_family(table, family, FUNC)
        chosen = select_names(table, names, top_k, FUNC, y)
        table = table[table["name"].isin(chosen).to_numpy()]
    if subject is not None:
        keys = [c for c in (x, hue, subject) if c is not None]
        table = table.groupby(keys, observed=True, sort=False)[y].mean().reset_index()
    table = table[np.isfinite(table[y].to_numpy(np.float64, na_value=np.nan))]
    if table.empty:
        raise ValueError(f"{FUNC}: no finite values of {y!r} to draw")

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
        colors = group_palette(color_levels, palette)
    plot_data = table.assign(**{c: table[c].astype(str) for c in {x, color_var}})
    x_str = [str(v) for v in x_levels]
    c_str = [str(v) for v in color_levels]
    colors = {str(k): v for k, v in colors.items()}

    n_x = len(x_levels)
    n_h = len(hue_levels) if hue_levels else 1
    default = (max(3.2, 0.55 * n_x * (1 + 0.45 * (n_h - 1)) + 1.2), 3.0)
    ax = new_axes(ax, figsize, default, FUNC)
    common: dict[str, Any] = dict(
        data=plot_data,
        x=x,
        y=y,
        hue=color_var,
        order=x_str,
        hue_order=c_str,
        palette=colors,
        ax=ax,
        legend=hue is not None,
    )
    show_points = points if points is not None else (subject is not None and len(table) <= 2000)
    if kind == "violin":
        n_lines, n_bodies = len(ax.lines), len(ax.collections)
        sns.violinplot(
            **common,
            cut=0,
            inner="quart",
            linewidth=0.8,
            density_norm="width",
            dodge=hue is not None,
            saturation=1.0,
            linecolor="0.15",
        )
        _contrast_inner(ax, ax.lines[n_lines:], ax.collections[n_bodies:])
    elif kind == "box":
        with warnings.catch_warnings():  # seaborn 0.13 passes vert= to matplotlib >= 3.11
            warnings.filterwarnings("ignore", message="vert: bool was deprecated")
            sns.boxplot(
                **common,
                showfliers=not show_points,
                width=0.7,
                linewidth=0.8,
                dodge=hue is not None,
                saturation=1.0,
                fliersize=2,
            )
    elif kind == "strip":
        sns.stripplot(**common, dodge=hue is not None, size=3, alpha=0.7, jitter=0.25)
        show_points = False
    else:
        sns.pointplot(
            **common,
            dodge=0.4 if hue is not None else False,
            errorbar=("ci", 95),
            linestyle="none",
            capsize=0.15,
            markersize=5,
            err_kws={"linewidth": 1.2},
            seed=0,
        )
        show_points = False
    if show_points:
        sns.stripplot(
            data=plot_data,
            x=x,
            y=y,
            hue=color_var,
            order=x_str,
            hue_order=c_str,
            palette={k: "0.1" for k in c_str},
            dodge=hue is not None,
            size=2.6,
            alpha=0.8,
            jitter=0.12,
            legend=False,
            ax=ax,
            edgecolor="white",
            linewidth=0.4,
        )
    if kind == "point":
        ax.set_title("mean and 95% CI", loc="right", fontsize="small", color="0.35")
    ax.set_xlabel("" if x == "name" else x)
    ax.set_ylabel(f"{y} (mean per {subject})" if subject is not None else y)
    if any(len(s) > 6 for s in x_str) and n_x > 2:
        ax.tick_params(axis="x", labelrotation=35)
        for t in ax.get_xticklabels():
            t.set_ha("right")
            t.set_rotation_mode("anchor")
    if hue is not None and ax.get_legend() is not None:
        sns.move_legend(
            ax, "lower left", bbox_to_anchor=(0.0, 1.0), ncol=min(n_h, 4), title=hue, frameon=False
        )
    ax.spines[["top", "right"]].set_visible(False)
    return ax
