"""The v0 wire format: batch predictions JSON and stream replies (hume-v0.md sections 7 and 10).

The structures are :class:`msgspec.Struct` types: decoding a document with them checks
its shape and types in one pass. Unknown keys are ignored; every optional field
defaults to None (the API omits or nulls them). A batch predictions document
(``GET /v0/batch/jobs/{id}/predictions``) is a ``list[Entry]``; a stream reply holds,
per model, ``{"predictions": list[Prediction]}`` (no ``grouped_predictions`` level).

Examples
--------
>>> import msgspec
>>> from humeresearch.wire import v0
>>> doc = b'[{"source": {"type": "text"}, "results": {"errors": [], "predictions": [{"file": "text",'
>>> doc += b' "models": {"language": {"grouped_predictions": [{"id": "unknown", "predictions":'
>>> doc += b' [{"text": "Hi", "position": {"begin": 0, "end": 2},'
>>> doc += b' "emotions": [{"name": "Joy", "score": 0.5}]}]}]}}}]}}]'
>>> entries = msgspec.json.decode(doc, type=v0.PREDICTIONS)
>>> block = entries[0].results.predictions[0].models["language"]
>>> block.grouped_predictions[0].predictions[0].emotions
[Score(name='Joy', score=0.5)]
"""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = [
    "MODEL_DEFAULTS",
    "MODEL_FIELDS",
    "PREDICTIONS",
    "SCORE_LISTS",
    "STREAM_MODEL_DEFAULTS",
    "STREAM_REPLY_KEYS",
    "TRANSCRIPTION_DEFAULTS",
    "Box",
    "Entry",
    "FileError",
    "FilePrediction",
    "Group",
    "Interval",
    "Metadata",
    "ModelBlock",
    "Position",
    "Prediction",
    "Results",
    "Score",
    "SourceInfo",
]


class Score(msgspec.Struct, gc=False):
    """One named score (``{"name": "Joy", "score": 0.25}``)."""

    name: str
    score: float


class Interval(msgspec.Struct, gc=False):
    """A time span in seconds (``{"begin", "end"}``) of burst, prosody and language items."""

    begin: float | None = None
    end: float | None = None


class Box(msgspec.Struct, gc=False):
    """A face box in pixels: top-left corner ``x``, ``y``, width ``w``, height ``h``."""

    x: float | None = None
    y: float | None = None
    w: float | None = None
    h: float | None = None


class Position(msgspec.Struct, gc=False):
    """Character offsets of a text item (``begin`` inclusive, ``end`` exclusive)."""

    begin: int | None = None
    end: int | None = None


class Prediction(msgspec.Struct, gc=False):
    """One prediction: the union of the fields of every v0 model (batch and stream).

    Each model sends only some of them (see :data:`MODEL_FIELDS` and
    :data:`SCORE_LISTS`): a face ``time`` is a number (null for still images in
    stream replies), the other models send an :class:`Interval`; batch replies carry a
    face ``box``, stream replies a ``bbox``.
    """

    emotions: list[Score] | None = None
    frame: int | float | None = None
    time: float | Interval | None = None
    prob: float | None = None
    box: Box | None = None
    bbox: Box | None = None
    face_id: str | None = None
    facs: list[Score] | None = None
    descriptions: list[Score] | None = None
    text: str | None = None
    position: Position | None = None
    confidence: float | None = None
    speaker_confidence: float | None = None
    sentiment: list[Score] | None = None
    toxicity: list[Score] | None = None
    entity: str | None = None
    entity_confidence: float | None = None
    support: float | None = None
    uri: str | None = None
    link_word: str | None = None


class Metadata(msgspec.Struct):
    """Transcript metadata of prosody, language and ner blocks (null for the others)."""

    confidence: float | None = None
    detected_language: str | None = None


class Group(msgspec.Struct):
    """The predictions of one face or speaker (``id``: ``face_0``, ``spk_1``, ``unknown``)."""

    id: str
    predictions: list[Prediction] = msgspec.field(default_factory=list)


class ModelBlock(msgspec.Struct):
    """The output of one model for one file; a ``warning`` and ``code`` replace it on failure."""

    metadata: Metadata | None = None
    grouped_predictions: list[Group] = msgspec.field(default_factory=list)
    warning: str | None = None
    code: str | None = None


class FilePrediction(msgspec.Struct):
    """Every model's output for one file of a source (``models``: model name -> block)."""

    file: str
    models: dict[str, ModelBlock] = msgspec.field(default_factory=dict)
    file_type: str | None = None


class FileError(msgspec.Struct):
    """A file of a source that could not be processed."""

    file: str | None = None
    message: str | None = None


class Results(msgspec.Struct):
    """The results of one source: per-file predictions and per-file errors."""

    predictions: list[FilePrediction] = msgspec.field(default_factory=list)
    errors: list[FileError] = msgspec.field(default_factory=list)


class SourceInfo(msgspec.Struct):
    """The submitted source: ``type`` ``url``, ``file`` or ``text``, and what identifies it."""

    type: str
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None
    md5sum: str | None = None


class Entry(msgspec.Struct):
    """One source of a job: its results, or the ``error`` that stopped it."""

    source: SourceInfo
    results: Results | None = None
    error: str | None = None


#: the type of a whole predictions document (``GET /v0/batch/jobs/{id}/predictions``).
PREDICTIONS = list[Entry]

#: v0 model -> (attribute of :class:`Prediction`, contract family) of its score lists,
#: in the order they become columns.
SCORE_LISTS: dict[str, tuple[tuple[str, str], ...]] = {
    "face": (("emotions", "emotion"), ("facs", "facs"), ("descriptions", "description")),
    "burst": (("emotions", "emotion"), ("descriptions", "description")),
    "prosody": (("emotions", "emotion"),),
    "language": (("emotions", "emotion"), ("sentiment", "sentiment"), ("toxicity", "toxicity")),
    "ner": (("emotions", "emotion"),),
    "facemesh": (("emotions", "emotion"),),
}

#: v0 model -> the other optional fields of :class:`Prediction` it sends (``box``
#: stands for ``box`` and ``bbox``).
MODEL_FIELDS: dict[str, tuple[str, ...]] = {
    "face": ("prob", "box"),
    "burst": (),
    "prosody": ("text", "confidence", "speaker_confidence"),
    "language": ("text", "position", "confidence", "speaker_confidence"),
    "ner": (
        "text",
        "position",
        "confidence",
        "speaker_confidence",
        "entity",
        "entity_confidence",
        "support",
        "uri",
        "link_word",
    ),
    "facemesh": (),
}

#: top-level keys of a stream reply that are not model names.
STREAM_REPLY_KEYS: tuple[str, ...] = (
    "payload_id",
    "job_details",
    "error",
    "code",
    "warning",
    "message",
)

# -- request options ------------------------------------------------------------------------
# Read-only tables: copy one (``copy.deepcopy``) before changing it.

#: every option of each batch model with its default (hume-v0.md sections 4.3 and 4.5),
#: in the order a job echoes its effective ``request.models`` (``null``: a feature off).
MODEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "burst": {},
    "facemesh": {},
    "face": {
        "descriptions": None,
        "facs": None,
        "fps_pred": 3,
        "identify_faces": False,
        "min_face_size": 60,
        "prob_threshold": 0.99,
        "save_faces": False,
    },
    "language": {
        "granularity": "word",
        "identify_speakers": False,
        "sentiment": None,
        "toxicity": None,
    },
    "ner": {"identify_speakers": False},
    "prosody": {"granularity": "utterance", "identify_speakers": False, "window": None},
}

#: the options of the streaming models that take any, with their defaults (burst,
#: prosody and facemesh take none; the stream has no ner).
STREAM_MODEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "face": {
        "fps_pred": 3,
        "prob_threshold": 0.99,
        "identify_faces": False,
        "min_face_size": 60,
        "facs": None,
        "descriptions": None,
    },
    "language": {"granularity": "word", "sentiment": None, "toxicity": None},
}

#: the batch ``transcription`` options with their defaults (``language`` None: detected).
TRANSCRIPTION_DEFAULTS: dict[str, Any] = {
    "language": None,
    "identify_speakers": False,
    "confidence_threshold": 0.5,
}
