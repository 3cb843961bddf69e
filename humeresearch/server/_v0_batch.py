"""v0 batch REST: create (JSON or multipart), list, details, predictions, artifacts."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

import anyio.to_thread
import orjson
from starlette.requests import Request
from starlette.responses import Response

from humeresearch.define import V0_MODELS
from humeresearch.server._auth import check_v0, v0_unauthorized
from humeresearch.server._limits import (
    INT64_MAX,
    V0_MAX_BODY,
    V0_MAX_FILES,
    V0_MAX_JSON_BODY,
    V0_MAX_PENDING_BYTES,
    V0_MAX_TEXT_CHARS,
    V0_MAX_TEXTS,
    V0_MAX_URLS,
)
from humeresearch.server._multipart import (
    BodyTooLarge,
    MultipartError,
    check_declared_size,
    read_body,
    read_multipart,
)
from humeresearch.server._responses import JSONBytesResponse, v0_error
from humeresearch.server._util import now_ms
from humeresearch.server._v0_jobs import check_callback_url, job_object, run_job
from humeresearch.wire import content_hash

STATUSES = ("QUEUED", "IN_PROGRESS", "COMPLETED", "FAILED")
_SORT = {"created": "created_ms", "started": "started_ms", "ended": "ended_ms"}


class BadRequest(ValueError):
    """A malformed v0 request (answered 400 ``{"message"}``)."""


def _state(request: Request) -> Any:
    return request.app.state.hr


def _authorised(request: Request) -> bool:
    return check_v0(_state(request).settings.api_key, request.headers, request.query_params)


def _check_sizes(cfg: dict[str, Any], where: str) -> None:
    """The per-job counts (400) and the text size (413) of ``server._limits``."""
    for key, most in (("urls", V0_MAX_URLS), ("text", V0_MAX_TEXTS)):
        if len(cfg.get(key) or ()) > most:
            raise BadRequest(
                f"{where}.{key} has {len(cfg[key])} items; a job takes at most {most} "
                "(put more media in an archive)"
            )
    chars = sum(len(t) for t in cfg.get("text") or ())
    if chars > V0_MAX_TEXT_CHARS:
        raise BodyTooLarge(
            f"{where}.text holds {chars} characters; the local server takes at most "
            f"{V0_MAX_TEXT_CHARS} characters of text per job (split it into several jobs)"
        )


def _validate_config(cfg: Any, where: str) -> dict[str, Any]:
    if cfg is None:
        return {}
    if not isinstance(cfg, dict):
        raise BadRequest(f"{where} must be a JSON object, got {type(cfg).__name__}")
    models = cfg.get("models")
    if models is not None:
        if not isinstance(models, dict):
            raise BadRequest(f"{where}.models must be an object")
        for name, opts in models.items():
            if name not in V0_MODELS:
                raise BadRequest(
                    f"{where}.models.{name} is not a model; choose from {list(V0_MODELS)}"
                )
            if opts is not None and not isinstance(opts, dict):
                raise BadRequest(f"{where}.models.{name} must be an object or null")
    for key in ("urls", "text"):
        value = cfg.get(key)
        if value is not None and (
            not isinstance(value, list) or not all(isinstance(v, str) for v in value)
        ):
            raise BadRequest(f"{where}.{key} must be a list of strings")
    _check_sizes(cfg, where)
    if cfg.get("transcription") is not None and not isinstance(cfg["transcription"], dict):
        raise BadRequest(f"{where}.transcription must be an object or null")
    if cfg.get("notify") is not None and not isinstance(cfg["notify"], bool):
        raise BadRequest(f"{where}.notify must be true or false")
    problem = check_callback_url(cfg.get("callback_url"))
    if problem:
        raise BadRequest(problem)
    return cfg


async def _read_request(request: Request) -> tuple[Any, list[Any]]:
    """(config as sent, file parts) of a JSON or multipart job request."""
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if ctype == "multipart/form-data":
        parts = await read_multipart(request, max_bytes=V0_MAX_BODY)
        if sum(p.name == "file" for p in parts) > V0_MAX_FILES:
            raise BadRequest(
                f"the request has more than {V0_MAX_FILES} 'file' parts; put them in an archive"
            )
        config: Any = None
        seen_json = False
        files = []
        for part in parts:
            if part.name == "file":
                files.append(part)
            elif part.name == "json":
                if seen_json:
                    raise BadRequest("the multipart body has more than one 'json' part")
                seen_json = True
                if len(part.data) > V0_MAX_JSON_BODY:
                    raise BodyTooLarge(
                        f"the 'json' part is {len(part.data)} bytes, over the "
                        f"{V0_MAX_JSON_BODY}-byte limit"
                    )
                try:
                    config = orjson.loads(part.data) if part.data.strip() else None
                except orjson.JSONDecodeError as exc:
                    raise BadRequest(f"the 'json' part is not valid JSON: {exc}") from None
            else:
                raise BadRequest(f"unknown multipart part {part.name!r}; expected 'file' or 'json'")
        return config, files
    if ctype in ("application/json", ""):
        body = await read_body(request, max_bytes=V0_MAX_JSON_BODY)
        try:
            return orjson.loads(body), []
        except orjson.JSONDecodeError as exc:
            raise BadRequest(f"the body is not valid JSON: {exc}") from None
    raise BadRequest(
        f"Content-Type {ctype!r} is not accepted; send application/json or multipart/form-data"
    )


def _check_options(state: Any, cfg: dict[str, Any]) -> None:
    """Every model and transcription option, checked now (400 naming the field) rather than
    failing the job later: the simulator validates them on an empty source list."""
    transcription = cfg.get("transcription")
    try:
        state.sim.v0_predictions(
            [],
            models=cfg.get("models"),
            transcription=False
            if "transcription" in cfg and transcription is None
            else transcription,
        )
    except ValueError as exc:
        field = getattr(exc, "field", None)
        reason = getattr(exc, "reason", None) or str(exc)
        raise BadRequest(f"request.{field}: {reason}" if field else f"request: {exc}") from None


async def create_job(request: Request) -> Response:
    """``POST /v0/batch/jobs``."""
    if not _authorised(request):
        return v0_unauthorized()
    state = _state(request)
    try:
        multipart = request.headers.get("content-type", "").lower().startswith("multipart/")
        check_declared_size(request, max_bytes=V0_MAX_BODY if multipart else V0_MAX_JSON_BODY)
        if state.store.pending_bytes() > V0_MAX_PENDING_BYTES:
            return v0_error(
                503, "too many unfinished uploads are waiting; retry when jobs have ended"
            )
        sent, files = await _read_request(request)
        cfg = _validate_config(sent, "request")
        _check_options(state, cfg)
    except BadRequest as exc:
        return v0_error(400, str(exc))
    except MultipartError as exc:
        return v0_error(400, str(exc))
    except BodyTooLarge as exc:
        return v0_error(413, str(exc))
    urls, texts = cfg.get("urls") or [], cfg.get("text") or []
    if not (urls or texts or files):
        return v0_error(400, "a job needs at least one of 'urls', 'text' or a 'file' part")

    sources: list[dict[str, Any]] = [{"kind": "url", "name": u} for u in urls]
    sources += [
        {"kind": "file", "name": f.filename, "content_type": f.content_type, "data": f.data}
        for f in files
    ]
    sources += [{"kind": "text", "name": f"text-{i}", "text": t} for i, t in enumerate(texts)]
    models = cfg.get("models")
    effective = state.sim.v0_default_models(models)
    # an explicit null turns transcription off; absent means defaults
    transcription = (
        False
        if ("transcription" in cfg and cfg["transcription"] is None)
        else cfg.get("transcription")
    )
    job_id = str(uuid.uuid4())
    record = {
        "job_id": job_id,
        "created_ms": now_ms(),
        "request": {
            "models": effective,
            "transcription": cfg.get("transcription"),
            "urls": urls,
            "text": texts,
            "callback_url": cfg.get("callback_url"),
            "notify": bool(cfg.get("notify", False)),
            "files": [
                {
                    "filename": f.filename,
                    "content_type": f.content_type,
                    "md5sum": hashlib.md5(f.data).hexdigest(),
                }
                for f in files
            ],
        },
        "params": {"models": models, "transcription": transcription},
        "content_hash": content_hash(sent, [f.data for f in files]),
        "fail": False,
    }
    if state.faults.pick("job", "POST /v0/batch/jobs", request.url.path) is not None:
        record["fail"] = True
        state.faults.record("fail_job", "POST /v0/batch/jobs", job_id=job_id)
    state.store.add_job(record, sources)
    state.counters.job(record["content_hash"])
    state.spawn(run_job(state, job_id))
    return JSONBytesResponse({"job_id": job_id})


def _int_param(
    request: Request, name: str, default: int | None, *, low: int = -INT64_MAX - 1
) -> int | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    try:
        value = int(raw) if len(raw) <= 25 else None
    except ValueError:
        value = None
    if value is None:
        raise BadRequest(f"query parameter {name}={raw[:40]!r} is not an integer")
    if not low <= value <= INT64_MAX:
        raise BadRequest(f"query parameter {name}={value} is outside {low}..{INT64_MAX}")
    return value


def _choice(
    request: Request, name: str, choices: tuple[str, ...], default: str | None
) -> str | None:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise BadRequest(f"query parameter {name}={raw!r} is not one of {list(choices)}")
    return raw


async def list_jobs(request: Request) -> Response:
    """``GET /v0/batch/jobs`` with ``limit``, repeated ``status``, ``when``, ``timestamp_ms``,
    ``sort_by``, ``direction``. ``created_before`` is exclusive, ``created_after`` inclusive."""
    if not _authorised(request):
        return v0_unauthorized()
    try:
        limit = _int_param(request, "limit", 50, low=1) or 50
        statuses = request.query_params.getlist("status")
        for s in statuses:
            if s not in STATUSES:
                raise BadRequest(f"query parameter status={s!r} is not one of {list(STATUSES)}")
        when = _choice(request, "when", ("created_before", "created_after"), None)
        timestamp_ms = _int_param(request, "timestamp_ms", None)
        sort_by = _choice(request, "sort_by", tuple(_SORT), "created")
        direction = _choice(request, "direction", ("asc", "desc"), "desc")
    except BadRequest as exc:
        return v0_error(400, str(exc))
    rows = _state(request).store.list_jobs(
        statuses=statuses,
        when=when,
        timestamp_ms=timestamp_ms if timestamp_ms is not None else now_ms(),
        sort_column=_SORT[sort_by or "created"],
        descending=direction == "desc",
        limit=limit,
    )
    return JSONBytesResponse([job_object(r) for r in rows])


def _job_row(request: Request) -> dict[str, Any] | None:
    return _state(request).store.job(request.path_params["job_id"])


async def get_job(request: Request) -> Response:
    """``GET /v0/batch/jobs/{id}``."""
    if not _authorised(request):
        return v0_unauthorized()
    row = _job_row(request)
    if row is None:
        return v0_error(404, "job not found")
    return JSONBytesResponse(job_object(row))


def _not_ready(row: dict[str, Any]) -> Response:
    return v0_error(
        400, f"job {row['job_id']} is {row['status']}; results exist only for COMPLETED jobs"
    )


async def get_predictions(request: Request) -> Response:
    """``GET /v0/batch/jobs/{id}/predictions``."""
    if not _authorised(request):
        return v0_unauthorized()
    row = _job_row(request)
    if row is None:
        return v0_error(404, "job not found")
    if row["status"] != "COMPLETED":
        return _not_ready(row)
    body = _state(request).store.job_predictions(row["job_id"])
    return Response(body, media_type="application/json")


async def get_artifacts(request: Request) -> Response:
    """``GET /v0/batch/jobs/{id}/artifacts``: the zip, built from the stored predictions."""
    if not _authorised(request):
        return v0_unauthorized()
    state = _state(request)
    row = _job_row(request)
    if row is None:
        return v0_error(404, "job not found")
    if row["status"] != "COMPLETED":
        return _not_ready(row)
    async with state.heavy:  # one zip at a time keeps memory bounded

        def build() -> bytes:
            return state.sim.v0_artifacts_zip(
                orjson.loads(state.store.job_predictions(row["job_id"]))
            )  # type: ignore[no-any-return]

        data = await anyio.to_thread.run_sync(build)
    return Response(
        data,
        media_type="application/octet-stream",
        headers={"content-disposition": f'attachment; filename="artifacts-{row["job_id"]}.zip"'},
    )
