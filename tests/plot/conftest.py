"""Synthetic contract tables and statistics results for the figure tests.

``recording``: one video with two faces (instants at 3 fps, ``face_1`` missing from
10 s to 15 s), two prosody speakers (spans, consecutive spans of ``spk_0`` touching
and overlapping) and language sentences (spans with text in the spans table).
``study``: participants x conditions long rows. Results tables have the shapes of
``compare``, ``mixed``, ``agreement`` and ``embed``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from humeresearch._contract import LONG_COLUMNS, wide_column

NAMES = ["Joy", "Calmness", "Interest", "Anger", "Sadness", "Boredom"]
SOURCE = "rec.mp4"


def _cat(values) -> pd.Categorical:
    return pd.Categorical(values)


def _frame(parts: list[pd.DataFrame]) -> pd.DataFrame:
    df = pd.concat(parts, ignore_index=True)
    out = df[LONG_COLUMNS[:5] + ["begin", "end", "family", "name", "score"]].copy()
    for c in ("source", "file", "model", "track", "family", "name"):
        out[c] = _cat(out[c].astype(str))
    out["span_id"] = out["span_id"].astype(np.int64)
    return out


def make_recording(seed: int = 0, source: str = SOURCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long, spans) of one recording; see the module docstring."""
    rng = np.random.default_rng(seed)
    parts = []
    t = np.round(np.arange(0, 30, 1 / 3), 6)
    for track, times in (("face_0", t), ("face_1", t[(t < 10) | (t >= 15)])):
        for k, name in enumerate(NAMES):
            parts.append(
                pd.DataFrame(
                    {
                        "model": "face",
                        "track": track,
                        "span_id": np.arange(len(times)),
                        "begin": times,
                        "end": times,
                        "family": "emotion",
                        "name": name,
                        "score": np.clip(
                            0.1 * k
                            + 0.3 * np.sin(times / (3 + k)) ** 2
                            + rng.normal(0, 0.02, len(times)),
                            0,
                            1,
                        ),
                    }
                )
            )
    spans = {
        ("prosody", "spk_0"): [(1.0, 4.0), (4.0, 6.5), (6.0, 9.0), (20.0, 24.0)],
        ("prosody", "spk_1"): [(10.0, 13.0), (14.5, 18.0)],
        ("language", "unknown"): [(1.2, 8.8), (10.2, 17.8), (20.2, 23.8)],
    }
    texts = ["hello how are you", "fine thanks", "see you"]
    span_rows = []
    for (model, track), extent in spans.items():
        b = np.array([e[0] for e in extent])
        e = np.array([e[1] for e in extent])
        for k, name in enumerate(NAMES):
            parts.append(
                pd.DataFrame(
                    {
                        "model": model,
                        "track": track,
                        "span_id": np.arange(len(b)),
                        "begin": b,
                        "end": e,
                        "family": "emotion",
                        "name": name,
                        "score": rng.uniform(0.05, 0.6, len(b)) + 0.02 * k,
                    }
                )
            )
        for i in range(len(b)):
            span_rows.append(
                (model, track, i, b[i], e[i], texts[i] if model == "language" else pd.NA)
            )
    long = pd.concat(parts, ignore_index=True).assign(source=source, file=source)
    long = _frame([long])
    face_spans = long[long["model"] == "face"].drop_duplicates(["track", "span_id"])
    span_rows += [
        ("face", r.track, r.span_id, r.begin, r.end, pd.NA) for r in face_spans.itertuples()
    ]
    spans_table = pd.DataFrame(
        span_rows, columns=["model", "track", "span_id", "begin", "end", "text"]
    ).assign(source=source, file=source, api="v0", frame=pd.NA)
    spans_table["text"] = spans_table["text"].astype("string")
    return long, spans_table


def make_wide(long: pd.DataFrame) -> pd.DataFrame:
    keys = ["source", "file", "model", "track", "span_id", "begin", "end"]
    w = long.assign(col=[wide_column(f, n) for f, n in zip(long["family"], long["name"])])
    wide = w.pivot_table(index=keys, columns="col", values="score", observed=True).reset_index()
    wide.columns.name = None
    for c in ("source", "file", "model", "track"):
        wide[c] = wide[c].astype("string")
    wide["model"] = wide["model"].astype("category")
    wide = wide.assign(
        api="v0",
        frame=pd.array([pd.NA] * len(wide), dtype="Int64"),
        text=pd.array([pd.NA] * len(wide), dtype="string"),
    )
    return wide


def make_study(n_subjects: int = 10, n_frames: int = 5, seed: int = 0) -> pd.DataFrame:
    """Long rows of a within-subject study: every participant in both conditions."""
    rng = np.random.default_rng(seed)
    rows = []
    for s in range(n_subjects):
        for cond in ("control", "treatment"):
            for k, name in enumerate(NAMES):
                shift = 0.15 if (name == "Joy" and cond == "treatment") else 0.0
                for f in range(n_frames):
                    rows.append(
                        (
                            f"p{s:02d}",
                            cond,
                            f"p{s:02d}_{cond}.mp4",
                            f,
                            name,
                            0.2 + 0.05 * k + shift + rng.normal(0, 0.05),
                        )
                    )
    df = pd.DataFrame(
        rows, columns=["participant", "condition", "source", "span_id", "name", "score"]
    )
    df = df.assign(
        file=df["source"],
        model="face",
        track="face_0",
        begin=df["span_id"] / 3.0,
        end=df["span_id"] / 3.0,
        family="emotion",
    )
    out = _frame([df])
    out["participant"] = df["participant"].to_numpy()
    out["condition"] = df["condition"].to_numpy()
    return out


@dataclass(frozen=True)
class FakeEmbedding:
    coords: pd.DataFrame
    loadings: pd.DataFrame
    explained: np.ndarray
    method: str


@pytest.fixture
def recording() -> tuple[pd.DataFrame, pd.DataFrame]:
    return make_recording()


@pytest.fixture
def long(recording) -> pd.DataFrame:
    return recording[0]


@pytest.fixture
def spans(recording) -> pd.DataFrame:
    return recording[1]


@pytest.fixture
def wide(long) -> pd.DataFrame:
    return make_wide(long)


@pytest.fixture
def study() -> pd.DataFrame:
    return make_study()


@pytest.fixture
def compare_results() -> pd.DataFrame:
    effect = np.array([-0.9, 0.1, 0.35, -0.2, 0.6, np.nan])
    return pd.DataFrame(
        {
            "model": "face",
            "family": "emotion",
            "name": NAMES,
            "test": "paired_t",
            "A": "control",
            "B": "treatment",
            "n_A": 10,
            "n_B": 10,
            "p": [0.001, 0.7, 0.04, 0.5, 0.01, np.nan],
            "p_adj": [0.006, 0.7, 0.06, 0.6, 0.03, np.nan],
            "correction": "fdr_bh",
            "effect": effect,
            "effect_type": "cohen_d_z",
            "ci_low": effect - 0.4,
            "ci_high": effect + 0.4,
        }
    )


@pytest.fixture
def mixed_results() -> pd.DataFrame:
    rows = []
    for k, name in enumerate(NAMES):
        for term, est in (
            ("Intercept", 0.3 + 0.01 * k),
            ("condition[T.treatment]", 0.02 * k - 0.05),
        ):
            rows.append((name, term, est, 0.02, est / 0.02, 0.02 if k == 5 else 0.4))
    df = pd.DataFrame(rows, columns=["name", "term", "estimate", "se", "z", "p"])
    return df.assign(
        p_adj=df["p"],
        correction="fdr_bh",
        ci_low=df["estimate"] - 0.04,
        ci_high=df["estimate"] + 0.04,
        converged=True,
        warnings="",
    )


@pytest.fixture
def agreement_results() -> pd.DataFrame:
    rows = []
    for pair, base in (("face-prosody", 0.3), ("face-language", 0.1), ("prosody-language", -0.2)):
        for k, name in enumerate(NAMES[:4]):
            rows.append((name, pair, base + 0.1 * k, 0.001 if base + 0.1 * k > 0.35 else 0.5))
    df = pd.DataFrame(rows, columns=["name", "pair", "estimate", "p_adj"])
    return df.assign(method="pearson", n=30)


@pytest.fixture
def embedding() -> FakeEmbedding:
    rng = np.random.default_rng(1)
    coords = pd.DataFrame(
        {
            "condition": np.repeat(["control", "treatment"], 15),
            "dim1": rng.normal(size=30),
            "dim2": rng.normal(size=30),
        }
    )
    loadings = pd.DataFrame(
        {"dim1": [0.8, -0.1, 0.3, 0.05, -0.5, 0.2], "dim2": [0.1, 0.7, -0.4, 0.05, 0.2, -0.1]},
        index=pd.Index(NAMES, name="name"),
    )
    return FakeEmbedding(coords, loadings, np.array([0.42, 0.21]), "pca")


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


def n_figures() -> int:
    return len(plt.get_fignums())
