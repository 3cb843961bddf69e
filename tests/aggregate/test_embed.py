"""embed against an eigen-decomposition of the covariance."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing

from ..strategies import KEYS

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
    data = testing.long_table(
        sources=("rec0.mp4", "rec1.mp4"), names=NAMES, fps=2.0, duration=4.0, seed=3
    )
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
    with pytest.raises(ValueError, match="embed: n must be between 1 and 2"):
        hr.embed(face_long, n=5)
    with pytest.raises(ValueError, match="embed: method must be one of 'pca'; got 'tsne'"):
        hr.embed(face_long, method="tsne")


def test_embed_one_group_and_several_families(face_long):
    one = hr.embed(face_long, n=1, by=())
    assert list(one.coords.columns) == ["dim1"] and len(one.coords) == 1
    facs = testing.long_table(
        sources=("rec0.mp4", "rec1.mp4"),
        tracks={"face": ["face_0", "face_1"]},
        names=("AU1", "AU2"),
        family="facs",
        seed=4,
    )
    both = pd.concat([face_long, facs], ignore_index=True)
    for c in ("source", "file", "model", "track", "family", "name"):
        both[c] = both[c].astype(str).astype("category")
    emb = hr.embed(both, n=2, family=["emotion", "facs"], by=["source", "track"])
    assert sorted(emb.loadings.index) == ["Calmness", "Joy", "facs:AU1", "facs:AU2"]
    only = hr.embed(both, n=2, family="emotion", by=["source", "track"])
    assert sorted(only.loadings.index) == ["Calmness", "Joy"]
    alone = hr.embed(face_long, n=2, by=["source", "track"])
    np.testing.assert_allclose(only.coords[["dim1", "dim2"]], alone.coords[["dim1", "dim2"]])
    assert only.coords["track"].astype(str).tolist() == alone.coords["track"].astype(str).tolist()
