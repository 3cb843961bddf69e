"""Time ``humeresearch.plot.timeline`` on one hour of face data (3 fps, 48 expressions).

About 518 000 long rows (10 800 frames x 48 names) in contract dtypes. Measures the
whole call plus rendering the figure to PNG, and compares it with a baseline in the
same process: plain ``ax.plot`` of the same five lines from ready-made arrays (the
least any drawing of this figure costs).

Usage::

    python scripts/time_timeline.py [--quick] [--repeat N]

``--quick``: 10 minutes of data instead of an hour. Prints ``RESULT seconds=...
baseline=... ratio=... rows=...``.
"""

from __future__ import annotations

import argparse
import io
import os
import time

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use(os.environ["MPLBACKEND"])

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import humeresearch as hr


def face_hour(seconds: float, fps: float = 3.0, seed: int = 0) -> pd.DataFrame:
    """Long face table: ``seconds`` of frames at ``fps``, every v0 emotion."""
    names = list(hr.vocabularies.names("v0_emotions_48"))
    t = np.arange(0.0, seconds, 1.0 / fps)
    rng = np.random.default_rng(seed)
    level = rng.random((len(names), 1)) * 0.5
    wave = 0.1 * np.sin(t[None, :] / 30.0 + rng.random((len(names), 1)) * 6)
    score = np.clip(level + wave + rng.normal(0, 0.05, (len(names), len(t))), 0, 1)
    n = score.size

    def const(value: str) -> pd.Categorical:
        return pd.Categorical.from_codes(np.zeros(n, dtype=np.int8), [value])

    return pd.DataFrame(
        {
            "source": const("hour.mp4"),
            "file": const("hour.mp4"),
            "model": const("face"),
            "track": const("face_0"),
            "span_id": np.tile(np.arange(len(t)), len(names)).astype(np.int64),
            "begin": np.tile(t, len(names)),
            "end": np.tile(t, len(names)),
            "family": const("emotion"),
            "name": pd.Categorical.from_codes(np.repeat(np.arange(len(names)), len(t)), names),
            "score": score.ravel(),
        }
    )


def render(fig: plt.Figure) -> None:
    fig.savefig(io.BytesIO(), format="png", dpi=100)
    plt.close(fig)


def run_timeline(long: pd.DataFrame) -> float:
    start = time.perf_counter()
    render(hr.plot.timeline(long)[0].figure)
    return time.perf_counter() - start


def run_baseline(long: pd.DataFrame) -> float:
    names = list(long["name"].cat.categories[:5])
    arrays = []
    for name in names:
        rows = long[long["name"] == name]
        arrays.append((rows["begin"].to_numpy(), rows["score"].to_numpy()))
    start = time.perf_counter()
    fig, ax = plt.subplots(figsize=(7.5, 1.55), layout="constrained")
    for x, y in arrays:
        ax.plot(x, y, lw=1.1)
    render(fig)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 minutes instead of 1 hour")
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args(argv)
    long = face_hour(600.0 if args.quick else 3600.0)
    run_timeline(long.head(48_000))  # warm up imports and fonts
    best = min(run_timeline(long) for _ in range(args.repeat))
    base = min(run_baseline(long) for _ in range(args.repeat))
    print(f"rows={len(long)} timeline={best:.2f}s baseline={base:.2f}s")
    print(f"RESULT seconds={best:.2f} baseline={base:.2f} ratio={best / base:.2f} rows={len(long)}")


if __name__ == "__main__":
    main()
