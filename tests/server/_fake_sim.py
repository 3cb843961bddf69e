"""TEMPORARY thin stand-ins for simulator functions that have not landed yet.

conftest.py installs only the names missing from ``humeresearch.simulate``; once the
simulator provides them, these are unused. They follow the interface agreed for issue 7.
"""

from __future__ import annotations

import io
import zipfile


class SimulationError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message


def _scores(seed: int, key: int) -> list[dict]:
    p = round(0.5 + ((seed * 31 + key * 17) % 40) / 100, 4)
    return [{"name": "calmness", "probability": p}, {"name": "simulated", "probability": round(p / 2, 4)}]


def v0_stream_reply(message: dict, *, seed: int = 0) -> dict:
    models = message.get("models") or {}
    if message.get("raw_text"):
        text = message["data"]
        if len(text) > 10_000:
            return {"error": "text longer than 10000 characters", "code": "E0205"}
        return {"language": {"predictions": [{"text": text, "position": {"begin": 0, "end": len(text)},
                                              "emotions": [{"name": "Joy", "score": 0.5}]}]}}
    out: dict = {}
    for name in models:
        if name == "face":
            out["face"] = {"predictions": [{"frame": 0.0, "time": None, "prob": 0.99,
                                            "bbox": {"x": 1.0, "y": 2.0, "w": 30.0, "h": 30.0},
                                            "face_id": "unknown", "emotions": [{"name": "Joy", "score": 0.5}]}]}
        elif name in ("prosody", "burst"):
            out[name] = {"predictions": [{"time": {"begin": 0.0, "end": 1.0},
                                          "emotions": [{"name": "Joy", "score": 0.5}]}]}
    return out


def v0_artifacts_zip(predictions: list) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for i, entry in enumerate(predictions):
            for pred in (entry.get("results") or {}).get("predictions", []):
                zf.writestr(f"{entry['source']['type']}-{i}-{pred['file']}/csv/{pred['file']}/face.csv", "Id\r\n")
    return buf.getvalue()


def _measure(total_ms: int, timer: int, seed: int, start_id: int = 0) -> list[dict]:
    out, t, mid = [], timer, start_id
    while t <= total_ms:
        out.append({"measurement_id": mid, "utterance_id": 0, "audio_start_ms": max(0, t - 10_000),
                    "audio_end_ms": t, "trigger": "interval", "expressions": _scores(seed, mid),
                    "voice_attributes": []})
        mid += 1
        t += timer
    return out


def v1_audio(audio: bytes, *, measurement_timer_ms: int = 3000, seed: int = 0) -> dict:
    total = len(audio) // 32
    ms = _measure(total, measurement_timer_ms, seed)
    ms.append({"measurement_id": len(ms), "utterance_id": 0, "audio_start_ms": max(0, total - 10_000),
               "audio_end_ms": total, "trigger": "speech_ended", "expressions": _scores(seed, 99),
               "voice_attributes": []})
    return {"received": {"audio_duration_ms": total},
            "utterances": [{"utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": total}],
            "measurements": ms}


class _AudioStream:
    def __init__(self, timer: int, seed: int) -> None:
        self.timer, self.seed, self.total, self.sent = timer, seed, 0, 0

    def feed(self, pcm: bytes) -> list[dict]:
        out = []
        if self.total == 0:
            out.append({"type": "utterance.start", "utterance_id": 0, "audio_start_ms": 0})
        self.total += len(pcm) // 32
        for m in _measure(self.total, self.timer, self.seed)[self.sent:]:
            out.append({"type": "measurement.result", **m})
            self.sent += 1
        return out

    def close(self) -> list[dict]:
        if self.total == 0:
            return []
        m = {"measurement_id": self.sent, "utterance_id": 0, "audio_start_ms": max(0, self.total - 10_000),
             "audio_end_ms": self.total, "trigger": "speech_ended", "expressions": [], "voice_attributes": []}
        return [{"type": "measurement.result", **m},
                {"type": "utterance.end", "utterance_id": 0, "audio_start_ms": 0, "audio_end_ms": self.total}]


def v1_audio_stream(*, measurement_timer_ms: int = 3000, seed: int = 0) -> _AudioStream:
    return _AudioStream(measurement_timer_ms, seed)


def _face(fid: int) -> dict:
    return {"face_id": fid, "bbox": [10.0, 10.0, 90.0, 100.0], "confidence": 0.97,
            "expressions": [{"name": "interest", "probability": 0.4}], "descriptions": []}


def v1_video(images: list, *, threshold: float = 0.9, min_size: int = 60, face_state=None,
             return_face_state: bool = False, seed: int = 0) -> dict:
    out = {"received": {"frames": len(images)},
           "measurements": [{"frame_id": i, "faces": [_face(0)]} for i in range(len(images))]}
    if return_face_state:
        out["face_state"] = "fake-state"
    return out


class VideoSession:
    def __init__(self, *, threshold: float = 0.9, min_size: int = 60, seed: int = 0) -> None:
        self.n = 0


def v1_video_frame(jpeg: bytes, *, session: VideoSession) -> dict:
    session.n += 1
    return {"faces": [_face(0)]}
