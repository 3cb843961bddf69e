"""Benchmark: ``measure`` (v1 uploads) against a plain loop over the official v1 SDK.

1,000 WAVs of 1 s against the local server with 100 ms added to every request
(``slow`` faults); ``measure`` at concurrency 1, 4 and 16, the SDK
(``hume-expression-measurement``) one upload after another, in the same run. Target:
concurrency 16 at least 8x the SDK loop's inputs per second, and peak memory (max RSS
of a fresh process) flat in the number of inputs.

The server runs in its own process (client and server do not share one interpreter
lock); each ``measure`` runs in a fresh process whose imports are done before the
clock starts, as the SDK's are. Times include everything ``measure`` does: hashing,
planning, the ledger, uploads, reading the stored responses and writing
``measurements.parquet``.

    .venv/bin/python benchmarks/bench_measure.py [--quick] [--inputs N]
"""

from __future__ import annotations

import argparse
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SLOW = "slow:1.0@0.1"

logging.getLogger("humeresearch.server").setLevel(logging.ERROR)


def make_inputs(folder: Path, n: int) -> list[Path]:
    from humeresearch.media import Audio

    folder.mkdir(parents=True, exist_ok=True)
    t = np.arange(16000) / 16000  # 1 s
    paths = []
    for i in range(n):
        x = np.sin(2 * np.pi * (100 + i * 0.37) * t) * 8000
        path = folder / f"w{i:05d}.wav"
        path.write_bytes(Audio(x.astype("<i2").tobytes()).wav())
        paths.append(path)
    return paths


def run_measure(folder: Path, url: str, concurrency: int) -> float:
    from humeresearch.measure import measure

    with tempfile.TemporaryDirectory() as project:
        t0 = time.perf_counter()
        m = measure(folder, project=project, base_url=url, concurrency=concurrency, progress=False)
        elapsed = time.perf_counter() - t0
    assert m.provenance["measure"]["summary"]["failed"] == {}
    return elapsed


def run_sdk(paths: list[Path], url: str) -> float:
    from hume_expression_measurement import ExpressionMeasurementClient
    from hume_expression_measurement.environment import ExpressionMeasurementClientEnvironment

    env = ExpressionMeasurementClientEnvironment(base=url, production=url.replace("http", "ws"))
    client = ExpressionMeasurementClient(api_key="bench", environment=env, max_retries=0)
    t0 = time.perf_counter()
    for path in paths:
        client.audio.measure(file=path.read_bytes())
    return time.perf_counter() - t0


def worker(folder: str, url: str, concurrency: int) -> None:
    """In a fresh process: run measure and print its time and max RSS (MB)."""
    import av  # noqa: F401 - imports done before the clock starts, as the SDK's are
    import pyarrow.parquet  # noqa: F401

    import humeresearch.media
    import humeresearch.readers  # noqa: F401

    elapsed = run_measure(Path(folder), url, concurrency)
    rss = int(open("/proc/self/status").read().split("VmHWM:")[1].split()[0]) / 1024
    print(json.dumps({"seconds": elapsed, "rss_mb": rss}))


def in_process(folder: Path, url: str, concurrency: int) -> dict:
    cmd = [sys.executable, __file__, "--worker", str(folder), url, str(concurrency)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def serve(faults: str) -> None:
    """In a separate process: the local server; prints its URL, stops when stdin closes."""
    from humeresearch import server

    with server.start(faults=faults) as srv:
        print(srv.url, flush=True)
        sys.stdin.read()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="200 inputs instead of 1,000")
    ap.add_argument("--inputs", type=int)
    ap.add_argument("--worker", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--serve", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker[0], args.worker[1], int(args.worker[2]))
        return
    if args.serve:
        serve(args.serve)
        return
    n = args.inputs or (200 if args.quick else 1000)
    root = Path(tempfile.mkdtemp(prefix="bench_measure_"))
    paths = make_inputs(root / "all", n)
    small = root / "quarter"
    small.mkdir()
    for p in paths[: n // 4]:
        (small / p.name).symlink_to(p)
    cmd = [sys.executable, __file__, "--serve", SLOW]
    srv = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert srv.stdout is not None
        url = srv.stdout.readline().strip()
        sdk = run_sdk(paths, url)
        rates = {"sdk loop": n / sdk}
        mem = {}
        for c in (1, 4, 16):
            r = in_process(root / "all", url, c)
            rates[f"measure c={c}"] = n / r["seconds"]
            mem[c] = r["rss_mb"]
        quarter = in_process(small, url, 16)
    finally:
        assert srv.stdin is not None
        srv.stdin.close()
        srv.wait(timeout=30)
    base = rates["sdk loop"]
    print(f"{n} inputs of 1 s, 100 ms added per request (server in its own process)")
    for name, rate in rates.items():
        print(f"  {name:<14} {rate:7.1f} inputs/s  {rate / base:5.2f}x the SDK loop")
    print(f"  peak RSS c=16: {n // 4} inputs {quarter['rss_mb']:.0f} MB, {n} inputs "
          f"{mem[16]:.0f} MB (ratio {mem[16] / quarter['rss_mb']:.2f})")  # fmt: skip
    ok = rates["measure c=16"] / base >= 8
    print(f"target c=16 >= 8x SDK: {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
