"""``correct`` against statsmodels ``multipletests`` and its defining properties."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.multitest import multipletests

import humeresearch as hr
from humeresearch.define import CORRECTIONS

SM_METHODS = [m for m in CORRECTIONS if m != "none"]


@pytest.mark.parametrize("method", SM_METHODS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_statsmodels(method: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = np.concatenate([rng.uniform(0, 0.05, 10), rng.uniform(size=40)])
    p[[3, 7]] = p[5]  # ties
    expected = multipletests(p, method=method)[1]
    np.testing.assert_allclose(hr.correct(p, correction=method), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("method", SM_METHODS)
def test_nan_left_out_of_family(method: str) -> None:
    p = np.array([0.01, np.nan, 0.04, 0.03, np.nan, 0.2])
    out = hr.correct(p, correction=method)
    ok = ~np.isnan(p)
    assert np.isnan(out[~ok]).all()
    np.testing.assert_allclose(out[ok], multipletests(p[ok], method=method)[1], rtol=1e-12)


def test_none_and_shapes() -> None:
    p = np.array([[0.01, 0.5], [0.2, np.nan]])
    np.testing.assert_array_equal(hr.correct(p, correction="none"), p)
    out = hr.correct(p, correction="bonferroni")
    assert out.shape == (2, 2)
    np.testing.assert_allclose(out[0], [0.03, 1.0])  # m = 3 non-missing, capped at 1
    s = pd.Series([0.01, 0.02], index=["x", "y"], name="p")
    res = hr.correct(s, correction="holm")
    assert isinstance(res, pd.Series) and list(res.index) == ["x", "y"]
    np.testing.assert_allclose(res.to_numpy(), [0.02, 0.02])
    assert hr.correct([], correction="fdr_bh").shape == (0,)


def test_errors() -> None:
    with pytest.raises(ValueError, match="'fdr_bh', 'fdr_by', 'holm', 'bonferroni', 'none'"):
        hr.correct([0.1], correction="bh")
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        hr.correct([0.1, 1.2], correction="holm")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.floats(0, 1, allow_nan=False), min_size=1, max_size=30),
    st.sampled_from(CORRECTIONS),
)
def test_properties(ps: list[float], method: str) -> None:
    p = np.array(ps)
    adj = np.asarray(hr.correct(p, correction=method))
    assert np.all(adj >= p - 1e-15) and np.all(adj <= 1)
    order = np.argsort(p, kind="mergesort")
    assert np.all(np.diff(adj[order]) >= -1e-15)  # monotone in p
    if method != "none":
        np.testing.assert_allclose(adj, multipletests(p, method=method)[1], rtol=1e-10, atol=1e-15)
