"""Table input and argument checks shared by every public analysis and plot function.

One coercion of "a long, wide or spans table, or a ``Measurements``" (:func:`as_long`,
:func:`as_spans`) and one set of argument checks (:func:`check_option`,
:func:`require_columns`) whose messages name the function, the parameter, the valid
values and what was passed. :data:`TableLike` is the one type of table input.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, TypeVar, Union

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._contract import (
    KEYS,
    LONG_COLUMNS,
    OPTIONAL_SPAN_COLUMNS,
    SPAN_DTYPES,
    split_wide_column,
    wide_column,
)
from humeresearch._measurements import Measurements
from humeresearch._project import ATTRS_KEY, mark_scores

#: What every analysis and plot function accepts as data: a long, wide or spans
#: contract table (or a table derived from one), or a :class:`Measurements`.
TableLike = Union[pd.DataFrame, Measurements]  # noqa: UP007  (a runtime alias for docs)

TIME_COLUMNS: list[str] = ["begin", "end"]
SPAN_LIKE: list[str] = [*KEYS, *TIME_COLUMNS]

T = TypeVar("T")


def check_option(value: T, choices: Sequence[object], *, name: str, func: str) -> T:
    """Return ``value`` when it is one of ``choices``, else raise a ValueError.

    The message names the function, the parameter, every valid value and what was
    passed.

    Examples
    --------
    >>> check_option("holm", ("holm", "none"), name="correction", func="compare")
    'holm'
    >>> check_option("x", ("holm", "none"), name="correction", func="compare")
    Traceback (most recent call last):
    ...
    ValueError: compare: correction must be one of 'holm', 'none'; got 'x'
    """
    try:
        ok = value in choices
    except TypeError:  # unhashable or uncomparable values are never valid
        ok = False
    if not ok or isinstance(value, bool) and not any(c is value for c in choices):
        listed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{func}: {name} must be one of {listed}; got {value!r}")
    return value


def require_columns(
    table: Any, columns: Sequence[str], *, func: str, name: str = "data"
) -> pd.DataFrame:
    """Return ``table`` when it is a DataFrame with every column of ``columns``.

    Raises a TypeError for a non-DataFrame and a ValueError naming every missing
    column and the columns the table has.

    Examples
    --------
    >>> import pandas as pd
    >>> require_columns(pd.DataFrame({"a": [1]}), ["a", "b"], func="f", name="onto")
    Traceback (most recent call last):
    ...
    ValueError: f: onto has no column(s) ['b']; its columns are ['a']
    """
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{func}: {name} must be a pandas DataFrame; got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"{func}: {name} has no column(s) {missing}; "
            f"its columns are {list(map(str, table.columns))}"
        )
    return table


def as_list(value: str | Sequence[Any] | None) -> list[Any] | None:
    """``None`` stays None, a single string becomes a one-item list, others a list.

    Examples
    --------
    >>> as_list("face"), as_list(["face", "prosody"]), as_list(None)
    (['face'], ['face', 'prosody'], None)
    """
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    return list(value)


def is_measurements(obj: object) -> bool:
    """Whether ``obj`` is a :class:`Measurements` (or quacks like one)."""
    return isinstance(obj, Measurements) or (
        not isinstance(obj, pd.DataFrame) and callable(getattr(obj, "long", None))
    )


@cache
def _known_bare_names() -> frozenset[str]:
    """Emotion names of every vocabulary: the bare score columns of a wide table."""
    from humeresearch import vocabularies as voc

    return frozenset(
        [
            *voc.V0_EMOTIONS,
            *voc.V0_LANGUAGE_EMOTIONS,
            *voc.V1_AUDIO_EXPRESSIONS_SEEN,
            *voc.V1_VIDEO_EXPRESSIONS_SEEN,
        ]
    )


def _is_score_name(column: object) -> bool:
    """Whether a column name is an expression of the contract (see :func:`score_columns`)."""
    if not isinstance(column, str):
        return False
    family, sep, name = column.partition(":")
    if sep:
        return family in define.FAMILIES and bool(name)
    return column in _known_bare_names()


def score_columns(table: pd.DataFrame) -> list[str]:
    """The score columns of a wide table, known from the contract, never from dtype.

    A table made by the toolkit (:meth:`Measurements.wide`, ``summarize(wide=True)``)
    records its score columns in ``table.attrs["humeresearch"]["scores"]``; those
    that are still present are the scores. Without that record a column is a score
    when its name is an emotion of the packaged vocabularies
    (:mod:`humeresearch.vocabularies`) or ``family:name`` with a contract family
    (``facs:AU4 Brow Lowerer``, ``emotion:my name``). Every other column (``age``,
    ``recording``) is a label, whatever its dtype.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"Joy": [0.5], "facs:AU1": [0.1], "age": [31], "x": [1.0]})
    >>> score_columns(t)
    ['Joy', 'facs:AU1']
    >>> score_columns(mark_scores(t.copy(), ["Joy", "x"]))
    ['Joy', 'x']
    """
    reserved = set(SPAN_DTYPES) | set(OPTIONAL_SPAN_COLUMNS)
    recorded = (table.attrs.get(ATTRS_KEY) or {}).get("scores")
    if recorded is not None:
        wanted = set(recorded)
        return [c for c in table.columns if c in wanted and c not in reserved]
    return [c for c in table.columns if c not in reserved and _is_score_name(c)]


def _wide_to_long(table: pd.DataFrame, func: str, name: str) -> pd.DataFrame:
    require_columns(table, SPAN_LIKE, func=func, name=name)
    scores = score_columns(table)
    text = [c for c in scores if not pd.api.types.is_numeric_dtype(table[c])]
    if text:
        raise ValueError(f"{func}: {name} has non-numeric score column(s) {text}")
    if not scores:
        raise ValueError(
            f"{func}: {name} must be a long table (columns {LONG_COLUMNS}) or a wide table "
            "with score columns (expression names of the vocabularies or 'family:name'); "
            f"it has none among {list(map(str, table.columns))}"
        )
    n = len(table)
    pairs = [split_wide_column(c) for c in scores]
    families = [f for f, _ in pairs]
    names = [nm for _, nm in pairs]
    rows = np.tile(np.arange(n), len(scores))
    out: dict[str, Any] = {}
    for column in KEYS + TIME_COLUMNS:
        values = table[column]
        if column in ("source", "file", "model", "track"):
            values = values.astype("category")
        out[column] = values.take(rows).reset_index(drop=True)
    col = np.repeat(np.arange(len(scores)), n)
    fam_cats = list(dict.fromkeys(families))
    name_cats = list(dict.fromkeys(names))
    out["family"] = pd.Categorical.from_codes(
        np.array([fam_cats.index(f) for f in families], dtype=np.int64)[col], fam_cats
    )
    out["name"] = pd.Categorical.from_codes(
        np.array([name_cats.index(x) for x in names], dtype=np.int64)[col],
        pd.Index(name_cats, dtype=object),
    )
    out["score"] = np.concatenate([table[c].to_numpy(dtype=np.float64) for c in scores])
    extra = [c for c in table.columns if c not in scores and c not in SPAN_LIKE]
    for column in extra:
        out[column] = table[column].take(rows).reset_index(drop=True)
    long = pd.DataFrame(out)
    # a wide table holds NaN where the input had no value: the long table has no row
    return long.loc[~np.isnan(long["score"].to_numpy())].reset_index(drop=True)


def as_long(data: TableLike, *, func: str, name: str = "data") -> pd.DataFrame:
    """``data`` as a long table (contract columns first, extra columns kept).

    ``data`` may be a long table (returned as it is), a wide table (melted, NaN
    scores dropped) or a :class:`Measurements` (its long table, with the optional
    span column ``granularity`` attached when its spans have it).

    Examples
    --------
    >>> import humeresearch as hr
    >>> as_long(hr.read([]), func="example").columns.tolist()[-3:]
    ['family', 'name', 'score']
    """
    if is_measurements(data):
        long = data.long()
        spans_fn = getattr(data, "spans", None)
        if callable(spans_fn):
            spans = spans_fn()
            if "granularity" in spans.columns and "granularity" not in long.columns:
                long = long.merge(spans[[*KEYS, "granularity"]], on=KEYS, how="left", sort=False)
        return long
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: {name} must be a DataFrame (a long or wide contract table) or "
            f"Measurements; got {type(data).__name__}"
        )
    if {"family", "name", "score"} <= set(data.columns):
        return require_columns(data, LONG_COLUMNS, func=func, name=name)
    return _wide_to_long(data, func, name)


def as_spans(data: TableLike, *, func: str, name: str = "data") -> pd.DataFrame:
    """One row per span of ``data`` with at least the keys and ``begin``/``end``.

    Accepts a spans table, a wide table, a long table (deduplicated on the keys) or
    a :class:`Measurements` (its spans).

    Examples
    --------
    >>> import humeresearch as hr
    >>> as_spans(hr.read([]), func="example").columns.tolist()[:5]
    ['source', 'file', 'model', 'track', 'span_id']
    """
    if is_measurements(data):
        spans_fn = getattr(data, "spans", None)
        data = spans_fn() if callable(spans_fn) else data.long()
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: {name} must be a DataFrame with columns {SPAN_LIKE} or Measurements; "
            f"got {type(data).__name__}"
        )
    require_columns(data, SPAN_LIKE, func=func, name=name)
    if "family" in data.columns and "name" in data.columns:
        data = data.drop_duplicates(KEYS)
    return data


def as_frame(data: TableLike, *, func: str, name: str = "data") -> pd.DataFrame:
    """``data`` as a DataFrame: a table as it is, a :class:`Measurements` as its long table.

    For functions that take any tidy table (statistics on subject-level data, result
    tables), not only contract tables.

    Examples
    --------
    >>> import pandas as pd
    >>> as_frame(pd.DataFrame({"x": [1]}), func="example").shape
    (1, 1)
    """
    if is_measurements(data):
        return as_long(data, func=func, name=name)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(
            f"{func}: {name} must be a pandas DataFrame or Measurements; got {type(data).__name__}"
        )
    return data


#: categorical columns the toolkit creates; its outputs keep only the categories present
CONTRACT_CATEGORICALS: tuple[str, ...] = (
    "source",
    "file",
    "model",
    "track",
    "api",
    "family",
    "name",
    "from_model",
    "from_track",
    "granularity",
)


def tidy_categories(table: pd.DataFrame) -> pd.DataFrame:
    """``table`` whose contract categorical columns keep only the categories present.

    Only the columns of :data:`CONTRACT_CATEGORICALS` are touched (in place: call it
    on a table the function owns); a user's own categorical columns (``condition``
    with its declared levels) keep every category.

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"name": pd.Categorical(["Joy"], categories=["Awe", "Joy"])})
    >>> tidy_categories(t)["name"].cat.categories.tolist()
    ['Joy']
    """
    for column in CONTRACT_CATEGORICALS:
        if column in table.columns and isinstance(table[column].dtype, pd.CategoricalDtype):
            values = table[column]
            if len(values.cat.categories) != values.nunique(dropna=True):
                table[column] = values.cat.remove_unused_categories()
    return table


def is_scaled(data: object) -> bool:
    """Whether ``data`` is a Dask DataFrame or an opened :class:`humeresearch.dataset.Dataset`.

    The pandas functions hand such input to their scaled-out twin in
    :mod:`humeresearch.dataset` (checked without importing Dask).

    Examples
    --------
    >>> import pandas as pd
    >>> is_scaled(pd.DataFrame())
    False
    """
    if isinstance(data, pd.DataFrame):
        return False
    module = type(data).__module__
    return module.partition(".")[0] == "dask" or (
        module.startswith("humeresearch.dataset") and type(data).__name__ == "Dataset"
    )


def summary_to_wide(tidy: pd.DataFrame, by: Sequence[str], stats: Sequence[str]) -> pd.DataFrame:
    """A tidy ``summarize`` table as one row per (group, stat) and one column per (family, name).

    Columns are named as in the contract's wide table and recorded as the score columns.

    Examples
    --------
    >>> import pandas as pd
    >>> tidy = pd.DataFrame({"participant": ["p1", "p1"], "family": "emotion",
    ...     "name": ["Joy", "Calmness"], "stat": "mean", "score": [0.5, 0.25]})
    >>> summary_to_wide(tidy, ["participant"], ["mean"]).to_dict("records")
    [{'participant': 'p1', 'stat': 'mean', 'Joy': 0.5, 'Calmness': 0.25}]
    """
    reserved = set(by) | {"stat"}
    column = [
        wide_column(str(f), str(n), reserved=reserved)
        for f, n in zip(tidy["family"].astype(object), tidy["name"].astype(object))
    ]
    t = tidy.assign(column=column, stat=pd.Categorical(tidy["stat"], categories=list(stats)))
    order = list(dict.fromkeys(column))
    table = t.set_index([*by, "stat", "column"])["score"].unstack("column")
    table = table.reindex(columns=order).reset_index()
    table.columns.name = None
    table["stat"] = table["stat"].astype(str)
    return mark_scores(table, order)
