"""Reader for v0 streaming replies (``wss://api.hume.ai/v0/stream/models``, hume-v0.md
section 10): one reply dict, a JSON array or JSON Lines of replies, or a folder of
JSON files (one stream, files in natural name order).

Each reply answers one payload. ``source`` is the stream's name: ``source=`` if given,
else the file name without its extension (or the folder name), else ``"stream"``. Without ``offsets`` every reply is
its own ``file``: its ``payload_id``, or ``payload:<i>`` (``i`` = position of the
reply; a repeated ``payload_id`` gets ``#1``, ``#2`` ...), and times are as the API
gave them (relative to that payload).

With ``offsets`` the replies are consecutive payloads of one recording: each reply's
times are shifted by its offset (seconds) onto the recording's clock, ``file`` is the
stream name, and the spans of one (model, track) across all payloads form one block
(``span_id`` continues from payload to payload); a ``payload_id`` column says which
payload each span came from. A face ``time`` of null (a still image) becomes the
payload's offset. ``offsets`` is a list (one number per reply, in order) or a mapping
``{payload_id: seconds}`` (every reply with predictions needs an entry).

Tracks: face ``face_id`` (``"unknown"`` when absent), ``"unknown"`` for the other
models. Errors: a top-level ``{"error", "code"}``, a top-level ``{"warning", "code"}``
and a per-model ``{"face": {"warning", "code"}}`` each become one errors-table row
with level ``"stream"`` and the code (per-model warnings are prefixed with the model,
``"face: No faces detected."``; with offsets every message is prefixed with
``"payload <file>: "``). ``job_details`` job ids go to the provenance.

Examples
--------
>>> import humeresearch as hr
>>> face = {"frame": 0, "time": None, "bbox": {"x": 0, "y": 0, "w": 9, "h": 9}, "prob": 0.99,
...         "face_id": "0", "emotions": [{"name": "Joy", "score": 0.5}]}
>>> replies = [{"payload_id": "a", "face": {"predictions": [face]}},
...            {"payload_id": "b", "face": {"warning": "No faces detected.", "code": "W0103"}},
...            {"payload_id": "c", "face": {"predictions": [face]}}]
>>> m = hr.read(replies, offsets={"a": 0.0, "c": 0.66}, source="webcam")
>>> m.spans()[["file", "track", "span_id", "begin", "payload_id"]].values.tolist()
[['webcam', '0', 0, 0.0, 'a'], ['webcam', '0', 1, 0.66, 'c']]
>>> m.errors()[["message", "code"]].values.tolist()
[['payload b: face: No faces detected.', 'W0103']]
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import msgspec
import numpy as np

from humeresearch._build import Builder
from humeresearch.define import V0_STREAM_MODELS
from humeresearch.errors import FormatError
from humeresearch.readers._json import format_error, json_prefix
from humeresearch.readers._messages import decode_messages, folder_messages, read_files, stream_name
from humeresearch.readers._registry import Format, register
from humeresearch.readers._source import Input
from humeresearch.readers._v0_predictions import add_group
from humeresearch.wire.v0 import STREAM_REPLY_KEYS, Interval, Prediction

_TOP = frozenset(STREAM_REPLY_KEYS)
# Detection and ordering use the models of the streaming API (hume-v0.md section 10:
# "Stream lacks: ner"). Every other object-valued key of a reply is still read as a
# model reply (after the known models, in the order it came), so a reply holding
# ``ner`` is read too once it is recognised as a stream reply.
_MODELS = V0_STREAM_MODELS


def _label_files(messages: list[dict[str, Any]]) -> list[str]:
    labels: list[str] = []
    seen: dict[str, int] = {}
    for i, msg in enumerate(messages):
        pid = msg.get("payload_id")
        label = str(pid) if pid not in (None, "") else f"payload:{i}"
        if label in seen:
            seen[label] += 1
            label = f"{label}#{seen[label]}"
        seen.setdefault(label, 0)
        labels.append(label)
    return labels


def _offsets(
    offsets: Any, messages: list[dict[str, Any]], paths: list[str]
) -> list[float | None] | None:
    if offsets is None:
        return None
    if isinstance(offsets, Mapping):
        out: list[float | None] = []
        for msg, path in zip(messages, paths, strict=True):
            pid = msg.get("payload_id")
            if pid in offsets:
                out.append(_number(offsets[pid], f"offsets[{pid!r}]"))
            elif any(_has_predictions(v) for k, v in msg.items() if k not in _TOP):
                raise ValueError(
                    f"offsets has no entry for payload_id {pid!r} (message {path or 0}); "
                    "give every reply with predictions an offset"
                )
            else:
                out.append(None)
        return out
    if isinstance(offsets, Sequence | np.ndarray) and not isinstance(offsets, str):
        if len(offsets) != len(messages):
            raise ValueError(
                f"offsets has {len(offsets)} values but the input holds {len(messages)} replies"
            )
        return [_number(v, f"offsets[{i}]") for i, v in enumerate(offsets)]
    raise ValueError(
        "offsets must be a list of seconds (one per reply) or a mapping {payload_id: seconds}, "
        f"got {type(offsets).__name__}"
    )


def _number(value: Any, where: str) -> float:
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{where} must be a number of seconds, got {value!r}") from None
    if not math.isfinite(out):
        raise ValueError(f"{where} must be finite, got {value!r}")
    return out


def _model_order(item: tuple[str, Any]) -> int:
    """Known models in their canonical order, others after them as they came."""
    return _MODELS.index(item[0]) if item[0] in _MODELS else len(_MODELS)


def _has_predictions(value: Any) -> bool:
    return isinstance(value, dict) and value.get("predictions") is not None


def _decode_predictions(name: str, items: Any, where: str) -> list[Prediction]:
    if isinstance(items, list):  # face_id given as a number: keep it as text
        items = [
            {**p, "face_id": str(p["face_id"])}
            if isinstance(p, dict) and isinstance(p.get("face_id"), int | float)
            else p
            for p in items
        ]
    try:
        preds = msgspec.convert(items, list[Prediction])
    except msgspec.ValidationError as exc:
        raise format_error(name, exc, obj=items, prefix=where) from None
    for k, p in enumerate(preds):  # stream frames are floats: they must be whole numbers
        if isinstance(p.frame, float) and not p.frame.is_integer():
            raise FormatError(
                name, f"{where}[{k}].frame", f"expected a whole frame number, got {p.frame}"
            )
    return preds


def _shift(p: Prediction, offset: float, model: str) -> Prediction:
    t = p.time
    if t is None:
        new: Any = offset if model == "face" else None
    elif isinstance(t, int | float):
        new = t + offset
    else:
        new = Interval(
            None if t.begin is None else t.begin + offset, None if t.end is None else t.end + offset
        )
    return msgspec.structs.replace(p, time=new)


def read_messages(
    name: str,
    messages: list[dict[str, Any]],
    paths: list[str],
    builder: Builder,
    *,
    stream: str,
    offsets: Any = None,
) -> dict[str, Any]:
    """Add the spans and errors of decoded stream replies to ``builder``."""
    shifts = _offsets(offsets, messages, paths)
    labels = _label_files(messages)
    job_ids: list[str] = []
    merged: dict[tuple[str, str], list[tuple[Prediction, str]]] = {}
    for i, msg in enumerate(messages):
        file = stream if shifts is not None else labels[i]
        prefix = f"payload {labels[i]}: " if shifts is not None else ""
        details = msg.get("job_details")
        if isinstance(details, dict) and details.get("job_id") is not None:
            job_ids.append(str(details["job_id"]))
        code = msg.get("code")
        for key in ("error", "warning"):
            if msg.get(key) is not None:
                builder.error(stream, file, "stream", prefix + str(msg[key]), _text(code))
        for model, track, items, where in _groups(
            name, msg, paths[i], builder, stream, file, prefix
        ):
            if shifts is not None:
                off = shifts[i] or 0.0
                pairs = merged.setdefault((model, track), [])
                pairs.extend((_shift(p, off, model), labels[i]) for p in items)
                continue
            add_group(
                builder,
                name=name,
                where=where,
                api="v0",
                source=stream,
                file=file,
                model=model,
                track=track,
                predictions=items,
            )
    for (model, track), pairs in merged.items():
        add_group(
            builder,
            name=name,
            where=f"{model}.predictions (track {track!r})",
            api="v0",
            source=stream,
            file=stream,
            model=model,
            track=track,
            predictions=[p for p, _ in pairs],
            common={"payload_id": np.array([lab for _, lab in pairs], dtype=object)},
        )
    extra: dict[str, Any] = {"stream": stream, "replies": len(messages)}
    if job_ids:
        extra["job_ids"] = list(dict.fromkeys(job_ids))
    if shifts is not None:
        extra["offsets"] = {lab: s for lab, s in zip(labels, shifts, strict=True) if s is not None}
    return extra


def _text(code: Any) -> str | None:
    return None if code is None else str(code)


def _groups(
    name: str,
    msg: dict[str, Any],
    where: str,
    builder: Builder,
    stream: str,
    file: str,
    prefix: str,
) -> list[tuple[str, str, list[Prediction], str]]:
    """(model, track, predictions, JSON path) of one reply; per-model warnings go to ``builder``."""
    out: list[tuple[str, str, list[Prediction], str]] = []
    for model, value in sorted(msg.items(), key=_model_order):
        if model in _TOP or value is None:
            continue
        if not isinstance(value, dict):
            raise FormatError(name, f"{where}.{model}", "expected an object (a model reply)")
        if value.get("warning") is not None:
            message = f"{prefix}{model}: {value['warning']}"
            builder.error(stream, file, "stream", message, _text(value.get("code")))
        if value.get("predictions") is None:
            continue
        path = f"{where}.{model}.predictions"
        tracks: dict[str, list[Prediction]] = {}
        for p in _decode_predictions(name, value["predictions"], path):
            track = (p.face_id or "unknown") if model == "face" else "unknown"
            tracks.setdefault(track, []).append(p)
        out.extend((model, track, items, path) for track, items in tracks.items())
    return out


def read_stream(
    inp: Input, builder: Builder, *, source: str | None = None, offsets: Any = None
) -> dict[str, Any]:
    """Read stream replies from an input (see the module docstring)."""
    messages, paths = decode_messages(inp)
    stream = stream_name(inp, source, "stream")
    return read_messages(inp.name, messages, paths, builder, stream=stream, offsets=offsets)


def read_folder(
    path: Path, builder: Builder, *, source: str | None = None, offsets: Any = None
) -> dict[str, Any]:
    """Read a folder of reply files as one stream."""
    files = folder_messages(path, sniff) or []
    messages, paths, size, sha = read_files(files)
    stream = source or path.name
    extra = read_messages(str(path), messages, paths, builder, stream=stream, offsets=offsets)
    return {**extra, "size": size, "sha256": sha, "files": [p.name for p in files]}


def is_stream_folder(path: Path) -> bool:
    """Does every file of this folder hold v0 stream replies?"""
    return folder_messages(path, sniff) is not None


_MODEL_KEY = re.compile(rb'"(?:' + "|".join(_MODELS).encode() + rb')"\s*:\s*\{')
_CODE = re.compile(rb'"code"\s*:\s*"[EW]\d{4}"')
_V1 = re.compile(rb'"type"\s*:\s*"(?:session\.|utterance\.|measurement\.|error")')


def sniff(prefix: bytes) -> bool:
    """Do these first bytes look like v0 stream replies?"""
    prefix = json_prefix(prefix)
    head = prefix.lstrip()[:1]
    if head not in (b"{", b"["):
        return False
    if b'"grouped_predictions"' in prefix or b'"source"' in prefix or _V1.search(prefix):
        return False
    return bool(_MODEL_KEY.search(prefix) or _CODE.search(prefix) or b'"job_details"' in prefix)


def looks_like(obj: Any) -> bool:
    """Does a decoded object look like v0 stream replies?"""
    items = obj if isinstance(obj, list) else [obj]
    if not items or not all(isinstance(x, dict) for x in items[:5]):
        return False
    for msg in items[:5]:
        if "source" in msg or "type" in msg or "grouped_predictions" in msg:
            return False
        if any(isinstance(msg.get(m), dict) for m in _MODELS):
            return True
        if "job_details" in msg or re.match(r"^[EW]\d{4}$", str(msg.get("code", ""))):
            return True
    return False


register(
    Format(
        "v0-stream",
        read_stream,
        sniff=lambda prefix, _: sniff(prefix),
        sniff_obj=looks_like,
        folder=is_stream_folder,
        read_folder=read_folder,
        options=("source", "offsets"),
        description="v0 stream replies (/v0/stream/models): one reply, a list, JSON Lines",
    )
)
