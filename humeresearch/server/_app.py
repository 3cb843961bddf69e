"""Starlette application assembly: routes, error handlers, lifespan, debug endpoint."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, WebSocketRoute

from humeresearch.server import _runs, _v0_batch, _v0_stream, _v1_files, _v1_realtime
from humeresearch.server._auth import check_v1, v1_unauthorized
from humeresearch.server._faults import FaultMiddleware
from humeresearch.server._guard import GuardMiddleware
from humeresearch.server._responses import JSONBytesResponse, v0_error, v1_error
from humeresearch.server._state import State
from humeresearch.server._util import now_ms
from humeresearch.server._v0_jobs import resume_jobs


async def debug_counters(request: Request) -> Response:
    """``GET /_debug/counters``: requests per route, jobs and uploads per content hash, faults.

    ``jobs_by_content`` / ``uploads_by_content`` are keyed by
    :func:`humeresearch.server._util.content_hash` of the request. Requires the
    server's key (either header) when one is set; never shows it.
    """
    state = request.app.state.hr
    reason = check_v1(state.settings.api_key, request.headers)
    if reason is not None:
        return v1_unauthorized(reason)
    return JSONBytesResponse(state.counters.snapshot(state.faults.log()))


async def _http_error(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if request.url.path.startswith("/v1/"):
        code = {404: "not_found", 405: "method_not_allowed"}.get(status, "invalid_request")
        return v1_error(code, f"{request.method} {request.url.path}: {getattr(exc, 'detail', '')}")
    return v0_error(status, "not found" if status == 404 else str(getattr(exc, "detail", "error")))


def routes() -> list[Any]:
    return [
        Route("/v0/batch/jobs", _v0_batch.create_job, methods=["POST"]),
        Route("/v0/batch/jobs", _v0_batch.list_jobs, methods=["GET"]),
        Route("/v0/batch/jobs/{job_id}", _v0_batch.get_job, methods=["GET"]),
        Route("/v0/batch/jobs/{job_id}/predictions", _v0_batch.get_predictions, methods=["GET"]),
        Route("/v0/batch/jobs/{job_id}/artifacts", _v0_batch.get_artifacts, methods=["GET"]),
        WebSocketRoute("/v0/stream/models", _v0_stream.stream_models),
        Route("/v1/expression/audio/file", _v1_files.audio_file, methods=["POST"]),
        Route("/v1/expression/video/file", _v1_files.video_file, methods=["POST"]),
        WebSocketRoute("/v1/expression/audio/realtime", _v1_realtime.audio_realtime),
        WebSocketRoute("/v1/expression/video/realtime", _v1_realtime.video_realtime),
        Route("/v1/expression/run", _runs.list_runs, methods=["GET"]),
        Route("/v1/expression/run/{run_id}", _runs.get_run, methods=["GET"]),
        Route("/v1/expression/run/{run_id}/events", _runs.list_events, methods=["GET"]),
        Route("/_debug/counters", debug_counters, methods=["GET"]),
    ]


def build_app(state: State) -> Any:
    """The ASGI application of one server: Starlette wrapped by the fault middleware,
    wrapped by the Host/Origin guard (so a refused request never reaches a route)."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        import asyncio

        state.loop = asyncio.get_running_loop()
        state.store.abandon_live_runs(now_ms())
        resume_jobs(state)
        yield
        for task in list(state.tasks):
            task.cancel()

    app = Starlette(
        routes=routes(),
        lifespan=lifespan,
        exception_handlers={HTTPException: _http_error},
    )
    app.state.hr = state
    faulty = FaultMiddleware(app, state, app.router)
    return GuardMiddleware(faulty, allow_remote=state.settings.allow_remote)
