"""``radar``: expression profiles as polar polygons, one per group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from humeresearch._tables import TableLike, check_option
from humeresearch.define import AGGS, Agg, Family
from humeresearch.plot import _docs
from humeresearch.plot._common import frame_of, keep_family, select_names
from humeresearch.plot._distribution import levels
from humeresearch.plot._palette import group_palette

FUNC = "radar"
_STYLES = ("-", "--", "-.", ":")


def _profiles(
    data: TableLike,
    name: str | Sequence[str] | None,
    hue: str | None,
    value: str,
    agg: str,
    subject: str | None,
    top_k: int | None,
    family: str | Sequence[str] | None,
) -> tuple[pd.DataFrame, list[str]]:
    """One row per group (``hue`` level, or ``"all"``), one column per chosen name."""
    needed = ["name", value, *[c for c in (hue, subject) if c is not None]]
    table = keep_family(frame_of(data, needed, FUNC), family, FUNC)
    chosen = select_names(table, name, top_k, FUNC, value)
    if name is None:
        chosen = sorted(chosen, key=lambda n: str(n).casefold())
    if len(chosen) < 3:
        raise ValueError(f"{FUNC}: a radar needs at least 3 names; got {chosen}")
    table = table[table["name"].isin(chosen).to_numpy()]
    group_col = hue if hue is not None else "_all"
    if hue is None:
        table = table.assign(_all="all")
    keys = [group_col, "name"]
    if subject is not None:
        per = table.groupby([*keys, subject], observed=True, sort=False)[value].agg(agg)
        prof = per.groupby(level=[0, 1], observed=True, sort=False).agg(agg)
    else:
        prof = table.groupby(keys, observed=True, sort=False)[value].agg(agg)
    wide = prof.unstack("name").reindex(columns=chosen)
    return wide.reindex(levels(table[group_col], None)), chosen


def _polar_axes(ax: Axes | None, figsize: tuple[float, float] | None, hue: str | None) -> Axes:
    if ax is None:
        fig = plt.figure(figsize=figsize or (5.2 if hue else 4.2, 4.2), layout="constrained")
        return fig.add_subplot(projection="polar")
    if getattr(ax, "name", "") != "polar":
        raise ValueError(f"{FUNC}: ax must be a polar Axes (projection='polar')")
    return ax


def _draw(ax: Axes, wide: pd.DataFrame, colors: Mapping[Any, Any], fill: bool) -> np.ndarray:
    """One closed polygon per group; return the angles of the axes."""
    theta = np.linspace(0, 2 * np.pi, wide.shape[1], endpoint=False)
    closed = np.append(theta, theta[0])
    for i, group in enumerate(wide.index):
        vals = wide.loc[group].to_numpy(np.float64, na_value=np.nan)
        ring = np.append(vals, vals[0])
        ax.plot(
            closed,
            ring,
            color=colors[group],
            lw=1.6,
            ls=_STYLES[i % len(_STYLES)],
            label=str(group),
            solid_joinstyle="round",
        )
        if fill and np.isfinite(vals).all():
            ax.fill(closed, ring, color=colors[group], alpha=0.12, lw=0)
    return theta


def _decorate(
    ax: Axes,
    wide: pd.DataFrame,
    theta: np.ndarray,
    *,
    hue: str | None,
    title: str,
) -> None:
    """Axis labels around the circle, radius from 0, grid, legend and title."""
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(theta, [str(c) for c in wide.columns])
    for angle, label in zip(theta, ax.get_xticklabels()):
        side = np.sin(angle)
        label.set_horizontalalignment(
            "left" if side > 0.1 else "right" if side < -0.1 else "center"
        )
    ax.tick_params(axis="x", pad=2)
    top = np.nanmax(wide.to_numpy(np.float64, na_value=np.nan))
    ax.set_ylim(0, (top if np.isfinite(top) and top > 0 else 1.0) * 1.1)
    ax.tick_params(axis="y", labelsize="x-small", labelcolor="0.4")
    ax.set_rlabel_position(180 / len(theta))
    ax.grid(color="0.85", lw=0.6)
    ax.spines["polar"].set_color("0.7")
    if hue is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1.08), title=hue, frameon=False)
    ax.set_title(title, loc="left", fontsize="small", color="0.3")


@_docs.fill
def radar(
    data: TableLike,
    *,
    name: str | Sequence[str] | None = None,
    hue: str | None = None,
    value: str = "score",
    agg: Agg = "mean",
    subject: str | None = None,
    top_k: int | None = 8,
    family: Family | Sequence[Family] | None = "emotion",
    fill: bool = True,
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Expression profiles as polar polygons: one axis per expression, one polygon per group.

    The axis order is consistent: ``name`` in the order given, otherwise the
    selected names sorted alphabetically (case-insensitively), so the same set of
    expressions always sits at the same angles, starting at the top and running
    clockwise. The radius starts at 0 so that polygon areas are comparable.

    Parameters
    ----------
    %(data_long)s
        Any table with ``name``, ``value`` and the ``hue``/``subject`` columns works.
    name : sequence of str, optional
        The expressions (axes), in this order; at least 3. Default: the
        ``top_k`` with the highest overall mean.
    hue : str, optional
        Column whose levels get one polygon each (e.g. ``"condition"``,
        ``"model"``). Default: one polygon for all rows.
    value : str, default "score"
        Numeric column.
    agg : {"mean", "median"}, default "mean"
        Aggregate of each (group, name).
    subject : str, optional
        Aggregate per subject first, then across subjects (every subject counts
        equally, however many frames it has).
    top_k : int or None, default 8
        Number of names when ``name`` is not given.
    %(family)s
    fill : bool, default True
        Shade the polygons lightly.
    palette : mapping, optional
        Colours for the levels of ``hue`` (default: shades of slate; lines also
        differ in dash style so that they can be told apart in grey print).
    ax : matplotlib Axes, optional
        A polar Axes to draw into (``projection="polar"``). Default: a new figure.
    %(figsize)s

    Returns
    -------
    Axes
        The polar Axes.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> df = pd.DataFrame({"name": np.tile(["Joy", "Calmness", "Interest", "Anger"], 2),
    ...     "condition": np.repeat(["control", "treatment"], 4),
    ...     "score": [0.2, 0.5, 0.4, 0.1, 0.4, 0.3, 0.5, 0.1]})
    >>> ax = hr.plot.radar(df, hue="condition")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Anger', 'Calmness', 'Interest', 'Joy']
    >>> len(ax.get_lines())
    2
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    check_option(agg, AGGS, name="agg", func=FUNC)
    wide, _ = _profiles(data, name, hue, value, agg, subject, top_k, family)
    ax = _polar_axes(ax, figsize, hue)
    groups = list(wide.index)
    colors = group_palette(groups, overrides=palette) if hue is not None else {"all": "#2f4466"}
    theta = _draw(ax, wide, colors, fill)
    title = f"{agg} {value}" + (f" (per {subject})" if subject else "")
    _decorate(ax, wide, theta, hue=hue, title=title)
    return ax
