"""SDK objects by duck typing (needs pydantic, installed with the sdk-compat extra)."""

from __future__ import annotations

import json

import pytest

pydantic = pytest.importorskip(
    "pydantic", reason="optional sdk-compat group: pip install 'humeresearch[sdk-compat]'"
)
from pydantic import BaseModel, ConfigDict, Field  # noqa: E402

pytestmark = pytest.mark.sdk

import humeresearch as hr  # noqa: E402

from .conftest import assert_same_measurements  # noqa: E402

# -- tiny stand-ins of the SDK types (pydantic, aliases, None defaults) ------------------


class Score(BaseModel):
    name: str
    probability: float


class Face(BaseModel):
    face_id: int | None = None
    bbox: list[float]
    confidence: float
    expressions: list[Score] | None = None
    descriptions: list[Score] | None = None


class Frame(BaseModel):
    frame_id: int
    faces: list[Face]


class VideoFileResponse(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    request_id: str
    run_id: str
    received: dict
    measurements: list[Frame]
    face_state: str | None = None


class EmotionScore(BaseModel):
    name: str
    score: float


class StreamFace(BaseModel):
    frame: float
    time: float | None = None
    bbox: dict
    prob: float
    face_id: str
    emotions: list[EmotionScore]
    facs: list[EmotionScore] | None = None


class StreamModelPredictionsFace(BaseModel):
    predictions: list[StreamFace]


class StreamReply(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    pid: str | None = Field(default=None, alias="payload_id")  # python name != wire name
    face: StreamModelPredictionsFace | None = None
    burst: dict | None = None


class LegacyModel:
    """A pydantic-v1 style object: ``.dict()`` and ``__fields__``, no ``model_dump``."""

    __fields__ = {"source": None, "results": None}

    def __init__(self, payload: dict) -> None:
        self._payload = payload

    def dict(self, by_alias: bool = False, exclude_none: bool = False) -> dict:
        return self._payload


def test_v1_sdk_response_object():
    obj = VideoFileResponse(
        request_id="r" * 32,
        run_id="run-1",
        received={"frames": 1},
        measurements=[
            Frame(
                frame_id=0,
                faces=[
                    Face(
                        face_id=0,
                        bbox=[0, 0, 4, 4],
                        confidence=0.9,
                        expressions=[Score(name="joy", probability=0.4)],
                    ),
                    Face(bbox=[5, 5, 9, 9], confidence=0.95),
                ],
            )
        ],
    )
    m = hr.read(obj, source="img.jpg")
    rec = m.provenance["inputs"][0]
    assert rec["format"] == "sdk" and rec["dumped_format"] == "v1"
    assert m.spans()["track"].tolist() == ["0", "unmeasured"]
    assert m.long()[["name", "score"]].values.tolist() == [["joy", 0.4]]
    expected = hr.read(obj.model_dump(mode="json", exclude_none=True), source="img.jpg")
    assert_same_measurements(expected, m)
    assert rec["sha256"] == expected.provenance["inputs"][0]["sha256"]


def test_stream_sdk_objects_list_with_aliases_and_nones():
    face = StreamFace(
        frame=0.0,
        bbox={"x": 1, "y": 2, "w": 3, "h": 4},
        prob=0.99,
        face_id="0",
        emotions=[EmotionScore(name="Joy", score=0.25)],
    )
    replies = [
        StreamReply(payload_id="a", face=StreamModelPredictionsFace(predictions=[face])),
        StreamReply(payload_id="b", face=StreamModelPredictionsFace(predictions=[face])),
    ]
    m = hr.read(replies)
    assert m.provenance["inputs"][0]["dumped_format"] == "v0-stream"
    assert m.spans()[["file", "track", "frame"]].values.tolist() == [["a", "0", 0], ["b", "0", 0]]
    assert m.long()["score"].tolist() == [0.25, 0.25]


def test_legacy_dict_objects(real):
    doc = json.loads((real / "humegradio_predictions.json").read_text())
    m = hr.read([LegacyModel(e) for e in doc])
    assert m.provenance["inputs"][0]["dumped_format"] == "v0-predictions"
    assert_same_measurements(hr.read(doc), m)


def test_sdk_object_of_unknown_shape():
    with pytest.raises(hr.FormatError, match="dumps to no known format"):
        hr.read(Score(name="joy", probability=0.1))


# -- many inputs ---------------------------------------------------------------------------
