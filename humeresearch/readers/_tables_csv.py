"""Contract tables written as CSV or TSV (``humeresearch convert --form long|wide``).

A file whose header starts with the contract keys (``source, file, model, track,
span_id``) is a long table (``family, name, score`` columns) or a wide table (one
column per expression, named as in the contract); it reads back into the same
``Measurements`` as the Parquet file would give, less provenance.
"""

from __future__ import annotations

import csv
import io
from typing import Any

import numpy as np
import pandas as pd

from humeresearch import define
from humeresearch._build import Builder, Dense, Sparse
from humeresearch._contract import KEYS, OPTIONAL_SPAN_COLUMNS, split_wide_column
from humeresearch.errors import FormatError
from humeresearch.readers._registry import Format, register
from humeresearch.readers._source import Input

NAME = "contract-csv"
_SPAN_COLUMNS = {"api", "begin", "end", "frame", "text", *OPTIONAL_SPAN_COLUMNS}
_LONG = {"family", "name", "score"}


def _header(prefix: bytes) -> tuple[list[str], str] | None:
    line = prefix.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8-sig", errors="replace")
    for sep in (",", "\t"):
        try:
            fields = next(csv.reader([line], delimiter=sep), [])
        except csv.Error:  # NUL bytes, CR-only text: not a table this format writes
            return None
        if fields[: len(KEYS)] == KEYS:
            return fields, sep
    return None


def _sniff(prefix: bytes, inp: Input) -> bool:
    return _header(prefix) is not None


def _frame(inp: Input) -> pd.DataFrame:
    header = _header(inp.data[:4096] if inp.data else b"")
    assert header is not None
    fields, sep = header
    dtypes: dict[str, str] = {
        c: "string" for c in ("source", "file", "model", "track", "text", "family", "name")
    }
    dtypes.update({"span_id": "int64", "frame": "Int64"})
    dtypes.update({c: t for c, t in OPTIONAL_SPAN_COLUMNS.items() if t == "Int64"})
    try:
        return pd.read_csv(
            io.BytesIO(inp.data or b""), sep=sep, dtype=dtypes, keep_default_na=False,
            na_values={c: [""] for c in fields},
        )  # fmt: skip
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise FormatError(inp.name, "", f"not a readable contract table: {exc}") from None


def _scores(table: pd.DataFrame, inp: Input) -> tuple[pd.DataFrame, list[Dense]]:
    """The spans (one row per key) and the score blocks of a long or wide table."""
    if _LONG <= set(table.columns):
        wide = table.pivot_table(
            index=KEYS, columns=["family", "name"], values="score", aggfunc="first", sort=False
        )
        spans = table.drop(columns=["family", "name", "score"]).drop_duplicates(KEYS)
        spans = spans.set_index(KEYS).loc[wide.index].reset_index()
        blocks: dict[str, list[str]] = {}
        for family, name in wide.columns:
            blocks.setdefault(family, []).append(name)
        dense = [
            Dense(f, names, wide.loc[:, [(f, n) for n in names]].to_numpy(np.float64))
            for f, names in blocks.items()
        ]
        return spans, dense
    scored = [c for c in table.columns if c not in _SPAN_COLUMNS and c not in KEYS]
    blocks = {}
    for column in scored:
        family, name = split_wide_column(column)
        blocks.setdefault(family, []).append(column)
    dense = [
        Dense(f, [split_wide_column(c)[1] for c in cols], table[cols].to_numpy(np.float64))
        for f, cols in blocks.items()
    ]
    return table.drop(columns=scored), dense


def _present(block: Dense, idx: np.ndarray) -> Sparse:
    """The scores of ``block`` for rows ``idx`` that have a value (empty cells: no score)."""
    values = np.asarray(block.values, dtype=np.float64)[idx]
    span, col = np.nonzero(~np.isnan(values))
    return Sparse(block.family, span, [block.names[c] for c in col], values[span, col])


def read_contract_csv(inp: Input, builder: Builder) -> dict[str, Any]:
    """Read a contract table written as CSV/TSV into ``builder``."""
    table = _frame(inp)
    missing = [c for c in ("begin", "end") if c not in table.columns]
    if missing:
        raise FormatError(inp.name, "header", f"a contract table needs columns {missing}")
    spans, dense = _scores(table, inp)
    for key, rows in spans.groupby(["source", "file", "model", "track"], sort=False):
        source, file, model, track = (str(k) for k in key)
        idx = rows.index.to_numpy()
        api = (
            str(rows["api"].iloc[0])
            if "api" in rows
            else ("v1" if model in define.V1_MODELS else "v0")
        )
        optional = {c: rows[c].to_numpy() for c in rows.columns if c in OPTIONAL_SPAN_COLUMNS}
        builder.add(
            api=api, source=source, file=file, model=model, track=track,
            begin=rows["begin"].to_numpy(np.float64), end=rows["end"].to_numpy(np.float64),
            frame=rows["frame"].astype(object).to_numpy() if "frame" in rows else None,
            text=rows["text"].to_numpy() if "text" in rows else None,
            columns=optional or None,
            scores=[_present(d, idx) for d in dense],
            span_id=rows["span_id"].to_numpy(np.int64), input=inp.name,
            place=lambda k, rows=rows: f"row {int(rows.index[k]) + 2}",
        )  # fmt: skip
    return {}


register(
    Format(
        NAME,
        read_contract_csv,
        sniff=_sniff,
        description="a long or wide contract table written as CSV/TSV by humeresearch",
    )
)
