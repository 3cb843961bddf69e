"""Media builders and strict shape checks shared by the simulator tests."""

from __future__ import annotations

import io
import struct

import numpy as np

RATE = 16_000
#: every v0 model with every optional feature on
EVERY_MODEL = {
    "face": {"facs": {}, "descriptions": {}},
    "burst": {},
    "prosody": {"identify_speakers": True},
    "language": {"sentiment": {}, "toxicity": {}},
    "ner": {},
    "facemesh": {},
}


def signal(
    duration: float, bursts: list[tuple[float, float]], *, rate: int = RATE, amp: float = 0.3
) -> np.ndarray:
    """Silence of ``duration`` s with a 220 Hz tone (amplitude-modulated) inside each burst."""
    x = np.zeros(round(duration * rate))
    for b, e in bursts:
        i, j = round(b * rate), round(e * rate)
        t = np.arange(j - i) / rate
        x[i:j] = amp * np.sin(2 * np.pi * 220 * t + 0.3) * (1 + 0.3 * np.sin(2 * np.pi * 3 * t))
    return x


def pcm16(x: np.ndarray) -> bytes:
    return np.round(np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()


def wav(
    x: np.ndarray, *, rate: int = RATE, channels: int = 1, bits: int = 16, tag: int = 1
) -> bytes:
    """A RIFF/WAVE file of ``x`` (repeated on every channel)."""
    frames = np.repeat(np.clip(x, -1, 1)[:, None], channels, axis=1).ravel()
    if tag == 3:
        data = frames.astype("<f4").tobytes()
    elif bits == 8:
        data = np.round(frames * 127 + 128).astype(np.uint8).tobytes()
    elif bits == 16:
        data = np.round(frames * 32767).astype("<i2").tobytes()
    elif bits == 24:
        v = np.round(frames * (2**23 - 1)).astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
        data = v.tobytes()
    else:
        data = np.round(frames * (2**31 - 1)).astype("<i4").tobytes()
    block = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * block, block, bits)
    body = (
        b"WAVE"
        + b"fmt "
        + struct.pack("<I", len(fmt))
        + fmt
        + b"data"
        + struct.pack("<I", len(data))
        + data
    )
    return b"RIFF" + struct.pack("<I", len(body)) + body


def image(width: int, height: int, fmt: str = "JPEG", *, blank: bool = False) -> bytes:
    """A Pillow-made image: a drawn face on a flat background, or a uniform (blank) frame."""
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (width, height), (200, 180, 160))
    if not blank:
        d = ImageDraw.Draw(im)
        s = min(width, height)
        cx, cy = width / 2, height / 2
        d.ellipse((cx - s / 3, cy - s / 3, cx + s / 3, cy + s / 3), fill=(230, 190, 150))
        d.ellipse((cx - s / 6, cy - s / 8, cx - s / 10, cy - s / 16), fill=0)
        d.ellipse((cx + s / 10, cy - s / 8, cx + s / 6, cy - s / 16), fill=0)
        d.arc((cx - s / 6, cy, cx + s / 6, cy + s / 5), 0, 180, fill=0, width=3)
    buf = io.BytesIO()
    im.save(buf, fmt)
    return buf.getvalue()


# strict checks of the v0 predictions JSON (hume-v0.md sections 7 and 12) ---------------------


def _num(v, where):
    assert type(v) in (int, float), f"{where}: expected a number, got {v!r}"


def _opt_num(v, where):
    if v is not None:
        _num(v, where)


def _scores(lst, names, where):
    assert isinstance(lst, list), where
    assert [s["name"] for s in lst] == list(names), f"{where}: names"
    for s in lst:
        assert set(s) == {"name", "score"}, where
        _num(s["score"], where)
        assert 0.0 <= s["score"] <= 1.0, where


def _interval(t, where):
    assert set(t) == {"begin", "end"}, where
    _num(t["begin"], where)
    _num(t["end"], where)
    assert t["begin"] <= t["end"], where


def check_v0(predictions: list, vocab) -> None:
    """Assert the strict spots of the SDK types plus the simulator's own promises."""
    e48, e53 = vocab("v0_emotions_48"), vocab("v0_language_emotions_53")
    assert isinstance(predictions, list)
    for i, entry in enumerate(predictions):
        src = entry["source"]
        assert src["type"] in ("url", "file", "text")
        if src["type"] == "file":
            assert isinstance(src["md5sum"], str) and len(src["md5sum"]) == 32
        if "error" in entry:
            assert isinstance(entry["error"], str)
            continue
        res = entry["results"]
        assert set(res) == {"predictions", "errors"}
        for err in res["errors"]:
            assert set(err) == {"file", "message"} and isinstance(err["message"], str)
        for j, pred in enumerate(res["predictions"]):
            w = f"[{i}].results.predictions[{j}]"
            assert pred["simulated"] is True, w
            assert isinstance(pred["file"], str) and pred["file_type"] in (
                "video",
                "audio",
                "image",
                "text",
            )
            for model, block in pred["models"].items():
                mw = f"{w}.models.{model}"
                assert set(block) == {"metadata", "grouped_predictions"}, mw
                meta = block["metadata"]
                if model in ("face", "burst", "facemesh"):
                    assert meta is None, mw
                else:
                    assert meta["simulated"] is True and "detected_language" in meta, mw
                    _num(meta["confidence"], mw)
                for g in block["grouped_predictions"]:
                    assert isinstance(g["id"], str) and isinstance(g["predictions"], list), mw
                    for k, p in enumerate(g["predictions"]):
                        _check_item(model, p, f"{mw}.{g['id']}[{k}]", e48, e53, vocab)


def _check_item(model, p, w, e48, e53, vocab):
    if model == "face":
        assert type(p["frame"]) is int and type(p["time"]) is float, w
        _num(p["prob"], w)
        assert set(p["box"]) == {"x", "y", "w", "h"}, w
        _scores(p["emotions"], e48, w)
        if p["facs"] is not None:
            _scores(p["facs"], vocab("v0_facs_36"), w)
        if p["descriptions"] is not None:
            _scores(p["descriptions"], vocab("v0_face_descriptions_27"), w)
    elif model == "burst":
        _interval(p["time"], w)
        _scores(p["emotions"], e48, w)
        _scores(p["descriptions"], vocab("v0_burst_descriptions_67"), w)
    elif model == "prosody":
        _interval(p["time"], w)
        assert p["text"] is None or isinstance(p["text"], str), w
        _opt_num(p["confidence"], w)
        _opt_num(p["speaker_confidence"], w)
        _scores(p["emotions"], e48, w)
    elif model == "language":
        assert isinstance(p["text"], str) and type(p["position"]["begin"]) is int, w
        if p["time"] is not None:
            _interval(p["time"], w)
        _scores(p["emotions"], e53, w)
        if p["sentiment"] is not None:
            _scores(p["sentiment"], vocab("v0_sentiment"), w)
        if p["toxicity"] is not None:
            _scores(p["toxicity"], vocab("v0_toxicity"), w)
    elif model == "ner":
        for key in ("entity", "uri", "link_word"):
            assert isinstance(p[key], str), w
        _num(p["entity_confidence"], w)
        _num(p["support"], w)
        assert set(p["position"]) == {"begin", "end"}, w
        _scores(p["emotions"], e53, w)
    else:
        assert set(p) == {"emotions"}, w
        _scores(p["emotions"], e48, w)


def items(predictions: list, model: str) -> list[tuple[str, dict]]:
    """All ``(group id, prediction item)`` pairs of ``model`` in a predictions list."""
    out = []
    for entry in predictions:
        for pred in entry.get("results", {}).get("predictions", []):
            block = pred["models"].get(model)
            for g in (block or {}).get("grouped_predictions", []):
                out.extend((g["id"], p) for p in g["predictions"])
    return out
