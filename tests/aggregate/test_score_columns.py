"""Score columns come from the contract, never from dtype (issue 12, item 1)."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing
from humeresearch._tables import as_long, score_columns
from humeresearch.errors import UnmatchedSpansWarning

EXAMPLE = Path(__file__).resolve().parents[2] / "data" / "example"


@pytest.fixture(scope="module")
def example():
    m = hr.read(str(EXAMPLE / "predictions.json"))
    design = pd.read_csv(EXAMPLE / "design.csv").assign(age=31)
    return m, design


def _names(table: pd.DataFrame) -> set[str]:
    return set(table["name"].astype(str))


def test_design_columns_of_an_annotated_wide_table_are_never_scores(example):
    m, design = example
    wide = hr.annotate(m.wide(model="face"), design)
    assert wide["recording"].dtype.kind == "i" and wide["age"].dtype.kind == "i"
    emotions = {c for c in m.wide(model="face").columns if ":" not in c} & _names(m.long())
    long = as_long(wide, func="test")
    assert "recording" not in _names(long) and "age" not in _names(long)
    assert {"participant", "condition", "recording", "age"} <= set(long.columns)

    top = hr.top_k(wide, k=1)
    assert "recording" not in _names(top) and _names(top) <= emotions
    # the same ranking as from the long table the wide table came from
    expected = hr.top_k(m.long(model="face"), k=1)
    assert top["name"].astype(str).tolist() == expected["name"].astype(str).tolist()

    summary = hr.summarize(wide, by=["participant"])
    assert not ({"recording", "age"} & _names(summary))
    brute = (
        hr.annotate(m.long(model="face"), design)
        .query("name == 'Joy' and family == 'emotion'")
        .groupby("participant")["score"]
        .mean()
    )
    got = summary.query("name == 'Joy' and family == 'emotion'").set_index("participant")
    np.testing.assert_allclose(got["score"].loc[brute.index].to_numpy(), brute.to_numpy())

    embedding = hr.embed(wide, by=["participant"], family="emotion")
    assert "recording" not in embedding.loadings.index and "age" not in embedding.loadings.index

    utterances = m.spans(model="prosody")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnmatchedSpansWarning)
        aligned = hr.align(wide, utterances)
    assert not ({"recording", "age"} & _names(aligned))


def test_without_the_record_names_decide():
    wide = testing.wide_table(names=("Joy", "Sadness")).assign(age=30, subject_no=3.0)
    wide["facs:AU4 Brow Lowerer"] = 0.25
    wide["my_index"] = 0.5
    wide.attrs = {}
    assert score_columns(wide) == ["Joy", "Sadness", "facs:AU4 Brow Lowerer"]
    long = as_long(wide, func="test")
    assert _names(long) == {"Joy", "Sadness", "AU4 Brow Lowerer"}
    assert long["age"].eq(30).all() and long["my_index"].eq(0.5).all()
    # the record of Measurements.wide() wins, and survives selection and annotate
    marked = testing.measurements(names=("Joy", "Custom Name")).wide()
    assert score_columns(marked.query("begin >= 0")) == ["Joy", "Custom Name"]
    assert "Custom Name" in _names(as_long(marked[marked["begin"] > 1], func="test"))


def test_summarize_wide_records_its_scores():
    long = testing.long_table(names=("Joy", "Sadness"))
    wide = hr.summarize(long, agg=["mean", "max"], wide=True)
    assert score_columns(wide) == ["Joy", "Sadness"]
