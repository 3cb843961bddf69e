"""The writer (append, duplicates, manifest, bounded memory) and the reader's filters."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import dataset, testing
from tests.dataset.conftest import assert_same, canon


def test_every_file_added_once_and_again_adds_nothing(corpus, tmp_path):
    report = corpus["report"]
    assert report["status"].tolist() == ["added"] * len(corpus["files"])
    before = sorted(p.relative_to(corpus["folder"]) for p in corpus["folder"].rglob("*.parquet"))
    again = dataset.to_dataset(corpus["files"][:3], corpus["folder"])
    assert again["status"].tolist() == ["duplicate"] * 3
    after = sorted(p.relative_to(corpus["folder"]) for p in corpus["folder"].rglob("*.parquet"))
    assert before == after
    ds = dataset.open_dataset(corpus["folder"])
    assert len(ds.manifest) == len(corpus["files"])
    assert ds.manifest["sha256"].is_unique
    assert {p["format"] for p in ds.provenance()} == {"v0-predictions"}


def test_the_dataset_holds_what_read_returns(corpus):
    m = hr.read(corpus["files"], progress=False)
    ds = dataset.open_dataset(corpus["folder"])
    assert_same(m.long(), ds.long())
    spans = m.spans()
    assert_same(spans[ds.spans().columns], ds.spans())
    wide = m.wide()
    assert_same(wide[ds.wide().columns], ds.wide())


@pytest.mark.parametrize("runs", [256, 0], ids=["sliced", "sorted"])
def test_each_file_holds_its_rows_in_order(tmp_path, monkeypatch, runs):
    from humeresearch.dataset import _write

    monkeypatch.setattr(_write, "_MAX_RUNS", runs)
    m = testing.measurements(sources=["a.mp4", "b.mp4", "c.mp4"], models=["face", "prosody"])
    report = dataset.to_dataset(m, tmp_path / "ds", buckets=2, wide=True)
    assert report[["spans", "rows"]].values.tolist() == [[66, 198]]
    ds = dataset.open_dataset(tmp_path / "ds")
    assert_same(m.long(), ds.long())
    assert_same(m.spans()[ds.spans().columns], ds.spans())
    assert_same(m.wide()[ds.wide().columns], ds.wide())
    for model in ("face", "prosody"):
        for source in ("a.mp4", "b.mp4", "c.mp4"):
            one = dataset.open_dataset(tmp_path / "ds", model=model, source=source).long()
            want = m.long(model=model).query("source == @source")["score"].tolist()
            assert one["score"].tolist() == want


def test_appending_later_adds_without_rewriting(tmp_path):
    folder = tmp_path / "ds"
    a = testing.measurements(sources=["a.mp4"], models=["face", "prosody"], seed=1)
    b = testing.measurements(sources=["b.mp4"], models=["face"], seed=2)
    dataset.to_dataset(a, folder, buckets=8)
    first = {p: p.stat().st_mtime_ns for p in folder.rglob("*.parquet")}
    dataset.to_dataset([b, a], folder)
    assert all(p.stat().st_mtime_ns == t for p, t in first.items())
    assert_same(hr.concat([a, b]).long(), dataset.open_dataset(folder).long())


def test_a_source_already_added_by_another_input_is_left_out(tmp_path):
    folder = tmp_path / "ds"
    a = testing.measurements(sources=["a.mp4"], seed=1)
    both = testing.measurements(sources=["a.mp4", "b.mp4"], seed=2)
    dataset.to_dataset(a, folder)
    with pytest.warns(UserWarning, match="already in the dataset"):
        report = dataset.to_dataset(both, folder)
    assert report["spans"].tolist() == [18]
    long = dataset.open_dataset(folder).long()
    assert_same(pd.concat([a.long(), both.long().query("source == 'b.mp4'")]), long)


def test_measure_project_result_and_parquet(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    m = testing.measurements(sources=["x.wav"], models=["prosody"])
    m.to_parquet(project / "measurements.parquet")
    (project / "ledger.sqlite").write_bytes(b"")
    report = dataset.to_dataset(project, tmp_path / "ds")
    assert report["input"].str.endswith("measurements.parquet").all()
    assert_same(m.long(), dataset.open_dataset(tmp_path / "ds").long())


def test_unreadable_input_is_reported_and_not_recorded(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('[{"source": ')
    report = dataset.to_dataset([bad], tmp_path / "ds")
    assert report["status"].tolist() == ["unreadable"]
    assert len(dataset.open_dataset(tmp_path / "ds").manifest) == 0


FILTERS = [
    {"model": "prosody"},
    {"source": ["p01_control_1.mp4", "p03_treatment_1.mp4"]},
    {"name": ["Joy", "Anger"], "model": ["face"]},
    {"time": (2.0, 4.5)},
    {"source": "p02_control_1.mp4", "name": "Joy", "time": (0.0, 3.0)},
]


def _expected(long: pd.DataFrame, f: dict) -> pd.DataFrame:
    keep = np.ones(len(long), dtype=bool)
    for column in ("model", "source", "name"):
        if column in f:
            values = [f[column]] if isinstance(f[column], str) else f[column]
            keep &= long[column].astype(str).isin(values).to_numpy()
    if "time" in f:
        start, stop = f["time"]
        b, e = long["begin"], long["end"]
        keep &= ((b < stop) & ((e > start) | (b >= start))).to_numpy()
    return long.loc[keep]


@pytest.mark.parametrize("f", FILTERS, ids=[",".join(f) for f in FILTERS])
def test_filters_return_exactly_the_rows_of_a_pandas_filter(corpus, client, f):
    everything = dataset.open_dataset(corpus["folder"]).long()
    expected = _expected(everything, f)
    for engine in ("pandas", "dask"):
        got = dataset.open_dataset(corpus["folder"], engine=engine, **f).long()
        got = got.compute() if engine == "dask" else got
        assert len(got) == len(expected) > 0
        pd.testing.assert_frame_equal(canon(expected), canon(got), check_exact=True)


def test_dask_is_optional(tmp_path):
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules["dask"] = None
        import humeresearch as hr
        from humeresearch import dataset, testing
        dataset.to_dataset(testing.measurements(), {str(tmp_path / "ds")!r})
        print(len(dataset.open_dataset({str(tmp_path / "ds")!r}).long()))
        try:
            dataset.open_dataset({str(tmp_path / "ds")!r}, engine="dask")
        except ImportError as exc:
            print(exc)
        """
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert lines[0] == "54"
    assert 'pip install "humeresearch[dataset]"' in lines[1]


_MEMORY = """
import json, sys, pathlib
from humeresearch import dataset, simulate
root = pathlib.Path(sys.argv[1]); n = int(sys.argv[2])
study = simulate.study(participants=n, conditions=("c",), duration=40.0, models=("face",), seed=n)
files = []
for doc in study.predictions:
    p = root / f"{doc['source']['filename']}.json"
    p.write_text(json.dumps([doc]))
    files.append(p)
del study, doc
def status(key):
    return int(open("/proc/self/status").read().split(key + ":")[1].split()[0])
# reset the peak to the current resident size (ru_maxrss would keep the forking parent's peak)
open("/proc/self/clear_refs", "w").write("5")
base = status("VmRSS")
dataset.to_dataset(files, root / "ds", buckets=4)
print(status("VmHWM") - base)
"""


def _writer_peak(tmp_path, n: int) -> int:
    folder = tmp_path / f"n{n}"
    folder.mkdir()
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY, str(folder), str(n)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout.split()[-1])


def test_writer_memory_does_not_grow_with_the_corpus(tmp_path):
    small, large = _writer_peak(tmp_path, 2), _writer_peak(tmp_path, 6)
    # three times the corpus: the peak above the baseline (KiB) stays that of one input
    assert large < small * 1.5 + 20_000, (small, large)
