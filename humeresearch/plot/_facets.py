"""``col=`` / ``row=`` faceting shared by ``distribution``, ``forest`` and ``timeline``.

A faceted figure has one panel per combination of the ``row`` and ``col`` values, on
shared scales, and is returned as a 2-D NumPy array of Axes (``(n_rows, n_cols)``,
as ``plt.subplots(squeeze=False)`` gives), which does not render the figure twice at
the end of a notebook cell.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import numpy.typing as npt
import pandas as pd
from matplotlib.axes import Axes

from humeresearch._tables import require_columns


def levels(series: pd.Series, given: Sequence[Any] | None) -> list[Any]:
    """Levels in the given, categorical, or sorted order (observed levels only)."""
    present = pd.unique(series.dropna())
    if given is not None:
        return [v for v in given if v in set(present)]
    if isinstance(series.dtype, pd.CategoricalDtype):
        seen = set(present)
        return [c for c in series.cat.categories if c in seen]
    try:
        return sorted(present)
    except TypeError:
        return list(present)


@dataclass
class Facets:
    """The panels of a faceted figure: the facet columns and their levels."""

    col: str | None
    row: str | None
    col_levels: list[Any]
    row_levels: list[Any]

    @classmethod
    def of(cls, table: pd.DataFrame, col: str | None, row: str | None, func: str) -> Facets:
        """Levels of ``col`` and ``row`` in categorical or sorted order."""
        given = [c for c in (col, row) if c is not None]
        if col is not None and col == row:
            raise ValueError(f"{func}: col and row must be different columns; got {col!r}")
        require_columns(table, given, func=func)
        col_levels = levels(table[col], None) if col is not None else [None]
        row_levels = levels(table[row], None) if row is not None else [None]
        return cls(col, row, col_levels, row_levels)

    @property
    def shape(self) -> tuple[int, int]:
        return len(self.row_levels), len(self.col_levels)

    def mask(self, table: pd.DataFrame, i: int, j: int) -> np.ndarray:
        """Rows of ``table`` in panel (``i``, ``j``); a table without a facet column is in all."""
        keep = np.ones(len(table), dtype=bool)
        for column, value in ((self.row, self.row_levels[i]), (self.col, self.col_levels[j])):
            if column is not None and column in table.columns:
                keep &= (table[column] == value).to_numpy(dtype=bool, na_value=False)
        return keep

    def cells(self) -> Iterator[tuple[int, int]]:
        for i in range(len(self.row_levels)):
            for j in range(len(self.col_levels)):
                yield i, j

    def title(self, i: int, j: int) -> str:
        parts = [
            f"{column} = {value}"
            for column, value in ((self.row, self.row_levels[i]), (self.col, self.col_levels[j]))
            if column is not None
        ]
        return " \u00b7 ".join(parts)


def facet_axes(
    facets: Facets,
    ax: Any,
    figsize: tuple[float, float] | None,
    panel: tuple[float, float],
    func: str,
    *,
    sharey: bool | str = True,
) -> npt.NDArray[np.object_]:
    """A new constrained-layout figure with one panel per facet, shared x and y."""
    if ax is not None:
        raise ValueError(f"{func}: ax= cannot be combined with col= or row=; pass figsize=")
    n_rows, n_cols = facets.shape
    size = figsize or (panel[0] * n_cols, panel[1] * n_rows)
    _, axes = plt.subplots(
        n_rows, n_cols, figsize=size, layout="constrained", squeeze=False,
        sharex=True, sharey=sharey,
    )  # fmt: skip
    out = np.empty((n_rows, n_cols), dtype=object)
    for i, j in facets.cells():
        out[i, j] = axes[i, j]
    return out


def finish(axes: npt.NDArray[np.object_], facets: Facets, empty: set[tuple[int, int]]) -> None:
    """Panel titles; empty panels hidden; inner axis labels removed."""
    for i, j in facets.cells():
        ax: Axes = axes[i, j]
        ax.set_title(facets.title(i, j), fontsize="medium")
        if (i, j) in empty:
            ax.set_axis_off()
        if j > 0:
            ax.set_ylabel("")
        if i < axes.shape[0] - 1:
            ax.set_xlabel("")
