"""``volcano``: effect against -log10 p for every expression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.transforms import blended_transform_factory

from humeresearch._tables import TableLike, as_frame, require_columns
from humeresearch.plot._common import darker, fmt_p, new_axes, spread_labels
from humeresearch.plot._docs import fill
from humeresearch.plot._results import (
    NS,
    axis_label,
    effect_column,
    keep_kind,
    keep_terms,
    row_colors,
    row_labels,
    significant,
)

FUNC = "volcano"


def _points(
    data: TableLike,
    effect: str | None,
    p: str,
    term: str | Sequence[str] | None,
    kind: str | Sequence[str] | None,
) -> tuple[pd.DataFrame, str, np.ndarray, np.ndarray]:
    """The rows with a finite effect and p-value, the effect column, effects and p-values."""
    results = as_frame(data, func=FUNC)
    column = effect_column(results, effect, FUNC)
    table = keep_terms(keep_kind(results, kind, FUNC), term, FUNC)
    require_columns(table, [p], func=FUNC)
    eff = table[column].to_numpy(np.float64, na_value=np.nan)
    pv = table[p].to_numpy(np.float64, na_value=np.nan)
    ok = np.isfinite(eff) & np.isfinite(pv)
    table, eff, pv = table[ok], eff[ok], pv[ok]
    if table.empty:
        raise ValueError(f"{FUNC}: no row with a finite {column!r} and {p!r}")
    return table, column, eff, pv


def _draw_points(
    ax: Axes,
    eff: np.ndarray,
    height: np.ndarray,
    sig: np.ndarray,
    zero: np.ndarray,
    colors: list[Any],
) -> None:
    """Grey dots for the others, coloured ones for the significant; p = 0 as triangles."""
    ns = ~sig
    ax.scatter(eff[ns & ~zero], height[ns & ~zero], s=14, color=NS, lw=0, zorder=2)
    for mask, marker in ((sig & ~zero, "o"), (sig & zero, "^")):
        if mask.any():
            ax.scatter(
                eff[mask],
                height[mask],
                s=32,
                c=[colors[i] for i in np.flatnonzero(mask)],
                edgecolors="white",
                linewidths=0.5,
                marker=marker,
                zorder=3,
            )
    if (ns & zero).any():
        ax.scatter(eff[ns & zero], height[ns & zero], s=18, color=NS, marker="^", zorder=2)


def _pick(
    label: int | bool | Sequence[str],
    sig: np.ndarray,
    eff: np.ndarray,
    pv: np.ndarray,
    names: np.ndarray,
) -> np.ndarray:
    """Positions of the points to label (see ``label`` of :func:`volcano`)."""
    if label is True:
        return np.flatnonzero(sig)
    if label is False:
        return np.array([], dtype=int)
    if isinstance(label, int | np.integer):
        idx = np.flatnonzero(sig)
        return idx[np.lexsort((-np.abs(eff[idx]), pv[idx]))][: max(int(label), 0)]
    wanted = set(map(str, label))
    return np.flatnonzero([n in wanted for n in names])


def _annotate(
    ax: Axes,
    pick: np.ndarray,
    names: np.ndarray,
    eff: np.ndarray,
    height: np.ndarray,
    sig: np.ndarray,
    colors: list[Any],
) -> list[tuple[Any, float]]:
    """Name the picked points on their inner side; return the annotations."""
    texts = []
    for i in pick:
        right = eff[i] < 0  # labels point inwards, where the plot has room
        text = ax.annotate(
            names[i],
            (eff[i], height[i]),
            xytext=(4 if right else -4, 2),
            textcoords="offset points",
            ha="left" if right else "right",
            fontsize="small",
            color=darker(colors[i], 0.35) if sig[i] else "0.4",
        )
        texts.append((text, 1.0))
    return texts


@fill
def volcano(
    data: TableLike,
    *,
    effect: str | None = None,
    p: str = "p_adj",
    alpha: float = 0.05,
    label: int | bool | Sequence[str] = 10,
    term: str | Sequence[str] | None = None,
    kind: str | Sequence[str] | None = None,
    palette: Mapping[str, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """Effect against significance (-log10 p) for every expression (a volcano plot).

    Expressions significant after correction (``p < alpha``) are drawn in their
    colours and labelled on their inner side (overlapping labels moved apart), the
    others are small grey dots. A dashed horizontal line
    marks ``p = alpha``, a vertical one no effect. A p-value of exactly 0 (it
    happens with permutation-free exact tests or underflow) cannot be drawn on a log
    scale: it is put just above the smallest non-zero p-value, as a triangle.

    Parameters
    ----------
    data : TableLike
        The output of :func:`humeresearch.compare` or :func:`humeresearch.mixed`
        (intercepts left out unless ``term`` asks for them).
    %(effect)s
    %(results_p)s
    %(alpha)s
    label : int or bool or sequence of str, default 10
        Which points get their name (``model · name`` when several models are
        present): the ``label`` significant points with the smallest p-values
        (int), every significant one (``True``), none (``False``) or the points
        with these labels (significant or not).
    term : str or sequence of str, optional
        Fixed-effect terms to show (mixed results).
    kind : str or sequence of str, optional
        Rows of these ``kind`` values of a ``compare`` result with omnibus rows.
        Default: ``"pairwise"`` (the omnibus effect is another quantity, eta squared).
    %(palette)s
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> res = pd.DataFrame({"name": ["Joy", "Anger", "Calmness", "Awe"],
    ...     "effect": [-0.9, 0.1, 0.6, 0.0], "p_adj": [0.001, 0.7, 0.04, 1.0]})
    >>> ax = hr.plot.volcano(res)
    >>> sorted(t.get_text() for t in ax.texts if t.get_text() in {"Joy", "Calmness"})
    ['Calmness', 'Joy']
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    table, column, eff, pv = _points(data, effect, p, term, kind)
    zero = pv <= 0
    floor = pv[~zero].min() / 10 if (~zero).any() else 1e-16
    height = -np.log10(np.where(zero, floor, pv))
    sig = significant(table, p, alpha, FUNC)
    colors = row_colors(table, palette)
    ax = new_axes(ax, figsize, (4.6, 3.6), FUNC)
    ax.axhline(-np.log10(alpha), color="0.45", lw=0.8, ls="--", zorder=1)
    ax.axvline(0.0, color="0.75", lw=0.8, zorder=1)
    _draw_points(ax, eff, height, sig, zero, colors)
    names = np.asarray(row_labels(table, None), dtype=object)
    texts = _annotate(ax, _pick(label, sig, eff, pv, names), names, eff, height, sig, colors)
    ax.text(
        1.0,
        -np.log10(alpha),
        f"{p} = {fmt_p(alpha)}",
        transform=blended_transform_factory(ax.transAxes, ax.transData),
        ha="right",
        va="bottom",
        fontsize="x-small",
        color="0.4",
    )
    lim = np.nanmax(np.abs(eff)) * 1.15 or 1.0
    ax.set_xlim(-lim, lim)
    top = max(height.max(), -np.log10(alpha)) * 1.1
    ax.set_ylim(-0.02 * top, top)
    ax.set_xlabel(axis_label(table, column))
    ax.set_ylabel(r"$-\log_{10}$(" + p + ")")
    ax.spines[["top", "right"]].set_visible(False)
    spread_labels(ax, texts)  # once the limits are final
    return ax
