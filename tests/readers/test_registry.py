"""One registry of formats (files and folders) and the options each format takes."""

from __future__ import annotations

import json
import shutil

import pytest

import humeresearch as hr
from humeresearch import readers

V1_AUDIO = {
    "request_id": "0" * 32,
    "run_id": "r1",
    "received": {"audio_duration_ms": 4000},
    "measurements": [
        {
            "measurement_id": 0,
            "audio_start_ms": 120,
            "audio_end_ms": 3120,
            "expressions": [{"name": "calmness", "probability": 0.81}],
        }
    ],
}
STREAM = [{"payload_id": "a", "burst": {"predictions": []}}]


def test_every_format_registers_itself_in_detection_order():
    assert list(readers.FORMATS) == [
        "v0-predictions",
        "sdk",
        "v0-artifacts",
        "v0-csv",
        "v0-stream",
        "v1",
        "contract-csv",
    ]
    folders = [n for n, f in readers.FORMATS.items() if f.folder is not None]
    assert folders == ["v0-artifacts", "v0-stream", "v1"]
    assert all(readers.FORMATS[n].read_folder is not None for n in folders)
    options = {n: f.options for n, f in readers.FORMATS.items()}
    assert options == {
        "v0-predictions": (),
        "sdk": None,
        "v0-artifacts": ("sources", "source", "file"),
        "v0-csv": ("sources", "source", "file"),
        "v0-stream": ("source", "offsets"),
        "v1": ("source", "fps", "frame_times"),
        "contract-csv": (),
    }


def test_unknown_option_names_itself_and_the_valid_ones():
    with pytest.raises(TypeError) as err:
        hr.read(V1_AUDIO, fsp=3)
    assert str(err.value) == (
        "read: unexpected keyword option 'fsp' (not an option of any format); valid options: "
        "'file', 'fps', 'frame_times', 'offsets', 'source', 'sources'"
    )
    with pytest.raises(TypeError, match="'fsp'.*'fps', 'frame_times', 'source'"):
        hr.read(V1_AUDIO, format="v1", fsp=3)
    with pytest.raises(TypeError, match="read_many: unexpected keyword option 'fsp'"):
        readers.read_many([], fsp=3)


def test_an_option_of_another_format_is_refused_for_one_input():
    with pytest.raises(TypeError, match="not an option of format 'v1'"):
        hr.read(V1_AUDIO, format="v1", offsets=[0.0])
    with pytest.raises(TypeError) as err:
        hr.read(V1_AUDIO, offsets=[0.0])
    assert "'offsets' does not apply to <object>, which is v1" in str(err.value)
    assert "'source', 'fps', 'frame_times'" in str(err.value)
    with pytest.raises(TypeError, match="does not apply"):
        hr.read(V1_AUDIO, errors="collect", offsets=[0.0])  # a usage error, never collected
    m = hr.read(V1_AUDIO, source="talk.wav", fps=3.0)
    assert m.spans()["source"].astype(str).tolist() == ["talk.wav"]


def test_options_reach_each_of_several_inputs_that_takes_them(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps(V1_AUDIO))
    (tmp_path / "b.json").write_text(json.dumps(STREAM))
    m = hr.read(tmp_path, offsets=[2.0], progress=False)  # v1 takes no offsets: left out
    assert m.errors().empty
    assert sorted(r["format"] for r in m.provenance["inputs"]) == ["v0-stream", "v1"]
    stream = next(r for r in m.provenance["inputs"] if r["format"] == "v0-stream")
    assert stream["offsets"] == {"a": 2.0}


def test_folder_formats_come_from_the_registry(tmp_path):
    folder = tmp_path / "log"
    folder.mkdir()
    (folder / "0.json").write_text(json.dumps({"note": 1}))

    def is_notes(path):
        return all(p.suffix == ".json" for p in path.iterdir())

    def read_notes(path, builder, *, label=None):
        return {"label": label, "files": sorted(p.name for p in path.iterdir())}

    readers.register(
        readers.Format(
            "notes",
            read_notes,
            folder=is_notes,
            read_folder=read_notes,
            options=("label",),
        )
    )
    try:
        m = hr.read(folder, label="x")
        assert m.provenance["inputs"][0]["format"] == "notes"
        assert m.provenance["inputs"][0]["label"] == "x"
        assert m.provenance["inputs"][0]["files"] == ["0.json"]
    finally:
        del readers.FORMATS["notes"]
    with pytest.raises(TypeError, match="'label'"):
        hr.read(folder, label="x")


def test_register_takes_only_formats():
    with pytest.raises(TypeError, match="register: fmt must be a Format; got dict"):
        readers.register({"name": "x"})


def test_argument_messages_name_the_function_and_the_choices(real, tmp_path):
    shutil.copy(real / "humegradio_predictions.json", tmp_path / "a.json")
    with pytest.raises(ValueError) as err:
        hr.read(tmp_path, errors="ignore")
    assert str(err.value) == "read: errors must be one of 'raise', 'collect'; got 'ignore'"
    with pytest.raises(ValueError, match="read: executor must be one of 'thread', 'process'"):
        hr.read(tmp_path, executor="gpu")
    with pytest.raises(ValueError, match="read: format must be one of 'auto', 'v0-predictions'"):
        hr.read(tmp_path, format="v2")
    with pytest.raises(ValueError, match="workers must be a positive integer"):
        hr.read(tmp_path, workers=True)
