"""v1 uploads: ``POST /v1/expression/audio/file`` and ``POST /v1/expression/video/file``.

Checks in order: credentials, multipart body (25 MB), parts, ``config`` (unknown
fields rejected), media (formats, sizes, pixels; all images before any is measured).
A request that passes them becomes a ``file`` run, measured by the simulator; a
simulator failure after that point leaves the run ``errored`` and billed 0.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import orjson
from starlette.requests import Request
from starlette.responses import Response

from humeresearch.server._auth import check_v1, v1_unauthorized
from humeresearch.server._media import MediaError, audio_pcm, check_jpeg
from humeresearch.server._multipart import BodyTooLarge, MultipartError, Part, read_multipart
from humeresearch.server._responses import V1_STATUS, JSONBytesResponse, v1_error
from humeresearch.server._runs import audio_run_config, billed, new_run, video_run_config
from humeresearch.server._util import now_ms, request_id
from humeresearch.wire import content_hash

#: request body limit of both upload endpoints (25 MB).
MAX_BODY = 25_000_000
AUDIO_FORMAT = {"type": "audio/pcm", "encoding": "s16le", "sample_rate": 16000, "channels": 1}
IMAGE_FORMAT = {"type": "image/jpeg"}


class RequestError(ValueError):
    """A rejected upload: v1 ``code`` and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def _config_invalid(message: str) -> RequestError:
    return RequestError("config_invalid", f"the config part is not valid: {message}")


def _unknown(obj: dict[str, Any], allowed: tuple[str, ...], where: str) -> None:
    for key in obj:
        if key not in allowed:
            expected = ", ".join(f"`{a}`" for a in allowed)
            raise _config_invalid(f"unknown field `{key}`{where}, expected one of {expected}")


def _parse_config(parts: list[Part]) -> dict[str, Any]:
    configs = [p for p in parts if p.name == "config"]
    if len(configs) > 1:
        raise RequestError("invalid_request", "send at most one `config` part")
    if not configs:
        return {}
    try:
        cfg = orjson.loads(configs[0].data)
    except orjson.JSONDecodeError as exc:
        raise _config_invalid(f"not JSON ({exc})") from None
    if not isinstance(cfg, dict):
        raise _config_invalid("expected a JSON object")
    return cfg


def _int_option(value: Any, name: str, low: int, high: int | None) -> int:
    if (
        isinstance(value, bool)
        or not isinstance(value, int)
        or value < low
        or (high is not None and value > high)
    ):
        bound = f"{low}-{high}" if high is not None else f">= {low}"
        raise _config_invalid(f"`{name}` must be an integer {bound}, got {value!r}")
    return value


def audio_timer(cfg: dict[str, Any]) -> int:
    """Validated ``measurement_timer_ms`` of an audio file config (3000 when absent)."""
    _unknown(cfg, ("measurement_timer_ms",), "")
    value = cfg.get("measurement_timer_ms")
    return 3000 if value is None else _int_option(value, "measurement_timer_ms", 3000, 10000)


def face_options(face: Any, allowed: tuple[str, ...]) -> dict[str, Any]:
    """Validated face options (threshold 0.9, min_size 60 by default)."""
    if face is None:
        face = {}
    if not isinstance(face, dict):
        raise _config_invalid("`face` must be an object")
    _unknown(face, allowed, " in `face`")
    out: dict[str, Any] = {"threshold": 0.9, "min_size": 60}
    if face.get("threshold") is not None:
        t = face["threshold"]
        if isinstance(t, bool) or not isinstance(t, (int, float)) or not 0.0 <= t <= 1.0:
            raise _config_invalid(f"`face.threshold` must be a number 0-1, got {t!r}")
        out["threshold"] = float(t)
    if face.get("min_size") is not None:
        out["min_size"] = _int_option(face["min_size"], "face.min_size", 1, None)
    if "return_face_state" in allowed and face.get("return_face_state") is not None:
        if not isinstance(face["return_face_state"], bool):
            raise _config_invalid("`face.return_face_state` must be true or false")
        out["return_face_state"] = face["return_face_state"]
    return out


async def _read(request: Request) -> list[Part]:
    reason = check_v1(request.app.state.hr.settings.api_key, request.headers)
    if reason is not None:
        raise PermissionError(reason)
    return await read_multipart(request, max_bytes=MAX_BODY)


def _files(parts: list[Part]) -> list[Part]:
    for p in parts:
        if p.name not in ("file", "config"):
            raise RequestError(
                "invalid_request", f"unknown part `{p.name}`; expected `file` and `config`"
            )
    files = [p for p in parts if p.name == "file"]
    if not files:
        raise RequestError("invalid_request", "the request has no `file` part")
    return files


#: what one upload runs: its run config, the simulation (given the simulator and the
#: seed), the metered seconds and the bytes received
_Job = tuple[dict[str, Any], Callable[[Any, int], dict[str, Any]], float, int]


def _audio_job(files: list[Part], cfg: dict[str, Any]) -> _Job:
    if len(files) != 1:
        raise RequestError("invalid_request", "send exactly one `file` part")
    timer = audio_timer(cfg)
    pcm = audio_pcm(files[0].data)
    run_config = audio_run_config(AUDIO_FORMAT, timer)

    def simulate(sim: Any, seed: int) -> dict[str, Any]:
        return sim.v1_audio(pcm, measurement_timer_ms=timer, seed=seed)  # type: ignore[no-any-return]

    return run_config, simulate, len(pcm) / 32000, len(pcm)


def _video_job(files: list[Part], cfg: dict[str, Any]) -> _Job:
    _unknown(cfg, ("face", "face_state"), "")
    face = face_options(cfg.get("face"), ("threshold", "min_size", "return_face_state"))
    face_state = cfg.get("face_state")
    if face_state is not None and not isinstance(face_state, str):
        raise _config_invalid("`face_state` must be a string")
    images = [f.data for f in files]
    for i, image in enumerate(images):
        check_jpeg(image, what=f"image {i} (file part {i})")
    run_config = video_run_config(IMAGE_FORMAT, {k: face[k] for k in ("threshold", "min_size")})

    def simulate(sim: Any, seed: int) -> dict[str, Any]:
        return sim.v1_video(  # type: ignore[no-any-return]
            images,
            threshold=face["threshold"],
            min_size=face["min_size"],
            face_state=face_state,
            return_face_state=face.get("return_face_state", False),
            seed=seed,
        )

    return run_config, simulate, len(images) / 3, sum(len(i) for i in images)


async def _handle(request: Request, endpoint: str) -> Response:
    state = request.app.state.hr
    rid = request_id()
    too_large = "audio_too_long" if endpoint == "audio" else "image_too_large"
    try:
        parts = await _read(request)
        files = _files(parts)
        cfg = _parse_config(parts)
        run_config, simulate, metered, took = (
            _audio_job(files, cfg) if endpoint == "audio" else _video_job(files, cfg)
        )
    except PermissionError as exc:
        return v1_unauthorized(str(exc))
    except MultipartError as exc:
        return v1_error("message_invalid", str(exc), rid=rid)
    except BodyTooLarge as exc:
        return v1_error(too_large, str(exc), rid=rid)
    except (RequestError, MediaError) as exc:
        return v1_error(exc.code, exc.message, rid=rid)

    state.counters.upload(
        content_hash({"endpoint": endpoint, "config": cfg}, [f.data for f in files])
    )
    run_id = new_run(state, endpoint=endpoint, mode="file", config=run_config)
    sim, seed = state.sim, state.settings.seed
    try:
        result = await anyio.to_thread.run_sync(lambda: simulate(sim, seed))
    except Exception as exc:
        code = getattr(exc, "code", None)
        code = code if code in V1_STATUS else "internal_error"
        message = getattr(exc, "message", None) or str(exc)
        state.store.update_run(
            run_id, status="errored", ended_ms=now_ms(), bytes_received=0, metered_seconds=0.0
        )
        return v1_error(code, message, rid=rid)
    state.store.update_run(
        run_id,
        status="ended",
        ended_ms=now_ms(),
        bytes_received=took,
        metered_seconds=billed(metered, True),
    )
    body = {
        "request_id": rid,
        "run_id": run_id,
        **{k: v for k, v in result.items() if k not in ("request_id", "run_id")},
        "simulated": True,  # an extra key (the SDK keeps extra keys): never a real measurement
    }
    return JSONBytesResponse(body)


async def audio_file(request: Request) -> Response:
    """``POST /v1/expression/audio/file``."""
    return await _handle(request, "audio")


async def video_file(request: Request) -> Response:
    """``POST /v1/expression/video/file``."""
    return await _handle(request, "video")
