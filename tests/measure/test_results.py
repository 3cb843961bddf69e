"""Reading a project's stored responses: v1 audio responses in batches equal reading each alone."""

from __future__ import annotations

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch.measure import _results, measure
from humeresearch.measure._inputs import expand
from humeresearch.measure._ledger import Ledger

from .conftest import KEY, tone_wav

pytestmark = pytest.mark.filterwarnings("ignore:.*not decoded by the simulator")


@pytest.fixture(scope="module")
def measured(tmp_path_factory, study):
    """A measured project of three WAVs and a video (audio and frame requests)."""
    from humeresearch import server

    root = tmp_path_factory.mktemp("results")
    folder = root / "in"
    folder.mkdir()
    for name in ("a.wav", "b.wav"):
        (folder / name).write_bytes((study / name).read_bytes())
    (folder / "c.mp4").write_bytes((study / "sub" / "talk.mp4").read_bytes())
    (folder / "d.wav").write_bytes(tone_wav(3.0, freq=300.0))
    project = root / "project"
    with server.start(api_key=KEY) as srv:
        measure(folder, project=project, base_url=srv.url, api_key=KEY, progress=False)
    items = expand(folder)
    with Ledger(project) as ledger:
        (digest,) = ledger._db.execute("SELECT config_hash FROM configs").fetchone()
        done = [((i.content_hash, "v1", digest), i) for i in items]
        each = hr.concat([_results.read_input(ledger, k, i) for k, i in done])
    return project, done, each


@pytest.mark.parametrize("size", [1, 2, 3, 512])
def test_batched_reading_equals_reading_each_input(measured, monkeypatch, size):
    project, done, each = measured
    monkeypatch.setattr(_results, "BATCH_PIECES", size)
    with Ledger(project) as ledger:
        batched = hr.concat(_results.read_inputs(ledger, done))
    pd.testing.assert_frame_equal(batched.spans(), each.spans())
    pd.testing.assert_frame_equal(batched.long(), each.long())
    pd.testing.assert_frame_equal(batched.errors(), each.errors())
    assert batched.provenance["inputs"] == each.provenance["inputs"]
    names = sorted(e["piece"] for e in batched.provenance["inputs"])
    assert names == ["audio-000"] * 4 + ["video-000"]
    assert sorted(batched.spans()["source"].str.rsplit("/", n=1).str[-1].unique()) == [
        "a.wav",
        "b.wav",
        "c.mp4",
        "d.wav",
    ]
