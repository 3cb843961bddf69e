"""Which files make one partition, and the row filters pushed down to pyarrow."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as pads

from humeresearch import define
from humeresearch._build import normalise_spans
from humeresearch._contract import LONG_COLUMNS, SPAN_DTYPES
from humeresearch._tables import mark_scores
from humeresearch.dataset import _layout

#: long rows a partition holds at most, when whole recordings allow it
PARTITION_ROWS = 4_000_000
_ORDERED = {"model": define.MODELS, "family": define.FAMILIES, "api": define.APIS}


@dataclass(frozen=True)
class Filters:
    """Row filters: plain values, so that they travel to Dask workers as they are."""

    model: tuple[str, ...] | None = None
    source: tuple[str, ...] | None = None
    name: tuple[str, ...] | None = None
    time: tuple[float, float] | None = None

    def expression(self, table: str) -> pads.Expression | None:
        """The pyarrow filter of ``table`` (``name`` filters long rows only)."""
        parts = []
        if self.source is not None:
            parts.append(pads.field("source").cast(pa.string()).isin(list(self.source)))
        if self.name is not None and table == "long":
            parts.append(pads.field("name").cast(pa.string()).isin(list(self.name)))
        if self.time is not None:
            start, stop = self.time
            begin, end = pads.field("begin"), pads.field("end")
            parts.append((begin < stop) & ((end > start) | (begin >= start)))
        if not parts:
            return None
        out = parts[0]
        for p in parts[1:]:
            out = out & p
        return out


def _components(cells: list[tuple[str, list[str], int]]) -> list[list[int]]:
    """Groups of cells (input id, sources, rows) of one bucket that share a source."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for i, (_, sources, _) in enumerate(cells):
        for s in sources:
            j = owner.setdefault(s, i)
            parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(cells)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def plan(
    entries: list[dict[str, Any]], buckets: int, source: Sequence[str] | None
) -> list[tuple[tuple[str, str], ...]]:
    """The partitions: each a tuple of (bucket folder, input id).

    Every source of a bucket is whole in one partition, in every table and model
    (inputs sharing a source go together); components of one bucket are packed
    together up to :data:`PARTITION_ROWS` long rows.
    """
    wanted = None
    if source is not None:
        wanted = {_layout.bucket_dir(buckets, int(b)) for b in _layout.bucket_of(source, buckets)}
    by_bucket: dict[str, dict[str, tuple[set[str], int]]] = {}
    for e in entries:
        for p in e.get("parts", []):
            if wanted is not None and p["bucket"] not in wanted:
                continue
            cell = by_bucket.setdefault(p["bucket"], {}).setdefault(e["id"], (set(), 0))
            cell[0].update(p["sources"])
            by_bucket[p["bucket"]][e["id"]] = (cell[0], cell[1] + p["rows"].get("long", 0))
    out = []
    for bucket in sorted(by_bucket):
        cells = [(i, sorted(s), n) for i, (s, n) in by_bucket[bucket].items()]
        current: list[tuple[str, str]] = []
        rows = 0
        for group in _components(cells):
            size = sum(cells[i][2] for i in group)
            if current and rows + size > PARTITION_ROWS:
                out.append(tuple(current))
                current, rows = [], 0
            current += [(bucket, cells[i][0]) for i in group]
            rows += size
        if current:
            out.append(tuple(current))
    return out


def files_of(
    entries: list[dict[str, Any]],
    partition: Sequence[tuple[str, str]],
    table: str,
    model: Sequence[str] | None,
) -> list[str]:
    """The files (relative paths) of one partition for ``table`` and the selected models."""
    cells = set(partition)
    out = []
    for e in entries:
        for p in e.get("parts", []):
            if (p["bucket"], e["id"]) not in cells or not p["rows"].get(table):
                continue
            if model is None or p["model"] in model:
                out.append(_layout.file_path(table, p["model"], p["bucket"], e["id"]))
    return out


def schema_of(root: Path, files: Sequence[str], table: str) -> pa.Schema:
    """The Arrow schema of ``table`` over ``files`` (the union of their columns)."""
    if table == "long":
        return _layout.LONG_SCHEMA
    import pyarrow.parquet as pq

    schemas = [pq.read_schema(root / f).remove_metadata() for f in files]
    if not schemas:
        return pa.schema([])
    return pa.unify_schemas(schemas)


def read_files(
    root: Path, files: Sequence[str], schema: pa.Schema, table: str, filters: Filters
) -> pd.DataFrame:
    """The rows of ``files`` that pass ``filters``, as a contract table."""
    if not files:
        arrow = schema.empty_table()
    else:
        data = pads.dataset([str(root / f) for f in files], schema=schema, format="parquet")
        columns = None
        if table == "wide" and filters.name is not None:
            columns = [c for c in schema.names if _keep_wide(c, filters.name)]
        arrow = data.to_table(filter=filters.expression(table), columns=columns)
    return to_pandas(arrow, table)


def _keep_wide(column: str, names: Sequence[str]) -> bool:
    from humeresearch._contract import split_wide_column

    return column in SPAN_DTYPES or split_wide_column(column)[1] in names


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """Categories present only: model, family and api in the contract's order, others sorted."""
    return tidy_columns(frame, list(frame.columns))


def tidy_columns(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """:func:`tidy` of the categorical columns among ``columns`` (in place)."""
    for column in columns:
        values = frame[column]
        if not isinstance(values.dtype, pd.CategoricalDtype):
            continue
        present = pd.unique(values.dropna().astype(object))
        order = _ORDERED.get(column)
        if order is not None:
            known = [c for c in order if c in set(present)]
            cats = known + sorted(c for c in present if c not in set(order))
        else:
            cats = sorted(present)
        frame[column] = values.cat.set_categories(pd.Index(cats, dtype=object))
    return frame


def to_pandas(arrow: pa.Table, table: str) -> pd.DataFrame:
    """An Arrow table read from a dataset as the contract table ``table``."""
    frame = arrow.to_pandas()
    if table == "long":
        for column in ("source", "file", "model", "track", "family", "name"):
            if not isinstance(frame[column].dtype, pd.CategoricalDtype):
                frame[column] = frame[column].astype("category")
        return tidy(frame[LONG_COLUMNS])
    if not len(arrow.schema):
        return frame
    span_cols = [c for c in frame.columns if c in SPAN_DTYPES]
    scores = [c for c in frame.columns if c not in SPAN_DTYPES]
    spans = normalise_spans(frame[span_cols])
    for column in span_cols:
        dtype = spans[column].dtype
        if SPAN_DTYPES[column] == "string" and not (
            isinstance(dtype, pd.StringDtype) and dtype.na_value is pd.NA
        ):
            spans[column] = spans[column].astype(pd.StringDtype())
    if table == "spans":
        return tidy(spans)
    values = frame[scores].astype(np.float64)
    return mark_scores(tidy(pd.concat([spans, values], axis=1)), scores)
