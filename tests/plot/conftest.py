"""Contract tables and statistics results for the figure tests.

``recording``: one video (``rec.mp4``) with two faces (frames at 3 fps from
:func:`humeresearch.testing.long_table`, ``face_1`` missing from 10 s to 15 s), and
hand-built spans whose exact extents the tests check: two prosody speakers
(consecutive spans of ``spk_0`` touching and overlapping) and language sentences
(with text in the spans table). ``study``: :func:`humeresearch.testing.study`, every
participant in both conditions, Joy raised in "treatment". Results tables have the
shapes of ``compare``, ``mixed`` and ``agreement``; ``embedding`` is an
:class:`humeresearch.Embedding`.
"""

from __future__ import annotations

import os

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import humeresearch as hr
from humeresearch import testing

NAMES = ["Joy", "Calmness", "Interest", "Anger", "Sadness", "Boredom"]
SOURCE = "rec.mp4"
LONG = ["source", "file", "model", "track", "span_id", "begin", "end", "family", "name", "score"]
#: hand-built spans per (model, track): (begin, end)
SPANS = {
    ("prosody", "spk_0"): [(1.0, 4.0), (4.0, 6.5), (6.0, 9.0), (20.0, 24.0)],
    ("prosody", "spk_1"): [(10.0, 13.0), (14.5, 18.0)],
    ("language", "unknown"): [(1.2, 8.8), (10.2, 17.8), (20.2, 23.8)],
}
TEXTS = ["hello how are you", "fine thanks", "see you"]


def _categorical(table: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    return table.assign(**{c: pd.Categorical(table[c].astype(str)) for c in columns})


def _faces(seed: int, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames of face_0 and face_1 over 30 s; face_1 has none from 10 s to 15 s.

    The k-th name of :data:`NAMES` scores ``0.1 k + 0.3 u`` (``u`` uniform in [0, 1]),
    so the names differ clearly in their means.
    """
    args = dict(
        sources=[source],
        models=["face"],
        tracks={"face": ["face_0", "face_1"]},
        names=NAMES,
        duration=30.0,
        seed=seed,
    )
    long, spans = testing.long_table(**args), testing.spans_table(**args)
    level = long["name"].map({n: 0.1 * k for k, n in enumerate(NAMES)}).astype(float)
    long = long.assign(score=level + 0.3 * long["score"])

    def gap(table: pd.DataFrame) -> np.ndarray:
        missing = (table["track"] == "face_1") & table["begin"].between(10.0, 15.0, "left")
        return missing.to_numpy()

    return long[~gap(long)], spans[~gap(spans)]


def _voice_and_words(seed: int, source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Long rows and spans of :data:`SPANS`; the language spans carry :data:`TEXTS`."""
    rng = np.random.default_rng(seed)
    parts, span_rows = [], []
    for (model, track), extent in SPANS.items():
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
            text = TEXTS[i] if model == "language" else pd.NA
            span_rows.append((model, track, i, b[i], e[i], text))
    long = pd.concat(parts, ignore_index=True).assign(source=source, file=source)
    spans = pd.DataFrame(span_rows, columns=["model", "track", "span_id", "begin", "end", "text"])
    return long, spans.assign(source=source, file=source, api="v0")


def make_recording(seed: int = 0, source: str = SOURCE) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(long, spans) of one recording; see the module docstring."""
    face_long, face_spans = _faces(seed, source)
    voice_long, voice_spans = _voice_and_words(seed, source)
    long = pd.concat([face_long[LONG].astype(object), voice_long[LONG]], ignore_index=True)
    long = _categorical(long, ["source", "file", "model", "track", "family", "name"])
    long = long.astype({"span_id": np.int64, "begin": float, "end": float, "score": float})
    columns = ["source", "file", "model", "track", "span_id", "begin", "end", "api", "text"]
    spans = pd.concat([face_spans[columns].astype(object), voice_spans[columns]], ignore_index=True)
    spans = spans.astype({"span_id": np.int64, "begin": float, "end": float, "text": "string"})
    return long, spans


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
def study() -> pd.DataFrame:
    """10 participants x 2 conditions x 5 frames, Joy raised by 0.15 in "treatment"."""
    return testing.study(
        subjects=10, names=NAMES, frames=5, effects={"Joy": 0.15}, subject_sd=0.05, noise_sd=0.05
    )


@pytest.fixture
def compare_results() -> pd.DataFrame:
    effect = np.array([-0.9, 0.1, 0.35, -0.2, 0.6, np.nan])
    return pd.DataFrame(
        {
            "model": "face",
            "family": "emotion",
            "name": NAMES,
            "test": "paired_t",
            "reference": "control",
            "other": "treatment",
            "n_reference": 10,
            "n_other": 10,
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
def embedding() -> hr.Embedding:
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
    return hr.Embedding(coords, loadings, np.array([0.42, 0.21]), "pca")


@pytest.fixture(autouse=True)
def _close_figures():
    plt.close("all")
    yield
    plt.close("all")


def n_figures() -> int:
    return len(plt.get_fignums())
