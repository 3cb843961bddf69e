"""v0 job lifecycle: QUEUED -> IN_PROGRESS -> COMPLETED | FAILED, job objects and callbacks.

A job's processing is a background task: it starts after a quarter of
``processing_delay``, ends after the whole delay (both measured from creation), and
the predictions come from :func:`humeresearch.simulate.v0_predictions`. Unfinished
jobs of a previous process (same ``--data-dir``) are resumed at start-up.

``callback_url`` receives, once the job has ended, a POST whose JSON body is the job
object of ``GET /v0/batch/jobs/{id}`` plus ``"predictions"`` when it COMPLETED.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from typing import Any
from urllib.parse import urlsplit

import anyio.to_thread
import httpx
import orjson

from humeresearch.server._limits import V0_MAX_ATTEMPTS, V0_MAX_PREDICTIONS_BYTES
from humeresearch.server._util import is_loopback_host, now_ms

logger = logging.getLogger("humeresearch.server")


def job_object(row: dict[str, Any]) -> dict[str, Any]:
    """The wire job object (hume-v0.md section 5) of a stored job row."""
    status = row["status"]
    state: dict[str, Any] = {"status": status, "created_timestamp_ms": row["created_ms"]}
    if status != "QUEUED":
        state["started_timestamp_ms"] = row["started_ms"]
    if status == "COMPLETED":
        state["ended_timestamp_ms"] = row["ended_ms"]
        state["num_predictions"] = row["num_predictions"]
        state["num_errors"] = row["num_errors"]
    elif status == "FAILED":
        state["ended_timestamp_ms"] = row["ended_ms"]
        state["message"] = row["message"]
    return {
        "job_id": row["job_id"],
        "type": "INFERENCE",
        "request": orjson.loads(row["request"]),
        "state": state,
    }


def check_callback_url(url: Any) -> str | None:
    """An error message when ``callback_url`` is not an http(s) URL on a loopback host.

    Only ``localhost`` and literal loopback addresses count: a name that would be
    resolved through DNS (``x.localhost`` included) is refused.
    """
    if url is None:
        return None
    if not isinstance(url, str):
        return "callback_url must be a string"
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"callback_url {url!r} is not an http(s) URL"
    if not is_loopback_host(parts.hostname):
        return (
            f"callback_url host {parts.hostname!r} is not a loopback address; "
            "the local server only calls back to 127.0.0.1, [::1] or localhost"
        )
    return None


def file_source_object(source: dict[str, Any]) -> dict[str, Any]:
    """The predictions ``source`` object of an uploaded file."""
    return {
        "type": "file",
        "filename": source.get("name"),
        "content_type": source.get("content_type"),
        "md5sum": hashlib.md5(source.get("data") or b"").hexdigest(),
    }


def count_results(predictions: list[dict[str, Any]]) -> tuple[int, int]:
    """(num_predictions, num_errors): predicted files, and per-file plus per-source errors."""
    n_pred = n_err = 0
    for entry in predictions:
        results = entry.get("results")
        if results:
            n_pred += len(results.get("predictions") or [])
            n_err += len(results.get("errors") or [])
        if entry.get("error"):
            n_err += 1
    return n_pred, n_err


async def _sleep_until(target_ms: float) -> None:
    delay = (target_ms - now_ms()) / 1000
    if delay > 0:
        await asyncio.sleep(delay)


def _serialise(
    predictions: list[dict[str, Any]], sources_rows: list[dict[str, Any]]
) -> tuple[bytes, int, int]:
    """(predictions JSON, num_predictions, num_errors), uploads' ``source`` objects filled in."""
    if len(predictions) == len(sources_rows):
        for entry, src in zip(predictions, sources_rows):
            if src["kind"] == "file":
                entry["source"] = file_source_object(src)
    n_pred, n_err = count_results(predictions)
    return orjson.dumps(predictions, option=orjson.OPT_SERIALIZE_NUMPY), n_pred, n_err


async def _simulate(state: Any, job_id: str, row: dict[str, Any]) -> str | None:
    """Simulate and store one job's predictions; a message when the job must FAIL instead."""
    store, settings, sim = state.store, state.settings, state.sim
    if row["fail"]:
        return "injected fault: the job failed"
    params = orjson.loads(row["params"])
    sources_rows = store.job_sources(job_id)
    sources = [
        sim.Source(
            kind=s["kind"],
            name=s["name"],
            data=s["data"],
            text=s["text"],
            content_type=s["content_type"],
        )
        for s in sources_rows
    ]
    async with state.heavy:  # one simulation at a time keeps memory bounded
        predictions = await anyio.to_thread.run_sync(
            lambda: sim.v0_predictions(
                sources,
                models=params.get("models"),
                transcription=params.get("transcription"),
                seed=settings.seed,
            )
        )
        body, n_pred, n_err = await anyio.to_thread.run_sync(_serialise, predictions, sources_rows)
        del predictions
    if len(body) > V0_MAX_PREDICTIONS_BYTES:
        return (
            f"the predictions would take {len(body)} bytes, over the local server's limit of "
            f"{V0_MAX_PREDICTIONS_BYTES} bytes per job; submit fewer or smaller sources"
        )
    await _sleep_until(row["created_ms"] + settings.processing_delay * 1000)
    store.complete_job(job_id, max(now_ms(), row["created_ms"]), body, n_pred, n_err)
    return None


async def run_job(state: Any, job_id: str) -> None:
    """Process one job to its end (nothing for ended jobs).

    Any failure while processing ends the job FAILED with a message (never left
    IN_PROGRESS); a job whose processing was interrupted by server stops
    ``V0_MAX_ATTEMPTS`` times ends FAILED instead of being run again.
    """
    store, settings = state.store, state.settings
    row = store.job(job_id)
    if row is None or row["status"] in ("COMPLETED", "FAILED"):
        return
    await _sleep_until(row["created_ms"] + settings.processing_delay * 1000 / 4)
    attempts = store.start_job(job_id, max(now_ms(), row["created_ms"]))
    if attempts > V0_MAX_ATTEMPTS:
        message: str | None = (
            f"the server stopped {attempts - 1} times while processing this job; "
            "it is not run again"
        )
    else:
        try:
            message = await _simulate(state, job_id, row)
        except Exception as exc:  # whatever went wrong, the job ends FAILED with a message
            logger.error("job %s failed while processing: %r", job_id, exc)
            message = f"the job failed while processing: {type(exc).__name__}: {exc}"
    if message is not None:
        await _sleep_until(row["created_ms"] + settings.processing_delay * 1000)
        store.fail_job(job_id, max(now_ms(), row["created_ms"]), message)
    callback = orjson.loads(row["request"]).get("callback_url")
    if callback:
        await send_callback(state, job_id, callback)


async def send_callback(state: Any, job_id: str, url: str) -> None:
    """POST the ended job (plus predictions when COMPLETED) to a loopback ``callback_url``."""
    if check_callback_url(url) is not None:  # validated at creation; never call out
        return
    row = state.store.job(job_id)
    body = job_object(row)
    if row["status"] == "COMPLETED":
        body["predictions"] = orjson.loads(state.store.job_predictions(job_id))
    try:
        async with httpx.AsyncClient(timeout=10.0, trust_env=False) as client:
            response = await client.post(
                url, content=orjson.dumps(body), headers={"content-type": "application/json"}
            )
        logger.info("job %s: callback answered %s", job_id, response.status_code)
    except httpx.HTTPError as exc:
        logger.warning("job %s: callback to %s failed: %s", job_id, url, exc)


def resume_jobs(state: Any) -> None:
    """Restart the processing of jobs a previous process left unfinished."""
    for job_id in state.store.unfinished_jobs():
        state.spawn(run_job(state, job_id))
