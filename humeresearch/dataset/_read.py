"""open_dataset and :class:`Dataset`: the tables of a dataset, with pandas or Dask."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from humeresearch._tables import as_list, check_option
from humeresearch.dataset import _engine, _layout, _plan
from humeresearch.dataset._layout import ENGINES, Engine

if TYPE_CHECKING:  # pragma: no cover
    import dask.dataframe as dd

_MANIFEST_COLUMNS = ["id", "sha256", "name", "format", "added", "spans", "rows", "errors"]


class _Loader:
    """Reads one partition (picklable, so that Dask workers can call it)."""

    def __init__(
        self, root: Path, schema: Any, table: str, filters: _plan.Filters, files: list[list[str]]
    ) -> None:
        self.root, self.schema, self.table, self.filters = root, schema, table, filters
        self.files = files

    def __call__(self, index: int) -> pd.DataFrame:
        return _plan.read_files(self.root, self.files[index], self.schema, self.table, self.filters)

    def __dask_tokenize__(self) -> tuple[Any, ...]:
        return (str(self.root), self.schema.to_string(), self.table, self.filters, self.files)


@dataclass(frozen=True, eq=False)
class Dataset:
    """A dataset written by :func:`to_dataset`, opened with its filters and engine.

    Create it with :func:`open_dataset`. The table methods return pandas DataFrames
    (engine ``"pandas"``) or lazy Dask DataFrames (engine ``"dask"``) with the same
    columns and dtypes; each Dask partition holds whole recordings (every row of a
    source), the same partition in every table.

    Attributes
    ----------
    path : Path
        The dataset folder.
    engine : {"pandas", "dask"}
        What the table methods return.
    filters : dict
        The ``model``, ``source``, ``name`` and ``time`` filters given (None: all).

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(models=["face", "prosody"]), folder)
    >>> ds = dataset.open_dataset(folder, model="prosody")
    >>> ds.long()["model"].unique().tolist(), len(ds.spans())
    (['prosody'], 4)
    """

    path: Path
    engine: Engine
    filters: dict[str, Any]
    _settings: _layout.Settings
    _entries: list[dict[str, Any]]
    _partitions: list[tuple[tuple[str, str], ...]]

    @property
    def _filters(self) -> _plan.Filters:
        f = self.filters
        return _plan.Filters(
            *(tuple(f[k]) if f[k] is not None else None for k in ("model", "source", "name")),
            f["time"],
        )

    @property
    def manifest(self) -> pd.DataFrame:
        """One row per input added: id, sha256, name, format, added, spans, rows, errors.

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(), folder)
        >>> dataset.open_dataset(folder).manifest[["name", "spans", "rows"]].to_dict("records")
        [{'name': '<measurements 0>', 'spans': 18, 'rows': 54}]
        """
        rows = []
        for e in self._entries:
            prov = e.get("provenance") or [{}]
            rows.append(
                (
                    e["id"],
                    e["sha256"],
                    e["name"],
                    ",".join(sorted({str(p.get("format")) for p in prov})),
                    e["added"],
                    sum(p["rows"].get("spans", 0) for p in e["parts"]),
                    sum(p["rows"].get("long", 0) for p in e["parts"]),
                    e.get("errors", 0),
                )
            )
        return pd.DataFrame(rows, columns=_MANIFEST_COLUMNS)

    def provenance(self) -> list[dict[str, Any]]:
        """The provenance of every input, as :func:`humeresearch.read` recorded it.

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(), folder)
        >>> dataset.open_dataset(folder).provenance()[0]["format"]
        'synthetic'
        """
        return [p for e in self._entries for p in e.get("provenance", [])]

    def long(self) -> pd.DataFrame | dd.DataFrame:
        """The long table (filters applied): pandas or a lazy Dask DataFrame.

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(), folder)
        >>> dataset.open_dataset(folder, name="Joy", time=(0.0, 1.0)).long()["begin"].tolist()
        [0.0, 0.3333333333333333, 0.6666666666666666]
        """
        return self._table("long")

    def spans(self) -> pd.DataFrame | dd.DataFrame:
        """The spans table (filters applied; ``name`` does not filter spans).

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(sources=["a", "b"]), folder)
        >>> dataset.open_dataset(folder, source="b").spans()["source"].unique().tolist()
        ['b']
        """
        return self._table("spans")

    def wide(self) -> pd.DataFrame | dd.DataFrame:
        """The wide table (written with ``to_dataset(wide=True)``); ``name`` keeps those columns.

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(), folder, wide=True)
        >>> dataset.open_dataset(folder, name="Joy").wide().columns.tolist()[-2:]
        ['text', 'Joy']
        """
        if "wide" not in self._settings.tables:
            raise ValueError(f"Dataset.wide: {self.path} was written without wide tables")
        return self._table("wide")

    def errors(self) -> pd.DataFrame:
        """The errors table of every input (pandas: it is small).

        Examples
        --------
        >>> import tempfile
        >>> from humeresearch import dataset, testing
        >>> folder = tempfile.mkdtemp() + "/corpus"
        >>> _ = dataset.to_dataset(testing.measurements(), folder)
        >>> len(dataset.open_dataset(folder).errors())
        0
        """
        from humeresearch._contract import empty_errors

        files = [self.path / f"errors/{e['id']}.parquet" for e in self._entries if e.get("errors")]
        if not files:
            return empty_errors()
        return pd.concat([pd.read_parquet(f) for f in files], ignore_index=True).astype("string")

    @property
    def npartitions(self) -> int:
        """Number of partitions of the Dask tables."""
        return len(self._partitions)

    def _table(self, table: str) -> pd.DataFrame | dd.DataFrame:
        model = self.filters["model"]
        files = [_plan.files_of(self._entries, p, table, model) for p in self._partitions]
        schema = _plan.schema_of(self.path, [f for fs in files for f in fs], table)
        loader = _Loader(self.path, schema, table, self._filters, files)
        if self.engine == "pandas":
            flat = [f for fs in files for f in fs]
            return _plan.read_files(self.path, flat, schema, table, self._filters)
        dd = _engine.import_dask("open_dataset")
        meta = _engine.unknown_categories(_plan.to_pandas(schema.empty_table(), table))
        ddf = dd.from_map(loader, range(len(files)), meta=meta, enforce_metadata=False)
        layout = (str(self.path.resolve()), tuple(self._partitions))
        return _engine.mark(ddf, layout)

    def __repr__(self) -> str:
        given = {k: v for k, v in self.filters.items() if v is not None}
        return (
            f"<Dataset {self.path}: {len(self._entries)} input(s), {self.npartitions} "
            f"partition(s), engine={self.engine!r}, filters={given}>"
        )


def _time(time: tuple[float, float] | None) -> tuple[float, float] | None:
    if time is None:
        return None
    try:
        start, stop = (float(t) for t in time)
    except (TypeError, ValueError):
        raise ValueError(
            f"open_dataset: time must be (start, stop) in seconds; got {time!r}"
        ) from None
    if not start < stop:
        raise ValueError(f"open_dataset: time must have start < stop; got {time!r}")
    return start, stop


def open_dataset(
    path: str | os.PathLike[str],
    *,
    engine: Engine = "pandas",
    model: str | Sequence[str] | None = None,
    source: str | Sequence[str] | None = None,
    name: str | Sequence[str] | None = None,
    time: tuple[float, float] | None = None,
) -> Dataset:
    """Open a dataset written by :func:`to_dataset`, with filters pushed down to pyarrow.

    Filters skip whole files (``model``: folders; ``source``: hash buckets) and then
    rows, using Parquet statistics (``source``, ``name``, ``time``).

    Parameters
    ----------
    path : str or Path
        The dataset folder.
    engine : {"pandas", "dask"}, default "pandas"
        ``"pandas"``: the table methods read into pandas DataFrames. ``"dask"``:
        lazy ``dask.dataframe`` tables with the same columns and dtypes (needs
        ``pip install "humeresearch[dataset]"``); they compute on the active
        ``dask.distributed`` client, if any.
    model, source, name : str or list of str, optional
        Keep only these models, sources, expression names (``name`` filters the
        long table and keeps those score columns of the wide table).
    time : (float, float), optional
        ``(start, stop)`` seconds: keep the rows that share time with
        ``[start, stop)``: ``begin < stop`` and (``end > start`` or
        ``begin >= start``); rows without time are left out.

    Returns
    -------
    Dataset
        Its ``long()``, ``spans()``, ``wide()``, ``errors()``, ``manifest``.

    Examples
    --------
    >>> import tempfile
    >>> from humeresearch import dataset, testing
    >>> folder = tempfile.mkdtemp() + "/corpus"
    >>> _ = dataset.to_dataset(testing.measurements(sources=["a", "b"]), folder)
    >>> ds = dataset.open_dataset(folder, source="a", name=["Joy", "Sadness"])
    >>> ds.long().groupby("name", observed=True).size().to_dict()
    {'Joy': 18, 'Sadness': 18}
    """
    check_option(engine, ENGINES, name="engine", func="open_dataset")
    root = Path(path)
    settings = _layout.load_settings(root)
    if settings is None:
        raise FileNotFoundError(f"open_dataset: {root} is not a dataset (no {_layout.SETTINGS})")
    if engine == "dask":
        _engine.import_dask("open_dataset")
    entries = _layout.load_manifest(root)
    sources = as_list(source)
    filters = {
        "model": as_list(model),
        "source": sources,
        "name": as_list(name),
        "time": _time(time),
    }
    partitions = _plan.plan(entries, settings.buckets, sources)
    return Dataset(root, engine, filters, settings, entries, partitions)
