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


def resolve_by(
    tables: Sequence[tuple[pd.DataFrame, str]],
    by: str | Sequence[str] | None,
    *,
    func: str,
    default: Sequence[str] = define.EXPRESSION_KEYS,
) -> list[str]:
    """The list of ``by`` columns of one or more ``(table, name)`` pairs.

    ``None``: the columns of ``default`` that every table has (so that a table without
    a ``model`` column still works); ``()``: no grouping; explicitly given columns must
    exist in every table. A table whose ``stat`` column (the output of
    :func:`humeresearch.summarize`) holds several statistics must be grouped by it: a
    mean is never analysed together with a maximum.

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
        _check_one_stat(table, cols, func, name)
    return cols


def _check_one_stat(table: pd.DataFrame, by_cols: list[str], func: str, name: str) -> None:
    if STAT_COLUMN not in table.columns or STAT_COLUMN in by_cols:
        return
    found = pd.unique(table[STAT_COLUMN].dropna()).tolist()
    if len(found) > 1:
        raise ValueError(
            f"{func}: the {STAT_COLUMN!r} column of {name} holds several statistics {found}; "
            f"select one (e.g. {name}[{name}[{STAT_COLUMN!r}] == {found[0]!r}]) or add "
            f"{STAT_COLUMN!r} to by= (e.g. by=[*define.EXPRESSION_KEYS, {STAT_COLUMN!r}])"
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


def two_levels(data: pd.DataFrame, cond: str, func: str) -> list[Any]:
    """The levels of ``cond``; a ValueError when there are fewer than two."""
    levels = levels_of(data[cond])
    if len(levels) < 2:
        raise ValueError(f"{func}: column {cond!r} needs at least 2 levels, found {levels}")
    return levels


def t_pvalue(t: np.ndarray, df: np.ndarray, alternative: str) -> np.ndarray:
    """p-value of a t statistic for ``alternative`` (NaN propagates)."""
    with np.errstate(invalid="ignore"):
        if alternative == "two-sided":
            return np.minimum(1.0, 2.0 * _st.t.sf(np.abs(t), df))
        if alternative == "greater":
            return _st.t.sf(t, df)
        return _st.t.cdf(t, df)


def fisher_ci(r: np.ndarray, se: np.ndarray, confidence: float) -> tuple[np.ndarray, np.ndarray]:
    """Confidence interval of a correlation by Fisher's z (tanh(atanh(r) +- z se))."""
    z = z_critical(confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        zr = np.arctanh(np.clip(r, -1.0, 1.0))
        return np.tanh(zr - z * se), np.tanh(zr + z * se)


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
