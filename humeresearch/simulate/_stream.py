"""One simulated reply of the v0 streaming endpoint ``/v0/stream/models`` (hume-v0.md section 10)."""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import json

import numpy as np

from humeresearch import vocabularies as voc
from humeresearch.define import V0_STREAM_MODELS
from humeresearch.errors import ConfigError, SimulationError
from humeresearch.simulate import _media
from humeresearch.simulate._blocks import f32, face_boxes, score_list
from humeresearch.simulate._config import validate_model
from humeresearch.simulate._scores import Scorer, digest
from humeresearch.simulate._sources import BURST_MAX, Media
from humeresearch.simulate._text import passage, sentences, words
from humeresearch.simulate._vad import segments
from humeresearch.wire.v0 import STREAM_MODEL_DEFAULTS

FITS = {
    "face": ("image", "video"),
    "burst": ("audio", "video"),
    "prosody": ("audio", "video"),
    "language": ("text",),
    "facemesh": ("facemesh",),
}
MAX_AUDIO_MS = 5000
MAX_TEXT = 10_000
MAX_IMAGE = 3000
MAX_FACEMESH_FACES = 10


def _decode(message: dict) -> tuple[str, Media, object]:
    """Detected file type, a Media description and the decoded payload."""
    data = message["data"]
    if message.get("raw_text"):
        if not isinstance(data, str):
            raise SimulationError("E0101", "data must be a string when raw_text is true")
        text, raw = data, data.encode("utf-8")
    else:
        if not isinstance(data, str):
            raise SimulationError("E0101", "data must be a base64 string")
        try:
            raw = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            raise SimulationError(
                "E0201", "data is not valid base64; send plain text with raw_text: true"
            ) from None
        text = None
    key = digest("v0-stream", hashlib.sha256(raw).digest())
    if text is None and raw.lstrip()[:1] == b"[":
        return "facemesh", Media("payload", "image", key), _facemesh_faces(raw)
    kind = "text" if text is not None else _media.sniff(raw)
    if kind == "text":
        text = text if text is not None else raw.decode("utf-8")
        if len(text) > MAX_TEXT:
            raise SimulationError(
                "E0205", f"text has {len(text)} characters; the limit is {MAX_TEXT}"
            )
        return "text", Media("payload", "text", key, text=text, raw_text=True), text
    ftype = _media.KIND_FILE_TYPE.get(kind)
    if ftype is None or kind == "riff":
        raise SimulationError("E0200", "the media type of data is not recognised")
    m = Media("payload", ftype, key)
    if ftype == "image":
        _image(m, raw, kind)
    else:
        _audio(m, raw, kind)
    return ftype, m, None


def _facemesh_faces(raw: bytes) -> int:
    """The number of faces of facemesh landmarks (JSON, shape (faces, 478, 3))."""
    try:
        arr = np.asarray(json.loads(raw), dtype=float)
    except (ValueError, TypeError):
        raise SimulationError("E0200", "facemesh data is not a JSON array of landmarks") from None
    if (arr.ndim != 3 or arr.shape[1:] != (478, 3)) and arr.size:
        raise SimulationError(
            "E0200", f"facemesh data must have shape (faces, 478, 3), got {arr.shape}"
        )
    if arr.ndim == 3 and arr.shape[0] > MAX_FACEMESH_FACES:
        raise SimulationError(
            "E0101",
            f"facemesh data holds {arr.shape[0]} faces; the limit is {MAX_FACEMESH_FACES}",
        )
    return arr.shape[0] if arr.ndim == 3 else 0


def _image(m: Media, raw: bytes, kind: str) -> None:
    """Size and blankness of an image payload (refused over the size limit)."""
    try:
        m.size = _media.image_size(raw, kind)
    except ValueError as exc:
        raise SimulationError("E0200", f"image could not be decoded ({exc})") from None
    if max(m.size) > MAX_IMAGE:
        raise SimulationError(
            "E0200", f"image is {m.size[0]}x{m.size[1]} px; the limit is {MAX_IMAGE}x{MAX_IMAGE}"
        )
    m.blank = _media.image_is_blank(raw, kind)


def _audio(m: Media, raw: bytes, kind: str) -> None:
    """Duration, speech and bursts of an audio or video payload (refused over 5000 ms)."""
    if kind == "wav":
        try:
            wav = _media.parse_wav(raw, lenient=True)
        except _media.WavError as exc:
            raise SimulationError("E0200", f"audio could not be decoded ({exc})") from None
        m.duration = wav.duration
        segs = segments(wav.samples, wav.rate)
    else:
        m.duration = len(raw) / (250_000 if m.file_type == "video" else 16_000)
        segs = [(0.1, max(0.1, m.duration - 0.1))]
    if m.file_type == "video" and m.duration * 1000 > MAX_AUDIO_MS:
        raise SimulationError(
            "E0204", "video payloads are limited to 5000 ms; send single frames as images"
        )
    if m.duration * 1000 > MAX_AUDIO_MS:
        raise SimulationError(
            "E0203", f"audio is {m.duration * 1000:.0f} ms long; the limit is {MAX_AUDIO_MS} ms"
        )
    m.speech = [(round(b, 3), round(e, 3)) for b, e in segs]
    m.bursts = [s for s in m.speech if s[1] - s[0] < BURST_MAX]


def _warning(code: str, text: str) -> dict:
    return {"warning": text, "code": code}


def _face(m: Media, cfg: dict, scorer: Scorer) -> dict:
    if m.file_type == "image":
        frames, times = np.zeros(1), np.zeros(1)
    else:
        n = max(1, int(m.duration * m.fps))
        step = m.fps / cfg["fps_pred"] if cfg["fps_pred"] > 0 else 1.0
        frames = np.unique(np.round(np.arange(0.0, n, max(step, 1.0))))
        times = frames / m.fps
    prob = np.asarray(f32(scorer.smooth("prob", times, 0.9935, 0.99995)))
    box = face_boxes(m, scorer, times)
    keep = (prob >= cfg["prob_threshold"]) & (
        np.minimum(box[:, 2], box[:, 3]) >= cfg["min_face_size"]
    )
    if m.blank or not keep.any():
        return _warning("W0103", "No faces detected.")
    e48 = voc.V0_EMOTIONS_CSV_ORDER
    facs, desc = voc.V0_FACS, voc.V0_FACE_DESCRIPTIONS
    emo = scorer("face", e48, times).tolist()
    fs = scorer("face", facs, times, family="facs").tolist()
    ds = scorer("face", desc, times, family="description").tolist()
    preds = []
    for i in np.flatnonzero(keep).tolist():
        x, y, w, h = box[i].tolist()
        item = {
            "frame": float(frames[i]),
            "time": None if m.file_type == "image" else float(times[i]),
            "bbox": {"x": x, "y": y, "w": w, "h": h},
            "prob": float(prob[i]),
            "face_id": "0" if cfg["identify_faces"] else "unknown",
            "emotions": score_list(e48, emo[i]),
        }
        if cfg["facs"] is not None:
            item["facs"] = score_list(facs, fs[i])
        if cfg["descriptions"] is not None:
            item["descriptions"] = score_list(desc, ds[i])
        preds.append(item)
    return {"predictions": preds}


def _spans(model: str, spans: list, scorer: Scorer, code: str, text: str) -> dict:
    if not spans:
        return _warning(code, text)
    e48 = voc.V0_EMOTIONS_CSV_ORDER
    emo = scorer(model, e48, np.array([(b + e) / 2 for b, e in spans])).tolist()
    return {
        "predictions": [
            {"time": {"begin": b, "end": e}, "emotions": score_list(e48, emo[i])}
            for i, (b, e) in enumerate(spans)
        ]
    }


def _language(text: str, cfg: dict, scorer: Scorer) -> dict:
    cut = {"word": words, "sentence": sentences, "utterance": sentences, "passage": passage}
    segs = cut[cfg["granularity"]](text)
    if not segs:
        return _warning("W0105", "No text detected.")
    names = voc.V0_LANGUAGE_EMOTIONS_CSV_ORDER
    t = np.array([b / 15.0 for b, _, _ in segs])
    emo = scorer("language", names, t).tolist()
    sent = scorer.sentiment("language", t).tolist()
    tox_names = voc.V0_TOXICITY
    tox = scorer("language", tox_names, t, family="toxicity").tolist()
    preds = []
    for i, (b, e, s) in enumerate(segs):
        item = {
            "text": s,
            "position": {"begin": b, "end": e},
            "emotions": score_list(names, emo[i]),
        }
        if cfg["sentiment"] is not None:
            item["sentiment"] = score_list(voc.V0_SENTIMENT, sent[i])
        if cfg["toxicity"] is not None:
            item["toxicity"] = score_list(tox_names, tox[i])
        preds.append(item)
    return {"predictions": preds}


def _config(models: object) -> dict:
    if not isinstance(models, dict) or not models:
        raise SimulationError("E0101", "models must be a non-empty object naming the models to run")
    out = {}
    for name, given in models.items():
        if name not in V0_STREAM_MODELS:
            raise SimulationError(
                "E0101",
                f"model {name!r} is not available for streaming; choose from {list(V0_STREAM_MODELS)}",
            )
        if given is not None and not isinstance(given, dict):
            raise SimulationError("E0101", f"models.{name} must be an object")
        cfg = copy.deepcopy(STREAM_MODEL_DEFAULTS.get(name, {}))
        cfg.update({k: v for k, v in (given or {}).items() if k in cfg})
        try:
            if name in STREAM_MODEL_DEFAULTS:  # burst, prosody and facemesh take no options
                validate_model(name, cfg, stream=True)
        except ConfigError as exc:
            raise SimulationError("E0101", str(exc)) from None
        out[name] = cfg
    return out


def v0_stream_reply(message: dict | str | bytes, *, seed: int = 0) -> dict:
    """Simulate the reply of ``/v0/stream/models`` to one client message.

    Stateless: ``stream_window_ms`` and ``reset_stream`` are accepted but carry no context between
    calls, and a ``reset_stream``-only message gets an empty reply (plus ``payload_id``).
    Face ids are ``"0"`` with ``identify_faces`` (one simulated face), else ``"unknown"``.

    Errors are returned, not raised: ``{"error", "code", "payload_id"?}`` with E0100 (not JSON),
    E0101 (bad structure, unknown model, bad option, more than 10 facemesh faces), E0102 (model does
    not fit the detected file type), E0200 (media not recognised; also images over 3000x3000 px, for
    which no code is documented), E0201 (bad base64), E0203 (audio over 5000 ms), E0204 (video over
    5000 ms), E0205 (text over 10 000 characters). A model that finds nothing is replaced by a
    per-model warning (W0101 no bursts, W0102 no facemesh, W0103 no faces, W0104 no speech,
    W0105 no text).

    Parameters
    ----------
    message : dict or str or bytes
        The client payload (a JSON string is parsed first).
    seed : int
        Changes every simulated score.

    Returns
    -------
    dict
        The reply JSON object.

    Examples
    --------
    >>> r = v0_stream_reply({"data": "I love this.", "raw_text": True, "models": {"language": {}},
    ...                      "payload_id": "p1"})
    >>> r["payload_id"], [p["text"] for p in r["language"]["predictions"]]
    ('p1', ['I', 'love', 'this'])
    """
    if isinstance(message, (str, bytes)):
        try:
            message = json.loads(message)
        except ValueError:
            return {"error": "the message is not valid JSON", "code": "E0100"}
    reply: dict = {}
    if isinstance(message, dict) and message.get("payload_id") is not None:
        reply["payload_id"] = str(message["payload_id"])
    if not isinstance(message, dict):
        return {"error": "the message must be a JSON object", "code": "E0101"}
    if message.get("job_details"):
        reply["job_details"] = {
            "job_id": hashlib.sha256(f"stream-job-{seed}".encode()).hexdigest()[:32]
        }
    try:
        if message.get("data") is None:
            if message.get("job_details") or message.get("reset_stream"):
                return reply
            raise SimulationError("E0101", "the payload has no data")
        config = _config(message.get("models"))
        ftype, m, extra = _decode(message)
        for name in config:
            if ftype not in FITS[name]:
                raise SimulationError(
                    "E0102",
                    f"model {name!r} is not compatible with the detected file type {ftype!r}",
                )
    except SimulationError as exc:
        return {"error": exc.message, "code": exc.code, **reply}
    scorer = Scorer(digest(m.key, seed))
    for name, cfg in config.items():
        reply[name] = _model_reply(name, cfg, m, extra, scorer)
    return reply


def _model_reply(name: str, cfg: dict, m: Media, extra: object, scorer: Scorer) -> dict:
    """The reply of one model: its predictions, or the warning that it found nothing."""
    if name == "face":
        return _face(m, cfg, scorer)
    if name == "burst":
        return _spans("burst", m.bursts, scorer, "W0101", "No vocal bursts detected.")
    if name == "prosody":
        return _spans("prosody", m.speech, scorer, "W0104", "No speech detected.")
    if name == "language":
        return _language(m.text or "", cfg, scorer)
    faces = int(extra or 0)  # facemesh
    if not faces:
        return _warning("W0102", "No facemeshes detected.")
    names = voc.V0_EMOTIONS_CSV_ORDER
    emo = scorer("facemesh", names, np.arange(faces) * 1.0)
    return {"predictions": [{"emotions": score_list(names, r)} for r in emo.tolist()]}
