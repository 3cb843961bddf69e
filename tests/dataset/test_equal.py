"""pandas and Dask (a LocalCluster of 2 worker processes) agree to 1e-12 on every operation."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import dataset, testing
from tests.dataset.conftest import assert_same


@pytest.fixture(scope="module")
def pair(corpus, client):
    """The corpus opened with each engine (Dask computing on the cluster)."""
    folder = corpus["folder"]
    return dataset.open_dataset(folder), dataset.open_dataset(folder, engine="dask")


def test_several_partitions_on_two_worker_processes(pair, client):
    _, dk = pair
    assert dk.npartitions >= 3
    assert len(client.scheduler_info()["workers"]) == 2
    assert dataset.is_dask(dk.long())


def test_tables_have_the_same_rows_columns_and_dtypes(pair):
    dp, dk = pair
    for table in ("long", "spans", "wide"):
        a, lazy = getattr(dp, table)(), getattr(dk, table)()
        b = lazy.compute()
        assert list(lazy.columns) == list(a.columns)
        assert (
            lazy.dtypes.astype(str).replace("category", "c").tolist()
            == a.dtypes.astype(str).replace("category", "c").tolist()
        )
        assert_same(a, b)


@pytest.mark.parametrize(
    "by", [None, ["source", "model"], ["model", "track"]], ids=["series", "source", "model"]
)
def test_summarize(pair, by):
    dp, dk = pair
    agg = ["mean", "std", "max", "median", "q90", "count", "auc"]
    a = hr.summarize(dp.long(), by=by, agg=agg)
    b = dataset.summarize(dk, by=by, agg=agg)
    assert_same(a, b)


def test_shuffle_of_more_categories_than_a_partition_codes(client, tmp_path):
    # 200 sources in 4 buckets: each partition's categoricals have int8 codes, the
    # union that one partition receives in the shuffle on (model, family, name) does not
    sources = [f"s{i:03d}.mp4" for i in range(200)]
    m = testing.measurements(sources=sources, names=["Joy", "Calmness"], duration=1.0)
    dataset.to_dataset(m, tmp_path / "ds", buckets=4)
    dk = dataset.open_dataset(tmp_path / "ds", engine="dask")
    assert dk.npartitions == 4
    a = hr.summarize(m.long(), by=["model"], agg=["mean", "max"])
    b = dataset.summarize(dk, by=["model"], agg=["mean", "max"])
    assert_same(a, b)
    assert b["n_spans"].tolist() == [600] * 4


def test_summarize_by_participant_after_annotate(pair, corpus):
    dp, dk = pair
    design = corpus["design"]
    a = hr.summarize(hr.annotate(dp.long(), design), by=["participant", "condition", "model"])
    b = dataset.summarize(dataset.annotate(dk, design), by=["participant", "condition", "model"])
    assert_same(a, b)
    assert b["condition"].cat.categories.tolist() == ["control", "treatment"]
    wide = dataset.summarize(dataset.annotate(dk, design), by=["participant", "model"], wide=True)
    expected = hr.summarize(hr.annotate(dp.long(), design), by=["participant", "model"], wide=True)
    assert_same(expected, wide[expected.columns], keys=["participant", "model", "stat"])


def test_resample(pair):
    dp, dk = pair
    a = hr.resample(dp.long(), step=0.5, fill="interpolate")
    b = dataset.resample(dk, step=0.5, fill="interpolate")
    assert dataset.is_dask(b)
    assert_same(a, b.compute())


def test_align_within_file(pair, corpus):
    folder = corpus["folder"]
    face, prosody = (dataset.open_dataset(folder, model=m) for m in ("face", "prosody"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hr.UnmatchedSpansWarning)
        a, a_un = hr.align(face.long(), prosody.spans(), return_unmatched=True)
    dface, dpros = (
        dataset.open_dataset(folder, model=m, engine="dask") for m in ("face", "prosody")
    )
    b, b_un = dataset.align(dface, dpros, return_unmatched=True)
    b = b.compute()
    extra = [c for c in b.columns if c not in a.columns]
    assert b[extra].isna().all().all()  # candidates pandas leaves out (NA for every target)
    assert_same(a, b.drop(columns=extra))
    assert_same(a_un, b_un.compute())
    # a Dask table the toolkit did not partition is shuffled on (source, file) first
    shuffled = dface.long().shuffle(on="span_id", npartitions=3)
    c = dataset.align(shuffled, prosody.spans().iloc[::-1]).compute()
    assert_same(a, c.drop(columns=extra))


def test_annotate(pair, corpus):
    dp, dk = pair
    a = hr.annotate(dp.long(), corpus["design"])
    b = dataset.annotate(dk, corpus["design"])
    assert_same(a, b.compute())


@pytest.mark.parametrize("agg", ["mean", "median"])
@pytest.mark.filterwarnings("ignore::humeresearch.errors.StatsWarning")
def test_reduce_then_compare(pair, corpus, agg):
    dp, dk = pair
    full = hr.annotate(dp.long(), corpus["design"])
    small = dataset.reduce(
        dataset.annotate(dk, corpus["design"]), subject="participant", within="condition", agg=agg
    )
    assert small.shape[0] == 4 * 2 * full.groupby(["model", "name"], observed=True).ngroups
    assert_same(dataset.reduce(full, subject="participant", within="condition", agg=agg), small)
    a = hr.compare(full, within="condition", subject="participant", agg=agg)
    b = hr.compare(small, within="condition", subject="participant", agg=agg)
    assert_same(a, b)


def test_reduce_then_mixed(pair, corpus):
    pytest.importorskip("statsmodels")
    dp, dk = pair
    full = hr.annotate(dp.long(), corpus["design"])
    full = full[(full["model"] == "face") & full["name"].isin(["Joy", "Calmness"])]
    small_pd = dataset.reduce(full, subject="participant", within="condition", by=["name"])
    ddf = dataset.annotate(dk, corpus["design"])
    face = ddf[(ddf["model"] == "face") & ddf["name"].isin(["Joy", "Calmness"])]
    small_dk = dataset.reduce(face, subject="participant", within="condition", by=["name"])
    assert_same(small_pd, small_dk)
    kw = {"formula": "score ~ condition", "subject": "participant", "by": ["name"]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert_same(hr.mixed(small_pd, **kw), hr.mixed(small_dk, **kw))


def test_reduce_then_cluster_test(pair, corpus):
    dp, dk = pair
    design = corpus["design"]
    full = hr.annotate(hr.resample(dp.long(), step=1.0), design)
    full = full[full["model"] == "face"]
    lazy = dataset.annotate(dataset.resample(dk, step=1.0), design)
    small = dataset.reduce(
        lazy[lazy["model"] == "face"], subject="participant", within="condition", time="begin"
    )
    kw = {"within": "condition", "subject": "participant", "time": "begin", "n_permutations": 200}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = hr.cluster_test(full, **kw)
        b = hr.cluster_test(small, **kw)
    assert_same(a, b)


def test_pandas_dataset_runs_the_pandas_functions(pair):
    dp, _ = pair
    out = dataset.summarize(dp, by=["model"])
    pd.testing.assert_frame_equal(out, hr.summarize(dp.long(), by=["model"]))
