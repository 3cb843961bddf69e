"""agreement_matrix and correlation_matrix: cell values, stars, triangles, ordering."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import QuadMesh
from scipy import stats

import humeresearch as hr

from .conftest import NAMES, n_figures


def grid(ax) -> np.ndarray:
    (m,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    arr = np.ma.filled(m.get_array().astype(float), np.nan)
    return arr.reshape(len(ax.get_yticks()), len(ax.get_xticks()))


def test_agreement_matrix_cells_and_stars(agreement_results):
    before = n_figures()
    ax = hr.plot.agreement_matrix(agreement_results, x="name", y="pair")
    assert n_figures() == before + 1
    rows = [t.get_text() for t in ax.get_yticklabels()]
    cols = [t.get_text() for t in ax.get_xticklabels()]
    assert rows == ["face-prosody", "face-language", "prosody-language"]
    assert cols == NAMES[:4]
    values = grid(ax)
    texts = iter(ax.texts)
    for i, pair in enumerate(rows):
        for j, name in enumerate(cols):
            row = agreement_results[
                (agreement_results["pair"] == pair) & (agreement_results["name"] == name)
            ]
            assert values[i, j] == pytest.approx(row["estimate"].iloc[0])
            star = "*" if row["p_adj"].iloc[0] < 0.05 else ""
            assert next(texts).get_text() == f"{row['estimate'].iloc[0]:.2f}{star}"
    (m,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert (m.norm.vmin, m.norm.vmax) == (-1.0, 1.0)
    assert ax.figure.axes[-1].get_ylabel() == "pearson"  # colour bar names the method


def test_agreement_matrix_mirrors_a_square_matrix():
    res = pd.DataFrame(
        {
            "a": ["face", "face", "prosody"],
            "b": ["prosody", "language", "language"],
            "r": [0.5, 0.2, -0.3],
        }
    )
    res = pd.concat([res, pd.DataFrame({"a": ["language"], "b": ["face"], "r": [np.nan]})])
    ax = hr.plot.agreement_matrix(res, x="a", y="b", annot=False)
    rows = [t.get_text() for t in ax.get_yticklabels()]
    cols = [t.get_text() for t in ax.get_xticklabels()]
    values = grid(ax)
    lookup = {("face", "prosody"): 0.5, ("face", "language"): 0.2, ("prosody", "language"): -0.3}
    for i, r in enumerate(rows):
        for j, c in enumerate(cols):
            want = lookup.get((c, r), lookup.get((r, c), np.nan))
            assert values[i, j] == pytest.approx(want, nan_ok=True)
    assert len(ax.texts) == 0


def test_agreement_matrix_errors(agreement_results):
    with pytest.raises(ValueError, match="several rows for"):
        hr.plot.agreement_matrix(agreement_results, x="name", y="method")
    with pytest.raises(ValueError, match="none of the value columns"):
        hr.plot.agreement_matrix(agreement_results.drop(columns="estimate"), x="name", y="pair")
    with pytest.raises(ValueError, match="has no column"):
        hr.plot.agreement_matrix(agreement_results, x="name", y="nope")


def test_agreement_matrix_from_real_agreement(study):
    a = study[study["condition"] == "control"].drop(columns="condition")
    b = study[study["condition"] == "treatment"].drop(columns="condition")
    keys = ["participant", "span_id"]
    parts = [
        hr.agreement(a, b, on=keys, by=("name",), method=m).assign(kind=m)
        for m in ("pearson", "spearman")
    ]
    res = pd.concat(parts, ignore_index=True)
    ax = hr.plot.agreement_matrix(res, x="name", y="kind")
    assert grid(ax).shape == (2, len(NAMES))
    assert ax.figure.axes[-1].get_ylabel() == "estimate"


def wide_scores(long: pd.DataFrame) -> pd.DataFrame:
    face = long[long["model"] == "face"]
    return face.pivot_table(
        index=["track", "span_id"], columns="name", values="score", observed=True
    )


def test_correlation_matrix_lower_triangle_equals_numpy(long):
    before = n_figures()
    face = long[long["model"] == "face"]
    ax = hr.plot.correlation_matrix(face)
    assert n_figures() == before + 1
    wide = wide_scores(long)
    names = list(wide.columns)
    rows = [t.get_text() for t in ax.get_yticklabels()]
    cols = [t.get_text() for t in ax.get_xticklabels()]
    order = [cols[0], *rows]
    assert sorted(order) == sorted(names) and rows == order[1:] and cols == order[:-1]
    r = np.corrcoef(wide[order].to_numpy().T)
    values = grid(ax)
    for i in range(len(rows)):
        for j in range(len(cols)):
            if j <= i:
                assert values[i, j] == pytest.approx(r[i + 1, j])
            else:
                assert np.isnan(values[i, j])
    assert len(ax.texts) == len(names) * (len(names) - 1) // 2


def test_correlation_matrix_full_spearman_and_cluster(long):
    face = long[long["model"] == "face"]
    ax = hr.plot.correlation_matrix(
        face, triangle="full", method="spearman", name=["Joy", "Anger", "Boredom"]
    )
    wide = wide_scores(long)
    rho = stats.spearmanr(wide[["Joy", "Anger", "Boredom"]].to_numpy()).statistic
    np.testing.assert_allclose(grid(ax), rho)
    rng = np.random.default_rng(0)
    base = rng.normal(size=(200, 2))
    df = pd.DataFrame(
        {
            "Joy": base[:, 0],
            "Anger": base[:, 1],
            "Amusement": base[:, 0] + 0.1 * rng.normal(size=200),
            "Fear": base[:, 1] + 0.1 * rng.normal(size=200),
        }
    )
    long2 = df.reset_index(names="span_id").melt(
        id_vars="span_id", var_name="name", value_name="score"
    )
    long2 = long2.assign(
        source="a", file="a", model="face", track="face_0", begin=0.0, end=0.0, family="emotion"
    )
    ax = hr.plot.correlation_matrix(long2, cluster=True, triangle="full")
    order = [t.get_text() for t in ax.get_yticklabels()]
    assert abs(order.index("Joy") - order.index("Amusement")) == 1
    assert abs(order.index("Anger") - order.index("Fear")) == 1


def test_correlation_matrix_options_and_axes(long):
    fig, ax = plt.subplots()
    assert (
        hr.plot.correlation_matrix(
            long,
            columns=["model", "name"],
            index=["source", "span_id"],
            name=["Joy", "Anger"],
            ax=ax,
            cbar=False,
        )
        is ax
    )
    with pytest.raises(ValueError, match="method must be one of"):
        hr.plot.correlation_matrix(long, method="cosine")
    with pytest.raises(ValueError, match="triangle must be one of"):
        hr.plot.correlation_matrix(long, triangle="diag")
    with pytest.raises(ValueError, match="at least 2 variables"):
        hr.plot.correlation_matrix(long, name=["Joy"])
