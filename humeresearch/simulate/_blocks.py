"""v0 model blocks (``{"metadata", "grouped_predictions"}``) for one simulated media item."""

from __future__ import annotations

import math
import urllib.parse
from collections.abc import Sequence

import numpy as np

from humeresearch import vocabularies as voc
from humeresearch.define import V0_MODELS
from humeresearch.simulate._scores import Scorer, rng_for
from humeresearch.simulate._sources import Media
from humeresearch.simulate._text import entities
from humeresearch.simulate._transcript import Segment, Transcript, build

APPLICABLE = {
    "video": V0_MODELS,
    "audio": ("burst", "prosody", "language", "ner"),
    "image": ("face", "facemesh"),
    "text": ("language", "ner"),
}
"""Models that can run on each v0 ``file_type``."""


def f32(values) -> list[float]:
    """Values rounded to float32 and returned as Python floats (the API's number style)."""
    return np.asarray(values, dtype=np.float32).astype(np.float64).tolist()


def score_list(names: Sequence[str], row: Sequence[float]) -> list[dict]:
    return [{"name": n, "score": s} for n, s in zip(names, row)]


def _span(t0: float | None, t1: float | None) -> dict | None:
    return None if t0 is None else {"begin": t0, "end": t1}


def _groups(items: list[dict], ids: list[str]) -> list[dict]:
    order: dict[str, list[dict]] = {}
    for item, gid in zip(items, ids):
        order.setdefault(gid, []).append(item)
    return [{"id": gid, "predictions": order[gid]} for gid in sorted(order)]


def face_frames(media: Media, fps_pred: float) -> tuple[np.ndarray, np.ndarray]:
    """Frame indices and times (s) at which faces are predicted (``fps_pred`` 0: every frame)."""
    if media.file_type == "image":
        return np.zeros(1, dtype=np.int64), np.zeros(1)
    n = int(math.floor(media.duration * media.fps + 1e-9))
    step = media.fps / fps_pred if fps_pred > 0 else 1.0
    frames = np.unique(np.round(np.arange(0.0, n, max(step, 1.0))).astype(np.int64))
    frames = frames[frames < n]
    return frames, frames / media.fps


def face_boxes(media: Media, scorer: Scorer, times: np.ndarray) -> np.ndarray:
    """Boxes ``(x, y, w, h)`` inside the image bounds, drifting smoothly; shape (T, 4)."""
    width, height = media.size
    side = 0.3 * min(width, height) * scorer.smooth("box-size", times, 0.92, 1.08)
    w = np.minimum(side, width)
    h = np.minimum(1.2 * side, height)
    cx = width * scorer.smooth("box-x", times, 0.4, 0.6)
    cy = height * scorer.smooth("box-y", times, 0.4, 0.55)
    x = np.clip(cx - w / 2, 0, width - w)
    y = np.clip(cy - h / 2, 0, height - h)
    box = np.stack([x, y, w, h], axis=1).astype(np.float32).astype(np.float64)
    box[:, 2] = np.minimum(
        box[:, 2], width - box[:, 0]
    )  # float32 rounding must not leave the image
    box[:, 3] = np.minimum(box[:, 3], height - box[:, 1])
    return box


def face_block(media: Media, cfg: dict, scorer: Scorer) -> dict:
    frames, times = face_frames(media, cfg["fps_pred"])
    prob = scorer.smooth("prob", times, 0.9935, 0.99995).astype(np.float32).astype(np.float64)
    box = face_boxes(media, scorer, times)
    keep = (prob >= cfg["prob_threshold"]) & (
        np.minimum(box[:, 2], box[:, 3]) >= cfg["min_face_size"]
    )
    if media.blank:
        keep[:] = False
    frames, times, prob, box = frames[keep], times[keep], prob[keep], box[keep]
    prob_list = prob.tolist()
    emo = scorer("face", voc.V0_EMOTIONS, times).tolist()
    facs = scorer("face", voc.V0_FACS, times, family="facs").tolist()
    desc = scorer("face", voc.V0_FACE_DESCRIPTIONS, times, family="description").tolist()
    items = []
    for i, (frame, t) in enumerate(zip(frames.tolist(), times.tolist())):
        bx = box[i].tolist()
        items.append(
            {
                "frame": frame,
                "time": float(t),
                "prob": prob_list[i],
                "box": {"x": bx[0], "y": bx[1], "w": bx[2], "h": bx[3]},
                "emotions": score_list(voc.V0_EMOTIONS, emo[i]),
                "facs": score_list(voc.V0_FACS, facs[i]) if cfg["facs"] is not None else None,
                "descriptions": (
                    score_list(voc.V0_FACE_DESCRIPTIONS, desc[i])
                    if cfg["descriptions"] is not None
                    else None
                ),
            }
        )
    gid = "face_0" if cfg["identify_faces"] else "unknown"
    return {"metadata": None, "grouped_predictions": _groups(items, [gid] * len(items))}


def burst_block(media: Media, scorer: Scorer) -> dict:
    times = np.array([(b + e) / 2 for b, e in media.bursts])
    emo = scorer("burst", voc.V0_EMOTIONS, times).tolist()
    names = voc.V0_BURST_DESCRIPTIONS
    desc = scorer("burst", names, times, family="burst_description").tolist()
    items = [
        {
            "time": _span(b, e),
            "emotions": score_list(voc.V0_EMOTIONS, emo[i]),
            "descriptions": score_list(names, desc[i]),
        }
        for i, (b, e) in enumerate(media.bursts)
    ]
    return {"metadata": None, "grouped_predictions": _groups(items, ["unknown"] * len(items))}


def facemesh_block(media: Media, scorer: Scorer) -> dict:
    _, times = face_frames(media, 3)
    if media.blank:
        times = times[:0]
    emo = scorer("facemesh", voc.V0_EMOTIONS, times).tolist()
    items = [{"emotions": score_list(voc.V0_EMOTIONS, row)} for row in emo]
    return {"metadata": None, "grouped_predictions": _groups(items, ["unknown"] * len(items))}


def _metadata(tr: Transcript, trans: dict | None) -> dict:
    lang = (trans or {}).get("language") or "en"
    return {"confidence": tr.confidence, "detected_language": lang, "simulated": True}


def _ids(segs: list[Segment], identify: bool) -> list[str]:
    return [f"spk_{s.speaker}" if identify else "unknown" for s in segs]


def _confidences(scorer: Scorer, label: str, segs: list[Segment], lo: float, null_share: float):
    mids = np.array([((s.t0 or 0.0) + (s.t1 or 0.0)) / 2 for s in segs])
    vals = f32(scorer.smooth(label, mids, lo, 0.999))
    nulls = rng_for(scorer.key, label, "null").random(len(segs)) < null_share
    return [None if z else v for v, z in zip(vals, nulls)]


def _usable(tr: Transcript, trans: dict | None) -> bool:
    """False when a transcript falls below ``transcription.confidence_threshold`` (raw text: always ok)."""
    return not tr.timed or trans is None or tr.confidence >= trans["confidence_threshold"]


def _segments_for(tr: Transcript, granularity: str, identify: bool) -> list[Segment]:
    if granularity == "word":
        return tr.words
    if granularity == "sentence":
        return tr.sentences
    if granularity == "utterance":
        return tr.utterances
    return tr.turns(identify)


def prosody_block(
    media: Media, cfg: dict, trans: dict | None, tr: Transcript, scorer: Scorer
) -> dict:
    identify = cfg["identify_speakers"] or bool(trans and trans["identify_speakers"])
    usable = trans is not None and _usable(tr, trans)
    if cfg["window"] is not None:
        length, step = cfg["window"]["length"], cfg["window"]["step"]
        starts = np.arange(0.0, media.duration, step) if media.duration > 0 else np.empty(0)
        segs = [
            Segment(0, 0, "", round(t, 3), round(min(t + length, media.duration), 3))
            for t in starts
        ]
        texts, identify = [None] * len(segs), False
    elif not usable:
        segs = [
            Segment(0, 0, "", b, e, u.speaker) for (b, e), u in zip(media.speech, tr.utterances)
        ]
        texts = [None] * len(segs)
    else:
        segs = _segments_for(tr, cfg["granularity"], identify)
        if cfg["granularity"] == "sentence":  # prosody spans run 0.2 s wider than the language ones
            segs = [
                Segment(s.begin, s.end, s.text, round(max(0.0, s.t0 - 0.2), 3),
                        round(min(media.duration, s.t1 + 0.2), 3), s.speaker)
                for s in segs
            ]  # fmt: skip
        texts = [s.text for s in segs]
    mids = np.array([(s.t0 + s.t1) / 2 for s in segs])
    emo = scorer("prosody", voc.V0_EMOTIONS, mids).tolist()
    conf = _confidences(scorer, "prosody-conf", segs, 0.6, 0.3) if usable else [None] * len(segs)
    spk = _confidences(scorer, "prosody-spk", segs, 0.4, 0.5) if identify else [None] * len(segs)
    items = [
        {
            "text": texts[i],
            "time": _span(s.t0, s.t1),
            "confidence": conf[i],
            "speaker_confidence": spk[i],
            "emotions": score_list(voc.V0_EMOTIONS, emo[i]),
        }
        for i, s in enumerate(segs)
    ]
    return {
        "metadata": _metadata(tr, trans),
        "grouped_predictions": _groups(items, _ids(segs, identify)),
    }


def language_block(cfg: dict, trans: dict | None, tr: Transcript, scorer: Scorer) -> dict:
    identify = cfg["identify_speakers"] or bool(trans and trans["identify_speakers"] and tr.timed)
    segs = _segments_for(tr, cfg["granularity"], identify) if _usable(tr, trans) else []
    t = np.array([((s.t0 + s.t1) / 2) if tr.timed else float(s.begin) / 15.0 for s in segs])
    emo = scorer("language", voc.V0_LANGUAGE_EMOTIONS, t).tolist()
    sent = scorer.sentiment("language", t).tolist() if cfg["sentiment"] is not None else None
    tox_names = voc.V0_TOXICITY
    tox = (
        scorer("language", tox_names, t, family="toxicity").tolist()
        if cfg["toxicity"] is not None
        else None
    )
    conf = _confidences(scorer, "language-conf", segs, 0.7, 0.2) if tr.timed else [None] * len(segs)
    spk = _confidences(scorer, "language-spk", segs, 0.4, 0.5) if identify else [None] * len(segs)
    sent_names = voc.V0_SENTIMENT
    items = [
        {
            "text": s.text,
            "position": {"begin": s.begin, "end": s.end},
            "time": _span(s.t0, s.t1),
            "confidence": conf[i],
            "speaker_confidence": spk[i],
            "emotions": score_list(voc.V0_LANGUAGE_EMOTIONS, emo[i]),
            "sentiment": score_list(sent_names, sent[i]) if sent is not None else None,
            "toxicity": score_list(tox_names, tox[i]) if tox is not None else None,
        }
        for i, s in enumerate(segs)
    ]
    return {
        "metadata": _metadata(tr, trans),
        "grouped_predictions": _groups(items, _ids(segs, identify)),
    }


def ner_block(cfg: dict, trans: dict | None, tr: Transcript, scorer: Scorer) -> dict:
    identify = cfg["identify_speakers"] or bool(trans and trans["identify_speakers"] and tr.timed)
    by_begin = {w.begin: w for w in tr.words}
    ents = entities(tr.text) if _usable(tr, trans) else []
    segs = [by_begin.get(b, Segment(b, e, w, None, None)) for b, e, w in ents]
    t = np.array([((s.t0 + s.t1) / 2) if s.t0 is not None else s.begin / 15.0 for s in segs])
    emo = scorer("ner", voc.V0_LANGUAGE_EMOTIONS, t).tolist()
    rng = rng_for(scorer.key, "ner")
    conf = f32(rng.uniform(0.7, 0.999, len(segs)))
    support = np.round(rng.gamma(2.0, 8.0, len(segs)), 1).tolist()
    items = [
        {
            "entity": s.text,
            "position": {"begin": s.begin, "end": s.end},
            "entity_confidence": conf[i],
            "support": support[i],
            "uri": "https://en.wikipedia.org/wiki/" + urllib.parse.quote(s.text),
            "link_word": s.text,
            "time": _span(s.t0, s.t1),
            "confidence": None,
            "speaker_confidence": None,
            "emotions": score_list(voc.V0_LANGUAGE_EMOTIONS, emo[i]),
        }
        for i, s in enumerate(segs)
    ]
    return {
        "metadata": _metadata(tr, trans),
        "grouped_predictions": _groups(items, _ids(segs, identify)),
    }


def file_prediction(media: Media, config: dict, trans: dict | None, scorer: Scorer) -> dict:
    """One ``results.predictions[]`` entry for a media item under an effective model config."""
    models: dict[str, dict] = {}
    run = [m for m in config if m in APPLICABLE[media.file_type]]
    tr = build(media) if {"prosody", "language", "ner"} & set(run) else None
    for name in run:
        if name in ("language", "ner") and media.file_type != "text" and trans is None:
            continue  # transcription turned off: nothing to feed the text models
        if name == "face":
            models[name] = face_block(media, config[name], scorer)
        elif name == "burst":
            models[name] = burst_block(media, scorer)
        elif name == "facemesh":
            models[name] = facemesh_block(media, scorer)
        elif name == "prosody":
            models[name] = prosody_block(media, config[name], trans, tr, scorer)
        elif name == "language":
            models[name] = language_block(config[name], trans, tr, scorer)
        else:
            models[name] = ner_block(config[name], trans, tr, scorer)
    out = {"file": media.file, "file_type": media.file_type, "models": models, "simulated": True}
    if media.warnings:
        out["simulation_warnings"] = list(media.warnings)
    return out
