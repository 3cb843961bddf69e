"""A large synthetic v0 predictions payload for the reading benchmarks.

Face at 3 fps with FACS and descriptions, prosody (two speakers), language with
sentiment and toxicity, and burst: the densest job a v0 user could have produced.
Values are random; only the shape matters here.
"""

from __future__ import annotations

import numpy as np
import orjson

from humeresearch import vocabularies


def _names(key: str, n: int, prefix: str) -> list[str]:
    if key in vocabularies.keys():
        return list(vocabularies.names(key))
    return [f"{prefix}{i}" for i in range(n)]


EMOTIONS = _names("v0_emotions_48", 48, "Emotion ")
LANGUAGE = _names("v0_language_emotions_53", 53, "Emotion ")
FACS = _names("v0_facs_36", 36, "AU")
DESCRIPTIONS = _names("v0_face_descriptions_27", 27, "Desc ")
BURST_DESCRIPTIONS = _names("v0_burst_descriptions_67", 67, "Burst ")
SENTIMENT = [str(i) for i in range(1, 10)]
TOXICITY = ["toxic", "severe_toxic", "obscene", "threat", "insult", "identity_hate"]


def _scores(rng: np.random.Generator, names: list[str]) -> list[dict]:
    return [{"name": n, "score": float(s)} for n, s in zip(names, rng.random(len(names)))]


def make_payload(target_mb: float = 50.0, seed: int = 0) -> bytes:
    """Return the JSON bytes of a predictions document of about ``target_mb`` MB."""
    rng = np.random.default_rng(seed)
    entries = []
    size = 0
    i = 0
    while size < target_mb * 1e6:
        seconds = 300.0
        frames = [
            {
                "frame": int(t * 30),
                "time": round(float(t), 4),
                "prob": float(rng.random()),
                "box": {"x": 10.0, "y": 20.0, "w": 100.0, "h": 120.0},
                "emotions": _scores(rng, EMOTIONS),
                "facs": _scores(rng, FACS),
                "descriptions": _scores(rng, DESCRIPTIONS),
            }
            for t in np.arange(0, seconds, 1 / 3)
        ]
        starts = np.cumsum(rng.uniform(2, 6, 60))
        starts = starts[starts < seconds - 6]
        prosody = [
            {
                "text": f"utterance {k}",
                "time": {"begin": float(b), "end": float(b + 2.5)},
                "confidence": 0.9,
                "speaker_confidence": None,
                "emotions": _scores(rng, EMOTIONS),
            }
            for k, b in enumerate(starts)
        ]
        words = []
        pos = 0
        for b in starts:
            for w in range(6):
                words.append(
                    {
                        "text": "word",
                        "position": {"begin": pos, "end": pos + 4},
                        "time": {"begin": float(b + 0.4 * w), "end": float(b + 0.4 * w + 0.3)},
                        "confidence": 0.95,
                        "speaker_confidence": None,
                        "emotions": _scores(rng, LANGUAGE),
                        "sentiment": _scores(rng, SENTIMENT),
                        "toxicity": _scores(rng, TOXICITY),
                    }
                )
                pos += 5
        bursts = [
            {
                "time": {"begin": float(b), "end": float(b + 0.8)},
                "emotions": _scores(rng, EMOTIONS),
                "descriptions": _scores(rng, BURST_DESCRIPTIONS),
            }
            for b in starts[::5]
        ]
        meta = {"confidence": 0.97, "detected_language": "en"}
        entry = {
            "source": {"type": "url", "url": f"https://example.org/video{i}.mp4"},
            "results": {
                "errors": [],
                "predictions": [
                    {
                        "file": f"video{i}.mp4",
                        "file_type": "video",
                        "models": {
                            "face": {
                                "metadata": None,
                                "grouped_predictions": [{"id": "face_0", "predictions": frames}],
                            },
                            "prosody": {
                                "metadata": meta,
                                "grouped_predictions": [
                                    {"id": "spk_0", "predictions": prosody[::2]},
                                    {"id": "spk_1", "predictions": prosody[1::2]},
                                ],
                            },
                            "language": {
                                "metadata": meta,
                                "grouped_predictions": [{"id": "unknown", "predictions": words}],
                            },
                            "burst": {
                                "metadata": None,
                                "grouped_predictions": [{"id": "unknown", "predictions": bursts}],
                            },
                        },
                    }
                ],
            },
        }
        size += len(orjson.dumps(entry))
        entries.append(entry)
        i += 1
    return orjson.dumps(entries)
