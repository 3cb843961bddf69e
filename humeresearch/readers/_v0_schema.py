"""The v0 batch predictions wire format as msgspec structs (hume-v0.md §7, §10).

Unknown keys are ignored by msgspec; every optional field defaults to None.
"""

from __future__ import annotations

import msgspec


class Score(msgspec.Struct, gc=False):
    name: str
    score: float


class Interval(msgspec.Struct, gc=False):
    begin: float | None = None
    end: float | None = None


class Box(msgspec.Struct, gc=False):
    x: float | None = None
    y: float | None = None
    w: float | None = None
    h: float | None = None


class Position(msgspec.Struct, gc=False):
    begin: int | None = None
    end: int | None = None


class Prediction(msgspec.Struct, gc=False):
    """Union of the prediction fields of every v0 model (batch and stream)."""

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
    confidence: float | None = None
    detected_language: str | None = None


class Group(msgspec.Struct):
    id: str
    predictions: list[Prediction] = msgspec.field(default_factory=list)


class ModelBlock(msgspec.Struct):
    metadata: Metadata | None = None
    grouped_predictions: list[Group] = msgspec.field(default_factory=list)
    warning: str | None = None
    code: str | None = None


class FilePrediction(msgspec.Struct):
    file: str
    models: dict[str, ModelBlock] = msgspec.field(default_factory=dict)
    file_type: str | None = None


class FileError(msgspec.Struct):
    file: str | None = None
    message: str | None = None


class Results(msgspec.Struct):
    predictions: list[FilePrediction] = msgspec.field(default_factory=list)
    errors: list[FileError] = msgspec.field(default_factory=list)


class SourceInfo(msgspec.Struct):
    type: str
    url: str | None = None
    filename: str | None = None
    content_type: str | None = None
    md5sum: str | None = None


class Entry(msgspec.Struct):
    source: SourceInfo
    results: Results | None = None
    error: str | None = None
