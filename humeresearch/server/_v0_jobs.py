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
    """An error message when ``callback_url`` is not an http(s) URL on a loopback host."""
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
            "the local server only calls back to 127.0.0.1, ::1 or localhost"
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


async def run_job(state: Any, job_id: str) -> None:
    """Process one job to its end (idempotent for finished jobs)."""
    store, settings, sim = state.store, state.settings, state.sim
    row = store.job(job_id)
    if row is None or row["status"] in ("COMPLETED", "FAILED"):
        return
    delay_ms = settings.processing_delay * 1000
    await _sleep_until(row["created_ms"] + delay_ms / 4)
    if row["status"] == "QUEUED":
        store.start_job(job_id, max(now_ms(), row["created_ms"]))
    params = orjson.loads(row["params"])
    sources_rows = store.job_sources(job_id)
    predictions: list[dict[str, Any]] | None = None
    message = None
    if row["fail"]:
        message = "injected fault: the job failed"
    else:
        try:
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
            predictions = await anyio.to_thread.run_sync(
                lambda: sim.v0_predictions(
                    sources,
                    models=params.get("models"),
                    transcription=params.get("transcription"),
                    seed=settings.seed,
                )
            )
        except Exception as exc:  # the simulator failing is a FAILED job, not a crash
            logger.exception("job %s: simulation failed", job_id)
            message = f"simulation failed: {exc}"
    await _sleep_until(row["created_ms"] + delay_ms)
    ended = max(now_ms(), row["created_ms"])
    if predictions is not None:
        try:
            if len(predictions) == len(sources_rows):
                for entry, src in zip(predictions, sources_rows):
                    if src["kind"] == "file":
                        entry["source"] = file_source_object(src)
            n_pred, n_err = count_results(predictions)
            body = orjson.dumps(predictions, option=orjson.OPT_SERIALIZE_NUMPY)
        except (TypeError, ValueError, AttributeError) as exc:
            logger.exception("job %s: unusable simulated predictions", job_id)
            predictions, message = None, f"simulation failed: {exc}"
        else:
            store.complete_job(job_id, ended, body, n_pred, n_err)
    if predictions is None:
        store.fail_job(job_id, ended, message or "the job failed")
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
