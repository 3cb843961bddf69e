"""``interaction``: condition means with 95% CIs of a factorial design, one line per level."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from scipy import stats

from humeresearch._tables import TableLike
from humeresearch.define import Family
from humeresearch.plot._common import frame_of, keep_family, match_names, new_axes
from humeresearch.plot._docs import fill
from humeresearch.plot._facets import levels
from humeresearch.plot._palette import group_palette

FUNC = "interaction"


def _cells(table: pd.DataFrame, x: str, hue: str, value: str, subject: str | None) -> pd.DataFrame:
    """Mean, n and 95% CI half-width per (x, hue) cell, over subject means with ``subject``."""
    if subject is not None:
        table = table.groupby([x, hue, subject], observed=True)[value].mean().reset_index()
    grouped = table.groupby([x, hue], observed=True)[value]
    out = grouped.agg(["mean", "std", "count"]).reset_index()
    n = out["count"].to_numpy(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = stats.t.ppf(0.975, np.maximum(n - 1, 1))
        half = np.where(n > 1, t * out["std"].to_numpy(np.float64) / np.sqrt(n), np.nan)
    return out.assign(ci=half)


def _selected(
    data: TableLike,
    x: str,
    hue: str,
    value: str,
    subject: str | None,
    name: str | None,
    family: str | Sequence[str] | None,
) -> pd.DataFrame:
    """The finite rows of the one expression drawn."""
    needed = [c for c in (x, hue, value, subject) if c is not None]
    if len(set(needed)) != len(needed):
        raise ValueError(f"{FUNC}: x, hue, value and subject must be different columns")
    table = frame_of(data, needed, FUNC)
    if "name" in table.columns:
        table = keep_family(table, family, FUNC)
        names = list(pd.unique(table["name"].dropna()))
        if name is None and len(names) > 1:
            raise ValueError(
                f"{FUNC}: the data holds {len(names)} expressions; pick one with name= "
                f"(first: {sorted(map(str, names))[:8]})"
            )
        if name is not None:
            chosen = match_names(names, name, FUNC)
            table = table[table["name"].isin(chosen).to_numpy()]
    elif name is not None:
        raise ValueError(f"{FUNC}: name= given but the data has no 'name' column")
    table = table[np.isfinite(table[value].to_numpy(np.float64, na_value=np.nan))]
    if table.empty:
        raise ValueError(f"{FUNC}: no finite values of {value!r} to draw")
    return table


@fill
def interaction(
    data: TableLike,
    *,
    x: str,
    hue: str,
    value: str = "score",
    subject: str | None = None,
    name: str | None = None,
    family: Family | Sequence[Family] | None = "emotion",
    order: Sequence[Any] | None = None,
    hue_order: Sequence[Any] | None = None,
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Interaction plot of a factorial design: cell means ± 95%% CI, a line per ``hue`` level.

    The companion of a two-way :func:`humeresearch.stats.anova`: for one
    expression, the mean of ``value`` in every (``x``, ``hue``) cell with its 95%%
    t confidence interval, the cells of one ``hue`` level joined by a line (non-
    parallel lines are the interaction). With ``subject`` the rows are first
    reduced to one mean per subject and cell, so means and CIs are over subjects
    (the unit of analysis), not frames.

    Parameters
    ----------
    %(data_long)s
        Any table with the ``x``, ``hue``, ``value`` (and ``subject``) columns.
    x : str
        Factor on the x axis (e.g. ``"condition"``).
    hue : str
        Factor drawn as one line per level (e.g. ``"group"`` or ``"task"``).
    value : str, default "score"
        Numeric column.
    subject : str, optional
        Participant column: means and CIs over subject means.
    name : str, optional
        The expression to draw (needed when the data holds several), matched
        exactly, else case-insensitively.
    %(family)s
    order, hue_order : sequence, optional
        Order of the ``x`` and ``hue`` levels (default: categorical or sorted).
    palette : mapping, optional
        Colours of the ``hue`` levels (default: shades of slate).
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Notes
    -----
    The CIs are ``mean ± t(0.975, n - 1) sd / sqrt(n)`` per cell, between-subject
    intervals (for within-subject factors they are wider than the paired tests'
    uncertainty, as in pingouin's and seaborn's point plots).

    Examples
    --------
    >>> import humeresearch as hr
    >>> from humeresearch import testing
    >>> df = testing.study(subjects=8, conditions=("control", "low", "high"),
    ...                    names=("Joy",), trials=2, seed=0)
    >>> ax = hr.plot.interaction(df, x="condition", hue="trial", subject="participant")
    >>> [t.get_text() for t in ax.get_xticklabels()]
    ['control', 'low', 'high']
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['0', '1']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    table = _selected(data, x, hue, value, subject, name, family)
    x_levels = levels(table[x], order)
    hue_levels = levels(table[hue], hue_order)
    cells = _cells(table, x, hue, value, subject)
    colors = group_palette(hue_levels, overrides=palette)
    ax = new_axes(ax, figsize, (1.2 + 0.9 * len(x_levels), 3.0), FUNC)
    width = 0.12 * (len(hue_levels) > 1)
    offsets = np.linspace(-width, width, len(hue_levels)) if len(hue_levels) > 1 else [0.0]
    for level, dx in zip(hue_levels, offsets):
        sub = cells[(cells[hue] == level).to_numpy()].set_index(x).reindex(x_levels)
        xs = np.arange(len(x_levels)) + dx
        mean, ci = sub["mean"].to_numpy(np.float64), sub["ci"].to_numpy(np.float64)
        ax.errorbar(xs, mean, yerr=ci, color=colors[level], marker="o", ms=5, lw=1.4,
                    capsize=3, label=str(level))  # fmt: skip
    ax.set_xticks(np.arange(len(x_levels)), [str(v) for v in x_levels])
    ax.set_xlim(-0.5, len(x_levels) - 0.5)
    ax.set_xlabel(x)
    ax.set_ylabel(f"{value} (mean per {subject})" if subject is not None else value)
    expression = table["name"].iloc[0] if "name" in table.columns else None
    title = "mean and 95% CI" + (f" · {expression}" if expression is not None else "")
    ax.set_title(title, loc="right", fontsize="small", color="0.35")
    ax.legend(title=hue, frameon=False, loc="lower left", bbox_to_anchor=(0.0, 1.0),
              ncol=min(len(hue_levels), 4))  # fmt: skip
    ax.spines[["top", "right"]].set_visible(False)
    return ax
