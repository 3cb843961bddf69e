"""One input through the v0 batch API: one job, created exactly once, re-attached on resume.

Job creation is never retried blindly: after an ambiguous failure (the request was
sent but no answer came, or a 5xx) the jobs created since the request are listed and
matched by file md5, URL or text (:meth:`V0BatchClient.find_jobs`); only when none
matches is the job created again. A row left ``submitted`` without a job id by an
interrupted call is resolved the same way before anything is sent.
"""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

from humeresearch.clients import (
    ApiError,
    StreamConfig,
    TransportError,
    V0BatchClient,
    V0StreamClient,
)
from humeresearch.measure._context import Context, InputFailed, write_atomic
from humeresearch.measure._inputs import Item

#: seconds subtracted from a request's time when looking for the jobs it may have created.
CLOCK_SLACK = 2.0


def _inputs(item: Item) -> dict[str, Any]:
    if item.kind == "file":
        path = Path(item.value)
        return {"files": [(path.name, path.read_bytes())]}
    return {"urls": [item.value]} if item.kind == "url" else {"text": [item.value]}


async def run_v0(ctx: Context, item: Item) -> None:
    """Measure ``item`` with one v0 job (or the stream); the ledger row ends ``done`` or raises."""
    if isinstance(ctx.resolved.config, StreamConfig):
        await run_v0_stream(ctx, item)
        return
    key = ctx.key(item)
    row = ctx.ledger.row(key) or {}
    job_id = None
    if row.get("remote_id") is None and row.get("requested_at") is not None:
        job_id = await _recover(ctx, item, row["requested_at"])
    elif row.get("state") == "submitted":
        job_id = row["remote_id"]
    if job_id is not None:
        ctx.ledger.update(key, state="submitted", remote_id=job_id)
        ctx.emit(item, "reattached", job_id=job_id)
    else:
        job_id = await _create(ctx, item)
    job = await _wait(ctx, item, job_id)
    if job["state"]["status"] == "FAILED":
        raise InputFailed(f"job {job_id} FAILED: {job['state'].get('message', '')}")
    path = ctx.raw_dir(item) / "predictions.json"
    response = await asyncio.to_thread(
        ctx.client.http.request,
        "GET",
        f"/v0/batch/jobs/{job_id}/predictions",
        idempotent=True,
    )
    write_atomic(path, response.content)
    ctx.ledger.update(key, state="done", result_path=ctx.rel(path), reason=None)
    ctx.emit(item, "done", job_id=job_id)


async def _create(ctx: Context, item: Item) -> str:
    key = ctx.key(item)
    client: V0BatchClient = ctx.client
    last = ""
    for attempt in range(ctx.retry.attempts):
        ctx.check()
        requested = time.time()
        attempts = (ctx.ledger.row(key) or {}).get("attempts", 0) + 1
        ctx.ledger.update(
            key, state="submitted", remote_id=None, requested_at=requested, attempts=attempts
        )
        try:
            kwargs = await asyncio.to_thread(_inputs, item)
            job_id = await asyncio.to_thread(client.start_job, config=ctx.resolved.config, **kwargs)
        except TransportError as exc:
            last = str(exc)
            if exc.sent and (found := await _recover(ctx, item, requested)):
                return found
            wait = ctx.retry.delay(attempt)
        except ApiError as exc:
            last = str(exc)
            if exc.status >= 500 and (found := await _recover(ctx, item, requested)):
                return found
            if exc.status < 500 and exc.status not in (408, 429):
                raise InputFailed(ctx.scrub(last)) from None
            wait = ctx.retry.delay(attempt, retry_after=exc.retry_after)
        else:
            ctx.ledger.update(key, remote_id=job_id)
            ctx.emit(item, "submitted", job_id=job_id)
            return job_id
        ctx.emit(item, "retrying", reason=ctx.scrub(last))
        await ctx.sleep(wait)
    raise InputFailed(f"job creation failed {ctx.retry.attempts} times: {ctx.scrub(last)}")


async def _recover(ctx: Context, item: Item, requested: float) -> str | None:
    """The job an ambiguous request created, if the server lists one (else None)."""
    key = ctx.key(item)
    kwargs = await asyncio.to_thread(_inputs, item)
    after = int((requested - CLOCK_SLACK) * 1000)
    found = await asyncio.to_thread(ctx.client.find_jobs, created_after_ms=after, **kwargs)
    known = ctx.ledger.known_remote_ids("v0") | ctx.claimed
    fresh = [j for j in found if j["job_id"] not in known]
    if not fresh:
        ctx.emit(item, "not_arrived", reason="no job was created; sending again")
        return None
    fresh.sort(key=lambda j: j["state"]["created_timestamp_ms"])
    job_id = str(fresh[0]["job_id"])
    ctx.claimed.add(job_id)
    for extra in fresh[1:]:  # duplicates made elsewhere: reported, never used
        ctx.ledger.add_extra_run(key, {"job_id": extra["job_id"], "reason": "duplicate job"})
    ctx.ledger.update(key, state="submitted", remote_id=job_id)
    ctx.emit(item, "reattached", job_id=job_id, reason="created although no answer came")
    return job_id


async def _wait(ctx: Context, item: Item, job_id: str) -> dict[str, Any]:
    """Poll the job (backing off) until it is COMPLETED or FAILED."""
    delay = ctx.poll
    waiting = False
    while True:
        ctx.check()
        job = await asyncio.to_thread(ctx.client.job, job_id)
        if job["state"]["status"] in ("COMPLETED", "FAILED"):
            return job
        if not waiting:
            ctx.emit(item, "waiting", job_id=job_id)
            waiting = True
        await ctx.sleep(delay)
        delay = min(delay * 2, ctx.max_poll)


async def run_v0_stream(ctx: Context, item: Item) -> None:
    """Measure ``item`` through the v0 stream: payloads within the limits, replies stored.

    A stream creates nothing that could be paid twice by a retry, so an interrupted
    input is simply streamed again.
    """
    if item.kind == "url":
        raise InputFailed("the v0 stream takes local media and texts, not URLs")
    key = ctx.key(item)
    row = ctx.ledger.row(key) or {}
    ctx.ledger.update(key, state="submitted", attempts=int(row.get("attempts") or 0) + 1)
    client = V0StreamClient(ctx.client.http.base_url, api_key=ctx.secret)
    config = ctx.resolved.config
    if item.kind == "text":
        result = await client.stream_text_async(item.value, config=config, source=item.name)
    else:
        try:
            result = await client.stream_media_async(item.value, config=config, source=item.name)
        except ValueError as exc:
            raise InputFailed(str(exc)) from None
    path = ctx.raw_dir(item) / "stream.json"
    write_atomic(path, json.dumps(
        {"source": result.source, "replies": result.replies, "offsets": result.offsets,
         "chars": result.chars}
    ).encode())  # fmt: skip
    ctx.ledger.update(key, state="done", result_path=ctx.rel(path), reason=None)
    ctx.emit(item, "done")
