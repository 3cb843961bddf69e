"""``cluster_test`` against a brute-force loop over relabellings with scipy t-tests per bin."""

from __future__ import annotations

from itertools import combinations, product

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import humeresearch as hr

TIMES = np.round(np.arange(-0.4, 1.01, 0.1), 2)


def make_epochs(
    n_subjects: int,
    design: str,
    bump: float = 1.5,
    window=(0.2, 0.5),
    names=("Joy",),
    seed: int = 0,
) -> pd.DataFrame:
    """Event-locked long data: 3 events per (participant, level), one row per time bin."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_subjects):
        levels = ["a", "b"] if design == "within" else ["ab"[s % 2]]
        for name in names:
            for lev in levels:
                for event in range(3):
                    noise = rng.normal(0, 1, len(TIMES))
                    shift = bump * ((lev == "b") & (TIMES >= window[0]) & (TIMES <= window[1]))
                    for t, v in zip(TIMES, noise + shift):
                        rows.append((name, f"s{s}", lev, event, t, v))
    return pd.DataFrame(rows, columns=["name", "participant", "cond", "event", "time", "score"])


def _unit_matrix(df: pd.DataFrame, level: str) -> pd.DataFrame:
    sel = df[df["cond"] == level]
    return sel.groupby(["participant", "time"])["score"].mean().unstack("time")


def _clusters(t: np.ndarray, thr: float) -> list[tuple[int, int, float]]:
    """Brute-force runs: walk the bins one by one."""
    out, start = [], None
    for i in range(len(t) + 1):
        sign = 0 if i == len(t) or np.isnan(t[i]) or abs(t[i]) <= thr else np.sign(t[i])
        if start is not None and (sign != np.sign(t[start])):
            out.append((start, i - 1, float(np.sum(t[start:i]))))
            start = None
        if start is None and sign != 0:
            start = i
    return sorted(out)


def _max_mass(t: np.ndarray, thr: float) -> float:
    return max([abs(m) for _, _, m in _clusters(t, thr)], default=0.0)


def test_within_exact_matches_brute_force() -> None:
    df = make_epochs(8, "within", seed=1)  # 2^8 = 256 sign patterns <= 300: exact
    res = hr.cluster_test(df, within="cond", subject="participant", by="name", n_permutations=300)
    xa, xb = _unit_matrix(df, "b"), _unit_matrix(df, "a")  # t of other (b) - reference (a)
    d = (xa - xb.loc[xa.index]).to_numpy()
    thr = stats.t.ppf(0.975, len(d) - 1)
    t_obs = stats.ttest_rel(xa.to_numpy(), xb.loc[xa.index].to_numpy(), axis=0).statistic
    observed = _clusters(t_obs, thr)
    null = [
        _max_mass(stats.ttest_1samp(np.array(signs)[:, None] * d, 0, axis=0).statistic, thr)
        for signs in product([1, -1], repeat=len(d))
    ]
    assert len(res) == len(observed) > 0
    for (_, row), (s, e, mass) in zip(res.iterrows(), observed):
        assert (row["t_start"], row["t_end"], row["n_bins"]) == (TIMES[s], TIMES[e], e - s + 1)
        np.testing.assert_allclose(row["mass"], mass, rtol=1e-8)
        assert row["sign"] == np.sign(mass) and row["n_permutations"] == 256
        expected_p = np.mean(np.array(null) >= abs(mass) * (1 - 1e-12))
        np.testing.assert_allclose(row["p"], expected_p, rtol=1e-12)
        np.testing.assert_allclose(row["threshold"], thr, rtol=1e-12)
    best = res.loc[res["mass"].abs().idxmax()]
    assert best["sign"] == 1 and best["t_start"] <= 0.3 <= best["t_end"] and best["p"] < 0.05


def test_between_exact_matches_brute_force() -> None:
    df = make_epochs(10, "between", bump=2.0, seed=2)  # C(10, 5) = 252 splits: exact
    res = hr.cluster_test(df, between="cond", subject="participant", by=(), n_permutations=300)
    xa, xb = _unit_matrix(df, "b").to_numpy(), _unit_matrix(df, "a").to_numpy()
    x = np.vstack([xa, xb])
    thr = stats.t.ppf(0.975, len(x) - 2)
    observed = _clusters(stats.ttest_ind(xa, xb, axis=0).statistic, thr)
    null = []
    for members in combinations(range(len(x)), len(xa)):
        in_a = np.isin(np.arange(len(x)), members)
        null.append(_max_mass(stats.ttest_ind(x[in_a], x[~in_a], axis=0).statistic, thr))
    assert len(res) == len(observed) > 0
    for (_, row), (_s, _e, mass) in zip(res.iterrows(), observed):
        np.testing.assert_allclose(row["mass"], mass, rtol=1e-8)
        np.testing.assert_allclose(
            row["p"], np.mean(np.array(null) >= abs(mass) * (1 - 1e-12)), rtol=1e-12
        )
    assert res["p"].min() < 0.05


def test_random_relabelling_follows_documented_scheme() -> None:
    df = make_epochs(12, "within", seed=3)
    res = hr.cluster_test(
        df, within="cond", subject="participant", by=(), n_permutations=200, seed=5
    )
    xa, xb = _unit_matrix(df, "b"), _unit_matrix(df, "a")  # t of other (b) - reference (a)
    d = (xa - xb.loc[xa.index]).to_numpy()
    thr = stats.t.ppf(0.975, len(d) - 1)
    signs = np.random.default_rng(5).choice([-1.0, 1.0], size=(200, len(d)))
    null = np.array(
        [_max_mass(stats.ttest_1samp(s[:, None] * d, 0, axis=0).statistic, thr) for s in signs]
    )
    for _, row in res.iterrows():
        b = np.sum(null >= abs(row["mass"]) * (1 - 1e-12))
        np.testing.assert_allclose(row["p"], (b + 1) / 201, rtol=1e-12)
    again = hr.cluster_test(
        df, within="cond", subject="participant", by=(), n_permutations=200, seed=5
    )
    pd.testing.assert_frame_equal(res, again)


def test_missing_bins_use_present_subjects() -> None:
    df = make_epochs(9, "within", seed=4)
    drop = (df["participant"] == "s0") & (df["time"] == 0.3)
    df = df[~drop]
    res = hr.cluster_test(
        df, within="cond", subject="participant", by=(), threshold=1.5, n_permutations=100
    )
    xa, xb = _unit_matrix(df, "b"), _unit_matrix(df, "a")  # t of other (b) - reference (a)
    t_obs = stats.ttest_rel(
        xa.to_numpy(), xb.loc[xa.index].to_numpy(), axis=0, nan_policy="omit"
    ).statistic
    observed = _clusters(np.asarray(t_obs), 1.5)
    np.testing.assert_allclose(res["mass"], [m for _, _, m in observed], rtol=1e-8)
    assert (res["threshold"] == 1.5).all()


def test_per_group_output_and_correction() -> None:
    df = make_epochs(8, "within", names=("Joy", "Anger"), seed=6)
    res = hr.cluster_test(
        df,
        within="cond",
        subject="participant",
        by="name",
        n_permutations=300,
        correction="bonferroni",
    )
    assert list(res.columns) == [
        "name", "reference", "other", "cluster", "t_start", "t_end", "n_bins", "mass", "sign",
        "p", "p_adj", "correction", "threshold", "n_permutations", "note",
    ]  # fmt: skip
    np.testing.assert_allclose(res["p_adj"], np.minimum(1, res["p"] * len(res)))
    joy = hr.cluster_test(
        df[df["name"] == "Joy"], within="cond", subject="participant", by="name", n_permutations=300
    )
    pd.testing.assert_frame_equal(
        res[res["name"] == "Joy"][["t_start", "mass", "p"]].reset_index(drop=True),
        joy[["t_start", "mass", "p"]],
    )


def test_errors() -> None:
    df = make_epochs(6, "within", seed=7)
    with pytest.raises(ValueError, match="subject= is required"):
        hr.cluster_test(df, within="cond", by=())
    with pytest.raises(ValueError, match="exactly one of between= .* or within="):
        hr.cluster_test(df, subject="participant", by=())
    with pytest.raises(ValueError, match="use within="):
        hr.cluster_test(df, between="cond", subject="participant", by=())
    with pytest.raises(ValueError, match=r"no column\(s\) \['t'\]"):
        hr.cluster_test(df, time="t", within="cond", subject="participant", by=())
    with pytest.raises(ValueError, match="threshold must be a positive"):
        hr.cluster_test(df, within="cond", subject="participant", by=(), threshold=-2)
    with pytest.raises(ValueError, match="agg must be one of 'mean', 'median'"):
        hr.cluster_test(df, within="cond", subject="participant", agg="sum")
    with pytest.raises(TypeError, match="1 positional argument"):
        hr.cluster_test(df, "time", within="cond", subject="participant")  # type: ignore[misc]


def test_bin_width_on_epochs_output() -> None:
    """Frames at 30 fps locked to events at arbitrary onsets: times need binning."""
    rng = np.random.default_rng(12)
    fps, rows, events = 30.0, [], []
    for s in range(8):
        source = f"s{s}.mp4"
        frame_times = np.arange(0, 40, 1 / fps)
        score = rng.normal(0, 1, len(frame_times))
        for e, label in enumerate(["a", "b"] * 3):
            onset = 2.0 + 6 * e + rng.uniform(0, 0.5)
            events.append(
                {"source": source, "onset": onset, "label": label, "participant": f"p{s}"}
            )
            if label == "b":  # response 0.2-0.5 s after a "b" onset
                score[(frame_times >= onset + 0.2) & (frame_times < onset + 0.5)] += 1.5
        rows.append(
            pd.DataFrame(
                {
                    "source": source, "file": source, "model": "face", "track": "face_0",
                    "span_id": np.arange(len(frame_times)), "begin": frame_times, "end": frame_times,
                    "family": "emotion", "name": "Joy", "score": score,
                }
            )
        )  # fmt: skip
    long = pd.concat(rows, ignore_index=True)
    ep = hr.epochs(long, pd.DataFrame(events), tmin=-0.3, tmax=1.0)
    with pytest.warns(hr.errors.StatsWarning, match="bin_width="):
        hr.cluster_test(ep, within="label", subject="participant", n_permutations=100)
    res = hr.cluster_test(
        ep, within="label", subject="participant", bin_width=0.1, n_permutations=300
    )
    binned = ep.assign(time=np.round(np.floor(ep["time"] / 0.1 + 1e-9) * 0.1, 12))
    ref = hr.cluster_test(binned, within="label", subject="participant", n_permutations=300)
    np.testing.assert_allclose(res["mass"], ref["mass"], rtol=1e-12)
    np.testing.assert_allclose(res["t_end"], ref["t_end"] + 0.1, rtol=1e-12)
    best = res.loc[res["p"].idxmin()]
    assert best["p"] < 0.05 and best["sign"] == 1
    assert 0.1 <= best["t_start"] <= 0.3 and 0.4 <= best["t_end"] <= 0.6
