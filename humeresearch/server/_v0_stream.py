"""v0 streaming WebSocket ``/v0/stream/models``: one JSON reply per JSON message.

The server handles the envelope (auth, JSON and structure errors ``E0100``/``E0101``,
``payload_id`` echo, ``job_details``, ``reset_stream``); the reply to a payload with
``data`` comes from :func:`humeresearch.simulate.v0_stream_reply`, which applies the
payload limits and per-model warnings.
"""

from __future__ import annotations

import uuid
from typing import Any

import anyio.to_thread
import orjson
from starlette.websockets import WebSocket, WebSocketDisconnect

from humeresearch.server._auth import check_v0, v0_unauthorized
from humeresearch.server._limits import V0_STREAM_MAX_MESSAGE

ROUTE = "WS /v0/stream/models"
#: largest message handled (base64 of a few MB of media); larger ones, up to the
#: WebSocket hard cap ``WS_MAX_SIZE``, are answered ``E0101`` and the session goes on.
MAX_MESSAGE = V0_STREAM_MAX_MESSAGE


def _error(message: str, code: str) -> dict[str, Any]:
    return {"error": message, "code": code}


async def reply_to(state: Any, text: str, job_id: str) -> dict[str, Any]:
    """The reply to one client message."""
    try:
        msg = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _error("The message is not valid JSON.", "E0100")
    if not isinstance(msg, dict):
        return _error("The message must be a JSON object.", "E0101")
    payload_id = msg.get("payload_id")
    if payload_id is not None and not isinstance(payload_id, str):
        reply = _error("payload_id must be a string.", "E0101")
    elif "data" in msg:
        if not isinstance(msg["data"], str):
            reply = _error("data must be a string.", "E0101")
        else:
            reply = await anyio.to_thread.run_sync(
                lambda: state.sim.v0_stream_reply(msg, seed=state.settings.seed)
            )
    elif msg.get("reset_stream") or msg.get("job_details"):
        reply = {}
    else:
        reply = _error("The payload has no 'data' (nor reset_stream/job_details).", "E0101")
    if msg.get("job_details") is True:
        reply["job_details"] = {"job_id": job_id}
    if isinstance(payload_id, str):
        reply["payload_id"] = payload_id
    return reply


async def stream_models(websocket: WebSocket) -> None:
    """``/v0/stream/models``."""
    state = websocket.app.state.hr
    if not check_v0(state.settings.api_key, websocket.headers, websocket.query_params):
        await websocket.send_denial_response(v0_unauthorized())
        return
    await websocket.accept()
    job_id = uuid.uuid4().hex
    fault = state.faults.pick("ws", ROUTE, websocket.url.path)
    handled = 0
    try:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            text, data = message.get("text"), message.get("bytes")
            size = len(data) if data is not None else len(text or "")
            if size > MAX_MESSAGE:
                reply = _error(
                    f"The message is {size} bytes long; the local server takes at most "
                    f"{MAX_MESSAGE} bytes per message.",
                    "E0101",
                )
            else:
                if text is None:
                    text = (data or b"").decode("utf-8", errors="replace")
                reply = await reply_to(state, text, job_id)
            del text, data
            await websocket.send_text(orjson.dumps(reply).decode())
            handled += 1
            if fault is not None and handled >= fault.value:
                state.faults.record(fault.kind, ROUTE, after_messages=handled)
                code, reason = (
                    (1011, "injected fault")
                    if fault.kind == "ws_close"
                    else (1012, "server_shutdown")
                )
                await websocket.close(code=code, reason=reason)
                return
    except WebSocketDisconnect:
        return
