"""``forest``: effect sizes with confidence intervals, one row per expression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from humeresearch._tables import TableLike, as_frame, require_columns
from humeresearch.plot._common import darker, fmt_p, new_axes
from humeresearch.plot._docs import fill
from humeresearch.plot._results import (
    NEUTRAL,
    NS,
    axis_label,
    effect_column,
    keep_terms,
    row_colors,
    row_labels,
    significant,
    unique,
)

FUNC = "forest"


def _num(value: float) -> str:
    """Two decimals, a space for the sign of positive numbers, no "-0.00"."""
    text = f"{value: .2f}" if np.isfinite(value) else "   NA"
    return " 0.00" if text == "-0.00" else text


def _legend_text(table: pd.DataFrame, p: str, alpha: float) -> str:
    corr = unique(table, "correction")
    text = f"{p} < {fmt_p(alpha)}"
    return text + (f" ({corr})" if corr is not None and p == "p_adj" else "")


def _rows(
    data: TableLike,
    effect: str | None,
    ci: tuple[str, str],
    term: str | Sequence[str] | None,
    sort: bool,
) -> tuple[pd.DataFrame, str]:
    """The rows with a finite effect, bottom row first, and the effect column."""
    results = as_frame(data, func=FUNC)
    column = effect_column(results, effect, FUNC)
    require_columns(results, list(ci), func=FUNC)
    table = keep_terms(results, term, FUNC)
    eff = table[column].to_numpy(np.float64, na_value=np.nan)
    table = table[np.isfinite(eff)]
    if table.empty:
        raise ValueError(f"{FUNC}: no row with a finite {column!r} to draw")
    if sort:
        return table.iloc[np.argsort(table[column].to_numpy(np.float64), kind="stable")], column
    return table.iloc[::-1], column


def _draw_rows(
    ax: Axes,
    eff: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
    sig: np.ndarray,
    colors: list[Any],
    null: float,
) -> np.ndarray:
    """The no-effect line, the CIs and the markers; return which rows have a finite CI."""
    y = np.arange(len(eff), dtype=np.float64)
    ax.axvline(null, color="0.45", lw=0.8, ls="--", zorder=1)
    line_colors = [c if s else NS for c, s in zip(colors, sig)]
    ok = np.isfinite(lo) & np.isfinite(hi)
    segs = [[(lo[i], y[i]), (hi[i], y[i])] for i in np.flatnonzero(ok)]
    widths = [1.6 if sig[i] else 1.0 for i in np.flatnonzero(ok)]
    ax.add_collection(
        LineCollection(
            segs, colors=[line_colors[i] for i in np.flatnonzero(ok)], linewidths=widths, zorder=2
        )
    )
    face = [c if s else "white" for c, s in zip(colors, sig)]
    edge = [darker(c, 0.15) if s else c for c, s in zip(colors, sig)]
    ax.scatter(eff, y, s=30, c=face, edgecolors=edge, linewidths=1.2, zorder=3)
    return ok


def _values_column(ax: Axes, eff: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """``effect [low, high]`` to the right of each row, under a header."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    for yi, e, a, b in zip(range(len(eff)), eff, lo, hi):
        ax.text(
            1.02,
            float(yi),
            f"{_num(e)} [{_num(a)}, {_num(b)}]",
            transform=trans,
            va="center",
            fontsize="small",
            family="monospace",
        )
    ax.text(
        1.02,
        len(eff) - 0.45,
        "effect [CI]",
        transform=trans,
        va="bottom",
        fontsize="small",
        color="0.35",
        family="monospace",
    )


def _legend(ax: Axes, text: str) -> None:
    """Significant (filled) and not significant (open, grey) markers, above the axes."""
    handles = [
        Line2D([], [], marker="o", ls="-", color=NEUTRAL, mfc=NEUTRAL, lw=1.6, label=text),
        Line2D(
            [],
            [],
            marker="o",
            ls="-",
            color=NS,
            mfc="white",
            mec=NEUTRAL,
            lw=1.0,
            label="not significant",
        ),
    ]
    ax.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=2,
        frameon=False,
        fontsize="small",
        handlelength=1.6,
    )


@fill
def forest(
    data: TableLike,
    *,
    effect: str | None = None,
    ci: tuple[str, str] = ("ci_low", "ci_high"),
    p: str = "p_adj",
    alpha: float = 0.05,
    label: str | Sequence[str] | None = None,
    sort: bool = True,
    term: str | Sequence[str] | None = None,
    null: float = 0.0,
    values: bool = False,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Effect sizes with confidence intervals, one row per expression (a forest plot).

    Takes the output of :func:`humeresearch.compare` (``effect``, ``ci_low``,
    ``ci_high``, ``p_adj``) or :func:`humeresearch.mixed` (``estimate`` ...; the
    intercepts are left out unless ``term`` asks for them). Each row is a marker at
    the effect and a line over its CI, in the expression's colour; rows significant
    after correction (``p < alpha``) have filled markers and full-strength lines,
    the others open markers and grey lines. A dashed line marks no effect.

    Parameters
    ----------
    data : TableLike
        The results table: one row per comparison.
    %(effect)s
    ci : (str, str), default ("ci_low", "ci_high")
        Columns of the interval bounds.
    %(results_p)s
    %(alpha)s
    label : str or sequence of str, optional
        Columns that name a row. Default: ``name``, preceded by ``model`` and
        ``family`` when they vary, followed by ``term`` (mixed) or ``other vs reference``
        (compare) when several are present.
    sort : bool, default True
        Largest effect on top. ``False``: the table's order, first row on top.
    term : str or sequence of str, optional
        Fixed-effect terms to show (mixed results). Default: every term but the
        intercept.
    null : float, default 0.0
        Effect of no difference (dashed line).
    values : bool, default False
        Write ``effect [low, high]`` to the right of each row.
    %(palette)s
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Notes
    -----
    Rows whose effect is NaN (a degenerate comparison, see the ``note`` column of
    ``compare``) are left out.

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> res = pd.DataFrame({"name": ["Joy", "Anger", "Calmness"], "reference": "control",
    ...     "other": "treatment", "effect": [-0.9, 0.1, 0.3], "effect_type": "hedges_g",
    ...     "ci_low": [-1.6, -0.5, -0.3], "ci_high": [-0.2, 0.7, 0.9],
    ...     "p_adj": [0.03, 0.7, 0.5], "correction": "fdr_bh"})
    >>> ax = hr.plot.forest(res)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Joy', 'Anger', 'Calmness']
    >>> ax.get_xlabel()
    "Hedges' g (treatment \u2212 control)"
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    table, column = _rows(data, effect, ci, term, sort)
    eff = table[column].to_numpy(np.float64)
    lo = table[ci[0]].to_numpy(np.float64, na_value=np.nan)
    hi = table[ci[1]].to_numpy(np.float64, na_value=np.nan)
    sig = significant(table, p, alpha, FUNC)
    colors = row_colors(table, palette)
    n = len(table)
    labels = row_labels(table, label)
    # room for the longest label and the value column, so the axes never collapse
    longest = max((len(str(t)) for t in labels), default=0)
    width = 3.0 + 0.068 * longest + (1.9 if values else 0.0)
    ax = new_axes(ax, figsize, (max(5.0, width), 0.9 + 0.24 * n), FUNC)
    ok = _draw_rows(ax, eff, lo, hi, sig, colors, null)
    ax.set_yticks(np.arange(n, dtype=np.float64), labels)
    ax.set_ylim(-0.7, n - 0.3)
    span = np.concatenate([eff, lo[ok], hi[ok], [null]])
    pad = 0.05 * (span.max() - span.min() or 1.0)
    ax.set_xlim(span.min() - pad, span.max() + pad)
    ax.set_xlabel(axis_label(table, column))
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", color="0.93", lw=0.6, zorder=0)
    if values:
        _values_column(ax, eff, lo, hi)
    _legend(ax, _legend_text(table, p, alpha))
    return ax
