"""``radar``: expression profiles as polar polygons, one per group."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes

from humeresearch.plot import _docs
from humeresearch.plot._common import check_option, frame_of, keep_family, select_names
from humeresearch.plot._distribution import levels
from humeresearch.plot._palette import group_palette

FUNC = "radar"
AGGS = ("mean", "median")
_STYLES = ("-", "--", "-.", ":")


@_docs.fill
def radar(
    data: Any,
    names: Sequence[str] | None = None,
    by: str | None = None,
    *,
    value: str = "score",
    agg: str = "mean",
    subject: str | None = None,
    top_k: int | None = 8,
    family: str | Sequence[str] | None = "emotion",
    fill: bool = True,
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Expression profiles as polar polygons: one axis per expression, one polygon per group.

    The axis order is consistent: ``names`` in the order given, otherwise the
    selected names sorted alphabetically (case-insensitively), so the same set of
    expressions always sits at the same angles, starting at the top and running
    clockwise. The radius starts at 0 so that polygon areas are comparable.

    Parameters
    ----------
    %(data_long)s
        Any table with ``name``, ``value`` and the ``by``/``subject`` columns works.
    names : sequence of str, optional
        The expressions (axes), in this order; at least 3. Default: the
        ``top_k`` with the highest overall mean.
    by : str, optional
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
        Number of names when ``names`` is not given.
    %(family)s
    fill : bool, default True
        Shade the polygons lightly.
    palette : mapping, optional
        Colours for the levels of ``by`` (default: shades of slate; lines also
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
    >>> ax = hr.plot.radar(df, by="condition")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['Anger', 'Calmness', 'Interest', 'Joy']
    >>> len(ax.get_lines())
    2
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    check_option(agg, "agg", AGGS, FUNC)
    needed = ["name", value, *[c for c in (by, subject) if c is not None]]
    table = keep_family(frame_of(data, needed, FUNC), family, FUNC)
    chosen = select_names(table, names, top_k, FUNC, value)
    if names is None:
        chosen = sorted(chosen, key=lambda n: str(n).casefold())
    if len(chosen) < 3:
        raise ValueError(f"{FUNC}: a radar needs at least 3 names; got {chosen}")
    table = table[table["name"].isin(chosen).to_numpy()]
    group_col = by if by is not None else "_all"
    if by is None:
        table = table.assign(_all="all")
    keys = [group_col, "name"]
    if subject is not None:
        per = table.groupby([*keys, subject], observed=True, sort=False)[value].agg(agg)
        prof = per.groupby(level=[0, 1], observed=True, sort=False).agg(agg)
    else:
        prof = table.groupby(keys, observed=True, sort=False)[value].agg(agg)
    wide = prof.unstack("name").reindex(columns=chosen)
    groups = levels(table[group_col], None)
    wide = wide.reindex(groups)

    if ax is None:
        fig = plt.figure(figsize=figsize or (5.2 if by else 4.2, 4.2), layout="constrained")
        ax = fig.add_subplot(projection="polar")
    elif getattr(ax, "name", "") != "polar":
        raise ValueError(f"{FUNC}: ax must be a polar Axes (projection='polar')")
    colors = group_palette(groups, palette) if by is not None else {"all": "#2f4466"}
    n = len(chosen)
    theta = np.linspace(0, 2 * np.pi, n, endpoint=False)
    closed = np.append(theta, theta[0])
    for i, group in enumerate(groups):
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
    ax.set_theta_offset(np.pi / 2)
    ax.set_theta_direction(-1)
    ax.set_xticks(theta, [str(c) for c in chosen])
    for angle, label in zip(theta, ax.get_xticklabels()):
        side = np.sin(angle)
        label.set_horizontalalignment(
            "left" if side > 0.1 else "right" if side < -0.1 else "center"
        )
    ax.tick_params(axis="x", pad=2)
    top = np.nanmax(wide.to_numpy(np.float64, na_value=np.nan))
    ax.set_ylim(0, (top if np.isfinite(top) and top > 0 else 1.0) * 1.1)
    ax.tick_params(axis="y", labelsize="x-small", labelcolor="0.4")
    ax.set_rlabel_position(180 / n)
    ax.grid(color="0.85", lw=0.6)
    ax.spines["polar"].set_color("0.7")
    if by is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.08, 1.08), title=by, frameon=False)
    ax.set_title(
        f"{agg} {value}" + (f" (per {subject})" if subject else ""),
        loc="left",
        fontsize="small",
        color="0.3",
    )
    return ax
