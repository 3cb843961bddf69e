"""``forest``: effect sizes with confidence intervals, one row per expression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from humeresearch._tables import TableLike, as_frame, require_columns
from humeresearch.plot._common import darker, fmt_p, new_axes
from humeresearch.plot._docs import fill
from humeresearch.plot._facets import Facets, facet_axes, finish
from humeresearch.plot._results import (
    NEUTRAL,
    NS,
    axis_label,
    effect_column,
    keep_kind,
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
    kind: str | Sequence[str] | None = None,
) -> tuple[pd.DataFrame, str]:
    """The rows with a finite effect, bottom row first, and the effect column."""
    results = as_frame(data, func=FUNC)
    column = effect_column(results, effect, FUNC)
    require_columns(results, list(ci), func=FUNC)
    table = keep_terms(keep_kind(results, kind, FUNC), term, FUNC)
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
    y: np.ndarray | None = None,
) -> np.ndarray:
    """The no-effect line, the CIs and the markers; return which rows have a finite CI."""
    y = np.arange(len(eff), dtype=np.float64) if y is None else y
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


def _values_column(
    ax: Axes, eff: np.ndarray, lo: np.ndarray, hi: np.ndarray, y: np.ndarray | None = None
) -> None:
    """``effect [low, high]`` to the right of each row, under a header."""
    trans = blended_transform_factory(ax.transAxes, ax.transData)
    rows = range(len(eff)) if y is None else y
    top = len(eff) if y is None else int(np.max(y, initial=-1)) + 1
    for yi, e, a, b in zip(rows, eff, lo, hi):
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
        top - 0.45,
        "effect [CI]",
        transform=trans,
        va="bottom",
        fontsize="small",
        color="0.35",
        family="monospace",
    )


def _handles(text: str) -> list[Line2D]:
    """Significant (filled) and not significant (open, grey) legend markers."""
    return [
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


def _legend(ax: Axes, text: str) -> None:
    """The legend of :func:`_handles`, above the axes."""
    ax.legend(
        handles=_handles(text),
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncol=2,
        frameon=False,
        fontsize="small",
        handlelength=1.6,
    )


@dataclass
class _Options:
    """What every panel of a faceted forest plot shares."""

    column: str
    ci: tuple[str, str]
    p: str
    alpha: float
    label: str | Sequence[str] | None
    null: float
    values: bool
    palette: Mapping[str, Any] | None


def _order(table: pd.DataFrame, labels: list[str], column: str, sort: bool) -> dict[str, int]:
    """Line of each label, bottom first: by mean effect over the panels, or table order."""
    frame = pd.DataFrame({"label": labels, "effect": table[column].to_numpy(np.float64)})
    if sort:
        means = frame.groupby("label", sort=False)["effect"].mean()
        ordered = list(means.sort_values(kind="stable").index)
    else:
        ordered = list(dict.fromkeys(labels))[::-1]
    return {lab: i for i, lab in enumerate(ordered)}


def _faceted(
    table: pd.DataFrame,
    opt: _Options,
    sort: bool,
    col: str | None,
    row: str | None,
    ax: Any,
    figsize: tuple[float, float] | None,
) -> npt.NDArray[np.object_]:
    """One forest per facet on shared axes; the rows of one expression aligned."""
    facets = Facets.of(table, col, row, FUNC)
    masks = {cell: facets.mask(table, *cell) for cell in facets.cells()}
    labels = [""] * len(table)
    for mask in masks.values():
        for pos, text in zip(np.flatnonzero(mask), row_labels(table[mask], opt.label)):
            labels[pos] = text
    lines = _order(table, labels, opt.column, sort)
    n = len(lines)
    longest = max((len(t) for t in lines), default=0)
    panel = (max(3.2, 1.6 + 0.05 * longest + (1.9 if opt.values else 0.0)), 0.9 + 0.24 * n)
    axes = facet_axes(facets, ax, figsize, panel, FUNC)
    eff_all = table[opt.column].to_numpy(np.float64)
    lo_all = table[opt.ci[0]].to_numpy(np.float64, na_value=np.nan)
    hi_all = table[opt.ci[1]].to_numpy(np.float64, na_value=np.nan)
    empty = set()
    for cell, mask in masks.items():
        panel_ax: Axes = axes[cell]
        if not mask.any():
            empty.add(cell)
            continue
        sub = table[mask]
        y = np.array([lines[labels[i]] for i in np.flatnonzero(mask)], dtype=np.float64)
        sig = significant(sub, opt.p, opt.alpha, FUNC)
        args = (eff_all[mask], lo_all[mask], hi_all[mask])
        _draw_rows(panel_ax, *args, sig, row_colors(sub, opt.palette), opt.null, y)
        if opt.values:
            _values_column(panel_ax, *args, y)
        panel_ax.set_xlabel(axis_label(sub, opt.column))
        panel_ax.spines[["top", "right", "left"]].set_visible(False)
        panel_ax.tick_params(axis="y", length=0)
        panel_ax.grid(axis="y", color="0.93", lw=0.6, zorder=0)
    first: Axes = axes[0, 0]
    first.set_yticks(np.arange(n, dtype=np.float64), list(lines))
    first.set_ylim(-0.7, n - 0.3)
    ok = np.isfinite(lo_all) & np.isfinite(hi_all)
    span = np.concatenate([eff_all, lo_all[ok], hi_all[ok], [opt.null]])
    pad = 0.05 * (span.max() - span.min() or 1.0)
    first.set_xlim(span.min() - pad, span.max() + pad)
    finish(axes, facets, empty)
    first.figure.legend(
        handles=_handles(_legend_text(table, opt.p, opt.alpha)),
        loc="outside upper left", ncol=2, frameon=False, fontsize="small",
    )  # fmt: skip
    return axes


@overload
def forest(data: TableLike, *, col: None = None, row: None = None, **kwargs: Any) -> Axes: ...


@overload
def forest(
    data: TableLike, *, col: str, row: str | None = None, **kwargs: Any
) -> npt.NDArray[np.object_]: ...


@overload
def forest(
    data: TableLike, *, col: str | None = None, row: str, **kwargs: Any
) -> npt.NDArray[np.object_]: ...


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
    kind: str | Sequence[str] | None = None,
    null: float = 0.0,
    values: bool = False,
    col: str | None = None,
    row: str | None = None,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes | npt.NDArray[np.object_]:
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
    kind : str or sequence of str, optional
        Rows of these ``kind`` values of a ``compare`` result with omnibus rows.
        Default: ``"pairwise"`` (omnibus rows have no CI and another effect size).
    null : float, default 0.0
        Effect of no difference (dashed line).
    values : bool, default False
        Write ``effect [low, high]`` to the right of each row.
    col, row : str, optional
        Facet columns of ``data`` (e.g. ``"model"``, ``"other"``): one panel per
        value, on a shared effect axis and shared rows (an expression is on the
        same line in every panel, missing rows left blank).
    %(palette)s
    ax : matplotlib Axes, optional
        Axes to draw into (not with ``col``/``row``). Default: a new figure.
    %(figsize)s

    Returns
    -------
    Axes or numpy.ndarray of Axes
        The Axes drawn on; with ``col`` or ``row`` a 2-D array of Axes of shape
        ``(n_row_levels, n_col_levels)`` (as ``plt.subplots(squeeze=False)``), which
        does not render the figure twice at the end of a notebook cell.

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
    >>> axes = hr.plot.forest(res.assign(model=["face", "face", "prosody"]), col="model")
    >>> axes.shape, [a.get_title() for a in axes[0]]
    ((1, 2), ['model = face', 'model = prosody'])
    >>> import matplotlib.pyplot as plt; plt.close("all")
    """
    table, column = _rows(data, effect, ci, term, sort, kind)
    if col is not None or row is not None:
        opts = _Options(column, ci, p, alpha, label, null, values, palette)
        return _faceted(table, opts, sort, col, row, ax, figsize)
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
