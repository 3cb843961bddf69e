"""embed against an eigen-decomposition of the covariance; composite against loops."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import humeresearch as hr
from humeresearch._contract import KEYS

from .strategies import long_rows, long_table, regular_long, span_lists

NAMES = ("Joy", "Awe", "Calmness", "Anger")


def reference_pca(matrix, n, scale):
    x = matrix - matrix.mean(axis=0)
    if scale:
        sd = x.std(axis=0)
        x = x / np.where(sd > 0, sd, 1.0)
    values, vectors = np.linalg.eigh(x.T @ x)
    order = np.argsort(values)[::-1]
    values, vectors = values[order], vectors[:, order]
    axes = vectors[:, :n]
    for j in range(n):
        if axes[np.argmax(np.abs(axes[:, j])), j] < 0:
            axes[:, j] *= -1
    return x @ axes, axes, values[:n] / values.sum()


@pytest.mark.parametrize("scale", [False, True])
def test_embed_per_span(scale):
    data = regular_long(2, ("face_0",), "face", NAMES, step=0.5, duration=4.0, seed=3)
    emb = hr.embed(data, n=2, scale=scale)
    # the matrix, built by loops: one row per span in key order, one column per name
    spans = sorted({tuple(r[k] for k in KEYS) for r in data.to_dict("records")})
    names = list(emb.loadings.index)
    assert sorted(names) == sorted(NAMES)
    matrix = np.full((len(spans), len(names)), np.nan)
    for r in data.to_dict("records"):
        matrix[spans.index(tuple(r[k] for k in KEYS)), names.index(r["name"])] = r["score"]
    coords, axes, explained = reference_pca(matrix, 2, scale)
    got_keys = [tuple(r[k] for k in KEYS) for r in emb.coords.to_dict("records")]
    assert got_keys == spans
    np.testing.assert_allclose(emb.coords[["dim1", "dim2"]].to_numpy(), coords, atol=1e-10)
    np.testing.assert_allclose(emb.loadings.to_numpy(), axes, atol=1e-10)
    np.testing.assert_allclose(emb.explained, explained, rtol=1e-10)
    assert emb.method == "pca"


def test_embed_per_group_and_errors(face_long):
    emb = hr.embed(face_long, n=1, by=["source", "track"])
    assert list(emb.coords.columns) == ["source", "track", "dim1"]
    assert len(emb.coords) == 4
    sparse = face_long.iloc[1:]
    with pytest.raises(ValueError, match="fill=0.0"):
        hr.embed(sparse)
    filled = hr.embed(sparse, fill=0.0)
    assert np.isfinite(filled.coords["dim1"]).all()
    with pytest.raises(ValueError, match="n must be"):
        hr.embed(face_long, n=5)
    with pytest.raises(ValueError, match="method must be one of 'pca'"):
        hr.embed(face_long, method="tsne")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data(), st.sampled_from(["mean", "sum", "max"]))
def test_composite_matches_loops(data, how):
    spans = data.draw(span_lists("face", max_spans=8))
    rows = data.draw(long_rows(spans, names=NAMES))
    mapping = {"up": ["Joy", "Awe"], "down": ["Anger"], "calm": ["Calmness", "Joy"]}
    present = {r["name"] for r in rows}
    table = long_table(rows)
    if not {m for ms in mapping.values() for m in ms} <= present:
        with pytest.raises(ValueError, match="never occur"):
            hr.composite(table, mapping, how)
        out = hr.composite(table, mapping, how, missing="ignore")
    else:
        out = hr.composite(table, mapping, how)
    agg = {"mean": lambda v: sum(v) / len(v), "sum": sum, "max": max}[how]
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
                expected[(*key, name)] = (agg(values), len(values))
    got = {
        (*(r[k] for k in KEYS), r["name"]): (r["score"], r["n_names"])
        for r in out.to_dict("records")
    }
    assert set(got) == set(expected)
    for key, (value, n) in expected.items():
        assert got[key][0] == pytest.approx(value) and got[key][1] == n
    assert set(out["family"].astype(str)) <= {"composite"}


def test_composite_with_prefixed_members(face_long):
    facs = face_long.assign(family=face_long["family"].cat.rename_categories({"emotion": "facs"}))
    out = hr.composite(facs, {"c": ["facs:Joy"]})
    assert len(out) == len(face_long) // 2
    with pytest.raises(ValueError, match="how must be one of"):
        hr.composite(facs, {"c": ["facs:Joy"]}, how="median")
