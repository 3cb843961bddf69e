"""Steps of the synthetic-table builders of :mod:`humeresearch.testing`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: models whose predictions are instants (one frame: ``begin == end``).
INSTANT_MODELS: tuple[str, ...] = ("face", "facemesh", "video")
#: the track every span of a model gets unless ``tracks`` says otherwise.
DEFAULT_TRACKS: dict[str, str] = {
    "face": "face_0",
    "facemesh": "face_0",
    "video": "face_0",
    "prosody": "spk_0",
}

#: the ``sources`` of a builder: one file per source, or the files of each source.
Sources = Sequence[str] | Mapping[str, Sequence[str]]
#: the ``tracks`` of a builder: track name(s) per model.
Tracks = Mapping[str, str | Sequence[str]] | None


def with_design(
    long: pd.DataFrame, rows: list[tuple[str, str, str, int]], conditions: Sequence[str]
) -> pd.DataFrame:
    """``long`` plus participant, condition and trial, looked up by source."""
    index = {source: i for i, (source, *_) in enumerate(rows)}
    at = long["source"].astype(object).map(index).to_numpy(dtype=np.int64)
    participant = np.array([r[1] for r in rows], dtype=object)[at]
    condition = np.array([r[2] for r in rows], dtype=object)[at]
    trial = np.array([r[3] for r in rows], dtype=np.int64)[at]
    return long.assign(
        participant=pd.array(participant, dtype="string"),
        condition=pd.Categorical(condition, categories=list(dict.fromkeys(conditions))),
        trial=trial,
    )


def source_files(sources: Sources) -> list[tuple[str, str]]:
    """(source, file) pairs: a sequence holds one file per source, a mapping lists them."""
    if isinstance(sources, str):
        sources = [sources]
    if isinstance(sources, Mapping):
        return [
            (source, file)
            for source, files in sources.items()
            for file in ([files] if isinstance(files, str) else files)
        ]
    return [(source, source) for source in sources]


def track_names(model: str, tracks: Tracks) -> list[str]:
    """The tracks of ``model``: from ``tracks``, else its default."""
    chosen = (tracks or {}).get(model, DEFAULT_TRACKS.get(model, "unknown"))
    return [chosen] if isinstance(chosen, str) else list(chosen)


def span_times(
    model: str, *, duration: float, fps: float, span: float, gap: float
) -> tuple[np.ndarray, np.ndarray, Any]:
    """(begin, end, frame) of one series of ``model``."""
    if model in INSTANT_MODELS:
        n = max(math.ceil(duration * fps - 1e-9), 0)
        begin = np.arange(n) / fps
        return begin, begin.copy(), np.arange(n, dtype=np.int64)
    step = span + gap
    n = max(math.floor((duration - span) / step + 1e-9) + 1, 0) if duration >= span else 0
    begin = np.arange(n) * step
    return begin, begin + span, [None] * n


def arguments(local: dict[str, Any]) -> dict[str, Any]:
    """A builder's keyword arguments from its ``locals()``."""
    return {k: v for k, v in local.items() if not k.startswith("_")}


def jsonable(value: Any) -> Any:
    """``value`` (str, mapping, sequence or None) as JSON-ready lists and dicts."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    return [jsonable(v) for v in value]
