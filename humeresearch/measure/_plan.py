"""Plan and cost before spending: media duration, frames, requests and v1 metered seconds.

v1 billing (``hume-v1.md`` §13): audio is billed by the seconds taken in, video by
1/3 s per frame or image, and every run (one upload request) that took in media by
at least 10 s. A video measured with v1 sends its audio track (one run per piece of
at most 25 MB) and its frames at 3 per second packed into as few requests as the
25 MB body limit allows (JPEG sizes are estimated at 2 bits a pixel for the plan).
v0 has no published billing rule: its rows carry no metered seconds.
"""

from __future__ import annotations

import math
from typing import Any

from humeresearch.measure._inputs import Item

#: the least a v1 run is billed, seconds.
MIN_RUN_SECONDS = 10.0
#: seconds billed per v1 video frame or image.
FRAME_SECONDS = 1 / 3
#: bytes per second of 16 kHz mono s16le audio.
AUDIO_RATE_BYTES = 32_000
#: columns of a plan.
PLAN_COLUMNS = [
    "input",
    "kind",
    "media",
    "duration",
    "frames",
    "requests",
    "metered_seconds",
    "content_hash",
]


def run_seconds(taken: float) -> float:
    """Metered seconds of one v1 run that took in ``taken`` seconds of media.

    Examples
    --------
    >>> run_seconds(4.0), run_seconds(12.5), run_seconds(0.0)
    (10.0, 12.5, 0.0)
    """
    return max(MIN_RUN_SECONDS, taken) if taken > 0 else 0.0


def audio_pieces(duration: float) -> list[float]:
    """Durations of the pieces an upload of ``duration`` seconds is split into (estimate).

    Examples
    --------
    >>> audio_pieces(30.0)
    [30.0]
    >>> [round(p) for p in audio_pieces(1000.0)]
    [500, 500]
    """
    from humeresearch.media import UPLOAD_LIMIT, UPLOAD_OVERHEAD

    per_piece = (UPLOAD_LIMIT - UPLOAD_OVERHEAD) / AUDIO_RATE_BYTES
    n = max(1, math.ceil(duration / per_piece))
    return [duration / n] * n


def frame_requests(frames: int, width: int | None, height: int | None) -> list[int]:
    """Frames per upload request when ``frames`` JPEGs are packed (estimated sizes).

    Examples
    --------
    >>> frame_requests(12, 320, 240)
    [12]
    """
    from humeresearch.clients import pack_frames
    from humeresearch.media import IMAGE_LIMIT

    if frames <= 0:
        return []
    size = min(IMAGE_LIMIT, max(1, (width or 1920) * (height or 1080) // 4))
    return [count for _, count in pack_frames([size] * frames)]


def plan_item(item: Item, *, api: str) -> dict[str, Any]:
    """One plan row: what will be sent for ``item`` and what it costs (v1).

    Raises MediaError when a file cannot be opened.
    """
    row: dict[str, Any] = {
        "input": item.name,
        "kind": item.kind,
        "media": item.kind if item.kind != "file" else None,
        "duration": math.nan,
        "frames": 0,
        "requests": 1,
        "metered_seconds": math.nan,
        "content_hash": item.content_hash,
    }
    if item.kind != "file":
        return row
    from humeresearch.media import frame_times, probe

    info = probe(item.value)
    media = "image" if info.is_image else "video" if info.has_video else "audio"
    row["media"], row["duration"] = media, info.duration
    frames = 1 if media == "image" else len(frame_times(item.value)) if media == "video" else 0
    row["frames"] = frames
    if api != "v1":
        return row
    pieces = audio_pieces(info.duration) if info.has_audio and not info.is_image else []
    packs = frame_requests(frames, info.width, info.height)
    row["requests"] = len(pieces) + len(packs)
    seconds = [run_seconds(p) for p in pieces] + [run_seconds(n * FRAME_SECONDS) for n in packs]
    row["metered_seconds"] = float(sum(seconds))
    return row


def budget_cost(row: dict[str, Any]) -> float:
    """What an input counts against ``budget_seconds``: v1 metered seconds, else media seconds."""
    for key in ("metered_seconds", "duration"):
        value = row.get(key)
        if value is not None and not math.isnan(value):
            return float(value)
    return 0.0
