"""composite against loops over spans and members."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch import testing

from ..strategies import KEYS, long_from_rows, long_rows, span_lists

NAMES = ("Joy", "Awe", "Calmness", "Anger")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["mean", "sum", "max"]))
def test_composite_matches_loops(data, agg):
    spans = data.draw(span_lists("face", max_spans=8))
    rows = data.draw(long_rows(spans, names=NAMES))
    mapping = {"up": ["Joy", "Awe"], "down": ["Anger"], "calm": ["Calmness", "Joy"]}
    present = {r["name"] for r in rows}
    table = long_from_rows(rows)
    if not {m for ms in mapping.values() for m in ms} <= present:
        with pytest.raises(ValueError, match="never occur"):
            hr.composite(table, mapping=mapping, agg=agg)
        out = hr.composite(table, mapping=mapping, agg=agg, missing="ignore")
    else:
        out = hr.composite(table, mapping=mapping, agg=agg)
    combine = {"mean": lambda v: sum(v) / len(v), "sum": sum, "max": max}[agg]
    expected = {}
    for span in spans:
        key = tuple(span[k] for k in KEYS)
        for name, members in mapping.items():
            values = [
                r["score"]
                for r in rows
                if tuple(r[k] for k in KEYS) == key
                and r["name"] in members
                and not math.isnan(r["score"])
            ]
            if values:
                expected[(*key, name)] = (combine(values), len(values))
    got = {
        (*(r[k] for k in KEYS), r["name"]): (r["score"], r["n_names"])
        for r in out.to_dict("records")
    }
    assert set(got) == set(expected)
    for key, (value, n) in expected.items():
        assert got[key][0] == pytest.approx(value) and got[key][1] == n
    assert set(out["family"].astype(str)) <= {"composite"}


def test_composite_with_prefixed_members():
    facs = testing.long_table(
        sources=("rec0.mp4", "rec1.mp4"), names=("Joy", "Calmness"), family="facs"
    )
    out = hr.composite(facs, mapping={"c": ["facs:Joy"]})
    assert len(out) == len(facs) // 2
    joy = facs[facs["name"] == "Joy"]
    assert out["score"].tolist() == joy["score"].tolist()
    with pytest.raises(ValueError, match="composite: agg must be one of 'mean', 'sum', 'max'"):
        hr.composite(facs, mapping={"c": ["facs:Joy"]}, agg="median")


def test_composite_follows_the_contract(face_long):
    hr.validate(hr.composite(face_long, mapping={"c": ["Joy", "Calmness"]}), "long")
