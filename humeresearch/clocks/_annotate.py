"""annotate: attach participant / condition / session columns from a metadata table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from humeresearch.clocks._common import as_long, check_choice, require, table_codes


def annotate(
    data: Any,
    table: pd.DataFrame,
    on: str | Sequence[str] = "source",
    *,
    missing: str = "raise",
    ambiguous: str = "raise",
) -> pd.DataFrame:
    """Attach metadata columns (participant, condition, session ...) to the data.

    Parameters
    ----------
    data : DataFrame or Measurements
        Any contract table (long, wide, spans, or the output of align, resample,
        epochs, summarize); a ``Measurements`` is taken as its long table.
    table : DataFrame
        One row per key with the columns to attach.
    on : str or list of str, default "source"
        Key column(s) present in both (``"source"``, ``"file"``, or both). Keys are
        compared as text.
    missing : {"raise", "keep", "drop"}, default "raise"
        Data keys that the table lacks: raise (listing them), keep the rows with NA
        metadata, or drop those rows.
    ambiguous : {"raise", "first"}, default "raise"
        Keys that appear on several rows of ``table``: raise (listing them) or use the
        first row of each.

    Returns
    -------
    DataFrame
        ``data`` with the table's other columns appended (same rows and order,
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
    check_choice(missing, ("raise", "keep", "drop"), "missing")
    check_choice(ambiguous, ("raise", "first"), "ambiguous")
    if not isinstance(data, pd.DataFrame):
        data = as_long(data, "data")
    if not isinstance(table, pd.DataFrame):
        raise TypeError("table must be a DataFrame")
    keys = [on] if isinstance(on, str) else list(on)
    require(data, keys, "data")
    require(table, keys, "table")
    extra = [c for c in table.columns if c not in keys]
    clash = [c for c in extra if c in data.columns]
    if clash:
        raise ValueError(f"annotate: data already has column(s) {clash}; rename them in table")

    meta = table.copy()
    for k in keys:
        meta[k] = meta[k].astype("string")
    dup = meta.duplicated(keys, keep="first")
    if dup.any() and ambiguous == "raise":
        listed = meta.loc[meta.duplicated(keys, keep=False), keys].drop_duplicates()
        raise ValueError(
            f"annotate: {len(listed)} key(s) appear on several rows of table, e.g. "
            f"{listed.head(5).to_dict('records')}; pass ambiguous='first' to use the first"
        )
    meta = meta.loc[~dup].reset_index(drop=True)

    key_frame = pd.DataFrame({k: data[k] for k in keys})
    (dcode, mcode), _ = table_codes([key_frame, meta], keys)
    lookup = pd.Series(np.arange(len(meta)), index=mcode)
    pos = lookup.reindex(dcode).to_numpy()
    absent = np.isnan(pos)
    if absent.any() and missing == "raise":
        listed = key_frame.loc[absent].astype(str).drop_duplicates()
        raise ValueError(
            f"annotate: {len(listed)} key(s) of data are not in table, e.g. "
            f"{listed.head(5).to_dict('records')}; pass missing='keep' or missing='drop'"
        )
    out = data.reset_index(drop=True)
    if missing == "drop" and absent.any():
        out = out.loc[~absent].reset_index(drop=True)
        pos = pos[~absent]
        absent = absent[~absent]
    take = np.where(absent, 0, pos).astype(np.int64)
    for column in extra:
        values = meta[column]
        if len(meta):
            col = values.iloc[take].reset_index(drop=True)
            if absent.any():
                col = col.where(~absent)
        else:
            col = pd.Series(pd.NA, index=range(len(out)), dtype=values.dtype)
        out[column] = col.to_numpy() if not hasattr(col, "array") else col.array
    return out
