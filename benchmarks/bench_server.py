"""Benchmark of the local server: concurrent v1 audio uploads of 10 s WAV files.

Starts an in-process server, then, with ``httpx.AsyncClient`` (sharded, 20 connections each):

1. baseline: ``--n`` concurrent trivial ``GET /_debug/counters`` requests;
2. target: ``--n`` concurrent ``POST /v1/expression/audio/file`` uploads of a 10 s WAV.

Prints requests per second of both, their ratio, the error count, and the wall time
``humeresearch serve`` needs before it answers (a subprocess). Target from issue 7:
200 concurrent uploads without error on 2 cores.

Usage::

    python3 benchmarks/bench_server.py            # 200 uploads
    python3 benchmarks/bench_server.py --quick    # 40 uploads, < 20 s
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import subprocess
import sys
import textwrap
import time
import wave

import httpx
import numpy as np

from humeresearch import server


def ten_second_wav(seed: int = 0) -> bytes:
    rate = 16000
    rng = np.random.default_rng(seed)
    t = np.arange(10 * rate) / rate
    voiced = (np.sin(2 * np.pi * 0.25 * t) > -0.3).astype(float)
    signal = 0.3 * np.sin(2 * np.pi * 180 * t) * (1 + 0.3 * rng.standard_normal(t.size)) * voiced
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((signal * 32767).astype("<i2").tobytes())
    return buf.getvalue()


#: connections per httpx client: httpcore's pool scans its connections per request, so one
#: client with 200 connections costs O(n^2) on the client side; shards keep the client cheap.
PER_CLIENT = 20


async def _fire(n: int, make_request) -> tuple[float, int, list[str]]:
    """Send ``n`` requests at once (all concurrent) and time them."""
    shards = max(1, -(-n // PER_CLIENT))
    limits = httpx.Limits(max_connections=PER_CLIENT, max_keepalive_connections=PER_CLIENT)
    clients = [
        httpx.AsyncClient(limits=limits, timeout=300.0, trust_env=False) for _ in range(shards)
    ]
    try:
        t0 = time.perf_counter()
        results = await asyncio.gather(
            *(make_request(clients[i % shards]) for i in range(n)), return_exceptions=True
        )
        elapsed = time.perf_counter() - t0
    finally:
        for client in clients:
            await client.aclose()
    errors = []
    for r in results:
        if isinstance(r, BaseException):
            errors.append(type(r).__name__)
        elif r.status_code != 200:
            errors.append(f"HTTP {r.status_code}")
    return elapsed, len(errors), errors[:5]


_SERVE = textwrap.dedent(
    """
    import argparse, sys
    from humeresearch.server._cli import add_serve_parser, run_serve
    p = argparse.ArgumentParser(prog="humeresearch")
    add_serve_parser(p.add_subparsers(dest="command"))
    raise SystemExit(run_serve(p.parse_args(sys.argv[1:])))
    """
)


def serve_startup_seconds() -> float:
    """Wall time from launching ``humeresearch serve`` to its first successful answer."""
    t0 = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "HUME_API_KEY"}
    proc = subprocess.Popen(
        [sys.executable, "-c", _SERVE, "serve", "--port", "0", "--log-level", "warning"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        url = proc.stdout.readline().split()[2]
        while True:
            try:
                if httpx.get(f"{url}/v0/batch/jobs", timeout=1.0).status_code == 200:
                    return time.perf_counter() - t0
            except httpx.HTTPError:
                time.sleep(0.01)
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="40 concurrent uploads (< 20 s)")
    parser.add_argument("--n", type=int, default=None, help="concurrent requests (default 200)")
    args = parser.parse_args()
    n = args.n or (40 if args.quick else 200)
    wav = ten_second_wav()

    with server.start(seed=0) as srv:

        def debug(client: httpx.AsyncClient):
            return client.get(f"{srv.url}/_debug/counters")

        def upload(client: httpx.AsyncClient):
            return client.post(
                f"{srv.url}/v1/expression/audio/file",
                files={"file": ("speech.wav", wav, "audio/wav")},
            )

        asyncio.run(_fire(5, upload))  # warm-up (imports, thread pool)
        base_s, base_err, _ = asyncio.run(_fire(n, debug))
        up_s, up_err, samples = asyncio.run(_fire(n, upload))
    startup = serve_startup_seconds()

    base_rps, up_rps = n / base_s, n / up_s
    print(f"cores available: {os.cpu_count()}")
    print(
        f"baseline: {n} concurrent GET /_debug/counters in {base_s:.2f} s = {base_rps:.0f} req/s ({base_err} errors)"
    )
    print(
        f"uploads : {n} concurrent 10 s WAV uploads in {up_s:.2f} s = {up_rps:.1f} req/s ({up_err} errors {samples})"
    )
    print(f"serve   : answering {startup:.2f} s after launch")
    print(
        f"RESULT uploads={n} upload_rps={up_rps:.1f} debug_rps={base_rps:.0f} "
        f"ratio={up_rps / base_rps:.4f} errors={up_err + base_err} serve_startup_s={startup:.2f}"
    )


if __name__ == "__main__":
    main()
