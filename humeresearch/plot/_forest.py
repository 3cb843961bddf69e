"""``forest`` and ``volcano``: the results of ``compare`` / ``mixed`` per expression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.lines import Line2D
from matplotlib.transforms import blended_transform_factory

from humeresearch.plot._common import (
    as_list,
    darker,
    expression_colors,
    fmt_p,
    new_axes,
    pretty_effect,
    require,
    spread_labels,
)
from humeresearch.plot._docs import fill

_NEUTRAL = (0.25, 0.25, 0.25)
_NS = (0.72, 0.72, 0.72)


def _effect_column(results: pd.DataFrame, effect: str | None, func: str) -> str:
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"{func}: results must be a DataFrame; got {type(results).__name__}")
    if effect is not None:
        require(results, [effect], func, "results")
        return effect
    for column in ("effect", "estimate"):
        if column in results.columns:
            return column
    raise ValueError(
        f"{func}: results has neither an 'effect' (compare) nor an 'estimate' (mixed) "
        f"column; pass effect=. It has {list(results.columns)}"
    )


def _terms(results: pd.DataFrame, term: str | Sequence[str] | None, func: str) -> pd.DataFrame:
    """Mixed-model results: drop the intercepts unless ``term`` asks for them."""
    if "term" not in results.columns:
        if term is not None:
            raise ValueError(f"{func}: term= given but results has no 'term' column")
        return results
    terms = results["term"].astype(str)
    if term is None:
        keep = terms.str.casefold() != "intercept"
    else:
        wanted = as_list(term) or []
        missing = [t for t in wanted if t not in set(terms)]
        if missing:
            raise ValueError(f"{func}: terms {missing} not in results; it has {sorted(set(terms))}")
        keep = terms.isin(wanted)
    return results[keep.to_numpy()]


def _unique(results: pd.DataFrame, column: str) -> Any:
    if column in results.columns and results[column].nunique(dropna=True) == 1:
        return results[column].dropna().iloc[0]
    return None


def _row_labels(results: pd.DataFrame, label: str | Sequence[str] | None) -> list[str]:
    if label is not None:
        cols = as_list(label) or []
        require(results, cols, "forest", "results")
    else:
        cols = [c for c in ("model", "family") if c in results and results[c].nunique() > 1]
        cols += [c for c in ("name",) if c in results]
        cols += [c for c in ("term",) if c in results and results[c].nunique() > 1]
    parts = [results[c].astype(str).to_numpy() for c in cols]
    if label is None and {"A", "B"} <= set(results.columns):
        pairs = results["A"].astype(str) + " vs " + results["B"].astype(str)
        if pairs.nunique() > 1:
            parts.append(pairs.to_numpy())
    if not parts:
        return [str(i) for i in results.index]
    return [" \u00b7 ".join(row) for row in zip(*parts)]


def _axis_label(results: pd.DataFrame, effect: str) -> str:
    kind = _unique(results, "effect_type")
    text = pretty_effect(kind) if kind is not None else effect
    a, b = _unique(results, "A"), _unique(results, "B")
    if a is not None and b is not None:
        text += f" ({a} \u2212 {b})"
    term = _unique(results, "term")
    if term is not None and effect == "estimate":
        text += f": {term}"
    return text


def _significant(results: pd.DataFrame, p: str, alpha: float, func: str) -> np.ndarray:
    if not 0 < alpha < 1:
        raise ValueError(f"{func}: alpha must be between 0 and 1; got {alpha!r}")
    require(results, [p], func, "results")
    return results[p].to_numpy(np.float64, na_value=np.nan) < alpha


def _colors(results: pd.DataFrame, palette: Mapping[str, Any] | None) -> list[Any]:
    if "name" not in results.columns:
        return [_NEUTRAL] * len(results)
    names = results["name"].astype(str).tolist()
    table = expression_colors(list(dict.fromkeys(names)), palette)
    return [table[n] for n in names]


def _num(value: float) -> str:
    """Two decimals, a space for the sign of positive numbers, no "-0.00"."""
    text = f"{value: .2f}" if np.isfinite(value) else "   NA"
    return " 0.00" if text == "-0.00" else text


def _legend_text(results: pd.DataFrame, p: str, alpha: float) -> str:
    corr = _unique(results, "correction")
    text = f"{p} < {fmt_p(alpha)}"
    return text + (f" ({corr})" if corr is not None and p == "p_adj" else "")


@fill
def forest(
    results: pd.DataFrame,
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
    results : DataFrame
        One row per comparison.
    %(effect)s
    ci : (str, str), default ("ci_low", "ci_high")
        Columns of the interval bounds.
    %(results_p)s
    %(alpha)s
    label : str or sequence of str, optional
        Columns that name a row. Default: ``name``, preceded by ``model`` and
        ``family`` when they vary, followed by ``term`` (mixed) or ``A vs B``
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
    >>> res = pd.DataFrame({"name": ["Joy", "Anger", "Calmness"], "A": "control",
    ...     "B": "treatment", "effect": [-0.9, 0.1, 0.3], "effect_type": "hedges_g",
    ...     "ci_low": [-1.6, -0.5, -0.3], "ci_high": [-0.2, 0.7, 0.9],
    ...     "p_adj": [0.03, 0.7, 0.5], "correction": "fdr_bh"})
    >>> ax = hr.plot.forest(res)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['Joy', 'Anger', 'Calmness']
    >>> ax.get_xlabel()
    "Hedges' g (control \u2212 treatment)"
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    func = "forest"
    column = _effect_column(results, effect, func)
    require(results, list(ci), func, "results")
    table = _terms(results, term, func)
    eff = table[column].to_numpy(np.float64, na_value=np.nan)
    table = table[np.isfinite(eff)]
    if table.empty:
        raise ValueError(f"{func}: no row with a finite {column!r} to draw")
    if sort:
        table = table.iloc[np.argsort(table[column].to_numpy(np.float64), kind="stable")]
    else:
        table = table.iloc[::-1]
    eff = table[column].to_numpy(np.float64)
    lo = table[ci[0]].to_numpy(np.float64, na_value=np.nan)
    hi = table[ci[1]].to_numpy(np.float64, na_value=np.nan)
    sig = _significant(table, p, alpha, func)
    colors = _colors(table, palette)
    n = len(table)
    y = np.arange(n, dtype=np.float64)
    labels = _row_labels(table, label)
    # room for the longest label and the value column, so the axes never collapse
    longest = max((len(str(t)) for t in labels), default=0)
    width = 3.0 + 0.068 * longest + (1.9 if values else 0.0)
    ax = new_axes(ax, figsize, (max(5.0, width), 0.9 + 0.24 * n), func)

    ax.axvline(null, color="0.45", lw=0.8, ls="--", zorder=1)
    line_colors = [c if s else _NS for c, s in zip(colors, sig)]
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
    ax.set_yticks(y, labels)
    ax.set_ylim(-0.7, n - 0.3)
    span = np.concatenate([eff, lo[ok], hi[ok], [null]])
    pad = 0.05 * (span.max() - span.min() or 1.0)
    ax.set_xlim(span.min() - pad, span.max() + pad)
    ax.set_xlabel(_axis_label(table, column))
    ax.spines[["top", "right", "left"]].set_visible(False)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="y", color="0.93", lw=0.6, zorder=0)
    if values:
        trans = blended_transform_factory(ax.transAxes, ax.transData)
        for yi, e, a, b in zip(y, eff, lo, hi):
            ax.text(
                1.02,
                yi,
                f"{_num(e)} [{_num(a)}, {_num(b)}]",
                transform=trans,
                va="center",
                fontsize="small",
                family="monospace",
            )
        ax.text(
            1.02,
            n - 0.45,
            "effect [CI]",
            transform=trans,
            va="bottom",
            fontsize="small",
            color="0.35",
            family="monospace",
        )
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            ls="-",
            color=_NEUTRAL,
            mfc=_NEUTRAL,
            lw=1.6,
            label=_legend_text(table, p, alpha),
        ),
        Line2D(
            [],
            [],
            marker="o",
            ls="-",
            color=_NS,
            mfc="white",
            mec=_NEUTRAL,
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
    return ax


@fill
def volcano(
    results: pd.DataFrame,
    *,
    effect: str | None = None,
    p: str = "p_adj",
    alpha: float = 0.05,
    label: int | bool | Sequence[str] = 10,
    term: str | Sequence[str] | None = None,
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
    results : DataFrame
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
    func = "volcano"
    column = _effect_column(results, effect, func)
    table = _terms(results, term, func)
    require(table, [p], func, "results")
    eff = table[column].to_numpy(np.float64, na_value=np.nan)
    pv = table[p].to_numpy(np.float64, na_value=np.nan)
    ok = np.isfinite(eff) & np.isfinite(pv)
    table, eff, pv = table[ok], eff[ok], pv[ok]
    if table.empty:
        raise ValueError(f"{func}: no row with a finite {column!r} and {p!r}")
    zero = pv <= 0
    floor = pv[~zero].min() / 10 if (~zero).any() else 1e-16
    height = -np.log10(np.where(zero, floor, pv))
    sig = _significant(table, p, alpha, func)
    colors = _colors(table, palette)
    ax = new_axes(ax, figsize, (4.6, 3.6), func)
    ax.axhline(-np.log10(alpha), color="0.45", lw=0.8, ls="--", zorder=1)
    ax.axvline(0.0, color="0.75", lw=0.8, zorder=1)
    ns = ~sig
    ax.scatter(eff[ns & ~zero], height[ns & ~zero], s=14, color=_NS, lw=0, zorder=2)
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
        ax.scatter(eff[ns & zero], height[ns & zero], s=18, color=_NS, marker="^", zorder=2)
    names = np.asarray(_row_labels(table, None), dtype=object)
    if label is True:
        pick = np.flatnonzero(sig)
    elif label is False:
        pick = np.array([], dtype=int)
    elif isinstance(label, int | np.integer):
        idx = np.flatnonzero(sig)
        pick = idx[np.lexsort((-np.abs(eff[idx]), pv[idx]))][: max(int(label), 0)]
    else:
        wanted = set(map(str, label))
        pick = np.flatnonzero([n in wanted for n in names])
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
    ax.set_xlabel(_axis_label(table, column))
    ax.set_ylabel(r"$-\log_{10}$(" + p + ")")
    ax.spines[["top", "right"]].set_visible(False)
    spread_labels(ax, texts)  # once the limits are final
    return ax
