"""The :class:`Measurements` container: contract tables of one or many inputs."""

from __future__ import annotations

import datetime as _dt
import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from humeresearch._build import Scores, canonical, normalise_spans
from humeresearch._contract import (
    ERROR_COLUMNS,
    KEYS,
    STRING,
    empty_errors,
    empty_spans,
    validate,
)
from humeresearch._project import drop_unused_categories, long_table, select, wide_table
from humeresearch._version import __version__
from humeresearch.errors import ContractError, FormatError

METADATA_KEY = b"humeresearch"
LAYOUT_KEY = b"humeresearch.layout"


def new_provenance(inputs: list[dict[str, Any]]) -> dict[str, Any]:
    """A provenance record for freshly read inputs."""
    return {
        "humeresearch_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "inputs": inputs,
    }


@dataclass(frozen=True, eq=False)
class Measurements:
    """Contract tables read from one or many Hume outputs (immutable).

    Create it with :func:`humeresearch.read`, :func:`humeresearch.read_parquet` or
    :func:`humeresearch.concat`; every method returns a new DataFrame, never a view
    into the container.

    Attributes
    ----------
    provenance : dict
        Toolkit version, creation time and, for each input, its path as given, size,
        sha256, detected format and the job/request configuration where the input
        holds one.

    Examples
    --------
    >>> import humeresearch as hr
    >>> doc = [{"source": {"type": "url", "url": "https://x/a.jpg"}, "results": {
    ...     "errors": [], "predictions": [{"file": "a.jpg", "models": {"face": {
    ...     "grouped_predictions": [{"id": "unknown", "predictions": [{"frame": 0,
    ...     "time": 0.0, "prob": 0.99, "box": {"x": 1, "y": 2, "w": 3, "h": 4},
    ...     "emotions": [{"name": "Joy", "score": 0.5}, {"name": "Calmness", "score": 0.25}]}]}]}}}]}}]
    >>> m = hr.read(doc)
    >>> m.long()[["model", "name", "score"]].to_dict("records")
    [{'model': 'face', 'name': 'Joy', 'score': 0.5}, {'model': 'face', 'name': 'Calmness', 'score': 0.25}]
    >>> m.wide()[["begin", "Joy", "Calmness"]].to_dict("records")
    [{'begin': 0.0, 'Joy': 0.5, 'Calmness': 0.25}]
    """

    _spans: pd.DataFrame
    _scores: Scores
    _errors: pd.DataFrame
    provenance: dict[str, Any] = field(default_factory=dict)

    # -- tables ---------------------------------------------------------------------------

    def spans(self, *, model: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The spans table: one row per prediction span (a copy).

        Parameters
        ----------
        model : str or list of str, optional
            Keep only the spans of this model (or these models); the categorical
            columns then keep only the categories present.

        Returns
        -------
        DataFrame
            A spans contract table.

        Examples
        --------
        >>> from humeresearch import testing
        >>> m = testing.measurements(models=["face", "prosody"])
        >>> m.spans(model="prosody")["model"].cat.categories.tolist()
        ['prosody']
        """
        spans, _ = self._select(model)
        if model is None:
            return spans.copy()
        return drop_unused_categories(spans)

    def errors(self) -> pd.DataFrame:
        """The errors table: one row per problem the inputs report (a copy).

        Returns
        -------
        DataFrame
            An errors contract table: ``source``, ``file``, ``level``, ``message``,
            ``code``.

        Examples
        --------
        >>> import humeresearch as hr
        >>> m = hr.read([{"source": {"type": "url", "url": "u"}, "error": "gone"}])
        >>> m.errors()[["source", "level", "message"]].to_dict("records")
        [{'source': 'u', 'level': 'source', 'message': 'gone'}]
        """
        return self._errors.copy()

    def long(self, *, model: str | Sequence[str] | None = None) -> pd.DataFrame:
        """The long table: one row per (span, family, name), in span then column order.

        Key columns ``source``, ``file`` and ``track`` are categorical here (the
        spans table holds them as strings); ``score`` is the API's value unchanged.

        Parameters
        ----------
        model : str or list of str, optional
            Keep only the scores of this model (or these models); the categorical
            columns then keep only the categories present.

        Returns
        -------
        DataFrame
            A long contract table.

        Examples
        --------
        >>> from humeresearch import testing
        >>> m = testing.measurements(models=["face", "prosody", "burst"], names=["Joy"])
        >>> long = m.long(model=["prosody", "burst"])
        >>> long["model"].value_counts(sort=False).to_dict()
        {'burst': 4, 'prosody': 4}
        """
        spans, scores = self._select(model)
        long = long_table(spans, scores)
        return long if model is None else drop_unused_categories(long)

    def wide(
        self, *, model: str | Sequence[str] | None = None, dtype: Any = np.float64
    ) -> pd.DataFrame:
        """The wide table: the spans table plus one column per (family, name).

        Parameters
        ----------
        model : str or list of str, optional
            Keep only the spans of this model (or these models) and the score
            columns they have; the categorical columns then keep only the categories
            present.
        dtype : numpy dtype, default float64
            Dtype of the score columns (``np.float32`` halves their memory).

        Returns
        -------
        DataFrame
            Emotion columns use the bare name (``Amusement``), other families are
            prefixed (``facs:``, ``description:``, ``sentiment:``, ``toxicity:``,
            ``voice_attribute:``). NaN where the input had no value (v1 is sparse).

        Examples
        --------
        >>> from humeresearch import testing
        >>> m = testing.measurements(models=["face", "prosody"], names=["Joy"])
        >>> m.wide(model=["face", "prosody"]).shape, m.wide(model="prosody").shape
        ((22, 11), (4, 11))
        """
        spans, scores = self._select(model)
        return wide_table(spans, scores, dtype=dtype, selected=model is not None)

    def _select(self, model: str | Sequence[str] | None) -> tuple[pd.DataFrame, Scores]:
        """The spans of ``model`` and their scores; all when None."""
        if model is None:
            return self._spans, self._scores
        return select(self._spans, self._scores, model)

    # -- description ----------------------------------------------------------------------

    @property
    def score_columns(self) -> list[tuple[str, str]]:
        """Every (family, name) these measurements hold, in column order."""
        return list(self._scores.columns)

    def __len__(self) -> int:
        return len(self._spans)

    def __repr__(self) -> str:
        s = self._spans
        models = ", ".join(f"{m}={n}" for m, n in s["model"].value_counts(sort=False).items() if n)
        return (
            f"<Measurements: {s['source'].nunique()} source(s), {s['file'].nunique()} file(s), "
            f"{len(s)} spans ({models or 'none'}), {len(self._scores.values)} scores, "
            f"{len(self._errors)} error(s)>"
        )

    # -- persistence ----------------------------------------------------------------------

    def to_parquet(self, path: str | os.PathLike[str]) -> Path:
        """Write the measurements to one Parquet file, provenance in its metadata.

        The file holds the wide table (float64 scores); its key-value metadata holds
        the provenance under ``humeresearch`` and the layout (score columns, errors
        table) under ``humeresearch.layout``. :func:`read_parquet` restores
        ``spans()``, ``long()``, ``wide()``, ``errors()`` and ``provenance`` exactly.

        Parameters
        ----------
        path : str or Path
            The file to write.

        Returns
        -------
        Path
            ``path``.

        Examples
        --------
        >>> import tempfile, humeresearch as hr
        >>> from humeresearch import testing
        >>> m = testing.measurements(models=["face", "prosody"])
        >>> path = m.to_parquet(tempfile.mkdtemp() + "/m.parquet")
        >>> hr.read_parquet(path).long().equals(m.long())
        True
        """
        path = Path(path)
        wide = self.wide()
        layout = {
            "form": "measurements",
            "span_columns": list(self._spans.columns),
            "scores": [
                [f, n, c]
                for (f, n), c in zip(self._scores.columns, wide.columns[len(self._spans.columns) :])
            ],
            "errors": self._errors.astype(object).where(self._errors.notna(), None).to_dict("list"),
        }
        write_table(wide, path, self.provenance, layout)
        return path


def write_table(
    table: pd.DataFrame, path: Path, provenance: dict[str, Any], layout: dict[str, Any]
) -> None:
    """Write one DataFrame to Parquet with humeresearch metadata."""
    arrow = pa.Table.from_pandas(table, preserve_index=False)
    metadata = dict(arrow.schema.metadata or {})
    metadata[METADATA_KEY] = json.dumps(provenance).encode()
    metadata[LAYOUT_KEY] = json.dumps(layout).encode()
    pq.write_table(arrow.replace_schema_metadata(metadata), path)


def read_parquet(path: str | os.PathLike[str]) -> Measurements:
    """Read a file written by :meth:`Measurements.to_parquet`.

    Parameters
    ----------
    path : str or Path
        The Parquet file.

    Returns
    -------
    Measurements
        Tables and provenance equal to the ones written.

    Examples
    --------
    >>> import tempfile, humeresearch as hr
    >>> m = hr.read([{"source": {"type": "text"}, "results": {"predictions": [], "errors": []}}])
    >>> p = m.to_parquet(tempfile.mkdtemp() + "/m.parquet")
    >>> hr.read_parquet(p).provenance == m.provenance
    True
    """
    name = os.fspath(path)
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise FormatError(name, "", f"not a readable Parquet file ({exc})") from None
    metadata = table.schema.metadata or {}
    if LAYOUT_KEY not in metadata:
        raise FormatError(
            name, "metadata", "not written by humeresearch (no 'humeresearch.layout' key)"
        )
    layout = json.loads(metadata[LAYOUT_KEY])
    if layout.get("form") != "measurements":
        raise FormatError(
            name,
            "metadata",
            f"holds a {layout.get('form')!r} table, not measurements; read it with pandas",
        )
    provenance = json.loads(metadata.get(METADATA_KEY, b"{}"))
    frame = table.to_pandas()
    spans = frame[layout["span_columns"]].copy()
    score_cols = [c for _, _, c in layout["scores"]]
    matrix = (
        frame[score_cols].to_numpy(dtype=np.float64) if score_cols else np.empty((len(frame), 0))
    )
    rows, cols = np.nonzero(~np.isnan(matrix))
    scores = Scores(
        rows.astype(np.int64),
        cols.astype(np.int32),
        matrix[rows, cols],
        [(f, n) for f, n, _ in layout["scores"]],
    )
    errors = pd.DataFrame(layout["errors"], columns=ERROR_COLUMNS).astype(STRING)
    return Measurements(normalise_spans(spans), scores, errors, provenance)


def concat(items: Iterable[Measurements]) -> Measurements:
    """Combine several :class:`Measurements` into one.

    Parameters
    ----------
    items : iterable of Measurements
        Typically one per input file.

    Returns
    -------
    Measurements
        Spans, scores and errors of every item, in order; the provenance lists every
        input of every item.

    Raises
    ------
    ContractError
        When two items hold the same span key (the same source read twice).

    Examples
    --------
    >>> import humeresearch as hr
    >>> a = hr.read([{"source": {"type": "url", "url": "u1"}, "error": "could not download"}])
    >>> b = hr.read([{"source": {"type": "url", "url": "u2"}, "error": "could not download"}])
    >>> hr.concat([a, b]).errors()["source"].tolist()
    ['u1', 'u2']
    """
    items = list(items)
    if not items:
        return empty_measurements()
    if len(items) == 1:
        return items[0]
    registry: dict[tuple[str, str], int] = {}
    rows, cols, vals = [], [], []
    offset = 0
    for m in items:
        remap = np.array(
            [registry.setdefault(c, len(registry)) for c in m._scores.columns], dtype=np.int32
        )
        rows.append(m._scores.rows + offset)
        cols.append(remap[m._scores.cols] if len(remap) else m._scores.cols)
        vals.append(m._scores.values)
        offset += len(m._spans)
    spans = pd.concat([m._spans for m in items], ignore_index=True)
    spans = normalise_spans(spans)
    dup = spans.duplicated(KEYS)
    if dup.any():
        key = spans.loc[dup, KEYS].iloc[0].to_dict()
        raise ContractError(
            f"concat: span key {key} occurs in more than one input (was the same source read twice?)"
        )
    scores = canonical(
        Scores(np.concatenate(rows), np.concatenate(cols), np.concatenate(vals), list(registry))
    )
    errors = pd.concat([m._errors for m in items], ignore_index=True).astype(STRING)
    inputs = [i for m in items for i in m.provenance.get("inputs", [])]
    return Measurements(spans, scores, errors, new_provenance(inputs))


def empty_measurements(provenance: dict[str, Any] | None = None) -> Measurements:
    """Measurements with no spans."""
    return Measurements(
        empty_spans(), Scores.empty(), empty_errors(), provenance or new_provenance([])
    )


def check(m: Measurements) -> Measurements:
    """Validate the tables of ``m`` against the contract (used by every reader).

    Key uniqueness is guaranteed by the builder (one block per key prefix, span ids
    numbered within it), so it is not re-checked row by row here.
    """
    validate(m._spans, "spans", unique=False)
    validate(m._errors, "errors")
    return m
