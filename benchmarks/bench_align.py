"""Speed of ``align`` and ``resample`` against pandas baselines run in the same process.

Targets (issue 4):

* ``align`` of 1,000,000 face instants onto 50,000 utterances across 200 files within
  2x the time of ``pandas.merge_asof`` on the same instants (a C-level backward join
  that does less work: no end check, no overlap, no averaging). ``merge_asof`` needs
  both sides sorted by time, so its time includes that sort; the time on pre-sorted
  input is printed too.
* ``resample`` of 5,000,000 long rows (face instants and prosody spans) onto a 0.5 s
  grid under 10x the time of a plain ``groupby().mean()`` over the same rows.

    python benchmarks/bench_align.py            # full sizes
    python benchmarks/bench_align.py --quick    # a tenth of the sizes (< 20 s)
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import pandas as pd
from _timing import best

import humeresearch as hr
from humeresearch.errors import UnmatchedSpansWarning


def cat(values) -> pd.Categorical:
    return pd.Categorical(values)


def face_instants(n_files: int, n_frames: int, names: list[str], rng) -> pd.DataFrame:
    """Long face table in reader order: file, track, frame, name; 3 frames per second."""
    per_file = n_frames // n_files
    file = np.repeat(np.arange(n_files), per_file)
    frame = np.tile(np.arange(per_file), n_files)
    t = frame / 3.0
    k = len(names)
    files = np.array([f"rec{i:04d}.mp4" for i in range(n_files)], dtype=object)
    return pd.DataFrame(
        {
            "source": cat(files[np.repeat(file, k)]),
            "file": cat(files[np.repeat(file, k)]),
            "model": cat(np.full(len(t) * k, "face", dtype=object)),
            "track": cat(np.full(len(t) * k, "face_0", dtype=object)),
            "span_id": np.repeat(frame, k).astype(np.int64),
            "begin": np.repeat(t, k),
            "end": np.repeat(t, k),
            "family": cat(np.full(len(t) * k, "emotion", dtype=object)),
            "name": cat(np.tile(np.array(names, dtype=object), len(t))),
            "score": rng.random(len(t) * k),
        }
    )


def utterances(n_files: int, n_utts: int, duration: float, rng) -> pd.DataFrame:
    """Spans table of prosody utterances: two speakers alternating, gaps between them."""
    per_file = n_utts // n_files
    slot = duration / per_file
    file = np.repeat(np.arange(n_files), per_file)
    i = np.tile(np.arange(per_file), n_files)
    begin = i * slot + rng.uniform(0, 0.2 * slot, len(i))
    end = begin + rng.uniform(0.5 * slot, 0.8 * slot, len(i))
    files = np.array([f"rec{i:04d}.mp4" for i in range(n_files)], dtype=object)
    return pd.DataFrame(
        {
            "source": pd.array(files[file], dtype="string"),
            "file": pd.array(files[file], dtype="string"),
            "model": cat(np.full(len(i), "prosody", dtype=object)),
            "track": pd.array(np.where(i % 2 == 0, "spk_0", "spk_1"), dtype="string"),
            "span_id": (i // 2).astype(np.int64),
            "api": cat(np.full(len(i), "v0", dtype=object)),
            "begin": begin,
            "end": end,
        }
    )


def bench_align(n_frames: int, n_utts: int, n_files: int, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(0)
    face = face_instants(n_files, n_frames, ["Joy"], rng)
    duration = (n_frames // n_files) / 3.0
    utt = utterances(n_files, n_utts, duration, rng)
    left = face[["file", "begin", "score"]].assign(file=face["file"].astype(str))
    right = utt[["file", "begin", "span_id"]].assign(file=utt["file"].astype(str))

    def asof():
        return pd.merge_asof(
            left.sort_values("begin"), right.sort_values("begin"), on="begin", by="file"
        )

    ls, rs = left.sort_values("begin"), right.sort_values("begin")

    def asof_sorted():
        return pd.merge_asof(ls, rs, on="begin", by="file")

    def run():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UnmatchedSpansWarning)
            return hr.align(face, utt)

    out = run()
    assert len(out) > 0.9 * n_utts, len(out)
    t_asof = best(asof, repeat)
    t_asof_sorted = best(asof_sorted, repeat)
    t_align = best(run, repeat)
    print(
        f"align: {len(face):,} instants onto {len(utt):,} utterances in {n_files} files: "
        f"{t_align:.3f} s ({len(face) / t_align / 1e6:.2f} M instants/s); merge_asof with its "
        f"sort {t_asof:.3f} s, on pre-sorted input {t_asof_sorted:.3f} s"
    )
    return {
        "align_s": t_align,
        "asof_s": t_asof,
        "align_vs_asof": t_align / t_asof,
        "align_vs_asof_presorted": t_align / t_asof_sorted,
    }


def bench_resample(n_rows: int, n_files: int, repeat: int) -> dict[str, float]:
    rng = np.random.default_rng(1)
    names = [f"E{i:02d}" for i in range(48)]
    n_face = int(n_rows * 0.8) // len(names)
    face = face_instants(n_files, n_face, names, rng)
    duration = (n_face // n_files) / 3.0
    n_utts = (n_rows - len(face)) // len(names)
    utt = utterances(n_files, n_utts, duration, rng)
    k = len(names)
    pros = pd.DataFrame(
        {
            "source": cat(np.repeat(utt["source"].to_numpy(dtype=object), k)),
            "file": cat(np.repeat(utt["file"].to_numpy(dtype=object), k)),
            "model": cat(np.full(len(utt) * k, "prosody", dtype=object)),
            "track": cat(np.repeat(utt["track"].to_numpy(dtype=object), k)),
            "span_id": np.repeat(utt["span_id"].to_numpy(), k),
            "begin": np.repeat(utt["begin"].to_numpy(), k),
            "end": np.repeat(utt["end"].to_numpy(), k),
            "family": cat(np.full(len(utt) * k, "emotion", dtype=object)),
            "name": cat(np.tile(np.array(names, dtype=object), len(utt))),
            "score": rng.random(len(utt) * k),
        }
    )
    long = pd.concat([face, pros], ignore_index=True)
    for c in ("source", "file", "model", "track", "family", "name"):
        long[c] = long[c].astype(str).astype("category")
    series = ["source", "file", "model", "track", "family", "name"]

    def baseline():
        return long.groupby(series, observed=True, sort=True)["score"].mean()

    def run():
        return hr.resample(long, step=0.5)

    out = run()
    t_base = best(baseline, repeat)
    t_res = best(run, repeat)
    print(
        f"resample: {len(long):,} rows onto a 0.5 s grid -> {len(out):,} bins: {t_res:.3f} s "
        f"({len(long) / t_res / 1e6:.2f} M rows/s); groupby().mean() {t_base:.3f} s"
    )
    return {"resample_s": t_res, "groupby_s": t_base, "resample_vs_groupby": t_res / t_base}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    a = bench_align(1_000_000 // scale, 50_000 // scale, 200, args.repeat)
    r = bench_resample(5_000_000 // scale, 200, args.repeat)
    ok_align = a["align_vs_asof"] <= 2.0
    ok_res = r["resample_vs_groupby"] < 10.0
    print(
        f"RESULT align_vs_asof={a['align_vs_asof']:.2f} "
        f"align_vs_asof_presorted={a['align_vs_asof_presorted']:.2f} "
        f"resample_vs_groupby={r['resample_vs_groupby']:.2f} "
        f"align_s={a['align_s']:.3f} resample_s={r['resample_s']:.3f} "
        f"targets_met={ok_align and ok_res}"
    )


if __name__ == "__main__":
    main()
