"""Name selection and small drawing helpers shared by the figures."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb

from humeresearch._tables import SPAN_LIKE, as_list, as_long, require_columns
from humeresearch.define import MODELS
from humeresearch.plot._palette import RGB, palette

#: Artists with more points or cells than this are rasterized (``rasterized=True``)
#: so PDF/SVG files stay small; text, axes and legends stay vector.
RASTER_ABOVE = 20_000


def keep_family(long: pd.DataFrame, family: str | Sequence[str] | None, func: str) -> pd.DataFrame:
    """Rows of the given families; raise when none of them is in the data."""
    families = as_list(family)
    if families is None or "family" not in long.columns:
        return long
    mask = long["family"].isin(families).to_numpy()
    if not mask.any() and len(long):
        present = sorted(map(str, pd.unique(long["family"].dropna())))
        raise ValueError(f"{func}: no rows of family {families}; the data has {present}")
    return long if mask.all() else long[mask]


def match_names(available: Sequence[str], names: str | Sequence[str], func: str) -> list[str]:
    """The spelling in ``available`` of each requested name (exact, else case-insensitive)."""
    if isinstance(names, str):
        names = [names]
    exact = set(available)
    folded = {str(a).casefold(): a for a in available}
    out, missing = [], []
    for name in names:
        if name in exact:
            out.append(name)
        elif str(name).casefold() in folded:
            out.append(folded[str(name).casefold()])
        else:
            missing.append(name)
    if missing:
        shown = sorted(map(str, available))[:12]
        more = "" if len(available) <= 12 else f" ... ({len(available)} names)"
        raise ValueError(f"{func}: name {missing} not in the data; it has {shown}{more}")
    return list(dict.fromkeys(out))


def weights(table: pd.DataFrame) -> np.ndarray:
    """Row weights for means over time: span duration, or 1 for instants and untimed rows."""
    if "begin" not in table.columns or "end" not in table.columns:
        return np.ones(len(table))
    dur = table["end"].to_numpy(np.float64, na_value=np.nan) - table["begin"].to_numpy(
        np.float64, na_value=np.nan
    )
    return np.where(np.isfinite(dur) & (dur > 0), dur, 1.0)


def rank_names(table: pd.DataFrame, value: str = "score") -> pd.Series:
    """Mean ``value`` per name (duration-weighted for spans), highest first."""
    score = table[value].to_numpy(np.float64, na_value=np.nan)
    w = weights(table)
    ok = np.isfinite(score)
    frame = pd.DataFrame({"name": table["name"].array[ok], "ws": score[ok] * w[ok], "w": w[ok]})
    sums = frame.groupby("name", observed=True, sort=False)[["ws", "w"]].sum()
    means = sums["ws"] / sums["w"]
    return means.sort_values(ascending=False, kind="stable")


def select_names(
    table: pd.DataFrame,
    names: str | Sequence[str] | None,
    top_k: int | None,
    func: str,
    value: str = "score",
) -> list[str]:
    """Requested names, or the ``top_k`` highest by mean (all when ``top_k`` is None)."""
    available = list(pd.unique(table["name"].dropna()))
    if names is not None:
        return match_names(available, names, func)
    ranked = rank_names(table, value)
    if top_k is None:
        return list(ranked.index)
    if not isinstance(top_k, int | np.integer) or top_k < 1:
        raise ValueError(f"{func}: top_k must be a positive int or None; got {top_k!r}")
    return list(ranked.index[: int(top_k)])


def expression_colors(names: Sequence[str], overrides: Mapping[str, Any] | None) -> dict[str, RGB]:
    """Colour per name from the session palette with user overrides."""
    return palette([str(n) for n in names], overrides=overrides)


def natural_key(text: object) -> list[Any]:
    """Sort key that orders ``face_2`` before ``face_10``."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", str(text))]


def model_key(model: object) -> tuple[int, str]:
    """Contract order of models (face, burst, prosody, language, ...), unknown ones last."""
    text = str(model)
    return (MODELS.index(text) if text in MODELS else len(MODELS), text)


def new_axes(
    ax: Axes | None, figsize: tuple[float, float] | None, default: tuple[float, float], func: str
) -> Axes:
    """``ax`` itself, or the Axes of a new constrained-layout figure."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"{func}: ax must be a matplotlib Axes; got {type(ax).__name__}")
        return ax
    fig = plt.figure(figsize=figsize or default, layout="constrained")
    return fig.add_subplot()


def ink(rgb: Sequence[float]) -> str:
    """Black or white, whichever reads better on a cell of colour ``rgb``."""
    lin = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(tuple(rgb[:3]))
    ]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    # WCAG: white has the higher contrast ratio below a relative luminance of 0.179
    return "white" if lum < 0.179 else "black"


def darker(rgb: Sequence[float], amount: float = 0.3) -> RGB:
    """``rgb`` mixed with black (text in an expression colour stays readable)."""
    r, g, b = to_rgb(tuple(rgb[:3]))
    return (r * (1 - amount), g * (1 - amount), b * (1 - amount))


def pretty_effect(effect_type: object) -> str:
    """Axis label of an effect-size type."""
    labels = {
        "hedges_g": "Hedges' g",
        "cohen_d_z": "Cohen's $d_z$",
        "cohen_d_av": "Cohen's $d_{av}$",
        "rank_biserial": "rank-biserial r",
    }
    return labels.get(str(effect_type), str(effect_type))


def fmt_p(alpha: float) -> str:
    """``.05`` style text for a significance level."""
    return f"{alpha:g}".lstrip("0") if 0 < alpha < 1 else f"{alpha:g}"


def frame_of(data: Any, needed: Sequence[str], func: str) -> pd.DataFrame:
    """A table with the ``needed`` columns: ``data`` itself (any table that has them, or
    that is no contract table), a Measurements' long table, or a wide table melted to long."""
    if isinstance(data, pd.DataFrame) and (
        all(c in data.columns for c in needed) or not set(SPAN_LIKE) <= set(data.columns)
    ):
        return require_columns(data, needed, func=func)
    return require_columns(as_long(data, func=func), needed, func=func)


def spread_labels(ax: Axes, texts: list[tuple[Any, float]]) -> None:
    """Move annotations that overlap an earlier one up (sign +1) or down (-1), a line at a time.

    ``texts`` holds (annotation with an offset in points, sign) pairs, most important first.
    """
    get = getattr(ax.figure.canvas, "get_renderer", None)
    if get is None:
        return
    renderer = get()
    placed: list[Any] = []
    for text, sign in texts:
        for _ in range(12):
            box = text.get_window_extent(renderer)
            if not any(box.overlaps(p) for p in placed):
                break
            step = box.height * 72.0 / ax.figure.dpi + 1.0
            text.xyann = (text.xyann[0], text.xyann[1] + sign * step)
        placed.append(text.get_window_extent(renderer))
