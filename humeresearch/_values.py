"""The one value policy of every reader, applied by :class:`~humeresearch._build.Builder`.

* Impossible values are a :class:`~humeresearch.errors.FormatError` naming the input and
  the place: a non-finite score (NaN, inf, ``1e400``), an infinite or negative time,
  ``end < begin``, half a time (``begin`` without ``end`` or the reverse), a missing time
  where the format requires one (v0 face/prosody/burst, v1 audio), a frame outside
  ``0 .. 2**63 - 1``, an empty score name.
* Values outside their documented range (:data:`RANGED`: scores and the detection
  probability ``prob`` in [0, 1], hume-v0.md section 7.3, hume-v1.md section 5) are
  kept and reported by one :class:`~humeresearch.errors.OutOfRangeWarning` per column with their count and the
  first place.

Examples
--------
>>> import numpy as np
>>> check_times([0.0, 1.0], [0.5, 2.0], input="x", place=str)[1].tolist()
[0.5, 2.0]
>>> check_times([1.0], [0.5], input="x", place=lambda k: f"[{k}]")
Traceback (most recent call last):
...
humeresearch.errors.FormatError: x: [0]: end 0.5 is before begin 1.0
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from humeresearch.errors import FormatError

#: column -> documented (low, high); values outside are kept and counted in one warning
RANGED: dict[str, tuple[float, float]] = {"score": (0.0, 1.0), "prob": (0.0, 1.0)}
_MAX_FRAME = 2**63 - 1


@dataclass
class Outside:
    """How many values of one column fell outside their range, and the first place."""

    count: int = 0
    first: str = ""

    def message(self, column: str) -> str:
        low, high = RANGED[column]
        return (
            f"{self.count} value(s) of {column!r} outside the documented range "
            f"[{low:g}, {high:g}] were kept; the first at {self.first}"
        )


def check_times(
    begin: Any, end: Any, *, input: str, place: Callable[[int], str], timed: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """begin and end as float64 arrays; impossible times raise :class:`FormatError`."""
    b = np.asarray(begin, dtype=np.float64)
    e = np.asarray(end, dtype=np.float64)
    tests = (
        (np.isinf(b) | np.isinf(e), lambda k: f"time is not finite ({b[k]}, {e[k]})"),
        (np.isnan(b) != np.isnan(e), lambda k: f"begin {b[k]} and end {e[k]}: half a time"),
        (np.isnan(b) & timed, lambda k: "missing time (required for this model)"),
        ((b < 0) | (e < 0), lambda k: f"negative time ({b[k]}, {e[k]})"),
        (e < b, lambda k: f"end {e[k]} is before begin {b[k]}"),
    )
    for bad, reason in tests:
        if bool(np.any(bad)):
            k = int(np.flatnonzero(np.broadcast_to(bad, b.shape))[0])
            raise FormatError(input, place(k), reason(k))
    return b, e


def check_frames(frame: Any, *, input: str, place: Callable[[int], str]) -> Any:
    """Frame numbers checked to be whole numbers in 0 .. 2**63 - 1 (None allowed)."""
    return check_ints(frame, column="frame", input=input, place=place, low=0)


def check_ints(
    values: Any, *, column: str, input: str, place: Callable[[int], str], low: int = -(2**63)
) -> Any:
    """Whole numbers in ``low`` .. 2**63 - 1 (None allowed); else :class:`FormatError`."""
    arr = values if isinstance(values, np.ndarray) else np.asarray(values, dtype=object)
    span = f"{low} .. 2**63 - 1" if low else "0 .. 2**63 - 1"
    if arr.dtype.kind in "iu":
        bad = np.flatnonzero((arr < low) | (arr > _MAX_FRAME)) if len(arr) else []
        if len(bad):
            k = int(bad[0])
            raise FormatError(input, place(k), f"{column} {int(arr[k])} is outside {span}")
        return arr.astype(np.int64)
    for k, value in enumerate(arr.reshape(-1)):
        if value is None or value is pd.NA:
            continue
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise FormatError(input, place(k), f"expected a whole {column} number, got {value!r}")
        if not low <= int(value) <= _MAX_FRAME:
            raise FormatError(input, place(k), f"{column} {int(value)} is outside {span}")
    return values


def check_scores(scores: Any, span: np.ndarray, *, input: str, place: Callable[[int], str]) -> None:
    """Every score finite and named; raises :class:`FormatError` at the first fault."""
    names: Sequence[str] = scores.names
    values = np.asarray(scores.values, dtype=np.float64)
    if "" in set(names):
        k = list(names).index("")
        row = int(span[0]) if values.ndim == 2 else int(span[k])
        raise FormatError(input, place(row), f"{scores.family} score with an empty name")
    bad = np.flatnonzero(~np.isfinite(values.reshape(-1)))
    if len(bad):
        i = int(bad[0])
        if values.ndim == 2:
            row, name = int(span[i // values.shape[1]]), names[i % values.shape[1]]
        else:
            row, name = int(span[i]), names[i]
        value = values.reshape(-1)[i]
        raise FormatError(
            input, place(row), f"{scores.family} {name!r}: score {value} is not finite"
        )
