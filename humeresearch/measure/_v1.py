"""One input through the v1 upload endpoints: its audio pieces and its packed video frames.

v1 uploads have no idempotency: a re-sent upload is measured and billed again. After an
ambiguous failure (sent, no answer; or a 5xx) the runs started since the request are
listed to tell "arrived and billed" (a run of the same endpoint that took in exactly
the bytes sent) from "never arrived"; either way the results are lost and the piece is
sent again, and every billed run found is recorded in the ledger as an extra run.
Each finished request is stored at once, so an interrupted input resumes at its first
unfinished request (``face_state`` is taken from the stored response before it).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
from dataclasses import dataclass
from typing import Any

from humeresearch.clients import ApiError, TransportError, V1Client, pack_frames
from humeresearch.measure._context import Context, InputFailed, write_atomic
from humeresearch.measure._inputs import Item
from humeresearch.measure._plan import FRAME_SECONDS, run_seconds

#: seconds subtracted from a request's time when looking for the run it may have made.
CLOCK_SLACK = 2.0


@dataclass(frozen=True)
class Piece:
    """One upload request of an input: ``audio-000`` (an Audio) or ``video-000`` (frames)."""

    name: str
    endpoint: str
    payload: Any
    size: int
    meta: dict[str, Any]


def prepare(path: str) -> list[Piece]:
    """The upload requests of a media file (audio pieces first, then frame packs)."""
    from humeresearch.media import load_audio, prepare_image, probe, split_audio, video_frames

    info = probe(path)
    pieces: list[Piece] = []
    if info.has_audio and not info.is_image:
        for k, audio in enumerate(split_audio(load_audio(path))):
            if audio.pcm:
                meta = {"offset": audio.start}
                pieces.append(Piece(f"audio-{k:03d}", "audio", audio, len(audio.pcm), meta))
    frames = [prepare_image(path)] if info.is_image else []
    if info.has_video and not info.is_image:
        frames = list(video_frames(path))
    for k, (first, count) in enumerate(pack_frames([len(f.jpeg) for f in frames])):
        chunk = frames[first : first + count]
        meta = {
            "first": first,
            "times": None if info.is_image else [f.time for f in chunk],
            "scales": [f.scale for f in chunk],
        }
        size = sum(len(f.jpeg) for f in chunk)
        pieces.append(Piece(f"video-{k:03d}", "video", chunk, size, meta))
    if not pieces:
        raise InputFailed(f"{path}: neither audio nor video to measure")
    return pieces


def billed(piece: Piece, response: dict[str, Any]) -> float:
    """Metered seconds of the run that answered ``response``."""
    received = response.get("received") or {}
    if piece.endpoint == "audio":
        return run_seconds(received.get("audio_duration_ms", 0) / 1000)
    return run_seconds(received.get("frames", 0) * FRAME_SECONDS)


async def run_v1(ctx: Context, item: Item) -> None:
    """Measure ``item`` with v1 uploads; the ledger row ends ``done`` or raises."""
    if item.kind != "file":
        raise InputFailed(f"v1 measures local media only, not {item.kind}s (use api='v0')")
    key = ctx.key(item)
    row = ctx.ledger.row(key) or {}
    ctx.ledger.update(key, state="submitted", attempts=int(row.get("attempts") or 0) + 1)
    pieces = await asyncio.to_thread(prepare, item.value)
    done = ctx.ledger.pieces(key)
    videos = [p for p in pieces if p.endpoint == "video"]
    state = ctx.resolved.config.video.face_state
    total = 0.0
    for piece in pieces:
        stored = done.get(piece.name, {})
        if stored.get("state") == "done":
            total += float(stored["billed_seconds"])
            if piece.endpoint == "video":
                response = json.loads((ctx.project / stored["path"]).read_bytes())
                state = response.get("face_state") or state
            continue
        if stored.get("state") == "sending":  # interrupted: did that request arrive?
            await _check_runs(ctx, item, piece, stored["requested_at"])
        ctx.check()
        response = await _send(ctx, item, piece, state if len(videos) > 1 else None)
        if piece.endpoint == "video":
            state = response.get("face_state") or state
        total += billed(piece, response)
    ctx.ledger.update(
        key,
        state="done",
        result_path=ctx.rel(ctx.raw_dir(item)),
        billed_seconds=total,
        reason=None,
    )
    ctx.emit(item, "done")


def _upload(client: V1Client, piece: Piece, config: Any, face_state: str | None) -> Any:
    if piece.endpoint == "audio":
        return client.measure_audio(piece.payload, config=config.audio)
    video = config.video
    if face_state is not None or video.face_state is not None:
        video = video.replace(return_face_state=True, face_state=face_state)
    return client.measure_images(piece.payload, config=video)


async def _send(ctx: Context, item: Item, piece: Piece, face_state: str | None) -> dict[str, Any]:
    """Upload one piece (retrying what is safe); store its response; return it."""
    key = ctx.key(item)
    slot = (piece.endpoint, piece.size)
    last = ""
    for attempt in range(ctx.retry.attempts):
        ctx.check()
        requested = time.time()
        ctx.ledger.set_piece(key, piece.name, state="sending", requested_at=requested)
        ctx.inflight[slot] += 1
        try:
            response = await asyncio.to_thread(
                _upload, ctx.client, piece, ctx.resolved.config, face_state
            )
        except TransportError as exc:
            ctx.inflight[slot] -= 1
            last = str(exc)
            if exc.sent:
                await _check_runs(ctx, item, piece, requested)
            wait = ctx.retry.delay(attempt)
        except ApiError as exc:
            ctx.inflight[slot] -= 1
            last = str(exc)
            if exc.status < 500 and exc.status not in (408, 429):
                ctx.ledger.set_piece(key, piece.name, state="failed")
                raise InputFailed(ctx.scrub(last)) from None
            if exc.status >= 500:
                await _check_runs(ctx, item, piece, requested)
            wait = ctx.retry.delay(attempt, retry_after=exc.retry_after)
        else:
            ctx.claimed.add(str(response.get("run_id")))
            ctx.inflight[slot] -= 1
            await asyncio.to_thread(_store, ctx, item, piece, response)
            ctx.emit(item, "sent", run_id=response.get("run_id"), reason=piece.name)
            return response
        ctx.emit(item, "retrying", reason=ctx.scrub(last))
        await ctx.sleep(wait)
    raise InputFailed(f"{piece.name}: upload failed {ctx.retry.attempts} times: {ctx.scrub(last)}")


def _store(ctx: Context, item: Item, piece: Piece, response: dict[str, Any]) -> None:
    path = ctx.raw_dir(item) / f"{piece.name}.json"
    write_atomic(path, json.dumps(response).encode())
    ctx.ledger.set_piece(
        ctx.key(item),
        piece.name,
        state="done",
        run_id=str(response.get("run_id")),
        path=ctx.rel(path),
        meta=piece.meta,
        billed_seconds=billed(piece, response),
    )


def _rfc3339(seconds: float) -> str:
    moment = dt.datetime.fromtimestamp(seconds, dt.timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


async def _check_runs(ctx: Context, item: Item, piece: Piece, requested: float) -> None:
    """After an ambiguous failure: record the run it billed, if the server lists one."""
    slot = (piece.endpoint, piece.size)
    while ctx.inflight[slot] > 0:  # a sibling upload of the same size: let it claim its run
        await asyncio.sleep(0.05)
    filters = {
        "endpoint": piece.endpoint,
        "mode": "file",
        "started_after": _rfc3339(requested - CLOCK_SLACK),
    }
    for _ in range(20):
        runs = await asyncio.to_thread(lambda: list(ctx.client.iter_runs(**filters)))
        known = ctx.ledger.known_remote_ids("v1") | ctx.claimed
        runs = [r for r in runs if r["run_id"] not in known]
        if not any(r["status"] == "live" for r in runs):
            break
        await asyncio.sleep(0.1)  # a run still measuring: its byte count comes at the end
    match = sorted(
        (r for r in runs if r.get("bytes_received") == piece.size),
        key=lambda r: r["started_at"],
    )
    if not match:
        ctx.emit(item, "not_arrived", reason=f"{piece.name}: no run was made; sending again")
        return
    run = match[0]
    ctx.claimed.add(run["run_id"])
    extra = {
        "run_id": run["run_id"],
        "piece": piece.name,
        "metered_seconds": float(run.get("metered_seconds") or 0.0),
        "status": run.get("status"),
    }
    ctx.ledger.add_extra_run(ctx.key(item), extra)
    ctx.emit(item, "extra_billed", run_id=run["run_id"], reason=f"{piece.name}: answer lost")
