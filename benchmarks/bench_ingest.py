"""Ingest throughput of the artifacts zip against the predictions JSON of the same job.

Target (issue 3): ``read(zip)`` is at least as fast as ``read(json)`` for the 50 MB
benchmark job of ``bench_read.py`` (ratio = JSON time / zip time >= 1). Also prints
the effect of ``workers=`` (threads and processes) on a folder of several jobs.
Times are best of several repetitions in one process.

    python benchmarks/bench_ingest.py            # 50 MB job, 8 x 4 MB folder
    python benchmarks/bench_ingest.py --quick    # 5 MB job, 4 x 1 MB folder
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _payload import make_payload
from _timing import best

import humeresearch as hr


def artifacts_zip(predictions: list[dict]) -> tuple[bytes, str]:
    """The artifacts zip of ``predictions``, written by the simulator (one CSV layout:
    :mod:`humeresearch.wire.artifacts`)."""
    from humeresearch.simulate import v0_artifacts_zip

    return v0_artifacts_zip(predictions), "simulate.v0_artifacts_zip"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mb", type=float, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    mb = args.mb or (5.0 if args.quick else 50.0)
    payload = make_payload(mb)
    docs = orjson.loads(payload)
    zipped, writer = artifacts_zip(docs)
    hr.read(payload[:0] or b"[]")  # warm imports
    hr.read(zipped)
    t_json = best(lambda: hr.read(payload).long(), args.repeat)
    t_zip = best(lambda: hr.read(zipped).long(), args.repeat)
    print(
        f"job: JSON {len(payload) / 1e6:.1f} MB, artifacts zip {len(zipped) / 1e6:.1f} MB ({writer})"
    )
    print(f"read(json).long(): {t_json:7.3f} s")
    print(f"read(zip).long():  {t_zip:7.3f} s")

    n_jobs, job_mb = (4, 1.0) if args.quick else (8, 4.0)
    ratios = {}
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("json", "zip"):
            folder = Path(tmp) / kind
            folder.mkdir()
            for i in range(n_jobs):
                docs_i = orjson.loads(make_payload(job_mb, seed=i + 1))
                for entry in docs_i:
                    entry["source"]["url"] = entry["source"]["url"].replace(
                        "video", f"job{i}-video"
                    )
                    for fp in entry["results"]["predictions"]:
                        fp["file"] = f"job{i}-{fp['file']}"
                data = orjson.dumps(docs_i) if kind == "json" else artifacts_zip(docs_i)[0]
                (folder / f"job{i}.{kind}").write_bytes(data)
            reps = max(2, args.repeat // 2)
            seq = best(lambda f=folder: hr.read(f, progress=False), reps)
            for executor in ("thread", "process"):
                par = best(
                    lambda f=folder, e=executor: hr.read(f, progress=False, workers=2, executor=e),
                    reps,
                )
                ratios[f"{kind}_{executor}2"] = seq / par
                print(
                    f"folder of {n_jobs} {kind} jobs: sequential {seq:.3f} s, "
                    f"workers=2 {executor} {par:.3f} s (speed-up {seq / par:.2f}x)"
                )
    ratio = t_json / t_zip
    extra = " ".join(f"speedup_{k}={v:.2f}" for k, v in ratios.items())
    print(
        f"RESULT payload_mb={len(payload) / 1e6:.1f} zip_vs_json={ratio:.2f} {extra} "
        f"target_met={ratio >= 1.0}"
    )


if __name__ == "__main__":
    main()
