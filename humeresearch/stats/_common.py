"""Helpers of :mod:`humeresearch.stats` only: ``by`` and column checks, small maths, notes.

Option and column checks shared with the rest of the package live in
:mod:`humeresearch._tables`; the option sets in :mod:`humeresearch.define`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

from humeresearch import define
from humeresearch._tables import require_columns
from humeresearch.errors import StatsWarning

STATS_HINT = "pip install humeresearch[stats]"

#: the column :func:`humeresearch.summarize` names its statistics in.
STAT_COLUMN = "stat"


def require_numeric(data: pd.DataFrame, column: str, func: str, name: str = "data") -> None:
    """Raise a TypeError unless ``column`` is numeric (not boolean)."""
    dtype = data[column].dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"{func}: column {column!r} of {name} must be numeric, it is {dtype}")


#: columns whose values are different quantities (never pooled into one value): the
#: statistic of :func:`humeresearch.summarize`, the model, the granularity of prosody and
#: language spans, and the target of :func:`humeresearch.align`.
QUANTITY_COLUMNS: tuple[str, ...] = (
    STAT_COLUMN,
    "model",
    "granularity",
    "from_model",
    "from_track",
)


def resolve_by(
    tables: Sequence[tuple[pd.DataFrame, str]],
    by: str | Sequence[str] | None,
    *,
    func: str,
    default: Sequence[str] = define.EXPRESSION_KEYS,
    roles: Sequence[str] = (),
) -> list[str]:
    """The list of ``by`` columns of one or more ``(table, name)`` pairs.

    ``None``: the columns of ``default`` that every table has (so that a table without
    a ``model`` column still works); ``()``: no grouping; explicitly given columns must
    exist in every table. A table whose rows are different quantities within one group
    (several values of a :data:`QUANTITY_COLUMNS` column that is neither in ``by`` nor
    one of ``roles``, the columns the analysis uses otherwise) is refused: a mean is
    never analysed together with a maximum, words with utterances, face with voice.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"name": ["Joy"], "score": [0.5]})
    >>> resolve_by([(df, "data")], None, func="compare"), resolve_by([(df, "data")], (), func="f")
    (['name'], [])
    """
    if by is None:
        cols = [c for c in default if all(c in table.columns for table, _ in tables)]
    else:
        cols = [by] if isinstance(by, str) else list(by)
        for table, name in tables:
            require_columns(table, cols, func=func, name=name)
        if len(set(cols)) != len(cols):
            raise ValueError(f"{func}: by has repeated columns {cols}")
    for table, name in tables:
        check_quantities(table, cols, func=func, name=name, roles=roles)
    return cols


def check_quantities(
    table: pd.DataFrame,
    by_cols: Sequence[str],
    *,
    func: str,
    name: str = "data",
    roles: Sequence[str] = (),
) -> None:
    """Raise a ValueError when a group of ``by_cols`` pools different quantities.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"name": "Joy", "stat": ["mean", "max"], "score": [0.2, 0.9]})
    >>> check_quantities(df, ["name", "stat"], func="compare")
    >>> check_quantities(df, ["name"], func="compare")
    Traceback (most recent call last):
    ...
    ValueError: compare: data mixes different quantities in one group: column 'stat' has several values (['mean', 'max']) within one group of by=['name']; add 'stat' to by= (by=['name', 'stat']) or select one value (data[data['stat'] == 'mean'])
    """
    skip = set(by_cols) | set(roles)
    for col in QUANTITY_COLUMNS:
        if col not in table.columns or col in skip:
            continue
        values = table[col].dropna()
        found = pd.unique(values).tolist()
        if len(found) < 2:
            continue
        if by_cols:
            counts = table.groupby(list(by_cols), observed=True, dropna=True)[col].nunique()
            if not (counts > 1).any():
                continue
        hint = [*by_cols, col]
        raise ValueError(
            f"{func}: {name} mixes different quantities in one group: column {col!r} has "
            f"several values ({found[:4]}) within one group of by={list(by_cols)}; add "
            f"{col!r} to by= (by={hint}) or select one value "
            f"({name}[{name}[{col!r}] == {found[0]!r}])"
        )


def check_confidence(confidence: float, func: str) -> float:
    """Check that a confidence level lies strictly between 0 and 1."""
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be a number in (0, 1), got {confidence!r}")
    return float(confidence)


def check_positive_int(value: Any, name: str, func: str) -> int:
    """Check that ``value`` is a positive int (numpy ints included)."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
        raise ValueError(f"{func}: {name} must be a positive int, got {value!r}")
    return int(value)


def check_design(between: str | None, within: str | None, func: str) -> tuple[str, str]:
    """``(design, condition column)`` of exactly one of ``between`` and ``within``."""
    if (between is None) == (within is None):
        raise ValueError(
            f"{func}: give exactly one of between= (independent groups) or within= "
            "(repeated measures of the same subjects)"
        )
    if between is not None:
        return "between", between
    assert within is not None
    return "within", within


def z_critical(confidence: float) -> float:
    """Two-sided normal critical value for a ``confidence`` interval."""
    return float(_st.norm.ppf(0.5 + confidence / 2))


def levels_of(values: pd.Series) -> list[Any]:
    """Observed levels of a condition column: category order, else sorted order."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        present = set(pd.unique(values.cat.codes[values.notna()]))
        return [c for i, c in enumerate(values.cat.categories) if i in present]
    uniques = pd.unique(values.dropna())
    try:
        return sorted(uniques.tolist())
    except TypeError:  # mixed types: keep the order seen
        return list(uniques)


def two_levels(data: pd.DataFrame, cond: str, func: str, reference: Any = None) -> list[Any]:
    """The levels of ``cond``, ``reference`` first; a ValueError for fewer than two.

    Without ``reference`` the first level (category order of a categorical column,
    else sorted order) is the reference. Every comparison of two levels reads
    ``other - reference`` with the reference the earlier of the two in this order.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"c": pd.Categorical(["b", "a"], categories=["b", "a"])})
    >>> two_levels(df, "c", "f"), two_levels(df, "c", "f", reference="a")
    (['b', 'a'], ['a', 'b'])
    """
    levels = levels_of(data[cond])
    if len(levels) < 2:
        raise ValueError(f"{func}: column {cond!r} needs at least 2 levels, found {levels}")
    if reference is None:
        return levels
    if reference not in levels:
        raise ValueError(
            f"{func}: reference={reference!r} is not a level of {cond!r}; choose among {levels}"
        )
    return [reference, *[lv for lv in levels if lv != reference]]


def t_pvalue(t: np.ndarray, df: np.ndarray, alternative: str) -> np.ndarray:
    """p-value of a t statistic for ``alternative`` (NaN propagates)."""
    with np.errstate(invalid="ignore"):
        if alternative == "two-sided":
            return np.minimum(1.0, 2.0 * _st.t.sf(np.abs(t), df))
        if alternative == "greater":
            return _st.t.sf(t, df)
        return _st.t.cdf(t, df)


def fisher_ci(r: np.ndarray, se: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a correlation by Fisher's z (tanh(atanh(r) +- z se)).

    Limits: an infinite standard error (``n = 3``) gives ``[-1, 1]`` whatever ``r``;
    ``|r| = 1`` with a finite one gives ``[r, r]``.
    """
    z = z_critical(confidence)
    r = np.asarray(r, dtype=float)
    se = np.broadcast_to(np.asarray(se, dtype=float), r.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        zr = np.arctanh(np.clip(r, -1.0, 1.0))
        lo, hi = np.tanh(zr - z * se), np.tanh(zr + z * se)
    wide = np.isinf(se) & ~np.isnan(r)
    lo = np.where(wide, -1.0, lo)
    hi = np.where(wide, 1.0, hi)
    return lo, hi


def join_notes(*parts: tuple[np.ndarray, str]) -> np.ndarray:
    """Join per-row notes: each part is (boolean mask, text); returns an object array."""
    n = len(parts[0][0]) if parts else 0
    out = np.full(n, "", dtype=object)
    for mask, text in parts:
        idx = np.flatnonzero(mask)
        out[idx] = [f"{o}; {text}" if o else text for o in out[idx]]
    return out


def warn_notes(notes: pd.Series, func: str, total: int, stacklevel: int = 3) -> None:
    """One warning summarising the rows that have a note.

    The default ``stacklevel`` points at the caller of a public function that calls
    this directly.
    """
    bad = notes[notes != ""]
    if len(bad):
        counts = bad.value_counts()
        listed = ", ".join(f"{n} x {text!r}" for text, n in counts.items())
        warnings.warn(
            f"{func}: {len(bad)} of {total} rows have no result ({listed}); see the 'note' column",
            StatsWarning,
            stacklevel=stacklevel,
        )


def key_frame(index: pd.Index | pd.MultiIndex, names: list[str]) -> pd.DataFrame:
    """The ``by`` columns of a result, one row per group, dtypes kept."""
    if not names:
        return pd.DataFrame(index=range(len(index)))
    if isinstance(index, pd.MultiIndex):
        frame = index.to_frame(index=False)
    else:
        frame = pd.DataFrame({names[0]: index})
    frame.columns = names
    return frame.reset_index(drop=True)


def import_statsmodels(func: str) -> Any:
    """Import ``statsmodels.api`` lazily with a clear hint when it is missing."""
    try:
        import statsmodels.api as sm
    except ImportError as exc:  # pragma: no cover - statsmodels is installed in the test env
        raise ImportError(
            f"{func} needs statsmodels, an optional dependency: {STATS_HINT}"
        ) from exc
    return sm


#: columns whose presence marks rows as spans, frames or time points of a recording.
_REPEATED_MARKERS: tuple[str, ...] = ("span_id", "frame", "begin", "end", "time")
#: contract columns that name a recording.
_RECORDING_KEYS: tuple[str, ...] = ("source", "file")


def repeated_measures(data: pd.DataFrame, by_cols: Sequence[str], cond: str) -> str:
    """Why the rows of ``data`` look like repeated measures of a recording, or "".

    Recognised from the contract: span ids, frames or times (``span_id``, ``frame``,
    ``begin``, ``end``, ``time``), or several rows of one recording (``source`` or
    ``file``) within a group of ``by_cols`` and a level of ``cond``.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"source": ["a", "a"], "g": ["x", "x"], "score": [0.1, 0.2]})
    >>> repeated_measures(df, [], "g")
    "several rows per 'source'"
    >>> repeated_measures(df.drop(columns="source"), [], "g")
    ''
    """
    marks = [c for c in _REPEATED_MARKERS if c in data.columns]
    if marks:
        return f"the data has {', '.join(repr(c) for c in marks)}"
    for col in _RECORDING_KEYS:
        if col in data.columns and col not in by_cols and col != cond:
            keys = [*by_cols, cond, col]
            if data.groupby(keys, observed=True).size().gt(1).any():
                return f"several rows per {col!r}"
    return ""


def warn_pooled_tracks(data: pd.DataFrame, by_cols: Sequence[str], func: str) -> None:
    """Warn when one recording's tracks (faces, speakers) are pooled into one value.

    Several ``track`` values within one (``by`` group, ``source``, ``file``) are
    usually different people (or one face that lost and regained tracking); pooling
    them into a participant's value is only right in the second case.
    """
    keys = [c for c in ("source", "file") if c in data.columns and c not in by_cols]
    if "track" not in data.columns or "track" in by_cols or not keys:
        return
    if data["track"].nunique(dropna=True) < 2:
        return
    counts = data.groupby([*by_cols, *keys], observed=True)["track"].nunique()
    bad = counts[counts > 1]
    if len(bad):
        where = bad.index[0]
        warnings.warn(
            f"{func}: {len(bad)} recording(s) have several tracks (e.g. {where!r}: "
            f"{int(bad.iloc[0])} tracks) pooled into one value per subject; if the tracks "
            "are different people, select the participant's track first or add 'track' to by=",
            StatsWarning,
            stacklevel=3,
        )
