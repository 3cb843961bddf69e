"""Reader for v1 outputs (hume-v1.md): file responses and realtime message logs.

File responses
    ``POST /v1/expression/audio/file`` -> model ``audio``, track ``unknown``,
    ``span_id`` = ``measurement_id``, begin/end = ``audio_start_ms``/``audio_end_ms``
    in seconds, columns ``utterance_id`` and ``trigger``; families ``emotion``
    (``expressions``) and ``voice_attribute`` (``voice_attributes``).
    ``POST /v1/expression/video/file`` -> model ``video``, track = ``face_id`` as text
    (``unmeasured`` for listed faces whose ``face_id`` is null: spans without scores),
    ``frame`` = ``frame_id``, ``prob`` = ``confidence``, ``bbox`` [x0, y0, x1, y1] ->
    ``box_x`` = x0, ``box_y`` = y0, ``box_w`` = x1 - x0, ``box_h`` = y1 - y0; families
    ``emotion`` (``expressions``) and ``description`` (``descriptions``). Images carry
    no time: begin = end = NaN unless ``fps=`` (frame_id / fps) or ``frame_times=`` (a
    list indexed by frame_id, or a mapping ``{frame_id: seconds}``) is given.
    ``source`` = ``file`` = ``source=`` if given, else the response file name without its extension, else its
    ``run_id``. A saved HTTP error body (``{"type": "error", "code", "message",
    "request_id"}``) becomes one errors-table row (level ``file``).

Realtime logs (audio or video endpoint)
    A JSON array, JSON Lines or a folder of the server's messages, in the order
    received. ``source`` = ``source=`` if given, else the file name without its extension, else the first
    ``session_id``; ``file`` = each session's ``session_id`` (``session:<k>`` when the
    log lacks ``session.created``): times restart with every session, so sessions are
    kept apart. ``measurement.result`` messages become spans as above; ``error``
    messages become errors-table rows (level ``stream``, ``code``; ``" [retryable]"`` is
    appended to the message when ``retryable`` is true); ``session.created``,
    ``session.updated``, ``utterance.start``/``utterance.end`` and ``session.closed``
    go to the provenance; other message types are counted there and otherwise ignored.

Scores are sparse: a name absent from a list has no row (never filled); names are
never re-cased; unknown names are kept. api = ``"v1"``.

Examples
--------
>>> import humeresearch as hr
>>> response = {"request_id": "0" * 32, "run_id": "r1", "received": {"audio_duration_ms": 4000},
...     "utterances": [{"utterance_id": 0, "audio_start_ms": 120, "audio_end_ms": 3500}],
...     "measurements": [{"measurement_id": 0, "utterance_id": 0, "audio_start_ms": 120,
...         "audio_end_ms": 3120, "trigger": "interval",
...         "expressions": [{"name": "calmness", "probability": 0.81}],
...         "voice_attributes": [{"name": "clear", "probability": 0.9}]}]}
>>> m = hr.read(response, source="talk.wav")
>>> m.long()[["model", "span_id", "begin", "end", "family", "name", "score"]].values.tolist()
[['audio', 0, 0.12, 3.12, 'emotion', 'calmness', 0.81], ['audio', 0, 0.12, 3.12, 'voice_attribute', 'clear', 0.9]]
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec

from humeresearch._build import Builder
from humeresearch.errors import FormatError
from humeresearch.readers._json import format_error, json_prefix
from humeresearch.readers._messages import decode_messages, folder_messages, read_files, stream_name
from humeresearch.readers._registry import Format, register
from humeresearch.readers._source import Input
from humeresearch.readers._v1_blocks import add_audio, add_video, frame_clock
from humeresearch.wire.v1 import SERVER_MESSAGES, AudioMeasurement, VideoMeasurement

_REALTIME = frozenset(SERVER_MESSAGES)


def _convert(name: str, obj: Any, tp: Any, where: str) -> Any:
    try:
        return msgspec.convert(obj, tp)
    except msgspec.ValidationError as exc:
        raise format_error(name, exc, obj=obj, prefix=where) from None


def _kind(response: dict[str, Any]) -> str:
    items = response.get("measurements") or []
    first = items[0] if items and isinstance(items[0], dict) else {}
    if "frame_id" in first or "faces" in first:
        return "video"
    if "measurement_id" in first:
        return "audio"
    received = response.get("received")
    if isinstance(received, dict) and "frames" in received:
        return "video"
    return "audio"


def read_response(
    name: str, response: dict[str, Any], where: str, builder: Builder, *, source: str, clock: Any
) -> dict[str, Any]:
    """Add one file response (audio or video) to ``builder``; return its provenance."""
    if response.get("type") == "error":
        builder.error(
            source, source, "file", str(response.get("message", "")), response.get("code")
        )
        return {k: response.get(k) for k in ("request_id", "code") if response.get(k) is not None}
    items = response.get("measurements")
    if not isinstance(items, list):
        raise FormatError(name, f"{where}.measurements".lstrip("."), "expected a list")
    kind = _kind(response)
    tp = AudioMeasurement if kind == "audio" else VideoMeasurement
    paths = [f"{where}.measurements[{i}]".lstrip(".") for i in range(len(items))]
    decoded = _convert(name, items, list[tp], f"{where}.measurements".lstrip("."))
    pairs = list(zip(decoded, paths, strict=True))
    if kind == "audio":
        add_audio(builder, pairs, name=name, source=source, file=source)
    else:
        add_video(builder, pairs, name=name, source=source, file=source, clock=clock)
    extra: dict[str, Any] = {"endpoint": kind}
    for key in ("request_id", "run_id", "received", "utterances"):
        if response.get(key) is not None:
            extra[key] = response[key]
    if response.get("face_state") is not None:
        extra["face_state_returned"] = True
    return extra


def read_log(
    name: str,
    messages: list[dict[str, Any]],
    paths: list[str],
    builder: Builder,
    *,
    source: str | None,
    clock: Any,
) -> dict[str, Any]:
    """Add a realtime message log (one or more sessions) to ``builder``."""
    if source is None:
        first = next((m.get("session_id") for m in messages if m.get("session_id")), None)
        source = str(first) if first else "session"
    sessions: list[dict[str, Any]] = []
    labels: Counter[str] = Counter()
    current: dict[str, Any] | None = None

    def new_session(session_id: Any) -> dict[str, Any]:
        label = str(session_id) if session_id else f"session:{len(sessions)}"
        labels[label] += 1
        if labels[label] > 1:
            label = f"{label}#{labels[label] - 1}"
        s: dict[str, Any] = {"session_id": session_id, "file": label, "audio": [], "video": []}
        s["utterances"], s["ignored"] = [], Counter()
        sessions.append(s)
        return s

    for msg, path in zip(messages, paths, strict=True):
        kind = msg.get("type")
        if kind is not None and not isinstance(kind, str):
            raise FormatError(
                name, f"{path}.type".lstrip("."), f"expected a string, got {kind!r}"[:120]
            )
        if kind not in _REALTIME:  # unknown types: counted on the session they came in
            target = current or (sessions[-1] if sessions else new_session(None))
            target["ignored"][str(kind)] += 1
            continue
        if kind == "session.created" or current is None:
            current = new_session(msg.get("session_id") if kind == "session.created" else None)
        rest = {k: v for k, v in msg.items() if k != "type"}
        if kind == "session.created":
            current["created"] = rest
        elif kind == "session.updated":
            current.setdefault("updated", []).append(rest)
        elif kind in ("utterance.start", "utterance.end"):
            current["utterances"].append({"type": kind, **rest})
        elif kind == "measurement.result":
            if "measurement_id" in msg:
                current["audio"].append((_convert(name, msg, AudioMeasurement, path), path))
            elif "frame_id" in msg:
                current["video"].append((_convert(name, msg, VideoMeasurement, path), path))
            else:
                raise FormatError(
                    name, path, "measurement.result has neither 'measurement_id' nor 'frame_id'"
                )
        elif kind == "error":
            text = str(msg.get("message", ""))
            if msg.get("retryable") is True:
                text += " [retryable]"
            code = msg.get("code")
            builder.error(
                source, current["file"], "stream", text, None if code is None else str(code)
            )
        elif kind == "session.closed":
            current["closed"] = rest
            current = None
    records = []
    for s in sessions:
        add_audio(builder, s["audio"], name=name, source=source, file=s["file"])
        add_video(builder, s["video"], name=name, source=source, file=s["file"], clock=clock)
        record = {k: s[k] for k in ("session_id", "file") if s[k] is not None}
        for key in ("created", "updated", "closed"):
            if key in s:
                record[key] = s[key]
        if s["utterances"]:
            record["utterances"] = s["utterances"]
        if s["ignored"]:
            record["ignored_messages"] = dict(s["ignored"])
        records.append(record)
    return {"source": source, "sessions": records}


def read_v1(
    inp: Input,
    builder: Builder,
    *,
    source: str | None = None,
    fps: float | None = None,
    frame_times: Any = None,
) -> dict[str, Any]:
    """Read a v1 file response, a list of them, or a realtime log (module docstring)."""
    clock = frame_clock(fps, frame_times)
    messages, paths = decode_messages(inp)
    if _is_log(messages):
        name = stream_name(inp, source, "") or None
        return read_log(inp.name, messages, paths, builder, source=name, clock=clock)
    base = stream_name(inp, source, "")
    if len(messages) == 1:
        single = base or str(messages[0].get("run_id") or "response")
        return read_response(inp.name, messages[0], paths[0], builder, source=single, clock=clock)
    responses = []
    for k, (msg, path) in enumerate(zip(messages, paths, strict=True)):
        name = f"{base or 'response'}:{k}" if not msg.get("run_id") else str(msg["run_id"])
        responses.append(read_response(inp.name, msg, path, builder, source=name, clock=clock))
    return {"responses": responses}


def _is_log(messages: list[dict[str, Any]]) -> bool:
    return any(
        isinstance(m.get("type"), str) and m["type"] in _REALTIME and "request_id" not in m
        for m in messages[:8]
    )


def read_folder(
    path: Path,
    builder: Builder,
    *,
    source: str | None = None,
    fps: float | None = None,
    frame_times: Any = None,
) -> dict[str, Any]:
    """Read a folder of realtime message files as one log."""
    clock = frame_clock(fps, frame_times)
    files = folder_messages(path, sniff) or []
    messages, paths, size, sha = read_files(files)
    extra = read_log(str(path), messages, paths, builder, source=source or path.name, clock=clock)
    return {**extra, "size": size, "sha256": sha, "files": [p.name for p in files]}


def is_log_folder(path: Path) -> bool:
    """Does every file of this folder hold v1 realtime messages?"""
    return folder_messages(path, _sniff_log) is not None


_TYPE = re.compile(
    rb'"type"\s*:\s*"(?:session\.created|session\.updated|utterance\.start|measurement\.result'
    rb'|utterance\.end|session\.closed|error)"'
)


def _sniff_log(prefix: bytes) -> bool:
    prefix = json_prefix(prefix)
    return prefix.lstrip()[:1] in (b"{", b"[") and bool(_TYPE.search(prefix))


def sniff(prefix: bytes) -> bool:
    """Do these first bytes look like a v1 response or realtime log?"""
    prefix = json_prefix(prefix)
    if prefix.lstrip()[:1] not in (b"{", b"["):
        return False
    if _sniff_log(prefix):
        return True
    return b'"measurements"' in prefix and (
        b'"request_id"' in prefix or b'"run_id"' in prefix or b'"received"' in prefix
    )


def looks_like(obj: Any) -> bool:
    """Does a decoded object look like v1 output?"""
    items = obj if isinstance(obj, list) else [obj]
    if not items or not isinstance(items[0], dict):
        return False
    first = items[0]
    if isinstance(first.get("type"), str) and first["type"] in _REALTIME:
        return True
    return isinstance(first.get("measurements"), list) and (
        "request_id" in first or "run_id" in first or "received" in first
    )


register(
    Format(
        "v1",
        read_v1,
        sniff=lambda prefix, _: sniff(prefix),
        sniff_obj=looks_like,
        folder=is_log_folder,
        read_folder=read_folder,
        options=("source", "fps", "frame_times"),
        description="v1 audio/video file responses and realtime message logs",
    )
)
