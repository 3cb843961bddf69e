"""Corpora larger than memory: conversion to a Parquet dataset, and summarize with Dask.

Generates ``--gb`` of v0 predictions JSON on disk (dense simulated jobs: face at
3 fps with FACS and descriptions, prosody, language, burst; every file with its own
sources), then measures, each in a fresh process:

* ``to_dataset`` of every file: throughput (MB of JSON per second) and peak RSS
  (target: at most 1 GB whatever the corpus size);
* the baseline, ``read(file).to_parquet(...)`` file by file (target: ``to_dataset``
  within 1.5x of its time);

and then ``summarize`` by participant and model over the whole dataset with Dask on a
LocalCluster of 2 worker processes (1 thread each), against pandas on a sample of
the dataset that fits in memory, extrapolated to the whole corpus. Everything
generated is deleted at the end (``--keep`` keeps it).

    python benchmarks/bench_scale.py              # 0.5 GB, a few minutes
    python benchmarks/bench_scale.py --gb 5       # the issue's target corpus
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _payload import make_payload

_CONVERT = """
import json, resource, sys, time
from pathlib import Path
files = [Path(p) for p in json.loads(sys.argv[1])]
out = Path(sys.argv[2]); mode = sys.argv[3]
import humeresearch as hr
from humeresearch import dataset
t0, c0 = time.perf_counter(), time.process_time()
if mode == "dataset":
    dataset.to_dataset(files, out, buckets=16)
else:
    out.mkdir()
    for i, f in enumerate(files):
        m = hr.read(f, progress=False)
        m.to_parquet(out / f"{i}.parquet")
        del m
seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
rss = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "rss_mb": rss}))
"""


def generate(root: Path, gb: float, file_mb: float) -> list[Path]:
    """JSON files of about ``file_mb`` MB each, ``gb`` in all, each with its own sources."""
    template = make_payload(file_mb, seed=0)
    files = []
    total = 0
    k = 0
    while total < gb * 1e9:
        data = template.replace(b"example.org/video", f"example.org/f{k}_video".encode())
        data = data.replace(b'"file":"video', f'"file":"f{k}_video'.encode())
        path = root / f"job{k:04d}.json"
        path.write_bytes(data)
        files.append(path)
        total += len(data)
        k += 1
    return files


def run_convert(files: list[Path], out: Path, mode: str) -> dict:
    arg = json.dumps([str(f) for f in files])
    proc = subprocess.run(
        [sys.executable, "-c", _CONVERT, arg, str(out), mode],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def design_of(folder: Path, participants: int):
    import pandas as pd

    from humeresearch import dataset

    sources = sorted(set(dataset.open_dataset(folder, model="face").spans()["source"]))
    return pd.DataFrame(
        {
            "source": sources,
            "participant": [f"p{i % participants:02d}" for i in range(len(sources))],
        }
    )


def summarize_dask(folder: Path, design) -> tuple[float, int, int]:
    import distributed

    from humeresearch import dataset

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    )
    with distributed.Client(cluster):
        ds = dataset.open_dataset(folder, engine="dask")
        t0 = time.perf_counter()
        out = dataset.summarize(dataset.annotate(ds, design), by=["participant", "model"])
        seconds = time.perf_counter() - t0
        rows = int(ds.long().map_partitions(len).sum().compute())
    cluster.close()
    return seconds, len(out), rows


def summarize_pandas_sample(folder: Path, design, fraction: float) -> tuple[float, int]:
    import humeresearch as hr
    from humeresearch import dataset

    sample = design.iloc[:: max(1, round(1 / fraction))]
    t0 = time.perf_counter()
    long = dataset.open_dataset(folder, source=list(sample["source"])).long()
    hr.summarize(hr.annotate(long, sample), by=["participant", "model"])
    return time.perf_counter() - t0, len(long)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gb", type=float, default=0.5, help="JSON to generate (GB)")
    parser.add_argument("--file-mb", type=float, default=25.0, help="size of one JSON file")
    parser.add_argument("--participants", type=int, default=20)
    parser.add_argument("--sample", type=float, default=0.1, help="fraction summarised by pandas")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()

    root = Path(tempfile.mkdtemp(prefix="bench_scale_"))
    try:
        t0 = time.perf_counter()
        (root / "json").mkdir()
        files = generate(root / "json", args.gb, args.file_mb)
        mb = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"generated {len(files)} files, {mb:,.0f} MB of JSON in {time.perf_counter() - t0:.0f} s"
        )

        conv = run_convert(files, root / "ds", "dataset")
        base = run_convert(files, root / "one_by_one", "baseline")
        print(
            f"to_dataset:          {conv['seconds']:7.1f} s  {mb / conv['seconds']:6.1f} MB/s  "
            f"CPU {conv['cpu']:7.1f} s  peak RSS {conv['rss_mb']:,.0f} MB  (target <= 1024 MB)"
        )
        print(
            f"read().to_parquet(): {base['seconds']:7.1f} s  {mb / base['seconds']:6.1f} MB/s  "
            f"CPU {base['cpu']:7.1f} s  peak RSS {base['rss_mb']:,.0f} MB"
        )
        print(
            f"ratio to_dataset / baseline: wall {conv['seconds'] / base['seconds']:.2f}, "
            f"CPU {conv['cpu'] / base['cpu']:.2f} (target <= 1.5)"
        )

        design = design_of(root / "ds", args.participants)
        d_sec, n_out, rows = summarize_dask(root / "ds", design)
        p_sec, p_rows = summarize_pandas_sample(root / "ds", design, args.sample)
        extrapolated = p_sec * rows / max(p_rows, 1)
        print(f"long rows: {rows:,}; summarize by participant and model: {n_out:,} rows")
        print(f"Dask, LocalCluster 2 workers x 1 thread: {d_sec:7.1f} s")
        print(
            f"pandas on a {p_rows / rows:.0%} sample ({p_rows:,} rows): {p_sec:.1f} s, "
            f"extrapolated to the corpus: {extrapolated:.1f} s (if it fitted in memory)"
        )
    finally:
        if args.keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
