"""v1 measurements (:mod:`humeresearch.wire.v1`) as builder blocks: shared by the file
response and realtime log readers.

Scores stay sparse (one :class:`~humeresearch._build.Sparse` per family, never
filled); names are kept exactly as sent (lower case, unknown names included);
milliseconds become seconds.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from humeresearch._build import Builder, Sparse
from humeresearch.errors import FormatError
from humeresearch.wire.v1 import AudioMeasurement, Face, Score, VideoMeasurement


def sparse(
    family: str, lists: Sequence[list[Score] | None], name: str, paths: Sequence[str], attr: str
) -> Sparse | None:
    """Sparse scores of one family; a name repeated within one list is a FormatError."""
    lengths = np.array([len(x) if x else 0 for x in lists], dtype=np.int64)
    if not lengths.sum():
        return None
    flat = [s for x in lists if x for s in x]
    span = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    names = [s.name for s in flat]
    values = np.fromiter((s.probability for s in flat), dtype=np.float64, count=len(flat))
    pos = _first_repeat(lists)
    if pos is not None:
        k = int(span[pos])
        offset = pos - int(lengths[:k].sum())
        raise FormatError(
            name, f"{paths[k]}.{attr}[{offset}].name", f"duplicate name {names[pos]!r}"
        )
    return Sparse(family, span, names, values)


def _first_repeat(lists: Sequence[list[Score] | None]) -> int | None:
    """Position (in the flattened lists) of the first name repeated within its own list."""
    pos = 0
    for scores in lists:
        if not scores:
            continue
        seen: set[str] = set()
        for s in scores:
            if s.name in seen:
                return pos
            seen.add(s.name)
            pos += 1
    return None


def _unique_ids(
    values: list[int], paths: Sequence[str], name: str, field: str, label: str
) -> np.ndarray:
    """Sorted ids as an array; a repeated id, or one outside 0 .. 2**63 - 1, is a FormatError."""
    for k, value in enumerate(values):
        if not 0 <= value < 2**63:
            raise FormatError(
                name, f"{paths[k]}.{field}", f"{label} {value} is outside 0 .. 2**63 - 1"
            )
    ids = np.array(values, dtype=np.int64)
    dup = np.flatnonzero(ids[1:] == ids[:-1])
    if len(dup):
        k = int(dup[0]) + 1
        raise FormatError(name, f"{paths[k]}.{field}", f"repeats {label} {int(ids[k])}")
    return ids


def add_audio(
    builder: Builder,
    items: list[tuple[AudioMeasurement, str]],
    *,
    name: str,
    source: str,
    file: str,
) -> None:
    """One ``audio`` block (track ``unknown``), ordered by ``measurement_id``."""
    if not items:
        return
    items = sorted(items, key=lambda it: it[0].measurement_id)
    ms = [m for m, _ in items]
    paths = [p for _, p in items]
    ids = _unique_ids([m.measurement_id for m in ms], paths, name, "measurement_id", "id")
    columns: dict[str, Any] = {
        "utterance_id": [m.utterance_id for m in ms],
        "trigger": [m.trigger for m in ms],
    }
    if not np.array_equal(ids, np.arange(len(ids))):
        warnings.warn(
            f"{name}: {source}/{file}: measurement ids are not 0..{len(ids) - 1} (an incomplete "
            "log?); span_id is their rank and a 'measurement_id' column keeps the API's ids",
            UserWarning,
            stacklevel=4,
        )
        columns["measurement_id"] = ids
    scores = [
        s
        for s in (
            sparse("emotion", [m.expressions for m in ms], name, paths, "expressions"),
            sparse(
                "voice_attribute",
                [m.voice_attributes for m in ms],
                name,
                paths,
                "voice_attributes",
            ),
        )
        if s is not None
    ]
    builder.add(
        api="v1",
        source=source,
        file=file,
        model="audio",
        track="unknown",
        begin=np.array([m.audio_start_ms for m in ms], dtype=np.float64) / 1000.0,
        end=np.array([m.audio_end_ms for m in ms], dtype=np.float64) / 1000.0,
        columns=columns,
        scores=scores,
        input=name,
        place=lambda k: paths[k],
        timed=True,
    )


def frame_clock(fps: Any, frame_times: Any) -> Any:
    """A function frame_id -> seconds from ``fps=`` or ``frame_times=`` (or None)."""
    if fps is not None and frame_times is not None:
        raise ValueError("give either fps= or frame_times=, not both")
    if fps is not None:
        try:
            rate = float(fps)
        except (TypeError, ValueError):
            raise ValueError(f"fps must be a positive number, got {fps!r}") from None
        if not math.isfinite(rate) or rate <= 0:
            raise ValueError(f"fps must be a positive number, got {fps!r}")
        return lambda frame: frame / rate
    if frame_times is None:
        return None
    if isinstance(frame_times, Mapping):
        table = {int(k): float(v) for k, v in frame_times.items()}
    elif isinstance(frame_times, Sequence | np.ndarray) and not isinstance(frame_times, str):
        table = {i: float(v) for i, v in enumerate(frame_times)}
    else:
        raise ValueError(
            "frame_times must be a list of seconds (indexed by frame_id) or a mapping "
            f"{{frame_id: seconds}}, got {type(frame_times).__name__}"
        )

    def clock(frame: int) -> float:
        try:
            return table[frame]
        except KeyError:
            raise ValueError(f"frame_times has no time for frame_id {frame}") from None

    return clock


def add_video(
    builder: Builder,
    items: list[tuple[VideoMeasurement, str]],
    *,
    name: str,
    source: str,
    file: str,
    clock: Any = None,
) -> None:
    """``video`` blocks, one per face_id (``unmeasured`` for faces without an id)."""
    if not items:
        return
    items = sorted(items, key=lambda it: it[0].frame_id)
    _unique_ids([m.frame_id for m, _ in items], [p for _, p in items], name, "frame_id", "frame_id")
    tracks: dict[str, list[tuple[int, Face, str]]] = {}
    for m, path in items:
        for j, face in enumerate(m.faces):
            track = "unmeasured" if face.face_id is None else str(face.face_id)
            tracks.setdefault(track, []).append((m.frame_id, face, f"{path}.faces[{j}]"))
    for track, rows in tracks.items():
        paths = [p for _, _, p in rows]
        box = np.full((len(rows), 4), np.nan)
        for k, (_, face, path) in enumerate(rows):
            if face.bbox is None:
                continue
            if len(face.bbox) != 4:
                raise FormatError(
                    name, f"{path}.bbox", f"expected [x0, y0, x1, y1], got {len(face.bbox)} numbers"
                )
            box[k] = face.bbox
        frame = np.array([f for f, _, _ in rows], dtype=np.int64)
        if clock is not None:
            begin = np.array([clock(int(f)) for f in frame], dtype=np.float64)
        else:
            begin = np.full(len(rows), np.nan)
        columns: dict[str, Any] = {}
        conf = np.array(
            [np.nan if face.confidence is None else face.confidence for _, face, _ in rows]
        )
        if not np.isnan(conf).all():
            columns["prob"] = conf
        if not np.isnan(box).all():
            columns["box_x"], columns["box_y"] = box[:, 0], box[:, 1]
            columns["box_w"], columns["box_h"] = box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]
        faces = [face for _, face, _ in rows]
        scores = [
            s
            for s in (
                sparse("emotion", [f.expressions for f in faces], name, paths, "expressions"),
                sparse("description", [f.descriptions for f in faces], name, paths, "descriptions"),
            )
            if s is not None
        ]
        builder.add(
            api="v1",
            source=source,
            file=file,
            model="video",
            track=track,
            begin=begin,
            end=begin.copy(),
            frame=frame,
            columns=columns,
            scores=scores,
            input=name,
            place=lambda k, paths=paths: paths[k],
        )
