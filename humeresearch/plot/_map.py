"""``expression_map``: the output of ``embed`` as a 2-D map with labelled loadings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.patches import FancyArrowPatch

from humeresearch._tables import require_columns
from humeresearch.aggregate import Embedding
from humeresearch.plot._common import (
    darker,
    expression_colors,
    match_names,
    new_axes,
    spread_labels,
)
from humeresearch.plot._docs import fill
from humeresearch.plot._palette import group_palette

FUNC = "expression_map"


def _parts(data: Any) -> tuple[pd.DataFrame, pd.DataFrame | None, np.ndarray | None, str]:
    """Coordinates, loadings, explained variance and method of an embedding (or coordinates)."""
    if isinstance(data, pd.DataFrame):
        return data, None, None, ""
    coords = getattr(data, "coords", None)
    if not isinstance(coords, pd.DataFrame):
        raise TypeError(
            f"{FUNC}: data must be the output of humeresearch.embed (with .coords, "
            f".loadings, .explained, .method) or a DataFrame of coordinates; got "
            f"{type(data).__name__}"
        )
    loadings = getattr(data, "loadings", None)
    explained = getattr(data, "explained", None)
    method = str(getattr(data, "method", "") or "")
    return coords, loadings, (None if explained is None else np.asarray(explained)), method


def _axis_label(column: str, coords_cols: list[str], explained: np.ndarray | None) -> str:
    dims = [c for c in coords_cols if c.startswith("dim")]
    if explained is None or column not in dims:
        return column
    i = dims.index(column)
    if i >= len(explained) or not np.isfinite(explained[i]):
        return column
    share = float(explained[i])
    share = share * 100 if np.nansum(explained) <= 1.0 + 1e-9 else share
    return f"{column} ({share:.1f}% of variance)"


def _draw_points(
    ax: Axes,
    px: np.ndarray,
    py: np.ndarray,
    hv: pd.Series | None,
    hue: str | None,
    palette: Mapping[Any, Any] | None,
) -> None:
    """The embedded rows, coloured by ``hue``: groups with a legend, numbers with a colour bar."""
    n = len(px)
    size, alpha = (20, 0.85) if n <= 500 else (7, 0.55) if n <= 5000 else (2, 0.35)
    raster = n > 5000
    if hv is None:
        ax.scatter(px, py, s=size, color="#2f4466", alpha=alpha, lw=0, rasterized=raster)
        return
    if pd.api.types.is_numeric_dtype(hv) and hv.nunique() > 10:
        pts = ax.scatter(
            px,
            py,
            s=size,
            c=hv.to_numpy(np.float64),
            cmap="mako_r",
            alpha=alpha,
            lw=0,
            rasterized=raster,
        )
        ax.figure.colorbar(pts, ax=ax, shrink=0.7, label=hue)
        return
    lv = list(pd.unique(hv.dropna()))
    if isinstance(hv.dtype, pd.CategoricalDtype):
        lv = [c for c in hv.cat.categories if c in set(lv)]
    colors = (
        expression_colors(lv, palette) if hue == "name" else group_palette(lv, overrides=palette)
    )
    for level in lv:
        m = (hv == level).to_numpy(dtype=bool, na_value=False)
        ax.scatter(
            px[m],
            py[m],
            s=size,
            color=colors[level],
            alpha=alpha,
            label=str(level),
            rasterized=raster,
            edgecolors="white",
            linewidths=0.4 if n <= 500 else 0,
        )
    ax.legend(
        title=hue,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        markerscale=max(1.0, 20 / size) ** 0.5,
    )


def _arrows(
    loadings: pd.DataFrame,
    x: str,
    y: str,
    n_loadings: int,
    name: str | Sequence[str] | None,
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The expression labels, the loadings in the plane and the positions of the arrows."""
    require_columns(loadings, [x, y], func=FUNC, name="data.loadings")
    lx = loadings[x].to_numpy(np.float64, na_value=np.nan)
    ly = loadings[y].to_numpy(np.float64, na_value=np.nan)
    labels = [str(i) for i in loadings.index]
    norm = np.hypot(lx, ly)
    if name is not None:
        chosen = match_names(labels, name, FUNC)
        idx = [labels.index(c) for c in chosen]
    else:
        idx = [int(i) for i in np.argsort(-np.nan_to_num(norm, nan=-1), kind="stable")]
        idx = [i for i in idx if np.isfinite(norm[i])][: int(n_loadings)]
    return labels, lx, ly, np.asarray(idx, dtype=int)


def _draw_arrow(ax: Axes, tip: np.ndarray, label: str, color: Any) -> Any:
    """One arrow from the origin to ``tip``, labelled beyond its tip; return the label."""
    ax.update_datalim([tuple(tip * 1.15), (0.0, 0.0)])  # arrows stay inside
    ax.add_patch(
        FancyArrowPatch(
            (0, 0),
            tuple(tip),
            arrowstyle="-|>",
            color=color,
            lw=1.4,
            shrinkA=0,
            shrinkB=0,
            mutation_scale=9,
            zorder=4,
        )
    )
    direction = tip / (np.hypot(*tip) or 1.0)
    dx, dy = direction
    return ax.annotate(
        label,
        xy=tip,
        xytext=direction * 5,
        textcoords="offset points",
        ha="left" if dx > 0.2 else "right" if dx < -0.2 else "center",
        va="bottom" if dy > 0.2 else "top" if dy < -0.2 else "center",
        fontsize="small",
        color=darker(color, 0.35),
        zorder=5,
        annotation_clip=False,
    )


def _draw_loadings(
    ax: Axes,
    loadings: pd.DataFrame,
    points: tuple[np.ndarray, np.ndarray],
    *,
    x: str,
    y: str,
    n_loadings: int,
    name: str | Sequence[str] | None,
    palette: Mapping[Any, Any] | None,
) -> list[tuple[Any, float]]:
    """Arrows of the chosen loadings, scaled by one factor to the cloud of points."""
    labels, lx, ly, idx = _arrows(loadings, x, y, n_loadings, name)
    if not len(idx):
        return []
    px, py = points
    reach = np.nanpercentile(np.hypot(px, py), 95) if len(px) else 1.0
    scale = 0.9 * (reach or 1.0) / np.nanmax(np.hypot(lx, ly)[idx])
    colors = expression_colors([labels[i] for i in idx], palette)
    texts: list[tuple[Any, float]] = []
    for i in idx:
        tip = np.array([lx[i], ly[i]]) * scale
        text = _draw_arrow(ax, tip, labels[i], colors[labels[i]])
        texts.append((text, 1.0 if tip[1] / (np.hypot(*tip) or 1.0) >= 0 else -1.0))
    return texts


@fill
def expression_map(
    data: Embedding | pd.DataFrame,
    *,
    x: str = "dim1",
    y: str = "dim2",
    hue: str | None = None,
    n_loadings: int = 8,
    name: str | Sequence[str] | None = None,
    palette: Mapping[Any, Any] | None = None,
    ax: Axes | None = None,
    figsize: tuple[float, float] | None = None,
) -> Axes:
    """The expression space of :func:`humeresearch.embed` as a 2-D map (a biplot).

    Points are the embedded rows (spans, bins, participants ...), coloured by
    ``hue``; arrows are the loadings of the expressions with the longest loading
    vectors in this plane, drawn from the origin in the expression's colour and
    labelled with its name. An arrow points where that expression increases; its
    length shows how strongly it shapes this plane. Arrows are rescaled by one
    common factor to fit the cloud of points (their relative lengths are kept);
    the axes have equal scales, so distances on the map are true distances.

    Parameters
    ----------
    data : Embedding or DataFrame
        The output of :func:`humeresearch.embed` (``coords``: key columns plus
        ``dim1, dim2, ...``; ``loadings``: one row per expression name, columns
        ``dim1, dim2, ...``; ``explained``: variance share per dimension;
        ``method``), or a DataFrame of coordinates alone (no arrows).
    x, y : str, default "dim1", "dim2"
        The dimensions on the axes.
    hue : str, optional
        Column of ``coords`` colouring the points: expression colours when it
        holds expression names (e.g. the dominant expression, ``hue="name"``),
        shades of slate for groups; a numeric column with more than 10 values
        gets a continuous colour map and a colour bar.
    n_loadings : int, default 8
        Number of loading arrows (the longest in the ``x``-``y`` plane); 0 for none.
    name : str or sequence of str, optional
        Draw the arrows of these expressions instead.
    palette : mapping, optional
        Colours for expression names (arrows, names as ``hue``) or ``hue`` levels.
    %(ax)s
    %(figsize)s

    Returns
    -------
    %(returns_ax)s

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> import humeresearch as hr
    >>> rng = np.random.default_rng(0)
    >>> coords = pd.DataFrame({"condition": np.repeat(["control", "treatment"], 20),
    ...     "dim1": rng.normal(size=40), "dim2": rng.normal(size=40)})
    >>> loadings = pd.DataFrame({"dim1": [0.7, -0.2, 0.1], "dim2": [0.1, 0.8, -0.3]},
    ...     index=["Joy", "Sadness", "Calmness"])
    >>> emb = hr.Embedding(coords=coords, loadings=loadings,
    ...     explained=np.array([0.4, 0.25]), method="pca")
    >>> ax = hr.plot.expression_map(emb, hue="condition")
    >>> ax.get_xlabel(), [t.get_text() for t in ax.texts]
    ('dim1 (40.0%% of variance)', ['Sadness', 'Joy', 'Calmness'])
    >>> import matplotlib.pyplot as plt; plt.close(ax.figure)
    """
    coords, loadings, explained, method = _parts(data)
    require_columns(coords, [x, y] + ([hue] if hue else []), func=FUNC, name="data.coords")
    if not isinstance(n_loadings, int | np.integer) or n_loadings < 0:
        raise ValueError(f"{FUNC}: n_loadings must be an int >= 0; got {n_loadings!r}")
    px = coords[x].to_numpy(np.float64, na_value=np.nan)
    py = coords[y].to_numpy(np.float64, na_value=np.nan)
    ok = np.isfinite(px) & np.isfinite(py)
    ax = new_axes(ax, figsize, (5.4 if hue else 4.6, 4.4), FUNC)
    _draw_points(ax, px[ok], py[ok], None if hue is None else coords[hue][ok], hue, palette)
    ax.axhline(0, color="0.85", lw=0.7, zorder=0)
    ax.axvline(0, color="0.85", lw=0.7, zorder=0)
    texts: list[tuple[Any, float]] = []
    if loadings is not None and (n_loadings > 0 or name is not None):
        texts = _draw_loadings(
            ax,
            loadings,
            (px[ok], py[ok]),
            x=x,
            y=y,
            n_loadings=n_loadings,
            name=name,
            palette=palette,
        )
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(_axis_label(x, list(coords.columns), explained))
    ax.set_ylabel(_axis_label(y, list(coords.columns), explained))
    if method:
        ax.set_title(
            method.upper() if len(method) <= 5 else method,
            loc="left",
            fontsize="small",
            color="0.3",
        )
    ax.spines[["top", "right"]].set_visible(False)
    ax.autoscale_view()
    if texts:
        ax.apply_aspect()  # final limits first, then move overlapping labels apart
        spread_labels(ax, texts)
    return ax
