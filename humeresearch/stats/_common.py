"""Shared helpers of :mod:`humeresearch.stats`: argument checks, column checks, small maths."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats as _st

#: default ``by`` of the per-expression functions: one test per (model, family, name).
DEFAULT_BY: tuple[str, ...] = ("model", "family", "name")

#: by default, ``by`` columns missing from the data are skipped (documented per function).
STATS_HINT = "pip install humeresearch[stats]"


class StatsWarning(UserWarning):
    """A statistic could not be computed for some rows (see their ``note`` column)."""


def check_option(value: Any, name: str, choices: Sequence[str], func: str) -> str:
    """Validate a string option against its enumerated choices."""
    if not isinstance(value, str) or value not in choices:
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{func}: {name} must be one of {listed}; got {value!r}")
    return value


def check_frame(data: Any, func: str, name: str = "data") -> pd.DataFrame:
    """Check that ``data`` is a DataFrame."""
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"{func}: {name} must be a pandas DataFrame, got {type(data).__name__}")
    return data


def require_columns(
    data: pd.DataFrame, columns: Sequence[str], func: str, name: str = "data"
) -> None:
    """Raise a ValueError naming every column of ``columns`` missing from ``data``."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise ValueError(
            f"{func}: {name} has no column(s) {missing}; its columns are {list(data.columns)}"
        )


def require_numeric(data: pd.DataFrame, column: str, func: str, name: str = "data") -> None:
    """Raise a TypeError unless ``column`` is numeric (not boolean)."""
    dtype = data[column].dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        raise TypeError(f"{func}: column {column!r} of {name} must be numeric, it is {dtype}")


def resolve_by(
    data: pd.DataFrame,
    by: str | Sequence[str] | None,
    func: str,
    default: tuple[str, ...] = DEFAULT_BY,
    name: str = "data",
) -> list[str]:
    """The list of ``by`` columns.

    The default tuple keeps only the columns ``data`` has (so that a table without a
    ``model`` column still works); explicitly given columns must all exist.
    """
    if by is None:
        return []
    if by is default:
        return [c for c in default if c in data.columns]
    cols = [by] if isinstance(by, str) else list(by)
    require_columns(data, cols, func, name)
    if len(set(cols)) != len(cols):
        raise ValueError(f"{func}: by has repeated columns {cols}")
    return cols


def check_confidence(confidence: float, func: str) -> float:
    """Check that a confidence level lies strictly between 0 and 1."""
    if not isinstance(confidence, int | float) or not 0 < confidence < 1:
        raise ValueError(f"{func}: confidence must be a number in (0, 1), got {confidence!r}")
    return float(confidence)


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


def warn_notes(notes: pd.Series, func: str, total: int) -> None:
    """One warning summarising the rows that have a note."""
    bad = notes[notes != ""]
    if len(bad):
        counts = bad.value_counts()
        listed = ", ".join(f"{n} x {text!r}" for text, n in counts.items())
        warnings.warn(
            f"{func}: {len(bad)} of {total} rows have no result ({listed}); see the 'note' column",
            StatsWarning,
            stacklevel=3,
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
