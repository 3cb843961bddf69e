"""The artifacts layout: one definition, used by the reader and the simulator alike."""

from __future__ import annotations

import csv
import io
import pathlib
import posixpath
import zipfile

import pytest

import humeresearch as hr
from humeresearch import simulate, vocabularies
from humeresearch.readers import _csv
from humeresearch.simulate import _artifacts
from humeresearch.wire import artifacts


def test_reader_and_simulator_use_the_same_header_objects():
    assert _artifacts.csv_header is artifacts.csv_header
    assert _artifacts.LAYOUTS is artifacts.LAYOUTS
    assert _csv.model_from_header is artifacts.model_from_header
    assert set(_csv.FIXED) == set(artifacts.FIXED_COLUMNS)
    for header, (column, _) in _csv.FIXED.items():
        assert column == artifacts.FIXED_COLUMNS[header][0]
    assert artifacts.csv_header("face") is artifacts.csv_header("face")


@pytest.mark.parametrize(
    ("model", "count"), [("face", 119), ("prosody", 54), ("language", 76), ("burst", 118)]
)
def test_header_layout(model, count):
    header = artifacts.csv_header(model)
    assert len(header) == count == len(set(header))
    fixed = artifacts.LAYOUTS[model]
    assert header[: len(fixed)] == fixed and fixed[0] == "Id"
    assert all(h in artifacts.FIXED_COLUMNS for h in fixed)
    assert not any(h in artifacts.FIXED_COLUMNS for h in header[len(fixed) :])
    assert artifacts.model_from_header(header) == model


def test_face_header_by_hand():
    header = artifacts.csv_header("face")
    assert header[:9] == (
        "Id", "Frame", "Time", "Probability", "FaceX0", "FaceY0", "FaceWidth", "FaceHeight",
        "Admiration",
    )  # fmt: skip
    assert header[8:56] == vocabularies.V0_EMOTIONS_CSV_ORDER
    assert header[56:92] == vocabularies.V0_FACS
    assert header[92:] == vocabularies.V0_FACE_DESCRIPTIONS


def test_unknown_layout():
    with pytest.raises(ValueError, match="'face', 'prosody', 'language', 'burst'; got 'ner'"):
        artifacts.csv_header("ner")


@pytest.mark.parametrize("job", ["interreviewer", "interviewiq", "humegradio"])
def test_real_zips_follow_the_layout(fixtures, job):
    with zipfile.ZipFile(fixtures / f"{job}_artifacts.zip") as z:
        members = [n for n in z.namelist() if n.endswith(".csv")]
        assert members
        for member in members:
            folder, file, model = artifacts.parse_member(member.split("/"))
            match = artifacts.SOURCE_FOLDER.match(folder)
            assert match is not None
            kind, index, base = match["type"], int(match["index"]), match["base"]
            assert (
                artifacts.member_path(kind=kind, index=index, basename=base, file=file, model=model)
                == member
            )
            header = next(csv.reader(io.StringIO(z.read(member).decode("utf-8"))))
            assert tuple(header) == artifacts.csv_header(model)
            assert z.read(member).split(b"\n", 1)[0].endswith(b"\r")  # CRLF


def test_simulated_zip_reads_back_with_the_header_of_wire():
    preds = simulate.v0_predictions(
        [simulate.Source("url", "https://x.org/a.mp4")], models={"face": {}, "prosody": {}}
    )
    z = zipfile.ZipFile(io.BytesIO(simulate.v0_artifacts_zip(preds)))
    assert sorted(z.namelist()) == [
        "url-0-a.mp4/csv/a.mp4/face.csv",
        "url-0-a.mp4/csv/a.mp4/prosody.csv",
    ]
    for name in z.namelist():
        header = z.read(name).decode(artifacts.ENCODING).split(artifacts.LINE_END)[0]
        model = artifacts.parse_member(name.split("/"))[2]
        assert tuple(header.split(",")) == artifacts.csv_header(model)
    m = hr.read(z.fp.getvalue())  # type: ignore[union-attr]
    assert sorted(m.spans()["model"].astype(str).unique()) == ["face", "prosody"]


def test_face_crops():
    assert artifacts.is_face_crop(("x", "url-0-a.mp4", "faces", "a.mp4", "face_0", "frame=1.png"))
    assert not artifacts.is_face_crop(("x", "faces", "a.png"))
    assert artifacts.parse_member(("url-0-a.mp4", "faces", "a.mp4", "face_0", "f.png")) is None


UNSAFE = [
    "../../../../outside/x.mp4",
    "..\\..\\x.mp4",
    "C:\\x.mp4",
    "C:x.mp4",
    "/abs/x.mp4",
    "a/./b//../x.mp4",
    "\\\\server\\share\\x.mp4",
    "x\x00y\n\x1f.mp4",
    "..",
    ".",
    "",
    " . ",
]


def _assert_inside(path):
    parts = path.split("/")
    assert not path.startswith("/"), path
    assert "\\" not in path and ":" not in path, path
    assert not any(ord(c) < 32 for c in path), path
    assert all(p.strip(". ") != "" for p in parts), path
    assert posixpath.normpath(path) == path  # nothing to collapse: no '.', '..', '//'
    root = pathlib.PurePosixPath("/archive")
    assert (root / path).is_relative_to(root)


@pytest.mark.parametrize("name", UNSAFE)
def test_member_path_never_leaves_the_archive_root(name):
    path = artifacts.member_path(kind="file", index=3, basename=name, file=name, model="face")
    _assert_inside(path)
    folder, file, model = artifacts.parse_member(path.split("/"))
    assert model == "face"
    assert folder.startswith("file-3-") and "/" not in folder
    assert artifacts.SOURCE_FOLDER.match(folder)["index"] == "3"
    assert file and "/.." not in f"/{file}"


@pytest.mark.parametrize(
    ("basename", "file", "expected"),
    [
        (
            "../../../../outside/x.mp4",
            "../../../../outside/x.mp4",
            "file-0-.._.._.._.._outside_x.mp4/csv/_/_/_/_/outside/x.mp4/face.csv",
        ),
        ("..\\..\\x.mp4", "..\\..\\x.mp4", "file-0-.._.._x.mp4/csv/_/_/x.mp4/face.csv"),
        ("C:\\x.mp4", "C:\\x.mp4", "file-0-C__x.mp4/csv/C_/x.mp4/face.csv"),
        ("a\tb\x00.mp4", "d\x1f/a\nb.mp4", "file-0-a_b_.mp4/csv/d_/a_b.mp4/face.csv"),
        ("..", "/", "file-0-_/csv/_/face.csv"),
    ],
)
def test_member_path_of_unsafe_names_by_hand(basename, file, expected):
    got = artifacts.member_path(kind="file", index=0, basename=basename, file=file, model="face")
    assert got == expected


@pytest.mark.parametrize(
    "name",
    ["talk.mp4", "IMG 4648 (1).MOV", "clips/part-2/a.wav", "über café.mp4", "a..b.mp4", ".hidden"],
)
def test_member_path_keeps_safe_names(name):
    base = name.rsplit("/", 1)[-1]
    path = artifacts.member_path(kind="url", index=12, basename=base, file=name, model="prosody")
    assert path == f"url-12-{base}/csv/{name}/prosody.csv"
    assert artifacts.parse_member(path.split("/")) == (f"url-12-{base}", name, "prosody")


def test_simulator_uses_the_safe_member_path():
    names = ["../../../../outside/x.mp4", "..\\..\\x.mp4", "C:\\x.mp4", "a\x01b.mp4"]
    preds = [
        {
            "source": {"type": "file", "filename": n},
            "results": {
                "predictions": [{"file": n, "models": {"face": {"grouped_predictions": []}}}]
            },
        }
        for n in names
    ]
    members = zipfile.ZipFile(io.BytesIO(simulate.v0_artifacts_zip(preds))).namelist()
    expected = [
        artifacts.member_path(kind="file", index=i, basename=n, file=n, model="face")
        for i, n in enumerate(names)
    ]
    assert members == expected
    for member in members:
        _assert_inside(member)
