"""The pandas functions hand Dask tables and datasets to their scaled-out twins."""

from __future__ import annotations

import warnings

import pytest

import humeresearch as hr
from humeresearch import dataset

from .conftest import assert_same

pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def pair(client, corpus):
    folder = corpus["folder"]
    return (
        dataset.open_dataset(folder, engine="pandas"),
        dataset.open_dataset(folder, engine="dask"),
    )


def test_summarize_resample_annotate_take_dask_tables(pair, corpus):
    dp, dk = pair
    lazy = dk.long()
    assert_same(
        hr.summarize(dp.long(), agg=["mean", "max"]), hr.summarize(lazy, agg=["mean", "max"])
    )
    assert_same(hr.summarize(dp.long()), hr.summarize(dk))  # an opened dataset too
    resampled = hr.resample(lazy, step=1.0)
    assert dataset.is_dask(resampled)
    assert_same(hr.resample(dp.long(), step=1.0), resampled.compute())
    design = corpus["design"]
    assert_same(hr.annotate(dp.long(), design), hr.annotate(lazy, design).compute())


def test_compare_and_cluster_test_reduce_a_dask_table_first(pair, corpus):
    dp, dk = pair
    design = corpus["design"]
    full = hr.annotate(dp.long(), design)
    lazy = hr.annotate(dk.long(), design)
    a = hr.compare(full, within="condition", subject="participant")
    b = hr.compare(lazy, within="condition", subject="participant")
    assert_same(a, b)
    with pytest.raises(ValueError, match="needs subject="):
        hr.compare(lazy, within="condition")


def test_align_takes_dask_tables(pair, corpus):
    folder = corpus["folder"]
    face = dataset.open_dataset(folder, model="face", engine="dask")
    prosody = dataset.open_dataset(folder, model="prosody")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", hr.UnmatchedSpansWarning)
        expected = hr.align(dataset.open_dataset(folder, model="face").long(), prosody.spans())
        got = hr.align(face, prosody.spans())
    got = got.compute() if dataset.is_dask(got) else got
    assert_same(expected, got[expected.columns])
