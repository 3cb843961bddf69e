"""v1 runs: records of uploads and realtime sessions, their events, and the three endpoints.

Cursors are opaque (URL-safe base64 of the last row's position); the list is newest
first; ``started_before`` is exclusive and ``started_after`` inclusive.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from humeresearch.server._auth import check_v1, v1_unauthorized
from humeresearch.server._responses import JSONBytesResponse, v1_error
from humeresearch.server._util import USER_ID, iso_ms, now_ms, parse_rfc3339_ms

#: events of one kind stored per run before the kind is capped.
EVENT_CAP = 100
_FILTERS = {
    "status": ("live", "ended", "errored"),
    "mode": ("realtime", "file"),
    "endpoint": ("audio", "video"),
}


def audio_run_config(audio: dict[str, Any], timer_ms: int) -> dict[str, Any]:
    return {
        "schema": "v4",
        "audio": dict(audio),
        "measurement_timer_ms": timer_ms,
        "simulated": True,
    }


def video_run_config(image: dict[str, Any], face: dict[str, Any]) -> dict[str, Any]:
    return {"schema": "v4", "image": dict(image), "face": dict(face), "simulated": True}


def billed(metered: float, took_media: bool) -> float:
    """Final metered seconds: at least 10 s for a run that took in any media."""
    return max(10.0, metered) if took_media else 0.0


def new_run(state: Any, *, endpoint: str, mode: str, config: dict[str, Any]) -> str:
    """Store a ``live`` run and return its id."""
    run_id = str(uuid.uuid4())
    state.store.add_run(
        {
            "run_id": run_id,
            "user_id": USER_ID,
            "status": "live",
            "endpoint": endpoint,
            "mode": mode,
            "started_ms": now_ms(),
            "metered_seconds": 0.0,
            "config": config,
        }
    )
    return run_id


def _run_object(state: Any, row: dict[str, Any], *, full: bool) -> dict[str, Any]:
    live = state.live_runs.get(row["run_id"], {})
    row = {**row, **live}
    out = {
        "run_id": row["run_id"],
        "user_id": row["user_id"],
        "status": row["status"],
        "endpoint": row["endpoint"],
        "mode": row["mode"],
        "started_at": iso_ms(row["started_ms"]),
        "ended_at": iso_ms(row["ended_ms"]),
        "bytes_received": row["bytes_received"],
        "bytes_recorded": row["bytes_recorded"],
        "metered_seconds": float(row["metered_seconds"] or 0.0),
    }
    if full:
        out["close_code"] = row["close_code"]
        out["close_reason"] = row["close_reason"]
        out["config"] = orjson.loads(row["config"])
    return out


def _encode_cursor(*items: Any) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(items))).decode().rstrip("=")


def _decode_cursor(text: str) -> list[Any]:
    try:
        value = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, orjson.JSONDecodeError):
        raise ValueError(f"cursor {text!r} is not a cursor this server issued") from None
    if not isinstance(value, list):
        raise ValueError(f"cursor {text!r} is not a cursor this server issued")
    return value


def _int64(value: Any) -> bool:
    """Whether a cursor position is an integer SQLite can compare (not bool, in int64)."""
    return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63


def _page_size(request: Request) -> int:
    raw = request.query_params.get("page_size")
    if raw is None:
        return 50
    try:
        size = int(raw) if len(raw) <= 25 else int("x")
    except ValueError:
        raise ValueError(f"page_size {raw!r} is not an integer") from None
    if not 1 <= size <= 200:
        raise ValueError(f"page_size {size} is outside 1-200")
    return size


def _guard(request: Request) -> Response | None:
    reason = check_v1(request.app.state.hr.settings.api_key, request.headers)
    return None if reason is None else v1_unauthorized(reason)


async def list_runs(request: Request) -> Response:
    """``GET /v1/expression/run``."""
    if (denied := _guard(request)) is not None:
        return denied
    state = request.app.state.hr
    q = request.query_params
    try:
        size = _page_size(request)
        filters: dict[str, Any] = {"user_id": q.get("user_id")}
        for name, choices in _FILTERS.items():
            value = q.get(name)
            if value is not None and value not in choices:
                raise ValueError(f"{name} {value!r} is not one of {list(choices)}")
            filters[name] = value
        for name in ("started_before", "started_after"):
            if q.get(name) is not None:
                try:
                    filters[name] = parse_rfc3339_ms(q[name])
                except (ValueError, OverflowError):
                    raise ValueError(f"{name} {q[name]!r} is not an RFC 3339 datetime") from None
        after = None
        if q.get("cursor"):
            pos = _decode_cursor(q["cursor"])
            if len(pos) != 2 or not _int64(pos[0]) or not isinstance(pos[1], str):
                raise ValueError(f"cursor {q['cursor']!r} is not a cursor this server issued")
            after = (pos[0], pos[1])
    except ValueError as exc:
        return v1_error("invalid_request", str(exc))
    rows = state.store.list_runs(filters, after, size + 1)
    body: dict[str, Any] = {"runs": [_run_object(state, r, full=False) for r in rows[:size]]}
    if len(rows) > size:
        last = rows[size - 1]
        body["next_cursor"] = _encode_cursor(last["started_ms"], last["run_id"])
    return JSONBytesResponse(body)


def _find(request: Request) -> dict[str, Any] | None:
    return request.app.state.hr.store.run(request.path_params["run_id"])


async def get_run(request: Request) -> Response:
    """``GET /v1/expression/run/{run_id}``."""
    if (denied := _guard(request)) is not None:
        return denied
    row = _find(request)
    if row is None:
        return v1_error("not_found", f"run {request.path_params['run_id']} not found")
    return JSONBytesResponse(_run_object(request.app.state.hr, row, full=True))


async def list_events(request: Request) -> Response:
    """``GET /v1/expression/run/{run_id}/events``."""
    if (denied := _guard(request)) is not None:
        return denied
    state = request.app.state.hr
    row = _find(request)
    if row is None:
        return v1_error("not_found", f"run {request.path_params['run_id']} not found")
    try:
        size = _page_size(request)
        after = 0
        if request.query_params.get("cursor"):
            pos = _decode_cursor(request.query_params["cursor"])
            if len(pos) != 1 or not _int64(pos[0]):
                raise ValueError("cursor is not a cursor this server issued")
            after = pos[0]
    except ValueError as exc:
        return v1_error("invalid_request", str(exc))
    rows = state.store.events(row["run_id"], after, size + 1)
    events = []
    for r in rows[:size]:
        event = {"seq": r["seq"], "at": iso_ms(r["at_ms"]), "kind": r["kind"]}
        if r["detail"] is not None:
            event["detail"] = orjson.loads(r["detail"])
        events.append(event)
    live = state.live_runs.get(row["run_id"], {})
    capped = live.get("capped_kinds") or orjson.loads(row["capped_kinds"] or "[]")
    body: dict[str, Any] = {
        "events": events,
        "at_cap": bool(capped),
        "capped_kinds": list(capped),
        "gaps": False,
    }
    if len(rows) > size:
        body["next_cursor"] = _encode_cursor(rows[size - 1]["seq"])
    return JSONBytesResponse(body)
