"""Corpora larger than memory: a partitioned Parquet dataset, and Dask for scale-out.

:func:`to_dataset` converts any number of inputs, one at a time, into one Parquet
dataset partitioned by model and a hash bucket of source; :func:`open_dataset` reads
it back with filters pushed down, into pandas or into lazy Dask DataFrames.
:func:`summarize`, :func:`resample`, :func:`align`, :func:`annotate` and
:func:`reduce` (the subject-level reduction that ``compare``, ``mixed`` and
``cluster_test`` start with) accept a Dask DataFrame or an opened :class:`Dataset`
and return what the pandas functions return on the same data.

Dask is optional: ``pip install "humeresearch[dataset]"``. Everything here runs with
pandas alone except the ``"dask"`` engine.

Examples
--------
>>> import tempfile
>>> from humeresearch import dataset, testing
>>> folder = tempfile.mkdtemp() + "/corpus"
>>> _ = dataset.to_dataset(testing.measurements(sources=["a", "b"]), folder)
>>> dataset.open_dataset(folder).long().shape
(108, 10)
"""

from __future__ import annotations

from humeresearch.dataset._align import align
from humeresearch.dataset._engine import is_dask
from humeresearch.dataset._ops import annotate, resample, summarize
from humeresearch.dataset._read import Dataset, open_dataset
from humeresearch.dataset._reduce import reduce
from humeresearch.dataset._write import to_dataset

__all__ = [
    "Dataset",
    "align",
    "annotate",
    "is_dask",
    "open_dataset",
    "reduce",
    "resample",
    "summarize",
    "to_dataset",
]
