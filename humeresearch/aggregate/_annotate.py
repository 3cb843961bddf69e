"""annotate: attach participant / condition / session columns from a design table."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._groups import table_codes
from humeresearch._tables import TableLike, as_frame, check_option, is_scaled, require_columns


def _design_rows(design: pd.DataFrame, keys: list[str], ambiguous: str) -> pd.DataFrame:
    """The design with text keys, one row per key (or a ValueError on repeated keys)."""
    meta = design.copy()
    for k in keys:
        meta[k] = meta[k].astype("string")
    dup = meta.duplicated(keys, keep="first")
    if dup.any() and ambiguous == "raise":
        listed = meta.loc[meta.duplicated(keys, keep=False), keys].drop_duplicates()
        raise ValueError(
            f"annotate: {len(listed)} key(s) appear on several rows of design, e.g. "
            f"{listed.head(5).to_dict('records')}; pass ambiguous='first' to use the first"
        )
    return meta.loc[~dup].reset_index(drop=True)


def _positions(
    data: pd.DataFrame, meta: pd.DataFrame, keys: list[str], missing: str
) -> tuple[np.ndarray, np.ndarray]:
    """For each data row, its design row (NaN when absent), and which are absent."""
    key_frame = pd.DataFrame({k: data[k] for k in keys})
    (dcode, mcode), _ = table_codes([key_frame, meta], keys)
    lookup = pd.Series(np.arange(len(meta)), index=mcode)
    pos = lookup.reindex(dcode).to_numpy()
    absent = np.isnan(pos)
    if absent.any() and missing == "raise":
        listed = key_frame.loc[absent].astype(str).drop_duplicates()
        raise ValueError(
            f"annotate: {len(listed)} key(s) of data are not in design, e.g. "
            f"{listed.head(5).to_dict('records')}; pass missing='keep' or missing='drop'"
        )
    return pos, absent


def _attach(
    out: pd.DataFrame, meta: pd.DataFrame, columns: list[str], pos: np.ndarray, absent: np.ndarray
) -> pd.DataFrame:
    """``out`` with ``columns`` of ``meta`` taken at ``pos`` (NA where absent)."""
    take = np.where(absent, 0, pos).astype(np.int64)
    for column in columns:
        values = meta[column]
        if len(meta):
            col = values.iloc[take].reset_index(drop=True)
            if absent.any():
                col = col.where(~absent)
        else:
            col = pd.Series(pd.NA, index=range(len(out)), dtype=values.dtype)
        out[column] = col.to_numpy() if not hasattr(col, "array") else col.array
    return out


def annotate(
    data: TableLike,
    design: pd.DataFrame,
    *,
    on: str | Sequence[str] = "source",
    missing: define.MissingPolicy = "raise",
    ambiguous: define.AmbiguousPolicy = "raise",
) -> pd.DataFrame:
    """Attach metadata columns (participant, condition, session ...) to the data.

    Parameters
    ----------
    data : TableLike
        Any contract table (long, wide, spans, or the output of align, resample,
        epochs, summarize); a ``Measurements`` is taken as its long table.
    design : DataFrame
        The study design: one row per key with the columns to attach.
    on : str or list of str, default "source"
        Key column(s) present in both (``"source"``, ``"file"``, or both). Keys are
        compared as text.
    missing : {"raise", "keep", "drop"}, default "raise"
        Data keys that the design lacks: raise (listing them), keep the rows with NA
        metadata, or drop those rows (:data:`humeresearch.define.MISSING_POLICIES`).
    ambiguous : {"raise", "first"}, default "raise"
        Keys that appear on several rows of ``design``: raise (listing them) or use
        the first row of each (:data:`humeresearch.define.AMBIGUOUS_POLICIES`).

    Returns
    -------
    DataFrame
        ``data`` with the design's other columns appended (same rows and order,
        except rows dropped by ``missing="drop"``).

    Raises
    ------
    ValueError
        On a missing key column, on columns that ``data`` already has, on missing
        or ambiguous keys (naming up to five of them).

    Examples
    --------
    >>> import pandas as pd
    >>> import humeresearch as hr
    >>> long = pd.DataFrame({"source": ["p1.mp4", "p2.mp4"], "file": ["p1.mp4", "p2.mp4"],
    ...     "model": "face", "track": "face_0", "span_id": 0, "begin": 0.0, "end": 0.0,
    ...     "family": "emotion", "name": "Joy", "score": [0.1, 0.2]})
    >>> meta = pd.DataFrame({"source": ["p1.mp4", "p2.mp4"], "participant": ["P1", "P2"],
    ...     "condition": ["control", "stress"]})
    >>> hr.annotate(long, meta)[["source", "participant", "condition"]].to_dict("records")
    [{'source': 'p1.mp4', 'participant': 'P1', 'condition': 'control'}, \
{'source': 'p2.mp4', 'participant': 'P2', 'condition': 'stress'}]
    """
    if is_scaled(data):  # a Dask table or an opened dataset: the scaled-out twin
        from humeresearch import dataset

        return dataset.annotate(data, design, on=on, missing=missing, ambiguous=ambiguous)
    check_option(missing, define.MISSING_POLICIES, name="missing", func="annotate")
    check_option(ambiguous, define.AMBIGUOUS_POLICIES, name="ambiguous", func="annotate")
    data = as_frame(data, func="annotate", name="data")
    if not isinstance(design, pd.DataFrame):
        raise TypeError(f"annotate: design must be a DataFrame; got {type(design).__name__}")
    keys = [on] if isinstance(on, str) else list(on)
    require_columns(data, keys, func="annotate", name="data")
    require_columns(design, keys, func="annotate", name="design")
    extra = [c for c in design.columns if c not in keys]
    clash = [c for c in extra if c in data.columns]
    if clash:
        raise ValueError(f"annotate: data already has column(s) {clash}; rename them in design")
    meta = _design_rows(design, keys, ambiguous)
    pos, absent = _positions(data, meta, keys, missing)
    out = data.reset_index(drop=True)
    if missing == "drop" and absent.any():
        out = out.loc[~absent].reset_index(drop=True)
        pos, absent = pos[~absent], absent[~absent]
    return _attach(out, meta, extra, pos, absent)
