"""The same recording read from several inputs: recognised, the richest form kept.

A Hume job is often saved in several forms side by side (``predictions.json``, its
``artifacts.zip``, the zip's CSVs). Read as one folder, each form would add the same
recording again. A *recording* is one (source, file) pair of an input. Two recordings
are the same when

* their names agree: the last part of the source (a URL's file name, so
  ``https://host/IMG_4648.mp4`` agrees with ``IMG_4648.mp4``) or the file is shared;
* and their scores agree: every span of one (model, track, begin, end) is a span of
  the other, every score of one is a score of the other (same family and name) within
  :data:`TOLERANCE`.

An input all of whose recordings are recordings of one richer input is a duplicate
of it: it is left out of the tables and its provenance entry says ``duplicate_of``.
Richer means :data:`RICHNESS` (the predictions JSON keeps ``detected_language``,
transcript confidence and ``file_type``, which the CSVs lack), then reading order.
Equal scores under names that do not agree, or an input only some of whose recordings
are held by another, are not merged: a
:class:`~humeresearch.errors.PseudoReplicationWarning` names both inputs.
"""

from __future__ import annotations

import posixpath
import urllib.parse
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from humeresearch._measurements import Measurements

#: largest difference of two scores (or times, in seconds) still counted as equal
TOLERANCE = 1e-6

#: rank of a format's form of a job: lower is richer; other formats rank 0
RICHNESS = {"v0-predictions": 0, "sdk": 0, "v0-artifacts": 1, "v0-csv": 2}

Recording = tuple[str, str]  # (source, file)

_SPAN_KEYS = ["model", "track", "begin", "end"]
_SCORE_KEYS = [*_SPAN_KEYS, "family", "name"]


def richness(m: Measurements) -> int:
    """The rank of the richest form among the inputs of ``m`` (see :data:`RICHNESS`)."""
    formats = [r.get("format") for r in m.provenance.get("inputs", [])]
    return min((RICHNESS.get(str(f), 0) for f in formats), default=0)


def stem(name: str) -> str:
    """The last part of a source or file name (a URL's path, without its query)."""
    if "://" in name:
        name = urllib.parse.urlsplit(name).path
    return posixpath.basename(name.replace("\\", "/").rstrip("/")) or name


@dataclass
class Recordings:
    """The recordings of one input, their tables built only when compared."""

    m: Measurements
    _spans: pd.DataFrame | None = field(default=None, repr=False)
    _long: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        s = self.m.spans()
        pairs = s[["source", "file"]].astype(str).drop_duplicates()
        self.recordings: list[Recording] = list(pairs.itertuples(index=False, name=None))
        self.shape = _shapes(s)

    def names(self, rec: Recording) -> set[str]:
        return {stem(rec[0]), stem(rec[1])}

    def spans(self, rec: Recording) -> pd.DataFrame:
        if self._spans is None:
            self._spans = _keyed(self.m.spans(), _SPAN_KEYS)
        return self._spans.loc[[rec]] if rec in self._spans.index else self._spans.iloc[:0]

    def scores(self, rec: Recording) -> pd.DataFrame:
        if self._long is None:
            self._long = _keyed(self.m.long(), _SCORE_KEYS, "score")
        return self._long.loc[[rec]] if rec in self._long.index else self._long.iloc[:0]


def original(dup: Recordings, kept: list[Recordings]) -> int | None:
    """The index in ``kept`` of the input that holds every recording of ``dup``."""
    if not dup.recordings:
        return None
    for j, k in enumerate(kept):
        if all(_match(dup, rec, k, named=True) for rec in dup.recordings):
            return j
    return None


def lookalikes(dup: Recordings, kept: list[Recordings]) -> list[int]:
    """Indices in ``kept`` holding some recording of ``dup`` (not a duplicate as a whole).

    That is a recording of the same scores under names that do not agree, or some (not
    all) of ``dup``'s recordings under agreeing names.
    """
    found = []
    for j, k in enumerate(kept):
        if any(_match(dup, rec, k, named=n) for rec in dup.recordings for n in (True, False)):
            found.append(j)
    return found


def _match(dup: Recordings, rec: Recording, k: Recordings, *, named: bool) -> bool:
    """Whether ``k`` holds recording ``rec`` of ``dup`` (named alike, or not, as asked)."""
    for other in k.recordings:
        agree = bool(dup.names(rec) & k.names(other))
        if agree != named:
            continue
        if not named and not set(dup.shape.get(rec, ())) <= set(k.shape.get(other, ())):
            continue  # without a name, only recordings holding the same blocks are compared
        if _within(dup.spans(rec), k.spans(other), None) and _within(
            dup.scores(rec), k.scores(other), "score"
        ):
            return True
    return False


def _within(a: pd.DataFrame, b: pd.DataFrame, value: str | None) -> bool:
    """Every row of ``a`` is a row of ``b`` (keys equal, times and ``value`` within tolerance)."""
    if len(a) > len(b):
        return False
    if not len(a):
        return True
    keys = [c for c in a.columns if c != value]
    merged = a.reset_index(drop=True).merge(
        b.reset_index(drop=True), on=keys, how="left", suffixes=("", "_b")
    )
    if len(merged) != len(a):
        return False
    if value is None:
        return True
    diff = np.abs(merged[value].to_numpy(float) - merged[f"{value}_b"].to_numpy(float))
    return bool(np.all(diff <= TOLERANCE))


def _keyed(table: pd.DataFrame, keys: list[str], value: str | None = None) -> pd.DataFrame:
    """``keys`` (+ ``value``) indexed by recording; times on a grid of TOLERANCE."""
    out = pd.DataFrame({c: table[c].astype(str) for c in ("source", "file")})
    for c in keys:
        if c in ("begin", "end"):
            out[c] = np.round(table[c].to_numpy(float) / TOLERANCE).astype("float64")
            out[c] = out[c].fillna(-1.0)  # a text span has no time
        else:
            out[c] = table[c].astype(str).to_numpy()
    out["occurrence"] = out.groupby(["source", "file", *keys], sort=False).cumcount()
    if value is not None:
        out[value] = table[value].to_numpy(float)
    return out.set_index(["source", "file"]).sort_index()


def _shapes(spans: pd.DataFrame) -> dict[Recording, tuple[tuple[str, str, int], ...]]:
    """Per recording, its (model, track, number of spans) blocks: a cheap first test."""
    if not len(spans):
        return {}
    cols = ["source", "file", "model", "track"]
    counts = spans[cols].astype(str).value_counts().sort_index()
    out: dict[Recording, list[tuple[str, str, int]]] = {}
    for (source, file, model, track), n in counts.items():
        out.setdefault((source, file), []).append((model, track, int(n)))
    return {k: tuple(v) for k, v in out.items()}
