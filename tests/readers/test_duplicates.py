"""The same job saved in several forms is read once, from its richest form."""

from __future__ import annotations

import json
import warnings
import zipfile
from pathlib import Path

import pytest

import humeresearch as hr
from humeresearch import simulate
from humeresearch.errors import ContractError, PseudoReplicationWarning
from tests.readers.conftest import assert_same_measurements

#: (job folder, fixture stem, sources of its predictions JSON)
REAL_JOBS = [
    ("job_url", "interviewiq", ["https://jbdehsbckejkbdkhwx.s3.amazonaws.com/IMG_4648.mp4"]),
    ("job_file", "interreviewer", ["bad_interview.mp4"]),
    ("job_image", "humegradio", ["webcam.png"]),
]
#: file names of the two forms: the zip first in folder order, or the JSON first
ORDERS = {
    "zip-first": ("predictions.json", "artifacts.zip"),
    "json-first": ("a_predictions.json", "b_artifacts.zip"),
}
COMPLETE = ("path", "name", "size", "sha256", "format")


def _archive(real: Path, root: Path, order: str, unpack: bool = False) -> Path:
    json_name, zip_name = ORDERS[order]
    for job, stem, _ in REAL_JOBS:
        (root / job).mkdir(parents=True)
        (root / job / json_name).write_bytes((real / f"{stem}_predictions.json").read_bytes())
        if unpack:
            with zipfile.ZipFile(real / f"{stem}_artifacts.zip") as z:
                z.extractall(root / job / "artifacts")
        else:
            (root / job / zip_name).write_bytes((real / f"{stem}_artifacts.zip").read_bytes())
    return root


def _assert_complete(records: list[dict]) -> None:
    for r in records:
        missing = [k for k in COMPLETE if r.get(k) is None]
        assert not missing, (r["name"], missing)


@pytest.mark.parametrize("order", sorted(ORDERS))
@pytest.mark.parametrize("unpack", [False, True], ids=["zip", "unpacked"])
def test_real_archive_keeps_each_job_once_from_its_json(real, tmp_path, order, unpack):
    root = _archive(real, tmp_path, order, unpack)
    m = hr.read(root, progress=False)
    expected = hr.concat([hr.read(real / f"{stem}_predictions.json") for _, stem, _ in REAL_JOBS])
    assert_same_measurements(expected, m)
    assert sorted(m.spans()["source"].astype(str).unique()) == sorted(
        s for *_, sources in REAL_JOBS for s in sources
    )
    assert len(m.errors()) == 0
    # what only the JSON holds is kept
    spans = m.spans()
    prosody = spans[spans["model"] == "prosody"]
    assert set(prosody["detected_language"]) == {"en"}
    assert prosody["transcript_confidence"].notna().all()
    assert set(spans["file_type"]) == {"video", "image"}
    records = m.provenance["inputs"]
    assert len(records) == 2 * len(REAL_JOBS)
    _assert_complete(records)
    for job, _, _ in REAL_JOBS:
        mine = [r for r in records if Path(r["name"]).parent.name == job or job in r["name"]]
        kept = [r for r in mine if "duplicate_of" not in r]
        dups = [r for r in mine if "duplicate_of" in r]
        assert [r["format"] for r in kept] == ["v0-predictions"]
        assert [r["format"] for r in dups] == ["v0-artifacts"]
        assert dups[0]["duplicate_of"] == kept[0]["name"]


def test_csvs_of_the_layout_are_duplicates_too(real, tmp_path):
    job = tmp_path / "job"
    (job / "csv").mkdir(parents=True)
    (job / "predictions.json").write_bytes((real / "interviewiq_predictions.json").read_bytes())
    with zipfile.ZipFile(real / "interviewiq_artifacts.zip") as z:
        z.extractall(job / "csv")
    member = job / "csv" / "url-0-IMG_4648.mp4" / "csv" / "IMG_4648.mp4" / "face.csv"
    m = hr.read([job / "predictions.json", member], progress=False)
    assert_same_measurements(hr.read(real / "interviewiq_predictions.json"), m)
    csv_record = m.provenance["inputs"][1]
    assert csv_record["format"] == "v0-csv"
    assert csv_record["duplicate_of"] == str(job / "predictions.json")
    _assert_complete(m.provenance["inputs"])


def _simulated_job(sources: list[simulate.Source], seed: int) -> tuple[bytes, bytes]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", simulate.SimulationWarning)  # mp4 not decoded
        doc = simulate.v0_predictions(sources, models={"face": {}, "prosody": {}}, seed=seed)
    return json.dumps(doc).encode(), simulate.v0_artifacts_zip(doc)


MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 400
SIMULATED = {
    "url": [simulate.Source("url", "https://example.org/media/p01.mp4")],
    "file": [simulate.Source("file", "p02.mp4", data=MP4)],
    "both": [
        simulate.Source("url", "https://example.org/media/p03.mp4"),
        simulate.Source("file", "p04.mp4", data=MP4 + b"4"),
    ],
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_simulated_url_and_file_jobs(tmp_path, order):
    json_name, zip_name = ORDERS[order]
    alone = []
    for seed, (job, sources) in enumerate(SIMULATED.items()):
        js, zipped = _simulated_job(sources, seed)
        (tmp_path / job).mkdir()
        (tmp_path / job / json_name).write_bytes(js)
        (tmp_path / job / zip_name).write_bytes(zipped)
        alone.append(hr.read(js))
    m = hr.read(tmp_path, progress=False)
    assert_same_measurements(hr.concat(alone), m)
    assert sorted(m.spans()["source"].astype(str).unique()) == [
        "https://example.org/media/p01.mp4",
        "https://example.org/media/p03.mp4",
        "p02.mp4",
        "p04.mp4",
    ]
    records = m.provenance["inputs"]
    _assert_complete(records)
    dups = {Path(r["name"]).parent.name: r for r in records if "duplicate_of" in r}
    assert sorted(dups) == ["both", "file", "url"]
    for job, r in dups.items():
        assert r["format"] == "v0-artifacts"
        assert r["duplicate_of"] == str(tmp_path / job / json_name)


def test_same_bytes_in_a_list_are_read_once():
    js, zipped = _simulated_job(SIMULATED["both"], 3)
    m = hr.read([zipped, js], progress=False)
    assert_same_measurements(hr.read(js), m)
    zip_record, js_record = m.provenance["inputs"]
    assert zip_record["name"] == "<bytes 0>" and zip_record["duplicate_of"] == "<bytes 1>"
    assert "duplicate_of" not in js_record


def test_other_scores_under_the_same_name_still_clash(tmp_path):
    js, _ = _simulated_job(SIMULATED["file"], 0)
    _, other_zip = _simulated_job(SIMULATED["file"], 1)  # another run: other scores
    (tmp_path / "a.zip").write_bytes(other_zip)
    (tmp_path / "b.json").write_bytes(js)
    m = hr.read(tmp_path, progress=False)
    assert_same_measurements(hr.read(js), m)  # the JSON wins, whatever the order
    errors = m.errors()
    (row,) = errors[errors["level"] == "source"].to_dict("records")
    assert row["source"] == str(tmp_path / "a.zip") and row["level"] == "source"
    assert f"were already read from {tmp_path / 'b.json'}" in row["message"]
    zip_record = m.provenance["inputs"][0]
    assert zip_record["format"] == "v0-artifacts" and "already read" in zip_record["error"]
    _assert_complete(m.provenance["inputs"])
    with pytest.raises(ContractError, match="a.zip: its spans"):
        hr.read(tmp_path, errors="raise")


def test_equal_scores_under_other_names_warn_and_keep_both(real):
    face = (real / "interviewiq_img4648_face.csv").read_bytes()  # same bytes as the zip member
    js = (real / "interviewiq_predictions.json").read_bytes()
    with pytest.warns(
        PseudoReplicationWarning, match="p01_face.csv holds a recording of the same spans"
    ):
        m = hr.read({"interview.json": js, "p01_face.csv": face}, progress=False)
    assert sorted(m.spans(model="face")["source"].astype(str).unique()) == [
        "https://jbdehsbckejkbdkhwx.s3.amazonaws.com/IMG_4648.mp4",
        "p01",
    ]
    assert all("duplicate_of" not in r for r in m.provenance["inputs"])


def test_one_source_of_two_is_not_a_duplicate():
    both, _ = _simulated_job(SIMULATED["both"], 5)
    doc = json.loads(both)
    only_url = simulate.v0_artifacts_zip(doc[:1])
    m = hr.read([both, only_url], progress=False)
    assert m.provenance["inputs"][1]["duplicate_of"] == "<bytes 0>"  # a subset is held
    extra = simulate.v0_artifacts_zip(doc[:1] + json.loads(_simulated_job(SIMULATED["url"], 6)[0]))
    with pytest.warns(PseudoReplicationWarning, match="<bytes 1> holds a recording"):
        m = hr.read([both, extra], progress=False)  # p01 is not in the JSON: not a duplicate
    assert "duplicate_of" not in m.provenance["inputs"][1]
    assert "p01.mp4" in set(m.spans()["source"].astype(str))
