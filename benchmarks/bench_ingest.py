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
import csv
import io
import sys
import tempfile
import zipfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _payload import make_payload
from _timing import best

import humeresearch as hr


def _own_zip(predictions: list[dict]) -> bytes:
    """A small artifacts-zip writer (used when the simulator has none)."""
    out = io.BytesIO()
    fixed = {
        "face": ["Frame", "Time", "Probability", "FaceX0", "FaceY0", "FaceWidth", "FaceHeight"],
        "prosody": ["Text", "BeginTime", "EndTime", "Confidence", "SpeakerConfidence"],
        "language": [
            "Text",
            "BeginPosition",
            "EndPosition",
            "BeginTime",
            "EndTime",
            "Confidence",
            "SpeakerConfidence",
        ],
        "burst": ["BeginTime", "EndTime"],
    }
    lists = ("emotions", "facs", "descriptions", "sentiment", "toxicity")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for i, entry in enumerate(predictions):
            base = entry["source"]["url"].rsplit("/", 1)[-1]
            for fp in entry["results"]["predictions"]:
                for model, block in fp["models"].items():
                    rows = [
                        (g["id"], p) for g in block["grouped_predictions"] for p in g["predictions"]
                    ]
                    first = rows[0][1]
                    names = [s["name"] for k in lists for s in (first.get(k) or [])]
                    buf = io.StringIO()
                    w = csv.writer(buf, lineterminator="\r\n")
                    w.writerow(["Id", *fixed[model], *names])
                    for gid, p in rows:
                        t = p.get("time")
                        box, pos = p.get("box") or {}, p.get("position") or {}
                        vals = {
                            "Frame": p.get("frame"),
                            "Time": t,
                            "Probability": p.get("prob"),
                            "FaceX0": box.get("x"),
                            "FaceY0": box.get("y"),
                            "FaceWidth": box.get("w"),
                            "FaceHeight": box.get("h"),
                            "Text": p.get("text"),
                            "Confidence": p.get("confidence"),
                            "SpeakerConfidence": p.get("speaker_confidence"),
                            "BeginPosition": pos.get("begin"),
                            "EndPosition": pos.get("end"),
                            "BeginTime": t.get("begin") if isinstance(t, dict) else None,
                            "EndTime": t.get("end") if isinstance(t, dict) else None,
                        }
                        scores = [s["score"] for k in lists for s in (p.get(k) or [])]
                        cells = [vals[c] for c in fixed[model]] + scores
                        w.writerow(
                            [
                                gid,
                                *(
                                    "" if v is None else repr(v) if isinstance(v, float) else v
                                    for v in cells
                                ),
                            ]
                        )
                    z.writestr(f"url-{i}-{base}/csv/{fp['file']}/{model}.csv", buf.getvalue())
    return out.getvalue()


def artifacts_zip(predictions: list[dict]) -> tuple[bytes, str]:
    try:
        from humeresearch.simulate import v0_artifacts_zip  # type: ignore[attr-defined]

        return v0_artifacts_zip(predictions), "simulate.v0_artifacts_zip"
    except ImportError:
        return _own_zip(predictions), "bench_ingest._own_zip"


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
