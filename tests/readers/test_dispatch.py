"""Many inputs: folders, globs, errors=, progress, workers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

import humeresearch as hr

from .conftest import assert_same_measurements


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
    formats = sorted(
        ("failed " if "error" in r else "") + r["format"] for r in m.provenance["inputs"]
    )
    assert formats == ["failed v0-predictions", "v0-artifacts", "v0-predictions", "v0-stream"]
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


def test_same_job_twice_is_read_once_from_its_richest_form(real, tmp_path):
    shutil.copy(real / "humegradio_artifacts.zip", tmp_path / "a.zip")
    shutil.copy(real / "humegradio_predictions.json", tmp_path / "b.json")
    for errors in ("collect", "raise"):
        m = hr.read(tmp_path, progress=False, errors=errors)
        assert len(m) == 1 and len(m.errors()) == 0
        assert m.spans()["file_type"].tolist() == ["image"]  # only the JSON has it
        zipped, js = m.provenance["inputs"]
        assert zipped["duplicate_of"] == str(tmp_path / "b.json")
        assert "duplicate_of" not in js


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
