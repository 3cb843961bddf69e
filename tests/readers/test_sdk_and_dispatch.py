"""SDK objects by duck typing; many inputs: folders, globs, errors=, progress, workers."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from pydantic import BaseModel, ConfigDict, Field

import humeresearch as hr
from humeresearch.errors import ContractError

from .conftest import assert_same_measurements

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


@pytest.fixture
def mixed(real, tmp_path):
    folder = tmp_path / "mixed"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(real / "interviewiq_predictions.json", folder / "a.json")
    shutil.copy(real / "humegradio_artifacts.zip", folder / "sub" / "b.zip")
    shutil.copy(real / "stream_face_response.json", folder / "c.json")
    (folder / "d.json").write_bytes(b'[{"source": {"type": "url", "url": "x"}, "results": {')
    (folder / ".hidden").write_text("ignored")
    return folder


def test_mixed_folder_collect_keeps_every_other_file(mixed, real):
    m = hr.read(mixed, progress=False)
    e = m.errors()
    assert e[["source", "level"]].values.tolist() == [[str(mixed / "d.json"), "source"]]
    assert "truncated" in e["message"][0] and e["message"][0].startswith("unreadable: ")
    formats = sorted(r["format"] or "failed" for r in m.provenance["inputs"])
    assert formats == ["failed", "v0-artifacts", "v0-predictions", "v0-stream"]
    parts = [hr.read(mixed / "a.json"), hr.read(mixed / "sub" / "b.zip"), hr.read(mixed / "c.json")]
    assert_same_measurements(hr.concat(parts), m)
    # the same through a glob and through a list of paths
    globbed = hr.read(str(mixed / "**" / "*.*"), progress=False)
    assert len(globbed) == len(m) and len(globbed.errors()) == 1
    listed = hr.read([mixed / "a.json", mixed / "d.json"], progress=False)
    assert len(listed) == len(parts[0]) and len(listed.errors()) == 1


def test_mixed_folder_raise_names_the_file(mixed):
    with pytest.raises(hr.FormatError, match="d.json"):
        hr.read(mixed, errors="raise")


def test_single_input_raises_by_default_and_collects_on_request(mixed):
    with pytest.raises(hr.FormatError, match="truncated"):
        hr.read(mixed / "d.json")
    m = hr.read(mixed / "d.json", errors="collect")
    assert len(m) == 0 and m.errors()["level"].tolist() == ["source"]
    with pytest.raises(FileNotFoundError):
        hr.read(mixed / "nope.json")


def test_same_job_twice_is_reported_not_lost(real, tmp_path):
    shutil.copy(real / "humegradio_artifacts.zip", tmp_path / "a.zip")
    shutil.copy(real / "humegradio_predictions.json", tmp_path / "b.json")
    m = hr.read(tmp_path, progress=False)
    assert len(m) == 1
    assert "already read from" in m.errors()["message"][0]
    with pytest.raises(ContractError, match="already read"):
        hr.read(tmp_path, errors="raise")


@pytest.mark.parametrize("executor", ["thread", "process"])
def test_workers_give_the_sequential_result(mixed, executor):
    seq = hr.read(mixed, progress=False)
    par = hr.read(mixed, progress=False, workers=2, executor=executor)
    assert_same_measurements(seq, par)
    pd.testing.assert_frame_equal(seq.errors(), par.errors())
    with pytest.raises(hr.FormatError, match="d.json"):
        hr.read(mixed, errors="raise", workers=2, executor=executor)


def test_progress_bar_silent_unless_asked(mixed, capsys):
    hr.read(mixed)  # not interactive under pytest: no bar
    assert "reading" not in capsys.readouterr().err
    hr.read(mixed, progress=False)
    assert capsys.readouterr().err == ""
    hr.read(mixed, progress=True)
    assert "reading" in capsys.readouterr().err


def test_argument_checks(mixed):
    for kwargs, match in (
        ({"errors": "ignore"}, "errors"),
        ({"workers": 0}, "workers"),
        ({"executor": "gpu"}, "executor"),
        ({"format": "v2"}, "format"),
    ):
        with pytest.raises(ValueError, match=match):
            hr.read(mixed, **kwargs)
