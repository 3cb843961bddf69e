"""Reader for v0 batch predictions JSON (``GET /v0/batch/jobs/{id}/predictions``).

The document is decoded straight into typed msgspec structs (no intermediate
dicts), then every (source, file, model, group) becomes one block of spans. Scores
are keyed by name, never by position: when every prediction of a group lists the
same names in the same order (the usual case) they are taken as one matrix;
otherwise each score is placed by its name.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from itertools import chain
from operator import attrgetter
from typing import Any

import msgspec
import numpy as np

from humeresearch._build import Builder, Dense, Sparse
from humeresearch.errors import FormatError
from humeresearch.readers._fast import fast_schema, fixed_schema, model_items
from humeresearch.readers._json import format_error, json_bytes, json_prefix
from humeresearch.readers._registry import Format, register
from humeresearch.readers._source import Input
from humeresearch.wire.v0 import (
    MODEL_FIELDS,
    PREDICTIONS,
    SCORE_LISTS,
    Entry,
    FilePrediction,
    ModelBlock,
    Prediction,
    Score,
)

_DECODER = msgspec.json.Decoder(PREDICTIONS)
_FAST = fast_schema(Entry, Score)
_FIXED = fixed_schema(Entry, Prediction, ModelBlock, FilePrediction)

# every score list and field, for a model name outside the v0 models
_ALL_FAMILIES = (*SCORE_LISTS["face"], *SCORE_LISTS["language"][1:])
_ALL_FIELDS = (*MODEL_FIELDS["face"], *MODEL_FIELDS["ner"])
#: models whose spans need a time (hume-v0.md section 7.3)
_TIMED = frozenset({"face", "prosody", "burst"})
_NAME = attrgetter("name")
_SCORE = attrgetter("score")


# -- detection and decoding --------------------------------------------------------------


def sniff(prefix: bytes) -> bool:
    """Does a JSON document starting with ``prefix`` look like v0 predictions?"""
    prefix = json_prefix(prefix)
    stripped = prefix.strip()
    if stripped.replace(b" ", b"") == b"[]":
        return True
    head = stripped[:1]
    if head not in (b"[", b"{"):
        return False
    # "results" and "grouped_predictions" occur only in predictions documents
    return (
        b'"results"' in prefix
        or b'"grouped_predictions"' in prefix
        or (b'"source"' in prefix and (b'"error"' in prefix or b'"type"' in prefix))
    )


def looks_like(obj: Any) -> bool:
    """Does an already-decoded object look like v0 predictions?"""
    first = obj[0] if isinstance(obj, list) and obj else obj
    source = first.get("source") if isinstance(first, dict) else None
    return isinstance(source, dict) and "type" in source


def decode(name: str, data: bytes | None = None, obj: Any = None) -> list[Entry]:
    """Decode and validate a predictions document, raising :class:`FormatError`."""
    try:
        if data is not None:
            data = json_bytes(name, data)
            single = data.lstrip()[:1] == b"{"
            # fastest first: known names in the known order, then known names in any
            # order; an unknown name or a fault falls through to the general decoder,
            # which also says where a fault is
            for tier in (_FIXED, _FAST):
                if tier is None:
                    continue
                try:
                    return tier.decode(data, single)  # type: ignore[no-any-return]
                except msgspec.MsgspecError:
                    continue
            return [msgspec.json.decode(data, type=Entry)] if single else _DECODER.decode(data)
        if isinstance(obj, dict):
            return [msgspec.convert(obj, Entry)]
        return msgspec.convert(obj, PREDICTIONS)
    except msgspec.MsgspecError as exc:
        raise format_error(name, exc, data=data, obj=obj) from None


def read_v0_predictions(name: str, entries: list[Entry], builder: Builder) -> None:
    """Add every span, score and error of decoded predictions to ``builder``."""
    text_index = 0
    file_index = 0
    seen_sources: dict[str, int] = {}
    for i, entry in enumerate(entries):
        src = entry.source
        if src.type == "url":
            source = src.url or f"url:{i}"
        elif src.type == "file":
            source = src.filename or src.md5sum or f"file:{file_index}"
            file_index += 1
        elif src.type == "text":
            source = f"text:{text_index}"
            text_index += 1
        else:
            source = f"{src.type}:{i}"
        if source in seen_sources:  # the same URL or file submitted twice in one job
            seen_sources[source] += 1
            source = f"{source}#{seen_sources[source]}"
        seen_sources.setdefault(source, 0)
        if entry.error is not None:
            builder.error(source, None, "source", entry.error)
        if entry.results is None:
            if entry.error is None:
                builder.error(source, None, "source", f"[{i}]: neither 'results' nor 'error'")
            continue
        for err in entry.results.errors:
            builder.error(source, err.file, "file", err.message or "")
        if not entry.results.predictions and not entry.results.errors:
            message = f"[{i}].results: no predictions and no errors"
            builder.error(source, None, "source", message)
        for j, fp in enumerate(entry.results.predictions):
            where = f"[{i}].results.predictions[{j}]"
            items = model_items(fp.models)
            if not items:
                builder.error(source, fp.file, "file", f"{where}: no model predictions")
            for model, block in items:
                _read_block(name, builder, block, f"{where}.models.{model}", source, fp, model)


def _read_block(
    name: str, builder: Builder, block: Any, where: str, source: str, fp: Any, model: str
) -> None:
    """The groups of one model block; a repeated group id continues its track."""
    if block.warning is not None:
        builder.error(source, fp.file, "file", block.warning, block.code)
    elif not block.grouped_predictions:
        builder.error(source, fp.file, "file", f"{where}: no predictions and no warning")
    meta = block.metadata
    common: dict[str, Any] = {"file_type": fp.file_type}
    if meta is not None:
        common["detected_language"] = meta.detected_language
        common["transcript_confidence"] = meta.confidence
    tracks: dict[str, tuple[int, list[Any]]] = {}
    for g, group in enumerate(block.grouped_predictions):
        if group.id in tracks:
            first = tracks[group.id][0]
            warnings.warn(
                f"{name}: {where}.grouped_predictions[{g}]: group id {group.id!r} repeats "
                f"group [{first}]; read as one track, span ids continuing",
                UserWarning,
                stacklevel=5,
            )
        tracks.setdefault(group.id, (g, []))[1].append(group)
    for track, (g, groups) in tracks.items():
        predictions = [p for group in groups for p in group.predictions]
        if not predictions:
            builder.error(source, fp.file, "file", f"{where}: group {track!r} has no predictions")
            continue
        add_group(
            builder,
            name=name,
            where=f"{where}.grouped_predictions[{g}].predictions",
            api="v0",
            source=source,
            file=fp.file,
            model=model,
            track=track,
            predictions=predictions,
            common=common,
            timed=model in _TIMED,
        )


def add_group(
    builder: Builder,
    *,
    name: str,
    where: str,
    api: str,
    source: str,
    file: str,
    model: str,
    track: str,
    predictions: Sequence[Prediction],
    common: dict[str, Any] | None = None,
    timed: bool = False,
) -> None:
    """Add the predictions of one group (one face or speaker) as one block.

    Shared by the batch and stream readers; ``where`` is the JSON path of the list;
    ``timed``: every prediction needs a time.
    """
    n = len(predictions)
    begin, end = _times(predictions)
    columns: dict[str, Any] = dict(common or {})
    frame = text = None
    if model == "face" or any(p.frame is not None for p in predictions):
        frame = _frames([p.frame for p in predictions], name, where)
    for attr in MODEL_FIELDS.get(model, _ALL_FIELDS):
        if attr == "box":  # batch "box", stream "bbox": both {x, y, w, h}
            boxes = [p.box if p.box is not None else p.bbox for p in predictions]
            if any(b is not None for b in boxes):
                for a in ("x", "y", "w", "h"):
                    columns[f"box_{a}"] = [getattr(b, a) if b is not None else None for b in boxes]
        elif attr == "position":
            positions = [p.position for p in predictions]
            if any(x is not None for x in positions):
                columns["char_begin"] = [x.begin if x is not None else None for x in positions]
                columns["char_end"] = [x.end if x is not None else None for x in positions]
        else:
            values = [getattr(p, attr) for p in predictions]
            if any(v is not None for v in values):
                if attr == "text":
                    text = values
                else:
                    columns[attr] = values
    scores = []
    for attr, family in SCORE_LISTS.get(model, _ALL_FAMILIES):
        lists = [getattr(p, attr) for p in predictions]
        if attr == "emotions":
            for k, value in enumerate(lists):
                if value is None:
                    raise FormatError(
                        name, f"{where}[{k}].emotions", "missing required field 'emotions'"
                    )
        family_scores = _family(family, lists, n, name, f"{where}", attr)
        if family_scores is not None:
            scores.append(family_scores)
    builder.add(
        api=api,
        source=source,
        file=file,
        model=model,
        track=track,
        begin=begin,
        end=end,
        frame=frame,
        text=text,
        columns=columns,
        scores=scores,
        input=name,
        place=lambda k: f"{where}[{k}]",
        timed=timed,
    )


def _frames(values: list[int | float | None], name: str, where: str) -> Any:
    """Frame numbers: whole numbers (stream replies send them as floats) or None."""
    arr = np.array(values)  # int64, uint64, float64, or object (None or huge ints)
    if arr.dtype.kind in "iu":
        return arr  # the builder checks the range
    if arr.dtype.kind == "f" and bool(np.all(np.isfinite(arr) & (arr == np.floor(arr)))):
        if bool(np.all(np.abs(arr) < 2.0**63)):
            return arr.astype(np.int64)
    out: list[int | None] = []
    for k, value in enumerate(values):
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                raise FormatError(
                    name, f"{where}[{k}].frame", f"expected a whole frame number, got {value}"
                )
            value = int(value)
        out.append(value)
    return out


def _times(predictions: Sequence[Prediction]) -> tuple[np.ndarray, np.ndarray]:
    n = len(predictions)
    times = [p.time for p in predictions]
    try:  # instants (face): numbers or None, which numpy turns into NaN
        begin = np.array(times, dtype=np.float64)
        return begin, begin.copy()
    except TypeError:
        pass
    begin = np.full(n, np.nan)
    end = np.full(n, np.nan)
    for k, p in enumerate(predictions):
        t = p.time
        if t is None:
            continue
        if isinstance(t, float | int):
            begin[k] = end[k] = t
        else:  # an Interval (of the general or the fast schema)
            if t.begin is not None:
                begin[k] = t.begin
            if t.end is not None:
                end[k] = t.end
    return begin, end


def _family(
    family: str,
    lists: list[list[Score] | None],
    n: int,
    name: str,
    where: str,
    attr: str,
) -> Dense | Sparse | None:
    present = [x is not None for x in lists]
    if not any(present):
        return None
    if all(present) and n and type(lists[0]) is tuple:
        # fixed schema: msgspec already checked every name and its position
        ref = list(map(_NAME, lists[0]))  # type: ignore[arg-type]
        values = np.fromiter(
            map(_SCORE, chain.from_iterable(lists)),  # type: ignore[arg-type]
            dtype=np.float64,
            count=len(ref) * n,
        )
        return Dense(family, ref, values.reshape(n, len(ref)))
    if all(present) and n:
        ref = list(map(_NAME, lists[0]))  # type: ignore[arg-type]
        k = len(ref)
        if k and len(set(ref)) == k and all(len(x) == k for x in lists):  # type: ignore[arg-type]
            flat = chain.from_iterable(lists)  # type: ignore[arg-type]
            if list(map(_NAME, flat)) == ref * n:
                values = np.fromiter(
                    map(_SCORE, chain.from_iterable(lists)),  # type: ignore[arg-type]
                    dtype=np.float64,
                    count=k * n,
                )
                return Dense(family, ref, values.reshape(n, k))
    # general path: place every score by its name
    lengths = np.array([len(x) if x is not None else 0 for x in lists], dtype=np.int64)
    flat = [s for x in lists if x is not None for s in x]
    span = np.repeat(np.arange(n, dtype=np.int64), lengths)
    names = list(map(_NAME, flat))
    values = np.fromiter(map(_SCORE, flat), dtype=np.float64, count=len(flat))
    seen: set[tuple[int, str]] = set()
    for pos, (k, nm) in enumerate(zip(span.tolist(), names)):
        if (k, nm) in seen:
            offset = pos - int(lengths[:k].sum())
            raise FormatError(name, f"{where}[{k}].{attr}[{offset}].name", f"duplicate name {nm!r}")
        seen.add((k, nm))
    return Sparse(family, span, names, values)


def read_input(inp: Input, builder: Builder) -> None:
    """Read a predictions document given as bytes or as decoded JSON."""
    read_v0_predictions(inp.name, decode(inp.name, data=inp.data, obj=inp.obj), builder)


register(
    Format(
        "v0-predictions",
        read_input,
        sniff=lambda prefix, _: sniff(prefix),
        sniff_obj=lambda obj: (isinstance(obj, list) and not obj) or looks_like(obj),
        description="v0 batch predictions JSON (GET /v0/batch/jobs/{id}/predictions)",
    )
)
