"""The drawing of one ``distribution`` kind (violin, box, strip, point) with seaborn."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import seaborn as sns
from matplotlib.axes import Axes

from humeresearch.plot._common import ink


def contrast_inner(ax: Axes, lines: Sequence[Any], bodies: Sequence[Any]) -> None:
    """Quartile lines in black or white, whichever reads better on their violin."""
    for line in lines:
        x, y = line.get_xdata(), line.get_ydata()
        if len(x) == 0:
            continue
        mid = ax.transData.transform((float(np.mean(x)), float(np.mean(y))))
        for body in bodies:
            paths = body.get_paths()
            face = body.get_facecolor()
            if len(paths) and len(face) and paths[0].contains_point(mid, body.get_transform()):
                line.set_color(ink(face[0]))
                break


def draw_kind(ax: Axes, kind: str, common: dict[str, Any], dodge: bool, points: bool) -> bool:
    """Draw the violins, boxes, strips or points; return whether to overlay the values."""
    if kind == "violin":
        n_lines, n_bodies = len(ax.lines), len(ax.collections)
        sns.violinplot(
            **common,
            cut=0,
            inner="quart",
            linewidth=0.8,
            density_norm="width",
            dodge=dodge,
            saturation=1.0,
            linecolor="0.15",
        )
        contrast_inner(ax, ax.lines[n_lines:], ax.collections[n_bodies:])
        return points
    if kind == "box":
        with warnings.catch_warnings():  # seaborn 0.13 passes vert= to matplotlib >= 3.11
            warnings.filterwarnings("ignore", message="vert: bool was deprecated")
            sns.boxplot(
                **common,
                showfliers=not points,
                width=0.7,
                linewidth=0.8,
                dodge=dodge,
                saturation=1.0,
                fliersize=2,
            )
        return points
    if kind == "strip":
        sns.stripplot(**common, dodge=dodge, size=3, alpha=0.7, jitter=0.25)
        return False
    sns.pointplot(
        **common,
        dodge=0.4 if dodge else False,
        errorbar=("ci", 95),
        linestyle="none",
        capsize=0.15,
        markersize=5,
        err_kws={"linewidth": 1.2},
        seed=0,
    )
    return False
