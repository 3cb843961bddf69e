"""embed: expression space maps (PCA) of spans or groups."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._contract import wide_column
from humeresearch._groups import factorize_sorted, first_index, row_key
from humeresearch._tables import TableLike, as_long, check_option, tidy_categories
from humeresearch.aggregate._common import as_by, select_family, span_columns
from humeresearch.aggregate._summarize import summarize


@dataclass(frozen=True)
class Embedding:
    """Coordinates of spans or groups in an expression space.

    Attributes
    ----------
    coords : DataFrame
        One row per span (its keys, ``begin``, ``end``) or group (the ``by``
        columns), then ``dim1``, ``dim2``, ...
    loadings : DataFrame
        Index: the expression names; columns ``dim1``...: the principal axes
        (unit-length eigenvectors of the covariance matrix, like scikit-learn's
        ``components_.T``), signed so that each axis's largest-magnitude loading
        is positive.
    explained : ndarray
        Fraction of the total variance explained by each dimension.
    method : str
        The method used (``"pca"``).
    """

    coords: pd.DataFrame
    loadings: pd.DataFrame
    explained: np.ndarray
    method: define.EmbedMethod


def _matrix(
    long: pd.DataFrame, rows: list[str], carry: list[str]
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """One row per value of ``rows``, one column per (family, name) present."""
    rkey, _ = factorize_sorted(row_key(long, rows)[0])
    ckey, parts = row_key(long, ["family", "name"])
    used, col = np.unique(ckey, return_inverse=True)
    col = col.reshape(-1)
    n_rows = int(rkey.max()) + 1 if len(rkey) else 0
    flat = rkey * len(used) + col
    if len(np.unique(flat)) != len(flat):
        raise ValueError("embed: several rows share one (row, name); aggregate first or pass by=")
    matrix = np.full((n_rows, len(used)), np.nan)
    matrix[rkey, col] = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    keys = long.iloc[first_index(rkey, n_rows)][[*rows, *carry]].reset_index(drop=True)
    (fcodes, funiq), (ncodes, nuniq) = parts
    first_of_col = first_index(col, len(used))
    families = [str(funiq[fcodes[i]]) for i in first_of_col]
    names = [str(nuniq[ncodes[i]]) for i in first_of_col]
    if len(set(families)) > 1:
        names = [wide_column(f, nm) for f, nm in zip(families, names)]
    return keys, matrix, names


def _complete(x: np.ndarray, keys: pd.DataFrame, names: list[str], fill: float | None):
    """The matrix with missing scores filled, or a ValueError without ``fill``."""
    if not np.isnan(x).any():
        return x
    if fill is None:
        r, c = np.argwhere(np.isnan(x))[0]
        raise ValueError(
            f"embed: {int(np.isnan(x).sum())} (row, name) scores are missing, e.g. "
            f"{names[c]!r} for {keys.iloc[r].to_dict()}; pass fill=0.0 to treat "
            "them as 0 (sparse v1 output) or select complete rows"
        )
    return np.where(np.isnan(x), float(fill), x)


def _pca(x: np.ndarray, n: int, scale: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Coordinates, signed unit axes and explained variance of the first ``n`` axes."""
    centred = x - x.mean(axis=0)
    if scale:
        sd = centred.std(axis=0)
        centred = centred / np.where(sd > 0, sd, 1.0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:n].T
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), np.arange(n)])
    axes = axes * np.where(signs == 0, 1.0, signs)
    total = float((s**2).sum())
    explained = (s[:n] ** 2) / total if total > 0 else np.zeros(n)
    return centred @ axes, axes, explained


def embed(
    data: TableLike,
    *,
    method: define.EmbedMethod = "pca",
    n: int = 2,
    by: str | Sequence[str] | None = None,
    family: define.Family | Sequence[define.Family] | None = "emotion",
    scale: bool = False,
    fill: float | None = None,
) -> Embedding:
    """Map spans or groups into a low-dimensional expression space ("semantic space").

    The matrix has one row per span (``by=None``) or per group (the duration-weighted
    :func:`humeresearch.summarize` mean of each name) and one column per name of
    ``family``. PCA centres the columns (and scales them to unit variance with
    ``scale=True``) and projects the rows on the first ``n`` principal axes.

    Parameters
    ----------
    data : TableLike
        Long table or any long-shaped output.
    method : {"pca"}, default "pca"
        Embedding method (:data:`humeresearch.define.EMBED_METHODS`).
    n : int, default 2
        Number of dimensions (at most the number of names and of rows).
    by : str or sequence of str, optional
        One row per value of these columns (the group means). ``None`` (default):
        one row per span, the finest grouping (the keys
        :data:`humeresearch.define.SERIES_KEYS` plus ``span_id``, and
        ``from_model``, ``from_track`` and ``event`` where present). ``()``: one
        row, the means over all the data.
    family : str, list of str or None, default "emotion"
        Which scores are the dimensions: one family, several, or ``None`` for every
        family. With several families the dimensions are named as the columns of
        the contract's wide table (``Joy``, ``facs:AU1 ...``).
    scale : bool, default False
        Standardise each name before PCA (correlation instead of covariance).
    fill : float, optional
        Value for a missing (span, name) score (v1 outputs are sparse: an absent
        name was below the API's threshold, so ``fill=0.0`` is usual). Without it,
        missing scores raise.

    Returns
    -------
    Embedding
        ``coords``, ``loadings``, ``explained``, ``method`` (see :class:`Embedding`).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face",
    ...     "track": "face_0", "span_id": [0, 0, 1, 1, 2, 2], "begin": [0.0, 0.0, 1.0, 1.0, 2.0, 2.0],
    ...     "end": [0.0, 0.0, 1.0, 1.0, 2.0, 2.0], "family": "emotion",
    ...     "name": ["Joy", "Calmness"] * 3, "score": [0.1, 0.2, 0.3, 0.6, 0.5, 1.0]})
    >>> e = hr.embed(long, n=1)
    >>> e.loadings.round(3).to_dict()
    {'dim1': {'Joy': 0.447, 'Calmness': 0.894}}
    >>> e.coords["dim1"].round(3).tolist(), e.explained.round(3).tolist()
    ([-0.447, 0.0, 0.447], [1.0])
    """
    check_option(method, define.EMBED_METHODS, name="method", func="embed")
    long = select_family(as_long(data, func="embed", name="data"), family, "embed")
    if by is None:
        keys, x, names = _matrix(long, span_columns(long), ["begin", "end"])
    else:
        group = as_by(by)
        keys, x, names = _matrix(summarize(long, by=group, agg="mean"), group, [])
    x = _complete(x, keys, names, fill)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= min(x.shape):
        raise ValueError(f"embed: n must be between 1 and {min(x.shape)} (names, rows); got {n!r}")
    coords, axes, explained = _pca(x, int(n), scale)
    dims = [f"dim{i + 1}" for i in range(int(n))]
    coords = tidy_categories(pd.concat([keys, pd.DataFrame(coords, columns=dims)], axis=1))
    loadings = pd.DataFrame(axes, index=pd.Index(names, name="name"), columns=dims)
    return Embedding(coords=coords, loadings=loadings, explained=explained, method=method)
