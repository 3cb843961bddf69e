"""One dask.distributed LocalCluster and one simulated corpus for the whole session."""

from __future__ import annotations

import json
import logging

import pandas as pd
import pytest

from humeresearch import dataset, simulate

pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def client():
    """A LocalCluster of 2 worker processes with 1 thread each (2 cores)."""
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="session")
def corpus(tmp_path_factory) -> dict:
    """Simulated v0 predictions JSON, one file per recording, written into a dataset."""
    root = tmp_path_factory.mktemp("corpus")
    study = simulate.study(
        participants=4,
        duration=8.0,
        models=("face", "prosody"),
        seed=3,
        effects=[simulate.Effect("Joy", "treatment", 0.2)],
    )
    files = []
    for doc in study.predictions:
        path = root / "json" / f"{doc['source']['filename']}.json"
        path.parent.mkdir(exist_ok=True)
        path.write_text(json.dumps([doc]))
        files.append(path)
    folder = root / "ds"
    report = dataset.to_dataset(files, folder, buckets=4, wide=True)
    design = study.design.astype({"condition": pd.CategoricalDtype(["control", "treatment"])})
    return {"files": files, "folder": folder, "report": report, "design": design}


def canon(table: pd.DataFrame, keys: list[str] | None = None) -> pd.DataFrame:
    """Categoricals as text, rows sorted by every column (or ``keys``): order-free equality."""
    t = table.copy()
    for c in t.columns:
        if isinstance(t[c].dtype, pd.CategoricalDtype) or t[c].dtype == "string":
            t[c] = t[c].astype(object).where(t[c].notna(), None)
    return t.sort_values(keys or list(t.columns), kind="stable").reset_index(drop=True)


def assert_same(a: pd.DataFrame, b: pd.DataFrame, keys: list[str] | None = None) -> None:
    assert list(a.columns) == list(b.columns)
    assert len(a) == len(b) > 0
    pd.testing.assert_frame_equal(
        canon(a, keys), canon(b, keys), check_dtype=False, rtol=1e-12, atol=1e-12
    )
