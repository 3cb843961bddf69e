"""Reading throughput: ``read(payload).wide()`` / ``.long()`` against ``orjson.loads``.

Targets (issue 2): wide >= 1.5x the throughput of orjson.loads alone, long >= 1.0x,
peak extra memory of wide <= 2x the payload size. Ratios are measured in one process
against the baseline, best of several repetitions.

    python benchmarks/bench_read.py            # 50 MB payload
    python benchmarks/bench_read.py --quick    # 5 MB payload
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _payload import make_payload
from _timing import best_interleaved

import humeresearch as hr


def peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    out = fn()
    _, top = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del out
    return top


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--mb", type=float, default=None)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    mb = args.mb or (5.0 if args.quick else 50.0)
    payload = make_payload(mb)
    size = len(payload) / 1e6
    hr.read(payload[:0] or b"[]")  # warm imports
    best = best_interleaved(
        {
            "json": lambda: orjson.loads(payload),
            "wide": lambda: hr.read(payload).wide(),
            "long": lambda: hr.read(payload).long(),
        },
        args.repeat,
    )
    t_json, t_wide, t_long = best["json"], best["wide"], best["long"]
    mem_wide = peak(lambda: hr.read(payload).wide())
    mem_json = peak(lambda: orjson.loads(payload))
    print(f"payload: {size:.1f} MB")
    for label, t in (
        ("orjson.loads", t_json),
        ("read().wide()", t_wide),
        ("read().long()", t_long),
    ):
        print(f"{label:>15}: {t:7.3f} s  {size / t:7.1f} MB/s")
    print(
        f"peak extra memory: wide {mem_wide / 1e6:.1f} MB ({mem_wide / len(payload):.2f}x payload); "
        f"orjson.loads {mem_json / 1e6:.1f} MB ({mem_json / len(payload):.2f}x payload)"
    )
    ratio_wide, ratio_long = t_json / t_wide, t_json / t_long
    print(
        f"RESULT payload_mb={size:.1f} wide_vs_orjson={ratio_wide:.2f} long_vs_orjson={ratio_long:.2f} "
        f"wide_peak_x_payload={mem_wide / len(payload):.2f} "
        + (
            f"targets_met={ratio_wide >= 1.5 and ratio_long >= 1.0 and mem_wide <= 2 * len(payload)}"
            if size >= 50
            else "targets_met=n/a (the targets are defined for a payload of at least 50 MB)"
        )
    )


if __name__ == "__main__":
    main()
