"""Significance marks (brackets and stars) from a ``compare`` result on ``distribution``."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from humeresearch._tables import TableLike, as_frame, require_columns

#: the width seaborn gives the dodged hue levels of one ``x`` level, per kind.
_WIDTH = {"violin": 0.8, "box": 0.7, "strip": 0.8, "point": 0.4}
#: (upper bound of p, stars), first match wins.
STARS = ((0.001, "***"), (0.01, "**"), (0.05, "*"))


def stars(p: float) -> str:
    """``***`` (p < .001), ``**`` (< .01), ``*`` (< .05), "" otherwise."""
    for bound, text in STARS:
        if p < bound:
            return text
    return ""


def mark_rows(marks: TableLike, p: str, func: str) -> pd.DataFrame:
    """The pairwise rows of a ``compare`` result with their stars (significant rows only)."""
    table = as_frame(marks, func=func)
    require_columns(table, ["reference", "other", p], func=func, name="marks")
    if "kind" in table.columns:
        table = table[(table["kind"].astype(str) == "pairwise").to_numpy()]
    pv = table[p].to_numpy(np.float64, na_value=np.nan)
    text = np.array([stars(v) if np.isfinite(v) else "" for v in pv], dtype=object)
    return table.assign(_stars=text)[text != ""]


def _positions(
    x_levels: Sequence[str], hue_levels: Sequence[str] | None, kind: str
) -> dict[tuple[str, str | None], float]:
    """x coordinate of every (x level, hue level) as seaborn dodges them."""
    if hue_levels is None:
        return {(x, None): float(i) for i, x in enumerate(x_levels)}
    w, n = _WIDTH.get(kind, 0.8), len(hue_levels)
    return {
        (x, h): i + w / n * (k + 0.5) - w / 2
        for i, x in enumerate(x_levels)
        for k, h in enumerate(hue_levels)
    }


def draw_marks(
    ax: Axes,
    table: pd.DataFrame,
    rows: pd.DataFrame,
    *,
    x: str,
    value: str,
    hue: str | None,
    x_levels: Sequence[str],
    hue_levels: Sequence[str] | None,
    kind: str,
) -> int:
    """Brackets over the compared levels with their stars; return how many were drawn.

    With ``hue`` the compared levels are ``hue`` levels inside each ``x`` level (the
    mark rows matched on their ``x`` column, e.g. ``name``); without, ``x`` levels.
    """
    pos = _positions(x_levels, hue_levels, kind)
    vals = table[value].to_numpy(np.float64)
    ymin, ymax = float(np.nanmin(vals)), float(np.nanmax(vals))
    step = 0.07 * ((ymax - ymin) or 1.0)
    tops = table.groupby(table[x].astype(str), observed=True)[value].max().to_dict()
    stack: dict[str, int] = {}
    drawn = 0
    for _, row in rows.iterrows():
        ref, other = str(row["reference"]), str(row["other"])
        if hue is not None:
            if x not in row.index or str(row[x]) not in x_levels:
                continue
            group = str(row[x])
            a, b = pos.get((group, ref)), pos.get((group, other))
            top = float(tops.get(group, ymax))
        else:
            group = ""
            a, b = pos.get((ref, None)), pos.get((other, None))
            top = max(float(tops.get(ref, ymax)), float(tops.get(other, ymax)))
        if a is None or b is None:
            continue
        level = stack.get(group, 0)
        stack[group] = level + 1
        y = (top if hue is not None else ymax) + step * (level + 0.6)
        ax.plot([a, a, b, b], [y - step * 0.25, y, y, y - step * 0.25], color="0.2", lw=0.8)
        ax.text((a + b) / 2, y, row["_stars"], ha="center", va="bottom", fontsize="small")
        drawn += 1
    if drawn:
        low, high = ax.get_ylim()
        ax.set_ylim(low, max(high, ymax + step * (max(stack.values()) + 1.2)))
    return drawn
