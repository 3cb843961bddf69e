"""Timing helpers shared by the benchmarks: best-of-N, in one process.

Speed targets are ratios against a baseline measured in the same process; on a
shared machine, interleaving the candidates round by round spreads the load over
all of them alike.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any


def best(fn: Callable[[], Any], repeat: int) -> float:
    """Shortest wall time of ``repeat`` calls of ``fn`` (collector run before each)."""
    return best_interleaved({"fn": fn}, repeat)["fn"]


def best_interleaved(fns: dict[str, Callable[[], Any]], repeat: int) -> dict[str, float]:
    """Shortest wall time of each function, the functions taking turns every round."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            gc.collect()
            t0 = time.perf_counter()
            out = fn()
            times[name].append(time.perf_counter() - t0)
            del out
    return {name: min(t) for name, t in times.items()}
