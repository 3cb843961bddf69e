"""embed and composite: expression space maps and user-defined composites."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch._contract import KEYS, split_wide_column
from humeresearch.clocks._common import as_long, check_choice, codes_of, combine, factorize_sorted
from humeresearch.clocks._rank import IDENTITY_EXTRAS, _select_family
from humeresearch.clocks._summarize import summarize


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
    method: str


def _matrix(
    long: pd.DataFrame, rows: list[str], carry: list[str]
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    parts = [codes_of(long[c]) for c in rows]
    rkey, _ = factorize_sorted(combine([c for c, _ in parts], [len(u) + 1 for _, u in parts]))
    ncodes, nuniq = codes_of(long["name"])
    used = np.unique(ncodes)
    col = np.searchsorted(used, ncodes)
    n_rows = int(rkey.max()) + 1 if len(rkey) else 0
    flat = rkey * len(used) + col
    if len(np.unique(flat)) != len(flat):
        raise ValueError("embed: several rows share one (row, name); aggregate first or pass by=")
    matrix = np.full((n_rows, len(used)), np.nan)
    matrix[rkey, col] = long["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    first = np.empty(n_rows, dtype=np.int64)
    first[rkey[::-1]] = np.arange(len(rkey))[::-1]
    keys = long.iloc[first][[*rows, *carry]].reset_index(drop=True)
    return keys, matrix, [str(nuniq[i]) for i in used]


def embed(
    data: Any,
    method: str = "pca",
    n: int = 2,
    *,
    by: Sequence[str] | None = None,
    family: str = "emotion",
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
    data : DataFrame or Measurements
        Long table or any long-shaped output.
    method : {"pca"}, default "pca"
        Embedding method.
    n : int, default 2
        Number of dimensions (at most the number of names and of rows).
    by : sequence of str, optional
        Group columns; ``None`` embeds every span.
    family : str, default "emotion"
        Which scores are the dimensions.
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
    check_choice(method, ("pca",), "method")
    long = _select_family(as_long(data, "data"), family)
    if by is None:
        rows = [*KEYS, *[c for c in IDENTITY_EXTRAS if c in long.columns]]
        keys, x, names = _matrix(long, rows, ["begin", "end"])
    else:
        by = [by] if isinstance(by, str) else list(by)
        means = summarize(long, by=by, stats=("mean",)).rename(columns={"value": "score"})
        keys, x, names = _matrix(means, by, [])
    if np.isnan(x).any():
        if fill is None:
            r, c = np.argwhere(np.isnan(x))[0]
            raise ValueError(
                f"embed: {int(np.isnan(x).sum())} (row, name) scores are missing, e.g. "
                f"{names[c]!r} for {keys.iloc[r].to_dict()}; pass fill=0.0 to treat "
                "them as 0 (sparse v1 output) or select complete rows"
            )
        x = np.where(np.isnan(x), float(fill), x)
    if not isinstance(n, int | np.integer) or n < 1 or n > min(x.shape):
        raise ValueError(f"n must be between 1 and {min(x.shape)} (names, rows); got {n!r}")
    centred = x - x.mean(axis=0)
    if scale:
        sd = centred.std(axis=0)
        centred = centred / np.where(sd > 0, sd, 1.0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:n].T
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), np.arange(n)])
    axes = axes * np.where(signs == 0, 1.0, signs)
    dims = [f"dim{i + 1}" for i in range(n)]
    total = float((s**2).sum())
    explained = (s[:n] ** 2) / total if total > 0 else np.zeros(n)
    coords = pd.concat([keys, pd.DataFrame(centred @ axes, columns=dims)], axis=1)
    loadings = pd.DataFrame(axes, index=pd.Index(names, name="name"), columns=dims)
    return Embedding(coords=coords, loadings=loadings, explained=explained, method=method)


def composite(
    data: Any,
    mapping: Mapping[str, Sequence[str]],
    how: str = "mean",
    *,
    missing: str = "raise",
) -> pd.DataFrame:
    """Scores of user-defined composites (groups of names) per span.

    humeresearch defines no official grouping of Hume's expressions; the mapping is
    yours. For illustration only (an **example**, not a validated grouping):
    ``{"positive": ["Joy", "Amusement", "Contentment"], "negative": ["Sadness",
    "Anger", "Fear"]}``. Members are names as in the data; other families use the
    wide-table prefix (``"facs:AU12 Lip Corner Puller"``).

    Parameters
    ----------
    data : DataFrame or Measurements
        Long table or any long-shaped output.
    mapping : dict of str to list of str
        Composite name -> member names.
    how : {"mean", "sum", "max"}, default "mean"
        How members are combined, over the members present for the span.
    missing : {"raise", "ignore"}, default "raise"
        Members that never occur in the data: raise (listing them) or ignore.

    Returns
    -------
    DataFrame
        Long-shaped, one row per (span, composite) with at least one member:
        the span's keys, ``begin``, ``end`` (and ``from_model``, ``from_track``,
        ``event`` where present), ``family`` = ``"composite"``, ``name`` = the
        composite, ``score``, and ``n_names`` (members present).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": "a", "file": "a", "model": "face", "track": "face_0",
    ...     "span_id": 0, "begin": 0.0, "end": 0.0, "family": "emotion",
    ...     "name": ["Joy", "Amusement", "Sadness"], "score": [0.5, 0.25, 0.125]})
    >>> example = {"positive": ["Joy", "Amusement"], "negative": ["Sadness"]}  # an example
    >>> hr.composite(long, example)[["name", "score", "n_names"]].to_dict("records")
    [{'name': 'positive', 'score': 0.375, 'n_names': 2}, \
{'name': 'negative', 'score': 0.125, 'n_names': 1}]
    """
    check_choice(how, ("mean", "sum", "max"), "how")
    check_choice(missing, ("raise", "ignore"), "missing")
    if not mapping:
        raise ValueError("mapping must name at least one composite")
    long = as_long(data, "data")
    members = pd.DataFrame(
        [(c, *split_wide_column(m)) for c, ms in mapping.items() for m in ms],
        columns=["composite", "family", "name"],
    )
    present = long[["family", "name"]].astype(str).drop_duplicates()
    known = members.merge(present, on=["family", "name"], how="left", indicator=True)
    absent = known.loc[known["_merge"] == "left_only", ["family", "name"]]
    if len(absent) and missing == "raise":
        raise ValueError(
            f"composite: {len(absent)} member(s) never occur in the data: "
            f"{absent.drop_duplicates().to_dict('records')[:5]}; pass missing='ignore'"
        )
    ident = [*KEYS, *[c for c in IDENTITY_EXTRAS if c in long.columns]]
    rows = long[[*ident, "begin", "end", "family", "name", "score"]].copy()
    rows["family"] = rows["family"].astype(str)
    rows["name"] = rows["name"].astype(str)
    joined = rows.merge(members, on=["family", "name"], how="inner", sort=False)
    joined = joined.loc[joined["score"].notna()]
    order = {c: i for i, c in enumerate(mapping)}
    joined["composite"] = pd.Categorical(joined["composite"], categories=list(order))
    agg = joined.groupby([*ident, "composite"], observed=True, sort=True).agg(
        begin=("begin", "first"),
        end=("end", "first"),
        score=("score", how),
        n_names=("score", "size"),
    )
    out = agg.reset_index().rename(columns={"composite": "name"})
    out.insert(len(KEYS) + 2, "family", pd.Categorical(["composite"] * len(out)))
    cols = [*KEYS, "begin", "end", "family", "name", "score"]
    cols += [c for c in ident if c not in KEYS] + ["n_names"]
    out = out[cols]
    out["n_names"] = out["n_names"].astype(np.int64)
    return out
