"""``humeresearch convert INPUT... --dataset DIR``: add inputs to a Parquet dataset."""

from __future__ import annotations

import os
from collections.abc import Sequence

from humeresearch.dataset._write import to_dataset


def convert(
    inputs: Sequence[str],
    path: str | os.PathLike[str],
    *,
    wide: bool = False,
    buckets: int = 16,
    strict: bool = False,
) -> int:
    """Add every input to the dataset at ``path``; print one line per input and a total.

    Returns the exit status: 0 when every input was added or already there, 1 when
    one was unreadable (``strict``: raise on the first).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from humeresearch import testing
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = testing.measurements().to_parquet(tmp / "m.parquet")
    >>> convert([str(tmp / "m.parquet")], tmp / "corpus")  # doctest: +ELLIPSIS
    added      .../m.parquet (18 spans, 54 rows)
    dataset ...corpus: 1 added, 0 already there, 0 unreadable
    0
    """
    report = to_dataset(
        list(inputs), path, wide=wide, buckets=buckets, errors="raise" if strict else "collect"
    )
    for row in report.itertuples(index=False):
        detail = f"({row.spans} spans, {row.rows} rows)" if row.status == "added" else row.message
        print(f"{row.status:<10} {row.input} {detail}".rstrip())
    counts = report["status"].value_counts()
    print(
        f"dataset {path}: {counts.get('added', 0)} added, {counts.get('duplicate', 0)} already "
        f"there, {counts.get('unreadable', 0)} unreadable"
    )
    return 1 if counts.get("unreadable", 0) else 0
