"""Coloured cells shared by ``heatmap`` and the matrices: colour-map choice and drawing."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.collections import QuadMesh
from matplotlib.colors import Colormap, Normalize

from humeresearch.plot._common import RASTER_ABOVE, ink


def choose_cmap(
    values: np.ndarray,
    cmap: str | Colormap | None,
    center: float | None,
    vmin: float | None,
    vmax: float | None,
    bad: Any = "0.93",
) -> tuple[Colormap, Normalize]:
    """Colour map and limits from the data range.

    Values on both sides of 0 (or an explicit ``center``): the diverging ``vlag``
    map, symmetric around the centre so that equal distances get equal colour
    strength. One-signed values: the sequential ``rocket_r`` (light = low) over the
    data range. Explicit ``cmap``, ``vmin`` or ``vmax`` win.
    """
    finite = values[np.isfinite(values)]
    lo = float(finite.min()) if finite.size else 0.0
    hi = float(finite.max()) if finite.size else 1.0
    if center is None and lo < 0 < hi:
        center = 0.0
    if center is not None:
        lim = max(abs(lo - center), abs(hi - center)) or 1.0
        lo, hi = center - lim, center + lim
        default = "vlag"
    else:
        default = "rocket_r"
        if hi <= lo:
            lo, hi = lo - 0.5, hi + 0.5
    lo = lo if vmin is None else float(vmin)
    hi = hi if vmax is None else float(vmax)
    chosen = cmap if cmap is not None else default
    cm = sns.color_palette(chosen, as_cmap=True) if isinstance(chosen, str) else chosen
    cm = cm.with_extremes(bad=bad)
    return cm, Normalize(vmin=lo, vmax=hi)


def draw_matrix(
    ax: Axes,
    values: np.ndarray,
    rows: Sequence[str],
    cols: Sequence[str] | None,
    *,
    cmap: Colormap,
    norm: Normalize,
    annot: bool,
    fmt: str,
    marks: np.ndarray | None = None,
    x_edges: np.ndarray | None = None,
    cbar: bool = True,
    cbar_label: str = "",
) -> QuadMesh:
    """``values`` (rows x cols) as coloured cells; NaN cells light grey, first row on top."""
    n_rows, n_cols = values.shape
    xe = np.arange(n_cols + 1) if x_edges is None else x_edges
    ye = np.arange(n_rows + 1)
    mesh = ax.pcolormesh(
        xe, ye, np.ma.masked_invalid(values), cmap=cmap, norm=norm, edgecolors="none"
    )
    mesh.set_rasterized(values.size > RASTER_ABOVE)
    ax.set_ylim(n_rows, 0)
    ax.set_yticks(np.arange(n_rows) + 0.5, list(rows))
    ax.tick_params(length=0)
    if x_edges is None:
        ax.set_xlim(0, n_cols)
        labels = list(cols or [])
        ax.set_xticks(np.arange(n_cols) + 0.5, labels)
        if any(len(str(c)) > 3 for c in labels):
            ax.tick_params(axis="x", labelrotation=45)
            for t in ax.get_xticklabels():
                t.set_ha("right")
                t.set_rotation_mode("anchor")
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    if annot:
        size = "x-small" if max(n_rows, n_cols) > 10 else "small"
        for i, j in zip(*np.nonzero(np.isfinite(values))):
            v = values[i, j]
            star = "*" if marks is not None and marks[i, j] else ""
            x = (xe[j] + xe[j + 1]) / 2
            ax.text(
                x,
                i + 0.5,
                f"{v:{fmt}}{star}",
                ha="center",
                va="center",
                fontsize=size,
                color=ink(cmap(norm(v))),
            )
    if cbar:
        bar = ax.figure.colorbar(mesh, ax=ax, shrink=0.8, pad=0.02, aspect=30)
        bar.set_label(cbar_label)
        bar.outline.set_visible(False)
    return mesh
