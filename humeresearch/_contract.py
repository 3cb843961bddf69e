"""The humeresearch data contract: column names, dtypes and a validator.

Every reader ends in these tables and everything downstream consumes only them.
The authoritative description is ``shared/spec/data-contract.md``; this module is
its executable form. Column names are fixed; optional columns may be added.

Tables
------
spans
    One row per prediction span: the keys, ``api``, ``begin``, ``end``, ``frame``,
    ``text`` and optional columns (``OPTIONAL_SPAN_COLUMNS``).
long
    One row per (span, family, name): ``LONG_COLUMNS`` in that order.
wide
    The spans table plus one column per (family, name) (see :func:`wide_column`).
errors
    One row per problem an input reports: ``ERROR_COLUMNS``.

Dtype conventions (pandas)
--------------------------
* text columns (``source``, ``file``, ``track``, ``text`` ...) use the ``"string"``
  dtype in the spans, wide and errors tables; in the long table the repeated key
  columns ``source``, ``file``, ``track`` are ``category`` (same values, a fraction
  of the memory);
* ``model``, ``api``, ``family``, ``name`` are ``category``;
* ``span_id`` is ``int64``; ``begin``, ``end`` and ``score`` are ``float64``
  (seconds, API values unchanged); ``frame`` and other integer columns that can be
  missing are ``Int64``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from humeresearch import define
from humeresearch.errors import ContractError

KEYS: list[str] = ["source", "file", "model", "track", "span_id"]
SPAN_COLUMNS: list[str] = [*KEYS, "api", "begin", "end", "frame", "text"]
LONG_COLUMNS: list[str] = [*KEYS, "begin", "end", "family", "name", "score"]
ERROR_COLUMNS: list[str] = ["source", "file", "level", "message", "code"]

STRING = "string"
#: dtype of every optional span column the contract names.
OPTIONAL_SPAN_COLUMNS: dict[str, str] = {
    "granularity": STRING,
    "confidence": "float64",
    "speaker_confidence": "float64",
    "prob": "float64",
    "box_x": "float64",
    "box_y": "float64",
    "box_w": "float64",
    "box_h": "float64",
    "char_begin": "Int64",
    "char_end": "Int64",
    "utterance_id": "Int64",
    "trigger": STRING,
    "entity": STRING,
    "entity_confidence": "float64",
    "support": "float64",
    "uri": STRING,
    "link_word": STRING,
    "detected_language": STRING,
    "transcript_confidence": "float64",
    "file_type": STRING,
    "payload_id": STRING,  # v0 stream: the payload a span came from
    "measurement_id": "Int64",  # v1 audio: the API's id when it differs from span_id
}

SPAN_DTYPES: dict[str, str] = {
    "source": STRING,
    "file": STRING,
    "model": "category",
    "track": STRING,
    "span_id": "int64",
    "api": "category",
    "begin": "float64",
    "end": "float64",
    "frame": "Int64",
    "text": STRING,
    **OPTIONAL_SPAN_COLUMNS,
}


def wide_column(family: str, name: str, reserved: Iterable[str] = ()) -> str:
    """Name of the wide-table column that holds one (family, name).

    Emotions use the bare name (``Amusement``); other families are prefixed
    (``facs:AU1 Inner Brow Raise``). An emotion whose bare name would collide with
    a span column (``reserved``) or contain a colon is prefixed ``emotion:``.

    Examples
    --------
    >>> wide_column("emotion", "Joy"), wide_column("sentiment", "5")
    ('Joy', 'sentiment:5')
    """
    if family == "emotion" and name not in set(reserved) and ":" not in name:
        return name
    return f"{family}:{name}"


def split_wide_column(column: str) -> tuple[str, str]:
    """Inverse of :func:`wide_column`: ``(family, name)`` of a score column.

    Examples
    --------
    >>> split_wide_column("facs:AU4 Brow Lowerer")
    ('facs', 'AU4 Brow Lowerer')
    >>> split_wide_column("Joy")
    ('emotion', 'Joy')
    """
    family, sep, name = column.partition(":")
    if sep and family in define.FAMILIES:
        return family, name
    return "emotion", column


def _is_texty(s: pd.Series) -> bool:
    if isinstance(s.dtype, pd.CategoricalDtype):
        cats = s.dtype.categories
        return len(cats) == 0 or pd.api.types.is_string_dtype(cats) or cats.dtype == object
    return pd.api.types.is_string_dtype(s.dtype) or s.dtype == object


def _check_dtype(table: pd.DataFrame, column: str, dtype: str, kind: str) -> None:
    s = table[column]
    ok: bool
    if dtype == STRING:
        ok = _is_texty(s)
    elif dtype == "category":
        ok = isinstance(s.dtype, pd.CategoricalDtype) or _is_texty(s)
    elif dtype == "int64":
        ok = pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans
    elif dtype == "Int64":
        ok = pd.api.types.is_integer_dtype(s.dtype) or (s.isna().all())
    else:  # float64
        ok = pd.api.types.is_float_dtype(s.dtype) or (
            pd.api.types.is_integer_dtype(s.dtype) and not s.hasnans
        )
    if not ok:
        raise ContractError(
            f"{kind} table: column {column!r} has dtype {s.dtype}, expected {dtype}"
        )


def validate(data: pd.DataFrame, kind: define.TableKind, *, unique: bool = True) -> pd.DataFrame:
    """Check that ``data`` follows the contract for ``kind`` and return it.

    Parameters
    ----------
    data : DataFrame
        The table to check.
    kind : {"spans", "long", "wide", "errors"}
        Which contract table it claims to be.
    unique : bool, default True
        Also check that the keys identify rows uniquely (spans, wide: one row per
        key; long: one row per key, family and name).

    Returns
    -------
    DataFrame
        ``data`` itself, unchanged, so that calls can be chained.

    Raises
    ------
    ContractError
        Naming the first missing column, wrong dtype or duplicated key.

    Examples
    --------
    >>> import humeresearch as hr
    >>> m = hr.read([])
    >>> hr.validate(m.long(), "long").columns[:5].tolist()
    ['source', 'file', 'model', 'track', 'span_id']
    """
    listed = ", ".join(repr(k) for k in define.TABLE_KINDS)
    if kind not in define.TABLE_KINDS:
        raise ValueError(f"validate: kind must be one of {listed}; got {kind!r}")
    if kind == "errors":
        required = ERROR_COLUMNS
        dtypes = dict.fromkeys(ERROR_COLUMNS, STRING)
    elif kind == "long":
        required = LONG_COLUMNS
        dtypes = {
            **{c: SPAN_DTYPES[c] for c in KEYS + ["begin", "end"]},
            "family": "category",
            "name": "category",
            "score": "float64",
        }
    else:
        required = SPAN_COLUMNS
        dtypes = {c: t for c, t in SPAN_DTYPES.items() if c in data.columns}
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise ContractError(f"{kind} table: missing required column(s) {missing}")
    if kind == "long" and list(data.columns[: len(LONG_COLUMNS)]) != LONG_COLUMNS:
        raise ContractError(f"long table: columns must start with {LONG_COLUMNS}")
    for column, dtype in dtypes.items():
        _check_dtype(data, column, dtype, kind)
    if kind in ("spans", "wide", "long") and len(data):
        for column in ("source", "model"):
            col = data[column]
            if col.isna().any() or bool(
                (col.astype(object) == "").any() if col.dtype == object else (col == "").any()
            ):
                raise ContractError(f"{kind} table: column {column!r} has empty values")
        if unique:
            key = KEYS + (["family", "name"] if kind == "long" else [])
            dup = data.duplicated(key)
            if dup.any():
                first = data.loc[dup, key].iloc[0].to_dict()
                raise ContractError(f"{kind} table: duplicated key {first}")
    if kind == "wide":
        for column in data.columns:
            if column not in SPAN_DTYPES and not pd.api.types.is_numeric_dtype(data[column]):
                # extra span columns are allowed; score columns must be numeric
                family, _ = split_wide_column(column)
                if ":" in column and family in define.FAMILIES:
                    raise ContractError(f"wide table: score column {column!r} is not numeric")
    return data


def empty_spans() -> pd.DataFrame:
    """An empty spans table with the required columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=SPAN_DTYPES[c]) for c in SPAN_COLUMNS})


def empty_errors() -> pd.DataFrame:
    """An empty errors table."""
    return pd.DataFrame({c: pd.Series(dtype=STRING) for c in ERROR_COLUMNS})
